/* test_progress.c — the progress line (progress.c, include/nabla/progress.h)
 * with stderr on a pseudo-terminal: what it prints, when, and that it
 * leaves nothing when stderr is not a terminal, when it is disabled, or
 * before the delay has passed.
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
#include "nabla/progress.h"

static int master = -1, saved_err = -1;

/* stderr onto a new pseudo-terminal's slave (raw, so bytes pass as
 * written); 0, or -1. */
static int err_to_pty(void)
{
    int slave;
    struct termios raw;
    if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
        return -1;
    tcgetattr(slave, &raw);
    cfmakeraw(&raw);
    tcsetattr(slave, TCSANOW, &raw);
    fflush(stderr);
    saved_err = dup(STDERR_FILENO);
    dup2(slave, STDERR_FILENO);
    close(slave);
    return 0;
}

static void err_back(void)
{
    fflush(stderr);
    dup2(saved_err, STDERR_FILENO);
    close(saved_err);
    close(master);
}

/* Everything the terminal received since the last call (NUL-terminated). */
static const char *drain(void)
{
    static char buf[4096];
    size_t n = 0;
    fflush(stderr);
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

static void test_on_terminal(void)
{
    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    nb_progress_enable(1);
    nb_progress_begin("descend", 200);
    nb_progress_tick(50, "f = 0.5");
    nb_progress_tick(60, NULL);     /* at once: within NB_PROGRESS_EVERY_MS */
    CHECK_STR(drain(), "\r\033[Kdescend: step 50 of 200 (25%), f = 0.5",
              "a tick with a total and a detail; the next one, %d ms "
              "not yet passed, prints nothing", NB_PROGRESS_EVERY_MS);
    usleep((NB_PROGRESS_EVERY_MS + 50) * 1000);
    nb_progress_tick(150, NULL);
    CHECK_STR(drain(), "\r\033[Kdescend: step 150 of 200 (75%)",
              "after %d ms the line is redrawn in place", NB_PROGRESS_EVERY_MS);
    nb_progress_end();
    CHECK_STR(drain(), "\r\033[K", "end erases the line");

    nb_progress_begin("a label longer than thirty-one bytes is cut", 0);
    nb_progress_tick(7, NULL);
    CHECK_STR(drain(), "\r\033[Ka label longer than thirty-one : step 7",
              "unknown total: step N only; the label keeps 31 bytes");
    nb_progress_end();
    drain();

    nb_progress_begin("hstudy", 0);
    nb_progress_total(95);
    nb_progress_tick(19, "prec 53");
    CHECK_STR(drain(), "\r\033[Khstudy: step 19 of 95 (20%), prec 53",
              "a total given after begin");
    nb_progress_end();
    drain();

    nb_progress_begin("descend", 10);
    nb_progress_end();
    CHECK_STR(drain(), "", "end without a tick shown prints nothing");

    setenv("NABLA_PROGRESS_DELAY_MS", "60000", 1);
    nb_progress_begin("descend", 10);
    nb_progress_tick(5, NULL);
    nb_progress_end();
    CHECK_STR(drain(), "", "nothing before the delay (here 60 s)");

    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    nb_progress_enable(0);
    nb_progress_begin("descend", 10);
    nb_progress_tick(5, NULL);
    nb_progress_end();
    CHECK_STR(drain(), "", "nothing when disabled (--quiet)");
    nb_progress_enable(1);
}

/* stderr a file: nothing is written, even with no delay. */
static void test_not_terminal(void)
{
    char path[] = "/tmp/nabla-progress-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        CHECK(0, "mkstemp");
        return;
    }
    fflush(stderr);
    int keep = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);
    nb_progress_begin("descend", 10);
    nb_progress_tick(5, "x");
    nb_progress_end();
    fflush(stderr);
    dup2(keep, STDERR_FILENO);
    close(keep);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    CHECK(size == 0, "stderr not a terminal: no progress (%ld bytes)",
          (long)size);
}

int main(void)
{
    test_not_terminal();
    if (err_to_pty() != 0) {
        printf("SKIP test_progress: no pseudo-terminal\n");
        return check_done();
    }
    test_on_terminal();
    err_back();
    return check_done();
}
