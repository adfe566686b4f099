/* test_plot_ticks.c — ticks, tick labels, colours and colormaps.
 *
 * Expected tick lists are written by hand: the smallest step of 1, 2, 2.5
 * or 5 times a power of ten that puts at most max_n ticks inside the range
 * (matplotlib's MaxNLocator gives the same lists for these ranges).
 */
#include <math.h>
#include "check.h"
#include "nabla/plot.h"

/* Ticks of [lo, hi] equal want[0..nw) exactly (they are computed as
 * k*m/10^e, so 0.6 must be the double nearest 0.6). */
static void check_ticks(double lo, double hi, int log, size_t max_n,
                        const double *want, size_t nw)
{
    double got[64];
    size_t n = nb_plot_ticks(lo, hi, log, max_n, got, 64);
    int ok = n == nw;
    for (size_t i = 0; ok && i < n; i++)
        ok = got[i] == want[i];
    CHECK(ok, "ticks [%g, %g] log %d max %zu: %zu ticks, want %zu", lo, hi,
          log, max_n, n, nw);
}

static void test_linear(void)
{
    static const double a[] = { 0, 0.2, 0.4, 0.6, 0.8, 1 };
    check_ticks(0, 1, 0, 9, a, 6);
    static const double b[] = { -10, -7.5, -5, -2.5, 0, 2.5, 5, 7.5, 10 };
    check_ticks(-10, 10, 0, 9, b, 9);
    static const double c[] = { -10, -5, 0, 5, 10 };
    check_ticks(-10, 10, 0, 6, c, 5);
    static const double d[] = { -3, -2, -1, 0, 1, 2, 3 };
    check_ticks(-3, 3, 0, 9, d, 7);
    static const double e[] = { 0, 20, 40, 60, 80, 100, 120, 140, 160, 180 };
    check_ticks(0, 180, 0, 10, e, 10);
    static const double e2[] = { 0, 25, 50, 75, 100, 125, 150, 175 };
    check_ticks(0, 180, 0, 9, e2, 8);
    /* margins: the data range [-5, 5] plus 5% -> ticks stay inside */
    static const double f[] = { -4, -2, 0, 2, 4 };
    check_ticks(-5.5, 5.5, 0, 6, f, 5);
    static const double g[] = { 0, 0.05, 0.1, 0.15, 0.2, 0.25 };
    check_ticks(-0.0125, 0.2625, 0, 9, g, 6);
    static const double h[] = { 0.1, 0.2, 0.3 };
    check_ticks(0.1, 0.3, 0, 3, h, 3);
    static const double i[] = { 1e6, 2e6, 3e6 };
    check_ticks(0.9e6, 3.2e6, 0, 4, i, 3);
    /* lo > hi is the same axis; a max_n under 2 is 2 */
    check_ticks(1, 0, 0, 9, a, 6);
    static const double a2[] = { 0, 1 };
    check_ticks(0, 1, 0, 1, a2, 2);
    check_ticks(0, 1, 0, 0, a2, 2);
    /* a log axis with less than two decades inside takes linear ticks:
     * [2, 50] holds only 10 */
    static const double lg[] = { 10, 20, 30, 40, 50 };
    check_ticks(2, 50, 1, 6, lg, 5);
    double one[4];
    CHECK(nb_plot_ticks(2, 2, 0, 9, one, 4) == 1 && one[0] == 2,
          "an empty range has one tick");
    CHECK(nb_plot_ticks(NAN, 2, 0, 9, one, 4) == 0, "NaN range: no ticks");
    CHECK(nb_plot_ticks(0, 1, 0, 9, one, 4) == 4, "at most max values");
}

static void test_log(void)
{
    static const double a[] = { 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11,
                                1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
                                1e-3, 1e-2, 1e-1 };
    check_ticks(1e-16, 1e-1, 1, 16, a, 16);
    static const double b[] = { 1e-16, 1e-14, 1e-12, 1e-10, 1e-8, 1e-6,
                                1e-4, 1e-2 };
    check_ticks(1e-16, 1e-1, 1, 9, b, 8);
    static const double c[] = { 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1 };
    check_ticks(1e-12, 1, 1, 8, c, 7);
    static const double d[] = { 1, 10, 100, 1000 };
    check_ticks(0.5, 2000, 1, 9, d, 4);
}

static void test_labels(void)
{
    char buf[64];
    struct { double v, step; int log; const char *want; } t[] = {
        { 0, 1, 0, "0" },
        { 2.5, 2.5, 0, "2.5" },
        { -10, 5, 0, "\xe2\x88\x92" "10" },
        { -10, 2.5, 0, "\xe2\x88\x92" "10.0" },
        { 0.001, 0.001, 0, "0.001" },
        { 0.6, 0.2, 0, "0.6" },
        { 0, 0.2, 0, "0.0" },
        { 0.15, 0.05, 0, "0.15" },
        { -1e-17, 0.5, 0, "0.0" },
        { 1e6, 1e6, 0, "1e+06" },
        { 1e6, 2e5, 0, "1e+06" },
        { 1.2e6, 2e5, 0, "1.2e+06" },
        { 2.5e6, 5e5, 0, "2.5e+06" },
        { 3e-5, 1e-5, 0, "3e\xe2\x88\x92" "05" },
        { 1e-8, 1e-8, 1, "10\xe2\x81\xbb\xe2\x81\xb8" },
        { 1, 1, 1, "10\xe2\x81\xb0" },
        { 1e12, 1e12, 1, "10\xc2\xb9\xc2\xb2" },
        { 1e-36, 1e-36, 1, "10\xe2\x81\xbb\xc2\xb3\xe2\x81\xb6" },
        /* no step (0 or NaN): the value's own size stands for it */
        { 2.5, 0, 0, "2.5" },
        { 0, NAN, 0, "0" },
        /* a log axis's value that is not a power of ten: as on a linear one */
        { 20, 10, 1, "20" },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        nb_plot_tick_label(t[i].v, t[i].step, t[i].log, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "label %g step %g log %d", t[i].v,
                  t[i].step, t[i].log);
    }
}

static int near(double a, double b)
{
    return fabs(a - b) <= 1.0 / 255 + 1e-12;
}

static int same_color(NbColor c, double r, double g, double b)
{
    return near(c.r, r) && near(c.g, g) && near(c.b, b);
}

static void test_colors(void)
{
    NbColor c;
    CHECK(nb_color_parse("red", &c) == 0 && same_color(c, 1, 0, 0), "red");
    CHECK(nb_color_parse("Grey", &c) == 0 && same_color(c, 128 / 255.0,
          128 / 255.0, 128 / 255.0), "Grey");
    CHECK(nb_color_parse("#1f77b4", &c) == 0 &&
          same_color(c, 0x1f / 255.0, 0x77 / 255.0, 0xb4 / 255.0), "#rrggbb");
    CHECK(nb_color_parse("#f80", &c) == 0 &&
          same_color(c, 1, 0x88 / 255.0, 0), "#rgb");
    CHECK(nb_color_parse("C1", &c) == 0 &&
          same_color(c, 1, 0x7f / 255.0, 0x0e / 255.0), "C1 is tab10 orange");
    CHECK(nb_color_parse("C9", &c) == 0 &&
          same_color(c, 0x17 / 255.0, 0xbe / 255.0, 0xcf / 255.0), "C9");
    CHECK(nb_color_parse("#12345", &c) == -1, "five hex digits refused");
    CHECK(nb_color_parse("#gg0000", &c) == -1, "bad hex digit refused");
    CHECK(nb_color_parse("reddish", &c) == -1, "unknown name refused");
    CHECK(nb_color_parse("C10", &c) == -1, "C10 refused");
    c = nb_color_cycle(0);
    CHECK(same_color(c, 0x1f / 255.0, 0x77 / 255.0, 0xb4 / 255.0),
          "cycle starts at tab:blue");
    c = nb_color_cycle(12);
    CHECK(same_color(c, 0x2c / 255.0, 0xa0 / 255.0, 0x2c / 255.0),
          "cycle wraps after 10");
}

/* Relative luminance (Rec. 709 weights on the sRGB values; monotone enough
 * a proxy for lightness in grey print). */
static double luma(NbColor c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

static void test_colormaps(void)
{
    NbColor c = nb_colormap(NB_CMAP_VIRIDIS, 0);
    CHECK(same_color(c, 0x44 / 255.0, 0x01 / 255.0, 0x54 / 255.0),
          "viridis(0) = #440154");
    c = nb_colormap(NB_CMAP_VIRIDIS, 1);
    CHECK(same_color(c, 0xfd / 255.0, 0xe7 / 255.0, 0x25 / 255.0),
          "viridis(1) = #fde725");
    c = nb_colormap(NB_CMAP_BLUES, 0);
    CHECK(luma(c) > 0.95, "Blues(0) is nearly white");
    c = nb_colormap(NB_CMAP_BLUES, 1);
    CHECK(luma(c) < 0.25 && c.b > c.r && c.b > c.g, "Blues(1) is dark blue");
    c = nb_colormap(NB_CMAP_BLUES, 2);
    CHECK(luma(c) < 0.25, "t above 1 is clamped");
    c = nb_colormap(NB_CMAP_VIRIDIS, NAN);
    CHECK(same_color(c, 0.5, 0.5, 0.5), "NaN gives grey");
    int up = 1, down = 1;
    for (int i = 1; i <= 200; i++) {
        double t0 = (i - 1) / 200.0, t1 = i / 200.0;
        if (!(luma(nb_colormap(NB_CMAP_VIRIDIS, t1)) >
              luma(nb_colormap(NB_CMAP_VIRIDIS, t0))))
            up = 0;
        if (!(luma(nb_colormap(NB_CMAP_BLUES, t1)) <
              luma(nb_colormap(NB_CMAP_BLUES, t0))))
            down = 0;
    }
    CHECK(up, "viridis: luminance rises strictly");
    CHECK(down, "Blues: luminance falls strictly");
}

int main(void)
{
    test_linear();
    test_log();
    test_labels();
    test_colors();
    test_colormaps();
    return check_done();
}
