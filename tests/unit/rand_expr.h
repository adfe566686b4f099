/* rand_expr.h — the seeded generator and the leaves of the random
 * expressions that the VM tests build (tests/oracle/oracle_vm.c,
 * tests/unit/test_jit.c). Each test grows its own shapes from these
 * leaves and polynomials; the sequence depends only on the seed put in rng.
 * (What a test may not use is inline, so it compiles without it.)
 *
 * The including file defines NVARS and, after including, sets st (the
 * store) and V[] (the variables) before generating. */
#ifndef NABLA_TEST_RAND_EXPR_H
#define NABLA_TEST_RAND_EXPR_H

#include <stdint.h>
#include <string.h>
#include <math.h>
#include "nabla/nabla.h"

typedef const NbExpr *Ex;
static NbStore *st;
static Ex V[NVARS];
static uint64_t rng;

/* xorshift64*: the same numbers on every machine */
static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}
static int rnd(int n) { return (int)(next() % (uint64_t)n); }
static double unif(void) { return (double)(next() >> 11) * 0x1p-53; }

static Ex num(long v) { return nb_num_si(st, v); }
static Ex node(NbKind k, int fn, size_t n, const Ex *a) { return nb_intern(st, k, fn, n, a); }

static Ex number(void)
{
    switch (rnd(6)) {
    case 0: return nb_num_frac(st, rnd(9) - 4, (unsigned long)(1 + rnd(7)));
    case 1: return nb_flt_double(st, (unif() - 0.5) * 8);
    case 2: return nb_const(st, rnd(2) ? NB_CONST_PI : NB_CONST_E);
    default: return num(rnd(11) - 5);
    }
}

static Ex leaf(void) { return rnd(10) < 7 ? V[rnd(NVARS)] : number(); }

/* c0 + c1 b + ... + cn b^n with some zero coefficients: POLY's shape. */
static inline Ex polynomial(Ex b)
{
    Ex t[10];
    size_t n = 0;
    int deg = 2 + rnd(7);
    for (int k = 0; k <= deg; k++) {
        long c = rnd(3) == 0 ? 0 : rnd(13) - 6;
        if (k == deg && c == 0)
            c = 1;
        if (c == 0)
            continue;
        Ex pk = k == 0 ? NULL : k == 1 ? b : node(NB_POW, 0, 2, (Ex[]){b, num(k)});
        t[n++] = !pk ? num(c) : c == 1 ? pk : node(NB_MUL, 0, 2, (Ex[]){num(c), pk});
    }
    if (n == 1)
        t[n++] = b;
    return node(NB_ADD, 0, n, t);
}

static inline Ex pow_n(Ex b, long n)
{
    return node(NB_POW, 0, 2, (Ex[]){b, num(n)});
}

/* (a + t)^2 with t, by k: a number (SQRADDK, SQRKSUB), sign*b (SQRSUB),
 * sign*b*c (SQRMULSUB), sign*b^2 (SQRMULSUB with a square). */
static inline Ex square_shape(Ex a, Ex b, Ex c, int k, long sign)
{
    Ex t = k == 0 ? number()
         : node(NB_MUL, 0, 2, (Ex[]){num(sign), k == 2
                ? node(NB_MUL, 0, 2, (Ex[]){b, c}) : k == 3 ? pow_n(b, 2) : b});
    return pow_n(node(NB_ADD, 0, 2, (Ex[]){a, t}), 2);
}

/* exp(k a) (EXPK) or k / (a + k) (KDIVADDK) */
static inline Ex expk_or_kdivaddk(Ex a)
{
    if (rnd(2))
        return node(NB_FN, NB_FN_EXP, 1,
                    (Ex[]){node(NB_MUL, 0, 2, (Ex[]){number(), a})});
    return node(NB_MUL, 0, 2, (Ex[]){number(),
        pow_n(node(NB_ADD, 0, 2, (Ex[]){a, number()}), -1)});
}

/* Equal bits, or both NaN: C does not fix which operand's NaN an
 * operation propagates (the compiler may commute a + b), so a NaN's sign
 * and payload are not part of the result. -0 and +0 do differ. */
static inline int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

#endif
