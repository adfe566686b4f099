/* sample.c — adaptive sampling of y = f(x) for curves (nb_plot_sample)
 * and the y range a reader wants for them (nb_plot_robust_range).
 *
 * The sampler works in a normalised frame: u = (x - a) / (b - a) (in
 * log10 x when logx) and v = (y - lo) / (hi - lo) with [lo, hi] the robust
 * range of the first uniform samples, so "bends" and "jumps" mean what a
 * reader sees on the picture. It refines in rounds; each round collects
 * the intervals to bisect, evaluates all their midpoints in ONE call of
 * the callback, and merges them in.
 *
 * An interval [x_k, x_k+1] is bisected (while it is not too deep) when
 *  - one end is finite and the other is not: the edge of the domain (log x
 *    near 0) is pinned down to within 2^-12 of the first spacing;
 *  - both are finite and |v_k+1 - v_k| > JUMP: a steep stretch, a jump or
 *    a pole; bisection splits a continuous stretch into small steps, while
 *    a jump keeps its size and a pole grows;
 *  - the turn between neighbouring segments at either end exceeds ANGLE
 *    degrees (a bend), up to depth ANGLE_DEPTH;
 * but not when both ends lie off the picture on the same side (nothing to
 * see), nor when they lie FAR off it on opposite sides (a pole crossed, as
 * tan at pi/2: decided). After refinement a NaN break is inserted in every
 * interval that still jumps by more than JUMP and either reached the depth
 * limit (a discontinuity) or is such a pole crossing, so no line is drawn
 * through a pole or across a jump.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/plot.h"

#define N0 200              /* first uniform points */
#define MAX_DEPTH 12        /* bisections of a first interval: edges, jumps */
#define ANGLE_DEPTH 8       /* bisections for bends */
#define ANGLE 3.0           /* degrees */
#define JUMP 0.2            /* of the robust y range */
#define MARGIN 0.05         /* the picture's y range: [-MARGIN, 1 + MARGIN] */
#define FAR 10.0            /* "far" off the picture: |v - 1/2| > FAR */

typedef struct Samples {
    double *x, *y;
    unsigned char *dep;     /* bisections of the interval right of point k */
    size_t n, cap;
} Samples;

typedef struct Frame {
    double ua, us;          /* u = (U(x) - ua) / us */
    double ylo, ys;         /* v = (y - ylo) / ys */
    int logx;
} Frame;

static void samples_free(Samples *s)
{
    free(s->x);
    free(s->y);
    free(s->dep);
}

static int samples_alloc(Samples *s, size_t cap)
{
    s->x = malloc(cap * sizeof *s->x);
    s->y = malloc(cap * sizeof *s->y);
    s->dep = malloc(cap);
    s->n = 0;
    s->cap = cap;
    return s->x && s->y && s->dep ? 0 : -1;
}

static double fu(const Frame *f, double x)
{
    return ((f->logx ? log10(x) : x) - f->ua) / f->us;
}

static double fv(const Frame *f, double y)
{
    return (y - f->ylo) / f->ys;
}

/* Evaluate n points through the callback; non-finite results become NaN. */
static int evaluate(NbPlotEval eval, void *ctx, const double *x, double *y,
                    size_t n)
{
    if (n == 0)
        return 0;
    if (eval(ctx, x, y, n) != 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(y[k]))
            y[k] = NAN;
    return 0;
}

/* The turn in degrees at point k (0 when a neighbour is missing or not
 * finite). */
static double turn(const Frame *f, const Samples *s, size_t k)
{
    if (k == 0 || k + 1 >= s->n)
        return 0;
    const double *x = s->x, *y = s->y;
    if (isnan(y[k - 1]) || isnan(y[k]) || isnan(y[k + 1]))
        return 0;
    double ax = fu(f, x[k]) - fu(f, x[k - 1]), ay = fv(f, y[k]) - fv(f, y[k - 1]);
    double bx = fu(f, x[k + 1]) - fu(f, x[k]), by = fv(f, y[k + 1]) - fv(f, y[k]);
    double c = ax * bx + ay * by, d = ax * by - ay * bx;
    return fabs(atan2(d, c)) * (180 / 3.14159265358979323846);
}

static int offside(double v)
{
    return v > 1 + MARGIN ? 1 : v < -MARGIN ? -1 : 0;
}

/* 1 when interval k is a pole crossing: both ends far off the picture on
 * opposite sides. */
static int pole_cross(const Frame *f, const Samples *s, size_t k)
{
    double va = fv(f, s->y[k]), vb = fv(f, s->y[k + 1]);
    return fabs(va - 0.5) > FAR && fabs(vb - 0.5) > FAR
           && offside(va) * offside(vb) < 0;
}

/* How much interval k wants a bisection: 0 none, 2 an edge or a jump, 1 a
 * bend (edges and jumps go first when the budget is short). */
static int want_split(const Frame *f, const Samples *s, size_t k)
{
    int d = s->dep[k];
    double ya = s->y[k], yb = s->y[k + 1];
    if (d >= MAX_DEPTH)
        return 0;
    if (isnan(ya) != isnan(yb))
        return 2;
    if (isnan(ya))
        return 0;
    double va = fv(f, ya), vb = fv(f, yb);
    if (offside(va) != 0 && offside(va) == offside(vb))
        return 0;
    if (fabs(vb - va) > JUMP)
        return pole_cross(f, s, k) ? 0 : 2;
    if (d >= ANGLE_DEPTH)
        return 0;
    return turn(f, s, k) > ANGLE || turn(f, s, k + 1) > ANGLE;
}

typedef struct Cand { size_t k; int pri; } Cand;

static int cand_by_pri(const void *pa, const void *pb)
{
    const Cand *a = pa, *b = pb;
    if (a->pri != b->pri)
        return a->pri > b->pri ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

static int cand_by_k(const void *pa, const void *pb)
{
    const Cand *a = pa, *b = pb;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* One round: bisect the chosen intervals (at most budget - n of them).
 * Returns 1 when points were added, 0 when none was wanted, -1 on error. */
static int refine_round(NbPlotEval eval, void *ctx, const Frame *f,
                        Samples *s, size_t budget, Cand *cand, double *mx,
                        double *my)
{
    size_t nc = 0;
    for (size_t k = 0; k + 1 < s->n; k++) {
        int p = want_split(f, s, k);
        if (p)
            cand[nc++] = (Cand){ k, p };
    }
    size_t room = budget > s->n ? budget - s->n : 0;
    if (nc == 0 || room == 0)
        return 0;
    if (nc > room) {
        qsort(cand, nc, sizeof *cand, cand_by_pri);
        nc = room;
        qsort(cand, nc, sizeof *cand, cand_by_k);
    }
    for (size_t c = 0; c < nc; c++) {
        double xa = s->x[cand[c].k], xb = s->x[cand[c].k + 1];
        mx[c] = f->logx ? sqrt(xa) * sqrt(xb) : 0.5 * xa + 0.5 * xb;
    }
    if (evaluate(eval, ctx, mx, my, nc) < 0)
        return -1;
    /* merge from the back, in place (cap >= budget) */
    size_t w = s->n + nc, c = nc;
    for (size_t k = s->n; k-- > 0;) {
        if (c > 0 && cand[c - 1].k == k) {
            c--;
            w--;
            s->x[w] = mx[c];
            s->y[w] = my[c];
            s->dep[w] = (unsigned char)(s->dep[k] + 1);
            s->dep[k]++;
        }
        w--;
        s->x[w] = s->x[k];
        s->y[w] = s->y[k];
        s->dep[w] = s->dep[k];
    }
    s->n += nc;
    return 1;
}

/* 1 when a NaN break belongs inside interval k (both ends finite). */
static int is_break(const Frame *f, const Samples *s, size_t k)
{
    if (isnan(s->y[k]) || isnan(s->y[k + 1]))
        return 0;
    double va = fv(f, s->y[k]), vb = fv(f, s->y[k + 1]);
    if (offside(va) != 0 && offside(va) == offside(vb))
        return 0;
    return fabs(vb - va) > JUMP
           && (s->dep[k] >= MAX_DEPTH || pole_cross(f, s, k));
}

/* Copy the samples out with NaN breaks: runs of non-finite values become
 * one NaN, breaks are inserted (or, past the max, replace the next
 * point), and no NaN leads or trails. */
static int assemble(const Frame *f, const Samples *s, size_t max,
                    double **xs, double **ys, size_t *n)
{
    double *ox = malloc((max ? max : 1) * sizeof *ox);
    double *oy = malloc((max ? max : 1) * sizeof *oy);
    if (!ox || !oy) {
        free(ox);
        free(oy);
        return -1;
    }
    size_t m = 0;
    int skip_next = 0;
    for (size_t k = 0; k < s->n && m < max; k++) {
        int nan = isnan(s->y[k]) || skip_next;
        skip_next = 0;
        if (nan) {
            if (m > 0 && !isnan(oy[m - 1])) {
                ox[m] = s->x[k];
                oy[m++] = NAN;
            }
            continue;
        }
        ox[m] = s->x[k];
        oy[m++] = s->y[k];
        if (k + 1 < s->n && is_break(f, s, k)) {
            if (m < max && s->n - k - 1 < max - m) {
                ox[m] = 0.5 * s->x[k] + 0.5 * s->x[k + 1];
                oy[m++] = NAN;
            } else {
                skip_next = 1;
            }
        }
    }
    while (m > 0 && isnan(oy[m - 1]))
        m--;
    *xs = ox;
    *ys = oy;
    *n = m;
    return 0;
}

/* The first uniform samples (log-spaced when logx), endpoints exact. */
static void uniform(double a, double b, int logx, size_t n0, double *x)
{
    double la = logx ? log10(a) : a, lb = logx ? log10(b) : b;
    for (size_t k = 0; k < n0; k++) {
        double t = n0 > 1 ? (double)k / (double)(n0 - 1) : 0;
        double u = la + (lb - la) * t;
        x[k] = logx ? pow(10, u) : u;
    }
    x[0] = a;
    if (n0 > 1)
        x[n0 - 1] = b;
}

/* See nabla/plot.h and the comment at the top of this file. logx with
 * a <= 0 samples linearly; a > b is swapped; no finite value gives
 * *n = 0 (with *xs, *ys allocated). Returns 0, or -1 when the callback
 * stopped or memory ran out. */
int nb_plot_sample(NbPlotEval eval, void *ctx, double a, double b,
                   int logx, size_t max, double **xs, double **ys,
                   size_t *n)
{
    *xs = *ys = NULL;
    *n = 0;
    if (max > NB_PLOT_MAX_SAMPLES)
        max = NB_PLOT_MAX_SAMPLES;
    if (!isfinite(a) || !isfinite(b))
        return -1;
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    if (logx && !(a > 0))
        logx = 0;
    size_t budget = max > 16 ? max - max / 16 : max;   /* room for breaks */
    size_t n0 = budget < N0 ? budget : N0;
    Samples s;
    Cand *cand = malloc((budget + 1) * sizeof *cand);
    double *mx = malloc((budget + 1) * sizeof *mx);
    double *my = malloc((budget + 1) * sizeof *my);
    int rc = -1;
    if (samples_alloc(&s, budget + 1) < 0 || !cand || !mx || !my)
        goto out;
    uniform(a, b, logx, n0, s.x);
    memset(s.dep, 0, n0);
    s.n = n0;
    if (evaluate(eval, ctx, s.x, s.y, n0) < 0)
        goto out;
    Frame f = { logx ? log10(a) : a, 1, 0, 1, logx };
    f.us = (logx ? log10(b) : b) - f.ua;
    if (!(f.us > 0))
        f.us = 1;
    double lo, hi;
    nb_plot_robust_range(n0, s.y, &lo, &hi);
    if (isfinite(lo) && isfinite(hi) && hi - lo > 0 && isfinite(hi - lo)) {
        f.ylo = lo;
        f.ys = hi - lo;
    } else if (isfinite(lo)) {
        f.ylo = lo - 0.5;
    }
    for (int round = 0; round <= MAX_DEPTH; round++) {
        int r = refine_round(eval, ctx, &f, &s, budget, cand, mx, my);
        if (r < 0)
            goto out;
        if (r == 0)
            break;
    }
    rc = assemble(&f, &s, max, xs, ys, n);
out:
    samples_free(&s);
    free(cand);
    free(mx);
    free(my);
    return rc;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

/* The robust range. Rule: with m finite values sorted, q2 and q98 the
 * values of rank floor(0.02 (m-1)) and ceil(0.98 (m-1)) and s = q98 - q2:
 * when m >= 20 and s > 0, a side whose extreme lies more than 3 s beyond
 * its percentile (min < q2 - 3 s, max > q98 + 3 s) is clipped to that
 * percentile widened by s / 4 (q2 - s/4, q98 + s/4); otherwise the
 * range is min..max. A pole (tan near pi/2) sends a few samples orders of
 * magnitude beyond the bulk and is clipped; fast but tame growth (exp on
 * [0, 50]: max - q98 about 2.5 s) is not. No finite value: NaN, NaN.
 * When memory runs out, the plain min..max. */
void nb_plot_robust_range(size_t n, const double *y, double *lo, double *hi)
{
    *lo = *hi = NAN;
    size_t m = 0;
    double mn = INFINITY, mxv = -INFINITY;
    for (size_t k = 0; k < n; k++)
        if (isfinite(y[k])) {
            m++;
            mn = fmin(mn, y[k]);
            mxv = fmax(mxv, y[k]);
        }
    if (m == 0)
        return;
    *lo = mn;
    *hi = mxv;
    double *v = m >= 20 ? malloc(m * sizeof *v) : NULL;
    if (!v)
        return;
    m = 0;
    for (size_t k = 0; k < n; k++)
        if (isfinite(y[k]))
            v[m++] = y[k];
    qsort(v, m, sizeof *v, cmp_double);
    double q2 = v[(size_t)floor(0.02 * (double)(m - 1))];
    double q98 = v[(size_t)ceil(0.98 * (double)(m - 1))];
    double sp = q98 - q2;
    free(v);
    if (!(sp > 0) || !isfinite(sp))
        return;
    if (mn < q2 - 3 * sp)
        *lo = q2 - 0.25 * sp;
    if (mxv > q98 + 3 * sp)
        *hi = q98 + 0.25 * sp;
}
