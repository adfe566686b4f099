/* test_compile.c — the compiler and its VMs on small programs whose values
 * are known in closed form, instruction counts that show sharing, multiple
 * outputs, and the errors.
 *
 * Expressions are built with nb_intern in the canonical form of
 * simplify.h (a - b is a + (-1)*b, a / b is a * b^-1, sqrt is ^(1/2)), so
 * this test depends on nothing but the store and the built-in table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/compile.h"
#include "nabla/builtins.h"
#include "nabla/eval.h"
#include "exec/compile_internal.h"
#include "check.h"

typedef const NbExpr *Ex;
static NbStore *st;

static Ex X, Y;
static Ex num(long v) { return nb_num_si(st, v); }
static Ex frac(long p, unsigned long q) { return nb_num_frac(st, p, q); }
static Ex add2(Ex a, Ex b) { return nb_intern(st, NB_ADD, 0, 2, (Ex[]){a, b}); }
static Ex add3(Ex a, Ex b, Ex c) { return nb_intern(st, NB_ADD, 0, 3, (Ex[]){a, b, c}); }
static Ex mul2(Ex a, Ex b) { return nb_intern(st, NB_MUL, 0, 2, (Ex[]){a, b}); }
static Ex pw(Ex a, Ex b) { return nb_intern(st, NB_POW, 0, 2, (Ex[]){a, b}); }
static Ex fn1(int f, Ex a) { return nb_intern(st, NB_FN, f, 1, (Ex[]){a}); }
static Ex neg(Ex a) { return mul2(num(-1), a); }

/* Compile outs over (x, y) or fail the test. */
static NbProgram *comp(size_t nout, const Ex *outs)
{
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, nout, outs, 2, (Ex[]){X, Y}, &d);
    if (!p)
        printf("# compile failed: %s\n", d.msg ? d.msg : "?");
    nb_diag_clear(&d);
    return p;
}

/* Value of a one-output program at (x, y) in the scalar VM. */
static double run1(const NbProgram *p, double x, double y)
{
    double in[2] = {x, y}, out, *scratch;
    scratch = malloc(nb_program_scratch(p) * sizeof *scratch);
    nb_run_double(p, in, &out, scratch);
    free(scratch);
    return out;
}

static double eval1(Ex e, double x, double y)
{
    NbProgram *p = comp(1, &e);
    double v = p ? run1(p, x, y) : NAN;
    nb_program_free(p);
    return v;
}

static int has_op(const NbProgram *p, const char *op)
{
    char *l = nb_program_listing(p, 0);
    int r = strstr(l, op) != NULL;
    free(l);
    return r;
}

static void test_arithmetic(void)
{
    /* Rosenbrock (1-x)^2 + 100 (y - x^2)^2 */
    Ex rb = add2(pw(add2(num(1), neg(X)), num(2)),
                 mul2(num(100), pw(add2(Y, neg(pw(X, num(2)))), num(2))));
    CHECK(eval1(rb, 1, 1) == 0, "rosenbrock(1,1) = 0");
    CHECK(eval1(rb, 0, 0) == 1, "rosenbrock(0,0) = 1");
    CHECK(eval1(rb, 2, 3) == 101, "rosenbrock(2,3) = 101");
    CHECK(eval1(rb, -1.5, 2) == 6.25 + 100 * 0.0625, "rosenbrock(-1.5,2)");
    CHECK(eval1(add2(mul2(X, Y), num(3)), 2, 5) == 13, "x*y + 3 = 13");
    /* x / y = x * y^-1: one division, correctly rounded */
    Ex q = mul2(X, pw(Y, num(-1)));
    CHECK(eval1(q, 1, 3) == 1.0 / 3.0, "x/y = 1/3 correctly rounded");
    CHECK(eval1(mul2(frac(1, 10), X), 1, 0) == 0.1, "x/10 at 1 is 0.1");
    CHECK(eval1(mul2(frac(1, 3), X), 2, 0) == 2.0 / 3.0,
          "x*(1/3) is x/3, as C computes it");
    CHECK(eval1(mul2(frac(-1, 2), pw(X, num(2))), 3, 0) == -4.5,
          "-x^2/2 at 3 = -4.5");
    CHECK(eval1(mul2(num(7), pw(X, num(-1))), 2, 0) == 3.5, "7/x at 2");
    CHECK(eval1(add2(num(5), neg(X)), 2, 0) == 3, "5 - x");
    CHECK(eval1(add3(X, neg(Y), num(-4)), 10, 3) == 3, "x - y - 4");
}

static void test_powers(void)
{
    CHECK(eval1(pw(X, frac(1, 2)), 16, 0) == 4, "x^(1/2) at 16");
    CHECK(eval1(pw(X, frac(-1, 2)), 4, 0) == 0.5, "x^(-1/2) at 4");
    CHECK(eval1(pw(X, frac(3, 2)), 4, 0) == 8, "x^(3/2) at 4");
    CHECK(eval1(pw(X, frac(-3, 2)), 4, 0) == 0.125, "x^(-3/2) at 4");
    CHECK(eval1(pw(X, frac(5, 2)), 4, 0) == 32, "x^(5/2) at 4");
    CHECK(eval1(pw(X, num(-2)), 4, 0) == 0.0625, "x^-2 at 4");
    CHECK(eval1(pw(X, num(5)), 3, 0) == 243, "x^5 at 3");
    CHECK(eval1(pw(X, num(31)), 2, 0) == 2147483648.0, "x^31 at 2");
    CHECK(eval1(pw(X, num(100)), 1.01, 0) == pow(1.01, 100),
          "x^100 is pow(x, 100)");
    CHECK(eval1(pw(X, frac(1, 3)), 8, 0) == pow(8, 1.0 / 3),
          "x^(1/3) is pow(x, 1/3)");
    CHECK(eval1(pw(X, Y), 2, 10) == 1024, "x^y");
    CHECK(eval1(pw(num(2), X), 10, 0) == 1024, "2^x");
    Ex xs = pw(X, num(2));
    NbProgram *p = comp(1, &xs);
    CHECK(p && nb_program_ninstr(p) == 1 && has_op(p, "SQR"), "x^2 is SQR");
    nb_program_free(p);
    Ex x8 = pw(X, num(8));
    p = comp(1, &x8);
    CHECK(p && nb_program_ninstr(p) == 3, "x^8 is three squarings");
    nb_program_free(p);
}

/* x^8 - 3x^7 + 5x^6 - 2x^5 + 7x^4 - x^3 + 4x^2 - 6x + 9 */
static Ex poly_d(void)
{
    static const long c[9] = {9, -6, 4, -1, 7, -2, 5, -3, 1};
    Ex t[9];
    t[0] = num(9);
    t[1] = mul2(num(-6), X);
    for (int k = 2; k <= 8; k++)
        t[k] = c[k] == 1 ? pw(X, num(k)) : mul2(num(c[k]), pw(X, num(k)));
    return nb_intern(st, NB_ADD, 0, 9, t);
}

static void test_poly(void)
{
    Ex e = poly_d();
    NbProgram *p = comp(1, &e);
    CHECK(p && has_op(p, "POLY") && nb_program_ninstr(p) == 1,
          "a polynomial is one POLY");
    CHECK(p && run1(p, 2, 0) == 245, "poly(2) = 245");
    CHECK(p && run1(p, 0, 0) == 9, "poly(0) = 9");
    CHECK(p && run1(p, -1, 0) == 1 + 3 + 5 + 2 + 7 + 1 + 4 + 6 + 9,
          "poly(-1) = 38");
    CHECK(p && isinf(run1(p, 1e40, 0)), "poly(1e40): x^8 overflows to inf");
    /* Horner's rule: x^8 and 3x^7 both overflow at 1e50, and a sum of
     * powers would give inf - inf */
    CHECK(p && run1(p, 1e50, 0) == INFINITY && run1(p, -1e50, 0) == INFINITY,
          "poly(+-1e50) = +inf, not NaN");
    int horner = 1;
    for (double x = -2.05; x < 2.1; x += 0.1) {
        volatile double acc = 1; /* each step rounded, as the VMs do */
        static const double c[8] = {-3, 5, -2, 7, -1, 4, -6, 9};
        for (int i = 0; i < 8; i++) {
            acc = acc * x;
            acc = acc + c[i];
        }
        horner &= p && run1(p, x, 0) == acc;
    }
    CHECK(horner, "poly at 42 points: Horner's rule to the bit");
    nb_program_free(p);
    /* zero coefficients skipped; no constant term: the last step is a
     * product by x, so x + x^3 + 2x^5 at -0 is -0, as the sum of -0s */
    Ex e2 = add3(X, pw(X, num(3)), mul2(num(2), pw(X, num(5))));
    CHECK(eval1(e2, 2, 0) == 2 + 8 + 64, "x + x^3 + 2x^5 at 2");
    double z = eval1(e2, -0.0, 0);
    CHECK(z == 0 && signbit(z), "x + x^3 + 2x^5 at -0 is -0");
}

static void test_functions(void)
{
    CHECK(eval1(fn1(NB_FN_SIN, X), 0, 0) == 0, "sin(0) = 0");
    CHECK(eval1(fn1(NB_FN_EXP, X), 0, 0) == 1, "exp(0) = 1");
    CHECK(eval1(fn1(NB_FN_LOG, X), 1, 0) == 0, "log(1) = 0");
    CHECK(eval1(fn1(NB_FN_SIGMOID, X), 0, 0) == 0.5, "sigmoid(0)");
    CHECK(eval1(fn1(NB_FN_ATAN, X), 1, 0) == atan(1.0), "atan via the table");
    CHECK(eval1(nb_intern(st, NB_FN, NB_FN_ATAN2, 2, (Ex[]){X, Y}), 1, 1)
              == atan2(1.0, 1.0), "atan2(1, 1)");
    CHECK(eval1(fn1(NB_FN_ABS, X), -2.5, 0) == 2.5, "abs");
    Ex pix = mul2(nb_const(st, NB_CONST_PI), X);
    CHECK(eval1(pix, 1, 0) == M_PI, "pi*x at 1");
    /* sin(2) * x folds sin(2) at compile time: one instruction */
    Ex s2 = mul2(fn1(NB_FN_SIN, num(2)), X);
    NbProgram *p = comp(1, &s2);
    CHECK(p && nb_program_ninstr(p) == 1 && run1(p, 3, 0) == sin(2.0) * 3,
          "sin(2)*x: sin(2) folded");
    nb_program_free(p);
    Ex pyth = add2(pw(fn1(NB_FN_SIN, X), num(2)), pw(fn1(NB_FN_COS, X), num(2)));
    int ok = 1;
    for (double x = -10; x < 10; x += 0.37)
        ok &= fabs(eval1(pyth, x, 0) - 1) <= 2 * 0x1p-52;
    CHECK(ok, "sin^2 + cos^2 = 1 within 2 ulp");
}

static void test_sharing(void)
{
    Ex s = fn1(NB_FN_SIN, X), e = fn1(NB_FN_EXP, X);
    Ex outs[2] = {mul2(s, e), add2(s, e)};
    NbProgram *p = comp(2, outs);
    CHECK(p && nb_program_ninstr(p) == 4,
          "sin, exp shared by two outputs: 4 instructions, got %zu",
          p ? nb_program_ninstr(p) : 0);
    double in[2] = {0.5, 0}, out[2], r[16];
    nb_run_double(p, in, out, r);
    CHECK(out[0] == sin(0.5) * exp(0.5) && out[1] == sin(0.5) + exp(0.5),
          "both outputs exact");
    nb_program_free(p);
    /* (x+y)^2 + (x+y): x+y once */
    Ex t = add2(X, Y);
    Ex f = add2(t, pw(t, num(2)));
    p = comp(1, &f);
    CHECK(p && nb_program_ninstr(p) == 2, "(x+y)^2 + (x+y): 2 instructions");
    CHECK(p && run1(p, 1, 2) == 12, "(x+y)^2 + (x+y) at (1,2)");
    nb_program_free(p);
    /* 100000-deep sin(sin(...)): no recursion, tiny scratch, exact value */
    Ex deep = X;
    for (int i = 0; i < 100000; i++)
        deep = fn1(NB_FN_SIN, deep);
    p = comp(1, &deep);
    double want = 0.7;
    for (int i = 0; i < 100000; i++)
        want = sin(want);
    CHECK(p && nb_program_ninstr(p) == 100000 && nb_program_scratch(p) <= 4,
          "deep chain: 100000 instructions, scratch %zu",
          p ? nb_program_scratch(p) : 0);
    CHECK(p && run1(p, 0.7, 0) == want, "deep chain value");
    nb_program_free(p);
}

static void test_outputs(void)
{
    Ex outs[5] = {add2(X, Y), mul2(X, Y), X, num(3), frac(1, 10)};
    NbProgram *p = comp(5, outs);
    double in[2] = {2, 5}, out[5], r[16];
    nb_run_double(p, in, out, r);
    CHECK(out[0] == 7 && out[1] == 10 && out[2] == 2 && out[3] == 3
              && out[4] == 0.1, "five outputs, variable and constants too");
    CHECK(nb_program_nouts(p) == 5 && nb_program_nvars(p) == 2, "counts");
    /* block: 1000 points, not a multiple of the block */
    enum { N = 1000 };
    double *xs = malloc(N * sizeof *xs), *ys = malloc(N * sizeof *ys);
    double *o[5];
    for (int k = 0; k < 5; k++)
        o[k] = malloc(N * sizeof(double));
    for (int i = 0; i < N; i++)
        xs[i] = i * 0.25, ys[i] = 3 - i;
    nb_run_block(p, N, (const double *const[]){xs, ys}, o);
    int ok = 1;
    for (int i = 0; i < N; i++)
        ok &= o[0][i] == xs[i] + ys[i] && o[1][i] == xs[i] * ys[i]
              && o[2][i] == xs[i] && o[3][i] == 3 && o[4][i] == 0.1;
    CHECK(ok, "block run of five outputs over 1000 points");
    for (int k = 0; k < 5; k++)
        free(o[k]);
    free(xs);
    free(ys);
    /* MPFR at 256 bits: 1/10 correctly rounded at 256 bits */
    NbMpfrVm *vm = nb_mpfr_vm_new(p, 256);
    mpfr_t mx, my, mo[5], want;
    mpfr_inits2(256, mx, my, want, (mpfr_ptr)0);
    for (int k = 0; k < 5; k++)
        mpfr_init2(mo[k], 256);
    mpfr_set_ui(mx, 2, MPFR_RNDN);
    mpfr_set_ui(my, 5, MPFR_RNDN);
    nb_run_mpfr(vm, (mpfr_srcptr[]){mx, my}, (mpfr_ptr[]){mo[0], mo[1], mo[2], mo[3], mo[4]});
    mpfr_set_ui(want, 1, MPFR_RNDN);
    mpfr_div_ui(want, want, 10, MPFR_RNDN);
    CHECK(mpfr_cmp_ui(mo[0], 7) == 0 && mpfr_cmp_ui(mo[1], 10) == 0
              && mpfr_cmp_ui(mo[2], 2) == 0 && mpfr_cmp_ui(mo[3], 3) == 0,
          "MPFR outputs");
    CHECK(mpfr_equal_p(mo[4], want), "1/10 at 256 bits is 0.1 to 256 bits");
    nb_mpfr_vm_free(vm);
    for (int k = 0; k < 5; k++)
        mpfr_clear(mo[k]);
    mpfr_clears(mx, my, want, (mpfr_ptr)0);
    CHECK(nb_mpfr_vm_new(p, 1) == NULL, "precision 1 refused");
    nb_program_free(p);
}

static void test_mpfr(void)
{
    /* x/3 at 256 bits is correctly rounded; pi*x at 1 is pi to 256 bits;
     * x^7 is mpfr_pow_si, correctly rounded. */
    Ex outs[3] = {mul2(frac(1, 3), X), mul2(nb_const(st, NB_CONST_PI), X),
                  pw(X, num(7))};
    NbProgram *p = comp(3, outs);
    NbMpfrVm *vm = nb_mpfr_vm_new(p, 256);
    mpfr_t x, y, o[3], w;
    mpfr_inits2(256, x, y, o[0], o[1], o[2], w, (mpfr_ptr)0);
    mpfr_set_ui(x, 1, MPFR_RNDN);
    mpfr_set_d(x, 1.1, MPFR_RNDN);
    mpfr_set_ui(y, 0, MPFR_RNDN);
    nb_run_mpfr(vm, (mpfr_srcptr[]){x, y}, (mpfr_ptr[]){o[0], o[1], o[2]});
    mpfr_div_ui(w, x, 3, MPFR_RNDN);
    CHECK(mpfr_equal_p(o[0], w), "x/3 correctly rounded at 256 bits");
    mpfr_const_pi(w, MPFR_RNDN);
    mpfr_mul(w, w, x, MPFR_RNDN);
    CHECK(mpfr_equal_p(o[1], w), "pi*x at 256 bits");
    mpfr_pow_ui(w, x, 7, MPFR_RNDN);
    CHECK(mpfr_equal_p(o[2], w), "x^7 correctly rounded");
    mpfr_clears(x, y, o[0], o[1], o[2], w, (mpfr_ptr)0);
    nb_mpfr_vm_free(vm);
    nb_program_free(p);
}

/* A value past 2^(2^20) overflows inside the MPFR VM, so sin never
 * reduces a 36-million-bit argument (that took minutes); the caller's
 * exponent range is restored. */
static void test_mpfr_range(void)
{
    Ex f = fn1(NB_FN_SIN, fn1(NB_FN_SINH, pw(X, num(2))));
    NbProgram *p = comp(1, &f);
    NbMpfrVm *vm = nb_mpfr_vm_new(p, 53);
    mpfr_t x, y, o;
    mpfr_inits2(53, x, y, o, (mpfr_ptr)0);
    mpfr_set_ui(x, 5000, MPFR_RNDN);
    mpfr_set_ui(y, 0, MPFR_RNDN);
    mpfr_exp_t emax = mpfr_get_emax();
    nb_run_mpfr(vm, (mpfr_srcptr[]){x, y}, (mpfr_ptr[]){o});
    CHECK(mpfr_nan_p(o) && mpfr_get_emax() == emax,
          "sin(sinh(5000^2)) at 53 bits: NaN at once, range restored");
    /* an input beyond the range counts as inf */
    mpfr_set_ui(x, 1, MPFR_RNDN);
    mpfr_mul_2si(x, x, 1L << 24, MPFR_RNDN);
    Ex g = fn1(NB_FN_ATAN, X);
    NbProgram *q = comp(1, &g);
    NbMpfrVm *vq = nb_mpfr_vm_new(q, 53);
    nb_run_mpfr(vq, (mpfr_srcptr[]){x, y}, (mpfr_ptr[]){o});
    CHECK(mpfr_cmp_d(o, M_PI / 2) == 0, "atan(2^(2^24)) is atan(inf)");
    mpfr_clears(x, y, o, (mpfr_ptr)0);
    nb_mpfr_vm_free(vm);
    nb_mpfr_vm_free(vq);
    nb_program_free(p);
    nb_program_free(q);
}

static void test_complex(void)
{
    /* complex step: f(x + ih) = f(x) + ih f'(x) + O(h^2) */
    Ex f = add2(mul2(fn1(NB_FN_SIN, X), pw(X, num(2))), fn1(NB_FN_EXP, Y));
    NbProgram *p = comp(1, &f);
    CHECK(p && nb_program_is_analytic(p), "sin(x) x^2 + exp(y) is analytic");
    double h = 1e-30, x = 0.8;
    double complex in[2] = {x + I * h, 0.3}, out;
    nb_run_complex(p, in, &out);
    double want = cos(x) * x * x + 2 * x * sin(x);
    CHECK(fabs(cimag(out) / h - want) <= 4e-16 * fabs(want),
          "complex step derivative");
    CHECK(creal(out) == run1(p, x, 0.3), "complex real part equals double");
    NbMpcVm *vm = nb_mpc_vm_new(p, 128);
    mpc_t mx, my, mo;
    mpc_init2(mx, 128);
    mpc_init2(my, 128);
    mpc_init2(mo, 128);
    mpc_set_d_d(mx, x, h, MPC_RNDNN);
    mpc_set_d(my, 0.3, MPC_RNDNN);
    nb_run_mpc(vm, (mpc_srcptr[]){mx, my}, (mpc_ptr[]){mo});
    double d = mpfr_get_d(mpc_imagref(mo), MPFR_RNDN) / h;
    CHECK(fabs(d - want) <= 4e-16 * fabs(want), "MPC complex step");
    mpc_clear(mx);
    mpc_clear(my);
    mpc_clear(mo);
    nb_mpc_vm_free(vm);
    nb_program_free(p);
    Ex a = fn1(NB_FN_ABS, X);
    p = comp(1, &a);
    CHECK(p && !nb_program_is_analytic(p), "abs is not analytic");
    nb_program_free(p);
}

static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Every built-in, compiled alone (inline opcode or CALL through the table),
 * gives exactly nb_builtins[].eval_d, in the scalar and the exact block VM
 * (the fast block mode: test_compile_block.c). */
static void test_builtins(void)
{
    static const double pts[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5, -3.75,
                                 1e-300, -1e-310, 700, -745, 1e300, INFINITY,
                                 -INFINITY, NAN, 0.1, 3.14159, 20.5, -40};
    enum { NP = sizeof pts / sizeof pts[0] };
    for (int f = 0; f < NB_FN__COUNT; f++) {
        const NbBuiltin *b = &nb_builtins[f];
        if (b->flags & NB_BF_LOWERS)
            continue;
        Ex e = nb_intern(st, NB_FN, f, (size_t)b->min_args, (Ex[]){X, Y});
        NbProgram *p = comp(1, &e);
        double ys[NP], blk[NP];
        int ok = p != NULL;
        for (int i = 0; i < NP; i++)
            ys[i] = pts[(i + 3) % NP];
        if (p)
            nb_run_block_exact(p, NP, (const double *const[]){pts, ys},
                         (double *const[]){blk});
        for (int i = 0; ok && i < NP; i++) {
            double a[2] = {pts[i], ys[i]}, want = b->eval_d(a);
            ok &= same(run1(p, pts[i], ys[i]), want) && same(blk[i], want);
            if (!ok)
                printf("# %s(%g, %g): want %a\n", b->name, pts[i], ys[i], want);
        }
        CHECK(ok, "%s compiled equals its eval_d bit for bit", b->name);
        nb_program_free(p);
    }
}

/* Fused opcodes: same value as the unfused C, fewer instructions. */
static void test_fusion(void)
{
    /* 1/(1 + exp(-x)) = (1 + exp((-1)*x))^-1: EXPK, KDIVADDK */
    Ex sig = pw(add2(num(1), fn1(NB_FN_EXP, neg(X))), num(-1));
    NbProgram *p = comp(1, &sig);
    CHECK(p && nb_program_ninstr(p) == 2 && has_op(p, "EXPK")
              && has_op(p, "KDIVADDK"), "1/(1+exp(-x)) is 2 instructions");
    int ok = 1;
    for (double x = -30; x <= 30; x += 0.7)
        ok &= p && run1(p, x, 0) == 1 / (1 + exp(-x));
    CHECK(ok, "1/(1+exp(-x)) equals the C expression bit for bit");
    nb_program_free(p);
    /* (y - x^2)^2 and (x - 1)^2: (y - x*x)^2, x - 1, (x-1)^2 + acc;
     * alone, (x - 1)^2 is one SQRADDK */
    Ex r = add2(pw(add2(Y, neg(pw(X, num(2)))), num(2)),
                pw(add2(num(-1), X), num(2)));
    p = comp(1, &r);
    CHECK(p && has_op(p, "SQRMULSUB") && has_op(p, "SQRADD")
              && nb_program_ninstr(p) == 3,
          "(y - x^2)^2 + (x - 1)^2 fuses the squares: 3 instructions");
    ok = 1;
    for (double x = -3; x <= 3; x += 0.37)
        for (double y = -1; y <= 9; y += 0.9)
            ok &= p && run1(p, x, y) == (y - x * x) * (y - x * x) + (x - 1) * (x - 1);
    CHECK(ok, "(y - x^2)^2 + (x - 1)^2 equals the C expression");
    nb_program_free(p);
    /* (x^2 - y)^2 is the same opcode, and the same bits */
    Ex r2 = pw(add2(pw(X, num(2)), neg(Y)), num(2));
    p = comp(1, &r2);
    CHECK(p && has_op(p, "SQRMULSUB") && nb_program_ninstr(p) == 1,
          "(x^2 - y)^2 is one SQRMULSUB");
    ok = 1;
    for (double x = -3; x <= 3; x += 0.37)
        for (double y = -1; y <= 9; y += 0.9)
            ok &= p && run1(p, x, y) == (x * x - y) * (x * x - y);
    CHECK(ok, "(x^2 - y)^2 equals the C expression");
    nb_program_free(p);
    Ex sq1 = pw(add2(num(-1), X), num(2));
    p = comp(1, &sq1);
    CHECK(p && nb_program_ninstr(p) == 1 && has_op(p, "SQRADDK")
              && run1(p, 3.5, 0) == 6.25, "(x - 1)^2 is one SQRADDK");
    nb_program_free(p);
    /* exp(-x^2/2) and a/(b + 1) */
    Ex g = mul2(fn1(NB_FN_EXP, mul2(frac(-1, 2), pw(X, num(2)))),
                pw(add2(num(1), Y), num(-1)));
    p = comp(1, &g);
    CHECK(p && has_op(p, "EXPK") && has_op(p, "DIVADDK"),
          "exp(-x^2/2)/(1 + y) fuses");
    CHECK(p && run1(p, 1.5, 0.25) == exp(-1.5 * 1.5 * 0.5) / (1 + 0.25),
          "exp(-x^2/2)/(1 + y) value");
    nb_program_free(p);
    /* a product used twice is not fused away */
    Ex t = add2(num(1), X);
    Ex outs[2] = {pw(t, num(2)), t};
    p = comp(2, outs);
    double in[2] = {2, 0}, o[2], sc[8];
    nb_run_double(p, in, o, sc);
    CHECK(o[0] == 9 && o[1] == 3, "shared 1+x stays an output");
    nb_program_free(p);
}

/* The block VM stops at ^C: the rest of the points are NaN. */
static void test_interrupt(void)
{
    Ex f = add2(X, Y);
    NbProgram *p = comp(1, &f);
    enum { N = 1000 };
    static double xs[N], ys[N], o[N];
    nb_interrupted = 1;
    nb_run_block(p, N, (const double *const[]){xs, ys}, (double *const[]){o});
    nb_interrupted = 0;
    int ok = 1;
    for (int i = 0; i < N; i++)
        ok &= isnan(o[i]);
    CHECK(ok, "an interrupted block run leaves NaN");
    nb_program_free(p);
}

static void test_errors(void)
{
    NbDiag d = NB_DIAG_INIT;
    Ex f = add2(X, Y);
    NbProgram *p = nb_compile(st, 1, &f, 1, (Ex[]){X}, &d);
    CHECK(!p && d.code == NB_ERR_UNKNOWN && strstr(d.msg, "'y'"),
          "free variable y: %s", d.msg ? d.msg : "");
    nb_diag_clear(&d);
    Ex v = nb_intern(st, NB_VEC, 0, 2, (Ex[]){X, Y});
    p = nb_compile(st, 1, &v, 2, (Ex[]){X, Y}, &d);
    CHECK(!p && d.code == NB_ERR_TYPE, "a vector does not compile");
    nb_diag_clear(&d);
    Ex s = fn1(NB_FN_SIN, nb_str(st, "a"));
    p = nb_compile(st, 1, &s, 1, (Ex[]){X}, &d);
    CHECK(!p && d.code == NB_ERR_TYPE, "a string does not compile");
    nb_diag_clear(&d);
    p = nb_compile(st, 1, &f, 2, (Ex[]){X, num(1)}, &d);
    CHECK(!p && d.code == NB_ERR_ARGS, "a number is not a variable");
    nb_diag_clear(&d);
    p = nb_compile(st, 0, NULL, 0, NULL, &d);
    CHECK(p && nb_program_ninstr(p) == 0, "an empty program");
    nb_program_free(p);
}

int main(void)
{
    st = nb_store_new();
    X = nb_sym(st, "x");
    Y = nb_sym(st, "y");
    test_arithmetic();
    test_powers();
    test_poly();
    test_functions();
    test_sharing();
    test_outputs();
    test_mpfr();
    test_mpfr_range();
    test_complex();
    test_builtins();
    test_fusion();
    test_interrupt();
    test_errors();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
