/* cmd_install.c: not written yet */
