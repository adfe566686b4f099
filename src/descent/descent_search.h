/* descent_search.h — line searches along a direction (descent_search.c).
 *
 * The contract between the loops (descent_loop.h) and the searches: a
 * search knows only phi and phi' as doubles through a callback, nothing of
 * a loop, its precision or its trace, so this header needs nothing of
 * descent_internal.h and the searches depend on no loop.
 */
#ifndef NABLA_DESCENT_SEARCH_H
#define NABLA_DESCENT_SEARCH_H

/* Line searches on phi(a) = f(x + a*d) - f(x), computed by the caller in its
 * own precision and handed over as doubles (the differences keep their
 * relative accuracy). eval returns phi(a) and, when dphi is not NULL,
 * phi'(a) = grad(x + a*d) . d; the last call is always at the returned a. */
typedef double (*NbPhiFn)(void *ctx, double a, double *dphi);

/* Armijo backtracking from a0: the first a = a0*shrink^j with
 * phi(a) <= c*a*dphi0. Returns a, or 0 when none was found above the
 * rounding level. */
double nbi_armijo(NbPhiFn phi, void *ctx, double a0, double dphi0, double c,
                  double shrink);
/* Strong Wolfe conditions (Nocedal & Wright, Alg. 3.5 and 3.6, with cubic
 * interpolation in zoom): phi(a) <= c1*a*dphi0 and |phi'(a)| <= c2*|dphi0|.
 * Returns a, or 0 on failure. */
double nbi_wolfe(NbPhiFn phi, void *ctx, double a0, double dphi0, double c1,
                 double c2);

#endif
