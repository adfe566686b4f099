/* eval.c — one-shot numeric evaluation of closed expressions.
 *
 * A post-order walk of the DAG with an explicit stack (no C recursion, so a
 * deep expression cannot overflow the stack), memoised per node id in a
 * small hash table: each node is computed once however often it is shared.
 *
 * Values are exact rationals while they can be: +, *, and powers with an
 * exact integer exponent (or an exact rational exponent whose root is
 * exact, 4^(1/2) = 2) on exact operands, and the piecewise functions abs,
 * sign, heaviside, floor, ceil, min, max, relu on exact arguments. Anything
 * else is a float: a hardware double (libm, through nb_builtins[].eval_d)
 * when prec == NB_PREC_DOUBLE, else MPFR at prec bits, every intermediate
 * rounded to prec.
 *
 * Every evaluation runs with MPFR exponents within +-NB_VM_MAX_EXP, the
 * bound of the MPFR VM (compile_internal.h): a result beyond it overflows
 * (an error here, as any overflow is), so no operation asks GMP for
 * millions of bits (sin(sinh(5000^2)) at 64 bits reduced a 36-million-bit
 * argument for minutes). An exact number beyond it is "too large for the
 * MPFR exponent range", as one beyond 2^1024 is for the double range.
 *
 * Errors: a NaN produced from non-NaN inputs is a domain error, an infinity
 * produced from finite inputs is a domain error when the operation divided
 * by zero (a pole: log(0), 1/0.0) and an overflow otherwise. Exact sizes
 * are checked against NB_MAX_EXACT_BITS before GMP is asked, because GMP
 * aborts when memory runs out.
 */
#include "nabla/eval.h"
#include "util/alloc.h"

#include <assert.h>
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec/compile_internal.h" /* NB_VM_MAX_EXP, nb_vm_range_enter() */
#include "nabla/builtins.h"
#include "nabla/limits.h"
#include "nabla/print.h"
#include "nabla/simplify.h"

/* One computed value. In double mode a float lives in d; in MPFR mode in
 * f (initialised only for floats). */
typedef struct Val {
    uint32_t key;   /* node id + 1; 0 marks an empty slot */
    uint8_t exact;
    uint8_t hp;     /* double mode: f also holds the value at HP_BITS */
    mpq_t q;        /* exact only */
    double d;
    mpfr_t f;       /* MPFR mode floats, and double-mode hp values */
} Val;

/* In double mode, arithmetic on exact numbers and the constants pi and e
 * (pi/6, sqrt(pi), 2^(1/3)) is carried at this precision and rounded to a
 * double once, so it is correctly rounded (in practice) instead of
 * collecting one rounding per operation. Built-in function calls use libm,
 * as the double mode promises. */
enum { HP_BITS = 192 };

/* Largest |n| that a double x^n is a multiply chain for: compile.c's
 * POWI_CHAIN_MAX, which the two must share (see chain_d). */
#define POWI_CHAIN_MAX_D 32

struct NbEvalCache {
    long prec;
    Val *slots;
    size_t cap, count;
};

/* --- the memo table ------------------------------------------------------ */

static void val_clear(Val *v, long prec)
{
    if (!v->key)
        return;
    if (v->exact)
        mpq_clear(v->q);
    else if (prec != NB_PREC_DOUBLE || v->hp)
        mpfr_clear(v->f);
    v->key = 0;
}

NbEvalCache *nb_eval_cache_new(void)
{
    NbEvalCache *c = nb_xcalloc(1, sizeof *c);
    c->prec = NB_PREC_DOUBLE;
    return c;
}

void nb_eval_cache_clear(NbEvalCache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        val_clear(&c->slots[i], c->prec);
    c->count = 0;
}

void nb_eval_cache_free(NbEvalCache *c)
{
    if (!c)
        return;
    nb_eval_cache_clear(c);
    free(c->slots);
    free(c);
}

static size_t slot_of(const NbEvalCache *c, uint32_t key)
{
    size_t mask = c->cap - 1;
    size_t i = ((size_t)key * 0x9E3779B1u) & mask;
    while (c->slots[i].key && c->slots[i].key != key)
        i = (i + 1) & mask;
    return i;
}

static Val *cache_find(const NbEvalCache *c, const NbExpr *e)
{
    if (!c->cap)
        return NULL;
    Val *v = &c->slots[slot_of(c, e->id + 1)];
    return v->key ? v : NULL;
}

/* Make room for one more entry, so pointers returned by cache_find stay
 * valid while that entry is computed. Values move by plain copy: GMP and
 * MPFR objects may be relocated as long as the old copy is not used. */
static void cache_reserve(NbEvalCache *c)
{
    if ((c->count + 1) * 2 <= c->cap)
        return;
    size_t oldcap = c->cap;
    Val *old = c->slots;
    c->cap = oldcap ? oldcap * 2 : 64;
    c->slots = nb_xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            c->slots[slot_of(c, old[i].key)] = old[i];
    free(old);
}

/* A fresh slot for e; cache_reserve() must have been called. */
static Val *cache_new(NbEvalCache *c, const NbExpr *e)
{
    Val *v = &c->slots[slot_of(c, e->id + 1)];
    assert(!v->key);
    memset(v, 0, sizeof *v);
    v->key = e->id + 1;
    c->count++;
    return v;
}

/* --- values ---------------------------------------------------------------- */

typedef struct Ctx {
    NbEvalCache *c;
    long prec;
    NbDiag *d;
} Ctx;

static int is_mp(const Ctx *x) { return x->prec != NB_PREC_DOUBLE; }

static void set_exact(Val *v, const mpq_t q)
{
    v->exact = 1;
    mpq_init(v->q);
    mpq_set(v->q, q);
}

static size_t q_bits(const mpq_t q)
{
    return mpz_sizeinbase(mpq_numref(q), 2) + mpz_sizeinbase(mpq_denref(q), 2);
}

static NbErrCode too_large(NbDiag *d)
{
    return nb_diag_set(d, NB_ERR_TOO_LARGE,
                       "result too large to hold exactly (more than %ld bits)",
                       (long)NB_MAX_EXACT_BITS);
}

/* Longest exact number a message spells out in full; a longer one is
 * shown rounded to 17 digits (gamma(1e300), not 301 digits). */
enum { MSG_EXACT_CHARS = 40 };

/* A value as text for messages (caller frees). */
static char *val_text(const Ctx *x, const Val *v)
{
    if (v->exact && q_bits(v->q) <= 3 * MSG_EXACT_CHARS)
        return nb_format_q(v->q);
    if (v->exact) {
        mpfr_t t;
        mpfr_init2(t, 57);
        mpfr_set_q(t, v->q, MPFR_RNDN); /* within the range: it got here */
        char *s = nb_format_mpfr(t, 17);
        mpfr_clear(t);
        return s;
    }
    if (is_mp(x))
        return nb_format_mpfr(v->f, 0);
    return nb_format_double(v->d, 0);
}

/* An exact value as a double, rounded once (MPFR at 53 bits). */
static double q_to_double(const mpq_t q)
{
    mpfr_t t;
    mpfr_init2(t, 53);
    mpfr_set_q(t, q, MPFR_RNDN);
    double r = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return r;
}

/* Float view of v: *out (double mode) or dst at prec (MPFR mode). An exact
 * value too large for a double is an overflow, not a silent infinity. */
static int as_double(Ctx *x, const Val *v, double *out)
{
    if (!v->exact) {
        *out = v->d;
        return 0;
    }
    *out = q_to_double(v->q);
    if (isinf(*out)) {
        nb_diag_set(x->d, NB_ERR_OVERFLOW,
                    "number too large for the double range");
        return -1;
    }
    return 0;
}

/* An exact q at dst's precision. Past the exponent range it is an
 * overflow, as as_double() reports for the double range (far below it,
 * 0, as a double underflows). */
static int q_to_mpfr(Ctx *x, const mpq_t q, mpfr_ptr dst)
{
    mpfr_set_q(dst, q, MPFR_RNDN);
    if (!mpfr_inf_p(dst))
        return 0;
    nb_diag_set(x->d, NB_ERR_OVERFLOW,
                "number too large for the MPFR exponent range");
    return -1;
}

static int as_mpfr(Ctx *x, const Val *v, mpfr_ptr dst)
{
    if (v->exact)
        return q_to_mpfr(x, v->q, dst);
    mpfr_set(dst, v->f, MPFR_RNDN);
    return 0;
}

/* Turn the freshly computed float result into a value, or an error. */
static int float_result_d(Ctx *x, Val *out, double r)
{
    out->exact = 0;
    out->d = r;
    return 0;
}

/* --- error reports ------------------------------------------------------- */

enum Fault { F_NONE, F_DOMAIN, F_POLE, F_OVERFLOW };

/* What went wrong with a float result r given whether the inputs had a NaN
 * or an infinity and whether the operation divided by zero. */
static enum Fault classify(int r_nan, int r_inf, int in_nan, int in_inf,
                           int divby0)
{
    if (r_nan && !in_nan)
        return F_DOMAIN;
    if (r_inf && !in_inf && !in_nan)
        return divby0 ? F_POLE : F_OVERFLOW;
    return F_NONE;
}

static const char *range_name(const Ctx *x)
{
    return is_mp(x) ? "the MPFR exponent range" : "the double range";
}

/* "log: argument -1 is outside the domain x > 0" */
static int fn_fault(Ctx *x, enum Fault f, const NbBuiltin *row, size_t n,
                    Val *const *args)
{
    size_t cap = 1, len = 0;
    char *list = nb_xmalloc(cap);
    list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char *t = val_text(x, args[i]);
        size_t tl = strlen(t);
        list = nb_xrealloc(list, cap = len + tl + 3);
        len += (size_t)sprintf(list + len, "%s%s", i ? ", " : "", t);
        free(t);
    }
    if (f == F_OVERFLOW)
        nb_diag_set(x->d, NB_ERR_OVERFLOW, "%s(%s) overflows %s", row->name,
                    list, range_name(x));
    else if (row->domain)
        nb_diag_set(x->d, NB_ERR_DOMAIN, "%s: argument%s %s %s outside the domain %s",
                    row->name, n > 1 ? "s" : "", list, n > 1 ? "are" : "is",
                    row->domain);
    else
        nb_diag_set(x->d, NB_ERR_DOMAIN, "%s: undefined at %s", row->name,
                    list);
    free(list);
    return -1;
}

/* Operand text for "(-8)^(1/3)": parenthesised unless a plain
 * non-negative number. */
static char *operand_text(const Ctx *x, const Val *v)
{
    char *t = val_text(x, v);
    if (!strpbrk(t, "-/+e"))
        return t;
    char *p = nb_xmalloc(strlen(t) + 3);
    sprintf(p, "(%s)", t);
    free(t);
    return p;
}

static int pow_fault(Ctx *x, enum Fault f, const Val *b, const Val *ex)
{
    if (f == F_POLE)
        return nb_diag_set(x->d, NB_ERR_DOMAIN, "division by zero"), -1;
    char *bt = operand_text(x, b), *et = operand_text(x, ex);
    if (f == F_DOMAIN)
        nb_diag_set(x->d, NB_ERR_DOMAIN,
                    "%s^%s is not real (negative base, non-integer exponent)",
                    bt, et);
    else
        nb_diag_set(x->d, NB_ERR_OVERFLOW, "%s^%s overflows %s", bt, et,
                    range_name(x));
    free(bt);
    free(et);
    return -1;
}

/* --- exact arithmetic --------------------------------------------------- */

static int all_exact(size_t n, Val *const *a)
{
    for (size_t i = 0; i < n; i++)
        if (!a[i]->exact)
            return 0;
    return 1;
}

static int exact_sum_or_product(Ctx *x, Val *out, int is_add, size_t n,
                                Val *const *a)
{
    mpq_t acc;
    mpq_init(acc);
    mpq_set(acc, a[0]->q);
    for (size_t i = 1; i < n; i++) {
        if (q_bits(acc) + q_bits(a[i]->q) > (size_t)NB_MAX_EXACT_BITS) {
            mpq_clear(acc);
            return too_large(x->d), -1;
        }
        if (is_add)
            mpq_add(acc, acc, a[i]->q);
        else
            mpq_mul(acc, acc, a[i]->q);
    }
    set_exact(out, acc);
    mpq_clear(acc);
    return 0;
}

/* b^n exactly, n an integer. 0^-n is a division by zero. */
static int exact_pow_int(Ctx *x, mpq_t r, const mpq_t b, const mpz_t n)
{
    int bs = mpq_sgn(b);
    if (bs == 0) {
        if (mpz_sgn(n) < 0)
            return nb_diag_set(x->d, NB_ERR_DOMAIN, "division by zero"), -1;
        mpq_set_ui(r, mpz_sgn(n) == 0 ? 1 : 0, 1);
        return 0;
    }
    if (mpz_cmp_ui(mpq_denref(b), 1) == 0 && mpz_cmpabs_ui(mpq_numref(b), 1) == 0) {
        /* +-1: the sign alone depends on n's parity */
        mpq_set_si(r, bs < 0 && mpz_odd_p(n) ? -1 : 1, 1);
        return 0;
    }
    if (!mpz_fits_slong_p(n))
        return too_large(x->d), -1;
    long e = mpz_get_si(n);
    unsigned long ue = e < 0 ? -(unsigned long)e : (unsigned long)e;
    if ((double)ue * (double)q_bits(b) > (double)NB_MAX_EXACT_BITS + 64.0)
        return too_large(x->d), -1;
    mpz_pow_ui(mpq_numref(r), mpq_numref(b), ue);
    mpz_pow_ui(mpq_denref(r), mpq_denref(b), ue);
    mpq_canonicalize(r);
    if (e < 0)
        mpq_inv(r, r);
    if (q_bits(r) > (size_t)NB_MAX_EXACT_BITS)
        return too_large(x->d), -1;
    return 0;
}

/* The exact k-th root of a non-negative rational, when it has one. */
static int exact_root(mpq_t r, const mpq_t b, unsigned long k)
{
    if (mpq_sgn(b) < 0 || k == 0 || k > 4096)
        return 0;
    int ok = mpz_root(mpq_numref(r), mpq_numref(b), k)
             && mpz_root(mpq_denref(r), mpq_denref(b), k);
    if (ok)
        mpq_canonicalize(r);
    return ok;
}

/* b^e with both exact: 1 when done exactly (or failed: -1), 0 when the
 * result is irrational and must be a float. */
static int exact_pow(Ctx *x, Val *out, const Val *b, const Val *e)
{
    mpq_t r;
    mpq_init(r);
    int done = 0;
    if (mpz_cmp_ui(mpq_denref(e->q), 1) == 0) {
        done = exact_pow_int(x, r, b->q, mpq_numref(e->q)) ? -1 : 1;
    } else if (mpz_fits_ulong_p(mpq_denref(e->q))
               && exact_root(r, b->q, mpz_get_ui(mpq_denref(e->q)))) {
        mpq_t root;
        mpq_init(root);
        mpq_set(root, r);
        done = exact_pow_int(x, r, root, mpq_numref(e->q)) ? -1 : 1;
        mpq_clear(root);
    }
    if (done == 1)
        set_exact(out, r);
    mpq_clear(r);
    return done;
}

/* The piecewise built-ins are exact on exact arguments. 1 when done. */
static int exact_fn(Val *out, int fn, size_t n, Val *const *a)
{
    mpq_t r;
    mpq_init(r);
    int done = 1, s = mpq_sgn(a[0]->q);
    switch (fn) {
    case NB_FN_ABS: mpq_abs(r, a[0]->q); break;
    case NB_FN_SIGN: mpq_set_si(r, s, 1); break;
    case NB_FN_HEAVISIDE: mpq_set_si(r, s > 0, 1); break;
    case NB_FN_RELU: if (s > 0) mpq_set(r, a[0]->q); break;
    case NB_FN_FLOOR:
        mpz_fdiv_q(mpq_numref(r), mpq_numref(a[0]->q), mpq_denref(a[0]->q));
        break;
    case NB_FN_CEIL:
        mpz_cdiv_q(mpq_numref(r), mpq_numref(a[0]->q), mpq_denref(a[0]->q));
        break;
    case NB_FN_MIN:
    case NB_FN_MAX:
        mpq_set(r, a[0]->q);
        for (size_t i = 1; i < n; i++) {
            int c = mpq_cmp(a[i]->q, r);
            if (fn == NB_FN_MIN ? c < 0 : c > 0)
                mpq_set(r, a[i]->q);
        }
        break;
    default: done = 0; break;
    }
    if (done)
        set_exact(out, r);
    mpq_clear(r);
    return done;
}

/* --- float arithmetic: double ------------------------------------------- */

static int flags_divby0(void) { return fetestexcept(FE_DIVBYZERO) != 0; }

/* Whether row at these (finite) arguments is a pole rather than an
 * overflow, asked of MPFR, whose flags are exact software state (hardware
 * exception flags are not reliable everywhere, e.g. under valgrind). */
static int pole_mpfr(const NbBuiltin *row, size_t n, const double *v)
{
    mpfr_t a[8], r;
    mpfr_srcptr p[8];
    for (size_t i = 0; i < n; i++) {
        mpfr_init2(a[i], 53);
        mpfr_set_d(a[i], v[i], MPFR_RNDN);
        p[i] = a[i];
    }
    mpfr_init2(r, 53);
    mpfr_clear_flags();
    row->eval_mpfr(r, p, MPFR_RNDN);
    int pole = mpfr_divby0_p() || (mpfr_inf_p(r) && !mpfr_overflow_p());
    mpfr_clear(r);
    for (size_t i = 0; i < n; i++)
        mpfr_clear(a[i]);
    return pole;
}

static int gather_d(Ctx *x, size_t n, Val *const *a, double *v, int *nan,
                    int *inf)
{
    *nan = *inf = 0;
    for (size_t i = 0; i < n; i++) {
        if (as_double(x, a[i], &v[i]))
            return -1;
        *nan |= isnan(v[i]) != 0;
        *inf |= isinf(v[i]) != 0;
    }
    return 0;
}

/* b^n as the compiled double VM computes it (compile.c, powi): a
 * square-and-multiply chain, x^6 = (x^3)^2, x^7 = x^6 * x, x^-n =
 * 1 / x^n; the same tree of roundings, so f(2) printed here and the value
 * a plot or a descent computes agree to the bit. ORDER compile.c powi. */
static double chain_d(double b, long n)
{
    assert(n != 0 && labs(n) <= POWI_CHAIN_MAX_D);
    if (n == 1)
        return b;
    if (n == 2)
        return b * b;
    if (n < 0)
        return 1.0 / chain_d(b, -n);
    if (n % 2 == 0) {
        double h = chain_d(b, n / 2);
        return h * h;
    }
    return chain_d(b, n - 1) * b;
}

/* b^q for an exact q the way compile.c's pow_q lowers it in double:
 * integers up to POWI_CHAIN_MAX_D as a chain, halves through sqrt
 * (x^(1/2) = sqrt(x), x^(-1/2) = 1/sqrt(x + 0), x^(k/2) = x^(k div 2) *
 * sqrt(x)), else pow(). ORDER compile.c pow_q. */
static double pow_exact_d(double b, const mpq_t q, double qd)
{
    const mpz_srcptr num = mpq_numref(q), den = mpq_denref(q);
    if (mpz_sgn(num) == 0)
        return 1.0;
    if (mpz_cmp_ui(den, 1) == 0 && mpz_cmpabs_ui(num, POWI_CHAIN_MAX_D) <= 0)
        return chain_d(b, mpz_get_si(num));
    if (mpz_cmp_ui(den, 2) == 0
        && mpz_cmpabs_ui(num, 2 * POWI_CHAIN_MAX_D + 1) <= 0) {
        long k = mpz_get_si(num);
        if (k == 1 || k == -1)
            return k == 1 ? sqrt(b) : 1.0 / sqrt(b + 0.0);
        double t = chain_d(b, labs(k) / 2) * sqrt(b);
        return k > 0 ? t : 1.0 / t;
    }
    return pow(b, qd);
}

static int arith_d(Ctx *x, Val *out, int kind, size_t n, Val *const *a)
{
    double *v = nb_xmalloc(n * sizeof *v);
    int nan, inf;
    if (gather_d(x, n, a, v, &nan, &inf)) {
        free(v);
        return -1;
    }
    feclearexcept(FE_ALL_EXCEPT);
    double r = v[0];
    int pole = 0;
    if (kind == NB_POW) {
        r = a[1]->exact ? pow_exact_d(v[0], a[1]->q, v[1]) : pow(v[0], v[1]);
        pole = v[0] == 0 && v[1] < 0;
    }
    else
        for (size_t i = 1; i < n; i++)
            r = kind == NB_ADD ? r + v[i] : r * v[i];
    free(v);
    enum Fault f = classify(isnan(r), isinf(r), nan, inf, pole);
    if (f == F_NONE)
        return float_result_d(x, out, r);
    if (kind == NB_POW)
        return pow_fault(x, f, a[0], a[1]);
    return nb_diag_set(x->d, f == F_OVERFLOW ? NB_ERR_OVERFLOW : NB_ERR_DOMAIN,
                       f == F_OVERFLOW ? "result overflows %s" : "%s",
                       f == F_OVERFLOW ? range_name(x) : "division by zero"),
           -1;
}

/* Exact numbers and hp values only: the arithmetic can be carried at
 * HP_BITS (see HP_BITS). */
static int hp_ok(size_t n, Val *const *a)
{
    for (size_t i = 0; i < n; i++)
        if (!a[i]->exact && !a[i]->hp)
            return 0;
    return 1;
}

static int arith_mp(Ctx *x, Val *out, int kind, size_t n, Val *const *a);

/* On any trouble (a domain error, a double overflow) the plain double
 * computation runs instead and reports in double terms. */
static int arith_hp(Ctx *x, Val *out, int kind, size_t n, Val *const *a)
{
    NbDiag tmp = NB_DIAG_INIT;
    Ctx hx = {x->c, HP_BITS, &tmp};
    int rc = arith_mp(&hx, out, kind, n, a);
    nb_diag_clear(&tmp);
    if (rc == 0) {
        double r = mpfr_get_d(out->f, MPFR_RNDN);
        if (!isinf(r)) {
            out->hp = 1;
            return float_result_d(x, out, r);
        }
        mpfr_clear(out->f);
    }
    memset(out, 0, sizeof *out);
    return arith_d(x, out, kind, n, a);
}

static int fn_d(Ctx *x, Val *out, const NbBuiltin *row, size_t n,
                Val *const *a)
{
    double v[8];
    int nan, inf;
    if (n > 8)
        return nb_diag_set(x->d, NB_ERR_ARGS, "%s: too many arguments", row->name), -1;
    if (gather_d(x, n, a, v, &nan, &inf))
        return -1;
    feclearexcept(FE_ALL_EXCEPT);
    double r = row->eval_d(v);
    enum Fault f = classify(isnan(r), isinf(r), nan, inf, 0);
    if (f == F_OVERFLOW && (flags_divby0() || pole_mpfr(row, n, v)))
        f = F_POLE;
    if (f != F_NONE)
        return fn_fault(x, f, row, n, a);
    return float_result_d(x, out, r);
}

/* --- float arithmetic: MPFR --------------------------------------------- */

static int gather_mp(Ctx *x, size_t n, Val *const *a, mpfr_t *v, int *nan,
                     int *inf)
{
    *nan = *inf = 0;
    for (size_t i = 0; i < n; i++) {
        mpfr_init2(v[i], (mpfr_prec_t)x->prec);
        if (as_mpfr(x, a[i], v[i])) {
            for (size_t j = 0; j <= i; j++)
                mpfr_clear(v[j]);
            return -1;
        }
        *nan |= mpfr_nan_p(v[i]) != 0;
        *inf |= mpfr_inf_p(v[i]) != 0;
    }
    return 0;
}

static void clear_mp(size_t n, mpfr_t *v)
{
    for (size_t i = 0; i < n; i++)
        mpfr_clear(v[i]);
}

static int finish_mp(Ctx *x, Val *out, mpfr_t r, int nan, int inf,
                     enum Fault *fault)
{
    *fault = classify(mpfr_nan_p(r), mpfr_inf_p(r), nan, inf,
                      mpfr_divby0_p());
    if (*fault != F_NONE) {
        mpfr_clear(r);
        return -1;
    }
    out->exact = 0;
    memcpy(out->f, r, sizeof(mpfr_t)); /* move: r is not cleared */
    return 0;
}

/* b^(p/q) for b > 0 and q > 1 correctly rounded (Ziv's strategy): at w
 * bits b is rounded once, its q-th root and that root's p-th power are
 * each correctly rounded, so the result is within (|p| + 2) ulps at w;
 * when that decides the rounding to r's precision it is final, else w
 * doubles. mpfr_pow with the exponent rounded first was 1 ulp off in one
 * case of ten (hypot of decimals, which is (x^2 + y^2)^(1/2), at 113 and
 * 256 bits). Returns 0 when done, -1 to leave it to mpfr_pow (a base
 * that is not positive, a huge exponent, or no decision by 8 times the
 * precision: r is then exact or nearly so, and mpfr_pow agrees). */
static int pow_root_cr(mpfr_ptr r, const Val *b, const mpq_t e)
{
    mpz_srcptr num = mpq_numref(e), den = mpq_denref(e);
    if (!mpz_fits_slong_p(num) || !mpz_fits_ulong_p(den)
        || mpz_cmpabs_ui(num, 1UL << 20) > 0
        || (b->exact ? mpq_sgn(b->q) <= 0 : !mpfr_regular_p(b->f)
                                            || mpfr_sgn(b->f) < 0))
        return -1;
    long p = mpz_get_si(num);
    unsigned long q = mpz_get_ui(den);
    mpfr_prec_t prec = mpfr_get_prec(r);
    mpfr_prec_t errbits = 2;
    for (unsigned long m = (unsigned long)labs(p) + 2; m > 1; m >>= 1)
        errbits++;
    mpfr_t t;
    mpfr_init2(t, prec + 32);
    int rc = -1;
    for (mpfr_prec_t w = prec + 32 + errbits; w <= 8 * prec + 64 && rc; w *= 2) {
        mpfr_set_prec(t, w);
        if (b->exact)
            mpfr_set_q(t, b->q, MPFR_RNDN);
        else
            mpfr_set(t, b->f, MPFR_RNDN);
        mpfr_rootn_ui(t, t, q, MPFR_RNDN);
        mpfr_pow_si(t, t, p, MPFR_RNDN);
        if (!mpfr_regular_p(t))
            break;
        if (mpfr_can_round(t, w - errbits, MPFR_RNDN, MPFR_RNDZ, prec + 1)) {
            mpfr_set(r, t, MPFR_RNDN);
            rc = 0;
        }
    }
    mpfr_clear(t);
    return rc;
}

static int arith_mp(Ctx *x, Val *out, int kind, size_t n, Val *const *a)
{
    mpfr_t *v = nb_xmalloc(n * sizeof *v), r;
    int nan, inf;
    if (gather_mp(x, n, a, v, &nan, &inf)) {
        free(v);
        return -1;
    }
    mpfr_init2(r, (mpfr_prec_t)x->prec);
    mpfr_clear_flags();
    if (kind == NB_POW && a[1]->exact && mpz_cmp_ui(mpq_denref(a[1]->q), 1) == 0)
        mpfr_pow_z(r, v[0], mpq_numref(a[1]->q), MPFR_RNDN);
    else if (kind == NB_POW && a[1]->exact && pow_root_cr(r, a[0], a[1]->q) == 0)
        ; /* done, correctly rounded */
    else if (kind == NB_POW)
        mpfr_pow(r, v[0], v[1], MPFR_RNDN);
    else {
        mpfr_set(r, v[0], MPFR_RNDN);
        for (size_t i = 1; i < n; i++)
            (kind == NB_ADD ? mpfr_add : mpfr_mul)(r, r, v[i], MPFR_RNDN);
    }
    clear_mp(n, v);
    free(v);
    enum Fault f;
    if (!finish_mp(x, out, r, nan, inf, &f))
        return 0;
    if (kind == NB_POW)
        return pow_fault(x, f, a[0], a[1]);
    return nb_diag_set(x->d, f == F_OVERFLOW ? NB_ERR_OVERFLOW : NB_ERR_DOMAIN,
                       f == F_OVERFLOW ? "result overflows %s" : "%s",
                       f == F_OVERFLOW ? range_name(x) : "division by zero"),
           -1;
}

static int fn_mp(Ctx *x, Val *out, const NbBuiltin *row, size_t n,
                 Val *const *a)
{
    mpfr_t v[8], r;
    mpfr_srcptr p[8];
    int nan, inf;
    if (n > 8)
        return nb_diag_set(x->d, NB_ERR_ARGS, "%s: too many arguments", row->name), -1;
    if (gather_mp(x, n, a, v, &nan, &inf))
        return -1;
    for (size_t i = 0; i < n; i++)
        p[i] = v[i];
    if (!nb_prec_fits(row - nb_builtins, x->prec, x->d)) {
        clear_mp(n, v);
        return -1;
    }
    mpfr_init2(r, (mpfr_prec_t)x->prec);
    mpfr_clear_flags();
    row->eval_mpfr(r, p, MPFR_RNDN);
    clear_mp(n, v);
    enum Fault f;
    if (finish_mp(x, out, r, nan, inf, &f))
        return fn_fault(x, f, row, n, a);
    return 0;
}

/* --- log(u, v) ------------------------------------------------------------- */

/* Guard bits of the quotient of logs below: the result is within 1/2 ulp
 * + 2^-(LOGB_GUARD - 3) ulp of the exact quotient of the logs of the
 * arguments as the factors saw them. */
enum { LOGB_GUARD = 64 };

/* The argument of e when e is log(u) (one argument), else NULL. */
static const NbExpr *log_arg(const NbExpr *e)
{
    return e->kind == NB_FN && e->fn == NB_FN_LOG && e->n == 1 ? e->args[0]
                                                              : NULL;
}

/* log(u, v) is lowered to log(u)/log(v), the product of log(u) and
 * log(v)^-1 (simplify_fn.c): factor by factor it rounds four times, and
 * was 2.34 ulp off in double (log(7.58, 0.000229)) and 1.98 at 256 bits
 * against mpmath. Where e is that product of two float logs, both are
 * recomputed from the arguments the factors saw at LOGB_GUARD more bits
 * (MPFR's log, correctly rounded), divided, and rounded once: within 1 ulp
 * (the bound for composites), and correctly rounded but at about
 * one point in 2^60. Returns 1 when *out is set, 0 to leave e to the
 * plain product (an exact factor, a zero or non-finite log: the errors
 * and exact results stay as they were). */
static int log_quotient(Ctx *x, Val *out, const NbExpr *e, Val *const *a)
{
    if (e->kind != NB_MUL || e->n != 2)
        return 0;
    int i = e->args[0]->kind != NB_POW; /* the index of log(v)^-1 */
    const NbExpr *pw = e->args[i], *u = log_arg(e->args[1 - i]), *v;
    if (!u || pw->kind != NB_POW || pw->args[1]->kind != NB_NUM
        || mpq_cmp_si(pw->args[1]->u.q, -1, 1) != 0
        || !(v = log_arg(pw->args[0])) || a[0]->exact || a[1]->exact)
        return 0;
    const Val *vu = cache_find(x->c, u), *vv = cache_find(x->c, v);
    if (!vu || !vv)
        return 0;
    mpfr_prec_t p = is_mp(x) ? (mpfr_prec_t)x->prec : 53;
    mpfr_t tu, tv;
    mpfr_inits2(p, tu, tv, (mpfr_ptr)0);
    int ok = 1;
    if (is_mp(x))
        ok = !as_mpfr(x, vu, tu) && !as_mpfr(x, vv, tv);
    else {
        double du, dv;
        ok = !as_double(x, vu, &du) && !as_double(x, vv, &dv);
        if (ok) {
            mpfr_set_d(tu, du, MPFR_RNDN); /* exact */
            mpfr_set_d(tv, dv, MPFR_RNDN);
        }
    }
    if (!ok)
        nb_diag_clear(x->d); /* the plain path reports it */
    if (ok)
        ok = mpfr_regular_p(tu) && mpfr_regular_p(tv) && mpfr_sgn(tu) > 0
             && mpfr_sgn(tv) > 0 && mpfr_cmp_ui(tv, 1) != 0;
    if (ok) {
        mpfr_prec_t w = p + LOGB_GUARD;
        mpfr_prec_round(tu, w, MPFR_RNDN); /* exact: more bits */
        mpfr_prec_round(tv, w, MPFR_RNDN);
        mpfr_log(tu, tu, MPFR_RNDN);
        mpfr_log(tv, tv, MPFR_RNDN);
        mpfr_div(tu, tu, tv, MPFR_RNDN);
        out->exact = 0;
        if (is_mp(x)) {
            mpfr_init2(out->f, p);
            mpfr_set(out->f, tu, MPFR_RNDN);
        } else
            out->d = mpfr_get_d(tu, MPFR_RNDN);
    }
    mpfr_clears(tu, tv, (mpfr_ptr)0);
    return ok;
}

/* --- one node -------------------------------------------------------------- */

static int leaf(Ctx *x, Val *out, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
        set_exact(out, e->u.q);
        return 0;
    case NB_FLT:
        if (!is_mp(x))
            return float_result_d(x, out, mpfr_get_d(e->u.f, MPFR_RNDN));
        mpfr_init2(out->f, (mpfr_prec_t)x->prec);
        mpfr_set(out->f, e->u.f, MPFR_RNDN);
        if (mpfr_inf_p(out->f) && !mpfr_inf_p(e->u.f)) {
            mpfr_clear(out->f);
            return nb_diag_set(x->d, NB_ERR_OVERFLOW, "number too large "
                               "for the MPFR exponent range"), -1;
        }
        return 0;
    case NB_CONST:
        mpfr_init2(out->f, is_mp(x) ? (mpfr_prec_t)x->prec : HP_BITS);
        if (!is_mp(x)) {
            nb_const_mpfr((NbConstId)e->fn, out->f, MPFR_RNDN);
            out->hp = 1;
            return float_result_d(x, out, mpfr_get_d(out->f, MPFR_RNDN));
        }
        nb_const_mpfr((NbConstId)e->fn, out->f, MPFR_RNDN);
        return 0;
    case NB_SYM:
        return nb_diag_set(x->d, NB_ERR_UNKNOWN, "'%s' has no value",
                           e->u.name), -1;
    case NB_VEC:
        return nb_diag_set(x->d, NB_ERR_TYPE,
                           "a vector where a number is expected"), -1;
    default:
        return nb_diag_set(x->d, NB_ERR_TYPE,
                           "a string where a number is expected"), -1;
    }
}

static int compound(Ctx *x, Val *out, const NbExpr *e, Val *const *a)
{
    size_t n = e->n;
    if (e->kind == NB_FN) {
        const NbBuiltin *row = &nb_builtins[e->fn];
        if (all_exact(n, a) && exact_fn(out, e->fn, n, a))
            return 0;
        return is_mp(x) ? fn_mp(x, out, row, n, a) : fn_d(x, out, row, n, a);
    }
    if (log_quotient(x, out, e, a))
        return 0;
    if (all_exact(n, a)) {
        if (e->kind != NB_POW)
            return exact_sum_or_product(x, out, e->kind == NB_ADD, n, a);
        int done = exact_pow(x, out, a[0], a[1]);
        if (done)
            return done < 0 ? -1 : 0;
    }
    if (is_mp(x))
        return arith_mp(x, out, e->kind, n, a);
    if (hp_ok(n, a))
        return arith_hp(x, out, e->kind, n, a);
    return arith_d(x, out, e->kind, n, a);
}

static int is_compound(const NbExpr *e)
{
    return e->kind == NB_ADD || e->kind == NB_MUL || e->kind == NB_POW
           || e->kind == NB_FN;
}

/* Compute e, whose children are all in the cache. */
static int compute(Ctx *x, const NbExpr *e)
{
    if (nb_interrupted)
        return nb_diag_set(x->d, NB_ERR_INTERRUPTED, "interrupted"), -1;
    cache_reserve(x->c);
    if (!is_compound(e)) {
        Val tmp;
        memset(&tmp, 0, sizeof tmp);
        if (leaf(x, &tmp, e))
            return -1;
        Val *v = cache_new(x->c, e);
        tmp.key = v->key;
        *v = tmp;
        return 0;
    }
    Val *stackbuf[8];
    Val **a = e->n <= 8 ? stackbuf : nb_xmalloc(e->n * sizeof *a);
    for (size_t i = 0; i < e->n; i++)
        a[i] = cache_find(x->c, e->args[i]);
    Val tmp;
    memset(&tmp, 0, sizeof tmp);
    int rc = compound(x, &tmp, e, a);
    if (a != stackbuf)
        free(a);
    if (rc)
        return -1;
    Val *v = cache_new(x->c, e);
    tmp.key = v->key;
    *v = tmp;
    return 0;
}

/* Post-order walk with an explicit stack; an entry's low bit marks that its
 * children have been pushed. */
static int eval_dag(Ctx *x, const NbExpr *root)
{
    size_t cap = 64, sp = 0;
    uintptr_t *stack = nb_xmalloc(cap * sizeof *stack);
    int rc = 0;
    stack[sp++] = (uintptr_t)root;
    while (sp && !rc) {
        uintptr_t top = stack[sp - 1];
        const NbExpr *e = (const NbExpr *)(top & ~(uintptr_t)1);
        if (cache_find(x->c, e)) {
            sp--;
            continue;
        }
        if ((top & 1) || !is_compound(e)) {
            sp--;
            rc = compute(x, e);
            continue;
        }
        stack[sp - 1] |= 1;
        if (sp + e->n > cap) {
            cap = (sp + e->n) * 2;
            stack = nb_xrealloc(stack, cap * sizeof *stack);
        }
        for (size_t i = e->n; i-- > 0;)
            if (!cache_find(x->c, e->args[i]))
                stack[sp++] = (uintptr_t)e->args[i];
    }
    free(stack);
    return rc;
}

/* --- the public entry points ------------------------------------------ */

static const NbExpr *to_node(NbStore *st, Ctx *x, const Val *v,
                             int want_float)
{
    if (v->exact && !want_float)
        return nb_num_q(st, v->q);
    if (!is_mp(x)) {
        double r;
        if (as_double(x, v, &r))
            return NULL; /* an exact number past the double range */
        return nb_flt_double(st, r);
    }
    if (!v->exact)
        return nb_flt_mpfr(st, v->f);
    mpfr_t t;
    mpfr_init2(t, (mpfr_prec_t)x->prec);
    const NbExpr *r = q_to_mpfr(x, v->q, t) ? NULL : nb_flt_mpfr(st, t);
    mpfr_clear(t);
    return r;
}

int nb_prec_fits(int fn, long prec, NbDiag *d)
{
    const char *name;
    long max = nb_builtin_max_prec(fn, &name);
    if (prec == NB_PREC_DOUBLE || prec <= max)
        return 1;
    nb_diag_set(d, NB_ERR_PRECISION, "%s at %ld bits is refused: its cost "
                "grows faster than the square of the precision and ^C cannot "
                "stop it; at most %ld bits (%s)",
                nb_builtins[fn].name, prec, max, name);
    return 0;
}

/* Every call in e (a DAG: each node once) at prec bits. */
int nb_check_precision(const NbExpr *e, long prec, NbDiag *d)
{
    if (prec == NB_PREC_DOUBLE || prec <= NB_MAX_PREC_GAMMA)
        return 0; /* below every limit: no walk */
    size_t cap = 64, n = 0, seen_cap = 0, nseen = 0;
    const NbExpr **stack = nb_xmalloc(cap * sizeof *stack), **seen = NULL;
    int rc = 0;
    stack[n++] = e;
    while (n && rc == 0) {
        const NbExpr *x = stack[--n];
        if (x->n == 0)
            continue;
        size_t i = 0; /* a set of visited compounds: open addressing */
        if (seen_cap) {
            i = (x->id * 2654435761u) & (seen_cap - 1);
            while (seen[i] && seen[i] != x)
                i = (i + 1) & (seen_cap - 1);
            if (seen[i])
                continue;
        }
        if ((nseen + 1) * 2 > seen_cap) {
            size_t nc = seen_cap ? seen_cap * 2 : 64;
            const NbExpr **ns = nb_xcalloc(nc, sizeof *ns);
            for (size_t k = 0; k < seen_cap; k++)
                if (seen[k]) {
                    size_t j = (seen[k]->id * 2654435761u) & (nc - 1);
                    while (ns[j])
                        j = (j + 1) & (nc - 1);
                    ns[j] = seen[k];
                }
            free(seen);
            seen = ns;
            seen_cap = nc;
            i = (x->id * 2654435761u) & (seen_cap - 1);
            while (seen[i])
                i = (i + 1) & (seen_cap - 1);
        }
        seen[i] = x;
        nseen++;
        if (x->kind == NB_FN && !nb_prec_fits(x->fn, prec, d))
            rc = -1;
        for (uint32_t k = 0; k < x->n; k++) {
            if (n == cap) {
                cap *= 2;
                stack = nb_xrealloc(stack, cap * sizeof *stack);
            }
            stack[n++] = x->args[k];
        }
    }
    free(stack);
    free(seen);
    return rc;
}

static int prec_ok(long prec, NbDiag *d)
{
    if (prec == NB_PREC_DOUBLE
        || (prec >= NB_MIN_PRECISION && prec <= NB_MAX_PRECISION))
        return 1;
    nb_diag_set(d, NB_ERR_PRECISION,
                "precision must be between %d and %ld bits, or double",
                NB_MIN_PRECISION, (long)NB_MAX_PRECISION);
    return 0;
}

const NbExpr *nb_eval_cached(NbStore *st, NbEvalCache *c, const NbExpr *e,
                             long prec, int want_float, NbDiag *d)
{
    if (!prec_ok(prec, d))
        return NULL;
    if (c->prec != prec) {
        nb_eval_cache_clear(c);
        c->prec = prec;
    }
    if (e->kind == NB_VEC) {
        const NbExpr *buf[16];
        const NbExpr **el = e->n <= 16 ? buf : nb_xmalloc(e->n * sizeof *el);
        const NbExpr *r = NULL;
        size_t i;
        for (i = 0; i < e->n; i++)
            if (!(el[i] = nb_eval_cached(st, c, e->args[i], prec, want_float, d)))
                break;
        if (i == e->n)
            r = nb_vec(st, e->n, el);
        if (el != buf)
            free(el);
        return r;
    }
    if (e->kind == NB_STR)
        return e;
    Ctx x = {c, prec, d};
    NbExpRange range = nb_vm_range_enter(); /* the bound the VMs run in */
    const NbExpr *r = NULL;
    if (!eval_dag(&x, e))
        r = to_node(st, &x, cache_find(c, e), want_float);
    nb_vm_range_leave(range);
    return r;
}

const NbExpr *nb_eval_number(NbStore *st, const NbExpr *e, long prec,
                             NbDiag *d)
{
    NbEvalCache *c = nb_eval_cache_new();
    const NbExpr *r = nb_eval_cached(st, c, e, prec, 0, d);
    nb_eval_cache_free(c);
    return r;
}

const NbExpr *nb_eval_float(NbStore *st, const NbExpr *e, long prec,
                            NbDiag *d)
{
    NbEvalCache *c = nb_eval_cache_new();
    const NbExpr *r = nb_eval_cached(st, c, e, prec, 1, d);
    nb_eval_cache_free(c);
    return r;
}

int nb_eval_to_double(NbStore *st, const NbExpr *e, double *out, NbDiag *d)
{
    const NbExpr *r = nb_eval_float(st, e, NB_PREC_DOUBLE, d);
    if (!r)
        return -1;
    if (r->kind != NB_FLT)
        return nb_diag_set(d, NB_ERR_TYPE, "a number is expected"), -1;
    *out = mpfr_get_d(r->u.f, MPFR_RNDN);
    return 0;
}

int nb_eval_to_mpfr(NbStore *st, const NbExpr *e, mpfr_ptr r, NbDiag *d)
{
    const NbExpr *v = nb_eval_float(st, e, (long)mpfr_get_prec(r), d);
    if (!v)
        return -1;
    if (v->kind != NB_FLT)
        return nb_diag_set(d, NB_ERR_TYPE, "a number is expected"), -1;
    mpfr_set(r, v->u.f, MPFR_RNDN);
    return 0;
}
