/* bench_eval.c — nabla's compiled evaluation of the five expressions of
 * issue 6: one point per call (nabla_scalar through the entry of
 * nb_program_point_fn, as c_point calls its C function; nabla_call through
 * nb_run_double), the block VM, and the MPFR VM against the same
 * computation written by hand with MPFR calls on preallocated variables.
 *
 * Usage: bench_eval [points [runs [mpfr-points-at-53]]]
 * Output: "RESULT <group> <item> <engine> <ns per evaluation> <checksum>",
 * groups "eval" (double) and "mpfr" (item "a@53" is (a) at 53 bits).
 *
 * The expressions are built with the canonical constructors of simplify.h,
 * the form every nabla expression has (a - b is a + (-1)*b, a/b is
 * a*b^-1, sqrt is ^(1/2)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nabla/compile.h>
#include <nabla/builtins.h>
#include <nabla/simplify.h>
#include "bench_common.h"

typedef const NbExpr *Ex;
static NbStore *st;
static Ex X, Y;

static Ex num(long v) { return nb_num_si(st, v); }
static Ex sq(Ex a) { return nb_pow_si(st, a, 2); }
static Ex fn(NbFnId f, Ex a) { return nb_fn1(st, f, a); }

/* The five expressions of issue 6, through the canonical constructors
 * (simplify.h), exactly as the parser builds them. */
static Ex build(int which)
{
    switch (which) {
    case 0: /* sin(x)*exp(-x^2/2) */
        return nb_mul2(st, fn(NB_FN_SIN, X),
                       fn(NB_FN_EXP, nb_div(st, nb_neg(st, sq(X)), num(2))));
    case 1: /* (1-x)^2 + 100*(y-x^2)^2 */
        return nb_add2(st, sq(nb_sub(st, num(1), X)),
                       nb_mul2(st, num(100), sq(nb_sub(st, Y, sq(X)))));
    case 2: /* 1/(1+exp(-x)) */
        return nb_div(st, num(1),
                      nb_add2(st, num(1), fn(NB_FN_EXP, nb_neg(st, X))));
    case 3: { /* x^8 - 3x^7 + 5x^6 - 2x^5 + 7x^4 - x^3 + 4x^2 - 6x + 9 */
        static const long c[9] = {9, -6, 4, -1, 7, -2, 5, -3, 1};
        Ex t = num(c[0]);
        for (long k = 1; k <= 8; k++)
            t = nb_add2(st, t, nb_mul2(st, num(c[k]), nb_pow_si(st, X, k)));
        return t;
    }
    default: /* sin(x)^2 + cos(2*x)*x^3 - atan(x/3)/(1+x^2) + sqrt(1+x^4) */
        return nb_add2(st,
            nb_sub(st,
                nb_add2(st, sq(fn(NB_FN_SIN, X)),
                        nb_mul2(st, fn(NB_FN_COS, nb_mul2(st, num(2), X)),
                                nb_pow_si(st, X, 3))),
                nb_div(st, fn(NB_FN_ATAN, nb_div(st, X, num(3))),
                       nb_add2(st, num(1), sq(X)))),
            fn(NB_FN_SQRT, nb_add2(st, num(1), nb_pow_si(st, X, 4))));
    }
}

/* --- double ------------------------------------------------------------------ */

/* One point per call, as c_point calls its function: the entry taken
 * once per chunk (nb_program_point_fn). */
static double bench_scalar(const NbProgram *p, const double *x,
                           const double *y, double *o, long npts)
{
    double *scratch = malloc(nb_program_scratch(p) * sizeof *scratch);
    double t0 = bench_now();
    for (long done = 0; done < npts; done += BENCH_CHUNK) {
        NbPointFn *f = nb_program_point_fn(p);
        for (size_t i = 0; i < BENCH_CHUNK; i++) {
            double in[2] = {x[i], y[i]};
            f(p, in, &o[i], scratch);
        }
    }
    double t = bench_now() - t0;
    free(scratch);
    return t;
}

/* The same through nb_run_double on every point. */
static double bench_call(const NbProgram *p, const double *x,
                         const double *y, double *o, long npts)
{
    double *scratch = malloc(nb_program_scratch(p) * sizeof *scratch);
    double t0 = bench_now();
    for (long done = 0; done < npts; done += BENCH_CHUNK)
        for (size_t i = 0; i < BENCH_CHUNK; i++) {
            double in[2] = {x[i], y[i]};
            nb_run_double(p, in, &o[i], scratch);
        }
    double t = bench_now() - t0;
    free(scratch);
    return t;
}

static double bench_block(const NbProgram *p, const double *x,
                          const double *y, double *o, long npts)
{
    const double *in[2] = {x, y};
    double t0 = bench_now();
    for (long done = 0; done < npts; done += BENCH_CHUNK)
        nb_run_block(p, BENCH_CHUNK, in, (double *const[]){o});
    return bench_now() - t0;
}

typedef double Bench(const NbProgram *, const double *, const double *,
                     double *, long);

static void run_double(int e, const NbProgram *p, const double *x,
                       const double *y, long npts, int runs)
{
    static Bench *const how[3] = {bench_scalar, bench_call, bench_block};
    static const char *const name[3] = {"nabla_scalar", "nabla_call",
                                        "nabla_block"};
    double *o = malloc(BENCH_CHUNK * sizeof *o);
    for (int h = 0; h < 3; h++) {
        double t[BENCH_MAX_RUNS];
        for (int r = 0; r < runs; r++)
            t[r] = how[h](p, x, y, o, npts) / (double)npts * 1e9;
        printf("RESULT eval %c %s %.3f %.17g\n", 'a' + e, name[h],
               bench_best(t, runs), bench_sum(o, BENCH_CHUNK));
        fflush(stdout);
    }
    free(o);
}

/* --- MPFR by hand: what a careful programmer writes, temporaries
 * allocated once ------------------------------------------------------------ */

static mpfr_t T1, T2, T3;
#define N MPFR_RNDN

static void hand(int e, mpfr_ptr r, mpfr_srcptr x, mpfr_srcptr y)
{
    switch (e) {
    case 0:
        mpfr_sqr(T1, x, N);
        mpfr_div_2ui(T1, T1, 1, N);
        mpfr_neg(T1, T1, N);
        mpfr_exp(T1, T1, N);
        mpfr_sin(T2, x, N);
        mpfr_mul(r, T2, T1, N);
        break;
    case 1:
        mpfr_ui_sub(T1, 1, x, N);
        mpfr_sqr(T1, T1, N);
        mpfr_sqr(T2, x, N);
        mpfr_sub(T2, y, T2, N);
        mpfr_sqr(T2, T2, N);
        mpfr_mul_ui(T2, T2, 100, N);
        mpfr_add(r, T1, T2, N);
        break;
    case 2:
        mpfr_neg(T1, x, N);
        mpfr_exp(T1, T1, N);
        mpfr_add_ui(T1, T1, 1, N);
        mpfr_ui_div(r, 1, T1, N);
        break;
    case 3: {
        static const long c[9] = {9, -6, 4, -1, 7, -2, 5, -3, 1};
        mpfr_mul_si(r, x, c[1], N);
        mpfr_add_si(r, r, c[0], N);
        for (unsigned k = 2; k <= 8; k++) {
            mpfr_pow_ui(T1, x, k, N);
            mpfr_mul_si(T1, T1, c[k], N);
            mpfr_add(r, r, T1, N);
        }
        break;
    }
    default:
        mpfr_sin(T1, x, N);
        mpfr_sqr(T1, T1, N);
        mpfr_mul_2ui(T2, x, 1, N);
        mpfr_cos(T2, T2, N);
        mpfr_pow_ui(T3, x, 3, N);
        mpfr_mul(T2, T2, T3, N);
        mpfr_add(r, T1, T2, N);
        mpfr_div_ui(T1, x, 3, N);
        mpfr_atan(T1, T1, N);
        mpfr_sqr(T2, x, N);
        mpfr_add_ui(T2, T2, 1, N);
        mpfr_div(T1, T1, T2, N);
        mpfr_sub(r, r, T1, N);
        mpfr_pow_ui(T1, x, 4, N);
        mpfr_add_ui(T1, T1, 1, N);
        mpfr_sqrt(T1, T1, N);
        mpfr_add(r, r, T1, N);
        break;
    }
}

static void run_mpfr(int e, const NbProgram *p, const double *x,
                     const double *y, mpfr_prec_t prec, long npts, int runs)
{
    size_t m = npts < BENCH_CHUNK ? (size_t)npts : BENCH_CHUNK;
    mpfr_t *mx = malloc(m * sizeof *mx), *my = malloc(m * sizeof *my);
    mpfr_t r;
    double th[BENCH_MAX_RUNS], tn[BENCH_MAX_RUNS], sh = 0, sn = 0;
    mpfr_inits2(prec, r, T1, T2, T3, (mpfr_ptr)0);
    for (size_t i = 0; i < m; i++) {
        mpfr_init2(mx[i], prec);
        mpfr_init2(my[i], prec);
        mpfr_set_d(mx[i], x[i], N);
        mpfr_set_d(my[i], y[i], N);
    }
    NbMpfrVm *vm = nb_mpfr_vm_new(p, prec);
    for (int k = 0; k < runs; k++) {
        double t0 = bench_now();
        sh = 0;
        for (long done = 0; done < npts; done += (long)m)
            for (size_t i = 0; i < m; i++) {
                hand(e, r, mx[i], my[i]);
                sh += mpfr_get_d(r, N);
            }
        th[k] = (bench_now() - t0) / (double)npts * 1e9;
        t0 = bench_now();
        sn = 0;
        for (long done = 0; done < npts; done += (long)m)
            for (size_t i = 0; i < m; i++) {
                nb_run_mpfr(vm, (mpfr_srcptr[]){mx[i], my[i]}, (mpfr_ptr[]){r});
                sn += mpfr_get_d(r, N);
            }
        tn[k] = (bench_now() - t0) / (double)npts * 1e9;
    }
    printf("RESULT mpfr %c@%ld mpfr_hand %.1f %.17g\n", 'a' + e, (long)prec,
           bench_best(th, runs), sh);
    printf("RESULT mpfr %c@%ld nabla_mpfr %.1f %.17g\n", 'a' + e, (long)prec,
           bench_best(tn, runs), sn);
    fflush(stdout);
    nb_mpfr_vm_free(vm);
    for (size_t i = 0; i < m; i++) {
        mpfr_clear(mx[i]);
        mpfr_clear(my[i]);
    }
    free(mx);
    free(my);
    mpfr_clears(r, T1, T2, T3, (mpfr_ptr)0);
}

int main(int argc, char **argv)
{
    long npts = argc > 1 ? atol(argv[1]) : BENCH_POINTS;
    int runs = argc > 2 ? atoi(argv[2]) : BENCH_RUNS;
    long mpts = argc > 3 ? atol(argv[3]) : 100000;
    double *x = malloc(BENCH_CHUNK * sizeof *x);
    double *y = malloc(BENCH_CHUNK * sizeof *y);
    if (runs < 1 || runs > BENCH_MAX_RUNS)
        runs = BENCH_RUNS;
    bench_points(x, y);
    st = nb_store_new();
    X = nb_sym(st, "x");
    Y = nb_sym(st, "y");
    NbProgram *p[5];
    for (int e = 0; e < 5; e++) {
        Ex f = build(e);
        NbDiag d = NB_DIAG_INIT;
        p[e] = nb_compile(st, 1, &f, 2, (Ex[]){X, Y}, &d);
        if (!p[e]) {
            fprintf(stderr, "bench_eval: %s\n", d.msg ? d.msg : "compile failed");
            return 1;
        }
        printf("INSTR %c %zu\n", 'a' + e, nb_program_ninstr(p[e]));
    }
    for (int e = 0; e < 5; e++)
        run_double(e, p[e], x, y, npts, runs);
    /* Fewer points as precision grows: the cost per point grows too. */
    static const mpfr_prec_t precs[3] = {53, 256, 1024};
    static const int shift[3] = {0, 2, 3};
    for (int k = 0; k < 3; k++)
        for (int e = 0; e < 5; e++)
            run_mpfr(e, p[e], x, y, precs[k], mpts >> shift[k], runs);
    for (int e = 0; e < 5; e++)
        nb_program_free(p[e]);
    nb_store_free(st);
    free(x);
    free(y);
    mpfr_free_cache();
    return 0;
}
