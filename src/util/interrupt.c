/* interrupt.c — the definition of the library's interruption flag
 * (nabla/interrupt.h says who sets, polls and clears it). */
#include "nabla/interrupt.h"

volatile sig_atomic_t nb_interrupted;
