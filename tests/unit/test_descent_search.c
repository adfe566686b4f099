/* test_descent_search.c — the line searches (descent_search.c) on
 * one-dimensional phi(a) whose answers are worked by hand:
 *
 *   quadratic  phi(a) = a^2 - 2a, phi'(0) = -2, minimum at a = 1. The
 *              cubic through (0, 0, -2) and (4, 8, 6) is this parabola,
 *              so zoom's first interpolated step (Nocedal & Wright eq.
 *              3.59) is exactly 1, where phi' = 0.
 *   a domain   the same, NaN from a = 2 on: zoom bisects a non-finite
 *              bracket (4 -> 2 -> 1).
 *   a ray      phi(a) = -a: never flat enough for the curvature condition,
 *              so 40 doublings (MAX_WOLFE) and the last a before the
 *              final doubling, 2^39, comes back.
 *   a cliff    phi(a) = -a below 1, +1 from 1 on: no a satisfies both
 *              Wolfe conditions; zoom closes in on 1 and returns its best
 *              decrease, some a in (0, 1).
 *   uphill     phi(a) = a with a (wrong) phi'(0) = -1, as rounding can
 *              make it: no decrease anywhere, 0.
 */
#include <math.h>
#include "check.h"
#include "descent/descent_search.h"

typedef enum { QUAD, QUAD_DOMAIN, RAY, CLIFF, UPHILL } Kind;

typedef struct Phi {
    Kind k;
    int calls;
} Phi;

static double phi(void *ctx, double a, double *dphi)
{
    Phi *p = ctx;
    double v, d;
    p->calls++;
    switch (p->k) {
    case QUAD_DOMAIN:
        if (a >= 2) {
            v = d = NAN;
            break;
        }
        /* fall through */
    case QUAD:
        v = a * a - 2 * a, d = 2 * a - 2;
        break;
    case RAY:
        v = -a, d = -1;
        break;
    case CLIFF:
        v = a < 1 ? -a : 1, d = a < 1 ? -1 : 0;
        break;
    default:
        v = a, d = 1;
        break;
    }
    if (dphi)
        *dphi = d;
    return v;
}

static void test_wolfe(void)
{
    const double c1 = 1e-4;
    Phi p = {QUAD, 0};
    CHECK(nbi_wolfe(phi, &p, 0.25, -2, c1, 0.9) == 0.25,
          "a = 0.25 already meets both conditions (|phi'| 1.5 <= 1.8)");
    CHECK(nbi_wolfe(phi, &p, 0.25, -2, c1, 0.1) == 1,
          "c2 = 0.1: 0.25, 0.5, then 1 where phi' = 0");
    p.calls = 0;
    CHECK(nbi_wolfe(phi, &p, 4, -2, c1, 0.1) == 1 && p.calls == 2,
          "too long a first step: one cubic step lands on 1 (%d calls)",
          p.calls);
    p = (Phi){QUAD_DOMAIN, 0};
    CHECK(nbi_wolfe(phi, &p, 4, -2, c1, 0.1) == 1 && p.calls == 3,
          "NaN beyond 2: bisection 4 -> 2 -> 1 (%d calls)", p.calls);
    p = (Phi){RAY, 0};
    CHECK(nbi_wolfe(phi, &p, 1, -1, c1, 0.1) == ldexp(1, 39) && p.calls == 40,
          "an endless ray: 40 tries, the 39th doubling returned");
    p = (Phi){CLIFF, 0};
    double a = nbi_wolfe(phi, &p, 2, -1, c1, 0.1);
    CHECK(a > 0 && a < 1, "a cliff at 1: the best decrease below it (%.17g)",
          a);
    p = (Phi){UPHILL, 0};
    CHECK(nbi_wolfe(phi, &p, 1, -1, c1, 0.9) == 0, "uphill: 0 (no step)");
}

static void test_armijo(void)
{
    Phi p = {QUAD_DOMAIN, 0};
    CHECK(nbi_armijo(phi, &p, 4, -2, 1e-4, 0.5) == 1,
          "Armijo: NaN at 4 and 2 shrink the step to 1");
    p = (Phi){UPHILL, 0};
    CHECK(nbi_armijo(phi, &p, 1, -1, 1e-4, 0.5) == 0 && p.calls == 67,
          "Armijo uphill: 0 after 67 tries, 1 down to 2^-66, the last "
          "step above 1e-20 of the first (%d)", p.calls);
}

int main(void)
{
    test_wolfe();
    test_armijo();
    return check_done();
}
