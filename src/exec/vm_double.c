/* vm_double.c — the scalar double VM: one point through the dbl stream.
 *
 * Registers are the caller's scratch (nb_program_scratch doubles), so a
 * program can run in several places at once. Dispatch is direct-threaded
 * with computed goto under GCC and Clang, a switch elsewhere. Every opcode is
 * the C expression written in its comment in compile_internal.h, compiled
 * without FMA contraction (-std=c11 implies -ffp-contract=off), so vm_block.c
 * and compile.c's constant folding compute the same bits.
 *
 * Programs run many times go native: after NB_JIT_AFTER runs the dbl stream
 * is compiled to x86-64 code (jit.h) giving the same bits; the interpreter
 * stays for everything the JIT declines.
 *
 * This is nabla's hottest loop: it polls nothing. Callers that run it many
 * times poll nb_interrupted between calls.
 */
#include "exec/compile_internal.h"
#include "exec/jit.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define VM_CASE(name) L_##name:
#define VM_NEXT goto *labels[(++pc)->op]
#define VM_START goto *labels[pc->op];
#else
#define VM_CASE(name) case NB_OP_##name:
#define VM_NEXT do { pc++; goto dispatch; } while (0)
#define VM_START dispatch: switch (pc->op)
#endif

/* The dispatch loop: the one long function, one short case per opcode.
 * x and out may be NULL (nbi_run_double_regs): the variables are then
 * already in r[0..nvars-1] and the outputs are left in their registers. */
static void vm(const NbProgram *p, const double *x, double *out, double *r)
{
    const NbIns *pc = p->dbl.ins;
    const double *K = p->kd;
#if defined(__GNUC__)
    static const void *const labels[NB_OP__COUNT] = {
#define VM_LABEL(name, sig) &&L_##name,
        NB_OPS(VM_LABEL)
#undef VM_LABEL
    };
#endif
    if (x)
        for (size_t v = 0; v < p->nvars; v++)
            r[v] = x[v];
#define A r[pc->a]
#define B r[pc->b]
#define C r[pc->c]
#define D r[pc->d]
#define KB K[pc->b]
    VM_START
    {
    VM_CASE(MOV) D = A; VM_NEXT;
    VM_CASE(LOADK) D = K[pc->a]; VM_NEXT;
    VM_CASE(ADD) D = A + B; VM_NEXT;
    VM_CASE(SUB) D = A - B; VM_NEXT;
    VM_CASE(MUL) D = A * B; VM_NEXT;
    VM_CASE(DIV) D = A / B; VM_NEXT;
    VM_CASE(ADDK) D = A + KB; VM_NEXT;
    VM_CASE(SUBK) D = A - KB; VM_NEXT;
    VM_CASE(MULK) D = A * KB; VM_NEXT;
    VM_CASE(DIVK) D = A / KB; VM_NEXT;
    VM_CASE(KSUB) D = KB - A; VM_NEXT;
    VM_CASE(KDIV) D = KB / A; VM_NEXT;
    VM_CASE(NEG) D = -A; VM_NEXT;
    VM_CASE(SQR) D = A * A; VM_NEXT;
    VM_CASE(SQRT) D = sqrt(A); VM_NEXT;
    VM_CASE(RSQRT) D = 1.0 / sqrt(A + 0.0); VM_NEXT;
    VM_CASE(MULADD) D = A * B + C; VM_NEXT;
    VM_CASE(MULSUB) D = C - A * B; VM_NEXT;
    VM_CASE(MULKADD) D = A * KB + C; VM_NEXT;
    VM_CASE(SQRADD) D = A * A + C; VM_NEXT;
    VM_CASE(SQRSUB) { double t = A - B; D = t * t; VM_NEXT; }
    VM_CASE(SQRADDK) { double t = A + KB; D = t * t; VM_NEXT; }
    VM_CASE(SQRKSUB) { double t = KB - A; D = t * t; VM_NEXT; }
    VM_CASE(SQRMULSUB) { double t = C - A * B; D = t * t; VM_NEXT; }
    VM_CASE(EXPK) D = exp(A * KB); VM_NEXT;
    VM_CASE(KDIVADDK) D = KB / (A + K[pc->c]); VM_NEXT;
    VM_CASE(DIVADDK) D = A / (B + K[pc->c]); VM_NEXT;
    VM_CASE(POW) D = pow(A, B); VM_NEXT;
    VM_CASE(POWK) D = pow(A, KB); VM_NEXT;
    VM_CASE(KPOW) D = pow(KB, A); VM_NEXT;
    VM_CASE(POWI) D = pow(A, (double)(int32_t)pc->c); VM_NEXT;
    VM_CASE(POLY) {
        const double *c = K + pc->b, xv = A;
        double acc = c[pc->c];
        for (uint32_t i = pc->c; i-- > 0;) {
            acc = acc * xv;
            if (c[i] != 0)
                acc = acc + c[i];
        }
        D = acc;
        VM_NEXT;
    }
    VM_CASE(SIN) D = sin(A); VM_NEXT;
    VM_CASE(COS) D = cos(A); VM_NEXT;
    VM_CASE(EXP) D = exp(A); VM_NEXT;
    VM_CASE(LOG) D = log(A); VM_NEXT;
    VM_CASE(TANH) D = nb_tanh_d(A); VM_NEXT;
    VM_CASE(SIGMOID) D = nb_sigmoid_d(A); VM_NEXT;
    VM_CASE(ATAN) D = atan(A); VM_NEXT;
    VM_CASE(ABS) D = fabs(A); VM_NEXT;
    VM_CASE(RELU) D = nb_relu_d(A); VM_NEXT;
    VM_CASE(CALL1) {
        double t[2] = {A, 0};
        D = nb_builtins[pc->fn].eval_d(t);
        VM_NEXT;
    }
    VM_CASE(CALL2) {
        double t[2] = {A, B};
        D = nb_builtins[pc->fn].eval_d(t);
        VM_NEXT;
    }
    VM_CASE(END)
        if (out)
            for (size_t o = 0; o < p->nout; o++)
                out[o] = r[p->dbl.outreg[o]];
        return;
    }
#undef A
#undef B
#undef C
#undef D
#undef KB
}

/* --- the JIT hooks (jit.h) ----------------------------------------------------
 * p->jit is NULL until the program is compiled (or &nbi_jit_none when it
 * cannot be); jit_runs counts runs until nbi_jit_after. Racing threads may
 * lose counts or compile twice: the first code installed wins, the other
 * is freed, so the fields stay consistent without a lock. */

int nbi_jit_off;
unsigned nbi_jit_after = NB_JIT_AFTER;

static int jit_enabled(void)
{
    static _Atomic int env = -1;
    int e = atomic_load_explicit(&env, memory_order_relaxed);
    if (e < 0) {
        const char *s = getenv("NABLA_JIT");
        e = !(s && strcmp(s, "0") == 0);
        atomic_store_explicit(&env, e, memory_order_relaxed);
    }
    return e && !nbi_jit_off;
}

/* The interpreter as a run_point. */
static void vm_point(const NbProgram *p, const double *x, double *out,
                     double *r)
{
    vm(p, x, out, r);
}

const NbJit *nbi_jit_prepare(const NbProgram *cp)
{
    NbProgram *p = (NbProgram *)cp;     /* allocated mutable by nb_compile */
    NbJit *j = atomic_load_explicit(&p->jit, memory_order_acquire);
    if (!j) {
        NbJit *none = NULL;
        j = NB_HAVE_JIT && jit_enabled() ? nbi_jit_compile(p) : NULL;
        if (!j)
            j = &nbi_jit_none;
        if (!atomic_compare_exchange_strong_explicit(
                &p->jit, &none, j, memory_order_acq_rel, memory_order_acquire)) {
            nbi_jit_free(j);
            j = none;
        }
        atomic_store_explicit(&p->run_point, j->point ? j->point : vm_point,
                              memory_order_release);
    }
    return j->point ? j : NULL;
}

#if NB_HAVE_JIT
/* The program's code once it has run nbi_jit_after times, else NULL:
 * counts this run. */
static const NbJit *jit_count(const NbProgram *cp)
{
    NbProgram *p = (NbProgram *)cp;
    NbJit *j = atomic_load_explicit(&p->jit, memory_order_acquire);
    if (j)
        return j->point ? j : NULL;
    unsigned n = atomic_load_explicit(&p->jit_runs, memory_order_relaxed);
    atomic_store_explicit(&p->jit_runs, n + 1, memory_order_relaxed);
    return n + 1 >= nbi_jit_after ? nbi_jit_prepare(p) : NULL;
}

/* The program's JIT state without counting: NULL while undecided. */
static inline const NbJit *jit_state(const NbProgram *p)
{
    return atomic_load_explicit(&((NbProgram *)p)->jit, memory_order_acquire);
}

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* regs: called by nbi_run_double_regs (x and out NULL). */
static NOINLINE void run_slow(const NbProgram *p, const double *x,
                              double *out, double *r, int regs)
{
    const NbJit *j = jit_count(p);
    if (j) {
        if (!regs)
            j->point(p, x, out, r);
        else
            j->regs(r, r, r, p->kd);
        return;
    }
    vm(p, x, out, r);
}
#endif

/* The fast paths: once the JIT state is decided, a load, a test and a tail
 * call (to the code or to the interpreter); counting runs is out of line
 * (run_slow) so these save no registers. */
void nb_run_double(const NbProgram *p, const double *x, double *out,
                   double *r)
{
    NbRunPoint run = atomic_load_explicit(&((NbProgram *)p)->run_point,
                                          memory_order_acquire);
    if (run) {
        run(p, x, out, r);
        return;
    }
#if NB_HAVE_JIT
    run_slow(p, x, out, r, 0);
#else
    vm(p, x, out, r);
#endif
}

NbPointFn *nb_program_point_fn(const NbProgram *p)
{
    nbi_jit_prepare(p);
    NbRunPoint run = atomic_load_explicit(&((NbProgram *)p)->run_point,
                                          memory_order_acquire);
    return run ? run : nb_run_double; /* another thread still installing */
}

void nbi_run_double_regs(const NbProgram *p, double *r)
{
#if NB_HAVE_JIT
    const NbJit *j = jit_state(p);
    if (j) {
        if (j->regs)
            j->regs(r, r, r, p->kd);
        else
            vm(p, NULL, NULL, r);
        return;
    }
    run_slow(p, NULL, NULL, r, 1);
#else
    vm(p, NULL, NULL, r);
#endif
}

const uint32_t *nbi_program_outregs(const NbProgram *p)
{
    return p->dbl.outreg;
}

NbGdStepsFn nbi_gd_native(const NbProgram *p, const double **K)
{
    const NbJit *j = nbi_jit_prepare(p);
    *K = p->kd;
    return j ? j->gd : NULL;
}

void nbi_run_double_vm(const NbProgram *p, const double *x, double *out,
                       double *r)
{
    vm(p, x, out, r);
}
