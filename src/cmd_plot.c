/* cmd_plot.c: not written yet */
