/* progress.c — the progress line on stderr (see progress.h). */
#include "nabla/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int enabled = 1;
static int active;       /* between begin and end, on a terminal */
static int shown;        /* the line is on the screen */
static long total;
static double start_ms, last_ms, delay_ms;
static char label[32];

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void nb_progress_enable(int on)
{
    enabled = on;
}

void nb_progress_begin(const char *name, long steps)
{
    active = enabled && isatty(STDERR_FILENO);
    shown = 0;
    if (!active)
        return;
    const char *env = getenv("NABLA_PROGRESS_DELAY_MS");
    delay_ms = env && *env ? atof(env) : NB_PROGRESS_DELAY_MS;
    snprintf(label, sizeof label, "%s", name);
    total = steps;
    start_ms = last_ms = now_ms();
}

void nb_progress_total(long steps)
{
    total = steps;
}

void nb_progress_tick(long done, const char *detail)
{
    if (!active)
        return;
    double t = now_ms();
    if (t - start_ms < delay_ms || (shown && t - last_ms < NB_PROGRESS_EVERY_MS))
        return;
    last_ms = t;
    shown = 1;
    /* \r and erase-to-end: the line is redrawn in place */
    if (total > 0)
        fprintf(stderr, "\r\033[K%s: step %ld of %ld (%.0f%%)%s%s", label,
                done, total, 100.0 * (double)done / (double)total,
                detail ? ", " : "", detail ? detail : "");
    else
        fprintf(stderr, "\r\033[K%s: step %ld%s%s", label, done,
                detail ? ", " : "", detail ? detail : "");
    fflush(stderr);
}

void nb_progress_end(void)
{
    if (active && shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    active = shown = 0;
}
