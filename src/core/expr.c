/* expr.c — the hash-consed expression store.
 *
 * Nodes are interned in one open-addressing table keyed by structure: a
 * compound's key is (kind, fn, children's addresses), a leaf's its value.
 * Children are interned before parents, so structural equality of compounds
 * reduces to pointer equality of children and a lookup costs O(n) in the
 * node's own arity, never in the size of the expression below it.
 */
#include "nabla/expr.h"
#include "nabla/limits.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct NbStore {
    NbExpr **slots;     /* hash table of nodes, NULL = empty */
    size_t cap;         /* power of two */
    NbExpr **all;       /* every node by id, for freeing */
    size_t count, all_cap;
    size_t bytes;       /* held by the nodes: node, children, payload */
    size_t mark;        /* bytes when the current budget began */
    size_t lookups;     /* compound and number lookups: the work done */
};

NbStore *nb_store_new(void)
{
    NbStore *st = nb_xmalloc(sizeof *st);
    st->cap = 1024;
    st->slots = nb_xcalloc(st->cap, sizeof *st->slots);
    st->all_cap = 1024;
    st->all = nb_xmalloc(st->all_cap * sizeof *st->all);
    st->count = 0;
    st->bytes = st->mark = 0;
    st->lookups = 0;
    return st;
}

static void node_clear(NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM: mpq_clear(e->u.q); break;
    case NB_FLT: mpfr_clear(e->u.f); break;
    case NB_SYM:
    case NB_STR: free((char *)e->u.name); break;
    default: break;
    }
}

static void cmp_cache_clear(void);

void nb_store_free(NbStore *st)
{
    if (!st)
        return;
    cmp_cache_clear();
    for (size_t i = 0; i < st->count; i++) {
        node_clear(st->all[i]);
        free(st->all[i]);
    }
    free(st->all);
    free(st->slots);
    free(st);
}

size_t nb_store_count(const NbStore *st) { return st->count; }

size_t nb_store_bytes(const NbStore *st) { return st->bytes; }

size_t nb_store_lookups(const NbStore *st) { return st->lookups; }

void nb_store_budget_start(NbStore *st) { st->mark = st->bytes; }

int nb_store_over_budget(const NbStore *st)
{
    return st->bytes - st->mark > (size_t)NB_MAX_STATEMENT_BYTES;
}

int nb_store_over_budget_diag(const NbStore *st, NbDiag *d)
{
    if (!nb_store_over_budget(st))
        return 0;
    nb_diag_set(d, NB_ERR_SWELL, "expressions too large: this statement "
                "built more than %ld MB of them (NB_MAX_STATEMENT_BYTES)",
                NB_MAX_STATEMENT_BYTES >> 20);
    return 1;
}

/* Bytes e holds, roughly as malloc sees them. */
static size_t node_bytes(const NbExpr *e)
{
    size_t b = sizeof *e + e->n * sizeof e->args[0];
    switch (e->kind) {
    case NB_NUM:
        return b + (mpz_size(mpq_numref(e->u.q)) + mpz_size(mpq_denref(e->u.q)))
                       * sizeof(mp_limb_t);
    case NB_FLT: return b + (size_t)mpfr_get_prec(e->u.f) / 8 + 8;
    case NB_SYM:
    case NB_STR: return b + strlen(e->u.name) + 1;
    default: return b;
    }
}

/* --- hashing ------------------------------------------------------------- */

static uint32_t mix(uint32_t h, uint64_t v)
{
    h ^= (uint32_t)(v ^ (v >> 32));
    h *= 0x01000193u; /* FNV prime, then an avalanche step */
    h ^= h >> 15;
    return h;
}

static uint32_t hash_mpz(uint32_t h, const mpz_t z)
{
    size_t n = mpz_size(z);
    h = mix(h, (uint64_t)mpz_sgn(z) + 7u);
    for (size_t i = 0; i < n; i++)
        h = mix(h, mpz_getlimbn(z, (mp_size_t)i));
    return h;
}

static uint32_t hash_str(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = mix(h, (unsigned char)*s);
    return h;
}

static uint32_t hash_mpfr(uint32_t h, mpfr_srcptr f, int is_double)
{
    h = mix(h, (uint64_t)mpfr_get_prec(f) * 2 + (uint64_t)is_double);
    if (!mpfr_regular_p(f))
        return mix(h, (uint64_t)(mpfr_nan_p(f) ? 1 : mpfr_inf_p(f) ? 2 : 3) * 4
                          + (uint64_t)mpfr_signbit(f));
    mpz_t m;
    mpz_init(m);
    mpfr_exp_t ex = mpfr_get_z_2exp(m, f);
    h = hash_mpz(mix(h, (uint64_t)ex), m);
    mpz_clear(m);
    return h;
}

static uint32_t hash_compound(int kind, int fn, size_t n,
                              const NbExpr *const *args)
{
    uint32_t h = mix(mix(0x811c9dc5u, (uint64_t)kind), (uint64_t)fn);
    for (size_t i = 0; i < n; i++)
        h = mix(h, args[i]->id);
    return h;
}

/* --- the table ----------------------------------------------------------- */

static void grow(NbStore *st)
{
    size_t cap = st->cap * 2;
    NbExpr **slots = nb_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < st->cap; i++) {
        NbExpr *e = st->slots[i];
        if (!e)
            continue;
        size_t j = e->hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = e;
    }
    free(st->slots);
    st->slots = slots;
    st->cap = cap;
}

/* Insert a fresh node (known to be absent) and give it the next id. */
static const NbExpr *insert(NbStore *st, NbExpr *e, size_t slot)
{
    e->id = (uint32_t)st->count;
    if (st->count == st->all_cap) {
        st->all_cap *= 2;
        NbExpr **all = nb_xrealloc(st->all, st->all_cap * sizeof *all);
        st->all = all;
    }
    st->all[st->count++] = e;
    st->slots[slot] = e;
    st->bytes += node_bytes(e);
    if (st->count * 2 > st->cap)
        grow(st);
    return e;
}

static NbExpr *new_node(int kind, int fn, size_t n, uint32_t hash)
{
    NbExpr *e = nb_xmalloc(sizeof *e + n * sizeof e->args[0]);
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->fn = (uint16_t)fn;
    e->n = (uint32_t)n;
    e->hash = hash;
    return e;
}

const NbExpr *nb_intern(NbStore *st, NbKind kind, int fn, size_t n,
                        const NbExpr *const *args)
{
    assert(kind >= NB_ADD && kind <= NB_VEC);
    st->lookups += 1 + n;
    uint32_t h = hash_compound(kind, fn, n, args);
    size_t i = h & (st->cap - 1);
    for (NbExpr *e; (e = st->slots[i]); i = (i + 1) & (st->cap - 1)) {
        if (e->hash != h || e->kind != kind || e->fn != fn || e->n != n)
            continue;
        if (n == 0 || memcmp(e->args, args, n * sizeof *args) == 0)
            return e;
    }
    NbExpr *e = new_node(kind, fn, n, h);
    if (n)
        memcpy(e->args, args, n * sizeof *args);
    return insert(st, e, i);
}

/* --- leaves -------------------------------------------------------------- */

const NbExpr *nb_num_q(NbStore *st, const mpq_t q)
{
    st->lookups++;
    uint32_t h = hash_mpz(hash_mpz(mix(0, NB_NUM), mpq_numref(q)),
                          mpq_denref(q));
    size_t i = h & (st->cap - 1);
    for (NbExpr *e; (e = st->slots[i]); i = (i + 1) & (st->cap - 1))
        if (e->hash == h && e->kind == NB_NUM && mpq_equal(e->u.q, q))
            return e;
    NbExpr *e = new_node(NB_NUM, 0, 0, h);
    mpq_init(e->u.q);
    mpq_set(e->u.q, q);
    return insert(st, e, i);
}

const NbExpr *nb_num_z(NbStore *st, const mpz_t z)
{
    mpq_t q;
    mpq_init(q);
    mpq_set_z(q, z);
    const NbExpr *e = nb_num_q(st, q);
    mpq_clear(q);
    return e;
}

/* The constructors ask for small integers (0, 1, -1, exponents) all the
 * time: look them up without building an mpq. The hash is the one hash_mpz
 * computes for v/1 (a single limb holds |v|). */
static const NbExpr *find_si(const NbStore *st, long v)
{
    if (sizeof(mp_limb_t) < sizeof(long))
        return NULL;
    unsigned long m = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    uint32_t h = mix(mix(0, NB_NUM), (uint64_t)((v > 0) - (v < 0)) + 7u);
    if (m)
        h = mix(h, (mp_limb_t)m);
    h = mix(mix(h, 1u + 7u), 1u); /* the denominator 1 */
    size_t i = h & (st->cap - 1);
    for (NbExpr *e; (e = st->slots[i]); i = (i + 1) & (st->cap - 1))
        if (e->hash == h && e->kind == NB_NUM && mpq_cmp_si(e->u.q, v, 1) == 0)
            return e;
    return NULL;
}

const NbExpr *nb_num_si(NbStore *st, long v)
{
    const NbExpr *found = find_si(st, v);
    if (found)
        return found;
    mpq_t q;
    mpq_init(q);
    mpq_set_si(q, v, 1);
    const NbExpr *e = nb_num_q(st, q);
    mpq_clear(q);
    return e;
}

const NbExpr *nb_num_frac(NbStore *st, long num, unsigned long den)
{
    assert(den != 0);
    mpq_t q;
    mpq_init(q);
    mpq_set_si(q, num, den);
    mpq_canonicalize(q);
    const NbExpr *e = nb_num_q(st, q);
    mpq_clear(q);
    return e;
}

static int same_float(mpfr_srcptr a, int da, const NbExpr *e)
{
    if (e->kind != NB_FLT || e->is_double != da
        || mpfr_get_prec(e->u.f) != mpfr_get_prec(a))
        return 0;
    if (mpfr_nan_p(a) || mpfr_nan_p(e->u.f))
        return mpfr_nan_p(a) && mpfr_nan_p(e->u.f);
    return mpfr_equal_p(a, e->u.f) && mpfr_signbit(a) == mpfr_signbit(e->u.f);
}

static const NbExpr *intern_float(NbStore *st, mpfr_srcptr f, int is_double)
{
    uint32_t h = hash_mpfr(mix(0, NB_FLT), f, is_double);
    size_t i = h & (st->cap - 1);
    for (NbExpr *e; (e = st->slots[i]); i = (i + 1) & (st->cap - 1))
        if (e->hash == h && same_float(f, is_double, e))
            return e;
    NbExpr *e = new_node(NB_FLT, 0, 0, h);
    e->is_double = (uint8_t)is_double;
    mpfr_init2(e->u.f, mpfr_get_prec(f));
    mpfr_set(e->u.f, f, MPFR_RNDN);
    return insert(st, e, i);
}

const NbExpr *nb_flt_mpfr(NbStore *st, mpfr_srcptr f)
{
    return intern_float(st, f, 0);
}

const NbExpr *nb_flt_double(NbStore *st, double v)
{
    mpfr_t f;
    mpfr_init2(f, 53);
    mpfr_set_d(f, v, MPFR_RNDN); /* exact: a double fits in 53 bits */
    const NbExpr *e = intern_float(st, f, 1);
    mpfr_clear(f);
    return e;
}

static const NbExpr *intern_name(NbStore *st, NbKind kind, const char *s)
{
    uint32_t h = hash_str(mix(0, (uint64_t)kind), s);
    size_t i = h & (st->cap - 1);
    for (NbExpr *e; (e = st->slots[i]); i = (i + 1) & (st->cap - 1))
        if (e->hash == h && e->kind == kind && strcmp(e->u.name, s) == 0)
            return e;
    NbExpr *e = new_node(kind, 0, 0, h);
    e->u.name = nb_xstrdup(s);
    return insert(st, e, i);
}

const NbExpr *nb_sym(NbStore *st, const char *name)
{
    return intern_name(st, NB_SYM, name);
}

const NbExpr *nb_str(NbStore *st, const char *text)
{
    return intern_name(st, NB_STR, text);
}

const NbExpr *nb_const(NbStore *st, NbConstId id)
{
    uint32_t h = mix(mix(0, NB_CONST), (uint64_t)id);
    size_t i = h & (st->cap - 1);
    for (NbExpr *e; (e = st->slots[i]); i = (i + 1) & (st->cap - 1))
        if (e->hash == h && e->kind == NB_CONST && e->fn == id)
            return e;
    return insert(st, new_node(NB_CONST, id, 0, h), i);
}

/* --- order --------------------------------------------------------------- */

static int cmp_float(const NbExpr *a, const NbExpr *b)
{
    int na = mpfr_nan_p(a->u.f), nb = mpfr_nan_p(b->u.f);
    if (na != nb)
        return na - nb; /* NaN after every other float */
    if (!na) {
        int c = mpfr_cmp(a->u.f, b->u.f);
        if (c)
            return c;
        c = mpfr_signbit(b->u.f) - mpfr_signbit(a->u.f);
        if (c)
            return c;
    }
    /* equal values, or both NaN: MPFR before double, then by precision, so two
     * distinct float nodes never compare equal */
    if (a->is_double != b->is_double)
        return a->is_double - b->is_double;
    mpfr_prec_t pa = mpfr_get_prec(a->u.f), pb = mpfr_get_prec(b->u.f);
    return (pa > pb) - (pa < pb);
}

/* Comparisons that descend far are remembered. Distinct nodes compare by
 * the first pair of children that differ, so every pair on the way down
 * has the same answer; comparing deep chains again and again (the factors
 * cos(sin(sin(...(x)))) of a derivative, sorted in each of its products)
 * would otherwise cost their depth each time. The cache is direct-mapped
 * and lossy; pairs are recorded at the start and at "marks", nodes whose
 * hash ends in 5 zero bits, so that two descents that meet share marks.
 * Entries hold node addresses: nb_store_free() empties the cache. */
enum { CMP_CACHE = 1 << 16, CMP_MARKS = 32, CMP_DEEP = 4 };
static struct CmpEntry {
    const NbExpr *a, *b;
    int r;
} cmp_cache[CMP_CACHE];
static int cmp_cache_used;

static struct CmpEntry *cmp_entry(const NbExpr *a, const NbExpr *b)
{
    uint32_t h = mix(mix(a->hash, a->id), ((uint64_t)b->hash << 32) | b->id);
    return &cmp_cache[h & (CMP_CACHE - 1)];
}

static void cmp_cache_clear(void)
{
    if (cmp_cache_used)
        memset(cmp_cache, 0, sizeof cmp_cache);
    cmp_cache_used = 0;
}

/* One step: the sign when a and b differ at the top, else 2 with *a, *b
 * moved to the first children that differ. */
static int cmp_step(const NbExpr **pa, const NbExpr **pb)
{
    const NbExpr *a = *pa, *b = *pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c;
    switch (a->kind) {
    case NB_NUM: c = mpq_cmp(a->u.q, b->u.q); return (c > 0) - (c < 0);
    case NB_FLT: c = cmp_float(a, b); return (c > 0) - (c < 0);
    case NB_CONST: return (a->fn > b->fn) - (a->fn < b->fn);
    case NB_SYM:
    case NB_STR: c = strcmp(a->u.name, b->u.name); return (c > 0) - (c < 0);
    default: break;
    }
    if (a->fn != b->fn)
        return a->fn < b->fn ? -1 : 1;
    size_t n = a->n < b->n ? a->n : b->n, i = 0;
    while (i < n && a->args[i] == b->args[i])
        i++;
    if (i == n)
        return (a->n > b->n) - (a->n < b->n);
    *pa = a->args[i];
    *pb = b->args[i];
    return 2;
}

/* Iterative: two distinct nodes always compare unequal (interning: equal
 * structure is the same node, and distinct leaves differ in value), so the
 * first child that differs by pointer decides and the comparison continues
 * there, as a loop. Deep chains (10^6 nested calls) cannot overflow the C
 * stack. Both nodes must come from the same store. */
int nb_expr_cmp(const NbExpr *a, const NbExpr *b)
{
    if (a == b)
        return 0;
    const NbExpr *ma[CMP_MARKS], *mb[CMP_MARKS];
    size_t nm = 0, steps = 0;
    int r;
    ma[nm] = a, mb[nm++] = b;
    while ((r = cmp_step(&a, &b)) == 2) {
        if (++steps < CMP_DEEP || ((a->hash & 31) != 0 && steps > CMP_DEEP))
            continue;
        /* deep: was this pair (at CMP_DEEP steps: the first pair) seen? */
        const NbExpr *ka = steps == CMP_DEEP ? ma[0] : a;
        const NbExpr *kb = steps == CMP_DEEP ? mb[0] : b;
        struct CmpEntry *e = cmp_entry(ka, kb);
        if (e->a == ka && e->b == kb) {
            r = e->r;
            break;
        }
        if (steps == CMP_DEEP)
            continue;
        if (nm < CMP_MARKS)
            ma[nm] = a, mb[nm++] = b;
    }
    if (steps >= CMP_DEEP) {
        cmp_cache_used = 1;
        for (size_t i = 0; i < nm; i++)
            *cmp_entry(ma[i], mb[i]) = (struct CmpEntry){ma[i], mb[i], r};
    }
    return r;
}

/* --- predicates ---------------------------------------------------------- */

int nb_is_num(const NbExpr *e) { return e->kind == NB_NUM; }
int nb_is_number(const NbExpr *e)
{
    return e->kind == NB_NUM || e->kind == NB_FLT;
}
int nb_is_zero(const NbExpr *e)
{
    return e->kind == NB_NUM && mpq_sgn(e->u.q) == 0;
}
int nb_is_one(const NbExpr *e)
{
    return e->kind == NB_NUM && mpq_cmp_si(e->u.q, 1, 1) == 0;
}
int nb_is_minus_one(const NbExpr *e)
{
    return e->kind == NB_NUM && mpq_cmp_si(e->u.q, -1, 1) == 0;
}
int nb_is_integer(const NbExpr *e)
{
    return e->kind == NB_NUM && mpz_cmp_ui(mpq_denref(e->u.q), 1) == 0;
}

/* --- traversals: explicit stack and a visited set, no recursion ---------- */

typedef struct Walk {
    const NbExpr **stack;
    size_t depth, stack_cap;
    const NbExpr **seen; /* open addressing on pointers */
    size_t seen_cap, seen_count;
} Walk;

static uint32_t ptr_hash(const NbExpr *e) { return e->hash ^ e->id; }

/* Returns 1 when e was not seen before (and marks it). */
static int walk_mark(Walk *w, const NbExpr *e)
{
    if (w->seen_count * 2 >= w->seen_cap) {
        size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
        const NbExpr **seen = nb_xcalloc(cap, sizeof *seen);
        for (size_t i = 0; i < w->seen_cap; i++) {
            if (!w->seen[i])
                continue;
            size_t j = ptr_hash(w->seen[i]) & (cap - 1);
            while (seen[j])
                j = (j + 1) & (cap - 1);
            seen[j] = w->seen[i];
        }
        free(w->seen);
        w->seen = seen;
        w->seen_cap = cap;
    }
    size_t j = ptr_hash(e) & (w->seen_cap - 1);
    for (; w->seen[j]; j = (j + 1) & (w->seen_cap - 1))
        if (w->seen[j] == e)
            return 0;
    w->seen[j] = e;
    w->seen_count++;
    return 1;
}

static void walk_push(Walk *w, const NbExpr *e)
{
    if (!walk_mark(w, e))
        return;
    if (w->depth == w->stack_cap) {
        w->stack_cap = w->stack_cap ? w->stack_cap * 2 : 64;
        w->stack = nb_xrealloc(w->stack, w->stack_cap * sizeof *w->stack);
    }
    w->stack[w->depth++] = e;
}

static const NbExpr *walk_pop(Walk *w)
{
    if (!w->depth)
        return NULL;
    const NbExpr *e = w->stack[--w->depth];
    for (size_t i = 0; i < e->n; i++)
        walk_push(w, e->args[i]);
    return e;
}

static void walk_free(Walk *w)
{
    free(w->stack);
    free(w->seen);
}

int nb_depends_on(const NbExpr *e, const NbExpr *sym)
{
    Walk w = {0};
    walk_push(&w, e);
    int found = 0;
    for (const NbExpr *x; !found && (x = walk_pop(&w));)
        found = x == sym;
    walk_free(&w);
    return found;
}

static int cmp_sym_name(const void *a, const void *b)
{
    const NbExpr *x = *(const NbExpr *const *)a, *y = *(const NbExpr *const *)b;
    return strcmp(x->u.name, y->u.name);
}

size_t nb_free_syms(const NbExpr *e, const NbExpr **out, size_t cap)
{
    Walk w = {0};
    walk_push(&w, e);
    const NbExpr **found = NULL;
    size_t n = 0, fcap = 0;
    for (const NbExpr *x; (x = walk_pop(&w));) {
        if (x->kind != NB_SYM)
            continue;
        if (n == fcap) {
            fcap = fcap ? fcap * 2 : 8;
            found = nb_xrealloc(found, fcap * sizeof *found);
        }
        found[n++] = x;
    }
    walk_free(&w);
    if (n)
        qsort(found, n, sizeof *found, cmp_sym_name);
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = found[i];
    free(found);
    return n;
}

size_t nb_dag_size(const NbExpr *e)
{
    Walk w = {0};
    walk_push(&w, e);
    size_t n = 0;
    while (walk_pop(&w))
        n++;
    walk_free(&w);
    return n;
}
