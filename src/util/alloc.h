/* alloc.h — the library's one allocator.
 *
 * nb_xmalloc, nb_xcalloc, nb_xrealloc and nb_xstrdup never return NULL:
 * when memory runs out they call abort(), as GMP and MPFR (which the
 * library cannot stop from doing so) do. Limits (limits.h) keep every
 * request that input controls far below what a machine has, so this is
 * the last line, not the way errors are reported. A zero size is taken as
 * one byte, so a valid pointer always comes back. Free with free().
 */
#ifndef NABLA_UTIL_ALLOC_H
#define NABLA_UTIL_ALLOC_H

#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

#define NB_INTERNAL __attribute__((visibility("hidden")))

NB_INTERNAL void *nb_xmalloc(size_t n);
NB_INTERNAL void *nb_xcalloc(size_t count, size_t size);
NB_INTERNAL void *nb_xrealloc(void *p, size_t n);
/* count*size bytes; a product past SIZE_MAX aborts like exhaustion */
NB_INTERNAL void *nb_xreallocarray(void *p, size_t count, size_t size);
/* aligned_alloc(3) of at least n bytes (rounded up to the alignment) */
NB_INTERNAL void *nb_xaligned_alloc(size_t align, size_t n);
/* open_memstream(3), which allocates too */
NB_INTERNAL FILE *nb_xmemstream(char **buf, size_t *len);
/* asprintf(3) and vasprintf(3) that return the string */
NB_INTERNAL char *nb_xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
NB_INTERNAL char *nb_xvasprintf(const char *fmt, va_list ap);
NB_INTERNAL char *nb_xstrdup(const char *s);
NB_INTERNAL char *nb_xstrndup(const char *s, size_t n);

#endif
