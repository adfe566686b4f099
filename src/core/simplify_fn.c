/* simplify_fn.c — the canonical constructor for calls of built-ins: nb_fn.
 *
 * A call is first lowered when its row is a spelling of another form
 * (NB_BF_LOWERS: sqrt, ln, pow; and the two-argument log); then the facts
 * of its row (builtins.h) and the rules here are tried: its exact values,
 * the rules of fn_rules[] for its function in order, its parity (odd,
 * even). The first that returns a node wins; a call nothing rewrites is
 * interned as it is. Positivity facts (exp > 0, abs >= 0) serve the rules
 * of abs, sign, heaviside and relu. Every rule
 * is an identity that holds for all real arguments where both sides are
 * defined, and returns a canonical node (built with the constructors).
 *
 * Only exact values are produced: a function of a float, or a float-valued
 * function of an exact number (sin(1), log(2)), is never evaluated here.
 */
#include "nabla/simplify.h"
#include "nabla/limits.h"
#include "core/simplify_internal.h"

#include <assert.h>
#include <math.h>

typedef const NbExpr *(*FnRule)(NbStore *, NbFnId, size_t,
                                const NbExpr *const *);

static const NbExpr *frac(NbStore *st, long n, unsigned long d)
{
    return nb_num_frac(st, n, d);
}

static const NbExpr *pi_times(NbStore *st, long n, unsigned long d)
{
    return nb_mul2(st, frac(st, n, d), nb_const(st, NB_CONST_PI));
}

static int is_fn(const NbExpr *e, NbFnId id)
{
    return e->kind == NB_FN && e->fn == id;
}

static int num_sgn(const NbExpr *e) { return mpq_sgn(e->u.q); }

/* -a when a visibly carries a minus sign (a negative number, or a product
 * with a negative exact coefficient), else NULL. Sums are left alone. */
static const NbExpr *negated(NbStore *st, const NbExpr *a)
{
    if ((a->kind == NB_NUM && num_sgn(a) < 0)
        || (a->kind == NB_MUL && a->args[0]->kind == NB_NUM
            && num_sgn(a->args[0]) < 0))
        return nb_neg(st, a);
    return NULL;
}

/* Positive for every real where defined: positive constants, functions
 * whose row says so (exp, cosh), powers of a positive number. */
static int is_positive_form(const NbExpr *e)
{
    switch (e->kind) {
    case NB_CONST: return 1;
    case NB_NUM: return num_sgn(e) > 0;
    case NB_FN: return (nb_builtins[e->fn].flags & NB_BF_POSITIVE) != 0;
    case NB_POW:
        return is_positive_form(e->args[0]);
    default: return 0;
    }
}

/* Nonnegative for every real where defined. */
static int is_nonneg_form(const NbExpr *e)
{
    if (is_positive_form(e))
        return 1;
    switch (e->kind) {
    case NB_FN: return (nb_builtins[e->fn].flags & NB_BF_NONNEG) != 0;
    case NB_POW: {
        const NbExpr *x = e->args[1];
        /* even integer powers; non-integer powers are defined for x >= 0
         * only and are >= 0 there */
        return x->kind == NB_NUM
               && (!nb_is_integer(x) || mpz_even_p(mpq_numref(x->u.q)));
    }
    case NB_MUL:
        for (size_t i = 0; i < e->n; i++)
            if (!is_nonneg_form(e->args[i]))
                return 0;
        return 1;
    default: return 0;
    }
}

/* k when the exact x is b^k for an integer k, else NULL. */
static const NbExpr *exact_log(NbStore *st, const NbExpr *x, const mpz_t b)
{
    if (x->kind != NB_NUM || num_sgn(x) <= 0)
        return NULL;
    mpz_t r;
    mpz_init(r);
    const NbExpr *res = NULL;
    if (mpz_cmp_ui(mpq_denref(x->u.q), 1) == 0) {
        mp_bitcnt_t k = mpz_remove(r, mpq_numref(x->u.q), b);
        if (mpz_cmp_ui(r, 1) == 0)
            res = nb_num_si(st, (long)k);
    } else if (mpz_cmp_ui(mpq_numref(x->u.q), 1) == 0) {
        mp_bitcnt_t k = mpz_remove(r, mpq_denref(x->u.q), b);
        if (mpz_cmp_ui(r, 1) == 0)
            res = nb_num_si(st, -(long)k);
    }
    mpz_clear(r);
    return res;
}

/* --- lowering ---------------------------------------------------------------- */

static const NbExpr *lower(NbStore *st, NbFnId id, size_t n,
                           const NbExpr *const *a)
{
    switch (id) {
    case NB_FN_SQRT: return nb_pow(st, a[0], frac(st, 1, 2));
    case NB_FN_CBRT: return nb_pow(st, a[0], frac(st, 1, 3));
    case NB_FN_LN: return nb_fn(st, NB_FN_LOG, n, a);
    case NB_FN_POW: return nb_pow(st, a[0], a[1]);
    case NB_FN_LOG2:
        return nb_div(st, nb_fn1(st, NB_FN_LOG, a[0]),
                      nb_fn1(st, NB_FN_LOG, nb_num_si(st, 2)));
    case NB_FN_LOG10:
        return nb_div(st, nb_fn1(st, NB_FN_LOG, a[0]),
                      nb_fn1(st, NB_FN_LOG, nb_num_si(st, 10)));
    case NB_FN_LOG:
        if (n != 2)
            return NULL;
        if (a[0]->kind == NB_NUM && a[1]->kind == NB_NUM) {
            /* log(8, 2) = 3 exactly */
            const NbExpr *k = NULL;
            mpz_t b;
            mpz_init(b);
            if (nb_is_integer(a[1]) && mpz_cmp_ui(mpq_numref(a[1]->u.q), 2) >= 0) {
                mpz_set(b, mpq_numref(a[1]->u.q));
                k = exact_log(st, a[0], b);
            }
            mpz_clear(b);
            if (k)
                return k;
        }
        return nb_div(st, nb_fn1(st, NB_FN_LOG, a[0]),
                      nb_fn1(st, NB_FN_LOG, a[1]));
    default: return NULL;
    }
}

/* --- exact values ------------------------------------------------------------ */

/* f(at) = val, or val*pi, from the row's exact values. */
static const NbExpr *rule_exact_value(NbStore *st, NbFnId id, size_t n,
                                      const NbExpr *const *a)
{
    if (n != 1 || a[0]->kind != NB_NUM)
        return NULL;
    for (size_t i = 0; i < NB_BUILTIN_EXACT; i++) {
        const struct NbExactValue *v = &nb_builtins[id].exact[i];
        if (v->at_d == 0)
            break;
        if (mpq_cmp_si(a[0]->u.q, v->at_n, (unsigned long)v->at_d) != 0)
            continue;
        return v->pi ? pi_times(st, v->val_n, (unsigned long)v->val_d)
                     : frac(st, v->val_n, (unsigned long)v->val_d);
    }
    return NULL;
}

/* --- trigonometric functions at rational multiples of pi --------------------- */

/* If a is k*pi for an exact k with 12k an integer, m = 12k mod 24 (the
 * angle in units of pi/12); returns 1 on success. */
static int pi_twelfths(const NbExpr *a, unsigned long *m)
{
    const NbExpr *k;
    if (a->kind == NB_CONST && a->fn == NB_CONST_PI) {
        *m = 12;
        return 1;
    }
    if (a->kind != NB_MUL || a->n != 2 || a->args[0]->kind != NB_NUM
        || a->args[1]->kind != NB_CONST || a->args[1]->fn != NB_CONST_PI)
        return 0;
    k = a->args[0];
    mpq_t t;
    mpq_init(t);
    mpq_set_ui(t, 12, 1);
    mpq_mul(t, t, k->u.q);
    int ok = mpz_cmp_ui(mpq_denref(t), 1) == 0;
    if (ok)
        *m = mpz_fdiv_ui(mpq_numref(t), 24);
    mpq_clear(t);
    return ok;
}

/* sin(m*pi/12) when it is one of 0, +-1/2, +-sqrt(2)/2, +-sqrt(3)/2, +-1;
 * NULL otherwise (m = 1, 5, 7, 11, ...). */
static const NbExpr *sin_twelfths(NbStore *st, unsigned long m)
{
    long sign = 1;
    m %= 24;
    if (m >= 12) {
        sign = -1;
        m -= 12;
    }
    if (m > 6)
        m = 12 - m;
    switch (m) {
    case 0: return nb_zero(st);
    case 2: return frac(st, sign, 2);
    case 3:
    case 4:
        return nb_mul2(st, frac(st, sign, 2),
                       nb_pow(st, nb_num_si(st, m == 3 ? 2 : 3), frac(st, 1, 2)));
    case 6: return nb_num_si(st, sign);
    default: return NULL;
    }
}

static const NbExpr *rule_trig_pi(NbStore *st, NbFnId id, size_t n,
                                  const NbExpr *const *a)
{
    unsigned long m;
    (void)n;
    if (!pi_twelfths(a[0], &m))
        return NULL;
    const NbExpr *s = sin_twelfths(st, m), *c = sin_twelfths(st, m + 6);
    const NbExpr *num, *den;
    switch (id) {
    case NB_FN_SIN: return s;
    case NB_FN_COS: return c;
    case NB_FN_TAN: num = s, den = c; break;
    case NB_FN_COT: num = c, den = s; break;
    case NB_FN_SEC: num = nb_one(st), den = c; break;
    case NB_FN_CSC: num = nb_one(st), den = s; break;
    default: return NULL;
    }
    if (!num || !den || nb_is_zero(den))
        return NULL; /* a pole stays unfolded for the evaluator to report */
    return nb_div(st, num, den);
}

/* --- symmetry ---------------------------------------------------------------- */

/* f(-x) = -f(x) */
static const NbExpr *rule_odd(NbStore *st, NbFnId id, size_t n,
                              const NbExpr *const *a)
{
    const NbExpr *m = n == 1 ? negated(st, a[0]) : NULL;
    return m ? nb_neg(st, nb_fn1(st, id, m)) : NULL;
}

/* f(-x) = f(x) */
static const NbExpr *rule_even(NbStore *st, NbFnId id, size_t n,
                               const NbExpr *const *a)
{
    const NbExpr *m = n == 1 ? negated(st, a[0]) : NULL;
    return m ? nb_fn1(st, id, m) : NULL;
}

/* --- exponential and logarithms ---------------------------------------------- */

/* exp(0) = 1, exp(1) = e: nb_exp (simplify.c), which e^x also uses. */
static const NbExpr *rule_exp(NbStore *st, NbFnId id, size_t n,
                              const NbExpr *const *a)
{
    (void)id, (void)n;
    return nb_exp(st, a[0]);
}

/* log(exp(x)) = x for every real x; log(e) = 1. */
static const NbExpr *rule_log_exp(NbStore *st, NbFnId id, size_t n,
                                  const NbExpr *const *a)
{
    (void)id, (void)n;
    if (is_fn(a[0], NB_FN_EXP))
        return a[0]->args[0];
    if (a[0]->kind == NB_CONST && a[0]->fn == NB_CONST_E)
        return nb_one(st);
    return NULL;
}

static const NbExpr *rule_log_base(NbStore *st, NbFnId id, size_t n,
                                   const NbExpr *const *a)
{
    (void)n;
    mpz_t b;
    mpz_init_set_ui(b, id == NB_FN_LOG2 ? 2 : 10);
    const NbExpr *r = exact_log(st, a[0], b);
    mpz_clear(b);
    return r;
}

static const NbExpr *rule_softplus_zero(NbStore *st, NbFnId id, size_t n,
                                        const NbExpr *const *a)
{
    (void)id, (void)n;
    return nb_is_zero(a[0]) ? nb_fn1(st, NB_FN_LOG, nb_num_si(st, 2)) : NULL;
}

/* --- exact piecewise functions ------------------------------------------------ */

static const NbExpr *rule_abs(NbStore *st, NbFnId id, size_t n,
                              const NbExpr *const *a)
{
    const NbExpr *x = a[0];
    (void)n;
    if (x->kind == NB_NUM) {
        if (num_sgn(x) >= 0)
            return x;
        return nb_neg(st, x);
    }
    if (is_nonneg_form(x))
        return x;
    if (x->kind == NB_MUL && x->args[0]->kind == NB_NUM && num_sgn(x->args[0])) {
        const NbExpr *c;
        const NbExpr *rest = nb_split_coef(st, x, &c);
        if (num_sgn(c) < 0)
            c = nb_neg(st, c);
        return nb_mul2(st, c, nb_fn1(st, id, rest));
    }
    return NULL;
}

static const NbExpr *rule_sign(NbStore *st, NbFnId id, size_t n,
                               const NbExpr *const *a)
{
    const NbExpr *x = a[0];
    (void)n;
    if (x->kind == NB_NUM)
        return nb_num_si(st, num_sgn(x));
    if (is_fn(x, NB_FN_SIGN))
        return x;
    if (is_positive_form(x))
        return nb_one(st);
    if (x->kind == NB_MUL && x->args[0]->kind == NB_NUM && num_sgn(x->args[0])) {
        const NbExpr *c;
        const NbExpr *rest = nb_split_coef(st, x, &c);
        return nb_mul2(st, nb_num_si(st, num_sgn(c)), nb_fn1(st, id, rest));
    }
    return NULL;
}

static const NbExpr *rule_heaviside(NbStore *st, NbFnId id, size_t n,
                                    const NbExpr *const *a)
{
    (void)id, (void)n;
    if (a[0]->kind == NB_NUM)
        return nb_num_si(st, num_sgn(a[0]) > 0); /* heaviside(0) = 0 */
    if (is_positive_form(a[0]))
        return nb_one(st);
    return NULL;
}

static const NbExpr *rule_floor_ceil(NbStore *st, NbFnId id, size_t n,
                                     const NbExpr *const *a)
{
    const NbExpr *x = a[0];
    (void)n;
    if (x->kind == NB_NUM) {
        mpz_t z;
        mpz_init(z);
        if (id == NB_FN_FLOOR)
            mpz_fdiv_q(z, mpq_numref(x->u.q), mpq_denref(x->u.q));
        else
            mpz_cdiv_q(z, mpq_numref(x->u.q), mpq_denref(x->u.q));
        const NbExpr *r = nb_num_z(st, z);
        mpz_clear(z);
        return r;
    }
    if (x->kind == NB_FN && (nb_builtins[x->fn].flags & NB_BF_INTEGER))
        return x; /* floor(sign(x)) = sign(x) */
    return NULL;
}

static const NbExpr *rule_relu(NbStore *st, NbFnId id, size_t n,
                               const NbExpr *const *a)
{
    (void)id, (void)n;
    if (a[0]->kind == NB_NUM)
        return num_sgn(a[0]) > 0 ? a[0] : nb_zero(st);
    if (is_nonneg_form(a[0]))
        return a[0]; /* relu(relu(x)), relu(abs(x)), relu(exp(x)) */
    return NULL;
}

/* min, max: exact arguments fold, equal ones merge. */
static const NbExpr *rule_minmax(NbStore *st, NbFnId id, size_t n,
                                 const NbExpr *const *a)
{
    if (n != 2)
        return NULL;
    if (a[0] == a[1])
        return a[0];
    if (a[0]->kind == NB_NUM && a[1]->kind == NB_NUM) {
        int c = mpq_cmp(a[0]->u.q, a[1]->u.q);
        return (id == NB_FN_MIN) == (c < 0) ? a[0] : a[1];
    }
    /* The arguments keep their order: at a tie the derivative goes to the
     * first (builtins.c), so min(a, b) and min(b, a) differ there. */
    (void)st;
    return NULL;
}

/* hypot: even in each argument, symmetric; exact values. */
static const NbExpr *rule_hypot(NbStore *st, NbFnId id, size_t n,
                                const NbExpr *const *a)
{
    if (n != 2)
        return NULL;
    const NbExpr *x = a[0], *y = a[1], *m;
    if ((m = negated(st, x)))
        return nb_fn2(st, id, m, y);
    if ((m = negated(st, y)))
        return nb_fn2(st, id, x, m);
    if (nb_is_zero(x))
        return nb_fn1(st, NB_FN_ABS, y);
    if (nb_is_zero(y))
        return nb_fn1(st, NB_FN_ABS, x);
    if (x->kind == NB_NUM && y->kind == NB_NUM)
        return nb_pow(st, nb_add2(st, nb_mul2(st, x, x), nb_mul2(st, y, y)),
                      frac(st, 1, 2));
    if (nb_expr_cmp(x, y) > 0)
        return nb_fn2(st, id, y, x);
    return NULL;
}

static const NbExpr *rule_atan2(NbStore *st, NbFnId id, size_t n,
                                const NbExpr *const *a)
{
    (void)id;
    if (n != 2 || a[0]->kind != NB_NUM || a[1]->kind != NB_NUM)
        return NULL;
    int sy = num_sgn(a[0]), sx = num_sgn(a[1]);
    if (sy == 0 && sx > 0)
        return nb_zero(st);
    if (sy == 0 && sx < 0)
        return nb_const(st, NB_CONST_PI);
    if (sx == 0 && sy != 0)
        return pi_times(st, sy, 2);
    if (sx > 0 && mpq_equal(a[0]->u.q, a[1]->u.q))
        return pi_times(st, 1, 4);
    return NULL;
}

/* cbrt of an exact nonnegative perfect cube (negatives: rule_odd first). */
static const NbExpr *rule_cbrt(NbStore *st, NbFnId id, size_t n,
                               const NbExpr *const *a)
{
    (void)id, (void)n;
    const NbExpr *x = a[0];
    if (x->kind != NB_NUM || num_sgn(x) < 0)
        return NULL;
    mpq_t r;
    mpq_init(r);
    const NbExpr *res = NULL;
    if (mpz_root(mpq_numref(r), mpq_numref(x->u.q), 3)
        && mpz_root(mpq_denref(r), mpq_denref(x->u.q), 3))
        res = nb_num_q(st, r);
    mpq_clear(r);
    return res;
}

/* gamma(n) = (n-1)! for a positive integer n small enough to hold exactly;
 * gamma(1/2) = sqrt(pi). */
static const NbExpr *rule_gamma(NbStore *st, NbFnId id, size_t n,
                                const NbExpr *const *a)
{
    (void)id, (void)n;
    const NbExpr *x = a[0];
    if (x->kind != NB_NUM)
        return NULL;
    if (mpq_cmp_si(x->u.q, 1, 2) == 0)
        return nb_pow(st, nb_const(st, NB_CONST_PI), frac(st, 1, 2));
    if (!nb_is_integer(x) || num_sgn(x) <= 0
        || !mpz_fits_ulong_p(mpq_numref(x->u.q)))
        return NULL;
    unsigned long k = mpz_get_ui(mpq_numref(x->u.q));
    if ((double)k * log2((double)k + 1) > (double)NB_MAX_EXACT_BITS)
        return NULL; /* checked before GMP is asked */
    mpz_t f;
    mpz_init(f);
    mpz_fac_ui(f, k - 1);
    const NbExpr *r = nb_num_z(st, f);
    mpz_clear(f);
    return r;
}

/* --- the rule table ------------------------------------------------------------ */

/* Rules that are code, not facts of the row, for each function in the
 * order they are tried: after the row's exact values, before its parity. */
static const struct FnRuleRow {
    NbFnId fn;
    FnRule rule;
} fn_rules[] = {
    {NB_FN_SIN, rule_trig_pi},     {NB_FN_COS, rule_trig_pi},
    {NB_FN_TAN, rule_trig_pi},     {NB_FN_SEC, rule_trig_pi},
    {NB_FN_CSC, rule_trig_pi},     {NB_FN_COT, rule_trig_pi},
    {NB_FN_ATAN2, rule_atan2},
    {NB_FN_EXP, rule_exp},
    {NB_FN_LOG, rule_log_exp},
    {NB_FN_LOG2, rule_log_base},   {NB_FN_LOG10, rule_log_base},
    {NB_FN_CBRT, rule_cbrt},
    {NB_FN_ABS, rule_abs},
    {NB_FN_SIGN, rule_sign},
    {NB_FN_HEAVISIDE, rule_heaviside},
    {NB_FN_FLOOR, rule_floor_ceil}, {NB_FN_CEIL, rule_floor_ceil},
    {NB_FN_MIN, rule_minmax},      {NB_FN_MAX, rule_minmax},
    {NB_FN_HYPOT, rule_hypot},
    {NB_FN_GAMMA, rule_gamma},
    {NB_FN_RELU, rule_relu},
    {NB_FN_SOFTPLUS, rule_softplus_zero},
};

const NbExpr *nb_fn(NbStore *st, NbFnId id, size_t n, const NbExpr *const *args)
{
    assert(id >= 0 && id < NB_FN__COUNT);
    if ((nb_builtins[id].flags & NB_BF_LOWERS) || (id == NB_FN_LOG && n == 2)) {
        const NbExpr *r = lower(st, id, n, args);
        if (r)
            return r;
    }
    for (size_t i = 0; i < n; i++)
        if (args[i]->kind == NB_VEC)
            return nb_intern(st, NB_FN, id, n, args);
    const NbExpr *r = rule_exact_value(st, id, n, args);
    if (r)
        return r;
    for (size_t i = 0; i < sizeof fn_rules / sizeof fn_rules[0]; i++) {
        if (fn_rules[i].fn != id)
            continue;
        if ((r = fn_rules[i].rule(st, id, n, args)))
            return r;
    }
    unsigned flags = nb_builtins[id].flags;
    if ((flags & NB_BF_ODD) && (r = rule_odd(st, id, n, args)))
        return r;
    if ((flags & NB_BF_EVEN) && (r = rule_even(st, id, n, args)))
        return r;
    return nb_intern(st, NB_FN, id, n, args);
}

const NbExpr *nb_fn1(NbStore *st, NbFnId id, const NbExpr *a)
{
    return nb_fn(st, id, 1, &a);
}

const NbExpr *nb_fn2(NbStore *st, NbFnId id, const NbExpr *a, const NbExpr *b)
{
    const NbExpr *v[2] = {a, b};
    return nb_fn(st, id, 2, v);
}
