/* colormap.c — colours: the two colormaps (matplotlib's Blues and viridis,
 * interpolated between anchor colours), the line colour cycle (tab10) and
 * colour names.
 *
 * Both colormaps are perceptually ordered: their luminance rises
 * monotonically from t = 0 to t = 1 (viridis) or falls (Blues, light to
 * dark), so a figure stays readable printed in grey.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include "nabla/plot.h"

/* Anchors sampled from matplotlib 3.6 at equal steps of t:
 * Blues at i/8 (ColorBrewer's nine), viridis at i/15. */
static const unsigned blues[] = {
    0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9dcae1, 0x6aaed6, 0x4191c6, 0x2070b4,
    0x08509b, 0x08306b
};
static const unsigned viridis[] = {
    0x440154, 0x481a6c, 0x472f7d, 0x414487, 0x39568c, 0x31688e, 0x2a788e,
    0x23888e, 0x1f988b, 0x22a884, 0x35b779, 0x54c568, 0x7ad151, 0xa5db36,
    0xd2e21b, 0xfde725
};

static NbColor rgb(unsigned hex)
{
    NbColor c = { ((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0,
                  (hex & 255) / 255.0, 1.0 };
    return c;
}

/* Linear interpolation in sRGB between the two anchors around t (what
 * matplotlib's LinearSegmentedColormap does with its 256-entry table). */
NbColor nb_colormap(NbColormap m, double t)
{
    const unsigned *tab = m == NB_CMAP_VIRIDIS ? viridis : blues;
    size_t n = m == NB_CMAP_VIRIDIS ? sizeof viridis / sizeof *viridis
                                    : sizeof blues / sizeof *blues;
    if (isnan(t)) {
        NbColor grey = { 0.5, 0.5, 0.5, 1.0 };
        return grey;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double u = t * (double)(n - 1);
    size_t i = (size_t)floor(u);
    if (i >= n - 1)
        return rgb(tab[n - 1]);
    double f = u - (double)i;
    NbColor a = rgb(tab[i]), b = rgb(tab[i + 1]);
    NbColor c = { a.r + f * (b.r - a.r), a.g + f * (b.g - a.g),
                  a.b + f * (b.b - a.b), 1.0 };
    return c;
}

static const unsigned tab10[] = {
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
    0x7f7f7f, 0xbcbd22, 0x17becf
};

NbColor nb_color_cycle(size_t i)
{
    return rgb(tab10[i % 10]);
}

static const struct { const char *name; unsigned hex; } names[] = {
    { "red", 0xff0000 }, { "green", 0x008000 }, { "blue", 0x0000ff },
    { "black", 0x000000 }, { "white", 0xffffff }, { "gray", 0x808080 },
    { "grey", 0x808080 }, { "orange", 0xffa500 }, { "purple", 0x800080 },
    { "yellow", 0xffff00 }, { "cyan", 0x00ffff }, { "magenta", 0xff00ff },
    { "brown", 0xa52a2a }, { "pink", 0xffc0cb }
};

static int hexdigit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* "#rgb" or "#rrggbb" -> 0xrrggbb, or -1. */
static long parse_hex(const char *s)
{
    size_t n = strlen(s);
    if (n != 3 && n != 6)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = hexdigit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = n == 3 ? v * 256 + d * 17 : v * 16 + d;
    }
    return v;
}

/* Names as CSS spells them (matplotlib agrees on these), "C0".."C9" for
 * the cycle, "#rgb" and "#rrggbb"; case-insensitive names. */
int nb_color_parse(const char *name, NbColor *out)
{
    if (!name)
        return -1;
    if (name[0] == '#') {
        long v = parse_hex(name + 1);
        if (v < 0)
            return -1;
        *out = rgb((unsigned)v);
        return 0;
    }
    if ((name[0] == 'C' || name[0] == 'c') && isdigit((unsigned char)name[1])
        && name[2] == '\0') {
        *out = nb_color_cycle((size_t)(name[1] - '0'));
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = rgb(names[i].hex);
            return 0;
        }
    return -1;
}
