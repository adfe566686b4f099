/* vm_double.c: not written yet */
