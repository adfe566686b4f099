/* parse.c — statements and expressions by precedence climbing (Lua 5.4's
 * lparser.c subexpr is the model), over the tokens of lex.c.
 *
 * Decisions the grammar in parse.h leaves open, as built here:
 * - Implicit multiplication has the priority of '*' and happens when the
 *   previous token is a NUMBER and the next a NAME or '(' (2x, 2 sin(x),
 *   3(x+1), 2π), or the previous token is ')' or ']' and the next a NAME,
 *   NUMBER or '(' ((x+1)(x-1), (x+1)x). A NAME followed by '(' is always a
 *   call, so x(x+1) calls x; "x y" and "2 3" are errors (missing operator).
 *   Being a '*', 1/2x is (1/2)*x, and -2x is (-2)*x. It never spans a
 *   line break inside brackets.
 * - Unary minus binds looser than '^' and tighter than '*': -x^2 = -(x^2),
 *   2^-3 and 2*-3 are accepted, 2^3^2 = 2^(3^2).
 * - Strings are expressions syntactically (vectors of strings are
 *   arguments too: methods=["central", "forward"]); the session checks
 *   where they are used.
 * - A command word (set help load vars funcs quit) starts a command
 *   statement unless the next character is '(' or '='; its words are the
 *   rest of the line split at blanks, "quoted strings" being one word.
 *
 * Nesting (brackets, calls, unary operators, exponents of '^') is counted
 * against NB_MAX_DEPTH before recursing; left-associative operators loop,
 * so a 10^6-term sum uses a constant amount of stack.
 */
#include "nabla/parse.h"
#include "nabla/limits.h"
#include "front/lex.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct NbParser {
    const char *name;
    const char *src;
    size_t len;
    NbLexer lx;
    NbToken tok;      /* current token */
    NbToken ahead;    /* one token of lookahead (NAME '=' in arguments) */
    int has_ahead;
    int started;
    /* per statement */
    NbArena *arena;
    NbDiag *d;
    int prev_kind;    /* kind of the last consumed token: implicit '*' */
    NbPos prev_end;   /* and where it ended: where a missing token goes */
    int have_prev;
    int depth;        /* nesting, against NB_MAX_DEPTH */
    int open;         /* brackets open in the parser */
    long nodes;       /* against NB_MAX_AST_NODES */
    int failed;
    int resume_here;  /* recovery restarts at the current token */
    size_t prev_end_byte;      /* just past the last consumed token */
    size_t span_start, span_end; /* the last statement's bytes (pages) */
    int step_open;    /* open + 1 while a range's upper end is parsed at
                         that bracket depth: `step` there is no factor */
};

/* ---- tokens ---------------------------------------------------------- */

static void next(NbParser *p)
{
    p->prev_kind = p->tok.kind;
    p->prev_end = p->tok.end;
    p->prev_end_byte = p->tok.start + p->tok.len;
    p->have_prev = 1;
    if (p->has_ahead) {
        p->tok = p->ahead;
        p->has_ahead = 0;
    } else {
        nb_lex_next(&p->lx, &p->tok);
    }
}

static const NbToken *peek(NbParser *p)
{
    if (!p->has_ahead) {
        nb_lex_next(&p->lx, &p->ahead);
        p->has_ahead = 1;
    }
    return &p->ahead;
}

static int is_pi(const NbParser *p, const NbToken *t)
{
    return (unsigned char)p->src[t->start] == 0xCF;
}

/* The text of a NAME token ("pi" for π) in the arena. */
static const char *name_text(NbParser *p, const NbToken *t)
{
    if (is_pi(p, t))
        return nb_arena_strndup(p->arena, "pi", 2);
    return nb_arena_strndup(p->arena, p->src + t->start, t->len);
}

/* The contents of a STRING token with \" and \\ resolved (the lexer has
 * checked that these are the only escapes). */
static const char *string_text(NbParser *p, const NbToken *t)
{
    const char *s = p->src + t->start + 1;
    size_t n = t->len - 2, j = 0;
    char *out = nb_arena_alloc(p->arena, n + 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            i++;
        out[j++] = s[i];
    }
    out[j] = '\0';
    return out;
}

/* "name 'x'", "number '3'", "end of line" ... for messages. */
static void describe(const NbParser *p, const NbToken *t, char *buf,
                     size_t size)
{
    int n = t->len > 24 ? 20 : (int)t->len;
    const char *more = t->len > 24 ? "..." : "";
    const char *s = p->src + t->start;
    switch (t->kind) {
    case NB_TK_EOF: snprintf(buf, size, "end of input"); break;
    case NB_TK_NEWLINE: snprintf(buf, size, "end of line"); break;
    case NB_TK_NUMBER:
        snprintf(buf, size, "number '%.*s%s'", n, s, more);
        break;
    case NB_TK_NAME:
        snprintf(buf, size, "name '%.*s%s'", n, s, more);
        break;
    case NB_TK_STRING: snprintf(buf, size, "string"); break;
    case NB_TK_POW: snprintf(buf, size, "'**'"); break;
    case NB_TK_DOTDOT: snprintf(buf, size, "'..'"); break;
    case '\'': snprintf(buf, size, "\"'\""); break;
    default: snprintf(buf, size, "'%c'", t->kind); break;
    }
}

/* ---- errors ---------------------------------------------------------- */

/* Report an error at pos and return NULL. When the current token is a
 * lexical error, that is the real cause and is reported instead. Only the
 * first error of a statement counts. */
static NbAst *error_at(NbParser *p, NbPos pos, NbErrCode code,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static NbAst *error_at(NbParser *p, NbPos pos, NbErrCode code,
                       const char *fmt, ...)
{
    if (p->failed)
        return NULL;
    p->failed = 1;
    if (p->tok.kind == NB_TK_ERROR) {
        nb_diag_set(p->d, p->lx.err_code, "%s", p->lx.err_msg);
        pos = p->tok.pos;
        p->resume_here = 0;
    } else {
        va_list ap;
        va_start(ap, fmt);
        nb_diag_vset(p->d, code, fmt, ap);
        va_end(ap);
    }
    nb_diag_locate(p->d, p->name, pos, p->src, p->len);
    return NULL;
}

/* Where a missing token belongs: right after the previous token when the
 * parser has reached the end of the line or input or crossed a newline
 * inside brackets (that is where the user would type it), else at the
 * token found. */
static NbPos missing_pos(const NbParser *p)
{
    const NbToken *t = &p->tok;
    if (p->have_prev && (t->kind == NB_TK_EOF || t->kind == NB_TK_NEWLINE ||
                         t->nl_before))
        return p->prev_end;
    return t->pos;
}

static NbAst *equals_error(NbParser *p)
{
    return error_at(p, p->tok.pos, NB_ERR_SYNTAX,
                    "unexpected '=' (assign with 'name = value' as a "
                    "statement, or pass 'name=value' in a call)");
}

/* The current token cannot start an operand here. */
static NbAst *unexpected(NbParser *p)
{
    const NbToken *t = &p->tok;
    char what[64];
    switch (t->kind) {
    case NB_TK_EOF:
        return error_at(p, missing_pos(p), NB_ERR_SYNTAX,
                        "unexpected end of input");
    case NB_TK_NEWLINE:
        return error_at(p, missing_pos(p), NB_ERR_SYNTAX,
                        "unexpected end of line");
    case '=':
        return equals_error(p);
    case NB_TK_DOTDOT:
        return error_at(p, t->pos, NB_ERR_SYNTAX,
                        "a range a..b is only allowed as a keyword value, "
                        "as in plot(f, x=-3..3)");
    case '\'':
        return error_at(p, t->pos, NB_ERR_SYNTAX,
                        "unexpected \"'\" (a prime follows a function name, "
                        "as in f'(x))");
    case ')':
    case ']':
        if (p->open == 0)
            return error_at(p, t->pos, NB_ERR_SYNTAX,
                            "unexpected '%c' (no matching '%c')", t->kind,
                            t->kind == ')' ? '(' : '[');
        break;
    default:
        break;
    }
    describe(p, t, what, sizeof what);
    return error_at(p, t->pos, NB_ERR_SYNTAX, "unexpected %s", what);
}

/* 1 for a token that can start an operand: after a complete operand it
 * means an operator is missing. */
static int starts_operand(int kind)
{
    return kind == NB_TK_NAME || kind == NB_TK_NUMBER ||
           kind == NB_TK_STRING || kind == '(' || kind == '[';
}

/* The current token cannot follow a complete expression. */
static NbAst *after_operand(NbParser *p, const char *hint)
{
    if (starts_operand(p->tok.kind) && !p->tok.nl_before) {
        char what[64];
        describe(p, &p->tok, what, sizeof what);
        return error_at(p, p->tok.pos, NB_ERR_SYNTAX, "unexpected %s (%s)",
                        what, hint);
    }
    return unexpected(p);
}

/* Consume the bracket `close` matching `open` at open_pos. */
static int expect_close(NbParser *p, int close, int open, NbPos open_pos,
                        const char *hint)
{
    const NbToken *t = &p->tok;
    if (t->kind == close) {
        next(p);
        return 1;
    }
    if (t->kind == '=' || t->kind == NB_TK_DOTDOT || t->kind == '\'' ||
        t->kind == NB_TK_ERROR || (starts_operand(t->kind) && !t->nl_before)) {
        after_operand(p, hint);
        return 0;
    }
    /* The bracket was most likely left open on an earlier line: what
     * follows may be a good statement, so recovery restarts there. */
    if (t->nl_before)
        p->resume_here = 1;
    NbPos at = missing_pos(p);
    if (at.line == open_pos.line)
        error_at(p, at, NB_ERR_SYNTAX,
                 "expected '%c' to close '%c' opened at column %d", close,
                 open, open_pos.col);
    else
        error_at(p, at, NB_ERR_SYNTAX,
                 "expected '%c' to close '%c' opened at line %d, column %d",
                 close, open, open_pos.line, open_pos.col);
    return 0;
}

/* Count one level of nesting; fails past NB_MAX_DEPTH. */
static int enter(NbParser *p)
{
    if (++p->depth <= NB_MAX_DEPTH)
        return 1;
    error_at(p, p->tok.pos, NB_ERR_DEPTH, "nesting deeper than %d levels",
             NB_MAX_DEPTH);
    return 0;
}

static void leave(NbParser *p)
{
    p->depth--;
}

/* ---- nodes ----------------------------------------------------------- */

static NbAst *new_node(NbParser *p, NbAstKind kind, NbPos pos, int nargs)
{
    if (++p->nodes > NB_MAX_AST_NODES)
        return error_at(p, pos, NB_ERR_TOO_LARGE,
                        "statement too large (more than %ld syntax nodes)",
                        (long)NB_MAX_AST_NODES);
    /* One allocation for the node and its argument array. */
    size_t size = sizeof(NbAst) + (size_t)nargs * sizeof(NbAst *);
    NbAst *n = nb_arena_alloc(p->arena, size);
    n->kind = kind;
    n->pos = pos;
    n->nargs = nargs;
    if (nargs > 0)
        n->args = (NbAst **)(n + 1);
    return n;
}

static NbAst *new_binary(NbParser *p, NbAstKind kind, int op, NbPos pos,
                         NbAst *a, NbAst *b)
{
    NbAst *n = new_node(p, kind, pos, 2);
    if (!n)
        return NULL;
    n->op = op;
    n->args[0] = a;
    n->args[1] = b;
    return n;
}

/* An argument list growing in the arena (the abandoned copies die with
 * the arena; doubling keeps them under the final size). */
typedef struct List {
    NbAst **items;
    int n, cap;
} List;

static void list_push(NbParser *p, List *l, NbAst *a)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 4;
        NbAst **items = nb_arena_alloc(p->arena, (size_t)cap * sizeof *items);
        if (l->n)
            memcpy(items, l->items, (size_t)l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = a;
}

typedef struct Named {
    const char *name;
    int index;
} Named;

static int named_cmp(const void *a, const void *b)
{
    const Named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The index of the first name (in source order) that repeats an earlier
 * one, or -1. Sorting keeps this O(n log n) for huge argument lists. */
static int find_duplicate(NbParser *p, const char *const *names, int n)
{
    if (n < 2)
        return -1;
    Named *v = nb_arena_alloc(p->arena, (size_t)n * sizeof *v);
    for (int i = 0; i < n; i++) {
        v[i].name = names[i];
        v[i].index = i;
    }
    qsort(v, (size_t)n, sizeof *v, named_cmp);
    int first = -1;
    for (int i = 1; i < n; i++)
        if (strcmp(v[i - 1].name, v[i].name) == 0 &&
            (first < 0 || v[i].index < first))
            first = v[i].index;
    return first;
}

/* ---- expressions ----------------------------------------------------- */

static NbAst *subexpr(NbParser *p, int limit);

/* 1 when the current token is the word `step` of a range. */
static int at_step(const NbParser *p)
{
    return p->tok.kind == NB_TK_NAME && !p->tok.nl_before && p->tok.len == 4
           && memcmp(p->src + p->tok.start, "step", 4) == 0;
}

/* range := sum '..' sum ['step' sum]       (current token: '..')
 * The loosest construct, so -3..3 is (-3)..3. While the upper end is
 * parsed, `step` ends it rather than multiplying it (10 step 0.5 is not
 * 10*step). Without a step it is a range (keyword values); with one, the
 * vector of its points (lowering checks which is allowed where). */
static NbAst *range(NbParser *p, NbAst *lo)
{
    NbPos pos = p->tok.pos;
    next(p);
    int saved = p->step_open;
    p->step_open = p->open + 1;
    NbAst *hi = subexpr(p, 0);
    p->step_open = saved;
    if (!hi)
        return NULL;
    if (!at_step(p))
        return new_binary(p, NB_AST_RANGE, 0, pos, lo, hi);
    next(p);
    NbAst *st = subexpr(p, 0);
    NbAst *r = st ? new_node(p, NB_AST_RANGE, pos, 3) : NULL;
    if (!r)
        return NULL;
    r->args[0] = lo;
    r->args[1] = hi;
    r->args[2] = st;
    return r;
}

/* expr := sum ['..' sum ['step' sum]] */
static NbAst *expr(NbParser *p)
{
    NbAst *e = subexpr(p, 0);
    if (e && p->tok.kind == NB_TK_DOTDOT)
        return range(p, e);
    return e;
}

/* keyword := NAME '=' expr     (current token: NAME; expr may be a range) */
static NbAst *keyword(NbParser *p)
{
    NbAst *kw = new_node(p, NB_AST_KEYWORD, p->tok.pos, 1);
    if (!kw)
        return NULL;
    kw->text = name_text(p, &p->tok);
    next(p); /* NAME */
    next(p); /* '=' */
    NbAst *v = expr(p);
    kw->args[0] = v;
    return v ? kw : NULL;
}

/* arg := keyword | expr       (keywords after all positional arguments) */
static NbAst *argument(NbParser *p, int nkw)
{
    if (p->tok.kind == NB_TK_NAME && peek(p)->kind == '=')
        return keyword(p);
    NbPos pos = p->tok.pos;
    NbAst *e = expr(p);
    if (e && p->tok.kind == '=')
        return error_at(p, p->tok.pos, NB_ERR_SYNTAX,
                        "a keyword argument needs a name before '='");
    if (e && nkw > 0)
        return error_at(p, pos, NB_ERR_SYNTAX,
                        "positional argument after keyword arguments");
    return e;
}

/* Check that keyword names are distinct. */
static int check_keywords(NbParser *p, NbAst **args, int nargs, int nkw)
{
    if (nkw < 2)
        return 1;
    const char **names = nb_arena_alloc(p->arena, (size_t)nkw * sizeof *names);
    for (int i = 0; i < nkw; i++)
        names[i] = args[nargs - nkw + i]->text;
    int dup = find_duplicate(p, names, nkw);
    if (dup < 0)
        return 1;
    NbAst *kw = args[nargs - nkw + dup];
    error_at(p, kw->pos, NB_ERR_SYNTAX, "duplicate keyword argument '%s'",
             kw->text);
    return 0;
}

/* call := NAME {'\''} '(' [arg {',' arg}] ')'    (current token: '(') */
static NbAst *call(NbParser *p, NbAst *n)
{
    NbPos open = p->tok.pos;
    if (!enter(p))
        return NULL;
    next(p);
    p->open++;
    List args = {NULL, 0, 0};
    int nkw = 0;
    if (p->tok.kind != ')') {
        for (;;) {
            NbAst *a = argument(p, nkw);
            if (!a)
                return NULL;
            nkw += a->kind == NB_AST_KEYWORD;
            list_push(p, &args, a);
            if (p->tok.kind != ',')
                break;
            next(p);
        }
    }
    if (!expect_close(p, ')', '(', open, "missing operator or ','?"))
        return NULL;
    p->open--;
    leave(p);
    if (!check_keywords(p, args.items, args.n, nkw))
        return NULL;
    n->kind = NB_AST_CALL;
    n->nargs = args.n;
    n->args = args.items;
    return n;
}

/* name := NAME | NAME {'\''} '(' args ')'     (current token: NAME) */
static NbAst *name_or_call(NbParser *p)
{
    NbToken name = p->tok;
    NbAst *n = new_node(p, NB_AST_NAME, name.pos, 0);
    if (!n)
        return NULL;
    n->text = name_text(p, &name);
    next(p);
    while (p->tok.kind == '\'') {
        n->primes++;
        next(p);
    }
    if (p->tok.kind == '(')
        return call(p, n);
    if (n->primes > 0)
        return error_at(p, missing_pos(p), NB_ERR_SYNTAX,
                        "expected '(' after %s%.*s (a derivative is called "
                        "as %s'(x))", n->text, n->primes > 3 ? 3 : n->primes,
                        "'''", n->text);
    return n;
}

/* group := '(' expr ')' */
static NbAst *group(NbParser *p)
{
    NbPos open = p->tok.pos;
    if (!enter(p))
        return NULL;
    next(p);
    p->open++;
    NbAst *e = expr(p);
    if (!e || !expect_close(p, ')', '(', open, "missing operator?"))
        return NULL;
    p->open--;
    leave(p);
    return e;
}

/* vector := '[' [expr {',' expr}] ']' */
static NbAst *vector(NbParser *p)
{
    NbPos open = p->tok.pos;
    NbAst *v = new_node(p, NB_AST_VECTOR, open, 0);
    if (!v || !enter(p))
        return NULL;
    next(p);
    p->open++;
    List items = {NULL, 0, 0};
    if (p->tok.kind != ']') {
        for (;;) {
            NbAst *e = expr(p);
            if (!e)
                return NULL;
            list_push(p, &items, e);
            if (p->tok.kind != ',')
                break;
            next(p);
        }
    }
    if (!expect_close(p, ']', '[', open, "missing operator or ','?"))
        return NULL;
    p->open--;
    leave(p);
    v->nargs = items.n;
    v->args = items.items;
    return v;
}

/* index := operand {'[' expr ']'}   (each '[' right after the operand,
 * on the same line). p[1][2] loops; each index counts as a level of
 * nesting until the chain ends, since its tree is as deep as it is long. */
static NbAst *postfix(NbParser *p, NbAst *n)
{
    int levels = 0;
    while (n && p->tok.kind == '[' && !p->tok.nl_before) {
        NbPos open = p->tok.pos;
        if (!enter(p))
            return NULL;
        levels++;
        next(p);
        p->open++;
        NbAst *i = expr(p);
        if (!i || !expect_close(p, ']', '[', open, "one index: p[1][2]"))
            return NULL;
        p->open--;
        n = new_binary(p, NB_AST_INDEX, 0, open, n, i);
    }
    p->depth -= levels;
    return n;
}

static NbAst *operand(NbParser *p);

/* primary := operand {'[' expr ']'} */
static NbAst *primary(NbParser *p)
{
    return postfix(p, operand(p));
}

/* operand := NUMBER | STRING | name | group | vector */
static NbAst *operand(NbParser *p)
{
    NbAst *n;
    switch (p->tok.kind) {
    case NB_TK_NUMBER:
    case NB_TK_STRING:
        n = new_node(p, p->tok.kind == NB_TK_NUMBER ? NB_AST_NUMBER
                                                    : NB_AST_STRING,
                     p->tok.pos, 0);
        if (!n)
            return NULL;
        n->text = p->tok.kind == NB_TK_STRING
                      ? string_text(p, &p->tok)
                      : nb_arena_strndup(p->arena, p->src + p->tok.start,
                                         p->tok.len);
        next(p);
        return n;
    case NB_TK_NAME:
        return name_or_call(p);
    case '(':
        return group(p);
    case '[':
        return vector(p);
    default:
        return unexpected(p);
    }
}

/* Binary operator priorities, as in Lua: left > limit to bind. */
enum { OPR_ADD, OPR_SUB, OPR_MUL, OPR_DIV, OPR_IMPLICIT, OPR_POW, OPR_NONE };
/* ORDER OPR */
static const struct {
    unsigned char left, right;
    char op;
} priority[] = {
    {10, 10, '+'}, {10, 10, '-'}, {11, 11, '*'}, {11, 11, '/'},
    {11, 11, '*'}, {14, 13, '^'},
};
#define UNARY_PRIORITY 12

/* The binary operator at the current token, including the implicit '*'
 * between a number or closing bracket and what follows it. */
static int binop(const NbParser *p)
{
    int prev = p->prev_kind, k = p->tok.kind;
    if (p->tok.nl_before && (k == NB_TK_NAME || k == '(' || k == NB_TK_NUMBER))
        return OPR_NONE; /* implicit '*' never spans a line break */
    switch (k) {
    case '+': return OPR_ADD;
    case '-': return OPR_SUB;
    case '*': return OPR_MUL;
    case '/': return OPR_DIV;
    case '^':
    case NB_TK_POW: return OPR_POW;
    case NB_TK_NAME:
        if (p->step_open == p->open + 1 && at_step(p))
            return OPR_NONE;
        /* fall through */
    case '(':
        if (prev == NB_TK_NUMBER || prev == ')' || prev == ']')
            return OPR_IMPLICIT;
        return OPR_NONE;
    case NB_TK_NUMBER:
        return prev == ')' || prev == ']' ? OPR_IMPLICIT : OPR_NONE;
    default:
        return OPR_NONE;
    }
}

/* subexpr := (('-' | '+') subexpr(UNARY) | primary) {binop subexpr(right)}
 * taking only operators whose left priority exceeds limit. Loosest first:
 * '+' '-' (10); '*' '/' implicit (11); unary (12); '^' '**' (14, right
 * priority 13: right-associative, and its exponent may be a unary). */
static NbAst *subexpr(NbParser *p, int limit)
{
    NbAst *left;
    if (p->tok.kind == '-' || p->tok.kind == '+') {
        int op = p->tok.kind;
        NbPos pos = p->tok.pos;
        if (!enter(p))
            return NULL;
        next(p);
        NbAst *a = subexpr(p, UNARY_PRIORITY);
        leave(p);
        if (!a || !(left = new_node(p, NB_AST_UNARY, pos, 1)))
            return NULL;
        left->op = op;
        left->args[0] = a;
    } else if (!(left = primary(p))) {
        return NULL;
    }
    for (int op = binop(p); op != OPR_NONE && priority[op].left > limit;
         op = binop(p)) {
        NbPos pos = p->tok.pos; /* implicit: where the right factor starts */
        int nest = priority[op].right < priority[op].left;
        if (nest && !enter(p))
            return NULL;
        if (op != OPR_IMPLICIT)
            next(p);
        NbAst *right = subexpr(p, priority[op].right);
        if (nest)
            leave(p);
        if (!right)
            return NULL;
        left = new_binary(p, NB_AST_BINARY, priority[op].op, pos, left, right);
        if (!left)
            return NULL;
        left->implicit = op == OPR_IMPLICIT;
    }
    return left;
}

/* ---- statements ------------------------------------------------------ */

static int at_statement_end(const NbParser *p)
{
    int k = p->tok.kind;
    return k == NB_TK_NEWLINE || k == ';' || k == NB_TK_EOF;
}

int nb_is_command_word(const char *name)
{
    static const char *const words[] = {"set", "help", "load", "vars",
                                        "funcs", "quit", "exit", "clear"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(name, words[i]) == 0)
            return 1;
    return 0;
}

/* 1 when the current NAME token is a command word that starts a command:
 * not followed by '(' (a call) or '=' (an assignment). */
static int at_command(const NbParser *p)
{
    const NbToken *t = &p->tok;
    char word[8];
    if (t->kind != NB_TK_NAME || t->len >= sizeof word)
        return 0;
    memcpy(word, p->src + t->start, t->len);
    word[t->len] = '\0';
    if (!nb_is_command_word(word))
        return 0;
    assert(!p->has_ahead);
    size_t i = t->start + t->len;
    while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
        i++;
    return i >= p->len || (p->src[i] != '(' && p->src[i] != '=');
}

/* command := COMMANDWORD {word} (up to the end of the line, ';' or '#') */
static NbAst *command(NbParser *p)
{
    NbAst *n = new_node(p, NB_AST_COMMAND, p->tok.pos, 0);
    if (!n)
        return NULL;
    n->text = name_text(p, &p->tok);
    int cap = 0;
    for (;;) {
        NbToken w;
        int k = nb_lex_word(&p->lx, &w);
        if (k == NB_TK_NEWLINE || k == NB_TK_EOF)
            break;
        if (k == NB_TK_ERROR) {
            p->tok = w; /* error_at reports the lexer's message */
            return error_at(p, w.pos, NB_ERR_SYNTAX, "bad command word");
        }
        if (++p->nodes > NB_MAX_AST_NODES)
            return error_at(p, w.pos, NB_ERR_TOO_LARGE,
                            "statement too large (more than %ld syntax "
                            "nodes)", (long)NB_MAX_AST_NODES);
        if (n->nwords == cap) {
            int c2 = cap ? 2 * cap : 4;
            const char **words = nb_arena_alloc(p->arena, c2 * sizeof *words);
            NbPos *pos = nb_arena_alloc(p->arena, c2 * sizeof *pos);
            if (cap) {
                memcpy(words, n->words, cap * sizeof *words);
                memcpy(pos, n->word_pos, cap * sizeof *pos);
            }
            n->words = words;
            n->word_pos = pos;
            cap = c2;
        }
        n->words[n->nwords] = k == NB_TK_STRING
            ? string_text(p, &w)
            : nb_arena_strndup(p->arena, p->src + w.start, w.len);
        n->word_pos[n->nwords++] = w.pos;
    }
    next(p); /* the separator after the words */
    return n;
}

/* funcdef := NAME '(' [NAME {',' NAME}] ')' '=' expr: turn the call on the
 * left of '=' into a definition with distinct parameter names. */
static NbAst *funcdef(NbParser *p, NbAst *lhs)
{
    if (lhs->primes > 0)
        return error_at(p, lhs->pos, NB_ERR_SYNTAX,
                        "cannot define %s' directly: define %s(x) = ... "
                        "and use %s'(x)", lhs->text, lhs->text, lhs->text);
    NbAst *f = new_node(p, NB_AST_FUNCDEF, lhs->pos, 1);
    if (!f)
        return NULL;
    f->text = lhs->text;
    f->nparams = lhs->nargs;
    f->params = nb_arena_alloc(p->arena, (size_t)lhs->nargs * sizeof(char *));
    f->param_pos = nb_arena_alloc(p->arena, (size_t)lhs->nargs * sizeof(NbPos));
    for (int i = 0; i < lhs->nargs; i++) {
        NbAst *a = lhs->args[i];
        if (a->kind != NB_AST_NAME || a->primes)
            return error_at(p, a->pos, NB_ERR_SYNTAX,
                            "function parameters must be names");
        f->params[i] = a->text;
        f->param_pos[i] = a->pos;
    }
    int dup = find_duplicate(p, f->params, f->nparams);
    if (dup >= 0)
        return error_at(p, f->param_pos[dup], NB_ERR_SYNTAX,
                        "duplicate parameter '%s'", f->params[dup]);
    return f;
}

/* statement := command | NAME '=' expr | funcdef | expr */
static NbAst *statement(NbParser *p)
{
    if (at_command(p))
        return command(p);
    int first = p->tok.kind;
    NbAst *e = expr(p);
    if (!e)
        return NULL;
    if (p->tok.kind == '=') {
        NbAst *target;
        if (first == NB_TK_NAME && e->kind == NB_AST_NAME) {
            if (!(target = new_node(p, NB_AST_ASSIGN, e->pos, 1)))
                return NULL;
            target->text = e->text;
        } else if (first == NB_TK_NAME && e->kind == NB_AST_CALL) {
            if (!(target = funcdef(p, e)))
                return NULL;
        } else {
            return error_at(p, p->tok.pos, NB_ERR_SYNTAX,
                            "cannot assign to an expression (the left side "
                            "of '=' must be a name, or f(x) to define a "
                            "function)");
        }
        next(p);
        if (!(target->args[0] = expr(p)))
            return NULL;
        if (p->tok.kind == '=')
            return error_at(p, p->tok.pos, NB_ERR_SYNTAX,
                            "unexpected '=' (one assignment per statement)");
        e = target;
    }
    if (!at_statement_end(p))
        return after_operand(p, "missing operator?");
    return e;
}

/* After an error: go on at the start of the next statement. Normally that
 * is after the next newline or ';' outside brackets (brackets opened
 * before the error are forgotten); when the error was a bracket left open
 * on an earlier line, it is the token that revealed it. */
static void recover(NbParser *p)
{
    NbToken t = p->tok;
    p->has_ahead = 0;
    if (p->resume_here) {
        nb_lex_rewind(&p->lx, &t, 0);
        nb_lex_next(&p->lx, &p->tok);
        return;
    }
    if (at_statement_end(p)) {
        p->lx.depth = 0;
        return;
    }
    nb_lex_rewind(&p->lx, &t, t.kind == NB_TK_ERROR);
    do
        nb_lex_next(&p->lx, &p->tok);
    while (!at_statement_end(p));
    p->lx.depth = 0; /* a ';' inside brackets ends the skipping too */
}

NbParser *nb_parser_new(const char *name, const char *text, size_t len)
{
    NbParser *p = nb_xcalloc(1, sizeof *p);
    p->name = name;
    p->src = text;
    p->len = len;
    /* Positions are ints: a source too large to hold them is refused by
     * the first nb_parser_next(), before a byte is read. */
    if (len > (size_t)NB_MAX_SOURCE_BYTES)
        nb_lex_init(&p->lx, "", 0);
    else
        nb_lex_init(&p->lx, text, len);
    return p;
}

void nb_parser_free(NbParser *p)
{
    free(p);
}

int nb_parser_next(NbParser *p, NbArena *arena, NbAst **out, NbDiag *d)
{
    *out = NULL;
    p->arena = arena;
    p->d = d;
    p->depth = p->open = 0;
    p->nodes = 0;
    p->failed = p->resume_here = 0;
    if (!p->started) {
        p->started = 1;
        if (p->len > (size_t)NB_MAX_SOURCE_BYTES) {
            /* The lexer was given no text (see nb_parser_new). */
            nb_lex_next(&p->lx, &p->tok);
            nb_diag_set(d, NB_ERR_TOO_LARGE, "source too large (more than "
                        "%ld bytes)", (long)NB_MAX_SOURCE_BYTES);
            NbPos nowhere = {0, 0, 0};
            nb_diag_locate(d, p->name, nowhere, NULL, 0);
            return -1;
        }
        nb_lex_next(&p->lx, &p->tok);
    }
    while (p->tok.kind == NB_TK_NEWLINE || p->tok.kind == ';')
        next(p);
    p->have_prev = 0;
    p->prev_kind = NB_TK_NEWLINE;
    if (p->tok.kind == NB_TK_EOF)
        return 0;
    p->span_start = p->tok.start;
    NbAst *st = statement(p);
    if (st) {
        p->span_end = p->prev_end_byte;
        *out = st;
        return 1;
    }
    assert(p->failed);
    int resumed = p->resume_here;
    recover(p);
    p->span_end = resumed || p->tok.start < p->span_start ? p->prev_end_byte
                                                         : p->tok.start;
    if (p->span_end <= p->span_start)
        p->span_end = p->span_start + 1 <= p->len ? p->span_start + 1
                                                  : p->span_start;
    return -1;
}

void nb_parser_span(const NbParser *p, size_t *start, size_t *end)
{
    *start = p->span_start;
    *end = p->span_end;
}

/* ---- the prompt ------------------------------------------------------ */

int nb_source_incomplete(const char *text, size_t len)
{
    int depth = 0;
    size_t last_bs = (size_t)-1; /* a '\' in code (not string, comment) */
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"') {
            for (i++; i < len && text[i] != '"'; i++)
                if (text[i] == '\\')
                    i++;
            if (i >= len)
                return 1; /* inside a string */
        } else if (c == '#') {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
        } else if (c == '(' || c == '[') {
            depth++;
        } else if ((c == ')' || c == ']') && depth > 0) {
            depth--;
        } else if (c == '\\') {
            last_bs = i;
        }
    }
    if (depth > 0)
        return 1;
    size_t end = len;
    while (end > 0 && strchr(" \t\r\n", text[end - 1]))
        end--;
    return end > 0 && last_bs == end - 1;
}

/* ---- exact literals -------------------------------------------------- */

int nb_parse_number(const char *text, mpq_t q, NbDiag *d)
{
    const char *s = text;
    int neg = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    size_t n = strlen(s);
    NbNumParts np;
    int bad_dot;
    if (nb_lex_scan_number(s, n, &np, &bad_dot) != n || n == 0)
        return nb_diag_set(d, NB_ERR_SYNTAX, "invalid number '%.40s'", text);
    char msg[160];
    NbErrCode code = nb_lex_check_number(&np, msg, sizeof msg);
    if (code != NB_OK)
        return nb_diag_set(d, code, "%s", msg);
    /* The mantissa digits without leading and trailing zeros: value =
     * digits * 10^k. The check above bounds both sizes, so GMP is safe. */
    size_t total = np.n_int + np.n_frac;
    char *digits = nb_xmalloc(total + 1);
    memcpy(digits, np.int_digits, np.n_int);
    memcpy(digits + np.n_int, np.frac_digits, np.n_frac);
    size_t lead = 0, end = total;
    while (lead < total && digits[lead] == '0')
        lead++;
    if (lead == total) {
        free(digits);
        mpq_set_ui(q, 0, 1);
        return NB_OK;
    }
    while (digits[end - 1] == '0')
        end--;
    digits[end] = '\0';
    long k = (np.exp_neg ? -np.exp : np.exp) - (long)np.n_frac +
             (long)(total - end);
    mpz_t pow10;
    mpz_init(pow10);
    mpz_ui_pow_ui(pow10, 10, (unsigned long)(k < 0 ? -k : k));
    mpz_set_str(mpq_numref(q), digits + lead, 10);
    free(digits);
    if (k >= 0) {
        mpz_mul(mpq_numref(q), mpq_numref(q), pow10);
        mpz_set_ui(mpq_denref(q), 1);
    } else {
        mpz_set(mpq_denref(q), pow10);
    }
    mpz_clear(pow10);
    mpq_canonicalize(q);
    if (neg)
        mpq_neg(q, q);
    return NB_OK;
}
