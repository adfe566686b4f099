/* test_numdiff.c — finite differences, Ridders, complex step, hstudy and
 * gradcheck (numdiff.h).
 *
 * Expected values never come from nabla: derivatives are SymPy's, evaluated
 * by mpmath at 150 digits (tests/oracle/data/numdiff_gen.py ->
 * numdiff_ref.h), or closed forms. Part 1 runs the methods on the test
 * functions written directly in C (libm, C99 complex, MPFR, MPC), so the
 * algorithms are checked apart from the compiler; part 2 runs them on
 * compiled programs.
 */
#include "nabla/nabla.h"
#include "check.h"
#include "../oracle/data/numdiff_ref.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the test functions in C ---------------------------------------------- */

typedef enum CFn {
    C_SINEXP, C_EXP, C_LOG, C_RUNGE, C_ATAN, C_SQRT, C_CUBIC, C_TANH,
    C_SIGMOID, C_XLOGX, C_EXPSIN, C_LOG1PX2, C_COS2, C_RECIP, C_SQ, C__COUNT
} CFn;
static const char *const cfn_names[C__COUNT] = {
    "sinexp", "exp", "log", "runge", "atan", "sqrt", "cubic", "tanh",
    "sigmoid", "xlogx", "expsin", "log1px2", "cos2", "recip", "sq",
};

static int cfn_lookup(const char *name)
{
    for (int i = 0; i < C__COUNT; i++)
        if (strcmp(name, cfn_names[i]) == 0)
            return i;
    return -1;
}

static double cf_d(void *ctx, double x)
{
    switch (*(const int *)ctx) {
    case C_SINEXP: return sin(x) * exp(-x * x / 2);
    case C_EXP: return exp(x);
    case C_LOG: return log(x);
    case C_RUNGE: return 1 / (1 + x * x);
    case C_ATAN: return atan(x);
    case C_SQRT: return sqrt(x);
    case C_CUBIC: return x * x * x - 2 * x;
    case C_TANH: return tanh(x);
    case C_SIGMOID: return 1 / (1 + exp(-x));
    case C_XLOGX: return x * log(x);
    case C_EXPSIN: return exp(sin(x));
    case C_LOG1PX2: return log(1 + x * x);
    case C_COS2: return cos(x) * cos(x);
    case C_RECIP: return 1 / x;
    default: return x * x;
    }
}

static double complex cf_c(void *ctx, double complex z)
{
    switch (*(const int *)ctx) {
    case C_SINEXP: return csin(z) * cexp(-z * z / 2);
    case C_EXP: return cexp(z);
    case C_LOG: return clog(z);
    case C_RUNGE: return 1 / (1 + z * z);
    case C_ATAN: return catan(z);
    case C_SQRT: return csqrt(z);
    case C_CUBIC: return z * z * z - 2 * z;
    case C_TANH: return ctanh(z);
    case C_SIGMOID: return 1 / (1 + cexp(-z));
    case C_XLOGX: return z * clog(z);
    case C_EXPSIN: return cexp(csin(z));
    case C_LOG1PX2: return clog(1 + z * z);
    case C_COS2: return ccos(z) * ccos(z);
    case C_RECIP: return 1 / z;
    default: return z * z;
    }
}

/* MPFR: every operation at the result's precision, as a VM does. */
static void cf_mpfr(void *ctx, mpfr_ptr r, mpfr_srcptr x)
{
    mpfr_t t, u;
    mpfr_prec_t p = mpfr_get_prec(r);
    mpfr_inits2(p, t, u, (mpfr_ptr)0);
    switch (*(const int *)ctx) {
    case C_SINEXP:
        mpfr_sqr(t, x, MPFR_RNDN); mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        mpfr_neg(t, t, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);
        mpfr_sin(u, x, MPFR_RNDN); mpfr_mul(r, u, t, MPFR_RNDN); break;
    case C_EXP: mpfr_exp(r, x, MPFR_RNDN); break;
    case C_LOG: mpfr_log(r, x, MPFR_RNDN); break;
    case C_RUNGE:
        mpfr_sqr(t, x, MPFR_RNDN); mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_ui_div(r, 1, t, MPFR_RNDN); break;
    case C_ATAN: mpfr_atan(r, x, MPFR_RNDN); break;
    case C_SQRT: mpfr_sqrt(r, x, MPFR_RNDN); break;
    case C_CUBIC:
        mpfr_sqr(t, x, MPFR_RNDN); mpfr_mul(t, t, x, MPFR_RNDN);
        mpfr_mul_2ui(u, x, 1, MPFR_RNDN); mpfr_sub(r, t, u, MPFR_RNDN); break;
    case C_TANH: mpfr_tanh(r, x, MPFR_RNDN); break;
    case C_SIGMOID:
        mpfr_neg(t, x, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);
        mpfr_add_ui(t, t, 1, MPFR_RNDN); mpfr_ui_div(r, 1, t, MPFR_RNDN);
        break;
    case C_XLOGX: mpfr_log(t, x, MPFR_RNDN); mpfr_mul(r, x, t, MPFR_RNDN);
        break;
    case C_EXPSIN: mpfr_sin(t, x, MPFR_RNDN); mpfr_exp(r, t, MPFR_RNDN);
        break;
    case C_LOG1PX2:
        mpfr_sqr(t, x, MPFR_RNDN); mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_log(r, t, MPFR_RNDN); break;
    case C_COS2: mpfr_cos(t, x, MPFR_RNDN); mpfr_sqr(r, t, MPFR_RNDN); break;
    case C_RECIP: mpfr_ui_div(r, 1, x, MPFR_RNDN); break;
    default: mpfr_sqr(r, x, MPFR_RNDN); break;
    }
    mpfr_clears(t, u, (mpfr_ptr)0);
}

static void cf_mpc(void *ctx, mpc_ptr r, mpc_srcptr z)
{
    mpc_t t, u;
    mpfr_prec_t p = mpc_get_prec(r);
    mpc_init2(t, p);
    mpc_init2(u, p);
    switch (*(const int *)ctx) {
    case C_SINEXP:
        mpc_sqr(t, z, MPC_RNDNN); mpc_div_2ui(t, t, 1, MPC_RNDNN);
        mpc_neg(t, t, MPC_RNDNN); mpc_exp(t, t, MPC_RNDNN);
        mpc_sin(u, z, MPC_RNDNN); mpc_mul(r, u, t, MPC_RNDNN); break;
    case C_EXP: mpc_exp(r, z, MPC_RNDNN); break;
    case C_LOG: mpc_log(r, z, MPC_RNDNN); break;
    case C_RUNGE:
        mpc_sqr(t, z, MPC_RNDNN); mpc_add_ui(t, t, 1, MPC_RNDNN);
        mpc_ui_div(r, 1, t, MPC_RNDNN); break;
    case C_ATAN: mpc_atan(r, z, MPC_RNDNN); break;
    case C_SQRT: mpc_sqrt(r, z, MPC_RNDNN); break;
    case C_CUBIC:
        mpc_sqr(t, z, MPC_RNDNN); mpc_mul(t, t, z, MPC_RNDNN);
        mpc_mul_2ui(u, z, 1, MPC_RNDNN); mpc_sub(r, t, u, MPC_RNDNN); break;
    case C_TANH: mpc_tanh(r, z, MPC_RNDNN); break;
    case C_SIGMOID:
        mpc_neg(t, z, MPC_RNDNN); mpc_exp(t, t, MPC_RNDNN);
        mpc_add_ui(t, t, 1, MPC_RNDNN); mpc_ui_div(r, 1, t, MPC_RNDNN); break;
    case C_XLOGX: mpc_log(t, z, MPC_RNDNN); mpc_mul(r, z, t, MPC_RNDNN);
        break;
    case C_EXPSIN: mpc_sin(t, z, MPC_RNDNN); mpc_exp(r, t, MPC_RNDNN); break;
    case C_LOG1PX2:
        mpc_sqr(t, z, MPC_RNDNN); mpc_add_ui(t, t, 1, MPC_RNDNN);
        mpc_log(r, t, MPC_RNDNN); break;
    case C_COS2: mpc_cos(t, z, MPC_RNDNN); mpc_sqr(r, t, MPC_RNDNN); break;
    case C_RECIP: mpc_ui_div(r, 1, z, MPC_RNDNN); break;
    default: mpc_sqr(r, z, MPC_RNDNN); break;
    }
    mpc_clear(t);
    mpc_clear(u);
}

static NbNdFunc cfunc(const int *id)
{
    NbNdFunc f = {(void *)id, cf_d, cf_mpfr, cf_c, cf_mpc, NULL, NULL};
    return f;
}

/* Reference value of order k as a double / into r. */
static double ref_d(const NdRef *r, int k)
{
    return strtod(r->d[k], NULL);
}

static void ref_mpfr(const NdRef *r, int k, mpfr_ptr out)
{
    mpfr_set_str(out, r->d[k], 10, MPFR_RNDN);
}

#define NREFS (sizeof nd_refs / sizeof nd_refs[0])

/* Relative error of v against the reference. */
static double rel_err_d(double v, double ref)
{
    return fabs(v - ref) / fabs(ref);
}

/* Relative error of v against the exact derivative of order k (the
 * 150-digit reference, not its rounding to double). */
static double rel_err_exact(double v, const NdRef *r, int k)
{
    mpfr_t ref, t;
    mpfr_inits2(600, ref, t, (mpfr_ptr)0);
    ref_mpfr(r, k, ref);
    mpfr_sub_d(t, ref, v, MPFR_RNDN);
    mpfr_div(t, t, ref, MPFR_RNDN);
    double e = fabs(mpfr_get_d(t, MPFR_RNDN));
    mpfr_clears(ref, t, (mpfr_ptr)0);
    return e;
}

/* ---- part 1: methods on C functions -------------------------------------- */

static void test_names(void)
{
    for (int m = 0; m < NB_ND__COUNT; m++)
        CHECK(nb_nd_method_lookup(nb_nd_method_name((NbNdMethod)m)) == m,
              "method name %s round-trips", nb_nd_method_name((NbNdMethod)m));
    CHECK(nb_nd_method_lookup("five_point") == NB_ND_FIVE_POINT, "alias");
    CHECK(nb_nd_method_lookup("nope") == -1, "unknown method");
}

/* x^2 at 3 (the seed notebook): forward error is h (exactly, up to
 * rounding), central has no truncation error at all. */
static void test_square(void)
{
    int id = C_SQ;
    NbNdFunc f = cfunc(&id);
    for (int e = 1; e <= 7; e++) {
        double h = pow(10, -e), v, hk = (3 + h) - 3;
        CHECK(nb_nd_double(&f, 3, h, NB_ND_FORWARD, &v, NULL, NULL) == 0,
              "forward x^2");
        CHECK(fabs((v - 6) - hk) <= 1e-9 * hk + 8 * DBL_EPSILON * 9 / hk,
              "x^2 at 3: forward error %.3g == h %.0e", v - 6, h);
        CHECK(nb_nd_double(&f, 3, h, NB_ND_CENTRAL, &v, NULL, NULL) == 0,
              "central x^2");
        CHECK(fabs(v - 6) <= 4 * DBL_EPSILON * 9 / hk,
              "x^2 at 3: central error %.3g at round-off level (h %.0e)",
              v - 6, h);
    }
}

/* Forward, backward, central, five-point at fixed h within their
 * truncation + rounding bound, on the whole reference set. */
static void test_fixed_h(void)
{
    static const double hs[] = {1e-2, 1e-4, 1e-6};
    int bad = 0, n = 0;
    for (size_t i = 0; i < NREFS; i++) {
        int id = cfn_lookup(nd_refs[i].name);
        NbNdFunc f = cfunc(&id);
        double x0 = strtod(nd_refs[i].x0, NULL);
        double f0 = fabs(ref_d(&nd_refs[i], 0)), d1 = ref_d(&nd_refs[i], 1);
        double d2 = fabs(ref_d(&nd_refs[i], 2)), d3 = fabs(ref_d(&nd_refs[i], 3));
        double d5 = fabs(ref_d(&nd_refs[i], 5));
        for (size_t k = 0; k < 3; k++) {
            double h = hs[k], v, rnd = 8 * DBL_EPSILON * (f0 + fabs(d1)) / h;
            if (h > fabs(x0) / 4 && (id == C_LOG || id == C_SQRT ||
                                     id == C_RECIP || id == C_XLOGX))
                continue;
            /* Bounds with 2x slack on truncation: the next Taylor term. */
            double bound[4] = {d2 * h + rnd, d2 * h + rnd,
                               d3 * h * h / 3 + rnd, d5 * pow(h, 4) / 15 + 2 * rnd};
            for (int m = 0; m < 4; m++) {
                if (nb_nd_double(&f, x0, h, (NbNdMethod)m, &v, NULL, NULL) != 0
                    || !(fabs(v - d1) <= bound[m] + 1e-12 * pow(h, 2))) {
                    bad++;
                    printf("# %s at %s, %s h=%g: error %.3g > bound %.3g\n",
                           nd_refs[i].name, nd_refs[i].x0,
                           nb_nd_method_name((NbNdMethod)m), h,
                           fabs(v - d1), bound[m]);
                }
                n++;
            }
        }
    }
    CHECK(bad == 0, "fixed-h methods within truncation+rounding bound "
          "(%d of %d outside)", bad, n);
}

/* Complex step at h = 1e-20: relative error <= 2e-16 in double. */
static void test_complex_step_d(void)
{
    double worst = 0;
    const char *wname = "";
    for (size_t i = 0; i < NREFS; i++) {
        int id = cfn_lookup(nd_refs[i].name);
        NbNdFunc f = cfunc(&id);
        double x0 = strtod(nd_refs[i].x0, NULL), v, d1 = ref_d(&nd_refs[i], 1);
        if (nb_nd_double(&f, x0, 0, NB_ND_COMPLEX_STEP, &v, NULL, NULL) != 0)
            v = NAN;
        double r = rel_err_d(v, d1);
        if (!(r <= worst)) {
            worst = r;
            wname = nd_refs[i].name;
        }
    }
    /* 2e-16 is checked on compiled programs (part 2); C99's complex
     * division alone costs a few ulps on 1/(1 + exp(-z)). */
    CHECK(worst <= 4e-16, "complex-step in double on C functions: worst "
          "relative error %.3g (%s) <= 4e-16", worst, wname);
    int id = C_SINEXP;
    NbNdFunc f = cfunc(&id);
    f.eval_c = NULL;
    NbDiag d = NB_DIAG_INIT;
    double v;
    CHECK(nb_nd_double(&f, 0.5, 0, NB_ND_COMPLEX_STEP, &v, NULL, &d) == -1
          && d.code == NB_ERR_ARGS, "complex-step without analytic extension "
          "fails");
    nb_diag_clear(&d);
}

/* Ridders in double: <= 2e-14 relative without a user h, and an honest
 * estimate: never below the actual error, and within 100x of it, the
 * actual error floored at 2 ulp of f' (what evaluating f' itself in double
 * typically costs): an answer that came out exact by luck cannot be known
 * to be exact, and the estimate must not be judged against zero. */
static double ulp_d(double v)
{
    int e;
    frexp(v, &e);
    return ldexp(1.0, e - 53);
}

static void test_richardson_d(void)
{
    double worst = 0, worst_ratio = 0, worst_lucky = 0, min_ratio = INFINITY;
    double sumlog = 0;
    int under = 0, n = 0, lucky = 0;
    for (size_t i = 0; i < NREFS; i++) {
        int id = cfn_lookup(nd_refs[i].name);
        NbNdFunc f = cfunc(&id);
        double x0 = strtod(nd_refs[i].x0, NULL), v, e;
        double d1 = ref_d(&nd_refs[i], 1);
        if (nb_nd_double(&f, x0, 0, NB_ND_RICHARDSON, &v, &e, NULL) != 0) {
            CHECK(0, "richardson failed on %s", nd_refs[i].name);
            continue;
        }
        double act = fabs(v - d1), r = act / fabs(d1), ulp = ulp_d(d1);
        worst = fmax(worst, r);
        if (getenv("ND_VERBOSE"))
            printf("# rich %s at %s: rel %.3g est/err %.3g\n", nd_refs[i].name,
                   nd_refs[i].x0, r, e / act);
        if (e < act) {
            under++;
            printf("# richardson %s at %s: estimate %.3g below error %.3g\n",
                   nd_refs[i].name, nd_refs[i].x0, e, act);
        }
        min_ratio = fmin(min_ratio, e / act);
        sumlog += log10(e / fmax(act, 2 * ulp));
        n++;
        worst_ratio = fmax(worst_ratio, e / fmax(act, 2 * ulp));
        if (act < 2 * ulp) {
            lucky++;
            worst_lucky = fmax(worst_lucky, e / ulp);
        }
    }
    printf("# richardson double: %d cases, worst rel error %.3g, estimate/"
           "error min %.3g, max %.3g, geometric mean %.3g (%d within 2 ulp, "
           "their estimates <= %.3g ulp)\n", n, worst, min_ratio, worst_ratio,
           pow(10, sumlog / n), lucky, worst_lucky);
    CHECK(worst <= 2e-14, "richardson double: worst relative error %.3g "
          "<= 2e-14", worst);
    CHECK(under == 0, "richardson double: estimate never below the error "
          "(%d under)", under);
    CHECK(worst_ratio <= 100, "richardson double: estimate within 100x of "
          "the error (worst %.3g)", worst_ratio);
}

/* Ridders in MPFR at p bits: within 1 ulp of the exact derivative, with an
 * estimate that is never below the error. */
static void test_richardson_mpfr(void)
{
    static const mpfr_prec_t precs[] = {53, 113, 256};
    for (size_t k = 0; k < 3; k++) {
        mpfr_prec_t p = precs[k];
        int bad = 0, under = 0;
        double worst_ulps = 0;
        mpfr_t x0, v, e, ref, t;
        mpfr_inits2(p, x0, v, (mpfr_ptr)0);
        mpfr_inits2(64, e, t, (mpfr_ptr)0);
        mpfr_init2(ref, 600);
        for (size_t i = 0; i < NREFS; i++) {
            int id = cfn_lookup(nd_refs[i].name);
            NbNdFunc f = cfunc(&id);
            mpfr_set_str(x0, nd_refs[i].x0, 10, MPFR_RNDN);
            ref_mpfr(&nd_refs[i], 1, ref);
            if (nb_nd_mpfr(&f, x0, NULL, NB_ND_RICHARDSON, v, e, NULL) != 0) {
                bad++;
                continue;
            }
            /* error in ulps of the reference at p bits */
            mpfr_sub(t, v, ref, MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            int under1 = mpfr_less_p(e, t);
            long ex = mpfr_get_exp(ref);
            mpfr_mul_2si(t, t, p - ex, MPFR_RNDN);
            double ulps = mpfr_get_d(t, MPFR_RNDN);
            if (ulps > worst_ulps)
                worst_ulps = ulps;
            if (ulps > 1) {
                bad++;
                printf("# richardson %ld bits %s at %s: %.3g ulp\n", (long)p,
                       nd_refs[i].name, nd_refs[i].x0, ulps);
            }
            under += under1;
        }
        CHECK(bad == 0, "richardson at %ld bits within 1 ulp on %zu cases "
              "(worst %.3g ulp)", (long)p, NREFS, worst_ulps);
        CHECK(under == 0, "richardson at %ld bits: estimate never below the "
              "error (%d under)", (long)p, under);
        mpfr_clears(x0, v, e, ref, t, (mpfr_ptr)0);
    }
}

/* Complex step in MPC at p bits with the default h = 2^-(p+8). */
static void test_complex_step_mpfr(void)
{
    static const mpfr_prec_t precs[] = {113, 256};
    for (size_t k = 0; k < 2; k++) {
        mpfr_prec_t p = precs[k];
        double worst = 0;
        mpfr_t x0, v, ref, t;
        mpfr_inits2(p, x0, v, (mpfr_ptr)0);
        mpfr_init2(t, 64);
        mpfr_init2(ref, 600);
        for (size_t i = 0; i < NREFS; i++) {
            int id = cfn_lookup(nd_refs[i].name);
            NbNdFunc f = cfunc(&id);
            mpfr_set_str(x0, nd_refs[i].x0, 10, MPFR_RNDN);
            ref_mpfr(&nd_refs[i], 1, ref);
            if (nb_nd_mpfr(&f, x0, NULL, NB_ND_COMPLEX_STEP, v, NULL, NULL)) {
                worst = INFINITY;
                continue;
            }
            mpfr_sub(t, v, ref, MPFR_RNDN);
            mpfr_div(t, t, ref, MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            mpfr_mul_2si(t, t, p, MPFR_RNDN);
            worst = fmax(worst, mpfr_get_d(t, MPFR_RNDN));
        }
        CHECK(worst <= 8, "complex-step at %ld bits: worst relative error "
              "%.3g * 2^-p <= 8 * 2^-p", (long)p, worst);
        mpfr_clears(x0, v, ref, t, (mpfr_ptr)0);
    }
}

/* The error paths: a non-finite node names where, a vanishing step. */
static void test_errors(void)
{
    int id = C_LOG;
    NbNdFunc f = cfunc(&id);
    NbDiag d = NB_DIAG_INIT;
    double v;
    CHECK(nb_nd_double(&f, 0.001, 0.01, NB_ND_CENTRAL, &v, NULL, &d) == -1 &&
          d.code == NB_ERR_DOMAIN && strstr(d.msg, "x0 - h"),
          "log at 0.001 with h 0.01: %s", d.msg ? d.msg : "(none)");
    nb_diag_clear(&d);
    CHECK(nb_nd_double(&f, 3, 1e-20, NB_ND_FORWARD, &v, NULL, &d) == -1 &&
          d.code == NB_ERR_ARGS, "h below the spacing at x0: %s",
          d.msg ? d.msg : "(none)");
    nb_diag_clear(&d);
    /* Richardson near a singularity shrinks its steps and still succeeds. */
    double e;
    CHECK(nb_nd_double(&f, 0.001, 0, NB_ND_RICHARDSON, &v, &e, &d) == 0 &&
          fabs(v - 1000) <= 1e-9 * 1000 && e >= fabs(v - 1000),
          "richardson log at 0.001: %.17g (est %.3g)", v, e);
    nb_diag_clear(&d);
}


/* ---- part 2: compiled programs ------------------------------------------- */

typedef struct Compiled {
    NbProgram *p;
    NbNdProg *pf;
} Compiled;

/* Compile text (a function of x) and wrap it at point x0 (MPFR point at
 * bits, or the double point when bits is 0). */
static int compiled(NbStore *st, const char *text, const char *x0, long bits,
                    Compiled *c)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    const NbExpr *x = nb_sym(st, "x");
    NbDiag d = NB_DIAG_INIT;
    c->p = e ? nb_compile(st, 1, &e, 1, &x, &d) : NULL;
    nb_diag_clear(&d);
    if (!c->p)
        return -1;
    mpfr_t xm;
    mpfr_init2(xm, bits ? bits : 53);
    mpfr_set_str(xm, x0, 10, MPFR_RNDN);
    double xd = mpfr_get_d(xm, MPFR_RNDN);
    mpfr_srcptr pm[1] = {xm};
    c->pf = nb_nd_prog_new(c->p, &xd, bits ? pm : NULL);
    mpfr_clear(xm);
    return 0;
}

static void compiled_free(Compiled *c)
{
    nb_nd_prog_free(c->pf);
    nb_program_free(c->p);
}

/* Richardson at p bits on the compiled reference case i (by divided
 * differences: every function of the set has increment rules): 1 if
 * within 1 ulp, with an estimate not below the error. */
static int program_ulp_ok(NbStore *st, size_t i, long bits)
{
    Compiled c;
    if (compiled(st, nd_refs[i].nabla, nd_refs[i].x0, bits, &c))
        return 0;
    mpfr_t x0m, vm, ref, t, e;
    mpfr_inits2(bits, x0m, vm, (mpfr_ptr)0);
    mpfr_init2(ref, 600);
    mpfr_inits2(64, t, e, (mpfr_ptr)0);
    mpfr_set_str(x0m, nd_refs[i].x0, 10, MPFR_RNDN);
    ref_mpfr(&nd_refs[i], 1, ref);
    int ok = nb_nd_mpfr(nb_nd_prog_func(c.pf), x0m, NULL, NB_ND_RICHARDSON,
                        vm, e, NULL) == 0;
    if (ok) {
        mpfr_sub(t, vm, ref, MPFR_RNDN);
        mpfr_abs(t, t, MPFR_RNDN);
        int honest = mpfr_lessequal_p(t, e);
        mpfr_mul_2si(t, t, bits - mpfr_get_exp(ref), MPFR_RNDN);
        ok = mpfr_cmp_ui(t, 1) <= 0 && honest;
        if (!ok)
            mpfr_printf("# %s at %s, %ld bits: %.3g ulp, estimate %.3Rg\n",
                        nd_refs[i].nabla, nd_refs[i].x0, bits,
                        mpfr_get_d(t, MPFR_RNDN), e);
    }
    mpfr_clears(x0m, vm, ref, t, e, (mpfr_ptr)0);
    compiled_free(&c);
    return ok;
}

/* A compiled function seen through a counter of its MPFR evaluations. */
typedef struct Counted {
    const NbNdFunc *f;
    int values, deltas;
} Counted;

static double counted_d(void *ctx, double x)
{
    Counted *c = ctx;
    return c->f->eval_d(c->f->ctx, x);
}

static void counted_mpfr(void *ctx, mpfr_ptr r, mpfr_srcptr x)
{
    Counted *c = ctx;
    c->values++;
    c->f->eval_mpfr(c->f->ctx, r, x);
}

static int counted_delta(void *ctx, mpfr_ptr f0, mpfr_ptr const *df,
                         mpfr_srcptr x, mpfr_srcptr const *dx, size_t n)
{
    Counted *c = ctx;
    c->deltas++;
    return c->f->eval_delta_mpfr(c->f->ctx, f0, df, x, dx, n);
}

/* Ridders in MPFR on a compiled function answers from one run of
 * divided differences, and from values alone (the same answer) when the
 * function offers none or the run is refused. */
static void test_richardson_delta(void)
{
    NbStore *st = nb_store_new();
    static const char *const texts[] = {"sin(x)*exp(-x^2/2)", "abs(x)"};
    static const char *const at[] = {"0.5", "0"};
    for (int t = 0; t < 2; t++) {
        Compiled c;
        if (compiled(st, texts[t], "0.5", 256, &c)) {
            CHECK(0, "compile %s", texts[t]);
            continue;
        }
        const NbNdFunc *f = nb_nd_prog_func(c.pf);
        Counted cnt = {f, 0, 0}, plain = {f, 0, 0};
        NbNdFunc wf = {&cnt, counted_d, counted_mpfr, NULL, NULL, NULL,
                       counted_delta};
        NbNdFunc wp = {&plain, counted_d, counted_mpfr, NULL, NULL, NULL,
                       NULL};
        mpfr_t x0, v1, v2;
        mpfr_inits2(256, x0, v1, v2, (mpfr_ptr)0);
        mpfr_set_str(x0, at[t], 10, MPFR_RNDN);
        int r1 = nb_nd_mpfr(&wf, x0, NULL, NB_ND_RICHARDSON, v1, NULL, NULL);
        int r2 = nb_nd_mpfr(&wp, x0, NULL, NB_ND_RICHARDSON, v2, NULL, NULL);
        if (t == 0)
            CHECK(r1 == 0 && cnt.deltas == 1 && cnt.values == 0,
                  "richardson at 256 bits on %s: one divided-difference run, "
                  "no value (%d, %d)", texts[t], cnt.deltas, cnt.values);
        else /* abs at 0: the nodes straddle the kink; values take over */
            CHECK(cnt.deltas == 1 && cnt.values > 0,
                  "richardson on %s at 0: the delta run is refused, values "
                  "take over (%d values)", texts[t], cnt.values);
        if (t == 0) { /* both within 1 ulp: at most 1 ulp apart */
            mpfr_sub(v2, v1, v2, MPFR_RNDN);
            mpfr_mul_2si(v2, v2, 256 - mpfr_get_exp(v1), MPFR_RNDN);
            CHECK(r2 == 0 && mpfr_cmpabs_ui(v2, 1) <= 0, "values and "
                  "divided differences agree within 1 ulp");
        } else {
            CHECK(r1 == r2 && (r1 != 0 || mpfr_equal_p(v1, v2)),
                  "%s at 0: the same answer as from values alone", texts[t]);
        }
        mpfr_clears(x0, v1, v2, (mpfr_ptr)0);
        compiled_free(&c);
    }
    nb_store_free(st);
}

/* The bars on nabla's own compiled code: complex step <= 2e-16,
 * richardson <= 2e-14 with an honest estimate in double, richardson within
 * 1 ulp at 53, 113 and 256 bits. */
static void test_programs(void)
{
    NbStore *st = nb_store_new();
    double worst_cs = 0, worst_r = 0, worst_ratio = 0, ulps_cs = 0;
    int under = 0, n = 0, ulp_bad = 0, over_cs = 0;
    const char *wcs = "";
    for (size_t i = 0; i < NREFS; i++) {
        Compiled c;
        if (compiled(st, nd_refs[i].nabla, nd_refs[i].x0, 0, &c)) {
            CHECK(0, "compile %s", nd_refs[i].nabla);
            continue;
        }
        const NbNdFunc *f = nb_nd_prog_func(c.pf);
        double x0 = strtod(nd_refs[i].x0, NULL), d1 = ref_d(&nd_refs[i], 1);
        double v, e;
        if (nb_nd_double(f, x0, 0, NB_ND_COMPLEX_STEP, &v, NULL, NULL) == 0) {
            double rel = rel_err_exact(v, &nd_refs[i], 1);
            if (rel > worst_cs)
                wcs = nd_refs[i].nabla;
            worst_cs = fmax(worst_cs, rel);
            over_cs += rel > (long_double_is_extended() ? 2e-16 : 5e-16);
            ulps_cs = fmax(ulps_cs, fabs(v - d1) / ulp_d(d1));
        } else {
            over_cs++;
        }
        if (nb_nd_double(f, x0, 0, NB_ND_RICHARDSON, &v, &e, NULL) == 0) {
            double act = fabs(v - d1);
            worst_r = fmax(worst_r, act / fabs(d1));
            under += e < act;
            worst_ratio = fmax(worst_ratio, e / fmax(act, 2 * ulp_d(d1)));
            n++;
        }
        compiled_free(&c);
        static const long precs[] = {53, 113, 256};
        for (int k = 0; k < 3; k++)
            ulp_bad += !program_ulp_ok(st, i, precs[k]);
    }
    /* The bar is 2e-16 relative to the exact derivative, on every case
     * (the VM works in long double and rounds once: see vm_complex.c).
     * valgrind runs long double arithmetic in double, which leaves 2 ulp:
     * there the bar is the double VM's own. */
    double cs_bar = long_double_is_extended() ? 2e-16 : 5e-16;
    printf("# compiled complex-step: worst %.3g relative (%s), %.3g ulp; "
           "%d of %zu over %.0e\n", worst_cs, wcs, ulps_cs, over_cs, NREFS,
           cs_bar);
    CHECK(over_cs == 0 && worst_cs <= cs_bar, "compiled complex-step at "
          "h = 1e-20 within %.0e of the exact derivative on all %zu cases "
          "(worst %.3g, %.3g ulp)", cs_bar, NREFS, worst_cs, ulps_cs);
    CHECK(worst_r <= 2e-14 && under == 0 && worst_ratio <= 100,
          "compiled richardson on %d cases: worst %.3g <= 2e-14, %d "
          "estimates under, estimate/error <= %.3g", n, worst_r, under,
          worst_ratio);
    CHECK(ulp_bad == 0, "compiled richardson within 1 ulp at 53, 113, 256 "
          "bits, estimate never below the error: %d cases off", ulp_bad);
    nb_store_free(st);
}

/* Gradient of x^2*y + sin(y) at (1, 2) = (2xy, x^2 + cos y) = (4, 1 +
 * cos 2), one partial at a time; the other variable must stay put. */
static void test_gradient(void)
{
    NbStore *st = nb_store_new();
    const NbExpr *e = nb_expr_parse(st, "x^2*y + sin(y)", NULL);
    const NbExpr *vars[2] = {nb_sym(st, "x"), nb_sym(st, "y")};
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &e, 2, vars, &d);
    double pt[2] = {1, 2}, want[2] = {4, 1 + cos(2.0)}, v[2] = {0, 0};
    NbNdProg *pf = nb_nd_prog_new(p, pt, NULL);
    for (int i = 0; i < 2; i++) {
        nb_nd_prog_set_var(pf, (size_t)i);
        nb_nd_double(nb_nd_prog_func(pf), pt[i], 0, NB_ND_RICHARDSON, &v[i],
                     NULL, NULL);
    }
    CHECK(fabs(v[0] - want[0]) <= 1e-14 * 4 && fabs(v[1] - want[1]) <= 1e-14,
          "gradient (%.17g, %.17g)", v[0], v[1]);
    nb_nd_prog_set_var(pf, 0); /* y must be 2 again for the second pass */
    nb_nd_double(nb_nd_prog_func(pf), 1, 1e-3, NB_ND_CENTRAL, &v[0], NULL,
                 NULL);
    CHECK(fabs(v[0] - 4) < 1e-9, "partial x after partial y: %.17g", v[0]);
    nb_nd_prog_free(pf);
    nb_program_free(p);
    nb_store_free(st);
}

/* gradcheck at one point: the notebook's sigmoid and tanh pass, a wrong
 * derivative fails, and the near-zero guard neither fails a true zero
 * derivative nor passes a false one. */
static int gc(NbStore *st, const char *f, const char *g, double x,
              double *rel)
{
    const NbExpr *fe = nb_expr_parse(st, f, NULL), *ge = nb_expr_parse(st, g, NULL);
    const NbExpr *xv = nb_sym(st, "x");
    NbDiag d = NB_DIAG_INIT;
    NbProgram *pf = nb_compile(st, 1, &fe, 1, &xv, &d);
    NbProgram *pg = nb_compile(st, 1, &ge, 1, &xv, &d);
    double cl, nu;
    int ok = 0;
    *rel = NAN;
    if (pf && pg)
        nb_gradcheck_point(pf, pg, &x, 1e-5, 1e-6, &cl, &nu, rel, &ok, &d);
    nb_diag_clear(&d);
    nb_program_free(pf);
    nb_program_free(pg);
    return ok;
}

static void test_gradcheck(void)
{
    NbStore *st = nb_store_new();
    int pass = 1, fail = 1;
    double rel;
    for (int x = -2; x <= 2; x++) {
        pass &= gc(st, "1/(1+exp(-x))", "1/(1+exp(-x))*(1-1/(1+exp(-x)))", x,
                   &rel);
        pass &= gc(st, "tanh(x)", "1-tanh(x)^2", x, &rel);
        fail &= !gc(st, "1/(1+exp(-x))", "1/(1+exp(-x))*(1+1/(1+exp(-x)))", x,
                    &rel);
    }
    CHECK(pass, "sigmoid and tanh pass at -2..2 with h=1e-5, tol=1e-6");
    CHECK(fail, "a wrong sigmoid derivative fails at every point");
    CHECK(gc(st, "x^2", "0", 0, &rel) && rel == 0, "zero derivative: pass");
    CHECK(gc(st, "1000000 + x^2", "0", 0, &rel),
          "zero derivative under rounding noise: pass (rel %.3g)", rel);
    CHECK(!gc(st, "x^2", "1/1000", 0, &rel), "0.001 claimed for 0: fail "
          "(rel %.3g)", rel);
    nb_store_free(st);
}

/* hstudy on the seed examples. Predicted optima recomputed here from the
 * reference derivatives (closed forms of the model, numdiff.h). */
static const NbHstudySeries *series(const NbHstudy *hs, long prec,
                                    NbNdMethod m)
{
    for (size_t i = 0; i < hs->nseries; i++)
        if (hs->series[i].prec == prec && hs->series[i].method == m)
            return &hs->series[i];
    return NULL;
}

static int within_decade(double a, double b)
{
    return fabs(log10(a / b)) <= 1.0 + 1e-9;
}

/* Every series with a model: h* within a decade of the observed best h,
 * observed best error no worse than 10x the predicted one. */
static int model_misses(const NbHstudy *hs)
{
    int bad = 0;
    for (size_t i = 0; i < hs->nseries; i++) {
        const NbHstudySeries *s = &hs->series[i];
        if (!isfinite(s->predicted_h) || s->method == NB_ND_COMPLEX_STEP)
            continue;
        if (!within_decade(s->best_h, s->predicted_h) ||
            s->best_error > 10 * s->predicted_error) {
            bad++;
            printf("# %ld %s: best h %.3g err %.3g, predicted %.3g err %.3g\n",
                   s->prec, nb_nd_method_name(s->method), s->best_h,
                   s->best_error, s->predicted_h, s->predicted_error);
        }
    }
    return bad;
}

static void test_hstudy_sinexp(void)
{
    NbStore *st = nb_store_new();
    const NbExpr *f = nb_expr_parse(st, "sin(x)*exp(-x^2/2)", NULL);
    NbHstudyOpts o;
    nb_hstudy_opts_default(&o);
    NbHstudy hs;
    NbDiag d = NB_DIAG_INIT;
    int rc = nb_hstudy_run(st, f, nb_sym(st, "x"), nb_num_frac(st, 1, 2), &o,
                           &hs, &d);
    CHECK(rc == 0 && hs.nseries == 18, "full study: %zu series", hs.nseries);
    const NdRef *r = &nd_refs[0]; /* sinexp at 0.5 */
    double f0 = ref_d(r, 0), f2 = fabs(ref_d(r, 2)), f3 = fabs(ref_d(r, 3));
    double eps = ldexp(1, -52);
    const NbHstudySeries *c = series(&hs, NB_PREC_DOUBLE, NB_ND_CENTRAL);
    const NbHstudySeries *fw = series(&hs, NB_PREC_DOUBLE, NB_ND_FORWARD);
    CHECK(c && c->best_h >= 1e-6 && c->best_h <= 1e-5,
          "double central best h %.3g in 1e-6..1e-5", c ? c->best_h : NAN);
    CHECK(fw && fw->best_h >= 1e-9 && fw->best_h <= 1e-7,
          "double forward best h %.3g near 1e-8", fw ? fw->best_h : NAN);
    CHECK(c && fw && fabs(c->predicted_h / cbrt(3 * eps * f0 / f3) - 1) < 1e-6
          && fabs(fw->predicted_h / (2 * sqrt(eps * f0 / f2)) - 1) < 1e-6,
          "predicted h*: central %.3g, forward %.3g", c ? c->predicted_h : 0,
          fw ? fw->predicted_h : 0);
    CHECK(model_misses(&hs) == 0, "every series: predicted h* within a "
          "decade of the best h, best error within 10x of the predicted");
    const NbHstudySeries *c256 = series(&hs, 256, NB_ND_CENTRAL);
    const NbHstudySeries *f256 = series(&hs, 256, NB_ND_FORWARD);
    CHECK(c256 && within_decade(c256->best_h, ldexp(1, -256 / 3)),
          "256 bits central optimum %.3g near 2^(-256/3)",
          c256 ? c256->best_h : 0);
    CHECK(f256 && within_decade(f256->best_h, ldexp(1, -128)),
          "256 bits forward optimum %.3g near 2^-128", f256 ? f256->best_h : 0);
    const NbHstudySeries *r256 = series(&hs, 256, NB_ND_RICHARDSON);
    CHECK(r256 && r256->nrows == 77, "256 bits sweeps 1e-1..1e-77: %zu rows",
          r256 ? r256->nrows : 0);
    nb_hstudy_free(&hs);
    nb_diag_clear(&d);
    nb_store_free(st);
}

/* x^2 at 3: forward error is h for h >= 1e-7; central at round-off level
 * and the model says it does not apply. */
static void test_hstudy_square(void)
{
    NbStore *st = nb_store_new();
    NbHstudyOpts o;
    nb_hstudy_opts_default(&o);
    o.nprecs = 1;
    o.precs[0] = NB_PREC_DOUBLE;
    o.methods = 1u << NB_ND_FORWARD | 1u << NB_ND_CENTRAL;
    NbHstudy hs;
    NbDiag d = NB_DIAG_INIT;
    nb_hstudy_run(st, nb_expr_parse(st, "x^2", NULL), nb_sym(st, "x"),
                  nb_num_si(st, 3), &o, &hs, &d);
    const NbHstudySeries *fw = series(&hs, NB_PREC_DOUBLE, NB_ND_FORWARD);
    const NbHstudySeries *c = series(&hs, NB_PREC_DOUBLE, NB_ND_CENTRAL);
    int ok = fw && c;
    for (size_t i = 0; ok && i < fw->nrows; i++) {
        double h = fw->rows[i].h;
        if (h >= 1e-7)
            ok &= fabs(fw->rows[i].abs_error - h) <= 0.15 * h;
        if (h >= 1e-15)
            ok &= c->rows[i].abs_error <= 4 * DBL_EPSILON * 9 / h;
    }
    CHECK(ok, "x^2 at 3: forward error ~ h for h >= 1e-7, central at "
          "round-off level");
    CHECK(c && !isfinite(c->predicted_h) && c->note &&
          strstr(c->note, "f'''(x0) = 0"), "central model does not apply: %s",
          c && c->note ? c->note : "(no note)");
    nb_hstudy_free(&hs);
    nb_diag_clear(&d);
    nb_store_free(st);
}

/* hstudy's double sweeps (numdiff.c, not in the header). */
int nb_nd_quotient_loose_d(const NbNdFunc *f, double x0, double h,
                           NbNdMethod m, double *value, NbDiag *d);
int nb_nd_quotients_loose_d(const NbNdFunc *f, double x0, const double *h,
                            size_t nh, NbNdMethod m, double *value, int *ok);

/* One sweep batched (block evaluation) against the quotients one by one:
 * the same bits and the same failures. Returns the rows that differ. */
static int sweep_differs(const NbNdFunc *f, double x0, NbNdMethod m)
{
    enum { NH = 70 };
    double h[NH], v[NH];
    int ok[NH], bad = 0;
    for (int i = 0; i < NH; i++)
        h[i] = i == NH - 1 ? 0 : pow(10, -i / 4.0);   /* and a zero step */
    if (nb_nd_quotients_loose_d(f, x0, h, NH, m, v, ok) != 0)
        return NH;
    for (int i = 0; i < NH; i++) {
        double one = 0;
        int rc = nb_nd_quotient_loose_d(f, x0, h[i], m, &one, NULL);
        bad += (rc == 0) != (ok[i] != 0) ||
               (rc == 0 && memcmp(&one, &v[i], sizeof one) != 0);
    }
    return bad;
}

static void test_sweeps(void)
{
    NbStore *st = nb_store_new();
    int bad = 0, cases = 0;
    for (size_t i = 0; i < NREFS; i++) {
        Compiled c;
        if (compiled(st, nd_refs[i].nabla, nd_refs[i].x0, 0, &c))
            continue;
        for (int m = NB_ND_FORWARD; m <= NB_ND_FIVE_POINT; m++, cases++)
            bad += sweep_differs(nb_nd_prog_func(c.pf),
                                 strtod(nd_refs[i].x0, NULL), (NbNdMethod)m);
        compiled_free(&c);
    }
    CHECK(bad == 0, "block-evaluated sweeps = quotients one by one, bit for "
          "bit, on %d sweeps of 70 steps (%d rows differ)", cases, bad);
    /* the other variable held at the point; nodes where f is not finite */
    const char *texts[2] = {"x^2*y + sin(y)*exp(x)", "log(x) + 1/(x - 1/2)"};
    const double x0s[2] = {1, 0.25};
    for (int k = 0; k < 2; k++) {
        const NbExpr *e = nb_expr_parse(st, texts[k], NULL);
        const NbExpr *vars[2] = {nb_sym(st, "x"), nb_sym(st, "y")};
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &e, 2, vars, &d);
        double pt[2] = {x0s[k], 2};
        NbNdProg *pf = nb_nd_prog_new(p, pt, NULL);
        int b = 0;
        for (size_t v = 0; v < 2; v++) {
            nb_nd_prog_set_var(pf, v);
            for (int m = NB_ND_FORWARD; m <= NB_ND_FIVE_POINT; m++)
                b += sweep_differs(nb_nd_prog_func(pf), pt[v], (NbNdMethod)m);
        }
        CHECK(b == 0, "sweeps of %s in x and y: %d rows differ", texts[k], b);
        nb_nd_prog_free(pf);
        nb_program_free(p);
    }
    nb_store_free(st);
}

/* Counting functions for richardson's cost rules (numdiff.c): how many
 * MPFR evaluations a call makes, and at what precision at most. */
typedef struct Costed {
    int which;              /* 0: cos(x - 1); 1: x/log|x| */
    long evals;
    mpfr_prec_t maxprec;
} Costed;

static double costed_d(void *ctx, double x)
{
    const Costed *c = ctx;
    return c->which == 0 ? cos(x - 1) : x / log(fabs(x));
}

static void costed_mpfr(void *ctx, mpfr_ptr r, mpfr_srcptr x)
{
    Costed *c = ctx;
    mpfr_prec_t p = mpfr_get_prec(r);
    c->evals++;
    if (p > c->maxprec)
        c->maxprec = p;
    mpfr_t t;
    mpfr_init2(t, p + mpfr_get_prec(x));
    if (c->which == 0) {
        mpfr_sub_ui(t, x, 1, MPFR_RNDN);   /* exact */
        mpfr_cos(r, t, MPFR_RNDN);
    } else {
        mpfr_abs(t, x, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_div(r, x, t, MPFR_RNDN);
    }
    mpfr_clear(t);
}

/* Two ways richardson used to spend its whole budget for nothing (issue
 * 15's generated scripts, 20 s and 14 s as hstudies):
 * - f'(x0) = 0 exactly (cos(x - 1) at 1): no relative accuracy is
 *   reachable, and each attempt raised the working precision, six times
 *   to 2261 bits at p = 113. Now three rises that leave the value within
 *   its estimate of 0 end it: w goes 187, 344, 580, 934 (p + 40 + 2 +
 *   32 for the first step 1/8, then w + w/2 + 64), and the answer says
 *   |v| <= e.
 * - steps that straddle a singularity (x/log|x| at 1e-300 from h = 0.1:
 *   the central differences tend to 1/log h, 2^-0.04 better a level): 64
 *   levels on each of six attempts, 768 evaluations. Now a tableau whose
 *   estimate has not fallen by 4 in 8 levels stops, and an attempt that
 *   does not gain 4 on the last ends the search. */
static void test_richardson_cost(void)
{
    Costed c0 = {0, 0, 0};
    NbNdFunc f0 = {&c0, costed_d, costed_mpfr, NULL, NULL, NULL, NULL};
    mpfr_t x0, v, e;
    mpfr_init2(x0, 113);
    mpfr_inits2(113, v, e, (mpfr_ptr)0);
    mpfr_set_ui(x0, 1, MPFR_RNDN);
    int rc = nb_nd_mpfr(&f0, x0, NULL, NB_ND_RICHARDSON, v, e, NULL);
    mpfr_t av;
    mpfr_init2(av, 113);
    mpfr_abs(av, v, MPFR_RNDN);
    CHECK(rc == 0 && mpfr_lessequal_p(av, e) && mpfr_cmp_d(e, 1e-200) < 0,
          "richardson of cos(x - 1) at 1 (f' = 0) at 113 bits: |v| <= e < "
          "1e-200");
    CHECK(c0.maxprec <= 934,
          "... after three rises of the working precision: at most 934 bits "
          "(got %ld)", (long)c0.maxprec);

    Costed c1 = {1, 0, 0};
    NbNdFunc f1 = {&c1, costed_d, costed_mpfr, NULL, NULL, NULL, NULL};
    mpfr_t h;
    mpfr_init2(h, 53);
    mpfr_set_d(h, 0.1, MPFR_RNDN);
    mpfr_set_d(x0, 1e-300, MPFR_RNDN);
    rc = nb_nd_mpfr(&f1, x0, h, NB_ND_RICHARDSON, v, e, NULL);
    CHECK(rc == 0 && mpfr_number_p(v) && c1.evals <= 192,
          "richardson of x/log|x| at 1e-300 from h = 0.1 (steps across the "
          "singularity): at most 192 evaluations, a quarter of 6 attempts "
          "of 64 levels (got %ld)", c1.evals);
    mpfr_clears(x0, v, e, av, h, (mpfr_ptr)0);
}

int main(void)
{
    test_names();
    test_square();
    test_fixed_h();
    test_complex_step_d();
    test_richardson_d();
    test_richardson_mpfr();
    test_complex_step_mpfr();
    test_errors();
    test_programs();
    test_richardson_delta();
    test_richardson_cost();
    test_gradient();
    test_gradcheck();
    test_sweeps();
    test_hstudy_sinexp();
    test_hstudy_square();
    mpfr_free_cache();
    return check_done();
}
