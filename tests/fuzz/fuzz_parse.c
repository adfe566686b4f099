/* fuzz_parse.c — libFuzzer harness: the scanner and parser on any bytes.
 *
 * The input is a script. Every statement is parsed (after an error the
 * parser resumes at the next statement), and each property the parser
 * promises is checked:
 *   - it terminates and makes progress: at most one statement or error per
 *     input byte (plus one), and nb_parser_span stays inside the input;
 *   - an error is a value: a code other than NB_OK, a message, and a
 *     position inside the input; nb_diag_print renders it;
 *   - the tree is well formed: every kind has its arity, operators are the
 *     documented ones, names are identifiers, positions are in the input;
 *   - each numeric literal is read exactly by nb_parse_number or refused
 *     as too large (the first few of each input: a literal can cost up to
 *     NB_MAX_EXACT_BITS of arithmetic, which is the library's limit, not
 *     a finding).
 */
#include "nabla/nabla.h"
#include "fuzz_common.h"

#include <ctype.h>

enum { MAX_EXACT_NUMBERS = 8 };

typedef struct Ctx {
    const char *text;
    size_t len;
    int lines;
    int numbers;
} Ctx;

static void check_pos(const Ctx *c, NbPos pos, const char *what)
{
    if (pos.line < 1 || pos.line > c->lines || pos.col < 1
        || pos.offset < 0 || (size_t)pos.offset > c->len)
        fuzz_fail("%s at line %d col %d offset %d: outside the input "
                  "(%d lines, %zu bytes)", what, pos.line, pos.col,
                  pos.offset, c->lines, c->len);
}

static int is_identifier(const char *s)
{
    if (strcmp(s, "pi") == 0)
        return 1;
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; s[i]; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static void check_number(Ctx *c, const NbAst *a)
{
    if (c->numbers++ >= MAX_EXACT_NUMBERS)
        return;
    mpq_t q;
    mpq_init(q);
    NbDiag d = NB_DIAG_INIT;
    if (nb_parse_number(a->text, q, &d) != 0
        && (d.code != NB_ERR_TOO_LARGE || !d.msg))
        fuzz_fail("literal '%.40s' refused with code %s: %s", a->text,
                  nb_diag_code_name(d.code), d.msg ? d.msg : "(no message)");
    if (mpq_sgn(q) < 0)
        fuzz_fail("literal '%.40s' read as a negative number", a->text);
    nb_diag_clear(&d);
    mpq_clear(q);
}

/* Arity of each kind: -1 any, else exact (RANGE: 2 or 3). */
static void check_ast(Ctx *c, const NbAst *a, int depth)
{
    static const char *const kinds[] = {
        "NUMBER", "NAME", "STRING", "BINARY", "UNARY", "CALL", "KEYWORD",
        "VECTOR", "RANGE", "INDEX", "ASSIGN", "FUNCDEF", "COMMAND"};
    if (!a)
        fuzz_fail("NULL node in the tree");
    if ((unsigned)a->kind > NB_AST_COMMAND)
        fuzz_fail("node of kind %d", (int)a->kind);
    if (depth > 100000)
        fuzz_fail("tree deeper than the input is long");
    const char *k = kinds[a->kind];
    check_pos(c, a->pos, k);
    if (a->nargs < 0 || (a->nargs > 0 && !a->args))
        fuzz_fail("%s with %d arguments and args %p", k, a->nargs,
                  (void *)a->args);
    int want = -1;
    switch (a->kind) {
    case NB_AST_NUMBER:
        if (!a->text || !a->text[0])
            fuzz_fail("NUMBER without text");
        check_number(c, a);
        want = 0;
        break;
    case NB_AST_NAME:
        if (!a->text || !is_identifier(a->text))
            fuzz_fail("NAME '%s' is not an identifier", a->text ? a->text : "(null)");
        want = 0;
        break;
    case NB_AST_STRING:
        if (!a->text)
            fuzz_fail("STRING without text");
        want = 0;
        break;
    case NB_AST_BINARY:
        if (!a->op || !strchr("+-*/^", a->op))
            fuzz_fail("BINARY with operator %d", a->op);
        want = 2;
        break;
    case NB_AST_UNARY:
        if (a->op != '-' && a->op != '+')
            fuzz_fail("UNARY with operator %d", a->op);
        want = 1;
        break;
    case NB_AST_CALL:
        if (!a->text || !is_identifier(a->text) || a->primes < 0)
            fuzz_fail("CALL of '%s' with %d primes", a->text ? a->text : "(null)",
                      a->primes);
        break;
    case NB_AST_KEYWORD:
    case NB_AST_ASSIGN:
        if (!a->text || !is_identifier(a->text))
            fuzz_fail("%s named '%s'", k, a->text ? a->text : "(null)");
        want = 1;
        break;
    case NB_AST_RANGE:
        if (a->nargs != 2 && a->nargs != 3)
            fuzz_fail("RANGE with %d arguments", a->nargs);
        break;
    case NB_AST_INDEX:
        want = 2;
        break;
    case NB_AST_FUNCDEF:
        if (!a->text || !is_identifier(a->text) || a->nparams < 0
            || (a->nparams > 0 && (!a->params || !a->param_pos)))
            fuzz_fail("FUNCDEF '%s' with %d parameters", a->text ? a->text : "(null)",
                      a->nparams);
        for (int i = 0; i < a->nparams; i++) {
            if (!a->params[i] || !is_identifier(a->params[i]))
                fuzz_fail("FUNCDEF parameter %d is '%s'", i,
                          a->params[i] ? a->params[i] : "(null)");
            check_pos(c, a->param_pos[i], "FUNCDEF parameter");
        }
        want = 1;
        break;
    case NB_AST_COMMAND:
        if (!a->text || a->nwords < 0 || (a->nwords > 0 && (!a->words || !a->word_pos)))
            fuzz_fail("COMMAND '%s' with %d words", a->text ? a->text : "(null)",
                      a->nwords);
        if (!nb_is_command_word(a->text))
            fuzz_fail("COMMAND '%s' is not a command word", a->text);
        for (int i = 0; i < a->nwords; i++) {
            if (!a->words[i])
                fuzz_fail("COMMAND word %d is NULL", i);
            check_pos(c, a->word_pos[i], "COMMAND word");
        }
        want = 0;
        break;
    default:
        break;
    }
    if (want >= 0 && a->nargs != want)
        fuzz_fail("%s with %d arguments (want %d)", k, a->nargs, want);
    for (int i = 0; i < a->nargs; i++)
        check_ast(c, a->args[i], depth + 1);
}

static void check_diag(const Ctx *c, const NbDiag *d)
{
    if (d->code == NB_OK || d->code >= NB_ERR__COUNT || !d->msg || !d->msg[0])
        fuzz_fail("parse error with code %d and message '%s'", (int)d->code,
                  d->msg ? d->msg : "(null)");
    if (strchr(d->msg, '\n'))
        fuzz_fail("error message on more than one line: '%s'", d->msg);
    if (d->pos.line)
        check_pos(c, d->pos, "error");
    nb_diag_print(d, fuzz_devnull());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip_known(data, size))
        return 0;
    char *text = fuzz_text(data, size);
    Ctx c = {text, size, 1, 0};
    for (size_t i = 0; i < size; i++)
        c.lines += text[i] == '\n';
    (void)nb_source_incomplete(text, size);
    NbParser *p = nb_parser_new("fuzz", text, size);
    NbArena arena = NB_ARENA_INIT;
    size_t steps = 0;
    for (;;) {
        NbAst *ast = NULL;
        NbDiag d = NB_DIAG_INIT;
        int r = nb_parser_next(p, &arena, &ast, &d);
        if (r == 0) {
            if (d.code != NB_OK)
                fuzz_fail("end of input with an error set");
            break;
        }
        if (++steps > size + 1)
            fuzz_fail("more than %zu statements or errors in %zu bytes",
                      steps - 1, size);
        size_t start, end;
        nb_parser_span(p, &start, &end);
        if (start > end || end > size)
            fuzz_fail("statement span [%zu, %zu) in %zu bytes", start, end, size);
        if (r == 1) {
            if (d.code != NB_OK)
                fuzz_fail("statement parsed with an error set");
            check_ast(&c, ast, 0);
        } else if (r == -1) {
            check_diag(&c, &d);
        } else {
            fuzz_fail("nb_parser_next returned %d", r);
        }
        nb_diag_clear(&d);
        nb_arena_free(&arena);
    }
    nb_arena_free(&arena);
    nb_parser_free(p);
    free(text);
    return 0;
}
