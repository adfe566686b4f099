/* test_session.c — the session API (include/nabla/session.h,
 * command.h) as a program embedding libnabla uses it: default options,
 * output and errors on the caller's streams, coloured diagnostics, JSON
 * assignments, the names offered for completion, files that cannot be
 * read, and nb_arg_double. What a user sees from the nabla program is in
 * tests/cases and tests/errors; this is the API around it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/nabla.h"
#include "nabla/command.h"
#include "check.h"

/* A session writing to memory. */
typedef struct Mem {
    char *out, *err;
    size_t nout, nerr;
    NbSessionOpts o;
} Mem;

static NbSession *mem_session(Mem *m, void (*tweak)(NbSessionOpts *))
{
    memset(m, 0, sizeof *m);
    nb_session_opts_default(&m->o);
    m->o.out = open_memstream(&m->out, &m->nout);
    m->o.err = open_memstream(&m->err, &m->nerr);
    if (tweak)
        tweak(&m->o);
    return nb_session_new(&m->o);
}

/* Run text; then out and err hold everything written so far. */
static int run(NbSession *s, Mem *m, const char *text)
{
    int rc = nb_session_run(s, "t", text, strlen(text));
    fflush(m->o.out);
    fflush(m->o.err);
    return rc;
}

static void mem_free(NbSession *s, Mem *m)
{
    nb_session_free(s);
    fclose(m->o.out);
    fclose(m->o.err);
    free(m->out);
    free(m->err);
}

static void test_defaults(void)
{
    NbSessionOpts o;
    memset(&o, 0x55, sizeof o);
    nb_session_opts_default(&o);
    CHECK(o.prec == NB_PREC_DOUBLE && o.digits == 0 && o.format == NB_FORMAT_TEXT
              && !o.keep_going && !o.quiet && !o.color && !o.echo
              && o.plots == NB_PLOTS_AUTO && o.term_cols == 0 && !o.show_picture
              && !o.page && !o.confirm && o.out == stdout && o.err == stderr,
          "default options: double, shortest digits, text, stdout and stderr");
    NbSession *s = nb_session_new(NULL);
    const NbSessionOpts *so = nb_session_opts(s);
    CHECK(so->out == stdout && so->err == stderr && so->prec == NB_PREC_DOUBLE,
          "a session made without options has the defaults");
    nb_session_opts_mut(s)->prec = 128;
    CHECK(nb_session_opts(s)->prec == 128, "options can be changed after");
    nb_session_free(s);
}

static void color(NbSessionOpts *o) { o->color = 1; }
static void json_echo(NbSessionOpts *o) { o->format = NB_FORMAT_JSON; o->echo = 1; }
static void keep_going(NbSessionOpts *o) { o->keep_going = 1; }

static void test_streams(void)
{
    Mem m;
    NbSession *s = mem_session(&m, NULL);
    CHECK(run(s, &m, "1/3 + 1/6\nx = 2\nx^10\n") == 0 && strcmp(m.out, "1/2\n1024\n") == 0
              && m.nerr == 0, "results on the session's out");
    CHECK(run(s, &m, "1/0\n2\n") == 1 && strcmp(m.out, "1/2\n1024\n") == 0,
          "a failed statement stops the run (nothing more printed)");
    CHECK(strcmp(m.err, "t:1:2: error: division by zero\n    1/0\n     ^\n") == 0,
          "the error on err, named by the source name");
    mem_free(s, &m);

    s = mem_session(&m, keep_going);
    CHECK(run(s, &m, "1/0\n2\n") == 1 && strcmp(m.out, "2\n") == 0,
          "keep_going: the statements after a failure run, the run still fails");
    mem_free(s, &m);

    /* colour: "error:" bold red, the caret bold green, the rest as is */
    s = mem_session(&m, color);
    run(s, &m, "1/0\n");
    CHECK_STR(m.err, "t:1:2: \033[1;31merror:\033[0m division by zero\n    1/0\n     "
              "\033[1;32m^\033[0m\n", "coloured diagnostic");
    mem_free(s, &m);

    /* JSON Lines: an echoed assignment is a document of its own (an exact
     * fraction as a string, as every exact value in JSON) */
    s = mem_session(&m, json_echo);
    run(s, &m, "a = 3/4\n");
    CHECK_STR(m.out, "{\"command\":\"assign\",\"name\":\"a\",\"value\":\"3/4\"}\n",
              "JSON assignment");
    mem_free(s, &m);
}

static int seen(const char *const *names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], want) == 0)
            return 1;
    return 0;
}

typedef struct Names {
    const char *v[512];
    size_t n;
} Names;

static void collect(const char *name, void *ctx)
{
    Names *c = ctx;
    if (c->n < sizeof c->v / sizeof *c->v)
        c->v[c->n++] = strdup(name);
}

static void names_free(Names *c)
{
    for (size_t i = 0; i < c->n; i++)
        free((char *)c->v[i]);
    c->n = 0;
}

static void test_names(void)
{
    Mem m;
    NbSession *s = mem_session(&m, NULL);
    run(s, &m, "rate = 0.5\nf(t) = t^2\nf(3)\n");
    Names c = {{0}, 0};
    nb_session_each_name(s, -1, collect, &c);
    CHECK(c.n == 3 && seen(c.v, c.n, "ans") && seen(c.v, c.n, "rate") && seen(c.v, c.n, "f"),
          "names only: ans, the variable and the function (%zu names)", c.n);
    names_free(&c);
    nb_session_each_name(s, 0, collect, &c);
    size_t mid = c.n;
    CHECK(seen(c.v, c.n, "sin") && seen(c.v, c.n, "descend") && seen(c.v, c.n, "pi")
              && !seen(c.v, c.n, "vars"),
          "in an expression: built-ins, commands and constants, no statement words");
    names_free(&c);
    nb_session_each_name(s, 1, collect, &c);
    CHECK(c.n > mid && seen(c.v, c.n, "vars") && seen(c.v, c.n, "load") && seen(c.v, c.n, "set"),
          "at the start of a statement: the statement words too");
    names_free(&c);
    mem_free(s, &m);
}

static void test_files(void)
{
    Mem m;
    NbSession *s = mem_session(&m, NULL);
    CHECK(nb_session_run_file(s, "/nonexistent/a.nabla") == 2, "a file that is not there: 2");
    fflush(m.o.err);
    CHECK_STR(m.err, "nabla: error: cannot read '/nonexistent/a.nabla': No such file or directory\n",
              "a file that is not there: the reason");
    mem_free(s, &m);
    s = mem_session(&m, NULL);
    CHECK(nb_session_run_file(s, "/") == 2, "a directory cannot be run: 2");
    fflush(m.o.err);
    CHECK(m.err && strstr(m.err, "cannot read '/': Is a directory") != NULL,
          "a directory: its reason");
    mem_free(s, &m);
}

static void test_arg_double(void)
{
    Mem m;
    NbSession *s = mem_session(&m, NULL);
    NbStore *st = nb_session_store(s);
    NbDiag d = NB_DIAG_INIT;
    double v = 0;
    NbArg a = {0};
    a.value = nb_num_frac(st, 3, 4);
    CHECK(nb_arg_double(s, &a, &v, &d) == 0 && v == 0.75, "nb_arg_double(3/4) = 0.75");
    a.value = nb_const(st, NB_CONST_PI);
    CHECK(nb_arg_double(s, &a, &v, &d) == 0 && v == 3.141592653589793, "pi");
    a.value = nb_sym(st, "x");
    CHECK(nb_arg_double(s, &a, &v, &d) == -1 && d.msg
              && strcmp(d.msg, "a number is expected here") == 0,
          "a free variable is not a number");
    nb_diag_clear(&d);
    a.value = nb_str(st, "s");
    CHECK(nb_arg_double(s, &a, &v, &d) == -1, "nor a string");
    nb_diag_clear(&d);
    a.value = nb_num_si(st, 2);
    a.value = nb_pow(st, a.value, nb_num_si(st, 2000));
    CHECK(nb_arg_double(s, &a, &v, &d) == -1 && d.code != NB_OK,
          "2^2000 does not fit a double (%s)", d.msg ? d.msg : "no message");
    nb_diag_clear(&d);
    mem_free(s, &m);
}

int main(void)
{
    test_defaults();
    test_streams();
    test_names();
    test_files();
    test_arg_double();
    mpfr_free_cache();
    return check_done();
}
