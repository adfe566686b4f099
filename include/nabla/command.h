/* command.h — commands callable as f(...) statements: diff, grad, descend,
 * hstudy, plot, ... Each command module (src/cmd_*.c) exports a table of
 * NbCommand rows; the registry (registry.c) lists the tables once, and
 * the session looks names up across all of them.
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
#include "nabla/descent.h"
#include "nabla/plot.h"

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
    const char *bound;       /* the first name written in the argument that
                                was replaced by its value (x = 3; grad(x^2)
                                lowers x to 3), when that value is a number
                                or a vector of numbers; else NULL */
    NbPos bound_pos;
} NbArg;

typedef struct NbArgs {
    const char *command;     /* the command's name */
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

/* A keyword whose value is one of a few words (method="newton"): value(i)
 * is the i-th word, NULL past the last. Completion offers them, help lists
 * them. */
typedef struct NbKeyValues {
    const char *keyword;
    const char *(*value)(int i);
} NbKeyValues;

typedef struct NbCommand {
    const char *name;
    NbCommandFn run;
    const char *usage;       /* "diff(expr, x[, n])" */
    const char *help;        /* one paragraph */
    const char *example;     /* a statement; help runs it in a scratch
                                session and shows its output */
    /* The keywords it accepts (NULL-terminated; NULL: none): the same list
     * the command gives nb_args_check_keywords, so completion and help
     * read what the command checks. */
    const char *const *keywords;
    const NbKeyValues *values; /* enumerated values, {NULL} ended; or NULL */
} NbCommand;

/* The value returned by commands that print and have no value. */
extern const NbExpr *const NB_NOTHING;

/* Every command module, once: X(name) for src/session/cmd_<name>.c,
 * whose table nb_cmds_<name> ends with a row with a NULL name. The
 * declarations below and the registry (registry.c) are made from this
 * list, so adding a module is its file, one line here, and its line in
 * Makefile.am. */
#define NB_COMMAND_MODULES(X)                                               \
    X(symbolic) /* diff, grad, taylor, latex, ... */                        \
    X(numdiff)  /* nderiv, hstudy, gradcheck */                             \
    X(descent)  /* descend */                                               \
    X(plot)     /* plot, contour, surface, figure */                        \
    X(vector)   /* len, norm, dot, sum, table */

#define NB_COMMAND_TABLE_DECL(name) extern const NbCommand nb_cmds_##name[];
NB_COMMAND_MODULES(NB_COMMAND_TABLE_DECL)
#undef NB_COMMAND_TABLE_DECL

/* The command registry (registry.c): the one list of the tables above,
 * nb_command_ntables of them. A session is made with it; every list of
 * commands (lowering, help, completion) is read from it. */
extern const NbCommand *const nb_command_tables[];
extern const size_t nb_command_ntables;
/* The command named name in the registry, or NULL. */
const NbCommand *nb_command_lookup(const char *name);
/* The command named name in n tables, or NULL (state.c). */
const NbCommand *nb_command_find(const NbCommand *const *tables, size_t n,
                                 const char *name);

/* Helpers for command implementations (session.c). */
FILE *nb_session_out(NbSession *s);
/* Print a command's table in the session's format, or put it in the page
 * being built (as an HTML or Markdown table). */
void nb_session_table(NbSession *s, const NbTable *t);
/* 1 when the session builds a page (pictures animate there). */
int nb_session_in_page(const NbSession *s);
FILE *nb_session_err(NbSession *s);
long nb_session_prec(const NbSession *s);
/* The session's progress line for long runs (progress.h), on the stream
 * NbSessionOpts.progress named when the session was made. */
struct NbProgress *nb_session_progress(NbSession *s);
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
/* Where a command reads the variables from the expression itself (grad(e),
 * descend, plot, nderiv: nb_args_function), a name in it that has a value
 * is not a variable: nb_args_function refuses it, saying "x has the value
 * 3; `clear x` to use it as a variable". Commands that are told their
 * variables (diff(e, x), grad(e, [x, y])) take the expression as it is,
 * values in it as constants (nb_args_expr), and check each variable they
 * are given with nb_args_free_name() (name: a variable name the user wrote
 * at pos; the message above when it has a value). */
int nb_args_expr(NbSession *s, const NbArg *arg, const NbExpr **body,
                 NbDiag *d);
int nb_args_free_name(NbSession *s, const char *name, NbPos pos, NbDiag *d);
/* The variable an argument names (diff's x, var=x): its NB_SYM, or NULL
 * with d set ("x has the value 3; ..." when it has one). */
const NbExpr *nb_args_variable(NbSession *s, const NbArg *arg, NbDiag *d);
/* Enumerations for NbKeyValues rows: true/false. */
const char *nb_kv_bool(int i);
/* Numeric argument as a double (closed expression), with a clear error. */
int nb_arg_double(NbSession *s, const NbArg *arg, double *out, NbDiag *d);
/* Keep the last descent path for plotting: npts points of nvars coords. */
void nb_session_set_path(NbSession *s, size_t nvars, size_t npts,
                         const double *coords, const double *fvals);
int nb_session_get_path(NbSession *s, size_t *nvars, size_t *npts,
                        const double **coords, const double **fvals);

/* Pictures (plot_common.c). A picture command builds its figure, then ends
 * with nb_picture_finish(), which takes the figure: writes it to the to=
 * file when given, and either shows it (the call is a whole statement:
 * returns NB_NOTHING) or returns it as a value (`p = plot(...)`), or NULL
 * with d set. nb_picture_check_to() checks a to= keyword before any work
 * (a file name with a known extension). nb_session_picture() is the figure
 * a value names (owned by the session), or NULL (picture.c). */
const NbExpr *nb_picture_finish(NbSession *s, const NbArgs *a,
                                NbFigure *f, NbDiag *d);
int nb_picture_check_to(const NbArgs *a, NbDiag *d);
NbFigure *nb_session_picture(NbSession *s, const NbExpr *e);
int nb_session_picture_tag(const NbExpr *e);
/* For commands that draw besides printing (descend, hstudy): write f to
 * the to= file and show it as `set plots` says; takes f. 0, or -1 with d
 * set (located at the to= keyword). */
int nb_picture_write_show(NbSession *s, const NbArgs *a, NbFigure *f,
                          NbDiag *d);

/* An expression as a picture's label: x² + y², sigmoid(x)·sigmoid(−x)
 * (plot_common.c; malloc'd). */
char *nb_plot_label(const NbExpr *e);
/* Equal axis scales on the panel when box (x0, x1, y0, y1) is within a
 * factor 2 of square. */
void nb_plot_equal_if_square(NbFigure *f, int panel, const double box[4]);

/* A descent path on panel `panel` of f (plot_common.c): the line of
 * steps, the start and the end; coords holds npts points of 2 values. */
int nb_plot_add_path(NbFigure *f, int panel, size_t npts,
                     const double *coords, const char *label);

/* descend(..., to=)'s picture (plot_descent.c): one panel per run with its
 * path over f (filled contours for two variables, f's curve for one), in
 * the box of range[] when range[j][0] < range[j][1], else one that holds
 * the paths; with curve, the learning curves of all runs in one panel.
 * w, h: the size asked (0: default). NULL with d set. */
typedef struct NbDescentPic {
    const NbExpr *body;
    const NbExpr *const *vars;
    size_t n, nruns;
    const NbDescentResult *const *runs;
    const char *const *labels;   /* per run, or NULL */
    int curve, log;              /* learning curves; log-spaced levels */
    double range[2][2];
    int animate;                 /* a ball rolls along each path (SVG) */
} NbDescentPic;
NbFigure *nb_descent_figure(NbSession *s, const NbDescentPic *p, double w,
                            double h, NbDiag *d);

/* hstudy(..., to=)'s picture (plot_hstudy.c): error versus h, log-log;
 * fname names f in the title. NULL when memory ran out. */
struct NbHstudy;
NbFigure *nb_hstudy_figure(const struct NbHstudy *hs, const char *fname);

#endif
