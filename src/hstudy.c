/* hstudy.c — the error-versus-h study (SPEC §4; contract: numdiff.h).
 *
 * For each precision p and method, h is swept from hmax down to about the
 * epsilon of p; each quotient's error is measured against the exact
 * derivative: the symbolic f' compiled and run in MPFR at W = max(2p,
 * p + 128) bits, and again at W + 64 bits to check it (doubling W while the
 * two disagree). The observed optimum is set beside the prediction of the
 * truncation + rounding model, with eps = 2^(1-p) and each function value
 * off by at most eps*|f(x0)|:
 *
 *   forward/backward  E(h) = |f''| h/2 + 2 eps|f|/h
 *                     h* = 2 sqrt(eps|f|/|f''|),   E* = 2 sqrt(eps|f||f''|)
 *   central           E(h) = |f'''| h^2/6 + eps|f|/h
 *                     h* = cbrt(3 eps|f|/|f'''|),  E* = |f'''| h*^2/2
 *                        = (3^(2/3)/2) (eps|f|)^(2/3) |f'''|^(1/3)
 *   five-point        E(h) = |f^(5)| h^4/30 + (3/2) eps|f|/h
 *                     h* = (45 eps|f| / (4|f^(5)|))^(1/5),  E* = |f^(5)| h*^4/6
 *   complex-step      E(h) = |f'''| h^2/6 + eps|f'| (no cancellation): every
 *                     h below sqrt(6 eps|f'|/|f'''|) reaches E* = eps|f'|
 *
 * (setting dE/dh = 0 gives h*; at h* the rounding term is 1, 2 and 4 times
 * the truncation term respectively). The model does not apply where the
 * derivative it uses vanishes at x0 (x^2 has no central truncation error)
 * or where f(x0) = 0 (the rounding term is then |f'|h, not |f|); the study
 * says so in a note instead of predicting.
 */
#include "nabla/numdiff.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "nabla/print.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* numdiff.c, for the study only: quotients with the step as asked. */
int nb_nd_quotient_loose_d(const NbNdFunc *f, double x0, double h,
                           NbNdMethod m, double *value, NbDiag *d);
int nb_nd_quotient_loose_mpfr(const NbNdFunc *f, mpfr_srcptr x0,
                              mpfr_srcptr h, NbNdMethod m, mpfr_ptr value,
                              NbDiag *d);
int nb_nd_quotients_loose_d(const NbNdFunc *f, double x0, const double *h,
                            size_t nh, NbNdMethod m, double *value, int *ok);

#define NREF 5   /* f, f', f'', f''', f^(5) */

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort(); /* as GMP does on exhaustion */
    return p;
}

static char *xstrdup_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *xstrdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

/* Takes note; a note already there is not repeated. */
static void add_note(NbHstudy *hs, char *note)
{
    for (size_t i = 0; i < hs->nnotes; i++)
        if (strcmp(hs->notes[i], note) == 0) {
            free(note);
            return;
        }
    hs->notes = xrealloc(hs->notes, (hs->nnotes + 1) * sizeof *hs->notes);
    hs->notes[hs->nnotes++] = note;
}

void nb_hstudy_opts_default(NbHstudyOpts *o)
{
    memset(o, 0, sizeof *o);
    o->per_decade = 1;
    o->nprecs = 3;
    o->precs[0] = NB_PREC_DOUBLE;
    o->precs[1] = 113;
    o->precs[2] = 256;
}

void nb_hstudy_free(NbHstudy *hs)
{
    if (!hs)
        return;
    for (size_t i = 0; i < hs->nseries; i++) {
        NbHstudySeries *s = &hs->series[i];
        for (size_t r = 0; r < s->nrows; r++)
            free(s->rows[r].value);
        free(s->rows);
        free(s->note);
    }
    free(hs->series);
    for (size_t i = 0; i < hs->nnotes; i++)
        free(hs->notes[i]);
    free(hs->notes);
    free(hs->exact);
    memset(hs, 0, sizeof *hs);
}

/* ---- the reference ------------------------------------------------------- */

/* Study state for one precision: x0 at p bits and f, f', f'', f''', f^(5)
 * at x0 (the reference at W bits). */
typedef struct Ref {
    long bits;               /* p: 53 for double */
    mpfr_t x0;               /* at p bits */
    mpfr_t v[NREF];          /* at W bits */
    double vd[NREF];         /* as doubles, for the model */
    long w;                  /* bits the reference was checked at */
    int checked;             /* the two evaluations agreed */
} Ref;

/* The reference outputs at w bits into out[NREF]. */
static void ref_eval(const NbProgram *prog, mpfr_srcptr x0, long w,
                     mpfr_t *out)
{
    NbMpfrVm *vm = nb_mpfr_vm_new(prog, w);
    mpfr_ptr o[NREF];
    for (int k = 0; k < NREF; k++) {
        mpfr_set_prec(out[k], w);
        o[k] = out[k];
    }
    if (vm)
        nb_run_mpfr(vm, &x0, o);
    else
        for (int k = 0; k < NREF; k++)
            mpfr_set_nan(out[k]);
    nb_mpfr_vm_free(vm);
}

/* Do a and b (b at higher precision) agree to p + 20 bits? */
static int agree(mpfr_srcptr a, mpfr_srcptr b, long p)
{
    if (mpfr_nan_p(a) || mpfr_nan_p(b))
        return 0;
    if (mpfr_zero_p(b))
        return mpfr_zero_p(a);
    mpfr_t t;
    mpfr_init2(t, 64);
    mpfr_sub(t, a, b, MPFR_RNDN);
    mpfr_div(t, t, b, MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    int ok = mpfr_cmp_ui_2exp(t, 1, -(p + 20)) <= 0;
    mpfr_clear(t);
    return ok;
}

static int ref_init(Ref *r, NbStore *st, const NbProgram *prog,
                    const NbExpr *x0, long prec, NbDiag *d)
{
    r->bits = prec == NB_PREC_DOUBLE ? 53 : prec;
    mpfr_init2(r->x0, r->bits);
    for (int k = 0; k < NREF; k++)
        mpfr_init2(r->v[k], 64);
    if (nb_eval_to_mpfr(st, x0, r->x0, d))
        return -1;
    if (prec == NB_PREC_DOUBLE) /* the double nearest x0, as libm sees it */
        mpfr_set_d(r->x0, mpfr_get_d(r->x0, MPFR_RNDN), MPFR_RNDN);
    if (!mpfr_number_p(r->x0)) /* as nderiv: no study at nan or inf */
        return nb_diag_set(d, NB_ERR_DOMAIN, "x0 is not finite"), -1;
    long w = 2 * r->bits > r->bits + 128 ? 2 * r->bits : r->bits + 128;
    mpfr_t chk[NREF];
    for (int k = 0; k < NREF; k++)
        mpfr_init2(chk[k], 64);
    r->checked = 0;
    for (int tries = 0; tries < 4 && !r->checked; tries++, w *= 2) {
        ref_eval(prog, r->x0, w, r->v);
        ref_eval(prog, r->x0, w + 64, chk);
        r->checked = agree(r->v[1], chk[1], r->bits);
        r->w = w;
    }
    for (int k = 0; k < NREF; k++) {
        r->vd[k] = mpfr_get_d(r->v[k], MPFR_RNDN);
        mpfr_clear(chk[k]);
    }
    return 0;
}

static void ref_clear(Ref *r)
{
    mpfr_clear(r->x0);
    for (int k = 0; k < NREF; k++)
        mpfr_clear(r->v[k]);
}

/* ---- the model ----------------------------------------------------------- */

/* Is derivative value v zero for the model (exactly, or below what the
 * reference can resolve)? */
static int vanishes(const Ref *r, int k)
{
    double scale = fabs(r->vd[0]) + fabs(r->vd[1]) + 1;
    return !(fabs(r->vd[k]) > ldexp(scale, (int)-r->w + 16));
}

/* Predicted optimum of method m at precision r->bits, or a note saying why
 * the model does not apply. */
static void predict(const Ref *r, NbNdMethod m, NbHstudySeries *s)
{
    double eps = ldexp(1.0, 1 - (int)r->bits);
    double f = fabs(r->vd[0]), f1 = fabs(r->vd[1]);
    static const char *const dname[NREF] = {"f", "f'", "f''", "f'''",
                                            "f^(5)"};
    static const int uses[NB_ND__COUNT] = {2, 2, 3, 4, 0, 3}; /* ORDER NB_ND */
    int k = uses[m];
    s->predicted_h = s->predicted_error = NAN;
    if (m == NB_ND_RICHARDSON) {
        s->note = xstrdup_printf("richardson: h is its first step; it "
                                 "extrapolates from there (no model)");
        return;
    }
    if (vanishes(r, k)) {
        s->note = xstrdup_printf("%s: %s(x0) = 0, so the model (truncation "
                                 "error from %s) does not apply",
                                 nb_nd_method_name(m), dname[k], dname[k]);
        return;
    }
    double fk = fabs(r->vd[k]);
    if (m == NB_ND_COMPLEX_STEP) {
        s->predicted_h = sqrt(6 * eps * f1 / fk);
        s->predicted_error = eps * f1;
        return;
    }
    if (vanishes(r, 0)) {
        s->note = xstrdup_printf("%s: f(x0) = 0, so rounding scales with "
                                 "|f'|h and the model does not apply",
                                 nb_nd_method_name(m));
        return;
    }
    switch (m) {
    case NB_ND_FORWARD:
    case NB_ND_BACKWARD:
        s->predicted_h = 2 * sqrt(eps * f / fk);
        s->predicted_error = 2 * sqrt(eps * f * fk);
        break;
    case NB_ND_CENTRAL:
        s->predicted_h = cbrt(3 * eps * f / fk);
        s->predicted_error = fk * s->predicted_h * s->predicted_h / 2;
        break;
    default: /* five-point */
        s->predicted_h = pow(45 * eps * f / (4 * fk), 0.2);
        s->predicted_error = fk * pow(s->predicted_h, 4) / 6;
        break;
    }
}

/* ---- the sweep ----------------------------------------------------------- */

static long default_hmin_exp(long bits)
{
    /* about eps = 2^(1-p): 1e-16 for double, 1e-34 at 113, 1e-77 at 256 */
    return (long)floor((1 - bits) * log10(2.0));
}

/* The grid: hmax * 10^(-i/per_decade) down to hmin. Returns the count;
 * *hs (malloc'd) gets the steps as doubles (exact decimal strings are
 * rebuilt from them in MPFR: 1e-77 is a double too). */
static size_t grid(const NbHstudyOpts *o, long bits, double **hs)
{
    double hmax = o->hmax > 0 ? o->hmax : 0.1;
    double hmin = o->hmin > 0 ? o->hmin : pow(10, default_hmin_exp(bits));
    int pd = o->per_decade > 0 ? o->per_decade : 1;
    size_t n = 0, cap = 16;
    *hs = xrealloc(NULL, cap * sizeof **hs);
    for (long i = 0;; i++) {
        /* the decimal the user means: 0.1 * 10^-2 is the literal 1e-3 */
        char buf[40];
        snprintf(buf, sizeof buf, "%.15g", hmax * pow(10, -(double)i / pd));
        double h = strtod(buf, NULL);
        if (!(h >= hmin * (1 - 1e-9)) || n >= 100000)
            break;
        if (n == cap)
            *hs = xrealloc(*hs, (cap *= 2) * sizeof **hs);
        (*hs)[n++] = h;
    }
    return n;
}

/* h as an MPFR number at p bits: hmax * 10^(-i/pd) recomputed exactly
 * enough from its double (correct to about 16 digits, which is what the
 * grid means; the quotient uses the step actually taken anyway). */
static void h_mpfr(mpfr_ptr r, double h)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", h);
    mpfr_set_str(r, buf, 10, MPFR_RNDN);
}

/* One row: the quotient of m at h, its errors against the reference.
 * swept: the double quotient already computed with the others of its
 * sweep (ok: it did not fail), or NULL. */
static void one_row(const NbNdFunc *fn, const Ref *r, long prec, NbNdMethod m,
                    double h, const double *swept, int ok, int digits,
                    NbHstudyRow *row, int *undefined)
{
    NbDiag dd = NB_DIAG_INIT;
    mpfr_t v, e;
    long w = r->w;
    mpfr_init2(v, r->bits);
    mpfr_init2(e, w);
    int rc;
    row->h = h;
    if (prec == NB_PREC_DOUBLE) {
        double vd = swept ? *swept : 0;
        rc = swept ? (ok ? 0 : -1)
                   : nb_nd_quotient_loose_d(fn, mpfr_get_d(r->x0, MPFR_RNDN),
                                            h, m, &vd, &dd);
        if (rc == 0) {
            mpfr_set_d(v, vd, MPFR_RNDN);
            row->value = nb_format_double(vd, digits);
        }
    } else {
        mpfr_t hm;
        mpfr_init2(hm, r->bits);
        h_mpfr(hm, h);
        rc = nb_nd_quotient_loose_mpfr(fn, r->x0, hm, m, v, &dd);
        mpfr_clear(hm);
        if (rc == 0)
            row->value = nb_format_mpfr(v, digits);
    }
    if (rc == 0 && mpfr_number_p(v)) {
        mpfr_sub(e, v, r->v[1], MPFR_RNDN);
        mpfr_abs(e, e, MPFR_RNDN);
        row->abs_error = mpfr_get_d(e, MPFR_RNDU);
        if (mpfr_zero_p(r->v[1])) {
            row->rel_error = NAN;
        } else {
            mpfr_div(e, e, r->v[1], MPFR_RNDN);
            row->rel_error = fabs(mpfr_get_d(e, MPFR_RNDU));
        }
    } else {
        free(row->value);
        row->value = xstrdup_printf("undefined");
        row->abs_error = row->rel_error = NAN;
        *undefined = 1;
    }
    nb_diag_clear(&dd);
    mpfr_clear(v);
    mpfr_clear(e);
}

static void observe(NbHstudySeries *s)
{
    s->best_h = s->best_error = NAN;
    for (size_t i = 0; i < s->nrows; i++) {
        double e = s->rows[i].abs_error;
        if (isfinite(e) && !(e >= s->best_error)) {
            s->best_error = e;
            s->best_h = s->rows[i].h;
        }
    }
}

/* Notes comparing what was observed with the model. */
static void compare(NbHstudy *hs, const NbHstudySeries *s)
{
    if (!isfinite(s->predicted_h) || !isfinite(s->best_h) ||
        s->method == NB_ND_COMPLEX_STEP)
        return;
    char pn[24];
    if (s->prec == NB_PREC_DOUBLE)
        snprintf(pn, sizeof pn, "double");
    else
        snprintf(pn, sizeof pn, "%ld bits", s->prec);
    double dec = fabs(log10(s->best_h / s->predicted_h));
    if (dec > 1.0 + 1e-9)
        add_note(hs, xstrdup_printf("%s %s: observed best h is %.1f decades "
                 "from the predicted h*", pn, nb_nd_method_name(s->method),
                 dec));
    if (s->best_error < s->predicted_error / 10)
        add_note(hs, xstrdup_printf("%s %s: the best error is %.0fx below "
                 "the model's: truncation and rounding errors partly cancel "
                 "at that h (a finer grid, per_decade=, shows how narrow "
                 "that is)", pn, nb_nd_method_name(s->method),
                 s->predicted_error / s->best_error));
}

static int run_prec(NbHstudy *hs, const NbProgram *pf, const NbProgram *pref,
                    NbStore *st, const NbExpr *x0, long prec,
                    const NbHstudyOpts *o, unsigned methods, NbDiag *d)
{
    Ref r;
    if (ref_init(&r, st, pref, x0, prec, d)) {
        ref_clear(&r);
        return -1;
    }
    if (!r.checked)
        add_note(hs, xstrdup_printf("the exact derivative did not settle "
                 "at %ld bits: errors below about 2^-%ld may be wrong",
                 r.w, r.bits + 20));
    if (r.w > hs->ref_bits) { /* shown at the highest precision studied */
        mpfr_t ex;
        mpfr_init2(ex, r.bits);
        mpfr_set(ex, r.v[1], MPFR_RNDN);
        hs->ref_bits = r.w;
        free(hs->exact);
        hs->exact = nb_format_mpfr(ex, 0);
        hs->exact_d = r.vd[1];
        mpfr_clear(ex);
    }
    NbNdProg *np = nb_nd_prog_new(pf, NULL, (mpfr_srcptr[]){r.x0});
    const NbNdFunc *fn = nb_nd_prog_func(np);
    double *hv;
    size_t nh = grid(o, r.bits, &hv);
    int rc = 0;
    for (int m = 0; m < NB_ND__COUNT && rc == 0; m++) {
        if (!(methods & (1u << m)))
            continue;
        if (m == NB_ND_COMPLEX_STEP && !fn->eval_c)
            continue; /* the caller has said why */
        hs->series = xrealloc(hs->series,
                              (hs->nseries + 1) * sizeof *hs->series);
        NbHstudySeries *s = &hs->series[hs->nseries++];
        memset(s, 0, sizeof *s);
        s->prec = prec;
        s->method = (NbNdMethod)m;
        s->rows = xrealloc(NULL, nh * sizeof *s->rows);
        int undefined = 0;
        /* a double sweep of a stencil method: all its nodes in one block
         * evaluation */
        double *swept = xrealloc(NULL, nh * sizeof *swept);
        int *ok = xrealloc(NULL, nh * sizeof *ok);
        int batch = prec == NB_PREC_DOUBLE &&
                    nb_nd_quotients_loose_d(fn, mpfr_get_d(r.x0, MPFR_RNDN),
                                            hv, nh, (NbNdMethod)m, swept,
                                            ok) == 0;
        for (size_t i = 0; i < nh; i++) {
            if (nb_interrupted) {
                nb_diag_set(d, NB_ERR_INTERRUPTED, "interrupted");
                rc = -1;
                break;
            }
            memset(&s->rows[i], 0, sizeof s->rows[i]);
            one_row(fn, &r, prec, (NbNdMethod)m, hv[i],
                    batch ? &swept[i] : NULL, batch && ok[i], o->digits,
                    &s->rows[i], &undefined);
            s->nrows++;
        }
        free(swept);
        free(ok);
        observe(s);
        predict(&r, (NbNdMethod)m, s);
        compare(hs, s);
        if (undefined)
            add_note(hs, xstrdup_printf("%s: the function is not finite at "
                     "some nodes x0 +- k*h (rows marked undefined)",
                     nb_nd_method_name((NbNdMethod)m)));
    }
    free(hv);
    nb_nd_prog_free(np);
    ref_clear(&r);
    return rc;
}

/* f, f', f'', f''', f^(5): f'''' is only a step on the way. */
static int derivatives(NbStore *st, const NbExpr *f, const NbExpr *var,
                       const NbExpr **out, NbDiag *d)
{
    const NbExpr *e = f;
    out[0] = f;
    for (int k = 1; k <= 5; k++) {
        if (!(e = nb_diff(st, e, var, d)))
            return -1;
        if (k != 4)
            out[k < 4 ? k : 4] = e;
    }
    return 0;
}

int nb_hstudy_run(NbStore *st, const NbExpr *f, const NbExpr *var,
                  const NbExpr *x0, const NbHstudyOpts *o, NbHstudy *out,
                  NbDiag *d)
{
    memset(out, 0, sizeof *out);
    NbHstudyOpts def;
    if (!o) {
        nb_hstudy_opts_default(&def);
        o = &def;
    }
    const NbExpr *ders[NREF];
    if (derivatives(st, f, var, ders, d))
        return -1;
    NbProgram *pf = nb_compile(st, 1, &f, 1, &var, d);
    NbProgram *pref = pf ? nb_compile(st, NREF, ders, 1, &var, d) : NULL;
    int rc = pf && pref ? 0 : -1;
    unsigned methods = o->methods ? o->methods : (1u << NB_ND__COUNT) - 1;
    if (rc == 0 && (methods & (1u << NB_ND_COMPLEX_STEP)) &&
        !nb_program_is_analytic(pf))
        add_note(out, xstrdup_printf("complex-step skipped: the function "
                 "has no analytic extension"));
    size_t np = o->nprecs ? o->nprecs : 3;
    static const long defprecs[3] = {NB_PREC_DOUBLE, 113, 256};
    for (size_t i = 0; i < np && rc == 0; i++)
        rc = run_prec(out, pf, pref, st, x0,
                      o->nprecs ? o->precs[i] : defprecs[i], o, methods, d);
    nb_program_free(pref);
    nb_program_free(pf);
    return rc;
}
