/* test_plot_render.c — structural facts about rendered figures, through a
 * canvas that records the primitives render.c calls.
 *
 * What a reader would otherwise check by eye: every text lies inside the
 * figure; texts do not overlap; the legend leaves the curve alone when a
 * free corner exists; the colourbar sits right of the plot area; the clip
 * rectangle is the axes box; equal aspect gives equal scales; nothing is
 * drawn at a non-finite coordinate. Text boxes are computed from the same
 * metrics (font.c) and the alignment rules of canvas.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "canvas.h"
#include "nabla/plot.h"

#define MAXREC 4096

typedef struct Rect { double x0, y0, x1, y1; } Rect;

typedef struct TextRec {
    Rect box;
    char s[64];
    double size, angle;
} TextRec;

typedef struct PathRec {
    int stroke;            /* 1 stroke, 0 fill */
    NbColor color;
    double width;
    int clipped;           /* drawn while a clip was active */
    size_t n;
    double x[8], y[8];     /* the first points */
    Rect bbox;
    int nan;
} PathRec;

typedef struct Rec {
    double w, h;
    int begun, ended, clipping, nan;
    size_t nt, np, nclip;
    TextRec t[MAXREC];
    PathRec p[MAXREC];
    Rect clip[64];
    /* every point of the clipped (data) strokes in line_color */
    NbColor line_color;
    size_t nl;
    double lx[MAXREC], ly[MAXREC];
    unsigned char lop[MAXREC];
} Rec;

static void r_begin(void *ctx, double w, double h)
{
    Rec *r = ctx;
    r->w = w;
    r->h = h;
    r->begun++;
}

static int same(NbColor a, NbColor b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static void r_path(Rec *r, const NbPath *p, NbColor c, double w, int stroke)
{
    Rect bb = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
    for (size_t i = 0; i < p->n; i++) {
        if (!isfinite(p->x[i]) || !isfinite(p->y[i]))
            r->nan = 1;
        bb.x0 = fmin(bb.x0, p->x[i]);
        bb.y0 = fmin(bb.y0, p->y[i]);
        bb.x1 = fmax(bb.x1, p->x[i]);
        bb.y1 = fmax(bb.y1, p->y[i]);
        if (stroke && r->clipping && same(c, r->line_color) &&
            r->nl < MAXREC) {
            r->lx[r->nl] = p->x[i];
            r->ly[r->nl] = p->y[i];
            r->lop[r->nl++] = p->ops[i];
        }
    }
    if (r->np == MAXREC)
        return;
    PathRec *q = &r->p[r->np++];
    q->stroke = stroke;
    q->color = c;
    q->width = w;
    q->clipped = r->clipping;
    q->n = p->n;
    for (size_t i = 0; i < p->n && i < 8; i++) {
        q->x[i] = p->x[i];
        q->y[i] = p->y[i];
    }
    q->bbox = bb;
}

static void r_fill(void *ctx, const NbPath *p, NbColor c)
{
    r_path(ctx, p, c, 0, 0);
}

static void r_stroke(void *ctx, const NbPath *p, const NbStroke *s)
{
    r_path(ctx, p, s->color, s->width, 1);
}

static void r_circle(void *ctx, double cx, double cy, double rad, NbColor f,
                     const NbStroke *e)
{
    Rec *r = ctx;
    if (!isfinite(cx) || !isfinite(cy) || !isfinite(rad))
        r->nan = 1;
}

/* The box of a text from its anchor, alignment and angle: the unrotated
 * box (width by font.c, ascent and descent) turned about the anchor. */
static void r_text(void *ctx, double x, double y, const char *s,
                   const NbTextStyle *t)
{
    Rec *r = ctx;
    double w = nb_text_width(s, t->size, t->bold);
    double a = nb_text_ascent(t->size), d = nb_text_descent(t->size);
    double left = t->halign < 0 ? 0 : t->halign == 0 ? -w / 2 : -w;
    double base = t->valign < 0 ? a : t->valign == 0 ? (a - d) / 2 : 0;
    double cx[4] = { left, left + w, left + w, left };
    double cy[4] = { base - a, base - a, base + d, base + d };
    double th = -t->angle * M_PI / 180, ct = cos(th), st = sin(th);
    Rect b = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
    for (int i = 0; i < 4; i++) {
        double X = x + cx[i] * ct - cy[i] * st, Y = y + cx[i] * st + cy[i] * ct;
        b.x0 = fmin(b.x0, X);
        b.x1 = fmax(b.x1, X);
        b.y0 = fmin(b.y0, Y);
        b.y1 = fmax(b.y1, Y);
    }
    if (!isfinite(x) || !isfinite(y))
        r->nan = 1;
    if (r->nt == MAXREC)
        return;
    TextRec *q = &r->t[r->nt++];
    q->box = b;
    snprintf(q->s, sizeof q->s, "%s", s);
    q->size = t->size;
    q->angle = t->angle;
}

static void r_clip(void *ctx, double x, double y, double w, double h)
{
    Rec *r = ctx;
    Rect c = { x, y, x + w, y + h };
    if (r->nclip < 64)
        r->clip[r->nclip++] = c;
    r->clipping = 1;
}

static void r_unclip(void *ctx)
{
    ((Rec *)ctx)->clipping = 0;
}

static void r_group(void *ctx, const char *name) { (void)ctx; (void)name; }
static void r_end_group(void *ctx) { (void)ctx; }
static void r_end(void *ctx) { ((Rec *)ctx)->ended++; }

static Rec *record(const NbFigure *f, NbColor line_color)
{
    Rec *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->line_color = line_color;
    NbCanvas c = { r, r_begin, r_fill, r_stroke, r_circle, r_text, r_clip,
                   r_unclip, r_group, r_end_group, r_end, NULL };
    nb_render_figure(f, &c);
    return r;
}

static int overlap(Rect a, Rect b)
{
    double e = 0.01;     /* touching is not overlapping */
    return a.x0 < b.x1 - e && b.x0 < a.x1 - e && a.y0 < b.y1 - e &&
           b.y0 < a.y1 - e;
}

/* Facts every figure must have. */
static void check_common(const Rec *r, const char *name)
{
    CHECK(r->begun == 1 && r->ended == 1, "%s: begin and end once", name);
    CHECK(!r->nan, "%s: no non-finite coordinate", name);
    size_t out = 0;
    for (size_t i = 0; i < r->nt; i++) {
        Rect b = r->t[i].box;
        if (b.x0 < 0 || b.y0 < 0 || b.x1 > r->w || b.y1 > r->h) {
            out++;
            printf("# outside: \"%s\" [%g %g %g %g]\n", r->t[i].s, b.x0,
                   b.y0, b.x1, b.y1);
        }
    }
    CHECK(r->nt > 0 && out == 0, "%s: all %zu texts inside the %gx%g figure",
          name, r->nt, r->w, r->h);
}

/* No two texts overlap (figures without contour labels or text layers). */
static void check_no_overlap(const Rec *r, const char *name)
{
    size_t bad = 0;
    for (size_t i = 0; i < r->nt; i++)
        for (size_t j = i + 1; j < r->nt; j++)
            if (overlap(r->t[i].box, r->t[j].box)) {
                bad++;
                printf("# overlap: \"%s\" and \"%s\"\n", r->t[i].s, r->t[j].s);
            }
    CHECK(bad == 0, "%s: no two of %zu texts overlap", name, r->nt);
}

/* The axes box: the first unclipped stroke of a closed rectangle in
 * black after the clip was set. */
static const PathRec *axes_box(const Rec *r)
{
    for (size_t i = 0; i < r->np; i++) {
        const PathRec *q = &r->p[i];
        if (q->stroke && !q->clipped && q->n == 4 && q->color.r == 0 &&
            q->color.g == 0 && q->color.b == 0 && q->color.a == 1 &&
            q->bbox.y1 - q->bbox.y0 > 50)
            return q;
    }
    return NULL;
}

static NbColor color(double r, double g, double b)
{
    NbColor c = { r, g, b, 1 };
    return c;
}

static void test_single_line(void)
{
    NbFigure *f = nb_figure_new(1, 1, 0, 0);
    double x[101], y[101];
    for (int i = 0; i <= 100; i++) {
        x[i] = i / 100.0;
        y[i] = x[i];
    }
    NbColor lc = color(0, 0, 1);
    NbLineStyle ls = { lc, 0, 0, NB_MARKER_NONE, 0, "the line y = x" };
    nb_layer_line(f, 0, 101, x, y, &ls);
    nb_panel_set_title(f, 0, "A title");
    nb_panel_set_labels(f, 0, "x axis", "y axis");
    Rec *r = record(f, lc);
    check_common(r, "line");
    check_no_overlap(r, "line");
    const PathRec *ab = axes_box(r);
    CHECK(ab && r->nclip == 1 && fabs(ab->bbox.x0 - r->clip[0].x0) < 1e-9 &&
          fabs(ab->bbox.x1 - r->clip[0].x1) < 1e-9 &&
          fabs(ab->bbox.y0 - r->clip[0].y0) < 1e-9 &&
          fabs(ab->bbox.y1 - r->clip[0].y1) < 1e-9,
          "clip rectangle equals the axes box");
    /* the line: data 0..1 with 5% margins -> it spans 1/1.1 of the box */
    Rect c = r->clip[0];
    CHECK(r->nl == 101 &&
          fabs((r->lx[100] - r->lx[0]) / (c.x1 - c.x0) - 1 / 1.1) < 1e-9 &&
          fabs((r->ly[0] - r->ly[100]) / (c.y1 - c.y0) - 1 / 1.1) < 1e-9,
          "automatic limits add 5%% each side");
    /* legend box: the translucent white fill; the line runs from lower
     * left to upper right, so two corners are free */
    const PathRec *lg = NULL;
    for (size_t i = 0; i < r->np; i++)
        if (!r->p[i].stroke && r->p[i].color.r == 1 && r->p[i].color.a < 1 &&
            r->p[i].color.a > 0.5)
            lg = &r->p[i];
    size_t hidden = 0;
    for (size_t i = 0; lg && i < r->nl; i++)
        hidden += r->lx[i] >= lg->bbox.x0 && r->lx[i] <= lg->bbox.x1 &&
                  r->ly[i] >= lg->bbox.y0 && r->ly[i] <= lg->bbox.y1;
    CHECK(lg && hidden == 0, "legend leaves the line alone (%zu points under it)",
          hidden);
    CHECK(lg && lg->bbox.x0 >= c.x0 && lg->bbox.x1 <= c.x1 &&
          lg->bbox.y0 >= c.y0 && lg->bbox.y1 <= c.y1, "legend inside the axes");
    /* tick labels: 0 .. 1 by 0.2 on both axes (6 each) */
    size_t n02 = 0;
    for (size_t i = 0; i < r->nt; i++)
        n02 += strcmp(r->t[i].s, "0.2") == 0 || strcmp(r->t[i].s, "1.0") == 0;
    CHECK(n02 == 4, "ticks 0.2 and 1.0 labelled on both axes");
    free(r);
    nb_figure_free(f);
}

/* A line going through the upper right corner only: the legend must go
 * elsewhere (the first candidate, upper right, is taken). */
static void test_legend_moves(void)
{
    NbFigure *f = nb_figure_new(1, 1, 400, 300);
    double x[50], y[50];
    for (int i = 0; i < 50; i++) {
        x[i] = i;
        y[i] = i < 40 ? 0 : (i - 40) * 10;
    }
    NbColor lc = color(1, 0, 0);
    NbLineStyle ls = { lc, 0, 0, NB_MARKER_CIRCLE, 0, "a long legend label here" };
    nb_layer_line(f, 0, 50, x, y, &ls);
    Rec *r = record(f, lc);
    check_common(r, "legend");
    const PathRec *lg = NULL;
    for (size_t i = 0; i < r->np; i++)
        if (!r->p[i].stroke && r->p[i].color.r == 1 && r->p[i].color.a < 1 &&
            r->p[i].color.a > 0.5)
            lg = &r->p[i];
    size_t hidden = 0;
    /* the recorded line points, plus the segments sampled every pixel */
    for (size_t i = 1; lg && i < r->nl; i++)
        for (int s = 0; s <= 100; s++) {
            double t = s / 100.0;
            double px = r->lx[i - 1] + t * (r->lx[i] - r->lx[i - 1]);
            double py = r->ly[i - 1] + t * (r->ly[i] - r->ly[i - 1]);
            hidden += r->lop[i] != NB_MOVE && px >= lg->bbox.x0 &&
                      px <= lg->bbox.x1 && py >= lg->bbox.y0 &&
                      py <= lg->bbox.y1;
        }
    CHECK(lg && hidden == 0, "legend avoids the curve in the upper right");
    free(r);
    nb_figure_free(f);
}

static void test_grid_panels(void)
{
    NbFigure *f = nb_figure_new(2, 3, 900, 560);
    nb_figure_set_title(f, "A suptitle over six panels");
    double x[200], y[200];
    for (int p = 0; p < 6; p++) {
        double scale = pow(10, p - 2);
        for (int i = 0; i < 200; i++) {
            x[i] = -5 + 10.0 * i / 199;
            y[i] = scale * tanh(x[i]) - 12345 * (p == 5);
        }
        NbLineStyle ls = { nb_color_cycle(p), 0, 0, 0, 0, NULL };
        nb_layer_line(f, p, 200, x, y, &ls);
        nb_panel_set_title(f, p, "panel title");
        nb_panel_set_labels(f, p, "x", "f(x)");
    }
    Rec *r = record(f, color(0, 0, 0));
    check_common(r, "grid");
    check_no_overlap(r, "grid");
    CHECK(r->nclip == 6, "six clip rectangles");
    /* panels in a column share left and right, in a row top and bottom */
    int aligned = r->nclip == 6;
    for (size_t i = 0; aligned && i < 3; i++)
        aligned = fabs(r->clip[i].x0 - r->clip[i + 3].x0) < 1e-9 &&
                  fabs(r->clip[i].x1 - r->clip[i + 3].x1) < 1e-9;
    for (size_t i = 0; aligned && i < 6; i += 3)
        aligned = fabs(r->clip[i].y0 - r->clip[i + 1].y0) < 1e-9 &&
                  fabs(r->clip[i].y1 - r->clip[i + 2].y1) < 1e-9;
    CHECK(aligned, "axes aligned along rows and columns");
    /* no clip rectangle overlaps another, nor a text another panel's */
    int apart = 1;
    for (size_t i = 0; i < r->nclip; i++)
        for (size_t j = i + 1; j < r->nclip; j++)
            apart &= !overlap(r->clip[i], r->clip[j]);
    CHECK(apart, "plot areas apart");
    free(r);
    nb_figure_free(f);
}

static void test_contour_colorbar(void)
{
    NbFigure *f = nb_figure_new(1, 1, 500, 400);
    enum { N = 41 };
    static double z[N * N];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double x = -3 + 6.0 * i / (N - 1), y = -3 + 6.0 * j / (N - 1);
            z[j * N + i] = x * x + y * y;
        }
    double lev[10];
    for (int i = 0; i < 10; i++)
        lev[i] = 2 * i;
    NbContourStyle cs = { 1, NB_CMAP_VIRIDIS, 0, { 0, 0, 0, 0 }, 0, 0, 1, 0,
                          "the colourbar label" };
    nb_layer_contour(f, 0, N, N, -3, 3, -3, 3, z, 10, lev, &cs);
    nb_panel_set_labels(f, 0, "x", "y");
    nb_panel_set_title(f, 0, "filled contours");
    nb_panel_set_equal(f, 0, 1);
    Rec *r = record(f, color(0, 0, 0));
    check_common(r, "contour");
    check_no_overlap(r, "contour");
    CHECK(r->nclip == 1, "one clip rectangle");
    Rect c = r->clip[0];
    CHECK(fabs((c.x1 - c.x0) - (c.y1 - c.y0)) < 1e-6,
          "equal aspect on a square range: a square plot area");
    /* colourbar bands: unclipped fills in colormap colours, 9 bands */
    size_t bands = 0, right = 0, inside = 0;
    for (size_t i = 0; i < r->np; i++) {
        const PathRec *q = &r->p[i];
        if (q->stroke || q->clipped || q->color.a < 1)
            continue;
        bands++;
        right += q->bbox.x0 >= c.x1;
        inside += q->bbox.y0 >= c.y0 - 1e-9 && q->bbox.y1 <= c.y1 + 1e-9;
    }
    CHECK(bands == 9 && right == 9 && inside == 9,
          "colourbar: %zu bands right of the plot area, as tall", bands);
    /* filled regions drawn clipped, first the whole field in the lowest
     * colour (viridis' dark purple) */
    const PathRec *first = NULL;
    for (size_t i = 0; i < r->np && !first; i++)
        if (!r->p[i].stroke && r->p[i].clipped)
            first = &r->p[i];
    NbColor lo = nb_colormap(NB_CMAP_VIRIDIS, 0);
    CHECK(first && same(first->color, lo) &&
          fabs(first->bbox.x0 - c.x0) < 1e-6 && fabs(first->bbox.x1 - c.x1) < 1e-6,
          "the field is painted first in the lowest colour, edge to edge");
    free(r);
    nb_figure_free(f);
}

/* Two panels with colourbars side by side, a title longer than a panel,
 * labels on both: nothing spills into the neighbour or off the figure. */
static void test_two_colorbars(void)
{
    NbFigure *f = nb_figure_new(1, 2, 640, 300);
    enum { N = 21 };
    static double z[N * N];
    for (int i = 0; i < N * N; i++)
        z[i] = (i % N) * 1000.0 + (double)(i / N);
    double lev[5] = { 100, 1000, 5000, 10000, 20000 };
    NbContourStyle cs = { 1, NB_CMAP_BLUES, 0, { 0, 0, 0, 0 }, 0, 0, 1, 1,
                          "a colourbar label" };
    for (int p = 0; p < 2; p++) {
        nb_layer_contour(f, p, N, N, 0, 1e6, -1e-4, 1e-4, z, 5, lev, &cs);
        nb_panel_set_labels(f, p, "a rather long x label for this panel",
                            "the y label");
        nb_panel_set_title(f, p, "A title much longer than the panel it is written over");
    }
    nb_figure_set_title(f, "And a suptitle that is longer than the whole figure is wide, surely");
    Rec *r = record(f, color(0, 0, 0));
    check_common(r, "two colourbars");
    check_no_overlap(r, "two colourbars");
    free(r);
    nb_figure_free(f);
}

static void test_log_axes(void)
{
    NbFigure *f = nb_figure_new(1, 1, 0, 0);
    double x[13], y[13];
    for (int i = 0; i < 13; i++) {
        x[i] = pow(10, -i);
        y[i] = x[i] * x[i] + (i == 5 ? -1 : 0);   /* one negative: dropped */
    }
    NbColor lc = color(0, 0.5, 0);
    NbLineStyle ls = { lc, 0, 0, NB_MARKER_SQUARE, 0, NULL };
    nb_layer_line(f, 0, 13, x, y, &ls);
    nb_panel_set_log(f, 0, 1, 1);
    nb_panel_set_labels(f, 0, "h", "error");
    Rec *r = record(f, lc);
    check_common(r, "log");
    check_no_overlap(r, "log");
    size_t moves = 0;
    for (size_t i = 0; i < r->nl; i++)
        moves += r->lop[i] == NB_MOVE;
    CHECK(r->nl == 12 && moves == 2, "a non-positive value breaks the line");
    size_t pow_labels = 0;
    for (size_t i = 0; i < r->nt; i++)
        pow_labels += strncmp(r->t[i].s, "10", 2) == 0 && strlen(r->t[i].s) > 2;
    CHECK(pow_labels >= 6, "log ticks labelled as powers of ten (%zu)",
          pow_labels);
    free(r);
    nb_figure_free(f);
}

static void test_surface_and_text(void)
{
    NbFigure *f = nb_figure_new(1, 2, 700, 300);
    enum { N = 30 };
    static double z[N * N];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double x = -3 + 6.0 * i / (N - 1), y = -3 + 6.0 * j / (N - 1);
            z[j * N + i] = x * x + y * y;
        }
    z[17] = NAN;
    nb_panel_set_kind(f, 0, NB_PANEL_3D);
    nb_layer_surface(f, 0, N, N, -3, 3, -3, 3, z, NB_CMAP_VIRIDIS);
    nb_panel_set_view(f, 0, 30, -60, "z axis");
    nb_panel_set_labels(f, 0, "x", "y");
    nb_panel_set_title(f, 0, "surface");
    double x[2] = { 0, 1 }, y[2] = { 0, 1 };
    NbLineStyle ls = { color(0, 0, 0), 0, 0, 0, 0, NULL };
    nb_layer_line(f, 1, 2, x, y, &ls);
    nb_layer_text(f, 1, 1, 1, "a long text at the upper right corner",
                  color(0, 0, 0), 12, -1);
    Rec *r = record(f, color(0, 0, 0));
    check_common(r, "surface");
    size_t quads = 0;
    for (size_t i = 0; i < r->np; i++)
        quads += !r->p[i].stroke && r->p[i].n == 4;
    CHECK(quads >= (N - 1) * (N - 1) - 4, "surface quads drawn (%zu)", quads);
    free(r);
    nb_figure_free(f);
}

static void test_empty(void)
{
    NbFigure *f = nb_figure_new(1, 1, 60, 50);
    Rec *r = record(f, color(0, 0, 0));
    CHECK(r->begun == 1 && r->ended == 1 && !r->nan,
          "an empty, tiny figure renders");
    free(r);
    nb_figure_free(f);
}

int main(void)
{
    test_single_line();
    test_legend_moves();
    test_grid_panels();
    test_contour_colorbar();
    test_two_colorbars();
    test_log_axes();
    test_surface_and_text();
    test_empty();
    return check_done();
}
