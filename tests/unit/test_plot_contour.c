/* test_plot_contour.c — the geometry behind pictures, against closed
 * forms: marching squares (contour.c), nice levels, adaptive sampling and
 * the robust range (sample.c), the surface's projection (surface.c). */
#include <math.h>
#include <stdlib.h>

#include "canvas.h"
#include "check.h"
#include "contour.h"
#include "nabla/plot.h"
#include "surface.h"

#define PI 3.14159265358979323846

/* --- path helpers ---------------------------------------------------------*/

static size_t count_op(const NbContourPath *p, int op)
{
    size_t c = 0;
    for (size_t k = 0; k < p->n; k++)
        c += p->ops[k] == op;
    return c;
}

/* Signed shoelace area of all subpaths (each closed back to its start). */
static double signed_area(const NbContourPath *p)
{
    double a = 0;
    size_t s = 0;
    for (size_t k = 0; k < p->n; k++) {
        size_t nx = k + 1 < p->n && p->ops[k + 1] != NB_MOVE ? k + 1 : s;
        a += p->x[k] * p->y[nx] - p->x[nx] * p->y[k];
        if (nx == s)
            s = k + 1;
    }
    return a / 2;
}

/* z = x^2 + y^2 on [-3, 3]^2, 61 x 61: grid spacing 0.1. */
static double *paraboloid(size_t n, double L)
{
    double *z = malloc(n * n * sizeof *z), h = 2 * L / (double)(n - 1);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            double x = -L + (double)i * h, y = -L + (double)j * h;
            z[j * n + i] = x * x + y * y;
        }
    return z;
}

static void test_circle_lines(void)
{
    double *z = paraboloid(61, 3), h = 0.1;
    const double radii[] = { 0.55, 1, 2, 2.5, 2.95 };
    for (size_t r = 0; r < sizeof radii / sizeof *radii; r++) {
        double R = radii[r];
        NbContourPath p = { 0 };
        CHECK(nb_contour_lines(z, 61, 61, R * R, &p) == 0, "lines r=%g", R);
        CHECK(count_op(&p, NB_MOVE) == 1 && count_op(&p, NB_LINE_CLOSE) == 1
              && p.ops[p.n - 1] == NB_LINE_CLOSE,
              "r=%g: one closed ring (%zu points)", R, p.n);
        /* linear interpolation of x^2 over a step h errs by at most h^2/4
         * in z, so by h^2 / (8 R) in radius: allow h^2 / (4 R) */
        double worst = 0, tol = h * h / (4 * R);
        for (size_t k = 0; k < p.n; k++) {
            double x = -3 + p.x[k] * h, y = -3 + p.y[k] * h;
            worst = fmax(worst, fabs(hypot(x, y) - R));
        }
        CHECK(worst <= tol, "r=%g: points on the circle (worst %.2e, tol %.2e)",
              R, worst, tol);
        /* a sanity check of closure (the points are the exact check): an
         * inscribed polygon, pulled in by up to h^2 / (8 R): within 2% */
        double area = fabs(signed_area(&p)) * h * h;
        CHECK(fabs(area - PI * R * R) < 0.02 * PI * R * R,
              "r=%g: ring area %.5f ~ pi r^2 %.5f", R, area, PI * R * R);
        nb_contour_path_free(&p);
    }
    free(z);
}

static void test_circle_region(void)
{
    double *z = paraboloid(61, 3), h = 0.1;
    NbContourPath p = { 0 };
    CHECK(nb_contour_region(z, 61, 61, 4, &p) == 0, "region z >= 4");
    CHECK(count_op(&p, NB_MOVE) == 2 && count_op(&p, NB_LINE_CLOSE) == 2,
          "region: two closed rings (got %zu moves)", count_op(&p, NB_MOVE));
    /* rings run counter-clockwise around the region: the border counts
     * +36, the hole -(area of the inscribed circle polygon) */
    double a = signed_area(&p) * h * h, want = 36 - 4 * PI;
    CHECK(fabs(a - want) < 0.02, "region area %.5f ~ 36 - 4 pi = %.5f", a, want);
    /* the border ring goes along the grid border: its corners are in it */
    int corners = 0;
    for (size_t k = 0; k < p.n; k++)
        corners += (p.x[k] == 0 || p.x[k] == 60) && (p.y[k] == 0 || p.y[k] == 60);
    CHECK(corners == 4, "region: the 4 grid corners on the border ring (%d)",
          corners);
    nb_contour_path_clear(&p);
    CHECK(nb_contour_region(z, 61, 61, -INFINITY, &p) == 0
          && fabs(signed_area(&p) - 3600) < 1e-9,
          "region at -inf: the whole grid (%g)", signed_area(&p));
    nb_contour_path_clear(&p);
    CHECK(nb_contour_region(z, 61, 61, 19, &p) == 0 && p.n == 0,
          "region above the maximum 18: empty");
    /* appending: two levels in one path */
    CHECK(nb_contour_lines(z, 61, 61, 1, &p) == 0
          && nb_contour_lines(z, 61, 61, 4, &p) == 0
          && count_op(&p, NB_MOVE) == 2, "two levels appended in one path");
    nb_contour_path_free(&p);
    free(z);
}

/* z = i on an 11 x 11 grid with a hole at (5, 5). */
static void test_hole(void)
{
    double z[121];
    for (size_t k = 0; k < 121; k++)
        z[k] = (double)(k % 11);
    z[5 * 11 + 5] = NAN;
    NbContourPath p = { 0 };
    CHECK(nb_contour_lines(z, 11, 11, 4.5, &p) == 0, "hole: lines");
    CHECK(count_op(&p, NB_MOVE) == 2 && count_op(&p, NB_LINE_CLOSE) == 0,
          "hole: the line x = 4.5 cut in two open pieces");
    int ok = 1;
    for (size_t k = 0; k < p.n; k++)
        ok &= p.x[k] == 4.5 && !(p.y[k] > 4 && p.y[k] < 6);
    CHECK(ok, "hole: points on x = 4.5, none beside the hole");
    nb_contour_path_clear(&p);
    /* {x >= 4.5}: 55, less the cells around the hole: 0.5 + 0.5 + 1 + 1 */
    CHECK(nb_contour_region(z, 11, 11, 4.5, &p) == 0
          && fabs(signed_area(&p) - 52) < 1e-12,
          "hole: region area %g = 52", signed_area(&p));
    /* the line runs into the hole: the region's boundary goes around the
     * hole's right half, one ring */
    CHECK(count_op(&p, NB_MOVE) == 1, "hole on the boundary: one ring");
    nb_contour_path_clear(&p);
    /* {x >= 2.5}: 75 less the 4 cells around the hole, which lies inside */
    CHECK(nb_contour_region(z, 11, 11, 2.5, &p) == 0
          && fabs(signed_area(&p) - 71) < 1e-12 && count_op(&p, NB_MOVE) == 2,
          "hole inside: two rings (%zu), area %g = 71",
          count_op(&p, NB_MOVE), signed_area(&p));
    nb_contour_path_clear(&p);
    CHECK(nb_contour_region(z, 11, 11, -INFINITY, &p) == 0
          && fabs(signed_area(&p) - 96) < 1e-12,
          "hole: valid domain 100 - 4 = %g", signed_area(&p));
    nb_contour_path_clear(&p);
    double all_nan[4] = { NAN, NAN, NAN, NAN };
    CHECK(nb_contour_region(all_nan, 2, 2, 0, &p) == 0 && p.n == 0
          && nb_contour_lines(all_nan, 2, 2, 0, &p) == 0 && p.n == 0,
          "all holes: nothing");
    nb_contour_path_free(&p);
}

static void test_saddle(void)
{
    /* one saddle cell: corners (0,0)=1, (1,0)=0, (1,1)=1, (0,1)=0 */
    double z[4] = { 1, 0, 0, 1 };
    NbContourPath p = { 0 };
    /* level 0.5: centre 0.5 is above, the below corners are cut off: the
     * region is the square less two triangles of legs 1/2 */
    CHECK(nb_contour_region(z, 2, 2, 0.5, &p) == 0
          && fabs(signed_area(&p) - 0.75) < 1e-12,
          "saddle, centre above: area %g = 3/4", signed_area(&p));
    nb_contour_path_clear(&p);
    CHECK(nb_contour_lines(z, 2, 2, 0.5, &p) == 0
          && count_op(&p, NB_MOVE) == 2 && p.n == 4,
          "saddle: two open segments");
    int near_c1 = 0;
    for (size_t k = 0; k + 1 < p.n; k += 2)
        near_c1 += (p.x[k] + p.x[k + 1] > 1.4 && p.y[k] + p.y[k + 1] < 0.6);
    CHECK(near_c1 == 1, "saddle, centre above: a segment cuts corner (1,0) off");
    nb_contour_path_clear(&p);
    /* level 0.6: centre 0.5 is below, the above corners are cut off:
     * two triangles of legs 0.4 */
    CHECK(nb_contour_region(z, 2, 2, 0.6, &p) == 0
          && fabs(signed_area(&p) - 0.16) < 1e-12,
          "saddle, centre below: area %g = 0.16", signed_area(&p));
    nb_contour_path_free(&p);

    /* z = x y on [-1, 1]^2: xy = c is two hyperbola branches */
    size_t n = 21;
    double *g = malloc(n * n * sizeof *g), h = 0.1;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            g[j * n + i] = (-1 + (double)i * h) * (-1 + (double)j * h);
    const double lv[] = { 0.25, -0.25, 0.05 };
    for (int l = 0; l < 3; l++) {
        NbContourPath q = { 0 };
        CHECK(nb_contour_lines(g, n, n, lv[l], &q) == 0
              && count_op(&q, NB_MOVE) == 2 && count_op(&q, NB_LINE_CLOSE) == 0,
              "xy = %g: two open lines", lv[l]);
        int ends = 0;
        for (size_t k = 0; k < q.n; k++) {
            int last = k + 1 == q.n || q.ops[k + 1] == NB_MOVE;
            if (q.ops[k] == NB_MOVE || last)
                ends += q.x[k] == 0 || q.x[k] == 20 || q.y[k] == 0 || q.y[k] == 20;
        }
        CHECK(ends == 4, "xy = %g: all four ends on the border", lv[l]);
        nb_contour_path_free(&q);
    }
    free(g);
}

static void test_constant(void)
{
    double z[9] = { 2, 2, 2, 2, 2, 2, 2, 2, 2 };
    NbContourPath p = { 0 };
    CHECK(nb_contour_lines(z, 3, 3, 2, &p) == 0 && p.n == 0,
          "constant grid at its value: no line");
    CHECK(nb_contour_lines(z, 3, 3, 1, &p) == 0 && p.n == 0,
          "constant grid below: no line");
    CHECK(nb_contour_region(z, 3, 3, 1, &p) == 0
          && fabs(signed_area(&p) - 4) < 1e-12 && count_op(&p, NB_MOVE) == 1,
          "constant grid: region is the square");
    nb_contour_path_free(&p);
    CHECK(nb_contour_lines(z, 1, 9, 0, &p) == 0 && p.n == 0,
          "a 1-wide grid: nothing");
    nb_contour_path_free(&p);
}

/* --- levels ---------------------------------------------------------------*/

/* 1 when st is 1, 2, 2.5 or 5 times a power of ten. */
static int nice_step(double st)
{
    double e = floor(log10(st)), m = st / pow(10, e);
    const double ok[] = { 1, 2, 2.5, 5, 10 };
    for (int k = 0; k < 5; k++)
        if (fabs(m - ok[k]) < 1e-9)
            return 1;
    return 0;
}

static void test_levels(void)
{
    double v[300];
    size_t c = nb_plot_levels(0, 1, 10, 0, v, 300);
    CHECK(c == 11 && v[0] == 0 && v[3] == 0.3 && v[10] == 1,
          "levels 0..1 by 0.1, exactly (c=%zu v3=%.17g)", c, v[3]);
    const double rng[][3] = { { 0, 18, 20 }, { -3.7, 12.2, 7 },
                              { 1e-4, 3e-4, 10 }, { -1e6, 1, 5 },
                              { 123.4, 123.5, 12 }, { -2, 2, 30 } };
    for (size_t r = 0; r < sizeof rng / sizeof *rng; r++) {
        double lo = rng[r][0], hi = rng[r][1];
        size_t n = (size_t)rng[r][2];
        c = nb_plot_levels(lo, hi, n, 0, v, 300);
        int ok = c >= 2 && c <= n + 1 && 2 * c + 1 >= n;
        double st = c >= 2 ? v[1] - v[0] : 0;
        ok &= v[0] <= lo + 1e-12 * fabs(lo) && v[c - 1] >= hi - 1e-12 * fabs(hi);
        for (size_t k = 1; k < c; k++)
            ok &= fabs(v[k] - v[k - 1] - st) <= 1e-9 * st;
        ok &= nice_step(st) && fabs(v[0] / st - round(v[0] / st)) < 1e-6;
        CHECK(ok, "levels [%g, %g] n=%zu: %zu nice covering levels, step %g",
              lo, hi, n, c, st);
    }
    c = nb_plot_levels(5, 5, 10, 0, v, 300);
    CHECK(c >= 2 && v[0] <= 5 && v[c - 1] >= 5, "levels of an empty range");
    c = nb_plot_levels(1.5e-323, 1.5e-323, 10, 0, v, 300);
    CHECK(c >= 2 && v[0] <= 1.5e-323 && v[c - 1] >= 1.5e-323
              && isfinite(v[0]) && v[c - 1] - v[0] <= 1e-307,
          "levels of a subnormal constant: around it, within 1e-307 "
          "(5%% of it underflowed, and log10(0) went to an int)");
    CHECK(nb_plot_levels(0, NAN, 10, 0, v, 300) == 0, "NaN bound: none");
    c = nb_plot_levels(0, 1, 10, 0, v, 4);
    CHECK(c == 4 && v[3] == 0.3, "at most max written");

    c = nb_plot_levels(1e-3, 1e3, 10, 1, v, 300);
    int dec = c == 7;
    for (size_t k = 0; k < c && dec; k++)
        dec = fabs(v[k] / pow(10, (double)k - 3) - 1) < 1e-15;
    CHECK(dec, "log 1e-3..1e3, 10 levels: the 7 decades (c=%zu)", c);
    c = nb_plot_levels(1, 100, 8, 1, v, 300);
    const double w125[] = { 1, 2, 5, 10, 20, 50, 100 };
    int ok125 = c == 7;
    for (size_t k = 0; k < c && ok125; k++)
        ok125 = v[k] == w125[k];
    CHECK(ok125, "log 1..100, 8 levels: 1 2 5 per decade (c=%zu)", c);
    c = nb_plot_levels(2, 8, 10, 1, v, 300);
    int even = c >= 5 && c <= 11 && v[0] <= 2 && v[c - 1] >= 8 * (1 - 1e-12);
    for (size_t k = 2; k < c && even; k++)
        even = fabs(log10(v[k] / v[k - 1]) - log10(v[1] / v[0])) < 1e-9;
    CHECK(even, "log 2..8, 10 levels: evenly spaced in log10 (c=%zu)", c);
    c = nb_plot_levels(1e-30, 1e30, 10, 1, v, 300);
    CHECK(c >= 5 && c <= 11 && v[0] <= 1e-30 && v[c - 1] >= 1e30,
          "log over 60 decades: every few decades (c=%zu)", c);
    c = nb_plot_levels(0, 1000, 10, 1, v, 300);
    CHECK(c >= 2 && v[0] > 0 && v[c - 1] >= 1000, "log with lo = 0: lo taken > 0");
    /* the rules of nb_plot_levels' comment, at their edges */
    double w[300];
    size_t c2 = nb_plot_levels(1, 0, 10, 0, w, 300);
    c = nb_plot_levels(0, 1, 10, 0, v, 300);
    CHECK(c2 == c && memcmp(v, w, c * sizeof *v) == 0, "lo > hi: the same levels as lo < hi");
    c = nb_plot_levels(0, 1, 100000, 0, v, 300);
    CHECK(c >= 2 && c <= NB_PLOT_MAX_LEVELS + 1, "n above %d is %d (c=%zu)",
          NB_PLOT_MAX_LEVELS, NB_PLOT_MAX_LEVELS, c);
    c = nb_plot_levels(5, 5, 10, 1, v, 300);
    CHECK(c >= 2 && v[0] <= 5 / sqrt(10) && v[c - 1] >= 5 * sqrt(10) * (1 - 1e-12),
          "log of an empty range: widened by sqrt(10) each way (%g..%g)", v[0], v[c - 1]);
    /* n = 0 is 1: levels every 5 decades (1, 2, 5 decades would give more
     * than n + 1 = 2 over 1..1000) */
    c = nb_plot_levels(1, 1000, 0, 1, v, 300);
    CHECK(c == 2 && v[0] == 1 && v[1] == 1e5, "log 1..1000, n=0: 1 and 1e5 (c=%zu)", c);
    /* 1..1e6, 12 levels: a step under a decade in log10 (0.5), but 1-2-5
     * gives 19 levels, more than n + 1: whole decades */
    c = nb_plot_levels(1, 1e6, 12, 1, v, 300);
    int dec6 = c == 7;
    for (size_t k = 0; k < c && dec6; k++)
        dec6 = v[k] == pow(10, (double)k);
    CHECK(dec6, "log 1..1e6, 12 levels: the 7 decades (c=%zu)", c);
    CHECK(nb_plot_levels(-5, -1, 10, 1, v, 300) == 0 && nb_plot_levels(1, INFINITY, 10, 1, v, 300) == 0,
          "log with hi <= 0 or infinite: none");
    double g[4] = { -1, 0, 0.5, 3 };
    CHECK(nb_contour_positive_min(g, 4) == 0.5, "smallest positive value");
}

/* --- sampling -------------------------------------------------------------*/

typedef struct Fn { double (*f)(double); size_t calls, points; } Fn;

static int eval_fn(void *ctx, const double *x, double *y, size_t n)
{
    Fn *fn = ctx;
    fn->calls++;
    fn->points += n;
    for (size_t k = 0; k < n; k++)
        y[k] = fn->f(x[k]);
    return 0;
}

static double sin_over_x(double x) { return sin(1 / x); }

static void test_sample_sin(void)
{
    Fn fn = { sin, 0, 0 };
    double *x, *y;
    size_t n;
    CHECK(nb_plot_sample(eval_fn, &fn, 0, 2 * PI, 0, 2000, &x, &y, &n) == 0,
          "sample sin");
    int ok = n >= 200 && n <= 2000 && x[0] == 0 && x[n - 1] == 2 * PI;
    double ymax = -2;
    for (size_t k = 0; k < n; k++) {
        ok &= y[k] == sin(x[k]) && (k == 0 || x[k] > x[k - 1]);
        ymax = fmax(ymax, y[k]);
    }
    CHECK(ok, "sin: %zu increasing points with y = sin(x), ends 0 and 2 pi", n);
    CHECK(ymax > 1 - 1e-4, "sin: the maximum 1 within 1e-4 (%.8f)", ymax);
    CHECK(fn.calls <= 14 && fn.points == n,
          "sin: evaluated in batches (%zu calls, %zu points)", fn.calls,
          fn.points);
    CHECK(n > 200, "sin: refined where it bends (%zu > 200)", n);
    free(x);
    free(y);
}

static void test_sample_tan(void)
{
    Fn fn = { tan, 0, 0 };
    double *x, *y;
    size_t n;
    CHECK(nb_plot_sample(eval_fn, &fn, -3, 3, 0, 5000, &x, &y, &n) == 0,
          "sample tan");
    int brk[2] = { 0, 0 }, cross = 0, ok = 1;
    double ymax = 0;
    for (size_t k = 0; k < n; k++) {
        if (isnan(y[k])) {
            for (int s = 0; s < 2; s++)
                brk[s] += fabs(x[k] - (s ? PI / 2 : -PI / 2)) < 0.01;
            continue;
        }
        ok &= y[k] == tan(x[k]);
        ymax = fmax(ymax, fabs(y[k]));
        if (k + 1 < n && !isnan(y[k + 1]))
            for (int s = -1; s <= 1; s += 2)
                cross += (x[k] - s * PI / 2) * (x[k + 1] - s * PI / 2) < 0;
    }
    CHECK(ok, "tan: y = tan(x)");
    CHECK(brk[0] == 1 && brk[1] == 1, "tan: one NaN break at each of -pi/2, pi/2");
    CHECK(cross == 0, "tan: no segment crosses a pole");
    double lo, hi;
    nb_plot_robust_range(n, y, &lo, &hi);
    CHECK(hi > 3 && hi < 500 && lo < -3 && lo > -500 && ymax > hi,
          "tan: robust range [%g, %g] trims the poles (max |y| %g)", lo, hi,
          ymax);
    free(x);
    free(y);
}

static void test_sample_log(void)
{
    Fn fn = { log, 0, 0 };
    double *x, *y;
    size_t n;
    CHECK(nb_plot_sample(eval_fn, &fn, -3, 3, 0, 5000, &x, &y, &n) == 0,
          "sample log");
    int ok = n > 0 && !isnan(y[0]);
    double xmin = 10;
    for (size_t k = 0; k < n; k++)
        if (!isnan(y[k])) {
            ok &= x[k] > 0 && y[k] == log(x[k]);
            xmin = fmin(xmin, x[k]);
        }
    CHECK(ok, "log on [-3, 3]: only x > 0, no leading NaN");
    CHECK(xmin < 1e-4, "log: refined toward 0 (first x %g)", xmin);
    free(x);
    free(y);

    /* log x axis: half the first 200 points lie below 1 */
    Fn fe = { sqrt, 0, 0 };
    size_t below = 0;
    int rc = nb_plot_sample(eval_fn, &fe, 1e-3, 1e3, 1, 1000, &x, &y, &n);
    for (size_t k = 0; rc == 0 && k < n; k++)
        below += x[k] < 1;
    CHECK(rc == 0 && n >= 200 && x[0] == 1e-3 && x[n - 1] == 1e3
          && below >= 100, "logx: log-spaced samples (%zu of %zu below 1)",
          below, n);
    free(x);
    free(y);
}

static void test_sample_cap(void)
{
    const size_t caps[] = { 300, 50, 3, 1 };
    for (int c = 0; c < 4; c++) {
        Fn fn = { sin_over_x, 0, 0 };
        double *x, *y;
        size_t n;
        int rc = nb_plot_sample(eval_fn, &fn, 0.01, 1, 0, caps[c], &x, &y, &n);
        CHECK(rc == 0 && n <= caps[c] && n >= (caps[c] > 1 ? 2 : 1),
              "sin(1/x), max %zu: %zu points", caps[c], n);
        free(x);
        free(y);
    }
    /* b < a is the same interval; a log x axis from 0 or below samples
     * linearly; infinite ends are refused; max past NB_PLOT_MAX_SAMPLES
     * is that many */
    {
        Fn f1 = { sin, 0, 0 }, f2 = { sin, 0, 0 };
        double *x1, *y1, *x2, *y2;
        size_t n1, n2;
        int ok = nb_plot_sample(eval_fn, &f1, 0, 3, 0, 500, &x1, &y1, &n1) == 0 &&
                 nb_plot_sample(eval_fn, &f2, 3, 0, 0, 500, &x2, &y2, &n2) == 0;
        CHECK(ok && n1 == n2 && memcmp(x1, x2, n1 * sizeof *x1) == 0,
              "sampling [3, 0] gives the points of [0, 3]");
        free(x1), free(y1), free(x2), free(y2);
        ok = nb_plot_sample(eval_fn, &f1, 0, 3, 1, 500, &x1, &y1, &n1) == 0 &&
             nb_plot_sample(eval_fn, &f2, 0, 3, 0, 500, &x2, &y2, &n2) == 0;
        CHECK(ok && n1 == n2 && memcmp(x1, x2, n1 * sizeof *x1) == 0,
              "a log x axis from 0 samples as a linear one");
        free(x1), free(y1), free(x2), free(y2);
        CHECK(nb_plot_sample(eval_fn, &f1, 0, INFINITY, 0, 500, &x1, &y1, &n1) == -1
                  && !x1 && n1 == 0, "an infinite end: -1, nothing");
        ok = nb_plot_sample(eval_fn, &f1, 0, 3, 0, (size_t)-1, &x1, &y1, &n1) == 0;
        CHECK(ok && n1 >= 2 && n1 <= NB_PLOT_MAX_SAMPLES, "max beyond the limit: at most %d (%zu)",
              NB_PLOT_MAX_SAMPLES, n1);
        free(x1), free(y1);
    }
    /* exp on [0, 50] grows fast but has no pole: its range is not trimmed */
    Fn fe = { exp, 0, 0 };
    double *x, *y, lo, hi;
    size_t n;
    nb_plot_sample(eval_fn, &fe, 0, 50, 0, 1000, &x, &y, &n);
    nb_plot_robust_range(n, y, &lo, &hi);
    CHECK(lo == 1 && hi == exp(50), "exp on [0, 50]: range [1, e^50] kept");
    free(x);
    free(y);
    /* the documented rule: 1..100 and 1e9: q2 = 3, q98 = 99, s = 96, so
     * hi = 99 + 96/4 = 123, lo stays 1 */
    double v[101];
    for (int k = 0; k < 100; k++)
        v[k] = k + 1;
    v[100] = 1e9;
    nb_plot_robust_range(101, v, &lo, &hi);
    CHECK(lo == 1 && hi == 123, "robust range rule: [%g, %g] = [1, 123]", lo, hi);
    double nan2[2] = { NAN, INFINITY };
    nb_plot_robust_range(2, nan2, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi), "robust range of nothing finite: NaN");
}

/* --- surface --------------------------------------------------------------*/

static void test_surface(void)
{
    NbSurfView v;
    double lo[3] = { 0, 0, -1 }, hi[3] = { 1, 1, 1 };
    CHECK(nb_surf_view(&v, 30, -60, lo, hi, 10, 20, 300, 200) == 0, "view");
    double z[25] = { 0 };
    NbSurfQuad *q;
    size_t n;
    CHECK(nb_surface_quads(&v, 5, 5, 0, 1, 0, 1, z, &q, &n) == 0 && n == 16,
          "flat 5x5 grid: 16 quads");
    /* the viewer is at (cos30 cos-60, cos30 sin-60, sin30); a flat quad's
     * depth is minus that direction dotted with its centre in the box
     * [-1, 1]^2 x {0} (z = 0 is the box middle) */
    double ex = cos(PI / 6) * cos(-PI / 3), ey = cos(PI / 6) * sin(-PI / 3);
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
        size_t i = q[k].cell % 4, j = q[k].cell / 4;
        double cx = -1 + 0.5 * ((double)i + 0.5), cy = -1 + 0.5 * ((double)j + 0.5);
        ok &= fabs(q[k].depth + ex * cx + ey * cy) < 1e-12 && q[k].z == 0;
        ok &= k == 0 || q[k].depth <= q[k - 1].depth;
    }
    CHECK(ok, "flat grid: depths match the closed form, far to near");
    CHECK(q[n - 1].cell == 3 && q[0].cell == 12,
          "nearest quad (x hi, y lo) last, farthest (x lo, y hi) first");
    free(q);

    double a[3] = { 0, 0, -1 }, b[3] = { 1, 0, -1 }, c[3] = { 0, 0, 1 };
    double ax, ay, bx, by, cx, cy;
    nb_surf_project(&v, a, &ax, &ay, NULL);
    nb_surf_project(&v, b, &bx, &by, NULL);
    nb_surf_project(&v, c, &cx, &cy, NULL);
    CHECK(bx > ax && by > ay, "azim -60: +x goes right and down (toward us)");
    CHECK(fabs(cx - ax) < 1e-9 && cy < ay, "+z goes straight up");

    NbSurfFrame fr;
    nb_surf_frame(&v, &fr);
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
    for (int k = 0; k < 8; k++) {
        x0 = fmin(x0, fr.corner[k][0]); x1 = fmax(x1, fr.corner[k][0]);
        y0 = fmin(y0, fr.corner[k][1]); y1 = fmax(y1, fr.corner[k][1]);
    }
    CHECK(x0 >= 10 - 1e-9 && x1 <= 310 + 1e-9 && y0 >= 20 - 1e-9
          && y1 <= 220 + 1e-9
          && (fabs(x1 - x0 - 300) < 1e-9 || fabs(y1 - y0 - 200) < 1e-9),
          "box fits the rectangle and touches it");
    CHECK(fr.pane_side[0] == 0 && fr.pane_side[1] == 1 && fr.pane_side[2] == 0,
          "back panes: x = lo, y = hi, z = lo");
    CHECK(fr.edge[0][0] == 0 && fr.edge[0][1] == 1 && fr.edge[1][0] == 1
          && fr.edge[1][1] == 3 && fr.edge[2][0] == 0 && fr.edge[2][1] == 4,
          "tick edges as mplot3d: x at y lo, y at x hi, z at (x lo, y lo)");
    CHECK(fr.out[2][0] < -0.9 && fr.out[0][1] > 0 && fr.out[1][1] > 0,
          "labels outward: z to the left, x and y below");
    CHECK(nb_surf_view(&v, 30, -60, lo, hi, 0, 0, 0, 10) == -1,
          "empty rectangle refused");
}

int main(void)
{
    test_circle_lines();
    test_circle_region();
    test_hole();
    test_saddle();
    test_constant();
    test_levels();
    test_sample_sin();
    test_sample_tan();
    test_sample_log();
    test_sample_cap();
    test_surface();
    return check_done();
}
