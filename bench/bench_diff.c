/* bench_diff.c — symbolic differentiation speed and output size (issue 3,
 * issue 6 item 4): for orders 1, 5, 10, 15, 20, 30 of sin(x)*exp(-x^2/2),
 * the time of one n-th derivative in a fresh store (median of runs), the
 * DAG size of the result and the length of its printed form; then the 3rd
 * x-derivative of Rosenbrock (1-x)^2 + 100*(y-x^2)^2.
 *
 * Usage: bench_diff [runs]   (default 21). Prints one line per item:
 *   diff_order=N time_us=T dag_nodes=D printed_chars=C
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nabla/nabla.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sin(x)*exp(-x^2/2), built with the canonical constructors. */
static const NbExpr *gauss_sin(NbStore *st, const NbExpr *x)
{
    const NbExpr *u = nb_mul2(st, nb_num_frac(st, -1, 2), nb_pow_si(st, x, 2));
    return nb_mul2(st, nb_fn1(st, NB_FN_SIN, x), nb_fn1(st, NB_FN_EXP, u));
}

static const NbExpr *rosenbrock(NbStore *st, const NbExpr *x, const NbExpr *y)
{
    const NbExpr *a = nb_pow_si(st, nb_sub(st, nb_num_si(st, 1), x), 2);
    const NbExpr *b = nb_pow_si(st, nb_sub(st, y, nb_pow_si(st, x, 2)), 2);
    return nb_add2(st, a, nb_mul2(st, nb_num_si(st, 100), b));
}

/* Median time of `runs` derivatives of order n, each in a fresh store
 * (so no memo or interned node survives from a previous run). */
static void bench_order(int which, long n, int runs)
{
    double *t = malloc((size_t)runs * sizeof *t);
    size_t dag = 0, chars = 0;
    for (int r = 0; r < runs; r++) {
        NbStore *st = nb_store_new();
        const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y");
        const NbExpr *f = which ? rosenbrock(st, x, y) : gauss_sin(st, x);
        NbDiag d = NB_DIAG_INIT;
        double t0 = now_us();
        const NbExpr *df = nb_diff_n(st, f, x, n, &d);
        t[r] = now_us() - t0;
        if (!df) {
            fprintf(stderr, "bench_diff: %s\n", d.msg);
            exit(1);
        }
        if (r == 0) {
            char *s = nb_print(df, NULL);
            dag = nb_dag_size(df);
            chars = strlen(s);
            if (n <= 10 || which)
                printf("# %s\n", s);
            free(s);
        }
        nb_store_free(st);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    printf("%s diff_order=%ld time_us=%.1f dag_nodes=%zu printed_chars=%zu\n",
           which ? "rosenbrock_x" : "sin_exp", n, t[runs / 2], dag, chars);
    free(t);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1)
        runs = 1;
    static const long orders[] = {1, 5, 10, 15, 20, 30};
    for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++)
        bench_order(0, orders[i], runs);
    bench_order(1, 3, runs);
    mpfr_free_cache();
    return 0;
}
