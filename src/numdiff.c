/* numdiff.c: not written yet */
