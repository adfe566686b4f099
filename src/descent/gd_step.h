/* gd_step.h — what a gd step is: the one C definition.
 *
 * gd takes x(k+1) = x(k) - rate*grad f(x(k)) and, after each step, updates
 * the detectors the stop rules read (a repeated point, a reversal of
 * direction, runs of rises and falls of f). gd_step() below is that step;
 * gd_steps() takes steps while they are quiet (no stop rule can fire), in
 * the contract of exec/regs.h (NbGdRun), which the JIT's native loop also
 * implements. Three users, one definition:
 *   - descent_double.c's gd loop calls gd_steps() when there is no native
 *     code (JIT off, not x86-64, more than 64 variables, fg callbacks);
 *   - with native code it calls the JIT's loop instead, which
 *     tests/unit/test_descent_vm.c holds to gd_steps() bit for bit, from
 *     the same states (every field of NbGdRun, the registers, the trace);
 *   - the generic loop (descent_loop.h, step_gd and watch_step), which the
 *     MPFR runs use, is checked against both by the same test.
 * The step rounds as the plain C loop x[i] - rate*g[i] rounds it.
 *
 * Evaluation: f and grad at the variable registers r[0..n) land in the
 * output registers r[out[0..n]], by the compiled [f, grad] program on the
 * registers (exec/regs.h), or, for an objective given as a C callback, by
 * fg(x = r, f = r + n, grad = r + n + 1) with out = {n, ..., 2n}.
 */
#ifndef NABLA_DESCENT_GD_STEP_H
#define NABLA_DESCENT_GD_STEP_H

#include <math.h>
#include <stddef.h>
#include "exec/regs.h"

#if defined(__GNUC__)
#define GD_INLINE inline __attribute__((always_inline))
#else
#define GD_INLINE inline
#endif

typedef struct GdEval {
    const NbProgram *p;    /* the [f, grad] program, or NULL: fg */
    void (*fg)(void *ctx, const double *x, double *f, double *g);
    void *ctx;
    const uint32_t *out;   /* registers of f, g_1, ..., g_n */
    size_t n;
} GdEval;

/* What changes from step to step besides the point (NbGdRun's fields). */
typedef struct GdState {
    double f, ss;                  /* f(k), |grad f(x(k))|^2 */
    long up, down, pending, reversals;
    unsigned long long revbits;
} GdState;

static GD_INLINE void gd_eval(const GdEval *e, double *r)
{
    if (e->p)
        nbi_run_double_regs(e->p, r);
    else
        e->fg(e->ctx, r, r + e->n, r + e->n + 1);
}

/* One gd step from x(k) in r[0..n), with x(k-1) in xp (x(0) at k = 0),
 * to x(k+1) in r[0..n); xk and xn are n doubles of scratch; xp holds x(k)
 * after. Codes: c's stuck and cycle. */
static GD_INLINE void gd_step(GdState *s, double *r, double *xp, double *xk,
                              double *xn, const NbGdRun *c, const GdEval *e)
{
    const size_t n = e->n;
    const uint32_t *out = e->out;
    /* the whole new point before any register changes: a gradient output
     * may be a variable's register (the gradient of x*y is [y, x]) */
    for (size_t i = 0; i < n; i++) {
        xk[i] = r[i];
        xn[i] = xk[i] - c->rate * r[out[1 + i]];
    }
    for (size_t i = 0; i < n; i++)
        r[i] = xn[i];
    /* detectors: x(k+1) == x(k) is a standstill, == x(k-1) a 2-cycle (at
     * k = 0, x(-1) = x(0), so the standstill is found first); a negative
     * sum of (x(k) - x(k-1)) * (x(k+1) - x(k)) a reversal */
    int same_cur = 1, same_prev = 1;
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        same_cur &= xn[i] == xk[i];
        same_prev &= xn[i] == xp[i];
        acc += (xk[i] - xp[i]) * (xn[i] - xk[i]);
        xp[i] = xk[i];
    }
    s->pending = same_cur ? c->stuck : same_prev ? c->cycle : -1;
    int rev = acc < 0;
    s->revbits = (s->revbits << 1) | (unsigned long long)rev;
    s->reversals += rev;
    gd_eval(e, r);
    double fnew = r[out[0]];
    s->up = s->f < fnew ? s->up + 1 : 0;
    s->down = fnew < s->f ? s->down + 1 : 0;
    s->f = fnew;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += r[out[1 + i]] * r[out[1 + i]];
    s->ss = ss;
}

/* No stop rule can fire at this point (regs.h's quiet test; NaN fails
 * every comparison). */
static GD_INLINE int gd_quiet(const GdState *s, const NbGdRun *c)
{
    return fabs(s->f) <= c->dmax && s->ss > c->sthr && s->ss <= c->dmax &&
           s->pending < 0 && !(s->up >= NBI_GD_RUN && s->f > c->grow) &&
           !(s->down >= NBI_GD_RUN && s->f < c->fall);
}

/* gd steps from c->k while they are quiet, below c->lim, recording the
 * trace points met while there is room: the contract of NbGdRun
 * (exec/regs.h), the JIT's gd entry in C. */
static GD_INLINE void gd_steps(double *r, NbGdRun *c, const GdEval *e)
{
    const size_t n = e->n;
    GdState s = {c->f, c->ss, c->up, c->down, c->pending, c->reversals,
                 c->revbits};
    double *xp = c->x, *xk = c->x + n, *xn = c->x + 2 * n;
    long k = c->k;
    for (;;) {
        gd_step(&s, r, xp, xk, xn, c, e);
        k++;
        c->ring[k & (NBI_GD_RING - 1)] = s.ss;
        if (!(k < c->lim && gd_quiet(&s, c)))
            break;
        if (k == c->tnext) {
            if (c->tleft <= 0)
                break;
            *c->tstep++ = k;
            for (size_t i = 0; i < n; i++)
                c->tx[i] = r[i];
            c->tx += n;
            *c->tf++ = s.f;
            *c->tg++ = sqrt(s.ss);
            c->tleft--;
            c->tnext += c->tstride;
        }
    }
    c->k = k;
    c->f = s.f, c->ss = s.ss;
    c->up = s.up, c->down = s.down, c->pending = s.pending;
    c->reversals = s.reversals, c->revbits = s.revbits;
}

#endif
