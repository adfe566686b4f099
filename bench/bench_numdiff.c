/* bench_numdiff.c — numeric differentiation, timed and compared in one run:
 *
 *   hstudy-full      the full study of sin(x)*exp(-x^2/2) at 0.5: every
 *                    method, 1e-1 down to 1e-16 / 1e-34 / 1e-77 in double,
 *                    113 and 256 bits (16 + 34 + 77 decades x 6 methods),
 *                    with its reference and model. Budget: 1 s.
 *   richardson-256   Ridders in MPFR at 256 bits on the same function,
 *                    against mpmath.diff at 256 bits (when /usr/bin/python3
 *                    with mpmath is there; skipped otherwise).
 *   richardson-double / gsl-central   accuracy on the reference set of
 *                    tests/oracle/data/numdiff_ref.h, against GSL's
 *                    gsl_deriv_central when libgsl can be loaded at run
 *                    time (dlopen: no build dependency; skipped otherwise).
 *
 * Usage: bench_numdiff [runs]
 * Output lines:
 *   RESULT numdiff hstudy-full nabla <ms> <rows>
 *   RATIO numdiff hstudy-full nabla/budget-1s <r>
 *   RESULT numdiff richardson-256 nabla <us per call> <digits right>
 *   RESULT numdiff richardson-256 mpmath <us per call>
 *   RATIO numdiff richardson-256 mpmath/nabla <r>       (>= 20 wanted)
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

/* mpmath.diff at 256 bits, microseconds per call, or -1. */
static double mpmath_us(void)
{
    FILE *p = popen("/usr/bin/python3 -c '"
                    "import mpmath, time\n"
                    "mpmath.mp.prec = 256\n"
                    "f = lambda x: mpmath.sin(x)*mpmath.exp(-x**2/2)\n"
                    "x = mpmath.mpf(1)/2\n"
                    "n = 200\n"
                    "t = time.process_time()\n"
                    "for i in range(n): mpmath.diff(f, x)\n"
                    "print((time.process_time() - t) / n * 1e6)' 2>/dev/null",
                    "r");
    double us = -1;
    if (!p)
        return -1;
    if (fscanf(p, "%lf", &us) != 1)
        us = -1;
    if (pclose(p) != 0)
        us = -1;
    return us;
}

static void bench_richardson_256(int runs)
{
    NbStore *st = nb_store_new();
    const NbExpr *f = mini_parse(st, "sin(x)*exp(-x^2/2)");
    const NbExpr *x = nb_sym(st, "x");
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &f, 1, &x, &d);
    mpfr_t x0, v, ref;
    mpfr_inits2(256, x0, v, ref, (mpfr_ptr)0);
    mpfr_set_d(x0, 0.5, MPFR_RNDN);
    mpfr_srcptr pm[1] = {x0};
    double xd = 0.5, t[BENCH_MAX_RUNS];
    NbNdProg *pf = nb_nd_prog_new(p, &xd, pm);
    const int calls = 50;
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        for (int i = 0; i < calls; i++)
            nb_nd_mpfr(nb_nd_prog_func(pf), x0, NULL, NB_ND_RICHARDSON, v,
                       NULL, NULL);
        t[r] = (bench_now() - t0) / calls;
    }
    mpfr_set_str(ref, nd_refs[0].d[1], 10, MPFR_RNDN);
    mpfr_sub(ref, v, ref, MPFR_RNDN);
    double us = 1e6 * bench_median(t, runs);
    printf("RESULT numdiff richardson-256 nabla %.1f %s\n", us,
           mpfr_zero_p(ref) ? "correctly-rounded" : "not-correctly-rounded");
    double mp = mpmath_us();
    if (mp > 0) {
        printf("RESULT numdiff richardson-256 mpmath %.1f\n", mp);
        printf("RATIO numdiff richardson-256 mpmath/nabla %.1f\n", mp / us);
    } else {
        printf("SKIP numdiff richardson-256 mpmath (no python3 with mpmath)\n");
    }
    nb_nd_prog_free(pf);
    nb_program_free(p);
    mpfr_clears(x0, v, ref, (mpfr_ptr)0);
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
