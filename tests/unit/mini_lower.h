/* mini_lower.h — text to canonical expression for the round-trip property
 * and the fuzz harnesses: the library's parser, then a lowering written
 * here that only calls the canonical constructors (no evaluation of closed
 * subexpressions, no variables or user functions). It is what "printing
 * then parsing" means in the round-trip property: the constructors build
 * closed parts such as sqrt(-1.4) that nb_expr_parse (the session's
 * lowering, which the other tests use) refuses with a domain error.
 */
#ifndef NABLA_TEST_MINI_LOWER_H
#define NABLA_TEST_MINI_LOWER_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/builtins.h"
#include "nabla/parse.h"
#include "nabla/simplify.h"

static const NbExpr *mini_lower_ast(NbStore *st, const NbAst *a);

/* a + b - c + ...: the chain's terms summed at once, as the session's
 * lowering does. Pairwise, a sum of n terms printed and read back cost
 * n sorts of a growing sum (a fuzz input's reparse took 1.5 s). */
static const NbExpr *mini_lower_sum(NbStore *st, const NbAst *a)
{
    size_t n = 1;
    for (const NbAst *l = a; l->kind == NB_AST_BINARY
                             && (l->op == '+' || l->op == '-'); l = l->args[0])
        n++;
    const NbExpr **t = malloc(n * sizeof *t);
    const NbExpr *r = NULL;
    if (!t)
        return NULL;
    size_t i = n;
    const NbAst *l = a;
    for (; l->kind == NB_AST_BINARY && (l->op == '+' || l->op == '-');
         l = l->args[0]) {
        const NbExpr *y = mini_lower_ast(st, l->args[1]);
        if (!y)
            goto out;
        t[--i] = l->op == '-' ? nb_neg(st, y) : y;
    }
    if (!(t[0] = mini_lower_ast(st, l)))
        goto out;
    r = nb_add(st, n, t);
out:
    free(t);
    return r;
}

static const NbExpr *mini_lower_ast(NbStore *st, const NbAst *a)
{
    const NbExpr *x, *y;
    if (a->kind == NB_AST_BINARY && (a->op == '+' || a->op == '-'))
        return mini_lower_sum(st, a);
    switch (a->kind) {
    case NB_AST_NUMBER: {
        mpq_t q;
        mpq_init(q);
        NbDiag d = NB_DIAG_INIT;
        const NbExpr *r = nb_parse_number(a->text, q, &d) == 0
                              ? nb_num_q(st, q) : NULL;
        nb_diag_clear(&d);
        mpq_clear(q);
        return r;
    }
    case NB_AST_NAME:
        if (strcmp(a->text, "pi") == 0)
            return nb_const(st, NB_CONST_PI);
        if (strcmp(a->text, "e") == 0)
            return nb_const(st, NB_CONST_E);
        if (strcmp(a->text, "inf") == 0)
            return nb_flt_double(st, INFINITY);
        if (strcmp(a->text, "nan") == 0)
            return nb_flt_double(st, NAN);
        return nb_sym(st, a->text);
    case NB_AST_STRING:
        return nb_str(st, a->text);
    case NB_AST_UNARY:
        x = mini_lower_ast(st, a->args[0]);
        return !x ? NULL : a->op == '-' ? nb_neg(st, x) : x;
    case NB_AST_BINARY:
        x = mini_lower_ast(st, a->args[0]);
        y = mini_lower_ast(st, a->args[1]);
        if (!x || !y)
            return NULL;
        switch (a->op) {
        case '+': return nb_add2(st, x, y);
        case '-': return nb_sub(st, x, y);
        case '*': return nb_mul2(st, x, y);
        case '/': return nb_div(st, x, y);
        default: return nb_pow(st, x, y);
        }
    case NB_AST_CALL:
    case NB_AST_VECTOR: {
        const NbExpr *args[64];
        if (a->nargs > 64)
            return NULL;
        for (int i = 0; i < a->nargs; i++)
            if (!(args[i] = mini_lower_ast(st, a->args[i])))
                return NULL;
        if (a->kind == NB_AST_VECTOR)
            return nb_vec(st, (size_t)a->nargs, args);
        int id = nb_builtin_lookup(a->text);
        if (id < 0 || a->primes || a->nargs < nb_builtins[id].min_args
            || a->nargs > nb_builtins[id].max_args)
            return NULL;
        return nb_fn(st, (NbFnId)id, (size_t)a->nargs, args);
    }
    default:
        return NULL;
    }
}

/* The canonical expression text denotes, or NULL (syntax error, unknown
 * function, anything but one expression). */
static const NbExpr *mini_parse(NbStore *st, const char *text)
{
    NbParser *p = nb_parser_new("test", text, strlen(text));
    NbArena arena = NB_ARENA_INIT;
    NbAst *ast = NULL;
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *r = NULL;
    if (nb_parser_next(p, &arena, &ast, &d) == 1) {
        r = mini_lower_ast(st, ast);
        NbAst *more = NULL;
        if (nb_parser_next(p, &arena, &more, &d) != 0)
            r = NULL;
    }
    nb_diag_clear(&d);
    nb_arena_free(&arena);
    nb_parser_free(p);
    return r;
}

#endif
