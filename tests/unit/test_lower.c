/* test_lower.c — lowering (lower.c): syntax trees to canonical
 * expressions in a session, and the name helpers the session's errors use
 * (session_internal.h): constants, the closest name for "did you mean",
 * closedness, and the two kinds of tree the parser never puts where an
 * expression goes (a keyword outside a call, a statement).
 *
 * Expected suggestions follow lower.c's stated rule, worked by hand: the
 * optimal string alignment distance, at most 2 and at most (len+1)/3
 * (at least 1) edits, fewer than the name's length, the first of equals
 * kept; a typed prefix of 3 or more letters counts as 2 edits and is
 * allowed whatever the length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/nabla.h"
#include "session/session_internal.h"
#include "check.h"

static void test_constants(void)
{
    static const char *const yes[] = {"pi", "e", "inf", "nan"};
    static const char *const no[] = {"E", "Pi", "pie", "ee", "infinity", ""};
    for (size_t i = 0; i < 4; i++)
        CHECK(nb_is_constant_name(yes[i]), "%s is a constant", yes[i]);
    for (size_t i = 0; i < 6; i++)
        CHECK(!nb_is_constant_name(no[i]), "'%s' is not", no[i]);
}

static void test_closest(void)
{
    static const char *const trig[] = {"sin", "sinh", "cos", NULL};
    static const char *const one[] = {"f", "g", NULL};
    static const char *const cosl[] = {"cos", NULL};
    static const char *const gam[] = {"gamma", "lgamma", NULL};
    char longname[80];
    memset(longname, 'a', 70);
    longname[70] = '\0';
    const char *const longlist[] = {longname, NULL};
    static const struct { const char *name; const char *const *list;
                          const char *want; } c[] = {
        {"sinn", trig, "sin"},   /* 1 edit from sin and sinh: the first */
        {"cso", trig, "cos"},    /* a transposition is one edit */
        {"sinhh", trig, "sinh"},
        {"sin", trig, "sinh"},   /* not itself: sinh, one letter more */
        {"cos", cosl, NULL},     /* the name itself is no suggestion */
        {"x", one, NULL},        /* one letter: 1 edit is the whole name */
        {"tan", trig, NULL},     /* tan -> sin: 2 edits > (3+1)/3 */
        {"lgam", gam, "lgamma"}, /* a prefix, though 2 > (4+1)/3 */
        {"gam", gam, "gamma"},
        {"ga", gam, NULL},       /* prefixes count from 3 letters */
        {"lgammaa", gam, "lgamma"},
        {"gmama", gam, "gamma"}, /* transposition: 1 edit */
        {"xyzzy", gam, NULL},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const char *got = nb_closest_name(c[i].name, c[i].list);
        if (c[i].want)
            CHECK_STR(got, c[i].want, "closest to '%s'", c[i].name);
        else
            CHECK(got == NULL, "nothing close to '%s' (got %s)", c[i].name,
                  got ? got : "NULL");
    }
    char near[80];
    memcpy(near, longname, 71);
    near[69] = 'b';
    CHECK(nb_closest_name(near, longlist) == NULL,
          "names over 64 bytes are never compared");
}

static NbSession *quiet_session(void)
{
    NbSessionOpts o;
    nb_session_opts_default(&o);
    o.out = fopen("/dev/null", "w");
    o.err = fopen("/dev/null", "w");
    return nb_session_new(&o);
}

static void quiet_free(NbSession *s)
{
    FILE *out = nb_session_opts(s)->out, *err = nb_session_opts(s)->err;
    nb_session_free(s);
    fclose(out);
    fclose(err);
}

static void test_suggest(void)
{
    NbSession *s = quiet_session();
    const char *defs = "myfunc(t) = t + 1\nalpha = 3\n";
    CHECK(nb_session_run(s, "t", defs, strlen(defs)) == 0, "definitions");
    CHECK_STR(nb_suggest(s, "sinn", 1), "sin", "a built-in");
    CHECK_STR(nb_suggest(s, "myfunk", 1), "myfunc", "a user function");
    CHECK_STR(nb_suggest(s, "gard", 1), "grad", "a command");
    CHECK_STR(nb_suggest(s, "flaot", 1), "float", "float");
    CHECK_STR(nb_suggest(s, "alpah", 0), "alpha", "a variable, when names "
              "are asked for");
    CHECK(nb_suggest(s, "alpah", 1) == NULL, "not when only functions are");
    CHECK_STR(nb_suggest(s, "pii", 0), "pi", "a constant");
    quiet_free(s);
}

/* The expression statement text lowers to (parsed, then nb_lower). */
static const NbExpr *lower_text(NbSession *s, NbArena *ar, const char *text,
                                NbDiag *d)
{
    NbParser *p = nb_parser_new("t", text, strlen(text));
    NbAst *a = NULL;
    const NbExpr *e = nb_parser_next(p, ar, &a, d) == 1 ? nb_lower(s, a, d)
                                                         : NULL;
    nb_parser_free(p);
    return e;
}

static void test_lower_and_closed(void)
{
    NbSession *s = quiet_session();
    NbArena ar = NB_ARENA_INIT;
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *e = lower_text(s, &ar, "1/3 + 1/6", &d);
    CHECK(e && e == nb_num_frac(nb_session_store(s), 1, 2),
          "exact arithmetic folds while lowering: the node 1/2");
    CHECK(e && nb_closed(s, e), "1/2 is closed");
    e = lower_text(s, &ar, "sin(1) + pi", &d);
    CHECK(e && nb_closed(s, e), "sin(1) + pi is closed (not folded, but "
          "has a value)");
    e = lower_text(s, &ar, "x^2 + 1", &d);
    CHECK(e && !nb_closed(s, e), "x^2 + 1 has a free variable");
    CHECK(e && !nb_closed(s, e), "the same answer from the memo");
    e = lower_text(s, &ar, "[1, \"a\"]", &d);
    CHECK(e && !nb_closed(s, e), "a vector holding a string has no value");
    CHECK(!nb_closed(s, NB_NOTHING), "NB_NOTHING is not closed");
    e = lower_text(s, &ar, "1/(2 - 2)", &d);
    CHECK(!e && d.code == NB_ERR_DOMAIN && d.pos.line == 1 &&
          d.pos.col == 2, "division by zero, at the '/' (1:%d)", d.pos.col);
    CHECK_STR(d.msg, "division by zero", "its message");
    nb_diag_clear(&d);

    /* trees the parser keeps out of expressions: refused, not crashed */
    NbAst val = {.kind = NB_AST_NUMBER, .pos = {1, 5, 0}, .text = "2"};
    NbAst *args[1] = {&val};
    NbAst kw = {.kind = NB_AST_KEYWORD, .pos = {1, 1, 0}, .text = "a",
                .nargs = 1, .args = args};
    CHECK(nb_lower(s, &kw, &d) == NULL && d.code == NB_ERR_SYNTAX,
          "a keyword alone is a syntax error");
    CHECK_STR(d.msg, "keyword argument outside a call", "its message");
    nb_diag_clear(&d);
    NbAst as = {.kind = NB_AST_ASSIGN, .pos = {1, 1, 0}, .text = "a",
                .nargs = 1, .args = args};
    CHECK(nb_lower(s, &as, &d) == NULL && d.code == NB_ERR_SYNTAX,
          "an assignment as an operand is a syntax error");
    CHECK_STR(d.msg, "a statement where an expression is expected",
              "its message");
    nb_diag_clear(&d);
    nb_arena_free(&ar);
    quiet_free(s);
}

int main(void)
{
    test_constants();
    test_closest();
    test_suggest();
    test_lower_and_closed();
    mpfr_free_cache();
    return check_done();
}
