/* cairo.c — the raster and PDF backend: canvas primitives drawn by cairo
 * on an ARGB32 image surface (PNG bytes, terminal pixels) or a PDF
 * surface.
 *
 * Text goes through FreeType with the DejaVu Sans files opened directly
 * (no fontconfig search, no pango): the faces are loaded once per process,
 * lazily, and kept until nb_plot_font_cleanup(). Hinting is off, metrics
 * unhinted and kerning not applied, so a string's advance is exactly
 * nb_text_width's and text sits where the SVG backend puts it. Without a
 * font file, cairo's "sans" (fontconfig) is used; without that, no text
 * is drawn. A cairo error never reaches the caller as a crash: the
 * drawing stops and the entry point returns NULL or -1.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#if CAIRO_HAS_PDF_SURFACE
#include <cairo-pdf.h>
#endif
#include "backend.h"
#include "canvas.h"
#include "raster.h"

#define MAX_SIDE 32767          /* cairo's largest image surface */
#define MAX_DEVICE 4e6          /* |device coordinates| kept in cairo's fixed point */
#define PT_PER_PX 0.75          /* PDF points per CSS pixel */

/* --- fonts, once per process -------------------------------------------------*/

static struct {
    int tried;
    int usable;                 /* 0: draw no text */
    int metric;                 /* the faces are DejaVu: nb_text_width is exact */
    FT_Library lib;
    int live;                   /* FT faces cairo has not released yet */
    cairo_font_face_t *face[2]; /* regular, bold */
    cairo_font_options_t *opts;
} fonts;

static const cairo_user_data_key_t ft_key;

/* cairo's destroy callback: the FT_Face may go only when cairo is done
 * with its font face, which can be after we drop our reference. */
static void release_ft(void *p)
{
    FT_Done_Face(p);
    fonts.live--;
}

/* A cairo face over the font file at path, or NULL. */
static cairo_font_face_t *face_from_file(const char *path)
{
    FT_Face ft;
    if (!path || !*path || FT_New_Face(fonts.lib, path, 0, &ft) != 0)
        return NULL;
    cairo_font_face_t *ff = cairo_ft_font_face_create_for_ft_face(ft, 0);
    if (cairo_font_face_status(ff) != CAIRO_STATUS_SUCCESS ||
        cairo_font_face_set_user_data(ff, &ft_key, ft, release_ft) !=
            CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(ff);
        FT_Done_Face(ft);
        return NULL;
    }
    fonts.live++;
    return ff;
}

/* The first of the candidate files that loads: $NABLA_FONT (and its
 * "-Bold" sibling), then Debian's and Arch's DejaVu paths. */
static cairo_font_face_t *load_face(int bold)
{
    static const char *const dirs[] = {"/usr/share/fonts/truetype/dejavu/",
                                       "/usr/share/fonts/TTF/"};
    const char *env = getenv("NABLA_FONT");
    char path[4096];
    cairo_font_face_t *ff = NULL;
    if (env && !bold)
        ff = face_from_file(env);
    size_t n = env ? strlen(env) : 0;
    if (!ff && bold && n > 4 && n < sizeof path - 8 &&
        strcmp(env + n - 4, ".ttf") == 0) {
        snprintf(path, sizeof path, "%.*s-Bold.ttf", (int)(n - 4), env);
        ff = face_from_file(path);
    }
    for (size_t i = 0; !ff && i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%sDejaVuSans%s.ttf", dirs[i],
                 bold ? "-Bold" : "");
        ff = face_from_file(path);
    }
    return ff;
}

/* Whether cairo can make a usable scaled font of ff. */
static int face_works(cairo_font_face_t *ff)
{
    cairo_matrix_t m, id;
    cairo_matrix_init_scale(&m, 10, 10);
    cairo_matrix_init_identity(&id);
    cairo_scaled_font_t *sf = cairo_scaled_font_create(ff, &m, &id, fonts.opts);
    int ok = cairo_scaled_font_status(sf) == CAIRO_STATUS_SUCCESS;
    cairo_scaled_font_destroy(sf);
    return ok;
}

/* Load the faces on first use: the files, else fontconfig's "sans", else
 * none. A missing bold file uses the regular face. */
static void fonts_load(void)
{
    if (fonts.tried)
        return;
    fonts.tried = 1;
    fonts.opts = cairo_font_options_create();
    cairo_font_options_set_hint_style(fonts.opts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fonts.opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fonts.opts, CAIRO_ANTIALIAS_GRAY);
    if (FT_Init_FreeType(&fonts.lib) == 0) {
        fonts.face[0] = load_face(0);
        fonts.face[1] = fonts.face[0] ? load_face(1) : NULL;
    }
    fonts.metric = fonts.face[0] != NULL;
    for (int b = 0; b < 2 && !fonts.face[0]; b++)
        fonts.face[b] = cairo_toy_font_face_create(
            "sans", CAIRO_FONT_SLANT_NORMAL,
            b ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    if (!fonts.face[1] && fonts.face[0])
        fonts.face[1] = cairo_font_face_reference(fonts.face[0]);
    fonts.usable = cairo_font_options_status(fonts.opts) == CAIRO_STATUS_SUCCESS
                   && face_works(fonts.face[0]) && face_works(fonts.face[1]);
}

void nb_plot_font_cleanup(void)
{
    if (!fonts.tried)
        return;
    for (int b = 0; b < 2; b++)
        cairo_font_face_destroy(fonts.face[b]);   /* NULL is a no-op */
    cairo_font_options_destroy(fonts.opts);
    /* empties cairo's font caches, so the FT faces are released now */
    cairo_debug_reset_static_data();
    if (fonts.lib && fonts.live == 0)   /* else leak rather than free twice */
        FT_Done_FreeType(fonts.lib);
    memset(&fonts, 0, sizeof fonts);
}

/* --- the canvas ------------------------------------------------------------------*/

enum { TO_IMAGE, TO_PDF };

typedef struct Cr {
    int kind;
    double scale;           /* device units per CSS pixel */
    cairo_surface_t *surf;
    cairo_t *cr;            /* NULL: not begun or failed */
    int failed;
    int clips;              /* cairo_save()s made by clip */
    double lim;             /* |user coordinates| clamped here */
    uint32_t *pixels;       /* TO_IMAGE: the surface's memory (ours) */
    int w, h;
    FILE *out;              /* TO_PDF */
} Cr;

static int side(double css, double scale, int *px)
{
    double d = ceil(css * scale - 1e-9);
    if (!(d >= 1 && d <= MAX_SIDE))
        return -1;
    *px = (int)d;
    return 0;
}

/* An image surface over our own pixel buffer, so a raster needs no copy. */
static cairo_surface_t *image_surface(Cr *c, double w, double h)
{
    if (side(w, c->scale, &c->w) || side(h, c->scale, &c->h) ||
        (long)c->w * c->h > NB_RASTER_MAX_PIXELS)
        return NULL;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, c->w);
    if (stride != c->w * 4)
        return NULL;
    c->pixels = malloc((size_t)stride * (size_t)c->h);
    if (!c->pixels)
        return NULL;
    return cairo_image_surface_create_for_data((unsigned char *)c->pixels,
                                               CAIRO_FORMAT_ARGB32, c->w,
                                               c->h, stride);
}

#if CAIRO_HAS_PDF_SURFACE
static cairo_status_t pdf_write(void *closure, const unsigned char *data,
                                unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

/* A PDF surface w x h CSS pixels; dated 2000-01-01 so the bytes do not
 * depend on the clock. */
static cairo_surface_t *pdf_surface(Cr *c, double w, double h)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
        pdf_write, c->out, w * PT_PER_PX, h * PT_PER_PX);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
                                   "2000-01-01T00:00:00Z");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "nabla");
    return s;
}
#endif

static void cr_begin(void *ctx, double w, double h)
{
    Cr *c = ctx;
    if (c->cr || c->failed)     /* begin once */
        return;
    if (!(w > 0 && w <= NB_PLOT_MAX_SIZE) ||
        !(h > 0 && h <= NB_PLOT_MAX_SIZE)) {
        c->failed = 1;
        return;
    }
#if CAIRO_HAS_PDF_SURFACE
    c->surf = c->kind == TO_PDF ? pdf_surface(c, w, h) : image_surface(c, w, h);
#else
    c->surf = c->kind == TO_PDF ? NULL : image_surface(c, w, h);
#endif
    if (!c->surf || cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS) {
        c->failed = 1;
        return;
    }
    cairo_t *cr = cairo_create(c->surf);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        c->failed = 1;
        return;
    }
    c->cr = cr;
    c->lim = MAX_DEVICE / c->scale;
    cairo_scale(cr, c->scale, c->scale);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_miter_limit(cr, 4);   /* SVG's default, not cairo's 10 */
}

static void source(cairo_t *cr, NbColor k)
{
    cairo_set_source_rgba(cr, k.r, k.g, k.b, k.a);   /* cairo clamps */
}

static double clampc(const Cr *c, double v)
{
    return v > c->lim ? c->lim : v < -c->lim ? -c->lim : v;
}

/* p as cairo's current path; non-finite points are left out and the next
 * point starts a subpath (as in svg.c). */
static void set_path(Cr *c, const NbPath *p)
{
    cairo_new_path(c->cr);
    int fresh = 1;
    for (size_t i = 0; i < p->n; i++) {
        if (!isfinite(p->x[i]) || !isfinite(p->y[i])) {
            fresh = 1;
            continue;
        }
        double x = clampc(c, p->x[i]), y = clampc(c, p->y[i]);
        if (fresh || p->ops[i] == NB_MOVE)
            cairo_move_to(c->cr, x, y);
        else
            cairo_line_to(c->cr, x, y);
        fresh = 0;
        if (p->ops[i] == NB_LINE_CLOSE)
            cairo_close_path(c->cr);
    }
}

static void cr_fill(void *ctx, const NbPath *p, NbColor k)
{
    Cr *c = ctx;
    if (!c->cr || !p || p->n == 0 || !(k.a > 0))
        return;
    set_path(c, p);
    source(c->cr, k);
    cairo_fill(c->cr);
}

/* Width, caps, joins and the dash pattern of st (svg.c's patterns, in
 * line widths, so dashes scale with the width). */
static void stroke_style(cairo_t *cr, const NbStroke *st)
{
    cairo_set_line_width(cr, st->width);
    cairo_set_line_cap(cr, st->round ? CAIRO_LINE_CAP_ROUND
                                     : CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, st->round ? CAIRO_LINE_JOIN_ROUND
                                      : CAIRO_LINE_JOIN_MITER);
    double d[2] = {0, 0};
    if (st->dashed == 1) {
        d[0] = 3.7 * st->width;
        d[1] = 1.6 * st->width;
    } else if (st->dashed == 2) {
        d[0] = st->width;
        d[1] = 1.65 * st->width;
    }
    cairo_set_dash(cr, d, d[0] > 0 ? 2 : 0, 0);
    source(cr, st->color);
}

static int visible(const NbStroke *st)
{
    return st && st->width > 0 && isfinite(st->width) && st->color.a > 0;
}

static void cr_stroke(void *ctx, const NbPath *p, const NbStroke *st)
{
    Cr *c = ctx;
    if (!c->cr || !p || p->n == 0 || !visible(st))
        return;
    set_path(c, p);
    stroke_style(c->cr, st);
    cairo_stroke(c->cr);
}

static void cr_circle(void *ctx, double cx, double cy, double r, NbColor fill,
                      const NbStroke *edge)
{
    Cr *c = ctx;
    if (!c->cr || !(r > 0) || !isfinite(cx) || !isfinite(cy) || r > c->lim)
        return;
    cairo_new_path(c->cr);
    cairo_arc(c->cr, clampc(c, cx), clampc(c, cy), r, 0, 2 * M_PI);
    if (fill.a > 0) {
        source(c->cr, fill);
        cairo_fill_preserve(c->cr);
    }
    if (visible(edge)) {
        stroke_style(c->cr, edge);
        cairo_stroke_preserve(c->cr);
    }
    cairo_new_path(c->cr);
}

/* s as valid UTF-8 for cairo (which stops drawing on invalid input):
 * ill-formed sequences and control characters as U+FFFD, as font.c
 * counts them. malloc'd, NULL out of memory. */
static char *clean_utf8(const char *s)
{
    char *o = malloc(strlen(s) * 3 + 1), *q = o;
    if (!o)
        return NULL;
    uint32_t cp;
    while ((cp = nb_utf8_next(&s)) != 0) {
        if (cp < 0x20 || cp == 0x7F)
            cp = 0xFFFD;
        if (cp < 0x80) {
            *q++ = (char)cp;
        } else if (cp < 0x800) {
            *q++ = (char)(0xC0 | cp >> 6);
            *q++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *q++ = (char)(0xE0 | cp >> 12);
            *q++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *q++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *q++ = (char)(0xF0 | cp >> 18);
            *q++ = (char)(0x80 | (cp >> 12 & 0x3F));
            *q++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *q++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    *q = '\0';
    return o;
}

/* Text placed as svg.c places it: the anchor (x, y), the baseline offset
 * from the metrics for valign, the start moved back by nb_text_width for
 * halign, the whole turned about the anchor. */
static void cr_text(void *ctx, double x, double y, const char *str,
                    const NbTextStyle *t)
{
    Cr *c = ctx;
    if (!c->cr || !str || !*str || !(t->size > 0) || !isfinite(t->size) ||
        !isfinite(x) || !isfinite(y))
        return;
    fonts_load();
    char *u = fonts.usable ? clean_utf8(str) : NULL;
    if (!u)
        return;
    cairo_t *cr = c->cr;
    int b = t->bold != 0;
    cairo_save(cr);
    cairo_translate(cr, clampc(c, x), clampc(c, y));
    if (isfinite(t->angle) && t->angle != 0)
        cairo_rotate(cr, -t->angle * M_PI / 180);
    cairo_set_font_face(cr, fonts.face[b]);
    cairo_set_font_size(cr, t->size);
    cairo_set_font_options(cr, fonts.opts);
    double w = nb_text_width(str, t->size, b);
    if (!fonts.metric) {            /* another font: its own advance */
        cairo_text_extents_t e;
        cairo_text_extents(cr, u, &e);
        w = e.x_advance;
    }
    double a = nb_text_ascent(t->size), d = nb_text_descent(t->size);
    double dy = t->valign < 0 ? a : t->valign == 0 ? (a - d) / 2 : 0;
    cairo_move_to(cr, t->halign < 0 ? 0 : t->halign == 0 ? -w / 2 : -w, dy);
    source(cr, t->color);
    cairo_show_text(cr, u);
    cairo_new_path(cr);
    cairo_restore(cr);
    free(u);
}

static void cr_clip(void *ctx, double x, double y, double w, double h)
{
    Cr *c = ctx;
    if (!c->cr)
        return;
    cairo_save(c->cr);
    cairo_new_path(c->cr);
    cairo_rectangle(c->cr, clampc(c, x), clampc(c, y),
                    w > 0 ? clampc(c, w) : 0, h > 0 ? clampc(c, h) : 0);
    cairo_clip(c->cr);
    c->clips++;
}

static void cr_unclip(void *ctx)
{
    Cr *c = ctx;
    if (c->cr && c->clips > 0) {
        cairo_restore(c->cr);
        c->clips--;
    }
}

static void cr_group(void *ctx, const char *name) {}
static void cr_end_group(void *ctx) {}

static void cr_end(void *ctx)
{
    Cr *c = ctx;
    while (c->cr && c->clips > 0)
        cr_unclip(c);
}

/* Run draw on a fresh canvas of kind k; the surface is left in c (NULL
 * on failure) for the caller to read and destroy. 0, or -1. */
static int run(Cr *c, NbDrawFn draw, void *arg)
{
    NbCanvas cv = {c, cr_begin, cr_fill, cr_stroke, cr_circle, cr_text,
                   cr_clip, cr_unclip, cr_group, cr_end_group, cr_end, NULL};
    draw(arg, &cv);
    cr_end(c);
    int bad = c->failed || !c->cr ||
              cairo_status(c->cr) != CAIRO_STATUS_SUCCESS;
    if (c->cr)
        cairo_destroy(c->cr);
    c->cr = NULL;
    if (c->surf) {
        if (c->kind == TO_PDF)
            cairo_surface_finish(c->surf);   /* writes the file */
        else
            cairo_surface_flush(c->surf);
        bad |= cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS;
    }
    return bad ? -1 : 0;
}

static void release(Cr *c)
{
    if (c->surf)
        cairo_surface_destroy(c->surf);
    c->surf = NULL;
}

static int scale_ok(double scale)
{
    return scale > 0 && scale <= 64 && isfinite(scale);
}

uint32_t *nb_canvas_raster(NbDrawFn draw, void *arg, double scale, int *w,
                           int *h)
{
    Cr c = {TO_IMAGE, scale, NULL, NULL, 0, 0, 0, NULL, 0, 0, NULL};
    if (!scale_ok(scale))
        return NULL;
    int bad = run(&c, draw, arg);
    release(&c);
    if (bad) {
        free(c.pixels);
        return NULL;
    }
    *w = c.w;
    *h = c.h;
    return c.pixels;
}

unsigned char *nb_canvas_png(NbDrawFn draw, void *arg, double scale,
                             size_t *len)
{
    Cr c = {TO_IMAGE, scale, NULL, NULL, 0, 0, 0, NULL, 0, 0, NULL};
    if (!scale_ok(scale))
        return NULL;
    int bad = run(&c, draw, arg);
    if (!bad)
        cairo_surface_flush(c.surf);
    unsigned char *png = bad ? NULL : nb_png_encode(c.pixels, c.w, c.h, len);
    release(&c);
    free(c.pixels);
    return png;
}

int nb_canvas_write_pdf(NbDrawFn draw, void *arg, FILE *out)
{
#if CAIRO_HAS_PDF_SURFACE
    Cr c = {TO_PDF, PT_PER_PX, NULL, NULL, 0, 0, 0, NULL, 0, 0, out};
    int bad = run(&c, draw, arg);
    release(&c);
    return bad || fflush(out) != 0 || ferror(out) ? -1 : 0;
#else
    return -1;
#endif
}

/* --- a figure ---------------------------------------------------------------------*/

static void draw_figure(void *arg, const NbCanvas *c)
{
    nb_render_figure(arg, c);
}

unsigned char *nb_figure_png(const NbFigure *f, double scale, size_t *len)
{
    return nb_canvas_png(draw_figure, (void *)f, scale, len);
}

uint32_t *nb_figure_raster(const NbFigure *f, double scale, int *w, int *h)
{
    return nb_canvas_raster(draw_figure, (void *)f, scale, w, h);
}
