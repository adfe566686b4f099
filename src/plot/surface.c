/* surface.c — orthographic projection of a surface's box and quads
 * (surface.h). */
#include "surface.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define DEG (3.14159265358979323846 / 180)

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Data point -> normalised box coordinates. */
static void normalise(const NbSurfView *v, const double p[3], double q[3])
{
    for (int a = 0; a < 3; a++) {
        double d = v->hi[a] - v->lo[a];
        q[a] = d != 0 ? ((p[a] - v->lo[a]) / d * 2 - 1) * v->half[a] : 0;
    }
}

/* Box corner c (bits: x, y, z at hi) in normalised coordinates. */
static void corner_n(const NbSurfView *v, int c, double q[3])
{
    for (int a = 0; a < 3; a++)
        q[a] = (c >> a & 1) ? v->half[a] : -v->half[a];
}

/* The view: e towards the viewer, r = (-sin azim, cos azim, 0) the screen's
 * right (horizontal), u = e x r its up; then the scale and origin that fit
 * the projected box corners to the rectangle. */
int nb_surf_view(NbSurfView *v, double elev, double azim, const double lo[3],
                 const double hi[3], double bx, double by, double bw,
                 double bh)
{
    if (!isfinite(elev) || !isfinite(azim) || !isfinite(bx)
        || !isfinite(by) || !(bw > 0) || !(bh > 0) || !isfinite(bw)
        || !isfinite(bh))
        return -1;
    for (int a = 0; a < 3; a++) {
        if (!isfinite(lo[a]) || !isfinite(hi[a]))
            return -1;
        v->lo[a] = lo[a];
        v->hi[a] = hi[a];
        v->half[a] = a == 2 ? 0.75 : 1;
    }
    double ce = cos(elev * DEG), se = sin(elev * DEG);
    double ca = cos(azim * DEG), sa = sin(azim * DEG);
    v->e[0] = ce * ca;  v->e[1] = ce * sa;  v->e[2] = se;
    v->r[0] = -sa;      v->r[1] = ca;       v->r[2] = 0;
    v->u[0] = -se * ca; v->u[1] = -se * sa; v->u[2] = ce;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int c = 0; c < 8; c++) {
        double q[3];
        corner_n(v, c, q);
        double sx = dot3(v->r, q), sy = dot3(v->u, q);
        x0 = fmin(x0, sx); x1 = fmax(x1, sx);
        y0 = fmin(y0, sy); y1 = fmax(y1, sy);
    }
    v->scale = fmin(bw / (x1 - x0), bh / (y1 - y0));
    v->cx = bx + bw / 2 - v->scale * (x0 + x1) / 2;
    v->cy = by + bh / 2 + v->scale * (y0 + y1) / 2;
    return 0;
}

static void project_n(const NbSurfView *v, const double q[3], double *px,
                      double *py, double *depth)
{
    *px = v->cx + v->scale * dot3(v->r, q);
    *py = v->cy - v->scale * dot3(v->u, q);
    if (depth)
        *depth = -dot3(v->e, q);
}

void nb_surf_project(const NbSurfView *v, const double p[3], double *px,
                     double *py, double *depth)
{
    double q[3];
    normalise(v, p, q);
    project_n(v, q, px, py, depth);
}

/* Far to near; equal depths by cell, so the order is deterministic. */
static int by_depth(const void *pa, const void *pb)
{
    const NbSurfQuad *a = pa, *b = pb;
    if (a->depth != b->depth)
        return a->depth > b->depth ? -1 : 1;
    return a->cell < b->cell ? -1 : a->cell > b->cell;
}

/* Project every cell with four finite corners, then sort (painter's
 * algorithm on the cells' mean depth, as mplot3d's plot_surface does). */
int nb_surface_quads(const NbSurfView *v, size_t nx, size_t ny, double x0,
                     double x1, double y0, double y1, const double *z,
                     NbSurfQuad **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (nx < 2 || ny < 2 || nx - 1 > SIZE_MAX / sizeof(NbSurfQuad) / (ny - 1))
        return -1;
    NbSurfQuad *q = malloc((nx - 1) * (ny - 1) * sizeof *q);
    if (!q)
        return -1;
    static const int di[4] = { 0, 1, 1, 0 }, dj[4] = { 0, 0, 1, 1 };
    double hx = (x1 - x0) / (double)(nx - 1), hy = (y1 - y0) / (double)(ny - 1);
    size_t m = 0;
    for (size_t j = 0; j + 1 < ny; j++)
        for (size_t i = 0; i + 1 < nx; i++) {
            NbSurfQuad *t = q + m;
            double zs = 0, ds = 0;
            int ok = 1;
            for (int c = 0; c < 4 && ok; c++) {
                size_t ii = i + (size_t)di[c], jj = j + (size_t)dj[c];
                double p[3] = { x0 + (double)ii * hx, y0 + (double)jj * hy,
                                z[jj * nx + ii] }, d;
                ok = isfinite(p[2]);
                nb_surf_project(v, p, &t->px[c], &t->py[c], &d);
                zs += 0.25 * p[2];
                ds += 0.25 * d;
            }
            if (!ok)
                continue;
            t->z = zs;
            t->depth = ds;
            t->cell = j * (nx - 1) + i;
            m++;
        }
    if (m == 0) {
        free(q);
        return 0;
    }
    qsort(q, m, sizeof *q, by_depth);
    *out = q;
    *n = m;
    return 0;
}

/* For axis a, the side (0 lo, 1 hi) of the coordinate b nearer the
 * viewer. */
static int near_side(const NbSurfView *v, int b)
{
    return v->e[b] > 0;
}

/* The box centre's pixel position. */
static void centre_px(const NbSurfView *v, double *px, double *py)
{
    double q[3] = { 0, 0, 0 };
    project_n(v, q, px, py, NULL);
}

void nb_surf_frame(const NbSurfView *v, NbSurfFrame *fr)
{
    for (int c = 0; c < 8; c++) {
        double q[3];
        corner_n(v, c, q);
        project_n(v, q, &fr->corner[c][0], &fr->corner[c][1], NULL);
    }
    /* back panes: the face on the far side of each axis */
    for (int a = 0; a < 3; a++) {
        int side = !near_side(v, a), b = (a + 1) % 3, c = (a + 2) % 3;
        fr->pane_side[a] = side;
        int base = side << a;
        fr->pane[a][0] = base;
        fr->pane[a][1] = base | 1 << b;
        fr->pane[a][2] = base | 1 << b | 1 << c;
        fr->pane[a][3] = base | 1 << c;
    }
    /* x, y: the bottom edge (as seen) on the viewer's side */
    int zb = v->e[2] >= 0 ? 0 : 4;
    fr->edge[0][0] = zb | near_side(v, 1) << 1;
    fr->edge[0][1] = fr->edge[0][0] | 1;
    fr->edge[1][0] = zb | near_side(v, 0);
    fr->edge[1][1] = fr->edge[1][0] | 2;
    /* z: of the two silhouette corners (near in one of x, y and far in
     * the other), the one further left */
    int s1 = near_side(v, 0) | (!near_side(v, 1)) << 1;
    int s2 = (!near_side(v, 0)) | near_side(v, 1) << 1;
    int zc = fr->corner[s1][0] <= fr->corner[s2][0] ? s1 : s2;
    fr->edge[2][0] = zc;
    fr->edge[2][1] = zc | 4;
    double cx, cy;
    centre_px(v, &cx, &cy);
    for (int a = 0; a < 3; a++) {
        const double *p = fr->corner[fr->edge[a][0]];
        const double *q = fr->corner[fr->edge[a][1]];
        double dx = (p[0] + q[0]) / 2 - cx, dy = (p[1] + q[1]) / 2 - cy;
        double len = hypot(dx, dy);
        fr->out[a][0] = len > 0 ? dx / len : 0;
        fr->out[a][1] = len > 0 ? dy / len : 1;
    }
}
