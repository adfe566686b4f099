/* plot_hstudy.c — the picture of hstudy(..., to=) (SPEC §4, §6): absolute
 * error against h on log-log axes, one line with markers per method and
 * precision (colour: method; dash: precision), reference slopes O(h),
 * O(h²), O(h⁴) for the orders present, and each series' predicted best h
 * marked where the truncation/rounding model gave one.
 *
 * A zero error has no place on a log axis: it breaks the line there.
 */
#include "nabla/command.h"
#include "nabla/eval.h"
#include "nabla/numdiff.h"
#include "nabla/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void series_label(const NbHstudySeries *se, int many_precs, char *buf,
                         size_t n)
{
    if (!many_precs)
        snprintf(buf, n, "%s", nb_nd_method_name(se->method));
    else if (se->prec == NB_PREC_DOUBLE)
        snprintf(buf, n, "%s, double", nb_nd_method_name(se->method));
    else
        snprintf(buf, n, "%s, %ld bits", nb_nd_method_name(se->method),
                 se->prec);
}

/* The index of a series' precision among the study's precisions. */
static int prec_index(const NbHstudy *hs, size_t i)
{
    int k = 0;
    for (size_t j = 1; j <= i; j++)
        k += hs->series[j].prec != hs->series[j - 1].prec;
    return k;
}

static int add_series(NbFigure *f, const NbHstudy *hs, size_t i)
{
    const NbHstudySeries *se = &hs->series[i];
    int many = hs->series[hs->nseries - 1].prec != hs->series[0].prec;
    double *x = malloc((se->nrows + 1) * sizeof *x);
    double *y = malloc((se->nrows + 1) * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return -1;
    }
    for (size_t r = 0; r < se->nrows; r++) {
        x[r] = se->rows[r].h;
        /* a step or error below the range of doubles is not drawn */
        y[r] = se->rows[r].abs_error > 0 && x[r] > 0 ? se->rows[r].abs_error
                                                     : NAN;
    }
    char label[64];
    series_label(se, many, label, sizeof label);
    NbLineStyle ls = {nb_color_cycle((size_t)se->method), 1.5,
                      prec_index(hs, i) % 3, NB_MARKER_CIRCLE, 4, label};
    int rc = nb_layer_line(f, 0, se->nrows, x, y, &ls) < 0 ? -1 : 0;
    free(x);
    free(y);
    return rc;
}

/* Where the model predicts the best h: a triangle in the series' colour. */
static int add_predictions(NbFigure *f, const NbHstudy *hs)
{
    int labelled = 0;
    for (size_t i = 0; i < hs->nseries; i++) {
        const NbHstudySeries *se = &hs->series[i];
        if (!(se->predicted_h > 0) || !(se->predicted_error > 0))
            continue;
        NbMarkerStyle ms = {NB_MARKER_TRIANGLE, 10,
                            nb_color_cycle((size_t)se->method), {0, 0, 0, 1},
                            labelled ? NULL : "predicted best h"};
        labelled = 1;
        if (nb_layer_markers(f, 0, 1, &se->predicted_h, &se->predicted_error,
                             &ms) < 0)
            return -1;
    }
    return 0;
}

/* A reference slope C h^p beside the first series of order p whose
 * error falls as h falls (truncation dominates from its largest h down to
 * its best h): through three times its first error, so it does not hide
 * the data, down to the best h. A series whose error only grows as h
 * falls (the central difference of a quadratic: no truncation error) has
 * no slope to compare with: none is drawn for it. */
static int add_reference(NbFigure *f, const NbHstudy *hs, int order)
{
    static const char *const names[] = {"", "O(h)", "O(h²)", "O(h³)",
                                        "O(h⁴)", "O(h⁵)", "O(h⁶)"};
    for (size_t i = 0; i < hs->nseries; i++) {
        const NbHstudySeries *se = &hs->series[i];
        if (nb_nd_method_order(se->method) != order || se->nrows < 2 ||
            !(se->rows[0].abs_error > 0) || !(se->best_h > 0) ||
            !(se->best_h < se->rows[0].h))
            continue;
        double h0 = se->rows[0].h, e0 = se->rows[0].abs_error * 3;
        double h1 = se->best_h;
        double x[2] = {h0, h1}, y[2] = {e0, e0 * pow(h1 / h0, order)};
        NbLineStyle ls = {{0.35, 0.35, 0.35, 1}, 1, 2, NB_MARKER_NONE, 0,
                          order < 7 ? names[order] : NULL};
        return nb_layer_line(f, 0, 2, x, y, &ls) < 0 ? -1 : 0;
    }
    return 0;
}

NbFigure *nb_hstudy_figure(const NbHstudy *hs, const char *fname)
{
    NbFigure *f = nb_figure_new(1, 1, 720, 500);
    if (!f)
        return NULL;
    char title[160];
    snprintf(title, sizeof title, "error of numeric derivatives of %s",
             fname ? fname : "f");
    int rc = nb_panel_set_title(f, 0, title) ||
             nb_panel_set_labels(f, 0, "step h", "absolute error") ||
             nb_panel_set_log(f, 0, 1, 1);
    for (size_t i = 0; rc == 0 && i < hs->nseries; i++)
        rc = add_series(f, hs, i);
    int seen[8] = {0};
    for (size_t i = 0; rc == 0 && i < hs->nseries; i++) {
        int p = nb_nd_method_order(hs->series[i].method);
        if (p > 0 && p < 8 && !seen[p]) {
            seen[p] = 1;
            rc = add_reference(f, hs, p);
        }
    }
    if (rc == 0)
        rc = add_predictions(f, hs);
    if (rc) {
        nb_figure_free(f);
        return NULL;
    }
    return f;
}
