/* vm_divdiff.c — the mp stream in divided-difference arithmetic: a program's
 * value at a point and its increments f(x + d_k) - f(x) at a few nearby
 * points, for Ridders' fast path in MPFR (numdiff.c).
 *
 * Every register carries its value a at the point and, per node k, its
 * increment da_k, each rounded to the VM's precision relative to itself.
 * Each opcode has an increment rule that is an exact identity, so a
 * difference of nearby values never has to be formed by cancellation:
 *     (a*b)    a*db + da*(b + db)
 *     a/b      (da - (a/b)*db) / (b + db)
 *     exp a    exp(a) * expm1(da)
 *     log a    log1p(da/a)
 *     sin a    sin(a)*(cos(da) - 1) + cos(a)*sin(da)
 *     atan a   atan(da / (1 + a*(a + da)))
 * and so on below. Two things follow. A central difference from these
 * increments loses no bits to cancellation, so p + a few guard bits of
 * working precision give p good bits, where plain values need about 1.5p
 * (the rounding error of values, divided by a step near 2^(-p/2)). And
 * each built-in function is evaluated once, at the point (exp, log, sin
 * and cos by midprec.c, within a few ulps: 2-3 times faster than MPFR's);
 * the nodes pay only a short series in their small offset (MPFR's own
 * sin, expm1 and atan are slowest exactly there: 16 us for sin(2^-131)
 * at 280 bits, against 2 us for sin(0.5)), whose far terms are summed
 * in double.
 *
 * The increments are those of the exact function values at the nodes, so
 * the central difference is the secant slope of f as a finite difference
 * defines it: its truncation error (h^2 f'''/6) is all there, and Ridders'
 * extrapolation removes it as usual.
 *
 * Opcodes without a rule (POLY, which the mp stream never has, and the
 * CALL built-ins) make nb_divdiff_vm_new() return NULL; a run whose values
 * leave a rule's domain (abs or relu crossing its kink, a base or a power
 * where the identity needs a positive value, anything not finite) returns
 * -1. The caller then evaluates values the plain way.
 */
#include "exec/compile_internal.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>

#include "mathfn/midprec.h"
#include "nabla/limits.h"

/* Integer powers up to this go by products (dv_powi), beyond by log. */
#define POWI_PRODUCTS 16

/* A register's value and increments; zero: every increment is exactly 0
 * (constants, the variables held fixed), and d is not read. */
typedef struct Dv {
    mpfr_ptr v;
    mpfr_t *d;
    int zero;
} Dv;

struct NbDivdiffVm {
    const NbProgram *p;
    mpfr_prec_t prec;
    size_t n;            /* nodes */
    mpfr_t *val;         /* nregs values */
    mpfr_t *inc;         /* nregs * n increments */
    Dv *R;               /* register views */
    mpfr_t *K;           /* the pool at prec */
    mpfr_t *tinc;        /* 2 * n increments of the fused opcodes' temps */
    mpfr_t tval[2];
    mpfr_t *g;           /* n: exponents for times_expm1() */
    mpfr_t *xin;         /* n: the run's offsets, shallow copies of dx */
    mpfr_t s, c, t, u, x1, x2, e;    /* scratch of the rules */
    mpfr_t sstep, spow, sterm;       /* scratch of the series alone */
    mpfr_t tail;                     /* a series' tail (at prec, as the sum:
                                      * MPFR adds equal precisions faster) */
    mpfr_t ia;                       /* log_inc's 1/a */
    NbMidprec *fn;          /* fast exp, log, sin_cos at prec; NULL: MPFR's */
    int fn_tried;        /* fn made (or found impossible) on first need */
    mpfr_t bk[POWI_PRODUCTS];        /* dv_powi's coefficients */
    unsigned char *lazy; /* per instruction: its value is read by no rule
                          * when f(x) itself is not wanted (see below) */
    int ok;              /* cleared when a value leaves a rule's domain */
};

static int has_rule(int op)
{
    return op != NB_OP_POLY && op != NB_OP_CALL1 && op != NB_OP_CALL2;
}

/* Increment rules that are linear in the operands' increments read none
 * of the operands' values: (a + b), a*K, a/K... */
static int reads_operand_values(int op)
{
    switch (op) {
    case NB_OP_MOV: case NB_OP_LOADK: case NB_OP_ADD: case NB_OP_SUB:
    case NB_OP_ADDK: case NB_OP_SUBK: case NB_OP_KSUB: case NB_OP_NEG:
    case NB_OP_MULK: case NB_OP_DIVK: case NB_OP_MULKADD:
        return 0;
    default:
        return 1;
    }
}

/* Which values a run that does not want f(x) can skip: backwards from
 * the output, a value is needed when a later rule reads it, or when a
 * needed value is computed from it. Only log and atan act on it: their
 * increments, log1p(da/a) and atan(da/(1 + a(a + da))), need a but not
 * log a or atan a, the costliest values there are (log(1 + x^2) and
 * atan(x) then evaluate no built-in at all). */
static void mark_lazy(NbDivdiffVm *vm)
{
    const NbCode *c = &vm->p->mp;
    unsigned char *need = nb_xcalloc(c->nregs ? c->nregs : 1, 1);
    for (size_t i = c->nins; i-- > 0;) {
        const NbIns *in = &c->ins[i];
        if (in->op == NB_OP_END)
            continue;
        int own = need[in->d];
        need[in->d] = 0;
        vm->lazy[i] = !own;
        if (!own && !reads_operand_values(in->op))
            continue;
        const uint32_t ops[3] = {in->a, in->b, in->c};
        for (int k = 0; k < 3; k++)
            if (nbi_op_sigs[in->op][k] == 'r')
                need[ops[k]] = 1;
    }
    free(need);
}

NbDivdiffVm *nb_divdiff_vm_new(const NbProgram *p, mpfr_prec_t prec,
                           size_t nodes)
{
    if (prec < NB_MIN_PRECISION || prec > NB_MAX_PRECISION || nodes == 0)
        return NULL;
    for (const NbIns *in = p->mp.ins; in->op != NB_OP_END; in++)
        if (!has_rule(in->op))
            return NULL;
    NbDivdiffVm *vm = nb_xcalloc(1, sizeof *vm);
    size_t nr = p->mp.nregs ? p->mp.nregs : 1;
    size_t nk = p->nkonst ? p->nkonst : 1;
    vm->p = p;
    vm->prec = prec;
    vm->n = nodes;
    vm->val = nb_xmalloc(nr * sizeof *vm->val);
    vm->inc = nb_xmalloc(nr * nodes * sizeof *vm->inc);
    vm->R = nb_xmalloc(nr * sizeof *vm->R);
    vm->K = nb_xmalloc(nk * sizeof *vm->K);
    vm->tinc = nb_xmalloc(2 * nodes * sizeof *vm->tinc);
    vm->g = nb_xmalloc(nodes * sizeof *vm->g);
    vm->xin = nb_xmalloc(nodes * sizeof *vm->xin);
    vm->lazy = nb_xmalloc(p->mp.nins);
    mark_lazy(vm);
    for (int i = 0; i < POWI_PRODUCTS; i++)
        mpfr_init2(vm->bk[i], prec);
    for (size_t r = 0; r < p->mp.nregs; r++) {
        mpfr_init2(vm->val[r], prec);
        for (size_t k = 0; k < nodes; k++)
            mpfr_init2(vm->inc[r * nodes + k], prec);
        vm->R[r] = (Dv){vm->val[r], &vm->inc[r * nodes], 1};
    }
    for (size_t k = 0; k < p->nkonst; k++) {
        mpfr_init2(vm->K[k], prec);
        nb_konst_mpfr(&p->konst[k], vm->K[k]);
    }
    for (size_t k = 0; k < 2 * nodes; k++)
        mpfr_init2(vm->tinc[k], prec);
    for (size_t k = 0; k < nodes; k++)
        mpfr_init2(vm->g[k], prec);
    mpfr_inits2(prec, vm->tval[0], vm->tval[1], vm->s, vm->c, vm->t, vm->u,
                vm->x1, vm->x2, vm->e, vm->sstep, vm->spow, vm->sterm,
                (mpfr_ptr)0);
    mpfr_init2(vm->tail, prec);
    mpfr_init2(vm->ia, prec);
    return vm;
}

void nb_divdiff_vm_free(NbDivdiffVm *vm)
{
    if (!vm)
        return;
    for (size_t r = 0; r < vm->p->mp.nregs; r++) {
        mpfr_clear(vm->val[r]);
        for (size_t k = 0; k < vm->n; k++)
            mpfr_clear(vm->inc[r * vm->n + k]);
    }
    for (size_t k = 0; k < vm->p->nkonst; k++)
        mpfr_clear(vm->K[k]);
    for (size_t k = 0; k < 2 * vm->n; k++)
        mpfr_clear(vm->tinc[k]);
    for (size_t k = 0; k < vm->n; k++)
        mpfr_clear(vm->g[k]);
    mpfr_clears(vm->tval[0], vm->tval[1], vm->s, vm->c, vm->t, vm->u,
                vm->x1, vm->x2, vm->e, vm->sstep, vm->spow, vm->sterm,
                vm->tail, vm->ia, (mpfr_ptr)0);
    free(vm->val);
    free(vm->inc);
    free(vm->R);
    free(vm->K);
    free(vm->tinc);
    free(vm->g);
    free(vm->xin);
    free(vm->lazy);
    nb_midprec_free(vm->fn);
    for (int i = 0; i < POWI_PRODUCTS; i++)
        mpfr_clear(vm->bk[i]);
    free(vm);
}

/* ---- small-argument series --------------------------------------------------
 * Offsets are tiny (2^-130 at 256 bits), where a few terms reach full
 * precision. From 2^-8 up MPFR's own function is as fast and exact.
 *
 * Only the first terms need all w bits: at 256 bits u^3/6 is 2^-262 of u,
 * so its top 30 bits are all that reach the sum. Terms from 2^-(w-40) of
 * the first down (the tail) are summed in double, as m^j 2^(je) with
 * u = m 2^e, and added once: four cheap MPFR calls for the whole tail,
 * where each term costs two (a product and a division at w bits, 60-80
 * ns). The tail's own error,
 * some j 2^-53 of it (u^j from u rounded to double), stays below
 * 2^-(w+8) of the first term for the usual j = 3, 2^-(w+3) at worst. */

/* expm1, log1p, atan; sin and cos - 1 (series_sincos); (1 + u)^(1/2) - 1
 * and (1 + u)^(-1/2) - 1 (sqrt and rsqrt), binomial series */
typedef enum Series { S_EXPM1, S_LOG1P, S_ATAN, S_SIN, S_COSM1, S_SQRT1PM1,
                      S_RSQRT1PM1 } Series;

enum {
    TAIL_BITS = 40,    /* a tail starts 2^-(w - TAIL_BITS) below the first */
    TAIL_MAX_POWER = 24 /* beyond: m^j and 1/j! leave double's comfort */
};

/* Below 2^-8 the series; from there MPFR's own function (or 0, NaN, inf
 * as they are: every series here is 0 at 0). */
static int series_small(mpfr_srcptr u)
{
    return mpfr_regular_p(u) && mpfr_get_exp(u) <= -8;
}

/* The power of u where the tail of a series with first term u^first and
 * powers dj apart begins, or 0 for none (long series, or a tail whose
 * scale 2^(je) would underflow: the full terms then go on as before). */
static long tail_power(const NbDivdiffVm *vm, mpfr_srcptr u, long first,
                       long dj)
{
    long e = (long)mpfr_get_exp(u);        /* |u| < 2^e, e <= -8 */
    long w = (long)vm->prec - TAIL_BITS;
    long j = first + (w > 0 ? (w + -e - 1) / -e : 1);
    if ((j - first) % dj)
        j++;
    if (j > TAIL_MAX_POWER || (j + 1) * e < (long)mpfr_get_emin() + 64)
        return 0;
    return j;
}

/* The coefficient of u^j in series s, and the factor that takes the term
 * of u^j to that of u^(j + dj), over u^dj. */
static double coefficient(Series s, long j)
{
    double a = 1;
    switch (s) {
    case S_EXPM1:
    case S_SIN:
    case S_COSM1:
        for (long i = 2; i <= j; i++)
            a /= (double)i;
        return s == S_EXPM1 || ((j - (s == S_SIN)) / 2) % 2 == 0 ? a : -a;
    case S_LOG1P:
        return (j % 2 ? 1 : -1) / (double)j;
    case S_ATAN:
        return ((j - 1) / 2 % 2 ? -1 : 1) / (double)j;
    case S_SQRT1PM1:
    case S_RSQRT1PM1: /* C(e, j) = e (e - 1) ... (e - j + 1) / j! */
        for (long i = 0; i < j; i++)
            a *= ((s == S_SQRT1PM1 ? 0.5 : -0.5) - (double)i)
                 / (double)(i + 1);
        return a;
    }
    return a;
}

static double ratio(Series s, long j)
{
    switch (s) {
    case S_EXPM1: return 1 / (double)(j + 1);
    case S_LOG1P: return -(double)j / (double)(j + 1);
    case S_ATAN: return -(double)j / (double)(j + 2);
    case S_SQRT1PM1: return (0.5 - (double)j) / (double)(j + 1);
    case S_RSQRT1PM1: return (-0.5 - (double)j) / (double)(j + 1);
    default: return -1 / ((double)(j + 1) * (double)(j + 2));
    }
}

/* r += the terms of s from u^j0 on, summed in double (see above). */
static void add_tail(NbDivdiffVm *vm, mpfr_ptr r, mpfr_srcptr u, Series s,
                     long j0)
{
    long e, dj = s == S_ATAN || s == S_SIN || s == S_COSM1 ? 2 : 1;
    double m = mpfr_get_d_2exp(&e, u, MPFR_RNDN), mj = 1;
    for (long i = 0; i < j0; i++)
        mj *= m;
    /* (m 2^e)^dj: the factor from one term to the next, times the
     * ratio; 0 where it underflows, and so would the rest of the tail */
    double step = e * dj > -1000 ? ldexp(dj == 1 ? m : m * m, (int)(e * dj))
                                 : 0;
    double term = coefficient(s, j0) * mj, sum = 0;
    for (long j = j0;; j += dj) {
        sum += term;
        term *= step * ratio(s, j);
        if (fabs(term) <= 0x1p-56 * fabs(sum))
            break;
    }
    mpfr_set_d(vm->tail, sum, MPFR_RNDN);
    mpfr_mul_2si(vm->tail, vm->tail, j0 * e, MPFR_RNDN);
    mpfr_add(r, r, vm->tail, MPFR_RNDN);
}

/* q = pw / j, by a shift for 2 and 4 (the common short series) */
static void div_index(mpfr_ptr q, mpfr_srcptr pw, unsigned long j)
{
    if (j == 2 || j == 4)
        mpfr_div_2ui(q, pw, j / 2, MPFR_RNDN);
    else
        mpfr_div_ui(q, pw, j, MPFR_RNDN);
}

/* (1 + u)^(+-1/2) - 1 where u is not small: u / (sqrt(1 + u) + 1), and
 * for the reciprocal -u / (sqrt(1 + u) (sqrt(1 + u) + 1)); no
 * cancellation either way (NaN below -1, as the function). */
static void sqrt1pm1(NbDivdiffVm *vm, mpfr_ptr r, mpfr_srcptr u,
                     int reciprocal)
{
    mpfr_add_ui(vm->sstep, u, 1, MPFR_RNDN);
    mpfr_sqrt(vm->sstep, vm->sstep, MPFR_RNDN);
    mpfr_add_ui(vm->spow, vm->sstep, 1, MPFR_RNDN);
    if (reciprocal) {
        mpfr_mul(vm->spow, vm->spow, vm->sstep, MPFR_RNDN);
        mpfr_neg(vm->spow, vm->spow, MPFR_RNDN);
    }
    mpfr_div(r, u, vm->spow, MPFR_RNDN);
}

/* r = expm1(u), log1p(u), atan(u) or (1 + u)^(+-1/2) - 1; r is not u.
 * The first term is u (u/2, -u/2 for the binomials); each next one is
 * the last times u (or -u, -u^2) over a small integer (times u (3 -
 * 2j)/(2j) or u (1 - 2j)/(2j) for the binomials), until the tail, or
 * until a term is below the last bit of the first. */
static void series(NbDivdiffVm *vm, mpfr_ptr r, mpfr_srcptr u, Series s)
{
    const mpfr_rnd_t N = MPFR_RNDN;
    int binomial = s == S_SQRT1PM1 || s == S_RSQRT1PM1;
    if (!series_small(u)) {
        if (binomial)
            sqrt1pm1(vm, r, u, s == S_RSQRT1PM1);
        else
            (s == S_EXPM1 ? mpfr_expm1 : s == S_LOG1P ? mpfr_log1p
                                                      : mpfr_atan)(r, u, N);
        return;
    }
    long dj = s == S_ATAN ? 2 : 1, tail = tail_power(vm, u, 1, dj);
    mpfr_exp_t stop = mpfr_get_exp(u) - (mpfr_exp_t)vm->prec - 2;
    mpfr_ptr pw = vm->spow, term = vm->sterm;
    mpfr_srcptr step = u;                     /* pw *= step each term */
    if (s == S_ATAN) {                        /* (-u^2)^k u / (2k + 1) */
        mpfr_sqr(vm->sstep, u, N);
        mpfr_neg(vm->sstep, vm->sstep, N);
        step = vm->sstep;
    } else if (s == S_LOG1P) {                /* (-u)^(j-1) u / j */
        mpfr_neg(vm->sstep, u, N);
        step = vm->sstep;
    }
    /* pw: u^j/j! for expm1, the term itself for the binomials, else the
     * signed power, divided on the side */
    if (binomial) {
        mpfr_div_2ui(r, u, 1, N);
        if (s == S_RSQRT1PM1)
            mpfr_neg(r, r, N);
        mpfr_set(pw, r, N);
    } else {
        mpfr_set(r, u, N);
        mpfr_set(pw, u, N);
    }
    for (long j = 1 + dj; !tail || j < tail; j += dj) {
        mpfr_mul(pw, pw, step, N);
        mpfr_ptr t = s == S_EXPM1 || binomial ? pw : term;
        if (binomial) { /* times (e - j + 1)/j, e = +-1/2 */
            mpfr_mul_si(pw, pw, s == S_SQRT1PM1 ? 3 - 2 * j : 1 - 2 * j, N);
            mpfr_div_ui(pw, pw, 2 * (unsigned long)j, N);
        } else {
            div_index(t, pw, (unsigned long)j);
        }
        if (mpfr_get_exp(t) < stop)
            return;
        mpfr_add(r, r, t, N);
    }
    add_tail(vm, r, u, s, tail);
}

/* sn = sin u and cm = cos u - 1 together, from the one sequence u^j/j!:
 * odd terms to sin, even ones to cos - 1, alternating in sign; then the
 * two tails, which begin one power apart. */
static void series_sincos(NbDivdiffVm *vm, mpfr_ptr sn, mpfr_ptr cm,
                          mpfr_srcptr u)
{
    const mpfr_rnd_t N = MPFR_RNDN;
    if (!series_small(u)) {
        if (mpfr_zero_p(u)) {
            mpfr_set(sn, u, N);
            mpfr_set_zero(cm, 1);
            return;
        }
        mpfr_div_2ui(cm, u, 1, N);       /* cos u - 1 = -2 sin^2(u/2) */
        mpfr_sin(cm, cm, N);
        mpfr_sqr(cm, cm, N);
        mpfr_mul_si(cm, cm, -2, N);
        mpfr_sin(sn, u, N);
        return;
    }
    mpfr_ptr pw = vm->spow;
    long tail = tail_power(vm, u, 1, 2);  /* of sin; cos - 1's is next */
    /* the cosine's terms start at u^2/2: its stop is the lower */
    mpfr_exp_t stop = 2 * mpfr_get_exp(u) - (mpfr_exp_t)vm->prec - 3;
    mpfr_set(sn, u, N);
    mpfr_sqr(pw, u, N);
    mpfr_div_2ui(pw, pw, 1, N);
    mpfr_neg(cm, pw, N);
    for (long j = 3; !tail || j < tail; j++) {
        mpfr_mul(pw, pw, u, N);
        div_index(pw, pw, (unsigned long)j);
        if (mpfr_get_exp(pw) < stop)
            return;
        mpfr_ptr acc = j & 1 ? sn : cm;
        /* sin: -u^3/3! + u^5/5! ...; cos - 1: + u^4/4! - u^6/6! ... */
        ((j / 2) & 1 ? mpfr_sub : mpfr_add)(acc, acc, pw, N);
    }
    add_tail(vm, sn, u, S_SIN, tail);
    add_tail(vm, cm, u, S_COSM1, tail + 1);
}

/* ---- the rules --------------------------------------------------------------
 * r never aliases a or b (the compiler's destination is never an operand,
 * and the fused opcodes' temporaries are distinct). */

#define EACH(k) for (size_t k = 0; k < vm->n; k++)
#define N MPFR_RNDN

/* The built-ins at x0: midprec's where it has a context (a few ulps at
 * prec, 2-3 times faster than MPFR's correctly rounded ones), else
 * MPFR's. r never aliases a. The context is made on first need. */
static NbMidprec *fast_fns(NbDivdiffVm *vm)
{
    if (!vm->fn_tried) {
        vm->fn = nb_midprec_new(vm->prec);
        vm->fn_tried = 1;
    }
    return vm->fn;
}

static void fn_exp(NbDivdiffVm *vm, mpfr_ptr r, mpfr_srcptr a)
{
    if (fast_fns(vm))
        nb_midprec_exp(vm->fn, r, a);
    else
        mpfr_exp(r, a, N);
}

static void fn_log(NbDivdiffVm *vm, mpfr_ptr r, mpfr_srcptr a)
{
    if (fast_fns(vm))
        nb_midprec_log(vm->fn, r, a);
    else
        mpfr_log(r, a, N);
}

static void fn_sin_cos(NbDivdiffVm *vm, mpfr_ptr s, mpfr_ptr c, mpfr_srcptr a)
{
    if (fast_fns(vm))
        nb_midprec_sin_cos(vm->fn, s, c, a);
    else
        mpfr_sin_cos(s, c, a, N);
}

static void dv_set(NbDivdiffVm *vm, Dv *r, const Dv *a, int negate)
{
    (negate ? mpfr_neg : mpfr_set)(r->v, a->v, N);
    r->zero = a->zero;
    if (!a->zero)
        EACH(k) (negate ? mpfr_neg : mpfr_set)(r->d[k], a->d[k], N);
}

/* r = a + sb*b, sb = +-1 */
static void dv_add(NbDivdiffVm *vm, Dv *r, const Dv *a, const Dv *b, int sb)
{
    (sb > 0 ? mpfr_add : mpfr_sub)(r->v, a->v, b->v, N);
    r->zero = a->zero && b->zero;
    if (r->zero)
        return;
    EACH(k) {
        if (a->zero)
            (sb > 0 ? mpfr_set : mpfr_neg)(r->d[k], b->d[k], N);
        else if (b->zero)
            mpfr_set(r->d[k], a->d[k], N);
        else
            (sb > 0 ? mpfr_add : mpfr_sub)(r->d[k], a->d[k], b->d[k], N);
    }
}

static void dv_mul(NbDivdiffVm *vm, Dv *r, const Dv *a, const Dv *b)
{
    mpfr_mul(r->v, a->v, b->v, N);
    r->zero = a->zero && b->zero;
    if (r->zero)
        return;
    EACH(k) {
        if (a->zero) {
            mpfr_mul(r->d[k], a->v, b->d[k], N);
        } else if (b->zero) {
            mpfr_mul(r->d[k], a->d[k], b->v, N);
        } else {
            mpfr_add(vm->t, b->v, b->d[k], N);
            mpfr_mul(vm->t, a->d[k], vm->t, N);
            mpfr_mul(r->d[k], a->v, b->d[k], N);
            mpfr_add(r->d[k], r->d[k], vm->t, N);
        }
    }
}

static void dv_div(NbDivdiffVm *vm, Dv *r, const Dv *a, const Dv *b)
{
    mpfr_div(r->v, a->v, b->v, N);
    r->zero = a->zero && b->zero;
    if (r->zero)
        return;
    EACH(k) {
        if (b->zero) {
            mpfr_div(r->d[k], a->d[k], b->v, N);
            continue;
        }
        mpfr_mul(vm->t, r->v, b->d[k], N);
        if (a->zero)
            mpfr_neg(vm->t, vm->t, N);
        else
            mpfr_sub(vm->t, a->d[k], vm->t, N);
        mpfr_add(vm->u, b->v, b->d[k], N);
        mpfr_div(r->d[k], vm->t, vm->u, N);
    }
}

static void dv_sqr(NbDivdiffVm *vm, Dv *r, const Dv *a)
{
    mpfr_sqr(r->v, a->v, N);
    r->zero = a->zero;
    if (a->zero)
        return;
    mpfr_mul_2ui(vm->u, a->v, 1, N);
    EACH(k) {
        mpfr_add(vm->t, vm->u, a->d[k], N);
        mpfr_mul(r->d[k], a->d[k], vm->t, N);
    }
}

/* sqrt(a + da) - sqrt(a) = sqrt(a) ((1 + u)^(1/2) - 1), u = da/a, and
 * likewise 1/sqrt with the exponent -1/2: a binomial series in u, by one
 * division per opcode rather than a square root and a division a node.
 * At a = 0 (where u is not defined) sqrt's increment is sqrt(da), and
 * 1/sqrt's is infinite: the run is refused, as for any infinite value. */
static void dv_sqrt(NbDivdiffVm *vm, Dv *r, const Dv *a, int reciprocal)
{
    (reciprocal ? mpfr_rec_sqrt : mpfr_sqrt)(r->v, a->v, N);
    r->zero = a->zero;
    if (a->zero)
        return;
    if (mpfr_zero_p(a->v)) { /* 1/sqrt: an infinite value, refused */
        if (reciprocal)
            vm->ok = 0;
        else
            EACH(k) mpfr_sqrt(r->d[k], a->d[k], N);
        return;
    }
    mpfr_ui_div(vm->ia, 1, a->v, N);
    EACH(k) {
        mpfr_mul(vm->c, a->d[k], vm->ia, N);
        series(vm, vm->t, vm->c, reciprocal ? S_RSQRT1PM1 : S_SQRT1PM1);
        mpfr_mul(r->d[k], vm->t, r->v, N);
    }
}

/* r = e * expm1(g_k) for each node. */
static void times_expm1(NbDivdiffVm *vm, Dv *r, mpfr_srcptr e, mpfr_t *g)
{
    EACH(k) {
        series(vm, vm->c, g[k], S_EXPM1);
        mpfr_mul(r->d[k], e, vm->c, N);
    }
}

static void dv_exp(NbDivdiffVm *vm, Dv *r, const Dv *a)
{
    fn_exp(vm, r->v, a->v);
    r->zero = a->zero;
    if (a->zero)
        return;
    times_expm1(vm, r, r->v, a->d);
}

/* log1p(da/a) into out[k]: the increment of log a. */
static void log_inc(NbDivdiffVm *vm, mpfr_t *out, const Dv *a)
{
    mpfr_ui_div(vm->ia, 1, a->v, N);   /* one division, not one a node */
    EACH(k) {
        mpfr_mul(vm->c, a->d[k], vm->ia, N);
        series(vm, out[k], vm->c, S_LOG1P);
    }
}

static void dv_log(NbDivdiffVm *vm, Dv *r, const Dv *a, int lazy)
{
    if (!lazy)
        fn_log(vm, r->v, a->v);
    else if (mpfr_sgn(a->v) > 0)
        mpfr_set_nan(r->v); /* unread: NaN would show if it were */
    else
        vm->ok = 0;         /* log of a <= 0 (or NaN) */
    r->zero = a->zero;
    if (!a->zero)
        log_inc(vm, r->d, a);
}

/* a^e for a constant e: a^e * expm1(e * log1p(da/a)); a < 0 only for an
 * integer e (the identity holds as long as |da| < |a|). */
static void dv_powk(NbDivdiffVm *vm, Dv *r, const Dv *a, mpfr_srcptr e)
{
    mpfr_pow(r->v, a->v, e, N);
    r->zero = a->zero;
    if (a->zero)
        return;
    if (mpfr_sgn(a->v) == 0 || (mpfr_sgn(a->v) < 0 && !mpfr_integer_p(e))) {
        vm->ok = 0;
        return;
    }
    log_inc(vm, vm->g, a);
    EACH(k) mpfr_mul(vm->g[k], vm->g[k], e, N);
    times_expm1(vm, r, r->v, vm->g);
}

/* a^b in general, a > 0: a^b * expm1(b*dlog + db*(log a + dlog)). */
static void dv_pow(NbDivdiffVm *vm, Dv *r, const Dv *a, const Dv *b)
{
    if (b->zero) {
        dv_powk(vm, r, a, b->v);
        return;
    }
    mpfr_pow(r->v, a->v, b->v, N);
    r->zero = 0;
    if (mpfr_sgn(a->v) <= 0) {
        vm->ok = 0;
        return;
    }
    fn_log(vm, vm->s, a->v);
    if (a->zero)
        EACH(k) mpfr_set_zero(vm->g[k], 1);
    else
        log_inc(vm, vm->g, a);
    EACH(k) {
        mpfr_add(vm->t, vm->s, vm->g[k], N);
        mpfr_mul(vm->t, vm->t, b->d[k], N);
        mpfr_mul(vm->g[k], vm->g[k], b->v, N);
        mpfr_add(vm->g[k], vm->g[k], vm->t, N);
    }
    times_expm1(vm, r, r->v, vm->g);
}

/* a^n for a small integer n, by products (POWI_PRODUCTS above):
 * (a + da)^u - a^u = da S, S = the sum over k = 1..u of C(u,k) a^(u-k)
 * da^(k-1), by Horner's rule in da from coefficients formed once (2u - 1
 * operations a node); for n < 0 then the increment of 1/P, -dP (1/P) /
 * (P + dP). Larger |n| go by dv_powk's logarithm. */
static void dv_powi(NbDivdiffVm *vm, Dv *r, const Dv *a, long n)
{
    unsigned long u = n < 0 ? (unsigned long)-n : (unsigned long)n;
    if (u > POWI_PRODUCTS || a->zero) {
        mpfr_set_si(vm->e, n, N);
        dv_powk(vm, r, a, vm->e);
        return;
    }
    mpfr_pow_si(r->v, a->v, n, N);
    r->zero = 0;
    if (n < 0)
        mpfr_pow_ui(vm->x1, a->v, u, N);       /* P */
    /* bk[k] = C(u,k) a^(u-k), k = 1..u-1 (bk[u] = 1 is implicit) */
    mpfr_t *bk = vm->bk;
    unsigned long binom = 1;
    mpfr_set(vm->s, a->v, N);                   /* a^m */
    for (unsigned long m = 1; m < u; m++) {
        binom = binom * (u - m + 1) / m;        /* C(u,m), exact */
        mpfr_mul_ui(bk[u - m], vm->s, binom, N);
        if (m + 1 < u)
            mpfr_mul(vm->s, vm->s, a->v, N);
    }
    EACH(k) {
        mpfr_srcptr da = a->d[k];
        if (u == 1) {
            mpfr_set(r->d[k], da, N);
        } else {
            mpfr_add(vm->t, bk[u - 1], da, N);
            for (unsigned long j = u - 2; j >= 1; j--) {
                mpfr_mul(vm->t, vm->t, da, N);
                mpfr_add(vm->t, vm->t, bk[j], N);
            }
            mpfr_mul(r->d[k], vm->t, da, N);    /* dP */
        }
        if (n < 0) { /* -dP (1/P) / (P + dP): no P^2 to overflow */
            mpfr_add(vm->t, vm->x1, r->d[k], N);
            mpfr_mul(r->d[k], r->d[k], r->v, N);
            mpfr_div(r->d[k], r->d[k], vm->t, N);
            mpfr_neg(r->d[k], r->d[k], N);
        }
    }
}

static void dv_sincos(NbDivdiffVm *vm, Dv *r, const Dv *a, int cosine)
{
    fn_sin_cos(vm, vm->s, vm->c, a->v);
    mpfr_set(r->v, cosine ? vm->c : vm->s, N);
    r->zero = a->zero;
    if (a->zero)
        return;
    EACH(k) {
        series_sincos(vm, vm->x1, vm->x2, a->d[k]);
        if (cosine) {
            mpfr_mul(vm->x2, vm->x2, vm->c, N);
            mpfr_mul(vm->x1, vm->x1, vm->s, N);
            mpfr_sub(r->d[k], vm->x2, vm->x1, N);
        } else {
            mpfr_mul(vm->x2, vm->x2, vm->s, N);
            mpfr_mul(vm->x1, vm->x1, vm->c, N);
            mpfr_add(r->d[k], vm->x2, vm->x1, N);
        }
    }
}

/* With E = exp(-2|a|) and M = E - 1 (each the way that keeps its bits:
 * E from exp when |a| >= 1/2, where M is near -1; M from expm1 below):
 * tanh a = -sign(a) M/(2 + M), 1 - tanh^2 a = 4E/(2 + M)^2 and 1 + tanh a
 * = 2E/(2 + M) below 0, 2/(2 + M) above, all free of the cancellation
 * 1 - t^2 and 1 + t have for large |a| (and one exponential for all,
 * where mpfr_tanh costs another). With em = expm1(2 da), tanh da =
 * em/(em + 2), so tanh(a + da) - tanh a = tanh da (1 - t^2)/(1 + t tanh
 * da) = em (1 - t^2) / (2 + em (1 + t)): one division per node. */
static void dv_tanh(NbDivdiffVm *vm, Dv *r, const Dv *a)
{
    mpfr_ptr E = vm->x1, M = vm->s;
    mpfr_abs(vm->t, a->v, N);
    mpfr_mul_si(vm->t, vm->t, -2, N);
    if (mpfr_cmp_si(vm->t, -1) <= 0) {
        fn_exp(vm, E, vm->t);
        mpfr_sub_ui(M, E, 1, N);
    } else {
        series(vm, M, vm->t, S_EXPM1);
        mpfr_add_ui(E, M, 1, N);
    }
    mpfr_add_ui(vm->c, M, 2, N);
    mpfr_ui_div(vm->c, 1, vm->c, N);             /* 1/(2 + M): one division */
    if (mpfr_zero_p(a->v))
        mpfr_set(r->v, a->v, N);
    else
        mpfr_mul(r->v, M, vm->c, N);
    if (mpfr_sgn(a->v) > 0)
        mpfr_neg(r->v, r->v, N);
    r->zero = a->zero;
    if (a->zero)
        return;
    if (mpfr_sgn(a->v) < 0)
        mpfr_mul(vm->u, E, vm->c, N);
    else
        mpfr_set(vm->u, vm->c, N);
    mpfr_mul_2ui(vm->u, vm->u, 1, N);            /* 1 + t */
    mpfr_sqr(vm->c, vm->c, N);
    mpfr_mul(vm->s, E, vm->c, N);
    mpfr_mul_2ui(vm->s, vm->s, 2, N);            /* 1 - t^2 */
    EACH(k) {
        mpfr_mul_2ui(vm->t, a->d[k], 1, N);
        series(vm, vm->c, vm->t, S_EXPM1);       /* em */
        mpfr_mul(vm->t, vm->c, vm->u, N);
        mpfr_add_ui(vm->t, vm->t, 2, N);
        mpfr_mul(vm->c, vm->c, vm->s, N);
        mpfr_div(r->d[k], vm->c, vm->t, N);
    }
}

/* sigma(a) = 1/(1 + E), E = exp(-a); sigma(a + da) - sigma(a)
 * = -(E/(1 + E)) m / (1 + E + E m), m = expm1(-da): E/(1 + E) = 1 -
 * sigma(a) = E sigma(a) first, so that no E^2 overflows where the result
 * would not. */
static void dv_sigmoid(NbDivdiffVm *vm, Dv *r, const Dv *a)
{
    mpfr_neg(vm->t, a->v, N);
    fn_exp(vm, vm->s, vm->t);                   /* E */
    mpfr_add_ui(vm->c, vm->s, 1, N);            /* 1 + E */
    mpfr_ui_div(r->v, 1, vm->c, N);
    r->zero = a->zero;
    if (a->zero)
        return;
    mpfr_mul(vm->u, vm->s, r->v, N);            /* 1 - sigma = E sigma */
    EACH(k) {
        mpfr_neg(vm->t, a->d[k], N);
        series(vm, vm->x1, vm->t, S_EXPM1);        /* m */
        mpfr_mul(vm->x2, vm->x1, vm->s, N);         /* E m */
        mpfr_add(vm->t, vm->c, vm->x2, N);          /* 1 + E + E m */
        mpfr_mul(vm->x1, vm->x1, vm->u, N);
        mpfr_div(vm->t, vm->x1, vm->t, N);
        mpfr_neg(r->d[k], vm->t, N);
    }
}

/* atan a from a 53-bit start: y0 = atan of a rounded to double, then
 * atan a = y0 + atan((a cos y0 - sin y0)/(cos y0 + a sin y0)), the last
 * argument near 2^-53 and its series short. One sin_cos (midprec's) costs
 * a sixth of mpfr_atan at 288 bits, for an answer within an ulp or two,
 * which is all the rules need. MPFR's own outside the
 * doubles' comfortable range. */
static void fast_atan(NbDivdiffVm *vm, mpfr_ptr r, mpfr_srcptr a)
{
    if (!mpfr_regular_p(a) || mpfr_get_exp(a) < -900
        || mpfr_get_exp(a) > 900 || vm->prec <= 64) {
        mpfr_atan(r, a, N);
        return;
    }
    mpfr_set_d(vm->x1, atan(mpfr_get_d(a, N)), N);   /* y0, exact */
    fn_sin_cos(vm, vm->s, vm->c, vm->x1);
    mpfr_mul(vm->t, a, vm->c, N);
    mpfr_sub(vm->t, vm->t, vm->s, N);
    mpfr_mul(vm->u, a, vm->s, N);
    mpfr_add(vm->u, vm->u, vm->c, N);
    mpfr_div(vm->t, vm->t, vm->u, N);
    series(vm, vm->x2, vm->t, S_ATAN);
    mpfr_add(r, vm->x1, vm->x2, N);
}

/* atan(a + da) - atan a = atan(da / (1 + a (a + da))) while the
 * denominator is positive (always, for |da| small beside 1/|a|). */
static void dv_atan(NbDivdiffVm *vm, Dv *r, const Dv *a, int lazy)
{
    if (lazy)
        mpfr_set_nan(r->v);
    else
        fast_atan(vm, r->v, a->v);
    r->zero = a->zero;
    if (a->zero)
        return;
    EACH(k) {
        mpfr_add(vm->s, a->v, a->d[k], N);
        mpfr_mul(vm->s, vm->s, a->v, N);
        mpfr_add_ui(vm->s, vm->s, 1, N);
        if (mpfr_sgn(vm->s) <= 0) {
            vm->ok = 0;
            return;
        }
        mpfr_div(vm->s, a->d[k], vm->s, N);
        series(vm, r->d[k], vm->s, S_ATAN);
    }
}

/* abs and relu are linear on each side of 0: fine while no node crosses. */
static void dv_kink(NbDivdiffVm *vm, Dv *r, const Dv *a, int relu)
{
    int sg = mpfr_sgn(a->v);
    if (!a->zero)
        EACH(k) {
            mpfr_add(vm->t, a->v, a->d[k], N);
            if (mpfr_sgn(vm->t) != sg)
                vm->ok = 0;
        }
    if (sg == 0 && !a->zero)
        vm->ok = 0;
    if (relu && sg < 0) {
        mpfr_set_zero(r->v, 1);
        r->zero = 1;
        return;
    }
    dv_set(vm, r, a, sg < 0);
}

/* ---- the dispatch loop ---------------------------------------------------- */

/* The fused opcodes' temporaries: T(0), T(1). */
static Dv temp(NbDivdiffVm *vm, int i)
{
    return (Dv){vm->tval[i], &vm->tinc[i * vm->n], 1};
}

static void step(NbDivdiffVm *vm, const NbIns *in, int lazy)
{
    Dv *R = vm->R;
    Dv t0 = temp(vm, 0), t1 = temp(vm, 1);
    /* operands as their roles say (an index is a register or a constant) */
#define D (&R[in->d])
#define A (&R[in->a])
#define B (&R[in->b])
#define C (&R[in->c])
#define KB (&(Dv){vm->K[in->b], NULL, 1})
#define KC (&(Dv){vm->K[in->c], NULL, 1})
    switch (in->op) {
    case NB_OP_MOV: dv_set(vm, D, A, 0); break;
    case NB_OP_LOADK: dv_set(vm, D, &(Dv){vm->K[in->a], NULL, 1}, 0); break;
    case NB_OP_ADD: dv_add(vm, D, A, B, 1); break;
    case NB_OP_SUB: dv_add(vm, D, A, B, -1); break;
    case NB_OP_MUL: dv_mul(vm, D, A, B); break;
    case NB_OP_DIV: dv_div(vm, D, A, B); break;
    case NB_OP_ADDK: dv_add(vm, D, A, KB, 1); break;
    case NB_OP_SUBK: dv_add(vm, D, A, KB, -1); break;
    case NB_OP_MULK: dv_mul(vm, D, A, KB); break;
    case NB_OP_DIVK: dv_div(vm, D, A, KB); break;
    case NB_OP_KSUB: dv_add(vm, D, KB, A, -1); break;
    case NB_OP_KDIV: dv_div(vm, D, KB, A); break;
    case NB_OP_NEG: dv_set(vm, D, A, 1); break;
    case NB_OP_SQR: dv_sqr(vm, D, A); break;
    case NB_OP_SQRT: dv_sqrt(vm, D, A, 0); break;
    case NB_OP_RSQRT: dv_sqrt(vm, D, A, 1); break;
    case NB_OP_MULADD: dv_mul(vm, &t0, A, B); dv_add(vm, D, &t0, C, 1); break;
    case NB_OP_MULSUB: dv_mul(vm, &t0, A, B); dv_add(vm, D, C, &t0, -1); break;
    case NB_OP_MULKADD: dv_mul(vm, &t0, A, KB); dv_add(vm, D, &t0, C, 1);
        break;
    case NB_OP_SQRADD: dv_sqr(vm, &t0, A); dv_add(vm, D, &t0, C, 1); break;
    case NB_OP_SQRSUB: dv_add(vm, &t0, A, B, -1); dv_sqr(vm, D, &t0); break;
    case NB_OP_SQRADDK: dv_add(vm, &t0, A, KB, 1); dv_sqr(vm, D, &t0); break;
    case NB_OP_SQRKSUB: dv_add(vm, &t0, KB, A, -1); dv_sqr(vm, D, &t0);
        break;
    case NB_OP_SQRMULSUB:
        dv_mul(vm, &t0, A, B);
        dv_add(vm, &t1, C, &t0, -1);
        dv_sqr(vm, D, &t1);
        break;
    case NB_OP_EXPK: dv_mul(vm, &t0, A, KB); dv_exp(vm, D, &t0); break;
    case NB_OP_KDIVADDK: dv_add(vm, &t0, A, KC, 1); dv_div(vm, D, KB, &t0);
        break;
    case NB_OP_DIVADDK: dv_add(vm, &t0, B, KC, 1); dv_div(vm, D, A, &t0);
        break;
    case NB_OP_POW: dv_pow(vm, D, A, B); break;
    case NB_OP_POWK: dv_powk(vm, D, A, vm->K[in->b]); break;
    case NB_OP_KPOW: dv_pow(vm, D, KB, A); break;
    case NB_OP_POWI:
        if ((int32_t)in->c == 2)
            dv_sqr(vm, D, A);
        else
            dv_powi(vm, D, A, (long)(int32_t)in->c);
        break;
    case NB_OP_SIN: dv_sincos(vm, D, A, 0); break;
    case NB_OP_COS: dv_sincos(vm, D, A, 1); break;
    case NB_OP_EXP: dv_exp(vm, D, A); break;
    case NB_OP_LOG: dv_log(vm, D, A, lazy); break;
    case NB_OP_TANH: dv_tanh(vm, D, A); break;
    case NB_OP_SIGMOID: dv_sigmoid(vm, D, A); break;
    case NB_OP_ATAN: dv_atan(vm, D, A, lazy); break;
    case NB_OP_ABS: dv_kink(vm, D, A, 0); break;
    case NB_OP_RELU: dv_kink(vm, D, A, 1); break;
    default: vm->ok = 0; break; /* has_rule() keeps the others out */
    }
#undef D
#undef A
#undef B
#undef C
#undef KB
#undef KC
}

int nb_run_delta(NbDivdiffVm *vm, mpfr_srcptr const *x, size_t var,
                 mpfr_srcptr const *dx, mpfr_ptr f, mpfr_ptr const *df)
{
    const NbProgram *p = vm->p;
    /* The variables are read only (no instruction writes registers
     * 0..nvars-1): x and the offsets are read in place, the offsets as
     * struct copies of the caller's (no limbs copied). */
    EACH(k) vm->xin[k][0] = *dx[k];
    for (size_t v = 0; v < p->nvars; v++) {
        Dv *r = &vm->R[v];
        r->v = (mpfr_ptr)x[v];
        r->zero = v != var;
        if (v == var)
            r->d = vm->xin;
    }
    vm->ok = 1;
    /* An overflow or underflow anywhere refuses the run: a rule's own
     * intermediates (a product of two large values) can leave the range
     * where the values of f would not, and an increment flushed to 0 would
     * pass every later check. The caller's flags are kept. */
    mpfr_flags_t flags = mpfr_flags_save();
    mpfr_flags_clear(MPFR_FLAGS_OVERFLOW | MPFR_FLAGS_UNDERFLOW);
    NbExpRange range = nb_vm_range_enter();
    for (const NbIns *in = p->mp.ins; in->op != NB_OP_END && vm->ok; in++)
        step(vm, in, !f && vm->lazy[in - p->mp.ins]);
    nb_vm_range_leave(range);
    if (mpfr_flags_test(MPFR_FLAGS_OVERFLOW | MPFR_FLAGS_UNDERFLOW))
        vm->ok = 0;
    mpfr_flags_restore(flags, MPFR_FLAGS_ALL);
    const Dv *out = &vm->R[p->mp.outreg[0]];
    int ok = vm->ok;
    if (f) {
        ok = ok && mpfr_number_p(out->v);
        mpfr_set(f, out->v, N);
    }
    EACH(k) {
        if (out->zero)
            mpfr_set_zero(df[k], 1);
        else
            mpfr_set(df[k], out->d[k], N);
        ok = ok && mpfr_number_p(df[k]);
    }
    return ok ? 0 : -1;
}
