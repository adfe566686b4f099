/* test_plot_pixels.c — figures built through the model (plot.h), drawn by
 * cairo (nb_figure_raster, nb_figure_png), checked by sampled pixels where
 * the geometry says what must be there.
 *
 * Data are mapped to pixels through the axes box found in the raster
 * itself: from a point known to be empty, walk outwards to the black
 * frame (its 0.8 px stroke covers at least 0.8 of some device pixel at
 * scale 2, so that pixel is darker than 64) and take the middle of the
 * dark run. The clip rectangle render.c asks for, read through a canvas
 * that records it, must agree with the frame found. Limits are set
 * explicitly, so the box edges are the data limits.
 *
 * Expected colours come from outside the code: the ends of matplotlib's
 * Blues (ColorBrewer's #f7fbff and #08306b), red #ff0000, green #008000,
 * white.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "canvas.h"
#include "raster.h"
#include "nabla/plot.h"

#define SCALE 2.0

typedef struct Img {
    uint32_t *px;
    int w, h;
} Img;

/* The axes box in device pixels: frame centre lines. */
typedef struct Box { double x0, y0, x1, y1; } Box;

static int ch_r(uint32_t v) { return v >> 16 & 0xFF; }
static int ch_g(uint32_t v) { return v >> 8 & 0xFF; }
static int ch_b(uint32_t v) { return v & 0xFF; }

static uint32_t at(const Img *m, int x, int y)
{
    if (x < 0 || y < 0 || x >= m->w || y >= m->h)
        return 0;
    return m->px[(size_t)y * (size_t)m->w + (size_t)x];
}

/* Opaque and within tol of the 0xRRGGBB colour in each channel. */
static int is_rgb(uint32_t v, unsigned hex, int tol)
{
    return v >> 24 == 0xFF &&
           abs(ch_r(v) - (int)(hex >> 16 & 0xFF)) <= tol &&
           abs(ch_g(v) - (int)(hex >> 8 & 0xFF)) <= tol &&
           abs(ch_b(v) - (int)(hex & 0xFF)) <= tol;
}

static unsigned hex_of(NbColor c)
{
    return (unsigned)lround(c.r * 255) << 16 |
           (unsigned)lround(c.g * 255) << 8 | (unsigned)lround(c.b * 255);
}

static int blackish(uint32_t v)
{
    return ch_r(v) < 64 && ch_g(v) < 64 && ch_b(v) < 64;
}

/* Reddish: a strong red channel, weak green and blue. */
static int reddish(uint32_t v)
{
    return ch_r(v) > 200 && ch_g(v) < 100 && ch_b(v) < 100;
}

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 |
           p[3];
}

static double luma(uint32_t v)
{
    return 0.2126 * ch_r(v) + 0.7152 * ch_g(v) + 0.0722 * ch_b(v);
}

/* From (x, y) step by (dx, dy) to the first blackish pixel; the centre of
 * that run of blackish pixels along the walk (device coordinates, pixel
 * i spanning [i, i+1)), or NAN when the edge of the image comes first. */
static double walk_to_frame(const Img *m, int x, int y, int dx, int dy)
{
    while (x >= 0 && y >= 0 && x < m->w && y < m->h && !blackish(at(m, x, y))) {
        x += dx;
        y += dy;
    }
    if (x < 0 || y < 0 || x >= m->w || y >= m->h)
        return NAN;
    int fx = x, fy = y;
    while (blackish(at(m, x + dx, y + dy))) {
        x += dx;
        y += dy;
    }
    return dx ? (fx + x) / 2.0 + 0.5 : (fy + y) / 2.0 + 0.5;
}

/* The frame around the empty point (cx, cy), given in CSS pixels. */
static int find_box(const Img *m, double cx, double cy, Box *b)
{
    int x = (int)(cx * SCALE), y = (int)(cy * SCALE);
    b->x0 = walk_to_frame(m, x, y, -1, 0);
    b->x1 = walk_to_frame(m, x, y, 1, 0);
    b->y0 = walk_to_frame(m, x, y, 0, -1);
    b->y1 = walk_to_frame(m, x, y, 0, 1);
    return isfinite(b->x0) && isfinite(b->x1) && isfinite(b->y0) &&
           isfinite(b->y1) && b->x1 - b->x0 > 50 && b->y1 - b->y0 > 50;
}

/* Data (x, y) in [0, 1]^2 limits to the device pixel holding it. */
static int dev_x(const Box *b, double x)
{
    return (int)floor(b->x0 + x * (b->x1 - b->x0));
}

static int dev_y(const Box *b, double y)
{
    return (int)floor(b->y1 - y * (b->y1 - b->y0));
}

/* --- the clip rectangle, recorded ------------------------------------------*/

typedef struct Clip {
    int n;
    double x, y, w, h;
} Clip;

static void c_begin(void *c, double w, double h) { (void)c; (void)w; (void)h; }
static void c_fill(void *c, const NbPath *p, NbColor k)
{
    (void)c; (void)p; (void)k;
}
static void c_stroke(void *c, const NbPath *p, const NbStroke *s)
{
    (void)c; (void)p; (void)s;
}
static void c_circle(void *c, double x, double y, double r, NbColor f,
                     const NbStroke *e)
{
    (void)c; (void)x; (void)y; (void)r; (void)f; (void)e;
}
static void c_text(void *c, double x, double y, const char *s,
                   const NbTextStyle *t)
{
    (void)c; (void)x; (void)y; (void)s; (void)t;
}
static void c_clip(void *ctx, double x, double y, double w, double h)
{
    Clip *c = ctx;
    if (c->n++ == 0) {
        c->x = x;
        c->y = y;
        c->w = w;
        c->h = h;
    }
}
static void c_unclip(void *c) { (void)c; }
static void c_group(void *c, const char *s) { (void)c; (void)s; }
static void c_end_group(void *c) { (void)c; }
static void c_end(void *c) { (void)c; }

static Clip clip_of(const NbFigure *f)
{
    Clip c = { 0, 0, 0, 0, 0 };
    NbCanvas cv = { &c, c_begin, c_fill, c_stroke, c_circle, c_text, c_clip,
                    c_unclip, c_group, c_end_group, c_end, NULL };
    nb_render_figure(f, &cv);
    return c;
}

/* The raster of f at SCALE, and its axes box found from (cx, cy); checks
 * the size and that the box agrees with the recorded clip rectangle. */
static int draw(const NbFigure *f, const char *name, double cx, double cy,
                Img *m, Box *b)
{
    m->px = nb_figure_raster(f, SCALE, &m->w, &m->h);
    CHECK(m->px && m->w == (int)ceil(nb_figure_width(f) * SCALE) &&
          m->h == (int)ceil(nb_figure_height(f) * SCALE),
          "%s: raster %d x %d at scale %g", name, m->w, m->h, SCALE);
    if (!m->px)
        return 0;
    int found = find_box(m, cx, cy, b);
    CHECK(found, "%s: a black frame around (%g, %g)", name, cx, cy);
    if (!found)
        return 0;
    Clip c = clip_of(f);
    double e = 1.0;    /* device pixels */
    CHECK(c.n == 1 && fabs(b->x0 - c.x * SCALE) <= e &&
          fabs(b->x1 - (c.x + c.w) * SCALE) <= e &&
          fabs(b->y0 - c.y * SCALE) <= e &&
          fabs(b->y1 - (c.y + c.h) * SCALE) <= e,
          "%s: frame [%g %g %g %g] is the clip rectangle [%g %g %g %g]",
          name, b->x0, b->y0, b->x1, b->y1, c.x * SCALE, c.y * SCALE,
          (c.x + c.w) * SCALE, (c.y + c.h) * SCALE);
    return 1;
}

static NbFigure *unit_square(double w, double h)
{
    NbFigure *f = nb_figure_new(1, 1, w, h);
    if (!f)
        return NULL;
    nb_panel_set_xlim(f, 0, 0, 1);
    nb_panel_set_ylim(f, 0, 0, 1);
    nb_panel_set_grid(f, 0, 0);
    return f;
}

/* --- filled contours of z = x ----------------------------------------------*/

static void test_contour_blues(void)
{
    CHECK(hex_of(nb_colormap(NB_CMAP_BLUES, 0)) == 0xf7fbff &&
          hex_of(nb_colormap(NB_CMAP_BLUES, 1)) == 0x08306b,
          "Blues runs from ColorBrewer's #f7fbff to #08306b");
    /* levels 0, 0.1, ..., 1 spanning the field, as automatic levels do:
     * ten bands, the first and last in the colormap's end colours */
    enum { N = 11 };
    double z[N * N], lev[N];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++)
            z[j * N + i] = i / (double)(N - 1);
    for (int k = 0; k < N; k++)
        lev[k] = k / 10.0;
    NbFigure *f = unit_square(400, 300);
    NbContourStyle cs = { 1, NB_CMAP_BLUES, 0, { 0, 0, 0, 0 }, 0, 0, 0, 0,
                          NULL };
    CHECK(f && nb_layer_contour(f, 0, N, N, 0, 1, 0, 1, z, N, lev, &cs) == 0,
          "contour layer added");
    Img m;
    Box b;
    /* the middle of the panel is the band 0.5 .. 0.6: mid blue, no black */
    if (!f || !draw(f, "contour", 200, 150, &m, &b)) {
        nb_figure_free(f);
        return;
    }
    int y = dev_y(&b, 0.45);
    uint32_t lo = at(&m, dev_x(&b, 0.03), y), hi = at(&m, dev_x(&b, 0.97), y);
    CHECK(is_rgb(lo, 0xf7fbff, 1),
          "the band 0 .. 0.1 near x = 0 is Blues' light end: %08x", lo);
    CHECK(is_rgb(hi, 0x08306b, 1),
          "the band 0.9 .. 1 near x = 1 is Blues' dark end: %08x", hi);
    /* ten bands, each darker than the one left of it, each one colour
     * from top to bottom */
    int darker = 1, uniform = 1;
    double prev = HUGE_VAL;
    for (int k = 0; k < 10; k++) {
        double x = 0.05 + 0.1 * k;
        uint32_t v = at(&m, dev_x(&b, x), y);
        darker &= luma(v) < prev - 1;
        prev = luma(v);
        for (double yy = 0.1; yy < 0.95; yy += 0.2)
            uniform &= at(&m, dev_x(&b, x), dev_y(&b, yy)) == v;
    }
    CHECK(darker, "bands darken from x = 0 to x = 1");
    CHECK(uniform, "z = x: each band one colour along y");
    /* the band edges: the colour changes between x = 0.49 and 0.51 */
    CHECK(at(&m, dev_x(&b, 0.49), y) != at(&m, dev_x(&b, 0.51), y) &&
          at(&m, dev_x(&b, 0.47), y) == at(&m, dev_x(&b, 0.49), y),
          "a band edge at the level x = 0.5");
    CHECK(is_rgb(at(&m, 0, 0), 0xffffff, 0) &&
          is_rgb(at(&m, m.w - 1, m.h - 1), 0xffffff, 0),
          "the figure's corners are white");
    free(m.px);
    nb_figure_free(f);
}

/* --- a thick red line, clipped ---------------------------------------------*/

static void test_red_line(void)
{
    NbFigure *f = unit_square(400, 300);
    double x[2] = { -1, 2 }, y[2] = { 0.5, 0.5 };
    NbLineStyle ls = { { 1, 0, 0, 1 }, 6, 0, NB_MARKER_NONE, 0, NULL };
    CHECK(f && nb_layer_line(f, 0, 2, x, y, &ls) == 0, "line layer added");
    Img m;
    Box b;
    /* (200, 100): a quarter up from the middle, above the line */
    if (!f || !draw(f, "line", 200, 100, &m, &b)) {
        nb_figure_free(f);
        return;
    }
    int cx = dev_x(&b, 0.5), cy = dev_y(&b, 0.5);
    int off = (int)(20 * SCALE);
    CHECK(is_rgb(at(&m, cx, cy), 0xff0000, 0), "red at the line's middle");
    CHECK(!reddish(at(&m, cx, cy - off)) && !reddish(at(&m, cx, cy + off)),
          "not red 20 px above and below");
    /* thickness: the red run down the column at x = 0.3, 6 px wide */
    int top = -1, bottom = -1, col = dev_x(&b, 0.3);
    for (int yy = 0; yy < m.h; yy++)
        if (reddish(at(&m, col, yy))) {
            if (top < 0)
                top = yy;
            bottom = yy;
        }
    double mid = (top + bottom + 1) / 2.0, want = b.y1 - 0.5 * (b.y1 - b.y0);
    CHECK(top >= 0 && abs((bottom - top + 1) - (int)(6 * SCALE)) <= 2,
          "the line is 6 px thick (%d device px)", bottom - top + 1);
    CHECK(top >= 0 && fabs(mid - want) <= 1,
          "centred on y = 0.5 (%g, want %g)", mid, want);
    /* data from x = -1 to 2: clipped to the box */
    int outside = 0;
    for (int d = 3; d < 30; d++)
        outside |= reddish(at(&m, (int)b.x0 - d, cy)) ||
                   reddish(at(&m, (int)b.x1 + d, cy));
    CHECK(!outside, "the line is clipped at the axes box");
    CHECK(is_rgb(at(&m, 0, 0), 0xffffff, 0) &&
          is_rgb(at(&m, m.w - 1, 0), 0xffffff, 0),
          "the figure's top corners are white");
    free(m.px);

    /* the PNG: twice the size at scale 2, the same pixels as the raster */
    size_t n1 = 0, n2 = 0;
    unsigned char *p1 = nb_figure_png(f, 1, &n1);
    unsigned char *p2 = nb_figure_png(f, 2, &n2);
    CHECK(p1 && p2 && n1 > 24 && n2 > 24 &&
          memcmp(p1 + 12, "IHDR", 4) == 0 && memcmp(p2 + 12, "IHDR", 4) == 0,
          "PNGs at scales 1 and 2");
    if (p1 && p2 && n1 > 24 && n2 > 24) {
        unsigned w1 = be32(p1 + 16), h1 = be32(p1 + 20);
        unsigned w2 = be32(p2 + 16), h2 = be32(p2 + 20);
        CHECK(w1 == 400 && h1 == 300 && w2 == 800 && h2 == 600,
              "PNG 400 x 300 at scale 1, 800 x 600 at scale 2 (%u x %u, "
              "%u x %u)", w1, h1, w2, h2);
    }
    free(p1);
    free(p2);
    nb_figure_free(f);
}

/* --- a green circle marker -------------------------------------------------*/

static void test_marker(void)
{
    NbFigure *f = unit_square(400, 300);
    double x = 0.25, y = 0.75;
    NbMarkerStyle ms = { NB_MARKER_CIRCLE, 16, { 0, 0.5, 0, 1 },
                         { 0, 0, 0, 0 }, NULL };
    CHECK(f && nb_layer_markers(f, 0, 1, &x, &y, &ms) == 0,
          "marker layer added");
    Img m;
    Box b;
    if (!f || !draw(f, "marker", 200, 150, &m, &b)) {
        nb_figure_free(f);
        return;
    }
    int cx = dev_x(&b, x), cy = dev_y(&b, y);
    int r = (int)(8 * SCALE);     /* radius in device pixels */
    CHECK(is_rgb(at(&m, cx, cy), 0x008000, 0), "green at (0.25, 0.75)");
    int in = 1, out = 0;
    for (int k = 0; k < 8; k++) {
        double a = k * M_PI / 4;
        int ix = cx + (int)lround(0.6 * r * cos(a));
        int iy = cy + (int)lround(0.6 * r * sin(a));
        int ox = cx + (int)lround(1.5 * r * cos(a));
        int oy = cy + (int)lround(1.5 * r * sin(a));
        in &= is_rgb(at(&m, ix, iy), 0x008000, 0);
        out |= !is_rgb(at(&m, ox, oy), 0xffffff, 0);
    }
    CHECK(in, "green within 0.6 of the radius all round");
    CHECK(!out, "white at 1.5 times the radius all round");
    /* its width across the centre row: the diameter, 16 px */
    int left = cx, right = cx;
    while (ch_g(at(&m, left - 1, cy)) < 200)
        left--;
    while (ch_g(at(&m, right + 1, cy)) < 200)
        right++;
    CHECK(abs((right - left + 1) - 2 * r) <= 2,
          "16 px across (%d device px)", right - left + 1);
    free(m.px);
    nb_figure_free(f);
}

/* --- an empty figure, at two scales ----------------------------------------*/

static void test_scales(void)
{
    NbFigure *f = nb_figure_new(1, 1, 201, 151);
    int w1 = 0, h1 = 0, w2 = 0, h2 = 0;
    uint32_t *a = f ? nb_figure_raster(f, 1, &w1, &h1) : NULL;
    uint32_t *b = f ? nb_figure_raster(f, 2, &w2, &h2) : NULL;
    CHECK(a && b && w1 == 201 && h1 == 151 && w2 == 402 && h2 == 302,
          "rasters 201 x 151 and 402 x 302 (%d x %d, %d x %d)", w1, h1, w2,
          h2);
    CHECK(a && b && a[0] == 0xFFFFFFFFu && b[0] == 0xFFFFFFFFu &&
          a[(size_t)w1 * h1 - 1] == 0xFFFFFFFFu &&
          b[(size_t)w2 * h2 - 1] == 0xFFFFFFFFu,
          "an empty figure is white in its corners");
    free(a);
    free(b);
    nb_figure_free(f);
}

int main(void)
{
    test_contour_blues();
    test_red_line();
    test_marker();
    test_scales();
    nb_plot_font_cleanup();
    return check_done();
}
