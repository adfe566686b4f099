/* expand.c — whole-expression rewriting: nb_subs, nb_expand, and the
 * bottom-up map they and nb_simplify (simplify_rat.c) share.
 *
 * All three are one bottom-up pass over the DAG (map_dag): each distinct
 * node is visited once, after its children, with an explicit stack (no
 * recursion, so a 10^6-deep chain cannot overflow the C stack) and a memo
 * keyed by node, so the cost is linear in the DAG size, not in the size of
 * the tree it unfolds to.
 *
 * nb_subs     replaces nodes (pointer equality) and rebuilds the ancestors
 *             with the canonical constructors; untouched subtrees are reused.
 * nb_expand   distributes products over sums and multiplies out integer
 *             powers of sums ((x+1)^-2 -> 1/(x^2 + 2x + 1)), everywhere
 *             including inside calls; an integer power of a sum by the
 *             multinomial theorem, each term built once (repeated
 *             multiplication kept every partial power in the store). A
 *             product or power whose expansion would have more than
 *             NB_MAX_EXPAND_TERMS terms (estimated before any work: product
 *             of term counts, multinomial count) is left as it is, as is
 *             everything when ^C is pressed or the store's budget runs out
 *             (nb_store_over_budget); nb_expand_checked says so.
 * nb_simplify is in simplify_rat.c: it is above expansion, which its
 *             rational rules use.
 */
#include "nabla/simplify.h"
#include "nabla/eval.h"
#include "nabla/limits.h"
#include "core/simplify_internal.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- memo: open addressing from node to node ------------------------------- */

typedef struct Memo {
    const NbExpr **key, **val;
    size_t cap, count;
} Memo;

static size_t memo_slot(const Memo *m, const NbExpr *k)
{
    size_t i = (k->id * 2654435761u) & (m->cap - 1);
    while (m->key[i] && m->key[i] != k)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static const NbExpr *memo_get(const Memo *m, const NbExpr *k)
{
    if (!m->cap)
        return NULL;
    size_t i = memo_slot(m, k);
    return m->key[i] ? m->val[i] : NULL;
}

static void memo_put(Memo *m, const NbExpr *k, const NbExpr *v)
{
    if ((m->count + 1) * 2 > m->cap) {
        Memo g = {0};
        g.cap = m->cap ? m->cap * 2 : 64;
        g.key = nb_xcalloc(g.cap, sizeof *g.key);
        g.val = nb_xcalloc(g.cap, sizeof *g.val);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->key[i])
                continue;
            size_t j = memo_slot(&g, m->key[i]);
            g.key[j] = m->key[i];
            g.val[j] = m->val[i];
        }
        g.count = m->count;
        free(m->key);
        free(m->val);
        *m = g;
    }
    size_t i = memo_slot(m, k);
    if (!m->key[i])
        m->count++;
    m->key[i] = k;
    m->val[i] = v;
}

static void memo_free(Memo *m)
{
    free(m->key);
    free(m->val);
}

/* --- the bottom-up map ------------------------------------------------------ */


typedef struct Frame {
    const NbExpr *e;
    size_t next; /* next child to schedule */
} Frame;

const NbExpr *nb_map_dag(NbStore *st, const NbExpr *root, const NbMapOps *ops)
{
    Memo memo = {0};
    Frame fbuf[64];
    NbArr stack = NB_ARR_INIT(fbuf);
    const NbExpr *abuf[16];
    NbArr args = NB_ARR_INIT(abuf);
    *(Frame *)nb_arr_push(&stack) = (Frame){root, 0};
    int stopped = 0;
    while (stack.n) {
        if (nb_interrupted || nb_store_over_budget(st)) {
            stopped = 1; /* the caller gets root; the session reports */
            break;
        }
        Frame *f = (Frame *)stack.p + stack.n - 1;
        const NbExpr *e = f->e;
        if (f->next == 0 && memo_get(&memo, e)) {
            stack.n--;
            continue;
        }
        if (f->next == 0 && ops->pre) {
            const NbExpr *r = ops->pre(st, e, ops->ctx);
            if (r) {
                memo_put(&memo, e, r);
                stack.n--;
                continue;
            }
        }
        if (f->next < e->n) {
            const NbExpr *c = e->args[f->next++];
            if (!memo_get(&memo, c))
                *(Frame *)nb_arr_push(&stack) = (Frame){c, 0};
            continue;
        }
        args.n = 0;
        for (size_t i = 0; i < e->n; i++)
            NB_ARR_PUSH_NODE(&args, memo_get(&memo, e->args[i]));
        memo_put(&memo, e, ops->post(st, e, NB_ARR_NODES(args), ops->ctx));
        stack.n--;
    }
    const NbExpr *r = stopped ? root : memo_get(&memo, root);
    nb_arr_free(&stack);
    nb_arr_free(&args);
    memo_free(&memo);
    return r;
}

const NbExpr *nb_rebuild(NbStore *st, const NbExpr *e,
                          const NbExpr *const *a)
{
    switch (e->kind) {
    case NB_ADD: return nb_add(st, e->n, a);
    case NB_MUL: return nb_mul(st, e->n, a);
    case NB_POW: return nb_pow(st, a[0], a[1]);
    case NB_FN: return nb_fn(st, (NbFnId)e->fn, e->n, a);
    case NB_VEC: return nb_vec(st, e->n, a);
    default: return e;
    }
}

/* As rebuild, but e itself when no child changed (e is canonical). */
static const NbExpr *rebuild_lazy(NbStore *st, const NbExpr *e,
                                  const NbExpr *const *a)
{
    if (e->n == 0 || memcmp(a, e->args, e->n * sizeof *a) == 0)
        return e;
    return nb_rebuild(st, e, a);
}

/* --- nb_subs ----------------------------------------------------------------- */

typedef struct SubsCtx {
    size_t n;
    const NbExpr *const *vars, *const *vals;
} SubsCtx;

static const NbExpr *subs_pre(NbStore *st, const NbExpr *e, void *ctx)
{
    const SubsCtx *c = ctx;
    (void)st;
    for (size_t i = 0; i < c->n; i++)
        if (e == c->vars[i])
            return c->vals[i];
    return NULL;
}

static const NbExpr *subs_post(NbStore *st, const NbExpr *e,
                               const NbExpr *const *a, void *ctx)
{
    (void)ctx;
    return rebuild_lazy(st, e, a);
}

const NbExpr *nb_subs(NbStore *st, const NbExpr *e, size_t n,
                      const NbExpr *const *vars, const NbExpr *const *vals)
{
    if (n == 0)
        return e;
    SubsCtx c = {n, vars, vals};
    NbMapOps ops = {subs_pre, subs_post, &c};
    return nb_map_dag(st, e, &ops);
}

/* --- nb_expand ---------------------------------------------------------------- */

/* What nb_expand left unexpanded, for nb_expand_checked. */
typedef struct ExpandCtx {
    double refused;   /* terms of the largest expansion refused, or 0 */
} ExpandCtx;

static int expand_stop(NbStore *st)
{
    return nb_interrupted || nb_store_over_budget(st);
}

static size_t nterms(const NbExpr *e) { return e->kind == NB_ADD ? e->n : 1; }

/* a*b with both distributed over their terms, like terms collected. */
static const NbExpr *expand_product2(NbStore *st, const NbExpr *a,
                                     const NbExpr *b)
{
    size_t na = nterms(a), nb = nterms(b);
    if (na == 1 && nb == 1)
        return nb_mul2(st, a, b);
    const NbExpr *buf[64];
    NbArr out = NB_ARR_INIT(buf);
    for (size_t i = 0; i < na && !expand_stop(st); i++) {
        const NbExpr *x = a->kind == NB_ADD ? a->args[i] : a;
        for (size_t j = 0; j < nb; j++) {
            const NbExpr *y = b->kind == NB_ADD ? b->args[j] : b;
            NB_ARR_PUSH_NODE(&out, nb_mul2(st, x, y));
        }
    }
    const NbExpr *r = nb_add(st, out.n, NB_ARR_NODES(out));
    nb_arr_free(&out);
    return r;
}

static const NbExpr *expand_pow(NbStore *st, const NbExpr *b, const NbExpr *e,
                                ExpandCtx *c);

static void refuse(ExpandCtx *c, double terms)
{
    if (terms > c->refused)
        c->refused = terms;
}

/* Distribute a product of already expanded factors, or return NULL when
 * the number of terms would pass NB_MAX_EXPAND_TERMS or the work was
 * stopped (the caller keeps the product unexpanded). */
static const NbExpr *expand_product(NbStore *st, size_t n,
                                    const NbExpr *const *f, ExpandCtx *c)
{
    double est = 1;
    for (size_t i = 0; i < n; i++)
        est *= (double)nterms(f[i]);
    if (est > NB_MAX_EXPAND_TERMS) {
        refuse(c, est);
        return NULL;
    }
    const NbExpr *acc = nb_one(st);
    for (size_t i = 0; i < n; i++) {
        if (expand_stop(st))
            return NULL;
        acc = expand_product2(st, acc, f[i]);
    }
    return acc;
}

static const NbExpr *expand_mul(NbStore *st, size_t n, const NbExpr *const *f,
                                ExpandCtx *c)
{
    const NbExpr *buf[32];
    NbArr v = NB_ARR_INIT(buf);
    for (size_t i = 0; i < n; i++) {
        const NbExpr *x = f[i];
        if (x->kind == NB_POW && x->args[0]->kind == NB_ADD)
            x = expand_pow(st, x->args[0], x->args[1], c);
        NB_ARR_PUSH_NODE(&v, x);
    }
    const NbExpr *r = expand_product(st, v.n, NB_ARR_NODES(v), c);
    if (!r)
        r = nb_mul(st, v.n, NB_ARR_NODES(v));
    nb_arr_free(&v);
    return r;
}

/* Number of terms of (k terms)^m: C(m + k - 1, k - 1), as a double. */
static double multinomial_terms(size_t k, double m)
{
    double r = 1;
    for (size_t i = 1; i < k && r <= NB_MAX_EXPAND_TERMS; i++)
        r = r * (m + (double)i) / (double)i;
    return r;
}

/* The multinomial theorem: (t_0 + ... + t_{n-1})^m is the sum over
 * k_0 + ... + k_{n-1} = m of m!/(k_0! ... k_{n-1}!) t_0^k_0 ... t_{n-1}^k_{n-1}.
 * Terms are made one at a time: level i chooses k_i from what is left
 * (the last level takes the rest); the coefficient is the product of the
 * binomials C(left, k_i), each updated from the one before as k_i steps
 * down. nb_add collects like terms at the end. The recursion is as deep
 * as the base has terms, which the term limit bounds: with m >= 2,
 * C(m + n - 1, n - 1) <= NB_MAX_EXPAND_TERMS means n <= 708. */
typedef struct Multi {
    NbStore *st;
    const NbExpr *const *t;
    size_t n;
    unsigned long m;
    mpz_t *coef;          /* coef[i]: product of the binomials before i */
    mpz_t *binom;         /* binom[i]: C(left, k_i) at level i */
    const NbExpr **pw;    /* pw[i * (m + 1) + k]: t_i^k, made once */
    const NbExpr **fac;   /* the factors chosen so far */
    size_t nfac;
    NbArr out;
} Multi;

static const NbExpr *multi_pow(Multi *m, size_t i, unsigned long k)
{
    const NbExpr **p = &m->pw[i * (m->m + 1) + k];
    if (!*p)
        *p = nb_pow_si(m->st, m->t[i], (long)k);
    return *p;
}

static void multi_rec(Multi *m, size_t i, unsigned long left)
{
    if (expand_stop(m->st))
        return;
    if (i == m->n - 1 || left == 0) {
        size_t nf = m->nfac;
        if (left)
            m->fac[nf++] = multi_pow(m, i, left);
        m->fac[nf++] = nb_num_z(m->st, m->coef[i]);
        NB_ARR_PUSH_NODE(&m->out, nb_mul(m->st, nf, m->fac));
        return;
    }
    mpz_set_ui(m->binom[i], 1); /* C(left, left) */
    for (unsigned long k = left;; k--) {
        mpz_mul(m->coef[i + 1], m->coef[i], m->binom[i]);
        if (k)
            m->fac[m->nfac++] = multi_pow(m, i, k);
        multi_rec(m, i + 1, left - k);
        if (k)
            m->nfac--;
        if (k == 0 || expand_stop(m->st))
            break;
        /* C(left, k - 1) = C(left, k) * k / (left - k + 1) */
        mpz_mul_ui(m->binom[i], m->binom[i], k);
        mpz_divexact_ui(m->binom[i], m->binom[i], left - k + 1);
    }
}

static void *xcalloc_n(size_t n, size_t size)
{
    void *p = nb_xcalloc(n ? n : 1, size);
    return p;
}

/* b^m multiplied out (b a sum, m >= 1), or NULL when stopped. */
static const NbExpr *expand_multinomial(NbStore *st, const NbExpr *b,
                                        unsigned long m)
{
    const NbExpr *buf[64];
    Multi mu = {st, b->args, b->n, m, NULL, NULL, NULL, NULL, 0,
                NB_ARR_INIT(buf)};
    mu.coef = xcalloc_n(b->n + 1, sizeof *mu.coef);
    mu.binom = xcalloc_n(b->n + 1, sizeof *mu.binom);
    mu.pw = xcalloc_n(b->n * (m + 1), sizeof *mu.pw);
    mu.fac = xcalloc_n(b->n + 2, sizeof *mu.fac);
    for (size_t i = 0; i <= b->n; i++) {
        mpz_init_set_ui(mu.coef[i], 1);
        mpz_init(mu.binom[i]);
    }
    multi_rec(&mu, 0, m);
    const NbExpr *r = expand_stop(st) ? NULL
                      : nb_add(st, mu.out.n, NB_ARR_NODES(mu.out));
    for (size_t i = 0; i <= b->n; i++) {
        mpz_clear(mu.coef[i]);
        mpz_clear(mu.binom[i]);
    }
    free(mu.coef);
    free(mu.binom);
    free(mu.pw);
    free(mu.fac);
    nb_arr_free(&mu.out);
    return r;
}

/* b^e with b expanded: (a + b)^n multiplied out for integer n (for n < 0,
 * the expanded denominator). */
static const NbExpr *expand_pow(NbStore *st, const NbExpr *b, const NbExpr *e,
                                ExpandCtx *c)
{
    if (b->kind == NB_ADD && nb_is_integer(e) && mpq_sgn(e->u.q) != 0) {
        mpz_srcptr k = mpq_numref(e->u.q);
        double terms = multinomial_terms(b->n, fabs(mpz_get_d(k)));
        if (terms > NB_MAX_EXPAND_TERMS) {
            refuse(c, terms);
        } else {
            unsigned long m = mpz_get_ui(k); /* |k| <= the term limit */
            const NbExpr *acc = expand_multinomial(st, b, m);
            if (acc)
                return mpz_sgn(k) < 0 ? nb_pow_si(st, acc, -1) : acc;
        }
    }
    const NbExpr *r = nb_pow(st, b, e);
    if (r->kind == NB_MUL) /* (x*(y+1))^2 -> x^2*(y+1)^2: expand again */
        return expand_mul(st, r->n, r->args, c);
    return r;
}

static const NbExpr *expand_post(NbStore *st, const NbExpr *e,
                                 const NbExpr *const *a, void *ctx)
{
    switch (e->kind) {
    case NB_MUL: return expand_mul(st, e->n, a, ctx);
    case NB_POW: return expand_pow(st, a[0], a[1], ctx);
    default: return nb_rebuild(st, e, a);
    }
}

const NbExpr *nb_expand(NbStore *st, const NbExpr *e)
{
    ExpandCtx c = {0};
    NbMapOps ops = {NULL, expand_post, &c};
    return nb_map_dag(st, e, &ops);
}

const NbExpr *nb_expand_checked(NbStore *st, const NbExpr *e, NbDiag *d)
{
    ExpandCtx c = {0};
    NbMapOps ops = {NULL, expand_post, &c};
    const NbExpr *r = nb_map_dag(st, e, &ops);
    if (nb_interrupted || nb_store_over_budget(st))
        return NULL; /* the session says which */
    if (c.refused > 0) {
        nb_diag_set(d, NB_ERR_SWELL, "expansion too large: %.*g terms, more "
                    "than %ld (NB_MAX_EXPAND_TERMS)", c.refused < 1e15 ? 15 : 3,
                    c.refused, (long)NB_MAX_EXPAND_TERMS);
        return NULL;
    }
    return r;
}
