/* term.c — which picture protocol the terminal speaks, and showing a
 * figure under the prompt in it (SPEC §6).
 *
 * Detection trusts the environment first (it costs nothing and is what
 * kitty's and iTerm2's own tools do), and asks the terminal only about
 * sixel, which no variable announces: a DA1 query, ESC [ c, answered by
 * every VT100 descendant with ESC [ ? Pp ; ... c, where parameter 4 means
 * sixel graphics (xterm's ctlseqs). A terminal that never answers costs
 * the timeout and no more.
 */
#include "cli/term.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "plot/termimg.h"

static const char *const names[] = {"text", "kitty", "iterm2", "sixel"};
/* ORDER NbTermProto */

const char *nb_term_proto_name(NbTermProto p)
{
    return (unsigned)p < sizeof names / sizeof *names ? names[p] : "text";
}

int nb_term_proto_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

static int env_is(const char *var, const char *value)
{
    const char *v = getenv(var);
    return v && strcmp(v, value) == 0;
}

static int env_starts(const char *var, const char *prefix)
{
    const char *v = getenv(var);
    return v && strncmp(v, prefix, strlen(prefix)) == 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Does a DA1 answer's parameter list ("62;4;22") hold 4? */
static int lists_sixel(const char *params)
{
    for (const char *p = params; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end != p && v == 4 && (*end == ';' || *end == '\0'))
            return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Read the answer ESC [ ? params c from fd until the deadline; bytes
 * before the ESC (keys typed meanwhile) are dropped with it. 1 with
 * params filled, 0 on timeout or error. */
static int read_da1(int fd, double deadline, char *params, size_t size)
{
    size_t n = 0;
    int state = 0;   /* 0 before ESC, 1 after ESC, 2 after [, 3 in params */
    for (;;) {
        double left = deadline - now_ms();
        struct pollfd p = {fd, POLLIN, 0};
        char ch;
        if (left <= 0)
            return 0;
        int r = poll(&p, 1, (int)ceil(left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || read(fd, &ch, 1) != 1)
            return 0;
        if (ch == '\033')
            state = 1, n = 0;
        else if (state == 1)
            state = ch == '[' ? 2 : 0;
        else if (state == 2)
            state = ch == '?' ? 3 : 0;
        else if (state == 3 && ch == 'c') {
            params[n] = '\0';
            return 1;
        } else if (state == 3 && n + 1 < size && ((ch >= '0' && ch <= '9') || ch == ';'))
            params[n++] = ch;
        else if (state == 3)
            state = 0;
    }
}

/* Ask the terminal (DA1) with echo and canonical input off. */
static int query_sixel(int in_fd, int out_fd, int timeout_ms)
{
    struct termios saved, raw;
    char params[128];
    int yes = 0;
    if (tcgetattr(in_fd, &saved) != 0)
        return 0;
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(in_fd, TCSANOW, &raw) != 0)
        return 0;
    double deadline = now_ms() + timeout_ms;
    if (write(out_fd, "\033[c", 3) == 3 && read_da1(in_fd, deadline, params, sizeof params))
        yes = lists_sixel(params);
    tcsetattr(in_fd, TCSANOW, &saved);
    return yes;
}

NbTermProto nb_term_detect(int in_fd, int out_fd, int timeout_ms)
{
    int forced = nb_term_proto_parse(getenv("NABLA_TERM_PROTO"));
    if (forced >= 0)
        return (NbTermProto)forced;
    if (getenv("TMUX") || getenv("STY") || env_starts("TERM", "screen") ||
        env_starts("TERM", "tmux"))
        return NB_TERM_TEXT;
    if (env_is("TERM", "xterm-kitty") || getenv("KITTY_WINDOW_ID"))
        return NB_TERM_KITTY;
    if (env_is("TERM_PROGRAM", "iTerm.app") || env_is("TERM_PROGRAM", "WezTerm"))
        return NB_TERM_ITERM2;
    if (env_is("TERM", "dumb") || !isatty(in_fd) || !isatty(out_fd))
        return NB_TERM_TEXT;
    return query_sixel(in_fd, out_fd, timeout_ms) ? NB_TERM_SIXEL : NB_TERM_TEXT;
}

/* --- showing --------------------------------------------------------------*/

typedef struct Box {
    int cols, rows;      /* the terminal */
    double cw, ch;       /* pixels per cell */
} Box;

static Box term_box(FILE *out)
{
    struct winsize ws;
    Box b = {80, 24, 8, 16};
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        b.cols = ws.ws_col;
        b.rows = ws.ws_row;
        if (ws.ws_xpixel > 0 && ws.ws_ypixel > 0) {
            b.cw = (double)ws.ws_xpixel / ws.ws_col;
            b.ch = (double)ws.ws_ypixel / ws.ws_row;
        }
    }
    return b;
}

/* Text: 70% of the columns, rows from the figure's aspect (cells are half
 * as wide as tall), at most 60% of the terminal's rows. */
static int show_text(const NbFigure *f, Box b, FILE *out, int color)
{
    int cols = (int)(b.cols * 0.7), maxr = (int)(b.rows * 0.6);
    double aspect = nb_figure_height(f) / nb_figure_width(f);
    int rows = (int)lround(cols * aspect / 2);
    if (cols < 20)
        cols = b.cols < 20 ? b.cols : 20;
    if (rows > maxr)
        rows = maxr;
    if (rows < 8)
        rows = 8;
    return nb_figure_write_text(f, cols, rows, color, out);
}

/* Images: the figure scaled (keeping its aspect) into 70% of the width
 * and 60% of the height, in device pixels; placed over whole cells.
 * 1 when no image could be made (nothing written), -1 on a write error. */
static int show_image(const NbFigure *f, NbTermProto proto, Box b, FILE *out)
{
    double fw = nb_figure_width(f), fh = nb_figure_height(f);
    double bw = b.cols * 0.7 * b.cw, bh = b.rows * 0.6 * b.ch;
    double scale = fmin(bw / fw, bh / fh);
    int wpx = (int)lround(fw * scale), hpx = (int)lround(fh * scale);
    int cols = (int)ceil(wpx / b.cw), rows = (int)ceil(hpx / b.ch);
    size_t len = 0;
    unsigned char *png;
    int rc;
    if (!(scale > 0))
        return 1;
    if (proto == NB_TERM_SIXEL)
        return nb_figure_write_sixel(f, scale, out);
    png = nb_figure_png(f, scale, &len);
    if (!png)
        return 1;
    rc = proto == NB_TERM_KITTY ? nb_termimg_kitty(out, png, len, cols, rows)
                                : nb_termimg_iterm2(out, png, len, wpx, hpx);
    free(png);
    return rc;
}

int nb_term_show(const NbFigure *f, NbTermProto proto, FILE *out, int color)
{
    Box b = term_box(out);
    int rc = -1;
    if (proto != NB_TERM_TEXT)
        rc = show_image(f, proto, b, out);
    if (proto == NB_TERM_TEXT || rc == 1)   /* no cairo, no libsixel */
        rc = show_text(f, b, out, color);
    if (fflush(out) != 0)
        rc = -1;
    return rc;
}
