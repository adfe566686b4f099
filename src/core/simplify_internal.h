/* simplify_internal.h — helpers shared by simplify.c, simplify_fn.c and
 * expand.c. Not installed; not a contract for other modules.
 */
#ifndef NABLA_SIMPLIFY_INTERNAL_H
#define NABLA_SIMPLIFY_INTERNAL_H

#include "nabla/simplify.h"

/* A growable array that starts in a caller's stack buffer, so the common
 * small case costs no malloc. */
typedef struct NbArr {
    char *p;
    size_t n, cap, size;
    char *local;
} NbArr;

#define NB_ARR_INIT(buf)                                                   \
    {(char *)(buf), 0, sizeof(buf) / sizeof((buf)[0]), sizeof((buf)[0]),  \
     (char *)(buf)}

void *nb_arr_push(NbArr *a);
void nb_arr_free(NbArr *a);
#define NB_ARR_PUSH_NODE(a, e) (*(const NbExpr **)nb_arr_push(a) = (e))
#define NB_ARR_NODES(a) ((const NbExpr **)(a).p)

/* Stable merge sort, O(n) on sorted input and on two sorted runs. */
void nb_msort(void *v, size_t n, size_t sz,
              int (*cmp)(const void *, const void *));

const NbExpr *nb_zero(NbStore *st);
const NbExpr *nb_one(NbStore *st);
/* exp(a), the canonical form of e^a: exp(0) = 1, exp(1) = e (simplify.c;
 * nb_fn uses it for exp). */
const NbExpr *nb_exp(NbStore *st, const NbExpr *a);

/* Numeric folds of two NB_NUM/NB_FLT nodes; NULL when refused (size limit,
 * or NaN from finite operands). */
const NbExpr *nb_num_add(NbStore *st, const NbExpr *a, const NbExpr *b);
const NbExpr *nb_num_mul(NbStore *st, const NbExpr *a, const NbExpr *b);

int nb_is_float_zero(const NbExpr *e);
/* 0^e left unfolded (e < 0 or symbolic): evaluates to a division by zero. */
int nb_is_undefined(const NbExpr *e);

/* Numeric first factor of a product (NULL for 1) and the rest. */
const NbExpr *nb_split_coef(NbStore *st, const NbExpr *t,
                            const NbExpr **coef);

/* The bottom-up map of expand.c: every distinct node once, after its
 * children, with an explicit stack and a memo; stops (returning root) on ^C
 * or when the store's budget runs out. */
typedef struct NbMapOps {
    /* Replacement for e before its children are visited, or NULL. */
    const NbExpr *(*pre)(NbStore *, const NbExpr *e, void *ctx);
    /* The image of e given the images of its children. */
    const NbExpr *(*post)(NbStore *, const NbExpr *e,
                          const NbExpr *const *args, void *ctx);
    void *ctx;
} NbMapOps;
const NbExpr *nb_map_dag(NbStore *st, const NbExpr *root,
                         const NbMapOps *ops);
/* e's constructor applied to new children. */
const NbExpr *nb_rebuild(NbStore *st, const NbExpr *e,
                         const NbExpr *const *a);

#endif
