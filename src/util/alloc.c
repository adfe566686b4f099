/* alloc.c — the library's one allocator (contract: alloc.h). */
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

char *nb_xstrdup(const char *s) { return nb_xstrndup(s, strlen(s)); }

char *nb_xstrndup(const char *s, size_t n)
{
    char *t = nb_xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = 0;
    return t;
}
