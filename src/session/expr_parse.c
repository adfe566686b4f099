/* expr_parse.c — nb_expr_parse(): text to canonical expression for a C
 * program that embeds the library (SPEC §10), through the session's own
 * lowering (lower.c), so a text means the same here as at the prompt.
 *
 * The text is one expression with nothing bound: no variables, no user
 * functions, no ans; names stay free symbols, pi and e are the constants.
 * Statements that bind or act (x = ..., f(x) = ..., set, load) and calls
 * of the session's commands (diff, descend, plot, ...: they print tables
 * and write files) are refused with a diagnostic at their position: an
 * embedder has nb_diff and the rest as calls. Closed operations are
 * trial-evaluated in double as they are built, as at the prompt, so
 * log(-1) or 1/0 fail at their position.
 *
 * The lowering runs in a session that lives for the call, borrows the
 * caller's store and has no output streams (nothing it runs prints).
 */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/builtins.h"
#include "nabla/limits.h"
#include "nabla/parse.h"
#include "util/alloc.h"

#define EXPR_FILE "<expr>" /* the source name in diagnostics */

static int fail_at(NbSession *s, NbDiag *d, NbPos pos)
{
    nb_lower_fail(s, d, pos);
    return -1;
}

/* A statement that is not an expression: say what it is. */
static int refuse_statement(NbSession *s, const NbAst *a, NbDiag *d)
{
    switch (a->kind) {
    case NB_AST_ASSIGN:
        nb_diag_set(d, NB_ERR_SYNTAX, "%s = ... is an assignment; an "
                    "expression is expected (no variables are bound here)",
                    a->text);
        break;
    case NB_AST_FUNCDEF:
        nb_diag_set(d, NB_ERR_SYNTAX, "%s(...) = ... defines a function; an "
                    "expression is expected (no functions are bound here)",
                    a->text);
        break;
    default:
        nb_diag_set(d, NB_ERR_SYNTAX, "'%s' starts a statement; an "
                    "expression is expected", a->text);
        break;
    }
    return fail_at(s, d, a->pos);
}

/* A call of a session command somewhere in a: refused at its position.
 * Iterative with an explicit stack (a million-term sum is a
 * million-deep tree). The names the lowering resolves first (built-ins,
 * float) are not commands here, as there. */
static int refuse_commands(NbSession *s, const NbAst *a, NbDiag *d)
{
    size_t cap = 64, sp = 0;
    const NbAst **stack = nb_xmalloc(cap * sizeof *stack);
    int rc = 0;
    stack[sp++] = a;
    while (sp && rc == 0) {
        const NbAst *t = stack[--sp];
        if (t->kind == NB_AST_CALL && nb_builtin_lookup(t->text) < 0
            && strcmp(t->text, "float") != 0 && nb_command_lookup(t->text)) {
            nb_diag_set(d, NB_ERR_UNKNOWN, "'%s' is a command of the session, "
                        "not a function; an expression calls built-in "
                        "functions only", t->text);
            rc = fail_at(s, d, t->pos);
        }
        for (int i = t->nargs - 1; i >= 0; i--) {
            if (sp == cap) {
                const NbAst **bigger = nb_xrealloc(stack, (cap *= 2) * sizeof *stack);
                stack = bigger;
            }
            stack[sp++] = t->args[i];
        }
    }
    free(stack);
    return rc;
}

/* The one statement of text lowered in s, or NULL with d set. */
static const NbExpr *lower_text(NbSession *s, NbParser *p, NbArena *arena,
                                NbDiag *d)
{
    NbAst *ast = NULL, *more = NULL;
    int r = nb_parser_next(p, arena, &ast, d);
    if (r < 0)
        return NULL;
    if (r == 0) {
        nb_diag_set(d, NB_ERR_SYNTAX, "an expression is expected; the text "
                    "has none");
        d->file = EXPR_FILE;
        return NULL;
    }
    if (ast->kind == NB_AST_ASSIGN || ast->kind == NB_AST_FUNCDEF
        || ast->kind == NB_AST_COMMAND)
        return refuse_statement(s, ast, d), NULL;
    if (refuse_commands(s, ast, d) < 0)
        return NULL;
    nb_store_budget_start(s->st);
    const NbExpr *e = nb_lower(s, ast, d);
    if (e && nb_store_over_budget(s->st)) {
        nb_diag_set(d, NB_ERR_SWELL, "expressions too large: this text built "
                    "more than %ld MB of them (NB_MAX_STATEMENT_BYTES)",
                    NB_MAX_STATEMENT_BYTES >> 20);
        return nb_lower_fail(s, d, ast->pos);
    }
    if (e && nb_interrupted) {
        nb_diag_set(d, NB_ERR_INTERRUPTED, "interrupted");
        return nb_lower_fail(s, d, ast->pos);
    }
    if (!e)
        return NULL;
    r = nb_parser_next(p, arena, &more, d);
    if (r < 0)
        return NULL;
    if (r > 0) {
        nb_diag_set(d, NB_ERR_SYNTAX, "one expression is expected; a second "
                    "statement starts here");
        return nb_lower_fail(s, d, more->pos);
    }
    return e;
}

const NbExpr *nb_expr_parse(NbStore *st, const char *text, NbDiag *d)
{
    NbSession s;
    memset(&s, 0, sizeof s);
    nb_session_opts_default(&s.o);
    s.o.out = s.o.err = NULL;
    s.st = st;
    s.cache = nb_eval_cache_new();
    s.file = EXPR_FILE;
    s.src = text;
    s.srclen = strlen(text);

    NbParser *p = nb_parser_new(EXPR_FILE, text, s.srclen);
    NbArena arena = NB_ARENA_INIT;
    NbDiag mine = NB_DIAG_INIT;
    const NbExpr *e = lower_text(&s, p, &arena, d ? d : &mine);
    if (e && d)
        nb_diag_clear(d);
    nb_diag_clear(&mine);
    nb_arena_free(&arena);
    nb_parser_free(p);

    /* what lowering an expression allocates in a session: commands
     * (their temporary functions, pictures, variable lists) never run */
    nb_eval_cache_free(s.cache);
    free(s.closed);
    return e;
}
