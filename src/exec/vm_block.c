/* vm_block.c — the dbl stream over many points, one opcode over a block of
 * NB_BLOCK points at a time.
 *
 * Dispatch is paid once per block, and each arithmetic opcode is a fixed
 * length loop over restrict-qualified arrays (a destination never aliases
 * an operand: compile.c guarantees it), which the compiler vectorises. The
 * loops are the same C expressions as vm_double.c with no FMA contraction
 * and no -ffast-math, so every point gets exactly the bits the scalar VM
 * gives it.
 *
 * Two modes (nabla/compile.h): nb_run_block_exact calls libm for every
 * function, so the whole program equals nb_run_double bit for bit
 * (tests/oracle/oracle_vm.c checks, NaN and inf included); nb_run_block
 * computes exp, sin and cos (so EXP, EXPK, SIN, COS, SIGMOID) with the
 * vectorised kernels of block_math.c, within NB_VMATH_ULP of the exact
 * result, and everything else as the exact mode does.
 *
 * The last, partial block is copied into registers whose lanes past the
 * live points hold leftovers; arithmetic runs over the whole block (cheap,
 * and the loop count stays constant), library calls only over the live
 * points. Registers live on the stack for most programs, the whole block
 * loop of a program is one call into the clone for this CPU, and the last
 * instruction writes a single output straight into the caller's array.
 *
 * Between blocks nb_interrupted is polled: a huge grid stops at ^C within
 * a block, with NaN in the points not computed (the caller reports).
 */
#include "exec/compile_internal.h"
#include "util/alloc.h"

#include <math.h>
#include "nabla/eval.h"
#include <stdlib.h>
#include <string.h>
#include "mathfn/block_math.h"
#include "exec/jit.h"

typedef double *restrict Dst;
typedef const double *restrict Src;

/* The elementwise opcodes, each a fixed-length loop in a function of its
 * own: restrict on parameters is what lets the compiler vectorise without
 * run-time alias checks. */
#define ELEMENTWISE(X)                                                     \
    X(MOV, a[i])                                                           \
    X(ADD, a[i] + b[i])                                                    \
    X(SUB, a[i] - b[i])                                                    \
    X(MUL, a[i] * b[i])                                                    \
    X(DIV, a[i] / b[i])                                                    \
    X(ADDK, a[i] + kb)                                                     \
    X(SUBK, a[i] - kb)                                                     \
    X(MULK, a[i] * kb)                                                     \
    X(DIVK, a[i] / kb)                                                     \
    X(KSUB, kb - a[i])                                                     \
    X(KDIV, kb / a[i])                                                     \
    X(NEG, -a[i])                                                          \
    X(SQR, a[i] * a[i])                                                    \
    X(MULADD, a[i] * b[i] + c[i])                                          \
    X(MULSUB, c[i] - a[i] * b[i])                                          \
    X(MULKADD, a[i] * kb + c[i])                                           \
    X(SQRADD, a[i] * a[i] + c[i])                                          \
    X(SQRSUB, (a[i] - b[i]) * (a[i] - b[i]))                               \
    X(SQRADDK, (a[i] + kb) * (a[i] + kb))                                  \
    X(SQRKSUB, (kb - a[i]) * (kb - a[i]))                                  \
    X(SQRMULSUB, (c[i] - a[i] * b[i]) * (c[i] - a[i] * b[i]))              \
    X(KDIVADDK, kb / (a[i] + kc))                                          \
    X(DIVADDK, a[i] / (b[i] + kc))                                         \
    X(ABS, fabs(a[i]))                                                     \
    X(RELU, nb_relu_d(a[i]))                                               \
    X(SQRT, sqrt(a[i])) /* not vectorised: sqrt may set errno */           \
    X(RSQRT, 1.0 / sqrt(a[i] + 0.0))

#define DEFINE_LOOP(name, expr)                                            \
    static void loop_##name(Dst d, Src a, Src b, Src c, double kb,         \
                            double kc)                                     \
    {                                                                      \
        (void)b, (void)c, (void)kb, (void)kc;                              \
        for (size_t i = 0; i < NB_BLOCK; i++)                              \
            d[i] = (expr);                                                 \
    }
ELEMENTWISE(DEFINE_LOOP)

#undef DEFINE_LOOP

/* Loop over the live points only: library calls. */
#define LIVE(expr)                                                         \
    do {                                                                   \
        for (size_t i = 0; i < n; i++)                                     \
            d[i] = (expr);                                                 \
    } while (0)

/* POLY (compile_internal.h) over the block, eight lanes a vector and
 * several vectors at a time: each lane's Horner sum is a chain of
 * dependent multiplies and adds (the scalar VM's order, which bit identity
 * keeps), so only independent lanes in flight hide their latency. x and
 * the sum stay in registers across all the degrees: 8 vectors with
 * AVX-512's 32 registers, 2 elsewhere. Each lane computes exactly the
 * scalar VM's bits. */
#if defined(__GNUC__)
/* Eight doubles, split by GCC into what the target has (one AVX-512
 * register, two AVX2 ones, four SSE2 ones). */
typedef double V8 __attribute__((vector_size(64)));
/* Written out per vector: -O2 does not unroll a loop over them, and
 * arrays would live in memory. */
#define POLY_BODY(EACH, nv)                                                \
    const double top = c[deg];                                             \
    for (size_t j = 0; j < NB_BLOCK; j += 8 * (nv)) {                      \
        EACH(LOAD)                                                         \
        for (uint32_t k = deg; k-- > 0;) {                                 \
            const double ck = c[k];                                        \
            EACH(MUL)                                                      \
            if (ck != 0) {                                                 \
                EACH(ADD)                                                  \
            }                                                              \
        }                                                                  \
        EACH(STORE)                                                        \
    }
#define LOAD(l)                                                            \
        V8 x##l, s##l = {top, top, top, top, top, top, top, top};          \
        memcpy(&x##l, a + j + 8 * l, sizeof x##l);
#define MUL(l) s##l = s##l * x##l;
#define ADD(l) s##l = s##l + ck;
#define STORE(l) memcpy(d + j + 8 * l, &s##l, sizeof s##l);
#define EACH2(S) S(0) S(1)
#define EACH8(S) S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7)

#if defined(__x86_64__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target)
#define NB_POLY_WIDE 1
__attribute__((target("avx512f"), noinline)) static void
poly_wide(Dst d, Src a, const double *c, uint32_t deg)
{
    POLY_BODY(EACH8, 8)
}
#endif
#endif

#if defined(__x86_64__) && defined(__linux__) && !defined(__clang__) \
    && defined(__has_attribute)
#if __has_attribute(target_clones)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
__attribute__((noinline)) static void
poly_narrow(Dst d, Src a, const double *c, uint32_t deg)
{
    POLY_BODY(EACH2, 2)
}
#undef LOAD
#undef MUL
#undef ADD
#undef STORE

static void poly_block(Dst d, Src a, const double *c, uint32_t deg)
{
#ifdef NB_POLY_WIDE
    if (__builtin_cpu_supports("avx512f")) { /* a load and a test */
        poly_wide(d, a, c, deg);
        return;
    }
#endif
    poly_narrow(d, a, c, deg);
}
#else
static void poly_block(Dst d, Src a, const double *c, uint32_t deg)
{
    for (size_t i = 0; i < NB_BLOCK; i++)
        d[i] = c[deg];
    for (uint32_t k = deg; k-- > 0;) {
        const double ck = c[k];
        for (size_t i = 0; i < NB_BLOCK; i++)
            d[i] = d[i] * a[i];
        if (ck != 0)
            for (size_t i = 0; i < NB_BLOCK; i++)
                d[i] = d[i] + ck;
    }
}
#endif

static void call_block(Dst d, Src a, Src b, size_t n, int fn)
{
    double (*f)(const double *) = nb_builtins[fn].eval_d;
    for (size_t i = 0; i < n; i++) {
        double t[2] = {a[i], b ? b[i] : 0};
        d[i] = f(t);
    }
}

/* Fast mode: exp(a * kb) through a scratch block t. */
static void expk_fast(Dst d, Src a, double kb, double *restrict t, size_t n)
{
    for (size_t i = 0; i < NB_BLOCK; i++)
        t[i] = a[i] * kb;
    nb_block_exp(d, t, n);
}

/* Fast mode: nb_sigmoid_d with the vectorised exp of -|a|. */
static void sigmoid_fast(Dst d, Src a, double *restrict t, size_t n)
{
    for (size_t i = 0; i < NB_BLOCK; i++)
        t[i] = -fabs(a[i]);
    nb_block_exp(d, t, n);
    for (size_t i = 0; i < NB_BLOCK; i++)
        d[i] = (a[i] >= 0 ? 1.0 : d[i]) / (1.0 + d[i]);
}

/* With GCC on x86-64 Linux, steps() (with step() inlined) is compiled
 * three times, for AVX-512, AVX2 and the baseline, and the loader picks
 * one (an ifunc): eight or four doubles per vector instead of two. Without
 * FMA, every width rounds exactly as SSE2 does. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define NB_CLONES \
    __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef NB_CLONES
#define NB_CLONES
#endif

/* One instruction over one block; R[r] is register r's block, t a scratch
 * block; fast selects the vectorised exp, sin and cos. Inlined into
 * steps(), so each clone has its own. */
static inline __attribute__((always_inline)) void
step(const NbIns *in, double *const *R, const double *K, double *t, size_t n,
     int fast)
{
    double *d = R[in->d];
    const double *a = nbi_op_sigs[in->op][0] == 'r' ? R[in->a] : NULL;
    /* b and c are only read by the opcodes that have them. */
    const double *b = nbi_op_sigs[in->op][1] == 'r' ? R[in->b] : NULL;
    const double *c = nbi_op_sigs[in->op][2] == 'r' ? R[in->c] : NULL;
    const double kb = nbi_op_sigs[in->op][1] == 'k' ? K[in->b] : 0;
    const double kc = nbi_op_sigs[in->op][2] == 'k' ? K[in->c] : 0;
    switch (in->op) {
#define CASE_LOOP(name, expr)                                              \
    case NB_OP_##name: loop_##name(d, a, b, c, kb, kc); break;
    ELEMENTWISE(CASE_LOOP)
#undef CASE_LOOP
    case NB_OP_LOADK:
        for (size_t i = 0; i < NB_BLOCK; i++)
            d[i] = K[in->a];
        break;
    case NB_OP_POW: LIVE(pow(a[i], b[i])); break;
    case NB_OP_POWK: LIVE(pow(a[i], kb)); break;
    case NB_OP_KPOW: LIVE(pow(kb, a[i])); break;
    case NB_OP_POWI: LIVE(pow(a[i], (double)(int32_t)in->c)); break;
    case NB_OP_POLY: poly_block(d, a, K + in->b, in->c); break;
    case NB_OP_SIN:
        if (fast)
            nb_block_sin(d, a, n);
        else
            LIVE(sin(a[i]));
        break;
    case NB_OP_COS:
        if (fast)
            nb_block_cos(d, a, n);
        else
            LIVE(cos(a[i]));
        break;
    case NB_OP_EXP:
        if (fast)
            nb_block_exp(d, a, n);
        else
            LIVE(exp(a[i]));
        break;
    case NB_OP_EXPK:
        if (fast)
            expk_fast(d, a, kb, t, n);
        else
            LIVE(exp(a[i] * kb));
        break;
    case NB_OP_SIGMOID:
        if (fast)
            sigmoid_fast(d, a, t, n);
        else
            LIVE(nb_sigmoid_d(a[i]));
        break;
    case NB_OP_LOG: LIVE(log(a[i])); break;
    case NB_OP_TANH: LIVE(nb_tanh_d(a[i])); break;
    case NB_OP_ATAN: LIVE(atan(a[i])); break;
    case NB_OP_CALL1: call_block(d, a, NULL, n, in->fn); break;
    case NB_OP_CALL2: call_block(d, a, b, n, in->fn); break;
    default: break;
    }
}

/* Instructions [in, end) over one block: one call per block, so the
 * call and the clone's prologue are paid once, not per instruction. */
NB_CLONES static void steps(const NbIns *in, const NbIns *end,
                            double *const *R, const double *K, double *t,
                            size_t n, int fast)
{
    for (; in < end; in++)
        step(in, R, K, t, n, fast);
}

/* Does the block of NB_BLOCK doubles at d overlap a variable's block at
 * off? (Compared as addresses: the arrays are the caller's, unrelated.) */
static int overlaps(const double *d, const double *const *x, size_t nvars,
                    size_t off)
{
    uintptr_t d0 = (uintptr_t)d, d1 = (uintptr_t)(d + NB_BLOCK);
    for (size_t v = 0; v < nvars; v++) {
        uintptr_t x0 = (uintptr_t)(x[v] + off), x1 = (uintptr_t)(x[v] + off + NB_BLOCK);
        if (d0 < x1 && x0 < d1)
            return 1;
    }
    return 0;
}

/* A whole block through the JIT's block entry (jit.h): the output of a
 * single-output program straight into the caller's array when it may be. */
static void block_native(const NbProgram *p, const NbJit *j, double **R,
                         double *scratch, double *const *out, size_t off,
                         const double *const *x)
{
    uint32_t r0 = p->dbl.outreg[0];
    double *keep = R[r0];
    int direct = p->nout == 1 && r0 >= p->nvars
                 && !overlaps(out[0] + off, x, p->nvars, off);
    if (direct)
        R[r0] = out[0] + off;
    j->block(R, NB_BLOCK, scratch, j->k4);
    R[r0] = keep;
    if (direct)
        return;
    for (size_t o = 0; o < p->nout; o++)
        memcpy(out[o] + off, R[p->dbl.outreg[o]], NB_BLOCK * sizeof(double));
}

/* The program's block entry, compiled on its first whole block; NULL
 * when it has none (jit.h). */
static const NbJit *native_block(const NbProgram *p, size_t npts)
{
#if NB_HAVE_JIT
    if (npts >= NB_BLOCK) {
        const NbJit *j = nbi_jit_prepare(p);
        return j && j->block ? j : NULL;
    }
#endif
    (void)p, (void)npts;
    return NULL;
}

/* Programs with up to this many registers (most) run on the stack: no
 * allocation per call. */
#define NB_STACK_REGS 12

/* The driver of both modes: registers are nregs blocks plus one scratch
 * block, 64-byte aligned; variables are read in place for whole blocks. */
static void run(const NbProgram *p, size_t npts, const double *const *x,
                double *const *out, int fast)
{
    const NbCode *code = &p->dbl;
    size_t nregs = code->nregs;
    _Alignas(64) double stack_mem[(NB_STACK_REGS + 1) * NB_BLOCK];
    double *stack_R[NB_STACK_REGS];
    int heap = nregs > NB_STACK_REGS;
    double *mem = heap ? nb_xaligned_alloc(64, (nregs + 1) * NB_BLOCK
                                                   * sizeof(double))
                       : stack_mem;
    double **R = heap ? nb_xmalloc(nregs * sizeof *R) : stack_R;
    /* With a partial block, the lanes past its live points are read but
     * not all written (library calls skip them): zeroed once, they hold
     * harmless values, never uninitialised memory. */
    if (npts % NB_BLOCK)
        memset(mem, 0, (nregs + 1) * NB_BLOCK * sizeof(double));
    for (size_t r = 0; r < nregs; r++)
        R[r] = mem + r * NB_BLOCK;
    double *scratch = mem + nregs * NB_BLOCK;
    const NbIns *last = code->ins + code->nins - 1; /* END */
    if (last > code->ins)
        last--;
    const NbJit *native = native_block(p, npts);
    for (size_t off = 0; off < npts; off += NB_BLOCK) {
        size_t n = npts - off < NB_BLOCK ? npts - off : NB_BLOCK;
        if (nb_interrupted) { /* ^C: the rest is NaN, the caller reports */
            for (size_t o = 0; o < p->nout; o++)
                for (size_t i = off; i < npts; i++)
                    out[o][i] = NAN;
            break;
        }
        for (size_t v = 0; v < p->nvars; v++) {
            if (n == NB_BLOCK) {
                R[v] = (double *)(x[v] + off); /* read only: never a dst */
            } else {
                R[v] = mem + v * NB_BLOCK;
                memcpy(R[v], x[v] + off, n * sizeof(double));
            }
        }
        if (native && n == NB_BLOCK) {
            block_native(p, native, R, scratch, out, off, x);
            continue;
        }
        const NbIns *in = last;
        steps(code->ins, last, R, p->kd, scratch, n, fast);
        if (in->op != NB_OP_END) {
            /* The last instruction writes a single output straight into
             * the caller's array when it may (one copy less per block). */
            double *keep = R[in->d];
            int direct = n == NB_BLOCK && p->nout == 1
                         && code->outreg[0] == in->d
                         && !overlaps(out[0] + off, x, p->nvars, off);
            if (direct)
                R[in->d] = out[0] + off;
            steps(in, in + 1, R, p->kd, scratch, n, fast);
            R[in->d] = keep;
            if (direct)
                continue;
        }
        for (size_t o = 0; o < p->nout; o++)
            memcpy(out[o] + off, R[code->outreg[o]], n * sizeof(double));
    }
    if (heap) {
        free(R);
        free(mem);
    }
}

void nb_run_block(const NbProgram *p, size_t npts, const double *const *x,
                  double *const *out)
{
    run(p, npts, x, out, 1);
}

void nb_run_block_exact(const NbProgram *p, size_t npts,
                        const double *const *x, double *const *out)
{
    run(p, npts, x, out, 0);
}
