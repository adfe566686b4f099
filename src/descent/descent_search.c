/* descent_search.c — line searches along a direction, shared by the double
 * and MPFR loops. They see only phi(a) = f(x + a*d) - f(x) and phi'(a) as
 * doubles: the loop computes the difference in its own precision, so the
 * decision keeps full relative accuracy while the search logic (a few
 * comparisons and one interpolation) stays in one place. */
#include <math.h>
#include <stddef.h>
#include "descent/descent_search.h"

/* Smallest step tried, relative to the first: below it the step changes x
 * by less than rounding in any precision we run. */
#define MIN_STEP_FACTOR 1e-20
#define MAX_ARMIJO 400
#define MAX_WOLFE 40

double nbi_armijo(NbPhiFn phi, void *ctx, double a0, double dphi0, double c,
                  double shrink)
{
    double a = a0;
    for (int i = 0; i < MAX_ARMIJO && a > a0 * MIN_STEP_FACTOR; i++) {
        double p = phi(ctx, a, NULL);
        /* A nan or inf phi fails the test and the step shrinks: a trial
         * outside the domain of f is simply too long. */
        if (p <= c * a * dphi0)
            return a;
        a *= shrink;
    }
    return 0;
}

/* Minimiser of the cubic through (lo, plo, dlo) and (hi, phi, dhi)
 * (Nocedal & Wright eq. 3.59), kept inside the middle 80% of the bracket;
 * bisection when the cubic has no minimiser or a value is not finite. */
static double cubic_step(double lo, double plo, double dlo, double hi,
                         double phi, double dhi)
{
    double mid = 0.5 * (lo + hi);
    if (!isfinite(plo) || !isfinite(phi) || !isfinite(dlo) || !isfinite(dhi))
        return mid;
    double d1 = dlo + dhi - 3 * (plo - phi) / (lo - hi);
    double disc = d1 * d1 - dlo * dhi;
    if (!(disc >= 0))
        return mid;
    double d2 = copysign(sqrt(disc), hi - lo);
    double a = hi - (hi - lo) * (dhi + d2 - d1) / (dhi - dlo + 2 * d2);
    double w = fabs(hi - lo), left = fmin(lo, hi), right = fmax(lo, hi);
    if (!(a >= left + 0.1 * w && a <= right - 0.1 * w))
        return mid;
    return a;
}

typedef struct Bracket {
    double lo, plo, dlo, hi, phi, dhi;
} Bracket;

/* Algorithm 3.6 (zoom): shrink a bracket known to contain a step that
 * satisfies the strong Wolfe conditions. On failure returns lo when it is a
 * decrease (a usable step), else 0. */
static double zoom(NbPhiFn phi, void *ctx, Bracket b, double dphi0, double c1,
                   double c2)
{
    for (int j = 0; j < MAX_WOLFE; j++) {
        double a = cubic_step(b.lo, b.plo, b.dlo, b.hi, b.phi, b.dhi);
        double dp, p = phi(ctx, a, &dp);
        if (!isfinite(p) || p > c1 * a * dphi0 || p >= b.plo) {
            b.hi = a, b.phi = p, b.dhi = dp;
        } else {
            if (fabs(dp) <= -c2 * dphi0)
                return a;
            if (dp * (b.hi - b.lo) >= 0)
                b.hi = b.lo, b.phi = b.plo, b.dhi = b.dlo;
            b.lo = a, b.plo = p, b.dlo = dp;
        }
        if (fabs(b.hi - b.lo) <= 1e-16 * fmax(b.lo, b.hi))
            break;
    }
    return b.lo > 0 && b.plo < 0 ? b.lo : 0;
}

/* Algorithm 3.5: try a0, 2*a0, 4*a0, ... until a step satisfies the strong
 * Wolfe conditions or a bracket for zoom is found. */
double nbi_wolfe(NbPhiFn phi, void *ctx, double a0, double dphi0, double c1,
                 double c2)
{
    double ap = 0, pp = 0, dpp = dphi0, a = a0;
    for (int i = 0; i < MAX_WOLFE; i++) {
        double dp, p = phi(ctx, a, &dp);
        if (!isfinite(p) || p > c1 * a * dphi0 || (i > 0 && p >= pp))
            return zoom(phi, ctx, (Bracket){ap, pp, dpp, a, p, dp}, dphi0,
                        c1, c2);
        if (fabs(dp) <= -c2 * dphi0)
            return a;
        if (dp >= 0)
            return zoom(phi, ctx, (Bracket){a, p, dp, ap, pp, dpp}, dphi0,
                        c1, c2);
        ap = a, pp = p, dpp = dp;
        a *= 2;
    }
    return ap;
}
