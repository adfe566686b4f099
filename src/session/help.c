/* help.c — `help` and `help NAME`, read from the tables themselves (the
 * built-in table, the constant table and the command tables), so help can
 * never disagree with what exists.
 *
 * An example is shown with its real output: help runs it in a scratch
 * session at the default settings (double, shortest digits, text), so the
 * output is what `nabla -e EXAMPLE` prints, whatever the session's
 * settings. An example that writes a picture file (to=) is not run: help
 * must not write files in the user's folder; it says what it would write. */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/builtins.h"
#include "nabla/print.h"
#include "util/alloc.h"

typedef struct Topic {
    const char *name, *usage, *help;
} Topic;

/* Statements that are not in any table: they are part of the grammar. */
static const Topic statements[] = {
    {"set", "set precision BITS|double, set digits N, set format "
     "text|csv|json, set plots auto|image|text|off, set",
     "set alone lists every setting with its value. "
     "Change a setting: the working precision (double: hardware doubles; "
     "BITS: MPFR with that many bits), the significant digits shown for "
     "floats (0: shortest round-trip), the format of tables and results, "
     "and where pictures are drawn besides their to= file: auto (at an "
     "interactive terminal, as an image where the terminal shows images, "
     "else as text), image, text (also into a pipe), off."},
    {"help", "help [NAME]", "List everything, or describe NAME: what it "
     "does, its keywords and an example with the example's real output."},
    {"load", "load \"file.nabla\"", "Run a script file in this session."},
    {"vars", "vars", "List the variables and their values."},
    {"funcs", "funcs", "List the user-defined functions."},
    {"clear", "clear NAME... | clear",
     "Forget variables and functions by name (clear x f), so x is a free "
     "variable again. clear alone forgets every variable and function and "
     "ans; at the prompt it asks first."},
    {"ans", "ans", "The last result: the value the last expression "
     "statement printed (as bc's last, ipython's _). Assignments, "
     "definitions and commands that print a table (descend, hstudy, "
     "gradcheck) leave it as it was; in a function body it is its value "
     "when the function is defined."},
    {"quit", "quit | exit | quit() | exit()",
     "Leave nabla (Ctrl-D also does)."},
    {"float", "float(expr)",
     "The value of expr as a float at the working precision."},
    {"vectors", "[a, b], p[i], m[i][j], a..b step s",
     "Vectors are values. p[1] is the first element (indices start at 1; "
     "m[2][1] in a matrix). Arithmetic and every function apply "
     "elementwise: 2*[1, 2] + [3, 4] is [5, 8], [1, 2]*[3, 4] is [3, 8], "
     "sigmoid([-10, 0, 10]), f(v) and f'(v) for a user function; a number "
     "beside vectors is used at every element, vectors must have one "
     "shape. a..b is a range, given as a keyword (plot(f, x=-3..3)); "
     "a..b step s is the vector of points a, a+s, ..., b. See len, norm, "
     "dot, sum, min, max and table."},
    {NULL, NULL, NULL},
};

/* text on out, indented by two spaces and wrapped before column 78. */
static void wrap(FILE *out, const char *text)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strlen(p);
        if (n > 76) {
            n = 76;
            while (n > 0 && p[n] != ' ')
                n--;
            if (n == 0) /* one long word: let it overflow */
                n = strcspn(p, " ");
        }
        fprintf(out, "  %.*s\n", (int)n, p);
        p += n;
    }
}

static const char *const arg_names[] = {"x", "y", "z", "w", "u", "v", "s", "t"};

static void print_usage(FILE *out, const NbBuiltin *row)
{
    fprintf(out, "%s(", row->name);
    for (int i = 0; i < row->max_args && i < 8; i++) {
        if (i == row->min_args)
            fputc('[', out);
        fprintf(out, "%s%s", i ? ", " : "", arg_names[i]);
    }
    if (row->flags & NB_BF_VARIADIC)
        fputs(", ...", out);
    fputs(row->max_args > row->min_args ? "])" : ")", out);
}

static void help_builtin(FILE *out, const NbBuiltin *row)
{
    size_t n = strlen(row->name);
    if (!(row->help && strncmp(row->help, row->name, n) == 0
          && row->help[n] == '(')) {
        print_usage(out, row);
        fputs(": ", out);
    }
    fprintf(out, "%s\n", row->help ? row->help : "");
    if (row->domain)
        fprintf(out, "  domain: %s\n", row->domain);
}

/* The example ex (up to " -> ", which built-in rows use to say what it
 * prints) on out with its output indented by four spaces, run in a
 * scratch session by the runner (s->run_example). */
static void example(NbSession *s, FILE *out, const char *ex)
{
    if (!ex)
        return;
    const char *arrow = strstr(ex, " -> ");
    char *stmt = arrow ? strndup(ex, (size_t)(arrow - ex)) : strdup(ex);
    fprintf(out, "  example: %s\n", stmt);
    const char *to = strstr(stmt, "to=\"");
    if (to) {
        fprintf(out, "    (writes %.*s; help does not run it)\n",
                (int)strcspn(to + 4, "\""), to + 4);
        free(stmt);
        return;
    }
    char *text = NULL, *errs = NULL;
    size_t len = 0, elen = 0;
    FILE *o = open_memstream(&text, &len);
    FILE *e = open_memstream(&errs, &elen);
    if (o && e && s->run_example)
        s->run_example(stmt, o, e);
    if (o)
        fclose(o);
    if (e)
        fclose(e);
    for (char *p = text; p && *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%s%.*s\n", n ? "    " : "", (int)n, p);
        p += n + (p[n] == '\n');
    }
    if (elen) /* a broken example shows why (tests/cli/reference.sh) */
        fprintf(out, "    example failed: %s", errs);
    free(text);
    free(errs);
    free(stmt);
}

/* The keywords a command accepts, and the values of the enumerated ones,
 * from its row (the list it checks and completion offers). */
static void keywords(FILE *out, const NbCommand *c)
{
    if (!c->keywords || !c->keywords[0])
        return;
    size_t col = (size_t)fprintf(out, "  keywords:");
    for (const char *const *k = c->keywords; *k; k++) {
        size_t w = strlen(*k) + 2;
        if (col + w > 78) {
            fputs("\n   ", out);
            col = 3;
        }
        col += (size_t)fprintf(out, " %s%s", *k, k[1] ? "," : "");
    }
    fputc('\n', out);
    for (const NbKeyValues *v = c->values; v && v->keyword; v++) {
        fprintf(out, "    %s:", v->keyword);
        const char *w;
        for (int i = 0; (w = v->value(i)); i++)
            fprintf(out, " %s", w);
        fputc('\n', out);
    }
}

static void help_command(FILE *out, const NbCommand *c)
{
    fprintf(out, "%s\n", c->usage ? c->usage : c->name);
    if (c->help)
        wrap(out, c->help);
    keywords(out, c);
}

/* Names in columns of a fixed width, wrapped before 80 columns. */
static void name_list(FILE *out, const char *title, const char *const *names,
                      size_t n)
{
    size_t col = (size_t)fprintf(out, "%s:", title);
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(names[i]) + 1;
        if (col + w > 78) {
            fputs("\n ", out);
            col = 1;
        }
        fprintf(out, " %s", names[i]);
        col += w;
    }
    fputc('\n', out);
}

static void help_overview(NbSession *s)
{
    FILE *out = s->o.out;
    const char *names[NB_FN__COUNT + 64];
    size_t n = 0;
    fputs("nabla: calculus for machine learning.\n"
          "  expr                print its value\n"
          "  name = expr         bind a variable\n"
          "  f(x, y) = expr      define a function; f'(x) is its derivative\n",
          out);
    for (int i = 0; i < NB_FN__COUNT; i++)
        names[n++] = nb_builtins[i].name;
    names[n++] = "float";
    name_list(out, "functions", names, n);
    n = 0;
    for (const NbConstant *c = nb_constants; c->name && n < 64; c++)
        names[n++] = c->name;
    name_list(out, "constants", names, n);
    n = 0;
    for (size_t t = 0; t < s->ncommands; t++)
        for (const NbCommand *c = s->commands[t];
             c->name && n < NB_FN__COUNT + 56; c++)
            names[n++] = c->name;
    if (n)
        name_list(out, "commands", names, n);
    n = 0;
    for (const Topic *t = statements; t->name; t++)
        if (strcmp(t->name, "float") != 0)
            names[n++] = t->name;
    name_list(out, "statements", names, n);
    fputs("Type 'help NAME' for details.\n", out);
}

static int help_write(NbSession *s, const char *topic, NbDiag *d)
{
    FILE *out = s->o.out;
    if (!topic) {
        help_overview(s);
        return 0;
    }
    size_t n = strlen(topic);
    char *name = (n >= 2 && topic[0] == '"' && topic[n - 1] == '"')
                     ? strndup(topic + 1, n - 2) : strdup(topic);
    int id = nb_builtin_lookup(name), found = 1;
    const NbCommand *cmd = nb_session_command(s, name);
    int ci = nb_constant_lookup(name);
    NbUserFn *fn = nb_fn_find(s, name);
    NbVar *var = nb_var_find(s, name);
    const Topic *st = NULL;
    for (const Topic *t = statements; t->name && !st; t++)
        if (strcmp(t->name, name) == 0)
            st = t;
    if (fn) {
        fprintf(out, "%s(", fn->name);
        for (size_t i = 0; i < fn->nparams; i++)
            fprintf(out, "%s%s", i ? ", " : "", fn->params[i]->u.name);
        NbPrintOpts po = {s->o.digits};
        char *t = nb_print(fn->body, &po);
        fprintf(out, ") = %s\n  a user function\n", t);
        free(t);
    } else if (var) {
        NbDiag tmp = NB_DIAG_INIT;
        char *t = nb_session_display(s, var->value, var->decimal, &tmp);
        fprintf(out, "%s = %s\n  a variable\n", var->name, t ? t : "?");
        free(t);
        nb_diag_clear(&tmp);
    } else if (id >= 0) {
        help_builtin(out, &nb_builtins[id]);
        example(s, out, nb_builtins[id].example);
    } else if (cmd) {
        help_command(out, cmd);
        example(s, out, cmd->example);
    } else if (ci >= 0)
        fprintf(out, "%s: %s\n", nb_constants[ci].name,
                nb_constants[ci].help ? nb_constants[ci].help : "");
    else if (st) {
        fprintf(out, "%s\n", st->usage);
        wrap(out, st->help);
    }
    else
        found = 0;
    if (!found) {
        const char *sug = nb_suggest(s, name, 0);
        if (sug)
            nb_diag_set(d, NB_ERR_UNKNOWN, "no help for '%s'; did you mean '%s'?",
                        name, sug);
        else
            nb_diag_set(d, NB_ERR_UNKNOWN, "no help for '%s' (`help` lists "
                        "every name)", name);
    }
    free(name);
    return found ? 0 : -1;
}

/* In JSON the help text is one document, {"command":"help","topic":...,
 * "text":...}, so a JSON Lines stream stays one document a line. */
int nb_session_help(NbSession *s, const char *topic, NbDiag *d)
{
    if (s->o.format != NB_FORMAT_JSON)
        return help_write(s, topic, d);
    FILE *out = s->o.out;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = nb_xmemstream(&buf, &len);
    s->o.out = m;
    int rc = help_write(s, topic, d);
    s->o.out = out;
    fclose(m);
    if (rc == 0) {
        fputs("{\"command\":\"help\",\"topic\":", out);
        if (topic)
            nb_json_string(out, topic);
        else
            fputs("null", out);
        fputs(",\"text\":", out);
        nb_json_string(out, buf);
        fputs("}\n", out);
    }
    free(buf);
    return rc;
}
