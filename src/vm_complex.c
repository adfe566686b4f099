/* vm_complex.c: not written yet */
