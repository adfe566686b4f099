/* repl.c — the interactive prompt: GNU readline with persistent history
 * (~/.nabla_history), completion that knows where the cursor is (names;
 * statement words only at the start of a line; inside a command's call its
 * keywords, and after keyword= or keyword="  their values, all from the
 * command's row), multi-line input (an open bracket or a trailing '\'
 * asks for more), and Ctrl-C that abandons the line while typing (left on
 * screen with ^C after it, as a shell does) and stops the computation
 * while computing.
 *
 * The SIGINT handler only sets nb_interrupted (no longjmp out of GMP or
 * readline). While waiting for input, the signal interrupts our pselect()
 * loop around readline's callback interface, which cancels the line; a
 * second Ctrl-C on an empty line leaves nabla, as does Ctrl-D.
 */
#include "config.h"
#include "util/alloc.h"

#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "nabla/nabla.h"
#include "nabla/session.h"
#include "nabla/command.h"
#include "cli/repl.h"

enum { HISTORY_LINES = 1000 };

typedef struct Buf {
    char *text;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 2 > b->cap) {
        b->cap = (b->len + n + 2) * 2;
        b->text = nb_xrealloc(b->text, b->cap);
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
    const char *suffix = ctx ? ctx : "";
    if (nnames == names_cap) {
        names_cap = names_cap ? names_cap * 2 : 128;
        names = nb_xrealloc(names, names_cap * sizeof *names);
    }
    names[nnames] = nb_xasprintf("%s%s", name, suffix);
    nnames++;
}

static void names_free(void)
{
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    names = NULL;
    nnames = names_cap = 0;
}

/* The candidates are collected by complete(); this filters by prefix. */
static char *generate(const char *text, int state)
{
    static size_t next, len;
    if (!state) {
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

static int is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_';
}

/* Where the cursor is, from a scan of the line before it: the innermost
 * open call's command (NULL: none, or not a command), whether the cursor
 * is directly in its argument list (not inside a vector), the keyword of
 * the argument being typed, and whether a string is open. */
typedef struct Where {
    const NbCommand *cmd;
    int in_args;          /* in the call's own argument list */
    int nested;           /* inside any bracket */
    char kw[64];          /* keyword= of the current argument, or "" */
    int in_string;
} Where;

enum { MAX_NEST = 64 };

static void scan(const char *line, int end, Where *w)
{
    struct { char open; const NbCommand *cmd; char kw[64]; } st[MAX_NEST];
    int depth = 0;
    memset(w, 0, sizeof *w);
    for (int i = 0; i < end; i++) {
        char c = line[i];
        if (w->in_string) {
            if (c == '\\' && i + 1 < end)
                i++;
            else if (c == '"')
                w->in_string = 0;
            continue;
        }
        if (c == '"')
            w->in_string = 1;
        else if ((c == '(' || c == '[') && depth < MAX_NEST) {
            int j = i;
            while (j > 0 && line[j - 1] == ' ')
                j--;
            int k = j;
            while (k > 0 && is_ident((unsigned char)line[k - 1]))
                k--;
            char name[64] = "";
            if (c == '(' && j - k > 0 && j - k < (int)sizeof name)
                memcpy(name, line + k, (size_t)(j - k)), name[j - k] = '\0';
            st[depth].open = c;
            st[depth].cmd = name[0] ? nb_command_lookup(name) : NULL;
            st[depth].kw[0] = '\0';
            depth++;
        } else if ((c == ')' || c == ']') && depth > 0)
            depth--;
        else if (c == ',' && depth > 0 && st[depth - 1].open == '(')
            st[depth - 1].kw[0] = '\0';
        else if (c == '=' && depth > 0 && st[depth - 1].open == '('
                 && line[i + 1] != '=') {
            int k = i;
            while (k > 0 && line[k - 1] == ' ')
                k--;
            int e = k;
            while (k > 0 && is_ident((unsigned char)line[k - 1]))
                k--;
            if (e > k && e - k < 64) {
                memcpy(st[depth - 1].kw, line + k, (size_t)(e - k));
                st[depth - 1].kw[e - k] = '\0';
            }
        } else if (c == ';' && depth == 0)
            w->nested = 0;
    }
    w->nested = depth > 0;
    /* the innermost call, and whether the cursor is directly in it */
    for (int d = depth - 1; d >= 0; d--)
        if (st[d].open == '(') {
            w->cmd = st[d].cmd;
            w->in_args = d == depth - 1;
            memcpy(w->kw, st[d].kw, sizeof w->kw);
            break;
        }
}

/* The values of keyword kw of cmd: inside a string (open) the words
 * (readline closes the quote it finds open); else as whole strings,
 * "newton" (true and false bare). */
static int offer_values(const NbCommand *cmd, const char *kw, int open)
{
    for (const NbKeyValues *v = cmd ? cmd->values : NULL; v && v->keyword; v++)
        if (strcmp(v->keyword, kw) == 0) {
            const char *word;
            for (int i = 0; (word = v->value(i)); i++) {
                char *q = NULL;
                if (v->value == nb_kv_bool)
                    collect(word, NULL);
                else if (open)
                    collect(word, NULL);
                else if (asprintf(&q, "\"%s", word) >= 0) {
                    collect(q, (void *)"\"");
                    free(q);
                }
            }
            return 1;
        }
    return 0;
}

static void offer_keywords(const NbCommand *cmd)
{
    for (const char *const *k = cmd->keywords; k && *k; k++)
        collect(*k, (void *)"=");
}

/* 1 when only blanks (or a ';') come before start: a statement begins. */
static int at_statement_start(const char *line, int start)
{
    int i = start;
    while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
        i--;
    return i == 0 || line[i - 1] == ';';
}

/* The first word of the line, when the cursor is past it. */
static int first_word_is(const char *line, int start, const char *word)
{
    while (*line == ' ' || *line == '\t')
        line++, start--;
    size_t n = strlen(word);
    return strncmp(line, word, n) == 0 && (line[n] == ' ' || line[n] == '\t')
           && start > (int)n;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    const char *line = rl_line_buffer;
    if (first_word_is(line, start, "load"))
        return NULL; /* readline's file name completion */
    rl_attempted_completion_over = 1;
    rl_completion_append_character = ' ';
    names_free();
    Where w;
    scan(line, start, &w);
    char prev = start > 0 ? line[start - 1] : '\0';
    if (w.in_string) {
        /* method="ne: the values, with the closing quote */
        if (prev == '"' && w.kw[0] && offer_values(w.cmd, w.kw, 1)) {
            rl_completion_append_character = '\0';
        }
    } else if (first_word_is(line, start, "set") && !w.nested) {
        static const char *const settings[] = {"precision", "digits",
                                               "format", "plots", NULL};
        for (const char *const *p = settings; *p; p++)
            collect(*p, NULL);
    } else if (first_word_is(line, start, "clear") && !w.nested) {
        nb_session_each_name(completing, -1, collect, NULL);
    } else {
        if (w.cmd && w.in_args && !w.kw[0]) {
            offer_keywords(w.cmd);
        } else if (w.cmd && w.kw[0] && prev == '=')
            offer_values(w.cmd, w.kw, 0);
        int statements = !w.nested && (at_statement_start(line, start)
                                       || first_word_is(line, start, "help"));
        nb_session_each_name(completing, statements, collect, NULL);
    }
    /* a keyword= or a value" is complete as it is: no space after it */
    for (size_t i = 0; i < nnames; i++) {
        size_t n = strlen(names[i]);
        if (n && (names[i][n - 1] == '=' || names[i][n - 1] == '"')
            && strncmp(names[i], text, strlen(text)) == 0)
            rl_completion_append_character = '\0';
    }
    return rl_completion_matches(text, generate);
}

/* The prompt's yes/no question (bare `clear`): y or yes. */
static int confirm(void *ctx, const char *question)
{
    (void)ctx;
    char *answer = readline(question);
    int yes = answer && (strcmp(answer, "y") == 0 || strcmp(answer, "yes") == 0
                         || strcmp(answer, "Y") == 0);
    free(answer);
    return yes;
}

/* --- reading a line -------------------------------------------------------- */

/* Readline's callback interface with our own pselect() loop: a SIGINT
 * interrupts the wait (no SA_RESTART), and the loop cancels the line
 * cleanly; readline never sees the signal. SIGINT stays blocked except
 * inside pselect(), so one that comes while readline is echoing a key is
 * held until the wait begins, which it then ends: with a plain select(),
 * a ^C landing between the last check and the wait was lost, and the
 * prompt ignored it (and everything typed after it went on the line). */
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

/* ^C while typing: drop the line, leaving it on screen as "> sin(1^C".
 * The cursor goes to the end first, and ^C is written before readline
 * gives the terminal back (which may return the cursor to column 0: with
 * bracketed paste on it writes ESC[?2004l CR). */
static int cancel_line(void)
{
    int empty = rl_end == 0;
    nb_interrupted = 0;
    rl_point = rl_end;
    rl_redisplay();
    fputs("^C", rl_outstream ? rl_outstream : stdout);
    fflush(rl_outstream ? rl_outstream : stdout);
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_callback_handler_remove();
    fputs("\n", stdout);
    return empty ? LINE_CANCEL_EMPTY : LINE_CANCEL;
}

/* One line into *out (malloc'd) with the given prompt. */
static int read_line(const char *prompt, char **out)
{
    sigset_t intr, caller, waiting;
    sigemptyset(&intr);
    sigaddset(&intr, SIGINT);
    sigprocmask(SIG_BLOCK, &intr, &caller);
    waiting = caller;
    sigdelset(&waiting, SIGINT);
    got = -1;
    got_line = NULL;
    rl_callback_handler_install(prompt, on_line);
    while (got < 0) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        int r = nb_interrupted ? -1
                : pselect(STDIN_FILENO + 1, &fds, NULL, NULL, NULL, &waiting);
        if (r < 0 && nb_interrupted)
            got = cancel_line();
        else if (r > 0)
            rl_callback_read_char();
    }
    sigprocmask(SIG_SETMASK, &caller, NULL);
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
    rl_completer_word_break_characters = " \t\n\"=;(),[]+-*/^<>";
    completing = s;
    using_history();
}

/* -i FILE: the file runs after the banner, as a script (no echo); 2 when
 * it cannot be read, NB_SESSION_QUIT when it quits. */
static int run_first(NbSession *s, const char *file)
{
    if (!file)
        return 0;
    NbSessionOpts *o = nb_session_opts_mut(s);
    int echo = o->echo, kg = o->keep_going;
    o->echo = 0;
    int rc = nb_session_run_file(s, file);
    o->echo = echo;
    o->keep_going = kg;
    return rc;
}

int nb_repl(NbSession *s, const char *file)
{
    NbSessionOpts *o = nb_session_opts_mut(s);
    if (!isatty(STDIN_FILENO)) {
        int rc = run_first(s, file);
        if (rc == 2 || rc == NB_SESSION_QUIT)
            return rc == 2 ? 2 : 0;
        o->echo = 1;
        o->keep_going = 0;
        int failed = plain_loop(s);
        return failed || rc == 1;   /* nobody at a prompt saw the errors */
    }
    if (!o->quiet)
        printf("nabla %s. Type 'help' for help, Ctrl-D to quit.\n",
               PACKAGE_VERSION);
    fflush(stdout);
    int first = run_first(s, file);
    if (first == 2 || first == NB_SESSION_QUIT)
        return first == 2 ? 2 : 0;
    o->echo = 1;
    o->keep_going = 0;
    o->confirm = confirm;
    struct sigaction old;
    char *hist = history_path();
    setup(s, &old);
    if (hist)
        read_history(hist);
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
    o->confirm = NULL;
    return 0;
}
