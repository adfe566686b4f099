/* termimg.h — pictures as terminal image escapes (termimg.c): a PNG in the
 * kitty graphics protocol or as an iTerm2 inline file, pixels as sixel.
 * Each writes the escape sequence and then a newline, so the prompt comes
 * back under the picture. All return 0, or -1 on memory or a write error.
 */
#ifndef NABLA_PLOT_TERMIMG_H
#define NABLA_PLOT_TERMIMG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "nabla/plot.h"

/* Base64 payload bytes per kitty escape (the protocol's limit). */
#define NB_KITTY_CHUNK 4096

/* kitty: ESC _ G f=100,a=T,c=cols,r=rows,m=1 ; <base64> ESC \ chunks (the
 * keys on the first only), the last with m=0; the image scaled into cols x
 * rows cells (0: its own size). */
int nb_termimg_kitty(FILE *out, const unsigned char *png, size_t len,
                     int cols, int rows);

/* iTerm2 (also WezTerm): ESC ] 1337;File=inline=1;size=N;width=Wpx;
 * height=Hpx;preserveAspectRatio=1:<base64> BEL. */
int nb_termimg_iterm2(FILE *out, const unsigned char *png, size_t len,
                      int wpx, int hpx);

/* Sixel (libsixel, 256 colours) of premultiplied ARGB32 pixels, row stride
 * w, composited over white. 1, nothing written, when built without
 * libsixel. */
int nb_termimg_sixel(FILE *out, const uint32_t *argb, int w, int h);

/* The figure as sixel at scale device pixels per CSS pixel (through
 * nb_figure_raster). 1, nothing written, when there are no pixels (no
 * cairo) or no libsixel. */
int nb_figure_write_sixel(const NbFigure *f, double scale, FILE *out);

/* Standard base64 (RFC 4648, padded) of len bytes into dst, which holds
 * 4 * ((len + 2) / 3) + 1 bytes; returns the length written. */
size_t nb_base64(const unsigned char *src, size_t len, char *dst);

#endif
