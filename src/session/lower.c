/* lower.c — a statement's syntax tree into the expression store.
 *
 * Bottom-up with the canonical constructors (simplify.h). Names resolve, in
 * order, to a parameter of the function being defined, a user variable, a
 * constant (pi, e as NB_CONST; inf, nan as floats), and otherwise stay free
 * symbols (symbolic algebra). In a function body, variables stay symbols
 * too, and are bound when the function is called. Calls resolve to float(), a user function
 * (expanded at the call by substitution), a built-in, or a command.
 *
 * Closed subexpressions stay symbolic (sin(1) is kept inside a symbolic
 * result), but each closed operation is trial-evaluated as it is built, so
 * an error such as log(-1) or 1/0 is reported at that operation's position.
 * Trial results are memoised per node for the statement (NbEvalCache).
 *
 * Left-deep chains of + - * / (a million-term sum is a million-deep tree)
 * are walked iteratively and built with one n-ary constructor call; other
 * recursion follows the tree, whose depth the parser bounds (NB_MAX_DEPTH).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/builtins.h"
#include "nabla/diff.h"
#include "nabla/limits.h"
#include "nabla/parse.h"
#include "nabla/print.h"
#include "nabla/simplify.h"
#include "util/alloc.h"

/* --- names -------------------------------------------------------------- */

NbVar *nb_var_find(NbSession *s, const char *name)
{
    uintptr_t i = nb_nametab_get(&s->var_index, name);
    return i ? &s->vars[i - 1] : NULL;
}

NbUserFn *nb_fn_find(NbSession *s, const char *name)
{
    return (NbUserFn *)nb_nametab_get(&s->fn_index, name);
}

int nb_is_constant_name(const char *name)
{
    return strcmp(name, "pi") == 0 || strcmp(name, "e") == 0
           || strcmp(name, "inf") == 0 || strcmp(name, "nan") == 0;
}

static int is_param(const NbSession *s, const char *name)
{
    for (size_t i = 0; i < s->nparams; i++)
        if (strcmp(s->params[i], name) == 0)
            return 1;
    return 0;
}

/* Optimal string alignment distance (Levenshtein plus transpositions). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return 99;
    size_t dp[65][65];
    for (size_t i = 0; i <= n; i++)
        dp[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        dp[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t c = a[i - 1] != b[j - 1];
            size_t v = dp[i - 1][j - 1] + c;
            if (dp[i - 1][j] + 1 < v)
                v = dp[i - 1][j] + 1;
            if (dp[i][j - 1] + 1 < v)
                v = dp[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && dp[i - 2][j - 2] + 1 < v)
                v = dp[i - 2][j - 2] + 1;
            dp[i][j] = v;
        }
    return dp[n][m];
}

typedef struct Best {
    const char *name, *best;
    size_t dist;
} Best;

static void consider(const char *cand, void *ctx)
{
    Best *b = ctx;
    size_t len = strlen(b->name);
    size_t dist = edit_distance(b->name, cand);
    /* a typed prefix of a longer name ("lgam" for lgamma) also counts,
     * whatever the edits a name that short is otherwise allowed */
    int prefix = len >= 3 && strncmp(cand, b->name, len) == 0;
    if (prefix && dist > 1)
        dist = 2;
    size_t allowed = (len + 1) / 3 ? (len + 1) / 3 : 1;
    /* a suggestion keeps more of the name than it changes: every
     * one-letter name is one edit from every other (help x is not f) */
    if (dist == 0 || dist > 2 || (dist > allowed && !prefix) || dist >= len)
        return;
    if (!b->best || dist < b->dist) {
        b->best = cand;
        b->dist = dist;
    }
}

const char *nb_closest_name(const char *name, const char *const *list)
{
    Best b = {name, NULL, 0};
    for (const char *const *p = list; *p; p++)
        consider(*p, &b);
    return b.best;
}

/* The known name closest to name, or NULL when nothing is close. */
const char *nb_suggest(NbSession *s, const char *name, int functions_only)
{
    Best b = {name, NULL, 0};
    for (int i = 0; i < NB_FN__COUNT; i++)
        consider(nb_builtins[i].name, &b);
    for (size_t i = 0; i < s->nfns; i++)
        consider(s->fns[i]->name, &b);
    for (size_t t = 0; t < s->ncommands; t++)
        for (const NbCommand *c = s->commands[t]; c->name; c++)
            consider(c->name, &b);
    consider("float", &b);
    if (!functions_only) {
        for (const NbConstant *c = nb_constants; c->name; c++)
            consider(c->name, &b);
        for (size_t i = 0; i < s->nvars; i++)
            consider(s->vars[i].name, &b);
    }
    return b.best;
}

/* --- closedness and trial evaluation ----------------------------------- */

static unsigned char closed_leaf(const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM: case NB_FLT: case NB_CONST: return 1;
    case NB_SYM: case NB_STR: return 2;
    default: return 0; /* compound: decided by the children */
    }
}

/* 1 when e has no free variable and no string: it has a numeric value.
 * Memoised per node id for the session; iterative (no deep recursion). */
int nb_closed(NbSession *s, const NbExpr *e)
{
    if (e == NB_NOTHING)
        return 0;
    size_t count = nb_store_count(s->st);
    if (s->closed_cap < count) {
        size_t cap = count * 2;
        s->closed = nb_xrealloc(s->closed, cap);
        memset(s->closed + s->closed_cap, 0, cap - s->closed_cap);
        s->closed_cap = cap;
    }
    unsigned char *m = s->closed;
    if (m[e->id])
        return m[e->id] == 1;
    size_t cap = 64, sp = 0;
    const NbExpr **stack = nb_xrealloc(NULL, cap * sizeof *stack);
    stack[sp++] = e;
    while (sp) {
        const NbExpr *t = stack[sp - 1];
        if (m[t->id]) {
            sp--;
            continue;
        }
        unsigned char leafv = closed_leaf(t);
        if (leafv) {
            m[t->id] = leafv;
            sp--;
            continue;
        }
        int pending = 0;
        unsigned char v = 1;
        for (size_t i = 0; i < t->n; i++) {
            unsigned char c = m[t->args[i]->id];
            if (!c) {
                if (sp + 1 >= cap)
                    stack = nb_xrealloc(stack, (cap *= 2) * sizeof *stack);
                stack[sp++] = t->args[i];
                pending = 1;
            } else if (c == 2)
                v = 2;
        }
        if (!pending) {
            m[t->id] = v;
            sp--;
        }
    }
    free(stack);
    return m[e->id] == 1;
}

/* Evaluate closed e now so that its error, if any, points at pos. */
static int trial(NbSession *s, const NbExpr *e, NbPos pos, NbDiag *d)
{
    if (e->kind == NB_NUM || e->kind == NB_VEC || e->kind == NB_STR
        || e->kind == NB_CONST || !nb_closed(s, e))
        return 0;
    if (nb_eval_cached(s->st, s->cache, e, s->o.prec, 0, d))
        return 0;
    nb_lower_fail(s, d, pos);
    return -1;
}

static int is_nonfinite_float(const NbExpr *e)
{
    return e->kind == NB_FLT && !mpfr_number_p(e->u.f);
}

/* Constructors fold floats; an infinity out of finite operands is an
 * overflow the constructor could not report. */
static int check_folded(NbSession *s, const NbExpr *r, size_t n,
                        const NbExpr *const *ops, NbPos pos, NbDiag *d)
{
    if (r->kind == NB_NUM
        && mpz_sizeinbase(mpq_numref(r->u.q), 2)
                   + mpz_sizeinbase(mpq_denref(r->u.q), 2)
               > (size_t)NB_MAX_EXACT_BITS + 1) {
        /* the constructors should have left this unfolded */
        nb_diag_set(d, NB_ERR_TOO_LARGE,
                    "result too large to hold exactly (more than %ld bits)",
                    (long)NB_MAX_EXACT_BITS);
        nb_lower_fail(s, d, pos);
        return -1;
    }
    if (!is_nonfinite_float(r))
        return trial(s, r, pos, d);
    for (size_t i = 0; i < n; i++)
        if (nb_closed(s, ops[i]) && !nb_is_num(ops[i])) {
            const NbExpr *v = nb_eval_cached(s->st, s->cache, ops[i],
                                             s->o.prec, 0, d);
            if (!v)
                return nb_lower_fail(s, d, pos), -1;
            if (is_nonfinite_float(v))
                return 0;
        }
    nb_diag_set(d, NB_ERR_OVERFLOW, "result overflows the %s range",
                s->o.prec == NB_PREC_DOUBLE ? "double" : "MPFR exponent");
    nb_lower_fail(s, d, pos);
    return -1;
}

/* --- operands ------------------------------------------------------------- */

static const NbExpr *need_scalar(NbSession *s, const NbExpr *e, NbPos pos,
                                 NbDiag *d)
{
    if (e->kind == NB_STR)
        nb_diag_set(d, NB_ERR_TYPE, "a string where a number is expected");
    else if (e->kind == NB_VEC)
        nb_diag_set(d, NB_ERR_TYPE, "a vector where a number is expected");
    else
        return e;
    return nb_lower_fail(s, d, pos);
}

/* 1 when e is an exact or float zero (closed e only). */
static int is_zero_value(NbSession *s, const NbExpr *e, NbPos pos, NbDiag *d,
                         int *err)
{
    *err = 0;
    if (!nb_closed(s, e))
        return 0;
    const NbExpr *v = nb_eval_cached(s->st, s->cache, e, s->o.prec, 0, d);
    if (!v) {
        *err = 1;
        nb_lower_fail(s, d, pos);
        return 0;
    }
    return nb_is_zero(v) || (v->kind == NB_FLT && mpfr_zero_p(v->u.f));
}

/* Sum or product of n operands, elementwise over vectors (a number beside
 * vectors is used at every element: 1 + [1, 2] is [2, 3]). */
typedef struct OpAt {
    int is_add;
    NbPos pos;
} OpAt;

static const NbExpr *combine_op(NbSession *s, size_t n,
                                const NbExpr *const *ops, void *ctx, NbDiag *d)
{
    const OpAt *c = ctx;
    const NbExpr *r = c->is_add ? nb_add(s->st, n, ops) : nb_mul(s->st, n, ops);
    return check_folded(s, r, n, ops, c->pos, d) ? NULL : r;
}

static const NbExpr *combine(NbSession *s, int is_add, size_t n,
                             const NbExpr **ops, NbPos pos, NbDiag *d)
{
    OpAt c = {is_add, pos};
    return nb_lower_map(s, n, ops, pos, combine_op, &c, d);
}

static const NbExpr *negate(NbSession *s, const NbExpr *e, NbPos pos,
                            NbDiag *d)
{
    const NbExpr *m1 = nb_num_si(s->st, -1);
    const NbExpr *ops[2] = {m1, e};
    if (e->kind == NB_STR)
        return need_scalar(s, e, pos, d);
    return combine(s, 0, 2, ops, pos, d);
}

/* --- names and numbers ------------------------------------------------- */

static const NbExpr *lower_number(NbSession *s, const NbAst *a, NbDiag *d)
{
    mpq_t q;
    mpq_init(q);
    const NbExpr *r = NULL;
    if (strpbrk(a->text, ".eE"))
        s->decimal = 1;
    if (nb_parse_number(a->text, q, d) == 0)
        r = nb_num_q(s->st, q);
    mpq_clear(q);
    return r ? r : nb_lower_fail(s, d, a->pos);
}

static const NbExpr *constant(NbSession *s, const char *name)
{
    if (strcmp(name, "pi") == 0)
        return nb_const(s->st, NB_CONST_PI);
    if (strcmp(name, "e") == 0)
        return nb_const(s->st, NB_CONST_E);
    if (strcmp(name, "inf") == 0)
        return nb_flt_double(s->st, INFINITY);
    if (strcmp(name, "nan") == 0)
        return nb_flt_double(s->st, NAN);
    return NULL;
}

static int is_function_name(NbSession *s, const char *name)
{
    return nb_builtin_lookup(name) >= 0 || nb_fn_find(s, name)
           || nb_session_command(s, name) || strcmp(name, "float") == 0;
}

/* ans: the last statement's value (in a function body too: its value
 * when the function is defined). */
static const NbExpr *lower_ans(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (s->ans) {
        s->decimal |= s->ans_decimal;
        return s->ans;
    }
    nb_diag_set(d, NB_ERR_UNKNOWN, "ans has no value yet: it is the last "
                "result, and nothing has been computed");
    return nb_lower_fail(s, d, a->pos);
}

static const NbExpr *lower_name(NbSession *s, const NbAst *a, NbDiag *d)
{
    const char *name = a->text;
    if (is_param(s, name))
        return nb_sym(s->st, name);
    NbVar *v = nb_var_find(s, name);
    if (v && s->defining)
        return nb_sym(s->st, name); /* bound when the function is called */
    if (v) {
        s->decimal |= v->decimal;
        if (!s->bound && nb_closed(s, v->value)) {
            s->bound = v->name; /* a command may need it as a variable */
            s->bound_pos = a->pos;
        }
        return v->value;
    }
    if (strcmp(name, "ans") == 0)
        return lower_ans(s, a, d);
    const NbExpr *c = constant(s, name);
    if (c)
        return c;
    if (is_function_name(s, name)) {
        nb_diag_set(d, NB_ERR_TYPE, "'%s' is a function; call it as %s(...)",
                    name, name);
        return nb_lower_fail(s, d, a->pos);
    }
    return nb_sym(s->st, name);
}

/* --- operators ----------------------------------------------------------- */

static int is_chain_op(const NbAst *a)
{
    return a->kind == NB_AST_BINARY
           && (a->op == '+' || a->op == '-' || a->op == '*' || a->op == '/');
}

static int additive(int op) { return op == '+' || op == '-'; }

static const NbExpr *need_scalar_or_vector(NbSession *s, const NbExpr *e,
                                           NbPos pos, NbDiag *d)
{
    return e->kind == NB_VEC ? e : need_scalar(s, e, pos, d);
}

/* 1/r, after the division-by-zero check. */
static const NbExpr *invert_op(NbSession *s, size_t n,
                               const NbExpr *const *r, void *ctx, NbDiag *d)
{
    const OpAt *c = ctx;
    int err;
    (void)n;
    if (is_zero_value(s, r[0], c->pos, d, &err)) {
        nb_diag_set(d, NB_ERR_DOMAIN, "division by zero");
        return nb_lower_fail(s, d, c->pos);
    }
    if (err)
        return NULL;
    const NbExpr *inv = nb_pow_si(s->st, r[0], -1);
    return trial(s, inv, c->pos, d) ? NULL : inv;
}

/* The right operand of one chain link, ready to be summed or multiplied:
 * negated for '-', inverted for '/' (after the division-by-zero check). */
static const NbExpr *chain_operand(NbSession *s, const NbAst *link, NbDiag *d)
{
    const NbExpr *r = nb_lower(s, link->args[1], d);
    if (!r)
        return NULL;
    if (link->op == '-')
        return negate(s, r, link->pos, d);
    if (link->op != '/')
        return r;
    if (!need_scalar_or_vector(s, r, link->args[1]->pos, d))
        return NULL;
    OpAt c = {0, link->pos};
    return nb_lower_map(s, 1, &r, link->pos, invert_op, &c, d);
}

/* a op b op c ...: the left spine is collected into an array (it may be a
 * million deep), then each run of additive or multiplicative links becomes
 * one n-ary nb_add / nb_mul. */
static const NbExpr *lower_chain(NbSession *s, const NbAst *a, NbDiag *d)
{
    size_t n = 0, cap = 16;
    const NbAst **spine = nb_xrealloc(NULL, cap * sizeof *spine);
    for (const NbAst *t = a; is_chain_op(t); t = t->args[0]) {
        if (n == cap)
            spine = nb_xrealloc(spine, (cap *= 2) * sizeof *spine);
        spine[n++] = t;
    }
    const NbExpr *acc = nb_lower(s, spine[n - 1]->args[0], d);
    size_t ops_cap = 16;
    const NbExpr **ops = nb_xrealloc(NULL, ops_cap * sizeof *ops);
    size_t i = n;
    while (acc && i > 0) {
        int add = additive(spine[i - 1]->op);
        size_t k = 0;
        ops[k++] = acc;
        NbPos pos = spine[i - 1]->pos;
        while (acc && i > 0 && additive(spine[i - 1]->op) == add) {
            const NbExpr *r = chain_operand(s, spine[i - 1], d);
            if (!r) {
                acc = NULL;
                break;
            }
            if (k == ops_cap)
                ops = nb_xrealloc(ops, (ops_cap *= 2) * sizeof *ops);
            ops[k++] = r;
            pos = spine[--i]->pos;
        }
        if (acc)
            acc = combine(s, add, k, ops, pos, d);
    }
    free(ops);
    free(spine);
    return acc;
}

static const NbExpr *power_op(NbSession *s, size_t n,
                              const NbExpr *const *ops, void *ctx, NbDiag *d)
{
    const OpAt *c = ctx;
    const NbExpr *r = nb_pow(s->st, ops[0], ops[1]);
    return check_folded(s, r, n, ops, c->pos, d) ? NULL : r;
}

static const NbExpr *lower_binary(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (a->op != '^')
        return lower_chain(s, a, d);
    const NbExpr *b = nb_lower(s, a->args[0], d);
    const NbExpr *e = b ? nb_lower(s, a->args[1], d) : NULL;
    if (!e || !need_scalar_or_vector(s, b, a->args[0]->pos, d)
        || !need_scalar_or_vector(s, e, a->args[1]->pos, d))
        return NULL;
    const NbExpr *ops[2] = {b, e};
    OpAt c = {0, a->pos};
    return nb_lower_map(s, 2, ops, a->pos, power_op, &c, d);
}

static const NbExpr *lower_vector(NbSession *s, const NbAst *a, NbDiag *d)
{
    const NbExpr **el = nb_xrealloc(NULL, (size_t)a->nargs * sizeof *el);
    const NbExpr *r = NULL;
    int i;
    for (i = 0; i < a->nargs; i++)
        if (!(el[i] = nb_lower(s, a->args[i], d)) || el[i] == NB_NOTHING)
            break;
    if (i == a->nargs)
        r = nb_vec(s->st, (size_t)a->nargs, el);
    free(el);
    return r;
}

/* --- calls ------------------------------------------------------------------ */

static const NbExpr *arity_error(NbSession *s, const NbAst *a, int lo, int hi,
                                 NbDiag *d)
{
    int got = a->nargs;
    if (lo == hi)
        nb_diag_set(d, NB_ERR_ARGS, "%s expects %d argument%s, got %d",
                    a->text, lo, lo == 1 ? "" : "s", got);
    else if (hi == lo + 1)
        nb_diag_set(d, NB_ERR_ARGS, "%s expects %d or %d arguments, got %d",
                    a->text, lo, hi, got);
    else
        nb_diag_set(d, NB_ERR_ARGS, "%s expects %d to %d arguments, got %d",
                    a->text, lo, hi, got);
    return nb_lower_fail(s, d, a->pos);
}

/* Positional arguments of a built-in or user function call, lowered
 * (numbers, expressions or vectors, taken elementwise); keyword arguments
 * are an error there. */
static const NbExpr **lower_args(NbSession *s, const NbAst *a, NbDiag *d)
{
    const NbExpr **args = nb_xrealloc(NULL, ((size_t)a->nargs + 1) * sizeof *args);
    for (int i = 0; i < a->nargs; i++) {
        const NbAst *arg = a->args[i];
        if (arg->kind == NB_AST_KEYWORD) {
            nb_diag_set(d, NB_ERR_ARGS, "%s takes no keyword arguments",
                        a->text);
            nb_lower_fail(s, d, arg->pos);
        } else if ((args[i] = nb_lower(s, arg, d))
                   && need_scalar_or_vector(s, args[i], arg->pos, d))
            continue;
        free(args);
        return NULL;
    }
    return args;
}

/* A built-in row of one argument whose call failed its domain check gets
 * the row's own wording: sqrt(-1) lowers to (-1)^(1/2), but the user wrote
 * sqrt. So does an odd function, which the constructors turn inside out:
 * atanh(-1) is built as -atanh(1) and sinh(-711) as -sinh(711), but the
 * message names the argument the user gave, sign and all. */
static void reword_domain(NbSession *s, int id, const NbExpr *arg, NbDiag *d)
{
    const NbBuiltin *row = &nb_builtins[id];
    int overflow = d->code == NB_ERR_OVERFLOW;
    size_t nl = strlen(row->name);
    if (!(d->code == NB_ERR_DOMAIN || overflow) || row->min_args != 1
        || (!overflow && !row->domain) || !nb_closed(s, arg)
        || (overflow && (strncmp(d->msg, row->name, nl) != 0
                         || d->msg[nl] != '('))) /* "f(x) overflows" only */
        return;
    NbDiag tmp = NB_DIAG_INIT;
    const NbExpr *v = nb_eval_cached(s->st, s->cache, arg, s->o.prec,
                                     overflow, &tmp);
    nb_diag_clear(&tmp);
    int neg = v && (v->kind == NB_NUM ? mpq_sgn(v->u.q) < 0
                    : v->kind == NB_FLT && mpfr_sgn(v->u.f) < 0);
    if (!v || !(neg || (!overflow && (row->flags & NB_BF_LOWERS))))
        return; /* only the sign was lost, or the spelling */
    NbPrintOpts po = {s->o.digits};
    char *t = nb_print(v, &po);
    NbPos pos = d->pos;
    if (overflow)
        nb_diag_set(d, NB_ERR_OVERFLOW, "%s(%s) overflows the %s range",
                    row->name, t, s->o.prec == NB_PREC_DOUBLE
                                      ? "double" : "MPFR exponent");
    else
        nb_diag_set(d, NB_ERR_DOMAIN, "%s: argument %s is outside the "
                    "domain %s", row->name, t, row->domain);
    free(t);
    nb_lower_fail(s, d, pos);
}

typedef struct BuiltinAt {
    int id;
    NbPos pos;
} BuiltinAt;

static const NbExpr *builtin_op(NbSession *s, size_t n,
                                const NbExpr *const *args, void *ctx,
                                NbDiag *d)
{
    const BuiltinAt *c = ctx;
    const NbExpr *r = nb_fn(s->st, (NbFnId)c->id, n, args);
    if (check_folded(s, r, n, args, c->pos, d)) {
        reword_domain(s, c->id, args[0], d);
        return NULL;
    }
    return r;
}

/* min(a, b, c, ...) is min(min(a, b), c) ...: ties still give the whole
 * derivative to the first argument. One vector argument folds over its
 * elements (min([3, 1, 2]) is 1); one number is itself. */
static const NbExpr *fold_builtin(NbSession *s, const NbAst *a, BuiltinAt *c,
                                  const NbExpr **args, NbDiag *d)
{
    size_t n = (size_t)a->nargs;
    const NbExpr *const *items = args;
    if (n == 1 && args[0]->kind == NB_VEC) {
        if (args[0]->n == 0) {
            nb_diag_set(d, NB_ERR_ARGS, "%s of an empty vector", a->text);
            return nb_lower_fail(s, d, a->pos);
        }
        n = args[0]->n;
        items = args[0]->args;
    }
    const NbExpr *acc = items[0];
    for (size_t i = 1; i < n && acc; i++) {
        const NbExpr *pair[2] = {acc, items[i]};
        acc = nb_lower_map(s, 2, pair, a->pos, builtin_op, c, d);
    }
    return acc;
}

static const NbExpr *call_builtin(NbSession *s, const NbAst *a, int id,
                                  NbDiag *d)
{
    const NbBuiltin *row = &nb_builtins[id];
    int variadic = (row->flags & NB_BF_VARIADIC) != 0;
    if (variadic ? a->nargs < 1
                 : a->nargs < row->min_args || a->nargs > row->max_args) {
        if (variadic) {
            nb_diag_set(d, NB_ERR_ARGS, "%s expects at least 1 argument, "
                        "got 0", a->text);
            return nb_lower_fail(s, d, a->pos);
        }
        return arity_error(s, a, row->min_args, row->max_args, d);
    }
    const NbExpr **args = lower_args(s, a, d);
    if (!args)
        return NULL;
    BuiltinAt c = {id, a->pos};
    const NbExpr *r = variadic
        ? fold_builtin(s, a, &c, args, d)
        : nb_lower_map(s, (size_t)a->nargs, args, a->pos, builtin_op, &c, d);
    free(args);
    return r;
}

/* Body with parameters replaced by args, and its other names that are
 * variables now bound to their values: names in a body are bound when the
 * function is called (a = 5; f(x) = a*x; a = 2; f(3) is 6). Inside another
 * function's body nothing is bound yet. */
static const NbExpr *expand(NbSession *s, const NbUserFn *fn,
                            const NbExpr *body, const NbExpr *const *args)
{
    size_t nfree = nb_free_syms(body, NULL, 0);
    size_t cap = fn->nparams + nfree;
    const NbExpr **vars = nb_xrealloc(NULL, (cap + 1) * sizeof *vars);
    const NbExpr **vals = nb_xrealloc(NULL, (cap + 1) * sizeof *vals);
    const NbExpr **fr = nb_xrealloc(NULL, (nfree + 1) * sizeof *fr);
    size_t n = 0;
    for (size_t i = 0; i < fn->nparams; i++) {
        vars[n] = fn->params[i];
        vals[n++] = args[i];
    }
    nb_free_syms(body, fr, nfree);
    for (size_t i = 0; i < nfree; i++) {
        int param = 0;
        for (size_t k = 0; k < fn->nparams; k++)
            param |= fr[i] == fn->params[k];
        NbVar *v = param || s->defining ? NULL : nb_var_find(s, fr[i]->u.name);
        if (v) {
            vars[n] = fr[i];
            vals[n++] = v->value;
            s->decimal |= v->decimal;
        }
    }
    const NbExpr *r = nb_subs(s->st, body, n, vars, vals);
    free(vars);
    free(vals);
    free(fr);
    return r;
}

typedef struct UserAt {
    const NbUserFn *fn;
    const NbExpr *body;
    NbPos pos;
} UserAt;

static const NbExpr *user_op(NbSession *s, size_t n,
                             const NbExpr *const *args, void *ctx, NbDiag *d)
{
    const UserAt *c = ctx;
    (void)n;
    const NbExpr *r = expand(s, c->fn, c->body, args);
    return trial(s, r, c->pos, d) ? NULL : r;
}

/* f(a, ...), f'(a): the body at the arguments, elementwise over vectors
 * (f([1, 2]) is [f(1), f(2)]). */
static const NbExpr *call_user(NbSession *s, const NbAst *a, NbUserFn *fn,
                               NbDiag *d)
{
    const NbExpr *body = fn->body;
    if (a->primes == 0 && (size_t)a->nargs != fn->nparams)
        return arity_error(s, a, (int)fn->nparams, (int)fn->nparams, d);
    if (a->primes > 0) {
        if (fn->nparams != 1) {
            char primes[NB_MAX_DIFF_ORDER + 1];
            int np = a->primes < NB_MAX_DIFF_ORDER ? a->primes : NB_MAX_DIFF_ORDER;
            memset(primes, '\'', (size_t)np);
            primes[np] = '\0';
            nb_diag_set(d, NB_ERR_ARGS,
                        "%s%s needs a function of one variable; %s has %zu parameters",
                        a->text, primes, a->text, fn->nparams);
            return nb_lower_fail(s, d, a->pos);
        }
        if (a->nargs != 1)
            return arity_error(s, a, 1, 1, d);
        body = nb_diff_n(s->st, body, fn->params[0], a->primes, d);
        if (!body)
            return nb_lower_fail(s, d, a->pos);
    }
    const NbExpr **args = lower_args(s, a, d);
    if (!args)
        return NULL;
    UserAt c = {fn, body, a->pos};
    const NbExpr *r = nb_lower_map(s, (size_t)a->nargs, args, a->pos,
                                   user_op, &c, d);
    free(args);
    return r;
}

/* sin'(x), sqrt''(2): a built-in of one argument differentiated as a
 * function of a fresh variable that no user can type. */
static const NbExpr *call_builtin_primes(NbSession *s, const NbAst *a, int id,
                                         NbDiag *d)
{
    const NbBuiltin *row = &nb_builtins[id];
    if (row->min_args != 1 || a->nargs != 1) {
        nb_diag_set(d, NB_ERR_ARGS, "%s' needs a function of one variable",
                    a->text);
        return nb_lower_fail(s, d, a->pos);
    }
    const NbExpr *t = nb_sym(s->st, "#t");
    const NbExpr *body = nb_fn1(s->st, (NbFnId)id, t);
    NbUserFn fn = {a->text, 1, &t, body};
    return call_user(s, a, &fn, d);
}

/* float(expr): the value as a float at the working precision. */
static const NbExpr *call_float(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (a->nargs != 1)
        return arity_error(s, a, 1, 1, d);
    const NbExpr **args = lower_args(s, a, d);
    if (!args)
        return NULL;
    const NbExpr *v = args[0];
    free(args);
    if (!nb_closed(s, v)) {
        const NbExpr *fr[1] = {NULL};
        nb_free_syms(v, fr, 1);
        nb_diag_set(d, NB_ERR_TYPE, "float: '%s' has no value",
                    fr[0] ? fr[0]->u.name : "?");
        return nb_lower_fail(s, d, a->pos);
    }
    v = nb_eval_cached(s->st, s->cache, v, s->o.prec, 1, d);
    return v ? v : nb_lower_fail(s, d, a->pos);
}

/* --- command calls --------------------------------------------------------- */

static NbUserFn *builtin_as_fn(NbSession *s, int id)
{
    NbUserFn *fn = nb_xrealloc(NULL, sizeof *fn);
    const NbExpr **p = nb_xrealloc(NULL, sizeof *p);
    p[0] = nb_sym(s->st, "x");
    fn->name = nb_builtins[id].name;
    fn->nparams = 1;
    fn->params = p;
    fn->body = nb_fn1(s->st, (NbFnId)id, p[0]);
    if (s->ntmpfns == s->tmpfns_cap) {
        s->tmpfns_cap = s->tmpfns_cap ? s->tmpfns_cap * 2 : 4;
        s->tmpfns = nb_xrealloc(s->tmpfns, s->tmpfns_cap * sizeof *s->tmpfns);
    }
    s->tmpfns[s->ntmpfns++] = fn;
    return fn;
}

/* One command argument: a range lo..hi becomes a 2-vector; a bare function
 * name denotes the function. */
static int lower_cmd_arg(NbSession *s, const NbAst *v, NbArg *out, NbDiag *d)
{
    out->pos = v->pos;
    if (v->kind == NB_AST_RANGE && v->nargs == 2) {
        const NbExpr *lohi[2];
        for (int i = 0; i < 2; i++)
            if (!(lohi[i] = nb_lower(s, v->args[i], d))
                || !need_scalar(s, lohi[i], v->args[i]->pos, d))
                return -1;
        out->value = nb_vec(s->st, 2, lohi);
        out->is_range = 1;
        return 0;
    }
    if (v->kind == NB_AST_NAME && !is_param(s, v->text)
        && !nb_var_find(s, v->text)) {
        NbUserFn *fn = nb_fn_find(s, v->text);
        int id = nb_builtin_lookup(v->text);
        if (!fn && id >= 0 && nb_builtins[id].min_args == 1)
            fn = builtin_as_fn(s, id);
        if (fn) {
            out->fn = fn;
            out->value = fn->body;
            return 0;
        }
    }
    out->value = nb_lower(s, v, d);
    if (out->value == NB_NOTHING) {
        nb_diag_set(d, NB_ERR_TYPE, "this command prints its result and has no value");
        nb_lower_fail(s, d, v->pos);
        return -1;
    }
    return out->value ? 0 : -1;
}

static const NbExpr *call_command(NbSession *s, const NbAst *a,
                                  const NbCommand *cmd, NbDiag *d)
{
    int top = s->top == a;
    NbArgs args;
    memset(&args, 0, sizeof args);
    args.pos = nb_xrealloc(NULL, ((size_t)a->nargs + 1) * sizeof *args.pos);
    args.kw = nb_xrealloc(NULL, ((size_t)a->nargs + 1) * sizeof *args.kw);
    args.command = cmd->name;
    args.call_pos = a->pos;
    args.file = s->file;
    args.value_unused = top && s->top_is_statement;
    const NbExpr *r = NULL;
    int ok = 1;
    const char *outer = s->bound; /* this call is inside an argument */
    NbPos outer_pos = s->bound_pos;
    for (int i = 0; i < a->nargs && ok; i++) {
        const NbAst *arg = a->args[i];
        int kw = arg->kind == NB_AST_KEYWORD;
        NbArg *slot = kw ? &args.kw[args.nkw++] : &args.pos[args.npos++];
        memset(slot, 0, sizeof *slot);
        slot->name = kw ? arg->text : NULL;
        s->bound = NULL;
        ok = lower_cmd_arg(s, kw ? arg->args[0] : arg, slot, d) == 0;
        slot->bound = s->bound;
        slot->bound_pos = s->bound_pos;
        if (kw)
            slot->pos = arg->pos;
    }
    s->bound = outer;
    s->bound_pos = outer_pos;
    if (ok) {
        s->top = NULL; /* a command inside this one's arguments has none */
        r = cmd->run(s, &args, d);
        if (!r) {
            if (d->code == NB_OK && !nb_interrupted
                && !nb_store_over_budget(s->st)) /* the session says */
                nb_diag_set(d, NB_ERR_ARGS, "%s failed", cmd->name);
            nb_fill_line(s, d);
            nb_lower_fail(s, d, a->pos);
        } else if (r == NB_NOTHING && !top) {
            nb_diag_set(d, NB_ERR_TYPE,
                        "%s prints its result and has no value to use", cmd->name);
            r = nb_lower_fail(s, d, a->pos);
        }
    }
    free(args.pos);
    free(args.kw);
    return r;
}

static const NbExpr *unknown_function(NbSession *s, const NbAst *a, NbDiag *d)
{
    const char *name = a->text;
    if (nb_var_find(s, name) || is_param(s, name) || nb_is_constant_name(name)) {
        nb_diag_set(d, NB_ERR_TYPE, "'%s' is not a function", name);
        return nb_lower_fail(s, d, a->pos);
    }
    const char *sug = nb_suggest(s, name, 1);
    if (sug)
        nb_diag_set(d, NB_ERR_UNKNOWN, "unknown function '%s'; did you mean '%s'?",
                    name, sug);
    else
        nb_diag_set(d, NB_ERR_UNKNOWN, "unknown function '%s'", name);
    return nb_lower_fail(s, d, a->pos);
}

static const NbExpr *lower_call(NbSession *s, const NbAst *a, NbDiag *d)
{
    const char *name = a->text;
    if (s->defining && strcmp(name, s->defining) == 0) {
        nb_diag_set(d, NB_ERR_RECURSION, "%s is defined in terms of itself",
                    name);
        return nb_lower_fail(s, d, a->pos);
    }
    if (is_param(s, name))
        return unknown_function(s, a, d);
    NbUserFn *fn = nb_fn_find(s, name);
    if (fn) {
        s->decimal |= ((NbFnRec *)fn)->decimal;
        return call_user(s, a, fn, d);
    }
    int id = nb_builtin_lookup(name);
    if (id >= 0)
        return a->primes ? call_builtin_primes(s, a, id, d)
                         : call_builtin(s, a, id, d);
    if (a->primes)
        return unknown_function(s, a, d);
    if (strcmp(name, "float") == 0)
        return call_float(s, a, d);
    const NbCommand *cmd = nb_session_command(s, name);
    if (cmd)
        return call_command(s, a, cmd, d);
    return unknown_function(s, a, d);
}

/* --- indexing and ranges with a step (SPEC §2) ------------------------- */

/* Indices start at 1, as subscripts are written (p[1] is p₁) and as
 * Maxima, Octave and Julia count; p[1][2] takes row 1, then element 2.
 *
 * a..b step s is the vector a, a+s, a+2s, ... up to b (b included when it
 * is reached: exactly for exact ends and step, within a relative 1e-9 of
 * the step for floats, so 0..1 step 0.1 ends at 1 however 0.1 rounds).
 * The points are exact when a and s are (0.5 is exactly 1/2). A range
 * without a step stays a range: it is a keyword value (plots, grids), the
 * command picks its own points.
 */

/* The value of a closed index expression as a long, with the errors a
 * user needs: not a number, not an integer. */
static int index_value(NbSession *s, const NbAst *at, const NbExpr *e,
                       long *out, NbDiag *d)
{
    if (e->kind == NB_VEC || e->kind == NB_STR) {
        nb_lower_failf(s, d, at->pos, NB_ERR_TYPE, "an index must be a "
                       "number, not a %s",
                       e->kind == NB_VEC ? "vector" : "string");
        return -1;
    }
    if (!nb_closed(s, e)) {
        const NbExpr *fr[1] = {NULL};
        nb_free_syms(e, fr, 1);
        nb_lower_failf(s, d, at->pos, NB_ERR_TYPE, "an index must be a "
                       "number: '%s' has no value",
                       fr[0] ? fr[0]->u.name : "?");
        return -1;
    }
    const NbExpr *v = nb_eval_cached(s->st, s->cache, e, s->o.prec, 0, d);
    if (!v) {
        nb_lower_fail(s, d, at->pos);
        return -1;
    }
    int ok = 0;
    if (v->kind == NB_NUM && mpz_cmp_ui(mpq_denref(v->u.q), 1) == 0) {
        ok = 1;
        *out = mpz_fits_slong_p(mpq_numref(v->u.q))
                   ? mpz_get_si(mpq_numref(v->u.q))
                   : (mpz_sgn(mpq_numref(v->u.q)) < 0 ? LONG_MIN : LONG_MAX);
    } else if (v->kind == NB_FLT && mpfr_integer_p(v->u.f)) {
        ok = 1;
        *out = mpfr_fits_slong_p(v->u.f, MPFR_RNDN)
                   ? mpfr_get_si(v->u.f, MPFR_RNDN)
                   : (mpfr_sgn(v->u.f) < 0 ? LONG_MIN : LONG_MAX);
    }
    if (ok)
        return 0;
    NbPrintOpts po = {s->o.digits};
    char *t = nb_print(v, &po);
    nb_lower_failf(s, d, at->pos, NB_ERR_TYPE, "index %s is not an integer",
                   t);
    free(t);
    return -1;
}

/* What a value is, for "cannot index a number". */
static const char *kind_name(const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM: case NB_FLT: case NB_CONST: return "a number";
    case NB_STR: return "a string";
    case NB_SYM: return "a variable without a value";
    default: return "an expression";
    }
}

static const NbExpr *lower_index(NbSession *s, const NbAst *a, NbDiag *d)
{
    const NbExpr *v = nb_lower(s, a->args[0], d);
    if (!v)
        return NULL;
    if (v->kind != NB_VEC) {
        if (v->kind == NB_SYM)
            return nb_lower_failf(s, d, a->pos, NB_ERR_TYPE, "cannot index "
                                  "'%s': it is a variable without a value, "
                                  "not a vector", v->u.name);
        return nb_lower_failf(s, d, a->pos, NB_ERR_TYPE, "cannot index %s: "
                              "only vectors have elements",
                              nb_closed(s, v) ? "a number" : kind_name(v));
    }
    const NbExpr *i = nb_lower(s, a->args[1], d);
    long k;
    if (!i || index_value(s, a->args[1], i, &k, d))
        return NULL;
    if (k >= 1 && (unsigned long)k <= v->n)
        return v->args[k - 1];
    if (k == 0)
        return nb_lower_failf(s, d, a->args[1]->pos, NB_ERR_DOMAIN,
                              "index 0: indices start at 1 (p[1] is the "
                              "first element)");
    if (k == LONG_MIN || k == LONG_MAX)
        return nb_lower_failf(s, d, a->args[1]->pos, NB_ERR_DOMAIN,
                              "index out of range: the vector has %u "
                              "element%s", v->n, v->n == 1 ? "" : "s");
    return nb_lower_failf(s, d, a->args[1]->pos, NB_ERR_DOMAIN,
                          "index %ld out of range: the vector has %u "
                          "element%s", k, v->n, v->n == 1 ? "" : "s");
}

/* The value of a range end or step: a closed number. */
static const NbExpr *range_part(NbSession *s, const NbAst *at, const char *what,
                                NbDiag *d)
{
    const NbExpr *e = nb_lower(s, at, d);
    if (!e)
        return NULL;
    if (e->kind == NB_VEC || e->kind == NB_STR)
        return nb_lower_failf(s, d, at->pos, NB_ERR_TYPE, "the %s of a range "
                              "must be a number, not a %s", what,
                              e->kind == NB_VEC ? "vector" : "string");
    if (!nb_closed(s, e)) {
        const NbExpr *fr[1] = {NULL};
        nb_free_syms(e, fr, 1);
        return nb_lower_failf(s, d, at->pos, NB_ERR_TYPE, "the %s of a range "
                              "must be a number: '%s' has no value", what,
                              fr[0] ? fr[0]->u.name : "?");
    }
    return e;
}

/* Number of steps from lo to hi: floor((hi - lo)/st), exactly when all
 * three are exact, else at 256 bits with a relative 1e-9 of slack (so
 * 0..1 step 0.1 ends at 1 in any precision). -1 with d set on a zero or
 * non-finite step, a step away from the end, or past the limit. */
static long range_steps(NbSession *s, const NbExpr *lo, const NbExpr *hi,
                        const NbExpr *st, const NbAst *a, NbDiag *d)
{
    const NbExpr *v = NULL;
    if (!nb_is_zero(st)) {
        v = nb_eval_number(s->st, nb_div(s->st, nb_sub(s->st, hi, lo), st),
                           256, d);
        if (!v) {
            nb_lower_fail(s, d, a->pos);
            return -1;
        }
    }
    if (!v || (v->kind == NB_FLT && !mpfr_number_p(v->u.f))) {
        nb_lower_failf(s, d, a->args[2]->pos, NB_ERR_DOMAIN, "the step of a "
                       "range must be a nonzero number, and its ends finite");
        return -1;
    }
    mpfr_t f;
    mpfr_init2(f, 256);
    if (v->kind == NB_NUM) {
        mpz_t z;
        mpz_init(z);
        mpz_fdiv_q(z, mpq_numref(v->u.q), mpq_denref(v->u.q));
        mpfr_set_z(f, z, MPFR_RNDN);
        mpz_clear(z);
    } else {
        double slack = 1e-9 * fmax(1.0, fabs(mpfr_get_d(v->u.f, MPFR_RNDN)));
        mpfr_add_d(f, v->u.f, slack, MPFR_RNDN);
        mpfr_floor(f, f);
    }
    long n = -1;
    if (mpfr_sgn(f) < 0)
        nb_lower_failf(s, d, a->args[2]->pos, NB_ERR_DOMAIN, "the step goes "
                       "away from the end of the range (a..b step s needs "
                       "s > 0 when a < b, s < 0 when a > b)");
    else if (mpfr_cmp_si(f, NB_MAX_RANGE_POINTS - 1) > 0)
        nb_lower_failf(s, d, a->pos, NB_ERR_TOO_LARGE, "range of more than "
                       "%ld points (make the step larger)",
                       (long)NB_MAX_RANGE_POINTS);
    else
        n = mpfr_get_si(f, MPFR_RNDN);
    mpfr_clear(f);
    return n;
}

/* The points lo + k*st, k = 0..n: exact ones summed in GMP (one node a
 * point), others built symbolically (k*pi/4 stays exact too). */
static const NbExpr *range_points(NbSession *s, const NbExpr *lo,
                                  const NbExpr *st, long n)
{
    const NbExpr **el = nb_xrealloc(NULL, ((size_t)n + 1) * sizeof *el);
    if (lo->kind == NB_NUM && st->kind == NB_NUM) {
        mpq_t acc;
        mpq_init(acc);
        mpq_set(acc, lo->u.q);
        for (long k = 0; k <= n; k++) {
            el[k] = nb_num_q(s->st, acc);
            mpq_add(acc, acc, st->u.q);
        }
        mpq_clear(acc);
    } else {
        for (long k = 0; k <= n; k++)
            el[k] = nb_add2(s->st, lo,
                            nb_mul2(s->st, nb_num_si(s->st, k), st));
    }
    const NbExpr *r = nb_vec(s->st, (size_t)n + 1, el);
    free(el);
    return r;
}

static const NbExpr *lower_range(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (a->nargs != 3)
        return nb_lower_failf(s, d, a->pos, NB_ERR_SYNTAX, "a range a..b is "
                              "only allowed as a keyword value, as in plot(f, "
                              "x=-3..3); a..b step s is a vector of points");
    const NbExpr *lo = range_part(s, a->args[0], "start", d);
    const NbExpr *hi = lo ? range_part(s, a->args[1], "end", d) : NULL;
    const NbExpr *st = hi ? range_part(s, a->args[2], "step", d) : NULL;
    if (!st)
        return NULL;
    long n = range_steps(s, lo, hi, st, a, d);
    return n < 0 ? NULL : range_points(s, lo, st, n);
}

/* --- the dispatcher ---------------------------------------------------------- */

const NbExpr *nb_lower(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (nb_interrupted) {
        nb_diag_set(d, NB_ERR_INTERRUPTED, "interrupted");
        return nb_lower_fail(s, d, a->pos);
    }
    switch (a->kind) {
    case NB_AST_NUMBER: return lower_number(s, a, d);
    case NB_AST_NAME: return lower_name(s, a, d);
    case NB_AST_STRING: return nb_str(s->st, a->text);
    case NB_AST_BINARY: return lower_binary(s, a, d);
    case NB_AST_UNARY: {
        const NbExpr *e = nb_lower(s, a->args[0], d);
        if (!e)
            return NULL;
        if (e->kind == NB_STR)
            return need_scalar(s, e, a->pos, d);
        return a->op == '+' ? e : negate(s, e, a->pos, d);
    }
    case NB_AST_CALL: return lower_call(s, a, d);
    case NB_AST_VECTOR: return lower_vector(s, a, d);
    case NB_AST_RANGE: return lower_range(s, a, d);
    case NB_AST_INDEX: return lower_index(s, a, d);
    case NB_AST_KEYWORD:
        nb_diag_set(d, NB_ERR_SYNTAX, "keyword argument outside a call");
        return nb_lower_fail(s, d, a->pos);
    default:
        nb_diag_set(d, NB_ERR_SYNTAX, "a statement where an expression is expected");
        return nb_lower_fail(s, d, a->pos);
    }
}
