/* fuzz_roundtrip.c — libFuzzer harness: text to expression, simplify,
 * differentiate, expand, print, and read the printed text back.
 *
 * The input is one expression. It becomes a canonical expression through
 * the library's parser and the constructor-only lowering of
 * tests/unit/mini_lower.h (what "parsing" means in the round trip; inputs
 * that are not one expression of built-ins are skipped). For the
 * expression e, nb_simplify(e), d e/dx (x: its first free variable; second
 * derivative too while small) and nb_expand(e) (when the expansion is
 * small), each result r must satisfy print.h's promises:
 *   flat      parse(nb_print_flat(r)) is r itself (the store is
 *             hash-consed: equal means the same node);
 *   factored  parse(nb_print(r)) is r, or expands to r's terms, or has r's
 *             value at two points;
 * and simplify must keep the value: nb_simplify(e) evaluates as e at two
 * points. LaTeX, MathML and C output run too (no crash, no leak).
 * Skipped as print.h documents: strings, floats (they print as decimals
 * that read back exact) and undefined 0^-k nodes.
 *
 * "Has the value" is decided soundly (sound_equal): both sides evaluated
 * at 200 and 400 bits at rational points (exact substitution); they differ
 * only when the 400-bit values are further apart than 2^20 times what each
 * moved between 200 and 400 bits, plus 2^-380 relative. Equal expressions
 * agree to about 2^-400 times their conditioning, which the 200-to-400
 * movement (about 2^-200 times the same) bounds with room to spare; a
 * wrong rewrite differs at the first digits.
 *
 * Bounds of the harness: differentiation stops at 200,000 nodes
 * (nb_diff_set_max_nodes, a limit the library offers for this); results
 * above 5000 distinct nodes are not printed twice; expansion runs only
 * when no power of a sum has an exponent above 6 (12 let a multinomial
 * take 1.4 s uninstrumented, past the 30 s timeout under ASan).
 */
#include "nabla/nabla.h"
#include "fuzz_common.h"
#include "../unit/mini_lower.h"

enum { MAX_PRINT_NODES = 5000, MAX_VARS = 8, MAX_EXPAND_POWER = 6 };
/* bits of the largest integer a literal of NB_MAX_LITERAL_DIGITS digits
 * surely holds: digits * log2(10), rounded down */
#define MAX_LITERAL_BITS ((size_t)(NB_MAX_LITERAL_DIGITS * 3.3219))

static NbStore *st;
static FuzzRng rng;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    nb_diff_set_max_nodes(200000);
    return 0;
}

/* Floats and undefined nodes 0^-k are not read back as themselves; nor
 * is a vector inside arithmetic or a call ([2, 3]*[x, y]): the session
 * gives those their meaning (lower_vec.c), the constructors do not; nor
 * an exact number of more digits than a literal may have (it prints in
 * digits: NB_MAX_LITERAL_DIGITS is below NB_MAX_EXACT_BITS). */
static int skipped(const NbExpr *e, unsigned char *seen)
{
    if (seen[e->id])
        return 0;
    seen[e->id] = 1;
    if (e->kind == NB_FLT || e->kind == NB_STR
        || (e->kind == NB_NUM
            && (mpz_sizeinbase(mpq_numref(e->u.q), 2) > MAX_LITERAL_BITS
                || mpz_sizeinbase(mpq_denref(e->u.q), 2) > MAX_LITERAL_BITS))
        || (e->kind == NB_POW && nb_is_zero(e->args[0])
            && !(e->args[1]->kind == NB_NUM && mpq_sgn(e->args[1]->u.q) > 0)))
        return 1;
    for (uint32_t i = 0; i < e->n; i++)
        if ((e->args[i]->kind == NB_VEC && e->kind != NB_VEC)
            || skipped(e->args[i], seen))
            return 1;
    return 0;
}

static int is_skipped(const NbExpr *e)
{
    unsigned char *seen = calloc(nb_store_count(st), 1);
    int r = skipped(e, seen);
    free(seen);
    return r;
}

/* Is there a power of a sum with an integer exponent above the bound (an
 * expansion the harness does not ask for)? */
static int big_power(const NbExpr *e, unsigned char *seen)
{
    if (seen[e->id])
        return 0;
    seen[e->id] = 1;
    if (e->kind == NB_POW && e->args[1]->kind == NB_NUM
        && (mpz_cmpabs_ui(mpq_numref(e->args[1]->u.q), MAX_EXPAND_POWER) > 0))
        return 1;
    for (uint32_t i = 0; i < e->n; i++)
        if (big_power(e->args[i], seen))
            return 1;
    return 0;
}

static int expandable(const NbExpr *e)
{
    if (nb_dag_size(e) > 300)
        return 0;
    unsigned char *seen = calloc(nb_store_count(st), 1);
    int r = !big_power(e, seen);
    free(seen);
    return r;
}

/* e and f with vars set to vals, at prec bits: 0, or -1 when either is
 * not a finite number there. */
static int eval_pair(const NbExpr *e, const NbExpr *f, size_t n,
                     const NbExpr *const *vars, const NbExpr *const *vals,
                     mpfr_ptr a, mpfr_ptr b)
{
    NbDiag d = NB_DIAG_INIT;
    int ra = nb_eval_to_mpfr(st, nb_subs(st, e, n, vars, vals), a, &d);
    nb_diag_clear(&d);
    int rb = ra ? -1 : nb_eval_to_mpfr(st, nb_subs(st, f, n, vars, vals), b, &d);
    nb_diag_clear(&d);
    return ra || rb || !mpfr_number_p(a) || !mpfr_number_p(b) ? -1 : 0;
}

/* 0 when e and f provably differ at one of two random points; 1 when
 * they agree or cannot be compared there. */
static int sound_equal(const NbExpr *e, const NbExpr *f)
{
    const NbExpr *vars[2 * MAX_VARS], *vals[2 * MAX_VARS];
    if (nb_dag_size(e) > 2000 || nb_dag_size(f) > 2000)
        return 1;
    size_t n = nb_free_syms(e, vars, MAX_VARS);
    if (n > MAX_VARS)
        return 1;
    size_t m = nb_free_syms(f, vars + n, MAX_VARS);
    if (m > MAX_VARS)
        return 1;
    n += m; /* a variable in both is substituted twice: the same value */
    int same = 1;
    mpfr_t e2, f2, e4, f4, t, u;
    mpfr_inits2(200, e2, f2, (mpfr_ptr)0);
    mpfr_inits2(400, e4, f4, t, u, (mpfr_ptr)0);
    for (int k = 0; k < 2 && same; k++) {
        for (size_t i = 0; i < n; i++) {
            /* the same variable twice gets the same value */
            size_t j = 0;
            while (j < i && vars[j] != vars[i])
                j++;
            vals[i] = j < i ? vals[j]
                            : nb_num_frac(st, (long)fuzz_rnd(&rng, 6000) - 3000, 997);
        }
        if (eval_pair(e, f, n, vars, vals, e2, f2)
            || eval_pair(e, f, n, vars, vals, e4, f4))
            continue;
        mpfr_sub(t, e4, f4, MPFR_RNDN);           /* the difference */
        mpfr_abs(t, t, MPFR_RNDN);
        mpfr_sub(u, e2, e4, MPFR_RNDU);           /* what each moved */
        mpfr_abs(u, u, MPFR_RNDU);
        mpfr_mul_2si(u, u, 20, MPFR_RNDU);
        mpfr_sub(e2, f2, f4, MPFR_RNDU);
        mpfr_abs(e2, e2, MPFR_RNDU);
        mpfr_mul_2si(e2, e2, 20, MPFR_RNDU);
        mpfr_add(u, u, e2, MPFR_RNDU);
        mpfr_abs(e4, e4, MPFR_RNDU);
        mpfr_abs(f4, f4, MPFR_RNDU);
        mpfr_max(e4, e4, f4, MPFR_RNDU);
        mpfr_mul_2si(e4, e4, -380, MPFR_RNDU);
        mpfr_add(u, u, e4, MPFR_RNDU);
        same = mpfr_cmp(t, u) <= 0;
    }
    mpfr_clears(e2, f2, e4, f4, t, u, (mpfr_ptr)0);
    return same;
}

static void fail_expr(const char *what, const NbExpr *e, const char *text)
{
    char *s = nb_print_flat(e, NULL);
    fuzz_fail("%s: %.2000s\n  printed: %.2000s", what, s ? s : "(no text)", text);
}

/* Printed text read back as an expression: in brackets, because a
 * variable named like a command word (funcs, set, quit) would start a
 * command statement when it leads the text ("funcs + x": see the report
 * of the fuzzing branch). */
static const NbExpr *reparse(const char *text)
{
    size_t n = strlen(text);
    char *t = malloc(n + 3);
    if (!t)
        abort();
    t[0] = '(';
    memcpy(t + 1, text, n);
    memcpy(t + 1 + n, ")", 2);
    const NbExpr *r = mini_parse(st, t);
    free(t);
    return r;
}

/* 1 when the parser refuses text by a named limit: more than
 * NB_MAX_AST_NODES syntax nodes, or deeper than NB_MAX_DEPTH. A DAG prints
 * as a tree, so a small one can print past what one statement may hold
 * (the second derivative of a tower 2^2^...^x repeats the tower in every
 * term: regress/fuzz_roundtrip/printed-past-the-parser). Such text is not
 * meant to read back, as text cut short is not. */
static int past_parse_limits(const char *text)
{
    NbParser *p = nb_parser_new("fuzz", text, strlen(text));
    NbArena arena = NB_ARENA_INIT;
    NbAst *ast = NULL;
    NbDiag d = NB_DIAG_INIT;
    int refused = nb_parser_next(p, &arena, &ast, &d) < 0
                  && (d.code == NB_ERR_TOO_LARGE || d.code == NB_ERR_DEPTH);
    nb_diag_clear(&d);
    nb_arena_free(&arena);
    nb_parser_free(p);
    return refused;
}

/* The printers stop near NB_MAX_PRINT_BYTES (limits.h) and past
 * NB_MAX_PRINT_DEPTH, and write "..." where they stopped: such text is not
 * meant to read back (a small DAG of huge exact numbers reaches the byte
 * limit: regress/fuzz_roundtrip/printed-past-the-limit). No complete
 * expression has "..." in it. */
static int cut_short(const char *text)
{
    return strstr(text, "...") != NULL;
}

/* print.h's round trip for r; `what` names where r came from. */
static void roundtrip(const NbExpr *r, const char *what)
{
    if (nb_dag_size(r) > MAX_PRINT_NODES || is_skipped(r))
        return;
    char *flat = nb_print_flat(r, NULL);
    if (!flat)
        fuzz_fail("nb_print_flat of the %s returned NULL", what);
    if (cut_short(flat)) {
        free(flat);
        return;
    }
    const NbExpr *p = reparse(flat);
    if (!p && past_parse_limits(flat)) {
        free(flat);
        return;
    }
    if (p != r) {
        char msg[96];
        snprintf(msg, sizeof msg, "flat round trip of the %s", what);
        fail_expr(msg, r, flat);
    }
    char *fact = nb_print(r, NULL);
    if (!fact)
        fuzz_fail("nb_print of the %s returned NULL", what);
    if (cut_short(fact)) {
        free(flat);
        free(fact);
        return;
    }
    const NbExpr *q = reparse(fact);
    if (!q) {
        char msg[96];
        snprintf(msg, sizeof msg, "factored form of the %s does not parse", what);
        fail_expr(msg, r, fact);
    }
    if (q != r && !(expandable(q) && expandable(r)
                    && nb_expand(st, q) == nb_expand(st, r))
        && !sound_equal(q, r)) {
        char msg[96];
        snprintf(msg, sizeof msg, "factored form of the %s has another value", what);
        fail_expr(msg, r, fact);
    }
    free(flat);
    free(fact);
}

/* The other printers: no check but no crash, no leak. */
static void other_printers(const NbExpr *r)
{
    if (nb_dag_size(r) > MAX_PRINT_NODES)
        return;
    free(nb_print_latex(r, NULL));
    free(nb_print_mathml(r, NULL));
    if (r->kind != NB_VEC && r->kind != NB_STR)
        free(nb_print_c(r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip_known(data, size))
        return 0;
    char *text = fuzz_text(data, size);
    st = nb_store_new();
    rng = fuzz_rng(data, size);
    const NbExpr *e = strlen(text) == size ? mini_parse(st, text) : NULL;
    if (e && nb_dag_size(e) <= MAX_PRINT_NODES) {
        roundtrip(e, "input");
        other_printers(e);
        const NbExpr *s = nb_simplify(st, e);
        roundtrip(s, "simplified input");
        other_printers(s);
        if (s != e && !is_skipped(e) && !sound_equal(s, e)) {
            char *t = nb_print_flat(s, NULL);
            fail_expr("simplify changed the value", e, t);
        }
        if (expandable(e)) {
            const NbExpr *x = nb_expand(st, e);
            roundtrip(x, "expanded input");
        }
        const NbExpr *var[1];
        if (e->kind != NB_STR && nb_free_syms(e, var, 1) >= 1) {
            NbDiag d = NB_DIAG_INIT;
            const NbExpr *de = nb_diff(st, e, var[0], &d);
            if (!de && (d.code == NB_OK || !d.msg))
                fuzz_fail("nb_diff failed without a diagnostic");
            nb_diag_clear(&d);
            if (de) {
                roundtrip(de, "derivative");
                other_printers(de);
                if (nb_dag_size(de) < 500) {
                    const NbExpr *d2 = nb_diff(st, de, var[0], &d);
                    nb_diag_clear(&d);
                    if (d2)
                        roundtrip(d2, "second derivative");
                }
            }
        }
    }
    nb_store_free(st);
    mpfr_free_cache();
    free(text);
    return 0;
}
