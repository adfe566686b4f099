/* numdiff.h — numeric differentiation, the error-versus-h study and
 * gradient checks (SPEC §4, §9).
 *
 * This module owns:
 *   - the finite-difference methods (forward, backward, central, five-point),
 *     Ridders' extrapolation ("richardson") with an honest error estimate,
 *     and the complex step, each in hardware double and in MPFR at any
 *     precision (src/numeric/numdiff.c);
 *   - the h sweep of hstudy() with its exact reference and its
 *     truncation + rounding model (src/numeric/hstudy.c);
 *   - the commands nderiv, hstudy and gradcheck, and hstudy's log-log SVG
 *     (to="file.svg"), in src/cmd_numdiff.c.
 *
 * Every method sees the function through NbNdFunc: callbacks that evaluate a
 * real function of one real variable in double, MPFR, complex double and
 * MPC. NbNdProg adapts a compiled program (compile.h) to it, one variable
 * varying and the others fixed at a point, so all numeric work here runs
 * compiled code. A C caller can as well wrap its own C function.
 *
 * Steps: forward, backward, central and five-point compute the textbook
 * quotient with the h given (nodes fl(x0 + j*h), division by h: forward
 * (f(x0+h) - f(x0))/h), as hstudy's rows and NumPy do, so nderiv at an h
 * equals hstudy's row at that h bit for bit, in double and in MPFR (SPEC
 * §4); an h so small that x0 + h == x0 is an error (hstudy's rows show the
 * 0 the formula then gives). NB_ND_STEP_EXACT (nderiv's step="exact")
 * divides instead by the step actually taken, h' = fl(x0 + k*h) - x0 over
 * k (k the widest node), the usual trick that removes the representation
 * error of x0 + h from the quotient. Ridders
 * ("richardson") extrapolates central differences to h -> 0: in double
 * from steps h, 2h, ..., 12h for a range of base steps h (or the user's h
 * alone), keeping the entry with the smallest honest estimate; in MPFR
 * from h0/2^i, at as many extra bits as it needs, rounding once to the
 * result's precision; its first try, one Richardson step on T(h) and
 * T(2h) with h near 2^-(p/2), takes f(x0 +- h) - f(x0), f(x0 +- 2h) -
 * f(x0) by divided-difference arithmetic when f offers it
 * (eval_delta_mpfr: the increments come without cancellation, so p + 32
 * working bits do, and each built-in is evaluated once), else as values
 * at 1.5p + 19 bits. The complex step is Im f(x0 + i*h)/h with h rounded
 * down to a power of two: no cancellation, so h can be tiny (default 1e-20
 * in double, 2^-(p+8) at p bits).
 *
 * Error estimates (err arguments, NULL when not wanted): richardson gives an
 * estimate meant never to be below the actual error: in double, the
 * distance of the chosen tableau entry to its two parents (Numerical
 * Recipes) plus 3 sigma of the rounding noise carried through the
 * extrapolation weights (sigma per value: eps|f|/2, or the noise measured
 * from f's 6th differences when larger), widened when the best answers
 * from two base steps disagree; in MPFR, the same with the answer rounded
 * once to p bits (half an ulp added). On the reference set it is never
 * below the error and within 100x of it (errors floored at 2 ulp; see
 * tests/unit/test_numdiff.c). The other methods give |D(h) - D(2h)| /
 * (2^k - 1) for a method of order k plus the rounding term of the model,
 * an estimate only.
 *
 * Errors are values: functions return 0, or -1 with d set (NB_ERR_DOMAIN
 * when f is not finite at a node, naming the node; NB_ERR_ARGS for a bad
 * step or a method that cannot apply, e.g. complex-step on a function
 * without an analytic extension; NB_ERR_INTERRUPTED).
 *
 * Ownership: NbNdProg borrows its program (which must outlive it) and copies
 * the point; nb_nd_prog_free() releases it and every VM it made. NbHstudy is
 * owned by the caller and released with nb_hstudy_free(), which frees every
 * string in it. Nothing here prints.
 */
#ifndef NABLA_NUMDIFF_H
#define NABLA_NUMDIFF_H

#include <stddef.h>
#include <complex.h>
#include <mpfr.h>
#include <mpc.h>
#include "nabla/expr.h"
#include "nabla/diag.h"
#include "nabla/compile.h"

/* ORDER NB_ND: nb_nd_method_name() and the model in hstudy.c follow it. */
typedef enum NbNdMethod {
    NB_ND_FORWARD, NB_ND_BACKWARD, NB_ND_CENTRAL, NB_ND_FIVE_POINT,
    NB_ND_RICHARDSON, NB_ND_COMPLEX_STEP, NB_ND__COUNT
} NbNdMethod;

/* "forward", "backward", "central", "five-point", "richardson",
 * "complex-step". */
const char *nb_nd_method_name(NbNdMethod m);
/* The method named (also "five_point", "fivepoint", "complex_step",
 * "complex", "ridders"), or -1. */
int nb_nd_method_lookup(const char *name);
/* Order of the truncation error (1, 1, 2, 4, 0 for richardson, 2). */
int nb_nd_method_order(NbNdMethod m);

/* A real function of one real variable as the methods see it. eval_mpfr
 * rounds to r's precision, which is the working precision; eval_c and
 * eval_mpc are NULL when f has no analytic extension. eval_many_d, when
 * not NULL, sets y[i] = f(x[i]) for n points with eval_d's bits (block
 * evaluation: hstudy's sweeps); NULL means eval_d point by point.
 * eval_delta_mpfr, when not NULL, sets f0 = f(x) and df[k] = f(x + dx[k])
 * - f(x) for n small offsets, each increment to about the precision of
 * df[k] relative to itself (divided-difference arithmetic, compile.h's
 * nb_run_delta; f0 NULL when f(x) is not wanted), returning 0, or -1 when
 * it cannot (then nothing is promised and the methods evaluate values). */
typedef struct NbNdFunc {
    void *ctx;
    double (*eval_d)(void *ctx, double x);
    void (*eval_mpfr)(void *ctx, mpfr_ptr r, mpfr_srcptr x);
    double complex (*eval_c)(void *ctx, double complex z);
    void (*eval_mpc)(void *ctx, mpc_ptr r, mpc_srcptr z);
    void (*eval_many_d)(void *ctx, size_t n, const double *x, double *y);
    int (*eval_delta_mpfr)(void *ctx, mpfr_ptr f0, mpfr_ptr const *df,
                           mpfr_srcptr x, mpfr_srcptr const *dx, size_t n);
} NbNdFunc;

/* How a stencil method treats h (see "Steps" above). */
typedef enum NbNdStep { NB_ND_STEP_GIVEN, NB_ND_STEP_EXACT } NbNdStep;

/* Derivative of f at x0 in double. h <= 0 (or NaN) takes the method's
 * default: 1e-5; richardson chooses its own steps; complex-step 1e-20.
 * The _step form chooses how the stencil methods treat h; the plain one
 * takes NB_ND_STEP_GIVEN. */
int nb_nd_double(const NbNdFunc *f, double x0, double h, NbNdMethod m,
                 double *value, double *err, NbDiag *d);
int nb_nd_double_step(const NbNdFunc *f, double x0, double h, NbNdMethod m,
                      NbNdStep step, double *value, double *err, NbDiag *d);

/* Derivative of f at x0 in MPFR at the precision of value (err, when not
 * NULL, gets an estimate). h NULL takes the default (1e-5; richardson
 * automatic; complex-step 2^-(p+8)). x0 is used exactly as given. */
int nb_nd_mpfr(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
               NbNdMethod m, mpfr_ptr value, mpfr_ptr err, NbDiag *d);
int nb_nd_mpfr_step(const NbNdFunc *f, mpfr_srcptr x0, mpfr_srcptr h,
                    NbNdMethod m, NbNdStep step, mpfr_ptr value,
                    mpfr_ptr err, NbDiag *d);

/* A compiled program as an NbNdFunc: output 0 of p as a function of
 * variable var, the other variables fixed at point. The double point is
 * pointd[nvars]; pointm (may be NULL: taken from pointd) gives the MPFR
 * point, copied at its own precision. MPFR and MPC VMs are made on demand,
 * one per precision, and kept. */
typedef struct NbNdProg NbNdProg;
NbNdProg *nb_nd_prog_new(const NbProgram *p, const double *pointd,
                         mpfr_srcptr const *pointm);
void nb_nd_prog_free(NbNdProg *pf);
void nb_nd_prog_set_var(NbNdProg *pf, size_t var);
const NbNdFunc *nb_nd_prog_func(NbNdProg *pf);

/* Gradient check at one point (SPEC §4): claimed derivatives g[i] (program
 * g, output i = d f / d var i) against central differences of f with step h
 * in double. rel[i] = |a - n| / max(|a|, |n|, tau), where tau is the
 * rounding noise of the difference quotient, DBL_EPSILON * max|f| near the
 * point / h: a component below that noise is compared absolutely to it, so a
 * zero derivative is not failed for a 1e-20 numeric value. ok[i] is
 * rel[i] <= tol. Arrays have nb_program_nvars(f) entries. */
int nb_gradcheck_point(const NbProgram *f, const NbProgram *g,
                       const double *point, double h, double tol,
                       double *claimed, double *numeric, double *rel,
                       int *ok, NbDiag *d);

/* ---- hstudy (src/numeric/hstudy.c) --------------------------------------------- */

#define NB_HSTUDY_MAX_PRECS 16

/* The grid of h: hmax * 10^(-i*k/per_decade), i = 0, 1, ..., down to hmin,
 * each step a decimal with the significant digits of hmax (at least 3) --
 * the very number the h column prints, so nderiv(f, x0, h=THAT) gives the
 * row's value bit for bit. per_decade 0 (the default) means one row per k
 * decades with k = ceil(decades / NB_HSTUDY_ROWS), so a default study has
 * about NB_HSTUDY_ROWS rows per method at any precision (k = 1 up to 330
 * bits); a per_decade given means k = 1. */
#define NB_HSTUDY_ROWS 100

typedef struct NbHstudyOpts {
    double hmax, hmin;     /* 0: 1e-1 and about the epsilon of each precision */
    double lg_hmin;        /* log10(hmin) when not NaN (NaN by default): an
                              hmin below the range of doubles */
    int per_decade;        /* points per decade of h; 0: automatic (above) */
    unsigned methods;      /* bit (1u << NbNdMethod) per method; 0: all */
    size_t nprecs;         /* 0: double, 113, 256 */
    long precs[NB_HSTUDY_MAX_PRECS]; /* NB_PREC_DOUBLE (0) or MPFR bits */
    int digits;            /* significant digits of value strings; 0 shortest */
    /* Called after each row with rows done and the study's total (for a
     * progress line); may be NULL. */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
} NbHstudyOpts;

/* Numbers too small for a double (a 4096-bit study reaches h = 1e-1233)
 * are also kept as text printed from MPFR: the doubles are then 0 and the
 * text is what to show. A NULL text means "not available" (the model does
 * not apply; the quotient is undefined). */
typedef struct NbHstudyRow {
    double h;              /* the step asked for (0 below the double range) */
    char *h_text;          /* the step as the decimal it is */
    char *value;           /* the computed derivative, printed */
    double abs_error, rel_error;  /* rel_error is NAN when f'(x0) = 0 */
    char *abs_text, *rel_text;    /* 3 significant digits */
} NbHstudyRow;

typedef struct NbHstudySeries {
    long prec;             /* NB_PREC_DOUBLE or bits */
    NbNdMethod method;
    size_t nrows;
    NbHstudyRow *rows;
    double best_h, best_error;          /* observed minimum absolute error */
    double predicted_h, predicted_error;/* NAN where the model does not apply */
    char *best_h_text, *best_error_text;          /* as above, as text */
    char *predicted_h_text, *predicted_error_text;
    char *note;            /* why the model does not apply, or NULL */
} NbHstudySeries;

typedef struct NbHstudy {
    size_t nseries;
    NbHstudySeries *series;  /* per precision, then per method */
    char *exact;             /* f'(x0) printed at the highest precision */
    double exact_d;
    long ref_bits;           /* precision the reference was checked at */
    size_t nnotes;
    char **notes;            /* study-wide notes */
} NbHstudy;

void nb_hstudy_opts_default(NbHstudyOpts *o);

/* Study f (an expression in var) at x0 (a closed expression: exact values
 * are rounded to each precision). Symbolic derivatives f' (the reference),
 * f'', f''' and f^(5) (the model) come from diff.h. Fills *out (free it with
 * nb_hstudy_free, also after an error). A study of more than
 * NB_MAX_HSTUDY_ROWS rows in all, or at more than NB_MAX_HSTUDY_BITS, is
 * refused before any work (NB_ERR_TOO_LARGE, NB_ERR_PRECISION). */
int nb_hstudy_run(NbStore *st, const NbExpr *f, const NbExpr *var,
                  const NbExpr *x0, const NbHstudyOpts *o, NbHstudy *out,
                  NbDiag *d);
void nb_hstudy_free(NbHstudy *hs);

#endif
