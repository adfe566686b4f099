/* lower_vec.c — vectors as values while lowering (SPEC §2): elementwise
 * operations, indexing p[i], and ranges with a step a..b step s.
 *
 * Elementwise rule (numpy's, without its axis alignment): every operation
 * that takes numbers — + - * / ^, built-ins, user functions — takes
 * vectors too. Operands that are vectors must have the same shape (a
 * matrix is a vector of rows); a number beside them is used at every
 * element. So 2*[1, 2] + [3, 4] is [5, 8], [1, 2]*[3, 4] is [3, 8] and
 * sigmoid([-10, 0, 10]) is a vector of three values.
 *
 * Indices start at 1, as subscripts are written (p[1] is p₁) and as
 * Maxima, Octave and Julia count; p[1][2] takes row 1, then element 2.
 *
 * a..b step s is the vector a, a+s, a+2s, ... up to b (b included when it
 * is reached: exactly for exact ends and step, within a relative 1e-9 of
 * the step for floats, so 0..1 step 0.1 ends at 1 however 0.1 rounds).
 * The points are exact when a and s are (0.5 is exactly 1/2). A range
 * without a step stays a range: it is a keyword value (plots, grids), the
 * command picks its own points.
 *
 * Recursion follows the nesting of vectors, which the parser's depth
 * limit bounds (vectors built by commands are at most matrices).
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/eval.h"
#include "nabla/limits.h"
#include "nabla/print.h"
#include "nabla/simplify.h"

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort(); /* as GMP does: no recovery from exhausted memory */
    return p;
}

static const NbExpr *fail(NbSession *s, NbDiag *d, NbPos pos,
                          NbErrCode code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static const NbExpr *fail(NbSession *s, NbDiag *d, NbPos pos,
                          NbErrCode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_vset(d, code, fmt, ap);
    va_end(ap);
    return nb_lower_fail(s, d, pos);
}

/* --- elementwise ------------------------------------------------------------ */

/* "3", "2x3": the shape of a vector, as messages write it. */
static void shape_text(const NbExpr *e, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    while (e->kind == NB_VEC && len + 12 < size) {
        len += (size_t)snprintf(buf + len, size - len, "%s%u", len ? "x" : "",
                                e->n);
        if (e->n == 0)
            break;
        e = e->args[0];
    }
}

static int same_shape(const NbExpr *a, const NbExpr *b)
{
    if (a->kind != NB_VEC || b->kind != NB_VEC)
        return a->kind != NB_VEC && b->kind != NB_VEC;
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!same_shape(a->args[i], b->args[i]))
            return 0;
    return 1;
}

static const NbExpr *map_rec(NbSession *s, size_t n,
                             const NbExpr *const *args, NbPos pos,
                             NbLowerOp op, void *ctx, NbDiag *d)
{
    size_t len = 0;
    int any = 0;
    for (size_t k = 0; k < n; k++) {
        if (args[k]->kind == NB_STR)
            return fail(s, d, pos, NB_ERR_TYPE,
                        "a string where a number is expected");
        if (args[k]->kind == NB_VEC) {
            any = 1;
            len = args[k]->n;
        }
    }
    if (!any)
        return op(s, n, args, ctx, d);
    const NbExpr **row = xrealloc(NULL, n * sizeof *row);
    const NbExpr **el = xrealloc(NULL, len * sizeof *el);
    const NbExpr *r = NULL;
    size_t i;
    for (i = 0; i < len; i++) {
        for (size_t k = 0; k < n; k++)
            row[k] = args[k]->kind == NB_VEC ? args[k]->args[i] : args[k];
        if (!(el[i] = map_rec(s, n, row, pos, op, ctx, d)))
            break;
    }
    if (i == len)
        r = nb_vec(s->st, len, el);
    free(row);
    free(el);
    return r;
}

const NbExpr *nb_lower_map(NbSession *s, size_t n, const NbExpr *const *args,
                           NbPos pos, NbLowerOp op, void *ctx, NbDiag *d)
{
    const NbExpr *first = NULL;
    for (size_t k = 0; k < n; k++) {
        if (args[k]->kind != NB_VEC)
            continue;
        if (!first) {
            first = args[k];
            continue;
        }
        if (same_shape(first, args[k]))
            continue;
        if (first->n != args[k]->n)
            return fail(s, d, pos, NB_ERR_TYPE,
                        "vectors of different lengths (%u and %u)", first->n,
                        args[k]->n);
        char a[48], b[48];
        shape_text(first, a, sizeof a);
        shape_text(args[k], b, sizeof b);
        return fail(s, d, pos, NB_ERR_TYPE,
                    "vectors of different shapes (%s and %s)", a, b);
    }
    return map_rec(s, n, args, pos, op, ctx, d);
}

/* --- indexing ----------------------------------------------------------------- */

/* The value of a closed index expression as a long, with the errors a
 * user needs: not a number, not an integer. */
static int index_value(NbSession *s, const NbAst *at, const NbExpr *e,
                       long *out, NbDiag *d)
{
    if (e->kind == NB_VEC || e->kind == NB_STR) {
        fail(s, d, at->pos, NB_ERR_TYPE, "an index must be a number, not a %s",
             e->kind == NB_VEC ? "vector" : "string");
        return -1;
    }
    if (!nb_closed(s, e)) {
        const NbExpr *fr[1] = {NULL};
        nb_free_syms(e, fr, 1);
        fail(s, d, at->pos, NB_ERR_TYPE, "an index must be a number: '%s' "
             "has no value", fr[0] ? fr[0]->u.name : "?");
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
    fail(s, d, at->pos, NB_ERR_TYPE, "index %s is not an integer", t);
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

const NbExpr *nb_lower_index(NbSession *s, const NbAst *a, NbDiag *d)
{
    const NbExpr *v = nb_lower(s, a->args[0], d);
    if (!v)
        return NULL;
    if (v->kind != NB_VEC) {
        if (v->kind == NB_SYM)
            return fail(s, d, a->pos, NB_ERR_TYPE, "cannot index '%s': it is "
                        "a variable without a value, not a vector",
                        v->u.name);
        return fail(s, d, a->pos, NB_ERR_TYPE, "cannot index %s: only "
                    "vectors have elements", nb_closed(s, v) ? "a number"
                                                             : kind_name(v));
    }
    const NbExpr *i = nb_lower(s, a->args[1], d);
    long k;
    if (!i || index_value(s, a->args[1], i, &k, d))
        return NULL;
    if (k >= 1 && (unsigned long)k <= v->n)
        return v->args[k - 1];
    if (k == 0)
        return fail(s, d, a->args[1]->pos, NB_ERR_DOMAIN,
                    "index 0: indices start at 1 (p[1] is the first element)");
    if (k == LONG_MIN || k == LONG_MAX)
        return fail(s, d, a->args[1]->pos, NB_ERR_DOMAIN,
                    "index out of range: the vector has %u element%s", v->n,
                    v->n == 1 ? "" : "s");
    return fail(s, d, a->args[1]->pos, NB_ERR_DOMAIN,
                "index %ld out of range: the vector has %u element%s", k, v->n,
                v->n == 1 ? "" : "s");
}

/* --- ranges with a step -------------------------------------------------------- */

/* The value of a range end or step: a closed number. */
static const NbExpr *range_part(NbSession *s, const NbAst *at, const char *what,
                                NbDiag *d)
{
    const NbExpr *e = nb_lower(s, at, d);
    if (!e)
        return NULL;
    if (e->kind == NB_VEC || e->kind == NB_STR)
        return fail(s, d, at->pos, NB_ERR_TYPE, "the %s of a range must be a "
                    "number, not a %s", what,
                    e->kind == NB_VEC ? "vector" : "string");
    if (!nb_closed(s, e)) {
        const NbExpr *fr[1] = {NULL};
        nb_free_syms(e, fr, 1);
        return fail(s, d, at->pos, NB_ERR_TYPE, "the %s of a range must be a "
                    "number: '%s' has no value", what,
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
        fail(s, d, a->args[2]->pos, NB_ERR_DOMAIN, "the step of a range "
             "must be a nonzero number, and its ends finite");
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
        fail(s, d, a->args[2]->pos, NB_ERR_DOMAIN, "the step goes away from "
             "the end of the range (a..b step s needs s > 0 when a < b, "
             "s < 0 when a > b)");
    else if (mpfr_cmp_si(f, NB_MAX_RANGE_POINTS - 1) > 0)
        fail(s, d, a->pos, NB_ERR_TOO_LARGE, "range of more than %ld points "
             "(make the step larger)", (long)NB_MAX_RANGE_POINTS);
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
    const NbExpr **el = xrealloc(NULL, ((size_t)n + 1) * sizeof *el);
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

const NbExpr *nb_lower_range(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (a->nargs != 3)
        return fail(s, d, a->pos, NB_ERR_SYNTAX, "a range a..b is only "
                    "allowed as a keyword value, as in plot(f, x=-3..3); "
                    "a..b step s is a vector of points");
    const NbExpr *lo = range_part(s, a->args[0], "start", d);
    const NbExpr *hi = lo ? range_part(s, a->args[1], "end", d) : NULL;
    const NbExpr *st = hi ? range_part(s, a->args[2], "step", d) : NULL;
    if (!st)
        return NULL;
    long n = range_steps(s, lo, hi, st, a, d);
    return n < 0 ? NULL : range_points(s, lo, st, n);
}
