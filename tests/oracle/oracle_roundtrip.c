/* oracle_roundtrip.c — printing then parsing gives the expression back.
 *
 * Thousands of random expressions over every built-in, every operator and
 * exact numbers of all shapes (integers, fractions, decimals, big powers),
 * built with the canonical constructors, and their first derivatives. For
 * each one e (seeded: NB_TEST_SEED replays a run):
 *   flat       parse(nb_print_flat(e)) is the same node as e;
 *   factored   nb_print(e) may pull factors out of sums, so parse(nb_print(e))
 *              is the factored product; distributing it back gives e's
 *              terms: nb_expand(parse(nb_print(e))) == nb_expand(e) (the
 *              same node) or, where expansion cannot show it ((x-1)^(3/2)
 *              against (x-1)*sqrt(x-1) after pulling out sqrt(x-1)), they
 *              evaluate equal at two random points;
 *   clean      neither form has "1*", "+ 0", "x^1" or "--" (SPEC §3).
 * Expressions with floats (a float prints as a decimal literal, which reads
 * back exact: documented in print.h) or undefined 0^-k nodes are skipped. "Parse" is the library's parser with
 * the constructor-only lowering of tests/unit/mini_lower.h.
 */
#include "nabla/nabla.h"
#include "../unit/check.h"
#include "../unit/mini_lower.h"

#include <math.h>

static NbStore *st;
static unsigned long long rng;

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng >> 33) % n);
}

static const NbExpr *leaf(void)
{
    static const char *const names[] = {"x", "y", "z", "t"};
    switch (rnd(9)) {
    case 0: case 1: case 2: return nb_sym(st, names[rnd(2)]);
    case 3: return nb_sym(st, names[rnd(4)]);
    case 4: return nb_num_si(st, (long)rnd(15) - 5);
    case 5: return nb_num_frac(st, (long)rnd(21) - 10, rnd(12) + 1);
    case 6: return nb_num_frac(st, (long)rnd(2001) - 1000, rnd(2) ? 100 : 8);
    case 7: return nb_const(st, rnd(2) ? NB_CONST_PI : NB_CONST_E);
    default: {
        mpz_t z;
        mpz_init(z);
        mpz_ui_pow_ui(z, 10, rnd(40));
        mpz_mul_si(z, z, (long)rnd(7) - 3);
        const NbExpr *r = nb_num_z(st, z);
        mpz_clear(z);
        return rnd(2) ? r : nb_pow_si(st, r, -1);
    }
    }
}

static const NbExpr *gen(int depth);

static const NbExpr *gen_call(int depth)
{
    int id = (int)rnd(NB_FN__COUNT);
    const NbBuiltin *b = &nb_builtins[id];
    int n = b->min_args + (int)rnd((unsigned)(b->max_args - b->min_args + 1));
    const NbExpr *a[2];
    for (int i = 0; i < n; i++)
        a[i] = gen(depth - 1);
    return nb_fn(st, (NbFnId)id, (size_t)n, a);
}

static const NbExpr *gen_pow(int depth)
{
    static const long ks[][2] = {{2, 1}, {3, 1}, {-1, 1}, {-2, 1}, {1, 2},
                                 {-1, 2}, {1, 3}, {-2, 3}, {3, 2}, {5, 1}};
    const NbExpr *b = gen(depth - 1);
    if (rnd(5) == 0)
        return nb_pow(st, b, gen(depth - 1));
    unsigned k = rnd(sizeof ks / sizeof ks[0]);
    return nb_pow(st, b, nb_num_frac(st, ks[k][0], (unsigned long)ks[k][1]));
}

static const NbExpr *gen(int depth)
{
    if (depth <= 0 || rnd(10) < 2)
        return leaf();
    const NbExpr *a[4];
    switch (rnd(8)) {
    case 0:
    case 1: {
        size_t n = 2 + rnd(3);
        for (size_t i = 0; i < n; i++)
            a[i] = gen(depth - 1);
        return nb_add(st, n, a);
    }
    case 2: return nb_sub(st, gen(depth - 1), gen(depth - 1));
    case 3: {
        size_t n = 2 + rnd(2);
        for (size_t i = 0; i < n; i++)
            a[i] = gen(depth - 1);
        return nb_mul(st, n, a);
    }
    case 4: return nb_div(st, gen(depth - 1), gen(depth - 1));
    case 5: return gen_pow(depth);
    case 6: return nb_neg(st, gen(depth - 1));
    default: return gen_call(depth);
    }
}

/* Floats (they read back exact) and undefined nodes 0^-k (the
 * constructors' "0 does not annihilate an undefined factor" rule depends on
 * the order factors are multiplied in: (0*pi)*0^-1 is not 0*(pi*0^-1)). */
static int skipped(const NbExpr *e)
{
    if (e->kind == NB_FLT
        || (e->kind == NB_POW && nb_is_zero(e->args[0])
            && !(e->args[1]->kind == NB_NUM && mpq_sgn(e->args[1]->u.q) > 0)))
        return 1;
    for (uint32_t i = 0; i < e->n; i++)
        if (skipped(e->args[i]))
            return 1;
    return 0;
}

/* e and f evaluate equal (or both fail) at a random point. */
static int same_value(const NbExpr *e, const NbExpr *f)
{
    const NbExpr *vars[4] = {nb_sym(st, "x"), nb_sym(st, "y"), nb_sym(st, "z"),
                             nb_sym(st, "t")};
    const NbExpr *vals[4];
    for (int i = 0; i < 4; i++)
        vals[i] = nb_num_frac(st, (long)rnd(2000) + 100, 997);
    mpfr_t a, b;
    mpfr_inits2(200, a, b, NULL);
    NbDiag d = NB_DIAG_INIT;
    int ea = nb_eval_to_mpfr(st, nb_subs(st, e, 4, vars, vals), a, &d);
    nb_diag_clear(&d);
    int eb = nb_eval_to_mpfr(st, nb_subs(st, f, 4, vars, vals), b, &d);
    nb_diag_clear(&d);
    int ok;
    if (ea || eb || !mpfr_number_p(a) || !mpfr_number_p(b)) {
        ok = 1; /* outside the domain: nothing to compare */
    } else {
        mpfr_sub(a, a, b, MPFR_RNDN);
        mpfr_abs(a, a, MPFR_RNDN);
        mpfr_abs(b, b, MPFR_RNDN);
        mpfr_mul_2si(b, b, -150, MPFR_RNDN);
        ok = mpfr_cmp(a, b) <= 0 || mpfr_cmp_d(a, 1e-40) < 0;
    }
    mpfr_clears(a, b, NULL);
    return ok;
}

static int fails, shown;
static long by_value; /* equal by value only: (x-1)^(3/2) vs (x-1)*sqrt(x-1) */

static void fail(const char *what, const NbExpr *e, const char *text)
{
    fails++;
    if (shown++ < 15) {
        char *s = nb_print_flat(e, NULL);
        printf("# %s: %s\n#   printed: %s\n", what, s, text);
        free(s);
    }
}

static int digitlike(char c) { return (c >= '0' && c <= '9') || c == '.'; }

/* SPEC §3: no "1*", "+0", "x^1", "--" in printed output. */
static int cluttered(const char *s)
{
    if (strstr(s, "--") || strstr(s, "+ -") || strstr(s, "- -") || strstr(s, "+ +"))
        return 1;
    for (size_t i = 0; s[i]; i++) {
        int alone = i == 0 || !(digitlike(s[i - 1]) || s[i - 1] == 'e');
        if (s[i] == '^' && s[i + 1] == '1' && !digitlike(s[i + 2]))
            return 1;
        if (alone && (s[i] == '1' || s[i] == '0') && s[i + 1] == '*')
            return 1;
        if (i >= 2 && s[i] == '0' && s[i - 1] == ' ' && (s[i - 2] == '+' || s[i - 2] == '-')
            && !digitlike(s[i + 1]))
            return 1;
    }
    return 0;
}

static void roundtrip(const NbExpr *e, long *nflat, long *nfact)
{
    if (e->kind == NB_STR || skipped(e))
        return;
    char *flat = nb_print_flat(e, NULL);
    const NbExpr *p = mini_parse(st, flat);
    if (p != e)
        fail("flat round trip", e, flat);
    (*nflat)++;
    char *fact = nb_print(e, NULL);
    if (cluttered(flat) || cluttered(fact))
        fail("1*, +0, x^1 or -- in the output", e, fact);
    const NbExpr *q = mini_parse(st, fact);
    if (!q) {
        fail("factored form does not parse", e, fact);
    } else if (q != e && nb_expand(st, q) != nb_expand(st, e)) {
        if (!same_value(q, e) || !same_value(q, e))
            fail("factored form has another value", e, fact);
        else
            by_value++;
    }
    (*nfact)++;
    free(flat);
    free(fact);
}

int main(void)
{
    rng = check_seed();
    st = nb_store_new();
    const NbExpr *x = nb_sym(st, "x");
    long nflat = 0, nfact = 0, nderiv = 0;
    for (int i = 0; i < 3000; i++) {
        const NbExpr *e = gen(1 + (int)rnd(4));
        roundtrip(e, &nflat, &nfact);
        NbDiag d = NB_DIAG_INIT;
        const NbExpr *de = nb_diff(st, e, x, &d);
        nb_diag_clear(&d);
        if (de && nb_dag_size(de) < 400) {
            roundtrip(de, &nflat, &nfact);
            nderiv++;
        }
    }
    CHECK(fails == 0, "%ld flat and %ld factored round trips (%ld of "
          "derivatives; %ld factored ones equal by value, not by expansion): "
          "%d failures", nflat, nfact, nderiv, by_value, fails);
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
