/* diag.h — diagnostics: what went wrong, and where.
 *
 * Every failing library call fills an NbDiag instead of printing or exiting.
 * The caller decides how to report it; nb_diag_print() renders the
 * "file:line:col: error: message" form of SPEC §8 with the source line and a
 * caret.
 *
 * Ownership: an NbDiag owns its message and source-line copies; nb_diag_clear()
 * frees them and may be called on a cleared diagnostic any number of times.
 */
#ifndef NABLA_DIAG_H
#define NABLA_DIAG_H

#include <stdarg.h>
#include <stdio.h>

/* ORDER NB_ERR: nb_diag_code_name() keeps a name for each, and the test suite
 * (tests/unit/test_diag.c) fails on a code that has no case in tests/errors. */
typedef enum NbErrCode {
    NB_OK = 0,
    NB_ERR_SYNTAX,      /* malformed input */
    NB_ERR_ENCODING,    /* NUL byte or invalid UTF-8 */
    NB_ERR_UNKNOWN,     /* unknown name (variable, function, option) */
    NB_ERR_ARGS,        /* wrong argument count or kind */
    NB_ERR_TYPE,        /* a value of the wrong kind (vector where number...) */
    NB_ERR_DOMAIN,      /* log(-1), 1/0 in exact arithmetic, 0^-1 */
    NB_ERR_OVERFLOW,    /* float result out of range */
    NB_ERR_TOO_LARGE,   /* exact result larger than NB_MAX_EXACT_BITS */
    NB_ERR_DEPTH,       /* nesting deeper than NB_MAX_DEPTH */
    NB_ERR_SWELL,       /* expression grew past NB_MAX_NODES */
    NB_ERR_RECURSION,   /* a user function that calls itself */
    NB_ERR_PRECISION,   /* precision out of [NB_MIN_PRECISION, NB_MAX_PRECISION] */
    NB_ERR_IO,          /* unreadable file, write failure */
    NB_ERR_INTERRUPTED, /* stopped by Ctrl-C */
    NB_ERR_USAGE,       /* bad command-line usage */
    NB_ERR_CHECK,       /* a check failed (gradcheck FAIL): after its table */
    NB_ERR__COUNT
} NbErrCode;

typedef struct NbPos {
    int line;   /* 1-based; 0 when unknown */
    int col;    /* 1-based, in characters (UTF-8 code points) */
    int offset; /* byte offset of the start of the line in the source */
} NbPos;

typedef struct NbDiag {
    NbErrCode code;
    char *msg;       /* owned; NULL when code == NB_OK */
    const char *file;/* borrowed: source name, e.g. "f.nabla", "-e", "<stdin>" */
    NbPos pos;
    char *line_text; /* owned copy of the offending source line, or NULL */
} NbDiag;

#define NB_DIAG_INIT {NB_OK, NULL, NULL, {0, 0, 0}, NULL}

/* Set code and printf-style message; position left unknown. Returns code so
 * callers can write `return nb_diag_set(d, NB_ERR_DOMAIN, "...")`. A diag that
 * already holds an error is overwritten. d may be NULL (the error is dropped). */
NbErrCode nb_diag_set(NbDiag *d, NbErrCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
NbErrCode nb_diag_vset(NbDiag *d, NbErrCode code, const char *fmt, va_list ap);

/* Attach a position unless one is already attached (the innermost wins). The
 * source line is copied from src (the whole buffer, length len). */
void nb_diag_locate(NbDiag *d, const char *file, NbPos pos,
                    const char *src, size_t len);

void nb_diag_clear(NbDiag *d);

/* Print "file:line:col: error: msg", then the source line and a caret under
 * the column (SPEC §8). Without a position: "file: error: msg" or
 * "nabla: error: msg". */
void nb_diag_print(const NbDiag *d, FILE *out);

const char *nb_diag_code_name(NbErrCode code);

#endif
