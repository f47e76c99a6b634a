/* bhyve_argv.c: not written yet */
