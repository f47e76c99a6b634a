/* zfs.c: not written yet */
