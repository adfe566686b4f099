/* eval.h — one-shot numeric evaluation of closed expressions.
 *
 * Used when a statement's value is a number: exact where exact arithmetic
 * can hold it (SPEC §2), else a float at the working precision. A tree walk
 * is right here (each node once, memoised per node); anything evaluated many
 * times goes through compile.h instead.
 *
 * Precision: prec == NB_PREC_DOUBLE means hardware double with libm; any
 * other value is an MPFR precision in bits.
 *
 * Errors are values: NULL is returned and d says what (domain with the
 * function's domain text, overflow, result too large to hold exactly,
 * interrupted). The caller attaches the source position.
 */
#ifndef NABLA_EVAL_H
#define NABLA_EVAL_H

#include "nabla/expr.h"
#include "nabla/diag.h"
#include "nabla/interrupt.h" /* the long evaluations poll nb_interrupted */

#define NB_PREC_DOUBLE 0L

/* e must have no free variables. Returns an NB_NUM when e is exact rational
 * arithmetic (folded already by the constructors, or checked here: 1/0 and
 * 0^-1 are domain errors, results past NB_MAX_EXACT_BITS are too large),
 * otherwise an NB_FLT at prec. Vectors evaluate elementwise. */
const NbExpr *nb_eval_number(NbStore *st, const NbExpr *e, long prec,
                             NbDiag *d);

/* As nb_eval_number, but always a float (float(expr)). */
const NbExpr *nb_eval_float(NbStore *st, const NbExpr *e, long prec,
                            NbDiag *d);

/* A memo of evaluated nodes kept across calls (the session keeps one per
 * statement, so trial evaluations of nested subexpressions during lowering
 * cost each node once). Valid for one store and one precision: a call at
 * another precision clears it. */
typedef struct NbEvalCache NbEvalCache;
NbEvalCache *nb_eval_cache_new(void);
void nb_eval_cache_clear(NbEvalCache *c);
void nb_eval_cache_free(NbEvalCache *c);
/* nb_eval_number (want_float 0) or nb_eval_float (1) through cache c. */
const NbExpr *nb_eval_cached(NbStore *st, NbEvalCache *c, const NbExpr *e,
                             long prec, int want_float, NbDiag *d);

/* May built-in fn (NbFnId) be evaluated at prec bits? Some cost too much
 * at high precision for their size (NB_MAX_PREC_GAMMA, NB_MAX_PREC_ERF):
 * 0 and d set when not. nb_check_precision asks it of every call in e,
 * returning 0 or -1; numeric commands ask before they compile. */
int nb_prec_fits(int fn, long prec, NbDiag *d);
int nb_check_precision(const NbExpr *e, long prec, NbDiag *d);

/* Convenience for numeric code: e closed, value as double / into r. */
int nb_eval_to_double(NbStore *st, const NbExpr *e, double *out, NbDiag *d);
int nb_eval_to_mpfr(NbStore *st, const NbExpr *e, mpfr_ptr r, NbDiag *d);

#endif
