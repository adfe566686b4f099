/* derivative.c — libnabla from C: parse a function, differentiate it, print
 * the derivative, compile it and evaluate it in double and in MPFR.
 *
 *   cc derivative.c $(pkg-config --cflags --libs nabla) -o derivative
 *   ./derivative                 f(x) = sin(x)*exp(-x^2/2), at x = 1
 *   ./derivative 'x^3' 2         any function of x, at any point
 */
#include <stdio.h>
#include <stdlib.h>
#include <nabla/nabla.h>

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "sin(x)*exp(-x^2/2)";
    double at = argc > 2 ? atof(argv[2]) : 1.0;
    NbStore *st = nb_store_new();
    NbDiag d = NB_DIAG_INIT;
    const NbExpr *x = nb_sym(st, "x");
    const NbExpr *f = nb_expr_parse(st, text, &d);            /* parse */
    const NbExpr *df = f ? nb_diff(st, f, x, &d) : NULL;      /* differentiate */
    NbProgram *p = df ? nb_compile(st, 1, &df, 1, &x, &d) : NULL; /* compile */
    if (!p) {
        nb_diag_print(&d, stderr);
        return 1;
    }
    char *s = nb_print(df, NULL);                             /* print */
    printf("f'(x) = %s\n", s);

    double out, *scratch = malloc(nb_program_scratch(p) * sizeof *scratch);
    nb_run_double(p, &at, &out, scratch);                     /* in double */
    printf("f'(%g) = %.17g\n", at, out);

    mpfr_t xm, ym;                                            /* in MPFR */
    mpfr_inits2(200, xm, ym, (mpfr_ptr)0);
    mpfr_set_d(xm, at, MPFR_RNDN);
    NbMpfrVm *vm = nb_mpfr_vm_new(p, 200);
    nb_run_mpfr(vm, (mpfr_srcptr[]){xm}, (mpfr_ptr[]){ym});
    mpfr_printf("f'(%g) = %.50Rf (200 bits)\n", at, ym);

    mpfr_clears(xm, ym, (mpfr_ptr)0);
    nb_mpfr_vm_free(vm);
    free(scratch);
    free(s);
    nb_program_free(p);
    nb_store_free(st);
    return 0;
}
