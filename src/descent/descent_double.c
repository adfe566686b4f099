/* descent_double.c — the descent loops in hardware double: descent_loop.h
 * instantiated with plain C arithmetic (see the macro list there). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/eval.h"
#include "descent/descent_internal.h"
#include "descent/descent_search.h"
#include "descent/gd_step.h"
#include "util/alloc.h"

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
    nbi_trace_push((L)->tr, (k), (x), (f), (gn), NULL, NULL, NULL)

_Static_assert(NBI_GD_RING == NB_GRING, "regs.h's ring is the loop's");
_Static_assert(NBI_GD_RUN == NB_DESCENT_GROW_RUN, "regs.h's runs are ours");

static double *vnew(size_t len)
{
    double *v = nb_xcalloc(len ? len : 1, sizeof *v);
    return v;
}

#include "descent/descent_loop.h"

int nbi_descent_no_fast;

/* The generic run() specialised to gd with the symbolic gradient in double:
 * the same stop rules, detectors and trace, in the same order. At step k
 * it tests every stop rule, records and reports, as run() does; then the
 * steps up to the next poll, trace point or stop are quiet (no rule can
 * fire) and run without these tests: gd_steps() (gd_step.h, the one
 * definition of a step) or, when the program has native code, the JIT's
 * loop, which does the same. The hot loop of descend() and of `make
 * bench`; tests/unit/test_descent.c and test_descent_vm.c check that it
 * matches run() exactly (every trace point, counter and verdict).
 *
 * e->p's [f, grad] program runs on the registers r: the new point is
 * written straight into the variable registers and f and the gradient are
 * read from the output registers, so no value makes a round trip through
 * the callback's arrays on the step-to-step dependency chain. */
static GD_INLINE void run_gd_fast(Loop *L, double *r, const GdEval *e,
                                  NbGdStepsFn native, const double *K)
{
    const NbDescentOpts *o = L->o;
    LoopStats *st = L->st;
    Trace *tr = L->tr;
    const size_t n = e->n;
    const uint32_t *out = e->out;
    const double tol = o->tol;
    const long steps = o->steps;
    int stop;
    long k;
    /* ss > sthr proves sqrt(ss) >= tol, so gn < tol is false: sthr >= tol^2
     * exactly (tol^2 rounded, then raised by far more than its rounding
     * error; a normal number for tol in [2^-500, 2^500]), and rounding to
     * nearest is monotone, so sqrt(ss) > tol rounds to a value >= tol.
     * Outside that range (or NaN), +inf: every step takes the exact test. */
    const double sthr = tol <= 0 ? 0
                        : tol >= 0x1p-500 && tol <= 0x1p500
                            ? tol * tol * (1 + 0x1p-50)
                            : INFINITY;
    for (size_t i = 0; i < n; i++)
        r[i] = L->xcur[i];
    gd_eval(e, r);
    double f = r[out[0]], ss = 0, gn;
    for (size_t i = 0; i < n; i++)
        ss += r[out[1 + i]] * r[out[1 + i]];
    gn = sqrt(ss);
    st->f0 = f;
    st->g0 = gn;
    NbGdRun *c = nb_xcalloc(1, sizeof *c + 3 * n * sizeof(double));
    *c = (NbGdRun){.rate = L->rate, .sthr = sthr, .dmax = DBL_MAX,
                   .grow = f + NB_DESCENT_GROW_FACTOR * (1 + fabs(f)),
                   .fall = f - NB_DESCENT_FALL_FACTOR * (1 + fabs(f)),
                   .stuck = NB_STOP_STUCK, .cycle = NB_STOP_CYCLE,
                   .f = f, .ss = ss, .pending = -1};
    memcpy(c->x, r, n * sizeof *r);     /* x(-1) = x(0) */
    for (k = 0;; k = c->k) {
        c->ring[k & (NBI_GD_RING - 1)] = c->ss;
        f = c->f;
        gn = sqrt(c->ss);
        if (k == tr->next)
            nbi_trace_push(tr, k, r, f, gn, NULL, NULL, NULL);
        if (!isfinite(f))
            stop = isnan(f) ? NB_STOP_F_NAN : NB_STOP_F_INF;
        else if (!isfinite(gn))
            stop = NB_STOP_G_NONFINITE;
        else if (gn < tol)
            stop = NB_STOP_GRAD;
        else if (c->up >= NB_DESCENT_GROW_RUN && f > c->grow)
            stop = NB_STOP_GROW;
        else if (c->down >= NB_DESCENT_GROW_RUN && f < c->fall)
            stop = NB_STOP_FALL;
        else if (c->pending >= 0)
            stop = (int)c->pending;
        else if (k >= steps)
            stop = NB_STOP_LIMIT;
        else if (k % NB_DESCENT_POLL == 0 && nb_interrupted)
            stop = NB_STOP_INTERRUPT;
        else
            stop = -1;
        if (stop < 0 && o->progress && k % NB_DESCENT_POLL == 0)
            o->progress(o->progress_ctx, k, f, gn);
        if (stop >= 0)
            break;
        /* quiet steps up to the next poll or the step limit, recording
         * the trace points they meet while the trace has room */
        long plim = (k / NB_DESCENT_POLL + 1) * NB_DESCENT_POLL;
        c->lim = plim < steps ? plim : steps;
        c->tnext = tr->next, c->tstride = tr->stride;
        c->tleft = tr->npts < tr->room ? (long)(tr->room - tr->npts) : 0;
        c->tstep = tr->step + tr->npts, c->tx = tr->x + tr->npts * n;
        c->tf = tr->f + tr->npts, c->tg = tr->g + tr->npts;
        if (native)
            native(r, c, K);
        else
            gd_steps(r, c, e);
        tr->npts = (size_t)(c->tstep - tr->step);
        tr->next = c->tnext;
    }
    /* the ring as run() leaves it: |grad| at the last NB_GRING steps */
    for (long j = k >= NB_GRING ? k - (NB_GRING - 1) : 0; j <= k; j++)
        st->gring[j & (NB_GRING - 1)] = sqrt(c->ring[j & (NB_GRING - 1)]);
    st->stop = (NbStop)stop;
    st->k = k;
    st->up = (int)c->up;
    st->down = (int)c->down;
    st->revbits = c->revbits;
    st->reversals = c->reversals;
    st->fevals = st->gevals = k + 1;
    nbi_trace_push(tr, k, r, f, gn, NULL, NULL, NULL);
    double xm = 0;
    for (size_t i = 0; i < n; i++)
        xm = fmax(xm, fabs(r[i]));
    st->xmax_abs = xm;
    free(c);
}

/* run_gd_fast with n a constant for the common small dimensions, so the
 * per-coordinate loops of the C steps unroll. Native steps for runs long
 * enough to repay compiling (regs.h). */
static void run_gd_sized(Loop *L, double *r, GdEval *e)
{
    const double *K = NULL;
    NbGdStepsFn native = e->p && L->o->steps >= (long)nbi_jit_after
                             ? nbi_gd_native(e->p, &K) : NULL;
    GdEval c = *e;
    switch (e->n) {
    case 1: c.n = 1; run_gd_fast(L, r, &c, native, K); break;
    case 2: c.n = 2; run_gd_fast(L, r, &c, native, K); break;
    case 3: c.n = 3; run_gd_fast(L, r, &c, native, K); break;
    default: run_gd_fast(L, r, e, native, K); break;
    }
}

/* gd through the [f, grad] program on registers, or through the fg
 * callback with x, f and grad laid out as registers (gd_step.h). */
static void run_gd(Loop *L)
{
    const NbObjective *obj = L->obj;
    const size_t n = L->n;
    const NbProgram *p = nbi_objective_fg_program(obj);
    GdEval e = {.p = p, .fg = obj->fg, .ctx = obj->ctx, .n = n};
    uint32_t *cb_out = NULL;
    double *r;
    if (p) {
        e.out = nbi_program_outregs(p);
        r = vnew(nb_program_scratch(p));
    } else {
        cb_out = nb_xcalloc(n + 1, sizeof *cb_out);
        for (size_t o = 0; o <= n; o++)
            cb_out[o] = (uint32_t)(n + o);
        e.out = cb_out;
        r = vnew(2 * n + 1);
    }
    run_gd_sized(L, r, &e);
    free(cb_out);
    free(r);
}

int nbi_descent_loop_d(const NbObjective *obj, const NbDescentOpts *o,
                       const double *start, Trace *tr, LoopStats *st,
                       NbDiag *d)
{
    if (o->method == NB_DESCENT_GD && !o->numeric && !nbi_descent_no_fast) {
        Loop L = {.obj = obj, .o = o, .n = obj->n, .tr = tr, .st = st,
                  .rate = o->rate};
        loop_alloc(&L);
        L.xprev = L.xr[0];
        L.xcur = L.xr[1];
        L.xnew = L.xr[2];
        memcpy(L.xcur, start, obj->n * sizeof *start);
        run_gd(&L);
        loop_release(&L);
        return 0;
    }
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
