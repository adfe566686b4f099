/* picture.c — pictures as session values (`p = plot(...)`), and how a
 * picture is shown as `set plots` says (SPEC §6). The common end of every
 * picture command (to= file, shown, or a value) is in plot_common.c.
 *
 * A picture value is a string node whose text starts with a byte no
 * source string can hold (the lexer refuses control characters), followed
 * by its number; the session owns the figures in a list. After each
 * statement the figures no variable refers to are freed, so pictures drawn
 * and shown at once cost nothing later.
 */
#include <stdlib.h>
#include <string.h>
#include "session/session_internal.h"
#include "nabla/page.h"

#define PIC_TAG "\001picture "

static int grow(NbSession *s)
{
    if (s->nfigs < s->figs_cap)
        return 0;
    size_t cap = s->figs_cap ? 2 * s->figs_cap : 8;
    NbFigure **f = realloc(s->figs, cap * sizeof *f);
    if (!f)
        return -1;
    s->figs = f;
    const NbExpr **v = realloc(s->fig_vals, cap * sizeof *v);
    if (!v)
        return -1;
    s->fig_vals = v;
    s->figs_cap = cap;
    return 0;
}

const NbExpr *nb_picture_value(NbSession *s, NbFigure *f, NbDiag *d)
{
    char name[48];
    if (grow(s)) {
        nb_figure_free(f);
        nb_diag_set(d, NB_ERR_TOO_LARGE, "out of memory for the picture");
        return NULL;
    }
    snprintf(name, sizeof name, PIC_TAG "%zu", s->fig_serial++);
    const NbExpr *v = nb_str(s->st, name);
    s->figs[s->nfigs] = f;
    s->fig_vals[s->nfigs] = v;
    s->nfigs++;
    return v;
}

NbFigure *nb_session_picture(NbSession *s, const NbExpr *e)
{
    if (!e || e->kind != NB_STR || strncmp(e->u.name, PIC_TAG,
                                           sizeof PIC_TAG - 1) != 0)
        return NULL;
    for (size_t i = 0; i < s->nfigs; i++)
        if (s->fig_vals[i] == e)
            return s->figs[i];
    return NULL;
}

static int refers(NbSession *s, const NbExpr *v, const NbExpr *pic)
{
    if (v == pic)
        return 1;
    if (v->kind != NB_VEC)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (refers(s, v->args[i], pic))
            return 1;
    return 0;
}

void nb_pictures_collect(NbSession *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->nfigs; i++) {
        int live = 0;
        for (size_t j = 0; j < s->nvars && !live; j++)
            live = refers(s, s->vars[j].value, s->fig_vals[i]);
        if (live) {
            s->figs[k] = s->figs[i];
            s->fig_vals[k++] = s->fig_vals[i];
        } else {
            nb_figure_free(s->figs[i]);
        }
    }
    s->nfigs = k;
}

void nb_pictures_free(NbSession *s)
{
    for (size_t i = 0; i < s->nfigs; i++)
        nb_figure_free(s->figs[i]);
    free(s->figs);
    free(s->fig_vals);
    s->figs = NULL;
    s->fig_vals = NULL;
    s->nfigs = s->figs_cap = 0;
}

/* Text pictures: the width of out, and a height that keeps a panel's
 * shape (a cell is about twice as tall as wide). */
static void text_size(const NbSession *s, const NbFigure *f, int *cols,
                      int *rows)
{
    int c = s->o.term_cols > 0 ? s->o.term_cols : 80;
    if (c > 160)
        c = 160;
    double aspect = nb_figure_height(f) / nb_figure_width(f);
    int r = (int)(c * aspect * 0.5 + 0.5);
    *cols = c;
    *rows = r < 8 ? 8 : r > 60 ? 60 : r;
}

int nb_session_show(NbSession *s, const NbFigure *f)
{
    NbPlotsMode m = s->o.plots;
    if (m == NB_PLOTS_OFF)
        return 0;
    if (s->o.page)   /* every picture goes into a page */
        return nb_page_picture(s->o.page, f) == 0;
    if (s->o.format == NB_FORMAT_CSV || s->o.format == NB_FORMAT_JSON)
        return 0; /* CSV and JSON streams hold data only */
    if (s->o.show_picture) /* an interactive terminal: the program draws */
        return s->o.show_picture(s->o.show_ctx, f, m) == 0;
    if (m == NB_PLOTS_TEXT || m == NB_PLOTS_IMAGE) {
        int cols, rows;
        text_size(s, f, &cols, &rows);
        nb_figure_write_text(f, cols, rows, 0, s->o.out);
        return 1;
    }
    return 0;
}

/* "picture: 2 panels, 860x710" — what a picture value prints as when it
 * is not drawn. */
char *nb_picture_text(const NbFigure *f)
{
    int n = nb_figure_rows(f) * nb_figure_cols(f);
    char *t = NULL;
    if (asprintf(&t, "<picture: %d panel%s, %gx%g>", n, n == 1 ? "" : "s",
                 nb_figure_width(f), nb_figure_height(f)) < 0)
        return NULL;
    return t;
}

int nb_session_picture_tag(const NbExpr *e)
{
    return e && e->kind == NB_STR &&
           strncmp(e->u.name, PIC_TAG, sizeof PIC_TAG - 1) == 0;
}
