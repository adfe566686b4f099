/* plot.h — pictures (SPEC §6): a figure model that knows nothing of its
 * output, and the calls that draw it as SVG, PNG or terminal text.
 *
 * A figure is a grid of panels, each panel one set of axes (2-D, or a 3-D
 * surface view) holding layers painted in the order they were added:
 * curves, markers, filled or line contours, arrows, text. The model only
 * stores data (already evaluated: the plot module never evaluates an
 * expression); layout (margins from text metrics, ticks, legend placement,
 * colourbars) happens when a figure is drawn, in src/plot/render.c, through
 * a few drawing primitives that each backend implements (src/plot/canvas.h).
 *
 * Units: a figure's size is in CSS pixels (1/96 inch); every other length
 * (line widths, marker sizes, font sizes) is in the same pixels.
 *
 * Ownership: a figure owns every array and string given to it (copied); free
 * it with nb_figure_free(). Layer setters return the layer's index, or -1
 * when memory or a limit (plot limits below) ran out; the figure is then
 * unchanged.
 */
#ifndef NABLA_PLOT_H
#define NABLA_PLOT_H

#include <stddef.h>
#include <stdio.h>
#include "nabla/diag.h"

/* --- limits ---------------------------------------------------------------*/
#define NB_PLOT_MAX_PANELS 36          /* panels in one figure */
#define NB_PLOT_MAX_GRID 1000          /* grid points per side (contour, surface) */
#define NB_PLOT_MAX_LEVELS 200         /* contour levels */
#define NB_PLOT_MAX_SAMPLES 100000     /* samples of one curve */
#define NB_PLOT_MAX_POINTS 1000000     /* points in one line or marker layer */
#define NB_PLOT_MAX_ARROWS 10000       /* arrows in one quiver layer */
#define NB_PLOT_MAX_SIZE 8000          /* pixels per side of a figure */
#define NB_PLOT_MAX_CURVES 20          /* curves in one plot() */
#define NB_PLOT_MAX_TANGENTS 20        /* tangent points in one plot() */
#define NB_PLOT_MIN_SIZE 50

typedef struct NbColor { double r, g, b, a; } NbColor;   /* 0..1 each */

typedef enum NbMarker {
    NB_MARKER_NONE, NB_MARKER_CIRCLE, NB_MARKER_STAR, NB_MARKER_TRIANGLE,
    NB_MARKER_SQUARE
} NbMarker;

typedef enum NbColormap { NB_CMAP_BLUES, NB_CMAP_VIRIDIS } NbColormap;

/* The colour of a colormap at t in [0, 1] (clamped; NaN gives grey). */
NbColor nb_colormap(NbColormap m, double t);
/* The i-th colour of the line cycle (matplotlib's tab10 order). */
NbColor nb_color_cycle(size_t i);
/* A named colour ("red", "#1f77b4", ...): 0, or -1 when unknown. */
int nb_color_parse(const char *name, NbColor *out);

typedef struct NbFigure NbFigure;

/* A figure of rows x cols panels, w x h pixels (0: a default from the
 * grid, 640 x 480 for one panel). NULL on a size outside the limits. */
NbFigure *nb_figure_new(int rows, int cols, double w, double h);
void nb_figure_free(NbFigure *f);
int nb_figure_set_title(NbFigure *f, const char *suptitle);
int nb_figure_rows(const NbFigure *f);
int nb_figure_cols(const NbFigure *f);
double nb_figure_width(const NbFigure *f);
double nb_figure_height(const NbFigure *f);
/* A deep copy of src's panel p placed as dst's panel q (figure(a, b, ...)
 * builds its grid this way). */
int nb_figure_copy_panel(NbFigure *dst, int q, const NbFigure *src, int p);
/* A deep copy of the whole figure at another size (0: the same), for
 * drawing it in a terminal window's size; NULL on a bad size or memory. */
NbFigure *nb_figure_copy(const NbFigure *src, double w, double h);
int nb_figure_set_size(NbFigure *f, double w, double h);

/* --- a panel's axes -------------------------------------------------------
 * Panels are numbered row by row from 0. Every setter returns 0, or -1 on
 * a bad panel number or out of memory. */
typedef enum NbPanelKind { NB_PANEL_2D, NB_PANEL_3D } NbPanelKind;
int nb_panel_set_kind(NbFigure *f, int p, NbPanelKind k);
int nb_panel_set_title(NbFigure *f, int p, const char *title);
int nb_panel_set_labels(NbFigure *f, int p, const char *xlabel,
                        const char *ylabel);
/* lo/hi NaN: chosen from the data (nice rounded, with a small margin for
 * curves, tight for grids). */
int nb_panel_set_xlim(NbFigure *f, int p, double lo, double hi);
int nb_panel_set_ylim(NbFigure *f, int p, double lo, double hi);
int nb_panel_set_log(NbFigure *f, int p, int logx, int logy);
int nb_panel_set_equal(NbFigure *f, int p, int equal);   /* equal aspect */
int nb_panel_set_grid(NbFigure *f, int p, int grid);     /* default on */
int nb_panel_set_legend(NbFigure *f, int p, int legend); /* default: when labels */
/* 3-D view: elevation and azimuth in degrees (matplotlib's defaults 30,
 * -60), and the z label. */
int nb_panel_set_view(NbFigure *f, int p, double elev, double azim,
                      const char *zlabel);

/* --- layers ---------------------------------------------------------------*/
typedef struct NbLineStyle {
    NbColor color;
    double width;            /* pixels; 0: 1.75 */
    int dashed;              /* 0 solid, 1 dashed, 2 dotted */
    NbMarker marker;         /* drawn at every point */
    double marker_size;      /* diameter in pixels; 0: 7 */
    const char *label;       /* legend entry, or NULL */
} NbLineStyle;

/* A polyline; a NaN in x or y breaks it (poles, holes). */
int nb_layer_line(NbFigure *f, int p, size_t n, const double *x,
                  const double *y, const NbLineStyle *s);

/* The number of layers on panel p so far (-1: no such panel). */
int nb_panel_layers(const NbFigure *f, int p);
/* Line layer `layer` of panel p animated (on) or not: in SVG a dot moves
 * along the line from point to point, a step a beat, then rests at the
 * end, with SVG's own animation (no script); the line itself is drawn as
 * always, so the still frame (print, PNG, viewers without animation) is
 * the whole line. 0, or -1 when the layer is not a line. */
int nb_layer_set_animated(NbFigure *f, int p, int layer, int on);

typedef struct NbMarkerStyle {
    NbMarker marker;
    double size;             /* diameter in pixels; 0: 9 */
    NbColor face, edge;      /* edge.a == 0: no edge */
    const char *label;
} NbMarkerStyle;
int nb_layer_markers(NbFigure *f, int p, size_t n, const double *x,
                     const double *y, const NbMarkerStyle *s);

/* A field z[j*nx + i] at x = x0 + i*(x1-x0)/(nx-1), y = y0 + j*(y1-y0)/(ny-1)
 * (j the row, from y0 up); non-finite values are holes. levels: the nlev
 * level values, increasing. Filled: the regions between levels are painted
 * with the colormap (below the first level and above the last are painted
 * too: with colours of their own when values lie beyond the levels, else
 * with the end colours); lines: one traced line per level, coloured by
 * the colormap, or all in line_color when its alpha is > 0. A colourbar
 * with cbar_label is drawn beside the panel when colorbar is set. log_scale:
 * levels are spaced (and the colourbar ticked) logarithmically. */
typedef struct NbContourStyle {
    int filled;
    NbColormap cmap;
    double alpha;            /* 0: 1 */
    NbColor line_color;      /* a == 0: by colormap */
    double line_width;       /* 0: 0.8 */
    int line_labels;         /* write the level on each line */
    int colorbar;
    int log_scale;
    const char *cbar_label;
} NbContourStyle;
int nb_layer_contour(NbFigure *f, int p, size_t nx, size_t ny, double x0,
                     double x1, double y0, double y1, const double *z,
                     size_t nlev, const double *levels,
                     const NbContourStyle *s);

/* Arrows from (x, y) to (x + dx, y + dy), in data units. */
typedef struct NbArrowStyle {
    NbColor color;
    double width;            /* shaft width in pixels; 0: 1.5 */
    const char *label;
} NbArrowStyle;
int nb_layer_arrows(NbFigure *f, int p, size_t n, const double *x,
                    const double *y, const double *dx, const double *dy,
                    const NbArrowStyle *s);

/* Text at a data point; halign -1 left, 0 centre, 1 right. */
int nb_layer_text(NbFigure *f, int p, double x, double y, const char *text,
                  NbColor color, double size, int halign);

/* A surface z[j*nx + i] over the grid as for contours, on a 3-D panel:
 * quads painted far to near, coloured by the colormap by height. */
int nb_layer_surface(NbFigure *f, int p, size_t nx, size_t ny, double x0,
                     double x1, double y0, double y1, const double *z,
                     NbColormap cmap);

/* --- levels, ticks, sampling: the computations behind the pictures --------*/

/* n "nice" levels spanning [lo, hi] (linear), or log-spaced when log
 * (lo > 0). Writes at most max values; returns how many. */
size_t nb_plot_levels(double lo, double hi, size_t n, int log, double *out,
                      size_t max);

/* Ticks for an axis from lo to hi: steps of 1, 2 or 5 times a power of ten
 * (powers of ten on a log axis), between about min_n and max_n of them,
 * covering [lo, hi]. Returns the count (<= max). */
size_t nb_plot_ticks(double lo, double hi, int log, size_t max_n,
                     double *out, size_t max);
/* The shortest label for tick v given the step between ticks ("2.5",
 * "-10", "1e-08" on log axes as "10⁻⁸"). buf of at least 32 bytes. */
void nb_plot_tick_label(double v, double step, int log, char *buf,
                        size_t size);

/* Adaptive sampling of y = f(x) on [a, b]: eval(ctx, x, y, n) evaluates n
 * points at once (returns 0, or -1 to stop: interrupted). Starts from n0
 * uniform points and refines where the curve bends, up to max points; a
 * NaN separates pieces at poles and non-finite values. On success *xs and
 * *ys (malloc'd, caller frees) hold *n points. */
typedef int (*NbPlotEval)(void *ctx, const double *x, double *y, size_t n);
int nb_plot_sample(NbPlotEval eval, void *ctx, double a, double b,
                   int logx, size_t max, double **xs, double **ys,
                   size_t *n);

/* The y range a reader wants for curves that may blow up: the range of the
 * finite samples, trimmed where a pole sends values far beyond the bulk. */
void nb_plot_robust_range(size_t n, const double *y, double *lo, double *hi);

/* --- output ----------------------------------------------------------------*/
typedef enum NbPlotFormat { NB_PLOT_SVG, NB_PLOT_PNG, NB_PLOT_PDF } NbPlotFormat;

/* The format a file name asks for by its extension; -1 when unknown. */
int nb_plot_format_of(const char *path);
/* Write the figure to path: to a temporary file beside it, renamed over
 * path on success (a failed write leaves nothing). 0, or -1 with d set. */
int nb_figure_write(const NbFigure *f, const char *path, NbDiag *d);
/* SVG to a stream (deterministic bytes). 0, or -1 on a write error. */
int nb_figure_write_svg(const NbFigure *f, FILE *out);
/* The same drawing as an <svg> element to go inside an HTML page: no XML
 * declaration and no namespace attribute (HTML gives <svg> its namespace),
 * every id (the clip paths) prefixed with id_prefix so that several
 * pictures can share one document. */
int nb_figure_write_svg_inline(const NbFigure *f, const char *id_prefix,
                               FILE *out);
/* PNG bytes (scale: device pixels per CSS pixel). malloc'd; NULL when
 * cairo is not available or memory ran out. */
unsigned char *nb_figure_png(const NbFigure *f, double scale, size_t *len);
/* Draw the figure as terminal text, cols x rows cells: braille and block
 * characters for the picture, real characters for ticks, labels and
 * legend; 24-bit colour escapes when color is set. */
int nb_figure_write_text(const NbFigure *f, int cols, int rows, int color,
                         FILE *out);

/* Free the font faces the PNG backend loaded (once per process, on first
 * use) and cairo's caches: call at exit only, for leak checkers. */
void nb_plot_font_cleanup(void);

#endif
