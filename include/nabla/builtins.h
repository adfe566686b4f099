/* builtins.h — THE table of built-in functions.
 *
 * One row per built-in: everything a built-in is. Name, arity, double /
 * MPFR / complex evaluators, domain, help text and example, derivatives (as
 * formulas), LaTeX, C and MathML spellings, and the facts the simplifier
 * uses (sign, parity, exact values). A new built-in is a row (and its id in
 * NbFnId) plus its tests; functions whose simplification needs code (trig
 * at multiples of pi, abs of a product) also have rules in simplify_fn.c.
 * The parser's lowering, the evaluators, the compiler, the differentiator,
 * the printers, `help`, the docs and the tests all read this table.
 *
 * Some rows are spellings that lower to another form when an expression is
 * built (flag NB_BF_LOWERS): sqrt(x) is x^(1/2), ln is log, pow(a,b) is a^b,
 * log(x, b) is log(x)/log(b). Nodes of kind NB_FN never carry those ids.
 *
 * Ownership: the table is static and read-only.
 */
#ifndef NABLA_BUILTINS_H
#define NABLA_BUILTINS_H

#include <complex.h>
#include <mpfr.h>
#include <mpc.h>
#include "nabla/expr.h"

/* ORDER NB_FN: rows of nb_builtins[] are in this order. */
typedef enum NbFnId {
    NB_FN_SIN, NB_FN_COS, NB_FN_TAN, NB_FN_SEC, NB_FN_CSC, NB_FN_COT,
    NB_FN_ASIN, NB_FN_ACOS, NB_FN_ATAN, NB_FN_ATAN2,
    NB_FN_SINH, NB_FN_COSH, NB_FN_TANH, NB_FN_ASINH, NB_FN_ACOSH, NB_FN_ATANH,
    NB_FN_EXP, NB_FN_LOG, NB_FN_LN, NB_FN_LOG2, NB_FN_LOG10,
    NB_FN_SQRT, NB_FN_CBRT, NB_FN_ABS, NB_FN_SIGN, NB_FN_HEAVISIDE,
    NB_FN_FLOOR, NB_FN_CEIL, NB_FN_MIN, NB_FN_MAX, NB_FN_HYPOT, NB_FN_POW,
    NB_FN_ERF, NB_FN_ERFC, NB_FN_GAMMA, NB_FN_LGAMMA,
    NB_FN_SIGMOID, NB_FN_RELU, NB_FN_SOFTPLUS,
    NB_FN_DIGAMMA, NB_FN_POLYGAMMA,
    NB_FN__COUNT
} NbFnId;

enum NbBuiltinFlags {
    NB_BF_LOWERS   = 1 << 0, /* a spelling of another form; see above */
    NB_BF_ANALYTIC = 1 << 1, /* has an analytic extension: complex-step works */
    NB_BF_KINKED   = 1 << 2, /* not differentiable at some points (abs, relu,
                                floor...): numeric work reports hitting them */
    NB_BF_INTEGER  = 1 << 3, /* result is an integer when args are exact
                                (floor, ceil, sign, heaviside) */
    NB_BF_VARIADIC = 1 << 4, /* a call takes any number >= 1 of arguments:
                                f(a, b, c) lowers to f(f(a, b), c), f(v) of
                                one vector folds over its elements; nodes
                                keep the row's arity (min, max) */
    /* Facts the simplifier uses, for every real argument where defined: */
    NB_BF_POSITIVE = 1 << 5, /* f > 0 (exp, cosh): sign(f) = 1, abs(f) = f */
    NB_BF_NONNEG   = 1 << 6, /* f >= 0 (abs, relu) */
    NB_BF_ODD      = 1 << 7, /* f(-x) = -f(x): sin(-x) -> -sin(x) */
    NB_BF_EVEN     = 1 << 8  /* f(-x) = f(x): cos(-x) -> cos(x) */
};

enum { NB_BUILTIN_EXACT = 5 }; /* exact values per row, at most */

typedef struct NbBuiltin {
    const char *name;
    int min_args, max_args;
    unsigned flags;
    /* args has max_args entries (min_args used when the call has fewer). */
    double (*eval_d)(const double *args);
    /* Correctly rounded where MPFR has the function; otherwise computed with
     * guard bits and rounded once. Returns the MPFR ternary value. */
    int (*eval_mpfr)(mpfr_ptr r, mpfr_srcptr const *args, mpfr_rnd_t rnd);
    /* Complex evaluation for complex-step differentiation; NULL where the
     * function has no analytic extension (abs, relu, floor, ...). */
    double complex (*eval_c)(const double complex *args);
    int (*eval_mpc)(mpc_ptr r, mpc_srcptr const *args, mpc_rnd_t rnd);
    const char *domain;   /* human text, e.g. "x > 0"; NULL: all reals */
    const char *help;     /* one line: what it computes */
    const char *example;  /* a statement and its exact output: "sin(0) -> 0" */
    /* Partial derivatives as formulas in nabla's own syntax, in the
     * parameter names of params (NULL: "x", or "x, y" for two arguments):
     * deriv[i] is d/d(argument i), built with the canonical constructors by
     * nb_builtin_deriv (diff.h). NULL: no derivative in that argument (the
     * order n of polygamma), or none at all (NB_BF_LOWERS rows). */
    const char *params;
    const char *deriv[2];
    /* Spellings. A plain name is followed by the parenthesised arguments
     * ("\\sin", "tgamma"); a text with $0, $1 (an argument) or $-0 (the
     * first, negated) is the whole call ("\\left|$0\\right|"); a LaTeX
     * spelling with a superscript ("e^{$0}") binds as a power. NULL:
     * \operatorname{name}(...) and name(...).
     * MathML (presentation markup) is needed only where a call is not a
     * name applied to its arguments: a template for the whole call
     * ("<mroot><mrow>$0</mrow><mn>3</mn></mroot>"; $0 and $1), which binds
     * as a power if it opens with <msup>. NULL: the name of a plain LaTeX
     * spelling set upright ("\\arcsin" gives arcsin, "\\operatorname{sgn}"
     * sgn, "\\Gamma" the letter), else nabla's name (log2 for "\\log_{2}"). */
    const char *latex, *c, *mathml;
    /* Exact values the constructors fold: f(at) = val, times pi if pi is
     * set; at and val are fractions n/d. Up to NB_BUILTIN_EXACT of them,
     * the unused ones with d = 0. */
    struct NbExactValue {
        long at_n, at_d, val_n, val_d;
        int pi;
    } exact[NB_BUILTIN_EXACT];
} NbBuiltin;

extern const NbBuiltin nb_builtins[NB_FN__COUNT];

/* Most bits fn may be evaluated at: NB_MAX_PRECISION, less for the slow
 * ones (NB_MAX_PREC_GAMMA, NB_MAX_PREC_ERF); its name, for messages. */
long nb_builtin_max_prec(int fn, const char **limit_name);

/* Row index for name, or -1. */
int nb_builtin_lookup(const char *name);

/* Named constants: pi, e (NB_CONST nodes) and inf, nan (floats). */
typedef struct NbConstant {
    const char *name;
    const char *help;
} NbConstant;
extern const NbConstant nb_constants[];   /* terminated by a NULL name */
int nb_constant_lookup(const char *name); /* index, or -1 */

/* Value of a NB_CONST at prec bits (MPFR) or as a double. */
void nb_const_mpfr(NbConstId id, mpfr_ptr r, mpfr_rnd_t rnd);
double nb_const_double(NbConstId id);

#endif
