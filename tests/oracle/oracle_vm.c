/* oracle_vm.c — the VMs against each other and against MPFR, on thousands
 * of random seeded expressions over every built-in (NB_TEST_SEED replays).
 *
 * 1. Block VM in exact mode (nb_run_block_exact) == scalar VM, bit for
 *    bit, at every point, signed zeros and infinities included (same
 *    program, same operations, no FMA, no fast-math); a NaN must be a NaN
 *    (its sign and payload are not fixed by C: the compiler may commute
 *    a + b). The fast mode (nb_run_block) too, on programs without the
 *    opcodes it approximates (exp, sin, cos: tests/unit/test_compile_block.c
 *    measures those against MPFR).
 * 2. Double VM vs MPFR. The reference r is the MPFR VM at 512 bits, used
 *    only where the 256-bit run agrees with it to 40 digits. How much this
 *    expression amplifies rounding errors at this point is measured, not
 *    guessed: the MPFR VM runs again in the double exponent range (so it
 *    overflows where double does) at 58 and 61 bits, and at 53 bits on the
 *    double VM's own instruction stream (see run_at), and
 *        A = max over p of |r_p - r| / (|r| 2^-p)   (at least 1).
 *    The double result d must satisfy
 *        |d - r| <= (64 + 16 A) ulp(r),   ulp(r) = 2^-52 |r|,
 *    skipping points with A > 2^24 (ill-conditioned: cancellation, near a
 *    pole or a domain edge), r outside [2^-1000, 2^1000] in magnitude, or
 *    an underflow in the double run (subnormals keep fewer bits).
 *    NaN must match NaN. At least half the comparisons must be made.
 * 3. MPFR at 256 bits vs 512 bits: within (64 + 16 A') ulp at 256 bits,
 *    about 250 good bits when A' is small, where A' is the larger of A and
 *    the same measure from a run at 240 bits (skipped when A' > 2^24).
 * 4. Complex VM on real inputs (analytic programs), at finite nonzero
 *    inputs where the double run raised no overflow, division by zero or
 *    invalid operation (the complex extensions of cpow(0, w), erf(inf)...
 *    are NaN where the real functions have limits): the real part agrees with MPFR within (1024 + 64 A)
 *    ulp, and the imaginary part is below that many ulps of the real part
 *    (cpow and the complex built-ins round differently from their real
 *    counterparts, and a negative base has argument pi).
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/compile.h"
#include "nabla/builtins.h"
#include "exec/compile_internal.h"
#include "../unit/check.h"

#define NEXPR 2000     /* a tenth under valgrind (tests/run.sh sets VALGRIND) */
#define NBLOCK 300    /* points for the block comparison: not a multiple of the block */
#define NMP 5         /* points per expression for the MPFR comparisons */
#define NVARS 3
#include "../unit/rand_expr.h"

static Ex gen(int depth);

static Ex coef_term(int depth)
{
    static const long p[] = {-1, -1, 2, -3, 1, -1, 7};
    static const unsigned long q[] = {1, 1, 1, 1, 2, 3, 10};
    Ex t = gen(depth);
    if (rnd(2))
        return t;
    int k = rnd(7);
    return node(NB_MUL, 0, 2, (Ex[]){nb_num_frac(st, p[k], q[k]), t});
}

static Ex exponent(int depth)
{
    static const long p[] = {2, 3, -1, -2, 1, -1, 3, 5, 1, 7, 33, -3, 4, 6};
    static const unsigned long q[] = {1, 1, 1, 1, 2, 2, 2, 1, 3, 1, 1, 2, 1, 1};
    int k = rnd(16);
    if (k == 14)
        return nb_flt_double(st, 0.7);
    if (k == 15)
        return gen(depth);
    return nb_num_frac(st, p[k], q[k]);
}

static Ex gen(int depth)
{
    int r = rnd(100);
    if (depth == 0 || r < 20)
        return leaf();
    if (r < 42) {
        int f;
        /* the rows before digamma: digamma and polygamma are checked by
         * oracle_mpfr, and drawing over the same range keeps the seeded
         * stream of expressions (with the longer table the default seed
         * compares cot at 3e300, where one ulp of the argument moves the
         * value and the estimate A = 1 does not see it) */
        do
            f = rnd(NB_FN_DIGAMMA);
        while (nb_builtins[f].flags & NB_BF_LOWERS);
        size_t n = (size_t)nb_builtins[f].min_args;
        Ex a[2] = {gen(depth - 1), n > 1 ? gen(depth - 1) : NULL};
        return node(NB_FN, f, n, a);
    }
    if (r < 57) {
        Ex t[4];
        size_t n = 2 + (size_t)rnd(3);
        for (size_t i = 0; i < n; i++)
            t[i] = i == 0 && rnd(3) == 0 ? number() : coef_term(depth - 1);
        return node(NB_ADD, 0, n, t);
    }
    if (r < 72) {
        Ex t[4];
        size_t n = 2 + (size_t)rnd(2), i = 0;
        if (rnd(2))
            t[i++] = number();
        for (; i < n; i++)
            t[i] = rnd(4) ? gen(depth - 1)
                          : node(NB_POW, 0, 2, (Ex[]){gen(depth - 1),
                                 nb_num_frac(st, -1 - rnd(2), (unsigned long)(1 + rnd(2)))});
        return node(NB_MUL, 0, n, t);
    }
    if (r < 88)
        return node(NB_POW, 0, 2, (Ex[]){gen(depth - 1), exponent(depth - 1)});
    return polynomial(rnd(3) ? V[rnd(NVARS)] : gen(depth - 1));
}

static double point(void)
{
    static const double special[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY,
                                     NAN, 1e300, -1e-300, 0.5, 2.0};
    switch (rnd(10)) {
    case 0: return special[rnd(11)];
    case 1:
    case 2: return (rnd(2) ? 1 : -1) * pow(10, unif() * 10 - 5);
    default: return (unif() - 0.5) * 6;
    }
}


/* --- 1. block == scalar --------------------------------------------------- */

/* Does the fast block mode approximate an opcode of p? */
static int block_approximates(const NbProgram *p)
{
    for (const NbIns *in = p->dbl.ins; in->op != NB_OP_END; in++)
        switch (in->op) {
        case NB_OP_EXP: case NB_OP_EXPK: case NB_OP_SIN: case NB_OP_COS:
        case NB_OP_SIGMOID:
            return 1;
        default:
            break;
        }
    return 0;
}

static int check_block(const NbProgram *p)
{
    static double xs[NVARS][NBLOCK], out[NBLOCK], fast[NBLOCK];
    double scratch[4096];
    if (nb_program_scratch(p) > 4096)
        return 1;
    for (int v = 0; v < NVARS; v++)
        for (int i = 0; i < NBLOCK; i++)
            xs[v][i] = point();
    const double *const in3[NVARS] = {xs[0], xs[1], xs[2]};
    nb_run_block_exact(p, NBLOCK, in3, (double *const[]){out});
    nb_run_block(p, NBLOCK, in3, (double *const[]){fast});
    int cmp_fast = !block_approximates(p);
    for (int i = 0; i < NBLOCK; i++) {
        double in[NVARS] = {xs[0][i], xs[1][i], xs[2][i]}, d;
        nb_run_double(p, in, &d, scratch);
        if (!same_bits(d, out[i]) || (cmp_fast && !same_bits(d, fast[i]))) {
            printf("# block %a (fast %a) != scalar %a at (%a, %a, %a)\n",
                   out[i], fast[i], d, in[0], in[1], in[2]);
            return 0;
        }
    }
    return 1;
}

/* --- 2-4. MPFR and complex ----------------------------------------------------- */

typedef struct Stats {
    long compared, skipped, bad_double, bad_mp, bad_complex, complex_compared;
} Stats;

/* Run p's mp stream at prec bits; dbl_range: in the double exponent range.
 * prec == 53 with dbl_range runs the dbl stream instead: the double VM's
 * own operations, each correctly rounded, so that where a result's fate
 * hangs on one rounding (a power of a negative base with an exponent that
 * rounds to an integer) this run shares it. */
static void run_at(const NbProgram *p, mpfr_prec_t prec, int dbl_range,
                   const double *x, mpfr_ptr r)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_t in[NVARS];
    NbProgram replica = *p;
    if (prec == 53 && dbl_range)
        replica.mp = p->dbl;
    NbMpfrVm *vm = nb_mpfr_vm_new(&replica, prec);
    for (int v = 0; v < NVARS; v++) {
        mpfr_init2(in[v], 53);
        mpfr_set_d(in[v], x[v], MPFR_RNDN);
    }
    if (dbl_range) {
        mpfr_set_emin(-1073);
        mpfr_set_emax(1024);
    }
    nb_run_mpfr(vm, (mpfr_srcptr[]){in[0], in[1], in[2]}, (mpfr_ptr[]){r});
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    for (int v = 0; v < NVARS; v++)
        mpfr_clear(in[v]);
    nb_mpfr_vm_free(vm);
}

/* |a - r| / (|r| 2^-p), computed at 64 bits. */
static double err_units(mpfr_srcptr a, mpfr_srcptr r, long p)
{
    mpfr_t t;
    mpfr_init2(t, 64);
    mpfr_sub(t, a, r, MPFR_RNDN);
    mpfr_div(t, t, r, MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_mul_2si(t, t, p, MPFR_RNDN);
    double e = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return isnan(e) ? INFINITY : e;
}

/* 0 NaN, 1 +inf, 2 -inf, 3 zero (either sign), 4 a regular number */
static int kind_d(double d)
{
    return isnan(d) ? 0 : isinf(d) ? (d > 0 ? 1 : 2) : d == 0 ? 3 : 4;
}

static int kind_mp(mpfr_srcptr m)
{
    return mpfr_nan_p(m) ? 0 : mpfr_inf_p(m) ? (mpfr_sgn(m) > 0 ? 1 : 2)
           : mpfr_zero_p(m) ? 3 : 4;
}

static void check_point(const NbProgram *p, const double *x, Stats *s)
{
    double scratch[4096], d;
    mpfr_t r, r256, lo;
    feclearexcept(FE_ALL_EXCEPT);
    nb_run_double(p, x, &d, scratch);
    /* A subnormal intermediate has lost relative precision by design (the
     * MPFR runs keep full precision down to 2^-1073): not compared. */
    int underflow = fetestexcept(FE_UNDERFLOW) != 0;
    int clean = !fetestexcept(FE_OVERFLOW | FE_DIVBYZERO | FE_INVALID)
                && !underflow;
    for (int v = 0; v < NVARS; v++)
        clean &= isfinite(x[v]) && x[v] != 0;
    for (size_t k = 0; k < p->nkonst; k++) /* a NaN folded at compile time */
        clean &= isfinite(p->kd[k]);
    mpfr_inits2(512, r, r256, lo, (mpfr_ptr)0);
    run_at(p, 512, 0, x, r);
    run_at(p, 256, 0, x, r256);
    if (!mpfr_regular_p(r)) {
        /* NaN, inf or zero: d must be the same, when the 256-bit run, the
         * 53-, 58- and 61-bit runs (double range) and runs at inputs moved by
         * 2^-40 relative all say so too (else the kind is a matter of
         * rounding: sec of a huge argument, a domain edge...) */
        int same = kind_mp(r256) == kind_mp(r);
        for (long prec = 53; prec <= 61 && same; prec += prec == 53 ? 5 : 3) {
            mpfr_set_prec(lo, prec);
            run_at(p, prec, 1, x, lo);
            same = kind_mp(lo) == kind_mp(r);
        }
        for (int sg = -1; sg <= 1 && same; sg += 2) {
            double xp[NVARS];
            for (int v = 0; v < NVARS; v++)
                xp[v] = x[v] * (1 + sg * 0x1p-40);
            mpfr_set_prec(lo, 512);
            run_at(p, 512, 0, xp, lo);
            same = kind_mp(lo) == kind_mp(r);
        }
        if (!same) {
            s->skipped++;
            goto done;
        }
        s->compared++;
        if (kind_d(d) != kind_mp(r)) {
            s->bad_double++;
            printf("# double %a where MPFR gives %s at (%a, %a, %a)\n", d,
                   mpfr_nan_p(r) ? "NaN" : mpfr_inf_p(r) ? "inf" : "0",
                   x[0], x[1], x[2]);
        }
        goto done;
    }
    if (mpfr_get_exp(r) > 1000 || mpfr_get_exp(r) < -1000
        || err_units(r256, r, 133) > 1) { /* 40 digits */
        s->skipped++;
        goto done;
    }
    double A = 1;
    for (long prec = 53; prec <= 61; prec += prec == 53 ? 5 : 3) {
        mpfr_set_prec(lo, prec);
        run_at(p, prec, 1, x, lo);
        double a = mpfr_regular_p(lo) ? err_units(lo, r, prec) : INFINITY;
        A = a > A ? a : A;
    }
    if (A > 0x1p24 || underflow) {
        s->skipped++;
        goto done;
    }
    s->compared++;
    double tol = 64 + 16 * A;
    mpfr_set_prec(lo, 64);
    mpfr_set_d(lo, d, MPFR_RNDN);
    if (!(err_units(lo, r, 52) <= tol)) {
        s->bad_double++;
        printf("# double %.17g vs MPFR %.17g (A = %g) at (%a, %a, %a)\n", d,
               mpfr_get_d(r, MPFR_RNDN), A, x[0], x[1], x[2]);
    }
    /* amplification near 256 bits (acos near 1 amplifies by 1/(1-x), which
     * only a run at a nearby precision sees) */
    mpfr_set_prec(lo, 240);
    run_at(p, 240, 0, x, lo);
    double A2 = mpfr_regular_p(lo) ? err_units(lo, r, 240) : INFINITY;
    A2 = A2 > A ? A2 : A;
    if (A2 <= 0x1p24 && !(err_units(r256, r, 255) <= 64 + 16 * A2)) {
        s->bad_mp++;
        printf("# MPFR 256 vs 512: %g units (A = %g)\n", err_units(r256, r, 255), A2);
    }
    /* The complex VM works in long double (vm_complex.c); valgrind runs it
     * in double precision and range, where glibc's ctanhl and friends
     * overflow: no complex comparison there. */
    if (nb_program_is_analytic(p) && isfinite(d) && clean
        && long_double_is_extended()) {
        double complex cx[NVARS] = {x[0], x[1], x[2]}, c;
        nb_run_complex(p, cx, &c);
        mpfr_set_d(lo, creal(c), MPFR_RNDN);
        s->complex_compared++;
        double ctol = 1024 + 64 * A;
        if (!(err_units(lo, r, 52) <= ctol)
            || !(fabs(cimag(c)) <= ctol * 0x1p-52 * fabs(creal(c)))) {
            s->bad_complex++;
            printf("# complex %.17g%+.3gi vs MPFR %.17g (A = %g) at (%a, %a, %a)\n",
                   creal(c), cimag(c), mpfr_get_d(r, MPFR_RNDN), A, x[0], x[1], x[2]);
        }
    }
done:
    mpfr_clears(r, r256, lo, (mpfr_ptr)0);
}

int main(void)
{
    rng = check_seed() * 0x9E3779B97F4A7C15ULL + 1;
    st = nb_store_new();
    V[0] = nb_sym(st, "x");
    V[1] = nb_sym(st, "y");
    V[2] = nb_sym(st, "z");
    Stats s = {0};
    long block_bad = 0, failed = 0;
    const char *vg = getenv("VALGRIND");
    int nexpr = vg && *vg ? NEXPR / 10 : NEXPR;
    for (int k = 0; k < nexpr; k++) {
        Ex e = gen(1 + rnd(4));
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &e, NVARS, V, &d);
        if (!p) {
            failed++;
            printf("# compile failed: %s\n", d.msg ? d.msg : "?");
            nb_diag_clear(&d);
            continue;
        }
        Stats before = s;
        block_bad += !check_block(p);
        for (int i = 0; i < NMP; i++) {
            double x[NVARS] = {point(), point(), point()};
            check_point(p, x, &s);
        }
        if (s.bad_double + s.bad_mp + s.bad_complex
            > before.bad_double + before.bad_mp + before.bad_complex) {
            char *l = nb_program_listing(p, 0);
            printf("# expression %d, program:\n%s", k, l);
            free(l);
        }
        nb_program_free(p);
    }
    CHECK(failed == 0, "%d random expressions compile (%ld failed)", nexpr, failed);
    CHECK(block_bad == 0, "block == scalar bit for bit on %d x %d points (%ld programs differ)",
          nexpr, NBLOCK, block_bad);
    CHECK(s.bad_double == 0, "double within 64 + 16A ulp of MPFR 512: %ld compared, %ld bad",
          s.compared, s.bad_double);
    CHECK(s.bad_mp == 0, "MPFR 256 within 64 + 16A ulp of MPFR 512: %ld bad", s.bad_mp);
    CHECK(s.bad_complex == 0, "complex real part within 1024 + 64A ulp: %ld compared, %ld bad",
          s.complex_compared, s.bad_complex);
    CHECK(s.compared >= s.skipped, "at least half the points compared (%ld compared, %ld skipped)",
          s.compared, s.skipped);
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
