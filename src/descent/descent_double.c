/* descent_double.c — the descent loops in hardware double: descent_loop.h
 * instantiated with plain C arithmetic (see the macro list there). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/eval.h"
#include "descent/descent_internal.h"
#include "descent/descent_search.h"
#include "exec/compile_internal.h"
#include "exec/jit.h"

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

_Static_assert(NB_JIT_RING == NB_GRING, "jit.h's ring is the loop's");

static double *vnew(size_t len)
{
    double *v = calloc(len ? len : 1, sizeof *v);
    if (!v)
        abort();
    return v;
}

#include "descent/descent_loop.h"

int nbi_descent_no_fast;

/* The generic run() specialised to gd with the symbolic gradient in double:
 * the same stop rules, detectors and trace, in the same order, with the
 * state in locals instead of behind the Loop's pointers. The hot loop of
 * descend() and of `make bench`; tests/unit/test_descent.c and
 * test_descent_vm.c check that it matches run() exactly (every trace point,
 * counter and verdict).
 *
 * With p (an objective compiled from an expression), the [f, grad] program
 * runs on the registers r in place of the fg callback: the new point is
 * written straight into the variable registers and f and the gradient are
 * read from the output registers, so no value makes a round trip through
 * the callback's arrays on the step-to-step dependency chain. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

static ALWAYS_INLINE void run_gd_fast(Loop *L, const NbProgram *p, double *r,
                                      const size_t n, NbJitGdFn jit_gd)
{
    const NbDescentOpts *o = L->o;
    void (*fg)(void *, const double *, double *, double *) = L->obj->fg;
    void *ctx = L->obj->ctx;
    LoopStats *st = L->st;
    Trace *tr = L->tr;
    const double rate = L->rate, tol = o->tol;
    const long steps = o->steps;
    const uint32_t *out = p ? p->dbl.outreg : NULL;
    double *xp = L->xprev, *x = L->xcur, *xn = L->xnew;
    double *g = L->gv[0], *gnew = L->gv[1], f, fnew, ss = 0, gn;
    /* ss = |grad|^2, summed as run() sums it before its sqrt; |grad| itself
     * is taken only where it is used: at the steps that test every stop
     * rule, record or report (gn), and for the ring at the end (sring) */
    double sring_c[NB_GRING], *sring = sring_c;
    /* With jit_gd, native code takes the steps from the step label on,
     * while they are quiet (jit.h); this loop keeps the other steps, and
     * the point is read from the variable registers r[0..n). */
    NbGdRun *c = NULL;
    int up = 0, down = 0, pending = -1, stop;
    unsigned long long revbits = 0;
    long reversals = 0, k, lim = 0, plim = 0; /* plim: lim but trace points */
    int gvar = 0;   /* some gradient component sits in a variable register */
    /* ss > sthr proves sqrt(ss) >= tol, so gn < tol is false: sthr >= tol^2
     * exactly (tol^2 rounded, then raised by far more than its rounding
     * error; a normal number for tol in [2^-500, 2^500]), and rounding to
     * nearest is monotone, so sqrt(ss) > tol rounds to a value >= tol.
     * Outside that range (or NaN), +inf: every step takes the exact test. */
    const double sthr = tol <= 0 ? 0
                        : tol >= 0x1p-500 && tol <= 0x1p500
                            ? tol * tol * (1 + 0x1p-50)
                            : INFINITY;
    if (p) {
        for (size_t i = 0; i < n; i++)
            gvar |= out[1 + i] < n;
        for (size_t i = 0; i < n; i++)
            r[i] = x[i];
        nbi_run_double_regs(p, r);
        f = r[out[0]];
        for (size_t i = 0; i < n; i++)
            g[i] = r[out[1 + i]];
    } else {
        fg(ctx, x, &f, g);
    }
    for (size_t i = 0; i < n; i++)
        ss += g[i] * g[i];
    gn = sqrt(ss);
    st->f0 = f;
    st->g0 = gn;
    const double grow = f + NB_DESCENT_GROW_FACTOR * (1 + fabs(f));
    const double fall = f - NB_DESCENT_FALL_FACTOR * (1 + fabs(f));
    if (jit_gd) {
        c = calloc(1, sizeof *c + 3 * n * sizeof(double));
        if (!c)
            abort();
        *c = (NbGdRun){.rate = rate, .sthr = sthr, .dmax = DBL_MAX,
                       .grow = grow, .fall = fall};
        memcpy(c->x, x, n * sizeof *x);     /* x(-1) = x(0) */
        sring = c->ring;
        x = r;
    }
    for (k = 0;; k++) {
    top:
        sring[k & (NB_GRING - 1)] = ss;
        /* Below lim, step k is neither a trace point, a poll nor the step
         * limit: only the stop rules on f, |grad| and the detectors can
         * fire, and the filter lets through only steps where none does
         * (NaN fails every comparison). Any other step runs the rules in
         * full, in run()'s order. */
        if (k < lim && fabs(f) <= DBL_MAX && ss > sthr && ss <= DBL_MAX &&
            pending < 0 && !(up >= NB_DESCENT_GROW_RUN && f > grow) &&
            !(down >= NB_DESCENT_GROW_RUN && f < fall))
            goto step;
        gn = sqrt(ss);
        if (k == tr->next) {
            size_t i = tr->npts;
            if (i < tr->room) {   /* nbi_trace_push's plain append */
                tr->step[i] = k;
                for (size_t j = 0; j < n; j++)
                    tr->x[i * n + j] = x[j];
                tr->f[i] = f;
                tr->g[i] = gn;
                tr->npts = i + 1;
                tr->next = k + tr->stride;
            } else {
                nbi_trace_push(tr, k, x, f, gn, NULL, NULL, NULL);
            }
        }
        if (!isfinite(f))
            stop = isnan(f) ? NB_STOP_F_NAN : NB_STOP_F_INF;
        else if (!isfinite(gn))
            stop = NB_STOP_G_NONFINITE;
        else if (gn < tol)
            stop = NB_STOP_GRAD;
        else if (up >= NB_DESCENT_GROW_RUN && f > grow)
            stop = NB_STOP_GROW;
        else if (down >= NB_DESCENT_GROW_RUN && f < fall)
            stop = NB_STOP_FALL;
        else if (pending >= 0)
            stop = pending;
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
        plim = (k / NB_DESCENT_POLL + 1) * NB_DESCENT_POLL;
        if (plim > steps)
            plim = steps;
        lim = plim < tr->next ? plim : tr->next;
    step:
        if (c) {   /* the native loop records the trace points it meets */
            c->f = f, c->ss = ss, c->k = k, c->lim = plim;
            c->up = up, c->down = down, c->pending = -1;
            c->revbits = revbits, c->reversals = reversals;
            c->tnext = tr->next, c->tstride = tr->stride;
            c->tleft = tr->npts < tr->room ? (long)(tr->room - tr->npts) : 0;
            c->tstep = tr->step + tr->npts, c->tx = tr->x + tr->npts * n;
            c->tf = tr->f + tr->npts, c->tg = tr->g + tr->npts;
            jit_gd(r, c, p->kd);
            tr->npts = (size_t)(c->tstep - tr->step);
            tr->next = c->tnext;
            f = c->f, ss = c->ss, k = c->k;
            up = (int)c->up, down = (int)c->down, pending = (int)c->pending;
            revbits = c->revbits, reversals = c->reversals;
            goto top;       /* at step k, its ring slot written */
        }
        if (p) {
            if (gvar) {
                /* all of xn before any register: an output register is a
                 * variable's (the gradient of x*y is [y, x]) */
                for (size_t i = 0; i < n; i++)
                    xn[i] = x[i] - rate * r[out[1 + i]];
                for (size_t i = 0; i < n; i++)
                    r[i] = xn[i];
            } else {
                for (size_t i = 0; i < n; i++) {
                    double v = x[i] - rate * r[out[1 + i]];
                    xn[i] = v;
                    r[i] = v;
                }
            }
            nbi_run_double_regs(p, r);
            fnew = r[out[0]];
            for (size_t i = 0; i < n; i++)
                gnew[i] = r[out[1 + i]];
        } else {
            for (size_t i = 0; i < n; i++)
                xn[i] = x[i] - rate * g[i];
            fg(ctx, xn, &fnew, gnew);
        }
        int same_cur = 1, same_prev = k >= 1;
        double acc = 0;
        for (size_t i = 0; i < n; i++) {
            same_cur &= xn[i] == x[i];
            same_prev &= xn[i] == xp[i];
            acc += (x[i] - xp[i]) * (xn[i] - x[i]);
        }
        int rev = k >= 1 && acc < 0;
        revbits = (revbits << 1) | (unsigned long long)rev;
        reversals += rev;
        pending = same_cur ? NB_STOP_STUCK : same_prev ? NB_STOP_CYCLE : -1;
        up = f < fnew ? up + 1 : 0;
        down = fnew < f ? down + 1 : 0;
        double *t = xp;
        xp = x, x = xn, xn = t;
        t = g, g = gnew, gnew = t;
        f = fnew;
        ss = 0;
        for (size_t i = 0; i < n; i++)
            ss += g[i] * g[i];
    }
    /* the ring as run() leaves it: |grad| at the last NB_GRING steps */
    for (long j = k >= NB_GRING ? k - (NB_GRING - 1) : 0; j <= k; j++)
        st->gring[j & (NB_GRING - 1)] = sqrt(sring[j & (NB_GRING - 1)]);
    st->stop = (NbStop)stop;
    st->k = k;
    st->up = up;
    st->down = down;
    st->revbits = revbits;
    st->reversals = reversals;
    st->fevals = st->gevals = k + 1;
    nbi_trace_push(tr, k, x, f, gn, NULL, NULL, NULL);
    double xm = 0;
    for (size_t i = 0; i < n; i++)
        xm = fmax(xm, fabs(x[i]));
    st->xmax_abs = xm;
    free(c);
}

/* run_gd_fast with n a constant for the common small dimensions, so the
 * per-coordinate loops of the step unroll. */
static void run_gd_sized(Loop *L, const NbProgram *p, double *r)
{
    /* native steps for runs long enough to repay compiling (jit.h) */
    const NbJit *j = p && L->o->steps >= (long)nbi_jit_after
                         ? nbi_jit_prepare(p) : NULL;
    NbJitGdFn gd = j ? j->gd : NULL;
    switch (L->n) {
    case 1: run_gd_fast(L, p, r, 1, gd); break;
    case 2: run_gd_fast(L, p, r, 2, gd); break;
    case 3: run_gd_fast(L, p, r, 3, gd); break;
    default: run_gd_fast(L, p, r, L->n, gd); break;
    }
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
        const NbProgram *p = nbi_objective_fg_program(obj);
        double *r = p ? vnew(nb_program_scratch(p)) : NULL;
        run_gd_sized(&L, p, r);
        free(r);
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
