/* test_mpfr_bound.c — the MPFR VM's exponent bound (+-NB_VM_MAX_EXP,
 * compile_internal.h) with and without MPFR's range set.
 *
 * A run first goes with the caller's exponent range and checks each
 * result against the bound, and runs again with the bound set as MPFR's
 * range when one falls outside (vm_mpfr.c). The reference here is a run
 * whose caller has already narrowed MPFR's range to the bound, so that
 * MPFR itself enforces it on every operation: both must give the same
 * bits, the same MPFR flags, and leave the caller's range as it was.
 * Random programs run on inputs whose exponents sit near the bound, at
 * random precisions, into outputs sometimes narrower than the VM.
 */
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>

#define NVARS 3
#include "rand_expr.h"
#include "exec/compile_internal.h"
#include "check.h"

#define NEXPR 1200      /* a tenth under valgrind */
#define NPTS 12
#define BOUND NB_VM_MAX_EXP

/* --- programs that push exponents: powers, products, exp ------------------ */

static Ex gen(int depth)
{
    static const long pw[] = {2, 3, -1, -2, 5, 8, -3, 2};
    /* and built-ins run by their own code (CALL1), whose temporaries
     * can leave the bound while the result stays inside: softplus */
    static const NbFnId fns[] = {NB_FN_EXP, NB_FN_SIN, NB_FN_COS, NB_FN_LOG,
                                 NB_FN_ATAN, NB_FN_TANH, NB_FN_ABS,
                                 NB_FN_RELU, NB_FN_SIGMOID, NB_FN_SOFTPLUS,
                                 NB_FN_SINH, NB_FN_ERF};
    if (depth == 0)
        return leaf();
    Ex a = gen(depth - 1);
    switch (rnd(9)) {
    case 0: return leaf();
    case 1: return node(NB_POW, 0, 2, (Ex[]){a, num(pw[rnd(8)])});
    case 2: return node(NB_MUL, 0, 2, (Ex[]){a, gen(depth - 1)});
    case 3: /* a * b + c: MULADD, MULKADD */
        return node(NB_ADD, 0, 2, (Ex[]){
            node(NB_MUL, 0, 2, (Ex[]){a, rnd(2) ? gen(depth - 1) : number()}),
            gen(depth - 1)});
    case 4: { /* (a - b)^2, (a + k)^2, (a - b c)^2, (a - b^2)^2: SQRSUB,
               * SQRADDK, SQRKSUB, SQRMULSUB; one draw at a time, as the
               * order of a call's arguments is unspecified in C */
        Ex b = gen(depth - 1), c = gen(depth - 1);
        return square_shape(a, b, c, rnd(4), -1);
    }
    case 5: /* exp(k a): EXPK; k / (a + k): KDIVADDK */
        return expk_or_kdivaddk(a);
    case 6: /* sqrt is a power of 1/2 in a program */
        return rnd(9) ? node(NB_FN, fns[rnd(12)], 1, &a)
                      : node(NB_POW, 0, 2, (Ex[]){a, nb_num_frac(st, 1, 2)});
    case 7: return node(NB_ADD, 0, 2, (Ex[]){a, gen(depth - 1)});
    default: return node(NB_POW, 0, 2, (Ex[]){a, rnd(2) ? V[rnd(NVARS)]
                                                        : number()});
    }
}

/* An input near the bound: exponents about +-BOUND, +-BOUND/2 (whose
 * squares reach it), ordinary ones, large ones, beyond it, and the
 * specials. */
static void input(mpfr_ptr x)
{
    static const long near[] = {BOUND, BOUND - 1, BOUND / 2, BOUND / 2 + 1,
                                BOUND / 2 - 3, BOUND / 3, BOUND / 8, BOUND + 5};
    int k = rnd(13);
    if (k == 0) {
        mpfr_set_nan(x);
        return;
    }
    if (k == 1) {
        mpfr_set_inf(x, rnd(2) ? 1 : -1);
        return;
    }
    if (k == 2) {
        mpfr_set_zero(x, rnd(2) ? 1 : -1);
        return;
    }
    mpfr_set_d(x, 0.5 + unif() / 2, MPFR_RNDN);
    if (rnd(4) == 0) { /* all ones: rounds up to the next exponent */
        mpfr_set_ui(x, 1, MPFR_RNDN);
        mpfr_nextbelow(x);
    }
    if (rnd(2))
        mpfr_neg(x, x, MPFR_RNDN);
    /* exp of a number of 21 to 61 bits is past the bound, yet well
     * inside MPFR's default range */
    static const long mid[] = {20, 21, 24, 40, 61};
    long e = k < 5 ? rnd(7) - 3
           : k == 5 ? mid[rnd(5)] : near[rnd(8)] * (rnd(2) ? 1 : -1);
    mpfr_set_exp(x, e);
}

/* --- the comparison --------------------------------------------------------- */

typedef struct Run {
    mpfr_t out[2];
    mpfr_flags_t flags;
} Run;

/* Runs vm with MPFR's range [emin, emax]; 1 when the caller's range is as
 * it was afterwards. */
static int run_in(NbMpfrVm *vm, mpfr_srcptr const *x, Run *r,
                  mpfr_exp_t emin, mpfr_exp_t emax)
{
    mpfr_exp_t e0 = mpfr_get_emin(), e1 = mpfr_get_emax();
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    mpfr_clear_flags();
    nb_run_mpfr(vm, x, (mpfr_ptr[]){r->out[0], r->out[1]});
    r->flags = mpfr_flags_save();
    int kept = mpfr_get_emin() == emin && mpfr_get_emax() == emax;
    mpfr_set_emin(e0);
    mpfr_set_emax(e1);
    return kept;
}

static int same(mpfr_srcptr a, mpfr_srcptr b)
{
    if (mpfr_nan_p(a) || mpfr_nan_p(b))
        return mpfr_nan_p(a) && mpfr_nan_p(b);
    return mpfr_equal_p(a, b) && mpfr_signbit(a) == mpfr_signbit(b);
}

static void print_case(const NbProgram *p, mpfr_srcptr const *x, const Run *r)
{
    char *s = nb_program_listing(p, 1);
    printf("%s", s);
    free(s);
    for (int v = 0; v < NVARS; v++)
        mpfr_printf("# x%d = %.6Ra\n", v, x[v]);
    for (int k = 0; k < 2; k++)
        mpfr_printf("# %s: %.6Ra %.6Ra flags %x\n", k ? "bound set" : "free",
                    r[k].out[0], r[k].out[1], (unsigned)r[k].flags);
}

static void test_random(void)
{
    static const mpfr_prec_t precs[] = {2, 24, 53, 113, 300};
    const char *vg = getenv("VALGRIND");
    int nexpr = vg && *vg ? NEXPR / 10 : NEXPR;
    int bad = 0, moved = 0, runs = 0, hit = 0;
    mpfr_t x[NVARS];
    Run r[2];
    for (int v = 0; v < NVARS; v++)
        mpfr_init2(x[v], 2);
    for (int k = 0; k < 2; k++)
        mpfr_inits2(2, r[k].out[0], r[k].out[1], (mpfr_ptr)0);
    for (int e = 0; e < nexpr; e++) {
        Ex outs[2] = {gen(2 + rnd(3)), gen(1 + rnd(2))};
        NbDiag d = NB_DIAG_INIT;
        NbProgram *p = nb_compile(st, 2, outs, NVARS, V, &d);
        nb_diag_clear(&d);
        if (!p)
            continue;
        mpfr_prec_t prec = precs[rnd(5)];
        NbMpfrVm *vm = nb_mpfr_vm_new(p, prec);
        for (int o = 0; o < 2; o++) {
            mpfr_prec_t po = rnd(3) ? prec : precs[rnd(5)];
            for (int k = 0; k < 2; k++)
                mpfr_set_prec(r[k].out[o], po);
        }
        for (int i = 0; i < NPTS; i++) {
            for (int v = 0; v < NVARS; v++) {
                mpfr_set_prec(x[v], rnd(2) ? prec : precs[rnd(5)]);
                input(x[v]);
            }
            mpfr_srcptr xs[NVARS] = {x[0], x[1], x[2]};
            int kept = run_in(vm, xs, &r[0], mpfr_get_emin_min(),
                              mpfr_get_emax_max());
            kept &= run_in(vm, xs, &r[1], -BOUND, BOUND);
            moved += !kept;
            runs++;
            hit += (r[1].flags & (MPFR_FLAGS_OVERFLOW | MPFR_FLAGS_UNDERFLOW)) != 0;
            if (!same(r[0].out[0], r[1].out[0]) || !same(r[0].out[1], r[1].out[1])
                || r[0].flags != r[1].flags) {
                if (bad++ < 3)
                    print_case(p, xs, r);
            }
        }
        nb_mpfr_vm_free(vm);
        nb_program_free(p);
    }
    CHECK(bad == 0, "%d runs of %d random programs: the same bits and flags "
          "with MPFR's range free as with it set to the bound (%d differ)",
          runs, nexpr, bad);
    CHECK(moved == 0, "the caller's exponent range is kept (%d runs moved it)",
          moved);
    CHECK(hit > runs / 10, "the bound is met: %d of %d runs overflow or "
          "underflow at it", hit, runs);
    for (int v = 0; v < NVARS; v++)
        mpfr_clear(x[v]);
    for (int k = 0; k < 2; k++)
        mpfr_clears(r[k].out[0], r[k].out[1], (mpfr_ptr)0);
}

/* --- cases whose value shows which way the run went ---------------------- */

static NbProgram *compile1(Ex f)
{
    NbDiag d = NB_DIAG_INIT;
    NbProgram *p = nb_compile(st, 1, &f, NVARS, V, &d);
    nb_diag_clear(&d);
    return p;
}

/* f at (x, y, z) = (2^ex, 2^ey, z) at 53 bits into an output of oprec. */
static void eval_at(Ex f, long ex, long ey, double z, mpfr_prec_t oprec,
                    mpfr_ptr out, mpfr_flags_t *flags)
{
    NbProgram *p = compile1(f);
    NbMpfrVm *vm = nb_mpfr_vm_new(p, 53);
    mpfr_t x, y, zz;
    mpfr_inits2(53, x, y, zz, (mpfr_ptr)0);
    mpfr_set_ui_2exp(x, 1, ex, MPFR_RNDN);
    mpfr_set_ui_2exp(y, 1, ey, MPFR_RNDN);
    mpfr_set_d(zz, z, MPFR_RNDN);
    mpfr_set_prec(out, oprec);
    mpfr_clear_flags();
    nb_run_mpfr(vm, (mpfr_srcptr[]){x, y, zz}, (mpfr_ptr[]){out});
    *flags = mpfr_flags_save();
    mpfr_clears(x, y, zz, (mpfr_ptr)0);
    nb_mpfr_vm_free(vm);
    nb_program_free(p);
}

static void test_cases(void)
{
    Ex x = V[0], y = V[1], z = V[2];
    mpfr_t o;
    mpfr_flags_t fl;
    mpfr_init2(o, 53);
    /* x^2 passes the bound, y brings the product back inside it */
    eval_at(node(NB_MUL, 0, 2, (Ex[]){node(NB_POW, 0, 2, (Ex[]){x, num(2)}), y}),
            BOUND / 2 + 8, -BOUND / 2, 0, 53, o, &fl);
    CHECK(mpfr_inf_p(o) && mpfr_sgn(o) > 0 && (fl & MPFR_FLAGS_OVERFLOW),
          "x^2 y with x^2 past the bound: +inf, overflow");
    /* x y + z: the product (MULADD's temporary) overflows, -inf added */
    eval_at(node(NB_ADD, 0, 2, (Ex[]){node(NB_MUL, 0, 2, (Ex[]){x, y}), z}),
            BOUND / 2 + 8, BOUND / 2 + 8, -INFINITY, 53, o, &fl);
    CHECK(mpfr_nan_p(o), "x y + z with x y past the bound and z = -inf: NaN");
    /* x y underflows to 0 before z scales it up */
    eval_at(node(NB_MUL, 0, 2, (Ex[]){node(NB_POW, 0, 2, (Ex[]){x, num(2)}), y}),
            -BOUND / 2 - 8, BOUND / 2, 0, 53, o, &fl);
    CHECK(mpfr_zero_p(o) && (fl & MPFR_FLAGS_UNDERFLOW),
          "x^2 y with x^2 under the bound: 0, underflow");
    /* inside the bound nothing is lost */
    eval_at(node(NB_MUL, 0, 2, (Ex[]){node(NB_POW, 0, 2, (Ex[]){x, num(2)}), y}),
            BOUND / 2 - 8, -BOUND, 0, 53, o, &fl);
    CHECK(mpfr_cmp_ui_2exp(o, 1, -16) == 0 && fl == 0,
          "x^2 y within the bound: exact, no flag");
    /* the top exponent, all ones at 53 bits, rounds up past the bound
     * into a 24-bit output */
    {
        NbProgram *p = compile1(node(NB_MUL, 0, 2, (Ex[]){x, y}));
        NbMpfrVm *vm = nb_mpfr_vm_new(p, 53);
        mpfr_t a, b;
        mpfr_inits2(53, a, b, (mpfr_ptr)0);
        mpfr_set_ui(a, 1, MPFR_RNDN);
        mpfr_nextbelow(a);                      /* 1 - 2^-53 */
        mpfr_set_exp(a, BOUND);
        mpfr_set_ui(b, 1, MPFR_RNDN);
        mpfr_set_prec(o, 24);
        mpfr_clear_flags();
        nb_run_mpfr(vm, (mpfr_srcptr[]){a, b, b}, (mpfr_ptr[]){o});
        CHECK(mpfr_inf_p(o) && mpfr_overflow_p(),
              "a value at the top exponent rounded to 24 bits overflows");
        mpfr_set_prec(o, 53);
        nb_run_mpfr(vm, (mpfr_srcptr[]){a, b, b}, (mpfr_ptr[]){o});
        CHECK(mpfr_equal_p(o, a), "into 53 bits it is itself");
        mpfr_clears(a, b, (mpfr_ptr)0);
        nb_mpfr_vm_free(vm);
        nb_program_free(p);
    }
    mpfr_clear(o);
}

int main(void)
{
    const char *seed = getenv("NB_TEST_SEED");
    rng = seed ? strtoull(seed, NULL, 10) : 20261202u;
    printf("# seed %llu\n", (unsigned long long)rng);
    st = nb_store_new();
    V[0] = nb_sym(st, "x");
    V[1] = nb_sym(st, "y");
    V[2] = nb_sym(st, "z");
    test_cases();
    test_random();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
