/* strbuf.c — the library's one growing string (contract: strbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/limits.h"
#include "util/strbuf.h"

static void buf_reserve(NbBuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = nb_xrealloc(b->s, cap);
    b->cap = cap;
}

/* The end of a buffer that reached NB_MAX_PRINT_BYTES. */
static void cut(NbBuf *b)
{
    b->full = 1;
    buf_reserve(b, 3);
    memcpy(b->s + b->len, "...", 4);
    b->len += 3;
}

int nb_buf_fits(NbBuf *b, size_t n)
{
    if (b->full)
        return 0;
    if (b->len + n > (size_t)NB_MAX_PRINT_BYTES) {
        cut(b);
        return 0;
    }
    return 1;
}

void nb_buf_putn(NbBuf *b, const char *s, size_t n)
{
    if (!nb_buf_fits(b, n))
        return;
    buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void nb_buf_put(NbBuf *b, const char *s) { nb_buf_putn(b, s, strlen(s)); }
void nb_buf_putc(NbBuf *b, char c) { nb_buf_putn(b, &c, 1); }

void nb_buf_printf(NbBuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        nb_buf_putn(b, small, (size_t)n);
        return;
    }
    char *big = nb_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    nb_buf_putn(b, big, (size_t)n);
    free(big);
}

char *nb_buf_finish(NbBuf *b)
{
    buf_reserve(b, 0);
    char *s = b->s;
    s[b->len] = 0;
    b->s = NULL;
    b->len = b->cap = 0;
    b->full = 0;
    return s;
}

void nb_buf_free(NbBuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->full = 0;
}
