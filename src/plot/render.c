/* render.c — a figure model turned into drawing primitives (canvas.h).
 *
 * Layout lives here and only here, computed from text metrics: every
 * margin is the sum of the things it holds (tick marks, tick labels as
 * measured, axis labels, titles, a colourbar), so nothing is clipped and
 * nothing overlaps. The figure is a grid of cells under an optional
 * suptitle; each 2-D panel measures the margins it needs around its plot
 * area, then panels in a column share their left and right margins and
 * panels in a row share top and bottom ones, so the axes line up (what
 * matplotlib's constrained layout does).
 *
 * Painting order in a 2-D panel: filled contours, grid lines, the other
 * layers in the order they were added (clipped to the plot area), the
 * axes box with its ticks and labels, the legend, the colourbar.
 * A 3-D panel (surface) is an orthographic view like mplot3d's, its
 * geometry from surface.c: grey back panes with grid lines, quads painted
 * far to near, three labelled axes.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "canvas.h"
#include "contour.h"
#include "figure_internal.h"
#include "surface.h"

/* --- layout constants: font sizes, and lengths derived from them -------*/
#define FS_TICK 11.0
#define FS_LABEL 12.0
#define FS_TITLE 13.0
#define FS_SUPTITLE 15.0
#define FS_LEGEND 11.0
#define FS_CLABEL 9.0
#define TICK_LEN (0.35 * FS_TICK)     /* matplotlib: 3.5 pt for 10 pt text */
#define TICK_PAD (0.35 * FS_TICK)
#define LABEL_PAD (0.35 * FS_LABEL)
#define TITLE_PAD (0.5 * FS_TITLE)
#define OUTER_PAD (0.6 * FS_LABEL)    /* figure edge to anything */
#define PANEL_PAD (0.6 * FS_LABEL)    /* cell edge to anything */
#define CBAR_GAP (1.2 * FS_TICK)      /* plot area to colourbar */
#define CBAR_W (1.4 * FS_TICK)
#define MAX_TICKS 64
#define SURF_MAX_QUADS 50             /* per side, like mplot3d's rcount */

typedef struct Box { double x, y, w, h; } Box;

/* One axis of a panel: limits, scale, ticks and their labels' size. */
typedef struct Axis {
    double lo, hi;
    int log;
    size_t nt;
    double t[MAX_TICKS];
    double step;
    double lab_w, lab_first_w, lab_last_w;   /* widest, first, last label */
} Axis;

/* A 2-D panel's layout. */
typedef struct Lay {
    const NbPanel *p;
    Axis x, y, c;             /* c: the colourbar's axis */
    const NbLayer *cbar;      /* the contour layer with a colourbar */
    double ml, mr, mt, mb;    /* margins of the plot area inside the cell */
    Box cell, plot;
} Lay;

static const NbColor BLACK = { 0, 0, 0, 1 };
static const NbColor TEXT_C = { 0.1, 0.1, 0.1, 1 };
static const NbColor GRID_C = { 0.69, 0.69, 0.69, 0.55 };

/* --- small helpers ------------------------------------------------------*/

static double text_h(double size)
{
    return nb_text_ascent(size) + nb_text_descent(size);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static NbTextStyle tstyle(double size, int bold, int ha, int va, double ang)
{
    NbTextStyle t = { TEXT_C, size, bold, ha, va, ang };
    return t;
}

static void text(const NbCanvas *c, double x, double y, const char *s,
                 NbTextStyle t)
{
    if (s && *s)
        c->text(c->ctx, x, y, s, &t);
}

/* A centred label (titles, axis labels) kept within [lo, hi] along its
 * reading direction (x for angle 0, y for angle 90): moved inward, and
 * its font shrunk when it is longer than the whole span. */
static void fit_text(const NbCanvas *c, double x, double y, const char *s,
                     NbTextStyle t, double lo, double hi)
{
    if (!s || !*s)
        return;
    double w = nb_text_width(s, t.size, t.bold);
    if (w > hi - lo && hi > lo) {
        t.size *= (hi - lo) / w;
        w = hi - lo;
    }
    if (t.angle == 0)
        x = clampd(x, lo + w / 2, hi - w / 2);
    else
        y = clampd(y, lo + w / 2, hi - w / 2);
    c->text(c->ctx, x, y, s, &t);
}

/* A growable path; oom set when memory ran out (the path is then not
 * drawn: a figure loses a layer rather than the program aborting). */
typedef struct Pbuf {
    size_t n, cap;
    double *x, *y;
    unsigned char *ops;
    int oom;
} Pbuf;

static void pb_add(Pbuf *b, double x, double y, int op)
{
    if (b->oom)
        return;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        double *nx = realloc(b->x, cap * sizeof *nx);
        if (nx)
            b->x = nx;
        double *ny = nx ? realloc(b->y, cap * sizeof *ny) : NULL;
        if (ny)
            b->y = ny;
        unsigned char *no = ny ? realloc(b->ops, cap) : NULL;
        if (!no) {
            b->oom = 1;
            return;
        }
        b->ops = no;
        b->cap = cap;
    }
    /* far-away points are pulled in: backends need finite, sane numbers */
    b->x[b->n] = clampd(x, -1e6, 1e6);
    b->y[b->n] = clampd(y, -1e6, 1e6);
    b->ops[b->n++] = (unsigned char)op;
}

static void pb_free(Pbuf *b)
{
    free(b->x);
    free(b->y);
    free(b->ops);
    memset(b, 0, sizeof *b);
}

static NbPath pb_path(const Pbuf *b)
{
    NbPath p = { b->n, b->x, b->y, b->ops };
    return p;
}

static void pb_fill(const NbCanvas *c, Pbuf *b, NbColor col)
{
    NbPath p = pb_path(b);
    if (!b->oom && b->n > 0)
        c->fill(c->ctx, &p, col);
}

static void pb_stroke(const NbCanvas *c, Pbuf *b, const NbStroke *s)
{
    NbPath p = pb_path(b);
    if (!b->oom && b->n > 1)
        c->stroke(c->ctx, &p, s);
}

static void rect_path(Pbuf *b, Box r)
{
    pb_add(b, r.x, r.y, NB_MOVE);
    pb_add(b, r.x + r.w, r.y, NB_LINE);
    pb_add(b, r.x + r.w, r.y + r.h, NB_LINE);
    pb_add(b, r.x, r.y + r.h, NB_LINE_CLOSE);
}

static void segment(const NbCanvas *c, double x0, double y0, double x1,
                    double y1, NbColor col, double w)
{
    double xs[2] = { x0, x1 }, ys[2] = { y0, y1 };
    unsigned char ops[2] = { NB_MOVE, NB_LINE };
    NbPath p = { 2, xs, ys, ops };
    NbStroke s = { col, w, 0, 0 };
    c->stroke(c->ctx, &p, &s);
}

/* --- axes: limits, mapping, ticks ---------------------------------------*/

static double fwd(const Axis *a, double v)
{
    return a->log ? (v > 0 ? log10(v) : NAN) : v;
}

/* Pixel x of data value v. */
static double px(const Lay *l, double v)
{
    double a = fwd(&l->x, l->x.lo), b = fwd(&l->x, l->x.hi);
    return l->plot.x + (fwd(&l->x, v) - a) / (b - a) * l->plot.w;
}

static double py(const Lay *l, double v)
{
    double a = fwd(&l->y, l->y.lo), b = fwd(&l->y, l->y.hi);
    return l->plot.y + l->plot.h - (fwd(&l->y, v) - a) / (b - a) * l->plot.h;
}

/* Data range accumulator. */
typedef struct Range { double lo, hi; } Range;

static void range_add(Range *r, double v, int log)
{
    if (!isfinite(v) || (log && v <= 0))
        return;
    if (v < r->lo)
        r->lo = v;
    if (v > r->hi)
        r->hi = v;
}

static int range_ok(const Range *r)
{
    return r->lo <= r->hi;
}

/* The data ranges of a panel's layers on one axis (ax 0: x, 1: y):
 * curves (lines, markers, arrows, text) and grids (contours) apart. */
static void data_ranges(const NbPanel *p, int ax, int log, Range *cur,
                        Range *grid)
{
    cur->lo = grid->lo = HUGE_VAL;
    cur->hi = grid->hi = -HUGE_VAL;
    for (size_t k = 0; k < p->nlayers; k++) {
        const NbLayer *l = &p->layers[k];
        if (l->kind == NB_LAYER_CONTOUR || l->kind == NB_LAYER_SURFACE) {
            range_add(grid, ax ? l->y0 : l->x0, log);
            range_add(grid, ax ? l->y1 : l->x1, log);
            continue;
        }
        const double *v = ax ? l->y : l->x, *d = ax ? l->dy : l->dx;
        for (size_t i = 0; v && i < l->n; i++) {
            range_add(cur, v[i], log);
            if (d && isfinite(v[i]))
                range_add(cur, v[i] + d[i], log);
        }
    }
}

/* Automatic limits where lo or hi is NaN: grids tight on their ranges,
 * curves their data range plus 5% each side (matplotlib's margins; in
 * decades on a log axis, then widened to whole decades). */
static void auto_limits(const NbPanel *p, int ax, double setlo, double sethi,
                        Axis *a)
{
    Range cur, grid;
    data_ranges(p, ax, a->log, &cur, &grid);
    double lo, hi;
    if (range_ok(&cur)) {
        double flo = a->log ? log10(cur.lo) : cur.lo;
        double fhi = a->log ? log10(cur.hi) : cur.hi;
        double m = 0.05 * (fhi - flo);
        if (m == 0)
            m = flo == 0 || a->log ? 0.5 : 0.05 * fabs(flo);
        flo -= m;
        fhi += m;
        if (a->log) {
            flo = floor(flo);
            fhi = ceil(fhi);
        }
        lo = a->log ? pow(10, flo) : flo;
        hi = a->log ? pow(10, fhi) : fhi;
        if (range_ok(&grid)) {
            lo = cur.lo < grid.lo ? lo : grid.lo;
            hi = cur.hi > grid.hi ? hi : grid.hi;
        }
    } else if (range_ok(&grid) && grid.lo < grid.hi) {
        lo = grid.lo;
        hi = grid.hi;
    } else {
        lo = a->log ? 1 : 0;
        hi = a->log ? 10 : 1;
    }
    a->lo = isnan(setlo) ? lo : setlo;
    a->hi = isnan(sethi) ? hi : sethi;
    if (a->log && (!(a->lo > 0) || !(a->hi > a->lo)))
        a->log = 0;               /* a log axis needs a positive range */
    if (!(a->hi > a->lo) || !isfinite(a->hi - a->lo)) {
        double v = isfinite(a->lo) ? a->lo : 0;
        a->lo = v - 0.5;
        a->hi = v + 0.5;
    }
}

/* Ticks for axis a on len pixels: matplotlib's tick budget (an axis of
 * length L gets at most L / (ems em) intervals: 3 along x, 2 along y;
 * 9 at most), lowered until the measured labels fit side by side
 * (horizontal: by their widths, else by their height). */
static void axis_ticks(Axis *a, double len, double ems, int horizontal)
{
    double em = FS_TICK;
    size_t nb = (size_t)clampd(floor(len / (ems * em)), 2, 9);
    for (size_t max_n = nb + 1; max_n >= 3; max_n--) {
        a->nt = nb_plot_ticks(a->lo, a->hi, a->log, max_n, a->t, MAX_TICKS);
        a->step = a->nt > 1 ? a->t[1] - a->t[0] : a->hi - a->lo;
        a->lab_w = a->lab_first_w = a->lab_last_w = 0;
        for (size_t i = 0; i < a->nt; i++) {
            char buf[64];
            nb_plot_tick_label(a->t[i], a->step, a->log, buf, sizeof buf);
            double w = nb_text_width(buf, FS_TICK, 0);
            a->lab_w = fmax(a->lab_w, w);
            if (i == 0)
                a->lab_first_w = w;
            a->lab_last_w = w;
        }
        double need = horizontal ? a->lab_w + em : text_h(FS_TICK) + 0.5 * em;
        if ((double)a->nt * need <= len + need || max_n == 3)
            return;
    }
}

/* --- 2-D panel layout ----------------------------------------------------*/

static const NbLayer *colorbar_layer(const NbPanel *p)
{
    for (size_t k = p->nlayers; k-- > 0;)
        if (p->layers[k].kind == NB_LAYER_CONTOUR &&
            p->layers[k].contour.colorbar && p->layers[k].nlev > 0)
            return &p->layers[k];
    return NULL;
}

/* Width the colourbar takes right of the plot area (0 without one). */
static double colorbar_width(const Lay *l)
{
    if (!l->cbar)
        return 0;
    double w = CBAR_GAP + CBAR_W + TICK_LEN + TICK_PAD + l->c.lab_w;
    if (l->cbar->contour.cbar_label && *l->cbar->contour.cbar_label)
        w += LABEL_PAD + text_h(FS_LABEL);
    return w;
}

/* The margins panel l needs around its plot area, from its current ticks
 * (tick labels measured; the end labels' halves that overhang the plot
 * area; labels; title; colourbar). */
static void measure_margins(Lay *l)
{
    const NbPanel *p = l->p;
    double th = text_h(FS_TICK);
    l->ml = TICK_LEN + TICK_PAD + l->y.lab_w;
    if (p->ylabel && *p->ylabel)
        l->ml += LABEL_PAD + text_h(FS_LABEL);
    l->ml = fmax(l->ml, l->x.lab_first_w / 2);
    l->mb = TICK_LEN + TICK_PAD + th;
    if (p->xlabel && *p->xlabel)
        l->mb += LABEL_PAD + text_h(FS_LABEL);
    l->mt = th / 2;
    if (p->title && *p->title)
        l->mt = fmax(l->mt, TITLE_PAD + text_h(FS_TITLE));
    l->mr = fmax(l->x.lab_last_w / 2, colorbar_width(l));
    if (l->cbar)
        l->mb = fmax(l->mb, th / 2);
    l->ml += PANEL_PAD;
    l->mr += PANEL_PAD;
    l->mt += PANEL_PAD;
    l->mb += PANEL_PAD;
}

/* Limits, then twice: ticks for the current plot size, margins from them
 * (the second pass sees the real plot size). */
static void layout_panel(Lay *l, const NbPanel *p, Box cell)
{
    memset(l, 0, sizeof *l);
    l->p = p;
    l->cell = cell;
    l->x.log = p->logx;
    l->y.log = p->logy;
    auto_limits(p, 0, p->xlo, p->xhi, &l->x);
    auto_limits(p, 1, p->ylo, p->yhi, &l->y);
    l->cbar = colorbar_layer(p);
    if (l->cbar) {
        const NbLayer *c = l->cbar;
        l->c.log = c->contour.log_scale && c->levels[0] > 0;
        l->c.lo = c->levels[0];
        l->c.hi = c->levels[c->nlev - 1];
        if (!(l->c.hi > l->c.lo)) {
            l->c.lo -= 0.5;
            l->c.hi += 0.5;
        }
    }
    l->ml = l->mr = 4 * FS_TICK;
    l->mt = l->mb = 3 * FS_TICK;
    for (int pass = 0; pass < 2; pass++) {
        double w = fmax(cell.w - l->ml - l->mr, 10);
        double h = fmax(cell.h - l->mt - l->mb, 10);
        axis_ticks(&l->x, w, 3, 1);
        axis_ticks(&l->y, h, 2, 0);
        if (l->cbar)
            axis_ticks(&l->c, h, 2, 0);
        measure_margins(l);
    }
}

/* The plot area from the cell and the (shared) margins; equal aspect
 * shrinks one side, centred. */
static void place_plot(Lay *l)
{
    Box b = { l->cell.x + l->ml, l->cell.y + l->mt,
              fmax(l->cell.w - l->ml - l->mr, 1),
              fmax(l->cell.h - l->mt - l->mb, 1) };
    if (l->p->equal && !l->x.log && !l->y.log) {
        double sx = b.w / (l->x.hi - l->x.lo), sy = b.h / (l->y.hi - l->y.lo);
        if (sx > sy) {
            double w = b.h * (l->x.hi - l->x.lo) / (l->y.hi - l->y.lo);
            b.x += (b.w - w) / 2;
            b.w = w;
        } else {
            double h = b.w * (l->y.hi - l->y.lo) / (l->x.hi - l->x.lo);
            b.y += (b.h - h) / 2;
            b.h = h;
        }
    }
    l->plot = b;
}

/* --- markers, lines ------------------------------------------------------*/

/* A marker of diameter size at (cx, cy): circle through the canvas, the
 * others as filled polygons (star: 5 points with the regular star's inner
 * radius; triangle pointing up; square). */
static void marker(const NbCanvas *c, NbMarker m, double cx, double cy,
                   double size, NbColor face, const NbStroke *edge)
{
    double r = size / 2;
    if (m == NB_MARKER_CIRCLE || m == NB_MARKER_NONE) {
        c->circle(c->ctx, cx, cy, r, face, edge);
        return;
    }
    double xs[10], ys[10];
    unsigned char ops[10];
    size_t n = 0;
    if (m == NB_MARKER_STAR) {
        double ro = 1.25 * r, ri = ro * 0.381966;
        for (int i = 0; i < 10; i++, n++) {
            double a = M_PI / 2 + i * M_PI / 5, rr = i % 2 ? ri : ro;
            xs[n] = cx + rr * cos(a);
            ys[n] = cy - rr * sin(a) + 0.1 * r;
        }
    } else if (m == NB_MARKER_TRIANGLE) {
        double rt = 1.15 * r;
        for (int i = 0; i < 3; i++, n++) {
            double a = M_PI / 2 + i * 2 * M_PI / 3;
            xs[n] = cx + rt * cos(a);
            ys[n] = cy - rt * sin(a) + 0.25 * rt;
        }
    } else {
        double h = 0.85 * r;
        double qx[4] = { -h, h, h, -h }, qy[4] = { -h, -h, h, h };
        for (int i = 0; i < 4; i++, n++) {
            xs[n] = cx + qx[i];
            ys[n] = cy + qy[i];
        }
    }
    for (size_t i = 0; i < n; i++)
        ops[i] = i == 0 ? NB_MOVE : i + 1 == n ? NB_LINE_CLOSE : NB_LINE;
    NbPath p = { n, xs, ys, ops };
    if (face.a > 0)
        c->fill(c->ctx, &p, face);
    if (edge)
        c->stroke(c->ctx, &p, edge);
}

/* The polyline of a layer in pixels; a NaN (or a non-positive value on a
 * log axis) lifts the pen. */
static void line_path(const Lay *l, const NbLayer *ly, Pbuf *b)
{
    int down = 0;
    for (size_t i = 0; i < ly->n; i++) {
        double x = px(l, ly->x[i]), y = py(l, ly->y[i]);
        if (!isfinite(x) || !isfinite(y)) {
            down = 0;
            continue;
        }
        pb_add(b, x, y, down ? NB_LINE : NB_MOVE);
        down = 1;
    }
}

static void draw_line(const NbCanvas *c, const Lay *l, const NbLayer *ly)
{
    const NbLineStyle *s = &ly->line;
    Pbuf b = { 0 };
    line_path(l, ly, &b);
    NbStroke st = { s->color, s->width, s->dashed, 1 };
    pb_stroke(c, &b, &st);
    if (s->marker != NB_MARKER_NONE)
        for (size_t i = 0; i < b.n; i++)
            marker(c, s->marker, b.x[i], b.y[i], s->marker_size, s->color,
                   NULL);
    if (ly->animated && c->animate_dot) {
        /* the ball: orange with a dark rim, over the line's own dots */
        NbStroke rim = { {0.13, 0.13, 0.13, 1}, 1.5, 0, 1 };
        c->animate_dot(c->ctx, b.n, b.x, b.y, 6.5,
                       (NbColor){1, 0.55, 0.05, 1}, &rim);
    }
    pb_free(&b);
}

static void draw_markers(const NbCanvas *c, const Lay *l, const NbLayer *ly)
{
    const NbMarkerStyle *s = &ly->mark;
    NbStroke edge = { s->edge, fmax(1, s->size / 10), 0, 1 };
    for (size_t i = 0; i < ly->n; i++) {
        double x = px(l, ly->x[i]), y = py(l, ly->y[i]);
        if (isfinite(x) && isfinite(y))
            marker(c, s->marker == NB_MARKER_NONE ? NB_MARKER_CIRCLE
                                                  : s->marker,
                   x, y, s->size, s->face, s->edge.a > 0 ? &edge : NULL);
    }
}

/* --- arrows ---------------------------------------------------------------*/

/* An arrow from (x0, y0) to (x1, y1) in pixels: a shaft to the head's
 * base and a filled triangle. The head is 5 shaft widths long and 3 wide
 * (matplotlib quiver's defaults), shrunk on arrows too short for it. */
static void arrow_px(const NbCanvas *c, double x0, double y0, double x1,
                     double y1, double width, NbColor col)
{
    double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
    if (!(len > 0.5) || !isfinite(len))
        return;
    double hl = 5 * width, hw = 1.5 * width + 1;
    if (hl > 0.6 * len) {
        hw *= 0.6 * len / hl;
        hl = 0.6 * len;
    }
    double ux = dx / len, uy = dy / len;
    double bx = x1 - ux * hl, by = y1 - uy * hl;
    segment(c, x0, y0, bx + ux * 0.5, by + uy * 0.5, col, width);
    double xs[3] = { x1, bx - uy * hw, bx + uy * hw };
    double ys[3] = { y1, by + ux * hw, by - ux * hw };
    unsigned char ops[3] = { NB_MOVE, NB_LINE, NB_LINE_CLOSE };
    NbPath p = { 3, xs, ys, ops };
    c->fill(c->ctx, &p, col);
}

static void draw_arrows(const NbCanvas *c, const Lay *l, const NbLayer *ly)
{
    for (size_t i = 0; i < ly->n; i++) {
        double x0 = px(l, ly->x[i]), y0 = py(l, ly->y[i]);
        double x1 = px(l, ly->x[i] + ly->dx[i]), y1 = py(l, ly->y[i] + ly->dy[i]);
        if (isfinite(x0) && isfinite(y0) && isfinite(x1) && isfinite(y1))
            arrow_px(c, x0, y0, x1, y1, ly->arrow.width, ly->arrow.color);
    }
}

/* --- contours ------------------------------------------------------------*/

/* Append a traced contour path (grid coordinates) to b in pixels. */
static void contour_to_px(const Lay *l, const NbLayer *ly,
                          const NbContourPath *cp, Pbuf *b)
{
    double sx = (ly->x1 - ly->x0) / (double)(ly->nx - 1);
    double sy = (ly->y1 - ly->y0) / (double)(ly->ny - 1);
    for (size_t i = 0; i < cp->n; i++)
        pb_add(b, px(l, ly->x0 + cp->x[i] * sx), py(l, ly->y0 + cp->y[i] * sy),
               cp->ops[i]);
}

/* The colour t of the region above level i (i = -1: the whole field),
 * the bands between levels spanning the colormap, the regions below the
 * first and above the last level taking the end colours. */
/* The colormap position of region i (between levels i and i + 1; -1
 * below the first). When values lie beyond the levels (levels given
 * inside the data's range) the nlev + 1 regions all get colours of their
 * own; else the regions between levels span the colormap and the two
 * outer ones, (nearly) empty, share the end colours. */
static double band_t(const NbLayer *ly, long i)
{
    size_t nlev = ly->nlev;
    if (nlev <= 2 || ly->beyond)
        return clampd((double)(i + 1) / (double)nlev, 0, 1);
    return clampd((double)i, 0, (double)(nlev - 2)) / (double)(nlev - 2);
}

static NbColor band_color(const NbLayer *ly, long i)
{
    NbColor col = nb_colormap(ly->contour.cmap, band_t(ly, i));
    col.a = ly->contour.alpha;
    return col;
}

/* Region {z >= level} (level -INFINITY: the finite area) into b. */
static int region_px(const Lay *l, const NbLayer *ly, double level, Pbuf *b)
{
    NbContourPath cp = { 0 };
    if (nb_contour_region(ly->z, ly->nx, ly->ny, level, &cp) != 0) {
        nb_contour_path_free(&cp);
        return -1;
    }
    contour_to_px(l, ly, &cp, b);
    nb_contour_path_free(&cp);
    return b->oom ? -1 : 0;
}

/* Filled contours. Opaque: nested regions painted low to high, each over
 * the last (no seams between bands). Translucent: each band painted once
 * as its region with the next region's boundary added (even-odd fill
 * cuts it out), so alpha does not pile up. */
static void draw_filled(const NbCanvas *c, const Lay *l, const NbLayer *ly)
{
    int opaque = ly->contour.alpha >= 1;
    for (long i = -1; i < (long)ly->nlev; i++) {
        if (i >= 0 && band_t(ly, i) == band_t(ly, i - 1))
            continue;             /* same colour as the region below */
        Pbuf b = { 0 };
        double lv = i < 0 ? -INFINITY : ly->levels[i];
        int ok = region_px(l, ly, lv, &b) == 0;
        if (ok && !opaque) {
            long j = i + 1;
            while (j < (long)ly->nlev &&
                   band_t(ly, j) == band_t(ly, i))
                j++;
            if (j < (long)ly->nlev)
                ok = region_px(l, ly, ly->levels[j], &b) == 0;
        }
        if (ok)
            pb_fill(c, &b, band_color(ly, i));
        pb_free(&b);
    }
}

static NbColor line_color(const NbLayer *ly, size_t i)
{
    if (ly->contour.line_color.a > 0)
        return ly->contour.line_color;
    double t = ly->nlev > 1 ? (double)i / (double)(ly->nlev - 1) : 0.5;
    return nb_colormap(ly->contour.cmap, t);
}

/* Where segment p -> q crosses the circle of radius r about (cx, cy),
 * one end inside and one outside: the point on the segment at distance r
 * (the root of |p + t (q - p) - c| = r in [0, 1]). */
static void circle_cut(double px_, double py_, double qx, double qy,
                       double cx, double cy, double r, double *x, double *y)
{
    double dx = qx - px_, dy = qy - py_, fx = px_ - cx, fy = py_ - cy;
    double a = dx * dx + dy * dy, bb = 2 * (fx * dx + fy * dy);
    double cc = fx * fx + fy * fy - r * r;
    double disc = sqrt(fmax(bb * bb - 4 * a * cc, 0));
    double t = a > 0 ? (-bb + (cc < 0 ? disc : -disc)) / (2 * a) : 0;
    t = clampd(t, 0, 1);
    *x = px_ + t * dx;
    *y = py_ + t * dy;
}

/* Emit subpath [s, e) of b into o with a gap of radius r about point m
 * (the label's): segments that cross the circle are cut where they cross
 * it, so the gap is as wide as the label however coarse the line. A
 * closed subpath is walked cyclically from m back to m, so the gap is one
 * cut and the rest one open polyline. */
static void emit_gapped(const Pbuf *b, size_t s, size_t e, size_t m,
                        double r, Pbuf *o)
{
    int closed = b->ops[e - 1] == NB_LINE_CLOSE;
    size_t n = e - s, steps = closed ? n + 1 : n;
    int down = 0, was_in = 0;
    double cx = b->x[m], cy = b->y[m], lx = 0, ly = 0, x, y;
    for (size_t k = 0; k < steps; k++) {
        size_t i = closed ? s + (m - s + k) % n : s + k;
        int in = hypot(b->x[i] - cx, b->y[i] - cy) < r;
        if (k > 0 && in != was_in) {
            circle_cut(lx, ly, b->x[i], b->y[i], cx, cy, r, &x, &y);
            pb_add(o, x, y, down ? NB_LINE : NB_MOVE);
            down = !in;
        }
        if (!in) {
            pb_add(o, b->x[i], b->y[i], down ? NB_LINE : NB_MOVE);
            down = 1;
        }
        was_in = in;
        lx = b->x[i];
        ly = b->y[i];
    }
}

/* One subpath [s, e) of b into o, labelled (like clabel, inline) at the
 * fraction at of its arc length when it is long enough for the label, the
 * text turned along the line and kept upright. */
static void label_subpath(const NbCanvas *c, const Pbuf *b, size_t s,
                          size_t e, const char *lab, double lw, NbColor col,
                          double at, Pbuf *o)
{
    double len = 0, acc = 0;
    for (size_t i = s + 1; i < e; i++)
        len += hypot(b->x[i] - b->x[i - 1], b->y[i] - b->y[i - 1]);
    if (e - s < 3 || len < fmax(3 * lw, 40)) {
        for (size_t i = s; i < e; i++)
            pb_add(o, b->x[i], b->y[i], b->ops[i]);
        return;
    }
    size_t m = s + 1;
    for (; m < e - 2; m++) {
        acc += hypot(b->x[m] - b->x[m - 1], b->y[m] - b->y[m - 1]);
        if (acc >= at * len)
            break;
    }
    double dx = b->x[m + 1] - b->x[m - 1], dy = b->y[m + 1] - b->y[m - 1];
    double ang = -atan2(dy, dx) * 180 / M_PI;
    if (ang > 90)
        ang -= 180;
    if (ang < -90)
        ang += 180;
    emit_gapped(b, s, e, m, lw / 2 + 0.3 * FS_CLABEL, o);
    NbTextStyle t = tstyle(FS_CLABEL, 0, 0, 0, ang);
    t.color = col;
    text(c, b->x[m], b->y[m], lab, t);
}

/* One level's lines (with labels written in gaps when asked). */
static void draw_level_lines(const NbCanvas *c, const Lay *l,
                             const NbLayer *ly, size_t i)
{
    NbContourPath cp = { 0 };
    if (nb_contour_lines(ly->z, ly->nx, ly->ny, ly->levels[i], &cp) != 0) {
        nb_contour_path_free(&cp);
        return;
    }
    Pbuf b = { 0 };
    contour_to_px(l, ly, &cp, &b);
    nb_contour_path_free(&cp);
    NbColor col = line_color(ly, i);
    col.a *= ly->contour.filled ? 1 : ly->contour.alpha;
    if (ly->contour.line_labels && !b.oom) {
        char lab[64];
        double step = ly->nlev > 1 ? ly->levels[1] - ly->levels[0] : 1;
        nb_plot_tick_label(ly->levels[i], step, 0, lab, sizeof lab);
        double lw = nb_text_width(lab, FS_CLABEL, 0);
        /* levels' labels spread round the rings by the golden ratio, so
         * neighbouring levels do not stack their labels in one column */
        double at = fmod(0.5 + 0.381966 * (double)i, 1.0) * 0.8 + 0.1;
        Pbuf o = { 0 };
        size_t s = 0;
        for (size_t k = 1; k <= b.n; k++)
            if (k == b.n || b.ops[k] == NB_MOVE) {
                label_subpath(c, &b, s, k, lab, lw, col, at, &o);
                s = k;
            }
        pb_free(&b);
        b = o;
    }
    NbStroke st = { col, ly->contour.line_width, 0, 1 };
    pb_stroke(c, &b, &st);
    pb_free(&b);
}

static void draw_contour(const NbCanvas *c, const Lay *l, const NbLayer *ly)
{
    if (ly->contour.filled) {
        draw_filled(c, l, ly);
        if (!(ly->contour.line_color.a > 0) && !ly->contour.line_labels)
            return;
    }
    for (size_t i = 0; i < ly->nlev; i++)
        draw_level_lines(c, l, ly, i);
}

/* --- text layer -----------------------------------------------------------*/

/* Text at a data point, moved inside the figure when it would spill out. */
static void draw_text_layer(const NbCanvas *c, const Lay *l,
                            const NbLayer *ly, double fw, double fh)
{
    double x = px(l, ly->x[0]), y = py(l, ly->y[0]);
    if (!isfinite(x) || !isfinite(y) || !ly->text)
        return;
    double w = nb_text_width(ly->text, ly->text_size, 0);
    double left = x - (ly->halign < 0 ? 0 : ly->halign == 0 ? w / 2 : w);
    double shift = clampd(left, 1, fw - 1 - w) - left;
    double asc = nb_text_ascent(ly->text_size);
    y = clampd(y, 1 + asc, fh - 1 - nb_text_descent(ly->text_size));
    NbTextStyle t = tstyle(ly->text_size, 0, ly->halign, 1, 0);
    t.color = ly->text_color;
    text(c, x + shift, y, ly->text, t);
}

/* --- legend ---------------------------------------------------------------*/

typedef struct Legend {
    size_t n;
    const NbLayer *e[32];
    Box box;
    double row_h, handle_w, pad;
} Legend;

static void legend_entries(const NbPanel *p, Legend *g)
{
    g->n = 0;
    for (size_t k = 0; k < p->nlayers && g->n < 32; k++) {
        const NbLayer *l = &p->layers[k];
        if (l->label && *l->label &&
            (l->kind == NB_LAYER_LINE || l->kind == NB_LAYER_MARKERS ||
             l->kind == NB_LAYER_ARROWS))
            g->e[g->n++] = l;
    }
}

/* Count the samples of lines (every ~4 px along each segment), markers
 * and arrows that fall inside box r: what a legend there would hide. */
static size_t covered(const Lay *l, Box r)
{
    size_t n = 0;
    for (size_t k = 0; k < l->p->nlayers; k++) {
        const NbLayer *ly = &l->p->layers[k];
        int seg = ly->kind == NB_LAYER_LINE;
        if (!seg && ly->kind != NB_LAYER_MARKERS && ly->kind != NB_LAYER_ARROWS)
            continue;
        double lx = NAN, lyy = NAN;
        for (size_t i = 0; i < ly->n; i++) {
            double x = px(l, ly->x[i]), y = py(l, ly->y[i]);
            double x1 = x, y1 = y;
            if (ly->kind == NB_LAYER_ARROWS) {
                x1 = px(l, ly->x[i] + ly->dx[i]);
                y1 = py(l, ly->y[i] + ly->dy[i]);
                lx = x;
                lyy = y;
                x = x1;
                y = y1;
            }
            if (!isfinite(x) || !isfinite(y)) {
                lx = lyy = NAN;
                continue;
            }
            double ax = isfinite(lx) && (seg || ly->kind == NB_LAYER_ARROWS) ? lx : x;
            double ay = isfinite(lx) && (seg || ly->kind == NB_LAYER_ARROWS) ? lyy : y;
            double d = hypot(x - ax, y - ay);
            int m = (int)fmin(ceil(d / 4), 2000);
            for (int s = 0; s <= m; s++) {
                double t = m ? (double)s / m : 1;
                double qx = ax + t * (x - ax), qy = ay + t * (y - ay);
                n += qx >= r.x && qx <= r.x + r.w && qy >= r.y && qy <= r.y + r.h;
            }
            lx = x;
            lyy = y;
        }
    }
    return n;
}

/* Size the legend box and pick its place: the candidate (corners first,
 * then edge midpoints, in matplotlib's "best" order) that hides fewest
 * samples. */
static void legend_place(const Lay *l, Legend *g)
{
    g->pad = 0.4 * FS_LEGEND;
    g->row_h = 1.35 * text_h(FS_LEGEND);
    g->handle_w = 2 * FS_LEGEND;
    double tw = 0;
    for (size_t i = 0; i < g->n; i++)
        tw = fmax(tw, nb_text_width(g->e[i]->label, FS_LEGEND, 0));
    double w = 2 * g->pad + g->handle_w + 0.8 * FS_LEGEND + tw;
    double h = 2 * g->pad + (double)g->n * g->row_h;
    double m = 0.5 * FS_LEGEND;
    Box a = l->plot;
    double xl = a.x + m, xr = a.x + a.w - m - w, xc = a.x + (a.w - w) / 2;
    double yt = a.y + m, yb = a.y + a.h - m - h, yc = a.y + (a.h - h) / 2;
    double cx[8] = { xr, xl, xl, xr, xr, xl, xc, xc };
    double cy[8] = { yt, yt, yb, yb, yc, yc, yb, yt };
    size_t best = (size_t)-1;
    for (int i = 0; i < 8; i++) {
        Box r = { cx[i], cy[i], w, h };
        size_t n = covered(l, r);
        if (n < best) {
            best = n;
            g->box = r;
        }
    }
}

static void legend_handle(const NbCanvas *c, const Legend *g,
                          const NbLayer *e, double x, double y)
{
    double x1 = x + g->handle_w;
    if (e->kind == NB_LAYER_LINE) {
        double xs[2] = { x, x1 }, ys[2] = { y, y };
        unsigned char ops[2] = { NB_MOVE, NB_LINE };
        NbPath p = { 2, xs, ys, ops };
        NbStroke st = { e->line.color, e->line.width, e->line.dashed, 0 };
        c->stroke(c->ctx, &p, &st);
        if (e->line.marker != NB_MARKER_NONE)
            marker(c, e->line.marker, (x + x1) / 2, y,
                   fmin(e->line.marker_size, 0.9 * FS_LEGEND), e->line.color,
                   NULL);
    } else if (e->kind == NB_LAYER_MARKERS) {
        NbStroke edge = { e->mark.edge, 1, 0, 1 };
        marker(c, e->mark.marker == NB_MARKER_NONE ? NB_MARKER_CIRCLE
                                                   : e->mark.marker,
               (x + x1) / 2, y, fmin(e->mark.size, 1.1 * FS_LEGEND),
               e->mark.face, e->mark.edge.a > 0 ? &edge : NULL);
    } else {
        arrow_px(c, x, y, x1, y, e->arrow.width, e->arrow.color);
    }
}

static void draw_legend(const NbCanvas *c, const Lay *l)
{
    Legend g;
    legend_entries(l->p, &g);
    if (g.n == 0 || l->p->legend == 0)
        return;
    legend_place(l, &g);
    Pbuf b = { 0 };
    rect_path(&b, g.box);
    NbColor bg = { 1, 1, 1, 0.8 };
    NbColor edge = { 0.8, 0.8, 0.8, 1 };
    NbStroke st = { edge, 0.8, 0, 0 };
    pb_fill(c, &b, bg);
    pb_stroke(c, &b, &st);
    pb_free(&b);
    for (size_t i = 0; i < g.n; i++) {
        double y = g.box.y + g.pad + ((double)i + 0.5) * g.row_h;
        double x = g.box.x + g.pad;
        legend_handle(c, &g, g.e[i], x, y);
        text(c, x + g.handle_w + 0.8 * FS_LEGEND, y, g.e[i]->label,
             tstyle(FS_LEGEND, 0, -1, 0, 0));
    }
}

/* --- axes box, ticks, labels ----------------------------------------------*/

static void draw_grid(const NbCanvas *c, const Lay *l)
{
    const Box *a = &l->plot;
    for (size_t i = 0; i < l->x.nt; i++) {
        double x = px(l, l->x.t[i]);
        segment(c, x, a->y, x, a->y + a->h, GRID_C, 0.8);
    }
    for (size_t i = 0; i < l->y.nt; i++) {
        double y = py(l, l->y.t[i]);
        segment(c, a->x, y, a->x + a->w, y, GRID_C, 0.8);
    }
}

static void draw_ticks(const NbCanvas *c, const Lay *l)
{
    const Box *a = &l->plot;
    char buf[64];
    for (size_t i = 0; i < l->x.nt; i++) {
        double x = px(l, l->x.t[i]), y = a->y + a->h;
        segment(c, x, y, x, y + TICK_LEN, BLACK, 0.8);
        nb_plot_tick_label(l->x.t[i], l->x.step, l->x.log, buf, sizeof buf);
        text(c, x, y + TICK_LEN + TICK_PAD, buf, tstyle(FS_TICK, 0, 0, -1, 0));
    }
    for (size_t i = 0; i < l->y.nt; i++) {
        double y = py(l, l->y.t[i]), x = a->x;
        segment(c, x - TICK_LEN, y, x, y, BLACK, 0.8);
        nb_plot_tick_label(l->y.t[i], l->y.step, l->y.log, buf, sizeof buf);
        text(c, x - TICK_LEN - TICK_PAD, y, buf, tstyle(FS_TICK, 0, 1, 0, 0));
    }
}

/* Axes box, ticks, tick labels, axis labels and title. Labels sit just
 * outside what the shared margins hold, so they line up along a row. */
static void draw_frame(const NbCanvas *c, const Lay *l)
{
    const Box *a = &l->plot;
    const NbPanel *p = l->p;
    Pbuf b = { 0 };
    rect_path(&b, *a);
    NbStroke st = { BLACK, 0.8, 0, 0 };
    pb_stroke(c, &b, &st);
    pb_free(&b);
    draw_ticks(c, l);
    double yl = a->x - TICK_LEN - TICK_PAD - l->y.lab_w - LABEL_PAD -
                text_h(FS_LABEL);
    const Box *cl = &l->cell;
    fit_text(c, yl, a->y + a->h / 2, p->ylabel, tstyle(FS_LABEL, 0, 0, -1, 90),
             cl->y, cl->y + cl->h);
    double xl = a->y + a->h + TICK_LEN + TICK_PAD + text_h(FS_TICK) + LABEL_PAD;
    fit_text(c, a->x + a->w / 2, xl, p->xlabel, tstyle(FS_LABEL, 0, 0, -1, 0),
             cl->x, cl->x + cl->w);
    fit_text(c, a->x + a->w / 2, a->y - TITLE_PAD - nb_text_descent(FS_TITLE),
             p->title, tstyle(FS_TITLE, 1, 0, 1, 0), cl->x, cl->x + cl->w);
}

/* --- colourbar -------------------------------------------------------------*/

static double cbar_y(const Lay *l, const Box *bar, double v)
{
    double a = fwd(&l->c, l->c.lo), b = fwd(&l->c, l->c.hi);
    return bar->y + bar->h - (fwd(&l->c, v) - a) / (b - a) * bar->h;
}

/* The colourbar right of the plot area: one rectangle per band between
 * levels in the band's colour, a frame, ticks, labels, the rotated label. */
static void draw_colorbar(const NbCanvas *c, const Lay *l)
{
    const NbLayer *ly = l->cbar;
    Box bar = { l->plot.x + l->plot.w + CBAR_GAP, l->plot.y, CBAR_W, l->plot.h };
    for (size_t i = 0; i + 1 < ly->nlev || (ly->nlev == 1 && i == 0); i++) {
        double y0 = ly->nlev == 1 ? bar.y + bar.h : cbar_y(l, &bar, ly->levels[i]);
        double y1 = ly->nlev == 1 ? bar.y : cbar_y(l, &bar, ly->levels[i + 1]);
        Box r = { bar.x, y1, bar.w, y0 - y1 };
        Pbuf b = { 0 };
        rect_path(&b, r);
        NbColor col = band_color(ly, (long)i);
        col.a = 1;
        NbStroke st = { col, 0.3, 0, 0 };      /* hides seams between bands */
        pb_fill(c, &b, col);
        pb_stroke(c, &b, &st);
        pb_free(&b);
    }
    Pbuf b = { 0 };
    rect_path(&b, bar);
    NbStroke st = { BLACK, 0.8, 0, 0 };
    pb_stroke(c, &b, &st);
    pb_free(&b);
    char buf[64];
    double x = bar.x + bar.w;
    for (size_t i = 0; i < l->c.nt; i++) {
        double y = cbar_y(l, &bar, l->c.t[i]);
        segment(c, x, y, x + TICK_LEN, y, BLACK, 0.8);
        nb_plot_tick_label(l->c.t[i], l->c.step, l->c.log, buf, sizeof buf);
        text(c, x + TICK_LEN + TICK_PAD, y, buf, tstyle(FS_TICK, 0, -1, 0, 0));
    }
    /* turned 90 degrees, the label's top faces left: anchored there */
    double lx = x + TICK_LEN + TICK_PAD + l->c.lab_w + LABEL_PAD;
    fit_text(c, lx, bar.y + bar.h / 2, ly->contour.cbar_label,
             tstyle(FS_LABEL, 0, 0, -1, 90), l->cell.y, l->cell.y + l->cell.h);
}

/* --- a 2-D panel ------------------------------------------------------------*/

static void draw_layer(const NbCanvas *c, const Lay *l, const NbLayer *ly,
                       double fw, double fh)
{
    static const char *const names[] = {
        "line", "markers", "contour", "arrows", "text", "surface"
    };   /* ORDER NbLayerKind */
    c->group(c->ctx, names[ly->kind]);
    switch (ly->kind) {
    case NB_LAYER_LINE: draw_line(c, l, ly); break;
    case NB_LAYER_MARKERS: draw_markers(c, l, ly); break;
    case NB_LAYER_CONTOUR: draw_contour(c, l, ly); break;
    case NB_LAYER_ARROWS: draw_arrows(c, l, ly); break;
    case NB_LAYER_TEXT: draw_text_layer(c, l, ly, fw, fh); break;
    case NB_LAYER_SURFACE: break;          /* only on 3-D panels */
    }
    c->end_group(c->ctx);
}

/* Layers clipped to the plot area, the grid painted over filled contours
 * (matplotlib's grid sits above patches, below lines); text unclipped. */
static void draw_panel2d(const NbCanvas *c, const Lay *l, double fw,
                         double fh)
{
    const NbPanel *p = l->p;
    size_t after = 0;           /* the grid goes after this many layers */
    for (size_t k = 0; k < p->nlayers; k++)
        if (p->layers[k].kind == NB_LAYER_CONTOUR && p->layers[k].contour.filled)
            after = k + 1;
    c->group(c->ctx, "axes");
    c->clip(c->ctx, l->plot.x, l->plot.y, l->plot.w, l->plot.h);
    for (size_t k = 0; k <= p->nlayers; k++) {
        if (k == after && p->grid)
            draw_grid(c, l);
        if (k < p->nlayers && p->layers[k].kind != NB_LAYER_TEXT)
            draw_layer(c, l, &p->layers[k], fw, fh);
    }
    c->unclip(c->ctx);
    for (size_t k = 0; k < p->nlayers; k++)
        if (p->layers[k].kind == NB_LAYER_TEXT)
            draw_layer(c, l, &p->layers[k], fw, fh);
    draw_frame(c, l);
    draw_legend(c, l);
    if (l->cbar)
        draw_colorbar(c, l);
    c->end_group(c->ctx);
}

/* --- 3-D surface (geometry from surface.c) ---------------------------------*/

/* Data coordinates of box corner k (bits: x, y, z at hi). */
static void corner_data(const NbSurfView *v, int k, double p[3])
{
    for (int a = 0; a < 3; a++)
        p[a] = (k >> a & 1) ? v->hi[a] : v->lo[a];
}

/* A grid of at most SURF_MAX_QUADS + 1 points a side, bilinearly
 * resampled at uniform positions when the given one is finer (mplot3d
 * strides its grid to 50 rows and columns the same way): a 1000 x 1000
 * surface would be a million quads that no reader can tell apart. */
static double *resample(const NbLayer *ly, size_t *mx, size_t *my)
{
    size_t nx = ly->nx < SURF_MAX_QUADS + 1 ? ly->nx : SURF_MAX_QUADS + 1;
    size_t ny = ly->ny < SURF_MAX_QUADS + 1 ? ly->ny : SURF_MAX_QUADS + 1;
    double *z = malloc(nx * ny * sizeof *z);
    if (!z)
        return NULL;
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            double fi = (double)i * (double)(ly->nx - 1) / (double)(nx - 1);
            double fj = (double)j * (double)(ly->ny - 1) / (double)(ny - 1);
            size_t i0 = (size_t)fi, j0 = (size_t)fj;
            size_t i1 = i0 + 1 < ly->nx ? i0 + 1 : i0;
            size_t j1 = j0 + 1 < ly->ny ? j0 + 1 : j0;
            double u = fi - (double)i0, w = fj - (double)j0;
            const double *s = ly->z;
            double a = s[j0 * ly->nx + i0], b = s[j0 * ly->nx + i1];
            double c = s[j1 * ly->nx + i0], d = s[j1 * ly->nx + i1];
            /* exact grid points keep their value even beside a hole */
            z[j * nx + i] = u == 0 && w == 0 ? a
                : (1 - w) * ((1 - u) * a + u * b) + w * ((1 - u) * c + u * d);
        }
    *mx = nx;
    *my = ny;
    return z;
}

/* The surface's quads far to near, each filled by the colormap at its
 * mean height and edged thinly in a darker shade of it. */
static void draw_surface(const NbCanvas *c, const NbSurfView *v,
                         const NbLayer *ly)
{
    size_t nx, ny, n = 0;
    double *z = resample(ly, &nx, &ny);
    NbSurfQuad *q = NULL;
    if (!z || nb_surface_quads(v, nx, ny, ly->x0, ly->x1, ly->y0, ly->y1, z,
                               &q, &n) != 0) {
        free(z);
        return;
    }
    unsigned char ops[4] = { NB_MOVE, NB_LINE, NB_LINE, NB_LINE_CLOSE };
    double zr = v->hi[2] - v->lo[2];
    for (size_t k = 0; k < n; k++) {
        NbPath p = { 4, q[k].px, q[k].py, ops };
        NbColor col = nb_colormap(ly->cmap, zr > 0 ? (q[k].z - v->lo[2]) / zr : 0.5);
        NbColor ec = { col.r * 0.8, col.g * 0.8, col.b * 0.8, 1 };
        NbStroke st = { ec, 0.3, 0, 1 };
        c->fill(c->ctx, &p, col);
        c->stroke(c->ctx, &p, &st);
    }
    free(q);
    free(z);
}

/* The three back panes (light grey) with grid lines at the ticks of the
 * two axes lying in each. */
static void draw_panes(const NbCanvas *c, const NbSurfView *v,
                       const NbSurfFrame *fr, const Axis ax[3])
{
    static const NbColor pane = { 0.95, 0.95, 0.95, 1 };
    static const NbColor pedge = { 0.85, 0.85, 0.85, 1 };
    for (int k = 0; k < 3; k++) {
        Pbuf pb = { 0 };
        for (int s = 0; s < 4; s++)
            pb_add(&pb, fr->corner[fr->pane[k][s]][0],
                   fr->corner[fr->pane[k][s]][1],
                   s == 0 ? NB_MOVE : s == 3 ? NB_LINE_CLOSE : NB_LINE);
        NbStroke st = { pedge, 0.8, 0, 0 };
        pb_fill(c, &pb, pane);
        pb_stroke(c, &pb, &st);
        pb_free(&pb);
        double side = fr->pane_side[k] ? v->hi[k] : v->lo[k];
        for (int g = 1; g <= 2; g++) {
            int ga = (k + g) % 3, gb = (k + 3 - g) % 3;   /* lines at ga's ticks */
            for (size_t t = 0; t < ax[ga].nt; t++) {
                double p0[3], p1[3], x0, y0, x1, y1;
                p0[k] = p1[k] = side;
                p0[ga] = p1[ga] = ax[ga].t[t];
                p0[gb] = v->lo[gb];
                p1[gb] = v->hi[gb];
                nb_surf_project(v, p0, &x0, &y0, NULL);
                nb_surf_project(v, p1, &x1, &y1, NULL);
                segment(c, x0, y0, x1, y1, GRID_C, 0.8);
            }
        }
    }
}

/* Ticks, labels and the axis label of axis k along its tick edge, written
 * outward from the box as far as their size needs; the z label turned to
 * read upwards like the y label of a 2-D panel. */
static void draw_axis3d(const NbCanvas *c, const NbSurfView *v,
                        const NbSurfFrame *fr, const Axis *a, int k,
                        const char *label)
{
    const double *c0 = fr->corner[fr->edge[k][0]], *c1 = fr->corner[fr->edge[k][1]];
    segment(c, c0[0], c0[1], c1[0], c1[1], BLACK, 0.8);
    double nx = fr->out[k][0], ny = fr->out[k][1];
    double p0[3], th = text_h(FS_TICK), far = 0;
    corner_data(v, fr->edge[k][0], p0);
    char buf[64];
    for (size_t i = 0; i < a->nt; i++) {
        double p[3], x, y;
        memcpy(p, p0, sizeof p);
        p[k] = a->t[i];
        nb_surf_project(v, p, &x, &y, NULL);
        segment(c, x, y, x + nx * TICK_LEN, y + ny * TICK_LEN, BLACK, 0.8);
        nb_plot_tick_label(a->t[i], a->step, 0, buf, sizeof buf);
        double w = nb_text_width(buf, FS_TICK, 0);
        double ext = fabs(nx) * w / 2 + fabs(ny) * th / 2;
        double off = TICK_LEN + TICK_PAD + ext;
        far = fmax(far, off + ext);
        text(c, x + nx * off, y + ny * off, buf, tstyle(FS_TICK, 0, 0, 0, 0));
    }
    if (!label || !*label)
        return;
    int turn = k == 2 && fabs(nx) > fabs(ny);
    double lw = nb_text_width(label, FS_LABEL, 0), lh = text_h(FS_LABEL);
    double ext = turn ? lh / 2 : fabs(nx) * lw / 2 + fabs(ny) * lh / 2;
    double off = far + LABEL_PAD + ext;
    text(c, (c0[0] + c1[0]) / 2 + nx * off, (c0[1] + c1[1]) / 2 + ny * off,
         label, tstyle(FS_LABEL, 0, 0, 0, turn ? 90 : 0));
}

/* The z range of a panel's surfaces (finite values). */
static void surface_zrange(const NbPanel *p, Axis *a)
{
    Range zr = { HUGE_VAL, -HUGE_VAL };
    for (size_t k = 0; k < p->nlayers; k++)
        if (p->layers[k].kind == NB_LAYER_SURFACE)
            for (size_t i = 0; i < p->layers[k].nx * p->layers[k].ny; i++)
                range_add(&zr, p->layers[k].z[i], 0);
    a->lo = range_ok(&zr) ? zr.lo : 0;
    a->hi = range_ok(&zr) ? zr.hi : 1;
    if (!(a->hi > a->lo)) {
        a->lo -= 0.5;
        a->hi += 0.5;
    }
}

/* A 3-D panel: limits (tight on the grids' ranges), the box fitted into
 * the cell less room for tick and axis labels (below the front edges and
 * beside the side ones; above the back corners only the title), panes,
 * surfaces, axes, title. */
static void draw_panel3d(const NbCanvas *c, const NbPanel *p, Box cell)
{
    Axis ax[3];
    memset(ax, 0, sizeof ax);
    auto_limits(p, 0, p->xlo, p->xhi, &ax[0]);
    auto_limits(p, 1, p->ylo, p->yhi, &ax[1]);
    ax[0].log = ax[1].log = 0;
    surface_zrange(p, &ax[2]);
    double top = p->title && *p->title ? TITLE_PAD + text_h(FS_TITLE) : 0;
    double m = TICK_LEN + TICK_PAD + 3.5 * FS_TICK + LABEL_PAD + text_h(FS_LABEL);
    double lo[3] = { ax[0].lo, ax[1].lo, ax[2].lo };
    double hi[3] = { ax[0].hi, ax[1].hi, ax[2].hi };
    NbSurfView v;
    NbSurfFrame fr;
    if (nb_surf_view(&v, p->elev, p->azim, lo, hi, cell.x + m,
                     cell.y + top + PANEL_PAD, fmax(cell.w - 2 * m, 1),
                     fmax(cell.h - top - PANEL_PAD - m, 1)) != 0)
        return;
    nb_surf_frame(&v, &fr);
    for (int k = 0; k < 3; k++) {
        const double *c0 = fr.corner[fr.edge[k][0]], *c1 = fr.corner[fr.edge[k][1]];
        /* edges run aslant: sparser ticks, as mplot3d has */
        axis_ticks(&ax[k], fmax(hypot(c1[0] - c0[0], c1[1] - c0[1]), 20), 3,
                   0);
    }
    c->group(c->ctx, "axes3d");
    draw_panes(c, &v, &fr, ax);
    for (size_t k = 0; k < p->nlayers; k++)
        if (p->layers[k].kind == NB_LAYER_SURFACE)
            draw_surface(c, &v, &p->layers[k]);
    const char *labels[3] = { p->xlabel, p->ylabel, p->zlabel };
    for (int k = 0; k < 3; k++)
        draw_axis3d(c, &v, &fr, &ax[k], k, labels[k]);
    fit_text(c, cell.x + cell.w / 2, cell.y + PANEL_PAD + nb_text_ascent(FS_TITLE),
             p->title, tstyle(FS_TITLE, 1, 0, 1, 0), cell.x, cell.x + cell.w);
    c->end_group(c->ctx);
}

/* --- the figure -------------------------------------------------------------*/

/* Cells of the grid under the suptitle, each 2-D panel laid out; then
 * margins shared along rows and columns so the axes align. */
static void layout_figure(const NbFigure *f, Lay *lay, Box *cells)
{
    double top = OUTER_PAD;
    if (f->title && *f->title)
        top += text_h(FS_SUPTITLE) + TITLE_PAD;
    double cw = (f->w - 2 * OUTER_PAD) / f->cols;
    double ch = (f->h - top - OUTER_PAD) / f->rows;
    int n = f->rows * f->cols;
    for (int i = 0; i < n; i++) {
        Box cell = { OUTER_PAD + (i % f->cols) * cw,
                     top + (i / f->cols) * ch, cw, ch };
        cells[i] = cell;
        if (f->panels[i].kind == NB_PANEL_2D)
            layout_panel(&lay[i], &f->panels[i], cell);
    }
    for (int i = 0; i < n; i++) {
        if (f->panels[i].kind != NB_PANEL_2D)
            continue;
        for (int j = 0; j < n; j++) {
            if (f->panels[j].kind != NB_PANEL_2D)
                continue;
            if (j % f->cols == i % f->cols) {
                lay[i].ml = fmax(lay[i].ml, lay[j].ml);
                lay[i].mr = fmax(lay[i].mr, lay[j].mr);
            }
            if (j / f->cols == i / f->cols) {
                lay[i].mt = fmax(lay[i].mt, lay[j].mt);
                lay[i].mb = fmax(lay[i].mb, lay[j].mb);
            }
        }
        place_plot(&lay[i]);
    }
}

void nb_render_figure(const NbFigure *f, const NbCanvas *c)
{
    static Lay lay_zero;
    Lay *lay = malloc(NB_PLOT_MAX_PANELS * sizeof *lay);
    Box cells[NB_PLOT_MAX_PANELS];
    c->begin(c->ctx, f->w, f->h);
    if (!lay) {
        c->end(c->ctx);
        return;
    }
    for (int i = 0; i < NB_PLOT_MAX_PANELS; i++)
        lay[i] = lay_zero;
    layout_figure(f, lay, cells);
    if (f->title && *f->title)
        fit_text(c, f->w / 2, OUTER_PAD + nb_text_ascent(FS_SUPTITLE),
                 f->title, tstyle(FS_SUPTITLE, 1, 0, 1, 0), OUTER_PAD,
                 f->w - OUTER_PAD);
    for (int i = 0; i < f->rows * f->cols; i++) {
        if (f->panels[i].kind == NB_PANEL_3D)
            draw_panel3d(c, &f->panels[i], cells[i]);
        else
            draw_panel2d(c, &lay[i], f->w, f->h);
    }
    free(lay);
    c->end(c->ctx);
}
