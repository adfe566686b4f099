/* test_taylor.c — nb_taylor and nb_tangent as a C program meets them
 * (series/taylor.c): the checks the session makes before it calls them are
 * the library's own too, and vectors are expanded elementwise. Expected
 * polynomials are the textbook series (exp: 1/k!; sin: odd terms
 * (-1)^k/(2k+1)!), compared as canonical nodes, not as text. */
#include <string.h>

#include "nabla/nabla.h"
#include "check.h"

static NbStore *st;

static const NbExpr *P(const char *text)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *e = nb_expr_parse(st, text, &d);
    nb_diag_clear(&d);
    return e;
}

/* nb_taylor(e, var, a, n) fails with code and message */
static void refused(const NbExpr *e, const NbExpr *var, const NbExpr *a,
                    long n, NbErrCode code, const char *msg)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *r = nb_taylor(st, e, var, a, n, &d);
    CHECK(r == NULL && d.code == code && d.msg && strcmp(d.msg, msg) == 0,
          "refused: %s (got %s)", msg, d.msg ? d.msg : "no message");
    nb_diag_clear(&d);
}

int main(void)
{
    st = nb_store_new();
    const NbExpr *x = nb_sym(st, "x"), *zero = nb_num_si(st, 0);
    NbDiag d = NB_DIAG_INIT;

    const NbExpr *t = nb_taylor(st, P("exp(x)"), x, zero, 3, &d);
    CHECK(t && t == P("1 + x + x^2/2 + x^3/6"), "exp to order 3: 1/k!");
    t = nb_taylor(st, P("[exp(x), sin(x)]"), x, zero, 3, &d);
    CHECK(t && t == P("[1 + x + x^2/2 + x^3/6, x - x^3/6]"),
          "a vector: each element's polynomial");
    CHECK(nb_tangent(st, P("sin(x)"), x, zero, &d) == x,
          "tangent of sin at 0: x");
    CHECK(nb_tangent(st, P("x^2"), x, nb_num_si(st, 1), &d) == P("2*x - 1"),
          "tangent of x^2 at 1: 2x - 1");

    refused(P("exp(x)"), nb_num_si(st, 2), zero, 3, NB_ERR_TYPE,
            "the variable of differentiation must be a name");
    refused(P("exp(x)"), x, zero, -1, NB_ERR_ARGS,
            "order of a Taylor polynomial must be between 0 and 200");
    refused(P("exp(x)"), x, zero, NB_MAX_DIFF_ORDER + 1, NB_ERR_ARGS,
            "order of a Taylor polynomial must be between 0 and 200");
    refused(P("exp(x)"), x, P("x + 1"), 3, NB_ERR_ARGS,
            "the expansion point must not contain x");
    refused(nb_str(st, "text"), x, zero, 3, NB_ERR_TYPE,
            "cannot differentiate a string");
    t = nb_taylor(st, P("[exp(x), 1/x]"), x, zero, 3, &d);
    CHECK(t == NULL && d.code != NB_OK,
          "a vector with an element that has no series at the point: "
          "refused (%s)", d.msg ? d.msg : "no message");
    nb_diag_clear(&d);

    nb_store_free(st);
    return check_failed_count != 0;
}
