/* backend.h — the output backends' private calls (font.c, svg.c, cairo.c,
 * output.c), for the plot module and its tests.
 *
 * Each backend can draw any sequence of canvas calls, not only a figure:
 * draw(arg, c) is called once with the backend's canvas and must start
 * with c->begin. nb_figure_write_svg and friends (plot.h) are these with
 * nb_render_figure as draw; the tests drive the primitives directly.
 */
#ifndef NABLA_PLOT_BACKEND_H
#define NABLA_PLOT_BACKEND_H

#include <stdint.h>
#include <stdio.h>
#include "canvas.h"

typedef void (*NbDrawFn)(void *arg, const NbCanvas *c);

/* One code point from UTF-8 at *s, advancing *s; 0 at the NUL. Invalid
 * sequences give U+FFFD (font.c). */
uint32_t nb_utf8_next(const char **s);

/* SVG of the drawing to out (svg.c). 0, or -1 on a write error. */
int nb_canvas_write_svg(NbDrawFn draw, void *arg, FILE *out);

/* PNG bytes of the drawing, scale device pixels per CSS pixel (cairo.c);
 * malloc'd, *len set; NULL on failure (memory, size, cairo). */
unsigned char *nb_canvas_png(NbDrawFn draw, void *arg, double scale,
                             size_t *len);
/* Premultiplied ARGB32 pixels, row stride *w; malloc'd, NULL on failure. */
uint32_t *nb_canvas_raster(NbDrawFn draw, void *arg, double scale, int *w,
                           int *h);
/* PDF of the drawing to out, 1 CSS pixel = 0.75 pt. 0, or -1 (also when
 * cairo was built without PDF). */
int nb_canvas_write_pdf(NbDrawFn draw, void *arg, FILE *out);

/* Write the drawing to path in the format its extension names, through a
 * temporary file renamed over path (output.c). 0, or -1 with d set. */
int nb_canvas_write_file(NbDrawFn draw, void *arg, const char *path,
                         NbDiag *d);

#endif
