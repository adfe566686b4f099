/* test_print_mathml.c — presentation MathML for pages (src/print/print_mathml.c):
 * the built-ins' names as a reader writes them, numbers of every kind,
 * powers and quotients, names, strings, constants, vectors, and the depth
 * and size limits. Expected markup is written by hand from the rules in
 * print.h and print_mathml.c: the infix layout, U+2212 minus, U+2062
 * invisible times, U+2061 function application, U+00B7 before a number,
 * <mfrac>, <msup>, <msqrt>, <mroot>. (test_print.c has the layout cases.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/nabla.h"
#include "check.h"

#define MI(v) "<mi>" v "</mi>"
#define MN(v) "<mn>" v "</mn>"
#define SUP(b, e) "<msup><mrow>" b "</mrow><mrow>" e "</mrow></msup>"
#define MINUS "<mo>\xe2\x88\x92</mo>"
#define TIMES "<mo>\xe2\x81\xa2</mo>"
#define APPLY "<mo>\xe2\x81\xa1</mo>"
#define CDOT "<mo>\xc2\xb7</mo>"
#define PAREN(x) "<mrow><mo>(</mo>" x "<mo>)</mo></mrow>"
#define CALL(name, args) "<mrow>" MI(name) APPLY PAREN(args) "</mrow>"
#define TOP(x) "<mrow>" x "</mrow>"
#define TEN(e) "<msup><mn>10</mn><mrow>" e "</mrow></msup>"
#define INF "<mi mathvariant=\"normal\">\xe2\x88\x9e</mi>"
#define THIN "<mspace width=\"0.17em\"/>"
#define EXP(a) "<msup><mi>e</mi><mrow>" a "</mrow></msup>"

static NbStore *st;
static const NbExpr *X;

static void check(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_mathml(e, NULL) : NULL;
    CHECK_STR(s, want, "mathml %s", text);
    free(s);
}

static void check_e(const NbExpr *e, const NbPrintOpts *o, const char *want,
                    const char *what)
{
    char *s = nb_print_mathml(e, o);
    CHECK_STR(s, want, "mathml of %s", what);
    free(s);
}

static void test_names(void)
{
    check("asin(x)", TOP(CALL("arcsin", MI("x"))));
    check("acos(x)", TOP(CALL("arccos", MI("x"))));
    check("atan(x)", TOP(CALL("arctan", MI("x"))));
    check("log(x)", TOP(CALL("ln", MI("x"))));
    check("sigmoid(x)", TOP(CALL("\xcf\x83", MI("x"))));
    check("sign(x)", TOP(CALL("sgn", MI("x"))));
    check("heaviside(x)", TOP(CALL("H", MI("x"))));
    check("relu(x)", TOP(CALL("ReLU", MI("x"))));
    check("gamma(x)", TOP(CALL("\xce\x93", MI("x"))));
    check("erf(x)", TOP(CALL("erf", MI("x"))));
    check("atan2(y, x)", TOP(CALL("atan2", MI("y") "<mo>,</mo>" MI("x"))));
    check("cbrt(x)", TOP("<mroot><mrow>" MI("x") "</mrow>" MN("3") "</mroot>"));
    check("floor(x) + ceil(y)",
          TOP("<mrow><mrow><mo>\xe2\x8c\x8a</mo>" MI("x") "<mo>\xe2\x8c\x8b</mo></mrow>"
              "<mo>+</mo><mrow><mo>\xe2\x8c\x88</mo>" MI("y")
              "<mo>\xe2\x8c\x89</mo></mrow></mrow>"));
    check("pi*x", TOP("<mrow>" MI("\xcf\x80") TIMES MI("x") "</mrow>"));
    check("e^x", TOP("<msup><mi>e</mi><mrow>" MI("x") "</mrow></msup>"));
    check("Omega_k", TOP("<msub>" MI("\xce\xa9") MI("k") "</msub>"));
    /* \log_{2} is not a plain name: nabla's own */
    check("log2(x) + log10(y)",
          TOP("<mrow>" CALL("log2", MI("x")) "<mo>+</mo>" CALL("log10", MI("y"))
              "</mrow>"));
    check("min(x, y)", TOP(CALL("min", MI("x") "<mo>,</mo>" MI("y"))));
    check("abs(x)", TOP("<mrow><mo>|</mo>" MI("x") "<mo>|</mo></mrow>"));
}

/* A call binds as an atom, the row's superscript (e^x) as a power; a thin
 * space goes before a call, not before a superscript. */
static void test_calls(void)
{
    check("x*sin(x)", TOP("<mrow>" MI("x") TIMES THIN CALL("sin", MI("x")) "</mrow>"));
    check("x*abs(x)", TOP("<mrow>" MI("x") TIMES THIN
                          "<mrow><mo>|</mo>" MI("x") "<mo>|</mo></mrow></mrow>"));
    check("x*exp(x)", TOP("<mrow>" MI("x") TIMES EXP(MI("x")) "</mrow>"));
    const NbExpr *y = nb_sym(st, "y");
    const NbExpr *a[2] = {nb_fn1(st, NB_FN_SIN, X), y};
    check_e(nb_intern(st, NB_POW, 0, 2, a), NULL, TOP(SUP(CALL("sin", MI("x")), MI("y"))),
            "sin(x)^y");
    a[0] = nb_fn1(st, NB_FN_EXP, X);
    check_e(nb_intern(st, NB_POW, 0, 2, a), NULL, TOP(SUP(PAREN(EXP(MI("x"))), MI("y"))),
            "exp(x)^y, built as a power");
}

/* Every row prints from its row alone: its template with the argument in
 * place, or a name applied to the argument. */
static void test_rows(void)
{
    const NbExpr *y = nb_sym(st, "y");
    for (int f = 0; f < NB_FN__COUNT; f++) {
        const NbBuiltin *b = &nb_builtins[f];
        if (b->flags & NB_BF_LOWERS)
            continue;
        const NbExpr *e = b->min_args == 2 ? nb_fn2(st, f, X, y) : nb_fn1(st, f, X);
        char *s = nb_print_mathml(e, NULL);
        const char *args = b->min_args == 2 ? MI("x") "<mo>,</mo>" MI("y") "<mo>)</mo>"
                                            : MI("x") "<mo>)</mo>";
        size_t n = strlen(s), k = strlen(args) + strlen("</mrow></mrow></mrow>");
        if (b->mathml)
            CHECK(strstr(s, MI("x")) && !strchr(s, '$'), "%s: its template, %s", b->name, s);
        else
            CHECK(strncmp(s, "<mrow><mrow><mi>", 16) == 0 && n > k
                  && strncmp(s + n - k, args, strlen(args)) == 0
                  && strstr(s, "</mi>" APPLY "<mrow><mo>(</mo>"),
                  "%s: a name applied, %s", b->name, s);
        free(s);
    }
}

static void test_numbers(void)
{
    check("1/3", TOP("<mfrac>" MN("1") MN("3") "</mfrac>"));
    check("x^y", TOP(SUP(MI("x"), MI("y"))));
    check("(-2)^x", TOP(SUP(PAREN(MINUS MN("2")), MI("x"))));
    check("1/(x + 1)^(3/2)",
          TOP("<mfrac><mn>1</mn><mrow>" SUP(PAREN("<mrow>" MI("x") "<mo>+</mo>" MN("1")
              "</mrow>"), "<mfrac>" MN("3") MN("2") "</mfrac>") "</mrow></mfrac>"));
    check_e(nb_flt_double(st, 1e-20), NULL, TOP(TEN(MINUS MN("20"))), "1e-20");
    check_e(nb_flt_double(st, 2.5e-20), NULL, TOP(MN("2.5") CDOT TEN(MINUS MN("20"))),
            "2.5e-20");
    check_e(nb_flt_double(st, 6.02e23), NULL, TOP(MN("6.02") CDOT TEN(MN("23"))),
            "6.02e23");
    check_e(nb_flt_double(st, INFINITY), NULL, TOP(INF), "inf");
    check_e(nb_flt_double(st, -INFINITY), NULL, TOP(MINUS INF), "-inf");
    check_e(nb_flt_double(st, NAN), NULL, TOP("<mi mathvariant=\"normal\">NaN</mi>"), "nan");
    check_e(nb_mul2(st, nb_flt_double(st, 0.25), X), NULL,
            TOP("<mrow>" MN("0.25") TIMES MI("x") "</mrow>"), "0.25*x");
    check_e(nb_mul2(st, nb_flt_double(st, -0.25), X), NULL,
            TOP("<mrow>" MINUS MN("0.25") TIMES MI("x") "</mrow>"), "-0.25*x");
    check_e(nb_add2(st, X, nb_flt_double(st, -0.5)), NULL,
            TOP("<mrow>" MI("x") MINUS MN("0.5") "</mrow>"), "x - 0.5");
    check_e(nb_pow(st, nb_flt_double(st, -2.5), X), NULL,
            TOP(SUP(PAREN(MINUS MN("2.5")), MI("x"))), "(-2.5)^x");
    mpfr_t third;
    mpfr_init2(third, 113);
    mpfr_set_ui(third, 1, MPFR_RNDN);
    mpfr_div_ui(third, third, 3, MPFR_RNDN);
    NbPrintOpts four = {4};
    check_e(nb_flt_mpfr(st, third), NULL, TOP(MN("0.3333333333333333333333333333333333")),
            "a 113-bit 1/3");
    check_e(nb_flt_mpfr(st, third), &four, TOP(MN("0.3333")), "a 113-bit 1/3, digits=4");
    mpfr_clear(third);
}

static void test_strings_vectors(void)
{
    check_e(nb_str(st, "a<b & \"c\" > 'd'"), NULL,
            TOP("<ms>a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;</ms>"),
            "a string with markup characters");
    check("[x, [1, 2]]", TOP("<mrow><mo>[</mo>" MI("x") "<mo>,</mo><mrow><mo>[</mo>"
                             MN("1") "<mo>,</mo>" MN("2") "<mo>]</mo></mrow><mo>]</mo></mrow>"));
    check_e(nb_vec(st, 0, NULL), NULL, TOP("<mrow><mo>[</mo><mo>]</mo></mrow>"),
            "the empty vector");
}

static void test_limits(void)
{
    const NbExpr *e = X;
    for (int i = 0; i < 25000; i++)
        e = nb_fn1(st, NB_FN_SIN, e);
    char *s = nb_print_mathml(e, NULL);
    CHECK(s && strstr(s, PAREN("<mi>\xe2\x80\xa6</mi>")) != NULL,
          "25000 nested sines: an ellipsis past the depth limit");
    free(s);
    e = X;
    for (int i = 0; i < 60; i++)
        e = nb_fn2(st, NB_FN_ATAN2, e, nb_fn1(st, NB_FN_COS, e));
    s = nb_print_mathml(e, NULL);
    size_t n = strlen(s);
    CHECK(n > 1000000 && n < 40000000, "a 2^60-leaf tree stops at the size limit (%zu bytes)", n);
    free(s);
}

int main(void)
{
    st = nb_store_new();
    X = nb_sym(st, "x");
    test_names();
    test_calls();
    test_rows();
    test_numbers();
    test_strings_vectors();
    test_limits();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
