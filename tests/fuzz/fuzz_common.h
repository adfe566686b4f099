/* fuzz_common.h — what the libFuzzer harnesses of tests/fuzz share.
 *
 * A harness gets bytes, turns them into a NUL-terminated text, drives the
 * library through its public API, and calls fuzz_fail() when a property
 * the library promises does not hold: the message goes to stderr and the
 * process aborts, so libFuzzer saves the input as a crash-* artifact. A
 * crash, a sanitizer report, a leak, a timeout (-timeout=) and a run past
 * -rss_limit_mb= are findings too. Resources the harness itself chooses
 * (input length, how many numbers are read exactly, the node limit of
 * differentiation, precision) are bounded here, so that only the library's
 * own behaviour is reported.
 */
#ifndef NABLA_FUZZ_COMMON_H
#define NABLA_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a malloc'd NUL-terminated string (NUL bytes kept inside). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Report a broken property and stop: libFuzzer keeps the input. */
__attribute__((noreturn, format(printf, 1, 2)))
static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("==nabla-fuzz== property violated: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* A deterministic generator seeded from the input (FNV-1a), so a saved
 * input replays the same choices. */
typedef struct FuzzRng {
    uint64_t s;
} FuzzRng;

static inline FuzzRng fuzz_rng(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    return (FuzzRng){h | 1};
}

static inline unsigned fuzz_rnd(FuzzRng *r, unsigned n)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((r->s >> 33) % n);
}

/* /dev/null, opened once, for output nobody reads. */
static inline FILE *fuzz_devnull(void)
{
    static FILE *f;
    if (!f && !(f = fopen("/dev/null", "w")))
        abort();
    return f;
}

/* 1 when the input contains one of the comma-separated strings of
 * $NABLA_FUZZ_SKIP: a long run can step around a known finding that is
 * being fixed elsewhere (NABLA_FUZZ_SKIP=digits) instead of finding it
 * again and again. */
static inline int fuzz_skip_known(const uint8_t *data, size_t size)
{
    static const char *list;
    static int read;
    if (!read) {
        list = getenv("NABLA_FUZZ_SKIP");
        read = 1;
    }
    if (!list || !*list)
        return 0;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n && memmem(data, size, p, n))
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

#endif
