/* diff.c — symbolic differentiation (contract: diff.h).
 *
 * One derivative: a post-order walk of the DAG with an explicit stack (no
 * recursion) and a memo per node for the fixed variable, so each distinct
 * node is differentiated once. Rules: sums term by term; products by the
 * n-ary product rule (sum over i of the product with factor i replaced by
 * its derivative); u^v by the general power rule (v constant: v*u^(v-1)*u';
 * u constant: log(u)*u^v*v'; both: u^v*(v'*log(u) + v*u'/u)); calls by the
 * chain rule over the partials of their builtins.h row.
 *
 * Every result — first derivative or n-th — is then put in COLLECTED form
 * with respect to the variable x: a sum over distinct non-polynomial
 * factors A ("atoms": sin(x), exp(-x^2/2), y, (x+1)^-1, and products of
 * them) of a polynomial in x with exact coefficients times A. Repeated
 * differentiation runs in that representation (a "group form"): d(P*A) =
 * P'*A + P*A', where A' (itself put in group form) is computed once per
 * atom and cached, so the n-th derivative of sin(x)*exp(-x^2/2) costs n
 * steps of dense polynomial arithmetic on two groups, and the result is
 * (p(x)*sin(x) + q(x)*cos(x))*exp(-x^2/2) with p, q expanded. A product
 * with one sum factor is distributed when it enters the group form (which
 * keeps terms flat: -(x - 1)*exp(u) becomes -x*exp(u) + exp(u)); products
 * of several sums are kept as atoms, so collection never multiplies out
 * (x+1)(x+2)...(x+20).
 *
 * Limits: a derivative that creates more than the node limit (NB_MAX_NODES,
 * lowered by nb_diff_set_max_nodes() in tests), or whose group form holds
 * more coefficients than that, or coefficients past NB_MAX_EXACT_BITS,
 * fails with NB_ERR_SWELL. nb_interrupted is polled every few hundred
 * nodes and every order.
 */
#include "nabla/diff.h"
#include "nabla/simplify.h"
#include "nabla/builtins.h"
#include "nabla/eval.h"
#include "nabla/limits.h"
#include "nabla/parse.h"
#include "util/alloc.h"
#include "core/nodemap.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Degrees above this stay atoms (x^100000): dense polynomials stay small. */
#define GF_MAX_DEGREE 4096

/* Distinct non-polynomial products one derivative may have (plus 4 per
 * product of the function differentiated). Beyond it the result could be
 * neither printed nor read, and computing it would take minutes and
 * gigabytes (the 18th derivative of sin(sin(sin(sin(sin(x)))))) has 50000
 * of them): NB_ERR_SWELL within seconds instead. */
#define GF_MAX_GROUPS 20000

static long diff_max_nodes = NB_MAX_NODES;

long nb_diff_set_max_nodes(long n)
{
    long old = diff_max_nodes;
    diff_max_nodes = n > 0 ? n : NB_MAX_NODES;
    return old;
}

/* --- context --------------------------------------------------------------- */

typedef struct GForm GForm;

typedef struct Ctx {
    NbStore *st;
    const NbExpr *var;
    NbDiag *d;
    NbNodeMap memo;       /* node -> its derivative */
    NbNodeMap atoms;      /* atom -> GForm of its derivative */
    size_t start;    /* store size when the work began */
    size_t max_groups;
    unsigned long ticks;
    int failed;
} Ctx;

static void ctx_init(Ctx *c, NbStore *st, const NbExpr *var, NbDiag *d)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    c->var = var;
    c->d = d;
    c->start = nb_store_count(st);
}

static void gf_free(GForm *g);

static void ctx_free(Ctx *c)
{
    for (size_t i = 0; i < c->atoms.cap; i++)
        if (c->atoms.keys[i])
            gf_free(c->atoms.vals[i]);
    nb_nodemap_free(&c->atoms);
    nb_nodemap_free(&c->memo);
}

/* Swell and interrupt check; returns 0 (and sets the diag) to stop. */
static int ctx_ok(Ctx *c)
{
    if (c->failed)
        return 0;
    if (++c->ticks % 256 == 0 && nb_interrupted) {
        nb_diag_set(c->d, NB_ERR_INTERRUPTED, "interrupted");
        c->failed = 1;
        return 0;
    }
    if (nb_store_over_budget_diag(c->st, c->d)) {
        c->failed = 1;
        return 0;
    }
    if ((long)(nb_store_count(c->st) - c->start) > diff_max_nodes) {
        nb_diag_set(c->d, NB_ERR_SWELL,
                    "derivative too large: more than %ld new nodes",
                    diff_max_nodes);
        c->failed = 1;
        return 0;
    }
    return 1;
}

/* --- one derivative: the rules ------------------------------------------ */

static const NbExpr *zero(Ctx *c) { return nb_num_si(c->st, 0); }

static const NbExpr *d_of(Ctx *c, const NbExpr *e)
{
    return nb_nodemap_get(&c->memo, e);
}

static const NbExpr *rule_add(Ctx *c, const NbExpr *e)
{
    const NbExpr **t = nb_xcalloc(e->n, sizeof *t);
    size_t k = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *di = d_of(c, e->args[i]);
        if (!nb_is_zero(di))
            t[k++] = di;
    }
    const NbExpr *r = k ? nb_add(c->st, k, t) : zero(c);
    free(t);
    return r;
}

/* (f1*...*fn)' = sum over i of f1*...*fi'*...*fn */
static const NbExpr *rule_mul(Ctx *c, const NbExpr *e)
{
    const NbExpr **f = nb_xcalloc(e->n, sizeof *f);
    const NbExpr **t = nb_xcalloc(e->n, sizeof *t);
    size_t k = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *di = d_of(c, e->args[i]);
        if (nb_is_zero(di))
            continue;
        memcpy(f, e->args, e->n * sizeof *f);
        f[i] = di;
        t[k++] = nb_mul(c->st, e->n, f);
    }
    const NbExpr *r = k ? nb_add(c->st, k, t) : zero(c);
    free(f);
    free(t);
    return r;
}

static const NbExpr *mul3(NbStore *st, const NbExpr *a, const NbExpr *b,
                          const NbExpr *x)
{
    const NbExpr *f[3] = {a, b, x};
    return nb_mul(st, 3, f);
}

/* (u^v)': v constant: v*u^(v-1)*u'; u constant: log(u)*u^v*v';
 * both: u^v*(v'*log(u) + v*u'/u). */
static const NbExpr *rule_pow(Ctx *c, const NbExpr *e)
{
    NbStore *st = c->st;
    const NbExpr *u = e->args[0], *v = e->args[1];
    const NbExpr *du = d_of(c, u), *dv = d_of(c, v);
    if (nb_is_zero(dv)) {
        if (nb_is_zero(du))
            return zero(c);
        const NbExpr *vm1 = nb_add2(st, v, nb_num_si(st, -1));
        return mul3(st, v, nb_pow(st, u, vm1), du);
    }
    const NbExpr *lu = nb_fn1(st, NB_FN_LOG, u);
    if (nb_is_zero(du))
        return mul3(st, lu, e, dv);
    const NbExpr *inner = nb_add2(st, nb_mul2(st, dv, lu),
                                  mul3(st, v, du, nb_pow_si(st, u, -1)));
    return nb_mul2(st, e, inner);
}

/* --- the built-ins' derivative formulas ------------------------------- */

/* The i-th of the comma-separated parameter names: 1 when it is name. */
static int param_is(const char *params, int i, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = params; *s; i--) {
        while (*s == ' ')
            s++;
        size_t k = strcspn(s, ", ");
        if (i == 0)
            return k == n && strncmp(s, name, n) == 0;
        s += k;
        while (*s == ' ' || *s == ',')
            s++;
    }
    return 0;
}

/* The syntax tree of a formula, built: names are the row's parameters (the
 * call's arguments) or constants; calls are built-ins. A formula is part
 * of the table, so one that does not read is a defect (assert; the oracle
 * test builds every row's). */
static const NbExpr *build_formula(NbStore *st, const NbAst *t,
                                   const NbBuiltin *b,
                                   const NbExpr *const *args)
{
    const NbExpr *x[2] = {NULL, NULL};
    for (int i = 0; i < t->nargs && i < 2; i++)
        if (!(x[i] = build_formula(st, t->args[i], b, args)))
            return NULL;
    switch (t->kind) {
    case NB_AST_NUMBER: {
        mpq_t q;
        mpq_init(q);
        const NbExpr *r = nb_parse_number(t->text, q, NULL) == 0
                              ? nb_num_q(st, q) : NULL;
        mpq_clear(q);
        return r;
    }
    case NB_AST_NAME: {
        const char *params = b->params ? b->params
                             : b->max_args == 2 ? "x, y" : "x";
        for (int i = 0; i < b->max_args; i++)
            if (param_is(params, i, t->text))
                return args[i];
        int k = nb_constant_lookup(t->text);
        return k == NB_CONST_PI || k == NB_CONST_E
                   ? nb_const(st, (NbConstId)k) : NULL;
    }
    case NB_AST_UNARY:
        return t->op == '-' ? nb_neg(st, x[0]) : x[0];
    case NB_AST_BINARY:
        switch (t->op) {
        case '+': return nb_add2(st, x[0], x[1]);
        case '-': return nb_sub(st, x[0], x[1]);
        case '*': return nb_mul2(st, x[0], x[1]);
        case '/': return nb_div(st, x[0], x[1]);
        case '^': return nb_pow(st, x[0], x[1]);
        default: return NULL;
        }
    case NB_AST_CALL: {
        int fn = nb_builtin_lookup(t->text);
        if (fn < 0 || t->nargs > 2 || t->primes)
            return NULL;
        return nb_fn(st, (NbFnId)fn, (size_t)t->nargs, x);
    }
    default: return NULL;
    }
}

/* The rows' derivative formulas, parsed once per process: the text never
 * changes, and parsing it at every call cost a fifth of a first
 * derivative (bench_diff: 7.6 -> 9.4 us for sin(x)*exp(-x^2/2)). Each
 * slot is set once by compare-and-swap; a thread that loses the race
 * frees its own copy. The trees live until the process ends. */
typedef struct Formula {
    NbArena arena;
    NbAst *ast;
} Formula;
static _Atomic(Formula *) formulas[NB_FN__COUNT][2];

static const NbAst *formula(int fn, int i)
{
    Formula *f = atomic_load_explicit(&formulas[fn][i], memory_order_acquire);
    if (f)
        return f->ast;
    const NbBuiltin *b = &nb_builtins[fn];
    f = nb_xcalloc(1, sizeof *f);
    NbParser *p = nb_parser_new(b->name, b->deriv[i], strlen(b->deriv[i]));
    NbDiag d = {0};
    int ok = nb_parser_next(p, &f->arena, &f->ast, &d) == 1;
    nb_diag_clear(&d);
    nb_parser_free(p);
    assert(ok && "a derivative formula of builtins.c reads");
    (void)ok;
    Formula *none = NULL;
    if (!atomic_compare_exchange_strong(&formulas[fn][i], &none, f)) {
        nb_arena_free(&f->arena);
        free(f);
        f = none;
    }
    return f->ast;
}

const NbExpr *nb_builtin_deriv(NbStore *st, int fn, const NbExpr *const *args,
                               int i)
{
    assert(fn >= 0 && fn < NB_FN__COUNT && i >= 0 && i < 2);
    const NbBuiltin *b = &nb_builtins[fn];
    if (!b->deriv[i])
        return NULL;
    const NbExpr *r = build_formula(st, formula(fn, i), b, args);
    assert(r && "a derivative formula of builtins.c builds");
    return r;
}

static const NbExpr *rule_fn(Ctx *c, const NbExpr *e)
{
    const NbBuiltin *b = &nb_builtins[e->fn];
    const NbExpr **t = nb_xcalloc(e->n, sizeof *t);
    size_t k = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *di = d_of(c, e->args[i]);
        if (nb_is_zero(di))
            continue;
        if (!b->deriv[0] && !b->deriv[1]) {
            nb_diag_set(c->d, NB_ERR_DOMAIN,
                        "%s has no derivative rule in nabla", b->name);
            c->failed = 1;
            free(t);
            return NULL;
        }
        const NbExpr *p = nb_builtin_deriv(c->st, e->fn, e->args, (int)i);
        if (!p) {
            nb_diag_set(c->d, NB_ERR_DOMAIN, "%s has no derivative in its "
                        "argument %u in nabla", b->name, i + 1);
            c->failed = 1;
            free(t);
            return NULL;
        }
        t[k++] = nb_mul2(c->st, p, di);
    }
    const NbExpr *r = k ? nb_add(c->st, k, t) : zero(c);
    free(t);
    return r;
}

static const NbExpr *rule_vec(Ctx *c, const NbExpr *e)
{
    const NbExpr **t = nb_xcalloc(e->n, sizeof *t);
    for (uint32_t i = 0; i < e->n; i++)
        t[i] = d_of(c, e->args[i]);
    const NbExpr *r = nb_vec(c->st, e->n, t);
    free(t);
    return r;
}

/* Derivative of e given its children's (in the memo). */
static const NbExpr *rule(Ctx *c, const NbExpr *e)
{
    switch (e->kind) {
    case NB_NUM:
    case NB_FLT:
    case NB_CONST: return zero(c);
    case NB_SYM: return nb_num_si(c->st, e == c->var);
    case NB_STR:
        nb_diag_set(c->d, NB_ERR_TYPE, "cannot differentiate a string");
        c->failed = 1;
        return NULL;
    case NB_ADD: return rule_add(c, e);
    case NB_MUL: return rule_mul(c, e);
    case NB_POW: return rule_pow(c, e);
    case NB_FN: return rule_fn(c, e);
    case NB_VEC: return rule_vec(c, e);
    default: return zero(c);
    }
}

typedef struct Frame {
    const NbExpr *e;
    uint32_t next;
} Frame;

/* d e / d var, memoised in c->memo; NULL on error (c->d set). */
static const NbExpr *diff1(Ctx *c, const NbExpr *e)
{
    const NbExpr *done = d_of(c, e);
    if (done)
        return done;
    size_t cap = 64, n = 0;
    Frame *stk = nb_xcalloc(cap, sizeof *stk);
    stk[n++] = (Frame){e, 0};
    while (n && !c->failed) {
        Frame *f = &stk[n - 1];
        if (f->next < f->e->n) {
            const NbExpr *ch = f->e->args[f->next++];
            if (d_of(c, ch))
                continue;
            if (n == cap) {
                cap *= 2;
                stk = nb_xrealloc(stk, cap * sizeof *stk);
            }
            stk[n++] = (Frame){ch, 0};
            continue;
        }
        const NbExpr *x = f->e;
        n--;
        if (d_of(c, x))
            continue;
        const NbExpr *r = rule(c, x);
        if (!r || !ctx_ok(c))
            break;
        nb_nodemap_put(&c->memo, x, (void *)r);
    }
    free(stk);
    return c->failed ? NULL : d_of(c, e);
}

/* --- group form ------------------------------------------------------------ */

typedef struct Poly {
    mpq_t *c;        /* c[0..len): coefficient of x^i */
    size_t len, cap;
} Poly;

typedef struct Group {
    const NbExpr *key;   /* atom product; the exact 1 for pure polynomials */
    Poly p;
} Group;

struct GForm {
    Group *g;
    size_t n, cap;
    size_t slots;        /* coefficients stored, zeros included */
    NbNodeMap index;          /* key -> group index + 1 */
};

static void poly_reserve(Poly *p, size_t len)
{
    if (len <= p->cap)
        return;
    size_t cap = p->cap ? p->cap : 4;
    while (cap < len)
        cap *= 2;
    p->c = nb_xrealloc(p->c, cap * sizeof *p->c);
    for (size_t i = p->cap; i < cap; i++)
        mpq_init(p->c[i]);
    p->cap = cap;
}

static void poly_free(Poly *p)
{
    for (size_t i = 0; i < p->cap; i++)
        mpq_clear(p->c[i]);
    free(p->c);
}

/* p[k] += a, p a polynomial of g (whose slot count is kept for the swell
 * check). */
static void poly_add_at(GForm *g, Poly *p, size_t k, const mpq_t a)
{
    poly_reserve(p, k + 1);
    while (p->len < k + 1) {
        mpq_set_ui(p->c[p->len++], 0, 1);
        g->slots++;
    }
    mpq_add(p->c[k], p->c[k], a);
}

static GForm *gf_new(void) { return nb_xcalloc(1, sizeof(GForm)); }

static void gf_free(GForm *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        poly_free(&g->g[i].p);
    free(g->g);
    nb_nodemap_free(&g->index);
    free(g);
}

static Poly *gf_group(GForm *g, const NbExpr *key)
{
    size_t idx = (size_t)(uintptr_t)nb_nodemap_get(&g->index, key);
    if (idx)
        return &g->g[idx - 1].p;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4;
        g->g = nb_xrealloc(g->g, g->cap * sizeof *g->g);
    }
    g->g[g->n] = (Group){key, {NULL, 0, 0}};
    nb_nodemap_put(&g->index, key, (void *)(uintptr_t)(g->n + 1));
    return &g->g[g->n++].p;
}

/* Small nonnegative integer exponent of x in f (x or x^m), or -1. */
static long var_power(const Ctx *c, const NbExpr *f)
{
    if (f == c->var)
        return 1;
    if (f->kind == NB_POW && f->args[0] == c->var && nb_is_integer(f->args[1])
        && mpz_sgn(mpq_numref(f->args[1]->u.q)) > 0
        && mpz_cmp_ui(mpq_numref(f->args[1]->u.q), GF_MAX_DEGREE) <= 0)
        return mpz_get_si(mpq_numref(f->args[1]->u.q));
    return -1;
}

static void gf_add(Ctx *c, GForm *g, const NbExpr *e, const mpq_t coef,
                   size_t k, int distribute);

/* coef * x^k * (product e), e a MUL. */
static void gf_add_mul(Ctx *c, GForm *g, const NbExpr *e, const mpq_t coef,
                       size_t k, int distribute)
{
    mpq_t c0;
    mpq_init(c0);
    mpq_set(c0, coef);
    const NbExpr **atoms = nb_xcalloc(e->n, sizeof *atoms);
    const NbExpr *sum = NULL;
    size_t na = 0;
    for (uint32_t i = 0; i < e->n; i++) {
        const NbExpr *f = e->args[i];
        long m = var_power(c, f);
        if (f->kind == NB_NUM)
            mpq_mul(c0, c0, f->u.q);
        else if (m > 0)
            k += (size_t)m;
        else if (f->kind == NB_ADD && distribute && !sum)
            sum = f;
        else
            atoms[na++] = f;
    }
    const NbExpr *key = na == 0 ? nb_num_si(c->st, 1)
                        : na == 1 ? atoms[0] : nb_mul(c->st, na, atoms);
    if (sum) {
        for (uint32_t i = 0; i < sum->n; i++)
            gf_add(c, g, nb_mul2(c->st, sum->args[i], key), c0, k, 0);
    } else if (k > GF_MAX_DEGREE) {
        gf_add(c, g, nb_mul2(c->st, nb_pow_si(c->st, c->var, (long)k), key),
               c0, 0, 0);
    } else {
        poly_add_at(g, gf_group(g, key), k, c0);
    }
    free(atoms);
    mpq_clear(c0);
}

/* Add coef * x^k * e to g. */
static void gf_add(Ctx *c, GForm *g, const NbExpr *e, const mpq_t coef,
                   size_t k, int distribute)
{
    long m;
    if (e->kind == NB_ADD) {
        for (uint32_t i = 0; i < e->n; i++)
            gf_add(c, g, e->args[i], coef, k, distribute);
    } else if (e->kind == NB_MUL) {
        gf_add_mul(c, g, e, coef, k, distribute);
    } else if (e->kind == NB_NUM) {
        mpq_t a;
        mpq_init(a);
        mpq_mul(a, coef, e->u.q);
        poly_add_at(g, gf_group(g, nb_num_si(c->st, 1)), k, a);
        mpq_clear(a);
    } else if ((m = var_power(c, e)) > 0 && k + (size_t)m <= GF_MAX_DEGREE) {
        poly_add_at(g, gf_group(g, nb_num_si(c->st, 1)), k + (size_t)m, coef);
    } else if (k > GF_MAX_DEGREE) {
        gf_add(c, g, nb_mul2(c->st, nb_pow_si(c->st, c->var, (long)k), e),
               coef, 0, 0);
    } else {
        /* x^k * atom: an atom such as x^(-1) may combine with x^k; the
         * constructors fold that when the group form is turned back */
        poly_add_at(g, gf_group(g, e), k, coef);
    }
}

static GForm *gf_from(Ctx *c, const NbExpr *e)
{
    GForm *g = gf_new();
    mpq_t one;
    mpq_init(one);
    mpq_set_ui(one, 1, 1);
    gf_add(c, g, e, one, 0, 1);
    mpq_clear(one);
    return g;
}

static const NbExpr *gf_to_expr(Ctx *c, const GForm *g)
{
    NbStore *st = c->st;
    size_t nt = 0, cap = 16;
    const NbExpr **t = nb_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < g->n; i++) {
        const Poly *p = &g->g[i].p;
        for (size_t k = 0; k < p->len; k++) {
            if (mpq_sgn(p->c[k]) == 0)
                continue;
            if (nt == cap) {
                cap *= 2;
                t = nb_xrealloc(t, cap * sizeof *t);
            }
            const NbExpr *f[3] = {nb_num_q(st, p->c[k]), g->g[i].key,
                                  nb_pow_si(st, c->var, (long)k)};
            t[nt++] = nb_mul(st, 3, f);
        }
    }
    const NbExpr *r = nt ? nb_add(st, nt, t) : nb_num_si(st, 0);
    free(t);
    return r;
}

/* Group form of the derivative of atom product a, cached per atom. */
static const GForm *atom_deriv(Ctx *c, const NbExpr *a)
{
    GForm *g = nb_nodemap_get(&c->atoms, a);
    if (g)
        return g;
    const NbExpr *da = diff1(c, a);
    if (!da)
        return NULL;
    g = gf_from(c, da);
    nb_nodemap_put(&c->atoms, a, g);
    return g;
}

/* out[B] += P * Q for every group (B, Q) of da. */
static void add_product(GForm *out, const Poly *P, const GForm *da)
{
    mpq_t t;
    mpq_init(t);
    for (size_t j = 0; j < da->n; j++) {
        const Poly *Q = &da->g[j].p;
        Poly *R = gf_group(out, da->g[j].key);
        for (size_t a = 0; a < P->len; a++) {
            if (mpq_sgn(P->c[a]) == 0)
                continue;
            for (size_t b = 0; b < Q->len; b++) {
                if (mpq_sgn(Q->c[b]) == 0)
                    continue;
                mpq_mul(t, P->c[a], Q->c[b]);
                poly_add_at(out, R, a + b, t);
            }
        }
    }
    mpq_clear(t);
}

/* Coefficients in g and their total size, checked against the limits. */
static int gf_check(Ctx *c, const GForm *g)
{
    size_t count = 0, bits = 0;
    for (size_t i = 0; i < g->n; i++)
        for (size_t k = 0; k < g->g[i].p.len; k++) {
            const mpq_t *q = &g->g[i].p.c[k];
            size_t b = mpz_sizeinbase(mpq_numref(*q), 2)
                       + mpz_sizeinbase(mpq_denref(*q), 2);
            count++;
            bits = b > bits ? b : bits;
        }
    if ((long)count > diff_max_nodes / 4 || bits > (size_t)NB_MAX_EXACT_BITS
        || g->n > c->max_groups) {
        nb_diag_set(c->d, NB_ERR_SWELL,
                    "derivative too large (%zu terms in %zu products of "
                    "functions, coefficients of %zu bits)", count, g->n, bits);
        c->failed = 1;
        return 0;
    }
    if (nb_interrupted) {
        nb_diag_set(c->d, NB_ERR_INTERRUPTED, "interrupted");
        c->failed = 1;
        return 0;
    }
    return ctx_ok(c);
}

/* Each factor of a group's atom product gives a product of the next
 * derivative (the product rule), fewer where they coincide: the sum of
 * the factor counts foretells the next step's products. Four times the
 * limit fails at once: the third derivative of a 999-deep nesting
 * sin(sin(...(x))) has 999 products of about 1000 factors, and making
 * the first 20 of them to find out took seconds. */
static int gf_next_fits(Ctx *c, const GForm *g)
{
    const NbExpr *one = nb_num_si(c->st, 1);
    double est = 0;
    for (size_t i = 0; i < g->n; i++) {
        const NbExpr *k = g->g[i].key;
        est += k == one ? 0 : k->kind == NB_MUL ? k->n : 1;
    }
    if (est <= 4.0 * (double)c->max_groups)
        return 1;
    nb_diag_set(c->d, NB_ERR_SWELL, "derivative too large: about %.0f "
                "products of functions, more than %zu", est, c->max_groups);
    c->failed = 1;
    return 0;
}

/* d/dx of a group form: sum over groups of P'*A + P*A'. */
static GForm *gf_diff(Ctx *c, const GForm *g)
{
    if (!gf_next_fits(c, g))
        return NULL;
    GForm *out = gf_new();
    mpq_t t;
    mpq_init(t);
    const NbExpr *one = nb_num_si(c->st, 1);
    for (size_t i = 0; i < g->n && !c->failed; i++) {
        /* stop early: converting a coefficient back costs a few nodes */
        if ((long)out->slots > diff_max_nodes / 4 || out->n > c->max_groups
            || !ctx_ok(c)) {
            if (!c->failed)
                nb_diag_set(c->d, NB_ERR_SWELL, "derivative too large: more "
                            "than %ld terms or %zu products of functions",
                            diff_max_nodes / 4, c->max_groups);
            c->failed = 1;
            break;
        }
        const Poly *P = &g->g[i].p;
        if (P->len > 1) {
            Poly *R = gf_group(out, g->g[i].key);
            for (size_t k = 1; k < P->len; k++) {
                mpq_set_ui(t, (unsigned long)k, 1);
                mpq_mul(t, t, P->c[k]);
                poly_add_at(out, R, k - 1, t);
            }
        }
        if (g->g[i].key == one)
            continue;
        const GForm *da = atom_deriv(c, g->g[i].key);
        if (da)
            add_product(out, P, da);
    }
    mpq_clear(t);
    if (c->failed || !gf_check(c, out)) {
        gf_free(out);
        return NULL;
    }
    return out;
}

/* --- public API -------------------------------------------------------------- */

static int check_var(const NbExpr *var, NbDiag *d)
{
    if (var && var->kind == NB_SYM)
        return 1;
    nb_diag_set(d, NB_ERR_TYPE, "the variable of differentiation must be a name");
    return 0;
}

/* n-th derivative of a scalar e, n >= 1, through the group form. */
static const NbExpr *diff_scalar(Ctx *c, const NbExpr *e, long n)
{
    GForm *g = gf_from(c, e);
    c->max_groups = GF_MAX_GROUPS + 4 * g->n;
    for (long i = 0; i < n && g; i++) {
        GForm *next = gf_diff(c, g);
        gf_free(g);
        g = next;
    }
    if (!g)
        return NULL;
    const NbExpr *r = gf_to_expr(c, g);
    gf_free(g);
    return r;
}

int nb_diff_all(NbStore *st, const NbExpr *e, const NbExpr *var, long n,
                const NbExpr **out, NbDiag *d)
{
    Ctx c;
    ctx_init(&c, st, var, d);
    GForm *g = gf_from(&c, e);
    c.max_groups = GF_MAX_GROUPS + 4 * g->n;
    out[0] = e;
    for (long k = 1; k <= n && g; k++) {
        GForm *next = gf_diff(&c, g);
        gf_free(g);
        if ((g = next))
            out[k] = gf_to_expr(&c, g);
    }
    int ok = g != NULL;
    gf_free(g);
    ctx_free(&c);
    return ok;
}

static const NbExpr *diff_any(Ctx *c, const NbExpr *e, long n);

static const NbExpr *diff_vec(Ctx *c, const NbExpr *e, long n)
{
    const NbExpr **t = nb_xcalloc(e->n, sizeof *t);
    const NbExpr *r = NULL;
    uint32_t i = 0;
    for (; i < e->n; i++)
        if (!(t[i] = diff_any(c, e->args[i], n)))
            break;
    if (i == e->n)
        r = nb_vec(c->st, e->n, t);
    free(t);
    return r;
}

static const NbExpr *diff_any(Ctx *c, const NbExpr *e, long n)
{
    if (e->kind == NB_VEC)
        return diff_vec(c, e, n);
    if (e->kind == NB_STR) {
        nb_diag_set(c->d, NB_ERR_TYPE, "cannot differentiate a string");
        return NULL;
    }
    if (!nb_depends_on(e, c->var))
        return nb_num_si(c->st, 0);
    return diff_scalar(c, e, n);
}

const NbExpr *nb_diff_n(NbStore *st, const NbExpr *e, const NbExpr *var,
                        long n, NbDiag *d)
{
    if (!check_var(var, d))
        return NULL;
    if (n < 0 || n > NB_MAX_DIFF_ORDER) {
        nb_diag_set(d, NB_ERR_ARGS,
                    "order of derivative must be between 0 and %d", NB_MAX_DIFF_ORDER);
        return NULL;
    }
    if (n == 0)
        return e;
    Ctx c;
    ctx_init(&c, st, var, d);
    const NbExpr *r = diff_any(&c, e, n);
    ctx_free(&c);
    return r;
}

const NbExpr *nb_diff(NbStore *st, const NbExpr *e, const NbExpr *var,
                      NbDiag *d)
{
    return nb_diff_n(st, e, var, 1, d);
}

const NbExpr *nb_grad(NbStore *st, const NbExpr *e, size_t nvars,
                      const NbExpr *const *vars, NbDiag *d)
{
    const NbExpr **t = nb_xcalloc(nvars, sizeof *t);
    const NbExpr *r = NULL;
    size_t i = 0;
    for (; i < nvars; i++)
        if (!(t[i] = nb_diff(st, e, vars[i], d)))
            break;
    if (i == nvars)
        r = nb_vec(st, nvars, t);
    free(t);
    return r;
}

const NbExpr *nb_jacobian(NbStore *st, size_t nf, const NbExpr *const *fs,
                          size_t nvars, const NbExpr *const *vars, NbDiag *d)
{
    const NbExpr **rows = nb_xcalloc(nf, sizeof *rows);
    const NbExpr *r = NULL;
    size_t i = 0;
    for (; i < nf; i++)
        if (!(rows[i] = nb_grad(st, fs[i], nvars, vars, d)))
            break;
    if (i == nf)
        r = nb_vec(st, nf, rows);
    free(rows);
    return r;
}

const NbExpr *nb_hessian(NbStore *st, const NbExpr *e, size_t nvars,
                         const NbExpr *const *vars, NbDiag *d)
{
    const NbExpr *g = nb_grad(st, e, nvars, vars, d);
    if (!g)
        return NULL;
    return nb_jacobian(st, nvars, g->args, nvars, vars, d);
}
