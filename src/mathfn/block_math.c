/* block_math.c — exp, sin and cos over a block, eight lanes at a time.
 *
 * The algorithms are fdlibm's (Sun Microsystems, 1993: "Permission to use,
 * copy, modify, and distribute this software is freely granted, provided
 * that this notice is preserved"), as in musl's e_exp.c, __rem_pio2.c,
 * __sin.c and __cos.c, with their branches turned into arithmetic on all
 * lanes and their rare cases sent back to libm:
 *
 *   exp(x) = 2^k exp(r), k = round(x / ln2), r = x - k ln2 (ln2 in two
 *     parts, k ln2hi exact), exp(r) = 1 + 2r / (2 - R(r^2)) with a degree-5
 *     minimax R (error below 2^-59); 2^k added to the exponent field.
 *     Lanes with |x| > 708 or NaN (overflow, subnormal results) use libm.
 *   sin, cos: n = round(x * 2/pi), x - n pi/2 as a double-double y0 + y1
 *     with pi/2 to 118 bits (two Cody-Waite rounds); then the sine or
 *     cosine kernel polynomial of y0 + y1 (|y0| <= pi/4, degree 13 and 14,
 *     errors below 2^-58), chosen and signed by n mod 4. Lanes with |x| >=
 *     1.5 * 2^20, non-finite, or where x is within 2^-45 |x| of a multiple
 *     of pi/2 (more cancellation than 118 bits cover) use libm.
 *
 * Rounding n uses the 1.5 * 2^52 trick: x * c + 1.5 * 2^52 rounds x * c to
 * an integer whose low bits are the bits of the double, so n mod 4 and the
 * exponent of 2^k come out as integer operations. No FMA: -std=c11 turns
 * contraction off, and every lane, at every vector width, performs the same
 * IEEE operations, so results are the same on every machine.
 */
#include "mathfn/block_math.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(vector_size)
#define NB_VMATH 1
#endif
#endif

#ifdef NB_VMATH

/* Eight doubles: one AVX-512 register, two AVX2 ones, four SSE2 ones (GCC
 * splits a generic vector into the widest the target has). */
typedef double V __attribute__((vector_size(64)));
/* The helpers below pass V by value; all are forced inline (each clone
 * below calls them, which -O2 alone would not inline), so no call crosses
 * an ABI boundary and GCC's note about it does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"
#define VINLINE static inline __attribute__((always_inline))
typedef int64_t VI __attribute__((vector_size(64)));
typedef uint64_t VU __attribute__((vector_size(64))); /* bits: no overflow */
enum { L = 8 };

/* Compiled three times, the loader picks one (an ifunc). */
#if defined(__x86_64__) && defined(__linux__) && !defined(__clang__) \
    && __has_attribute(target_clones)
#define NB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NB_CLONES
#endif

static const double SHIFT = 0x1.8p52;

VINLINE V vload(const double *p)
{
    V v;
    memcpy(&v, p, sizeof v);
    return v;
}

VINLINE void vstore(double *p, V v)
{
    memcpy(p, &v, sizeof v);
}

VINLINE V vabs(V x)
{
    return (V)((VI)x & INT64_MAX);
}

/* All ones in the lanes where a < b, for a, b >= +0 (NaN counts as
 * above inf): as integers, the bits of such doubles are in the same
 * order. Integer arithmetic, not a comparison: with AVX-512F alone GCC
 * turns a vector comparison's mask into a vector lane by lane. */
VINLINE VI vlt(V a, V b)
{
    return ((VI)a - (VI)b) >> 63;
}

/* Lanes of mask m (all ones or zero) from a, the others from b. */
VINLINE V vsel(VI m, V a, V b)
{
    return (V)(((VI)a & m) | ((VI)b & ~m));
}

/* Does any lane of m have a bit set? */
VINLINE int vany(VI m)
{
    int64_t s = 0;
    for (int i = 0; i < L; i++)
        s |= m[i];
    return s != 0;
}

/* --- exp ---------------------------------------------------------------- */

#define EXP_LIM 708.0
static const double INVLN2 = 0x1.71547652b82fep+0,
                    LN2HI = 0x1.62e42fee00000p-1,  /* 32 bits */
                    LN2LO = 0x1.a39ef35793c76p-33,
                    P1 = 0x1.555555555553ep-3, P2 = -0x1.6c16c16bebd93p-9,
                    P3 = 0x1.1566aaf25de2cp-14, P4 = -0x1.bbd41c5d26bf1p-20,
                    P5 = 0x1.6376972bea4d0p-25;

/* exp on |x| <= EXP_LIM (where 2^k and the result are normal). */
VINLINE V vexp(V x)
{
    V kd = x * INVLN2 + SHIFT;
    VU kbits = (VU)kd << 52;       /* k in the exponent field, mod 2^64 */
    V k = kd - SHIFT;
    V hi = x - k * LN2HI;          /* exact: |k| < 2^11 */
    V lo = k * LN2LO;
    V r = hi - lo;
    V t = r * r;
    V c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    V y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    return (V)((VU)y + kbits);
}

NB_CLONES void nb_block_exp(double *d, const double *a, size_t n)
{
    VI bad = {0};
    for (size_t i = 0; i < NB_BLOCK; i += L) {
        V x = vload(a + i);
        bad |= vlt((V){0} + EXP_LIM, vabs(x));
        vstore(d + i, vexp(x));
    }
    if (vany(bad))
        for (size_t i = 0; i < n; i++)
            if (!(fabs(a[i]) <= EXP_LIM))
                d[i] = exp(a[i]);
}

/* --- sin, cos ------------------------------------------------------------ */

#define TRIG_LIM 0x1.8p20
static const double INVPIO2 = 0x1.45f306dc9c883p-1,
                    PIO2_1 = 0x1.921fb54400000p+0,   /* 33 bits */
                    PIO2_2 = 0x1.0b4611a600000p-34,  /* 33 bits */
                    PIO2_2T = 0x1.3198a2e037073p-69;
static const double S1 = -0x1.5555555555549p-3, S2 = 0x1.111111110f8a6p-7,
                    S3 = -0x1.a01a019c161d5p-13, S4 = 0x1.71de357b1fe7dp-19,
                    S5 = -0x1.ae5e68a2b9cebp-26, S6 = 0x1.5d93a5acfd57cp-33;
static const double C1 = 0x1.555555555554cp-5, C2 = -0x1.6c16c16c15177p-10,
                    C3 = 0x1.a01a019cb1590p-16, C4 = -0x1.27e4f809c52adp-22,
                    C5 = 0x1.1ee9ebdb4b1c4p-29, C6 = -0x1.8fae9be8838d4p-37;

/* x - n pi/2 = y0 + y1; returns n (low bits) in *n; flags in *bad the
 * lanes the reduction does not cover. */
VINLINE void vreduce(V x, V *y0, V *y1, VI *n, VI *bad)
{
    V nd = x * INVPIO2 + SHIFT;
    *n = (VI)nd;
    V fn = nd - SHIFT;
    V t = x - fn * PIO2_1;         /* exact: |n| < 2^20, 33-bit PIO2_1 */
    V w = fn * PIO2_2;             /* exact too */
    V r = t - w;
    w = fn * PIO2_2T - ((t - r) - w); /* second round: 118 bits */
    *y0 = r - w;
    *y1 = (r - *y0) - w;
    *bad |= ~vlt(vabs(x), (V){0} + TRIG_LIM)
            | vlt(vabs(*y0), vabs(x) * 0x1p-45);
}

/* fdlibm __kernel_sin(x, y, 1): sin(x + y), |x| <= pi/4, |y| <= ulp(x). */
VINLINE V ksin(V x, V y)
{
    V z = x * x, w = z * z;
    V r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    V v = z * x;
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/* fdlibm __kernel_cos(x, y) as in musl: cos(x + y). */
VINLINE V kcos(V x, V y)
{
    V z = x * x, w = z * z;
    V r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    V hz = 0.5 * z;
    w = 1.0 - hz;
    return w + (((1.0 - w) - hz) + (z * r - x * y));
}

/* sin (cos when odd is 1) of x: the kernel by quadrant n + odd. */
VINLINE V vtrig(V x, int64_t odd, VI *bad)
{
    V y0, y1;
    VI n;
    vreduce(x, &y0, &y1, &n, bad);
    n += odd;
    V s = ksin(y0, y1), c = kcos(y0, y1);
    V v = vsel(-(n & 1), c, s);    /* quadrants 1, 3: the cosine */
    return (V)((VU)v ^ ((VU)(n & 2) << 62)); /* quadrants 2, 3: negated */
}

/* sin (cosine 0) or cos (1) of a block: the kernel on every lane, then
 * libm for the live points it does not cover (too large, non-finite, or a
 * result so small beside x that the reduction's cancellation shows). */
VINLINE void block_trig(double *d, const double *a, size_t n, int cosine)
{
    VI bad = {0};
    for (size_t i = 0; i < NB_BLOCK; i += L)
        vstore(d + i, vtrig(vload(a + i), cosine, &bad));
    if (vany(bad))
        for (size_t i = 0; i < n; i++) {
            double x = a[i], ax = fabs(x);
            if (!(ax < TRIG_LIM) || fabs(d[i]) < ax * 0x1p-44)
                d[i] = cosine ? cos(x) : sin(x);
        }
}

NB_CLONES void nb_block_sin(double *d, const double *a, size_t n)
{
    block_trig(d, a, n, 0);
}

NB_CLONES void nb_block_cos(double *d, const double *a, size_t n)
{
    block_trig(d, a, n, 1);
}

#else /* no vector extension: libm, point by point */

void nb_block_exp(double *d, const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = exp(a[i]);
}

void nb_block_sin(double *d, const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = sin(a[i]);
}

void nb_block_cos(double *d, const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = cos(a[i]);
}

#endif
