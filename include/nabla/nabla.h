/* nabla.h — the whole public API of libnabla in one include. */
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
#include "nabla/table.h"
#include "nabla/session.h"
#include "nabla/command.h"
#include "nabla/numdiff.h"
#include "nabla/descent.h"
#include "nabla/plot.h"
#include "nabla/progress.h"
#include "nabla/interrupt.h"
#endif
