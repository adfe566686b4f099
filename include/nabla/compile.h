/* compile.h — expressions compiled once into a flat register program, run
 * many times in hardware double (one point, or a block of points), in MPFR
 * at any precision, and in complex arithmetic (for complex-step).
 *
 * The compiler walks the DAG of all outputs together in topological order,
 * so a subexpression shared by f and its gradient is computed once per run.
 * Constants are folded into a constant pool; integer powers become multiply
 * chains; common shapes become superinstructions. Hot numeric work
 * (descent, h sweeps, plots, grids) runs here, never as a tree walk.
 *
 * Ownership: nb_compile() returns a program the caller frees with
 * nb_program_free(); it does not reference the store after compilation.
 * Running a program changes nothing a caller can see: nb_run_double() and
 * nb_run_block() take caller-provided scratch from nb_program_scratch(), so
 * one program can run in several places at once. (After 4096 double runs,
 * or at its first whole block, the program caches native code for itself,
 * published atomically, on x86-64: see src/exec/jit.h; it computes the same
 * bits.) An MPFR or complex VM owns
 * its registers; free it with its own _free().
 */
#ifndef NABLA_COMPILE_H
#define NABLA_COMPILE_H

#include <stddef.h>
#include <complex.h>
#include <mpfr.h>
#include <mpc.h>
#include "nabla/expr.h"
#include "nabla/diag.h"

typedef struct NbProgram NbProgram;

/* Compile outs[0..nout) as functions of vars[0..nvars) (NB_SYM nodes).
 * Fails (NULL, d set) when an output has a free variable not in vars, or is
 * a vector or string. */
NbProgram *nb_compile(NbStore *st, size_t nout, const NbExpr *const *outs,
                      size_t nvars, const NbExpr *const *vars, NbDiag *d);
void nb_program_free(NbProgram *p);

size_t nb_program_nvars(const NbProgram *p);
size_t nb_program_nouts(const NbProgram *p);
size_t nb_program_ninstr(const NbProgram *p);
/* 1 when every operation has an analytic extension (complex-step works). */
int nb_program_is_analytic(const NbProgram *p);

/* Doubles of scratch that one nb_run_double() call needs. */
size_t nb_program_scratch(const NbProgram *p);

/* One point: x[nvars] in, out[nout] out. scratch has
 * nb_program_scratch(p) doubles. */
void nb_run_double(const NbProgram *p, const double *x, double *out,
                   double *scratch);

/* The function nb_run_double() calls for p, for a loop that runs p at
 * many points one by one: take it once, then f(p, x, out, scratch) gives
 * nb_run_double()'s bits. p's native code is built now, not after 4096
 * runs. Why: nb_run_double() loads p's entry on every call, and a jump to
 * a loaded target, once the same call site has run other programs, costs
 * about 0.6 ns a point more on the machines we measured (a third of a
 * small program); a target held in the caller's register does not. */
typedef void NbPointFn(const NbProgram *p, const double *x, double *out,
                       double *scratch);
NbPointFn *nb_program_point_fn(const NbProgram *p);

/* npts points, structure of arrays: x[v][i] is variable v at point i,
 * out[o][i] output o at point i. Works block by block internally (one opcode
 * over a block of points), so dispatch cost vanishes and loops vectorise;
 * a program of arithmetic only runs each whole block as one native loop.
 * Polls nb_interrupted between blocks: once it is set, the points not yet
 * computed get NaN and the call returns.
 *
 * Accuracy, a measured trade-off: nb_run_block computes exp, sin and cos
 * (the EXP, EXPK, SIN, COS and SIGMOID opcodes) with vectorised kernels
 * (fdlibm's algorithms over eight lanes at a time, libm for the rare
 * arguments they do not cover), each within 1 ulp of the exact value
 * (0.74 to 0.88 ulp measured against MPFR); glibc's libm is nearer to
 * correctly rounded, so on [-10, 10] the bits differ from it at about 1
 * point in 10 for exp and 1 in 30 for sin and cos. Every other operation
 * gives exactly nb_run_double's bits. The results are the same on every
 * x86-64 machine (no FMA, whatever the vector width). For plots, grids and
 * batch evaluation: the kernels make sin(x)*exp(-x^2/2) about 4 times
 * faster over a block.
 *
 * nb_run_block_exact: the same, with libm for every function, so each
 * point equals nb_run_double's result bit for bit (NaN payloads aside):
 * for callers that compare block results with scalar ones, or difference
 * values at roundoff level (hstudy). */
void nb_run_block(const NbProgram *p, size_t npts, const double *const *x,
                  double *const *out);
void nb_run_block_exact(const NbProgram *p, size_t npts,
                        const double *const *x, double *const *out);

/* MPFR at a fixed precision, registers allocated once. The VM refers to p,
 * which must outlive it. NULL when prec is outside [NB_MIN_PRECISION,
 * NB_MAX_PRECISION]. Inputs are read exactly, at their own precision. */
typedef struct NbMpfrVm NbMpfrVm;
NbMpfrVm *nb_mpfr_vm_new(const NbProgram *p, mpfr_prec_t prec);
void nb_mpfr_vm_free(NbMpfrVm *vm);
/* x[nvars] in (any precision), out[nout] out (rounded to their precision). */
void nb_run_mpfr(NbMpfrVm *vm, mpfr_srcptr const *x, mpfr_ptr const *out);

/* Divided-difference arithmetic in MPFR (src/exec/vm_divdiff.c), for Ridders'
 * fast path: output 0 of p at the point x and its increments
 * df[k] = f(x + dx[k] e_var) - f(x) at `nodes` nearby points along
 * variable var, each to about prec bits relative to itself (no
 * cancellation between nearby values; each built-in function evaluated
 * once, at x, to a few ulps: exp, log, sin and cos by src/mathfn/midprec.c, not
 * correctly rounded). nb_divdiff_vm_new: NULL when p has an opcode without an
 * increment rule (the CALL built-ins) or prec is out of range; p must
 * outlive the VM. nb_run_delta: 0, or -1 when a value is not finite or
 * leaves a rule's domain (abs or relu crossing 0, a power's base not
 * positive); then the caller evaluates values the plain way. f and df[k]
 * are rounded to their own precisions; f may be NULL, and then values no
 * rule reads are not computed (log(1 + x^2) evaluates no logarithm). */
typedef struct NbDivdiffVm NbDivdiffVm;
NbDivdiffVm *nb_divdiff_vm_new(const NbProgram *p, mpfr_prec_t prec,
                           size_t nodes);
void nb_divdiff_vm_free(NbDivdiffVm *vm);
int nb_run_delta(NbDivdiffVm *vm, mpfr_srcptr const *x, size_t var,
                 mpfr_srcptr const *dx, mpfr_ptr f, mpfr_ptr const *df);

/* Complex double, for complex-step. The program must be analytic. */
void nb_run_complex(const NbProgram *p, const double complex *x,
                    double complex *out);

/* Complex MPFR (GNU MPC) at a fixed precision; as the MPFR VM. */
typedef struct NbMpcVm NbMpcVm;
NbMpcVm *nb_mpc_vm_new(const NbProgram *p, mpfr_prec_t prec);
void nb_mpc_vm_free(NbMpcVm *vm);
void nb_run_mpc(NbMpcVm *vm, mpc_srcptr const *x, mpc_ptr const *out);

#endif
