/* session.c — the statement runner, the top of the session: a session's
 * lifetime (made with the command registry), variables and user
 * functions, settings, the statements that are not expressions (set,
 * help, vars, funcs, load, clear, quit), running text and files, and the
 * names offered for completion (SPEC §2, §7, §9). Values are printed by
 * value.c; commands read their state and arguments through state.c and
 * args.c, below the commands, so nothing below links back to this file.
 *
 * Each statement gets its own arena for its syntax tree and a fresh trial
 * evaluation cache, so an error or an interrupt leaves nothing behind but
 * interned nodes (which the store owns).
 *
 * Printing rules: an expression statement prints its value on out — a
 * closed value as a number (exact when exact arithmetic holds it, else a
 * float at the working precision), anything else as its canonical symbolic
 * form; `name = expr` and `f(x) = expr` print "name = value" /
 * "f(x) = body" only when echo is on (the prompt); a command that prints
 * its own output returns NB_NOTHING and nothing more is printed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/builtins.h"
#include "nabla/limits.h"
#include "nabla/page.h"
#include "nabla/parse.h"
#include "nabla/print.h"
#include "util/alloc.h"

enum { MAX_LOAD_DEPTH = 32, MAX_DIGITS = NB_MAX_DIGITS };

/* rc of one statement: 0 done, 1 failed with d to print, 2 failed and
 * already reported (a loaded file's own errors), or NB_SESSION_QUIT. */
enum { ST_OK = 0, ST_FAIL = 1, ST_REPORTED = 2 };

static void run_example(const char *stmt, FILE *out, FILE *err);

/* --- lifetime --------------------------------------------------------------- */

void nb_session_opts_default(NbSessionOpts *o)
{
    memset(o, 0, sizeof *o);
    o->prec = NB_PREC_DOUBLE;
    o->format = NB_FORMAT_TEXT;
    o->out = stdout;
    o->err = stderr;
}

NbSession *nb_session_new(const NbSessionOpts *o)
{
    NbSession *s = nb_xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    if (o)
        s->o = *o;
    else
        nb_session_opts_default(&s->o);
    if (!s->o.out)
        s->o.out = stdout;
    if (!s->o.err)
        s->o.err = stderr;
    s->st = nb_store_new();
    s->cache = nb_eval_cache_new();
    nb_progress_init(&s->progress, s->o.progress);
    s->commands = nb_command_tables;
    s->ncommands = nb_command_ntables;
    s->run_example = run_example;
    return s;
}

static void fn_free(NbUserFn *fn)
{
    free((char *)fn->name);
    free((void *)fn->params);
    free(fn);
}

static void free_tmpfns(NbSession *s)
{
    for (size_t i = 0; i < s->ntmpfns; i++) {
        free((void *)s->tmpfns[i]->params);
        free(s->tmpfns[i]);
    }
    s->ntmpfns = 0;
}

void nb_session_free(NbSession *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nvars; i++)
        free(s->vars[i].name);
    for (size_t i = 0; i < s->nfns; i++)
        fn_free(s->fns[i]);
    free_tmpfns(s);
    free(s->tmpfns);
    free(s->vars);
    free(s->fns);
    nb_nametab_free(&s->var_index);
    nb_nametab_free(&s->fn_index);
    free(s->closed);
    free(s->scratch);
    free(s->path_coords);
    free(s->path_f);
    nb_pictures_free(s);
    nb_eval_cache_free(s->cache);
    nb_store_free(s->st);
    free(s);
}

/* --- bindings ------------------------------------------------------------- */

static void remove_var(NbSession *s, const char *name)
{
    NbVar *v = nb_var_find(s, name);
    if (!v)
        return;
    nb_nametab_del(&s->var_index, name);
    free(v->name);
    *v = s->vars[--s->nvars];
    if (v != &s->vars[s->nvars]) /* the last one moved into the hole */
        nb_nametab_put(&s->var_index, v->name, (uintptr_t)(v - s->vars) + 1);
}

static void remove_fn(NbSession *s, const char *name)
{
    NbUserFn *fn = nb_fn_find(s, name);
    if (!fn)
        return;
    nb_nametab_del(&s->fn_index, name);
    for (size_t i = s->nfns; i-- > 0;)
        if (s->fns[i] == fn) {
            fn_free(s->fns[i]);
            memmove(&s->fns[i], &s->fns[i + 1],
                    (s->nfns - i - 1) * sizeof *s->fns);
            s->nfns--;
            return;
        }
}

static void bind_var(NbSession *s, const char *name, const NbExpr *value)
{
    remove_fn(s, name);
    NbVar *v = nb_var_find(s, name);
    if (v) {
        v->value = value;
        v->decimal = s->decimal;
        return;
    }
    if (s->nvars == s->vars_cap) {
        s->vars_cap = s->vars_cap ? s->vars_cap * 2 : 16;
        s->vars = nb_xrealloc(s->vars, s->vars_cap * sizeof *s->vars);
    }
    s->vars[s->nvars].name = nb_xstrdup(name);
    s->vars[s->nvars].decimal = s->decimal;
    s->vars[s->nvars++].value = value;
    nb_nametab_put(&s->var_index, s->vars[s->nvars - 1].name, s->nvars);
}

static void bind_fn(NbSession *s, const char *name, size_t np,
                    const NbExpr **params, const NbExpr *body)
{
    remove_var(s, name);
    remove_fn(s, name);
    NbFnRec *rec = nb_xrealloc(NULL, sizeof *rec);
    NbUserFn *fn = &rec->fn;
    rec->decimal = s->decimal;
    fn->name = nb_xstrdup(name);
    fn->nparams = np;
    fn->params = params;
    fn->body = body;
    if (s->nfns == s->fns_cap) {
        s->fns_cap = s->fns_cap ? s->fns_cap * 2 : 16;
        s->fns = nb_xrealloc(s->fns, s->fns_cap * sizeof *s->fns);
    }
    s->fns[s->nfns++] = fn;
    nb_nametab_put(&s->fn_index, fn->name, (uintptr_t)fn);
}

/* Names that cannot be rebound: constants, built-ins and commands. */
static int check_bindable(NbSession *s, const char *name, NbPos pos,
                          NbDiag *d)
{
    if (nb_is_constant_name(name))
        nb_diag_set(d, NB_ERR_TYPE, "cannot assign to the constant '%s'", name);
    else if (strcmp(name, "ans") == 0)
        nb_diag_set(d, NB_ERR_TYPE, "cannot assign to 'ans': it is the last "
                    "result");
    else if (nb_builtin_lookup(name) >= 0 || strcmp(name, "float") == 0)
        nb_diag_set(d, NB_ERR_TYPE, "cannot assign to '%s': it is a built-in function",
                    name);
    else if (nb_session_command(s, name) || nb_is_command_word(name))
        nb_diag_set(d, NB_ERR_TYPE, "cannot assign to '%s': it is a command",
                    name);
    else
        return 0;
    nb_lower_fail(s, d, pos);
    return -1;
}

/* The command an expression statement a calls, or "value". */
static const char *result_name(const NbSession *s, const NbAst *a)
{
    if (a && a->kind == NB_AST_CALL && a->primes == 0 &&
        nb_session_command(s, a->text))
        return a->text;
    return "value";
}

/* --- statements ------------------------------------------------------------------ */

/* 1 when e is a string or a vector holding one (pictures are values). */
static int holds_string(NbSession *s, const NbExpr *e)
{
    if (e->kind == NB_STR)
        return !nb_session_picture(s, e);
    for (size_t i = 0; e->kind == NB_VEC && i < e->n; i++)
        if (holds_string(s, e->args[i]))
            return 1;
    return 0;
}

/* Strings are arguments (file names, labels, methods: SPEC §2), so a
 * string literal alone, or a variable bound to one, is a mistake worth
 * saying; a command's string result (latex(), ccode()) is printed. */
static int string_value(NbSession *s, const NbExpr *v, int assign, NbPos pos,
                        NbDiag *d)
{
    if (!holds_string(s, v))
        return 0;
    nb_diag_set(d, NB_ERR_TYPE, "%s (strings are only arguments: file names, "
                "labels, methods)", assign ? "a variable cannot hold a string"
                                           : "a string is not a value to print");
    nb_lower_fail(s, d, pos);
    return -1;
}

static int run_expr(NbSession *s, const NbAst *a, NbDiag *d)
{
    s->top = a;
    s->top_is_statement = 1;
    if (a->kind == NB_AST_CALL && !a->primes
        && (strcmp(a->text, "quit") == 0 || strcmp(a->text, "exit") == 0)) {
        if (a->nargs == 0)
            return NB_SESSION_QUIT; /* quit(), exit(): as Python spells it */
        nb_diag_set(d, NB_ERR_ARGS, "%s() takes no arguments", a->text);
        nb_lower_fail(s, d, a->args[0]->pos);
        return ST_FAIL;
    }
    const NbExpr *v = nb_lower(s, a, d);
    if (!v)
        return ST_FAIL;
    if (v == NB_NOTHING)
        return ST_OK;
    if (a->kind != NB_AST_CALL && string_value(s, v, 0, a->pos, d))
        return ST_FAIL;
    if (nb_value_print(s, v, a->pos, result_name(s, a), d))
        return ST_FAIL;
    if (!nb_session_picture(s, v)) {
        /* ans: the value shown (a closed value as its number), as bc's
         * last and ipython's _; assignments and tables leave it alone */
        const NbExpr *sv = nb_value_shown(s, v, d);
        s->ans = sv ? sv : v;
        s->ans_decimal = s->decimal;
    }
    return ST_OK;
}

static int run_assign(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (check_bindable(s, a->text, a->pos, d))
        return ST_FAIL;
    s->top = a->args[0];
    const NbExpr *v = nb_lower(s, a->args[0], d);
    if (!v)
        return ST_FAIL;
    if (v == NB_NOTHING) {
        nb_diag_set(d, NB_ERR_TYPE, "this command prints its result and has no value to assign");
        nb_lower_fail(s, d, a->args[0]->pos);
        return ST_FAIL;
    }
    if (string_value(s, v, 1, a->args[0]->pos, d))
        return ST_FAIL;
    bind_var(s, a->text, v);
    if (s->o.echo && nb_value_print_binding(s, a->text, v, s->o.out, d))
        return nb_lower_fail(s, d, a->pos), ST_FAIL;
    return ST_OK;
}

static int check_params(NbSession *s, const NbAst *a, NbDiag *d)
{
    for (int i = 0; i < a->nparams; i++) {
        const char *p = a->params[i];
        NbPos pos = a->param_pos ? a->param_pos[i] : a->pos;
        if (nb_is_constant_name(p))
            nb_diag_set(d, NB_ERR_ARGS, "parameter '%s' is a constant", p);
        else if (nb_builtin_lookup(p) >= 0)
            nb_diag_set(d, NB_ERR_ARGS, "parameter '%s' is a built-in function", p);
        else {
            int dup = 0;
            for (int k = 0; k < i; k++)
                dup |= strcmp(a->params[k], p) == 0;
            if (!dup)
                continue;
            nb_diag_set(d, NB_ERR_ARGS, "parameter '%s' appears twice", p);
        }
        nb_lower_fail(s, d, pos);
        return -1;
    }
    return 0;
}

static int run_funcdef(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (check_bindable(s, a->text, a->pos, d) || check_params(s, a, d))
        return ST_FAIL;
    s->defining = a->text;
    s->params = a->params;
    s->nparams = (size_t)a->nparams;
    s->top = NULL;
    const NbExpr *body = nb_lower(s, a->args[0], d);
    s->defining = NULL;
    s->params = NULL;
    s->nparams = 0;
    if (!body)
        return ST_FAIL;
    const NbExpr **params = nb_xrealloc(NULL, ((size_t)a->nparams + 1) * sizeof *params);
    for (int i = 0; i < a->nparams; i++)
        params[i] = nb_sym(s->st, a->params[i]);
    bind_fn(s, a->text, (size_t)a->nparams, params, body);
    if (s->o.echo)
        nb_value_print_fn(s, s->fns[s->nfns - 1], s->o.out);
    return ST_OK;
}

/* --- command statements: set, help, vars, funcs, load, quit ---------------- */

static int word_error(NbSession *s, const NbAst *a, int i, NbDiag *d)
{
    NbPos pos = i >= 0 && i < a->nwords && a->word_pos ? a->word_pos[i] : a->pos;
    nb_lower_fail(s, d, pos);
    return ST_FAIL;
}

static int parse_count(const char *w, long lo, long hi, long *out)
{
    char *end;
    if (!w || !(*w >= '0' && *w <= '9'))
        return -1;
    errno = 0;
    long v = strtol(w, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int set_precision(NbSession *s, const NbAst *a, NbDiag *d)
{
    const char *w = a->words[1];
    long v;
    if (strcmp(w, "double") == 0)
        v = NB_PREC_DOUBLE;
    else if (parse_count(w, NB_MIN_PRECISION, NB_MAX_PRECISION, &v)) {
        nb_diag_set(d, NB_ERR_PRECISION,
                    "precision must be a number of bits from %d to %ld, or double",
                    NB_MIN_PRECISION, (long)NB_MAX_PRECISION);
        return word_error(s, a, 1, d);
    }
    s->o.prec = v;
    nb_eval_cache_clear(s->cache);
    nb_session_digits_note(s);
    return ST_OK;
}

/* About how many significant decimal digits prec holds (17 in double:
 * enough to read a double back). */
static long digits_held(long prec)
{
    return prec == NB_PREC_DOUBLE ? 17 : (long)mpfr_get_str_ndigits(10, prec);
}

void nb_session_digits_note(NbSession *s)
{
    long held = digits_held(s->o.prec), want = s->o.digits;
    if (want <= held)
        return;
    long bits = (long)ceil(want * 3.3219280948873623) + 1; /* log2(10) */
    if (s->o.prec == NB_PREC_DOUBLE)
        fprintf(s->o.err, "note: a double holds 17 significant digits: "
                "%sdigits past the 17th are the binary value's; `set "
                "precision %ld` for %ld that hold\n",
                want > 40 ? "floats show at most 40, and " : "", bits, want);
    else
        fprintf(s->o.err, "note: %ld bits hold about %ld significant digits; "
                "`set precision %ld` for %ld that hold\n", s->o.prec, held,
                bits, want);
}

/* `set` alone: every setting with its value, as `set` takes it. */
static int list_settings(NbSession *s)
{
    static const char *const formats[] = {"text", "csv", "json"};
    static const char *const plots[] = {"auto", "image", "text", "off"};
    char prec[32], digits[32];
    if (s->o.prec == NB_PREC_DOUBLE)
        strcpy(prec, "double");
    else
        snprintf(prec, sizeof prec, "%ld", s->o.prec);
    snprintf(digits, sizeof digits, "%d", s->o.digits);
    const char *fmt = (unsigned)s->o.format < sizeof formats / sizeof *formats
                      ? formats[s->o.format] : "?";
    const char *rows[4][2] = {{"precision", prec}, {"digits", digits},
                              {"format", fmt},
                              {"plots", plots[s->o.plots & 3]}};
    if (s->o.format == NB_FORMAT_TEXT) {
        for (int i = 0; i < 4; i++)
            fprintf(s->o.out, "%-9s %s%s\n", rows[i][0], rows[i][1],
                    i == 1 && s->o.digits == 0 ? " (shortest round-trip)" : "");
        return ST_OK;
    }
    static const char *const cols[] = {"setting", "value"};
    NbTable *t = nb_table_new("set", 2, cols);
    for (int i = 0; i < 4; i++)
        nb_table_row(t, rows[i]);
    nb_table_print(t, s->o.format, s->o.out, s->o.err);
    nb_table_free(t);
    return ST_OK;
}

static int set_setting(NbSession *s, const NbAst *a, NbDiag *d)
{
    static const char *const names[] = {"precision", "digits", "format",
                                        "plots"};
    if (a->nwords == 0)
        return list_settings(s);
    if (a->nwords != 2) {
        nb_diag_set(d, NB_ERR_ARGS,
                    "set expects a setting and a value, e.g. 'set precision 256'");
        return word_error(s, a, a->nwords > 2 ? 2 : -1, d);
    }
    const char *key = a->words[0], *w = a->words[1];
    long v;
    if (strcmp(key, names[0]) == 0)
        return set_precision(s, a, d);
    if (strcmp(key, names[1]) == 0) {
        if (parse_count(w, 0, MAX_DIGITS, &v) == 0) {
            s->o.digits = (int)v;
            nb_session_digits_note(s);
            return ST_OK;
        }
        nb_diag_set(d, NB_ERR_ARGS, "digits must be a number from 0 to %d",
                    MAX_DIGITS);
        return word_error(s, a, 1, d);
    }
    if (strcmp(key, names[2]) == 0) {
        NbFormat f;
        if (nb_format_parse(w, &f) == 0) {
            s->o.format = f;
            return ST_OK;
        }
        nb_diag_set(d, NB_ERR_ARGS, "format must be text, csv or json");
        return word_error(s, a, 1, d);
    }
    if (strcmp(key, names[3]) == 0) {
        static const char *const modes[] = {"auto", "image", "text", "off"};
        for (int i = 0; i < 4; i++)
            if (strcmp(w, modes[i]) == 0) {
                s->o.plots = (NbPlotsMode)i;
                return ST_OK;
            }
        nb_diag_set(d, NB_ERR_ARGS, "plots must be auto, image, text or off");
        return word_error(s, a, 1, d);
    }
    const char *best = NULL;
    for (size_t i = 0; i < 4 && !best; i++)
        if (strncmp(key, names[i], 3) == 0 || strstr(names[i], key))
            best = names[i];
    if (best)
        nb_diag_set(d, NB_ERR_UNKNOWN, "unknown setting '%s'; did you mean '%s'?",
                    key, best);
    else
        nb_diag_set(d, NB_ERR_UNKNOWN,
                    "unknown setting '%s' (settings: precision, digits, format, plots)", key);
    return word_error(s, a, 0, d);
}

static int list_vars(NbSession *s, NbDiag *d)
{
    FILE *out = s->o.out;
    if (!s->nvars && s->o.format == NB_FORMAT_TEXT)
        fputs("no variables defined\n", out);
    if (s->o.format == NB_FORMAT_TEXT) {
        for (size_t i = 0; i < s->nvars; i++) {
            s->decimal = s->vars[i].decimal; /* as when it was assigned */
            if (nb_value_print_binding(s, s->vars[i].name, s->vars[i].value, out, d))
                return ST_FAIL;
        }
        return ST_OK;
    }
    static const char *const cols[] = {"name", "value"};
    NbTable *t = nb_table_new("vars", 2, cols);
    for (size_t i = 0; i < s->nvars; i++) {
        const NbExpr *v = nb_value_shown(s, s->vars[i].value, d);
        s->decimal = s->vars[i].decimal;
        if (!v) {
            nb_table_free(t);
            return ST_FAIL;
        }
        char *txt = nb_value_text(s, v);
        const char *row[2] = {s->vars[i].name, txt};
        nb_table_row(t, row);
        free(txt);
    }
    nb_table_print(t, s->o.format, out, s->o.err);
    nb_table_free(t);
    return ST_OK;
}

static int list_funcs(NbSession *s)
{
    if (!s->nfns && s->o.format != NB_FORMAT_JSON)
        fputs("no functions defined\n", s->o.out);
    for (size_t i = 0; i < s->nfns; i++)
        nb_value_print_fn(s, s->fns[i], s->o.out);
    return ST_OK;
}

static int run_load(NbSession *s, const NbAst *a, NbDiag *d)
{
    if (a->nwords != 1) {
        nb_diag_set(d, NB_ERR_ARGS, "load expects one file name: load \"file.nabla\"");
        return word_error(s, a, a->nwords > 1 ? 1 : -1, d);
    }
    if (s->load_depth >= MAX_LOAD_DEPTH) {
        nb_diag_set(d, NB_ERR_RECURSION,
                    "load nested more than %d deep (does a file load itself?)",
                    MAX_LOAD_DEPTH);
        return word_error(s, a, 0, d);
    }
    const char *w = a->words[0];
    size_t n = strlen(w);
    char *path = (n >= 2 && w[0] == '"' && w[n - 1] == '"')
                     ? strndup(w + 1, n - 2) : nb_xstrdup(w);
    char *text;
    const char *why;
    size_t len;
    if (nb_read_file(path, &text, &len, &why)) {
        nb_diag_set(d, NB_ERR_IO, "cannot read '%s': %s", path, why);
        free(path);
        return word_error(s, a, 0, d);
    }
    /* a file's assignments are not echoed, at the prompt or not: a loaded
     * file runs as a script does */
    int echo = s->o.echo;
    s->o.echo = 0;
    s->load_depth++;
    int rc = nb_session_run(s, path, text, len);
    s->load_depth--;
    s->o.echo = echo;
    free(text);
    free(path);
    if (rc == NB_SESSION_QUIT)
        return NB_SESSION_QUIT;
    return rc ? ST_REPORTED : ST_OK;
}

/* clear NAME...: each a user variable or function (or ans). Checked
 * before anything is cleared, so a typo clears nothing. */
static int clear_names(NbSession *s, const NbAst *a, NbDiag *d)
{
    for (int i = 0; i < a->nwords; i++) {
        const char *n = a->words[i];
        if (nb_var_find(s, n) || nb_fn_find(s, n) || strcmp(n, "ans") == 0)
            continue;
        const char *sug = nb_suggest(s, n, 0);
        if (nb_is_constant_name(n) || nb_builtin_lookup(n) >= 0
            || nb_session_command(s, n) || nb_is_command_word(n)
            || strcmp(n, "float") == 0)
            nb_diag_set(d, NB_ERR_ARGS, "cannot clear '%s': it is built in", n);
        else if (sug && (nb_var_find(s, sug) || nb_fn_find(s, sug)))
            nb_diag_set(d, NB_ERR_UNKNOWN, "'%s' is not defined; did you "
                        "mean '%s'?", n, sug);
        else
            nb_diag_set(d, NB_ERR_UNKNOWN, "'%s' is not defined", n);
        return word_error(s, a, i, d);
    }
    for (int i = 0; i < a->nwords; i++) {
        if (strcmp(a->words[i], "ans") == 0)
            s->ans = NULL;
        remove_var(s, a->words[i]);
        remove_fn(s, a->words[i]);
    }
    return ST_OK;
}

/* Bare clear: every variable and function (and ans); at the prompt only
 * after a yes to a question naming how much goes. */
static int clear_all(NbSession *s)
{
    if (s->o.confirm && s->nvars + s->nfns > 0) {
        char q[160];
        snprintf(q, sizeof q, "clear %zu variable%s and %zu function%s? "
                 "[y/N] ", s->nvars, s->nvars == 1 ? "" : "s", s->nfns,
                 s->nfns == 1 ? "" : "s");
        if (!s->o.confirm(s->o.confirm_ctx, q)) {
            fputs("nothing cleared\n", s->o.out);
            return ST_OK;
        }
    }
    while (s->nvars)
        remove_var(s, s->vars[s->nvars - 1].name);
    while (s->nfns)
        remove_fn(s, s->fns[s->nfns - 1]->name);
    s->ans = NULL;
    return ST_OK;
}

/* help's examples: stmt in a scratch session at the default settings,
 * pictures off, writing to out and err (help.c formats what it wrote). */
static void run_example(const char *stmt, FILE *out, FILE *err)
{
    NbSessionOpts o;
    nb_session_opts_default(&o);
    o.plots = NB_PLOTS_OFF;
    o.out = out;
    o.err = err;
    NbSession *scratch = nb_session_new(&o);
    nb_session_run(scratch, "example", stmt, strlen(stmt));
    nb_session_free(scratch);
}

static int run_command(NbSession *s, const NbAst *a, NbDiag *d)
{
    const char *w = a->text;
    int nw = a->nwords;
    if (strcmp(w, "set") == 0)
        return set_setting(s, a, d);
    if (strcmp(w, "clear") == 0)
        return nw ? clear_names(s, a, d) : clear_all(s);
    if (strcmp(w, "load") == 0)
        return run_load(s, a, d);
    if (strcmp(w, "help") == 0 && nw <= 1) {
        if (nb_session_help(s, nw ? a->words[0] : NULL, d) == 0)
            return ST_OK;
        return word_error(s, a, 0, d);
    }
    if (nw == 0 && (strcmp(w, "quit") == 0 || strcmp(w, "exit") == 0))
        return NB_SESSION_QUIT;
    if (nw == 0 && strcmp(w, "vars") == 0)
        return list_vars(s, d);
    if (nw == 0 && strcmp(w, "funcs") == 0)
        return list_funcs(s);
    if (nw > 0) {
        nb_diag_set(d, NB_ERR_ARGS, "%s takes %s", w,
                    strcmp(w, "help") == 0 ? "at most one name" : "no arguments");
        return word_error(s, a, strcmp(w, "help") == 0 ? 1 : 0, d);
    }
    nb_diag_set(d, NB_ERR_UNKNOWN, "unknown command '%s'", w);
    return word_error(s, a, -1, d);
}

static int run_statement(NbSession *s, const NbAst *a, NbDiag *d)
{
    switch (a->kind) {
    case NB_AST_ASSIGN: return run_assign(s, a, d);
    case NB_AST_FUNCDEF: return run_funcdef(s, a, d);
    case NB_AST_COMMAND: return run_command(s, a, d);
    default: return run_expr(s, a, d);
    }
}

/* --- running text and files ---------------------------------------------------- */

/* A diagnostic on err; with colour on, "error:" in bold red and the caret
 * in bold green, as compilers do. The text is rendered by nb_diag_print
 * and only decorated here. */
static void report(NbSession *s, const NbDiag *d)
{
    char *buf = NULL;
    size_t len = 0;
    if (s->o.page) {
        FILE *pm = open_memstream(&buf, &len);
        if (pm) {
            nb_diag_print(d, pm);
            fclose(pm);
            nb_page_error(s->o.page, buf);
            free(buf);
            buf = NULL;
            len = 0;
        }
    }
    FILE *m = s->o.color ? open_memstream(&buf, &len) : NULL;
    if (!m) {
        nb_diag_print(d, s->o.err);
        return;
    }
    nb_diag_print(d, m);
    fclose(m);
    char *e = strstr(buf, "error:");
    char *caret = strrchr(buf, '^');
    for (char *p = buf; *p; p++) {
        if (p == e) {
            fputs("\033[1;31merror:\033[0m", s->o.err);
            p += strlen("error:") - 1;
        } else if (p == caret && p[1] == '\n')
            fputs("\033[1;32m^\033[0m", s->o.err);
        else
            fputc(*p, s->o.err);
    }
    free(buf);
}

typedef struct Where {
    const char *file, *src;
    size_t srclen;
} Where;

/* The statement built more than NB_MAX_STATEMENT_BYTES of expressions:
 * it fails, whatever it returned (a loop that saw the budget run out
 * stopped early and may have returned a partial result). An error the
 * statement reported itself stands. */
static int over_budget(NbSession *s, const NbAst *a, int rc, NbDiag *d)
{
    if (rc == ST_FAIL && d->code != NB_OK)
        return rc;
    NbPos pos = d->pos.line > 0 ? d->pos : a->pos;
    nb_store_over_budget_diag(s->st, d);
    nb_lower_fail(s, d, pos);
    return ST_FAIL;
}

static int run_one(NbSession *s, NbParser *p)
{
    NbArena arena = NB_ARENA_INIT;
    NbDiag d = NB_DIAG_INIT;
    NbAst *ast = NULL;
    int r = nb_parser_next(p, &arena, &ast, &d);
    s->decimal = 0;
    /* a page records the statements of the sources it was given, with
     * what a load runs as the output of the load */
    FILE *saved_out = s->o.out;
    int paged = s->o.page && s->load_depth == 0 && r != 0;
    if (paged) {
        size_t a, b;
        nb_parser_span(p, &a, &b);
        s->o.out = nb_page_statement(s->o.page, a, b);
    }
    s->bound = NULL;
    nb_store_budget_start(s->st);
    int rc = r < 0 ? ST_FAIL : r == 0 ? -1 : run_statement(s, ast, &d);
    if ((rc == ST_OK || rc == ST_FAIL) && ast && nb_store_over_budget(s->st))
        rc = over_budget(s, ast, rc, &d);
    if ((rc == ST_OK || (rc == ST_FAIL && d.code == NB_OK)) && nb_interrupted) {
        nb_diag_set(&d, NB_ERR_INTERRUPTED, "interrupted");
        rc = ST_FAIL;
    }
    if (rc == ST_FAIL) {
        if (d.code == NB_OK)
            nb_diag_set(&d, NB_ERR_SYNTAX, "invalid statement");
        if (!d.file)
            d.file = s->file;
        fflush(s->o.out);
        report(s, &d);
        fflush(s->o.err);
    }
    nb_diag_clear(&d);
    nb_arena_free(&arena);
    nb_eval_cache_clear(s->cache);
    free_tmpfns(s);
    nb_pictures_collect(s);
    s->top = NULL;
    s->top_is_statement = 0;
    if (paged) {
        nb_page_statement_end(s->o.page);
        s->o.out = saved_out;
    }
    return rc;
}

int nb_session_run(NbSession *s, const char *name, const char *text,
                   size_t len)
{
    Where saved = {s->file, s->src, s->srclen};
    NbParser *p = nb_parser_new(name, text, len);
    int status = 0, stopped = 0;
    int paged = s->o.page && s->load_depth == 0;
    s->file = name;
    s->src = text;
    s->srclen = len;
    if (paged)
        nb_page_source(s->o.page, name, text, len);
    for (;;) {
        int rc = run_one(s, p);
        if (rc < 0)
            break;
        if (rc == NB_SESSION_QUIT) {
            status = NB_SESSION_QUIT;
            stopped = 2;
            break;
        }
        if (rc == ST_OK)
            continue;
        status = 1;
        if (!s->o.keep_going || nb_interrupted) {
            stopped = 1;
            break;
        }
    }
    if (paged)
        nb_page_source_end(s->o.page, stopped);
    fflush(s->o.out);
    nb_parser_free(p);
    s->file = saved.file;
    s->src = saved.src;
    s->srclen = saved.srclen;
    return status;
}

int nb_session_run_file(NbSession *s, const char *path)
{
    char *text;
    const char *why;
    size_t len;
    if (nb_read_file(path, &text, &len, &why)) {
        NbDiag d = NB_DIAG_INIT;
        nb_diag_set(&d, NB_ERR_IO, "cannot read '%s': %s", path, why);
        report(s, &d);
        nb_diag_clear(&d);
        return 2;
    }
    int rc = nb_session_run(s, path, text, len);
    free(text);
    return rc;
}

/* --- names, for completion ---------------------------------------------------- */

/* Words that start a statement (completed only at the start of a line). */
static const char *const statement_words[] = {
    "set", "help", "load", "vars", "funcs", "quit", "exit", "clear", NULL};

void nb_session_each_name(NbSession *s, int statements,
                          void (*fn)(const char *, void *), void *ctx)
{
    if (s->ans)
        fn("ans", ctx);
    for (size_t i = 0; i < s->nvars; i++)
        fn(s->vars[i].name, ctx);
    for (size_t i = 0; i < s->nfns; i++)
        fn(s->fns[i]->name, ctx);
    if (statements < 0)
        return;
    for (int i = 0; i < NB_FN__COUNT; i++)
        fn(nb_builtins[i].name, ctx);
    for (const NbConstant *c = nb_constants; c->name; c++)
        fn(c->name, ctx);
    for (size_t t = 0; t < s->ncommands; t++)
        for (const NbCommand *c = s->commands[t]; c->name; c++)
            fn(c->name, ctx);
    fn("float", ctx);
    for (const char *const *w = statement_words; statements && *w; w++)
        fn(*w, ctx);
}
