/* descent.c: not written yet */
