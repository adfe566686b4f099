/* repl.c — the interactive prompt: GNU readline with persistent history
 * (~/.nabla_history), completion of every known name, multi-line input
 * (an open bracket or a trailing '\' asks for more), and Ctrl-C that
 * clears the line while typing and stops the computation while computing.
 *
 * The SIGINT handler only sets nb_interrupted (no longjmp out of GMP or
 * readline). While waiting for input, the signal interrupts our select()
 * loop around readline's callback interface, which cancels the line; a
 * second Ctrl-C on an empty line leaves nabla, as does Ctrl-D.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "nabla/nabla.h"
#include "repl.h"

enum { HISTORY_LINES = 1000 };

typedef struct Buf {
    char *text;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 2 > b->cap) {
        b->cap = (b->len + n + 2) * 2;
        b->text = realloc(b->text, b->cap);
        if (!b->text)
            abort();
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len++] = '\n';
    b->text[b->len] = '\0';
}

static int blank(const Buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->text[i] != ' ' && b->text[i] != '\t' && b->text[i] != '\n'
            && b->text[i] != '\r')
            return 0;
    return 1;
}

/* --- without a terminal: lines, no prompt ---------------------------------- */

static int plain_loop(NbSession *s)
{
    Buf b = {NULL, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int failed = 0;
    for (;;) {
        n = getline(&line, &cap, stdin);
        if (n > 0) {
            if (line[n - 1] == '\n')
                n--;
            buf_add(&b, line, (size_t)n);
            if (nb_source_incomplete(b.text, b.len))
                continue;
        } else if (!b.len)
            break;
        nb_interrupted = 0;
        int rc = nb_session_run(s, "<stdin>", b.text, b.len);
        b.len = 0;
        failed |= rc == 1;
        if (rc == NB_SESSION_QUIT || n <= 0)
            break;
    }
    free(line);
    free(b.text);
    return failed;
}

/* --- completion ---------------------------------------------------------------- */

static NbSession *completing;
static char **names;
static size_t nnames, names_cap;

static void collect(const char *name, void *ctx)
{
    (void)ctx;
    if (nnames == names_cap) {
        names_cap = names_cap ? names_cap * 2 : 128;
        names = realloc(names, names_cap * sizeof *names);
        if (!names)
            abort();
    }
    names[nnames++] = strdup(name);
}

static void names_free(void)
{
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    names = NULL;
    nnames = names_cap = 0;
}

static char *generate(const char *text, int state)
{
    static size_t next, len;
    if (!state) {
        names_free();
        nb_session_each_name(completing, collect, NULL);
        next = 0;
        len = strlen(text);
    }
    while (next < nnames) {
        const char *n = names[next++];
        if (strncmp(n, text, len) == 0)
            return strdup(n);
    }
    return NULL;
}

/* Names everywhere, file names after `load`. */
static char **complete(const char *text, int start, int end)
{
    (void)end;
    const char *p = rl_line_buffer;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "load", 4) == 0 && start > (int)(p - rl_line_buffer) + 4)
        return NULL; /* readline's file name completion */
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, generate);
}

/* --- reading a line -------------------------------------------------------- */

/* Readline's callback interface with our own select() loop: a SIGINT
 * interrupts select() (no SA_RESTART), and the loop cancels the line
 * cleanly; readline never sees the signal. */
static void on_sigint(int sig)
{
    (void)sig;
    nb_interrupted = 1;
}

enum { LINE_OK, LINE_EOF, LINE_CANCEL, LINE_CANCEL_EMPTY };

static char *got_line;
static int got;

static void on_line(char *line)
{
    got_line = line;
    got = line ? LINE_OK : LINE_EOF;
    rl_callback_handler_remove(); /* before output: restores the terminal */
}

/* One line into *out (malloc'd) with the given prompt. */
static int read_line(const char *prompt, char **out)
{
    got = -1;
    got_line = NULL;
    rl_callback_handler_install(prompt, on_line);
    while (got < 0) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        int r = select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL);
        if (r < 0 && nb_interrupted) {
            int empty = rl_end == 0;
            nb_interrupted = 0;
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_replace_line("", 0);
            rl_callback_handler_remove();
            fputs("^C\n", stdout);
            return empty ? LINE_CANCEL_EMPTY : LINE_CANCEL;
        }
        if (r > 0)
            rl_callback_read_char();
    }
    *out = got_line;
    return got;
}

/* --- with a terminal ------------------------------------------------------------- */

static char *history_path(void)
{
    const char *home = getenv("HOME");
    char *path = NULL;
    if (!home || !*home)
        return NULL;
    if (asprintf(&path, "%s/.nabla_history", home) < 0)
        return NULL;
    return path;
}

static void setup(NbSession *s, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: readline's read() must return */
    sigaction(SIGINT, &sa, old);
    rl_catch_signals = 0;
    rl_readline_name = "nabla";
    rl_attempted_completion_function = complete;
    completing = s;
    using_history();
}

int nb_repl(NbSession *s)
{
    NbSessionOpts *o = nb_session_opts_mut(s);
    o->echo = 1;
    o->keep_going = 0;
    if (!isatty(STDIN_FILENO))
        return plain_loop(s);
    struct sigaction old;
    char *hist = history_path();
    setup(s, &old);
    if (hist)
        read_history(hist);
    if (!o->quiet)
        printf("nabla %s. Type 'help' for help, Ctrl-D to quit.\n",
               PACKAGE_VERSION);
    Buf b = {NULL, 0, 0};
    int last_cancel_empty = 0;
    for (;;) {
        fflush(stdout);
        nb_interrupted = 0;
        char *line = NULL;
        int how = read_line(b.len ? "... " : "> ", &line);
        if (how == LINE_CANCEL || how == LINE_CANCEL_EMPTY) {
            int empty = how == LINE_CANCEL_EMPTY && b.len == 0;
            b.len = 0;
            if (empty && last_cancel_empty)
                break;
            if (empty)
                fputs("(Ctrl-C again or Ctrl-D to quit)\n", stdout);
            last_cancel_empty = empty;
            continue;
        }
        last_cancel_empty = 0;
        if (how == LINE_EOF) {
            putchar('\n');
            break;
        }
        buf_add(&b, line, strlen(line));
        free(line);
        if (nb_source_incomplete(b.text, b.len))
            continue;
        if (!blank(&b)) {
            b.text[b.len - 1] = '\0';
            add_history(b.text);
            b.text[b.len - 1] = '\n';
        }
        nb_interrupted = 0;
        int rc = nb_session_run(s, "<stdin>", b.text, b.len);
        nb_interrupted = 0;
        b.len = 0;
        if (rc == NB_SESSION_QUIT)
            break;
    }
    if (hist) {
        write_history(hist);
        history_truncate_file(hist, HISTORY_LINES);
    }
    free(hist);
    free(b.text);
    names_free();
    clear_history();
    sigaction(SIGINT, &old, NULL);
    return 0;
}
