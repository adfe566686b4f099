/* same_descent.h — do two descent results agree bit for bit: counters,
 * verdict and every trace point? For the tests that run one descent two
 * ways (fast path and generic loop, JIT and interpreter). */
#ifndef NABLA_TEST_SAME_DESCENT_H
#define NABLA_TEST_SAME_DESCENT_H

#include <string.h>
#include "nabla/descent.h"

static int same_result(const NbDescentResult *a, const NbDescentResult *b)
{
    if (!a || !b || a->npts != b->npts || a->steps != b->steps ||
        a->verdict != b->verdict || a->stop != b->stop ||
        a->fevals != b->fevals || a->gevals != b->gevals ||
        a->reversals != b->reversals || a->at_step != b->at_step ||
        a->window_reversals != b->window_reversals || a->stride != b->stride ||
        a->window != b->window ||
        memcmp(&a->grad_ratio, &b->grad_ratio, sizeof(double)) ||
        memcmp(&a->f0, &b->f0, sizeof(double)) ||
        memcmp(&a->grad0, &b->grad0, sizeof(double)))
        return 0;
    for (size_t i = 0; i < a->npts; i++) {
        if (a->pt_step[i] != b->pt_step[i] ||
            memcmp(&a->pt_f[i], &b->pt_f[i], sizeof(double)) ||
            memcmp(&a->pt_g[i], &b->pt_g[i], sizeof(double)))
            return 0;
        for (size_t j = 0; j < a->n; j++)
            if (memcmp(&a->pt_x[i * a->n + j], &b->pt_x[i * a->n + j],
                       sizeof(double)))
                return 0;
    }
    return 1;
}

#endif
