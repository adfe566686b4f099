/* cmd_symbolic.c: not written yet */
