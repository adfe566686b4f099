/* block_math.h — exp, sin and cos over a block of points, vectorised,
 * for the fast mode of the block VM (nb_run_block in nabla/compile.h).
 *
 * Each function reads a[0..NB_BLOCK) and writes d[0..NB_BLOCK): every lane
 * is computed (the lanes past the n live points may hold anything; they
 * cost arithmetic, never a library call), and a live point outside the
 * kernel's range (overflow, underflow, huge or non-finite arguments) is
 * recomputed with libm. d and a must not overlap.
 *
 * Accuracy: within NB_VMATH_ULP units in the last place of the exact
 * result at every double argument (the algorithms of fdlibm, each proved
 * below 1 ulp there; tests/unit/test_compile_block.c measures the error
 * against MPFR). Results do not depend on the machine: the arithmetic is
 * the same IEEE operations, without FMA, whatever the vector width.
 */
#ifndef NABLA_VM_BLOCK_MATH_H
#define NABLA_VM_BLOCK_MATH_H

#include <stddef.h>

/* Points per block of the block VM (a multiple of the vector length).
 * Measured on (b) and (d) of issue 6 (make bench): 256 -> 1024 points cut
 * the per-block dispatch and loop set-up to a quarter (b 0.43 -> 0.34 ns a
 * point, d 0.31 -> 0.28); 2048 spills the registers out of L1. A program
 * with up to 12 registers keeps them on the stack: 104 KB. */
#define NB_BLOCK 1024

/* Error bound of the functions below, in ulps of the exact result. */
#define NB_VMATH_ULP 1.0

/* Internal to the library: hidden from the shared library's symbol table,
 * so vm_block.c calls them directly, not through the PLT. */
#if defined(__GNUC__) && !defined(_WIN32)
#define NB_VMATH_API __attribute__((visibility("hidden")))
#else
#define NB_VMATH_API
#endif

NB_VMATH_API void nb_block_exp(double *d, const double *a, size_t n);
NB_VMATH_API void nb_block_sin(double *d, const double *a, size_t n);
NB_VMATH_API void nb_block_cos(double *d, const double *a, size_t n);

#endif
