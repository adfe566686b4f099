/* test_term.c — terminal picture detection and display (src/cli/term.c) on
 * pseudo-terminals we play the terminal of.
 *
 * A child process runs the code under test on the pty's slave side; we
 * are the terminal on the master side: answering the DA1 query with sixel,
 * with a plain VT220, or never. Every wait has a deadline, so a hang fails
 * a check instead of the suite. Environment overrides are checked in
 * process, on pipes (not terminals, so no query may be written). */
#include "../unit/check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/term.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Children that did not exit 0: a sanitizer or valgrind report in a
 * child shows in its exit status only (--error-exitcode). */
static int bad_children;

static void note_exit(int st)
{
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        bad_children++;
}

/* Wait for the child until end (ms), so valgrind can finish its report,
 * then kill it. */
static void reap(pid_t pid, double end)
{
    int st = 0;
    pid_t w;
    while ((w = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < end)
        usleep(10000);
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    note_exit(st);
}

static void clean_env(void)
{
    unsetenv("NABLA_TERM_PROTO");
    unsetenv("TMUX");
    unsetenv("STY");
    unsetenv("KITTY_WINDOW_ID");
    unsetenv("TERM_PROGRAM");
    setenv("TERM", "xterm-256color", 1);
}

/* What the child reports about one detection. */
typedef struct Report {
    int proto;
    double ms;
    int restored;   /* termios lflag as before */
    int leftover;   /* input bytes left after detection */
} Report;

/* Child: detect on the slave, then look for unread input. */
static void child_detect(int slave, int wfd)
{
    Report r;
    struct termios before, after, raw;
    memset(&r, 0, sizeof r);    /* the padding goes down the pipe too */
    tcgetattr(slave, &before);
    double t0 = now_ms();
    r.proto = nb_term_detect(slave, slave, 100);
    r.ms = now_ms() - t0;
    tcgetattr(slave, &after);
    r.restored = before.c_lflag == after.c_lflag &&
                 before.c_cc[VMIN] == after.c_cc[VMIN];
    raw = after;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    tcsetattr(slave, TCSANOW, &raw);
    usleep(50000);
    char junk[64];
    ssize_t n = read(slave, junk, sizeof junk);
    r.leftover = n > 0 ? (int)n : 0;
    tcsetattr(slave, TCSANOW, &after);
    if (write(wfd, &r, sizeof r) != (ssize_t)sizeof r)
        check_child_exit(2);
    check_child_exit(0);
}

/* Play a terminal that answers the DA1 query with answer (NULL: never);
 * *echoed: bytes that came back on the screen after the answer. */
static int fake_terminal(const char *answer, Report *r, char *echoed, size_t cap)
{
    int master, slave, pfd[2];
    struct winsize ws = {24, 80, 0, 0};
    if (openpty(&master, &slave, NULL, NULL, &ws) != 0 || pipe(pfd) != 0)
        return 0;
    fflush(stdout);     /* valgrind's exit flushes the child's copy */
    pid_t pid = fork();
    if (pid == 0) {
        close(master);
        close(pfd[0]);
        clean_env();
        child_detect(slave, pfd[1]);
    }
    close(slave);
    close(pfd[1]);
    char seen[256];
    size_t len = 0;
    int asked = 0;
    double end = now_ms() + 3000;
    echoed[0] = '\0';
    while (now_ms() < end) {
        struct pollfd p[2] = {{master, POLLIN, 0}, {pfd[0], POLLIN, 0}};
        if (poll(p, 2, 20) < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            ssize_t n = read(master, seen + len, sizeof seen - 1 - len);
            if (n > 0) {
                len += (size_t)n;
                seen[len] = '\0';
            }
            if (asked && n > 0 && strlen(echoed) + (size_t)n < cap)
                strncat(echoed, seen + len - n, (size_t)n);
            if (!asked && strstr(seen, "\033[c")) {
                asked = 1;
                if (answer && write(master, answer, strlen(answer)) < 0)
                    break;
            }
        }
        if (p[1].revents & POLLIN)
            break;
    }
    ssize_t got = read(pfd[0], r, sizeof *r);
    reap(pid, got == (ssize_t)sizeof *r ? now_ms() + 10000 : 0);
    close(master);
    close(pfd[0]);
    return got == (ssize_t)sizeof *r ? (asked ? 1 : 2) : 0;
}

static void test_query(void)
{
    Report r;
    char echoed[256];
    int ok = fake_terminal("\033[?62;4;22c", &r, echoed, sizeof echoed);
    CHECK(ok == 1, "a sixel terminal is asked (ESC [ c)");
    if (ok) {
        CHECK(r.proto == NB_TERM_SIXEL, "answer 62;4;22: sixel (got %d)", r.proto);
        CHECK(r.ms < 100, "answered at once: no wait for the timeout (%.0f ms)", r.ms);
        CHECK(r.restored, "terminal modes restored");
        CHECK(r.leftover == 0, "the answer was read up (%d bytes left)", r.leftover);
        CHECK(strstr(echoed, "62") == NULL, "the answer was not echoed");
    }
    ok = fake_terminal("\033[?62;1;6;9;22c", &r, echoed, sizeof echoed);
    CHECK(ok == 1 && r.proto == NB_TERM_TEXT && r.leftover == 0,
          "a VT220 without sixel: text (got %d)", r.proto);
    ok = fake_terminal("\033[?64;44c", &r, echoed, sizeof echoed);
    CHECK(ok == 1 && r.proto == NB_TERM_TEXT, "parameter 44 is not 4 (got %d)", r.proto);
    ok = fake_terminal(NULL, &r, echoed, sizeof echoed);
    CHECK(ok == 1 && r.proto == NB_TERM_TEXT, "a silent terminal: text");
    CHECK(ok == 1 && r.ms >= 90 && r.ms < 200,
          "a silent terminal costs the timeout and no more (%.0f ms)", r.ms);
    CHECK(ok == 1 && r.restored, "terminal modes restored after a timeout");
}

/* Overrides and hints on pipes: nothing may be asked of a pipe. */
static void test_env(void)
{
    int pfd[2];
    if (pipe(pfd) != 0)
        return;
    struct {
        const char *var, *value, *var2, *value2;
        int want;
    } t[] = {
        {"NABLA_TERM_PROTO", "sixel", NULL, NULL, NB_TERM_SIXEL},
        {"NABLA_TERM_PROTO", "kitty", "TMUX", "/tmp/x", NB_TERM_KITTY},
        {"NABLA_TERM_PROTO", "iterm2", NULL, NULL, NB_TERM_ITERM2},
        {"NABLA_TERM_PROTO", "text", "TERM", "xterm-kitty", NB_TERM_TEXT},
        {"TERM", "xterm-kitty", NULL, NULL, NB_TERM_KITTY},
        {"KITTY_WINDOW_ID", "1", NULL, NULL, NB_TERM_KITTY},
        {"TERM_PROGRAM", "iTerm.app", NULL, NULL, NB_TERM_ITERM2},
        {"TERM_PROGRAM", "WezTerm", NULL, NULL, NB_TERM_ITERM2},
        {"TMUX", "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID", "1", NB_TERM_TEXT},
        {"TERM", "screen-256color", "TERM_PROGRAM", "iTerm.app", NB_TERM_TEXT},
        {"TERM", "tmux-256color", NULL, NULL, NB_TERM_TEXT},
        {"NABLA_TERM_PROTO", "bogus", NULL, NULL, NB_TERM_TEXT},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        clean_env();
        setenv(t[i].var, t[i].value, 1);
        if (t[i].var2)
            setenv(t[i].var2, t[i].value2, 1);
        int got = nb_term_detect(pfd[0], pfd[1], 100);
        CHECK(got == t[i].want, "%s=%s%s%s%s: %s (got %s)", t[i].var, t[i].value,
              t[i].var2 ? ", " : "", t[i].var2 ? t[i].var2 : "",
              t[i].var2 ? "=..." : "", nb_term_proto_name(t[i].want),
              nb_term_proto_name(got));
    }
    clean_env();
    double t0 = now_ms();
    CHECK(nb_term_detect(pfd[0], pfd[1], 100) == NB_TERM_TEXT && now_ms() - t0 < 50,
          "no hints and not a terminal: text, at once");
    fcntl(pfd[0], F_SETFL, O_NONBLOCK);
    char b[8];
    CHECK(read(pfd[0], b, sizeof b) < 0, "nothing asked of a pipe");
    close(pfd[0]);
    close(pfd[1]);
}

/* nb_term_show on a pty of ws: what the terminal receives (child draws,
 * we read, so a full pty buffer cannot block it). */
static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static size_t show_on_pty(const NbFigure *f, NbTermProto proto, struct winsize ws,
                          char *buf, size_t cap)
{
    int master, slave;
    size_t len = 0;
    if (openpty(&master, &slave, NULL, NULL, &ws) != 0)
        return 0;
    struct termios tio;
    tcgetattr(slave, &tio);
    tio.c_oflag &= ~(tcflag_t)OPOST;   /* newlines as sent */
    tcsetattr(slave, TCSANOW, &tio);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(master);
        FILE *out = fdopen(slave, "w");
        check_child_exit(out && nb_term_show(f, proto, out, 0) == 0 ? 0 : 1);
    }
    close(slave);
    double end = now_ms() + 5000;
    while (now_ms() < end && len + 1 < cap) {
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) {
            int st;
            if (waitpid(pid, &st, WNOHANG) == pid) {
                note_exit(st);
                pid = -1;
                break;
            }
            continue;
        }
        ssize_t n = read(master, buf + len, cap - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    if (pid > 0)
        reap(pid, now_ms() + 10000);
    close(master);
    return len;
}

static void test_show(void)
{
    static char buf[1 << 20];
    NbFigure *f = nb_figure_new(1, 1, 640, 480);
    double x[2] = {0, 1}, y[2] = {0, 1};
    NbLineStyle ls = {{0, 0, 0, 1}, 0, 0, NB_MARKER_NONE, 0, NULL};
    if (!f)
        return;
    nb_layer_line(f, 0, 2, x, y, &ls);
    /* 100 x 40 cells: text 70 columns; 70 * 0.75 / 2 = 26 rows, but at
     * most 0.6 * 40 = 24 */
    struct winsize ws = {40, 100, 0, 0};
    size_t len = show_on_pty(f, NB_TERM_TEXT, ws, buf, sizeof buf);
    int lines = 0, widest = 0, w = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            lines++;
            widest = w > widest ? w : widest;
            w = 0;
        } else
            w += ((unsigned char)buf[i] & 0xc0) != 0x80;
    }
    CHECK(lines == 24 && widest == 70, "text picture 70 x 24 in a 100 x 40 terminal (%d x %d)",
          widest, lines);
    CHECK(len > 0 && buf[len - 1] == '\n' && !memchr(buf, '\033', len),
          "ends with a newline; NO_COLOR: no escapes");

    size_t pl = 0;
    unsigned char *png = nb_figure_png(f, 1, &pl);
    if (!png) {
        printf("# kitty sizing: no PNG backend in this build, not tested\n");
    } else {
        free(png);
        /* 100 x 60 cells of 8 x 16 pixels: a box of 560 x 576 pixels; the
         * 640 x 480 figure at 0.875 is 560 x 420: 70 columns, 26.25 -> 27
         * rows */
        struct winsize w2 = {60, 100, 0, 0};
        show_on_pty(f, NB_TERM_KITTY, w2, buf, sizeof buf);
        CHECK(starts_with(buf, "\033_Gf=100,a=T,q=2,c=70,r=27,"),
              "kitty placement from 8 x 16 cells: 70 x 27");
        /* 100 x 40 cells in 2000 x 1600 pixels (20 x 40 a cell): a box of
         * 1400 x 960; scale 2: 1280 x 960 pixels, 64 x 24 cells */
        struct winsize w3 = {40, 100, 2000, 1600};
        show_on_pty(f, NB_TERM_KITTY, w3, buf, sizeof buf);
        CHECK(starts_with(buf, "\033_Gf=100,a=T,q=2,c=64,r=24,"),
              "kitty placement from the reported pixels: 64 x 24");
        show_on_pty(f, NB_TERM_ITERM2, w3, buf, sizeof buf);
        CHECK(strstr(buf, ";width=1280px;height=960px;") != NULL,
              "iTerm2 image 1280 x 960 pixels");
        /* sixel: the raster at the same scale, 1280 x 960 pixels, in a
         * DCS string whose raster attributes give that size */
        size_t sl = show_on_pty(f, NB_TERM_SIXEL, w3, buf, sizeof buf);
        CHECK(starts_with(buf, "\033P") && strstr(buf, "\"1;1;1280;960") != NULL
                  && sl > 3 && memmem(buf, sl, "\033\\", 2) != NULL,
              "sixel image 1280 x 960 pixels in ESC P ... ESC \\");
    }
    nb_figure_free(f);
}

int main(void)
{
    test_env();
    test_query();
    test_show();
    nb_plot_font_cleanup();
    CHECK(bad_children == 0, "every child exited 0 (%d did not)", bad_children);
    return check_done();
}
