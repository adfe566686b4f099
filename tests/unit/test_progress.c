/* test_progress.c — the progress line (include/nabla/progress.h) as its
 * owner state: it writes only to the stream it was given, only when that
 * stream is a terminal (a pseudo-terminal here), only after the delay, at
 * most every NB_PROGRESS_EVERY_MS, and erases itself at the end. The
 * expected bytes are written out by hand from progress.h's contract. The
 * whole program at a terminal is in tests/repl (descend, hstudy).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nabla/nabla.h"
#include "nabla/progress.h"
#include "check.h"

/* What the terminal received so far, NUL-ended: reads until nothing came
 * for 200 ms (so each call lasts at least NB_PROGRESS_EVERY_MS). */
static const char *drain(int master)
{
    static char buf[512];
    size_t n = 0;
    struct pollfd pf = {master, POLLIN, 0};
    while (n + 1 < sizeof buf && poll(&pf, 1, 200) > 0) {
        ssize_t got = read(master, buf + n, sizeof buf - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

static void test_nowhere(void)
{
    NbProgress p;
    nb_progress_init(&p, NULL);
    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    nb_progress_begin(&p, "descend", 10);
    nb_progress_tick(&p, 3, "f = 1");
    CHECK(!p.active && !p.shown, "no stream: never active");
    nb_progress_end(&p);

    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    nb_progress_init(&p, m);
    nb_progress_begin(&p, "descend", 10);
    nb_progress_tick(&p, 3, "f = 1");
    nb_progress_end(&p);
    fclose(m);
    CHECK(len == 0, "a stream that is not a terminal gets nothing (%zu bytes)",
          len);
    free(text);
}

static void test_terminal(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master)) {
        printf("SKIP test_progress: no pseudo-terminal\n");
        return;
    }
    FILE *tty = fopen(ptsname(master), "w");
    CHECK(tty != NULL, "the pseudo-terminal's other end opens");
    if (!tty)
        return;
    NbProgress p;
    nb_progress_init(&p, tty);

    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    nb_progress_begin(&p, "descend", 10);
    nb_progress_tick(&p, 3, "f = 1");
    nb_progress_tick(&p, 4, "f = 0.5"); /* within NB_PROGRESS_EVERY_MS */
    CHECK_STR(drain(master), "\r\033[Kdescend: step 3 of 10 (30%), f = 1",
              "the line: label, step of total, percent, detail; not redrawn "
              "within NB_PROGRESS_EVERY_MS");
    nb_progress_end(&p);
    CHECK_STR(drain(master), "\r\033[K", "erased at the end");

    nb_progress_begin(&p, "hstudy", 0);
    nb_progress_tick(&p, 1, NULL);
    CHECK_STR(drain(master), "\r\033[Khstudy: step 1",
              "total unknown: the step alone");
    nb_progress_total(&p, 4);
    usleep((NB_PROGRESS_EVERY_MS + 20) * 1000);
    nb_progress_tick(&p, 2, NULL);
    CHECK_STR(drain(master), "\r\033[Khstudy: step 2 of 4 (50%)",
              "a total told later, redrawn after NB_PROGRESS_EVERY_MS");
    nb_progress_end(&p);
    drain(master);

    setenv("NABLA_PROGRESS_DELAY_MS", "100000", 1);
    nb_progress_begin(&p, "descend", 10);
    nb_progress_tick(&p, 3, NULL);
    nb_progress_end(&p);
    CHECK_STR(drain(master), "", "a run shorter than the delay leaves no trace");
    fclose(tty);
    close(master);
}

/* A session draws on the stream its options name, and on none by default. */
static void test_session(void)
{
    NbSessionOpts o;
    nb_session_opts_default(&o);
    CHECK(o.progress == NULL, "default options: no progress stream");
    NbSession *s = nb_session_new(&o);
    CHECK(nb_session_progress(s)->out == NULL, "a default session: nowhere");
    nb_session_free(s);
    o.progress = stderr;
    s = nb_session_new(&o);
    CHECK(nb_session_progress(s)->out == stderr, "the stream it was given");
    nb_session_free(s);
}

int main(void)
{
    test_nowhere();
    test_terminal();
    test_session();
    return check_done();
}
