/* test_print_latex.c — the LaTeX and C printers (src/print/print_latex.c):
 * every built-in's LaTeX and C spelling, numbers of every kind (exact,
 * double, MPFR, infinities, NaN, exponents), powers and quotients, names
 * and strings, vectors, and the size and depth limits.
 *
 * Expected strings are written by hand from the conventions the module
 * states: amsmath names (\arcsin, \operatorname{...} for the rest),
 * \left( \right) around arguments, \frac for quotients, d.dd \cdot 10^{E}
 * for exponents; C that <math.h> compiles, doubles written to read back.
 * (The C code of derivatives is compiled and run in test_print.c.)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/nabla.h"
#include "check.h"

static NbStore *st;
static const NbExpr *X, *Y;

static void latex(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_latex(e, NULL) : NULL;
    CHECK_STR(s, want, "latex %s", text);
    free(s);
}

static void ccode(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_c(e) : NULL;
    CHECK_STR(s, want, "ccode %s", text);
    free(s);
}

static void both(const NbExpr *e, const char *tex, const char *c, const char *what)
{
    char *s = nb_print_latex(e, NULL);
    CHECK_STR(s, tex, "latex of %s", what);
    free(s);
    s = nb_print_c(e);
    CHECK_STR(s, c, "ccode of %s", what);
    free(s);
}

static void test_builtins(void)
{
    static const char *const tex[][2] = {
        {"tan(x)", "\\tan\\left(x\\right)"},
        {"sec(x)", "\\sec\\left(x\\right)"},
        {"csc(x)", "\\csc\\left(x\\right)"},
        {"cot(x)", "\\cot\\left(x\\right)"},
        {"acos(x)", "\\arccos\\left(x\\right)"},
        {"atan(x)", "\\arctan\\left(x\\right)"},
        {"sinh(x)", "\\sinh\\left(x\\right)"},
        {"cosh(x)", "\\cosh\\left(x\\right)"},
        {"tanh(x)", "\\tanh\\left(x\\right)"},
        {"log2(x)", "\\log_{2}\\left(x\\right)"},
        {"log10(x)", "\\log_{10}\\left(x\\right)"},
        {"gamma(x)", "\\Gamma\\left(x\\right)"},
        {"sign(x)", "\\operatorname{sgn}\\left(x\\right)"},
        {"heaviside(x)", "\\operatorname{H}\\left(x\\right)"},
        {"relu(x)", "\\operatorname{ReLU}\\left(x\\right)"},
        {"min(x, y)", "\\min\\left(x, y\\right)"},
        {"max(x, y)", "\\max\\left(x, y\\right)"},
        {"cbrt(x + 1)", "\\sqrt[3]{x + 1}"},
        {"ceil(x)", "\\left\\lceil x \\right\\rceil"},
        {"erf(x)", "\\operatorname{erf}\\left(x\\right)"},
        {"atan2(y, x)", "\\operatorname{atan2}\\left(y, x\\right)"},
        {"exp(x + 1)", "e^{x + 1}"},
    };
    for (size_t i = 0; i < sizeof tex / sizeof *tex; i++)
        latex(tex[i][0], tex[i][1]);
    static const char *const c[][2] = {
        {"csc(x)", "(1.0/sin(x))"},
        {"cot(x)", "(1.0/tan(x))"},
        {"sec(x)", "(1.0/cos(x))"},
        {"abs(x)", "fabs(x)"},
        {"relu(x)", "((x) > 0 ? (x) : 0.0)"},
        {"sign(x)", "((x) > 0 ? 1.0 : ((x) < 0 ? -1.0 : 0.0))"},
        {"min(x, y)", "fmin(x, y)"},
        {"max(x, y)", "fmax(x, y)"},
        {"gamma(x)", "tgamma(x)"},
        {"softplus(x)", "(fmax(x, 0.0) + log1p(exp(-fabs(x))))"},
        {"sigmoid(-2*x)", "(1.0/(1.0 + exp(2.0*x)))"},
        {"sigmoid(x + 1)", "(1.0/(1.0 + exp(-(x + 1.0))))"},
        {"erf(x)", "erf(x)"},
        {"atan2(y, x)", "atan2(y, x)"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++)
        ccode(c[i][0], c[i][1]);
}

static void test_numbers(void)
{
    latex("1/3", "\\frac{1}{3}");
    latex("-1/3", "-\\frac{1}{3}");
    latex("3*x/5", "\\frac{3 x}{5}");
    ccode("3*x/5", "3.0*x/5.0");
    latex("(-2)^x", "\\left(-2\\right)^{x}");
    ccode("(-2)^x", "pow(-2.0, x)");
    latex("x^y", "x^{y}");
    latex("x^(-3/2)", "x^{-\\frac{3}{2}}");
    ccode("x^(-3/2)", "pow(x, -1.5)");
    latex("1/(x + 1)^(3/2)", "\\frac{1}{\\left(x + 1\\right)^{\\frac{3}{2}}}");
    ccode("1/(x + 1)^(3/2)", "1.0/(pow(x + 1.0, 1.5))");
    latex("1/sqrt(x + 1)", "\\frac{1}{\\sqrt{x + 1}}");
    ccode("1/sqrt(x + 1)", "1.0/sqrt(x + 1.0)");
    ccode("e + pi", "3.141592653589793 + 2.718281828459045"); /* pi first */

    /* doubles: shortest, exponents as powers of ten, infinities, NaN */
    both(nb_flt_double(st, 1e-20), "10^{-20}", "1e-20", "1e-20");
    both(nb_flt_double(st, 2.5e-20), "2.5 \\cdot 10^{-20}", "2.5e-20", "2.5e-20");
    both(nb_flt_double(st, INFINITY), "\\infty", "HUGE_VAL", "inf");
    both(nb_flt_double(st, -INFINITY), "-\\infty", "-HUGE_VAL", "-inf");
    both(nb_flt_double(st, NAN), "\\mathrm{NaN}", "NAN", "nan");
    both(nb_mul2(st, nb_flt_double(st, 0.25), X), "0.25 x", "0.25*x", "0.25*x");
    both(nb_mul2(st, nb_flt_double(st, -0.25), X), "-0.25 x", "-0.25*x", "-0.25*x");
    both(nb_add2(st, X, nb_flt_double(st, -0.5)), "x - 0.5", "x - 0.5", "x - 0.5");
    both(nb_pow(st, nb_flt_double(st, 2.5), X), "2.5^{x}", "pow(2.5, x)", "2.5^x");
    both(nb_pow(st, nb_flt_double(st, -2.5), X), "\\left(-2.5\\right)^{x}",
         "pow(-2.5, x)", "(-2.5)^x");
    both(nb_fn1(st, NB_FN_SIGMOID, nb_mul2(st, nb_flt_double(st, -2.5), X)),
         "\\sigma\\left(-2.5 x\\right)", "(1.0/(1.0 + exp(2.5*x)))", "sigmoid(-2.5x)");

    /* an MPFR value prints all its digits, or the digits asked for */
    mpfr_t third;
    mpfr_init2(third, 113);
    mpfr_set_ui(third, 1, MPFR_RNDN);
    mpfr_div_ui(third, third, 3, MPFR_RNDN);
    const NbExpr *t = nb_mul2(st, nb_flt_mpfr(st, third), X);
    char *s = nb_print_latex(t, NULL);
    CHECK_STR(s, "0.3333333333333333333333333333333333 x",
              "a 113-bit 1/3 prints its 34 digits");
    free(s);
    NbPrintOpts four = {4};
    s = nb_print_latex(t, &four);
    CHECK_STR(s, "0.3333 x", "digits=4");
    free(s);
    s = nb_print_latex(nb_mul2(st, nb_flt_double(st, 1.0 / 3), X), &four);
    CHECK_STR(s, "0.3333 x", "a double with digits=4");
    free(s);
    mpfr_clear(third);
}

static void test_names_strings(void)
{
    latex("x_a_b", "x_{a\\_b}");
    latex("theta_1 + rate", "\\mathrm{rate} + \\theta_{1}"); /* canonical order */
    latex("Omega", "\\Omega");
    const NbExpr *s = nb_str(st, "a_b #1 {x} 50% $&");
    both(s, "\\text{``a\\_b \\#1 \\{x\\} 50\\% \\$\\&''}", "\"a_b #1 {x} 50% $&\"",
         "a string with TeX's special characters");
    both(nb_str(st, "a\\b^c~d"),
         "\\text{``a\\textbackslash{}b\\textasciicircum{}c\\textasciitilde{}d''}",
         "\"a\\\\b^c~d\"", "backslash, caret and tilde in a string");
    both(nb_str(st, "say \"hi\"\tnow"), "\\text{``say \"hi\"\tnow''}",
         "\"say \\\"hi\\\"\\011now\"", "quotes and a tab in a C string");
}

static void test_vectors(void)
{
    latex("[x, 2]", "\\left[x, 2\\right]");
    latex("[[1, 2], [3]]", "\\left[\\left[1, 2\\right], \\left[3\\right]\\right]");
    latex("[[1, 2], x]", "\\left[\\left[1, 2\\right], x\\right]");
    ccode("[x, 2]", "{x, 2.0}");
    ccode("[[1, x], [y, 2]]", "{{1.0, x}, {y, 2.0}}");
    both(nb_vec(st, 0, NULL), "\\left[\\right]", "{}", "the empty vector");
}

/* A chain deeper than the printer's depth limit ends in "..."; a DAG whose
 * tree is huge stops at NB_MAX_PRINT_BYTES. Both in bounded time. */
static void test_limits(void)
{
    const NbExpr *e = X;
    for (int i = 0; i < 25000; i++)
        e = nb_fn1(st, NB_FN_SIN, e);
    char *s = nb_print_latex(e, NULL);
    size_t n = s ? strlen(s) : 0;
    CHECK(n > 0 && strstr(s, "\\sin\\left(...\\right)") != NULL,
          "25000 nested sines: \"...\" past the depth limit (%zu bytes)", n);
    free(s);
    s = nb_print_c(e);
    CHECK(s && strstr(s, "sin(...)") != NULL, "in C too");
    free(s);
    e = X;
    for (int i = 0; i < 60; i++)
        e = nb_fn2(st, NB_FN_ATAN2, e, nb_fn1(st, NB_FN_COS, e));
    s = nb_print_latex(e, NULL);
    n = strlen(s);
    CHECK(n > 1000000 && n < 20000000, "a 2^60-leaf tree stops at the size limit (%zu bytes)", n);
    free(s);
}

int main(void)
{
    st = nb_store_new();
    X = nb_sym(st, "x");
    Y = nb_sym(st, "y");
    test_builtins();
    test_numbers();
    test_names_strings();
    test_vectors();
    test_limits();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
