/* lex.h — the scanner: source bytes in, tokens with positions out.
 *
 * Internal to libnabla (the parser and tests/unit/test_lex.c use it).
 *
 * Tokens (SPEC §2):
 *   NUMBER   3  2.5  .5  1e-5  6.02E23   (an 'e' not followed by a digit,
 *            or by a sign and a digit, is not an exponent: 2e = 2*e)
 *   NAME     [A-Za-z_][A-Za-z0-9_]*, and π (U+03C0), which means pi
 *   STRING   "..." with \" and \\ escapes; may span lines
 *   single characters  + - * / ^ ( ) [ ] , = ; '   (the token kind is the
 *            character itself, as in Lua's llex.c)
 *   POW "**"   DOTDOT ".."   NEWLINE   EOF   ERROR
 * Skipped: blanks (space, tab, CR, so CRLF works), '#' comments up to the end
 * of the line, a '\' ending a line (continuation), a UTF-8 byte order mark
 * at the start, and newlines inside open brackets (the lexer counts ( and [
 * itself; a newline at bracket depth 0 is a NEWLINE token).
 *
 * Every byte is checked: a NUL byte, invalid UTF-8 (overlong forms,
 * surrogates, truncated sequences) and control characters are errors, also
 * inside strings and comments. A lexical error is an ERROR token whose
 * message and code are in the lexer (err_code, err_msg); the lexer always
 * moves past the bad bytes, so scanning can continue after one.
 *
 * Positions: line 1-based; col 1-based counting UTF-8 code points (every
 * byte that is not a continuation byte, as nb_diag_print's caret does);
 * offset is the byte offset of the start of the line.
 */
#ifndef NABLA_LEX_H
#define NABLA_LEX_H

#include <stddef.h>
#include "nabla/diag.h"

enum {
    NB_TK_EOF = 256,
    NB_TK_NEWLINE,
    NB_TK_NUMBER,
    NB_TK_NAME,
    NB_TK_STRING,
    NB_TK_POW,      /* ** */
    NB_TK_DOTDOT,   /* .. */
    NB_TK_ERROR
};

typedef struct NbToken {
    int kind;        /* a character ('+', '(' ...) or an NB_TK_* value */
    size_t start;    /* byte offset of the token in the source */
    size_t len;      /* bytes, quotes included for strings */
    NbPos pos;       /* where it starts */
    NbPos end;       /* just past its last character */
    int nl_before;   /* a newline inside brackets was skipped before it */
} NbToken;

typedef struct NbLexer {
    const char *src;
    size_t len;
    size_t at;          /* next byte to read */
    int line, col;      /* position of src[at] */
    size_t line_start;  /* byte offset of the current line */
    int depth;          /* open ( and [ not yet closed */
    NbErrCode err_code; /* of the last ERROR token */
    char err_msg[160];
} NbLexer;

/* The parts of a numeric literal "INT.FRAC e EXP" (see nb_lex_scan_number). */
typedef struct NbNumParts {
    const char *int_digits;  /* may be empty: ".5" */
    size_t n_int;
    const char *frac_digits; /* may be empty: "3", "1e5" */
    size_t n_frac;
    int exp_neg;
    long exp;                /* saturated at NB_LEX_EXP_CAP */
    size_t n_exp_digits;
} NbNumParts;

#define NB_LEX_EXP_CAP 1000000000L

void nb_lex_init(NbLexer *lx, const char *src, size_t len);

/* Scan the next token into *t and return its kind. */
int nb_lex_next(NbLexer *lx, NbToken *t);

/* Command words (SPEC §7: `set precision 256`, `load "f.nabla"`): the next
 * blank-separated word of the current line, or a "quoted string", as a
 * STRING or NAME token (NAME meaning "any word"); NEWLINE at the end of the
 * line (or at ';', or a comment); EOF; ERROR. */
int nb_lex_word(NbLexer *lx, NbToken *t);

/* Continue scanning at the start of t (or just past it when past is 1) with
 * no open brackets: the parser's error recovery. */
void nb_lex_rewind(NbLexer *lx, const NbToken *t, int past);

/* Length of the numeric literal at s (0 if none), filling *np. Grammar:
 * digits ['.' digits] | '.' digits, then optionally [eE][+-]?digits. A '.'
 * followed by another '.' ends the literal (1..2 is a range). Sets *bad_dot
 * when a '.' after digits is followed by neither a digit nor a '.'. */
size_t nb_lex_scan_number(const char *s, size_t n, NbNumParts *np,
                          int *bad_dot);

/* Check a scanned literal against NB_MAX_LITERAL_DIGITS and, without
 * computing it, against NB_MAX_EXACT_BITS; NB_OK or NB_ERR_TOO_LARGE with
 * the message written to msg. */
NbErrCode nb_lex_check_number(const NbNumParts *np, char *msg, size_t size);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
int nb_utf8_len(const unsigned char *s, size_t n);

#endif
