/* bench_common.h — what every benchmark program of bench/ shares: the
 * points, the clock, the median. Header-only so each program is one file.
 *
 * Points: one chunk of BENCH_CHUNK points (x in [-2, 2], y in [-1, 3]),
 * small enough to stay in cache, evaluated over and over until the
 * requested number of points is done, so every engine is measured on its
 * arithmetic, not on memory bandwidth.
 */
#ifndef NABLA_BENCH_COMMON_H
#define NABLA_BENCH_COMMON_H

#include <stddef.h>
#include <time.h>

#define BENCH_CHUNK 4096
#define BENCH_POINTS 10000000L
#define BENCH_RUNS 5
#define BENCH_MAX_RUNS 31

static inline void bench_points(double *x, double *y)
{
    for (size_t i = 0; i < BENCH_CHUNK; i++) {
        /* a scrambled walk, so consecutive points are not neighbours */
        size_t j = (i * 2654435761u) % BENCH_CHUNK;
        x[i] = -2 + 4 * (j + 0.5) / BENCH_CHUNK;
        y[i] = -1 + 4 * ((i * 40503u) % BENCH_CHUNK + 0.5) / BENCH_CHUNK;
    }
}

/* CPU time of this thread, not wall time: on a loaded machine the time
 * other processes hold the core is not charged to the engine measured. */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double bench_median(double *t, int n)
{
    for (int i = 1; i < n; i++) /* insertion sort: n is tiny */
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            double s = t[j];
            t[j] = t[j - 1];
            t[j - 1] = s;
        }
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Best of n repetitions: on a shared machine a repetition can only be
 * slowed down by others, never sped up, so the minimum is the engine's own
 * speed; run.sh then takes the median of these over its rounds. */
static inline double bench_best(const double *t, int n)
{
    double b = t[0];
    for (int i = 1; i < n; i++)
        b = t[i] < b ? t[i] : b;
    return b;
}

/* Checksum of a chunk's results, weighted so that an odd function over
 * symmetric points does not sum to zero: engines computing the same
 * function agree on it to many digits. */
static inline double bench_sum(const double *o, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += o[i] * (double)(1 + i % 7);
    return s;
}

#endif
