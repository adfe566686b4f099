/* dmath.h — double kernels that the built-ins table (core/builtins.c)
 * and the VMs, the block VM and the JIT (exec/) share, so every path
 * gives the same bits: inline, since they sit in the VMs' hot loops.
 * They use nothing but <math.h>.
 */
#ifndef NABLA_MATHFN_DMATH_H
#define NABLA_MATHFN_DMATH_H

#include <math.h>

/* n / (one + t) for 0 <= t and one = 1 or 2, rounded once from the exact
 * quotient in practice: one + t is split into s + e exactly (Fast2Sum when
 * t <= one, TwoSum otherwise); q = n*(1/s) costs one division; the
 * remainder n - q*s comes from Dekker's exact product (Veltkamp splits:
 * no fma, which without -mfma is a libm call), good to 2^-53 of itself;
 * and one correction step adds (n - q*s - q*e)/s. So only the error
 * already in t (or n) reaches the result, damped by t/(one + t), plus the
 * final half ulp: the plain n/(1.0 + t) rounds twice and gave 1.67 ulp in
 * sigmoid and 1.85 in tanh against mpmath. Plain SSE2 operations: the
 * same bits on every x86-64. (The splits neither overflow, s < 2^64 here,
 * nor matter when q is subnormal: then s = one and the remainder is 0.) */
static inline double nb_div_1p_d(double n, double t, double one)
{
    double s = one + t, e;
    if (t <= one)
        e = t - (s - one);
    else {
        double tv = s - one;
        e = (one - (s - tv)) + (t - tv);
    }
    double inv = 1.0 / s, q = n * inv; /* within 1.5 ulp of n/s */
    if (!isfinite(q))
        return q;
    const double split = 134217729.0; /* 2^27 + 1 */
    double cq = split * q, qh = cq - (cq - q), ql = q - qh;
    double cs = split * s, sh = cs - (cs - s), sl = s - sh;
    double p = q * s;
    double perr = ((qh * sh - p) + qh * sl + ql * sh) + ql * sl;
    double r = (n - p) - perr; /* n - q*s; n - p exact (Sterbenz) */
    return q + (r - q * e) * inv;
}

/* Semantics of the inline SIGMOID opcode in double. It must equal
 * nb_builtins[NB_FN_SIGMOID].eval_d bit for bit (tests/oracle/oracle_vm.c
 * checks): 1/(1+exp(-x)) for x >= 0, exp(x)/(1+exp(x)) below, which never
 * overflows and keeps relative accuracy for very negative x; the division
 * by nb_div_1p_d (within 0.91 ulp where the plain one was 1.67). */
static inline double nb_sigmoid_d(double x)
{
    if (x >= 0)
        return nb_div_1p_d(1.0, exp(-x), 1.0);
    double t = exp(x);
    return nb_div_1p_d(t, t, 1.0);
}

/* The TANH opcode and nb_builtins[NB_FN_TANH].eval_d: tanh|x| = t/(t + 2)
 * with t = expm1(2|x|) divided by nb_div_1p_d, odd in x. glibc's tanh was
 * 1.85 ulp off (tanh(-0.23304758874337297)); this is within 1.16 ulp
 * (mpmath at 2000 random points of every magnitude), at about 40 ns more
 * a call. Past |x| = 22 the result rounds to +-1; tiny |x| keeps expm1's
 * relative accuracy. */
static inline double nb_tanh_d(double x)
{
    double a = fabs(x);
    if (!(a < 22))
        return isnan(x) ? x : copysign(1.0, x);
    if (a == 0)
        return x; /* keeps the sign of zero, as tanh does */
    double t = expm1(2 * a);
    return copysign(nb_div_1p_d(t, t, 2.0), x);
}

/* relu as nb_builtins[NB_FN_RELU].eval_d: NaN passes, relu(-0) is +0. */
static inline double nb_relu_d(double x)
{
    return x > 0 ? x : x <= 0 ? 0.0 : x;
}

#endif
