/* polygamma.c — psi^(n)(x) in MPFR, correctly rounded (contract: polygamma.h).
 *
 * n = 0 is mpfr_digamma (correctly rounded by MPFR), or the sum below
 * with s = 1 at 256 bits and more (em_digamma_applies). For n >= 1,
 *   psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x),  zeta(s, x) = sum_{k>=0} (x+k)^-s,
 * which converges for every real x but 0, -1, -2, ... (terms with x + k < 0
 * carry the sign (-1)^s). MPFR has no Hurwitz zeta; it is summed here by
 * Euler–Maclaurin, as mpmath and Arb do: with a = x + N > 0,
 *   zeta(s, x) = sum_{k<N} (x+k)^-s + a^(1-s)/(s-1) + a^-s/2
 *              + sum_{j=1..M} B_2j/(2j)! (s)_(2j-1) a^(-s-2j+1) + R,
 * where B_2j/(2j)! = (-1)^(j+1) 2 zeta(2j) / (2 pi)^2j (MPFR's zeta_ui) and
 *   |R| <= 4 (s)_2M / (2 pi)^2M  a^(-s-2M+1) / (s+2M-1)
 * (F. Johansson, "Rigorous high-precision computation of the Hurwitz zeta
 * function and its derivatives", Numer. Algorithms 69 (2015), Theorem 1,
 * for real s). Writing q_j = (s)_(2j-1) a^(-s-2j+1) / (2 pi)^2j, the j-th
 * correction is (-1)^(j+1) 2 zeta(2j) q_j and the bound is 4 q_M; it is
 * taken as 8 q_M to cover the rounding of q_M itself. Term j is computed
 * to wj = w - (EXP(T) - EXP(q_j)) + 12 bits only (T below), zeta(2j) taken
 * as 1 once 2^(1-2j) is below 2^-wj: each such term is then off by at most
 * 2^-(w+8) T, far inside the rounding budget below, and most of the zeta
 * values are cheap.
 *
 * N makes a >= (s + 2 M_max)/pi + 1, so q_(j+1)/q_j = (s+2j-1)(s+2j) /
 * (2 pi a)^2 <= 1/4 for every j <= M_max = w/2 + 8: the corrections fall
 * at least 2 bits each, and summing stops when 8 q_j is below 2^-w of the
 * sum.
 *
 * Rounding: every step rounds to nearest at the working precision w (u =
 * 2^-w). A term of the direct sum, (x+k)^-s, has relative error below
 * (s+2) u (x + k rounded once, then a correctly rounded power); q_j below
 * (s + 6j + 8) u; each addition adds u times the running sum, bounded by
 * T, the sum of the terms' magnitudes. So the sum is off by at most
 *   u T (2s + 6M + N + M + 40) + 8 q_M,
 * and the product by n! (fac_ui, then mul: 2u more of the result) by n!
 * times that plus 4u |result|. Ziv's strategy rounds when that bound
 * decides the rounding (mpfr_can_round), else raises w by half.
 *
 * Cost: N is about |x| for negative x, so x is refused below
 * -NB_MAX_POLYGAMMA_SHIFT; n above NB_MAX_POLYGAMMA_ORDER is refused; the
 * work grows faster than w^2 (and with the cancellation of odd orders at
 * negative half-integers), so precisions above NB_MAX_POLYGAMMA_BITS are
 * refused. The summation polls nb_interrupted
 * between terms and gives up (NaN) when it is set. A sum that cancels past
 * PSI_MAX_WORK_BITS of working precision is NaN too, never a guess.
 */
#include "mathfn/polygamma.h"

#include <limits.h>
#include <math.h>

#include "nabla/interrupt.h"
#include "nabla/limits.h"
#include "util/alloc.h"

/* 8 q_M + u T C, rounded up, as an exponent e: the bound is below 2^e. */
static long sum_error_exp(mpfr_srcptr qm, mpfr_srcptr tabs, double c,
                          mpfr_prec_t w)
{
    mpfr_t e, f;
    mpfr_inits2(64, e, f, (mpfr_ptr)0);
    mpfr_abs(e, qm, MPFR_RNDU);
    mpfr_mul_2ui(e, e, 3, MPFR_RNDU);
    mpfr_mul_d(f, tabs, c, MPFR_RNDU);
    mpfr_div_2ui(f, f, (unsigned long)w, MPFR_RNDU);
    mpfr_add(e, e, f, MPFR_RNDU);
    long r = mpfr_zero_p(e) ? LONG_MIN / 2 : (long)mpfr_get_exp(e);
    mpfr_clears(e, f, (mpfr_ptr)0);
    return r;
}

/* t += sum_{k<N} (x+k)^-s and T += the terms' magnitudes, at t's precision
 * w. The largest term is at least 2^elo, with d = |x + k| smallest (x, or
 * the distance of a negative x to the nearest integer): T >= 2^elo. Term
 * k is below 2^ek, ek = -s (EXP(x+k) - 1); it is computed to w - (elo -
 * ek) + 12 + lg N bits only, and skipped below 2^(elo - w - 12 - lg N)
 * (ek from the double log2 |x+k|, whose error times s <= 1001 is far
 * below the 2 bits added):
 * (x + k rounded to wk bits, then the power: relative error (2s+1)
 * 2^-wk) together these are off by at most (2s+2) 2^-12 u T, inside the
 * budget.
 * For s = 1001 only the few hundred terms nearest the pole cost anything.
 * Returns -1 when interrupted. */
static int direct_sum(mpfr_ptr t, mpfr_ptr tabs, unsigned long s,
                      mpfr_srcptr x, unsigned long nterms)
{
    mpfr_prec_t w = mpfr_get_prec(t);
    mpfr_t u, v;
    mpfr_init2(u, w);
    mpfr_init2(v, mpfr_get_prec(x) + 1);
    if (mpfr_sgn(x) > 0)
        mpfr_set(v, x, MPFR_RNDN);
    else {                        /* min(frac, 1 - frac), exact */
        mpfr_frac(v, x, MPFR_RNDN);
        mpfr_add_ui(v, v, 1, MPFR_RNDN);
        if (mpfr_cmp_d(v, 0.5) > 0)
            mpfr_ui_sub(v, 1, v, MPFR_RNDN);
    }
    mpfr_t m;                     /* d^-s rounded down: T >= 2^elo */
    mpfr_init2(m, 64);
    mpfr_pow_si(m, v, -(long)s, MPFR_RNDD);
    /* when d^-s overflows 64-bit exponents, -s*exp(d) bounds it; saturate
     * (v may be 0 or huge: no signed overflow) */
    long ev = mpfr_regular_p(v) ? (long)mpfr_get_exp(v) : 0;
    long lim = LONG_MAX / 2 / ((long)s + 1);
    long lgn = 1, elo = mpfr_regular_p(m) ? (long)mpfr_get_exp(m) - 1
                        : ev > lim ? -LONG_MAX / 2 : ev < -lim ? LONG_MAX / 2
                        : -(long)s * ev;
    mpfr_clear(m);
    while ((1UL << lgn) < nterms && lgn < 62)
        lgn++;
    int rc = 0;
    for (unsigned long k = 0; k < nterms; k++) {
        if ((k & 15) == 0 && nb_interrupted) {
            rc = -1;
            break;
        }
        mpfr_add_ui(u, x, k, MPFR_RNDN);
        long ek = -(long)s * ((long)mpfr_get_exp(u) - 1);
        double ak = fabs(mpfr_get_d(u, MPFR_RNDZ)); /* <= |x + k| */
        if (ak > 0x1p-1000 && ak < 0x1p1000)  /* tighter; 2 bits spare */
            ek = (long)ceil(-(double)s * log2(ak)) + 2;
        long wk = (long)w - (elo - ek) + 12 + lgn;
        if (wk < 2)
            continue;             /* below 2^(elo - w - 12 - lg N) */
        mpfr_set_prec(v, wk > (long)w ? w : (mpfr_prec_t)wk);
        mpfr_set(v, u, MPFR_RNDN); /* x + k to wk bits, then the power */
        mpfr_pow_si(v, v, -(long)s, MPFR_RNDN);
        mpfr_add(t, t, v, MPFR_RNDN);
        mpfr_abs(v, v, MPFR_RNDN);
        mpfr_add(tabs, tabs, v, MPFR_RNDN);
    }
    mpfr_clears(u, v, (mpfr_ptr)0);
    return rc;
}

/* zeta(2j) to z's precision. MPFR computes zeta_ui from scratch each
 * call (most of a polygamma's time at 4096 bits: 0.16 s a call), so the
 * values are kept per thread at the highest precision asked, up to
 * ZETA_CACHE_BITS, and rounded from there: off by at most 1 ulp instead
 * of 1/2, which the 12 spare bits of each term absorb (see hurwitz). */
#define ZETA_CACHE_BITS 8192
static _Thread_local struct {
    mpfr_t *v;          /* v[j] = zeta(2j), j < n, at its own precision */
    unsigned long n;
    unsigned cold;      /* digamma calls that found it cold (see below) */
} zeta_cache;

/* Does the cache hold zeta(2) to p bits? Filling it costs about four
 * calls of mpfr_digamma (0.16 s at 4096 bits against 0.04), so digamma
 * sums by Euler–Maclaurin only once it is filled, or once
 * EM_DIGAMMA_COLD_CALLS calls have found it cold: a loop of calls (a
 * descent, a table, an h study) then pays for it once, a single call
 * not at all. */
#define EM_DIGAMMA_COLD_CALLS 4
static int zeta_cache_warm(mpfr_prec_t p)
{
    if (zeta_cache.n > 1 && !mpfr_nan_p(zeta_cache.v[1])
        && mpfr_get_prec(zeta_cache.v[1]) >= p)
        return 1;
    return ++zeta_cache.cold > EM_DIGAMMA_COLD_CALLS;
}

static void zeta_even(mpfr_ptr z, unsigned long j)
{
    mpfr_prec_t p = mpfr_get_prec(z);
    if (p > ZETA_CACHE_BITS || j > ZETA_CACHE_BITS) {
        mpfr_zeta_ui(z, 2 * j, MPFR_RNDN);
        return;
    }
    if (j >= zeta_cache.n) {
        unsigned long n = j + 1 > 2 * zeta_cache.n ? j + 1 : 2 * zeta_cache.n;
        zeta_cache.v = nb_xrealloc(zeta_cache.v, n * sizeof *zeta_cache.v);
        for (unsigned long i = zeta_cache.n; i < n; i++)
            mpfr_init2(zeta_cache.v[i], MPFR_PREC_MIN); /* none yet */
        zeta_cache.n = n;
    }
    mpfr_ptr c = zeta_cache.v[j];
    if (mpfr_get_prec(c) < p || mpfr_nan_p(c)) {
        mpfr_set_prec(c, p);
        mpfr_zeta_ui(c, 2 * j, MPFR_RNDN);
    }
    mpfr_set(z, c, MPFR_RNDN);
}

/* a + b, saturated: the exponent bounds can be MPFR's special exponents
 * (about -2^63 for a zero), whose sums must not overflow. */
static long sat_add(long a, long b)
{
    if (b > 0 && a > LONG_MAX - b)
        return LONG_MAX;
    if (b < 0 && a < LONG_MIN - b)
        return LONG_MIN;
    return a + b;
}

/* t (precision w) = zeta(s, x) as above; returns e with |t - zeta| <= 2^e,
 * or LONG_MAX when interrupted. */
static long hurwitz(mpfr_ptr t, unsigned long s, mpfr_srcptr x)
{
    mpfr_prec_t w = mpfr_get_prec(t);
    unsigned long m_max = (unsigned long)w / 2 + 8;
    double amin = (double)(s + 2 * m_max) / 3.14159 + 1;
    double xd = mpfr_get_d(x, MPFR_RNDD);
    unsigned long nterms = xd >= amin ? 0 : (unsigned long)ceil(amin - xd);
    mpfr_t u, a, tabs, q, z, c;
    mpfr_inits2(w, u, a, tabs, q, z, c, (mpfr_ptr)0);
    mpfr_set_zero(t, 1);
    mpfr_set_zero(tabs, 1);
    long err = LONG_MAX;
    if (nterms && direct_sum(t, tabs, s, x, nterms))
        goto out;
    mpfr_add_ui(a, x, nterms, MPFR_RNDN);
    mpfr_pow_si(u, a, -(long)s, MPFR_RNDN);       /* a^-s */
    if (s == 1) {                                 /* -log a: see digamma */
        mpfr_log(c, a, MPFR_RNDN);
        mpfr_neg(c, c, MPFR_RNDN);
    } else {                                      /* a^(1-s)/(s-1) */
        mpfr_mul(c, u, a, MPFR_RNDN);
        mpfr_div_ui(c, c, s - 1, MPFR_RNDN);
    }
    mpfr_add(t, t, c, MPFR_RNDN);
    mpfr_abs(c, c, MPFR_RNDN);
    mpfr_add(tabs, tabs, c, MPFR_RNDN);
    mpfr_div_2ui(u, u, 1, MPFR_RNDN);             /* a^-s / 2 */
    mpfr_add(t, t, u, MPFR_RNDN);
    mpfr_add(tabs, tabs, u, MPFR_RNDN);
    mpfr_const_pi(c, MPFR_RNDN);                  /* c = 1/(2 pi a)^2 */
    mpfr_mul(c, c, a, MPFR_RNDN);
    mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
    mpfr_sqr(c, c, MPFR_RNDN);
    mpfr_ui_div(c, 1, c, MPFR_RNDN);
    mpfr_mul(q, u, c, MPFR_RNDN);                 /* q_1 = s a^(-s-1)/(2pi)^2 */
    mpfr_mul_2ui(q, q, 1, MPFR_RNDN);
    mpfr_mul(q, q, a, MPFR_RNDN);
    mpfr_mul_ui(q, q, s, MPFR_RNDN);
    unsigned long j = 1;
    for (;; j++) {
        if (nb_interrupted)
            goto out;
        /* term j matters only to wj bits; zeta(2j) < 1 + 2^(1-2j) */
        /* saturated: q or tabs may be 0 or inf (MPFR's special
         * exponents, near LONG_MIN; their negation still fits) */
        long wj = sat_add(sat_add((long)w + 12, mpfr_get_exp(q)),
                          -(long)mpfr_get_exp(tabs));
        mpfr_set_prec(z, wj < 32 ? 32 : wj > (long)w ? w : (mpfr_prec_t)wj);
        if ((long)(2 * j) > sat_add(wj, 2))
            mpfr_set_ui(z, 1, MPFR_RNDN);
        else
            zeta_even(z, j);
        mpfr_mul(z, z, q, MPFR_RNDN);
        mpfr_mul_2ui(z, z, 1, MPFR_RNDN);
        if (j & 1)
            mpfr_add(t, t, z, MPFR_RNDN);
        else
            mpfr_sub(t, t, z, MPFR_RNDN);
        mpfr_abs(z, z, MPFR_RNDN);
        mpfr_add(tabs, tabs, z, MPFR_RNDN);
        /* q_(j+1) = q_j (s+2j-1)(s+2j) / (2 pi a)^2 */
        mpfr_mul_ui(q, q, s + 2 * j - 1, MPFR_RNDN);
        mpfr_mul_ui(q, q, s + 2 * j, MPFR_RNDN);
        mpfr_mul(q, q, c, MPFR_RNDN);
        if (j >= m_max || mpfr_zero_p(q) || mpfr_zero_p(t)
            || sat_add(mpfr_get_exp(q), 3) < sat_add(mpfr_get_exp(t), -(long)w))
            break;
    }
    /* the tail after term j is bounded by 8 q_j; q now holds q_(j+1) <=
     * q_j / 4, so 32 q_(j+1) >= 8 q_j */
    mpfr_mul_2ui(q, q, 2, MPFR_RNDN);
    err = sum_error_exp(q, tabs,
                        2.0 * s + 7.0 * j + (double)nterms + 48, w);
out:
    mpfr_clears(u, a, tabs, q, z, c, (mpfr_ptr)0);
    return err;
}

/* t = psi^(n)(x) (n = 0: see em_digamma_applies); returns e with
 * |t - psi^(n)(x)| <= 2^e, or LONG_MAX when interrupted. */
static long psi_approx(mpfr_ptr t, unsigned long n, mpfr_srcptr x)
{
    long e = hurwitz(t, n + 1, x);
    if (e == LONG_MAX)
        return e;
    mpfr_t f;
    mpfr_init2(f, mpfr_get_prec(t));
    mpfr_fac_ui(f, n, MPFR_RNDN);
    mpfr_mul(t, t, f, MPFR_RNDN);
    if (n % 2 == 0)
        mpfr_neg(t, t, MPFR_RNDN);
    /* n! (1 + u) 2^e + 4u |t|, below 2^(max(e + log2 n! + 1, EXP(t) - w
     * + 2) + 1) */
    long ef = (long)mpfr_get_exp(f) + 1;
    mpfr_clear(f);
    long et = mpfr_regular_p(t) ? (long)mpfr_get_exp(t) - (long)mpfr_get_prec(t) + 2
                                : LONG_MIN / 2;
    long eb = sat_add(e, ef);
    return sat_add(eb > et ? eb : et, 1);
}

/* Working precision at which a result whose terms cancel (odd order at a
 * half-integer far below 0: the terms pair up as +-(j + 1/2)^-s) is
 * refused as NaN rather than returned unrounded. */
#define PSI_MAX_WORK_BITS 65536L

/* Precisions from which digamma is summed here rather than by MPFR:
 * mpfr_digamma computes its Bernoulli numbers afresh on every call (14 ms
 * at 4096 bits, where lngamma takes 3.5), while the sum above with n = 0
 * -- zeta(1, x) regularised: psi(x) = log a - 1/(2a) - sum_{k<N} 1/(x+k)
 * - sum_j B_2j/(2j a^2j) - R, Johansson's bound holding for s = 1 as its
 * proof needs only |f^(2M)| -- reuses the cached zeta(2j). Both round
 * correctly, so they agree to the bit (test_polygamma checks). */
#define EM_DIGAMMA_MIN_BITS 256

/* Is digamma(x) at p bits for the sum above: p in [EM_DIGAMMA_MIN_BITS,
 * NB_MAX_POLYGAMMA_BITS], x within NB_MAX_POLYGAMMA_SHIFT of 0 and at
 * least 2^-64 from 0 and from the poles (closer, the pole term is all but
 * the whole value, and a value next to a power of two would need Ziv
 * steps to 2^-EXP bits: MPFR has a formula for that). */
static int em_digamma_applies(mpfr_srcptr x, mpfr_prec_t p)
{
    if (p < EM_DIGAMMA_MIN_BITS || p > NB_MAX_POLYGAMMA_BITS
        || !mpfr_regular_p(x) || mpfr_cmp_si(x, -NB_MAX_POLYGAMMA_SHIFT) < 0)
        return 0;
    if (mpfr_sgn(x) > 0)
        return mpfr_get_exp(x) >= -64 && zeta_cache_warm(p + 32);
    mpfr_t d; /* distance to the nearest integer, exact */
    mpfr_init2(d, mpfr_get_prec(x) + 1);
    mpfr_frac(d, x, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    if (mpfr_cmp_d(d, 0.5) > 0)
        mpfr_ui_sub(d, 1, d, MPFR_RNDN);
    int far = mpfr_regular_p(d) && mpfr_get_exp(d) >= -64;
    mpfr_clear(d);
    return far && zeta_cache_warm(p + 32);
}

/* x is 0 or a negative integer */
static int is_pole(mpfr_srcptr x)
{
    return mpfr_integer_p(x) && mpfr_sgn(x) <= 0;
}

static int polygamma_wide(mpfr_ptr r, mpfr_srcptr n, mpfr_srcptr x,
                          mpfr_rnd_t rnd)
{
    if (mpfr_nan_p(n) || mpfr_nan_p(x) || !mpfr_integer_p(n)
        || mpfr_sgn(n) < 0 || mpfr_cmp_ui(n, NB_MAX_POLYGAMMA_ORDER) > 0) {
        mpfr_set_nan(r);
        return 0;
    }
    unsigned long k = mpfr_get_ui(n, MPFR_RNDN);
    if (k == 0 && !em_digamma_applies(x, mpfr_get_prec(r)))
        return mpfr_digamma(r, x, rnd);
    if (mpfr_inf_p(x) && mpfr_sgn(x) > 0) { /* psi^(n)(+inf) = +-0 */
        mpfr_set_zero(r, k % 2 ? 1 : -1);
        return 0;
    }
    if (mpfr_inf_p(x) || mpfr_cmp_si(x, -NB_MAX_POLYGAMMA_SHIFT) < 0
        || mpfr_get_prec(r) > NB_MAX_POLYGAMMA_BITS) {
        mpfr_set_nan(r);
        return 0;
    }
    if (is_pole(x)) { /* psi^(n) has a pole of order n+1 there */
        mpfr_set_inf(r, k % 2 ? 1 : -1);
        mpfr_set_divby0();
        return 0;
    }
    mpfr_prec_t p = mpfr_get_prec(r), w = p + 32;
    /* Near 0 the pole term n!/x^(n+1) dominates: psi^(n)(x) is within a
     * relative 2^-((n+1)|log2 x|) of it, next to a rounding boundary when
     * x is a power of two, so the first try takes those bits too (eight
     * Ziv steps of x1.5 did not reach them: polygamma(2, 2^-1000) was
     * refused as NaN where it is -2^3001). */
    if (mpfr_regular_p(x) && mpfr_get_exp(x) < -8) {
        /* only while that stays cheap: past it (polygamma(1000, 2^-1074)
         * would ask for a million bits) the loop refuses as before */
        long extra = (long)(k + 1) * -(long)mpfr_get_exp(x);
        if (extra <= 4096 + 4 * (long)p)
            w += (mpfr_prec_t)extra;
    }
    mpfr_flags_t flags = mpfr_flags_save();
    mpfr_t t;
    mpfr_init2(t, w);
    for (int it = 0;; it++) {
        long e = psi_approx(t, k, x);
        if (e == LONG_MAX) { /* interrupted: the caller sees the flag */
            mpfr_set_nan(t);
            break;
        }
        if (!mpfr_regular_p(t))
            break;
        long ok = (long)mpfr_get_exp(t) - e;
        if (ok > 0 && mpfr_can_round(t, ok, MPFR_RNDN, MPFR_RNDZ,
                                     p + (rnd == MPFR_RNDN)))
            break;
        /* short by p + 34 - ok bits (the terms cancelled): add them */
        long need = (long)p + 34 - ok;
        w += need > (long)w / 2 ? need + 16 : w / 2;
        if (it == 8 || w > PSI_MAX_WORK_BITS) { /* refuse, not guess */
            mpfr_set_nan(t);
            break;
        }
        mpfr_set_prec(t, w);
    }
    mpfr_flags_restore(flags, MPFR_FLAGS_ALL);
    int ternary = mpfr_set(r, t, rnd);
    mpfr_clear(t);
    return ternary;
}

/* In the caller's exponent range, as MPFR's own functions are: the sums
 * run in the widest range, since in a narrow one their terms and bounds
 * overflow or vanish (in the double range, as the fuzz harness sets it,
 * polygamma(1, 3 2^535) was NaN and polygamma(1000, 2^711) NaN for -0),
 * and the result is then brought into the caller's. */
int nb_polygamma_mpfr(mpfr_ptr r, mpfr_srcptr n, mpfr_srcptr x,
                      mpfr_rnd_t rnd)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    int ternary = polygamma_wide(r, n, x, rnd);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    return mpfr_check_range(r, ternary, rnd);
}

int nb_digamma_mpfr(mpfr_ptr r, mpfr_srcptr x, mpfr_rnd_t rnd)
{
    mpfr_t zero;
    mpfr_init2(zero, 2);
    mpfr_set_zero(zero, 1);
    int ternary = nb_polygamma_mpfr(r, zero, x, rnd);
    mpfr_clear(zero);
    return ternary;
}
