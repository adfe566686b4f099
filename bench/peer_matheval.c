/* peer_matheval.c — GNU libmatheval (libmatheval-dev) on the five
 * expressions of issue 6, one evaluator_evaluate() per point, for
 * bench/run.sh. Usage: matheval [points [runs]]. */
#include <stdio.h>
#include <stdlib.h>
#include <matheval.h>

#include "bench_common.h"
#include "exprs.h"

int main(int argc, char **argv)
{
    long npts = argc > 1 ? atol(argv[1]) : BENCH_POINTS;
    int runs = argc > 2 ? atoi(argv[2]) : BENCH_RUNS;
    static double xs[BENCH_CHUNK], ys[BENCH_CHUNK], o[BENCH_CHUNK];
    char *names[2] = {"x", "y"};
    bench_points(xs, ys);
    for (int e = 0; e < 5; e++) {
        void *f = evaluator_create((char *)bench_exprs[e]);
        if (!f) {
            fprintf(stderr, "matheval: cannot parse %s\n", bench_exprs[e]);
            return 1;
        }
        double t[BENCH_MAX_RUNS];
        for (int r = 0; r < runs; r++) {
            double t0 = bench_now();
            for (long done = 0; done < npts; done += BENCH_CHUNK)
                for (size_t i = 0; i < BENCH_CHUNK; i++) {
                    double v[2] = {xs[i], ys[i]};
                    o[i] = evaluator_evaluate(f, 2, names, v);
                }
            t[r] = (bench_now() - t0) / (double)npts * 1e9;
        }
        printf("RESULT eval %c matheval %.3f %.17g\n", 'a' + e,
               bench_best(t, runs), bench_sum(o, BENCH_CHUNK));
        evaluator_destroy(f);
    }
    return 0;
}
