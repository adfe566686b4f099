/* vm_block.c: not written yet */
