/* test_plot_cairo.c — the cairo backend (cairo.c), its PNG encoder (png.c)
 * and the file writer (output.c) driven by canvas calls directly, for the
 * cases a figure never produces: a second begin, a size cairo refuses, no
 * begin at all, primitives that must draw nothing, dotted strokes, a clip
 * left open, text that is not valid UTF-8, the font named by NABLA_FONT,
 * and a drawing that fails on its way to a file.
 *
 * Expected pixels come from the geometry of the calls: a dotted stroke of
 * width w is dots of w and gaps of 1.65 w (svg.c's pattern, the one
 * cairo.c copies); a clipped fill paints inside the rectangle only;
 * anything invisible leaves the white background (0xFFFFFFFF).
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "backend.h"
#include "canvas.h"
#include "raster.h"
#include "nabla/diag.h"

static const NbColor black = {0, 0, 0, 1}, red = {1, 0, 0, 1};

/* What a drawing does: one scene per test. */
typedef enum Scene {
    BEGIN_TWICE, ZERO_SIZE, HUGE_SIZE, NO_BEGIN, INVISIBLE, DOTTED, SOLID,
    OPEN_CLIP, BAD_TEXT, TEXT_REGULAR, TEXT_BOLD
} Scene;

static void rect_path(NbPath *p, double *x, double *y, unsigned char *ops,
                      double x0, double y0, double x1, double y1)
{
    x[0] = x0; y[0] = y0; x[1] = x1; y[1] = y0;
    x[2] = x1; y[2] = y1; x[3] = x0; y[3] = y1;
    ops[0] = NB_MOVE; ops[1] = NB_LINE; ops[2] = NB_LINE;
    ops[3] = NB_LINE_CLOSE;
    p->n = 4; p->x = x; p->y = y; p->ops = ops;
}

static void text_at(const NbCanvas *c, const char *s, int bold)
{
    NbTextStyle t = {black, 24, bold, -1, 1, 0};
    c->text(c->ctx, 4, 30, s, &t);
}

static void draw(void *arg, const NbCanvas *c)
{
    Scene s = *(Scene *)arg;
    double x[4], y[4];
    unsigned char ops[4];
    NbPath p;
    switch (s) {
    case BEGIN_TWICE:
        c->begin(c->ctx, 40, 30);
        c->begin(c->ctx, 80, 80);           /* ignored: begin once */
        break;
    case ZERO_SIZE:
        c->begin(c->ctx, 0, 30);
        break;
    case HUGE_SIZE:                         /* 16000^2 device pixels at scale 2 */
        c->begin(c->ctx, 8000, 8000);
        break;
    case NO_BEGIN:
        c->clip(c->ctx, 0, 0, 10, 10);      /* before begin: nothing to clip */
        break;
    case INVISIBLE: {
        c->begin(c->ctx, 20, 20);
        rect_path(&p, x, y, ops, 0, 0, 20, 20);
        NbColor clear = {1, 0, 0, 0};
        c->fill(c->ctx, &p, clear);                     /* alpha 0 */
        NbStroke thin = {black, 0, 0, 0};
        c->stroke(c->ctx, &p, &thin);                   /* width 0 */
        c->circle(c->ctx, 10, 10, 0, black, NULL);      /* radius 0 */
        NbTextStyle t = {black, 12, 0, -1, 1, 0};
        c->text(c->ctx, 2, 15, "", &t);                 /* no text */
        break;
    }
    case DOTTED:
    case SOLID: {
        c->begin(c->ctx, 100, 20);
        double lx[2] = {10, 90}, ly[2] = {10, 10};
        unsigned char lops[2] = {NB_MOVE, NB_LINE};
        NbPath line = {2, lx, ly, lops};
        NbStroke st = {black, 2, s == DOTTED ? 2 : 0, 0};
        c->stroke(c->ctx, &line, &st);
        break;
    }
    case OPEN_CLIP:
        c->begin(c->ctx, 40, 40);
        c->clip(c->ctx, 0, 0, 20, 40);
        rect_path(&p, x, y, ops, 0, 0, 40, 40);
        c->fill(c->ctx, &p, red);           /* no unclip: end closes it */
        break;
    case BAD_TEXT:
        c->begin(c->ctx, 200, 40);
        /* a stray byte, a control character, then U+1D400 (4 bytes) */
        text_at(c, "\xff\x01 \xf0\x9d\x90\x80", 0);
        break;
    case TEXT_REGULAR:
    case TEXT_BOLD:
        c->begin(c->ctx, 200, 40);
        text_at(c, "MMMM", s == TEXT_BOLD);
        break;
    }
}

static uint32_t *raster(Scene s, double scale, int *w, int *h)
{
    *w = *h = -1;
    return nb_canvas_raster(draw, &s, scale, w, h);
}

static uint32_t px(const uint32_t *m, int w, int x, int y)
{
    return m[(size_t)y * (size_t)w + (size_t)x];
}

/* Sum over the raster of (255 - green): how much ink was laid down. */
static long ink(const uint32_t *m, int w, int h)
{
    long k = 0;
    for (long i = 0; i < (long)w * h; i++)
        k += 255 - (m[i] >> 8 & 0xFF);
    return k;
}

static void test_sizes(void)
{
    int w, h;
    uint32_t *m = raster(BEGIN_TWICE, 1, &w, &h);
    CHECK(m && w == 40 && h == 30, "a second begin is ignored: %d x %d", w, h);
    free(m);
    m = raster(BEGIN_TWICE, 2, &w, &h);
    CHECK(m && w == 80 && h == 60, "scale 2 doubles each side: %d x %d", w, h);
    free(m);
    m = raster(ZERO_SIZE, 1, &w, &h);
    CHECK(!m, "a zero width draws nothing");
    free(m);
    m = raster(HUGE_SIZE, 2, &w, &h);
    CHECK(!m, "16000 x 16000 device pixels exceed NB_RASTER_MAX_PIXELS");
    free(m);
    m = raster(NO_BEGIN, 1, &w, &h);
    CHECK(!m, "a drawing without begin has no raster");
    free(m);
    m = raster(BEGIN_TWICE, 0, &w, &h);
    CHECK(!m, "scale 0 is refused");
    free(m);
    size_t n = 0;
    Scene s = ZERO_SIZE;
    unsigned char *png = nb_canvas_png(draw, &s, 1, &n);
    CHECK(!png, "no PNG of a zero-width drawing");
    free(png);
}

static void test_invisible(void)
{
    int w, h;
    uint32_t *m = raster(INVISIBLE, 1, &w, &h);
    int white = m != NULL;
    for (int i = 0; m && i < w * h; i++)
        white &= m[i] == 0xFFFFFFFFu;
    CHECK(m && w == 20 && white, "a clear fill, a 0-width stroke, a 0-radius "
          "circle and empty text leave the background white");
    free(m);
}

/* Row 9 spans y 9..10, inside the 2 px line on y = 10 (9..11). The dots
 * are [10 + 5.3 k, 12 + 5.3 k]: pixels 10 and 16 lie in dots, 13 and 18
 * in gaps; over 80 px the dots cover 2/5.3 of the line. */
static void test_dotted(void)
{
    int w, h, w2, h2;
    uint32_t *d = raster(DOTTED, 1, &w, &h);
    uint32_t *s = raster(SOLID, 1, &w2, &h2);
    CHECK(d && s, "dotted and solid lines drawn");
    if (!d || !s) {
        free(d);
        free(s);
        return;
    }
    CHECK(px(d, w, 10, 9) == 0xFF000000u && px(d, w, 16, 9) == 0xFF000000u,
          "dots at x 10 and 16: %08x %08x", px(d, w, 10, 9), px(d, w, 16, 9));
    CHECK(px(d, w, 13, 9) == 0xFFFFFFFFu && px(d, w, 18, 9) == 0xFFFFFFFFu,
          "gaps at x 13 and 18: %08x %08x", px(d, w, 13, 9), px(d, w, 18, 9));
    double r = (double)ink(d, w, h) / (double)ink(s, w2, h2);
    CHECK(fabs(r - 2 / 5.3) < 0.05, "dotted ink / solid ink %.3f, want %.3f",
          r, 2 / 5.3);
    int solid = 1;
    for (int x = 10; x < 90; x++)
        solid &= px(s, w2, x, 9) == 0xFF000000u;
    CHECK(solid, "the solid line is black from x 10 to 90");
    free(d);
    free(s);
}

static void test_open_clip(void)
{
    int w, h;
    uint32_t *m = raster(OPEN_CLIP, 1, &w, &h);
    CHECK(m && px(m, w, 10, 20) == 0xFFFF0000u &&
          px(m, w, 30, 20) == 0xFFFFFFFFu,
          "a clip left open still clips (red inside, white outside) and the "
          "raster is made");
    free(m);
}

static void test_bad_text(void)
{
    int w, h;
    uint32_t *m = raster(BAD_TEXT, 1, &w, &h);
    /* invalid UTF-8 would put cairo in an error state: no raster at all */
    CHECK(m != NULL, "text with a stray byte and a control character draws");
    CHECK(m && ink(m, w, h) > 0, "U+FFFD and the 4-byte character leave ink");
    free(m);
}

/* NABLA_FONT names the regular face; its "-Bold" sibling is the bold one,
 * so bold text lays down more ink than regular. Fonts load once per
 * process, so this runs before any other text. */
static void test_font_env(void)
{
    const char *reg = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const char *bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    if (access(reg, R_OK) != 0 || access(bold, R_OK) != 0) {
        printf("SKIP NABLA_FONT: no DejaVu fonts at %s\n", reg);
        return;
    }
    setenv("NABLA_FONT", reg, 1);
    int w, h, w2, h2;
    uint32_t *r = raster(TEXT_REGULAR, 1, &w, &h);
    uint32_t *b = raster(TEXT_BOLD, 1, &w2, &h2);
    long kr = r ? ink(r, w, h) : 0, kb = b ? ink(b, w2, h2) : 0;
    CHECK(kr > 0 && kb > kr * 1.2, "NABLA_FONT and its -Bold sibling: bold "
          "ink %ld > 1.2 x regular ink %ld", kb, kr);
    free(r);
    free(b);
    unsetenv("NABLA_FONT");
}

/* In a child (fonts load once per process): NABLA_FONT naming no font
 * falls back to the system's DejaVu, so text still draws. */
static void test_font_missing(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NABLA_FONT", "/nonexistent/NoSuchFont.ttf", 1);
        int w, h;
        uint32_t *m = raster(TEXT_REGULAR, 1, &w, &h);
        int ok = m && ink(m, w, h) > 0;
        free(m);
        nb_plot_font_cleanup();
        check_child_exit(ok ? 0 : 1);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
          WEXITSTATUS(st) == 0, "a missing NABLA_FONT falls back to DejaVu");
}

static void test_png_encode(void)
{
    uint32_t one[2] = {0xFF000000u, 0xFFFFFFFFu};
    size_t n = 0;
    fprintf(stderr, "(libpng complains below about a zero width: expected)\n");
    unsigned char *p = nb_png_encode(one, 0, 1, &n);
    CHECK(!p, "libpng refuses a zero-width image: NULL, not a crash");
    free(p);
    p = nb_png_encode(one, 2, 1, &n);
    CHECK(p && n > 33 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 &&
          memcmp(p + 12, "IHDR", 4) == 0 && p[19] == 2 && p[23] == 1 &&
          p[24] == 8 && p[25] == 2,
          "2 x 1 encodes as an 8-bit RGB PNG");
    free(p);
}

/* Files left in dir other than "." and "..". */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static void test_write_failure(void)
{
    char dir[] = "/tmp/nabla-test-cairo.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    static const char *const ext[] = {"png", "pdf"};
    for (int i = 0; i < 2; i++) {
        char path[128], want[192];
        snprintf(path, sizeof path, "%s/x.%s", dir, ext[i]);
        snprintf(want, sizeof want, "cannot draw '%s': out of memory", path);
        NbDiag d = NB_DIAG_INIT;
        Scene s = ZERO_SIZE;
        int r = nb_canvas_write_file(draw, &s, path, &d);
        CHECK(r == -1 && d.code == NB_ERR_IO, "a failed .%s drawing is an "
              "I/O error", ext[i]);
        CHECK_STR(d.msg, want, "its message");
        CHECK(entries(dir) == 0, "no file and no temporary left for .%s",
              ext[i]);
        nb_diag_clear(&d);
    }
    rmdir(dir);
}

int main(void)
{
    test_font_env();
    test_font_missing();
    test_sizes();
    test_invisible();
    test_dotted();
    test_open_clip();
    test_bad_text();
    test_png_encode();
    test_write_failure();
    nb_plot_font_cleanup();
    return check_done();
}
