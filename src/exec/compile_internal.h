/* compile_internal.h — the instruction set shared by compile.c and the VMs.
 *
 * A program is a flat array of three-address instructions over numbered
 * registers (Lua's lcode.c model, not a value stack). Registers 0..nvars-1
 * hold the variables and are never written; every other register is a
 * temporary that the compiler reuses once its last reader has run. The
 * destination of an instruction never equals one of its operands, so the
 * VMs may read operands after writing (POLY) and the block VM may treat the
 * destination block as not aliasing its inputs.
 *
 * Constants live in a pool, referenced by index from the K operands; the
 * pool keeps exact values (rationals, MPFR floats, named constants) so the
 * MPFR and MPC VMs convert each at their own precision, and a double copy for
 * the double VMs.
 *
 * A program carries two streams compiled from the same DAG:
 *   dbl — for the double, block and complex-double VMs: integer powers as
 *         multiply chains, polynomials as POLY, constant subexpressions
 *         folded in double;
 *   mp  — for the MPFR and MPC VMs: integer powers as POWI (correctly
 *         rounded mpfr_pow_si), nothing folded (the precision is chosen
 *         later).
 */
#ifndef NABLA_COMPILE_INTERNAL_H
#define NABLA_COMPILE_INTERNAL_H

#include <stdint.h>
#include <math.h>
#include <gmp.h>
#include <mpfr.h>
#include "nabla/compile.h"
#include "nabla/builtins.h"
#include "mathfn/dmath.h" /* kernels the VMs share with the table */
#include "exec/regs.h"

/* Operand roles, one letter per field a, b, c of an instruction:
 *   r register, k constant-pool index, n signed integer (as uint32),
 *   f the fn field (every built-in takes one or two arguments), - unused.
 * Semantics are written for the double VM; the other VMs do the same
 * operation in their arithmetic. ORDER NB_OP: the VMs' label tables and
 * nbi_op_names[] follow this list. */
#define NB_OPS(X)                                                          \
    X(MOV,     "r--")  /* d = a */                                         \
    X(LOADK,   "k--")  /* d = K[a] */                                      \
    X(ADD,     "rr-")  /* d = a + b */                                     \
    X(SUB,     "rr-")  /* d = a - b */                                     \
    X(MUL,     "rr-")  /* d = a * b */                                     \
    X(DIV,     "rr-")  /* d = a / b */                                     \
    X(ADDK,    "rk-")  /* d = a + K[b] */                                  \
    X(SUBK,    "rk-")  /* d = a - K[b] */                                  \
    X(MULK,    "rk-")  /* d = a * K[b] */                                  \
    X(DIVK,    "rk-")  /* d = a / K[b] */                                  \
    X(KSUB,    "rk-")  /* d = K[b] - a */                                  \
    X(KDIV,    "rk-")  /* d = K[b] / a */                                  \
    X(NEG,     "r--")  /* d = -a */                                        \
    X(SQR,     "r--")  /* d = a * a */                                     \
    X(SQRT,    "r--")  /* d = sqrt(a) */                                   \
    X(RSQRT,   "r--")  /* d = 1 / sqrt(a + 0.0): +inf at -0, as pow */    \
    X(MULADD,  "rrr")  /* d = a * b + c  (two roundings: no FMA) */        \
    X(MULSUB,  "rrr")  /* d = c - a * b */                                 \
    X(MULKADD, "rkr")  /* d = a * K[b] + c */                              \
    X(SQRADD,  "r-r")  /* d = a * a + c */                                 \
    X(SQRSUB,  "rr-")  /* d = (a - b) * (a - b) */                         \
    X(SQRADDK, "rk-")  /* d = (a + K[b]) * (a + K[b]) */                   \
    X(SQRKSUB, "rk-")  /* d = (K[b] - a) * (K[b] - a) */                   \
    X(SQRMULSUB, "rrr") /* d = (c - a * b)^2: Rosenbrock's (y - x^2)^2 */   \
    X(EXPK,    "rk-")  /* d = exp(a * K[b]) */                             \
    X(KDIVADDK, "rkk") /* d = K[b] / (a + K[c]) */                         \
    X(DIVADDK, "rrk")  /* d = a / (b + K[c]) */                            \
    X(POW,     "rr-")  /* d = pow(a, b) */                                 \
    X(POWK,    "rk-")  /* d = pow(a, K[b]) */                              \
    X(KPOW,    "rk-")  /* d = pow(K[b], a) */                              \
    X(POWI,    "r-n")  /* d = a ^ c, c a nonzero integer (mp stream) */    \
    X(POLY,    "rkn")  /* d = sum of K[b+i] * a^i, i = 0..c: see below */  \
    X(SIN,     "r--")                                                      \
    X(COS,     "r--")                                                      \
    X(EXP,     "r--")                                                      \
    X(LOG,     "r--")                                                      \
    X(TANH,    "r--")                                                      \
    X(SIGMOID, "r--")                                                      \
    X(ATAN,    "r--")                                                      \
    X(ABS,     "r--")  /* d = fabs(a) */                                   \
    X(RELU,    "r--")  /* d = a > 0 ? a : a <= 0 ? 0 : a (NaN stays) */    \
    X(CALL1,   "r-f")  /* d = nb_builtins[fn](a) */                        \
    X(CALL2,   "rrf")  /* d = nb_builtins[fn](a, b) */                     \
    X(END,     "---")

/* POLY, Horner's rule: acc = K[b+c] (never 0), then for i = c-1 down to
 * 0: acc = acc * a, and acc = acc + K[b+i] when K[b+i] != 0. Two
 * operations a degree, no coefficient ever multiplies a power (so 0 * inf
 * cannot turn an overflow into NaN, and the polynomial of a huge a is
 * +-inf, not inf - inf). Horner is also backward stable: the result is
 * the exact value of the polynomial with coefficients perturbed by a few
 * ulps. */

typedef enum NbOp {
#define NB_OP_ENUM(name, sig) NB_OP_##name,
    NB_OPS(NB_OP_ENUM)
#undef NB_OP_ENUM
    NB_OP__COUNT
} NbOp;

extern const char *const nbi_op_names[NB_OP__COUNT];
extern const char nbi_op_sigs[NB_OP__COUNT][4];

typedef struct NbIns {
    uint16_t op;   /* NbOp */
    uint16_t fn;   /* NbFnId for CALL* */
    uint32_t d, a, b, c;
} NbIns;

/* One stream of instructions (see above), ending with NB_OP_END. */
typedef struct NbCode {
    NbIns *ins;
    size_t nins;        /* including the final END */
    uint32_t nregs;     /* registers, variables included */
    uint32_t *outreg;   /* nout registers holding the outputs at END */
} NbCode;

/* An exact constant-pool entry. */
typedef enum NbKonstKind {
    NB_K_Q,     /* exact rational q */
    NB_K_F,     /* MPFR float f, at its own precision */
    NB_K_D,     /* hardware double d (a literal, or folded in double) */
    NB_K_C      /* named constant cid */
} NbKonstKind;

typedef struct NbJit NbJit;
/* One point through a program: nb_run_double()'s signature. */
typedef void (*NbRunPoint)(const NbProgram *p, const double *x, double *out,
                           double *r);

typedef struct NbKonst {
    int kind;   /* NbKonstKind */
    int cid;    /* NB_K_C */
    double d;   /* NB_K_D */
    mpq_t q;    /* NB_K_Q, else unused (not inited) */
    mpfr_t f;   /* NB_K_F, else unused (not inited) */
} NbKonst;

struct NbProgram {
    size_t nvars, nout;
    NbCode dbl, mp;
    NbKonst *konst;     /* pool, nkonst entries */
    double *kd;         /* the pool rounded to double */
    size_t nkonst;
    int analytic;
    /* Native code for dbl (jit.h), made lazily by vm_double.c, freed by
     * nb_program_free; jit_runs counts runs until then. */
    _Atomic(NbJit *) jit;
    _Atomic unsigned jit_runs;
    /* What nb_run_double() jumps to once the JIT state is decided (the
     * native point entry or the interpreter); NULL before. */
    _Atomic(NbRunPoint) run_point;
};

/* The double value of pool entry k (correctly rounded, subnormals too). */
double nb_konst_double(const NbKonst *k);
/* Pool entry k at r's precision, correctly rounded. */
void nb_konst_mpfr(const NbKonst *k, mpfr_ptr r);

/* The MPFR and MPC VMs run with exponents within +-NB_VM_MAX_EXP bits
 * (intersected with the caller's range): beyond, values overflow to inf or
 * underflow to 0. Without the bound, sin(sinh(5000^2)) would ask MPFR for a
 * 36-million-bit argument reduction (minutes in GMP, uninterruptible); with
 * it, no operation costs more than one at NB_MAX_PRECISION. */
#define NB_VM_MAX_EXP (1L << 20)

typedef struct NbExpRange {
    mpfr_exp_t emin, emax;
    int changed;
} NbExpRange;

/* Getting and setting the range costs a thread-local access in libmpfr
 * each (about 30 ns for the four sets against a 100 ns evaluation of a
 * small program at 53 bits): a caller already inside the bound (the
 * nabla program narrows it once at start) pays only the two gets. */
static inline NbExpRange nb_vm_range_enter(void)
{
    NbExpRange r = {mpfr_get_emin(), mpfr_get_emax(), 0};
    if (r.emin < -NB_VM_MAX_EXP || r.emax > NB_VM_MAX_EXP) {
        r.changed = 1;
        mpfr_set_emin(r.emin > -NB_VM_MAX_EXP ? r.emin : -NB_VM_MAX_EXP);
        mpfr_set_emax(r.emax < NB_VM_MAX_EXP ? r.emax : NB_VM_MAX_EXP);
    }
    return r;
}

static inline void nb_vm_range_leave(NbExpRange r)
{
    if (r.changed) {
        mpfr_set_emin(r.emin);
        mpfr_set_emax(r.emax);
    }
}

/* Is x inside the VM's exponent range (NaN, inf and 0 are)? */
static inline int nb_vm_in_range(mpfr_srcptr x)
{
    return !mpfr_regular_p(x) || (mpfr_get_exp(x) >= -NB_VM_MAX_EXP
                                  && mpfr_get_exp(x) <= NB_VM_MAX_EXP);
}

/* The register-level listing of a stream, one instruction a line, for
 * tests and debugging ("r2 = MUL r0 r1"). Returns a malloc'ed string. */
char *nb_program_listing(const NbProgram *p, int mp_stream);

#endif
