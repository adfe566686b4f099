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

#define NB_INTERNAL __attribute__((visibility("hidden")))

NB_INTERNAL void *nb_xmalloc(size_t n);
NB_INTERNAL void *nb_xcalloc(size_t count, size_t size);
NB_INTERNAL void *nb_xrealloc(void *p, size_t n);
NB_INTERNAL char *nb_xstrdup(const char *s);
NB_INTERNAL char *nb_xstrndup(const char *s, size_t n);

#endif
