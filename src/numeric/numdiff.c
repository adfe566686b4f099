/* numdiff.c — finite differences, Ridders' extrapolation and the complex
 * step, in hardware double and in MPFR (contract: numdiff.h).
 *
 * Difference quotients are written as stencils: nodes x0 + off[j]*h' with
 * weights w[j], divided by den*h'. The step h' is h as given (the textbook
 * quotient, SPEC §4), or with step="exact" the one actually taken:
 * fl(x0 + k*h) - x0 over k (k the widest offset on the side the stencil
 * reaches), so the representation error of x0 + h never enters the
 * quotient (Ridders' tableau always works so). Every quotient also
 * returns its rounding "noise": the bound
 * sum |w[j]*f(node j)| * KAPPA * eps / (den*h') of what rounding in the
 * function values can do to it; Ridders carries that bound through the
 * extrapolation to keep its error estimate honest.
 */
#include "nabla/numdiff.h"
#include "nabla/eval.h"
#include "nabla/print.h"
#include "nabla/limits.h"
#include "util/alloc.h"

#include <assert.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* C11's CMPLX: glibc defines it for GCC only; clang (the fuzzing build)
 * has the same builtin. */
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif

/* A compiled function value carries a few roundings; KAPPA * eps bounds its
 * relative error on the functions nabla compiles (a handful of correctly
 * rounded operations and libm calls of at most ~1 ulp). */
#define KAPPA 2.0

/* ORDER NB_ND */
static const char *const method_names[NB_ND__COUNT] = {
    "forward", "backward", "central", "five-point", "richardson",
    "complex-step",
};
static const int method_orders[NB_ND__COUNT] = {1, 1, 2, 4, 0, 2};

const char *nb_nd_method_name(NbNdMethod m)
{
    return (unsigned)m < NB_ND__COUNT ? method_names[m] : "?";
}

int nb_nd_method_order(NbNdMethod m)
{
    return (unsigned)m < NB_ND__COUNT ? method_orders[m] : 0;
}

int nb_nd_method_lookup(const char *name)
{
    static const struct { const char *alias; NbNdMethod m; } aliases[] = {
        {"five_point", NB_ND_FIVE_POINT}, {"fivepoint", NB_ND_FIVE_POINT},
        {"complex_step", NB_ND_COMPLEX_STEP}, {"complex", NB_ND_COMPLEX_STEP},
        {"ridders", NB_ND_RICHARDSON},
    };
    if (!name)
        return -1;
    for (int m = 0; m < NB_ND__COUNT; m++)
        if (strcmp(name, method_names[m]) == 0)
            return m;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i].alias) == 0)
            return (int)aliases[i].m;
    return -1;
}

/* ---- stencils ------------------------------------------------------------ */

typedef struct Stencil {
    int n;          /* nodes */
    int k;          /* signed offset that fixes the step: fl(x0 + k*h) */
    int off[4];
    double w[4];
    double den;
} Stencil;

/* ORDER NB_ND (the first four) */
static const Stencil stencils[4] = {
    {2, 1, {1, 0}, {1, -1}, 1},
    {2, -1, {0, -1}, {1, -1}, 1},
    {2, 1, {1, -1}, {1, -1}, 2},
    {4, 2, {-2, -1, 1, 2}, {1, -8, 8, -1}, 12},
};

static const char *offset_text(int off)
{
    switch (off) {
    case -2: return "x0 - 2h";
    case -1: return "x0 - h";
    case 1: return "x0 + h";
    case 2: return "x0 + 2h";
    default: return "x0";
    }
}

static int not_finite_d(NbDiag *d, double x, int off)
{
    char *s = nb_format_double(x, 6);
    nb_diag_set(d, NB_ERR_DOMAIN, "the function is not finite at %s = %s%s",
                offset_text(off), s ? s : "?",
                off ? "; try a smaller h" : "");
    free(s);
    return -1;
}

static int not_finite_mpfr(NbDiag *d, mpfr_srcptr x, int off)
{
    char *s = nb_format_mpfr(x, 6);
    nb_diag_set(d, NB_ERR_DOMAIN, "the function is not finite at %s = %s%s",
                offset_text(off), s ? s : "?",
                off ? "; try a smaller h" : "");
    free(s);
    return -1;
}

static int too_small_step(NbDiag *d)
{
    nb_diag_set(d, NB_ERR_ARGS, "h is below the spacing of numbers at x0 "
                "(x0 + h == x0); use a larger h or a higher precision");
    return -1;
}

static int interrupted(NbDiag *d)
{
    nb_diag_set(d, NB_ERR_INTERRUPTED, "interrupted");
    return -1;
}

/* ---- double -------------------------------------------------------------- */

/* How a quotient treats its step: Q_GIVEN is the textbook formula as
 * written, nodes fl(x0 + j*h) and division by h (what nderiv, hstudy and
 * NumPy compute; the rounding of the nodes is part of the error a user of
 * that formula sees), refusing an h that vanishes against x0; Q_LOOSE the
 * same without the check (hstudy's rows show the 0 it gives); Q_EXACT the
 * step actually taken, fl(x0 + k*h) - x0 over k, which removes the
 * representation error of x0 + h (step="exact"; Ridders' tableau). */
enum { Q_LOOSE, Q_GIVEN, Q_EXACT };

/* Quotient of stencil s at x0 with step h, the step as `how` says. */
static int quotient_d(const NbNdFunc *f, double x0, double h,
                      const Stencil *s, int how, double *val,
                      double *noise, NbDiag *d)
{
    double hk = how == Q_EXACT ? ((x0 + s->k * h) - x0) / s->k : h;
    if (hk == 0 || !isfinite(hk) || (how == Q_GIVEN && x0 + s->k * h == x0))
        return too_small_step(d);
    double sum = 0, mag = 0;
    for (int j = 0; j < s->n; j++) {
        double x = x0 + s->off[j] * hk;
        double y = f->eval_d(f->ctx, x);
        if (!isfinite(y))
            return not_finite_d(d, x, s->off[j]);
        sum += s->w[j] * y;
        mag += fabs(s->w[j] * y);
    }
    *val = sum / (s->den * hk);
    if (noise)
        *noise = KAPPA * DBL_EPSILON * mag / (s->den * fabs(hk));
    return 0;
}

static int complex_step_d(const NbNdFunc *f, double x0, double h,
                          double *val, NbDiag *d)
{
    if (!f->eval_c)
        return nb_diag_set(d, NB_ERR_ARGS, "complex-step needs a function "
                           "with an analytic extension"), -1;
    int ex;
    frexp(h, &ex);
    h = ldexp(0.5, ex); /* a power of two: dividing by it is exact */
    double complex y = f->eval_c(f->ctx, CMPLX(x0, h));
    if (!isfinite(creal(y)) || !isfinite(cimag(y)))
        return not_finite_d(d, x0, 0);
    *val = cimag(y) / h;
    return 0;
}

/* Ridders-style extrapolation in double. For a base step h the tableau
 * takes central differences at h, 2h, ..., ARITH_M*h (an arithmetic
 * sequence: for the same order of truncation it keeps the smallest step
 * larger than a geometric one does, so rounding costs less) and extrapolates
 * them to h -> 0 by Neville's rule in t = h^2. Entry (j, k) uses steps
 * (k-j)h .. kh; its estimate is NR's (distance to its two parents, which
 * errs high where truncation dominates) plus the rounding bound carried
 * through the same weights, which covers the regime where NR's estimate is
 * too small because the parents agree by chance within the noise. Base
 * steps a/2, a/4, ..., a/2^ARITH_S (or the user's h alone) are tried and
 * the entry with the smallest estimate is kept. */
#define ARITH_M 12
#define ARITH_S 10
#define RID_SIGMAS 3.0 /* rounding noise counted at 3 sigma */
#define RID_SAFE 2.0 /* NR: stop when the diagonal grows this much */

typedef struct RidBest {
    double v, est;
} RidBest;

/* Neville in place over points 0..k: after point k, P[i] is the
 * extrapolation through points i..k and C[i][*] its weights on the
 * central differences D_0..D_k (to carry their rounding variance). */
static void neville_step(int k, double *P, double C[][ARITH_M],
                         const double *t, const double *var, double scale,
                         RidBest *best)
{
    for (int i = k - 1; i >= 0; i--) {
        double den = t[k] - t[i];
        double nv = (t[k] * P[i] - t[i] * P[i + 1]) / den;
        double nr = fmax(fabs(nv - P[i]), fabs(nv - P[i + 1]));
        double v2 = 0;
        for (int m = i; m <= k; m++) {
            double cm = m < k ? C[i][m] : 0;
            double cn = m > i ? C[i + 1][m] : 0;
            C[i][m] = (t[k] * cm - t[i] * cn) / den;
            v2 += C[i][m] * C[i][m] * var[m];
        }
        P[i] = nv;
        double e = nr + RID_SIGMAS * scale * sqrt(v2);
        if (e < best->est) {
            best->est = e;
            best->v = nv;
        }
    }
}

/* Rounding noise of f near x0, measured rather than assumed: a function
 * that cancels internally (log(1 + x^2) at small x) is far noisier than
 * eps*|f|. The 6th differences of f on 16 points delta apart vanish for a
 * smooth f (delta^6 f^(6) is far below rounding) and leave the noise, with
 * variance C(12,6) sigma^2 for independent errors (Moré & Wild,
 * "Estimating computational noise", SIAM J. Sci. Comput. 2011). delta is a
 * power of two above ulp(x0), so the points are exact. Returns sigma, or 0
 * when f is not finite there. */
static double noise_on(const NbNdFunc *f, double x0, double delta)
{
    enum { NPTS = 16, ORDER = 6, NDIFF = NPTS - ORDER };
    double y[NPTS], sum = 0;
    for (int j = 0; j < NPTS; j++) {
        y[j] = f->eval_d(f->ctx, x0 + (j - NPTS / 2) * delta);
        if (!isfinite(y[j]))
            return 0;
    }
    for (int order = 1; order <= ORDER; order++)
        for (int j = 0; j + order < NPTS; j++)
            y[j] = y[j + 1] - y[j];
    double big = 0;
    for (int j = 0; j < NDIFF; j++)
        big = fmax(big, fabs(y[j]));
    if (big == 0)
        return 0;
    for (int j = 0; j < NDIFF; j++) /* scaled: no square overflows */
        sum += (y[j] / big) * (y[j] / big);
    return big * sqrt(sum / (NDIFF * 924.0)); /* 924 = C(12, 6) */
}

/* The larger of the noise on the power-of-two lattice and on a spacing
 * with a full mantissa (the golden ratio's): on the lattice every
 * intermediate like x - 0.94 + 7 keeps its low bits from point to point,
 * so its rounding is the same at all 16 points and cancels in the
 * differences, while the steps Richardson takes meet it at random.
 * Measured on the lattice alone, erfc(7 - (x - 0.94)) looked 3x quieter
 * than it is, and its richardson estimate fell below the true error. The
 * second spacing rounds x itself, adding at most |f'| ulp(x0)/2: a bound
 * a little high rather than low. */
static double noise_sigma_d(const NbNdFunc *f, double x0)
{
    if (!isfinite(x0)) /* ilogb(NaN or inf) is INT_MIN or INT_MAX */
        return 0;
    double delta = x0 != 0 ? ldexp(1.0, ilogb(x0) - 20) : ldexp(1.0, -30);
    if (delta == 0) /* x0 subnormal: its ulp is the least double */
        delta = DBL_TRUE_MIN;
    return fmax(noise_on(f, x0, delta),
                noise_on(f, x0, delta * 0.6180339887498949));
}

static int ridders_arith_d(const NbNdFunc *f, double x0, double h,
                           double sigma, RidBest *best, NbDiag *d)
{
    double P[ARITH_M], t[ARITH_M], var[ARITH_M], C[ARITH_M][ARITH_M];
    double scale = 1;
    RidBest mine = {NAN, INFINITY};
    for (int k = 0; k < ARITH_M; k++) {
        if (nb_interrupted)
            return interrupted(d);
        double noise, last = P[0];
        if (quotient_d(f, x0, (k + 1) * h, &stencils[NB_ND_CENTRAL], Q_EXACT,
                       &P[k], &noise, d) < 0) {
            if (k == 0)
                return -1;
            nb_diag_clear(d);
            break;
        }
        double hk = ((x0 + (k + 1) * h) - x0);
        t[k] = (hk / h) * (hk / h); /* Neville is scale-free in t: <= 144 */
        /* Variance of D_k = (f+ - f-)/2h with sigma per value the model's
         * eps|f|/2 or the measured one, in units of the first difference's
         * noise (scale) so that no square overflows. */
        if (k == 0)
            scale = noise > 0 && isfinite(noise) ? noise : 1;
        double sm = noise / (KAPPA * scale), se = sigma / scale;
        var[k] = fmax(sm * sm / 4, 2 * se * se / (4 * hk * hk));
        memset(C[k], 0, sizeof C[k]);
        C[k][k] = 1;
        neville_step(k, P, C, t, var, scale, &mine);
        /* NR's stop: the full extrapolation moved by more than SAFE times
         * the best estimate so far, so wider steps only hurt (they have
         * left the function's radius of convergence). */
        if (k > 0 && fabs(P[0] - last) > RID_SAFE * mine.est)
            break;
    }
    *best = mine;
    return 0;
}

/* Base steps 1/2, 1/4, ... down to |x0|/2^ARITH_S when |x0| < 1:
 * functions with a singularity at 0 (log, 1/x, sqrt) need steps below |x0|,
 * the others do best with steps near 1. */
static int ridders_nbases_d(double x0)
{
    double a = fabs(x0);
    int e = a > 0 && a < 1 ? -ilogb(a) : 0;
    return e + ARITH_S < 60 ? e + ARITH_S : 60;
}

/* Each base step gives its best entry; the best of all is kept, and its
 * estimate is checked against the runner-up from another base: two answers
 * that disagree by more than their estimates allow mean one of them hit a
 * chance agreement, so the estimate grows to cover the disagreement. */
static int ridders_d(const NbNdFunc *f, double x0, double h, double *val,
                     double *est, NbDiag *d)
{
    RidBest b[60], first = {NAN, INFINITY}, second = {NAN, INFINITY};
    double a = 0.5, sigma = noise_sigma_d(f, x0);
    int n = h > 0 ? 1 : ridders_nbases_d(x0), got = 0, ok[60] = {0};
    for (int s = 0; s < n; s++, a /= 2) {
        NbDiag dd = NB_DIAG_INIT;
        b[s] = (RidBest){NAN, INFINITY};
        if (ridders_arith_d(f, x0, h > 0 ? h : a, sigma, &b[s], &dd) < 0) {
            if (dd.code == NB_ERR_INTERRUPTED || (s == n - 1 && !got)) {
                if (d)
                    *d = dd;
                else
                    nb_diag_clear(&dd);
                return -1;
            }
            nb_diag_clear(&dd);
            continue;
        }
        ok[s] = isfinite(b[s].v) && b[s].est < INFINITY;
        got = 1;
    }
    /* The smallest estimate wins unless most of the smaller base steps
     * disagree with it (their values lie outside the two estimates): a
     * base that aliases an oscillation (sin(100x) at 0.3: bases 1/2 ...
     * 1/16 agree on -0.0819 within 1e-14, the answer is 15.43) makes
     * differences that agree by chance and a tiny estimate for a wrong
     * value, which the steps that resolve the function contradict. Such a
     * base is passed over; the runner-up is the best of the others. */
    int rejected[60] = {0}, ib = -1, is = -1;
    for (;;) {
        int i = -1, agree = 0, disagree = 0;
        for (int k = 0; k < n; k++)
            if (ok[k] && !rejected[k] && (i < 0 || b[k].est < b[i].est))
                i = k;
        if (i < 0)
            break;
        for (int k = i + 1; k < n; k++) /* smaller base steps */
            if (ok[k]) {
                if (fabs(b[i].v - b[k].v) <= b[i].est + b[k].est)
                    agree++;
                else
                    disagree++;
            }
        if (disagree <= agree) {
            ib = i;
            break;
        }
        rejected[i] = 1;
    }
    if (ib < 0) { /* every base contradicted: back to the smallest estimate */
        memset(rejected, 0, sizeof rejected);
        for (int k = 0; k < n; k++)
            if (ok[k] && (ib < 0 || b[k].est < b[ib].est))
                ib = k;
    }
    for (int k = 0; k < n; k++)
        if (ok[k] && !rejected[k] && k != ib && (is < 0 || b[k].est < b[is].est))
            is = k;
    if (ib >= 0)
        first = b[ib];
    if (is >= 0)
        second = b[is];
    if (!isfinite(first.v) || !(first.est < INFINITY))
        return nb_diag_set(d, NB_ERR_DOMAIN, "richardson found no steps "
                           "around x0 where the function is finite and "
                           "smooth; try central with a small h"), -1;
    double e = first.est, gap = fabs(first.v - second.v);
    if (gap > first.est + second.est)
        e = fmax(e, gap + second.est);
    /* Rounding the answer itself costs half an ulp. */
    *val = first.v;
    *est = e + 0.5 * DBL_EPSILON * fabs(first.v);
    return 0;
}

static double default_h_d(NbNdMethod m)
{
    return m == NB_ND_COMPLEX_STEP ? 1e-20 : 1e-5;
}

int nb_nd_double(const NbNdFunc *f, double x0, double h, NbNdMethod m,
                 double *value, double *err, NbDiag *d)
{
    return nb_nd_double_step(f, x0, h, m, NB_ND_STEP_GIVEN, value, err, d);
}

int nb_nd_double_step(const NbNdFunc *f, double x0, double h, NbNdMethod m,
                      NbNdStep step, double *value, double *err, NbDiag *d)
{
    int how = step == NB_ND_STEP_EXACT ? Q_EXACT : Q_GIVEN;
    assert(f && f->eval_d && value);
    if (!isfinite(x0))
        return nb_diag_set(d, NB_ERR_DOMAIN, "x0 is not finite"), -1;
    if (!isfinite(f->eval_d(f->ctx, x0))) /* a pole: no quotient means much */
        return not_finite_d(d, x0, 0);
    if (m == NB_ND_RICHARDSON) {
        double e;
        if (ridders_d(f, x0, isfinite(h) ? h : 0, value, &e, d) < 0)
            return -1;
        if (err)
            *err = e;
        return 0;
    }
    if (!(h > 0) || !isfinite(h))
        h = default_h_d(m);
    double v, v2, noise = 0;
    if (m == NB_ND_COMPLEX_STEP) {
        if (complex_step_d(f, x0, h, &v, d) < 0)
            return -1;
        noise = KAPPA * DBL_EPSILON * fabs(v);
        if (err && complex_step_d(f, x0, 2 * h, &v2, d) < 0)
            return -1;
    } else {
        const Stencil *s = &stencils[m];
        if (quotient_d(f, x0, h, s, how, &v, &noise, d) < 0)
            return -1;
        if (err && quotient_d(f, x0, 2 * h, s, how, &v2, NULL, d) < 0)
            return -1;
    }
    *value = v;
    if (err)
        *err = fabs(v - v2) / (exp2(method_orders[m]) - 1) + noise;
    return 0;
}

/* Quotient for hstudy: the textbook formula with the step as asked (see
 * quotient_d). Not in the header: hstudy.c declares it. */
int nb_nd_quotient_loose_d(const NbNdFunc *f, double x0, double h,
                           NbNdMethod m, double *value, NbDiag *d);
int nb_nd_quotient_loose_d(const NbNdFunc *f, double x0, double h,
                           NbNdMethod m, double *value, NbDiag *d)
{
    if (m == NB_ND_RICHARDSON) {
        double e;
        return ridders_d(f, x0, h, value, &e, d);
    }
    if (m == NB_ND_COMPLEX_STEP)
        return complex_step_d(f, x0, h, value, d);
    return quotient_d(f, x0, h, &stencils[m], Q_LOOSE, value, NULL, d);
}

/* hstudy's sweep of a stencil method: nb_nd_quotient_loose_d at each of nh
 * steps, with every node of every step evaluated in one batch
 * (eval_many_d: block evaluation, the same bits), then each quotient formed
 * exactly as quotient_d forms it. ok[i] is 0 where the quotient fails (a
 * vanishing or non-finite step, a non-finite value at a node). Returns -1
 * for richardson and complex-step, which choose their own nodes. Not in
 * the header: hstudy.c declares it. */
int nb_nd_quotients_loose_d(const NbNdFunc *f, double x0, const double *h,
                            size_t nh, NbNdMethod m, double *value, int *ok);
int nb_nd_quotients_loose_d(const NbNdFunc *f, double x0, const double *h,
                            size_t nh, NbNdMethod m, double *value, int *ok)
{
    if (m == NB_ND_RICHARDSON || m == NB_ND_COMPLEX_STEP)
        return -1;
    const Stencil *s = &stencils[m];
    size_t nn = nh * (size_t)s->n;
    double *x = nb_xmalloc((nn ? nn : 1) * sizeof *x);
    double *y = nb_xmalloc((nn ? nn : 1) * sizeof *y);
    for (size_t i = 0; i < nh; i++)
        for (int j = 0; j < s->n; j++)
            x[i * s->n + j] = x0 + s->off[j] * h[i];
    if (f->eval_many_d)
        f->eval_many_d(f->ctx, nn, x, y);
    else
        for (size_t k = 0; k < nn; k++)
            y[k] = f->eval_d(f->ctx, x[k]);
    for (size_t i = 0; i < nh; i++) {
        double sum = 0;
        ok[i] = h[i] != 0 && isfinite(h[i]);
        for (int j = 0; j < s->n && ok[i]; j++) {
            ok[i] = isfinite(y[i * s->n + j]);
            sum += s->w[j] * y[i * s->n + j];
        }
        value[i] = ok[i] ? sum / (s->den * h[i]) : NAN;
    }
    free(x);
    free(y);
    return 0;
}

/* ---- MPFR ---------------------------------------------------------------- */

/* Error bounds live in small MPFR numbers: at high precision they go far
 * below the double range. */
#define EST_PREC 64

/* Is x a positive power of two? */
static int pow2_p(mpfr_srcptr x)
{
    return mpfr_sgn(x) > 0 && mpfr_cmp_ui_2exp(x, 1, mpfr_get_exp(x) - 1) == 0;
}

static int quotient_mpfr(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
                         const Stencil *s, int how, mpfr_ptr val,
                         mpfr_ptr noise, NbDiag *d)
{
    mpfr_prec_t p = mpfr_get_prec(val);
    mpfr_t hk, x, y, sum, mag, t;
    mpfr_inits2(p, hk, x, y, sum, t, (mpfr_ptr)0);
    mpfr_init2(mag, EST_PREC);
    int rc = 0, vanishes = 0;
    if (how != Q_LOOSE) { /* fl(x0 + k*h) - x0 */
        mpfr_mul_si(hk, h, s->k, MPFR_RNDN);
        mpfr_add(hk, x0, hk, MPFR_RNDN);
        mpfr_sub(hk, hk, x0, MPFR_RNDN);
        vanishes = mpfr_zero_p(hk);
        mpfr_div_si(hk, hk, s->k, MPFR_RNDN);
    }
    if (how != Q_EXACT)
        mpfr_set(hk, h, MPFR_RNDN);
    if (vanishes || mpfr_zero_p(hk) || !mpfr_number_p(hk)) {
        rc = too_small_step(d);
        goto out;
    }
    mpfr_set_zero(sum, 1);
    mpfr_set_zero(mag, 1);
    for (int j = 0; j < s->n && rc == 0; j++) {
        mpfr_mul_si(x, hk, s->off[j], MPFR_RNDN);
        mpfr_add(x, x0, x, MPFR_RNDN);
        f->eval_mpfr(f->ctx, y, x);
        if (!mpfr_number_p(y)) {
            rc = not_finite_mpfr(d, x, s->off[j]);
            break;
        }
        mpfr_mul_si(t, y, (long)s->w[j], MPFR_RNDN); /* small integers */
        mpfr_add(sum, sum, t, MPFR_RNDN);
        mpfr_abs(t, t, MPFR_RNDN);
        mpfr_add(mag, mag, t, MPFR_RNDU);
    }
    if (rc == 0) {
        mpfr_mul_si(hk, hk, (long)s->den, MPFR_RNDN);
        if (pow2_p(hk))  /* the usual step: a shift, not a division */
            mpfr_mul_2si(val, sum, 1 - mpfr_get_exp(hk), MPFR_RNDN);
        else
            mpfr_div(val, sum, hk, MPFR_RNDN);
        if (noise) {
            mpfr_div(noise, mag, hk, MPFR_RNDU);
            mpfr_abs(noise, noise, MPFR_RNDU);
            mpfr_mul_d(noise, noise, KAPPA, MPFR_RNDU);
            mpfr_mul_2si(noise, noise, 1 - (long)p, MPFR_RNDU);
        }
    }
out:
    mpfr_clears(hk, x, y, sum, t, mag, (mpfr_ptr)0);
    return rc;
}

static int complex_step_mpfr(const NbNdFunc *f, mpfr_srcptr x0,
                             mpfr_srcptr h, mpfr_ptr val, NbDiag *d)
{
    if (!f->eval_mpc)
        return nb_diag_set(d, NB_ERR_ARGS, "complex-step needs a function "
                           "with an analytic extension"), -1;
    mpfr_prec_t p = mpfr_get_prec(val);
    mpfr_prec_t px = mpfr_get_prec(x0) > p ? mpfr_get_prec(x0) : p;
    mpc_t z, y;
    mpc_init3(z, px, mpfr_get_prec(h) > p ? mpfr_get_prec(h) : p);
    mpc_init2(y, p);
    mpc_set_fr_fr(z, x0, h, MPC_RNDNN);
    f->eval_mpc(f->ctx, y, z);
    int rc = 0;
    if (!mpfr_number_p(mpc_realref(y)) || !mpfr_number_p(mpc_imagref(y)))
        rc = not_finite_mpfr(d, x0, 0);
    else
        mpfr_div(val, mpc_imagref(y), h, MPFR_RNDN);
    mpc_clear(z);
    mpc_clear(y);
    return rc;
}

/* ---- Ridders in MPFR ------------------------------------------------------
 * At working precision w the tableau runs until its estimate is below
 * 2^-(p+4)|value| (then rounding to p bits stays within 1 ulp), stopping
 * early as NR does when the diagonal starts to grow. When it fails, the
 * estimate says why: rounding noise dominates -> more bits; else the steps
 * are too wide for the function -> start smaller. */
#define RID_LEVELS_M 64
#define RID_ATTEMPTS 6
/* Noisy attempts after which a value still within its estimate of zero
 * is taken as the answer: f'(x0) is 0, or smaller than the 2^-w |f| that
 * three rises of w (to about 3.4p + 550 bits) resolve. Without it
 * -cos(lgamma(x)) at 1 (f' = 0 exactly) climbed to 3104 bits over all six
 * attempts: 0.56 s a call at 113 bits, 20 s for an hstudy of 34 rows. The
 * estimate is kept, so the answer stays honest: [v, e] with |v| <= e. */
#define RID_ZERO_RISES 3
/* Levels after which an estimate that has not fallen by a factor of 4
 * ends the tableau: where f is smooth at the steps taken each level gains
 * a factor of 4 or more (h^2), so a slower fall means the steps straddle
 * a singularity (log(x) at 1e-400 from a first step of 0.1: 2^-0.04 a
 * level, 64 levels in vain on each of six attempts) or sit on the noise;
 * the next attempt starts smaller or with more bits. */
#define RID_STALL_LEVELS 8

typedef struct Rid {
    mpfr_prec_t w;
    mpfr_t prev[RID_LEVELS_M], cur[RID_LEVELS_M];  /* at w */
    mpfr_t pn[RID_LEVELS_M], cn[RID_LEVELS_M];     /* noise, EST_PREC */
    mpfr_t best, bestv, bestnr, bestnoise, t, e, nr, h, q;
} Rid;

static void rid_init(Rid *r, mpfr_prec_t w)
{
    r->w = w;
    for (int i = 0; i < RID_LEVELS_M; i++) {
        mpfr_init2(r->prev[i], w);
        mpfr_init2(r->cur[i], w);
        mpfr_init2(r->pn[i], EST_PREC);
        mpfr_init2(r->cn[i], EST_PREC);
    }
    mpfr_inits2(EST_PREC, r->best, r->bestnr, r->bestnoise, r->e, r->nr,
                (mpfr_ptr)0);
    mpfr_inits2(w, r->bestv, r->t, r->h, (mpfr_ptr)0);
    mpfr_init2(r->q, 2 * RID_LEVELS_M + 2);
}

static void rid_clear(Rid *r)
{
    for (int i = 0; i < RID_LEVELS_M; i++) {
        mpfr_clear(r->prev[i]);
        mpfr_clear(r->cur[i]);
        mpfr_clear(r->pn[i]);
        mpfr_clear(r->cn[i]);
    }
    mpfr_clears(r->best, r->bestnr, r->bestnoise, r->e, r->nr, r->bestv,
                r->t, r->h, r->q, (mpfr_ptr)0);
}

static void rid_swap(Rid *r, int upto)
{
    for (int j = 0; j <= upto; j++) {
        mpfr_swap(r->prev[j], r->cur[j]);
        mpfr_swap(r->pn[j], r->cn[j]);
    }
}

/* Entry j of column i: Neville's rule, its NR estimate and noise. */
static void rid_entry(Rid *r, int j)
{
    mpfr_set_ui_2exp(r->q, 1, 2 * j, MPFR_RNDN);
    mpfr_sub_ui(r->q, r->q, 1, MPFR_RNDN);            /* 4^j - 1, exact */
    mpfr_mul_2si(r->t, r->cur[j - 1], 2 * j, MPFR_RNDN);
    mpfr_sub(r->t, r->t, r->prev[j - 1], MPFR_RNDN);
    mpfr_div(r->cur[j], r->t, r->q, MPFR_RNDN);
    mpfr_mul_2si(r->cn[j], r->cn[j - 1], 2 * j, MPFR_RNDU);
    mpfr_add(r->cn[j], r->cn[j], r->pn[j - 1], MPFR_RNDU);
    mpfr_div(r->cn[j], r->cn[j], r->q, MPFR_RNDU);
    mpfr_sub(r->t, r->cur[j], r->cur[j - 1], MPFR_RNDN);
    mpfr_abs(r->nr, r->t, MPFR_RNDU);
    mpfr_sub(r->t, r->cur[j], r->prev[j - 1], MPFR_RNDN);
    mpfr_abs(r->t, r->t, MPFR_RNDU);
    mpfr_max(r->nr, r->nr, r->t, MPFR_RNDU);
    mpfr_add(r->e, r->nr, r->cn[j], MPFR_RNDU);
    if (mpfr_lessequal_p(r->e, r->best)) {
        mpfr_set(r->best, r->e, MPFR_RNDU);
        mpfr_set(r->bestnr, r->nr, MPFR_RNDU);
        mpfr_set(r->bestnoise, r->cn[j], MPFR_RNDU);
        mpfr_set(r->bestv, r->cur[j], MPFR_RNDN);
    }
}

/* Is the best estimate within 2^-(p+4) of |bestv| (or absolutely tiny)? */
static int rid_done(Rid *r, mpfr_prec_t p)
{
    if (mpfr_inf_p(r->best))
        return 0;
    mpfr_abs(r->e, r->bestv, MPFR_RNDN);
    mpfr_mul_2si(r->e, r->e, -(long)p - 4, MPFR_RNDN);
    return mpfr_lessequal_p(r->best, r->e);
}

/* Is the best value within its estimate of zero (|bestv| <= best)? */
static int rid_within_zero(Rid *r)
{
    if (mpfr_inf_p(r->best))
        return 0;
    mpfr_abs(r->e, r->bestv, MPFR_RNDN);
    return mpfr_lessequal_p(r->e, r->best);
}

/* Keeps r's answer in value and err when its estimate is below kept's
 * (then kept becomes it). Returns whether it was at least 4 times below:
 * an attempt that gains less (a smaller first step that meets the same
 * singularity, more bits that meet the same truncation) ends the search,
 * since the next one would gain no more. */
static int rid_keep(Rid *r, mpfr_ptr kept, mpfr_prec_t p, mpfr_ptr value,
                    mpfr_ptr err)
{
    if (mpfr_inf_p(r->best)) { /* no estimate: the value, if no other */
        if (mpfr_inf_p(kept)) {
            mpfr_set(value, r->bestv, MPFR_RNDN);
            if (err)
                mpfr_set_inf(err, 1);
        }
        return 0;
    }
    if (!mpfr_less_p(r->best, kept))
        return 0;
    mpfr_mul_2ui(r->e, r->best, 2, MPFR_RNDU);
    int gained = mpfr_lessequal_p(r->e, kept);
    mpfr_set(kept, r->best, MPFR_RNDU);
    mpfr_set(value, r->bestv, MPFR_RNDN);
    if (err) { /* 2x as in double, plus the final rounding to p bits */
        mpfr_mul_2ui(err, r->best, 1, MPFR_RNDU);
        mpfr_abs(r->t, value, MPFR_RNDN);
        mpfr_mul_2si(r->t, r->t, -(long)p, MPFR_RNDU);
        mpfr_add(err, err, r->t, MPFR_RNDU);
    }
    return gained;
}

/* One tableau at r->w from h0. Returns 1 when the target was met, 0 when
 * not (best so far kept), -1 on error. */
static int rid_run(Rid *r, const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h0,
                   mpfr_prec_t p, NbDiag *d)
{
    long lb[RID_LEVELS_M];
    mpfr_set_inf(r->best, 1);
    mpfr_set_inf(r->bestnr, 1);
    mpfr_set(r->h, h0, MPFR_RNDN);
    for (int i = 0; i < RID_LEVELS_M; i++) {
        if (nb_interrupted)
            return interrupted(d);
        if (quotient_mpfr(f, x0, r->h, &stencils[NB_ND_CENTRAL], Q_EXACT,
                          r->cur[0], r->cn[0], d) < 0)
            return i == 0 ? -1 : (nb_diag_clear(d), 0);
        if (i == 0)
            mpfr_set(r->bestv, r->cur[0], MPFR_RNDN);
        for (int j = 1; j <= i; j++)
            rid_entry(r, j);
        if (rid_done(r, p))
            return 1;
        /* log2 of the estimate, far above any real one while there is none */
        lb[i] = mpfr_regular_p(r->best) ? mpfr_get_exp(r->best) : LONG_MAX / 2;
        if (i >= RID_STALL_LEVELS && lb[i] > lb[i - RID_STALL_LEVELS] - 2)
            return 0;
        if (i > 0) {
            mpfr_sub(r->t, r->cur[i], r->prev[i - 1], MPFR_RNDN);
            mpfr_abs(r->t, r->t, MPFR_RNDN);
            mpfr_div_d(r->t, r->t, RID_SAFE, MPFR_RNDN);
            if (mpfr_greaterequal_p(r->t, r->bestnr))
                return 0;
        }
        rid_swap(r, i);
        mpfr_div_2ui(r->h, r->h, 1, MPFR_RNDN);
    }
    return 0;
}

/* Bits lost to the first step: log2(1/h0), at least 0. */
static long step_bits(mpfr_srcptr h0)
{
    long e = mpfr_get_exp(h0);
    return e < 0 ? -e : 0;
}

/* log2 of the fast path's h */
static long fast_step_exp(mpfr_srcptr x0, mpfr_prec_t p)
{
    long ex = mpfr_zero_p(x0) || mpfr_get_exp(x0) > 1 ? 1 : mpfr_get_exp(x0);
    return ex - 1 - (long)((p + 6) / 2);
}

/* n temporaries, v[i] at prec[i] bits, in one block (MPFR's custom
 * interface): one allocation where mpfr_init2 makes n, and at 256 bits a
 * dozen of those cost as much as the arithmetic of a cheap function. The
 * block is buf when it fits in size bytes (no allocation at all), else
 * malloc'ed. Never mpfr_clear'ed: free the returned pointer (NULL when
 * buf was used). */
static void *temps(size_t n, mpfr_ptr const *v, const mpfr_prec_t *prec,
                   char *buf, size_t size)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += mpfr_custom_get_size(prec[i]);
    char *block = total <= size ? buf : nb_xmalloc(total), *q = block;
    for (size_t i = 0; i < n; i++) {
        mpfr_custom_init(q, prec[i]);
        mpfr_custom_init_set(v[i], MPFR_ZERO_KIND, 0, prec[i], q);
        q += mpfr_custom_get_size(prec[i]);
    }
    return block == buf ? NULL : block;
}

/* Extrapolate T(h) = t1 (noise n1), T(2h) = t2 (n2); 1 and value, err set
 * when the estimate meets the target. t1, t2, n1 are overwritten; e and
 * lim are scratch at EST_PREC. */
static int fast_accept(mpfr_prec_t p, mpfr_ptr t1, mpfr_ptr n1, mpfr_ptr t2,
                       mpfr_srcptr n2, mpfr_ptr e, mpfr_ptr lim,
                       mpfr_ptr value, mpfr_ptr err)
{
    mpfr_sub(t2, t1, t2, MPFR_RNDN);          /* T(h) - T(2h) */
    mpfr_div_ui(t2, t2, 3, MPFR_RNDN);
    mpfr_add(t1, t1, t2, MPFR_RNDN);          /* (4T(h) - T(2h))/3 */
    mpfr_abs(e, t2, MPFR_RNDU);
    /* the noise of (4T(h) - T(2h))/3, (4 n1 + n2)/3 <= 2 max(n1, n2) */
    mpfr_max(n1, n1, n2, MPFR_RNDU);
    mpfr_mul_2ui(n1, n1, 1, MPFR_RNDU);
    mpfr_add(e, e, n1, MPFR_RNDU);
    mpfr_abs(lim, t1, MPFR_RNDN);
    mpfr_mul_2si(lim, lim, -(long)p - 4, MPFR_RNDN);
    int ok = mpfr_number_p(t1) && mpfr_lessequal_p(e, lim);
    if (ok) {
        mpfr_set(value, t1, MPFR_RNDN);
        if (err) {
            mpfr_abs(lim, value, MPFR_RNDN);          /* final rounding */
            mpfr_mul_2si(lim, lim, -(long)p, MPFR_RNDU);
            mpfr_add(err, e, lim, MPFR_RNDU);
        }
    }
    return ok;
}

/* T(2^k) = (dplus - dminus) / 2^(k+1) from increments at w bits, and its
 * rounding noise as quotient_mpfr() bounds it, KAPPA eps (|d+| + |d-|) /
 * 2^k, from |df| instead of |f|: here rounded up to a power of two (|d|
 * < 2^EXP(d), so the sum is below 2^(max + 1)), which costs one MPFR call
 * where the sum cost five, and at most doubles a bound some 2^26 below
 * the estimate's target. */
static void delta_quotient(mpfr_ptr t, mpfr_ptr noise, mpfr_srcptr dplus,
                           mpfr_srcptr dminus, long k)
{
    mpfr_sub(t, dplus, dminus, MPFR_RNDN);
    mpfr_mul_2si(t, t, -k - 1, MPFR_RNDN);
    if (mpfr_zero_p(dplus) && mpfr_zero_p(dminus)) {
        mpfr_set_zero(noise, 1);
        return;
    }
    long ex = mpfr_zero_p(dplus)    ? mpfr_get_exp(dminus)
              : mpfr_zero_p(dminus) ? mpfr_get_exp(dplus)
              : mpfr_get_exp(dplus) > mpfr_get_exp(dminus)
                  ? mpfr_get_exp(dplus) : mpfr_get_exp(dminus);
    _Static_assert((int)KAPPA == 2, "KAPPA is 2 where it is a shift");
    mpfr_set_ui_2exp(noise, 1, ex + 1 + 1 - k - (long)mpfr_get_prec(t),
                     MPFR_RNDU);
}

enum { T1, T2, DF, N1 = DF + 4, N2, E, LIM, DX, NTEMPS = DX + 4 };

static int ridders_fast_delta(const NbNdFunc *f, mpfr_srcptr x0,
                              mpfr_ptr value, mpfr_ptr err)
{
    mpfr_prec_t p = mpfr_get_prec(value), w = p + 32, prec[NTEMPS];
    mpfr_t v[NTEMPS];
    mpfr_ptr t[NTEMPS];
    for (int i = 0; i < NTEMPS; i++) {
        t[i] = v[i];
        prec[i] = i < N1 ? w : i < DX ? EST_PREC : 2;
    }
    _Alignas(mp_limb_t) char stack[2048];
    void *block = temps(NTEMPS, t, prec, stack, sizeof stack);
    long k = fast_step_exp(x0, p);               /* h = 2^k */
    for (int i = 0; i < 4; i++)                  /* h, -h, 2h, -2h */
        mpfr_set_si_2exp(t[DX + i], i & 1 ? -1 : 1, k + i / 2, MPFR_RNDN);
    mpfr_srcptr dx[4] = {t[DX], t[DX + 1], t[DX + 2], t[DX + 3]};
    int ok = f->eval_delta_mpfr(f->ctx, NULL, t + DF, x0, dx, 4) == 0;
    if (ok) {
        delta_quotient(t[T1], t[N1], t[DF], t[DF + 1], k);
        delta_quotient(t[T2], t[N2], t[DF + 2], t[DF + 3], k + 1);
        ok = fast_accept(p, t[T1], t[N1], t[T2], t[N2], t[E], t[LIM], value,
                         err);
    }
    free(block);
    return ok;
}

/* The fast path when no h is given: one Richardson step on central
 * differences at h and 2h, with h = 2^(e-1) * 2^-((p+6)/2) (2^(e-1) <=
 * |x0| < 2^e below 1, else e = 1: a power of two, so that x0 +- h are
 * exact when x0 has at most p bits and the quotient divides by a shift):
 * the central difference at h is already near 2^-(p+6). Its estimate,
 * |T(h) - T(2h)|/3 (the error of T(h), which bounds that of the
 * extrapolated value once the h^2 term dominates) plus the rounding
 * bound, must come out below 2^-(p+4)|f'|; otherwise (steps too wide for
 * f, noise) the tableau below takes over.
 *
 * The four values come in one of two ways. By divided differences when f
 * offers them (eval_delta_mpfr): the increments f(x0 +- h) - f(x0) at
 * p + 32 bits, which do not cancel, and one evaluation of each built-in
 * function. Else as values at w = p + (p+6)/2 + 16 bits, so that rounding
 * stays near 2^-(p+10) after the cancellation: four evaluations. */
static int ridders_fast_mpfr(const NbNdFunc *f, mpfr_srcptr x0,
                             mpfr_ptr value, mpfr_ptr err)
{
    if (f->eval_delta_mpfr && ridders_fast_delta(f, x0, value, err))
        return 1;
    mpfr_prec_t p = mpfr_get_prec(value), w = p + (p + 6) / 2 + 16;
    mpfr_t h, t1, t2, n1, n2, e, lim;
    mpfr_inits2(w, h, t1, t2, (mpfr_ptr)0);
    mpfr_inits2(EST_PREC, n1, n2, e, lim, (mpfr_ptr)0);
    mpfr_set_ui_2exp(h, 1, fast_step_exp(x0, p), MPFR_RNDN);
    int ok = quotient_mpfr(f, x0, h, &stencils[NB_ND_CENTRAL], Q_EXACT, t1, n1,
                           NULL) == 0;
    mpfr_mul_2ui(h, h, 1, MPFR_RNDN);
    ok = ok && quotient_mpfr(f, x0, h, &stencils[NB_ND_CENTRAL], Q_EXACT, t2, n2,
                             NULL) == 0;
    ok = ok && fast_accept(p, t1, n1, t2, n2, e, lim, value, err);
    mpfr_clears(h, t1, t2, n1, n2, e, lim, (mpfr_ptr)0);
    return ok;
}

static int ridders_mpfr(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
                        mpfr_ptr value, mpfr_ptr err, NbDiag *d)
{
    mpfr_prec_t p = mpfr_get_prec(value);
    if (!(h && mpfr_sgn(h) > 0) && ridders_fast_mpfr(f, x0, value, err))
        return 0;
    mpfr_t h0;
    mpfr_init2(h0, 64);
    if (h && mpfr_sgn(h) > 0) {
        mpfr_set(h0, h, MPFR_RNDN);
    } else {
        mpfr_abs(h0, x0, MPFR_RNDN);
        if (mpfr_zero_p(h0) || mpfr_cmp_ui(h0, 1) >= 0)
            mpfr_set_ui(h0, 1, MPFR_RNDN);
        mpfr_div_2ui(h0, h0, 3, MPFR_RNDN);
    }
    mpfr_prec_t w = p + 40 + step_bits(h0) + RID_LEVELS_M / 2;
    mpfr_t kept; /* the smallest estimate of any attempt; +inf: none yet */
    mpfr_init2(kept, EST_PREC);
    mpfr_set_inf(kept, 1);
    int rc = -1, zero_rises = 0;
    for (int attempt = 0; attempt < RID_ATTEMPTS; attempt++) {
        Rid r;
        rid_init(&r, w);
        rc = rid_run(&r, f, x0, h0, p, d);
        /* Noise-dominated: more bits; else: smaller first step. */
        int noisy = mpfr_inf_p(r.best) ||
                    mpfr_greaterequal_p(r.bestnoise, r.bestnr);
        zero_rises = noisy && rid_within_zero(&r) ? zero_rises + 1 : 0;
        int gained = rid_keep(&r, kept, p, value, err);
        int last = rc != 0 || attempt == RID_ATTEMPTS - 1 ||
                   zero_rises > RID_ZERO_RISES ||
                   (attempt > 0 && !gained && !mpfr_inf_p(kept));
        rid_clear(&r);
        if (last)
            break;
        if (noisy) {
            w += w / 2 + 64;
        } else {
            mpfr_div_2ui(h0, h0, 4, MPFR_RNDN);
            w += 4 + RID_LEVELS_M / 4;
        }
        if (w > 64 * p + 4096) /* a function that will not converge */
            w = 64 * p + 4096;
    }
    mpfr_clear(kept);
    mpfr_clear(h0);
    if (rc > 0)
        rc = 0;
    return rc;
}

static void default_h_mpfr(NbNdMethod m, mpfr_ptr h, mpfr_prec_t p)
{
    if (m == NB_ND_COMPLEX_STEP) {
        mpfr_set_ui_2exp(h, 1, -(long)p - 8, MPFR_RNDN);
    } else {
        mpfr_set_ui(h, 1, MPFR_RNDN);
        mpfr_div_ui(h, h, 100000, MPFR_RNDN);
    }
}

/* One quotient of method m (not richardson) at precision of val. */
static int method_mpfr(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
                       NbNdMethod m, int how, mpfr_ptr val,
                       mpfr_ptr noise, NbDiag *d)
{
    if (m == NB_ND_COMPLEX_STEP) {
        if (complex_step_mpfr(f, x0, h, val, d) < 0)
            return -1;
        if (noise) {
            mpfr_abs(noise, val, MPFR_RNDU);
            mpfr_mul_d(noise, noise, KAPPA, MPFR_RNDU);
            mpfr_mul_2si(noise, noise, 1 - (long)mpfr_get_prec(val),
                         MPFR_RNDU);
        }
        return 0;
    }
    return quotient_mpfr(f, x0, h, &stencils[m], how, val, noise, d);
}

int nb_nd_mpfr(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
               NbNdMethod m, mpfr_ptr value, mpfr_ptr err, NbDiag *d)
{
    return nb_nd_mpfr_step(f, x0, h, m, NB_ND_STEP_GIVEN, value, err, d);
}

int nb_nd_mpfr_step(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
                    NbNdMethod m, NbNdStep step, mpfr_ptr value,
                    mpfr_ptr err, NbDiag *d)
{
    int how = step == NB_ND_STEP_EXACT ? Q_EXACT : Q_GIVEN;
    assert(f && f->eval_d && f->eval_mpfr && value);
    if (!mpfr_number_p(x0))
        return nb_diag_set(d, NB_ERR_DOMAIN, "x0 is not finite"), -1;
    mpfr_prec_t p = mpfr_get_prec(value);
    /* f must be finite at x0 (a diagnostic naming x0 beats one naming a
     * node). In MPFR that check costs as much as a node of the tableau
     * (richardson at 256 bits needs four), so double answers first and
     * MPFR only when double says not finite (an overflow, or x0 rounded
     * onto a pole in double). */
    double fd = f->eval_d(f->ctx, mpfr_get_d(x0, MPFR_RNDN));
    if (!isfinite(fd)) {
        f->eval_mpfr(f->ctx, value, x0);
        if (!mpfr_number_p(value))
            return not_finite_mpfr(d, x0, 0);
    }
    if (m == NB_ND_RICHARDSON)
        return ridders_mpfr(f, x0, h, value, err, d);
    mpfr_t hh, v2, h2, noise;
    mpfr_inits2(p, hh, v2, h2, (mpfr_ptr)0);
    mpfr_init2(noise, EST_PREC);
    if (h && mpfr_sgn(h) > 0)
        mpfr_set(hh, h, MPFR_RNDN);
    else
        default_h_mpfr(m, hh, p);
    int rc = method_mpfr(f, x0, hh, m, how, value, noise, d);
    if (rc == 0 && err) {
        mpfr_mul_2ui(h2, hh, 1, MPFR_RNDN);
        rc = method_mpfr(f, x0, h2, m, how, v2, NULL, d);
        if (rc == 0) {
            mpfr_sub(v2, value, v2, MPFR_RNDN);
            mpfr_abs(v2, v2, MPFR_RNDN);
            mpfr_div_ui(v2, v2, (1UL << method_orders[m]) - 1, MPFR_RNDU);
            mpfr_add(err, v2, noise, MPFR_RNDU);
        }
    }
    mpfr_clears(hh, v2, h2, noise, (mpfr_ptr)0);
    return rc;
}

/* For hstudy: one quotient at the precision of value, step as asked. */
int nb_nd_quotient_loose_mpfr(const NbNdFunc *f, mpfr_srcptr x0,
                              mpfr_srcptr h, NbNdMethod m, mpfr_ptr value,
                              NbDiag *d);
int nb_nd_quotient_loose_mpfr(const NbNdFunc *f, mpfr_srcptr x0,
                              mpfr_srcptr h, NbNdMethod m, mpfr_ptr value,
                              NbDiag *d)
{
    if (m == NB_ND_RICHARDSON)
        return ridders_mpfr(f, x0, h, value, NULL, d);
    return method_mpfr(f, x0, h, m, Q_LOOSE, value, NULL, d);
}

/* ---- compiled programs as NbNdFunc ---------------------------------------- */

#define PROG_VMS 4  /* precisions kept at once (hstudy uses three or four) */

struct NbNdProg {
    NbNdFunc fn;
    const NbProgram *p;
    size_t nvars, nouts, var;
    double *xd, *xbase, *outd, *scratch;  /* xbase: the point itself */
    double complex *xcd, *outcd;
    mpfr_t *xm, *outm;            /* point copies; outputs >= 1 (unused) */
    mpfr_srcptr *xmp;
    mpfr_ptr *outmp;
    mpc_t *xc, *outc;
    mpc_srcptr *xcp;
    mpc_ptr *outcp;
    NbMpfrVm *vm[PROG_VMS];
    NbMpcVm *cvm[PROG_VMS];
    mpfr_prec_t vmprec[PROG_VMS], cvmprec[PROG_VMS];
    unsigned vmnext, cvmnext;
    NbDivdiffVm *dvm;           /* the last one made; NULL: none yet */
    mpfr_prec_t dvmprec;
    size_t dvmnodes;
    int nodelta;              /* p has an opcode without an increment rule */
};

static NbMpfrVm *prog_vm(NbNdProg *pf, mpfr_prec_t prec)
{
    for (unsigned i = 0; i < PROG_VMS; i++)
        if (pf->vm[i] && pf->vmprec[i] == prec)
            return pf->vm[i];
    unsigned i = pf->vmnext++ % PROG_VMS;
    nb_mpfr_vm_free(pf->vm[i]);
    pf->vm[i] = nb_mpfr_vm_new(pf->p, prec);
    pf->vmprec[i] = prec;
    return pf->vm[i];
}

static NbMpcVm *prog_cvm(NbNdProg *pf, mpfr_prec_t prec)
{
    for (unsigned i = 0; i < PROG_VMS; i++)
        if (pf->cvm[i] && pf->cvmprec[i] == prec)
            return pf->cvm[i];
    unsigned i = pf->cvmnext++ % PROG_VMS;
    nb_mpc_vm_free(pf->cvm[i]);
    pf->cvm[i] = nb_mpc_vm_new(pf->p, prec);
    pf->cvmprec[i] = prec;
    return pf->cvm[i];
}

static double prog_eval_d(void *ctx, double x)
{
    NbNdProg *pf = ctx;
    pf->xd[pf->var] = x;
    nb_run_double(pf->p, pf->xd, pf->outd, pf->scratch);
    return pf->outd[0];
}

/* Many points at once: the block VM in its exact mode (eval_d's bits),
 * the other variables held at the point. */
static void prog_eval_many_d(void *ctx, size_t n, const double *x, double *y)
{
    NbNdProg *pf = ctx;
    size_t nv = pf->nvars, no = pf->nouts;
    const double **in = nb_xcalloc(nv, sizeof *in);
    double **out = nb_xcalloc(no, sizeof *out);
    double *held = nv > 1 ? nb_xcalloc(n * (nv - 1), sizeof *held) : NULL;
    double *spare = no > 1 ? nb_xcalloc(n * (no - 1), sizeof *spare) : NULL;
    for (size_t v = 0, k = 0; v < nv; v++) {
        if (v == pf->var) {
            in[v] = x;
            continue;
        }
        double *col = held + n * k++;
        for (size_t i = 0; i < n; i++)
            col[i] = pf->xd[v];
        in[v] = col;
    }
    out[0] = y;
    for (size_t o = 1; o < no; o++)
        out[o] = spare + n * (o - 1);
    nb_run_block_exact(pf->p, n, in, out);
    free(in);
    free(out);
    free(held);
    free(spare);
}

static void prog_eval_mpfr(void *ctx, mpfr_ptr r, mpfr_srcptr x)
{
    NbNdProg *pf = ctx;
    NbMpfrVm *vm = prog_vm(pf, mpfr_get_prec(r));
    if (!vm) {
        mpfr_set_nan(r);
        return;
    }
    pf->xmp[pf->var] = x;
    pf->outmp[0] = r;
    nb_run_mpfr(vm, pf->xmp, pf->outmp);
    pf->xmp[pf->var] = pf->xm[pf->var];
}

static double complex prog_eval_c(void *ctx, double complex z)
{
    NbNdProg *pf = ctx;
    for (size_t i = 0; i < pf->nvars; i++)
        pf->xcd[i] = pf->xbase[i];
    pf->xcd[pf->var] = z;
    nb_run_complex(pf->p, pf->xcd, pf->outcd);
    return pf->outcd[0];
}

static void prog_eval_mpc(void *ctx, mpc_ptr r, mpc_srcptr z)
{
    NbNdProg *pf = ctx;
    NbMpcVm *vm = prog_cvm(pf, mpc_get_prec(r));
    if (!vm) {
        mpc_set_nan(r);
        return;
    }
    pf->xcp[pf->var] = z;
    pf->outcp[0] = r;
    nb_run_mpc(vm, pf->xcp, pf->outcp);
    pf->xcp[pf->var] = pf->xc[pf->var];
}

static int prog_eval_delta_mpfr(void *ctx, mpfr_ptr f0, mpfr_ptr const *df,
                                mpfr_srcptr x, mpfr_srcptr const *dx,
                                size_t n)
{
    NbNdProg *pf = ctx;
    mpfr_prec_t prec = mpfr_get_prec(df[0]);
    if (pf->nodelta)
        return -1;
    if (!pf->dvm || pf->dvmprec != prec || pf->dvmnodes != n) {
        nb_divdiff_vm_free(pf->dvm);
        pf->dvm = nb_divdiff_vm_new(pf->p, prec, n);
        pf->dvmprec = prec;
        pf->dvmnodes = n;
        if (!pf->dvm) { /* no rule for an opcode, or prec out of range */
            pf->nodelta = prec >= NB_MIN_PRECISION
                          && prec <= NB_MAX_PRECISION;
            return -1;
        }
    }
    pf->xmp[pf->var] = x;
    int rc = nb_run_delta(pf->dvm, pf->xmp, pf->var, dx, f0, df);
    pf->xmp[pf->var] = pf->xm[pf->var];
    return rc;
}

static void prog_alloc(NbNdProg *pf)
{
    size_t nv = pf->nvars, no = pf->nouts;
    pf->xd = nb_xcalloc(nv, sizeof *pf->xd);
    pf->xbase = nb_xcalloc(nv, sizeof *pf->xbase);
    pf->outd = nb_xcalloc(no, sizeof *pf->outd);
    pf->scratch = nb_xcalloc(nb_program_scratch(pf->p), sizeof *pf->scratch);
    pf->xcd = nb_xcalloc(nv, sizeof *pf->xcd);
    pf->outcd = nb_xcalloc(no, sizeof *pf->outcd);
    pf->xm = nb_xcalloc(nv, sizeof *pf->xm);
    pf->xmp = nb_xcalloc(nv, sizeof *pf->xmp);
    pf->outm = nb_xcalloc(no, sizeof *pf->outm);
    pf->outmp = nb_xcalloc(no, sizeof *pf->outmp);
    pf->xc = nb_xcalloc(nv, sizeof *pf->xc);
    pf->xcp = nb_xcalloc(nv, sizeof *pf->xcp);
    pf->outc = nb_xcalloc(no, sizeof *pf->outc);
    pf->outcp = nb_xcalloc(no, sizeof *pf->outcp);
}

NbNdProg *nb_nd_prog_new(const NbProgram *p, const double *pointd,
                         mpfr_srcptr const *pointm)
{
    assert(p);
    NbNdProg *pf = nb_xcalloc(1, sizeof *pf);
    pf->p = p;
    pf->nvars = nb_program_nvars(p);
    pf->nouts = nb_program_nouts(p);
    prog_alloc(pf);
    for (size_t i = 0; i < pf->nvars; i++) {
        pf->xd[i] = pointd ? pointd[i] : pointm ? mpfr_get_d(pointm[i],
                                                    MPFR_RNDN) : 0;
        pf->xbase[i] = pf->xd[i];
        mpfr_init2(pf->xm[i], pointm ? mpfr_get_prec(pointm[i]) : 53);
        if (pointm)
            mpfr_set(pf->xm[i], pointm[i], MPFR_RNDN);
        else
            mpfr_set_d(pf->xm[i], pf->xd[i], MPFR_RNDN);
        pf->xmp[i] = pf->xm[i];
        mpc_init2(pf->xc[i], mpfr_get_prec(pf->xm[i]));
        mpc_set_fr(pf->xc[i], pf->xm[i], MPC_RNDNN);
        pf->xcp[i] = pf->xc[i];
    }
    for (size_t i = 0; i < pf->nouts; i++) {
        mpfr_init2(pf->outm[i], 64);
        pf->outmp[i] = pf->outm[i];
        mpc_init2(pf->outc[i], 64);
        pf->outcp[i] = pf->outc[i];
    }
    int analytic = nb_program_is_analytic(p);
    pf->fn = (NbNdFunc){pf, prog_eval_d, prog_eval_mpfr,
                        analytic ? prog_eval_c : NULL,
                        analytic ? prog_eval_mpc : NULL, prog_eval_many_d,
                        prog_eval_delta_mpfr};
    return pf;
}

void nb_nd_prog_free(NbNdProg *pf)
{
    if (!pf)
        return;
    for (unsigned i = 0; i < PROG_VMS; i++) {
        nb_mpfr_vm_free(pf->vm[i]);
        nb_mpc_vm_free(pf->cvm[i]);
    }
    nb_divdiff_vm_free(pf->dvm);
    for (size_t i = 0; i < pf->nvars; i++) {
        mpfr_clear(pf->xm[i]);
        mpc_clear(pf->xc[i]);
    }
    for (size_t i = 0; i < pf->nouts; i++) {
        mpfr_clear(pf->outm[i]);
        mpc_clear(pf->outc[i]);
    }
    free(pf->xd); free(pf->xbase); free(pf->outd); free(pf->scratch);
    free(pf->xcd); free(pf->outcd);
    free(pf->xm); free(pf->xmp); free(pf->outm); free(pf->outmp);
    free(pf->xc); free(pf->xcp); free(pf->outc); free(pf->outcp);
    free(pf);
}

/* The double evaluator leaves its variable at the last node; the others
 * must see the point again. */
void nb_nd_prog_set_var(NbNdProg *pf, size_t var)
{
    assert(var < pf->nvars);
    pf->xd[pf->var] = pf->xbase[pf->var];
    pf->var = var;
}

const NbNdFunc *nb_nd_prog_func(NbNdProg *pf)
{
    return &pf->fn;
}

/* ---- gradient check ------------------------------------------------------- */

int nb_gradcheck_point(const NbProgram *f, const NbProgram *g,
                       const double *point, double h, double tol,
                       double *claimed, double *numeric, double *rel,
                       int *ok, NbDiag *d)
{
    size_t n = nb_program_nvars(f);
    assert(nb_program_nouts(g) >= n && nb_program_nvars(g) == n);
    double *scratch = nb_xcalloc(nb_program_scratch(g), sizeof *scratch);
    nb_run_double(g, point, claimed, scratch);
    free(scratch);
    NbNdProg *pf = nb_nd_prog_new(f, point, NULL);
    const NbNdFunc *fn = nb_nd_prog_func(pf);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        nb_nd_prog_set_var(pf, i);
        double x = point[i];
        rc = nb_nd_double(fn, x, h, NB_ND_CENTRAL, &numeric[i], NULL, d);
        if (rc < 0)
            break;
        double hk = (x + h) - x;
        double fbig = fmax(fabs(fn->eval_d(fn->ctx, x)),
                           fmax(fabs(fn->eval_d(fn->ctx, x + hk)),
                                fabs(fn->eval_d(fn->ctx, x - hk))));
        double tau = DBL_EPSILON * fbig / hk + DBL_MIN;
        double a = claimed[i], num = numeric[i];
        double den = fmax(fmax(fabs(a), fabs(num)), tau);
        rel[i] = isfinite(a) ? fabs(a - num) / den : INFINITY;
        ok[i] = rel[i] <= tol;
        if (nb_interrupted)
            rc = interrupted(d);
    }
    nb_nd_prog_free(pf);
    return rc;
}
