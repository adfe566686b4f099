/* descent_trace.c — the recorded path of a descent (Trace in
 * descent_internal.h): appends, thinning along the stride sequence, the
 * room reserved ahead for long double runs, and the hand-over to a result.
 * The loops push into it and descent.c gives it to the result: a module of
 * its own, below both, so that neither calls back into the other. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "descent/descent_internal.h"
#include "util/alloc.h"

void nbi_trace_init(Trace *t, size_t n, long every, mpfr_prec_t prec)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->base = every > 0 ? every : 1;
    t->stride = t->base;
    t->prec = prec;
}

static void trace_grow(Trace *t)
{
    size_t cap = t->cap ? 2 * t->cap : 64, n = t->n;
    t->step = nb_xreallocarray(t->step, cap, sizeof *t->step);
    t->x = nb_xreallocarray(t->x, cap * n, sizeof *t->x);
    t->f = nb_xreallocarray(t->f, cap, sizeof *t->f);
    t->g = nb_xreallocarray(t->g, cap, sizeof *t->g);
    if (t->prec) {
        /* MPFR values are plain structs pointing at their limbs: moving
         * them with realloc is safe. New ones are initialised here. */
        t->mx = nb_xreallocarray(t->mx, cap * n, sizeof *t->mx);
        t->mf = nb_xreallocarray(t->mf, cap, sizeof *t->mf);
        t->mg = nb_xreallocarray(t->mg, cap, sizeof *t->mg);
        for (size_t i = t->cap; i < cap; i++) {
            for (size_t j = 0; j < n; j++)
                mpfr_init2(t->mx + i * n + j, t->prec);
            mpfr_init2(t->mf + i, t->prec);
            mpfr_init2(t->mg + i, t->prec);
        }
    }
    t->cap = cap;
    t->mapped = cap;
}

/* Fault in the pages of one array's entries [from, to) of size-byte items
 * in one call (whole pages: the ones a byte of the array is on belong to
 * the mapping). Touching fresh pages one fault at a time costs several
 * times more where faults are slow (virtual machines); without
 * MADV_POPULATE_WRITE, or on a kernel without it, the pages fault in as
 * before. */
static void prefault(void *base, size_t from, size_t to, size_t size)
{
#ifdef MADV_POPULATE_WRITE
    static long page;
    if (!page)
        page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
    uintptr_t a = (uintptr_t)base + from * size, b = (uintptr_t)base + to * size;
    a &= ~(uintptr_t)(page - 1);
    b = (b + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
    (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)base, (void)from, (void)to, (void)size;
#endif
}

/* A reserved trace maps its entries ahead of the pushes, in blocks from
 * 256 entries doubling to 4096 (an early stop maps little more than it
 * used). */
static void trace_map_ahead(Trace *t)
{
    size_t from = t->mapped, len = from < 256 ? 256 : from > 4096 ? 4096 : from;
    size_t to = from + len < t->cap ? from + len : t->cap;
    prefault(t->step, from, to, sizeof *t->step);
    prefault(t->x, from * t->n, to * t->n, sizeof *t->x);
    prefault(t->f, from, to, sizeof *t->f);
    prefault(t->g, from, to, sizeof *t->g);
    t->mapped = to;
}

/* The room for plain appends (see Trace). */
static void trace_set_room(Trace *t)
{
    size_t room = t->cap < t->mapped ? t->cap : t->mapped;
    if (room > NB_DESCENT_MAX_TRACE)
        room = NB_DESCENT_MAX_TRACE;
    t->room = t->prec ? 0 : room;
}

/* Move entry src to dst (dst < src). */
static void trace_move_entry(Trace *t, size_t dst, size_t src)
{
    size_t n = t->n;
    t->step[dst] = t->step[src];
    for (size_t j = 0; j < n; j++)   /* n is small: no memcpy call */
        t->x[dst * n + j] = t->x[src * n + j];
    t->f[dst] = t->f[src];
    t->g[dst] = t->g[src];
    if (t->prec) {
        for (size_t j = 0; j < n; j++)
            mpfr_swap(t->mx + dst * n + j, t->mx + src * n + j);
        mpfr_swap(t->mf + dst, t->mf + src);
        mpfr_swap(t->mg + dst, t->mg + src);
    }
}

/* Keep the points at multiples of the next stride: strides go base times
 * 1, 2, 10, 20, 100, 200, ... (alternately x2 and x5) so that a stride
 * always divides the round numbers 1, 2, 5 x 10^j that rows are printed
 * at; memory stays below NB_DESCENT_MAX_TRACE points however long the run. */
static void trace_halve(Trace *t)
{
    long unit = t->stride / t->base;
    while (unit % 10 == 0)
        unit /= 10;
    long s2 = t->stride * (unit == 1 ? 2 : 5);
    /* steps ascend: m walks the multiples of s2 alongside them (no
     * division per entry; m passes each step at most once per s2) */
    size_t j = 0;
    long m = 0;
    for (size_t i = 0; i < t->npts; i++) {
        while (m < t->step[i])
            m += s2;
        if (t->step[i] == m)
            trace_move_entry(t, j++, i);
    }
    t->npts = j;
    t->stride = s2;
}

void nbi_trace_push(Trace *t, long k, const double *x, double f, double g,
                    mpfr_srcptr mx, mpfr_srcptr mf, mpfr_srcptr mg)
{
    if (t->npts && t->step[t->npts - 1] == k)
        return;
    long stride = t->stride;
    if (t->npts == NB_DESCENT_MAX_TRACE)
        trace_halve(t);
    if (t->npts == t->cap)
        trace_grow(t);
    if (t->npts == t->mapped)
        trace_map_ahead(t);
    size_t i = t->npts++, n = t->n;
    t->step[i] = k;
    for (size_t j = 0; j < n; j++)   /* n is small: no memcpy call */
        t->x[i * n + j] = x[j];
    t->f[i] = f;
    t->g[i] = g;
    if (t->prec && mx) {
        for (size_t j = 0; j < n; j++)
            mpfr_set(t->mx + i * n + j, mx + j, MPFR_RNDN);
        mpfr_set(t->mf + i, mf, MPFR_RNDN);
        mpfr_set(t->mg + i, mg, MPFR_RNDN);
    }
    /* next is always a multiple of the stride: on the grid and with the
     * stride unchanged, the next point is one stride on (no division) */
    if (k == t->next && stride == t->stride)
        t->next = k + stride;
    else
        t->next = (k / t->stride + 1) * t->stride;
    trace_set_room(t);
}

/* Clear the MPFR entries from index `from` to the capacity. */
static void trace_clear_from(Trace *t, size_t from)
{
    if (!t->prec)
        return;
    for (size_t i = from; i < t->cap; i++) {
        for (size_t j = 0; j < t->n; j++)
            mpfr_clear(t->mx + i * t->n + j);
        mpfr_clear(t->mf + i);
        mpfr_clear(t->mg + i);
    }
}

void nbi_trace_free(Trace *t)
{
    trace_clear_from(t, 0);
    free(t->step);
    free(t->x);
    free(t->f);
    free(t->g);
    free(t->mx);
    free(t->mf);
    free(t->mg);
    memset(t, 0, sizeof *t);
}

void nbi_trace_move(Trace *t, NbDescentResult *r)
{
    trace_clear_from(t, t->npts);
    r->npts = t->npts;
    r->stride = t->stride;
    r->pt_step = t->step;
    r->pt_x = t->x;
    r->pt_f = t->f;
    r->pt_g = t->g;
    r->m_x = t->mx;
    r->m_f = t->mf;
    r->m_g = t->mg;
    memset(t, 0, sizeof *t);
}

/* Room for every point a double run of o->steps steps records before the
 * trace thins (MPFR traces grow as they go: each entry is initialised), so
 * a long run does not copy the trace at each doubling. Large blocks are
 * mapped lazily: an early stop touches only what it used. */
void nbi_trace_reserve(Trace *t, long steps)
{
    long want = steps / t->base + 2;
    if (t->prec || want <= 64)
        return;
    if (want > NB_DESCENT_MAX_TRACE)
        want = NB_DESCENT_MAX_TRACE;
    size_t cap = (size_t)want, n = t->n;
    if (cap * (n + 3) > (size_t)1 << 22)   /* past 32 MB, grow as needed */
        return;
    t->step = nb_xreallocarray(t->step, cap, sizeof *t->step);
    t->x = nb_xreallocarray(t->x, cap * n, sizeof *t->x);
    t->f = nb_xreallocarray(t->f, cap, sizeof *t->f);
    t->g = nb_xreallocarray(t->g, cap, sizeof *t->g);
    t->cap = cap;
    t->mapped = 0;
    trace_map_ahead(t);
    trace_set_room(t);
}
