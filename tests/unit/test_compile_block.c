/* test_compile_block.c — the block VM's two modes and its vectorised
 * kernels (src/mathfn/block_math.c).
 *
 * Expected values come from MPFR at 256 bits, never from the code under
 * test: each kernel's error is measured in ulps of the exact result over
 * random and hard arguments (near multiples of pi/2, overflow and
 * underflow edges, subnormals, non-finite) and must stay within
 * NB_VMATH_ULP. The fast block run of the five benchmark expressions is
 * checked against MPFR the same way, and the exact mode against the scalar
 * VM bit for bit.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/compile.h"
#include "nabla/builtins.h"
#include "nabla/simplify.h"
#include "exec/compile_internal.h"
#include "mathfn/block_math.h"
#include "check.h"

typedef const NbExpr *Ex;
static NbStore *st;
static Ex X, Y;

static uint64_t rng_state;

static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13; /* xorshift64 */
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double unif(double lo, double hi)
{
    return lo + (hi - lo) * (double)(rnd64() >> 11) * 0x1p-53;
}

/* Error of d in ulps of the exact value e (MPFR, 256 bits): |d - e| over
 * the spacing of doubles at e (2^-1074 in the subnormal range). Equal
 * non-finite values (inf also where e rounds to it) and equal signed zeros
 * are 0; any other mismatch in kind is infinite. */
static double ulp_err(double d, mpfr_srcptr e)
{
    if (mpfr_nan_p(e))
        return isnan(d) ? 0 : INFINITY;
    if (isnan(d))
        return INFINITY;
    if (mpfr_inf_p(e) || isinf(d)) /* e may round to inf */
        return mpfr_get_d(e, MPFR_RNDN) == d ? 0 : INFINITY;
    if (mpfr_zero_p(e))
        return d == 0 && !signbit(d) == !mpfr_signbit(e) ? 0 : INFINITY;
    mpfr_exp_t ex = mpfr_get_exp(e); /* e in [2^(ex-1), 2^ex) */
    if (ex - 53 < -1074)
        ex = -1074 + 53;
    mpfr_t t;
    mpfr_init2(t, 256);
    mpfr_set_d(t, d, MPFR_RNDN);
    mpfr_sub(t, t, e, MPFR_RNDN);
    mpfr_mul_2si(t, t, 53 - ex, MPFR_RNDN);
    double u = fabs(mpfr_get_d(t, MPFR_RNDN));
    mpfr_clear(t);
    return u;
}

typedef void Kernel(double *, const double *, size_t);
typedef int MpFn(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

/* Run k over pts[0..n) one block at a time; the maximum error in ulps. */
static double kernel_err(Kernel *k, MpFn *f, const double *pts, size_t n,
                         double *worst_at)
{
    static double a[NB_BLOCK], d[NB_BLOCK];
    double max = 0;
    mpfr_t e;
    mpfr_init2(e, 256);
    for (size_t off = 0; off < n; off += NB_BLOCK) {
        size_t m = n - off < NB_BLOCK ? n - off : NB_BLOCK;
        for (size_t i = 0; i < NB_BLOCK; i++)
            a[i] = i < m ? pts[off + i] : NAN; /* the dead lanes: NaN */
        k(d, a, m);
        for (size_t i = 0; i < m; i++) {
            mpfr_set_d(e, a[i], MPFR_RNDN);
            f(e, e, MPFR_RNDN);
            double u = ulp_err(d[i], e);
            if (!(u <= max)) {
                max = u;
                *worst_at = a[i];
            }
        }
    }
    mpfr_clear(e);
    return max;
}

enum { NPTS = 200000 };

/* Arguments for exp: uniform over the whole finite range and near 0,
 * the edges of the vector path (708) and of overflow and underflow. */
static void exp_points(double *p)
{
    static const double special[] = {0.0, -0.0, 1.0, -1.0, 708.0, -708.0,
        0x1.62e42fefa39efp+9, 0x1.62e42fefa39f0p+9, -745.1332191019411,
        -745.2, 709.78, 710, -746, 1e-300, -1e-310, 0x1p-1074, INFINITY,
        -INFINITY, NAN, 0.34657359027997264, -0.34657359027997264};
    size_t ns = sizeof special / sizeof special[0];
    for (size_t i = 0; i < NPTS; i++) {
        switch (i % 4) {
        case 0: p[i] = unif(-745, 710); break;
        case 1: p[i] = unif(-20, 20); break;
        case 2: p[i] = (rnd64() & 1 ? 1 : -1) * pow(2, unif(-60, 3)); break;
        default: p[i] = unif(707.5, 708.5) * (rnd64() & 1 ? 1 : -1); break;
        }
    }
    memcpy(p, special, ns * sizeof *p);
}

/* Arguments for sin and cos: small, medium, up to and past the vector
 * limit, subnormals, and doubles nearest to multiples of pi/2 (where the
 * reduction cancels most). */
static void trig_points(double *p)
{
    static const double special[] = {0.0, -0.0, 0x1p-1074, -0x1p-1074,
        1e-300, 0x1p-27, 0x1p-26, 1.5707963267948966, 3.141592653589793,
        -4.71238898038469, 6.283185307179586, 0x1.8p20, -0x1.8p20,
        0x1.7ffffffffffffp20, 1e22, 1e300, INFINITY, -INFINITY, NAN,
        0.7853981633974483, -0.7853981633974483, 355, 103993, 1647099.0};
    size_t ns = sizeof special / sizeof special[0];
    for (size_t i = 0; i < NPTS; i++) {
        switch (i % 5) {
        case 0: p[i] = unif(-10, 10); break;
        case 1: p[i] = unif(-2e6, 2e6); break;
        case 2: p[i] = (rnd64() & 1 ? 1 : -1) * pow(2, unif(-40, 21)); break;
        case 3: {
            double k = floor(unif(-1e6, 1e6));
            double x = k * 1.5707963267948966;
            long s = (long)(rnd64() % 9) - 4;
            for (; s > 0; s--)
                x = nextafter(x, INFINITY);
            for (; s < 0; s++)
                x = nextafter(x, -INFINITY);
            p[i] = x;
            break;
        }
        default: p[i] = unif(-1e-3, 1e-3); break;
        }
    }
    memcpy(p, special, ns * sizeof *p);
}

static void test_kernels(void)
{
    double *p = malloc(NPTS * sizeof *p), at = 0, u;
    exp_points(p);
    u = kernel_err(nb_block_exp, mpfr_exp, p, NPTS, &at);
    printf("# exp: max error %.3f ulp at %a\n", u, at);
    CHECK(u <= NB_VMATH_ULP, "block exp within %g ulp (max %.3f at %a)",
          NB_VMATH_ULP, u, at);
    trig_points(p);
    u = kernel_err(nb_block_sin, mpfr_sin, p, NPTS, &at);
    printf("# sin: max error %.3f ulp at %a\n", u, at);
    CHECK(u <= NB_VMATH_ULP, "block sin within %g ulp (max %.3f at %a)",
          NB_VMATH_ULP, u, at);
    u = kernel_err(nb_block_cos, mpfr_cos, p, NPTS, &at);
    printf("# cos: max error %.3f ulp at %a\n", u, at);
    CHECK(u <= NB_VMATH_ULP, "block cos within %g ulp (max %.3f at %a)",
          NB_VMATH_ULP, u, at);
    free(p);
}

/* Special values come out exactly as libm gives them. */
static void test_kernel_specials(void)
{
    static const double pts[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 710,
                                 -746, 0x1p-1074, -0x1p-1074, 1e300};
    enum { N = sizeof pts / sizeof pts[0] };
    static double a[NB_BLOCK], d[NB_BLOCK];
    Kernel *const k[3] = {nb_block_exp, nb_block_sin, nb_block_cos};
    double (*const f[3])(double) = {exp, sin, cos};
    static const char *const name[3] = {"exp", "sin", "cos"};
    for (int j = 0; j < 3; j++) {
        memcpy(a, pts, sizeof pts);
        k[j](d, a, N);
        int ok = 1;
        for (int i = 0; i < N; i++) {
            double w = f[j](pts[i]);
            ok &= memcmp(&w, &d[i], sizeof w) == 0 || (isnan(w) && isnan(d[i]));
        }
        CHECK(ok, "block %s of 0, -0, inf, NaN, overflow, subnormals: as libm",
              name[j]);
    }
}

/* --- the block VM ------------------------------------------------------ */

static Ex fn1(NbFnId f, Ex a) { return nb_fn1(st, f, a); }
static Ex num(long v) { return nb_num_si(st, v); }
static Ex sq(Ex a) { return nb_pow_si(st, a, 2); }

/* The five expressions of issue 6 (bench/bench_eval.c builds the same). */
static Ex bench_expr(int which)
{
    switch (which) {
    case 0:
        return nb_mul2(st, fn1(NB_FN_SIN, X),
                       fn1(NB_FN_EXP, nb_div(st, nb_neg(st, sq(X)), num(2))));
    case 1:
        return nb_add2(st, sq(nb_sub(st, num(1), X)),
                       nb_mul2(st, num(100), sq(nb_sub(st, Y, sq(X)))));
    case 2:
        return nb_div(st, num(1),
                      nb_add2(st, num(1), fn1(NB_FN_EXP, nb_neg(st, X))));
    case 3: {
        static const long c[9] = {9, -6, 4, -1, 7, -2, 5, -3, 1};
        Ex t = num(c[0]);
        for (long k = 1; k <= 8; k++)
            t = nb_add2(st, t, nb_mul2(st, num(c[k]), nb_pow_si(st, X, k)));
        return t;
    }
    default:
        return nb_add2(st,
            nb_sub(st,
                nb_add2(st, sq(fn1(NB_FN_SIN, X)),
                        nb_mul2(st, fn1(NB_FN_COS, nb_mul2(st, num(2), X)),
                                nb_pow_si(st, X, 3))),
                nb_div(st, fn1(NB_FN_ATAN, nb_div(st, X, num(3))),
                       nb_add2(st, num(1), sq(X)))),
            fn1(NB_FN_SQRT, nb_add2(st, num(1), nb_pow_si(st, X, 4))));
    }
}

static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Exact mode equals the scalar VM bit for bit; fast mode equals it where
 * the program has no exp, sin or cos, and is within a few ulps of MPFR at
 * 256 bits on (a) and (c) (each kernel within 1 ulp, then one or two
 * roundings of the surrounding arithmetic, none of it cancelling on
 * these points); (e) cancels (libm too is 1000 ulps off), so there the
 * fast error is held to that of the exact mode. */
static void test_modes(void)
{
    enum { N = 3001 };  /* not a multiple of the block */
    double *xs = malloc(N * sizeof *xs), *ys = malloc(N * sizeof *ys);
    double *fast = malloc(N * sizeof *fast), *exact = malloc(N * sizeof *exact);
    static const double bound[5] = {3, 0, 3, 0, -1};
    for (int i = 0; i < N; i++) {
        xs[i] = unif(-2, 2);
        ys[i] = unif(-1, 3);
    }
    for (int e = 0; e < 5; e++) {
        Ex f = bench_expr(e);
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &f, 2, (Ex[]){X, Y}, &d);
        const double *in[2] = {xs, ys};
        nb_run_block(p, N, in, (double *const[]){fast});
        nb_run_block_exact(p, N, in, (double *const[]){exact});
        NbMpfrVm *vm = nb_mpfr_vm_new(p, 256);
        mpfr_t mx, my, mo;
        mpfr_inits2(256, mx, my, mo, (mpfr_ptr)0);
        double scratch[64], max_fast = 0, max_exact = 0;
        int bits_exact = 1, bits_fast = 1;
        for (int i = 0; i < N; i++) {
            double s;
            nb_run_double(p, (double[]){xs[i], ys[i]}, &s, scratch);
            bits_exact &= same(s, exact[i]);
            bits_fast &= same(s, fast[i]);
            mpfr_set_d(mx, xs[i], MPFR_RNDN);
            mpfr_set_d(my, ys[i], MPFR_RNDN);
            nb_run_mpfr(vm, (mpfr_srcptr[]){mx, my}, (mpfr_ptr[]){mo});
            double uf = ulp_err(fast[i], mo), ue = ulp_err(exact[i], mo);
            max_fast = uf > max_fast ? uf : max_fast;
            max_exact = ue > max_exact ? ue : max_exact;
        }
        CHECK(bits_exact, "(%c) exact block equals the scalar VM bit for bit",
              'a' + e);
        if (bound[e] == 0)
            CHECK(bits_fast, "(%c) fast block equals the scalar VM bit for bit",
                  'a' + e);
        else if (bound[e] > 0)
            CHECK(max_fast <= bound[e], "(%c) fast block within %g ulp of "
                  "MPFR (max %.3f; libm's exact mode %.3f)", 'a' + e,
                  bound[e], max_fast, max_exact);
        else /* (e) cancels: no worse than libm's error, doubled */
            CHECK(max_fast <= 2 * max_exact + 2, "(%c) fast block error "
                  "%.3f ulp, libm's exact mode %.3f", 'a' + e, max_fast,
                  max_exact);
        mpfr_clears(mx, my, mo, (mpfr_ptr)0);
        nb_mpfr_vm_free(vm);
        nb_program_free(p);
    }
    free(xs);
    free(ys);
    free(fast);
    free(exact);
}

/* Every built-in in both modes: exact equals eval_d bit for bit; fast too,
 * except exp, sin, cos and sigmoid, within 2 ulps of eval_d (each is
 * within 1 ulp of the exact value; sigmoid is one more division). */
static void test_builtins(void)
{
    enum { NP = 4096 };
    static double pts[NP], ys[NP], fast[NP], exact[NP];
    for (int i = 0; i < NP; i++) {
        pts[i] = i % 3 ? unif(-12, 12) : unif(-800, 800);
        ys[i] = unif(-5, 5);
    }
    static const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN,
                                     710, -746, 1e300, -1e-310};
    memcpy(pts, special, sizeof special);
    for (int f = 0; f < NB_FN__COUNT; f++) {
        const NbBuiltin *b = &nb_builtins[f];
        if (b->flags & NB_BF_LOWERS)
            continue;
        Ex e = nb_intern(st, NB_FN, f, (size_t)b->min_args, (Ex[]){X, Y});
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &e, 2, (Ex[]){X, Y}, &d);
        if (!p)
            continue;
        const double *in[2] = {pts, ys};
        nb_run_block(p, NP, in, (double *const[]){fast});
        nb_run_block_exact(p, NP, in, (double *const[]){exact});
        int approx = f == NB_FN_EXP || f == NB_FN_SIN || f == NB_FN_COS
                     || f == NB_FN_SIGMOID;
        int ok_exact = 1, ok_fast = 1;
        for (int i = 0; i < NP; i++) {
            double want = b->eval_d((double[]){pts[i], ys[i]});
            ok_exact &= same(exact[i], want);
            if (!approx || !isfinite(want) || want == 0)
                ok_fast &= same(fast[i], want);
            else
                ok_fast &= fabs(fast[i] - want)
                           <= 2 * (nextafter(fabs(want), INFINITY) - fabs(want));
        }
        CHECK(ok_exact, "%s: exact block equals eval_d bit for bit", b->name);
        CHECK(ok_fast, "%s: fast block %s eval_d", b->name,
              approx ? "within 2 ulp of" : "equals");
        nb_program_free(p);
    }
}

int main(void)
{
    rng_state = check_seed() * 2654435761u + 1;
    st = nb_store_new();
    X = nb_sym(st, "x");
    Y = nb_sym(st, "y");
    test_kernels();
    test_kernel_specials();
    test_modes();
    test_builtins();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
