/* exprs.h — the five expressions of issue 6 as text, for the peers that
 * parse a string (muparser, GNU libmatheval). Same order as bench_eval.c. */
#ifndef NABLA_BENCH_EXPRS_H
#define NABLA_BENCH_EXPRS_H
static const char *const bench_exprs[5] = {
    "sin(x)*exp(-x^2/2)",
    "(1-x)^2 + 100*(y-x^2)^2",
    "1/(1+exp(-x))",
    "x^8 - 3*x^7 + 5*x^6 - 2*x^5 + 7*x^4 - x^3 + 4*x^2 - 6*x + 9",
    "sin(x)^2 + cos(2*x)*x^3 - atan(x/3)/(1+x^2) + sqrt(1+x^4)",
};
#endif
