/* fuzz_eval.c — libFuzzer harness: compile an expression and run it on
 * every evaluator, which must agree.
 *
 * Input: an expression (as in fuzz_roundtrip.c: the library's parser and
 * tests/unit/mini_lower.h), then optionally a NUL byte and the points, 8
 * bytes (a double) per variable value; points the input does not give come
 * from a fixed list of special values (0, -0, +-inf, NaN, huge, tiny,
 * subnormal) and from a generator seeded by the input. At most 3 free
 * variables. The program is compiled twice: one copy stays on the
 * interpreter (nbi_jit_off while it runs), the other gets native code.
 *
 * Properties (NaN payloads aside; src/exec/jit.h and compile.h promise these):
 *  1. interpreter == native code (nb_program_point_fn), bit for bit;
 *  2. nb_run_block_exact == interpreter, bit for bit, on both copies;
 *     nb_run_block == interpreter bit for bit when the program has no
 *     opcode the block kernels approximate (exp, sin, cos, sigmoid), and
 *     the two copies' nb_run_block agree bit for bit always;
 *  3. against MPFR (the first NMP points): the reference r is the MPFR VM
 *     at 300 bits, used where the 200-bit run agrees with it to 2^-150.
 *     The point is well-conditioned when A, the measured amplification of
 *     rounding errors (MPFR runs in the double exponent range at 58 and 61
 *     bits of the mp stream and at 53 bits of the double VM's own
 *     instruction stream: A = max |r_p - r| / (|r| 2^-p), at least 1), is
 *     at most 2^20, r is inside [2^-1000, 2^1000], and the double run
 *     raised no underflow. There the double result, the MPFR VM at 53
 *     bits and the fast block result (exp/sin/cos kernels within 1 ulp)
 *     are each within (64 + 16 A) ulp of r. Where r is NaN, an infinity
 *     or zero, and the 200-bit run, the 53-, 58- and 61-bit runs and runs
 *     at inputs moved by 2^-40 relative all say so, the double result must
 *     be the same kind. (tests/oracle/oracle_vm.c checks the same on
 *     random expressions; its bounds are calibrated there.)
 *  4. formatting: nb_format_double(d, 0) reads back (strtod) to d, never
 *     "-0"; nb_format_mpfr(r, 0) reads back at r's precision; and any
 *     digits (0 to 60, or to $NABLA_FUZZ_MAX_DIGITS: a lower bound keeps
 *     a known finding out of the way of a long run) format without error.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>

#include "nabla/nabla.h"
#include "exec/compile_internal.h"
#include "exec/jit.h"
#include "fuzz_common.h"
#include "../unit/mini_lower.h"

enum { NVARS = 3, NPTS = 13, NMP = 4, MAX_NODES = 3000 };

static FuzzRng rng;
static unsigned max_digits = 60;
/* Whether the machine keeps floating-point flags: valgrind does not, and
 * then no double run can be known free of underflow, so property 3's
 * comparison with MPFR is skipped (the others still hold). */
static int fp_flags_kept;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *s = getenv("NABLA_FUZZ_MAX_DIGITS");
    if (s && *s)
        max_digits = (unsigned)atoi(s);
    volatile double tiny = DBL_MIN, t;
    feclearexcept(FE_ALL_EXCEPT);
    t = tiny * 0.3; /* inexact below DBL_MIN: underflow */
    (void)t;
    fp_flags_kept = fetestexcept(FE_UNDERFLOW) != 0;
    return 0;
}

typedef struct Pt {
    double x[NVARS];
} Pt;

/* A vector anywhere: arithmetic on vectors is the session's (lower_vec.c),
 * and a program's outputs are numbers. */
static int has_vector(const NbExpr *e, int depth)
{
    if (e->kind == NB_VEC || e->kind == NB_STR || depth > 2 * NB_MAX_DEPTH)
        return 1;
    for (uint32_t i = 0; i < e->n; i++)
        if (has_vector(e->args[i], depth + 1))
            return 1;
    return 0;
}

static int same_bits(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static double special(unsigned k)
{
    static const double s[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN,
                               1e300, -1e-300, 0.5, 2.0, 0x1p-1070, 710.0,
                               -745.5, 3.141592653589793, 1e22, -0.75};
    return s[k % (sizeof s / sizeof s[0])];
}

static double random_point(void)
{
    switch (fuzz_rnd(&rng, 6)) {
    case 0: return special(fuzz_rnd(&rng, 64));
    case 1: return (fuzz_rnd(&rng, 2) ? 1 : -1) * pow(10, fuzz_rnd(&rng, 2001) / 100.0 - 10);
    default: return (fuzz_rnd(&rng, 1 << 20) / (double)(1 << 20) - 0.5) * 8;
    }
}

/* Does the fast block mode approximate an opcode of p? */
static int block_approximates(const NbProgram *p)
{
    for (const NbIns *in = p->dbl.ins; in->op != NB_OP_END; in++)
        switch (in->op) {
        case NB_OP_EXP: case NB_OP_EXPK: case NB_OP_SIN: case NB_OP_COS:
        case NB_OP_SIGMOID:
            return 1;
        default:
            break;
        }
    return 0;
}

static const NbExpr *shown; /* the input's expression, for show_point */

static void show_point(const Pt *pt, size_t nv)
{
    fprintf(stderr, "at (");
    for (size_t v = 0; v < nv; v++)
        fprintf(stderr, "%s%a", v ? ", " : "", pt->x[v]);
    fprintf(stderr, ")\n");
    if (shown) {
        char *t = nb_print(shown, NULL);
        fprintf(stderr, "of %s\n", t);
        free(t);
    }
}

/* --- 3. MPFR ---------------------------------------------------------------- */

/* Run p's mp stream at prec bits; dbl_range: in the double exponent range.
 * prec == 53 with dbl_range runs the dbl stream (the double VM's own
 * operations, each correctly rounded). */
static void run_at(const NbProgram *p, mpfr_prec_t prec, int dbl_range,
                   const double *x, mpfr_ptr r)
{
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_t in[NVARS];
    NbProgram replica = *p;
    if (prec == 53 && dbl_range)
        replica.mp = p->dbl;
    if (dbl_range) { /* before the VM converts its constants */
        mpfr_set_emin(-1073);
        mpfr_set_emax(1024);
    }
    NbMpfrVm *vm = nb_mpfr_vm_new(&replica, prec);
    if (!vm)
        fuzz_fail("nb_mpfr_vm_new refused %ld bits", (long)prec);
    for (int v = 0; v < NVARS; v++) {
        mpfr_init2(in[v], 53);
        mpfr_set_d(in[v], x[v], MPFR_RNDN);
    }
    nb_run_mpfr(vm, (mpfr_srcptr[]){in[0], in[1], in[2]}, (mpfr_ptr[]){r});
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    for (int v = 0; v < NVARS; v++)
        mpfr_clear(in[v]);
    nb_mpfr_vm_free(vm);
}

/* |a - r| / (|r| 2^-p), computed at 64 bits. */
static double err_units(mpfr_srcptr a, mpfr_srcptr r, long p)
{
    mpfr_t t;
    mpfr_init2(t, 64);
    mpfr_sub(t, a, r, MPFR_RNDN);
    mpfr_div(t, t, r, MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_mul_2si(t, t, p, MPFR_RNDN);
    double e = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
    return isnan(e) ? INFINITY : e;
}

/* 0 NaN, 1 +inf, 2 -inf, 3 zero (either sign), 4 a regular number */
static int kind_d(double d)
{
    return isnan(d) ? 0 : isinf(d) ? (d > 0 ? 1 : 2) : d == 0 ? 3 : 4;
}

static int kind_mp(mpfr_srcptr m)
{
    return mpfr_nan_p(m) ? 0 : mpfr_inf_p(m) ? (mpfr_sgn(m) > 0 ? 1 : 2)
           : mpfr_zero_p(m) ? 3 : 4;
}

static const char *const kind_names[] = {"NaN", "+inf", "-inf", "0", "a number"};

/* A non-regular reference: d must be of its kind when every run agrees. */
static void check_kind(const NbProgram *p, const Pt *pt, size_t nv, double d,
                       mpfr_srcptr r, mpfr_srcptr r200)
{
    mpfr_t lo;
    mpfr_init2(lo, 300);
    int same = kind_mp(r200) == kind_mp(r);
    for (long prec = 53; prec <= 61 && same; prec += prec == 53 ? 5 : 3) {
        mpfr_set_prec(lo, prec);
        run_at(p, prec, 1, pt->x, lo);
        same = kind_mp(lo) == kind_mp(r);
    }
    for (int sg = -1; sg <= 1 && same; sg += 2) {
        double xp[NVARS];
        for (int v = 0; v < NVARS; v++)
            xp[v] = pt->x[v] * (1 + sg * 0x1p-40);
        mpfr_set_prec(lo, 300);
        run_at(p, 300, 0, xp, lo);
        same = kind_mp(lo) == kind_mp(r);
    }
    mpfr_clear(lo);
    if (same && kind_d(d) != kind_mp(r)) {
        fprintf(stderr, "double %a where MPFR gives %s ", d, kind_names[kind_mp(r)]);
        show_point(pt, nv);
        fuzz_fail("the double VM and MPFR disagree on the kind of the result");
    }
}

static void check_mpfr(const NbProgram *p, const Pt *pt, size_t nv, double d,
                       double fast, int approximates, int underflow)
{
    mpfr_t r, r200, lo;
    mpfr_inits2(300, r, r200, lo, (mpfr_ptr)0);
    mpfr_set_prec(r200, 200);
    run_at(p, 300, 0, pt->x, r);
    run_at(p, 200, 0, pt->x, r200);
    /* the MPFR VM at 53 bits, full exponent range */
    mpfr_set_prec(lo, 53);
    run_at(p, 53, 0, pt->x, lo);
    if (!mpfr_regular_p(r)) {
        check_kind(p, pt, nv, d, r, r200);
        goto done;
    }
    if (mpfr_get_exp(r) > 1000 || mpfr_get_exp(r) < -1000
        || err_units(r200, r, 150) > 1 || underflow)
        goto done;
    double m53 = mpfr_regular_p(lo) ? err_units(lo, r, 52) : INFINITY;
    double A = 1;
    for (long prec = 53; prec <= 61; prec += prec == 53 ? 5 : 3) {
        mpfr_set_prec(lo, prec);
        run_at(p, prec, 1, pt->x, lo);
        double a = mpfr_regular_p(lo) ? err_units(lo, r, prec) : INFINITY;
        A = a > A ? a : A;
    }
    if (A > 0x1p20)
        goto done;
    double tol = 64 + 16 * A;
    mpfr_set_prec(lo, 64);
    mpfr_set_d(lo, d, MPFR_RNDN);
    double ed = err_units(lo, r, 52);
    mpfr_set_d(lo, fast, MPFR_RNDN);
    double ef = approximates ? err_units(lo, r, 52) : 0;
    if (!(ed <= tol) || !(m53 <= tol) || !(ef <= tol)) {
        fprintf(stderr, "MPFR 300 bits: %.17g; double %.17g (%g ulp), fast block "
                "%.17g (%g ulp), MPFR 53 bits: %g ulp; A = %g, bound %g ulp ",
                mpfr_get_d(r, MPFR_RNDN), d, ed, fast, ef, m53, A, tol);
        show_point(pt, nv);
        fuzz_fail("an evaluator is further from MPFR than its bound");
    }
done:
    mpfr_clears(r, r200, lo, (mpfr_ptr)0);
}

/* --- 4. formatting ----------------------------------------------------------- */

static void check_format(double d, mpfr_srcptr m, int digits)
{
    char *s = nb_format_double(d, 0);
    if (!s)
        fuzz_fail("nb_format_double(%a, 0) returned NULL", d);
    if (strcmp(s, "-0") == 0 || (isnan(d) && strcmp(s, "nan") != 0))
        fuzz_fail("nb_format_double(%a, 0) printed '%s'", d, s);
    if (!isnan(d) && !same_bits(strtod(s, NULL), d == 0 ? 0.0 : d))
        fuzz_fail("nb_format_double(%a, 0) printed '%s', which reads back as %a",
                  d, s, strtod(s, NULL));
    free(s);
    free(nb_format_double(d, digits));
    s = nb_format_mpfr(m, 0);
    if (!s)
        fuzz_fail("nb_format_mpfr returned NULL");
    if (mpfr_number_p(m)) {
        mpfr_t back;
        mpfr_init2(back, mpfr_get_prec(m));
        mpfr_strtofr(back, s, NULL, 10, MPFR_RNDN);
        if (!mpfr_equal_p(back, m))
            fuzz_fail("nb_format_mpfr at %ld bits printed '%s', which reads "
                      "back as another value", (long)mpfr_get_prec(m), s);
        mpfr_clear(back);
    }
    free(s);
    free(nb_format_mpfr(m, digits));
}

/* --- the run ------------------------------------------------------------------ */

static void run_points(const NbProgram *pi, const NbProgram *pj, size_t nv,
                       const Pt *pts)
{
    size_t ns = nb_program_scratch(pi);
    double *scratch = malloc((ns ? ns : 1) * sizeof(double));
    double d[NPTS], jit[NPTS];
    int underflow[NPTS];
    static double xs[NVARS][NPTS], bi[4][NPTS];
    for (size_t v = 0; v < NVARS; v++)
        for (size_t i = 0; i < NPTS; i++)
            xs[v][i] = pts[i].x[v];
    const double *const xin[NVARS] = {xs[0], xs[1], xs[2]};

    nbi_jit_off = 1;  /* pi stays on the interpreter */
    for (size_t i = 0; i < NPTS; i++) {
        feclearexcept(FE_ALL_EXCEPT);
        nb_run_double(pi, pts[i].x, &d[i], scratch);
        underflow[i] = !fp_flags_kept || fetestexcept(FE_UNDERFLOW) != 0;
    }
    nb_run_block_exact(pi, NPTS, xin, (double *const[]){bi[0]});
    nb_run_block(pi, NPTS, xin, (double *const[]){bi[1]});
    nbi_jit_off = 0;
    NbPointFn *fn = nb_program_point_fn(pj);
    for (size_t i = 0; i < NPTS; i++)
        fn(pj, pts[i].x, &jit[i], scratch);
    nb_run_block_exact(pj, NPTS, xin, (double *const[]){bi[2]});
    nb_run_block(pj, NPTS, xin, (double *const[]){bi[3]});
    free(scratch);

    int approximates = block_approximates(pi);
    for (size_t i = 0; i < NPTS; i++) {
        const char *what = !same_bits(d[i], jit[i]) ? "native code"
                           : !same_bits(d[i], bi[0][i]) ? "block exact (interpreted)"
                           : !same_bits(d[i], bi[2][i]) ? "block exact (native copy)"
                           : !same_bits(bi[1][i], bi[3][i]) ? "fast block (native copy)"
                           : !approximates && !same_bits(d[i], bi[1][i]) ? "fast block"
                           : NULL;
        if (what) {
            fprintf(stderr, "interpreter %a, native %a, block exact %a / %a, "
                    "fast block %a / %a ", d[i], jit[i], bi[0][i], bi[2][i],
                    bi[1][i], bi[3][i]);
            show_point(&pts[i], nv);
            fuzz_fail("%s differs from the interpreter", what);
        }
    }
    for (size_t i = 0; i < NMP; i++)
        check_mpfr(pi, &pts[i], nv, d[i], bi[1][i], approximates, underflow[i]);
    mpfr_t m;
    mpfr_init2(m, 2 + fuzz_rnd(&rng, 300));
    run_at(pi, mpfr_get_prec(m), 0, pts[0].x, m);
    check_format(d[0], m, (int)fuzz_rnd(&rng, max_digits + 1));
    mpfr_clear(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_skip_known(data, size))
        return 0;
    char *text = fuzz_text(data, size);
    size_t tlen = strlen(text);
    rng = fuzz_rng(data, size);
    NbStore *st = nb_store_new();
    const NbExpr *e = mini_parse(st, text);
    shown = e;
    const NbExpr *vars[NVARS];
    size_t nv;
    if (!e || nb_dag_size(e) > MAX_NODES || has_vector(e, 0)
        || (nv = nb_free_syms(e, vars, NVARS)) > NVARS)
        goto out;
    NbDiag d = NB_DIAG_INIT;
    NbProgram *pi = nb_compile(st, 1, &e, nv, vars, &d);
    NbProgram *pj = pi ? nb_compile(st, 1, &e, nv, vars, &d) : NULL;
    if (!pi || !pj)
        fuzz_fail("nb_compile failed on an expression of built-ins: %s",
                  d.msg ? d.msg : "(no message)");
    nb_diag_clear(&d);
    /* the points: from the input after its NUL, then special and random */
    Pt pts[NPTS];
    const uint8_t *pd = data + tlen + 1;
    size_t left = size > tlen ? size - tlen - 1 : 0;
    for (size_t i = 0; i < NPTS; i++)
        for (size_t v = 0; v < NVARS; v++) {
            if (v >= nv) {
                pts[i].x[v] = 0;
            } else if (left >= sizeof(double)) {
                memcpy(&pts[i].x[v], pd, sizeof(double));
                pd += sizeof(double);
                left -= sizeof(double);
                /* a signalling NaN from the bytes: no nabla value is one
                 * (MPFR has none; glibc's pow(sNaN, 0) is NaN, not 1) */
                if (isnan(pts[i].x[v]))
                    pts[i].x[v] = copysign(NAN, pts[i].x[v]);
            } else {
                pts[i].x[v] = i < 3 ? special(i + 7 * v + fuzz_rnd(&rng, 4)) : random_point();
            }
        }
    run_points(pi, pj, nv, pts);
    nb_program_free(pi);
    nb_program_free(pj);
out:
    nb_store_free(st);
    mpfr_free_cache();
    free(text);
    return 0;
}
