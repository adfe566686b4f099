/* bench_numdiff.c — numeric differentiation, timed and compared in one run:
 *
 *   hstudy-full      the full study of sin(x)*exp(-x^2/2) at 0.5: every
 *                    method, 1e-1 down to 1e-16 / 1e-34 / 1e-77 in double,
 *                    113 and 256 bits (16 + 34 + 77 decades x 6 methods),
 *                    with its reference and model. Budget: 1 s.
 *   richardson-256   Ridders in MPFR at 256 bits, one case per function of
 *                    the reference set, against mpmath.diff at 256 bits
 *                    (bench/mpmath_diff.py, run by python3 when mpmath is
 *                    there, or by $MPMATH_PYTHON; skipped otherwise), both
 *                    timed in this run;
 *                    -generic: the same at points near those, with all
 *                    256 bits in use (the fair figure: see below).
 *   richardson-double / gsl-central   accuracy on the reference set of
 *                    tests/oracle/data/numdiff_ref.h, against GSL's
 *                    gsl_deriv_central when libgsl can be loaded at run
 *                    time (dlopen: no build dependency; skipped otherwise).
 *
 * Usage: bench_numdiff [runs]
 * Output lines:
 *   RESULT numdiff hstudy-full nabla <ms> <rows>
 *   RATIO numdiff hstudy-full nabla/budget-1s <r>
 *   RESULT numdiff richardson-256 <case> nabla <us> us within-1ulp
 *          mpmath <us> us ratio <mpmath/nabla>
 *   RATIO numdiff richardson-256 mpmath/nabla geometric-mean <r> min <r>
 *   (and the same two with richardson-256-generic, agrees-with-mpmath)
 *   RESULT numdiff richardson-double nabla <worst rel err> <us per call>
 *   RESULT numdiff gsl-central gsl <worst rel err> <us per call>
 *   RESULT numdiff estimate-honesty <engine> <under> <min ratio> <max ratio>
 *   RESULT numdiff gsl-agreement nabla <cases outside GSL's own estimate>
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla/nabla.h>
#include "bench_common.h"
#include "../tests/oracle/data/numdiff_ref.h"
#include "../tests/unit/mini_lower.h"

#define NREFS (sizeof nd_refs / sizeof nd_refs[0])

static double hstudy_once(NbStore *st, const NbExpr *f, const NbExpr *x,
                          size_t *rows)
{
    NbHstudy hs;
    NbDiag d = NB_DIAG_INIT;
    double t0 = bench_now();
    nb_hstudy_run(st, f, x, nb_num_frac(st, 1, 2), NULL, &hs, &d);
    double t = bench_now() - t0;
    *rows = 0;
    for (size_t i = 0; i < hs.nseries; i++)
        *rows += hs.series[i].nrows;
    nb_hstudy_free(&hs);
    nb_diag_clear(&d);
    return t;
}

static void bench_hstudy(int runs)
{
    NbStore *st = nb_store_new();
    const NbExpr *f = mini_parse(st, "sin(x)*exp(-x^2/2)");
    const NbExpr *x = nb_sym(st, "x");
    double t[BENCH_MAX_RUNS];
    size_t rows = 0;
    for (int i = 0; i < runs; i++)
        t[i] = hstudy_once(st, f, x, &rows);
    double m = bench_median(t, runs);
    printf("RESULT numdiff hstudy-full nabla %.1f %zu\n", 1e3 * m, rows);
    printf("RATIO numdiff hstudy-full nabla/budget-1s %.3f\n", m / 1.0);
    nb_store_free(st);
}

/* ---- richardson at 256 bits against mpmath.diff ---------------------------
 * One case per function of the reference set, timed twice: at its first
 * point (0.5, 0.75, -2, 3...), where nabla's answer is checked against the
 * reference to 1 ulp, and at a generic point near it, x0 (1 + sqrt(2)/1024)
 * to 256 bits, where both answers are checked against each other. The
 * generic points are the fair figure: short binary fractions such as 0.5
 * land exactly on the grid of midprec's tables (src/mathfn/midprec.c), where exp and
 * sin_cos skip their series. mpmath runs in bench/mpmath_diff.py, started
 * once per set with every case, in the same run. */

#define MP_BITS 256

typedef struct MpCase {
    size_t ref;          /* index in nd_refs */
    char x0[128];        /* the point, 80 digits for the generic ones */
    double nabla_us, mpmath_us;
    double nabla_d, mpmath_d;   /* f'(x0) to 17 digits, for agreement */
    int nabla_ok;        /* within 1 ulp of the reference (reference
                          * points), 1e-15 of mpmath's (generic ones) */
} MpCase;

/* Is v within 1 ulp (at v's precision) of the reference f'? */
static int within_ulp(mpfr_srcptr v, const NdRef *r)
{
    mpfr_t ref;
    mpfr_init2(ref, 600);
    mpfr_set_str(ref, r->d[1], 10, MPFR_RNDN);
    long ex = mpfr_get_exp(ref);
    mpfr_sub(ref, v, ref, MPFR_RNDN);
    mpfr_mul_2si(ref, ref, (long)mpfr_get_prec(v) - ex, MPFR_RNDN);
    int ok = mpfr_cmpabs_ui(ref, 1) <= 0;
    mpfr_clear(ref);
    return ok;
}

/* Time richardson on case c at its point; its value into c->nabla_d
 * and, at a reference point, the 1-ulp check into c->nabla_ok. */
static void nabla_rich(NbStore *st, MpCase *c, int generic, int runs)
{
    const NdRef *r = &nd_refs[c->ref];
    const NbExpr *f = mini_parse(st, r->nabla);
    const NbExpr *x = nb_sym(st, "x");
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &f, 1, &x, &d);
    mpfr_t x0, v, e;
    mpfr_inits2(MP_BITS, x0, v, e, (mpfr_ptr)0);
    mpfr_set_str(x0, c->x0, 10, MPFR_RNDN);
    mpfr_srcptr pm[1] = {x0};
    double xd = mpfr_get_d(x0, MPFR_RNDN), t[BENCH_MAX_RUNS];
    NbNdProg *pf = nb_nd_prog_new(p, &xd, pm);
    const NbNdFunc *fn = nb_nd_prog_func(pf);
    const int calls = 40;
    for (int k = 0; k < runs; k++) {
        double t0 = bench_now();
        for (int i = 0; i < calls; i++)
            nb_nd_mpfr(fn, x0, NULL, NB_ND_RICHARDSON, v, e, NULL);
        t[k] = (bench_now() - t0) / calls;
    }
    c->nabla_d = mpfr_get_d(v, MPFR_RNDN);
    c->nabla_ok = generic || within_ulp(v, r);
    c->nabla_us = 1e6 * bench_median(t, runs);
    nb_nd_prog_free(pf);
    nb_program_free(p);
    nb_diag_clear(&d);
    mpfr_clears(x0, v, e, (mpfr_ptr)0);
}

/* x0 (1 + sqrt(2)/1024) at 256 bits, as 80 digits (which read back at
 * 256 bits give the same number, in nabla and in mpmath alike). */
static void generic_point(char *out, size_t size, const char *x0)
{
    mpfr_t a, g;
    mpfr_inits2(MP_BITS, a, g, (mpfr_ptr)0);
    mpfr_set_str(a, x0, 10, MPFR_RNDN);
    mpfr_sqrt_ui(g, 2, MPFR_RNDN);
    mpfr_div_2ui(g, g, 10, MPFR_RNDN);
    mpfr_add_ui(g, g, 1, MPFR_RNDN);
    mpfr_mul(a, a, g, MPFR_RNDN);
    mpfr_snprintf(out, size, "%.80Re", a);
    mpfr_clears(a, g, (mpfr_ptr)0);
}

/* Fill mpmath_us and mpmath_d of every case from one run of the script,
 * and backend with mpmath's integer backend; 0 if it ran. */
static int mpmath_run(MpCase *c, size_t n, char *backend)
{
    size_t len = 512;
    for (size_t i = 0; i < n; i++)
        len += strlen(nd_refs[c[i].ref].nabla) + strlen(c[i].x0) + 8;
    if (getenv("MPMATH_PYTHON"))
        len += strlen(getenv("MPMATH_PYTHON"));
    char *cmd = malloc(len);
    if (!cmd)
        abort();
    const char *dir = getenv("SRCDIR"), *py = getenv("MPMATH_PYTHON");
    int k = snprintf(cmd, len, "%s %s/bench/mpmath_diff.py %d 20",
                     py && *py ? py : "python3", dir ? dir : ".", MP_BITS);
    for (size_t i = 0; i < n; i++)
        k += snprintf(cmd + k, len - (size_t)k, " '%s@%s'",
                      nd_refs[c[i].ref].nabla, c[i].x0);
    snprintf(cmd + k, len - (size_t)k, " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    free(cmd);
    int rc = p && fscanf(p, " backend %31s", backend) == 1 ? 0 : -1;
    for (size_t i = 0; p && i < n && rc == 0; i++)
        if (fscanf(p, "%lf %lf", &c[i].mpmath_us, &c[i].mpmath_d) != 2)
            rc = -1;
    if (!p || pclose(p) != 0)
        rc = -1;
    return rc;
}

/* One set of cases (the reference points, or the generic ones): the
 * per-case lines and the geometric mean. */
static void richardson_set(NbStore *st, MpCase *c, size_t n, int generic,
                           int runs)
{
    const char *set = generic ? "richardson-256-generic" : "richardson-256";
    for (size_t i = 0; i < n; i++)
        nabla_rich(st, &c[i], generic, runs);
    char backend[32] = "";
    int have = mpmath_run(c, n, backend) == 0;
    if (have)
        printf("RESULT numdiff %s mpmath-backend %s\n", set, backend);
    double logsum = 0, lo = INFINITY;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const NdRef *r = &nd_refs[c[i].ref];
        if (generic && have)
            c[i].nabla_ok = fabs(c[i].nabla_d - c[i].mpmath_d)
                            <= 1e-15 * fabs(c[i].mpmath_d);
        bad += !c[i].nabla_ok;
        printf("RESULT numdiff %s %s@%.10g nabla %.1f us %s", set, r->name,
               strtod(c[i].x0, NULL), c[i].nabla_us,
               !c[i].nabla_ok ? "WRONG"
               : generic      ? (have ? "agrees-with-mpmath" : "unchecked")
                              : "within-1ulp");
        if (have) {
            double q = c[i].mpmath_us / c[i].nabla_us;
            printf(" mpmath %.1f us ratio %.1f", c[i].mpmath_us, q);
            logsum += log(q);
            lo = fmin(lo, q);
        }
        printf("\n");
    }
    printf("RESULT numdiff %s nabla %zu functions, %d %s\n", set, n, bad,
           generic ? "disagreeing with mpmath beyond 1e-15"
                   : "not within 1 ulp");
    if (have)
        printf("RATIO numdiff %s mpmath/nabla geometric-mean %.1f min %.1f "
               "(>= 20 wanted)\n", set, exp(logsum / (double)n), lo);
    else
        printf("SKIP numdiff %s mpmath (no python3 with mpmath)\n", set);
}

static void bench_richardson_256(int runs)
{
    MpCase c[NREFS];
    size_t n = 0;
    NbStore *st = nb_store_new();
    for (size_t i = 0; i < NREFS; i++)
        if (i == 0 || strcmp(nd_refs[i].name, nd_refs[i - 1].name) != 0) {
            c[n] = (MpCase){.ref = i};
            snprintf(c[n].x0, sizeof c[n].x0, "%s", nd_refs[i].x0);
            n++;
        }
    richardson_set(st, c, n, 0, runs);
    for (size_t i = 0; i < n; i++)
        generic_point(c[i].x0, sizeof c[i].x0, nd_refs[c[i].ref].x0);
    richardson_set(st, c, n, 1, runs);
    nb_store_free(st);
}

/* ---- GSL, loaded at run time ---------------------------------------------- */

typedef struct GslFunction {
    double (*function)(double x, void *params);
    void *params;
} GslFunction;
typedef int GslDeriv(const GslFunction *f, double x, double h, double *result,
                     double *abserr);

static double gsl_trampoline(double x, void *params)
{
    const NbNdFunc *f = params;
    return f->eval_d(f->ctx, x);
}

typedef struct Stats {
    double worst, under, min_ratio, max_ratio, us;
    int outside;          /* nabla outside GSL's own error bar */
} Stats;

static void stats_add(Stats *s, double v, double e, double ref)
{
    double act = fabs(v - ref);
    int ex;
    frexp(ref, &ex);
    double floor2ulp = ldexp(2.0, ex - 53);
    s->worst = fmax(s->worst, act / fabs(ref));
    s->under += e < act;
    s->min_ratio = fmin(s->min_ratio, e / fmax(act, floor2ulp));
    s->max_ratio = fmax(s->max_ratio, e / fmax(act, floor2ulp));
}

static void bench_accuracy(void)
{
    void *lib = dlopen("libgsl.so.27", RTLD_NOW);
    if (!lib)
        lib = dlopen("libgsl.so", RTLD_NOW);
    GslDeriv *central = lib ? (GslDeriv *)dlsym(lib, "gsl_deriv_central")
                            : NULL;
    Stats sn = {0, 0, INFINITY, 0, 0, 0}, sg = sn;
    NbStore *st = nb_store_new();
    const NbExpr *x = nb_sym(st, "x");
    for (size_t i = 0; i < NREFS; i++) {
        const NbExpr *f = mini_parse(st, nd_refs[i].nabla);
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &f, 1, &x, &d);
        double x0 = strtod(nd_refs[i].x0, NULL), ref = strtod(nd_refs[i].d[1],
                                                              NULL);
        NbNdProg *pf = nb_nd_prog_new(p, &x0, NULL);
        const NbNdFunc *fn = nb_nd_prog_func(pf);
        double v, e, gv = 0, ge = 0, t0 = bench_now();
        nb_nd_double(fn, x0, 0, NB_ND_RICHARDSON, &v, &e, NULL);
        sn.us += bench_now() - t0;
        stats_add(&sn, v, e, ref);
        if (central) {
            GslFunction gf = {gsl_trampoline, (void *)fn};
            /* GSL's manual example step; its estimate covers its own h */
            double h = 1e-3 * fmax(1, fabs(x0));
            t0 = bench_now();
            central(&gf, x0, h, &gv, &ge);
            sg.us += bench_now() - t0;
            stats_add(&sg, gv, ge, ref);
            sn.outside += fabs(v - gv) > ge;
        }
        nb_nd_prog_free(pf);
        nb_program_free(p);
        nb_diag_clear(&d);
    }
    printf("RESULT numdiff richardson-double nabla %.3g %.1f\n", sn.worst,
           1e6 * sn.us / NREFS);
    printf("RESULT numdiff estimate-honesty nabla %g %.3g %.3g\n", sn.under,
           sn.min_ratio, sn.max_ratio);
    if (central) {
        printf("RESULT numdiff gsl-central gsl %.3g %.1f\n", sg.worst,
               1e6 * sg.us / NREFS);
        printf("RESULT numdiff estimate-honesty gsl %g %.3g %.3g\n", sg.under,
               sg.min_ratio, sg.max_ratio);
        printf("RESULT numdiff gsl-agreement nabla %d of %zu outside GSL's "
               "error estimate\n", sn.outside, NREFS);
    } else {
        printf("SKIP numdiff gsl-central (libgsl not found)\n");
    }
    if (lib)
        dlclose(lib);
    nb_store_free(st);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : BENCH_RUNS;
    if (runs < 1 || runs > BENCH_MAX_RUNS)
        runs = BENCH_RUNS;
    bench_hstudy(runs);
    bench_richardson_256(runs);
    bench_accuracy();
    mpfr_free_cache();
    return 0;
}
