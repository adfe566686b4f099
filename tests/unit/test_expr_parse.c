/* test_expr_parse.c — nb_expr_parse(), text to canonical expression for
 * embedders (SPEC §10).
 *
 * Results are compared by node with what the canonical constructors build
 * from the same expression written by hand (the store interns: equal means
 * the same pointer), and printed where the printed form is the contract
 * (README's example derivative). Errors: the whole rendered diagnostic,
 * file:line:col, message and caret; the messages the lowering shares with
 * the session are the ones `nabla -e` prints for the same text.
 */
#include "nabla/nabla.h"
#include "check.h"

#include <math.h>
#include <stdio.h>

static NbStore *st;

static const NbExpr *sym(const char *name) { return nb_sym(st, name); }

static const NbExpr *parse(const char *text)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *e = nb_expr_parse(st, text, &d);
    if (!e)
        printf("# %s: %s\n", text, d.msg ? d.msg : "(no message)");
    nb_diag_clear(&d);
    return e;
}

/* The diagnostic nb_expr_parse gives for text, rendered; NULL when it
 * succeeded. */
static char *diag_text(const char *text, NbErrCode *code)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *e = nb_expr_parse(st, text, &d);
    *code = d.code;
    if (e) {
        nb_diag_clear(&d);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    nb_diag_print(&d, m);
    fclose(m);
    nb_diag_clear(&d);
    return buf;
}

#define ERR(text, want_code, want)                                         \
    do {                                                                   \
        NbErrCode code_;                                                   \
        char *got_ = diag_text(text, &code_);                              \
        CHECK_STR(got_, want, "error for %s", #text);                      \
        CHECK(code_ == (want_code), "%s: code %s", #text,                  \
              nb_diag_code_name(code_));                                   \
        free(got_);                                                        \
    } while (0)

static void test_canonical(void)
{
    const NbExpr *x = sym("x"), *y = sym("y");
    CHECK(parse("x") == x, "a name is a free symbol");
    CHECK(parse("x + x") == nb_mul2(st, nb_num_si(st, 2), x), "x + x is 2*x");
    CHECK(parse("2*x - x") == x, "2*x - x is x");
    CHECK(parse("x*y + y*x") == nb_mul2(st, nb_num_si(st, 2), nb_mul2(st, x, y)),
          "products are sorted: x*y + y*x is 2*x*y");
    CHECK(parse("1/3 + 1/6") == nb_num_frac(st, 1, 2), "exact: 1/3 + 1/6 is 1/2");
    CHECK(parse("0.1") == nb_num_frac(st, 1, 10), "a decimal literal is exact");
    CHECK(parse("pi") == nb_const(st, NB_CONST_PI), "pi is the constant");
    CHECK(parse("e") == nb_const(st, NB_CONST_E), "e is the constant");
    const NbExpr *inf = parse("inf");
    CHECK(inf && inf->kind == NB_FLT && nb_flt_double(st, INFINITY) == inf,
          "inf is the float");
    CHECK(parse("sin(1)") == nb_fn1(st, NB_FN_SIN, nb_num_si(st, 1)),
          "a closed call stays symbolic: sin(1)");
    CHECK(parse("float(1/4)") == nb_flt_double(st, 0.25), "float(1/4) is 0.25");
    CHECK(parse("sin'(x)") == nb_fn1(st, NB_FN_COS, x), "sin'(x) is cos(x)");
    CHECK(parse("x^2 * x^3") == nb_pow_si(st, x, 5), "x^2*x^3 is x^5");
    CHECK(parse("3 x") == nb_mul2(st, nb_num_si(st, 3), x),
          "implicit multiplication");
    CHECK(parse("atan2(y, x)") == nb_fn2(st, NB_FN_ATAN2, y, x),
          "two-argument built-in");
    const NbExpr *v[2] = {nb_pow_si(st, x, 2), nb_num_si(st, 1)};
    CHECK(parse("[x, 1]^2") == nb_vec(st, 2, v), "vectors elementwise");
    const NbExpr *r[3] = {nb_num_si(st, 1), nb_num_si(st, 3), nb_num_si(st, 5)};
    CHECK(parse("1..5 step 2") == nb_vec(st, 3, r), "a range with a step");
    CHECK(parse("(x +\n y)") == nb_add2(st, x, y), "a bracket continues a line");
    CHECK(parse("x  # a comment") == x, "a comment after the expression");

    const NbExpr *f = parse("sin(x)*exp(-x^2/2)");
    const NbExpr *want = nb_mul2(st, nb_fn1(st, NB_FN_SIN, x),
                                 nb_fn1(st, NB_FN_EXP,
                                        nb_neg(st, nb_div(st, nb_pow_si(st, x, 2),
                                                          nb_num_si(st, 2)))));
    CHECK(f == want, "the README's example function");
    CHECK(parse("sin(x)*exp(-x^2/2)") == f, "the same text, the same node");
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *df = f ? nb_diff(st, f, x, &d) : NULL;
    char *s = df ? nb_print(df, NULL) : NULL;
    /* d/dx sin(x) e^(-x^2/2) = (cos(x) - x sin(x)) e^(-x^2/2) */
    CHECK_STR(s, "(cos(x) - x*sin(x))*exp(-x^2/2)", "its derivative, printed");
    free(s);
    nb_diag_clear(&d);
}

static void test_diag_state(void)
{
    NbDiag d = NB_DIAG_INIT;
    nb_diag_set(&d, NB_ERR_DOMAIN, "an old error");
    CHECK(nb_expr_parse(st, "x", &d) == sym("x") && d.code == NB_OK && !d.msg,
          "success leaves d clear");
    CHECK(nb_expr_parse(st, "x + 1", NULL) == nb_add2(st, sym("x"), nb_num_si(st, 1)),
          "d may be NULL");
    CHECK(nb_expr_parse(st, "1/0", NULL) == NULL, "d NULL: failure is NULL");
    nb_diag_clear(&d);
}

static void test_errors(void)
{
    /* the session's lowering: `nabla -e TEXT` prints these with -e */
    ERR("1/0", NB_ERR_DOMAIN,
        "<expr>:1:2: error: division by zero\n    1/0\n     ^\n");
    ERR("log(-1)", NB_ERR_DOMAIN,
        "<expr>:1:1: error: log: argument -1 is outside the domain x > 0\n"
        "    log(-1)\n    ^\n");
    ERR("(x +\n log(-1))", NB_ERR_DOMAIN,
        "<expr>:2:2: error: log: argument -1 is outside the domain x > 0\n"
        "     log(-1))\n     ^\n");
    ERR("sin(x", NB_ERR_SYNTAX,
        "<expr>:1:6: error: expected ')' to close '(' opened at column 4\n"
        "    sin(x\n         ^\n");
    ERR("sinn(x)", NB_ERR_UNKNOWN,
        "<expr>:1:1: error: unknown function 'sinn'; did you mean 'sin'?\n"
        "    sinn(x)\n    ^\n");
    ERR("sin(x, y)", NB_ERR_ARGS,
        "<expr>:1:1: error: sin expects 1 argument, got 2\n    sin(x, y)\n    ^\n");
    ERR("\"a\"+1", NB_ERR_TYPE,
        "<expr>:1:4: error: a string where a number is expected\n    \"a\"+1\n       ^\n");
    ERR("ans", NB_ERR_UNKNOWN,
        "<expr>:1:1: error: ans has no value yet: it is the last result, and "
        "nothing has been computed\n    ans\n    ^\n");
    /* what only nb_expr_parse refuses */
    ERR("x = 3", NB_ERR_SYNTAX,
        "<expr>:1:1: error: x = ... is an assignment; an expression is "
        "expected (no variables are bound here)\n    x = 3\n    ^\n");
    ERR("f(x) = x^2", NB_ERR_SYNTAX,
        "<expr>:1:1: error: f(...) = ... defines a function; an expression is "
        "expected (no functions are bound here)\n    f(x) = x^2\n    ^\n");
    ERR("set digits 5", NB_ERR_SYNTAX,
        "<expr>:1:1: error: 'set' starts a statement; an expression is "
        "expected\n    set digits 5\n    ^\n");
    ERR("1 + sin(diff(x^2, x))", NB_ERR_UNKNOWN,
        "<expr>:1:9: error: 'diff' is a command of the session, not a "
        "function; an expression calls built-in functions only\n"
        "    1 + sin(diff(x^2, x))\n            ^\n");
    ERR("x; y", NB_ERR_SYNTAX,
        "<expr>:1:4: error: one expression is expected; a second statement "
        "starts here\n    x; y\n       ^\n");
    ERR("x\ny", NB_ERR_SYNTAX,
        "<expr>:2:1: error: one expression is expected; a second statement "
        "starts here\n    y\n    ^\n");
    ERR("x; 1/", NB_ERR_SYNTAX,
        "<expr>:1:6: error: unexpected end of input\n    x; 1/\n         ^\n");
    ERR("", NB_ERR_SYNTAX, "<expr>: error: an expression is expected; the text has none\n");
    ERR("  # only a comment\n", NB_ERR_SYNTAX,
        "<expr>: error: an expression is expected; the text has none\n");
}

/* A 200000-term left chain (the lowering and the command check walk it
 * without recursion), and a command at its far end. */
static void test_long_chain(void)
{
    enum { N = 200000 };
    char *text = malloc(2 * N + 32);
    size_t n = 0;
    for (int i = 0; i < N; i++) {
        text[n++] = i ? '+' : ' ';
        text[n++] = 'x';
    }
    text[n] = 0;
    CHECK(parse(text + 1) == nb_mul2(st, nb_num_si(st, N), sym("x")),
          "x+x+...+x, %d terms, is %d*x", N, N);
    strcpy(text + n, "+diff(x,x)");
    NbDiag d = NB_DIAG_INIT;
    CHECK(!nb_expr_parse(st, text + 1, &d) && d.code == NB_ERR_UNKNOWN
          && d.pos.col == (int)n + 1, "a command after a long chain: col %d",
          d.pos.col);
    nb_diag_clear(&d);
    free(text);
}

int main(void)
{
    st = nb_store_new();
    test_canonical();
    test_diag_state();
    test_errors();
    test_long_chain();
    nb_store_free(st);
    return check_done();
}
