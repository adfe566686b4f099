/* test_numdiff_gsl.c — nabla's numeric derivatives against GSL's
 * gsl_deriv_central (issue 4): on the cases of numdiff_ref.h, nabla's
 * results agree with GSL's to within GSL's own error estimate, and
 * nabla's richardson is at least as accurate as GSL against the exact
 * derivative.
 *
 * GSL's results and estimates are committed data
 * (tests/oracle/data/gsl_deriv_ref.h, made by tests/oracle/gen_gsl_deriv.c
 * from C functions, independently of nabla): the suite does not need GSL.
 * The exact derivatives are SymPy's at 150 digits (numdiff_ref.h).
 */
#include "nabla/nabla.h"
#include "check.h"
#include "../oracle/data/numdiff_ref.h"
#include "../oracle/data/gsl_deriv_ref.h"

#include <math.h>
#include <stdlib.h>

#define NREFS (sizeof nd_refs / sizeof nd_refs[0])
#define NGSL (sizeof gsl_refs / sizeof gsl_refs[0])

/* |v - exact| for case i, computed in MPFR against the 150-digit value. */
static double abs_err(double v, size_t i)
{
    mpfr_t ref;
    mpfr_init2(ref, 600);
    mpfr_set_str(ref, nd_refs[i].d[1], 10, MPFR_RNDN);
    mpfr_sub_d(ref, ref, v, MPFR_RNDN);
    double e = fabs(mpfr_get_d(ref, MPFR_RNDN));
    mpfr_clear(ref);
    return e;
}

/* An ulp of the exact derivative in double: the floor of what "at least
 * as accurate" can mean (a correctly rounded answer has up to half of it;
 * GSL can land on the rounded value by luck). */
static double ulp_of(size_t i)
{
    int e;
    frexp(strtod(nd_refs[i].d[1], NULL), &e);
    return ldexp(1.0, e - 53);
}

typedef struct Nabla {
    double rich, rich_err;   /* richardson, automatic steps */
    double central;          /* central at the step GSL started from */
} Nabla;

static int nabla_on(NbStore *st, size_t i, double h, Nabla *out)
{
    const NbExpr *f = nb_expr_parse(st, nd_refs[i].nabla, NULL);
    const NbExpr *x = nb_sym(st, "x");
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = f ? nb_compile(st, 1, &f, 1, &x, &d) : NULL;
    nb_diag_clear(&d);
    if (!p)
        return -1;
    double x0 = strtod(nd_refs[i].x0, NULL);
    NbNdProg *pf = nb_nd_prog_new(p, &x0, NULL);
    const NbNdFunc *fn = nb_nd_prog_func(pf);
    int rc = nb_nd_double(fn, x0, 0, NB_ND_RICHARDSON, &out->rich,
                          &out->rich_err, &d);
    rc = rc || nb_nd_double(fn, x0, h, NB_ND_CENTRAL, &out->central, NULL,
                            &d);
    nb_diag_clear(&d);
    nb_nd_prog_free(pf);
    nb_program_free(p);
    return rc;
}

int main(void)
{
    NbStore *st = nb_store_new();
    int outside_r = 0, less_accurate = 0, gsl_dishonest = 0, failed = 0;
    int central_outside = 0, ncentral = 0;
    double worst_r = 0, worst_g = 0;
    for (size_t k = 0; k < NGSL; k++) {
        const GslRef *g = &gsl_refs[k];
        size_t i = (size_t)g->ref;
        Nabla n;
        if (i >= NREFS || nabla_on(st, i, g->h, &n)) {
            failed++;
            continue;
        }
        double eg = abs_err(g->result, i), er = abs_err(n.rich, i);
        worst_r = fmax(worst_r, er);
        worst_g = fmax(worst_g, eg);
        gsl_dishonest += eg > g->abserr;
        /* Agreement: nabla's richardson lies within GSL's error bar. */
        if (fabs(n.rich - g->result) > g->abserr) {
            outside_r++;
            printf("# richardson outside GSL's estimate: %s at %s (h %g): "
                   "%.17g vs %.17g +- %.3g\n", nd_refs[i].nabla,
                   nd_refs[i].x0, g->h, n.rich, g->result, g->abserr);
        }
        /* Accuracy: no worse than GSL, up to an ulp of f'. */
        if (er > fmax(eg, ulp_of(i))) {
            less_accurate++;
            printf("# richardson less accurate than GSL: %s at %s (h %g): "
                   "%.3g vs %.3g\n", nd_refs[i].nabla, nd_refs[i].x0, g->h,
                   er, eg);
        }
        /* The plain central difference at GSL's starting step of 1e-3:
         * GSL refines that step and extrapolates, so agreement means within
         * GSL's error bar plus central's own truncation, estimated as the
         * distance to richardson. */
        if (g->h >= 1e-4) {
            ncentral++;
            double trunc = fabs(n.central - n.rich) + n.rich_err;
            central_outside += fabs(n.central - g->result) > g->abserr + trunc;
        }
    }
    printf("# %zu GSL cases: worst |error| nabla richardson %.3g, GSL %.3g; "
           "GSL's own estimate below its error on %d\n", NGSL, worst_r,
           worst_g, gsl_dishonest);
    CHECK(failed == 0, "nabla differentiates every case (%d failed)", failed);
    CHECK(outside_r == 0, "richardson within GSL's own error estimate on all "
          "%zu cases (%d outside)", NGSL, outside_r);
    CHECK(less_accurate == 0, "richardson at least as accurate as GSL on "
          "all %zu cases (%d less accurate)", NGSL, less_accurate);
    CHECK(central_outside == 0, "central at GSL's step agrees with GSL "
          "within GSL's estimate plus its own truncation on %d cases (%d "
          "outside)", ncentral, central_outside);
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
