/* test_table.c — tables in every format (src/print/table.c, contract in
 * include/nabla/table.h and SPEC §9): one table with a summary, a block
 * and a note printed as text, CSV, JSON Lines, HTML and Markdown, written
 * out by hand from the rules in table.h; and the cell helpers: JSON's
 * number grammar, JSON string escapes (RFC 8259), CSV quoting (RFC 4180),
 * HTML escapes, the verdict classes of notes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/table.h"
#include "check.h"

typedef void (*Writer)(FILE *out, const char *s);

/* What w writes for s. */
static char *written(Writer w, const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    w(m, s);
    fclose(m);
    return buf;
}

static void check_writer(Writer w, const char *name, const char *s, const char *want)
{
    char *got = written(w, s);
    CHECK_STR(got, want, "%s of \"%s\"", name, s);
    free(got);
}

static void test_cells(void)
{
    static const char *const nums[] = {"0", "-0", "12", "-3.25", "1e-5", "6.02E+23", "0.5e3"};
    static const char *const not[] = {"", "-", "01", "1.", ".5", "1e", "1e+", "inf", "nan",
                                      "1/3", "0x10", "+1", " 1"};
    int bad = 0;
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        bad += !nb_cell_is_number(nums[i]);
    for (size_t i = 0; i < sizeof not / sizeof *not; i++)
        bad += nb_cell_is_number(not[i]);
    CHECK(bad == 0, "JSON's number grammar: %zu numbers, %zu not (%d wrong)",
          sizeof nums / sizeof *nums, sizeof not / sizeof *not, bad);
    CHECK(nb_cell_is_missing("-") && nb_cell_is_missing("nan") && nb_cell_is_missing("-nan")
              && !nb_cell_is_missing("0") && !nb_cell_is_missing("inf"),
          "missing: -, nan and -nan; not 0 or inf");

    check_writer(nb_json_string, "JSON string", "a\"b\\c\n\r\t\b\f\001\x7f",
                 "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\x7f\"");
    check_writer(nb_json_string, "JSON string", "\xc3\xa9", "\"\xc3\xa9\"");
    check_writer(nb_json_value, "JSON value", "-2.5e3", "-2.5e3");
    check_writer(nb_json_value, "JSON value", "-", "null");
    check_writer(nb_json_value, "JSON value", "inf", "\"inf\"");
    check_writer(nb_json_value, "JSON value", "1/3", "\"1/3\"");
    check_writer(nb_csv_field, "CSV field", "plain", "plain");
    check_writer(nb_csv_field, "CSV field", "a,b", "\"a,b\"");
    check_writer(nb_csv_field, "CSV field", "say \"hi\"", "\"say \"\"hi\"\"\"");
    check_writer(nb_csv_field, "CSV field", " padded", "\" padded\"");
    check_writer(nb_csv_field, "CSV field", "two\nlines", "\"two\nlines\"");
    check_writer(nb_html_escape, "HTML", "<a href=\"x\">&'</a>",
                 "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");

    NbFormat f;
    CHECK(nb_format_parse("text", &f) == 0 && f == NB_FORMAT_TEXT
              && nb_format_parse("csv", &f) == 0 && f == NB_FORMAT_CSV
              && nb_format_parse("json", &f) == 0 && f == NB_FORMAT_JSON
              && nb_format_parse("html", &f) == -1 && nb_format_parse("JSON", &f) == -1,
          "formats: text, csv, json; html and markdown are page formats only");
    CHECK(nb_note_class("converged at step 3") && strcmp(nb_note_class("converged at step 3"), "ok") == 0
              && strcmp(nb_note_class("gradcheck: FAIL (1 of 2)"), "bad") == 0
              && strcmp(nb_note_class("stopped at the step limit"), "warn") == 0
              && nb_note_class("note: abs is not differentiable") == NULL,
          "note classes: ok, bad, warn, none");
    char *c = nb_cell("%d-%s", 7, "x");
    CHECK_STR(c, "7-x", "nb_cell formats");
    free(c);
}

/* Two columns, a missing cell, a block, a summary line and a note. */
static NbTable *sample(void)
{
    static const char *const cols[] = {"name", "value"};
    NbTable *t = nb_table_new("demo", 2, cols);
    nb_table_row(t, (const char *const[]){"a<b", "1.5"});
    nb_table_row(t, (const char *const[]){"c, d", "-"});
    nb_table_row(t, (const char *const[]){"e|f", "-20"});
    static const char *const bcols[] = {"k"};
    NbTable *b = nb_table_new("sub", 1, bcols);
    nb_table_row(b, (const char *const[]){"z"});
    nb_table_block(t, "extra", b);
    nb_table_summary(t, "best", "1.5");
    nb_table_note(t, "converged at step 2");
    return t;
}

static void print_as(NbFormat fmt, const char *want_out, const char *want_err,
                     const char *what)
{
    NbTable *t = sample();
    char *o = NULL, *e = NULL;
    size_t no = 0, ne = 0;
    FILE *out = open_memstream(&o, &no), *err = open_memstream(&e, &ne);
    nb_table_print(t, fmt, out, err);
    fclose(out);
    fclose(err);
    CHECK_STR(o, want_out, "%s: out", what);
    CHECK_STR(e, want_err, "%s: err", what);
    free(o);
    free(e);
    nb_table_free(t);
}

static void test_formats(void)
{
    /* text: two spaces between columns, a missing cell as - (which is
     * not a number, so this column is left-aligned: table.c right-aligns
     * a column whose every non-empty cell is a number, inf or nan), the
     * block after a blank line, then summary and note */
    print_as(NB_FORMAT_TEXT,
             "name  value\n"
             "a<b   1.5\n"
             "c, d  -\n"
             "e|f   -20\n"
             "\n"
             "k\n"
             "z\n"
             "best: 1.5\n"
             "converged at step 2\n",
             "", "text");
    /* CSV: RFC 4180 fields, a missing cell empty, the block with its
     * header after a blank line; summary and note on err */
    print_as(NB_FORMAT_CSV,
             "name,value\n"
             "a<b,1.5\n"
             "\"c, d\",\n"
             "e|f,-20\n"
             "\n"
             "k\n"
             "z\n",
             "best: 1.5\nconverged at step 2\n", "CSV");
    /* JSON Lines: one document, numbers bare, missing null, the block
     * under its key in summary, the notes in summary.notes */
    print_as(NB_FORMAT_JSON,
             "{\"command\":\"demo\",\"rows\":[{\"name\":\"a<b\",\"value\":1.5},"
             "{\"name\":\"c, d\",\"value\":null},{\"name\":\"e|f\",\"value\":-20}],"
             "\"summary\":{\"best\":1.5,\"extra\":[{\"k\":\"z\"}],"
             "\"notes\":[\"converged at step 2\"]}}\n",
             "", "JSON");
    /* HTML: a <table> in <div class="tbl">, numeric columns class "n"
     * (none here: "-" is not a number), the block as a table of its own,
     * the summary and the note as paragraphs, the note classed by its
     * verdict; markup characters escaped */
    print_as(NB_FORMAT_HTML,
             "<div class=\"tbl\"><table>\n<thead><tr><th>name</th><th>value</th></tr></thead>\n"
             "<tbody>\n<tr><td>a&lt;b</td><td>1.5</td></tr>\n<tr><td>c, d</td><td>-</td></tr>\n"
             "<tr><td>e|f</td><td>-20</td></tr>\n</tbody></table></div>\n"
             "<div class=\"tbl\"><table>\n<thead><tr><th>k</th></tr></thead>\n"
             "<tbody>\n<tr><td>z</td></tr>\n</tbody></table></div>\n"
             "<p class=\"sum\">best: 1.5</p>\n"
             "<p class=\"note ok\">converged at step 2</p>\n",
             "", "HTML");
    /* Markdown: pipe tables (the block after a blank line), | and <
     * escaped, the summary line with a hard break, the note quoted */
    print_as(NB_FORMAT_MARKDOWN,
             "| name | value |\n|:---|:---|\n| a\\<b | 1.5 |\n| c, d | - |\n| e\\|f | -20 |\n"
             "\n| k |\n|:---|\n| z |\n"
             "\nbest: 1.5  \n"
             "\n> converged at step 2\n",
             "", "Markdown");
}

/* A column of numbers, infinities and NaN is right-aligned; the header too. */
static void test_align(void)
{
    static const char *const cols[] = {"x", "f"};
    NbTable *t = nb_table_new("align", 2, cols);
    nb_table_row(t, (const char *const[]){"-1", "nan"});
    nb_table_row(t, (const char *const[]){"10", "-inf"});
    nb_table_row(t, (const char *const[]){"2.5", "1e-300"});
    char *o = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&o, &n);
    nb_table_print(t, NB_FORMAT_TEXT, out, stderr);
    fclose(out);
    CHECK_STR(o, "  x       f\n -1     nan\n 10    -inf\n2.5  1e-300\n", "numeric columns right-aligned");
    free(o);
    nb_table_free(t);
}

int main(void)
{
    test_cells();
    test_formats();
    test_align();
    return check_done();
}
