/* state.c — what every module of the session reads of its state: the
 * accessors commands use (store, options, streams, precision, tables),
 * NB_NOTHING, the command tables the session was made with, and the last
 * descent path (descend keeps it, plot(path) draws it).
 *
 * Nothing here runs a statement or lowers a tree: the lowering, the
 * commands and the runner all sit above this file (README "Layout").
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"
#include "nabla/page.h"
#include "util/alloc.h"

/* The value commands return when they have printed everything. A sentinel
 * that is never interned, printed or evaluated. */
static const NbExpr nothing_node = {.kind = NB_STR, .id = UINT32_MAX,
                                    .u.name = "<nothing>"};
const NbExpr *const NB_NOTHING = &nothing_node;

NbStore *nb_session_store(NbSession *s) { return s->st; }
const NbSessionOpts *nb_session_opts(const NbSession *s) { return &s->o; }
NbSessionOpts *nb_session_opts_mut(NbSession *s) { return &s->o; }
FILE *nb_session_out(NbSession *s) { return s->o.out; }
FILE *nb_session_err(NbSession *s) { return s->o.err; }
long nb_session_prec(const NbSession *s) { return s->o.prec; }
int nb_session_in_page(const NbSession *s) { return s->o.page != NULL; }
NbProgress *nb_session_progress(NbSession *s) { return &s->progress; }

void nb_session_table(NbSession *s, const NbTable *t)
{
    if (s->o.page)
        nb_page_table(s->o.page, t);
    else
        nb_table_print(t, s->o.format, s->o.out, s->o.err);
}

/* --- where diagnostics point ------------------------------------------- */

/* d located at pos in the statement being run; NULL, for returns. */
const NbExpr *nb_lower_fail(NbSession *s, NbDiag *d, NbPos pos)
{
    nb_diag_locate(d, s->file, pos, s->src, s->srclen);
    return NULL;
}

/* A command may locate its error at an argument without the source text;
 * copy the line in so the caret can be drawn. */
void nb_fill_line(NbSession *s, NbDiag *d)
{
    if (!d->file)
        d->file = s->file;
    if (d->line_text || d->pos.line <= 0 || !s->src
        || (size_t)d->pos.offset > s->srclen)
        return;
    NbPos pos = d->pos;
    d->pos.line = 0;
    nb_diag_locate(d, d->file, pos, s->src, s->srclen);
}

const NbExpr *nb_lower_failf(NbSession *s, NbDiag *d, NbPos pos,
                             NbErrCode code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_vset(d, code, fmt, ap);
    va_end(ap);
    return nb_lower_fail(s, d, pos);
}

/* --- commands ---------------------------------------------------------- */

const NbCommand *nb_command_find(const NbCommand *const *tables, size_t n,
                                 const char *name)
{
    for (size_t t = 0; t < n; t++)
        for (const NbCommand *c = tables[t]; c->name; c++)
            if (strcmp(c->name, name) == 0)
                return c;
    return NULL;
}

const NbCommand *nb_session_command(const NbSession *s, const char *name)
{
    return nb_command_find(s->commands, s->ncommands, name);
}

/* --- the last descent path ---------------------------------------------- */

void nb_session_set_path(NbSession *s, size_t nvars, size_t npts,
                         const double *coords, const double *fvals)
{
    free(s->path_coords);
    free(s->path_f);
    s->path_coords = nb_xrealloc(NULL, nvars * npts * sizeof(double));
    s->path_f = nb_xrealloc(NULL, npts * sizeof(double));
    if (nvars && npts)
        memcpy(s->path_coords, coords, nvars * npts * sizeof(double));
    if (npts)
        memcpy(s->path_f, fvals, npts * sizeof(double));
    s->path_nvars = nvars;
    s->path_npts = npts;
}

int nb_session_get_path(NbSession *s, size_t *nvars, size_t *npts,
                        const double **coords, const double **fvals)
{
    if (!s->path_npts)
        return -1;
    *nvars = s->path_nvars;
    *npts = s->path_npts;
    *coords = s->path_coords;
    *fvals = s->path_f;
    return 0;
}
