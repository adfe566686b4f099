/* oracle_mpfr.c — the built-in table (builtins.c) against independent
 * references.
 *
 * References never call the row under test. ref_eval() below computes every
 * built-in from OTHER MPFR functions and identities (sec = 1/cos, sigmoid =
 * 1/(1+exp(-x)), softplus = log(1+exp(x)), acosh = log1p(x-1+sqrt(x^2-1)),
 * gamma by reflection, ...) with 64+ guard bits, plus extra bits where an
 * identity cancels. data/mpfr_ref.txt holds values from python mpmath
 * (data/gen_mpfr_ref.py), which also cross-check ref_eval itself.
 *
 * Checked:
 *   - the table: every row has name, help, example, evaluators, and a
 *     derivative except the documented ones; lookup finds every name;
 *   - eval_mpfr at 256 bits is correctly rounded (within 1/2 ulp of the
 *     reference, which is good to ~2^-400) at random points and at the
 *     mpmath points; sigmoid and softplus also in directed roundings;
 *   - eval_d within a stated ulp bound of the exact value (libm is not
 *     correctly rounded; see ULP_BOUND);
 *   - eval_c agrees with the real function on real input, and its
 *     complex step Im f(x+ih)/h matches the derivative; eval_mpc likewise
 *     at 256 bits;
 *   - deriv: each rule evaluated (with the reference functions) against a
 *     600-bit central difference of the reference, and the ML conventions at
 *     kinks and ties;
 *   - each example's output is the correctly rounded double, printed
 *     shortest, and eval_d produces it.
 */
#include "nabla/builtins.h"
#include "nabla/diff.h"
#include "nabla/simplify.h"
#include "../unit/check.h"

#include <math.h>
#include <stdint.h>

#define PREC 256        /* precision under test */
#define REF_PREC 420    /* references are good to about 2^-400 */
#define N_RANDOM 60     /* random points per row */

static gmp_randstate_t rng;

/* ======================================================================
 * Independent references: ref_eval(id, r, args) at r's precision.
 * ====================================================================== */

typedef mpfr_srcptr const *Args;

/* w = working precision: r's precision, 64 guard bits, plus extra. */
static mpfr_prec_t wprec(mpfr_ptr r, long extra)
{
    return mpfr_get_prec(r) + 64 + (extra > 0 ? extra : 0);
}

/* Bits an identity loses when its result is near x's scale below 1. */
static long small_extra(mpfr_srcptr x)
{
    return mpfr_zero_p(x) ? 0 : -mpfr_get_exp(x);
}

static void ref_trig(int id, mpfr_ptr t, mpfr_srcptr x)
{
    mpfr_t s, c, h;
    mpfr_prec_t w = mpfr_get_prec(t);
    mpfr_inits2(w, s, c, h, (mpfr_ptr)0);
    mpfr_const_pi(h, MPFR_RNDN);
    mpfr_div_2ui(h, h, 1, MPFR_RNDN);
    mpfr_sub(s, x, h, MPFR_RNDN); /* sin x = cos(x - pi/2) */
    mpfr_cos(s, s, MPFR_RNDN);
    mpfr_add(c, x, h, MPFR_RNDN); /* cos x = sin(x + pi/2) */
    mpfr_sin(c, c, MPFR_RNDN);
    if (mpfr_zero_p(x)) /* exactly, not cos(-pi/2) = 1e-166 */
        mpfr_set_zero(s, 1), mpfr_set_ui(c, 1, MPFR_RNDN);
    switch (id) {
    case NB_FN_SIN: mpfr_set(t, s, MPFR_RNDN); break;
    case NB_FN_COS: mpfr_set(t, c, MPFR_RNDN); break;
    case NB_FN_TAN: mpfr_div(t, s, c, MPFR_RNDN); break;
    case NB_FN_SEC: mpfr_ui_div(t, 1, c, MPFR_RNDN); break;
    case NB_FN_CSC: mpfr_ui_div(t, 1, s, MPFR_RNDN); break;
    default: mpfr_div(t, c, s, MPFR_RNDN); break; /* cot */
    }
    mpfr_clears(s, c, h, (mpfr_ptr)0);
}

/* asin x = atan(x / sqrt(1 - x^2)); acos = pi/2 - asin; atan x =
 * asin(x / sqrt(1 + x^2)). */
static void ref_arc(int id, mpfr_ptr t, mpfr_srcptr x)
{
    mpfr_t u, h;
    mpfr_inits2(mpfr_get_prec(t), u, h, (mpfr_ptr)0);
    mpfr_sqr(u, x, MPFR_RNDN);
    if (id == NB_FN_ATAN) {
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_div(u, x, u, MPFR_RNDN);
        mpfr_asin(t, u, MPFR_RNDN);
    } else {
        mpfr_ui_sub(u, 1, u, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_div(u, x, u, MPFR_RNDN);
        mpfr_atan(t, u, MPFR_RNDN);
        if (id == NB_FN_ACOS) {
            mpfr_const_pi(h, MPFR_RNDN);
            mpfr_div_2ui(h, h, 1, MPFR_RNDN);
            mpfr_sub(t, h, t, MPFR_RNDN);
        }
    }
    mpfr_clears(u, h, (mpfr_ptr)0);
}

/* atan2 from atan and the quadrant. */
static void ref_atan2(mpfr_ptr t, mpfr_srcptr y, mpfr_srcptr x)
{
    mpfr_t pi;
    mpfr_init2(pi, mpfr_get_prec(t));
    mpfr_const_pi(pi, MPFR_RNDN);
    if (mpfr_zero_p(x)) {
        if (mpfr_zero_p(y))
            mpfr_set_zero(t, 1);
        else
            mpfr_div_2si(t, pi, 1, MPFR_RNDN), mpfr_setsign(t, t,
                                                 mpfr_sgn(y) < 0, MPFR_RNDN);
    } else {
        mpfr_div(t, y, x, MPFR_RNDN);
        mpfr_atan(t, t, MPFR_RNDN);
        if (mpfr_sgn(x) < 0) {
            if (mpfr_signbit(y))
                mpfr_sub(t, t, pi, MPFR_RNDN);
            else
                mpfr_add(t, t, pi, MPFR_RNDN);
        }
    }
    mpfr_clear(pi);
}

/* Hyperbolics from expm1 / log1p, which never cancel here. */
static void ref_hyp(int id, mpfr_ptr t, mpfr_srcptr x)
{
    mpfr_t u, v;
    mpfr_inits2(mpfr_get_prec(t), u, v, (mpfr_ptr)0);
    switch (id) {
    case NB_FN_SINH: /* (expm1(x) - expm1(-x)) / 2 */
        mpfr_expm1(u, x, MPFR_RNDN);
        mpfr_neg(v, x, MPFR_RNDN);
        mpfr_expm1(v, v, MPFR_RNDN);
        mpfr_sub(t, u, v, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        break;
    case NB_FN_COSH: /* (e^x + e^-x) / 2 */
        mpfr_exp(u, x, MPFR_RNDN);
        mpfr_ui_div(v, 1, u, MPFR_RNDN);
        mpfr_add(t, u, v, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        break;
    case NB_FN_TANH: /* expm1(2x) / (expm1(2x) + 2) */
        mpfr_mul_2ui(u, x, 1, MPFR_RNDN);
        mpfr_expm1(u, u, MPFR_RNDN);
        mpfr_add_ui(v, u, 2, MPFR_RNDN);
        mpfr_div(t, u, v, MPFR_RNDN);
        break;
    case NB_FN_ASINH: /* sign * log1p(|x| + x^2 / (1 + sqrt(1 + x^2))) */
        mpfr_sqr(u, x, MPFR_RNDN);
        mpfr_add_ui(v, u, 1, MPFR_RNDN);
        mpfr_sqrt(v, v, MPFR_RNDN);
        mpfr_add_ui(v, v, 1, MPFR_RNDN);
        mpfr_div(u, u, v, MPFR_RNDN);
        mpfr_abs(v, x, MPFR_RNDN);
        mpfr_add(u, u, v, MPFR_RNDN);
        mpfr_log1p(t, u, MPFR_RNDN);
        mpfr_setsign(t, t, mpfr_sgn(x) < 0, MPFR_RNDN);
        break;
    case NB_FN_ACOSH: /* log1p((x - 1) + sqrt(x^2 - 1)) */
        mpfr_sqr(u, x, MPFR_RNDN);
        mpfr_sub_ui(u, u, 1, MPFR_RNDN);
        mpfr_sqrt(u, u, MPFR_RNDN);
        mpfr_sub_ui(v, x, 1, MPFR_RNDN);
        mpfr_add(u, u, v, MPFR_RNDN);
        mpfr_log1p(t, u, MPFR_RNDN);
        break;
    default: /* atanh: log1p(2x / (1 - x)) / 2 */
        mpfr_ui_sub(u, 1, x, MPFR_RNDN);
        mpfr_mul_2ui(v, x, 1, MPFR_RNDN);
        mpfr_div(u, v, u, MPFR_RNDN);
        mpfr_log1p(t, u, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        break;
    }
    mpfr_clears(u, v, (mpfr_ptr)0);
}

/* exp x = 2^(x / log 2); logs from log2 or log; roots from rec_sqrt and
 * exp/log; pow(a, b) = exp(b log|a|) with the sign of an odd power. */
static void ref_explog(int id, mpfr_ptr t, mpfr_srcptr x, mpfr_srcptr y)
{
    mpfr_t u;
    mpfr_init2(u, mpfr_get_prec(t));
    switch (id) {
    case NB_FN_EXP:
        mpfr_const_log2(u, MPFR_RNDN);
        mpfr_div(u, x, u, MPFR_RNDN);
        mpfr_exp2(t, u, MPFR_RNDN);
        break;
    case NB_FN_LOG: case NB_FN_LN:
        mpfr_const_log2(u, MPFR_RNDN);
        mpfr_log2(t, x, MPFR_RNDN);
        mpfr_mul(t, t, u, MPFR_RNDN);
        break;
    case NB_FN_LOG2: case NB_FN_LOG10:
        mpfr_set_ui(u, id == NB_FN_LOG2 ? 2 : 10, MPFR_RNDN);
        mpfr_log(u, u, MPFR_RNDN);
        mpfr_log(t, x, MPFR_RNDN);
        mpfr_div(t, t, u, MPFR_RNDN);
        break;
    case NB_FN_SQRT:
        mpfr_rec_sqrt(u, x, MPFR_RNDN);
        mpfr_ui_div(t, 1, u, MPFR_RNDN);
        break;
    case NB_FN_CBRT:
        if (mpfr_zero_p(x)) {
            mpfr_set_zero(t, 1);
            break;
        }
        mpfr_abs(u, x, MPFR_RNDN);
        mpfr_log(u, u, MPFR_RNDN);
        mpfr_div_ui(u, u, 3, MPFR_RNDN);
        mpfr_exp(t, u, MPFR_RNDN);
        mpfr_setsign(t, t, mpfr_sgn(x) < 0, MPFR_RNDN);
        break;
    default: { /* pow */
        int odd = mpfr_integer_p(y) && mpfr_sgn(x) < 0 && !mpfr_zero_p(y)
                  && mpfr_get_exp(y) <= 60 && (mpfr_get_si(y, MPFR_RNDN) & 1);
        mpfr_abs(u, x, MPFR_RNDN);
        mpfr_log(u, u, MPFR_RNDN);
        mpfr_mul(u, u, y, MPFR_RNDN);
        mpfr_exp(t, u, MPFR_RNDN);
        if (odd)
            mpfr_neg(t, t, MPFR_RNDN);
        break;
    }
    }
    mpfr_clear(u);
}

/* floor, ceil through GMP integers; the others by comparison. */
static void ref_step(int id, mpfr_ptr t, mpfr_srcptr x, mpfr_srcptr y)
{
    int s = mpfr_sgn(x);
    mpz_t z;
    switch (id) {
    case NB_FN_ABS: mpfr_abs(t, x, MPFR_RNDN); break;
    case NB_FN_SIGN: mpfr_set_si(t, s, MPFR_RNDN); break;
    case NB_FN_HEAVISIDE: mpfr_set_si(t, s > 0, MPFR_RNDN); break;
    case NB_FN_RELU:
        if (s > 0)
            mpfr_set(t, x, MPFR_RNDN);
        else
            mpfr_set_zero(t, 1);
        break;
    case NB_FN_MIN: mpfr_set(t, mpfr_cmp(y, x) < 0 ? y : x, MPFR_RNDN); break;
    case NB_FN_MAX: mpfr_set(t, mpfr_cmp(y, x) > 0 ? y : x, MPFR_RNDN); break;
    default:
        mpz_init(z);
        mpfr_get_z(z, x, id == NB_FN_FLOOR ? MPFR_RNDD : MPFR_RNDU);
        mpfr_set_z(t, z, MPFR_RNDN);
        mpz_clear(z);
        break;
    }
}

/* Gamma: exp(lngamma x) for x > 0, reflection pi / (sin(pi x) Gamma(1-x))
 * below. lgamma: log|Gamma| from that. */
static void ref_gamma(int id, mpfr_ptr t, mpfr_srcptr x)
{
    mpfr_t u, v;
    mpfr_inits2(mpfr_get_prec(t), u, v, (mpfr_ptr)0);
    if (mpfr_sgn(x) > 0) {
        mpfr_lngamma(u, x, MPFR_RNDN);
        mpfr_exp(t, u, MPFR_RNDN);
    } else {
        mpfr_ui_sub(u, 1, x, MPFR_RNDN);
        mpfr_lngamma(u, u, MPFR_RNDN);
        mpfr_exp(u, u, MPFR_RNDN);
        mpfr_const_pi(v, MPFR_RNDN);
        mpfr_mul(v, v, x, MPFR_RNDN);
        mpfr_sin(v, v, MPFR_RNDN);
        mpfr_mul(u, u, v, MPFR_RNDN);
        mpfr_const_pi(v, MPFR_RNDN);
        mpfr_div(t, v, u, MPFR_RNDN);
    }
    if (id == NB_FN_LGAMMA) {
        mpfr_abs(t, t, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
    }
    mpfr_clears(u, v, (mpfr_ptr)0);
}

/* Bernoulli numbers B_0 .. B_NBERN as exact rationals, from the recurrence
 * sum_{j <= m} C(m+1, j) B_j = 0 (not through zeta(2k), as polygamma.c
 * does). */
#define NBERN 200
static mpq_t bern[NBERN + 1];
static int bern_ready;

static void bern_init(void)
{
    mpq_t t;
    mpz_t c;
    mpq_init(t);
    mpz_init(c);
    for (int m = 0; m <= NBERN; m++)
        mpq_init(bern[m]);
    mpq_set_ui(bern[0], 1, 1);
    for (unsigned long m = 1; m <= NBERN; m++) {
        for (unsigned long j = 0; j < m; j++) {
            mpz_bin_uiui(c, m + 1, j);
            mpq_set_z(t, c);
            mpq_mul(t, t, bern[j]);
            mpq_add(bern[m], bern[m], t);
        }
        mpq_set_si(t, -1, m + 1);
        mpq_mul(bern[m], bern[m], t);
    }
    mpq_clear(t);
    mpz_clear(c);
    bern_ready = 1;
}

/* psi^(n)(x): recurrence psi^(n)(x) = psi^(n)(x+N) - (-1)^n n! sum_{k<N}
 * (x+k)^-(n+1) up to a = x + N >= prec + 4n, then the asymptotic series
 * psi(a) ~ log a - 1/(2a) - sum B_2k/(2k a^2k) and, for n >= 1,
 * psi^(n)(a) ~ (-1)^(n+1) [(n-1)!/a^n + n!/(2 a^(n+1))
 *              + sum B_2k (2k+n-1)!/(2k)! a^-(2k+n)]
 * (Abramowitz-Stegun 6.3.18, 6.4.11), summed while the terms matter. */
static void ref_psi(mpfr_ptr t, unsigned long n, mpfr_srcptr x)
{
    if (!bern_ready)
        bern_init();
    mpfr_prec_t p = mpfr_get_prec(t);
    mpfr_t a, s, u, v, c;
    mpfr_inits2(p, a, s, u, v, c, (mpfr_ptr)0);
    double xd = mpfr_get_d(x, MPFR_RNDN), amin = (double)p + 4.0 * n;
    long N = xd >= amin ? 0 : (long)ceil(amin - xd);
    mpfr_set_zero(s, 1);
    for (long k = 0; k < N; k++) {
        mpfr_add_si(u, x, k, MPFR_RNDN);
        mpfr_pow_si(u, u, -(long)(n + 1), MPFR_RNDN);
        mpfr_add(s, s, u, MPFR_RNDN);
    }
    mpfr_fac_ui(v, n, MPFR_RNDN);
    mpfr_mul(s, s, v, MPFR_RNDN);                 /* (-1)^n n! sum */
    if (n % 2 == 1)
        mpfr_neg(s, s, MPFR_RNDN);
    mpfr_add_si(a, x, N, MPFR_RNDN);
    if (n == 0) {                                 /* log a - 1/(2a) */
        mpfr_log(u, a, MPFR_RNDN);
        mpfr_ui_div(v, 1, a, MPFR_RNDN);
        mpfr_div_2ui(v, v, 1, MPFR_RNDN);
        mpfr_sub(u, u, v, MPFR_RNDN);
    } else {                                      /* (n-1)!/a^n (1 + n/(2a)) */
        mpfr_fac_ui(u, n - 1, MPFR_RNDN);
        mpfr_pow_si(v, a, -(long)n, MPFR_RNDN);
        mpfr_mul(u, u, v, MPFR_RNDN);
        mpfr_mul_ui(v, u, n, MPFR_RNDN);
        mpfr_div(v, v, a, MPFR_RNDN);
        mpfr_div_2ui(v, v, 1, MPFR_RNDN);
        mpfr_add(u, u, v, MPFR_RNDN);
    }
    /* c_k = (2k+n-1)!/(2k)! a^-(2k+n); c_1 = (n+1)!/2 a^-(n+2) */
    mpfr_fac_ui(c, n + 1, MPFR_RNDN);
    mpfr_div_2ui(c, c, 1, MPFR_RNDN);
    mpfr_pow_si(v, a, -(long)(n + 2), MPFR_RNDN);
    mpfr_mul(c, c, v, MPFR_RNDN);
    for (unsigned long k = 1; 2 * k <= NBERN; k++) {
        mpfr_mul_q(v, c, bern[2 * k], MPFR_RNDN);
        if (n == 0)
            mpfr_sub(u, u, v, MPFR_RNDN);
        else
            mpfr_add(u, u, v, MPFR_RNDN);
        if (mpfr_zero_p(v) || mpfr_get_exp(v) < mpfr_get_exp(u) - p - 8)
            break;
        mpfr_mul_ui(c, c, (2 * k + n) * (2 * k + n + 1), MPFR_RNDN);
        mpfr_div_ui(c, c, (2 * k + 1) * (2 * k + 2), MPFR_RNDN);
        mpfr_div(c, c, a, MPFR_RNDN);
        mpfr_div(c, c, a, MPFR_RNDN);
    }
    if (n > 0 && n % 2 == 0)
        mpfr_neg(u, u, MPFR_RNDN);
    mpfr_sub(t, u, s, MPFR_RNDN);
    mpfr_clears(a, s, u, v, c, (mpfr_ptr)0);
}

/* polygamma's order: n must be a small non-negative integer. */
static void ref_polygamma(mpfr_ptr t, mpfr_srcptr n, mpfr_srcptr x)
{
    if (!mpfr_integer_p(n) || mpfr_sgn(n) < 0 || mpfr_cmp_ui(n, 1000) > 0
        || (mpfr_integer_p(x) && mpfr_sgn(x) <= 0) || !mpfr_number_p(x))
        mpfr_set_nan(t);
    else
        ref_psi(t, mpfr_get_ui(n, MPFR_RNDN), x);
}

/* erf = 1 - erfc, erfc = 1 - erf (extra bits pay for the cancellation),
 * sigmoid = 1/(1+exp(-x)), softplus = log(1 + exp(x)), hypot by sqrt. */
static void ref_misc(int id, mpfr_ptr t, mpfr_srcptr x, mpfr_srcptr y)
{
    mpfr_t u;
    mpfr_init2(u, mpfr_get_prec(t));
    switch (id) {
    case NB_FN_ERF:
        mpfr_erfc(u, x, MPFR_RNDN);
        mpfr_ui_sub(t, 1, u, MPFR_RNDN);
        break;
    case NB_FN_ERFC:
        mpfr_erf(u, x, MPFR_RNDN);
        mpfr_ui_sub(t, 1, u, MPFR_RNDN);
        break;
    case NB_FN_SIGMOID:
        mpfr_neg(u, x, MPFR_RNDN);
        mpfr_exp(u, u, MPFR_RNDN);
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        mpfr_ui_div(t, 1, u, MPFR_RNDN);
        break;
    case NB_FN_SOFTPLUS:
        mpfr_exp(u, x, MPFR_RNDN);
        mpfr_add_ui(u, u, 1, MPFR_RNDN);
        mpfr_log(t, u, MPFR_RNDN);
        break;
    default: /* hypot */
        mpfr_sqr(u, x, MPFR_RNDN);
        mpfr_fma(u, y, y, u, MPFR_RNDN);
        mpfr_sqrt(t, u, MPFR_RNDN);
        break;
    }
    mpfr_clear(u);
}

/* Guard bits beyond 64 that the identity for id at x needs. */
static long ref_extra(int id, mpfr_srcptr x)
{
    double xd = mpfr_get_d(x, MPFR_RNDN);
    switch (id) {
    case NB_FN_ERF: return small_extra(x);
    case NB_FN_ERFC: return xd > 0 ? (long)(1.45 * xd * xd) + 8 : 0;
    case NB_FN_SOFTPLUS: return xd < 0 ? (long)(-1.45 * xd) + 8 : 0;
    case NB_FN_SIN: case NB_FN_COS: case NB_FN_TAN: case NB_FN_SEC:
    case NB_FN_CSC: case NB_FN_COT: case NB_FN_GAMMA: case NB_FN_LGAMMA:
    case NB_FN_DIGAMMA: case NB_FN_POLYGAMMA:
        return 64 + (mpfr_get_exp(x) > 0 ? mpfr_get_exp(x) : 0);
    default: return 0;
    }
}

static void ref_eval(int id, mpfr_ptr r, Args a)
{
    mpfr_srcptr x = a[0], y = nb_builtins[id].max_args > 1 ? a[1] : a[0];
    mpfr_t t;
    mpfr_init2(t, wprec(r, ref_extra(id, x)));
    switch (id) {
    case NB_FN_SIN: case NB_FN_COS: case NB_FN_TAN:
    case NB_FN_SEC: case NB_FN_CSC: case NB_FN_COT: ref_trig(id, t, x); break;
    case NB_FN_ASIN: case NB_FN_ACOS: case NB_FN_ATAN: ref_arc(id, t, x); break;
    case NB_FN_ATAN2: ref_atan2(t, x, y); break;
    case NB_FN_SINH: case NB_FN_COSH: case NB_FN_TANH: case NB_FN_ASINH:
    case NB_FN_ACOSH: case NB_FN_ATANH: ref_hyp(id, t, x); break;
    case NB_FN_EXP: case NB_FN_LOG: case NB_FN_LN: case NB_FN_LOG2:
    case NB_FN_LOG10: case NB_FN_SQRT: case NB_FN_CBRT: case NB_FN_POW:
        ref_explog(id, t, x, y); break;
    case NB_FN_ABS: case NB_FN_SIGN: case NB_FN_HEAVISIDE: case NB_FN_FLOOR:
    case NB_FN_CEIL: case NB_FN_MIN: case NB_FN_MAX: case NB_FN_RELU:
        ref_step(id, t, x, y); break;
    case NB_FN_GAMMA: case NB_FN_LGAMMA: ref_gamma(id, t, x); break;
    case NB_FN_DIGAMMA: ref_psi(t, 0, x); break;
    case NB_FN_POLYGAMMA: ref_polygamma(t, x, y); break;
    default: ref_misc(id, t, x, y); break;
    }
    mpfr_set(r, t, MPFR_RNDN);
    mpfr_clear(t);
}

/* ======================================================================
 * Comparisons
 * ====================================================================== */

/* |got - ref| <= tol_ulps * ulp(got at its precision) + |ref| 2^-slack:
 * got is correctly rounded when tol_ulps = 1/2 and ref is good to
 * 2^-slack. */
static int close_ulps(mpfr_srcptr got, mpfr_srcptr ref, double tol_ulps,
                      long slack)
{
    if (mpfr_nan_p(got) || mpfr_nan_p(ref))
        return mpfr_nan_p(got) && mpfr_nan_p(ref);
    if (mpfr_inf_p(got) || mpfr_inf_p(ref))
        return mpfr_equal_p(got, ref);
    mpfr_t d, b;
    mpfr_inits2(4096, d, b, (mpfr_ptr)0);
    mpfr_sub(d, got, ref, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_set_zero(b, 1);
    if (!mpfr_zero_p(got)) {
        mpfr_set_d(b, tol_ulps, MPFR_RNDN);
        mpfr_mul_2si(b, b, mpfr_get_exp(got) - (long)mpfr_get_prec(got),
                     MPFR_RNDN);
    }
    mpfr_t s;
    mpfr_init2(s, 64);
    mpfr_abs(s, ref, MPFR_RNDN);
    mpfr_div_2si(s, s, slack, MPFR_RNDN);
    mpfr_add(b, b, s, MPFR_RNDN);
    int ok = mpfr_lessequal_p(d, b);
    mpfr_clears(d, b, s, (mpfr_ptr)0);
    return ok;
}

/* Error of the double d in ulps of the exact value ref (subnormal ulps
 * below the normal range). */
static double ulps_off(double d, mpfr_srcptr ref)
{
    if (isnan(d) || mpfr_nan_p(ref))
        return isnan(d) && mpfr_nan_p(ref) ? 0 : INFINITY;
    if (mpfr_inf_p(ref) || isinf(d))
        return mpfr_cmp_d(ref, d) == 0 ? 0 : INFINITY;
    if (mpfr_zero_p(ref))
        return d == 0 ? 0 : INFINITY;
    long e = mpfr_get_exp(ref) - 53;
    if (e < -1074)
        e = -1074;
    mpfr_t t;
    mpfr_init2(t, 4096);
    mpfr_sub_d(t, ref, d, MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_div_2si(t, t, e, MPFR_RNDN);
    double u = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return u;
}

static char *fmt_mpfr(mpfr_srcptr v)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    mpfr_snprintf(buf[k], sizeof buf[k], "%.25Rg", v);
    return buf[k];
}

/* ======================================================================
 * Random points inside each row's domain
 * ====================================================================== */

typedef struct { double lo, hi; } Iv;
typedef struct { Iv a[3]; Iv b; } Dom; /* a: first arg (pick one), b: second */

#define I1(l, h) {{{l, h}, {l, h}, {l, h}}, {l, h}}
#define I3(l1, h1, l2, h2, l3, h3) {{{l1, h1}, {l2, h2}, {l3, h3}}, {l1, h1}}

static const Dom domains[NB_FN__COUNT] = {
    [NB_FN_SIN] = I3(-10, 10, -1e6, 1e6, -1e-3, 1e-3),
    [NB_FN_COS] = I3(-10, 10, -1e6, 1e6, -1e-3, 1e-3),
    [NB_FN_TAN] = I3(-10, 10, -1e6, 1e6, -1e-3, 1e-3),
    [NB_FN_SEC] = I3(-10, 10, -1e6, 1e6, -1e-3, 1e-3),
    [NB_FN_CSC] = I3(-10, 10, -1e6, 1e6, -1e-3, 1e-3),
    [NB_FN_COT] = I3(-10, 10, -1e6, 1e6, -1e-3, 1e-3),
    [NB_FN_ASIN] = I3(-1, 1, -1e-3, 1e-3, 0.99, 1),
    [NB_FN_ACOS] = I3(-1, 1, -1e-3, 1e-3, 0.99, 1),
    [NB_FN_ATAN] = I3(-10, 10, -1e8, 1e8, -1e-3, 1e-3),
    [NB_FN_ATAN2] = I3(-10, 10, -1e3, 1e3, -1e-3, 1e-3),
    [NB_FN_SINH] = I3(-30, 30, -700, 700, -1e-3, 1e-3),
    [NB_FN_COSH] = I3(-30, 30, -700, 700, -1e-3, 1e-3),
    [NB_FN_TANH] = I3(-20, 20, -1, 1, -1e-3, 1e-3),
    [NB_FN_ASINH] = I3(-1e3, 1e3, -1, 1, -1e-3, 1e-3),
    [NB_FN_ACOSH] = I3(1, 1e3, 1, 2, 1, 1.001),
    [NB_FN_ATANH] = I3(-1, 1, -1e-3, 1e-3, 0.99, 1),
    [NB_FN_EXP] = I3(-700, 700, -1, 1, -1e-3, 1e-3),
    [NB_FN_LOG] = I3(0, 1e3, 0, 1e-3, 0.9, 1.1),
    [NB_FN_LN] = I3(0, 1e3, 0, 1e-3, 0.9, 1.1),
    [NB_FN_LOG2] = I3(0, 1e3, 0, 1e-3, 0.9, 1.1),
    [NB_FN_LOG10] = I3(0, 1e3, 0, 1e-3, 0.9, 1.1),
    [NB_FN_SQRT] = I3(0, 1e6, 0, 1e-3, 0.5, 2),
    [NB_FN_CBRT] = I3(-1e6, 1e6, -1e-3, 1e-3, -2, 2),
    [NB_FN_ABS] = I1(-10, 10),
    [NB_FN_SIGN] = I1(-10, 10),
    [NB_FN_HEAVISIDE] = I1(-10, 10),
    [NB_FN_FLOOR] = I3(-10, 10, -1e6, 1e6, -1, 1),
    [NB_FN_CEIL] = I3(-10, 10, -1e6, 1e6, -1, 1),
    [NB_FN_MIN] = I1(-10, 10),
    [NB_FN_MAX] = I1(-10, 10),
    [NB_FN_HYPOT] = I3(-10, 10, -1e3, 1e3, -1e-3, 1e-3),
    [NB_FN_POW] = {{{0, 10}, {0.5, 2}, {10, 1e3}}, {-10, 10}},
    [NB_FN_ERF] = I3(-6, 6, -1, 1, -1e-3, 1e-3),
    [NB_FN_ERFC] = I3(-5, 26, -1, 1, 1, 5),
    [NB_FN_GAMMA] = I3(0.01, 170, -20, 0, 0.5, 3),
    [NB_FN_LGAMMA] = I3(3, 1e4, -50, 0, 0.01, 0.9),
    [NB_FN_SIGMOID] = I3(-50, 50, -745, 745, -1e-3, 1e-3),
    [NB_FN_RELU] = I1(-10, 10),
    [NB_FN_SOFTPLUS] = I3(-50, 50, -700, 700, -1e-3, 1e-3),
    [NB_FN_DIGAMMA] = I3(0.01, 100, -20, 0, 1, 2),
    /* polygamma: a is the order n (made an integer by rand_args), b is x */
    [NB_FN_POLYGAMMA] = {{{0, 4}, {0, 12}, {0, 40}}, {-10, 30}},
};

static void rand_iv(mpfr_ptr x, Iv iv)
{
    mpfr_t u;
    mpfr_init2(u, mpfr_get_prec(x));
    mpfr_urandomb(u, rng);
    mpfr_mul_d(u, u, iv.hi - iv.lo, MPFR_RNDN);
    mpfr_add_d(x, u, iv.lo, MPFR_RNDN);
    mpfr_clear(u);
}

/* Random arguments for row id at x's and y's precision. */
static void rand_args(int id, mpfr_ptr x, mpfr_ptr y)
{
    const Dom *dm = &domains[id];
    rand_iv(x, dm->a[gmp_urandomm_ui(rng, 3)]);
    rand_iv(y, nb_builtins[id].max_args > 1 ? dm->b : dm->a[0]);
    if (id == NB_FN_MIN || id == NB_FN_MAX) {
        if (gmp_urandomm_ui(rng, 4) == 0)
            mpfr_set(y, x, MPFR_RNDN); /* ties */
    }
    if (id == NB_FN_ACOSH && mpfr_cmp_ui(x, 1) < 0)
        mpfr_set_ui(x, 1, MPFR_RNDN);
    if (id == NB_FN_POLYGAMMA)
        mpfr_floor(x, x);
}

/* ======================================================================
 * 1. The table itself
 * ====================================================================== */

/* Rows whose derivative rule is documented as missing. */
static int no_deriv_ok(int id)
{
    return (nb_builtins[id].flags & NB_BF_LOWERS) != 0;
}

static void test_table(void)
{
    for (int id = 0; id < NB_FN__COUNT; id++) {
        const NbBuiltin *b = &nb_builtins[id];
        const char *nm = b->name ? b->name : "(null)";
        CHECK(b->name && b->help && b->example && *b->help,
              "%s: row %d has name, help and example", nm, id);
        CHECK(b->eval_d && b->eval_mpfr, "%s: has eval_d and eval_mpfr", nm);
        CHECK(b->min_args >= 1 && b->min_args <= b->max_args
              && b->max_args <= 2, "%s: arity %d..%d", nm, b->min_args,
              b->max_args);
        CHECK((b->deriv[0] || b->deriv[1]) == !no_deriv_ok(id),
              "%s: derivative rule present unless LOWERS", nm);
        CHECK(!!(b->flags & NB_BF_ANALYTIC) == (b->eval_c != NULL)
              && (b->eval_c != NULL) == (b->eval_mpc != NULL),
              "%s: ANALYTIC iff eval_c and eval_mpc", nm);
        CHECK(b->name && nb_builtin_lookup(b->name) == id, "lookup(%s)", nm);
        if (b->example) {
            size_t n = strlen(nm);
            CHECK(strncmp(b->example, nm, n) == 0 && b->example[n] == '('
                  && strstr(b->example, ") -> "), "%s: example form \"%s\"",
                  nm, b->example);
        }
    }
    CHECK(nb_builtin_lookup("nosuch") == -1, "lookup of an unknown name");
    CHECK(nb_builtin_lookup("") == -1, "lookup of the empty name");
    CHECK((nb_builtins[NB_FN_SQRT].flags & NB_BF_LOWERS)
          && (nb_builtins[NB_FN_LN].flags & NB_BF_LOWERS)
          && (nb_builtins[NB_FN_POW].flags & NB_BF_LOWERS)
          && !(nb_builtins[NB_FN_LOG].flags & NB_BF_LOWERS),
          "sqrt, ln, pow lower; log (one argument) does not");
    CHECK(nb_builtins[NB_FN_LOG].min_args == 1
          && nb_builtins[NB_FN_LOG].max_args == 2, "log takes 1 or 2 args");
}

static void test_constants(void)
{
    CHECK(nb_constant_lookup("pi") == NB_CONST_PI, "pi");
    CHECK(nb_constant_lookup("\xcf\x80") == NB_CONST_PI, "the letter pi");
    CHECK(nb_constant_lookup("e") == NB_CONST_E, "e");
    int inf = nb_constant_lookup("inf"), nan_ = nb_constant_lookup("nan");
    CHECK(inf >= NB_CONST__COUNT && nan_ >= NB_CONST__COUNT && inf != nan_,
          "inf and nan are after the NbConstId constants");
    CHECK(nb_constant_lookup("PI") == -1, "constants are case-sensitive");
    int n = 0;
    for (; nb_constants[n].name; n++)
        CHECK(nb_constants[n].help != NULL, "%s has help", nb_constants[n].name);
    CHECK(n == 4, "four constants");

    /* pi = 16 atan(1/5) - 4 atan(1/239) (Machin), e = sum 1/k!. */
    mpfr_t r, t, u;
    mpfr_inits2(REF_PREC, t, u, (mpfr_ptr)0);
    mpfr_init2(r, PREC);
    mpfr_set_ui(t, 1, MPFR_RNDN);
    mpfr_div_ui(t, t, 5, MPFR_RNDN);
    mpfr_atan(t, t, MPFR_RNDN);
    mpfr_mul_ui(t, t, 16, MPFR_RNDN);
    mpfr_set_ui(u, 1, MPFR_RNDN);
    mpfr_div_ui(u, u, 239, MPFR_RNDN);
    mpfr_atan(u, u, MPFR_RNDN);
    mpfr_mul_ui(u, u, 4, MPFR_RNDN);
    mpfr_sub(t, t, u, MPFR_RNDN);
    nb_const_mpfr(NB_CONST_PI, r, MPFR_RNDN);
    CHECK(close_ulps(r, t, 0.5, 400), "pi at %d bits", PREC);
    CHECK(nb_const_double(NB_CONST_PI) == mpfr_get_d(t, MPFR_RNDN), "pi double");
    mpfr_set_ui(t, 0, MPFR_RNDN);
    mpfr_set_ui(u, 1, MPFR_RNDN);
    for (unsigned k = 1; k < 120; k++) {
        mpfr_add(t, t, u, MPFR_RNDN);
        mpfr_div_ui(u, u, k, MPFR_RNDN);
    }
    nb_const_mpfr(NB_CONST_E, r, MPFR_RNDN);
    CHECK(close_ulps(r, t, 0.5, 400), "e at %d bits", PREC);
    CHECK(nb_const_double(NB_CONST_E) == mpfr_get_d(t, MPFR_RNDN), "e double");
    mpfr_clears(r, t, u, (mpfr_ptr)0);
}

/* ======================================================================
 * 2. eval_mpfr is correctly rounded; eval_d within its ulp bound
 * ====================================================================== */

/* Allowed error of eval_d, in ulps of the exact value (libm is not
 * correctly rounded). Observed maxima over 30 seeds on glibc 2.36 x86-64
 * in brackets; bounds leave room for other libms:
 *   1 ulp: sin cos atan exp log ln log2 sqrt hypot [<= 0.52], exact
 *          functions abs sign heaviside floor ceil min max relu [0];
 *   2 ulp: tan asin acos atan2 sinh cosh asinh acosh atanh log10 erf pow
 *          cbrt [<= 1.4]; sec csc cot, two roundings [<= 1.33]; tanh
 *          (expm1 and a corrected division: glibc's tanh was 1.85) and
 *          sigmoid (one correction step: was 1.67) [<= 1.16];
 *   3 ulp: softplus, three roundings [<= 1.25];
 *   1 ulp: erfc, gamma, lgamma, digamma: MPFR at 53 bits, then rounded
 *          to a double (twice only where the result is subnormal).
 * The run prints the maxima it saw ("# eval_d NAME max error"). */
static double ulp_bound(int id)
{
    switch (id) {
    case NB_FN_SEC: case NB_FN_CSC: case NB_FN_COT: return 2;
    case NB_FN_SOFTPLUS: return 3;
    case NB_FN_SIGMOID: case NB_FN_TANH: return 2;
    case NB_FN_TAN: case NB_FN_SINH: case NB_FN_COSH:
    case NB_FN_ASINH: case NB_FN_ACOSH: case NB_FN_ATANH: case NB_FN_ERF:
    case NB_FN_CBRT: case NB_FN_POW: case NB_FN_ACOS: case NB_FN_ASIN:
    case NB_FN_ATAN2: case NB_FN_LOG10:
        return 2;
    default: return 1;
    }
}

static double max_ulps[NB_FN__COUNT];

/* Checks row id at (x, y): MPFR correctly rounded against reference ref. */
static int check_point(int id, mpfr_srcptr x, mpfr_srcptr y, mpfr_srcptr ref,
                       long slack, const char *what)
{
    const NbBuiltin *b = &nb_builtins[id];
    mpfr_srcptr av[2] = {x, y};
    mpfr_t r;
    mpfr_init2(r, PREC);
    int ternary = b->eval_mpfr(r, av, MPFR_RNDN);
    int ok = close_ulps(r, ref, 0.5, slack);
    int tsign = mpfr_cmp(r, ref);
    /* the ternary value says on which side of the exact value r lies
     * (tsign == 0: the reference cannot tell) */
    int tern_ok = mpfr_nan_p(r) || tsign == 0 || (ternary > 0) == (tsign > 0)
                  || (ternary == 0 && tsign != 0 && close_ulps(r, ref, 0, slack));
    if (!ok || !tern_ok)
        CHECK(0, "%s %s(%s, %s) = %s, reference %s, ternary %d", what, b->name,
              fmt_mpfr(x), fmt_mpfr(y), fmt_mpfr(r), fmt_mpfr(ref), ternary);
    mpfr_clear(r);
    return ok && tern_ok;
}

/* eval_d at the doubles x, y against the exact ref. */
static int check_double(int id, double x, double y, mpfr_srcptr ref,
                        const char *what)
{
    double av[2] = {x, y};
    double d = nb_builtins[id].eval_d(av);
    double u = ulps_off(d, ref);
    if (u > max_ulps[id])
        max_ulps[id] = u;
    if (!(u <= ulp_bound(id))) {
        CHECK(0, "%s %s(%.17g, %.17g) = %.17g, exact %s: %.2f ulps > %.0f", what,
              nb_builtins[id].name, x, y, d, fmt_mpfr(ref), u, ulp_bound(id));
        return 0;
    }
    return 1;
}

static void test_random_mpfr(void)
{
    mpfr_t x, y, ref, xd, yd;
    mpfr_inits2(PREC, x, y, (mpfr_ptr)0);
    mpfr_inits2(53, xd, yd, (mpfr_ptr)0);
    mpfr_init2(ref, REF_PREC);
    for (int id = 0; id < NB_FN__COUNT; id++) {
        int good = 0, gooddbl = 0;
        for (int k = 0; k < N_RANDOM; k++) {
            mpfr_srcptr av[2] = {x, y};
            rand_args(id, x, y);
            ref_eval(id, ref, av);
            good += check_point(id, x, y, ref, 400, "random");
            /* the same at the nearest doubles, for eval_d */
            mpfr_set(xd, x, MPFR_RNDN);
            mpfr_set(yd, y, MPFR_RNDN);
            mpfr_srcptr dv[2] = {xd, yd};
            ref_eval(id, ref, dv);
            gooddbl += check_double(id, mpfr_get_d(xd, MPFR_RNDN),
                                    mpfr_get_d(yd, MPFR_RNDN), ref, "random");
        }
        CHECK(good == N_RANDOM, "%s: eval_mpfr correctly rounded at %d random "
              "points", nb_builtins[id].name, N_RANDOM);
        CHECK(gooddbl == N_RANDOM, "%s: eval_d within %.0f ulp at %d random "
              "points", nb_builtins[id].name, ulp_bound(id), N_RANDOM);
    }
    mpfr_clears(x, y, ref, xd, yd, (mpfr_ptr)0);
}

/* Directed roundings of the Ziv-loop functions bracket the exact value. */
static void test_directed(void)
{
    static const int ids[] = {NB_FN_SIGMOID, NB_FN_SOFTPLUS, NB_FN_FLOOR,
                              NB_FN_CEIL, NB_FN_SIN, NB_FN_LGAMMA};
    mpfr_t x, ref, lo, hi;
    mpfr_inits2(PREC, x, lo, hi, (mpfr_ptr)0);
    mpfr_init2(ref, REF_PREC);
    for (size_t j = 0; j < sizeof ids / sizeof ids[0]; j++) {
        int id = ids[j], good = 0;
        for (int k = 0; k < N_RANDOM; k++) {
            mpfr_srcptr av[2] = {x, x};
            rand_iv(x, domains[id].a[k % 3]);
            ref_eval(id, ref, av);
            int td = nb_builtins[id].eval_mpfr(lo, av, MPFR_RNDD);
            int tu = nb_builtins[id].eval_mpfr(hi, av, MPFR_RNDU);
            int exact = mpfr_equal_p(lo, hi);
            mpfr_nextabove(lo);
            int ok = exact ? (td == 0 && tu == 0)
                           : (mpfr_equal_p(lo, hi) && td < 0 && tu > 0);
            mpfr_nextbelow(lo);
            ok = ok && mpfr_lessequal_p(lo, ref) && mpfr_greaterequal_p(hi, ref);
            if (!ok)
                CHECK(0, "%s(%s): RNDD %s (%d), RNDU %s (%d), exact %s",
                      nb_builtins[id].name, fmt_mpfr(x), fmt_mpfr(lo), td,
                      fmt_mpfr(hi), tu, fmt_mpfr(ref));
            good += ok;
        }
        CHECK(good == N_RANDOM, "%s: RNDD and RNDU bracket the exact value",
              nb_builtins[id].name);
    }
    mpfr_clears(x, ref, lo, hi, (mpfr_ptr)0);
}

/* Special values: NaN in, NaN out; infinities; exact 1/2; +0 never -0. */
static void test_specials(void)
{
    mpfr_t x, r;
    mpfr_inits2(PREC, x, r, (mpfr_ptr)0);
    mpfr_srcptr av[2] = {x, x};
    for (int id = 0; id < NB_FN__COUNT; id++) {
        mpfr_set_nan(x);
        nb_builtins[id].eval_mpfr(r, av, MPFR_RNDN);
        double dv[2] = {NAN, NAN};
        CHECK(mpfr_nan_p(r) && isnan(nb_builtins[id].eval_d(dv)),
              "%s(nan) is nan (MPFR and double)", nb_builtins[id].name);
    }
    struct { int id; double x, want; } cases[] = {
        {NB_FN_SIGMOID, 0, 0.5}, {NB_FN_SIGMOID, INFINITY, 1},
        {NB_FN_SIGMOID, -INFINITY, 0}, {NB_FN_SOFTPLUS, INFINITY, INFINITY},
        {NB_FN_SOFTPLUS, -INFINITY, 0}, {NB_FN_HEAVISIDE, 0, 0},
        {NB_FN_SIGN, 0, 0}, {NB_FN_SIGN, -0.0, 0}, {NB_FN_RELU, -0.0, 0},
        {NB_FN_CEIL, -0.5, 0}, {NB_FN_RELU, -1e300, 0},
        {NB_FN_SIGMOID, 1000, 1}, {NB_FN_SIGMOID, -1000, 0},
        {NB_FN_SOFTPLUS, 1000, 1000}, {NB_FN_SOFTPLUS, -1000, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int id = cases[k].id;
        double dv[2] = {cases[k].x, cases[k].x};
        double d = nb_builtins[id].eval_d(dv);
        mpfr_set_d(x, cases[k].x, MPFR_RNDN);
        nb_builtins[id].eval_mpfr(r, av, MPFR_RNDN);
        double m = mpfr_get_d(r, MPFR_RNDN);
        CHECK(d == cases[k].want && !signbit(d) == !signbit(cases[k].want)
              && (m == cases[k].want || (id == NB_FN_SIGMOID && fabs(m - cases[k].want) < 1e-300))
              && !signbit(m) == !signbit(cases[k].want),
              "%s(%g) = %g (double %g, MPFR %g)", nb_builtins[id].name,
              cases[k].x, cases[k].want, d, m);
    }
    mpfr_clears(x, r, (mpfr_ptr)0);
}

/* ======================================================================
 * 3. mpmath reference points (data/mpfr_ref.txt)
 * ====================================================================== */

static FILE *open_data(const char *name)
{
    char path[4096];
    const char *src = getenv("SRCDIR");
    FILE *f = fopen(name, "r");
    if (!f && src) {
        snprintf(path, sizeof path, "%s/tests/%s", src, name);
        f = fopen(path, "r");
    }
    return f;
}

/* One line "NAME ARG [ARG2] VALUE": eval_mpfr correct rounding, eval_d
 * bound, and ref_eval itself agreeing with mpmath. */
static void mpmath_line(char *line, int *n, int *good)
{
    char name[32], s1[256], s2[256], s3[256];
    int k = sscanf(line, "%31s %255s %255s %255s", name, s1, s2, s3);
    int id = nb_builtin_lookup(name);
    if (k < 3 || id < 0) {
        CHECK(0, "bad data line: %s", line);
        return;
    }
    int two = nb_builtins[id].max_args == 2 && id != NB_FN_LOG;
    double x = strtod(s1, NULL), y = two ? strtod(s2, NULL) : x;
    mpfr_t xm, ym, ref, mine;
    mpfr_inits2(53, xm, ym, (mpfr_ptr)0);
    mpfr_inits2(500, ref, mine, (mpfr_ptr)0);
    mpfr_set_d(xm, x, MPFR_RNDN);
    mpfr_set_d(ym, y, MPFR_RNDN);
    mpfr_set_str(ref, two ? s3 : s2, 10, MPFR_RNDN);
    mpfr_srcptr av[2] = {xm, ym};
    int ok = check_point(id, xm, ym, ref, 350, "mpmath");
    ok &= check_double(id, x, y, ref, "mpmath");
    mpfr_set_prec(mine, REF_PREC);
    ref_eval(id, mine, av);
    if (!close_ulps(mine, ref, 0, 350)) {
        CHECK(0, "test's own reference %s(%g, %g) = %s, mpmath %s", name, x, y,
              fmt_mpfr(mine), fmt_mpfr(ref));
        ok = 0;
    }
    (*n)++;
    *good += ok;
    mpfr_clears(xm, ym, ref, mine, (mpfr_ptr)0);
}

static void test_mpmath(void)
{
    FILE *f = open_data("oracle/data/mpfr_ref.txt");
    CHECK(f != NULL, "open oracle/data/mpfr_ref.txt");
    if (!f)
        return;
    char line[1024];
    int n = 0, good = 0;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && line[0] != '\n' && strncmp(line, "c ", 2))
            mpmath_line(line, &n, &good);
    fclose(f);
    CHECK(n > 200 && good == n, "mpmath: %d of %d points: MPFR correctly "
          "rounded, double within bound, test reference agrees", good, n);
    int seen[NB_FN__COUNT] = {0};
    f = open_data("oracle/data/mpfr_ref.txt");
    while (f && fgets(line, sizeof line, f)) {
        char name[32];
        if (sscanf(line, "%31s", name) == 1 && nb_builtin_lookup(name) >= 0)
            seen[nb_builtin_lookup(name)] = 1;
    }
    if (f)
        fclose(f);
    for (int id = 0; id < NB_FN__COUNT; id++)
        CHECK(seen[id], "mpmath data covers %s", nb_builtins[id].name);
}

/* |got - want| <= |want| 2^-bits, componentwise in the modulus of want. */
static int mpc_close(mpc_srcptr got, mpfr_srcptr wre, mpfr_srcptr wim,
                     long bits)
{
    mpfr_t d, e, m;
    mpfr_inits2(1024, d, e, m, (mpfr_ptr)0);
    mpfr_hypot(m, wre, wim, MPFR_RNDN);
    mpfr_sub(d, mpc_realref(got), wre, MPFR_RNDN);
    mpfr_sub(e, mpc_imagref(got), wim, MPFR_RNDN);
    mpfr_hypot(d, d, e, MPFR_RNDN);
    mpfr_div_2si(m, m, bits, MPFR_RNDN);
    int ok = mpfr_lessequal_p(d, m);
    mpfr_clears(d, e, m, (mpfr_ptr)0);
    return ok;
}

/* "c NAME XRE XIM [YRE YIM] RE IM": eval_c within 1e-13 relative, eval_mpc
 * at 256 bits within 2^-230, off the real axis. */
static int complex_line(const char *line)
{
    char name[32], t[6][256];
    int k = sscanf(line, "c %31s %255s %255s %255s %255s %255s %255s", name,
                   t[0], t[1], t[2], t[3], t[4], t[5]);
    int id = nb_builtin_lookup(name);
    int nargs = (k - 3) / 2;
    if (id < 0 || (k != 5 && k != 7) || !nb_builtins[id].eval_c) {
        CHECK(0, "bad complex data line: %s", line);
        return 0;
    }
    double complex zv[2];
    mpc_t z[2], r;
    mpfr_t wre, wim;
    mpfr_inits2(500, wre, wim, (mpfr_ptr)0);
    mpc_init2(r, PREC);
    for (int i = 0; i < 2; i++) {
        int j = i < nargs ? i : 0;
        zv[i] = strtod(t[2 * j], NULL) + I * strtod(t[2 * j + 1], NULL);
        mpc_init2(z[i], 53);
        mpc_set_dc(z[i], zv[i], MPC_RNDNN);
    }
    mpfr_set_str(wre, t[2 * nargs], 10, MPFR_RNDN);
    mpfr_set_str(wim, t[2 * nargs + 1], 10, MPFR_RNDN);
    double complex want = mpfr_get_d(wre, MPFR_RNDN)
                          + I * mpfr_get_d(wim, MPFR_RNDN);
    double complex got = nb_builtins[id].eval_c(zv);
    mpc_srcptr zp[2] = {z[0], z[1]};
    nb_builtins[id].eval_mpc(r, zp, MPC_RNDNN);
    int ok_c = cabs(got - want) <= 1e-13 * cabs(want);
    int ok_q = mpc_close(r, wre, wim, 230);
    if (!ok_c || !ok_q)
        CHECK(0, "%s(%g%+gi, %g%+gi): eval_c %.17g%+.17gi%s, mpc %s%s, want "
              "%.17g%+.17gi", name, creal(zv[0]), cimag(zv[0]), creal(zv[1]),
              cimag(zv[1]), creal(got), cimag(got), ok_c ? "" : " (bad)",
              fmt_mpfr(mpc_realref(r)), ok_q ? "" : " (bad)", creal(want),
              cimag(want));
    mpc_clear(z[0]);
    mpc_clear(z[1]);
    mpc_clear(r);
    mpfr_clears(wre, wim, (mpfr_ptr)0);
    return ok_c && ok_q;
}

static void test_complex_points(void)
{
    FILE *f = open_data("oracle/data/mpfr_ref.txt");
    char line[1024];
    int n = 0, good = 0, seen[NB_FN__COUNT] = {0};
    while (f && fgets(line, sizeof line, f)) {
        char name[32];
        if (strncmp(line, "c ", 2) || sscanf(line + 2, "%31s", name) != 1)
            continue;
        n++;
        good += complex_line(line);
        if (nb_builtin_lookup(name) >= 0)
            seen[nb_builtin_lookup(name)] = 1;
    }
    if (f)
        fclose(f);
    CHECK(n > 50 && good == n, "mpmath complex points: %d of %d agree", good,
          n);
    for (int id = 0; id < NB_FN__COUNT; id++)
        if (nb_builtins[id].eval_c)
            CHECK(seen[id], "complex data covers %s", nb_builtins[id].name);
}

static void report_ulps(void)
{
    for (int id = 0; id < NB_FN__COUNT; id++)
        printf("# eval_d %-10s max error %.3f ulp (bound %.0f)\n",
               nb_builtins[id].name, max_ulps[id], ulp_bound(id));
}

/* ======================================================================
 * 4. Complex evaluators
 * ====================================================================== */

/* Central difference of the reference at precision p, step 2^-200. */
static void central_diff(int id, int i, mpfr_srcptr x, mpfr_srcptr y,
                         mpfr_prec_t p, mpfr_ptr out)
{
    mpfr_t a[2], fp, fm;
    mpfr_inits2(p, a[0], a[1], fp, fm, (mpfr_ptr)0);
    mpfr_srcptr av[2] = {a[0], a[1]};
    for (int s = 0; s < 2; s++) {
        mpfr_set(a[0], x, MPFR_RNDN);
        mpfr_set(a[1], y, MPFR_RNDN);
        if (s == 0)
            mpfr_add_d(a[i], a[i], 0x1p-200, MPFR_RNDN);
        else
            mpfr_sub_d(a[i], a[i], 0x1p-200, MPFR_RNDN);
        ref_eval(id, s == 0 ? fp : fm, av);
    }
    mpfr_sub(fp, fp, fm, MPFR_RNDN);
    mpfr_mul_2si(out, fp, 199, MPFR_RNDN);
    mpfr_clears(a[0], a[1], fp, fm, (mpfr_ptr)0);
}

/* d f / d arg[i] at (x, y): central differences of the reference with step
 * 2^-200 (truncation ~2^-400 f^(3)/f'), at 800, 1600, ... bits until two
 * agree to 2^-350: the difference f(x+h) - f(x-h) may cancel many bits
 * (sigmoid(500) is 1 - 2^-720). */
static void ref_partial(int id, int i, mpfr_srcptr x, mpfr_srcptr y,
                        mpfr_ptr out)
{
    mpfr_t prev, cur;
    mpfr_inits2(mpfr_get_prec(out), prev, cur, (mpfr_ptr)0);
    central_diff(id, i, x, y, 800, prev);
    for (mpfr_prec_t p = 1600; p <= 12800; p *= 2) {
        central_diff(id, i, x, y, p, cur);
        int agree = close_ulps(prev, cur, 0, 350);
        mpfr_set(prev, cur, MPFR_RNDN);
        if (agree)
            break;
    }
    mpfr_set(out, prev, MPFR_RNDN);
    mpfr_clears(prev, cur, (mpfr_ptr)0);
}

/* Relative distance |a - b| / max(|b|, floor). */
static double rel_err(double a, double b, double floor_)
{
    double s = fabs(b) > floor_ ? fabs(b) : floor_;
    return fabs(a - b) / s;
}

static void complex_step_point(int id, double x, double y, double *worst_re,
                               double *worst_cs)
{
    const NbBuiltin *b = &nb_builtins[id];
    int nargs = b->max_args == 2 && id != NB_FN_LOG ? 2 : 1;
    mpfr_t xm, ym, ref;
    mpfr_inits2(53, xm, ym, (mpfr_ptr)0);
    mpfr_init2(ref, 120);
    mpfr_set_d(xm, x, MPFR_RNDN);
    mpfr_set_d(ym, y, MPFR_RNDN);
    mpfr_srcptr av[2] = {xm, ym};
    double complex zv[2] = {x, y};
    double complex f = b->eval_c(zv);
    ref_eval(id, ref, av);
    double e = ulps_off(creal(f), ref);
    if (fabs(cimag(f)) > 1e-15 * fabs(creal(f)))
        e = INFINITY;
    if (e > *worst_re)
        *worst_re = e;
    for (int i = 0; i < nargs; i++) {
        double h = 1e-20;
        double complex zh[2] = {x, y};
        zh[i] += I * h;
        double cs = cimag(b->eval_c(zh)) / h;
        ref_partial(id, i, xm, ym, ref);
        double want = mpfr_get_d(ref, MPFR_RNDN);
        if (fabs(want) * h < 0x1p-960)
            continue; /* Im f = f' h is subnormal: the step, not f, fails */
        double r = rel_err(cs, want, 1e-300);
        if (r > *worst_cs) {
            *worst_cs = r;
            if (r > 1e-12)
                printf("# %s complex step at (%.17g, %.17g) arg %d: %.17g vs "
                       "%.17g\n", b->name, x, y, i, cs, want);
        }
    }
    mpfr_clears(xm, ym, ref, (mpfr_ptr)0);
}

static void test_complex(void)
{
    mpfr_t x, y;
    mpfr_inits2(53, x, y, (mpfr_ptr)0);
    for (int id = 0; id < NB_FN__COUNT; id++) {
        if (!nb_builtins[id].eval_c)
            continue;
        double worst_re = 0, worst_cs = 0;
        for (int k = 0; k < N_RANDOM; k++) {
            rand_args(id, x, y);
            if (id == NB_FN_ACOSH && mpfr_cmp_ui(x, 1) == 0)
                continue; /* the derivative is infinite there */
            complex_step_point(id, mpfr_get_d(x, MPFR_RNDN),
                               mpfr_get_d(y, MPFR_RNDN), &worst_re, &worst_cs);
        }
        CHECK(worst_re <= ulp_bound(id) + 2, "%s: eval_c on reals within %.0f "
              "ulp (worst %.2f)", nb_builtins[id].name, ulp_bound(id) + 2,
              worst_re);
        CHECK(worst_cs <= 1e-12, "%s: complex step Im f(x+ih)/h = f' within "
              "1e-12 relative (worst %.2g)", nb_builtins[id].name, worst_cs);
    }
    mpfr_clears(x, y, (mpfr_ptr)0);
}

/* MPC at 256 bits: real part on reals within 2 ulp of the reference; complex
 * step with h = 2^-300 matches the derivative to 2^-240 relative. */
static void mpc_point(int id, mpfr_srcptr x, mpfr_srcptr y, int *ok_re,
                      int *ok_cs)
{
    const NbBuiltin *b = &nb_builtins[id];
    int nargs = b->max_args == 2 && id != NB_FN_LOG ? 2 : 1;
    mpc_t z[2], r;
    mpfr_t ref;
    mpc_init2(z[0], PREC);
    mpc_init2(z[1], PREC);
    mpc_init2(r, PREC);
    mpfr_init2(ref, REF_PREC);
    mpc_set_fr(z[0], x, MPC_RNDNN);
    mpc_set_fr(z[1], y, MPC_RNDNN);
    mpc_srcptr zv[2] = {z[0], z[1]};
    mpfr_srcptr av[2] = {x, y};
    b->eval_mpc(r, zv, MPC_RNDNN);
    ref_eval(id, ref, av);
    if (!close_ulps(mpc_realref(r), ref, 2, 400) || !mpfr_zero_p(mpc_imagref(r))) {
        CHECK(0, "%s mpc(%s, %s) = %s + i %s, reference %s", b->name,
              fmt_mpfr(x), fmt_mpfr(y), fmt_mpfr(mpc_realref(r)),
              fmt_mpfr(mpc_imagref(r)), fmt_mpfr(ref));
        *ok_re = 0;
    }
    for (int i = 0; i < nargs; i++) {
        mpc_set_fr(z[0], x, MPC_RNDNN);
        mpc_set_fr(z[1], y, MPC_RNDNN);
        mpfr_set_ui_2exp(mpc_imagref(z[i]), 1, -300, MPFR_RNDN);
        b->eval_mpc(r, zv, MPC_RNDNN);
        mpfr_mul_2si(mpc_imagref(r), mpc_imagref(r), 300, MPFR_RNDN);
        ref_partial(id, i, x, y, ref);
        if (!close_ulps(mpc_imagref(r), ref, 0, 240)) {
            CHECK(0, "%s mpc complex step arg %d at (%s, %s): %s vs %s",
                  b->name, i, fmt_mpfr(x), fmt_mpfr(y),
                  fmt_mpfr(mpc_imagref(r)), fmt_mpfr(ref));
            *ok_cs = 0;
        }
    }
    mpc_clear(z[0]);
    mpc_clear(z[1]);
    mpc_clear(r);
    mpfr_clear(ref);
}

static void test_mpc(void)
{
    mpfr_t x, y;
    mpfr_inits2(PREC, x, y, (mpfr_ptr)0);
    for (int id = 0; id < NB_FN__COUNT; id++) {
        if (!nb_builtins[id].eval_mpc)
            continue;
        int ok_re = 1, ok_cs = 1;
        for (int k = 0; k < N_RANDOM / 3; k++) {
            rand_args(id, x, y);
            if (id == NB_FN_ACOSH && mpfr_cmp_ui(x, 1) == 0)
                continue;
            mpc_point(id, x, y, &ok_re, &ok_cs);
        }
        CHECK(ok_re, "%s: eval_mpc on reals within 2 ulp at %d bits",
              nb_builtins[id].name, PREC);
        CHECK(ok_cs, "%s: eval_mpc complex step = f' to 2^-240",
              nb_builtins[id].name);
    }
    mpfr_clears(x, y, (mpfr_ptr)0);
}

/* ======================================================================
 * 5. Derivative rules, evaluated by a small walker over the expression
 *    that uses ref_eval (not the rows) for every function node.
 * ====================================================================== */

static int eval_expr(const NbExpr *e, mpfr_ptr r, const NbExpr *const *syms,
                     mpfr_srcptr const *vals, int depth);

static int eval_args(const NbExpr *e, mpfr_t *v, const NbExpr *const *syms,
                     mpfr_srcptr const *vals, int depth)
{
    for (uint32_t k = 0; k < e->n && k < 2; k++)
        if (!eval_expr(e->args[k], v[k], syms, vals, depth + 1))
            return 0;
    return 1;
}

/* Value of e with syms[0..1] bound to vals; products and sums of any
 * length, powers with integer exponents exactly. */
static int eval_expr(const NbExpr *e, mpfr_ptr r, const NbExpr *const *syms,
                     mpfr_srcptr const *vals, int depth)
{
    if (depth > 200)
        return 0;
    mpfr_t v[2];
    int ok = 1;
    mpfr_inits2(mpfr_get_prec(r) + 32, v[0], v[1], (mpfr_ptr)0);
    switch (e->kind) {
    case NB_NUM: mpfr_set_q(r, e->u.q, MPFR_RNDN); break;
    case NB_FLT: mpfr_set(r, e->u.f, MPFR_RNDN); break;
    case NB_CONST:
        if (e->fn == NB_CONST_PI)
            mpfr_const_pi(r, MPFR_RNDN);
        else
            mpfr_set_ui(v[0], 1, MPFR_RNDN), mpfr_exp(r, v[0], MPFR_RNDN);
        break;
    case NB_SYM:
        ok = e == syms[0] || e == syms[1];
        if (ok)
            mpfr_set(r, e == syms[0] ? vals[0] : vals[1], MPFR_RNDN);
        break;
    case NB_ADD: case NB_MUL:
        mpfr_set_ui(r, e->kind == NB_MUL, MPFR_RNDN);
        for (uint32_t k = 0; ok && k < e->n; k++) {
            ok = eval_expr(e->args[k], v[0], syms, vals, depth + 1);
            if (e->kind == NB_ADD)
                mpfr_add(r, r, v[0], MPFR_RNDN);
            else
                mpfr_mul(r, r, v[0], MPFR_RNDN);
        }
        break;
    case NB_POW:
        ok = eval_args(e, v, syms, vals, depth);
        if (ok && e->args[1]->kind == NB_NUM && nb_is_integer(e->args[1]))
            mpfr_pow_z(r, v[0], mpq_numref(e->args[1]->u.q), MPFR_RNDN);
        else if (ok)
            mpfr_pow(r, v[0], v[1], MPFR_RNDN);
        break;
    case NB_FN: {
        ok = eval_args(e, v, syms, vals, depth);
        mpfr_srcptr av[2] = {v[0], e->n > 1 ? v[1] : v[0]};
        if (ok)
            ref_eval(e->fn, r, av);
        break;
    }
    default: ok = 0; break;
    }
    mpfr_clears(v[0], v[1], (mpfr_ptr)0);
    return ok;
}

/* deriv(i) of row id at (x, y) against the reference's central difference. */
static int deriv_point(NbStore *st, int id, mpfr_srcptr x, mpfr_srcptr y)
{
    const NbBuiltin *b = &nb_builtins[id];
    int nargs = b->max_args == 2 && id != NB_FN_LOG ? 2 : 1, ok = 1;
    const NbExpr *syms[2] = {nb_sym(st, "x"), nb_sym(st, "y")};
    mpfr_srcptr vals[2] = {x, y};
    mpfr_t got, want;
    mpfr_inits2(REF_PREC, got, want, (mpfr_ptr)0);
    for (int i = 0; i < nargs; i++) {
        const NbExpr *d = nb_builtin_deriv(st, id, syms, i);
        if (id == NB_FN_POLYGAMMA && i == 0) {
            CHECK(d == NULL, "polygamma: no derivative in its order n");
            continue;
        }
        int evok = d && eval_expr(d, got, syms, vals, 0);
        ref_partial(id, i, x, y, want);
        if (!evok || !close_ulps(got, want, 0, 150)) {
            CHECK(0, "%s: d/darg%d at (%s, %s) = %s, central difference %s",
                  b->name, i, fmt_mpfr(x), fmt_mpfr(y), fmt_mpfr(got),
                  fmt_mpfr(want));
            ok = 0;
        }
    }
    mpfr_clears(got, want, (mpfr_ptr)0);
    return ok;
}

static void test_deriv_random(void)
{
    NbStore *st = nb_store_new();
    mpfr_t x, y;
    mpfr_inits2(PREC, x, y, (mpfr_ptr)0);
    for (int id = 0; id < NB_FN__COUNT; id++) {
        if (!nb_builtins[id].deriv[0] && !nb_builtins[id].deriv[1])
            continue;
        int good = 0, n = 0;
        for (int k = 0; k < N_RANDOM / 3; k++) {
            rand_args(id, x, y);
            /* stay off kinks and ties: the difference quotient is not a
             * derivative there (the conventions are checked separately) */
            if ((id == NB_FN_MIN || id == NB_FN_MAX) && mpfr_equal_p(x, y))
                continue;
            if (id == NB_FN_ACOSH && mpfr_cmp_d(x, 1.0001) < 0)
                continue;
            n++;
            good += deriv_point(st, id, x, y);
        }
        CHECK(n > 0 && good == n, "%s: derivative rule = central difference at "
              "%d points", nb_builtins[id].name, n);
    }
    mpfr_clears(x, y, (mpfr_ptr)0);
    nb_store_free(st);
}

/* Value of the derivative rule of id wrt arg i at exact (x, y). */
static double deriv_at(NbStore *st, int id, int i, double x, double y)
{
    const NbExpr *syms[2] = {nb_sym(st, "x"), nb_sym(st, "y")};
    mpfr_t xv, yv, r;
    mpfr_inits2(64, xv, yv, r, (mpfr_ptr)0);
    mpfr_set_d(xv, x, MPFR_RNDN);
    mpfr_set_d(yv, y, MPFR_RNDN);
    mpfr_srcptr vals[2] = {xv, yv};
    const NbExpr *d = nb_builtin_deriv(st, id, syms, i);
    double out = d && eval_expr(d, r, syms, vals, 0) ? mpfr_get_d(r, MPFR_RNDN)
                                                     : NAN;
    mpfr_clears(xv, yv, r, (mpfr_ptr)0);
    return out;
}

/* SPEC §2 conventions at the kinks; min/max ties to the first argument. */
static void test_deriv_conventions(void)
{
    NbStore *st = nb_store_new();
    CHECK(deriv_at(st, NB_FN_ABS, 0, 0, 0) == 0, "abs'(0) = sign(0) = 0");
    CHECK(deriv_at(st, NB_FN_ABS, 0, -2, 0) == -1, "abs'(-2) = -1");
    CHECK(deriv_at(st, NB_FN_RELU, 0, 0, 0) == 0, "relu'(0) = heaviside(0) = 0");
    CHECK(deriv_at(st, NB_FN_RELU, 0, 3, 0) == 1, "relu'(3) = 1");
    CHECK(deriv_at(st, NB_FN_HEAVISIDE, 0, 0, 0) == 0, "heaviside' = 0");
    CHECK(deriv_at(st, NB_FN_SIGN, 0, 0, 0) == 0, "sign' = 0");
    CHECK(deriv_at(st, NB_FN_FLOOR, 0, 2, 0) == 0, "floor' = 0");
    CHECK(deriv_at(st, NB_FN_CEIL, 0, 2, 0) == 0, "ceil' = 0");
    for (int m = 0; m < 2; m++) {
        int id = m ? NB_FN_MAX : NB_FN_MIN;
        const char *nm = nb_builtins[id].name;
        CHECK(deriv_at(st, id, 0, 2, 2) == 1 && deriv_at(st, id, 1, 2, 2) == 0,
              "%s at a tie: the derivative goes to the first argument", nm);
        double lo0 = deriv_at(st, id, 0, 1, 2), lo1 = deriv_at(st, id, 1, 1, 2);
        CHECK(lo0 == (m ? 0 : 1) && lo1 == (m ? 1 : 0),
              "%s(1, 2): partials %g, %g", nm, lo0, lo1);
    }
    CHECK(deriv_at(st, NB_FN_SOFTPLUS, 0, 0, 0) == 0.5, "softplus'(0) = 1/2");
    CHECK(deriv_at(st, NB_FN_SIGMOID, 0, 0, 0) == 0.25, "sigmoid'(0) = 1/4");
    CHECK(fabs(deriv_at(st, NB_FN_SIGMOID, 0, 40, 0) / 4.248354255291589e-18
               - 1) < 1e-15, "sigmoid'(40) keeps its relative accuracy");
    CHECK(deriv_at(st, NB_FN_TAN, 0, 0, 0) == 1, "tan'(0) = 1");
    CHECK(deriv_at(st, NB_FN_CBRT, 0, -8, 0) == 1.0 / 12,
          "cbrt'(-8) = 1/12 (real for negative x)");
    nb_store_free(st);
}

/* ======================================================================
 * 6. Examples: "name(a, b) -> out" prints the correctly rounded double
 * ====================================================================== */

/* Shortest %.Ng that reads back to v: what nabla prints for a double. */
static void shortest(double v, char *buf, size_t n)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void test_examples(void)
{
    for (int id = 0; id < NB_FN__COUNT; id++) {
        const NbBuiltin *b = &nb_builtins[id];
        const char *open = strchr(b->example, '('),
                   *arrow = strstr(b->example, ") -> ");
        if (!open || !arrow)
            continue; /* reported by test_table */
        char *end;
        double av[2];
        av[0] = strtod(open + 1, &end);
        av[1] = *end == ',' ? strtod(end + 1, &end) : av[0];
        const char *out = arrow + 5;
        mpfr_t xm, ym, ref;
        mpfr_inits2(53, xm, ym, (mpfr_ptr)0);
        mpfr_init2(ref, REF_PREC);
        mpfr_set_d(xm, av[0], MPFR_RNDN);
        mpfr_set_d(ym, av[1], MPFR_RNDN);
        mpfr_srcptr mv[2] = {xm, ym};
        ref_eval(id, ref, mv);
        double want = mpfr_get_d(ref, MPFR_RNDN);
        char buf[64];
        shortest(want + 0.0, buf, sizeof buf);
        CHECK(end == arrow, "%s: example arguments are plain numbers", b->name);
        CHECK_STR(out, buf, "%s: example \"%s\" is the correctly rounded value",
                  b->name, b->example);
        CHECK(b->eval_d(av) == want, "%s: eval_d gives the example's value",
              b->name);
        mpfr_clears(xm, ym, ref, (mpfr_ptr)0);
    }
}

/* erfc in double on [3, 19), where it is its continued fraction at 80
 * bits rather than mpfr_erfc (builtins.c: erfc_cf): within 1 ulp of the
 * exact value at 3000 random points, and at both ends of the range. */
static void test_erfc_cf(void)
{
    mpfr_t x, ref;
    mpfr_init2(x, 53);
    mpfr_init2(ref, REF_PREC);
    double worst = 0, at = 0;
    for (int k = 0; k < 3002; k++) {
        if (k < 3000)
            mpfr_urandomb(x, rng);              /* [0, 1) */
        else
            mpfr_set_d(x, k == 3000 ? 0 : 0x1.fffffffffffffp-1, MPFR_RNDN);
        mpfr_mul_ui(x, x, 16, MPFR_RNDN);
        mpfr_add_ui(x, x, 3, MPFR_RNDN);        /* [3, 19) */
        double xd = mpfr_get_d(x, MPFR_RNDN);
        mpfr_erfc(ref, x, MPFR_RNDN);
        double u = ulps_off(nb_builtins[NB_FN_ERFC].eval_d(&xd), ref);
        if (!(u <= worst)) {
            worst = u;
            at = xd;
        }
    }
    CHECK(worst <= 1, "erfc in double on [3, 19) (continued fraction): worst "
          "%.3f ulp at %.17g over 3002 points", worst, at);
    mpfr_clears(x, ref, (mpfr_ptr)0);
}

int main(void)
{
    gmp_randinit_default(rng);
    gmp_randseed_ui(rng, check_seed());
    test_table();
    test_constants();
    test_specials();
    test_random_mpfr();
    test_erfc_cf();
    test_directed();
    test_mpmath();
    report_ulps();
    test_complex();
    test_mpc();
    test_complex_points();
    test_deriv_random();
    test_deriv_conventions();
    test_examples();
    gmp_randclear(rng);
    mpfr_free_cache();
    return check_done();
}
