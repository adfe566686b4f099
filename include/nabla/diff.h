/* diff.h — symbolic differentiation.
 *
 * Table-driven: each built-in's partial derivatives come from its row in
 * builtins.h; the chain, product, quotient and general power (u^v) rules are
 * here. Derivatives are memoised per (node, variable) in the store, so the
 * n-th derivative of a DAG costs work linear in its size, not exponential,
 * and results are built with the canonical constructors (simplified as they
 * are built). Non-smooth functions follow ML conventions (SPEC §2):
 * abs' = sign, relu' = heaviside, heaviside' = floor' = sign' = 0.
 *
 * Errors (NULL, d set): a result past NB_MAX_NODES (NB_ERR_SWELL), an order
 * past NB_MAX_DIFF_ORDER, interruption. Results are owned by the store.
 */
#ifndef NABLA_DIFF_H
#define NABLA_DIFF_H

#include "nabla/expr.h"
#include "nabla/diag.h"

/* d e / d var (var an NB_SYM node). */
const NbExpr *nb_diff(NbStore *st, const NbExpr *e, const NbExpr *var,
                      NbDiag *d);
/* n-th derivative, n >= 0. */
const NbExpr *nb_diff_n(NbStore *st, const NbExpr *e, const NbExpr *var,
                        long n, NbDiag *d);

/* Vector of partials in the order of vars. */
const NbExpr *nb_grad(NbStore *st, const NbExpr *e, size_t nvars,
                      const NbExpr *const *vars, NbDiag *d);
/* Matrix (vector of rows) of second partials. */
const NbExpr *nb_hessian(NbStore *st, const NbExpr *e, size_t nvars,
                         const NbExpr *const *vars, NbDiag *d);
/* Matrix: row i is the gradient of fs[i]. */
const NbExpr *nb_jacobian(NbStore *st, size_t nf, const NbExpr *const *fs,
                          size_t nvars, const NbExpr *const *vars, NbDiag *d);

/* Taylor polynomial of order n of e in var at point a (a closed expression). */
const NbExpr *nb_taylor(NbStore *st, const NbExpr *e, const NbExpr *var,
                        const NbExpr *a, long n, NbDiag *d);
/* Tangent line f'(a)*(var - a) + f(a), simplified. */
const NbExpr *nb_tangent(NbStore *st, const NbExpr *e, const NbExpr *var,
                         const NbExpr *a, NbDiag *d);

/* Partial derivative of built-in fn with respect to its argument i, at
 * the call's arguments args: its row's formula (builtins.h) read with
 * nabla's parser and built with the canonical constructors. NULL when the
 * row has none for i. */
const NbExpr *nb_builtin_deriv(NbStore *st, int fn, const NbExpr *const *args,
                               int i);

/* out[k] = the k-th derivative of e in var for k = 0..n, in one pass of
 * the group form (one step per order; out[0] = e). 1, or 0 with d set
 * (NULL d fields untouched when the statement's store budget ran out). */
int nb_diff_all(NbStore *st, const NbExpr *e, const NbExpr *var, long n,
                const NbExpr **out, NbDiag *d);

/* Node limit for one differentiation (default NB_MAX_NODES; n <= 0 restores
 * it). Returns the previous limit. For tests of NB_ERR_SWELL. */
long nb_diff_set_max_nodes(long n);

#endif
