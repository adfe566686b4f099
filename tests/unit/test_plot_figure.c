/* test_plot_figure.c — the figure model's contract (include/nabla/plot.h,
 * src/plot/figure.c) as a program drawing with libnabla meets it: bad
 * shapes, sizes and panel indices are refused (NULL or -1) without
 * touching the figure; layer limits; documented defaults (a marker's size
 * 0 is 9 pixels, an arrow's width 0 is 1.5, a line's 1.75) are the same
 * bytes as the values written out; a copy draws the same bytes as its
 * original. (Drawing itself: test_plot_svg, test_plot_render.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/plot.h"
#include "check.h"

/* The SVG of f, malloc'd. */
static char *svg(const NbFigure *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int rc = nb_figure_write_svg(f, m);
    fclose(m);
    if (rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int same_svg(const NbFigure *a, const NbFigure *b)
{
    char *x = svg(a), *y = svg(b);
    int same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

static const double X[3] = {0, 1, 2}, Y[3] = {1, 0, 2};
static const double DX[3] = {0.5, 0.5, -0.5}, DY[3] = {0.25, -0.25, 0};
static const NbColor RED = {1, 0, 0, 1};

static void test_shapes(void)
{
    CHECK(!nb_figure_new(0, 1, 0, 0) && !nb_figure_new(1, 0, 0, 0)
              && !nb_figure_new(7, 6, 0, 0),
          "no figure of 0 rows, 0 columns or more than %d panels", NB_PLOT_MAX_PANELS);
    CHECK(!nb_figure_new(1, 1, NB_PLOT_MIN_SIZE - 1, 0) && !nb_figure_new(1, 1, 0, NB_PLOT_MAX_SIZE + 1)
              && !nb_figure_new(1, 1, NAN, 0) && !nb_figure_new(1, 1, -640, 0),
          "no figure below %d or above %d pixels a side, or NaN", NB_PLOT_MIN_SIZE, NB_PLOT_MAX_SIZE);
    NbFigure *f = nb_figure_new(6, 6, 0, 0);
    CHECK(f && nb_figure_rows(f) == 6 && nb_figure_cols(f) == 6 && nb_figure_width(f) > 0,
          "6 x 6 panels, the most");
    nb_figure_free(f);
    nb_figure_free(NULL);

    f = nb_figure_new(1, 2, 640, 300);
    CHECK(nb_figure_set_size(f, 800, 400) == 0 && nb_figure_width(f) == 800
              && nb_figure_height(f) == 400, "set_size 800 x 400");
    CHECK(nb_figure_set_size(f, 10, 400) == -1 && nb_figure_set_size(f, 800, 1e9) == -1
              && nb_figure_width(f) == 800 && nb_figure_height(f) == 400,
          "set_size refuses sizes out of range and keeps the old one");

    /* every panel setter: -1 for a panel that is not there, 0 else */
    int bad = 0;
    for (int p = -1; p <= 2; p += 3) {
        bad += nb_panel_set_kind(f, p, NB_PANEL_3D) != -1;
        bad += nb_panel_set_title(f, p, "t") != -1;
        bad += nb_panel_set_labels(f, p, "x", "y") != -1;
        bad += nb_panel_set_xlim(f, p, 0, 1) != -1;
        bad += nb_panel_set_ylim(f, p, 0, 1) != -1;
        bad += nb_panel_set_log(f, p, 1, 1) != -1;
        bad += nb_panel_set_equal(f, p, 1) != -1;
        bad += nb_panel_set_grid(f, p, 0) != -1;
        bad += nb_panel_set_legend(f, p, 1) != -1;
        bad += nb_panel_set_view(f, p, 30, -60, "z") != -1;
        bad += nb_panel_layers(f, p) != -1;
        bad += nb_layer_line(f, p, 3, X, Y, &(NbLineStyle){RED, 0, 0, 0, 0, NULL}) != -1;
        bad += nb_layer_markers(f, p, 3, X, Y, &(NbMarkerStyle){NB_MARKER_CIRCLE, 0, RED, RED, NULL}) != -1;
        bad += nb_layer_arrows(f, p, 3, X, Y, DX, DY, &(NbArrowStyle){RED, 0, NULL}) != -1;
        bad += nb_layer_text(f, p, 0, 0, "t", RED, 0, 0) != -1;
        bad += nb_layer_set_animated(f, p, 0, 1) != -1;
    }
    bad += nb_panel_set_legend(NULL, 0, 1) != -1;
    CHECK(bad == 0, "panels -1 and 2 of a 1 x 2 figure, or no figure: every call is -1 (%d not)", bad);
    CHECK(nb_panel_layers(f, 0) == 0 && nb_panel_layers(f, 1) == 0, "and nothing was added");
    CHECK(nb_panel_set_legend(f, 1, 0) == 0 && nb_panel_set_view(f, 1, 20, 30, "height") == 0,
          "set_legend and set_view on a panel that is there");
    nb_figure_free(f);
}

static void test_layers(void)
{
    NbFigure *f = nb_figure_new(1, 1, 300, 200);
    double z[4] = {0, 1, 1, 2}, lv[2] = {0.5, 1.5};
    NbContourStyle cs = {0};
    CHECK(nb_layer_contour(f, 0, 1, 2, 0, 1, 0, 1, z, 2, lv, &cs) == -1
              && nb_layer_contour(f, 0, 2, NB_PLOT_MAX_GRID + 1, 0, 1, 0, 1, z, 2, lv, &cs) == -1
              && nb_layer_contour(f, 0, 2, 2, 0, 1, 0, 1, z, 0, lv, &cs) == -1
              && nb_layer_contour(f, 0, 2, 2, 0, 1, 0, 1, z, NB_PLOT_MAX_LEVELS + 1, lv, &cs) == -1,
          "contours: a grid under 2 or over %d a side, 0 or over %d levels: refused",
          NB_PLOT_MAX_GRID, NB_PLOT_MAX_LEVELS);
    CHECK(nb_layer_surface(f, 0, 1, 1, 0, 1, 0, 1, z, NB_CMAP_VIRIDIS) == -1,
          "a surface of one point: refused");
    CHECK(nb_layer_arrows(f, 0, 0, X, Y, DX, DY, &(NbArrowStyle){RED, 0, NULL}) == -1
              && nb_layer_arrows(f, 0, NB_PLOT_MAX_ARROWS + 1, X, Y, DX, DY,
                                 &(NbArrowStyle){RED, 0, NULL}) == -1,
          "no arrows, or more than %d: refused", NB_PLOT_MAX_ARROWS);
    CHECK(nb_layer_line(f, 0, NB_PLOT_MAX_POINTS + 1, X, Y, &(NbLineStyle){RED, 0, 0, 0, 0, NULL}) == -1
              && nb_layer_markers(f, 0, NB_PLOT_MAX_POINTS + 1, X, Y,
                                  &(NbMarkerStyle){NB_MARKER_STAR, 0, RED, RED, NULL}) == -1,
          "over %d points in a line or marker layer: refused", NB_PLOT_MAX_POINTS);
    CHECK(nb_panel_layers(f, 0) == 0, "refused layers leave nothing behind");
    int t = nb_layer_text(f, 0, 1, 1, "here", RED, 0, 0);
    int l = nb_layer_line(f, 0, 3, X, Y, &(NbLineStyle){RED, 0, 0, 0, 0, "line"});
    CHECK(t == 0 && l == 1 && nb_panel_layers(f, 0) == 2, "layers are numbered in order");
    CHECK(nb_layer_set_animated(f, 0, t, 1) == -1 && nb_layer_set_animated(f, 0, l, 1) == 0
              && nb_layer_set_animated(f, 0, 2, 1) == -1,
          "only a line layer that is there can be animated");
    nb_figure_free(f);
}

/* A figure with one layer drawn by add(f), with the style given. */
typedef void (*Add)(NbFigure *f, int defaults);

static void add_markers(NbFigure *f, int dflt)
{
    nb_layer_markers(f, 0, 3, X, Y, &(NbMarkerStyle){NB_MARKER_TRIANGLE, dflt ? 0 : 9, RED,
                                                     {0, 0, 0, 1}, "m"});
}

static void add_arrows(NbFigure *f, int dflt)
{
    nb_layer_arrows(f, 0, 3, X, Y, DX, DY, &(NbArrowStyle){RED, dflt ? 0 : 1.5, "a"});
}

static void add_line(NbFigure *f, int dflt)
{
    nb_layer_line(f, 0, 3, X, Y, &(NbLineStyle){RED, dflt ? 0 : 1.75, 1, NB_MARKER_SQUARE,
                                                dflt ? 0 : 7, "l"});
}

static void add_contour(NbFigure *f, int dflt)
{
    static const double z[9] = {0, 1, 2, 1, 2, 3, 2, 3, 4}, lv[3] = {1, 2, 3};
    nb_layer_contour(f, 0, 3, 3, 0, 2, 0, 2, z, 3, lv,
                     &(NbContourStyle){1, NB_CMAP_BLUES, dflt ? 0 : 1, {0, 0, 0, 0},
                                       dflt ? 0 : 0.8, 0, 1, 0, "z"});
}

static void test_defaults(void)
{
    static const struct { Add add; const char *what; } t[] = {
        {add_markers, "a marker size of 0 is 9 pixels"},
        {add_arrows, "an arrow width of 0 is 1.5 pixels"},
        {add_line, "a line width of 0 is 1.75, its marker size 7"},
        {add_contour, "a contour's alpha 0 is 1, its line width 0 is 0.8"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        NbFigure *a = nb_figure_new(1, 1, 320, 240), *b = nb_figure_new(1, 1, 320, 240);
        t[i].add(a, 1);
        t[i].add(b, 0);
        CHECK(nb_panel_layers(a, 0) == 1 && same_svg(a, b), "%s: the same SVG", t[i].what);
        nb_figure_free(a);
        nb_figure_free(b);
    }
}

static void test_copy(void)
{
    NbFigure *f = nb_figure_new(2, 2, 700, 500);
    nb_figure_set_title(f, "all kinds");
    add_line(f, 0);
    add_markers(f, 0);
    nb_panel_set_title(f, 1, "arrows");
    nb_layer_arrows(f, 1, 3, X, Y, DX, DY, &(NbArrowStyle){RED, 2, "a"});
    nb_layer_text(f, 1, 1, 1, "note", RED, 14, 1);
    static const double z[9] = {0, 1, 2, 1, 2, 3, 2, 3, 4}, lv[3] = {1, 2, 3};
    nb_layer_contour(f, 2, 3, 3, 0, 2, 0, 2, z, 3, lv,
                     &(NbContourStyle){0, NB_CMAP_VIRIDIS, 1, {0, 0, 0, 1}, 1, 1, 0, 0, NULL});
    nb_panel_set_kind(f, 3, NB_PANEL_3D);
    nb_layer_surface(f, 3, 3, 3, 0, 2, 0, 2, z, NB_CMAP_VIRIDIS);
    nb_panel_set_labels(f, 0, "x", "f(x)");
    nb_panel_set_log(f, 0, 0, 1);

    NbFigure *c = nb_figure_copy(f, 0, 0);
    CHECK(c && nb_figure_rows(c) == 2 && nb_figure_cols(c) == 2 && nb_figure_width(c) == 700
              && nb_figure_height(c) == 500 && same_svg(f, c),
          "a copy of a figure with every layer kind draws the same SVG");
    NbFigure *big = nb_figure_copy(f, 1400, 1000);
    CHECK(big && nb_figure_width(big) == 1400 && nb_figure_height(big) == 1000 && !same_svg(f, big),
          "a copy at another size has that size");
    CHECK(!nb_figure_copy(f, 10, 0), "a copy at a size out of range: NULL");
    CHECK(nb_figure_copy_panel(c, 4, f, 0) == -1 && nb_figure_copy_panel(c, 0, f, -1) == -1,
          "copy_panel between panels that are not there: -1");
    CHECK(nb_figure_copy_panel(c, 0, f, 1) == 0 && !same_svg(f, c)
              && nb_panel_layers(c, 0) == nb_panel_layers(f, 1),
          "copy_panel replaces the panel");
    nb_figure_free(c);
    nb_figure_free(big);
    nb_figure_free(f);
}

int main(void)
{
    test_shapes();
    test_layers();
    test_defaults();
    test_copy();
    nb_plot_font_cleanup();
    return check_done();
}
