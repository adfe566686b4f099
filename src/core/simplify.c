/* simplify.c — the canonical constructors.
 *
 * Every expression nabla builds goes through nb_add, nb_mul, nb_pow, nb_fn
 * and nb_vec, so every node in use is in the canonical form below. The form
 * is a function of the mathematical input only (never of addresses or of
 * the order arguments were given in), and the constructors are idempotent:
 * rebuilding a canonical node's children with its constructor returns the
 * same node (tests/unit/test_simplify.c checks this on random expressions).
 *
 * CANONICAL FORM
 *
 * Numbers (NB_NUM exact rationals, NB_FLT floats)
 *   - + - * / fold exactly. Integer powers of rationals fold when the
 *     estimated size of the result (bits of base times exponent) is at most
 *     NB_MAX_EXACT_BITS, estimated BEFORE GMP is called; larger ones stay a
 *     POW node (10^(10^10)) for the evaluator to report.
 *   - A fold of two exact operands is done only when each has at most
 *     NB_MAX_EXACT_BITS bits (numerator plus denominator), so repeated folds
 *     cannot grow a number without bound; refused folds leave the numbers as
 *     separate, sorted terms/factors.
 *   - 0^0 = 1 (the convention of C's pow, SymPy and most CAS). 0^n for n < 0
 *     or 0^x for a non-number x stays a POW node: such a node is "undefined"
 *     (the evaluator reports division by zero), and an exact 0 coefficient
 *     does not annihilate a product that contains one (0/0 is not 0).
 *   - q^(p/r) folds when q >= 0 and q^(1/r) is exact (4^(1/2) = 2,
 *     8^(2/3) = 4, (1/4)^(1/2) = 1/2); otherwise it stays (2^(1/2)). A
 *     negative base with a non-integer exponent never folds.
 *   - Floats fold with any number at the largest precision among the float
 *     operands; the result is a hardware double when every float operand is
 *     one (computed with MPFR at 53 bits, correctly rounded), else MPFR. A
 *     fold whose result would be NaN from finite operands is refused
 *     ((-8.0)^(1/3) stays a POW); a zero result is +0, never -0. NaN
 *     absorbs: a sum or product with a NaN number is that NaN. An exact 0
 *     times a finite float is the exact 0; times inf it is NaN (IEEE).
 *
 * Sums (NB_ADD, n >= 2)
 *   - flattened; each term is coef*rest (coef an exact or float number,
 *     split by the first factor of a product); like terms (same rest) are
 *     collected by adding coefficients; zero terms are dropped (float zeros
 *     too, unless the whole sum is numbers);
 *   - the numeric term comes first, the others follow sorted by nb_expr_cmp
 *     of their REST (ties, possible only for refused folds, by coefficient),
 *     so polynomials come out by rising degree: 1 + 2*x + x^2;
 *   - 0 terms give 0, one term gives that term.
 *
 * Products (NB_MUL, n >= 2)
 *   - flattened; numeric factors fold into one coefficient, first, dropped
 *     when 1; an exact 0 coefficient gives 0 unless an undefined factor
 *     (0^-1) is present;
 *   - like bases are collected by adding exponents: x*x^2 -> x^3,
 *     x^a*x^b -> x^(a+b), x*x^(-1) -> 1 (so x/x is 1, as in SymPy);
 *   - every exponential factor (exp(a), the constant e) merges into one
 *     exp of the sum of exponents: exp(a)*exp(b) -> exp(a+b), e*e -> exp(2);
 *   - factors are sorted by nb_expr_cmp of their base (x^2*y, not y*x^2);
 *   - an exact coefficient times a single sum is distributed (SymPy's
 *     2-argument rule): 2*(x + 1) -> 2 + 2*x, -(x - y) -> y - x. Products of
 *     more factors are never distributed automatically (use nb_expand).
 *
 * Powers (NB_POW)
 *   - x^0 -> 1, x^1 -> x, 1^x -> 1, e^x -> exp(x), exp(a)^b -> exp(a*b);
 *   - (x^a)^n -> x^(a*n) for integer n, and also for any n when a is a
 *     non-integer number (x^a is then defined only for x >= 0);
 *   - (x*y)^n -> x^n*y^n for integer n; (c*x)^a -> c^a*x^a for an exact
 *     c > 0 and any a;
 *   - abs(x)^n -> x^n for even integer n.
 *
 * Calls (NB_FN)
 *   - NB_BF_LOWERS rows are lowered: sqrt(x) -> x^(1/2), ln -> log,
 *     pow(a, b) -> a^b, and log(x, b) -> log(x)/log(b);
 *   - exact special values (a table, see fn_rules below): f(0), f(1),
 *     trigonometric functions at rational multiples of pi with denominator
 *     dividing 12 where the value is 0, +-1, +-1/2, +-sqrt(2)/2 or
 *     +-sqrt(3)/2; inverse trigonometric functions at those values;
 *     log(e) = 1, log(exp(x)) = x, exp(1) = e; exact functions (abs, sign,
 *     heaviside, floor, ceil, min, max, relu, cbrt of a perfect cube,
 *     gamma of a small positive integer, log2/log10 of exact powers) of
 *     exact numbers. Float-valued functions are never evaluated: sin(1)
 *     stays sin(1);
 *   - symmetry for an argument with a negative exact coefficient (-x, -2*x,
 *     -3): odd functions pull the sign out (sin(-x) -> -sin(x)), even ones
 *     drop it (cos(-x) -> cos(x), abs(-2*x) -> 2*abs(x)); arguments that are
 *     sums are left alone;
 *   - idempotent functions: abs(abs(x)), sign(sign(x)), relu(relu(x)),
 *     floor/ceil of an integer-valued call; abs of a nonnegative form
 *     (exp, even powers, cosh) is that form;
 *   - min, max and hypot are commutative: arguments are sorted.
 *
 * Vectors (NB_VEC) intern as given. vector + vector (same length) adds
 * elementwise; a product with exactly one vector factor multiplies each
 * element by the other factors (so number*vector and vector/number work).
 * Mismatched lengths, vector + scalar and vector*vector are left unfolded
 * (flattened) for the session to reject.
 *
 * Each rewrite is a small static function; the dispatch places are
 * pow_rules[] and fn_rules[] (simplify_fn.c) and add_finish / mul_finish.
 */
#include "nabla/simplify.h"
#include "nabla/limits.h"
#include "core/simplify_internal.h"
#include "util/alloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- small growable arrays that start on the stack ------------------------ */

void *nb_arr_push(NbArr *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        char *p;
        if (a->p == a->local || !a->p) {
            p = nb_xmalloc(cap * a->size);
            if (p && a->n)
                memcpy(p, a->p, a->n * a->size);
        } else {
            p = realloc(a->p, cap * a->size);
        }
        a->p = p;
        a->cap = cap;
    }
    return a->p + a->n++ * a->size;
}

void nb_arr_free(NbArr *a)
{
    if (a->p != a->local)
        free(a->p);
    a->p = a->local;
    a->n = 0;
}

/* Stable merge sort that costs O(n) on sorted input and on two sorted runs
 * (the usual input: two canonical sums or products being combined): a merge
 * is skipped when the halves are already in order. */
static void msort_rec(char *v, char *tmp, size_t n, size_t sz,
                      int (*cmp)(const void *, const void *))
{
    if (n < 2)
        return;
    if (n <= 8) { /* insertion sort */
        for (size_t i = 1; i < n; i++) {
            size_t j = i;
            memcpy(tmp, v + i * sz, sz);
            while (j > 0 && cmp(v + (j - 1) * sz, tmp) > 0) {
                memcpy(v + j * sz, v + (j - 1) * sz, sz);
                j--;
            }
            memcpy(v + j * sz, tmp, sz);
        }
        return;
    }
    size_t h = n / 2;
    msort_rec(v, tmp, h, sz, cmp);
    msort_rec(v + h * sz, tmp, n - h, sz, cmp);
    if (cmp(v + (h - 1) * sz, v + h * sz) <= 0)
        return;
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (cmp(v + j * sz, v + i * sz) < 0)
            memcpy(tmp + k++ * sz, v + j++ * sz, sz);
        else
            memcpy(tmp + k++ * sz, v + i++ * sz, sz);
    }
    while (i < h)
        memcpy(tmp + k++ * sz, v + i++ * sz, sz);
    memcpy(v, tmp, k * sz); /* the rest of the right half is in place */
}

void nb_msort(void *v, size_t n, size_t sz,
              int (*cmp)(const void *, const void *))
{
    if (n < 2)
        return;
    char local[32 * 32];
    char *tmp = n * sz <= sizeof local ? local : nb_xmalloc(n * sz);
    msort_rec(v, tmp, n, sz, cmp);
    if (tmp != local)
        free(tmp);
}

/* --- exact numbers -------------------------------------------------------- */

static size_t qbits(const mpq_t q)
{
    return mpz_sizeinbase(mpq_numref(q), 2) + mpz_sizeinbase(mpq_denref(q), 2);
}

/* May two exact operands be combined? Both must be within the limit, so a
 * folded result never exceeds twice it. */
static int exact_fits(const NbExpr *a, const NbExpr *b)
{
    return qbits(a->u.q) <= (size_t)NB_MAX_EXACT_BITS
           && qbits(b->u.q) <= (size_t)NB_MAX_EXACT_BITS;
}

const NbExpr *nb_zero(NbStore *st) { return nb_num_si(st, 0); }
const NbExpr *nb_one(NbStore *st) { return nb_num_si(st, 1); }

static int is_nan(const NbExpr *e)
{
    return e->kind == NB_FLT && mpfr_nan_p(e->u.f);
}

static int is_finite_num(const NbExpr *e)
{
    return e->kind == NB_NUM || mpfr_number_p(e->u.f);
}

int nb_is_float_zero(const NbExpr *e)
{
    return e->kind == NB_FLT && mpfr_zero_p(e->u.f);
}

/* --- float folding -------------------------------------------------------- */

enum { OP_ADD, OP_MUL, OP_POW };

static void to_mpfr(mpfr_ptr x, const NbExpr *e)
{
    if (e->kind == NB_NUM)
        mpfr_set_q(x, e->u.q, MPFR_RNDN);
    else
        mpfr_set(x, e->u.f, MPFR_RNDN);
}

/* Intern a float result: refuse NaN from finite operands (the node stays
 * unfolded), and never produce -0. */
static const NbExpr *flt_result(NbStore *st, mpfr_ptr r, int dbl, int finite)
{
    if (mpfr_nan_p(r) && finite)
        return NULL;
    if (mpfr_zero_p(r))
        mpfr_set_zero(r, 1);
    if (!dbl)
        return nb_flt_mpfr(st, r);
    double d = mpfr_get_d(r, MPFR_RNDN);
    if (d == 0)
        d = 0.0; /* an underflow to -0 becomes +0 too */
    return nb_flt_double(st, d);
}

/* a op b where at least one is a float. Precision: the largest among the
 * float operands; a hardware double when all float operands are. */
static const NbExpr *flt_op(NbStore *st, int op, const NbExpr *a,
                            const NbExpr *b)
{
    mpfr_prec_t prec = 2;
    int dbl = 1;
    const NbExpr *ops[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        if (ops[i]->kind != NB_FLT)
            continue;
        if (mpfr_get_prec(ops[i]->u.f) > prec)
            prec = mpfr_get_prec(ops[i]->u.f);
        dbl &= ops[i]->is_double;
    }
    if (dbl)
        prec = 53;
    mpfr_t x, y, r;
    mpfr_inits2(prec, x, y, r, (mpfr_ptr)0);
    to_mpfr(x, a);
    if (op == OP_POW && b->kind == NB_NUM && nb_is_integer(b)) {
        mpfr_pow_z(r, x, mpq_numref(b->u.q), MPFR_RNDN);
    } else {
        to_mpfr(y, b);
        if (op == OP_ADD)
            mpfr_add(r, x, y, MPFR_RNDN);
        else if (op == OP_MUL)
            mpfr_mul(r, x, y, MPFR_RNDN);
        else
            mpfr_pow(r, x, y, MPFR_RNDN);
    }
    const NbExpr *res = flt_result(st, r, dbl,
                                   is_finite_num(a) && is_finite_num(b));
    mpfr_clears(x, y, r, (mpfr_ptr)0);
    return res;
}

/* a + b for numbers; NULL when the fold is refused. */
const NbExpr *nb_num_add(NbStore *st, const NbExpr *a, const NbExpr *b)
{
    if (a->kind == NB_NUM && b->kind == NB_NUM) {
        if (nb_is_zero(a))
            return b;
        if (nb_is_zero(b))
            return a;
        if (!exact_fits(a, b))
            return NULL;
        mpq_t r;
        mpq_init(r);
        mpq_add(r, a->u.q, b->u.q);
        const NbExpr *e = nb_num_q(st, r);
        mpq_clear(r);
        return e;
    }
    return flt_op(st, OP_ADD, a, b);
}

/* a * b for numbers; NULL when the fold is refused. */
const NbExpr *nb_num_mul(NbStore *st, const NbExpr *a, const NbExpr *b)
{
    if (a->kind == NB_FLT && b->kind == NB_NUM) {
        const NbExpr *t = a;
        a = b;
        b = t;
    }
    if (a->kind == NB_NUM) {
        if (nb_is_one(a))
            return b;
        if (nb_is_zero(a) && is_finite_num(b))
            return a; /* exact 0 times a finite float is exact */
    }
    if (a->kind == NB_NUM && b->kind == NB_NUM) {
        if (nb_is_one(b))
            return a;
        if (nb_is_zero(b))
            return b;
        if (!exact_fits(a, b))
            return NULL;
        mpq_t r;
        mpq_init(r);
        mpq_mul(r, a->u.q, b->u.q);
        const NbExpr *e = nb_num_q(st, r);
        mpq_clear(r);
        return e;
    }
    return flt_op(st, OP_MUL, a, b);
}

/* Exact r-th root of z >= 0 into out; 0 when it is not an integer. */
static int exact_root(mpz_t out, const mpz_t z, unsigned long r)
{
    if (mpz_cmp_ui(z, 1) <= 0) {
        mpz_set(out, z);
        return 1;
    }
    if (r >= mpz_sizeinbase(z, 2))
        return 0; /* 1 < root < 2 */
    return mpz_root(out, z, r) != 0;
}

static double log2_abs(const mpz_t z)
{
    long ex;
    double d = mpz_get_d_2exp(&ex, z);
    return (double)ex + log2(fabs(d));
}

/* b^n for an exact b and integer n, or NULL: 0^negative (undefined) or a
 * result estimated past NB_MAX_EXACT_BITS (checked before GMP is called). */
static const NbExpr *qpow_z(NbStore *st, const mpq_t b, const mpz_t n)
{
    if (mpz_sgn(n) == 0)
        return nb_one(st);
    if (mpq_sgn(b) == 0)
        return mpz_sgn(n) > 0 ? nb_zero(st) : NULL;
    if (mpq_cmp_si(b, 1, 1) == 0)
        return nb_one(st);
    if (mpq_cmp_si(b, -1, 1) == 0)
        return nb_num_si(st, mpz_odd_p(n) ? -1 : 1);
    if (!mpz_fits_slong_p(n))
        return NULL;
    long e = mpz_get_si(n);
    unsigned long m = e < 0 ? 0UL - (unsigned long)e : (unsigned long)e;
    /* bits of |b|^m = m * (log2 |num| + log2 den), estimated in doubles */
    double lg = log2_abs(mpq_numref(b)) + log2_abs(mpq_denref(b));
    if ((double)m * lg > (double)NB_MAX_EXACT_BITS + 1)
        return NULL;
    mpq_t r;
    mpq_init(r);
    mpz_pow_ui(mpq_numref(r), mpq_numref(b), m);
    mpz_pow_ui(mpq_denref(r), mpq_denref(b), m);
    if (e < 0)
        mpq_inv(r, r); /* keeps the sign on the numerator */
    const NbExpr *res = nb_num_q(st, r);
    mpq_clear(r);
    return res;
}

/* b^e for exact b and e, or NULL when it stays a POW node. */
static const NbExpr *qpow(NbStore *st, const mpq_t b, const mpq_t e)
{
    if (mpz_cmp_ui(mpq_denref(e), 1) == 0)
        return qpow_z(st, b, mpq_numref(e));
    if (mpq_sgn(b) < 0)
        return NULL; /* never fold a negative base to NaN */
    if (mpq_sgn(b) == 0)
        return mpq_sgn(e) > 0 ? nb_zero(st) : NULL;
    if (!mpz_fits_ulong_p(mpq_denref(e)))
        return NULL;
    unsigned long r = mpz_get_ui(mpq_denref(e));
    mpq_t root;
    mpq_init(root);
    const NbExpr *res = NULL;
    if (exact_root(mpq_numref(root), mpq_numref(b), r)
        && exact_root(mpq_denref(root), mpq_denref(b), r))
        res = qpow_z(st, root, mpq_numref(e));
    mpq_clear(root);
    return res;
}

/* b^e for numbers; NULL when it stays a POW node. */
static const NbExpr *num_pow(NbStore *st, const NbExpr *b, const NbExpr *e)
{
    if (b->kind == NB_NUM && e->kind == NB_NUM)
        return qpow(st, b->u.q, e->u.q);
    return flt_op(st, OP_POW, b, e);
}

/* --- helpers on canonical nodes -------------------------------------------- */

/* An undefined factor: 0^e that did not fold (e < 0 or not a number). */
int nb_is_undefined(const NbExpr *e)
{
    return e->kind == NB_POW && nb_is_zero(e->args[0]);
}

static int has_undefined_factor(const NbExpr *e)
{
    if (nb_is_undefined(e))
        return 1;
    if (e->kind != NB_MUL)
        return 0;
    for (size_t i = 0; i < e->n; i++)
        if (nb_is_undefined(e->args[i]))
            return 1;
    return 0;
}

/* Split term into numeric coefficient (NULL for 1) and rest. */
const NbExpr *nb_split_coef(NbStore *st, const NbExpr *t, const NbExpr **coef)
{
    if (t->kind != NB_MUL || !nb_is_number(t->args[0])) {
        *coef = NULL;
        return t;
    }
    *coef = t->args[0];
    if (t->n == 2)
        return t->args[1];
    return nb_intern(st, NB_MUL, 0, t->n - 1, t->args + 1);
}

const NbExpr *nb_term_split(NbStore *st, const NbExpr *term, mpq_t coef)
{
    if (term->kind == NB_NUM) {
        mpq_set(coef, term->u.q);
        return nb_one(st);
    }
    if (term->kind == NB_MUL && term->args[0]->kind == NB_NUM) {
        const NbExpr *c;
        const NbExpr *rest = nb_split_coef(st, term, &c);
        mpq_set(coef, c->u.q);
        return rest;
    }
    mpq_set_ui(coef, 1, 1);
    return term;
}

static int any_vec(size_t n, const NbExpr *const *v)
{
    for (size_t i = 0; i < n; i++)
        if (v[i]->kind == NB_VEC)
            return 1;
    return 0;
}

static int cmp_node_ptr(const void *a, const void *b)
{
    return nb_expr_cmp(*(const NbExpr *const *)a, *(const NbExpr *const *)b);
}

/* Intern a sum or product that cannot be put in normal form (vector +
 * scalar, mismatched lengths): flattened, and for sums sorted. */
static const NbExpr *intern_unfolded(NbStore *st, NbKind kind, size_t n,
                                     const NbExpr *const *v)
{
    const NbExpr *buf[16];
    NbArr a = NB_ARR_INIT(buf);
    for (size_t i = 0; i < n; i++) {
        if (v[i]->kind == kind)
            for (size_t j = 0; j < v[i]->n; j++)
                *(const NbExpr **)nb_arr_push(&a) = v[i]->args[j];
        else
            *(const NbExpr **)nb_arr_push(&a) = v[i];
    }
    const NbExpr **p = (const NbExpr **)a.p;
    if (kind == NB_ADD)
        nb_msort(p, a.n, sizeof *p, cmp_node_ptr);
    const NbExpr *r = nb_intern(st, kind, 0, a.n, p);
    nb_arr_free(&a);
    return r;
}

/* Fold a list of numbers with op (nb_num_add or nb_num_mul): sorted first,
 * then pairwise left to right; a refused fold starts a new accumulator. The
 * survivors (usually one) are written back sorted; returns their count. */
static size_t fold_numbers(NbStore *st, const NbExpr **v, size_t n,
                           const NbExpr *(*op)(NbStore *, const NbExpr *,
                                               const NbExpr *))
{
    if (n < 2)
        return n;
    nb_msort(v, n, sizeof *v, cmp_node_ptr);
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        const NbExpr *r = op(st, v[k], v[i]);
        if (r)
            v[k] = r;
        else
            v[++k] = v[i];
    }
    k++;
    nb_msort(v, k, sizeof *v, cmp_node_ptr);
    return k;
}

/* --- sums ------------------------------------------------------------------ */

typedef struct Term {
    const NbExpr *coef; /* numeric, NULL for 1 */
    const NbExpr *rest;
    const NbExpr *orig; /* the term as given, NULL once changed */
} Term;

static int coef_cmp(const NbExpr *a, const NbExpr *b)
{
    if (a == b)
        return 0;
    if (!a)
        return b->kind == NB_NUM ? -mpq_cmp_si(b->u.q, 1, 1) : -1;
    if (!b)
        return a->kind == NB_NUM ? mpq_cmp_si(a->u.q, 1, 1) : 1;
    return nb_expr_cmp(a, b);
}

static int term_cmp(const void *pa, const void *pb)
{
    const Term *a = pa, *b = pb;
    if (a->rest != b->rest) {
        int c = nb_expr_cmp(a->rest, b->rest);
        if (c)
            return c;
    }
    return coef_cmp(a->coef, b->coef);
}

static void gather_term(NbStore *st, const NbExpr *t, NbArr *terms,
                        NbArr *nums)
{
    if (nb_is_number(t)) {
        *(const NbExpr **)nb_arr_push(nums) = t;
        return;
    }
    Term *x = nb_arr_push(terms);
    x->rest = nb_split_coef(st, t, &x->coef);
    x->orig = t;
}

/* c*rest for a canonical rest that is not a number or a sum. */
static const NbExpr *term_make(NbStore *st, const Term *t)
{
    if (t->orig)
        return t->orig;
    if (!t->coef || nb_is_one(t->coef))
        return t->rest;
    const NbExpr *c = t->coef, *r = t->rest;
    if (nb_is_zero(c) || r->kind == NB_ADD || r->kind == NB_VEC
        || r->kind == NB_NUM || r->kind == NB_FLT)
        return nb_mul2(st, c, r);
    if (r->kind != NB_MUL) {
        const NbExpr *args[2] = {c, r};
        return nb_intern(st, NB_MUL, 0, 2, args);
    }
    if (nb_is_number(r->args[0]))
        return nb_mul2(st, c, r);
    const NbExpr *buf[16];
    NbArr a = NB_ARR_INIT(buf);
    *(const NbExpr **)nb_arr_push(&a) = c;
    for (size_t i = 0; i < r->n; i++)
        *(const NbExpr **)nb_arr_push(&a) = r->args[i];
    const NbExpr *res = nb_intern(st, NB_MUL, 0, a.n, (const NbExpr **)a.p);
    nb_arr_free(&a);
    return res;
}

static int coef_is_zero(const NbExpr *c)
{
    return c && (nb_is_zero(c) || nb_is_float_zero(c));
}

/* Collect like terms of a sorted term list in place; returns the new count.
 * A zero coefficient drops the term unless the rest is undefined (then the
 * term stays as 0*rest so 1/0 - 1/0 is not silently 0). */
static size_t collect_terms(NbStore *st, Term *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[k - 1].rest == v[i].rest) {
            const NbExpr *a = v[k - 1].coef ? v[k - 1].coef : nb_one(st);
            const NbExpr *b = v[i].coef ? v[i].coef : nb_one(st);
            const NbExpr *c = nb_num_add(st, a, b);
            if (c) {
                v[k - 1].coef = c;
                v[k - 1].orig = NULL;
                continue;
            }
        }
        v[k++] = v[i];
    }
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (coef_is_zero(v[i].coef)) {
            if (!has_undefined_factor(v[i].rest))
                continue;
            v[i].coef = nb_zero(st);
            v[i].orig = NULL;
        }
        v[m++] = v[i];
    }
    return m;
}

static const NbExpr *add_finish(NbStore *st, NbArr *terms, NbArr *nums)
{
    const NbExpr **nv = (const NbExpr **)nums->p;
    size_t nn = fold_numbers(st, nv, nums->n, nb_num_add);
    for (size_t i = 0; i < nn; i++)
        if (is_nan(nv[i]))
            return nv[i];
    Term *tv = (Term *)terms->p;
    nb_msort(tv, terms->n, sizeof *tv, term_cmp);
    size_t nt = collect_terms(st, tv, terms->n);
    for (size_t i = 0; i < nt; i++)
        if (tv[i].coef && is_nan(tv[i].coef))
            return tv[i].coef; /* inf*x - inf*x: NaN absorbs the sum */

    const NbExpr *buf[32];
    NbArr out = NB_ARR_INIT(buf);
    for (size_t i = 0; i < nn; i++) {
        if (nb_is_zero(nv[i]) || (nb_is_float_zero(nv[i]) && nt > 0))
            continue;
        *(const NbExpr **)nb_arr_push(&out) = nv[i];
    }
    for (size_t i = 0; i < nt; i++)
        *(const NbExpr **)nb_arr_push(&out) = term_make(st, &tv[i]);
    const NbExpr *res;
    if (out.n == 0)
        res = nn == 1 ? nv[0] : nb_zero(st); /* a lone float zero stays */
    else if (out.n == 1)
        res = ((const NbExpr **)out.p)[0];
    else
        res = nb_intern(st, NB_ADD, 0, out.n, (const NbExpr **)out.p);
    nb_arr_free(&out);
    return res;
}

/* Elementwise sum of vectors of one length; anything else stays unfolded. */
static const NbExpr *add_vec(NbStore *st, size_t n, const NbExpr *const *v)
{
    size_t len = v[0]->n;
    for (size_t i = 0; i < n; i++)
        if (v[i]->kind != NB_VEC || v[i]->n != len)
            return intern_unfolded(st, NB_ADD, n, v);
    const NbExpr *col_buf[16], *el_buf[16];
    NbArr col = NB_ARR_INIT(col_buf), el = NB_ARR_INIT(el_buf);
    for (size_t j = 0; j < len; j++) {
        col.n = 0;
        for (size_t i = 0; i < n; i++)
            *(const NbExpr **)nb_arr_push(&col) = v[i]->args[j];
        *(const NbExpr **)nb_arr_push(&el) =
            nb_add(st, col.n, (const NbExpr **)col.p);
    }
    const NbExpr *r = nb_vec(st, el.n, (const NbExpr **)el.p);
    nb_arr_free(&col);
    nb_arr_free(&el);
    return r;
}

const NbExpr *nb_add(NbStore *st, size_t n, const NbExpr *const *in)
{
    if (n == 0)
        return nb_zero(st);
    if (n == 1)
        return in[0];
    if (any_vec(n, in))
        return add_vec(st, n, in);
    Term tbuf[32];
    const NbExpr *nbuf[8];
    NbArr terms = NB_ARR_INIT(tbuf), nums = NB_ARR_INIT(nbuf);
    for (size_t i = 0; i < n; i++) {
        if (in[i]->kind == NB_ADD)
            for (size_t j = 0; j < in[i]->n; j++)
                gather_term(st, in[i]->args[j], &terms, &nums);
        else
            gather_term(st, in[i], &terms, &nums);
    }
    const NbExpr *r = add_finish(st, &terms, &nums);
    nb_arr_free(&terms);
    nb_arr_free(&nums);
    return r;
}

/* --- products -------------------------------------------------------------- */

typedef struct Fac {
    const NbExpr *base;
    const NbExpr *expo; /* NULL for 1 */
    const NbExpr *orig; /* the factor as given, NULL once changed */
} Fac;

typedef struct MulParts {
    NbArr facs;  /* Fac */
    NbArr nums;  /* numeric factors */
    NbArr exps;  /* exponents of exponential factors */
    const NbExpr *exp_orig; /* the only exponential factor, if only one */
    size_t nexp;
    int undefined; /* an undefined factor (0^-1) is present */
} MulParts;

static int fac_cmp(const void *pa, const void *pb)
{
    const Fac *a = pa, *b = pb;
    if (a->base != b->base) {
        int c = nb_expr_cmp(a->base, b->base);
        if (c)
            return c;
    }
    return coef_cmp(a->expo, b->expo);
}

/* The sort key of a factor: its base for a power, else itself. */
static const NbExpr *fac_key(const NbExpr *f)
{
    return f->kind == NB_POW ? f->args[0] : f;
}

static void gather_factor(NbStore *st, const NbExpr *f, MulParts *m)
{
    if (nb_is_number(f)) {
        *(const NbExpr **)nb_arr_push(&m->nums) = f;
    } else if (f->kind == NB_FN && f->fn == NB_FN_EXP) {
        *(const NbExpr **)nb_arr_push(&m->exps) = f->args[0];
        m->exp_orig = f;
        m->nexp++;
    } else if (f->kind == NB_CONST && f->fn == NB_CONST_E) {
        *(const NbExpr **)nb_arr_push(&m->exps) = nb_one(st);
        m->exp_orig = f;
        m->nexp++;
    } else {
        Fac *x = nb_arr_push(&m->facs);
        x->orig = f;
        if (f->kind == NB_POW) {
            x->base = f->args[0];
            x->expo = f->args[1];
            m->undefined |= nb_is_undefined(f);
        } else {
            x->base = f;
            x->expo = NULL;
        }
    }
}

static void gather_factors(NbStore *st, size_t n, const NbExpr *const *in,
                           MulParts *m)
{
    for (size_t i = 0; i < n; i++) {
        if (in[i]->kind == NB_MUL)
            for (size_t j = 0; j < in[i]->n; j++)
                gather_factor(st, in[i]->args[j], m);
        else
            gather_factor(st, in[i], m);
    }
}

/* Collect like bases of the sorted factor list by adding exponents, then
 * rebuild changed factors with nb_pow. Returns 1 when a rebuilt factor is
 * not a plain factor with the same base (a number, a product, an
 * exponential, another base): the caller must gather again. */
static int collect_factors(NbStore *st, MulParts *m)
{
    Fac *v = (Fac *)m->facs.p;
    size_t k = 0, n = m->facs.n;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[k - 1].base == v[i].base) {
            const NbExpr *a = v[k - 1].expo ? v[k - 1].expo : nb_one(st);
            const NbExpr *b = v[i].expo ? v[i].expo : nb_one(st);
            v[k - 1].expo = nb_add2(st, a, b);
            v[k - 1].orig = NULL;
            continue;
        }
        v[k++] = v[i];
    }
    int regather = 0;
    size_t j = 0;
    for (size_t i = 0; i < k; i++) {
        if (!v[i].orig) {
            const NbExpr *f = nb_pow(st, v[i].base, v[i].expo);
            if (nb_is_one(f))
                continue;
            v[i].orig = f;
            if (nb_is_number(f) || f->kind == NB_MUL || fac_key(f) != v[i].base
                || (f->kind == NB_FN && f->fn == NB_FN_EXP)
                || f->kind == NB_CONST)
                regather = 1;
        }
        v[j++] = v[i];
    }
    m->facs.n = j;
    return regather;
}

/* The single exponential factor (exp of the summed exponents), or NULL. */
static const NbExpr *exp_factor(NbStore *st, MulParts *m)
{
    if (m->nexp == 0)
        return NULL;
    if (m->nexp == 1)
        return m->exp_orig;
    const NbExpr *a = nb_add(st, m->exps.n, (const NbExpr **)m->exps.p);
    const NbExpr *f = nb_exp(st, a);
    return nb_is_one(f) ? NULL : f;
}

static const NbExpr *mul_distribute(NbStore *st, const NbExpr *c,
                                    const NbExpr *sum)
{
    const NbExpr *buf[32];
    NbArr a = NB_ARR_INIT(buf);
    for (size_t i = 0; i < sum->n; i++)
        *(const NbExpr **)nb_arr_push(&a) = nb_mul2(st, c, sum->args[i]);
    const NbExpr *r = nb_add(st, a.n, (const NbExpr **)a.p);
    nb_arr_free(&a);
    return r;
}

static void parts_init(MulParts *m, Fac *fb, const NbExpr **nb,
                       const NbExpr **eb, size_t fcap, size_t ncap,
                       size_t ecap)
{
    memset(m, 0, sizeof *m);
    m->facs = (NbArr){(char *)fb, 0, fcap, sizeof *fb, (char *)fb};
    m->nums = (NbArr){(char *)nb, 0, ncap, sizeof *nb, (char *)nb};
    m->exps = (NbArr){(char *)eb, 0, ecap, sizeof *eb, (char *)eb};
}

static void parts_free(MulParts *m)
{
    nb_arr_free(&m->facs);
    nb_arr_free(&m->nums);
    nb_arr_free(&m->exps);
}

/* Assemble the product from its collected parts: coefficient(s) first, then
 * the factors sorted by key, with the exponential factor in its place. */
static const NbExpr *mul_assemble(NbStore *st, const NbExpr **nv, size_t nn,
                                  MulParts *m, const NbExpr *ef)
{
    const NbExpr *buf[32];
    NbArr out = NB_ARR_INIT(buf);
    for (size_t i = 0; i < nn; i++)
        if (!nb_is_one(nv[i]))
            *(const NbExpr **)nb_arr_push(&out) = nv[i];
    size_t ncoef = out.n;
    Fac *v = (Fac *)m->facs.p;
    for (size_t i = 0; i <= m->facs.n; i++) {
        if (ef && (i == m->facs.n || nb_expr_cmp(ef, v[i].base) < 0)) {
            *(const NbExpr **)nb_arr_push(&out) = ef;
            ef = NULL;
        }
        if (i < m->facs.n)
            *(const NbExpr **)nb_arr_push(&out) = v[i].orig;
    }
    const NbExpr **o = (const NbExpr **)out.p;
    const NbExpr *res;
    if (out.n == 0)
        res = nb_one(st);
    else if (out.n == 1)
        res = o[0];
    else if (out.n == 2 && ncoef == 1 && o[0]->kind == NB_NUM
             && o[1]->kind == NB_ADD)
        res = mul_distribute(st, o[0], o[1]);
    else
        res = nb_intern(st, NB_MUL, 0, out.n, o);
    nb_arr_free(&out);
    return res;
}

static const NbExpr *mul_rec(NbStore *st, size_t n, const NbExpr *const *in,
                             int depth);

/* Everything after gathering: fold the coefficient, annihilate by 0,
 * collect bases, and assemble. */
static const NbExpr *mul_finish(NbStore *st, MulParts *m, int depth)
{
    const NbExpr **nv = (const NbExpr **)m->nums.p;
    size_t nn = fold_numbers(st, nv, m->nums.n, nb_num_mul);
    for (size_t i = 0; i < nn; i++)
        if (is_nan(nv[i]))
            return nv[i];
    if (nn == 1 && nb_is_zero(nv[0]) && !m->undefined)
        return nv[0];
    Fac *v = (Fac *)m->facs.p;
    nb_msort(v, m->facs.n, sizeof *v, fac_cmp);
    if (collect_factors(st, m) && depth < 8) {
        /* a rebuilt factor changed shape: gather everything once more */
        const NbExpr *buf[32];
        NbArr all = NB_ARR_INIT(buf);
        for (size_t i = 0; i < nn; i++)
            *(const NbExpr **)nb_arr_push(&all) = nv[i];
        for (size_t i = 0; i < m->facs.n; i++)
            *(const NbExpr **)nb_arr_push(&all) = ((Fac *)m->facs.p)[i].orig;
        const NbExpr *ef = exp_factor(st, m);
        if (ef)
            *(const NbExpr **)nb_arr_push(&all) = ef;
        const NbExpr *r = mul_rec(st, all.n, (const NbExpr **)all.p, depth + 1);
        nb_arr_free(&all);
        return r;
    }
    return mul_assemble(st, nv, nn, m, exp_factor(st, m));
}

/* A product with exactly one vector factor scales each element. */
static const NbExpr *mul_vec(NbStore *st, size_t n, const NbExpr *const *in)
{
    const NbExpr *vec = NULL;
    for (size_t i = 0; i < n; i++) {
        if (in[i]->kind != NB_VEC)
            continue;
        if (vec)
            return intern_unfolded(st, NB_MUL, n, in);
        vec = in[i];
    }
    const NbExpr *buf[16], *el_buf[16];
    NbArr rest = NB_ARR_INIT(buf), el = NB_ARR_INIT(el_buf);
    for (size_t i = 0; i < n; i++)
        if (in[i] != vec)
            *(const NbExpr **)nb_arr_push(&rest) = in[i];
    const NbExpr *s = nb_mul(st, rest.n, (const NbExpr **)rest.p);
    for (size_t j = 0; j < vec->n; j++)
        *(const NbExpr **)nb_arr_push(&el) = nb_mul2(st, s, vec->args[j]);
    const NbExpr *r = nb_vec(st, el.n, (const NbExpr **)el.p);
    nb_arr_free(&rest);
    nb_arr_free(&el);
    return r;
}

static const NbExpr *mul_rec(NbStore *st, size_t n, const NbExpr *const *in,
                             int depth)
{
    if (n == 0)
        return nb_one(st);
    if (n == 1)
        return in[0];
    if (any_vec(n, in))
        return mul_vec(st, n, in);
    Fac fb[32];
    const NbExpr *nbuf[8], *ebuf[8];
    MulParts m;
    parts_init(&m, fb, nbuf, ebuf, 32, 8, 8);
    gather_factors(st, n, in, &m);
    const NbExpr *r = mul_finish(st, &m, depth);
    parts_free(&m);
    return r;
}

const NbExpr *nb_mul(NbStore *st, size_t n, const NbExpr *const *factors)
{
    return mul_rec(st, n, factors, 0);
}

/* --- powers ---------------------------------------------------------------- */

typedef const NbExpr *(*PowRule)(NbStore *, const NbExpr *, const NbExpr *);

static const NbExpr *pow_expo_zero(NbStore *st, const NbExpr *b,
                                   const NbExpr *e)
{
    (void)b;
    return nb_is_zero(e) ? nb_one(st) : NULL;
}

static const NbExpr *pow_expo_one(NbStore *st, const NbExpr *b,
                                  const NbExpr *e)
{
    (void)st;
    return nb_is_one(e) ? b : NULL;
}

static const NbExpr *pow_base_one(NbStore *st, const NbExpr *b,
                                  const NbExpr *e)
{
    (void)e;
    return nb_is_one(b) ? nb_one(st) : NULL;
}

static const NbExpr *pow_numbers(NbStore *st, const NbExpr *b,
                                 const NbExpr *e)
{
    if (!nb_is_number(b) || !nb_is_number(e))
        return NULL;
    const NbExpr *r = num_pow(st, b, e);
    if (!r) { /* stays a POW: stop here so no later rule rewrites it */
        const NbExpr *args[2] = {b, e};
        return nb_intern(st, NB_POW, 0, 2, args);
    }
    return r;
}

/* An undefined power (0^-1) is kept as it is, whatever it is raised to. */
static const NbExpr *pow_undefined_base(NbStore *st, const NbExpr *b,
                                        const NbExpr *e)
{
    if (!nb_is_undefined(b) && !nb_is_zero(b))
        return NULL;
    const NbExpr *args[2] = {b, e};
    return nb_intern(st, NB_POW, 0, 2, args);
}

static const NbExpr *pow_e_base(NbStore *st, const NbExpr *b, const NbExpr *e)
{
    if (b->kind != NB_CONST || b->fn != NB_CONST_E)
        return NULL;
    return nb_exp(st, e);
}

static const NbExpr *pow_exp_base(NbStore *st, const NbExpr *b,
                                  const NbExpr *e)
{
    if (b->kind != NB_FN || b->fn != NB_FN_EXP)
        return NULL;
    return nb_exp(st, nb_mul2(st, b->args[0], e));
}

static int is_noninteger_num(const NbExpr *e)
{
    return e->kind == NB_NUM && !nb_is_integer(e);
}

/* (x^a)^n -> x^(a*n): for integer n, or when a is a non-integer number (x^a
 * is then defined only for x >= 0, where the identity holds). */
static const NbExpr *pow_pow_base(NbStore *st, const NbExpr *b,
                                  const NbExpr *e)
{
    if (b->kind != NB_POW || !(nb_is_integer(e) || is_noninteger_num(b->args[1])))
        return NULL;
    return nb_pow(st, b->args[0], nb_mul2(st, b->args[1], e));
}

/* (x*y)^n -> x^n*y^n for integer n; (c*x)^a -> c^a*x^a for exact c > 0. */
static const NbExpr *pow_mul_base(NbStore *st, const NbExpr *b,
                                  const NbExpr *e)
{
    if (b->kind != NB_MUL)
        return NULL;
    if (nb_is_integer(e)) {
        const NbExpr *buf[16];
        NbArr a = NB_ARR_INIT(buf);
        for (size_t i = 0; i < b->n; i++)
            *(const NbExpr **)nb_arr_push(&a) = nb_pow(st, b->args[i], e);
        const NbExpr *r = nb_mul(st, a.n, (const NbExpr **)a.p);
        nb_arr_free(&a);
        return r;
    }
    const NbExpr *c;
    if (b->args[0]->kind != NB_NUM || mpq_sgn(b->args[0]->u.q) <= 0)
        return NULL;
    const NbExpr *rest = nb_split_coef(st, b, &c);
    return nb_mul2(st, nb_pow(st, c, e), nb_pow(st, rest, e));
}

/* abs(x)^n -> x^n for even integer n. */
static const NbExpr *pow_abs_base(NbStore *st, const NbExpr *b,
                                  const NbExpr *e)
{
    if (b->kind != NB_FN || b->fn != NB_FN_ABS || !nb_is_integer(e)
        || mpz_odd_p(mpq_numref(e->u.q)))
        return NULL;
    return nb_pow(st, b->args[0], e);
}

/* Tried in order; the first that returns a node wins. */
static const PowRule pow_rules[] = {
    pow_expo_zero,      /* x^0 -> 1 (0^0 = 1) */
    pow_expo_one,       /* x^1 -> x */
    pow_base_one,       /* 1^x -> 1 */
    pow_numbers,        /* exact and float folding */
    pow_undefined_base, /* (0^-1)^x and 0^x stay */
    pow_e_base,         /* e^x -> exp(x) */
    pow_exp_base,       /* exp(a)^b -> exp(a*b) */
    pow_pow_base,       /* (x^a)^n -> x^(a*n) */
    pow_mul_base,       /* (x*y)^n -> x^n*y^n, (2x)^a -> 2^a*x^a */
    pow_abs_base,       /* abs(x)^2 -> x^2 */
};

const NbExpr *nb_pow(NbStore *st, const NbExpr *base, const NbExpr *expo)
{
    if (base->kind != NB_VEC && expo->kind != NB_VEC) {
        for (size_t i = 0; i < sizeof pow_rules / sizeof pow_rules[0]; i++) {
            const NbExpr *r = pow_rules[i](st, base, expo);
            if (r)
                return r;
        }
    }
    const NbExpr *args[2] = {base, expo};
    return nb_intern(st, NB_POW, 0, 2, args);
}

/* --- the small wrappers ---------------------------------------------------- */

const NbExpr *nb_add2(NbStore *st, const NbExpr *a, const NbExpr *b)
{
    if (nb_is_zero(a))
        return b;
    if (nb_is_zero(b))
        return a;
    const NbExpr *v[2] = {a, b};
    return nb_add(st, 2, v);
}

const NbExpr *nb_mul2(NbStore *st, const NbExpr *a, const NbExpr *b)
{
    if (nb_is_one(a))
        return b;
    if (nb_is_one(b))
        return a;
    const NbExpr *v[2] = {a, b};
    return nb_mul(st, 2, v);
}

const NbExpr *nb_neg(NbStore *st, const NbExpr *a)
{
    return nb_mul2(st, nb_num_si(st, -1), a);
}

const NbExpr *nb_sub(NbStore *st, const NbExpr *a, const NbExpr *b)
{
    return nb_add2(st, a, nb_neg(st, b));
}

const NbExpr *nb_div(NbStore *st, const NbExpr *a, const NbExpr *b)
{
    return nb_mul2(st, a, nb_pow(st, b, nb_num_si(st, -1)));
}

const NbExpr *nb_pow_si(NbStore *st, const NbExpr *base, long expo)
{
    return nb_pow(st, base, nb_num_si(st, expo));
}

const NbExpr *nb_vec(NbStore *st, size_t n, const NbExpr *const *elems)
{
    return nb_intern(st, NB_VEC, 0, n, elems);
}

/* exp is the canonical form of e^a, so its constructor is here, below the
 * calls of built-ins (simplify_fn.c, whose rule for exp is this one):
 * exp(0) = 1, exp(1) = e. */
const NbExpr *nb_exp(NbStore *st, const NbExpr *a)
{
    if (nb_is_zero(a))
        return nb_one(st);
    if (nb_is_one(a))
        return nb_const(st, NB_CONST_E);
    return nb_intern(st, NB_FN, NB_FN_EXP, 1, &a);
}
