/* vm_mpfr.c — the mp stream on mpfr_t registers at one fixed precision.
 *
 * Registers and the constant pool are initialised once, in
 * nb_mpfr_vm_new() (constants correctly rounded at the VM's precision: 1/10
 * is 0.1 to that many bits, not the double nearest 0.1); a run does no
 * mpfr_init or mpfr_clear. Variables are not copied: their registers point
 * at the caller's values, which are read at their own precision, exactly.
 * Each opcode is one correctly rounded MPFR call, except the fused ones
 * (two roundings, as the double VM) and the built-ins, which are whatever
 * nb_builtins[].eval_mpfr is (correctly rounded or close).
 *
 * Precision is checked here, before MPFR sees it, since MPFR aborts on
 * a precision it cannot allocate; a run keeps exponents within
 * +-NB_VM_MAX_EXP (compile_internal.h), so no operation can ask GMP for
 * millions of bits (sin of a huge argument).
 */
#include "exec/compile_internal.h"
#include "util/alloc.h"

#include <stdlib.h>

#include "nabla/limits.h"

/* How an integer constant enters an opcode (NbMpfrVm.si): through MPFR's
 * _si functions, which take it exactly, or as K[k], rounded to the VM's
 * precision. Both give the same result when K[k] is exact; then K is the
 * faster for sums and differences (mpfr_add_si converts the integer on
 * every call: 40 ns against 10 at 53 bits, and mpfr_si_sub 53 against 12)
 * and, up to 64 bits, for products and quotients, where mpfr_mul_si and
 * mpfr_div_si win above (28 ns against 43 at 212 bits). An integer K does
 * not hold exactly (more bits than the precision) always goes in exact. */
enum { SI_ADD = 1, SI_MUL = 2 };

struct NbMpfrVm {
    const NbProgram *p;
    mpfr_prec_t prec;
    mpfr_t *regs;    /* nregs, the variables' ones unused */
    mpfr_ptr *R;     /* register r's value: regs[r] or a caller's variable */
    mpfr_t *K;       /* the pool at prec */
    long *ki;        /* pool entry as a long, when it is an exact integer */
    unsigned char *si;    /* SI_ flags: where the _si functions take it */
    mpfr_t t, t2;    /* scratch for fused opcodes and POLY */
    int bounded;     /* every opcode's result can be checked: see run() */
};

/* Can a run skip setting MPFR's exponent range? Only where every opcode
 * is one correctly rounded MPFR call (or two through vm->t): its result,
 * when inside the bound, is then what it would have been with the bound
 * set. The built-ins' own temporaries, and POLY's, are out of sight. */
static int checkable(const NbProgram *p)
{
    for (const NbIns *in = p->mp.ins; in->op != NB_OP_END; in++)
        if (in->op == NB_OP_POLY || in->op == NB_OP_SIGMOID
            || in->op == NB_OP_CALL1 || in->op == NB_OP_CALL2)
            return 0;
    return 1;
}

NbMpfrVm *nb_mpfr_vm_new(const NbProgram *p, mpfr_prec_t prec)
{
    if (prec < NB_MIN_PRECISION || prec > NB_MAX_PRECISION)
        return NULL;
    NbMpfrVm *vm = nb_xmalloc(sizeof *vm);
    size_t n = p->mp.nregs ? p->mp.nregs : 1;
    vm->p = p;
    vm->prec = prec;
    vm->regs = nb_xmalloc(n * sizeof *vm->regs);
    vm->R = nb_xmalloc(n * sizeof *vm->R);
    vm->K = nb_xmalloc((p->nkonst ? p->nkonst : 1) * sizeof *vm->K);
    vm->ki = nb_xmalloc((p->nkonst ? p->nkonst : 1) * sizeof *vm->ki);
    vm->si = nb_xmalloc(p->nkonst ? p->nkonst : 1);
    for (size_t r = 0; r < p->mp.nregs; r++) {
        mpfr_init2(vm->regs[r], prec);
        vm->R[r] = vm->regs[r];
    }
    for (size_t k = 0; k < p->nkonst; k++) {
        const NbKonst *c = &p->konst[k];
        mpfr_init2(vm->K[k], prec);
        nb_konst_mpfr(c, vm->K[k]);
        int isint = c->kind == NB_K_Q
                    && mpz_cmp_ui(mpq_denref(c->q), 1) == 0
                    && mpz_fits_slong_p(mpq_numref(c->q));
        vm->ki[k] = isint ? mpz_get_si(mpq_numref(c->q)) : 0;
        int exact = isint && mpfr_cmp_si(vm->K[k], vm->ki[k]) == 0;
        vm->si[k] = !isint ? 0
                    : !exact ? SI_ADD | SI_MUL
                    : prec > 64 ? SI_MUL : 0;
    }
    mpfr_init2(vm->t, prec);
    mpfr_init2(vm->t2, prec);
    vm->bounded = checkable(p);
    /* a constant beyond the VM's exponent range is inf or 0 inside it */
    NbExpRange r = nb_vm_range_enter();
    for (size_t k = 0; k < p->nkonst; k++)
        mpfr_check_range(vm->K[k], 0, MPFR_RNDN);
    nb_vm_range_leave(r);
    return vm;
}

void nb_mpfr_vm_free(NbMpfrVm *vm)
{
    if (!vm)
        return;
    for (size_t r = 0; r < vm->p->mp.nregs; r++)
        mpfr_clear(vm->regs[r]);
    for (size_t k = 0; k < vm->p->nkonst; k++)
        mpfr_clear(vm->K[k]);
    mpfr_clear(vm->t);
    mpfr_clear(vm->t2);
    free(vm->regs);
    free(vm->R);
    free(vm->K);
    free(vm->ki);
    free(vm->si);
    free(vm);
}

/* POLY as defined in compile_internal.h (the mp stream never has one; kept
 * so every VM runs every opcode). */
static void poly(NbMpfrVm *vm, mpfr_ptr d, mpfr_srcptr a, const NbIns *in)
{
    mpfr_ptr acc = vm->t2; /* d may be a */
    mpfr_set(acc, vm->K[in->b + in->c], MPFR_RNDN);
    for (uint32_t i = in->c; i-- > 0;) {
        mpfr_mul(acc, acc, a, MPFR_RNDN);
        if (!mpfr_zero_p(vm->K[in->b + i]))
            mpfr_add(acc, acc, vm->K[in->b + i], MPFR_RNDN);
    }
    mpfr_set(d, acc, MPFR_RNDN);
}

static void call(mpfr_ptr d, int fn, mpfr_srcptr a, mpfr_srcptr b)
{
    mpfr_srcptr args[2] = {a, b ? b : a};
    nb_builtins[fn].eval_mpfr(d, args, MPFR_RNDN);
}

/* Is an output about to be copied within the bound? Rounding to a
 * narrower output can carry a value at the top exponent past it. */
static int outputs_in_bound(const NbMpfrVm *vm, mpfr_ptr const *out)
{
    for (size_t o = 0; o < vm->p->nout; o++) {
        mpfr_srcptr v = vm->R[vm->p->mp.outreg[o]];
        if (mpfr_regular_p(v) && mpfr_get_exp(v) == NB_VM_MAX_EXP
            && mpfr_get_prec(out[o]) < mpfr_get_prec(v))
            return 0;
    }
    return 1;
}

/* The dispatch loop: one MPFR call per opcode, so a switch costs nothing
 * next to the arithmetic. `bounded`: MPFR's exponent range is the
 * caller's, and every result is checked against the VM's bound instead;
 * returns 0, having written no output, at the first one past it (the
 * caller runs again with the bound set). Every call before then gets the
 * arguments the bounded run gives it, so MPFR is asked nothing costlier,
 * and raises no flag the bounded run would not: a call whose result
 * leaves the bound overflows or underflows with the bound set. */
static int run(NbMpfrVm *vm, mpfr_ptr const *out, int bounded)
{
    const NbProgram *p = vm->p;
    mpfr_ptr *R = vm->R;
    const mpfr_rnd_t N = MPFR_RNDN;
    for (const NbIns *in = p->mp.ins;; in++) {
#define D R[in->d]
#define A R[in->a]
#define B R[in->b]
#define C R[in->c]
#define KB vm->K[in->b]
#define SIADD (vm->si[in->b] & SI_ADD)
#define SIMUL (vm->si[in->b] & SI_MUL)
#define KI vm->ki[in->b]
/* A fused opcode's temporary, checked before its second call so that no
 * call sees an argument the bounded run would not. */
#define T_IN_BOUND                                                         \
    if (bounded && !nb_vm_in_range(vm->t))                                 \
        return 0
        switch (in->op) {
        case NB_OP_MOV: mpfr_set(D, A, N); break;
        case NB_OP_LOADK: mpfr_set(D, vm->K[in->a], N); break;
        case NB_OP_ADD: mpfr_add(D, A, B, N); break;
        case NB_OP_SUB: mpfr_sub(D, A, B, N); break;
        case NB_OP_MUL: mpfr_mul(D, A, B, N); break;
        case NB_OP_DIV: mpfr_div(D, A, B, N); break;
        /* An integer constant: see SI_ADD */
        case NB_OP_ADDK:
            SIADD ? mpfr_add_si(D, A, KI, N) : mpfr_add(D, A, KB, N);
            break;
        case NB_OP_SUBK:
            SIADD ? mpfr_sub_si(D, A, KI, N) : mpfr_sub(D, A, KB, N);
            break;
        case NB_OP_MULK:
            SIMUL ? mpfr_mul_si(D, A, KI, N) : mpfr_mul(D, A, KB, N);
            break;
        case NB_OP_DIVK:
            SIMUL ? mpfr_div_si(D, A, KI, N) : mpfr_div(D, A, KB, N);
            break;
        case NB_OP_KSUB:
            SIADD ? mpfr_si_sub(D, KI, A, N) : mpfr_sub(D, KB, A, N);
            break;
        case NB_OP_KDIV:
            SIADD ? mpfr_si_div(D, KI, A, N) : mpfr_div(D, KB, A, N);
            break;
        case NB_OP_NEG: mpfr_neg(D, A, N); break;
        case NB_OP_SQR: mpfr_sqr(D, A, N); break;
        case NB_OP_SQRT: mpfr_sqrt(D, A, N); break;
        case NB_OP_RSQRT: mpfr_rec_sqrt(D, A, N); break;
        case NB_OP_MULADD:
            mpfr_mul(vm->t, A, B, N);
            T_IN_BOUND;
            mpfr_add(D, vm->t, C, N);
            break;
        case NB_OP_MULSUB:
            mpfr_mul(vm->t, A, B, N);
            T_IN_BOUND;
            mpfr_sub(D, C, vm->t, N);
            break;
        case NB_OP_MULKADD:
            SIMUL ? mpfr_mul_si(vm->t, A, KI, N) : mpfr_mul(vm->t, A, KB, N);
            T_IN_BOUND;
            mpfr_add(D, vm->t, C, N);
            break;
        case NB_OP_SQRADD:
            mpfr_sqr(vm->t, A, N);
            T_IN_BOUND;
            mpfr_add(D, vm->t, C, N);
            break;
        case NB_OP_SQRSUB:
            mpfr_sub(vm->t, A, B, N);
            T_IN_BOUND;
            mpfr_sqr(D, vm->t, N);
            break;
        case NB_OP_SQRADDK:
            mpfr_add(vm->t, A, KB, N);
            T_IN_BOUND;
            mpfr_sqr(D, vm->t, N);
            break;
        case NB_OP_SQRKSUB:
            mpfr_sub(vm->t, KB, A, N);
            T_IN_BOUND;
            mpfr_sqr(D, vm->t, N);
            break;
        case NB_OP_SQRMULSUB: /* a square costs ~0.6 of a product */
            in->a == in->b ? mpfr_sqr(vm->t, A, N) : mpfr_mul(vm->t, A, B, N);
            T_IN_BOUND;
            mpfr_sub(vm->t, C, vm->t, N);
            T_IN_BOUND;
            mpfr_sqr(D, vm->t, N);
            break;
        case NB_OP_EXPK:
            SIMUL ? mpfr_mul_si(vm->t, A, KI, N) : mpfr_mul(vm->t, A, KB, N);
            T_IN_BOUND;
            mpfr_exp(D, vm->t, N);
            break;
        case NB_OP_KDIVADDK:
            mpfr_add(vm->t, A, vm->K[in->c], N);
            T_IN_BOUND;
            mpfr_div(D, KB, vm->t, N);
            break;
        case NB_OP_DIVADDK:
            mpfr_add(vm->t, B, vm->K[in->c], N);
            T_IN_BOUND;
            mpfr_div(D, A, vm->t, N);
            break;
        case NB_OP_POW: mpfr_pow(D, A, B, N); break;
        case NB_OP_POWK: mpfr_pow(D, A, KB, N); break;
        case NB_OP_KPOW: mpfr_pow(D, KB, A, N); break;
        /* x^2 is the commonest power: mpfr_sqr rounds the same exact
         * value correctly, at a fraction of mpfr_pow_si's cost. */
        case NB_OP_POWI:
            if ((int32_t)in->c == 2)
                mpfr_sqr(D, A, N);
            else
                mpfr_pow_si(D, A, (long)(int32_t)in->c, N);
            break;
        case NB_OP_POLY: poly(vm, D, A, in); break;
        case NB_OP_SIN: mpfr_sin(D, A, N); break;
        case NB_OP_COS: mpfr_cos(D, A, N); break;
        case NB_OP_EXP: mpfr_exp(D, A, N); break;
        case NB_OP_LOG: mpfr_log(D, A, N); break;
        case NB_OP_TANH: mpfr_tanh(D, A, N); break;
        case NB_OP_SIGMOID: call(D, NB_FN_SIGMOID, A, NULL); break;
        case NB_OP_ATAN: mpfr_atan(D, A, N); break;
        case NB_OP_ABS: mpfr_abs(D, A, N); break;
        case NB_OP_RELU: call(D, NB_FN_RELU, A, NULL); break;
        case NB_OP_CALL1: call(D, in->fn, A, NULL); break;
        case NB_OP_CALL2: call(D, in->fn, A, B); break;
        default:
            if (bounded && !outputs_in_bound(vm, out))
                return 0;
            for (size_t o = 0; o < p->nout; o++)
                mpfr_set(out[o], R[p->mp.outreg[o]], N);
            return 1;
        }
        if (bounded && !nb_vm_in_range(D))
            return 0;
#undef D
#undef A
#undef B
#undef C
#undef KB
#undef SIADD
#undef SIMUL
#undef KI
#undef T_IN_BOUND
    }
}

/* Setting MPFR's exponent range costs more than a small program at 53
 * bits (four thread-local accesses in libmpfr, about 45 ns): a run first
 * goes without it where it can, and sets it only when a value leaves the
 * bound. Both ways give the same bits and the same MPFR flags. */
void nb_run_mpfr(NbMpfrVm *vm, mpfr_srcptr const *x, mpfr_ptr const *out)
{
    const NbProgram *p = vm->p;
    mpfr_ptr *R = vm->R;
    int bounded = vm->bounded;
    for (size_t v = 0; v < p->nvars; v++) {
        R[v] = (mpfr_ptr)x[v]; /* read only: never a destination */
        bounded = bounded && nb_vm_in_range(x[v]);
    }
    if (bounded && run(vm, out, 1))
        return;
    for (size_t v = 0; v < p->nvars; v++)
        if (!nb_vm_in_range(x[v])) { /* copied while the range allows it */
            R[v] = vm->regs[v];
            mpfr_set(R[v], x[v], MPFR_RNDN);
        }
    NbExpRange range = nb_vm_range_enter();
    for (size_t v = 0; v < p->nvars; v++)
        if (R[v] == vm->regs[v]) /* far beyond the range: inf or 0 */
            mpfr_check_range(R[v], 0, MPFR_RNDN);
    run(vm, out, 0);
    nb_vm_range_leave(range);
}
