/* cmd_plot.c — picture commands (SPEC §6): plot, contour, surface, figure.
 *
 * Each command reads its arguments, evaluates what it draws with compiled
 * programs (block evaluation over samples and grids, never a tree walk),
 * builds a figure (nabla/plot.h) and hands it to nb_picture_finish(): a
 * to= file, the terminal, or a value that figure() combines with others.
 * The plot module draws; this file only decides what goes in the picture.
 */
#include "nabla/command.h"
#include "nabla/compile.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "nabla/limits.h"
#include "nabla/plot.h"
#include "nabla/print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_GRID 200        /* contour grid points per side */
#define DEFAULT_SURFACE_GRID 40 /* surface quads per side + 1 */
#define DEFAULT_LEVELS 20
#define DEFAULT_LOG_LEVELS 30   /* 1, 2, 5 in each decade over ~10 decades */
#define FIELD_ARROWS 15         /* gradient arrows per side */

/* ---- argument helpers ------------------------------------------------------ */

static int fail(const NbArgs *a, NbPos pos, NbDiag *d)
{
    nb_diag_locate(d, a->file, pos, NULL, 0);
    return -1;
}

static int is_value(const NbExpr *e)
{
    return e && e != NB_NOTHING;
}

static int is_closed(const NbExpr *e)
{
    return is_value(e) && e->kind != NB_VEC && e->kind != NB_STR &&
           nb_free_syms(e, NULL, 0) == 0;
}

static int to_double(NbSession *s, const NbArgs *a, const NbExpr *e,
                     NbPos pos, double *out, NbDiag *d)
{
    if (!is_closed(e)) {
        nb_diag_set(d, NB_ERR_TYPE, "a number is expected here");
        return fail(a, pos, d);
    }
    if (nb_eval_to_double(nb_session_store(s), e, out, d))
        return fail(a, pos, d);
    return 0;
}

/* A keyword's string or bare word, or NULL. */
static const char *kw_word(const NbArgs *a, const char *name)
{
    const NbArg *k = nb_args_kw(a, name);
    if (!k || !is_value(k->value) || k->fn)
        return NULL;
    const NbExpr *e = k->value;
    if ((e->kind == NB_STR && !nb_session_picture_tag(e)) || e->kind == NB_SYM)
        return e->u.name;
    return NULL;
}

/* A string keyword (title=, xlabel=, ...): NULL when absent, -1 when it
 * is not a string. */
static int kw_text(const NbArgs *a, const char *name, const char **out,
                   NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, name);
    *out = NULL;
    if (!k)
        return 0;
    if (is_value(k->value) && k->value->kind == NB_STR &&
        !nb_session_picture_tag(k->value)) {
        *out = k->value->u.name;
        return 0;
    }
    nb_diag_set(d, NB_ERR_TYPE, "%s must be text in quotes", name);
    return fail(a, k->pos, d);
}

/* true/false (or 1/0) keyword; dflt when absent. */
static int kw_flag(const NbArgs *a, const char *name, int dflt, int *out,
                   NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, name);
    *out = dflt;
    if (!k)
        return 0;
    const char *w = kw_word(a, name);
    if (w && (strcmp(w, "true") == 0 || strcmp(w, "false") == 0)) {
        *out = w[0] == 't';
        return 0;
    }
    if (is_value(k->value) && (nb_is_zero(k->value) || nb_is_one(k->value))) {
        *out = nb_is_one(k->value);
        return 0;
    }
    nb_diag_set(d, NB_ERR_TYPE, "%s must be true or false", name);
    return fail(a, k->pos, d);
}

/* An integer keyword in [lo, hi]; dflt when absent. */
static int kw_count(NbSession *s, const NbArgs *a, const char *name, long lo,
                    long hi, long dflt, long *out, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, name);
    *out = dflt;
    if (!k)
        return 0;
    double v;
    if (to_double(s, a, k->value, k->pos, &v, d))
        return -1;
    if (v != floor(v) || v < lo || v > hi) {
        nb_diag_set(d, NB_ERR_ARGS, "%s must be a whole number from %ld to "
                    "%ld", name, lo, hi);
        return fail(a, k->pos, d);
    }
    *out = (long)v;
    return 0;
}

static int kw_number(NbSession *s, const NbArgs *a, const char *name,
                     double dflt, double *out, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, name);
    *out = dflt;
    if (!k)
        return 0;
    if (to_double(s, a, k->value, k->pos, out, d))
        return -1;
    if (!isfinite(*out)) {
        nb_diag_set(d, NB_ERR_DOMAIN, "%s must be a finite number", name);
        return fail(a, k->pos, d);
    }
    return 0;
}

/* A range keyword a..b (or [a, b]) as two finite doubles, lo < hi. */
static int range_of(NbSession *s, const NbArgs *a, const NbArg *k, double *lo,
                    double *hi, NbDiag *d)
{
    const NbExpr *e = k->value;
    if (!is_value(e) || e->kind != NB_VEC || e->n != 2) {
        nb_diag_set(d, NB_ERR_TYPE, "%s must be a range such as %s=-3..3",
                    k->name, k->name);
        return fail(a, k->pos, d);
    }
    if (to_double(s, a, e->args[0], k->pos, lo, d) ||
        to_double(s, a, e->args[1], k->pos, hi, d))
        return -1;
    if (!isfinite(*lo) || !isfinite(*hi) || !(*lo < *hi)) {
        nb_diag_set(d, NB_ERR_DOMAIN, "the range %s=%g..%g is empty: write "
                    "it as low..high with finite ends", k->name, *lo, *hi);
        return fail(a, k->pos, d);
    }
    return 0;
}

/* The keyword arguments that are ranges for variables: those not among
 * the command's own keywords (x=-3..3, t=0..1). */
static size_t var_ranges(const NbArgs *a, const char *const *own,
                         const NbArg **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nkw; i++) {
        int mine = 0;
        for (const char *const *p = own; *p && !mine; p++)
            mine = strcmp(*p, a->kw[i].name) == 0;
        if (!mine && n < max)
            out[n++] = &a->kw[i];
        else if (!mine)
            n++;
    }
    return n;
}

/* Unknown keywords are errors, except variable ranges (nvar of them):
 * a keyword that is not the command's own and not a range is checked
 * alone, so the message names it and suggests the closest keyword. */
static int check_keywords(const NbArgs *a, const char *const *own,
                          size_t nvar, const char *usage, NbDiag *d)
{
    const NbArg *r[8];
    size_t n = var_ranges(a, own, r, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        if (!r[i]->is_range && r[i]->value && r[i]->value != NB_NOTHING
            && r[i]->value->kind == NB_VEC) {
            nb_diag_set(d, NB_ERR_TYPE, "%s: %s= takes a range lo..hi, such "
                        "as %s=-3..3 (a picture chooses its own points; "
                        "points are for table())", usage, r[i]->name,
                        r[i]->name);
            return fail(a, r[i]->pos, d);
        } else if (!r[i]->is_range) {
            NbArgs one = *a;
            one.nkw = 1;
            one.kw = (NbArg *)r[i];
            return nb_args_check_keywords(&one, own, d);
        }
    if (n != nvar) {
        nb_diag_set(d, NB_ERR_ARGS, "%s: give %s", usage,
                    nvar == 1 ? "one range, such as x=-3..3"
                              : "two ranges, such as x=-3..3, y=-3..3");
        return fail(a, n > nvar ? r[n > 8 ? 7 : n - 1]->pos : a->call_pos, d);
    }
    return 0;
}

/* ---- evaluation ------------------------------------------------------------ */

/* A function of the command: its body and variables (copied: the
 * session's scratch is reused by the next call). */
typedef struct Fn {
    const NbExpr *body;
    const NbExpr *vars[2];
    size_t nvars;
    char *label;
    NbProgram *prog;
} Fn;

static void fn_free(Fn *f)
{
    nb_program_free(f->prog);
    free(f->label);
    memset(f, 0, sizeof *f);
}

/* The legend label of a function argument: "f(x)" for a user function,
 * else the expression as printed. */
static char *fn_label(const NbArg *arg, const NbExpr *body)
{
    if (arg->fn && arg->fn->name) {
        size_t n = strlen(arg->fn->name) + 64;
        char *t = malloc(n);
        if (!t)
            return NULL;
        snprintf(t, n, "%s(%s%s)", arg->fn->name, arg->fn->nparams ?
                 arg->fn->params[0]->u.name : "",
                 arg->fn->nparams > 1 ? ", ..." : "");
        return t;
    }
    return nb_plot_label(body);
}

/* Read argument arg as a function of at most maxv variables and compile
 * it. vars with fewer variables are padded with the ranges' names. */
static int fn_of(NbSession *s, const NbArgs *a, const NbArg *arg,
                 size_t maxv, const char *what, Fn *f, NbDiag *d)
{
    const NbExpr *const *vars;
    memset(f, 0, sizeof *f);
    if (nb_args_function(s, arg, &f->body, &vars, &f->nvars, d))
        return -1;
    if (f->body->kind == NB_VEC || f->body->kind == NB_STR) {
        nb_diag_set(d, NB_ERR_TYPE, "%s draws functions with a number as "
                    "value; this is a %s", what,
                    f->body->kind == NB_VEC ? "vector" : "string");
        return fail(a, arg->pos, d);
    }
    if (f->nvars > maxv) {
        nb_diag_set(d, NB_ERR_ARGS, "%s draws functions of %s; this one "
                    "has %zu variables (%s, %s%s)%s", what,
                    maxv == 1 ? "one variable" : "two variables", f->nvars,
                    vars[0]->u.name, vars[1]->u.name, f->nvars > 2 ? ", ..."
                    : "", maxv == 1 ? ": use contour or surface" : "");
        return fail(a, arg->pos, d);
    }
    for (size_t i = 0; i < f->nvars; i++)
        f->vars[i] = vars[i];
    f->label = fn_label(arg, f->body);
    return 0;
}

/* Compile f with variables vars (n of them, the ranges' symbols unless
 * f has its own). */
static int fn_compile(NbSession *s, const NbArgs *a, const NbArg *arg, Fn *f,
                      size_t n, const NbExpr *const *range_syms, NbDiag *d)
{
    const NbExpr *vars[2];
    for (size_t i = 0; i < n; i++)
        vars[i] = range_syms[i];
    /* a function's own variables, matched by name when they are the
     * ranges', else in order */
    if (f->nvars == n && n == 2 && f->vars[0] == range_syms[1] &&
        f->vars[1] == range_syms[0]) {
        vars[0] = f->vars[1];
        vars[1] = f->vars[0];
    } else {
        int by_name = 1;
        for (size_t i = 0; i < f->nvars; i++)
            by_name &= f->vars[i] == range_syms[0] ||
                       (n > 1 && f->vars[i] == range_syms[1]);
        if (!by_name)
            for (size_t i = 0; i < f->nvars; i++)
                vars[i] = f->vars[i];
    }
    f->prog = nb_compile(nb_session_store(s), 1, &f->body, n, vars, d);
    return f->prog ? 0 : fail(a, arg->pos, d);
}

typedef struct Curve {
    const NbProgram *prog;
} Curve;

static int eval_curve(void *ctx, const double *x, double *y, size_t n)
{
    const Curve *c = ctx;
    if (nb_interrupted)
        return -1;
    const double *xs[1] = {x};
    double *ys[1] = {y};
    nb_run_block(c->prog, n, xs, ys);
    return nb_interrupted ? -1 : 0;
}

/* z over an nx x ny grid, row j at y = y0 + j*(y1-y0)/(ny-1). */
static double *eval_grid(const NbProgram *p, size_t nx, size_t ny, double x0,
                         double x1, double y0, double y1)
{
    size_t n = nx * ny;
    double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
    double *z = malloc(n * sizeof *z);
    if (!xs || !ys || !z) {
        free(xs);
        free(ys);
        free(z);
        return NULL;
    }
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            xs[j * nx + i] = x0 + (x1 - x0) * (double)i / (double)(nx - 1);
            ys[j * nx + i] = y0 + (y1 - y0) * (double)j / (double)(ny - 1);
        }
    const double *in[2] = {xs, ys};
    double *out[1] = {z};
    nb_run_block(p, n, in, out);
    free(xs);
    free(ys);
    return z;
}

static int interrupted(const NbArgs *a, NbDiag *d)
{
    nb_diag_set(d, NB_ERR_INTERRUPTED, "interrupted");
    return fail(a, a->call_pos, d);
}

static int out_of_memory(const NbArgs *a, NbDiag *d)
{
    nb_diag_set(d, NB_ERR_TOO_LARGE, "out of memory for the picture");
    return fail(a, a->call_pos, d);
}

/* ---- figure options shared by every command -------------------------------- */

/* A new one-panel figure of the width= and height= asked (pixels). */
static NbFigure *new_figure(NbSession *s, const NbArgs *a, int rows, int cols,
                            NbDiag *d)
{
    double w, h;
    if (kw_number(s, a, "width", 0, &w, d) ||
        kw_number(s, a, "height", 0, &h, d))
        return NULL;
    if ((w != 0 && (w < NB_PLOT_MIN_SIZE || w > NB_PLOT_MAX_SIZE)) ||
        (h != 0 && (h < NB_PLOT_MIN_SIZE || h > NB_PLOT_MAX_SIZE))) {
        nb_diag_set(d, NB_ERR_ARGS, "width and height must be from %d to %d "
                    "pixels", NB_PLOT_MIN_SIZE, NB_PLOT_MAX_SIZE);
        fail(a, nb_args_kw(a, w != 0 && (w < NB_PLOT_MIN_SIZE ||
                           w > NB_PLOT_MAX_SIZE) ? "width" : "height")->pos, d);
        return NULL;
    }
    NbFigure *f = nb_figure_new(rows, cols, w, h);
    if (!f)
        out_of_memory(a, d);
    return f;
}

/* title=, xlabel=, ylabel= onto panel 0, over the defaults given. */
static int set_texts(const NbArgs *a, NbFigure *f, const char *title,
                     const char *xlabel, const char *ylabel, NbDiag *d)
{
    const char *t, *xl, *yl;
    if (kw_text(a, "title", &t, d) || kw_text(a, "xlabel", &xl, d) ||
        kw_text(a, "ylabel", &yl, d))
        return -1;
    if (nb_panel_set_title(f, 0, t ? t : title) ||
        nb_panel_set_labels(f, 0, xl ? xl : xlabel, yl ? yl : ylabel))
        return out_of_memory(a, d);
    return 0;
}

/* ---- plot ------------------------------------------------------------------ */

static const char *const plot_kw[] = {"title", "xlabel", "ylabel", "to",
    "width", "height", "tangent", "y", "logx", "logy", "samples", "labels",
    NULL};

/* Data points: a vector of [x, y] pairs. */
static int is_point_list(const NbExpr *e)
{
    if (!is_value(e) || e->kind != NB_VEC || e->n == 0)
        return 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->args[i]->kind != NB_VEC || e->args[i]->n != 2)
            return 0;
    return 1;
}

/* labels=["f", "f'", ...]: the legend's names, one per positional
 * argument; NULL when not given. */
static int labels_of(const NbArgs *a, const NbExpr **out, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "labels");
    *out = NULL;
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    int ok = is_value(e) && e->kind == NB_VEC && e->n == a->npos;
    for (size_t i = 0; ok && i < e->n; i++)
        ok = e->args[i]->kind == NB_STR &&
             !nb_session_picture_tag(e->args[i]);
    if (!ok) {
        nb_diag_set(d, NB_ERR_ARGS, "labels must be a list of %zu name%s in "
                    "quotes, one for each curve or list of points", a->npos,
                    a->npos == 1 ? "" : "s");
        return fail(a, k->pos, d);
    }
    *out = e;
    return 0;
}

static int add_points(NbSession *s, const NbArgs *a, const NbArg *arg,
                      NbFigure *f, size_t idx, const char *label, NbDiag *d)
{
    const NbExpr *e = arg->value;
    if (e->n > NB_PLOT_MAX_POINTS) {
        nb_diag_set(d, NB_ERR_ARGS, "at most %d data points",
                    NB_PLOT_MAX_POINTS);
        return fail(a, arg->pos, d);
    }
    double *x = malloc(e->n * sizeof *x), *y = malloc(e->n * sizeof *y);
    int rc = x && y ? 0 : out_of_memory(a, d);
    for (size_t i = 0; rc == 0 && i < e->n; i++)
        rc = to_double(s, a, e->args[i]->args[0], arg->pos, &x[i], d) ||
             to_double(s, a, e->args[i]->args[1], arg->pos, &y[i], d);
    NbMarkerStyle ms = {NB_MARKER_CIRCLE, 8, nb_color_cycle(idx),
                        {0, 0, 0, 0}, label ? label : "data"};
    if (rc == 0 && nb_layer_markers(f, 0, e->n, x, y, &ms) < 0)
        rc = out_of_memory(a, d);
    free(x);
    free(y);
    return rc;
}

/* Sample one function over [lo, hi] and add it as a line. */
static int add_curve(const NbArgs *a, NbFigure *f, const Fn *fn, size_t idx,
                     double lo, double hi, int logx, long samples,
                     double *ylo, double *yhi, NbDiag *d)
{
    Curve c = {fn->prog};
    double *xs, *ys;
    size_t n;
    if (nb_plot_sample(eval_curve, &c, lo, hi, logx, (size_t)samples, &xs,
                       &ys, &n))
        return nb_interrupted ? interrupted(a, d) : out_of_memory(a, d);
    double l, h;
    nb_plot_robust_range(n, ys, &l, &h);
    if (l < *ylo)
        *ylo = l;
    if (h > *yhi)
        *yhi = h;
    NbLineStyle ls = {nb_color_cycle(idx), 0, 0, NB_MARKER_NONE, 0, fn->label};
    int rc = nb_layer_line(f, 0, n, xs, ys, &ls) < 0 ? out_of_memory(a, d) : 0;
    free(xs);
    free(ys);
    return rc;
}

/* The tangent points: tangent=a or tangent=[a1, a2, ...]. */
static int tangent_points(NbSession *s, const NbArgs *a, double *at,
                          size_t *n, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "tangent");
    *n = 0;
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    if (is_value(e) && e->kind == NB_VEC) {
        if (e->n > NB_PLOT_MAX_TANGENTS) {
            nb_diag_set(d, NB_ERR_ARGS, "at most %d tangent points",
                        NB_PLOT_MAX_TANGENTS);
            return fail(a, k->pos, d);
        }
        for (size_t i = 0; i < e->n; i++)
            if (to_double(s, a, e->args[i], k->pos, &at[i], d))
                return -1;
        *n = e->n;
        return 0;
    }
    *n = 1;
    return to_double(s, a, e, k->pos, &at[0], d);
}

/* Tangent lines of fn (one variable) at the points: the dashed line
 * y = f(a) + f'(a)(x - a) over the range, and the point where it touches. */
static int add_tangents(NbSession *s, const NbArgs *a, NbFigure *f,
                        const Fn *fn, const NbExpr *var, double lo, double hi,
                        NbDiag *d)
{
    double at[NB_PLOT_MAX_TANGENTS];
    size_t n;
    if (tangent_points(s, a, at, &n, d))
        return -1;
    if (n == 0)
        return 0;
    NbStore *st = nb_session_store(s);
    const NbArg *k = nb_args_kw(a, "tangent");
    const NbExpr *df = nb_diff(st, fn->body, var, d);
    if (!df)
        return fail(a, k->pos, d);
    const NbExpr *outs[2] = {fn->body, df};
    NbProgram *p = nb_compile(st, 2, outs, 1, &var, d);
    if (!p)
        return fail(a, k->pos, d);
    double *scratch = malloc(nb_program_scratch(p) * sizeof *scratch + 1);
    int rc = scratch ? 0 : out_of_memory(a, d);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        double v[2];
        nb_run_double(p, &at[i], v, scratch);
        if (!isfinite(v[0]) || !isfinite(v[1])) {
            nb_diag_set(d, NB_ERR_DOMAIN, "no tangent at %g: f or f' is not "
                        "finite there", at[i]);
            rc = fail(a, k->pos, d);
            break;
        }
        char label[96];
        snprintf(label, sizeof label, "tangent at %g: slope %.4g", at[i],
                 v[1]);
        double xs[2] = {lo, hi};
        double ys[2] = {v[0] + v[1] * (lo - at[i]), v[0] + v[1] * (hi - at[i])};
        NbLineStyle ls = {nb_color_cycle(i + 1), 1.5, 1, NB_MARKER_NONE, 0,
                          label};
        NbMarkerStyle ms = {NB_MARKER_CIRCLE, 9, nb_color_cycle(i + 1),
                            {0, 0, 0, 1}, NULL};
        if (nb_layer_line(f, 0, 2, xs, ys, &ls) < 0 ||
            nb_layer_markers(f, 0, 1, &at[i], &v[0], &ms) < 0)
            rc = out_of_memory(a, d);
    }
    free(scratch);
    nb_program_free(p);
    return rc;
}

/* y= limits or the robust range of the curves (a pole does not flatten
 * everything else). */
static int plot_ylim(NbSession *s, const NbArgs *a, NbFigure *f,
                     const NbArg *range, double ylo, double yhi, int logy,
                     NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "y");
    if (k && k != range) {
        double lo, hi;
        if (range_of(s, a, k, &lo, &hi, d))
            return -1;
        return nb_panel_set_ylim(f, 0, lo, hi);
    }
    if (!logy && isfinite(ylo) && isfinite(yhi) && ylo <= yhi) {
        double m = (yhi - ylo) * 0.05;
        if (m == 0)
            m = fabs(ylo) > 0 ? fabs(ylo) * 0.1 : 1;
        nb_panel_set_ylim(f, 0, ylo - m, yhi + m);
    }
    return 0;
}

static int plot_curves(NbSession *s, const NbArgs *a, NbFigure *f,
                       const NbArg *range, double lo, double hi, int logx,
                       double *ylo, double *yhi, NbDiag *d)
{
    long samples;
    const NbExpr *labels;
    if (kw_count(s, a, "samples", 2, NB_PLOT_MAX_SAMPLES, 2000, &samples, d) ||
        labels_of(a, &labels, d))
        return -1;
    const NbExpr *var = nb_sym(nb_session_store(s), range->name);
    size_t idx = 0, ncurves = 0;
    int first = 1;
    for (size_t i = 0; i < a->npos; i++) {
        const NbArg *arg = &a->pos[i];
        const char *label = labels ? labels->args[i]->u.name : NULL;
        if (!arg->fn && is_point_list(arg->value)) {
            if (add_points(s, a, arg, f, idx++, label, d))
                return -1;
            continue;
        }
        if (++ncurves > NB_PLOT_MAX_CURVES) {
            nb_diag_set(d, NB_ERR_ARGS, "at most %d curves in one plot",
                        NB_PLOT_MAX_CURVES);
            return fail(a, arg->pos, d);
        }
        Fn fn;
        if (fn_of(s, a, arg, 1, "plot", &fn, d) == 0 && label) {
            free(fn.label);
            fn.label = strdup(label);
        }
        if (d->code != NB_OK || fn_compile(s, a, arg, &fn, 1, &var, d) ||
            add_curve(a, f, &fn, idx++, lo, hi, logx, samples, ylo, yhi, d) ||
            (first && add_tangents(s, a, f, &fn, fn.nvars ? fn.vars[0] : var,
                                   lo, hi, d))) {
            fn_free(&fn);
            return -1;
        }
        first = 0;
        fn_free(&fn);
    }
    if (idx == 0) {
        nb_diag_set(d, NB_ERR_ARGS, "plot needs a function to draw, such as "
                    "plot(sin(x), x=-3..3)");
        return fail(a, a->call_pos, d);
    }
    return 0;
}

/* plot's keywords when its variable is y: y= is then the variable's
 * range, not the limits of the y axis. */
static const char *const plot_kw_y[] = {"title", "xlabel", "ylabel", "to",
    "width", "height", "tangent", "logx", "logy", "samples", "labels", NULL};

static const NbExpr *cmd_plot(NbSession *s, const NbArgs *a, NbDiag *d)
{
    static const char usage[] = "plot(f, g, ..., x=a..b)";
    const NbArg *r[1];
    const NbArg *yk = nb_args_kw(a, "y");
    const char *const *own = yk && var_ranges(a, plot_kw, r, 1) == 0
                             ? plot_kw_y : plot_kw;
    if (check_keywords(a, own, 1, usage, d) || nb_picture_check_to(a, d))
        return NULL;
    var_ranges(a, own, r, 1);
    double lo, hi;
    int logx, logy;
    if (range_of(s, a, r[0], &lo, &hi, d) || kw_flag(a, "logx", 0, &logx, d) ||
        kw_flag(a, "logy", 0, &logy, d))
        return NULL;
    if (logx && lo <= 0) {
        nb_diag_set(d, NB_ERR_DOMAIN, "a log x axis needs a range above 0");
        fail(a, r[0]->pos, d);
        return NULL;
    }
    NbFigure *f = new_figure(s, a, 1, 1, d);
    if (!f)
        return NULL;
    double ylo = INFINITY, yhi = -INFINITY;
    int rc = plot_curves(s, a, f, r[0], lo, hi, logx, &ylo, &yhi, d);
    if (rc == 0) {
        nb_panel_set_xlim(f, 0, lo, hi);
        nb_panel_set_log(f, 0, logx, logy);
        rc = plot_ylim(s, a, f, r[0], ylo, yhi, logy, d) ||
             set_texts(a, f, NULL, r[0]->name, NULL, d);
    }
    if (rc) {
        nb_figure_free(f);
        return NULL;
    }
    return nb_picture_finish(s, a, f, d);
}

/* ---- contour ----------------------------------------------------------------- */

static const char *const contour_kw[] = {"title", "xlabel", "ylabel", "to",
    "width", "height", "levels", "scale", "filled", "field", "path", "point",
    "grid", "cmap", "colorbar", NULL};

typedef struct Grid {
    size_t nx, ny;
    double x0, x1, y0, y1;
    double *z;
    const NbExpr *syms[2];
    const NbArg *ranges[2];
} Grid;

/* The two ranges and the function's grid of values. */
static int grid_of(NbSession *s, const NbArgs *a, const char *const *own,
                   const char *what, long dflt, Fn *fn, Grid *g, NbDiag *d)
{
    char usage[64];
    snprintf(usage, sizeof usage, "%s(f, x=a..b, y=c..d)", what);
    memset(g, 0, sizeof *g);
    if (check_keywords(a, own, 2, usage, d) || nb_picture_check_to(a, d))
        return -1;
    var_ranges(a, own, g->ranges, 2);
    long n;
    if (range_of(s, a, g->ranges[0], &g->x0, &g->x1, d) ||
        range_of(s, a, g->ranges[1], &g->y0, &g->y1, d) ||
        kw_count(s, a, "grid", 2, NB_PLOT_MAX_GRID, dflt, &n, d))
        return -1;
    if (a->npos != 1) {
        nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage %s",
                    usage);
        return fail(a, a->call_pos, d);
    }
    NbStore *st = nb_session_store(s);
    g->syms[0] = nb_sym(st, g->ranges[0]->name);
    g->syms[1] = nb_sym(st, g->ranges[1]->name);
    g->nx = g->ny = (size_t)n;
    if (fn_of(s, a, &a->pos[0], 2, what, fn, d) ||
        fn_compile(s, a, &a->pos[0], fn, 2, g->syms, d))
        return -1;
    g->z = eval_grid(fn->prog, g->nx, g->ny, g->x0, g->x1, g->y0, g->y1);
    if (!g->z)
        return out_of_memory(a, d);
    return nb_interrupted ? interrupted(a, d) : 0;
}

static void zrange(const Grid *g, int positive, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < g->nx * g->ny; i++) {
        double z = g->z[i];
        if (!isfinite(z) || (positive && z <= 0))
            continue;
        *lo = fmin(*lo, z);
        *hi = fmax(*hi, z);
    }
}

/* levels=N or levels=[...] (increasing), scale="log" spacing. */
static int levels_of(NbSession *s, const NbArgs *a, const Grid *g, int log,
                     double *lev, size_t *nlev, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "levels");
    if (k && is_value(k->value) && k->value->kind == NB_VEC) {
        const NbExpr *e = k->value;
        if (e->n < 1 || e->n > NB_PLOT_MAX_LEVELS) {
            nb_diag_set(d, NB_ERR_ARGS, "levels: from 1 to %d values",
                        NB_PLOT_MAX_LEVELS);
            return fail(a, k->pos, d);
        }
        for (size_t i = 0; i < e->n; i++) {
            if (to_double(s, a, e->args[i], k->pos, &lev[i], d))
                return -1;
            if (!isfinite(lev[i]) || (i && !(lev[i] > lev[i - 1]))) {
                nb_diag_set(d, NB_ERR_ARGS, "levels must be finite and "
                            "increasing");
                return fail(a, k->pos, d);
            }
        }
        *nlev = e->n;
        return 0;
    }
    long n;
    if (kw_count(s, a, "levels", 1, NB_PLOT_MAX_LEVELS,
                 log ? DEFAULT_LOG_LEVELS : DEFAULT_LEVELS, &n, d))
        return -1;
    double lo, hi;
    zrange(g, log, &lo, &hi);
    if (!(lo <= hi)) {
        nb_diag_set(d, NB_ERR_DOMAIN, log ? "no positive value on the grid "
                    "for a log scale" : "no finite value on the grid");
        return fail(a, a->pos[0].pos, d);
    }
    if (lo == hi)
        hi = lo + (lo == 0 ? 1 : fabs(lo) * 1e-3);
    *nlev = nb_plot_levels(lo, hi, (size_t)n, log, lev, NB_PLOT_MAX_LEVELS);
    return 0;
}

static int scale_of(const NbArgs *a, int *log, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "scale");
    const char *w = kw_word(a, "scale");
    *log = 0;
    if (!k)
        return 0;
    if (w && (strcmp(w, "log") == 0 || strcmp(w, "linear") == 0)) {
        *log = w[1] == 'o';
        return 0;
    }
    nb_diag_set(d, NB_ERR_ARGS, "scale must be \"linear\" or \"log\"");
    return fail(a, k->pos, d);
}

static int cmap_of(const NbArgs *a, NbColormap dflt, NbColormap *m, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "cmap");
    const char *w = kw_word(a, "cmap");
    *m = dflt;
    if (!k)
        return 0;
    if (w && strcmp(w, "blues") == 0)
        *m = NB_CMAP_BLUES;
    else if (w && strcmp(w, "viridis") == 0)
        *m = NB_CMAP_VIRIDIS;
    else {
        nb_diag_set(d, NB_ERR_ARGS, "cmap must be \"blues\" or \"viridis\"");
        return fail(a, k->pos, d);
    }
    return 0;
}

/* The gradient program of fn over the grid's variables. */
static NbProgram *grad_prog(NbSession *s, const NbArgs *a, const Fn *fn,
                            const Grid *g, NbDiag *d)
{
    NbStore *st = nb_session_store(s);
    const NbExpr *vars[2] = {g->syms[0], g->syms[1]};
    if (fn->nvars == 2 && !(fn->vars[0] == g->syms[0] ||
                            fn->vars[0] == g->syms[1])) {
        vars[0] = fn->vars[0];
        vars[1] = fn->vars[1];
    }
    const NbExpr *gx = nb_diff(st, fn->body, vars[0], d);
    const NbExpr *gy = gx ? nb_diff(st, fn->body, vars[1], d) : NULL;
    if (!gy) {
        fail(a, a->pos[0].pos, d);
        return NULL;
    }
    const NbExpr *outs[3] = {gx, gy, fn->body};
    NbProgram *p = nb_compile(st, 3, outs, 2, vars, d);
    if (!p)
        fail(a, a->pos[0].pos, d);
    return p;
}

/* field=true: the gradient as arrows on a coarse grid; field="descent":
 * the negative gradient, and the grid's lowest point starred. Arrows are
 * scaled together so the longest spans 0.9 of the arrow spacing. */
static int add_field(NbSession *s, const NbArgs *a, NbFigure *f, const Fn *fn,
                     const Grid *g, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "field");
    if (!k)
        return 0;
    const char *w = kw_word(a, "field");
    int descent = w && strcmp(w, "descent") == 0;
    int on = descent;
    if (!descent && kw_flag(a, "field", 0, &on, d))
        return -1;
    if (!on)
        return 0;
    NbProgram *p = grad_prog(s, a, fn, g, d);
    if (!p)
        return -1;
    enum { N = FIELD_ARROWS };
    double x[N * N], y[N * N], dx[N * N], dy[N * N], out[3], big = 0;
    double *scratch = malloc(nb_program_scratch(p) * sizeof *scratch + 1);
    if (!scratch) {
        nb_program_free(p);
        return out_of_memory(a, d);
    }
    double sx = (g->x1 - g->x0) / N, sy = (g->y1 - g->y0) / N;
    size_t n = 0;
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double pt[2] = {g->x0 + sx * (i + 0.5), g->y0 + sy * (j + 0.5)};
            nb_run_double(p, pt, out, scratch);
            if (!isfinite(out[0]) || !isfinite(out[1]))
                continue;
            x[n] = pt[0];
            y[n] = pt[1];
            dx[n] = descent ? -out[0] : out[0];
            dy[n] = descent ? -out[1] : out[1];
            big = fmax(big, hypot(dx[n] / sx, dy[n] / sy));
            n++;
        }
    free(scratch);
    nb_program_free(p);
    for (size_t i = 0; i < n && big > 0; i++) {
        dx[i] *= 0.9 / big;
        dy[i] *= 0.9 / big;
    }
    /* no legend entry: arrows cover the whole panel, and a legend would
     * hide some; the picture's title says what they are */
    NbArrowStyle as = {descent ? (NbColor){0.1, 0.55, 0.1, 1}
                               : (NbColor){0.8, 0.1, 0.1, 1}, 1.2, NULL};
    if (n && nb_layer_arrows(f, 0, n, x, y, dx, dy, &as) < 0)
        return out_of_memory(a, d);
    return 0;
}

/* The grid's lowest finite point, starred (field="descent"). */
static int add_minimum(const NbArgs *a, NbFigure *f, const Grid *g,
                       NbDiag *d)
{
    const char *w = kw_word(a, "field");
    if (!w || strcmp(w, "descent") != 0)
        return 0;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < g->nx * g->ny; i++)
        if (isfinite(g->z[i]) && (best == SIZE_MAX || g->z[i] < g->z[best]))
            best = i;
    if (best == SIZE_MAX)
        return 0;
    double x = g->x0 + (g->x1 - g->x0) * (double)(best % g->nx) /
               (double)(g->nx - 1);
    double y = g->y0 + (g->y1 - g->y0) * (double)(best / g->nx) /
               (double)(g->ny - 1);
    NbMarkerStyle ms = {NB_MARKER_STAR, 16, {1, 1, 1, 1}, {0, 0, 0, 1},
                        NULL};
    double dy = (g->y1 - g->y0) * 0.04;
    if (nb_layer_markers(f, 0, 1, &x, &y, &ms) < 0 ||
        nb_layer_text(f, 0, x, y + dy, "minimum", (NbColor){0, 0, 0, 1}, 11,
                      0) < 0)
        return out_of_memory(a, d);
    return 0;
}

/* point=[a, b]: the point, and its partial derivatives as arrows along
 * the axes (∂f/∂x along x, ∂f/∂y along y), at the scale of the axes. */
static int add_point(NbSession *s, const NbArgs *a, NbFigure *f, const Fn *fn,
                     const Grid *g, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "point");
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    double pt[2];
    if (!is_value(e) || e->kind != NB_VEC || e->n != 2) {
        nb_diag_set(d, NB_ERR_TYPE, "point must be [x, y]");
        return fail(a, k->pos, d);
    }
    if (to_double(s, a, e->args[0], k->pos, &pt[0], d) ||
        to_double(s, a, e->args[1], k->pos, &pt[1], d))
        return -1;
    NbProgram *p = grad_prog(s, a, fn, g, d);
    if (!p)
        return -1;
    double out[3];
    double *scratch = malloc(nb_program_scratch(p) * sizeof *scratch + 1);
    if (!scratch) {
        nb_program_free(p);
        return out_of_memory(a, d);
    }
    nb_run_double(p, pt, out, scratch);
    free(scratch);
    nb_program_free(p);
    /* arrows of the partials' own lengths when they fit: else scaled
     * together so the longer is a fifth of the range and neither leaves
     * the picture */
    double span = fmin(g->x1 - g->x0, g->y1 - g->y0) * 0.2;
    double big = fmax(fabs(out[0]), fabs(out[1])), sc = big > span ?
                 span / big : 1;
    double room_x = out[0] > 0 ? g->x1 - pt[0] : pt[0] - g->x0;
    double room_y = out[1] > 0 ? g->y1 - pt[1] : pt[1] - g->y0;
    if (fabs(out[0]) * sc > 0.9 * room_x && room_x > 0)
        sc = 0.9 * room_x / fabs(out[0]);
    if (fabs(out[1]) * sc > 0.9 * room_y && room_y > 0)
        sc = 0.9 * room_y / fabs(out[1]);
    char lx[64], ly[64], lp[80];
    snprintf(lx, sizeof lx, "∂f/∂%s = %.4g", g->ranges[0]->name, out[0]);
    snprintf(ly, sizeof ly, "∂f/∂%s = %.4g", g->ranges[1]->name, out[1]);
    snprintf(lp, sizeof lp, "(%g, %g), f = %.4g", pt[0], pt[1], out[2]);
    double zero = 0, ax = out[0] * sc, ay = out[1] * sc;
    NbArrowStyle sx = {{0.84, 0.15, 0.16, 1}, 2, lx};
    NbArrowStyle sy = {{0.12, 0.47, 0.71, 1}, 2, ly};
    NbMarkerStyle ms = {NB_MARKER_CIRCLE, 9, {0, 0, 0, 1}, {0, 0, 0, 0}, lp};
    if (nb_layer_arrows(f, 0, 1, &pt[0], &pt[1], &ax, &zero, &sx) < 0 ||
        nb_layer_arrows(f, 0, 1, &pt[0], &pt[1], &zero, &ay, &sy) < 0 ||
        nb_layer_markers(f, 0, 1, &pt[0], &pt[1], &ms) < 0)
        return out_of_memory(a, d);
    return 0;
}

/* path=P: a list of [x, y] points, or any descend(...) result (the last
 * descent's path, which the session keeps). */
static int add_path_kw(NbSession *s, const NbArgs *a, NbFigure *f, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "path");
    if (!k)
        return 0;
    if (is_point_list(k->value)) {
        const NbExpr *e = k->value;
        double *c = malloc(2 * e->n * sizeof *c);
        int rc = c ? 0 : out_of_memory(a, d);
        for (size_t i = 0; rc == 0 && i < e->n; i++)
            rc = to_double(s, a, e->args[i]->args[0], k->pos, &c[2 * i], d) ||
                 to_double(s, a, e->args[i]->args[1], k->pos, &c[2 * i + 1], d);
        if (rc == 0 && nb_plot_add_path(f, 0, e->n, c, NULL))
            rc = out_of_memory(a, d);
        free(c);
        return rc;
    }
    size_t nv, np;
    const double *coords, *fv;
    if (nb_session_get_path(s, &nv, &np, &coords, &fv) || nv != 2) {
        nb_diag_set(d, NB_ERR_ARGS, "path must be a list of [x, y] points or "
                    "a descent of two variables, such as path=descend(f, "
                    "[1, 2])");
        return fail(a, k->pos, d);
    }
    return nb_plot_add_path(f, 0, np, coords, NULL) ? out_of_memory(a, d) : 0;
}

static int contour_layers(NbSession *s, const NbArgs *a, NbFigure *f,
                          const Fn *fn, const Grid *g, NbDiag *d)
{
    int log, filled, cbar;
    NbColormap cm;
    double lev[NB_PLOT_MAX_LEVELS];
    size_t nlev;
    if (scale_of(a, &log, d) || kw_flag(a, "filled", 1, &filled, d) ||
        kw_flag(a, "colorbar", filled, &cbar, d) ||
        cmap_of(a, filled ? NB_CMAP_BLUES : NB_CMAP_VIRIDIS, &cm, d) ||
        levels_of(s, a, g, log, lev, &nlev, d))
        return -1;
    char *cl = nb_plot_label(fn->body);
    NbContourStyle cs = {filled, cm, 0, {0, 0, 0, 0}, 0, !filled, cbar, log,
                         cl};
    int li = nb_layer_contour(f, 0, g->nx, g->ny, g->x0, g->x1, g->y0, g->y1,
                              g->z, nlev, lev, &cs);
    free(cl);
    if (li < 0)
        return out_of_memory(a, d);
    return add_field(s, a, f, fn, g, d) || add_minimum(a, f, g, d) ||
           add_point(s, a, f, fn, g, d) || add_path_kw(s, a, f, d);
}

/* The end of a grid command: free the function and the grid; the
 * figure goes to nb_picture_finish, or is freed when rc says failed. */
static const NbExpr *finish_grid(NbSession *s, const NbArgs *a, NbFigure *f,
                                 Fn *fn, Grid *g, int rc, NbDiag *d)
{
    fn_free(fn);
    free(g->z);
    if (rc) {
        nb_figure_free(f);
        return NULL;
    }
    return nb_picture_finish(s, a, f, d);
}

static const NbExpr *cmd_contour(NbSession *s, const NbArgs *a, NbDiag *d)
{
    Fn fn;
    Grid g;
    memset(&fn, 0, sizeof fn);
    if (grid_of(s, a, contour_kw, "contour", DEFAULT_GRID, &fn, &g, d)) {
        fn_free(&fn);
        free(g.z);
        return NULL;
    }
    NbFigure *f = new_figure(s, a, 1, 1, d);
    int rc = f ? contour_layers(s, a, f, &fn, &g, d) : -1;
    if (rc == 0) {
        double box[4] = {g.x0, g.x1, g.y0, g.y1};
        nb_panel_set_xlim(f, 0, g.x0, g.x1);
        nb_panel_set_ylim(f, 0, g.y0, g.y1);
        nb_plot_equal_if_square(f, 0, box);
        rc = set_texts(a, f, fn.label, g.ranges[0]->name, g.ranges[1]->name,
                       d);
    }
    return finish_grid(s, a, f, &fn, &g, rc, d);
}

/* ---- surface ----------------------------------------------------------------- */

static const char *const surface_kw[] = {"title", "xlabel", "ylabel", "to",
    "width", "height", "grid", "cmap", "elev", "azim", "zlabel", NULL};

static const NbExpr *cmd_surface(NbSession *s, const NbArgs *a, NbDiag *d)
{
    Fn fn;
    Grid g;
    memset(&fn, 0, sizeof fn);
    NbFigure *f = NULL;
    NbColormap cm;
    double elev, azim;
    const char *zl;
    int rc = grid_of(s, a, surface_kw, "surface", DEFAULT_SURFACE_GRID, &fn,
                     &g, d);
    if (rc == 0)
        rc = cmap_of(a, NB_CMAP_VIRIDIS, &cm, d) ||
             kw_number(s, a, "elev", 30, &elev, d) ||
             kw_number(s, a, "azim", -60, &azim, d) ||
             kw_text(a, "zlabel", &zl, d);
    if (rc == 0 && !(f = new_figure(s, a, 1, 1, d)))
        rc = -1;
    if (rc == 0) {
        nb_panel_set_kind(f, 0, NB_PANEL_3D);
        if (nb_layer_surface(f, 0, g.nx, g.ny, g.x0, g.x1, g.y0, g.y1, g.z,
                             cm) < 0 ||
            nb_panel_set_view(f, 0, elev, azim, zl ? zl : fn.label))
            rc = out_of_memory(a, d);
    }
    if (rc == 0)
        rc = set_texts(a, f, fn.label, g.ranges[0]->name, g.ranges[1]->name,
                       d);
    return finish_grid(s, a, f, &fn, &g, rc, d);
}

/* ---- figure: pictures side by side ------------------------------------------- */

static const char *const figure_kw[] = {"title", "to", "width", "height",
                                        "rows", "cols", NULL};

static const NbExpr *cmd_figure(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (nb_args_check_keywords(a, figure_kw, d) || nb_picture_check_to(a, d))
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < a->npos; i++) {
        NbFigure *p = nb_session_picture(s, a->pos[i].value);
        if (!p) {
            nb_diag_set(d, NB_ERR_TYPE, "figure combines pictures: each "
                        "argument must be a plot, contour or surface, such "
                        "as p = plot(sin(x), x=-3..3)");
            fail(a, a->pos[i].pos, d);
            return NULL;
        }
        n += (size_t)(nb_figure_rows(p) * nb_figure_cols(p));
    }
    if (n == 0 || n > NB_PLOT_MAX_PANELS) {
        nb_diag_set(d, NB_ERR_ARGS, "figure takes from 1 to %d panels",
                    NB_PLOT_MAX_PANELS);
        fail(a, a->call_pos, d);
        return NULL;
    }
    long cols, rows;
    if (kw_count(s, a, "cols", 1, NB_PLOT_MAX_PANELS, n < 3 ? (long)n : 3,
                 &cols, d) ||
        kw_count(s, a, "rows", 1, NB_PLOT_MAX_PANELS,
                 ((long)n + cols - 1) / cols, &rows, d))
        return NULL;
    if (nb_args_kw(a, "rows") && !nb_args_kw(a, "cols"))
        cols = ((long)n + rows - 1) / rows;
    if ((size_t)(rows * cols) < n || rows * cols > NB_PLOT_MAX_PANELS) {
        nb_diag_set(d, NB_ERR_ARGS, "%ld x %ld panels cannot hold %zu "
                    "pictures", rows, cols, n);
        fail(a, a->call_pos, d);
        return NULL;
    }
    NbFigure *f = new_figure(s, a, (int)rows, (int)cols, d);
    if (!f)
        return NULL;
    const char *title;
    int q = 0, rc = kw_text(a, "title", &title, d);
    if (rc == 0 && nb_figure_set_title(f, title))
        rc = out_of_memory(a, d);
    for (size_t i = 0; rc == 0 && i < a->npos; i++) {
        NbFigure *p = nb_session_picture(s, a->pos[i].value);
        for (int k = 0; rc == 0 && k < nb_figure_rows(p) * nb_figure_cols(p);
             k++)
            if (nb_figure_copy_panel(f, q++, p, k))
                rc = out_of_memory(a, d);
    }
    if (rc) {
        nb_figure_free(f);
        return NULL;
    }
    return nb_picture_finish(s, a, f, d);
}

static const char *word_of(const char *const *words, int i)
{
    for (int k = 0; i >= 0 && words[k]; k++)
        if (k == i)
            return words[k];
    return NULL;
}

static const char *scale_kind(int i)
{
    static const char *const kinds[] = {"linear", "log", NULL};
    return word_of(kinds, i);
}

static const char *cmap_kind(int i)
{
    static const char *const kinds[] = {"blues", "viridis", NULL};
    return word_of(kinds, i);
}

static const NbKeyValues plot_values[] = {
    {"logx", nb_kv_bool}, {"logy", nb_kv_bool}, {NULL, NULL}};
static const NbKeyValues contour_values[] = {
    {"scale", scale_kind}, {"cmap", cmap_kind}, {"filled", nb_kv_bool},
    {"colorbar", nb_kv_bool}, {NULL, NULL}};
static const NbKeyValues surface_values[] = {
    {"cmap", cmap_kind}, {NULL, NULL}};

const NbCommand nb_cmds_plot[] = {
    {"plot", cmd_plot, "plot(f, g, ..., x=a..b)",
     "Draws functions of one variable over a range: curves sampled where "
     "they bend, broken at poles. tangent=a or tangent=[a1, a2] adds tangent "
     "lines and marks where they touch; a list of [x, y] pairs adds data "
     "points. labels=[\"f\", \"f'\"] names the curves in the legend (by "
     "default their expressions). y=c..d fixes the y range; logx=true, "
     "logy=true log axes; title=, "
     "xlabel=, ylabel=, width=, height= (pixels), samples=N (at most "
     "100000). to=\"name.svg\" (or .png, .pdf) writes a file; at a terminal "
     "the picture is drawn under the prompt; p = plot(...) keeps it for "
     "figure().",
     "plot(x^2, tangent=[-2, 0, 1.5], x=-3..3, to=\"tangents.svg\")",
     plot_kw, plot_values},
    {"contour", cmd_contour, "contour(f, x=a..b, y=c..d)",
     "Draws a function of two variables as filled contours with a colourbar "
     "(filled=false: labelled contour lines). levels=N or levels=[...]; "
     "scale=\"log\" spaces levels logarithmically; field=true adds gradient "
     "arrows, field=\"descent\" the negative gradient and the lowest point; "
     "point=[a, b] a point with its partial derivatives as arrows; "
     "path=descend(...) or a list of [x, y] points a descent path; "
     "grid=N points per side (at most 1000); cmap=\"blues\" or \"viridis\".",
     "contour(x^2 + y^2, x=-3..3, y=-3..3, point=[2, 1.5], to=\"c.svg\")",
     contour_kw, contour_values},
    {"surface", cmd_surface, "surface(f, x=a..b, y=c..d)",
     "Draws a function of two variables as a 3-D surface coloured by "
     "height, hidden parts hidden. elev= and azim= set the view in degrees "
     "(30 and -60); grid=N quads per side; cmap=, zlabel=.",
     "surface(x^2 + y^2, x=-3..3, y=-3..3, to=\"s.png\")",
     surface_kw, surface_values},
    {"figure", cmd_figure, "figure(p1, p2, ...)",
     "Combines pictures kept as values into one figure, panels row by row: "
     "cols=N (default up to 3), rows=N, title= over all of them, to=.",
     "figure(plot(sigmoid(x), x=-6..6), plot(sigmoid'(x), x=-6..6), cols=2)",
     figure_kw, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
