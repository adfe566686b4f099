/* descent_verdict.c — what happened in a descent, computed from the numbers.
 *
 * Rules (thresholds in descent.h), applied to the loop's stop reason:
 *   |grad| < tol          -> the Hessian's eigenvalues at the point decide,
 *                            with delta = NB_DESCENT_EIG_REL*max(1, max|eig|):
 *                            all > delta minimum (converged), all < -delta
 *                            maximum, both signs saddle, all |eig| <= delta
 *                            plateau; otherwise degenerate (converged when
 *                            no eigenvalue is negative, else not a minimum:
 *                            reported as a saddle).
 *   f = inf, or nan with max|x| > 1e100, or f grew NB_DESCENT_GROW_RUN
 *   steps running past f0 + GROW_FACTOR*(1+|f0|)          -> diverged, with
 *                            the largest stable rate from the Hessian at the
 *                            start (gd 2/lmax; momentum 2(1+beta)/lmax;
 *                            nesterov 2(1+beta)/((1+2beta) lmax)).
 *   f fell as many steps running below f0 - FALL_FACTOR*(1+|f0|)
 *                                                         -> unbounded below.
 *   f or grad nan (not from overflow)                     -> left the domain.
 *   f or grad not finite at the start                     -> cannot start.
 *   x(k+1) == x(k-1) != x(k) for gd/backtracking/newton   -> oscillating
 *                            forever (a 2-cycle: the map has no other state).
 *   step limit with >= OSC_SHARE of the last OSC_WINDOW steps reversing
 *   direction and |grad| shrinking by less than OSC_SETTLE over them
 *                                                         -> oscillating.
 *   x(k+1) == x(k), or no line-search step decreases f   -> no progress.
 *   otherwise at the step limit -> stopped, with |grad|, the Newton estimate
 *   |H^-1 g| of the distance when H is positive definite, and the steps
 *   still needed at the pace |grad| shrank over the last window.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "descent/descent_internal.h"
#include "util/strbuf.h"

static const char *const verdict_names[NB_VERDICT__COUNT] = {
    "converged", "saddle", "maximum", "plateau", "diverged", "unbounded",
    "domain", "oscillating", "no-progress", "step-limit", "interrupted",
};

const char *nb_verdict_name(NbVerdict v)
{
    return (unsigned)v < NB_VERDICT__COUNT ? verdict_names[v] : "?";
}

const char *nb_point_kind_name(NbPointKind k)
{
    static const char *const names[] = {
        "unknown", "minimum", "maximum", "saddle", "degenerate", "flat",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* --- symmetric eigenvalues ---------------------------------------------- */

/* One Jacobi rotation zeroing m[p][q] (Numerical Recipes §11.1 form). */
static void jacobi_rotate(size_t n, double *m, double *v, size_t p, size_t q)
{
    double apq = m[p * n + q];
    double theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
    double t = (theta >= 0 ? 1.0 : -1.0) /
               (fabs(theta) + sqrt(theta * theta + 1));
    if (!isfinite(theta))
        t = 0.5 / theta;   /* huge theta: t ~ 1/(2 theta) */
    double c = 1 / sqrt(t * t + 1), s = t * c;
    for (size_t k = 0; k < n; k++) {
        double a = m[k * n + p], b = m[k * n + q];
        m[k * n + p] = c * a - s * b;
        m[k * n + q] = s * a + c * b;
    }
    for (size_t k = 0; k < n; k++) {
        double a = m[p * n + k], b = m[q * n + k];
        m[p * n + k] = c * a - s * b;
        m[q * n + k] = s * a + c * b;
    }
    for (size_t k = 0; k < n; k++) {
        double a = v[k * n + p], b = v[k * n + q];
        v[k * n + p] = c * a - s * b;
        v[k * n + q] = s * a + c * b;
    }
}

/* Cyclic Jacobi: sweeps of rotations until the off-diagonal part is below
 * rounding of the diagonal (quadratic convergence; a handful of sweeps for
 * the small n of a calculator). */
void nb_symmetric_eigen(size_t n, const double *a, double *eig, double *v)
{
    size_t nn = n * n > 0 ? n * n : 1;
    double *m = nb_xmalloc(nn * sizeof *m);
    double *w = nb_xmalloc(nn * sizeof *w);
    memcpy(m, a, n * n * sizeof *m);
    for (size_t i = 0; i < n * n; i++)
        w[i] = i % (n + 1) == 0 ? 1.0 : 0.0;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                *(i == j ? &diag : &off) += m[i * n + j] * m[i * n + j];
        if (!(off > 1e-32 * diag) || !isfinite(off))
            break;
        for (size_t p = 0; p < n; p++)
            for (size_t q = p + 1; q < n; q++)
                if (m[p * n + q] != 0)
                    jacobi_rotate(n, m, w, p, q);
    }
    /* Selection sort ascending, carrying eigenvector columns along. */
    size_t *ord = nb_xmalloc((n ? n : 1) * sizeof *ord);
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (m[ord[j] * n + ord[j]] < m[ord[i] * n + ord[i]]) {
                size_t t = ord[i];
                ord[i] = ord[j];
                ord[j] = t;
            }
    for (size_t i = 0; i < n; i++) {
        eig[i] = m[ord[i] * n + ord[i]];
        if (v)
            for (size_t k = 0; k < n; k++)
                v[k * n + i] = w[k * n + ord[i]];
    }
    free(ord);
    free(m);
    free(w);
}

NbPointKind nb_classify_eigen(size_t n, const double *eig)
{
    double big = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(eig[i]))
            return NB_POINT_UNKNOWN;
        big = fmax(big, fabs(eig[i]));
    }
    double delta = NB_DESCENT_EIG_REL * big;
    size_t pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        pos += eig[i] > delta;
        neg += eig[i] < -delta;
    }
    if (pos == n)
        return NB_POINT_MINIMUM;
    if (neg == n)
        return NB_POINT_MAXIMUM;
    if (pos && neg)
        return NB_POINT_SADDLE;
    if (!pos && !neg)
        return NB_POINT_FLAT;
    return NB_POINT_DEGENERATE;
}

/* --- Hessians at points of the path ------------------------------------- */

/* Central differences of the gradient, symmetrised: used when the
 * objective has no Hessian (or it could not be built). */
static int numeric_hessian(const NbObjective *obj, const double *x, double *h)
{
    size_t n = obj->n;
    double *xp = nb_xmalloc(3 * n * sizeof *xp + 1), f;
    double *gp = xp + n, *gm = xp + 2 * n;
    memcpy(xp, x, n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double step = ldexp(1.0, -17) * fmax(1.0, fabs(x[i]));
        xp[i] = x[i] + step;
        double hi = xp[i];
        obj->fg(obj->ctx, xp, &f, gp);
        xp[i] = x[i] - step;
        double lo = xp[i];
        obj->fg(obj->ctx, xp, &f, gm);
        xp[i] = x[i];
        for (size_t j = 0; j < n; j++)
            h[j * n + i] = (gp[j] - gm[j]) / (hi - lo);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
    free(xp);
    return 0;
}

/* Hessian at x; *numeric set when it came from differences. */
static int hessian_at(const NbObjective *obj, const double *x, double *h,
                      int *numeric)
{
    *numeric = 0;
    if (obj->hess && obj->hess(obj->ctx, x, h) == 0)
        return 0;
    if (!obj->fg)
        return -1;
    *numeric = 1;
    return numeric_hessian(obj, x, h);
}

static int all_finite(size_t n, const double *v)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Eigenvalues at the start: lmax0 and the method's largest stable rate. */
static void start_stability(const NbObjective *obj, const NbDescentOpts *o,
                            NbDescentResult *r)
{
    size_t n = r->n;
    r->lmax0 = r->stable_rate = NAN;
    if (o->method != NB_DESCENT_GD && o->method != NB_DESCENT_MOMENTUM &&
        o->method != NB_DESCENT_NESTEROV)
        return;
    double *h = nb_xmalloc((2 * n * n + n + 1) * sizeof *h), *eig = h + n * n;
    int numeric;
    if (hessian_at(obj, r->pt_x, h, &numeric) == 0 && all_finite(n * n, h)) {
        nb_symmetric_eigen(n, h, eig, NULL);
        r->lmax0 = eig[n - 1];
        double b = o->beta, lm = r->lmax0;
        if (lm > 0)
            r->stable_rate = o->method == NB_DESCENT_GD ? 2 / lm
                           : o->method == NB_DESCENT_MOMENTUM
                               ? 2 * (1 + b) / lm
                               : 2 * (1 + b) / ((1 + 2 * b) * lm);
    }
    free(h);
}

/* Eigen-decomposition at the final point: kind, escape direction and the
 * Newton distance |H^-1 g| = |sum_k (v_k.g / l_k) v_k| when definite. */
static void end_analysis(const NbObjective *obj, NbDescentResult *r)
{
    size_t n = r->n;
    const double *x = r->pt_x + (r->npts - 1) * n;
    double *h = nb_xmalloc((2 * n * n + n + 1) * sizeof *h), *v = h + n * n;
    double *g = v + n * n, f;
    r->newton_dist = NAN;
    r->kind = NB_POINT_UNKNOWN;
    if (!all_finite(n, x) || hessian_at(obj, x, h, &r->hess_numeric) != 0 ||
        !all_finite(n * n, h)) {
        free(h);
        return;
    }
    r->eig = nb_xmalloc(n * sizeof *r->eig);
    r->escape = nb_xmalloc(n * sizeof *r->escape);
    nb_symmetric_eigen(n, h, r->eig, v);
    r->have_eig = 1;
    r->kind = nb_classify_eigen(n, r->eig);
    for (size_t k = 0; k < n; k++)
        r->escape[k] = v[k * n];
    if (r->kind == NB_POINT_MINIMUM && obj->fg) {
        obj->fg(obj->ctx, x, &f, g);
        double d2 = 0;
        for (size_t k = 0; k < n; k++) {   /* |H^-1 g|^2 in the eigenbasis */
            double c = 0;
            for (size_t i = 0; i < n; i++)
                c += v[i * n + k] * g[i];
            d2 += (c / r->eig[k]) * (c / r->eig[k]);
        }
        r->newton_dist = sqrt(d2);
    }
    free(h);
}

static NbVerdict critical_verdict(const NbDescentResult *r)
{
    switch (r->kind) {
    case NB_POINT_SADDLE: return NB_VERDICT_SADDLE;
    case NB_POINT_MAXIMUM: return NB_VERDICT_MAXIMUM;
    case NB_POINT_FLAT: return NB_VERDICT_PLATEAU;
    case NB_POINT_DEGENERATE:
        for (size_t i = 0; i < r->n; i++)
            if (r->eig[i] < 0 &&
                r->eig[i] < -NB_DESCENT_EIG_REL * fmax(1, fabs(r->eig[r->n - 1])))
                return NB_VERDICT_SADDLE;
        return NB_VERDICT_CONVERGED;
    default: return NB_VERDICT_CONVERGED;
    }
}

static void window_stats(const LoopStats *st, NbDescentResult *r)
{
    long w = st->k < NB_DESCENT_OSC_WINDOW ? st->k : NB_DESCENT_OSC_WINDOW;
    unsigned long long mask = w >= 64 ? ~0ULL : (1ULL << w) - 1;
    r->window = w;
    r->window_reversals = __builtin_popcountll(st->revbits & mask);
    double now = st->gring[st->k & (NB_GRING - 1)];
    double then = st->gring[(st->k - w) & (NB_GRING - 1)];
    r->grad_ratio = w > 0 && then > 0 ? now / then : NAN;
}

static int oscillating(const NbDescentResult *r)
{
    return r->window >= 10 &&
           r->window_reversals >= NB_DESCENT_OSC_SHARE * (double)r->window &&
           !(r->grad_ratio < NB_DESCENT_OSC_SETTLE);
}

void nbi_descent_decide(const NbObjective *obj, const NbDescentOpts *o,
                        const LoopStats *st, NbDescentResult *r)
{
    r->stop = st->stop;
    r->steps = st->k;
    r->at_step = st->k;
    r->fevals = st->fevals;
    r->gevals = st->gevals;
    r->hevals = st->hevals;
    r->fallbacks = st->fallbacks;
    r->reversals = st->reversals;
    r->f0 = st->f0;
    r->grad0 = st->g0;
    r->lmax0 = r->stable_rate = r->newton_dist = NAN;
    window_stats(st, r);
    switch (st->stop) {
    case NB_STOP_GRAD:
        end_analysis(obj, r);
        r->verdict = critical_verdict(r);
        break;
    case NB_STOP_F_INF:
    case NB_STOP_F_NAN:
    case NB_STOP_G_NONFINITE:
        /* not finite at the start: nothing diverged, f is undefined there */
        r->verdict = st->k == 0 ? NB_VERDICT_DOMAIN
                   : st->stop == NB_STOP_F_INF || st->xmax_abs > 1e100
                       ? NB_VERDICT_DIVERGED
                       : NB_VERDICT_DOMAIN;
        break;
    case NB_STOP_GROW:
        r->verdict = NB_VERDICT_DIVERGED;
        r->at_step = st->k - st->up;
        break;
    case NB_STOP_FALL:
        r->verdict = NB_VERDICT_UNBOUNDED;
        r->at_step = st->k - st->down;
        break;
    case NB_STOP_CYCLE:
        r->verdict = NB_VERDICT_OSCILLATING;
        r->at_step = st->k - 2;
        break;
    case NB_STOP_STUCK:
    case NB_STOP_LS_FAIL: r->verdict = NB_VERDICT_NO_PROGRESS; break;
    case NB_STOP_INTERRUPT:
        r->verdict = NB_VERDICT_INTERRUPTED;
        end_analysis(obj, r);
        break;
    case NB_STOP_LIMIT:
        end_analysis(obj, r);
        r->verdict = oscillating(r) ? NB_VERDICT_OSCILLATING
                                    : NB_VERDICT_STEP_LIMIT;
        break;
    }
    if (r->verdict == NB_VERDICT_DIVERGED ||
        r->verdict == NB_VERDICT_OSCILLATING)
        start_stability(obj, o, r);
}

/* --- the verdict as one line ---------------------------------------------- */

/* The verdict is prose written piece by piece into the library's one
 * growing string; the short names keep its sentences on one line. */
typedef NbBuf Buf;
#define bprintf nb_buf_printf

/* %.6g in nabla's spelling of numbers: -0 as 0, exponents without '+'
 * or leading zeros (1e-7, 1e300), as the tables print them. */
static void bnum(Buf *b, double v)
{
    char t[64], *e;
    snprintf(t, sizeof t, "%.6g", v == 0 ? 0.0 : v);
    if ((e = strchr(t, 'e')) != NULL) {
        char *p = e + 1, *q = e + 1;
        if (*p == '+')
            p++;
        else if (*p == '-')
            *q++ = *p++;
        while (*p == '0' && p[1])
            p++;
        memmove(q, p, strlen(p) + 1);
    }
    bprintf(b, "%s", t);
}

/* A step count estimate to two significant digits, as a whole number. */
static void bcount2(Buf *b, double v)
{
    if (!(v < 1e15)) {
        bnum(b, v);
        return;
    }
    double p = v >= 10 ? pow(10, floor(log10(v)) - 1) : 1;
    bprintf(b, "%.0f", round(v / p) * p);
}

static void blist(Buf *b, size_t n, const double *v)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            bprintf(b, ", ");
        bnum(b, v[i]);
    }
}

static const double *final_x(const NbDescentResult *r)
{
    return r->pt_x + (r->npts - 1) * r->n;
}

static void bpoint(Buf *b, const NbDescentResult *r, const char *const *names)
{
    const double *x = final_x(r);
    if (r->n == 1) {
        bprintf(b, "%s = ", names[0]);
        bnum(b, x[0]);
        return;
    }
    bprintf(b, "(");
    for (size_t i = 0; i < r->n; i++)
        bprintf(b, "%s%s", i ? ", " : "", names[i]);
    bprintf(b, ") = (");
    blist(b, r->n, x);
    bprintf(b, ")");
}

static void beig(Buf *b, const NbDescentResult *r)
{
    bprintf(b, "%s eigenvalue%s ", r->hess_numeric ? "numeric Hessian"
                                                   : "Hessian",
            r->n > 1 ? "s" : "");
    blist(b, r->n, r->eig);
}

static double final_g(const NbDescentResult *r)
{
    return r->pt_g[r->npts - 1];
}

static void bgrad_tol(Buf *b, const NbDescentResult *r, const char *rel)
{
    bprintf(b, "|grad| = ");
    bnum(b, final_g(r));
    bprintf(b, " %s tol ", rel);
    bnum(b, r->tol);
}

/* "rate 1.1 is above 2/λmax = 1" for the first-order methods whose
 * stability on a quadratic is known; nothing when not meaningful. */
static void brate(Buf *b, const NbDescentResult *r)
{
    if (!isfinite(r->stable_rate))
        return;
    const char *label = r->method == NB_DESCENT_GD ? "2/λmax"
                      : r->method == NB_DESCENT_MOMENTUM
                          ? "2(1+beta)/λmax"
                          : "2(1+beta)/((1+2beta)λmax)";
    double rel = (r->rate - r->stable_rate) / r->stable_rate;
    const char *cmp = fabs(rel) <= 1e-9 ? "equals" : rel > 0 ? "is above"
                                                            : "is below";
    bprintf(b, "; rate ");
    bnum(b, r->rate);
    bprintf(b, " %s %s = ", cmp, label);
    bnum(b, r->stable_rate);
    bprintf(b, " (λmax = ");
    bnum(b, r->lmax0);
    bprintf(b, " at the start)");
}

static void bconverged(Buf *b, const NbDescentResult *r,
                       const char *const *names)
{
    switch (r->verdict) {
    case NB_VERDICT_CONVERGED:
        bprintf(b, "converged at step %ld: ", r->steps);
        bgrad_tol(b, r, "<");
        if (r->kind == NB_POINT_MINIMUM) {
            bprintf(b, "; a minimum (");
            beig(b, r);
            bprintf(b, ")");
        } else if (r->kind == NB_POINT_DEGENERATE) {
            bprintf(b, "; a degenerate critical point (");
            beig(b, r);
            bprintf(b, ": singular, higher-order terms decide if it is a "
                       "minimum)");
        } else {
            bprintf(b, "; no Hessian to classify the point");
        }
        break;
    case NB_VERDICT_SADDLE:
        bprintf(b, "stalled at a saddle point at step %ld: ", r->steps);
        bgrad_tol(b, r, "<");
        bprintf(b, " but the Hessian is indefinite (");
        beig(b, r);
        bprintf(b, "): not a minimum; f decreases along ±(");
        blist(b, r->n, r->escape);
        bprintf(b, ") from ");
        bpoint(b, r, names);
        break;
    case NB_VERDICT_MAXIMUM:
        bprintf(b, "stalled at a maximum at step %ld: ", r->steps);
        bgrad_tol(b, r, "<");
        bprintf(b, " and the Hessian is negative definite (");
        beig(b, r);
        bprintf(b, "): every direction goes down");
        break;
    default: /* plateau */
        bprintf(b, "stalled on a plateau at step %ld: ", r->steps);
        bgrad_tol(b, r, "<");
        bprintf(b, " and the Hessian is ~0 (");
        beig(b, r);
        bprintf(b, "): f is flat here, not at a minimum");
        break;
    }
    if (r->steps >= 4 && 2 * r->reversals > r->steps)
        bprintf(b, "; the path oscillated (%ld of %ld steps reversed "
                   "direction)", r->reversals, r->steps);
}

static void bdiverged(Buf *b, const NbDescentResult *r,
                      const char *const *names)
{
    double f = r->pt_f[r->npts - 1];
    switch (r->stop) {
    case NB_STOP_GROW:
        bprintf(b, "diverged at step %ld: f grew at every step from step "
                   "%ld to ", r->steps, r->at_step);
        bnum(b, f);
        bprintf(b, " (f0 = ");
        bnum(b, r->f0);
        bprintf(b, ")");
        break;
    case NB_STOP_F_INF:
        bprintf(b, "diverged at step %ld: f = %s", r->steps,
                f > 0 ? "inf" : "-inf");
        break;
    default:
        bprintf(b, "diverged at step %ld: the point overflowed (f = nan at ",
                r->steps);
        bpoint(b, r, names);
        bprintf(b, ")");
        break;
    }
    brate(b, r);
}

static void blimit(Buf *b, const NbDescentResult *r)
{
    bprintf(b, "stopped at the step limit (%ld steps): ", r->steps);
    bgrad_tol(b, r, "is not yet <");
    if (isfinite(r->newton_dist)) {
        bprintf(b, "; about ");
        bnum(b, r->newton_dist);
        bprintf(b, " from the critical point (Newton estimate |H^-1 grad|)");
    }
    double q = r->window > 0 ? pow(r->grad_ratio, 1.0 / (double)r->window)
                             : NAN;
    if (q > 0 && q < 1 && r->tol > 0 && final_g(r) > r->tol) {
        double more = log(r->tol / final_g(r)) / log(q);
        bprintf(b, "; about ");
        bcount2(b, more);
        bprintf(b, " more steps at the current pace");
    } else if (r->window >= 2 && !(q < 1)) {
        bprintf(b, "; |grad| is not shrinking");
    }
    if (r->window >= 10 &&
        r->window_reversals >= NB_DESCENT_OSC_SHARE * (double)r->window)
        bprintf(b, "; the path oscillates while it settles");
}

static void say_other_verdict(Buf *b, const NbDescentResult *r,
                              const char *const *names)
{
    double f = r->pt_f[r->npts - 1];
    switch (r->verdict) {
    case NB_VERDICT_UNBOUNDED:
        bprintf(b, "unbounded below: f fell at every step from step %ld to ",
                r->at_step);
        bnum(b, f);
        bprintf(b, " at step %ld; f has no minimum along this path",
                r->steps);
        break;
    case NB_VERDICT_DOMAIN:
        if (r->steps == 0)
            bprintf(b, "cannot start: %s is not finite at the start ",
                    isfinite(f) ? "the gradient" : "f");
        else
            bprintf(b, "left the domain of f at step %ld: %s is nan at ",
                    r->steps, isnan(f) ? "f" : "the gradient");
        bpoint(b, r, names);
        break;
    case NB_VERDICT_OSCILLATING:
        if (r->stop == NB_STOP_CYCLE) {
            bprintf(b, "oscillating forever: step %ld returns exactly to the "
                       "point of step %ld, a 2-cycle across the valley",
                    r->steps, r->at_step);
        } else {
            bprintf(b, "oscillating at step %ld: %ld of the last %ld steps "
                       "reversed direction and |grad| is not settling (",
                    r->steps, r->window_reversals, r->window);
            bnum(b, final_g(r));
            bprintf(b, ", ratio ");
            bnum(b, r->grad_ratio);
            bprintf(b, " over the window)");
        }
        brate(b, r);
        break;
    case NB_VERDICT_NO_PROGRESS:
        bprintf(b, "no progress at step %ld: %s; ", r->steps,
                r->stop == NB_STOP_STUCK
                    ? "the step no longer changes x (below rounding)"
                    : "no step along the search direction decreases f");
        bgrad_tol(b, r, ">=");
        bprintf(b, " is the rounding limit at this precision");
        break;
    case NB_VERDICT_INTERRUPTED:
        bprintf(b, "interrupted at step %ld: f = ", r->steps);
        bnum(b, f);
        bprintf(b, ", |grad| = ");
        bnum(b, final_g(r));
        bprintf(b, " at ");
        bpoint(b, r, names);
        break;
    default:
        blimit(b, r);
        break;
    }
}

static void bcounts(Buf *b, const NbDescentResult *r)
{
    const char *s = r->fevals == 1 ? "" : "s";
    if (r->fevals == r->gevals && !r->hevals)
        bprintf(b, " [%ld evaluation%s of f and its gradient", r->fevals, s);
    else
        bprintf(b, " [%ld evaluation%s of f, %ld of the gradient", r->fevals,
                s, r->gevals);
    if (r->hevals)
        bprintf(b, ", %ld of the Hessian", r->hevals);
    if (r->fallbacks)
        bprintf(b, "; %ld gradient steps where the Hessian was not positive "
                   "definite", r->fallbacks);
    bprintf(b, "]");
}

char *nb_descent_verdict_text(const NbDescentResult *r,
                              const char *const *names)
{
    Buf b = {0};
    switch (r->verdict) {
    case NB_VERDICT_CONVERGED:
    case NB_VERDICT_SADDLE:
    case NB_VERDICT_MAXIMUM:
    case NB_VERDICT_PLATEAU: bconverged(&b, r, names); break;
    case NB_VERDICT_DIVERGED: bdiverged(&b, r, names); break;
    default: say_other_verdict(&b, r, names); break;
    }
    bcounts(&b, r);
    return nb_buf_finish(&b);
}
