/* test_divdiff.c — divided-difference arithmetic (src/exec/vm_divdiff.c).
 *
 * Random programs over every opcode that has an increment rule (and
 * mutants of them with opcodes the compiler seldom emits), at random
 * points, precisions and offsets (from 2^-131, Ridders' step at 256 bits,
 * up to 2^-3, where the series give way to MPFR's own functions). The
 * reference increment f(x + d) - f(x) is the difference of two values
 * from the MPFR VM at w + 2000 bits (or 4 or 16 times that where it
 * cancels), so its own error is far below the w-bit increments'. Each
 * increment must be within 2^(24-w) of it, relative: a few roundings per
 * opcode, times the conditioning of programs of this size. Where a
 * program is worse conditioned than that, the error must fall with 1024
 * more bits as rounding errors do; a wrong rule is off by the rule's
 * error at every precision (a dropped second-order term shows at 2^-3 as
 * a relative error near 2^-3).
 *
 * Then: each run again without f(x) (the same increments), single
 * operations without any gate (a few ulps), the edges (a kink crossed, a
 * base not positive, NaN, underflow, a built-in without a rule), and
 * every opcode applied to log and atan, whose values a run without f(x)
 * skips.
 */
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVARS 2
#include "rand_expr.h"
#include "exec/compile_internal.h"
#include "check.h"

#define NEXPR 600        /* a tenth under valgrind */
#define NODES 4
#define SLACK 24         /* bits of w an increment may lose */
#define REF_EXTRA 2000

static Ex gen(int depth)
{
    static const long pw[] = {2, 3, -1, -2, 5, 17, -3, 4};
    static const NbFnId fns[] = {NB_FN_EXP, NB_FN_SIN, NB_FN_COS, NB_FN_LOG,
                                 NB_FN_ATAN, NB_FN_TANH, NB_FN_ABS,
                                 NB_FN_RELU, NB_FN_SIGMOID};
    if (depth == 0)
        return leaf();
    Ex a = gen(depth - 1);
    switch (rnd(12)) {
    case 0: return leaf();
    case 1: return node(NB_POW, 0, 2, (Ex[]){a, num(pw[rnd(8)])});
    case 2: return node(NB_MUL, 0, 2, (Ex[]){a, gen(depth - 1)});
    case 3: /* MULADD, MULKADD; MULSUB; SUBK */
        switch (rnd(3)) {
        case 0: return node(NB_ADD, 0, 2, (Ex[]){
                    node(NB_MUL, 0, 2, (Ex[]){a, rnd(2) ? gen(depth - 1)
                                                        : number()}),
                    gen(depth - 1)});
        case 1: return node(NB_ADD, 0, 2, (Ex[]){gen(depth - 1),
                    node(NB_MUL, 0, 3, (Ex[]){num(-1), a, gen(depth - 1)})});
        default: return node(NB_ADD, 0, 2, (Ex[]){a, node(NB_MUL, 0, 2,
                    (Ex[]){num(-1), nb_flt_double(st, unif() * 4)})});
        }
    case 4: /* SQRADD; SQRSUB, SQRADDK, SQRKSUB, SQRMULSUB */
        if (rnd(5) == 0)
            return node(NB_ADD, 0, 2, (Ex[]){pow_n(a, 2), gen(depth - 1)});
        {   /* one draw at a time: argument order is unspecified in C */
            Ex b = gen(depth - 1), c = gen(depth - 1);
            int k = rnd(4);
            return square_shape(a, b, c, k, rnd(2) ? -1 : 1);
        }
    case 5: /* EXPK, KDIVADDK; DIVADDK */
        if (rnd(3))
            return expk_or_kdivaddk(a);
        return node(NB_MUL, 0, 2, (Ex[]){gen(depth - 1),
            pow_n(node(NB_ADD, 0, 2, (Ex[]){a, number()}), -1)});
    case 6: return node(NB_FN, fns[rnd(9)], 1, &a);
    case 7: /* sqrt, rsqrt, a real power */
        return node(NB_POW, 0, 2, (Ex[]){a, rnd(3) == 0
            ? nb_num_frac(st, 3, 2) : nb_num_frac(st, rnd(2) ? 1 : -1, 2)});
    case 8: return node(NB_ADD, 0, 2, (Ex[]){a, gen(depth - 1)});
    case 9: /* a / b, k / a, a / k, k - a */
        return rnd(2) ? node(NB_MUL, 0, 2, (Ex[]){a, node(NB_POW, 0, 2,
                            (Ex[]){gen(depth - 1), num(-1)})})
                      : node(NB_ADD, 0, 2, (Ex[]){number(),
                            node(NB_MUL, 0, 2, (Ex[]){num(-1), a})});
    case 10: /* POW, KPOW */
        return node(NB_POW, 0, 2, (Ex[]){rnd(2) ? a : nb_num_frac(st, 3, 2),
                                         rnd(2) ? V[rnd(NVARS)] : a});
    default: return node(NB_MUL, 0, 2, (Ex[]){a, number()});
    }
}

static void mark_ops(const NbProgram *p, int *seen)
{
    for (const NbIns *in = p->mp.ins; in->op != NB_OP_END; in++)
        seen[in->op] = 1;
}

/* Reference VMs at w + REF_EXTRA bits and 4 and 16 times that, made on
 * demand for one program. */
#define REF_LEVELS 3
typedef struct Refs {
    const NbProgram *p;
    mpfr_prec_t prec[REF_LEVELS];
    NbMpfrVm *vm[REF_LEVELS];
} Refs;

static void refs_init(Refs *r, const NbProgram *p, mpfr_prec_t w)
{
    r->p = p;
    for (int i = 0; i < REF_LEVELS; i++) {
        r->prec[i] = (w + REF_EXTRA) << (2 * i);
        r->vm[i] = NULL;
    }
}

static void refs_clear(Refs *r)
{
    for (int i = 0; i < REF_LEVELS; i++)
        nb_mpfr_vm_free(r->vm[i]);
}

/* d = f(x + dx e_var) - f(x), f0 = f(x), with w + 64 good bits in d:
 * the difference of two values at the first reference precision where
 * it does not cancel too far (a tiny term beside a large one); f1 = f(x +
 * dx e_var). 1 when resolved; 2 when d is exactly 0 as `ours` is (f does
 * not depend on the variable there); 0 when no level resolves it. */
static int reference(Refs *r, mpfr_prec_t w, mpfr_srcptr const *x,
                     size_t var, mpfr_srcptr dx, mpfr_srcptr ours,
                     mpfr_ptr d, mpfr_ptr f0, mpfr_ptr f1)
{
    for (int i = 0; i < REF_LEVELS; i++) {
        mpfr_prec_t P = r->prec[i];
        if (!r->vm[i])
            r->vm[i] = nb_mpfr_vm_new(r->p, P);
        mpfr_t xv;
        mpfr_init2(xv, P);
        mpfr_set_prec(d, P);
        mpfr_set_prec(f0, P);
        mpfr_set_prec(f1, P);
        mpfr_add(xv, x[var], dx, MPFR_RNDN); /* exact at this precision */
        mpfr_srcptr xs[NVARS] = {x[0], x[1]};
        nb_run_mpfr(r->vm[i], xs, (mpfr_ptr[]){f0});
        xs[var] = xv;
        nb_run_mpfr(r->vm[i], xs, (mpfr_ptr[]){f1});
        mpfr_sub(d, f1, f0, MPFR_RNDN);
        mpfr_clear(xv);
        if (mpfr_zero_p(d) && mpfr_zero_p(ours))
            return 2;
        if (mpfr_regular_p(d) && (!mpfr_regular_p(f0)
            || mpfr_get_exp(f0) - mpfr_get_exp(d) + (mpfr_exp_t)w + 64
               < (mpfr_exp_t)P))
            return 1;
    }
    return 0;
}

/* log2 of |a - ref| / |ref| (0 when equal, -inf when ref is 0 and a too) */
static double rel_bits(mpfr_srcptr a, mpfr_srcptr ref)
{
    mpfr_t e;
    mpfr_init2(e, 64);
    mpfr_sub(e, a, ref, MPFR_RNDN);
    if (mpfr_zero_p(e)) {
        mpfr_clear(e);
        return -INFINITY;
    }
    if (mpfr_zero_p(ref)) {
        mpfr_clear(e);
        return INFINITY;
    }
    mpfr_div(e, e, ref, MPFR_RNDN);
    mpfr_abs(e, e, MPFR_RNDN);
    double b = mpfr_get_d(e, MPFR_RNDN);
    mpfr_clear(e);
    return log2(b);
}

static void print_case(const NbProgram *p, mpfr_srcptr const *x, size_t var,
                       mpfr_srcptr dx, mpfr_srcptr got, mpfr_srcptr want)
{
    char *s = nb_program_listing(p, 1);
    printf("%s", s);
    free(s);
    mpfr_printf("# x0 = %.20Rg x1 = %.20Rg var %zu dx %.3Rg\n# got  %.30Rg\n"
                "# want %.30Rg\n", x[0], x[1], var, dx, got, want);
}

typedef struct NodeAt {
    size_t var;
    mpfr_ptr x;          /* room for x[var] + dx, exact */
    mpfr_srcptr dx;
} NodeAt;

/* Is the plain VM's f at x (moved to the node when `at`) within 2^(SLACK
 * - w) of ref? */
static int plain_within(NbMpfrVm *plain, mpfr_srcptr const *x,
                        const NodeAt *at, mpfr_srcptr ref, mpfr_prec_t w)
{
    mpfr_srcptr xs[NVARS] = {x[0], x[1]};
    if (at) {
        mpfr_add(at->x, x[at->var], at->dx, MPFR_RNDN);
        xs[at->var] = at->x;
    }
    mpfr_t f;
    mpfr_init2(f, w);
    nb_run_mpfr(plain, xs, (mpfr_ptr[]){f});
    int ok = rel_bits(f, ref) + (double)w <= SLACK;
    mpfr_clear(f);
    return ok;
}

/* Does increment k's error fall by 2^-64 or more when 1024 more bits are
 * given? Rounding errors do, however badly conditioned the program (a
 * base like sigmoid(539) = 1 - 1e-234 is 1 at 288 bits, and so the
 * increment of its power in y is 0 to every w-bit evaluation); a wrong
 * rule does not. e: log2 of the relative error at w. */
static int shrinks(const NbProgram *p, mpfr_prec_t w, mpfr_srcptr const *x,
                   size_t var, mpfr_srcptr const *dx, int k, mpfr_srcptr ref,
                   double e)
{
    mpfr_prec_t wh = w + 1024;
    NbDivdiffVm *vm = nb_divdiff_vm_new(p, wh, NODES);
    mpfr_t f0, df[NODES];
    mpfr_init2(f0, wh);
    for (int i = 0; i < NODES; i++)
        mpfr_init2(df[i], wh);
    mpfr_ptr dfs[NODES] = {df[0], df[1], df[2], df[3]};
    int ok = nb_run_delta(vm, x, var, dx, f0, dfs) == 0
             && rel_bits(df[k], ref) <= e - 64;
    mpfr_clear(f0);
    for (int i = 0; i < NODES; i++)
        mpfr_clear(df[i]);
    nb_divdiff_vm_free(vm);
    return ok;
}

typedef struct Stats {
    int bad, runs, refused, unresolved, illcond, lazy_bad;
    double worst;        /* bits of w lost, the worst increment */
    int seen[NB_OP__COUNT];
} Stats;

/* Every increment at npts random points, at precision w, against the
 * reference (see the top). */
static void check_program(const NbProgram *p, mpfr_prec_t w, int npts,
                          Stats *S)
{
    static const long steps[] = {131, 60, 20, 3};
    NbDivdiffVm *vm = nb_divdiff_vm_new(p, w, NODES);
    if (!vm) { /* every opcode generated here has a rule */
        char *l = nb_program_listing(p, 1);
        printf("# no delta VM for:\n%s", l);
        free(l);
        S->bad++;
        return;
    }
    mark_ops(p, S->seen);
    NbMpfrVm *plain = nb_mpfr_vm_new(p, w);
    Refs refs;
    refs_init(&refs, p, w);
    mpfr_t x[NVARS], xn, f0, df[NODES], lz[NODES], dx[NODES], rf0, rf1, rd,
           fw;
    for (int v = 0; v < NVARS; v++)
        mpfr_init2(x[v], 64);
    for (int k = 0; k < NODES; k++) {
        mpfr_init2(dx[k], 8);
        mpfr_init2(df[k], w);
        mpfr_init2(lz[k], w);
    }
    mpfr_inits2(w, f0, fw, rf0, rf1, rd, (mpfr_ptr)0);
    mpfr_init2(xn, 2 * w + 200);
    for (int i = 0; i < npts; i++) {
        for (int v = 0; v < NVARS; v++) {
            mpfr_set_d(x[v], (unif() - 0.3) * 4, MPFR_RNDN);
            if (rnd(4) == 0)
                mpfr_mul_2si(x[v], x[v], rnd(40) - 20, MPFR_RNDN);
        }
        size_t var = (size_t)rnd(NVARS);
        long s = steps[rnd(4)];
        for (int k = 0; k < NODES; k++)
            mpfr_set_si_2exp(dx[k], (k & 1 ? -1 : 1) * (1 + k / 2), -s,
                             MPFR_RNDN);
        mpfr_srcptr xs[NVARS] = {x[0], x[1]};
        mpfr_srcptr dxs[NODES] = {dx[0], dx[1], dx[2], dx[3]};
        mpfr_ptr dfs[NODES] = {df[0], df[1], df[2], df[3]};
        int lazy_rc = nb_run_delta(vm, xs, var, dxs, NULL, dfs);
        for (int k = 0; k < NODES; k++)
            mpfr_set(lz[k], df[k], MPFR_RNDN);
        int rc = nb_run_delta(vm, xs, var, dxs, f0, dfs);
        /* skipping the values no rule reads changes no increment, and
         * refuses only where the full run does (or where only f(x) is
         * not finite: f(x) = log(0) * 0 ... is then not asked for) */
        int same = lazy_rc == rc || (lazy_rc == 0 && !mpfr_number_p(f0));
        for (int k = 0; rc == 0 && lazy_rc == 0 && k < NODES; k++)
            same &= mpfr_equal_p(lz[k], df[k])
                    || (mpfr_zero_p(lz[k]) && mpfr_zero_p(df[k]));
        if (!same && S->lazy_bad++ < 3) {
            char *l = nb_program_listing(p, 1);
            printf("# lazy run differs (%d vs %d):\n%s", lazy_rc, rc, l);
            free(l);
        }
        if (rc != 0) {
            S->refused++;
            continue;
        }
        S->runs++;
        for (int k = 0; k < NODES; k++) {
            int got = reference(&refs, w, xs, var, dx[k], df[k], rd, rf0,
                                rf1);
            if (got != 1) {
                S->unresolved += got == 0;
                continue;
            }
            /* where the plain VM at w bits already loses more than SLACK
             * bits of f at the point or the node (cos of exp(5000), near
             * a pole), it is too ill-conditioned to judge increments by */
            if (!plain_within(plain, xs, NULL, rf0, w)
                || !plain_within(plain, xs, &(NodeAt){var, xn, dx[k]}, rf1,
                                 w)) {
                S->illcond++;
                continue;
            }
            double b = rel_bits(df[k], rd) + (double)w;
            double b0 = rel_bits(f0, rf0) + (double)w;
            if ((b > SLACK || b0 > SLACK)
                && shrinks(p, w, xs, var, dxs, k, rd, b - (double)w)) {
                S->illcond++;
                continue;
            }
            S->worst = fmax(S->worst, fmax(b, b0));
            if ((b > SLACK || b0 > SLACK) && S->bad++ < 3) {
                print_case(p, xs, var, dx[k], df[k], rd);
                printf("# bits lost: increment %.1f, value %.1f\n", b, b0);
            }
        }
    }
    for (int v = 0; v < NVARS; v++)
        mpfr_clear(x[v]);
    for (int k = 0; k < NODES; k++)
        mpfr_clears(dx[k], df[k], lz[k], (mpfr_ptr)0);
    mpfr_clears(xn, f0, fw, rf0, rf1, rd, (mpfr_ptr)0);
    nb_divdiff_vm_free(vm);
    nb_mpfr_vm_free(plain);
    refs_clear(&refs);
}

/* Each instruction of p replaced in turn by every other opcode with the
 * same operand roles (ADDK by SUBK, SIN by MOV...): opcodes the compiler
 * rarely or never emits, on valid programs. */
static void check_mutants(NbProgram *p, mpfr_prec_t w, Stats *S)
{
    for (size_t i = 0; i + 1 < p->mp.nins; i++) {
        NbIns *in = &p->mp.ins[i];
        uint16_t op0 = in->op;
        for (int op = 0; op < NB_OP_END; op++) {
            if (op == op0 || op == NB_OP_POLY || op == NB_OP_POWI
                || op == NB_OP_CALL1 || op == NB_OP_CALL2
                || strcmp(nbi_op_sigs[op], nbi_op_sigs[op0]) != 0)
                continue;
            in->op = (uint16_t)op;
            check_program(p, w, 2, S);
        }
        in->op = op0;
    }
}

static void test_random(void)
{
    static const mpfr_prec_t precs[] = {53, 113, 288};
    const char *vg = getenv("VALGRIND");
    int nexpr = vg && *vg ? NEXPR / 10 : NEXPR;
    Stats S = {.worst = -INFINITY};
    for (int e = 0; e < nexpr; e++) {
        Ex f = gen(2 + rnd(3));
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &f, NVARS, V, &d);
        nb_diag_clear(&d);
        if (!p)
            continue;
        mpfr_prec_t w = precs[rnd(3)];
        check_program(p, w, 6, &S);
        if (e % 20 == 0)
            check_mutants(p, w, &S);
        nb_program_free(p);
    }
    printf("# %d runs (%d refused: a kink crossed, a domain left); "
           "increments past the reference %d, ill-conditioned %d\n",
           S.runs, S.refused, S.unresolved, S.illcond);
    CHECK(S.bad == 0, "every increment and value within 2^(%d - w) of the "
          "reference: worst 2^(%.1f - w)", SLACK, S.worst);
    CHECK(S.runs > S.refused, "most runs stay in the rules' domains");
    CHECK(S.lazy_bad == 0, "runs without f(x) give the same increments "
          "(%d differ)", S.lazy_bad);
    /* the gates above must not leave the test judging little: random
     * programs are ill-conditioned at a few percent of increments (one
     * program can account for two dozen of them) */
    CHECK(S.unresolved + S.illcond < NODES * S.runs / 10,
          "few increments left unjudged (%d of %d)",
          S.unresolved + S.illcond, NODES * S.runs);
    int missing = 0;
    for (int op = 0; op < NB_OP__COUNT; op++)
        if (!S.seen[op] && op != NB_OP_POLY && op != NB_OP_CALL1
            && op != NB_OP_CALL2 && op != NB_OP_END) {
            printf("# opcode %s never run\n", nbi_op_names[op]);
            missing++;
        }
    CHECK(missing == 0, "every opcode with a rule run");
}

/* nb_run_delta's answer for f of x alone at x0 with offsets +-d, +-2d
 * (all exact doubles); *inc gets the first increment. */
static int run1_without_f; /* run1 asks for no f(x): the lazy runs */

static int run1(Ex f, double x0, double d, double *inc, double *val)
{
    NbDiag dg = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &f, NVARS, V, &dg);
    nb_diag_clear(&dg);
    NbDivdiffVm *vm = p ? nb_divdiff_vm_new(p, 113, NODES) : NULL;
    int rc = -2;
    if (vm) {
        mpfr_t x[NVARS], dx[NODES], f0, df[NODES];
        for (int v = 0; v < NVARS; v++)
            mpfr_init_set_d(x[v], v == 0 ? x0 : 1.0, MPFR_RNDN);
        mpfr_init2(f0, 113);
        for (int k = 0; k < NODES; k++) {
            mpfr_init_set_d(dx[k], (k & 1 ? -1 : 1) * (1 + k / 2) * d,
                            MPFR_RNDN);
            mpfr_init2(df[k], 113);
        }
        mpfr_srcptr xs[NVARS] = {x[0], x[1]};
        mpfr_srcptr dxs[NODES] = {dx[0], dx[1], dx[2], dx[3]};
        mpfr_ptr dfs[NODES] = {df[0], df[1], df[2], df[3]};
        rc = nb_run_delta(vm, xs, 0, dxs, run1_without_f ? NULL : f0, dfs);
        *inc = mpfr_get_d(df[0], MPFR_RNDN);
        *val = mpfr_get_d(f0, MPFR_RNDN);
        for (int v = 0; v < NVARS; v++)
            mpfr_clear(x[v]);
        for (int k = 0; k < NODES; k++)
            mpfr_clears(dx[k], df[k], (mpfr_ptr)0);
        mpfr_clear(f0);
    }
    nb_divdiff_vm_free(vm);
    nb_program_free(p);
    return rc;
}

static Ex fn1(NbFnId id, Ex a) { return node(NB_FN, id, 1, &a); }

/* Where a rule's identity stops holding, the run says so. */
static void test_edges(void)
{
    Ex x = V[0];
    double inc = 0, val = 0;
    CHECK(run1(fn1(NB_FN_ABS, x), 0x1p-166, 0x1p-131, &inc, &val) == -1,
          "abs: nodes on both sides of 0 are refused");
    CHECK(run1(fn1(NB_FN_ABS, x), -0.5, 0x1p-131, &inc, &val) == 0
          && inc == -0x1p-131 && val == 0.5, "abs on one side: -dx");
    CHECK(run1(fn1(NB_FN_RELU, x), -0.5, 0x1p-60, &inc, &val) == 0
          && inc == 0 && val == 0, "relu below 0: increments 0");
    CHECK(run1(fn1(NB_FN_RELU, x), 0x1p-70, 0x1p-60, &inc, &val) == -1,
          "relu: a crossing is refused");
    CHECK(run1(fn1(NB_FN_LOG, x), -1, 0x1p-60, &inc, &val) == -1,
          "log of a negative number: NaN, refused");
    CHECK(run1(node(NB_POW, 0, 2, (Ex[]){x, nb_num_frac(st, 1, 2)}), -1,
               0x1p-60, &inc, &val) == -1, "sqrt of a negative number");
    /* at x = 0 every node of x^2 is above 0: sqrt's increments are |d|,
     * 1/sqrt's infinite, refused even when f(x) is not asked for */
    Ex x2 = pow_n(x, 2);
    run1_without_f = 1;
    CHECK(run1(node(NB_POW, 0, 2, (Ex[]){x2, nb_num_frac(st, 1, 2)}), 0,
               0x1p-60, &inc, &val) == 0 && inc == 0x1p-60,
          "sqrt(x^2) at 0: increment |d| = %g", inc);
    CHECK(run1(node(NB_POW, 0, 2, (Ex[]){x2, nb_num_frac(st, -1, 2)}), 0,
               0x1p-60, &inc, &val) == -1,
          "1/sqrt(x^2) at 0: an infinite value, refused without f(x) too");
    run1_without_f = 0;
    CHECK(run1(node(NB_POW, 0, 2, (Ex[]){num(-2), x}), 2, 0x1p-60, &inc,
               &val) == -1, "(-2)^x: no positive base for the logarithm");
    CHECK(run1(fn1(NB_FN_ATAN, x), 1, 1.5, &inc, &val) == -1,
          "atan: 1 + a(a + da) <= 0 at a node is refused");
    CHECK(run1(fn1(NB_FN_ATAN, x), 1, 0.25, &inc, &val) == 0
          && fabs(inc - (atan(1.25) - atan(1.0))) < 1e-16,
          "atan with a wide offset: %.17g", inc);
    CHECK(run1(fn1(NB_FN_SOFTPLUS, x), 1, 0x1p-60, &inc, &val) == -2,
          "a built-in without a rule (softplus): no delta VM");
    CHECK(run1(fn1(NB_FN_EXP, x), -800000, 0x1p-60, &inc, &val) == -1,
          "exp(-800000) underflows the VM's bound: refused, not 0");
    /* tanh far out: 1 - tanh^2 = 4E/(2 + M)^2 from E = exp(-2|a|); from
     * 1 + expm1(-60) it would keep only 8 digits at 113 bits */
    double want = 0x1p-60 / (cosh(30.0) * cosh(30.0));
    CHECK(run1(fn1(NB_FN_TANH, x), 30, 0x1p-60, &inc, &val) == 0
          && fabs(inc / want - 1) < 1e-12, "tanh at 30: %.17g, sech^2 d "
          "%.17g", inc, want);
    CHECK(run1(node(NB_POW, 0, 2, (Ex[]){x, num(-3)}), 0.5, 0x1p-4, &inc,
               &val) == 0 && fabs(inc - (1 / (0.5625 * 0.5625 * 0.5625) - 8))
                             < 1e-14, "x^-3: %.17g", inc);
}

/* One built-in (or power, or quotient) of x alone is well conditioned:
 * every increment within a few ulps of the reference, with no gate. The
 * series meet MPFR's own functions at 2^-8; offsets on both sides. */
static void test_single(void)
{
    static const mpfr_prec_t precs[] = {53, 113, 288};
    static const long steps[] = {131, 60, 20, 9, 7};
    static const double pts[] = {0.3, 1.7, 0.8};
    Ex x = V[0];
    Ex fs[] = {fn1(NB_FN_EXP, x), fn1(NB_FN_LOG, x), fn1(NB_FN_ATAN, x),
               fn1(NB_FN_SIN, x), fn1(NB_FN_COS, x), fn1(NB_FN_TANH, x),
               fn1(NB_FN_SIGMOID, x), pow_n(x, 3), pow_n(x, -3),
               pow_n(x, -1), node(NB_POW, 0, 2, (Ex[]){x,
                   nb_num_frac(st, 1, 2)}),
               node(NB_POW, 0, 2, (Ex[]){x, nb_num_frac(st, 3, 2)}),
               node(NB_POW, 0, 2, (Ex[]){num(2), x}),
               node(NB_POW, 0, 2, (Ex[]){x, nb_num_frac(st, -1, 2)}),
               pow_n(x, 5), pow_n(x, -5)};
    size_t nf = sizeof fs / sizeof fs[0];
    double worst = -INFINITY;
    int bad = 0, n = 0;
    for (size_t i = 0; i < nf; i++) {
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1, &fs[i], NVARS, V, &d);
        nb_diag_clear(&d);
        for (int q = 0; p && q < 3; q++) {
            mpfr_prec_t w = precs[q];
            NbDivdiffVm *vm = nb_divdiff_vm_new(p, w, NODES);
            Refs refs;
            refs_init(&refs, p, w);
            mpfr_t x0[NVARS], dx[NODES], df[NODES], rd, rf0, rf1;
            for (int v = 0; v < NVARS; v++)
                mpfr_init2(x0[v], 53);
            for (int k = 0; k < NODES; k++) {
                mpfr_init2(dx[k], 8);
                mpfr_init2(df[k], w);
            }
            mpfr_inits2(w, rd, rf0, rf1, (mpfr_ptr)0);
            for (size_t a = 0; a < 3; a++)
                for (size_t si = 0; si < 5; si++) {
                    mpfr_set_d(x0[0], pts[a], MPFR_RNDN);
                    mpfr_set_d(x0[1], 1, MPFR_RNDN);
                    for (int k = 0; k < NODES; k++)
                        mpfr_set_si_2exp(dx[k], (k & 1 ? -3 : 3) * (1 + k / 2),
                                         -steps[si] - 2, MPFR_RNDN);
                    mpfr_srcptr xs[NVARS] = {x0[0], x0[1]};
                    mpfr_srcptr dxs[NODES] = {dx[0], dx[1], dx[2], dx[3]};
                    mpfr_ptr dfs[NODES] = {df[0], df[1], df[2], df[3]};
                    if (!vm || nb_run_delta(vm, xs, 0, dxs, NULL, dfs) != 0) {
                        bad++;
                        continue;
                    }
                    for (int k = 0; k < NODES; k++) {
                        if (reference(&refs, w, xs, 0, dx[k], df[k], rd, rf0,
                                      rf1) != 1)
                            continue;
                        double b = rel_bits(df[k], rd) + (double)w;
                        worst = fmax(worst, b);
                        n++;
                        if (b > 5 && bad++ < 3)
                            print_case(p, xs, 0, dx[k], df[k], rd);
                    }
                }
            for (int v = 0; v < NVARS; v++)
                mpfr_clear(x0[v]);
            for (int k = 0; k < NODES; k++)
                mpfr_clears(dx[k], df[k], (mpfr_ptr)0);
            mpfr_clears(rd, rf0, rf1, (mpfr_ptr)0);
            refs_clear(&refs);
            nb_divdiff_vm_free(vm);
        }
        nb_program_free(p);
    }
    CHECK(bad == 0 && n > 1500, "%zu single operations, %d increments at "
          "53, 113, 288 bits: within 2^(5 - w), worst 2^(%.1f - w)", nf, n,
          worst);
}

/* The values a run without f(x) skips (log's, atan's) must be exactly
 * those no rule reads: every opcode applied to log(x) and to atan(x), run
 * with and without f(x), gives the same increments. */
static void test_lazy(void)
{
    Stats S = {.worst = -INFINITY};
    int programs = 0;
    for (int inner = 0; inner < 2; inner++) {
        Ex g = fn1(inner ? NB_FN_ATAN : NB_FN_LOG,
                   node(NB_ADD, 0, 2, (Ex[]){V[0], num(3)}));
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 1,
            (Ex[]){node(NB_MUL, 0, 2, (Ex[]){g, V[1]})}, NVARS, V, &d);
        nb_diag_clear(&d);
        if (!p)
            continue;
        /* the MUL reading g is turned into every opcode with its roles,
         * and the one-operand opcodes applied to g (sin, exp, sqrt...) */
        NbIns *last = &p->mp.ins[p->mp.nins - 2];
        uint16_t op0 = last->op;
        uint32_t b0 = last->b;
        for (int op = 0; op < NB_OP_END; op++) {
            const char *sig = nbi_op_sigs[op];
            if (op == NB_OP_POLY || op == NB_OP_CALL1 || op == NB_OP_CALL2
                || op == NB_OP_POWI || sig[0] != 'r'
                || (sig[1] != 'r' && sig[1] != '-') || sig[2] != '-')
                continue;
            last->op = (uint16_t)op;
            last->b = sig[1] == 'r' ? b0 : 0;
            check_program(p, 113, 4, &S);
            programs++;
        }
        last->op = op0;
        last->b = b0;
        nb_program_free(p);
    }
    CHECK(S.lazy_bad == 0 && programs > 20, "f(g(x)) for g = log, atan and "
          "%d opcodes f: the same increments with and without f(x)",
          programs);
    CHECK(S.bad == 0, "and within 2^(%d - w) of the reference", SLACK);
}

int main(void)
{
    st = nb_store_new();
    V[0] = nb_sym(st, "x");
    V[1] = nb_sym(st, "y");
    rng = check_seed();
    test_random();
    test_edges();
    test_single();
    test_lazy();
    nb_store_free(st);
    return check_done();
}
