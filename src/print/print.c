/* print.c — numbers and expressions as infix text (contract: print.h).
 *
 * Number formats (documented in doc/reference.md and print.h):
 *   exact rational   an integer prints all its digits; a rational whose
 *                    denominator is 2^a*5^b prints as a finite decimal when
 *                    that needs at most NB_MAX_PLAIN_DECIMALS decimals
 *                    (3/10 -> 0.3, -1/8 -> -0.125); past that, in scientific
 *                    notation (1/10^30 -> 1e-30, exact: literals are exact)
 *                    when that is no longer than the fraction, else as the
 *                    fraction (1/2^200 stays a fraction of 62 characters
 *                    rather than a decimal of 200). Other rationals: p/q.
 *   float            the shortest digit string that reads back to the same
 *                    value (doubles as Python's repr; MPFR values at their
 *                    precision), or `digits` significant digits correctly
 *                    rounded, trailing zeros dropped. Positional when the
 *                    decimal exponent E of the first digit is in
 *                    [-4, P), P = max(16, digits shown) in shortest mode and
 *                    P = digits otherwise; else d.ddde-E / d.ddde23 (no '+'
 *                    and no leading zeros in the exponent, as nabla reads
 *                    it). No ".0" is added to an integral float: sqrt(9)
 *                    prints 3 like the exact 3 (shortest string that reads
 *                    back). inf, -inf, nan; -0 prints as 0 (nabla never
 *                    prints -0).
 * Inside an expression, a numeric coefficient or exponent prints as a
 * fraction (x^2/2, x^(1/3), 1/3*x^(-2/3)); a number standing alone (a
 * term, an argument) prints in the format above (x + 0.5).
 *
 * Expression layout is decided by the display transformation
 * (print_arrange.c); this file renders the display tree with minimal
 * parentheses by precedence levels: sum < product (also any leading minus)
 * < power < atom.
 */
#include "nabla/limits.h"
#include "nabla/print.h"
#include "print/print_internal.h"
#include "util/alloc.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/builtins.h"

#define NB_MAX_PLAIN_DECIMALS 20
/* Recursion guard for the renderers: deeper output is elided. */
#define NB_PRINT_MAX_DEPTH NB_MAX_PRINT_DEPTH


/* ======================================================================
 * Numbers
 * ====================================================================== */

/* Lay out a decimal digit string ds (no leading or trailing zeros, value
 * 0.d1d2... * 10^(E+1)) positionally when -4 <= E < P, else as d.ddde-E. */
static char *layout_digits(int neg, const char *ds, long E, long P)
{
    NbBuf b = {0};
    size_t n = strlen(ds);
    if (neg)
        nb_buf_putc(&b, '-');
    if (E >= -4 && E < P) {
        if (E < 0) {
            nb_buf_put(&b, "0.");
            for (long i = 0; i < -E - 1; i++)
                nb_buf_putc(&b, '0');
            nb_buf_put(&b, ds);
        } else if ((size_t)E + 1 >= n) {
            nb_buf_put(&b, ds);
            for (size_t i = n; i < (size_t)E + 1; i++)
                nb_buf_putc(&b, '0');
        } else {
            nb_buf_putn(&b, ds, (size_t)E + 1);
            nb_buf_putc(&b, '.');
            nb_buf_put(&b, ds + E + 1);
        }
    } else {
        nb_buf_putc(&b, ds[0]);
        if (n > 1) {
            nb_buf_putc(&b, '.');
            nb_buf_put(&b, ds + 1);
        }
        nb_buf_printf(&b, "e%ld", E);
    }
    return nb_buf_finish(&b);
}

static void strip_trailing_zeros(char *ds)
{
    size_t n = strlen(ds);
    while (n > 1 && ds[n - 1] == '0')
        ds[--n] = 0;
}

char *nb_format_q_frac(const mpq_t q)
{
    if (mpz_cmp_ui(mpq_denref(q), 1) == 0)
        return mpz_get_str(NULL, 10, mpq_numref(q));
    return mpq_get_str(NULL, 10, q);
}

/* Decimal places of q when its denominator is 2^a*5^b (max(a, b)), else -1. */
static long decimal_places(const mpq_t q)
{
    mpz_t d;
    mpz_init_set(d, mpq_denref(q));
    mp_bitcnt_t a = mpz_scan1(d, 0);
    mpz_tdiv_q_2exp(d, d, a);
    mpz_t five;
    mpz_init_set_ui(five, 5);
    mp_bitcnt_t b = mpz_remove(d, d, five);
    long places = mpz_cmp_ui(d, 1) == 0 ? (long)(a > b ? a : b) : -1;
    mpz_clear(five);
    mpz_clear(d);
    return places;
}

char *nb_format_q(const mpq_t q)
{
    if (mpz_cmp_ui(mpq_denref(q), 1) == 0)
        return mpz_get_str(NULL, 10, mpq_numref(q));
    long places = decimal_places(q);
    char *frac = nb_format_q_frac(q);
    if (places < 0)
        return frac;
    /* N = |q| * 10^places is an integer whose last digit is not 0. */
    mpz_t N;
    mpz_init(N);
    mpz_ui_pow_ui(N, 10, (unsigned long)places);
    mpz_mul(N, N, mpq_numref(q));
    mpz_divexact(N, N, mpq_denref(q));
    mpz_abs(N, N);
    char *ds = mpz_get_str(NULL, 10, N);
    mpz_clear(N);
    long E = (long)strlen(ds) - 1 - places;
    int neg = mpq_sgn(q) < 0;
    char *out = layout_digits(neg, ds, E,
                              places <= NB_MAX_PLAIN_DECIMALS ? E + 1 : 0);
    if (places <= NB_MAX_PLAIN_DECIMALS) {
        /* plain: layout with P > E always positional; force it for E < -4 */
        if (E < -4) {
            free(out);
            NbBuf b = {0};
            if (neg)
                nb_buf_putc(&b, '-');
            nb_buf_put(&b, "0.");
            for (long i = 0; i < -E - 1; i++)
                nb_buf_putc(&b, '0');
            nb_buf_put(&b, ds);
            out = nb_buf_finish(&b);
        }
    } else if (strlen(out) > strlen(frac)) {
        free(out);
        out = frac;
        frac = NULL;
    }
    free(ds);
    free(frac);
    return out;
}

static char *format_special(double v)
{
    if (isnan(v))
        return nb_xstrdup("nan");
    if (isinf(v))
        return nb_xstrdup(v < 0 ? "-inf" : "inf");
    return nb_xstrdup("0");
}

/* "%.{p-1}e" output split into its digit string and exponent; ds has
 * room for n digits and the terminating 0. */
static void split_e(const char *s, char *ds, size_t n, long *E)
{
    size_t k = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && k < n)
            ds[k++] = *s;
    ds[k] = 0;
    *E = *s == 'e' ? strtol(s + 1, NULL, 10) : 0;
    strip_trailing_zeros(ds);
}

/* Significant digits a double is written with, at most: 17 identify it;
 * more show its exact binary value, to this many digits and no further.
 * The buffers below are sized from it: "%.{p-1}e" is p digits, a point and
 * an exponent of at most 5 characters. */
enum { DOUBLE_DIGITS = 40 };

char *nb_format_double(double v, int digits)
{
    if (!isfinite(v) || v == 0)
        return format_special(v);
    char s[DOUBLE_DIGITS + 16], ds[DOUBLE_DIGITS + 1];
    long E;
    if (digits > 0) {
        int p = digits > DOUBLE_DIGITS ? DOUBLE_DIGITS : digits;
        snprintf(s, sizeof s, "%.*e", p - 1, fabs(v));
        split_e(s, ds, DOUBLE_DIGITS, &E);
        return layout_digits(v < 0, ds, E, digits);
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(s, sizeof s, "%.*e", p - 1, fabs(v));
        if (strtod(s, NULL) == fabs(v))
            break;
    }
    split_e(s, ds, DOUBLE_DIGITS, &E);
    long P = (long)strlen(ds) > 16 ? (long)strlen(ds) : 16;
    return layout_digits(v < 0, ds, E, P);
}

/* n significant digits of v (n >= 1), as digit string and exponent E. */
static char *mpfr_digits(mpfr_srcptr v, size_t n, long *E)
{
    mpfr_exp_t ex;
    char *s = mpfr_get_str(NULL, &ex, 10, n, v, MPFR_RNDN);
    char *ds = nb_xstrdup(s[0] == '-' ? s + 1 : s);
    mpfr_free_str(s);
    strip_trailing_zeros(ds);
    *E = (long)ex - 1;
    return ds;
}

/* Does the n-digit rounding of v read back to v at v's precision? */
static int mpfr_roundtrips(mpfr_srcptr v, size_t n)
{
    long E;
    char *ds = mpfr_digits(v, n, &E);
    NbBuf b = {0};
    nb_buf_printf(&b, "%s0.%se%ld", mpfr_signbit(v) ? "-" : "", ds, E + 1);
    char *s = nb_buf_finish(&b);
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(v));
    mpfr_set_str(t, s, 10, MPFR_RNDN);
    int ok = mpfr_equal_p(t, v);
    mpfr_clear(t);
    free(s);
    free(ds);
    return ok;
}

char *nb_format_mpfr(mpfr_srcptr v, int digits)
{
    if (!mpfr_number_p(v) || mpfr_zero_p(v))
        return format_special(mpfr_nan_p(v) ? NAN
                              : mpfr_zero_p(v) ? 0.0
                              : mpfr_signbit(v) ? -INFINITY : INFINITY);
    long E;
    char *ds;
    long P;
    if (digits > 0) {
        ds = mpfr_digits(v, (size_t)digits, &E);
        P = digits;
    } else {
        /* Binary search for the shortest length that round-trips: a longer
         * correctly rounded string is at least as close, so the property is
         * monotone in practice; the bound always round-trips. */
        size_t lo = 1, hi = mpfr_get_str_ndigits(10, mpfr_get_prec(v));
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (mpfr_roundtrips(v, mid))
                hi = mid;
            else
                lo = mid + 1;
        }
        ds = mpfr_digits(v, lo, &E);
        P = (long)strlen(ds) > 16 ? (long)strlen(ds) : 16;
    }
    char *out = layout_digits(mpfr_signbit(v), ds, E, P);
    free(ds);
    return out;
}

/* ======================================================================
 * Infix renderer
 * ====================================================================== */

enum { LV_SUM = 1, LV_PROD = 2, LV_POW = 4, LV_ATOM = 5 };

typedef struct Render {
    NbBuf b;
    const NbPrintOpts *opts;
    int depth;
    NbTextCache nums;
} Render;

static void render(Render *r, const NbExpr *e, int minlevel);

static int q_is(const NbExpr *e, long num, unsigned long den)
{
    return e->kind == NB_NUM && mpz_cmp_ui(mpq_denref(e->u.q), den) == 0
           && mpz_cmp_si(mpq_numref(e->u.q), num) == 0;
}

/* Text of a float node, sign included. */
static char *float_text(const NbExpr *e, const NbPrintOpts *o)
{
    int digits = o ? o->digits : 0;
    if (e->is_double)
        return nb_format_double(mpfr_get_d(e->u.f, MPFR_RNDN), digits);
    return nb_format_mpfr(e->u.f, digits);
}

/* Is x^k printed as a denominator item: k a negative integer or -1/2, or
 * any negative number when the base is not a bare variable (x^2/(x^2 +
 * 1)^(3/2)); a variable keeps x^(-2/3) in the numerator, as SPEC §3 writes
 * 1/3*x^(-2/3). */
static int is_den_power(const NbExpr *f)
{
    if (f->kind != NB_POW || f->args[1]->kind != NB_NUM)
        return 0;
    const NbExpr *k = f->args[1];
    /* 0^-1 (an undefined node kept for the evaluator) prints as itself:
     * 1/0 would read back as 0^-1 whatever the exponent was */
    return mpq_sgn(k->u.q) < 0 && !nb_is_zero(f->args[0])
           && (mpz_cmp_ui(mpq_denref(k->u.q), 1) == 0 || q_is(k, -1, 2)
               || f->args[0]->kind != NB_SYM);
}

static int level_of(Render *r, const NbExpr *e, const NbPrintOpts *o)
{
    switch (e->kind) {
    case NB_NUM:
        if (mpq_sgn(e->u.q) < 0)
            return LV_PROD;
        if (mpz_cmp_ui(mpq_denref(e->u.q), 1) == 0)
            return LV_ATOM;
        {
            int owned;
            const char *s = nb_q_text(&r->b, &r->nums, e->u.q, NB_QT_PLAIN,
                                       &owned);
            int lv = strchr(s, '/') ? LV_PROD : LV_ATOM;
            if (owned)
                free((char *)s);
            return lv;
        }
    case NB_FLT:
        return mpfr_signbit(e->u.f) && !mpfr_nan_p(e->u.f)
                       && !mpfr_zero_p(e->u.f) ? LV_PROD : LV_ATOM;
    case NB_ADD: return LV_SUM;
    case NB_MUL: return LV_PROD;
    case NB_POW:
        if (q_is(e->args[1], 1, 2))
            return LV_ATOM;
        return is_den_power(e) ? LV_PROD : LV_POW;
    default:
        (void)o;
        return LV_ATOM;
    }
}

static void put_name_call(Render *r, const char *name, const NbExpr *e)
{
    nb_buf_put(&r->b, name);
    nb_buf_putc(&r->b, '(');
    for (uint32_t i = 0; i < e->n; i++) {
        if (i)
            nb_buf_put(&r->b, ", ");
        render(r, e->args[i], LV_SUM);
    }
    nb_buf_putc(&r->b, ')');
}

static void put_string(NbBuf *b, const char *s)
{
    nb_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            nb_buf_putc(b, '\\');
        nb_buf_putc(b, *s);
    }
    nb_buf_putc(b, '"');
}

static size_t num_bits(const void *num, NbQText how)
{
    if (how == NB_QT_Z)
        return mpz_sizeinbase((mpz_srcptr)num, 2);
    mpq_srcptr q = num;
    return mpz_sizeinbase(mpq_numref(q), 2) + mpz_sizeinbase(mpq_denref(q), 2);
}

static char *num_text(const void *num, NbQText how)
{
    mpq_srcptr q = num;
    switch (how) {
    case NB_QT_PLAIN: return nb_format_q(q);
    case NB_QT_FRAC: return nb_format_q_frac(q);
    case NB_QT_DEN: return mpz_get_str(NULL, 10, mpq_denref(q));
    case NB_QT_Z: return mpz_get_str(NULL, 10, (mpz_srcptr)num);
    case NB_QT_ABSNUM: break;
    }
    char *s = mpz_get_str(NULL, 10, mpq_numref(q));
    if (s[0] == '-')
        memmove(s, s + 1, strlen(s));
    return s;
}

/* num as an mpq_t value (an mpz_t for NB_QT_Z), into q (initialised). */
static void num_value(mpq_ptr q, const void *num, NbQText how)
{
    if (how == NB_QT_Z)
        mpq_set_z(q, (mpz_srcptr)num);
    else
        mpq_set(q, (mpq_srcptr)num);
}

static int num_equal(mpq_srcptr q, const void *num, NbQText how)
{
    if (how == NB_QT_Z)
        return mpz_cmp_ui(mpq_denref(q), 1) == 0
               && mpz_cmp(mpq_numref(q), (mpz_srcptr)num) == 0;
    return mpq_equal(q, (mpq_srcptr)num);
}

/* Fewer digits than num's text has: those of the integer it is written
 * from (numerator, denominator or z; a decimal's digits are at least its
 * numerator's), as 0.30102 < log10(2). */
static size_t min_digits(const void *num, NbQText how)
{
    mpz_srcptr z = how == NB_QT_Z     ? (mpz_srcptr)num
                   : how == NB_QT_DEN ? mpq_denref((mpq_srcptr)num)
                                      : mpq_numref((mpq_srcptr)num);
    return (size_t)((double)(mpz_sizeinbase(z, 2) - 1) * 0.30102);
}

const char *nb_q_text(NbBuf *b, NbTextCache *c, const void *num,
                      NbQText how, int *owned)
{
    if (!nb_buf_fits(b, min_digits(num, how))) {
        *owned = 0;
        return "";
    }
    int big = num_bits(num, how) > NB_BIG_TEXT_BITS;
    for (unsigned i = 0; big && i < c->n && i < NB_BIG_TEXT_SLOTS; i++)
        if (c->slot[i].how == how && num_equal(c->slot[i].value, num, how)) {
            *owned = 0;
            return c->slot[i].text;
        }
    char *s = num_text(num, how);
    *owned = !big;
    if (big) {
        unsigned k = c->n++ % NB_BIG_TEXT_SLOTS;
        if (c->slot[k].text)
            free(c->slot[k].text);
        else
            mpq_init(c->slot[k].value);
        num_value(c->slot[k].value, num, how);
        c->slot[k].how = how;
        c->slot[k].text = s;
    }
    return s;
}

void nb_text_cache_free(NbTextCache *c)
{
    for (unsigned i = 0; i < NB_BIG_TEXT_SLOTS; i++)
        if (c->slot[i].text) {
            free(c->slot[i].text);
            mpq_clear(c->slot[i].value);
        }
    memset(c, 0, sizeof *c);
}

static void put_q(Render *r, const mpq_t q, int frac)
{
    int owned;
    const char *s = nb_q_text(&r->b, &r->nums, q,
                              frac ? NB_QT_FRAC : NB_QT_PLAIN, &owned);
    nb_buf_put(&r->b, s);
    if (owned)
        free((char *)s);
}

/* base^k for a rational k > 0 (denominator items, or plain powers). */
static void put_pow_q(Render *r, const NbExpr *base, const mpq_t k)
{
    if (mpq_cmp_ui(k, 1, 1) == 0) {
        render(r, base, LV_POW);
        return;
    }
    if (mpq_cmp_ui(k, 1, 2) == 0) {
        nb_buf_put(&r->b, "sqrt(");
        render(r, base, LV_SUM);
        nb_buf_putc(&r->b, ')');
        return;
    }
    render(r, base, LV_ATOM);
    nb_buf_putc(&r->b, '^');
    if (mpz_cmp_ui(mpq_denref(k), 1) == 0) {
        put_q(r, k, 1);
    } else {
        nb_buf_putc(&r->b, '(');
        put_q(r, k, 1);
        nb_buf_putc(&r->b, ')');
    }
}

static void render_pow(Render *r, const NbExpr *e)
{
    const NbExpr *base = e->args[0], *k = e->args[1];
    if (k->kind == NB_NUM && mpq_sgn(k->u.q) > 0) {
        put_pow_q(r, base, k->u.q);
        return;
    }
    if (is_den_power(e)) {
        mpq_t a;
        mpq_init(a);
        mpq_neg(a, k->u.q);
        nb_buf_put(&r->b, "1/");
        put_pow_q(r, base, a);
        mpq_clear(a);
        return;
    }
    render(r, base, LV_ATOM);
    nb_buf_putc(&r->b, '^');
    if (k->kind == NB_NUM) { /* exponents as fractions: x^(-3/2) */
        nb_buf_putc(&r->b, '(');
        put_q(r, k->u.q, 1);
        nb_buf_putc(&r->b, ')');
        return;
    }
    render(r, k, LV_POW);
}

/* Split a product into its exact coefficient (copied into coef, 1 when
 * absent), numerator and denominator factor lists (display order). Returns
 * 1 when a numerator factor is a power with a negative exponent that stays
 * in the numerator (x^(-2/3)). */
typedef struct Parts {
    const NbExpr **num, **den;
    size_t nnum, nden;
    int odd;
    const NbExpr *flt;   /* a float coefficient, or NULL */
} Parts;

static int cmp_class(const void *a, const void *b)
{
    const NbExpr *x = *(const NbExpr *const *)a, *y = *(const NbExpr *const *)b;
    int cx = nb_factor_class(x), cy = nb_factor_class(y);
    if (cx != cy)
        return cx - cy;
    if (cx == 2) { /* polynomial factors by variable name */
        const NbExpr *bx = x->kind == NB_POW ? x->args[0] : x;
        const NbExpr *by = y->kind == NB_POW ? y->args[0] : y;
        int c = strcmp(bx->u.name, by->u.name);
        if (c)
            return c;
    }
    return nb_expr_cmp(x, y);
}

static void split_product(const NbExpr *e, mpq_t coef, Parts *p)
{
    p->num = nb_xmalloc((e->n + 1) * sizeof *p->num);
    p->den = nb_xmalloc((e->n + 1) * sizeof *p->den);
    p->nnum = p->nden = 0;
    p->odd = 0;
    p->flt = NULL;
    mpq_set_ui(coef, 1, 1);
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *f = e->args[i];
        if (f->kind == NB_NUM && nb_coef_fold(coef, f->u.q)) {
            continue;
        } else if (f->kind == NB_FLT && !p->flt) {
            p->flt = f;
        } else if (is_den_power(f)) {
            p->den[p->nden++] = f;
        } else {
            if (f->kind == NB_POW && f->args[1]->kind == NB_NUM
                && mpq_sgn(f->args[1]->u.q) < 0)
                p->odd = 1;
            p->num[p->nnum++] = f;
        }
    }
    qsort(p->num, p->nnum, sizeof *p->num, cmp_class);
    qsort(p->den, p->nden, sizeof *p->den, cmp_class);
}

static void put_factors(Render *r, const NbExpr *const *f, size_t n,
                        int *first)
{
    for (size_t i = 0; i < n; i++) {
        if (!*first)
            nb_buf_putc(&r->b, '*');
        *first = 0;
        render(r, f[i], LV_POW);
    }
}

static int is_bare_sum_den(const NbExpr *f)
{
    return f->args[0]->kind == NB_ADD && q_is(f->args[1], -1, 1);
}

static void put_z(Render *r, const mpz_t z)
{
    int owned;
    const char *s = nb_q_text(&r->b, &r->nums, z, NB_QT_Z, &owned);
    nb_buf_put(&r->b, s);
    if (owned)
        free((char *)s);
}

/* "/" and the denominator: [q*]items. A denominator of q and a bare sum is
 * written /(x + 1)/2, because 2*(x + 1) would read back distributed (the
 * constructors' 2-argument rule: 2*(x + 1) -> 2 + 2*x). */
static void put_den(Render *r, const mpz_t q, int qden, const Parts *p)
{
    int q_last = qden && p->nden && is_bare_sum_den(p->den[0]);
    size_t items = p->nden + (size_t)(qden && !q_last);
    if (!items)
        return;
    nb_buf_putc(&r->b, '/');
    if (items > 1)
        nb_buf_putc(&r->b, '(');
    if (qden && !q_last)
        put_z(r, q);
    for (size_t i = 0; i < p->nden; i++) {
        if (i || (qden && !q_last))
            nb_buf_putc(&r->b, '*');
        mpq_t a;
        mpq_init(a);
        mpq_neg(a, p->den[i]->args[1]->u.q);
        put_pow_q(r, p->den[i]->args[0], a);
        mpq_clear(a);
    }
    if (items > 1)
        nb_buf_putc(&r->b, ')');
    if (q_last) {
        nb_buf_putc(&r->b, '/');
        put_z(r, q);
    }
}

/* Product layout, with c = |coefficient| = a/q:
 *   q = 1:                   [-][a*]factors[/den]        2*x, -1/x, x/(y*z)
 *   q > 1, an x^(-2/3)-like
 *   factor in the numerator:  [-]a/q*factors[/den]        1/3*x^(-2/3)
 *   q > 1 otherwise:          [-][a*]factors/([q*]den)    -x^2/2, 1/(2*x)
 * a = 1 is omitted unless the numerator would be empty. A sum never
 * follows the coefficient directly (it would read back distributed):
 * 2*sin(x)*(x + 1), 3/(4*y)*(x + 1), and as a last resort the coefficient
 * goes last, (a + b)*(c + d)*2. */
static void render_mul(Render *r, const NbExpr *e, int negate)
{
    mpq_t c;
    mpq_init(c);
    Parts p;
    split_product(e, c, &p);
    int neg = (mpq_sgn(c) < 0) != negate;
    if (p.flt && mpfr_signbit(p.flt->u.f) && !mpfr_nan_p(p.flt->u.f))
        neg = !neg;
    mpq_abs(c, c);
    int q1 = mpz_cmp_ui(mpq_denref(c), 1) == 0;
    int prefix_frac = !q1 && (p.odd || (p.nnum == 0 && !p.flt && !p.nden));
    int with_a = !prefix_frac
                 && (mpz_cmp_ui(mpq_numref(c), 1) != 0 || (p.nnum == 0 && !p.flt));
    int qden = !q1 && !prefix_frac;
    enum { PREFIX, DEN_FIRST, SUFFIX } mode = PREFIX;
    if ((neg || with_a || prefix_frac) && !p.flt && p.nnum
        && p.num[0]->kind == NB_ADD) {
        size_t j = 0;
        while (j < p.nnum && p.num[j]->kind == NB_ADD)
            j++;
        if (j < p.nnum) {
            const NbExpr *f = p.num[j];
            memmove(p.num + 1, p.num, j * sizeof *p.num);
            p.num[0] = f;
        } else {
            mode = p.nden ? DEN_FIRST : SUFFIX;
        }
    }
    int first = 1;
    if (mode == SUFFIX) {
        put_factors(r, p.num, p.nnum, &first);
        nb_buf_put(&r->b, neg ? "*(-" : "*");
        put_z(r, mpq_numref(c));
        if (neg)
            nb_buf_putc(&r->b, ')');
        if (!q1) {
            nb_buf_putc(&r->b, '/');
            put_z(r, mpq_denref(c));
        }
    } else if (mode == DEN_FIRST) {
        if (neg)
            nb_buf_putc(&r->b, '-');
        put_z(r, mpq_numref(c));
        put_den(r, mpq_denref(c), !q1, &p);
        nb_buf_putc(&r->b, '*');
        put_factors(r, p.num, p.nnum, &first);
    } else {
        if (neg)
            nb_buf_putc(&r->b, '-');
        if (prefix_frac) {
            put_q(r, c, 1);
            first = 0;
        } else if (with_a) {
            put_z(r, mpq_numref(c));
            first = 0;
        }
        if (p.flt) {
            if (!first)
                nb_buf_putc(&r->b, '*');
            char *s = float_text(p.flt, r->opts);
            nb_buf_put(&r->b, s[0] == '-' ? s + 1 : s);
            free(s);
            first = 0;
        }
        put_factors(r, p.num, p.nnum, &first);
        put_den(r, mpq_denref(c), qden, &p);
    }
    free(p.num);
    free(p.den);
    mpq_clear(c);
}

/* A term of a sum; negate: print its absolute value (after " - "). */
static void render_term(Render *r, const NbExpr *t, int negate)
{
    if (t->kind == NB_MUL) {
        render_mul(r, t, negate);
        return;
    }
    if (negate && t->kind == NB_NUM) {
        mpq_t a;
        mpq_init(a);
        mpq_abs(a, t->u.q);
        put_q(r, a, 0);
        mpq_clear(a);
        return;
    }
    if (negate && t->kind == NB_FLT) {
        char *s = float_text(t, r->opts);
        nb_buf_put(&r->b, s[0] == '-' ? s + 1 : s);
        free(s);
        return;
    }
    render(r, t, LV_SUM + 1);
}

static void render_add(Render *r, const NbExpr *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *t = e->args[i];
        int neg = nb_display_negative(t);
        if (i)
            nb_buf_put(&r->b, neg ? " - " : " + ");
        render_term(r, t, i && neg);
    }
}

static void render_fn(Render *r, const NbExpr *e)
{
    put_name_call(r, nb_builtins[e->fn].name, e);
}

static void render_vec(Render *r, const NbExpr *e)
{
    nb_buf_putc(&r->b, '[');
    for (uint32_t i = 0; i < e->n; i++) {
        if (i)
            nb_buf_put(&r->b, ", ");
        render(r, e->args[i], LV_SUM);
    }
    nb_buf_putc(&r->b, ']');
}

static void render_leaf(Render *r, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM: put_q(r, e->u.q, 0); break;
    case NB_FLT: {
        char *s = float_text(e, r->opts);
        nb_buf_put(&r->b, s);
        free(s);
        break;
    }
    case NB_CONST: nb_buf_put(&r->b, e->fn == NB_CONST_PI ? "pi" : "e"); break;
    case NB_SYM: nb_buf_put(&r->b, e->u.name); break;
    case NB_STR: put_string(&r->b, e->u.name); break;
    default: break;
    }
}

static void render(Render *r, const NbExpr *e, int minlevel)
{
    if (r->b.full)
        return;
    if (r->depth >= NB_PRINT_MAX_DEPTH) {
        nb_buf_put(&r->b, "...");
        return;
    }
    r->depth++;
    int paren = level_of(r, e, r->opts) < minlevel;
    if (paren)
        nb_buf_putc(&r->b, '(');
    switch (e->kind) {
    case NB_ADD: render_add(r, e); break;
    case NB_MUL: render_mul(r, e, 0); break;
    case NB_POW: render_pow(r, e); break;
    case NB_FN: render_fn(r, e); break;
    case NB_VEC: render_vec(r, e); break;
    default: render_leaf(r, e); break;
    }
    if (paren)
        nb_buf_putc(&r->b, ')');
    r->depth--;
}

static char *print_with(const NbExpr *e, const NbPrintOpts *opts, int factor)
{
    NbDisplay *dp = nb_display_new(factor);
    Render r = {.opts = opts};
    render(&r, nb_display(dp, e), LV_SUM);
    nb_display_free(dp);
    nb_text_cache_free(&r.nums);
    return nb_buf_finish(&r.b);
}

char *nb_print(const NbExpr *e, const NbPrintOpts *opts)
{
    return print_with(e, opts, 1);
}

char *nb_print_flat(const NbExpr *e, const NbPrintOpts *opts)
{
    return print_with(e, opts, 0);
}
