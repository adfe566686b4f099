/* parse.h — the parser: source text in, one statement's syntax tree out.
 *
 * Grammar (SPEC §2), loosest first:
 *   statement  := NAME '=' expr | NAME '(' params ')' '=' expr
 *               | COMMANDWORD words... | expr
 *   expr       := sum ['..' sum ['step' sum]]           a range
 *   sum        := term (('+'|'-') term)*
 *   term       := unary (('*'|'/'|implicit) unary)*
 *   unary      := ('-'|'+') unary | power
 *   power      := index (('^'|'**') unary)?            right-associative
 *   index      := postfix ('[' expr ']')*              p[1][2], same line
 *   postfix    := primary | NAME '\''* '(' args ')'
 *   primary    := NUMBER | NAME | STRING | '(' expr ')' | '[' args ']'
 * Statements are separated by newlines or ';'; a trailing '\' or an open
 * bracket continues the statement on the next line; '#' starts a comment.
 *
 * Ownership: the parser borrows the source text (it must outlive the parser)
 * and allocates trees in the arena the caller passes to nb_parser_next().
 */
#ifndef NABLA_PARSE_H
#define NABLA_PARSE_H

#include <stddef.h>
#include <gmp.h>
#include "nabla/ast.h"
#include "nabla/diag.h"

typedef struct NbParser NbParser;

/* name is used in diagnostics ("f.nabla", "-e", "<stdin>") and borrowed. */
NbParser *nb_parser_new(const char *name, const char *text, size_t len);
void nb_parser_free(NbParser *p);

/* Parse the next statement. Returns 1 with *out set, 0 at end of input, or
 * -1 with d filled (position and source line attached); after an error the
 * parser has skipped to the start of the next statement, so a caller that
 * keeps going gets the following statements. Empty statements are skipped. */
int nb_parser_next(NbParser *p, NbArena *arena, NbAst **out, NbDiag *d);

/* The bytes [*start, *end) of the statement the last nb_parser_next()
 * returned or failed on, from its first token to the end of its last
 * (for a page: the statement's code, and the prose around it). */
void nb_parser_span(const NbParser *p, size_t *start, size_t *end);

/* For the prompt: 1 when text ends inside an open bracket or string, or with
 * a '\' continuation, so another line must be read before parsing. */
int nb_source_incomplete(const char *text, size_t len);

/* The exact value of a numeric literal as the lexer accepts it ("3", "2.5",
 * ".5", "1e-5", "6.02E23"): 0.1 is exactly 1/10. Fails (NB_ERR_TOO_LARGE)
 * past NB_MAX_LITERAL_DIGITS digits or an exponent whose value would exceed
 * NB_MAX_EXACT_BITS. q must be initialised. */
int nb_parse_number(const char *text, mpq_t q, NbDiag *d);

/* Text to canonical expression, for programs that embed the library: the
 * one expression text holds (no ';' or newline between two), lowered as
 * the session lowers a statement (src/session/expr_parse.c) in a session
 * with nothing bound: names stay free symbols (pi and e are the constants,
 * inf and nan floats), built-ins and float() are called, closed operations
 * are trial-evaluated in double so that log(-1) or 1/0 fail at their
 * position. Assignments, definitions (f(x) = ...), statement words (set,
 * load, ...) and calls of the session's commands (diff, descend, plot, ...:
 * call nb_diff and the others instead) are refused. The result lives in st.
 * NULL on failure, with d set ("<expr>:LINE:COL: error: ..." and a caret
 * when printed); on success d is left clear. d may be NULL. */
struct NbStore;
const struct NbExpr *nb_expr_parse(struct NbStore *st, const char *text,
                                   NbDiag *d);

/* Words that start a command statement when followed by neither '(' nor '='. */
int nb_is_command_word(const char *name);

#endif
