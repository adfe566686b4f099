/* test_command.c — the command modules (src/cmd_*.c) through their
 * contract, include/nabla/command.h: the tables every command lives in
 * (one name, one row; usage, help and example present; keywords without
 * repeats; enumerated values for accepted keywords only), the lookup,
 * every example running cleanly in a fresh session, the helpers commands
 * share (nb_kv_bool, nb_plot_label) and descend's picture builder
 * (nb_descent_figure) on what no command passes it.
 *
 * Expected labels are the forms command.h documents ("x² + y²",
 * "sigmoid(x)·sigmoid(−x)"); legend texts are plot_descent.c's documented
 * "NAME (f = 0 at step N)".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nabla/nabla.h"
#include "nabla/command.h"
#include "check.h"
#include "mini_lower.h"

static const struct {
    const char *file;
    const NbCommand *rows;
} tables[] = {
#define ROW(name) {"cmd_" #name ".c", nb_cmds_##name},
    NB_COMMAND_MODULES(ROW)
#undef ROW
};
#define NTABLES (sizeof tables / sizeof tables[0])

static int has_keyword(const NbCommand *c, const char *k)
{
    for (size_t i = 0; c->keywords && c->keywords[i]; i++)
        if (strcmp(c->keywords[i], k) == 0)
            return 1;
    return 0;
}

/* Each row: what help and completion read is there and consistent. */
static void test_rows(void)
{
    size_t total = 0;
    for (size_t t = 0; t < NTABLES; t++) {
        size_t n = 0;
        for (const NbCommand *c = tables[t].rows; c->name; c++, n++) {
            size_t len = strlen(c->name);
            int ok = c->run && c->help && *c->help && c->example &&
                     *c->example && c->usage &&
                     strncmp(c->usage, c->name, len) == 0 &&
                     c->usage[len] == '(';
            CHECK(ok, "%s %s: run, usage \"%s(...\", help and example",
                  tables[t].file, c->name, c->name);
            CHECK(nb_command_lookup(c->name) == c,
                  "lookup finds %s's own row (no other table has it)", c->name);
            int dup = 0;
            for (size_t i = 0; c->keywords && c->keywords[i]; i++)
                for (size_t j = 0; j < i; j++)
                    dup |= strcmp(c->keywords[i], c->keywords[j]) == 0;
            CHECK(!dup, "%s: no keyword listed twice", c->name);
            int vals_ok = 1;
            for (const NbKeyValues *v = c->values; v && v->keyword; v++)
                vals_ok &= has_keyword(c, v->keyword) && v->value(0) != NULL;
            CHECK(vals_ok, "%s: enumerated values only for its keywords, "
                  "each with a first value", c->name);
        }
        CHECK(n > 0, "%s has commands (%zu)", tables[t].file, n);
        total += n;
    }
    CHECK(nb_command_lookup("nosuchcommand") == NULL &&
          nb_command_lookup("") == NULL && nb_command_lookup("Diff") == NULL,
          "lookup of unknown names (case matters) gives NULL");
    CHECK(total >= 20, "%zu commands in all", total);
}

/* The file an example writes (its to="..." value), or NULL; malloc'd. */
static char *to_file(const char *ex)
{
    const char *to = strstr(ex, "to=\"");
    return to ? strndup(to + 4, strcspn(to + 4, "\"")) : NULL;
}

/* Every example runs without an error in a fresh session that writes to
 * memory, at help's settings (plots off); one with to= writes its file,
 * here in a fresh folder (help shows the output of the others; a failing
 * example is a broken manual). */
static void test_examples(void)
{
    char dir[] = "/tmp/nabla-test-command-XXXXXX", cwd[4096];
    if (!mkdtemp(dir) || !getcwd(cwd, sizeof cwd) || chdir(dir) != 0) {
        CHECK(0, "a scratch folder for the examples");
        return;
    }
    for (size_t t = 0; t < NTABLES; t++)
        for (const NbCommand *c = tables[t].rows; c->name; c++) {
            char *out = NULL, *err = NULL, *file = to_file(c->example);
            size_t nout = 0, nerr = 0;
            NbSessionOpts o;
            nb_session_opts_default(&o);
            o.plots = NB_PLOTS_OFF;
            o.out = open_memstream(&out, &nout);
            o.err = open_memstream(&err, &nerr);
            NbSession *s = nb_session_new(&o);
            int rc = nb_session_run(s, "example", c->example,
                                    strlen(c->example));
            nb_session_free(s);
            fclose(o.out);
            fclose(o.err);
            struct stat sb;
            int wrote = !file || (stat(file, &sb) == 0 && sb.st_size > 0);
            CHECK(rc == 0 && nerr == 0 && wrote,
                  "example of %s runs cleanly%s: %s%s", c->name,
                  file ? " and writes its file" : "", c->example,
                  nerr ? err : "");
            if (file)
                unlink(file);
            free(file);
            free(out);
            free(err);
        }
    if (chdir(cwd) != 0)
        CHECK(0, "back to %s", cwd);
    CHECK(rmdir(dir) == 0, "the examples wrote only their to= files");
}

static void test_helpers(void)
{
    CHECK_STR(nb_kv_bool(0), "true", "nb_kv_bool(0)");
    CHECK_STR(nb_kv_bool(1), "false", "nb_kv_bool(1)");
    CHECK(nb_kv_bool(2) == NULL, "nb_kv_bool ends after two values");

    NbStore *st = nb_store_new();
    static const struct { const char *in, *want; } lab[] = {
        {"x^2 + y^2", "x² + y²"},
        {"sigmoid(x)*sigmoid(-x)", "sigmoid(x)·sigmoid(−x)"},
    };
    for (size_t i = 0; i < sizeof lab / sizeof lab[0]; i++) {
        const NbExpr *e = mini_parse(st, lab[i].in);
        char *l = e ? nb_plot_label(e) : NULL;
        CHECK_STR(l, lab[i].want, "label of %s", lab[i].in);
        free(l);
    }
    nb_store_free(st);
}

/* A run of three recorded steps with the given f values. */
typedef struct Run3 {
    NbDescentResult r;
    long step[3];
    double x[3], f[3];
} Run3;

static void run3(Run3 *q, double f0, double f1, double f2)
{
    memset(q, 0, sizeof *q);
    q->step[0] = 0, q->step[1] = 1, q->step[2] = 2;
    q->x[0] = 1, q->x[1] = 0.5, q->x[2] = 0;
    q->f[0] = f0, q->f[1] = f1, q->f[2] = f2;
    q->r.n = 1;
    q->r.npts = 3;
    q->r.steps = 2;
    q->r.pt_step = q->step;
    q->r.pt_x = q->x;
    q->r.pt_f = q->f;
}

/* The SVG of f, in memory (caller frees). */
static char *svg_of(const NbFigure *f)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    nb_figure_write_svg(f, m);
    fclose(m);
    return buf;
}

static void test_descent_figure(void)
{
    NbSessionOpts o;
    nb_session_opts_default(&o);
    NbSession *s = nb_session_new(&o);
    NbStore *st = nb_session_store(s);
    const NbExpr *v3[3] = {nb_sym(st, "x"), nb_sym(st, "y"), nb_sym(st, "z")};
    NbDescentPic p;
    memset(&p, 0, sizeof p);
    p.body = mini_parse(st, "x^2 + y^2 + z^2");
    p.vars = v3;
    p.n = 3;
    NbDiag d = NB_DIAG_INIT;
    NbFigure *f = nb_descent_figure(s, &p, 0, 0, &d);
    CHECK(!f && d.code == NB_ERR_ARGS, "three variables: no path picture");
    CHECK_STR(d.msg, "a descent's picture shows one or two variables (this f "
              "has 3); curve=true draws the learning curves", "its message");
    nb_figure_free(f);
    nb_diag_clear(&d);

    /* learning curves: any number of variables; one run reaches f = 0,
     * which a log axis cannot show, so its legend says where */
    Run3 a, b;
    run3(&a, 4, 1, 0);
    run3(&b, 4, 2, 1);
    const NbDescentResult *runs[2] = {&a.r, &b.r};
    const char *labels[2] = {"gd", "adam"};
    p.curve = 1;
    p.runs = runs;
    p.nruns = 2;
    p.labels = labels;
    f = nb_descent_figure(s, &p, 0, 0, &d);
    CHECK(f && d.code == NB_OK && nb_figure_rows(f) == 1 &&
          nb_figure_cols(f) == 1 && nb_panel_layers(f, 0) == 2,
          "curve=true: one panel, a line per run");
    char *svg = f ? svg_of(f) : NULL;
    CHECK(svg && strstr(svg, "gd (f = 0 at step 2)") && strstr(svg, ">adam<") &&
          strstr(svg, "learning curves"),
          "legend: the run that reached 0 says at which step; title");
    free(svg);
    nb_figure_free(f);

    /* f < 0 somewhere: a linear axis, and no "f = 0" note */
    run3(&a, 1, 0, -1);
    p.labels = NULL;
    p.nruns = 1;
    f = nb_descent_figure(s, &p, 0, 0, &d);
    svg = f ? svg_of(f) : NULL;
    CHECK(svg && !strstr(svg, "f = 0 at step"),
          "f going negative: linear axis, no note");
    free(svg);
    nb_figure_free(f);
    nb_diag_clear(&d);
    nb_session_free(s);
}

int main(void)
{
    test_rows();
    test_examples();
    test_helpers();
    test_descent_figure();
    mpfr_free_cache();
    return check_done();
}
