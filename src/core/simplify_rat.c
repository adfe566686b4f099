/* simplify_rat.c — nb_simplify and its rational-function rewriting.
 *
 * nb_simplify rebuilds every node with the constructors (nb_map_dag of
 * expand.c, so a tree made with nb_intern comes out canonical), then
 * applies, until nothing changes: in sums, c*R*sin(u)^2 + c*R*cos(u)^2 ->
 * c*R and c*R*cosh(u)^2 - c*R*sinh(u)^2 -> c*R; and the two rational rules
 * below. 1 - tanh(x)^2 and exp(log(x)) are left alone: the first is already
 * short, the second holds only for x > 0. It sits above expand.c: the
 * rational rules expand sums to read them as polynomials.
 *
 * Two conservative rewrites, each valid for every real x where both sides
 * are defined:
 *
 *   cancel    in a product, a numerator factor P^a and a denominator factor
 *             Q^-b that are polynomials in one variable with a common factor
 *             g = gcd(P, Q) (Euclid over Q, monic) become
 *             g^(a-b) * (P/g)^a * (Q/g)^-b. Factors are treated pairwise, so
 *             the factored shape is kept: (x^2 - 1)/(x - 1) -> x + 1,
 *             (x+1)^5*(x^2-1)/(x-1) -> (x+1)^6. A base B and its negation -B
 *             cancel too: (x - 1)/(1 - x) -> -1.
 *   together  in a sum, terms with the same denominator are put over it when
 *             the combined term then cancels to something smaller:
 *             x/(x+1) + 1/(x+1) -> 1.
 *
 * "Cheap" is enforced: degrees at most RAT_MAX_DEG, coefficients at most
 * RAT_MAX_BITS during Euclid; past either the expression is left alone.
 */
#include "nabla/simplify.h"
#include "core/simplify_internal.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#define RAT_MAX_DEG 64
#define RAT_MAX_BITS 4096
#define TOGETHER_MAX_TERMS 2000

/* --- dense univariate polynomials over Q ----------------------------------- */

typedef struct Poly {
    mpq_t c[RAT_MAX_DEG + 1];
    int deg; /* -1 for the zero polynomial */
} Poly;

static Poly *poly_new(void)
{
    Poly *p = nb_xmalloc(sizeof *p);
    for (int i = 0; i <= RAT_MAX_DEG; i++)
        mpq_init(p->c[i]);
    p->deg = -1;
    return p;
}

static void poly_free(Poly *p)
{
    if (!p)
        return;
    for (int i = 0; i <= RAT_MAX_DEG; i++)
        mpq_clear(p->c[i]);
    free(p);
}

static void poly_trim(Poly *p)
{
    while (p->deg >= 0 && mpq_sgn(p->c[p->deg]) == 0)
        p->deg--;
}

static void poly_copy(Poly *d, const Poly *s)
{
    for (int i = 0; i <= RAT_MAX_DEG; i++)
        mpq_set(d->c[i], s->c[i]);
    d->deg = s->deg;
}

static int poly_too_big(const Poly *p)
{
    for (int i = 0; i <= p->deg; i++)
        if (mpz_sizeinbase(mpq_numref(p->c[i]), 2)
                + mpz_sizeinbase(mpq_denref(p->c[i]), 2) > RAT_MAX_BITS)
            return 1;
    return 0;
}

/* Add c*x^k from one canonical term; 0 when the term is not a monomial. */
static int add_monomial(Poly *p, const NbExpr *t, const NbExpr *x)
{
    const NbExpr *coef = NULL;
    if (t->kind == NB_NUM) {
        mpq_add(p->c[0], p->c[0], t->u.q);
        return 1;
    }
    if (t->kind == NB_MUL && t->n == 2 && t->args[0]->kind == NB_NUM) {
        coef = t->args[0];
        t = t->args[1];
    }
    long k;
    if (t == x)
        k = 1;
    else if (t->kind == NB_POW && t->args[0] == x && nb_is_integer(t->args[1])
             && mpz_sgn(mpq_numref(t->args[1]->u.q)) > 0
             && mpz_cmp_ui(mpq_numref(t->args[1]->u.q), RAT_MAX_DEG) <= 0)
        k = mpz_get_si(mpq_numref(t->args[1]->u.q));
    else
        return 0;
    if (coef) /* else add 1: (n + d)/d stays in lowest terms */
        mpq_add(p->c[k], p->c[k], coef->u.q);
    else
        mpz_add(mpq_numref(p->c[k]), mpq_numref(p->c[k]), mpq_denref(p->c[k]));
    if (k > p->deg)
        p->deg = (int)k;
    return 1;
}

/* The polynomial in x that e is (after expansion), or NULL. */
static Poly *poly_from(NbStore *st, const NbExpr *e, const NbExpr *x)
{
    if (e->kind == NB_ADD)
        e = nb_expand(st, e);
    Poly *p = poly_new();
    p->deg = 0;
    const NbExpr *const *ts = e->kind == NB_ADD ? e->args : &e;
    size_t n = e->kind == NB_ADD ? e->n : 1;
    for (size_t i = 0; i < n; i++) {
        if (!add_monomial(p, ts[i], x)) {
            poly_free(p);
            return NULL;
        }
    }
    poly_trim(p);
    return p;
}

static const NbExpr *poly_expr(NbStore *st, const Poly *p, const NbExpr *x)
{
    const NbExpr *buf[RAT_MAX_DEG + 1];
    size_t n = 0;
    for (int k = 0; k <= p->deg; k++)
        if (mpq_sgn(p->c[k]))
            buf[n++] = nb_mul2(st, nb_num_q(st, p->c[k]), nb_pow_si(st, x, k));
    return nb_add(st, n, buf);
}

/* a = q*b + r with deg r < deg b; b nonzero. q may be NULL. */
static void poly_divrem(Poly *q, Poly *r, const Poly *a, const Poly *b)
{
    mpq_t t;
    mpq_init(t);
    poly_copy(r, a);
    if (q) {
        for (int i = 0; i <= RAT_MAX_DEG; i++)
            mpq_set_ui(q->c[i], 0, 1);
        q->deg = r->deg - b->deg;
        if (q->deg < 0)
            q->deg = -1;
    }
    while (r->deg >= b->deg) {
        int s = r->deg - b->deg;
        mpq_div(t, r->c[r->deg], b->c[b->deg]);
        if (q)
            mpq_set(q->c[s], t);
        for (int i = 0; i <= b->deg; i++) {
            mpq_t u;
            mpq_init(u);
            mpq_mul(u, t, b->c[i]);
            mpq_sub(r->c[i + s], r->c[i + s], u);
            mpq_clear(u);
        }
        mpq_set_ui(r->c[r->deg], 0, 1); /* exact: cancelled by construction */
        poly_trim(r);
    }
    mpq_clear(t);
}

/* Monic gcd of a and b, or NULL when Euclid's coefficients grow too big. */
static Poly *poly_gcd(const Poly *a, const Poly *b)
{
    Poly *x = poly_new(), *y = poly_new(), *r = poly_new();
    poly_copy(x, a);
    poly_copy(y, b);
    while (y->deg >= 0) {
        poly_divrem(NULL, r, x, y);
        Poly *t = x;
        x = y;
        y = r;
        r = t;
        if (poly_too_big(y)) {
            poly_free(x);
            x = NULL;
            break;
        }
    }
    poly_free(y);
    poly_free(r);
    if (x && x->deg >= 0) {
        mpq_t lc;
        mpq_init(lc);
        mpq_set(lc, x->c[x->deg]);
        for (int i = 0; i <= x->deg; i++)
            mpq_div(x->c[i], x->c[i], lc);
        mpq_clear(lc);
    }
    return x;
}

/* --- a cache of pairs known not to cancel ---------------------------------- */

/* The same numerator/denominator pairs recur in every term of a derivative
 * ((x^2 + 1)^-3 against x, x^2, ...), so pairs found coprime (or not
 * polynomial) are remembered for the duration of one nb_simplify call. */
typedef struct NbRatCache NbRatCache;
struct NbRatCache {
    const NbExpr **a, **b;
    size_t cap, count;
};

static NbRatCache *rat_cache_new(void)
{
    NbRatCache *c = nb_xcalloc(1, sizeof *c);
    return c;
}

static void rat_cache_free(NbRatCache *c)
{
    if (!c)
        return;
    free(c->a);
    free(c->b);
    free(c);
}

static size_t cache_slot(const NbRatCache *c, const NbExpr *a, const NbExpr *b)
{
    size_t i = (a->id * 2654435761u ^ b->id * 40503u) & (c->cap - 1);
    while (c->a[i] && (c->a[i] != a || c->b[i] != b))
        i = (i + 1) & (c->cap - 1);
    return i;
}

static int cache_has(const NbRatCache *c, const NbExpr *a, const NbExpr *b)
{
    return c && c->cap && c->a[cache_slot(c, a, b)];
}

static void cache_add(NbRatCache *c, const NbExpr *a, const NbExpr *b)
{
    if (!c)
        return;
    if ((c->count + 1) * 2 > c->cap) {
        NbRatCache g = {0};
        g.cap = c->cap ? c->cap * 2 : 64;
        g.a = nb_xcalloc(g.cap, sizeof *g.a);
        g.b = nb_xcalloc(g.cap, sizeof *g.b);
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->a[i])
                continue;
            size_t j = cache_slot(&g, c->a[i], c->b[i]);
            g.a[j] = c->a[i];
            g.b[j] = c->b[i];
        }
        g.count = c->count;
        free(c->a);
        free(c->b);
        *c = g;
    }
    size_t i = cache_slot(c, a, b);
    if (!c->a[i]) {
        c->a[i] = a;
        c->b[i] = b;
        c->count++;
    }
}

/* --- cancel ------------------------------------------------------------------ */

typedef struct Factor {
    const NbExpr *base, *expo;
} Factor;

static void factor_of(const NbExpr *f, Factor *out)
{
    if (f->kind == NB_POW) {
        out->base = f->args[0];
        out->expo = f->args[1];
    } else {
        out->base = f;
        out->expo = NULL;
    }
}

static int expo_sign(const NbExpr *e)
{
    if (!e)
        return 1;
    return nb_is_integer(e) ? mpq_sgn(e->u.q) : 0;
}

/* The single variable of a candidate base (a symbol, or a sum whose only
 * free variable it is), else NULL. */
static const NbExpr *sole_var(const NbExpr *b)
{
    if (b->kind == NB_SYM)
        return b;
    if (b->kind != NB_ADD)
        return NULL;
    const NbExpr *v[2];
    return nb_free_syms(b, v, 2) == 1 ? v[0] : NULL;
}

/* Try to cancel numerator factor i against denominator factor j of m. */
static const NbExpr *cancel_pair(NbStore *st, const NbExpr *m, size_t i,
                                 size_t j, NbRatCache *cache)
{
    Factor fi, fj;
    factor_of(m->args[i], &fi);
    factor_of(m->args[j], &fj);
    if (cache_has(cache, fi.base, fj.base))
        return NULL;
    const NbExpr *x = sole_var(fi.base);
    if (!x || sole_var(fj.base) != x) {
        cache_add(cache, fi.base, fj.base);
        return NULL;
    }
    const NbExpr *res = NULL;
    Poly *p = poly_from(st, fi.base, x), *q = poly_from(st, fj.base, x);
    Poly *g = p && q && p->deg > 0 && q->deg > 0 ? poly_gcd(p, q) : NULL;
    if (g && g->deg > 0) {
        Poly *p1 = poly_new(), *q1 = poly_new(), *r = poly_new();
        poly_divrem(p1, r, p, g);
        poly_divrem(q1, r, q, g);
        const NbExpr *a = fi.expo ? fi.expo : nb_one(st);
        const NbExpr *b = fj.expo; /* negative */
        const NbExpr *gx = poly_expr(st, g, x);
        const NbExpr *buf[64];
        NbArr v = NB_ARR_INIT(buf);
        for (size_t k = 0; k < m->n; k++)
            if (k != i && k != j)
                NB_ARR_PUSH_NODE(&v, m->args[k]);
        NB_ARR_PUSH_NODE(&v, nb_pow(st, gx, nb_add2(st, a, b)));
        NB_ARR_PUSH_NODE(&v, nb_pow(st, poly_expr(st, p1, x), a));
        NB_ARR_PUSH_NODE(&v, nb_pow(st, poly_expr(st, q1, x), b));
        res = nb_mul(st, v.n, NB_ARR_NODES(v));
        nb_arr_free(&v);
        poly_free(p1);
        poly_free(q1);
        poly_free(r);
    }
    if (!res)
        cache_add(cache, fi.base, fj.base);
    poly_free(p);
    poly_free(q);
    poly_free(g);
    return res;
}

/* B^a * (-B)^b -> (-1)^b * B^(a+b) for integer b, keeping the base that
 * sorts first. */
static const NbExpr *cancel_negation(NbStore *st, const NbExpr *m, size_t i,
                                     size_t j)
{
    Factor fi, fj;
    factor_of(m->args[i], &fi);
    factor_of(m->args[j], &fj);
    if (fi.base->kind != NB_ADD || fj.base != nb_neg(st, fi.base)
        || expo_sign(fj.expo) == 0 || nb_expr_cmp(fi.base, fj.base) > 0)
        return NULL;
    const NbExpr *a = fi.expo ? fi.expo : nb_one(st);
    const NbExpr *b = fj.expo ? fj.expo : nb_one(st);
    const NbExpr *buf[64];
    NbArr v = NB_ARR_INIT(buf);
    for (size_t k = 0; k < m->n; k++)
        if (k != i && k != j)
            NB_ARR_PUSH_NODE(&v, m->args[k]);
    NB_ARR_PUSH_NODE(&v, nb_pow(st, nb_num_si(st, -1), b));
    NB_ARR_PUSH_NODE(&v, nb_pow(st, fi.base, nb_add2(st, a, b)));
    const NbExpr *r = nb_mul(st, v.n, NB_ARR_NODES(v));
    nb_arr_free(&v);
    return r;
}

static const NbExpr *simplify_cancel(NbStore *st, const NbExpr *m,
                                     NbRatCache *cache)
{
    if (m->kind != NB_MUL)
        return NULL;
    for (size_t i = 0; i < m->n; i++) {
        Factor fi;
        factor_of(m->args[i], &fi);
        if (expo_sign(fi.expo) == 0)
            continue;
        for (size_t j = 0; j < m->n; j++) {
            if (i == j)
                continue;
            const NbExpr *r = cancel_negation(st, m, i, j);
            if (!r && expo_sign(fi.expo) > 0) {
                Factor fj;
                factor_of(m->args[j], &fj);
                if (expo_sign(fj.expo) < 0)
                    r = cancel_pair(st, m, i, j, cache);
            }
            if (r && r != m)
                return r;
        }
    }
    return NULL;
}

/* --- together -------------------------------------------------------------------- */

/* The denominator of a term: the product of its negative-power factors,
 * inverted (1 when none). */
static const NbExpr *denominator(NbStore *st, const NbExpr *t)
{
    const NbExpr *const *fs = t->kind == NB_MUL ? t->args : &t;
    size_t n = t->kind == NB_MUL ? t->n : 1;
    const NbExpr *buf[32];
    NbArr v = NB_ARR_INIT(buf);
    for (size_t i = 0; i < n; i++) {
        Factor f;
        factor_of(fs[i], &f);
        if (f.expo && f.expo->kind == NB_NUM && mpq_sgn(f.expo->u.q) < 0)
            NB_ARR_PUSH_NODE(&v, nb_pow(st, f.base, nb_neg(st, f.expo)));
    }
    const NbExpr *d = nb_mul(st, v.n, NB_ARR_NODES(v));
    nb_arr_free(&v);
    return d;
}

/* m with cancel applied until it no longer changes (a few rounds). */
static const NbExpr *cancel_all(NbStore *st, const NbExpr *m,
                               NbRatCache *cache)
{
    for (int round = 0; round < 8; round++) {
        const NbExpr *r = simplify_cancel(st, m, cache);
        if (!r || r == m)
            break;
        m = r;
    }
    return m;
}

static const NbExpr *simplify_together(NbStore *st, const NbExpr *sum,
                                       NbRatCache *cache)
{
    if (sum->kind != NB_ADD || sum->n > TOGETHER_MAX_TERMS)
        return NULL;
    const NbExpr *dbuf[64];
    NbArr dv = NB_ARR_INIT(dbuf);
    for (size_t j = 0; j < sum->n; j++)
        NB_ARR_PUSH_NODE(&dv, denominator(st, sum->args[j]));
    const NbExpr **dens = NB_ARR_NODES(dv), *res = NULL;
    for (size_t i = 0; i < sum->n && !res; i++) {
        const NbExpr *d = dens[i];
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = dens[j] == d;
        if (seen || nb_is_number(d))
            continue; /* done already; 1, or 0 from an undefined 0^-1 */
        const NbExpr *nbuf[32], *rbuf[32];
        NbArr nums = NB_ARR_INIT(nbuf), rest = NB_ARR_INIT(rbuf);
        for (size_t j = 0; j < sum->n; j++) {
            const NbExpr *t = sum->args[j];
            if (j >= i && dens[j] == d)
                NB_ARR_PUSH_NODE(&nums, nb_mul2(st, t, d));
            else
                NB_ARR_PUSH_NODE(&rest, t);
        }
        const NbExpr *r = NULL;
        if (nums.n >= 2) {
            /* worth it only when something cancels against d and the
             * whole sum gets smaller */
            const NbExpr *num = nb_add(st, nums.n, NB_ARR_NODES(nums));
            const NbExpr *term = cancel_all(st, nb_div(st, num, d), cache);
            if (nb_is_number(term) || denominator(st, term) != d) {
                NB_ARR_PUSH_NODE(&rest, term);
                r = nb_add(st, rest.n, NB_ARR_NODES(rest));
                if (nb_dag_size(r) >= nb_dag_size(sum))
                    r = NULL;
            }
        }
        nb_arr_free(&nums);
        nb_arr_free(&rest);
        if (r && r != sum)
            res = r;
    }
    nb_arr_free(&dv);
    return res;
}

/* --- nb_simplify ------------------------------------------------------------- */

/* The factor base^2 of a term, where base is fn(u), or NULL. */
static const NbExpr *square_of_fn(const NbExpr *f, NbFnId fn)
{
    if (f->kind == NB_POW && f->args[0]->kind == NB_FN && f->args[0]->fn == fn
        && f->args[1]->kind == NB_NUM && mpq_cmp_si(f->args[1]->u.q, 2, 1) == 0)
        return f->args[0];
    return NULL;
}

/* term with its factor g(u)^2 replaced by h(u)^2 (scaled by s), or NULL
 * when term has no g(...)^2 factor. *rest gets term / g(u)^2. */
static const NbExpr *swap_square(NbStore *st, const NbExpr *term, NbFnId g,
                                 NbFnId h, const NbExpr **rest)
{
    const NbExpr *const *fs = term->kind == NB_MUL ? term->args : &term;
    size_t n = term->kind == NB_MUL ? term->n : 1;
    for (size_t i = 0; i < n; i++) {
        const NbExpr *gu = square_of_fn(fs[i], g);
        if (!gu)
            continue;
        *rest = nb_div(st, term, fs[i]);
        return nb_mul2(st, *rest,
                       nb_pow_si(st, nb_fn1(st, h, gu->args[0]), 2));
    }
    return NULL;
}

/* Pythagorean identities in a sum: c*R*sin(u)^2 + c*R*cos(u)^2 -> c*R and
 * c*R*cosh(u)^2 - c*R*sinh(u)^2 -> c*R. Terms are matched by building the
 * partner term and looking for it (interned, so pointer equality). */
static const NbExpr *simplify_pythagoras(NbStore *st, const NbExpr *sum)
{
    static const struct { NbFnId g, h; int sign; } ids[] = {
        {NB_FN_SIN, NB_FN_COS, 1},
        {NB_FN_COSH, NB_FN_SINH, -1},
    };
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        for (size_t i = 0; i < sum->n; i++) {
            const NbExpr *rest;
            const NbExpr *partner =
                swap_square(st, sum->args[i], ids[k].g, ids[k].h, &rest);
            if (!partner)
                continue;
            if (ids[k].sign < 0)
                partner = nb_neg(st, partner);
            for (size_t j = 0; j < sum->n; j++) {
                if (sum->args[j] != partner)
                    continue;
                /* replace both terms by rest */
                const NbExpr *buf[32];
                NbArr v = NB_ARR_INIT(buf);
                for (size_t t = 0; t < sum->n; t++)
                    if (t != i && t != j)
                        NB_ARR_PUSH_NODE(&v, sum->args[t]);
                NB_ARR_PUSH_NODE(&v, rest);
                const NbExpr *r = nb_add(st, v.n, NB_ARR_NODES(v));
                nb_arr_free(&v);
                return r;
            }
        }
    }
    return NULL;
}

static const NbExpr *simplify_node(NbStore *st, const NbExpr *e,
                                   NbRatCache *cache)
{
    for (int round = 0; round < 16; round++) {
        const NbExpr *r = NULL;
        if (e->kind == NB_ADD) {
            r = simplify_pythagoras(st, e);
            if (!r)
                r = simplify_together(st, e, cache);
        } else if (e->kind == NB_MUL) {
            r = simplify_cancel(st, e, cache);
        }
        if (!r || r == e)
            return e;
        e = r;
    }
    return e;
}

static const NbExpr *simplify_post(NbStore *st, const NbExpr *e,
                                   const NbExpr *const *a, void *ctx)
{
    return simplify_node(st, nb_rebuild(st, e, a), ctx);
}

const NbExpr *nb_simplify(NbStore *st, const NbExpr *e)
{
    NbRatCache *cache = rat_cache_new();
    NbMapOps ops = {NULL, simplify_post, cache};
    const NbExpr *r = nb_map_dag(st, e, &ops);
    rat_cache_free(cache);
    return r;
}
