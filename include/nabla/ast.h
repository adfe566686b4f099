/* ast.h — the syntax tree of one statement, as written, with positions.
 *
 * The parser produces this tree; the session lowers it into the hash-consed
 * expression store (expr.h), reporting errors at the AST node's position.
 * Syntax trees are not shared and not canonical: they say what the user wrote.
 *
 * Ownership: every node and string of a statement lives in the NbArena the
 * parser was given; nb_arena_free() releases them all at once.
 */
#ifndef NABLA_AST_H
#define NABLA_AST_H

#include <stddef.h>
#include "nabla/diag.h"

/* A bump allocator: one per statement, so an error or an interrupt never
 * leaks what was half built. */
typedef struct NbArenaBlock NbArenaBlock;
typedef struct NbArena {
    NbArenaBlock *head;
} NbArena;

#define NB_ARENA_INIT {NULL}
void *nb_arena_alloc(NbArena *a, size_t size);        /* zeroed, aligned */
char *nb_arena_strndup(NbArena *a, const char *s, size_t n);
void nb_arena_free(NbArena *a);                       /* a is reusable after */

typedef enum NbAstKind {
    NB_AST_NUMBER,   /* text: the literal as written ("2.5", "1e-5", ".5") */
    NB_AST_NAME,     /* text: identifier ("pi" for π) */
    NB_AST_STRING,   /* text: contents without quotes, escapes resolved */
    NB_AST_BINARY,   /* op: '+' '-' '*' '/' '^'; args[0], args[1].
                        implicit multiplication is '*' with implicit = 1 */
    NB_AST_UNARY,    /* op: '-' or '+'; args[0] */
    NB_AST_CALL,     /* text: callee name; primes: number of ' after it;
                        args: positional then NB_AST_KEYWORD nodes */
    NB_AST_KEYWORD,  /* text: keyword name; args[0]: value (only in calls) */
    NB_AST_VECTOR,   /* args: elements */
    NB_AST_RANGE,    /* args[0]..args[1]: a range (only as a keyword value:
                        x=-3..3); with a third arg, args[0]..args[1] step
                        args[2]: the vector of points, anywhere */
    NB_AST_INDEX,    /* args[0][args[1]]: an element, 1-based */
    NB_AST_ASSIGN,   /* text: variable name; args[0]: value */
    NB_AST_FUNCDEF,  /* text: function name; params: names; args[0]: body */
    NB_AST_COMMAND   /* text: command word (set, help, load, vars, funcs,
                        quit); words: the rest of the line, as tokens */
} NbAstKind;

typedef struct NbAst NbAst;
struct NbAst {
    NbAstKind kind;
    NbPos pos;          /* where the node starts (operator for BINARY/UNARY) */
    int op;             /* operator character for BINARY/UNARY */
    int implicit;       /* 1 for implicit multiplication */
    int primes;         /* CALL: count of ' (f'(x) has 1) */
    const char *text;   /* arena string, see kinds */
    int nargs;
    NbAst **args;
    int nparams;        /* FUNCDEF: parameter names */
    const char **params;
    NbPos *param_pos;
    int nwords;         /* COMMAND: words after the command name */
    const char **words;
    NbPos *word_pos;
};

#endif
