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

/* nb_simplify's rational-function rules (simplify_rat.c); NULL when the
 * rule does not apply. The cache (may be NULL) remembers pairs of bases
 * that do not cancel, for one nb_simplify call. */
typedef struct NbRatCache NbRatCache;
NbRatCache *nb_rat_cache_new(void);
void nb_rat_cache_free(NbRatCache *c);
const NbExpr *nb_simplify_cancel(NbStore *st, const NbExpr *mul,
                                 NbRatCache *cache);
const NbExpr *nb_simplify_together(NbStore *st, const NbExpr *sum,
                                   NbRatCache *cache);

#endif
