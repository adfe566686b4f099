/* command.h — commands callable as f(...) statements: diff, grad, descend,
 * hstudy, plot, ... Each command module (src/cmd_*.c) exports a table of
 * NbCommand rows; session.c looks names up across all of them.
 *
 * A command receives its arguments lowered (positional and keyword, each
 * with its source position) and returns its value (or NULL with d set).
 * It prints tables itself, through nb_session_out()/table.h, in the
 * session's format. A command's value is what `p = descend(...)` binds; a
 * command that has printed everything returns NB_NOTHING (not printed).
 */
#ifndef NABLA_COMMAND_H
#define NABLA_COMMAND_H

#include "nabla/session.h"
#include "nabla/ast.h"

/* A user function: name(params) = body. */
typedef struct NbUserFn {
    const char *name;
    size_t nparams;
    const NbExpr **params;   /* NB_SYM nodes */
    const NbExpr *body;
} NbUserFn;

typedef struct NbArg {
    const char *name;        /* keyword name, or NULL for positional */
    const NbExpr *value;     /* lowered value; for a range lo..hi, a 2-vector */
    int is_range;
    const NbUserFn *fn;      /* set when the argument is a bare user-function name */
    NbPos pos;
} NbArg;

typedef struct NbArgs {
    size_t npos, nkw;
    NbArg *pos;              /* positional arguments */
    NbArg *kw;               /* keyword arguments */
    NbPos call_pos;
    const char *file;
    int value_unused;        /* the call is a whole expression statement: a
                                value it returns would only be printed after
                                its own table (descend returns NB_NOTHING
                                then). 0 when unknown. */
} NbArgs;

typedef const NbExpr *(*NbCommandFn)(NbSession *s, const NbArgs *a,
                                     NbDiag *d);

typedef struct NbCommand {
    const char *name;
    NbCommandFn run;
    const char *usage;       /* "diff(expr, x[, n])" */
    const char *help;        /* one paragraph */
    const char *example;
} NbCommand;

/* The value returned by commands that print and have no value. */
extern const NbExpr *const NB_NOTHING;

/* Command tables, each terminated by a row with a NULL name. */
extern const NbCommand nb_cmds_symbolic[];   /* cmd_symbolic.c */
extern const NbCommand nb_cmds_numdiff[];    /* cmd_numdiff.c  */
extern const NbCommand nb_cmds_descent[];    /* cmd_descent.c  */
extern const NbCommand nb_cmds_plot[];       /* cmd_plot.c     */
const NbCommand *nb_command_lookup(const char *name);

/* Helpers for command implementations (session.c). */
FILE *nb_session_out(NbSession *s);
FILE *nb_session_err(NbSession *s);
long nb_session_prec(const NbSession *s);
/* Keyword argument by name, or NULL. Unknown keywords are an error: call
 * nb_args_check_keywords() with the list the command accepts. */
const NbArg *nb_args_kw(const NbArgs *a, const char *name);
int nb_args_check_keywords(const NbArgs *a, const char *const *allowed,
                           NbDiag *d);
/* The function an argument denotes: a user function gives its body and
 * parameters; an expression gives itself and its free variables sorted by
 * name. vars points into session or static storage valid until the next
 * statement. */
int nb_args_function(NbSession *s, const NbArg *arg, const NbExpr **body,
                     const NbExpr *const **vars, size_t *nvars, NbDiag *d);
/* Numeric argument as a double (closed expression), with a clear error. */
int nb_arg_double(NbSession *s, const NbArg *arg, double *out, NbDiag *d);
/* Keep the last descent path for plotting: npts points of nvars coords. */
void nb_session_set_path(NbSession *s, size_t nvars, size_t npts,
                         const double *coords, const double *fvals);
int nb_session_get_path(NbSession *s, size_t *nvars, size_t *npts,
                        const double **coords, const double **fvals);

#endif
