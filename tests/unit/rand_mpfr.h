/* rand_mpfr.h — the random MPFR arguments of the function tests
 * (test_midprec, test_polygamma): a xorshift generator the test seeds
 * from check_seed(), and values with every bit of their precision drawn.
 */
#ifndef NABLA_TEST_RAND_MPFR_H
#define NABLA_TEST_RAND_MPFR_H

#include <mpfr.h>
#include <stdint.h>

static uint64_t rng; /* seed it before use: rng = check_seed() * ... */

static inline uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static inline double unif(void) { return (double)(next() >> 11) * 0x1p-53; }

/* a random value of precision p: lo + (hi - lo) u with every bit drawn */
static inline void random_in(mpfr_ptr a, double lo, double hi)
{
    mpfr_prec_t p = mpfr_get_prec(a);
    mpfr_t u;
    mpfr_init2(u, p);
    mpfr_set_ui(u, 0, MPFR_RNDN);
    for (mpfr_prec_t b = 0; b < p; b += 53) {
        mpfr_add_d(u, u, unif(), MPFR_RNDN);
        mpfr_div_2ui(u, u, 53, MPFR_RNDN);
    }
    mpfr_mul_2ui(u, u, 53, MPFR_RNDN);
    mpfr_mul_d(u, u, hi - lo, MPFR_RNDN);
    mpfr_add_d(a, u, lo, MPFR_RNDN);
    mpfr_clear(u);
}

#endif
