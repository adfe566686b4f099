/* test_plot_svg.c — the output backends: the SVG canvas byte for byte,
 * the text metrics against the font's own units, file output (formats,
 * failures that leave nothing), and the cairo canvas by PNG header and
 * sampled pixels.
 *
 * Expected values are worked out by hand: the SVG bytes from the rules in
 * svg.c's comments (hundredths, shorter of absolute and relative), the
 * widths from DejaVu Sans's 'hmtx' advances read by an independent parser
 * of the TrueType tables (not FreeType, which made font.c's table).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cairo.h>
#include "check.h"
#include "nabla/plot.h"
#include "backend.h"
#include "canvas.h"
#include "raster.h"

static const NbColor black = {0, 0, 0, 1};

/* --- the SVG canvas, byte for byte ---------------------------------------------*/

static void text_at(const NbCanvas *c, double x, double y, const char *s,
                    double size, int bold, int ha, int va, double angle,
                    NbColor col)
{
    NbTextStyle t = {col, size, bold, ha, va, angle};
    c->text(c->ctx, x, y, s, &t);
}

static void draw_golden(void *arg, const NbCanvas *c)
{
    (void)arg;
    c->begin(c->ctx, 200, 100);
    c->group(c->ctx, "curve: f(x)");
    /* a square with a triangular hole: one even-odd path */
    double fx[] = {10, 30, 30, 10, 15, 25, 20};
    double fy[] = {10, 10, 30, 30, 15, 15, 25};
    unsigned char fo[] = {NB_MOVE, NB_LINE, NB_LINE, NB_LINE_CLOSE, NB_MOVE,
                          NB_LINE, NB_LINE_CLOSE};
    NbPath fp = {7, fx, fy, fo};
    c->fill(c->ctx, &fp, (NbColor){1, 0.5, 0, 0.25});
    /* a dashed polyline broken by a NaN */
    double sx[] = {40, 100.5, NAN, 160.25, 180};
    double sy[] = {50, 50, 0, 20.126, 20};
    unsigned char so[] = {NB_MOVE, NB_LINE, NB_LINE, NB_LINE, NB_LINE};
    NbPath sp = {5, sx, sy, so};
    NbStroke dash = {{0, 0, 0.8, 1}, 2, 1, 1};
    c->stroke(c->ctx, &sp, &dash);
    c->end_group(c->ctx);
    c->clip(c->ctx, 0.5, 0.5, 199, 99.004);
    NbStroke dot = {black, 1, 2, 0};
    c->circle(c->ctx, 50, 60, 4.5, (NbColor){0, 0.5, 0, 1}, &dot);
    NbStroke thin = {{1, 0, 0, 0.5}, 0.75, 0, 0};
    c->circle(c->ctx, -0.001, 0, 3, (NbColor){0, 0, 0, 0}, &thin);
    c->unclip(c->ctx);
    text_at(c, 100, 10, "top left", 10, 0, -1, -1, 0, black);
    text_at(c, 100, 30, "middle", 10, 0, 0, 0, 0, black);
    text_at(c, 100, 50, "end", 10, 1, 1, 1, 0, black);
    text_at(c, 20, 80, "up", 12, 0, 0, 1, 90, (NbColor){0.2, 0.4, 0.6, 1});
    text_at(c, 5, 95, "a<b & \"c\" 'd'", 10, 0, -1, 1, 0, black);
    text_at(c, 5, 99, "x\xC3(\t  y", 10, 0, -1, 1, 0, black);
    c->end(c->ctx);
}

/* Worked out by hand. Path d: each point absolute or relative, whichever
 * is shorter, absolute on a tie; e.g. (30,10) after (10,10) is "l20 0"
 * (5 bytes) not " 30 10" (6). 20.126 rounds to 20.13; after the NaN the
 * next point moves, relatively ("m59.75-29.87", 12 bytes, against 13).
 * Text: ascent 10*1556/2048 = 7.598, descent 10*426/2048 = 2.080; top
 * adds 7.6, middle (7.598-2.080)/2 = 2.76. Colours: 0.5*255 = 127.5 gives
 * 0x80, 0.8*255 = 204 = 0xcc, 0.2, 0.4, 0.6 give 0x33, 0x66, 0x99.
 * Dashes: 3.7 and 1.6 line widths, dots 1 and 1.65. */
static const char golden[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100\" "
    "viewBox=\"0 0 200 100\" font-family=\"DejaVu Sans, Verdana, Arial, "
    "sans-serif\" fill-rule=\"evenodd\">\n"
    "<rect width=\"200\" height=\"100\" fill=\"#ffffff\"/>\n"
    "<g class=\"curve--f-x-\">\n"
    "<path d=\"M10 10l20 0 0 20-20 0Zm5 5 10 0-5 10Z\" fill=\"#ff8000\" "
    "fill-opacity=\"0.25\"/>\n"
    "<path d=\"M40 50l60.5 0m59.75-29.87L180 20\" fill=\"none\" "
    "stroke=\"#0000cc\" stroke-width=\"2\" stroke-linecap=\"round\" "
    "stroke-linejoin=\"round\" stroke-dasharray=\"7.4 3.2\"/>\n"
    "</g>\n"
    "<clipPath id=\"clip1\"><rect x=\"0.5\" y=\"0.5\" width=\"199\" "
    "height=\"99\"/></clipPath>\n"
    "<g clip-path=\"url(#clip1)\">\n"
    "<circle cx=\"50\" cy=\"60\" r=\"4.5\" fill=\"#008000\" "
    "stroke=\"#000000\" stroke-width=\"1\" stroke-dasharray=\"1 1.65\"/>\n"
    "<circle cx=\"0\" cy=\"0\" r=\"3\" fill=\"none\" stroke=\"#ff0000\" "
    "stroke-opacity=\"0.5\" stroke-width=\"0.75\"/>\n"
    "</g>\n"
    "<text x=\"100\" y=\"17.6\" font-size=\"10\" fill=\"#000000\">"
    "top left</text>\n"
    "<text x=\"100\" y=\"32.76\" font-size=\"10\" text-anchor=\"middle\" "
    "fill=\"#000000\">middle</text>\n"
    "<text x=\"100\" y=\"50\" font-size=\"10\" font-weight=\"bold\" "
    "text-anchor=\"end\" fill=\"#000000\">end</text>\n"
    "<text x=\"20\" y=\"80\" transform=\"rotate(-90 20 80)\" "
    "font-size=\"12\" text-anchor=\"middle\" fill=\"#336699\">up</text>\n"
    "<text x=\"5\" y=\"95\" font-size=\"10\" fill=\"#000000\">"
    "a&lt;b &amp; &quot;c&quot; &apos;d&apos;</text>\n"
    "<text x=\"5\" y=\"99\" font-size=\"10\" fill=\"#000000\" "
    "xml:space=\"preserve\">x\xEF\xBF\xBD(\xEF\xBF\xBD  y</text>\n"
    "</svg>\n";

/* The SVG of draw as a malloc'd string (NULL on a write error). */
static char *svg_of(NbDrawFn draw)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m)
        return NULL;
    int r = nb_canvas_write_svg(draw, NULL, m);
    fclose(m);
    if (r != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Print the first difference, so a failure says where. */
static void show_diff(const char *got, const char *want)
{
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    printf("# first difference at byte %zu:\n#  got  \"%.60s\"\n"
           "#  want \"%.60s\"\n", i, got + i, want + i);
}

static void draw_unbalanced(void *arg, const NbCanvas *c)
{
    (void)arg;
    c->begin(c->ctx, 10.5, 20.25);
    c->begin(c->ctx, 99, 99);               /* ignored */
    c->group(c->ctx, "9 lives");
    c->clip(c->ctx, 1, 2, 3, 4);
    c->clip(c->ctx, 0, 0, -1, 5);           /* negative size: empty */
    c->unclip(c->ctx);
    /* no unclip, no end_group, no end: the writer closes them */
}

static void test_svg(void)
{
    char *got = svg_of(draw_golden);
    CHECK(got != NULL, "SVG written to a memory stream");
    if (got) {
        int same = strcmp(got, golden) == 0;
        CHECK(same, "SVG golden bytes");
        if (!same)
            show_diff(got, golden);
    }
    char *again = svg_of(draw_golden);
    CHECK(got && again && strcmp(got, again) == 0,
          "the same drawing gives the same bytes");
    free(got);
    free(again);

    got = svg_of(draw_unbalanced);
    CHECK_STR(got,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10.5\" "
        "height=\"20.25\" viewBox=\"0 0 10.5 20.25\" font-family=\"DejaVu "
        "Sans, Verdana, Arial, sans-serif\" fill-rule=\"evenodd\">\n"
        "<rect width=\"10.5\" height=\"20.25\" fill=\"#ffffff\"/>\n"
        "<g class=\"g-9-lives\">\n"
        "<clipPath id=\"clip1\"><rect x=\"1\" y=\"2\" width=\"3\" "
        "height=\"4\"/></clipPath>\n<g clip-path=\"url(#clip1)\">\n"
        "<clipPath id=\"clip2\"><rect x=\"0\" y=\"0\" width=\"0\" "
        "height=\"5\"/></clipPath>\n<g clip-path=\"url(#clip2)\">\n"
        "</g>\n</g>\n</g>\n</svg>\n",
        "open groups and clips closed at the end, clip ids in order, "
        "a class never starts with a digit");
    free(got);

    FILE *full = fopen("/dev/full", "w");
    if (full) {
        CHECK(nb_canvas_write_svg(draw_golden, NULL, full) == -1,
              "SVG to /dev/full reports the write error");
        fclose(full);
    }
}

/* --- text metrics ------------------------------------------------------------------*/

/* Advances in DejaVu Sans (Bold) font units, 2048 per em, from 'hmtx'. */
static void test_metrics(void)
{
    const double em = 2048;     /* size = em: widths in font units */
    CHECK(nb_text_width("0", em, 0) == 1303, "'0' is 1303/2048 em");
    CHECK(nb_text_width("0", em, 1) == 1425, "bold '0' is 1425/2048 em");
    CHECK(nb_text_width("Wx", em, 0) == 2025 + 1212, "'Wx' 2025 + 1212");
    CHECK(nb_text_width(" ", em, 1) == 713, "bold space 713");
    CHECK(nb_text_width("\xE2\x88\x92", em, 0) == 1716, "U+2212 minus 1716");
    CHECK(nb_text_width("\xCE\xBB\xE2\x88\x87", em, 0) == 1212 + 1370,
          "lambda 1212 + nabla 1370");
    CHECK(nb_text_width("\xE2\x80\xA6\xC2\xB2", em, 0) == 2048 + 821,
          "ellipsis 2048 + superscript two 821");
    CHECK(nb_text_width("\xE2\x81\xBB", em, 1) > 0, "superscript minus known");
    CHECK(fabs(nb_text_width("10", 10, 0) - 2 * 1303 * 10 / em) < 1e-12,
          "'10' at 10 px is 12.72 px");
    /* U+FFFD is 2100 (regular) wide: each ill-formed part counts as one */
    CHECK(nb_text_width("\xFF", em, 0) == 2100, "a stray byte is U+FFFD");
    CHECK(nb_text_width("\xE2\x88" "a", em, 0) == 2100 + 1255,
          "a truncated sequence is one U+FFFD, then 'a' (1255)");
    CHECK(nb_text_width("\xC0\xAF", em, 0) == 2 * 2100,
          "an overlong '/' is two U+FFFD");
    CHECK(nb_text_width("\xED\xA0\x80", em, 0) == 3 * 2100,
          "a surrogate is three U+FFFD");
    CHECK(nb_text_width("\xF4\x90\x80\x80", em, 0) == 4 * 2100,
          "past U+10FFFF: four U+FFFD");
    CHECK(nb_text_width("\t", em, 0) == 2100, "a control character: U+FFFD");
    /* not in the table: the OS/2 average width, 1038 and 1173 */
    CHECK(nb_text_width("\xE4\xB8\x80", em, 0) == 1038, "CJK: average 1038");
    CHECK(nb_text_width("\xF0\x9F\x98\x80", em, 1) == 1173,
          "emoji in bold: average 1173");
    CHECK(nb_text_width("", 12, 0) == 0 && nb_text_width(NULL, 12, 0) == 0,
          "empty and NULL are 0 wide");
    /* 'l' reaches 1556 above the baseline, 'p' 426 below */
    CHECK(nb_text_ascent(em) == 1556, "ascent: top of 'l'");
    CHECK(nb_text_descent(em) == 426, "descent: bottom of 'p'");
}

/* --- formats and files ---------------------------------------------------------------*/

static void test_format_of(void)
{
    CHECK(nb_plot_format_of("a.svg") == NB_PLOT_SVG, "a.svg");
    CHECK(nb_plot_format_of("A.SVG") == NB_PLOT_SVG, "A.SVG");
    CHECK(nb_plot_format_of("x.Png") == NB_PLOT_PNG, "x.Png");
    CHECK(nb_plot_format_of("dir.svg/f.pdf") == NB_PLOT_PDF, "dir.svg/f.pdf");
    CHECK(nb_plot_format_of("dir.png/noext") == -1, "a dot in a directory");
    CHECK(nb_plot_format_of("f.jpg") == -1, "f.jpg");
    CHECK(nb_plot_format_of("f.svg.bak") == -1, "f.svg.bak");
    CHECK(nb_plot_format_of("f") == -1, "no extension");
    CHECK(nb_plot_format_of("svg") == -1, "svg alone");
    CHECK(nb_plot_format_of("") == -1 && nb_plot_format_of(NULL) == -1,
          "empty and NULL");
}

static void draw_square(void *arg, const NbCanvas *c)
{
    (void)arg;
    c->begin(c->ctx, 40, 30);
    double x[] = {10, 20, 20, 10}, y[] = {10, 10, 20, 20};
    unsigned char o[] = {NB_MOVE, NB_LINE, NB_LINE, NB_LINE_CLOSE};
    NbPath p = {4, x, y, o};
    c->fill(c->ctx, &p, (NbColor){1, 0, 0, 1});
    c->end(c->ctx);
}

/* The names in dir, sorted, joined by spaces. */
static void listing(const char *dir, char *out, size_t size)
{
    struct dirent **e;
    int n = scandir(dir, &e, NULL, alphasort);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (e[i]->d_name[0] != '.') {
            strncat(out, *out ? " " : "", size - strlen(out) - 1);
            strncat(out, e[i]->d_name, size - strlen(out) - 1);
        }
        free(e[i]);
    }
    if (n >= 0)
        free(e);
}

static void write_expect(const char *path, const char *msg, const char *what)
{
    NbDiag d = NB_DIAG_INIT;
    int r = nb_canvas_write_file(draw_square, NULL, path, &d);
    CHECK(r == -1, "%s: fails", what);
    CHECK_STR(d.msg, msg, "%s: message", what);
    nb_diag_clear(&d);
}

static void test_files(void)
{
    char dir[] = "/tmp/nb_test_plot_XXXXXX", p[128], q[64], ls[512];
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp: %s", strerror(errno));
        return;
    }
    umask(022);
    /* a success: the file, mode 0644 under umask 022, no temporary left */
    snprintf(p, sizeof p, "%s/ok.svg", dir);
    NbDiag d = NB_DIAG_INIT;
    CHECK(nb_canvas_write_file(draw_square, NULL, p, &d) == 0 && !d.msg,
          "writes ok.svg");
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644,
          "ok.svg has mode 0644");
    listing(dir, ls, sizeof ls);
    CHECK_STR(ls, "ok.svg", "only ok.svg in the directory");
    /* a directory in the way: the temporary is written, the rename fails */
    snprintf(q, sizeof q, "%s/sub.png", dir);
    mkdir(q, 0755);
    snprintf(p, sizeof p, "%s/x", q);
    mkdir(p, 0755);                 /* sub.png is not empty */
    char msg[600];
    snprintf(msg, sizeof msg, "cannot write '%s': Is a directory", q);
    write_expect(q, msg, "over a directory");
    listing(dir, ls, sizeof ls);
    CHECK_STR(ls, "ok.svg sub.png", "the temporary removed after a failure");
    /* a file where a directory should be */
    snprintf(p, sizeof p, "%s/ok.svg/pic.png", dir);
    snprintf(msg, sizeof msg, "cannot write '%s': Not a directory", p);
    write_expect(p, msg, "under a file");
    snprintf(p, sizeof p, "%s/none/pic.pdf", dir);
    snprintf(msg, sizeof msg, "cannot write '%s': No such file or directory",
             p);
    write_expect(p, msg, "in a missing directory");
    /* a directory without write permission (root writes anyway) */
    snprintf(q, sizeof q, "%s/ro", dir);
    mkdir(q, 0555);
    snprintf(p, sizeof p, "%s/ro/pic.svg", dir);
    if (geteuid() != 0) {
        snprintf(msg, sizeof msg, "cannot write '%s': Permission denied", p);
        write_expect(p, msg, "in a read-only directory");
        listing(q, ls, sizeof ls);
        CHECK_STR(ls, "", "nothing left in the read-only directory");
    } else {
        printf("# running as root: the read-only directory case skipped\n");
    }
    write_expect("pic.jpg",
                 "unknown picture format '.jpg' (use .svg, .png or .pdf)",
                 "a .jpg");
    write_expect("d.svg/pic",
                 "picture file 'd.svg/pic' has no extension (use .svg, "
                 ".png or .pdf)", "no extension");
    snprintf(p, sizeof p, "%s/ok.svg", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/sub.png/x", dir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/sub.png", dir);
    rmdir(p);
    rmdir(q);
    rmdir(dir);
}

/* nb_figure_write fails on the path before it draws anything. */
static void test_figure_write(void)
{
    NbFigure *f = nb_figure_new(1, 1, 0, 0);
    CHECK(f != NULL, "a figure");
    if (!f)
        return;
    NbDiag d = NB_DIAG_INIT;
    const char *path = "/nonexistent-nabla-dir/fig.svg";
    CHECK(nb_figure_write(f, path, &d) == -1, "figure to a missing directory");
    CHECK_STR(d.msg, "cannot write '/nonexistent-nabla-dir/fig.svg': No such "
              "file or directory", "the message");
    CHECK(d.code == NB_ERR_IO, "an I/O error");
    nb_diag_clear(&d);
    CHECK(nb_figure_write(f, "fig.gif", &d) == -1 && d.code == NB_ERR_ARGS,
          "figure to a .gif");
    nb_diag_clear(&d);
    nb_figure_free(f);
}

/* --- the cairo canvas ---------------------------------------------------------------*/

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

typedef struct Bytes {
    const unsigned char *p;
    size_t n, at;
} Bytes;

static cairo_status_t read_bytes(void *closure, unsigned char *data,
                                 unsigned int len)
{
    Bytes *b = closure;
    if (len > b->n - b->at)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, b->p + b->at, len);
    b->at += len;
    return CAIRO_STATUS_SUCCESS;
}

/* The pixel (x, y) of a PNG read back by cairo's own PNG reader. */
static uint32_t png_pixel(const unsigned char *png, size_t n, int x, int y)
{
    Bytes b = {png, n, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(
        read_bytes, &b);
    uint32_t v = 0;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(s);
        const unsigned char *d = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        memcpy(&v, d + (size_t)y * stride + (size_t)x * 4, 4);
    }
    cairo_surface_destroy(s);
    return v;
}

static void test_png(void)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    for (int sc = 1; sc <= 2; sc++) {
        size_t n = 0;
        unsigned char *png = nb_canvas_png(draw_square, NULL, sc, &n);
        CHECK(png && n > 33, "PNG at scale %d", sc);
        if (!png)
            continue;
        CHECK(memcmp(png, sig, 8) == 0, "PNG signature");
        CHECK(memcmp(png + 12, "IHDR", 4) == 0, "IHDR first");
        CHECK(be32(png + 16) == 40u * sc && be32(png + 20) == 30u * sc,
              "IHDR size %ux%u", be32(png + 16), be32(png + 20));
        /* 8 bits, colour type 2 (RGB): the white background makes the
         * picture opaque and cairo then leaves out the alpha channel */
        CHECK(png[24] == 8 && png[25] == 2, "8-bit RGB");
        CHECK(png_pixel(png, n, 15 * sc, 15 * sc) == 0xFFFF0000u,
              "red at the square's centre");
        CHECK(png_pixel(png, n, 5 * sc, 5 * sc) == 0xFFFFFFFFu &&
              png_pixel(png, n, 25 * sc, 15 * sc) == 0xFFFFFFFFu,
              "white outside");
        free(png);
    }
}

static void draw_text_probe(void *arg, const NbCanvas *c)
{
    (void)arg;
    c->begin(c->ctx, 60, 60);
    /* 'l' at 20 px, top left at (10, 10): its ink starts on row 10 */
    text_at(c, 10, 10, "l", 20, 0, -1, -1, 0, black);
    /* invalid UTF-8 must not stop the drawing that follows */
    text_at(c, 30, 30, "\xFF\xFE ok", 10, 0, -1, 1, 0, black);
    /* '0' right-aligned at x = 50, baseline 50 */
    text_at(c, 50, 50, "0", 20, 0, 1, 1, 0, black);
    double x[] = {0, 4, 4, 0}, y[] = {56, 56, 60, 60};
    unsigned char o[] = {NB_MOVE, NB_LINE, NB_LINE, NB_LINE_CLOSE};
    NbPath p = {4, x, y, o};
    c->fill(c->ctx, &p, (NbColor){0, 0, 1, 0.5});
    c->end(c->ctx);
}

static int dark(const uint32_t *px, int w, int x, int y)
{
    return (px[y * w + x] & 0xFF) < 128;   /* blue channel of grey ink */
}

static void test_raster(void)
{
    int w = 0, h = 0;
    uint32_t *px = nb_canvas_raster(draw_text_probe, NULL, 1, &w, &h);
    CHECK(px && w == 60 && h == 60, "raster 60x60");
    if (!px)
        return;
    /* 'l': x from 193/2048 to 377/2048 em, i.e. columns 11.9 to 13.7 */
    int above = 0, below = 0;
    for (int x = 10; x < 16; x++) {
        above |= dark(px, w, x, 8);
        below |= dark(px, w, x, 11);
    }
    CHECK(!above && below, "'l' aligned top: ink from row 10");
    /* '0': advance 1303/2048 * 20 = 12.7 px, so ink within [37.3, 50) */
    int right = 0, left = 0, beyond = 0;
    for (int y = 36; y < 50; y++) {
        right |= dark(px, w, 47, y) || dark(px, w, 48, y);
        beyond |= dark(px, w, 50, y) || dark(px, w, 51, y);
        left |= dark(px, w, 36, y);
    }
    CHECK(right && !beyond && !left, "'0' right-aligned at x = 50");
    /* half-transparent blue over white: (127.5, 127.5, 255), opaque */
    uint32_t v = px[58 * w + 2];
    int r = v >> 16 & 0xFF, g = v >> 8 & 0xFF, b = v & 0xFF;
    CHECK(v >> 24 == 0xFF && abs(r - 128) <= 1 && abs(g - 128) <= 1 &&
          b == 0xFF, "alpha blend after invalid text: %08x", v);
    free(px);
    CHECK(nb_canvas_raster(draw_text_probe, NULL, 0, &w, &h) == NULL &&
          nb_canvas_raster(draw_text_probe, NULL, NAN, &w, &h) == NULL,
          "a scale of 0 or NaN fails");
    size_t n;
    CHECK(nb_canvas_png(draw_unbalanced, NULL, 300, &n) == NULL,
          "a device size past the limit fails");
}

static void draw_nothing(void *arg, const NbCanvas *c) { (void)arg; (void)c; }

static void test_pdf(void)
{
    CHECK(nb_canvas_png(draw_nothing, NULL, 1, &(size_t){0}) == NULL,
          "no begin: no PNG");
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    FILE *m = open_memstream(&a, &na);
    int ra = m ? nb_canvas_write_pdf(draw_text_probe, NULL, m) : -1;
    if (m)
        fclose(m);
    m = open_memstream(&b, &nb);
    int rb = m ? nb_canvas_write_pdf(draw_text_probe, NULL, m) : -1;
    if (m)
        fclose(m);
#if CAIRO_HAS_PDF_SURFACE
    CHECK(ra == 0 && rb == 0 && na > 5 && memcmp(a, "%PDF-", 5) == 0,
          "PDF written");
    CHECK(na == nb && memcmp(a, b, na) == 0, "PDF bytes repeat");
#else
    CHECK(ra == -1 && rb == -1, "no PDF surface: -1");
#endif
    free(a);
    free(b);
}

/* A page's inline SVG (no declaration or namespace, ids prefixed) and a
 * line animated as a rolling ball: 3 points take the shortest run, 2 s,
 * then rest 2 s, so the key times are 0, 1/4, 1/2 and 1 of 4 s. */
static void test_inline_animated(void)
{
    NbFigure *f = nb_figure_new(1, 1, 300, 200);
    double x[3] = {0, 1, 2}, y[3] = {0, 1, 0};
    NbLineStyle ls = {{1, 0, 0, 1}, 0, 0, NB_MARKER_NONE, 0, NULL};
    int layer = nb_layer_line(f, 0, 3, x, y, &ls);
    CHECK(layer == 0 && nb_panel_layers(f, 0) == 1, "one line layer");
    CHECK(nb_layer_set_animated(f, 0, 1, 1) == -1, "no layer 1 to animate");
    CHECK(nb_layer_set_animated(f, 0, layer, 1) == 0, "the line animates");
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    CHECK(nb_figure_write_svg_inline(f, "p7-", m) == 0, "inline SVG written");
    fclose(m);
    const char *head = "<svg width=\"300\" height=\"200\" viewBox";
    CHECK(strncmp(buf, head, strlen(head)) == 0,
          "inline: <svg> first, no declaration");
    CHECK(!strstr(buf, "xmlns") && !strstr(buf, "<?xml"), "inline: no namespace");
    CHECK(strstr(buf, "<clipPath id=\"p7-clip1\">") &&
          strstr(buf, "clip-path=\"url(#p7-clip1)\"") && !strstr(buf, "\"clip1\""),
          "inline: ids prefixed");
    CHECK(strstr(buf, "<g class=\"ball\">\n<circle") != NULL, "a ball");
    CHECK(strstr(buf, " visibility=\"hidden\">\n<set attributeName=\"visibility\" "
                      "to=\"visible\" begin=\"0s\"/>") != NULL,
          "hidden in the still frame");
    const char *kt = "keyTimes=\"0.0000;0.2500;0.5000;1\" dur=\"4s\" "
                     "repeatCount=\"indefinite\"/>";
    const char *a = strstr(buf, kt), *b = a ? strstr(a + 1, kt) : NULL;
    CHECK(a && b && !strstr(b + 1, kt), "cx and cy: 4 key times over 4 s");
    free(buf);
    buf = NULL;
    m = open_memstream(&buf, &n);
    nb_layer_set_animated(f, 0, layer, 0);
    CHECK(nb_figure_write_svg(f, m) == 0 && fclose(m) == 0 &&
          !strstr(buf, "<animate") && strstr(buf, "<?xml"), "off: a still file");
    free(buf);
    nb_figure_free(f);
}

int main(void)
{
    test_svg();
    test_metrics();
    test_format_of();
    test_files();
    test_figure_write();
    test_png();
    test_raster();
    test_pdf();
    test_inline_animated();
    nb_plot_font_cleanup();
    return check_done();
}
