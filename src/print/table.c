/* table.c — tables and summaries as aligned text, CSV or JSON (SPEC §9).
 *
 * A table collects copies of its cells and prints once, so the format is a
 * matter of rendering only: commands never write CSV or JSON themselves.
 */
#include "nabla/table.h"
#include "util/alloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct Pair {
    char *key, *value;
} Pair;

struct NbTable {
    char *command;
    size_t ncols;
    char **cols;
    char **cells;          /* nrows * ncols, row-major */
    size_t nrows, rows_cap;
    Pair *summary;
    size_t nsummary, summary_cap;
    char **notes;
    size_t nnotes, notes_cap;
    char **block_keys;     /* second tables: keys and the tables (owned) */
    NbTable **blocks;
    size_t nblocks;
};

NbTable *nb_table_new(const char *command, size_t ncols,
                      const char *const *colnames)
{
    NbTable *t = nb_xrealloc(NULL, sizeof *t);
    memset(t, 0, sizeof *t);
    t->command = nb_xstrdup(command);
    t->ncols = ncols;
    t->cols = nb_xrealloc(NULL, ncols * sizeof *t->cols);
    for (size_t i = 0; i < ncols; i++)
        t->cols[i] = nb_xstrdup(colnames[i]);
    return t;
}

void nb_table_free(NbTable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    for (size_t i = 0; i < t->nsummary; i++) {
        free(t->summary[i].key);
        free(t->summary[i].value);
    }
    for (size_t i = 0; i < t->nnotes; i++)
        free(t->notes[i]);
    for (size_t i = 0; i < t->nblocks; i++) {
        free(t->block_keys[i]);
        nb_table_free(t->blocks[i]);
    }
    free(t->block_keys);
    free(t->blocks);
    free(t->command);
    free(t->cols);
    free(t->cells);
    free(t->summary);
    free(t->notes);
    free(t);
}

void nb_table_row(NbTable *t, const char *const *cells)
{
    if (t->nrows == t->rows_cap) {
        t->rows_cap = t->rows_cap ? t->rows_cap * 2 : 16;
        t->cells = nb_xrealloc(t->cells, t->rows_cap * t->ncols * sizeof *t->cells);
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = nb_xstrdup(cells[i]);
    t->nrows++;
}

char *nb_cell(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = nb_xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void nb_table_summary(NbTable *t, const char *key, const char *value)
{
    if (t->nsummary == t->summary_cap) {
        t->summary_cap = t->summary_cap ? t->summary_cap * 2 : 8;
        t->summary = nb_xrealloc(t->summary, t->summary_cap * sizeof *t->summary);
    }
    t->summary[t->nsummary].key = nb_xstrdup(key);
    t->summary[t->nsummary].value = nb_xstrdup(value);
    t->nsummary++;
}

void nb_table_note(NbTable *t, const char *text)
{
    if (t->nnotes == t->notes_cap) {
        t->notes_cap = t->notes_cap ? t->notes_cap * 2 : 4;
        t->notes = nb_xrealloc(t->notes, t->notes_cap * sizeof *t->notes);
    }
    t->notes[t->nnotes++] = nb_xstrdup(text);
}

void nb_table_block(NbTable *t, const char *key, NbTable *sub)
{
    t->block_keys = nb_xrealloc(t->block_keys,
                             (t->nblocks + 1) * sizeof *t->block_keys);
    t->blocks = nb_xrealloc(t->blocks, (t->nblocks + 1) * sizeof *t->blocks);
    t->block_keys[t->nblocks] = nb_xstrdup(key);
    t->blocks[t->nblocks++] = sub;
}

int nb_format_parse(const char *s, NbFormat *out)
{
    static const char *const names[] = {"text", "csv", "json"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (NbFormat)i;
            return 0;
        }
    return -1;
}

/* --- cells ------------------------------------------------------------------ */

/* JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
int nb_cell_is_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        if (!(*++p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* Printed width in terminal columns: UTF-8 code points, one column each. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w++;
    return w;
}

void nb_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

int nb_cell_is_missing(const char *s)
{
    return strcmp(s, NB_CELL_MISSING) == 0 || strcmp(s, "nan") == 0 ||
           strcmp(s, "-nan") == 0;
}

/* A cell as a JSON value: bare when it is a JSON number, null when it is
 * missing (NB_CELL_MISSING, NaN), else a string (so "inf" and "1/3" stay
 * strings and the document stays valid). */
void nb_json_value(FILE *out, const char *s)
{
    if (nb_cell_is_number(s))
        fputs(s, out);
    else if (nb_cell_is_missing(s))
        fputs("null", out);
    else
        nb_json_string(out, s);
}

void nb_csv_field(FILE *out, const char *s)
{
    size_t n = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL
                || (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* --- text ------------------------------------------------------------------- */

static const char *cell(const NbTable *t, size_t r, size_t c)
{
    return t->cells[r * t->ncols + c];
}

/* A column is right-aligned when every non-empty cell in it is a number
 * (or an infinity or NaN, which stand where numbers do). */
static int numeric_column(const NbTable *t, size_t c)
{
    int any = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *s = cell(t, r, c);
        if (!*s)
            continue;
        if (!nb_cell_is_number(s) && strcmp(s, "inf") && strcmp(s, "-inf")
            && strcmp(s, "nan"))
            return 0;
        any = 1;
    }
    return any;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static void text_line(FILE *out, size_t ncols, const char *const *v,
                      const size_t *w, const int *right)
{
    for (size_t c = 0; c < ncols; c++) {
        size_t fill = w[c] - width(v[c]);
        if (c)
            fputs("  ", out);
        if (right[c])
            pad(out, fill);
        fputs(v[c], out);
        if (!right[c] && c + 1 < ncols)
            pad(out, fill);
    }
    fputc('\n', out);
}

/* The header and rows as aligned columns. */
static void text_rows(const NbTable *t, FILE *out)
{
    size_t *w = nb_xcalloc(t->ncols + 1, sizeof *w);
    int *right = nb_xcalloc(t->ncols + 1, sizeof *right);
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = width(t->cols[c]);
        for (size_t r = 0; r < t->nrows; r++)
            if (width(cell(t, r, c)) > w[c])
                w[c] = width(cell(t, r, c));
        right[c] = numeric_column(t, c);
    }
    text_line(out, t->ncols, (const char *const *)t->cols, w, right);
    for (size_t r = 0; r < t->nrows; r++)
        text_line(out, t->ncols, (const char *const *)&t->cells[r * t->ncols],
                  w, right);
    free(w);
    free(right);
}

/* Rows, each block after a blank line, then summary lines and notes. */
static void print_text(const NbTable *t, FILE *out)
{
    if (t->ncols)
        text_rows(t, out);
    for (size_t i = 0; i < t->nblocks; i++) {
        if (t->ncols || i)
            fputc('\n', out);
        print_text(t->blocks[i], out);
    }
    for (size_t i = 0; i < t->nsummary; i++)
        fprintf(out, "%s: %s\n", t->summary[i].key, t->summary[i].value);
    for (size_t i = 0; i < t->nnotes; i++)
        fprintf(out, "%s\n", t->notes[i]);
}

/* --- HTML and Markdown (pages) ------------------------------------------------- */

void nb_html_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* A note's colour is the class of the verdict word that comes first in
 * it: "rate 0.9: stopped at the step limit ...; the path oscillates"
 * is a warning, "diverged at step 19" a failure, "gradcheck: PASS" fine. */
const char *nb_note_class(const char *note)
{
    static const struct { const char *word, *cls; } words[] = {
        {"diverged", "bad"}, {"FAIL", "bad"}, {"unbounded", "bad"},
        {"saddle", "bad"}, {"maximum", "bad"}, {"oscillat", "bad"},
        {"left the domain", "bad"}, {"stalled", "bad"},
        {"stopped", "warn"}, {"step limit", "warn"}, {"plateau", "warn"},
        {"no progress", "warn"}, {"interrupted", "warn"},
        {"local minimum", "warn"},
        {"converged", "ok"}, {"PASS", "ok"}, {"minimum", "ok"},
    };
    const char *best = NULL, *cls = NULL;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *at = strstr(note, words[i].word);
        if (at && (!best || at < best)) {
            best = at;
            cls = words[i].cls;
        }
    }
    return cls;
}

/* A PASS or FAIL cell is coloured like a verdict. */
static void html_cell(FILE *out, const char *tag, const char *v, int right)
{
    const char *cls = strcmp(v, "PASS") == 0 ? "ok"
                    : strcmp(v, "FAIL") == 0 ? "bad" : NULL;
    fprintf(out, "<%s", tag);
    if (right || cls)
        fprintf(out, " class=\"%s%s%s\"", right ? "n" : "",
                right && cls ? " " : "", cls ? cls : "");
    fputc('>', out);
    nb_html_escape(out, v);
    fprintf(out, "</%s>", tag);
}

static void html_note(FILE *out, const char *cls, const char *text)
{
    fprintf(out, "<p class=\"%s\">", cls);
    nb_html_escape(out, text);
    fputs("</p>\n", out);
}

static void print_html(const NbTable *t, FILE *out)
{
    int *right = nb_xcalloc(t->ncols + 1, sizeof *right);
    for (size_t c = 0; c < t->ncols; c++)
        right[c] = numeric_column(t, c);
    if (t->ncols) {
        fputs("<div class=\"tbl\"><table>\n<thead><tr>", out);
        for (size_t c = 0; c < t->ncols; c++)
            html_cell(out, "th", t->cols[c], right[c]);
        fputs("</tr></thead>\n<tbody>\n", out);
        for (size_t r = 0; r < t->nrows; r++) {
            fputs("<tr>", out);
            for (size_t c = 0; c < t->ncols; c++)
                html_cell(out, "td", cell(t, r, c), right[c]);
            fputs("</tr>\n", out);
        }
        fputs("</tbody></table></div>\n", out);
    }
    for (size_t i = 0; i < t->nblocks; i++)   /* as in text: after the rows */
        print_html(t->blocks[i], out);
    for (size_t i = 0; i < t->nsummary; i++) {
        char *line = nb_cell("%s: %s", t->summary[i].key, t->summary[i].value);
        html_note(out, "sum", line);
        free(line);
    }
    for (size_t i = 0; i < t->nnotes; i++) {
        const char *k = nb_note_class(t->notes[i]);
        char cls[16];
        snprintf(cls, sizeof cls, "note%s%s", k ? " " : "", k ? k : "");
        html_note(out, cls, t->notes[i]);
    }
    free(right);
}

/* Markdown text: the characters that could start markup escaped with a
 * backslash (CommonMark allows it before any ASCII punctuation). */
static void md_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|&#~!", *s))
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void print_markdown(const NbTable *t, FILE *out)
{
    if (t->ncols) {
        for (size_t c = 0; c < t->ncols; c++) {
            fputs("| ", out);
            md_escape(out, t->cols[c]);
            fputc(' ', out);
        }
        fputs("|\n", out);
        for (size_t c = 0; c < t->ncols; c++)
            fputs(numeric_column(t, c) ? "|---:" : "|:---", out);
        fputs("|\n", out);
        for (size_t r = 0; r < t->nrows; r++) {
            for (size_t c = 0; c < t->ncols; c++) {
                fputs("| ", out);
                md_escape(out, cell(t, r, c));
                fputc(' ', out);
            }
            fputs("|\n", out);
        }
    }
    for (size_t i = 0; i < t->nblocks; i++) { /* a blank line between tables */
        fputc('\n', out);
        print_markdown(t->blocks[i], out);
    }
    for (size_t i = 0; i < t->nsummary; i++) {
        fputs(i == 0 && t->ncols ? "\n" : "", out);
        md_escape(out, t->summary[i].key);
        fputs(": ", out);
        md_escape(out, t->summary[i].value);
        fputs("  \n", out);
    }
    for (size_t i = 0; i < t->nnotes; i++) {
        fputs("\n> ", out);
        md_escape(out, t->notes[i]);
        fputc('\n', out);
    }
}

/* --- CSV and JSON ------------------------------------------------------------ */

/* A missing number is an empty field (what spreadsheets and pandas read
 * as missing). */
static void csv_line(FILE *out, size_t n, char *const *v)
{
    for (size_t c = 0; c < n; c++) {
        if (c)
            fputc(',', out);
        if (!nb_cell_is_missing(v[c]))
            nb_csv_field(out, v[c]);
    }
    fputc('\n', out);
}

/* Rows on out, then each block after a blank line with its own header;
 * summary lines and notes (verdicts) on err. Every number a command
 * reports is in a row or a block, so stdout holds all the data. */
static void print_csv(const NbTable *t, FILE *out, FILE *err)
{
    if (t->ncols) {
        csv_line(out, t->ncols, t->cols);
        for (size_t r = 0; r < t->nrows; r++)
            csv_line(out, t->ncols, &t->cells[r * t->ncols]);
    }
    for (size_t i = 0; i < t->nblocks; i++) {
        if (t->ncols || i)
            fputc('\n', out);
        print_csv(t->blocks[i], out, err);
    }
    for (size_t i = 0; i < t->nsummary; i++)
        fprintf(err, "%s: %s\n", t->summary[i].key, t->summary[i].value);
    for (size_t i = 0; i < t->nnotes; i++)
        fprintf(err, "%s\n", t->notes[i]);
}

/* The rows as a JSON array of objects, column names as keys. */
static void json_rows(const NbTable *t, FILE *out)
{
    fputc('[', out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs(r ? ",{" : "{", out);
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', out);
            nb_json_string(out, t->cols[c]);
            fputc(':', out);
            nb_json_value(out, cell(t, r, c));
        }
        fputc('}', out);
    }
    fputc(']', out);
}

/* One line: {"command":...,"rows":[...],"summary":{...}}, the summary
 * holding its pairs, each block's rows under its key, and the notes. */
static void print_json(const NbTable *t, FILE *out)
{
    fputs("{\"command\":", out);
    nb_json_string(out, t->command);
    fputs(",\"rows\":", out);
    json_rows(t, out);
    fputs(",\"summary\":{", out);
    int any = 0;
    for (size_t i = 0; i < t->nsummary; i++, any = 1) {
        if (any)
            fputc(',', out);
        nb_json_string(out, t->summary[i].key);
        fputc(':', out);
        nb_json_value(out, t->summary[i].value);
    }
    for (size_t i = 0; i < t->nblocks; i++, any = 1) {
        if (any)
            fputc(',', out);
        nb_json_string(out, t->block_keys[i]);
        fputc(':', out);
        json_rows(t->blocks[i], out);
    }
    if (t->nnotes) {
        fputs(any ? ",\"notes\":[" : "\"notes\":[", out);
        for (size_t i = 0; i < t->nnotes; i++) {
            if (i)
                fputc(',', out);
            nb_json_string(out, t->notes[i]);
        }
        fputc(']', out);
    }
    fputs("}}\n", out);
}

void nb_table_print(const NbTable *t, NbFormat fmt, FILE *out, FILE *err)
{
    switch (fmt) {
    case NB_FORMAT_CSV: print_csv(t, out, err); break;
    case NB_FORMAT_JSON: print_json(t, out); break;
    case NB_FORMAT_HTML: print_html(t, out); break;
    case NB_FORMAT_MARKDOWN: print_markdown(t, out); break;
    default: print_text(t, out); break;
    }
}
