/* nabla.h — the public API of libnabla in one include (SPEC §10): the
 * expression store, parsing (nb_expr_parse: text to expression), the
 * canonical constructors and simplifier, printing, differentiation,
 * evaluation, compiled programs run in double, MPFR and complex, finite
 * differences and descent. These are the installed headers; the session,
 * its commands, tables, pictures and pages are the program's and are not.
 * examples/embed/derivative.c shows the calls an embedder makes.
 */
#ifndef NABLA_NABLA_H
#define NABLA_NABLA_H
#include "nabla/limits.h"
#include "nabla/diag.h"
#include "nabla/ast.h"
#include "nabla/parse.h"
#include "nabla/expr.h"
#include "nabla/builtins.h"
#include "nabla/simplify.h"
#include "nabla/print.h"
#include "nabla/eval.h"
#include "nabla/diff.h"
#include "nabla/compile.h"
#include "nabla/numdiff.h"
#include "nabla/descent.h"
#include "nabla/interrupt.h"
#endif
