/* page.c — a script as a page: recording what each statement produced,
 * then writing prose, code and results as HTML or Markdown (contract:
 * page.h, SPEC §11).
 *
 * Writing walks each source line by line with the statements' spans: a
 * line that starts with #' outside a statement is prose (the #' and one
 * space after it dropped); other lines are code. Consecutive code lines
 * make one code block, closed by prose or after a statement that printed
 * something (when the next statement starts on a later line), so output
 * follows the code that made it, as in a notebook. Leading and trailing
 * blank lines of a code block are dropped, and a block of blank lines is
 * no block.
 */
#include "nabla/page.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>
#include <cmark.h>


typedef enum ItemKind {
    IT_TEXT,     /* text output: escaped into <pre class="out"> */
    IT_HTML,     /* markup ready to write: a table */
    IT_MATH,     /* MathML (s) of a symbolic result, its text (alt) */
    IT_PICTURE,  /* SVG: inline (HTML) or a file's content (Markdown) */
    IT_ERROR     /* a diagnostic */
} ItemKind;

typedef struct Item {
    ItemKind kind;
    char *s, *alt;
    size_t len;
} Item;

typedef struct Stmt {
    size_t start, end;
    size_t first, n;         /* its items */
} Stmt;

typedef struct Source {
    char *text;
    size_t len;
    Stmt *st;
    size_t nst, cap;
    int how;                 /* nb_page_source_end */
} Source;

struct NbPage {
    NbPageFormat fmt;
    Source *src;
    size_t nsrc, src_cap;
    Item *items;
    size_t nitems, items_cap;
    size_t npics;
    /* the statement being recorded */
    int open;
    FILE *cap;
    char *cap_buf;
    size_t cap_len, cap_cut;
};

NbPage *nb_page_new(NbPageFormat fmt)
{
    NbPage *pg = nb_xrealloc(NULL, sizeof *pg);
    memset(pg, 0, sizeof *pg);
    pg->fmt = fmt;
    return pg;
}

NbPageFormat nb_page_format(const NbPage *pg) { return pg->fmt; }

void nb_page_free(NbPage *pg)
{
    if (!pg)
        return;
    if (pg->cap)
        fclose(pg->cap);
    free(pg->cap_buf);
    for (size_t i = 0; i < pg->nsrc; i++) {
        free(pg->src[i].text);
        free(pg->src[i].st);
    }
    for (size_t i = 0; i < pg->nitems; i++) {
        free(pg->items[i].s);
        free(pg->items[i].alt);
    }
    free(pg->src);
    free(pg->items);
    free(pg);
}

/* --- recording ------------------------------------------------------------ */

void nb_page_source(NbPage *pg, const char *name, const char *text, size_t len)
{
    (void)name; /* no file names in a page: see page.h */
    if (pg->nsrc == pg->src_cap) {
        pg->src_cap = pg->src_cap ? 2 * pg->src_cap : 4;
        pg->src = nb_xrealloc(pg->src, pg->src_cap * sizeof *pg->src);
    }
    Source *s = &pg->src[pg->nsrc++];
    memset(s, 0, sizeof *s);
    s->text = nb_xstrndup(text, len);
    s->len = len;
}

void nb_page_source_end(NbPage *pg, int how)
{
    if (pg->nsrc)
        pg->src[pg->nsrc - 1].how = how;
}

static void add_item(NbPage *pg, ItemKind k, char *s, size_t len, char *alt)
{
    if (pg->nitems == pg->items_cap) {
        pg->items_cap = pg->items_cap ? 2 * pg->items_cap : 64;
        pg->items = nb_xrealloc(pg->items, pg->items_cap * sizeof *pg->items);
    }
    pg->items[pg->nitems++] = (Item){k, s, alt, len};
    if (pg->nsrc && pg->src[pg->nsrc - 1].nst)
        pg->src[pg->nsrc - 1].st[pg->src[pg->nsrc - 1].nst - 1].n++;
}

/* The text written to the capture stream since the last cut, as an item
 * (so a rich item that comes next stays after it). */
static void cut(NbPage *pg)
{
    if (!pg->open)
        return;
    fflush(pg->cap);
    if (pg->cap_len > pg->cap_cut) {
        size_t n = pg->cap_len - pg->cap_cut;
        add_item(pg, IT_TEXT, nb_xstrndup(pg->cap_buf + pg->cap_cut, n), n, NULL);
    }
    pg->cap_cut = pg->cap_len;
}

/* A statement with no source (an unreadable file's error) gets an empty
 * source of its own. */
static Stmt *new_stmt(NbPage *pg, size_t start, size_t end)
{
    if (!pg->nsrc)
        nb_page_source(pg, "", "", 0);
    Source *s = &pg->src[pg->nsrc - 1];
    if (s->nst == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->st = nb_xrealloc(s->st, s->cap * sizeof *s->st);
    }
    Stmt *st = &s->st[s->nst++];
    *st = (Stmt){start <= s->len ? start : s->len,
                 end <= s->len ? end : s->len, pg->nitems, 0};
    return st;
}

FILE *nb_page_statement(NbPage *pg, size_t start, size_t end)
{
    if (pg->open)
        nb_page_statement_end(pg);
    new_stmt(pg, start, end);
    pg->cap = nb_xmemstream(&pg->cap_buf, &pg->cap_len);
    pg->cap_cut = 0;
    pg->open = 1;
    return pg->cap;
}

void nb_page_statement_end(NbPage *pg)
{
    if (!pg->open)
        return;
    cut(pg);
    fclose(pg->cap);
    free(pg->cap_buf);
    pg->cap = NULL;
    pg->cap_buf = NULL;
    pg->cap_len = pg->cap_cut = 0;
    pg->open = 0;
}

/* A rich item in the open statement, or standing alone. */
static void add_rich(NbPage *pg, ItemKind k, char *s, size_t len, char *alt)
{
    int alone = !pg->open;
    if (alone) {
        size_t end = pg->nsrc ? pg->src[pg->nsrc - 1].len : 0;
        new_stmt(pg, end, end);
    }
    cut(pg);
    add_item(pg, k, s, len, alt);
}

/* What fn writes to a stream, as a malloc'd string. */
static char *capture(void (*fn)(FILE *, const void *), const void *arg,
                     size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = nb_xmemstream(&buf, &n);
    fn(m, arg);
    fclose(m);
    *len = n;
    return buf;
}

typedef struct TableArg {
    const NbTable *t;
    NbFormat fmt;
} TableArg;

static void table_to(FILE *m, const void *arg)
{
    const TableArg *a = arg;
    nb_table_print(a->t, a->fmt, m, m);
}

void nb_page_table(NbPage *pg, const NbTable *t)
{
    TableArg a = {t, pg->fmt == NB_PAGE_HTML ? NB_FORMAT_HTML
                                              : NB_FORMAT_MARKDOWN};
    size_t n;
    char *s = capture(table_to, &a, &n);
    add_rich(pg, IT_HTML, s, n, NULL);
}

int nb_page_picture(NbPage *pg, const NbFigure *f)
{
    char *buf = NULL, prefix[32];
    size_t n = 0;
    FILE *m = nb_xmemstream(&buf, &n);
    snprintf(prefix, sizeof prefix, "p%zu-", pg->npics + 1);
    int rc = pg->fmt == NB_PAGE_HTML ? nb_figure_write_svg_inline(f, prefix, m)
                                     : nb_figure_write_svg(f, m);
    if (fclose(m) != 0 || rc != 0) {
        free(buf);
        return -1;
    }
    pg->npics++;
    add_rich(pg, IT_PICTURE, buf, n, NULL);
    return 0;
}

void nb_page_math(NbPage *pg, const char *mathml, const char *text)
{
    size_t n = strlen(mathml);
    add_rich(pg, IT_MATH, nb_xstrndup(mathml, n), n, nb_xstrndup(text, strlen(text)));
}

void nb_page_error(NbPage *pg, const char *text)
{
    size_t n = strlen(text);
    add_rich(pg, IT_ERROR, nb_xstrndup(text, n), n, NULL);
}

/* --- writing: lines, prose and code ---------------------------------------- */

/* The writer's state over one source. */
typedef struct W {
    NbPage *pg;
    FILE *out;
    const Source *s;
    size_t code_a, code_b;   /* pending code lines [a, b); a == b: none */
    size_t prose_a;          /* pending prose: the lines from prose_a... */
    char *prose;             /* ...with the #' taken off */
    size_t prose_len, prose_cap;
    size_t item_a, item_b;   /* pending output items */
    const char *dir, *base;
    size_t pic;              /* pictures written so far (Markdown) */
    NbDiag *d;
    int err;
} W;

static size_t line_start(const Source *s, size_t at)
{
    while (at > 0 && s->text[at - 1] != '\n')
        at--;
    return at;
}

/* Just past the newline ending the line that holds byte at (or the end). */
static size_t line_after(const Source *s, size_t at)
{
    while (at < s->len && s->text[at] != '\n')
        at++;
    return at < s->len ? at + 1 : s->len;
}

static int is_prose(const char *l, size_t n)
{
    return n >= 2 && l[0] == '#' && l[1] == '\'';
}

static int blank_line(const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] != ' ' && l[i] != '\t' && l[i] != '\r' && l[i] != '\n')
            return 0;
    return 1;
}

static void html_text(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\r': break;
        default: fputc(s[i], out);
        }
    }
}

/* A fence of backticks longer than any run of them in s (at least 3). */
static void fence(FILE *out, const char *s, size_t n, const char *info)
{
    size_t run = 0, best = 0;
    for (size_t i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        best = run > best ? run : best;
    }
    for (size_t i = 0; i < (best >= 3 ? best + 1 : 3); i++)
        fputc('`', out);
    fputs(info, out);
    fputc('\n', out);
}

/* A block of verbatim text in a fenced block, ending in a newline. */
static void md_block(FILE *out, const char *s, size_t n, const char *info)
{
    fence(out, s, n, info);
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r')
            fputc(s[i], out);
    if (n && s[n - 1] != '\n')
        fputc('\n', out);
    fence(out, s, n, "");
    fputc('\n', out);
}

/* Code as HTML: comments (from a # outside a string to the end of the
 * line) in <span class="c">. Strings may span lines. */
static void html_code(FILE *out, const char *s, size_t n)
{
    int in_str = 0, in_com = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_com && c == '\n') {
            fputs("</span>", out);
            in_com = 0;
        } else if (!in_com && !in_str && c == '#') {
            fputs("<span class=\"c\">", out);
            in_com = 1;
        } else if (!in_com && c == '"') {
            in_str = !in_str;
        } else if (!in_com && in_str && c == '\\' && i + 1 < n) {
            html_text(out, s + i, 2);
            i++;
            continue;
        }
        html_text(out, s + i, 1);
    }
    if (in_com)
        fputs("</span>", out);
}

static void flush_code(W *w)
{
    const char *t = w->s->text;
    size_t a = w->code_a, b = w->code_b;
    w->code_a = w->code_b = 0;
    /* drop leading and trailing blank lines */
    while (a < b) {
        size_t e = line_after(w->s, a);
        if (e > b || !blank_line(t + a, e - a))
            break;
        a = e;
    }
    while (b > a) {
        size_t l = line_start(w->s, b - 1);
        if (l < a || !blank_line(t + l, b - l))
            break;
        b = l;
    }
    if (a >= b)
        return;
    while (b > a && (t[b - 1] == '\n' || t[b - 1] == '\r'))
        b--;
    if (w->pg->fmt == NB_PAGE_MARKDOWN) {
        md_block(w->out, t + a, b - a, "");
        return;
    }
    fputs("<pre class=\"code\"><code>", w->out);
    html_code(w->out, t + a, b - a);
    fputs("</code></pre>\n", w->out);
}

/* The first heading's text in rendered HTML prose: the page's title. */
static char *title_of(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    char *title = NULL;
    size_t len = 0;
    FILE *m = NULL;
    int in_heading = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !title) {
        cmark_node *nd = cmark_iter_get_node(it);
        cmark_node_type ty = cmark_node_get_type(nd);
        if (ty == CMARK_NODE_HEADING) {
            if (ev == CMARK_EVENT_ENTER) {
                in_heading = 1;
                m = nb_xmemstream(&title, &len);
            } else {
                fclose(m);
                m = NULL;
                in_heading = 0;
                if (!title || !*title) {
                    free(title);
                    title = NULL;
                }
                if (title)
                    break;
            }
        } else if (in_heading && (ty == CMARK_NODE_TEXT ||
                                  ty == CMARK_NODE_CODE)) {
            fputs(cmark_node_get_literal(nd), m);
        }
    }
    if (m) {
        fclose(m);
        free(title);
        title = NULL;
    }
    cmark_iter_free(it);
    return title;
}

static void flush_prose(W *w)
{
    if (!w->prose_len)
        return;
    if (w->pg->fmt == NB_PAGE_MARKDOWN) {
        fwrite(w->prose, 1, w->prose_len, w->out);
        fputc('\n', w->out);
    } else {
        char *html = cmark_markdown_to_html(w->prose, w->prose_len,
                                            CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
        fputs(html, w->out);
        free(html);
    }
    w->prose_len = 0;
}

static void add_prose(W *w, const char *l, size_t n)
{
    l += 2, n -= 2;                  /* #' */
    if (n && *l == ' ')
        l++, n--;
    if (w->prose_len + n + 2 > w->prose_cap) {
        w->prose_cap = (w->prose_len + n + 2) * 2;
        w->prose = nb_xrealloc(w->prose, w->prose_cap);
    }
    memcpy(w->prose + w->prose_len, l, n);
    w->prose_len += n;
    if (!n || l[n - 1] != '\n')
        w->prose[w->prose_len++] = '\n';
}

/* --- writing: output items -------------------------------------------------- */

static void html_error(FILE *out, const char *s)
{
    const char *e = strstr(s, "error:");
    fputs("<pre class=\"err\">", out);
    if (e) {
        html_text(out, s, (size_t)(e - s));
        fputs("<b>error:</b>", out);
        s = e + strlen("error:");
    }
    html_text(out, s, strlen(s));
    fputs("</pre>\n", out);
}

/* Markdown: the picture into its file beside the page, and a link. */
static void md_picture(W *w, const Item *it)
{
    char *name = NULL, *path = NULL;
    w->pic++;
    name = nb_xasprintf("%s-%zu.svg", w->base, w->pic);
    path = nb_xasprintf("%s%s%s", w->dir, *w->dir ? "/" : "", name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(it->s, 1, it->len, f) != it->len || fclose(f) != 0) {
        if (!w->err)
            nb_diag_set(w->d, NB_ERR_IO, "cannot write the picture '%s'", path);
        w->err = 1;
    }
    fprintf(w->out, "![picture %zu](%s)\n\n", w->pic, name);
    free(name);
    free(path);
}

/* Consecutive text items become one block. */
static void flush_items(W *w)
{
    FILE *out = w->out;
    int html = w->pg->fmt == NB_PAGE_HTML;
    size_t i = w->item_a;
    while (i < w->item_b) {
        const Item *it = &w->pg->items[i];
        if (it->kind == IT_TEXT) {
            size_t j = i;
            char *buf = NULL;
            size_t n = 0;
            FILE *m = nb_xmemstream(&buf, &n);
            for (; j < w->item_b && w->pg->items[j].kind == IT_TEXT; j++)
                fwrite(w->pg->items[j].s, 1, w->pg->items[j].len, m);
            fclose(m);
            while (n && buf[n - 1] == '\n')
                n--;
            if (n && html) {
                fputs("<pre class=\"out\">", out);
                html_text(out, buf, n);
                fputs("</pre>\n", out);
            } else if (n) {
                md_block(out, buf, n, "text");
            }
            free(buf);
            i = j;
            continue;
        }
        switch (it->kind) {
        case IT_HTML:
            fwrite(it->s, 1, it->len, out);
            if (!html)
                fputc('\n', out);
            break;
        case IT_MATH:
            if (html) {
                fputs("<div class=\"math\"><math display=\"block\" alttext=\"", out);
                html_text(out, it->alt, strlen(it->alt));
                fprintf(out, "\">%s</math></div>\n", it->s);
            }
            break;
        case IT_PICTURE:
            if (html) {
                fputs("<figure>", out);
                fwrite(it->s, 1, it->len, out);
                fputs("</figure>\n", out);
            } else {
                md_picture(w, it);
            }
            break;
        case IT_ERROR:
            if (html)
                html_error(out, it->s);
            else
                md_block(out, it->s, it->len, "text");
            break;
        default: break;
        }
        i++;
    }
    w->item_a = w->item_b;
}

static void flush_all(W *w)
{
    flush_prose(w);
    flush_code(w);
    flush_items(w);
}

/* Lines [a, b) between statements: prose or code. */
static void gap(W *w, size_t a, size_t b)
{
    while (a < b) {
        size_t e = line_after(w->s, a);
        const char *l = w->s->text + a;
        if (is_prose(l, e - a)) {
            if (w->code_b > w->code_a || w->item_b > w->item_a) {
                flush_code(w);
                flush_items(w);
            }
            add_prose(w, l, e - a);
        } else {
            flush_prose(w);
            if (w->code_a == w->code_b)
                w->code_a = a;
            w->code_b = e;
        }
        a = e;
    }
}

static void stopped_note(W *w)
{
    static const char *const why[] = {
        "", "The script stopped at this error, as a plain run does; "
        "nabla --keep-going runs the statements after it.",
        "The script ended here with quit."};
    if (w->s->how < 1 || w->s->how > 2)
        return;
    if (w->pg->fmt == NB_PAGE_HTML)
        fprintf(w->out, "<p class=\"stopped\">%s</p>\n", why[w->s->how]);
    else
        fprintf(w->out, "> %s\n\n", why[w->s->how]);
}

static void write_source(W *w)
{
    const Source *s = w->s;
    size_t cursor = 0;
    for (size_t i = 0; i < s->nst; i++) {
        const Stmt *st = &s->st[i];
        size_t ls = line_start(s, st->start);
        size_t le = line_after(s, st->end > st->start ? st->end - 1 : st->start);
        if (st->start == s->len && st->end == s->len)
            ls = le = s->len;            /* an item standing alone */
        if (ls >= cursor) {
            gap(w, cursor, ls);
            flush_prose(w);
            if (w->code_a == w->code_b)
                w->code_a = ls;
            w->code_b = le;
            cursor = le;
        } else if (le > cursor) {
            w->code_b = le;
            cursor = le;
        }
        w->item_b = st->first + st->n;   /* items are contiguous */
        size_t next = i + 1 < s->nst ? line_start(s, s->st[i + 1].start)
                                     : s->len + 1;
        if (w->item_b > w->item_a && next >= cursor) {
            flush_code(w);
            flush_items(w);
        }
    }
    if (s->how) {
        flush_all(w);
        stopped_note(w);
        return;
    }
    gap(w, cursor, s->len);
    flush_all(w);
}

/* --- the document ------------------------------------------------------------ */

static const char css[] =
    ":root{color-scheme:light}\n"
    "body{margin:0;background:#fff;color:#1d2228;font:17px/1.6 "
    "system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}\n"
    "main{max-width:48rem;margin:0 auto;padding:1rem 1.1rem 3rem}\n"
    "h1,h2,h3{line-height:1.25;margin:1.6em 0 .5em}\n"
    "h1{font-size:1.9rem;margin-top:.8em}\n"
    "h2{font-size:1.45rem;border-bottom:1px solid #e3e6ea;padding-bottom:.2em}\n"
    "a{color:#1f5fbf}\n"
    "code,pre,table{font-family:\"DejaVu Sans Mono\",ui-monospace,Menlo,"
    "Consolas,monospace}\n"
    ":not(pre)>code{font-size:.9em;background:#f1f3f5;padding:.1em .3em;"
    "border-radius:4px}\n"
    "pre{font-size:14px;line-height:1.45;overflow-x:auto;margin:.6rem 0;"
    "padding:.55rem .8rem;border-radius:6px}\n"
    "pre.code{background:#f3f5f8;border-left:4px solid #3b6fd4}\n"
    "pre.code .c{color:#6a737d;font-style:italic}\n"
    "pre.out{background:#fff;border:1px solid #e1e4e8}\n"
    "pre.err{background:#fdf1f1;border-left:4px solid #c62828;color:#8b1a1a}\n"
    ".tbl{overflow-x:auto;margin:.6rem 0}\n"
    "table{border-collapse:collapse;font-size:13.5px;line-height:1.4}\n"
    "th,td{padding:.2rem .65rem;border-bottom:1px solid #e5e8eb;"
    "text-align:left;white-space:nowrap}\n"
    "th{border-bottom:2px solid #c9ced4}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.ok{color:#1e7d32;font-weight:bold}td.bad{color:#c62828;font-weight:bold}\n"
    "p.sum{margin:.1rem 0;font-size:.92em;color:#444}\n"
    "p.note,p.stopped{margin:.5rem 0;padding:.35rem .7rem;border-radius:4px;"
    "font-size:.92em;"
    "background:#f4f5f7;border-left:4px solid #9aa3ad}\n"
    "p.ok{background:#eef8f0;border-color:#2e7d32}\n"
    "p.warn{background:#fdf6e7;border-color:#d48806}\n"
    "p.bad,p.stopped{background:#fdf1f1;border-color:#c62828}\n"
    "figure{margin:1rem 0}\n"
    "figure svg{display:block;max-width:100%;height:auto;margin:0 auto}\n"
    ".math{overflow-x:auto;margin:.4rem 0 .8rem}\n"
    "math{font-size:1.12em}\n"
    "hr.source{margin:2.5rem 0;border:0;border-top:3px double #c9ced4}\n"
    "@media (prefers-reduced-motion:reduce){.ball{display:none}}\n"
    "@media print{body{font-size:11pt}main{max-width:none;padding:0}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}"
    ".tbl,.math{overflow:visible}figure,pre,table{break-inside:avoid}"
    "h1,h2,h3{break-after:avoid}.ball{display:none}}\n";

static void html_head(W *w, const char *title)
{
    FILE *out = w->out;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"generator\" content=\"nabla\">\n"
          "<title>", out);
    html_text(out, title, strlen(title));
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
            css);
}

/* The title: the first heading of all the prose. */
static char *page_title(const NbPage *pg)
{
    for (size_t i = 0; i < pg->nsrc; i++) {
        const Source *s = &pg->src[i];
        char *md = NULL;
        size_t n = 0;
        FILE *m = nb_xmemstream(&md, &n);
        for (size_t a = 0; a < s->len;) {
            size_t e = a;
            while (e < s->len && s->text[e] != '\n')
                e++;
            if (is_prose(s->text + a, e - a)) {
                const char *l = s->text + a + 2;
                fwrite(l + (*l == ' '), 1, e - a - 2 - (*l == ' '), m);
                fputc('\n', m);
            }
            a = e + 1;
        }
        fclose(m);
        cmark_node *doc = cmark_parse_document(md, n, CMARK_OPT_DEFAULT);
        char *t = title_of(doc);
        cmark_node_free(doc);
        free(md);
        if (t)
            return t;
    }
    return NULL;
}

int nb_page_write(NbPage *pg, FILE *out, const char *dir, const char *base,
                  NbDiag *d)
{
    if (pg->open)
        nb_page_statement_end(pg);
    W w;
    memset(&w, 0, sizeof w);
    w.pg = pg;
    w.out = out;
    w.dir = dir ? dir : "";
    w.base = base ? base : "page";
    w.d = d;
    if (pg->fmt == NB_PAGE_HTML) {
        char *t = page_title(pg);
        html_head(&w, t ? t : "nabla");
        free(t);
    }
    for (size_t i = 0; i < pg->nsrc; i++) {
        if (i && pg->src[i].len)
            fputs(pg->fmt == NB_PAGE_HTML ? "<hr class=\"source\">\n"
                                          : "---\n\n", out);
        w.s = &pg->src[i];
        w.code_a = w.code_b = 0;
        w.item_a = w.item_b = w.s->nst ? w.s->st[0].first : 0;
        write_source(&w);
        if (w.s->how)
            break;
    }
    if (pg->fmt == NB_PAGE_HTML)
        fputs("</main>\n</body>\n</html>\n", out);
    free(w.prose);
    if (fflush(out) != 0 || ferror(out))
        return -1;
    return w.err ? -1 : 0;
}
