/* raster.h — a figure as pixels, for the terminal image output (sixel,
 * kitty, iTerm) and the PDF writer; cairo.c implements them.
 */
#ifndef NABLA_PLOT_RASTER_H
#define NABLA_PLOT_RASTER_H

#include <stdint.h>
#include <stdio.h>
#include "nabla/plot.h"

/* f drawn at scale device pixels per CSS pixel: premultiplied ARGB32
 * (0xAARRGGBB in native byte order, as cairo's CAIRO_FORMAT_ARGB32), row
 * stride *w pixels, *w x *h pixels; malloc'd (caller frees). NULL when
 * memory ran out, the size exceeds NB_RASTER_MAX_PIXELS or cairo fails. */
uint32_t *nb_figure_raster(const NbFigure *f, double scale, int *w, int *h);

/* Free the font faces cairo.c loaded (once per process, lazily) and
 * cairo's static caches, for leak-free exits. Call at exit only: no
 * drawing may follow. */
void nb_plot_font_cleanup(void);

/* The PNG (8-bit RGB, composited over white) of w x h pixels of
 * premultiplied ARGB32, row stride w (png.c): malloc'd, *len set; NULL
 * when memory ran out or libpng failed. */
unsigned char *nb_png_encode(const uint32_t *argb, int w, int h, size_t *len);

/* Largest raster, in device pixels (512 MiB of ARGB32). */
#define NB_RASTER_MAX_PIXELS (1L << 27)

#endif
