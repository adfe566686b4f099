/* hstudy.c — the error-versus-h study (SPEC §4; contract: numdiff.h).
 *
 * For each precision p and method, h is swept from hmax down to about the
 * epsilon of p over a grid of decimals (grid_step: the very numbers the h
 * column prints, rounded once to p for the quotient, as nderiv rounds its
 * h=; about NB_HSTUDY_ROWS rows a method at any p, the study within
 * NB_MAX_HSTUDY_ROWS and NB_MAX_HSTUDY_BITS); steps, errors and the model
 * are MPFR numbers, since at 4096 bits they go to 1e-1233, far below the
 * range of doubles. Each quotient's error is measured against the exact
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
#include "nabla/limits.h"
#include "util/alloc.h"

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

/* Takes note; a note already there is not repeated. */
static void add_note(NbHstudy *hs, char *note)
{
    for (size_t i = 0; i < hs->nnotes; i++)
        if (strcmp(hs->notes[i], note) == 0) {
            free(note);
            return;
        }
    hs->notes = nb_xrealloc(hs->notes, (hs->nnotes + 1) * sizeof *hs->notes);
    hs->notes[hs->nnotes++] = note;
}

void nb_hstudy_opts_default(NbHstudyOpts *o)
{
    memset(o, 0, sizeof *o);
    o->lg_hmin = NAN;
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
        for (size_t r = 0; r < s->nrows; r++) {
            free(s->rows[r].value);
            free(s->rows[r].h_text);
            free(s->rows[r].abs_text);
            free(s->rows[r].rel_text);
        }
        free(s->rows);
        free(s->note);
        free(s->best_h_text);
        free(s->best_error_text);
        free(s->predicted_h_text);
        free(s->predicted_error_text);
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

/* The model's numbers, and the errors compared to find the best h, are
 * MPFR numbers of MP bits: at 4096 bits eps is 2^-4095 and errors reach
 * 1e-1233, far below the range of doubles. */
#define MP 64

/* Is derivative k zero for the model (exactly, or below what the
 * reference can resolve: |v| < 2^(16 - w) (|f| + |f'| + 1))? */
static int vanishes(const Ref *r, int k)
{
    mpfr_srcptr v = r->v[k];
    if (!mpfr_regular_p(v))
        return 1; /* zero, or not a number: no model either way */
    mpfr_t sc, t;
    mpfr_inits2(MP, sc, t, (mpfr_ptr)0);
    mpfr_abs(sc, r->v[0], MPFR_RNDU);
    mpfr_abs(t, r->v[1], MPFR_RNDU);
    mpfr_add(sc, sc, t, MPFR_RNDU);
    mpfr_add_ui(sc, sc, 1, MPFR_RNDU);
    mpfr_abs(t, v, MPFR_RNDN);
    mpfr_mul_2si(sc, sc, 16 - r->w, MPFR_RNDN);
    int small = !mpfr_number_p(sc) || mpfr_cmp(t, sc) <= 0;
    mpfr_clears(sc, t, (mpfr_ptr)0);
    return small;
}

/* Predicted optimum of method m at precision r->bits into ph, pe (NaN
 * where the model does not apply: then a note in s says why). */
static void predict(const Ref *r, NbNdMethod m, NbHstudySeries *s,
                    mpfr_ptr ph, mpfr_ptr pe)
{
    static const char *const dname[NREF] = {"f", "f'", "f''", "f'''",
                                            "f^(5)"};
    static const int uses[NB_ND__COUNT] = {2, 2, 3, 4, 0, 3}; /* ORDER NB_ND */
    int k = uses[m];
    mpfr_set_nan(ph);
    mpfr_set_nan(pe);
    if (m == NB_ND_RICHARDSON) {
        s->note = nb_xasprintf("richardson: h is its first step; it "
                                 "extrapolates from there (no model)");
        return;
    }
    if (vanishes(r, k)) {
        s->note = nb_xasprintf("%s: %s(x0) = 0, so the model (truncation "
                                 "error from %s) does not apply",
                                 nb_nd_method_name(m), dname[k], dname[k]);
        return;
    }
    if (m != NB_ND_COMPLEX_STEP && vanishes(r, 0)) {
        s->note = nb_xasprintf("%s: f(x0) = 0, so rounding scales with "
                                 "|f'|h and the model does not apply",
                                 nb_nd_method_name(m));
        return;
    }
    mpfr_t ef, fk, t; /* ef = eps |f| (|f'| for the complex step) */
    mpfr_inits2(MP, ef, fk, t, (mpfr_ptr)0);
    mpfr_abs(ef, r->v[m == NB_ND_COMPLEX_STEP ? 1 : 0], MPFR_RNDN);
    mpfr_mul_2si(ef, ef, 1 - r->bits, MPFR_RNDN);
    mpfr_abs(fk, r->v[k], MPFR_RNDN);
    switch (m) {
    case NB_ND_FORWARD:
    case NB_ND_BACKWARD:       /* h* = 2 sqrt(ef/fk), E* = 2 sqrt(ef fk) */
        mpfr_div(t, ef, fk, MPFR_RNDN);
        mpfr_sqrt(ph, t, MPFR_RNDN);
        mpfr_mul_2ui(ph, ph, 1, MPFR_RNDN);
        mpfr_mul(t, ef, fk, MPFR_RNDN);
        mpfr_sqrt(pe, t, MPFR_RNDN);
        mpfr_mul_2ui(pe, pe, 1, MPFR_RNDN);
        break;
    case NB_ND_CENTRAL:        /* h* = cbrt(3 ef/fk), E* = fk h*^2/2 */
        mpfr_mul_ui(t, ef, 3, MPFR_RNDN);
        mpfr_div(t, t, fk, MPFR_RNDN);
        mpfr_cbrt(ph, t, MPFR_RNDN);
        mpfr_sqr(pe, ph, MPFR_RNDN);
        mpfr_mul(pe, pe, fk, MPFR_RNDN);
        mpfr_div_2ui(pe, pe, 1, MPFR_RNDN);
        break;
    case NB_ND_FIVE_POINT:     /* h* = (45 ef/(4 fk))^(1/5), E* = fk h*^4/6 */
        mpfr_mul_ui(t, ef, 45, MPFR_RNDN);
        mpfr_div(t, t, fk, MPFR_RNDN);
        mpfr_div_2ui(t, t, 2, MPFR_RNDN);
        mpfr_rootn_ui(ph, t, 5, MPFR_RNDN);
        mpfr_pow_ui(pe, ph, 4, MPFR_RNDN);
        mpfr_mul(pe, pe, fk, MPFR_RNDN);
        mpfr_div_ui(pe, pe, 6, MPFR_RNDN);
        break;
    default:                   /* complex step: below sqrt(6 ef/fk), E* = ef */
        mpfr_mul_ui(t, ef, 6, MPFR_RNDN);
        mpfr_div(t, t, fk, MPFR_RNDN);
        mpfr_sqrt(ph, t, MPFR_RNDN);
        mpfr_set(pe, ef, MPFR_RNDN);
        break;
    }
    mpfr_clears(ef, fk, t, (mpfr_ptr)0);
}

/* ---- the grid ------------------------------------------------------------ */

static long default_hmin_exp(long bits)
{
    /* about eps = 2^(1-p): 1e-16 for double, 1e-34 at 113, 1e-77 at 256 */
    return (long)floor((1 - bits) * log10(2.0));
}

/* The steps of one precision: decimals as text (see NbHstudyOpts). */
typedef struct Grid {
    double lg_max, lg_min;   /* log10 of the first and the smallest step */
    int pd;                  /* rows per decade ... */
    long k;                  /* ... of k decades */
    int digits;              /* significant digits of every step */
    double m0;               /* hmax = m0 * 10^e0, 1 <= m0 < 10 */
    long e0;
} Grid;

/* Significant digits of x's shortest decimal, at least 3. */
static int sig_digits(double x)
{
    char buf[40];
    for (int d = 3; d < 17; d++) {
        snprintf(buf, sizeof buf, "%.*e", d - 1, x);
        if (strtod(buf, NULL) == x)
            return d;
    }
    return 17;
}

static void grid_init(Grid *g, const NbHstudyOpts *o, long bits)
{
    double hmax = o->hmax > 0 ? o->hmax : 0.1;
    char buf[40];
    g->digits = sig_digits(hmax);
    snprintf(buf, sizeof buf, "%.*e", g->digits - 1, hmax);
    char *e = strchr(buf, 'e');
    g->e0 = strtol(e + 1, NULL, 10);
    *e = '\0';
    g->m0 = strtod(buf, NULL);
    g->lg_max = log10(g->m0) + (double)g->e0;
    g->lg_min = !isnan(o->lg_hmin) ? o->lg_hmin
                : o->hmin > 0 ? log10(o->hmin)
                : (double)default_hmin_exp(bits);
    g->pd = o->per_decade > 0 ? o->per_decade : 1;
    g->k = 1;
    double decades = g->lg_max - g->lg_min;
    if (o->per_decade <= 0 && decades > NB_HSTUDY_ROWS)
        g->k = (long)ceil(decades / NB_HSTUDY_ROWS - 1e-9);
}

/* How many rows the grid has (the last step may be a hair below hmin:
 * the decimals are rounded). */
static double grid_count(const Grid *g)
{
    double span = g->lg_max - g->lg_min;
    return span < -1e-9 ? 0 : floor(span * g->pd / (double)g->k + 1e-9) + 1;
}

/* Step i as text: m0 * 10^(e0 - i*k/pd) rounded to g->digits significant
 * digits, written as nb_format_double writes numbers (0.001, 1e-5,
 * 4.64e-7); *lg gets its log10. */
static char *grid_step(const Grid *g, long i, double *lg)
{
    long q = i * g->k / g->pd, rm = i * g->k % g->pd;
    double m = g->m0 * pow(10, -(double)rm / g->pd);
    long e = g->e0 - q;
    if (m < 1) {
        m *= 10;
        e--;
    }
    char buf[40], out[64];
    snprintf(buf, sizeof buf, "%.*e", g->digits - 1, m);
    char *ep = strchr(buf, 'e');
    e += strtol(ep + 1, NULL, 10); /* 9.996 rounds to 1.00e+01 */
    *ep = '\0';
    *lg = log10(strtod(buf, NULL)) + (double)e;
    char digs[24];
    size_t n = 0, k = 0;
    for (const char *p = buf; *p; p++)
        if (*p >= '0' && *p <= '9')
            digs[n++] = *p;
    while (n > 1 && digs[n - 1] == '0')
        n--;
    if (e < -4 || e >= 15) { /* 4.64e-7 */
        out[k++] = digs[0];
        if (n > 1)
            out[k++] = '.';
        for (size_t j = 1; j < n; j++)
            out[k++] = digs[j];
        snprintf(out + k, sizeof out - k, "e%ld", e);
        return nb_xasprintf("%s", out);
    }
    if (e < 0) {             /* 0.00464 */
        out[k++] = '0';
        out[k++] = '.';
        for (long z = 0; z < -e - 1; z++)
            out[k++] = '0';
    }
    for (size_t j = 0; j < n || (long)j <= e; j++) { /* 4640, 4.64 */
        if (e >= 0 && (long)j == e + 1)
            out[k++] = '.';
        out[k++] = j < n ? digs[j] : '0';
    }
    out[k] = '\0';
    return nb_xasprintf("%s", out);
}

/* ---- the sweep ----------------------------------------------------------- */

/* e as a double for the NbHstudy doubles: 0 below their range. */
static double small_d(mpfr_srcptr e, mpfr_rnd_t rnd)
{
    if (mpfr_regular_p(e) && mpfr_get_exp(e) < -1000)
        return 0;
    return mpfr_get_d(e, rnd);
}

/* One row: the quotient of m at the step htext, its errors against the
 * reference. swept: the double quotient already computed with the others
 * of its sweep (ok: it did not fail), or NULL. err gets the absolute error
 * (NaN when the quotient is undefined). */
static void one_row(const NbNdFunc *fn, const Ref *r, long prec, NbNdMethod m,
                    char *htext, const double *swept, int ok, int digits,
                    NbHstudyRow *row, mpfr_ptr err, int *undefined)
{
    NbDiag dd = NB_DIAG_INIT;
    mpfr_t v, e;
    mpfr_init2(v, r->bits);
    mpfr_init2(e, r->w);
    int rc;
    row->h_text = htext;
    row->h = strtod(htext, NULL);
    if (prec == NB_PREC_DOUBLE) {
        double vd = swept ? *swept : 0;
        rc = swept ? (ok ? 0 : -1)
                   : nb_nd_quotient_loose_d(fn, mpfr_get_d(r->x0, MPFR_RNDN),
                                            row->h, m, &vd, &dd);
        if (rc == 0) {
            mpfr_set_d(v, vd, MPFR_RNDN);
            row->value = nb_format_double(vd, digits);
        }
    } else {
        mpfr_t hm;
        mpfr_init2(hm, r->bits);
        mpfr_set_str(hm, htext, 10, MPFR_RNDN); /* as nderiv rounds h= */
        rc = nb_nd_quotient_loose_mpfr(fn, r->x0, hm, m, v, &dd);
        mpfr_clear(hm);
        if (rc == 0)
            row->value = nb_format_mpfr(v, digits);
    }
    mpfr_set_nan(err);
    if (rc == 0 && mpfr_number_p(v)) {
        mpfr_sub(e, v, r->v[1], MPFR_RNDN);
        mpfr_abs(e, e, MPFR_RNDN);
        mpfr_set(err, e, MPFR_RNDU);
        row->abs_error = small_d(e, MPFR_RNDU);
        row->abs_text = nb_format_mpfr(err, 3);
        if (mpfr_zero_p(r->v[1])) {
            row->rel_error = NAN;
        } else {
            mpfr_div(e, e, r->v[1], MPFR_RNDN);
            mpfr_abs(e, e, MPFR_RNDN);
            row->rel_error = small_d(e, MPFR_RNDU);
            mpfr_prec_round(e, MP, MPFR_RNDU);
            row->rel_text = nb_format_mpfr(e, 3);
        }
    } else {
        free(row->value);
        row->value = nb_xasprintf("undefined");
        row->abs_error = row->rel_error = NAN;
        *undefined = 1;
    }
    nb_diag_clear(&dd);
    mpfr_clear(v);
    mpfr_clear(e);
}

static char *mp_text(mpfr_srcptr x)
{
    return mpfr_number_p(x) ? nb_format_mpfr(x, 3) : NULL;
}

/* log10 of the decimal s, or of x. */
static double lg_of(mpfr_srcptr x)
{
    mpfr_t t;
    mpfr_init2(t, MP);
    mpfr_abs(t, x, MPFR_RNDN);
    mpfr_log10(t, t, MPFR_RNDN);
    double v = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return v;
}

/* The series' summary from the best row (best: its index, or -1) and the
 * prediction ph, pe; notes comparing what was observed with the model.
 * step: decades between rows (a coarse grid is not a decade off). */
static void summarize(NbHstudy *hs, NbHstudySeries *s, long best,
                      mpfr_srcptr berr, mpfr_srcptr ph, mpfr_srcptr pe,
                      double step)
{
    s->best_h = s->best_error = NAN;
    if (best >= 0) {
        const NbHstudyRow *row = &s->rows[best];
        s->best_h = row->h;
        s->best_error = row->abs_error;
        s->best_h_text = nb_xasprintf("%s", row->h_text);
        s->best_error_text = nb_xasprintf("%s", row->abs_text);
    }
    s->predicted_h = mpfr_number_p(ph) ? small_d(ph, MPFR_RNDN) : NAN;
    s->predicted_error = mpfr_number_p(pe) ? small_d(pe, MPFR_RNDN) : NAN;
    s->predicted_h_text = mp_text(ph);
    s->predicted_error_text = mp_text(pe);
    if (best < 0 || !mpfr_number_p(ph) || s->method == NB_ND_COMPLEX_STEP)
        return;
    char pn[24];
    if (s->prec == NB_PREC_DOUBLE)
        snprintf(pn, sizeof pn, "double");
    else
        snprintf(pn, sizeof pn, "%ld bits", s->prec);
    mpfr_t hb;
    mpfr_init2(hb, MP);
    mpfr_set_str(hb, s->rows[best].h_text, 10, MPFR_RNDN);
    double dec = fabs(lg_of(hb) - lg_of(ph));
    mpfr_clear(hb);
    if (dec > fmax(1.0, step / 2) + 1e-9)
        add_note(hs, nb_xasprintf("%s %s: observed best h is %.1f decades "
                 "from the predicted h*", pn, nb_nd_method_name(s->method),
                 dec));
    if (mpfr_regular_p(berr)) {
        double below = lg_of(pe) - lg_of(berr);
        if (below > 1)
            add_note(hs, nb_xasprintf("%s %s: the best error is %.*gx "
                     "below the model's: truncation and rounding errors "
                     "partly cancel at that h (a finer grid, per_decade=, "
                     "shows how narrow that is)", pn,
                     nb_nd_method_name(s->method), below < 15 ? 15 : 3,
                     below < 15 ? floor(pow(10, below) + 0.5)
                                : pow(10, below)));
    }
}

/* Progress over the whole study. */
typedef struct Tally {
    const NbHstudyOpts *o;
    long done, total;
} Tally;

/* The rows of one series into s; -1 with d set when interrupted. */
static int sweep(NbHstudy *hs, NbHstudySeries *s, const NbNdFunc *fn,
                 const Ref *r, const Grid *g, size_t nh, const double *hv,
                 int digits, Tally *ty, NbDiag *d)
{
    NbNdMethod m = s->method;
    int undefined = 0, rc = 0;
    long best = -1;
    /* a double sweep of a stencil method: all its nodes in one block
     * evaluation */
    double *swept = nb_xrealloc(NULL, nh * sizeof *swept);
    int *ok = nb_xrealloc(NULL, nh * sizeof *ok);
    int batch = s->prec == NB_PREC_DOUBLE &&
                nb_nd_quotients_loose_d(fn, mpfr_get_d(r->x0, MPFR_RNDN),
                                        hv, nh, m, swept, ok) == 0;
    mpfr_t err, berr, ph, pe;
    mpfr_inits2(MP, err, berr, ph, pe, (mpfr_ptr)0);
    mpfr_set_nan(berr);
    for (size_t i = 0; i < nh; i++) {
        if (nb_interrupted) {
            nb_diag_set(d, NB_ERR_INTERRUPTED, "interrupted");
            rc = -1;
            break;
        }
        double lg;
        memset(&s->rows[i], 0, sizeof s->rows[i]);
        one_row(fn, r, s->prec, m, grid_step(g, (long)i, &lg),
                batch ? &swept[i] : NULL, batch && ok[i], digits,
                &s->rows[i], err, &undefined);
        s->nrows++;
        if (mpfr_number_p(err) && !(mpfr_cmp(err, berr) >= 0 &&
                                    mpfr_number_p(berr))) {
            mpfr_set(berr, err, MPFR_RNDN);
            best = (long)i;
        }
        if (ty->o->progress)
            ty->o->progress(ty->o->progress_ctx, ++ty->done, ty->total);
    }
    free(swept);
    free(ok);
    predict(r, m, s, ph, pe);
    summarize(hs, s, best, berr, ph, pe, (double)g->k / g->pd);
    if (undefined)
        add_note(hs, nb_xasprintf("%s: the function is not finite at "
                 "some nodes x0 +- k*h (rows marked undefined)",
                 nb_nd_method_name(m)));
    mpfr_clears(err, berr, ph, pe, (mpfr_ptr)0);
    return rc;
}

/* The grid's steps as doubles (for the block evaluation of a double
 * sweep: 0 below the range of doubles). */
static double *grid_doubles(const Grid *g, size_t nh)
{
    double *hv = nb_xrealloc(NULL, (nh ? nh : 1) * sizeof *hv);
    for (size_t i = 0; i < nh; i++) {
        double lg;
        char *t = grid_step(g, (long)i, &lg);
        hv[i] = strtod(t, NULL);
        free(t);
    }
    return hv;
}

static int run_prec(NbHstudy *hs, const NbProgram *pf, const NbProgram *pref,
                    NbStore *st, const NbExpr *x0, long prec,
                    const NbHstudyOpts *o, unsigned methods, Tally *ty,
                    NbDiag *d)
{
    Ref r;
    if (ref_init(&r, st, pref, x0, prec, d)) {
        ref_clear(&r);
        return -1;
    }
    if (!r.checked)
        add_note(hs, nb_xasprintf("the exact derivative did not settle "
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
    Grid g;
    grid_init(&g, o, r.bits);
    size_t nh = (size_t)grid_count(&g);
    double *hv = grid_doubles(&g, nh);
    int rc = 0;
    for (int m = 0; m < NB_ND__COUNT && rc == 0; m++) {
        if (!(methods & (1u << m)))
            continue;
        if (m == NB_ND_COMPLEX_STEP && !fn->eval_c)
            continue; /* the caller has said why */
        hs->series = nb_xrealloc(hs->series,
                              (hs->nseries + 1) * sizeof *hs->series);
        NbHstudySeries *s = &hs->series[hs->nseries++];
        memset(s, 0, sizeof *s);
        s->prec = prec;
        s->method = (NbNdMethod)m;
        s->rows = nb_xrealloc(NULL, (nh ? nh : 1) * sizeof *s->rows);
        rc = sweep(hs, s, fn, &r, &g, nh, hv, o->digits, ty, d);
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

/* The study's size before any work: each precision within
 * NB_MAX_HSTUDY_BITS, all rows within NB_MAX_HSTUDY_ROWS. *total gets
 * the rows (for progress). */
static int check_size(const NbHstudyOpts *o, const long *precs, size_t np,
                      unsigned methods, long *total, NbDiag *d)
{
    int nm = 0;
    double rows = 0;
    for (int m = 0; m < NB_ND__COUNT; m++)
        nm += (methods >> m) & 1;
    for (size_t i = 0; i < np; i++) {
        long bits = precs[i] == NB_PREC_DOUBLE ? 53 : precs[i];
        if (bits > NB_MAX_HSTUDY_BITS)
            return nb_diag_set(d, NB_ERR_PRECISION, "hstudy studies "
                               "precisions up to %ld bits (NB_MAX_HSTUDY_BITS"
                               "), not %ld: every row evaluates f at that "
                               "precision", NB_MAX_HSTUDY_BITS, bits), -1;
        Grid g;
        grid_init(&g, o, bits);
        rows += grid_count(&g) * nm;
    }
    if (rows > NB_MAX_HSTUDY_ROWS)
        return nb_diag_set(d, NB_ERR_TOO_LARGE, "hstudy would compute %.0f "
                           "rows, more than %ld (NB_MAX_HSTUDY_ROWS); use "
                           "fewer per_decade, a narrower h=[hmax, hmin], "
                           "fewer methods or precisions", rows,
                           NB_MAX_HSTUDY_ROWS), -1;
    *total = (long)rows;
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
    static const long defprecs[3] = {NB_PREC_DOUBLE, 113, 256};
    size_t np = o->nprecs ? o->nprecs : 3;
    const long *precs = o->nprecs ? o->precs : defprecs;
    unsigned methods = o->methods ? o->methods : (1u << NB_ND__COUNT) - 1;
    Tally ty = {o, 0, 0};
    if (check_size(o, precs, np, methods, &ty.total, d))
        return -1;
    const NbExpr *ders[NREF];
    if (derivatives(st, f, var, ders, d))
        return -1;
    NbProgram *pf = nb_compile(st, 1, &f, 1, &var, d);
    NbProgram *pref = pf ? nb_compile(st, NREF, ders, 1, &var, d) : NULL;
    int rc = pf && pref ? 0 : -1;
    if (rc == 0 && (methods & (1u << NB_ND_COMPLEX_STEP)) &&
        !nb_program_is_analytic(pf))
        add_note(out, nb_xasprintf("complex-step skipped: the function "
                 "has no analytic extension"));
    for (size_t i = 0; i < np && rc == 0; i++)
        rc = run_prec(out, pf, pref, st, x0, precs[i], o, methods, &ty, d);
    nb_program_free(pref);
    nb_program_free(pf);
    return rc;
}
