/* arena.c — bump allocation for one statement's syntax tree. */
#include "nabla/ast.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

struct NbArenaBlock {
    NbArenaBlock *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

enum { ARENA_BLOCK = 16384 };

void *nb_arena_alloc(NbArena *a, size_t size)
{
    size_t align = _Alignof(max_align_t);
    size = (size + align - 1) / align * align;
    NbArenaBlock *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = nb_xmalloc(sizeof *b + cap);
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *nb_arena_strndup(NbArena *a, const char *s, size_t n)
{
    char *p = nb_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void nb_arena_free(NbArena *a)
{
    NbArenaBlock *b = a->head;
    while (b) {
        NbArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
