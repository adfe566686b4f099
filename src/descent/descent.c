/* descent.c — descent entry points: options, method names, a run from
 * trace to verdict. The loops are in descent_double.c and descent_mpfr.c
 * (descent_loop.h), the trace in descent_trace.c, the verdict rules in
 * descent_verdict.c, the line searches in descent_search.c, objectives
 * compiled from expressions in descent_objective.c. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/compile.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "descent/descent_internal.h"
#include "util/alloc.h"

/* ORDER NB_DESCENT */
static const char *const method_names[NB_DESCENT__COUNT] = {
    "gd", "momentum", "nesterov", "adam", "backtracking", "newton", "bfgs",
};

const char *nb_descent_method_name(NbDescentMethod m)
{
    return (unsigned)m < NB_DESCENT__COUNT ? method_names[m] : "?";
}

int nb_descent_method_lookup(const char *name)
{
    for (int i = 0; i < NB_DESCENT__COUNT; i++)
        if (strcmp(name, method_names[i]) == 0)
            return i;
    return -1;
}

void nb_descent_opts_default(NbDescentOpts *o)
{
    *o = (NbDescentOpts){
        .method = NB_DESCENT_GD, .steps = 1000, .every = 0, .numeric = 0,
        .rate = 0.1, .tol = 1e-10, .beta = 0.9, .beta1 = 0.9,
        .beta2 = 0.999, .eps = 1e-8, .c = 1e-4, .shrink = 0.5, .h = 0,
    };
}

long nb_descent_auto_every(long steps, long stride)
{
    static const long mant[3] = {1, 2, 5};
    long every = 1;
    for (long p = 1; p <= 1000000000000000000L / 10; p *= 10) {
        int found = 0;
        for (int i = 0; i < 3 && !found; i++) {
            every = mant[i] * p;
            found = steps / every + (steps % every != 0) <= 15;
        }
        if (found)
            break;
    }
    if (stride > 1 && every % stride)
        every = (every / stride + 1) * stride;
    return every;
}

/* --- running ------------------------------------------------------------ */

static NbDescentResult *finish(const NbObjective *obj, const NbDescentOpts *o,
                               Trace *tr, const LoopStats *st, long prec)
{
    NbDescentResult *r = nb_xcalloc(1, sizeof *r);
    r->n = obj->n;
    r->prec = prec;
    r->method = o->method;
    r->rate = o->rate;
    r->tol = o->tol;
    nbi_trace_move(tr, r);
    nbi_descent_decide(obj, o, st, r);
    return r;
}

NbDescentResult *nb_descent_run(const NbObjective *obj, const NbDescentOpts *o,
                                const double *start, NbDiag *d)
{
    Trace tr;
    LoopStats st = {0};
    nbi_trace_init(&tr, obj->n, o->every, 0);
    nbi_trace_reserve(&tr, o->steps);
    if (nbi_descent_loop_d(obj, o, start, &tr, &st, d) < 0) {
        nbi_trace_free(&tr);
        return NULL;
    }
    return finish(obj, o, &tr, &st, NB_PREC_DOUBLE);
}

NbDescentResult *nb_descent_run_mpfr(const NbObjective *obj,
                                     const NbDescentOpts *o,
                                     const NbDescentExact *ex,
                                     mpfr_prec_t prec, mpfr_srcptr start,
                                     NbDiag *d)
{
    Trace tr;
    LoopStats st = {0};
    nbi_trace_init(&tr, obj->n, o->every, prec);
    if (nbi_descent_loop_m(obj, o, ex, prec, start, &tr, &st, d) < 0) {
        nbi_trace_free(&tr);
        return NULL;
    }
    return finish(obj, o, &tr, &st, prec);
}

void nb_descent_result_free(NbDescentResult *r)
{
    if (!r)
        return;
    if (r->m_x) {
        for (size_t i = 0; i < r->npts; i++) {
            for (size_t j = 0; j < r->n; j++)
                mpfr_clear(r->m_x + i * r->n + j);
            mpfr_clear(r->m_f + i);
            mpfr_clear(r->m_g + i);
        }
    }
    free(r->m_x);
    free(r->m_f);
    free(r->m_g);
    free(r->pt_step);
    free(r->pt_x);
    free(r->pt_f);
    free(r->pt_g);
    free(r->eig);
    free(r->escape);
    free(r);
}
