/* test_help.c — `help` (help.c) through nb_session_help: every built-in,
 * command and constant has a page whose example runs without failing;
 * user functions and variables describe themselves; unknown names get a
 * suggestion or a pointer to `help`; in JSON the page is one document on
 * one line (JSON Lines), with "topic":null for the overview.
 *
 * The expected forms are help.c's contract (its header and the statement
 * table): "NAME(ARGS)" first, "  example: ...", never "example failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/nabla.h"
#include "nabla/builtins.h"
#include "nabla/command.h"
#include "session/session_internal.h"
#include "check.h"

typedef struct Mem {
    char *out;
    size_t n;
    NbSession *s;
    NbSessionOpts o;
} Mem;

static void mem_open(Mem *m, NbFormat fmt)
{
    memset(m, 0, sizeof *m);
    nb_session_opts_default(&m->o);
    m->o.format = fmt;
    m->o.out = open_memstream(&m->out, &m->n);
    m->o.err = fopen("/dev/null", "w");
    m->s = nb_session_new(&m->o);
}

static void mem_close(Mem *m)
{
    nb_session_free(m->s);
    fclose(m->o.out);
    fclose(m->o.err);
    free(m->out);
}

/* help topic's text (NULL on error, *d set); valid until the next call. */
static const char *help(Mem *m, const char *topic, NbDiag *d)
{
    fflush(m->o.out);
    size_t from = m->n;
    int rc = nb_session_help(m->s, topic, d);
    fflush(m->o.out);
    return rc == 0 ? m->out + from : NULL;
}

static void test_every_name(void)
{
    Mem m;
    mem_open(&m, NB_FORMAT_TEXT);
    NbDiag d = NB_DIAG_INIT;
    int bad = 0;
    for (int i = 0; i < NB_FN__COUNT; i++) {
        const char *name = nb_builtins[i].name, *t = help(&m, name, &d);
        size_t n = strlen(name);
        if (!t || strncmp(t, name, n) != 0 || t[n] != '(' ||
            !strstr(t, "  example: ") || strstr(t, "example failed")) {
            CHECK(0, "help %s: usage, a working example: %s", name,
                  t ? t : d.msg);
            bad++;
        }
        nb_diag_clear(&d);
    }
    CHECK(bad == 0, "help of all %d built-ins: usage first and a working "
          "example", NB_FN__COUNT);
    bad = 0;
    int ncmd = 0;
    for (size_t k = 0; k < nb_command_ntables; k++)
        for (const NbCommand *c = nb_command_tables[k]; c->name; c++, ncmd++) {
            const char *t = help(&m, c->name, &d);
            if (!t || strncmp(t, c->usage, strlen(c->usage)) != 0 ||
                !strstr(t, "  example: ") || strstr(t, "example failed")) {
                CHECK(0, "help %s: %s", c->name, t ? t : d.msg);
                bad++;
            }
            nb_diag_clear(&d);
        }
    CHECK(bad == 0, "help of all %d commands: usage first and an example "
          "that runs or names the file it would write", ncmd);
    for (int i = 0; nb_constants[i].name; i++) {
        char want[64];
        snprintf(want, sizeof want, "%s: ", nb_constants[i].name);
        const char *t = help(&m, nb_constants[i].name, &d);
        CHECK(t && strncmp(t, want, strlen(want)) == 0, "help %s: \"%s...\"",
              nb_constants[i].name, want);
        nb_diag_clear(&d);
    }
    const char *q = help(&m, "\"sin\"", &d);
    CHECK(q && strncmp(q, "sin(x): ", 8) == 0, "a quoted topic is the name");
    nb_diag_clear(&d);
    mem_close(&m);
}

static void test_user_names(void)
{
    Mem m;
    mem_open(&m, NB_FORMAT_TEXT);
    const char *defs = "f(x, y) = x^2 + y\na = 5\n";
    CHECK(nb_session_run(m.s, "t", defs, strlen(defs)) == 0, "definitions");
    NbDiag d = NB_DIAG_INIT;
    CHECK_STR(help(&m, "f", &d), "f(x, y) = x^2 + y\n  a user function\n",
              "help of a user function");
    CHECK_STR(help(&m, "a", &d), "a = 5\n  a variable\n",
              "help of a variable");
    nb_diag_clear(&d);
    mem_close(&m);
}

static void test_unknown(void)
{
    Mem m;
    mem_open(&m, NB_FORMAT_TEXT);
    NbDiag d = NB_DIAG_INIT;
    CHECK(help(&m, "sinn", &d) == NULL && d.code == NB_ERR_UNKNOWN,
          "help of an unknown name is an error");
    CHECK_STR(d.msg, "no help for 'sinn'; did you mean 'sin'?",
              "a near name is suggested");
    nb_diag_clear(&d);
    CHECK(help(&m, "qqqzzzwww", &d) == NULL, "no near name");
    CHECK_STR(d.msg, "no help for 'qqqzzzwww' (`help` lists every name)",
              "then help says where the names are");
    nb_diag_clear(&d);
    mem_close(&m);
}

/* One JSON document on one line, for the overview and for a name. */
static void test_json(void)
{
    Mem m;
    mem_open(&m, NB_FORMAT_JSON);
    NbDiag d = NB_DIAG_INIT;
    static const char *const topics[] = {NULL, "sin"};
    static const char *const head[] = {
        "{\"command\":\"help\",\"topic\":null,\"text\":\"",
        "{\"command\":\"help\",\"topic\":\"sin\",\"text\":\"sin(x): "};
    for (int i = 0; i < 2; i++) {
        const char *t = help(&m, topics[i], &d);
        size_t n = t ? strlen(t) : 0;
        CHECK(t && strncmp(t, head[i], strlen(head[i])) == 0 && n > 3 &&
              strcmp(t + n - 3, "\"}\n") == 0 && strchr(t, '\n') == t + n - 1,
              "JSON help %s: one line, %s...", topics[i] ? topics[i] : "(all)",
              head[i]);
    }
    CHECK(help(&m, "sinn", &d) == NULL && m.out[m.n - 1] == '\n' &&
          !strstr(m.out, "sinn"), "a JSON help error writes no document");
    nb_diag_clear(&d);
    mem_close(&m);
}

int main(void)
{
    test_every_name();
    test_user_names();
    test_unknown();
    test_json();
    mpfr_free_cache();
    return check_done();
}
