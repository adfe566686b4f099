/* test_midprec.c — exp, log and sin_cos at medium precision (src/mathfn/midprec.c).
 *
 * Every result must be within ULPS ulps (of the result, at its precision)
 * of MPFR's at 64 more bits, over random arguments at each precision the
 * fast paths take, and over the arguments each path finds hardest: the
 * edges of the tables, a grid point exactly (a zero remainder), values
 * just around 1 for log and around k pi/2 for sin_cos (where the
 * reduction cancels and MPFR must take over), and tiny and huge ones.
 * Where a function leaves its fast range the result must be MPFR's to the
 * bit, as must the special values. A table entry computed on first use
 * and one read back later must give the same bits.
 */
#include <math.h>
#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mathfn/midprec.h"
#include "check.h"

#define ULPS 4
#define NRAND 300          /* random arguments per function and precision */

#include "rand_mpfr.h"

typedef enum Which { EXP, LOG, SIN, COS } Which;
static const char *const names[] = {"exp", "log", "sin", "cos"};

typedef struct Stats {
    double worst;    /* ulps */
    int bad, count;
} Stats;

/* |got - ref| in ulps of ref at got's precision; 0 when both are the same
 * special value or zero. */
static double ulps_off(mpfr_srcptr got, mpfr_srcptr ref)
{
    if (!mpfr_regular_p(ref) || !mpfr_regular_p(got))
        return mpfr_equal_p(got, ref) || (mpfr_nan_p(got) && mpfr_nan_p(ref))
                   ? 0 : INFINITY;
    mpfr_t d;
    mpfr_init2(d, 64);
    mpfr_sub(d, got, ref, MPFR_RNDN);
    mpfr_mul_2si(d, d, (long)mpfr_get_prec(got) - mpfr_get_exp(ref),
                 MPFR_RNDN);
    double u = fabs(mpfr_get_d(d, MPFR_RNDN));
    mpfr_clear(d);
    return u;
}

/* f(a) by the context and by MPFR at 64 more bits; the error into s */
static void one(NbMidprec *fn, Which w, mpfr_srcptr a, Stats *s)
{
    mpfr_prec_t p = mpfr_get_prec(a);
    mpfr_t got, got2, ref, ref2;
    mpfr_inits2(p, got, got2, (mpfr_ptr)0);
    mpfr_inits2(p + 64, ref, ref2, (mpfr_ptr)0);
    switch (w) {
    case EXP:
        nb_midprec_exp(fn, got, a);
        mpfr_exp(ref, a, MPFR_RNDN);
        break;
    case LOG:
        nb_midprec_log(fn, got, a);
        mpfr_log(ref, a, MPFR_RNDN);
        break;
    default:
        nb_midprec_sin_cos(fn, got, got2, a);
        mpfr_sin_cos(ref, ref2, a, MPFR_RNDN);
        if (w == COS) {
            mpfr_swap(got, got2);
            mpfr_swap(ref, ref2);
        }
        break;
    }
    double u = ulps_off(got, ref);
    s->count++;
    if (u > s->worst)
        s->worst = u;
    if (u > ULPS) {
        if (s->bad++ < 3)
            mpfr_printf("# %s(%.30Rg) at %ld bits: %.1f ulps off\n",
                        names[w], a, (long)p, u);
    }
    mpfr_clears(got, got2, ref, ref2, (mpfr_ptr)0);
}

/* The arguments each path finds hardest, at precision p. */
static void hard_cases(NbMidprec *fn, mpfr_prec_t p, Stats *st)
{
    mpfr_t a, c;
    mpfr_inits2(p, a, c, (mpfr_ptr)0);
    for (int sg = -1; sg <= 1; sg += 2) {
        /* the edges of exp's tables, grid points, and beyond 2^16 */
        double pts[] = {0.34657359027997264, 0.3465, 88.5 / 256, 1.0 / 256,
                        1.0 / 512, 129.0 / 65536, 1e-30, 700.25, 65535.9,
                        70000.5};
        for (size_t i = 0; i < sizeof pts / sizeof *pts; i++) {
            mpfr_set_d(a, sg * pts[i], MPFR_RNDN);
            one(fn, EXP, a, &st[EXP]);
            mpfr_const_log2(c, MPFR_RNDN);       /* k ln2, full bits */
            mpfr_mul_d(a, c, sg * (double)(i + 1) + 0.5, MPFR_RNDN);
            one(fn, EXP, a, &st[EXP]);
        }
        /* sin_cos around k pi/2 (|r| from 2^-3 to 2^-60: the fallback
         * below 2^-8), at pi/4 (the table's edge), tiny and past 2^16 */
        for (int k = 1; k <= 9; k += 4)
            for (int e = 3; e <= 60; e += 3) {
                mpfr_const_pi(c, MPFR_RNDN);
                mpfr_mul_d(a, c, k / 2.0, MPFR_RNDN);
                mpfr_set_ui_2exp(c, 1, -e, MPFR_RNDN);
                (sg > 0 ? mpfr_add : mpfr_sub)(a, a, c, MPFR_RNDN);
                one(fn, SIN, a, &st[SIN]);
                one(fn, COS, a, &st[COS]);
            }
        double spts[] = {0.78539816339744830962, 201.0 / 256, 0.5, 1e-25,
                         65535.5, 1e6};
        for (size_t i = 0; i < sizeof spts / sizeof *spts; i++) {
            mpfr_set_d(a, sg * spts[i], MPFR_RNDN);
            one(fn, SIN, a, &st[SIN]);
            one(fn, COS, a, &st[COS]);
        }
        /* log just around 1 (1 +- 2^-e), at m = 0.75 and 1.5, far out */
        for (int e = 1; e <= 100; e += 3) {
            mpfr_set_ui_2exp(a, 1, -e, MPFR_RNDN);
            mpfr_mul_si(a, a, sg, MPFR_RNDN);
            mpfr_add_ui(a, a, 1, MPFR_RNDN);
            one(fn, LOG, a, &st[LOG]);
        }
        double lpts[] = {0.75, 1.5, 1.4999999, 0.7500001, 3, 1e-300, 1e300,
                         383.5 / 256, 2 - 1e-9};
        for (size_t i = 0; i < sizeof lpts / sizeof *lpts; i++) {
            mpfr_set_d(a, lpts[i], MPFR_RNDN);
            if (sg < 0)
                mpfr_ui_div(a, 1, a, MPFR_RNDN);
            one(fn, LOG, a, &st[LOG]);
        }
    }
    mpfr_clears(a, c, (mpfr_ptr)0);
}

/* Special values and arguments outside the fast range: MPFR's bits. */
static void specials(NbMidprec *fn, mpfr_prec_t p)
{
    mpfr_t a, g, g2, r, r2;
    mpfr_inits2(p, a, g, g2, r, r2, (mpfr_ptr)0);
    int same = 1;
    /* which functions leave their fast path there: 1 exp, 2 log, 4 sin_cos */
    static const struct { const char *a; int fns; } args[] = {
        {"0", 7}, {"-0", 7}, {"@NaN@", 7}, {"@Inf@", 7}, {"-@Inf@", 7},
        {"-1", 2}, {"1e6", 5}, {"-1e6", 5}, {"1e30", 5}};
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        mpfr_set_str(a, args[i].a, 10, MPFR_RNDN);
        if (args[i].fns & 1) {
            nb_midprec_exp(fn, g, a);
            mpfr_exp(r, a, MPFR_RNDN);
            same &= mpfr_total_order_p(g, r) && mpfr_total_order_p(r, g);
        }
        if (args[i].fns & 2) {
            nb_midprec_log(fn, g, a);
            mpfr_log(r, a, MPFR_RNDN);
            same &= mpfr_total_order_p(g, r) && mpfr_total_order_p(r, g);
        }
        if (args[i].fns & 4) {
            nb_midprec_sin_cos(fn, g, g2, a);
            mpfr_sin_cos(r, r2, a, MPFR_RNDN);
            same &= mpfr_total_order_p(g, r) && mpfr_total_order_p(r, g)
                    && mpfr_total_order_p(g2, r2)
                    && mpfr_total_order_p(r2, g2);
        }
    }
    CHECK(same, "%ld bits: 0, -0, NaN, +-inf, log(-1), exp and sin_cos of "
          "+-1e6 and 1e30 give MPFR's own results to the bit", (long)p);
    mpfr_clears(a, g, g2, r, r2, (mpfr_ptr)0);
}

/* A fresh context (every entry computed on the spot) and a used one
 * (entries read back) agree to the bit. */
static void fresh_and_used(NbMidprec *used, mpfr_prec_t p)
{
    NbMidprec *fresh = nb_midprec_new(p);
    mpfr_t a, g1, g2, h1, h2;
    mpfr_inits2(p, a, g1, g2, h1, h2, (mpfr_ptr)0);
    int same = 1;
    for (int i = 0; i < 20; i++) {
        random_in(a, -3, 3);
        nb_midprec_exp(used, g1, a);
        nb_midprec_exp(fresh, g2, a);
        same &= mpfr_equal_p(g1, g2);
        mpfr_abs(a, a, MPFR_RNDN);
        nb_midprec_log(used, g1, a);
        nb_midprec_log(fresh, g2, a);
        same &= mpfr_equal_p(g1, g2);
        nb_midprec_sin_cos(used, g1, h1, a);
        nb_midprec_sin_cos(fresh, g2, h2, a);
        same &= mpfr_equal_p(g1, g2) && mpfr_equal_p(h1, h2);
    }
    CHECK(same, "%ld bits: a fresh context and a used one give the same "
          "bits", (long)p);
    nb_midprec_free(fresh);
    mpfr_clears(a, g1, g2, h1, h2, (mpfr_ptr)0);
}

int main(void)
{
    rng = check_seed() * 2654435761u + 1;
    CHECK(nb_midprec_new(53) == NULL && nb_midprec_new(63) == NULL
              && nb_midprec_new(2000) == NULL,
          "no context below 64 bits nor at 2000 (MPFR's own serve there)");
    const mpfr_prec_t precs[] = {64, 85, 113, 145, 200, 256, 288, 320, 350};
    double worst[4] = {0};
    int bad = 0, count = 0;
    for (size_t i = 0; i < sizeof precs / sizeof *precs; i++) {
        mpfr_prec_t p = precs[i];
        NbMidprec *fn = nb_midprec_new(p);
        CHECK(fn != NULL, "a context at %ld bits", (long)p);
        if (!fn)
            continue;
        Stats st[4] = {{0, 0, 0}};
        mpfr_t a;
        mpfr_init2(a, p);
        for (int n = 0; n < NRAND; n++) {
            random_in(a, -40, 40);
            one(fn, EXP, a, &st[EXP]);
            random_in(a, -1, 1);
            one(fn, EXP, a, &st[EXP]);
            random_in(a, -30, 30);
            mpfr_exp10(a, a, MPFR_RNDN);             /* log-uniform */
            one(fn, LOG, a, &st[LOG]);
            random_in(a, 0.5, 2);
            one(fn, LOG, a, &st[LOG]);
            random_in(a, -100, 100);
            one(fn, SIN, a, &st[SIN]);
            one(fn, COS, a, &st[COS]);
        }
        hard_cases(fn, p, st);
        for (int w = 0; w < 4; w++) {
            worst[w] = fmax(worst[w], st[w].worst);
            bad += st[w].bad;
            count += st[w].count;
        }
        specials(fn, p);
        fresh_and_used(fn, p);
        mpfr_clear(a);
        nb_midprec_free(fn);
    }
    CHECK(bad == 0, "%d results of exp, log, sin and cos at 64..350 bits: "
          "within %d ulps of MPFR's, worst exp %.3g, log %.3g, sin %.3g, "
          "cos %.3g", count, ULPS, worst[EXP], worst[LOG], worst[SIN],
          worst[COS]);
    mpfr_free_cache();
    return check_done();
}
