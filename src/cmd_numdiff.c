/* cmd_numdiff.c: not written yet */
