/* test_diag.c — diagnostics: the printed form of SPEC §8, and the rule that
 * every error code has a test case (tests/errors/<code>_*.nabla, or a
 * command-line test tests/cli/<code>*.sh for codes a file cannot provoke). */
#include "nabla/diag.h"
#include "check.h"

#include <dirent.h>

static char *print_to_string(const NbDiag *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    nb_diag_print(d, f);
    fclose(f);
    return buf;
}

static void test_format(void)
{
    const char *src = "a = 1\n    f(x = sin(x\n";
    NbDiag d = NB_DIAG_INIT;
    nb_diag_set(&d, NB_ERR_SYNTAX, "expected ')' to close '(' opened at column %d", 6);
    NbPos pos = {2, 11, 6};
    nb_diag_locate(&d, "script.nabla", pos, src, strlen(src));
    char *s = print_to_string(&d);
    CHECK_STR(s, "script.nabla:2:11: error: expected ')' to close '(' opened at column 6\n"
                 "        f(x = sin(x\n"
                 "              ^\n", "file:line:col, source line and caret");
    free(s);

    /* The innermost position wins: a second locate does not move it. */
    NbPos outer = {1, 1, 0};
    nb_diag_locate(&d, "other", outer, src, strlen(src));
    CHECK(d.pos.line == 2 && d.pos.col == 11, "first position kept");
    nb_diag_clear(&d);
    nb_diag_clear(&d);
    CHECK(d.code == NB_OK && d.msg == NULL, "clear is idempotent");

    nb_diag_set(&d, NB_ERR_IO, "cannot read '%s'", "x");
    s = print_to_string(&d);
    CHECK_STR(s, "nabla: error: cannot read 'x'\n", "no position: program name");
    free(s);
    nb_diag_clear(&d);

    /* A caret under a column after multi-byte characters counts code points. */
    const char *u = "π + $";
    nb_diag_set(&d, NB_ERR_SYNTAX, "unexpected character '$'");
    NbPos p2 = {1, 5, 0};
    nb_diag_locate(&d, "-e", p2, u, strlen(u));
    s = print_to_string(&d);
    CHECK_STR(s, "-e:1:5: error: unexpected character '$'\n    π + $\n        ^\n",
              "caret after UTF-8 text");
    free(s);
    nb_diag_clear(&d);
    /* A long line is cut to a window around the caret. */
    char longline[301];
    memset(longline, 'a', 300);
    longline[300] = '\0';
    longline[199] = '$';
    nb_diag_set(&d, NB_ERR_SYNTAX, "unexpected character '$'");
    NbPos p3 = {1, 200, 0};
    nb_diag_locate(&d, "-e", p3, longline, 300);
    s = print_to_string(&d);
    char want[400];
    snprintf(want, sizeof want,
             "-e:1:200: error: unexpected character '$'\n    ...%.*s$%.*s...\n    %*s^\n",
             60, longline, 59, longline, 63, "");
    CHECK_STR(s, want, "a long line is shown as a window around the caret");
    free(s);
    nb_diag_clear(&d);

    CHECK(nb_diag_set(NULL, NB_ERR_DOMAIN, "dropped") == NB_ERR_DOMAIN,
          "a NULL diag drops the error and returns the code");
}

/* 1 when dir holds a file starting with prefix and ending with suffix. */
static int has_case(const char *dir, const char *prefix, const char *suffix)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int found = 0;
    size_t lp = strlen(prefix), ls = strlen(suffix);
    for (struct dirent *e; !found && (e = readdir(dp));) {
        size_t n = strlen(e->d_name);
        found = n > lp + ls && strncmp(e->d_name, prefix, lp) == 0
                && strcmp(e->d_name + n - ls, suffix) == 0;
    }
    closedir(dp);
    return found;
}

static void test_every_code_has_a_case(void)
{
    for (int c = NB_ERR_SYNTAX; c < NB_ERR__COUNT; c++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s", nb_diag_code_name((NbErrCode)c));
        for (char *p = prefix; *p; p++)
            if (*p == '-')
                *p = '_';
        CHECK(strcmp(prefix, "?") != 0, "code %d has a name", c);
        char with_sep[70];
        snprintf(with_sep, sizeof with_sep, "%s_", prefix);
        int ok = has_case("errors", with_sep, ".nabla")
                 || has_case("cli", prefix, ".sh");
        CHECK(ok, "error code %s has a case in tests/errors or tests/cli", prefix);
    }
    CHECK(strcmp(nb_diag_code_name(NB_ERR__COUNT), "?") == 0, "out of range code");
}

int main(void)
{
    test_format();
    test_every_code_has_a_case();
    return check_done();
}
