/* numdiff.h: contract written with the module */
