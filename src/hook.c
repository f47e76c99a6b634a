/* hook.c: not written yet */
