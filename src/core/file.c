/* Temporary files and outputs written whole or not at all (see core.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ics/core.h"

FILE *ics_tempfile(struct ics_error *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    size_t n = strlen(dir) + sizeof "/ics.XXXXXX";
    char *path = ics_malloc(n);
    if (!path) {
        ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    snprintf(path, n, "%s/ics.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        ics_error_set(err, ICS_ERR_IO, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        ics_free(path);
        return NULL;
    }
    unlink(path);   /* gone from the directory; the space returns when the FILE closes */
    ics_free(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        ics_error_set(err, ICS_ERR_IO, "cannot open a temporary file in %s: %s", dir, strerror(errno));
        close(fd);
    }
    return f;
}

/* The mode a plain fopen would give: 0666 less the umask. The umask is read from /proc rather than
 * set and restored with umask(), which would race with other threads. */
static mode_t creation_mode(void)
{
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[128];
        unsigned m;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &m) == 1) {
                mask = (mode_t)m;
                break;
            }
        fclose(f);
    }
    return 0666 & ~mask;
}

int ics_output_open(struct ics_output *o, const char *path, struct ics_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return ICS_OK;
    }
    size_t n = strlen(path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe): there is no
         * file to replace (renaming over it would replace the device), so it is
         * written directly; commit only closes it. */
        o->path = ics_strndup(path, n);
        if (!o->path)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        o->f = fopen(path, "w");
        if (!o->f) {
            int e = errno;
            ics_output_abort(o);
            return ics_error_set(err, ICS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
        }
        return ICS_OK;
    }
    o->path = ics_strndup(path, n);
    o->temp_path = ics_malloc(n + sizeof ".tmp.XXXXXX");
    if (!o->path || !o->temp_path) {
        ics_output_abort(o);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    /* Beside the target, so the final rename stays on one file system and is atomic. */
    snprintf(o->temp_path, n + sizeof ".tmp.XXXXXX", "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->temp_path);
    if (fd < 0) {
        int e = errno;
        ics_output_abort(o);
        return ics_error_set(err, ICS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    fchmod(fd, creation_mode());
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        unlink(o->temp_path);
        ics_output_abort(o);
        return ics_error_set(err, ICS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    return ICS_OK;
}

int ics_output_commit(struct ics_output *o, struct ics_error *err)
{
    if (!o->f)
        return ICS_OK;
    const char *name = o->path ? o->path : "standard output";
    int bad = ferror(o->f);
    int e = bad ? errno : 0;
    if (fflush(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!o->path) {
        o->f = NULL;
        if (bad)
            return ics_error_set(err, ICS_ERR_IO, "%s: write failed: %s", name, strerror(e ? e : EIO));
        return ICS_OK;
    }
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (o->temp_path && !bad && rename(o->temp_path, o->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        if (o->temp_path)
            unlink(o->temp_path);
        ics_error_set(err, ICS_ERR_IO, "%s: write failed: %s", name, strerror(e ? e : EIO));
    }
    ics_free(o->path);
    ics_free(o->temp_path);
    o->path = o->temp_path = NULL;
    return bad ? ICS_ERR_IO : ICS_OK;
}

void ics_output_abort(struct ics_output *o)
{
    if (o->f && o->path) {
        fclose(o->f);
        if (o->temp_path)
            unlink(o->temp_path);
    }
    o->f = NULL;
    ics_free(o->path);
    ics_free(o->temp_path);
    o->path = o->temp_path = NULL;
}

static int flush_output(struct ics_output *o, struct ics_error *err)
{
    errno = 0;
    if (!o || !o->f || (fflush(o->f) == 0 && !ferror(o->f)))
        return ICS_OK;
    return ics_error_set(err, ICS_ERR_IO, "%s: write failed: %s", o->path ? o->path : "standard output",
                         strerror(errno ? errno : EIO));
}

int ics_outputs_commit(struct ics_output *const *outputs, size_t n, struct ics_error *err)
{
    int rc = ICS_OK;
    for (size_t i = 0; i < n && !rc; i++)
        rc = flush_output(outputs[i], err);
    for (size_t i = 0; i < n && !rc; i++)
        if (outputs[i])
            rc = ics_output_commit(outputs[i], err);
    if (rc)
        ics_outputs_abort(outputs, n);
    return rc;
}

void ics_outputs_abort(struct ics_output *const *outputs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (outputs[i])
            ics_output_abort(outputs[i]);
}
