/* plot_descent.c — the picture of descend(..., to=) (SPEC §6): each run's
 * path over its function (filled contours for two variables, the curve
 * for one), one panel per run side by side, or with curve=true the
 * learning curves of every run in one panel (f versus step, log y).
 *
 * Every panel of a comparison covers the same box, chosen from the paths
 * (points that ran away, as a diverging rate's do, are left out of it),
 * so the runs compare at a glance.
 */
#include "nabla/command.h"
#include "nabla/compile.h"
#include "nabla/plot.h"
#include "nabla/print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_GRID 160            /* contour grid behind a path */
#define PATH_LEVELS 20
#define PATH_LOG_LEVELS 30       /* log spacing: 1, 2, 5 in each decade */

/* The bounding box of the finite path points of every run in dimension j,
 * skipping points that ran 1000 times farther than the start is from 0. */
static void path_extent(const NbDescentPic *p, size_t j, double *lo,
                        double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t r = 0; r < p->nruns; r++) {
        const NbDescentResult *res = p->runs[r];
        double lim = 1e3 * (1 + fabs(res->pt_x[j]));
        for (size_t i = 0; i < res->npts; i++) {
            double v = res->pt_x[i * res->n + j];
            if (isfinite(v) && fabs(v) <= lim) {
                *lo = fmin(*lo, v);
                *hi = fmax(*hi, v);
            }
        }
    }
}

/* The box of a dimension: the given range, else the paths' extent widened
 * by a quarter on each side (at least 1 in all), so the start is not on
 * the edge and the contours around the end show. */
static void box_of(const NbDescentPic *p, size_t j, double *lo, double *hi)
{
    if (p->range[j][0] < p->range[j][1]) {
        *lo = p->range[j][0];
        *hi = p->range[j][1];
        return;
    }
    path_extent(p, j, lo, hi);
    double w = *hi - *lo, c = (*hi + *lo) / 2;
    if (!(w > 0))
        w = 1;
    w = fmax(w * 1.5, 1);
    *lo = c - w / 2;
    *hi = c + w / 2;
}

static char *panel_title(const NbDescentPic *p, size_t r)
{
    const NbDescentResult *res = p->runs[r];
    double f = res->pt_f[res->npts - 1];
    char *t = NULL;
    const char *label = p->labels && p->labels[r] ? p->labels[r] : NULL;
    if (asprintf(&t, "%s%sf = %.4g after %ld step%s (%s)", label ? label : "",
                 label ? ": " : "", f, res->steps, res->steps == 1 ? "" : "s",
                 nb_verdict_name(res->verdict)) < 0)
        return NULL;
    return t;
}

/* f over a grid of the box, and its levels (log spaced when asked). */
static int contour_panel(NbFigure *f, int panel, const NbProgram *prog,
                         const double box[4], int log, int colorbar,
                         const char *cbar)
{
    enum { N = PATH_GRID };
    double *xs = malloc(N * N * sizeof *xs), *ys = malloc(N * N * sizeof *ys);
    double *z = malloc(N * N * sizeof *z);
    int rc = xs && ys && z ? 0 : -1;
    for (size_t j = 0; rc == 0 && j < N; j++)
        for (size_t i = 0; i < N; i++) {
            xs[j * N + i] = box[0] + (box[1] - box[0]) * (double)i / (N - 1);
            ys[j * N + i] = box[2] + (box[3] - box[2]) * (double)j / (N - 1);
        }
    if (rc == 0) {
        const double *in[2] = {xs, ys};
        double *out[1] = {z};
        nb_run_block(prog, N * N, in, out);
        double lo = INFINITY, hi = -INFINITY, lev[NB_PLOT_MAX_LEVELS];
        for (size_t i = 0; i < N * N; i++)
            if (isfinite(z[i]) && (!log || z[i] > 0)) {
                lo = fmin(lo, z[i]);
                hi = fmax(hi, z[i]);
            }
        if (!(lo < hi))
            hi = lo + 1;
        size_t nlev = isfinite(lo) ? nb_plot_levels(lo, hi, log ? PATH_LOG_LEVELS
                                                    : PATH_LEVELS, log,
                                                    lev, NB_PLOT_MAX_LEVELS)
                                   : 0;
        NbContourStyle cs = {1, NB_CMAP_BLUES, 0, {0, 0, 0, 0}, 0, 0,
                             colorbar, log, cbar};
        if (nlev && nb_layer_contour(f, panel, N, N, box[0], box[1], box[2],
                                     box[3], z, nlev, lev, &cs) < 0)
            rc = -1;
    }
    free(xs);
    free(ys);
    free(z);
    return rc;
}

/* One variable: the curve of f over the box and the path on it. */
static int curve_panel(NbFigure *f, int panel, const NbProgram *prog,
                       const double box[2], const NbDescentResult *res)
{
    enum { N = 400 };
    double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = box[0] + (box[1] - box[0]) * i / (N - 1);
    const double *in[1] = {x};
    double *out[1] = {y};
    nb_run_block(prog, N, in, out);
    NbLineStyle ls = {nb_color_cycle(0), 0, 0, NB_MARKER_NONE, 0, "f"};
    if (nb_layer_line(f, panel, N, x, y, &ls) < 0)
        return -1;
    double *pts = malloc(2 * res->npts * sizeof *pts);
    if (!pts)
        return -1;
    for (size_t i = 0; i < res->npts; i++) {
        pts[2 * i] = res->pt_x[i];
        pts[2 * i + 1] = res->pt_f[i];
    }
    int rc = nb_plot_add_path(f, panel, res->npts, pts, NULL);
    free(pts);
    return rc;
}

static int path_panel(NbFigure *f, int panel, const NbDescentPic *p,
                      const NbProgram *prog, size_t r, const double box[4])
{
    const NbDescentResult *res = p->runs[r];
    char *title = panel_title(p, r);
    int rc = title ? nb_panel_set_title(f, panel, title) : -1;
    free(title);
    if (rc == 0 && p->n == 2) {
        char *cl = nb_plot_label(p->body);
        rc = contour_panel(f, panel, prog, box, p->log, p->nruns == 1, cl);
        free(cl);
        int first = nb_panel_layers(f, panel);
        if (rc == 0)
            rc = nb_plot_add_path(f, panel, res->npts, res->pt_x, NULL);
        if (rc == 0 && p->animate)
            nb_layer_set_animated(f, panel, first, 1);
        nb_panel_set_ylim(f, panel, box[2], box[3]);
        nb_plot_equal_if_square(f, panel, box);
        nb_panel_set_labels(f, panel, p->vars[0]->u.name, p->vars[1]->u.name);
    } else if (rc == 0) {
        int first = nb_panel_layers(f, panel);
        rc = curve_panel(f, panel, prog, box, res);
        if (rc == 0 && p->animate)   /* f's curve, then the path */
            nb_layer_set_animated(f, panel, first + 1, 1);
        nb_panel_set_labels(f, panel, p->vars[0]->u.name, "f");
    }
    nb_panel_set_xlim(f, panel, box[0], box[1]);
    return rc;
}

/* f against the step for each run, log y when every value is positive. */
/* f against the step for each run, on a log y axis when f stays
 * positive (as the loss of the seed's learning curves does); a run that
 * reaches f = 0 exactly ends its line there. */
static int learning_curves(NbFigure *f, const NbDescentPic *p)
{
    int logy = 1;
    for (size_t r = 0; r < p->nruns; r++)
        for (size_t i = 0; i < p->runs[r]->npts; i++)
            logy &= !(p->runs[r]->pt_f[i] < 0);
    for (size_t r = 0; r < p->nruns; r++) {
        const NbDescentResult *res = p->runs[r];
        double *x = malloc(res->npts * sizeof *x);
        double *y = malloc(res->npts * sizeof *y);
        if (!x || !y) {
            free(x);
            free(y);
            return -1;
        }
        long zero = -1;   /* the step where f reached 0 exactly */
        for (size_t i = 0; i < res->npts; i++) {
            x[i] = (double)res->pt_step[i];
            y[i] = logy && !(res->pt_f[i] > 0) ? NAN : res->pt_f[i];
            if (zero < 0 && res->pt_f[i] == 0)
                zero = res->pt_step[i];
        }
        /* a log axis cannot show f = 0: the legend says where it got there */
        char *label = NULL;
        const char *name = p->labels ? p->labels[r] : "f";
        if (logy && zero >= 0 && asprintf(&label, "%s (f = 0 at step %ld)",
                                          name, zero) < 0)
            label = NULL;
        NbLineStyle ls = {nb_color_cycle(r), 0, 0, NB_MARKER_NONE, 0,
                          label ? label : name};
        int rc = nb_layer_line(f, 0, res->npts, x, y, &ls);
        free(label);
        free(x);
        free(y);
        if (rc < 0)
            return -1;
    }
    nb_panel_set_log(f, 0, 0, logy);
    nb_panel_set_title(f, 0, "learning curves");
    return nb_panel_set_labels(f, 0, "step", "f");
}

NbFigure *nb_descent_figure(NbSession *s, const NbDescentPic *p, double w,
                            double h, NbDiag *d)
{
    if (p->curve) {
        NbFigure *f = nb_figure_new(1, 1, w, h);
        if (!f || learning_curves(f, p)) {
            nb_figure_free(f);
            nb_diag_set(d, NB_ERR_TOO_LARGE, "out of memory for the picture");
            return NULL;
        }
        return f;
    }
    if (p->n > 2) {
        nb_diag_set(d, NB_ERR_ARGS, "a descent's picture shows one or two "
                    "variables (this f has %zu); curve=true draws the "
                    "learning curves", p->n);
        return NULL;
    }
    size_t nr = p->nruns > NB_PLOT_MAX_PANELS ? NB_PLOT_MAX_PANELS : p->nruns;
    int cols = nr < 3 ? (int)nr : 3, rows = (int)((nr + 2) / 3);
    NbProgram *prog = nb_compile(nb_session_store(s), 1, &p->body, p->n,
                                 p->vars, d);
    if (!prog)
        return NULL;
    double box[4];
    box_of(p, 0, &box[0], &box[1]);
    if (p->n == 2)
        box_of(p, 1, &box[2], &box[3]);
    NbFigure *f = nb_figure_new(rows, cols, nr == 1 ? w : 0, nr == 1 ? h : 0);
    int rc = f ? 0 : -1;
    for (size_t r = 0; rc == 0 && r < nr; r++)
        rc = path_panel(f, (int)r, p, prog, r, box);
    nb_program_free(prog);
    if (rc) {
        nb_figure_free(f);
        nb_diag_set(d, NB_ERR_TOO_LARGE, "out of memory for the picture");
        return NULL;
    }
    return f;
}
