/* baseline.c — the five expressions of issue 6 hand-written in C, the
 * yardstick for nabla's compiled evaluation. bench/run.sh compiles it three
 * ways in the same run:
 *   c_pow   gcc -O2 -DUSE_POW         powers with pow()
 *   c_mul   gcc -O2                   integer powers as multiplies
 *   c_simd  gcc -O3 -march=native -ffast-math   (vectorised, libmvec)
 * and runs it on the same points as bench_eval.c (bench_common.h).
 *
 * The loops above evaluate a whole chunk per call, so gcc vectorises the
 * ones it can even at -O2 (b and d with multiplies): not the yardstick of a
 * scalar engine. With the engine name "c_point" (built like c_mul), each
 * point is one call of a noinline function of (x, y), as a scalar engine
 * (nabla's nb_run_double, ExprTk) is called: integer powers as multiplies,
 * no vectorisation across points.
 *
 * Output: "RESULT eval <item> <engine> <ns per evaluation> <checksum>".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#ifdef USE_POW
#define P2(x) pow(x, 2)
#define P3(x) pow(x, 3)
#define P4(x) pow(x, 4)
#define P5(x) pow(x, 5)
#define P6(x) pow(x, 6)
#define P7(x) pow(x, 7)
#define P8(x) pow(x, 8)
#else
#define P2(x) ((x) * (x))
#define P3(x) ((x) * (x) * (x))
#define P4(x) ((x) * (x) * (x) * (x))
#define P5(x) ((x) * (x) * (x) * (x) * (x))
#define P6(x) ((x) * (x) * (x) * (x) * (x) * (x))
#define P7(x) ((x) * (x) * (x) * (x) * (x) * (x) * (x))
#define P8(x) ((x) * (x) * (x) * (x) * (x) * (x) * (x) * (x))
#endif

typedef void Kernel(const double *restrict x, const double *restrict y,
                    double *restrict o, size_t n);

#define KERNEL(name, expr)                                                 \
    static __attribute__((noinline)) void name(                            \
        const double *restrict xs, const double *restrict ys,              \
        double *restrict o, size_t n)                                      \
    {                                                                      \
        (void)ys;                                                          \
        for (size_t i = 0; i < n; i++) {                                   \
            double x = xs[i], y = ys[i];                                   \
            (void)y;                                                       \
            o[i] = (expr);                                                 \
        }                                                                  \
    }

KERNEL(fa, sin(x) * exp(-P2(x) / 2))
KERNEL(fb, P2(1 - x) + 100 * P2(y - P2(x)))
KERNEL(fc, 1 / (1 + exp(-x)))
KERNEL(fd, P8(x) - 3 * P7(x) + 5 * P6(x) - 2 * P5(x) + 7 * P4(x) - P3(x)
               + 4 * P2(x) - 6 * x + 9)
KERNEL(fe, P2(sin(x)) + cos(2 * x) * P3(x) - atan(x / 3) / (1 + P2(x))
               + sqrt(1 + P4(x)))

/* One point per call: the same expressions as scalar functions. */
typedef double Point(double x, double y);

#define POINT(name, expr)                                                  \
    static __attribute__((noinline)) double name(double x, double y)       \
    {                                                                      \
        (void)y;                                                           \
        return (expr);                                                     \
    }

POINT(pa, sin(x) * exp(-P2(x) / 2))
POINT(pb, P2(1 - x) + 100 * P2(y - P2(x)))
POINT(pc, 1 / (1 + exp(-x)))
POINT(pd, P8(x) - 3 * P7(x) + 5 * P6(x) - 2 * P5(x) + 7 * P4(x) - P3(x)
              + 4 * P2(x) - 6 * x + 9)
POINT(pe, P2(sin(x)) + cos(2 * x) * P3(x) - atan(x / 3) / (1 + P2(x))
              + sqrt(1 + P4(x)))

/* The chunk loop of the c_point engine: the function is called through a
 * pointer the compiler cannot see through, once per point. */
static Point *volatile point_fn;

static __attribute__((noinline)) void by_point(
    const double *restrict xs, const double *restrict ys,
    double *restrict o, size_t n)
{
    Point *f = point_fn;
    for (size_t i = 0; i < n; i++)
        o[i] = f(xs[i], ys[i]);
}

int main(int argc, char **argv)
{
    const char *engine = argc > 1 ? argv[1] : "c";
    long npts = argc > 2 ? atol(argv[2]) : BENCH_POINTS;
    int runs = argc > 3 ? atoi(argv[3]) : BENCH_RUNS;
    static Kernel *const k[5] = {fa, fb, fc, fd, fe};
    static Point *const pk[5] = {pa, pb, pc, pd, pe};
    int point = strcmp(engine, "c_point") == 0;
    double *x = malloc(BENCH_CHUNK * sizeof *x);
    double *y = malloc(BENCH_CHUNK * sizeof *y);
    double *o = malloc(BENCH_CHUNK * sizeof *o);
    bench_points(x, y);
    for (int e = 0; e < 5; e++) {
        double t[BENCH_MAX_RUNS];
        for (int r = 0; r < runs; r++) {
            double t0 = bench_now();
            point_fn = pk[e];
            for (long done = 0; done < npts; done += BENCH_CHUNK)
                (point ? by_point : k[e])(x, y, o, BENCH_CHUNK);
            t[r] = (bench_now() - t0) / (double)npts * 1e9;
        }
        printf("RESULT eval %c %s %.3f %.17g\n", 'a' + e, engine,
               bench_best(t, runs), bench_sum(o, BENCH_CHUNK));
    }
    free(x);
    free(y);
    free(o);
    return 0;
}
