/* print.h — expressions and numbers as text: infix, LaTeX, C.
 *
 * Infix output reads back to the same node (printing then parsing and
 * lowering gives a pointer-equal expression), with minimal parentheses, no
 * `1*`, `+0`, `x^1` or `--`; a sum with negative terms prints with `-`;
 * x^(1/2) prints as sqrt(x), x^(-1) as 1/x, and a factor common to every
 * term of a sum is pulled out ((p*sin(x) + q*cos(x))*exp(-x^2/2)).
 *
 * Numbers: an exact rational prints as an integer, a finite decimal when it
 * has one (0.3, 2.5), else a fraction (1/3). A double prints as the shortest
 * string that reads back to the same double; an MPFR value as the shortest
 * string that reads back to the same value at its precision, or correctly
 * rounded to `digits` significant digits when digits > 0.
 *
 * Ownership: every function returns a malloc'd string the caller frees.
 */
#ifndef NABLA_PRINT_H
#define NABLA_PRINT_H

#include <gmp.h>
#include <mpfr.h>
#include "nabla/expr.h"

typedef struct NbPrintOpts {
    int digits;   /* significant digits for floats; 0: shortest round-trip */
} NbPrintOpts;

char *nb_print(const NbExpr *e, const NbPrintOpts *opts);
/* As nb_print without pulling out common factors or grouping terms: the
 * canonical terms in reading order. Parses back to a pointer-equal node
 * whenever the expression has only exact numbers (a float prints as a
 * decimal literal, which reads back exact). */
char *nb_print_flat(const NbExpr *e, const NbPrintOpts *opts);
char *nb_print_latex(const NbExpr *e, const NbPrintOpts *opts);
/* A C expression using <math.h> (pow, exp, ...; integer powers as
 * multiplications where short); variables keep their names. */
char *nb_print_c(const NbExpr *e);

char *nb_format_q(const mpq_t q);
char *nb_format_double(double v, int digits);
char *nb_format_mpfr(mpfr_srcptr v, int digits);

#endif
