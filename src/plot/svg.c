/* svg.c — the SVG backend: canvas primitives written straight to a FILE*
 * as SVG 1.1 elements, one a line.
 *
 * Same drawing, same bytes: numbers are rounded to hundredths of a pixel
 * (half away from zero, trailing zeros dropped, never "-0"), clip paths
 * are numbered clip1, clip2, ... in drawing order, and nothing depends on
 * time or addresses. Attributes every element shares (the font family,
 * the even-odd fill rule) sit once on the root and are inherited.
 *
 * Text is placed by its baseline: the vertical alignment is an offset
 * computed from nb_text_ascent/descent (viewers disagree on
 * dominant-baseline), the horizontal one is text-anchor, and a rotation
 * turns the text about its anchor point. The cairo backend places text
 * from the same metrics, so PNG and SVG agree.
 *
 * Output goes through a fixed buffer (no allocation): a contour figure
 * has tens of thousands of coordinates and stdio per number is slow.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "backend.h"
#include "canvas.h"

#define FONT_FAMILY "DejaVu Sans, Verdana, Arial, sans-serif"
#define MAX_COORD 1e9   /* |coordinates| are clamped here (no overflow) */

typedef struct Svg {
    FILE *out;
    int err;            /* a write failed */
    int begun, ended;
    int clips;          /* clip paths written so far */
    int depth;          /* open <g> elements */
    const char *idp;    /* inline in a page: the ids' prefix; else NULL */
    size_t n;           /* bytes in buf */
    char buf[16384];
} Svg;

/* --- the output buffer ----------------------------------------------------*/

static void flush(Svg *s)
{
    if (s->n && fwrite(s->buf, 1, s->n, s->out) != s->n)
        s->err = 1;
    s->n = 0;
}

static void put_n(Svg *s, const char *p, size_t k)
{
    while (k > 0) {
        if (s->n == sizeof s->buf)
            flush(s);
        size_t m = sizeof s->buf - s->n;
        m = m < k ? m : k;
        memcpy(s->buf + s->n, p, m);
        s->n += m;
        p += m;
        k -= m;
    }
}

static void put(Svg *s, const char *p) { put_n(s, p, strlen(p)); }

/* --- numbers ----------------------------------------------------------------*/

/* v in hundredths, rounded half away from zero; non-finite as 0. */
static long long hundredths(double v)
{
    if (!isfinite(v))
        return 0;
    v = v > MAX_COORD ? MAX_COORD : v < -MAX_COORD ? -MAX_COORD : v;
    return llround(v * 100);
}

/* h/100 written compactly into o ("12.5", "-3", "0.07"); its length. */
static int fmt_h(char *o, long long h)
{
    char t[24];
    int n = 0, k = 0;
    unsigned long long u = h < 0 ? 0ULL - (unsigned long long)h
                                 : (unsigned long long)h;
    unsigned long long ip = u / 100;
    unsigned f = (unsigned)(u % 100);
    if (h < 0)
        o[n++] = '-';
    do
        t[k++] = (char)('0' + ip % 10);
    while ((ip /= 10) > 0);
    while (k > 0)
        o[n++] = t[--k];
    if (f) {
        o[n++] = '.';
        o[n++] = (char)('0' + f / 10);
        if (f % 10)
            o[n++] = (char)('0' + f % 10);
    }
    o[n] = '\0';
    return n;
}

static void num(Svg *s, double v)
{
    char o[32];
    put_n(s, o, (size_t)fmt_h(o, hundredths(v)));
}

/* ` name="v"` */
static void attr(Svg *s, const char *name, double v)
{
    put(s, " ");
    put(s, name);
    put(s, "=\"");
    num(s, v);
    put(s, "\"");
}

static double clamp01(double v)
{
    return v > 1 ? 1 : v > 0 ? v : 0;   /* NaN gives 0 */
}

/* ` name="#rrggbb"` and, when c.a < 1, ` name-opacity="a"` */
static void color(Svg *s, const char *name, NbColor c)
{
    static const char hex[] = "0123456789abcdef";
    double ch[3] = {c.r, c.g, c.b};
    char o[8] = "#";
    for (int i = 0; i < 3; i++) {
        int v = (int)lround(clamp01(ch[i]) * 255);
        o[1 + 2 * i] = hex[v >> 4];
        o[2 + 2 * i] = hex[v & 15];
    }
    o[7] = '\0';
    put(s, " ");
    put(s, name);
    put(s, "=\"");
    put(s, o);
    put(s, "\"");
    if (clamp01(c.a) < 1) {
        put(s, " ");
        put(s, name);
        put(s, "-opacity=\"");
        num(s, clamp01(c.a));
        put(s, "\"");
    }
}

/* --- paths ------------------------------------------------------------------*/

/* The pen while writing a path's d: the current point and the start of
 * the subpath (hundredths), and the command the next pair continues. */
typedef struct Pen {
    long long x, y, x0, y0;
    char last;              /* 0 at the start, 'L', 'l', or 'Z' */
} Pen;

/* A command with its pair into o: the letter when it differs from the
 * command in force, else a separator when the next number needs one. */
static int pair(char *o, char cmd, char last, long long x, long long y)
{
    int n = 0;
    if (cmd != last)
        o[n++] = cmd;
    else if (x >= 0)
        o[n++] = ' ';
    n += fmt_h(o + n, x);
    if (y >= 0)
        o[n++] = ' ';
    return n + fmt_h(o + n, y);
}

/* Move (line = 0) or draw a line to (x, y), absolute or relative to the
 * pen, whichever is shorter (absolute on a tie). */
static void step(Svg *s, Pen *p, int line, long long x, long long y)
{
    char a[64], r[64];
    char ac = line ? 'L' : 'M', rc = line ? 'l' : 'm';
    int na = pair(a, ac, p->last, x, y), nr = INT_MAX;
    if (p->last)
        nr = pair(r, rc, p->last, x - p->x, y - p->y);
    if (nr < na)
        put_n(s, r, (size_t)nr);
    else
        put_n(s, a, (size_t)na);
    p->last = nr < na ? 'l' : 'L';   /* after M/m, pairs are L/l */
    p->x = x;
    p->y = y;
    if (!line) {
        p->x0 = x;
        p->y0 = y;
    }
}

/* The d attribute of path pth. A point with a non-finite coordinate is
 * left out and the next point starts a new subpath. */
static void path_d(Svg *s, const NbPath *pth)
{
    Pen p = {0, 0, 0, 0, 0};
    int fresh = 1;          /* the next point starts a subpath */
    put(s, "<path d=\"");
    for (size_t i = 0; i < pth->n; i++) {
        if (!isfinite(pth->x[i]) || !isfinite(pth->y[i])) {
            fresh = 1;
            continue;
        }
        int op = pth->ops[i];
        step(s, &p, !(fresh || op == NB_MOVE), hundredths(pth->x[i]),
             hundredths(pth->y[i]));
        fresh = 0;
        if (op == NB_LINE_CLOSE) {
            put(s, "Z");
            p.x = p.x0;
            p.y = p.y0;
            p.last = 'Z';
        }
    }
    put(s, "\"");
}

/* The dash pattern of style k (1 dashed, 2 dotted) in line widths:
 * matplotlib's, scaled with the width as it does. */
static int dash_pattern(int k, double *on, double *off)
{
    if (k == 1) {
        *on = 3.7;
        *off = 1.6;
    } else if (k == 2) {
        *on = 1;
        *off = 1.65;
    }
    return k == 1 || k == 2;
}

static void stroke_attrs(Svg *s, const NbStroke *st)
{
    color(s, "stroke", st->color);
    attr(s, "stroke-width", st->width);
    if (st->round)
        put(s, " stroke-linecap=\"round\" stroke-linejoin=\"round\"");
    double on, off;
    if (dash_pattern(st->dashed, &on, &off)) {
        put(s, " stroke-dasharray=\"");
        num(s, on * st->width);
        put(s, " ");
        num(s, off * st->width);
        put(s, "\"");
    }
}

static int visible(const NbStroke *st)
{
    return st && st->width > 0 && isfinite(st->width) && st->color.a > 0;
}

/* --- the primitives -----------------------------------------------------------*/

static void svg_begin(void *ctx, double w, double h)
{
    Svg *s = ctx;
    if (s->begun)
        return;
    s->begun = 1;
    if (s->idp)
        put(s, "<svg");
    else
        put(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    attr(s, "width", w);
    attr(s, "height", h);
    put(s, " viewBox=\"0 0 ");
    num(s, w);
    put(s, " ");
    num(s, h);
    put(s, "\" font-family=\"" FONT_FAMILY "\" fill-rule=\"evenodd\">\n"
           "<rect");
    attr(s, "width", w);
    attr(s, "height", h);
    put(s, " fill=\"#ffffff\"/>\n");
}

static void svg_fill(void *ctx, const NbPath *p, NbColor c)
{
    Svg *s = ctx;
    if (!p || p->n == 0 || !(c.a > 0))
        return;
    path_d(s, p);
    color(s, "fill", c);
    put(s, "/>\n");
}

static void svg_stroke(void *ctx, const NbPath *p, const NbStroke *st)
{
    Svg *s = ctx;
    if (!p || p->n == 0 || !visible(st))
        return;
    path_d(s, p);
    put(s, " fill=\"none\"");
    stroke_attrs(s, st);
    put(s, "/>\n");
}

static void svg_circle(void *ctx, double cx, double cy, double r,
                       NbColor fill, const NbStroke *edge)
{
    Svg *s = ctx;
    int has_edge = visible(edge);
    if (!(r > 0) || (!(fill.a > 0) && !has_edge))
        return;
    put(s, "<circle");
    attr(s, "cx", cx);
    attr(s, "cy", cy);
    attr(s, "r", r);
    if (fill.a > 0)
        color(s, "fill", fill);
    else
        put(s, " fill=\"none\"");
    if (has_edge)
        stroke_attrs(s, edge);
    put(s, "/>\n");
}

/* UTF-8 of cp into o; its length. */
static size_t utf8_put(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* t as XML character data: the five markup characters as entities,
 * invalid UTF-8 and control characters (not allowed in XML) as U+FFFD. */
static void text_escaped(Svg *s, const char *t)
{
    uint32_t cp;
    while ((cp = nb_utf8_next(&t)) != 0) {
        const char *e = cp == '&' ? "&amp;" : cp == '<' ? "&lt;"
                      : cp == '>' ? "&gt;" : cp == '"' ? "&quot;"
                      : cp == '\'' ? "&apos;" : NULL;
        if (e) {
            put(s, e);
            continue;
        }
        if (cp < 0x20 || cp == 0x7F)
            cp = 0xFFFD;
        char o[4];
        put_n(s, o, utf8_put(o, cp));
    }
}

/* Spaces a viewer would collapse or trim unless told to keep them. */
static int spaces_matter(const char *t)
{
    size_t n = strlen(t);
    return t[0] == ' ' || t[n - 1] == ' ' || strstr(t, "  ") != NULL;
}

/* How far below the anchor the baseline goes for alignment valign:
 * top puts the top of 'l' at y, middle centres the box from the top of
 * 'l' to the bottom of 'p', baseline puts the baseline at y. */
static double baseline_offset(const NbTextStyle *t)
{
    double a = nb_text_ascent(t->size), d = nb_text_descent(t->size);
    return t->valign < 0 ? a : t->valign == 0 ? (a - d) / 2 : 0;
}

static void svg_text(void *ctx, double x, double y, const char *str,
                     const NbTextStyle *t)
{
    Svg *s = ctx;
    if (!str || !*str || !(t->size > 0) || !isfinite(t->size))
        return;
    put(s, "<text");
    attr(s, "x", x);
    attr(s, "y", y + baseline_offset(t));
    if (isfinite(t->angle) && hundredths(t->angle) != 0) {
        put(s, " transform=\"rotate(");
        num(s, -t->angle);
        put(s, " ");
        num(s, x);
        put(s, " ");
        num(s, y);
        put(s, ")\"");
    }
    attr(s, "font-size", t->size);
    if (t->bold)
        put(s, " font-weight=\"bold\"");
    if (t->halign >= 0)
        put(s, t->halign ? " text-anchor=\"end\"" : " text-anchor=\"middle\"");
    color(s, "fill", t->color);
    if (spaces_matter(str))
        put(s, " xml:space=\"preserve\"");
    put(s, ">");
    text_escaped(s, str);
    put(s, "</text>\n");
}

static void svg_clip(void *ctx, double x, double y, double w, double h)
{
    Svg *s = ctx;
    char id[64];
    snprintf(id, sizeof id, "%.40sclip%d", s->idp ? s->idp : "", ++s->clips);
    put(s, "<clipPath id=\"");
    put(s, id);
    put(s, "\"><rect");
    attr(s, "x", x);
    attr(s, "y", y);
    attr(s, "width", w > 0 ? w : 0);
    attr(s, "height", h > 0 ? h : 0);
    put(s, "/></clipPath>\n<g clip-path=\"url(#");
    put(s, id);
    put(s, ")\">\n");
    s->depth++;
}

static void close_g(Svg *s)
{
    if (s->depth > 0) {
        put(s, "</g>\n");
        s->depth--;
    }
}

static void svg_unclip(void *ctx) { close_g(ctx); }

/* <g class="name">, the name made a CSS class: letters, digits, '-' and
 * '_' kept, anything else as '-', at most 64 bytes, "g-" before a name
 * that does not start with a letter. */
static void svg_group(void *ctx, const char *name)
{
    Svg *s = ctx;
    char c[72];
    size_t n = 0;
    const char *p = name ? name : "";
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
        c[n++] = 'g';
        c[n++] = '-';
    }
    for (; *p && n < 66; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                 (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
        c[n++] = ok ? *p : '-';
    }
    c[n] = '\0';
    put(s, "<g class=\"");
    put(s, c);
    put(s, "\">\n");
    s->depth++;
}

static void svg_end_group(void *ctx) { close_g(ctx); }

/* The animated dot (canvas.h): hidden in the still frame, shown while
 * its cx and cy run through the points, a step a beat, then resting at
 * the last point for 2 s before the run starts over. At most 200 points
 * (every k-th step and the last) keep the values short. */
static void svg_animate_dot(void *ctx, size_t n, const double *x,
                            const double *y, double r, NbColor fill,
                            const NbStroke *edge)
{
    Svg *s = ctx;
    size_t idx[202], m = 0;
    size_t stride = n > 200 ? (n + 197) / 199 : 1;
    for (size_t i = 0; i < n && m < 200; i += stride)
        if (isfinite(x[i]) && isfinite(y[i]))
            idx[m++] = i;
    if (n && isfinite(x[n - 1]) && isfinite(y[n - 1]) &&
        (m == 0 || idx[m - 1] != n - 1))
        idx[m++] = n - 1;
    if (m < 2)
        return;
    double move = 0.3 * (double)(m - 1);
    move = move < 2 ? 2 : move > 12 ? 12 : move;
    double dur = move + 2;
    put(s, "<g class=\"ball\">\n<circle");
    attr(s, "cx", x[idx[0]]);
    attr(s, "cy", y[idx[0]]);
    attr(s, "r", r);
    color(s, "fill", fill);
    if (visible(edge))
        stroke_attrs(s, edge);
    put(s, " visibility=\"hidden\">\n"
           "<set attributeName=\"visibility\" to=\"visible\" begin=\"0s\"/>\n");
    for (int axis = 0; axis < 2; axis++) {
        const double *v = axis ? y : x;
        put(s, axis ? "<animate attributeName=\"cy\" values=\""
                    : "<animate attributeName=\"cx\" values=\"");
        for (size_t i = 0; i < m; i++) {
            num(s, v[idx[i]]);
            put(s, ";");
        }
        num(s, v[idx[m - 1]]);
        put(s, "\" keyTimes=\"");
        for (size_t i = 0; i < m; i++) {
            char t[24];
            snprintf(t, sizeof t, "%.4f;", move / dur * (double)i /
                                           (double)(m - 1));
            put(s, t);
        }
        put(s, "1\" dur=\"");
        num(s, dur);
        put(s, "s\" repeatCount=\"indefinite\"/>\n");
    }
    put(s, "</circle>\n</g>\n");
}

static void svg_end(void *ctx)
{
    Svg *s = ctx;
    if (!s->begun || s->ended)
        return;
    while (s->depth > 0)
        close_g(s);
    put(s, "</svg>\n");
    s->ended = 1;
    flush(s);
}

/* --- entry points ---------------------------------------------------------*/

static int write_svg(NbDrawFn draw, void *arg, const char *idp, FILE *out)
{
    static Svg zero;
    Svg s = zero;
    s.out = out;
    s.idp = idp;
    NbCanvas c = {&s, svg_begin, svg_fill, svg_stroke, svg_circle, svg_text,
                  svg_clip, svg_unclip, svg_group, svg_end_group, svg_end,
                  svg_animate_dot};
    draw(arg, &c);
    svg_end(&s);    /* a drawing that forgot to end still closes */
    flush(&s);
    if (fflush(out) != 0 || ferror(out))
        s.err = 1;
    return s.err ? -1 : 0;
}

int nb_canvas_write_svg(NbDrawFn draw, void *arg, FILE *out)
{
    return write_svg(draw, arg, NULL, out);
}

static void draw_figure(void *arg, const NbCanvas *c)
{
    nb_render_figure(arg, c);
}

int nb_figure_write_svg(const NbFigure *f, FILE *out)
{
    return nb_canvas_write_svg(draw_figure, (void *)f, out);
}

int nb_figure_write_svg_inline(const NbFigure *f, const char *id_prefix,
                               FILE *out)
{
    return write_svg(draw_figure, (void *)f, id_prefix ? id_prefix : "", out);
}
