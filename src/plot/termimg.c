/* termimg.c — terminal image protocols: kitty graphics, iTerm2 inline
 * images and sixel.
 *
 * kitty and iTerm2 take the PNG bytes as base64; kitty in escapes of at
 * most 4096 payload bytes (https://sw.kovidgoyal.net/kitty/graphics-protocol/:
 * "a=T" transmit and display, "f=100" PNG, "m=1" more chunks follow, keys
 * only on the first chunk, c/r the cells to fill). Sixel needs pixels:
 * libsixel builds a 256-colour palette (median cut) and encodes; the
 * alpha is composited over white first, as the other outputs show it.
 */
#include "termimg.h"

#include <stdlib.h>
#include <string.h>

#include "raster.h"

#ifdef HAVE_LIBSIXEL
#include <sixel.h>
#endif

size_t nb_base64(const unsigned char *src, size_t len, char *dst)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)src[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)src[i + 1] << 8;
        if (i + 2 < len)
            v |= src[i + 2];
        dst[k++] = tab[v >> 18 & 63];
        dst[k++] = tab[v >> 12 & 63];
        dst[k++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        dst[k++] = i + 2 < len ? tab[v & 63] : '=';
    }
    dst[k] = '\0';
    return k;
}

static char *base64_of(const unsigned char *png, size_t len, size_t *n)
{
    if (len > (((size_t)-1) / 4 - 4) / 4 * 3)
        return NULL;
    char *b = malloc(4 * ((len + 2) / 3) + 1);
    if (b)
        *n = nb_base64(png, len, b);
    return b;
}

/* Chunks of NB_KITTY_CHUNK base64 bytes (a multiple of 4, so each chunk
 * decodes on its own, as the protocol asks). */
int nb_termimg_kitty(FILE *out, const unsigned char *png, size_t len,
                     int cols, int rows)
{
    size_t n = 0;
    char *b = base64_of(png, len, &n);
    if (!b)
        return -1;
    for (size_t at = 0; at < n || at == 0; at += NB_KITTY_CHUNK) {
        size_t k = n - at < NB_KITTY_CHUNK ? n - at : NB_KITTY_CHUNK;
        int more = at + k < n;
        fputs("\033_G", out);
        if (at == 0) {
            fputs("f=100,a=T,q=2", out);
            if (cols > 0 && rows > 0)
                fprintf(out, ",c=%d,r=%d", cols, rows);
            fputc(',', out);
        }
        fprintf(out, "m=%d;", more);
        fwrite(b + at, 1, k, out);
        fputs("\033\\", out);
        if (!more)
            break;
    }
    fputc('\n', out);
    free(b);
    return ferror(out) ? -1 : 0;
}

int nb_termimg_iterm2(FILE *out, const unsigned char *png, size_t len,
                      int wpx, int hpx)
{
    size_t n = 0;
    char *b = base64_of(png, len, &n);
    if (!b)
        return -1;
    fprintf(out, "\033]1337;File=inline=1;size=%zu;width=%dpx;height=%dpx;"
            "preserveAspectRatio=1:", len, wpx, hpx);
    fwrite(b, 1, n, out);
    fputs("\a\n", out);
    free(b);
    return ferror(out) ? -1 : 0;
}

#ifdef HAVE_LIBSIXEL
static int sixel_write(char *data, int size, void *priv)
{
    return (int)fwrite(data, 1, (size_t)size, priv);
}

/* Premultiplied ARGB32 over white to RGB888: c + (255 - a). */
static unsigned char *to_rgb(const uint32_t *argb, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    unsigned char *rgb = malloc(n * 3);
    if (!rgb)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = argb[i], a = p >> 24;
        rgb[3 * i] = (unsigned char)((p >> 16 & 255) + 255 - a);
        rgb[3 * i + 1] = (unsigned char)((p >> 8 & 255) + 255 - a);
        rgb[3 * i + 2] = (unsigned char)((p & 255) + 255 - a);
    }
    return rgb;
}

int nb_termimg_sixel(FILE *out, const uint32_t *argb, int w, int h)
{
    sixel_output_t *o = NULL;
    sixel_dither_t *d = NULL;
    unsigned char *rgb = w > 0 && h > 0 ? to_rgb(argb, w, h) : NULL;
    int rc = -1;
    if (rgb && !SIXEL_FAILED(sixel_output_new(&o, sixel_write, out, NULL)) &&
        !SIXEL_FAILED(sixel_dither_new(&d, 256, NULL)) &&
        !SIXEL_FAILED(sixel_dither_initialize(d, rgb, w, h,
                          SIXEL_PIXELFORMAT_RGB888, SIXEL_LARGE_AUTO,
                          SIXEL_REP_AUTO, SIXEL_QUALITY_AUTO)) &&
        !SIXEL_FAILED(sixel_encode(rgb, w, h, 8, d, o)))
        rc = 0;
    if (d)
        sixel_dither_unref(d);
    if (o)
        sixel_output_unref(o);
    free(rgb);
    fputc('\n', out);
    return rc || ferror(out) ? -1 : 0;
}
#else
int nb_termimg_sixel(FILE *out, const uint32_t *argb, int w, int h)
{
    (void)out;
    (void)argb;
    (void)w;
    (void)h;
    return 1;
}
#endif

int nb_figure_write_sixel(const NbFigure *f, double scale, FILE *out)
{
    int w = 0, h = 0;
    uint32_t *px = nb_figure_raster(f, scale, &w, &h);
    if (!px)
        return 1;
    int rc = nb_termimg_sixel(out, px, w, h);
    free(px);
    return rc;
}
