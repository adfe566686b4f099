/* output.c — a figure to a file, in the format its name asks for.
 *
 * The file is written whole or not at all: the picture goes to a
 * temporary file in the same directory (so the rename stays on one file
 * system), which is renamed over the path only when every byte was
 * written; on any failure the temporary is removed and the old file, if
 * any, is untouched. Errors are diagnostics in cmd_numdiff's style:
 * "cannot write 'x.svg': Permission denied".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cairo.h>
#include "backend.h"
#include "canvas.h"
#include "raster.h"

/* The extension of path's last component ("" when none), without the dot. */
static const char *extension(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot ? dot + 1 : "";
}

int nb_plot_format_of(const char *path)
{
    if (!path)
        return -1;
    const char *e = extension(path);
    return strcasecmp(e, "svg") == 0 ? NB_PLOT_SVG
         : strcasecmp(e, "png") == 0 ? NB_PLOT_PNG
         : strcasecmp(e, "pdf") == 0 ? NB_PLOT_PDF : -1;
}

/* The mode a new file gets from open(path, O_CREAT, 0666), or the mode of
 * the file already at path (mkstemp's temporaries are 0600). */
static mode_t file_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & 07777;
    mode_t m = umask(0);
    umask(m);
    return 0666 & ~m;
}

/* The picture in format fmt to out. 0, or -1 (errno may say why). */
static int emit(NbDrawFn draw, void *arg, int fmt, FILE *out)
{
    if (fmt == NB_PLOT_SVG)
        return nb_canvas_write_svg(draw, arg, out);
    if (fmt == NB_PLOT_PDF)
        return nb_canvas_write_pdf(draw, arg, out);
    size_t n;
    unsigned char *png = nb_canvas_png(draw, arg, 1.0, &n);
    if (!png)
        return -1;
    int bad = fwrite(png, 1, n, out) != n;
    free(png);
    return bad ? -1 : 0;
}

static int io_error(NbDiag *d, const char *path, int err)
{
    if (err)
        nb_diag_set(d, NB_ERR_IO, "cannot write '%s': %s", path,
                    strerror(err));
    else
        nb_diag_set(d, NB_ERR_IO, "cannot write '%s'", path);
    return -1;
}

/* Write the picture to fd and close it: 0; -1 on a write error (*err the
 * errno, 0 when unknown); -2 when drawing failed (memory, cairo). */
static int write_tmp(NbDrawFn draw, void *arg, int fmt, int fd, int *err)
{
    FILE *out = fdopen(fd, "wb");
    if (!out) {
        *err = errno;
        close(fd);
        return -1;
    }
    errno = 0;
    int r = emit(draw, arg, fmt, out) != 0 ? -1 : 0;
    *err = errno;
    if (r && !ferror(out))
        r = -2;             /* nothing failed to write: the drawing did */
    errno = 0;
    if (fclose(out) != 0 && r == 0) {
        r = -1;
        *err = errno;
    }
    return r;
}

/* Why a drawing to path failed, when no write did. */
static int draw_error(NbDiag *d, const char *path, int fmt)
{
#if !CAIRO_HAS_PDF_SURFACE
    if (fmt == NB_PLOT_PDF)
        return nb_diag_set(d, NB_ERR_IO, "cannot write '%s': this build of "
                           "cairo has no PDF output", path), -1;
#endif
    return nb_diag_set(d, NB_ERR_IO, "cannot draw '%s': out of memory",
                       path), -1;
}

int nb_canvas_write_file(NbDrawFn draw, void *arg, const char *path,
                         NbDiag *d)
{
    int fmt = nb_plot_format_of(path);
    if (fmt < 0 && path && *extension(path))
        return nb_diag_set(d, NB_ERR_ARGS, "unknown picture format '.%s' "
                           "(use .svg, .png or .pdf)", extension(path)), -1;
    if (fmt < 0)
        return nb_diag_set(d, NB_ERR_ARGS, "picture file '%s' has no "
                           "extension (use .svg, .png or .pdf)",
                           path ? path : ""), -1;
    size_t n = strlen(path);
    char *tmp = malloc(n + 8);
    if (!tmp)
        return io_error(d, path, ENOMEM);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    mode_t mode = file_mode(path);
    int fd = mkstemp(tmp), err = 0, r = -1;
    if (fd >= 0) {
        if (fchmod(fd, mode) != 0) {
            /* the file keeps mkstemp's 0600: still the user's picture */
        }
        r = write_tmp(draw, arg, fmt, fd, &err);
        if (r == 0 && rename(tmp, path) != 0) {
            r = -1;
            err = errno;
        }
        if (r != 0)
            unlink(tmp);
    } else {
        err = errno;
    }
    free(tmp);
    if (r == -2)
        return draw_error(d, path, fmt);
    return r == 0 ? 0 : io_error(d, path, err);
}

static void draw_figure(void *arg, const NbCanvas *c)
{
    nb_render_figure(arg, c);
}

int nb_figure_write(const NbFigure *f, const char *path, NbDiag *d)
{
    return nb_canvas_write_file(draw_figure, (void *)f, path, d);
}
