/* cmd_vector.c — functions of whole vectors (SPEC §2): len, norm, dot,
 * sum, and table(), which tabulates expressions over points.
 *
 * They are commands rather than built-ins because they take vectors and
 * are resolved while a statement is lowered: norm([x, y]) is the
 * expression sqrt(x^2 + y^2), so they work on symbols and inside function
 * bodies too. Elementwise operations on vectors (2*v, sigmoid(v)) are not
 * here: lowering does them (lower_vec.c).
 *
 * Choices: norm is the 2-norm of all the entries (of a matrix: the
 * Frobenius norm, as numpy.linalg.norm); sum(v) adds the elements (of a
 * matrix: its rows, giving the column sums); sum(a, b, ...) is a + b + ...;
 * dot needs two vectors of one length whose elements are not vectors.
 *
 * table(e1, e2, ..., x=points): one row per point, the variable first and
 * a column per expression headed by the expression as written. Cells are
 * what a statement prints, except that an exact value with a finite
 * decimal prints as that decimal (0.25, not 1/4): a table is data. A
 * point where an expression has no value (log(x) at x = -1) gets "-" and
 * a note saying why, instead of losing the whole table.
 */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/print.h"
#include "nabla/simplify.h"
#include "nabla/table.h"
#include "util/alloc.h"

static const char *const no_keywords[] = {NULL};

static const NbExpr *fail_at(NbSession *s, NbPos pos, NbDiag *d)
{
    nb_diag_locate(d, s->file, pos, s->src, s->srclen);
    return NULL;
}

/* Exactly n positional arguments and no keywords. */
static int want_args(NbSession *s, const NbArgs *a, size_t n,
                     const char *usage, NbDiag *d)
{
    if (a->npos != n) {
        nb_diag_set(d, NB_ERR_ARGS, "wrong number of arguments: usage %s",
                    usage);
        fail_at(s, a->call_pos, d);
        return -1;
    }
    return nb_args_check_keywords(a, no_keywords, d);
}

/* The vector an argument holds, or NULL with a clear error. */
static const NbExpr *arg_vector(NbSession *s, const char *cmd,
                                const NbArg *arg, NbDiag *d)
{
    const NbExpr *e = arg->value;
    if (!arg->fn && e && e != NB_NOTHING && e->kind == NB_VEC)
        return e;
    if (arg->fn)
        nb_diag_set(d, NB_ERR_TYPE, "%s needs a vector; '%s' is a function",
                    cmd, arg->fn->name);
    else if (e && e->kind == NB_SYM)
        nb_diag_set(d, NB_ERR_TYPE, "%s needs a vector; '%s' is a variable "
                    "without a value", cmd, e->u.name);
    else
        nb_diag_set(d, NB_ERR_TYPE, "%s needs a vector, not a %s", cmd,
                    e && e->kind == NB_STR ? "string" : "number");
    return fail_at(s, arg->pos, d);
}

/* --- len, norm, dot, sum ----------------------------------------------------- */

static const NbExpr *cmd_len(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (want_args(s, a, 1, "len(v)", d))
        return NULL;
    const NbExpr *v = arg_vector(s, "len", &a->pos[0], d);
    return v ? nb_num_si(s->st, (long)v->n) : NULL;
}

/* The squares of every entry of e (vectors flattened) appended to *sq. */
static int squares(NbSession *s, const NbExpr *e, const NbExpr ***sq,
                   size_t *n, size_t *cap)
{
    if (e->kind == NB_STR)
        return -1;
    if (e->kind != NB_VEC) {
        if (*n == *cap)
            *sq = nb_xrealloc(*sq, (*cap = *cap ? 2 * *cap : 16) * sizeof **sq);
        (*sq)[(*n)++] = nb_pow_si(s->st, e, 2);
        return 0;
    }
    for (size_t i = 0; i < e->n; i++)
        if (squares(s, e->args[i], sq, n, cap))
            return -1;
    return 0;
}

static const NbExpr *cmd_norm(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (want_args(s, a, 1, "norm(v)", d))
        return NULL;
    const NbExpr *v = arg_vector(s, "norm", &a->pos[0], d);
    if (!v)
        return NULL;
    const NbExpr **sq = NULL;
    size_t n = 0, cap = 0;
    const NbExpr *r = NULL;
    if (squares(s, v, &sq, &n, &cap)) {
        nb_diag_set(d, NB_ERR_TYPE, "norm needs a vector of numbers, not "
                    "strings");
        fail_at(s, a->pos[0].pos, d);
    } else {
        r = nb_pow(s->st, nb_add(s->st, n, sq), nb_num_frac(s->st, 1, 2));
    }
    free(sq);
    return r;
}

static const NbExpr *cmd_dot(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (want_args(s, a, 2, "dot(u, v)", d))
        return NULL;
    const NbExpr *u = arg_vector(s, "dot", &a->pos[0], d);
    const NbExpr *v = u ? arg_vector(s, "dot", &a->pos[1], d) : NULL;
    if (!v)
        return NULL;
    if (u->n != v->n) {
        nb_diag_set(d, NB_ERR_TYPE, "dot needs vectors of one length (%u and "
                    "%u)", u->n, v->n);
        return fail_at(s, a->pos[1].pos, d);
    }
    const NbExpr **p = nb_xrealloc(NULL, u->n * sizeof *p);
    for (size_t i = 0; i < u->n; i++) {
        const NbExpr *x = u->args[i], *y = v->args[i];
        if (x->kind == NB_VEC || y->kind == NB_VEC || x->kind == NB_STR
            || y->kind == NB_STR) {
            free(p);
            nb_diag_set(d, NB_ERR_TYPE, "dot needs two vectors of numbers "
                        "(element %zu is a %s)", i + 1,
                        x->kind == NB_STR || y->kind == NB_STR ? "string"
                                                               : "vector");
            return fail_at(s, a->pos[x->kind == NB_VEC || x->kind == NB_STR
                                     ? 0 : 1].pos, d);
        }
        p[i] = nb_mul2(s->st, x, y);
    }
    const NbExpr *r = nb_add(s->st, u->n, p);
    free(p);
    return r;
}

static const NbExpr *add_op(NbSession *s, size_t n, const NbExpr *const *t,
                            void *ctx, NbDiag *d)
{
    (void)ctx;
    (void)d;
    return nb_add(s->st, n, t);
}

/* sum(v): the elements added; sum(a, b, ...): a + b + ..., elementwise
 * over vectors like '+'. */
static const NbExpr *cmd_sum(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (nb_args_check_keywords(a, no_keywords, d))
        return NULL;
    if (a->npos == 0) {
        nb_diag_set(d, NB_ERR_ARGS, "sum expects at least 1 argument, got 0");
        return fail_at(s, a->call_pos, d);
    }
    const NbExpr **t = nb_xrealloc(NULL, a->npos * sizeof *t);
    for (size_t i = 0; i < a->npos; i++) {
        const NbArg *arg = &a->pos[i];
        t[i] = arg->value;
        if (arg->fn || t[i]->kind == NB_STR) {
            free(t);
            nb_diag_set(d, NB_ERR_TYPE, "sum needs numbers or vectors, not "
                        "a %s", arg->fn ? "function" : "string");
            return fail_at(s, arg->pos, d);
        }
    }
    const NbExpr *const *items = t;
    size_t n = a->npos;
    if (n == 1 && t[0]->kind == NB_VEC) {
        items = t[0]->args;
        n = t[0]->n;
    }
    const NbExpr *r = n == 0 ? nb_num_si(s->st, 0)
                             : nb_lower_map(s, n, items, a->call_pos, add_op,
                                            NULL, d);
    free(t);
    return r;
}

/* --- table ------------------------------------------------------------------- */

/* Byte offset of the character at pos in the source. */
static size_t source_at(const NbSession *s, NbPos pos)
{
    size_t i = (size_t)pos.offset;
    for (int col = 1; i < s->srclen && col < pos.col; i++)
        if (((unsigned char)s->src[i + 1] & 0xC0) != 0x80)
            col++;
    return i;
}

/* The source text of argument k of the call at pos, as written: the
 * call's text split at commas outside brackets and strings, blanks and
 * line breaks squeezed to one space, comments dropped. (Syntax nodes do
 * not record where they end, and an operator's node starts at the
 * operator.) NULL when the source is not at hand. */
static char *arg_text(const NbSession *s, NbPos pos, size_t k)
{
    if (!s->src || pos.line <= 0 || (size_t)pos.offset > s->srclen)
        return NULL;
    size_t i = source_at(s, pos);
    while (i < s->srclen && s->src[i] != '(')
        i++;
    char *out = nb_xrealloc(NULL, s->srclen - i + 1);
    size_t n = 0, arg = 0;
    int depth = 0, blank = 0;
    for (i++; i < s->srclen && arg <= k; i++) {
        char c = s->src[i];
        if (depth == 0 && (c == ',' || c == ')')) {
            arg++;
            continue;
        }
        if (c == '#') {
            while (i + 1 < s->srclen && s->src[i + 1] != '\n')
                i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\') {
            blank = n > 0;
            continue;
        }
        depth += (c == '(' || c == '[') - (c == ')' || c == ']');
        size_t from = i;
        if (c == '"')
            for (i++; i < s->srclen && s->src[i] != '"'; i++)
                i += s->src[i] == '\\';
        if (arg != k)
            continue;
        if (blank)
            out[n++] = ' ';
        blank = 0;
        for (size_t j = from; j <= i && j < s->srclen; j++)
            out[n++] = s->src[j];
    }
    out[n] = '\0';
    if (n == 0) {
        free(out);
        return NULL;
    }
    return out;
}

typedef struct Column {
    const NbExpr *body;      /* in the table's variable */
    char *head;
} Column;

/* The expression of column arg in the variable x: a function name (user
 * or built-in) of one parameter is applied to x. */
static int column(NbSession *s, const NbArgs *a, size_t k, const NbExpr *x,
                  Column *c, NbDiag *d)
{
    const NbArg *arg = &a->pos[k];
    c->head = NULL;
    if (arg->fn) {
        if (arg->fn->nparams != 1) {
            nb_diag_set(d, NB_ERR_ARGS, "table: %s has %zu parameters; give "
                        "an expression in the table's variable", arg->fn->name,
                        arg->fn->nparams);
            return fail_at(s, arg->pos, d), -1;
        }
        c->body = nb_subs(s->st, arg->fn->body, 1, arg->fn->params, &x);
    } else if (!arg->value || arg->value->kind == NB_STR) {
        nb_diag_set(d, NB_ERR_TYPE, "table: a string is not an expression");
        return fail_at(s, arg->pos, d), -1;
    } else {
        c->body = arg->value;
    }
    const NbExpr *fr[2] = {NULL, NULL};
    size_t nf = nb_free_syms(c->body, fr, 2);
    const NbExpr *other = nf == 0 ? NULL : fr[0] != x ? fr[0]
                        : nf > 1 ? fr[1] : NULL;
    if (other) {
        nb_diag_set(d, NB_ERR_ARGS, "table: '%s' has no value (only %s "
                    "varies along the table)", other->u.name, x->u.name);
        return fail_at(s, arg->pos, d), -1;
    }
    c->head = arg_text(s, a->call_pos, k);
    if (!c->head) {
        NbPrintOpts po = {0};
        c->head = nb_print(c->body, &po);
    }
    return 0;
}

/* The points: a vector of numbers (x=[...] or x=a..b step s). */
static const NbArg *table_var(NbSession *s, const NbArgs *a, NbDiag *d)
{
    if (a->nkw != 1 || a->npos == 0) {
        nb_diag_set(d, NB_ERR_ARGS, "usage table(expr, ..., x=[points]): "
                    "expressions, then one variable and its points");
        fail_at(s, a->nkw > 1 ? a->kw[1].pos : a->call_pos, d);
        return NULL;
    }
    const NbArg *k = &a->kw[0];
    NbVar *bound = nb_var_find(s, k->name);
    if (bound) {
        char *t = nb_session_display(s, bound->value, bound->decimal, d);
        if (t && strlen(t) > 40)
            strcpy(t + 36, " ...");
        nb_diag_set(d, NB_ERR_ARGS, "%s has the value %s; `clear %s` to use "
                    "it as a variable", k->name, t ? t : "?", k->name);
        free(t);
        fail_at(s, k->pos, d);
        return NULL;
    }
    const NbExpr *v = k->value;
    if (k->is_range || k->fn || !v || v->kind != NB_VEC) {
        nb_diag_set(d, NB_ERR_TYPE, "table: %s= needs the points, as a "
                    "vector [a, b, ...] or a range with a step a..b step s",
                    k->name);
        fail_at(s, k->pos, d);
        return NULL;
    }
    for (size_t i = 0; i < v->n; i++)
        if (v->args[i]->kind == NB_VEC || !nb_closed(s, v->args[i])) {
            nb_diag_set(d, NB_ERR_TYPE, "table: point %zu of %s= is not a "
                        "number", i + 1, k->name);
            fail_at(s, k->pos, d);
            return NULL;
        }
    return k;
}

/* One cell: the value shown with decimals (see the top), or "-" with a
 * note for the first point where the column has no value. */
static char *cell(NbSession *s, const Column *c, const NbExpr *x,
                  const NbExpr *pt, const char *xtext, int *noted, NbTable *t)
{
    NbDiag d = NB_DIAG_INIT;
    char *text = nb_session_display(s, nb_subs(s->st, c->body, 1, &x, &pt), 1,
                                    &d);
    if (!text) {
        if (!*noted) {
            char *note = nb_cell("%s at %s = %s: %s", c->head, x->u.name,
                                 xtext, d.msg);
            nb_table_note(t, note);
            free(note);
            *noted = 1;
        }
        text = nb_cell("-");
    }
    nb_diag_clear(&d);
    return text;
}

static const NbExpr *cmd_table(NbSession *s, const NbArgs *a, NbDiag *d)
{
    const NbArg *k = table_var(s, a, d);
    if (!k)
        return NULL;
    const NbExpr *x = nb_sym(s->st, k->name), *pts = k->value;
    size_t nc = a->npos;
    Column *cols = nb_xrealloc(NULL, nc * sizeof *cols);
    const char **names = nb_xrealloc(NULL, (nc + 1) * sizeof *names);
    int *noted = calloc(nc, sizeof *noted);
    size_t ok = 0;
    while (ok < nc && column(s, a, ok, x, &cols[ok], d) == 0)
        ok++;
    NbTable *t = NULL;
    if (ok == nc && noted) {
        names[0] = k->name;
        for (size_t j = 0; j < nc; j++)
            names[j + 1] = cols[j].head;
        t = nb_table_new("table", nc + 1, names);
        char **row = nb_xrealloc(NULL, (nc + 1) * sizeof *row);
        for (size_t i = 0; i < pts->n; i++) {
            NbDiag tmp = NB_DIAG_INIT;
            row[0] = nb_session_display(s, pts->args[i], 1, &tmp);
            nb_diag_clear(&tmp);
            if (!row[0])
                row[0] = nb_cell("-");
            for (size_t j = 0; j < nc; j++)
                row[j + 1] = cell(s, &cols[j], x, pts->args[i], row[0],
                                  &noted[j], t);
            nb_table_row(t, (const char *const *)row);
            for (size_t j = 0; j <= nc; j++)
                free(row[j]);
        }
        free(row);
        nb_session_table(s, t);
        nb_table_free(t);
    }
    for (size_t j = 0; j < ok; j++)
        free(cols[j].head);
    free(cols);
    free(names);
    free(noted);
    return t ? NB_NOTHING : NULL;
}

/* --- the table of commands ------------------------------------------------------ */

/* Examples are statements; help shows them with their output. */
const NbCommand nb_cmds_vector[] = {
    {"len", cmd_len, "len(v)", "Number of elements of a vector (of a "
     "matrix: its rows).", "len([3, 4, 5])", NULL, NULL},
    {"norm", cmd_norm, "norm(v)",
     "Euclidean length sqrt(v[1]^2 + v[2]^2 + ...), exact when it is (of "
     "a matrix: the Frobenius norm). Works on symbols: norm([x, y]) is "
     "sqrt(x^2 + y^2).", "norm([3, 4])", NULL, NULL},
    {"dot", cmd_dot, "dot(u, v)",
     "Dot product u[1]*v[1] + u[2]*v[2] + ... of two vectors of one "
     "length.", "dot([1, 2, 3], [4, 5, 6])", NULL, NULL},
    {"sum", cmd_sum, "sum(v) | sum(a, b, ...)",
     "Sum of the elements of a vector (of a matrix: its rows added, the "
     "column sums), or of any number of arguments, elementwise over "
     "vectors as '+' is.", "sum([1, 2, 3, 4])", NULL, NULL},
    {"table", cmd_table, "table(expr, ..., x=[points])",
     "One row per point with a column per expression, the variable first; "
     "in text, CSV or JSON as `set format` says. The points are a vector "
     "or a range with a step (x=-10..10 step 0.5). Exact values print "
     "exactly (as decimals when they have one), others as floats; a point "
     "where an expression has no value shows - with a note.",
     "table(x^2, x=[1, 2])", NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};
