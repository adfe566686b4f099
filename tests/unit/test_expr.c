/* test_expr.c — the hash-consed expression store (src/core/expr.c).
 *
 * Interning (equal structure is the same node), dense ids, the canonical
 * order nb_expr_cmp (a total order that does not depend on creation order),
 * floats keeping -0, NaN and precision apart, and the iterative traversals
 * (nb_free_syms, nb_dag_size, nb_depends_on) on shared and very deep DAGs.
 * Only nb_intern and the leaf constructors are used: no rewriting.
 */
#include "nabla/expr.h"
#include "check.h"

#include <limits.h>
#include <math.h>

static const NbExpr *bin(NbStore *st, NbKind k, const NbExpr *a,
                         const NbExpr *b)
{
    const NbExpr *v[2] = {a, b};
    return nb_intern(st, k, 0, 2, v);
}

static void test_interning(void)
{
    NbStore *st = nb_store_new();
    CHECK(nb_num_si(st, 7) == nb_num_si(st, 7), "same integer, same node");
    CHECK(nb_num_frac(st, 2, 4) == nb_num_frac(st, 1, 2), "2/4 is 1/2");
    {   /* nb_num_si's lookup without an mpq finds what nb_num_q made */
        static const long vs[] = {0, 1, -1, 2, -7, 1000000007L, LONG_MAX,
                                  LONG_MIN, LONG_MIN + 1};
        int ok = 1;
        for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
            mpq_t q;
            mpq_init(q);
            mpq_set_si(q, vs[i], 1);
            const NbExpr *a = nb_num_q(st, q);
            ok &= nb_num_si(st, vs[i]) == a && mpq_equal(a->u.q, q);
            mpq_clear(q);
            ok &= nb_num_si(st, vs[i]) == nb_num_si(st, vs[i]);
        }
        CHECK(ok, "nb_num_si and nb_num_q agree, LONG_MIN..LONG_MAX");
        NbStore *s2 = nb_store_new(); /* si first, then q */
        mpq_t q;
        mpq_init(q);
        mpq_set_si(q, LONG_MIN, 1);
        const NbExpr *a = nb_num_si(s2, LONG_MIN);
        CHECK(nb_num_q(s2, q) == a && nb_store_count(s2) == 1,
              "nb_num_q finds what nb_num_si made");
        mpq_clear(q);
        nb_store_free(s2);
    }
    CHECK(nb_num_frac(st, -3, 6) == nb_num_frac(st, -1, 2), "-3/6 is -1/2");
    mpz_t z;
    mpz_init_set_si(z, 7);
    CHECK(nb_num_z(st, z) == nb_num_si(st, 7), "mpz 7 is 7");
    mpz_ui_pow_ui(z, 3, 300);
    CHECK(nb_num_z(st, z) == nb_num_z(st, z), "big integers intern");
    mpz_clear(z);
    CHECK(nb_sym(st, "x") == nb_sym(st, "x"), "symbols intern");
    CHECK(nb_sym(st, "x") != nb_str(st, "x"), "string is not a symbol");
    CHECK(nb_const(st, NB_CONST_PI) == nb_const(st, NB_CONST_PI), "pi interns");
    CHECK(nb_const(st, NB_CONST_PI) != nb_const(st, NB_CONST_E), "pi is not e");
    const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y");
    const NbExpr *a = bin(st, NB_ADD, x, y), *b = bin(st, NB_ADD, x, y);
    CHECK(a == b, "compound interns");
    CHECK(bin(st, NB_ADD, y, x) != a, "argument order matters to nb_intern");
    CHECK(bin(st, NB_MUL, x, y) != a, "kind matters");
    const NbExpr *v1[1] = {x};
    CHECK(nb_intern(st, NB_FN, 0, 1, v1) != nb_intern(st, NB_FN, 1, 1, v1),
          "function id matters");
    CHECK(nb_intern(st, NB_VEC, 0, 0, NULL) == nb_intern(st, NB_VEC, 0, 0, NULL),
          "empty vector interns");
    CHECK(a->n == 2 && a->args[0] == x && a->args[1] == y, "children kept");
    nb_store_free(st);
}

static void test_ids(void)
{
    NbStore *st = nb_store_new();
    enum { N = 5000 };
    static const NbExpr *seen[3 * N + 8];
    size_t before = nb_store_count(st);
    const NbExpr *e = nb_sym(st, "x");
    for (long i = 0; i < N; i++) /* forces several table growths */
        e = bin(st, NB_ADD, e, nb_num_si(st, i));
    size_t count = nb_store_count(st);
    CHECK(before == 0 && count == 2 * N + 1, "count %zu", count);
    /* every node reachable has an id below count, and ids are distinct */
    int ok = 1;
    for (const NbExpr *p = e; p->kind == NB_ADD; p = p->args[0]) {
        for (int k = 0; k < 2; k++) {
            const NbExpr *c = k ? p->args[1] : p;
            if (c->id >= count || (seen[c->id] && seen[c->id] != c))
                ok = 0;
            seen[c->id] = c;
        }
    }
    CHECK(ok, "ids dense and distinct");
    size_t filled = 0;
    for (size_t i = 0; i < count; i++)
        filled += seen[i] != NULL;
    CHECK(filled == count - 1, "every id but x's used by the chain (%zu)", filled);
    CHECK(bin(st, NB_ADD, nb_sym(st, "x"), nb_num_si(st, 0))->id == 2,
          "re-interning returns the old id");
    CHECK(nb_store_count(st) == count, "no new node for a lookup");
    nb_store_free(st);
}

/* Build the same set of nodes in a given order; returns them in a fixed
 * order of construction recipes so two stores can be compared. */
enum { NREC = 24 };
static void build_set(NbStore *st, const NbExpr **out, int reverse)
{
    for (int k = 0; k < NREC; k++) {
        int i = reverse ? NREC - 1 - k : k;
        const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y");
        const NbExpr *e;
        switch (i % 8) {
        case 0: e = nb_num_frac(st, i - 12, 1 + (unsigned long)i % 5); break;
        case 1: e = nb_flt_double(st, (double)i / 7 - 1); break;
        case 2: e = nb_sym(st, i % 3 ? "b" : "a"); break;
        case 3: e = nb_const(st, i % 2 ? NB_CONST_PI : NB_CONST_E); break;
        case 4: e = bin(st, NB_ADD, x, nb_num_si(st, i)); break;
        case 5: e = bin(st, NB_MUL, nb_num_si(st, i), y); break;
        case 6: e = bin(st, NB_POW, i % 3 ? x : y, nb_num_si(st, i)); break;
        default: {
            const NbExpr *v[1] = {bin(st, NB_ADD, x, nb_num_si(st, i % 3))};
            e = nb_intern(st, NB_FN, i % 4, 1, v);
            break;
        }
        }
        out[i] = e;
    }
}

static int sign(int c) { return (c > 0) - (c < 0); }

static void test_order(void)
{
    NbStore *s1 = nb_store_new(), *s2 = nb_store_new();
    const NbExpr *a[NREC], *b[NREC];
    build_set(s1, a, 0);
    build_set(s2, b, 1);
    int same = 1, anti = 1, refl = 1, trans = 1;
    for (int i = 0; i < NREC; i++) {
        refl &= nb_expr_cmp(a[i], a[i]) == 0;
        for (int j = 0; j < NREC; j++) {
            int c = sign(nb_expr_cmp(a[i], a[j]));
            same &= c == sign(nb_expr_cmp(b[i], b[j]));
            anti &= c == -sign(nb_expr_cmp(a[j], a[i]));
            if (c == 0)
                refl &= a[i] == a[j];
            for (int k = 0; k < NREC; k++)
                if (c < 0 && nb_expr_cmp(a[j], a[k]) < 0)
                    trans &= nb_expr_cmp(a[i], a[k]) < 0;
        }
    }
    CHECK(same, "order does not depend on creation order or addresses");
    CHECK(anti, "antisymmetric");
    CHECK(refl, "zero exactly for the same node");
    CHECK(trans, "transitive");
    /* the kind is the first key: numbers, floats, constants, symbols, ... */
    CHECK(nb_expr_cmp(nb_num_si(s1, 1000), nb_flt_double(s1, -1)) < 0,
          "exact before float");
    CHECK(nb_expr_cmp(nb_flt_double(s1, 1e300), nb_const(s1, NB_CONST_PI)) < 0,
          "float before constant");
    CHECK(nb_expr_cmp(nb_const(s1, NB_CONST_E), nb_sym(s1, "a")) < 0,
          "constant before symbol");
    CHECK(nb_expr_cmp(nb_sym(s1, "zz"), a[4]) < 0, "symbol before sum");
    CHECK(nb_expr_cmp(nb_num_frac(s1, -1, 2), nb_num_frac(s1, 1, 3)) < 0,
          "rationals by value");
    CHECK(nb_expr_cmp(nb_sym(s1, "a"), nb_sym(s1, "b")) < 0, "names by strcmp");
    nb_store_free(s1);
    nb_store_free(s2);
}

static void test_floats(void)
{
    NbStore *st = nb_store_new();
    const NbExpr *pz = nb_flt_double(st, 0.0), *nz = nb_flt_double(st, -0.0);
    CHECK(pz != nz, "+0 and -0 are different nodes");
    CHECK(nb_expr_cmp(pz, nz) != 0, "+0 and -0 compare unequal");
    CHECK(nb_flt_double(st, NAN) == nb_flt_double(st, NAN), "NaN interns");
    {
        mpfr_t n1;
        mpfr_init2(n1, 100);
        mpfr_set_nan(n1);
        const NbExpr *nan100 = nb_flt_mpfr(st, n1);
        CHECK(nan100 != nb_flt_double(st, NAN)
              && nb_expr_cmp(nan100, nb_flt_double(st, NAN)) < 0
              && nb_expr_cmp(nb_flt_double(st, NAN), nan100) > 0,
              "NaNs of different precision are distinct and ordered");
        mpfr_clear(n1);
    }
    CHECK(nb_flt_double(st, INFINITY) != nb_flt_double(st, -INFINITY), "+-inf");
    CHECK(nb_expr_cmp(nb_flt_double(st, NAN), nb_flt_double(st, INFINITY)) > 0,
          "NaN after inf");
    mpfr_t f;
    mpfr_init2(f, 53);
    mpfr_set_d(f, 0.5, MPFR_RNDN);
    const NbExpr *m53 = nb_flt_mpfr(st, f);
    CHECK(m53 != nb_flt_double(st, 0.5), "MPFR 53 bits is not a double");
    CHECK(m53->is_double == 0 && nb_flt_double(st, 0.5)->is_double == 1,
          "is_double flag");
    mpfr_set_prec(f, 200);
    mpfr_set_d(f, 0.5, MPFR_RNDN);
    const NbExpr *m200 = nb_flt_mpfr(st, f);
    CHECK(m200 != m53 && nb_expr_cmp(m200, m53) != 0, "precision distinguishes");
    CHECK(nb_flt_mpfr(st, f) == m200, "same precision and value interns");
    CHECK(mpfr_get_prec(m200->u.f) == 200, "precision kept");
    mpfr_clear(f);
    CHECK(nb_num_si(st, 0) != pz, "exact 0 is not float 0");
    CHECK(nb_is_number(pz) && !nb_is_num(pz) && !nb_is_zero(pz),
          "predicates on floats");
    nb_store_free(st);
}

static void test_predicates(void)
{
    NbStore *st = nb_store_new();
    CHECK(nb_is_zero(nb_num_si(st, 0)), "zero");
    CHECK(nb_is_one(nb_num_si(st, 1)) && !nb_is_one(nb_num_frac(st, 1, 2)), "one");
    CHECK(nb_is_minus_one(nb_num_si(st, -1)), "minus one");
    CHECK(nb_is_integer(nb_num_si(st, -5)) && !nb_is_integer(nb_num_frac(st, 5, 2)),
          "integer");
    CHECK(!nb_is_integer(nb_flt_double(st, 2.0)), "a float is not an exact integer");
    CHECK(!nb_is_number(nb_sym(st, "x")), "symbol is not a number");
    nb_store_free(st);
}

static void test_traversals(void)
{
    NbStore *st = nb_store_new();
    const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y"), *b = nb_sym(st, "b");
    const NbExpr *e = bin(st, NB_ADD, bin(st, NB_MUL, y, x),
                          bin(st, NB_POW, b, bin(st, NB_ADD, x, y)));
    const NbExpr *out[8];
    size_t n = nb_free_syms(e, out, 8);
    CHECK(n == 3 && out[0] == b && out[1] == x && out[2] == y,
          "free symbols sorted by name, without duplicates");
    CHECK(nb_free_syms(e, out, 1) == 3 && out[0] == b, "cap respected");
    CHECK(nb_free_syms(nb_num_si(st, 3), out, 8) == 0, "a number has none");
    CHECK(nb_depends_on(e, b) && !nb_depends_on(e, nb_sym(st, "z")),
          "depends_on");
    /* shared DAG: d_k = (d_{k-1} + d_{k-1}) has k+2 distinct nodes but a
     * tree of 2^k leaves */
    const NbExpr *d = x;
    for (int k = 0; k < 100; k++)
        d = bin(st, NB_MUL, bin(st, NB_ADD, d, d), nb_num_si(st, 2));
    CHECK(nb_dag_size(d) == 1 + 100 * 2 + 1, "dag size counts shared nodes once: %zu",
          nb_dag_size(d));
    CHECK(nb_depends_on(d, x), "depends_on on a shared DAG");
    n = nb_free_syms(d, out, 8);
    CHECK(n == 1 && out[0] == x, "free syms on a shared DAG");
    /* a chain a million deep: the walkers are iterative */
    const NbExpr *c = x;
    for (int k = 0; k < 1000000; k++) {
        const NbExpr *v[1] = {c};
        c = nb_intern(st, NB_FN, 0, 1, v);
    }
    CHECK(nb_dag_size(c) == 1000001, "dag size of a deep chain");
    CHECK(nb_depends_on(c, x) && !nb_depends_on(c, y), "depends_on deep chain");
    CHECK(nb_free_syms(c, out, 8) == 1, "free syms deep chain");
    const NbExpr *c2 = y;
    for (int k = 0; k < 1000000; k++) {
        const NbExpr *v[1] = {c2};
        c2 = nb_intern(st, NB_FN, 0, 1, v);
    }
    CHECK(nb_expr_cmp(c, c2) < 0 && nb_expr_cmp(c2, c) > 0,
          "comparing chains a million deep (iterative)");
    nb_store_free(st);
}

/* Deep comparisons are cached (expr.c): the order must not change. With
 * chains c_k = sin(sin(...(x))) (k calls), c_a < c_b exactly when a < b
 * (the shorter chain reaches x, a symbol, where the longer has a call),
 * and cos(c_a) < cos(c_b) likewise; asked twice (the second time from the
 * cache) and again in a second store after the first is freed (the cache
 * holds addresses). */
static int chains_ordered(void)
{
    enum { N = 300 };
    NbStore *st = nb_store_new();
    const NbExpr *c[N], *k[N];
    c[0] = nb_sym(st, "x");
    for (int i = 1; i < N; i++)
        c[i] = nb_intern(st, NB_FN, 1, 1, &c[i - 1]);
    for (int i = 0; i < N; i++)
        k[i] = nb_intern(st, NB_FN, 2, 1, &c[i]);
    int ok = 1;
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < N; a += 7)
            for (int b = 0; b < N; b += 5) {
                int want = (a > b) - (a < b);
                ok &= nb_expr_cmp(c[a], c[b]) == want;
                ok &= nb_expr_cmp(k[a], k[b]) == want;
                ok &= nb_expr_cmp(k[b], k[a]) == -want;
            }
    nb_store_free(st);
    return ok;
}

/* nb_store_lookups counts work, found or created: a compound node costs
 * 1 + its arguments, an exact number 1 (expr.h). */
static void test_lookups(void)
{
    NbStore *st = nb_store_new();
    mpq_t q;
    mpq_init(q);
    mpq_set_si(q, 3, 7);
    const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y");
    size_t l0 = nb_store_lookups(st);
    const NbExpr *n = nb_num_q(st, q);
    const NbExpr *args[] = {n, x, y};
    size_t l1 = nb_store_lookups(st);
    const NbExpr *m = nb_intern(st, NB_MUL, 0, 3, args);
    size_t l2 = nb_store_lookups(st);
    CHECK(nb_intern(st, NB_MUL, 0, 3, args) == m, "found again");
    size_t l3 = nb_store_lookups(st);
    CHECK(l1 - l0 == 1 && l2 - l1 == 4 && l3 - l2 == 4,
          "lookups: number 1 (%zu), new product of 3 4 (%zu), found 4 (%zu)",
          l1 - l0, l2 - l1, l3 - l2);
    mpq_clear(q);
    nb_store_free(st);
}

static void test_deep_order(void)
{
    CHECK(chains_ordered(), "deep chains compare by length, cached or not");
    CHECK(chains_ordered(), "and again in a new store (the cache was emptied)");
}

int main(void)
{
    test_deep_order();
    test_interning();
    test_ids();
    test_order();
    test_floats();
    test_predicates();
    test_traversals();
    test_lookups();
    mpfr_free_cache();
    return check_done();
}
