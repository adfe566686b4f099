/* test_print.c — number formats, the infix layout (precedence, signs,
 * quotients, sqrt, factoring, term order), LaTeX and C output.
 *
 * Expected strings are written by hand from SPEC §2-§3 and the rules in
 * print.c / print_arrange.c; numbers from their closed forms (Python's repr
 * for doubles, the digits of pi). The C output of a dozen derivatives is
 * compiled with the system C compiler and its values compared with nabla's
 * MPFR evaluation (skipped, with a note, when no compiler runs).
 */
#include "nabla/nabla.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <unistd.h>

static NbStore *st;

static void check_q(const char *num, const char *den, const char *want)
{
    mpq_t q;
    mpq_init(q);
    mpz_set_str(mpq_numref(q), num, 10);
    mpz_set_str(mpq_denref(q), den, 10);
    mpq_canonicalize(q);
    char *s = nb_format_q(q);
    CHECK_STR(s, want, "format_q %s/%s", num, den);
    free(s);
    mpq_clear(q);
}

static void check_d(double v, int digits, const char *want)
{
    char *s = nb_format_double(v, digits);
    CHECK_STR(s, want, "format_double %.17g digits=%d", v, digits);
    free(s);
}

static void test_numbers(void)
{
    check_q("0", "1", "0");
    check_q("-7", "1", "-7");
    check_q("3", "10", "0.3");
    check_q("5", "2", "2.5");
    check_q("-1", "8", "-0.125");
    check_q("1", "3", "1/3");
    check_q("-22", "7", "-22/7");
    check_q("1", "1024", "0.0009765625");
    check_q("1", "100000", "0.00001");
    check_q("1", "100000000000000000000", "0.00000000000000000001");
    check_q("1", "1000000000000000000000", "1e-21");
    check_q("123", "10000000000000000000000000", "1.23e-23");
    check_q("1", "1000000000000000000000000000000", "1e-30");
    /* 1/2^200: 200 decimals, or 1.1...e-61 of 140 digits: the fraction */
    check_q("1", "1606938044258990275541962092341162602522202993782792835301376",
            "1/1606938044258990275541962092341162602522202993782792835301376");
    check_q("1606938044258990275541962092341162602522202993782792835301376",
            "1", "1606938044258990275541962092341162602522202993782792835301376");

    check_d(0.1, 0, "0.1");
    check_d(1.0 / 3, 0, "0.3333333333333333");
    check_d(2.0 / 3, 0, "0.6666666666666666");
    check_d(3.0, 0, "3");
    check_d(-2.5, 0, "-2.5");
    check_d(1e-20, 0, "1e-20");
    check_d(6.02e23, 0, "6.02e23");
    check_d(1e16, 0, "1e16");
    check_d(1e15, 0, "1000000000000000");
    check_d(123456789.125, 0, "123456789.125");
    check_d(0.0001, 0, "0.0001");
    check_d(0.00001, 0, "1e-5");
    check_d(1.5e-7, 0, "1.5e-7");
    check_d(DBL_MAX, 0, "1.7976931348623157e308");
    check_d(4.9406564584124654e-324, 0, "5e-324");
    check_d(INFINITY, 0, "inf");
    check_d(-INFINITY, 0, "-inf");
    check_d(NAN, 0, "nan");
    check_d(-0.0, 0, "0");
    check_d(3.141592653589793, 3, "3.14");
    check_d(1234567.0, 3, "1.23e6");
    check_d(0.5, 5, "0.5");
    check_d(2.0 / 3, 4, "0.6667");

    mpfr_t f;
    mpfr_init2(f, 256);
    mpfr_const_pi(f, MPFR_RNDN);
    char *s = nb_format_mpfr(f, 30);
    CHECK_STR(s, "3.14159265358979323846264338328", "pi to 30 digits");
    free(s);
    /* shortest: the string reads back, one digit fewer does not */
    s = nb_format_mpfr(f, 0);
    mpfr_t g;
    mpfr_init2(g, 256);
    mpfr_set_str(g, s, 10, MPFR_RNDN);
    CHECK(mpfr_equal_p(f, g), "shortest pi at 256 bits reads back: %s", s);
    CHECK(strncmp(s, "3.14159265358979323846264338327950288419716939937510", 52) == 0
              && strlen(s) >= 77 && strlen(s) <= 79,
          "shortest pi at 256 bits has 77..78 digits: %s", s);
    free(s);
    mpfr_set_prec(f, 53);
    mpfr_set_d(f, 0.1, MPFR_RNDN);
    s = nb_format_mpfr(f, 0);
    CHECK_STR(s, "0.1", "0.1 at 53 bits");
    free(s);
    mpfr_set_prec(f, 200);
    mpfr_set_ui(f, 1, MPFR_RNDN);
    mpfr_mul_2ui(f, f, 100, MPFR_RNDN);
    s = nb_format_mpfr(f, 0);
    CHECK_STR(s, "1267650600228229401496703205376", "2^100 at 200 bits");
    free(s);
    mpfr_clears(f, g, NULL);
}

/* Print the parse of text; compare with want. */
static void check_print(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print(e, NULL) : NULL;
    CHECK_STR(s, want, "print %s", text);
    free(s);
}

static void check_flat(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_flat(e, NULL) : NULL;
    CHECK_STR(s, want, "print_flat %s", text);
    free(s);
}

static void test_infix(void)
{
    check_print("x^2 + 2*x + 1", "x^2 + 2*x + 1");
    check_print("1 + x^2 + 2*x", "x^2 + 2*x + 1");
    check_print("-x^2", "-x^2");
    check_print("(-x)^3", "-x^3");
    check_print("(x + 1)^2", "(x + 1)^2");
    check_print("x^(-1)", "1/x");
    check_print("x^(1/2)", "sqrt(x)");
    check_print("x^(-1/2)", "1/sqrt(x)");
    check_print("a*b^(-1)", "a/b");
    check_print("a^(b^c)", "a^b^c");
    check_print("(a^b)^c", "(a^b)^c");
    check_print("2^3^2", "512");
    check_print("x - 2*y", "x - 2*y");
    check_print("1/3*x^(-2/3)", "1/3*x^(-2/3)");
    check_print("-x^2/2", "-x^2/2");
    check_print("3*x/2", "3*x/2");
    check_print("1/(2*x)", "1/(2*x)");
    check_print("x/(y*z)", "x/(y*z)");
    check_print("-1/x^2", "-1/x^2");
    check_print("(x + 1)/(x - 1)", "(x + 1)/(x - 1)");
    check_print("(x+1)^(-2)", "1/(x + 1)^2");
    check_print("x^(3/2)", "x^(3/2)");
    check_print("2^x", "2^x");
    check_print("(-2)^x", "(-2)^x");
    check_print("(2/3)^x", "(2/3)^x");
    check_print("0.5^x", "0.5^x");
    check_print("x^y^z", "x^y^z");
    check_print("sin(x)^2", "sin(x)^2");
    check_print("sin(x^2)", "sin(x^2)");
    check_print("exp(-x)", "exp(-x)");
    check_print("sqrt(x + 1)", "sqrt(x + 1)");
    check_print("x*(x + 1)*(x + 2)", "x*(x + 1)*(x + 2)");
    check_print("y^2*x", "x*y^2");
    check_print("pi*x", "pi*x");
    check_print("x*sqrt(2)", "sqrt(2)*x");
    check_print("x + 0.5", "x + 0.5");
    check_print("x + 1/3", "x + 1/3");
    check_print("-x - 1", "-x - 1");
    check_print("1 - x", "1 - x");
    check_print("1 - x^2", "1 - x^2");
    check_print("y - x", "y - x");
    check_print("2*x - x^2 + 1", "-x^2 + 2*x + 1");
    check_print("x^2 + x*y + y^2 + x + 1", "x^2 + x*y + y^2 + x + 1");
    check_print("x - sin(x)", "x - sin(x)");
    check_print("exp(x) - 1", "exp(x) - 1");
    check_print("[x, 2, [1, y]]", "[x, 2, [1, y]]");
    check_print("atan2(y, x) + min(x, 1)", "atan2(y, x) + min(x, 1)");
    check_print("\"a b\"", "\"a b\"");
    check_print("2*10^30", "2000000000000000000000000000000");
    check_print("0.000001*x", "x/1000000");
    /* factoring and grouping */
    check_print("cos(x)*exp(-x^2/2) - x*sin(x)*exp(-x^2/2)",
                "(cos(x) - x*sin(x))*exp(-x^2/2)");
    check_print("a*sin(x) + b*sin(x)", "(a + b)*sin(x)");
    check_print("x^2*exp(x) + 2*x*exp(x)", "(x^2 + 2*x)*exp(x)");
    check_print("sigmoid(x) - sigmoid(x)^2", "(1 - sigmoid(x))*sigmoid(x)");
    check_print("5*(x+1)^4*sin(x) + (x+1)^5*cos(x)",
                "((x + 1)*cos(x) + 5*sin(x))*(x + 1)^4");
    check_print("x^3 + x^2", "x^3 + x^2");
    check_print("x^2/2 + sqrt(x)", "x^2/2 + sqrt(x)");
    check_print("6*tan(x)^4 + 8*tan(x)^2 + 2", "6*tan(x)^4 + 8*tan(x)^2 + 2");
    check_print("(x^2 - 1)*sin(x) - (2*x + 3)*cos(x)",
                "(x^2 - 1)*sin(x) - (2*x + 3)*cos(x)");
    check_print("y*(a*sin(x) + b*sin(x))", "y*(a + b)*sin(x)");
    check_flat("cos(x)*exp(-x^2/2) - x*sin(x)*exp(-x^2/2)",
               "cos(x)*exp(-x^2/2) - x*sin(x)*exp(-x^2/2)");
    check_flat("a*sin(x) + b*sin(x)", "a*sin(x) + b*sin(x)");

    /* floats in expressions: shortest, digits option */
    const NbExpr *x = nb_sym(st, "x");
    const NbExpr *e = nb_mul2(st, nb_flt_double(st, 0.1), x);
    char *s = nb_print(e, NULL);
    CHECK_STR(s, "0.1*x", "float coefficient");
    free(s);
    e = nb_add2(st, x, nb_flt_double(st, -1.0 / 3));
    NbPrintOpts o = {4};
    s = nb_print(e, &o);
    CHECK_STR(s, "x - 0.3333", "float term with digits=4");
    free(s);
}

static void check_latex(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_latex(e, NULL) : NULL;
    CHECK_STR(s, want, "latex %s", text);
    free(s);
}

static void test_latex(void)
{
    check_latex("x^2/2", "\\frac{x^{2}}{2}");
    check_latex("cos(x)*exp(-x^2/2) - x*sin(x)*exp(-x^2/2)",
                "\\left(\\cos\\left(x\\right) - x \\sin\\left(x\\right)\\right) "
                "e^{-\\frac{x^{2}}{2}}");
    check_latex("sqrt(x)", "\\sqrt{x}");
    check_latex("1/x", "\\frac{1}{x}");
    check_latex("1/(2*x)", "\\frac{1}{2 x}");
    check_latex("1/3*x^(-2/3)", "\\frac{1}{3} x^{-\\frac{2}{3}}");
    check_latex("alpha*x_1", "\\alpha x_{1}");
    check_latex("abs(x) + floor(y)", "\\left|x\\right| + \\left\\lfloor y \\right\\rfloor");
    check_latex("[[1, 2], [3, 4]]",
                "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}");
    check_latex("2*x + 3", "2 x + 3");
    check_latex("log(x) + asin(x)", "\\arcsin\\left(x\\right) + \\ln\\left(x\\right)");
    check_latex("(x + 1)^2", "\\left(x + 1\\right)^{2}");
    check_latex("sin(x)^2", "\\sin\\left(x\\right)^{2}");
    check_latex("pi*r^2", "\\pi r^{2}");
    check_latex("0.5 + rate", "\\mathrm{rate} + 0.5");
    check_latex("sigmoid(x)", "\\sigma\\left(x\\right)");
}

/* --- C output, compiled -------------------------------------------------- */

static const char *const c_exprs[] = {
    "diff(sin(x)*exp(-x^2/2))", "diff(x^3*y - 2*y^2)", "diff(sigmoid(x)*y)",
    "diff(atan(x/3)/(1+x^2))", "diff(sqrt(1+x^4))", "diff(tan(x)*sec(x))",
    "diff(log(x)*cbrt(x))", "diff(x^x)", "diff(relu(x - 1)*y + abs(y))",
    "diff(softplus(x)*heaviside(x))", "diff(erf(x) + sinh(x)*acosh(x + 2))",
    "diff(hypot(x, y) + min(x, y)^2 + sign(x)*x^2)",
};

static const NbExpr *parse_diff(const char *text)
{
    /* "diff(E)" means the derivative of E in x */
    char buf[256];
    size_t n = strlen(text);
    memcpy(buf, text + 5, n - 6);
    buf[n - 6] = 0;
    const NbExpr *e = nb_expr_parse(st, buf, NULL);
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *r = e ? nb_diff(st, e, nb_sym(st, "x"), &d) : NULL;
    nb_diag_clear(&d);
    return r;
}

/* nabla's value of e at (x, y), via MPFR at 200 bits. */
static double value_at(const NbExpr *e, double xv, double yv)
{
    const NbExpr *vars[2] = {nb_sym(st, "x"), nb_sym(st, "y")};
    const NbExpr *vals[2] = {nb_flt_double(st, xv), nb_flt_double(st, yv)};
    const NbExpr *c = nb_subs(st, e, 2, vars, vals);
    mpfr_t r;
    mpfr_init2(r, 200);
    NbDiag d = NB_DIAG_INIT;
    double v = nb_eval_to_mpfr(st, c, r, &d) == 0 ? mpfr_get_d(r, MPFR_RNDN) : NAN;
    nb_diag_clear(&d);
    mpfr_clear(r);
    return v;
}

static void test_ccode(void)
{
    if (system("cc --version >/dev/null 2>&1") != 0) {
        printf("# no C compiler: ccode compile test skipped\n");
        return;
    }
    char dir[] = "/tmp/nabla_ccode_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char src[64], exe[64], out[64], cmd[512];
    snprintf(src, sizeof src, "%s/f.c", dir);
    snprintf(exe, sizeof exe, "%s/f", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(src, "w");
    fprintf(f, "#include <math.h>\n#include <stdio.h>\nint main(void) {\n"
               "  static const double pts[3][2] = {{0.7, 1.3}, {1.9, -0.4}, {0.25, 2.5}};\n"
               "  for (int k = 0; k < 3; k++) {\n"
               "    double x = pts[k][0], y = pts[k][1]; (void)y;\n");
    size_t n = sizeof c_exprs / sizeof c_exprs[0];
    const NbExpr *d[sizeof c_exprs / sizeof c_exprs[0]];
    for (size_t i = 0; i < n; i++) {
        d[i] = parse_diff(c_exprs[i]);
        char *c = d[i] ? nb_print_c(d[i]) : NULL;
        fprintf(f, "    printf(\"%%.17g\\n\", (double)(%s));\n", c ? c : "0");
        free(c);
    }
    fprintf(f, "  }\n  return 0;\n}\n");
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -std=c11 -Wall -Werror -o %s %s -lm && %s > %s",
             exe, src, exe, out);
    int rc = system(cmd);
    CHECK(rc == 0, "ccode of %zu derivatives compiles without warnings", n);
    f = fopen(out, "r");
    static const double pts[3][2] = {{0.7, 1.3}, {1.9, -0.4}, {0.25, 2.5}};
    for (int k = 0; f && k < 3; k++)
        for (size_t i = 0; i < n; i++) {
            double got;
            if (fscanf(f, "%lg", &got) != 1)
                got = NAN;
            double want = value_at(d[i], pts[k][0], pts[k][1]);
            CHECK(fabs(got - want) <= 1e-13 * fmax(1, fabs(want)),
                  "ccode %s at (%g, %g): C %.17g, nabla %.17g", c_exprs[i],
                  pts[k][0], pts[k][1], got, want);
        }
    if (f)
        fclose(f);
    unlink(out);
    unlink(exe);
    unlink(src);
    rmdir(dir);
}

static void check_c(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_c(e) : NULL;
    CHECK_STR(s, want, "ccode %s", text);
    free(s);
}

/* MathML, written by hand from the presentation rules (print.h): the
 * infix layout, fractions as <mfrac>, powers as <msup>, U+2212 minus,
 * U+2062 invisible times, U+2061 function application. */
#define MI(v) "<mi>" v "</mi>"
#define MN(v) "<mn>" v "</mn>"
#define SUP(b, e) "<msup><mrow>" b "</mrow><mrow>" e "</mrow></msup>"
#define MINUS "<mo>\xe2\x88\x92</mo>"
#define TIMES "<mo>\xe2\x81\xa2</mo>"
#define APPLY "<mo>\xe2\x81\xa1</mo>"
#define PAREN(x) "<mrow><mo>(</mo>" x "<mo>)</mo></mrow>"
static void check_mathml(const char *text, const char *want)
{
    const NbExpr *e = nb_expr_parse(st, text, NULL);
    char *s = e ? nb_print_mathml(e, NULL) : NULL;
    CHECK_STR(s, want, "mathml %s", text);
    free(s);
}

static void test_mathml(void)
{
    check_mathml("3*x^2", "<mrow><mrow>" MN("3") TIMES SUP(MI("x"), MN("2"))
                 "</mrow></mrow>");
    check_mathml("1/x", "<mrow><mfrac>" MN("1") "<mrow>" MI("x")
                 "</mrow></mfrac></mrow>");
    check_mathml("1/3*x^(-2/3)", "<mrow><mrow><mfrac>" MN("1") MN("3")
                 "</mfrac>" TIMES SUP(MI("x"), MINUS "<mfrac>" MN("2") MN("3")
                 "</mfrac>") "</mrow></mrow>");
    check_mathml("1/(2*sqrt(x))", "<mrow><mrow><mfrac><mrow>" MN("1")
                 "</mrow><mrow>" MN("2") TIMES "<msqrt>" MI("x")
                 "</msqrt></mrow></mfrac></mrow></mrow>");
    check_mathml("cos(x)*exp(-x^2/2)",
                 "<mrow><mrow><mrow>" MI("cos") APPLY PAREN(MI("x")) "</mrow>"
                 TIMES "<msup><mi>e</mi><mrow><mrow>" MINUS "<mfrac><mrow>"
                 SUP(MI("x"), MN("2")) "</mrow><mrow>" MN("2")
                 "</mrow></mfrac></mrow></mrow></msup></mrow></mrow>");
    /* a product is always one <mrow>; here -1*y after its minus */
    check_mathml("x - y", "<mrow><mrow>" MI("x") MINUS "<mrow>" MI("y")
                 "</mrow></mrow></mrow>");
    check_mathml("alpha*w_1", "<mrow><mrow>" MI("\xce\xb1") TIMES
                 "<msub>" MI("w") MI("1") "</msub></mrow></mrow>");
    check_mathml("[[1, x], [x, 2]]", "<mrow><mrow><mo>[</mo><mtable><mtr><mtd>"
                 MN("1") "</mtd><mtd>" MI("x") "</mtd></mtr><mtr><mtd>" MI("x")
                 "</mtd><mtd>" MN("2") "</mtd></mtr></mtable><mo>]</mo></mrow></mrow>");
    check_mathml("abs(x)", "<mrow><mrow><mo>|</mo>" MI("x") "<mo>|</mo></mrow></mrow>");
    check_mathml("x*sin(x)", "<mrow><mrow>" MI("x") TIMES
                 "<mspace width=\"0.17em\"/><mrow>" MI("sin") APPLY
                 PAREN(MI("x")) "</mrow></mrow></mrow>");
}

static void test_c_strings(void)
{
    check_c("x^2/2 + sqrt(x)", "x*x/2.0 + sqrt(x)");
    check_c("1/x^2", "1.0/(x*x)");
    check_c("y/x^3", "y/(x*x*x)");
    check_c("x^(3/2)", "pow(x, 1.5)");
    check_c("(x + 1)^2", "pow(x + 1.0, 2.0)");
    check_c("sigmoid(x)", "(1.0/(1.0 + exp(-(x))))");
    check_c("heaviside(x - 1)", "((x - 1.0) > 0 ? 1.0 : 0.0)");
    check_c("x/3", "x/3.0");
    check_c("pi*x", "3.141592653589793*x");
}

/* A DAG of 60 levels prints as a tree of 2^60 leaves: the printer stops at
 * its size limit, with "...", in bounded time. */
static void test_huge(void)
{
    const NbExpr *e = nb_sym(st, "x");
    for (int i = 0; i < 60; i++)
        e = nb_fn2(st, NB_FN_ATAN2, e, nb_fn1(st, NB_FN_SIN, e));
    char *s = nb_print(e, NULL);
    size_t n = strlen(s);
    CHECK(n > 1000000 && n < 20000000 && strcmp(s + n - 3, "...") == 0,
          "exponential tree printed up to the limit (%zu bytes)", n);
    free(s);
}

/* Two numbers past NB_MAX_EXACT_BITS stay apart in the store (simplify.c)
 * and so in print: their product, of 2.5 million digits, is neither
 * built nor written (it took the printer seconds a term). */
static void test_numbers_kept_apart(void)
{
    mpz_t a, b;
    mpz_inits(a, b, NULL);
    mpz_ui_pow_ui(a, 3, 2650000); /* 4.2e6 bits each */
    mpz_ui_pow_ui(b, 5, 1810000);
    CHECK(mpz_sizeinbase(a, 2) > NB_MAX_EXACT_BITS
              && mpz_sizeinbase(b, 2) > NB_MAX_EXACT_BITS,
          "both numbers past NB_MAX_EXACT_BITS");
    const NbExpr *f[] = {nb_num_z(st, a), nb_num_z(st, b), nb_sym(st, "x")};
    const NbExpr *e = nb_mul(st, 3, f);
    char *sa = mpz_get_str(NULL, 10, a), *sb = mpz_get_str(NULL, 10, b);
    size_t na = strlen(sa), nb = strlen(sb);
    char *ab = malloc(na + nb + 4), *ba = malloc(na + nb + 4);
    sprintf(ab, "%s*%s*x", sa, sb);
    sprintf(ba, "%s*%s*x", sb, sa);
    char *flat = nb_print_flat(e, NULL), *fact = nb_print(e, NULL);
    CHECK(strcmp(flat, ab) == 0 || strcmp(flat, ba) == 0,
          "flat: the two numbers as factors (%zu bytes, not %zu)",
          strlen(flat), na + nb + 3);
    CHECK(strcmp(fact, ab) == 0 || strcmp(fact, ba) == 0,
          "factored: the two numbers as factors (%zu bytes, not %zu)",
          strlen(fact), na + nb + 3);
    free(flat);
    free(fact);
    free(ab);
    free(ba);
    free(sa);
    free(sb);
    mpz_clears(a, b, NULL);
}

/* No "1*", "+ 0", "x^1", "--" in printed output. */
static void test_no_clutter(void)
{
    static const char *const in[] = {"1*x", "x + 0", "x^1", "-(-x)", "x - -y",
                                     "1*x^1 + 0*y", "-1*x", "x*1/1"};
    static const char *const want[] = {"x", "x", "x", "x", "x + y", "x", "-x", "x"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        check_print(in[i], want[i]);
}

int main(void)
{
    st = nb_store_new();
    test_numbers();
    test_infix();
    test_latex();
    test_mathml();
    test_c_strings();
    test_ccode();
    test_huge();
    test_numbers_kept_apart();
    test_no_clutter();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
