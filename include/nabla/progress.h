/* progress.h — a one-line progress report for long runs (SPEC §7: "long
 * runs show progress on stderr when it is a terminal").
 *
 * The line is state of its owner (each session holds one: command.h's
 * nb_session_progress) and is written only to the stream it was given
 * (NbSessionOpts.progress: the program passes stderr, and NULL with
 * --quiet; a session is made without one). Nothing is printed unless that
 * stream is a terminal and the run has lasted NB_PROGRESS_DELAY_MS
 * (environment NABLA_PROGRESS_DELAY_MS overrides it, for tests). Then the
 * line is redrawn at most every NB_PROGRESS_EVERY_MS and erased by
 * nb_progress_end, so a finished run leaves no trace and results on
 * stdout are never mixed with it.
 *
 * Ownership: the NbProgress keeps a copy of the label and borrows the
 * stream; nothing is allocated, nothing to free.
 */
#ifndef NABLA_PROGRESS_H
#define NABLA_PROGRESS_H

#include <stdio.h>

#define NB_PROGRESS_DELAY_MS 500
#define NB_PROGRESS_EVERY_MS 200

typedef struct NbProgress {
    FILE *out;              /* where the line goes; NULL: nowhere */
    int active;             /* between begin and end, on a terminal */
    int shown;              /* the line is on the screen */
    long total;
    double start_ms, last_ms, delay_ms;
    char label[32];
} NbProgress;

/* A progress line writing to out (NULL: never writes). */
void nb_progress_init(NbProgress *p, FILE *out);

/* Starts timing a run named label ("descend"), of total steps (0: unknown). */
void nb_progress_begin(NbProgress *p, const char *label, long total);

/* The total, when it is known only after nb_progress_begin (hstudy counts
 * its rows once its arguments are checked). */
void nb_progress_total(NbProgress *p, long total);

/* Cheap to call often: reads the clock, prints only when due. detail is
 * printed after "step N of TOTAL" (may be NULL). */
void nb_progress_tick(NbProgress *p, long done, const char *detail);

/* Erases the line if anything was printed. */
void nb_progress_end(NbProgress *p);

#endif
