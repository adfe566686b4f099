/* test_polygamma.c — digamma by the Euler–Maclaurin sum, and the cache of
 * zeta(2j) it shares with polygamma (src/mathfn/polygamma.c).
 *
 * From 256 bits digamma is summed in polygamma.c instead of by MPFR.
 * Both round correctly, so the two must agree to the bit, in every
 * rounding direction, at random points and where it is hardest: next to
 * digamma's zeros (the sum cancels), next to its poles and to 0 (the
 * pole term is nearly all of it), far below 0 (the direct sum is long)
 * and at huge x. Where the sum does not apply (below 256 bits, above
 * NB_MAX_POLYGAMMA_BITS, within 2^-64 of a pole) the result is MPFR's by
 * construction, and checked the same way.
 *
 * zeta(2j) is kept at the highest precision asked so far and rounded
 * down from there: polygamma(n, x) at p bits must not change after a
 * call at a higher precision has refilled the cache.
 */
#include <math.h>
#include <mpfr.h>
#include <stdint.h>

#include "mathfn/polygamma.h"
#include "nabla/limits.h"
#include "check.h"
#include "rand_mpfr.h"

/* digamma's zeros near 1.46 and -0.50, to 60 digits (mpmath findroot) */
#define ZERO_1 "1.46163214496836234126265954232572132846819620400644635129599"
#define ZERO_2 "-0.504083008264455409258269304533302498955385182368579845177"

static const mpfr_rnd_t rnds[] = {MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD};

/* digamma(x) at p bits, ours against MPFR's, in all four directions;
 * returns the number of disagreements (value or ternary sign). */
static int disagree(mpfr_srcptr x, mpfr_prec_t p)
{
    mpfr_t ours, ref;
    mpfr_inits2(p, ours, ref, (mpfr_ptr)0);
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        int t1 = nb_digamma_mpfr(ours, x, rnds[i]);
        int t2 = mpfr_digamma(ref, x, rnds[i]);
        int same = mpfr_equal_p(ours, ref)
                   || (mpfr_nan_p(ours) && mpfr_nan_p(ref));
        if (!same || (t1 > 0) != (t2 > 0) || (t1 < 0) != (t2 < 0)) {
            if (bad++ == 0)
                mpfr_printf("#   x = %.40Rg at %ld bits, rnd %d: %.40Rg "
                            "vs %.40Rg\n", x, (long)p, i, ours, ref);
        }
    }
    mpfr_clears(ours, ref, (mpfr_ptr)0);
    return bad;
}

/* n random points in [lo, hi] at p bits (x carries p bits too) */
static void random_points(const char *what, double lo, double hi,
                          mpfr_prec_t p, int n)
{
    mpfr_t x;
    mpfr_init2(x, p);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        random_in(x, lo, hi);
        bad += disagree(x, p) > 0;
    }
    CHECK(bad == 0, "digamma at %ld bits, %d points %s in [%g, %g]: %d "
          "differ from mpfr_digamma", (long)p, n, what, lo, hi, bad);
    mpfr_clear(x);
}

/* Points at root + k 2^-e for digamma's zero root (given to 60 digits):
 * the sum cancels to about 2^-e of its terms' size. */
static void near_zero(const char *root, mpfr_prec_t p)
{
    mpfr_t x, r;
    mpfr_init2(x, p);
    mpfr_init2(r, p);
    mpfr_set_str(r, root, 10, MPFR_RNDN);
    int bad = 0, n = 0;
    for (long e = 10; e <= (long)p + 20; e += (long)p / 7 + 1)
        for (int s = -1; s <= 1; s += 2) {
            mpfr_set_si_2exp(x, s, -e, MPFR_RNDN);
            mpfr_add(x, x, r, MPFR_RNDN);
            bad += disagree(x, p) > 0;
            n++;
        }
    CHECK(bad == 0, "digamma at %ld bits, %d points within 2^-10 .. 2^-%ld "
          "of its zero %.12s...: %d differ", (long)p, n, (long)p + 20, root,
          bad);
    mpfr_clear(x);
    mpfr_clear(r);
}

/* Points at c + 2^-e, for the pole or 0 at c: the pole term dominates;
 * past 2^-64 the sum hands over to MPFR. */
static void near_pole(long c, mpfr_prec_t p)
{
    mpfr_t x;
    mpfr_init2(x, p + 200);
    int bad = 0, n = 0;
    for (long e = 1; e <= 80; e += 3)
        for (int s = -1; s <= 1; s += 2) {
            if (c == 0 && s < 0)
                continue;
            mpfr_set_si_2exp(x, s, -e, MPFR_RNDN);
            mpfr_add_si(x, x, c, MPFR_RNDN);
            bad += disagree(x, p) > 0;
            n++;
        }
    CHECK(bad == 0, "digamma at %ld bits, %d points 2^-1 .. 2^-79 from %ld: "
          "%d differ", (long)p, n, c, bad);
    mpfr_clear(x);
}

/* polygamma(n, x) at p bits before and after the cache was filled at 4p */
static void cache_keeps_bits(unsigned long n, double xd, mpfr_prec_t p)
{
    mpfr_t nn, x, first, again, big;
    mpfr_init2(nn, 16);
    mpfr_set_ui(nn, n, MPFR_RNDN);
    mpfr_init2(x, 53);
    mpfr_set_d(x, xd, MPFR_RNDN);
    mpfr_inits2(p, first, again, (mpfr_ptr)0);
    mpfr_init2(big, 4 * p);
    nb_polygamma_mpfr(first, nn, x, MPFR_RNDN);
    nb_polygamma_mpfr(big, nn, x, MPFR_RNDN);
    nb_polygamma_mpfr(again, nn, x, MPFR_RNDN);
    mpfr_t r; /* and the 4p-bit value rounded to p: the same number */
    mpfr_init2(r, p);
    mpfr_set(r, big, MPFR_RNDN);
    CHECK(mpfr_equal_p(first, again) && mpfr_equal_p(r, first),
          "polygamma(%lu, %g) at %ld bits: the same before and after a call "
          "at %ld bits refilled the zeta cache", n, xd, (long)p, (long)(4 * p));
    mpfr_clears(nn, x, first, again, big, r, (mpfr_ptr)0);
}

/* In the double exponent range (as the double-range runs of the MPFR VM
 * set it) polygamma is rounded into that range, as MPFR's functions are:
 * its sums run in the widest range. Before, polygamma(1, 3 2^535) was NaN
 * there (a^-s-1 underflowed in the bound) and polygamma(1000, 2^711) NaN
 * for -0. */
static void narrow_range(void)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_t n, x, r, wide;
    mpfr_inits2(53, n, x, r, wide, (mpfr_ptr)0);
    mpfr_set_ui(n, 1, MPFR_RNDN);
    mpfr_set_ui_2exp(x, 3, 535, MPFR_RNDN);
    nb_polygamma_mpfr(wide, n, x, MPFR_RNDN);      /* 1/x + 1/(2x^2) + ... */
    mpfr_set_emin(-1073);
    mpfr_set_emax(1024);
    nb_polygamma_mpfr(r, n, x, MPFR_RNDN);
    int huge_x = mpfr_equal_p(r, wide)
                 && mpfr_cmp_d(r, 2.9636783326467700e-162) == 0; /* mpmath */
    mpfr_set_ui(n, 1000, MPFR_RNDN);
    mpfr_set_ui_2exp(x, 1, 711, MPFR_RNDN);
    mpfr_clear_underflow();
    nb_polygamma_mpfr(r, n, x, MPFR_RNDN);        /* -999!/2^710999 */
    int under = mpfr_zero_p(r) && mpfr_signbit(r) && mpfr_underflow_p();
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    CHECK(huge_x, "polygamma(1, 3*2^535) in the double range: "
          "2.96367833264677e-162, as in the full range");
    CHECK(under, "polygamma(1000, 2^711) in the double range: -0, underflow");
    mpfr_clears(n, x, r, wide, (mpfr_ptr)0);
}

int main(void)
{
    rng = check_seed() * 2654435761u + 7;
    /* cache first, while it is empty */
    cache_keeps_bits(1, -472.88, 300);
    cache_keeps_bits(2, 0.3, 512);
    cache_keeps_bits(7, 12.5, 256);
    narrow_range();

    const mpfr_prec_t precs[] = {200, 256, 257, 400, 1000};
    for (size_t i = 0; i < sizeof precs / sizeof *precs; i++) {
        mpfr_prec_t p = precs[i];
        random_points("of either sign", -20, 20, p, 40);
        random_points("far below 0", -4000, -3000, p, 4);
        random_points("large", 1e3, 1e12, p, 10);
        near_zero(ZERO_1, p);
        near_zero(ZERO_2, p);
        near_pole(0, p);
        near_pole(-3, p);
    }
    random_points("of either sign", -5, 5, 2048, 6);
    random_points("of either sign", -5, 5, NB_MAX_POLYGAMMA_BITS, 3);
    random_points("past NB_MAX_POLYGAMMA_BITS (MPFR's)", -5, 5,
                  NB_MAX_POLYGAMMA_BITS + 1, 1);

    mpfr_t x;
    mpfr_init2(x, 300);
    const double special[] = {1,       2,       0.5,     -0.5,
                              1e300,   -4096.5, -4097.5, 0x1p-70};
    int bad = 0;
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        mpfr_set_d(x, special[i], MPFR_RNDN);
        bad += disagree(x, 300) > 0;
    }
    mpfr_set_inf(x, 1);
    bad += disagree(x, 300) > 0;
    mpfr_set_zero(x, -1);
    bad += disagree(x, 300) > 0;
    mpfr_set_si(x, -7, MPFR_RNDN);
    bad += disagree(x, 300) > 0;
    CHECK(bad == 0, "digamma at 300 bits at 1, 2, 1/2, -1/2, 1e300, -4096.5, "
          "-4097.5 (MPFR's), 2^-70 (MPFR's), inf, -0, -7: %d differ", bad);
    mpfr_clear(x);
    mpfr_free_cache();
    return check_done();
}
