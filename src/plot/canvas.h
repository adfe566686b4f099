/* canvas.h — the drawing primitives every backend implements (SVG, cairo,
 * terminal text). render.c turns a figure into calls of these and nothing
 * else; a backend never knows what a figure, an axis or a command is.
 *
 * Coordinates are CSS pixels, origin top left, y down. A path is a list of
 * subpaths: ops[i] says what point i does (move to it, draw a line to it,
 * or close the subpath after it). Fills use the even-odd rule, so a filled
 * contour region with holes is one path.
 */
#ifndef NABLA_PLOT_CANVAS_H
#define NABLA_PLOT_CANVAS_H

#include <stddef.h>
#include "nabla/plot.h"

typedef enum NbPathOp { NB_MOVE, NB_LINE, NB_LINE_CLOSE } NbPathOp;

typedef struct NbPath {
    size_t n;
    const double *x, *y;
    const unsigned char *ops;   /* NbPathOp per point */
} NbPath;

typedef struct NbStroke {
    NbColor color;
    double width;
    int dashed;                 /* 0 solid, 1 dashed, 2 dotted */
    int round;                  /* round joins and caps */
} NbStroke;

typedef struct NbTextStyle {
    NbColor color;
    double size;                /* font size in pixels */
    int bold;
    int halign;                 /* -1 left, 0 centre, 1 right of x */
    int valign;                 /* -1 top, 0 middle, 1 baseline of y */
    double angle;               /* degrees, counter-clockwise (90: up) */
} NbTextStyle;

typedef struct NbCanvas NbCanvas;
struct NbCanvas {
    void *ctx;
    /* once, first: the picture's size; the background is white */
    void (*begin)(void *ctx, double w, double h);
    void (*fill)(void *ctx, const NbPath *p, NbColor c);
    void (*stroke)(void *ctx, const NbPath *p, const NbStroke *s);
    /* a circle (markers, points): fill when fill.a > 0, edge when s */
    void (*circle)(void *ctx, double cx, double cy, double r, NbColor fill,
                   const NbStroke *edge);
    /* UTF-8 text, one line */
    void (*text)(void *ctx, double x, double y, const char *s,
                 const NbTextStyle *t);
    /* clip what follows to a rectangle until unclip */
    void (*clip)(void *ctx, double x, double y, double w, double h);
    void (*unclip)(void *ctx);
    /* group markers for the SVG backend (ignored elsewhere): a named
     * group of related drawing (a layer), so the bytes read well */
    void (*group)(void *ctx, const char *name);
    void (*end_group)(void *ctx);
    void (*end)(void *ctx);
    /* optional (NULL: no animation; only SVG has one): a dot of radius r
     * that moves through the n points in turn, a step a beat, and rests
     * at the last; what was drawn before it is the still frame */
    void (*animate_dot)(void *ctx, size_t n, const double *x,
                        const double *y, double r, NbColor fill,
                        const NbStroke *edge);
};

/* Draw figure f on canvas c (render.c). */
void nb_render_figure(const NbFigure *f, const NbCanvas *c);

/* Text metrics, the same for every backend so that layout does not depend
 * on the output (font.c: DejaVu Sans advance widths). */
double nb_text_width(const char *utf8, double size, int bold);
double nb_text_ascent(double size);    /* above the baseline */
double nb_text_descent(double size);   /* below the baseline, positive */

#endif
