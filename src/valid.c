/* valid.c: not written yet */
