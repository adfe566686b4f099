/* test_repl.c — the prompt as a person meets it, through a pseudo-terminal:
 * results, multi-line input, tab completion, errors that do not end the
 * session, ^C while typing, ^C while computing, history saved, ^D to quit.
 *
 * The program under test is $NABLA; HOME is a fresh directory so the history
 * file is ours to inspect. Every wait has a deadline: a hung prompt fails the
 * check instead of hanging the suite. */
#include "../unit/check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct Term {
    int fd;
    pid_t pid;
    char buf[65536]; /* everything the program wrote since the last mark */
    size_t len;
} Term;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Read until want appears in the output (returns 1) or the deadline passes. */
static int expect(Term *t, const char *want, double seconds)
{
    double end = now() + seconds;
    for (;;) {
        t->buf[t->len] = '\0';
        if (strstr(t->buf, want))
            return 1;
        double left = end - now();
        if (left <= 0)
            return 0;
        struct pollfd p = {t->fd, POLLIN, 0};
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        if (t->len + 1 >= sizeof t->buf)
            t->len = 0; /* keep the tail only */
        ssize_t n = read(t->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
        if (n <= 0)
            return strstr(t->buf, want) != NULL;
        t->len += (size_t)n;
    }
}

static void mark(Term *t) { t->len = 0; t->buf[0] = '\0'; }

static void type(Term *t, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(t->fd, s, n);
        if (w < 0 && errno != EINTR)
            return;
        if (w > 0) {
            s += w;
            n -= (size_t)w;
        }
    }
}

static const char *term_name = "dumb";
static const char *first_file; /* -i FILE */

/* 1: the next session keeps colour (no NO_COLOR in its environment) */
static int with_color;

static int start(Term *t, const char *nabla, const char *home)
{
    struct winsize ws = {24, 100, 0, 0};
    t->len = 0;
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    if (t->pid < 0)
        return 0;
    if (t->pid == 0) {
        setenv("HOME", home, 1);
        setenv("TERM", term_name, 1);
        if (!with_color)
            setenv("NO_COLOR", "1", 1);
        setenv("NABLA_PROGRESS_DELAY_MS", "0", 1);  /* progress at once */
        if (first_file)
            execl(nabla, nabla, "-i", first_file, (char *)NULL);
        else
            execl(nabla, nabla, (char *)NULL);
        _exit(127);
    }
    return 1;
}

/* Wait for the child to exit; its status, or -1 after the deadline. */
static int finish(Term *t, double seconds)
{
    double end = now() + seconds;
    int st;
    while (now() < end) {
        char sink[4096];
        struct pollfd p = {t->fd, POLLIN, 0};
        if (poll(&p, 1, 50) > 0 && read(t->fd, sink, sizeof sink) < 0)
            usleep(10000); /* pty closed: the child is exiting */
        pid_t r = waitpid(t->pid, &st, WNOHANG);
        if (r == t->pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    kill(t->pid, SIGKILL);
    waitpid(t->pid, &st, 0);
    return -1;
}

/* Completion of what is being typed: ^U clears the line between tries. */
static void completes(Term *t, const char *typed, const char *want,
                      const char *what)
{
    mark(t);
    type(t, typed);
    type(t, "\t");
    CHECK(expect(t, want, 3), "%s (got: %s)", what, t->buf);
    type(t, "\025");
    expect(t, "> ", 1);
}

/* Issue 16: names that can be unbound, keyword completion, ans, clear. */
static void names_and_completion(const char *nabla, const char *home)
{
    Term t;
    CHECK(start(&t, nabla, home), "second session starts");
    CHECK(expect(&t, "> ", 5), "prompt shown");

    type(&t, "x = 3\n");
    CHECK(expect(&t, "x = 3", 5), "assignment echoed");
    mark(&t);
    type(&t, "grad(x^2+y^2)\n");
    CHECK(expect(&t, "x has the value 3; `clear x` to use it as a variable", 5),
          "grad says x has a value");
    mark(&t);
    type(&t, "clear x\n");
    expect(&t, "> ", 5);
    mark(&t);
    type(&t, "grad(x^2+y^2)\n");
    CHECK(expect(&t, "[2*x, 2*y]", 5), "after clear x, grad sees x again");

    mark(&t);
    type(&t, "2^10\n");
    expect(&t, "1024", 5);
    mark(&t);
    type(&t, "ans + 1\n");
    CHECK(expect(&t, "1025", 5), "ans is the last result");

    completes(&t, "descend(x^2+y^2, [1, 2], me", "method=",
              "keyword completion inside descend(");
    completes(&t, "descend(x^2+y^2, [1, 2], method=\"new", "newton\"",
              "method value completion closes the string");
    completes(&t, "nderiv(x^2, 1, method=\"ric", "richardson\"",
              "nderiv's methods complete");
    completes(&t, "hstudy(x^2, 1, methods=[\"cen", "central\"",
              "hstudy's methods complete inside a vector");

    /* <TAB><TAB> inside a call lists names, never statement words */
    mark(&t);
    type(&t, "diff(x, l\t\t");
    CHECK(expect(&t, "lgamma", 3), "names listed inside a call");
    CHECK(!strstr(t.buf, "load"), "no 'load' inside a call");
    type(&t, "\025");
    expect(&t, "> ", 1);
    mark(&t);
    type(&t, "diff(x, q\t\t");
    expect(&t, "diff(x, q", 2);
    usleep(200000);
    expect(&t, "\007", 1);
    CHECK(!strstr(t.buf, "quit"), "no 'quit' inside a call");
    type(&t, "\025");
    expect(&t, "> ", 1);
    completes(&t, "qu", "quit", "quit completes at the start of a line");

    /* bare clear asks first; n keeps everything */
    type(&t, "a = 1\n");
    expect(&t, "a = 1", 5);
    mark(&t);
    type(&t, "clear\n");
    CHECK(expect(&t, "clear 1 variable and 0 functions? [y/N] ", 5),
          "bare clear asks");
    type(&t, "n\n");
    CHECK(expect(&t, "nothing cleared", 5), "n keeps the names");
    mark(&t);
    type(&t, "clear\n");
    expect(&t, "[y/N] ", 5);
    type(&t, "y\n");
    expect(&t, "> ", 5);
    mark(&t);
    type(&t, "vars\n");
    CHECK(expect(&t, "no variables defined", 5), "y clears them");

    mark(&t);
    type(&t, "exit()\n");
    int st = finish(&t, 5);
    CHECK(st == 0, "exit() quits with status 0 (got %d)", st);
}

/* ^C while typing leaves the line readable, ^C after it (with bracketed
 * paste on, readline returns the cursor to column 0 when it lets go of
 * the terminal: ^C used to overwrite the prompt as "^Csin(1"). */
static void interrupt_keeps_line(const char *nabla, const char *home)
{
    Term t;
    term_name = "xterm";
    CHECK(start(&t, nabla, home), "xterm session starts");
    CHECK(expect(&t, "> ", 5), "prompt shown");
    /* a ^C that came while readline was still echoing the last key used
     * to be lost (it fell between the check and the wait for input): a
     * few rounds make that race show. Each round waits for the next
     * prompt: keys typed before it are echoed by the terminal, and ^C
     * there flushes them. */
    int rounds = 0, kept = 1;
    while (kept && rounds < 20) {
        mark(&t);
        type(&t, "sin(1");
        expect(&t, "sin(1", 3);
        type(&t, "\003");
        kept = expect(&t, "sin(1^C", 3) && expect(&t, "> ", 5);
        rounds += kept;
    }
    CHECK(kept, "^C written after the abandoned text (%d rounds of 20)", rounds);
    mark(&t);
    type(&t, "6*7\n");
    CHECK(expect(&t, "42", 5), "prompt works after ^C");
    type(&t, "quit()\n");
    int st = finish(&t, 5);
    CHECK(st == 0, "quit() quits with status 0 (got %d)", st);
    term_name = "dumb";
}

/* -i FILE: the banner, then the file's results, then the prompt. */
static void banner_first(const char *nabla, const char *home)
{
    char path[256];
    snprintf(path, sizeof path, "%s/first.nabla", home);
    FILE *f = fopen(path, "w");
    if (!f) {
        CHECK(0, "cannot write %s", path);
        return;
    }
    fputs("a = 5\n111*3\n", f);
    fclose(f);
    Term t;
    first_file = path;
    CHECK(start(&t, nabla, home), "-i session starts");
    CHECK(expect(&t, "> ", 5), "prompt shown after the file");
    const char *banner = strstr(t.buf, "Type 'help'");
    const char *result = strstr(t.buf, "333");
    CHECK(banner && result && banner < result, "banner before the file's results");
    CHECK(!strstr(t.buf, "a = 5"), "the file's assignments are not echoed");
    mark(&t);
    type(&t, "load \"");
    type(&t, path);
    type(&t, "\"\n");
    CHECK(expect(&t, "333", 5), "load at the prompt runs the file");
    expect(&t, "> ", 5);
    CHECK(!strstr(t.buf, "a = 5"), "load does not echo the file's assignments");
    mark(&t);
    type(&t, "a\n");
    CHECK(expect(&t, "5", 5), "the loaded file's variable is bound");
    type(&t, "\004");
    finish(&t, 5);
    first_file = NULL;
    unlink(path);
}

/* Whether some line of buf holds the words of want[] in order. */
static int line_in_order(const char *buf, const char *const *want, int n)
{
    for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *e = strchr(l, '\n'), *p = l;
        int k = 0;
        while (k < n && (p = strstr(p, want[k])) != NULL && (!e || p < e))
            p += strlen(want[k++]);
        if (k == n)
            return 1;
    }
    return 0;
}

/* A picture at the prompt goes to the terminal (main.c asks the terminal
 * for its protocol at the first one; "dumb" answers nothing, so text):
 * braille dots, and the ticks of [0, 1] in steps of 0.2 on one line. */
static void picture_at_prompt(const char *nabla, const char *home)
{
    Term t;
    CHECK(start(&t, nabla, home), "session for pictures starts");
    expect(&t, "> ", 5);
    static const char *const ticks[] = {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"};
    for (int i = 0; i < 2; i++) {   /* the second asks the terminal no more */
        mark(&t);
        type(&t, "plot(x, x=0..1, samples=3)\n");
        int done = expect(&t, "\n> ", 10);
        CHECK(done && strstr(t.buf, "\xe2\xa1\xa0") &&
              line_in_order(t.buf, ticks, 6),
              "picture %d drawn at the terminal in braille with the ticks "
              "0.0 .. 1.0", i + 1);
    }
    type(&t, "\004");
    CHECK(finish(&t, 5) == 0, "^D after pictures quits with status 0");
    /* set plots text at a terminal without NO_COLOR: text, in colour (the
     * curve in matplotlib's first colour, #1f77b4 = 31,119,180) */
    with_color = 1;
    CHECK(start(&t, nabla, home), "session with colour starts");
    with_color = 0;
    expect(&t, "> ", 5);
    mark(&t);
    type(&t, "set plots text\n");
    expect(&t, "\n> ", 5);
    mark(&t);
    type(&t, "plot(x, x=0..1, samples=3)\n");
    int done = expect(&t, "1.0", 10) && expect(&t, "\n> ", 10);
    CHECK(done && strstr(t.buf, "\x1b[38;2;31;119;180m"),
          "set plots text at the terminal draws in colour");
    type(&t, "\004");
    CHECK(finish(&t, 5) == 0, "^D after the coloured picture quits");
}

int main(void)
{
    const char *nabla = getenv("NABLA");
    if (!nabla) {
        printf("FAIL test_repl: NABLA is not set\n");
        return 1;
    }
    char home[] = "/tmp/nabla-repl-XXXXXX";
    if (!mkdtemp(home)) {
        printf("FAIL test_repl: mkdtemp\n");
        return 1;
    }
    Term t;
    CHECK(start(&t, nabla, home), "nabla starts on a pseudo-terminal");
    CHECK(expect(&t, "> ", 5), "prompt shown");

    mark(&t);
    type(&t, "1/3 + 1/6\n");
    CHECK(expect(&t, "1/2", 5), "exact result at the prompt");

    mark(&t);
    type(&t, "f(x) = x^2 + 1\n");
    CHECK(expect(&t, "> ", 5), "definition accepted");
    mark(&t);
    type(&t, "f(3)\n");
    CHECK(expect(&t, "10", 5), "user function called");

    mark(&t);
    type(&t, "(1 +\n");
    CHECK(expect(&t, "... ", 5), "open bracket asks for a continuation line");
    type(&t, "2)\n");
    CHECK(expect(&t, "3", 5), "multi-line statement evaluated");

    mark(&t);
    type(&t, "sigmo\t(0)\n");
    CHECK(expect(&t, "1/2", 5) || expect(&t, "0.5", 1), "tab completes sigmoid");

    mark(&t);
    type(&t, "log(-1)\n");
    CHECK(expect(&t, "outside the domain", 5), "domain error reported");
    mark(&t);
    type(&t, "2^10\n");
    CHECK(expect(&t, "1024", 5), "the session goes on after an error");

    mark(&t);
    type(&t, "this line is abandoned\003");
    CHECK(expect(&t, "> ", 5), "^C while typing gives a fresh prompt");
    mark(&t);
    type(&t, "7*6\n");
    CHECK(expect(&t, "42", 5) && !strstr(t.buf, "abandoned"),
          "the abandoned line was not run");

    mark(&t);
    type(&t, "descend((x-1)^2 + (y+2)^2, [5, 5], rate=1e-9, steps=2000000000, tol=0)\n");
    /* A ^C that lands before the statement starts running is taken as
     * "clear the line"; on a loaded machine that can happen, so send
     * another until the computation reports it was interrupted. */
    int stopped = 0;
    for (int tries = 0; tries < 8 && !stopped; tries++) {
        usleep(400000);
        type(&t, "\003");
        stopped = expect(&t, "interrupted", 2);
    }
    CHECK(stopped, "^C while computing stops the descent");
    CHECK(strstr(t.buf, "descend: step ") && strstr(t.buf, "of 2000000000"),
          "a long run shows a progress line on the terminal");
    mark(&t);
    expect(&t, "> ", 5);
    mark(&t);
    type(&t, "12345+1\n");
    CHECK(expect(&t, "12346", 5), "prompt usable after an interrupted run");
    expect(&t, "> ", 5);

    /* hstudy shows its progress too: rows done of the study's total (95
     * rows of one method at 4096 bits: 13 decades a row) */
    mark(&t);
    type(&t, "hstudy(sin(x), 1, prec=[4096], methods=[central], digits=5)\n");
    CHECK(expect(&t, "predicted_error", 10) &&
          strstr(t.buf, "hstudy: step ") && strstr(t.buf, " of 95"),
          "a long hstudy shows a progress line on the terminal");
    expect(&t, "> ", 5);

    type(&t, "\004");
    int st = finish(&t, 5);
    CHECK(st == 0, "^D quits with status 0 (got %d)", st);

    names_and_completion(nabla, home);
    interrupt_keeps_line(nabla, home);
    banner_first(nabla, home);
    picture_at_prompt(nabla, home);

    char hist[256];
    snprintf(hist, sizeof hist, "%s/.nabla_history", home);
    FILE *h = fopen(hist, "r");
    char text[4096] = "";
    if (h) {
        size_t n = fread(text, 1, sizeof text - 1, h);
        text[n] = '\0';
        fclose(h);
    }
    CHECK(strstr(text, "f(x) = x^2 + 1") != NULL, "history saved in ~/.nabla_history");
    unlink(hist);
    rmdir(home);
    return check_done();
}
