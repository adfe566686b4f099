/* test_descent_vm.c — gd on objectives compiled from expressions runs the
 * [f, grad] program on the VM's registers (descent_double.c), and on long
 * runs its quiet steps in native code (jit.h's gd entry); both must agree
 * with the generic loop through the fg callback bit for bit: every trace
 * point, counter and verdict. The expected results come from the generic
 * loop (nbi_descent_no_fast), which the suite checks against plain C loops
 * and closed forms in test_descent.c. And the native steps must be the C
 * definition of a gd step (descent/gd_step.h) from any state, quiet or
 * not: test_native_steps.
 */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/nabla.h"
#include "exec/compile_internal.h"
#include "exec/jit.h"
#include "descent/descent_internal.h"
#include "descent/gd_step.h"
#include "check.h"
#include "same_descent.h"


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
    nbi_jit_after = 1;
    NbDescentResult *c = run(obj, rate, steps, every, x0);
    nbi_jit_after = NB_JIT_AFTER;
    nbi_descent_no_fast = 1;
    NbDescentResult *b = run(obj, rate, steps, every, x0);
    nbi_descent_no_fast = 0;
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
        const NbJit *j = atomic_load(&nbi_objective_fg_program(obj)->jit);
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

/* Two values agree: the same bits, or both NaN (payloads aside, jit.h). */
static int same_d(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

#define TRACE_ROOM 64

/* Registers, run state and trace of one side of test_native_steps. */
typedef struct Side {
    double *r;
    NbGdRun *c;
    long step[TRACE_ROOM];
    double x[TRACE_ROOM * 13], f[TRACE_ROOM], g[TRACE_ROOM];
} Side;

static int same_side(const Side *a, const Side *b, size_t n,
                     const uint32_t *out)
{
    const NbGdRun *p = a->c, *q = b->c;
    int ok = p->k == q->k && p->up == q->up && p->down == q->down &&
             p->pending == q->pending && p->reversals == q->reversals &&
             p->revbits == q->revbits && p->tnext == q->tnext &&
             p->tleft == q->tleft && p->tstep - a->step == q->tstep - b->step
             && same_d(p->f, q->f) && same_d(p->ss, q->ss);
    for (size_t i = 0; i < NBI_GD_RING; i++)
        ok &= same_d(p->ring[i], q->ring[i]);
    for (size_t i = 0; i < 2 * n; i++)      /* x(k-1), x(k) of the last step */
        ok &= same_d(p->x[i], q->x[i]);
    for (size_t i = 0; i < n; i++)
        ok &= same_d(a->r[i], b->r[i]);
    for (size_t o = 0; o <= n; o++)
        ok &= same_d(a->r[out[o]], b->r[out[o]]);
    for (long i = 0; ok && i < p->tstep - a->step; i++) {
        ok &= a->step[i] == b->step[i] && same_d(a->f[i], b->f[i]) &&
              same_d(a->g[i], b->g[i]);
        for (size_t j = 0; j < n; j++)
            ok &= same_d(a->x[i * n + j], b->x[i * n + j]);
    }
    return ok;
}

static void side_init(Side *s, const NbProgram *p, size_t n,
                      const double *x0, double rate)
{
    s->r = calloc(nb_program_scratch(p), sizeof *s->r);
    s->c = calloc(1, sizeof *s->c + 3 * n * sizeof(double));
    if (!s->r || !s->c)
        abort();
    for (size_t i = 0; i < n; i++)
        s->r[i] = x0[i];
    nbi_run_double_regs(p, s->r);
    const uint32_t *out = nbi_program_outregs(p);
    double f = s->r[out[0]], ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += s->r[out[1 + i]] * s->r[out[1 + i]];
    *s->c = (NbGdRun){.rate = rate, .sthr = 1e-16, .dmax = DBL_MAX,
                      .grow = f + 10 * (1 + fabs(f)),
                      .fall = f - 10 * (1 + fabs(f)),
                      .stuck = NB_STOP_STUCK, .cycle = NB_STOP_CYCLE,
                      .f = f, .ss = ss,
                      .pending = -1, .tnext = 5, .tstride = 3,
                      .tleft = TRACE_ROOM - 4};
    memcpy(s->c->x, x0, n * sizeof *x0);
    s->c->tstep = s->step, s->c->tx = s->x, s->c->tf = s->f, s->c->tg = s->g;
}

/* The JIT's gd entry against gd_steps() from the same states, call after
 * call: each call continues where the last stopped, also past a stop rule
 * (a NaN, a standstill, a cycle, growth: the step is the same step), with
 * a limit that falls between trace points, and a trace that runs out of
 * room. Every field of NbGdRun, the variable and output registers, the
 * ring and the trace must agree. */
static void test_native_steps(void)
{
    static const struct {
        const char *f, *vars;
        double x0[13], rate;
    } cases[] = {
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 0.001},
        {"x^2 + y^2", "xy", {-8, 6}, 1.0},          /* a 2-cycle */
        {"x^2 + y^2", "xy", {-8, 6}, 1.1},          /* growth */
        {"x^2 + y^2", "xy", {1, 1}, 1e-30},         /* a standstill */
        {"x*y", "xy", {0.5, -0.25}, 0.1},           /* grad [y, x] */
        {"x", "x", {2}, 0.5},
        {"sqrt(x)", "x", {4}, 10},                  /* NaN */
        {"x^4 - 2*x^2 + 0.3*x", "x", {-2}, 0.05},
        {"z*x + y", "xyz", {1, 2, 3}, 0.1},
        {"(x-1)^2 + (y+z)^2 + w^4 + x*w", "xyzw", {1, 2, 3, -1}, 0.05},
        {"sin(x)*exp(-x^2/2) + y^2", "xy", {0.5, 1}, 0.3},
        {"-x^2/10^160", "x", {1e150}, 4.5e160},     /* f overflows */
        {"a^2 + b^2 + c^2 + d^2 + e^2 + f^2 + g^2 + h^2 + i^2 + j^2 + k^2 + "
         "l^2 + sin(m)*a", "abcdefghijklm", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
         11, 12, 13}, 0.01},
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
        const NbProgram *p = obj ? nbi_objective_fg_program(obj) : NULL;
        CHECK(p != NULL, "compile %s", cases[i].f);
        if (!p) {
            nb_objective_free(obj);
            continue;
        }
        const double *K = NULL;
        NbGdStepsFn steps = nbi_gd_native(p, &K);
        if (steps) {
            native++;
            GdEval e = {.p = p, .out = nbi_program_outregs(p), .n = n};
            Side a, b;
            side_init(&a, p, n, cases[i].x0, cases[i].rate);
            side_init(&b, p, n, cases[i].x0, cases[i].rate);
            int ok = 1, calls = 0;
            while (ok && calls < 40 && a.c->k < 3000) {
                a.c->lim = b.c->lim = a.c->k + 1 + calls * 37 % 101;
                steps(a.r, a.c, K);
                gd_steps(b.r, b.c, &e);
                ok = same_side(&a, &b, n, e.out);
                calls++;
            }
            CHECK(ok, "native gd steps = gd_steps(): %s, rate %g (call %d, "
                  "step %ld / %ld)", cases[i].f, cases[i].rate, calls,
                  a.c->k, b.c->k);
            free(a.r), free(a.c), free(b.r), free(b.c);
        }
        nb_objective_free(obj);
    }
    CHECK(!NB_HAVE_JIT || getenv("NABLA_JIT") ||
          native == (int)(sizeof cases / sizeof cases[0]),
          "every case had native gd steps (%d)", native);
    nb_store_free(st);
}

int main(void)
{
    test_native_steps();
    test_cases();
    test_thinning();
    mpfr_free_cache();
    return check_done();
}
