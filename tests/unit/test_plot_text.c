/* test_plot_text.c — the terminal text canvas (src/plot/text.c).
 *
 * First the primitives at tiny sizes, where the expected braille follows
 * from the sampling rule by hand (a sub-pixel is 4 x 4 CSS pixels; a line
 * paints the sub-pixel under each of its max(|dx|, |dy|) + 1 DDA points; a
 * fill paints the sub-pixels whose centres are inside). Then a whole
 * figure, y = x on [0, 1] at 40 x 12 cells, checked by where things must
 * be: the diagonal rising from the bottom-left to the top-right of the
 * plot area, the tick labels 0 and 1 at its ends, the title centred on the
 * first row, and the shape of the output (rows, widths, escapes). */
#include "check.h"

#include <math.h>
#include <stdint.h>

#include "canvas.h"
#include "text.h"

/* Everything written to a memory stream; malloc'd. */
static char *capture_canvas(NbTextCanvas *tc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    int rc = nb_text_canvas_emit(tc, m);
    fclose(m);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static const NbColor BLACK = {0, 0, 0, 1};
static const NbColor RED = {1, 0, 0, 1};

static void stroke_line(NbCanvas *c, double x0, double y0, double x1, double y1,
                        NbColor col)
{
    double x[2] = {x0, x1}, y[2] = {y0, y1};
    unsigned char ops[2] = {NB_MOVE, NB_LINE};
    NbPath p = {2, x, y, ops};
    NbStroke s = {col, 1, 0, 0};
    c->stroke(c->ctx, &p, &s);
}

static void fill_rect(NbCanvas *c, double x0, double y0, double x1, double y1,
                      NbColor col)
{
    double x[4] = {x0, x1, x1, x0}, y[4] = {y0, y0, y1, y1};
    unsigned char ops[4] = {NB_MOVE, NB_LINE, NB_LINE, NB_LINE_CLOSE};
    NbPath p = {4, x, y, ops};
    c->fill(c->ctx, &p, col);
}

/* The diagonal of a 4 x 2 cell canvas (32 x 32 CSS pixels, 8 x 8
 * sub-pixels) paints sub-pixels (k, k), k = 0..7: in cell (0, 0) dots 1
 * and 5 (0x11, U+2811), in cell (1, 0) dots 3 and 8 (0x84, U+2884), the
 * same pair again one row down two cells on. */
static void test_diagonal(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 2, 0);
    NbCanvas c;
    nb_text_canvas_bind(tc, &c);
    stroke_line(&c, 0, 0, 32, 32, BLACK);
    char *s = capture_canvas(tc);
    CHECK_STR(s, "\u2811\u2884  \n  \u2811\u2884\n", "monochrome diagonal");
    free(s);
    nb_text_canvas_free(tc);

    tc = nb_text_canvas_new(4, 2, 1);
    nb_text_canvas_bind(tc, &c);
    stroke_line(&c, 0, 0, 32, 32, BLACK);
    s = capture_canvas(tc);
    CHECK_STR(s,
              "\033[38;2;0;0;0m\033[48;2;255;255;255m\u2811\u2884  \033[0m\n"
              "\033[48;2;255;255;255m  \033[38;2;0;0;0m\u2811\u2884\033[0m\n",
              "colour diagonal: black ink on white, reset at each line end");
    free(s);
    nb_text_canvas_free(tc);
}

/* A red square over sub-pixels x, y in 0..3 (CSS 0..16): in colour two
 * cells of red background; in monochrome its boundary only, the sub-pixels
 * whose right or lower neighbour differs: the bottom row of cell (0, 0)
 * (dots 7, 8: U+28C0) and the right column plus the bottom-left dot of
 * cell (1, 0) (dots 4 5 6 8 and 7: U+28F8). */
static void test_fill(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 2, 1);
    NbCanvas c;
    nb_text_canvas_bind(tc, &c);
    fill_rect(&c, 0, 0, 16, 16, RED);
    char *s = capture_canvas(tc);
    CHECK_STR(s,
              "\033[48;2;255;0;0m  \033[48;2;255;255;255m  \033[0m\n"
              "\033[48;2;255;255;255m    \033[0m\n",
              "filled square: red background cells");
    free(s);
    nb_text_canvas_free(tc);

    tc = nb_text_canvas_new(4, 2, 0);
    nb_text_canvas_bind(tc, &c);
    fill_rect(&c, 0, 0, 16, 16, RED);
    s = capture_canvas(tc);
    CHECK_STR(s, "\u28c0\u28f8  \n    \n", "monochrome fill: its boundary");
    free(s);
    nb_text_canvas_free(tc);
}

/* Fills the fuzzer found (tests/fuzz/gen_scripts.py: descend's contour of
 * log(atan2(y, a), y) near 2^64, drawn as text): a path with every point
 * at infinity has no finite edge, and its bounds are +-inf, which were
 * converted to int (undefined behaviour: UBSan stopped the program); a
 * path of huge finite points has crossings that overflow to +-inf. Both
 * must paint what is inside the canvas, or nothing, and return. */
static void test_fill_unbounded(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 2, 0);
    NbCanvas c;
    nb_text_canvas_bind(tc, &c);
    fill_rect(&c, -INFINITY, -INFINITY, INFINITY, INFINITY, RED);
    char *s = capture_canvas(tc);
    CHECK_STR(s, "    \n    \n", "a fill at infinity paints nothing");
    free(s);
    fill_rect(&c, -1e308, -1e308, 1e308, 1e308, RED);
    s = capture_canvas(tc);
    CHECK_STR(s, "    \n    \n", "a fill of huge edges covering the canvas: no boundary "
              "inside it, so monochrome shows nothing");
    free(s);
    nb_text_canvas_free(tc);
    tc = nb_text_canvas_new(4, 2, 1);
    nb_text_canvas_bind(tc, &c);
    fill_rect(&c, -1.5e308, 0, 1.5e308, 16, RED);
    s = capture_canvas(tc);
    CHECK_STR(s,
              "\033[48;2;255;0;0m    \033[0m\n"
              "\033[48;2;255;255;255m    \033[0m\n",
              "a band from x = -1.5e308 to 1.5e308, y = 0 to 16: the top row red");
    free(s);
    nb_text_canvas_free(tc);
    /* the triangle below the diagonal y = x, its corners at +-1e308: a
     * scanline's crossing of the diagonal overflows ((yc - y0)(x1 - x0) is
     * about 1e615 in sub-pixels), and was converted to int; now the fill
     * returns, and the bottom-left cell, inside the triangle, is red */
    tc = nb_text_canvas_new(4, 2, 1);
    nb_text_canvas_bind(tc, &c);
    double x[3] = {-1e308, 1e308, -1e308}, y[3] = {-1e308, 1e308, 1e308};
    unsigned char ops[3] = {NB_MOVE, NB_LINE, NB_LINE_CLOSE};
    NbPath tri = {3, x, y, ops};
    c.fill(c.ctx, &tri, RED);
    s = capture_canvas(tc);
    const char *row2 = s ? strchr(s, '\n') : NULL;
    static const char red_cell[] = "\033[48;2;255;0;0m ";
    CHECK(row2 && strncmp(row2 + 1, red_cell, sizeof red_cell - 1) == 0,
          "a fill whose crossings overflow returns; bottom-left cell red");
    free(s);
    nb_text_canvas_free(tc);
}

/* Circles the fuzzer found (a plot's tangent point far outside the x
 * range: a marker 4e12 sub-pixels away, converted to int): one far
 * outside paints nothing, one of a huge radius covers the canvas. */
static void test_circle_unbounded(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 2, 0);
    NbCanvas c;
    nb_text_canvas_bind(tc, &c);
    c.circle(c.ctx, 1e13, -1e13, 2, RED, NULL);
    c.circle(c.ctx, -1e300, 8, 0.1, RED, NULL);
    char *s = capture_canvas(tc);
    CHECK_STR(s, "    \n    \n", "markers far outside the canvas paint nothing");
    free(s);
    c.circle(c.ctx, 16, 16, 1e12, RED, NULL);
    s = capture_canvas(tc);
    CHECK_STR(s, "\u28ff\u28ff\u28ff\u28ff\n\u28ff\u28ff\u28ff\u28ff\n",
              "a disc of radius 1e12 covers every sub-pixel");
    free(s);
    nb_text_canvas_free(tc);
}

/* Text snaps to cells and later graphics leave it alone: "ab" left-aligned
 * at x = 8 (cell 1), middle at y = 8 (row 0); a black line along row 0's
 * top sub-pixels (y = 1) afterwards shows only in cells 0 and 3 as dots 1
 * and 4 (U+2809). Text wider than the grid is cut; text running past the
 * right edge is shifted in. */
static void test_text(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 2, 0);
    NbCanvas c;
    NbTextStyle t = {BLACK, 12, 0, -1, 0, 0};
    nb_text_canvas_bind(tc, &c);
    c.text(c.ctx, 8, 8, "ab", &t);
    stroke_line(&c, 0, 1, 31.9, 1, BLACK);
    t.halign = 1;
    c.text(c.ctx, 0, 24, "hello", &t);
    char *s = capture_canvas(tc);
    CHECK_STR(s, "\u2809ab\u2809\nhell\n", "text kept, line around it, long text cut");
    free(s);
    nb_text_canvas_free(tc);

    tc = nb_text_canvas_new(4, 1, 0);
    nb_text_canvas_bind(tc, &c);
    t.halign = 0;
    c.text(c.ctx, 30, 8, "xyz", &t);
    s = capture_canvas(tc);
    CHECK_STR(s, " xyz\n", "centred text at the right edge shifted inside");
    free(s);
    nb_text_canvas_free(tc);
}

/* A black dot of radius 4 CSS pixels (1 sub-pixel) at (16, 8): the
 * sub-pixels whose centres lie within 1 of (4, 2) are (3, 1), (4, 1),
 * (3, 2), (4, 2): dots 5 and 6 of cell 1 (U+2830) and dots 2 and 3 of
 * cell 2 (U+2806). A ring of radius 8 CSS (2 sub-pixels) with no fill
 * paints the sub-pixels whose centres are within 0.5 of the circle. */
static void test_circle(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 2, 0);
    NbCanvas c;
    nb_text_canvas_bind(tc, &c);
    c.circle(c.ctx, 16, 8, 4, BLACK, NULL);
    char *s = capture_canvas(tc);
    CHECK_STR(s, " \u2830\u2806 \n    \n", "a small filled dot");
    free(s);
    nb_text_canvas_free(tc);

    /* ring centred (4, 4) sub-pixels, radius 2: the centres (i + 0.5,
     * j + 0.5) with |d - 2| <= 0.5 are rows 2 and 5 at i = 2..5 (d = 1.58
     * or 2.12) and rows 3 and 4 at i = 2 and 5 (d = 1.58); (3, 3) at 0.71
     * and (3, 1) at 2.55 are out. Cells (1, 0): dots 3 6 7 (U+2864);
     * (2, 0): 3 6 8 (U+28A4); (1, 1): 1 2 5 (U+2813); (2, 1): 2 4 5 (U+281A). */
    tc = nb_text_canvas_new(4, 2, 0);
    nb_text_canvas_bind(tc, &c);
    NbStroke edge = {BLACK, 1, 0, 0};
    c.circle(c.ctx, 16, 16, 8, (NbColor){0, 0, 0, 0}, &edge);
    s = capture_canvas(tc);
    CHECK_STR(s, " \u2864\u28a4 \n \u2813\u281a \n", "a ring");
    free(s);
    nb_text_canvas_free(tc);
}

/* Dashes along row 0 from x = 0 to 8 sub-pixels, a DDA point a sub-pixel:
 * dashed is 2.5 on in a period of 4 (points 3 and 7 are off), dotted 1 in
 * 2 (the odd points are off). */
static void test_dashes(void)
{
    static const char *const want[] = {
        "\u2809\u2801\u2809\u2801\n    \n", "\u2801\u2801\u2801\u2801\n    \n"};
    for (int k = 1; k <= 2; k++) {
        NbTextCanvas *tc = nb_text_canvas_new(4, 2, 0);
        NbCanvas c;
        nb_text_canvas_bind(tc, &c);
        double x[2] = {0, 32}, y[2] = {1, 1};
        unsigned char ops[2] = {NB_MOVE, NB_LINE};
        NbPath p = {2, x, y, ops};
        NbStroke st = {BLACK, 1, k, 0};
        c.stroke(c.ctx, &p, &st);
        char *s = capture_canvas(tc);
        CHECK_STR(s, want[k - 1], "%s line", k == 1 ? "dashed" : "dotted");
        free(s);
        nb_text_canvas_free(tc);
    }
}

/* A byte that is not UTF-8 is shown as '?', one cell. */
static void test_bad_utf8(void)
{
    NbTextCanvas *tc = nb_text_canvas_new(4, 1, 0);
    NbCanvas c;
    NbTextStyle t = {BLACK, 12, 0, -1, 0, 0};
    nb_text_canvas_bind(tc, &c);
    c.text(c.ctx, 0, 8, "a\xff" "b", &t);
    char *s = capture_canvas(tc);
    CHECK_STR(s, "a?b \n", "invalid UTF-8 as ?");
    free(s);
    nb_text_canvas_free(tc);
}

/* --- a whole figure -------------------------------------------------------*/

#define COLS 40
#define ROWS 12

/* The lines of s (without their newlines) into lines[]; returns the count. */
static int split_lines(char *s, char **lines, int max)
{
    int n = 0;
    while (*s && n < max) {
        lines[n++] = s;
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
    return n;
}

/* The code point at column col of a UTF-8 line (0 past the end). */
static uint32_t at(const char *line, int col)
{
    const unsigned char *u = (const unsigned char *)line;
    for (int k = 0; *u; k++) {
        int len = *u < 0x80 ? 1 : *u < 0xe0 ? 2 : *u < 0xf0 ? 3 : 4;
        uint32_t cp = len == 1 ? *u : (uint32_t)(*u & (0x7f >> len));
        for (int i = 1; i < len; i++)
            cp = cp << 6 | (u[i] & 0x3f);
        if (k == col)
            return cp;
        u += len;
    }
    return 0;
}

static int width(const char *line)
{
    int n = 0;
    for (const unsigned char *u = (const unsigned char *)line; *u; u++)
        n += (*u & 0xc0) != 0x80;
    return n;
}

static int is_braille(uint32_t cp) { return cp > 0x2800 && cp <= 0x28ff; }

/* Column of the first occurrence of the ASCII word w in line, or -1. */
static int find_col(const char *line, const char *w)
{
    const char *p = strstr(line, w);
    if (!p)
        return -1;
    int col = 0;
    for (const unsigned char *u = (const unsigned char *)line; u < (const unsigned char *)p; u++)
        col += (*u & 0xc0) != 0x80;
    return col;
}

static char *figure_text(const NbFigure *f, int color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    int rc = nb_figure_write_text(f, COLS, ROWS, color, m);
    fclose(m);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Where the curve is: the braille cells that are not part of a straight
 * horizontal or vertical run (the frame and ticks are such runs; the
 * diagonal's cells have dots in both columns or rows at a slant). We take
 * the braille cells strictly inside the frame: inside the leftmost and
 * rightmost braille columns and the topmost and bottommost braille rows of
 * the frame, found as the row with the longest braille run (bottom axis)
 * and the column with the most braille cells (left axis). */
static void test_figure(void)
{
    NbFigure *f = nb_figure_new(1, 1, 0, 0);
    double x[2] = {0, 1}, y[2] = {0, 1};
    NbLineStyle ls = {{0.12, 0.47, 0.71, 1}, 0, 0, NB_MARKER_NONE, 0, NULL};
    CHECK(f != NULL, "figure made");
    if (!f)
        return;
    nb_panel_set_title(f, 0, "line");
    nb_panel_set_xlim(f, 0, 0, 1);
    nb_panel_set_ylim(f, 0, 0, 1);
    nb_panel_set_grid(f, 0, 0);
    nb_layer_line(f, 0, 2, x, y, &ls);

    char *mono = figure_text(f, 0);
    CHECK(mono != NULL, "monochrome text written");
    if (!mono) {
        nb_figure_free(f);
        return;
    }
    CHECK(strchr(mono, '\033') == NULL, "NO_COLOR output has no ESC byte");
    size_t len = strlen(mono);
    CHECK(len > 0 && mono[len - 1] == '\n', "output ends with a newline");
    char *lines[64];
    int n = split_lines(mono, lines, 64);
    CHECK(n == ROWS, "rows == %d (got %d)", ROWS, n);
    int wide = 0;
    for (int i = 0; i < n; i++)
        wide |= width(lines[i]) > COLS;
    CHECK(!wide, "no line wider than %d columns", COLS);
    for (int i = 0; i < n; i++)
        printf("# |%s|\n", lines[i]);

    /* the bottom axis: the row with the longest run of braille */
    int axis_row = -1, best = 0, left = -1, right = -1;
    for (int r = 0; r < n; r++) {
        int run = 0, start = 0;
        for (int col = 0; col < COLS; col++) {
            if (is_braille(at(lines[r], col))) {
                if (run == 0)
                    start = col;
                run++;
                if (run >= best) {   /* the last: the bottom of a box */
                    best = run;
                    axis_row = r;
                    left = start;
                    right = col;
                }
            } else
                run = 0;
        }
    }
    CHECK(axis_row > 0 && best >= COLS / 2,
          "bottom axis found (row %d, %d cells)", axis_row, best);
    if (axis_row <= 0) {
        free(mono);
        nb_figure_free(f);
        return;
    }
    /* the diagonal: braille strictly above the axis row and right of the
     * frame's left column; lowest such cell must be at the left, highest
     * at the right, and the column must not decrease going up */
    int lo_row = -1, lo_col = -1, hi_row = ROWS, hi_col = -1, mono_ok = 1, prev = -1;
    for (int r = axis_row - 1; r >= 1; r--) {
        int first = -1, cells = 0;
        for (int col = left + 1; col < right; col++)
            if (is_braille(at(lines[r], col))) {
                if (first < 0)
                    first = col;
                cells++;
            }
        if (first < 0 || cells > (right - left) / 2)
            continue;   /* empty, or the frame's top edge */
        if (lo_row < 0) {
            lo_row = r;
            lo_col = first;
        }
        hi_row = r;
        hi_col = first;
        if (first < prev)
            mono_ok = 0;
        prev = first;
    }
    /* the line meets the axis in its first quarter and the top of the
     * frame in its last (the diagonal's ends merge into the frame) */
    int quarter = (right - left) / 4;
    CHECK(lo_row >= axis_row - 2 && lo_col <= left + quarter,
          "the line starts at the bottom left (row %d, col %d)", lo_row, lo_col);
    CHECK(hi_col >= right - quarter && hi_row <= axis_row - 6,
          "the line ends at the top right (row %d, col %d)", hi_row, hi_col);
    CHECK(mono_ok, "the line rises to the right");

    /* tick labels: below the axis, "0" under the left end, "1" under the
     * right end; left of the frame, "1" on the top row of the line and
     * "0" on the axis row */
    int tick_row = axis_row + 1 < n ? axis_row + 1 : axis_row;
    int c0 = find_col(lines[tick_row], "0");
    const char *last1 = strrchr(lines[tick_row], '1');
    int c1 = last1 ? find_col(lines[tick_row], last1) : -1;
    CHECK(c0 >= 0 && abs(c0 - left) <= 1, "x tick 0 under the left end (col %d, axis from %d)", c0, left);
    CHECK(c1 >= 0 && abs(c1 - right) <= 1, "x tick 1 under the right end (col %d, axis to %d)", c1, right);
    int y0 = find_col(lines[axis_row], "0");
    CHECK(y0 >= 0 && y0 < left, "y tick 0 left of the axis on its row (col %d)", y0);
    int y1row = -1;
    for (int r = 0; r < axis_row; r++)
        if (find_col(lines[r], "1") >= 0 && find_col(lines[r], "1") < left)
            y1row = r;
    CHECK(y1row >= 0 && abs(y1row - hi_row) <= 1,
          "y tick 1 at the top of the line (row %d, line top %d)", y1row, hi_row);
    int tr = find_col(lines[0], "line") >= 0 ? 0 : 1;
    int tc = find_col(lines[tr], "line");
    CHECK(tc >= 0 && abs((tc + 2) - (left + right + 1) / 2) <= 1,
          "title centred over the plot in the first two rows (row %d, col %d)",
          tr, tc);
    free(mono);

    char *col = figure_text(f, 1);
    CHECK(col != NULL, "colour text written");
    if (col) {
        CHECK(strstr(col, "\033[38;2;31;120;181m") != NULL,
              "the line's colour (0.12, 0.47, 0.71) as a 24-bit foreground");
        n = split_lines(col, lines, 64);
        int resets = 0;
        for (int i = 0; i < n; i++) {
            size_t l = strlen(lines[i]);
            resets += l >= 4 && strcmp(lines[i] + l - 4, "\033[0m") == 0;
        }
        CHECK(n == ROWS && resets == ROWS, "every colour line ends in a reset (%d of %d)", resets, n);
        free(col);
    }
    nb_figure_free(f);
}

int main(void)
{
    test_diagonal();
    test_fill();
    test_fill_unbounded();
    test_circle_unbounded();
    test_text();
    test_circle();
    test_dashes();
    test_bad_utf8();
    test_figure();
    return check_done();
}
