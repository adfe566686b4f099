/* test_descent_vm.c — gd on objectives compiled from expressions runs the
 * [f, grad] program on the VM's registers (descent_double.c); it must agree
 * with the generic loop through the fg callback bit for bit: every trace
 * point, counter and verdict. The expected results come from the generic
 * loop (nb__descent_no_fast), which the suite checks against plain C loops
 * and closed forms in test_descent.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/nabla.h"
#include "check.h"
#include "same_descent.h"
#include "mini_lower.h"

extern int nb__descent_no_fast;


static NbDescentResult *run(const NbObjective *obj, double rate, long steps,
                            long every, const double *start)
{
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.rate = rate;
    o.steps = steps;
    o.every = every;
    NbDiag d = NB_DIAG_INIT;
    NbDescentResult *r = nb_descent_run(obj, &o, start, &d);
    nb_diag_clear(&d);
    return r;
}

/* Each case: f, its variables, start, rate, steps. The shapes that matter
 * to the register path: gradient components held in variable registers
 * (x*y: [y, x], swapped), constant components, f itself a variable, one to
 * four variables, non-finite ends, stalls, cycles and the 65536-point
 * trace thinning. */
static void test_cases(void)
{
    static const struct {
        const char *f, *vars;
        double x0[4], rate;
        long steps, every;
    } cases[] = {
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 0.001, 5000, 0},
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 1e-5, 200000, 0},
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 1e-5, 3000, 7},
        {"x^2 + y^2", "xy", {-8, 6}, 0.1, 20, 0},
        {"x^2 + y^2", "xy", {-8, 6}, 1.0, 1000, 0},
        {"x^2 + y^2", "xy", {-8, 6}, 1.1, 1000, 0},
        {"x*y", "xy", {0.5, -0.25}, 0.1, 500, 0},
        {"x*y", "xy", {1, 1}, 2, 100, 0},
        {"x + y^2", "xy", {3, 1}, 0.1, 300, 0},
        {"x", "x", {2}, 0.5, 100, 0},
        {"x^2 - y^2", "xy", {1, 0}, 0.1, 1000, 0},
        {"x^4 - 2*x^2 + 0.3*x", "x", {-2}, 0.05, 1000, 0},
        {"x^2 + y^2 + z^2 + x*z", "xyz", {1, -2, 3}, 0.2, 400, 0},
        {"z*x + y", "xyz", {1, 2, 3}, 0.1, 50, 0},
        {"(x-1)^2 + (y+z)^2 + w^4 + x*w", "xyzw", {1, 2, 3, -1}, 0.05, 400, 0},
        {"exp(x) + y^2", "xy", {3, 1}, 0.9, 100, 0},
        {"sqrt(x)", "x", {4}, 10, 50, 0},
        {"1/(1+exp(-x))", "x", {40}, 0.1, 10, 0},
    };
    NbStore *st = nb_store_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const NbExpr *f = mini_parse(st, cases[i].f), *vars[4];
        size_t n = strlen(cases[i].vars);
        for (size_t j = 0; j < n; j++) {
            char name[2] = {cases[i].vars[j], 0};
            vars[j] = nb_sym(st, name);
        }
        NbDiag d = NB_DIAG_INIT;
        NbObjective *obj = f ? nb_objective_compile(st, f, n, vars,
                                                    NB_PREC_DOUBLE, 1, &d)
                             : NULL;
        nb_diag_clear(&d);
        CHECK(obj != NULL, "compile %s", cases[i].f);
        if (!obj)
            continue;
        NbDescentResult *a = run(obj, cases[i].rate, cases[i].steps,
                                 cases[i].every, cases[i].x0);
        nb__descent_no_fast = 1;
        NbDescentResult *b = run(obj, cases[i].rate, cases[i].steps,
                                 cases[i].every, cases[i].x0);
        nb__descent_no_fast = 0;
        CHECK(same_result(a, b), "register gd = generic gd: %s, rate %g "
              "(%s, %ld steps, %zu points)", cases[i].f, cases[i].rate,
              a ? nb_verdict_name(a->verdict) : "?", a ? a->steps : -1L,
              a ? a->npts : (size_t)0);
        nb_descent_result_free(a);
        nb_descent_result_free(b);
        nb_objective_free(obj);
    }
    nb_store_free(st);
}

/* The trace past NB_DESCENT_MAX_TRACE points: thinned along the stride
 * sequence 1, 2, 10, 20, ... 10^6 steps of 1e-5 on Rosenbrock never stop
 * early, so the trace ends at stride 20 holding step 0, every multiple of
 * 20 and the last step, in order; the point whose arrival forced the last
 * thinning (a multiple of 10, pushed after the thinning) stays too. */
static void test_thinning(void)
{
    NbStore *st = nb_store_new();
    const NbExpr *f = mini_parse(st, "(1-x)^2 + 100*(y-x^2)^2");
    const NbExpr *vars[2] = {nb_sym(st, "x"), nb_sym(st, "y")};
    NbDiag d = NB_DIAG_INIT;
    NbObjective *obj = nb_objective_compile(st, f, 2, vars, NB_PREC_DOUBLE,
                                            1, &d);
    nb_diag_clear(&d);
    double start[2] = {-1, 1};
    NbDescentResult *r = obj ? run(obj, 1e-5, 1000000, 0, start) : NULL;
    int ok = r != NULL && r->stride == 20 && r->npts <= 1000000 / 20 + 2 &&
             r->pt_step[r->npts - 1] == 1000000;
    long want = 0, extra = 0;   /* next multiple of 20 not yet seen */
    for (size_t i = 0; ok && i < r->npts; i++) {
        long k = r->pt_step[i];
        ok = k % 10 == 0 && (i == 0 || k > r->pt_step[i - 1]) && k <= want;
        if (k == want)
            want += 20;
        else
            extra++;
    }
    ok = ok && want == 1000000 + 20 && extra <= 1;
    CHECK(ok, "10^6 steps: the trace holds every 20th step (%zu points, "
          "stride %ld)", r ? r->npts : (size_t)0, r ? r->stride : 0L);
    nb_descent_result_free(r);
    nb_objective_free(obj);
    nb_store_free(st);
}

int main(void)
{
    test_cases();
    test_thinning();
    mpfr_free_cache();
    return check_done();
}
