/* cmd_descent.c — the descend() command (SPEC §5, §9): arguments to
 * NbDescentOpts, one descent or a comparison of several, the path as a
 * table (text, CSV, JSON), the verdict, the path kept for plotting, and the
 * final point as the command's value.
 *
 * Rows shown: every N-th step and always the first and the last. Without
 * every=, N is the smallest of 1, 2, 5, 10, 20, 50, ... that keeps
 * steps/N <= 15, so a path prints as 11 to 17 rows whatever its length
 * (nb_descent_auto_every).
 *
 * Lists: rate=[...], method=[...] or start=[[...], ...] (for one variable
 * also start=[a, b, ...]) run one descent per entry and print a comparison
 * table (final point, f, |grad|, steps, verdict) with each verdict as a
 * note; when the runs end at different minima the lowest is named (global
 * among those found) and the others local. Each run's path is data too:
 * in CSV and JSON the rows are the paths (run, what varies, step, point,
 * f, grad_norm: every N-th step of each run, as above) and the comparison
 * follows as a second block (CSV: after a blank line; JSON: summary.runs);
 * in text the paths are printed, before the comparison, when every= is
 * given. The path of the last descent is
 * kept for plot/contour. The value is the final point (of a comparison: the
 * lowest minimum found, else the last run's end); a bare descend(...)
 * statement (NbArgs.value_unused) returns NB_NOTHING so that nothing is
 * printed after its table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/command.h"
#include "nabla/descent.h"
#include "nabla/eval.h"
#include "nabla/print.h"
#include "nabla/progress.h"
#include "nabla/simplify.h"
#include "util/alloc.h"

#define MAX_STEPS 1000000000000L   /* 1e12: a bound, not a budget */
#define MAX_RUNS 1000

static const char *const keywords[] = {
    "start", "rate", "steps", "tol", "method", "every", "gradient", "beta",
    "beta1", "beta2", "eps", "c", "shrink", "h", "to", "curve", "scale",
    "width", "height", "plot", "animate", NULL,
};
#define NKEYWORDS (sizeof keywords / sizeof keywords[0] - 1)

/* What a list argument varies. */
typedef enum { VARY_NONE, VARY_RATE, VARY_METHOD, VARY_START } Vary;

typedef struct Ctx {
    NbSession *s;
    const NbArgs *a;
    NbStore *st;
    long prec;
    int digits;
    const NbExpr *body;
    size_t n;
    const char **names;
    const NbExpr **vars;
    NbDescentOpts o;
    Vary vary;
    size_t nruns;
    size_t nstarts, nrates, nmethods;  /* 1, or nruns for the list */
    const NbExpr **starts;   /* nstarts*n closed coordinates */
    double *start_d;         /* the same as doubles, for labels */
    double *rates;
    const NbExpr **rate_ex;  /* the rate expressions, exact for MPFR */
    int *methods;
} Ctx;

static int closed(const NbExpr *e)
{
    return e && e != NB_NOTHING && e->kind != NB_STR && e->kind != NB_VEC &&
           nb_free_syms(e, NULL, 0) == 0;
}

static int value_double(Ctx *c, const NbExpr *e, const NbArg *arg,
                        double *out, NbDiag *d)
{
    if (!closed(e)) {
        nb_diag_set(d, NB_ERR_TYPE, "%s: a number is expected",
                    arg->name ? arg->name : "start");
        nb_diag_locate(d, c->a->file, arg->pos, NULL, 0);
        return -1;
    }
    if (nb_eval_to_double(c->st, e, out, d)) {
        nb_diag_locate(d, c->a->file, arg->pos, NULL, 0);
        return -1;
    }
    return 0;
}

/* A keyword's number with a range check; *out keeps its default when the
 * keyword is absent. ok(v) says whether v is allowed; what names the rule. */
static int kw_number(Ctx *c, const char *name, double *out,
                     int (*ok)(double), const char *what, NbDiag *d)
{
    const NbArg *k = nb_args_kw(c->a, name);
    if (!k)
        return 0;
    double v;
    if (k->is_range || value_double(c, k->value, k, &v, d))
        return k->is_range ? (nb_diag_set(d, NB_ERR_TYPE, "%s: a number is "
                                          "expected", name),
                              nb_diag_locate(d, c->a->file, k->pos, NULL, 0),
                              -1)
                           : -1;
    if (!ok(v)) {
        nb_diag_set(d, NB_ERR_DOMAIN, "%s must be %s, not %.6g", name, what, v);
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    *out = v;
    return 0;
}

static int positive(double v) { return v > 0 && isfinite(v); }
static int nonneg(double v) { return v >= 0 && isfinite(v); }
static int unit_open(double v) { return v > 0 && v < 1; }
static int unit_halfopen(double v) { return v >= 0 && v < 1; }
static int count(double v) { return v >= 0 && v <= MAX_STEPS && v == floor(v); }
static int count1(double v) { return v >= 1 && v <= MAX_STEPS && v == floor(v); }

static int picture_size(double v)
{
    return v >= NB_PLOT_MIN_SIZE && v <= NB_PLOT_MAX_SIZE;
}

/* true or false (1 or 0). */
static int kw_flag(Ctx *c, const NbArg *k, int *out, NbDiag *d)
{
    const NbExpr *e = k->value;
    if (e && e->kind == NB_SYM && (strcmp(e->u.name, "true") == 0 ||
                                   strcmp(e->u.name, "false") == 0)) {
        *out = e->u.name[0] == 't';
        return 0;
    }
    if (e && e != NB_NOTHING && (nb_is_zero(e) || nb_is_one(e))) {
        *out = nb_is_one(e);
        return 0;
    }
    nb_diag_set(d, NB_ERR_TYPE, "%s must be true or false", k->name);
    nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
    return -1;
}

static int kw_string(Ctx *c, const NbArg *k, const NbExpr *e, const char **out,
                     NbDiag *d)
{
    if (!e || e == NB_NOTHING || e->kind != NB_STR) {
        nb_diag_set(d, NB_ERR_TYPE, "%s: a string is expected (\"...\")",
                    k->name);
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    *out = e->u.name;
    return 0;
}

static int method_of(Ctx *c, const NbArg *k, const NbExpr *e, int *m,
                     NbDiag *d)
{
    const char *name;
    if (kw_string(c, k, e, &name, d))
        return -1;
    *m = nb_descent_method_lookup(name);
    if (*m < 0) {
        nb_diag_set(d, NB_ERR_UNKNOWN, "unknown method \"%s\" (methods: gd, "
                    "momentum, nesterov, adam, backtracking, newton, bfgs)",
                    name);
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    return 0;
}

static int is_list(const NbArg *k)
{
    return k && !k->fn && k->value && k->value != NB_NOTHING &&
           k->value->kind == NB_VEC && !k->is_range;
}

/* Set the varying dimension, refusing two lists at once. */
static int set_vary(Ctx *c, Vary v, const NbArg *k, size_t n, NbDiag *d)
{
    if (c->vary != VARY_NONE) {
        nb_diag_set(d, NB_ERR_ARGS, "only one of rate=, method= and start= "
                    "can be a list");
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    if (n == 0 || n > MAX_RUNS) {
        nb_diag_set(d, NB_ERR_ARGS, "%s: a list of 1 to %d entries is expected",
                    k->name ? k->name : "start", MAX_RUNS);
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    c->vary = v;
    c->nruns = n;
    return 0;
}

/* --- arguments ------------------------------------------------------------ */

static int parse_rates(Ctx *c, NbDiag *d)
{
    const NbArg *k = nb_args_kw(c->a, "rate");
    const NbExpr *one = nb_num_frac(c->st, 1, 10);
    const NbExpr *const *vals = &one;
    c->nrates = 1;
    if (is_list(k)) {
        if (set_vary(c, VARY_RATE, k, k->value->n, d))
            return -1;
        vals = k->value->args;
        c->nrates = k->value->n;
    } else if (k) {
        vals = &k->value;
    }
    c->rates = nb_xcalloc(c->nrates, sizeof *c->rates);
    c->rate_ex = nb_xcalloc(c->nrates, sizeof *c->rate_ex);
    for (size_t i = 0; i < c->nrates; i++) {
        const NbArg *where = k ? k : &c->a->pos[0];
        if (value_double(c, vals[i], where, &c->rates[i], d))
            return -1;
        if (!positive(c->rates[i])) {
            nb_diag_set(d, NB_ERR_DOMAIN, "rate must be a positive number, "
                        "not %.6g", c->rates[i]);
            nb_diag_locate(d, c->a->file, where->pos, NULL, 0);
            return -1;
        }
        c->rate_ex[i] = vals[i];
    }
    return 0;
}

static int parse_methods(Ctx *c, NbDiag *d)
{
    const NbArg *k = nb_args_kw(c->a, "method");
    c->nmethods = 1;
    if (is_list(k)) {
        if (set_vary(c, VARY_METHOD, k, k->value->n, d))
            return -1;
        c->nmethods = k->value->n;
    }
    c->methods = nb_xcalloc(c->nmethods, sizeof *c->methods);
    if (!k)
        return 0;
    for (size_t i = 0; i < c->nmethods; i++)
        if (method_of(c, k, is_list(k) ? k->value->args[i] : k->value,
                      &c->methods[i], d))
            return -1;
    return 0;
}

/* One start point: a number (one variable) or a vector of n numbers. */
static int start_point(Ctx *c, const NbArg *k, const NbExpr *e, size_t run,
                       NbDiag *d)
{
    const NbExpr *const *coords = &e;
    size_t m = 1;
    if (e && e != NB_NOTHING && e->kind == NB_VEC)
        coords = e->args, m = e->n;
    if (m != c->n) {
        nb_diag_set(d, NB_ERR_ARGS, "start has %zu coordinate%s but f has %zu "
                    "variable%s", m, m == 1 ? "" : "s", c->n,
                    c->n == 1 ? "" : "s");
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    for (size_t j = 0; j < m; j++) {
        c->starts[run * c->n + j] = coords[j];
        if (value_double(c, coords[j], k, &c->start_d[run * c->n + j], d))
            return -1;
    }
    return 0;
}

/* start: positional or keyword; a list of points runs one descent each
 * (for one variable a plain list [a, b] is a list of starts too). */
static int parse_starts(Ctx *c, NbDiag *d)
{
    const NbArg *k = c->a->npos >= 2 ? &c->a->pos[1] : NULL;
    const NbArg *kw = nb_args_kw(c->a, "start");
    if (k && kw) {
        nb_diag_set(d, NB_ERR_ARGS, "start given twice");
        nb_diag_locate(d, c->a->file, kw->pos, NULL, 0);
        return -1;
    }
    k = k ? k : kw;
    if (!k) {
        nb_diag_set(d, NB_ERR_ARGS, "descend needs a start point: "
                    "descend(f, start)");
        nb_diag_locate(d, c->a->file, c->a->call_pos, NULL, 0);
        return -1;
    }
    const NbExpr *e = k->value;
    int many = 0;
    if (!k->fn && is_list(k) && e->n > 0) {
        many = e->args[0]->kind == NB_VEC || (c->n == 1 && e->n > 1);
    }
    if (k->fn) {
        nb_diag_set(d, NB_ERR_TYPE, "start: a number or a vector is expected");
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    c->nstarts = many ? e->n : 1;
    if (many && set_vary(c, VARY_START, k, e->n, d))
        return -1;
    c->starts = nb_xcalloc(c->nstarts * c->n, sizeof *c->starts);
    c->start_d = nb_xcalloc(c->nstarts * c->n, sizeof *c->start_d);
    for (size_t i = 0; i < c->nstarts; i++)
        if (start_point(c, k, many ? e->args[i] : e, i, d))
            return -1;
    return 0;
}

static int parse_gradient(Ctx *c, NbDiag *d)
{
    const NbArg *k = nb_args_kw(c->a, "gradient");
    const char *g;
    if (!k)
        return 0;
    if (kw_string(c, k, k->value, &g, d))
        return -1;
    if (strcmp(g, "numeric") == 0)
        c->o.numeric = 1;
    else if (strcmp(g, "symbolic") != 0) {
        nb_diag_set(d, NB_ERR_UNKNOWN, "gradient must be \"symbolic\" or "
                    "\"numeric\", not \"%s\"", g);
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    return 0;
}

static int parse_numbers(Ctx *c, NbDiag *d)
{
    NbDescentOpts *o = &c->o;
    double steps = (double)o->steps, every = 0;
    if (kw_number(c, "steps", &steps, count, "a whole number from 0 to 1e12", d) ||
        kw_number(c, "every", &every, count1, "a whole number from 1 to 1e12", d) ||
        kw_number(c, "tol", &o->tol, nonneg, "a number >= 0", d) ||
        kw_number(c, "beta", &o->beta, unit_halfopen, "in [0, 1)", d) ||
        kw_number(c, "beta1", &o->beta1, unit_halfopen, "in [0, 1)", d) ||
        kw_number(c, "beta2", &o->beta2, unit_halfopen, "in [0, 1)", d) ||
        kw_number(c, "eps", &o->eps, positive, "a positive number", d) ||
        kw_number(c, "c", &o->c, unit_open, "in (0, 1)", d) ||
        kw_number(c, "shrink", &o->shrink, unit_open, "in (0, 1)", d) ||
        kw_number(c, "h", &o->h, positive, "a positive number", d))
        return -1;
    o->steps = (long)steps;
    o->every = (long)every;
    return 0;
}

/* descend's keywords, and a range for each of f's variables (x=-3..3),
 * which sets the box of its picture. */
static int check_keywords(Ctx *c, NbDiag *d)
{
    const char **allowed = nb_xcalloc(NKEYWORDS + c->n + 1, sizeof *allowed);
    memcpy(allowed, keywords, NKEYWORDS * sizeof *allowed);
    for (size_t i = 0; i < c->n; i++)
        allowed[NKEYWORDS + i] = c->names[i];
    int rc = nb_args_check_keywords(c->a, allowed, d);
    free(allowed);
    return rc;
}

/* A path is drawn for one or two variables; more: learning curves only.
 * Said before any step is run. */
static int check_picture(Ctx *c, NbDiag *d)
{
    const NbArg *to = nb_args_kw(c->a, "to"), *curve = nb_args_kw(c->a, "curve");
    const NbArg *plot = nb_args_kw(c->a, "plot"), *anim = nb_args_kw(c->a, "animate");
    int want_curve = 0, want_plot = 0, want_anim = 0;
    if ((plot && kw_flag(c, plot, &want_plot, d)) ||
        (anim && kw_flag(c, anim, &want_anim, d)))
        return -1;
    if (!to && want_plot)
        to = plot;
    if (!to || c->n <= 2 || (curve && kw_flag(c, curve, &want_curve, d) == 0 &&
                             want_curve))
        return d->code == NB_OK ? 0 : -1;
    nb_diag_set(d, NB_ERR_ARGS, "a descent's picture shows one or two "
                "variables (this f has %zu); curve=true draws the learning "
                "curves", c->n);
    nb_diag_locate(d, c->a->file, to->pos, NULL, 0);
    return -1;
}

static int parse_args(Ctx *c, NbDiag *d)
{
    const NbArgs *a = c->a;
    if (a->npos < 1 || a->npos > 2) {
        nb_diag_set(d, NB_ERR_ARGS, "descend takes f and a start point, then "
                    "keywords: descend(f, start, rate=0.1, ...)");
        nb_diag_locate(d, a->file, a->npos ? a->pos[2].pos : a->call_pos,
                       NULL, 0);
        return -1;
    }
    const NbExpr *const *vars;
    if (nb_args_function(c->s, &a->pos[0], &c->body, &vars, &c->n, d))
        return -1;
    if (c->n == 0) {
        nb_diag_set(d, NB_ERR_ARGS, "f has no variable to descend along");
        nb_diag_locate(d, a->file, a->pos[0].pos, NULL, 0);
        return -1;
    }
    c->names = nb_xcalloc(c->n, sizeof *c->names);
    c->vars = nb_xcalloc(c->n, sizeof *c->vars);
    for (size_t i = 0; i < c->n; i++)
        c->vars[i] = vars[i], c->names[i] = vars[i]->u.name;
    if (check_keywords(c, d) || nb_picture_check_to(a, d) ||
        check_picture(c, d))
        return -1;
    return parse_rates(c, d) || parse_methods(c, d) || parse_starts(c, d) ||
           parse_gradient(c, d) || parse_numbers(c, d);
}

/* --- running ------------------------------------------------------------- */

static size_t pick(size_t count, size_t i) { return count > 1 ? i : 0; }

/* Exact values of the MPFR parameters: given keywords, else the defaults
 * as exact fractions (beta = 9/10 at prec bits, not the double 0.9). */
typedef struct Exact {
    mpfr_t v[5];   /* rate, beta, beta1, beta2, eps */
} Exact;

static int exact_param(Ctx *c, mpfr_ptr r, const NbExpr *given,
                       long num, unsigned long den, NbDiag *d)
{
    const NbExpr *e = given ? given : nb_num_frac(c->st, num, den);
    return nb_eval_to_mpfr(c->st, e, r, d);
}

static int exact_params(Ctx *c, size_t run, Exact *x, NbDescentExact *ex,
                        NbDiag *d)
{
    static const char *const names[4] = {"beta", "beta1", "beta2", "eps"};
    static const long num[4] = {9, 9, 999, 1};
    static const unsigned long den[4] = {10, 10, 1000, 100000000};
    if (exact_param(c, x->v[0], c->rate_ex[pick(c->nrates, run)], 1, 10, d))
        return -1;
    for (int i = 0; i < 4; i++) {
        const NbArg *k = nb_args_kw(c->a, names[i]);
        if (exact_param(c, x->v[i + 1], k ? k->value : NULL, num[i], den[i], d))
            return -1;
    }
    *ex = (NbDescentExact){x->v[0], x->v[1], x->v[2], x->v[3], x->v[4]};
    return 0;
}

static NbDescentResult *run_mpfr(Ctx *c, const NbObjective *obj,
                                 const NbDescentOpts *o, size_t run,
                                 NbDiag *d)
{
    mpfr_prec_t prec = (mpfr_prec_t)c->prec;
    mpfr_ptr start = nb_xcalloc(c->n, sizeof *start);
    Exact x;
    NbDescentExact ex;
    NbDescentResult *r = NULL;
    for (int i = 0; i < 5; i++)
        mpfr_init2(x.v[i], prec);
    for (size_t j = 0; j < c->n; j++)
        mpfr_init2(start + j, prec);
    const NbExpr *const *coords = c->starts + pick(c->nstarts, run) * c->n;
    int ok = exact_params(c, run, &x, &ex, d) == 0;
    for (size_t j = 0; ok && j < c->n; j++)
        ok = nb_eval_to_mpfr(c->st, coords[j], start + j, d) == 0;
    if (ok)
        r = nb_descent_run_mpfr(obj, o, &ex, prec, start, d);
    for (size_t j = 0; j < c->n; j++)
        mpfr_clear(start + j);
    for (int i = 0; i < 5; i++)
        mpfr_clear(x.v[i]);
    free(start);
    return r;
}

/* The progress line of a running descent: where it is, f and |grad|. */
static void show_progress(void *ctx, long step, double f, double gnorm)
{
    char detail[64];
    snprintf(detail, sizeof detail, "f = %.6g, |grad| = %.3g", f, gnorm);
    nb_progress_tick(ctx, step, detail);
}

static NbDescentResult *run_one(Ctx *c, const NbObjective *obj, size_t run,
                                NbDiag *d)
{
    NbDescentOpts o = c->o;
    o.progress = show_progress;
    o.progress_ctx = nb_session_progress(c->s);
    o.rate = c->rates[pick(c->nrates, run)];
    o.method = (NbDescentMethod)c->methods[pick(c->nmethods, run)];
    if (c->prec != NB_PREC_DOUBLE)
        return run_mpfr(c, obj, &o, run, d);
    return nb_descent_run(obj, &o, c->start_d + pick(c->nstarts, run) * c->n,
                          d);
}

/* --- output -------------------------------------------------------------- */

static char *cell_x(const Ctx *c, const NbDescentResult *r, size_t pt,
                    size_t j)
{
    if (r->m_x)
        return nb_format_mpfr(r->m_x + pt * r->n + j, c->digits);
    return nb_format_double(r->pt_x[pt * r->n + j], c->digits);
}

static char *cell_f(const Ctx *c, const NbDescentResult *r, size_t pt)
{
    return r->m_f ? nb_format_mpfr(r->m_f + pt, c->digits)
                  : nb_format_double(r->pt_f[pt], c->digits);
}

static char *cell_g(const Ctx *c, const NbDescentResult *r, size_t pt)
{
    return r->m_g ? nb_format_mpfr(r->m_g + pt, c->digits)
                  : nb_format_double(r->pt_g[pt], c->digits);
}

/* Column names: lead, the variables, then the tail names. */
static const char **columns(const Ctx *c, const char *lead,
                            const char *const *tail, size_t ntail,
                            size_t *ncols)
{
    size_t k = 0;
    const char **cols = nb_xcalloc(c->n + ntail + 1, sizeof *cols);
    cols[k++] = lead;
    for (size_t j = 0; j < c->n; j++)
        cols[k++] = c->names[j];
    for (size_t j = 0; j < ntail; j++)
        cols[k++] = tail[j];
    *ncols = k;
    return cols;
}

/* A row of a table of runs: [run number when run > 0], label, [step],
 * the point, f, |grad|, then the tail cells. Takes label, step and tail. */
static void run_row(const Ctx *c, NbTable *t, const NbDescentResult *r,
                    size_t pt, size_t run, char *label, char *step,
                    char **tail, size_t ntail)
{
    char *lead[3];
    size_t nlead = 0;
    if (run)
        lead[nlead++] = nb_cell("%zu", run);
    lead[nlead++] = label;
    if (step)
        lead[nlead++] = step;
    char **cells = nb_xcalloc(nlead + c->n + 2 + ntail, sizeof *cells);
    size_t k = 0;
    for (size_t j = 0; j < nlead; j++)
        cells[k++] = lead[j];
    for (size_t j = 0; j < c->n; j++)
        cells[k++] = cell_x(c, r, pt, j);
    cells[k++] = cell_f(c, r, pt);
    cells[k++] = cell_g(c, r, pt);
    for (size_t j = 0; j < ntail; j++)
        cells[k++] = tail[j];
    nb_table_row(t, (const char *const *)cells);
    for (size_t j = 0; j < k; j++)
        free(cells[j]);
    free(cells);
}

/* A row of one descent's path: lead (the step), the point, f, |grad|,
 * then the tail cells. Takes lead and tail. */
static void point_row(const Ctx *c, NbTable *t, const NbDescentResult *r,
                      size_t pt, char *lead, char **tail, size_t ntail)
{
    run_row(c, t, r, pt, 0, lead, NULL, tail, ntail);
}

/* JSON summary: verdict, steps, evaluations, the final point, f. */
static void summary(const Ctx *c, NbTable *t, const NbDescentResult *r)
{
    char *v;
    size_t last = r->npts - 1;
    nb_table_summary(t, "verdict", nb_verdict_name(r->verdict));
    nb_table_summary(t, "method", nb_descent_method_name(r->method));
    v = nb_cell("%ld", r->steps);
    nb_table_summary(t, "steps", v);
    free(v);
    v = nb_cell("%ld", r->fevals);
    nb_table_summary(t, "evaluations", v);
    free(v);
    v = nb_cell("%ld", r->gevals);
    nb_table_summary(t, "gradient_evaluations", v);
    free(v);
    v = nb_cell("%ld", r->hevals);
    nb_table_summary(t, "hessian_evaluations", v);
    free(v);
    for (size_t j = 0; j < c->n; j++) {
        char *key = nb_cell("final_%s", c->names[j]);
        v = cell_x(c, r, last, j);
        nb_table_summary(t, key, v);
        free(v);
        free(key);
    }
    v = cell_f(c, r, last);
    nb_table_summary(t, "f", v);
    free(v);
    v = cell_g(c, r, last);
    nb_table_summary(t, "grad_norm", v);
    free(v);
}

static void print_path(Ctx *c, const NbDescentResult *r)
{
    static const char *const tail[2] = {"f", "grad_norm"};
    size_t ncols;
    const char **cols = columns(c, "step", tail, 2, &ncols);
    NbTable *t = nb_table_new("descend", ncols, cols);
    long every = c->o.every > 0 ? c->o.every
                                : nb_descent_auto_every(r->steps, r->stride);
    for (size_t i = 0; i < r->npts; i++)
        if (r->pt_step[i] % every == 0 || i + 1 == r->npts)
            point_row(c, t, r, i, nb_cell("%ld", r->pt_step[i]), NULL, 0);
    const NbSessionOpts *so = nb_session_opts(c->s);
    if (so->format == NB_FORMAT_JSON)
        summary(c, t, r);
    char *verdict = nb_descent_verdict_text(r, c->names);
    nb_table_note(t, verdict);
    free(verdict);
    nb_session_table(c->s, t);
    nb_table_free(t);
    free(cols);
}

/* "rate 0.1", "method adam", "start [-2]": what distinguishes a run. */
static char *run_label(const Ctx *c, size_t run, int bare)
{
    switch (c->vary) {
    case VARY_RATE: {
        char *v = nb_format_double(c->rates[run], c->digits);
        char *s = bare ? v : nb_cell("rate %s", v);
        if (!bare)
            free(v);
        return s;
    }
    case VARY_METHOD:
        return nb_cell(bare ? "%s" : "method %s",
                       nb_descent_method_name((NbDescentMethod)c->methods[run]));
    default: {
        size_t len = 0;
        char *s = NULL;
        FILE *f = nb_xmemstream(&s, &len);
        fputs(bare ? "[" : "start [", f);
        for (size_t j = 0; j < c->n; j++)
            fprintf(f, "%s%.6g", j ? ", " : "", c->start_d[run * c->n + j]);
        fputc(']', f);
        fclose(f);
        return s;
    }
    }
}

static int is_minimum(const NbDescentResult *r)
{
    return r && r->verdict == NB_VERDICT_CONVERGED &&
           (r->kind == NB_POINT_MINIMUM || r->kind == NB_POINT_DEGENERATE);
}

static int same_point(const NbDescentResult *a, const NbDescentResult *b)
{
    const double *x = a->pt_x + (a->npts - 1) * a->n;
    const double *y = b->pt_x + (b->npts - 1) * b->n;
    double dist = 0, size = 1;
    for (size_t j = 0; j < a->n; j++) {
        dist = fmax(dist, fabs(x[j] - y[j]));
        size = fmax(size, fabs(x[j]));
    }
    return dist <= 1e-6 * size;
}

/* When runs end at different minima, name the lowest (global among those
 * found) and the others (local), with the runs that reached each. */
static void note_minima(const Ctx *c, NbTable *t, NbDescentResult **rs,
                        size_t nr)
{
    size_t *rep = nb_xcalloc(nr, sizeof *rep), nrep = 0, best = 0;
    for (size_t i = 0; i < nr; i++) {
        if (!is_minimum(rs[i]))
            continue;
        size_t j = 0;
        while (j < nrep && !same_point(rs[rep[j]], rs[i]))
            j++;
        if (j == nrep)
            rep[nrep++] = i;
    }
    for (size_t j = 1; j < nrep; j++)
        if (rs[rep[j]]->pt_f[rs[rep[j]]->npts - 1] <
            rs[rep[best]]->pt_f[rs[rep[best]]->npts - 1])
            best = j;
    for (size_t j = 0; nrep >= 2 && j < nrep; j++) {
        const NbDescentResult *r = rs[rep[j]];
        size_t len = 0;
        char *s = NULL;
        FILE *f = nb_xmemstream(&s, &len);
        fputs(j == best ? "lowest minimum found (global among those found): "
                        : "local minimum: ", f);
        for (size_t k = 0; k < c->n; k++)
            fprintf(f, "%s%s = %.6g", k ? ", " : "", c->names[k],
                    r->pt_x[(r->npts - 1) * r->n + k]);
        fprintf(f, ", f = %.6g, reached from", r->pt_f[r->npts - 1]);
        int first = 1;
        for (size_t i = 0; i < nr; i++)
            if (is_minimum(rs[i]) && same_point(rs[i], r)) {
                char *l = run_label(c, i, 0);
                fprintf(f, "%s %s", first ? "" : ",", l);
                free(l);
                first = 0;
            }
        fclose(f);
        nb_table_note(t, s);
        free(s);
    }
    free(rep);
}

/* cols (taken) with a and b (when not NULL) in front. */
static const char **with_lead(const char **cols, size_t *ncols, const char *a,
                              const char *b)
{
    size_t k = b ? 2 : 1;
    const char **r = nb_xcalloc(*ncols + k, sizeof *r);
    r[0] = a;
    if (b)
        r[1] = b;
    memcpy(r + k, cols, *ncols * sizeof *r);
    *ncols += k;
    free(cols);
    return r;
}

/* The comparison: a row per run with its end (final point, f, |grad|,
 * steps, verdict); in CSV and JSON also the run's number and evaluations,
 * so the rows join the paths' rows. */
static NbTable *comparison(Ctx *c, NbDescentResult **rs, size_t nr, int data)
{
    static const char *const tail[5] = {"f", "grad_norm", "steps", "verdict",
                                        "evaluations"};
    static const char *const lead[3] = {"rate", "method", "start"};
    size_t ncols;
    const char **cols = columns(c, lead[c->vary - VARY_RATE], tail,
                                data ? 5 : 4, &ncols);
    if (data) /* "run" first */
        cols = with_lead(cols, &ncols, "run", NULL);
    NbTable *t = nb_table_new("descend", ncols, cols);
    for (size_t i = 0; i < nr; i++) {
        const NbDescentResult *r = rs[i];
        char *extra[3] = {nb_cell("%ld", r->steps),
                          nb_cell("%s", nb_verdict_name(r->verdict)),
                          data ? nb_cell("%ld", r->fevals) : NULL};
        run_row(c, t, r, r->npts - 1, data ? i + 1 : 0, run_label(c, i, 1),
                NULL, extra, data ? 3 : 2);
    }
    free(cols);
    return t;
}

/* Every run's path: run, what varies, step, the point, f, |grad| at every
 * N-th step of each run (every=, else the run's own default), always the
 * first and the last. */
static NbTable *run_paths(Ctx *c, NbDescentResult **rs, size_t nr)
{
    static const char *const tail[2] = {"f", "grad_norm"};
    static const char *const lead[3] = {"rate", "method", "start"};
    size_t ncols;
    const char **cols = with_lead(columns(c, "step", tail, 2, &ncols), &ncols,
                                  "run", lead[c->vary - VARY_RATE]);
    NbTable *t = nb_table_new("descend", ncols, cols);
    for (size_t i = 0; i < nr; i++) {
        const NbDescentResult *r = rs[i];
        long every = c->o.every > 0 ? c->o.every
                                    : nb_descent_auto_every(r->steps, r->stride);
        for (size_t k = 0; k < r->npts; k++)
            if (r->pt_step[k] % every == 0 || k + 1 == r->npts)
                run_row(c, t, r, k, i + 1, run_label(c, i, 1),
                        nb_cell("%ld", r->pt_step[k]), NULL, 0);
    }
    free(cols);
    return t;
}

/* Several runs. Text: the comparison table, and with every= each run's
 * path before it. CSV and JSON: the paths as rows (a run column, so
 * learning curves export), the comparison as a block ("runs"). The notes
 * (each run's verdict, the minima found) close the table. */
static void print_comparison(Ctx *c, NbDescentResult **rs, size_t nr)
{
    const NbSessionOpts *so = nb_session_opts(c->s);
    int data = so->format == NB_FORMAT_CSV || so->format == NB_FORMAT_JSON;
    NbTable *t = comparison(c, rs, nr, data);
    if (data || c->o.every > 0) {
        NbTable *paths = run_paths(c, rs, nr);
        nb_table_block(paths, "runs", t);
        t = paths;
    }
    for (size_t i = 0; i < nr; i++) {
        char *l = run_label(c, i, 0), *v = nb_descent_verdict_text(rs[i], c->names);
        char *note = nb_cell("%s: %s", l, v);
        nb_table_note(t, note);
        free(note);
        free(l);
        free(v);
    }
    note_minima(c, t, rs, nr);
    nb_session_table(c->s, t);
    nb_table_free(t);
}

/* The final point as a value: a number for one variable, else a vector. */
static const NbExpr *final_value(Ctx *c, const NbDescentResult *r)
{
    size_t last = r->npts - 1;
    const NbExpr **v = nb_xcalloc(c->n, sizeof *v);
    for (size_t j = 0; j < c->n; j++)
        v[j] = r->m_x ? nb_flt_mpfr(c->st, r->m_x + last * r->n + j)
                      : nb_flt_double(c->st, r->pt_x[last * r->n + j]);
    const NbExpr *e = c->n == 1 ? v[0] : nb_vec(c->st, c->n, v);
    free(v);
    return e;
}

/* The run whose point a comparison returns: the lowest minimum found, or
 * the last run when none converged to a minimum. */
static size_t best_run(NbDescentResult **rs, size_t nr)
{
    size_t best = nr - 1;
    int found = 0;
    for (size_t i = 0; i < nr; i++)
        if (is_minimum(rs[i]) &&
            (!found || rs[i]->pt_f[rs[i]->npts - 1] <
                           rs[best]->pt_f[rs[best]->npts - 1])) {
            best = i;
            found = 1;
        }
    return best;
}

static void ctx_free(Ctx *c)
{
    free(c->names);
    free(c->vars);
    free(c->starts);
    free(c->start_d);
    free(c->rates);
    free(c->rate_ex);
    free(c->methods);
}

/* x=a..b for variable j of f: the picture's box in that dimension. */
static int picture_range(Ctx *c, size_t j, double r[2], NbDiag *d)
{
    const NbArg *k = j < c->n ? nb_args_kw(c->a, c->names[j]) : NULL;
    r[0] = r[1] = 0;
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    if (!e || !k->is_range || e->kind != NB_VEC || e->n != 2 ||
        value_double(c, e->args[0], k, &r[0], d) ||
        value_double(c, e->args[1], k, &r[1], d) || !(r[0] < r[1]) ||
        !isfinite(r[0]) || !isfinite(r[1])) {
        if (d->code == NB_OK)
            nb_diag_set(d, NB_ERR_ARGS, "%s must be a range low..high, such "
                        "as %s=-3..3", c->names[j], c->names[j]);
        nb_diag_locate(d, c->a->file, k->pos, NULL, 0);
        return -1;
    }
    return 0;
}

/* to=: the runs' picture, written and shown (plot_descent.c). */
static int draw(Ctx *c, NbDescentResult **rs, size_t nr, NbDiag *d)
{
    const NbArgs *a = c->a;
    int plot = 0;
    const NbArg *k = nb_args_kw(a, "plot");
    if (k && kw_flag(c, k, &plot, d))
        return -1;
    if (!nb_args_kw(a, "to") && !plot)
        return 0;
    NbDescentPic p = {c->body, c->vars, c->n, nr,
                      (const NbDescentResult *const *)rs, NULL, 0, 0,
                      {{0, 0}, {0, 0}}, nb_session_in_page(c->s)};
    double w = 0, h = 0;
    const char *scale = NULL;
    if (((k = nb_args_kw(a, "animate")) && kw_flag(c, k, &p.animate, d)) ||
        ((k = nb_args_kw(a, "curve")) && kw_flag(c, k, &p.curve, d)) ||
        ((k = nb_args_kw(a, "scale")) && kw_string(c, k, k->value, &scale, d)) ||
        kw_number(c, "width", &w, picture_size, "from 50 to 8000", d) ||
        kw_number(c, "height", &h, picture_size, "from 50 to 8000", d) ||
        picture_range(c, 0, p.range[0], d) || picture_range(c, 1, p.range[1], d))
        return -1;
    if (scale && strcmp(scale, "log") != 0 && strcmp(scale, "linear") != 0) {
        nb_diag_set(d, NB_ERR_ARGS, "scale must be \"linear\" or \"log\"");
        nb_diag_locate(d, a->file, nb_args_kw(a, "scale")->pos, NULL, 0);
        return -1;
    }
    p.log = scale && scale[1] == 'o';
    char **labels = nb_xcalloc(nr, sizeof *labels);
    for (size_t i = 0; i < nr; i++)
        labels[i] = c->vary != VARY_NONE ? run_label(c, i, 0)
                    : nb_cell("%s, rate %g", nb_descent_method_name(
                                  (NbDescentMethod)c->methods[0]), c->rates[0]);
    p.labels = (const char *const *)labels;
    NbFigure *f = nb_descent_figure(c->s, &p, w, h, d);
    for (size_t i = 0; i < nr; i++)
        free(labels[i]);
    free(labels);
    if (!f) {
        nb_diag_locate(d, a->file, a->call_pos, NULL, 0);
        return -1;
    }
    return nb_picture_write_show(c->s, a, f, d);
}

/* Run every descent, print, keep the last path; the value or NULL. */
static const NbExpr *descend_all(Ctx *c, const NbObjective *obj, NbDiag *d)
{
    size_t nr = c->vary == VARY_NONE ? 1 : c->nruns, done = 0;
    NbDescentResult **rs = nb_xcalloc(nr, sizeof *rs);
    const NbExpr *value = NULL;
    while (done < nr) {
        nb_progress_begin(nb_session_progress(c->s), "descend", c->o.steps);
        rs[done] = run_one(c, obj, done, d);
        nb_progress_end(nb_session_progress(c->s));
        if (!rs[done])
            break;
        if (rs[done++]->verdict == NB_VERDICT_INTERRUPTED)
            break;
    }
    if (done > 0) {
        NbDescentResult *last = rs[done - 1];
        if (c->vary == VARY_NONE)
            print_path(c, last);
        else
            print_comparison(c, rs, done);
        nb_session_set_path(c->s, c->n, last->npts, last->pt_x, last->pt_f);
        if (last->verdict == NB_VERDICT_INTERRUPTED)
            nb_diag_set(d, NB_ERR_INTERRUPTED, "descend interrupted at step %ld",
                        last->steps);
        else if (done == nr && draw(c, rs, done, d) == 0)
            value = c->a->value_unused ? NB_NOTHING
                                       : final_value(c, rs[best_run(rs, nr)]);
    }
    for (size_t i = 0; i < done; i++)
        nb_descent_result_free(rs[i]);
    free(rs);
    return value;
}

static const NbExpr *cmd_descend(NbSession *s, const NbArgs *a, NbDiag *d)
{
    Ctx c = {.s = s, .a = a, .st = nb_session_store(s),
             .prec = nb_session_prec(s),
             .digits = nb_session_opts(s)->digits};
    nb_descent_opts_default(&c.o);
    const NbExpr *value = NULL;
    int ok = parse_args(&c, d) == 0;
    if (ok && nb_check_precision(c.body, c.prec, d)) { /* gamma at 2^20 */
        nb_diag_locate(d, a->file, a->pos[0].pos, NULL, 0);
        ok = 0;
    }
    if (ok) {
        NbObjective *obj = nb_objective_compile(c.st, c.body, c.n, c.vars,
                                                c.prec, !c.o.numeric, d);
        if (obj) {
            value = descend_all(&c, obj, d);
            nb_objective_free(obj);
        } else {
            nb_diag_locate(d, a->file, a->pos[0].pos, NULL, 0);
        }
    }
    ctx_free(&c);
    return value;
}

static const char *descent_method(int i)
{
    return i >= 0 && i < NB_DESCENT__COUNT
           ? nb_descent_method_name((NbDescentMethod)i) : NULL;
}

static const char *word_of(const char *const *words, int i)
{
    for (int k = 0; words[k]; k++)
        if (k == i)
            return words[k];
    return NULL;
}

static const char *gradient_kind(int i)
{
    static const char *const kinds[] = {"symbolic", "numeric", NULL};
    return i >= 0 ? word_of(kinds, i) : NULL;
}

static const char *scale_kind(int i)
{
    static const char *const kinds[] = {"linear", "log", NULL};
    return i >= 0 ? word_of(kinds, i) : NULL;
}

static const NbKeyValues descend_values[] = {
    {"method", descent_method}, {"gradient", gradient_kind},
    {"scale", scale_kind}, {"curve", nb_kv_bool}, {NULL, NULL}};

const NbCommand nb_cmds_descent[] = {
    {"descend", cmd_descend,
     "descend(f, start, rate=0.1, steps=1000, tol=1e-10, method=\"gd\", "
     "every=N, gradient=\"symbolic\")",
     "Gradient descent on f from start (a number, or a vector in parameter "
     "order), in floating point at the working precision. Methods: gd "
     "(x -= rate*g), momentum (beta=0.9), nesterov, adam (beta1=0.9, "
     "beta2=0.999, eps=1e-8), backtracking (Armijo, c=1e-4, shrink=0.5, "
     "from rate), newton (exact Hessian, line search, gradient steps where "
     "it is not positive definite), bfgs (strong Wolfe search). "
     "gradient=\"numeric\" uses central differences (h=). Prints every N-th "
     "step (default: about 11-17 rows), then a verdict computed from the "
     "numbers: converged (with the Hessian's eigenvalues), saddle, maximum, "
     "plateau, diverged (with the stable rate 2/lambda_max), oscillating, "
     "unbounded, left the domain, or stopped at the step limit. "
     "rate=[...], method=[...] or start=[[...], ...] compare several runs "
     "and name the lowest minimum found; with every= each run's path is "
     "printed too, and in CSV/JSON the rows are the runs' paths (a run "
     "column: learning curves to export) with the comparison after them. "
     "Returns the final point. "
     "to=\"path.svg\" (or .png, .pdf) draws each run's path over f "
     "(contours for two variables, the curve for one), one panel per run; "
     "plot=true draws it without a file (at the terminal as set plots "
     "says, in a page inline); x=a..b, y=c..d set the box, scale=\"log\" "
     "spaces the contours logarithmically, curve=true draws the learning "
     "curves instead (f versus step, log y); animate=true rolls a ball "
     "along each path, step by step, in SVG (pages do it unless "
     "animate=false). "
     "Rosenbrock from [-1, 1] reaches |grad| < 1e-10 in: newton 20 "
     "iterations, bfgs 19, momentum rate=0.001 5283 steps, nesterov "
     "rate=0.001 5305, adam rate=0.001 8656, backtracking 23822, gd "
     "rate=0.001 55093.",
     "descend(x^2 + y^2, [-8, 6], rate=0.1, steps=20)",
     keywords, descend_values},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
