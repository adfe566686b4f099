/* simplify.h — canonical constructors and the simplifier.
 *
 * Every expression nabla builds goes through these constructors, so every
 * node in use is in canonical form:
 *   - a - b is a + (-1)*b; a / b is a * b^(-1); sqrt(x) is x^(1/2);
 *   - sums and products are flattened, with at most one exact numeric
 *     term / coefficient (first), like terms and like factors collected
 *     with exact rational coefficients and exponents (2x + 3x -> 5x,
 *     x*x^2 -> x^3, exp(a)*exp(b) -> exp(a+b)); terms are sorted by
 *     nb_expr_cmp of the term without its coefficient (1 + 2*x + x^2),
 *     factors by their base (x^2*y); a number times a sum is distributed
 *     (2*(x+1) -> 2 + 2*x, so -(x-y) is y - x);
 *   - exact arithmetic is folded (any size up to NB_MAX_EXACT_BITS; past
 *     that, and for 0^-1, the node is left unfolded so evaluation can report
 *     the error at the right place);
 *   - identities that hold for all reals are applied: x^0 -> 1, x^1 -> x,
 *     0*x -> 0, log(exp(x)) -> x, exp(log(x)) is NOT rewritten (x > 0 only),
 *     sin(0) -> 0, exp(0) -> 1, e^x -> exp(x), (x^a)^n -> x^(a*n) for integer n;
 *   - floats fold with exact numbers at the float's precision.
 * Each rewrite is one local rule in simplify.c.
 *
 * Constructors never fail and never return NULL (memory exhaustion aborts,
 * as GMP does). Results are owned by the store.
 */
#ifndef NABLA_SIMPLIFY_H
#define NABLA_SIMPLIFY_H

#include "nabla/expr.h"
#include "nabla/builtins.h"
#include "nabla/diag.h"

const NbExpr *nb_add(NbStore *st, size_t n, const NbExpr *const *terms);
const NbExpr *nb_mul(NbStore *st, size_t n, const NbExpr *const *factors);
const NbExpr *nb_add2(NbStore *st, const NbExpr *a, const NbExpr *b);
const NbExpr *nb_sub(NbStore *st, const NbExpr *a, const NbExpr *b);
const NbExpr *nb_mul2(NbStore *st, const NbExpr *a, const NbExpr *b);
const NbExpr *nb_div(NbStore *st, const NbExpr *a, const NbExpr *b);
const NbExpr *nb_neg(NbStore *st, const NbExpr *a);
const NbExpr *nb_pow(NbStore *st, const NbExpr *base, const NbExpr *expo);
const NbExpr *nb_pow_si(NbStore *st, const NbExpr *base, long expo);
/* Call of a built-in; NB_BF_LOWERS ids are lowered (sqrt -> ^(1/2), ...).
 * The argument count must be within the row's arity (the caller checks). */
const NbExpr *nb_fn(NbStore *st, NbFnId id, size_t n, const NbExpr *const *args);
const NbExpr *nb_fn1(NbStore *st, NbFnId id, const NbExpr *a);
const NbExpr *nb_fn2(NbStore *st, NbFnId id, const NbExpr *a, const NbExpr *b);
const NbExpr *nb_vec(NbStore *st, size_t n, const NbExpr *const *elems);

/* Split a canonical term into exact coefficient and the rest: 3*x*y gives
 * coef 3 and x*y; x gives 1 and x; 5 gives 5 and 1. coef must be inited. */
const NbExpr *nb_term_split(NbStore *st, const NbExpr *term, mpq_t coef);

/* Heavier rewriting than the constructors do: trigonometric and hyperbolic
 * identities (sin^2 + cos^2 -> 1), cancellation of common factors in
 * quotients, and the factoring that makes output read like a textbook. */
const NbExpr *nb_simplify(NbStore *st, const NbExpr *e);

/* Distribute products over sums and expand integer powers of sums. A
 * product or power whose expansion would pass NB_MAX_EXPAND_TERMS is left
 * as it is, as is everything once ^C is pressed or the store's budget runs
 * out. */
const NbExpr *nb_expand(NbStore *st, const NbExpr *e);
/* nb_expand, but NULL when it left anything unexpanded: d says why
 * (NB_ERR_SWELL) when an expansion had too many terms; d is left alone
 * when ^C or the store's budget stopped it (the session reports those). */
const NbExpr *nb_expand_checked(NbStore *st, const NbExpr *e, NbDiag *d);

/* Replace vars[i] by vals[i] everywhere in e, rebuilding with the canonical
 * constructors. Memoised per node: linear in the DAG size. */
const NbExpr *nb_subs(NbStore *st, const NbExpr *e, size_t n,
                      const NbExpr *const *vars, const NbExpr *const *vals);

#endif
