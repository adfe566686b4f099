/* print_latex.c — expressions as LaTeX and as C (contract: print.h).
 *
 * Both render the display tree of print_arrange.c (terms in reading order,
 * common factors pulled out), so LaTeX reads like the infix form and C code
 * evaluates shared factors once.
 *
 * LaTeX: \frac{}{} for quotients and rational coefficients, ^{...} powers,
 * \sqrt{}, \sin, \ln, e^{...} for exp, \left( \right) parentheses, factors
 * juxtaposed (\cdot between two numbers), Greek variable names as letters,
 * other multi-letter names in \mathrm, matrices as bmatrix.
 *
 * C: doubles and <math.h>: small integer powers of a variable as products
 * (x*x*x), others pow(); sqrt for ^(1/2). Each built-in is spelled as its
 * row says (builtins.h: sec as 1.0/cos(...), heaviside as a conditional
 * with nabla's conventions, softplus in an overflow-free form), in LaTeX
 * and in C. Numbers are written with the digits that read back to the
 * same double.
 */
#include "nabla/limits.h"
#include "nabla/print.h"
#include "print/print_internal.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nabla/builtins.h"

enum { LV_SUM = 1, LV_PROD = 2, LV_POW = 4, LV_ATOM = 5 };

typedef struct Out {
    NbBuf b;
    NbTextCache nums; /* large numbers written so far */
    const NbPrintOpts *opts;
    int depth;
    int c;        /* 1: C, 0: LaTeX */
} Out;

#define OUT_MAX_DEPTH NB_MAX_PRINT_DEPTH

static void emit(Out *o, const NbExpr *e, int minlevel);

static int q_is(const NbExpr *e, long num, unsigned long den)
{
    return e->kind == NB_NUM && mpz_cmp_ui(mpq_denref(e->u.q), den) == 0
           && mpz_cmp_si(mpq_numref(e->u.q), num) == 0;
}

static int is_den_power(const NbExpr *f)
{
    if (f->kind != NB_POW || f->args[1]->kind != NB_NUM)
        return 0;
    const NbExpr *k = f->args[1];
    return mpq_sgn(k->u.q) < 0 && !nb_is_zero(f->args[0])
           && (mpz_cmp_ui(mpq_denref(k->u.q), 1) == 0 || q_is(k, -1, 2)
               || f->args[0]->kind != NB_SYM);
}

/* --- numbers ----------------------------------------------------------- */

/* A double as a C literal that reads back to the same double. */
static void put_c_double(NbBuf *b, double v)
{
    if (isnan(v)) {
        nb_buf_put(b, "NAN");
        return;
    }
    if (isinf(v)) {
        nb_buf_put(b, v < 0 ? "-HUGE_VAL" : "HUGE_VAL");
        return;
    }
    char *s = nb_format_double(v, 0);
    nb_buf_put(b, s);
    if (!strpbrk(s, ".e"))
        nb_buf_put(b, ".0");
    free(s);
}

static double q_to_double(const mpq_t q)
{
    mpfr_t f;
    mpfr_init2(f, 53);
    mpfr_set_q(f, q, MPFR_RNDN);
    double v = mpfr_get_d(f, MPFR_RNDN);
    mpfr_clear(f);
    return v;
}

/* "d.ddde-E" -> "d.ddd \cdot 10^{-E}" */
static void put_latex_numtext(NbBuf *b, const char *s)
{
    if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0) {
        nb_buf_put(b, s[0] == '-' ? "-\\infty" : "\\infty");
        return;
    }
    if (strcmp(s, "nan") == 0) {
        nb_buf_put(b, "\\mathrm{NaN}");
        return;
    }
    const char *e = strchr(s, 'e');
    if (!e) {
        nb_buf_put(b, s);
        return;
    }
    if (!(e - s == 1 && s[0] == '1'))
        nb_buf_putn(b, s, (size_t)(e - s)), nb_buf_put(b, " \\cdot ");
    nb_buf_printf(b, "10^{%s}", e + 1);
}

static void put_q_latex(Out *o, const mpq_t q, int frac)
{
    NbBuf *b = &o->b;
    int owned, own_d;
    if (!frac || mpz_cmp_ui(mpq_denref(q), 1) == 0) {
        const char *s = nb_q_text(&o->b, &o->nums, q, NB_QT_PLAIN, &owned);
        int plain = !strchr(s, '/');
        if (plain)
            put_latex_numtext(b, s);
        if (owned)
            free((char *)s);
        if (plain)
            return;
    }
    const char *ns = nb_q_text(&o->b, &o->nums, q, NB_QT_ABSNUM, &owned);
    const char *ds = nb_q_text(&o->b, &o->nums, q, NB_QT_DEN, &own_d);
    nb_buf_printf(b, "%s\\frac{%s}{%s}", mpq_sgn(q) < 0 ? "-" : "", ns, ds);
    if (owned)
        free((char *)ns);
    if (own_d)
        free((char *)ds);
}

static char *float_text(const NbExpr *e, const NbPrintOpts *o)
{
    int digits = o ? o->digits : 0;
    if (e->is_double)
        return nb_format_double(mpfr_get_d(e->u.f, MPFR_RNDN), digits);
    return nb_format_mpfr(e->u.f, digits);
}

static void put_number(Out *o, const NbExpr *e, int absval)
{
    if (e->kind == NB_NUM) {
        mpq_t a;
        mpq_init(a);
        mpq_set(a, e->u.q);
        if (absval)
            mpq_abs(a, a);
        if (o->c)
            put_c_double(&o->b, q_to_double(a));
        else
            put_q_latex(o, a, 0);
        mpq_clear(a);
        return;
    }
    if (o->c) {
        double v = mpfr_get_d(e->u.f, MPFR_RNDN);
        put_c_double(&o->b, absval ? fabs(v) : v);
        return;
    }
    char *s = float_text(e, o->opts);
    put_latex_numtext(&o->b, absval && s[0] == '-' ? s + 1 : s);
    free(s);
}

/* --- levels ------------------------------------------------------------ */

static int is_small_int_pow(const NbExpr *e)
{
    if (e->kind != NB_POW || e->args[1]->kind != NB_NUM)
        return 0;
    const mpq_t *k = &e->args[1]->u.q;
    return mpz_cmp_ui(mpq_denref(*k), 1) == 0 && mpz_cmpabs_ui(mpq_numref(*k), 4) <= 0
           && e->args[0]->kind == NB_SYM;
}

static int level_of(Out *o, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
        if (mpq_sgn(e->u.q) < 0)
            return LV_PROD;
        return o->c || mpz_cmp_ui(mpq_denref(e->u.q), 1) == 0 ? LV_ATOM
                                                               : LV_PROD;
    case NB_FLT:
        return mpfr_signbit(e->u.f) && !mpfr_nan_p(e->u.f) ? LV_PROD : LV_ATOM;
    case NB_ADD: return LV_SUM;
    case NB_MUL: return LV_PROD;
    case NB_POW:
        if (q_is(e->args[1], 1, 2))
            return LV_ATOM;
        if (is_den_power(e))
            return LV_PROD;
        if (o->c)
            return is_small_int_pow(e) ? LV_PROD : LV_ATOM;
        return LV_POW;
    case NB_FN:
        /* a spelling with a superscript (e^{x}) binds as a power */
        return !o->c && nb_builtins[e->fn].latex
                       && strstr(nb_builtins[e->fn].latex, "^{")
                   ? LV_POW : LV_ATOM;
    default: return LV_ATOM;
    }
}

static void open_paren(Out *o) { nb_buf_put(&o->b, o->c ? "(" : "\\left("); }
static void close_paren(Out *o) { nb_buf_put(&o->b, o->c ? ")" : "\\right)"); }

/* --- leaves ------------------------------------------------------------ */

static const char *const greek[] = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
    "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
    "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega", NULL};

static void put_latex_name(NbBuf *b, const char *name)
{
    const char *us = strchr(name, '_');
    size_t n = us ? (size_t)(us - name) : strlen(name);
    int is_greek = 0;
    for (int i = 0; greek[i]; i++)
        if (strlen(greek[i]) == n && strncmp(greek[i], name, n) == 0)
            is_greek = 1;
    if (is_greek) {
        nb_buf_putc(b, '\\');
        nb_buf_putn(b, name, n);
    } else if (n == 1) {
        nb_buf_putn(b, name, n);
    } else {
        nb_buf_put(b, "\\mathrm{");
        for (size_t i = 0; i < n; i++)
            nb_buf_putc(b, name[i]);
        nb_buf_putc(b, '}');
    }
    if (us && us[1]) {
        nb_buf_put(b, "_{");
        for (const char *s = us + 1; *s; s++) {
            if (*s == '_')
                nb_buf_put(b, "\\_");
            else
                nb_buf_putc(b, *s);
        }
        nb_buf_putc(b, '}');
    }
}

static void put_latex_string(NbBuf *b, const char *s)
{
    nb_buf_put(b, "\\text{``");
    for (; *s; s++) {
        if (strchr("#$%&_{}", *s))
            nb_buf_putc(b, '\\');
        if (*s == '\\')
            nb_buf_put(b, "\\textbackslash{}");
        else if (*s == '^')
            nb_buf_put(b, "\\textasciicircum{}");
        else if (*s == '~')
            nb_buf_put(b, "\\textasciitilde{}");
        else
            nb_buf_putc(b, *s);
    }
    nb_buf_put(b, "''}");
}

/* A C string literal: quotes and backslashes escaped, control bytes in
 * octal (three digits, so a digit after one is not taken into it). */
static void put_c_string(NbBuf *b, const char *s)
{
    nb_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            nb_buf_putc(b, '\\'), nb_buf_putc(b, (char)c);
        else if (c < 0x20 || c == 0x7f)
            nb_buf_printf(b, "\\%03o", c);
        else
            nb_buf_putc(b, (char)c);
    }
    nb_buf_putc(b, '"');
}

static void emit_leaf(Out *o, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
    case NB_FLT: put_number(o, e, 0); break;
    case NB_CONST:
        if (o->c)
            nb_buf_put(&o->b, e->fn == NB_CONST_PI ? "3.141592653589793"
                                                   : "2.718281828459045");
        else
            nb_buf_put(&o->b, e->fn == NB_CONST_PI ? "\\pi" : "e");
        break;
    case NB_SYM:
        if (o->c)
            nb_buf_put(&o->b, e->u.name);
        else
            put_latex_name(&o->b, e->u.name);
        break;
    case NB_STR:
        if (o->c)
            put_c_string(&o->b, e->u.name);
        else
            put_latex_string(&o->b, e->u.name);
        break;
    default: break;
    }
}

/* --- powers ------------------------------------------------------------ */

/* base^k for rational k > 0. */
static void emit_pow_q(Out *o, const NbExpr *base, const mpq_t k)
{
    if (mpq_cmp_ui(k, 1, 1) == 0) {
        emit(o, base, LV_POW);
        return;
    }
    if (mpq_cmp_ui(k, 1, 2) == 0) {
        nb_buf_put(&o->b, o->c ? "sqrt(" : "\\sqrt{");
        emit(o, base, LV_SUM);
        nb_buf_put(&o->b, o->c ? ")" : "}");
        return;
    }
    int is_int = mpz_cmp_ui(mpq_denref(k), 1) == 0;
    if (o->c && is_int && mpz_cmp_ui(mpq_numref(k), 4) <= 0
        && base->kind == NB_SYM) {
        unsigned long n = mpz_get_ui(mpq_numref(k));
        for (unsigned long i = 0; i < n; i++) {
            if (i)
                nb_buf_putc(&o->b, '*');
            nb_buf_put(&o->b, base->u.name);
        }
        return;
    }
    if (o->c) {
        nb_buf_put(&o->b, "pow(");
        emit(o, base, LV_SUM);
        nb_buf_put(&o->b, ", ");
        put_c_double(&o->b, q_to_double(k));
        nb_buf_putc(&o->b, ')');
        return;
    }
    emit(o, base, LV_ATOM);
    nb_buf_put(&o->b, "^{");
    put_q_latex(o, k, 1);
    nb_buf_putc(&o->b, '}');
}

static void emit_pow(Out *o, const NbExpr *e)
{
    const NbExpr *base = e->args[0], *k = e->args[1];
    if (k->kind == NB_NUM && mpq_sgn(k->u.q) > 0) {
        emit_pow_q(o, base, k->u.q);
        return;
    }
    if (is_den_power(e)) {
        mpq_t a;
        mpq_init(a);
        mpq_neg(a, k->u.q);
        if (o->c) {
            nb_buf_put(&o->b, "1.0/");
            if (mpq_cmp_ui(a, 1, 1) == 0)
                emit(o, base, LV_ATOM);
            else if (is_small_int_pow(e) || mpq_cmp_ui(a, 1, 2) != 0) {
                open_paren(o);
                emit_pow_q(o, base, a);
                close_paren(o);
            } else {
                emit_pow_q(o, base, a);
            }
        } else {
            nb_buf_put(&o->b, "\\frac{1}{");
            emit_pow_q(o, base, a);
            nb_buf_putc(&o->b, '}');
        }
        mpq_clear(a);
        return;
    }
    if (o->c) {
        nb_buf_put(&o->b, "pow(");
        emit(o, base, LV_SUM);
        nb_buf_put(&o->b, ", ");
        emit(o, k, LV_SUM);
        nb_buf_putc(&o->b, ')');
        return;
    }
    emit(o, base, LV_ATOM);
    nb_buf_put(&o->b, "^{");
    if (k->kind == NB_NUM)
        put_q_latex(o, k->u.q, 1);   /* exponents as fractions */
    else
        emit(o, k, LV_SUM);
    nb_buf_putc(&o->b, '}');
}

/* --- products ------------------------------------------------------------ */

static int cmp_class(const void *a, const void *b)
{
    const NbExpr *x = *(const NbExpr *const *)a, *y = *(const NbExpr *const *)b;
    int cx = nb_factor_class(x), cy = nb_factor_class(y);
    if (cx != cy)
        return cx - cy;
    if (cx == 2) {
        const NbExpr *bx = x->kind == NB_POW ? x->args[0] : x;
        const NbExpr *by = y->kind == NB_POW ? y->args[0] : y;
        int c = strcmp(bx->u.name, by->u.name);
        if (c)
            return c;
    }
    return nb_expr_cmp(x, y);
}

typedef struct Parts {
    const NbExpr **num, **den;
    size_t nnum, nden;
    int odd;
    const NbExpr *flt;
} Parts;

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

static void put_sep(Out *o, int first, const NbExpr *next)
{
    if (first)
        return;
    if (o->c)
        nb_buf_putc(&o->b, '*');
    else if (next && (next->kind == NB_NUM || next->kind == NB_FLT))
        nb_buf_put(&o->b, " \\cdot ");
    else
        nb_buf_putc(&o->b, ' ');
}

static void put_z(Out *o, const mpz_t z)
{
    if (o->c) {
        mpq_t q;
        mpq_init(q);
        mpq_set_z(q, z);
        put_c_double(&o->b, q_to_double(q));
        mpq_clear(q);
        return;
    }
    int owned;
    const char *s = nb_q_text(&o->b, &o->nums, z, NB_QT_Z, &owned);
    nb_buf_put(&o->b, s);
    if (owned)
        free((char *)s);
}

/* Numerator: [a][flt] factors; first tracks whether anything was written. */
static void emit_numerator(Out *o, const mpq_t c, const Parts *p, int with_a)
{
    int first = 1;
    if (with_a) {
        put_z(o, mpq_numref(c));
        first = 0;
    }
    if (p->flt) {
        put_sep(o, first, p->flt);
        put_number(o, p->flt, 1);
        first = 0;
    }
    for (size_t i = 0; i < p->nnum; i++) {
        put_sep(o, first, p->num[i]);
        /* C's x*x chains need no parentheses inside a product */
        emit(o, p->num[i], o->c && is_small_int_pow(p->num[i]) ? LV_PROD : LV_POW);
        first = 0;
    }
}

static void emit_den_items(Out *o, const mpq_t c, const Parts *p, int qden)
{
    int first = 1;
    if (qden) {
        put_z(o, mpq_denref(c));
        first = 0;
    }
    for (size_t i = 0; i < p->nden; i++) {
        put_sep(o, first, NULL);
        mpq_t a;
        mpq_init(a);
        mpq_neg(a, p->den[i]->args[1]->u.q);
        emit_pow_q(o, p->den[i]->args[0], a);
        mpq_clear(a);
        first = 0;
    }
}

/* Same layout rules as the infix printer (print.c), with \frac in LaTeX. */
static void emit_mul(Out *o, const NbExpr *e, int negate)
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
    size_t items = p.nden + (size_t)qden;
    if (neg)
        nb_buf_putc(&o->b, '-');
    if (prefix_frac) {
        if (o->c)
            put_c_double(&o->b, q_to_double(c));
        else
            put_q_latex(o, c, 1);
        if (p.nnum || p.flt)
            put_sep(o, 0, p.flt ? p.flt : p.num[0]);
    }
    if (!items || o->c) {
        emit_numerator(o, c, &p, with_a);
        if (items) {
            /* C writes x^2 as x*x: a lone x^-2 still needs (x*x) */
            int par = items > 1
                      || (p.nden == 1 && is_small_int_pow(p.den[0])
                          && !q_is(p.den[0]->args[1], -1, 1));
            nb_buf_putc(&o->b, '/');
            if (par)
                open_paren(o);
            emit_den_items(o, c, &p, qden);
            if (par)
                close_paren(o);
        }
    } else {
        nb_buf_put(&o->b, "\\frac{");
        emit_numerator(o, c, &p, with_a);
        nb_buf_put(&o->b, "}{");
        emit_den_items(o, c, &p, qden);
        nb_buf_putc(&o->b, '}');
    }
    free(p.num);
    free(p.den);
    mpq_clear(c);
}

/* --- sums, calls, vectors --------------------------------------------- */

static void emit_term(Out *o, const NbExpr *t, int negate)
{
    if (t->kind == NB_MUL) {
        emit_mul(o, t, negate);
        return;
    }
    if (negate && (t->kind == NB_NUM || t->kind == NB_FLT)) {
        put_number(o, t, 1);
        return;
    }
    emit(o, t, LV_SUM + 1);
}

static void emit_add(Out *o, const NbExpr *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *t = e->args[i];
        int neg = nb_display_negative(t);
        if (i)
            nb_buf_put(&o->b, neg ? " - " : " + ");
        emit_term(o, t, i && neg);
    }
}

static void emit_args(Out *o, const NbExpr *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        if (i)
            nb_buf_put(&o->b, ", ");
        emit(o, e->args[i], LV_SUM);
    }
}

/* A spelling of the row (builtins.h): a template with $0, $1 for the
 * arguments and $-0 for the negated first argument, or a plain name
 * followed by the parenthesised arguments. */
static int is_template(const char *t) { return t && strchr(t, '$'); }

static void emit_negated(Out *o, const NbExpr *a);

static void emit_template(Out *o, const NbExpr *e, const char *t)
{
    for (; *t; t++) {
        if (*t == '$' && t[1] == '-' && t[2] == '0') {
            emit_negated(o, e->args[0]);
            t += 2;
        } else if (*t == '$' && (t[1] == '0' || t[1] == '1')) {
            unsigned i = (unsigned)(t[1] - '0');
            if (i < e->n)
                emit(o, e->args[i], LV_SUM);
            t++;
        } else {
            nb_buf_putc(&o->b, *t);
        }
    }
}

static void emit_fn_latex(Out *o, const NbExpr *e)
{
    const char *name = nb_builtins[e->fn].latex;
    if (is_template(name)) {
        emit_template(o, e, name);
        return;
    }
    if (name)
        nb_buf_put(&o->b, name);
    else
        nb_buf_printf(&o->b, "\\operatorname{%s}", nb_builtins[e->fn].name);
    open_paren(o);
    emit_args(o, e);
    close_paren(o);
}

/* -(a) with the sign folded into a negative term: sigmoid(-x) is
 * 1.0/(1.0 + exp(x)), not exp(-(-x)). */
static void emit_negated(Out *o, const NbExpr *a)
{
    if (nb_display_negative(a) && (a->kind == NB_MUL || a->kind == NB_NUM
                                   || a->kind == NB_FLT)) {
        emit_term(o, a, 1);
        return;
    }
    nb_buf_put(&o->b, "-(");
    emit(o, a, LV_SUM);
    nb_buf_putc(&o->b, ')');
}

static void emit_fn_c(Out *o, const NbExpr *e)
{
    const char *t = nb_builtins[e->fn].c;
    if (is_template(t)) {
        emit_template(o, e, t);
        return;
    }
    nb_buf_put(&o->b, t ? t : nb_builtins[e->fn].name);
    nb_buf_putc(&o->b, '(');
    emit_args(o, e);
    nb_buf_putc(&o->b, ')');
}

static int is_matrix(const NbExpr *e)
{
    if (e->n == 0)
        return 0;
    for (uint32_t i = 0; i < e->n; i++)
        if (e->args[i]->kind != NB_VEC || e->args[i]->n != e->args[0]->n)
            return 0;
    return 1;
}

static void emit_vec(Out *o, const NbExpr *e)
{
    if (o->c) {
        nb_buf_putc(&o->b, '{');
        emit_args(o, e);
        nb_buf_putc(&o->b, '}');
        return;
    }
    if (!is_matrix(e)) {
        nb_buf_put(&o->b, "\\left[");
        emit_args(o, e);
        nb_buf_put(&o->b, "\\right]");
        return;
    }
    nb_buf_put(&o->b, "\\begin{bmatrix}");
    for (uint32_t i = 0; i < e->n; i++) {
        if (i)
            nb_buf_put(&o->b, " \\\\");
        const NbExpr *row = e->args[i];
        for (uint32_t j = 0; j < row->n; j++) {
            nb_buf_put(&o->b, j ? " & " : " ");
            emit(o, row->args[j], LV_SUM);
        }
    }
    nb_buf_put(&o->b, " \\end{bmatrix}");
}

static void emit(Out *o, const NbExpr *e, int minlevel)
{
    if (o->b.full)
        return;
    if (o->depth >= OUT_MAX_DEPTH) {
        nb_buf_put(&o->b, "...");
        return;
    }
    o->depth++;
    int paren = level_of(o, e) < minlevel;
    if (paren)
        open_paren(o);
    switch (e->kind) {
    case NB_ADD: emit_add(o, e); break;
    case NB_MUL: emit_mul(o, e, 0); break;
    case NB_POW: emit_pow(o, e); break;
    case NB_FN:
        if (o->c)
            emit_fn_c(o, e);
        else
            emit_fn_latex(o, e);
        break;
    case NB_VEC: emit_vec(o, e); break;
    default: emit_leaf(o, e); break;
    }
    if (paren)
        close_paren(o);
    o->depth--;
}

static char *print_out(const NbExpr *e, const NbPrintOpts *opts, int c)
{
    NbDisplay *dp = nb_display_new(1);
    Out o = {.opts = opts, .c = c};
    emit(&o, nb_display(dp, e), LV_SUM);
    nb_display_free(dp);
    nb_text_cache_free(&o.nums);
    return nb_buf_finish(&o.b);
}

char *nb_print_latex(const NbExpr *e, const NbPrintOpts *opts)
{
    return print_out(e, opts, 0);
}

char *nb_print_c(const NbExpr *e)
{
    return print_out(e, NULL, 1);
}
