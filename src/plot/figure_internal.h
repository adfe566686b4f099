/* figure_internal.h — the figure model's data, for the plot module's own
 * files (figure.c builds it, render.c reads it). Outside src/plot the
 * model is opaque (nabla/plot.h). */
#ifndef NABLA_PLOT_FIGURE_INTERNAL_H
#define NABLA_PLOT_FIGURE_INTERNAL_H

#include "nabla/plot.h"

typedef enum NbLayerKind {
    NB_LAYER_LINE, NB_LAYER_MARKERS, NB_LAYER_CONTOUR, NB_LAYER_ARROWS,
    NB_LAYER_TEXT, NB_LAYER_SURFACE
} NbLayerKind;

typedef struct NbLayer {
    NbLayerKind kind;
    char *label;               /* legend entry (owned), or NULL */
    size_t n;                  /* points, arrows */
    double *x, *y, *dx, *dy;   /* owned */
    NbLineStyle line;          /* LINE (label field unused: see label) */
    int animated;              /* LINE: a dot moves along it (SVG only) */
    NbMarkerStyle mark;        /* MARKERS */
    NbArrowStyle arrow;        /* ARROWS */
    /* CONTOUR, SURFACE: the grid */
    size_t nx, ny;
    double x0, x1, y0, y1;
    double *z;                 /* nx * ny, owned */
    size_t nlev;
    double *levels;            /* owned */
    NbContourStyle contour;
    int beyond;                /* CONTOUR: values below the first level or
                                  above the last: the outer regions get
                                  colours of their own */
    NbColormap cmap;           /* SURFACE */
    /* TEXT */
    char *text;
    NbColor text_color;
    double text_size;
    int halign;
} NbLayer;

typedef struct NbPanel {
    NbPanelKind kind;
    char *title, *xlabel, *ylabel, *zlabel;
    double xlo, xhi, ylo, yhi;  /* NaN: automatic */
    int logx, logy, equal, grid, legend;  /* legend: -1 auto */
    double elev, azim;
    size_t nlayers, cap;
    NbLayer *layers;
} NbPanel;

struct NbFigure {
    int rows, cols;
    double w, h;
    char *title;
    NbPanel panels[NB_PLOT_MAX_PANELS];
};

#endif
