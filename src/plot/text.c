/* text.c — figures as terminal text (SPEC §6): braille sub-pixels for the
 * picture, real characters for ticks, labels, titles and legend.
 *
 * The canvas is a grid of cols x rows character cells; each cell holds 2 x 4
 * sub-pixels (one braille character). The figure is laid out by render.c at
 * NB_TEXT_CELL_W x NB_TEXT_CELL_H CSS pixels per cell, so a sub-pixel is a
 * 4 x 4 pixel square. Paths, fills and circles are rasterised here, by a
 * scanline filler and a DDA line walker sampling sub-pixel centres, rather
 * than through cairo: the output is golden-tested, and our own rasteriser
 * gives the same bytes on every machine and library version (cairo's
 * antialiasing would leave the choice of the ink colour to its coverage
 * arithmetic), and keeps the text output free of any cairo dependency.
 *
 * Text is not rasterised: each text primitive becomes characters in cells
 * (snapped to the nearest cell, kept whole, shifted inside the grid when it
 * would stick out), and graphics drawn later never overwrite those cells.
 *
 * Output per cell: the dominant colour of its 8 sub-pixels is the
 * background, the colour most different from it is the ink; the braille
 * pattern of the sub-pixels nearer the ink than the background is drawn in
 * the ink colour (24-bit escapes, reset at each line end). Monochrome
 * (NO_COLOR): dots for every stroke and circle that is not a faint grey
 * (grid lines are left out), and for filled areas only their boundaries,
 * so filled contours read as contour lines; no escape sequence at all.
 */
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "figure_internal.h"

#define WHITE 0xffffffu

typedef struct Cell {
    char ch[5];        /* UTF-8 of one code point; "" when no text */
    unsigned char wide; /* 0 no text, 1 one column, 2 two, 3 continuation */
    uint32_t fg, bg;   /* text colour, background at placement */
} Cell;

struct NbTextCanvas {
    int cols, rows, W, H;   /* cells; sub-pixels */
    double sx, sy;          /* sub-pixels per CSS pixel */
    int color;
    uint32_t *px;           /* composited colour of each sub-pixel */
    uint32_t *fillpx;       /* monochrome: colours of fills only */
    unsigned char *ink;     /* painted by a stroke or circle */
    Cell *cell;
    int cx0, cy0, cx1, cy1; /* clip, sub-pixels, [x0, x1) x [y0, y1) */
    int err;
};

/* --- colours --------------------------------------------------------------*/

static int clamp255(double v)
{
    if (!(v > 0))
        return 0;
    if (v >= 1)
        return 255;
    return (int)lround(v * 255);
}

/* c composited over the 0xRRGGBB colour under it. */
static uint32_t blend(NbColor c, uint32_t under)
{
    double a = c.a > 1 ? 1 : c.a;
    double ur = (under >> 16 & 255) / 255.0, ug = (under >> 8 & 255) / 255.0,
           ub = (under & 255) / 255.0;
    int r = clamp255(a * c.r + (1 - a) * ur);
    int g = clamp255(a * c.g + (1 - a) * ug);
    int b = clamp255(a * c.b + (1 - a) * ub);
    return (uint32_t)r << 16 | (uint32_t)g << 8 | (uint32_t)b;
}

static long dist2(uint32_t p, uint32_t q)
{
    long dr = (long)(p >> 16 & 255) - (long)(q >> 16 & 255);
    long dg = (long)(p >> 8 & 255) - (long)(q >> 8 & 255);
    long db = (long)(p & 255) - (long)(q & 255);
    return dr * dr + dg * dg + db * db;
}

static long luma(uint32_t p)   /* 0 .. 255000 */
{
    return 213L * (p >> 16 & 255) + 715L * (p >> 8 & 255) + 72L * (p & 255);
}

/* Faint neutral strokes (grid lines: greys lighter than mid-grey once
 * composited over white) are left out, in colour too: at braille
 * resolution a grid line takes whole cells from the curves it crosses (a
 * cell has one ink colour), and the tick labels already say where the
 * values are. Coloured lines always count. */
static int visible_stroke(NbColor c)
{
    uint32_t p = blend(c, WHITE);
    int r = p >> 16 & 255, g = p >> 8 & 255, b = p & 255;
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
    if (p == WHITE)
        return 0;
    return !(mx - mn < 24 && luma(p) > 128000);
}

/* --- sub-pixels -----------------------------------------------------------*/

static int inside(const NbTextCanvas *tc, int x, int y)
{
    return x >= tc->cx0 && x < tc->cx1 && y >= tc->cy0 && y < tc->cy1;
}

/* Paint sub-pixel (x, y) with c; ink: it belongs to a stroke or circle. */
static void put(NbTextCanvas *tc, int x, int y, NbColor c, int ink)
{
    if (!inside(tc, x, y) || !(c.a > 0))
        return;
    size_t i = (size_t)y * tc->W + x;
    tc->px[i] = blend(c, tc->px[i]);
    if (ink)
        tc->ink[i] = 1;
    else if (!tc->color)
        tc->fillpx[i] = blend(c, tc->fillpx[i]);
}

/* A square of side w sub-pixels centred on (x, y) (w <= 1: one). */
static void stamp(NbTextCanvas *tc, int x, int y, int w, NbColor c, int ink)
{
    int lo = -(w - 1) / 2, hi = w / 2;
    for (int dy = lo; dy <= hi; dy++)
        for (int dx = lo; dx <= hi; dx++)
            put(tc, x + dx, y + dy, c, ink);
}

/* --- strokes --------------------------------------------------------------*/

typedef struct Pen {
    NbTextCanvas *tc;
    NbColor c;
    int w, ink;        /* width in sub-pixels; counts as ink in mono */
    double on, period; /* dash pattern in sub-pixels (period 0: solid) */
    double along;      /* distance walked along the path */
    int lastx, lasty;  /* last sub-pixel painted (no double blending) */
} Pen;

/* Walk from (x0, y0) to (x1, y1) (sub-pixel units) in max(|dx|, |dy|)
 * steps, painting the sub-pixel under each step's point (a DDA: every
 * column or row crossed gets exactly one sub-pixel). */
static void seg(Pen *p, double x0, double y0, double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
    double m = fmax(fabs(dx), fabs(dy));
    if (!isfinite(m) || m > 1e6)
        return;
    int n = (int)ceil(m);
    for (int i = 0; i <= n; i++) {
        double t = n ? (double)i / n : 0;
        int x = (int)floor(x0 + t * dx), y = (int)floor(y0 + t * dy);
        double at = p->along + t * len;
        if (p->period > 0 && fmod(at, p->period) >= p->on)
            continue;
        if (x == p->lastx && y == p->lasty)
            continue;
        stamp(p->tc, x, y, p->w, p->c, p->ink);
        p->lastx = x;
        p->lasty = y;
    }
    p->along += len;
}

static void tc_stroke(void *ctx, const NbPath *path, const NbStroke *s)
{
    NbTextCanvas *tc = ctx;
    double w = s->width * tc->sx;
    Pen p = {tc, s->color, w < 1.5 ? 1 : (int)lround(w), 1, 0, 0, 0,
             -1, -1};
    if (!visible_stroke(s->color))
        return;
    if (s->dashed == 1) {
        p.on = 2.5;
        p.period = 4;
    } else if (s->dashed == 2) {
        p.on = 1;
        p.period = 2;
    }
    double sx = 0, sy = 0, px = 0, py = 0;
    int have = 0;
    for (size_t i = 0; i < path->n; i++) {
        double x = path->x[i] * tc->sx, y = path->y[i] * tc->sy;
        if (!isfinite(x) || !isfinite(y)) {
            have = 0;
            continue;
        }
        if (path->ops[i] == NB_MOVE || !have) {
            sx = px = x;
            sy = py = y;
            have = 1;
            seg(&p, x, y, x, y);
            continue;
        }
        seg(&p, px, py, x, y);
        px = x;
        py = y;
        if (path->ops[i] == NB_LINE_CLOSE) {
            seg(&p, px, py, sx, sy);
            px = sx;
            py = sy;
        }
    }
}

/* --- fills ----------------------------------------------------------------*/

typedef struct Edge { double x0, y0, x1, y1; } Edge;

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* The path's edges in sub-pixel units, every subpath closed. */
static Edge *edges_of(const NbTextCanvas *tc, const NbPath *p, size_t *ne)
{
    Edge *e = malloc((p->n + 1) * 2 * sizeof *e);
    size_t k = 0, start = 0;
    if (!e)
        return NULL;
    for (size_t i = 0; i < p->n; i++) {
        int last = i + 1 == p->n || p->ops[i + 1] == NB_MOVE;
        if (p->ops[i] == NB_MOVE)
            start = i;
        size_t j = last || p->ops[i] == NB_LINE_CLOSE ? start : i + 1;
        if (p->ops[i] == NB_LINE_CLOSE && !last)
            start = i + 1;
        e[k++] = (Edge){p->x[i] * tc->sx, p->y[i] * tc->sy,
                        p->x[j] * tc->sx, p->y[j] * tc->sy};
        if (!isfinite(e[k - 1].x0 + e[k - 1].y0 + e[k - 1].x1 + e[k - 1].y1))
            k--;
    }
    *ne = k;
    return e;
}

/* Even-odd scanline fill: a sub-pixel is inside when its centre is. A
 * fill too thin to cover any centre still paints the sub-pixel under the
 * middle of its bounding box, so small arrow heads do not vanish. */
static void tc_fill(void *ctx, const NbPath *p, NbColor c)
{
    NbTextCanvas *tc = ctx;
    size_t ne = 0, hits = 0;
    Edge *e = edges_of(tc, p, &ne);
    double *xs = malloc((ne + 1) * sizeof *xs);
    double bx0 = INFINITY, bx1 = -INFINITY, by0 = INFINITY, by1 = -INFINITY;
    if (!e || !xs) {
        tc->err = 1;
        free(e);
        free(xs);
        return;
    }
    for (size_t k = 0; k < ne; k++) {
        bx0 = fmin(bx0, fmin(e[k].x0, e[k].x1));
        bx1 = fmax(bx1, fmax(e[k].x0, e[k].x1));
        by0 = fmin(by0, fmin(e[k].y0, e[k].y1));
        by1 = fmax(by1, fmax(e[k].y0, e[k].y1));
    }
    if (ne == 0) { /* no finite edge: nothing to fill (the bounds are +-inf) */
        free(e);
        free(xs);
        return;
    }
    int ya = by0 > tc->cy0 ? (int)floor(by0) : tc->cy0;
    int yb = by1 < tc->cy1 ? (int)ceil(by1) : tc->cy1;
    for (int y = ya; ne && y < yb; y++) {
        double yc = y + 0.5;
        size_t n = 0;
        for (size_t k = 0; k < ne; k++) {
            const Edge *g = &e[k];
            if ((g->y0 <= yc) != (g->y1 <= yc))
                xs[n++] = g->x0 + (yc - g->y0) * (g->x1 - g->x0) / (g->y1 - g->y0);
        }
        qsort(xs, n, sizeof *xs, cmp_double);
        for (size_t k = 0; k + 1 < n; k += 2) {
            /* clamped both ways: a crossing of huge edges may be +-inf */
            double lo = fmin(fmax(ceil(xs[k] - 0.5), tc->cx0), tc->cx1);
            double hi = fmax(fmin(ceil(xs[k + 1] - 0.5), tc->cx1), tc->cx0);
            for (int x = (int)lo; x < (int)hi; x++, hits++)
                put(tc, x, y, c, 0);
        }
    }
    if (!hits && ne && isfinite(bx0 + bx1 + by0 + by1))
        put(tc, (int)floor((bx0 + bx1) / 2), (int)floor((by0 + by1) / 2), c, 0);
    free(e);
    free(xs);
}

/* --- circles --------------------------------------------------------------*/

/* A disc of the sub-pixels whose centres lie within r of (cx, cy) (at
 * least the one under the centre); an edge is a one-sub-pixel ring, or for
 * a circle smaller than two sub-pixels, the whole disc in the edge colour
 * when there is no face colour. */
static void tc_circle(void *ctx, double cx, double cy, double r, NbColor fill,
                      const NbStroke *edge)
{
    NbTextCanvas *tc = ctx;
    double x = cx * tc->sx, y = cy * tc->sy, rs = r * tc->sx;
    int small = rs < 1.5, ring = edge && edge->color.a > 0;
    NbColor face = fill.a > 0 ? fill : ring && small ? edge->color : fill;
    if (!isfinite(x + y + rs))
        return;
    double rr = fmax(rs, 0.5);
    /* Only the sub-pixels of the clip and a ring around it are visited: a
     * marker far outside (the fuzzer's tangent point 4e12 sub-pixels
     * away) or a huge radius would overflow int. Clamping keeps a point
     * outside the clip outside it. */
    double lx = fmax(floor(x - rr - 1), tc->cx0 - 1), hx = fmin(ceil(x + rr + 1), tc->cx1);
    double ly = fmax(floor(y - rr - 1), tc->cy0 - 1), hy = fmin(ceil(y + rr + 1), tc->cy1);
    if (lx > hx || ly > hy)
        return;
    int ci = (int)floor(fmin(fmax(x, lx), hx)), cj = (int)floor(fmin(fmax(y, ly), hy));
    int centre = 0;
    for (int j = (int)ly; j <= (int)hy; j++)
        for (int i = (int)lx; i <= (int)hx; i++) {
            double d = hypot(i + 0.5 - x, j + 0.5 - y);
            int hit = 1;
            if (face.a > 0 && d <= rr)
                put(tc, i, j, face, 1);
            else if (ring && !small && fabs(d - rs) <= 0.5)
                put(tc, i, j, edge->color, 1);
            else
                hit = 0;
            centre |= hit && i == ci && j == cj;
        }
    if (!centre && small)
        put(tc, ci, cj, face.a > 0 ? face : ring ? edge->color : face, 1);
}

/* --- text -----------------------------------------------------------------*/

/* Columns a code point takes in a terminal: 2 for the East Asian wide
 * ranges (CJK, kana, Hangul, full-width forms, emoji), else 1. */
static int cp_width(uint32_t u)
{
    return (u >= 0x1100 && u <= 0x115f) || (u >= 0x2e80 && u <= 0xa4cf) ||
           (u >= 0xac00 && u <= 0xd7a3) || (u >= 0xf900 && u <= 0xfaff) ||
           (u >= 0xfe30 && u <= 0xfe4f) || (u >= 0xff00 && u <= 0xff60) ||
           (u >= 0xffe0 && u <= 0xffe6) || (u >= 0x1f300 && u <= 0x1f64f) ||
           (u >= 0x20000 && u <= 0x3fffd) ? 2 : 1;
}

/* Split s into code points: bytes[i] its UTF-8 (invalid bytes and control
 * characters become '?'), widths w[i]. Returns the count (<= max). */
static int split_utf8(const char *s, char bytes[][5], int *w, int max)
{
    const unsigned char *u = (const unsigned char *)s;
    int n = 0;
    while (*u && n < max) {
        int len = *u < 0x80 ? 1 : (*u >> 5) == 6 ? 2 : (*u >> 4) == 14 ? 3
                  : (*u >> 3) == 30 ? 4 : 0;
        uint32_t cp = len == 1 ? *u : len ? (uint32_t)(*u & (0x7f >> len)) : 0;
        for (int k = 1; k < len; k++) {
            if ((u[k] & 0xc0) != 0x80) {
                len = 0;
                break;
            }
            cp = cp << 6 | (u[k] & 0x3f);
        }
        if (!len || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            strcpy(bytes[n], "?");
            w[n++] = 1;
            u += len ? len : 1;
            continue;
        }
        memcpy(bytes[n], u, (size_t)len);
        bytes[n][len] = '\0';
        w[n++] = cp_width(cp);
        u += len;
    }
    return n;
}

/* The background a text cell keeps: the dominant colour of its sub-pixels
 * at the time the text was placed (a legend box, a filled contour). */
static uint32_t dominant(const NbTextCanvas *tc, int col, int row);

static void place(NbTextCanvas *tc, int col, int row, const char *bytes,
                  int wide, uint32_t fg)
{
    Cell *c = &tc->cell[(size_t)row * tc->cols + col];
    memcpy(c->ch, bytes, 5);
    c->wide = (unsigned char)wide;
    c->fg = fg;
    c->bg = dominant(tc, col, row);
    if (wide == 2 && col + 1 < tc->cols) {
        Cell *d = c + 1;
        d->ch[0] = '\0';
        d->wide = 3;
        d->bg = c->bg;
    }
}

/* Text snaps to cells: its vertical middle picks the row (from valign and
 * the font size), halign the first column; text that would stick out is
 * shifted inside the grid, and cut only when wider than the grid. Text
 * turned by about 90 degrees is written downwards, one character a row. */
static void tc_text(void *ctx, double x, double y, const char *s,
                    const NbTextStyle *t)
{
    NbTextCanvas *tc = ctx;
    char bytes[512][5];
    int w[512];
    int n = split_utf8(s, bytes, w, 512), span = 0;
    uint32_t fg = blend(t->color, WHITE);
    int up = fabs(fabs(fmod(t->angle, 180)) - 90) < 45;
    double off = t->valign < 0 ? t->size * 0.5 : t->valign > 0 ? -t->size * 0.35 : 0;
    for (int i = 0; i < n; i++)
        span += up ? 1 : w[i];
    if (!isfinite(x + y) || n == 0)
        return;
    double cw = 2 / tc->sx, ch = 4 / tc->sy;   /* CSS pixels a cell */
    double along = (up ? y : x) / (up ? ch : cw);
    int lim = up ? tc->rows : tc->cols;
    int first = t->halign < 0 ? (int)lround(along)
                : t->halign > 0 ? (int)lround(along) - span
                : (int)lround(along - span / 2.0);
    if (up && t->halign != 0)   /* reading upwards: the start is below */
        first = t->halign < 0 ? (int)lround(along) - span : (int)lround(along);
    if (first + span > lim)
        first = lim - span;
    if (first < 0)
        first = 0;
    double across = up ? (x + off) / cw : (y + off) / ch;
    int fixed = (int)floor(across), fmax_ = up ? tc->cols : tc->rows;
    fixed = fixed < 0 ? 0 : fixed >= fmax_ ? fmax_ - 1 : fixed;
    for (int i = 0, pos = first; i < n && pos < lim; i++) {
        if (!up && pos + w[i] > lim)
            break;
        if (up)
            place(tc, fixed, pos, bytes[i], 1, fg);
        else
            place(tc, pos, fixed, bytes[i], w[i], fg);
        pos += up ? 1 : w[i];
    }
}

/* --- the rest of the canvas -----------------------------------------------*/

static void tc_begin(void *ctx, double w, double h) { (void)ctx; (void)w; (void)h; }
static void tc_group(void *ctx, const char *name) { (void)ctx; (void)name; }
static void tc_nop(void *ctx) { (void)ctx; }

static void tc_clip(void *ctx, double x, double y, double w, double h)
{
    NbTextCanvas *tc = ctx;
    double x0 = fmax(0, x * tc->sx), y0 = fmax(0, y * tc->sy);
    double x1 = fmin(tc->W, (x + w) * tc->sx), y1 = fmin(tc->H, (y + h) * tc->sy);
    if (!isfinite(x0 + y0 + x1 + y1))
        return;
    /* a sub-pixel belongs to the clip when its centre does */
    tc->cx0 = (int)lround(x0);
    tc->cy0 = (int)lround(y0);
    tc->cx1 = (int)lround(x1);
    tc->cy1 = (int)lround(y1);
}

static void tc_unclip(void *ctx)
{
    NbTextCanvas *tc = ctx;
    tc->cx0 = tc->cy0 = 0;
    tc->cx1 = tc->W;
    tc->cy1 = tc->H;
}

void nb_text_canvas_bind(NbTextCanvas *tc, NbCanvas *c)
{
    c->ctx = tc;
    c->begin = tc_begin;
    c->fill = tc_fill;
    c->stroke = tc_stroke;
    c->circle = tc_circle;
    c->text = tc_text;
    c->clip = tc_clip;
    c->unclip = tc_unclip;
    c->group = tc_group;
    c->end_group = tc_nop;
    c->end = tc_nop;
    c->animate_dot = NULL;
}

NbTextCanvas *nb_text_canvas_new(int cols, int rows, int color)
{
    if (cols < 1 || rows < 1 || cols > 10000 || rows > 10000)
        return NULL;
    NbTextCanvas *tc = calloc(1, sizeof *tc);
    if (!tc)
        return NULL;
    size_t n = (size_t)cols * 2 * rows * 4;
    tc->cols = cols;
    tc->rows = rows;
    tc->W = cols * 2;
    tc->H = rows * 4;
    tc->sx = 2.0 / NB_TEXT_CELL_W;
    tc->sy = 4.0 / NB_TEXT_CELL_H;
    tc->color = color;
    tc->px = malloc(n * sizeof *tc->px);
    tc->cell = calloc((size_t)cols * rows, sizeof *tc->cell);
    tc->ink = calloc(n, 1);
    if (!color)
        tc->fillpx = malloc(n * sizeof *tc->fillpx);
    if (!tc->px || !tc->cell || !tc->ink || (!color && !tc->fillpx)) {
        nb_text_canvas_free(tc);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        tc->px[i] = WHITE;
        if (tc->fillpx)
            tc->fillpx[i] = WHITE;
    }
    tc_unclip(tc);
    return tc;
}

void nb_text_canvas_free(NbTextCanvas *tc)
{
    if (!tc)
        return;
    free(tc->px);
    free(tc->fillpx);
    free(tc->ink);
    free(tc->cell);
    free(tc);
}

/* --- output ---------------------------------------------------------------*/

/* Braille dot bits of the sub-pixel (dx, dy) in a cell (Unicode's dot
 * numbering: 1 2 3 7 down the left column, 4 5 6 8 down the right). */
static const unsigned char dot_bit[4][2] = {
    {0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

static void cell_pixels(const NbTextCanvas *tc, const uint32_t *buf, int col,
                        int row, uint32_t out[8])
{
    for (int dy = 0; dy < 4; dy++)
        for (int dx = 0; dx < 2; dx++)
            out[dy * 2 + dx] = buf[(size_t)(row * 4 + dy) * tc->W + col * 2 + dx];
}

/* The background of a cell: the most frequent colour among its
 * sub-pixels that no line or marker painted (what lies under the lines:
 * white, a fill), or among all 8 when lines cover the cell; a tie goes to
 * the lighter colour (dark lines on a light ground stay ink). */
static uint32_t dominant(const NbTextCanvas *tc, int col, int row)
{
    uint32_t p[8], best = 0;
    int bestn = 0, under = 0;
    unsigned char ink[8];
    cell_pixels(tc, tc->px, col, row, p);
    for (int i = 0; i < 8; i++) {
        ink[i] = tc->ink[(size_t)(row * 4 + i / 2) * tc->W + col * 2 + i % 2];
        under += !ink[i];
    }
    for (int i = 0; i < 8; i++) {
        int n = 0;
        if (under && ink[i])
            continue;
        for (int j = 0; j < 8; j++)
            n += p[j] == p[i] && !(under && ink[j]);
        if (n > bestn || (n == bestn && luma(p[i]) > luma(best))) {
            best = p[i];
            bestn = n;
        }
    }
    return best;
}

/* A cell in colour: its background, ink colour and braille bits. Only
 * what a line or marker painted becomes dots; where fills alone meet (the
 * bands of filled contours) the cell takes its dominant colour whole:
 * dots there would draw every band's edge as noise. */
static unsigned color_cell(const NbTextCanvas *tc, int col, int row,
                           uint32_t *bg, uint32_t *fg)
{
    uint32_t p[8];
    unsigned bits = 0;
    long far = -1;
    unsigned char ink[8];
    cell_pixels(tc, tc->px, col, row, p);
    for (int i = 0; i < 8; i++)
        ink[i] = tc->ink[(size_t)(row * 4 + i / 2) * tc->W + col * 2 + i % 2];
    *bg = dominant(tc, col, row);
    *fg = *bg;
    for (int i = 0; i < 8; i++)
        if (ink[i] && dist2(p[i], *bg) > far) {
            far = dist2(p[i], *bg);
            *fg = p[i];
        }
    for (int i = 0; i < 8; i++)
        if (ink[i] && p[i] != *bg && dist2(p[i], *fg) <= dist2(p[i], *bg))
            bits |= dot_bit[i / 2][i % 2];
    return bits;
}

/* A cell in monochrome: strokes and circles, and the fill boundaries,
 * always on the filled side: a filled sub-pixel whose right or lower
 * neighbour differs, or whose left or upper neighbour is unfilled. */
static unsigned mono_cell(const NbTextCanvas *tc, int col, int row)
{
    unsigned bits = 0;
    for (int dy = 0; dy < 4; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int x = col * 2 + dx, y = row * 4 + dy;
            size_t i = (size_t)y * tc->W + x;
            uint32_t c = tc->fillpx[i];
            int edge = c != WHITE &&
                       ((x + 1 < tc->W && tc->fillpx[i + 1] != c) ||
                        (y + 1 < tc->H && tc->fillpx[i + tc->W] != c) ||
                        (x > 0 && tc->fillpx[i - 1] == WHITE) ||
                        (y > 0 && tc->fillpx[i - tc->W] == WHITE));
            if (tc->ink[i] || edge)
                bits |= dot_bit[dy][dx];
        }
    return bits;
}

static void put_braille(unsigned bits, FILE *out)
{
    unsigned cp = 0x2800 + bits;
    fputc(0xe0 | (int)(cp >> 12), out);
    fputc(0x80 | (int)(cp >> 6 & 0x3f), out);
    fputc(0x80 | (int)(cp & 0x3f), out);
}

/* Escapes only where the colour changes within a line; -1: unknown. */
static void set_colors(uint32_t fg, uint32_t bg, int64_t *cur_fg,
                       int64_t *cur_bg, int need_fg, FILE *out)
{
    if (need_fg && *cur_fg != (int64_t)fg) {
        fprintf(out, "\033[38;2;%u;%u;%um", fg >> 16 & 255, fg >> 8 & 255, fg & 255);
        *cur_fg = fg;
    }
    if (*cur_bg != (int64_t)bg) {
        fprintf(out, "\033[48;2;%u;%u;%um", bg >> 16 & 255, bg >> 8 & 255, bg & 255);
        *cur_bg = bg;
    }
}

static void emit_row(const NbTextCanvas *tc, int row, FILE *out)
{
    int64_t cur_fg = -1, cur_bg = -1;
    for (int col = 0; col < tc->cols; col++) {
        const Cell *c = &tc->cell[(size_t)row * tc->cols + col];
        uint32_t bg = WHITE, fg = 0;
        unsigned bits;
        if (c->wide == 3)
            continue;
        if (c->wide) {
            if (tc->color)
                set_colors(c->fg, c->bg, &cur_fg, &cur_bg, 1, out);
            fputs(c->ch, out);
            if (c->wide == 2 && col + 1 == tc->cols)
                break;
            continue;
        }
        bits = tc->color ? color_cell(tc, col, row, &bg, &fg) : mono_cell(tc, col, row);
        if (tc->color)
            set_colors(fg, bg, &cur_fg, &cur_bg, bits != 0, out);
        if (bits)
            put_braille(bits, out);
        else
            fputc(' ', out);
    }
    if (tc->color)
        fputs("\033[0m", out);
    fputc('\n', out);
}

int nb_text_canvas_emit(const NbTextCanvas *tc, FILE *out)
{
    if (tc->err)
        return -1;
    for (int row = 0; row < tc->rows; row++)
        emit_row(tc, row, out);
    return ferror(out) ? -1 : 0;
}

/* The figure laid out at the cells' size (a shallow copy with w and h
 * changed: render.c only reads the model) and drawn on a text canvas. */
int nb_figure_write_text(const NbFigure *f, int cols, int rows, int color,
                         FILE *out)
{
    if (!f || cols < 8 || rows < 4 || cols * NB_TEXT_FIG_CELL_W > NB_PLOT_MAX_SIZE ||
        rows * NB_TEXT_FIG_CELL_H > NB_PLOT_MAX_SIZE)
        return -1;
    NbFigure *g = malloc(sizeof *g);
    NbTextCanvas *tc = nb_text_canvas_new(cols, rows, color);
    int rc = -1;
    if (g && tc) {
        NbCanvas c;
        *g = *f;
        g->w = (double)cols * NB_TEXT_FIG_CELL_W;
        g->h = (double)rows * NB_TEXT_FIG_CELL_H;
        tc->sx = 2.0 / NB_TEXT_FIG_CELL_W;
        tc->sy = 4.0 / NB_TEXT_FIG_CELL_H;
        nb_text_canvas_bind(tc, &c);
        nb_render_figure(g, &c);
        rc = nb_text_canvas_emit(tc, out);
    }
    free(g);
    nb_text_canvas_free(tc);
    return rc;
}
