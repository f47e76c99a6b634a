/* cmd_check.c: not written yet */
