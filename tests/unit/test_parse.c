/* test_parse.c — the parser: every statement is printed back as a fully
 * parenthesised S-expression by a printer written here (not the library's),
 * and compared with the expected string written by hand from SPEC §2.
 *
 * Notation:   (op a b)      binary      (i* a b)   implicit multiplication
 *             (- a)         unary       (call f a (kw h 1))   call, keyword
 *             (call f'' a)  primes      (vec a b)  (.. a b)  range
 *             (= x v)  (def f (x y) body)  (cmd set "precision" "256")
 * Statements are joined by " ; "; an error shows as "!LINE:COL message".
 * With positions, every node's head is followed by @LINE:COL.
 */
#include "nabla/parse.h"
#include "nabla/limits.h"
#include "check.h"

#include <gmp.h>
#include <time.h>

typedef struct Buf {
    char *s;
    size_t n, cap;
} Buf;

static void put(Buf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, k + 1);
    b->n += k;
}

static void putf(Buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(Buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(b, tmp);
}

static void put_quoted(Buf *b, const char *s)
{
    put(b, "\"");
    for (; *s; s++) {
        char c[3] = {*s, 0, 0};
        if (*s == '"' || *s == '\\') {
            c[0] = '\\';
            c[1] = *s;
        }
        put(b, c);
    }
    put(b, "\"");
}

static int with_pos;
static int no_implicit; /* print implicit '*' as '*' (round trips) */

static void head(Buf *b, const char *s, const NbAst *n)
{
    put(b, s);
    if (with_pos)
        putf(b, "@%d:%d", n->pos.line, n->pos.col);
}

static void sexp(Buf *b, const NbAst *n);

static void sexp_args(Buf *b, const NbAst *n)
{
    for (int i = 0; i < n->nargs; i++) {
        put(b, " ");
        sexp(b, n->args[i]);
    }
    put(b, ")");
}

static void sexp(Buf *b, const NbAst *n)
{
    char op[4] = {0};
    switch (n->kind) {
    case NB_AST_NUMBER:
    case NB_AST_NAME:
        head(b, n->text, n);
        return;
    case NB_AST_STRING:
        put_quoted(b, n->text);
        if (with_pos)
            putf(b, "@%d:%d", n->pos.line, n->pos.col);
        return;
    case NB_AST_BINARY:
    case NB_AST_UNARY:
        op[0] = (char)n->op;
        put(b, "(");
        head(b, n->implicit && !no_implicit ? "i*" : op, n);
        sexp_args(b, n);
        return;
    case NB_AST_CALL:
        put(b, "(");
        head(b, "call", n);
        putf(b, " %s%.*s", n->text, n->primes, "''''''''''");
        sexp_args(b, n);
        return;
    case NB_AST_KEYWORD:
        put(b, "(");
        head(b, "kw", n);
        putf(b, " %s", n->text);
        sexp_args(b, n);
        return;
    case NB_AST_VECTOR:
        put(b, "(");
        head(b, "vec", n);
        sexp_args(b, n);
        return;
    case NB_AST_RANGE:
        put(b, "(");
        head(b, "..", n);
        sexp_args(b, n);
        return;
    case NB_AST_INDEX:
        put(b, "(");
        head(b, "idx", n);
        sexp_args(b, n);
        return;
    case NB_AST_ASSIGN:
        put(b, "(");
        head(b, "=", n);
        putf(b, " %s", n->text);
        sexp_args(b, n);
        return;
    case NB_AST_FUNCDEF:
        put(b, "(");
        head(b, "def", n);
        putf(b, " %s (", n->text);
        for (int i = 0; i < n->nparams; i++) {
            putf(b, "%s%s", i ? " " : "", n->params[i]);
            if (with_pos)
                putf(b, "@%d:%d", n->param_pos[i].line, n->param_pos[i].col);
        }
        put(b, ")");
        sexp_args(b, n);
        return;
    case NB_AST_COMMAND:
        put(b, "(");
        head(b, "cmd", n);
        putf(b, " %s", n->text);
        for (int i = 0; i < n->nwords; i++) {
            put(b, " ");
            put_quoted(b, n->words[i]);
            if (with_pos)
                putf(b, "@%d:%d", n->word_pos[i].line, n->word_pos[i].col);
        }
        put(b, ")");
        return;
    }
    put(b, "?");
}

static NbErrCode last_code;

/* Parse all of src (length len) and print every statement or error. */
static char *parse_n(const char *src, size_t len)
{
    Buf b = {NULL, 0, 0};
    put(&b, "");
    NbParser *p = nb_parser_new("t.nabla", src, len);
    last_code = NB_OK;
    for (int i = 0; i < 100; i++) {
        NbArena arena = NB_ARENA_INIT;
        NbDiag d = NB_DIAG_INIT;
        NbAst *st;
        int r = nb_parser_next(p, &arena, &st, &d);
        if (r == 0) {
            nb_arena_free(&arena);
            break;
        }
        if (i > 0)
            put(&b, " ; ");
        if (r > 0) {
            sexp(&b, st);
        } else {
            putf(&b, "!%d:%d %s", d.pos.line, d.pos.col, d.msg);
            if (last_code == NB_OK)
                last_code = d.code;
        }
        nb_diag_clear(&d);
        nb_arena_free(&arena);
    }
    nb_parser_free(p);
    return b.s;
}

static char *parse(const char *src)
{
    return parse_n(src, strlen(src));
}

#define PARSES(src, want)                                                  \
    do {                                                                   \
        char *got_ = parse(src);                                           \
        CHECK_STR(got_, want, "parse %s", #src);                           \
        free(got_);                                                        \
    } while (0)

#define FAILS(src, code, want)                                             \
    do {                                                                   \
        char *got_ = parse(src);                                           \
        CHECK_STR(got_, want, "error %s", #src);                           \
        CHECK(last_code == (code), "code of %s: %s", #src,                 \
              nb_diag_code_name(last_code));                               \
        free(got_);                                                        \
    } while (0)

static void test_numbers_and_names(void)
{
    PARSES("3", "3");
    PARSES("2.5", "2.5");
    PARSES(".5", ".5");
    PARSES("1e-5", "1e-5");
    PARSES("6.02E23", "6.02E23");
    PARSES("1.5e+3", "1.5e+3");
    PARSES("x", "x");
    PARSES("a_1", "a_1");
    PARSES("\xCF\x80", "pi"); /* π */
    PARSES("\"a;b#c\"", "\"a;b#c\"");
}

static void test_operators(void)
{
    PARSES("1 + 2 * 3", "(+ 1 (* 2 3))");
    PARSES("1 - 2 - 3", "(- (- 1 2) 3)");
    PARSES("8 / 4 / 2", "(/ (/ 8 4) 2)");
    PARSES("a*b/c", "(/ (* a b) c)");
    PARSES("a+b*c^d", "(+ a (* b (^ c d)))");
    PARSES("2^3^2", "(^ 2 (^ 3 2))");
    PARSES("2**3", "(^ 2 3)");
    PARSES("2**3^2", "(^ 2 (^ 3 2))");
    PARSES("2^x^y", "(^ 2 (^ x y))");
    PARSES("-x^2", "(- (^ x 2))");
    PARSES("2^-3", "(^ 2 (- 3))");
    PARSES("(-x)^2", "(^ (- x) 2)");
    PARSES("- - x", "(- (- x))");
    PARSES("+x", "(+ x)");
    PARSES("2*-3", "(* 2 (- 3))");
    PARSES("2--3", "(- 2 (- 3))");
    PARSES("x*(y+z)", "(* x (+ y z))");
    PARSES("f(x)^2", "(^ (call f x) 2)");
    PARSES("-x*y", "(* (- x) y)");
}

static void test_implicit(void)
{
    PARSES("2x", "(i* 2 x)");
    PARSES("-2x", "(i* (- 2) x)");
    PARSES("3(x+1)", "(i* 3 (+ x 1))");
    PARSES("(x+1)(x-1)", "(i* (+ x 1) (- x 1))");
    PARSES("2 sin(x)", "(i* 2 (call sin x))");
    PARSES("2\xCF\x80", "(i* 2 pi)");
    PARSES("(x+1)x", "(i* (+ x 1) x)");
    PARSES("(x+1)2", "(i* (+ x 1) 2)");
    PARSES("x^2 y", "(i* (^ x 2) y)");
    PARSES("1/2x", "(i* (/ 1 2) x)");
    PARSES("2^3x", "(i* (^ 2 3) x)");
    PARSES("2x^2", "(i* 2 (^ x 2))");
    PARSES("2(3)(4)", "(i* (i* 2 3) 4)");
    PARSES("[1, 2]x", "(i* (vec 1 2) x)");
    PARSES("2e", "(i* 2 e)");
    PARSES("2exp(x)", "(i* 2 (call exp x))");
    PARSES("2e-x", "(- (i* 2 e) x)");
    PARSES("1 + 2x", "(+ 1 (i* 2 x))");
}

static void test_calls_vectors(void)
{
    PARSES("f()", "(call f)");
    PARSES("f(x, h=1e-5)", "(call f x (kw h 1e-5))");
    PARSES("f(x, h = 1e-5)", "(call f x (kw h 1e-5))");
    PARSES("plot(f, x=-3..3)", "(call plot f (kw x (.. (- 3) 3)))");
    PARSES("f(r=1..2, s=a+1..b*2)", "(call f (kw r (.. 1 2)) (kw s (.. (+ a 1) (* b 2))))");
    PARSES("f(x = sin(x))", "(call f (kw x (call sin x)))");
    PARSES("f(g(x), [1, 2])", "(call f (call g x) (vec 1 2))");
    PARSES("[a, b]", "(vec a b)");
    PARSES("[[1, 2], [3, 4]]", "(vec (vec 1 2) (vec 3 4))");
    PARSES("[]", "(vec)");
    PARSES("p[1]", "(idx p 1)");
    PARSES("hessian(f)[1][2]", "(idx (idx (call hessian f) 1) 2)");
    PARSES("[1, 2][i + 1]^2", "(^ (idx (vec 1 2) (+ i 1)) 2)");
    PARSES("-p[1]", "(- (idx p 1))");
    PARSES("2p[1]", "(i* 2 (idx p 1))");
    PARSES("(x + 1)[2]", "(idx (+ x 1) 2)");
    PARSES("3[1]", "(idx 3 1)");
    PARSES("[p[1],\n[1]]", "(vec (idx p 1) (vec 1))");
    PARSES("x = -10..10 step 0.5", "(= x (.. (- 10) 10 0.5))");
    PARSES("f(x=0..2pi step pi/4)",
           "(call f (kw x (.. 0 (i* 2 pi) (/ pi 4))))");
    PARSES("x = 0..10 step step", "(= x (.. 0 10 step))");
    PARSES("x = 0..(10 step)", "(= x (.. 0 (i* 10 step)))");
    PARSES("x = 10 step", "(= x (i* 10 step))");
    PARSES("[0..1 step 1, 2]", "(vec (.. 0 1 1) 2)");
    PARSES("(0..1 step 1)*2", "(* (.. 0 1 1) 2)");
    PARSES("f'(x)", "(call f' x)");
    PARSES("f''(2)", "(call f'' 2)");
    PARSES("load(\"a\\\"b\\\\c\")", "(call load \"a\\\"b\\\\c\")");
    PARSES("hstudy(f, 1, methods=[\"central\", \"forward\"])",
           "(call hstudy f 1 (kw methods (vec \"central\" \"forward\")))");
    PARSES("descend(f, [1, 1], rate=[0.01, 0.1])",
           "(call descend f (vec 1 1) (kw rate (vec 0.01 0.1)))");
    PARSES("help(sin)", "(call help sin)");
    PARSES("quit()", "(call quit)");
    PARSES("f(\xCF\x80=1)", "(call f (kw pi 1))");
}

static void test_statements(void)
{
    PARSES("x = 1", "(= x 1)");
    PARSES("x=-3", "(= x (- 3))");
    PARSES("f(x, y) = x*y", "(def f (x y) (* x y))");
    PARSES("f(x)=x^2", "(def f (x) (^ x 2))");
    PARSES("f() = 1", "(def f () 1)");
    PARSES("g(x) = f(x, h=2)", "(def g (x) (call f x (kw h 2)))");
    PARSES("set precision 256", "(cmd set \"precision\" \"256\")");
    PARSES("help sin", "(cmd help \"sin\")");
    PARSES("load \"f.nabla\"", "(cmd load \"f.nabla\")");
    PARSES("load \"my file.nabla\" more", "(cmd load \"my file.nabla\" \"more\")");
    PARSES("load f.nabla", "(cmd load \"f.nabla\")");
    PARSES("quit", "(cmd quit)");
    PARSES("vars", "(cmd vars)");
    PARSES("funcs\n", "(cmd funcs)");
    PARSES("help # comment", "(cmd help)");
    PARSES("help +", "(cmd help \"+\")");
    PARSES("set digits 10; x", "(cmd set \"digits\" \"10\") ; x");
    PARSES("set precision \\\n 256", "(cmd set \"precision\" \"256\")");
    PARSES("set = 3", "(= set 3)");
    PARSES("helper", "helper");
    PARSES("sets(1)", "(call sets 1)");
}

static void test_layout(void)
{
    PARSES("", "");
    PARSES("\n\n;;\n", "");
    PARSES("# only a comment", "");
    PARSES("x", "x");
    PARSES("x = 1; y = 2", "(= x 1) ; (= y 2)");
    PARSES("x = 1 # comment\ny", "(= x 1) ; y");
    PARSES("x\n\n\ny\n", "x ; y");
    PARSES("1 + \\\n 2", "(+ 1 2)");
    PARSES("1 +\\\n2", "(+ 1 2)");
    PARSES("1 + \\  \r\n 2", "(+ 1 2)");
    PARSES("f(1,\n 2)", "(call f 1 2)");
    PARSES("[1,\n2]\n3", "(vec 1 2) ; 3");
    PARSES("f(1, # first\n  2)  # done\n", "(call f 1 2)");
    PARSES("x = 1\r\ny = 2\r\n", "(= x 1) ; (= y 2)");
    PARSES("x = (1 +\r\n 2)\r\n", "(= x (+ 1 2))");
    PARSES("\xEF\xBB\xBFx", "x");
    PARSES("\"two\nlines\"", "\"two\nlines\"");
}

static void test_positions(void)
{
    with_pos = 1;
    PARSES("1 + 2*x", "(+@1:3 1@1:1 (*@1:6 2@1:5 x@1:7))");
    PARSES("2x", "(i*@1:2 2@1:1 x@1:2)");
    PARSES("-x", "(-@1:1 x@1:2)");
    PARSES("\xCF\x80 + x", "(+@1:3 pi@1:1 x@1:5)");
    PARSES("\"\xC3\xA9\" + x", "(+@1:5 \"\xC3\xA9\"@1:1 x@1:7)");
    PARSES("f(x,\n  h=2)", "(call@1:1 f x@1:3 (kw@2:3 h 2@2:5))");
    PARSES("plot(f, x=-3..3)",
           "(call@1:1 plot f@1:6 (kw@1:9 x (..@1:13 (-@1:11 3@1:12) 3@1:15)))");
    PARSES("[1, [2]]", "(vec@1:1 1@1:2 (vec@1:5 2@1:6))");
    PARSES("  f(x, y) = x", "(def@1:3 f (x@1:5 y@1:8) x@1:13)");
    PARSES("x = 1\n  y = 2", "(=@1:1 x 1@1:5) ; (=@2:3 y 2@2:7)");
    PARSES("set  precision 256", "(cmd@1:1 set \"precision\"@1:6 \"256\"@1:16)");
    PARSES("\tx", "x@1:2");
    with_pos = 0;

    /* The offset of a node's line: the byte after the previous newline. */
    NbParser *p = nb_parser_new("t", "x = 1\n\xCF\x80 + 2", 12);
    NbArena a = NB_ARENA_INIT;
    NbDiag d = NB_DIAG_INIT;
    NbAst *st;
    CHECK(nb_parser_next(p, &a, &st, &d) == 1, "first statement");
    CHECK(st->pos.offset == 0, "line 1 offset 0");
    nb_arena_free(&a);
    CHECK(nb_parser_next(p, &a, &st, &d) == 1, "second statement");
    CHECK(st->pos.line == 2 && st->pos.col == 3 && st->pos.offset == 6,
          "'+' at 2:3, line offset 6: %d:%d %d", st->pos.line, st->pos.col,
          st->pos.offset);
    CHECK(st->args[1]->pos.col == 5, "2 at column 5 (π is one column)");
    nb_arena_free(&a);
    CHECK(nb_parser_next(p, &a, &st, &d) == 0, "end");
    nb_parser_free(p);

    /* The string's text has its escapes resolved. */
    const char *esc = "f(\"a\\\"b\\\\c\")";
    p = nb_parser_new("t", esc, strlen(esc));
    CHECK(nb_parser_next(p, &a, &st, &d) == 1, "string call");
    CHECK_STR(st->args[0]->text, "a\"b\\c", "escapes resolved");
    nb_arena_free(&a);
    nb_parser_free(p);
}

static void test_syntax_errors(void)
{
    FAILS("1 +", NB_ERR_SYNTAX, "!1:4 unexpected end of input");
    FAILS("1 +\n2", NB_ERR_SYNTAX, "!1:4 unexpected end of line ; 2");
    FAILS("1 + # note\n2", NB_ERR_SYNTAX, "!1:4 unexpected end of line ; 2");
    FAILS("(1 +\n", NB_ERR_SYNTAX, "!1:5 unexpected end of input");
    FAILS("x $ 1", NB_ERR_SYNTAX, "!1:3 unexpected character '$'");
    FAILS("3 \xC3\x97 4", NB_ERR_SYNTAX,
          "!1:3 unexpected character '\xC3\x97' (U+00D7)");
    FAILS("(1 + 2", NB_ERR_SYNTAX,
          "!1:7 expected ')' to close '(' opened at column 1");
    FAILS("f(x = sin(x", NB_ERR_SYNTAX,
          "!1:12 expected ')' to close '(' opened at column 10");
    FAILS("[1, 2)", NB_ERR_SYNTAX,
          "!1:6 expected ']' to close '[' opened at column 1");
    FAILS("(1]", NB_ERR_SYNTAX,
          "!1:3 expected ')' to close '(' opened at column 1");
    FAILS("f(x y)", NB_ERR_SYNTAX,
          "!1:5 unexpected name 'y' (missing operator or ','?)");
    FAILS("(1 2)", NB_ERR_SYNTAX,
          "!1:4 unexpected number '2' (missing operator?)");
    FAILS("2 3", NB_ERR_SYNTAX, "!1:3 unexpected number '3' (missing operator?)");
    FAILS("x y", NB_ERR_SYNTAX, "!1:3 unexpected name 'y' (missing operator?)");
    FAILS("x \"s\"", NB_ERR_SYNTAX, "!1:3 unexpected string (missing operator?)");
    FAILS("x + 1)", NB_ERR_SYNTAX, "!1:6 unexpected ')' (no matching '(')");
    FAILS("]", NB_ERR_SYNTAX, "!1:1 unexpected ']' (no matching '[')");
    FAILS("(1 +)", NB_ERR_SYNTAX, "!1:5 unexpected ')'");
    FAILS("()", NB_ERR_SYNTAX, "!1:2 unexpected ')'");
    FAILS("* 2", NB_ERR_SYNTAX, "!1:1 unexpected '*'");
    FAILS("1 ** ** 2", NB_ERR_SYNTAX, "!1:6 unexpected '**'");
    FAILS("f(1,,2)", NB_ERR_SYNTAX, "!1:5 unexpected ','");
    FAILS("f(1,)", NB_ERR_SYNTAX, "!1:5 unexpected ')'");
    FAILS("1, 2", NB_ERR_SYNTAX, "!1:2 unexpected ','");
    FAILS("x.y", NB_ERR_SYNTAX, "!1:2 unexpected character '.'");
    FAILS("3. + 1", NB_ERR_SYNTAX, "!1:2 expected a digit after the decimal point");
    FAILS("1 + \\ 2", NB_ERR_SYNTAX,
          "!1:5 unexpected '\\' (a line continuation '\\' must end the line)");
    FAILS("\"abc", NB_ERR_SYNTAX, "!1:1 unterminated string");
    FAILS("f(\"a\nb", NB_ERR_SYNTAX, "!1:3 unterminated string");
    FAILS("load(\"a\\q\")", NB_ERR_SYNTAX,
          "!1:8 unknown escape '\\q' in string (only \\\" and \\\\ are escapes)");
    FAILS("x\x07", NB_ERR_SYNTAX, "!1:2 unexpected control character 0x07");
    FAILS("f(\"a\x01\")", NB_ERR_SYNTAX, "!1:5 unexpected control character 0x01");
}

static void test_assignment_errors(void)
{
    FAILS("x + 1 = 2", NB_ERR_SYNTAX,
          "!1:7 cannot assign to an expression (the left side of '=' must "
          "be a name, or f(x) to define a function)");
    FAILS("(x) = 2", NB_ERR_SYNTAX,
          "!1:5 cannot assign to an expression (the left side of '=' must "
          "be a name, or f(x) to define a function)");
    FAILS("x = y = 1", NB_ERR_SYNTAX,
          "!1:7 unexpected '=' (one assignment per statement)");
    FAILS("(x = 1)", NB_ERR_SYNTAX,
          "!1:4 unexpected '=' (assign with 'name = value' as a statement, "
          "or pass 'name=value' in a call)");
    FAILS("[x=1]", NB_ERR_SYNTAX,
          "!1:3 unexpected '=' (assign with 'name = value' as a statement, "
          "or pass 'name=value' in a call)");
    /* A range parses anywhere; lowering says where it is allowed. */
    PARSES("x = 1..2", "(= x (.. 1 2))");
    PARSES("f(1..2)", "(call f (.. 1 2))");
    FAILS("x = ..2", NB_ERR_SYNTAX,
          "!1:5 a range a..b is only allowed as a keyword value, as in "
          "plot(f, x=-3..3)");
    FAILS("1..2..3", NB_ERR_SYNTAX,
          "!1:5 a range a..b is only allowed as a keyword value, as in "
          "plot(f, x=-3..3)");
    FAILS("0..1 step", NB_ERR_SYNTAX, "!1:10 unexpected end of input");
    FAILS("p[1", NB_ERR_SYNTAX, "!1:4 expected ']' to close '[' opened at "
          "column 2");
    FAILS("p[1, 2]", NB_ERR_SYNTAX, "!1:4 expected ']' to close '[' opened "
          "at column 2");
    FAILS("p[]", NB_ERR_SYNTAX, "!1:3 unexpected ']'");
    FAILS("f(x, 2) = x", NB_ERR_SYNTAX, "!1:6 function parameters must be names");
    FAILS("f(x, h=1) = x", NB_ERR_SYNTAX, "!1:6 function parameters must be names");
    FAILS("f(x, x) = x", NB_ERR_SYNTAX, "!1:6 duplicate parameter 'x'");
    FAILS("f(a, b, c, b, a) = 1", NB_ERR_SYNTAX, "!1:12 duplicate parameter 'b'");
    FAILS("f'(x) = 1", NB_ERR_SYNTAX,
          "!1:1 cannot define f' directly: define f(x) = ... and use f'(x)");
    FAILS("f' + 1", NB_ERR_SYNTAX,
          "!1:4 expected '(' after f' (a derivative is called as f'(x))");
    FAILS("g''", NB_ERR_SYNTAX,
          "!1:4 expected '(' after g'' (a derivative is called as g'(x))");
    FAILS("2'", NB_ERR_SYNTAX,
          "!1:2 unexpected \"'\" (a prime follows a function name, as in f'(x))");
    FAILS("nderiv(f, h=1e-5, 2)", NB_ERR_SYNTAX,
          "!1:19 positional argument after keyword arguments");
    FAILS("f(1, h=1, h=2)", NB_ERR_SYNTAX, "!1:11 duplicate keyword argument 'h'");
    FAILS("f(a=1, b=2, c=3, b=4, a=5)", NB_ERR_SYNTAX,
          "!1:18 duplicate keyword argument 'b'");
    FAILS("f(2=3)", NB_ERR_SYNTAX,
          "!1:4 a keyword argument needs a name before '='");
}

static void test_encoding_errors(void)
{
    char *got = parse_n("1 +\0 2", 6);
    CHECK_STR(got, "!1:4 NUL byte in source", "NUL byte");
    CHECK(last_code == NB_ERR_ENCODING, "NUL: encoding error");
    free(got);
    got = parse_n("x # \0\ny", 7);
    CHECK_STR(got, "!1:5 NUL byte in source ; y", "NUL in a comment");
    free(got);
    FAILS("x = \"caf\xE9\"", NB_ERR_ENCODING, "!1:9 invalid UTF-8 byte 0xe9");
    FAILS("1 # \xFF\nx", NB_ERR_ENCODING, "!1:5 invalid UTF-8 byte 0xff ; x");
    FAILS("1 + \xCF", NB_ERR_ENCODING, "!1:5 invalid UTF-8 byte 0xcf");
    FAILS("\xC0\x80", NB_ERR_ENCODING, "!1:1 invalid UTF-8 byte 0xc0");
    FAILS("\xED\xA0\x80", NB_ERR_ENCODING, "!1:1 invalid UTF-8 byte 0xed");
    FAILS("\xF4\x90\x80\x80", NB_ERR_ENCODING, "!1:1 invalid UTF-8 byte 0xf4");
    FAILS("\x80", NB_ERR_ENCODING, "!1:1 invalid UTF-8 byte 0x80");
    FAILS("help \xFF", NB_ERR_ENCODING, "!1:6 invalid UTF-8 byte 0xff");
}

static void test_recovery(void)
{
    PARSES("x = 1\n)\ny = 2",
           "(= x 1) ; !2:1 unexpected ')' (no matching '(') ; (= y 2)");
    PARSES("f(x = sin(x\ny = 2",
           "!1:12 expected ')' to close '(' opened at column 10 ; (= y 2)");
    PARSES("a = [1, 2,\n 3\nb = 4",
           "!2:3 expected ']' to close '[' opened at line 1, column 5 ; (= b 4)");
    PARSES("2 3 (4\n5)\nz", "!1:3 unexpected number '3' (missing operator?) ; z");
    PARSES("1 $ (\n) ; 2", "!1:3 unexpected character '$' ; 2");
    PARSES("f(1; 2\n3", "!1:4 expected ')' to close '(' opened at column 2 ; 2 ; 3");
    PARSES("\"bad \xFF\" + \"x\"\n1", "!1:6 invalid UTF-8 byte 0xff ; 1");
    PARSES("x = \n y", "!1:4 unexpected end of line ; y");
    PARSES("1 +\n2 +\n3", "!1:4 unexpected end of line ; !2:4 unexpected end of line ; 3");
    PARSES("\xFF\xFE 1\n2", "!1:1 invalid UTF-8 byte 0xff ; 2");
    PARSES("load \"a\\q\" b\n2", "!1:8 unknown escape '\\q' in string (only \\\" and \\\\ are escapes) ; 2");
}

/* "(" * n + "x" + ")" * n */
static char *nest(const char *open, const char *mid, const char *close, int n)
{
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    char *s = malloc(n * (lo + lc) + lm + 1), *q = s;
    for (int i = 0; i < n; i++, q += lo)
        memcpy(q, open, lo);
    memcpy(q, mid, lm);
    q += lm;
    for (int i = 0; i < n; i++, q += lc)
        memcpy(q, close, lc);
    *q = '\0';
    return s;
}

static void check_depth(const char *open, const char *mid, const char *close,
                        int n, const char *want, NbErrCode code)
{
    char *s = nest(open, mid, close, n);
    char *got = parse(s);
    CHECK_STR(got, want, "depth %d of %s", n, open);
    CHECK(last_code == code, "depth %d of %s: code %s", n, open,
          nb_diag_code_name(last_code));
    free(got);
    free(s);
}

static void test_depth(void)
{
    char deep[64];
    snprintf(deep, sizeof deep, "!1:%d nesting deeper than %d levels",
             NB_MAX_DEPTH + 1, NB_MAX_DEPTH);
    /* NB_MAX_DEPTH levels are fine, one more is not. */
    char *ok = nest("(", "x", ")", NB_MAX_DEPTH);
    char *got = parse(ok);
    CHECK_STR(got, "x", "1000 nested brackets");
    free(got);
    free(ok);
    check_depth("(", "x", ")", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);
    check_depth("-", "x", "", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);
    check_depth("[", "x", "]", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);
    snprintf(deep, sizeof deep, "!1:%d nesting deeper than %d levels",
             2 * (NB_MAX_DEPTH + 1), NB_MAX_DEPTH);
    check_depth("f(", "x", ")", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);
    check_depth("2^", "2", "", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);
    check_depth("x[", "1", "]", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);
    /* an index chain is as deep as it is long */
    snprintf(deep, sizeof deep, "!1:%d nesting deeper than %d levels",
             3 * NB_MAX_DEPTH + 2, NB_MAX_DEPTH);
    check_depth("", "x", "[1]", NB_MAX_DEPTH + 1, deep, NB_ERR_DEPTH);

    /* 100000 levels fail as fast, without deep recursion. */
    clock_t t0 = clock();
    snprintf(deep, sizeof deep, "!1:%d nesting deeper than %d levels",
             NB_MAX_DEPTH + 1, NB_MAX_DEPTH);
    check_depth("(", "x", ")", 100000, deep, NB_ERR_DEPTH);
    check_depth("(", "", "", 100000, deep, NB_ERR_DEPTH);
    snprintf(deep, sizeof deep, "!1:%d nesting deeper than %d levels",
             2 * NB_MAX_DEPTH + 1, NB_MAX_DEPTH);
    check_depth("- ", "x", "", 100000, deep, NB_ERR_DEPTH);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("# 100000-deep inputs: %.3f s\n", secs);
}

/* A 10^6-term sum parses with loops, not recursion: walk its left spine. */
static void test_long_chain(void)
{
    const int terms = 1000000;
    char *s = malloc(2 * (size_t)terms);
    for (int i = 0; i < terms; i++) {
        s[2 * i] = '1';
        s[2 * i + 1] = i + 1 < terms ? (i % 2 ? '-' : '+') : '\0';
    }
    clock_t t0 = clock();
    NbParser *p = nb_parser_new("t", s, 2 * (size_t)terms - 1);
    NbArena a = NB_ARENA_INIT;
    NbDiag d = NB_DIAG_INIT;
    NbAst *st;
    CHECK(nb_parser_next(p, &a, &st, &d) == 1, "10^6-term sum parses");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("# 10^6-term sum: %.3f s\n", secs);
    int n = 0, ok = 1;
    const NbAst *e = st;
    for (; e && e->kind == NB_AST_BINARY; e = e->args[0], n++) {
        int want = (terms - 2 - n) % 2 ? '-' : '+';
        ok &= e->op == want && e->args[1]->kind == NB_AST_NUMBER;
        ok &= e->pos.col == 2 * (terms - 1 - n);
    }
    CHECK(n == terms - 1 && ok && e && e->kind == NB_AST_NUMBER,
          "left-associative spine of %d operators", n);
    nb_arena_free(&a);
    nb_parser_free(p);
    free(s);
}

/* More syntax nodes than NB_MAX_AST_NODES: an error, not an exhausted
 * memory. 1+1+... with N terms has 2N-1 nodes. */
static void test_node_limit(void)
{
    size_t terms = NB_MAX_AST_NODES / 2 + 2;
    char *s = malloc(2 * terms);
    for (size_t i = 0; i < terms; i++) {
        s[2 * i] = '1';
        s[2 * i + 1] = '+';
    }
    s[2 * terms - 1] = '\0';
    char want[80];
    /* Node number N+1 is the '+' after term N/2 + 1, at column N. */
    snprintf(want, sizeof want, "!1:%ld statement too large (more than %ld "
             "syntax nodes)", (long)NB_MAX_AST_NODES, (long)NB_MAX_AST_NODES);
    char *got = parse_n(s, 2 * terms - 1);
    CHECK_STR(got, want, "node limit");
    CHECK(last_code == NB_ERR_TOO_LARGE, "node limit: too-large");
    free(got);
    free(s);
}

/* A source past NB_MAX_SOURCE_BYTES is refused before a byte is read (so
 * the short buffer below is safe). */
static void test_source_limit(void)
{
    NbParser *p = nb_parser_new("big", "x", (size_t)NB_MAX_SOURCE_BYTES + 1);
    NbArena a = NB_ARENA_INIT;
    NbDiag d = NB_DIAG_INIT;
    NbAst *st;
    CHECK(nb_parser_next(p, &a, &st, &d) == -1 &&
              d.code == NB_ERR_TOO_LARGE && d.pos.line == 0 &&
              strcmp(d.file, "big") == 0,
          "source too large");
    CHECK_STR(d.msg, "source too large (more than 67108864 bytes)",
              "source too large: message");
    nb_diag_clear(&d);
    CHECK(nb_parser_next(p, &a, &st, &d) == 0, "then nothing");
    nb_parser_free(p);
}

static void test_literal_limits(void)
{
    size_t n = NB_MAX_LITERAL_DIGITS + 1;
    char *s = malloc(n + 1);
    memset(s, '7', n);
    s[n] = '\0';
    char *got = parse(s);
    CHECK_STR(got, "!1:1 numeric literal too long (more than 100000 digits)",
              "100001 digits");
    CHECK(last_code == NB_ERR_TOO_LARGE, "100001 digits: too-large");
    free(got);
    s[n - 1] = '\0';
    got = parse(s);
    CHECK(strcmp(got, s) == 0, "100000 digits are fine");
    free(got);
    free(s);
    /* 2^22 bits hold 10^k exactly while (k+1)*log2(10) <= 2^22, that is
     * k <= 1262610 (4194304 / 3.321928... = 1262611.6). */
    PARSES("1e1262610", "1e1262610");
    FAILS("1e1262611", NB_ERR_TOO_LARGE,
          "!1:1 numeric literal too large (its exact value would exceed "
          "4194304 bits)");
    FAILS("1e-1262612", NB_ERR_TOO_LARGE,
          "!1:1 numeric literal too large (its exact value would exceed "
          "4194304 bits)");
    FAILS("x + 2e99999999999999999999", NB_ERR_TOO_LARGE,
          "!1:5 numeric literal too large (its exact value would exceed "
          "4194304 bits)");
    PARSES("0e99999999999", "0e99999999999");
    PARSES("100e-1262612", "100e-1262612"); /* = 10^-1262610 */
}

/* nb_parse_number against rationals built by hand. */
static void number_is(const char *text, const char *want)
{
    mpq_t got, w;
    mpq_inits(got, w, NULL);
    NbDiag d = NB_DIAG_INIT;
    int r = nb_parse_number(text, got, &d);
    mpq_set_str(w, want, 10);
    mpq_canonicalize(w);
    CHECK(r == NB_OK && mpq_equal(got, w), "%s = %s", text, want);
    nb_diag_clear(&d);
    mpq_clears(got, w, NULL);
}

static void number_fails(const char *text, NbErrCode code, const char *msg)
{
    mpq_t q;
    mpq_init(q);
    NbDiag d = NB_DIAG_INIT;
    int r = nb_parse_number(text, q, &d);
    CHECK(r == (int)code && d.code == code, "%.20s fails with %s", text,
          nb_diag_code_name(code));
    if (msg)
        CHECK_STR(d.msg, msg, "message for %.20s", text);
    nb_diag_clear(&d);
    mpq_clear(q);
}

static void test_parse_number(void)
{
    number_is("3", "3");
    number_is("2.5", "5/2");
    number_is(".5", "1/2");
    number_is("0.1", "1/10");
    number_is("0.3", "3/10");
    number_is("1e-5", "1/100000");
    number_is("6.02E23", "602000000000000000000000");
    number_is("1.5e+3", "1500");
    number_is("100e-2", "1");
    number_is("0.000", "0");
    number_is("000", "0");
    number_is("0e999999999", "0");
    number_is("007.50", "15/2");
    number_is("-2.5", "-5/2");
    number_is("12345678901234567890.5", "24691357802469135781/2");
    number_is("0.125e1", "5/4");
    number_is("1E0", "1");

    /* 10^-400 and 3 * 10^400, the powers built independently with mpz. */
    mpq_t got, w;
    mpq_inits(got, w, NULL);
    mpz_ui_pow_ui(mpq_denref(w), 10, 400);
    mpz_set_ui(mpq_numref(w), 1);
    CHECK(nb_parse_number("1e-400", got, NULL) == NB_OK && mpq_equal(got, w),
          "1e-400 = 1/10^400");
    mpz_ui_pow_ui(mpq_numref(w), 10, 400);
    mpz_mul_ui(mpq_numref(w), mpq_numref(w), 3);
    mpz_set_ui(mpq_denref(w), 1);
    CHECK(nb_parse_number("0.03e402", got, NULL) == NB_OK && mpq_equal(got, w),
          "0.03e402 = 3*10^400");
    mpq_clears(got, w, NULL);

    number_fails("abc", NB_ERR_SYNTAX, "invalid number 'abc'");
    number_fails("", NB_ERR_SYNTAX, NULL);
    number_fails("1.", NB_ERR_SYNTAX, NULL);
    number_fails("1e", NB_ERR_SYNTAX, NULL);
    number_fails("1..2", NB_ERR_SYNTAX, NULL);
    number_fails(" 1", NB_ERR_SYNTAX, NULL);
    number_fails("1x", NB_ERR_SYNTAX, NULL);
    number_fails("1e2000000", NB_ERR_TOO_LARGE,
                 "numeric literal too large (its exact value would exceed "
                 "4194304 bits)");
    number_fails("1e-99999999999999", NB_ERR_TOO_LARGE, NULL);
    size_t n = NB_MAX_LITERAL_DIGITS + 1;
    char *s = malloc(n + 1);
    memset(s, '1', n);
    s[n] = '\0';
    number_fails(s, NB_ERR_TOO_LARGE,
                 "numeric literal too long (more than 100000 digits)");
    free(s);
}

/* Fully parenthesised infix, for the round trip below. */
static void infix(Buf *b, const NbAst *n)
{
    char op[2] = {(char)n->op, 0};
    switch (n->kind) {
    case NB_AST_NUMBER:
        put(b, n->text);
        return;
    case NB_AST_NAME:
        /* (set) is a name; set alone starts a command */
        putf(b, nb_is_command_word(n->text) ? "(%s)" : "%s", n->text);
        return;
    case NB_AST_STRING:
        put_quoted(b, n->text);
        return;
    case NB_AST_BINARY:
        put(b, "(");
        infix(b, n->args[0]);
        putf(b, " %s ", op);
        infix(b, n->args[1]);
        put(b, ")");
        return;
    case NB_AST_UNARY:
        putf(b, "(%s", op);
        infix(b, n->args[0]);
        put(b, ")");
        return;
    case NB_AST_RANGE:
        put(b, "(");
        infix(b, n->args[0]);
        put(b, "..");
        infix(b, n->args[1]);
        if (n->nargs == 3) {
            put(b, " step ");
            infix(b, n->args[2]);
        }
        put(b, ")");
        return;
    case NB_AST_INDEX:
        put(b, "(");
        infix(b, n->args[0]);
        put(b, ")[");
        infix(b, n->args[1]);
        put(b, "]");
        return;
    case NB_AST_KEYWORD:
        putf(b, "%s=", n->text);
        infix(b, n->args[0]);
        return;
    case NB_AST_CALL:
    case NB_AST_VECTOR:
        if (n->kind == NB_AST_CALL)
            putf(b, "%s%.*s(", n->text, n->primes, "''''''''''''''''''''");
        else
            put(b, "[");
        for (int i = 0; i < n->nargs; i++) {
            put(b, i ? ", " : "");
            infix(b, n->args[i]);
        }
        put(b, n->kind == NB_AST_CALL ? ")" : "]");
        return;
    case NB_AST_ASSIGN:
        putf(b, "%s = ", n->text);
        infix(b, n->args[0]);
        return;
    case NB_AST_FUNCDEF:
        putf(b, "%s(", n->text);
        for (int i = 0; i < n->nparams; i++)
            putf(b, "%s%s", i ? ", " : "", n->params[i]);
        put(b, ") = ");
        infix(b, n->args[0]);
        return;
    case NB_AST_COMMAND:
        put(b, n->text);
        for (int i = 0; i < n->nwords; i++) {
            put(b, " ");
            put_quoted(b, n->words[i]);
        }
        return;
    }
}

/* One random input: the parser always ends (every call makes progress),
 * never crashes, and every statement it accepts, printed back fully
 * parenthesised, parses to the same tree. Returns 0 on a failure. */
static int random_case(const char *src, size_t len, int *accepted)
{
    NbParser *p = nb_parser_new("r", src, len);
    int calls = 0, r, ok = 1;
    do {
        NbArena a = NB_ARENA_INIT;
        NbDiag d = NB_DIAG_INIT;
        NbAst *st;
        r = nb_parser_next(p, &a, &st, &d);
        if (r > 0 && st->kind != NB_AST_COMMAND) {
            Buf x = {NULL, 0, 0}, y = {NULL, 0, 0};
            ++*accepted;
            put(&x, "");
            infix(&x, st);
            no_implicit = 1;
            sexp(&y, st);
            char *again = parse(x.s);
            no_implicit = 0;
            if (strcmp(again, y.s) != 0) {
                printf("# round trip of %s: %s vs %s\n", x.s, again, y.s);
                ok = 0;
            }
            free(again);
            free(x.s);
            free(y.s);
        }
        nb_diag_clear(&d);
        nb_arena_free(&a);
    } while (r != 0 && ++calls <= (int)len + 1);
    nb_parser_free(p);
    return ok && r == 0;
}

static void test_random(void)
{
    static const char *const frag[] = {
        "x", "y", "f", "sin", "2", "3.5", ".5", "1e-3", "+", "-", "*", "/",
        "^", "**", "(", ")", "[", "]", ",", "=", "'", "..", ";", "\n", " ",
        "#c\n", "\\\n", "\"s\"", "\"a\\\"b\"", "\xCF\x80", "set ", "help ",
        "h=", "$", "\xFF", "2x", ")(", "\r\n", "\"", "3.", "1e999999999",
        " step ", "p[1]", "0xff",
    };
    const size_t nfrag = sizeof frag / sizeof *frag;
    srand((unsigned)check_seed());
    int failures = 0, accepted = 0;
    for (int iter = 0; iter < 3000; iter++) {
        char src[400];
        size_t len = 0;
        int nf = 1 + rand() % 25;
        for (int i = 0; i < nf; i++) {
            const char *f = frag[(size_t)rand() % nfrag];
            size_t k = strlen(f);
            memcpy(src + len, f, k);
            len += k;
        }
        src[len] = '\0';
        if (rand() % 20 == 0)
            src[(size_t)rand() % len] = '\0'; /* a NUL byte inside */
        failures += !random_case(src, len, &accepted);
    }
    CHECK(failures == 0, "3000 random inputs end, and the %d statements "
          "accepted round-trip", accepted);
}

static void test_command_words(void)
{
    const char *yes[] = {"set", "help", "load", "vars", "funcs", "quit"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        CHECK(nb_is_command_word(yes[i]), "%s is a command word", yes[i]);
    CHECK(!nb_is_command_word("diff"), "diff is not");
    CHECK(!nb_is_command_word("Set"), "Set is not");
    CHECK(!nb_is_command_word(""), "empty is not");
}

static void test_incomplete(void)
{
    struct {
        const char *s;
        int want;
    } cases[] = {
        {"f(x", 1}, {"f(x)", 0}, {"[1,\n", 1}, {"[[1]", 1}, {"x)", 0},
        {"\"abc", 1}, {"\"abc\"", 0}, {"\"a\\\"", 1}, {"\"(\"", 0},
        {"1 +\\", 1}, {"1 +\\\n", 1}, {"1 + \\  ", 1}, {"# (", 0},
        {"# \\", 0}, {"x = 1", 0}, {"", 0}, {"load \"f", 1},
        {"f(x,\n  y", 1}, {"f(x,\n  y)\n", 0}, {"\"\\\\\"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK(nb_source_incomplete(cases[i].s, strlen(cases[i].s)) ==
                  cases[i].want,
              "incomplete case %zu = %d", i, cases[i].want);
}

int main(void)
{
    test_numbers_and_names();
    test_operators();
    test_implicit();
    test_calls_vectors();
    test_statements();
    test_layout();
    test_positions();
    test_syntax_errors();
    test_assignment_errors();
    test_encoding_errors();
    test_recovery();
    test_depth();
    test_literal_limits();
    test_source_limit();
    test_parse_number();
    test_command_words();
    test_incomplete();
    test_random();
    test_long_chain();
    /* 3 million nodes take ~400 MB: too slow under valgrind, which the
     * plain and sanitizer runs of the suite make up for. */
    const char *pre = getenv("LD_PRELOAD");
    if (getenv("NB_TEST_QUICK") || (pre && strstr(pre, "vgpreload")))
        printf("# node limit test skipped (NB_TEST_QUICK or valgrind)\n");
    else
        test_node_limit();
    return check_done();
}
