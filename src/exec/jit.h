/* jit.h — native x86-64 code for a program's dbl stream (jit_x86_64.c).
 *
 * Contract: nbi_jit_compile(p) translates p->dbl into one machine-code
 * function per calling convention, or returns NULL (opcode it does not
 * translate, too many registers or constants, mmap or mprotect refused,
 * not x86-64, configured with --disable-jit). Each output bit equals the
 * interpreter's (vm_double.c), NaN payloads aside: the same SSE2 operations
 * in the same order, no FMA, and the same C functions (libm, nb_sigmoid_d,
 * the built-ins' eval_d) for everything else. NULL is always safe: the
 * caller interprets.
 *
 *   point(p, x, out, r): r[0..nvars) = x (where spilled to r), output o to
 *                        out[o] — nb_run_double(), which jumps straight
 *                        to it (p->run_point);
 *   regs(r, r, r, K):    variables already in r[0..nvars), output o to
 *                        r[outreg[o]] — nbi_run_double_regs();
 *   gd(r, c, K):         gradient steps on a program whose outputs are
 *                        [f, df/dx_1, ..., df/dx_n] (n = nvars), from the
 *                        registers as regs() leaves them, while the
 *                        caller's quiet test holds (NbGdRun, regs.h;
 *                        nbi_gd_native gives it to descent). NULL for
 *                        other output shapes;
 *   block(R, n, spill, K4): n points (a multiple of 4) of vm_block.c's
 *                        register blocks, four at a time in AVX ymm
 *                        registers: variable v read from R[v][i], output
 *                        registers written to R[outreg[o]][i] (not those
 *                        of variables); spill holds 32 bytes a register
 *                        past the 13 in ymm, K4 is k4 below. NULL unless
 *                        every opcode is arithmetic (no call, no RELU)
 *                        and the machine has AVX. Packed operations round
 *                        each lane as the scalar ones do: the same bits.
 * r is the caller's scratch (nb_program_scratch doubles), K is p->kd. The
 * code is mapped read+execute (never writable and executable at once) and
 * freed with nbi_jit_free().
 *
 * vm_double.c compiles lazily, after NB_JIT_AFTER runs of a program (or at
 * once through nbi_jit_prepare for callers announcing many runs), so
 * one-off evaluations never pay for it. NABLA_JIT=0 in the environment, or
 * nbi_jit_off set (tests), keeps every program on the interpreter.
 */
#ifndef NABLA_JIT_H
#define NABLA_JIT_H

#include "config.h"
#include "exec/compile_internal.h"

#if defined(__x86_64__) && defined(__GNUC__) && defined(__unix__) \
    && !defined(NB_NO_JIT)
#define NB_HAVE_JIT 1
#else
#define NB_HAVE_JIT 0
#endif

/* Runs of one program before vm_double.c compiles it: compiling costs
 * about 10 us of system calls on bare metal (mmap, mprotect, munmap) and
 * 100-250 us in a Firecracker VM, a few thousand interpreted runs. */
#define NB_JIT_AFTER 4096

typedef void (*NbJitFn)(const double *in, double *out, double *r,
                        const double *K);
typedef void (*NbJitBlockFn)(double *const *R, size_t n, double *spill,
                             const double *k4);
/* Registers of a program the block entry keeps in ymm; the others spill. */
#define NB_JIT_BLOCK_YMM 13

struct NbJit {
    NbRunPoint point;       /* both NULL: compiling failed, interpret */
    NbJitFn regs;
    NbGdStepsFn gd;         /* NULL: not an [f, grad] program */
    NbJitBlockFn block;     /* NULL: not arithmetic only, or no AVX */
    double *k4;             /* block's constants, each four times, then
                               the sign and magnitude masks, 0 and 1 */
    void *mem;              /* the mapping, len bytes */
    size_t len;
};

/* The compiler (jit_x86_64.c). */
NB_INTERNAL NbJit *nbi_jit_compile(const NbProgram *p);
NB_INTERNAL void nbi_jit_free(NbJit *j);
/* Marks a program whose compilation failed (both entries NULL). */
NB_INTERNAL extern NbJit nbi_jit_none;

/* vm_double.c: the program's code, compiled now if it was not yet (NULL
 * when the JIT is off or cannot translate p). */
NB_INTERNAL const NbJit *nbi_jit_prepare(const NbProgram *p);
/* vm_double.c: the interpreter alone, whatever the JIT state. */
NB_INTERNAL void nbi_run_double_vm(const NbProgram *p, const double *x,
                                   double *out, double *r);
/* Set by tests to keep programs on the interpreter (read when a program
 * would be compiled, not on every run), or to compile after fewer runs
 * (nbi_jit_after in regs.h, NB_JIT_AFTER by default). */
extern int nbi_jit_off;

#endif
