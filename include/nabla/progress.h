/* progress.h — a one-line progress report on stderr for long runs (SPEC §7:
 * "long runs show progress on stderr when it is a terminal").
 *
 * Nothing is printed unless stderr is a terminal, progress is enabled
 * (nb_progress_enable; the CLI turns it off with --quiet), and the run has
 * lasted NB_PROGRESS_DELAY_MS (environment NABLA_PROGRESS_DELAY_MS
 * overrides it, for tests). Then the line is redrawn at most every
 * NB_PROGRESS_EVERY_MS and erased by nb_progress_end, so a finished run
 * leaves no trace and results on stdout are never mixed with it.
 *
 * Ownership: the module keeps a copy of the label; no caller frees anything.
 */
#ifndef NABLA_PROGRESS_H
#define NABLA_PROGRESS_H

#define NB_PROGRESS_DELAY_MS 500
#define NB_PROGRESS_EVERY_MS 200

void nb_progress_enable(int on);

/* Starts timing a run named label ("descend"), of total steps (0: unknown). */
void nb_progress_begin(const char *label, long total);

/* The total, when it is known only after nb_progress_begin (hstudy counts
 * its rows once its arguments are checked). */
void nb_progress_total(long total);

/* Cheap to call often: reads the clock, prints only when due. detail is
 * printed after "step N of TOTAL" (may be NULL). */
void nb_progress_tick(long done, const char *detail);

/* Erases the line if anything was printed. */
void nb_progress_end(void);

#endif
