/* series.h — truncated power series (private to the library; used by
 * nb_taylor in taylor.c).
 *
 * A series of order n about the point a of the variable x is an array of
 * n + 1 coefficients c[0..n], c[k] the coefficient of (x - a)^k: nodes of
 * the store, built with the canonical constructors and kept expanded
 * (exact rationals where the point makes them so, symbolic constants such
 * as sin(1) or tan(1)^2 otherwise). The ARRAY is malloc'd and belongs to
 * the caller, who free()s it; the NODES belong to the store, as always.
 *
 * nb_series propagates series through the expression (Brent and Kung,
 * "Fast algorithms for manipulating formal power series", 1978; as
 * Maxima's taylor and SymPy's series do): sums and products of series,
 * quotients and powers by the usual recurrences (J. C. P. Miller's for
 * u^alpha), exp, log, sin/cos, sinh/cosh by recurrences through the
 * derivative, tan, tanh, cot and sigmoid by their Riccati equations,
 * sec, csc and gamma by F' = F*W, and the other built-ins by integrating
 * the series of their derivative, or by composition with the symbolic
 * derivatives of the built-in in one variable. Each of the n + 1
 * coefficients costs O(n) coefficient operations: order 100 is cheap.
 *
 * Errors (NULL, d set): no Taylor series at the point (a pole, branch
 * point, kink or jump of a part of e there: NB_ERR_DOMAIN), a string or
 * vector inside a scalar (NB_ERR_TYPE), ^C (NB_ERR_INTERRUPTED); when the
 * store's budget for the statement runs out, NULL with d untouched (the
 * session reports it).
 */
#ifndef NABLA_SERIES_H
#define NABLA_SERIES_H

#include "nabla/expr.h"
#include "nabla/diag.h"

/* Coefficients c[0..n] of e in powers of (var - a); a closed, e scalar. */
const NbExpr **nb_series(NbStore *st, const NbExpr *e, const NbExpr *var,
                         const NbExpr *a, long n, NbDiag *d);

#endif
