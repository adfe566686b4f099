/* regs.h — a compiled program on the caller's registers, and native
 * gradient steps over it: what the modules above exec (descent) may use of
 * exec beyond nabla/compile.h.
 *
 * Why a header of its own: compile_internal.h is the instruction set (the
 * opcodes, NbIns, the constant pool, the program's layout), which only the
 * compiler, the VMs and the JIT should see; a loop above exec needs only to
 * run a program on registers it owns, to know which registers hold the
 * outputs, and to take native steps. Those are this contract, so the
 * instruction set can change without descent noticing.
 *
 * Ownership: nothing here allocates for the caller; the registers are the
 * caller's scratch of nb_program_scratch(p) doubles.
 */
#ifndef NABLA_EXEC_REGS_H
#define NABLA_EXEC_REGS_H

#include <stddef.h>
#include <stdint.h>
#include "nabla/compile.h"

/* Hidden from the shared library's symbol table: calls from inside the
 * library go straight to the function, not through the PLT. */
#if defined(__GNUC__) && !defined(_WIN32)
#define NB_INTERNAL __attribute__((visibility("hidden")))
#else
#define NB_INTERNAL
#endif

/* nb_run_double() on registers the caller set: r[0..nvars-1] hold the
 * variables on entry, output o is in r[nbi_program_outregs(p)[o]] on
 * return. For loops that feed outputs back as variables (descent) without
 * copying through the caller's arrays. */
NB_INTERNAL void nbi_run_double_regs(const NbProgram *p, double *r);
/* The register of each output (nb_program_nouts(p) entries; an output may
 * sit in a variable's register: the gradient of x*y is [y, x]). */
NB_INTERNAL const uint32_t *nbi_program_outregs(const NbProgram *p);

/* --- native gradient steps ----------------------------------------------
 * For a program whose outputs are [f, df/dx_1, ..., df/dx_n] (n = nvars),
 * the JIT can compile a loop that iterates x <- x - rate*grad in machine
 * code while nothing needs the caller's attention. The caller (descent)
 * owns the meaning: it passes its stop codes and thresholds in NbGdRun,
 * and it holds the C definition of the same steps (descent/gd_step.h),
 * against which tests/unit/test_descent_vm.c checks this loop bit for bit.
 *
 * steps(r, c, K) continues a run from step k (its ring slot written, the
 * caller's stop rules silent), with x(k) in r[0..n) and f, grad at x(k) in
 * the output registers as nbi_run_double_regs leaves them. Each step:
 *   x_i -= rate*g_i, all of x(k+1) before any register changes;
 *   pending = stuck if x(k+1) == x(k), else cycle if x(k+1) == x(k-1),
 *   else -1 (x(k-1) = x(k) at k = 0); a reversal when
 *   sum (x_i(k) - x_i(k-1)) * (x_i(k+1) - x_i(k)) < 0 (revbits shifts it
 *   in, reversals counts it); runs the program;
 *   up = f(k) < f(k+1) ? up + 1 : 0, down likewise with >; f = f(k+1);
 *   ss = sum g_i^2 (in order, from 0); k += 1; ring[k % NBI_GD_RING] = ss.
 * It goes on while k < lim and the step is quiet: |f| <= dmax,
 * sthr < ss <= dmax, pending < 0, not (up >= run and f > grow), not (down
 * >= run and f < fall), run = NBI_GD_RUN. At a quiet step k == tnext it records the trace
 * point (k, x, f, sqrt(ss) through the cursors tstep, tx, tf, tg, which it
 * advances; tnext += tstride; tleft -= 1) while tleft > 0, and stops there
 * otherwise. On return k is the first step it did not take, with the
 * variables and outputs stored in r. x holds 3n doubles after the
 * struct: x(k-1), then scratch. */
#define NBI_GD_RING 64
/* The runs of rises and falls the quiet test counts to: a constant, so
 * the native loop compares with an immediate (descent's
 * NB_DESCENT_GROW_RUN, which descent_double.c asserts equal). */
#define NBI_GD_RUN 10

typedef struct NbGdRun {
    double rate, sthr, dmax, grow, fall;   /* set once */
    long stuck, cycle;                     /* set once: the pending codes */
    double f, ss;
    long k, lim, up, down, pending, reversals;
    unsigned long long revbits;
    long tnext, tstride, tleft;
    long *tstep;
    double *tx, *tf, *tg;
    double ring[NBI_GD_RING];
    double x[];
} NbGdRun;

typedef void (*NbGdStepsFn)(double *r, NbGdRun *c, const double *K);

/* p's native steps, its code compiled now if it was not yet, with K (the
 * constants they read) set; NULL when the JIT is off, cannot translate p,
 * or p's outputs are not [f, grad]. */
NB_INTERNAL NbGdStepsFn nbi_gd_native(const NbProgram *p, const double **K);
/* Runs of a program that repay compiling it (NB_JIT_AFTER in jit.h; set
 * lower by tests). */
extern unsigned nbi_jit_after;

#endif
