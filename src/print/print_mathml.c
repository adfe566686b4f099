/* print_mathml.c — expressions as MathML presentation markup (contract:
 * print.h), for the symbolic results of a page (SPEC §11).
 *
 * The same display tree as the infix and LaTeX printers (print_arrange.c:
 * terms in reading order, common factors pulled out), so the formula a
 * browser draws reads like the text beside it. The layout rules follow
 * print_latex.c one for one: <mfrac> where LaTeX writes \frac (quotients
 * and rational coefficients), <msup> powers with rational exponents as
 * fractions, <msqrt> roots, factors juxtaposed with an invisible times (a
 * middle dot between two numbers), Greek variable names as letters, a
 * suffix after '_' as a subscript, matrices as an <mtable> in brackets.
 *
 * Built-ins are spelled by their row (builtins.h), as in LaTeX and C: the
 * row's MathML template where a call is not a name applied (e to the
 * power, | |, ⌊ ⌋, ⌈ ⌉, <mroot>), else the name of its LaTeX spelling
 * (arcsin, ln, σ, Γ) or its own name, upright, with an invisible function
 * application. No built-in is named here.
 *
 * Every name is an identifier ([A-Za-z0-9_]) and every number is digits,
 * signs and letters; strings are the only text a user chose, and they are
 * escaped. Operators are written as characters, not entities (the page is
 * UTF-8): − is U+2212, the invisible times U+2062, function application
 * U+2061.
 */
#include "nabla/limits.h"
#include "nabla/print.h"
#include "print/print_internal.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "nabla/builtins.h"

enum { LV_SUM = 1, LV_PROD = 2, LV_POW = 4, LV_ATOM = 5 };

#define MINUS "<mo>\xe2\x88\x92</mo>"          /* U+2212 */
#define TIMES "<mo>\xe2\x81\xa2</mo>"          /* U+2062 invisible times */
#define APPLY "<mo>\xe2\x81\xa1</mo>"          /* U+2061 function application */
#define CDOT "<mo>\xc2\xb7</mo>"               /* U+00B7 */
#define OUT_MAX_DEPTH NB_MAX_PRINT_DEPTH

typedef struct Out {
    NbBuf b;
    NbTextCache nums; /* large numbers written so far */
    const NbPrintOpts *opts;
    int depth;
} Out;

static void emit(Out *o, const NbExpr *e, int minlevel);

static int q_is(const NbExpr *e, long num, unsigned long den)
{
    return e->kind == NB_NUM && mpz_cmp_ui(mpq_denref(e->u.q), den) == 0
           && mpz_cmp_si(mpq_numref(e->u.q), num) == 0;
}

/* A factor written below the fraction bar: as print_latex.c decides. */
static int is_den_power(const NbExpr *f)
{
    if (f->kind != NB_POW || f->args[1]->kind != NB_NUM)
        return 0;
    const NbExpr *k = f->args[1];
    return mpq_sgn(k->u.q) < 0 && !nb_is_zero(f->args[0])
           && (mpz_cmp_ui(mpq_denref(k->u.q), 1) == 0 || q_is(k, -1, 2)
               || f->args[0]->kind != NB_SYM);
}

static void open_paren(Out *o) { nb_buf_put(&o->b, "<mrow><mo>(</mo>"); }
static void close_paren(Out *o) { nb_buf_put(&o->b, "<mo>)</mo></mrow>"); }

/* --- numbers ----------------------------------------------------------- */

/* Number text ("2.5", "1e-08", "inf") as MathML: 1.5e-8 as 1.5·10⁻⁸. */
static void put_numtext(NbBuf *b, const char *s)
{
    int neg = s[0] == '-';
    if (neg) {
        nb_buf_put(b, MINUS);
        s++;
    }
    if (strcmp(s, "inf") == 0) {
        nb_buf_put(b, "<mi mathvariant=\"normal\">\xe2\x88\x9e</mi>");
        return;
    }
    if (strcmp(s, "nan") == 0) {
        nb_buf_put(b, "<mi mathvariant=\"normal\">NaN</mi>");
        return;
    }
    const char *e = strchr(s, 'e');
    if (!e) {
        nb_buf_printf(b, "<mn>%s</mn>", s);
        return;
    }
    if (!(e - s == 1 && s[0] == '1'))
        nb_buf_printf(b, "<mn>%.*s</mn>" CDOT, (int)(e - s), s);
    const char *x = e + 1;
    if (*x == '+')
        x++;
    nb_buf_put(b, "<msup><mn>10</mn><mrow>");
    if (*x == '-') {
        nb_buf_put(b, MINUS);
        x++;
    }
    nb_buf_printf(b, "<mn>%s</mn></mrow></msup>", x);
}

/* A rational: an integer or decimal as <mn>, else a fraction when frac
 * (exponents, coefficients), else p/q as the infix form writes it. */
static void put_q(Out *o, const mpq_t q, int frac)
{
    NbBuf *b = &o->b;
    int owned, own_d;
    if (!frac || mpz_cmp_ui(mpq_denref(q), 1) == 0) {
        const char *s = nb_q_text(&o->b, &o->nums, q, NB_QT_PLAIN, &owned);
        int plain = !strchr(s, '/');
        if (plain)
            put_numtext(b, s);
        if (owned)
            free((char *)s);
        if (plain)
            return;
    }
    const char *ns = nb_q_text(&o->b, &o->nums, q, NB_QT_ABSNUM, &owned);
    const char *ds = nb_q_text(&o->b, &o->nums, q, NB_QT_DEN, &own_d);
    if (mpq_sgn(q) < 0)
        nb_buf_put(b, MINUS);
    nb_buf_printf(b, "<mfrac><mn>%s</mn><mn>%s</mn></mfrac>", ns, ds);
    if (owned)
        free((char *)ns);
    if (own_d)
        free((char *)ds);
}

static void put_number(Out *o, const NbExpr *e, int absval)
{
    if (e->kind == NB_NUM) {
        mpq_t a;
        mpq_init(a);
        mpq_set(a, e->u.q);
        if (absval)
            mpq_abs(a, a);
        put_q(o, a, 0);
        mpq_clear(a);
        return;
    }
    int digits = o->opts ? o->opts->digits : 0;
    char *s = e->is_double ? nb_format_double(mpfr_get_d(e->u.f, MPFR_RNDN), digits)
                           : nb_format_mpfr(e->u.f, digits);
    put_numtext(&o->b, absval && s[0] == '-' ? s + 1 : s);
    free(s);
}

/* --- levels: when a subexpression needs parentheses --------------------- */

/* A call the row spells with a superscript (e^x): it binds as a power. */
static int binds_as_power(const NbExpr *e)
{
    const char *t = nb_builtins[e->fn].mathml;
    return t && strncmp(t, "<msup>", 6) == 0;
}

static int level_of(const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
        if (mpq_sgn(e->u.q) < 0)
            return LV_PROD;
        return mpz_cmp_ui(mpq_denref(e->u.q), 1) == 0 ? LV_ATOM : LV_PROD;
    case NB_FLT:
        return mpfr_signbit(e->u.f) && !mpfr_nan_p(e->u.f) ? LV_PROD : LV_ATOM;
    case NB_ADD: return LV_SUM;
    case NB_MUL: return LV_PROD;
    case NB_POW:
        if (q_is(e->args[1], 1, 2))
            return LV_ATOM;
        return is_den_power(e) ? LV_PROD : LV_POW;
    case NB_FN:
        return binds_as_power(e) ? LV_POW : LV_ATOM;
    default: return LV_ATOM;
    }
}

/* --- leaves ------------------------------------------------------------ */

/* Greek names and their letters (UTF-8), as print_latex.c's list. */
static const char *const greek[][2] = {
    {"alpha", "α"}, {"beta", "β"}, {"gamma", "γ"}, {"delta", "δ"},
    {"epsilon", "ε"}, {"zeta", "ζ"}, {"eta", "η"}, {"theta", "θ"},
    {"iota", "ι"}, {"kappa", "κ"}, {"lambda", "λ"}, {"mu", "μ"},
    {"nu", "ν"}, {"xi", "ξ"}, {"pi", "π"}, {"rho", "ρ"}, {"sigma", "σ"},
    {"tau", "τ"}, {"upsilon", "υ"}, {"phi", "φ"}, {"chi", "χ"},
    {"psi", "ψ"}, {"omega", "ω"}, {"Gamma", "Γ"}, {"Delta", "Δ"},
    {"Theta", "Θ"}, {"Lambda", "Λ"}, {"Xi", "Ξ"}, {"Pi", "Π"},
    {"Sigma", "Σ"}, {"Phi", "Φ"}, {"Psi", "Ψ"}, {"Omega", "Ω"},
    {NULL, NULL}};

/* The letter named by the n bytes at name ("alpha": α), or NULL. */
static const char *greek_letter(const char *name, size_t n)
{
    for (int i = 0; greek[i][0]; i++)
        if (strlen(greek[i][0]) == n && strncmp(greek[i][0], name, n) == 0)
            return greek[i][1];
    return NULL;
}

/* x, alpha as α, w_1 as w with subscript 1. */
static void put_name(NbBuf *b, const char *name)
{
    const char *us = strchr(name, '_');
    size_t n = us ? (size_t)(us - name) : strlen(name);
    const char *letter = greek_letter(name, n);
    int sub = us && us[1];
    if (sub)
        nb_buf_put(b, "<msub>");
    if (letter)
        nb_buf_printf(b, "<mi>%s</mi>", letter);
    else
        nb_buf_printf(b, "<mi>%.*s</mi>", (int)n, name);
    if (sub)
        nb_buf_printf(b, "<mi>%s</mi></msub>", us + 1);
}

/* A string as <ms>, escaped. */
static void put_string(NbBuf *b, const char *s)
{
    nb_buf_put(b, "<ms>");
    for (; *s; s++) {
        switch (*s) {
        case '&': nb_buf_put(b, "&amp;"); break;
        case '<': nb_buf_put(b, "&lt;"); break;
        case '>': nb_buf_put(b, "&gt;"); break;
        case '"': nb_buf_put(b, "&quot;"); break;
        case '\'': nb_buf_put(b, "&#39;"); break;
        default: nb_buf_putc(b, *s);
        }
    }
    nb_buf_put(b, "</ms>");
}

static void emit_leaf(Out *o, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
    case NB_FLT: put_number(o, e, 0); break;
    case NB_CONST:
        nb_buf_put(&o->b, e->fn == NB_CONST_PI ? "<mi>π</mi>" : "<mi>e</mi>");
        break;
    case NB_SYM: put_name(&o->b, e->u.name); break;
    case NB_STR: put_string(&o->b, e->u.name); break;
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
        nb_buf_put(&o->b, "<msqrt>");
        emit(o, base, LV_SUM);
        nb_buf_put(&o->b, "</msqrt>");
        return;
    }
    nb_buf_put(&o->b, "<msup><mrow>");
    emit(o, base, LV_ATOM);
    nb_buf_put(&o->b, "</mrow><mrow>");
    put_q(o, k, 1);
    nb_buf_put(&o->b, "</mrow></msup>");
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
        nb_buf_put(&o->b, "<mfrac><mn>1</mn><mrow>");
        emit_pow_q(o, base, a);
        nb_buf_put(&o->b, "</mrow></mfrac>");
        mpq_clear(a);
        return;
    }
    nb_buf_put(&o->b, "<msup><mrow>");
    emit(o, base, LV_ATOM);
    nb_buf_put(&o->b, "</mrow><mrow>");
    if (k->kind == NB_NUM)
        put_q(o, k->u.q, 1);
    else
        emit(o, k, LV_SUM);
    nb_buf_put(&o->b, "</mrow></msup>");
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

/* Between two factors: a middle dot before a number, else invisible
 * (with a thin space before a call, as TeX sets x sin x, but none before
 * a superscript: x e^x). */
static void put_sep(Out *o, int first, const NbExpr *next)
{
    if (first)
        return;
    if (next && (next->kind == NB_NUM || next->kind == NB_FLT))
        nb_buf_put(&o->b, CDOT);
    else if (next && next->kind == NB_FN && !binds_as_power(next))
        nb_buf_put(&o->b, TIMES "<mspace width=\"0.17em\"/>");
    else
        nb_buf_put(&o->b, TIMES);
}

static void put_z(Out *o, const mpz_t z)
{
    int owned;
    const char *s = nb_q_text(&o->b, &o->nums, z, NB_QT_Z, &owned);
    nb_buf_printf(&o->b, "<mn>%s</mn>", s);
    if (owned)
        free((char *)s);
}

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
        emit(o, p->num[i], LV_POW);
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

/* The layout of print_latex.c's emit_mul, with <mfrac> for \frac. */
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
    nb_buf_put(&o->b, "<mrow>");
    if (neg)
        nb_buf_put(&o->b, MINUS);
    if (prefix_frac) {
        put_q(o, c, 1);
        if (p.nnum || p.flt)
            put_sep(o, 0, p.flt ? p.flt : p.num[0]);
    }
    if (!items) {
        emit_numerator(o, c, &p, with_a);
    } else {
        nb_buf_put(&o->b, "<mfrac><mrow>");
        emit_numerator(o, c, &p, with_a);
        nb_buf_put(&o->b, "</mrow><mrow>");
        emit_den_items(o, c, &p, qden);
        nb_buf_put(&o->b, "</mrow></mfrac>");
    }
    nb_buf_put(&o->b, "</mrow>");
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
    nb_buf_put(&o->b, "<mrow>");
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *t = e->args[i];
        int neg = nb_display_negative(t);
        if (i)
            nb_buf_put(&o->b, neg ? MINUS : "<mo>+</mo>");
        emit_term(o, t, i && neg);
    }
    nb_buf_put(&o->b, "</mrow>");
}

static void emit_args(Out *o, const NbExpr *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        if (i)
            nb_buf_put(&o->b, "<mo>,</mo>");
        emit(o, e->args[i], LV_SUM);
    }
}

/* The row's MathML template (builtins.h): markup with $0 and $1 for the
 * arguments. */
static void emit_template(Out *o, const NbExpr *e, const char *t)
{
    for (; *t; t++) {
        if (*t == '$' && (t[1] == '0' || t[1] == '1')) {
            unsigned i = (unsigned)(t[1] - '0');
            if (i < e->n)
                emit(o, e->args[i], LV_SUM);
            t++;
        } else {
            nb_buf_putc(&o->b, *t);
        }
    }
}

/* The name a plain LaTeX spelling shows, upright: "\\arcsin" arcsin,
 * "\\operatorname{sgn}" sgn, "\\Gamma" Γ. 0 for any other spelling
 * (a template, a subscript as in "\\log_{2}") or none. */
static int put_latex_word(NbBuf *b, const char *t)
{
    static const char op[] = "\\operatorname{";
    if (!t || t[0] != '\\')
        return 0;
    int braced = strncmp(t, op, sizeof op - 1) == 0;
    const char *w = braced ? t + sizeof op - 1 : t + 1;
    size_t n = 0;
    while ((w[n] >= 'a' && w[n] <= 'z') || (w[n] >= 'A' && w[n] <= 'Z'))
        n++;
    if (n == 0 || strcmp(w + n, braced ? "}" : "") != 0)
        return 0;
    const char *letter = braced ? NULL : greek_letter(w, n);
    if (letter)
        nb_buf_printf(b, "<mi>%s</mi>", letter);
    else
        nb_buf_printf(b, "<mi>%.*s</mi>", (int)n, w);
    return 1;
}

/* A call as its row spells it: the MathML template, else the name (from
 * the LaTeX spelling where that is a plain name) applied to the
 * parenthesised arguments. */
static void emit_fn(Out *o, const NbExpr *e)
{
    const NbBuiltin *row = &nb_builtins[e->fn];
    if (row->mathml) {
        emit_template(o, e, row->mathml);
        return;
    }
    nb_buf_put(&o->b, "<mrow>");
    if (!put_latex_word(&o->b, row->latex))
        nb_buf_printf(&o->b, "<mi>%s</mi>", row->name);
    nb_buf_put(&o->b, APPLY);
    open_paren(o);
    emit_args(o, e);
    close_paren(o);
    nb_buf_put(&o->b, "</mrow>");
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
    nb_buf_put(&o->b, "<mrow><mo>[</mo>");
    if (!is_matrix(e)) {
        emit_args(o, e);
    } else {
        nb_buf_put(&o->b, "<mtable>");
        for (uint32_t i = 0; i < e->n; i++) {
            const NbExpr *row = e->args[i];
            nb_buf_put(&o->b, "<mtr>");
            for (uint32_t j = 0; j < row->n; j++) {
                nb_buf_put(&o->b, "<mtd>");
                emit(o, row->args[j], LV_SUM);
                nb_buf_put(&o->b, "</mtd>");
            }
            nb_buf_put(&o->b, "</mtr>");
        }
        nb_buf_put(&o->b, "</mtable>");
    }
    nb_buf_put(&o->b, "<mo>]</mo></mrow>");
}

static void emit(Out *o, const NbExpr *e, int minlevel)
{
    if (o->b.full)
        return;
    if (o->depth >= OUT_MAX_DEPTH) {
        nb_buf_put(&o->b, "<mi>…</mi>");
        return;
    }
    o->depth++;
    int paren = level_of(e) < minlevel;
    if (paren)
        open_paren(o);
    switch (e->kind) {
    case NB_ADD: emit_add(o, e); break;
    case NB_MUL: emit_mul(o, e, 0); break;
    case NB_POW: emit_pow(o, e); break;
    case NB_FN: emit_fn(o, e); break;
    case NB_VEC: emit_vec(o, e); break;
    default: emit_leaf(o, e); break;
    }
    if (paren)
        close_paren(o);
    o->depth--;
}

char *nb_print_mathml(const NbExpr *e, const NbPrintOpts *opts)
{
    NbDisplay *dp = nb_display_new(1);
    Out o = {.opts = opts};
    nb_buf_put(&o.b, "<mrow>");
    emit(&o, nb_display(dp, e), LV_SUM);
    nb_buf_put(&o.b, "</mrow>");
    nb_display_free(dp);
    nb_text_cache_free(&o.nums);
    return nb_buf_finish(&o.b);
}
