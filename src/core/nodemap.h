/* nodemap.h — a hash map from expression nodes to pointers, for the walks
 * that memoise a result per node (diff.c: derivatives and group forms;
 * series/series.c: truncated series). Keys are nodes of one store
 * (compared by address, hashed by id and hash); values are the caller's,
 * never freed here. A map starts as {0}; nb_nodemap_free frees its table.
 */
#ifndef NABLA_CORE_NODEMAP_H
#define NABLA_CORE_NODEMAP_H

#include <stddef.h>

#include "nabla/expr.h"
#include "util/alloc.h"

typedef struct NbNodeMap {
    const NbExpr **keys;
    void **vals;
    size_t cap, count;
} NbNodeMap;

NB_INTERNAL void *nb_nodemap_get(const NbNodeMap *m, const NbExpr *k);
NB_INTERNAL void nb_nodemap_put(NbNodeMap *m, const NbExpr *k, void *v);
NB_INTERNAL void nb_nodemap_free(NbNodeMap *m);

#endif
