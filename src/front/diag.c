/* diag.c — diagnostics as values, rendered as "file:line:col: error: ...". */
#include "nabla/diag.h"

#include <stdlib.h>
#include <string.h>

/* ORDER NB_ERR */
static const char *const code_names[NB_ERR__COUNT] = {
    "ok", "syntax", "encoding", "unknown", "args", "type", "domain",
    "overflow", "too-large", "depth", "swell", "recursion", "precision",
    "io", "interrupted", "usage", "check",
};

const char *nb_diag_code_name(NbErrCode code)
{
    if ((unsigned)code >= NB_ERR__COUNT)
        return "?";
    return code_names[code];
}

NbErrCode nb_diag_vset(NbDiag *d, NbErrCode code, const char *fmt, va_list ap)
{
    if (!d)
        return code;
    nb_diag_clear(d);
    d->code = code;
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    d->msg = msg;
    return code;
}

NbErrCode nb_diag_set(NbDiag *d, NbErrCode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_vset(d, code, fmt, ap);
    va_end(ap);
    return code;
}

void nb_diag_locate(NbDiag *d, const char *file, NbPos pos, const char *src,
                    size_t len)
{
    if (!d)
        return;
    if (!d->file)
        d->file = file;
    if (d->pos.line > 0 || pos.line <= 0)
        return;
    d->pos = pos;
    if (!src || (size_t)pos.offset > len)
        return;
    const char *start = src + pos.offset;
    const char *end = memchr(start, '\n', len - (size_t)pos.offset);
    size_t n = end ? (size_t)(end - start) : len - (size_t)pos.offset;
    if (n > 0 && start[n - 1] == '\r')
        n--;
    free(d->line_text);
    d->line_text = strndup(start, n);
}

void nb_diag_clear(NbDiag *d)
{
    if (!d)
        return;
    free(d->msg);
    free(d->line_text);
    d->code = NB_OK;
    d->msg = NULL;
    d->file = NULL;
    d->pos.line = d->pos.col = d->pos.offset = 0;
    d->line_text = NULL;
}

/* Width of the caret's indent: the line's characters before col, with tabs
 * kept as tabs so the caret lines up in any terminal. */
/* Byte offset of code point `col` (1-based) in line, or the end. */
static size_t byte_of_col(const char *line, int col)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t i = 0;
    for (int c = 1; p[i]; i++) {
        if ((p[i] & 0xC0) == 0x80)
            continue; /* UTF-8 continuation byte: same column */
        if (c++ == col)
            return i;
    }
    return i;
}

/* A long line (a 100000-digit literal, a generated script) is shown as a
 * window of NB_DIAG_CONTEXT code points either side of the caret, with "..."
 * where it was cut, so one error never floods the terminal. */
enum { NB_DIAG_CONTEXT = 60 };

static void print_source(FILE *out, const char *line, int col)
{
    int first = col > NB_DIAG_CONTEXT ? col - NB_DIAG_CONTEXT : 1;
    size_t from = byte_of_col(line, first);
    size_t to = byte_of_col(line, col + NB_DIAG_CONTEXT);
    const char *lead = from > 0 ? "..." : "";
    fprintf(out, "    %s", lead);
    /* control characters as their Control Pictures (U+2400 + c, U+2421):
     * one column each, so the caret stays under its character, and no
     * escape sequence or lone CR of the source reaches the terminal */
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            unsigned cp = c == 0x7F ? 0x2421u : 0x2400u + c;
            fputc(0xE0 | (cp >> 12), out);
            fputc(0x80 | ((cp >> 6) & 0x3F), out);
            fputc(0x80 | (cp & 0x3F), out);
        } else {
            fputc(c, out);
        }
    }
    fprintf(out, "%s\n", line[to] ? "..." : "");
    fputs("    ", out);
    fputs(from > 0 ? "   " : "", out);
    const unsigned char *p = (const unsigned char *)line + from;
    for (int c = first; c < col && *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        fputc(*p == '\t' ? '\t' : ' ', out);
        c++;
    }
    fputs("^\n", out);
}

void nb_diag_print(const NbDiag *d, FILE *out)
{
    const char *msg = d->msg ? d->msg : nb_diag_code_name(d->code);
    if (d->file && d->pos.line > 0)
        fprintf(out, "%s:%d:%d: error: %s\n", d->file, d->pos.line,
                d->pos.col, msg);
    else
        fprintf(out, "%s: error: %s\n", d->file ? d->file : "nabla", msg);
    if (d->line_text && d->pos.line > 0)
        print_source(out, d->line_text, d->pos.col);
}
