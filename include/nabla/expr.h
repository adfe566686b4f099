/* expr.h — the expression store: immutable, hash-consed expression nodes.
 *
 * Every expression nabla reasons about is a node in an NbStore. Nodes are
 * interned (Lua's string table is the model): building a node that is
 * structurally equal to an existing one returns the existing one, so equality
 * is a pointer compare and shared subexpressions cost nothing.
 *
 * This module only interns; it never rewrites. The canonical constructors
 * that keep sums, products and powers in normal form (nb_add, nb_mul, ...)
 * are in simplify.h and are what the rest of nabla uses to build expressions.
 *
 * Ownership: the store owns every node, string and number in it; nodes live
 * until nb_store_free(). Callers never free a node. Nodes are read-only.
 */
#ifndef NABLA_EXPR_H
#define NABLA_EXPR_H

#include <stddef.h>
#include <stdint.h>
#include <gmp.h>
#include <mpfr.h>

#include "nabla/diag.h"

/* ORDER NB_KIND: also the first key of the canonical order (nb_expr_cmp), so
 * numbers sort before symbols, symbols before compound terms. */
typedef enum NbKind {
    NB_NUM,   /* exact rational, u.q (canonical: lowest terms, den > 0) */
    NB_FLT,   /* float, u.f; is_double: a hardware double (53 bits, libm)
                 rather than an MPFR value of mpfr_get_prec(u.f) bits */
    NB_CONST, /* named constant, fn = NbConstId */
    NB_SYM,   /* variable, u.name */
    NB_ADD,   /* sum of n >= 2 terms */
    NB_MUL,   /* product of n >= 2 factors */
    NB_POW,   /* args[0] ^ args[1] */
    NB_FN,    /* built-in function fn (NbFnId, builtins.h) of n arguments */
    NB_VEC,   /* vector of n elements (a matrix is a vector of rows) */
    NB_STR,   /* string, u.name (only as a command argument) */
    NB_KIND__COUNT
} NbKind;

typedef enum NbConstId { NB_CONST_PI, NB_CONST_E, NB_CONST__COUNT } NbConstId;

typedef struct NbExpr NbExpr;
struct NbExpr {
    uint8_t kind;       /* NbKind */
    uint8_t is_double;  /* NB_FLT only */
    uint16_t fn;        /* NB_FN: NbFnId; NB_CONST: NbConstId */
    uint32_t n;         /* number of args */
    uint32_t hash;
    uint32_t id;        /* dense creation index: 0 .. nb_store_count()-1 */
    union {
        mpq_t q;        /* NB_NUM */
        mpfr_t f;       /* NB_FLT */
        const char *name; /* NB_SYM, NB_STR: owned by the store */
    } u;
    const NbExpr *args[]; /* n children */
};

typedef struct NbStore NbStore;

NbStore *nb_store_new(void);
void nb_store_free(NbStore *st);

/* Number of nodes ever created: ids are below it, so per-node memo tables
 * can be plain arrays indexed by id. */
size_t nb_store_count(const NbStore *st);

/* Bytes the store's nodes hold (nodes, children, numbers, names). */
size_t nb_store_bytes(const NbStore *st);

/* Lookups of compound nodes and exact numbers so far, found or created:
 * the symbolic work done, which bytes do not measure (a sum rebuilt from
 * nodes that exist costs time, not memory). For budgets of work. */
size_t nb_store_lookups(const NbStore *st);

/* The growth budget: NB_MAX_STATEMENT_BYTES from the last
 * nb_store_budget_start() (the session calls it before each statement; a
 * new store starts one). Loops that build expressions poll
 * nb_store_over_budget() and stop when it says so; the session then fails
 * the statement, whatever it returned. */
void nb_store_budget_start(NbStore *st);
int nb_store_over_budget(const NbStore *st);
/* nb_store_over_budget(st), and when so, d set to the NB_ERR_SWELL error
 * the session reports for it: what a library function that stops on the
 * budget returns with, so that its NULL always comes with a reason. */
int nb_store_over_budget_diag(const NbStore *st, NbDiag *d);

/* Intern a compound node (ADD, MUL, POW, FN, VEC) exactly as given: no
 * flattening, sorting or folding. Only simplify.c and tests call this;
 * everyone else uses the canonical constructors of simplify.h. */
const NbExpr *nb_intern(NbStore *st, NbKind kind, int fn, size_t n,
                        const NbExpr *const *args);

/* Leaves. Values are copied. */
const NbExpr *nb_num_si(NbStore *st, long v);
const NbExpr *nb_num_frac(NbStore *st, long num, unsigned long den);
const NbExpr *nb_num_q(NbStore *st, const mpq_t q);      /* q canonical */
const NbExpr *nb_num_z(NbStore *st, const mpz_t z);
const NbExpr *nb_flt_mpfr(NbStore *st, mpfr_srcptr f);    /* MPFR value */
const NbExpr *nb_flt_double(NbStore *st, double v);       /* hardware double */
const NbExpr *nb_const(NbStore *st, NbConstId id);
const NbExpr *nb_sym(NbStore *st, const char *name);
const NbExpr *nb_str(NbStore *st, const char *text);

/* Total order used for canonical sorting: kind first, then contents (numbers
 * by value, symbols by name, compounds lexicographically by children). It
 * never depends on addresses, so output is the same on every run. */
int nb_expr_cmp(const NbExpr *a, const NbExpr *b);

/* Predicates on nodes. */
int nb_is_num(const NbExpr *e);          /* NB_NUM */
int nb_is_zero(const NbExpr *e);         /* exact 0 */
int nb_is_one(const NbExpr *e);          /* exact 1 */
int nb_is_minus_one(const NbExpr *e);
int nb_is_integer(const NbExpr *e);      /* exact integer */
int nb_is_number(const NbExpr *e);       /* NB_NUM or NB_FLT */

/* Does e contain variable sym (an NB_SYM node)? Iterative, no deep recursion. */
int nb_depends_on(const NbExpr *e, const NbExpr *sym);

/* Free variables of e, sorted by name, without duplicates. Returns the count;
 * writes at most cap of them to out. */
size_t nb_free_syms(const NbExpr *e, const NbExpr **out, size_t cap);

/* Number of distinct nodes in the DAG under e (shared ones once). */
size_t nb_dag_size(const NbExpr *e);

#endif
