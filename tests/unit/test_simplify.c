/* test_simplify.c — the canonical constructors and nb_expand / nb_subs /
 * nb_simplify.
 *
 * Expected structures are written by hand in a small prefix notation printed
 * by sx() below ("(+ 1 (* 2 x))"), independent of src/print.c. Property
 * tests: random expressions built with the constructors are (1) idempotent
 * (rebuilding any node's children with its constructor gives the same node),
 * (2) canonical by the invariants of simplify.h, and (3) numerically equal at
 * random points to the same expression built raw with nb_intern, evaluated
 * by an MPFR evaluator in this file at 256 bits.
 */
#include "nabla/simplify.h"
#include "nabla/builtins.h"
#include "nabla/limits.h"
#include "check.h"

#include <math.h>
#include <stdarg.h>

static NbStore *S;

/* --- a prefix printer, for exact structure checks -------------------------- */

typedef struct Buf {
    char *p;
    size_t n, cap;
} Buf;

static void put(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if ((size_t)k >= sizeof tmp)
        k = sizeof tmp - 1;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, tmp, (size_t)k + 1);
    b->n += (size_t)k;
}

static void sx_rec(Buf *b, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM: {
        char *s = mpq_get_str(NULL, 10, e->u.q);
        put(b, "%s", s);
        free(s);
        return;
    }
    case NB_FLT:
        if (mpfr_nan_p(e->u.f))
            put(b, "nan");
        else
            put(b, "%s%.17gf", mpfr_signbit(e->u.f) ? "-" : "",
                fabs(mpfr_get_d(e->u.f, MPFR_RNDN)));
        if (!e->is_double)
            put(b, "%ld", (long)mpfr_get_prec(e->u.f));
        return;
    case NB_CONST: put(b, e->fn == NB_CONST_PI ? "pi" : "e"); return;
    case NB_SYM: put(b, "%s", e->u.name); return;
    case NB_STR: put(b, "\"%s\"", e->u.name); return;
    case NB_ADD: put(b, "(+"); break;
    case NB_MUL: put(b, "(*"); break;
    case NB_POW: put(b, "(^"); break;
    case NB_FN: put(b, "(%s", nb_builtins[e->fn].name); break;
    case NB_VEC: put(b, "["); break;
    default: put(b, "?"); return;
    }
    for (size_t i = 0; i < e->n; i++) {
        if (i || e->kind != NB_VEC)
            put(b, " ");
        sx_rec(b, e->args[i]);
    }
    put(b, e->kind == NB_VEC ? "]" : ")");
}

static char *ring[8];

static void sx_free(void)
{
    for (int i = 0; i < 8; i++)
        free(ring[i]);
}

/* Returns a buffer from a ring of 8, so a few may be live at once. */
static const char *sx(const NbExpr *e)
{
    static int k;
    Buf b = {0};
    put(&b, "%s", "");
    sx_rec(&b, e);
    k = (k + 1) % 8;
    free(ring[k]);
    ring[k] = b.p;
    return b.p;
}

/* --- shorthands -------------------------------------------------------------- */

static const NbExpr *N(long v) { return nb_num_si(S, v); }
static const NbExpr *Q(long a, unsigned long b) { return nb_num_frac(S, a, b); }
static const NbExpr *V(const char *s) { return nb_sym(S, s); }
static const NbExpr *add(const NbExpr *a, const NbExpr *b) { return nb_add2(S, a, b); }
static const NbExpr *sub(const NbExpr *a, const NbExpr *b) { return nb_sub(S, a, b); }
static const NbExpr *mul(const NbExpr *a, const NbExpr *b) { return nb_mul2(S, a, b); }
static const NbExpr *dv(const NbExpr *a, const NbExpr *b) { return nb_div(S, a, b); }
static const NbExpr *pw(const NbExpr *a, const NbExpr *b) { return nb_pow(S, a, b); }
static const NbExpr *neg(const NbExpr *a) { return nb_neg(S, a); }
static const NbExpr *F(NbFnId id, const NbExpr *a) { return nb_fn1(S, id, a); }
static const NbExpr *F2(NbFnId id, const NbExpr *a, const NbExpr *b)
{
    return nb_fn2(S, id, a, b);
}
static const NbExpr *PI(void) { return nb_const(S, NB_CONST_PI); }
static const NbExpr *E(void) { return nb_const(S, NB_CONST_E); }
static const NbExpr *D(double v) { return nb_flt_double(S, v); }

#define SX(e, want) CHECK_STR(sx(e), want, "%s", #e)

/* --- numbers ----------------------------------------------------------------- */

static void test_numbers(void)
{
    SX(add(Q(1, 3), Q(1, 6)), "1/2");
    SX(sub(N(1), N(1)), "0");
    SX(mul(Q(2, 3), Q(3, 4)), "1/2");
    SX(dv(N(1), N(3)), "1/3");
    SX(dv(N(6), N(-4)), "-3/2");
    SX(pw(N(2), N(10)), "1024");
    SX(pw(N(-2), N(3)), "-8");
    SX(pw(Q(2, 3), N(-2)), "9/4");
    SX(pw(Q(-1, 2), N(-3)), "-8");
    SX(pw(N(0), N(0)), "1");
    SX(pw(N(0), N(3)), "0");
    SX(pw(N(0), N(-1)), "(^ 0 -1)");
    SX(dv(N(1), N(0)), "(^ 0 -1)");
    SX(dv(N(0), N(0)), "(* 0 (^ 0 -1))");
    SX(pw(N(4), Q(1, 2)), "2");
    SX(pw(N(8), Q(2, 3)), "4");
    SX(pw(N(8), Q(-2, 3)), "1/4");
    SX(pw(Q(1, 4), Q(1, 2)), "1/2");
    SX(pw(Q(27, 8), Q(1, 3)), "3/2");
    SX(pw(N(2), Q(1, 2)), "(^ 2 1/2)");
    SX(pw(N(-8), Q(1, 3)), "(^ -8 1/3)");
    SX(pw(N(-4), Q(1, 2)), "(^ -4 1/2)");
    SX(pw(N(0), Q(1, 2)), "0");
    SX(pw(N(1), V("x")), "1");
    SX(pw(N(-1), N(1000001)), "-1");
    /* 2^200 against GMP directly */
    {
        mpz_t z;
        mpz_init(z);
        mpz_ui_pow_ui(z, 2, 200);
        CHECK(pw(N(2), N(200)) == nb_num_z(S, z), "2^200 exact");
        mpz_clear(z);
    }
    /* the size limit is checked before GMP is called */
    const NbExpr *big = pw(N(10), pw(N(10), N(10)));
    CHECK(big->kind == NB_POW, "10^(10^10) stays a power: %s", sx(big));
    CHECK(pw(N(2), nb_num_si(S, NB_MAX_EXACT_BITS))->kind == NB_NUM,
          "2^NB_MAX_EXACT_BITS folds");
    const NbExpr *lim = pw(N(2), nb_num_si(S, NB_MAX_EXACT_BITS - 8));
    CHECK(pw(N(2), nb_num_si(S, 2 * NB_MAX_EXACT_BITS))->kind == NB_POW,
          "2^(2*NB_MAX_EXACT_BITS) stays");
    CHECK(pw(N(3), nb_num_si(S, NB_MAX_EXACT_BITS))->kind == NB_POW,
          "3^NB_MAX_EXACT_BITS stays (1.58 bits per factor)");
    /* huge operands are not multiplied further */
    const NbExpr *h = mul(lim, lim);
    CHECK(h->kind == NB_NUM, "limit-sized operands fold once");
    const NbExpr *hh = mul(h, h);
    CHECK(hh->kind == NB_MUL && hh->n == 2, "past the limit: left unfolded");
    CHECK(mul(hh, N(1)) == hh && nb_mul(S, hh->n, hh->args) == hh,
          "unfolded product is stable");
}

static void test_floats(void)
{
    SX(add(D(0.5), Q(1, 2)), "1f");
    SX(mul(D(2.5), N(2)), "5f");
    SX(mul(D(2.5), N(0)), "0");
    SX(add(D(0.5), D(-0.5)), "0f");
    SX(mul(N(-1), D(0.0)), "0f"); /* never -0 */
    SX(mul(D(-0.0), N(3)), "0f");
    SX(add(V("x"), D(0.0)), "x");
    SX(add(mul(D(2.5), V("x")), mul(D(0.5), V("x"))), "(* 3f x)");
    SX(pw(D(-8), Q(1, 3)), "(^ -8f 1/3)"); /* NaN is never folded */
    SX(pw(D(4), Q(1, 2)), "2f");
    SX(pw(D(2), N(-1)), "0.5f");
    const NbExpr *inf = D(INFINITY), *nan = D(NAN);
    SX(add(inf, N(1)), "inff");
    SX(add(inf, neg(inf)), "nan");
    SX(mul(N(0), inf), "nan");
    SX(add(V("x"), nan), "nan");
    SX(mul(V("x"), nan), "nan");
    SX(add(V("x"), inf), "(+ inff x)");
    /* MPFR precision: the larger wins, exact operands converted at it */
    mpfr_t f;
    mpfr_init2(f, 100);
    mpfr_set_ui(f, 1, MPFR_RNDN);
    const NbExpr *one100 = nb_flt_mpfr(S, f);
    const NbExpr *r = add(one100, Q(1, 3));
    CHECK(r->kind == NB_FLT && !r->is_double && mpfr_get_prec(r->u.f) == 100,
          "MPFR float keeps its precision");
    mpfr_set_q(f, Q(4, 3)->u.q, MPFR_RNDN);
    CHECK(r->kind == NB_FLT && mpfr_equal_p(r->u.f, f), "1 + 1/3 at 100 bits");
    const NbExpr *mix = add(one100, D(1));
    CHECK(!mix->is_double && mpfr_get_prec(mix->u.f) == 100,
          "double + MPFR is MPFR at the larger precision");
    mpfr_clear(f);
    SX(add(D(0.1), Q(1, 5)), "0.30000000000000004f");
}

/* --- sums ---------------------------------------------------------------------- */

static void test_add(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    SX(add(x, x), "(* 2 x)");
    SX(add(mul(N(2), x), mul(N(3), x)), "(* 5 x)");
    SX(sub(x, x), "0");
    SX(add(x, N(0)), "x");
    SX(add(N(1), x), "(+ 1 x)");
    SX(add(x, N(1)), "(+ 1 x)");
    SX(add(pw(x, N(2)), add(mul(N(2), x), N(1))), "(+ 1 (* 2 x) (^ x 2))");
    SX(add(y, x), "(+ x y)");
    SX(add(add(x, y), add(N(2), neg(y))), "(+ 2 x)");
    SX(add(mul(x, y), mul(N(3), mul(y, x))), "(* 4 x y)");
    SX(sub(add(x, N(1)), add(x, N(1))), "0");
    /* undefined terms are not cancelled silently */
    const NbExpr *u = dv(N(1), N(0));
    SX(sub(u, u), "(* 0 (^ 0 -1))");
    const NbExpr *t[4] = {x, y, N(3), x};
    SX(nb_add(S, 4, t), "(+ 3 (* 2 x) y)");
    SX(nb_add(S, 0, t), "0");
    SX(nb_add(S, 1, t), "x");
}

/* --- products ------------------------------------------------------------------- */

static void test_mul(void)
{
    const NbExpr *x = V("x"), *y = V("y"), *a = V("a"), *b = V("b");
    SX(mul(x, pw(x, N(2))), "(^ x 3)");
    SX(dv(x, x), "1");
    SX(mul(x, pw(x, N(-1))), "1");
    SX(mul(pw(x, a), pw(x, b)), "(^ x (+ a b))");
    SX(mul(F(NB_FN_EXP, a), F(NB_FN_EXP, b)), "(exp (+ a b))");
    SX(mul(F(NB_FN_EXP, x), F(NB_FN_EXP, neg(x))), "1");
    SX(mul(E(), E()), "(exp 2)");
    SX(mul(E(), F(NB_FN_EXP, x)), "(exp (+ 1 x))");
    SX(mul(N(0), x), "0");
    SX(mul(N(2), add(x, N(1))), "(+ 2 (* 2 x))");
    SX(neg(sub(x, y)), "(+ (* -1 x) y)");
    SX(mul(mul(N(2), y), add(x, N(1))), "(* 2 y (+ 1 x))");
    SX(mul(y, x), "(* x y)");
    SX(mul(y, pw(x, N(2))), "(* (^ x 2) y)");
    SX(mul(pw(N(2), Q(1, 2)), pw(N(2), Q(1, 2))), "2");
    SX(mul(N(3), pw(N(2), Q(1, 2))), "(* 3 (^ 2 1/2))");
    SX(mul(pw(N(2), x), pw(N(2), y)), "(^ 2 (+ x y))");
    SX(mul(F(NB_FN_SIN, x), mul(N(2), x)), "(* 2 x (sin x))");
    SX(mul(pw(mul(x, y), Q(1, 2)), pw(mul(x, y), Q(1, 2))), "(* x y)");
    SX(dv(mul(N(6), x), mul(N(3), x)), "2");
    SX(dv(N(1), mul(N(2), x)), "(* 1/2 (^ x -1))");
    SX(mul(x, dv(N(1), N(0))), "(* (^ 0 -1) x)");
    SX(mul(N(0), mul(x, dv(N(1), N(0)))), "(* 0 (^ 0 -1) x)");
    const NbExpr *f[3] = {N(2), x, N(3)};
    SX(nb_mul(S, 3, f), "(* 6 x)");
    SX(nb_mul(S, 0, f), "1");
}

/* --- powers ---------------------------------------------------------------------- */

static void test_pow(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    SX(pw(x, N(0)), "1");
    SX(pw(x, N(1)), "x");
    SX(pw(E(), x), "(exp x)");
    SX(pw(E(), N(1)), "e");
    SX(pw(F(NB_FN_EXP, x), N(3)), "(exp (* 3 x))");
    SX(pw(F(NB_FN_EXP, x), y), "(exp (* x y))");
    SX(pw(pw(x, N(2)), N(3)), "(^ x 6)");
    SX(pw(pw(x, N(2)), Q(1, 2)), "(^ (^ x 2) 1/2)"); /* |x|, not x */
    SX(pw(pw(x, Q(1, 2)), N(2)), "x");
    SX(pw(pw(x, Q(1, 2)), Q(1, 2)), "(^ x 1/4)");
    SX(pw(mul(x, y), N(2)), "(* (^ x 2) (^ y 2))");
    SX(pw(mul(N(2), x), N(3)), "(* 8 (^ x 3))");
    SX(pw(mul(N(4), x), Q(1, 2)), "(* 2 (^ x 1/2))");
    SX(pw(mul(N(-4), x), Q(1, 2)), "(^ (* -4 x) 1/2)");
    SX(pw(F(NB_FN_ABS, x), N(2)), "(^ x 2)");
    SX(pw(F(NB_FN_ABS, x), N(3)), "(^ (abs x) 3)");
    SX(pw(add(x, N(1)), N(2)), "(^ (+ 1 x) 2)");
    SX(pw(N(0), x), "(^ 0 x)");
    SX(nb_pow_si(S, x, -2), "(^ x -2)");
    SX(pw(dv(N(1), N(0)), N(2)), "(^ (^ 0 -1) 2)"); /* undefined stays */
    SX(pw(D(INFINITY), N(0)), "1");
    SX(pw(N(1), D(NAN)), "1");
    SX(pw(pw(x, y), Q(1, 2)), "(^ (^ x y) 1/2)");
    SX(pw(pw(x, y), N(2)), "(^ x (* 2 y))");
    SX(pw(N(2), mul(Q(1, 2), x)), "(^ 2 (* 1/2 x))");
    SX(pw(mul(N(2), F(NB_FN_EXP, x)), N(2)), "(* 4 (exp (* 2 x)))");
    const NbExpr *v2[2] = {x, y};
    SX(pw(nb_vec(S, 2, v2), N(2)), "(^ [x y] 2)");
    SX(F(NB_FN_SIN, nb_vec(S, 2, v2)), "(sin [x y])");
}

/* --- calls ------------------------------------------------------------------------ */

static void test_fn(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    SX(F(NB_FN_SQRT, x), "(^ x 1/2)");
    SX(F(NB_FN_SQRT, N(16)), "4");
    SX(F(NB_FN_LN, x), "(log x)");
    SX(F2(NB_FN_POW, x, y), "(^ x y)");
    SX(F2(NB_FN_LOG, x, N(2)), "(* (^ (log 2) -1) (log x))");
    SX(F2(NB_FN_LOG, N(8), N(2)), "3");
    SX(F2(NB_FN_LOG, Q(1, 100), N(10)), "-2");
    SX(F(NB_FN_SIN, N(0)), "0");
    SX(F(NB_FN_COS, N(0)), "1");
    SX(F(NB_FN_TAN, N(0)), "0");
    SX(F(NB_FN_EXP, N(0)), "1");
    SX(F(NB_FN_EXP, N(1)), "e");
    SX(F(NB_FN_LOG, N(1)), "0");
    SX(F(NB_FN_LOG, E()), "1");
    SX(F(NB_FN_LOG, F(NB_FN_EXP, x)), "x");
    SX(F(NB_FN_LOG, pw(E(), N(3))), "3");
    SX(F(NB_FN_EXP, F(NB_FN_LOG, x)), "(exp (log x))");
    SX(F(NB_FN_ATAN, N(0)), "0");
    SX(F(NB_FN_ASIN, N(0)), "0");
    SX(F(NB_FN_SINH, N(0)), "0");
    SX(F(NB_FN_COSH, N(0)), "1");
    SX(F(NB_FN_TANH, N(0)), "0");
    SX(F(NB_FN_SIGMOID, N(0)), "1/2");
    SX(F(NB_FN_SOFTPLUS, N(0)), "(log 2)");
    SX(F(NB_FN_SIN, N(1)), "(sin 1)");
    SX(F(NB_FN_SIN, D(1.0)), "(sin 1f)");
    /* multiples of pi */
    SX(F(NB_FN_SIN, PI()), "0");
    SX(F(NB_FN_SIN, mul(N(5), PI())), "0");
    SX(F(NB_FN_COS, PI()), "-1");
    SX(F(NB_FN_COS, mul(N(4), PI())), "1");
    SX(F(NB_FN_COS, mul(N(-3), PI())), "-1");
    SX(F(NB_FN_SIN, mul(Q(1, 2), PI())), "1");
    SX(F(NB_FN_SIN, mul(Q(-1, 2), PI())), "-1");
    SX(F(NB_FN_COS, mul(Q(1, 2), PI())), "0");
    SX(F(NB_FN_SIN, mul(Q(1, 6), PI())), "1/2");
    SX(F(NB_FN_COS, mul(Q(1, 3), PI())), "1/2");
    SX(F(NB_FN_COS, mul(Q(5, 6), PI())), "(* -1/2 (^ 3 1/2))");
    SX(F(NB_FN_SIN, mul(Q(1, 4), PI())), "(* 1/2 (^ 2 1/2))");
    SX(F(NB_FN_TAN, mul(Q(1, 4), PI())), "1");
    SX(F(NB_FN_TAN, mul(Q(1, 6), PI())), "(^ 3 -1/2)");
    SX(F(NB_FN_TAN, mul(Q(1, 2), PI())), "(tan (* 1/2 pi))");
    SX(F(NB_FN_COT, PI()), "(cot pi)");
    SX(F(NB_FN_SIN, mul(Q(1, 5), PI())), "(sin (* 1/5 pi))");
    SX(F(NB_FN_ASIN, N(1)), "(* 1/2 pi)");
    SX(F(NB_FN_ACOS, N(-1)), "pi");
    SX(F(NB_FN_ATAN, N(1)), "(* 1/4 pi)");
    SX(F(NB_FN_ATAN, N(-1)), "(* -1/4 pi)");
    /* symmetry */
    SX(F(NB_FN_SIN, neg(x)), "(* -1 (sin x))");
    SX(F(NB_FN_SIN, mul(N(-2), x)), "(* -1 (sin (* 2 x)))");
    SX(F(NB_FN_COS, neg(x)), "(cos x)");
    SX(F(NB_FN_SIN, N(-1)), "(* -1 (sin 1))");
    SX(F(NB_FN_COS, sub(N(1), x)), "(cos (+ 1 (* -1 x)))");
    SX(F(NB_FN_TANH, neg(x)), "(* -1 (tanh x))");
    SX(F(NB_FN_COSH, neg(x)), "(cosh x)");
    /* abs, sign and friends */
    SX(F(NB_FN_ABS, Q(-5, 2)), "5/2");
    SX(F(NB_FN_ABS, F(NB_FN_ABS, x)), "(abs x)");
    SX(F(NB_FN_ABS, neg(x)), "(abs x)");
    SX(F(NB_FN_ABS, mul(N(-3), x)), "(* 3 (abs x))");
    SX(F(NB_FN_ABS, pw(x, N(2))), "(^ x 2)");
    SX(F(NB_FN_ABS, F(NB_FN_EXP, x)), "(exp x)");
    SX(F(NB_FN_SIGN, N(-7)), "-1");
    SX(F(NB_FN_SIGN, N(0)), "0");
    SX(F(NB_FN_SIGN, F(NB_FN_SIGN, x)), "(sign x)");
    SX(F(NB_FN_SIGN, mul(N(-2), x)), "(* -1 (sign x))");
    SX(F(NB_FN_HEAVISIDE, N(0)), "0");
    SX(F(NB_FN_HEAVISIDE, Q(1, 3)), "1");
    SX(F(NB_FN_FLOOR, Q(-5, 2)), "-3");
    SX(F(NB_FN_CEIL, Q(-5, 2)), "-2");
    SX(F(NB_FN_FLOOR, F(NB_FN_CEIL, x)), "(ceil x)");
    SX(F2(NB_FN_MIN, N(3), N(-1)), "-1");
    SX(F2(NB_FN_MAX, N(3), N(-1)), "3");
    /* order kept: at a tie the derivative goes to the first argument */
    SX(F2(NB_FN_MAX, y, x), "(max y x)");
    SX(F2(NB_FN_MIN, x, x), "x");
    SX(F(NB_FN_RELU, N(-3)), "0");
    SX(F(NB_FN_RELU, Q(3, 2)), "3/2");
    SX(F(NB_FN_RELU, F(NB_FN_RELU, x)), "(relu x)");
    SX(F2(NB_FN_HYPOT, N(3), N(4)), "5");
    SX(F2(NB_FN_HYPOT, y, neg(x)), "(hypot x y)");
    SX(F2(NB_FN_HYPOT, x, N(0)), "(abs x)");
    SX(F(NB_FN_CBRT, N(-27)), "-3");
    SX(F(NB_FN_CBRT, Q(8, 27)), "2/3");
    SX(F(NB_FN_CBRT, N(2)), "(cbrt 2)");
    SX(F(NB_FN_GAMMA, N(5)), "24");
    SX(F(NB_FN_GAMMA, N(0)), "(gamma 0)");
    SX(F(NB_FN_GAMMA, Q(1, 2)), "(^ pi 1/2)");
    SX(F(NB_FN_LOG2, N(8)), "3");
    SX(F(NB_FN_LOG10, N(1000)), "3");
    SX(F(NB_FN_LOG10, N(5)), "(log10 5)");
    SX(F2(NB_FN_ATAN2, N(0), N(-1)), "pi");
    SX(F2(NB_FN_ATAN2, N(0), N(2)), "0");
    SX(F2(NB_FN_ATAN2, N(3), N(3)), "(* 1/4 pi)");
    SX(F2(NB_FN_ATAN2, neg(y), x), "(atan2 (* -1 y) x)"); /* not odd at y = 0 */
    SX(F(NB_FN_SEC, neg(x)), "(sec x)");
    SX(F(NB_FN_SEC, N(0)), "1");
    SX(F(NB_FN_CSC, neg(x)), "(* -1 (csc x))");
    SX(F(NB_FN_CSC, mul(Q(1, 6), PI())), "2");
    SX(F(NB_FN_COT, mul(Q(1, 4), PI())), "1");
    SX(F(NB_FN_ASIN, Q(1, 2)), "(* 1/6 pi)");
    SX(F(NB_FN_ASIN, Q(-1, 2)), "(* -1/6 pi)");
    SX(F(NB_FN_ACOS, Q(1, 2)), "(* 1/3 pi)");
    SX(F(NB_FN_ACOS, Q(-1, 2)), "(* 2/3 pi)");
    SX(F(NB_FN_ACOS, N(0)), "(* 1/2 pi)");
    SX(F(NB_FN_ACOS, neg(x)), "(acos (* -1 x))");
    SX(F(NB_FN_ACOSH, N(1)), "0");
    SX(F(NB_FN_ATANH, neg(x)), "(* -1 (atanh x))");
    SX(F(NB_FN_ASINH, neg(x)), "(* -1 (asinh x))");
    SX(F(NB_FN_ERF, neg(x)), "(* -1 (erf x))");
    SX(F(NB_FN_ERFC, N(0)), "1");
    SX(F(NB_FN_LGAMMA, N(1)), "0");
    SX(F(NB_FN_LGAMMA, N(2)), "0");
    SX(F(NB_FN_LOG2, Q(1, 8)), "-3");
    SX(F(NB_FN_LOG2, N(6)), "(log2 6)");
    SX(F(NB_FN_ABS, PI()), "pi");
    SX(F(NB_FN_ABS, pw(x, Q(1, 2))), "(^ x 1/2)");
    SX(F(NB_FN_ABS, mul(N(-2), mul(x, F(NB_FN_EXP, y)))), "(* 2 (abs (* x (exp y))))");
    SX(F(NB_FN_ABS, mul(pw(x, N(2)), F(NB_FN_EXP, y))), "(* (^ x 2) (exp y))");
    SX(F(NB_FN_ABS, pw(x, N(3))), "(abs (^ x 3))");
    SX(F(NB_FN_SIGN, F(NB_FN_EXP, x)), "1");
    SX(F(NB_FN_SIGN, pw(N(2), x)), "1");
    SX(F(NB_FN_SIGN, F(NB_FN_ABS, x)), "(sign (abs x))");
    SX(F(NB_FN_HEAVISIDE, F(NB_FN_COSH, x)), "1");
    SX(F(NB_FN_HEAVISIDE, neg(x)), "(heaviside (* -1 x))");
    SX(F(NB_FN_RELU, F(NB_FN_EXP, x)), "(exp x)");
    SX(F(NB_FN_RELU, F(NB_FN_ABS, x)), "(abs x)");
    SX(F(NB_FN_CEIL, F(NB_FN_SIGN, x)), "(sign x)");
    SX(F(NB_FN_FLOOR, N(7)), "7");
    SX(F(NB_FN_FLOOR, x), "(floor x)");
    SX(F2(NB_FN_MIN, x, N(2)), "(min x 2)");
    SX(F2(NB_FN_HYPOT, N(1), N(1)), "(^ 2 1/2)");
    SX(F2(NB_FN_HYPOT, N(0), N(-3)), "3");
    SX(F(NB_FN_GAMMA, N(1)), "1");
    SX(F(NB_FN_GAMMA, N(-2)), "(gamma -2)");
    CHECK(F(NB_FN_GAMMA, nb_num_si(S, 10000000))->kind == NB_FN,
          "gamma(10^7) stays: (10^7-1)! is past NB_MAX_EXACT_BITS");
    SX(F(NB_FN_CBRT, neg(x)), "(* -1 (cbrt x))");
    SX(F(NB_FN_EXP, mul(N(2), F(NB_FN_LOG, x))), "(exp (* 2 (log x)))");
    SX(F2(NB_FN_ATAN2, N(-1), N(0)), "(* -1/2 pi)");
}

/* --- vectors ------------------------------------------------------------------------ */

static void test_vec(void)
{
    const NbExpr *x = V("x");
    const NbExpr *a[2] = {x, N(1)}, *b[2] = {N(2), x}, *c[3] = {x, x, x};
    const NbExpr *va = nb_vec(S, 2, a), *vb = nb_vec(S, 2, b),
                 *vc = nb_vec(S, 3, c);
    SX(va, "[x 1]");
    SX(add(va, vb), "[(+ 2 x) (+ 1 x)]");
    SX(mul(N(2), va), "[(* 2 x) 2]");
    SX(dv(va, N(2)), "[(* 1/2 x) 1/2]");
    SX(mul(x, va), "[(^ x 2) x]");
    const NbExpr *bad = add(va, vc);
    CHECK(bad->kind == NB_ADD, "mismatched lengths left unfolded: %s", sx(bad));
    CHECK(add(va, N(1))->kind == NB_ADD, "vector + scalar left unfolded");
    const NbExpr *rows[2] = {va, vb};
    const NbExpr *m = nb_vec(S, 2, rows);
    SX(mul(N(3), m), "[[(* 3 x) 3] [6 (* 3 x)]]");
}

/* --- term split ------------------------------------------------------------------- */

static void test_term_split(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    mpq_t c;
    mpq_init(c);
    const NbExpr *r = nb_term_split(S, mul(N(3), mul(x, y)), c);
    CHECK(mpq_cmp_si(c, 3, 1) == 0 && r == mul(x, y), "3*x*y -> 3, x*y");
    r = nb_term_split(S, x, c);
    CHECK(mpq_cmp_si(c, 1, 1) == 0 && r == x, "x -> 1, x");
    r = nb_term_split(S, N(5), c);
    CHECK(mpq_cmp_si(c, 5, 1) == 0 && nb_is_one(r), "5 -> 5, 1");
    r = nb_term_split(S, mul(Q(-1, 2), x), c);
    CHECK(mpq_cmp_si(c, -1, 2) == 0 && r == x, "-x/2 -> -1/2, x");
    mpq_clear(c);
}

/* --- expand, subs, simplify ---------------------------------------------------------- */

static void test_expand(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    SX(nb_expand(S, pw(add(x, N(1)), N(2))), "(+ 1 (* 2 x) (^ x 2))");
    SX(nb_expand(S, mul(add(x, N(1)), sub(x, N(1)))), "(+ -1 (^ x 2))");
    SX(nb_expand(S, mul(x, add(x, y))), "(+ (* x y) (^ x 2))");
    SX(nb_expand(S, pw(add(x, N(1)), N(-2))),
       "(^ (+ 1 (* 2 x) (^ x 2)) -1)");
    SX(nb_expand(S, F(NB_FN_SIN, pw(add(x, N(1)), N(2)))),
       "(sin (+ 1 (* 2 x) (^ x 2)))");
    SX(nb_expand(S, pw(mul(x, add(y, N(1))), N(2))),
       "(+ (* 2 (^ x 2) y) (* (^ x 2) (^ y 2)) (^ x 2))");
    const NbExpr *p = nb_expand(S, pw(add(x, N(1)), N(10)));
    CHECK(p->kind == NB_ADD && p->n == 11, "(x+1)^10 has 11 terms");
    /* binomial coefficient C(10,5) = 252 on x^5 */
    int ok = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->args[i] == mul(N(252), pw(x, N(5))))
            ok = 1;
    CHECK(ok, "252*x^5 in (x+1)^10");
    /* the size guard: (x1 + ... + x20)^40 is far past the limit */
    const NbExpr *terms[20];
    char name[16];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "v%d", i);
        terms[i] = V(name);
    }
    const NbExpr *big = pw(nb_add(S, 20, terms), N(40));
    CHECK(nb_expand(S, big) == big, "expansion past the size limit: unchanged");
}

static void test_subs(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    const NbExpr *e = add(pw(x, N(2)), mul(N(3), y));
    const NbExpr *vars[2] = {x, y}, *vals[2] = {N(2), x};
    SX(nb_subs(S, e, 2, vars, vals), "(+ 4 (* 3 x))");
    const NbExpr *one[1] = {y}, *z[1] = {N(0)};
    SX(nb_subs(S, F(NB_FN_SIN, mul(x, y)), 1, one, z), "0");
    CHECK(nb_subs(S, e, 0, vars, vals) == e, "no substitution: same node");
    /* a deep chain: no recursion */
    const NbExpr *chain = x;
    for (int i = 0; i < 100000; i++)
        chain = F(NB_FN_SIN, chain);
    const NbExpr *vx[1] = {x}, *v0[1] = {N(0)};
    SX(nb_subs(S, chain, 1, vx, v0), "0");
    /* a DAG that doubles at each level: linear, not exponential */
    const NbExpr *d = x;
    for (int i = 0; i < 60; i++)
        d = mul(F(NB_FN_SIN, d), F(NB_FN_COS, d));
    const NbExpr *vy[1] = {y};
    const NbExpr *dy = nb_subs(S, d, 1, vx, vy);
    CHECK(nb_dag_size(dy) == nb_dag_size(d), "shared DAG substituted linearly");
}

static void test_simplify(void)
{
    const NbExpr *x = V("x"), *y = V("y");
    const NbExpr *s2 = pw(F(NB_FN_SIN, x), N(2)), *c2 = pw(F(NB_FN_COS, x), N(2));
    SX(nb_simplify(S, add(s2, c2)), "1");
    SX(nb_simplify(S, add(add(s2, c2), y)), "(+ 1 y)");
    SX(nb_simplify(S, add(mul(N(3), mul(y, s2)), mul(N(3), mul(y, c2)))),
       "(* 3 y)");
    SX(nb_simplify(S, sub(pw(F(NB_FN_COSH, x), N(2)), pw(F(NB_FN_SINH, x), N(2)))),
       "1");
    SX(nb_simplify(S, sub(N(1), pw(F(NB_FN_TANH, x), N(2)))),
       "(+ 1 (* -1 (^ (tanh x) 2)))");
    SX(nb_simplify(S, F(NB_FN_EXP, F(NB_FN_LOG, x))), "(exp (log x))");
    SX(nb_simplify(S, F(NB_FN_SIN, add(s2, c2))), "(sin 1)");
    /* rational functions */
    const NbExpr *xm1 = sub(x, N(1)), *xp1 = add(x, N(1));
    SX(nb_simplify(S, dv(sub(pw(x, N(2)), N(1)), xm1)), "(+ 1 x)");
    SX(nb_simplify(S, dv(xm1, sub(N(1), x))), "-1");
    SX(nb_simplify(S, dv(pw(xm1, N(3)), pw(sub(N(1), x), N(2)))), "(+ -1 x)");
    SX(nb_simplify(S, mul(pw(xp1, N(5)), dv(sub(pw(x, N(2)), N(1)), xm1))),
       "(^ (+ 1 x) 6)");
    SX(nb_simplify(S, dv(sub(pw(x, N(2)), N(1)), mul(xm1, add(x, N(2))))),
       "(* (+ 1 x) (^ (+ 2 x) -1))");
    SX(nb_simplify(S, dv(add(mul(N(2), x), N(2)), sub(pw(x, N(2)), N(1)))),
       "(* 2 (^ (+ -1 x) -1))");
    SX(nb_simplify(S, dv(add(pw(x, N(2)), x), x)), "(+ 1 x)");
    SX(nb_simplify(S, add(dv(x, xp1), dv(N(1), xp1))), "1");
    SX(nb_simplify(S, add(dv(x, xp1), dv(y, xp1))),
       "(+ (* x (^ (+ 1 x) -1)) (* y (^ (+ 1 x) -1)))"); /* nothing cancels */
    SX(nb_simplify(S, dv(add(pw(x, N(2)), N(1)), xm1)),
       "(* (^ (+ -1 x) -1) (+ 1 (^ x 2)))");
    SX(nb_simplify(S, dv(sub(pw(x, N(2)), pw(y, N(2))), sub(x, y))),
       "(* (^ (+ x (* -1 y)) -1) (+ (^ x 2) (* -1 (^ y 2))))"); /* univariate only */
}

/* --- random expressions --------------------------------------------------------------- */

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

typedef struct Pair {
    const NbExpr *raw, *can;
} Pair;

static const NbFnId rand_fns[] = {
    NB_FN_SIN, NB_FN_COS, NB_FN_TAN, NB_FN_EXP, NB_FN_LOG, NB_FN_SQRT,
    NB_FN_ABS, NB_FN_SIGN, NB_FN_SINH, NB_FN_COSH, NB_FN_TANH, NB_FN_ATAN,
    NB_FN_ERF, NB_FN_SIGMOID, NB_FN_RELU, NB_FN_SOFTPLUS, NB_FN_CBRT,
    NB_FN_LN, NB_FN_ASINH, NB_FN_FLOOR, NB_FN_HEAVISIDE, NB_FN_LOG2,
    NB_FN_SEC, NB_FN_COT,
};
static const NbFnId rand_fns2[] = {
    NB_FN_MIN, NB_FN_MAX, NB_FN_HYPOT, NB_FN_POW, NB_FN_ATAN2, NB_FN_LOG,
};

static int gen_floats; /* also float leaves (for the structural tests) */

static Pair leaf(void)
{
    const NbExpr *e;
    if (gen_floats && rnd(6) == 0) {
        static const double fl[] = {0.5, -2.25, 0.0, -0.0, 1e300, 3.0};
        e = D(fl[rnd(6)]);
        return (Pair){e, e};
    }
    switch (rnd(9)) {
    case 0: e = V("x"); break;
    case 1: e = V("y"); break;
    case 2: e = V("z"); break;
    case 3: e = N((long)rnd(7) - 3); break;
    case 4: e = Q((long)rnd(9) - 4, 1 + rnd(4)); break;
    case 5: e = rnd(2) ? PI() : E(); break;
    case 6: e = mul(Q((long)rnd(7) - 3, 1 + rnd(2)), PI()); break;
    default: e = V(rnd(2) ? "x" : "y"); break;
    }
    return (Pair){e, e};
}

static const NbExpr *raw2(NbKind k, const NbExpr *a, const NbExpr *b)
{
    const NbExpr *v[2] = {a, b};
    return nb_intern(S, k, 0, 2, v);
}

static Pair gen(int depth)
{
    if (depth <= 0 || rnd(5) == 0)
        return leaf();
    Pair a = gen(depth - 1), b, r;
    const NbExpr *v[2];
    switch (rnd(8)) {
    case 0:
    case 1:
        b = gen(depth - 1);
        r.raw = raw2(NB_ADD, a.raw, b.raw);
        r.can = add(a.can, b.can);
        return r;
    case 2:
        b = gen(depth - 1);
        r.raw = raw2(NB_ADD, a.raw, raw2(NB_MUL, N(-1), b.raw));
        r.can = sub(a.can, b.can);
        return r;
    case 3:
        b = gen(depth - 1);
        r.raw = raw2(NB_MUL, a.raw, b.raw);
        r.can = mul(a.can, b.can);
        return r;
    case 4:
        b = gen(depth - 1);
        r.raw = raw2(NB_MUL, a.raw, raw2(NB_POW, b.raw, N(-1)));
        r.can = dv(a.can, b.can);
        return r;
    case 5: {
        static const long ex[][2] = {{2, 1}, {3, 1}, {-1, 1}, {-2, 1},
                                     {1, 2}, {3, 2}, {0, 1}, {1, 3}};
        int k = (int)rnd(8);
        const NbExpr *e = Q(ex[k][0], (unsigned long)ex[k][1]);
        if (rnd(6) == 0) {
            b = gen(1);
            e = b.can;
            r.raw = raw2(NB_POW, a.raw, b.raw);
        } else {
            r.raw = raw2(NB_POW, a.raw, e);
        }
        r.can = pw(a.can, e);
        return r;
    }
    case 6: {
        NbFnId id = rand_fns2[rnd(sizeof rand_fns2 / sizeof rand_fns2[0])];
        b = gen(depth - 1);
        v[0] = a.raw, v[1] = b.raw;
        r.raw = nb_intern(S, NB_FN, id, 2, v);
        r.can = F2(id, a.can, b.can);
        return r;
    }
    default: {
        NbFnId id = rand_fns[rnd(sizeof rand_fns / sizeof rand_fns[0])];
        v[0] = a.raw;
        r.raw = nb_intern(S, NB_FN, id, 1, v);
        r.can = F(id, a.can);
        return r;
    }
    }
}

/* --- an independent MPFR evaluator ------------------------------------------------------ */

static mpfr_prec_t EPREC = 256;

static double val_x, val_y, val_z;

static int ev_node(mpfr_ptr r, const NbExpr *e);

/* Value of e at (x, y, z); 0 when undefined (NaN). Real arithmetic has no
 * signed zero, so -0 becomes +0 (else atan2(y*0, -1) would depend on the
 * sign of y). Recursion is fine: the random expressions are shallow. */
static int ev(mpfr_ptr r, const NbExpr *e)
{
    int ok = ev_node(r, e);
    /* sin(4*pi), log(y/y) and x - x are 0, not 1e-77 (cancellation);
     * exp(-300) and softplus(-300) are truly tiny and stay */
    int trig = e->kind == NB_FN && e->fn <= NB_FN_COT;
    if (mpfr_regular_p(r) && mpfr_get_exp(r) < -200
        && (e->kind == NB_ADD || trig
            || (e->kind == NB_FN && e->fn == NB_FN_LOG)))
        mpfr_set_zero(r, 1);
    if (mpfr_zero_p(r))
        mpfr_set_zero(r, 1);
    /* an infinity, or a trigonometric value past 2^200, is a pole
     * (cot(0), sec(pi/2) evaluated as 1e77): outside the domain */
    if (mpfr_inf_p(r) || (trig && mpfr_regular_p(r) && mpfr_get_exp(r) > 200))
        return 0;
    return ok;
}

static int ev_node(mpfr_ptr r, const NbExpr *e)
{
    mpfr_t a[2];
    int ok = 1;
    switch (e->kind) {
    case NB_NUM: mpfr_set_q(r, e->u.q, MPFR_RNDN); return 1;
    case NB_FLT: mpfr_set(r, e->u.f, MPFR_RNDN); return 1;
    case NB_CONST: nb_const_mpfr((NbConstId)e->fn, r, MPFR_RNDN); return 1;
    case NB_SYM:
        mpfr_set_d(r, e->u.name[0] == 'x' ? val_x : e->u.name[0] == 'y' ? val_y
                                                                       : val_z,
                   MPFR_RNDN);
        return 1;
    case NB_ADD:
    case NB_MUL: {
        mpfr_init2(a[0], EPREC);
        mpfr_set_ui(r, e->kind == NB_ADD ? 0 : 1, MPFR_RNDN);
        for (size_t i = 0; ok && i < e->n; i++) {
            ok = ev(a[0], e->args[i]);
            if (e->kind == NB_ADD)
                mpfr_add(r, r, a[0], MPFR_RNDN);
            else
                mpfr_mul(r, r, a[0], MPFR_RNDN);
        }
        mpfr_clear(a[0]);
        return ok && !mpfr_nan_p(r);
    }
    default: break;
    }
    size_t n = e->n < 2 ? e->n : 2;
    mpfr_inits2(EPREC, a[0], a[1], (mpfr_ptr)0);
    for (size_t i = 0; i < n; i++)
        ok = ok && ev(a[i], e->args[i]);
    if (ok && e->kind == NB_POW) {
        if (mpfr_zero_p(a[0]) && mpfr_sgn(a[1]) < 0)
            ok = 0;
        else
            mpfr_pow(r, a[0], a[1], MPFR_RNDN);
    } else if (ok && e->kind == NB_FN && e->fn == NB_FN_LOG && n == 2) {
        mpfr_log(a[0], a[0], MPFR_RNDN);
        mpfr_log(a[1], a[1], MPFR_RNDN);
        mpfr_div(r, a[0], a[1], MPFR_RNDN);
    } else if (ok && e->kind == NB_FN) {
        if (e->fn == NB_FN_FLOOR || e->fn == NB_FN_CEIL) {
            /* floor(y/y) is floor(1), not floor(0.99...9) */
            mpfr_t k;
            mpfr_init2(k, EPREC);
            mpfr_rint(k, a[0], MPFR_RNDN);
            mpfr_sub(k, k, a[0], MPFR_RNDN);
            if (mpfr_zero_p(k) || mpfr_get_exp(k) < -200)
                mpfr_rint(a[0], a[0], MPFR_RNDN);
            mpfr_clear(k);
        }
        mpfr_srcptr args[2] = {a[0], n > 1 ? a[1] : a[0]};
        nb_builtins[e->fn].eval_mpfr(r, args, MPFR_RNDN);
    } else {
        ok = 0;
    }
    mpfr_clears(a[0], a[1], (mpfr_ptr)0);
    return ok && !mpfr_nan_p(r);
}

/* Values agree: both finite and within 1e-40 relative (or absolute near 0),
 * or the point is skipped (returns -1) when either side is not finite. */
static int agree(const NbExpr *raw, const NbExpr *can)
{
    mpfr_t a, a2, b, d;
    mpfr_inits2(EPREC, a, b, d, (mpfr_ptr)0);
    EPREC = 320;
    mpfr_init2(a2, EPREC);
    int oka2 = ev(a2, raw);
    EPREC = 256;
    int oka = ev(a, raw), okb = ev(b, can);
    int res = -1;
    /* a point where the raw value moves with the working precision is
     * ill-conditioned (sin of a huge argument): skipped */
    if (oka && oka2) {
        mpfr_sub(d, a, a2, MPFR_RNDN);
        oka = mpfr_zero_p(d) || (mpfr_regular_p(a) && mpfr_regular_p(d)
                                 && mpfr_get_exp(d) < mpfr_get_exp(a) - 150);
    }
    mpfr_clear(a2);
    if (oka && okb && mpfr_number_p(a) && mpfr_number_p(b)
        && mpfr_cmpabs_ui(a, 1000000000) < 0) {
        mpfr_sub(d, a, b, MPFR_RNDN);
        mpfr_abs(d, d, MPFR_RNDN);
        mpfr_abs(a, a, MPFR_RNDN);
        if (mpfr_cmp_ui(a, 1) < 0)
            mpfr_set_ui(a, 1, MPFR_RNDN);
        mpfr_mul_d(a, a, 1e-40, MPFR_RNDN);
        res = mpfr_lessequal_p(d, a);
    }
    mpfr_clears(a, b, d, (mpfr_ptr)0);
    return res;
}

/* --- invariants ------------------------------------------------------------------------- */

static const NbExpr *rebuild(const NbExpr *e)
{
    switch (e->kind) {
    case NB_ADD: return nb_add(S, e->n, e->args);
    case NB_MUL: return nb_mul(S, e->n, e->args);
    case NB_POW: return nb_pow(S, e->args[0], e->args[1]);
    case NB_FN: return nb_fn(S, (NbFnId)e->fn, e->n, e->args);
    case NB_VEC: return nb_vec(S, e->n, e->args);
    default: return e;
    }
}

/* The structural invariants of simplify.h; returns a reason or NULL. */
static const char *invariant(const NbExpr *e)
{
    switch (e->kind) {
    case NB_ADD:
        if (e->n < 2)
            return "sum of < 2 terms";
        for (size_t i = 0; i < e->n; i++) {
            if (e->args[i]->kind == NB_ADD)
                return "nested sum";
            if (i > 0 && nb_is_number(e->args[i]))
                return "number not first in a sum";
            if (nb_is_zero(e->args[i]))
                return "zero term";
        }
        return NULL;
    case NB_MUL:
        if (e->n < 2)
            return "product of < 2 factors";
        for (size_t i = 0; i < e->n; i++) {
            if (e->args[i]->kind == NB_MUL)
                return "nested product";
            if (i > 0 && nb_is_number(e->args[i]))
                return "number not first in a product";
            if (nb_is_one(e->args[i]))
                return "factor 1";
        }
        if (e->n == 2 && e->args[0]->kind == NB_NUM && e->args[1]->kind == NB_ADD)
            return "number times sum not distributed";
        return NULL;
    case NB_POW:
        if (nb_is_zero(e->args[1]) || nb_is_one(e->args[1]))
            return "x^0 or x^1";
        if (nb_is_one(e->args[0]))
            return "1^x";
        if (e->args[0]->kind == NB_CONST && e->args[0]->fn == NB_CONST_E)
            return "e^x";
        return NULL;
    case NB_FN:
        if (nb_builtins[e->fn].flags & NB_BF_LOWERS)
            return "lowering id in a node";
        return NULL;
    default: return NULL;
    }
}

static int walk_checks(const NbExpr *e, const char **why)
{
    for (size_t i = 0; i < e->n; i++)
        if (!walk_checks(e->args[i], why))
            return 0;
    const char *w = invariant(e);
    if (w) {
        *why = w;
        return 0;
    }
    if (rebuild(e) != e) {
        *why = "not idempotent";
        return 0;
    }
    return 1;
}

static void test_random(void)
{
    unsigned long seed = check_seed();
    rng_state = seed;
    int bad_idem = 0, bad_val = 0, compared = 0, trials = 4000;
    for (int t = 0; t < trials; t++) {
        Pair p = gen(4);
        const char *why = NULL;
        if (!walk_checks(p.can, &why) && bad_idem++ < 5)
            printf("# canonical form broken (%s): %s\n", why, sx(p.can));
        const NbExpr *s = nb_simplify(S, p.can);
        if (!walk_checks(s, &why) && bad_idem++ < 5)
            printf("# simplify broke the form (%s): %s\n", why, sx(s));
        /* nb_simplify of the raw (non-canonical) tree comes out canonical
         * and keeps the value */
        const NbExpr *sr = nb_simplify(S, p.raw);
        if (!walk_checks(sr, &why) && bad_idem++ < 5)
            printf("# simplify of a raw tree not canonical (%s): %s\n", why,
                   sx(sr));
        for (int k = 0; k < 3; k++) {
            val_x = (double)rnd(2001) / 500.0 - 2.0 + 1e-3;
            val_y = (double)rnd(2001) / 500.0 - 2.0 + 2e-3;
            val_z = (double)rnd(2001) / 500.0 - 2.0 + 3e-3;
            int a = agree(p.raw, p.can);
            int b = agree(p.raw, s);
            int c = agree(p.raw, nb_expand(S, p.can));
            if (c != 0)
                c = agree(p.raw, sr);
            if (a >= 0)
                compared++;
            if ((a == 0 || b == 0 || c == 0) && bad_val++ < 5)
                printf("# value differs (%d %d %d) at x=%g y=%g z=%g:\n#  raw %s\n#  can %s\n",
                       a, b, c, val_x, val_y, val_z, sx(p.raw), sx(p.can));
        }
    }
    /* deeper, with float leaves: structure only (floats fold at 53 bits,
     * so values would not match a 256-bit evaluation of the raw tree) */
    gen_floats = 1;
    for (int t = 0; t < trials; t++) {
        Pair p = gen(6);
        const char *why = NULL;
        if (!walk_checks(p.can, &why) && bad_idem++ < 5)
            printf("# canonical form broken (%s): %s\n", why, sx(p.can));
        const NbExpr *e = nb_expand(S, p.can);
        if (!walk_checks(e, &why) && bad_idem++ < 5)
            printf("# expand broke the form (%s): %s\n", why, sx(e));
    }
    gen_floats = 0;
    CHECK(bad_idem == 0, "random expressions canonical and idempotent (%d bad)",
          bad_idem);
    CHECK(bad_val == 0, "random expressions keep their value (%d bad of %d)",
          bad_val, compared);
    CHECK(compared > trials, "enough points compared (%d)", compared);
}

int main(void)
{
    S = nb_store_new();
    test_numbers();
    test_floats();
    test_add();
    test_mul();
    test_pow();
    test_fn();
    test_vec();
    test_term_split();
    test_expand();
    test_subs();
    test_simplify();
    test_random();
    nb_store_free(S);
    sx_free();
    mpfr_free_cache();
    return check_done();
}
