/* descent_mpfr.c — the descent loops in MPFR at any precision:
 * descent_loop.h instantiated with mpfr_* calls, round to nearest. Vectors
 * are arrays of contiguous MPFR values (v + i), allocated once per run. */
#include <math.h>
#include <stdlib.h>
#include "nabla/eval.h"
#include "descent/descent_internal.h"
#include "descent/descent_search.h"
#include "util/alloc.h"

#define RND MPFR_RNDN
#define S mpfr_t
typedef mpfr_ptr Vec;
typedef mpfr_srcptr CVec;
#define E(v, i) ((v) + (i))
#define REF(s) (s)
#define TMP(a, k) mpfr_ptr a = L->t[k]
#define R_INIT(a) mpfr_init2((a), L->prec)
#define R_CLEAR(a) mpfr_clear(a)
#define R_SET(r, a) mpfr_set((r), (a), RND)
#define R_SET_D(r, v) mpfr_set_d((r), (v), RND)
#define R_SET_2EXP(r, e) mpfr_set_si_2exp((r), 1, (e), RND)
#define R_ADD(r, a, b) mpfr_add((r), (a), (b), RND)
#define R_SUB(r, a, b) mpfr_sub((r), (a), (b), RND)
#define R_MUL(r, a, b) mpfr_mul((r), (a), (b), RND)
#define R_DIV(r, a, b) mpfr_div((r), (a), (b), RND)
#define R_NEG(r, a) mpfr_neg((r), (a), RND)
#define R_SQRT(r, a) mpfr_sqrt((r), (a), RND)
#define R_ABS(r, a) mpfr_abs((r), (a), RND)
#define R_D(a) mpfr_get_d((a), RND)
#define R_LT(a, b) mpfr_less_p((a), (b))
#define R_EQ(a, b) mpfr_equal_p((a), (b))
#define R_FINITE(a) mpfr_number_p(a)
#define R_ISNAN(a) mpfr_nan_p(a)
#define VNEW(L, len) vnew((L)->prec, (len))
#define VFREE(L, v, len) vfree((v), (len))
#define OBJ_FG(L, x, f, g) ((L)->obj->fg_mpfr((L)->obj->ctx, (x), (f), (g)))
#define OBJ_HESS(L, x, h) ((L)->obj->hess_mpfr((L)->obj->ctx, (x), (h)))
#define HAS_HESS(L) ((L)->obj->hess_mpfr != NULL)
#define EPS_LOG2(L) (1.0 - (double)(L)->prec)
#define TRACE_PUSH(L, k, x, f, gn) trace_push_m((L), (k), (x), (f), (gn))

static mpfr_ptr vnew(mpfr_prec_t prec, size_t len)
{
    mpfr_ptr v = nb_xmalloc((len ? len : 1) * sizeof *v);
    for (size_t i = 0; i < len; i++) {
        mpfr_init2(v + i, prec);
        mpfr_set_zero(v + i, 1);
    }
    return v;
}

static void vfree(mpfr_ptr v, size_t len)
{
    for (size_t i = 0; i < len; i++)
        mpfr_clear(v + i);
    free(v);
}

struct Loop;
static void trace_push_m(struct Loop *L, long k, mpfr_srcptr x,
                         mpfr_srcptr f, mpfr_srcptr gn);

#include "descent/descent_loop.h"

static void trace_push_m(Loop *L, long k, mpfr_srcptr x, mpfr_srcptr f,
                         mpfr_srcptr gn)
{
    for (size_t i = 0; i < L->n; i++)
        L->xd[i] = mpfr_get_d(x + i, RND);
    nbi_trace_push(L->tr, k, L->xd, mpfr_get_d(f, RND), mpfr_get_d(gn, RND),
                   x, f, gn);
}

static void set_param(mpfr_ptr r, double v, mpfr_srcptr exact)
{
    if (exact)
        mpfr_set(r, exact, RND);
    else
        mpfr_set_d(r, v, RND);
}

int nbi_descent_loop_m(const NbObjective *obj, const NbDescentOpts *o,
                       const NbDescentExact *ex, mpfr_prec_t prec,
                       mpfr_srcptr start, Trace *tr, LoopStats *st,
                       NbDiag *d)
{
    if (!obj->fg_mpfr)
        return nb_diag_set(d, NB_ERR_ARGS,
                           "this objective cannot be evaluated in MPFR"), -1;
    static const NbDescentExact none;
    if (!ex)
        ex = &none;
    Loop L = {.obj = obj, .o = o, .n = obj->n, .prec = prec, .tr = tr,
              .st = st};
    loop_alloc(&L);
    set_param(L.rate, o->rate, ex->rate);
    set_param(L.beta, o->beta, ex->beta);
    set_param(L.beta1, o->beta1, ex->beta1);
    set_param(L.beta2, o->beta2, ex->beta2);
    set_param(L.eps, o->eps, ex->eps);
    int rc = loop_main(&L, start, d);
    loop_release(&L);
    return rc;
}
