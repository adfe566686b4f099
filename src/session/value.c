/* value.c — values as the session prints them (SPEC §2, §9): a closed
 * value as its number at the working precision (exact rationals as
 * integers, decimals or fractions as the statement's literals say),
 * anything else in canonical symbolic form, strings quoted inside
 * vectors, pictures by their size; in JSON Lines one document a result;
 * in a page a symbolic result also as MathML. The runner prints
 * statements' values and bindings through here, and commands show
 * values in their tables with nb_session_display.
 */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/page.h"
#include "nabla/print.h"
#include "util/alloc.h"

/* 1 when e is a number, or a vector of numbers, already. */
static int is_value(const NbExpr *e)
{
    if (e->kind == NB_NUM || e->kind == NB_FLT)
        return 1;
    if (e->kind != NB_VEC)
        return 0;
    for (size_t i = 0; i < e->n; i++)
        if (!is_value(e->args[i]))
            return 0;
    return 1;
}

/* The value to show for e: its number when closed, else e itself. A value
 * is shown as it is: a float computed at another precision (nderiv(...,
 * prec=256)) keeps its bits rather than being re-rounded to the session's. */
const NbExpr *nb_value_shown(NbSession *s, const NbExpr *e, NbDiag *d)
{
    if (!nb_closed(s, e) || is_value(e))
        return e;
    return nb_eval_cached(s->st, s->cache, e, s->o.prec, 0, d);
}

/* A number or vector of numbers with a non-integer exact entry, printed
 * as fractions: the statement had no decimal literal. */
static int wants_fraction(const NbSession *s, const NbExpr *e)
{
    if (s->decimal)
        return 0;
    if (e->kind == NB_NUM)
        return mpz_cmp_ui(mpq_denref(e->u.q), 1) != 0;
    if (e->kind != NB_VEC)
        return 0;
    int any = 0;
    for (size_t i = 0; i < e->n; i++) {
        const NbExpr *x = e->args[i];
        if (x->kind != NB_NUM && x->kind != NB_FLT && x->kind != NB_VEC)
            return 0;
        any |= wants_fraction(s, x);
    }
    return any;
}

static char *fraction_text(NbSession *s, const NbExpr *e)
{
    NbPrintOpts po = {s->o.digits};
    char *t = NULL;
    if (e->kind == NB_NUM) {
        if (gmp_asprintf(&t, "%Qd", e->u.q) < 0)
            abort();
        return t;
    }
    if (e->kind != NB_VEC)
        return nb_print(e, &po);
    size_t len = 1, cap = 64;
    t = nb_xrealloc(NULL, cap);
    strcpy(t, "[");
    for (size_t i = 0; i < e->n; i++) {
        char *x = fraction_text(s, e->args[i]);
        size_t xl = strlen(x);
        if (len + xl + 4 > cap)
            t = nb_xrealloc(t, cap = (len + xl + 4) * 2);
        len += (size_t)sprintf(t + len, "%s%s", i ? ", " : "", x);
        free(x);
    }
    strcpy(t + len, "]");
    return t;
}

/* A string value as it would be written: "...", with \" and \\. */
static char *quoted(const char *str)
{
    size_t n = 3;
    for (const char *p = str; *p; p++)
        n += (*p == '"' || *p == '\\') ? 2 : 1;
    char *t = nb_xrealloc(NULL, n), *q = t;
    *q++ = '"';
    for (const char *p = str; *p; p++) {
        if (*p == '"' || *p == '\\')
            *q++ = '\\';
        *q++ = *p;
    }
    *q++ = '"';
    *q = '\0';
    return t;
}

char *nb_value_text(NbSession *s, const NbExpr *e)
{
    NbPrintOpts po = {s->o.digits};
    NbFigure *pic = nb_session_picture(s, e);
    if (pic)
        return nb_picture_text(pic);
    if (e->kind == NB_STR)
        return quoted(e->u.name);
    if (wants_fraction(s, e))
        return fraction_text(s, e);
    return nb_print(e, &po);
}

char *nb_session_display(NbSession *s, const NbExpr *e, int decimal, NbDiag *d)
{
    int saved = s->decimal;
    const NbExpr *v = nb_value_shown(s, e, d);
    s->decimal = decimal;
    char *t = v ? nb_value_text(s, v) : NULL;
    s->decimal = saved;
    return t;
}

static void json_expr(NbSession *s, const NbExpr *e)
{
    if (e->kind == NB_STR && !nb_session_picture(s, e)) {
        nb_json_string(s->o.out, e->u.name);
        return;
    }
    if (e->kind != NB_VEC) {
        char *t = nb_value_text(s, e);
        nb_json_value(s->o.out, t);
        free(t);
        return;
    }
    fputc('[', s->o.out);
    for (size_t i = 0; i < e->n; i++) {
        if (i)
            fputc(',', s->o.out);
        json_expr(s, e->args[i]);
    }
    fputc(']', s->o.out);
}

/* JSON Lines (SPEC §9): every result is one document on one line naming
 * what made it: the command a statement calls (nderiv, diff, ...), else
 * "value"; then key: the value. */
static void json_result(NbSession *s, const char *command, const char *key,
                        const NbExpr *v)
{
    fputs("{\"command\":", s->o.out);
    nb_json_string(s->o.out, command);
    fprintf(s->o.out, ",\"%s\":", key);
    json_expr(s, v);
    fputs("}\n", s->o.out);
}

/* A statement's value on out, in the session's format; command names what
 * made it (JSON). */
int nb_value_print(NbSession *s, const NbExpr *e, NbPos pos,
                   const char *command, NbDiag *d)
{
    const NbExpr *v = nb_value_shown(s, e, d);
    if (!v)
        return nb_lower_fail(s, d, pos), -1;
    NbFigure *pic = nb_session_picture(s, v);
    if (pic && s->o.format == NB_FORMAT_TEXT && nb_session_show(s, pic))
        return 0;
    if (s->o.format == NB_FORMAT_JSON) {
        json_result(s, command, "value", v);
        return 0;
    }
    /* A string result (latex(), ccode()) is text to paste elsewhere: raw.
     * Inside vectors strings stay quoted so the vector reads back. */
    char *t = v->kind == NB_STR && !pic ? strdup(v->u.name)
                                        : nb_value_text(s, v);
    if (s->o.format == NB_FORMAT_CSV)
        nb_csv_field(s->o.out, t);
    else
        fputs(t, s->o.out);
    fputc('\n', s->o.out);
    if (s->o.page && !pic && v->kind != NB_STR && !is_value(v)) {
        /* a symbolic result: also as a formula */
        NbPrintOpts po = {s->o.digits};
        char *m = nb_print_mathml(v, &po);
        nb_page_math(s->o.page, m, t);
        free(m);
    }
    free(t);
    return 0;
}

/* JSON: {"command":"function","name":"f","params":["x"],"body":"x^2"}. */
void nb_value_print_fn(NbSession *s, const NbUserFn *fn, FILE *out)
{
    if (s->o.format == NB_FORMAT_JSON) {
        fputs("{\"command\":\"function\",\"name\":", out);
        nb_json_string(out, fn->name);
        fputs(",\"params\":[", out);
        for (size_t i = 0; i < fn->nparams; i++) {
            fputs(i ? "," : "", out);
            nb_json_string(out, fn->params[i]->u.name);
        }
        char *b = nb_value_text(s, fn->body);
        fputs("],\"body\":", out);
        nb_json_string(out, b);
        fputs("}\n", out);
        free(b);
        return;
    }
    fprintf(out, "%s(", fn->name);
    for (size_t i = 0; i < fn->nparams; i++)
        fprintf(out, "%s%s", i ? ", " : "", fn->params[i]->u.name);
    char *t = nb_value_text(s, fn->body);
    fprintf(out, ") = %s\n", t);
    free(t);
}

int nb_value_print_binding(NbSession *s, const char *name, const NbExpr *v,
                           FILE *out, NbDiag *d)
{
    const NbExpr *sv = nb_value_shown(s, v, d);
    if (!sv)
        return -1;
    if (s->o.format == NB_FORMAT_JSON && out == s->o.out) {
        fputs("{\"command\":\"assign\",\"name\":", out);
        nb_json_string(out, name);
        fputs(",\"value\":", out);
        json_expr(s, sv);
        fputs("}\n", out);
        return 0;
    }
    char *t = nb_value_text(s, sv);
    fprintf(out, "%s = %s\n", name, t);
    free(t);
    return 0;
}
