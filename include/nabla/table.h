/* table.h — tables and summaries as text, CSV or JSON (SPEC §9).
 *
 * Commands that print rows (descend, hstudy, gradcheck, ...) fill an NbTable
 * and print it once in the session's format:
 *   text: aligned columns with a header, then summary lines and notes;
 *   csv:  header row and rows on out; notes (verdicts) on err;
 *   json: one document {"command": ..., "rows": [...], "summary": {...}}
 *         with notes in summary.notes. A cell that reads as a number is
 *         written bare in JSON, otherwise as a string.
 *
 * Ownership: the table copies every string it is given; nb_table_free()
 * releases it all.
 */
#ifndef NABLA_TABLE_H
#define NABLA_TABLE_H

#include <stdio.h>
#include <stddef.h>

typedef enum NbFormat { NB_FORMAT_TEXT, NB_FORMAT_CSV, NB_FORMAT_JSON } NbFormat;

typedef struct NbTable NbTable;

NbTable *nb_table_new(const char *command, size_t ncols,
                      const char *const *colnames);
void nb_table_free(NbTable *t);
/* ncols cells, copied. */
void nb_table_row(NbTable *t, const char *const *cells);
/* printf-style convenience: one cell. */
char *nb_cell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nb_table_summary(NbTable *t, const char *key, const char *value);
void nb_table_note(NbTable *t, const char *text);
void nb_table_print(const NbTable *t, NbFormat fmt, FILE *out, FILE *err);

#endif
