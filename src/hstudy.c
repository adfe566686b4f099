/* hstudy.c: not written yet */
