/*
 * The dashboard's files (built from web/ into build/web/root by tools/web/build.sh).
 * Every file under the root is read into memory when the server starts, and
 * a request is answered only from that table by exact name: no path from a
 * request ever reaches the file system, so "..", encoded slashes, NUL bytes
 * and symbolic links cannot lead anywhere else (tests/cli/serve/static_files.sh).
 * Symbolic links and dot files under the root are skipped when loading.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server_internal.h"

#define STATIC_FILES_MAX 512
#define STATIC_BYTES_MAX ((size_t)32 << 20)
#define STATIC_DEPTH_MAX 6

struct icsi_static_file {
    char *path;                 /* "/static/app.css", from the root */
    char *body;
    size_t len;
    const char *type;
    char etag[24];
};

struct icsi_static {
    struct icsi_static_file files[STATIC_FILES_MAX];
    size_t n, bytes;
};

static const char *type_of(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"},    {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"},                     {".ico", "image/x-icon"},
        {".json", "application/json"},             {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;                /* not served */
}

static int add_file(struct icsi_static *st, const char *full, const char *path, const char *type, off_t size,
                    struct ics_error *err)
{
    if (st->n == STATIC_FILES_MAX || st->bytes + (size_t)size > STATIC_BYTES_MAX)
        return ics_error_set(err, ICS_ERR_USAGE, "%s: the dashboard has more than %d files or %zu MB", full,
                             STATIC_FILES_MAX, STATIC_BYTES_MAX >> 20);
    FILE *f = fopen(full, "rb");
    if (!f)
        return ics_error_set(err, ICS_ERR_IO, "%s: cannot be read", full);
    struct icsi_static_file *x = &st->files[st->n];
    x->body = ics_malloc((size_t)size + 1);
    x->path = ics_strndup(path, strlen(path));
    if (!x->body || !x->path) {
        fclose(f);
        ics_free(x->body);
        ics_free(x->path);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    x->len = fread(x->body, 1, (size_t)size, f);
    int bad = ferror(f) || x->len != (size_t)size;
    fclose(f);
    if (bad) {
        ics_free(x->body);
        ics_free(x->path);
        return ics_error_set(err, ICS_ERR_IO, "%s: cannot be read", full);
    }
    x->type = type;
    snprintf(x->etag, sizeof x->etag, "\"%016llx\"", (unsigned long long)ics_strmap_hash(x->body, x->len));
    st->bytes += x->len;
    st->n++;
    return ICS_OK;
}

static int load_dir(struct icsi_static *st, const char *dir, const char *prefix, int depth, struct ics_error *err)
{
    if (depth > STATIC_DEPTH_MAX)
        return ICS_OK;
    DIR *d = opendir(dir);
    if (!d)
        return ics_error_set(err, ICS_ERR_IO, "%s: the dashboard's folder cannot be read (tools/web/build.sh "
                             "builds it)", dir);
    int rc = ICS_OK;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char full[4096], path[1024];
        if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, e->d_name) >= sizeof full ||
            (size_t)snprintf(path, sizeof path, "%s/%s", prefix, e->d_name) >= sizeof path)
            continue;
        struct stat sb;
        if (lstat(full, &sb) != 0 || S_ISLNK(sb.st_mode))
            continue;
        if (S_ISDIR(sb.st_mode))
            rc = load_dir(st, full, path, depth + 1, err);
        else if (S_ISREG(sb.st_mode) && type_of(e->d_name))
            rc = add_file(st, full, path, type_of(e->d_name), sb.st_size, err);
    }
    closedir(d);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct icsi_static_file *)a)->path, ((const struct icsi_static_file *)b)->path);
}

int icsi_static_load(const char *root, struct icsi_static **out, struct ics_error *err)
{
    *out = NULL;
    struct icsi_static *st = ics_calloc(1, sizeof *st);
    if (!st)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = load_dir(st, root, "", 0, err);
    if (!rc && st->n == 0)
        rc = ics_error_set(err, ICS_ERR_USAGE, "%s: the dashboard's folder is empty", root);
    if (rc) {
        icsi_static_free(st);
        return rc;
    }
    qsort(st->files, st->n, sizeof st->files[0], by_path);
    *out = st;
    return ICS_OK;
}

void icsi_static_free(struct icsi_static *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++) {
        ics_free(st->files[i].path);
        ics_free(st->files[i].body);
    }
    ics_free(st);
}

size_t icsi_static_count(const struct icsi_static *st)
{
    return st ? st->n : 0;
}

/* "/" is the overview page and "/board" is board.html: pages are named without their extension. */
int icsi_static_find(const struct icsi_static *st, const char *url, const char **body, size_t *len,
                     const char **type, const char **etag)
{
    if (!st || url[0] != '/' || strlen(url) > 200)
        return -1;
    char want[256];
    if (strcmp(url, "/") == 0)
        snprintf(want, sizeof want, "/index.html");
    else if (!strchr(strrchr(url, '/'), '.'))
        snprintf(want, sizeof want, "%s.html", url);
    else
        snprintf(want, sizeof want, "%s", url);
    struct icsi_static_file key = {.path = want};
    const struct icsi_static_file *x = bsearch(&key, st->files, st->n, sizeof st->files[0], by_path);
    if (!x)
        return -1;
    *body = x->body;
    *len = x->len;
    *type = x->type;
    *etag = x->etag;
    return 0;
}
