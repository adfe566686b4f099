/* cmd_descent.c: not written yet */
