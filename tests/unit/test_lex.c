/* test_lex.c — the scanner: token streams, positions, byte checks, number
 * scanning and command words. Expected streams are written by hand.
 *
 * A stream prints as space-separated tokens: N:text (number), I:text
 * (name), S:text (string as written), the character for punctuation,
 * ** .. NL EOF, and ERR@LINE:COL:message for a lexical error.
 */
#include "front/lex.h"
#include "nabla/limits.h"
#include "check.h"

static char out[4096];

static void append(const char *s)
{
    size_t n = strlen(out);
    snprintf(out + n, sizeof out - n, "%s%s", n ? " " : "", s);
}

/* Scan all of src (length len) into `out`. */
static const char *lex_n(const char *src, size_t len)
{
    NbLexer lx;
    NbToken t;
    char tok[256];
    out[0] = '\0';
    nb_lex_init(&lx, src, len);
    for (int i = 0; i < 200; i++) {
        int k = nb_lex_next(&lx, &t);
        const char *text = src + t.start;
        int n = (int)t.len;
        switch (k) {
        case NB_TK_NUMBER: snprintf(tok, sizeof tok, "N:%.*s", n, text); break;
        case NB_TK_NAME: snprintf(tok, sizeof tok, "I:%.*s", n, text); break;
        case NB_TK_STRING: snprintf(tok, sizeof tok, "S:%.*s", n, text); break;
        case NB_TK_POW: snprintf(tok, sizeof tok, "**"); break;
        case NB_TK_DOTDOT: snprintf(tok, sizeof tok, ".."); break;
        case NB_TK_NEWLINE: snprintf(tok, sizeof tok, "NL"); break;
        case NB_TK_EOF: snprintf(tok, sizeof tok, "EOF"); break;
        case NB_TK_ERROR:
            snprintf(tok, sizeof tok, "ERR@%d:%d:%s", t.pos.line, t.pos.col,
                     lx.err_msg);
            break;
        default: snprintf(tok, sizeof tok, "%c", k); break;
        }
        append(tok);
        if (k == NB_TK_EOF)
            break;
    }
    return out;
}

static const char *lex(const char *src)
{
    return lex_n(src, strlen(src));
}

#define LEXES(src, want) CHECK_STR(lex(src), want, "lex %s", #src)

static void test_tokens(void)
{
    LEXES("", "EOF");
    LEXES("1+2", "N:1 + N:2 EOF");
    LEXES("x**2^3", "I:x ** N:2 ^ N:3 EOF");
    LEXES("a-b/c*d", "I:a - I:b / I:c * I:d EOF");
    LEXES("f(x, h=1)", "I:f ( I:x , I:h = N:1 ) EOF");
    LEXES("[a;b]", "[ I:a ; I:b ] EOF");
    LEXES("f''(x)", "I:f ' ' ( I:x ) EOF");
    LEXES("a_1 _b B2", "I:a_1 I:_b I:B2 EOF");
    LEXES("\xCF\x80", "I:\xCF\x80 EOF");
    LEXES("2\xCF\x80r", "N:2 I:\xCF\x80 I:r EOF");
    LEXES("\"a\\\"b\\\\\"", "S:\"a\\\"b\\\\\" EOF");
    LEXES("\"\"", "S:\"\" EOF");
    LEXES("\"x\ny\"", "S:\"x\ny\" EOF");
}

static void test_numbers(void)
{
    LEXES("3 2.5 .5 1e-5 6.02E23", "N:3 N:2.5 N:.5 N:1e-5 N:6.02E23 EOF");
    LEXES("1.5e+3x", "N:1.5e+3 I:x EOF");
    LEXES("1..2", "N:1 .. N:2 EOF");
    LEXES("-3..3", "- N:3 .. N:3 EOF");
    LEXES(".5..1", "N:.5 .. N:1 EOF");
    LEXES(".5.5", "N:.5 N:.5 EOF");
    LEXES("2e", "N:2 I:e EOF");
    /* C's 0x and 0b literals are refused, not read as 0*xff */
    LEXES("0xff+1", "ERR@1:1:hexadecimal literal '0xff' is not supported: "
                    "write 255 (or 0*xff for a product) + N:1 EOF");
    LEXES("2*0XaB", "N:2 * ERR@1:3:hexadecimal literal '0XaB' is not "
                    "supported: write 171 (or 0*XaB for a product) EOF");
    LEXES("0b101", "ERR@1:1:binary literal '0b101' is not supported: "
                   "write 5 (or 0*b101 for a product) EOF");
    LEXES("0x1234567890abcdef1", "ERR@1:1:hexadecimal literal "
          "'0x1234567890abcdef1' is not supported: write the number in "
          "decimal EOF");
    LEXES("0x", "N:0 I:x EOF");
    LEXES("0xg", "N:0 I:xg EOF");
    LEXES("0b2", "N:0 I:b2 EOF");
    LEXES("10xff", "N:10 I:xff EOF");
    LEXES("2e+", "N:2 I:e + EOF");
    LEXES("2e-x", "N:2 I:e - I:x EOF");
    LEXES("2E5", "N:2E5 EOF");
    LEXES("2exp", "N:2 I:exp EOF");
    LEXES("007", "N:007 EOF");
    LEXES("3.", "ERR@1:2:expected a digit after the decimal point EOF");
    LEXES("3.x", "ERR@1:2:expected a digit after the decimal point I:x EOF");
    LEXES(".", "ERR@1:1:unexpected character '.' EOF");
}

static void test_layout(void)
{
    LEXES("a\nb", "I:a NL I:b EOF");
    LEXES("a\r\nb\r\n", "I:a NL I:b NL EOF");
    LEXES("(a\nb)\nc", "( I:a I:b ) NL I:c EOF");
    LEXES("[a,\n# c\nb]", "[ I:a , I:b ] EOF");
    LEXES("a # c (\nb", "I:a NL I:b EOF");
    LEXES("a \\\n b", "I:a I:b EOF");
    LEXES("a \\  \r\n b", "I:a I:b EOF");
    LEXES("a \\", "I:a EOF");
    LEXES(")))\n(", ") ) ) NL ( EOF");
    LEXES("\t a \t", "I:a EOF");
    LEXES("\xEF\xBB\xBF" "a", "I:a EOF");
}

static void test_errors(void)
{
    LEXES("$", "ERR@1:1:unexpected character '$' EOF");
    LEXES("a {b}", "I:a ERR@1:3:unexpected character '{' I:b "
                   "ERR@1:5:unexpected character '}' EOF");
    LEXES("\xE2\x88\x92x", "ERR@1:1:unexpected character '\xE2\x88\x92' "
                           "(U+2212) I:x EOF");
    LEXES("\xF0\x9F\x98\x80", "ERR@1:1:unexpected character '\xF0\x9F\x98\x80' "
                              "(U+1F600) EOF");
    LEXES("\x07", "ERR@1:1:unexpected control character 0x07 EOF");
    LEXES("\x7F", "ERR@1:1:unexpected control character 0x7f EOF");
    LEXES("\xFF" "a", "ERR@1:1:invalid UTF-8 byte 0xff I:a EOF");
    /* A stray continuation byte shares the column of what precedes it,
     * as in nb_diag_print's caret. */
    LEXES("\xC0\xAF", "ERR@1:1:invalid UTF-8 byte 0xc0 "
                      "ERR@1:2:invalid UTF-8 byte 0xaf EOF");
    LEXES("\xE0\x80\x80", "ERR@1:1:invalid UTF-8 byte 0xe0 "
                          "ERR@1:2:invalid UTF-8 byte 0x80 "
                          "ERR@1:2:invalid UTF-8 byte 0x80 EOF");
    LEXES("\"abc", "ERR@1:1:unterminated string EOF");
    LEXES("x \"a\\n\" y", "I:x ERR@1:5:unknown escape '\\n' in string "
                          "(only \\\" and \\\\ are escapes) I:y EOF");
    LEXES("\"a\\\nb\"", "ERR@1:3:unknown escape in string "
                        "(only \\\" and \\\\ are escapes) EOF");
    LEXES("\"\xFF\x01\" 1", "ERR@1:2:invalid UTF-8 byte 0xff N:1 EOF");
    LEXES("1 # \x01\n2", "N:1 ERR@1:5:unexpected control character 0x01 "
                         "NL N:2 EOF");
    LEXES("a \\ b", "I:a ERR@1:3:unexpected '\\' (a line continuation '\\' "
                    "must end the line) I:b EOF");
    CHECK_STR(lex_n("a\0b", 3), "I:a ERR@1:2:NUL byte in source I:b EOF",
              "NUL byte");
    CHECK_STR(lex_n("\"a\0\"", 4), "ERR@1:3:NUL byte in source EOF",
              "NUL in a string");
}

static void test_positions(void)
{
    const char *src = "ab\n  \xCF\x80 x\n\"\xC3\xA9\n\" y";
    NbLexer lx;
    NbToken t;
    nb_lex_init(&lx, src, strlen(src));
    nb_lex_next(&lx, &t);
    CHECK(t.pos.line == 1 && t.pos.col == 1 && t.end.col == 3, "ab at 1:1-3");
    nb_lex_next(&lx, &t);
    CHECK(t.kind == NB_TK_NEWLINE && t.pos.col == 3, "newline at 1:3");
    nb_lex_next(&lx, &t);
    CHECK(t.pos.line == 2 && t.pos.col == 3 && t.pos.offset == 3 &&
              t.start == 5 && t.len == 2 && t.end.col == 4,
          "pi at 2:3, line offset 3, bytes 5..6");
    nb_lex_next(&lx, &t);
    CHECK(t.pos.line == 2 && t.pos.col == 5, "x at 2:5 (pi is one column)");
    nb_lex_next(&lx, &t);
    nb_lex_next(&lx, &t);
    CHECK(t.kind == NB_TK_STRING && t.pos.line == 3 && t.pos.col == 1 &&
              t.end.line == 4 && t.end.col == 2,
          "string from 3:1 to 4:2");
    nb_lex_next(&lx, &t);
    CHECK(t.pos.line == 4 && t.pos.col == 3 && t.pos.offset == 14,
          "y at 4:3, line offset 14: %d:%d %d", t.pos.line, t.pos.col,
          t.pos.offset);

    /* A newline skipped inside brackets is flagged on the next token. */
    nb_lex_init(&lx, "(a\nb)", 5);
    nb_lex_next(&lx, &t);
    nb_lex_next(&lx, &t);
    CHECK(!t.nl_before, "a: no newline before");
    nb_lex_next(&lx, &t);
    CHECK(t.nl_before && t.pos.line == 2, "b: newline before");
    CHECK(lx.depth == 1, "one bracket open");
    nb_lex_next(&lx, &t);
    CHECK(lx.depth == 0, "closed");

    /* Rewinding restarts at a token with no open bracket. */
    nb_lex_init(&lx, "((a\nb", 5);
    NbToken a;
    nb_lex_next(&lx, &t);
    nb_lex_next(&lx, &t);
    nb_lex_next(&lx, &a);
    nb_lex_rewind(&lx, &a, 0);
    nb_lex_next(&lx, &t);
    CHECK(t.kind == NB_TK_NAME && t.start == 2 && t.pos.col == 3, "rewound to a");
    nb_lex_next(&lx, &t);
    CHECK(t.kind == NB_TK_NEWLINE, "newline counts again after rewind");
    nb_lex_rewind(&lx, &a, 1);
    nb_lex_next(&lx, &t);
    CHECK(t.kind == NB_TK_NEWLINE && t.pos.col == 4, "rewound past a");
}

static void test_words(void)
{
    const char *src = "set  precision \"my file\" a=b\\c \\\n x;y";
    NbLexer lx;
    NbToken t;
    nb_lex_init(&lx, src, strlen(src));
    nb_lex_next(&lx, &t);
    CHECK(t.kind == NB_TK_NAME && t.len == 3, "set");
    const char *want[] = {"precision", "\"my file\"", "a=b\\c", "x"};
    int kinds[] = {NB_TK_NAME, NB_TK_STRING, NB_TK_NAME, NB_TK_NAME};
    for (int i = 0; i < 4; i++) {
        int k = nb_lex_word(&lx, &t);
        char w[32];
        snprintf(w, sizeof w, "%.*s", (int)t.len, src + t.start);
        CHECK(k == kinds[i], "word %d kind", i);
        CHECK_STR(w, want[i], "word %d", i);
    }
    CHECK(nb_lex_word(&lx, &t) == NB_TK_NEWLINE, "';' ends the words");
    CHECK(nb_lex_next(&lx, &t) == ';', "and is then a token");
    CHECK(nb_lex_next(&lx, &t) == NB_TK_NAME, "y");

    nb_lex_init(&lx, "help # c", 8);
    nb_lex_next(&lx, &t);
    CHECK(nb_lex_word(&lx, &t) == NB_TK_NEWLINE, "a comment ends the words");
    CHECK(nb_lex_next(&lx, &t) == NB_TK_EOF, "then the input");
    nb_lex_init(&lx, "load \x01", 6);
    nb_lex_next(&lx, &t);
    CHECK(nb_lex_word(&lx, &t) == NB_TK_ERROR && t.pos.col == 6 &&
              strcmp(lx.err_msg, "unexpected control character 0x01") == 0,
          "a control character in a word");
}

static void test_utf8(void)
{
    struct {
        const char *s;
        size_t n;
        int want;
    } c[] = {
        {"a", 1, 1}, {"\xC2\x80", 2, 2}, {"\xDF\xBF", 2, 2},
        {"\xE0\xA0\x80", 3, 3}, {"\xEF\xBF\xBF", 3, 3},
        {"\xF0\x90\x80\x80", 4, 4}, {"\xF4\x8F\xBF\xBF", 4, 4},
        {"\xC0\x80", 2, 0}, {"\xC1\xBF", 2, 0},           /* overlong */
        {"\xE0\x9F\xBF", 3, 0}, {"\xF0\x8F\xBF\xBF", 4, 0}, /* overlong */
        {"\xED\xA0\x80", 3, 0}, {"\xED\xBF\xBF", 3, 0},     /* surrogates */
        {"\xED\x9F\xBF", 3, 3},                             /* U+D7FF */
        {"\xF4\x90\x80\x80", 4, 0}, {"\xF5\x80\x80\x80", 4, 0},
        {"\x80", 1, 0}, {"\xBF", 1, 0}, {"\xFE", 1, 0}, {"\xFF", 1, 0},
        {"\xC2", 1, 0}, {"\xE2\x88", 2, 0}, {"\xC2" "a", 2, 0},
        {"\xE2\x88" "a", 3, 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++)
        CHECK(nb_utf8_len((const unsigned char *)c[i].s, c[i].n) == c[i].want,
              "utf8 case %zu: %d", i, c[i].want);
}

static void test_scan_number(void)
{
    NbNumParts np;
    int bad;
    CHECK(nb_lex_scan_number("12.50e-07x", 10, &np, &bad) == 9 && !bad &&
              np.n_int == 2 && np.n_frac == 2 && np.exp_neg &&
              np.exp == 7 && np.n_exp_digits == 2,
          "12.50e-07 parts");
    CHECK(nb_lex_scan_number(".5", 2, &np, &bad) == 2 && np.n_int == 0 &&
              np.n_frac == 1,
          ".5 parts");
    CHECK(nb_lex_scan_number("1.", 2, &np, &bad) == 1 && bad, "1. bad dot");
    CHECK(nb_lex_scan_number("1..", 3, &np, &bad) == 1 && !bad, "1.. range");
    CHECK(nb_lex_scan_number("x", 1, &np, &bad) == 0, "not a number");
    CHECK(nb_lex_scan_number(".", 1, &np, &bad) == 0, ". alone");
    CHECK(nb_lex_scan_number("1e99999999999999999999", 22, &np, &bad) == 22 &&
              np.exp == NB_LEX_EXP_CAP,
          "exponent saturates");
    char msg[160];
    np.n_int = NB_MAX_LITERAL_DIGITS;
    np.int_digits = "1";
    np.n_frac = 0;
    np.n_exp_digits = 1;
    CHECK(nb_lex_check_number(&np, msg, sizeof msg) == NB_ERR_TOO_LARGE,
          "100000 mantissa digits + 1 exponent digit is too long");
}

int main(void)
{
    test_tokens();
    test_numbers();
    test_layout();
    test_errors();
    test_positions();
    test_words();
    test_utf8();
    test_scan_number();
    return check_done();
}
