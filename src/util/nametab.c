/* nametab.c — names to values by open addressing (contract: nametab.h).
 *
 * Linear probing, load at most 1/2, FNV-1a hashes. Deletion shifts the
 * entries after the hole back (Knuth, TAOCP vol. 3, 6.4, Algorithm R), so
 * there are no tombstones and a probe stops at the first empty slot.
 */
#include "util/nametab.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_name(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return h ^ (h >> 29);
}

/* The slot holding name, or the empty slot where it would go. */
static size_t find(const NbNameTab *t, const char *name)
{
    size_t i = (size_t)hash_name(name) & (t->cap - 1);
    while (t->keys[i] && strcmp(t->keys[i], name) != 0)
        i = (i + 1) & (t->cap - 1);
    return i;
}

uintptr_t nb_nametab_get(const NbNameTab *t, const char *name)
{
    if (!t->cap)
        return 0;
    size_t i = find(t, name);
    return t->keys[i] ? t->vals[i] : 0;
}

static void grow(NbNameTab *t)
{
    NbNameTab g = {NULL, NULL, t->cap ? t->cap * 2 : 16, 0};
    g.keys = calloc(g.cap, sizeof *g.keys);
    g.vals = calloc(g.cap, sizeof *g.vals);
    if (!g.keys || !g.vals)
        abort();
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i])
            nb_nametab_put(&g, t->keys[i], t->vals[i]);
    free(t->keys);
    free(t->vals);
    *t = g;
}

void nb_nametab_put(NbNameTab *t, const char *name, uintptr_t val)
{
    if ((t->count + 1) * 2 > t->cap)
        grow(t);
    size_t i = find(t, name);
    if (!t->keys[i])
        t->count++;
    t->keys[i] = name;
    t->vals[i] = val;
}

void nb_nametab_del(NbNameTab *t, const char *name)
{
    if (!t->cap)
        return;
    size_t i = find(t, name), mask = t->cap - 1;
    if (!t->keys[i])
        return;
    t->keys[i] = NULL;
    t->count--;
    /* Algorithm R: move back every entry of the run after the hole whose
     * home slot does not lie cyclically in (hole, its slot]. */
    for (size_t j = (i + 1) & mask; t->keys[j]; j = (j + 1) & mask) {
        size_t home = (size_t)hash_name(t->keys[j]) & mask;
        int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays)
            continue;
        t->keys[i] = t->keys[j];
        t->vals[i] = t->vals[j];
        t->keys[j] = NULL;
        i = j;
    }
}

void nb_nametab_free(NbNameTab *t)
{
    free(t->keys);
    free(t->vals);
    t->keys = NULL;
    t->vals = NULL;
    t->cap = t->count = 0;
}
