/* descent_double.c — the descent loops in hardware double: descent_loop.h
 * instantiated with plain C arithmetic (see the macro list there). */
#include <math.h>
#include <stdlib.h>
#include "nabla/eval.h"
#include "descent_internal.h"

#define S double
typedef double *Vec;
typedef const double *CVec;
#define E(v, i) ((v)[i])
#define REF(s) (&(s))
#define TMP(a, k) double a
#define R_INIT(a) ((void)0)
#define R_CLEAR(a) ((void)0)
#define R_SET(r, a) ((r) = (a))
#define R_SET_D(r, v) ((r) = (v))
#define R_SET_2EXP(r, e) ((r) = ldexp(1.0, (int)(e)))
#define R_ADD(r, a, b) ((r) = (a) + (b))
#define R_SUB(r, a, b) ((r) = (a) - (b))
#define R_MUL(r, a, b) ((r) = (a) * (b))
#define R_DIV(r, a, b) ((r) = (a) / (b))
#define R_NEG(r, a) ((r) = -(a))
#define R_SQRT(r, a) ((r) = sqrt(a))
#define R_ABS(r, a) ((r) = fabs(a))
#define R_D(a) (a)
#define R_LT(a, b) ((a) < (b))
#define R_EQ(a, b) ((a) == (b))
#define R_FINITE(a) isfinite(a)
#define R_ISNAN(a) isnan(a)
#define VNEW(L, len) vnew(len)
#define VFREE(L, v, len) free(v)
#define OBJ_FG(L, x, f, g) ((L)->obj->fg((L)->obj->ctx, (x), (f), (g)))
#define OBJ_HESS(L, x, h) ((L)->obj->hess((L)->obj->ctx, (x), (h)))
#define HAS_HESS(L) ((L)->obj->hess != NULL)
#define EPS_LOG2(L) (-52.0)
#define TRACE_PUSH(L, k, x, f, gn) \
    nb__trace_push((L)->tr, (k), (x), (f), (gn), NULL, NULL, NULL)

static double *vnew(size_t len)
{
    double *v = calloc(len ? len : 1, sizeof *v);
    if (!v)
        abort();
    return v;
}

#include "descent_loop.h"

int nb__descent_loop_d(const NbObjective *obj, const NbDescentOpts *o,
                       const double *start, Trace *tr, LoopStats *st,
                       NbDiag *d)
{
    Loop L = {.obj = obj, .o = o, .n = obj->n, .tr = tr, .st = st};
    loop_alloc(&L);
    L.rate = o->rate;
    L.beta = o->beta;
    L.beta1 = o->beta1;
    L.beta2 = o->beta2;
    L.eps = o->eps;
    int rc = loop_main(&L, start, d);
    loop_release(&L);
    return rc;
}
