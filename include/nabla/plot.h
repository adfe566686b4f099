/* plot.h: contract written with the module */
