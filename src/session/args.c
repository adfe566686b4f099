/* args.c — reading a command's arguments (command.h): keywords and their
 * checks, the function or expression an argument denotes, the variable
 * it names, a number. The one place that says "x has the value 3; `clear
 * x` to use it as a variable".
 */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "util/alloc.h"

const NbArg *nb_args_kw(const NbArgs *a, const char *name)
{
    for (size_t i = 0; i < a->nkw; i++)
        if (strcmp(a->kw[i].name, name) == 0)
            return &a->kw[i];
    return NULL;
}

int nb_args_check_keywords(const NbArgs *a, const char *const *allowed,
                           NbDiag *d)
{
    for (size_t i = 0; i < a->nkw; i++) {
        const char *k = a->kw[i].name;
        int ok = 0;
        for (const char *const *p = allowed; *p && !ok; p++)
            ok = strcmp(*p, k) == 0;
        for (size_t j = 0; j < i && ok; j++)
            if (strcmp(a->kw[j].name, k) == 0) {
                nb_diag_set(d, NB_ERR_ARGS, "keyword '%s' given twice", k);
                ok = -1;
            }
        if (ok == 1)
            continue;
        if (!ok) {
            const char *sug = nb_closest_name(k, allowed);
            if (sug)
                nb_diag_set(d, NB_ERR_UNKNOWN,
                            "unknown keyword '%s'; did you mean '%s'?", k, sug);
            else
                nb_diag_set(d, NB_ERR_UNKNOWN, "unknown keyword '%s'", k);
        }
        nb_diag_locate(d, a->file, a->kw[i].pos, NULL, 0);
        return -1;
    }
    return 0;
}

const char *nb_kv_bool(int i)
{
    return i == 0 ? "true" : i == 1 ? "false" : NULL;
}

/* The one place that says a variable's name has a value. */
int nb_args_free_name(NbSession *s, const char *name, NbPos pos, NbDiag *d)
{
    NbVar *v = name ? nb_var_find(s, name) : NULL;
    if (!v || !nb_closed(s, v->value))
        return 0;
    NbDiag tmp = NB_DIAG_INIT;
    char *t = nb_session_display(s, v->value, v->decimal, &tmp);
    nb_diag_clear(&tmp);
    nb_diag_set(d, NB_ERR_TYPE, "%s has the value %s; `clear %s` to use it "
                "as a variable", name, t ? t : "?", name);
    free(t);
    nb_diag_locate(d, s->file, pos, s->src, s->srclen);
    return -1;
}

int nb_args_expr(NbSession *s, const NbArg *arg, const NbExpr **body,
                 NbDiag *d)
{
    if (arg->fn) {
        *body = arg->fn->body;
        return 0;
    }
    const NbExpr *e = arg->value;
    if (!e || e->kind == NB_STR || e == NB_NOTHING) {
        nb_diag_set(d, NB_ERR_TYPE, "a function or an expression is expected");
        nb_diag_locate(d, s->file, arg->pos, s->src, s->srclen);
        return -1;
    }
    *body = e;
    return 0;
}

const NbExpr *nb_args_variable(NbSession *s, const NbArg *arg, NbDiag *d)
{
    const NbExpr *v = arg->value;
    if (!arg->fn && v && v != NB_NOTHING && v->kind == NB_SYM)
        return v;
    if (arg->bound && nb_args_free_name(s, arg->bound, arg->bound_pos, d))
        return NULL;
    nb_diag_set(d, NB_ERR_TYPE, "a variable name is expected here");
    nb_diag_locate(d, s->file, arg->pos, s->src, s->srclen);
    return NULL;
}

int nb_args_function(NbSession *s, const NbArg *arg, const NbExpr **body,
                     const NbExpr *const **vars, size_t *nvars, NbDiag *d)
{
    if (arg->fn) {
        *body = arg->fn->body;
        *vars = arg->fn->params;
        *nvars = arg->fn->nparams;
        return 0;
    }
    const NbExpr *e;
    if (nb_args_expr(s, arg, &e, d)
        || nb_args_free_name(s, arg->bound, arg->bound_pos, d))
        return -1;
    size_t n = nb_free_syms(e, NULL, 0);
    if (n + 1 > s->scratch_cap) {
        s->scratch_cap = n + 1;
        s->scratch = nb_xrealloc(s->scratch, s->scratch_cap * sizeof *s->scratch);
    }
    nb_free_syms(e, s->scratch, n);
    *body = e;
    *vars = s->scratch;
    *nvars = n;
    return 0;
}

int nb_arg_double(NbSession *s, const NbArg *arg, double *out, NbDiag *d)
{
    const NbExpr *e = arg->value;
    if (arg->fn || !e || e == NB_NOTHING || e->kind == NB_VEC
        || e->kind == NB_STR || !nb_closed(s, e)) {
        nb_diag_set(d, NB_ERR_TYPE, "a number is expected here");
        nb_diag_locate(d, s->file, arg->pos, s->src, s->srclen);
        return -1;
    }
    if (nb_eval_to_double(s->st, e, out, d)) {
        nb_diag_locate(d, s->file, arg->pos, s->src, s->srclen);
        return -1;
    }
    return 0;
}
