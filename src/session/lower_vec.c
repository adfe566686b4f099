/* lower_vec.c — vectors as values while lowering (SPEC §2): elementwise
 * operations over values. Indexing p[i] and ranges a..b step s lower
 * their parts, so they are lowering proper (lower.c).
 *
 * Elementwise rule (numpy's, without its axis alignment): every operation
 * that takes numbers — + - * / ^, built-ins, user functions — takes
 * vectors too. Operands that are vectors must have the same shape (a
 * matrix is a vector of rows); a number beside them is used at every
 * element. So 2*[1, 2] + [3, 4] is [5, 8], [1, 2]*[3, 4] is [3, 8] and
 * sigmoid([-10, 0, 10]) is a vector of three values.
 *
 * Recursion follows the nesting of vectors, which the parser's depth
 * limit bounds (vectors built by commands are at most matrices).
 */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/simplify.h"
#include "util/alloc.h"

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
            return nb_lower_failf(s, d, pos, NB_ERR_TYPE,
                        "a string where a number is expected");
        if (args[k]->kind == NB_VEC) {
            any = 1;
            len = args[k]->n;
        }
    }
    if (!any)
        return op(s, n, args, ctx, d);
    const NbExpr **row = nb_xrealloc(NULL, n * sizeof *row);
    const NbExpr **el = nb_xrealloc(NULL, len * sizeof *el);
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
            return nb_lower_failf(s, d, pos, NB_ERR_TYPE,
                        "vectors of different lengths (%u and %u)", first->n,
                        args[k]->n);
        char a[48], b[48];
        shape_text(first, a, sizeof a);
        shape_text(args[k], b, sizeof b);
        return nb_lower_failf(s, d, pos, NB_ERR_TYPE,
                    "vectors of different shapes (%s and %s)", a, b);
    }
    return map_rec(s, n, args, pos, op, ctx, d);
}
