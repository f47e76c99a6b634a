/* port.c: not written yet */
