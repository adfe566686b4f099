/* descent_objective.c — an NbObjective compiled from an expression.
 *
 * f and its symbolic gradient are compiled together (compile.h), so the
 * subexpressions they share are computed once per step; an f-only program
 * serves line-search trials and numeric gradients. The Hessian's upper
 * triangle is differentiated and compiled on first use, since most runs only
 * need it twice (classifying the end point, the stable rate at the start).
 * Each evaluation runs with scratch allocated here once: no allocation in
 * the hot loop.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nabla/compile.h"
#include "nabla/diff.h"
#include "nabla/eval.h"
#include "descent/descent_internal.h"
#include "util/alloc.h"

typedef struct ExprObj {
    NbStore *st;
    const NbExpr *f;
    size_t n;
    const NbExpr **vars;
    long prec;
    NbProgram *pfg, *pf, *ph;   /* [f, grad...], [f], [H upper triangle] */
    int hess_state;             /* 0 untried, 1 compiled, -1 failed */
    char *hess_err;
    double *scr_fg, *scr_f, *scr_h, *out;
    NbMpfrVm *vfg, *vf, *vh;
    mpfr_srcptr *xin;           /* n pointers into the caller's x */
    mpfr_ptr *outp;             /* pointers to the caller's outputs */
    mpfr_ptr hout;              /* n(n+1)/2 values */
} ExprObj;

static double *scratch_for(const NbProgram *p)
{
    return nb_xmalloc(nb_program_scratch(p) * sizeof(double));
}

/* Central differences through the f-only program when f was compiled
 * without its gradient (gradient="numeric"); the descent loop does its own
 * differences, this serves the verdict's Hessian. */
static void numeric_grad_d(ExprObj *o, const double *x, double *g)
{
    double *xh = nb_xmalloc(o->n * sizeof *xh), fp, fm;
    memcpy(xh, x, o->n * sizeof *x);
    for (size_t i = 0; i < o->n; i++) {
        double h = ldexp(1.0, -17) * fmax(1.0, fabs(x[i]));
        xh[i] = x[i] + h;
        double hi = xh[i];
        nb_run_double(o->pf, xh, &fp, o->scr_f);
        xh[i] = x[i] - h;
        double lo = xh[i];
        nb_run_double(o->pf, xh, &fm, o->scr_f);
        xh[i] = x[i];
        g[i] = (fp - fm) / (hi - lo);
    }
    free(xh);
}

static void fg_d(void *ctx, const double *x, double *f, double *g)
{
    ExprObj *o = ctx;
    if (g && o->pfg) {
        nb_run_double(o->pfg, x, o->out, o->scr_fg);
        *f = o->out[0];
        for (size_t i = 0; i < o->n; i++)   /* n is small: no memcpy call */
            g[i] = o->out[1 + i];
        return;
    }
    nb_run_double(o->pf, x, f, o->scr_f);
    if (g)
        numeric_grad_d(o, x, g);
}

static void fg_m(void *ctx, mpfr_srcptr x, mpfr_ptr f, mpfr_ptr g)
{
    ExprObj *o = ctx;
    for (size_t i = 0; i < o->n; i++)
        o->xin[i] = x + i;
    o->outp[0] = f;
    if (g && o->vfg) {
        for (size_t i = 0; i < o->n; i++)
            o->outp[1 + i] = g + i;
        nb_run_mpfr(o->vfg, o->xin, o->outp);
        return;
    }
    nb_run_mpfr(o->vf, o->xin, o->outp);
    /* gradient="numeric" is done by the loop; a gradient asked of an f-only
     * objective in MPFR is left at nan rather than guessed */
    if (g)
        for (size_t i = 0; i < o->n; i++)
            mpfr_set_nan(g + i);
}

/* Build and compile the Hessian's upper triangle, once. */
static int ensure_hess(ExprObj *o)
{
    if (o->hess_state)
        return o->hess_state > 0 ? 0 : -1;
    NbDiag d = NB_DIAG_INIT;
    o->hess_state = -1;
    const NbExpr *h = nb_hessian(o->st, o->f, o->n, o->vars, &d);
    size_t n = o->n, m = n * (n + 1) / 2, k = 0;
    const NbExpr **outs = nb_xmalloc(m * sizeof *outs);
    if (h && h->kind == NB_VEC && h->n == n) {
        for (size_t i = 0; i < n && h; i++) {
            const NbExpr *row = h->args[i];
            if (row->kind != NB_VEC || row->n != n)
                h = NULL;
            for (size_t j = i; h && j < n; j++)
                outs[k++] = row->args[j];
        }
    } else if (h) {
        h = NULL;
    }
    if (h)
        o->ph = nb_compile(o->st, m, outs, n, o->vars, &d);
    free(outs);
    if (!o->ph) {
        o->hess_err = strdup(d.msg ? d.msg : "the Hessian has an unexpected "
                                              "shape");
        nb_diag_clear(&d);
        return -1;
    }
    o->scr_h = scratch_for(o->ph);
    o->out = nb_xrealloc(o->out, (m + n + 1) * sizeof *o->out);
    if (o->prec != NB_PREC_DOUBLE) {
        o->vh = nb_mpfr_vm_new(o->ph, (mpfr_prec_t)o->prec);
        o->hout = nb_xmalloc(m * sizeof *o->hout);
        for (size_t i = 0; i < m; i++)
            mpfr_init2(o->hout + i, (mpfr_prec_t)o->prec);
        o->outp = nb_xrealloc(o->outp, (m + n + 1) * sizeof *o->outp);
    }
    o->hess_state = 1;
    return 0;
}

static int hess_d(void *ctx, const double *x, double *h)
{
    ExprObj *o = ctx;
    if (ensure_hess(o) != 0)
        return -1;
    size_t n = o->n, k = 0;
    nb_run_double(o->ph, x, o->out, o->scr_h);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++, k++)
            h[i * n + j] = h[j * n + i] = o->out[k];
    return 0;
}

static int hess_m(void *ctx, mpfr_srcptr x, mpfr_ptr h)
{
    ExprObj *o = ctx;
    if (ensure_hess(o) != 0)
        return -1;
    size_t n = o->n, m = n * (n + 1) / 2, k = 0;
    for (size_t i = 0; i < n; i++)
        o->xin[i] = x + i;
    for (size_t i = 0; i < m; i++)
        o->outp[i] = o->hout + i;
    nb_run_mpfr(o->vh, o->xin, o->outp);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++, k++) {
            mpfr_set(h + i * n + j, o->hout + k, MPFR_RNDN);
            mpfr_set(h + j * n + i, o->hout + k, MPFR_RNDN);
        }
    return 0;
}

static void expr_obj_free(void *ctx)
{
    ExprObj *o = ctx;
    if (!o)
        return;
    NbMpfrVm *vms[3] = {o->vfg, o->vf, o->vh};
    for (int i = 0; i < 3; i++)
        if (vms[i])
            nb_mpfr_vm_free(vms[i]);
    if (o->hout)
        for (size_t i = 0; i < o->n * (o->n + 1) / 2; i++)
            mpfr_clear(o->hout + i);
    free(o->hout);
    NbProgram *progs[3] = {o->pfg, o->pf, o->ph};
    for (int i = 0; i < 3; i++)
        if (progs[i])
            nb_program_free(progs[i]);
    free(o->scr_fg);
    free(o->scr_f);
    free(o->scr_h);
    free(o->out);
    free(o->xin);
    free(o->outp);
    free(o->vars);
    free(o->hess_err);
    free(o);
}

/* [f, df/dvar_1, ...] as one program: shared subexpressions once. */
static NbProgram *compile_fg(ExprObj *o, NbDiag *d)
{
    const NbExpr *g = nb_grad(o->st, o->f, o->n, o->vars, d);
    if (!g)
        return NULL;
    if (g->kind != NB_VEC || g->n != o->n) {
        nb_diag_set(d, NB_ERR_TYPE, "the gradient of f is not a vector of "
                                    "%zu components", o->n);
        return NULL;
    }
    const NbExpr **outs = nb_xmalloc((o->n + 1) * sizeof *outs);
    outs[0] = o->f;
    for (size_t i = 0; i < o->n; i++)
        outs[1 + i] = g->args[i];
    NbProgram *p = nb_compile(o->st, o->n + 1, outs, o->n, o->vars, d);
    free(outs);
    return p;
}

static ExprObj *expr_obj_new(NbStore *st, const NbExpr *f, size_t nvars,
                             const NbExpr *const *vars, long prec)
{
    ExprObj *o = nb_xcalloc(1, sizeof *o);
    o->st = st;
    o->f = f;
    o->n = nvars;
    o->prec = prec;
    o->vars = nb_xmalloc(nvars * sizeof *o->vars);
    memcpy(o->vars, vars, nvars * sizeof *vars);
    o->out = nb_xmalloc((nvars + 1) * sizeof *o->out);
    o->xin = nb_xmalloc(nvars * sizeof *o->xin);
    o->outp = nb_xmalloc((nvars + 1) * sizeof *o->outp);
    return o;
}

NbObjective *nb_objective_compile(NbStore *st, const NbExpr *f, size_t nvars,
                                  const NbExpr *const *vars, long prec,
                                  int symbolic_grad, NbDiag *d)
{
    ExprObj *o = expr_obj_new(st, f, nvars, vars, prec);
    o->pf = nb_compile(st, 1, &f, nvars, vars, d);
    if (!o->pf || (symbolic_grad && !(o->pfg = compile_fg(o, d)))) {
        expr_obj_free(o);
        return NULL;
    }
    o->scr_f = scratch_for(o->pf);
    if (o->pfg)
        o->scr_fg = scratch_for(o->pfg);
    if (prec != NB_PREC_DOUBLE) {
        o->vf = nb_mpfr_vm_new(o->pf, (mpfr_prec_t)prec);
        if (o->pfg)
            o->vfg = nb_mpfr_vm_new(o->pfg, (mpfr_prec_t)prec);
    }
    NbObjective *obj = nb_xcalloc(1, sizeof *obj);
    *obj = (NbObjective){
        .n = nvars, .ctx = o, .fg = fg_d, .hess = hess_d,
        .fg_mpfr = prec != NB_PREC_DOUBLE ? fg_m : NULL,
        .hess_mpfr = prec != NB_PREC_DOUBLE ? hess_m : NULL,
        .free_ctx = expr_obj_free,
    };
    return obj;
}

void nb_objective_free(NbObjective *obj)
{
    if (!obj)
        return;
    if (obj->free_ctx)
        obj->free_ctx(obj->ctx);
    free(obj);
}

const NbProgram *nbi_objective_fg_program(const NbObjective *obj)
{
    if (!obj || obj->fg != fg_d)
        return NULL;
    const ExprObj *o = obj->ctx;
    return o->pfg;
}

const char *nb_objective_hess_error(const NbObjective *obj)
{
    if (!obj || obj->free_ctx != expr_obj_free)
        return NULL;
    const ExprObj *o = obj->ctx;
    return o->hess_err;
}
