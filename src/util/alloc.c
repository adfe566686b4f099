/* alloc.c — the library's one allocator (contract: alloc.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* The one place the library gives up: nothing sane can be returned. */
static void *must(void *p)
{
    if (!p)
        abort();
    return p;
}

void *nb_xmalloc(size_t n) { return must(malloc(n ? n : 1)); }

void *nb_xcalloc(size_t count, size_t size)
{
    return must(calloc(count ? count : 1, size ? size : 1));
}

void *nb_xrealloc(void *p, size_t n) { return must(realloc(p, n ? n : 1)); }

void *nb_xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        abort();
    return nb_xrealloc(p, count * size);
}

void *nb_xaligned_alloc(size_t align, size_t n)
{
    size_t m = (n ? n : 1) + align - 1;
    if (m < n)
        abort();
    return must(aligned_alloc(align, m - m % align));
}

FILE *nb_xmemstream(char **buf, size_t *len)
{
    return must(open_memstream(buf, len));
}

char *nb_xvasprintf(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    return s;
}

char *nb_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = nb_xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

char *nb_xstrdup(const char *s) { return nb_xstrndup(s, strlen(s)); }

char *nb_xstrndup(const char *s, size_t n)
{
    char *t = nb_xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = 0;
    return t;
}
