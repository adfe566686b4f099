/* simplify.c: not written yet */
