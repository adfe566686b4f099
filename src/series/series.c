/* series.c — truncated power series through an expression (contract:
 * series.h).
 *
 * One post-order walk of the DAG with an explicit stack, memoised per node:
 * a node that does not depend on the bound variable is a constant (marked,
 * no array); every other node gets its n + 1 coefficients from its
 * children's by one of the recurrences below (Brent and Kung 1978; Knuth,
 * TAOCP vol. 2, 4.7). With u = u0 + u1 h + ... and h = x - a:
 *   product     w_k = sum_i a_i b_(k-i)
 *   quotient    q_k = (a_k - sum_(j>=1) b_j q_(k-j)) / b0
 *   u^alpha     p_k = 1/(k u0) sum_(j>=1) ((alpha+1) j - k) u_j p_(k-j)
 *               (J. C. P. Miller; u0 != 0, else a nonnegative integer
 *               alpha after factoring out h^v)
 *   exp         E_k = 1/k sum_(j>=1) j u_j E_(k-j)
 *   log         L_k = (u_k - 1/k sum_(1<=j<k) j L_j u_(k-j)) / u0
 *   sin, cos    S_k = 1/k sum j u_j C_(k-j), C_k = -1/k sum j u_j S_(k-j)
 *   Riccati     F' = (al + be F + ga F^2) u': tan, tanh, cot, sigmoid
 *   F' = F W    sec (W = tan(u) u'), csc (W = -cot(u) u'), gamma (W =
 *               digamma(u) u')
 *   integral    F_k = W_(k-1)/k with W the series of F'(u) u' (asin, atan,
 *               erf, log10, lgamma, min, ... : every built-in whose
 *               derivative does not contain itself), computed by a nested
 *               walk of the derivative expression in a fresh variable
 *               bound to u's series, one order lower
 *   composition f(u0 + h) = sum_j f^(j)(u0)/j! h^j, f^(j) from nabla's own
 *               derivative of f in ONE variable (diff.c's group form). A
 *               built-in of the plain variable (or of c*x + d) is done
 *               this way: its coefficients then read as the derivatives
 *               at the point (tan(1)^2 + 1, not sin(1)/cos(1)^3 ...), and
 *               at a symbolic point it is the cheapest way.
 * Coefficients are kept expanded (a product with a sum is multiplied
 * out), so like terms collect and they stay short; exact rational
 * arithmetic is done in GMP directly and interned once per coefficient.
 *
 * A pole, branch point, kink or jump of a part of the expression at the
 * point has no Taylor series: division by a series with a zero constant
 * term, u^alpha or log(u) with u0 = 0, and per built-in the points listed
 * in check_fn (tan where cos is 0, abs at 0, floor at an integer ...).
 * Whether a closed constant such as sin(1)^2 + cos(1)^2 - 1 is zero is
 * decided exactly when the constructors or nb_simplify fold it, else by
 * evaluating it at 128 and 256 bits: a value that changes between the two
 * is cancellation noise, taken as 0.
 */
#include "series/series.h"
#include "nabla/simplify.h"
#include "nabla/builtins.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "nabla/print.h"
#include "nabla/limits.h"
#include "util/alloc.h"
#include "core/nodemap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef const NbExpr *Ex;

/* --- memo: node -> series ------------------------------------------------ */

static char constant_mark;
#define CONSTANT ((Ex *)(void *)&constant_mark)

/* The memo's series are the walk's: freed with the map (CONSTANT marks a
 * node with no series of its own). */
static void map_free(NbNodeMap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->vals[i] != CONSTANT)
            free(m->vals[i]);
    nb_nodemap_free(m);
}

/* --- context --------------------------------------------------------------- */

typedef struct Ctx {
    NbStore *st;
    NbDiag *d;
    size_t n;            /* order: arrays have n + 1 coefficients */
    Ex zero, one;
    Ex sym[2];           /* bound variables ... */
    const Ex *bind[2];   /* ... and their series */
    size_t nbind;
    Ex var, point;       /* the user's variable and point (messages) */
    NbNodeMap memo;
    int *failed;         /* shared by nested walks */
    size_t base;         /* the store's bytes when the series began */
    size_t base_work;    /* and its lookups */
} Ctx;

/* Poll ^C and the store's budget; 0 (failed set) to stop. */
static int ok(Ctx *c)
{
    if (*c->failed)
        return 0;
    if (nb_interrupted) {
        nb_diag_set(c->d, NB_ERR_INTERRUPTED, "interrupted");
        *c->failed = 1;
    } else if (nb_store_over_budget_diag(c->st, c->d)) {
        *c->failed = 1;
    } else if (nb_store_bytes(c->st) - c->base > (size_t)NB_MAX_SERIES_BYTES) {
        nb_diag_set(c->d, NB_ERR_SWELL, "series too large: its coefficients "
                    "took more than %ld MB (NB_MAX_SERIES_BYTES); lower the "
                    "order", (long)(NB_MAX_SERIES_BYTES >> 20));
        *c->failed = 1;
    } else if (nb_store_lookups(c->st) - c->base_work
               > (size_t)NB_MAX_SERIES_WORK) {
        nb_diag_set(c->d, NB_ERR_SWELL, "series too large: its coefficients "
                    "took more than %ld million lookups of symbolic work "
                    "(NB_MAX_SERIES_WORK); lower the order",
                    (long)(NB_MAX_SERIES_WORK >> 20));
        *c->failed = 1;
    }
    return !*c->failed;
}

static Ex *ser_new(Ctx *c)
{
    Ex *s = nb_xcalloc(c->n + 1, sizeof *s);
    for (size_t k = 0; k <= c->n; k++)
        s[k] = c->zero;
    return s;
}

static Ex *ser_const(Ctx *c, Ex v)
{
    Ex *s = ser_new(c);
    s[0] = v;
    return s;
}

static Ex *ser_copy(Ctx *c, const Ex *a)
{
    Ex *s = ser_new(c);
    memcpy(s, a, (c->n + 1) * sizeof *s);
    return s;
}

/* Index of the first nonzero coefficient from 'from' on; n + 1 if none. */
static size_t ser_val(const Ctx *c, const Ex *a, size_t from)
{
    size_t k = from;
    while (k <= c->n && nb_is_zero(a[k]))
        k++;
    return k;
}

/* --- coefficient arithmetic ----------------------------------------------- */

/* a*b, multiplied out when either is a sum (so like terms collect). */
static Ex cmul(Ctx *c, Ex a, Ex b)
{
    if (nb_is_zero(a) || nb_is_zero(b))
        return c->zero;
    if (a == c->one)
        return b;
    if (b == c->one)
        return a;
    Ex p = nb_mul2(c->st, a, b);
    if ((a->kind == NB_ADD && b->kind != NB_NUM)
        || (b->kind == NB_ADD && a->kind != NB_NUM))
        p = nb_expand(c->st, p);
    return p;
}

static Ex frac(Ctx *c, long p, long q)
{
    return q < 0 ? nb_num_frac(c->st, -p, (unsigned long)-q)
                 : nb_num_frac(c->st, p, (unsigned long)q);
}

static size_t qbits(const mpq_t q)
{
    return mpz_sizeinbase(mpq_numref(q), 2) + mpz_sizeinbase(mpq_denref(q), 2);
}

/* A sum of products w*x*y: exact ones add up in GMP, the rest as terms. */
typedef struct Acc {
    mpq_t q, t;
    Ex *terms;
    size_t n, cap;
} Acc;

static void acc_init(Acc *a)
{
    memset(a, 0, sizeof *a);
    mpq_init(a->q);
    mpq_init(a->t);
}

static void acc_free(Acc *a)
{
    mpq_clear(a->q);
    mpq_clear(a->t);
    free(a->terms);
}

static void acc_push(Acc *a, Ex e)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->terms = nb_xrealloc(a->terms, a->cap * sizeof *a->terms);
    }
    a->terms[a->n++] = e;
}

/* a += w*x*y; w NULL means 1. */
static void acc_add(Ctx *c, Acc *a, Ex w, Ex x, Ex y)
{
    if (nb_is_zero(x) || nb_is_zero(y) || (w && nb_is_zero(w)))
        return;
    if (x->kind == NB_NUM && y->kind == NB_NUM && (!w || w->kind == NB_NUM)
        && qbits(x->u.q) + qbits(y->u.q) + (w ? qbits(w->u.q) : 0)
               < (size_t)NB_MAX_EXACT_BITS) {
        mpq_mul(a->t, x->u.q, y->u.q);
        if (w)
            mpq_mul(a->t, a->t, w->u.q);
        mpq_add(a->q, a->q, a->t);
        return;
    }
    Ex p = cmul(c, x, y);
    acc_push(a, w ? cmul(c, w, p) : p);
}

/* The sum so far; the accumulator is left empty for reuse. */
static Ex acc_end(Ctx *c, Acc *a)
{
    if (mpq_sgn(a->q))
        acc_push(a, nb_num_q(c->st, a->q));
    Ex r = a->n == 0 ? c->zero : a->n == 1 ? a->terms[0]
                                           : nb_add(c->st, a->n, a->terms);
    mpq_set_ui(a->q, 0, 1);
    a->n = 0;
    ok(c);
    return r;
}

/* --- operations on series (arrays of n + 1) --------------------------------- */

static void ser_add_to(Ctx *c, Ex *out, const Ex *a)
{
    for (size_t k = 0; k <= c->n; k++)
        if (!nb_is_zero(a[k]))
            out[k] = nb_add2(c->st, out[k], a[k]);
}

/* out = a*b truncated (out distinct from a and b). */
static void ser_mul(Ctx *c, const Ex *a, const Ex *b, Ex *out)
{
    size_t va = ser_val(c, a, 0), vb = ser_val(c, b, 0);
    Acc acc;
    acc_init(&acc);
    for (size_t k = 0; k <= c->n && ok(c); k++) {
        if (k < va + vb) {
            out[k] = c->zero;
            continue;
        }
        for (size_t i = va; i + vb <= k; i++)
            acc_add(c, &acc, NULL, a[i], b[k - i]);
        out[k] = acc_end(c, &acc);
    }
    acc_free(&acc);
}

/* out = a/b, b[0] != 0. */
static void ser_div(Ctx *c, const Ex *a, const Ex *b, Ex *out)
{
    Ex inv = nb_pow_si(c->st, b[0], -1), m1 = nb_num_si(c->st, -1);
    Acc acc;
    acc_init(&acc);
    for (size_t k = 0; k <= c->n && ok(c); k++) {
        acc_add(c, &acc, NULL, a[k], c->one);
        for (size_t j = 1; j <= k; j++)
            acc_add(c, &acc, m1, b[j], out[k - j]);
        out[k] = cmul(c, inv, acc_end(c, &acc));
    }
    acc_free(&acc);
}

/* out[0..m] = u^alpha by Miller's recurrence, u[0] != 0, out[0] = p0. */
static void ser_pow_miller(Ctx *c, const Ex *u, Ex alpha, Ex p0, Ex *out,
                           size_t m)
{
    NbStore *st = c->st;
    Ex inv = nb_pow_si(st, u[0], -1);
    Acc acc;
    acc_init(&acc);
    out[0] = p0;
    for (size_t k = 1; k <= m && ok(c); k++) {
        for (size_t j = 1; j <= k; j++) {
            if (nb_is_zero(u[j]))
                continue;
            /* ((alpha + 1) j - k) / k */
            Ex w = nb_mul2(st, nb_add2(st, nb_mul2(st, alpha, nb_num_si(st, (long)j)),
                                       nb_num_si(st, (long)j - (long)k)),
                           frac(c, 1, (long)k));
            acc_add(c, &acc, w, u[j], out[k - j]);
        }
        out[k] = cmul(c, inv, acc_end(c, &acc));
    }
    acc_free(&acc);
}

/* out = exp(u) with out[0] = e0 (u[0] unused). */
static void ser_exp(Ctx *c, const Ex *u, Ex e0, Ex *out)
{
    Acc acc;
    acc_init(&acc);
    out[0] = e0;
    for (size_t k = 1; k <= c->n && ok(c); k++) {
        for (size_t j = 1; j <= k; j++)
            acc_add(c, &acc, frac(c, (long)j, (long)k), u[j], out[k - j]);
        out[k] = acc_end(c, &acc);
    }
    acc_free(&acc);
}

/* out = log(u), u[0] != 0, out[0] = l0. */
static void ser_log(Ctx *c, const Ex *u, Ex l0, Ex *out)
{
    Ex inv = nb_pow_si(c->st, u[0], -1);
    Acc acc;
    acc_init(&acc);
    out[0] = l0;
    for (size_t k = 1; k <= c->n && ok(c); k++) {
        acc_add(c, &acc, NULL, u[k], c->one);
        for (size_t j = 1; j < k; j++)
            acc_add(c, &acc, frac(c, -(long)j, (long)k), out[j], u[k - j]);
        out[k] = cmul(c, inv, acc_end(c, &acc));
    }
    acc_free(&acc);
}

/* s = sin(u), co = cos(u) (hyp: sinh, cosh); s[0], co[0] given. */
static void ser_sincos(Ctx *c, const Ex *u, Ex *s, Ex *co, int hyp)
{
    Acc acc;
    acc_init(&acc);
    for (size_t k = 1; k <= c->n && ok(c); k++) {
        for (size_t j = 1; j <= k; j++)
            acc_add(c, &acc, frac(c, (long)j, (long)k), u[j], co[k - j]);
        s[k] = acc_end(c, &acc);
        for (size_t j = 1; j <= k; j++)
            acc_add(c, &acc, frac(c, hyp ? (long)j : -(long)j, (long)k), u[j],
                    s[k - j]);
        co[k] = acc_end(c, &acc);
    }
    acc_free(&acc);
}

/* F' = (al + be F + ga F^2) u', out[0] = f0 (tan: 1, 0, 1; tanh: 1, 0,
 * -1; cot: -1, 0, -1; sigmoid: 0, 1, -1). q holds the bracket. */
static void ser_riccati(Ctx *c, const Ex *u, Ex f0, long al, long be, long ga,
                        Ex *out)
{
    Ex *q = ser_new(c);
    Ex wb = nb_num_si(c->st, be), wg = nb_num_si(c->st, ga);
    Acc acc;
    acc_init(&acc);
    out[0] = f0;
    for (size_t m = 0; m < c->n && ok(c); m++) {
        if (m == 0 && al)
            acc_add(c, &acc, NULL, nb_num_si(c->st, al), c->one);
        if (be)
            acc_add(c, &acc, wb, out[m], c->one);
        for (size_t i = 0; i <= m && ga; i++)
            acc_add(c, &acc, wg, out[i], out[m - i]);
        q[m] = acc_end(c, &acc);
        size_t k = m + 1;
        for (size_t j = 1; j <= k; j++)
            acc_add(c, &acc, frac(c, (long)j, (long)k), u[j], q[k - j]);
        out[k] = acc_end(c, &acc);
    }
    acc_free(&acc);
    free(q);
}

/* F' = F W (W[0..n-1] given), out[0] = f0. */
static void ser_linear_ode(Ctx *c, const Ex *w, Ex f0, Ex *out)
{
    Acc acc;
    acc_init(&acc);
    out[0] = f0;
    for (size_t k = 1; k <= c->n && ok(c); k++) {
        Ex wk = frac(c, 1, (long)k);
        for (size_t j = 0; j < k; j++)
            acc_add(c, &acc, wk, w[j], out[k - 1 - j]);
        out[k] = acc_end(c, &acc);
    }
    acc_free(&acc);
}

/* out = u' (order n - 1 is the last meaningful one). */
static void ser_deriv(Ctx *c, const Ex *u, Ex *out)
{
    for (size_t j = 0; j < c->n; j++)
        out[j] = cmul(c, nb_num_si(c->st, (long)j + 1), u[j + 1]);
    out[c->n] = c->zero;
}

/* --- errors ------------------------------------------------------------------ */

/* "no Taylor series at x = 0: 1/x has a pole there" */
static Ex *no_series(Ctx *c, Ex part, const char *what)
{
    char *pt = nb_print(c->point, NULL), *ps = nb_print(part, NULL);
    int plain = strlen(ps) <= 40 && !strchr(ps, '#');
    nb_diag_set(c->d, NB_ERR_DOMAIN, "no Taylor series at %s = %s: %s %s there",
                c->var->u.name, pt, plain ? ps : "a part of the expression",
                what);
    free(pt);
    free(ps);
    *c->failed = 1;
    return NULL;
}

/* Is the closed constant e zero? See the head comment. An expression with
 * free variables (parameters) is taken as nonzero, as SymPy does. */
static int zero_at(Ctx *c, Ex e)
{
    if (e->kind == NB_NUM)
        return mpq_sgn(e->u.q) == 0;
    if (e->kind == NB_FLT)
        return mpfr_zero_p(e->u.f);
    if (nb_free_syms(e, NULL, 0) > 0)
        return 0;
    Ex s = nb_simplify(c->st, e);
    if (s->kind == NB_NUM)
        return mpq_sgn(s->u.q) == 0;
    NbDiag d = NB_DIAG_INIT;
    Ex lo = nb_eval_float(c->st, e, 128, &d), hi = NULL;
    if (lo && lo->kind == NB_FLT)
        hi = nb_eval_float(c->st, e, 256, &d);
    nb_diag_clear(&d);
    if (!hi || hi->kind != NB_FLT || !mpfr_number_p(hi->u.f))
        return 0;
    if (mpfr_zero_p(hi->u.f))
        return 1;
    mpfr_t t;
    mpfr_init2(t, 64);
    mpfr_sub(t, lo->u.f, hi->u.f, MPFR_RNDN);
    mpfr_div(t, t, hi->u.f, MPFR_RNDN);
    int noise = !mpfr_zero_p(t) && mpfr_get_exp(t) > -60;
    mpfr_clear(t);
    return noise;
}

/* Sign of a closed constant: -1, 0 or 1; 2 when unknown (free symbols or
 * not evaluable). */
static int sign_at(Ctx *c, Ex e)
{
    if (e->kind == NB_NUM)
        return mpq_sgn(e->u.q);
    if (zero_at(c, e))
        return 0;
    if (e->kind == NB_FLT)
        return mpfr_sgn(e->u.f);
    if (nb_free_syms(e, NULL, 0) > 0)
        return 2;
    NbDiag d = NB_DIAG_INIT;
    Ex v = nb_eval_float(c->st, e, 128, &d);
    nb_diag_clear(&d);
    return v && v->kind == NB_FLT && mpfr_number_p(v->u.f) ? mpfr_sgn(v->u.f) : 2;
}

static int is_nonpos_int(Ex e)
{
    return nb_is_integer(e) && mpq_sgn(e->u.q) <= 0;
}

/* Is built-in e of the constant terms v real? The evaluator's own domain
 * check decides, at 128 bits: log(-4) and acos(4) have no real series
 * (they used to give one in sqrt(-15) and log(-4) whose coefficients grew
 * to 64 MB in 7 s at order 20). A value with free symbols (parameters)
 * passes, as in zero_at. */
static int real_at(Ctx *c, Ex e, const Ex *v)
{
    Ex f0 = nb_fn(c->st, (NbFnId)e->fn, e->n, v);
    if (nb_free_syms(f0, NULL, 0) > 0)
        return 1;
    NbDiag d = NB_DIAG_INIT;
    Ex r = nb_eval_float(c->st, f0, 128, &d);
    int outside = !r && d.code == NB_ERR_DOMAIN;
    nb_diag_clear(&d);
    return !outside;
}

static int check_fn_points(Ctx *c, Ex e, const Ex *v, const int *dep);

/* Points where built-in fn of the constant terms v has no Taylor series;
 * dep[i]: argument i varies. 1 when fine; 0 with the error set. */
static int check_fn(Ctx *c, Ex e, const Ex *v, const int *dep)
{
    if (!check_fn_points(c, e, v, dep) || *c->failed)
        return 0;
    return real_at(c, e, v) || !no_series(c, e, "is not real");
}

/* The singular points by kind: poles, branch points, jumps, kinks. */
static int check_fn_points(Ctx *c, Ex e, const Ex *v, const int *dep)
{
    NbStore *st = c->st;
    Ex x = v[0];
    switch (e->fn) {
    case NB_FN_TAN: case NB_FN_SEC:
        return zero_at(c, nb_fn1(st, NB_FN_COS, x)) ? !no_series(c, e, "has a pole") : 1;
    case NB_FN_COT: case NB_FN_CSC:
        return zero_at(c, nb_fn1(st, NB_FN_SIN, x)) ? !no_series(c, e, "has a pole") : 1;
    case NB_FN_LOG: case NB_FN_LOG2: case NB_FN_LOG10: case NB_FN_CBRT:
        return zero_at(c, x) ? !no_series(c, e, "has a branch point") : 1;
    case NB_FN_ASIN: case NB_FN_ACOS: case NB_FN_ATANH:
        if (zero_at(c, nb_add2(st, x, c->one))
            || zero_at(c, nb_sub(st, x, c->one)))
            return !no_series(c, e, e->fn == NB_FN_ATANH ? "has a pole"
                                                           : "has a branch point");
        return 1;
    case NB_FN_ACOSH:
        return zero_at(c, nb_sub(st, x, c->one))
                   ? !no_series(c, e, "has a branch point") : 1;
    case NB_FN_GAMMA: case NB_FN_LGAMMA: case NB_FN_DIGAMMA:
        return is_nonpos_int(x) ? !no_series(c, e, "has a pole") : 1;
    case NB_FN_POLYGAMMA:
        return is_nonpos_int(v[1]) ? !no_series(c, e, "has a pole") : 1;
    case NB_FN_ABS: case NB_FN_RELU:
        return zero_at(c, x) ? !no_series(c, e, "is not differentiable") : 1;
    case NB_FN_SIGN: case NB_FN_HEAVISIDE:
        return zero_at(c, x) ? !no_series(c, e, "jumps") : 1;
    case NB_FN_FLOOR: case NB_FN_CEIL:
        return nb_is_integer(x) ? !no_series(c, e, "jumps") : 1;
    case NB_FN_MIN: case NB_FN_MAX:
        return zero_at(c, nb_sub(st, v[0], v[1]))
                   ? !no_series(c, e, "is not differentiable") : 1;
    case NB_FN_HYPOT:
        return zero_at(c, v[0]) && zero_at(c, v[1])
                   ? !no_series(c, e, "is not differentiable") : 1;
    case NB_FN_ATAN2:
        if (zero_at(c, v[0]) && (zero_at(c, v[1]) || (dep[0] && sign_at(c, v[1]) < 0)))
            return !no_series(c, e, "jumps");
        return 1;
    default:
        return 1;
    }
}

/* --- the walk ------------------------------------------------------------- */

static Ex *walk(Ctx *c, Ex e);

/* Series of expression e in which sym[i] stands for the series bind[i],
 * at order n (<= c->n): a nested walk with its own memo. */
static Ex *sub_series(Ctx *c, Ex e, size_t nb, const Ex *sym, const Ex *const *bind,
                      size_t n)
{
    Ctx s = *c;
    memset(&s.memo, 0, sizeof s.memo);
    s.n = n;
    s.nbind = nb;
    for (size_t i = 0; i < nb; i++) {
        s.sym[i] = sym[i];
        s.bind[i] = bind[i];
    }
    Ex *r = walk(&s, e);
    Ex *out = NULL;
    if (r) {
        out = ser_new(c);   /* c->n + 1 entries, the top ones zero */
        if (r == CONSTANT)
            out[0] = e;
        else
            memcpy(out, r, (n + 1) * sizeof *out);
    }
    map_free(&s.memo);
    return out;
}

static Ex fresh(Ctx *c, int i)
{
    return nb_sym(c->st, i ? "#t1" : "#t0");
}

/* f(g0 + h) = sum_j f^(j)(g0)/j! h^j for the call e, argument i varying
 * with series g; the other arguments are constant. */
static Ex *compose(Ctx *c, Ex e, int i, const Ex *g)
{
    NbStore *st = c->st;
    Ex t = fresh(c, 0), args[2] = {e->args[0], e->n > 1 ? e->args[1] : NULL};
    args[i] = t;
    Ex fe = nb_fn(st, (NbFnId)e->fn, e->n, args);
    size_t v = ser_val(c, g, 1), m = v > c->n ? 0 : c->n / v;
    Ex *dk = nb_xcalloc(m + 1, sizeof *dk);
    if (!nb_diff_all(st, fe, t, (long)m, dk, c->d)) {
        *c->failed = 1;
        free(dk);
        return NULL;
    }
    mpz_t f;
    mpz_init_set_ui(f, 1);
    for (size_t j = 0; j <= m; j++) {
        if (j)
            mpz_mul_ui(f, f, j);
        mpq_t q;
        mpq_init(q);
        mpz_set(mpq_denref(q), f);
        mpz_set_ui(mpq_numref(q), 1);
        dk[j] = cmul(c, nb_num_q(st, q), nb_subs(st, dk[j], 1, &t, &g[0]));
        mpq_clear(q);
    }
    mpz_clear(f);
    Ex *out = ser_new(c);
    out[0] = dk[0];
    if (ser_val(c, g, 2) > c->n) {          /* g = g0 + g1 h */
        for (size_t k = 1; k <= m && ok(c); k++)
            out[k] = cmul(c, dk[k], nb_pow_si(st, g[1], (long)k));
    } else {
        Ex *h = ser_copy(c, g), *p = ser_copy(c, g), *tmp = ser_new(c);
        h[0] = p[0] = c->zero;
        Ex *pk = ser_new(c);
        for (size_t j = 1; j <= m && ok(c); j++) {
            for (size_t k = j * v; k <= c->n; k++)
                pk[k] = cmul(c, dk[j], p[k]);
            ser_add_to(c, out, pk);
            ser_mul(c, p, h, tmp);
            Ex *sw = p;
            p = tmp;
            tmp = sw;
            for (size_t k = 0; k <= c->n; k++)
                pk[k] = c->zero;
        }
        free(h);
        free(p);
        free(tmp);
        free(pk);
    }
    free(dk);
    return out;
}

/* Does derivative expression dx contain a call of fn (then integrating it
 * would ask for the series being built)? */
static int calls_fn(Ex dx, int fn)
{
    if (dx->kind == NB_FN && dx->fn == fn)
        return 1;
    for (uint32_t i = 0; i < dx->n; i++)
        if (calls_fn(dx->args[i], fn))
            return 1;
    return 0;
}

/* W = sum over varying arguments i of (d f / d arg_i)(A) * A_i', the
 * series of the derivative of the call, at order n - 1 (NULL: the call
 * differentiates into itself, or no rule; *self set for the former). */
static Ex *deriv_series(Ctx *c, Ex e, Ex *const *A, const int *dep, int *self)
{
    NbStore *st = c->st;
    const NbBuiltin *b = &nb_builtins[e->fn];
    Ex syms[2], args[2];
    const Ex *binds[2];
    size_t nb = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        args[i] = dep[i] ? (syms[nb] = fresh(c, (int)nb)) : e->args[i];
        if (dep[i])
            binds[nb++] = A[i];
    }
    Ex *w = ser_new(c), *da = ser_new(c), *tmp = ser_new(c);
    for (uint32_t i = 0; i < e->n && !*self && !*c->failed; i++) {
        if (!dep[i])
            continue;
        Ex dx = nb_builtin_deriv(st, e->fn, args, (int)i);
        if (!dx) {
            nb_diag_set(c->d, NB_ERR_DOMAIN, "%s has no derivative in its "
                        "argument %u in nabla", b->name, i + 1);
            *c->failed = 1;
            break;
        }
        if (calls_fn(dx, e->fn)) {
            *self = 1;
            break;
        }
        Ex *s = sub_series(c, dx, nb, syms, binds, c->n ? c->n - 1 : 0);
        if (!s)
            break;
        ser_deriv(c, A[i], da);
        ser_mul(c, s, da, tmp);
        ser_add_to(c, w, tmp);
        free(s);
    }
    free(da);
    free(tmp);
    if (*self || *c->failed) {
        free(w);
        return NULL;
    }
    return w;
}

/* Built-in calls. */
static Ex *rule_fn(Ctx *c, Ex e)
{
    NbStore *st = c->st;
    Ex *A[2] = {NULL, NULL}, v[2] = {NULL, NULL};
    int dep[2] = {0, 0}, ndep = 0, at = 0;
    Ex *out = NULL;
    for (uint32_t i = 0; i < e->n && i < 2; i++) {
        Ex *s = (Ex *)nb_nodemap_get(&c->memo, e->args[i]);
        dep[i] = s != CONSTANT;
        A[i] = dep[i] ? ser_copy(c, s) : ser_const(c, e->args[i]);
        v[i] = A[i][0];
        if (dep[i]) {
            ndep++;
            at = (int)i;
        }
    }
    if (!check_fn(c, e, v, dep))
        goto done;
    const Ex *g = A[at];
    if (ndep == 1 && ser_val(c, g, 2) > c->n && e->fn != NB_FN_GAMMA) {
        out = compose(c, e, at, g);    /* f(g0 + g1 h): see the head comment */
        goto done;
    }
    Ex f0 = nb_fn(st, (NbFnId)e->fn, e->n, v);
    out = ser_new(c);
    Ex *tmp = NULL, *w = NULL;
    switch (e->fn) {
    case NB_FN_EXP:
        ser_exp(c, g, f0, out);
        break;
    case NB_FN_LOG:
        ser_log(c, g, f0, out);
        break;
    case NB_FN_SIN: case NB_FN_COS: case NB_FN_SINH: case NB_FN_COSH: {
        int hyp = e->fn == NB_FN_SINH || e->fn == NB_FN_COSH;
        int is_s = e->fn == NB_FN_SIN || e->fn == NB_FN_SINH;
        tmp = ser_new(c);
        Ex *s = is_s ? out : tmp, *co = is_s ? tmp : out;
        s[0] = nb_fn1(st, hyp ? NB_FN_SINH : NB_FN_SIN, v[0]);
        co[0] = nb_fn1(st, hyp ? NB_FN_COSH : NB_FN_COS, v[0]);
        ser_sincos(c, g, s, co, hyp);
        break;
    }
    case NB_FN_TAN: ser_riccati(c, g, f0, 1, 0, 1, out); break;
    case NB_FN_TANH: ser_riccati(c, g, f0, 1, 0, -1, out); break;
    case NB_FN_COT: ser_riccati(c, g, f0, -1, 0, -1, out); break;
    case NB_FN_SIGMOID: ser_riccati(c, g, f0, 0, 1, -1, out); break;
    case NB_FN_SEC: case NB_FN_CSC: case NB_FN_GAMMA: {
        /* F' = F W: W = tan(g) g', -cot(g) g', digamma(g) g' */
        int sec = e->fn == NB_FN_SEC;
        tmp = ser_new(c);
        if (e->fn == NB_FN_GAMMA) {
            Ex t = fresh(c, 0);
            const Ex *bg[1] = {g};
            Ex *dg = sub_series(c, nb_fn1(st, NB_FN_DIGAMMA, t), 1, &t, bg,
                                c->n ? c->n - 1 : 0);
            if (!dg)
                break;
            memcpy(tmp, dg, (c->n + 1) * sizeof *tmp);
            free(dg);
        } else {
            ser_riccati(c, g, nb_fn1(st, sec ? NB_FN_TAN : NB_FN_COT, v[0]),
                        sec ? 1 : -1, 0, sec ? 1 : -1, tmp);
            if (!sec)
                for (size_t k = 0; k <= c->n; k++)
                    tmp[k] = nb_neg(st, tmp[k]);
        }
        Ex *dg = ser_new(c);
        w = ser_new(c);
        ser_deriv(c, g, dg);
        ser_mul(c, tmp, dg, w);
        free(dg);
        ser_linear_ode(c, w, f0, out);
        break;
    }
    case NB_FN_HYPOT: {                  /* (u^2 + v^2)^(1/2) */
        tmp = ser_new(c);
        w = ser_new(c);
        ser_mul(c, A[0], A[0], tmp);
        ser_mul(c, A[1], A[1], w);
        ser_add_to(c, tmp, w);
        ser_pow_miller(c, tmp, nb_num_frac(st, 1, 2), f0, out, c->n);
        break;
    }
    default: {
        int self = 0, sg;
        w = deriv_series(c, e, A, dep, &self);
        if (w) {                         /* F_k = W_(k-1)/k */
            out[0] = f0;
            for (size_t k = 1; k <= c->n; k++)
                out[k] = cmul(c, frac(c, 1, (long)k), w[k - 1]);
        } else if (self && e->fn == NB_FN_CBRT && (sg = sign_at(c, v[0])) != 2) {
            /* cbrt(g) = sign(g0) (sign(g0) g)^(1/3) */
            tmp = ser_copy(c, g);
            for (size_t k = 0; k <= c->n && sg < 0; k++)
                tmp[k] = nb_neg(st, tmp[k]);
            ser_pow_miller(c, tmp, nb_num_frac(st, 1, 3), nb_pow(st, tmp[0],
                           nb_num_frac(st, 1, 3)), out, c->n);
            for (size_t k = 0; k <= c->n && sg < 0; k++)
                out[k] = nb_neg(st, out[k]);
            out[0] = f0;
        } else if (self && ndep == 1) {
            free(out);
            out = compose(c, e, at, g);
        }
        break;
    }
    }
    free(tmp);
    free(w);
done:
    free(A[0]);
    free(A[1]);
    if (*c->failed) {
        free(out);
        return NULL;
    }
    return out;
}

/* u^p: Miller's recurrence, after taking out h^v when u0 = 0 and p is a
 * nonnegative integer; exp(p log u) when p varies. */
static Ex *rule_pow(Ctx *c, Ex e)
{
    NbStore *st = c->st;
    Ex *su = (Ex *)nb_nodemap_get(&c->memo, e->args[0]);
    Ex *sp = (Ex *)nb_nodemap_get(&c->memo, e->args[1]);
    Ex p = e->args[1];
    if (sp != CONSTANT) {
        if (su != CONSTANT && zero_at(c, su[0]))
            return no_series(c, e, "has a branch point");
        Ex *lu = ser_new(c), *w = ser_new(c), *out = ser_new(c);
        if (su == CONSTANT)
            lu[0] = nb_fn1(st, NB_FN_LOG, e->args[0]);
        else
            ser_log(c, su, nb_fn1(st, NB_FN_LOG, su[0]), lu);
        ser_mul(c, sp, lu, w);
        Ex u0 = su == CONSTANT ? e->args[0] : su[0];
        ser_exp(c, w, nb_pow(st, u0, sp[0]), out);
        free(lu);
        free(w);
        return out;
    }
    if (su == CONSTANT)
        return CONSTANT;
    Ex *out = ser_new(c);
    if (!zero_at(c, su[0])) {
        if (p->kind == NB_NUM && !nb_is_integer(p) && su[0]->kind == NB_NUM
            && mpq_sgn(su[0]->u.q) < 0 && mpz_even_p(mpq_denref(p->u.q))) {
            free(out);
            return no_series(c, e, "is not real");
        }
        if (nb_is_minus_one(p)) {
            Ex *one = ser_const(c, c->one);
            ser_div(c, one, su, out);
            free(one);
        } else {
            ser_pow_miller(c, su, p, nb_pow(st, su[0], p), out, c->n);
        }
        return out;
    }
    if (!nb_is_integer(p) || mpq_sgn(p->u.q) < 0) {
        free(out);
        return no_series(c, e, nb_is_integer(p) ? "has a pole"
                                                : "has a branch point");
    }
    /* from 1: su[0] is zero by zero_at, numerically, though it may not be
     * an exact 0 (6.02e23 - 6.02e23 in floats); from 0, v was 0 and c->n / v
     * divided by zero (found by the script generator) */
    size_t v = ser_val(c, su, 1);
    if (mpq_sgn(p->u.q) == 0) { /* the constructors fold u^0; kept safe */
        out[0] = c->one;
        return out;
    }
    if (v > c->n || mpz_cmp_ui(mpq_numref(p->u.q), c->n / v) > 0)
        return out;                      /* h^(v p) is past order n */
    size_t vp = v * mpz_get_ui(mpq_numref(p->u.q)), m = c->n - vp;
    Ex *pw = ser_new(c);
    ser_pow_miller(c, su + v, p, nb_pow(st, su[v], p), pw, m);
    for (size_t k = 0; k <= m; k++)
        out[vp + k] = pw[k];
    free(pw);
    return out;
}

static Ex *rule_add(Ctx *c, Ex e)
{
    Ex *out = ser_new(c);
    Acc acc;
    acc_init(&acc);
    for (size_t k = 0; k <= c->n && ok(c); k++) {
        for (uint32_t i = 0; i < e->n; i++) {
            Ex *s = (Ex *)nb_nodemap_get(&c->memo, e->args[i]);
            if (s != CONSTANT)
                acc_add(c, &acc, NULL, s[k], c->one);
            else if (k == 0)
                acc_add(c, &acc, NULL, e->args[i], c->one);
        }
        out[k] = acc_end(c, &acc);
    }
    acc_free(&acc);
    return out;
}

static Ex *rule_mul(Ctx *c, Ex e)
{
    Ex *out = NULL, *tmp = ser_new(c);
    Ex *k = nb_xcalloc(e->n, sizeof *k);
    size_t nk = 0;
    for (uint32_t i = 0; i < e->n && ok(c); i++) {
        Ex *s = (Ex *)nb_nodemap_get(&c->memo, e->args[i]);
        if (s == CONSTANT) {
            k[nk++] = e->args[i];
        } else if (!out) {
            out = ser_copy(c, s);
        } else {
            ser_mul(c, out, s, tmp);
            Ex *sw = out;
            out = tmp;
            tmp = sw;
        }
    }
    Ex kk = nk ? nb_mul(c->st, nk, k) : c->one;
    for (size_t j = 0; j <= c->n && out; j++)
        out[j] = cmul(c, kk, out[j]);
    free(k);
    free(tmp);
    return out;
}

/* Series of node x given its children's (in the memo). */
static Ex *rule(Ctx *c, Ex x)
{
    for (size_t i = 0; i < c->nbind; i++)
        if (x == c->sym[i])
            return ser_copy(c, c->bind[i]);
    int dep = 0;
    for (uint32_t i = 0; i < x->n; i++)
        dep |= (Ex *)nb_nodemap_get(&c->memo, x->args[i]) != CONSTANT;
    if (!dep)
        return CONSTANT;
    switch (x->kind) {
    case NB_ADD: return rule_add(c, x);
    case NB_MUL: return rule_mul(c, x);
    case NB_POW: return rule_pow(c, x);
    case NB_FN: return rule_fn(c, x);
    default:
        nb_diag_set(c->d, NB_ERR_TYPE, "taylor needs a scalar expression: a "
                    "vector or string inside it has no series");
        *c->failed = 1;
        return NULL;
    }
}

typedef struct Frame {
    Ex e;
    uint32_t next;
} Frame;

/* Series of e, memoised in c->memo (owned there); NULL on error. */
static Ex *walk(Ctx *c, Ex e)
{
    Ex *done = (Ex *)nb_nodemap_get(&c->memo, e);
    if (done)
        return done;
    size_t cap = 64, n = 0;
    Frame *stk = nb_xcalloc(cap, sizeof *stk);
    stk[n++] = (Frame){e, 0};
    while (n && ok(c)) {
        Frame *f = &stk[n - 1];
        if (f->next < f->e->n) {
            Ex ch = f->e->args[f->next++];
            if ((Ex *)nb_nodemap_get(&c->memo, ch))
                continue;
            if (n == cap) {
                cap *= 2;
                stk = nb_xrealloc(stk, cap * sizeof *stk);
            }
            stk[n++] = (Frame){ch, 0};
            continue;
        }
        Ex x = f->e;
        n--;
        if ((Ex *)nb_nodemap_get(&c->memo, x))
            continue;
        Ex *r = rule(c, x);
        if (!r || *c->failed) {
            if (r != CONSTANT)
                free(r);
            *c->failed = 1;
            break;
        }
        nb_nodemap_put(&c->memo, x, r);
    }
    free(stk);
    return *c->failed ? NULL : (Ex *)nb_nodemap_get(&c->memo, e);
}

const NbExpr **nb_series(NbStore *st, const NbExpr *e, const NbExpr *var,
                         const NbExpr *a, long n, NbDiag *d)
{
    assert(n >= 0 && var->kind == NB_SYM);
    int failed = 0;
    Ctx c = {0};
    c.st = st;
    c.d = d;
    c.n = (size_t)n;
    c.zero = nb_num_si(st, 0);
    c.one = nb_num_si(st, 1);
    c.var = var;
    c.point = a;
    c.failed = &failed;
    c.base = nb_store_bytes(st);
    c.base_work = nb_store_lookups(st);
    Ex *x = ser_new(&c);
    x[0] = a;
    if (n > 0)
        x[1] = c.one;
    c.sym[0] = var;
    c.bind[0] = x;
    c.nbind = 1;
    Ex *r = walk(&c, e);
    Ex *out = NULL;
    if (r == CONSTANT)
        out = ser_const(&c, e);
    else if (r)
        out = ser_copy(&c, r);
    map_free(&c.memo);
    free(x);
    return out;
}
