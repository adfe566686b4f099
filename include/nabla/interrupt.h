/* interrupt.h — the one interruption flag of the library.
 *
 * A SIGINT handler may only store to a volatile sig_atomic_t, so the flag
 * is a variable, not session state: the program's handler sets it, long
 * computations (differentiation, expansion, VM blocks, descent loops, MPFR
 * series) poll it and stop with NB_ERR_INTERRUPTED, and whoever set it
 * clears it before the next statement. The library never installs a
 * handler itself and never clears the flag on its own.
 */
#ifndef NABLA_INTERRUPT_H
#define NABLA_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t nb_interrupted;

#endif
