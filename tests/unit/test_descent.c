/* test_descent.c — the descent loops and verdicts.
 *
 * Expected values never come from nabla: every path is checked against the
 * same loop written out here in plain C (or in MPFR), against closed forms
 * (0.8^20, the roots of a cubic, eigenvalues of known matrices), or against
 * documented step budgets measured to the known minimiser (1, 1).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/nabla.h"
#include "check.h"
#include "same_descent.h"

/* --- objectives written in C -------------------------------------------- */

static void bowl(void *c, const double *x, double *f, double *g)
{
    (void)c;
    *f = x[0] * x[0] + x[1] * x[1];
    if (g)
        g[0] = 2 * x[0], g[1] = 2 * x[1];
}

static int bowl_h(void *c, const double *x, double *h)
{
    (void)c, (void)x;
    h[0] = h[3] = 2, h[1] = h[2] = 0;
    return 0;
}

static void bowl_m(void *c, mpfr_srcptr x, mpfr_ptr f, mpfr_ptr g)
{
    (void)c;
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(f));
    mpfr_sqr(f, x, MPFR_RNDN);
    mpfr_sqr(t, x + 1, MPFR_RNDN);
    mpfr_add(f, f, t, MPFR_RNDN);
    if (g) {
        mpfr_mul_ui(g, x, 2, MPFR_RNDN);
        mpfr_mul_ui(g + 1, x + 1, 2, MPFR_RNDN);
    }
    mpfr_clear(t);
}

static int bowl_hm(void *c, mpfr_srcptr x, mpfr_ptr h)
{
    (void)c, (void)x;
    mpfr_set_ui(h, 2, MPFR_RNDN);
    mpfr_set_ui(h + 1, 0, MPFR_RNDN);
    mpfr_set_ui(h + 2, 0, MPFR_RNDN);
    mpfr_set_ui(h + 3, 2, MPFR_RNDN);
    return 0;
}

static void rosen(void *c, const double *x, double *f, double *g)
{
    (void)c;
    double a = 1 - x[0], t = x[1] - x[0] * x[0];
    *f = a * a + 100 * t * t;
    if (g)
        g[0] = -2 * a - 400 * x[0] * t, g[1] = 200 * t;
}

static int rosen_h(void *c, const double *x, double *h)
{
    (void)c;
    h[0] = 2 - 400 * (x[1] - x[0] * x[0]) + 800 * x[0] * x[0];
    h[1] = h[2] = -400 * x[0];
    h[3] = 200;
    return 0;
}

static void saddle(void *c, const double *x, double *f, double *g)
{
    (void)c;
    *f = x[0] * x[0] - x[1] * x[1];
    if (g)
        g[0] = 2 * x[0], g[1] = -2 * x[1];
}

static int saddle_h(void *c, const double *x, double *h)
{
    (void)c, (void)x;
    h[0] = 2, h[3] = -2, h[1] = h[2] = 0;
    return 0;
}

/* W: x^4 - 2x^2 + 0.3x */
static void wfun(void *c, const double *x, double *f, double *g)
{
    (void)c;
    double v = x[0];
    *f = v * v * v * v - 2 * v * v + 0.3 * v;
    if (g)
        g[0] = 4 * v * v * v - 4 * v + 0.3;
}

static int wfun_h(void *c, const double *x, double *h)
{
    (void)c;
    h[0] = 12 * x[0] * x[0] - 4;
    return 0;
}

static void sigm(void *c, const double *x, double *f, double *g)
{
    (void)c;
    *f = 1 / (1 + exp(-x[0]));
    if (g)
        g[0] = *f * (1 - *f);
}

static int sigm_h(void *c, const double *x, double *h)
{
    (void)c;
    double s = 1 / (1 + exp(-x[0]));
    h[0] = s * (1 - s) * (1 - 2 * s);
    return 0;
}

static void root(void *c, const double *x, double *f, double *g)
{
    (void)c;
    *f = sqrt(x[0]);
    if (g)
        g[0] = 0.5 / sqrt(x[0]);
}

static const char *const XY[] = {"x", "y"};

static NbDescentResult *run(NbObjective *obj, NbDescentMethod m, double rate,
                            long steps, double x0, double y0)
{
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.method = m;
    o.rate = rate;
    o.steps = steps;
    double start[2] = {x0, y0};
    NbDiag d = NB_DIAG_INIT;
    NbDescentResult *r = nb_descent_run(obj, &o, start, &d);
    if (!r)
        printf("# run failed: %s\n", d.msg ? d.msg : "?");
    nb_diag_clear(&d);
    return r;
}

static const double *last_x(const NbDescentResult *r)
{
    return r->pt_x + (r->npts - 1) * r->n;
}

static int contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* --- the seed's bowl ------------------------------------------------------- */

static void test_seed_bowl(void)
{
    NbObjective obj = {.n = 2, .fg = bowl, .hess = bowl_h};
    /* The seed's loop, verbatim in C: x = x - learning_rate * grad_x. */
    double x = -8.0, y = 6.0;
    for (int i = 0; i < 20; i++) {
        double gx = 2 * x, gy = 2 * y;
        x = x - 0.1 * gx;
        y = y - 0.1 * gy;
    }
    NbDescentResult *r = run(&obj, NB_DESCENT_GD, 0.1, 20, -8, 6);
    CHECK(r && r->steps == 20, "seed: 20 steps");
    CHECK(r && last_x(r)[0] == x && last_x(r)[1] == y,
          "seed: bit-identical to the seed's loop (%.17g, %.17g)", x, y);
    double p = pow(0.8, 20);
    CHECK(fabs(x - -8 * p) < 1e-15 && fabs(y - 6 * p) < 1e-15,
          "seed: the loop is (-8*0.8^20, 6*0.8^20)");
    CHECK(r && r->verdict == NB_VERDICT_STEP_LIMIT, "seed: step limit");
    CHECK(r && r->fevals == 21 && r->gevals == 21, "seed: 21 evaluations");
    CHECK(r && r->npts == 21 && r->pt_step[20] == 20, "seed: whole path kept");
    CHECK(nb_descent_auto_every(20, 1) == 2, "seed: every 2 -> 11 rows");
    nb_descent_result_free(r);
}

static void test_rates(void)
{
    NbObjective obj = {.n = 2, .fg = bowl, .hess = bowl_h};
    /* rate 0.9: x <- -0.8 x, converges while alternating sides */
    double x = -8, y = 6;
    long k = 0;
    while (sqrt(4 * x * x + 4 * y * y) >= 1e-10) {
        x = x - 0.9 * (2 * x), y = y - 0.9 * (2 * y);
        k++;
    }
    NbDescentResult *r = run(&obj, NB_DESCENT_GD, 0.9, 1000, -8, 6);
    CHECK(r && r->verdict == NB_VERDICT_CONVERGED && r->steps == k,
          "rate 0.9 converges at step %ld", k);
    CHECK(r && r->kind == NB_POINT_MINIMUM && r->eig[0] == 2, "minimum, eig 2");
    CHECK(r && r->reversals == k - 1, "rate 0.9: every step reverses");
    char *t = r ? nb_descent_verdict_text(r, XY) : NULL;
    CHECK(contains(t, "oscillated"), "rate 0.9 verdict notes it: %s", t);
    free(t);
    nb_descent_result_free(r);

    r = run(&obj, NB_DESCENT_GD, 1.0, 1000, -8, 6);
    CHECK(r && r->verdict == NB_VERDICT_OSCILLATING &&
              r->stop == NB_STOP_CYCLE && r->steps == 2 && r->at_step == 0,
          "rate 1.0: exact 2-cycle found at step 2");
    CHECK(r && r->stable_rate == 1.0, "rate 1.0: 2/lmax = 1");
    t = r ? nb_descent_verdict_text(r, XY) : NULL;
    CHECK(contains(t, "oscillating forever") &&
              contains(t, "rate 1 equals 2/λmax = 1"), "verdict: %s", t);
    free(t);
    nb_descent_result_free(r);

    r = run(&obj, NB_DESCENT_GD, 1.1, 1000, -8, 6);
    /* f_k = 100 * 1.44^k; first k with f > 100 + 1000*101 */
    long kd = 0;
    for (double f = 100; !(f > 100 + 1e3 * 101); f *= 1.44)
        kd++;
    CHECK(r && r->verdict == NB_VERDICT_DIVERGED && r->stop == NB_STOP_GROW,
          "rate 1.1 diverges");
    CHECK(r && r->steps == kd && r->at_step == 0, "at step %ld, since 0", kd);
    t = r ? nb_descent_verdict_text(r, XY) : NULL;
    CHECK(contains(t, "rate 1.1 is above 2/λmax = 1 "), "verdict: %s", t);
    free(t);
    nb_descent_result_free(r);
}

/* --- Rosenbrock ---------------------------------------------------------- */

static void test_rosenbrock_gd(void)
{
    NbObjective obj = {.n = 2, .fg = rosen, .hess = rosen_h};
    double x = -1, y = 1;
    for (int i = 0; i < 5000; i++) {
        double a = 1 - x, t = y - x * x;
        double gx = -2 * a - 400 * x * t, gy = 200 * t;
        x = x - 0.001 * gx;
        y = y - 0.001 * gy;
    }
    NbDescentResult *r = run(&obj, NB_DESCENT_GD, 0.001, 5000, -1, 1);
    CHECK(r && fabs(last_x(r)[0] - x) <= 1e-12 &&
              fabs(last_x(r)[1] - y) <= 1e-12,
          "rosenbrock gd: ends where the C loop ends (%.10f, %.10f)", x, y);
    CHECK(fabs(x - 0.9398260388) < 1e-10 && fabs(y - 0.8830233447) < 1e-10,
          "rosenbrock gd: (0.9398260388..., 0.8830233447...)");
    CHECK(r && r->verdict == NB_VERDICT_STEP_LIMIT &&
              isfinite(r->newton_dist), "step limit with a distance");
    nb_descent_result_free(r);
}

/* Documented budgets (descend's help): steps to |grad| < 1e-10 from
 * (-1, 1). Each must land within 1e-8 of the minimiser (1, 1). */
static void test_rosenbrock_methods(void)
{
    static const struct {
        NbDescentMethod m;
        double rate;
        long budget;
    } cases[] = {
        {NB_DESCENT_MOMENTUM, 0.001, 5300},
        {NB_DESCENT_NESTEROV, 0.001, 5400},
        {NB_DESCENT_ADAM, 0.001, 8700},
        {NB_DESCENT_BACKTRACKING, 0.1, 24000},
        {NB_DESCENT_NEWTON, 0.1, 20},
        {NB_DESCENT_BFGS, 0.1, 20},
    };
    NbObjective obj = {.n = 2, .fg = rosen, .hess = rosen_h};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NbDescentResult *r = run(&obj, cases[i].m, cases[i].rate, 100000, -1, 1);
        const char *name = nb_descent_method_name(cases[i].m);
        CHECK(r && r->verdict == NB_VERDICT_CONVERGED &&
                  r->steps <= cases[i].budget,
              "%s reaches |grad| < 1e-10 within %ld steps (%ld)", name,
              cases[i].budget, r ? r->steps : -1);
        CHECK(r && hypot(last_x(r)[0] - 1, last_x(r)[1] - 1) < 1e-8,
              "%s ends at (1, 1)", name);
        nb_descent_result_free(r);
    }
    /* newton and bfgs: |grad| < 1e-9 within 20 iterations, counted */
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.tol = 1e-9;
    double start[2] = {-1, 1};
    for (int m = NB_DESCENT_NEWTON; m <= NB_DESCENT_BFGS; m++) {
        o.method = (NbDescentMethod)m;
        NbDescentResult *r = nb_descent_run(&obj, &o, start, NULL);
        CHECK(r && r->verdict == NB_VERDICT_CONVERGED && r->steps <= 20 &&
                  r->pt_g[r->npts - 1] < 1e-9,
              "%s: |grad| < 1e-9 in %ld <= 20 iterations", nb_descent_method_name(o.method),
              r ? r->steps : -1);
        CHECK(r && r->fevals > r->steps && r->gevals > r->steps,
              "%s: evaluations counted (%ld f, %ld grad, %ld H)",
              nb_descent_method_name(o.method), r ? r->fevals : 0,
              r ? r->gevals : 0, r ? r->hevals : 0);
        nb_descent_result_free(r);
    }
    /* numeric gradient: bfgs still finds (1, 1) */
    o.method = NB_DESCENT_BFGS;
    o.numeric = 1;
    o.tol = 1e-6;
    NbDescentResult *r = nb_descent_run(&obj, &o, start, NULL);
    CHECK(r && r->verdict == NB_VERDICT_CONVERGED &&
              hypot(last_x(r)[0] - 1, last_x(r)[1] - 1) < 1e-5,
          "numeric gradient bfgs reaches (1, 1)");
    CHECK(r && r->fevals >= 5 * r->gevals, "numeric: 2n+1 f per gradient");
    nb_descent_result_free(r);
}

/* --- saddle, W, plateau, maximum, domain, unbounded ------------------------ */

static void test_saddle(void)
{
    NbObjective obj = {.n = 2, .fg = saddle, .hess = saddle_h};
    NbDescentResult *r = run(&obj, NB_DESCENT_GD, 0.1, 1000, 1, 0);
    CHECK(r && r->verdict == NB_VERDICT_SADDLE && r->kind == NB_POINT_SADDLE,
          "x^2 - y^2 from the x axis: saddle verdict");
    CHECK(r && r->eig[0] == -2 && r->eig[1] == 2, "eigenvalues -2, 2");
    CHECK(r && fabs(r->escape[1]) == 1, "escape along y");
    char *t = r ? nb_descent_verdict_text(r, XY) : NULL;
    CHECK(contains(t, "saddle point") && !contains(t, "minimum ("),
          "saddle text: %s", t);
    free(t);
    nb_descent_result_free(r);

    r = run(&obj, NB_DESCENT_GD, 0.1, 100000, 1, 1e-3);
    CHECK(r && r->verdict == NB_VERDICT_UNBOUNDED, "off the axis: unbounded");
    nb_descent_result_free(r);
}

/* Roots of 4x^3 - 4x + 0.3 by the trigonometric formula for three real
 * roots of t^3 + p t + q (p = -1, q = 0.075). */
static double cubic_root(int k)
{
    double p = -1, q = 0.075;
    double m = 2 * sqrt(-p / 3);
    double th = acos(3 * q / (p * m)) / 3;
    return m * cos(th - 2 * M_PI * k / 3);
}

static void test_w(void)
{
    NbObjective obj = {.n = 1, .fg = wfun, .hess = wfun_h};
    double r0 = cubic_root(0), r1 = cubic_root(1), r2 = cubic_root(2);
    double lo = fmin(r0, fmin(r1, r2)), hi = fmax(r0, fmax(r1, r2));
    NbDescentResult *a = run(&obj, NB_DESCENT_GD, 0.05, 1000, -2, 0);
    NbDescentResult *b = run(&obj, NB_DESCENT_GD, 0.05, 1000, 2, 0);
    CHECK(a && a->verdict == NB_VERDICT_CONVERGED &&
              fabs(last_x(a)[0] - lo) < 1e-9, "W from -2: x = %.12f", lo);
    CHECK(b && b->verdict == NB_VERDICT_CONVERGED &&
              fabs(last_x(b)[0] - hi) < 1e-9, "W from 2: x = %.12f", hi);
    CHECK(a && b && a->pt_f[a->npts - 1] < b->pt_f[b->npts - 1],
          "the left minimum is the lower one");
    nb_descent_result_free(a);
    nb_descent_result_free(b);
    /* started exactly at the hump's top (the middle root): a maximum */
    double mid = r0 + r1 + r2 - lo - hi;
    NbDescentResult *c = run(&obj, NB_DESCENT_GD, 0.05, 1000, mid, 0);
    CHECK(c && c->verdict == NB_VERDICT_MAXIMUM && c->steps == 0,
          "W from its hump: maximum at step 0");
    nb_descent_result_free(c);
}

static void test_plateau_domain(void)
{
    NbObjective s = {.n = 1, .fg = sigm, .hess = sigm_h};
    NbDescentResult *r = run(&s, NB_DESCENT_GD, 0.1, 1000, 40, 0);
    CHECK(r && r->verdict == NB_VERDICT_PLATEAU && r->steps == 0,
          "sigmoid at 40: plateau");
    nb_descent_result_free(r);
    NbObjective q = {.n = 1, .fg = root};
    r = run(&q, NB_DESCENT_GD, 10, 1000, 1, 0);
    CHECK(r && r->verdict == NB_VERDICT_DOMAIN && r->steps == 1,
          "sqrt(x) with rate 10: left the domain at step 1");
    nb_descent_result_free(r);
    /* no Hessian: classification by the numeric one */
    NbObjective b = {.n = 2, .fg = bowl};
    r = run(&b, NB_DESCENT_GD, 0.1, 1000, 1, 1);
    CHECK(r && r->verdict == NB_VERDICT_CONVERGED && r->hess_numeric &&
              fabs(r->eig[0] - 2) < 1e-6, "numeric Hessian classifies");
    nb_descent_result_free(r);
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.method = NB_DESCENT_NEWTON;
    NbDiag d = NB_DIAG_INIT;
    double st[2] = {1, 1};
    CHECK(!nb_descent_run(&b, &o, st, &d) && d.code == NB_ERR_ARGS,
          "newton without a Hessian is refused");
    nb_diag_clear(&d);
}

/* --- trace, interrupt, MPFR, eigen ---------------------------------------- */

static void test_trace_interrupt(void)
{
    NbObjective obj = {.n = 2, .fg = rosen, .hess = rosen_h};
    NbDescentResult *r = run(&obj, NB_DESCENT_GD, 0.00001, 1000000, -1, 1);
    CHECK(r && r->steps == 1000000 && r->npts <= NB_DESCENT_MAX_TRACE + 1 &&
              r->pt_step[0] == 0 && r->pt_step[r->npts - 1] == 1000000,
          "1e6 steps: trace bounded (%zu points, stride %ld)",
          r ? r->npts : 0, r ? r->stride : 0);
    long every = r ? nb_descent_auto_every(r->steps, r->stride) : 0;
    CHECK(every == 100000, "auto every for 1e6 steps: %ld", every);
    CHECK(r && r->stride == 20, "strides go 1, 2, 10, 20: %ld",
          r ? r->stride : 0);
    CHECK(nb_descent_auto_every(7165952, 200) == 500000,
          "a round every for a long interrupted run");
    nb_descent_result_free(r);
    CHECK(nb_descent_auto_every(1000, 1) == 100 &&
              nb_descent_auto_every(119, 1) == 10 &&
              nb_descent_auto_every(5000, 1) == 500 &&
              nb_descent_auto_every(0, 1) == 1, "auto every");

    nb_interrupted = 1;
    r = run(&obj, NB_DESCENT_GD, 0.001, 100000, -1, 1);
    nb_interrupted = 0;
    CHECK(r && r->verdict == NB_VERDICT_INTERRUPTED && r->steps == 0,
          "interrupt flag stops at the first poll");
    nb_descent_result_free(r);
}

static void test_mpfr(void)
{
    const mpfr_prec_t prec = 200;
    NbObjective obj = {.n = 2, .fg = bowl, .hess = bowl_h, .fg_mpfr = bowl_m,
                       .hess_mpfr = bowl_hm};
    mpfr_t start[2], rate, x, y, t;
    mpfr_inits2(prec, start[0], start[1], rate, x, y, t, (mpfr_ptr)0);
    mpfr_set_si(x, -8, MPFR_RNDN);
    mpfr_set_si(y, 6, MPFR_RNDN);
    mpfr_set_ui(rate, 1, MPFR_RNDN);
    mpfr_div_ui(rate, rate, 10, MPFR_RNDN);
    __mpfr_struct s[2];
    mpfr_init2(&s[0], prec);
    mpfr_init2(&s[1], prec);
    mpfr_set(&s[0], x, MPFR_RNDN);
    mpfr_set(&s[1], y, MPFR_RNDN);
    for (int i = 0; i < 20; i++) {   /* x = x - rate*(2x) at 200 bits */
        mpfr_mul_ui(t, x, 2, MPFR_RNDN);
        mpfr_mul(t, rate, t, MPFR_RNDN);
        mpfr_sub(x, x, t, MPFR_RNDN);
        mpfr_mul_ui(t, y, 2, MPFR_RNDN);
        mpfr_mul(t, rate, t, MPFR_RNDN);
        mpfr_sub(y, y, t, MPFR_RNDN);
    }
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.steps = 20;
    NbDescentExact ex = {.rate = rate};
    NbDescentResult *r = nb_descent_run_mpfr(&obj, &o, &ex, prec, s, NULL);
    CHECK(r && r->m_x && r->prec == prec, "mpfr run");
    CHECK(r && mpfr_equal_p(r->m_x + (r->npts - 1) * 2, x) &&
              mpfr_equal_p(r->m_x + (r->npts - 1) * 2 + 1, y),
          "mpfr: 200-bit loop with rate exactly 1/10 matches");
    /* 0.8^20 exactly is 2^60/5^20... compare with the closed form */
    mpfr_set_ui(t, 4, MPFR_RNDN);
    mpfr_div_ui(t, t, 5, MPFR_RNDN);
    mpfr_pow_ui(t, t, 20, MPFR_RNDN);
    mpfr_mul_si(t, t, -8, MPFR_RNDN);
    mpfr_sub(t, t, x, MPFR_RNDN);
    CHECK(mpfr_cmpabs_ui(t, 0) >= 0 && mpfr_get_d(t, MPFR_RNDN) < 1e-55 &&
              mpfr_get_d(t, MPFR_RNDN) > -1e-55, "mpfr: -8*0.8^20 to 1e-55");
    nb_descent_result_free(r);
    o.steps = 1000;
    o.method = NB_DESCENT_BFGS;
    r = nb_descent_run_mpfr(&obj, &o, &ex, prec, s, NULL);
    CHECK(r && r->verdict == NB_VERDICT_CONVERGED, "mpfr bfgs converges");
    nb_descent_result_free(r);
    o.method = NB_DESCENT_NEWTON;
    r = nb_descent_run_mpfr(&obj, &o, &ex, prec, s, NULL);
    CHECK(r && r->verdict == NB_VERDICT_CONVERGED && r->steps == 1,
          "mpfr newton: one step on a quadratic");
    nb_descent_result_free(r);
    /* no exact options: the double rate 0.125 is exact, so 20 steps give
     * x = -8 * (1 - 2/8)^20 = -8 * 3^20 / 4^20 exactly at 200 bits */
    o.method = NB_DESCENT_GD;
    o.steps = 20;
    o.rate = 0.125;
    o.tol = 0;
    r = nb_descent_run_mpfr(&obj, &o, NULL, prec, s, NULL);
    mpfr_set_ui(t, 3, MPFR_RNDN);
    mpfr_div_ui(t, t, 4, MPFR_RNDN);
    mpfr_pow_ui(t, t, 20, MPFR_RNDN);
    mpfr_mul_si(t, t, -8, MPFR_RNDN);
    CHECK(r && r->steps == 20 && mpfr_equal_p(r->m_x + (r->npts - 1) * 2, t),
          "mpfr without exact options: x = -8*(3/4)^20 exactly");
    nb_descent_result_free(r);
    NbObjective donly = {.n = 2, .fg = bowl};
    NbDiag d = NB_DIAG_INIT;
    r = nb_descent_run_mpfr(&donly, &o, NULL, prec, s, &d);
    CHECK(!r && d.code == NB_ERR_ARGS, "an objective without MPFR code");
    CHECK_STR(d.msg, "this objective cannot be evaluated in MPFR",
              "is refused at MPFR precision");
    nb_diag_clear(&d);
    mpfr_clears(start[0], start[1], rate, x, y, t, (mpfr_ptr)0);
    mpfr_clear(&s[0]);
    mpfr_clear(&s[1]);
}

/* The double gd loop has a specialised fast path; it must agree with the
 * generic loop on everything: each trace point, counters and verdicts. */
extern int nbi_descent_no_fast;


static void test_fast_path(void)
{
    static NbObjective objs[] = {
        {.n = 2, .fg = bowl, .hess = bowl_h},
        {.n = 2, .fg = rosen, .hess = rosen_h},
        {.n = 2, .fg = saddle, .hess = saddle_h},
        {.n = 1, .fg = wfun, .hess = wfun_h},
        {.n = 1, .fg = root},
        {.n = 1, .fg = sigm, .hess = sigm_h},
    };
    static const struct {
        int obj;
        double rate, x0, y0;
        long steps;
    } cases[] = {
        {0, 0.1, -8, 6, 20},   {0, 0.9, -8, 6, 1000}, {0, 1.0, -8, 6, 1000},
        {0, 1.1, -8, 6, 1000}, {1, 0.001, -1, 1, 5000},
        {1, 0.00001, -1, 1, 200000}, {2, 0.1, 1, 0, 1000},
        {2, 0.1, 1, 1e-3, 100000}, {3, 0.05, -2, 0, 1000},
        {3, 0.6, 2, 0, 1000}, {4, 10, 1, 0, 10}, {5, 0.1, 40, 0, 10},
        {0, 1e-300, 1, 1, 100},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NbObjective *o = &objs[cases[i].obj];
        NbDescentResult *a = run(o, NB_DESCENT_GD, cases[i].rate,
                                 cases[i].steps, cases[i].x0, cases[i].y0);
        nbi_descent_no_fast = 1;
        NbDescentResult *b = run(o, NB_DESCENT_GD, cases[i].rate,
                                 cases[i].steps, cases[i].x0, cases[i].y0);
        nbi_descent_no_fast = 0;
        CHECK(same_result(a, b), "fast gd = generic gd, case %zu (%s)", i,
              a ? nb_verdict_name(a->verdict) : "?");
        nb_descent_result_free(a);
        nb_descent_result_free(b);
    }
}

static void test_eigen(void)
{
    /* [[2,1,0],[1,2,1],[0,1,2]]: eigenvalues 2 - sqrt2, 2, 2 + sqrt2 */
    double a[9] = {2, 1, 0, 1, 2, 1, 0, 1, 2}, e[3], v[9];
    nb_symmetric_eigen(3, a, e, v);
    CHECK(fabs(e[0] - (2 - sqrt(2))) < 1e-14 && fabs(e[1] - 2) < 1e-14 &&
              fabs(e[2] - (2 + sqrt(2))) < 1e-14, "jacobi 3x3");
    double av = 0;   /* A v0 = e0 v0 */
    for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int k = 0; k < 3; k++)
            s += a[i * 3 + k] * v[k * 3];
        av = fmax(av, fabs(s - e[0] * v[i * 3]));
    }
    CHECK(av < 1e-14, "eigenvector of the smallest eigenvalue");
    double z[4] = {0, 0, 0, 0}, ez[2];
    nb_symmetric_eigen(2, z, ez, NULL);
    CHECK(nb_classify_eigen(2, ez) == NB_POINT_FLAT, "zero matrix: flat");
    double d1[2] = {0, 3}, d2[2] = {-1, 3}, d3[2] = {-3, -1};
    CHECK(nb_classify_eigen(2, d1) == NB_POINT_DEGENERATE &&
              nb_classify_eigen(2, d2) == NB_POINT_SADDLE &&
              nb_classify_eigen(2, d3) == NB_POINT_MAXIMUM, "classify");
}

static void test_names(void)
{
    for (int m = 0; m < NB_DESCENT__COUNT; m++)
        CHECK(nb_descent_method_lookup(nb_descent_method_name(m)) == m,
              "method name %s", nb_descent_method_name(m));
    CHECK(nb_descent_method_lookup("sgd") == -1, "unknown method");
    for (int v = 0; v < NB_VERDICT__COUNT; v++)
        CHECK(strcmp(nb_verdict_name(v), "?") != 0, "verdict name %d", v);
}

/* --- compiled from expressions --------------------------------------------- */

/* The other evaluators of a compiled objective: the numeric gradient of an
 * f-only one in double, f, gradient and Hessian in MPFR, and
 * nb_objective_hess_error. q = x^2 + 3xy + 5y^2: gradient (2x + 3y,
 * 3x + 10y), Hessian [[2, 3], [3, 10]], exact at small integers. */
static void test_compiled_paths(NbStore *st, const NbExpr *const *vars)
{
    const NbExpr *x = vars[0], *y = vars[1];
    const NbExpr *q = nb_add(st, 3, (const NbExpr *[]){
        nb_pow_si(st, x, 2), nb_mul(st, 3, (const NbExpr *[]){nb_num_si(st, 3), x, y}),
        nb_mul2(st, nb_num_si(st, 5), nb_pow_si(st, y, 2))});
    NbDiag d = NB_DIAG_INIT;
    /* f only: central differences with h = 2^-17 max(1, |x|), exact on a
     * quadratic at integers (every node and square is representable) */
    NbObjective *o = nb_objective_compile(st, q, 2, vars, NB_PREC_DOUBLE, 0, &d);
    double pt[2] = {3, -2}, f = 0, g[2] = {0, 0}, h[4];
    if (o)
        o->fg(o->ctx, pt, &f, g);
    CHECK(o && f == 9 - 18 + 20 && g[0] == 0 && g[1] == -11,
          "f-only objective: f = 11, numeric gradient (0, -11) (got %g, %g, %g)",
          f, g[0], g[1]);
    CHECK(o && o->hess(o->ctx, pt, h) == 0 && h[0] == 2 && h[1] == 3 && h[2] == 3
              && h[3] == 10 && nb_objective_hess_error(o) == NULL,
          "its Hessian, compiled on first use: [[2, 3], [3, 10]]");
    CHECK(o && !o->fg_mpfr && !o->hess_mpfr, "a double objective has no MPFR evaluators");
    nb_objective_free(o);
    CHECK(nb_objective_hess_error(NULL) == NULL, "no objective, no Hessian error");

    /* MPFR at 128 bits: f and gradient as one program, the Hessian; an
     * f-only objective leaves a gradient asked of it at NaN */
    /* fg_mpfr takes x and g as arrays of n consecutive mpfr_t */
    mpfr_t xs[2], gs[2], mf;
    mpfr_inits2(128, xs[0], xs[1], gs[0], gs[1], mf, (mpfr_ptr)0);
    for (int i = 0; i < 2; i++)
        mpfr_set_d(xs[i], pt[i], MPFR_RNDN);
    for (int sym = 1; sym >= 0; sym--) {
        o = nb_objective_compile(st, q, 2, vars, 128, sym, &d);
        if (!o || !o->fg_mpfr || !o->hess_mpfr) {
            CHECK(0, "an MPFR objective (symbolic gradient %d) compiles", sym);
            nb_objective_free(o);
            continue;
        }
        mpfr_set_ui(gs[0], 7, MPFR_RNDN);
        o->fg_mpfr(o->ctx, xs[0], mf, gs[0]);
        if (sym)
            CHECK(mpfr_cmp_ui(mf, 11) == 0 && mpfr_zero_p(gs[0]) && mpfr_cmp_si(gs[1], -11) == 0,
                  "MPFR objective: f = 11, gradient (0, -11)");
        else
            CHECK(mpfr_cmp_ui(mf, 11) == 0 && mpfr_nan_p(gs[0]) && mpfr_nan_p(gs[1]),
                  "MPFR f-only objective: f = 11, a gradient asked of it is NaN");
        o->fg_mpfr(o->ctx, xs[0], mf, NULL);
        CHECK(mpfr_cmp_ui(mf, 11) == 0, "MPFR objective, f alone (symbolic gradient %d)", sym);
        mpfr_t hs[4];
        mpfr_inits2(128, hs[0], hs[1], hs[2], hs[3], (mpfr_ptr)0);
        CHECK(o->hess_mpfr(o->ctx, xs[0], hs[0]) == 0 && mpfr_cmp_ui(hs[0], 2) == 0
                  && mpfr_cmp_ui(hs[1], 3) == 0 && mpfr_cmp_ui(hs[2], 3) == 0
                  && mpfr_cmp_ui(hs[3], 10) == 0,
              "MPFR Hessian [[2, 3], [3, 10]] (symbolic gradient %d)", sym);
        mpfr_clears(hs[0], hs[1], hs[2], hs[3], (mpfr_ptr)0);
        nb_objective_free(o);
    }
    mpfr_clears(xs[0], xs[1], gs[0], gs[1], mf, (mpfr_ptr)0);
    nb_diag_clear(&d);
}

static void test_compiled(void)
{
    NbStore *st = nb_store_new();
    const NbExpr *x = nb_sym(st, "x"), *y = nb_sym(st, "y");
    const NbExpr *vars[2] = {x, y};
    /* (1 - x)^2 + 100*(y - x^2)^2 */
    const NbExpr *a = nb_sub(st, nb_num_si(st, 1), x);
    const NbExpr *b = nb_sub(st, y, nb_pow_si(st, x, 2));
    const NbExpr *f = nb_add2(st, nb_pow_si(st, a, 2),
                              nb_mul2(st, nb_num_si(st, 100),
                                      nb_pow_si(st, b, 2)));
    NbDiag d = NB_DIAG_INIT;
    NbObjective *obj = nb_objective_compile(st, f, 2, vars, NB_PREC_DOUBLE,
                                            1, &d);
    CHECK(obj != NULL, "compile rosenbrock: %s", d.msg ? d.msg : "ok");
    if (obj) {
        double xx = -1, yy = 1;
        for (int i = 0; i < 5000; i++) {
            double p = 1 - xx, t = yy - xx * xx;
            double gx = -2 * p - 400 * xx * t, gy = 200 * t;
            xx = xx - 0.001 * gx;
            yy = yy - 0.001 * gy;
        }
        NbDescentResult *r = run(obj, NB_DESCENT_GD, 0.001, 5000, -1, 1);
        CHECK(r && fabs(last_x(r)[0] - xx) <= 1e-12 &&
                  fabs(last_x(r)[1] - yy) <= 1e-12,
              "compiled rosenbrock ends where the C loop ends");
        nb_descent_result_free(r);
        r = run(obj, NB_DESCENT_NEWTON, 0.1, 100, -1, 1);
        CHECK(r && r->verdict == NB_VERDICT_CONVERGED && r->steps <= 20,
              "compiled newton with the symbolic Hessian");
        nb_descent_result_free(r);
        nb_objective_free(obj);
    }
    nb_diag_clear(&d);
    /* the seed's bowl, compiled: gradient 2*x, bit-identical path */
    const NbExpr *g = nb_add2(st, nb_pow_si(st, x, 2), nb_pow_si(st, y, 2));
    obj = nb_objective_compile(st, g, 2, vars, NB_PREC_DOUBLE, 1, &d);
    if (obj) {
        double xx = -8, yy = 6;
        for (int i = 0; i < 20; i++)
            xx = xx - 0.1 * (2 * xx), yy = yy - 0.1 * (2 * yy);
        NbDescentResult *r = run(obj, NB_DESCENT_GD, 0.1, 20, -8, 6);
        CHECK(r && last_x(r)[0] == xx && last_x(r)[1] == yy,
              "compiled seed bowl: bit-identical");
        nb_descent_result_free(r);
        nb_objective_free(obj);
    }
    nb_diag_clear(&d);
    test_compiled_paths(st, vars);
    nb_store_free(st);
}

int main(void)
{
    test_seed_bowl();
    test_rates();
    test_rosenbrock_gd();
    test_rosenbrock_methods();
    test_saddle();
    test_w();
    test_plateau_domain();
    test_trace_interrupt();
    test_mpfr();
    test_fast_path();
    test_eigen();
    test_names();
    if (!getenv("NB_DESCENT_CORE_ONLY"))
        test_compiled();
    mpfr_free_cache();
    return check_done();
}
