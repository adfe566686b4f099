/* main.c — the nabla program: options, then -e statements and script files
 * in command-line order, or stdin, or the prompt (SPEC §1). The only
 * exit() in nabla is here.
 *
 * Exit status: 0 success; 1 a statement failed, or writing the results
 * failed (stdout full or closed); 2 bad usage or an unreadable file.
 */
#include "config.h"
#include "util/alloc.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/ioctl.h>
#include <mpfr.h>

#include "nabla/nabla.h"
#include "nabla/progress.h"
#include "nabla/session.h"
#include "nabla/page.h"
#include "cli/repl.h"
#include "cli/term.h"

enum { OPT_PRECISION = 256, OPT_DIGITS, OPT_FORMAT, OPT_NO_COLOR,
       OPT_KEEP_GOING };

static const struct option long_options[] = {
    {"eval", required_argument, NULL, 'e'},
    {"interactive", required_argument, NULL, 'i'},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"digits", required_argument, NULL, OPT_DIGITS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"keep-going", no_argument, NULL, 'k'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void print_help(FILE *out)
{
    fputs("Usage: nabla [OPTION]... [FILE]...\n"
          "Exact derivatives, finite differences and gradient descent: a\n"
          "calculator for calculus in machine learning.\n"
          "\n"
          "With no FILE and no -e, read statements from standard input: an\n"
          "interactive prompt when it is a terminal, else a script. FILE -\n"
          "reads the script from standard input.\n"
          "\n"
          "  -e, --eval=STATEMENTS     run STATEMENTS (repeatable)\n"
          "  -i, --interactive=FILE    run FILE, then stay at the prompt\n"
          "      --precision=BITS|double\n"
          "                            working precision (default: double)\n"
          "      --digits=N            significant digits shown for floats\n"
          "                            (default 0: shortest round-trip)\n"
          "      --format=text|csv|json|html|markdown\n"
          "                            how tables and results are printed;\n"
          "                            html and markdown write the script as\n"
          "                            a page: prose from #' lines, code,\n"
          "                            results and pictures\n"
          "  -o, --output=FILE         write the page to FILE (not stdout)\n"
          "  -q, --quiet               no banner or progress messages\n"
          "      --no-color            no colour in diagnostics (also NO_COLOR)\n"
          "  -k, --keep-going          continue a script after an error\n"
          "  -h, --help                show this help and exit\n"
          "  -V, --version             show the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 a statement failed, 2 bad usage or an\n"
          "unreadable file.\n"
          "Example: nabla -e 'diff(sin(x)*exp(-x^2/2), x)'\n",
          out);
}

static void die_usage(const char *fmt, const char *arg)
{
    fputs("nabla: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'nabla --help' for more information.\n", stderr);
    exit(2);
}

static long parse_long(const char *s, long lo, long hi, int *ok)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    *ok = *s >= '0' && *s <= '9' && !*end && !errno && v >= lo && v <= hi;
    return v;
}

/* The sources to run, in command-line order: -e texts and script files. */
typedef struct Source {
    int is_eval;
    const char *text;      /* statements, or a file name */
} Source;

typedef struct Run {
    Source *src;
    size_t nsrc;
    const char *interactive;
    int page;                /* 1 + NbPageFormat when writing a page */
    const char *output;      /* -o */
} Run;

/* Results that could not be written are a failure (stdout to /dev/full). */
static int finish_output(int status)
{
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (!bad)
        return status;
    fprintf(stderr, "nabla: error: cannot write the output: %s\n",
            strerror(err ? err : EIO));
    return status ? status : 1;
}

/* --no-color was given (it turns off colour in pictures too). */
static int no_color_option;

/* Pictures at the terminal (SPEC §6). The protocol is asked for at the
 * first picture, not at start-up: the query may wait up to 100 ms, and
 * most sessions draw nothing. */
typedef struct TermShow {
    int detected;
    NbTermProto proto;
    int color;
} TermShow;

static int show_at_terminal(void *ctx, const NbFigure *f, NbPlotsMode mode)
{
    TermShow *t = ctx;
    fflush(stdout);
    if (mode == NB_PLOTS_TEXT) /* as text, in colour unless NO_COLOR */
        return nb_term_show(f, NB_TERM_TEXT, stdout, t->color);
    if (!t->detected) {
        t->proto = nb_term_detect(STDIN_FILENO, STDOUT_FILENO,
                                  NB_TERM_QUERY_MS);
        t->detected = 1;
    }
    return nb_term_show(f, t->proto, stdout, t->color);
}

/* The width text pictures take: the terminal's, else $COLUMNS, else 80. */
static int columns_of_stdout(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    long v = c ? strtol(c, NULL, 10) : 0;
    return v >= 20 && v <= 1000 ? (int)v : 80;
}

static void parse_option(int c, NbSessionOpts *o, Run *r, char **argv)
{
    int ok;
    switch (c) {
    case 'e': r->src[r->nsrc++] = (Source){1, optarg}; break;
    case 1: r->src[r->nsrc++] = (Source){0, optarg}; break; /* "-" too */
    case 'i': r->interactive = optarg; break;
    case 'q': o->quiet = 1; break;
    case 'k': o->keep_going = 1; break;
    case OPT_NO_COLOR: o->color = 0; no_color_option = 1; break;
    case OPT_PRECISION:
        o->prec = strcmp(optarg, "double") == 0
                      ? NB_PREC_DOUBLE
                      : parse_long(optarg, NB_MIN_PRECISION, NB_MAX_PRECISION, &ok);
        if (strcmp(optarg, "double") != 0 && !ok)
            die_usage("invalid precision '%s' (a number of bits from 2 to "
                      "1048576, or double)", optarg);
        break;
    case OPT_DIGITS:
        o->digits = (int)parse_long(optarg, 0, NB_MAX_DIGITS, &ok);
        _Static_assert(NB_MAX_DIGITS == 10000, "the message says 10000");
        if (!ok)
            die_usage("invalid digits '%s' (a number from 0 to 10000)", optarg);
        break;
    case OPT_FORMAT:
        r->page = 0;
        if (strcmp(optarg, "html") == 0 || strcmp(optarg, "markdown") == 0)
            r->page = 1 + (optarg[0] == 'm' ? NB_PAGE_MARKDOWN : NB_PAGE_HTML);
        else if (nb_format_parse(optarg, &o->format))
            die_usage("invalid format '%s' (text, csv, json, html or markdown)",
                      optarg);
        break;
    case 'o': r->output = optarg; break;
    case 'h':
        print_help(stdout);
        exit(finish_output(0));
    case 'V':
        printf("nabla %s\n", PACKAGE_VERSION);
        exit(finish_output(0));
    case ':':
        die_usage("option '%s' needs an argument", argv[optind - 1]);
        break;
    default:
        die_usage("unknown option '%s'", argv[optind - 1]);
    }
}

/* Read all of stdin (a script piped in). */
static char *read_stdin(size_t *len)
{
    size_t cap = 4096, n = 0, got;
    char *buf = nb_xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            if (cap > (size_t)NB_MAX_SOURCE_BYTES) {
                free(buf);
                fputs("nabla: error: cannot read '<stdin>': input too large\n",
                      stderr);
                return NULL;
            }
            buf = nb_xrealloc(buf, cap *= 2);
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "nabla: error: cannot read '<stdin>': %s\n",
                strerror(errno));
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A script on stdin (no FILE and stdin not a terminal, or FILE "-"). */
static int run_stdin(NbSession *s)
{
    size_t len;
    char *text = read_stdin(&len);
    if (!text)
        return 2;
    int rc = nb_session_run(s, "<stdin>", text, len);
    free(text);
    return rc;
}

/* Combine a source's status into the run's: returns 1 to stop. */
static int account(int rc, int *status, int keep_going)
{
    if (rc == NB_SESSION_QUIT)
        return 1;
    if (rc == 2) {
        *status = 2;
        return 1;
    }
    if (rc) {
        *status = 1;
        return !keep_going;
    }
    return 0;
}

static int run_all(NbSession *s, const Run *r)
{
    int status = 0, kg = nb_session_opts(s)->keep_going;
    for (size_t i = 0; i < r->nsrc; i++) {
        const Source *src = &r->src[i];
        int rc = src->is_eval
                     ? nb_session_run(s, "-e", src->text, strlen(src->text))
                     : strcmp(src->text, "-") == 0 ? run_stdin(s)
                     : nb_session_run_file(s, src->text);
        if (account(rc, &status, kg) || nb_interrupted)
            return status;
    }
    if (r->interactive) {
        int rc = nb_repl(s, r->interactive);
        return rc ? rc : status;
    }
    if (r->nsrc)
        return status;
    if (isatty(STDIN_FILENO))
        return nb_repl(s, NULL) ? 1 : status;
    int rc = run_stdin(s);
    return rc == 1 || rc == 2 ? rc : status;
}

/* --format=html|markdown: the page to build, after checking the options
 * make sense for one (a script to read, no prompt). */
static NbPage *check_page(const Run *r)
{
    if (!r->page) {
        if (r->output)
            die_usage("%s writes a page: use it with --format=html or "
                      "--format=markdown", "-o");
        return NULL;
    }
    const char *f = r->page - 1 == NB_PAGE_HTML ? "html" : "markdown";
    if (r->interactive)
        die_usage("--format=%s writes a page of a script and cannot stay at "
                  "the prompt (-i)", f);
    if (!r->nsrc && isatty(STDIN_FILENO))
        die_usage("--format=%s writes a page of a script: give a FILE, -e "
                  "STATEMENTS, or a script on standard input", f);
    return nb_page_new((NbPageFormat)(r->page - 1));
}

/* The page's pictures (Markdown): BASE-1.svg ... in DIR, BASE the output's
 * name without its extension, or the first script's, or "page". */
static char *picture_base(const Run *r, char **dir)
{
    const char *from = r->output;
    for (size_t i = 0; !from && i < r->nsrc; i++)
        if (!r->src[i].is_eval)
            from = r->src[i].text;
    char *tmp = nb_xstrdup(from ? from : "page"), *tmp2 = nb_xstrdup(from ? from : ".");
    char *b = nb_xstrdup(basename(tmp));
    *dir = nb_xstrdup(r->output ? dirname(tmp2) : "");
    free(tmp);
    free(tmp2);
    char *dot = strrchr(b, '.');
    if (dot && dot != b)
        *dot = '\0';
    return b;
}

/* Write the page to stdout, or to -o through a temporary file renamed
 * over it (a failed write leaves nothing). The script's status, or 1 when
 * the page could not be written. */
static int write_page(NbPage *page, const Run *r, int status)
{
    char *dir, *base = picture_base(r, &dir), *tmp = NULL;
    NbDiag d = NB_DIAG_INIT;
    FILE *out = stdout;
    int rc = -1;
    if (r->output) {
        tmp = nb_xasprintf("%s.tmpXXXXXX", r->output);
        int fd = mkstemp(tmp);
        out = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!out) {
            fprintf(stderr, "nabla: error: cannot write '%s': %s\n",
                    r->output, strerror(errno));
            if (fd >= 0)
                close(fd), unlink(tmp);
            free(tmp), free(dir), free(base);
            return status ? status : 1;
        }
    }
    rc = nb_page_write(page, out, dir, base, &d);
    if (r->output) {
        int bad = fclose(out) != 0 || rc != 0;
        if (!bad && rename(tmp, r->output) != 0)
            bad = 1;
        if (bad) {
            unlink(tmp);
            if (d.code == NB_OK)
                fprintf(stderr, "nabla: error: cannot write '%s': %s\n",
                        r->output, strerror(errno ? errno : EIO));
        }
        rc = bad ? -1 : 0;
    }
    if (d.code != NB_OK)
        fprintf(stderr, "nabla: error: %s\n", d.msg);
    nb_diag_clear(&d);
    free(tmp);
    free(dir);
    free(base);
    return rc == 0 || status ? status : 1;
}

/* Scripts: the first Ctrl-C stops the running computation (it polls
 * nb_interrupted) and the run ends with "interrupted", status 1; a second
 * one, if the computation does not stop, ends nabla at once. */
static void on_sigint(int sig)
{
    if (nb_interrupted) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    nb_interrupted = 1;
}

int main(int argc, char **argv)
{
    NbSessionOpts o;
    nb_session_opts_default(&o);
    const char *nc = getenv("NO_COLOR");
    o.color = !(nc && *nc) && isatty(STDERR_FILENO);
    Run r = {nb_xcalloc((size_t)argc + 1, sizeof(Source)), 0, NULL, 0, NULL};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:e:i:o:qkhV", long_options, NULL)) != -1)
        parse_option(c, &o, &r, argv);
    for (int i = optind; i < argc; i++) /* file names after "--" */
        r.src[r.nsrc++] = (Source){0, argv[i]};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    o.progress = o.quiet ? NULL : stderr;
    TermShow ts = {0, NB_TERM_TEXT, !(nc && *nc) && !no_color_option};
    o.term_cols = columns_of_stdout();
    if (isatty(STDOUT_FILENO)) {
        o.show_picture = show_at_terminal;
        o.show_ctx = &ts;
    }
    NbPage *page = check_page(&r);
    if (page) {
        o.page = page;
        o.show_picture = NULL;
        o.format = NB_FORMAT_TEXT;
    }
    NbSession *s = nb_session_new(&o);
    nb_session_digits_note(s); /* --digits=50 in double */
    int status = run_all(s, &r);
    nb_session_free(s);
    if (page)
        status = write_page(page, &r, status);
    nb_page_free(page);
    free(r.src);
    mpfr_free_cache();
    nb_plot_font_cleanup();
    return finish_output(status);
}
