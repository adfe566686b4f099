/* strbuf.h — the library's one growing string.
 *
 * An NbBuf starts as {0}. Appends grow it (through alloc.h: they never
 * fail); once it would pass NB_MAX_PRINT_BYTES (limits.h) it ends in
 * "..." and later appends are dropped, since a printed DAG is a tree and
 * may be exponentially larger than the DAG. nb_buf_finish hands over the
 * string (the caller frees it) and leaves the buffer empty; nb_buf_free
 * drops it.
 */
#ifndef NABLA_UTIL_STRBUF_H
#define NABLA_UTIL_STRBUF_H

#include <stddef.h>

#include "util/alloc.h"

typedef struct NbBuf {
    char *s;
    size_t len, cap;
    int full; /* NB_MAX_PRINT_BYTES reached: later appends are dropped */
} NbBuf;

NB_INTERNAL void nb_buf_put(NbBuf *b, const char *s);
NB_INTERNAL void nb_buf_putn(NbBuf *b, const char *s, size_t n);
NB_INTERNAL void nb_buf_putc(NbBuf *b, char c);
/* 1 when n more bytes fit; else the buffer ends in "..." as an append
 * past the limit ends it, and 0. A caller asks before it builds text
 * that could not be written anyway (a number of a million digits). */
NB_INTERNAL int nb_buf_fits(NbBuf *b, size_t n);
NB_INTERNAL void nb_buf_printf(NbBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
NB_INTERNAL char *nb_buf_finish(NbBuf *b);
NB_INTERNAL void nb_buf_free(NbBuf *b);

#endif
