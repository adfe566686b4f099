/* print_arrange.c — the display transformation shared by the printers.
 *
 * A canonical expression is a flat sum of products sorted by nb_expr_cmp;
 * people read something else. This pass builds, in a private store, the
 * tree that is printed:
 *
 *   Order of a sum's terms: polynomial terms (a coefficient times powers of
 *   variables) by descending total degree, ties by variable name (graded
 *   lexicographic: x^2 + x*y + y^2 + 2*x + 1); then the other terms, ordered
 *   by their non-polynomial factor (canonical order: sin before cos before
 *   exp); then the constant. If that puts a negative term first, the first
 *   positive non-polynomial term moves to the front (cos(x) - x*sin(x)),
 *   and when every non-constant term is negative a positive constant does
 *   (1 - x^2, 1 - sigmoid(x)). Polynomials otherwise keep degree order.
 *
 *   Factoring (nb_print, not nb_print_flat): a non-polynomial factor common
 *   to every term is pulled out — the same node, or the same base with
 *   positive numeric exponents (the smallest is pulled: (x+1)^4 from
 *   (x+1)^4 and (x+1)^5), or identical negative exponents (a/y + b/y ->
 *   (a + b)/y) — and the remaining terms are grouped by their
 *   non-polynomial factor, the polynomial cofactor of a group printed as
 *   one parenthesised polynomial, with its sign pulled in front when its
 *   leading coefficient is negative:
 *     (cos(x) - x*sin(x))*exp(-x^2/2)
 *     ((x^10 - 90*x^8 + ...)*sin(x) - (10*x^9 - ...)*cos(x))*exp(-x^2/2)
 *   Pure polynomial factors (x^3 + x^2) and numeric contents are not
 *   pulled out: a polynomial reads best expanded.
 *
 * Round trip: the flat form parses back to the same node. The factored
 * form parses back to the product of the pulled factor and the regrouped
 * sum, which distributes back to the same terms: nb_expand of both sides
 * is the same node, and they evaluate equal (tests/oracle/oracle_roundtrip).
 */
#include "nabla/limits.h"
#include "print/print_internal.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#define DISPLAY_MAX_DEPTH NB_MAX_PRINT_DEPTH

/* --- pointer map ------------------------------------------------------- */

typedef struct PMap {
    const NbExpr **keys;
    const void **vals;
    size_t cap, count;
} PMap;

static size_t ptr_slot(const void *p, size_t cap)
{
    uintptr_t v = (uintptr_t)p;
    v ^= v >> 17;
    v *= 0x9E3779B97F4A7C15ull;
    return (size_t)(v >> 7) & (cap - 1);
}

static void pmap_grow(PMap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const NbExpr **keys = nb_xcalloc(cap, sizeof *keys);
    const void **vals = nb_xcalloc(cap, sizeof *vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = ptr_slot(m->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

static const void *pmap_get(const PMap *m, const NbExpr *k)
{
    if (!m->cap)
        return NULL;
    for (size_t j = ptr_slot(k, m->cap); m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (m->keys[j] == k)
            return m->vals[j];
    return NULL;
}

static void pmap_put(PMap *m, const NbExpr *k, const void *v)
{
    if ((m->count + 1) * 2 > m->cap)
        pmap_grow(m);
    size_t j = ptr_slot(k, m->cap);
    for (; m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (m->keys[j] == k) {
            m->vals[j] = v;
            return;
        }
    m->keys[j] = k;
    m->vals[j] = v;
    m->count++;
}

static void pmap_free(PMap *m)
{
    free(m->keys);
    free(m->vals);
}

/* --- the context --------------------------------------------------------- */

struct NbDisplay {
    NbStore *st;      /* private: display nodes */
    int factor;
    int depth;
    PMap memo;
};

NbDisplay *nb_display_new(int factor)
{
    NbDisplay *dp = nb_xcalloc(1, sizeof *dp);
    dp->st = nb_store_new();
    dp->factor = factor;
    return dp;
}

void nb_display_free(NbDisplay *dp)
{
    if (!dp)
        return;
    pmap_free(&dp->memo);
    nb_store_free(dp->st);
    free(dp);
}

/* --- classification ---------------------------------------------------- */

static int is_posint(const NbExpr *k)
{
    return k->kind == NB_NUM && mpq_sgn(k->u.q) > 0
           && mpz_cmp_ui(mpq_denref(k->u.q), 1) == 0;
}

/* Polynomial factor: a variable, or a variable to a positive integer. */
static int is_poly_factor(const NbExpr *f)
{
    return f->kind == NB_SYM
           || (f->kind == NB_POW && f->args[0]->kind == NB_SYM
               && is_posint(f->args[1]));
}

static int is_const_factor(const NbExpr *f)
{
    return f->kind == NB_NUM || f->kind == NB_FLT || f->kind == NB_CONST;
}

/* A number-valued call or power of numbers: sqrt(2), log(2), pi^2. */
static int is_closed_shallow(const NbExpr *f)
{
    if (f->kind == NB_POW && f->args[1]->kind == NB_NUM
        && (f->args[0]->kind == NB_FN || f->args[0]->kind == NB_CONST))
        f = f->args[0];   /* log(2)^-1, pi^-1 */
    if (f->kind == NB_CONST)
        return 1;
    if (f->kind != NB_POW && f->kind != NB_FN)
        return 0;
    for (uint32_t i = 0; i < f->n; i++)
        if (!is_const_factor(f->args[i]))
            return 0;
    return 1;
}

int nb_factor_class(const NbExpr *f)
{
    if (f->kind == NB_NUM)
        return 0;
    if (f->kind == NB_FLT || f->kind == NB_CONST || is_closed_shallow(f))
        return 1;
    if (f->kind == NB_SYM
        || (f->kind == NB_POW && f->args[0]->kind == NB_SYM
            && f->args[1]->kind == NB_NUM))
        return 2;
    if (f->kind == NB_ADD)
        return 3;
    if (f->kind == NB_POW && f->args[0]->kind == NB_ADD)
        return 4;
    return 5;
}

int nb_display_negative(const NbExpr *e)
{
    if (e->kind == NB_MUL && e->n)
        e = e->args[0];
    if (e->kind == NB_NUM)
        return mpq_sgn(e->u.q) < 0;
    if (e->kind == NB_FLT)
        return mpfr_signbit(e->u.f) && !mpfr_nan_p(e->u.f)
               && !mpfr_zero_p(e->u.f);
    return 0;
}

/* --- terms as (coefficient, factor list) --------------------------------- */

typedef struct Term {
    mpq_t coef;
    const NbExpr **f;
    size_t n;
} Term;

static size_t qbits(const mpq_t q)
{
    return mpz_sizeinbase(mpq_numref(q), 2) + mpz_sizeinbase(mpq_denref(q), 2);
}

int nb_coef_fold(mpq_t coef, const mpq_t q)
{
    if (mpq_cmp_ui(coef, 1, 1) == 0) {
        mpq_set(coef, q);
        return 1;
    }
    if (qbits(coef) > (size_t)NB_MAX_EXACT_BITS
        || qbits(q) > (size_t)NB_MAX_EXACT_BITS)
        return 0;
    mpq_mul(coef, coef, q);
    return 1;
}

static void term_split(Term *t, const NbExpr *e)
{
    mpq_init(t->coef);
    mpq_set_ui(t->coef, 1, 1);
    size_t n = e->kind == NB_MUL ? e->n : 1;
    t->f = nb_xcalloc(n, sizeof *t->f);
    t->n = 0;
    if (e->kind == NB_NUM) {
        mpq_set(t->coef, e->u.q);
        return;
    }
    if (e->kind != NB_MUL) {
        t->f[t->n++] = e;
        return;
    }
    for (uint32_t i = 0; i < e->n; i++) {
        if (e->args[i]->kind != NB_NUM
            || !nb_coef_fold(t->coef, e->args[i]->u.q))
            t->f[t->n++] = e->args[i];
    }
}

static void term_clear(Term *t)
{
    mpq_clear(t->coef);
    free(t->f);
}

/* A display node for coef * f[0..n) (private store, order kept). */
static const NbExpr *term_node(NbDisplay *dp, const mpq_t coef,
                               const NbExpr *const *f, size_t n)
{
    if (n == 0)
        return nb_num_q(dp->st, coef);
    int one = mpq_cmp_ui(coef, 1, 1) == 0;
    if (one && n == 1)
        return f[0];
    const NbExpr **a = nb_xcalloc(n + 1, sizeof *a);
    size_t k = 0;
    if (!one)
        a[k++] = nb_num_q(dp->st, coef);
    memcpy(a + k, f, n * sizeof *f);
    const NbExpr *r = nb_intern(dp->st, NB_MUL, 0, n + k, a);
    free(a);
    return r;
}

/* --- common factors ------------------------------------------------------- */

static const NbExpr *base_of(const NbExpr *f)
{
    return f->kind == NB_POW && f->args[1]->kind == NB_NUM ? f->args[0] : f;
}

/* Exponent of factor f on its base (1 for a plain factor). */
static void expo_of(const NbExpr *f, mpq_t k)
{
    if (f->kind == NB_POW && f->args[1]->kind == NB_NUM)
        mpq_set(k, f->args[1]->u.q);
    else
        mpq_set_ui(k, 1, 1);
}

/* Index of t's factor with base b, or -1. */
static long find_base(const Term *t, const NbExpr *b)
{
    for (size_t i = 0; i < t->n; i++)
        if (base_of(t->f[i]) == b)
            return (long)i;
    return -1;
}

/* Can base b be pulled out of every term; into k the exponent to pull. */
static int common_exponent(const Term *t, size_t nt, const NbExpr *b, mpq_t k)
{
    mpq_t kj;
    mpq_init(kj);
    int ok = 1;
    for (size_t j = 0; j < nt && ok; j++) {
        long i = find_base(&t[j], b);
        if (i < 0) {
            ok = 0;
            break;
        }
        expo_of(t[j].f[i], kj);
        if (j == 0)
            mpq_set(k, kj);
        else if (mpq_sgn(k) < 0)
            ok = mpq_equal(k, kj);
        else if (mpq_sgn(kj) <= 0)
            ok = 0;
        else if (mpq_cmp(kj, k) < 0)
            mpq_set(k, kj);
    }
    mpq_clear(kj);
    return ok;
}

/* Divide every term by b^k (k as pulled: every term has b^kj, kj >= k). */
static void divide_terms(NbDisplay *dp, Term *t, size_t nt, const NbExpr *b,
                         const mpq_t k)
{
    mpq_t kj;
    mpq_init(kj);
    for (size_t j = 0; j < nt; j++) {
        long i = find_base(&t[j], b);
        expo_of(t[j].f[i], kj);
        mpq_sub(kj, kj, k);
        if (mpq_sgn(kj) == 0) {
            memmove(t[j].f + i, t[j].f + i + 1,
                    (t[j].n - (size_t)i - 1) * sizeof *t[j].f);
            t[j].n--;
        } else {
            const NbExpr *a[2] = {b, nb_num_q(dp->st, kj)};
            t[j].f[i] = mpq_cmp_ui(kj, 1, 1) == 0
                            ? b : nb_intern(dp->st, NB_POW, 0, 2, a);
        }
    }
    mpq_clear(kj);
}

/* Pull the common non-polynomial factors of t[0..nt) out; returns their
 * count and stores the pulled factors (display nodes) in out. */
static size_t pull_common(NbDisplay *dp, Term *t, size_t nt,
                          const NbExpr **out)
{
    size_t np = 0;
    mpq_t k;
    mpq_init(k);
    const NbExpr **cand = nb_xcalloc(t[0].n, sizeof *cand);
    size_t nc = 0;
    /* never a power of a bare variable: x^2/2 + sqrt(x) stays as it is */
    for (size_t i = 0; i < t[0].n; i++)
        if (!is_const_factor(t[0].f[i]) && base_of(t[0].f[i])->kind != NB_SYM)
            cand[nc++] = base_of(t[0].f[i]);
    for (size_t c = 0; c < nc; c++) {
        const NbExpr *b = cand[c];
        if (!common_exponent(t, nt, b, k))
            continue;
        divide_terms(dp, t, nt, b, k);
        const NbExpr *a[2] = {b, nb_num_q(dp->st, k)};
        out[np++] = mpq_cmp_ui(k, 1, 1) == 0
                        ? b : nb_intern(dp->st, NB_POW, 0, 2, a);
    }
    free(cand);
    mpq_clear(k);
    return np;
}

/* --- graded order of polynomial parts ---------------------------------- */

/* Exponents and degrees are exact (GMP): x^(2^64)*y has degree 2^64 + 1,
 * which no long holds. */
typedef struct Mono {
    const char *name;
    mpz_srcptr e;         /* NULL: 1 */
} Mono;

static int cmp_exp(mpz_srcptr a, mpz_srcptr b)
{
    if (!a || !b)
        return !a && !b ? 0 : a ? mpz_cmp_ui(a, 1) : -mpz_cmp_ui(b, 1);
    return mpz_cmp(a, b);
}

/* The variable factors of t by name, and (deg not NULL) its degree. */
static size_t monos(const NbExpr *t, Mono *m, size_t cap, mpz_ptr deg)
{
    size_t n = 0;
    if (deg)
        mpz_set_ui(deg, 0);
    size_t nf = t->kind == NB_MUL ? t->n : 1;
    for (size_t i = 0; i < nf; i++) {
        const NbExpr *f = t->kind == NB_MUL ? t->args[i] : t;
        if (!is_poly_factor(f) || n == cap)
            continue;
        mpz_srcptr e = f->kind == NB_SYM ? NULL : mpq_numref(f->args[1]->u.q);
        const char *name = f->kind == NB_SYM ? f->u.name : f->args[0]->u.name;
        size_t j = n++;
        while (j > 0 && strcmp(m[j - 1].name, name) > 0) {
            m[j] = m[j - 1];
            j--;
        }
        m[j].name = name;
        m[j].e = e;
        if (deg && e)
            mpz_add(deg, deg, e);
        else if (deg)
            mpz_add_ui(deg, deg, 1);
    }
    return n;
}

#define MAX_MONO 32

static int cmp_graded(const void *pa, const void *pb)
{
    const NbExpr *a = *(const NbExpr *const *)pa, *b = *(const NbExpr *const *)pb;
    Mono ma[MAX_MONO], mb[MAX_MONO];
    mpz_t da, db;
    mpz_inits(da, db, NULL);
    size_t na = monos(a, ma, MAX_MONO, da), nb = monos(b, mb, MAX_MONO, db);
    int c = mpz_cmp(db, da);
    mpz_clears(da, db, NULL);
    if (c)
        return c > 0 ? 1 : -1;
    for (size_t i = 0; i < na && i < nb; i++) {
        c = strcmp(ma[i].name, mb[i].name);
        if (c)
            return c;
        c = cmp_exp(mb[i].e, ma[i].e);
        if (c)
            return c > 0 ? 1 : -1;
    }
    if (na != nb)
        return na > nb ? -1 : 1;
    return nb_expr_cmp(a, b);
}

/* --- sums ----------------------------------------------------------------- */

typedef struct Item {
    const NbExpr *key;    /* non-polynomial factor (NULL: none) */
    const NbExpr *poly;   /* polynomial part */
    const NbExpr *whole;  /* the divided term */
} Item;

/* Keys order canonically, except that powers of one base go by falling
 * exponent like polynomial terms (6*tan(x)^4 + 8*tan(x)^2 + 2). */
static int cmp_key(const NbExpr *a, const NbExpr *b)
{
    if (base_of(a) == base_of(b)) {
        mpq_t ka, kb;
        mpq_inits(ka, kb, NULL);
        expo_of(a, ka);
        expo_of(b, kb);
        int c = mpq_cmp(kb, ka);
        mpq_clears(ka, kb, NULL);
        if (c)
            return c;
    }
    return nb_expr_cmp(a, b);
}

static int cmp_item(const void *pa, const void *pb)
{
    const Item *a = pa, *b = pb;
    if (a->key != b->key) {
        if (!a->key || !b->key)
            return a->key ? 1 : -1;
        int c = cmp_key(a->key, b->key);
        if (c)
            return c;
    }
    return cmp_graded(&a->poly, &b->poly);
}

/* Split divided term t into its polynomial part and non-polynomial key. */
static void make_item(NbDisplay *dp, const Term *t, Item *it)
{
    const NbExpr **pf = nb_xcalloc(t->n, sizeof *pf), **af = nb_xcalloc(t->n, sizeof *af);
    size_t np = 0, na = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (is_poly_factor(t->f[i]) || is_const_factor(t->f[i]))
            pf[np++] = t->f[i];
        else
            af[na++] = t->f[i];
    }
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    it->poly = term_node(dp, t->coef, pf, np);
    it->key = na ? term_node(dp, one, af, na) : NULL;
    it->whole = term_node(dp, t->coef, t->f, t->n);
    mpq_clear(one);
    free(pf);
    free(af);
}

static int is_constant_item(const Item *it)
{
    Mono m[1];
    return !it->key && monos(it->poly, m, 1, NULL) == 0;
}

/* -p for a display polynomial term p. */
static const NbExpr *negate_term(NbDisplay *dp, const NbExpr *p)
{
    Term t;
    term_split(&t, p);
    mpq_neg(t.coef, t.coef);
    const NbExpr *r = term_node(dp, t.coef, t.f, t.n);
    term_clear(&t);
    return r;
}

/* One group of items with the same key, factored: [-1*](poly sum)*key. */
static const NbExpr *group_node(NbDisplay *dp, const Item *it, size_t n)
{
    const NbExpr **a = nb_xcalloc(n, sizeof *a);
    int neg = nb_display_negative(it[0].poly);
    for (size_t i = 0; i < n; i++)
        a[i] = nb_display(dp, neg ? negate_term(dp, it[i].poly) : it[i].poly);
    const NbExpr *sum = nb_intern(dp->st, NB_ADD, 0, n, a);
    free(a);
    const NbExpr *key = nb_display(dp, it[0].key);
    const NbExpr *f[3];
    size_t k = 0;
    if (neg)
        f[k++] = nb_num_si(dp->st, -1);
    f[k++] = sum;
    f[k++] = key;
    return nb_intern(dp->st, NB_MUL, 0, k, f);
}

/* Move out[from] to the front. */
static void rotate_front(const NbExpr **out, size_t from)
{
    const NbExpr *x = out[from];
    memmove(out + 1, out, from * sizeof *out);
    out[0] = x;
}

/* The positive-first rule (file comment); nonpoly_begin/const_begin split
 * out[] into polynomial, non-polynomial and constant runs. */
static void positive_first(const NbExpr **out, size_t n, size_t nonpoly_begin,
                           size_t const_begin)
{
    if (!n || !nb_display_negative(out[0]))
        return;
    /* among polynomial terms only within the leading degree: y - x */
    Mono m[MAX_MONO];
    mpz_t d0, di;
    mpz_inits(d0, di, NULL);
    monos(out[0], m, MAX_MONO, d0);
    size_t pos = 0;
    for (size_t i = 1; i < nonpoly_begin && !pos; i++) {
        monos(out[i], m, MAX_MONO, di);
        if (mpz_cmp(di, d0) != 0)
            break;
        if (!nb_display_negative(out[i]))
            pos = i;
    }
    mpz_clears(d0, di, NULL);
    if (pos) {
        rotate_front(out, pos);
        return;
    }
    if (nonpoly_begin == 0)
        for (size_t i = 0; i < const_begin; i++)
            if (!nb_display_negative(out[i])) {
                rotate_front(out, i);
                return;
            }
    for (size_t i = 0; i < const_begin; i++)
        if (!nb_display_negative(out[i]))
            return;
    for (size_t i = const_begin; i < n; i++)
        if (!nb_display_negative(out[i])) {
            rotate_front(out, i);
            return;
        }
}

/* Items (sorted) to display terms: runs of equal key of length >= 2 become
 * one factored group in factoring mode. Returns the count written. */
static size_t emit_items(NbDisplay *dp, Item *it, size_t n, const NbExpr **out,
                         size_t *nonpoly_begin, size_t *const_begin)
{
    size_t k = 0;
    *nonpoly_begin = *const_begin = (size_t)-1;
    /* polynomial (non-constant) items, then keyed items, then constants */
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1)
            *nonpoly_begin = k;
        if (pass == 2)
            *const_begin = k;
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && it[j].key == it[i].key)
                j++;
            int want = !it[i].key ? (is_constant_item(&it[i]) ? 2 : 0) : 1;
            if (!it[i].key) {
                for (size_t m = i; m < j; m++) {
                    int w = is_constant_item(&it[m]) ? 2 : 0;
                    if (w == pass)
                        out[k++] = nb_display(dp, it[m].whole);
                }
            } else if (want == pass) {
                if (dp->factor && j - i >= 2) {
                    out[k++] = group_node(dp, it + i, j - i);
                } else {
                    for (size_t m = i; m < j; m++)
                        out[k++] = nb_display(dp, it[m].whole);
                }
            }
            i = j;
        }
    }
    return k;
}

static const NbExpr *disp_sum(NbDisplay *dp, const NbExpr *e)
{
    size_t nt = e->n;
    Term *t = nb_xcalloc(nt, sizeof *t);
    for (size_t i = 0; i < nt; i++)
        term_split(&t[i], e->args[i]);
    const NbExpr **pulled = nb_xcalloc(t[0].n + 1, sizeof *pulled);
    size_t np = dp->factor && nt >= 2 ? pull_common(dp, t, nt, pulled) : 0;
    Item *it = nb_xcalloc(nt, sizeof *it);
    for (size_t i = 0; i < nt; i++)
        make_item(dp, &t[i], &it[i]);
    qsort(it, nt, sizeof *it, cmp_item);
    const NbExpr **out = nb_xcalloc(nt, sizeof *out);
    size_t nonpoly, cbegin;
    size_t n = emit_items(dp, it, nt, out, &nonpoly, &cbegin);
    positive_first(out, n, nonpoly, cbegin);
    const NbExpr *sum = n == 1 ? out[0] : nb_intern(dp->st, NB_ADD, 0, n, out);
    const NbExpr *r = sum;
    if (np) {
        const NbExpr **f = nb_xcalloc(np + 1, sizeof *f);
        f[0] = sum;
        for (size_t i = 0; i < np; i++)
            f[i + 1] = nb_display(dp, pulled[i]);
        r = nb_intern(dp->st, NB_MUL, 0, np + 1, f);
        free(f);
    }
    for (size_t i = 0; i < nt; i++)
        term_clear(&t[i]);
    free(t);
    free(it);
    free(out);
    free(pulled);
    return r;
}

/* --- products and the rest --------------------------------------------- */

/* Display factors; a factor whose display is a product (a factored sum) is
 * spliced in, its coefficient merged, so no product prints inside
 * another. */
static const NbExpr *disp_mul(NbDisplay *dp, const NbExpr *e)
{
    mpq_t c;
    mpq_init(c);
    mpq_set_ui(c, 1, 1);
    size_t cap = e->n, n = 0;
    const NbExpr **f = nb_xcalloc(cap, sizeof *f);
    int changed = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *d = nb_display(dp, e->args[i]);
        changed |= d != e->args[i];
        if (d->kind == NB_NUM && nb_coef_fold(c, d->u.q))
            continue;
        if (d->kind != NB_MUL || e->args[i]->kind == NB_MUL) {
            f[n++] = d;
            continue;
        }
        cap += d->n;
        f = nb_xrealloc(f, cap * sizeof *f);
        for (uint32_t j = 0; j < d->n; j++) {
            if (d->args[j]->kind != NB_NUM
                || !nb_coef_fold(c, d->args[j]->u.q))
                f[n++] = d->args[j];
        }
    }
    const NbExpr *r = changed ? term_node(dp, c, f, n) : e;
    free(f);
    mpq_clear(c);
    return r;
}

static const NbExpr *disp_args(NbDisplay *dp, const NbExpr *e)
{
    const NbExpr **a = nb_xcalloc(e->n, sizeof *a);
    int changed = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        a[i] = nb_display(dp, e->args[i]);
        changed |= a[i] != e->args[i];
    }
    const NbExpr *r = changed ? nb_intern(dp->st, e->kind, e->fn, e->n, a) : e;
    free(a);
    return r;
}

const NbExpr *nb_display(NbDisplay *dp, const NbExpr *e)
{
    if (e->kind < NB_ADD || e->kind == NB_STR || dp->depth >= DISPLAY_MAX_DEPTH)
        return e;
    const NbExpr *m = pmap_get(&dp->memo, e);
    if (m)
        return m;
    dp->depth++;
    const NbExpr *r;
    switch (e->kind) {
    case NB_ADD: r = disp_sum(dp, e); break;
    case NB_MUL: r = disp_mul(dp, e); break;
    default: r = disp_args(dp, e); break;
    }
    dp->depth--;
    pmap_put(&dp->memo, e, r);
    return r;
}
