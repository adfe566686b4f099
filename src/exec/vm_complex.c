/* vm_complex.c — complex evaluation for complex-step differentiation:
 * f'(x) ~ Im f(x + ih) / h, with no subtractive cancellation.
 *
 * nb_run_complex() runs the dbl stream in long double complex and rounds
 * the outputs once to double complex. For x + ih with tiny h the imaginary
 * part of each register is its derivative times h, and every operation
 * adds its rounding error to it: over a chain of a dozen operations in
 * double that came to 2-3 ulp of f' (sigmoid, 1/(1 + exp(-z)): 2.6e-16),
 * above the 2e-16 the complex step promises. With the 64-bit significand
 * of x87 long double the chain stays far below an ulp of double and the
 * final rounding dominates: Im within half an ulp plus 2^-60 relative.
 * (Where long double is double, the results are those of double.)
 * Built-ins without an opcode go through nb_builtins[].eval_c in double,
 * except the ones mirrored in call_l() below.
 *
 * The MPC VM runs the mp stream on mpc_t registers allocated once at one
 * precision. A program that is not analytic (nb_program_is_analytic() ==
 * 0) gives NaN where a function has no complex evaluator, never a crash.
 */
#include "exec/compile_internal.h"
#include "util/alloc.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>

#include "nabla/limits.h"

typedef long double complex Cx;

#define LN2L 0.693147180559945309417232121458176568L
#define LN10L 2.302585092994045684017991454684364208L

static Cx call_c(int fn, Cx a, Cx b)
{
    double complex t[2] = {(double complex)a, (double complex)b};
    if (!nb_builtins[fn].eval_c)
        return NAN;
    return nb_builtins[fn].eval_c(t);
}

/* 1/(1 + e^-z), written as e^z/(1 + e^z) on the left so that the
 * exponential never overflows (as c_sigmoid in builtins.c). */
static Cx sigmoid_l(Cx z)
{
    if (creall(z) >= 0)
        return 1.0L / (1.0L + cexpl(-z));
    Cx e = cexpl(z);
    return e / (1.0L + e);
}

/* The one-argument built-ins whose eval_c is a plain C99 function,
 * evaluated in long double; the others in double through eval_c. The
 * formulas are those of builtins.c (ORDER: its C1 lines). sin, cos, atan,
 * tanh, exp, log, sqrt and sigmoid are not here: they are opcodes of their
 * own (compile.c's inline_op), never a CALL1. */
static Cx call_l(int fn, Cx z)
{
    switch (fn) {
    case NB_FN_TAN: return ctanl(z);
    case NB_FN_SEC: return 1.0L / ccosl(z);
    case NB_FN_CSC: return 1.0L / csinl(z);
    case NB_FN_COT: return 1.0L / ctanl(z);
    case NB_FN_ASIN: return casinl(z);
    case NB_FN_ACOS: return cacosl(z);
    case NB_FN_SINH: return csinhl(z);
    case NB_FN_COSH: return ccoshl(z);
    case NB_FN_ASINH: return casinhl(z);
    case NB_FN_ACOSH: return cacoshl(z);
    case NB_FN_ATANH: return catanhl(z);
    case NB_FN_LOG2: return clogl(z) / LN2L;
    case NB_FN_LOG10: return clogl(z) / LN10L;
    default: return call_c(fn, z, 0);
    }
}

/* z^n by squaring and multiplying: for z = x + ih with tiny h, the
 * imaginary part stays accurate relative to itself, which complex-step
 * needs; cpow's exp(n log z) would bury it under the rounding noise of the
 * real part (and of arg z = pi for x < 0). */
static Cx powi_c(Cx z, double n)
{
    double m = fabs(n);
    Cx r = 1, b = z;
    for (;;) {
        if (fmod(m, 2) == 1)
            r = r * b;
        m = floor(m / 2);
        if (m == 0)
            break;
        b = b * b;
    }
    return n < 0 ? 1 / r : r;
}

/* z^w for real w: an integer power exactly as above, else in polar form
 * |z|^w e^(i w arg z) (as c_pow in builtins.c): the modulus from the real
 * pow, the phase small and accurate for a complex step. The VM uses it
 * wherever an exponent has no imaginary part, so a real input gets the
 * real result (cpow(-1, 1e300) is exp(1e300 i pi): noise). */
static Cx pow_real(Cx z, double w)
{
    if (w == floor(w) && fabs(w) <= 0x1p53)
        return powi_c(z, w);
    if (cimagl(z) == 0 && creall(z) >= 0)
        return powl(creall(z), w);
    long double m = powl(cabsl(z), w), ph = w * cargl(z);
    return m * (cosl(ph) + I * sinl(ph));
}

/* k^z for a real constant k: e^(z log k) when k > 0 (one rounding in
 * log k, none in the phase's structure), else cpow. */
static Cx kpow(double k, Cx z)
{
    if (cimagl(z) == 0)
        return pow_real(k, creall(z));
    if (k > 0)
        return cexpl(z * logl(k));
    return cpowl(k, z);
}

static Cx poly_c(Cx a, const double *c, uint32_t deg)
{
    Cx acc = c[deg];
    for (uint32_t i = deg; i-- > 0;) {
        acc = acc * a;
        if (c[i] != 0)
            acc = acc + c[i];
    }
    return acc;
}

/* One complex operation of the dbl stream. */
static Cx step_c(const NbIns *in, const Cx *r, const double *K)
{
#define A r[in->a]
#define B r[in->b]
#define C r[in->c]
#define KB ((long double)K[in->b])
    switch (in->op) {
    case NB_OP_MOV: return A;
    case NB_OP_LOADK: return K[in->a];
    case NB_OP_ADD: return A + B;
    case NB_OP_SUB: return A - B;
    case NB_OP_MUL: return A * B;
    case NB_OP_DIV: return A / B;
    case NB_OP_ADDK: return A + KB;
    case NB_OP_SUBK: return A - KB;
    case NB_OP_MULK: return A * KB;
    case NB_OP_DIVK: return A / KB;
    case NB_OP_KSUB: return KB - A;
    case NB_OP_KDIV: return KB / A;
    case NB_OP_NEG: return -A;
    case NB_OP_SQR: return A * A;
    case NB_OP_SQRT: return csqrtl(A);
    case NB_OP_RSQRT: return 1.0L / csqrtl(A);
    case NB_OP_MULADD: return A * B + C;
    case NB_OP_MULSUB: return C - A * B;
    case NB_OP_MULKADD: return A * KB + C;
    case NB_OP_SQRADD: return A * A + C;
    case NB_OP_SQRSUB: return (A - B) * (A - B);
    case NB_OP_SQRADDK: return (A + KB) * (A + KB);
    case NB_OP_SQRKSUB: return (KB - A) * (KB - A);
    case NB_OP_SQRMULSUB: return (C - A * B) * (C - A * B);
    case NB_OP_EXPK: return cexpl(A * KB);
    case NB_OP_KDIVADDK: return KB / (A + K[in->c]);
    case NB_OP_DIVADDK: return A / (B + K[in->c]);
    case NB_OP_POW:
        return cimagl(B) == 0 ? pow_real(A, (double)creall(B)) : cpowl(A, B);
    case NB_OP_POWK: return pow_real(A, K[in->b]);
    case NB_OP_KPOW: return kpow(K[in->b], A);
    case NB_OP_POWI: return powi_c(A, (double)(int32_t)in->c);
    case NB_OP_POLY: return poly_c(A, K + in->b, in->c);
    case NB_OP_SIN: return csinl(A);
    case NB_OP_COS: return ccosl(A);
    case NB_OP_EXP: return cexpl(A);
    case NB_OP_LOG: return clogl(A);
    case NB_OP_TANH: return ctanhl(A);
    case NB_OP_SIGMOID: return sigmoid_l(A);
    case NB_OP_ATAN: return catanl(A);
    case NB_OP_ABS: return call_c(NB_FN_ABS, A, 0);
    case NB_OP_RELU: return call_c(NB_FN_RELU, A, 0);
    case NB_OP_CALL1: return call_l(in->fn, A);
    default: return call_c(in->fn, A, B);
    }
#undef A
#undef B
#undef C
#undef KB
}

void nb_run_complex(const NbProgram *p, const double complex *x,
                    double complex *out)
{
    Cx small[64], *r = small;
    if (p->dbl.nregs > 64) {
        r = nb_xmalloc(p->dbl.nregs * sizeof *r);
    }
    for (size_t v = 0; v < p->nvars; v++)
        r[v] = x[v];
    for (const NbIns *in = p->dbl.ins; in->op != NB_OP_END; in++)
        r[in->d] = step_c(in, r, p->kd);
    for (size_t o = 0; o < p->nout; o++)
        out[o] = (double complex)r[p->dbl.outreg[o]];
    if (r != small)
        free(r);
}

/* --- MPC ------------------------------------------------------------------- */

struct NbMpcVm {
    const NbProgram *p;
    mpfr_prec_t prec;
    mpc_t *regs;
    mpc_ptr *R;     /* regs[r], or a caller's variable */
    mpfr_t *K;      /* the pool at prec (real) */
    mpc_t t;        /* scratch for fused opcodes */
};

NbMpcVm *nb_mpc_vm_new(const NbProgram *p, mpfr_prec_t prec)
{
    if (prec < NB_MIN_PRECISION || prec > NB_MAX_PRECISION)
        return NULL;
    NbMpcVm *vm = nb_xmalloc(sizeof *vm);
    size_t n = p->mp.nregs ? p->mp.nregs : 1;
    vm->p = p;
    vm->prec = prec;
    vm->regs = nb_xmalloc(n * sizeof *vm->regs);
    vm->R = nb_xmalloc(n * sizeof *vm->R);
    vm->K = nb_xmalloc((p->nkonst ? p->nkonst : 1) * sizeof *vm->K);
    for (size_t r = 0; r < p->mp.nregs; r++) {
        mpc_init2(vm->regs[r], prec);
        vm->R[r] = vm->regs[r];
    }
    for (size_t k = 0; k < p->nkonst; k++) {
        mpfr_init2(vm->K[k], prec);
        nb_konst_mpfr(&p->konst[k], vm->K[k]);
    }
    mpc_init2(vm->t, prec);
    NbExpRange r = nb_vm_range_enter(); /* as in vm_mpfr.c */
    for (size_t k = 0; k < p->nkonst; k++)
        mpfr_check_range(vm->K[k], 0, MPFR_RNDN);
    nb_vm_range_leave(r);
    return vm;
}

void nb_mpc_vm_free(NbMpcVm *vm)
{
    if (!vm)
        return;
    for (size_t r = 0; r < vm->p->mp.nregs; r++)
        mpc_clear(vm->regs[r]);
    for (size_t k = 0; k < vm->p->nkonst; k++)
        mpfr_clear(vm->K[k]);
    mpc_clear(vm->t);
    free(vm->regs);
    free(vm->R);
    free(vm->K);
    free(vm);
}

static void call_mpc(mpc_ptr d, int fn, mpc_srcptr a, mpc_srcptr b)
{
    mpc_srcptr args[2] = {a, b ? b : a};
    if (!nb_builtins[fn].eval_mpc) {
        mpfr_set_nan(mpc_realref(d));
        mpfr_set_nan(mpc_imagref(d));
        return;
    }
    nb_builtins[fn].eval_mpc(d, args, MPC_RNDNN);
}

static void poly_mpc(NbMpcVm *vm, mpc_ptr d, mpc_srcptr a, const NbIns *in)
{
    /* d may be a: the sum builds in vm->t */
    mpc_set_fr(vm->t, vm->K[in->b + in->c], MPC_RNDNN);
    for (uint32_t i = in->c; i-- > 0;) {
        mpc_mul(vm->t, vm->t, a, MPC_RNDNN);
        if (!mpfr_zero_p(vm->K[in->b + i]))
            mpc_add_fr(vm->t, vm->t, vm->K[in->b + i], MPC_RNDNN);
    }
    mpc_set(d, vm->t, MPC_RNDNN);
}

/* One MPC operation of the mp stream. */
static void step_mpc(NbMpcVm *vm, const NbIns *in)
{
    mpc_ptr *R = vm->R;
    const mpc_rnd_t N = MPC_RNDNN;
#define D R[in->d]
#define A R[in->a]
#define B R[in->b]
#define C R[in->c]
#define KB vm->K[in->b]
    switch (in->op) {
    case NB_OP_MOV: mpc_set(D, A, N); break;
    case NB_OP_LOADK: mpc_set_fr(D, vm->K[in->a], N); break;
    case NB_OP_ADD: mpc_add(D, A, B, N); break;
    case NB_OP_SUB: mpc_sub(D, A, B, N); break;
    case NB_OP_MUL: mpc_mul(D, A, B, N); break;
    case NB_OP_DIV: mpc_div(D, A, B, N); break;
    case NB_OP_ADDK: mpc_add_fr(D, A, KB, N); break;
    case NB_OP_SUBK: mpc_sub_fr(D, A, KB, N); break;
    case NB_OP_MULK: mpc_mul_fr(D, A, KB, N); break;
    case NB_OP_DIVK: mpc_div_fr(D, A, KB, N); break;
    case NB_OP_KSUB: mpc_fr_sub(D, KB, A, N); break;
    case NB_OP_KDIV: mpc_fr_div(D, KB, A, N); break;
    case NB_OP_NEG: mpc_neg(D, A, N); break;
    case NB_OP_SQR: mpc_sqr(D, A, N); break;
    case NB_OP_SQRT: mpc_sqrt(D, A, N); break;
    case NB_OP_RSQRT:
        mpc_sqrt(vm->t, A, N);
        mpc_ui_div(D, 1, vm->t, N);
        break;
    case NB_OP_MULADD:
        mpc_mul(vm->t, A, B, N);
        mpc_add(D, vm->t, C, N);
        break;
    case NB_OP_MULSUB:
        mpc_mul(vm->t, A, B, N);
        mpc_sub(D, C, vm->t, N);
        break;
    case NB_OP_MULKADD:
        mpc_mul_fr(vm->t, A, KB, N);
        mpc_add(D, vm->t, C, N);
        break;
    case NB_OP_SQRADD:
        mpc_sqr(vm->t, A, N);
        mpc_add(D, vm->t, C, N);
        break;
    case NB_OP_SQRSUB:
        mpc_sub(vm->t, A, B, N);
        mpc_sqr(D, vm->t, N);
        break;
    case NB_OP_SQRADDK:
        mpc_add_fr(vm->t, A, KB, N);
        mpc_sqr(D, vm->t, N);
        break;
    case NB_OP_SQRKSUB:
        mpc_fr_sub(vm->t, KB, A, N);
        mpc_sqr(D, vm->t, N);
        break;
    case NB_OP_SQRMULSUB:
        mpc_mul(vm->t, A, B, N);
        mpc_sub(vm->t, C, vm->t, N);
        mpc_sqr(D, vm->t, N);
        break;
    case NB_OP_EXPK:
        mpc_mul_fr(vm->t, A, KB, N);
        mpc_exp(D, vm->t, N);
        break;
    case NB_OP_KDIVADDK:
        mpc_add_fr(vm->t, A, vm->K[in->c], N);
        mpc_fr_div(D, KB, vm->t, N);
        break;
    case NB_OP_DIVADDK:
        mpc_add_fr(vm->t, B, vm->K[in->c], N);
        mpc_div(D, A, vm->t, N);
        break;
    case NB_OP_POW: mpc_pow(D, A, B, N); break;
    case NB_OP_POWK: mpc_pow_fr(D, A, KB, N); break;
    case NB_OP_KPOW:
        mpc_set_fr(vm->t, KB, N);
        mpc_pow(D, vm->t, A, N);
        break;
    case NB_OP_POWI: mpc_pow_si(D, A, (long)(int32_t)in->c, N); break;
    case NB_OP_POLY: poly_mpc(vm, D, A, in); break;
    case NB_OP_SIN: mpc_sin(D, A, N); break;
    case NB_OP_COS: mpc_cos(D, A, N); break;
    case NB_OP_EXP: mpc_exp(D, A, N); break;
    case NB_OP_LOG: mpc_log(D, A, N); break;
    case NB_OP_TANH: mpc_tanh(D, A, N); break;
    case NB_OP_SIGMOID: call_mpc(D, NB_FN_SIGMOID, A, NULL); break;
    case NB_OP_ATAN: call_mpc(D, NB_FN_ATAN, A, NULL); break; /* tiny z */
    case NB_OP_ABS: call_mpc(D, NB_FN_ABS, A, NULL); break;
    case NB_OP_RELU: call_mpc(D, NB_FN_RELU, A, NULL); break;
    case NB_OP_CALL1: call_mpc(D, in->fn, A, NULL); break;
    default: call_mpc(D, in->fn, A, B); break;
    }
#undef D
#undef A
#undef B
#undef C
#undef KB
}

void nb_run_mpc(NbMpcVm *vm, mpc_srcptr const *x, mpc_ptr const *out)
{
    const NbProgram *p = vm->p;
    for (size_t v = 0; v < p->nvars; v++) {
        vm->R[v] = (mpc_ptr)x[v]; /* read only: never a destination */
        if (!nb_vm_in_range(mpc_realref(x[v]))
            || !nb_vm_in_range(mpc_imagref(x[v]))) {
            vm->R[v] = vm->regs[v]; /* copied while the range allows it */
            mpc_set(vm->R[v], x[v], MPC_RNDNN);
        }
    }
    NbExpRange range = nb_vm_range_enter(); /* see vm_mpfr.c */
    for (size_t v = 0; v < p->nvars; v++)
        if (vm->R[v] == vm->regs[v]) {
            mpfr_check_range(mpc_realref(vm->R[v]), 0, MPFR_RNDN);
            mpfr_check_range(mpc_imagref(vm->R[v]), 0, MPFR_RNDN);
        }
    for (const NbIns *in = p->mp.ins; in->op != NB_OP_END; in++)
        step_mpc(vm, in);
    for (size_t o = 0; o < p->nout; o++)
        mpc_set(out[o], vm->R[p->mp.outreg[o]], MPC_RNDNN);
    nb_vm_range_leave(range);
}
