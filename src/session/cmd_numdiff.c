/* cmd_numdiff.c — the commands nderiv, hstudy and gradcheck (SPEC §4, §9).
 *
 * Each checks its arguments, compiles what it evaluates (compile.h) and
 * calls numdiff.h; nderiv returns its value, hstudy and gradcheck print a
 * table (table.h) in the session's format and return NB_NOTHING (a
 * gradcheck that FAILs then returns an NB_ERR_CHECK error: exit status 1).
 *
 * Argument conventions shared by the three: f is a user function, a
 * built-in's name or an expression (its free variables sorted by name); a
 * point is a number for a function of one variable, else a vector in
 * parameter order; prec is `double` or a number of bits; a method is a
 * string ("five-point") or, for one-word names, a bare name (central).
 */
#include "nabla/command.h"
#include "nabla/builtins.h"
#include "nabla/compile.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "nabla/limits.h"
#include "nabla/numdiff.h"
#include "nabla/print.h"
#include "nabla/progress.h"
#include "nabla/simplify.h"
#include "util/alloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- argument helpers ------------------------------------------------------ */

static const NbExpr *fail_at(const NbArgs *a, NbPos pos, NbDiag *d)
{
    nb_diag_locate(d, a->file, pos, NULL, 0);
    return NULL;
}

static int err_at(const NbArgs *a, NbPos pos, NbDiag *d)
{
    nb_diag_locate(d, a->file, pos, NULL, 0);
    return -1;
}

static int is_value(const NbExpr *e)
{
    return e && e != NB_NOTHING;
}

/* A bare name or a string: its text, else NULL. */
static const char *arg_word(const NbArg *arg)
{
    const NbExpr *e = arg->value;
    if (arg->fn || !is_value(e))
        return NULL;
    return e->kind == NB_SYM || e->kind == NB_STR ? e->u.name : NULL;
}

static int is_closed_number(const NbExpr *e)
{
    return is_value(e) && (e->kind == NB_NUM || e->kind == NB_FLT ||
                           e->kind == NB_CONST || nb_free_syms(e, NULL, 0) == 0)
           && e->kind != NB_VEC && e->kind != NB_STR;
}

/* prec=double or prec=BITS (one element). */
static int prec_of(const NbArgs *a, const NbExpr *e, NbPos pos, long *prec,
                   NbDiag *d)
{
    if (is_value(e) && (e->kind == NB_SYM || e->kind == NB_STR) &&
        strcmp(e->u.name, "double") == 0) {
        *prec = NB_PREC_DOUBLE;
        return 0;
    }
    if (is_value(e) && nb_is_integer(e) &&
        mpz_cmp_si(mpq_numref(e->u.q), NB_MIN_PRECISION) >= 0 &&
        mpz_cmp_si(mpq_numref(e->u.q), NB_MAX_PRECISION) <= 0) {
        *prec = mpz_get_si(mpq_numref(e->u.q));
        return 0;
    }
    nb_diag_set(d, NB_ERR_PRECISION, "prec must be double or a number of "
                "bits from %d to %ld", NB_MIN_PRECISION, NB_MAX_PRECISION);
    return err_at(a, pos, d);
}

static int method_of(const NbArgs *a, const NbExpr *e, NbPos pos,
                     NbNdMethod *m, NbDiag *d)
{
    const char *w = is_value(e) && (e->kind == NB_SYM || e->kind == NB_STR)
                    ? e->u.name : NULL;
    int id = nb_nd_method_lookup(w);
    if (id >= 0) {
        *m = (NbNdMethod)id;
        return 0;
    }
    nb_diag_set(d, NB_ERR_ARGS, "unknown method%s%s%s; methods: forward "
                "backward central \"five-point\" richardson "
                "\"complex-step\"", w ? " '" : "", w ? w : "", w ? "'" : "");
    return err_at(a, pos, d);
}

static int double_of(NbSession *s, const NbArgs *a, const NbExpr *e, NbPos pos,
                     double *out, NbDiag *d)
{
    if (!is_closed_number(e)) {
        nb_diag_set(d, NB_ERR_TYPE, "a number is expected here");
        return err_at(a, pos, d);
    }
    if (nb_eval_to_double(nb_session_store(s), e, out, d))
        return err_at(a, pos, d);
    return 0;
}

/* Is e (closed) positive although its double v is 0? h=1e-400 is a
 * positive step that underflows: say so, not "must be positive". */
static int underflows(NbSession *s, const NbExpr *e, double v)
{
    if (v != 0)
        return 0;
    mpfr_t t;
    mpfr_init2(t, 64);
    int pos = nb_eval_to_mpfr(nb_session_store(s), e, t, NULL) == 0
              && mpfr_sgn(t) > 0;
    mpfr_clear(t);
    return pos;
}

static int underflow_error(const NbArgs *a, const char *what, NbPos pos,
                           NbDiag *d)
{
    nb_diag_set(d, NB_ERR_DOMAIN, "%s underflows to 0 in double (the least "
                "positive double is 4.9e-324)", what);
    return err_at(a, pos, d);
}

/* A keyword number > 0, or dflt when absent. */
static int kw_positive(NbSession *s, const NbArgs *a, const char *name,
                       double dflt, double *out, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, name);
    *out = dflt;
    if (!k)
        return 0;
    if (double_of(s, a, k->value, k->pos, out, d))
        return -1;
    if (underflows(s, k->value, *out))
        return underflow_error(a, name, k->pos, d);
    if (!(*out > 0) || !isfinite(*out)) {
        nb_diag_set(d, NB_ERR_DOMAIN, "%s must be a positive number", name);
        return err_at(a, k->pos, d);
    }
    return 0;
}

static int kw_bool(const NbArgs *a, const char *name, int *out, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, name);
    *out = 0;
    if (!k)
        return 0;
    const char *w = arg_word(k);
    if (w && (strcmp(w, "true") == 0 || strcmp(w, "false") == 0)) {
        *out = w[0] == 't';
        return 0;
    }
    if (is_value(k->value) && (nb_is_zero(k->value) || nb_is_one(k->value))) {
        *out = nb_is_one(k->value);
        return 0;
    }
    nb_diag_set(d, NB_ERR_TYPE, "%s must be true or false", name);
    return err_at(a, k->pos, d);
}

/* The coordinates of one point: a number for n == 1, else a vector of n
 * closed expressions. */
static int point_of(const NbArgs *a, const NbExpr *e, NbPos pos, size_t n,
                    const NbExpr **coords, NbDiag *d)
{
    if (n <= 1 && is_closed_number(e)) {
        coords[0] = e;
        return 0;
    }
    if (n > 1 && is_value(e) && e->kind == NB_VEC && e->n == n) {
        for (size_t i = 0; i < n; i++) {
            if (!is_closed_number(e->args[i]))
                break;
            coords[i] = e->args[i];
            if (i + 1 == n)
                return 0;
        }
    }
    if (n <= 1)
        nb_diag_set(d, NB_ERR_TYPE, "the point must be a number");
    else
        nb_diag_set(d, NB_ERR_TYPE, "the point must be a vector of %zu "
                    "numbers (one per variable, in parameter order)", n);
    return err_at(a, pos, d);
}

/* The first built-in in e whose flags, masked by mask, equal want, or
 * NULL. An explicit stack: no deep recursion. */
static const char *builtin_with(const NbExpr *e, unsigned mask, unsigned want)
{
    size_t cap = 64, n = 0;
    const NbExpr **stack = nb_xmalloc(cap * sizeof *stack);
    const char *found = NULL;
    stack[n++] = e;
    while (n && !found) {
        const NbExpr *x = stack[--n];
        if (x->kind == NB_FN && (nb_builtins[x->fn].flags & mask) == want)
            found = nb_builtins[x->fn].name;
        for (uint32_t i = 0; i < x->n && x->kind != NB_NUM; i++) {
            if (n == cap) {
                const NbExpr **t = nb_xrealloc(stack, (cap *= 2) * sizeof *stack);
                stack = t;
            }
            stack[n++] = x->args[i];
        }
    }
    free(stack);
    return found;
}

static int need_analytic(const NbArgs *a, const NbProgram *p,
                         const NbExpr *body, NbDiag *d)
{
    if (nb_program_is_analytic(p))
        return 0;
    /* no analytic extension: complex-step cannot run through it */
    const char *name = builtin_with(body, NB_BF_ANALYTIC, 0);
    if (name)
        nb_diag_set(d, NB_ERR_ARGS, "complex-step needs an analytic function, "
                    "and %s has no analytic extension; use central or "
                    "richardson", name);
    else
        nb_diag_set(d, NB_ERR_ARGS, "complex-step needs an analytic function; "
                    "use central or richardson");
    return err_at(a, a->call_pos, d);
}

/* ---- nderiv ---------------------------------------------------------------- */

typedef struct NdCall {
    const NbExpr *body;
    const NbExpr *const *vars;
    size_t nvars;
    const NbExpr **x0;       /* nvars closed expressions */
    NbNdMethod method;
    long prec;
    double h;                /* 0: the method's default */
    const NbExpr *h_ex;      /* h as given (exact: rounded once to prec) */
    NbNdStep step;           /* step="given" (default) or "exact" */
    int with_error;
    long only;               /* var= index, or -1 for all */
} NdCall;

static const char *const nderiv_kw[] = {"h", "method", "prec", "error",
                                        "var", "step", NULL};

/* step="given" (the textbook quotient with h as given) or "exact" (divided
 * by the step actually taken, fl(x0 + h) - x0). */
static int nderiv_step(const NbArgs *a, NdCall *c, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "step");
    c->step = NB_ND_STEP_GIVEN;
    if (!k)
        return 0;
    const char *w = arg_word(k);
    if (w && strcmp(w, "exact") == 0)
        c->step = NB_ND_STEP_EXACT;
    else if (!w || strcmp(w, "given") != 0) {
        nb_diag_set(d, NB_ERR_ARGS, "step must be \"given\" (the quotient "
                    "with h as given) or \"exact\" (divided by the step "
                    "actually taken)");
        return err_at(a, k->pos, d);
    }
    return 0;
}

static int nderiv_var(const NbArgs *a, NdCall *c, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "var");
    c->only = c->nvars == 1 ? 0 : -1;
    if (!k)
        return 0;
    const char *w = arg_word(k);
    for (size_t i = 0; w && i < c->nvars; i++)
        if (strcmp(c->vars[i]->u.name, w) == 0) {
            c->only = (long)i;
            return 0;
        }
    nb_diag_set(d, NB_ERR_ARGS, "var must name one of the function's "
                "variables");
    return err_at(a, k->pos, d);
}

static int nderiv_args(NbSession *s, const NbArgs *a, NdCall *c, NbDiag *d)
{
    if (a->npos != 2) {
        nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage "
                    "nderiv(f, x0, h=1e-5, method=\"central\", prec=double, "
                    "error=false, var=x)");
        return err_at(a, a->call_pos, d);
    }
    if (nb_args_check_keywords(a, nderiv_kw, d) ||
        nb_args_function(s, &a->pos[0], &c->body, &c->vars, &c->nvars, d))
        return -1;
    c->x0 = nb_xcalloc(c->nvars ? c->nvars : 1, sizeof *c->x0);
    if (point_of(a, a->pos[1].value, a->pos[1].pos, c->nvars, c->x0, d))
        return -1;
    const NbArg *k;
    c->method = NB_ND_CENTRAL;
    if ((k = nb_args_kw(a, "method")) &&
        method_of(a, k->value, k->pos, &c->method, d))
        return -1;
    c->prec = nb_session_prec(s);
    if ((k = nb_args_kw(a, "prec")) && prec_of(a, k->value, k->pos, &c->prec, d))
        return -1;
    if (nb_check_precision(c->body, c->prec, d)) /* gamma at 2^20 bits */
        return err_at(a, k ? k->pos : a->call_pos, d);
    c->h = 0;
    if ((k = nb_args_kw(a, "h")) && kw_positive(s, a, "h", 0, &c->h, d))
        return -1;
    c->h_ex = k ? k->value : NULL;
    if (kw_bool(a, "error", &c->with_error, d) || nderiv_step(a, c, d))
        return -1;
    return nderiv_var(a, c, d);
}

/* One partial in double: value and estimate as expressions. */
static int partial_double(NbSession *s, const NbArgs *a, const NdCall *c,
                          NbNdProg *pf, size_t i, const double *pt,
                          const NbExpr **v, const NbExpr **e, NbDiag *d)
{
    double val, err;
    nb_nd_prog_set_var(pf, i);
    if (nb_nd_double_step(nb_nd_prog_func(pf), pt[i], c->h, c->method,
                          c->step, &val, c->with_error ? &err : NULL, d))
        return err_at(a, a->call_pos, d);
    *v = nb_flt_double(nb_session_store(s), val);
    if (c->with_error)
        *e = nb_flt_double(nb_session_store(s), err);
    return 0;
}

static int partial_mpfr(NbSession *s, const NbArgs *a, const NdCall *c,
                        NbNdProg *pf, size_t i, mpfr_t *pt,
                        const NbExpr **v, const NbExpr **e, NbDiag *d)
{
    mpfr_t val, err, h;
    mpfr_inits2(c->prec, val, err, h, (mpfr_ptr)0);
    int rc = 0;
    /* h as written, rounded once to prec: 1e-5 at 256 bits is not the
     * double nearest 1e-5 (hstudy rounds its steps the same way) */
    if (c->h > 0 && nb_eval_to_mpfr(nb_session_store(s), c->h_ex, h, d)) {
        mpfr_clears(val, err, h, (mpfr_ptr)0);
        return err_at(a, nb_args_kw(a, "h")->pos, d);
    }
    nb_nd_prog_set_var(pf, i);
    if (nb_nd_mpfr_step(nb_nd_prog_func(pf), pt[i], c->h > 0 ? h : NULL,
                        c->method, c->step, val, c->with_error ? err : NULL,
                        d)) {
        rc = err_at(a, a->call_pos, d);
    } else {
        *v = nb_flt_mpfr(nb_session_store(s), val);
        if (c->with_error) {
            mpfr_prec_round(err, 53, MPFR_RNDU);
            *e = nb_flt_mpfr(nb_session_store(s), err);
        }
    }
    mpfr_clears(val, err, h, (mpfr_ptr)0);
    return rc;
}

/* The point at the working precision; pt and ptm have nvars entries. */
static int nderiv_point(NbSession *s, const NbArgs *a, const NdCall *c,
                        double *pt, mpfr_t *ptm, NbDiag *d)
{
    NbStore *st = nb_session_store(s);
    for (size_t i = 0; i < c->nvars; i++) {
        int rc = c->prec == NB_PREC_DOUBLE
                 ? nb_eval_to_double(st, c->x0[i], &pt[i], d)
                 : nb_eval_to_mpfr(st, c->x0[i], ptm[i], d);
        if (rc)
            return err_at(a, a->pos[1].pos, d);
        if (c->prec != NB_PREC_DOUBLE)
            pt[i] = mpfr_get_d(ptm[i], MPFR_RNDN);
    }
    return 0;
}

/* SPEC §2: the point of non-differentiability is reported when numeric
 * work hits it. Where body has a kinked built-in (abs, relu, floor...), the
 * one-sided slopes in variable i at a small step are compared; when they
 * disagree, the note's text (malloc'd), else NULL (the value stands:
 * central gives their average, the ML convention's subgradient for abs and
 * relu). nderiv and gradcheck print it the same way. */
static char *kink_text(const NbExpr *body, const NbExpr *const *vars,
                       NbNdProg *pf, size_t i, const double *pt)
{
    const char *name = builtin_with(body, NB_BF_KINKED, NB_BF_KINKED);
    if (!name)
        return NULL;
    const NbNdFunc *fn = nb_nd_prog_func(pf);
    double h = 1e-7 * fmax(1, fabs(pt[i])), fw, bw;
    nb_nd_prog_set_var(pf, i);
    if (nb_nd_double(fn, pt[i], h, NB_ND_FORWARD, &fw, NULL, NULL) ||
        nb_nd_double(fn, pt[i], h, NB_ND_BACKWARD, &bw, NULL, NULL))
        return NULL;
    if (fabs(fw - bw) <= 1e-4 * fmax(fabs(fw), fabs(bw)) + 1e-6)
        return NULL;
    char *x = nb_format_double(pt[i], 0), *l = nb_format_double(bw, 6),
         *r = nb_format_double(fw, 6);
    char *t = nb_cell("%s is not differentiable at or near %s = %s "
                      "(one-sided slopes %s and %s)", name, vars[i]->u.name,
                      x, l, r);
    free(x);
    free(l);
    free(r);
    return t;
}

static void kink_note(NbSession *s, const char *command, const NbExpr *body,
                      const NbExpr *const *vars, NbNdProg *pf, size_t i,
                      const double *pt)
{
    char *t = kink_text(body, vars, pf, i, pt);
    if (t)
        fprintf(nb_session_err(s), "note: %s: %s\n", command, t);
    free(t);
}

static const NbExpr *nderiv_run(NbSession *s, const NbArgs *a, NdCall *c,
                                NbProgram *p, NbDiag *d)
{
    size_t n = c->nvars;
    double *pt = nb_xcalloc(n, sizeof *pt);
    mpfr_t *ptm = nb_xcalloc(n, sizeof *ptm);
    const NbExpr **vals = nb_xcalloc(n, sizeof *vals);
    const NbExpr **errs = nb_xcalloc(n, sizeof *errs);
    const NbExpr *r = NULL;
    for (size_t i = 0; i < n; i++)
        mpfr_init2(ptm[i], c->prec == NB_PREC_DOUBLE ? 53 : c->prec);
    mpfr_srcptr *ptp = nb_xcalloc(n, sizeof *ptp);
    for (size_t i = 0; i < n; i++)
        ptp[i] = ptm[i];
    if (nderiv_point(s, a, c, pt, ptm, d) == 0) {
        NbNdProg *pf = nb_nd_prog_new(p, pt, c->prec == NB_PREC_DOUBLE
                                      ? NULL : ptp);
        size_t lo = c->only >= 0 ? (size_t)c->only : 0;
        size_t hi = c->only >= 0 ? lo + 1 : n;
        int rc = 0;
        for (size_t i = lo; i < hi && rc == 0; i++)
            kink_note(s, "nderiv", c->body, c->vars, pf, i, pt);
        for (size_t i = lo; i < hi && rc == 0; i++)
            rc = c->prec == NB_PREC_DOUBLE
                 ? partial_double(s, a, c, pf, i, pt, &vals[i - lo],
                                  &errs[i - lo], d)
                 : partial_mpfr(s, a, c, pf, i, ptm, &vals[i - lo],
                                &errs[i - lo], d);
        nb_nd_prog_free(pf);
        if (rc == 0) {
            NbStore *st = nb_session_store(s);
            size_t m = hi - lo;
            const NbExpr *v = m == 1 ? vals[0] : nb_vec(st, m, vals);
            const NbExpr *e = m == 1 ? errs[0] : c->with_error
                              ? nb_vec(st, m, errs) : NULL;
            r = c->with_error ? nb_vec(st, 2, (const NbExpr *[]){v, e}) : v;
        }
    }
    for (size_t i = 0; i < n; i++)
        mpfr_clear(ptm[i]);
    free(ptp);
    free(pt);
    free(ptm);
    free(vals);
    free(errs);
    return r;
}

static const NbExpr *cmd_nderiv(NbSession *s, const NbArgs *a, NbDiag *d)
{
    NdCall c;
    memset(&c, 0, sizeof c);
    const NbExpr *r = NULL;
    if (nderiv_args(s, a, &c, d) == 0) {
        if (c.nvars == 0) { /* a constant: exactly 0, with error 0 */
            NbStore *st = nb_session_store(s);
            r = nb_num_si(st, 0);
            if (c.with_error) /* the shape does not hang on simplification */
                r = nb_vec(st, 2, (const NbExpr *[]){r, r});
        } else {
            NbProgram *p = nb_compile(nb_session_store(s), 1, &c.body,
                                      c.nvars, c.vars, d);
            if (!p)
                fail_at(a, a->pos[0].pos, d);
            else if (c.method != NB_ND_COMPLEX_STEP ||
                     need_analytic(a, p, c.body, d) == 0)
                r = nderiv_run(s, a, &c, p, d);
            nb_program_free(p);
        }
    }
    free(c.x0);
    return r;
}

/* ---- hstudy ---------------------------------------------------------------- */

static const char *const hstudy_kw[] = {"h", "per_decade", "methods", "prec",
                                        "to", "digits", "plot", NULL};

/* h=[hmax, hmin] (either order). hmin may be below the range of doubles
 * (1e-1000 at 4096 bits): its log10 is taken in MPFR. */
static int hstudy_h(NbSession *s, const NbArgs *a, NbHstudyOpts *o, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "h");
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    if (!is_value(e) || e->kind != NB_VEC || e->n != 2 ||
        !is_closed_number(e->args[0]) || !is_closed_number(e->args[1])) {
        nb_diag_set(d, NB_ERR_TYPE, "h must be [hmax, hmin] (or hmax..hmin)");
        return err_at(a, k->pos, d);
    }
    mpfr_t v[2];
    double lg[2];
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        mpfr_init2(v[i], 64);
        if (rc == 0 && nb_eval_to_mpfr(nb_session_store(s), e->args[i], v[i],
                                       d))
            rc = err_at(a, k->pos, d);
        lg[i] = NAN;
        if (rc == 0 && mpfr_regular_p(v[i]) && mpfr_sgn(v[i]) > 0) {
            mpfr_log10(v[i], v[i], MPFR_RNDN);
            lg[i] = mpfr_get_d(v[i], MPFR_RNDN);
        }
        mpfr_clear(v[i]);
    }
    if (rc)
        return -1;
    int big = lg[1] > lg[0];
    if (!(lg[0] < 300) || !(lg[1] < 300) || !(lg[big] > -300)) {
        nb_diag_set(d, NB_ERR_DOMAIN, "the steps in h must be positive "
                    "(hmax from 1e-300 to 1e300)");
        return err_at(a, k->pos, d);
    }
    if (double_of(s, a, e->args[big], k->pos, &o->hmax, d))
        return -1;
    o->lg_hmin = lg[!big];
    o->hmin = 0;
    return 0;
}

static int hstudy_methods(const NbArgs *a, NbHstudyOpts *o, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "methods");
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    size_t n = is_value(e) && e->kind == NB_VEC ? e->n : 1;
    for (size_t i = 0; i < n; i++) {
        NbNdMethod m;
        if (method_of(a, e->kind == NB_VEC ? e->args[i] : e, k->pos, &m, d))
            return -1;
        o->methods |= 1u << m;
    }
    return 0;
}

static int hstudy_precs(const NbArgs *a, NbHstudyOpts *o, NbDiag *d)
{
    const NbArg *k = nb_args_kw(a, "prec");
    if (!k)
        return 0;
    const NbExpr *e = k->value;
    size_t n = is_value(e) && e->kind == NB_VEC ? e->n : 1;
    if (n == 0 || n > NB_HSTUDY_MAX_PRECS) {
        nb_diag_set(d, NB_ERR_ARGS, "prec takes 1 to %d precisions",
                    NB_HSTUDY_MAX_PRECS);
        return err_at(a, k->pos, d);
    }
    o->nprecs = n;
    for (size_t i = 0; i < n; i++)
        if (prec_of(a, e->kind == NB_VEC ? e->args[i] : e, k->pos,
                    &o->precs[i], d))
            return -1;
    return 0;
}

static int hstudy_args(NbSession *s, const NbArgs *a, NbHstudyOpts *o,
                       NbDiag *d)
{
    nb_hstudy_opts_default(o);
    o->digits = nb_session_opts(s)->digits;
    const NbArg *k;
    double pd;
    if (hstudy_h(s, a, o, d) || kw_positive(s, a, "per_decade", 0, &pd, d) ||
        hstudy_methods(a, o, d) || hstudy_precs(a, o, d))
        return -1;
    if (pd != floor(pd) || pd > 100 || (pd == 0 && nb_args_kw(a, "per_decade"))) {
        nb_diag_set(d, NB_ERR_ARGS, "per_decade must be a whole number from "
                    "1 to 100");
        return err_at(a, nb_args_kw(a, "per_decade")->pos, d);
    }
    o->per_decade = (int)pd;
    if ((k = nb_args_kw(a, "digits"))) {
        double dg;
        if (double_of(s, a, k->value, k->pos, &dg, d))
            return -1;
        o->digits = dg >= 1 && dg <= 1000 ? (int)dg : 0;
    }
    return 0;
}

static char *prec_text(long prec)
{
    return prec == NB_PREC_DOUBLE ? nb_cell("double") : nb_cell("%ld", prec);
}

/* A number cell: 3 significant digits for errors, missing when undefined. */
static char *num_cell(double v, int digits)
{
    return isfinite(v) ? nb_format_double(v, digits) : nb_cell(NB_CELL_MISSING);
}

/* A text kept by the study (printed from MPFR), or missing. */
static char *text_cell(const char *t)
{
    return nb_cell("%s", t ? t : NB_CELL_MISSING);
}

static void hstudy_rows(NbTable *t, const NbHstudy *hs)
{
    for (size_t i = 0; i < hs->nseries; i++) {
        const NbHstudySeries *se = &hs->series[i];
        for (size_t r = 0; r < se->nrows; r++) {
            const NbHstudyRow *row = &se->rows[r];
            char *cells[6] = {prec_text(se->prec),
                              nb_cell("%s", nb_nd_method_name(se->method)),
                              text_cell(row->h_text), text_cell(row->value),
                              text_cell(row->abs_text),
                              text_cell(row->rel_text)};
            nb_table_row(t, (const char *const *)cells);
            for (int c = 0; c < 6; c++)
                free(cells[c]);
        }
    }
}

/* The summary per method and precision (SPEC §9): best_h, best_error,
 * predicted_h, predicted_error; with_exact: also f'(x0), so that CSV keeps
 * it on stdout. */
static NbTable *hstudy_summary(const NbHstudy *hs, int with_exact)
{
    static const char *const cols[7] = {"prec", "method", "best_h",
        "best_error", "predicted_h", "predicted_error", "exact"};
    size_t nc = with_exact ? 7 : 6;
    NbTable *sum = nb_table_new("hstudy", nc, cols);
    for (size_t i = 0; i < hs->nseries; i++) {
        const NbHstudySeries *se = &hs->series[i];
        char *cells[7] = {prec_text(se->prec),
                          nb_cell("%s", nb_nd_method_name(se->method)),
                          text_cell(se->best_h_text),
                          text_cell(se->best_error_text),
                          text_cell(se->predicted_h_text),
                          text_cell(se->predicted_error_text),
                          text_cell(hs->exact)};
        nb_table_row(sum, (const char *const *)cells);
        for (int c = 0; c < 7; c++)
            free(cells[c]);
    }
    return sum;
}

static void hstudy_notes(NbTable *t, const NbHstudy *hs, const char *to)
{
    for (size_t i = 0; i < hs->nseries; i++) {
        const char *n = hs->series[i].note;
        int seen = 0;
        for (size_t j = 0; j < i && n && !seen; j++)
            seen = hs->series[j].note && strcmp(hs->series[j].note, n) == 0;
        if (n && !seen)
            nb_table_note(t, n);
    }
    for (size_t i = 0; i < hs->nnotes; i++)
        nb_table_note(t, hs->notes[i]);
    if (to) {
        char *n = nb_cell("plot written to %s", to);
        nb_table_note(t, n);
        free(n);
    }
}

/* Text: the table, the exact derivative, then the summary as a second
 * aligned table and the notes. CSV: the rows, then after a blank line the
 * summary with its own header, f'(x0) in its exact column (notes on
 * stderr). JSON: one document, the summary's rows in summary.methods
 * beside summary.exact. */
static void hstudy_print(NbSession *s, const NbHstudy *hs, const char *to)
{
    static const char *const cols[6] = {"prec", "method", "h", "value",
                                        "abs_error", "rel_error"};
    NbTable *t = nb_table_new("hstudy", 6, cols);
    NbFormat fmt = nb_session_opts(s)->format;
    FILE *out = nb_session_out(s);
    hstudy_rows(t, hs);
    if (fmt != NB_FORMAT_CSV && fmt != NB_FORMAT_JSON) {
        nb_session_table(s, t);
        fprintf(out, "\nexact f'(x0) = %s (symbolic, evaluated at %ld bits "
                "and checked %d bits higher)\n\n", hs->exact ? hs->exact
                : "?", hs->ref_bits, 64);
        nb_table_free(t);
        t = hstudy_summary(hs, 0);
    } else {
        char *ex = nb_cell("%s", hs->exact ? hs->exact : NB_CELL_MISSING);
        char *bits = nb_cell("%ld", hs->ref_bits);
        nb_table_summary(t, "exact", ex);
        nb_table_summary(t, "exact_bits", bits);
        free(ex);
        free(bits);
        nb_table_block(t, "methods", hstudy_summary(hs, 1));
    }
    hstudy_notes(t, hs, to);
    nb_session_table(s, t);
    nb_table_free(t);
}

/* The progress line of a long study (progress.h: on a terminal only). */
static void hstudy_progress(void *ctx, long done, long total)
{
    if (done == 1)
        nb_progress_total(ctx, total);
    nb_progress_tick(ctx, done, NULL);
}

/* to=: the error-versus-h picture (plot_hstudy.c), written and shown. */
static int hstudy_draw(NbSession *s, const NbArgs *a, const NbHstudy *hs,
                       const NbExpr *body, NbDiag *d)
{
    char *name = nb_plot_label(body);
    NbFigure *f = nb_hstudy_figure(hs, name);
    free(name);
    if (!f) {
        nb_diag_set(d, NB_ERR_TOO_LARGE, "out of memory for the picture");
        return -1;
    }
    return nb_picture_write_show(s, a, f, d);
}

static const NbExpr *cmd_hstudy(NbSession *s, const NbArgs *a, NbDiag *d)
{
    const NbExpr *body;
    const NbExpr *const *vars;
    size_t nvars;
    NbHstudyOpts o;
    if (a->npos != 2) {
        nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage "
                    "hstudy(f, x0, h=[hmax, hmin], per_decade=1, "
                    "methods=[...], prec=[double, 113, 256], "
                    "to=\"h.svg\")");
        return fail_at(a, a->call_pos, d);
    }
    if (nb_args_check_keywords(a, hstudy_kw, d) ||
        nb_args_function(s, &a->pos[0], &body, &vars, &nvars, d) ||
        hstudy_args(s, a, &o, d))
        return NULL;
    if (nvars != 1) {
        if (nvars == 0)
            nb_diag_set(d, NB_ERR_ARGS, "hstudy studies a function of one "
                        "variable; this one has none");
        else
            nb_diag_set(d, NB_ERR_ARGS, "hstudy studies a function of one "
                        "variable; this one has %zu (%s, %s%s)", nvars,
                        vars[0]->u.name, vars[1]->u.name,
                        nvars > 2 ? ", ..." : "");
        return fail_at(a, a->pos[0].pos, d);
    }
    const NbExpr *x0 = a->pos[1].value;
    if (!is_closed_number(x0)) {
        nb_diag_set(d, NB_ERR_TYPE, "x0 must be a number");
        return fail_at(a, a->pos[1].pos, d);
    }
    if (nb_picture_check_to(a, d))
        return NULL;
    const NbArg *to = nb_args_kw(a, "to"), *plot = nb_args_kw(a, "plot");
    const char *path = to ? arg_word(to) : NULL;
    int draw = path != NULL;
    if (plot) {   /* plot=true: drawn without a file (terminal, page) */
        const NbExpr *v = plot->value;
        int t = v && v->kind == NB_SYM && strcmp(v->u.name, "true") == 0;
        if (!t && !(v && v->kind == NB_SYM && strcmp(v->u.name, "false") == 0)) {
            nb_diag_set(d, NB_ERR_TYPE, "plot must be true or false");
            return fail_at(a, plot->pos, d);
        }
        draw |= t;
    }
    /* the reference runs at twice each precision; a precision hstudy
     * refuses anyway (NB_MAX_HSTUDY_BITS) is said by nb_hstudy_run */
    for (size_t i = 0; i < o.nprecs; i++)
        if (o.precs[i] <= NB_MAX_HSTUDY_BITS &&
            nb_check_precision(body, 2 * o.precs[i], d))
            return fail_at(a, nb_args_kw(a, "prec")->pos, d);
    NbHstudy hs;
    o.progress = hstudy_progress;
    o.progress_ctx = nb_session_progress(s);
    nb_progress_begin(o.progress_ctx, "hstudy", 0);
    int rc = nb_hstudy_run(nb_session_store(s), body, vars[0], x0, &o, &hs, d);
    nb_progress_end(o.progress_ctx);
    if (rc == 0)
        hstudy_print(s, &hs, path);
    if (rc == 0 && draw)
        rc = hstudy_draw(s, a, &hs, body, d);
    nb_hstudy_free(&hs);
    if (rc && d->file)
        return NULL;
    return rc == 0 ? NB_NOTHING : fail_at(a, a->call_pos, d);
}

/* ---- gradcheck ------------------------------------------------------------- */

static const char *const gradcheck_kw[] = {"grad", "h", "tol", NULL};

/* The claimed gradient as n expressions in f's variables. */
static int claimed_of(NbSession *s, const NbArgs *a, const NbExpr *body,
                      const NbExpr *const *vars, size_t n,
                      const NbExpr **out, NbDiag *d)
{
    NbStore *st = nb_session_store(s);
    const NbArg *k = nb_args_kw(a, "grad");
    if (!k) {
        const NbExpr *g = nb_grad(st, body, n, vars, d);
        if (!g)
            return err_at(a, a->call_pos, d);
        for (size_t i = 0; i < n; i++)
            out[i] = g->args[i];
        return 0;
    }
    const NbExpr *g = k->value;
    if (k->fn && k->fn->nparams == n) /* rename its parameters to f's */
        g = nb_subs(st, k->fn->body, n, k->fn->params, vars);
    if (is_value(g) && g->kind == NB_VEC && g->n == n) {
        for (size_t i = 0; i < n; i++)
            out[i] = g->args[i];
        return 0;
    }
    if (n == 1 && is_value(g) && g->kind != NB_VEC && g->kind != NB_STR) {
        out[0] = g;
        return 0;
    }
    nb_diag_set(d, NB_ERR_TYPE, "grad must be a function of the same "
                "variables, or a vector of %zu expressions in them", n);
    return err_at(a, k->pos, d);
}

/* The points: one number / vector, or a vector of them. */
static int points_of(const NbArgs *a, const NbArg *arg, size_t n,
                     const NbExpr ***pts, size_t *npts, NbDiag *d)
{
    const NbExpr *e = arg->value;
    int many = is_value(e) && e->kind == NB_VEC &&
               (n == 1 || (e->n > 0 && e->args[0]->kind == NB_VEC));
    *npts = many ? e->n : 1;
    if (*npts == 0) {
        nb_diag_set(d, NB_ERR_ARGS, "no points to check");
        return err_at(a, arg->pos, d);
    }
    *pts = nb_xcalloc(*npts * (n ? n : 1), sizeof **pts);
    for (size_t p = 0; p < *npts; p++)
        if (point_of(a, many ? e->args[p] : e, arg->pos, n, *pts + p * n, d))
            return -1;
    return 0;
}

static char *point_text(const double *x, size_t n)
{
    size_t len = 3, cap = 64;
    char *s = nb_xmalloc(cap);
    strcpy(s, n > 1 ? "[" : "");
    len = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char *v = nb_format_double(x[i], 0);
        size_t need = len + strlen(v) + 4;
        if (need > cap) {
            char *t = nb_xrealloc(s, cap = need * 2);
            s = t;
        }
        len += (size_t)sprintf(s + len, "%s%s", i ? ", " : "", v);
        free(v);
    }
    if (n > 1)
        strcpy(s + len, "]");
    return s;
}

typedef struct GcRun {
    const NbExpr *body;
    NbProgram *f, *g;
    const NbExpr *const *vars;
    size_t n;
    double h, tol, worst;
    int fails;
    char *first_fail;
} GcRun;

static int gc_point(NbSession *s, GcRun *r, NbTable *t, const NbExpr **pt,
                    NbDiag *d)
{
    size_t n = r->n;
    double x[n], cl[n], nu[n], rel[n];
    int ok[n];
    for (size_t i = 0; i < n; i++)
        if (nb_eval_to_double(nb_session_store(s), pt[i], &x[i], d))
            return -1;
    if (nb_gradcheck_point(r->f, r->g, x, r->h, r->tol, cl, nu, rel, ok, d))
        return -1;
    NbNdProg *pf = nb_nd_prog_new(r->f, x, NULL);
    for (size_t i = 0; i < n; i++)
        kink_note(s, "gradcheck", r->body, r->vars, pf, i, x);
    nb_nd_prog_free(pf);
    char *ptxt = point_text(x, n);
    for (size_t i = 0; i < n; i++) {
        char *cells[6] = {nb_cell("%s", ptxt),
                          nb_cell("%s", r->vars[i]->u.name),
                          nb_format_double(cl[i], 0), nb_format_double(nu[i], 0),
                          num_cell(rel[i], 3), nb_cell(ok[i] ? "PASS" : "FAIL")};
        nb_table_row(t, (const char *const *)cells);
        if (!ok[i] && !r->first_fail) {
            char *tol = nb_format_double(r->tol, 0);
            r->first_fail = nb_cell("gradcheck: FAIL at point %s, component "
                                    "%s: claimed %s, numeric %s, rel_error "
                                    "%s > tol %s", ptxt, cells[1], cells[2],
                                    cells[3], cells[4], tol);
            free(tol);
        }
        for (int c = 0; c < 6; c++)
            free(cells[c]);
        r->fails += !ok[i];
        if (!(rel[i] <= r->worst))
            r->worst = rel[i];
    }
    free(ptxt);
    return 0;
}

static void gc_verdict(NbTable *t, const GcRun *r, size_t npts, int text)
{
    char *tol = nb_format_double(r->tol, 0), *w = num_cell(r->worst, 3);
    char *v = r->fails
        ? nb_cell("gradcheck: FAIL (%d of %zu components over tol %s)",
                  r->fails, npts * r->n, tol)
        : nb_cell("gradcheck: PASS (%zu point%s, max rel_error %s <= tol %s)",
                  npts, npts == 1 ? "" : "s", w, tol);
    if (!text) { /* as data; in text the verdict line says it all */
        nb_table_summary(t, "verdict", r->fails ? "FAIL" : "PASS");
        nb_table_summary(t, "max_rel_error", w);
    }
    if (r->first_fail)
        nb_table_note(t, r->first_fail);
    nb_table_note(t, v);
    free(tol);
    free(w);
    free(v);
}

static int gc_setup(NbSession *s, const NbArgs *a, GcRun *r,
                    const NbExpr **body, NbDiag *d)
{
    if (a->npos != 2) {
        nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage "
                    "gradcheck(f, points, grad=g, h=1e-5, tol=1e-6)");
        return err_at(a, a->call_pos, d);
    }
    if (nb_args_check_keywords(a, gradcheck_kw, d) ||
        nb_args_function(s, &a->pos[0], body, &r->vars, &r->n, d) ||
        kw_positive(s, a, "h", 1e-5, &r->h, d) ||
        kw_positive(s, a, "tol", 1e-6, &r->tol, d))
        return -1;
    if (r->n == 0) {
        nb_diag_set(d, NB_ERR_ARGS, "the function has no variable to check");
        return err_at(a, a->pos[0].pos, d);
    }
    return 0;
}

static const NbExpr *cmd_gradcheck(NbSession *s, const NbArgs *a, NbDiag *d)
{
    static const char *const cols[6] = {"point", "component", "claimed",
                                        "numeric", "rel_error", "status"};
    GcRun r;
    memset(&r, 0, sizeof r);
    const NbExpr *body, **claimed = NULL, **pts = NULL;
    size_t npts = 0;
    const NbExpr *res = NULL;
    NbStore *st = nb_session_store(s);
    if (gc_setup(s, a, &r, &body, d))
        return NULL;
    r.body = body;
    claimed = nb_xcalloc(r.n, sizeof *claimed);
    if (claimed_of(s, a, body, r.vars, r.n, claimed, d) == 0 &&
        points_of(a, &a->pos[1], r.n, &pts, &npts, d) == 0 &&
        (r.f = nb_compile(st, 1, &body, r.n, r.vars, d)) &&
        (r.g = nb_compile(st, r.n, claimed, r.n, r.vars, d))) {
        NbTable *t = nb_table_new("gradcheck", 6, cols);
        int rc = 0;
        for (size_t p = 0; p < npts && rc == 0; p++)
            rc = gc_point(s, &r, t, pts + p * r.n, d);
        if (rc == 0) {
            gc_verdict(t, &r, npts,
                       nb_session_opts(s)->format == NB_FORMAT_TEXT);
            nb_session_table(s, t);
            res = NB_NOTHING;
        }
        if (rc == 0 && r.fails) { /* a failed check gates a build: status 1 */
            char *tol = nb_format_double(r.tol, 0);
            nb_diag_set(d, NB_ERR_CHECK, "gradcheck failed: %d of %zu "
                        "components over tol %s", r.fails, npts * r.n, tol);
            free(tol);
            res = NULL;
        }
        nb_table_free(t);
    }
    if (!res)
        fail_at(a, a->call_pos, d);
    nb_program_free(r.f);
    nb_program_free(r.g);
    free(r.first_fail);
    free(claimed);
    free(pts);
    return res;
}

/* ---- the table --------------------------------------------------------------- */

static const char *nd_method(int i)
{
    return i >= 0 && i < NB_ND__COUNT ? nb_nd_method_name((NbNdMethod)i) : NULL;
}

static const NbKeyValues nderiv_values[] = {
    {"method", nd_method}, {"error", nb_kv_bool}, {NULL, NULL}};
static const NbKeyValues hstudy_values[] = {
    {"methods", nd_method}, {NULL, NULL}};

const NbCommand nb_cmds_numdiff[] = {
    {"nderiv", cmd_nderiv,
     "nderiv(f, x0, h=1e-5, method=\"central\", prec=double, error=false, "
     "var=x, step=\"given\")",
     "Numeric derivative of f at x0 (a vector for several variables: the "
     "gradient, or the partial in var=). Methods: forward, backward, "
     "central, \"five-point\", richardson (Ridders' extrapolation: no h "
     "needed, about 1e-15 relative in double, within 1 ulp at prec=BITS), "
     "\"complex-step\" (Im f(x0+ih)/h, h=1e-20; analytic functions only). "
     "The stencil methods compute the textbook quotient with the h given "
     "(central (f(x0+h) - f(x0-h))/(2h)): the value of hstudy's row at that "
     "h and of NumPy, bit for bit; step=\"exact\" divides by the step "
     "actually taken, fl(x0+h) - x0, instead. "
     "prec=BITS runs it in MPFR (h rounded once to BITS). error=true "
     "returns [value, error_estimate].",
     "nderiv(sin(x)*exp(-x^2/2), 0.5, method=\"richardson\")",
     nderiv_kw, nderiv_values},
    {"hstudy", cmd_hstudy,
     "hstudy(f, x0, h=[hmax, hmin], per_decade=1, methods=[...], "
     "prec=[double, 113, 256], digits=N, to=\"h.svg\")",
     "Error versus step: every method at every h from 0.1 down to about "
     "the epsilon of each precision, against the exact derivative (symbolic, "
     "evaluated far above the precision studied), then per method and "
     "precision the observed best h and error beside the optimum the "
     "truncation + rounding model predicts from f'', f''' and f^(5). "
     "Each h is the decimal its row prints (nderiv at that h gives the "
     "row's value). Without per_decade= a study keeps about 100 rows per "
     "method at any precision (above 330 bits, one row every few decades); "
     "at most 100000 rows and 16384 bits. CSV prints the summary as a "
     "second table after a blank line; JSON in summary.methods. "
     "to=\"h.svg\" also draws error versus h, log-log, one line per method "
     "and precision; plot=true draws it without a file (at the terminal as "
     "set plots says, in a page inline).",
     "hstudy(x^2, 3, methods=[\"forward\", \"central\"], prec=double)",
     hstudy_kw, hstudy_values},
    {"gradcheck", cmd_gradcheck,
     "gradcheck(f, points, grad=g, h=1e-5, tol=1e-6)",
     "Check a claimed derivative (a function, or a vector of expressions; "
     "the symbolic gradient when omitted) against central differences at "
     "each point: relative error |a - n| / max(|a|, |n|, noise) per "
     "component, where noise is the rounding noise of the difference "
     "quotient (so a zero derivative is compared absolutely), PASS/FAIL "
     "per component and overall. A FAIL is an error after the table (exit "
     "status 1), so a gradient check can gate a build.",
     "gradcheck(sigmoid, [-2, -1, 0, 1, 2], grad=sigmoid(x)*(1-sigmoid(x)))",
     gradcheck_kw, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
