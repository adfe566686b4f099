/* lex.c — hand-written scanner (see lex.h for the token grammar).
 *
 * One pass over the bytes, no backtracking beyond a few bytes of lookahead.
 * The lexer checks every byte it passes (NUL, UTF-8, control characters),
 * including inside strings and comments, so nothing downstream ever sees
 * malformed text. Columns count code points: every byte that is not a UTF-8
 * continuation byte, exactly as nb_diag_print() places its caret.
 */
#include "front/lex.h"
#include "nabla/limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') \
                     || (c) == '_')

void nb_lex_init(NbLexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
    /* A UTF-8 byte order mark is not part of the program. It still takes
     * a column, as the diagnostic's caret counts it. */
    if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
        lx->at = 3;
        lx->col = 2;
    }
}

/* The byte k ahead of the current one, or -1 past the end. */
static int peekc(const NbLexer *lx, size_t k)
{
    return lx->at + k < lx->len ? (unsigned char)lx->src[lx->at + k] : -1;
}

/* A blank: space, tab, or the CR of a CR LF (or of a CR at the very end).
 * A lone CR is no blank: it would silently join two lines ("x = 1<CR>y"
 * read as x = 1*y); lex_bad_char reports it. */
static int blank_at(const NbLexer *lx, size_t k)
{
    int c = peekc(lx, k);
    if (c == '\r') {
        int next = peekc(lx, k + 1);
        return next == '\n' || next < 0;
    }
    return c == ' ' || c == '\t';
}

/* Move n bytes forward on the current line. */
static void adv(NbLexer *lx, size_t n)
{
    for (size_t i = 0; i < n && lx->at < lx->len; i++, lx->at++)
        if (((unsigned char)lx->src[lx->at] & 0xC0) != 0x80)
            lx->col++;
}

/* Move past a '\n'. */
static void newline(NbLexer *lx)
{
    lx->at++;
    lx->line++;
    lx->col = 1;
    lx->line_start = lx->at;
}

static NbPos here(const NbLexer *lx)
{
    NbPos p = {lx->line, lx->col, (int)lx->line_start};
    return p;
}

int nb_utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0; /* continuation byte, overlong 0xC0/0xC1, or > U+10FFFF */
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xF0 && s[1] < 0x90))
        return 0; /* overlong */
    if (c == 0xED && s[1] >= 0xA0)
        return 0; /* UTF-16 surrogate */
    if (c == 0xF4 && s[1] >= 0x90)
        return 0; /* past U+10FFFF */
    return (int)len;
}

static unsigned long utf8_decode(const unsigned char *s, int n)
{
    static const unsigned char mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    unsigned long cp = s[0] & mask[n];
    for (int i = 1; i < n; i++)
        cp = cp << 6 | (s[i] & 0x3F);
    return cp;
}

/* Record a lexical error at the current position and skip `skip` bytes. */
static int fail(NbLexer *lx, NbToken *t, size_t skip, NbErrCode code,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(NbLexer *lx, NbToken *t, size_t skip, NbErrCode code,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->err_msg, sizeof lx->err_msg, fmt, ap);
    va_end(ap);
    lx->err_code = code;
    t->pos = here(lx);
    adv(lx, skip);
    return NB_TK_ERROR;
}

/* Length in bytes of the character at the current position when it may
 * appear inside a string, comment or command word; 0 for a NUL byte,
 * invalid UTF-8 or a control character other than tab and CR. */
static int text_len(const NbLexer *lx)
{
    const unsigned char *s = (const unsigned char *)lx->src + lx->at;
    if (*s == 0 || (*s < 0x20 && *s != '\t' && *s != '\r' && *s != '\n') ||
        *s == 0x7F || (*s == '\r' && !blank_at(lx, 0)))
        return 0;
    return nb_utf8_len(s, lx->len - lx->at);
}

static int lex_bad_char(NbLexer *lx, NbToken *t, int c);

/* comment := '#' {any character but newline}. Stops before the newline.
 * Returns 0, or NB_TK_ERROR for the first bad character (the rest of the
 * line is skipped all the same). */
static int skip_comment(NbLexer *lx, NbToken *t)
{
    int bad = 0;
    while (lx->at < lx->len && lx->src[lx->at] != '\n') {
        int n = text_len(lx);
        if (n == 0) {
            if (!bad)
                lex_bad_char(lx, t, (unsigned char)lx->src[lx->at]);
            else
                adv(lx, 1);
            bad = 1;
            continue;
        }
        adv(lx, (size_t)n);
    }
    return bad ? NB_TK_ERROR : 0;
}

/* 1 when the '\' at the current position is followed by blanks only up to
 * a newline or the end of input: a line continuation. */
static int at_continuation(const NbLexer *lx)
{
    size_t k = 1;
    while (blank_at(lx, k))
        k++;
    int c = peekc(lx, k);
    return c == '\n' || c < 0;
}

/* Skip a line continuation: '\' blanks newline. */
static void skip_continuation(NbLexer *lx)
{
    adv(lx, 1);
    while (blank_at(lx, 0))
        adv(lx, 1);
    if (peekc(lx, 0) == '\n')
        newline(lx);
}

/* Skip blanks, comments, continuations and newlines inside brackets.
 * Returns 0, or NB_TK_ERROR with the error recorded. */
static int skip_space(NbLexer *lx, NbToken *t)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (blank_at(lx, 0)) {
            adv(lx, 1);
        } else if (c == '#') {
            if (skip_comment(lx, t))
                return NB_TK_ERROR;
        } else if (c == '\\') {
            if (!at_continuation(lx))
                return fail(lx, t, 1, NB_ERR_SYNTAX,
                            "unexpected '\\' (a line continuation '\\' must "
                            "end the line)");
            skip_continuation(lx);
        } else if (c == '\n' && lx->depth > 0) {
            newline(lx);
            t->nl_before = 1;
        } else {
            return 0;
        }
    }
}

size_t nb_lex_scan_number(const char *s, size_t n, NbNumParts *np,
                          int *bad_dot)
{
    size_t i = 0;
    memset(np, 0, sizeof *np);
    *bad_dot = 0;
    np->int_digits = s;
    while (i < n && IS_DIGIT(s[i]))
        i++;
    np->n_int = i;
    np->frac_digits = s + i;
    if (i < n && s[i] == '.') {
        if (i + 1 < n && IS_DIGIT(s[i + 1])) {
            size_t f = ++i;
            while (i < n && IS_DIGIT(s[i]))
                i++;
            np->frac_digits = s + f;
            np->n_frac = i - f;
        } else if (np->n_int > 0 && !(i + 1 < n && s[i + 1] == '.')) {
            *bad_dot = 1; /* "3." : a decimal point needs digits after it */
        }
    }
    if (np->n_int + np->n_frac == 0)
        return 0;
    /* An exponent needs a digit: "2e" and "2exp(x)" are 2*e and 2*exp(x). */
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        int neg = 0;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            neg = s[j++] == '-';
        if (j < n && IS_DIGIT(s[j])) {
            size_t first = j;
            long e = 0;
            for (; j < n && IS_DIGIT(s[j]); j++) {
                int dig = s[j] - '0';
                e = e <= (NB_LEX_EXP_CAP - dig) / 10 ? e * 10 + dig
                                                     : NB_LEX_EXP_CAP;
            }
            np->exp_neg = neg;
            np->exp = e;
            np->n_exp_digits = j - first;
            i = j;
        }
    }
    return i;
}

/* The i-th mantissa digit of a literal, reading INT then FRAC. */
static char mant_digit(const NbNumParts *np, size_t i)
{
    return i < np->n_int ? np->int_digits[i] : np->frac_digits[i - np->n_int];
}

/* The exact value is SIG * 10^k with SIG the significant digits; its
 * numerator has about sig + max(k, 0) digits and its denominator -k (when
 * k < 0); each must stay within NB_MAX_EXACT_BITS (log2(10) bits a digit). */
NbErrCode nb_lex_check_number(const NbNumParts *np, char *msg, size_t size)
{
    size_t total = np->n_int + np->n_frac;
    if (total + np->n_exp_digits > NB_MAX_LITERAL_DIGITS) {
        snprintf(msg, size, "numeric literal too long (more than %d digits)",
                 NB_MAX_LITERAL_DIGITS);
        return NB_ERR_TOO_LARGE;
    }
    size_t lead = 0, trail = 0;
    while (lead < total && mant_digit(np, lead) == '0')
        lead++;
    if (lead == total)
        return NB_OK; /* zero, whatever its exponent */
    while (mant_digit(np, total - 1 - trail) == '0')
        trail++;
    long sig = (long)(total - lead - trail);
    long k = (np->exp_neg ? -np->exp : np->exp) - (long)np->n_frac
             + (long)trail;
    long num = sig + (k > 0 ? k : 0), den = k < 0 ? -k : 0;
    long big = num > den ? num : den;
    if ((double)big * 3.321928094887362 > (double)NB_MAX_EXACT_BITS) {
        snprintf(msg, size, "numeric literal too large (its exact value "
                 "would exceed %ld bits)", (long)NB_MAX_EXACT_BITS);
        return NB_ERR_TOO_LARGE;
    }
    return NB_OK;
}

#define IS_XDIGIT(c) (IS_DIGIT(c) || ((c) >= 'a' && (c) <= 'f') \
                      || ((c) >= 'A' && (c) <= 'F'))

/* 0xff and 0b101 as C writes them would otherwise read silently as 0*xff
 * and 0*b101; nabla has no such literals and says so, with the decimal
 * value when it fits in 64 bits. The token's position is the literal's. */
static int lex_radix(NbLexer *lx)
{
    int hex = (peekc(lx, 1) | 0x20) == 'x';
    size_t k = 2;
    unsigned long long v = 0;
    int fits = 1;
    for (int c; (c = peekc(lx, k)) >= 0 && (IS_XDIGIT(c) || IS_ALPHA(c));
         k++) {
        int dig = IS_DIGIT(c) ? c - '0' : IS_XDIGIT(c) ? (c | 0x20) - 'a' + 10
                                                       : 99;
        if (dig >= (hex ? 16 : 2) || v > (~0ULL >> (hex ? 4 : 1)))
            fits = 0;
        else
            v = v * (hex ? 16 : 2) + (unsigned)dig;
    }
    int n = k > 40 ? 36 : (int)k;
    const char *more = k > 40 ? "..." : "";
    const char *s = lx->src + lx->at;
    if (fits)
        snprintf(lx->err_msg, sizeof lx->err_msg, "%s literal '%.*s' is not "
                 "supported: write %llu (or 0*%.*s for a product)",
                 hex ? "hexadecimal" : "binary", n, s, v, n - 1, s + 1);
    else
        snprintf(lx->err_msg, sizeof lx->err_msg, "%s literal '%.*s%s' is "
                 "not supported: write the number in decimal",
                 hex ? "hexadecimal" : "binary", n, s, more);
    lx->err_code = NB_ERR_SYNTAX;
    adv(lx, k);
    return NB_TK_ERROR;
}

/* NUMBER, with its size checked here so that no later stage ever computes
 * a literal that cannot be held exactly. */
static int lex_number(NbLexer *lx, NbToken *t)
{
    NbNumParts np;
    int bad_dot;
    int c1 = peekc(lx, 1) | 0x20, c2 = peekc(lx, 2);
    if (peekc(lx, 0) == '0' && ((c1 == 'x' && IS_XDIGIT(c2))
                                || (c1 == 'b' && (c2 == '0' || c2 == '1'))))
        return lex_radix(lx);
    size_t n = nb_lex_scan_number(lx->src + lx->at, lx->len - lx->at, &np,
                                  &bad_dot);
    adv(lx, n);
    if (bad_dot)
        return fail(lx, t, 1, NB_ERR_SYNTAX,
                    "expected a digit after the decimal point");
    NbErrCode code = nb_lex_check_number(&np, lx->err_msg, sizeof lx->err_msg);
    if (code != NB_OK) {
        lx->err_code = code;
        return NB_TK_ERROR; /* t->pos: the start of the literal */
    }
    return NB_TK_NUMBER;
}

/* STRING := '"' {char | '\"' | '\\'} '"'. Newlines are part of the string.
 * After a bad character the scan goes on to the closing quote, so recovery
 * resumes after the string; the error reported is the first one. */
static int lex_string(NbLexer *lx, NbToken *t)
{
    NbPos open = here(lx);
    int bad = 0;
    adv(lx, 1);
    for (;;) {
        int c = peekc(lx, 0), e = peekc(lx, 1), n;
        if (c < 0) {
            if (!bad) {
                fail(lx, t, 0, NB_ERR_SYNTAX, "unterminated string");
                t->pos = open;
            }
            return NB_TK_ERROR;
        }
        if (c == '"') {
            adv(lx, 1);
            return bad ? NB_TK_ERROR : NB_TK_STRING;
        }
        if (c == '\n') {
            newline(lx);
        } else if (c == '\\' && (e == '"' || e == '\\')) {
            adv(lx, 2);
        } else if (c == '\\') {
            if (bad)
                adv(lx, 1);
            else if (e > 0x20 && e < 0x7F)
                fail(lx, t, 1, NB_ERR_SYNTAX, "unknown escape '\\%c' in "
                     "string (only \\\" and \\\\ are escapes)", e);
            else
                fail(lx, t, 1, NB_ERR_SYNTAX, "unknown escape in string "
                     "(only \\\" and \\\\ are escapes)");
            bad = 1;
        } else if ((n = text_len(lx)) == 0) {
            if (bad)
                adv(lx, 1);
            else
                lex_bad_char(lx, t, c);
            bad = 1;
        } else {
            adv(lx, (size_t)n);
        }
    }
}

/* A character that starts no token. */
static int lex_bad_char(NbLexer *lx, NbToken *t, int c)
{
    if (c == 0)
        return fail(lx, t, 1, NB_ERR_ENCODING, "NUL byte in source");
    if (c == '\r')
        return fail(lx, t, 1, NB_ERR_SYNTAX, "a carriage return that ends no "
                    "line (lines end with LF or CR LF, not CR alone)");
    if (c < 0x20 || c == 0x7F)
        return fail(lx, t, 1, NB_ERR_SYNTAX,
                    "unexpected control character 0x%02x", c);
    if (c < 0x80)
        return fail(lx, t, 1, NB_ERR_SYNTAX, "unexpected character '%c'", c);
    const unsigned char *s = (const unsigned char *)lx->src + lx->at;
    int n = nb_utf8_len(s, lx->len - lx->at);
    if (n == 0)
        return fail(lx, t, 1, NB_ERR_ENCODING, "invalid UTF-8 byte 0x%02x", c);
    return fail(lx, t, (size_t)n, NB_ERR_SYNTAX,
                "unexpected character '%.*s' (U+%04lX)", n, (const char *)s,
                utf8_decode(s, n));
}

/* Operators and brackets; brackets keep the depth that decides whether a
 * newline ends a statement. */
static int lex_punct(NbLexer *lx, NbToken *t, int c)
{
    switch (c) {
    case '*':
        if (peekc(lx, 1) == '*') {
            adv(lx, 2);
            return NB_TK_POW;
        }
        break;
    case '.':
        if (peekc(lx, 1) != '.')
            return lex_bad_char(lx, t, c);
        adv(lx, 2);
        return NB_TK_DOTDOT;
    case '(':
    case '[':
        lx->depth++;
        break;
    case ')':
    case ']':
        if (lx->depth > 0)
            lx->depth--;
        break;
    case '+': case '-': case '/': case '^': case ',': case '=': case ';':
    case '\'':
        break;
    default:
        return lex_bad_char(lx, t, c);
    }
    adv(lx, 1);
    return c;
}

/* token := NUMBER | NAME | STRING | punctuation | NEWLINE | EOF */
int nb_lex_next(NbLexer *lx, NbToken *t)
{
    memset(t, 0, sizeof *t);
    int k = skip_space(lx, t);
    if (k == 0) {
        int c = peekc(lx, 0);
        t->start = lx->at;
        t->pos = here(lx);
        if (c < 0) {
            k = NB_TK_EOF;
        } else if (c == '\n') {
            newline(lx);
            k = NB_TK_NEWLINE;
        } else if (IS_DIGIT(c) || (c == '.' && IS_DIGIT(peekc(lx, 1)))) {
            k = lex_number(lx, t);
        } else if (IS_ALPHA(c)) {
            while (IS_ALPHA(peekc(lx, 0)) || IS_DIGIT(peekc(lx, 0)))
                adv(lx, 1);
            k = NB_TK_NAME;
        } else if (c == 0xCF && peekc(lx, 1) == 0x80) { /* π */
            adv(lx, 2);
            k = NB_TK_NAME;
        } else if (c == '"') {
            k = lex_string(lx, t);
        } else {
            k = lex_punct(lx, t, c);
        }
    } else {
        t->start = lx->at; /* recovery resumes here, past the bad bytes */
    }
    t->kind = k;
    t->len = lx->at - t->start;
    t->end = here(lx);
    return k;
}

/* word := '"' string '"' | {any character but blank ; # " newline} */
int nb_lex_word(NbLexer *lx, NbToken *t)
{
    memset(t, 0, sizeof *t);
    while (blank_at(lx, 0) || (peekc(lx, 0) == '\\' &&
                                      at_continuation(lx))) {
        if (peekc(lx, 0) == '\\')
            skip_continuation(lx);
        else
            adv(lx, 1);
    }
    int c = peekc(lx, 0), k = NB_TK_NAME;
    t->start = lx->at;
    t->pos = here(lx);
    if (c < 0 || c == '\n' || c == ';' || c == '#') {
        k = c < 0 ? NB_TK_EOF : NB_TK_NEWLINE; /* left for nb_lex_next */
    } else if (c == '"') {
        k = lex_string(lx, t);
    } else {
        while ((c = peekc(lx, 0)) >= 0 && !blank_at(lx, 0) && c != '\n' &&
               c != ';' && c != '#' && c != '"' &&
               !(c == '\\' && at_continuation(lx))) {
            int n = text_len(lx);
            if (n == 0) {
                k = lex_bad_char(lx, t, c);
                break;
            }
            adv(lx, (size_t)n);
        }
    }
    t->kind = k;
    t->len = lx->at - t->start;
    t->end = here(lx);
    return k;
}

void nb_lex_rewind(NbLexer *lx, const NbToken *t, int past)
{
    NbPos p = past ? t->end : t->pos;
    lx->at = past ? t->start + t->len : t->start;
    lx->line = p.line;
    lx->col = p.col;
    lx->line_start = (size_t)p.offset;
    lx->depth = 0;
}
