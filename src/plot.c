/* plot.c — pictures (SPEC §6): not built yet. */
