/* fuzz_script.c — libFuzzer harness: whole scripts through a session.
 *
 * The input is a script, run by nb_session_run in a fresh session (keep
 * going after errors, so every statement runs; echo on for one input in
 * two, as at the prompt), output to /dev/null and diagnostics to a memory
 * stream. A crash, a sanitizer report, a leak (the session is freed and
 * mpfr_free_cache called after each input), a run past libFuzzer's
 * -timeout or -rss_limit_mb is a finding, and so is:
 *   - a status other than 0, 1 or NB_SESSION_QUIT;
 *   - "(null)" in a diagnostic (a NULL string given to printf) when the
 *     script itself does not contain it.
 * Files: each script runs in a directory of its own under $TMPDIR (to=
 * writes pictures there, load reads them), emptied after each input; the
 * harness
 * skips scripts with a '/' inside a string, so no file outside it is
 * read or written.
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "nabla/nabla.h"
#include "nabla/session.h"
#include "fuzz_common.h"

static char workdir[256];
static int home = -1; /* the directory libFuzzer runs in (corpus paths) */

static void remove_workdir(void)
{
    if (workdir[0])
        rmdir(workdir);
}

/* Empty the working directory (pictures written by to=) and go back. */
static void leave_workdir(void)
{
    DIR *dir = opendir(".");
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir)))
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                unlink(de->d_name);
        closedir(dir);
    }
    if (fchdir(home) != 0)
        abort();
}

/* libFuzzer writes a crash-* input when the script fails, possibly while
 * it runs in workdir: make -artifact_prefix= (default ./) and
 * -exact_artifact_path= absolute. LLVMFuzzerInitialize runs before
 * libFuzzer parses its flags, so it may rewrite argv. */
static void absolute_artifacts(int *argc, char ***argv)
{
    static char *args[256];
    static char cwd[4096];
    static const char *const flags[] = {"-artifact_prefix=", "-exact_artifact_path="};
    if (*argc >= 255 || !getcwd(cwd, sizeof cwd))
        return;
    int n = 0, have_prefix = 0;
    for (int i = 0; i < *argc; i++) {
        args[n] = (*argv)[i];
        for (int f = 0; f < 2; f++) {
            size_t k = strlen(flags[f]);
            if (i > 0 && strncmp(args[n], flags[f], k) == 0) {
                have_prefix |= f == 0;
                if (args[n][k] != '/'
                    && asprintf(&args[n], "%s%s/%s", flags[f], cwd, (*argv)[i] + k) < 0)
                    abort();
            }
        }
        n++;
    }
    if (!have_prefix && asprintf(&args[n++], "%s%s/", flags[0], cwd) < 0)
        abort();
    args[n] = NULL;
    *argc = n;
    *argv = args;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    absolute_artifacts(argc, argv);
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/nabla-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir) || (home = open(".", O_RDONLY | O_DIRECTORY)) < 0) {
        perror("fuzz_script: working directory");
        abort();
    }
    atexit(remove_workdir);
    return 0;
}

/* 1 when a string literal of the script holds a '/' (a path outside the
 * working directory). Scans as lex.c does: '#' comments, "..." strings
 * with \" and \\ escapes, spanning lines. */
static int names_a_path(const char *s, size_t n)
{
    int in_string = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\' && i + 1 < n)
                i++;
            else if (c == '"')
                in_string = 0;
            else if (c == '/')
                return 1;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '#') {
            while (i + 1 < n && s[i + 1] != '\n')
                i++;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip_known(data, size))
        return 0;
    if (names_a_path((const char *)data, size))
        return 0;
    char *text = fuzz_text(data, size);
    char *errbuf = NULL;
    size_t errlen = 0;
    FILE *err = open_memstream(&errbuf, &errlen);
    if (!err)
        abort();
    NbSessionOpts o;
    nb_session_opts_default(&o);
    o.out = fuzz_devnull();
    o.err = err;
    o.keep_going = 1;
    o.quiet = 1;
    o.color = 0;
    o.echo = size > 0 && (data[0] & 1);
    o.plots = NB_PLOTS_OFF;
    if (chdir(workdir) != 0)
        abort();
    NbSession *s = nb_session_new(&o);
    int rc = nb_session_run(s, "fuzz", text, size);
    nb_session_free(s);
    leave_workdir();
    mpfr_free_cache();
    fclose(err);
    if (rc != 0 && rc != 1 && rc != NB_SESSION_QUIT)
        fuzz_fail("nb_session_run returned %d", rc);
    if (errbuf && strstr(errbuf, "(null)") && !memmem(data, size, "(null)", 6))
        fuzz_fail("\"(null)\" in a diagnostic:\n%s", errbuf);
    free(errbuf);
    free(text);
    return 0;
}
