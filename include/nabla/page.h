/* page.h — a script as a page (SPEC §11): prose, each statement with its
 * output, tables, pictures and formulas, in one self-contained HTML
 * document or in Markdown with the pictures beside it.
 *
 * Prose is a script's comment lines that start with #' (knitr's spin
 * convention), Markdown rendered by libcmark; every other line is code, so
 * the same file still runs as a plain script. The page never parses the
 * language: the session records, for each statement it runs, the bytes of
 * the statement in its source (nb_parser_span) and what the statement
 * produced, in order; the page finds the prose in the lines between
 * statements when it is written.
 *
 * Recording (session.c, when NbSessionOpts.page is set): nb_page_source()
 * before a source's first statement; for each statement
 * nb_page_statement(), which returns the stream the statement's text
 * output goes to, then the rich items as they come (nb_page_table,
 * nb_page_picture, nb_page_math, nb_page_error), then
 * nb_page_statement_end(); nb_page_source_end() after the last, saying
 * whether the run stopped early. Text written to the stream between two
 * rich items keeps its place among them.
 *
 * HTML: one document with its CSS, no script, no network, no external file
 * (a Content-Security-Policy says so to the browser too): prose as HTML,
 * code in <pre class="code">, text output in <pre class="out">, tables as
 * <table>, verdicts and notes as classed paragraphs, errors in
 * <pre class="err">, pictures as inline <svg> (ids prefixed per picture),
 * symbolic results as MathML after their text. A failed statement shows
 * its diagnostic in place; a run that stopped there ends the page with a
 * note. The title is the prose's first heading. No file name or date
 * appears, so a page is the same bytes from a file and from stdin.
 *
 * Markdown: prose as written, code and text output in fenced blocks,
 * tables as pipe tables, pictures as files BASE-1.svg, BASE-2.svg, ...
 * written into DIR and linked by their names.
 *
 * Ownership: the page copies every string and source text it is given.
 */
#ifndef NABLA_PAGE_H
#define NABLA_PAGE_H

#include <stdio.h>
#include <stddef.h>
#include "nabla/diag.h"
#include "nabla/plot.h"
#include "nabla/table.h"

typedef enum NbPageFormat { NB_PAGE_HTML, NB_PAGE_MARKDOWN } NbPageFormat;

typedef struct NbPage NbPage;

NbPage *nb_page_new(NbPageFormat fmt);
void nb_page_free(NbPage *pg);
NbPageFormat nb_page_format(const NbPage *pg);

/* --- recording ------------------------------------------------------------ */
void nb_page_source(NbPage *pg, const char *name, const char *text,
                    size_t len);
/* how: 0 the source ran to its end, 1 the run stopped at a failed
 * statement, 2 at `quit`. */
void nb_page_source_end(NbPage *pg, int how);
/* A statement of the current source, bytes [start, end): its text output
 * goes to the stream returned (valid until nb_page_statement_end). */
FILE *nb_page_statement(NbPage *pg, size_t start, size_t end);
void nb_page_statement_end(NbPage *pg);
void nb_page_table(NbPage *pg, const NbTable *t);
/* The figure drawn now (SVG in memory); 0, or -1 when it could not be. */
int nb_page_picture(NbPage *pg, const NbFigure *f);
/* A symbolic result: MathML markup (nb_print_mathml) and its text. */
void nb_page_math(NbPage *pg, const char *mathml, const char *text);
/* A diagnostic as nb_diag_print renders it (no colour). Outside a
 * statement (an unreadable file) it stands alone. */
void nb_page_error(NbPage *pg, const char *text);

/* --- output --------------------------------------------------------------- */
/* Write the page on out. Markdown: pictures go to DIR/BASE-N.svg (dir ""
 * for the current directory). 0, or -1 with d set (a picture file could
 * not be written) or when writing out failed. */
int nb_page_write(NbPage *pg, FILE *out, const char *dir, const char *base,
                  NbDiag *d);

#endif
