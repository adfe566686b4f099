/* test_jit.c — the x86-64 JIT (src/exec/jit.h) against the interpreter
 * (vm_double.c), which oracle_vm checks against MPFR: the same bits at
 * every point, both entry points (one point; registers in place), on
 * random seeded programs (NB_TEST_SEED replays) over every built-in and
 * special inputs (0, -0, inf, NaN, huge, tiny), on programs with more
 * registers or variables than xmm registers, on every opcode the double
 * stream has, and through descent (identical paths with the JIT on and
 * off). A NaN must be a NaN: its sign and payload are not fixed by C (the
 * compiler may commute a + b), as in oracle_vm. Where the JIT is not built
 * (not x86-64, --disable-jit, NABLA_JIT=0) nbi_jit_prepare returns NULL and
 * only the fallback is checked.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/nabla.h"
#include "exec/compile_internal.h"
#include "exec/jit.h"
#include "mathfn/block_math.h"
#include "descent/descent_internal.h"
#include "check.h"
#include "same_descent.h"

#define NEXPR 1500      /* a tenth under valgrind */
#define NPTS 40
#define NVARS 3
#include "rand_expr.h"

static int have_jit;    /* the JIT translates programs in this build */
static int seen[NB_OP__COUNT];

/* --- random expressions (the shapes of oracle_vm.c) ----------------------- */

static Ex gen(int depth);

static Ex exponent(int depth)
{
    static const long p[] = {2, 3, -1, -2, 1, -1, 3, 5, 1, 7, 4, 6};
    static const unsigned long q[] = {1, 1, 1, 1, 2, 2, 2, 1, 3, 1, 1, 1};
    int k = rnd(14);
    if (k == 12)
        return nb_flt_double(st, 0.7);
    if (k == 13)
        return gen(depth);
    return nb_num_frac(st, p[k], q[k]);
}

static Ex gen(int depth)
{
    int r = rnd(100);
    if (depth == 0 || r < 20)
        return leaf();
    if (r < 42) {
        int f;
        do
            f = rnd(NB_FN__COUNT);
        while (nb_builtins[f].flags & NB_BF_LOWERS);
        size_t n = (size_t)nb_builtins[f].min_args;
        Ex a[2] = {gen(depth - 1), n > 1 ? gen(depth - 1) : NULL};
        return node(NB_FN, f, n, a);
    }
    if (r < 60) {
        Ex t[4];
        size_t n = 2 + (size_t)rnd(3);
        for (size_t i = 0; i < n; i++) {
            t[i] = gen(depth - 1);
            if (rnd(2))
                t[i] = node(NB_MUL, 0, 2, (Ex[]){nb_num_frac(st, rnd(2) ? -1 : 3, 2), t[i]});
        }
        return node(NB_ADD, 0, n, t);
    }
    if (r < 75) {
        Ex t[3];
        size_t n = 2 + (size_t)rnd(2);
        for (size_t i = 0; i < n; i++)
            t[i] = rnd(4) ? gen(depth - 1)
                          : node(NB_POW, 0, 2, (Ex[]){gen(depth - 1), num(-1 - rnd(2))});
        return node(NB_MUL, 0, n, t);
    }
    if (r < 90)
        return node(NB_POW, 0, 2, (Ex[]){gen(depth - 1), exponent(depth - 1)});
    return polynomial(rnd(3) ? V[rnd(NVARS)] : gen(depth - 1));
}

static double point(void)
{
    static const double special[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY,
                                     NAN, 1e300, -1e-300, 0.5, 2.0, 4.9e-324};
    switch (rnd(10)) {
    case 0:
    case 1: return special[rnd(12)];
    case 2: return (rnd(2) ? 1 : -1) * pow(10, unif() * 10 - 5);
    default: return (unif() - 0.5) * 6;
    }
}

/* --- comparison ----------------------------------------------------------- */


/* Runs p at npts points x (nvars each) on the interpreter, on both JIT
 * entries and through nb_program_point_fn(); 1 when all agree. *jitted:
 * the JIT took p. */
static int agree(const NbProgram *p, size_t npts, const double *x, int *jitted)
{
    size_t nv = p->nvars, no = p->nout, nr = nb_program_scratch(p);
    double *r1 = calloc(nr + 1, sizeof *r1), *r2 = calloc(nr + 1, sizeof *r2);
    double *r3 = calloc(nr + 1, sizeof *r3), *o1 = calloc(no + 1, sizeof *o1);
    double *o2 = calloc(no + 1, sizeof *o2), *o3 = calloc(no + 1, sizeof *o3);
    double *o4 = calloc(no + 1, sizeof *o4);
    NbPointFn *f = nb_program_point_fn(p);
    const NbJit *j = nbi_jit_prepare(p);
    int ok = !j || f == j->point;
    *jitted = j != NULL;
    if (j)
        for (const NbIns *in = p->dbl.ins; in->op != NB_OP_END; in++)
            seen[in->op] = 1;
    for (size_t k = 0; k < npts && ok; k++) {
        const double *xk = x + k * nv;
        nbi_run_double_vm(p, xk, o1, r1);
        nb_run_double(p, xk, o2, r2);   /* the JIT's point entry, if any */
        memcpy(r3, xk, nv * sizeof *xk);
        nbi_run_double_regs(p, r3);
        f(p, xk, o4, r2);
        for (size_t o = 0; o < no; o++) {
            o3[o] = r3[p->dbl.outreg[o]];
            if (!same_bits(o1[o], o2[o]) || !same_bits(o1[o], o3[o])
                || !same_bits(o1[o], o4[o])) {
                printf("# point %zu output %zu: vm %a jit %a regs %a "
                       "point_fn %a\n", k, o, o1[o], o2[o], o3[o], o4[o]);
                ok = 0;
            }
        }
    }
    free(r1), free(r2), free(r3), free(o1), free(o2), free(o3), free(o4);
    return ok;
}

static void print_listing(const NbProgram *p)
{
    char *s = nb_program_listing(p, 0);
    printf("%s", s);
    free(s);
}

/* --- 1. random programs ------------------------------------------------- */

static void test_random(unsigned long seed)
{
    const char *vg = getenv("VALGRIND");
    int nexpr = vg && *vg ? NEXPR / 10 : NEXPR, bad = 0, jitted = 0, big = 0;
    double x[NPTS * NVARS];
    rng = seed * 2654435761u + 1;
    for (int e = 0; e < nexpr; e++) {
        Ex outs[3];
        size_t nout = 1 + (size_t)rnd(3);
        for (size_t o = 0; o < nout; o++)
            outs[o] = gen(2 + rnd(4));
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, nout, outs, NVARS, V, &d);
        nb_diag_clear(&d);
        if (!p)
            continue;
        for (size_t k = 0; k < NPTS * NVARS; k++)
            x[k] = point();
        int jt;
        if (!agree(p, NPTS, x, &jt)) {
            if (bad++ < 5)
                print_listing(p);
        }
        jitted += jt;
        big += jt && nb_program_scratch(p) > 12;
        nb_program_free(p);
    }
    CHECK(bad == 0, "%d random programs: JIT == interpreter bit for bit at "
          "%d points each (%d failed)", nexpr, NPTS, bad);
    CHECK(!have_jit || jitted >= nexpr * 9 / 10,
          "the JIT translates the random programs (%d of %d)", jitted, nexpr);
    CHECK(!have_jit || big > 0, "some take more registers than xmm (%d)", big);
}

/* --- 2. each opcode, shapes chosen to produce it ------------------------ */

static void test_opcodes(void)
{
    static const char *const texts[] = {
        "x", "3", "x + y", "x - y", "x*y", "x/y", "x + 3", "x - 3", "x*3",
        "x/3", "3 - x", "3/x", "-x", "x^2", "sqrt(x)", "x^(-1/2)", "1/sqrt(x)",
        "x*y + z", "z - x*y", "3*x + y", "x^2 + y", "(x-y)^2", "(x+3)^2",
        "(3-x)^2", "(z - x*y)^2", "(y - x^2)^2", "(x^2 - y)^2", "exp(3*x)", "2/(x+3)", "x/(y+3)", "x^y", "x^0.7", "2^x",
        "x^3 + 2*x^2 - x + 5", "x^5 - x", "sin(x)", "cos(x)", "exp(x)",
        "log(x)", "tanh(x)", "1/(1+exp(-x))", "sigmoid(x)", "atan(x)",
        "abs(x)", "relu(x)", "erf(x)", "gamma(x)", "atan2(x, y)", "max(x, y)",
        "sinh(x)*cosh(y)", "log(x)*exp(y) - sin(z)/cos(x)",
        "x*y*z + exp(x*y) + sin(x*z)^2 + (x - y)^3",
    };
    static const double pts[] = {0.5, -0.25, 2.0, 0.0, -0.0, 1.0, 3.0, -2.0,
                                 0.75, INFINITY, 1.5, -1.0, NAN, 2.0, 0.1,
                                 -INFINITY, 1e-310, 700.0, 1e300, -1e300, 5.0,
                                 4.0, 9.0, 1e-5};
    const size_t npts = sizeof pts / sizeof pts[0] / NVARS;
    int bad = 0, jitted = 0, n = 0;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        Ex e = nb_expr_parse(st, texts[i], NULL);
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = e ? nb_compile(st, 1, &e, NVARS, V, &d) : NULL;
        nb_diag_clear(&d);
        if (!p) {
            printf("# not compiled: %s\n", texts[i]);
            bad++;
            continue;
        }
        int jt;
        if (!agree(p, npts, pts, &jt)) {
            printf("# differs: %s\n", texts[i]);
            bad++;
        }
        n++;
        jitted += jt;
        nb_program_free(p);
    }
    CHECK(bad == 0, "%d programs, one per opcode: JIT == interpreter", n);
    CHECK(!have_jit || jitted == n, "the JIT takes all of them (%d of %d)",
          jitted, n);
}

/* Each instruction of p replaced in turn by every other opcode with the
 * same operand roles (ADDK by SUBK, KDIV, EXPK...; NEG by MOV, SIN, RELU...):
 * opcodes the compiler rarely or never emits, on valid programs. */
static int mutants(NbProgram *p, int *n)
{
    int ok = 1;
    for (size_t i = 0; i + 1 < p->dbl.nins; i++) {
        NbIns *in = &p->dbl.ins[i];
        uint16_t op0 = in->op;
        for (int op = 0; op < NB_OP_END; op++) {
            if (op == op0 || op == NB_OP_POLY || op == NB_OP_POWI ||
                op == NB_OP_CALL1 || op == NB_OP_CALL2 ||
                strcmp(nbi_op_sigs[op], nbi_op_sigs[op0]) != 0)
                continue;
            in->op = (uint16_t)op;
            nbi_jit_free(atomic_exchange(&p->jit, NULL));
            static const double pts[] = {0.5, -0.25, 2.0, 0.0, -0.0, 3.0,
                                         -2.0, INFINITY, 1.5, NAN, 1e-310,
                                         700, -1e300, 4.0, 9.0};
            int jt;
            if (!agree(p, sizeof pts / sizeof pts[0] / NVARS, pts, &jt)) {
                printf("# mutant: instruction %zu as %s\n", i, nbi_op_names[op]);
                ok = 0;
            }
            (*n)++;
        }
        in->op = op0;
        nbi_jit_free(atomic_exchange(&p->jit, NULL));
    }
    return ok;
}

static void test_mutants(void)
{
    static const char *const texts[] = {
        "x + 3", "x*y", "sqrt(x)", "x*y + z", "3*x + y", "x^2 + y",
        "2/(x+3)", "x/(y+3)", "(x-y)^2*z", "exp(x)*sin(y) - x/(z+1)",
    };
    int n = 0, bad = 0;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        Ex e = nb_expr_parse(st, texts[i], NULL);
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = e ? nb_compile(st, 1, &e, NVARS, V, &d) : NULL;
        nb_diag_clear(&d);
        bad += !p || !mutants(p, &n);
        nb_program_free(p);
    }
    CHECK(bad == 0, "%d mutant programs: JIT == interpreter", n);
}

/* After the hand-made and random programs: every opcode of the double
 * stream (POWI is the MPFR stream's) was translated and checked. */
static void test_coverage(void)
{
    if (!have_jit)
        return;
    for (int op = 0; op < NB_OP_END; op++)
        if (op != NB_OP_POWI)
            CHECK(seen[op], "opcode %s translated and checked", nbi_op_names[op]);
}

/* --- 3. more registers and variables than xmm registers ----------------- */

static void test_many(void)
{
    enum { NV = 20, NO = 24 };
    Ex vars[NV], outs[NO];
    for (int v = 0; v < NV; v++) {
        char name[8];
        snprintf(name, sizeof name, "v%d", v);
        vars[v] = nb_sym(st, name);
    }
    /* outputs held to the end: at least NO + NV registers */
    for (int o = 0; o < NO; o++) {
        Ex a = vars[o % NV], b = vars[(o * 7 + 3) % NV];
        Ex t = node(NB_MUL, 0, 2, (Ex[]){a, b});
        Ex s = node(NB_FN, NB_FN_SIN, 1, (Ex[]){node(NB_ADD, 0, 2, (Ex[]){t, vars[(o + 5) % NV]})});
        outs[o] = node(NB_ADD, 0, 3, (Ex[]){s, node(NB_POW, 0, 2, (Ex[]){a, num(3)}),
                                           node(NB_FN, NB_FN_EXP, 1, (Ex[]){b})});
    }
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, NO, outs, NV, vars, &d);
    nb_diag_clear(&d);
    CHECK(p != NULL && nb_program_scratch(p) > 12 + NV / 2,
          "a program with %zu registers", p ? nb_program_scratch(p) : 0);
    if (!p)
        return;
    double x[5 * NV];
    rng = 12345;
    for (size_t k = 0; k < 5 * NV; k++)
        x[k] = point();
    int jt;
    CHECK(agree(p, 5, x, &jt), "%d variables, %d outputs: JIT == interpreter",
          NV, NO);
    CHECK(!have_jit || jt, "and the JIT takes it");
    nb_program_free(p);
}

/* --- 4. lazy compilation and the switch -------------------------------- */

static void test_lazy(void)
{
    Ex e = nb_expr_parse(st, "(1-x)^2 + 100*(y-x^2)^2", NULL);
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &e, 2, V, &d);
    nb_diag_clear(&d);
    double x[2] = {0.5, -1}, out, r[64];
    int ok = p != NULL && nb_program_scratch(p) <= 64;
    for (unsigned k = 0; ok && k < NB_JIT_AFTER - 1; k++) {
        nb_run_double(p, x, &out, r);
        ok = atomic_load(&p->jit) == NULL && out == 0.25 + 100 * 1.25 * 1.25;
    }
    CHECK(ok, "no code before %d runs", NB_JIT_AFTER);
    nb_run_double(p, x, &out, r);
    NbJit *j = p ? atomic_load(&p->jit) : NULL;
    CHECK(!have_jit || (j && j->point), "code after %d runs", NB_JIT_AFTER);
    CHECK(out == 0.25 + 100 * 1.25 * 1.25, "and the value is right: %g", out);
    nb_program_free(p);

    /* a caller announcing a loop gets the code at once */
    p = nb_compile(st, 1, &e, 2, V, &d);
    NbPointFn *f = p ? nb_program_point_fn(p) : NULL;
    j = p ? atomic_load(&p->jit) : NULL;
    CHECK(f && (!have_jit || (j && j->point && f == j->point)),
          "nb_program_point_fn: the native code before any run");
    if (f)
        f(p, x, &out, r);
    CHECK(out == 0.25 + 100 * 1.25 * 1.25, "and its value is right: %g", out);
    nb_program_free(p);

    nbi_jit_off = 1;
    p = nb_compile(st, 1, &e, 2, V, &d);
    CHECK(p && nbi_jit_prepare(p) == NULL, "nbi_jit_off: interpreted");
    out = 0;
    f = p ? nb_program_point_fn(p) : NULL;
    if (f)
        f(p, x, &out, r);
    CHECK(out == 0.25 + 100 * 1.25 * 1.25,
          "nb_program_point_fn without the JIT: the interpreter, %g", out);
    nb_program_free(p);
    nbi_jit_off = 0;
}

/* --- 5. descent: the same path with the JIT on and off -------------------- */

static int descents_jitted;

static NbDescentResult *descend(const char *f, const char *vars, int method,
                                const double *start, double rate, long steps,
                                int jit)
{
    const NbExpr *e = nb_expr_parse(st, f, NULL), *vs[4];
    size_t n = strlen(vars);
    for (size_t k = 0; k < n; k++) {
        char name[2] = {vars[k], 0};
        vs[k] = nb_sym(st, name);
    }
    nbi_jit_off = !jit;
    NbDiag d = NB_DIAG_INIT;
    NbObjective *obj = e ? nb_objective_compile(st, e, n, vs, NB_PREC_DOUBLE,
                                                1, &d) : NULL;
    NbDescentOpts o;
    nb_descent_opts_default(&o);
    o.rate = rate;
    o.steps = steps;
    o.method = (NbDescentMethod)method;
    NbDescentResult *r = obj ? nb_descent_run(obj, &o, start, &d) : NULL;
    nb_diag_clear(&d);
    const NbProgram *p = obj ? nbi_objective_fg_program(obj) : NULL;
    if (p && atomic_load(&p->jit) && atomic_load(&p->jit)->point)
        descents_jitted++;
    nb_objective_free(obj);
    nbi_jit_off = 0;
    return r;
}

static void test_descent(void)
{
    static const struct {
        const char *f, *vars;
        double x0[4], rate;
        long steps;
        int method;
    } cases[] = {
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 0.001, 5000, NB_DESCENT_GD},
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 0.001, 3000, NB_DESCENT_ADAM},
        {"(1-x)^2 + 100*(y-x^2)^2", "xy", {-1, 1}, 0.001, 200, NB_DESCENT_BFGS},
        {"x^2 + y^2", "xy", {-8, 6}, 1.1, 1000, NB_DESCENT_GD},
        {"x*y", "xy", {0.5, -0.25}, 0.1, 500, NB_DESCENT_GD},
        {"x^4 - 2*x^2 + 0.3*x", "x", {-2}, 0.05, 1000, NB_DESCENT_MOMENTUM},
        {"sin(x)*cos(y) + 0.1*(x^2 + y^2) + exp(-z^2) + z^2", "xyz",
         {1, -2, 0.5}, 0.05, 2000, NB_DESCENT_GD},
        {"(x-1)^2 + (y+z)^2 + w^4 + x*w + tanh(x*y*z*w)", "xyzw",
         {1, 2, 3, -1}, 0.01, 2000, NB_DESCENT_GD},
        {"log(1 + exp(x)) + atan(y)^2 + sqrt(1 + x^2*y^2)", "xy", {2, 3},
         0.1, 2000, NB_DESCENT_NESTEROV},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NbDescentResult *a = descend(cases[i].f, cases[i].vars, cases[i].method,
                                     cases[i].x0, cases[i].rate, cases[i].steps, 0);
        NbDescentResult *b = descend(cases[i].f, cases[i].vars, cases[i].method,
                                     cases[i].x0, cases[i].rate, cases[i].steps, 1);
        CHECK(a && same_result(a, b), "descent %s (method %d): the same path "
              "with the JIT (%ld steps, %zu points)", cases[i].f,
              cases[i].method, a ? a->steps : -1L, a ? a->npts : (size_t)0);
        nb_descent_result_free(a);
        nb_descent_result_free(b);
    }
    CHECK(!have_jit || descents_jitted == (int)(sizeof cases / sizeof cases[0]),
          "the JIT ran the [f, grad] program of every descent (%d)",
          descents_jitted);
}

/* --- 6. the block entry: arithmetic programs over whole blocks ------------ */

/* Arithmetic only, every opcode the block entry translates: sums and
 * products with constants (ADDK ... KDIV, MULADD, MULSUB, MULKADD),
 * squares and their fusions, k/(a + k), a/(b + k), sqrt, 1/sqrt, abs,
 * negation. */
static Ex gen_arith(int depth)
{
    if (depth == 0 || rnd(8) == 0)
        return leaf();
    Ex a = gen_arith(depth - 1), b = gen_arith(depth - 1);
    Ex k = number();
    switch (rnd(12)) {
    case 0: return node(NB_ADD, 0, 2, (Ex[]){a, b});
    case 1: return node(NB_ADD, 0, 2, (Ex[]){a, node(NB_MUL, 0, 2, (Ex[]){num(-1), b})});
    case 2: return node(NB_MUL, 0, 2, (Ex[]){a, rnd(2) ? b : k});
    case 3: return node(NB_MUL, 0, 2, (Ex[]){rnd(2) ? a : k,
                                              node(NB_POW, 0, 2, (Ex[]){b, num(-1)})});
    case 4: return node(NB_ADD, 0, 2, (Ex[]){node(NB_MUL, 0, 2, (Ex[]){a, rnd(2) ? b : k}),
                                             gen_arith(depth - 1)});
    case 5: return node(NB_ADD, 0, 2, (Ex[]){gen_arith(depth - 1),
                                             node(NB_MUL, 0, 3, (Ex[]){num(-1), a, b})});
    case 6: return node(NB_POW, 0, 2, (Ex[]){rnd(2) ? a : node(NB_ADD, 0, 2, (Ex[]){a, rnd(2) ? k
                                      : node(NB_MUL, 0, 2, (Ex[]){num(-1), b})}), num(2)});
    case 7: return node(NB_POW, 0, 2, (Ex[]){node(NB_ADD, 0, 2, (Ex[]){a,
                            node(NB_MUL, 0, 2, (Ex[]){num(-1), node(NB_POW, 0, 2,
                                (Ex[]){b, num(2)})})}), num(2)});
    case 8: return node(NB_POW, 0, 2, (Ex[]){a, nb_num_frac(st, rnd(2) ? 1 : -1, 2)});
    case 9: return node(NB_FN, NB_FN_ABS, 1, &a);
    case 10: return node(NB_MUL, 0, 2, (Ex[]){rnd(2) ? k : a, node(NB_POW, 0, 2,
                             (Ex[]){node(NB_ADD, 0, 2, (Ex[]){b, k}), num(-1)})});
    default: return node(NB_MUL, 0, 2, (Ex[]){num(-1), a});
    }
}

/* nb_run_block_exact over npts points (whole blocks and a partial one)
 * against the interpreter at each point, bit for bit. */
static int block_agrees(const NbProgram *p, size_t npts, double *const *x)
{
    size_t no = p->nout, nr = nb_program_scratch(p);
    double **out = malloc(no * sizeof *out), *r = calloc(nr + 1, sizeof *r);
    double *o1 = calloc(no + 1, sizeof *o1), *xk = calloc(p->nvars + 1, sizeof *xk);
    for (size_t o = 0; o < no; o++)
        out[o] = malloc(npts * sizeof *out[o]);
    nb_run_block_exact(p, npts, (const double *const *)x, out);
    int ok = 1;
    for (size_t k = 0; k < npts && ok; k++) {
        for (size_t v = 0; v < p->nvars; v++)
            xk[v] = x[v][k];
        nbi_run_double_vm(p, xk, o1, r);
        for (size_t o = 0; o < no; o++)
            if (!same_bits(o1[o], out[o][k])) {
                printf("# point %zu output %zu: vm %a block %a\n", k, o,
                       o1[o], out[o][k]);
                ok = 0;
            }
    }
    for (size_t o = 0; o < no; o++)
        free(out[o]);
    free(out), free(r), free(o1), free(xk);
    return ok;
}

static void test_block(void)
{
    const char *vg = getenv("VALGRIND");
    int nexpr = vg && *vg ? 40 : 400, bad = 0, native = 0, spilled = 0;
    enum { NP = 2 * NB_BLOCK + 37 };
    static int seen_block[NB_OP__COUNT];
    double *x[NVARS];
    for (int v = 0; v < NVARS; v++)
        x[v] = malloc(NP * sizeof *x[v]);
    rng = 777;
    for (int e = 0; e < nexpr; e++) {
        Ex outs[16];
        size_t nout = rnd(4) ? 1 + (size_t)rnd(3) : 16; /* 16: spills */
        for (size_t o = 0; o < nout; o++)
            outs[o] = rnd(10) ? gen_arith(2 + rnd(3)) : V[rnd(NVARS)];
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, nout, outs, NVARS, V, &d);
        nb_diag_clear(&d);
        if (!p)
            continue;
        for (int v = 0; v < NVARS; v++)
            for (int k = 0; k < NP; k++)
                x[v][k] = point();
        if (!block_agrees(p, NP, x) && bad++ < 3)
            print_listing(p);
        const NbJit *j = nbi_jit_prepare(p);
        if (j && j->block) {
            native++;
            spilled += p->dbl.nregs > NB_JIT_BLOCK_YMM;
            for (const NbIns *in = p->dbl.ins; in->op != NB_OP_END; in++)
                seen_block[in->op] = 1;
        }
        nb_program_free(p);
    }
    for (int v = 0; v < NVARS; v++)
        free(x[v]);
    /* more variables than ymm registers: some are read into spill slots */
    enum { NV = 20 };
    Ex vars[NV], outs[NV];
    double *xs[NV];
    for (int v = 0; v < NV; v++) {
        char name[8];
        snprintf(name, sizeof name, "w%d", v);
        vars[v] = nb_sym(st, name);
        xs[v] = malloc(NP * sizeof *xs[v]);
        for (int k = 0; k < NP; k++)
            xs[v][k] = point();
    }
    for (int o = 0; o < NV; o++)
        outs[o] = node(NB_ADD, 0, 2, (Ex[]){node(NB_MUL, 0, 2, (Ex[]){vars[o],
                       vars[(o * 7 + 3) % NV]}), vars[(o + 11) % NV]});
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, NV, outs, NV, vars, &d);
    nb_diag_clear(&d);
    const NbJit *j = p ? nbi_jit_prepare(p) : NULL;
    CHECK(p && block_agrees(p, NP, xs) && (!have_jit || !__builtin_cpu_supports("avx")
                                           || (j && j->block)),
          "%d variables, %d outputs over %d points: blocks == interpreter",
          NV, NV, NP);
    nb_program_free(p);
    for (int v = 0; v < NV; v++)
        free(xs[v]);
    CHECK(bad == 0, "%d arithmetic programs over %d points: blocks == "
          "interpreter bit for bit (%d differ)", nexpr, NP, bad);
    int avx = __builtin_cpu_supports("avx");
    CHECK(!have_jit || !avx || (native >= nexpr * 9 / 10 && spilled > 0),
          "the block entry takes them (%d of %d, %d spilling)", native, nexpr,
          spilled);
    static const int ops[] = {NB_OP_ADD, NB_OP_SUB, NB_OP_MUL, NB_OP_DIV,
        NB_OP_ADDK, NB_OP_MULK, NB_OP_KDIV, NB_OP_NEG, NB_OP_SQR, NB_OP_SQRT,
        NB_OP_RSQRT, NB_OP_MULADD, NB_OP_MULSUB, NB_OP_MULKADD, NB_OP_SQRADD,
        NB_OP_SQRSUB, NB_OP_SQRADDK, NB_OP_SQRKSUB, NB_OP_SQRMULSUB,
        NB_OP_KDIVADDK, NB_OP_DIVADDK, NB_OP_ABS};
    int missing = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!seen_block[ops[i]]) {
            printf("# block entry never ran %s\n", nbi_op_names[ops[i]]);
            missing++;
        }
    CHECK(!have_jit || !avx || missing == 0,
          "every arithmetic opcode ran in the block entry (%d missing)",
          missing);
}

int main(void)
{
    unsigned long seed = check_seed();
    st = nb_store_new();
    V[0] = nb_sym(st, "x");
    V[1] = nb_sym(st, "y");
    V[2] = nb_sym(st, "z");
    {
        Ex e = nb_sym(st, "x");
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &e, 1, V, &d);
        have_jit = p && nbi_jit_prepare(p) != NULL;
        nb_program_free(p);
        printf("# JIT %s\n", have_jit ? "on" : "off (checking the fallback)");
    }
    test_opcodes();
    test_random(seed);
    test_mutants();
    test_coverage();
    test_many();
    test_block();
    test_lazy();
    nbi_jit_after = 1;      /* compile at the first run of each objective */
    test_descent();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
