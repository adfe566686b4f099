/* progress.c — the progress line of long runs, on the stream its owner
 * was given (see progress.h). */
#include "nabla/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void nb_progress_init(NbProgress *p, FILE *out)
{
    memset(p, 0, sizeof *p);
    p->out = out;
}

void nb_progress_begin(NbProgress *p, const char *name, long steps)
{
    int fd = p->out ? fileno(p->out) : -1;
    p->active = fd >= 0 && isatty(fd);
    p->shown = 0;
    if (!p->active)
        return;
    const char *env = getenv("NABLA_PROGRESS_DELAY_MS");
    p->delay_ms = env && *env ? atof(env) : NB_PROGRESS_DELAY_MS;
    snprintf(p->label, sizeof p->label, "%s", name);
    p->total = steps;
    p->start_ms = p->last_ms = now_ms();
}

void nb_progress_total(NbProgress *p, long steps)
{
    p->total = steps;
}

void nb_progress_tick(NbProgress *p, long done, const char *detail)
{
    if (!p->active)
        return;
    double t = now_ms();
    if (t - p->start_ms < p->delay_ms
        || (p->shown && t - p->last_ms < NB_PROGRESS_EVERY_MS))
        return;
    p->last_ms = t;
    p->shown = 1;
    /* \r and erase-to-end: the line is redrawn in place */
    if (p->total > 0)
        fprintf(p->out, "\r\033[K%s: step %ld of %ld (%.0f%%)%s%s", p->label,
                done, p->total, 100.0 * (double)done / (double)p->total,
                detail ? ", " : "", detail ? detail : "");
    else
        fprintf(p->out, "\r\033[K%s: step %ld%s%s", p->label, done,
                detail ? ", " : "", detail ? detail : "");
    fflush(p->out);
}

void nb_progress_end(NbProgress *p)
{
    if (p->active && p->shown) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->active = p->shown = 0;
}
