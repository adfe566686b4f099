/* print_internal.h — what the three printers (infix, LaTeX, C) share:
 * a growable string buffer and the display transformation.
 *
 * The display transformation turns a canonical expression into the tree
 * that is actually printed: sums get their terms in reading order
 * (polynomial terms by descending degree, then the other terms grouped by
 * their non-polynomial factor, then the constant) and, in factoring mode,
 * factors common to every term pulled out. The display tree lives in a
 * private store (children may point into the caller's store), so it is
 * built with nb_intern exactly as wanted, never re-canonicalised.
 */
#ifndef NABLA_PRINT_INTERNAL_H
#define NABLA_PRINT_INTERNAL_H

#include <stddef.h>
#include "nabla/expr.h"
#include "nabla/print.h"
#include "util/strbuf.h"

/* Display transformation: see the file comment. */
typedef struct NbDisplay NbDisplay;
NbDisplay *nb_display_new(int factor);
void nb_display_free(NbDisplay *dp);
const NbExpr *nb_display(NbDisplay *dp, const NbExpr *e);

/* Negative-looking display term: a negative number or a product whose
 * numeric coefficient is negative (it prints after " - " in a sum). */
int nb_display_negative(const NbExpr *e);

/* Display classes of product factors, in printing order. */
int nb_factor_class(const NbExpr *f);

/* A rational as text in "fraction" style (integer or p/q). */
char *nb_format_q_frac(const mpq_t q);

#endif
