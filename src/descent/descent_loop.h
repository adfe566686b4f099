/* descent_loop.h — the optimisation loops, written once for two number types.
 *
 * Included by descent_double.c (hardware double) and descent_mpfr.c (MPFR at
 * the session precision), each defining first:
 *   S              scalar declaration type (double / mpfr_t)
 *   Vec, CVec      vector typedefs (double * / mpfr_ptr and const forms)
 *   E(v, i)        element i of a vector, as an operand
 *   REF(s)         a scalar as an output argument (&s / s)
 *   TMP(a, k)      declare temporary a (a local / L->t[k])
 *   R_INIT R_CLEAR R_SET R_SET_D R_ADD R_SUB R_MUL R_DIV R_SQRT R_ABS
 *   R_D(a)         value as a double
 *   R_LT(a, b) R_EQ(a, b) R_FINITE(a) R_ISNAN(a)
 *   VNEW(L, len) VFREE(L, v, len)   zeroed vectors
 *   OBJ_FG(L, x, f, g) OBJ_HESS(L, x, h)   the objective's callbacks
 *   TRACE_PUSH(L, k, x, f, gn)      record a point
 *   PARAM(L, r, dbl, exact)         set a parameter
 *   LOOP_ENTRY     the exported function's name
 * Why a template: the seven methods, the stop rules and the detectors must be
 * the same algorithm in both precisions; two hand copies would drift. For
 * double every macro is a plain C operator, so the hot loop compiles to the
 * loop one would write by hand (and gd is exactly x - rate*g, rounded as a
 * plain C loop rounds it).
 */

typedef struct Loop {
    const NbObjective *obj;
    const NbDescentOpts *o;
    size_t n;
    mpfr_prec_t prec;
    Trace *tr;
    LoopStats *st;
    S rate, beta, beta1, beta2, eps, pw1, pw2, hbase;
    S fv[2];          /* f at the current point (cur) and the new one */
    Vec gv[2];          /* gradients likewise */
    int gvalid[2];    /* gv[slot] holds the gradient at its point */
    int cur;
    Vec xr[3];          /* x(k-1), x(k), x(k+1): buffers rotated by pointer */
    Vec xprev, xcur, xnew;
    double grow_limit, fall_limit;  /* f0 +- FACTOR*(1 + |f0|) */
    S gn;             /* |grad| at x(k) */
    S t[6];           /* temporaries (MPFR) */
    Vec v, s, d, xh, hm, lm, hy;
    int bfgs_scaled;
    double last_a;    /* step of the last phi() call */
    double *xd;       /* x as doubles, for the trace */
} Loop;

#define X_CUR(L) ((L)->xcur)
#define X_PREV(L) ((L)->xprev)
#define X_NEW(L) ((L)->xnew)
#define NEW(L) (1 - (L)->cur)

/* dot product of a and b, as a double, computed at the loop's precision */
static double dot_d(Loop *L, CVec a, CVec b)
{
    TMP(acc, 4);
    TMP(p, 5);
    R_SET_D(acc, 0.0);
    for (size_t i = 0; i < L->n; i++) {
        R_MUL(p, E(a, i), E(b, i));
        R_ADD(acc, acc, p);
    }
    return R_D(acc);
}

/* Central differences of f: g_i = (f(x + h e_i) - f(x - h e_i)) / (2h),
 * h = hbase*max(1, |x_i|), dividing by the difference of the perturbed
 * coordinates as actually rounded (it is exactly what was sampled). */
static void numeric_grad(Loop *L, CVec x, Vec g)
{
    for (size_t i = 0; i < L->n; i++)
        R_SET(E(L->xh, i), E(x, i));
    for (size_t i = 0; i < L->n; i++) {
        TMP(h, 0);
        TMP(fp, 1);
        TMP(fm, 2);
        TMP(xp, 3);
        R_ABS(h, E(x, i));
        if (R_D(h) < 1.0)
            R_SET_D(h, 1.0);
        R_MUL(h, h, L->hbase);
        R_ADD(E(L->xh, i), E(x, i), h);
        R_SET(xp, E(L->xh, i));
        OBJ_FG(L, L->xh, REF(fp), NULL);
        R_SUB(E(L->xh, i), E(x, i), h);
        OBJ_FG(L, L->xh, REF(fm), NULL);
        R_SUB(h, xp, E(L->xh, i));
        R_SUB(fp, fp, fm);
        R_DIV(E(g, i), fp, h);
        R_SET(E(L->xh, i), E(x, i));
    }
    L->st->fevals += 2 * (long)L->n;
}

/* f (and the gradient when want_g) at x into slot. */
static void eval_at(Loop *L, CVec x, int slot, int want_g)
{
    L->st->fevals++;
    if (!L->o->numeric) {
        OBJ_FG(L, x, REF(L->fv[slot]), want_g ? L->gv[slot] : NULL);
        L->st->gevals += want_g;
    } else {
        OBJ_FG(L, x, REF(L->fv[slot]), NULL);
        if (want_g) {
            numeric_grad(L, x, L->gv[slot]);
            L->st->gevals++;
        }
    }
    L->gvalid[slot] = want_g;
}

static void step_gd(Loop *L, CVec x, Vec xn)
{
    CVec g = L->gv[L->cur];
    for (size_t i = 0; i < L->n; i++) {
        TMP(a, 0);
        R_MUL(a, L->rate, E(g, i));
        R_SUB(E(xn, i), E(x, i), a);
    }
    eval_at(L, xn, NEW(L), 1);
}

/* Heavy ball: v = beta*v + rate*g; x -= v. */
static void step_momentum(Loop *L, CVec x, Vec xn)
{
    CVec g = L->gv[L->cur];
    for (size_t i = 0; i < L->n; i++) {
        TMP(a, 0);
        TMP(b, 1);
        R_MUL(a, L->beta, E(L->v, i));
        R_MUL(b, L->rate, E(g, i));
        R_ADD(E(L->v, i), a, b);
        R_SUB(E(xn, i), E(x, i), E(L->v, i));
    }
    eval_at(L, xn, NEW(L), 1);
}

/* Nesterov in the form deep-learning libraries use (Sutskever et al. 2013,
 * as in PyTorch): v = beta*v + g; x -= rate*(g + beta*v). One gradient per
 * step, at the current point. */
static void step_nesterov(Loop *L, CVec x, Vec xn)
{
    CVec g = L->gv[L->cur];
    for (size_t i = 0; i < L->n; i++) {
        TMP(a, 0);
        TMP(b, 1);
        R_MUL(a, L->beta, E(L->v, i));
        R_ADD(E(L->v, i), a, E(g, i));
        R_MUL(a, L->beta, E(L->v, i));
        R_ADD(b, E(g, i), a);
        R_MUL(a, L->rate, b);
        R_SUB(E(xn, i), E(x, i), a);
    }
    eval_at(L, xn, NEW(L), 1);
}

/* Adam (Kingma & Ba 2015, Algorithm 1): m and s are the first and second
 * moment estimates, pw1 = beta1^t and pw2 = beta2^t the bias corrections. */
static void step_adam(Loop *L, CVec x, Vec xn)
{
    CVec g = L->gv[L->cur];
    TMP(c1, 2);
    TMP(c2, 3);
    R_MUL(L->pw1, L->pw1, L->beta1);
    R_MUL(L->pw2, L->pw2, L->beta2);
    R_SET_D(c1, 1.0);
    R_SUB(c1, c1, L->pw1);
    R_SET_D(c2, 1.0);
    R_SUB(c2, c2, L->pw2);
    for (size_t i = 0; i < L->n; i++) {
        TMP(a, 0);
        TMP(b, 1);
        R_SUB(a, E(g, i), E(L->v, i));      /* m += (1-beta1)*(g - m) */
        R_SET_D(b, 1.0);
        R_SUB(b, b, L->beta1);
        R_MUL(a, a, b);
        R_ADD(E(L->v, i), E(L->v, i), a);
        R_MUL(a, E(g, i), E(g, i));         /* s += (1-beta2)*(g^2 - s) */
        R_SUB(a, a, E(L->s, i));
        R_SET_D(b, 1.0);
        R_SUB(b, b, L->beta2);
        R_MUL(a, a, b);
        R_ADD(E(L->s, i), E(L->s, i), a);
        R_DIV(b, E(L->s, i), c2);           /* sqrt(s_hat) + eps */
        R_SQRT(b, b);
        R_ADD(b, b, L->eps);
        R_DIV(a, E(L->v, i), c1);           /* m_hat / (...) */
        R_DIV(a, a, b);
        R_MUL(a, L->rate, a);
        R_SUB(E(xn, i), E(x, i), a);
    }
    eval_at(L, xn, NEW(L), 1);
}

/* phi(a) = f(x + a*d) - f(x) for the line searches; the trial point lands
 * in X_NEW and the NEW slot. */
static double phi(void *ctx, double a, double *dphi)
{
    Loop *L = ctx;
    CVec x = X_CUR(L);
    Vec xn = X_NEW(L);
    TMP(ta, 0);
    TMP(b, 1);
    R_SET_D(ta, a);
    for (size_t i = 0; i < L->n; i++) {
        R_MUL(b, ta, E(L->d, i));
        R_ADD(E(xn, i), E(x, i), b);
    }
    eval_at(L, xn, NEW(L), dphi != NULL);
    R_SUB(b, L->fv[NEW(L)], L->fv[L->cur]);
    if (dphi)
        *dphi = dot_d(L, L->gv[NEW(L)], L->d);
    L->last_a = a;
    return R_D(b);
}

/* Accept step a of the last search: make sure the new slot holds x + a*d
 * with its gradient. */
static void accept_step(Loop *L, double a)
{
    double dp;
    if (a != L->last_a)
        phi(L, a, &dp);
    if (!L->gvalid[NEW(L)]) {
        int s = NEW(L);
        if (!L->o->numeric) {
            eval_at(L, X_NEW(L), s, 1);
        } else {
            numeric_grad(L, X_NEW(L), L->gv[s]);
            L->st->gevals++;
            L->gvalid[s] = 1;
        }
    }
}

/* Armijo search along L->d from a0; a stop code, or -1 on success. */
static int line_armijo(Loop *L, double a0)
{
    double slope = dot_d(L, L->gv[L->cur], L->d);
    if (!(slope < 0))
        return NB_STOP_LS_FAIL;
    double a = nbi_armijo(phi, L, a0, slope, L->o->c, L->o->shrink);
    if (a == 0)
        return NB_STOP_LS_FAIL;
    accept_step(L, a);
    return -1;
}

static void set_neg_grad(Loop *L)
{
    CVec g = L->gv[L->cur];
    for (size_t i = 0; i < L->n; i++)
        R_NEG(E(L->d, i), E(g, i));
}

static int step_backtracking(Loop *L)
{
    set_neg_grad(L);
    return line_armijo(L, L->o->rate);
}

/* Cholesky factor of hm into lm (lower, row-major). Fails (-1) unless every
 * pivot is positive and not lost in rounding: the test for a positive
 * definite Hessian. */
static int cholesky(Loop *L)
{
    size_t n = L->n;
    for (size_t j = 0; j < n; j++) {
        for (size_t i = j; i < n; i++) {
            TMP(sum, 0);
            TMP(p, 1);
            R_SET(sum, E(L->hm, i * n + j));
            for (size_t k = 0; k < j; k++) {
                R_MUL(p, E(L->lm, i * n + k), E(L->lm, j * n + k));
                R_SUB(sum, sum, p);
            }
            if (i == j) {
                double hjj = R_D(E(L->hm, j * n + j));
                if (!(R_D(sum) > 1e-13 * fabs(hjj)) || !R_FINITE(sum))
                    return -1;
                R_SQRT(E(L->lm, j * n + j), sum);
            } else {
                R_DIV(E(L->lm, i * n + j), sum, E(L->lm, j * n + j));
            }
        }
    }
    return 0;
}

/* out = (lm lm')^-1 b: forward then back substitution (out may not
 * alias b). */
static void cholesky_solve(Loop *L, CVec b, Vec out)
{
    size_t n = L->n;
    for (size_t i = 0; i < n; i++) {
        TMP(sum, 0);
        TMP(p, 1);
        R_SET(sum, E(b, i));
        for (size_t k = 0; k < i; k++) {
            R_MUL(p, E(L->lm, i * n + k), E(out, k));
            R_SUB(sum, sum, p);
        }
        R_DIV(E(out, i), sum, E(L->lm, i * n + i));
    }
    for (size_t i = n; i-- > 0;) {
        TMP(sum, 0);
        TMP(p, 1);
        R_SET(sum, E(out, i));
        for (size_t k = i + 1; k < n; k++) {
            R_MUL(p, E(L->lm, k * n + i), E(out, k));
            R_SUB(sum, sum, p);
        }
        R_DIV(E(out, i), sum, E(L->lm, i * n + i));
    }
}

static void negate(Loop *L, Vec v)
{
    for (size_t i = 0; i < L->n; i++)
        R_NEG(E(v, i), E(v, i));
}

/* Damped Newton: the Newton direction when the exact Hessian is positive
 * definite (line search from 1), else steepest descent (from rate). */
static int step_newton(Loop *L)
{
    L->st->hevals++;
    int ok = OBJ_HESS(L, X_CUR(L), L->hm) == 0 && cholesky(L) == 0;
    if (ok) {
        cholesky_solve(L, L->gv[L->cur], L->d);
        negate(L, L->d);
        ok = dot_d(L, L->gv[L->cur], L->d) < 0;
    }
    if (ok)
        return line_armijo(L, 1.0);
    L->st->fallbacks++;
    set_neg_grad(L);
    return line_armijo(L, L->o->rate);
}

static void set_identity(Loop *L, Vec m, double diag)
{
    for (size_t i = 0; i < L->n; i++)
        for (size_t j = 0; j < L->n; j++)
            R_SET_D(E(m, i * L->n + j), i == j ? diag : 0.0);
}

/* Inverse BFGS update with s = x(k+1) - x(k), y = g(k+1) - g(k):
 * H += (sy + y'Hy)/(sy)^2 s s' - (Hy s' + s y'H)/sy (Nocedal & Wright
 * 6.17). Skipped when sy <= 0 (curvature condition failed). Before the
 * first update H is scaled to sy/yy (N&W 6.20). */
static void bfgs_update(Loop *L)
{
    size_t n = L->n;
    Vec s = L->v, y = L->s;
    for (size_t i = 0; i < n; i++) {
        R_SUB(E(s, i), E(X_NEW(L), i), E(X_CUR(L), i));
        R_SUB(E(y, i), E(L->gv[NEW(L)], i), E(L->gv[L->cur], i));
    }
    double sy = dot_d(L, s, y), yy = dot_d(L, y, y);
    if (!(sy > 0) || !isfinite(sy) || !(yy > 0))
        return;
    if (!L->bfgs_scaled) {
        set_identity(L, L->hm, sy / yy);
        L->bfgs_scaled = 1;
    }
    TMP(syt, 2);
    TMP(c, 3);
    R_SET_D(syt, 0.0);
    for (size_t i = 0; i < n; i++) {
        TMP(p, 0);
        R_MUL(p, E(s, i), E(y, i));
        R_ADD(syt, syt, p);
    }
    for (size_t i = 0; i < n; i++) {   /* hy = H y */
        TMP(p, 0);
        TMP(acc, 1);
        R_SET_D(acc, 0.0);
        for (size_t j = 0; j < n; j++) {
            R_MUL(p, E(L->hm, i * n + j), E(y, j));
            R_ADD(acc, acc, p);
        }
        R_SET(E(L->hy, i), acc);
    }
    R_SET_D(c, 0.0);                   /* c = (sy + y'Hy) / sy^2 */
    for (size_t i = 0; i < n; i++) {
        TMP(p, 0);
        R_MUL(p, E(y, i), E(L->hy, i));
        R_ADD(c, c, p);
    }
    R_ADD(c, c, syt);
    R_DIV(c, c, syt);
    R_DIV(c, c, syt);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            TMP(p, 0);
            TMP(q, 1);
            TMP(r, 4);
            R_MUL(p, E(s, i), E(s, j));
            R_MUL(p, p, c);
            R_MUL(q, E(L->hy, i), E(s, j));
            R_MUL(r, E(s, i), E(L->hy, j));
            R_ADD(q, q, r);
            R_DIV(q, q, syt);
            R_SUB(p, p, q);
            R_ADD(E(L->hm, i * n + j), E(L->hm, i * n + j), p);
        }
}

/* H0 = the inverse of the exact Hessian at the start when it is positive
 * definite: a calculator has the exact Hessian, and a quasi-Newton method
 * that starts from it needs far fewer iterations than one starting from I
 * (Rosenbrock from (-1, 1): 19 instead of 33 to |grad| < 1e-9). The
 * columns are solved one unit vector at a time into hm. */
static void bfgs_start(Loop *L)
{
    size_t n = L->n;
    if (!HAS_HESS(L))
        return;
    L->st->hevals++;
    if (OBJ_HESS(L, X_CUR(L), L->hm) != 0 || cholesky(L) != 0) {
        set_identity(L, L->hm, 1.0);
        return;
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < n; i++)
            R_SET_D(E(L->v, i), i == j ? 1.0 : 0.0);
        cholesky_solve(L, L->v, L->hy);
        for (size_t i = 0; i < n; i++)
            R_SET(E(L->hm, i * n + j), E(L->hy, i));
    }
    L->bfgs_scaled = 1;
}

/* BFGS: d = -H g, strong Wolfe line search (c1 = c, c2 =
 * NB_DESCENT_WOLFE_C2, GSL's recommended 0.1) from 1; without an exact
 * Hessian at the start the first step is min(1, rate/|g|), as H = I knows
 * no scale. */
static int step_bfgs(Loop *L, long k)
{
    size_t n = L->n;
    CVec g = L->gv[L->cur];
    if (k == 0)
        bfgs_start(L);
    for (size_t i = 0; i < n; i++) {
        TMP(p, 0);
        TMP(acc, 1);
        R_SET_D(acc, 0.0);
        for (size_t j = 0; j < n; j++) {
            R_MUL(p, E(L->hm, i * n + j), E(g, j));
            R_SUB(acc, acc, p);
        }
        R_SET(E(L->d, i), acc);
    }
    double slope = dot_d(L, g, L->d);
    if (!(slope < 0)) {          /* H lost positive definiteness: restart */
        set_identity(L, L->hm, 1.0);
        L->bfgs_scaled = 0;
        set_neg_grad(L);
        slope = dot_d(L, g, L->d);
        k = 0;
    }
    double gnorm = R_D(L->gn);
    double a0 = k == 0 && !L->bfgs_scaled ? fmin(1.0, L->o->rate / gnorm) : 1.0;
    double a = nbi_wolfe(phi, L, a0, slope, L->o->c, NB_DESCENT_WOLFE_C2);
    if (a == 0)
        return NB_STOP_LS_FAIL;
    accept_step(L, a);
    bfgs_update(L);
    return -1;
}
/* gd, backtracking and newton map x(k) to x(k+1) with no other state, so a
 * repeated point proves a cycle (and an unchanged one, a standstill). */
static int stateless(NbDescentMethod m)
{
    return m == NB_DESCENT_GD || m == NB_DESCENT_BACKTRACKING ||
           m == NB_DESCENT_NEWTON;
}

/* One update from x(k) into X_NEW and the NEW slot; a stop code, or -1. */
static int take_step(Loop *L, long k)
{
    CVec x = X_CUR(L);
    Vec xn = X_NEW(L);
    switch (L->o->method) {
    case NB_DESCENT_GD: step_gd(L, x, xn); return -1;
    case NB_DESCENT_MOMENTUM: step_momentum(L, x, xn); return -1;
    case NB_DESCENT_NESTEROV: step_nesterov(L, x, xn); return -1;
    case NB_DESCENT_ADAM: step_adam(L, x, xn); return -1;
    case NB_DESCENT_BACKTRACKING: return step_backtracking(L);
    case NB_DESCENT_NEWTON: return step_newton(L);
    case NB_DESCENT_BFGS: return step_bfgs(L, k);
    default: return NB_STOP_LS_FAIL;
    }
}

/* After a step: did it reverse the previous one (the path zig-zags across
 * a valley), close a 2-cycle, or stand still? One pass over x(k-1), x(k),
 * x(k+1). Returns a pending stop, or -1. */
static int watch_step(Loop *L, long k)
{
    CVec xp = X_PREV(L), x = X_CUR(L), xn = X_NEW(L);
    int same_cur = 1, same_prev = k >= 1;
    TMP(acc, 0);
    TMP(a, 1);
    TMP(b, 2);
    R_SET_D(acc, 0.0);
    for (size_t i = 0; i < L->n; i++) {
        same_cur &= R_EQ(E(xn, i), E(x, i));
        same_prev &= R_EQ(E(xn, i), E(xp, i));
        R_SUB(a, E(x, i), E(xp, i));
        R_SUB(b, E(xn, i), E(x, i));
        R_MUL(a, a, b);
        R_ADD(acc, acc, a);
    }
    int rev = k >= 1 && R_D(acc) < 0;
    L->st->revbits = (L->st->revbits << 1) | (unsigned long long)rev;
    L->st->reversals += rev;
    if (!stateless(L->o->method))
        return -1;
    if (same_cur)
        return NB_STOP_STUCK;
    if (same_prev)
        return NB_STOP_CYCLE;
    return -1;
}

/* Stop rules checked at every point, in order (see NbStop). */
static int check_point(Loop *L, long k, int pending, int up, int down)
{
    const NbDescentOpts *o = L->o;
    S *f = &L->fv[L->cur];
    if (!R_FINITE(*f))
        return R_ISNAN(*f) ? NB_STOP_F_NAN : NB_STOP_F_INF;
    if (!R_FINITE(L->gn))
        return NB_STOP_G_NONFINITE;
    if (R_D(L->gn) < o->tol)
        return NB_STOP_GRAD;
    if (up >= NB_DESCENT_GROW_RUN && R_D(*f) > L->grow_limit)
        return NB_STOP_GROW;
    if (down >= NB_DESCENT_GROW_RUN && R_D(*f) < L->fall_limit)
        return NB_STOP_FALL;
    if (pending >= 0)
        return pending;
    if (k >= o->steps)
        return NB_STOP_LIMIT;
    if (k % NB_DESCENT_POLL == 0) {
        if (nb_interrupted)
            return NB_STOP_INTERRUPT;
        if (o->progress)
            o->progress(o->progress_ctx, k, R_D(*f), R_D(L->gn));
    }
    return -1;
}

static void grad_norm(Loop *L)
{
    CVec g = L->gv[L->cur];
    TMP(p, 0);
    R_SET_D(L->gn, 0.0);
    for (size_t i = 0; i < L->n; i++) {
        R_MUL(p, E(g, i), E(g, i));
        R_ADD(L->gn, L->gn, p);
    }
    R_SQRT(L->gn, L->gn);
}

/* The loop: at each point x(k) record, test the stop rules, step. */
static void run(Loop *L)
{
    LoopStats *st = L->st;
    int up = 0, down = 0, pending = -1;
    eval_at(L, X_CUR(L), L->cur, 1);
    grad_norm(L);
    st->f0 = R_D(L->fv[L->cur]);
    st->g0 = R_D(L->gn);
    L->grow_limit = st->f0 + NB_DESCENT_GROW_FACTOR * (1 + fabs(st->f0));
    L->fall_limit = st->f0 - NB_DESCENT_FALL_FACTOR * (1 + fabs(st->f0));
    for (long k = 0;; k++) {
        st->gring[k & (NB_GRING - 1)] = R_D(L->gn);
        if (k == L->tr->next)
            TRACE_PUSH(L, k, X_CUR(L), L->fv[L->cur], L->gn);
        int stop = check_point(L, k, pending, up, down);
        if (stop < 0)
            stop = take_step(L, k);
        if (stop >= 0) {
            st->stop = (NbStop)stop;
            st->k = k;
            st->up = up;
            st->down = down;
            break;
        }
        pending = watch_step(L, k);
        int nw = NEW(L);
        up = R_LT(L->fv[L->cur], L->fv[nw]) ? up + 1 : 0;
        down = R_LT(L->fv[nw], L->fv[L->cur]) ? down + 1 : 0;
        Vec t = L->xprev;
        L->xprev = L->xcur;
        L->xcur = L->xnew;
        L->xnew = t;
        L->cur = nw;
        grad_norm(L);
    }
    TRACE_PUSH(L, st->k, X_CUR(L), L->fv[L->cur], L->gn);
    double xm = 0;
    for (size_t i = 0; i < L->n; i++)
        xm = fmax(xm, fabs(R_D(E(X_CUR(L), i))));
    st->xmax_abs = xm;
}

static void loop_alloc(Loop *L)
{
    size_t n = L->n;
    R_INIT(L->rate); R_INIT(L->beta); R_INIT(L->beta1); R_INIT(L->beta2);
    R_INIT(L->eps); R_INIT(L->pw1); R_INIT(L->pw2); R_INIT(L->hbase);
    R_INIT(L->fv[0]); R_INIT(L->fv[1]); R_INIT(L->gn);
    for (int i = 0; i < 6; i++)
        R_INIT(L->t[i]);
    for (int i = 0; i < 2; i++)
        L->gv[i] = VNEW(L, n);
    for (int i = 0; i < 3; i++)
        L->xr[i] = VNEW(L, n);
    L->v = VNEW(L, n);
    L->s = VNEW(L, n);
    L->d = VNEW(L, n);
    L->xh = VNEW(L, n);
    L->hy = VNEW(L, n);
    L->hm = VNEW(L, n * n);
    L->lm = VNEW(L, n * n);
    L->xd = nb_xcalloc(n ? n : 1, sizeof *L->xd);
}

static void loop_release(Loop *L)
{
    size_t n = L->n;
    (void)n;   /* unused where VFREE ignores the length */
    R_CLEAR(L->rate); R_CLEAR(L->beta); R_CLEAR(L->beta1); R_CLEAR(L->beta2);
    R_CLEAR(L->eps); R_CLEAR(L->pw1); R_CLEAR(L->pw2); R_CLEAR(L->hbase);
    R_CLEAR(L->fv[0]); R_CLEAR(L->fv[1]); R_CLEAR(L->gn);
    for (int i = 0; i < 6; i++)
        R_CLEAR(L->t[i]);
    for (int i = 0; i < 2; i++)
        VFREE(L, L->gv[i], n);
    for (int i = 0; i < 3; i++)
        VFREE(L, L->xr[i], n);
    VFREE(L, L->v, n);
    VFREE(L, L->s, n);
    VFREE(L, L->d, n);
    VFREE(L, L->xh, n);
    VFREE(L, L->hy, n);
    VFREE(L, L->hm, n * n);
    VFREE(L, L->lm, n * n);
    free(L->xd);
}

/* Shared body of the entry points: parameters are set by the caller. */
static int loop_main(Loop *L, CVec start, NbDiag *d)
{
    if (L->o->method == NB_DESCENT_NEWTON && !HAS_HESS(L))
        return nb_diag_set(d, NB_ERR_ARGS,
                           "method \"newton\" needs the Hessian of f"), -1;
    R_SET_D(L->pw1, 1.0);
    R_SET_D(L->pw2, 1.0);
    if (L->o->h > 0)
        R_SET_D(L->hbase, L->o->h);
    else
        R_SET_2EXP(L->hbase, (long)lround(EPS_LOG2(L) / 3.0));
    set_identity(L, L->hm, 1.0);
    L->xprev = L->xr[0];
    L->xcur = L->xr[1];
    L->xnew = L->xr[2];
    for (size_t i = 0; i < L->n; i++)
        R_SET(E(X_CUR(L), i), E(start, i));
    run(L);
    return 0;
}
