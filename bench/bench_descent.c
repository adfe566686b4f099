/* bench_descent.c — 1 million gd steps on Rosenbrock, (1-x)^2 +
 * 100*(y-x^2)^2 from (-1, 1) with rate 1e-5 (so no run converges or
 * stalls early), three ways in the same run:
 *   nabla    nb_descent_run() on the expression compiled with its gradient
 *            (the whole descend loop: trace, stop rules, detectors)
 *   c_grad   the seed's loop written in C: gradient and update only
 *   c_fgrad  the same loop also computing f each step, as nabla does (f is
 *            needed for the verdict and the printed path)
 * Both C loops are in this file, so they are compiled with the flags the
 * harness gives it (gcc -O2).
 *
 * Usage: bench_descent [steps [runs]]
 * Output: "RESULT descent rosenbrock-gd <engine> <ns per step> <checksum>"
 * (checksum: final x + y; the three agree to ~1e-12), then
 * "RATIO descent rosenbrock-gd nabla/c_grad <r>" and "... nabla/c_fgrad <r>".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <nabla/nabla.h>
#include "bench_common.h"

#define RATE 1e-5

static __attribute__((noinline)) double c_grad(long steps, double rate)
{
    double x = -1, y = 1;
    for (long k = 0; k < steps; k++) {
        double t = y - x * x;
        double gx = -2 * (1 - x) - 400 * x * t, gy = 200 * t;
        x = x - rate * gx;
        y = y - rate * gy;
    }
    return x + y;
}

static volatile double sink;

static __attribute__((noinline)) double c_fgrad(long steps, double rate)
{
    double x = -1, y = 1, f = 0;
    for (long k = 0; k < steps; k++) {
        double a = 1 - x, t = y - x * x;
        f = a * a + 100 * t * t;
        double gx = -2 * a - 400 * x * t, gy = 200 * t;
        x = x - rate * gx;
        y = y - rate * gy;
    }
    sink = f;
    return x + y;
}

static double nabla_run(const NbObjective *obj, long steps, double rate,
                        long *done)
{
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.steps = steps;
    o.rate = rate;
    o.tol = 0;
    double start[2] = {-1, 1};
    NbDescentResult *r = nb_descent_run(obj, &o, start, NULL);
    const double *x = r->pt_x + (r->npts - 1) * 2;
    double sum = x[0] + x[1];
    *done = r->steps;
    nb_descent_result_free(r);
    return sum;
}

typedef double Engine(void *ctx, long steps, double *sum);

static double time_c(int which, long steps, int runs, double *sum)
{
    double t[BENCH_MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        double t0 = bench_now();
        *sum = which ? c_fgrad(steps, RATE) : c_grad(steps, RATE);
        t[i] = bench_now() - t0;
    }
    return bench_median(t, runs) / (double)steps * 1e9;
}

static double time_nabla(const NbObjective *obj, long steps, int runs,
                         double *sum)
{
    double t[BENCH_MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        long done;
        double t0 = bench_now();
        *sum = nabla_run(obj, steps, RATE, &done);
        t[i] = bench_now() - t0;
        if (done != steps) {
            fprintf(stderr, "bench_descent: stopped at %ld of %ld steps\n",
                    done, steps);
            exit(1);
        }
    }
    return bench_median(t, runs) / (double)steps * 1e9;
}

int main(int argc, char **argv)
{
    long steps = argc > 1 ? atol(argv[1]) : 1000000L;
    int runs = argc > 2 ? atoi(argv[2]) : BENCH_RUNS;
    if (steps < 1 || runs < 1 || runs > BENCH_MAX_RUNS) {
        fprintf(stderr, "usage: bench_descent [steps [runs]]\n");
        return 2;
    }
    NbStore *st = nb_store_new();
    const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y");
    const NbExpr *vars[2] = {x, y};
    const NbExpr *f = nb_add2(
        st, nb_pow_si(st, nb_sub(st, nb_num_si(st, 1), x), 2),
        nb_mul2(st, nb_num_si(st, 100),
                nb_pow_si(st, nb_sub(st, y, nb_pow_si(st, x, 2)), 2)));
    NbDiag d = NB_DIAG_INIT;
    NbObjective *obj = nb_objective_compile(st, f, 2, vars, NB_PREC_DOUBLE,
                                            1, &d);
    if (!obj) {
        fprintf(stderr, "bench_descent: %s\n", d.msg ? d.msg : "compile failed");
        return 1;
    }
    double s_grad, s_fgrad, s_nabla;
    double t_grad = time_c(0, steps, runs, &s_grad);
    double t_fgrad = time_c(1, steps, runs, &s_fgrad);
    double t_nabla = time_nabla(obj, steps, runs, &s_nabla);
    printf("RESULT descent rosenbrock-gd c_grad %.3f %.15g\n", t_grad, s_grad);
    printf("RESULT descent rosenbrock-gd c_fgrad %.3f %.15g\n", t_fgrad, s_fgrad);
    printf("RESULT descent rosenbrock-gd nabla %.3f %.15g\n", t_nabla, s_nabla);
    printf("RATIO descent rosenbrock-gd nabla/c_grad %.2f\n", t_nabla / t_grad);
    printf("RATIO descent rosenbrock-gd nabla/c_fgrad %.2f\n",
           t_nabla / t_fgrad);
    nb_objective_free(obj);
    nb_store_free(st);
    mpfr_free_cache();
    return fabs(s_nabla - s_grad) < 1e-9 ? 0 : 1;
}
