/* descent.h — gradient descent and its relatives, with a computed verdict
 * (SPEC §5, §9).
 *
 * This module owns:
 *   - the optimisation loops: gd, momentum, nesterov, adam, backtracking
 *     (Armijo), newton (exact Hessian, line-searched, gradient fallback where
 *     the Hessian is not positive definite) and bfgs (strong Wolfe line
 *     search), in hardware double or in MPFR at any precision;
 *   - the path they leave (a trace of points, f and |grad|);
 *   - the verdict: what happened and why, from the numbers (converged to a
 *     minimum / stalled at a saddle, maximum or plateau / diverged / left the
 *     domain / oscillating / stopped at the step limit / interrupted).
 * The descend() command that parses arguments and prints tables is in
 * cmd_descent.c; it uses only this header.
 *
 * Two layers:
 *   1. nb_descent_run() descends any objective given as C callbacks
 *      (NbObjective): C programs that link libnabla can minimise their own
 *      functions.
 *   2. nb_objective_compile() makes an NbObjective from an expression: f and
 *      its symbolic gradient compiled together into one program (shared
 *      subexpressions once), the Hessian compiled on first use.
 *
 * Ownership: nb_objective_compile() returns an objective freed with
 * nb_objective_free(); it keeps a pointer to the store (which must outlive
 * it) only to build the Hessian lazily. nb_descent_run() returns a result the
 * caller frees with nb_descent_result_free(); the result owns every array in
 * it. Strings returned by nb_descent_verdict_text() are malloc'd, caller frees.
 */
#ifndef NABLA_DESCENT_H
#define NABLA_DESCENT_H

#include <stddef.h>
#include <mpfr.h>
#include "nabla/expr.h"
#include "nabla/diag.h"

/* ORDER NB_DESCENT: nb_descent_method_name() keeps a name for each. */
typedef enum NbDescentMethod {
    NB_DESCENT_GD,           /* x -= rate*g */
    NB_DESCENT_MOMENTUM,     /* v = beta*v + rate*g; x -= v (heavy ball) */
    NB_DESCENT_NESTEROV,     /* v = beta*v + g; x -= rate*(g + beta*v) */
    NB_DESCENT_ADAM,         /* Kingma & Ba 2015, bias-corrected */
    NB_DESCENT_BACKTRACKING, /* -g with Armijo backtracking from rate */
    NB_DESCENT_NEWTON,       /* -H^-1 g when H is positive definite, else -g;
                                Armijo line search from 1 (resp. rate) */
    NB_DESCENT_BFGS,         /* inverse-Hessian BFGS from the exact inverse
                                Hessian at the start (I when it is not
                                positive definite), strong Wolfe search */
    NB_DESCENT__COUNT
} NbDescentMethod;

const char *nb_descent_method_name(NbDescentMethod m);
/* Method for a name ("gd", "adam", ...), or -1. */
int nb_descent_method_lookup(const char *name);

typedef struct NbDescentOpts {
    NbDescentMethod method;
    long steps;     /* maximum number of updates (iterations) */
    long every;     /* record every N-th step; 0: all (auto rows later) */
    int numeric;    /* gradient by central differences of f */
    double rate;    /* step size; backtracking and newton start from it */
    double tol;     /* converged when |grad| < tol */
    double beta;    /* momentum, nesterov */
    double beta1, beta2, eps;   /* adam */
    double c, shrink;           /* Armijo sufficient decrease, step shrink */
    double h;       /* central-difference step; 0: 2^round(log2(eps)/3)*max(1,|x|) */
    /* Called every NB_DESCENT_POLL steps with the step and f and |grad|
     * there (as doubles); NULL: nothing. For a progress line. */
    void (*progress)(void *ctx, long step, double f, double gnorm);
    void *progress_ctx;
} NbDescentOpts;

/* rate 0.1, steps 1000, tol 1e-10, beta 0.9, beta1 0.9, beta2 0.999,
 * eps 1e-8, c 1e-4, shrink 0.5, every 0, h 0, method gd. */
void nb_descent_opts_default(NbDescentOpts *o);

/* For MPFR runs: parameters given exactly (0.1 at 256 bits is 1/10 to 256
 * bits, not the double nearest 0.1). NULL fields use the doubles of the
 * options. tol, c and shrink are thresholds and stay doubles. */
typedef struct NbDescentExact {
    mpfr_srcptr rate, beta, beta1, beta2, eps;
} NbDescentExact;

/* An objective f: R^n -> R. fg computes f and, when g is not NULL, the
 * gradient; hess fills the n*n Hessian (row-major) and returns 0, or -1
 * when it is unavailable. The _mpfr variants do the same at the precision
 * of their outputs, on arrays of contiguous MPFR values (x + i is x_i, h
 * has n*n); they may be NULL when only double runs are wanted. hess and
 * hess_mpfr may be NULL (no Hessian: a numeric one classifies the end
 * point; newton is refused). */
typedef struct NbObjective {
    size_t n;
    void *ctx;
    void (*fg)(void *ctx, const double *x, double *f, double *g);
    int (*hess)(void *ctx, const double *x, double *h);
    void (*fg_mpfr)(void *ctx, mpfr_srcptr x, mpfr_ptr f, mpfr_ptr g);
    int (*hess_mpfr)(void *ctx, mpfr_srcptr x, mpfr_ptr h);
    void (*free_ctx)(void *ctx);   /* called by nb_objective_free; may be NULL */
} NbObjective;

/* f over vars[0..nvars) compiled at prec (NB_PREC_DOUBLE or MPFR bits).
 * With symbolic_grad, f and its gradient are one program; otherwise only f
 * is compiled (for gradient="numeric"). Fails (NULL, d set) when f has a free
 * variable outside vars, or the gradient cannot be built. */
NbObjective *nb_objective_compile(NbStore *st, const NbExpr *f, size_t nvars,
                                  const NbExpr *const *vars, long prec,
                                  int symbolic_grad, NbDiag *d);
void nb_objective_free(NbObjective *obj);
/* Why the Hessian is unavailable (after hess returned -1), or NULL. */
const char *nb_objective_hess_error(const NbObjective *obj);

/* Why a loop stopped, before the verdict rules interpret it. */
typedef enum NbStop {
    NB_STOP_GRAD,        /* |grad| < tol */
    NB_STOP_F_INF,       /* f infinite */
    NB_STOP_F_NAN,       /* f nan */
    NB_STOP_G_NONFINITE, /* gradient inf or nan with f finite */
    NB_STOP_GROW,        /* f grew NB_DESCENT_GROW_RUN times in a row, past
                            f0 + NB_DESCENT_GROW_FACTOR*(1 + |f0|) */
    NB_STOP_FALL,        /* f fell as many times, below f0 - FALL_FACTOR*... */
    NB_STOP_CYCLE,       /* stateless method: x(k+1) == x(k-1) != x(k) */
    NB_STOP_STUCK,       /* x(k+1) == x(k): the step is below rounding */
    NB_STOP_LS_FAIL,     /* line search found no decrease */
    NB_STOP_LIMIT,       /* max steps */
    NB_STOP_INTERRUPT
} NbStop;

typedef enum NbVerdict {
    NB_VERDICT_CONVERGED,    /* |grad| < tol at a minimum or degenerate point */
    NB_VERDICT_SADDLE,       /* |grad| < tol, Hessian indefinite */
    NB_VERDICT_MAXIMUM,      /* |grad| < tol, Hessian negative definite */
    NB_VERDICT_PLATEAU,      /* |grad| < tol, Hessian ~ 0 */
    NB_VERDICT_DIVERGED,     /* f infinite, or growing without bound */
    NB_VERDICT_UNBOUNDED,    /* f falling without bound */
    NB_VERDICT_DOMAIN,       /* f or gradient nan: left the domain */
    NB_VERDICT_OSCILLATING,  /* exact 2-cycle, or reversals without progress */
    NB_VERDICT_NO_PROGRESS,  /* steps below rounding / line search failed */
    NB_VERDICT_STEP_LIMIT,   /* stopped at max steps */
    NB_VERDICT_INTERRUPTED,  /* nb_interrupted was set */
    NB_VERDICT__COUNT
} NbVerdict;

/* One word for tables and JSON: "converged", "saddle", "maximum",
 * "plateau", "diverged", "unbounded", "domain", "oscillating",
 * "no-progress", "step-limit", "interrupted". */
const char *nb_verdict_name(NbVerdict v);

/* Classification of a critical point by the Hessian's eigenvalues. */
typedef enum NbPointKind {
    NB_POINT_UNKNOWN,     /* no Hessian */
    NB_POINT_MINIMUM,     /* all eigenvalues > delta */
    NB_POINT_MAXIMUM,     /* all < -delta */
    NB_POINT_SADDLE,      /* some > delta, some < -delta */
    NB_POINT_DEGENERATE,  /* some |eigenvalue| <= delta, not all */
    NB_POINT_FLAT         /* all |eigenvalue| <= delta */
} NbPointKind;

const char *nb_point_kind_name(NbPointKind k);

/* Thresholds of the verdict rules (documented in descent_verdict.c). */
#define NB_DESCENT_EIG_REL 1e-8      /* delta = 1e-8 * max(1, max|eig|) */
#define NB_DESCENT_GROW_RUN 10       /* consecutive increases of f ... */
#define NB_DESCENT_GROW_FACTOR 1e3   /* ... and f > f0 + 1e3*(1 + |f0|) */
#define NB_DESCENT_FALL_FACTOR 1e10  /* f < f0 - 1e10*(1 + |f0|): unbounded */
#define NB_DESCENT_OSC_WINDOW 50     /* steps looked at for oscillation */
#define NB_DESCENT_OSC_SHARE 0.8     /* share of reversals that oscillates */
#define NB_DESCENT_OSC_SETTLE 0.9    /* |grad| ratio over the window: above
                                        it, the oscillation does not settle */
#define NB_DESCENT_MAX_TRACE 65536   /* points kept before thinning the trace */
#define NB_DESCENT_POLL 1024         /* steps between nb_interrupted polls */
#define NB_DESCENT_WOLFE_C2 0.1      /* bfgs curvature condition (GSL's 0.1) */

typedef struct NbDescentResult {
    size_t n;              /* variables */
    long prec;             /* NB_PREC_DOUBLE or MPFR bits of the run */
    NbDescentMethod method;
    double rate, tol;      /* the options' rate and tol, for the verdict */
    NbVerdict verdict;
    NbStop stop;           /* the raw reason the loop stopped */
    NbPointKind kind;      /* at the final point, when the Hessian is known */
    long steps;            /* updates done */
    long at_step;          /* where the verdict happened (cycle start, growth
                              start, ...); steps otherwise */
    long fevals, gevals, hevals;   /* f, gradient, Hessian evaluations */
    long fallbacks;        /* newton: iterations that used -g instead */
    long reversals;        /* steps that reversed the previous direction */
    double f0, grad0;      /* at the start */
    double grad_ratio;     /* |grad| now / |grad| OSC_WINDOW steps ago */
    double stable_rate;    /* largest stable rate at the start (gd: 2/lmax;
                              momentum, nesterov: their bounds); NAN if none */
    double lmax0;          /* largest Hessian eigenvalue at the start, or NAN */
    int have_eig;          /* eig and escape are filled */
    double *eig;           /* n eigenvalues of the final Hessian, ascending */
    double *escape;        /* unit eigenvector of eig[0] (descent direction
                              out of a saddle) */
    double newton_dist;    /* |H^-1 g| at the end when H is positive definite,
                              else NAN: distance to the critical point */
    /* The trace: step 0, then every `stride` recorded steps, and always the
     * last step. pt_x has npts*n doubles; the m_ arrays hold the same values
     * at prec bits for MPFR runs (NULL for double runs). */
    size_t npts;
    long stride;           /* recorded every stride-th step: every times
                              1, 2, 10, 20, 100, ... as the run grows */
    long *pt_step;
    double *pt_x, *pt_f, *pt_g;
    mpfr_ptr m_x, m_f, m_g;  /* contiguous: m_x + i*n + j */
    int hess_numeric;      /* eig came from a finite-difference Hessian */
    long window;           /* steps in the oscillation window (<= OSC_WINDOW) */
    long window_reversals; /* reversals among them */
} NbDescentResult;

/* Run one descent. start has obj->n values. Returns NULL with d set only on
 * bad options (NB_ERR_ARGS) or when the method needs what obj lacks (newton
 * without a Hessian); every numeric outcome, including interruption, is a
 * result with its verdict. */
NbDescentResult *nb_descent_run(const NbObjective *obj, const NbDescentOpts *o,
                                const double *start, NbDiag *d);
/* The same at prec bits; start holds n contiguous MPFR values (rounded to
 * prec). ex may be NULL. */
NbDescentResult *nb_descent_run_mpfr(const NbObjective *obj,
                                     const NbDescentOpts *o,
                                     const NbDescentExact *ex,
                                     mpfr_prec_t prec, mpfr_srcptr start,
                                     NbDiag *d);
void nb_descent_result_free(NbDescentResult *r);

/* Rows to print: the default `every` for a run of `steps` updates recorded
 * at `stride`: the smallest of 1, 2, 5, 10, 20, 50, ... with steps/every
 * <= 15 (so 11 to 17 rows), rounded up to a multiple of stride. */
long nb_descent_auto_every(long steps, long stride);

/* The one-line verdict, e.g. "converged at step 119: |grad| = 9.2e-11 <
 * tol 1e-10; minimum (Hessian eigenvalues 2, 2)". names: the n variable
 * names. Numbers are printed with 6 significant digits. */
char *nb_descent_verdict_text(const NbDescentResult *r,
                              const char *const *names);

/* Eigenvalues (ascending) and eigenvectors (columns of v, n*n row-major;
 * v may be NULL) of the symmetric n*n matrix a, by cyclic Jacobi. a is not
 * modified. */
void nb_symmetric_eigen(size_t n, const double *a, double *eig, double *v);

/* Classify a critical point from ascending eigenvalues (thresholds above). */
NbPointKind nb_classify_eigen(size_t n, const double *eig);

#endif
