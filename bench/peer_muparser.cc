// peer_muparser.cc — muparser (libmuparser-dev) on the five expressions of
// issue 6, one Eval() per point, for bench/run.sh.
// Usage: muparser [points [runs]]; prints "RESULT eval <item> muparser ...".
#include <cstdio>
#include <cstdlib>
#include <muParser.h>

#include "bench_common.h"
#include "exprs.h"

int main(int argc, char **argv)
{
    long npts = argc > 1 ? atol(argv[1]) : BENCH_POINTS;
    int runs = argc > 2 ? atoi(argv[2]) : BENCH_RUNS;
    static double xs[BENCH_CHUNK], ys[BENCH_CHUNK], o[BENCH_CHUNK];
    double x = 0, y = 0;
    bench_points(xs, ys);
    for (int e = 0; e < 5; e++) {
        mu::Parser p;
        p.DefineVar("x", &x);
        p.DefineVar("y", &y);
        p.SetExpr(bench_exprs[e]);
        double t[BENCH_MAX_RUNS];
        for (int r = 0; r < runs; r++) {
            double t0 = bench_now();
            for (long done = 0; done < npts; done += BENCH_CHUNK)
                for (size_t i = 0; i < BENCH_CHUNK; i++) {
                    x = xs[i];
                    y = ys[i];
                    o[i] = p.Eval();
                }
            t[r] = (bench_now() - t0) / (double)npts * 1e9;
        }
        printf("RESULT eval %c muparser %.3f %.17g\n", 'a' + e,
               bench_best(t, runs), bench_sum(o, BENCH_CHUNK));
    }
    return 0;
}
