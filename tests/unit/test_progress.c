/* test_progress.c — the progress line (progress.c, include/nabla/progress.h)
 * as its owner's state, on the stream it is given: what it prints on a
 * pseudo-terminal, when, and that it leaves nothing when its stream is not
 * a terminal, when it has none (--quiet, or a session made without one),
 * or before the delay has passed. Nothing goes to stderr.
 *
 * The expected bytes are the contract in progress.h: "\r\033[K" (carriage
 * return, erase to end of line) then "LABEL: step N of TOTAL (P%)" and
 * ", DETAIL"; "step N" alone when the total is unknown; nb_progress_end
 * erases the line with "\r\033[K" only when something was shown.
 */
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "nabla/nabla.h"
#include "nabla/progress.h"
#include "nabla/session.h"
#include "nabla/command.h"

static int master = -1;

/* A new pseudo-terminal's slave (raw, so bytes pass as written) as a
 * stream, or NULL. */
static FILE *pty_stream(void)
{
    int slave;
    struct termios raw;
    if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
        return NULL;
    tcgetattr(slave, &raw);
    cfmakeraw(&raw);
    tcsetattr(slave, TCSANOW, &raw);
    return fdopen(slave, "w");
}

/* Everything the terminal received since the last call (NUL-terminated). */
static const char *drain(void)
{
    static char buf[4096];
    size_t n = 0;
    struct pollfd p = {master, POLLIN, 0};
    while (n + 1 < sizeof buf && poll(&p, 1, 50) > 0) {
        ssize_t r = read(master, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return buf;
}

static void test_on_terminal(FILE *tty)
{
    NbProgress pg, *p = &pg;
    nb_progress_init(p, tty);
    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    nb_progress_begin(p, "descend", 200);
    nb_progress_tick(p, 50, "f = 0.5");
    nb_progress_tick(p, 60, NULL);     /* at once: within NB_PROGRESS_EVERY_MS */
    CHECK_STR(drain(), "\r\033[Kdescend: step 50 of 200 (25%), f = 0.5",
              "a tick with a total and a detail; the next one, %d ms "
              "not yet passed, prints nothing", NB_PROGRESS_EVERY_MS);
    usleep((NB_PROGRESS_EVERY_MS + 50) * 1000);
    nb_progress_tick(p, 150, NULL);
    CHECK_STR(drain(), "\r\033[Kdescend: step 150 of 200 (75%)",
              "after %d ms the line is redrawn in place", NB_PROGRESS_EVERY_MS);
    nb_progress_end(p);
    CHECK_STR(drain(), "\r\033[K", "end erases the line");

    nb_progress_begin(p, "a label longer than thirty-one bytes is cut", 0);
    nb_progress_tick(p, 7, NULL);
    CHECK_STR(drain(), "\r\033[Ka label longer than thirty-one : step 7",
              "unknown total: step N only; the label keeps 31 bytes");
    nb_progress_end(p);
    drain();

    nb_progress_begin(p, "hstudy", 0);
    nb_progress_total(p, 95);
    nb_progress_tick(p, 19, "prec 53");
    CHECK_STR(drain(), "\r\033[Khstudy: step 19 of 95 (20%), prec 53",
              "a total given after begin");
    nb_progress_end(p);
    drain();

    nb_progress_begin(p, "descend", 10);
    nb_progress_end(p);
    CHECK_STR(drain(), "", "end without a tick shown prints nothing");

    setenv("NABLA_PROGRESS_DELAY_MS", "60000", 1);
    nb_progress_begin(p, "descend", 10);
    nb_progress_tick(p, 5, NULL);
    nb_progress_end(p);
    CHECK_STR(drain(), "", "nothing before the delay (here 60 s)");

    /* two lines are two states: one ending does not touch the other */
    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    NbProgress other;
    nb_progress_init(&other, tty);
    nb_progress_begin(p, "descend", 10);
    nb_progress_begin(&other, "hstudy", 0);
    nb_progress_end(&other);
    nb_progress_tick(p, 5, NULL);
    CHECK_STR(drain(), "\r\033[Kdescend: step 5 of 10 (50%)",
              "another line's begin and end leave this one's run alone");
    nb_progress_end(p);
    drain();
}

/* No stream (--quiet, or a session made without one), or a stream that
 * is not a terminal: nothing is written, even with no delay; stderr is
 * never written to. */
static void test_not_terminal(void)
{
    char path[] = "/tmp/nabla-progress-XXXXXX", epath[] = "/tmp/nabla-err-XXXXXX";
    int fd = mkstemp(path), efd = mkstemp(epath);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f || efd < 0) {
        CHECK(0, "mkstemp");
        return;
    }
    fflush(stderr);
    int keep = dup(STDERR_FILENO);
    dup2(efd, STDERR_FILENO);
    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    NbProgress p;
    nb_progress_init(&p, f);
    nb_progress_begin(&p, "descend", 10);
    nb_progress_tick(&p, 5, "x");
    nb_progress_end(&p);
    nb_progress_init(&p, NULL);
    nb_progress_begin(&p, "descend", 10);
    nb_progress_tick(&p, 5, "x");
    nb_progress_end(&p);
    fflush(stderr);
    dup2(keep, STDERR_FILENO);
    close(keep);
    fflush(f);
    off_t size = lseek(fd, 0, SEEK_END), esize = lseek(efd, 0, SEEK_END);
    fclose(f);
    close(efd);
    unlink(path);
    unlink(epath);
    CHECK(size == 0, "a stream that is not a terminal: no progress (%ld "
          "bytes)", (long)size);
    CHECK(esize == 0, "no stream: nothing, and nothing on stderr (%ld bytes)",
          (long)esize);
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
    test_not_terminal();
    test_session();
    FILE *tty = pty_stream();
    if (!tty) {
        printf("SKIP test_progress: no pseudo-terminal\n");
        return check_done();
    }
    test_on_terminal(tty);
    fclose(tty);
    close(master);
    return check_done();
}
