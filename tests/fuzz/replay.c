/* replay.c — a main for a fuzz harness outside libFuzzer: `make check`
 * builds each harness with it (tests/unit/test_fuzz_*) and replays
 *   each file of tests/fuzz/regress/HARNESS: the minimised findings of
 *   past runs, each a regression test;
 *   the lines of the scripts in tests/cases and examples (one expression
 *   each: fuzz_roundtrip and fuzz_eval) or the scripts of tests/errors
 *   (whole: fuzz_script, fuzz_parse),
 * so the harnesses build and hold their properties in every build, under
 * valgrind too. A broken property aborts (fuzz_fail) with the input named
 * on stdout just before. Run from tests/ (tests/run.sh does), or with
 * files as arguments to replay just those.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static long inputs;

static void one(const char *what, const char *data, size_t size)
{
    printf("# %s\n", what);
    fflush(stdout);
    LLVMFuzzerTestOneInput((const uint8_t *)data, size);
    inputs++;
}

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            buf = realloc(buf, cap *= 2);
    fclose(f);
    *size = n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each file of dir whose name ends in suffix ("" any), sorted by name:
 * whole (lines == 0) or line by line, blank lines and comments left out. */
static void each_file(const char *dir, const char *suffix, int lines)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[4096];
    size_t n = 0;
    struct dirent *de;
    size_t ls = strlen(suffix);
    while ((de = readdir(d)) && n < 4096) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] != '.' && l >= ls && strcmp(de->d_name + l - ls, suffix) == 0)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096], what[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t size;
        char *text = slurp(path, &size);
        if (text && !lines) {
            one(path, text, size);
        } else if (text) {
            for (size_t at = 0, k = 1; at < size; k++) {
                size_t end = at;
                while (end < size && text[end] != '\n')
                    end++;
                size_t s = at;
                while (s < end && (text[s] == ' ' || text[s] == '\t'))
                    s++;
                if (s < end && text[s] != '#') {
                    snprintf(what, sizeof what, "%s:%zu", path, k);
                    one(what, text + at, end - at);
                }
                at = end + 1;
            }
        }
        free(text);
        free(names[i]);
    }
}

int main(int argc, char **argv)
{
    const char *name = strrchr(argv[0], '/');
    name = name ? name + 1 : argv[0];
    if (strncmp(name, "test_", 5) == 0)
        name += 5;
    int nfiles = argc - 1;
    char **files = argv + 1;
    if (LLVMFuzzerInitialize) /* may rewrite argv (fuzz_script.c) */
        LLVMFuzzerInitialize(&argc, &argv);
    if (nfiles > 0) {
        for (int i = 0; i < nfiles; i++) {
            size_t size;
            char *text = slurp(files[i], &size);
            if (!text) {
                printf("FAIL %s: cannot read %s\n", name, files[i]);
                return 1;
            }
            one(files[i], text, size);
            free(text);
        }
        printf("PASS %s: %ld inputs\n", name, inputs);
        return 0;
    }
    char dir[256];
    snprintf(dir, sizeof dir, "fuzz/regress/%s", name);
    each_file(dir, "", 0);
    long regress = inputs;
    if (strcmp(name, "fuzz_roundtrip") == 0 || strcmp(name, "fuzz_eval") == 0) {
        each_file("cases", ".nabla", 1);
        each_file("../examples", ".nabla", 1);
    } else {
        each_file("errors", ".nabla", 0);
    }
    printf("%s %s: %ld regression inputs and %ld lines or scripts of the "
           "suite hold the harness's properties\n",
           inputs > regress ? "PASS" : "FAIL", name, regress, inputs - regress);
    return inputs > regress ? 0 : 1;
}
