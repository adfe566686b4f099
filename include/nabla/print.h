/* print.h — expressions and numbers as text: infix, LaTeX, MathML, C.
 *
 * Infix output has minimal parentheses, no `1*`, `+0`, `x^1` or `--`; a sum
 * with negative terms prints with `-`; x^(1/2) prints as sqrt(x), x^(-1) as
 * 1/x, a rational coefficient as x^2/2 (or 1/3*x^(-2/3) next to a negative
 * power of a variable); terms in reading order (polynomial terms by falling
 * degree, then the others by their non-polynomial factor, the constant
 * last). nb_print also pulls a non-polynomial factor common to every term
 * of a sum out and groups the remaining terms by their non-polynomial
 * factor: ((x^2 - 2)*sin(x) - 2*x*cos(x))*exp(-x^2/2).
 *
 * Round trip (tests/oracle/oracle_roundtrip.c): nb_print_flat(e) parses
 * back (parser + canonical constructors) to the same node for every exact
 * expression; nb_print(e) parses back to the factored product, which
 * evaluates equal and expands to the same terms (nb_expand of both is one
 * node; rarely only the values agree: (x-1)^(3/2) against
 * (x-1)*sqrt(x-1)). Floats print as decimal literals, which read back
 * exact.
 *
 * Numbers: an exact rational prints as an integer, a finite decimal when it
 * has one of at most 20 decimals (0.3, 2.5), past that in scientific form
 * when no longer than the fraction (1e-30), else a fraction (1/3,
 * 1/2^200 in digits). A double prints as the shortest string that reads
 * back to the same double (Python's repr, but 3 rather than 3.0, exponents
 * as 1e-20 / 6.02e23); an MPFR value as the shortest string that reads
 * back to the same value at its precision, or correctly rounded to `digits`
 * significant digits when digits > 0. inf, -inf, nan; never -0.
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
/* MathML presentation markup (one <mrow>, UTF-8, to go inside a <math>
 * element): the layout of nb_print_latex, for pages (SPEC §11). */
char *nb_print_mathml(const NbExpr *e, const NbPrintOpts *opts);
/* A C expression using <math.h> (pow, exp, ...; integer powers as
 * multiplications where short); variables keep their names. */
char *nb_print_c(const NbExpr *e);

char *nb_format_q(const mpq_t q);
char *nb_format_double(double v, int digits);
char *nb_format_mpfr(mpfr_srcptr v, int digits);

#endif
