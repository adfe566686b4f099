/* session_internal.h — the session's state, shared by session.c (statements,
 * commands, printing) and lower.c (syntax tree -> expression store). */
#ifndef NABLA_SESSION_INTERNAL_H
#define NABLA_SESSION_INTERNAL_H

#include "nabla/session.h"
#include "nabla/command.h"
#include "nabla/eval.h"
#include "nabla/progress.h"
#include "util/nametab.h"

typedef struct NbVar {
    char *name;
    const NbExpr *value;    /* canonical, possibly symbolic (sin(1) stays) */
    int decimal;            /* its statement had a decimal literal */
} NbVar;

/* A user function as the session stores it: fn first, so the NbUserFn
 * pointers handed out can be converted back. */
typedef struct NbFnRec {
    NbUserFn fn;
    int decimal;            /* its body had a decimal literal */
} NbFnRec;

struct NbSession {
    NbSessionOpts o;
    NbStore *st;
    const NbCommand *const *commands; /* the command tables (registry.c), */
    size_t ncommands;                 /* set when the session is made */
    /* help's examples run here: the runner's, set when the session is made
     * (help.c does not link back to the runner) */
    void (*run_example)(const char *stmt, FILE *out, FILE *err);
    NbEvalCache *cache;     /* trial evaluations of the current statement */

    NbVar *vars;
    size_t nvars, vars_cap;
    NbUserFn **fns;         /* owned; pointers stay put while they live */
    size_t nfns, fns_cap;
    NbNameTab var_index;    /* name -> index in vars + 1 */
    NbNameTab fn_index;     /* name -> its NbUserFn * */
    NbUserFn **tmpfns;      /* built-ins passed by name to commands, */
    size_t ntmpfns, tmpfns_cap; /* freed after each statement */

    /* The statement being run: where diagnostics point. */
    const char *file, *src;
    size_t srclen;
    const NbAst *top;       /* the statement's whole expression: a command
                               there may return NB_NOTHING */
    int top_is_statement;   /* top is an expression statement (its value
                               is only printed), not an assigned value */
    const char *defining;   /* function whose body is being lowered */
    int decimal;            /* the statement used a decimal literal (0.1,
                               1e-5), directly or through a variable or
                               function: its exact results print as
                               decimals when they have one, else as
                               fractions (1/3 + 1/6 is 1/2, 0.1 + 0.2 is
                               0.3) */
    size_t nparams;
    const char *const *params;
    int load_depth;

    const NbExpr *ans;      /* the last statement's value (NULL: none yet) */
    int ans_decimal;
    const char *bound;      /* while a command argument is lowered: the
                               first name in it replaced by a number */
    NbPos bound_pos;

    unsigned char *closed;  /* per node id: 0 unknown, 1 closed, 2 not */
    size_t closed_cap;

    const NbExpr **scratch; /* nb_args_function() variables */
    size_t scratch_cap;

    size_t path_nvars, path_npts;
    double *path_coords, *path_f;

    NbProgress progress;    /* the progress line of long runs */

    NbFigure **figs;        /* pictures held as values (picture.c) */
    const NbExpr **fig_vals;
    size_t nfigs, figs_cap, fig_serial;
};

/* state.c: the command named name in the session's tables, or NULL. */
const NbCommand *nb_session_command(const NbSession *s, const char *name);

/* state.c: d located at pos in the statement being run (with fmt's
 * message: failf); NULL, so `return nb_lower_fail(...)` reads well. A
 * command's error located without the source text gets its line. */
const NbExpr *nb_lower_fail(NbSession *s, NbDiag *d, NbPos pos);
const NbExpr *nb_lower_failf(NbSession *s, NbDiag *d, NbPos pos,
                             NbErrCode code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void nb_fill_line(NbSession *s, NbDiag *d);

/* lower.c */
const NbExpr *nb_lower(NbSession *s, const NbAst *a, NbDiag *d);
int nb_closed(NbSession *s, const NbExpr *e);
const char *nb_suggest(NbSession *s, const char *name, int functions_only);
NbVar *nb_var_find(NbSession *s, const char *name);
NbUserFn *nb_fn_find(NbSession *s, const char *name);
int nb_is_constant_name(const char *name);
/* The name in list (NULL-terminated) closest to name, or NULL. */
const char *nb_closest_name(const char *name, const char *const *list);

/* lower_vec.c: op applied elementwise over n values (SPEC §2): vectors
 * of one shape, numbers used at every element; op on the numbers
 * themselves when none is a vector. A string anywhere, or vectors of
 * different shapes, is an error at pos. */
typedef const NbExpr *(*NbLowerOp)(NbSession *s, size_t n,
                                   const NbExpr *const *args, void *ctx,
                                   NbDiag *d);
const NbExpr *nb_lower_map(NbSession *s, size_t n, const NbExpr *const *args,
                           NbPos pos, NbLowerOp op, void *ctx, NbDiag *d);

/* readfile.c: the whole of path, malloc'd and NUL-terminated; on failure
 * *why is the reason ("No such file or directory", "Is a directory"). */
int nb_read_file(const char *path, char **text, size_t *len, const char **why);

/* value.c: e as a statement would show it (its number when closed),
 * exact values in decimal or fraction form as `decimal` says (NbVar,
 * NbFnRec). NULL when the evaluation fails (d set). Caller frees. */
char *nb_session_display(NbSession *s, const NbExpr *e, int decimal, NbDiag *d);
/* The value to show for e: its number when closed (NULL, d set, when that
 * evaluation fails), else e; its text as the statement's literals say
 * (s->decimal; malloc'd). */
const NbExpr *nb_value_shown(NbSession *s, const NbExpr *e, NbDiag *d);
char *nb_value_text(NbSession *s, const NbExpr *e);
/* A statement's value on out in the session's format (command: what made
 * it, for JSON): 0, or -1 with d set at pos. A definition f(x) = body, a
 * binding name = value on out (-1, d set, when the value fails). */
int nb_value_print(NbSession *s, const NbExpr *e, NbPos pos,
                   const char *command, NbDiag *d);
void nb_value_print_fn(NbSession *s, const NbUserFn *fn, FILE *out);
int nb_value_print_binding(NbSession *s, const char *name, const NbExpr *v,
                           FILE *out, NbDiag *d);

/* picture.c: after a statement, free the pictures no variable holds; at
 * the end, all of them. Show a picture as `set plots` says (1 when it was
 * drawn). A picture value's text when it is not drawn (malloc'd). */
void nb_pictures_collect(NbSession *s);
void nb_pictures_free(NbSession *s);
int nb_session_show(NbSession *s, const NbFigure *f);
char *nb_picture_text(const NbFigure *f);
/* The value naming figure f, which the session now owns; NULL (f freed,
 * d set) when memory ran out. */
const NbExpr *nb_picture_value(NbSession *s, NbFigure *f, NbDiag *d);

/* help.c: `help` (topic NULL) and `help NAME` on the session's out.
 * Examples run through s->run_example (a scratch session at the default
 * settings writing to out and err). */
int nb_session_help(NbSession *s, const char *topic, NbDiag *d);

#endif
