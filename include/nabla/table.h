/* table.h — tables and summaries as text, CSV or JSON (SPEC §9).
 *
 * Commands that print rows (descend, hstudy, gradcheck, ...) fill an NbTable
 * and print it once in the session's format:
 *   text: aligned columns with a header, each block after a blank line,
 *         then summary lines and notes;
 *   csv:  header row and rows on out, then each block after a blank line
 *         with its own header row; summary lines and notes (verdicts) on
 *         err, so a command keeps every number it reports in rows or
 *         blocks (SPEC §9: no data lives only on stderr);
 *   json: one compact document on one line (JSON Lines),
 *         {"command":...,"rows":[...],"summary":{...}}, with each block's
 *         rows as an array under its key in summary, and the notes in
 *         summary.notes. A cell that reads as a number is written bare,
 *         a missing one (NB_CELL_MISSING, or nan) as null, anything else
 *         as a string.
 *   html: a <table> (numeric columns right-aligned, class "n") in a
 *         <div class="tbl">, then the summary lines and the notes as
 *         paragraphs, a verdict's note classed "ok", "warn" or "bad";
 *   markdown: a pipe table, the summary lines and notes after it.
 * The last two are what pages (page.h) show a command's table as.
 * A missing cell prints as "-" in text and as an empty field in CSV.
 *
 * Ownership: the table copies every string it is given; nb_table_free()
 * releases it all.
 */
#ifndef NABLA_TABLE_H
#define NABLA_TABLE_H

#include <stdio.h>
#include <stddef.h>

typedef enum NbFormat {
    NB_FORMAT_TEXT, NB_FORMAT_CSV, NB_FORMAT_JSON,
    NB_FORMAT_HTML, NB_FORMAT_MARKDOWN   /* for pages (page.h) only */
} NbFormat;

typedef struct NbTable NbTable;

NbTable *nb_table_new(const char *command, size_t ncols,
                      const char *const *colnames);
void nb_table_free(NbTable *t);
/* ncols cells, copied. */
void nb_table_row(NbTable *t, const char *const *cells);
/* printf-style convenience: one cell. */
char *nb_cell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nb_table_summary(NbTable *t, const char *key, const char *value);
/* A second table printed with t (hstudy's per-method summary, descend's
 * comparison of runs); t takes sub and frees it. */
void nb_table_block(NbTable *t, const char *key, NbTable *sub);
void nb_table_note(NbTable *t, const char *text);
void nb_table_print(const NbTable *t, NbFormat fmt, FILE *out, FILE *err);

/* Cell helpers shared with the session's printing of plain results:
 * whether s is a JSON number; s as a JSON string (escaped) or value (bare
 * when a number, null when missing); s as one CSV field (RFC 4180 quoting
 * when needed). */
#define NB_CELL_MISSING "-"
int nb_cell_is_number(const char *s);
/* NB_CELL_MISSING or a NaN: null in JSON, empty in CSV. */
int nb_cell_is_missing(const char *s);
/* "text", "csv" or "json" into *out; -1 for anything else (html and
 * markdown are page formats, chosen on the command line). */
int nb_format_parse(const char *s, NbFormat *out);
void nb_json_string(FILE *out, const char *s);
void nb_json_value(FILE *out, const char *s);
void nb_csv_field(FILE *out, const char *s);
/* s as HTML text or attribute value: & < > " ' as character references. */
void nb_html_escape(FILE *out, const char *s);
/* "ok", "warn", "bad" for a note that states a verdict (converged, PASS;
 * stopped at the step limit; diverged, FAIL, a saddle point): the class
 * of the verdict word that comes first in it; NULL when there is none. */
const char *nb_note_class(const char *note);

#endif
