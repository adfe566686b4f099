/* vm_mpfr.c: not written yet */
