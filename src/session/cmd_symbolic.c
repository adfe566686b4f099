/* cmd_symbolic.c — the symbolic commands of SPEC §3: diff, grad, hessian,
 * jacobian, taylor, tangent, simplify, expand, subs, eval, latex, ccode.
 *
 * Each command checks its arguments, calls diff.h / simplify.h / print.h,
 * and returns the value; the session prints it. latex() and ccode() return
 * a string (NB_STR), which the session prints raw, without quotes, so the
 * output can be pasted into a document or a C file.
 *
 * A function argument is either an expression or a user function's name
 * (NbArg.fn): grad(f) uses f's parameter order, grad(expr) the expression's
 * free variables sorted by name (nb_args_function).
 */
#include "nabla/command.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "nabla/limits.h"
#include "nabla/print.h"
#include "nabla/simplify.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const no_keywords[] = {NULL};

/* --- argument helpers ------------------------------------------------------- */

static const NbExpr *fail_at(const NbArgs *a, NbPos pos, NbDiag *d)
{
    nb_diag_locate(d, a->file, pos, NULL, 0);
    return NULL;
}

static int npos_between(const NbArgs *a, size_t lo, size_t hi,
                        const char *usage, NbDiag *d)
{
    if (a->npos >= lo && a->npos <= hi)
        return nb_args_check_keywords(a, no_keywords, d) == 0;
    nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage %s", usage);
    nb_diag_locate(d, a->file, a->call_pos, NULL, 0);
    return 0;
}

/* The expression an argument denotes (a user function gives its body);
 * names with values in it are constants: the variables are named. */
static const NbExpr *arg_expr(NbSession *s, const NbArg *arg, NbDiag *d)
{
    const NbExpr *body;
    return nb_args_expr(s, arg, &body, d) ? NULL : body;
}

static int is_var(const NbArg *arg)
{
    return !arg->fn && arg->value && arg->value != NB_NOTHING
           && arg->value->kind == NB_SYM;
}

static const NbExpr *arg_var(NbSession *s, const NbArg *arg, NbDiag *d)
{
    return nb_args_variable(s, arg, d);
}

/* An exact integer in [0, NB_MAX_DIFF_ORDER]. */
static int arg_order(const NbArgs *a, const NbArg *arg, long *n, NbDiag *d)
{
    const NbExpr *v = arg->value;
    if (!arg->fn && v && v != NB_NOTHING && nb_is_integer(v)
        && mpz_sgn(mpq_numref(v->u.q)) >= 0
        && mpz_cmp_si(mpq_numref(v->u.q), NB_MAX_DIFF_ORDER) <= 0) {
        *n = mpz_get_si(mpq_numref(v->u.q));
        return 1;
    }
    nb_diag_set(d, NB_ERR_ARGS, "an order between 0 and %d is expected here",
                NB_MAX_DIFF_ORDER);
    fail_at(a, arg->pos, d);
    return 0;
}

/* A closed scalar (the point of a Taylor expansion or tangent). */
static const NbExpr *arg_point(const NbArgs *a, const NbArg *arg, NbDiag *d)
{
    const NbExpr *v = arg->value;
    if (!arg->fn && v && v != NB_NOTHING && v->kind != NB_VEC
        && v->kind != NB_STR && nb_free_syms(v, NULL, 0) == 0)
        return v;
    nb_diag_set(d, NB_ERR_TYPE, "a number is expected here");
    return fail_at(a, arg->pos, d);
}

/* The single variable of a function argument, for tangent(f, a). */
static const NbExpr *single_var(NbSession *s, const NbArgs *a,
                                const NbArg *arg, const NbExpr **body,
                                NbDiag *d)
{
    const NbExpr *const *vars;
    size_t n;
    if (nb_args_function(s, arg, body, &vars, &n, d))
        return NULL;
    if (n == 1)
        return vars[0];
    if (n == 0 && !arg->fn)
        return nb_sym(nb_session_store(s), "x");
    nb_diag_set(d, NB_ERR_ARGS, "a function of one variable is expected here "
                "(this one has %zu); name the variable", n);
    return fail_at(a, arg->pos, d);
}

/* Variables for grad/hessian/jacobian: an optional vector of names given
 * as argument i, else the function's own. Returns a malloc'd array. */
static const NbExpr **vars_of(NbSession *s, const NbArgs *a, size_t i,
                              const NbExpr *const *fvars, size_t nf,
                              size_t *nvars, NbDiag *d)
{
    if (i < a->npos) {
        const NbExpr *v = a->pos[i].value;
        if (a->pos[i].fn || !v || v == NB_NOTHING || v->kind != NB_VEC) {
            nb_diag_set(d, NB_ERR_TYPE, "a vector of variable names is expected here");
            fail_at(a, a->pos[i].pos, d);
            return NULL;
        }
        for (size_t k = 0; k < v->n; k++)
            if (v->args[k]->kind != NB_SYM) {
                if (nb_args_free_name(s, a->pos[i].bound,
                                      a->pos[i].bound_pos, d))
                    return NULL;
                nb_diag_set(d, NB_ERR_TYPE, "a vector of variable names is expected here");
                fail_at(a, a->pos[i].pos, d);
                return NULL;
            }
        fvars = v->args;
        nf = v->n;
    }
    const NbExpr **r = nb_xmalloc((nf + 1) * sizeof *r);
    memcpy(r, fvars, nf * sizeof *r);
    *nvars = nf;
    return r;
}

static const NbExpr *located(const NbExpr *r, const NbArgs *a, NbDiag *d)
{
    if (!r)
        nb_diag_locate(d, a->file, a->call_pos, NULL, 0);
    return r;
}

/* --- diff ------------------------------------------------------------------ */

/* diff(e), diff(e, x), diff(e, x, n), diff(e, x, y, ...), diff(e, x, 2, y) */
static const NbExpr *cmd_diff(NbSession *s, const NbArgs *a, NbDiag *d)
{
    static const char usage[] = "diff(expr, x[, n]) or diff(expr, x, y, ...)";
    if (!npos_between(a, 1, 1 + 2 * NB_MAX_DIFF_ORDER, usage, d))
        return NULL;
    NbStore *st = nb_session_store(s);
    const NbExpr *e;
    if (a->npos == 1) {
        const NbExpr *var = single_var(s, a, &a->pos[0], &e, d);
        return var ? located(nb_diff(st, e, var, d), a, d) : NULL;
    }
    if (!(e = arg_expr(s, &a->pos[0], d)))
        return NULL;
    for (size_t i = 1; i < a->npos; i++) {
        const NbExpr *var = arg_var(s, &a->pos[i], d);
        if (!var)
            return NULL;
        long n = 1;
        if (i + 1 < a->npos && !is_var(&a->pos[i + 1])
            && !arg_order(a, &a->pos[++i], &n, d))
            return NULL;
        if (!(e = located(nb_diff_n(st, e, var, n, d), a, d)))
            return NULL;
    }
    return e;
}

/* --- grad, hessian, jacobian ----------------------------------------------- */

typedef const NbExpr *(*VecOp)(NbStore *, const NbExpr *, size_t,
                               const NbExpr *const *, NbDiag *);

static const NbExpr *grad_like(NbSession *s, const NbArgs *a, NbDiag *d,
                               VecOp op, const char *usage)
{
    if (!npos_between(a, 1, 2, usage, d))
        return NULL;
    const NbExpr *body;
    const NbExpr *const *fv = NULL;
    size_t nf = 0, nv;
    if (a->npos == 2 ? nb_args_expr(s, &a->pos[0], &body, d)
                     : nb_args_function(s, &a->pos[0], &body, &fv, &nf, d))
        return NULL;
    if (body->kind == NB_VEC) {
        nb_diag_set(d, NB_ERR_TYPE, "a scalar function is expected here "
                    "(use jacobian for a vector)");
        return fail_at(a, a->pos[0].pos, d);
    }
    const NbExpr **vars = vars_of(s, a, 1, fv, nf, &nv, d);
    if (!vars)
        return NULL;
    const NbExpr *r = op(nb_session_store(s), body, nv, vars, d);
    free(vars);
    return located(r, a, d);
}

static const NbExpr *cmd_grad(NbSession *s, const NbArgs *a, NbDiag *d)
{
    return grad_like(s, a, d, nb_grad, "grad(f[, [x, y, ...]])");
}

static const NbExpr *cmd_hessian(NbSession *s, const NbArgs *a, NbDiag *d)
{
    return grad_like(s, a, d, nb_hessian, "hessian(f[, [x, y, ...]])");
}

static const NbExpr *cmd_jacobian(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 1, 2, "jacobian([f1, f2, ...][, [x, y, ...]])", d))
        return NULL;
    const NbExpr *body;
    const NbExpr *const *fv = NULL;
    size_t nf = 0, nv;
    if (a->npos == 2 ? nb_args_expr(s, &a->pos[0], &body, d)
                     : nb_args_function(s, &a->pos[0], &body, &fv, &nf, d))
        return NULL;
    if (body->kind != NB_VEC) {
        nb_diag_set(d, NB_ERR_TYPE, "a vector of expressions is expected here");
        return fail_at(a, a->pos[0].pos, d);
    }
    const NbExpr **vars = vars_of(s, a, 1, fv, nf, &nv, d);
    if (!vars)
        return NULL;
    const NbExpr *r = nb_jacobian(nb_session_store(s), body->n, body->args,
                                  nv, vars, d);
    free(vars);
    return located(r, a, d);
}

/* --- taylor, tangent -------------------------------------------------------- */

/* taylor(expr, x, a, n) or taylor(f, a, n) for a function of one variable. */
static const NbExpr *cmd_taylor(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 3, 4, "taylor(expr, x, a, n)", d))
        return NULL;
    const NbExpr *e, *var;
    size_t k = 1;
    if (a->npos == 4) {
        if (!(e = arg_expr(s, &a->pos[0], d)) || !(var = arg_var(s, &a->pos[1], d)))
            return NULL;
        k = 2;
    } else if (!(var = single_var(s, a, &a->pos[0], &e, d))) {
        return NULL;
    }
    const NbExpr *pt = arg_point(a, &a->pos[k], d);
    long n;
    if (!pt || !arg_order(a, &a->pos[k + 1], &n, d))
        return NULL;
    return located(nb_taylor(nb_session_store(s), e, var, pt, n, d), a, d);
}

/* tangent(f, a) or tangent(expr, x, a) */
static const NbExpr *cmd_tangent(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 2, 3, "tangent(f, a) or tangent(expr, x, a)", d))
        return NULL;
    const NbExpr *e, *var;
    if (a->npos == 3) {
        if (!(e = arg_expr(s, &a->pos[0], d)) || !(var = arg_var(s, &a->pos[1], d)))
            return NULL;
    } else if (!(var = single_var(s, a, &a->pos[0], &e, d))) {
        return NULL;
    }
    const NbExpr *pt = arg_point(a, &a->pos[a->npos - 1], d);
    if (!pt)
        return NULL;
    return located(nb_tangent(nb_session_store(s), e, var, pt, d), a, d);
}

/* --- simplify, expand -------------------------------------------------------- */

static const NbExpr *cmd_simplify(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 1, 1, "simplify(expr)", d))
        return NULL;
    const NbExpr *e = arg_expr(s, &a->pos[0], d);
    return e ? nb_simplify(nb_session_store(s), e) : NULL;
}

static const NbExpr *cmd_expand(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 1, 1, "expand(expr)", d))
        return NULL;
    const NbExpr *e = arg_expr(s, &a->pos[0], d);
    return e ? located(nb_expand_checked(nb_session_store(s), e, d), a, d)
             : NULL;
}

/* --- subs, eval ---------------------------------------------------------------- */

/* e with each keyword name=value substituted (all at once). */
static const NbExpr *substitute(NbSession *s, const NbArgs *a,
                                const char *usage, NbDiag *d)
{
    if (a->npos != 1) {
        nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage %s", usage);
        return fail_at(a, a->call_pos, d);
    }
    const NbExpr *e = arg_expr(s, &a->pos[0], d);
    if (!e)
        return NULL;
    NbStore *st = nb_session_store(s);
    const NbExpr **vars = nb_xmalloc((a->nkw + 1) * sizeof *vars);
    const NbExpr **vals = nb_xmalloc((a->nkw + 1) * sizeof *vals);
    const NbExpr *r = NULL;
    size_t i = 0;
    for (; i < a->nkw; i++) {
        const NbArg *k = &a->kw[i];
        if (k->fn || k->is_range || !k->value || k->value == NB_NOTHING
            || k->value->kind == NB_STR) {
            nb_diag_set(d, NB_ERR_TYPE, "%s: a value is expected for %s",
                        usage, k->name);
            fail_at(a, k->pos, d);
            break;
        }
        if (!a->pos[0].fn && nb_args_free_name(s, k->name, k->pos, d))
            break;
        vars[i] = nb_sym(st, k->name);
        vals[i] = k->value;
    }
    if (i == a->nkw)
        r = nb_subs(st, e, a->nkw, vars, vals);
    free(vars);
    free(vals);
    return r;
}

static const NbExpr *cmd_subs(NbSession *s, const NbArgs *a, NbDiag *d)
{
    return substitute(s, a, "subs(expr, x=a, ...)", d);
}

static const NbExpr *cmd_eval(NbSession *s, const NbArgs *a, NbDiag *d)
{
    const NbExpr *e = substitute(s, a, "eval(expr, x=a, ...)", d);
    if (!e)
        return NULL;
    const NbExpr *fr[1];
    if (nb_free_syms(e, fr, 1)) {
        nb_diag_set(d, NB_ERR_ARGS, "eval: '%s' has no value; give it as %s=...",
                    fr[0]->u.name, fr[0]->u.name);
        return fail_at(a, a->call_pos, d);
    }
    return located(nb_eval_float(nb_session_store(s), e, nb_session_prec(s), d),
                   a, d);
}

/* --- latex, ccode -------------------------------------------------------------- */

static const NbExpr *cmd_latex(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 1, 1, "latex(expr)", d))
        return NULL;
    const NbExpr *e = arg_expr(s, &a->pos[0], d);
    if (!e)
        return NULL;
    char *t = nb_print_latex(e, NULL);
    const NbExpr *r = nb_str(nb_session_store(s), t);
    free(t);
    return r;
}

static const NbExpr *cmd_ccode(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (!npos_between(a, 1, 1, "ccode(expr)", d))
        return NULL;
    const NbExpr *e = arg_expr(s, &a->pos[0], d);
    if (!e)
        return NULL;
    char *t = nb_print_c(e);
    const NbExpr *r = nb_str(nb_session_store(s), t);
    free(t);
    return r;
}

/* --- the table ----------------------------------------------------------------- */

/* Examples are statements: `help NAME` runs each in a scratch session and
 * shows its output (tests/cli/reference.sh runs every one). */
const NbCommand nb_cmds_symbolic[] = {
    {"diff", cmd_diff, "diff(expr, x[, n]) | diff(expr, x, y, ...)",
     "Exact derivative of an expression or user function: the n-th with "
     "respect to x, or the mixed partial in the variables given in turn. "
     "The result is simplified and printed with common factors pulled out.",
     "diff(sin(x)*exp(-x^2/2), x)", NULL, NULL},
    {"grad", cmd_grad, "grad(f[, [x, y, ...]])",
     "Vector of partial derivatives, in the function's parameter order (a "
     "bare expression: its variables in alphabetical order).",
     "grad((1-x)^2 + 100*(y-x^2)^2)", NULL, NULL},
    {"hessian", cmd_hessian, "hessian(f[, [x, y, ...]])",
     "Matrix of second partial derivatives (a vector of rows).",
     "hessian(x^2*y)", NULL, NULL},
    {"jacobian", cmd_jacobian, "jacobian([f1, f2, ...][, [x, y, ...]])",
     "Matrix whose row i is the gradient of fi.",
     "jacobian([x*y, x + y])", NULL, NULL},
    {"taylor", cmd_taylor, "taylor(expr, x, a, n) | taylor(f, a, n)",
     "Taylor polynomial of order n (at most 200) of expr in x about the "
     "point a, expanded in x, with exact coefficients where the "
     "derivatives at a are exact; f a function of one variable. Computed "
     "by truncated power series, so order 100 is cheap; where a part of "
     "the expression has a pole, branch point, kink or jump at a (1/x, "
     "log(x), sqrt(x), abs(x) at 0) there is no Taylor series: an error.",
     "taylor(exp(x), x, 0, 3)", NULL, NULL},
    {"tangent", cmd_tangent, "tangent(f, a) | tangent(expr, x, a)",
     "Tangent line f'(a)*(x - a) + f(a) of a function of one variable.",
     "tangent(x^2, 1.5)", NULL, NULL},
    {"simplify", cmd_simplify, "simplify(expr)",
     "Heavier simplification than nabla does by itself (sin(x)^2 + "
     "cos(x)^2 -> 1).", "simplify(sin(x)^2 + cos(x)^2)", NULL, NULL},
    {"expand", cmd_expand, "expand(expr)",
     "Multiply out products of sums and integer powers of sums.",
     "expand((x + 1)^2)", NULL, NULL},
    {"subs", cmd_subs, "subs(expr, x=a, ...)",
     "Substitute values or expressions for variables (all at once), "
     "keeping the result exact and symbolic.",
     "subs(x^2 + y, x=3)", NULL, NULL},
    {"eval", cmd_eval, "eval(expr, x=a, ...)",
     "Substitute values for every variable and evaluate numerically at the "
     "working precision.", "eval(x^2/3, x=2)", NULL, NULL},
    {"latex", cmd_latex, "latex(expr)",
     "The expression as LaTeX math (printed without quotes).",
     "latex(x^2/2 + sqrt(x))", NULL, NULL},
    {"ccode", cmd_ccode, "ccode(expr)",
     "The expression as a C expression for <math.h> (printed without "
     "quotes).", "ccode(x^2/2 + sqrt(x))", NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
