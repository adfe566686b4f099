/* plot_common.c — what the picture commands share (plot, contour,
 * surface, figure, and the pictures of descend, hstudy and nderiv): an
 * expression as a label, a descent path on a panel, equal scales for a
 * square box, and the common end of every picture command: its to= file,
 * then shown at the terminal (a whole statement) or kept as a value
 * (`p = plot(...)`). Below the commands, above the session's values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/print.h"

/* --- pieces of pictures ----------------------------------------------------- */

/* An expression as a label a reader scans at a glance: integer powers as
 * superscripts (x² + y²), products with a middle dot, U+2212 for minus
 * signs. The text still reads as the expression. */
char *nb_plot_label(const NbExpr *e)
{
    static const char *const sup[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶",
                                        "⁷", "⁸", "⁹"};
    char *t = nb_print_flat(e, NULL);
    if (!t)
        return NULL;
    size_t n = strlen(t);
    char *out = malloc(4 * n + 1), *o = out;
    if (!out)
        return t;
    for (const char *p = t; *p; p++) {
        if (*p == '^' && (p[1] >= '0' && p[1] <= '9')) {
            for (p++; *p >= '0' && *p <= '9'; p++)
                o += sprintf(o, "%s", sup[*p - '0']);
            p--;
        } else if (*p == '*' && p[1] != '*') {
            o += sprintf(o, "·");
        } else if (*p == '-' && (p == t || p[-1] == ' ' || p[-1] == '(' ||
                                 p[1] == ' ')) {
            o += sprintf(o, "−");
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    free(t);
    return out;
}

/* Equal scales on both axes when the box is not far from square, so
 * circles look round and gradients stand square to the contours. */
void nb_plot_equal_if_square(NbFigure *f, int panel, const double box[4])
{
    double r = (box[3] - box[2]) / (box[1] - box[0]);
    if (r >= 0.5 && r <= 2)
        nb_panel_set_equal(f, panel, 1);
}

int nb_plot_add_path(NbFigure *f, int panel, size_t npts,
                     const double *coords, const char *label)
{
    double *x = malloc((npts + 1) * sizeof *x), *y = malloc((npts + 1) *
                                                            sizeof *y);
    int rc = x && y ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < npts; i++) {
        x[i] = coords[2 * i];
        y[i] = coords[2 * i + 1];
    }
    /* a dot per step while the steps can be told apart */
    NbMarker dots = npts <= 120 ? NB_MARKER_CIRCLE : NB_MARKER_NONE;
    NbLineStyle ls = {{0.84, 0.15, 0.16, 1}, 1.75, 0, dots, 5,
                      label ? label : "descent path"};
    NbMarkerStyle start = {NB_MARKER_CIRCLE, 11, {0.17, 0.63, 0.17, 1},
                           {0, 0, 0, 1}, "start"};
    NbMarkerStyle end = {NB_MARKER_STAR, 17, {1, 0.85, 0.1, 1},
                         {0, 0, 0, 1}, "end"};
    if (rc == 0 && npts > 0 &&
        (nb_layer_line(f, panel, npts, x, y, &ls) < 0 ||
         nb_layer_markers(f, panel, 1, &x[0], &y[0], &start) < 0 ||
         nb_layer_markers(f, panel, 1, &x[npts - 1], &y[npts - 1], &end) < 0))
        rc = -1;
    free(x);
    free(y);
    return rc;
}

/* --- the end of a picture command ----------------------------------------- */

/* A to= keyword's file name, or NULL (d set when the keyword is there but
 * is not a quoted name). */
static const char *to_path(const NbArgs *a, const NbArg *to, NbDiag *d)
{
    if (to->value && to->value->kind == NB_STR &&
        !nb_session_picture_tag(to->value))
        return to->value->u.name;
    nb_diag_set(d, NB_ERR_TYPE, "to must be a file name in quotes, such "
                "as to=\"plot.svg\"");
    nb_diag_locate(d, a->file, to->pos, NULL, 0);
    return NULL;
}

int nb_picture_check_to(const NbArgs *a, NbDiag *d)
{
    const NbArg *to = nb_args_kw(a, "to");
    if (!to)
        return 0;
    const char *path = to_path(a, to, d);
    if (!path)
        return -1;
    if (nb_plot_format_of(path) < 0) {
        const char *dot = strrchr(path, '.');
        nb_diag_set(d, NB_ERR_ARGS, "unknown picture format '%s' (use .svg, "
                    ".png or .pdf)", dot && !strchr(dot, '/') ? dot : path);
        nb_diag_locate(d, a->file, to->pos, NULL, 0);
        return -1;
    }
    return 0;
}

/* The to= file, when asked; 0, or -1 (f kept) with d set. */
static int write_to(const NbArgs *a, const NbFigure *f, NbDiag *d)
{
    const NbArg *to = nb_args_kw(a, "to");
    if (!to)
        return 0;
    const char *path = to_path(a, to, d);
    if (!path)
        return -1;
    if (nb_figure_write(f, path, d)) {
        nb_diag_locate(d, a->file, to->pos, NULL, 0);
        return -1;
    }
    return 0;
}

/* JSON Lines: a picture statement is one document too,
 * {"command":"plot","file":"p.svg","panels":1,"width":640,"height":480}
 * (file null when none was written). */
static void json_picture(NbSession *s, const NbArgs *a, const NbFigure *f)
{
    FILE *out = s->o.out;
    const NbArg *to = nb_args_kw(a, "to");
    fputs("{\"command\":", out);
    nb_json_string(out, a->command ? a->command : "plot");
    fputs(",\"file\":", out);
    if (to && to->value && to->value->kind == NB_STR)
        nb_json_string(out, to->value->u.name);
    else
        fputs("null", out);
    fprintf(out, ",\"panels\":%d,\"width\":%g,\"height\":%g}\n",
            nb_figure_rows(f) * nb_figure_cols(f), nb_figure_width(f),
            nb_figure_height(f));
}

const NbExpr *nb_picture_finish(NbSession *s, const NbArgs *a, NbFigure *f,
                                NbDiag *d)
{
    if (write_to(a, f, d)) {
        nb_figure_free(f);
        return NULL;
    }
    if (!a->value_unused)
        return nb_picture_value(s, f, d);
    if (s->o.format == NB_FORMAT_JSON)
        json_picture(s, a, f);
    nb_session_show(s, f);
    nb_figure_free(f);
    return NB_NOTHING;
}

int nb_picture_write_show(NbSession *s, const NbArgs *a, NbFigure *f,
                          NbDiag *d)
{
    int rc = write_to(a, f, d);
    if (rc == 0)
        nb_session_show(s, f);
    nb_figure_free(f);
    return rc;
}
