/* test_descent_vm.c — gd on objectives compiled from expressions runs the
 * [f, grad] program on the VM's registers (descent_double.c), and on long
 * runs its quiet steps in native code (jit.h's gd entry); both must agree
 * with the generic loop through the fg callback bit for bit: every trace
 * point, counter and verdict. The expected results come from the generic
 * loop (nb__descent_no_fast), which the suite checks against plain C loops
 * and closed forms in test_descent.c.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/nabla.h"
#include "exec/compile_internal.h"
#include "exec/jit.h"
#include "check.h"
#include "same_descent.h"

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

/* One descent three ways, each checked against the generic loop. */
static void compare(const NbObjective *obj, const char *f, double rate,
                    long steps, long every, const double *x0)
{
    NbDescentResult *a = run(obj, rate, steps, every, x0);
    nb__jit_after = 1;
    NbDescentResult *c = run(obj, rate, steps, every, x0);
    nb__jit_after = NB_JIT_AFTER;
    nb__descent_no_fast = 1;
    NbDescentResult *b = run(obj, rate, steps, every, x0);
    nb__descent_no_fast = 0;
    CHECK(same_result(a, b), "register gd = generic gd: %s, rate %g, every "
          "%ld (%s, %ld steps, %zu points)", f, rate, every,
          b ? nb_verdict_name(b->verdict) : "?", b ? b->steps : -1L,
          b ? b->npts : (size_t)0);
    CHECK(same_result(c, b), "native gd = generic gd: %s, rate %g, every %ld",
          f, rate, every);
    nb_descent_result_free(a);
    nb_descent_result_free(b);
    nb_descent_result_free(c);
}

/* Each case: f, its variables, start, rate, steps. The shapes that matter
 * to the register path and the native loop: gradient components held in
 * variable registers (x*y: [y, x], swapped), constant components, f itself
 * a variable, one to four variables and thirteen (past the machine
 * registers), calls out to libm, non-finite ends, growth and fall, a point
 * that does not move at the first step, stalls, cycles and the
 * 65536-point trace thinning. Each runs three ways: as descend() runs it
 * (native steps from NB_JIT_AFTER steps on), with native steps whatever
 * the length, and in the generic loop. */
static void test_cases(void)
{
    static const struct {
        const char *f, *vars;
        double x0[13], rate;
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
        {"x^2 + y^2", "xy", {1, 1}, 1e-30, 100, 0},
        {"sin(x)*exp(-x^2/2) + y^2", "xy", {0.5, 1}, 0.3, 3000, 3},
        {"-x^2 - y^2", "xy", {0.5, 1}, 0.01, 3000, 0},
        /* f rounds to 2^60 for the first steps: rises and ties count
         * apart (where the run of rises behind a divergence starts) */
        {"x^2 + 2^60", "x", {1}, 1.1, 1000, 0},
        /* f overflows in 5 steps while the gradient stays small */
        {"-x^2/10^160", "x", {1e150}, 4.5e160, 100, 0},
        {"a^2 + b^2 + c^2 + d^2 + e^2 + f^2 + g^2 + h^2 + i^2 + j^2 + k^2 + "
         "l^2 + sin(m)*a", "abcdefghijklm", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
         12, 13}, 0.01, 5000, 0},
    };
    NbStore *st = nb_store_new();
    int native = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const NbExpr *f = nb_expr_parse(st, cases[i].f, NULL), *vars[13];
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
        compare(obj, cases[i].f, cases[i].rate, cases[i].steps,
                cases[i].every, cases[i].x0);
        /* a sparse trace: long runs of quiet steps in the native loop */
        compare(obj, cases[i].f, cases[i].rate, cases[i].steps, 1000,
                cases[i].x0);
        const NbJit *j = atomic_load(&nb__objective_fg_program(obj)->jit);
        native += j && j->gd;
        nb_objective_free(obj);
    }
    CHECK(!NB_HAVE_JIT || getenv("NABLA_JIT") ||
          native == (int)(sizeof cases / sizeof cases[0]),
          "every case took native gd steps (%d)", native);
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
    const NbExpr *f = nb_expr_parse(st, "(1-x)^2 + 100*(y-x^2)^2", NULL);
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
