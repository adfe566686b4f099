/* builtins.c — THE table of built-in functions (contract: builtins.h).
 *
 * The table is data and numeric kernels only: it builds no expressions, so
 * every module of core above the store may read it. Each row carries four
 * evaluators:
 *   eval_d     hardware double via libm (not correctly rounded: glibc is
 *              within a few ulps; tests/oracle/oracle_mpfr.c states the bound
 *              per function);
 *   eval_mpfr  correctly rounded: either one MPFR call, or (sigmoid,
 *              softplus) a Ziv loop — evaluate with guard bits, round once
 *              when mpfr_can_round says the result is determined;
 *   eval_c     C99 complex, for complex-step differentiation: only where the
 *              function has an analytic extension that agrees with the real
 *              function on its domain (cbrt and atan2 are arranged so);
 *   eval_mpc   the same in GNU MPC, with guard bits where MPC has no direct
 *              function (not correctly rounded there);
 * and, as text and data, its derivatives (formulas diff.c builds), its
 * LaTeX, C and MathML spellings (print_latex.c, print_mathml.c) and the
 * facts the constructors use (simplify_fn.c: sign, parity, exact values).
 * Why each derivative has the form it has is said above the table.
 *
 * The log row evaluates its one-argument form only: log(x, b) is lowered
 * to log(x)/log(b) before any node is built.
 *
 * Non-smooth functions follow ML conventions (SPEC §2): abs' = sign,
 * relu' = heaviside, sign' = heaviside' = floor' = ceil' = 0, heaviside(0)
 * = sign(0) = 0. At a tie min/max give the whole derivative to the first
 * argument (d/da min(a,b) = 1 - heaviside(a-b)), so min(x,x)' = 1 as for x.
 */
#include "nabla/builtins.h"
#include "nabla/limits.h"

#include "mathfn/dmath.h" /* nb_sigmoid_d, nb_tanh_d: the VMs' bits */
#include "mathfn/polygamma.h"

#include <assert.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#ifndef M_E
#define M_E 2.7182818284590452354
#endif
#ifndef M_LN2
#define M_LN2 0.69314718055994530942
#endif
#ifndef M_LN10
#define M_LN10 2.30258509299404568402
#endif
#ifndef M_2_SQRTPI
#define M_2_SQRTPI 1.12837916709551257390
#endif

/* One-line wrappers: each evaluator slot has its own signature, so every
 * libm / MPFR / C99 / MPC function gets a small adapter. */
#define D1(nm, expr)                                                      \
    static double d_##nm(const double *a) { double x = a[0]; return (expr); }
#define D2(nm, expr)                                                      \
    static double d_##nm(const double *a)                                 \
    { double x = a[0], y = a[1]; return (expr); }
#define M1(nm, fn)                                                        \
    static int m_##nm(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)   \
    { return fn(r, a[0], rnd); }
#define M2(nm, fn)                                                        \
    static int m_##nm(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)   \
    { return fn(r, a[0], a[1], rnd); }
#define C1(nm, expr)                                                      \
    static double complex c_##nm(const double complex *a)                 \
    { double complex z = a[0]; return (expr); }
#define Q1(nm, fn)                                                        \
    static int q_##nm(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)      \
    { return fn(r, a[0], rnd); }

/* ======================================================================
 * Double evaluators (libm)
 * ====================================================================== */

D1(sin, sin(x))
D1(cos, cos(x))
D1(tan, tan(x))
D1(sec, 1.0 / cos(x))
D1(csc, 1.0 / sin(x))
D1(cot, 1.0 / tan(x))
D1(asin, asin(x))
D1(acos, acos(x))
D1(atan, atan(x))
D2(atan2, atan2(x, y)) /* atan2(y, x): args[0] is y */
D1(sinh, sinh(x))
D1(cosh, cosh(x))
D1(tanh, nb_tanh_d(x)) /* glibc's tanh is 1.85 ulp off: see there */
D1(asinh, asinh(x))
D1(acosh, acosh(x))
D1(atanh, atanh(x))
D1(exp, exp(x))
D1(log, log(x))
D1(log2, log2(x))
D1(log10, log10(x))
D1(sqrt, sqrt(x))
D1(abs, fabs(x))
D2(hypot, hypot(x, y))
D2(pow, pow(x, y))
D1(erf, erf(x))
/* r rounded to double, raising FE_UNDERFLOW when a nonzero r lands below
 * DBL_MIN, as libm's functions do there: mpfr_get_d rounds to a subnormal
 * without touching the flags, and a caller that reads them (fuzz_eval)
 * must learn that the result lost bits (erfc(26.87) = 5.8e-316 has 27). */
static double mp_get_d(mpfr_srcptr r)
{
    double v = mpfr_get_d(r, MPFR_RNDN);
    if (fabs(v) < DBL_MIN && mpfr_regular_p(r))
        feraiseexcept(FE_UNDERFLOW | FE_INEXACT);
    return v;
}

/* gamma and lgamma in double come from MPFR at 53 bits, correctly rounded
 * (within 1 ulp where the result is subnormal: rounded twice). glibc's
 * tgamma is up to 5.8 ulp off (gamma(-11.0017...)) and its lgamma up to
 * 4.7 (near -3.92), measured at 800000 random points of [-170, 170]
 * against MPFR at 200 bits. The price: 23 us a call for gamma, 13 us for
 * lgamma, where glibc takes 82 and 43 ns (one core, -O2): paid only by
 * these two functions, which no inner loop of nabla's own leans on. */
static double mp_gamma_d(double x, int log_abs)
{
    mpfr_t a, r;
    mpfr_init2(a, 53);
    mpfr_init2(r, 53);
    mpfr_set_d(a, x, MPFR_RNDN); /* exact */
    int sign;
    if (log_abs)
        mpfr_lgamma(r, &sign, a, MPFR_RNDN);
    else
        mpfr_gamma(r, a, MPFR_RNDN);
    double v = mp_get_d(r);
    mpfr_clear(a);
    mpfr_clear(r);
    return v;
}
D1(gamma, mp_gamma_d(x, 0))
D1(lgamma, mp_gamma_d(x, 1)) /* log|Gamma(x)|, as MPFR's mpfr_lgamma */

/* erfc(x) for 3 <= x < 19 by its continued fraction, at 80 bits:
 * exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), summed
 * from the tail. mpfr_erfc at 53 bits takes 35-470 us a call there (1 -
 * erf at raised precision; from 19 on it has an asymptotic series and is
 * fast again), so a contour of erfc on a 200 x 200 grid took 10 s. The
 * terms are enough for a relative 2^-72 with a margin (mpmath: x = 3
 * needs 80, 4 needs 40, 10 needs 20); x^2 is exact at 110 bits, so the
 * result is within 2^-70 before its one rounding to double. */
static double erfc_cf(double x)
{
    int terms = x < 4 ? 100 : x < 10 ? 50 : 30;
    mpfr_t t, q, sq;
    mpfr_inits2(80, t, q, (mpfr_ptr)0);
    mpfr_init2(sq, 110);
    mpfr_set_d(t, x, MPFR_RNDN);
    for (int k = terms; k >= 1; k--) { /* t = x + (k/2)/t */
        mpfr_ui_div(q, (unsigned long)k, t, MPFR_RNDN);
        mpfr_div_2ui(q, q, 1, MPFR_RNDN);
        mpfr_add_d(t, q, x, MPFR_RNDN);
    }
    mpfr_set_d(sq, x, MPFR_RNDN);
    mpfr_sqr(sq, sq, MPFR_RNDN);                 /* exact */
    mpfr_neg(sq, sq, MPFR_RNDN);
    mpfr_exp(q, sq, MPFR_RNDN);
    mpfr_div(q, q, t, MPFR_RNDN);
    mpfr_const_pi(t, MPFR_RNDN);
    mpfr_sqrt(t, t, MPFR_RNDN);
    mpfr_div(q, q, t, MPFR_RNDN);
    double v = mp_get_d(q);
    mpfr_clears(t, q, sq, (mpfr_ptr)0);
    return v;
}

/* erfc likewise: glibc's is 2.08 ulp off (erfc(0.9527...) = 0.0579...)
 * and up to 1.9 on the tail (erfc(11.73...) = 1.5e-120), against mpmath
 * at 2000 random points of [-6, 27]. mpfr_erfc at 53 bits costs 4-12 us
 * a call outside [3, 19) (glibc: 30 ns), erfc_cf 5-15 us inside it;
 * erfc is no inline opcode of the VM. */
static double d_erfc(const double *a)
{
    if (a[0] >= 3 && a[0] < 19)
        return erfc_cf(a[0]);
    mpfr_t t, r;
    mpfr_init2(t, 53);
    mpfr_init2(r, 53);
    mpfr_set_d(t, a[0], MPFR_RNDN); /* exact */
    mpfr_erfc(r, t, MPFR_RNDN);
    double v = mp_get_d(r);
    mpfr_clear(t);
    mpfr_clear(r);
    return v;
}

/* glibc's cbrt is not correctly rounded (cbrt(-27) is -3.0000000000000004);
 * one Newton step with the residual y^3 - x computed exactly enough
 * (y*y and y2*y split by fma) brings it within about half an ulp, and
 * exact cubes come out exact. */
static double d_cbrt(const double *a)
{
    double x = a[0], y = cbrt(x);
    if (y == 0 || !isfinite(y))
        return y;
    double y2 = y * y, e2 = fma(y, y, -y2);
    double y3 = y2 * y, e3 = fma(y2, y, -y3);
    double r = (y3 - x) + e3 + e2 * y; /* y^3 - x; y3 - x exact (Sterbenz) */
    if (!isfinite(r))
        return y;
    return y - r / (3 * y2);
}

/* Every comparison-based function passes NaN through rather than picking
 * the other argument (C's fmin would): a NaN means an error upstream. */
static double d_sign(const double *a)
{
    double x = a[0];
    return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x;
}

static double d_heaviside(const double *a)
{
    double x = a[0];
    return x > 0 ? 1.0 : x <= 0 ? 0.0 : x;
}

static double d_relu(const double *a)
{
    double x = a[0];
    return x > 0 ? x : x <= 0 ? 0.0 : x; /* relu(-0) is +0 */
}

/* "+ 0.0" turns the -0 of ceil(-0.5) into +0: nabla never prints -0. */
D1(floor, floor(x) + 0.0)
D1(ceil, ceil(x) + 0.0)

static double d_min(const double *a)
{
    if (isnan(a[0]) || isnan(a[1]))
        return a[0] + a[1];
    return a[1] < a[0] ? a[1] : a[0];
}

static double d_max(const double *a)
{
    if (isnan(a[0]) || isnan(a[1]))
        return a[0] + a[1];
    return a[1] > a[0] ? a[1] : a[0];
}

/* sigmoid(x) = 1/(1+exp(-x)) for x >= 0 and exp(x)/(1+exp(x)) for x < 0:
 * exp is only ever taken of a non-positive number, so it never overflows
 * and the tiny tail of the negative side keeps its relative accuracy. The
 * VM's inline opcode computes the same bits (compile_internal.h). */
static double d_sigmoid(const double *a)
{
    return nb_sigmoid_d(a[0]);
}

/* softplus(x) = log(1+exp(x)) = max(x,0) + log1p(exp(-|x|)): no overflow
 * for large x, full relative accuracy of the exp(x) tail for x << 0. */
static double d_softplus(const double *a)
{
    double x = a[0];
    if (isnan(x))
        return x;
    return log1p(exp(-fabs(x))) + (x > 0 ? x : 0.0);
}

/* ======================================================================
 * MPFR evaluators
 * ====================================================================== */

M1(sin, mpfr_sin)
M1(cos, mpfr_cos)
M1(tan, mpfr_tan)
M1(sec, mpfr_sec)
M1(csc, mpfr_csc)
M1(cot, mpfr_cot)
M1(asin, mpfr_asin)
M1(acos, mpfr_acos)
M1(atan, mpfr_atan)
M2(atan2, mpfr_atan2) /* mpfr_atan2(r, y, x): same order as ours */
M1(sinh, mpfr_sinh)
M1(cosh, mpfr_cosh)
M1(tanh, mpfr_tanh)
M1(asinh, mpfr_asinh)
M1(acosh, mpfr_acosh)
M1(atanh, mpfr_atanh)
M1(exp, mpfr_exp)
M1(log, mpfr_log)
M1(log2, mpfr_log2)
M1(log10, mpfr_log10)
M1(sqrt, mpfr_sqrt)
M1(cbrt, mpfr_cbrt)
M1(abs, mpfr_abs)
M2(hypot, mpfr_hypot)
M2(pow, mpfr_pow)
M1(erf, mpfr_erf)
M1(erfc, mpfr_erfc)
M1(gamma, mpfr_gamma)

static int m_lgamma(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    int sign; /* lgamma is log|Gamma|; the sign of Gamma is not wanted */
    return mpfr_lgamma(r, &sign, a[0], rnd);
}

/* Set r to the small integer v; exact, so the ternary value is 0. */
static int set_si(mpfr_ptr r, long v)
{
    mpfr_set_si(r, v, MPFR_RNDN);
    return 0;
}

static int set_nan(mpfr_ptr r)
{
    mpfr_set_nan(r);
    return 0;
}

static int m_sign(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    if (mpfr_nan_p(a[0]))
        return mpfr_set(r, a[0], rnd);
    return set_si(r, mpfr_sgn(a[0]));
}

static int m_heaviside(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    if (mpfr_nan_p(a[0]))
        return mpfr_set(r, a[0], rnd);
    return set_si(r, mpfr_sgn(a[0]) > 0);
}

static int m_relu(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    if (mpfr_nan_p(a[0]) || mpfr_sgn(a[0]) > 0)
        return mpfr_set(r, a[0], rnd);
    return set_si(r, 0);
}

/* mpfr_rint_floor rounds to an integer and then to r's precision with rnd:
 * one rounding of the true result. Zero is made +0 (ceil(-0.5)). */
static int m_floor(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    int t = mpfr_rint_floor(r, a[0], rnd);
    if (mpfr_zero_p(r))
        mpfr_set_zero(r, 1);
    return t;
}

static int m_ceil(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    int t = mpfr_rint_ceil(r, a[0], rnd);
    if (mpfr_zero_p(r))
        mpfr_set_zero(r, 1);
    return t;
}

static int m_min(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    if (mpfr_nan_p(a[0]) || mpfr_nan_p(a[1]))
        return set_nan(r);
    return mpfr_min(r, a[0], a[1], rnd);
}

static int m_max(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    if (mpfr_nan_p(a[0]) || mpfr_nan_p(a[1]))
        return set_nan(r);
    return mpfr_max(r, a[0], a[1], rnd);
}

/* Approximation at t's precision w, every step rounded to nearest. The
 * returned count of bits lost bounds the error: |t - f(x)| <= 2^(EXP(t) -
 * (w - lost)), the form mpfr_can_round wants. */
typedef int (*ZivApprox)(mpfr_ptr t, mpfr_srcptr x);

/* sigmoid at precision w = prec(t). With u = 2^-w, each of exp, add and
 * divide contributes at most u relative error (the add damps exp's error by
 * t/(1+t) <= 1), so the total is below 4u: lost = 3 bits, plus one spare. */
static int sigmoid_approx(mpfr_ptr t, mpfr_srcptr x)
{
    mpfr_t u;
    if (mpfr_sgn(x) >= 0) {
        mpfr_init2(u, mpfr_get_prec(x));
        mpfr_neg(u, x, MPFR_RNDN); /* exact: same precision as x */
        mpfr_exp(t, u, MPFR_RNDN);
        mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_ui_div(t, 1, t, MPFR_RNDN);
    } else {
        mpfr_init2(u, mpfr_get_prec(t));
        mpfr_exp(t, x, MPFR_RNDN);
        mpfr_add_ui(u, t, 1, MPFR_RNDN);
        mpfr_div(t, t, u, MPFR_RNDN);
    }
    mpfr_clear(u);
    return 4;
}

/* softplus = max(x,0) + log1p(exp(-|x|)). exp: u; log1p propagates a
 * relative error of its argument by t/((1+t) log1p(t)) <= 1 and adds u; the
 * final add of two non-negative terms adds u: below 3u, lost = 2 + 2 spare. */
static int softplus_approx(mpfr_ptr t, mpfr_srcptr x)
{
    mpfr_t ax;
    mpfr_init2(ax, mpfr_get_prec(x));
    mpfr_abs(ax, x, MPFR_RNDN); /* exact */
    mpfr_neg(ax, ax, MPFR_RNDN);
    mpfr_exp(t, ax, MPFR_RNDN);
    mpfr_log1p(t, t, MPFR_RNDN);
    if (mpfr_sgn(x) > 0)
        mpfr_add(t, t, x, MPFR_RNDN);
    mpfr_clear(ax);
    return 4;
}

/* Ziv's strategy: approximate with 32 guard bits; if the error bound does
 * not decide the rounding, grow the working precision by half and retry.
 * Asking mpfr_can_round for prec+1 bits in round-to-nearest makes the
 * ternary value right too (MPFR manual, mpfr_can_round). The loop is
 * bounded: a result within 2^(-3 prec) of a breakpoint (sigmoid of a huge
 * x is 1 - tiny) is then rounded from the last approximation, which is
 * right in round-to-nearest and may be one ulp off in directed modes. */
static int ziv_round(mpfr_ptr r, mpfr_srcptr x, mpfr_rnd_t rnd, ZivApprox f)
{
    mpfr_prec_t p = mpfr_get_prec(r), w = p + 32;
    mpfr_flags_t flags = mpfr_flags_save(); /* intermediate underflows of
                                               exp are not the caller's */
    mpfr_t t;
    mpfr_init2(t, w);
    for (int k = 0;; k++) {
        int lost = f(t, x);
        if (!mpfr_regular_p(t) || k == 6)
            break;
        if (mpfr_can_round(t, w - lost, MPFR_RNDN, MPFR_RNDZ,
                           p + (rnd == MPFR_RNDN)))
            break;
        if (k >= 2 && mpfr_can_round(t, w - lost, MPFR_RNDN, rnd, p))
            break;
        w += w / 2;
        mpfr_set_prec(t, w);
    }
    mpfr_flags_restore(flags, MPFR_FLAGS_ALL);
    int ternary = mpfr_set(r, t, rnd);
    if (mpfr_zero_p(t)) { /* the exact value is positive: it underflowed */
        mpfr_set_underflow();
        mpfr_set_inexflag();
        ternary = -1;
    }
    mpfr_clear(t);
    return ternary;
}

static int m_sigmoid(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    mpfr_srcptr x = a[0];
    if (mpfr_nan_p(x))
        return mpfr_set(r, x, rnd);
    if (mpfr_inf_p(x))
        return set_si(r, mpfr_sgn(x) > 0);
    if (mpfr_zero_p(x))
        return mpfr_set_ui_2exp(r, 1, -1, rnd); /* exactly 1/2 */
    return ziv_round(r, x, rnd, sigmoid_approx);
}

static int m_softplus(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    mpfr_srcptr x = a[0];
    if (mpfr_nan_p(x) || mpfr_inf_p(x))
        return mpfr_sgn(x) < 0 ? set_si(r, 0) : mpfr_set(r, x, rnd);
    return ziv_round(r, x, rnd, softplus_approx);
}

/* digamma and polygamma (polygamma.c): correctly rounded; the double
 * evaluators round MPFR's 53-bit result, so they are within half an ulp
 * (a double algorithm loses relative accuracy near digamma's zeros,
 * x = 1.4616... and one between each pair of negative poles). */
static int m_digamma(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    return nb_digamma_mpfr(r, a[0], rnd);
}

static int m_polygamma(mpfr_ptr r, mpfr_srcptr const *a, mpfr_rnd_t rnd)
{
    return nb_polygamma_mpfr(r, a[0], a[1], rnd);
}

/* f at 53 bits in MPFR's full exponent range, then to a double. */
static double via_mpfr(int (*f)(mpfr_ptr, mpfr_srcptr const *, mpfr_rnd_t),
                       const double *a, int n)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    mpfr_t v[2], r;
    mpfr_srcptr p[2];
    for (int i = 0; i < n; i++) {
        mpfr_init2(v[i], 53);
        mpfr_set_d(v[i], a[i], MPFR_RNDN);
        p[i] = v[i];
    }
    mpfr_init2(r, 53);
    f(r, p, MPFR_RNDN);
    double d = mp_get_d(r);
    mpfr_clear(r);
    for (int i = 0; i < n; i++)
        mpfr_clear(v[i]);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    return d;
}

static double d_digamma(const double *a) { return via_mpfr(m_digamma, a, 1); }
static double d_polygamma(const double *a)
{
    return via_mpfr(m_polygamma, a, 2);
}

/* ======================================================================
 * C99 complex evaluators
 * ====================================================================== */

C1(sin, csin(z))
C1(cos, ccos(z))
C1(tan, ctan(z))
C1(sec, 1.0 / ccos(z))
C1(csc, 1.0 / csin(z))
C1(cot, 1.0 / ctan(z))
C1(asin, casin(z))
C1(acos, cacos(z))
C1(atan, catan(z))
C1(sinh, csinh(z))
C1(cosh, ccosh(z))
C1(tanh, ctanh(z))
C1(asinh, casinh(z))
C1(acosh, cacosh(z))
C1(atanh, catanh(z))
C1(exp, cexp(z))
C1(log, clog(z))
C1(log2, clog(z) / M_LN2)
C1(log10, clog(z) / M_LN10)
C1(sqrt, csqrt(z))

/* z^n by repeated squaring: exact structure for integer powers, so a
 * negative real base works (cpow would go through log and pick up noise
 * larger than the complex-step signal). */
static double complex cpow_int(double complex z, long n)
{
    double complex r = 1, p = z;
    unsigned long m = n < 0 ? -(unsigned long)n : (unsigned long)n;
    for (; m; m >>= 1) {
        if (m & 1)
            r *= p;
        p *= p;
    }
    return n < 0 ? 1 / r : r;
}

/* a^b in polar form: |a|^Re b e^(-Im b arg a) times the phase
 * e^(i (Im b log|a| + Re b arg a)). The modulus comes from the real pow, so
 * on real input the result is pow's, and the phase is small and accurate
 * for a complex step; cpow's exp(b log a) loses |b log a| ulps. */
static double complex c_pow(const double complex *a)
{
    double complex z = a[0], b = a[1];
    double br = creal(b), bi = cimag(b);
    if (cimag(z) == 0 && bi == 0)
        return pow(creal(z), br);
    if (bi == 0 && br == nearbyint(br) && fabs(br) <= 0x1p31)
        return cpow_int(z, (long)br);
    double m = cabs(z), th = carg(z);
    double mod = pow(m, br) * exp(-bi * th), ph = bi * log(m) + br * th;
    return mod * (cos(ph) + I * sin(ph));
}

/* The principal complex cube root of a negative real is not real; the real
 * cbrt continues analytically as -cbrt(-z) on the left half-plane. Polar
 * form with the real cbrt of the modulus keeps the real part as accurate as
 * d_cbrt. */
static double complex c_cbrt(const double complex *a)
{
    int left = creal(a[0]) < 0;
    double complex z = left ? -a[0] : a[0];
    if (cimag(z) == 0)
        return d_cbrt((const double[]){creal(a[0])});
    double m = d_cbrt((const double[]){cabs(z)}), th = carg(z) / 3;
    double complex r = m * (cos(th) + I * sin(th));
    return left ? -r : r;
}

/* atan2(y, x) as atan(y/x) plus a constant branch offset, or pi/2 minus
 * atan(x/y) when |y| > |x|: the quotient stays in [-1, 1], and the
 * imaginary part (the complex-step derivative) is never the difference of
 * nearly equal numbers, as it would be in -i*log((x+iy)/hypot). */
static double complex c_atan2(const double complex *a)
{
    double complex y = a[0], x = a[1];
    double ry = creal(y), rx = creal(x);
    if (rx == 0 && ry == 0)
        return atan2(ry, rx);
    if (fabs(rx) >= fabs(ry)) {
        double complex t = catan(y / x);
        if (rx < 0)
            t += signbit(ry) ? -M_PI : M_PI;
        return t;
    }
    return (ry > 0 ? M_PI / 2 : -M_PI / 2) - catan(x / y);
}

/* hypot(x, y) = s*sqrt((x/s)^2 + (y/s)^2), scaled against overflow. */
static double complex c_hypot(const double complex *a)
{
    double s = fmax(fabs(creal(a[0])), fabs(creal(a[1])));
    if (s == 0 || isinf(s) || isnan(s))
        return hypot(creal(a[0]), creal(a[1]));
    double complex x = a[0] / s, y = a[1] / s;
    return s * csqrt(x * x + y * y);
}

static double complex c_sigmoid(const double complex *a)
{
    double complex z = a[0];
    if (creal(z) >= 0)
        return 1.0 / (1.0 + cexp(-z));
    double complex e = cexp(z);
    return e / (1.0 + e);
}

/* log(1 + t) without the cancellation of forming 1 + t: the real part is
 * log|1+t| = log1p(2 Re t + |t|^2)/2, the imaginary part arg(1 + t). */
static double complex clog1p(double complex t)
{
    double re = creal(t), im = cimag(t);
    return 0.5 * log1p(re * (2 + re) + im * im) + I * atan2(im, 1 + re);
}

static double complex c_softplus(const double complex *a)
{
    double complex z = a[0];
    if (creal(z) >= 0)
        return z + clog1p(cexp(-z));
    return clog1p(cexp(z));
}

/* ======================================================================
 * GNU MPC evaluators
 * ====================================================================== */

/* atan(z) = z - z^3/3 + ... and atanh(z) = z + z^3/3 + ...: when |z|^2 is
 * below 2^-(p + 8), z is each of them to within a quarter ulp of each part.
 * MPC's own atan and atanh take seconds there (its Ziv loop raises the
 * precision past the exponent: atan((2 + 1e-20i)*1e-4000) at 256 bits in
 * complex-step took 3 s). */
static int tiny_for(mpc_srcptr z, mpfr_prec_t p)
{
    mpfr_srcptr re = mpc_realref(z), im = mpc_imagref(z);
    if (!mpfr_number_p(re) || !mpfr_number_p(im)
        || (mpfr_zero_p(re) && mpfr_zero_p(im)))
        return 0;
    mpfr_exp_t e = mpfr_zero_p(re) ? mpfr_get_exp(im)
                   : mpfr_zero_p(im) ? mpfr_get_exp(re)
                   : mpfr_get_exp(re) > mpfr_get_exp(im) ? mpfr_get_exp(re)
                                                         : mpfr_get_exp(im);
    return e < 0 && -2 * (e + 1) > (mpfr_exp_t)p + 8; /* |z| < 2^e */
}

/* The other end: |z|^2 above 2^(p + 8), off the imaginary axis (where
 * the branch cuts of atan, asinh and acosh lie, so MPC decides there).
 * MPC's Ziv loops take seconds here too: at 113 bits atan(1e16000 +
 * 1e-30i) took 0.94 s, asinh 0.44 s, acosh 3.5 s, and an hstudy's complex
 * step meets them at every row (9 s for -atan(asinh(x^1000)) at 1e16). */
static int huge_for(mpc_srcptr z, mpfr_prec_t p)
{
    mpfr_srcptr re = mpc_realref(z), im = mpc_imagref(z);
    if (!mpfr_regular_p(re) || !mpfr_number_p(im))
        return 0;
    mpfr_exp_t e = mpfr_zero_p(im) || mpfr_get_exp(re) > mpfr_get_exp(im)
                       ? mpfr_get_exp(re) : mpfr_get_exp(im);
    return e > 0 && 2 * (e - 1) > (mpfr_exp_t)p + 8; /* |z| >= 2^(e-1) */
}

static mpfr_prec_t mpc_prec_max(mpc_srcptr r)
{
    mpfr_prec_t pr, pi;
    mpc_get_prec2(&pr, &pi, r);
    return pr > pi ? pr : pi;
}

/* atan(z) = +-pi/2 - atan(1/z) (the sign of Re z), and atan(1/z) is 1/z
 * to a quarter ulp of each part (tiny_for); 32 guard bits, rounded once. */
static int mpc_atan_huge(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd)
{
    mpfr_prec_t w = mpc_prec_max(r) + 32;
    mpc_t t;
    mpfr_t h;
    mpc_init2(t, w);
    mpfr_init2(h, w);
    mpc_ui_div(t, 1, z, MPC_RNDNN);
    mpfr_const_pi(h, MPFR_RNDN);
    mpfr_div_2ui(h, h, 1, MPFR_RNDN);
    if (mpfr_sgn(mpc_realref(z)) < 0)
        mpfr_neg(h, h, MPFR_RNDN);
    mpfr_sub(mpc_realref(t), h, mpc_realref(t), MPFR_RNDN);
    mpfr_neg(mpc_imagref(t), mpc_imagref(t), MPFR_RNDN);
    int ternary = mpc_set(r, t, rnd);
    mpfr_clear(h);
    mpc_clear(t);
    return ternary;
}

/* asinh(z) = log(2z) + 1/(4z^2) - ... and acosh(z) = log(2z) - 1/(4z^2)
 * - ... for Re z > 0 (asinh is odd): the dropped terms are below 2^-(p+10)
 * of each part (the imaginary part, arg z ~ Im z/Re z, against Im z/(2 Re
 * z^3)). acosh with Re z < 0 is left to MPC. */
static int mpc_log2z(mpc_ptr r, mpc_srcptr z, int odd, mpc_rnd_t rnd)
{
    mpfr_prec_t w = mpc_prec_max(r) + 32, pz = mpc_prec_max(z);
    int neg = odd && mpfr_sgn(mpc_realref(z)) < 0;
    mpc_t t;
    mpc_init2(t, pz > w ? pz : w);
    if (neg)
        mpc_neg(t, z, MPC_RNDNN);
    else
        mpc_set(t, z, MPC_RNDNN);
    mpc_mul_2ui(t, t, 1, MPC_RNDNN);
    mpc_log(t, t, MPC_RNDNN);
    if (neg)
        mpc_neg(t, t, MPC_RNDNN);
    int ternary = mpc_set(r, t, rnd);
    mpc_clear(t);
    return ternary;
}

static int mpc_atan_small(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd)
{
    mpfr_prec_t p = mpc_prec_max(r);
    return tiny_for(z, p)   ? mpc_set(r, z, rnd)
           : huge_for(z, p) ? mpc_atan_huge(r, z, rnd)
                            : mpc_atan(r, z, rnd);
}

static int mpc_asinh_ends(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd)
{
    return huge_for(z, mpc_prec_max(r)) ? mpc_log2z(r, z, 1, rnd)
                                        : mpc_asinh(r, z, rnd);
}

static int mpc_acosh_ends(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd)
{
    return huge_for(z, mpc_prec_max(r)) && mpfr_sgn(mpc_realref(z)) > 0
               ? mpc_log2z(r, z, 0, rnd) : mpc_acosh(r, z, rnd);
}

static int mpc_atanh_small(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd)
{
    mpfr_prec_t pr, pi;
    mpc_get_prec2(&pr, &pi, r);
    return tiny_for(z, pr > pi ? pr : pi) ? mpc_set(r, z, rnd)
                                          : mpc_atanh(r, z, rnd);
}

Q1(sin, mpc_sin)
Q1(cos, mpc_cos)
Q1(tan, mpc_tan)
Q1(asin, mpc_asin)
Q1(acos, mpc_acos)
Q1(atan, mpc_atan_small)
Q1(sinh, mpc_sinh)
Q1(cosh, mpc_cosh)
Q1(tanh, mpc_tanh)
Q1(asinh, mpc_asinh_ends)
Q1(acosh, mpc_acosh_ends)
Q1(atanh, mpc_atanh_small)
Q1(exp, mpc_exp)
Q1(log, mpc_log)
Q1(log10, mpc_log10)
Q1(sqrt, mpc_sqrt)

static int q_pow(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    return mpc_pow(r, a[0], a[1], rnd);
}

/* Composite MPC functions are evaluated at the result's precision plus 32
 * guard bits and rounded once: accurate, but not correctly rounded. */
static void guard_init(mpc_ptr t, mpc_srcptr r)
{
    mpfr_prec_t pr, pi;
    mpc_get_prec2(&pr, &pi, r);
    mpc_init2(t, (pr > pi ? pr : pi) + 32);
}

static int guard_done(mpc_ptr r, mpc_ptr t, mpc_rnd_t rnd)
{
    int ternary = mpc_set(r, t, rnd);
    mpc_clear(t);
    return ternary;
}

/* 1 / f(z) for sec, csc, cot. */
static int q_recip(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd,
                   int (*f)(mpc_ptr, mpc_srcptr, mpc_rnd_t))
{
    mpc_t t;
    guard_init(t, r);
    f(t, z, MPC_RNDNN);
    mpc_ui_div(t, 1, t, MPC_RNDNN);
    return guard_done(r, t, rnd);
}

static int q_sec(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    return q_recip(r, a[0], rnd, mpc_cos);
}

static int q_csc(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    return q_recip(r, a[0], rnd, mpc_sin);
}

static int q_cot(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    return q_recip(r, a[0], rnd, mpc_tan);
}

static int q_log2(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    mpc_t t;
    mpfr_t ln2;
    guard_init(t, r);
    mpfr_init2(ln2, mpc_get_prec(t));
    mpfr_const_log2(ln2, MPFR_RNDN);
    mpc_log(t, a[0], MPC_RNDNN);
    mpc_div_fr(t, t, ln2, MPC_RNDNN);
    mpfr_clear(ln2);
    return guard_done(r, t, rnd);
}

/* cbrt(z) = exp(log(z)/3) on the right half-plane, -cbrt(-z) on the left
 * (see c_cbrt). */
static int q_cbrt(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    mpc_t t;
    int left = mpfr_sgn(mpc_realref(a[0])) < 0;
    guard_init(t, r);
    if (mpc_cmp_si_si(a[0], 0, 0) == 0) {
        mpc_set_ui(t, 0, MPC_RNDNN);
        return guard_done(r, t, rnd);
    }
    if (left)
        mpc_neg(t, a[0], MPC_RNDNN);
    else
        mpc_set(t, a[0], MPC_RNDNN);
    mpc_log(t, t, MPC_RNDNN);
    mpc_div_ui(t, t, 3, MPC_RNDNN);
    mpc_exp(t, t, MPC_RNDNN);
    if (left)
        mpc_neg(t, t, MPC_RNDNN);
    return guard_done(r, t, rnd);
}

/* atan2 as in c_atan2. */
static int q_atan2(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    mpc_srcptr y = a[0], x = a[1];
    mpfr_srcptr ry = mpc_realref(y), rx = mpc_realref(x);
    mpc_t t;
    mpfr_t c;
    guard_init(t, r);
    mpfr_init2(c, mpc_get_prec(t));
    if (mpfr_zero_p(rx) && mpfr_zero_p(ry)) {
        mpfr_atan2(mpc_realref(t), ry, rx, MPFR_RNDN);
        mpfr_set_zero(mpc_imagref(t), 1);
    } else if (mpfr_cmpabs(rx, ry) >= 0) {
        mpc_div(t, y, x, MPC_RNDNN);
        mpc_atan_small(t, t, MPC_RNDNN);
        if (mpfr_sgn(rx) < 0) {
            mpfr_const_pi(c, MPFR_RNDN);
            if (mpfr_signbit(ry))
                mpfr_neg(c, c, MPFR_RNDN);
            mpc_add_fr(t, t, c, MPC_RNDNN);
        }
    } else {
        mpc_div(t, x, y, MPC_RNDNN);
        mpc_atan_small(t, t, MPC_RNDNN);
        mpfr_const_pi(c, MPFR_RNDN);
        mpfr_div_2ui(c, c, 1, MPFR_RNDN);
        if (mpfr_sgn(ry) < 0)
            mpfr_neg(c, c, MPFR_RNDN);
        mpc_fr_sub(t, c, t, MPC_RNDNN);
    }
    mpfr_clear(c);
    return guard_done(r, t, rnd);
}

static int q_hypot(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    mpc_t t, u;
    guard_init(t, r);
    mpc_init2(u, mpc_get_prec(t));
    mpc_sqr(t, a[0], MPC_RNDNN);
    mpc_sqr(u, a[1], MPC_RNDNN);
    mpc_add(t, t, u, MPC_RNDNN);
    mpc_sqrt(t, t, MPC_RNDNN);
    mpc_clear(u);
    return guard_done(r, t, rnd);
}

/* sigmoid: 1/(1+exp(-z)) for Re z >= 0, exp(z)/(1+exp(z)) otherwise. */
static int q_sigmoid(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    mpc_t t, u;
    guard_init(t, r);
    mpc_init2(u, mpc_get_prec(t));
    if (mpfr_sgn(mpc_realref(a[0])) >= 0) {
        mpc_neg(t, a[0], MPC_RNDNN);
        mpc_exp(t, t, MPC_RNDNN);
        mpc_add_ui(t, t, 1, MPC_RNDNN);
        mpc_ui_div(t, 1, t, MPC_RNDNN);
    } else {
        mpc_exp(t, a[0], MPC_RNDNN);
        mpc_add_ui(u, t, 1, MPC_RNDNN);
        mpc_div(t, t, u, MPC_RNDNN);
    }
    mpc_clear(u);
    return guard_done(r, t, rnd);
}

/* t = log(1 + t) as clog1p does, in place. */
static void mpc_log1p_inplace(mpc_ptr t)
{
    mpfr_ptr re = mpc_realref(t), im = mpc_imagref(t);
    mpfr_t m, one_re;
    mpfr_inits2(mpc_get_prec(t), m, one_re, (mpfr_ptr)0);
    mpfr_add_ui(one_re, re, 1, MPFR_RNDN);       /* 1 + Re t */
    mpfr_add_ui(m, re, 2, MPFR_RNDN);            /* Re t (2 + Re t) */
    mpfr_mul(m, m, re, MPFR_RNDN);
    mpfr_fma(m, im, im, m, MPFR_RNDN);           /* + (Im t)^2 */
    mpfr_log1p(m, m, MPFR_RNDN);
    mpfr_atan2(im, im, one_re, MPFR_RNDN);
    mpfr_div_2ui(re, m, 1, MPFR_RNDN);
    mpfr_clears(m, one_re, (mpfr_ptr)0);
}

static int q_softplus(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    mpc_t t;
    int right = mpfr_sgn(mpc_realref(a[0])) >= 0;
    guard_init(t, r);
    if (right)
        mpc_neg(t, a[0], MPC_RNDNN);
    else
        mpc_set(t, a[0], MPC_RNDNN);
    mpc_exp(t, t, MPC_RNDNN);
    mpc_log1p_inplace(t);
    if (right)
        mpc_add(t, t, a[0], MPC_RNDNN);
    return guard_done(r, t, rnd);
}

/* ======================================================================
 * erf and erfc off the real axis (C99 and MPC have none)
 *
 * Taylor series about the real point x of z = x + iy:
 *   erf(x+iy) = erf(x) + 2/sqrt(pi) e^(-x^2) sum_{j>=0} (-1)^j H_j(x)
 *               (iy)^(j+1) / (j+1)!
 * with H_j the Hermite polynomials (erf^(j+1) = 2/sqrt(pi) (-1)^j H_j
 * e^(-x^2)). The scaled terms g_j = H_j(x) y^(j+1)/(j+1)! obey
 *   g_j = 2xy/(j+1) g_(j-1) - 2(j-1) y^2/((j+1) j) g_(j-2),
 * which never overflows, and i^(j+1) (-1)^j cycles i, 1, -i, -1. On the
 * real axis the result is exactly libm's / MPFR's erf(x); near it (a
 * complex step) the series is a few terms and fully accurate. erf is
 * entire, so it converges everywhere, but loses accuracy for |y| >> 1.
 * erfc(z) = erfc(x) minus the same correction.
 * ====================================================================== */

#define ERF_MAX_TERMS 400

/* The bracketed sum, as re + i im. */
static double complex erf_series(double x, double y)
{
    double gm2 = 0, gm1 = y, re = 0, im = y;
    for (int j = 1; j < ERF_MAX_TERMS; j++) {
        double g = 2 * x * y / (j + 1) * gm1
                   - 2.0 * (j - 1) * y * y / ((double)(j + 1) * j) * gm2;
        switch (j & 3) {
        case 0: im += g; break;
        case 1: re += g; break;
        case 2: im -= g; break;
        default: re -= g; break;
        }
        double scale = fabs(re) + fabs(im);
        if (fabs(g) <= 0x1p-60 * scale && fabs(gm1) <= 0x1p-60 * scale)
            break;
        gm2 = gm1;
        gm1 = g;
    }
    return re + I * im;
}

/* base (erf(x) or erfc(x)) + sign * 2/sqrt(pi) e^(-x^2) * series. */
static double complex erf_near(double complex z, double base, int sign)
{
    double x = creal(z), y = cimag(z);
    if (y == 0 || isnan(y))
        return y == 0 ? base : base + I * y;
    double c = M_2_SQRTPI * exp(-x * x);
    return base + sign * c * erf_series(x, y);
}

static double complex c_erf(const double complex *a)
{
    return erf_near(a[0], erf(creal(a[0])), 1);
}

static double complex c_erfc(const double complex *a)
{
    return erf_near(a[0], erfc(creal(a[0])), -1);
}

/* Has the series converged: the last two terms below 2^-w of the sum? */
static int erf_terms_done(mpfr_srcptr g, mpfr_srcptr gm1, mpfr_srcptr re,
                          mpfr_srcptr im, mpfr_prec_t w)
{
    if (!mpfr_number_p(g))
        return 1;
    mpfr_exp_t top = mpfr_get_exp(im);
    if (!mpfr_zero_p(re) && (mpfr_zero_p(im) || mpfr_get_exp(re) > top))
        top = mpfr_get_exp(re);
    return (mpfr_zero_p(g) || mpfr_get_exp(g) < top - (mpfr_exp_t)w)
           && (mpfr_zero_p(gm1) || mpfr_get_exp(gm1) < top - (mpfr_exp_t)w);
}

/* The same series in MPFR at t's precision w; adds sign * correction to t
 * (which holds erf(x) or erfc(x)). Terms below 2^-w of the sum end it. */
static void mpc_erf_series(mpc_ptr t, mpfr_srcptr x, mpfr_srcptr y, int sign)
{
    mpfr_prec_t w = mpc_get_prec(t);
    mpfr_t g, gm1, gm2, re, im, c, u;
    mpfr_inits2(w, g, gm1, gm2, re, im, c, u, (mpfr_ptr)0);
    mpfr_set_zero(gm2, 1);
    mpfr_set(gm1, y, MPFR_RNDN);
    mpfr_set_zero(re, 1);
    mpfr_set(im, y, MPFR_RNDN);
    for (long j = 1; j < 4 * (long)w + ERF_MAX_TERMS; j++) {
        mpfr_mul(c, x, y, MPFR_RNDN);             /* 2xy/(j+1) g_(j-1) */
        mpfr_mul(g, c, gm1, MPFR_RNDN);
        mpfr_mul_2ui(g, g, 1, MPFR_RNDN);
        mpfr_div_ui(g, g, (unsigned long)(j + 1), MPFR_RNDN);
        mpfr_sqr(u, y, MPFR_RNDN);                /* 2(j-1)y^2/((j+1)j) */
        mpfr_mul(u, u, gm2, MPFR_RNDN);
        mpfr_mul_ui(u, u, 2 * (unsigned long)(j - 1), MPFR_RNDN);
        mpfr_div_ui(u, u, (unsigned long)(j + 1), MPFR_RNDN);
        mpfr_div_ui(u, u, (unsigned long)j, MPFR_RNDN);
        mpfr_sub(g, g, u, MPFR_RNDN);
        mpfr_ptr dst = (j & 1) ? re : im;
        if ((j & 3) < 2)
            mpfr_add(dst, dst, g, MPFR_RNDN);
        else
            mpfr_sub(dst, dst, g, MPFR_RNDN);
        if (erf_terms_done(g, gm1, re, im, w))
            break;
        mpfr_swap(gm2, gm1);
        mpfr_swap(gm1, g);
    }
    mpfr_sqr(c, x, MPFR_RNDN);                    /* sign 2/sqrt(pi) e^-x^2 */
    mpfr_neg(c, c, MPFR_RNDN);
    mpfr_exp(c, c, MPFR_RNDN);
    mpfr_const_pi(u, MPFR_RNDN);
    mpfr_rec_sqrt(u, u, MPFR_RNDN);
    mpfr_mul(c, c, u, MPFR_RNDN);
    mpfr_mul_si(c, c, 2 * sign, MPFR_RNDN);
    mpfr_fma(mpc_realref(t), c, re, mpc_realref(t), MPFR_RNDN);
    mpfr_mul(mpc_imagref(t), c, im, MPFR_RNDN);
    mpfr_clears(g, gm1, gm2, re, im, c, u, (mpfr_ptr)0);
}

static int q_erf_any(mpc_ptr r, mpc_srcptr z, mpc_rnd_t rnd, int comp)
{
    mpfr_srcptr x = mpc_realref(z), y = mpc_imagref(z);
    mpc_t t;
    guard_init(t, r);
    if (comp)
        mpfr_erfc(mpc_realref(t), x, MPFR_RNDN);
    else
        mpfr_erf(mpc_realref(t), x, MPFR_RNDN);
    if (mpfr_zero_p(y) || !mpfr_number_p(y) || !mpfr_number_p(x))
        mpfr_set(mpc_imagref(t), y, MPFR_RNDN);
    else
        mpc_erf_series(t, x, y, comp ? -1 : 1);
    return guard_done(r, t, rnd);
}

static int q_erf(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    return q_erf_any(r, a[0], rnd, 0);
}

static int q_erfc(mpc_ptr r, mpc_srcptr const *a, mpc_rnd_t rnd)
{
    return q_erf_any(r, a[0], rnd, 1);
}

/* ======================================================================
 * The table
 * ====================================================================== */

enum {
    AN = NB_BF_ANALYTIC,
    KI = NB_BF_KINKED,
    IN = NB_BF_INTEGER,
    LO = NB_BF_LOWERS,
    VA = NB_BF_VARIADIC,
    POS = NB_BF_POSITIVE,
    NNEG = NB_BF_NONNEG,
    ODD = NB_BF_ODD,
    EVEN = NB_BF_EVEN
};

/* Analytic rows have all four evaluators; real-only rows no complex ones.
 * What follows the example are the row's other fields by name: .deriv,
 * .params, .latex, .c, .mathml, .exact. */
#define ROW_A(nm, lo, hi, fl, dom, help, ex, ...)                         \
    {#nm, lo, hi, (fl) | AN, d_##nm, m_##nm, c_##nm, q_##nm, dom, help, ex, \
     __VA_ARGS__}
#define ROW_R(nm, lo, hi, fl, dom, help, ex, ...)                         \
    {#nm, lo, hi, fl, d_##nm, m_##nm, NULL, NULL, dom, help, ex, __VA_ARGS__}
/* f(0) = v; f(at) = k*pi */
#define AT0(v) {0, 1, v, 1, 0}
#define PI_AT(an, ad, kn, kd) {an, ad, kn, kd, 1}

#define NOT_ODD_PI_2 "x != pi/2 + k*pi"
#define NOT_PI "x != k*pi"
#define NOT_POLE "x != 0, -1, -2, ..."
#define NB_STR_(v) #v
#define NB_STR(v) NB_STR_(v)
/* MathML brackets, UTF-8: U+230A, U+230B, U+2308, U+2309 */
#define LFLOOR "\xe2\x8c\x8a"
#define RFLOOR "\xe2\x8c\x8b"
#define LCEIL "\xe2\x8c\x88"
#define RCEIL "\xe2\x8c\x89"

/* ORDER NB_FN. Each example's output is exactly what nabla prints for it
 * at the default (double) precision; the oracle test checks each against an
 * independent correctly rounded value.
 *
 * Derivative forms are chosen so that repeated differentiation stays short:
 * tan' = 1 + tan^2, cot' = -1 - cot^2 and tanh' = 1 - tanh^2 are
 * polynomials in the function itself, so the n-th derivative is a
 * polynomial in one node rather than a growing tower of quotients.
 * sigmoid' = sigmoid(x) sigmoid(-x) is the same function as sigmoid (1 -
 * sigmoid) without its cancellation (at x = 40 the double 1 - sigmoid is 0,
 * sigmoid(-40) is 4.2e-18); the pair {sigmoid(x), sigmoid(-x)} is closed
 * under d/dx, so the n-th derivative is a homogeneous polynomial of degree
 * n+1 in two nodes. (1 - tanh^2 cancels for |x| > 19 in doubles: tanh'(20)
 * evaluates to 0, not 1.7e-17; the textbook form is kept for tanh.) gamma'
 * = gamma*digamma, lgamma' = digamma, digamma' = polygamma(1, x), d/dx
 * polygamma(n, x) = polygamma(n+1, x): n-th derivatives of all four stay
 * short; there is none in the order n. cbrt' = 1/3 cbrt(x)^(-2), not
 * x^(-2/3): real for negative x too. log_b' = 1/(x log b) keeps log(2)
 * exact. At a tie min/max give the whole derivative to the first argument
 * (d/da min(a,b) = 1 - heaviside(a-b), H(0) = 0): the partials always sum
 * to 1, so min(x, x) differentiates like x. */
const NbBuiltin nb_builtins[NB_FN__COUNT] = {
    [NB_FN_SIN] = ROW_A(sin, 1, 1, ODD, NULL,
        "sine of x (x in radians)", "sin(0) -> 0",
        .deriv = {"cos(x)"}, .latex = "\\sin", .exact = {AT0(0)}),
    [NB_FN_COS] = ROW_A(cos, 1, 1, EVEN, NULL,
        "cosine of x (x in radians)", "cos(0) -> 1",
        .deriv = {"-sin(x)"}, .latex = "\\cos", .exact = {AT0(1)}),
    [NB_FN_TAN] = ROW_A(tan, 1, 1, ODD, NOT_ODD_PI_2,
        "tangent of x (x in radians); tan' = 1 + tan^2", "tan(0) -> 0",
        .deriv = {"1 + tan(x)^2"}, .latex = "\\tan", .exact = {AT0(0)}),
    [NB_FN_SEC] = ROW_A(sec, 1, 1, EVEN, NOT_ODD_PI_2,
        "secant, 1/cos(x)", "sec(0) -> 1",
        .deriv = {"sec(x)*tan(x)"}, .latex = "\\sec", .c = "(1.0/cos($0))",
        .exact = {AT0(1)}),
    [NB_FN_CSC] = ROW_A(csc, 1, 1, ODD, NOT_PI,
        "cosecant, 1/sin(x)", "csc(1) -> 1.1883951057781212",
        .deriv = {"-(csc(x)*cot(x))"}, .latex = "\\csc",
        .c = "(1.0/sin($0))"),
    [NB_FN_COT] = ROW_A(cot, 1, 1, ODD, NOT_PI,
        "cotangent, cos(x)/sin(x); cot' = -1 - cot^2",
        "cot(0.5) -> 1.830487721712452",
        .deriv = {"-1 - cot(x)^2"}, .latex = "\\cot", .c = "(1.0/tan($0))"),
    [NB_FN_ASIN] = ROW_A(asin, 1, 1, ODD, "-1 <= x <= 1",
        "arcsine, in [-pi/2, pi/2]", "asin(1) -> 1.5707963267948966",
        .deriv = {"(1 - x^2)^(-1/2)"}, .latex = "\\arcsin",
        .exact = {AT0(0), PI_AT(1, 1, 1, 2), PI_AT(1, 2, 1, 6)}),
    [NB_FN_ACOS] = ROW_A(acos, 1, 1, 0, "-1 <= x <= 1",
        "arccosine, in [0, pi]", "acos(-1) -> 3.141592653589793",
        .deriv = {"-(1 - x^2)^(-1/2)"}, .latex = "\\arccos",
        .exact = {{1, 1, 0, 1, 0}, PI_AT(0, 1, 1, 2), PI_AT(-1, 1, 1, 1),
                  PI_AT(1, 2, 1, 3), PI_AT(-1, 2, 2, 3)}),
    [NB_FN_ATAN] = ROW_A(atan, 1, 1, ODD, NULL,
        "arctangent, in (-pi/2, pi/2)", "atan(1) -> 0.7853981633974483",
        .deriv = {"(1 + x^2)^(-1)"}, .latex = "\\arctan",
        .exact = {AT0(0), PI_AT(1, 1, 1, 4)}),
    [NB_FN_ATAN2] = ROW_A(atan2, 2, 2, 0, NULL,
        "atan2(y, x): angle of the point (x, y), in (-pi, pi]",
        "atan2(1, -1) -> 2.356194490192345",
        .params = "y, x", .deriv = {"x/(y^2 + x^2)", "-y/(y^2 + x^2)"}),
    [NB_FN_SINH] = ROW_A(sinh, 1, 1, ODD, NULL,
        "hyperbolic sine", "sinh(0) -> 0",
        .deriv = {"cosh(x)"}, .latex = "\\sinh", .exact = {AT0(0)}),
    [NB_FN_COSH] = ROW_A(cosh, 1, 1, POS | EVEN, NULL,
        "hyperbolic cosine", "cosh(0) -> 1",
        .deriv = {"sinh(x)"}, .latex = "\\cosh", .exact = {AT0(1)}),
    [NB_FN_TANH] = ROW_A(tanh, 1, 1, ODD, NULL,
        "hyperbolic tangent; tanh' = 1 - tanh^2",
        "tanh(1) -> 0.7615941559557649",
        .deriv = {"1 - tanh(x)^2"}, .latex = "\\tanh", .exact = {AT0(0)}),
    [NB_FN_ASINH] = ROW_A(asinh, 1, 1, ODD, NULL,
        "inverse hyperbolic sine", "asinh(1) -> 0.881373587019543",
        .deriv = {"(x^2 + 1)^(-1/2)"}, .exact = {AT0(0)}),
    [NB_FN_ACOSH] = ROW_A(acosh, 1, 1, 0, "x >= 1",
        "inverse hyperbolic cosine, >= 0", "acosh(1) -> 0",
        .deriv = {"(x^2 - 1)^(-1/2)"}, .exact = {{1, 1, 0, 1, 0}}),
    [NB_FN_ATANH] = ROW_A(atanh, 1, 1, ODD, "-1 < x < 1",
        "inverse hyperbolic tangent", "atanh(0.6) -> 0.6931471805599453",
        .deriv = {"(1 - x^2)^(-1)"}, .exact = {AT0(0)}),
    /* exp(0) = 1 and exp(1) = e are nb_exp's (simplify.c): exp is the
     * canonical form of e^x */
    [NB_FN_EXP] = ROW_A(exp, 1, 1, POS, NULL,
        "exponential, e^x", "exp(1) -> 2.718281828459045",
        .deriv = {"exp(x)"}, .latex = "e^{$0}",
        .mathml = "<msup><mi>e</mi><mrow>$0</mrow></msup>"),
    [NB_FN_LOG] = ROW_A(log, 1, 2, 0, "x > 0",
        "natural logarithm; log(x, b) is the logarithm to base b",
        "log(1) -> 0",
        .deriv = {"x^(-1)"}, .latex = "\\ln", .exact = {{1, 1, 0, 1, 0}}),
    [NB_FN_LN] = {"ln", 1, 1, LO | AN, d_log, m_log, c_log, q_log,
        "x > 0", "natural logarithm, the same as log(x)", "ln(1) -> 0"},
    [NB_FN_LOG2] = ROW_A(log2, 1, 1, 0, "x > 0",
        "base-2 logarithm", "log2(8) -> 3",
        .deriv = {"(x*log(2))^(-1)"}, .latex = "\\log_{2}"),
    [NB_FN_LOG10] = ROW_A(log10, 1, 1, 0, "x > 0",
        "base-10 logarithm", "log10(1000) -> 3",
        .deriv = {"(x*log(10))^(-1)"}, .latex = "\\log_{10}"),
    [NB_FN_SQRT] = {"sqrt", 1, 1, LO | AN, d_sqrt, m_sqrt, c_sqrt, q_sqrt,
        "x >= 0", "square root, the same as x^(1/2)", "sqrt(16) -> 4"},
    [NB_FN_CBRT] = ROW_A(cbrt, 1, 1, ODD, NULL,
        "real cube root (negative for negative x)", "cbrt(-27) -> -3",
        .deriv = {"1/3*cbrt(x)^(-2)"}, .latex = "\\sqrt[3]{$0}",
        .mathml = "<mroot><mrow>$0</mrow><mn>3</mn></mroot>",
        .exact = {AT0(0)}),
    [NB_FN_ABS] = ROW_R(abs, 1, 1, KI | NNEG, NULL,
        "absolute value; abs' = sign (0 at 0)", "abs(-2.5) -> 2.5",
        .deriv = {"sign(x)"}, .latex = "\\left|$0\\right|", .c = "fabs",
        .mathml = "<mrow><mo>|</mo>$0<mo>|</mo></mrow>"),
    [NB_FN_SIGN] = ROW_R(sign, 1, 1, KI | IN, NULL,
        "sign: -1, 0 or 1 (sign(0) = 0); sign' = 0",
        "sign(-2.5) -> -1",
        .deriv = {"0"}, .latex = "\\operatorname{sgn}",
        .c = "(($0) > 0 ? 1.0 : (($0) < 0 ? -1.0 : 0.0))"),
    [NB_FN_HEAVISIDE] = ROW_R(heaviside, 1, 1, KI | IN | NNEG, NULL,
        "unit step: 1 for x > 0, else 0 (heaviside(0) = 0)",
        "heaviside(0) -> 0",
        .deriv = {"0"}, .latex = "\\operatorname{H}",
        .c = "(($0) > 0 ? 1.0 : 0.0)"),
    [NB_FN_FLOOR] = ROW_R(floor, 1, 1, KI | IN, NULL,
        "largest integer <= x; floor' = 0", "floor(-2.5) -> -3",
        .deriv = {"0"}, .latex = "\\left\\lfloor $0 \\right\\rfloor",
        .mathml = "<mrow><mo>" LFLOOR "</mo>$0<mo>" RFLOOR "</mo></mrow>"),
    [NB_FN_CEIL] = ROW_R(ceil, 1, 1, KI | IN, NULL,
        "smallest integer >= x; ceil' = 0", "ceil(-2.5) -> -2",
        .deriv = {"0"}, .latex = "\\left\\lceil $0 \\right\\rceil",
        .mathml = "<mrow><mo>" LCEIL "</mo>$0<mo>" RCEIL "</mo></mrow>"),
    [NB_FN_MIN] = ROW_R(min, 2, 2, KI | VA, NULL,
        "smallest of its arguments (any number of them; of one vector, its "
        "smallest element); at a tie the derivative goes to the first",
        "min(3, -1) -> -1",
        .params = "a, b",
        .deriv = {"1 - heaviside(a - b)", "heaviside(a - b)"},
        .latex = "\\min", .c = "fmin"),
    [NB_FN_MAX] = ROW_R(max, 2, 2, KI | VA, NULL,
        "largest of its arguments (any number of them; of one vector, its "
        "largest element); at a tie the derivative goes to the first",
        "max(3, -1) -> 3",
        .params = "a, b",
        .deriv = {"1 - heaviside(b - a)", "heaviside(b - a)"},
        .latex = "\\max", .c = "fmax"),
    [NB_FN_HYPOT] = ROW_A(hypot, 2, 2, KI, NULL,
        "sqrt(x^2 + y^2) without overflow", "hypot(3, 4) -> 5",
        .deriv = {"x/hypot(x, y)", "y/hypot(x, y)"}),
    [NB_FN_POW] = {"pow", 2, 2, LO | AN, d_pow, m_pow, c_pow, q_pow,
        "a > 0; or a = 0 and b >= 0; or b an integer",
        "pow(a, b): a to the power b, the same as a^b",
        "pow(2, 10) -> 1024"},
    [NB_FN_ERF] = ROW_A(erf, 1, 1, ODD, NULL,
        "error function, 2/sqrt(pi) * integral of exp(-t^2) from 0 to x",
        "erf(0) -> 0",
        .deriv = {"2*pi^(-1/2)*exp(-x^2)"}, .exact = {AT0(0)}),
    [NB_FN_ERFC] = ROW_A(erfc, 1, 1, POS, NULL,
        "complementary error function, 1 - erf(x), accurate for large x",
        "erfc(0) -> 1",
        .deriv = {"-2*pi^(-1/2)*exp(-x^2)"}, .exact = {AT0(1)}),
    [NB_FN_GAMMA] = ROW_R(gamma, 1, 1, 0, NOT_POLE,
        "gamma function, gamma(n) = (n-1)!; gamma' = gamma*digamma",
        "gamma(5) -> 24",
        .deriv = {"gamma(x)*digamma(x)"}, .latex = "\\Gamma", .c = "tgamma"),
    [NB_FN_LGAMMA] = ROW_R(lgamma, 1, 1, 0, NOT_POLE,
        "log|gamma(x)|; lgamma' = digamma", "lgamma(1) -> 0",
        .deriv = {"digamma(x)"}, .exact = {{1, 1, 0, 1, 0}, {2, 1, 0, 1, 0}}),
    [NB_FN_SIGMOID] = ROW_A(sigmoid, 1, 1, POS, NULL,
        "logistic sigmoid 1/(1 + exp(-x)); sigmoid'(x) = sigmoid(x)*sigmoid(-x)",
        "sigmoid(1) -> 0.7310585786300049",
        .deriv = {"sigmoid(x)*sigmoid(-x)"}, .latex = "\\sigma",
        .c = "(1.0/(1.0 + exp($-0)))", .exact = {{0, 1, 1, 2, 0}}),
    [NB_FN_RELU] = ROW_R(relu, 1, 1, KI | NNEG, NULL,
        "rectified linear unit max(x, 0); relu' = heaviside",
        "relu(-3) -> 0",
        .deriv = {"heaviside(x)"}, .latex = "\\operatorname{ReLU}",
        .c = "(($0) > 0 ? ($0) : 0.0)"),
    [NB_FN_SOFTPLUS] = ROW_A(softplus, 1, 1, POS, NULL,
        "log(1 + exp(x)), a smooth relu; softplus' = sigmoid",
        "softplus(0) -> 0.6931471805599453",
        .deriv = {"sigmoid(x)"},
        .c = "(fmax($0, 0.0) + log1p(exp(-fabs($0))))"),
    [NB_FN_DIGAMMA] = ROW_R(digamma, 1, 1, 0, NOT_POLE,
        "digamma psi(x) = gamma'(x)/gamma(x); digamma' = polygamma(1, x)",
        "digamma(1) -> -0.5772156649015329",
        .deriv = {"polygamma(1, x)"}),
    [NB_FN_POLYGAMMA] = ROW_R(polygamma, 2, 2, 0,
        "n = 0, 1, ..., " NB_STR(NB_MAX_POLYGAMMA_ORDER) "; x != 0, -1, -2, "
        "...; for n > 0, x >= -" NB_STR(NB_MAX_POLYGAMMA_SHIFT) " and at "
        "most " NB_STR(NB_MAX_POLYGAMMA_BITS) " bits of precision",
        "polygamma(n, x): n-th derivative of digamma, polygamma(0, x) = "
        "digamma(x); d/dx gives polygamma(n+1, x)",
        "polygamma(1, 1) -> 1.6449340668482264",
        .params = "n, x", .deriv = {NULL, "polygamma(n + 1, x)"}),
};

long nb_builtin_max_prec(int fn, const char **limit_name)
{
    const char *unused;
    if (!limit_name)
        limit_name = &unused;
    switch (fn) {
    case NB_FN_GAMMA:
    case NB_FN_LGAMMA:
        *limit_name = "NB_MAX_PREC_GAMMA";
        return NB_MAX_PREC_GAMMA;
    case NB_FN_ERF:
    case NB_FN_ERFC:
        *limit_name = "NB_MAX_PREC_ERF";
        return NB_MAX_PREC_ERF;
    default:
        *limit_name = "NB_MAX_PRECISION";
        return NB_MAX_PRECISION;
    }
}

int nb_builtin_lookup(const char *name)
{
    for (int i = 0; i < NB_FN__COUNT; i++)
        if (strcmp(nb_builtins[i].name, name) == 0)
            return i;
    return -1;
}

/* ======================================================================
 * Constants
 * ====================================================================== */

/* ORDER NB_CONST first: pi and e are NbConstId values, inf and nan follow. */
const NbConstant nb_constants[] = {
    {"pi", "pi = 3.14159..., the ratio of a circle's circumference to its "
           "diameter"},
    {"e", "e = 2.71828..., the base of the natural logarithm"},
    {"inf", "positive infinity (a float)"},
    {"nan", "not a number (a float): the result of an undefined operation"},
    {NULL, NULL},
};

int nb_constant_lookup(const char *name)
{
    if (strcmp(name, "\xcf\x80") == 0) /* U+03C0, the Greek letter pi */
        return NB_CONST_PI;
    for (int i = 0; nb_constants[i].name; i++)
        if (strcmp(nb_constants[i].name, name) == 0)
            return i;
    return -1;
}

void nb_const_mpfr(NbConstId id, mpfr_ptr r, mpfr_rnd_t rnd)
{
    assert(id == NB_CONST_PI || id == NB_CONST_E);
    if (id == NB_CONST_PI) {
        mpfr_const_pi(r, rnd);
        return;
    }
    mpfr_t one; /* exp of the exact 1: correctly rounded e */
    mpfr_init2(one, 2);
    mpfr_set_ui(one, 1, MPFR_RNDN);
    mpfr_exp(r, one, rnd);
    mpfr_clear(one);
}

double nb_const_double(NbConstId id)
{
    assert(id == NB_CONST_PI || id == NB_CONST_E);
    return id == NB_CONST_PI ? M_PI : M_E;
}
