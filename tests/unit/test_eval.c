/* test_eval.c — one-shot evaluation: exact folding, errors, MPFR precision.
 *
 * Nodes are built with nb_intern (no simplification), so eval itself is
 * what is tested. Expected values come from GMP directly, from libm, or
 * from raw MPFR calls at a much higher precision made here.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <gmp.h>
#include <mpfr.h>

#include "nabla/nabla.h"
#include "check.h"

static NbStore *st;

static const NbExpr *num(long v) { return nb_num_si(st, v); }
static const NbExpr *frac(long n, unsigned long d) { return nb_num_frac(st, n, d); }

static const NbExpr *op2(NbKind k, const NbExpr *a, const NbExpr *b)
{
    const NbExpr *args[2] = {a, b};
    return nb_intern(st, k, 0, 2, args);
}

static const NbExpr *fn1(NbFnId id, const NbExpr *a)
{
    return nb_intern(st, NB_FN, (int)id, 1, &a);
}

static void test_exact(void)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *v = nb_eval_number(st, op2(NB_ADD, frac(1, 3), frac(1, 6)),
                                     NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, 1, 2) == 0,
          "1/3 + 1/6 is exactly 1/2");

    mpz_t z;
    mpz_init(z);
    mpz_ui_pow_ui(z, 2, 200);
    v = nb_eval_number(st, op2(NB_POW, num(2), num(200)), 256, &d);
    CHECK(v && v->kind == NB_NUM && mpz_cmp(mpq_numref(v->u.q), z) == 0,
          "2^200 is exact at any precision");
    mpz_clear(z);

    v = nb_eval_number(st, op2(NB_POW, num(4), frac(1, 2)), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, 2, 1) == 0,
          "4^(1/2) is exactly 2");
    v = nb_eval_number(st, op2(NB_POW, frac(8, 27), frac(-2, 3)), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, 9, 4) == 0,
          "(8/27)^(-2/3) is exactly 9/4");
    v = nb_eval_number(st, op2(NB_POW, num(2), frac(1, 2)), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_get_d(v->u.f, MPFR_RNDN) == sqrt(2.0),
          "2^(1/2) is the double sqrt(2)");
    v = nb_eval_number(st, op2(NB_POW, num(-1), num(1000001)), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, -1, 1) == 0,
          "(-1)^1000001 is -1 without computing a power");

    v = nb_eval_number(st, fn1(NB_FN_FLOOR, frac(-7, 2)), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, -4, 1) == 0,
          "floor(-7/2) is exactly -4");
    v = nb_eval_number(st, fn1(NB_FN_ABS, frac(-3, 4)), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, 3, 4) == 0,
          "abs(-3/4) is exactly 3/4");
    v = nb_eval_number(st, fn1(NB_FN_HEAVISIDE, num(0)), NB_PREC_DOUBLE, &d);
    CHECK(v && nb_is_zero(v), "heaviside(0) is 0");
    v = nb_eval_float(st, frac(1, 3), NB_PREC_DOUBLE, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_get_d(v->u.f, MPFR_RNDN) == 1.0 / 3.0,
          "float(1/3) is the double nearest 1/3");
    nb_diag_clear(&d);
}

static const NbExpr *fnn(NbFnId id, size_t n, const NbExpr *const *a)
{
    return nb_intern(st, NB_FN, (int)id, n, a);
}

static int is_q(const NbExpr *v, long num, unsigned long den)
{
    return v && v->kind == NB_NUM && mpq_cmp_si(v->u.q, num, den) == 0;
}

/* The piecewise built-ins on exact arguments give exact results (GMP's
 * floor and ceiling division, comparisons); 0^0 = 1 and 0^n = 0. */
static void test_exact_piecewise(void)
{
    NbDiag d = NB_DIAG_INIT;
    const long P = NB_PREC_DOUBLE;
    CHECK(is_q(nb_eval_number(st, fn1(NB_FN_SIGN, frac(-3, 4)), P, &d), -1, 1), "sign(-3/4) = -1");
    CHECK(is_q(nb_eval_number(st, fn1(NB_FN_SIGN, frac(5, 7)), P, &d), 1, 1), "sign(5/7) = 1");
    CHECK(is_q(nb_eval_number(st, fn1(NB_FN_RELU, frac(-1, 2)), P, &d), 0, 1), "relu(-1/2) = 0");
    CHECK(is_q(nb_eval_number(st, fn1(NB_FN_RELU, frac(5, 3)), P, &d), 5, 3), "relu(5/3) = 5/3");
    CHECK(is_q(nb_eval_number(st, fn1(NB_FN_CEIL, frac(-7, 2)), P, &d), -3, 1), "ceil(-7/2) = -3");
    CHECK(is_q(nb_eval_number(st, fn1(NB_FN_CEIL, frac(7, 2)), P, &d), 4, 1), "ceil(7/2) = 4");
    const NbExpr *ab[3] = {frac(1, 3), frac(1, 4), frac(2, 7)};
    CHECK(is_q(nb_eval_number(st, fnn(NB_FN_MIN, 3, ab), P, &d), 1, 4), "min(1/3, 1/4, 2/7) = 1/4");
    CHECK(is_q(nb_eval_number(st, fnn(NB_FN_MAX, 3, ab), P, &d), 1, 3), "max(1/3, 1/4, 2/7) = 1/3");
    CHECK(is_q(nb_eval_number(st, op2(NB_POW, num(0), num(0)), P, &d), 1, 1), "0^0 = 1");
    CHECK(is_q(nb_eval_number(st, op2(NB_POW, num(0), num(5)), 128, &d), 0, 1), "0^5 = 0");
    nb_diag_clear(&d);
}

static void expect_error(const NbExpr *e, long prec, NbErrCode code,
                         const char *msg_prefix, const char *what)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *v = nb_eval_number(st, e, prec, &d);
    CHECK(!v && d.code == code && d.msg
              && strncmp(d.msg, msg_prefix, strlen(msg_prefix)) == 0,
          "%s: %s", what, d.msg ? d.msg : "(no error)");
    nb_diag_clear(&d);
}

static void test_errors(void)
{
    expect_error(op2(NB_POW, num(0), num(-1)), NB_PREC_DOUBLE, NB_ERR_DOMAIN,
                 "division by zero", "0^-1");
    expect_error(op2(NB_POW, num(0), num(-1)), 128, NB_ERR_DOMAIN,
                 "division by zero", "0^-1 at 128 bits");
    expect_error(fn1(NB_FN_LOG, num(-1)), NB_PREC_DOUBLE, NB_ERR_DOMAIN,
                 "log: argument -1 is outside the domain", "log(-1)");
    expect_error(fn1(NB_FN_LOG, num(-1)), 200, NB_ERR_DOMAIN,
                 "log: argument -1 is outside the domain", "log(-1) at 200 bits");
    expect_error(fn1(NB_FN_LOG, num(0)), NB_PREC_DOUBLE, NB_ERR_DOMAIN,
                 "log: argument 0 is outside the domain", "log(0) is a pole");
    expect_error(fn1(NB_FN_LOG, num(0)), 64, NB_ERR_DOMAIN,
                 "log: argument 0 is outside the domain", "log(0) at 64 bits");
    expect_error(fn1(NB_FN_ASIN, num(2)), NB_PREC_DOUBLE, NB_ERR_DOMAIN,
                 "asin: argument 2 is outside the domain", "asin(2)");
    expect_error(fn1(NB_FN_EXP, num(1000)), NB_PREC_DOUBLE, NB_ERR_OVERFLOW,
                 "exp(1000) overflows the double range", "exp(1000)");
    expect_error(op2(NB_POW, num(-8), frac(1, 3)), NB_PREC_DOUBLE, NB_ERR_DOMAIN,
                 "(-8)^(1/3) is not real", "(-8)^(1/3)");
    expect_error(op2(NB_MUL, nb_flt_double(st, 1e308), num(10)), NB_PREC_DOUBLE,
                 NB_ERR_OVERFLOW, "result overflows the double range",
                 "1e308 * 10 in doubles");
    expect_error(fn1(NB_FN_SIN, nb_sym(st, "x")), NB_PREC_DOUBLE, NB_ERR_UNKNOWN,
                 "'x' has no value", "a free variable");

    /* 10^(10^10) must fail at once, before GMP is asked for 33 Gbit. */
    mpz_t big;
    mpz_init(big);
    mpz_ui_pow_ui(big, 10, 10);
    expect_error(op2(NB_POW, num(10), nb_num_z(st, big)), NB_PREC_DOUBLE,
                 NB_ERR_TOO_LARGE, "result too large to hold exactly", "10^10^10");
    mpz_mul(big, big, big);
    expect_error(op2(NB_POW, num(3), nb_num_z(st, big)), NB_PREC_DOUBLE,
                 NB_ERR_TOO_LARGE, "result too large", "3^(10^20): exponent past a long");
    mpz_clear(big);
    expect_error(op2(NB_POW, num(2), num(NB_MAX_EXACT_BITS)), NB_PREC_DOUBLE,
                 NB_ERR_TOO_LARGE, "result too large", "2^NB_MAX_EXACT_BITS");
    expect_error(frac(1, 3), 1, NB_ERR_PRECISION, "precision must be",
                 "precision 1 is below the minimum");

    /* values that are not numbers, and more arguments than a call takes */
    const NbExpr *v2[2] = {num(1), num(2)};
    const NbExpr *vec = nb_intern(st, NB_VEC, 0, 2, v2);
    expect_error(op2(NB_ADD, vec, num(1)), NB_PREC_DOUBLE, NB_ERR_TYPE,
                 "a vector where a number is expected", "[1, 2] + 1");
    expect_error(op2(NB_MUL, nb_str(st, "s"), num(2)), 64, NB_ERR_TYPE,
                 "a string where a number is expected", "\"s\" * 2 at 64 bits");
    const NbExpr *nine[9];
    for (int i = 0; i < 9; i++)
        nine[i] = nb_flt_double(st, 0.5 + i);
    expect_error(fnn(NB_FN_MIN, 9, nine), NB_PREC_DOUBLE, NB_ERR_ARGS,
                 "min: too many arguments", "min of 9 doubles");
    expect_error(fnn(NB_FN_MAX, 9, nine), 128, NB_ERR_ARGS,
                 "max: too many arguments", "max of 9 at 128 bits");
    NbDiag d = NB_DIAG_INIT;
    double dv;
    CHECK(nb_eval_to_double(st, vec, &dv, &d) == -1 && d.code == NB_ERR_TYPE
              && strcmp(d.msg, "a number is expected") == 0,
          "nb_eval_to_double of a vector: a number is expected");
    nb_diag_clear(&d);
    mpfr_t r;
    mpfr_init2(r, 80);
    CHECK(nb_eval_to_mpfr(st, vec, r, &d) == -1 && d.code == NB_ERR_TYPE,
          "nb_eval_to_mpfr of a vector: a number is expected");
    nb_diag_clear(&d);
    CHECK(nb_eval_to_mpfr(st, fn1(NB_FN_LOG, num(-1)), r, &d) == -1 && d.code == NB_ERR_DOMAIN,
          "nb_eval_to_mpfr passes an evaluation error on");
    nb_diag_clear(&d);
    mpfr_clear(r);

    nb_interrupted = 1;
    expect_error(fn1(NB_FN_SIN, num(1)), NB_PREC_DOUBLE, NB_ERR_INTERRUPTED,
                 "interrupted", "an interrupt stops evaluation");
    nb_interrupted = 0;
}

/* f(x) in MPFR at prec, where x is 1/10 rounded to prec (as nabla rounds an
 * exact argument), against the same function evaluated by MPFR directly at
 * prec + 200 bits and rounded once: they must be equal (correct rounding). */
static void test_mpfr_fn(NbFnId id, int (*ref)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t),
                         const char *name)
{
    static const long precs[] = {2, 17, 53, 64, 113, 256, 1000};
    for (size_t i = 0; i < sizeof precs / sizeof *precs; i++) {
        long p = precs[i];
        NbDiag d = NB_DIAG_INIT;
        const NbExpr *v = nb_eval_number(st, fn1(id, frac(1, 10)), p, &d);
        mpfr_t x, hi, want;
        mpfr_inits2((mpfr_prec_t)p, x, want, (mpfr_ptr)0);
        mpfr_init2(hi, (mpfr_prec_t)p + 200);
        mpfr_set_ui(x, 1, MPFR_RNDN);
        mpfr_div_ui(x, x, 10, MPFR_RNDN);
        ref(hi, x, MPFR_RNDN);
        mpfr_set(want, hi, MPFR_RNDN);
        CHECK(v && v->kind == NB_FLT && mpfr_get_prec(v->u.f) == p
                  && mpfr_equal_p(v->u.f, want),
              "%s(1/10) at %ld bits is correctly rounded", name, p);
        mpfr_clears(x, hi, want, (mpfr_ptr)0);
        nb_diag_clear(&d);
    }
}

/* sin(x)*exp(-x^2/2) at x = 1/3: every operation rounds to prec, so the
 * result is within a few ulps of the value computed at prec + 200 bits. */
static void test_mpfr_compound(void)
{
    static const long precs[] = {24, 53, 113, 256, 2000};
    const NbExpr *x = frac(1, 3);
    const NbExpr *ex = op2(NB_MUL, frac(-1, 2), op2(NB_POW, x, num(2)));
    const NbExpr *e = op2(NB_MUL, fn1(NB_FN_SIN, x), fn1(NB_FN_EXP, ex));
    for (size_t i = 0; i < sizeof precs / sizeof *precs; i++) {
        long p = precs[i];
        NbDiag d = NB_DIAG_INIT;
        const NbExpr *v = nb_eval_number(st, e, p, &d);
        mpfr_t hx, a, b, err;
        mpfr_inits2((mpfr_prec_t)p + 200, hx, a, b, err, (mpfr_ptr)0);
        mpfr_set_ui(hx, 1, MPFR_RNDN);
        mpfr_div_ui(hx, hx, 3, MPFR_RNDN);
        mpfr_sin(a, hx, MPFR_RNDN);
        mpfr_sqr(b, hx, MPFR_RNDN);
        mpfr_div_si(b, b, -2, MPFR_RNDN);
        mpfr_exp(b, b, MPFR_RNDN);
        mpfr_mul(a, a, b, MPFR_RNDN);
        int ok = v && v->kind == NB_FLT;
        if (ok) {
            mpfr_sub(err, v->u.f, a, MPFR_RNDN);
            mpfr_div(err, err, a, MPFR_RNDN);
            mpfr_abs(err, err, MPFR_RNDN);
            mpfr_mul_2si(err, err, p, MPFR_RNDN); /* in units of 2^-p */
            ok = mpfr_cmp_ui(err, 8) < 0;
        }
        CHECK(ok, "sin(x)*exp(-x^2/2) at x=1/3, %ld bits, within 8 ulps", p);
        mpfr_clears(hx, a, b, err, (mpfr_ptr)0);
        nb_diag_clear(&d);
    }
}

static void test_double(void)
{
    NbDiag d = NB_DIAG_INIT;
    double got = 0;
    CHECK(nb_eval_to_double(st, fn1(NB_FN_SIN, num(1)), &got, &d) == 0
              && got == sin(1.0),
          "sin(1) in double mode is libm's sin(1.0)");
    CHECK(nb_eval_to_double(st, fn1(NB_FN_EXP, frac(1, 10)), &got, &d) == 0
              && got == exp(0.1),
          "exp(1/10) is libm's exp(0.1)");
    CHECK(nb_eval_to_double(st, nb_const(st, NB_CONST_PI), &got, &d) == 0
              && got == M_PI,
          "pi as a double");
    mpfr_t r, pi;
    mpfr_init2(r, 300);
    mpfr_init2(pi, 300);
    mpfr_const_pi(pi, MPFR_RNDN);
    CHECK(nb_eval_to_mpfr(st, nb_const(st, NB_CONST_PI), r, &d) == 0
              && mpfr_equal_p(r, pi),
          "pi at 300 bits");
    mpfr_clears(r, pi, (mpfr_ptr)0);
    nb_diag_clear(&d);
}

/* A DAG 20000 levels deep where each level uses the one below twice: a
 * walk without memo would take 2^20000 steps, a recursive one could
 * overflow the stack. */
static void test_deep_shared(void)
{
    const NbExpr *e = num(1);
    for (int i = 0; i < 20000; i++)
        e = op2(NB_ADD, e, e);
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *v = nb_eval_number(st, e, NB_PREC_DOUBLE, &d);
    mpz_t z;
    mpz_init(z);
    mpz_setbit(z, 20000);
    CHECK(v && v->kind == NB_NUM && mpz_cmp(mpq_numref(v->u.q), z) == 0,
          "a 20000-deep shared DAG evaluates exactly to 2^20000");
    mpz_clear(z);
    e = fn1(NB_FN_SIN, num(1));
    for (int i = 0; i < 100000; i++)
        e = fn1(NB_FN_SIN, e);
    v = nb_eval_number(st, e, 64, &d);
    CHECK(v && v->kind == NB_FLT, "100001 nested sin() at 64 bits");
    nb_diag_clear(&d);
}

static void test_cache(void)
{
    NbEvalCache *c = nb_eval_cache_new();
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *e = fn1(NB_FN_SIN, num(1));
    const NbExpr *a = nb_eval_cached(st, c, e, NB_PREC_DOUBLE, 0, &d);
    const NbExpr *b = nb_eval_cached(st, c, e, 100, 0, &d);
    const NbExpr *a2 = nb_eval_cached(st, c, e, NB_PREC_DOUBLE, 0, &d);
    CHECK(a && b && a == a2 && a->is_double && mpfr_get_prec(b->u.f) == 100,
          "a cache follows the precision it is asked for");
    nb_eval_cache_free(c);
    nb_diag_clear(&d);
}

/* The MPFR evaluator runs within the MPFR VM's exponent bound (+-2^20):
 * sin(sinh(5000^2)) at 64 bits overflows at sinh instead of reducing a
 * 36-million-bit argument for minutes, and the caller's range is back. */
static void test_exp_range(void)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    const NbExpr *big = op2(NB_POW, num(5000), num(2));
    const NbExpr *e = fn1(NB_FN_SIN, fn1(NB_FN_SINH, big));
    expect_error(e, 64, NB_ERR_OVERFLOW,
                 "sinh(25000000) overflows the MPFR exponent range",
                 "sin(sinh(5000^2)) at 64 bits");
    expect_error(e, 2, NB_ERR_OVERFLOW, "sinh(25000000) overflows",
                 "sin(sinh(5000^2)) at 2 bits");
    expect_error(e, NB_PREC_DOUBLE, NB_ERR_OVERFLOW,
                 "sinh(25000000) overflows the double range",
                 "sin(sinh(5000^2)) in double");
    CHECK(mpfr_get_emin() == emin && mpfr_get_emax() == emax,
          "the caller's exponent range is restored");
    /* 2^(2^20 - 1) is inside the bound, 2^(2^20) past it */
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *v = nb_eval_float(st, op2(NB_POW, num(2), num((1L << 20) - 1)),
                                    64, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_get_exp(v->u.f) == 1L << 20,
          "float(2^(2^20 - 1)) at 64 bits is a float");
    v = nb_eval_float(st, op2(NB_POW, num(2), num(1L << 20)), 64, &d);
    CHECK(!v && d.code == NB_ERR_OVERFLOW && d.msg
              && strcmp(d.msg, "number too large for the MPFR exponent range") == 0,
          "float(2^(2^20)) at 64 bits: %s", d.msg ? d.msg : "(no error)");
    nb_diag_clear(&d);
    expect_error(fn1(NB_FN_ATAN, op2(NB_POW, num(10), num(400000))), 256,
                 NB_ERR_OVERFLOW, "number too large for the MPFR exponent range",
                 "atan(10^400000) at 256 bits");
    expect_error(fn1(NB_FN_EXP, op2(NB_POW, num(2), num(20))), 113,
                 NB_ERR_OVERFLOW, "exp(1048576) overflows the MPFR exponent range",
                 "exp(2^20) at 113 bits");
    /* far below the bound a result underflows to 0, as a double does */
    v = nb_eval_number(st, fn1(NB_FN_EXP, op2(NB_MUL, num(-1),
                                              op2(NB_POW, num(2), num(30)))),
                       64, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_zero_p(v->u.f),
          "exp(-2^30) at 64 bits underflows to 0");
    nb_diag_clear(&d);
    /* messages show a huge exact argument rounded, not in 301 digits */
    mpz_t z;
    mpz_init(z);
    mpz_ui_pow_ui(z, 10, 300);
    expect_error(fn1(NB_FN_GAMMA, nb_num_z(st, z)), NB_PREC_DOUBLE,
                 NB_ERR_OVERFLOW, "gamma(1e300) overflows the double range",
                 "gamma(10^300): the argument in 17 digits at most");
    mpz_clear(z);
    expect_error(fn1(NB_FN_LGAMMA, nb_flt_double(st, -1e300)), 64,
                 NB_ERR_DOMAIN, "lgamma: argument -1.0000000000000000525e300 is",
                 "lgamma(-1e300) at 64 bits");
    v = nb_eval_number(st, fn1(NB_FN_ERFC, nb_flt_double(st, 1e300)), 64, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_zero_p(v->u.f), "erfc(1e300) is 0");
    v = nb_eval_number(st, fn1(NB_FN_ERF, nb_flt_double(st, -1e300)), 2, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_cmp_si(v->u.f, -1) == 0,
          "erf(-1e300) at 2 bits is -1");
    v = nb_eval_number(st, fn1(NB_FN_LGAMMA, nb_flt_double(st, 1e300)), 64, &d);
    CHECK(v && v->kind == NB_FLT && mpfr_cmp_d(v->u.f, 6.8e302) > 0
              && mpfr_cmp_d(v->u.f, 7e302) < 0,
          "lgamma(1e300) at 64 bits is about 6.9e302");
    nb_diag_clear(&d);
}

/* The base shapes of the power tests: x, sin(x), x + 1/3, built with
 * nb_intern so that nothing folds (nb_subs would round flt^n itself). */
static const NbExpr *pow_base(int shape, const NbExpr *x)
{
    switch (shape) {
    case 0: return x;
    case 1: return fn1(NB_FN_SIN, x);
    default: return op2(NB_ADD, x, frac(1, 3));
    }
}

/* b^q at x = b by eval and by the compiled double VM: the same bits
 * (compile.c computes integer powers by a multiply chain, halves through
 * sqrt), or eval fails where the VM gets inf, NaN or 0. */
static int same_pow(int shape, const NbExpr *q, double b)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *x = nb_sym(st, "x");
    const NbExpr *body = op2(NB_POW, pow_base(shape, x), q);
    NbProgram *p = nb_compile(st, 1, &body, 1, &x, &d);
    double vm = 0, scratch[64];
    int ok = 0;
    if (p && nb_program_scratch(p) <= 64) {
        nb_run_double(p, &b, &vm, scratch);
        const NbExpr *e = op2(NB_POW, pow_base(shape, nb_flt_double(st, b)), q);
        double ev = 0;
        if (nb_eval_to_double(st, e, &ev, &d) == 0)
            ok = memcmp(&ev, &vm, sizeof ev) == 0 || (isnan(ev) && isnan(vm));
        else
            ok = !isfinite(vm) || vm == 0;
        if (!ok)
            printf("# mismatch at x = %a: eval %a, compiled %a (%s)\n", b, ev,
                   vm, d.msg ? d.msg : "no error");
    }
    nb_program_free(p);
    nb_diag_clear(&d);
    return ok;
}

/* Random integer powers -32..32 and halves -65/2..65/2 of x, sin(x) and
 * x + 1/3: one-off evaluation equals compiled evaluation bit for bit. */
static void test_pow_matches_vm(void)
{
    unsigned long seed = check_seed();
    srand((unsigned)seed);
    int bad = 0, n = 0;
    for (int i = 0; i < 3000; i++) {
        long k = rand() % 65 - 32;
        const NbExpr *q = num(k);
        if (i % 3 == 2) {
            k = rand() % 131 - 65;
            q = frac(k, 2);
        }
        if (k == 0)
            continue;
        double b = ldexp((double)rand() / RAND_MAX * 2 - 1, rand() % 40 - 20);
        bad += !same_pow(rand() % 3, q, b);
        n++;
    }
    CHECK(bad == 0, "%d random powers: eval and the compiled VM agree to the "
          "bit (%d differ)", n, bad);
    /* cases where pow() and the chain round differently, and edges */
    CHECK(same_pow(0, num(7), 1.1) && same_pow(0, num(-13), 0.7)
              && same_pow(0, frac(7, 2), 1.3) && same_pow(0, frac(-1, 2), -0.0)
              && same_pow(0, num(31), 1e10) && same_pow(0, num(-3), 0.0)
              && same_pow(0, frac(3, 2), -1.0) && same_pow(1, num(32), 2.0),
          "x^7, x^-13, x^(7/2), (-0)^(-1/2), (1e10)^31, 0^-3, (-1)^(3/2), "
          "sin(2)^32 agree with the VM");
    NbDiag d = NB_DIAG_INIT;
    double got = 0, b = 1.1;
    CHECK(nb_eval_to_double(st, op2(NB_POW, nb_flt_double(st, b), num(7)),
                            &got, &d) == 0 && got == b * b * b * b * b * b * b
              && got != pow(b, 7),
          "1.1^7 in double is the multiply chain (pow() rounds otherwise)");
    nb_diag_clear(&d);
}

/* A double built-in computed through MPFR raises FE_UNDERFLOW when its
 * result is below DBL_MIN, as libm's do (callers read the flag to learn
 * that the result lost bits: fuzz_eval's regress/fuzz_eval/erfc-subnormal),
 * and leaves it clear when the result is normal, or when MPFR's own
 * 53-bit result is already 0 (erfc(1e300), below MPFR's exponent range). */
static void test_underflow_flag(void)
{
    static const struct { const char *fn; double x; int tiny; } cs[] = {
        {"erfc", 26.87, 1},   /* 5.8e-316 */
        {"erfc", 5.0, 0},     /* 1.5e-12, on the continued fraction */
        {"erfc", 1e300, 0},
        {"erfc", 0.5, 0},
        {"gamma", -180.5, 1}, /* 3.2e-330: -0 */
        {"gamma", 3.5, 0},
        {"lgamma", 0.5, 0},
    };
    volatile double tiny = DBL_MIN, v0;
    feclearexcept(FE_ALL_EXCEPT);
    v0 = tiny * 0.3; /* inexact below DBL_MIN: underflow */
    (void)v0;
    if (!fetestexcept(FE_UNDERFLOW)) { /* valgrind keeps no FP flags */
        printf("SKIP underflow flags: this machine keeps no FP flags\n");
        return;
    }
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        const NbBuiltin *b = &nb_builtins[nb_builtin_lookup(cs[i].fn)];
        feclearexcept(FE_ALL_EXCEPT);
        double v = b->eval_d(&cs[i].x);
        int flag = fetestexcept(FE_UNDERFLOW) != 0;
        CHECK(flag == cs[i].tiny, "%s(%g) = %g: underflow flag %d",
              cs[i].fn, cs[i].x, v, flag);
    }
}

int main(void)
{
    /* A watchdog, not a timing test: the evaluations these tests guard
     * (10^10^10, sin(sinh(5000^2)), extreme lgamma) once ran for minutes;
     * should one hang again, SIGALRM ends the program and the suite
     * counts it as failed. */
    alarm(600);
    st = nb_store_new();
    test_exact();
    test_exact_piecewise();
    test_errors();
    test_mpfr_fn(NB_FN_SIN, mpfr_sin, "sin");
    test_mpfr_fn(NB_FN_EXP, mpfr_exp, "exp");
    test_mpfr_fn(NB_FN_LOG, mpfr_log, "log");
    test_mpfr_fn(NB_FN_ATAN, mpfr_atan, "atan");
    test_mpfr_fn(NB_FN_ERF, mpfr_erf, "erf");
    test_mpfr_fn(NB_FN_GAMMA, mpfr_gamma, "gamma");
    test_mpfr_compound();
    test_double();
    test_deep_shared();
    test_cache();
    test_exp_range();
    test_pow_matches_vm();
    test_underflow_flag();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
