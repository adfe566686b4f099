/* nodemap.c — node -> pointer hash map (contract: nodemap.h): open
 * addressing with linear probing, at most half full. */
#include <stdlib.h>
#include <string.h>

#include "core/nodemap.h"

static size_t slot(const NbExpr *k, size_t cap)
{
    return ((size_t)k->id * 2654435761u ^ (size_t)k->hash) & (cap - 1);
}

static void grow(NbNodeMap *m)
{
    NbNodeMap g = {0};
    g.cap = m->cap ? m->cap * 2 : 16;
    g.keys = nb_xcalloc(g.cap, sizeof *g.keys);
    g.vals = nb_xcalloc(g.cap, sizeof *g.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            nb_nodemap_put(&g, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = g;
}

void *nb_nodemap_get(const NbNodeMap *m, const NbExpr *k)
{
    if (!m->cap)
        return NULL;
    for (size_t i = slot(k, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == k)
            return m->vals[i];
    return NULL;
}

void nb_nodemap_put(NbNodeMap *m, const NbExpr *k, void *v)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot(k, m->cap);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->count++;
    m->keys[i] = k;
    m->vals[i] = v;
}

void nb_nodemap_free(NbNodeMap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
