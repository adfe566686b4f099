/* session.h — a nabla session: variables, user functions, settings, and the
 * execution of statements (SPEC §2, §7, §9).
 *
 * The session lowers each statement's syntax tree into the expression store
 * bottom-up with the canonical constructors. Closed subexpressions stay
 * symbolic (sin(1) inside a symbolic result stays sin(1)), but each closed
 * operation is evaluated as it is built (exact where possible, else floats
 * at the working precision), so an error is reported at the source
 * position of the operation that failed. Unbound names are free symbols;
 * names in a function body are bound when the function is called. Command
 * calls (diff, descend, plot, ...) dispatch through the command tables
 * (command.h).
 *
 * Printing rules: an expression statement prints its value on out — a
 * closed value as a number (an exact rational prints as an integer; as a
 * finite decimal when the statement used a decimal literal such as 0.1,
 * directly or through a variable or function, and has one; else as a
 * fraction: 1/3 + 1/6 is 1/2, 0.1 + 0.2 is 0.3), anything else in its
 * canonical symbolic form. An assignment prints "name = value" and a
 * definition "f(x) = body" only at the prompt (echo on). Commands print
 * their own tables. Diagnostics go to err.
 *
 * Ownership: the session owns its store, variables and functions; strings
 * passed in are copied or borrowed only for the duration of the call.
 */
#ifndef NABLA_SESSION_H
#define NABLA_SESSION_H

#include <stdio.h>
#include <stddef.h>
#include "nabla/expr.h"
#include "nabla/diag.h"
#include "nabla/table.h"
#include "nabla/plot.h"

typedef struct NbSession NbSession;

/* Where pictures go besides a to= file (SPEC §6, `set plots`): auto draws
 * them at an interactive terminal only (through show_picture), image the
 * same, text always as text on out (even into a pipe: asked for), off never. */
typedef enum NbPlotsMode {
    NB_PLOTS_AUTO, NB_PLOTS_IMAGE, NB_PLOTS_TEXT, NB_PLOTS_OFF
} NbPlotsMode;

typedef struct NbSessionOpts {
    long prec;          /* NB_PREC_DOUBLE or MPFR bits */
    int digits;         /* 0: shortest round-trip */
    NbFormat format;
    int keep_going;     /* continue a script after a failed statement */
    int quiet;
    int color;
    int echo;           /* print assignments (the prompt does) */
    NbPlotsMode plots;
    int term_cols;      /* width of out in columns for text pictures; 0: 80 */
    /* The program's way to show a picture on the terminal it runs at (an
     * image protocol, or text sized to the window): set only when out is
     * an interactive terminal; it gets every mode but off (text: as text,
     * in colour unless NO_COLOR). Returns 0 when it showed the picture. */
    int (*show_picture)(void *ctx, const NbFigure *f, NbPlotsMode mode);
    void *show_ctx;
    /* A page being built (page.h, SPEC §11), or NULL. When set, the
     * statements of each source run (not those of a load) are recorded
     * in it: their output, tables, pictures (all of them, unless `set
     * plots off`), symbolic results as MathML, and diagnostics (which go
     * to err as well). The caller owns it and writes it after the run. */
    struct NbPage *page;
    /* The prompt's way to ask a yes/no question (bare `clear`): 1 yes.
     * NULL in scripts and -e, where nothing is asked. */
    int (*confirm)(void *ctx, const char *question);
    void *confirm_ctx;
    FILE *out, *err;
    /* Where long runs (descend, hstudy) draw their progress line when it
     * is a terminal (progress.h), read when the session is made; NULL
     * (the default): nowhere. The program passes stderr. */
    FILE *progress;
} NbSessionOpts;

void nb_session_opts_default(NbSessionOpts *o);   /* stdout, stderr, double */

NbSession *nb_session_new(const NbSessionOpts *o);
void nb_session_free(NbSession *s);

/* Run every statement of text (name for diagnostics). Returns 0 when all
 * succeeded, 1 when a statement failed (after reporting it on err; without
 * keep_going the run stops there), NB_SESSION_QUIT when `quit` ran. */
#define NB_SESSION_QUIT 3
int nb_session_run(NbSession *s, const char *name, const char *text,
                   size_t len);

/* Run a file; 2 when it cannot be read (reported on err). */
int nb_session_run_file(NbSession *s, const char *path);

/* A note on err when the digits shown exceed what the working precision
 * holds (`set digits 50` in double). */
void nb_session_digits_note(NbSession *s);

NbStore *nb_session_store(NbSession *s);
const NbSessionOpts *nb_session_opts(const NbSession *s);
NbSessionOpts *nb_session_opts_mut(NbSession *s);

/* Names for completion at the prompt: user variables and functions, then
 * (statements >= 0) built-ins, commands, constants and ans, then
 * (statements > 0) the words that only start a statement (set, load,
 * quit, ...). Calls fn once per name. */
void nb_session_each_name(NbSession *s, int statements,
                          void (*fn)(const char *, void *), void *ctx);

#endif
