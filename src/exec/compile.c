/* compile.c — expression DAG -> flat register program (compile_internal.h).
 *
 * Three passes per stream:
 *   1. lower: walk the DAG of all outputs together in post-order (iteratively,
 *      so million-deep chains cost no C stack) and turn each node into SSA
 *      "IR values". Every IR value is hash-consed, so a subterm shared by
 *      several outputs, or rebuilt by two lowerings (x^2 inside x^4 and x^6),
 *      exists once. Sums fuse their terms (a*k + acc, acc - b, a*b + acc),
 *      products split numerator and denominator (x*y^-1 is one DIV), integer
 *      powers become multiply chains, polynomials in one variable become POLY.
 *      Lowering is eager, so some values end up unused (a product that a sum
 *      fused away); pass 2 drops them.
 *   2. liveness: mark values reachable from the outputs, record each one's
 *      last reader.
 *   3. allocate and emit: linear scan in order; a destination register is
 *      taken before the operands' registers are released, so it never aliases
 *      an operand; released registers are reused last-in first-out, which
 *      keeps scratch small and hot.
 */
#include "exec/compile_internal.h"
#include "exec/jit.h"
#include "util/alloc.h"
#include "util/strbuf.h"

#include <assert.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/limits.h"

#define NONE UINT32_MAX
/* Largest |n| that x^n becomes a multiply chain for in double: beyond it
 * the chain's error (up to about n ulp) is worse than pow()'s. */
#define POWI_CHAIN_MAX 32
/* Largest degree of a POLY instruction. */
#define POLY_MAX_DEGREE 32

/* Pseudo-ops of IR values that are not instructions. */
enum { IR_VAR = NB_OP__COUNT, IR_CONST };

/* --- a uint64 -> uint32 open-addressing map -------------------------------- */

typedef struct Map {
    uint64_t *keys;
    uint32_t *vals; /* NONE = empty slot */
    size_t cap, count;
} Map;

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static void map_init(Map *m)
{
    m->cap = 64;
    m->count = 0;
    m->keys = nb_xmalloc(m->cap * sizeof *m->keys);
    m->vals = nb_xmalloc(m->cap * sizeof *m->vals);
    memset(m->vals, 0xff, m->cap * sizeof *m->vals);
}

static void map_free(Map *m)
{
    free(m->keys);
    free(m->vals);
}

static uint32_t map_get(const Map *m, uint64_t k)
{
    for (size_t i = mix64(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->vals[i] == NONE)
            return NONE;
        if (m->keys[i] == k)
            return m->vals[i];
    }
}

static void map_put(Map *m, uint64_t k, uint32_t v);

static void map_grow(Map *m)
{
    Map old = *m;
    m->cap *= 2;
    m->count = 0;
    m->keys = nb_xmalloc(m->cap * sizeof *m->keys);
    m->vals = nb_xmalloc(m->cap * sizeof *m->vals);
    memset(m->vals, 0xff, m->cap * sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++)
        if (old.vals[i] != NONE)
            map_put(m, old.keys[i], old.vals[i]);
    map_free(&old);
}

static void map_put(Map *m, uint64_t k, uint32_t v)
{
    if (2 * (m->count + 1) > m->cap)
        map_grow(m);
    size_t i = mix64(k) & (m->cap - 1);
    while (m->vals[i] != NONE && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (m->vals[i] == NONE)
        m->count++;
    m->keys[i] = k;
    m->vals[i] = v;
}

/* --- the constant pool ------------------------------------------------------- */

typedef struct Pool {
    NbKonst *k;
    size_t n, cap;
    Map by_node;   /* node id -> entry */
    Map by_bits;   /* double bits -> NB_K_D entry */
    Map by_small;  /* small integer -> NB_K_Q entry */
} Pool;

static uint32_t pool_new(Pool *pl, int kind)
{
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? 2 * pl->cap : 16;
        pl->k = nb_xrealloc(pl->k, pl->cap * sizeof *pl->k);
    }
    NbKonst *k = &pl->k[pl->n];
    memset(k, 0, sizeof *k);
    k->kind = kind;
    if (kind == NB_K_Q)
        mpq_init(k->q);
    return (uint32_t)pl->n++;
}

static uint32_t pool_copy_node(Pool *pl, const NbExpr *e)
{
    uint32_t i;
    switch (e->kind) {
    case NB_NUM:
        i = pool_new(pl, NB_K_Q);
        mpq_set(pl->k[i].q, e->u.q);
        return i;
    case NB_FLT:
        if (e->is_double) {
            i = pool_new(pl, NB_K_D);
            pl->k[i].d = mpfr_get_d(e->u.f, MPFR_RNDN);
            return i;
        }
        i = pool_new(pl, NB_K_F);
        mpfr_init2(pl->k[i].f, mpfr_get_prec(e->u.f));
        mpfr_set(pl->k[i].f, e->u.f, MPFR_RNDN);
        return i;
    default:
        assert(e->kind == NB_CONST);
        i = pool_new(pl, NB_K_C);
        pl->k[i].cid = e->fn;
        return i;
    }
}

static uint32_t pool_node(Pool *pl, const NbExpr *e)
{
    uint32_t i = map_get(&pl->by_node, e->id);
    if (i == NONE) {
        i = pool_copy_node(pl, e);
        map_put(&pl->by_node, e->id, i);
    }
    return i;
}

static uint32_t pool_double(Pool *pl, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint32_t i = map_get(&pl->by_bits, bits);
    if (i == NONE) {
        i = pool_new(pl, NB_K_D);
        pl->k[i].d = v;
        map_put(&pl->by_bits, bits, i);
    }
    return i;
}

static uint32_t pool_si(Pool *pl, long v)
{
    uint32_t i = map_get(&pl->by_small, (uint64_t)v);
    if (i == NONE) {
        i = pool_new(pl, NB_K_Q);
        mpq_set_si(pl->k[i].q, v, 1);
        map_put(&pl->by_small, (uint64_t)v, i);
    }
    return i;
}

static uint32_t pool_q(Pool *pl, const mpq_t q)
{
    if (mpz_cmp_ui(mpq_denref(q), 1) == 0 && mpz_fits_slong_p(mpq_numref(q)))
        return pool_si(pl, mpz_get_si(mpq_numref(q)));
    uint32_t i = pool_new(pl, NB_K_Q);
    mpq_set(pl->k[i].q, q);
    return i;
}

static void pool_free(Pool *pl)
{
    map_free(&pl->by_node);
    map_free(&pl->by_bits);
    map_free(&pl->by_small);
}

/* The double nearest to q (when q is non-NULL) or to f, subnormals included:
 * rounded once to 53 bits in the double exponent range, then
 * mpfr_subnormalize, which uses the ternary value so that the second
 * rounding of a subnormal is correct too. */
static double round_to_double(const mpq_t *q, mpfr_srcptr f)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_t t;
    mpfr_init2(t, 53);
    mpfr_set_emin(-1073);
    mpfr_set_emax(1024);
    int inex = q ? mpfr_set_q(t, *q, MPFR_RNDN) : mpfr_set(t, f, MPFR_RNDN);
    inex = mpfr_check_range(t, inex, MPFR_RNDN);
    mpfr_subnormalize(t, inex, MPFR_RNDN);
    double d = mpfr_get_d(t, MPFR_RNDN);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    mpfr_clear(t);
    return d;
}

double nb_konst_double(const NbKonst *k)
{
    switch (k->kind) {
    case NB_K_D: return k->d;
    case NB_K_C: return nb_const_double((NbConstId)k->cid);
    case NB_K_F: return round_to_double(NULL, k->f);
    default: return round_to_double(&k->q, NULL);
    }
}

void nb_konst_mpfr(const NbKonst *k, mpfr_ptr r)
{
    switch (k->kind) {
    case NB_K_D: mpfr_set_d(r, k->d, MPFR_RNDN); break;
    case NB_K_C: nb_const_mpfr((NbConstId)k->cid, r, MPFR_RNDN); break;
    case NB_K_F: mpfr_set(r, k->f, MPFR_RNDN); break;
    default: mpfr_set_q(r, k->q, MPFR_RNDN); break;
    }
}

/* --- IR values ------------------------------------------------------------- */

typedef struct Ir {
    uint16_t op, fn;  /* NbOp or IR_VAR / IR_CONST; fn for CALL* */
    uint32_t a, b, c; /* as the instruction's fields, registers as IR ids */
} Ir;

typedef struct Lower {
    NbStore *st;
    NbDiag *d;
    int mp;             /* building the mp stream (see compile_internal.h) */
    Pool *pool;
    Ir *ir;
    size_t nir, cap;
    uint32_t *ht;       /* hash-consing table of IR ids, NONE = empty */
    size_t htcap;
    Map memo;           /* node id -> IR value */
    Map varidx;         /* node id of a variable -> its index */
    int analytic;       /* no function without a complex evaluator seen */
} Lower;

static uint32_t ir_hash(const Ir *v)
{
    uint64_t h = ((uint64_t)v->op << 48) ^ ((uint64_t)v->fn << 32) ^ v->a;
    h = mix64(h) ^ ((uint64_t)v->b << 32 | v->c);
    return (uint32_t)mix64(h);
}

static int ir_eq(const Ir *x, const Ir *y)
{
    return x->op == y->op && x->fn == y->fn && x->a == y->a && x->b == y->b
           && x->c == y->c;
}

static void ht_insert(Lower *L, uint32_t id)
{
    size_t i = ir_hash(&L->ir[id]) & (L->htcap - 1);
    while (L->ht[i] != NONE)
        i = (i + 1) & (L->htcap - 1);
    L->ht[i] = id;
}

static void ht_grow(Lower *L)
{
    free(L->ht);
    L->htcap = L->htcap ? 2 * L->htcap : 256;
    L->ht = nb_xmalloc(L->htcap * sizeof *L->ht);
    memset(L->ht, 0xff, L->htcap * sizeof *L->ht);
    for (size_t i = 0; i < L->nir; i++)
        ht_insert(L, (uint32_t)i);
}

/* The IR value (op fn a b c), shared if it exists already. */
static uint32_t emit(Lower *L, int op, int fn, uint32_t a, uint32_t b,
                     uint32_t c)
{
    Ir v = {(uint16_t)op, (uint16_t)fn, a, b, c};
    if (2 * (L->nir + 1) > L->htcap)
        ht_grow(L);
    size_t i = ir_hash(&v) & (L->htcap - 1);
    for (; L->ht[i] != NONE; i = (i + 1) & (L->htcap - 1))
        if (ir_eq(&L->ir[L->ht[i]], &v))
            return L->ht[i];
    if (L->nir == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 256;
        L->ir = nb_xrealloc(L->ir, L->cap * sizeof *L->ir);
    }
    uint32_t id = (uint32_t)L->nir++;
    L->ir[id] = v;
    L->ht[i] = id;
    return id;
}

static int is_k(const Lower *L, uint32_t v) { return L->ir[v].op == IR_CONST; }
static uint32_t kidx(const Lower *L, uint32_t v) { return L->ir[v].a; }
static uint32_t konst(Lower *L, uint32_t k) { return emit(L, IR_CONST, 0, k, 0, 0); }
static uint32_t konst_si(Lower *L, long v) { return konst(L, pool_si(L->pool, v)); }

/* A register operand for v: constants are loaded. */
static uint32_t reg(Lower *L, uint32_t v)
{
    return is_k(L, v) ? emit(L, NB_OP_LOADK, 0, kidx(L, v), 0, 0) : v;
}

/* Double semantics of the foldable opcodes: the same C expressions as
 * vm_double.c, so folding at compile time changes no bit. */
static double fold_d(int op, int fn, double a, double b)
{
    switch (op) {
    case NB_OP_ADD: return a + b;
    case NB_OP_SUB: return a - b;
    case NB_OP_MUL: return a * b;
    case NB_OP_DIV: return a / b;
    case NB_OP_NEG: return -a;
    case NB_OP_SQR: return a * a;
    case NB_OP_SQRT: return sqrt(a);
    case NB_OP_RSQRT: return 1.0 / sqrt(a + 0.0);
    case NB_OP_POW: return pow(a, b);
    case NB_OP_SIN: return sin(a);
    case NB_OP_COS: return cos(a);
    case NB_OP_EXP: return exp(a);
    case NB_OP_LOG: return log(a);
    case NB_OP_TANH: return nb_tanh_d(a);
    case NB_OP_SIGMOID: return nb_sigmoid_d(a);
    case NB_OP_ATAN: return atan(a);
    case NB_OP_ABS: return fabs(a);
    case NB_OP_RELU: return nb_relu_d(a);
    case NB_OP_CALL1: return nb_builtins[fn].eval_d(&a);
    default: {
        assert(op == NB_OP_CALL2);
        double ab[2] = {a, b};
        return nb_builtins[fn].eval_d(ab);
    }
    }
}

static uint32_t fold(Lower *L, int op, int fn, uint32_t u, uint32_t v)
{
    double a = nb_konst_double(&L->pool->k[kidx(L, u)]);
    double b = 0;
    if (v != NONE)
        b = nb_konst_double(&L->pool->k[kidx(L, v)]);
    return konst(L, pool_double(L->pool, fold_d(op, fn, a, b)));
}

/* Unary op on u, folded when u is a constant in the double stream. */
static uint32_t un(Lower *L, int op, uint32_t u)
{
    if (is_k(L, u) && !L->mp)
        return fold(L, op, 0, u, NONE);
    return emit(L, op, 0, reg(L, u), 0, 0);
}

/* Binary op (ADD SUB MUL DIV POW) on u, v, choosing the constant-operand
 * form when one side is a constant and folding when both are (double). */
static uint32_t bin(Lower *L, int op, uint32_t u, uint32_t v)
{
    int ku = is_k(L, u), kv = is_k(L, v);
    if (ku && kv && !L->mp)
        return fold(L, op, 0, u, v);
    static const int withk[][2] = {
        /* op: {a op K, K op a} */
        [NB_OP_ADD] = {NB_OP_ADDK, NB_OP_ADDK},
        [NB_OP_SUB] = {NB_OP_SUBK, NB_OP_KSUB},
        [NB_OP_MUL] = {NB_OP_MULK, NB_OP_MULK},
        [NB_OP_DIV] = {NB_OP_DIVK, NB_OP_KDIV},
        [NB_OP_POW] = {NB_OP_POWK, NB_OP_KPOW},
    };
    if (kv)
        return emit(L, withk[op][0], 0, reg(L, u), kidx(L, v), 0);
    if (ku)
        return emit(L, withk[op][1], 0, v, kidx(L, u), 0);
    if (op == NB_OP_MUL && u == v)
        return emit(L, NB_OP_SQR, 0, u, 0, 0);
    return emit(L, op, 0, u, v, 0);
}

/* --- powers --------------------------------------------------------------- */

/* b^n, n != 0. Double: square-and-multiply chain (x^6 = (x^3)^2,
 * x^7 = x^6 * x), shared through hash-consing; mp: mpfr_pow_si, correctly
 * rounded. Negative n is 1 / b^-n. */
static uint32_t powi(Lower *L, uint32_t b, long n)
{
    assert(n != 0 && (L->mp || labs(n) <= POWI_CHAIN_MAX));
    if (n == 1)
        return b;
    if (n == 2)
        return un(L, NB_OP_SQR, b);
    if (n < 0 && (n == -1 || !L->mp))
        return bin(L, NB_OP_DIV, konst_si(L, 1), powi(L, b, -n));
    if (L->mp)
        return emit(L, NB_OP_POWI, 0, reg(L, b), 0, (uint32_t)(int32_t)n);
    if (n % 2 == 0)
        return un(L, NB_OP_SQR, powi(L, b, n / 2));
    return bin(L, NB_OP_MUL, powi(L, b, n - 1), b);
}

/* b^q for an exact rational q; qk is q's pool entry or NONE. Halves use
 * sqrt: x^(1/2) = sqrt(x), x^(-1/2) = 1/sqrt(x), x^(3/2) = x*sqrt(x). */
static uint32_t pow_q(Lower *L, uint32_t b, const mpq_t q, uint32_t qk)
{
    const mpz_srcptr num = mpq_numref(q), den = mpq_denref(q);
    if (mpz_sgn(num) == 0)
        return konst_si(L, 1);
    if (mpz_cmp_ui(den, 1) == 0
        && mpz_cmpabs_ui(num, L->mp ? INT32_MAX : POWI_CHAIN_MAX) <= 0)
        return powi(L, b, mpz_get_si(num));
    if (mpz_cmp_ui(den, 2) == 0
        && mpz_cmpabs_ui(num, 2 * POWI_CHAIN_MAX + 1) <= 0) {
        long k = mpz_get_si(num);
        if (k == 1 || k == -1)
            return un(L, k == 1 ? NB_OP_SQRT : NB_OP_RSQRT, b);
        uint32_t t = bin(L, NB_OP_MUL, powi(L, b, labs(k) / 2),
                         un(L, NB_OP_SQRT, b));
        return k > 0 ? t : bin(L, NB_OP_DIV, konst_si(L, 1), t);
    }
    if (qk == NONE)
        qk = pool_q(L->pool, q);
    return bin(L, NB_OP_POW, b, konst(L, qk));
}

/* --- products --------------------------------------------------------------- */

static uint32_t val(Lower *L, const NbExpr *e)
{
    uint32_t v = map_get(&L->memo, e->id);
    assert(v != NONE);
    return v;
}

static int is_numeric(const NbExpr *e)
{
    return e->kind == NB_NUM || e->kind == NB_FLT || e->kind == NB_CONST;
}

/* A factor b^q with q a negative integer or half goes to the denominator as
 * b^-q, so x*y^-1 is one division and x^-2 is 1/(x*x), as C would write. */
static int is_den(const NbExpr *f)
{
    if (f->kind != NB_POW || f->args[1]->kind != NB_NUM)
        return 0;
    const mpq_srcptr q = f->args[1]->u.q;
    return mpq_sgn(q) < 0 && mpz_cmp_ui(mpq_denref(q), 2) <= 0;
}

/* Numerator and denominator (NONE when empty) of f[0] * ... * f[n-1],
 * each multiplied left to right. */
static void split(Lower *L, const NbExpr *const *f, size_t n, uint32_t *num,
                  uint32_t *den)
{
    mpq_t q;
    mpq_init(q);
    *num = *den = NONE;
    for (size_t i = 0; i < n; i++) {
        uint32_t t, *acc = num;
        if (is_den(f[i])) {
            mpq_neg(q, f[i]->args[1]->u.q);
            t = pow_q(L, val(L, f[i]->args[0]), q, NONE);
            acc = den;
        } else {
            t = val(L, f[i]);
        }
        *acc = *acc == NONE ? t : bin(L, NB_OP_MUL, *acc, t);
    }
    mpq_clear(q);
}

/* The product of f[0..n) as one value: num / den, or 1 / den. */
static uint32_t product(Lower *L, const NbExpr *const *f, size_t n)
{
    uint32_t num, den;
    split(L, f, n, &num, &den);
    if (den == NONE)
        return num;
    return bin(L, NB_OP_DIV, num == NONE ? konst_si(L, 1) : num, den);
}

/* Is exact c of the form +-1/q with q not a power of two? Then v*c is
 * computed as v/(+-q), correctly rounded as C's x/3 is, instead of v times
 * a rounded 1/3. */
static int is_recip(Lower *L, const NbExpr *c)
{
    if (c->kind != NB_NUM || mpz_cmpabs_ui(mpq_numref(c->u.q), 1) != 0)
        return 0;
    const mpz_srcptr den = mpq_denref(c->u.q);
    if (mpz_popcount(den) == 1)
        return 0; /* a power of two: 1/q is exact */
    return L->mp || mpz_sizeinbase(den, 2) <= 53;
}

/* v * c for a numeric node c. */
static uint32_t scale(Lower *L, uint32_t v, const NbExpr *c)
{
    if (nb_is_one(c))
        return v;
    if (nb_is_minus_one(c))
        return un(L, NB_OP_NEG, v);
    if (is_recip(L, c)) {
        mpq_t q;
        mpq_init(q);
        mpq_inv(q, c->u.q);
        uint32_t k = pool_q(L->pool, q);
        mpq_clear(q);
        return bin(L, NB_OP_DIV, v, konst(L, k));
    }
    return bin(L, NB_OP_MUL, v, val(L, c));
}

/* A product c * f1 * ... : coefficient applied last, or as K / den when
 * there is no numerator. */
static uint32_t lower_mul(Lower *L, const NbExpr *e)
{
    const NbExpr *c = is_numeric(e->args[0]) ? e->args[0] : NULL;
    size_t i = c ? 1 : 0;
    if (i == e->n)
        return val(L, c);
    uint32_t num, den;
    split(L, e->args + i, e->n - i, &num, &den);
    if (num == NONE)
        return bin(L, NB_OP_DIV, c ? val(L, c) : konst_si(L, 1), den);
    if (den != NONE)
        num = bin(L, NB_OP_DIV, num, den);
    return c ? scale(L, num, c) : num;
}

/* --- sums ------------------------------------------------------------------- */

/* How one term enters a sum. */
enum { T_PLAIN, T_NEG, T_KMUL, T_PROD, T_NEGPROD, T_SQR };
typedef struct Term {
    int kind;
    uint32_t v, w; /* T_PLAIN v; T_NEG -v; T_KMUL v*K[w]; T_PROD v*w;
                      T_NEGPROD -(v*w); T_SQR v*v */
} Term;

static int plain_factor(Lower *L, const NbExpr *f)
{
    return !is_den(f) && !is_k(L, val(L, f));
}

static Term classify(Lower *L, const NbExpr *t)
{
    Term r = {T_PLAIN, val(L, t), 0};
    if (t->kind == NB_POW && t->args[1]->kind == NB_NUM
        && mpz_cmp_ui(mpq_numref(t->args[1]->u.q), 2) == 0
        && mpz_cmp_ui(mpq_denref(t->args[1]->u.q), 1) == 0
        && !is_k(L, val(L, t->args[0])))
        return (Term){T_SQR, val(L, t->args[0]), 0};
    if (t->kind != NB_MUL)
        return r;
    const NbExpr *c = is_numeric(t->args[0]) ? t->args[0] : NULL;
    size_t i = c ? 1 : 0, n = t->n - i;
    const NbExpr *const *f = t->args + i;
    if (n == 2 && plain_factor(L, f[0]) && plain_factor(L, f[1])
        && (!c || nb_is_minus_one(c)))
        return (Term){c ? T_NEGPROD : T_PROD, val(L, f[0]), val(L, f[1])};
    if (!c || is_recip(L, c))
        return r;
    uint32_t rest = product(L, f, n);
    if (is_k(L, rest))
        return r;
    if (nb_is_minus_one(c))
        return (Term){T_NEG, rest, 0};
    return (Term){T_KMUL, rest, L->ir[val(L, c)].a};
}

static uint32_t materialize(Lower *L, Term t)
{
    switch (t.kind) {
    case T_PLAIN: return t.v;
    case T_NEG: return un(L, NB_OP_NEG, t.v);
    case T_KMUL: return bin(L, NB_OP_MUL, t.v, konst(L, t.w));
    case T_PROD: return bin(L, NB_OP_MUL, t.v, t.w);
    case T_NEGPROD: return un(L, NB_OP_NEG, bin(L, NB_OP_MUL, t.v, t.w));
    default: return un(L, NB_OP_SQR, t.v);
    }
}

/* acc + t, fused when t is a product: bit-identical to the unfused
 * acc + (materialized t), since each fused op rounds exactly as the pair. */
static uint32_t combine(Lower *L, uint32_t acc, Term t)
{
    if (is_k(L, acc) && t.kind != T_PLAIN && t.kind != T_NEG)
        return bin(L, NB_OP_ADD, acc, materialize(L, t));
    switch (t.kind) {
    case T_PLAIN: return bin(L, NB_OP_ADD, acc, t.v);
    case T_NEG: return bin(L, NB_OP_SUB, acc, t.v);
    case T_KMUL: return emit(L, NB_OP_MULKADD, 0, t.v, t.w, acc);
    case T_PROD: return emit(L, NB_OP_MULADD, 0, t.v, t.w, acc);
    case T_NEGPROD: return emit(L, NB_OP_MULSUB, 0, t.v, t.w, acc);
    default: return emit(L, NB_OP_SQRADD, 0, t.v, 0, acc);
    }
}

/* One term of a polynomial in base: coef * base^m (coef NULL means 1), or
 * a numeric term (m = 0). Returns 0 when t has no such form. */
static int poly_term(const NbExpr *t, const NbExpr **coef,
                     const NbExpr **base, long *m)
{
    *coef = NULL;
    *base = NULL;
    *m = 0;
    if (is_numeric(t)) {
        *coef = t;
        return 1;
    }
    if (t->kind == NB_MUL && t->n == 2 && is_numeric(t->args[0])) {
        *coef = t->args[0];
        t = t->args[1];
    }
    *base = t;
    *m = 1;
    if (t->kind == NB_POW && t->args[1]->kind == NB_NUM
        && mpz_cmp_ui(mpq_denref(t->args[1]->u.q), 1) == 0
        && mpz_cmp_ui(mpq_numref(t->args[1]->u.q), 2) >= 0
        && mpz_cmp_ui(mpq_numref(t->args[1]->u.q), POLY_MAX_DEGREE) <= 0) {
        *base = t->args[0];
        *m = mpz_get_si(mpq_numref(t->args[1]->u.q));
    }
    return !is_numeric(*base);
}

/* A sum of three or more terms c_i * x^m_i of one base x becomes one POLY
 * (double stream only) when it is not too sparse: POLY walks every power up
 * to the degree. Returns NONE when e is not such a sum. */
static uint32_t lower_poly(Lower *L, const NbExpr *e)
{
    const NbExpr *base = NULL, *coef[POLY_MAX_DEGREE + 1] = {NULL};
    long deg = 0;
    size_t nvar = 0;
    if (L->mp || e->n < 3)
        return NONE;
    for (size_t i = 0; i < e->n; i++) {
        const NbExpr *c, *b;
        long m;
        if (!poly_term(e->args[i], &c, &b, &m))
            return NONE;
        if (m > 0 && base && b != base)
            return NONE;
        if (m > 0)
            base = b, nvar++;
        if (coef[m])
            return NONE; /* two terms of one degree: not canonical */
        coef[m] = c ? c : b; /* b marks "coefficient 1" */
        if (m > deg)
            deg = m;
    }
    if (deg < 2 || nvar < 2 || (size_t)deg > 4 * nvar
        || is_k(L, val(L, base)))
        return NONE;
    uint32_t start = (uint32_t)L->pool->n;
    for (long m = 0; m <= deg; m++) {
        if (coef[m] && is_numeric(coef[m])) {
            pool_copy_node(L->pool, coef[m]);
        } else {
            uint32_t k = pool_new(L->pool, NB_K_Q); /* may move the pool */
            mpq_set_si(L->pool->k[k].q, coef[m] ? 1 : 0, 1);
        }
    }
    return emit(L, NB_OP_POLY, 0, val(L, base), start, (uint32_t)deg);
}

/* A sum, left to right in canonical order; each term fused into the
 * running sum where it can be. The first two terms may swap (t0 + t1 ==
 * t1 + t0 exactly) so that a product term fuses into a plain one. */
static uint32_t lower_add(Lower *L, const NbExpr *e)
{
    uint32_t v = lower_poly(L, e);
    if (v != NONE)
        return v;
    Term t0 = classify(L, e->args[0]), t1 = classify(L, e->args[1]);
    if (t0.kind != T_PLAIN && t1.kind == T_PLAIN) {
        Term t = t0;
        t0 = t1;
        t1 = t;
    }
    uint32_t acc = combine(L, materialize(L, t0), t1);
    for (size_t i = 2; i < e->n; i++)
        acc = combine(L, acc, classify(L, e->args[i]));
    return acc;
}

/* --- functions, leaves, the walk ----------------------------------------- */

/* Built-ins that are opcodes of their own; the rest are CALLs through the
 * table. 0 = none (NB_OP_MOV is never one). */
static const uint8_t inline_op[NB_FN__COUNT] = {
    [NB_FN_SIN] = NB_OP_SIN, [NB_FN_COS] = NB_OP_COS,
    [NB_FN_EXP] = NB_OP_EXP, [NB_FN_LOG] = NB_OP_LOG,
    [NB_FN_LN] = NB_OP_LOG, [NB_FN_SQRT] = NB_OP_SQRT,
    [NB_FN_TANH] = NB_OP_TANH, [NB_FN_SIGMOID] = NB_OP_SIGMOID,
    [NB_FN_ATAN] = NB_OP_ATAN, [NB_FN_ABS] = NB_OP_ABS,
    [NB_FN_RELU] = NB_OP_RELU,
};

static uint32_t lower_fn(Lower *L, const NbExpr *e)
{
    const NbBuiltin *b = &nb_builtins[e->fn];
    if (!b->eval_c || !b->eval_mpc)
        L->analytic = 0;
    if (e->fn == NB_FN_LOG && e->n == 2) /* log(x, b), should it come */
        return bin(L, NB_OP_DIV, un(L, NB_OP_LOG, val(L, e->args[0])),
                   un(L, NB_OP_LOG, val(L, e->args[1])));
    if (e->fn == NB_FN_POW && e->n == 2)
        return bin(L, NB_OP_POW, val(L, e->args[0]), val(L, e->args[1]));
    if (e->n < 1 || e->n > 2 || (int)e->n < b->min_args
        || (int)e->n > b->max_args) {
        nb_diag_set(L->d, NB_ERR_ARGS, "%s takes %d to %d arguments, not %u",
                    b->name, b->min_args, b->max_args, (unsigned)e->n);
        return NONE;
    }
    uint32_t a = val(L, e->args[0]);
    if (e->n == 1 && inline_op[e->fn])
        return un(L, inline_op[e->fn], a);
    if (e->n == 1) {
        if (is_k(L, a) && !L->mp)
            return fold(L, NB_OP_CALL1, e->fn, a, NONE);
        return emit(L, NB_OP_CALL1, e->fn, reg(L, a), 0, 0);
    }
    uint32_t c = val(L, e->args[1]);
    if (is_k(L, a) && is_k(L, c) && !L->mp)
        return fold(L, NB_OP_CALL2, e->fn, a, c);
    return emit(L, NB_OP_CALL2, e->fn, reg(L, a), reg(L, c), 0);
}

static uint32_t lower_sym(Lower *L, const NbExpr *e)
{
    uint32_t i = map_get(&L->varidx, e->id);
    if (i == NONE) {
        nb_diag_set(L->d, NB_ERR_UNKNOWN,
                    "free variable '%s' is not a parameter of the function",
                    e->u.name);
        return NONE;
    }
    return emit(L, IR_VAR, 0, i, 0, 0);
}

/* The IR value of e, its children lowered already; NONE on error. */
static uint32_t lower_node(Lower *L, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
    case NB_FLT:
    case NB_CONST: return konst(L, pool_node(L->pool, e));
    case NB_SYM: return lower_sym(L, e);
    case NB_ADD: return lower_add(L, e);
    case NB_MUL: return lower_mul(L, e);
    case NB_POW:
        if (e->args[1]->kind == NB_NUM)
            return pow_q(L, val(L, e->args[0]), e->args[1]->u.q,
                         pool_node(L->pool, e->args[1]));
        return bin(L, NB_OP_POW, val(L, e->args[0]), val(L, e->args[1]));
    case NB_FN: return lower_fn(L, e);
    default:
        nb_diag_set(L->d, NB_ERR_TYPE, "cannot evaluate a %s as a number",
                    e->kind == NB_VEC ? "vector" : "string");
        return NONE;
    }
}

/* Post-order over the DAG under root with an explicit stack: each node is
 * lowered once, after its children. */
typedef struct Frame {
    const NbExpr *e;
    uint32_t next;
} Frame;

static uint32_t lower_dag(Lower *L, const NbExpr *root)
{
    uint32_t v = map_get(&L->memo, root->id);
    if (v != NONE)
        return v;
    size_t sp = 0, cap = 64;
    Frame *stack = nb_xmalloc(cap * sizeof *stack);
    stack[sp++] = (Frame){root, 0};
    while (sp > 0) {
        Frame *f = &stack[sp - 1];
        if (f->next < f->e->n) {
            const NbExpr *c = f->e->args[f->next++];
            if (map_get(&L->memo, c->id) != NONE)
                continue;
            if (sp == cap)
                stack = nb_xrealloc(stack, (cap *= 2) * sizeof *stack);
            stack[sp++] = (Frame){c, 0};
            continue;
        }
        v = lower_node(L, f->e);
        if (v == NONE)
            break;
        map_put(&L->memo, f->e->id, v);
        sp--;
    }
    free(stack);
    return v;
}

/* --- liveness, registers, emission ------------------------------------------- */

static int is_instr(const Ir *v) { return v->op < NB_OP__COUNT; }

/* Register operand fields of IR value v, as pointers into v (up to 3). */
static int reg_fields(Ir *v, uint32_t **f)
{
    int n = 0;
    const char *sig = nbi_op_sigs[v->op];
    if (sig[0] == 'r')
        f[n++] = &v->a;
    if (sig[1] == 'r')
        f[n++] = &v->b;
    if (sig[2] == 'r')
        f[n++] = &v->c;
    return n;
}

typedef struct Alloc {
    uint32_t *reg, *last, *freed;
    uint8_t *live, *isout;
    size_t nfree;
    uint32_t nregs;
} Alloc;

/* Mark what the outputs need, and each value's last reader. */
static void liveness(Lower *L, Alloc *A)
{
    for (size_t i = L->nir; i-- > 0;) {
        uint32_t *f[3];
        if (!A->live[i] || !is_instr(&L->ir[i]))
            continue;
        for (int j = reg_fields(&L->ir[i], f); j-- > 0;)
            A->live[*f[j]] = 1;
    }
    for (size_t i = 0; i < L->nir; i++) {
        uint32_t *f[3];
        if (!A->live[i] || !is_instr(&L->ir[i]))
            continue;
        for (int j = reg_fields(&L->ir[i], f); j-- > 0;)
            A->last[*f[j]] = (uint32_t)i;
    }
}

/* Linear scan: the destination is taken before the operands whose last
 * use this is are released, so it never aliases them. */
static NbIns place(Lower *L, Alloc *A, uint32_t i)
{
    Ir v = L->ir[i];
    uint32_t *f[3];
    int nf = reg_fields(&v, f);
    uint32_t d = A->nfree ? A->freed[--A->nfree] : A->nregs++;
    A->reg[i] = d;
    for (int j = 0; j < nf; j++) {
        uint32_t o = *f[j];
        assert(A->reg[o] != NONE);
        *f[j] = A->reg[o];
        int dup = j > 0 && L->ir[i].a == o;
        dup |= j > 1 && L->ir[i].b == o;
        if (!dup && A->last[o] == i && !A->isout[o]
            && L->ir[o].op != IR_VAR)
            A->freed[A->nfree++] = A->reg[o];
    }
    return (NbIns){v.op, v.fn, d, v.a, v.b, v.c};
}

static void allocate(Lower *L, NbCode *code, const uint32_t *outv,
                     size_t nout, size_t nvars)
{
    Alloc A;
    size_t n = L->nir, ninstr = 0;
    A.reg = nb_xmalloc(n * sizeof *A.reg);
    A.last = nb_xmalloc(n * sizeof *A.last);
    A.freed = nb_xmalloc(n * sizeof *A.freed);
    A.live = nb_xcalloc(n ? n : 1, 1);
    A.isout = nb_xcalloc(n ? n : 1, 1);
    memset(A.reg, 0xff, n * sizeof *A.reg);
    memset(A.last, 0xff, n * sizeof *A.last);
    A.nfree = 0;
    A.nregs = (uint32_t)nvars;
    for (size_t o = 0; o < nout; o++)
        A.live[outv[o]] = A.isout[outv[o]] = 1;
    liveness(L, &A);
    for (size_t i = 0; i < n; i++) {
        if (L->ir[i].op == IR_VAR)
            A.reg[i] = L->ir[i].a;
        ninstr += A.live[i] && is_instr(&L->ir[i]);
    }
    code->ins = nb_xmalloc((ninstr + 1) * sizeof *code->ins);
    code->nins = 0;
    for (size_t i = 0; i < n; i++)
        if (A.live[i] && is_instr(&L->ir[i]))
            code->ins[code->nins++] = place(L, &A, (uint32_t)i);
    code->ins[code->nins++] = (NbIns){NB_OP_END, 0, 0, 0, 0, 0};
    code->outreg = nb_xmalloc((nout ? nout : 1) * sizeof *code->outreg);
    for (size_t o = 0; o < nout; o++)
        code->outreg[o] = A.reg[outv[o]];
    code->nregs = A.nregs;
    free(A.reg);
    free(A.last);
    free(A.freed);
    free(A.live);
    free(A.isout);
}

/* Is IR value s, an operand of o, a square used only there? */
static int single_square(const Lower *L, const uint32_t *uses, uint32_t s,
                         uint32_t o)
{
    return s < o && uses[s] == 1 && is_instr(&L->ir[s])
           && L->ir[s].op == NB_OP_SQR;
}

/* Peephole: an instruction whose operand is produced by an instruction
 * used nowhere else takes that work over, when the pair is a common shape
 * (exp(k*x), (a - b)^2, 1/(1 + e), a/(b + k)), or the three of
 * (c - a^2)^2 (Rosenbrock's). The fused opcode does the same operations
 * in the same order, so no result changes; the producers become dead and
 * allocate() drops them. */
static void fuse(Lower *L, const uint32_t *outv, size_t nout)
{
    size_t n = L->nir;
    uint32_t *uses = nb_xcalloc(n ? n : 1, sizeof *uses);
    uint8_t *live = nb_xcalloc(n ? n : 1, 1);
    for (size_t o = 0; o < nout; o++)
        live[outv[o]] = 1, uses[outv[o]]++; /* an output is never fused away */
    for (size_t i = n; i-- > 0;) {
        uint32_t *f[3];
        if (live[i] && is_instr(&L->ir[i]))
            for (int j = reg_fields(&L->ir[i], f); j-- > 0;)
                live[*f[j]] = 1, uses[*f[j]]++;
    }
    for (size_t i = 0; i < n; i++) {
        Ir *v = &L->ir[i];
        if (!live[i] || !is_instr(v))
            continue;
        uint32_t o = v->op == NB_OP_DIV ? v->b : v->a;
        if (o >= i || uses[o] != 1 || !is_instr(&L->ir[o]))
            continue;
        const Ir w = L->ir[o];
        Ir r = *v;
        if (v->op == NB_OP_EXP && w.op == NB_OP_MULK)
            r = (Ir){NB_OP_EXPK, 0, w.a, w.b, 0};
        else if (v->op == NB_OP_EXP && w.op == NB_OP_NEG)
            r = (Ir){NB_OP_EXPK, 0, w.a, pool_si(L->pool, -1), 0};
        else if (v->op == NB_OP_SQR && w.op == NB_OP_MULSUB)
            r = (Ir){NB_OP_SQRMULSUB, 0, w.a, w.b, w.c};
        else if (v->op == NB_OP_SQR && w.op == NB_OP_SUB
                 && single_square(L, uses, w.b, o))
            r = (Ir){NB_OP_SQRMULSUB, 0, L->ir[w.b].a, L->ir[w.b].a, w.a};
        /* (a^2 - c)^2 is (c - a^2)^2 to the bit: q - p is exactly
         * -(p - q) in round-to-nearest, and the square drops the sign */
        else if (v->op == NB_OP_SQR && w.op == NB_OP_SUB
                 && single_square(L, uses, w.a, o))
            r = (Ir){NB_OP_SQRMULSUB, 0, L->ir[w.a].a, L->ir[w.a].a, w.b};
        else if (v->op == NB_OP_SQR && w.op == NB_OP_SUB)
            r = (Ir){NB_OP_SQRSUB, 0, w.a, w.b, 0};
        else if (v->op == NB_OP_SQR && w.op == NB_OP_ADDK)
            r = (Ir){NB_OP_SQRADDK, 0, w.a, w.b, 0};
        else if (v->op == NB_OP_SQR && w.op == NB_OP_KSUB)
            r = (Ir){NB_OP_SQRKSUB, 0, w.a, w.b, 0};
        else if (v->op == NB_OP_KDIV && w.op == NB_OP_ADDK)
            r = (Ir){NB_OP_KDIVADDK, 0, w.a, v->b, w.b};
        else if (v->op == NB_OP_DIV && w.op == NB_OP_ADDK)
            r = (Ir){NB_OP_DIVADDK, 0, v->a, w.a, w.b};
        if (r.op != v->op) {
            *v = r; /* the hash-consing table is stale from here on */
            uses[o] = 0;
            if (r.op == NB_OP_SQRMULSUB && w.op == NB_OP_SUB)
                uses[r.c == w.a ? w.b : w.a] = 0; /* the square too */
        }
    }
    free(uses);
    free(live);
}

static void lower_reset(Lower *L, int mp)
{
    free(L->ir);
    free(L->ht);
    map_free(&L->memo);
    L->ir = NULL;
    L->ht = NULL;
    L->nir = L->cap = L->htcap = 0;
    map_init(&L->memo);
    L->mp = mp;
}

/* Lower every output and emit one stream. 0 on error (L->d set). */
static int build_stream(Lower *L, NbCode *code, size_t nout,
                        const NbExpr *const *outs, size_t nvars)
{
    uint32_t *outv = nb_xmalloc((nout ? nout : 1) * sizeof *outv);
    for (size_t o = 0; o < nout; o++) {
        uint32_t v = lower_dag(L, outs[o]);
        if (v == NONE) {
            free(outv);
            return 0;
        }
        outv[o] = reg(L, v);
    }
    fuse(L, outv, nout);
    allocate(L, code, outv, nout, nvars);
    free(outv);
    return 1;
}

static void code_free(NbCode *c)
{
    free(c->ins);
    free(c->outreg);
}

void nb_program_free(NbProgram *p)
{
    if (!p)
        return;
    code_free(&p->dbl);
    code_free(&p->mp);
    for (size_t i = 0; i < p->nkonst; i++) {
        if (p->konst[i].kind == NB_K_Q)
            mpq_clear(p->konst[i].q);
        else if (p->konst[i].kind == NB_K_F)
            mpfr_clear(p->konst[i].f);
    }
    free(p->konst);
    free(p->kd);
    nbi_jit_free(atomic_load_explicit(&p->jit, memory_order_relaxed));
    free(p);
}

static int check_vars(Lower *L, size_t nvars, const NbExpr *const *vars)
{
    if (nvars >= UINT32_MAX / 2)
        return nb_diag_set(L->d, NB_ERR_ARGS, "too many variables"), 0;
    for (size_t i = 0; i < nvars; i++) {
        if (vars[i]->kind != NB_SYM) {
            nb_diag_set(L->d, NB_ERR_ARGS, "parameter %zu is not a variable",
                        i + 1);
            return 0;
        }
        if (map_get(&L->varidx, vars[i]->id) == NONE)
            map_put(&L->varidx, vars[i]->id, (uint32_t)i);
    }
    return 1;
}

NbProgram *nb_compile(NbStore *st, size_t nout, const NbExpr *const *outs,
                      size_t nvars, const NbExpr *const *vars, NbDiag *d)
{
    Pool pool = {0};
    Lower L = {0};
    NbProgram *p = nb_xcalloc(1, sizeof *p);
    map_init(&pool.by_node);
    map_init(&pool.by_bits);
    map_init(&pool.by_small);
    map_init(&L.varidx);
    map_init(&L.memo);
    L.st = st;
    L.d = d;
    L.pool = &pool;
    L.analytic = 1;
    p->nvars = nvars;
    p->nout = nout;
    int ok = check_vars(&L, nvars, vars)
             && build_stream(&L, &p->dbl, nout, outs, nvars);
    if (ok) {
        lower_reset(&L, 1);
        ok = build_stream(&L, &p->mp, nout, outs, nvars);
    }
    p->analytic = L.analytic;
    p->konst = pool.k;
    p->nkonst = pool.n;
    p->kd = nb_xmalloc((pool.n ? pool.n : 1) * sizeof *p->kd);
    for (size_t i = 0; i < pool.n; i++)
        p->kd[i] = nb_konst_double(&pool.k[i]);
    pool_free(&pool);
    free(L.ir);
    free(L.ht);
    map_free(&L.memo);
    map_free(&L.varidx);
    if (!ok) {
        nb_program_free(p);
        return NULL;
    }
    return p;
}

size_t nb_program_nvars(const NbProgram *p) { return p->nvars; }
size_t nb_program_nouts(const NbProgram *p) { return p->nout; }
size_t nb_program_ninstr(const NbProgram *p) { return p->dbl.nins - 1; }
int nb_program_is_analytic(const NbProgram *p) { return p->analytic; }
size_t nb_program_scratch(const NbProgram *p) { return p->dbl.nregs; }

/* --- listing ------------------------------------------------------------------ */

/* "r2 = MULKADD r0 K1(0.5) r3", one line per instruction, then
 * "out r2 r5". K operands show their double value. */
char *nb_program_listing(const NbProgram *p, int mp_stream)
{
    const NbCode *c = mp_stream ? &p->mp : &p->dbl;
    NbBuf b = {0};
    for (size_t i = 0; i + 1 < c->nins; i++) {
        const NbIns *in = &c->ins[i];
        const uint32_t f[3] = {in->a, in->b, in->c};
        nb_buf_printf(&b, "r%u = %s", (unsigned)in->d,
                      nbi_op_names[in->op]);
        for (int j = 0; j < 3; j++) {
            switch (nbi_op_sigs[in->op][j]) {
            case 'r': nb_buf_printf(&b, " r%u", (unsigned)f[j]); break;
            case 'k':
                nb_buf_printf(&b, " K%u(%.17g)", (unsigned)f[j],
                              p->kd[f[j]]);
                break;
            case 'n': nb_buf_printf(&b, " %d", (int)(int32_t)f[j]); break;
            case 'f':
                nb_buf_printf(&b, " %s", nb_builtins[in->fn].name);
                break;
            default: break;
            }
        }
        nb_buf_printf(&b, "\n");
    }
    nb_buf_printf(&b, "out");
    for (size_t o = 0; o < p->nout; o++)
        nb_buf_printf(&b, " r%u", (unsigned)c->outreg[o]);
    nb_buf_printf(&b, "\n");
    return nb_buf_finish(&b);
}
