/* midprec.c — exp, log and sin_cos at medium precision: two or three table
 * lookups and a short series by rectangular splitting (see midprec.h).
 *
 * Error budget: every operation below rounds at wi = prec + GUARD bits,
 * some thirty of them on the longest path, and the reductions lose at
 * most 2 bits to cancellation (argued at each); 2^-GUARD of a result ulp
 * covers that many times over, so the final rounding to prec dominates.
 * tests/unit/test_midprec.c holds every path to 4 ulps against MPFR. */
#include "mathfn/midprec.h"
#include "util/alloc.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#define N MPFR_RNDN

/* only to pick the nearest multiple k: any close value would do */
#ifndef M_LN2
#define M_LN2 0.69314718055994530942
#endif
#ifndef M_PI_2
#define M_PI_2 1.57079632679489661923
#endif

enum {
    GUARD = 16,      /* working bits beyond the result's */
    RED_GUARD = 32,  /* more for k ln2 and k pi/2, k up to 2^17 */
    MAX_EXP = 16,    /* fast only for |a| < 2^16 (exp, sin_cos) */
    /* the last factorial an unsigned long holds: 20! in 64 bits, 12! in
     * 32 (where sin_cos then falls back to MPFR beyond ~230 bits) */
    MAX_FACT = ULONG_MAX > 0xffffffffUL ? 20 : 12
};

/* f(j 2^-shift) for j in [lo, lo + n), each computed by MPFR the first
 * time it is read; sin_cos tables hold the pair (sin, cos) per j. */
typedef struct Table {
    mpfr_t *v;
    unsigned char *have;
    long lo, n;
    int shift, width; /* width: values per entry */
} Table;

/* What a table holds: F_EXP_DIV exp over the series' denominator (which
 * saves a division a call); F_SIN_COS_DIV sin and cos over cos's
 * denominator, then over sin's. */
typedef enum Fn { F_EXP, F_EXP_DIV, F_LOG, F_LOG1P, F_SIN_COS,
                  F_SIN_COS_DIV } Fn;

struct NbMidprec {
    mpfr_prec_t wi;
    /* series lengths (0: that function is not fast at this precision),
     * and their integer coefficients over a common denominator */
    int nexp, nsc, nlog;
    unsigned long cexp[MAX_FACT + 1], csin[MAX_FACT], ccos[MAX_FACT],
        clog[MAX_FACT];
    unsigned long dexp, dsin, dcos, dlog;
    Table exp1, exp2, exp3, log1, log2, sc1, sc2;
    mpfr_t ln2, halfpi, red;          /* at wi + RED_GUARD */
    mpfr_t r, t, acc, x[4];           /* at wi */
    mpz_t pz[5], A, one;              /* fixed point over 2^(wi + 8) */
    mpz_ptr P[5];
};

/* ---- tables ------------------------------------------------------------- */

/* The table's arrays are allocated on its first lookup: a program with
 * no log pays nothing for log's tables. */
static void table_init(Table *tb, long lo, long hi, int shift, int width)
{
    tb->lo = lo;
    tb->n = hi - lo + 1;
    tb->shift = shift;
    tb->width = width;
    tb->v = NULL;
    tb->have = NULL;
}

static void table_alloc(Table *tb)
{
    tb->v = nb_xmalloc((size_t)(tb->n * tb->width) * sizeof *tb->v);
    tb->have = nb_xcalloc((size_t)tb->n, 1);
}

static void table_free(Table *tb)
{
    for (long i = 0; tb->have && i < tb->n; i++)
        if (tb->have[i])
            for (int k = 0; k < tb->width; k++)
                mpfr_clear(tb->v[i * tb->width + k]);
    free(tb->v);
    free(tb->have);
}

/* The entry for j, computing it on first use; NULL when j is outside the
 * table (the caller then falls back to MPFR). */
static mpfr_t *entry(NbMidprec *fn, Table *tb, long j, Fn f)
{
    long i = j - tb->lo;
    if (i < 0 || i >= tb->n)
        return NULL;
    if (!tb->v)
        table_alloc(tb);
    mpfr_t *v = &tb->v[i * tb->width];
    if (!tb->have[i]) {
        for (int k = 0; k < tb->width; k++)
            mpfr_init2(v[k], fn->wi);
        mpfr_set_si_2exp(fn->t, j, -tb->shift, N); /* exact */
        switch (f) {
        case F_EXP: mpfr_exp(v[0], fn->t, N); break;
        case F_EXP_DIV:
            mpfr_exp(v[0], fn->t, N);
            mpfr_div_ui(v[0], v[0], fn->dexp, N);
            break;
        case F_LOG: mpfr_log(v[0], fn->t, N); break;
        case F_LOG1P: mpfr_log1p(v[0], fn->t, N); break;
        case F_SIN_COS: mpfr_sin_cos(v[0], v[1], fn->t, N); break;
        case F_SIN_COS_DIV:
            mpfr_sin_cos(v[0], v[1], fn->t, N);
            mpfr_div_ui(v[2], v[0], fn->dsin, N);
            mpfr_div_ui(v[3], v[1], fn->dsin, N);
            mpfr_div_ui(v[0], v[0], fn->dcos, N);
            mpfr_div_ui(v[1], v[1], fn->dcos, N);
            break;
        }
        tb->have[i] = 1;
    }
    return v;
}

/* ---- series ------------------------------------------------------------- */

/* The series are summed in fixed point, as integers over 2^F, F = wi +
 * 8: the terms are products by small integers (mpz_addmul_ui, one pass
 * over the limbs), where MPFR rounds and aligns each product and each
 * sum. Every truncation costs at most 2^-F, times a coefficient below
 * 2^62 against a sum above the same coefficient: 2^-(wi + 6) relative. */

/* P[k] = x^k 2^F for k = 1..4, x = pw1 (|x| < 1). */
static void powers(NbMidprec *fn, mpfr_srcptr pw1)
{
    mpz_ptr *P = fn->P;
    long F = (long)fn->wi + 8;
    mpfr_exp_t ex = mpfr_get_z_2exp(P[1], pw1);   /* x = P[1] 2^ex */
    if (ex + F >= 0)
        mpz_mul_2exp(P[1], P[1], (mp_bitcnt_t)(ex + F));
    else
        mpz_tdiv_q_2exp(P[1], P[1], (mp_bitcnt_t)-(ex + F));
    mpz_mul(P[2], P[1], P[1]);
    mpz_tdiv_q_2exp(P[2], P[2], (mp_bitcnt_t)F);
    mpz_mul(P[3], P[2], P[1]);
    mpz_tdiv_q_2exp(P[3], P[3], (mp_bitcnt_t)F);
    mpz_mul(P[4], P[2], P[2]);
    mpz_tdiv_q_2exp(P[4], P[4], (mp_bitcnt_t)F);
}

/* acc = sum over i < n of c[i] x^i, from the powers above: groups of four
 * terms joined by Horner's rule in x^4 (rectangular splitting: n/4 full
 * products where Horner's rule alone takes n). */
static void rect_sum(NbMidprec *fn, const unsigned long *c, int n)
{
    mpz_ptr *P = fn->P, A = fn->A;
    long F = (long)fn->wi + 8;
    int top = (n - 1) / 4;
    for (int g = top; g >= 0; g--) {
        if (g == top) {
            mpz_set_ui(A, c[4 * g]);
            mpz_mul_2exp(A, A, (mp_bitcnt_t)F);
        } else {
            mpz_mul(A, A, P[4]);
            mpz_tdiv_q_2exp(A, A, (mp_bitcnt_t)F);
            mpz_addmul_ui(A, fn->one, c[4 * g]);
        }
        for (int k = 1; k < 4 && 4 * g + k < n; k++)
            mpz_addmul_ui(A, P[k], c[4 * g + k]);
    }
    mpfr_set_z_2exp(fn->acc, A, -F, N);
}

/* The fewest terms n with 2^-(n*bits) * weight(n) below 2^-(wi + 4),
 * where log2 of the weight is what lg returns; 0 if more than max. */
static int terms_needed(mpfr_prec_t wi, double bits, double (*lg)(int),
                        int max)
{
    for (int n = 1; n <= max; n++)
        if (n * bits + lg(n) >= (double)wi + 4)
            return n;
    return 0;
}

static double lg_fact(int n)        /* log2 n! : exp's nth term */
{
    return lgamma(n + 1.0) / log(2.0);
}

static double lg_fact2(int n)       /* log2 (2n)! : cos's and sin's */
{
    return lgamma(2.0 * n + 1.0) / log(2.0);
}

static double lg_odd(int n)         /* log2 (2n + 1) : atanh's */
{
    return log2(2.0 * n + 1.0);
}

static unsigned long gcd(unsigned long a, unsigned long b)
{
    while (b) {
        unsigned long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The coefficients of the three series over common denominators:
 * exp: sum x^i/i! = (sum ((n-1)!/i!) x^i) / (n-1)!;
 * sin r = r sum y^i/(2i+1)!, cos r = sum y^i/(2i)!, y = -r^2, over
 * (2n-1)! and (2n-2)!; atanh z = z sum q^i/(2i+1), q = z^2, over the
 * lcm of the odd numbers below 2n. */
static void coefficients(NbMidprec *fn)
{
    if (fn->nexp) {
        fn->dexp = 1;
        for (int i = 2; i < fn->nexp; i++)
            fn->dexp *= (unsigned long)i;
        unsigned long c = 1;
        for (int i = fn->nexp - 1; i >= 0; i--) {
            fn->cexp[i] = c;
            c *= (unsigned long)(i ? i : 1);
        }
    }
    if (fn->nsc) {
        int n = fn->nsc;
        unsigned long cs = 1, cc = 1;
        for (int i = n - 1; i >= 0; i--) {
            fn->csin[i] = cs;
            fn->ccos[i] = cc;
            if (i) {
                cs *= (unsigned long)(2 * i) * (unsigned long)(2 * i + 1);
                cc *= (unsigned long)(2 * i - 1) * (unsigned long)(2 * i);
            }
        }
        fn->dsin = cs;
        fn->dcos = cc;
    }
    if (fn->nlog) {
        unsigned long l = 1;
        for (int i = 0; i < fn->nlog; i++) {
            unsigned long o = 2 * (unsigned long)i + 1;
            l = l / gcd(l, o) * o;
        }
        fn->dlog = l;
        for (int i = 0; i < fn->nlog; i++)
            fn->clog[i] = l / (2 * (unsigned long)i + 1);
    }
}

/* ---- the context ---------------------------------------------------------- */

NbMidprec *nb_midprec_new(mpfr_prec_t prec)
{
    if (prec < 64)
        return NULL; /* MPFR's own are about as fast there */
    mpfr_prec_t wi = prec + GUARD;
    /* Bits gained per term: after the lookups |r| <= 2^-25 (exp, three
     * of them) or 2^-17 (sin_cos, two), and log's z = u/(2 + u) <= 2^-18,
     * each bound exceeded by at most 2^-35 of itself (the nearest j is
     * picked from r rounded to double): 24.9 bits per power of r for
     * exp, 33.9 per power of r^2 for sin_cos, 35.9 per power of z^2 for
     * log; terms_needed() keeps 4 bits to spare on top. */
    int nexp = terms_needed(wi, 24.9, lg_fact, MAX_FACT + 1);
    int nsc = terms_needed(wi, 33.9, lg_fact2, MAX_FACT / 2);
    int nlog = terms_needed(wi, 35.9, lg_odd, MAX_FACT);
    if (!nexp && !nsc && !nlog)
        return NULL;
    NbMidprec *fn = nb_xcalloc(1, sizeof *fn);
    fn->wi = wi;
    fn->nexp = nexp;
    fn->nsc = nsc;
    fn->nlog = nlog;
    coefficients(fn);
    mpfr_inits2(wi + RED_GUARD, fn->ln2, fn->halfpi, fn->red, (mpfr_ptr)0);
    mpfr_const_log2(fn->ln2, N);
    mpfr_const_pi(fn->halfpi, N);
    mpfr_div_2ui(fn->halfpi, fn->halfpi, 1, N);
    mpfr_inits2(wi, fn->r, fn->t, fn->acc, fn->x[0], fn->x[1], fn->x[2],
                fn->x[3], (mpfr_ptr)0);
    for (int k = 0; k < 5; k++) {
        mpz_init2(fn->pz[k], (mp_bitcnt_t)(2 * wi + 160));
        fn->P[k] = fn->pz[k];
    }
    mpz_init2(fn->A, (mp_bitcnt_t)(2 * wi + 160));
    mpz_init_set_ui(fn->one, 1);
    mpz_mul_2exp(fn->one, fn->one, (mp_bitcnt_t)wi + 8);
    /* |r| <= ln2/2 = 0.347 (x 256 = 88.7); then 2^-9 (x 2^16 = 128),
     * 2^-17 (x 2^24 = 128) */
    table_init(&fn->exp1, -90, 90, 8, 1);
    table_init(&fn->exp2, -130, 130, 16, 1);
    table_init(&fn->exp3, -130, 130, 24, 1);
    /* m in [0.75, 1.5) (x 256: 192..384); then |u| <= 1/384 (x 2^16 =
     * 171) */
    table_init(&fn->log1, 191, 385, 8, 1);
    table_init(&fn->log2, -173, 173, 16, 1);
    /* |r| <= pi/4 = 0.785 (x 256 = 201.1) */
    table_init(&fn->sc1, -203, 203, 8, 2);
    table_init(&fn->sc2, -130, 130, 16, 4);
    return fn;
}

void nb_midprec_free(NbMidprec *fn)
{
    if (!fn)
        return;
    table_free(&fn->exp1);
    table_free(&fn->exp2);
    table_free(&fn->exp3);
    table_free(&fn->log1);
    table_free(&fn->log2);
    table_free(&fn->sc1);
    table_free(&fn->sc2);
    mpfr_clears(fn->ln2, fn->halfpi, fn->red, fn->r, fn->t, fn->acc,
                fn->x[0], fn->x[1], fn->x[2], fn->x[3], (mpfr_ptr)0);
    for (int k = 0; k < 5; k++)
        mpz_clear(fn->pz[k]);
    mpz_clear(fn->A);
    mpz_clear(fn->one);
    free(fn);
}

/* fn->r -= j 2^-shift, j the nearest integer to fn->r 2^shift: exact,
 * as the difference needs fewer bits than r has. Returns j. */
static long peel(NbMidprec *fn, int shift)
{
    long j = lround(ldexp(mpfr_get_d(fn->r, N), shift));
    mpfr_set_si_2exp(fn->t, j, -shift, N);
    mpfr_sub(fn->r, fn->r, fn->t, N);
    return j;
}

/* ---- exp ------------------------------------------------------------------ */

/* exp a = 2^k exp(j1/2^8) exp(j2/2^16) exp(j3/2^24) exp(r), |r| <=
 * 2^-25. The reduction a - k ln2 is exact to 2^-(wi + 15) absolute,
 * which is exp's relative error: no cancellation can hurt. */
void nb_midprec_exp(NbMidprec *fn, mpfr_ptr r, mpfr_srcptr a)
{
    if (!fn->nexp || !mpfr_regular_p(a) || mpfr_get_exp(a) > MAX_EXP) {
        mpfr_exp(r, a, N);
        return;
    }
    long k = lround(mpfr_get_d(a, N) / M_LN2);
    mpfr_mul_si(fn->red, fn->ln2, k, N);
    mpfr_sub(fn->red, a, fn->red, N);
    mpfr_set(fn->r, fn->red, N);
    long j1 = peel(fn, 8), j2 = peel(fn, 16), j3 = peel(fn, 24);
    mpfr_t *e1 = entry(fn, &fn->exp1, j1, F_EXP);
    mpfr_t *e2 = e1 ? entry(fn, &fn->exp2, j2, F_EXP) : NULL;
    mpfr_t *e3 = e2 ? entry(fn, &fn->exp3, j3, F_EXP_DIV) : NULL;
    if (!e3) {
        mpfr_exp(r, a, N);
        return;
    }
    powers(fn, fn->r);
    rect_sum(fn, fn->cexp, fn->nexp);
    mpfr_mul(fn->acc, fn->acc, e1[0], N);
    mpfr_mul(fn->acc, fn->acc, e2[0], N);
    mpfr_mul(fn->acc, fn->acc, e3[0], N);        /* and / dexp */
    mpfr_mul_2si(r, fn->acc, k, N);
}

/* ---- log ------------------------------------------------------------------- */

/* a = 2^e m, m in [0.75, 1.5); m = (j1/2^8)(1 + u1), 1 + u1 = (1 +
 * j2/2^16)(1 + u), |u| <= 2^-17; log(1 + u) = 2 atanh(u/(2 + u)). Each
 * peel takes the nearest j, so each table value is at least twice what
 * remains below it (or 0): the sums lose at most a bit each, and e ln2
 * (|e ln2| >= 0.69 > 2 |log m|) one more. */
void nb_midprec_log(NbMidprec *fn, mpfr_ptr r, mpfr_srcptr a)
{
    if (!fn->nlog || !mpfr_regular_p(a) || mpfr_sgn(a) <= 0) {
        mpfr_log(r, a, N);
        return;
    }
    long e = (long)mpfr_get_exp(a);
    mpfr_mul_2si(fn->r, a, -e, N);               /* m in [0.5, 1), exact */
    double m = mpfr_get_d(fn->r, N);
    if (m < 0.75) {
        mpfr_mul_2ui(fn->r, fn->r, 1, N);
        m *= 2;
        e--;
    }
    long j1 = lround(m * 256);
    mpfr_mul_2ui(fn->r, fn->r, 8, N);
    mpfr_sub_si(fn->r, fn->r, j1, N);            /* exact */
    mpfr_div_ui(fn->r, fn->r, (unsigned long)j1, N);       /* u1 */
    long j2 = lround(ldexp(mpfr_get_d(fn->r, N), 16));
    mpfr_mul_2ui(fn->r, fn->r, 16, N);
    mpfr_sub_si(fn->r, fn->r, j2, N);            /* exact */
    mpfr_t *l1 = entry(fn, &fn->log1, j1, F_LOG);
    mpfr_t *l2 = l1 ? entry(fn, &fn->log2, j2, F_LOG1P) : NULL;
    if (!l2) {
        mpfr_log(r, a, N);
        return;
    }
    mpfr_div_ui(fn->r, fn->r, (unsigned long)(65536 + j2), N);   /* u */
    mpfr_add_ui(fn->t, fn->r, 2, N);
    mpfr_div(fn->x[0], fn->r, fn->t, N);                         /* z */
    mpfr_sqr(fn->t, fn->x[0], N);
    powers(fn, fn->t);
    rect_sum(fn, fn->clog, fn->nlog);
    mpfr_mul(fn->acc, fn->acc, fn->x[0], N);
    mpfr_div_ui(fn->acc, fn->acc, fn->dlog, N);
    mpfr_mul_2ui(fn->acc, fn->acc, 1, N);        /* log(1 + u) */
    mpfr_add(fn->acc, fn->acc, l2[0], N);
    mpfr_add(fn->acc, fn->acc, l1[0], N);
    if (e) {
        mpfr_mul_si(fn->red, fn->ln2, e, N);
        mpfr_add(fn->red, fn->red, fn->acc, N);
        mpfr_set(r, fn->red, N);
    } else {
        mpfr_set(r, fn->acc, N);
    }
}

/* ---- sin_cos ------------------------------------------------------------------ */

/* (sin, cos) of x + y from those of x and y: s = sx cy + cx sy, c = cx cy
 * - sx sy (s, c distinct from the inputs). */
static void add_angles(NbMidprec *fn, mpfr_ptr s, mpfr_ptr c, mpfr_srcptr sx,
                       mpfr_srcptr cx, mpfr_srcptr sy, mpfr_srcptr cy)
{
    mpfr_mul(s, sx, cy, N);
    mpfr_mul(fn->t, cx, sy, N);
    mpfr_add(s, s, fn->t, N);
    mpfr_mul(c, cx, cy, N);
    mpfr_mul(fn->t, sx, sy, N);
    mpfr_sub(c, c, fn->t, N);
}

/* a = k pi/2 + j1/2^8 + j2/2^16 + r, |r| <= 2^-17. A reduction that
 * cancels (k != 0 and a within 2^-8 of k pi/2) goes to MPFR, which
 * keeps the relative accuracy of a small sine; otherwise each peel, as
 * in log, costs at most a bit. */
void nb_midprec_sin_cos(NbMidprec *fn, mpfr_ptr s, mpfr_ptr c, mpfr_srcptr a)
{
    if (!fn->nsc || !mpfr_regular_p(a) || mpfr_get_exp(a) > MAX_EXP) {
        mpfr_sin_cos(s, c, a, N);
        return;
    }
    long k = lround(mpfr_get_d(a, N) / M_PI_2);
    mpfr_mul_si(fn->red, fn->halfpi, k, N);
    mpfr_sub(fn->red, a, fn->red, N);
    if (k && (mpfr_zero_p(fn->red) || mpfr_get_exp(fn->red) < -8)) {
        mpfr_sin_cos(s, c, a, N);
        return;
    }
    mpfr_set(fn->r, fn->red, N);
    long j1 = peel(fn, 8), j2 = peel(fn, 16);
    mpfr_t *t1 = entry(fn, &fn->sc1, j1, F_SIN_COS);
    mpfr_t *t2 = t1 ? entry(fn, &fn->sc2, j2, F_SIN_COS_DIV) : NULL;
    if (!t2) {
        mpfr_sin_cos(s, c, a, N);
        return;
    }
    mpfr_sqr(fn->t, fn->r, N);
    mpfr_neg(fn->t, fn->t, N);                  /* -r^2 */
    powers(fn, fn->t);
    rect_sum(fn, fn->csin, fn->nsc);
    mpfr_mul(fn->x[0], fn->acc, fn->r, N);           /* sin r, x dsin */
    rect_sum(fn, fn->ccos, fn->nsc);                 /* cos r, x dcos */
    /* t2 holds (sin, cos)(j2/2^16) over dcos, then over dsin */
    mpfr_mul(fn->x[2], t2[0], fn->acc, N);
    mpfr_mul(fn->t, t2[3], fn->x[0], N);
    mpfr_add(fn->x[2], fn->x[2], fn->t, N);
    mpfr_mul(fn->x[3], t2[1], fn->acc, N);
    mpfr_mul(fn->t, t2[2], fn->x[0], N);
    mpfr_sub(fn->x[3], fn->x[3], fn->t, N);
    add_angles(fn, fn->x[0], fn->x[1], t1[0], t1[1], fn->x[2], fn->x[3]);
    /* the quadrant: (sin, cos)(k pi/2 + x) */
    mpfr_srcptr sx = fn->x[0], cx = fn->x[1];
    switch (k & 3) {
    case 0: mpfr_set(s, sx, N); mpfr_set(c, cx, N); break;
    case 1: mpfr_set(s, cx, N); mpfr_neg(c, sx, N); break;
    case 2: mpfr_neg(s, sx, N); mpfr_neg(c, cx, N); break;
    default: mpfr_neg(s, cx, N); mpfr_set(c, sx, N); break;
    }
}
