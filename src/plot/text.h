/* text.h — the terminal text canvas (text.c), for the plot module and its
 * tests: an NbCanvas over cols x rows character cells, each cell 2 x 4
 * braille sub-pixels, written out as braille with 24-bit colour escapes or
 * as plain monochrome braille. nb_figure_write_text (plot.h) is the public
 * way in; these calls let a test drive the primitives directly.
 */
#ifndef NABLA_PLOT_TEXT_H
#define NABLA_PLOT_TEXT_H

#include <stdio.h>
#include "canvas.h"

/* CSS pixels per character cell: a figure drawn as text is laid out at
 * cols * NB_TEXT_CELL_W x rows * NB_TEXT_CELL_H pixels, so one sub-pixel
 * is 4 x 4 CSS pixels. */
#define NB_TEXT_CELL_W 8
#define NB_TEXT_CELL_H 16
/* A figure (nb_figure_write_text) is laid out at 7 x 14 CSS pixels a
 * cell: a character of its 11-12 pixel text (DejaVu's digits are 0.64 em)
 * is about 7 pixels wide, so a label laid out in pixels takes the cells
 * it is given, and the legend's box holds its labels. */
#define NB_TEXT_FIG_CELL_W 7
#define NB_TEXT_FIG_CELL_H 14

typedef struct NbTextCanvas NbTextCanvas;

/* A blank (white) canvas of cols x rows cells; color 0: monochrome.
 * NULL when memory ran out or a size is below 1. */
NbTextCanvas *nb_text_canvas_new(int cols, int rows, int color);
/* The drawing primitives over tc (c->ctx = tc). */
void nb_text_canvas_bind(NbTextCanvas *tc, NbCanvas *c);
/* Write the cells, one line per row, each ending in a newline (after a
 * colour reset when in colour). 0, or -1 on memory or a write error. */
int nb_text_canvas_emit(const NbTextCanvas *tc, FILE *out);
void nb_text_canvas_free(NbTextCanvas *tc);

#endif
