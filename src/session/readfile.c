/* readfile.c — a script file read whole (`load`, nabla FILE), with the
 * reason when it cannot be: missing, a directory, too large, unreadable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "session/session_internal.h"
#include "nabla/limits.h"
#include "util/alloc.h"

/* The whole of path in a malloc'd, NUL-terminated buffer. On failure *why
 * is a static reason ("No such file or directory", "Is a directory"). */
int nb_read_file(const char *path, char **text, size_t *len, const char **why)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    *text = NULL;
    if (!f || fstat(fileno(f), &sb) != 0) {
        *why = strerror(errno);
        if (f)
            fclose(f);
        return -1;
    }
    if (S_ISDIR(sb.st_mode)) {
        *why = strerror(EISDIR);
        fclose(f);
        return -1;
    }
    if (S_ISREG(sb.st_mode) && sb.st_size > (off_t)NB_MAX_SOURCE_BYTES) {
        *why = "larger than NB_MAX_SOURCE_BYTES (64 MB)"; /* read nothing */
        fclose(f);
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = nb_xrealloc(NULL, cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = nb_xrealloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > (size_t)NB_MAX_SOURCE_BYTES) { /* a pipe, say */
            *why = "larger than NB_MAX_SOURCE_BYTES (64 MB)";
            free(buf);
            fclose(f);
            return -1;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        *why = strerror(errno ? errno : EIO);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}
