/* taylor.c — Taylor polynomials: taylor(e, x, a, n) and the tangent line.
 *
 * The coefficients come from truncated power series (series.c), and the
 * polynomial is expanded in x. Above series.c and diff.c: it guards the
 * order and the expansion point, and the size of the exact numbers the
 * expansion at an exact point makes.
 */
#include "nabla/diff.h"
#include "nabla/simplify.h"
#include "nabla/limits.h"
#include "series/series.h"
#include "util/alloc.h"

#include <assert.h>
#include <stdlib.h>

static int check_var(const NbExpr *var, NbDiag *d)
{
    if (var && var->kind == NB_SYM)
        return 1;
    nb_diag_set(d, NB_ERR_TYPE, "the variable of differentiation must be a name");
    return 0;
}

/* Bits of the exact coefficients of e's terms. */
static double coef_bits(NbStore *st, const NbExpr *e)
{
    mpq_t c;
    mpq_init(c);
    double bits = 0;
    size_t n = e->kind == NB_ADD ? e->n : 1;
    for (size_t i = 0; i < n; i++) {
        nb_term_split(st, e->kind == NB_ADD ? e->args[i] : e, c);
        bits += (double)(mpz_sizeinbase(mpq_numref(c), 2)
                         + mpz_sizeinbase(mpq_denref(c), 2));
    }
    mpq_clear(c);
    return bits;
}

static int too_large(NbDiag *d, long k)
{
    nb_diag_set(d, NB_ERR_SWELL, "taylor polynomial too large: expanding it "
                "at this point would make more than %ld MB of exact numbers "
                "(NB_MAX_STATEMENT_BYTES) by order %ld",
                NB_MAX_STATEMENT_BYTES >> 20, k);
    return 0;
}

/* Expanding f^(k)(a)/k!*(x - a)^k at an exact point a makes the numbers
 * c*C(k, j)*a^(k - j) for each coefficient c of f^(k)(a): about
 * (k + 1)*bits(c) + bits(a)*k*(k + 1)/2 bits in all. *bytes adds that up;
 * once it passes the store's budget for a statement the polynomial is
 * refused, before it is made (taylor(1/x, x, 10^-1000, 200) would make
 * 550 MB), and before the higher derivatives are computed. */
static int expansion_fits(NbStore *st, const NbExpr *a, const NbExpr *fk,
                          long k, double *bytes, NbDiag *d)
{
    if (a->kind != NB_NUM || mpq_sgn(a->u.q) == 0 || nb_is_zero(fk))
        return 1;
    double abits = (double)(mpz_sizeinbase(mpq_numref(a->u.q), 2)
                            + mpz_sizeinbase(mpq_denref(a->u.q), 2));
    *bytes += ((double)(k + 1) * coef_bits(st, fk)
               + abits * (double)k * (double)(k + 1) / 2) / 8;
    if (*bytes <= (double)NB_MAX_STATEMENT_BYTES)
        return 1;
    return too_large(d, k);
}

/* Orders the expansion at a can hold whatever the coefficients: the
 * a-part of expansion_fits alone passes the budget after it. */
static long orders_that_fit(const NbExpr *a, long n)
{
    if (a->kind != NB_NUM || mpq_sgn(a->u.q) == 0)
        return n;
    double abits = (double)(mpz_sizeinbase(mpq_numref(a->u.q), 2)
                            + mpz_sizeinbase(mpq_denref(a->u.q), 2));
    double bytes = 0;
    for (long k = 0; k <= n; k++) {
        bytes += abits * (double)k * (double)(k + 1) / 16;
        if (bytes > (double)NB_MAX_STATEMENT_BYTES)
            return k;
    }
    return n;
}

/* sum over k <= n of c_k (x - a)^k, c_k = f^(k)(a)/k! from the truncated
 * power series of e (series.c), expanded into a polynomial in x. Where
 * the expansion at an exact a is costly (expansion_fits) the series is
 * computed to orders 16, 32, 64, ... and each prefix checked, so a point
 * such as 10^-1000 is refused at the order where its numbers outgrow the
 * budget, after about twice the work up to that order, not after all n. */
const NbExpr *nb_taylor(NbStore *st, const NbExpr *e, const NbExpr *var,
                        const NbExpr *a, long n, NbDiag *d)
{
    if (!check_var(var, d))
        return NULL;
    if (n < 0 || n > NB_MAX_DIFF_ORDER) {
        nb_diag_set(d, NB_ERR_ARGS, "order of a Taylor polynomial must be "
                    "between 0 and %d", NB_MAX_DIFF_ORDER);
        return NULL;
    }
    if (nb_depends_on(a, var)) {
        nb_diag_set(d, NB_ERR_ARGS, "the expansion point must not contain %s",
                    var->u.name);
        return NULL;
    }
    if (e->kind == NB_VEC) {
        const NbExpr **t = nb_xcalloc(e->n, sizeof *t);
        const NbExpr *r = NULL;
        uint32_t i = 0;
        while (i < e->n && (t[i] = nb_taylor(st, e->args[i], var, a, n, d)))
            i++;
        if (i == e->n)
            r = nb_vec(st, e->n, t);
        free(t);
        return r;
    }
    if (e->kind == NB_STR) {
        nb_diag_set(d, NB_ERR_TYPE, "cannot differentiate a string");
        return NULL;
    }
    long top = orders_that_fit(a, n), m = top;
    int staged = a->kind == NB_NUM && mpq_sgn(a->u.q) != 0;
    const NbExpr **c = NULL;
    for (m = staged && top > 16 ? 16 : top;; m = m * 2 < top ? m * 2 : top) {
        free(c);
        if (!(c = nb_series(st, e, var, a, m, d)))
            return NULL;
        double bytes = 0;
        mpz_t f;
        mpz_init_set_ui(f, 1);
        long k = 0;
        for (; k <= m; k++) {
            if (k)
                mpz_mul_ui(f, f, (unsigned long)k);
            const NbExpr *fk = nb_mul2(st, nb_num_z(st, f), c[k]);
            if (!expansion_fits(st, a, fk, k, &bytes, d))
                break;
        }
        mpz_clear(f);
        if (k <= m) {
            free(c);
            return NULL;
        }
        if (m == top)
            break;
    }
    if (m < n) { /* the a-part alone passes the budget at order top (the
                  * coefficients up to it may all be zero: csc at 1e-400) */
        free(c);
        return too_large(d, top), NULL;
    }
    const NbExpr **t = nb_xcalloc((size_t)n + 1, sizeof *t);
    const NbExpr *xa = nb_sub(st, var, a);
    for (long k = 0; k <= n; k++)
        t[k] = nb_mul2(st, c[k], nb_pow_si(st, xa, k));
    const NbExpr *r = nb_expand_checked(st, nb_add(st, (size_t)n + 1, t), d);
    free(t);
    free(c);
    return r;
}

const NbExpr *nb_tangent(NbStore *st, const NbExpr *e, const NbExpr *var,
                         const NbExpr *a, NbDiag *d)
{
    return nb_taylor(st, e, var, a, 1, d);
}
