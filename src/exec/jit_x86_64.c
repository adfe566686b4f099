/* jit_x86_64.c — the dbl stream as x86-64 SysV machine code (jit.h).
 *
 * One pass over the instructions, no IR. VM register i < NMAP lives in
 * xmm(2 + i), the rest in the scratch array r[] (memory operands); xmm0,
 * xmm1 carry call arguments and intermediates, xmm15 is the destination
 * of an instruction whose VM register is in memory. Constants are memory
 * operands off the pool base K. Each opcode is its C expression from
 * compile_internal.h as SSE2 scalar operations in the same order (no FMA),
 * so the bits equal vm_double.c's; everything else (libm, sigmoid, relu,
 * the built-ins) is a call to the very function the VM calls, with the
 * mapped registers live across it stored in the frame (all xmm registers
 * are caller-saved in SysV).
 *
 * Frame: a program without calls is a leaf using the argument registers
 * (in rdi, out rsi, r rdx, K rcx) and no stack. With calls, r, K and out
 * move to rbx, r12, r14 (callee-saved), and 112 bytes below them hold the
 * spill slots (8 * NMAP) and the two-double argument array of CALL1/CALL2;
 * three pushes plus 112 keep rsp 16-byte aligned at each call.
 *
 * The gd entry wraps the regs body in the gradient steps of regs.h
 * (NbGdRun): the step, the detectors and the quiet test around it, so the
 * chain x -> grad -> x stays in xmm registers from step to step. What a
 * step is, the stop codes and thresholds are the caller's (descent), given
 * in NbGdRun; descent/gd_step.h is its C definition, which
 * test_descent_vm.c holds this code to bit for bit.
 *
 * The code is assembled into a heap buffer, then copied into an anonymous
 * mapping made read+execute: never writable and executable at once.
 * Constants the code needs (sign and magnitude masks, 0, 1, -0) sit at the
 * start of the mapping and are addressed RIP-relative.
 */
#include "exec/jit.h"
#include "mathfn/block_math.h" /* NB_BLOCK */
#include "util/alloc.h"

NbJit nbi_jit_none;

#if NB_HAVE_JIT

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NMAP 12                 /* VM registers kept in xmm2..xmm13 */
#define XT 15                   /* destination when the VM register is in memory */
#define SLOT_T (8 * NMAP)       /* CALL1/CALL2 argument array in the frame */
#define FRAME (SLOT_T + 16)     /* 112: 3 pushes + FRAME keep the alignment */
#define MAX_INS (1u << 20)      /* beyond: interpret (code size) */
#define MAX_DISP (1u << 27)     /* r[] and K[] offsets fit a disp32 */

/* Constants at the start of the mapping (16-byte aligned for andpd/xorpd). */
enum { C_SIGN = 0, C_ABS = 16, C_ZERO = 32, C_ONE = 40, C_NZERO = 48,
       CODE_START = 64 };

enum { RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RSI = 6, RDI = 7,
       R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14 };

/* SSE2 opcodes after 0F (prefix F2: scalar double; 66: packed) */
enum { MOVSD_LD = 0x10, MOVSD_ST = 0x11, MOVAPD = 0x28, SQRTSD = 0x51,
       ANDPD = 0x54, XORPD = 0x57, ADDSD = 0x58, MULSD = 0x59,
       SUBSD = 0x5C, DIVSD = 0x5E };

/* An operand: an xmm register, base + disp, or a RIP-relative constant. */
typedef struct Opd {
    enum { O_XMM, O_MEM, O_RIP } kind;
    int reg;            /* xmm number or base GPR */
    int32_t disp;       /* O_MEM offset; O_RIP: offset in the mapping */
} Opd;

typedef struct Asm {
    uint8_t *b;
    size_t n, cap;
    int calls;          /* the program calls out: frame and callee-saved bases */
    int rr, rk, rin, rout;      /* base GPRs of r, K, in, out */
    const NbProgram *p;
    const uint32_t *live;       /* mapped registers live after each instruction */
} Asm;

static void put(Asm *A, uint8_t v)
{
    if (A->n == A->cap) {
        A->cap = A->cap ? 2 * A->cap : 4096;
        A->b = nb_xrealloc(A->b, A->cap);
    }
    A->b[A->n++] = v;
}

static void put32(Asm *A, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put(A, (uint8_t)(v >> (8 * i)));
}

static Opd xmm(int r) { return (Opd){O_XMM, r, 0}; }
static Opd mem(int base, uint32_t disp) { return (Opd){O_MEM, base, (int32_t)disp}; }
static Opd rip(int off) { return (Opd){O_RIP, 0, off}; }

/* ModRM (+ SIB, displacement) for register field reg and operand m. */
static void modrm(Asm *A, int reg, Opd m)
{
    if (m.kind == O_XMM) {
        put(A, (uint8_t)(0xC0 | (reg & 7) << 3 | (m.reg & 7)));
    } else if (m.kind == O_RIP) {
        put(A, (uint8_t)((reg & 7) << 3 | 5));
        /* the displacement is the last field of every instruction here */
        put32(A, (uint32_t)(m.disp - (int32_t)(A->n + 4)));
    } else {
        int small = m.disp >= -128 && m.disp < 128;
        put(A, (uint8_t)((small ? 0x40 : 0x80) | (reg & 7) << 3 | (m.reg & 7)));
        if ((m.reg & 7) == RSP)
            put(A, 0x24);
        if (small)
            put(A, (uint8_t)m.disp);
        else
            put32(A, (uint32_t)m.disp);
    }
}

/* prefix [REX] 0F op reg, m */
static void sse(Asm *A, uint8_t prefix, uint8_t op, int reg, Opd m)
{
    put(A, prefix);
    int rex = (reg >> 3) << 2 | (m.kind != O_RIP ? (m.reg >> 3) : 0);
    if (rex)
        put(A, (uint8_t)(0x40 | rex));
    put(A, 0x0F);
    put(A, op);
    modrm(A, reg, m);
}

static void sd(Asm *A, uint8_t op, int x, Opd m) { sse(A, 0xF2, op, x, m); }

/* xmm x = operand m */
static void ld(Asm *A, int x, Opd m)
{
    if (m.kind == O_XMM) {
        if (m.reg != x)
            sse(A, 0x66, MOVAPD, x, m);
    } else {
        sd(A, MOVSD_LD, x, m);
    }
}

static void st(Asm *A, Opd m, int x) { sd(A, MOVSD_ST, x, m); }

/* mov dst, src (64-bit GPRs) */
static void mov_rr(Asm *A, int dst, int src)
{
    put(A, (uint8_t)(0x48 | (src >> 3) << 2 | (dst >> 3)));
    put(A, 0x89);
    put(A, (uint8_t)(0xC0 | (src & 7) << 3 | (dst & 7)));
}

static void push(Asm *A, int r)
{
    if (r >= 8)
        put(A, 0x41);
    put(A, (uint8_t)(0x50 | (r & 7)));
}

static void pop(Asm *A, int r)
{
    if (r >= 8)
        put(A, 0x41);
    put(A, (uint8_t)(0x58 | (r & 7)));
}

static int mapped(uint32_t reg) { return reg < NMAP; }

/* VM register i as an operand */
static Opd R(Asm *A, uint32_t i)
{
    return mapped(i) ? xmm(2 + (int)i) : mem(A->rr, 8 * i);
}

static Opd KOP(Asm *A, uint32_t k) { return mem(A->rk, 8 * k); }

/* Call fn with the arguments in xmm0 (xmm1, or rdi set by the caller),
 * the mapped registers live after instruction i (but d) saved around it.
 * The result is in xmm0. */
static void call(Asm *A, const void *fn, size_t i, uint32_t d)
{
    uint32_t save = A->live[i] & ~(mapped(d) ? 1u << d : 0);
    for (int m = 0; m < NMAP; m++)
        if (save >> m & 1)
            st(A, mem(RSP, 8 * (uint32_t)m), 2 + m);
    uint64_t a = (uint64_t)(uintptr_t)fn;
    put(A, 0x48);               /* mov rax, imm64 */
    put(A, 0xB8);
    put32(A, (uint32_t)a);
    put32(A, (uint32_t)(a >> 32));
    put(A, 0xFF);               /* call rax */
    put(A, 0xD0);
    for (int m = 0; m < NMAP; m++)
        if (save >> m & 1)
            ld(A, 2 + m, mem(RSP, 8 * (uint32_t)m));
}

/* Real functions for the inline opcodes the VM computes in C. */
static double f_sigmoid(double x) { return nb_sigmoid_d(x); }
static double f_relu(double x) { return nb_relu_d(x); }
static double f_tanh(double x) { return nb_tanh_d(x); }

/* The function an opcode calls with xmm0 (and xmm1), or NULL. */
static const void *callee(int op)
{
    switch (op) {
    case NB_OP_EXPK: case NB_OP_EXP: return (const void *)exp;
    case NB_OP_POW: case NB_OP_POWK: case NB_OP_KPOW: return (const void *)pow;
    case NB_OP_SIN: return (const void *)sin;
    case NB_OP_COS: return (const void *)cos;
    case NB_OP_LOG: return (const void *)log;
    case NB_OP_TANH: return (const void *)f_tanh;
    case NB_OP_ATAN: return (const void *)atan;
    case NB_OP_SIGMOID: return (const void *)f_sigmoid;
    case NB_OP_RELU: return (const void *)f_relu;
    default: return NULL;
    }
}

/* POLY: the Horner loop of vm_double.c unrolled, the adds of zero
 * coefficients (fixed at compile time: K is p->kd) left out. x in xmm1
 * (t may be a's register), the sum in t. */
static void emit_poly(Asm *A, const NbIns *in, int t)
{
    const double *c = A->p->kd + in->b;
    ld(A, 1, R(A, in->a));
    ld(A, t, KOP(A, in->b + in->c));
    for (uint32_t i = in->c; i-- > 0;) {
        sd(A, MULSD, t, xmm(1));
        if (c[i] != 0)
            sd(A, ADDSD, t, KOP(A, in->b + i));
    }
}

/* One instruction; i its index. Returns 0 for an opcode not translated. */
static int emit_ins(Asm *A, const NbIns *in, size_t i)
{
    int t = mapped(in->d) ? 2 + (int)in->d : XT;
    Opd a = R(A, in->a), b = R(A, in->b), c = R(A, in->c);
    Opd kb = KOP(A, in->b), kc = KOP(A, in->c);
    switch (in->op) {
    case NB_OP_MOV: ld(A, t, a); break;
    case NB_OP_LOADK: ld(A, t, KOP(A, in->a)); break;
    case NB_OP_ADD: ld(A, t, a); sd(A, ADDSD, t, b); break;
    case NB_OP_SUB: ld(A, t, a); sd(A, SUBSD, t, b); break;
    case NB_OP_MUL: ld(A, t, a); sd(A, MULSD, t, b); break;
    case NB_OP_DIV: ld(A, t, a); sd(A, DIVSD, t, b); break;
    case NB_OP_ADDK: ld(A, t, a); sd(A, ADDSD, t, kb); break;
    case NB_OP_SUBK: ld(A, t, a); sd(A, SUBSD, t, kb); break;
    case NB_OP_MULK: ld(A, t, a); sd(A, MULSD, t, kb); break;
    case NB_OP_DIVK: ld(A, t, a); sd(A, DIVSD, t, kb); break;
    case NB_OP_KSUB: ld(A, t, kb); sd(A, SUBSD, t, a); break;
    case NB_OP_KDIV: ld(A, t, kb); sd(A, DIVSD, t, a); break;
    case NB_OP_NEG: ld(A, t, a); sse(A, 0x66, XORPD, t, rip(C_SIGN)); break;
    case NB_OP_ABS: ld(A, t, a); sse(A, 0x66, ANDPD, t, rip(C_ABS)); break;
    case NB_OP_SQR: ld(A, t, a); sd(A, MULSD, t, a); break;
    case NB_OP_SQRT: sd(A, SQRTSD, t, a); break;
    case NB_OP_RSQRT:
        ld(A, 0, a);
        sd(A, ADDSD, 0, rip(C_ZERO));
        sd(A, SQRTSD, 0, xmm(0));
        ld(A, t, rip(C_ONE));
        sd(A, DIVSD, t, xmm(0));
        break;
    case NB_OP_MULADD: ld(A, t, a); sd(A, MULSD, t, b); sd(A, ADDSD, t, c); break;
    case NB_OP_MULSUB:
        ld(A, 0, a);
        sd(A, MULSD, 0, b);
        ld(A, t, c);
        sd(A, SUBSD, t, xmm(0));
        break;
    case NB_OP_MULKADD: ld(A, t, a); sd(A, MULSD, t, kb); sd(A, ADDSD, t, c); break;
    case NB_OP_SQRADD: ld(A, t, a); sd(A, MULSD, t, a); sd(A, ADDSD, t, c); break;
    case NB_OP_SQRSUB: ld(A, t, a); sd(A, SUBSD, t, b); sd(A, MULSD, t, xmm(t)); break;
    case NB_OP_SQRADDK: ld(A, t, a); sd(A, ADDSD, t, kb); sd(A, MULSD, t, xmm(t)); break;
    case NB_OP_SQRKSUB: ld(A, t, kb); sd(A, SUBSD, t, a); sd(A, MULSD, t, xmm(t)); break;
    case NB_OP_SQRMULSUB:
        ld(A, 0, a);
        sd(A, MULSD, 0, b);
        ld(A, t, c);
        sd(A, SUBSD, t, xmm(0));
        sd(A, MULSD, t, xmm(t));
        break;
    case NB_OP_KDIVADDK:
        ld(A, 0, a);
        sd(A, ADDSD, 0, kc);
        ld(A, t, kb);
        sd(A, DIVSD, t, xmm(0));
        break;
    case NB_OP_DIVADDK:
        ld(A, 0, b);
        sd(A, ADDSD, 0, kc);
        ld(A, t, a);
        sd(A, DIVSD, t, xmm(0));
        break;
    case NB_OP_POLY: emit_poly(A, in, t); break;
    case NB_OP_EXPK: case NB_OP_POW: case NB_OP_POWK: case NB_OP_KPOW:
    case NB_OP_SIN: case NB_OP_COS: case NB_OP_EXP: case NB_OP_LOG:
    case NB_OP_TANH: case NB_OP_SIGMOID: case NB_OP_ATAN: case NB_OP_RELU:
        ld(A, 0, in->op == NB_OP_KPOW ? kb : a);
        if (in->op == NB_OP_EXPK && A->p->kd[in->b] == -1.0)
            sse(A, 0x66, XORPD, 0, rip(C_SIGN));  /* exp(-x): x*-1 is -x */
        else if (in->op == NB_OP_EXPK)
            sd(A, MULSD, 0, kb);
        else if (in->op == NB_OP_POW)
            ld(A, 1, b);
        else if (in->op == NB_OP_POWK)
            ld(A, 1, kb);
        else if (in->op == NB_OP_KPOW)
            ld(A, 1, a);
        call(A, callee(in->op), i, in->d);
        ld(A, t, xmm(0));
        break;
    case NB_OP_CALL1: case NB_OP_CALL2:
        /* t[2] = {A, B or 0} in the frame, rdi = t */
        if (in->op == NB_OP_CALL1)
            sse(A, 0x66, XORPD, 0, xmm(0));
        else
            ld(A, 0, b);
        st(A, mem(RSP, SLOT_T + 8), 0);
        ld(A, 0, a);
        st(A, mem(RSP, SLOT_T), 0);
        put(A, 0x48);           /* lea rdi, [rsp + SLOT_T] */
        put(A, 0x8D);
        put(A, 0x7C);
        put(A, 0x24);
        put(A, SLOT_T);
        call(A, (const void *)nb_builtins[in->fn].eval_d, i, in->d);
        ld(A, t, xmm(0));
        break;
    default:
        return 0;
    }
    if (t == XT)
        st(A, R(A, in->d), XT);
    return 1;
}

/* Can every instruction be translated with its operands in range? Also
 * notes whether the program calls out. */
static int supported(const NbProgram *p, int *calls)
{
    const NbCode *code = &p->dbl;
    if (code->nins > MAX_INS || code->nregs > MAX_DISP / 8
        || p->nkonst > MAX_DISP / 8 || code->nregs < p->nvars)
        return 0;
    *calls = 0;
    for (size_t i = 0; i + 1 < code->nins; i++) {
        const NbIns *in = &code->ins[i];
        if (in->op >= NB_OP_END)
            return 0;
        const char *sig = nbi_op_sigs[in->op];
        const uint32_t f[3] = {in->a, in->b, in->c};
        if (in->d >= code->nregs || in->d < p->nvars)
            return 0;
        for (int j = 0; j < 3; j++) {
            if (sig[j] == 'r' && (f[j] >= code->nregs || f[j] == in->d))
                return 0;
            if (sig[j] == 'k' && f[j] >= p->nkonst)
                return 0;
        }
        if (in->op == NB_OP_POLY && (in->c == 0 || in->b + (uint64_t)in->c >= p->nkonst))
            return 0;
        if ((in->op == NB_OP_CALL1 || in->op == NB_OP_CALL2)
            && (in->fn >= NB_FN__COUNT || !nb_builtins[in->fn].eval_d))
            return 0;
        if (in->op == NB_OP_POWI)
            return 0;
        *calls |= callee(in->op) || in->op == NB_OP_CALL1 || in->op == NB_OP_CALL2;
    }
    for (size_t o = 0; o < p->nout; o++)
        if (code->outreg[o] >= code->nregs)
            return 0;
    return 1;
}

/* live[i]: the mapped registers read after instruction i (outputs at END
 * and the registers in also included), a backward pass. */
static uint32_t *liveness(const NbProgram *p, uint32_t also)
{
    const NbCode *code = &p->dbl;
    uint32_t *live = nb_xmalloc((code->nins ? code->nins : 1) * sizeof *live);
    uint32_t l = also;
    for (size_t o = 0; o < p->nout; o++)
        if (mapped(code->outreg[o]))
            l |= 1u << code->outreg[o];
    for (size_t i = code->nins - 1; i-- > 0;) {
        const NbIns *in = &code->ins[i];
        const char *sig = nbi_op_sigs[in->op];
        const uint32_t f[3] = {in->a, in->b, in->c};
        live[i] = l;
        if (mapped(in->d))
            l &= ~(1u << in->d);
        for (int j = 0; j < 3; j++)
            if (sig[j] == 'r' && mapped(f[j]))
                l |= 1u << f[j];
    }
    return live;
}

/* REX.W op reg, [base + disp] (reg a GPR) */
static void gpr_mem(Asm *A, uint8_t op, int reg, Opd m)
{
    put(A, (uint8_t)(0x48 | (reg >> 3) << 2 | (m.reg >> 3)));
    put(A, op);
    modrm(A, reg, m);
}

enum { MOV_LD = 0x8B, MOV_ST = 0x89, ADD_ST = 0x01, CMP_LD = 0x3B };
/* The prologue, given the registers r, K and out arrive in. Framed (a
 * program with calls, and always for gd), they move to rbx, r12 and r14
 * and the frame holds the spill slots; gd also saves r13 (its step
 * counter), which takes 8 more bytes of frame to keep rsp 16-byte aligned
 * at calls. */
enum { FRAME_GD = FRAME + 8 };

static void prologue(Asm *A, int framed, int gd, int r, int k, int out)
{
    if (framed) {
        push(A, RBX);
        push(A, R12);
        if (gd)
            push(A, R13);
        push(A, R14);
        mov_rr(A, RBX, r);
        mov_rr(A, R12, k);
        mov_rr(A, R14, out);
        put(A, 0x48);           /* sub rsp, frame */
        put(A, 0x83);
        put(A, 0xEC);
        put(A, gd ? FRAME_GD : FRAME);
        A->rr = RBX, A->rk = R12, A->rout = R14;
    } else {
        A->rr = r, A->rk = k, A->rout = out;
    }
}

static void epilogue(Asm *A, int framed, int gd)
{
    if (framed) {
        put(A, 0x48);           /* add rsp, frame */
        put(A, 0x83);
        put(A, 0xC4);
        put(A, gd ? FRAME_GD : FRAME);
        pop(A, R14);
        if (gd)
            pop(A, R13);
        pop(A, R12);
        pop(A, RBX);
    }
    put(A, 0xC3);
    while (A->n % 16)
        put(A, 0xCC);
}

static int emit_body(Asm *A)
{
    const NbCode *code = &A->p->dbl;
    for (size_t i = 0; i + 1 < code->nins; i++)
        if (!emit_ins(A, &code->ins[i], i))
            return 0;
    return 1;
}

/* One entry point: regs_mode selects the calling convention (jit.h). */
static int emit_fn(Asm *A, int regs_mode)
{
    const NbProgram *p = A->p;
    const NbCode *code = &p->dbl;
    if (regs_mode) {            /* (x, out, r, K) */
        A->rin = RDI;
        prologue(A, A->calls, 0, RDX, RCX, RSI);
    } else {                    /* (p, x, out, r), K = p->kd */
        gpr_mem(A, MOV_LD, RAX, mem(RDI, (uint32_t)offsetof(NbProgram, kd)));
        A->rin = RSI;
        prologue(A, A->calls, 0, RCX, RAX, RDX);
    }
    for (uint32_t v = 0; v < p->nvars; v++) {
        if (mapped(v)) {
            ld(A, 2 + (int)v, mem(A->rin, 8 * v));
        } else if (!regs_mode) {
            ld(A, 0, mem(A->rin, 8 * v));
            st(A, mem(A->rr, 8 * v), 0);
        }
    }
    if (!emit_body(A))
        return 0;
    for (size_t o = 0; o < p->nout; o++) {
        uint32_t reg = code->outreg[o];
        Opd dst = mem(A->rout, 8 * (regs_mode ? reg : (uint32_t)o));
        if (mapped(reg)) {
            st(A, dst, 2 + (int)reg);
        } else if (!regs_mode) {
            ld(A, 0, R(A, reg));
            st(A, dst, 0);
        }
    }
    epilogue(A, A->calls, 0);
    return 1;
}

/* VM register reg = xmm x */
static void set_reg(Asm *A, uint32_t reg, int x)
{
    if (mapped(reg))
        ld(A, 2 + (int)reg, xmm(x));
    else
        st(A, R(A, reg), x);
}

/* xmm holding VM register reg (loaded into x when it is in memory) */
static int in_xmm(Asm *A, uint32_t reg, int x)
{
    if (mapped(reg))
        return 2 + (int)reg;
    ld(A, x, R(A, reg));
    return x;
}

static void ucomisd(Asm *A, int x, Opd m) { sse(A, 0x66, 0x2E, x, m); }

/* condition codes of jcc */
enum { CC_B = 0x2, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7, CC_P = 0xA,
       CC_L = 0xC, CC_GE = 0xD, CC_LE = 0xE };

/* jcc rel32 forward: returns where the displacement goes, for land() */
static size_t jcc(Asm *A, int cc)
{
    put(A, 0x0F);
    put(A, (uint8_t)(0x80 | cc));
    put32(A, 0);
    return A->n - 4;
}

static size_t jmp(Asm *A)
{
    put(A, 0xE9);
    put32(A, 0);
    return A->n - 4;
}

/* the jump at `at` goes to here */
static void land(Asm *A, size_t at)
{
    uint32_t rel = (uint32_t)((int64_t)A->n - (int64_t)(at + 4));
    for (int i = 0; i < 4; i++)
        A->b[at + i] = (uint8_t)(rel >> (8 * i));
}

/* cmp qword [m], imm8 */
static void cmp_imm8(Asm *A, Opd m, int8_t v)
{
    put(A, (uint8_t)(0x48 | (m.reg >> 3)));
    put(A, 0x83);
    modrm(A, 7, m);
    put(A, (uint8_t)v);
}

/* add qword [m], imm */
static void add_imm(Asm *A, Opd m, int32_t v)
{
    int small = v >= -128 && v < 128;
    put(A, (uint8_t)(0x48 | (m.reg >> 3)));
    put(A, small ? 0x83 : 0x81);
    modrm(A, 0, m);
    if (small)
        put(A, (uint8_t)v);
    else
        put32(A, (uint32_t)v);
}

#define GD_MAX_VARS 64   /* beyond, no gd entry (the caller loops in C) */
#define GD(field) mem(R14, (uint32_t)offsetof(NbGdRun, field))
#define GDX(i) mem(R14, (uint32_t)(offsetof(NbGdRun, x) + 8 * (i)))

/* x_i -= rate*g_i, the old x_i kept in the struct's scratch x[n + i]
 * (the previous point x[i] stays for the detectors). The whole new point
 * is computed before any variable register changes: a gradient output
 * may be a variable's register (d(x*y)/dx is y). Up to two coordinates
 * wait in xmm1 and xmm14; more wait in x[2n + i]. */
static void gd_step(Asm *A, uint32_t n, const uint32_t *out)
{
    static const int wait[2] = {1, 14};
    for (uint32_t i = 0; i < n; i++) {
        int t = n <= 2 ? wait[i] : 1;
        ld(A, XT, R(A, out[1 + i]));
        sd(A, MULSD, XT, GD(rate));
        ld(A, t, R(A, i));
        st(A, GDX(n + i), t);
        sd(A, SUBSD, t, xmm(XT));
        if (n > 2)
            st(A, GDX(2 * n + i), t);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (n > 2)
            ld(A, 1, GDX(2 * n + i));
        set_reg(A, i, n <= 2 ? wait[i] : 1);
    }
}

/* pending, revbits and reversals from x(k-1) = x[i], x(k) = x[n + i] and
 * x(k+1) in the variable registers (regs.h); then
 * x[i] = x(k). At k = 0 the caller has x(-1) = x(0), which makes its
 * "k >= 1" tests hold by themselves (no reversal; a repeat of x(-1) is a
 * repeat of x(0), and that is tested first). */
static void gd_detectors(Asm *A, uint32_t n)
{
    size_t not_cur[2 * GD_MAX_VARS], not_prev[2 * GD_MAX_VARS];
    size_t nc = 0, np = 0;
    for (uint32_t i = 0; i < n; i++) {
        ucomisd(A, in_xmm(A, i, 0), GDX(n + i));
        not_cur[nc++] = jcc(A, CC_NE);
        not_cur[nc++] = jcc(A, CC_P);
    }
    gpr_mem(A, MOV_LD, RAX, GD(stuck));
    gpr_mem(A, MOV_ST, RAX, GD(pending));
    size_t done = jmp(A);
    for (size_t j = 0; j < nc; j++)
        land(A, not_cur[j]);
    for (uint32_t i = 0; i < n; i++) {
        ucomisd(A, in_xmm(A, i, 0), GDX(i));
        not_prev[np++] = jcc(A, CC_NE);
        not_prev[np++] = jcc(A, CC_P);
    }
    gpr_mem(A, MOV_LD, RAX, GD(cycle));
    gpr_mem(A, MOV_ST, RAX, GD(pending));
    for (size_t j = 0; j < np; j++)
        land(A, not_prev[j]);
    land(A, done);
    /* acc = sum (x(k) - x(k-1)) * (x(k+1) - x(k)) in xmm15 */
    for (uint32_t i = 0; i < n; i++) {
        ld(A, 0, GDX(n + i));
        sd(A, SUBSD, 0, GDX(i));
        ld(A, 1, R(A, i));
        sd(A, SUBSD, 1, GDX(n + i));
        sd(A, MULSD, 0, xmm(1));
        if (i == 0)
            ld(A, XT, xmm(0));
        else
            sd(A, ADDSD, XT, xmm(0));
    }
    put(A, 0x31);               /* xor ecx, ecx */
    put(A, 0xC9);
    sse(A, 0x66, XORPD, 0, xmm(0));
    ucomisd(A, 0, xmm(XT));     /* 0 > acc: a reversal */
    put(A, 0x0F);               /* seta cl */
    put(A, 0x97);
    put(A, 0xC1);
    gpr_mem(A, MOV_LD, RDX, GD(revbits));
    put(A, 0x48);               /* add rdx, rdx */
    put(A, 0x01);
    put(A, 0xD2);
    put(A, 0x48);               /* or rdx, rcx */
    put(A, 0x09);
    put(A, 0xCA);
    gpr_mem(A, MOV_ST, RDX, GD(revbits));
    gpr_mem(A, ADD_ST, RCX, GD(reversals));
    for (uint32_t i = 0; i < n; i++) {
        ld(A, 0, GDX(n + i));
        st(A, GDX(i), 0);
    }
}

/* field = xmm a > xmm b ? field + 1 : 0 (0 when either is NaN): up with
 * a = f(k+1), b = f(k); down the other way round. */
static void gd_run_count(Asm *A, Opd field, int a, int b)
{
    gpr_mem(A, MOV_LD, RAX, field);
    put(A, 0x48);               /* inc rax */
    put(A, 0xFF);
    put(A, 0xC0);
    put(A, 0x31);               /* xor ecx, ecx */
    put(A, 0xC9);
    ucomisd(A, a, xmm(b));
    put(A, 0x48);               /* cmovbe rax, rcx: not a > b, so 0 */
    put(A, 0x0F);
    put(A, 0x46);
    put(A, 0xC1);
    gpr_mem(A, MOV_ST, RAX, field);
}

/* The jump to the exit when count >= NBI_GD_RUN and a > b (a run of
 * rises or falls past its limit). */
static size_t run_exit(Asm *A, Opd count, Opd a, Opd b)
{
    cmp_imm8(A, count, NBI_GD_RUN);
    size_t short_run = jcc(A, CC_L);
    ld(A, 0, a);
    ucomisd(A, 0, b);
    size_t out = jcc(A, CC_A);
    land(A, short_run);
    return out;
}

/* The cursor field m: rax = its value, then m += step. */
static void cursor(Asm *A, Opd m, int32_t step)
{
    gpr_mem(A, MOV_LD, RAX, m);
    add_imm(A, m, step);
}

/* At a quiet step k == tnext (r13, ss in xmm15): the trace point, as the
 * plain append regs.h describes, or the jump to the exit returned when
 * there is no room left. */
static size_t gd_trace(Asm *A, uint32_t n)
{
    gpr_mem(A, CMP_LD, R13, GD(tnext));
    size_t not_due = jcc(A, CC_NE);
    cmp_imm8(A, GD(tleft), 0);
    size_t full = jcc(A, CC_LE);
    cursor(A, GD(tstep), 8);
    gpr_mem(A, MOV_ST, R13, mem(RAX, 0));
    cursor(A, GD(tx), (int32_t)(8 * n));
    for (uint32_t i = 0; i < n; i++)
        st(A, mem(RAX, 8 * i), in_xmm(A, i, 0));
    cursor(A, GD(tf), 8);
    ld(A, 0, GD(f));
    st(A, mem(RAX, 0), 0);
    cursor(A, GD(tg), 8);
    sd(A, SQRTSD, 0, xmm(XT));
    st(A, mem(RAX, 0), 0);
    add_imm(A, GD(tleft), -1);
    gpr_mem(A, MOV_LD, RAX, GD(tstride));
    put(A, 0x4C);               /* add rax, r13 */
    put(A, 0x01);
    put(A, 0xE8);
    gpr_mem(A, MOV_ST, RAX, GD(tnext));
    land(A, not_due);
    return full;
}

/* After the program: up, down, f, ss, k and the ring; then the exits, the
 * conjuncts of the quiet test. Returns the jumps to the exit. */
static size_t gd_after(Asm *A, uint32_t n, const uint32_t *out, size_t *exits)
{
    size_t ne = 0;
    ld(A, 1, R(A, out[0]));     /* f(k+1) */
    ld(A, 0, GD(f));            /* f(k) */
    gd_run_count(A, GD(up), 1, 0);
    gd_run_count(A, GD(down), 0, 1);
    st(A, GD(f), 1);
    for (uint32_t i = 0; i < n; i++) {
        int g = in_xmm(A, out[1 + i], 0);
        ld(A, 0, xmm(g));
        sd(A, MULSD, 0, xmm(g));
        if (i == 0)
            ld(A, XT, xmm(0));
        else
            sd(A, ADDSD, XT, xmm(0));
    }
    st(A, GD(ss), XT);
    put(A, 0x49);               /* inc r13 */
    put(A, 0xFF);
    put(A, 0xC5);
    mov_rr(A, RAX, R13);
    put(A, 0x83);               /* and eax, NBI_GD_RING - 1 */
    put(A, 0xE0);
    put(A, NBI_GD_RING - 1);
    put(A, 0xF2);               /* movsd [r14 + rax*8 + ring], xmm15 */
    put(A, 0x45);
    put(A, 0x0F);
    put(A, 0x11);
    put(A, (uint8_t)(0x84 | (XT & 7) << 3));
    put(A, 0xC6);
    put32(A, (uint32_t)offsetof(NbGdRun, ring));
    cmp_imm8(A, GD(pending), 0);
    exits[ne++] = jcc(A, CC_GE);
    gpr_mem(A, CMP_LD, R13, GD(lim));
    exits[ne++] = jcc(A, CC_GE);
    sse(A, 0x66, ANDPD, 1, rip(C_ABS));
    ld(A, 0, GD(dmax));
    ucomisd(A, 0, xmm(1));      /* dmax >= |f| */
    exits[ne++] = jcc(A, CC_B);
    ucomisd(A, XT, GD(sthr));   /* ss > sthr */
    exits[ne++] = jcc(A, CC_BE);
    ucomisd(A, 0, xmm(XT));     /* dmax >= ss */
    exits[ne++] = jcc(A, CC_B);
    exits[ne++] = run_exit(A, GD(up), GD(f), GD(grow));     /* f > grow */
    exits[ne++] = run_exit(A, GD(down), GD(fall), GD(f));   /* fall > f */
    exits[ne++] = gd_trace(A, n);
    return ne;
}

/* The gd entry (jit.h): rdi r, rsi the NbGdRun, rdx K; in the loop rbx r,
 * r12 K, r14 the NbGdRun, r13 k. */
static int emit_gd(Asm *A)
{
    const NbProgram *p = A->p;
    const uint32_t *out = p->dbl.outreg;
    const uint32_t n = (uint32_t)p->nvars;
    prologue(A, 1, 1, RDI, RDX, RSI);
    gpr_mem(A, MOV_LD, R13, GD(k));
    for (uint32_t v = 0; v < n; v++)
        if (mapped(v))
            ld(A, 2 + (int)v, mem(RBX, 8 * v));
    for (uint32_t o = 0; o <= n; o++)
        if (mapped(out[o]))
            ld(A, 2 + (int)out[o], mem(RBX, 8 * out[o]));
    size_t top = A->n;
    gd_step(A, n, out);
    gd_detectors(A, n);
    if (!emit_body(A))
        return 0;
    size_t exits[16];
    size_t ne = gd_after(A, n, out, exits);
    put(A, 0xE9);               /* jmp top */
    put32(A, (uint32_t)((int64_t)top - (int64_t)(A->n + 4)));
    for (size_t j = 0; j < ne; j++)
        land(A, exits[j]);
    gpr_mem(A, MOV_ST, R13, GD(k));
    for (uint32_t v = 0; v < n; v++)
        if (mapped(v))
            st(A, mem(RBX, 8 * v), 2 + (int)v);
    for (uint32_t o = 0; o <= n; o++)
        if (mapped(out[o]))
            st(A, mem(RBX, 8 * out[o]), 2 + (int)out[o]);
    epilogue(A, 1, 1);
    return 1;
}

/* ---- the block entry (jit.h): four points a vector --------------------------
 * The same opcodes as emit_ins(), each as AVX packed operations on ymm
 * registers in the same order, over points i, i+4, ... of vm_block.c's
 * register blocks. VM register i < NB_JIT_BLOCK_YMM lives in ymm(2 + i),
 * the rest 32 bytes each in spill (rdx); ymm0, ymm1 hold intermediates,
 * ymm15 an instruction's result bound for spill. Constants come from K4
 * (rcx), each four times: VEX memory operands need no alignment. In the
 * loop rdi is R, rsi the end (bytes), rax the offset of point i; the
 * first three blocks read or written (variables, then outputs) keep their
 * bases in r8, r10, r11, the others are loaded into r9 each time.
 *
 * POLY stays with vm_block.c: its Horner chain (two dependent operations
 * a degree) needs many more points in flight than four lanes and one
 * loop give; poly_block keeps 64. */

#define YT 15
enum { K4_SIGN, K4_ABS, K4_ZERO, K4_ONE, K4_EXTRA };

/* VEX.256.66.0F op: ymm reg = src1 op m (src1 0 where unused). */
static void vex(Asm *A, uint8_t op, int reg, int src1, Opd m)
{
    int b = m.kind == O_RIP ? 0 : m.reg >> 3;
    put(A, 0xC4);   /* R, X, B inverted; map 0F */
    put(A, (uint8_t)((reg >> 3 ^ 1) << 7 | 1 << 6 | (b ^ 1) << 5 | 1));
    put(A, (uint8_t)((~src1 & 15) << 3 | 1 << 2 | 1));
    put(A, op);
    modrm(A, reg, m);
}

/* vmovupd ymm y <-> [base + rax] (op MOVSD_LD or MOVSD_ST) */
static void vex_at(Asm *A, uint8_t op, int y, int base)
{
    put(A, 0xC4);
    put(A, (uint8_t)((y >> 3 ^ 1) << 7 | 1 << 6 | (base >> 3 ^ 1) << 5 | 1));
    put(A, (uint8_t)(15 << 3 | 1 << 2 | 1));
    put(A, op);
    put(A, (uint8_t)((y & 7) << 3 | 4));        /* mod 00, SIB */
    put(A, (uint8_t)(RAX << 3 | (base & 7)));   /* [base + rax*1] */
}

static Opd YR(uint32_t i)
{
    return i < NB_JIT_BLOCK_YMM ? xmm(2 + (int)i)
                                : mem(RDX, 32 * (i - NB_JIT_BLOCK_YMM));
}

static Opd K4(uint32_t k) { return mem(RCX, 32 * k); }

/* The ymm holding operand o: its own, or tmp loaded from memory. */
static int yreg(Asm *A, Opd o, int tmp)
{
    if (o.kind == O_XMM)
        return o.reg;
    vex(A, MOVSD_LD, tmp, 0, o);
    return tmp;
}

/* t = a op b, a through ymm tmp when it is in memory */
static void vop(Asm *A, uint8_t op, int t, Opd a, Opd b, int tmp)
{
    vex(A, op, t, yreg(A, a, tmp), b);
}

/* t = (ymm s) * (ymm s) */
static void vsq(Asm *A, int t, int s) { vex(A, MULSD, t, s, xmm(s)); }

/* One instruction as packed operations; 0 for an opcode not translated.
 * The opcodes are compile_internal.h's C expressions, as in emit_ins(). */
static int emit_vins(Asm *A, const NbIns *in)
{
    const uint32_t kx = (uint32_t)A->p->nkonst;
    int t = in->d < NB_JIT_BLOCK_YMM ? 2 + (int)in->d : YT;
    Opd a = YR(in->a), b = YR(in->b), c = YR(in->c);
    Opd kb = K4(in->b), kc = K4(in->c);
    switch (in->op) {
    case NB_OP_MOV: vex(A, MOVSD_LD, t, 0, a); break;
    case NB_OP_LOADK: vex(A, MOVSD_LD, t, 0, K4(in->a)); break;
    case NB_OP_ADD: vop(A, ADDSD, t, a, b, 0); break;
    case NB_OP_SUB: vop(A, SUBSD, t, a, b, 0); break;
    case NB_OP_MUL: vop(A, MULSD, t, a, b, 0); break;
    case NB_OP_DIV: vop(A, DIVSD, t, a, b, 0); break;
    case NB_OP_ADDK: vop(A, ADDSD, t, a, kb, 0); break;
    case NB_OP_SUBK: vop(A, SUBSD, t, a, kb, 0); break;
    case NB_OP_MULK: vop(A, MULSD, t, a, kb, 0); break;
    case NB_OP_DIVK: vop(A, DIVSD, t, a, kb, 0); break;
    case NB_OP_KSUB: vex(A, MOVSD_LD, 0, 0, kb); vex(A, SUBSD, t, 0, a); break;
    case NB_OP_KDIV: vex(A, MOVSD_LD, 0, 0, kb); vex(A, DIVSD, t, 0, a); break;
    case NB_OP_NEG: vop(A, XORPD, t, a, K4(kx + K4_SIGN), 0); break;
    case NB_OP_ABS: vop(A, ANDPD, t, a, K4(kx + K4_ABS), 0); break;
    case NB_OP_SQR: vsq(A, t, yreg(A, a, 0)); break;
    case NB_OP_SQRT: vex(A, SQRTSD, t, 0, a); break;
    case NB_OP_RSQRT:
        vop(A, ADDSD, 0, a, K4(kx + K4_ZERO), 0);
        vex(A, SQRTSD, 0, 0, xmm(0));
        vex(A, MOVSD_LD, t, 0, K4(kx + K4_ONE));
        vex(A, DIVSD, t, t, xmm(0));
        break;
    case NB_OP_MULADD: vop(A, MULSD, 0, a, b, 0); vex(A, ADDSD, t, 0, c); break;
    case NB_OP_MULSUB:
        vop(A, MULSD, 0, a, b, 0);
        vex(A, SUBSD, t, yreg(A, c, 1), xmm(0));
        break;
    case NB_OP_MULKADD: vop(A, MULSD, 0, a, kb, 0); vex(A, ADDSD, t, 0, c); break;
    case NB_OP_SQRADD: vsq(A, 0, yreg(A, a, 0)); vex(A, ADDSD, t, 0, c); break;
    case NB_OP_SQRSUB: vop(A, SUBSD, 0, a, b, 0); vsq(A, t, 0); break;
    case NB_OP_SQRADDK: vop(A, ADDSD, 0, a, kb, 0); vsq(A, t, 0); break;
    case NB_OP_SQRKSUB:
        vex(A, MOVSD_LD, 0, 0, kb);
        vex(A, SUBSD, 0, 0, a);
        vsq(A, t, 0);
        break;
    case NB_OP_SQRMULSUB:
        vop(A, MULSD, 0, a, b, 0);
        vex(A, SUBSD, 0, yreg(A, c, 1), xmm(0));
        vsq(A, t, 0);
        break;
    case NB_OP_KDIVADDK:
        vop(A, ADDSD, 0, a, kc, 0);
        vex(A, MOVSD_LD, 1, 0, kb);
        vex(A, DIVSD, t, 1, xmm(0));
        break;
    case NB_OP_DIVADDK:
        vop(A, ADDSD, 0, b, kc, 0);
        vex(A, DIVSD, t, yreg(A, a, 1), xmm(0));
        break;
    default:
        return 0;
    }
    if (t == YT)
        vex(A, MOVSD_ST, YT, 0, YR(in->d));
    return 1;
}

/* The GPR holding the base of register r's block: its own, or r9 loaded
 * from R now. */
static int block_base(Asm *A, const uint32_t *arrays, int nheld, uint32_t r)
{
    static const int held[3] = {R8, R10, R11};
    for (int h = 0; h < nheld; h++)
        if (arrays[h] == r)
            return held[h];
    gpr_mem(A, MOV_LD, R9, mem(RDI, 8 * r));
    return R9;
}

/* The block entry, or 0: see the section comment. */
static size_t emit_block(Asm *A)
{
    const NbProgram *p = A->p;
    const NbCode *code = &p->dbl;
    if (code->nregs > NB_JIT_BLOCK_YMM + NB_BLOCK / 4)  /* spill: 8 KB */
        return 0;
    size_t start = A->n;
    static const int held[3] = {R8, R10, R11};
    uint32_t arrays[3];         /* the registers whose blocks they hold */
    int nheld = 0;
    for (uint32_t v = 0; v < p->nvars && nheld < 3; v++)
        arrays[nheld++] = v;
    for (size_t o = 0; o < p->nout && nheld < 3; o++)
        if (code->outreg[o] >= p->nvars)
            arrays[nheld++] = code->outreg[o];
    for (int h = 0; h < nheld; h++)
        gpr_mem(A, MOV_LD, held[h], mem(RDI, 8 * arrays[h]));
    put(A, 0x48), put(A, 0xC1), put(A, 0xE6), put(A, 3);   /* shl rsi, 3 */
    put(A, 0x31), put(A, 0xC0);                             /* xor eax, eax */
    size_t top = A->n;
    for (uint32_t v = 0; v < p->nvars; v++) {
        int y = v < NB_JIT_BLOCK_YMM ? 2 + (int)v : 0;
        vex_at(A, MOVSD_LD, y, block_base(A, arrays, nheld, v));
        if (!y)
            vex(A, MOVSD_ST, 0, 0, YR(v));
    }
    for (size_t i = 0; i + 1 < code->nins; i++)
        if (!emit_vins(A, &code->ins[i])) {
            A->n = start;
            return 0;
        }
    for (size_t o = 0; o < p->nout; o++) {
        uint32_t r = code->outreg[o];
        if (r < p->nvars)
            continue;           /* R[r] is the caller's variable */
        int y = yreg(A, YR(r), 0);
        vex_at(A, MOVSD_ST, y, block_base(A, arrays, nheld, r));
    }
    put(A, 0x48), put(A, 0x83), put(A, 0xC0), put(A, 32);  /* add rax, 32 */
    put(A, 0x48), put(A, 0x39), put(A, 0xF0);              /* cmp rax, rsi */
    put(A, 0x0F), put(A, 0x82);                            /* jb top */
    put32(A, (uint32_t)((int64_t)top - (int64_t)(A->n + 4)));
    put(A, 0xC5), put(A, 0xF8), put(A, 0x77);              /* vzeroupper */
    put(A, 0xC3);
    return start;
}

/* K4 of the block entry (jit.h), or NULL when there is none. */
static double *block_constants(const NbProgram *p)
{
    size_t n = (p->nkonst + K4_EXTRA) * 4;
    double *k4 = nb_xaligned_alloc(32, n * sizeof *k4);
    const uint64_t sign = 0x8000000000000000u;
    double extra[K4_EXTRA];
    memcpy(&extra[K4_SIGN], &sign, sizeof sign);
    const uint64_t mag = ~sign;
    memcpy(&extra[K4_ABS], &mag, sizeof mag);
    extra[K4_ZERO] = 0.0;
    extra[K4_ONE] = 1.0;
    for (size_t k = 0; k < p->nkonst + K4_EXTRA; k++)
        for (int l = 0; l < 4; l++)
            k4[4 * k + l] = k < p->nkonst ? p->kd[k] : extra[k - p->nkonst];
    return k4;
}

/* libgcc's answer also checks that the system saves the ymm registers. */
static int have_avx(void) { return __builtin_cpu_supports("avx") != 0; }

static NbJit *map_code(const Asm *A, size_t regs_off, size_t gd_off,
                       size_t block_off)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    size_t len = (A->n + page - 1) / page * page;
    void *mem_ = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem_ == MAP_FAILED)
        return NULL;
    memcpy(mem_, A->b, A->n);
    if (mprotect(mem_, len, PROT_READ | PROT_EXEC) != 0) {
        munmap(mem_, len);
        return NULL;
    }
    NbJit *j = nb_xmalloc(sizeof *j);
    uint8_t *base = mem_;
    /* object pointer to function pointer: POSIX (dlsym) guarantees it */
    void *pt = base + CODE_START, *rg = base + regs_off,
         *gd = gd_off ? base + gd_off : NULL,
         *bl = block_off ? base + block_off : NULL;
    memcpy(&j->point, &pt, sizeof pt);
    memcpy(&j->regs, &rg, sizeof rg);
    memcpy(&j->gd, &gd, sizeof gd);
    memcpy(&j->block, &bl, sizeof bl);
    j->k4 = bl ? block_constants(A->p) : NULL;
    j->mem = mem_;
    j->len = len;
    return j;
}

static void put_const(Asm *A, uint64_t lo, uint64_t hi)
{
    put32(A, (uint32_t)lo);
    put32(A, (uint32_t)(lo >> 32));
    put32(A, (uint32_t)hi);
    put32(A, (uint32_t)(hi >> 32));
}

/* The gd entry, when p's outputs are [f, grad] (jit.h); its liveness keeps
 * the variables, which the next step reads. Returns its offset, or 0. */
static size_t emit_gd_entry(Asm *A)
{
    const NbProgram *p = A->p;
    if (p->nvars == 0 || p->nvars > GD_MAX_VARS || p->nout != p->nvars + 1)
        return 0;
    uint32_t vars = 0;
    for (uint32_t v = 0; v < p->nvars && mapped(v); v++)
        vars |= 1u << v;
    uint32_t *live = liveness(p, vars);
    const uint32_t *keep = A->live;
    size_t start = A->n;
    A->live = live;
    int ok = emit_gd(A);
    A->live = keep;
    free(live);
    if (!ok)
        A->n = start;
    return ok ? start : 0;
}

NbJit *nbi_jit_compile(const NbProgram *p)
{
    Asm A = {.p = p};
    if (!supported(p, &A.calls))
        return NULL;
    uint32_t *live = liveness(p, 0);
    A.live = live;
    const uint64_t sign = 0x8000000000000000u, one = 0x3FF0000000000000u;
    put_const(&A, sign, 0);                         /* C_SIGN */
    put_const(&A, ~sign, ~(uint64_t)0);             /* C_ABS */
    put_const(&A, 0, one);                          /* C_ZERO, C_ONE */
    put_const(&A, sign, 0);                         /* C_NZERO */
    NbJit *j = NULL;
    if (emit_fn(&A, 0)) {
        size_t regs_off = A.n;
        if (emit_fn(&A, 1)) {
            size_t gd_off = emit_gd_entry(&A);
            j = map_code(&A, regs_off, gd_off,
                         have_avx() ? emit_block(&A) : 0);
        }
    }
    free(live);
    free(A.b);
    return j;
}

void nbi_jit_free(NbJit *j)
{
    if (!j || j == &nbi_jit_none)
        return;
    if (j->mem)
        munmap(j->mem, j->len);
    free(j->k4);
    free(j);
}

#else /* !NB_HAVE_JIT */

NbJit *nbi_jit_compile(const NbProgram *p)
{
    (void)p;
    return NULL;
}

void nbi_jit_free(NbJit *j)
{
    (void)j;
}

#endif
