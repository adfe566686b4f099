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
#include <gmp.h>
#include "nabla/expr.h"
#include "nabla/print.h"
#include "util/strbuf.h"

/* Text of the large exact numbers one print call has written. A DAG
 * prints as a tree, so one huge number may be written many times (taylor
 * at 10^-1000000 repeats it in every coefficient), and its conversion to
 * decimal costs far more than copying the text: numbers past
 * NB_BIG_TEXT_BITS are converted once per print and kept in a few slots,
 * found by value (equal numbers give equal text).
 * A cache starts as {0}; nb_text_cache_free frees what it holds. */
#define NB_BIG_TEXT_BITS 4096
#define NB_BIG_TEXT_SLOTS 8
typedef enum {
    NB_QT_PLAIN,  /* nb_format_q(q) */
    NB_QT_FRAC,   /* nb_format_q_frac(q) */
    NB_QT_ABSNUM, /* |numerator of q| in decimal */
    NB_QT_DEN,    /* denominator of q in decimal */
    NB_QT_Z       /* the integer z (an mpz_t, not an mpq_t) in decimal */
} NbQText;
typedef struct NbTextCache {
    struct {
        mpq_t value;  /* a copy: callers pass temporaries on the stack */
        NbQText how;
        char *text;   /* NULL: the slot is empty */
    } slot[NB_BIG_TEXT_SLOTS];
    unsigned n;
} NbTextCache;
/* The text of num (an mpq_t, or an mpz_t for NB_QT_Z) as `how` says; the
 * caller frees it only when *owned is set (else the cache keeps it). When
 * the text could not fit in b (see nb_buf_fits), b is ended and the text
 * is "", not converted: turning 10^5000000 into digits takes a second. */
const char *nb_q_text(NbBuf *b, NbTextCache *c, const void *num,
                      NbQText how, int *owned);
void nb_text_cache_free(NbTextCache *c);

/* Display transformation: see the file comment. */
typedef struct NbDisplay NbDisplay;
NbDisplay *nb_display_new(int factor);
void nb_display_free(NbDisplay *dp);
const NbExpr *nb_display(NbDisplay *dp, const NbExpr *e);

/* coef *= q as the constructors would fold it (both within
 * NB_MAX_EXACT_BITS: simplify.c), and 1; else 0 and q stays a factor of
 * its own. Products of numbers the store kept apart can have millions of
 * digits, and building them only to print them took seconds a term.
 * coef = 1 takes any q. */
int nb_coef_fold(mpq_t coef, const mpq_t q);

/* Negative-looking display term: a negative number or a product whose
 * numeric coefficient is negative (it prints after " - " in a sum). */
int nb_display_negative(const NbExpr *e);

/* Display classes of product factors, in printing order. */
int nb_factor_class(const NbExpr *f);

/* A rational as text in "fraction" style (integer or p/q). */
char *nb_format_q_frac(const mpq_t q);

#endif
