/* contour.c — marching squares traced into connected paths (contour.h),
 * and nice contour levels (nb_plot_levels, nabla/plot.h).
 *
 * One pass over the cells emits ORIENTED segments between "nodes": the
 * crossing point on a cell edge (one per edge whose corners are on
 * different sides of the level) and, for regions, the grid points
 * themselves. Every segment has the region {z >= level} on its left, so
 * a node has at most one outgoing segment (grid points on the border of
 * the valid domain: at most two, where two holes touch at a corner), and
 * connected paths are traced by following each segment's end node to the
 * segment leaving it. No coordinates are compared: nodes are integers, so
 * joins are exact and the tracing is linear in the grid.
 *
 * Nodes: H(i, j) the crossing on the edge (i, j)-(i+1, j), V(i, j) the one
 * on (i, j)-(i, j+1), P(i, j) the grid point; numbered H first, then V,
 * then P.
 */
#include "contour.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "nabla/plot.h"

void nb_contour_path_free(NbContourPath *p)
{
    free(p->x);
    free(p->y);
    free(p->ops);
    memset(p, 0, sizeof *p);
}

void nb_contour_path_clear(NbContourPath *p)
{
    p->n = 0;
}

/* Room for one more point: 0, or -1 when memory ran out (p unchanged in
 * content; a block that did grow stays valid). */
static int path_reserve(NbContourPath *p)
{
    if (p->n < p->cap)
        return 0;
    size_t cap = p->cap ? 2 * p->cap : 256;
    if (cap > SIZE_MAX / sizeof(double))
        return -1;
    double *x = realloc(p->x, cap * sizeof *x);
    if (!x)
        return -1;
    p->x = x;
    double *y = realloc(p->y, cap * sizeof *y);
    if (!y)
        return -1;
    p->y = y;
    unsigned char *o = realloc(p->ops, cap);
    if (!o)
        return -1;
    p->ops = o;
    p->cap = cap;
    return 0;
}

typedef struct Tracer {
    const double *z;
    size_t nx, ny, nh, nv;      /* nh, nv: counts of H and V nodes */
    double level;
    unsigned char *cls;         /* per grid point: 0 below, 1 above, 2 hole */
    int holes;                  /* some grid point is a hole */
    uint32_t *out1;             /* H and V nodes: outgoing segment + 1 */
    uint32_t *outp;             /* P nodes: two slots each (region only) */
    unsigned char *hasin;       /* H and V nodes: an incoming segment (lines) */
    uint32_t *from, *to;        /* segments */
    unsigned char *used;
    size_t nseg, cap;
} Tracer;

static void tracer_free(Tracer *t)
{
    free(t->cls);
    free(t->out1);
    free(t->outp);
    free(t->hasin);
    free(t->from);
    free(t->to);
    free(t->used);
}

/* Allocate the scratch arrays and classify the grid points. */
static int tracer_init(Tracer *t, const double *z, size_t nx, size_t ny,
                       double level, int region)
{
    memset(t, 0, sizeof *t);
    t->z = z;
    t->nx = nx;
    t->ny = ny;
    t->level = level;
    if (nx > (SIZE_MAX / 8) / ny)
        return -1;
    size_t np = nx * ny;
    t->nh = (nx - 1) * ny;
    t->nv = nx * (ny - 1);
    if (t->nh + t->nv + np >= UINT32_MAX / 2)
        return -1;
    t->cls = malloc(np);
    t->out1 = calloc(t->nh + t->nv, sizeof *t->out1);
    if (region)
        t->outp = calloc(2 * np, sizeof *t->outp);
    else
        t->hasin = calloc(t->nh + t->nv, 1);
    if (!t->cls || !t->out1 || (region ? !t->outp : !t->hasin))
        return -1;
    unsigned char any = 0;
    for (size_t k = 0; k < np; k++) {
        unsigned char c = !isfinite(z[k]) ? 2 : z[k] >= level ? 1 : 0;
        t->cls[k] = c;
        any |= c;
    }
    t->holes = (any & 2) != 0;
    return 0;
}

/* Append the segment a -> b and register it as a's outgoing segment. */
static int add_seg(Tracer *t, uint32_t a, uint32_t b)
{
    if (t->nseg == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        uint32_t *f = realloc(t->from, cap * sizeof *f);
        if (!f)
            return -1;
        t->from = f;
        uint32_t *g = realloc(t->to, cap * sizeof *g);
        if (!g)
            return -1;
        t->to = g;
        t->cap = cap;
    }
    uint32_t s = (uint32_t)t->nseg++;
    t->from[s] = a;
    t->to[s] = b;
    if (a < t->nh + t->nv) {
        t->out1[a] = s + 1;
        if (t->hasin)
            t->hasin[b] = 1;
    } else {
        uint32_t *slot = t->outp + 2 * (size_t)(a - t->nh - t->nv);
        slot[slot[0] ? 1 : 0] = s + 1;
    }
    return 0;
}

/* The fraction along a->b where the level is crossed, kept in [0, 1]. */
static double cross_t(double za, double zb, double level)
{
    double t = (level - za) / (zb - za);
    if (!(t >= 0))
        return t < 0 ? 0 : 0.5;
    return t > 1 ? 1 : t;
}

/* A node's position in grid coordinates. */
static void node_xy(const Tracer *t, uint32_t node, double *x, double *y)
{
    size_t nx = t->nx, k = node;
    if (k < t->nh) {
        size_t i = k % (nx - 1), j = k / (nx - 1);
        const double *r = t->z + j * nx + i;
        *x = (double)i + cross_t(r[0], r[1], t->level);
        *y = (double)j;
    } else if (k < t->nh + t->nv) {
        k -= t->nh;
        size_t i = k % nx, j = k / nx;
        const double *r = t->z + k;
        *x = (double)i;
        *y = (double)j + cross_t(r[0], r[nx], t->level);
    } else {
        k -= t->nh + t->nv;
        *x = (double)(k % nx);
        *y = (double)(k / nx);
    }
}

/* The iso segments of cell (i, j). Corners c0..c3 counter-clockwise from
 * (i, j); edge k runs from ck to ck+1. Walking the edges in that order, an
 * "exit" edge goes from above to below, an "entry" edge the other way; the
 * region's boundary leaves the cell border at an exit and joins it again
 * at an entry, so each segment runs exit -> entry. A saddle has two exits:
 * with the centre above, each exit joins the next entry (the below corners
 * are cut off), else the previous one (the above corners are cut off). */
static int cell_iso(Tracer *t, const unsigned char c[4], const uint32_t e[4],
                    const double zc[4])
{
    int ex[2], en[2], nex = 0, nen = 0;
    for (int k = 0; k < 4; k++) {
        int a = c[k], b = c[(k + 1) & 3];
        if (a && !b)
            ex[nex++] = k;
        else if (!a && b)
            en[nen++] = k;
    }
    if (nex == 1)
        return add_seg(t, e[ex[0]], e[en[0]]);
    if (nex != 2)
        return 0;
    double mid = 0.25 * zc[0] + 0.25 * zc[1] + 0.25 * zc[2] + 0.25 * zc[3];
    int step = mid >= t->level ? 1 : 3;
    for (int m = 0; m < 2; m++)
        if (add_seg(t, e[ex[m]], e[(ex[m] + step) & 3]) < 0)
            return -1;
    return 0;
}

/* 1 when the cell across edge k of cell (i, j) exists and is valid. */
static int neighbour_valid(const Tracer *t, size_t i, size_t j, int k)
{
    size_t nx = t->nx, v = j * nx + i;
    const unsigned char *c = t->cls;
    if (!t->holes) {
        switch (k) {
        case 0: return j > 0;
        case 1: return i + 2 < nx;
        case 2: return j + 2 < t->ny;
        default: return i > 0;
        }
    }
    switch (k) {
    case 0: return j > 0 && c[v - nx] != 2 && c[v - nx + 1] != 2;
    case 1: return i + 2 < nx && c[v + 2] != 2 && c[v + nx + 2] != 2;
    case 2: return j + 2 < t->ny && c[v + 2 * nx] != 2
                   && c[v + 2 * nx + 1] != 2;
    default: return i > 0 && c[v - 1] != 2 && c[v + nx - 1] != 2;
    }
}

/* The pieces of cell (i, j)'s edges that lie on the border of the valid
 * domain and in the region, oriented counter-clockwise around the cell
 * (so with the region on their left, as the iso segments). */
static int cell_border(Tracer *t, size_t i, size_t j, const unsigned char c[4],
                       const uint32_t e[4], const uint32_t p[4])
{
    for (int k = 0; k < 4; k++) {
        int a = c[k], b = c[(k + 1) & 3];
        if ((!a && !b) || neighbour_valid(t, i, j, k))
            continue;
        uint32_t from = a ? p[k] : e[k];
        uint32_t to = b ? p[(k + 1) & 3] : e[k];
        if (add_seg(t, from, to) < 0)
            return -1;
    }
    return 0;
}

/* 1 when grid points i .. i+7 of rows j and j+1 (no holes in the grid)
 * all have the same class, so cells i .. i+6 emit nothing: all below, or
 * all above and (for a region) none on the grid border. */
static int skip7(const Tracer *t, size_t v, size_t i, size_t j, int region)
{
    uint64_t a, b;
    memcpy(&a, t->cls + v, 8);
    memcpy(&b, t->cls + v + t->nx, 8);
    if (a != b)
        return 0;
    if (a == 0)
        return 1;
    return a == UINT64_C(0x0101010101010101)
           && (!region || (i > 0 && j > 0 && j + 2 < t->ny && i + 8 < t->nx));
}

/* Emit every cell's segments, row by row (so the output is deterministic). */
static int scan_cells(Tracer *t, int region)
{
    size_t nx = t->nx, ny = t->ny;
    uint32_t hv = (uint32_t)(t->nh + t->nv);
    for (size_t j = 0; j + 1 < ny; j++) {
        for (size_t i = 0; i + 1 < nx; i++) {
            size_t v = j * nx + i;
            if (!t->holes && i + 8 <= nx && skip7(t, v, i, j, region)) {
                i += 6;             /* cells i .. i+6: nothing to emit */
                continue;
            }
            unsigned char c[4] = { t->cls[v], t->cls[v + 1],
                                   t->cls[v + nx + 1], t->cls[v + nx] };
            if ((c[0] | c[1] | c[2] | c[3]) & 2)
                continue;
            int code = c[0] | c[1] << 1 | c[2] << 2 | c[3] << 3;
            if (code == 0)
                continue;
            if (code == 15 && (!region || (!t->holes && i > 0 && j > 0
                                           && i + 2 < nx && j + 2 < ny)))
                continue;           /* inside the region, off its border */
            uint32_t e[4] = {
                (uint32_t)(j * (nx - 1) + i),
                (uint32_t)(t->nh + j * nx + i + 1),
                (uint32_t)((j + 1) * (nx - 1) + i),
                (uint32_t)(t->nh + j * nx + i) };
            if (code != 15) {
                const double *r = t->z + v;
                double zc[4] = { r[0], r[1], r[nx + 1], r[nx] };
                if (cell_iso(t, c, e, zc) < 0)
                    return -1;
            }
            if (region) {
                uint32_t p[4] = { hv + (uint32_t)v, hv + (uint32_t)v + 1,
                                  hv + (uint32_t)(v + nx + 1),
                                  hv + (uint32_t)(v + nx) };
                if (cell_border(t, i, j, c, e, p) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* An unused segment leaving node, or -1. */
static long next_out(const Tracer *t, uint32_t node)
{
    size_t hv = t->nh + t->nv;
    if (node < hv) {
        uint32_t s = t->out1[node];
        return s && !t->used[s - 1] ? (long)s - 1 : -1;
    }
    const uint32_t *slot = t->outp + 2 * (size_t)(node - hv);
    for (int m = 0; m < 2; m++)
        if (slot[m] && !t->used[slot[m] - 1])
            return (long)slot[m] - 1;
    return -1;
}

/* Append a point unless it repeats the subpath's last one. */
static int emit(NbContourPath *out, size_t first, double x, double y,
                unsigned char op)
{
    if (out->n > first && out->x[out->n - 1] == x && out->y[out->n - 1] == y)
        return 0;
    if (path_reserve(out) < 0)
        return -1;
    out->x[out->n] = x;
    out->y[out->n] = y;
    out->ops[out->n++] = op;
    return 0;
}

/* Follow segments from s until the path comes back to its first node (a
 * ring, closed) or reaches a node with nothing leaving it (an open line).
 * Degenerate pieces (a ring of fewer than 3 distinct points, a line of
 * one) are dropped. */
static int trace(Tracer *t, uint32_t s, NbContourPath *out)
{
    size_t first = out->n;
    uint32_t start = t->from[s];
    double x, y, x0, y0;
    node_xy(t, start, &x0, &y0);
    if (emit(out, first, x0, y0, NB_MOVE) < 0)
        return -1;
    int closed = 0;
    for (;;) {
        t->used[s] = 1;
        uint32_t node = t->to[s];
        if (node == start) {
            closed = 1;
            break;
        }
        node_xy(t, node, &x, &y);
        if (emit(out, first, x, y, NB_LINE) < 0)
            return -1;
        long nx = next_out(t, node);
        if (nx < 0)
            break;
        s = (uint32_t)nx;
    }
    if (closed) {
        if (out->n - first > 1 && out->x[out->n - 1] == x0
            && out->y[out->n - 1] == y0)
            out->n--;
        if (out->n - first < 3)
            out->n = first;
        else
            out->ops[out->n - 1] = NB_LINE_CLOSE;
    } else if (out->n - first < 2) {
        out->n = first;
    }
    return 0;
}

/* Trace all segments: open lines from their free starts first, then the
 * rings that remain. */
static int trace_all(Tracer *t, NbContourPath *out)
{
    if (t->nseg == 0)
        return 0;
    t->used = calloc(t->nseg, 1);
    if (!t->used)
        return -1;
    if (t->hasin)
        for (size_t s = 0; s < t->nseg; s++)
            if (!t->used[s] && !t->hasin[t->from[s]]
                && trace(t, (uint32_t)s, out) < 0)
                return -1;
    for (size_t s = 0; s < t->nseg; s++)
        if (!t->used[s] && trace(t, (uint32_t)s, out) < 0)
            return -1;
    return 0;
}

static int contour(const double *z, size_t nx, size_t ny, double level,
                   int region, NbContourPath *out)
{
    if (nx < 2 || ny < 2 || isnan(level))
        return 0;
    size_t n0 = out->n;
    Tracer t;
    int rc = tracer_init(&t, z, nx, ny, level, region);
    if (rc == 0)
        rc = scan_cells(&t, region);
    if (rc == 0)
        rc = trace_all(&t, out);
    tracer_free(&t);
    if (rc < 0)
        out->n = n0;
    return rc;
}

int nb_contour_lines(const double *z, size_t nx, size_t ny, double level,
                     NbContourPath *out)
{
    return contour(z, nx, ny, level, 0, out);
}

int nb_contour_region(const double *z, size_t nx, size_t ny, double level,
                      NbContourPath *out)
{
    return contour(z, nx, ny, level, 1, out);
}

double nb_contour_positive_min(const double *z, size_t n)
{
    double m = NAN;
    for (size_t k = 0; k < n; k++)
        if (isfinite(z[k]) && z[k] > 0 && !(z[k] >= m))
            m = z[k];
    return m;
}

/* --- levels ----------------------------------------------------------------*/

/* 10^p, exact for |p| <= 22. */
static double pow10i(int p)
{
    double r = 1;
    for (int k = 0; k < (p < 0 ? -p : p) && k < 400; k++)
        r *= 10;
    return p < 0 ? 1 / r : r;
}

/* k * m * 10^p with k * m an integer, correctly rounded (one rounding
 * when |p| <= 22, else strtod of its decimal form), so 0.1-steps give
 * 0.3, not 0.30000000000000004, and 1e-30 is the literal's value. */
static double scaled(double km, int p)
{
    if (p >= -22 && p <= 22)
        return p >= 0 ? km * pow10i(p) : km / pow10i(-p);
    char buf[64];
    snprintf(buf, sizeof buf, "%.0fe%d", km, p);
    return strtod(buf, NULL);
}

/* Linear nice levels (MaxNLocator): the smallest step m * 10^p, m in
 * 1, 2, 2.5, 5, 10, such that the multiples of the step from the last one
 * <= lo to the first one >= hi are at most n + 1. Returns the count
 * (writing at most max), and the step in *step. */
static size_t lin_levels(double lo, double hi, size_t n, double *out,
                         size_t max, double *step)
{
    static const int mant[] = { 10, 20, 25, 50, 100 };
    if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi))) {
        /* 5% of the value, at least the least normal double (5% of a
         * subnormal constant like 1.5e-323 is 0) */
        double d = lo == 0 ? 1 : fmax(0.05 * fabs(lo), DBL_MIN);
        lo -= d;
        hi += d;
    }
    /* a span that is still not positive and finite has no levels: log10
     * of 0 is -inf, and -inf as an int is undefined (a constant field of
     * 1.5e-323 got there, found by the script generator) */
    if (!(hi - lo > 0) || !isfinite(hi - lo))
        return 0;
    if (n < 1)
        n = 1;
    int e = (int)floor(log10((hi - lo) / (double)n)) - 1;
    for (int tries = 0; tries < 8; tries++, e++) {
        for (int m = 0; m < 5; m++) {
            double st = scaled(mant[m], e - 1);
            double k0 = floor(lo / st + 1e-9), k1 = ceil(hi / st - 1e-9);
            if (k1 - k0 + 1 > (double)n + 1)
                continue;
            size_t c = (size_t)(k1 - k0 + 1);
            for (size_t k = 0; k < c && k < max; k++)
                out[k] = scaled((k0 + (double)k) * mant[m], e - 1);
            *step = st;
            return c < max ? c : max;
        }
    }
    return 0;
}

/* 1-2-5 levels per decade covering [lo, hi] (writing at most max);
 * returns the count they need. */
static size_t levels_125(double lo, double hi, double *out, size_t max)
{
    static const int m125[] = { 1, 2, 5 };
    int e0 = (int)floor(log10(lo)) - 1, e1 = (int)ceil(log10(hi)) + 1;
    size_t c = 0;
    int started = 0;
    for (int e = e0; e <= e1; e++)
        for (int m = 0; m < 3; m++) {
            double v = scaled(m125[m], e);
            double nxt = m < 2 ? scaled(m125[m + 1], e) : scaled(1, e + 1);
            if (!started && nxt <= lo * (1 + 1e-9))
                continue;           /* the next one is still <= lo */
            started = 1;
            if (c < max)
                out[c] = v;
            c++;
            if (v >= hi * (1 - 1e-9))
                return c;
        }
    return c;
}

/* Log levels (see nb_plot_levels). */
static size_t log_levels(double lo, double hi, size_t n, double *out,
                         size_t max)
{
    if (!(hi > 0) || !isfinite(hi))
        return 0;
    if (!(lo > 0) || !isfinite(lo))
        lo = hi * 1e-6;
    if (hi / lo < 1 + 1e-9) {
        lo /= 3.1622776601683795;
        hi *= 3.1622776601683795;
    }
    double a = log10(lo), b = log10(hi), st = 0;
    if (n < 1)
        n = 1;
    double tmp[NB_PLOT_MAX_LEVELS + 2];
    size_t c = lin_levels(a, b, n, tmp, NB_PLOT_MAX_LEVELS + 2, &st);
    if (c == 0)
        return 0;
    if (st >= 1) {
        /* a decade or more per step: whole decades, every 1, 2, 5, 10 ... */
        static const int dm[] = { 1, 2, 5 };
        double de = 1;
        for (int q = 1; q < 60; q++) {
            if (ceil(b / de - 1e-9) - floor(a / de + 1e-9) + 1 <= (double)n + 1)
                break;
            de = dm[q % 3] * pow10i(q / 3);
        }
        double k0 = floor(a / de + 1e-9), k1 = ceil(b / de - 1e-9);
        size_t m = 0;
        for (double k = k0; k <= k1; k++, m++)
            if (m < max)
                out[m] = scaled(1, (int)(k * de));
        return m < max ? m : max;
    }
    size_t c125 = levels_125(lo, hi, NULL, 0);
    if (c125 <= n + 1 && 2 * c125 >= n + 1) {
        levels_125(lo, hi, out, max);
        return c125 < max ? c125 : max;
    }
    if (c125 > n + 1) {
        double k0 = floor(a + 1e-9), k1 = ceil(b - 1e-9);
        size_t m = 0;
        for (double k = k0; k <= k1; k++, m++)
            if (m < max)
                out[m] = scaled(1, (int)k);
        return m < max ? m : max;
    }
    /* less than a few decades and many levels: evenly spaced in log10 */
    for (size_t k = 0; k < c && k < max; k++)
        out[k] = pow(10, tmp[k]);
    return c < max ? c : max;
}

/* Nice contour levels covering [lo, hi]: the first level <= lo, the last
 * >= hi, about n of them (at most n + 1).
 * Linear: multiples of a 1, 2, 2.5 or 5 times 10^k step (matplotlib's
 * MaxNLocator); lo == hi is widened by 5% (by 1 around 0).
 * Log: when n asks for less than one level per decade, whole decades
 * (every 1, 2, 5, 10, ... decades); else 1-2-5 per decade when that gives
 * between (n+1)/2 and n+1 levels; whole decades when 1-2-5 gives too
 * many; levels evenly spaced in log10 when even 1-2-5 gives too few (a
 * span of less than a few decades). lo must be > 0: a caller whose grid
 * holds zeros or negative values passes nb_contour_positive_min(); a lo
 * <= 0 that reaches here is taken as hi * 1e-6.
 * Non-finite bounds (or hi <= 0 on a log scale) give no levels. */
size_t nb_plot_levels(double lo, double hi, size_t n, int log, double *out,
                      size_t max)
{
    if (isnan(lo) || isnan(hi) || isinf(hi) || (!log && isinf(lo)))
        return 0;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (n > NB_PLOT_MAX_LEVELS)
        n = NB_PLOT_MAX_LEVELS;
    if (log)
        return log_levels(lo, hi, n, out, max);
    double st;
    return lin_levels(lo, hi, n, out, max, &st);
}
