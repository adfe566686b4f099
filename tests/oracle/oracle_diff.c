/* oracle_diff.c — symbolic derivatives against two independent references.
 *
 * 1. Random expressions over every built-in that has a derivative rule
 *    (seeded; NB_TEST_SEED replays): the symbolic derivative, compiled and
 *    run in MPFR at 1000 bits at a random point, agrees with the central
 *    difference (f(x+h) - f(x-h))/2h at 1000 bits with h = 2^-300
 *    (truncation ~ 2^-600, rounding ~ 2^-700) to at least 30 significant
 *    digits. Points where f or the difference is not finite (outside a
 *    domain) or where the forward and backward differences disagree (a
 *    kink of abs, floor, min, ... within h) are skipped; at least 300
 *    expressions must be compared. Higher orders (2..5) likewise against
 *    the central n-th difference at 3000 bits with h = 2^-120.
 * 2. A fixed list of expressions differentiated by SymPy and evaluated by
 *    mpmath to 60 digits (data/sympy_diff.txt, made by
 *    data/gen_sympy_diff.py): nabla's derivatives at 256 bits agree to 40
 *    significant digits.
 */
#include "nabla/nabla.h"
#include "../unit/check.h"

#include <math.h>

static NbStore *st;
static const NbExpr *X, *Y;
static unsigned long long rng;

static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng >> 33) % n);
}

/* --- random expressions ------------------------------------------------ */

static const NbExpr *leaf(void)
{
    switch (rnd(7)) {
    case 0: case 1: case 2: return X;
    case 3: return Y;
    case 4: return nb_num_si(st, (long)rnd(9) - 3);
    case 5: return nb_num_frac(st, (long)rnd(19) - 9, rnd(6) + 2);
    default: return nb_const(st, NB_CONST_PI);
    }
}

static const NbExpr *gen(int depth)
{
    if (depth <= 0 || rnd(10) < 2)
        return leaf();
    const NbExpr *a[3];
    switch (rnd(7)) {
    case 0: {
        size_t n = 2 + rnd(2);
        for (size_t i = 0; i < n; i++)
            a[i] = gen(depth - 1);
        return nb_add(st, n, a);
    }
    case 1: return nb_mul2(st, gen(depth - 1), gen(depth - 1));
    case 2: return nb_div(st, gen(depth - 1), gen(depth - 1));
    case 3: return nb_pow(st, gen(depth - 1),
                          rnd(3) ? nb_num_frac(st, (long)rnd(9) - 3, rnd(3) + 1)
                                 : gen(depth - 1));
    default: {
        int id;
        do
            id = (int)rnd(NB_FN__COUNT);
        while (id == NB_FN_POLYGAMMA); /* its order n is no expression */
        const NbBuiltin *b = &nb_builtins[id];
        int n = b->min_args + (int)rnd((unsigned)(b->max_args - b->min_args + 1));
        for (int i = 0; i < n; i++)
            a[i] = gen(depth - 1);
        return nb_fn(st, (NbFnId)id, (size_t)n, a);
    }
    }
}

/* --- evaluation ----------------------------------------------------------- */

typedef struct Eval {
    NbProgram *p;
    NbMpfrVm *vm;
    mpfr_t in[2], out[2];
} Eval;

static int eval_new(Eval *ev, size_t nout, const NbExpr *const *outs,
                    mpfr_prec_t prec)
{
    const NbExpr *vars[2] = {X, Y};
    NbDiag d = NB_DIAG_INIT;
    ev->p = nb_compile(st, nout, outs, 2, vars, &d);
    nb_diag_clear(&d);
    if (!ev->p)
        return 0;
    ev->vm = nb_mpfr_vm_new(ev->p, prec);
    for (int i = 0; i < 2; i++)
        mpfr_inits2(prec, ev->in[i], ev->out[i], NULL);
    return 1;
}

static void eval_free(Eval *ev)
{
    nb_mpfr_vm_free(ev->vm);
    nb_program_free(ev->p);
    for (int i = 0; i < 2; i++)
        mpfr_clears(ev->in[i], ev->out[i], NULL);
}

/* Outputs at (x, y); 0 when any is not finite. */
static int eval_at(Eval *ev, mpfr_srcptr x, mpfr_srcptr y, size_t nout)
{
    mpfr_set(ev->in[0], x, MPFR_RNDN);
    mpfr_set(ev->in[1], y, MPFR_RNDN);
    mpfr_srcptr in[2] = {ev->in[0], ev->in[1]};
    mpfr_ptr out[2] = {ev->out[0], ev->out[1]};
    nb_run_mpfr(ev->vm, in, out);
    for (size_t i = 0; i < nout; i++)
        if (!mpfr_number_p(ev->out[i]))
            return 0;
    return 1;
}

/* Do a and b agree to `digits` significant digits (or both below tiny)? */
static int agree(mpfr_srcptr a, mpfr_srcptr b, double digits, double tiny)
{
    mpfr_t d, m;
    mpfr_inits2(mpfr_get_prec(a), d, m, NULL);
    mpfr_sub(d, a, b, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_abs(m, a, MPFR_RNDN);
    if (mpfr_cmpabs(b, m) > 0)
        mpfr_abs(m, b, MPFR_RNDN);
    mpfr_mul_d(m, m, pow(10, -digits), MPFR_RNDN);
    int ok = mpfr_cmp(d, m) <= 0 || mpfr_cmp_d(d, tiny) <= 0;
    mpfr_clears(d, m, NULL);
    return ok;
}

static char *str_of(mpfr_srcptr v)
{
    return nb_format_mpfr(v, 40);
}

static int failures, shown;

static void report(const char *what, const NbExpr *e, long n, mpfr_srcptr x,
                   mpfr_srcptr sym, mpfr_srcptr num)
{
    failures++;
    if (shown++ >= 10)
        return;
    char *s = nb_print(e, NULL), *xs = str_of(x), *a = str_of(sym), *b = str_of(num);
    printf("# %s: order %ld of %s at x = %s: symbolic %s, numeric %s\n", what, n,
           s, xs, a, b);
    free(s), free(xs), free(a), free(b);
}

/* n-th central difference of f (first output of ev) at x with step h. */
static int central(Eval *ev, long n, mpfr_srcptr x, mpfr_srcptr y,
                   mpfr_srcptr h, mpfr_ptr r)
{
    mpfr_prec_t prec = mpfr_get_prec(r);
    mpfr_t t, xi;
    mpfr_inits2(prec, t, xi, NULL);
    mpfr_set_ui(r, 0, MPFR_RNDN);
    int ok = 1;
    for (long k = 0; k <= n && ok; k++) {
        /* x + (n/2 - k) h */
        mpfr_mul_si(xi, h, n - 2 * k, MPFR_RNDN);
        mpfr_div_2ui(xi, xi, 1, MPFR_RNDN);
        mpfr_add(xi, xi, x, MPFR_RNDN);
        ok = eval_at(ev, xi, y, 1);
        mpz_t bin;
        mpz_init(bin);
        mpz_bin_uiui(bin, (unsigned long)n, (unsigned long)k);
        mpfr_mul_z(t, ev->out[0], bin, MPFR_RNDN);
        mpz_clear(bin);
        if (k % 2)
            mpfr_sub(r, r, t, MPFR_RNDN);
        else
            mpfr_add(r, r, t, MPFR_RNDN);
    }
    mpfr_pow_si(t, h, n, MPFR_RNDN);
    mpfr_div(r, r, t, MPFR_RNDN);
    mpfr_clears(t, xi, NULL);
    return ok;
}

/* One random expression, order n: 1 compared, 0 skipped, -1 failed. */
static int check_one(const NbExpr *e, long n)
{
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *de = nb_diff_n(st, e, X, n, &d);
    nb_diag_clear(&d);
    if (!de || nb_dag_size(de) > 3000)
        return 0;
    mpfr_prec_t prec = n == 1 ? 1000 : 3000;
    long hexp = n == 1 ? 300 : 120;
    const NbExpr *outs[2] = {e, de};
    Eval ev;
    if (!eval_new(&ev, 2, outs, prec))
        return 0;
    mpfr_t x, y, h, num, sym, fwd, bwd;
    mpfr_inits2(prec, x, y, h, num, sym, fwd, bwd, NULL);
    mpfr_set_ui(x, rnd(2800) + 101, MPFR_RNDN);
    mpfr_div_ui(x, x, 997, MPFR_RNDN);
    mpfr_set_ui(y, 7, MPFR_RNDN);
    mpfr_div_ui(y, y, 5, MPFR_RNDN);
    mpfr_set_ui_2exp(h, 1, -hexp, MPFR_RNDN);
    int r = 0;
    if (eval_at(&ev, x, y, 2)) {
        mpfr_set(sym, ev.out[1], MPFR_RNDN);
        /* kink test: one-sided differences of order 1 agree */
        mpfr_t f0, cond;
        mpfr_inits2(prec, f0, cond, NULL);
        mpfr_set(f0, ev.out[0], MPFR_RNDN);
        /* rounding error of the difference, |f| 2^(n - prec) / h^n, must be
         * far below the tolerance (cot(pi) is finite but huge in MPFR) */
        mpfr_abs(cond, f0, MPFR_RNDN);
        mpfr_mul_2si(cond, cond, n - (long)prec + n * hexp + 120, MPFR_RNDN);
        int ok = central(&ev, n, x, y, h, num);
        mpfr_add(fwd, x, h, MPFR_RNDN);
        ok = ok && eval_at(&ev, fwd, y, 1);
        mpfr_sub(fwd, ev.out[0], f0, MPFR_RNDN);
        mpfr_sub(bwd, x, h, MPFR_RNDN);
        ok = ok && eval_at(&ev, bwd, y, 1);
        mpfr_sub(bwd, f0, ev.out[0], MPFR_RNDN);
        mpfr_clear(f0);
        ok = ok && mpfr_cmpabs(cond, num) <= 0 && mpfr_cmpabs(cond, sym) <= 0;
        mpfr_clear(cond);
        if (ok && agree(fwd, bwd, 20, 1e-200)) {
            r = 1;
            if (!agree(sym, num, 30, n == 1 ? 1e-150 : 1e-60)) {
                report("derivative disagrees", e, n, x, sym, num);
                r = -1;
            }
        }
    }
    mpfr_clears(x, y, h, num, sym, fwd, bwd, NULL);
    eval_free(&ev);
    return r;
}

static void test_random(void)
{
    long compared = 0, failed = 0, high = 0;
    for (int i = 0; i < 1500; i++) {
        const NbExpr *e = gen(1 + (int)rnd(3));
        int r = check_one(e, 1);
        compared += r != 0;
        failed += r < 0;
        if (i % 5 == 0) {
            r = check_one(e, 2 + (long)rnd(4));
            high += r != 0;
            failed += r < 0;
        }
    }
    CHECK(compared >= 300, "%ld random first derivatives compared (>= 300)",
          compared);
    CHECK(high >= 30, "%ld random higher derivatives compared (>= 30)", high);
    CHECK(failed == 0, "symbolic = numeric to 30 digits: %ld failures", failed);
}

/* --- SymPy references ---------------------------------------------------- */

static void test_sympy(void)
{
    FILE *f = fopen("oracle/data/sympy_diff.txt", "r");
    if (!f)
        f = fopen("tests/oracle/data/sympy_diff.txt", "r");
    CHECK(f != NULL, "open oracle/data/sympy_diff.txt");
    if (!f)
        return;
    char line[4096];
    long n = 0, bad = 0;
    mpfr_t want, xv, yv;
    mpfr_inits2(256, want, xv, yv, NULL);
    while (fgets(line, sizeof line, f)) {
        char *fld[5];
        char *p = line;
        int k = 0;
        for (; k < 5 && p; k++) {
            fld[k] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
        }
        if (k < 5)
            continue;
        fld[4][strcspn(fld[4], "\n")] = 0;
        const NbExpr *e = nb_expr_parse(st, fld[0], NULL);
        NbDiag d = NB_DIAG_INIT;
        for (const char *v = fld[1]; e && *v; v++)
            e = nb_diff(st, e, *v == 'x' ? X : Y, &d);
        nb_diag_clear(&d);
        const NbExpr *xq = nb_expr_parse(st, fld[2], NULL),
                     *yq = nb_expr_parse(st, fld[3], NULL);
        int ok = 0;
        Eval ev;
        if (e && xq && yq && eval_new(&ev, 1, &e, 256)) {
            mpfr_set_q(xv, xq->u.q, MPFR_RNDN);
            mpfr_set_q(yv, yq->u.q, MPFR_RNDN);
            mpfr_set_str(want, fld[4], 10, MPFR_RNDN);
            ok = eval_at(&ev, xv, yv, 1) && agree(ev.out[0], want, 40, 1e-60);
            if (!ok && bad < 10) {
                char *g = str_of(ev.out[0]);
                printf("# sympy: d/%s %s at (%s, %s): nabla %s, sympy %s\n",
                       fld[1], fld[0], fld[2], fld[3], g, fld[4]);
                free(g);
            }
            eval_free(&ev);
        }
        n++;
        bad += !ok;
    }
    fclose(f);
    mpfr_clears(want, xv, yv, NULL);
    CHECK(n >= 200 && bad == 0, "%ld SymPy reference derivatives, %ld differ",
          n, bad);
}

int main(void)
{
    rng = check_seed();
    st = nb_store_new();
    X = nb_sym(st, "x");
    Y = nb_sym(st, "y");
    test_sympy();
    test_random();
    nb_store_free(st);
    mpfr_free_cache();
    return check_done();
}
