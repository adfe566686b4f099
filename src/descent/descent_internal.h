/* descent_internal.h — what the descent files share: the raw stop reason a
 * loop reports, the trace it records and the two loop instances (descent_double.c, descent_mpfr.c built from
 * descent_loop.h). The trace is descent_trace.c's.
 *
 * Ownership: a Trace owns its arrays until nbi_trace_move() hands them to a
 * result; LoopStats holds no pointers.
 */
#ifndef NABLA_DESCENT_INTERNAL_H
#define NABLA_DESCENT_INTERNAL_H

#include <stddef.h>
#include <mpfr.h>
#include "nabla/compile.h"
#include "nabla/descent.h"

#define NB_GRING 64      /* ring of |grad| values, a power of two > OSC_WINDOW */

typedef struct LoopStats {
    NbStop stop;
    int up, down;        /* consecutive increases / decreases of f */
    long k;              /* steps done */
    long fevals, gevals, hevals, fallbacks, reversals;
    unsigned long long revbits; /* bit i: step k-i reversed direction */
    double gring[NB_GRING];     /* |grad| at step j in gring[j % NB_GRING] */
    double f0, g0;
    double xmax_abs;     /* max |x_i| at the stop (to tell overflow from domain) */
} LoopStats;

/* The recorded path. Points at step 0, base, 2*base, ... while there is room;
 * when NB_DESCENT_MAX_TRACE points are held, the stride grows (x2, then x5,
 * alternately: base times 1, 2, 10, 20, 100, ...) and the points off it are
 * dropped, so memory stays bounded for any number of steps. */
typedef struct Trace {
    size_t n, npts, cap;
    long base;           /* the user's every (1 when automatic) */
    long stride;         /* current recording stride, base * {1,2} * 10^j */
    long next;           /* next step to record */
    size_t room;         /* npts below this: a push is a plain append (no
                            thinning, growing or mapping; 0 for MPFR) */
    size_t mapped;       /* entries prefaulted (reserved traces), else cap */
    long *step;
    double *x, *f, *g;
    mpfr_prec_t prec;    /* 0 for double runs */
    mpfr_ptr mx, mf, mg; /* MPFR copies (npts*n, npts, npts) */
} Trace;

void nbi_trace_init(Trace *t, size_t n, long every, mpfr_prec_t prec);
void nbi_trace_free(Trace *t);
/* Room for every point a double run of `steps` steps records before the
 * trace thins (descent_trace.c). */
void nbi_trace_reserve(Trace *t, long steps);
/* Append step k unless it is the last recorded one; values as doubles and,
 * for MPFR runs, at full precision (mx/mf/mg may be NULL for double runs). */
void nbi_trace_push(Trace *t, long k, const double *x, double f, double g,
                    mpfr_srcptr mx, mpfr_srcptr mf, mpfr_srcptr mg);
/* Give the arrays to r (pt_*, m_*, npts, stride); t is empty after. */
void nbi_trace_move(Trace *t, NbDescentResult *r);

/* The [f, grad_1, ..., grad_n] program of an objective compiled from an
 * expression with its symbolic gradient in double (descent_objective.c),
 * or NULL: descent_double.c runs it in place of the fg callback. */
const NbProgram *nbi_objective_fg_program(const NbObjective *obj);

/* Set (tests only) to run gd through the generic loop instead of the
 * specialised double one, to check that the two agree. */
extern int nbi_descent_no_fast;

/* The two loop instances. start: n doubles / n contiguous MPFR values.
 * Return 0, or -1 with d set (newton without a Hessian). */
int nbi_descent_loop_d(const NbObjective *obj, const NbDescentOpts *o,
                       const double *start, Trace *tr, LoopStats *st,
                       NbDiag *d);
int nbi_descent_loop_m(const NbObjective *obj, const NbDescentOpts *o,
                       const NbDescentExact *ex, mpfr_prec_t prec,
                       mpfr_srcptr start, Trace *tr, LoopStats *st,
                       NbDiag *d);

/* Verdict rules: fill r->verdict, r->kind, eig, ... from the stop reason
 * and the Hessian at the start and the end (descent_verdict.c). */
void nbi_descent_decide(const NbObjective *obj, const NbDescentOpts *o,
                        const LoopStats *st, NbDescentResult *r);

#endif
