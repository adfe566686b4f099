/* figure.c — the figure model: panels and their layers, as data.
 *
 * Every setter copies what it is given, so a caller's arrays and strings
 * can go as soon as the call returns. Nothing here knows about drawing:
 * layout and painting are render.c's, output the backends'.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "figure_internal.h"

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Replace *slot by a copy of s; 0, or -1 out of memory (slot unchanged). */
static int set_str(char **slot, const char *s)
{
    char *d = dup_str(s);
    if (s && !d)
        return -1;
    free(*slot);
    *slot = d;
    return 0;
}

static double *dup_doubles(const double *v, size_t n)
{
    if (!v || n == 0)
        return NULL;
    double *d = malloc(n * sizeof *d);
    if (d)
        memcpy(d, v, n * sizeof *d);
    return d;
}

static void panel_init(NbPanel *p)
{
    memset(p, 0, sizeof *p);
    p->kind = NB_PANEL_2D;
    p->xlo = p->xhi = p->ylo = p->yhi = NAN;
    p->grid = 1;
    p->legend = -1;
    p->elev = 30;
    p->azim = -60;
}

static void layer_clear(NbLayer *l)
{
    free(l->label);
    free(l->x);
    free(l->y);
    free(l->dx);
    free(l->dy);
    free(l->z);
    free(l->levels);
    free(l->text);
    memset(l, 0, sizeof *l);
}

static void panel_clear(NbPanel *p)
{
    for (size_t i = 0; i < p->nlayers; i++)
        layer_clear(&p->layers[i]);
    free(p->layers);
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    free(p->zlabel);
    panel_init(p);
}

/* The default size: 640 x 480 for one panel, about 430 x 340 a panel in a
 * grid (matplotlib's subplots at figsize (5 cols, 4 rows) inches, a bit
 * tighter), within the size limits. */
static void default_size(int rows, int cols, double *w, double *h)
{
    if (rows == 1 && cols == 1) {
        *w = 640;
        *h = 480;
        return;
    }
    *w = fmin(NB_PLOT_MAX_SIZE, 430.0 * cols);
    *h = fmin(NB_PLOT_MAX_SIZE, 340.0 * rows + 30);
}

static int size_ok(double v)
{
    return v >= NB_PLOT_MIN_SIZE && v <= NB_PLOT_MAX_SIZE;
}

NbFigure *nb_figure_new(int rows, int cols, double w, double h)
{
    if (rows < 1 || cols < 1 || rows * cols > NB_PLOT_MAX_PANELS)
        return NULL;
    double dw, dh;
    default_size(rows, cols, &dw, &dh);
    if (w == 0)
        w = dw;
    if (h == 0)
        h = dh;
    if (!size_ok(w) || !size_ok(h))
        return NULL;
    NbFigure *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->rows = rows;
    f->cols = cols;
    f->w = w;
    f->h = h;
    for (int i = 0; i < NB_PLOT_MAX_PANELS; i++)
        panel_init(&f->panels[i]);
    return f;
}

void nb_figure_free(NbFigure *f)
{
    if (!f)
        return;
    for (int i = 0; i < NB_PLOT_MAX_PANELS; i++)
        panel_clear(&f->panels[i]);
    free(f->title);
    free(f);
}

int nb_figure_set_title(NbFigure *f, const char *suptitle)
{
    return set_str(&f->title, suptitle);
}

int nb_figure_rows(const NbFigure *f) { return f->rows; }
int nb_figure_cols(const NbFigure *f) { return f->cols; }
double nb_figure_width(const NbFigure *f) { return f->w; }
double nb_figure_height(const NbFigure *f) { return f->h; }

int nb_figure_set_size(NbFigure *f, double w, double h)
{
    if (!size_ok(w) || !size_ok(h))
        return -1;
    f->w = w;
    f->h = h;
    return 0;
}

static NbPanel *panel(NbFigure *f, int p)
{
    if (!f || p < 0 || p >= f->rows * f->cols)
        return NULL;
    return &f->panels[p];
}

int nb_panel_set_kind(NbFigure *f, int p, NbPanelKind k)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->kind = k;
    if (k == NB_PANEL_3D)
        pa->grid = 0;
    return 0;
}

int nb_panel_set_title(NbFigure *f, int p, const char *title)
{
    NbPanel *pa = panel(f, p);
    return pa ? set_str(&pa->title, title) : -1;
}

int nb_panel_set_labels(NbFigure *f, int p, const char *xlabel,
                        const char *ylabel)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    char *x = dup_str(xlabel), *y = dup_str(ylabel);
    if ((xlabel && !x) || (ylabel && !y)) {
        free(x);
        free(y);
        return -1;
    }
    free(pa->xlabel);
    free(pa->ylabel);
    pa->xlabel = x;
    pa->ylabel = y;
    return 0;
}

int nb_panel_set_xlim(NbFigure *f, int p, double lo, double hi)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->xlo = lo;
    pa->xhi = hi;
    return 0;
}

int nb_panel_set_ylim(NbFigure *f, int p, double lo, double hi)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->ylo = lo;
    pa->yhi = hi;
    return 0;
}

int nb_panel_set_log(NbFigure *f, int p, int logx, int logy)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->logx = logx;
    pa->logy = logy;
    return 0;
}

int nb_panel_set_equal(NbFigure *f, int p, int equal)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->equal = equal;
    return 0;
}

int nb_panel_set_grid(NbFigure *f, int p, int grid)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->grid = grid;
    return 0;
}

int nb_panel_set_legend(NbFigure *f, int p, int legend)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return -1;
    pa->legend = legend;
    return 0;
}

int nb_panel_set_view(NbFigure *f, int p, double elev, double azim,
                      const char *zlabel)
{
    NbPanel *pa = panel(f, p);
    if (!pa || set_str(&pa->zlabel, zlabel))
        return -1;
    pa->elev = elev;
    pa->azim = azim;
    return 0;
}

/* A new zeroed layer of kind k at the end of panel p, or NULL. */
static NbLayer *new_layer(NbFigure *f, int p, NbLayerKind k,
                          const char *label)
{
    NbPanel *pa = panel(f, p);
    if (!pa)
        return NULL;
    if (pa->nlayers == pa->cap) {
        size_t cap = pa->cap ? 2 * pa->cap : 4;
        NbLayer *l = realloc(pa->layers, cap * sizeof *l);
        if (!l)
            return NULL;
        pa->layers = l;
        pa->cap = cap;
    }
    NbLayer *l = &pa->layers[pa->nlayers];
    memset(l, 0, sizeof *l);
    l->kind = k;
    if (label && !(l->label = dup_str(label)))
        return NULL;
    return l;
}

/* Make the layer new_layer() returned part of the panel; on failure free
 * what it holds. Returns its index or -1. */
static int commit_layer(NbFigure *f, int p, NbLayer *l, int ok)
{
    NbPanel *pa = &f->panels[p];
    if (!ok) {
        layer_clear(l);
        return -1;
    }
    return (int)pa->nlayers++;
}

/* Copy n points into l->x, l->y; 0 when they fit and memory sufficed. */
static int copy_xy(NbLayer *l, size_t n, const double *x, const double *y,
                   size_t max)
{
    if (n > max)
        return 0;
    l->n = n;
    if (n == 0)
        return 1;
    l->x = dup_doubles(x, n);
    l->y = dup_doubles(y, n);
    return l->x && l->y;
}

int nb_layer_line(NbFigure *f, int p, size_t n, const double *x,
                  const double *y, const NbLineStyle *s)
{
    NbLayer *l = new_layer(f, p, NB_LAYER_LINE, s->label);
    if (!l)
        return -1;
    l->line = *s;
    l->line.label = NULL;
    if (l->line.width == 0)
        l->line.width = 1.75;
    if (l->line.marker_size == 0)
        l->line.marker_size = 7;
    return commit_layer(f, p, l, copy_xy(l, n, x, y, NB_PLOT_MAX_POINTS));
}

int nb_panel_layers(const NbFigure *f, int p)
{
    if (!f || p < 0 || p >= f->rows * f->cols)
        return -1;
    return (int)f->panels[p].nlayers;
}

int nb_layer_set_animated(NbFigure *f, int p, int layer, int on)
{
    if (nb_panel_layers(f, p) <= layer || layer < 0 ||
        f->panels[p].layers[layer].kind != NB_LAYER_LINE)
        return -1;
    f->panels[p].layers[layer].animated = on != 0;
    return 0;
}

int nb_layer_markers(NbFigure *f, int p, size_t n, const double *x,
                     const double *y, const NbMarkerStyle *s)
{
    NbLayer *l = new_layer(f, p, NB_LAYER_MARKERS, s->label);
    if (!l)
        return -1;
    l->mark = *s;
    l->mark.label = NULL;
    if (l->mark.size == 0)
        l->mark.size = 9;
    return commit_layer(f, p, l, copy_xy(l, n, x, y, NB_PLOT_MAX_POINTS));
}

/* Copy a grid into l; 0 when it is within the limits and memory sufficed. */
static int copy_grid(NbLayer *l, size_t nx, size_t ny, double x0, double x1,
                     double y0, double y1, const double *z)
{
    if (nx < 2 || ny < 2 || nx > NB_PLOT_MAX_GRID || ny > NB_PLOT_MAX_GRID)
        return 0;
    l->nx = nx;
    l->ny = ny;
    l->x0 = x0;
    l->x1 = x1;
    l->y0 = y0;
    l->y1 = y1;
    l->z = dup_doubles(z, nx * ny);
    return l->z != NULL;
}

int nb_layer_contour(NbFigure *f, int p, size_t nx, size_t ny, double x0,
                     double x1, double y0, double y1, const double *z,
                     size_t nlev, const double *levels,
                     const NbContourStyle *s)
{
    NbLayer *l = new_layer(f, p, NB_LAYER_CONTOUR, NULL);
    if (!l)
        return -1;
    l->contour = *s;
    if (s->cbar_label && !(l->contour.cbar_label = dup_str(s->cbar_label)))
        return commit_layer(f, p, l, 0);
    /* the label is owned through l->text so layer_clear frees it */
    l->text = (char *)l->contour.cbar_label;
    if (l->contour.alpha == 0)
        l->contour.alpha = 1;
    if (l->contour.line_width == 0)
        l->contour.line_width = 0.8;
    int ok = nlev >= 1 && nlev <= NB_PLOT_MAX_LEVELS &&
             copy_grid(l, nx, ny, x0, x1, y0, y1, z);
    if (ok) {
        l->nlev = nlev;
        ok = (l->levels = dup_doubles(levels, nlev)) != NULL;
    }
    for (size_t i = 0; ok && i < nx * ny && !l->beyond; i++)
        l->beyond = z[i] < levels[0] || z[i] > levels[nlev - 1];
    return commit_layer(f, p, l, ok);
}

int nb_layer_arrows(NbFigure *f, int p, size_t n, const double *x,
                    const double *y, const double *dx, const double *dy,
                    const NbArrowStyle *s)
{
    NbLayer *l = new_layer(f, p, NB_LAYER_ARROWS, s->label);
    if (!l)
        return -1;
    l->arrow = *s;
    l->arrow.label = NULL;
    if (l->arrow.width == 0)
        l->arrow.width = 1.5;
    int ok = n >= 1 && copy_xy(l, n, x, y, NB_PLOT_MAX_ARROWS);
    if (ok) {
        l->dx = dup_doubles(dx, n);
        l->dy = dup_doubles(dy, n);
        ok = l->dx && l->dy;
    }
    return commit_layer(f, p, l, ok);
}

int nb_layer_text(NbFigure *f, int p, double x, double y, const char *text,
                  NbColor color, double size, int halign)
{
    NbLayer *l = new_layer(f, p, NB_LAYER_TEXT, NULL);
    if (!l)
        return -1;
    l->text = dup_str(text);
    l->text_color = color;
    l->text_size = size > 0 ? size : 11;
    l->halign = halign;
    int ok = l->text && copy_xy(l, 1, &x, &y, 1);
    return commit_layer(f, p, l, ok);
}

int nb_layer_surface(NbFigure *f, int p, size_t nx, size_t ny, double x0,
                     double x1, double y0, double y1, const double *z,
                     NbColormap cmap)
{
    NbLayer *l = new_layer(f, p, NB_LAYER_SURFACE, NULL);
    if (!l)
        return -1;
    l->cmap = cmap;
    return commit_layer(f, p, l, copy_grid(l, nx, ny, x0, x1, y0, y1, z));
}

/* Deep copies of a layer's arrays and strings; 0 on out of memory (dst
 * then holds only what was copied, for layer_clear). */
static int copy_layer(NbLayer *dst, const NbLayer *src)
{
    *dst = *src;
    dst->label = dup_str(src->label);
    dst->text = dup_str(src->text);
    size_t npts = src->kind == NB_LAYER_CONTOUR ||
                  src->kind == NB_LAYER_SURFACE ? 0 : src->n;
    dst->x = dup_doubles(src->x, npts);
    dst->y = dup_doubles(src->y, npts);
    dst->dx = dup_doubles(src->dx, src->dx ? src->n : 0);
    dst->dy = dup_doubles(src->dy, src->dy ? src->n : 0);
    dst->z = dup_doubles(src->z, src->z ? src->nx * src->ny : 0);
    dst->levels = dup_doubles(src->levels, src->nlev);
    if (src->kind == NB_LAYER_CONTOUR)
        dst->contour.cbar_label = dst->text;
    return (!src->label || dst->label) && (!src->text || dst->text) &&
           (!src->x || dst->x) && (!src->y || dst->y) &&
           (!src->dx || dst->dx) && (!src->dy || dst->dy) &&
           (!src->z || dst->z) && (!src->levels || dst->levels);
}

int nb_figure_copy_panel(NbFigure *dst, int q, const NbFigure *src, int p)
{
    NbPanel *d = panel(dst, q);
    const NbPanel *s = panel((NbFigure *)src, p);
    if (!d || !s)
        return -1;
    NbPanel tmp = *s;
    tmp.layers = NULL;
    tmp.nlayers = tmp.cap = 0;
    tmp.title = dup_str(s->title);
    tmp.xlabel = dup_str(s->xlabel);
    tmp.ylabel = dup_str(s->ylabel);
    tmp.zlabel = dup_str(s->zlabel);
    int ok = (!s->title || tmp.title) && (!s->xlabel || tmp.xlabel) &&
             (!s->ylabel || tmp.ylabel) && (!s->zlabel || tmp.zlabel);
    if (ok && s->nlayers) {
        tmp.layers = calloc(s->nlayers, sizeof *tmp.layers);
        ok = tmp.layers != NULL;
        for (size_t i = 0; ok && i < s->nlayers; i++) {
            ok = copy_layer(&tmp.layers[i], &s->layers[i]);
            tmp.nlayers = i + 1;
        }
        tmp.cap = s->nlayers;
    }
    if (!ok) {
        panel_clear(&tmp);
        return -1;
    }
    panel_clear(d);
    *d = tmp;
    return 0;
}

NbFigure *nb_figure_copy(const NbFigure *src, double w, double h)
{
    NbFigure *f = nb_figure_new(src->rows, src->cols, w ? w : src->w,
                                h ? h : src->h);
    if (!f)
        return NULL;
    if (src->title && nb_figure_set_title(f, src->title)) {
        nb_figure_free(f);
        return NULL;
    }
    for (int i = 0; i < src->rows * src->cols; i++)
        if (nb_figure_copy_panel(f, i, src, i)) {
            nb_figure_free(f);
            return NULL;
        }
    return f;
}
