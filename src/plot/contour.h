/* contour.h — marching squares on a grid, traced into connected paths.
 *
 * The grid is z[j*nx + i] (i along x, j along y, j = 0 at the bottom);
 * non-finite values are holes. Points come out in fractional grid
 * coordinates (i, j); render.c maps them to pixels (x0 + i*(x1-x0)/(nx-1),
 * ...) and hands the path to a canvas as it is: the ops are NbPathOp
 * values (NB_MOVE starts a subpath, NB_LINE draws to the point,
 * NB_LINE_CLOSE draws to the point and closes the subpath).
 *
 * A corner is "above" a level when z >= level. Saddle cells (above and
 * below corners alternating) are resolved by the average of the four
 * corners, as matplotlib does: when it is above, the above corners are
 * joined through the cell centre.
 *
 * Both tracers APPEND to out (several levels can share one path); on
 * failure (-1: out of memory) out is restored to the length it had.
 * Their scratch memory is a few bytes per grid point, freed on return.
 */
#ifndef NABLA_PLOT_CONTOUR_H
#define NABLA_PLOT_CONTOUR_H

#include <stddef.h>

typedef struct NbContourPath {
    size_t n, cap;
    double *x, *y;
    unsigned char *ops;         /* NbPathOp per point (canvas.h) */
} NbContourPath;

void nb_contour_path_free(NbContourPath *p);   /* frees, leaves it empty */
void nb_contour_path_clear(NbContourPath *p);  /* n = 0, keeps memory */

/* The iso-lines z = level: closed rings end with NB_LINE_CLOSE (the first
 * point is not repeated); open lines start and end on the grid border or
 * beside a hole. A cell with a non-finite corner has no line. */
int nb_contour_lines(const double *z, size_t nx, size_t ny, double level,
                     NbContourPath *out);

/* The region {z >= level} over the cells whose four corners are finite,
 * as closed rings (outer boundaries, holes, and the stretches along the
 * grid border and around holes), for an even-odd fill. Painting the
 * regions of increasing levels one over the other gives filled contours;
 * level = -INFINITY gives the whole valid domain (the background). Rings
 * run counter-clockwise around the region in (i, j) coordinates. */
int nb_contour_region(const double *z, size_t nx, size_t ny, double level,
                      NbContourPath *out);

/* The smallest positive finite value among n, or NaN when there is none:
 * what nb_plot_levels wants as lo for log levels over a grid with zeros
 * or negative values. */
double nb_contour_positive_min(const double *z, size_t n);

#endif
