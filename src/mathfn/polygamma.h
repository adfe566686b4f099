/* polygamma.h — digamma and polygamma in MPFR, for the rows of builtins.c.
 *
 * nb_polygamma_mpfr(r, n, x, rnd) sets r to psi^(n)(x), the n-th derivative
 * of digamma, correctly rounded in direction rnd (n = 0 is digamma).
 * n must be an integer, 0 <= n <= NB_MAX_POLYGAMMA_ORDER; x must not be 0,
 * -1, -2, ...: outside that r is NaN (a domain error for the evaluators).
 * Returns the MPFR ternary value.
 */
#ifndef NABLA_POLYGAMMA_H
#define NABLA_POLYGAMMA_H

#include <mpfr.h>

int nb_polygamma_mpfr(mpfr_ptr r, mpfr_srcptr n, mpfr_srcptr x,
                      mpfr_rnd_t rnd);
/* digamma(x), correctly rounded: nb_polygamma_mpfr with n = 0. */
int nb_digamma_mpfr(mpfr_ptr r, mpfr_srcptr x, mpfr_rnd_t rnd);

#endif
