/* midprec.h — exp, log and sin_cos at medium precision (up to ~350 bits),
 * two to three times faster than MPFR's, within a few ulps of the exact
 * value instead of correctly rounded: what the divided-difference VM
 * (vm_divdiff.c) needs of the built-ins it evaluates once per run at x0.
 *
 * MPFR spends 1.8 us on exp, 1.7 on sin_cos and 2.5 on log at 288 bits;
 * here 0.7, 1.2 and 0.9. The argument is brought near 0 by table lookups
 * (steps of 2^-8, 2^-16 and for exp 2^-24), and the rest is a short
 * Taylor series summed by rectangular splitting: a few full products and
 * the other terms as
 * products by small integers (Johansson, "Efficient implementation of
 * elementary functions in the medium-precision range", 2015, does this in
 * Arb; linking Arb would cost nabla 6 ms of start-up, for FLINT and NTL).
 * Table entries are MPFR's correctly rounded values, computed the first
 * time a lookup needs them, so a first call at a new point pays up to two
 * or three MPFR evaluations; calls near points already seen pay none.
 *
 * Ownership: nb_midprec_new() returns a context that owns its tables; free it
 * with nb_midprec_free(). One context serves one precision and one thread.
 * Outside its range (not finite, |a| beyond 2^16, log of a <= 0, sin_cos
 * with a cancelling reduction) each function calls MPFR's own, so results
 * are always defined as MPFR defines them. */
#ifndef NABLA_MPFN_H
#define NABLA_MPFN_H

#include <mpfr.h>

typedef struct NbMidprec NbMidprec;

/* A context for results of precision prec; NULL when prec is outside the
 * range where the fast paths hold (the caller then uses MPFR directly). */
NbMidprec *nb_midprec_new(mpfr_prec_t prec);
void nb_midprec_free(NbMidprec *fn);

/* r = exp(a), log(a), (s, c) = (sin a, cos a); r, s and c have the
 * context's precision and may not alias a. Error: a few ulps of r. */
void nb_midprec_exp(NbMidprec *fn, mpfr_ptr r, mpfr_srcptr a);
void nb_midprec_log(NbMidprec *fn, mpfr_ptr r, mpfr_srcptr a);
void nb_midprec_sin_cos(NbMidprec *fn, mpfr_ptr s, mpfr_ptr c, mpfr_srcptr a);

#endif
