/* nametab.h — a hash table from names to values: the session's variables
 * and functions, so that looking a name up costs the same with 200000
 * definitions as with 2.
 *
 * Keys are borrowed: each stays alive and unchanged while it is in the
 * table (the session's own copy of the name). Values are opaque integers
 * (an index, or a pointer as uintptr_t).
 */
#ifndef NABLA_NAMETAB_H
#define NABLA_NAMETAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct NbNameTab {
    const char **keys;   /* NULL: empty slot */
    uintptr_t *vals;
    size_t cap, count;   /* cap: 0 or a power of two */
} NbNameTab;

#define NB_NAMETAB_INIT {NULL, NULL, 0, 0}

/* The value of name; 0 when name is absent (store values that are never
 * 0: an index + 1, a pointer). */
uintptr_t nb_nametab_get(const NbNameTab *t, const char *name);
/* Bind name to val (val != 0), replacing any value it had. */
void nb_nametab_put(NbNameTab *t, const char *name, uintptr_t val);
/* Remove name when present. */
void nb_nametab_del(NbNameTab *t, const char *name);
void nb_nametab_free(NbNameTab *t);

#endif
