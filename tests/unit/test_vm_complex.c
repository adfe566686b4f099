/* test_vm_complex.c — the complex VMs (src/exec/vm_complex.c): every opcode and
 * every analytic built-in through nb_run_complex (long double complex) and
 * nb_run_mpc (GNU MPC), as complex-step differentiation uses them.
 *
 * The reference is independent of the code under test: for an analytic f,
 * f(x + ih) = f(x) + ih f'(x) - h^2 f''(x)/2 + ..., so with a tiny h the
 * real part is f(x) and the imaginary part over h is f'(x), both to far
 * below the tolerances used; f and f' (the symbolic derivative, src/core/diff.c)
 * are evaluated by the real MPFR VM at 256 bits. Each expression is chosen
 * to produce one opcode or superinstruction of compile_internal.h
 * (ORDER NB_OP), and the real parts of non-analytic programs are NaN, never
 * a crash.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nabla/nabla.h"
#include "exec/compile_internal.h"
#include "check.h"

static NbStore *st;
static const NbExpr *V[3];
static const double X0 = 0.7, Y0 = 1.3, Z0 = 2.1;

static NbProgram *comp(const NbExpr *e)
{
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &e, 3, V, &d);
    nb_diag_clear(&d);
    return p;
}

/* The value of p at (X0, Y0, Z0), at 256 bits. */
static void ref256(const NbProgram *p, mpfr_ptr out)
{
    mpfr_t x[3];
    const double v[3] = {X0, Y0, Z0};
    for (int i = 0; i < 3; i++) {
        mpfr_init2(x[i], 53);
        mpfr_set_d(x[i], v[i], MPFR_RNDN);
    }
    NbMpfrVm *vm = nb_mpfr_vm_new(p, 256);
    nb_run_mpfr(vm, (mpfr_srcptr[]){x[0], x[1], x[2]}, (mpfr_ptr[]){out});
    nb_mpfr_vm_free(vm);
    for (int i = 0; i < 3; i++)
        mpfr_clear(x[i]);
}

/* |a - b| <= tol * scale, a in MPFR, b a double */
static int near_d(mpfr_srcptr a, double b, double tol, double scale)
{
    return fabs(mpfr_get_d(a, MPFR_RNDN) - b) <= tol * scale;
}

/* Complex step of f along x through both VMs, against f and f'. */
static void step_check(const char *text)
{
    const NbExpr *f = nb_expr_parse(st, text, NULL);
    NbDiag dd = NB_DIAG_INIT;
    const NbExpr *df = f ? nb_diff(st, f, V[0], &dd) : NULL;
    nb_diag_clear(&dd);
    NbProgram *p = f ? comp(f) : NULL, *q = df ? comp(df) : NULL;
    if (!p || !q || !nb_program_is_analytic(p)) {
        CHECK(0, "%s compiles, analytic, with a derivative", text);
        nb_program_free(p);
        nb_program_free(q);
        return;
    }
    mpfr_t fr, dr, t;
    mpfr_inits2(256, fr, dr, t, (mpfr_ptr)0);
    ref256(p, fr);
    ref256(q, dr);
    double fv = mpfr_get_d(fr, MPFR_RNDN), dv = mpfr_get_d(dr, MPFR_RNDN);
    double scale = fabs(fv) + fabs(dv);

    /* long double complex, rounded to double: a few ulps */
    double h = 1e-20;
    double complex in[3] = {CMPLX(X0, h), Y0, Z0}, out;
    nb_run_complex(p, in, &out);
    CHECK(near_d(fr, creal(out), 1e-14, scale) && near_d(dr, cimag(out) / h, 1e-13, scale),
          "%s: complex step %.17g%+.17gi/h, want %.17g and f' %.17g", text,
          creal(out), cimag(out) / h, fv, dv);

    /* a real input gives the real result, with no imaginary part */
    in[0] = X0;
    nb_run_complex(p, in, &out);
    CHECK(near_d(fr, creal(out), 1e-14, scale) && cimag(out) == 0,
          "%s: complex VM at a real point %.17g%+gi, want %.17g", text,
          creal(out), cimag(out), fv);

    /* MPC at 256 bits, h = 2^-300: to about 2^-240 */
    mpc_t cx[3], co;
    for (int i = 0; i < 3; i++)
        mpc_init2(cx[i], 256);
    mpc_init2(co, 256);
    mpc_set_d_d(cx[0], X0, 0, MPC_RNDNN);
    mpfr_set_ui_2exp(mpc_imagref(cx[0]), 1, -300, MPFR_RNDN);
    mpc_set_d(cx[1], Y0, MPC_RNDNN);
    mpc_set_d(cx[2], Z0, MPC_RNDNN);
    NbMpcVm *vm = nb_mpc_vm_new(p, 256);
    nb_run_mpc(vm, (mpc_srcptr[]){cx[0], cx[1], cx[2]}, (mpc_ptr[]){co});
    mpfr_sub(t, mpc_realref(co), fr, MPFR_RNDN);
    double ef = fabs(mpfr_get_d(t, MPFR_RNDN));
    mpfr_mul_2si(t, mpc_imagref(co), 300, MPFR_RNDN);
    mpfr_sub(t, t, dr, MPFR_RNDN);
    double ed = fabs(mpfr_get_d(t, MPFR_RNDN));
    CHECK(ef <= 0x1p-240 * scale && ed <= 0x1p-240 * scale,
          "%s: MPC complex step at 256 bits within 2^-240 (%.3g, %.3g)", text,
          ef, ed);
    nb_mpc_vm_free(vm);
    for (int i = 0; i < 3; i++)
        mpc_clear(cx[i]);
    mpc_clear(co);
    mpfr_clears(fr, dr, t, (mpfr_ptr)0);
    nb_program_free(p);
    nb_program_free(q);
}

/* One expression a line: the opcode of compile_internal.h it makes (in the
 * dbl stream, the mp stream, or both), or the built-in it calls. */
static const char *const analytic[] = {
    "x",                    /* MOV (an output that is a variable) */
    "x + y", "x - y", "x*y", "x/y",             /* ADD SUB MUL DIV */
    "x + 3", "x - pi", "3*x", "x/pi",           /* ADDK SUBK MULK DIVK */
    "3 - x", "pi/x", "-x",                      /* KSUB KDIV NEG */
    "x^2", "sqrt(x)", "1/sqrt(x)",              /* SQR SQRT RSQRT */
    "x*y + z", "z - x*y", "3*x + y", "x^2 + y", /* MULADD MULSUB MULKADD SQRADD */
    "(x - y)^2", "(x + 3)^2", "(3 - x)^2",      /* SQRSUB SQRADDK SQRKSUB */
    "(z - x*y)^2", "(y - x^2)^2",               /* SQRMULSUB */
    "exp(3*x)", "3/(x + 2)", "y/(x + 2)", "x/(y + 2)", /* EXPK KDIVADDK DIVADDK */
    "x^y", "y^x", "x^2.5", "x^(1/3)", "2^x", "pi^x", /* POW POWK KPOW */
    "x^7", "x^-3", "x^100", "x^-45",            /* multiply chains, POWI */
    "1 + 2*x - 3*x^2 + x^5", "x^4 - 2*x + 1/2", /* POLY */
    "sin(x)", "cos(x)", "exp(x)", "log(x)", "tanh(x)", /* SIN COS EXP LOG TANH */
    "sigmoid(x)", "sigmoid(-3*x)", "atan(x)",   /* SIGMOID (both sides) ATAN */
    "tan(x)", "sec(x)", "csc(x)", "cot(x)",     /* CALL1 ... */
    "asin(x/2)", "acos(x/2)", "sinh(x)", "cosh(x)", "asinh(x)",
    "acosh(x + 1)", "atanh(x/2)", "log2(x)", "log10(x)", "ln(x)", "cbrt(x)",
    "erf(x)", "erfc(x)",
    "atan2(x, y)", "hypot(x, y)", "pow(x, y)", "log(x, y)", /* CALL2 */
    "sin(x)*exp(-x^2/2)", "log(1 + exp(-x*y))/(1 + x^2)",
};

/* Non-analytic programs: the complex VMs give NaN for the functions with no
 * complex evaluator (vm_complex.c: "never a crash"). */
static void not_analytic(void)
{
    static const char *const texts[] = {"abs(x)", "relu(x)", "gamma(x)",
                                        "floor(x) + sin(x)"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        NbProgram *p = comp(nb_expr_parse(st, texts[i], NULL));
        CHECK(p && !nb_program_is_analytic(p), "%s is not analytic", texts[i]);
        if (!p)
            continue;
        double complex in[3] = {CMPLX(X0, 1e-20), Y0, Z0}, out;
        nb_run_complex(p, in, &out);
        CHECK(isnan(creal(out)), "%s: complex double gives NaN (got %g)",
              texts[i], creal(out));
        mpc_t cx, co;
        mpc_init2(cx, 64);
        mpc_init2(co, 64);
        mpc_set_d_d(cx, X0, 1e-20, MPC_RNDNN);
        NbMpcVm *vm = nb_mpc_vm_new(p, 64);
        nb_run_mpc(vm, (mpc_srcptr[]){cx, cx, cx}, (mpc_ptr[]){co});
        CHECK(mpfr_nan_p(mpc_realref(co)), "%s: MPC gives NaN", texts[i]);
        nb_mpc_vm_free(vm);
        mpc_clear(cx);
        mpc_clear(co);
        nb_program_free(p);
    }
}

/* Opcodes the compiler does not put in one stream still mean what
 * compile_internal.h says in every VM: a compiled instruction patched to
 * MOV, LOADK or SUBK, and each stream run through the other VM (POWI is
 * the mp stream's, POLY the dbl stream's). */
static void isa(void)
{
    NbProgram *p = comp(nb_expr_parse(st, "x + 3", NULL));
    NbIns *in = p ? p->dbl.ins : NULL, *inm = p ? p->mp.ins : NULL;
    if (!in || in->op != NB_OP_ADDK || !inm || inm->op != NB_OP_ADDK) {
        CHECK(0, "x + 3 compiles to ADDK in both streams");
        nb_program_free(p);
        return;
    }
    double complex z = CMPLX(X0, 0.25), x[3] = {z, Y0, Z0}, out;
    mpc_t cx, co;
    mpc_init2(cx, 64);
    mpc_init2(co, 64);
    mpc_set_dc(cx, z, MPC_RNDNN);
    static const struct { int op; double complex want; const char *what; } t[] = {
        {NB_OP_MOV, 0, "MOV: x"}, {NB_OP_SUBK, 0, "SUBK: x - 3"},
        {NB_OP_LOADK, 3, "LOADK: 3"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        double complex want = t[i].op == NB_OP_MOV ? z
                            : t[i].op == NB_OP_SUBK ? z - 3 : t[i].want;
        NbIns save = *in, savem = *inm;
        in->op = inm->op = (uint16_t)t[i].op;
        if (t[i].op == NB_OP_LOADK)
            in->a = in->b, inm->a = inm->b;
        nb_run_complex(p, x, &out);
        NbMpcVm *vm = nb_mpc_vm_new(p, 64);
        nb_run_mpc(vm, (mpc_srcptr[]){cx, cx, cx}, (mpc_ptr[]){co});
        CHECK(out == want && mpc_get_dc(co, MPC_RNDNN) == want,
              "%s at 0.7+0.25i: %g%+gi and %g%+gi", t[i].what, creal(out),
              cimag(out), creal(mpc_get_dc(co, MPC_RNDNN)),
              cimag(mpc_get_dc(co, MPC_RNDNN)));
        nb_mpc_vm_free(vm);
        *in = save;
        *inm = savem;
    }
    nb_program_free(p);

    /* x^7 by POWI, 1 + 2x - 3x^2 + x^5 by POLY, in the other stream's VM */
    static const char *const swapped[] = {"x^7", "x^-3", "1 + 2*x - 3*x^2 + x^5"};
    for (size_t i = 0; i < sizeof swapped / sizeof *swapped; i++) {
        const NbExpr *e = nb_expr_parse(st, swapped[i], NULL);
        p = comp(e);
        mpfr_t want;
        mpfr_init2(want, 256);
        ref256(p, want);
        NbCode dbl = p->dbl;
        p->dbl = p->mp;     /* the mp stream in long double complex */
        x[0] = X0;
        nb_run_complex(p, x, &out);
        p->dbl = dbl;
        int ok = near_d(want, creal(out), 1e-15, fabs(mpfr_get_d(want, MPFR_RNDN)));
        NbCode mp = p->mp;
        p->mp = p->dbl;     /* the dbl stream in MPC */
        NbMpcVm *vm = nb_mpc_vm_new(p, 64);
        mpc_set_d(cx, X0, MPC_RNDNN);
        mpc_t cy;
        mpc_init2(cy, 64);
        mpc_set_d(cy, Y0, MPC_RNDNN);
        nb_run_mpc(vm, (mpc_srcptr[]){cx, cy, cy}, (mpc_ptr[]){co});
        nb_mpc_vm_free(vm);
        p->mp = mp;
        mpc_clear(cy);
        ok = ok && near_d(want, mpfr_get_d(mpc_realref(co), MPFR_RNDN), 1e-15,
                          fabs(mpfr_get_d(want, MPFR_RNDN)));
        CHECK(ok, "%s: each stream in the other complex VM", swapped[i]);
        mpfr_clear(want);
        nb_program_free(p);
    }

    /* (-2)^z: a negative constant base takes the principal branch,
     * e^(z (log 2 + i pi)) */
    p = comp(nb_expr_parse(st, "(-2)^x", NULL));
    x[0] = z;
    nb_run_complex(p, x, &out);
    double complex w = cexp(z * (log(2.0) + I * M_PI));
    CHECK(cabs(out - w) <= 1e-15 * cabs(w), "(-2)^(0.7+0.25i) = %g%+gi, want %g%+gi",
          creal(out), cimag(out), creal(w), cimag(w));
    nb_program_free(p);
    mpc_clear(cx);
    mpc_clear(co);
}

/* More than 64 registers: the complex double VM allocates them. */
static void many_registers(void)
{
    enum { N = 80 };
    const NbExpr *outs[N];
    char buf[64];
    for (int k = 0; k < N; k++) {
        snprintf(buf, sizeof buf, "sin(x + %d)", k);
        outs[k] = nb_expr_parse(st, buf, NULL);
    }
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, N, outs, 3, V, &d);
    nb_diag_clear(&d);
    double complex in[3] = {CMPLX(X0, 1e-20), Y0, Z0}, out[N];
    nb_run_complex(p, in, out);
    int bad = 0;
    mpfr_t a, s, c;
    mpfr_inits2(128, a, s, c, (mpfr_ptr)0);
    for (int k = 0; k < N; k++) { /* sin(x + ih) = sin x + ih cos x */
        mpfr_set_d(a, X0, MPFR_RNDN);
        mpfr_add_si(a, a, k, MPFR_RNDN);    /* exact */
        mpfr_sin_cos(s, c, a, MPFR_RNDN);
        bad += !near_d(s, creal(out[k]), 1e-14, 1)
               || !near_d(c, cimag(out[k]) / 1e-20, 1e-14, 1);
    }
    mpfr_clears(a, s, c, (mpfr_ptr)0);
    CHECK(bad == 0, "80 outputs at once: sin(x + k) and its complex step (%d bad)", bad);
    nb_program_free(p);
}

/* The precision range, and an input beyond the VM's exponent range
 * (NB_VM_MAX_EXP: it overflows to inf, as in the MPFR VM). */
static void limits(void)
{
    NbProgram *p = comp(nb_expr_parse(st, "x + 1", NULL));
    CHECK(nb_mpc_vm_new(p, NB_MIN_PRECISION - 1) == NULL,
          "no MPC VM below NB_MIN_PRECISION");
    CHECK(nb_mpc_vm_new(p, NB_MAX_PRECISION + 1) == NULL,
          "no MPC VM above NB_MAX_PRECISION");
    NbMpcVm *vm = nb_mpc_vm_new(p, 64);
    mpc_t cx, co;
    mpc_init2(cx, 64);
    mpc_init2(co, 64);
    mpc_set_ui(cx, 1, MPC_RNDNN);
    mpfr_mul_2si(mpc_realref(cx), mpc_realref(cx), 1L << 22, MPFR_RNDN);
    nb_run_mpc(vm, (mpc_srcptr[]){cx, cx, cx}, (mpc_ptr[]){co});
    CHECK(mpfr_inf_p(mpc_realref(co)) && mpfr_sgn(mpc_realref(co)) > 0,
          "x = 2^(2^22) is beyond the VM's range: x + 1 = +inf");
    CHECK(mpfr_cmp_ui_2exp(mpc_realref(cx), 1, 1L << 22) == 0,
          "the caller's input is left as it was");
    nb_mpc_vm_free(vm);
    nb_mpc_vm_free(NULL);
    mpc_clear(cx);
    mpc_clear(co);
    nb_program_free(p);
}

/* atan, asinh and acosh at huge |z| (builtins.c: huge_for): the shortcuts
 * (+-pi/2 - 1/z; log(2z), odd for asinh) against MPC's own functions at
 * 200 more bits, within 1 ulp in each part, at z = X + iY for |X| from
 * 2^62 to 2^3000 and |Y| from tiny to X/4 (MPC, the reference, takes
 * seconds further out: that is why the shortcuts exist). */
static int within_ulp(mpfr_srcptr got, mpfr_srcptr ref)
{
    if (mpfr_zero_p(ref) || !mpfr_regular_p(got))
        return mpfr_equal_p(got, ref);
    mpfr_t d;
    mpfr_init2(d, 64);
    mpfr_sub(d, got, ref, MPFR_RNDN);
    int ok = mpfr_zero_p(d) || mpfr_get_exp(d) <= mpfr_get_exp(ref)
                                   - (mpfr_exp_t)mpfr_get_prec(got);
    mpfr_clear(d);
    return ok;
}

static void huge_arguments(void)
{
    static const NbFnId fns[] = {NB_FN_ATAN, NB_FN_ASINH, NB_FN_ACOSH};
    static const long xe[] = {62, 64, 200, 1000, 3000};
    static const double xm[] = {1, -1.5}, ym[] = {0, 1e-30, -3, 0.25};
    int bad = 0, n = 0;
    mpc_t z, got, ref;
    mpc_init2(z, 113);
    mpc_init2(got, 113);
    mpc_init2(ref, 313);
    for (size_t f = 0; f < 3; f++)
        for (size_t i = 0; i < sizeof xe / sizeof *xe; i++)
            for (size_t k = 0; k < 2; k++)
                for (size_t j = 0; j < 4; j++) {
                    if (fns[f] == NB_FN_ACOSH && xm[k] < 0)
                        continue; /* left to MPC */
                    mpfr_set_d(mpc_realref(z), xm[k], MPFR_RNDN);
                    mpfr_ptr re = mpc_realref(z), im = mpc_imagref(z);
                    mpfr_mul_2si(re, re, xe[i], MPFR_RNDN);
                    mpfr_mul_d(im, re, ym[j], MPFR_RNDN);
                    if (j == 1) /* tiny: 1e-30, not 1e-30 X */
                        mpfr_set_d(mpc_imagref(z), ym[j], MPFR_RNDN);
                    mpc_srcptr a[1] = {z};
                    nb_builtins[fns[f]].eval_mpc(got, a, MPC_RNDNN);
                    if (fns[f] == NB_FN_ATAN)
                        mpc_atan(ref, z, MPC_RNDNN);
                    else if (fns[f] == NB_FN_ASINH)
                        mpc_asinh(ref, z, MPC_RNDNN);
                    else
                        mpc_acosh(ref, z, MPC_RNDNN);
                    n++;
                    if (!within_ulp(mpc_realref(got), mpc_realref(ref))
                        || !within_ulp(mpc_imagref(got), mpc_imagref(ref))) {
                        if (bad++ == 0)
                            mpfr_printf("# %s(%.5Rg + %.5Rg i): %.20Rg + "
                                        "%.20Rg i, MPC %.20Rg + %.20Rg i\n",
                                        nb_builtins[fns[f]].name, re, im,
                                        mpc_realref(got), mpc_imagref(got),
                                        mpc_realref(ref), mpc_imagref(ref));
                    }
                }
    CHECK(bad == 0, "atan, asinh, acosh at %d huge complex arguments: within "
          "1 ulp of MPC at 200 more bits in each part (%d off)", n, bad);
    mpc_clear(z);
    mpc_clear(got);
    mpc_clear(ref);
}

int main(void)
{
    st = nb_store_new();
    V[0] = nb_sym(st, "x");
    V[1] = nb_sym(st, "y");
    V[2] = nb_sym(st, "z");
    for (size_t i = 0; i < sizeof analytic / sizeof *analytic; i++)
        step_check(analytic[i]);
    not_analytic();
    isa();
    many_registers();
    limits();
    huge_arguments();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
