/* surface.h — the geometry of a 3-D surface panel, for render.c.
 *
 * The data box [lo, hi] (x, y, z) is mapped to a normalised box centred
 * at 0 with half-extents 1, 1, 3/4 (mplot3d's default box aspect 4:4:3)
 * and looked at from elevation elev and azimuth azim (degrees, matplotlib's
 * convention: the viewer sits in direction (cos elev cos azim,
 * cos elev sin azim, sin elev); the default -60, 30 puts x increasing to
 * the right towards the viewer and y increasing to the right away from
 * it). The projection is orthographic, scaled so that the box's eight
 * projected corners just fit the target rectangle, centred in it. Pixels:
 * origin top left, y down, as on a canvas.
 *
 * Use: nb_surf_view() once per panel; nb_surface_quads() for the surface
 * (painted in the order given: far to near); nb_surf_frame() for the panes
 * behind the surface and the edges carrying ticks; nb_surf_project() for
 * any data point (tick positions along an axis edge, markers).
 */
#ifndef NABLA_PLOT_SURFACE_H
#define NABLA_PLOT_SURFACE_H

#include <stddef.h>

typedef struct NbSurfView {
    double lo[3], hi[3];      /* the data box */
    double half[3];           /* normalised half-extents: 1, 1, 0.75 */
    double r[3], u[3], e[3];  /* unit screen right, screen up, to the viewer */
    double scale, cx, cy;     /* pixels per normalised unit; pixel origin */
} NbSurfView;

/* Set up a view of the data box lo..hi (an empty range, lo == hi, maps
 * to the box's middle) fitted to the pixel rectangle (bx, by, bw, bh).
 * 0, or -1 on a non-finite argument or an empty rectangle. */
int nb_surf_view(NbSurfView *v, double elev, double azim, const double lo[3],
                 const double hi[3], double bx, double by, double bw,
                 double bh);

/* The pixel position of data point p, and its depth along the line of
 * sight in normalised units (larger: farther from the viewer). */
void nb_surf_project(const NbSurfView *v, const double p[3], double *px,
                     double *py, double *depth);

/* One grid cell of the surface, projected. */
typedef struct NbSurfQuad {
    double px[4], py[4];      /* corners (i,j), (i+1,j), (i+1,j+1), (i,j+1) */
    double z;                 /* mean data z of the corners (for the colormap) */
    double depth;             /* mean depth of the corners */
    size_t cell;              /* j * (nx - 1) + i */
} NbSurfQuad;

/* The surface z[j*nx + i] over x = x0 + i (x1-x0)/(nx-1), y likewise, as
 * quads sorted far to near (painter's algorithm: decreasing depth, ties by
 * cell); a cell with a non-finite corner is left out. On success *out
 * (malloc'd, caller frees; NULL when *n is 0) holds *n quads. 0, or -1
 * when memory ran out or nx, ny < 2. */
int nb_surface_quads(const NbSurfView *v, size_t nx, size_t ny, double x0,
                     double x1, double y0, double y1, const double *z,
                     NbSurfQuad **out, size_t *n);

/* The box's frame. Corner c is the box corner with x at hi when bit 0 of c
 * is set (else lo), y at hi when bit 1, z at hi when bit 2. */
typedef struct NbSurfFrame {
    double corner[8][2];      /* projected corners, pixels */
    int pane_side[3];         /* per axis a: the back face a = lo (0) or hi (1) */
    int pane[3][4];           /* its corners in order around it */
    int edge[3][2];           /* per axis a: the corners of the edge carrying
                               * its ticks (from lo to hi along the axis) */
    double out[3][2];         /* per axis: unit pixel direction away from the
                               * box at that edge (ticks, labels go there) */
} NbSurfFrame;

/* The back panes (the three faces farther from the viewer than their
 * opposites, drawn before the surface) and the tick edges, as mplot3d
 * places them: x and y along the bottom edges (top when looking from
 * below) on the viewer's side, z on the silhouette edge at the left. */
void nb_surf_frame(const NbSurfView *v, NbSurfFrame *fr);

#endif
