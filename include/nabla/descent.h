/* descent.h: contract written with the module */
