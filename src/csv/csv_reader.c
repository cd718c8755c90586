/* The CSV reader's input sources (a mapped file or a stream), the header and the pull reader. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_internal.h"

/* ---- input sources ------------------------------------------------------- */

int icsi_csv_source_open(struct source *src, const char *path, const char *label, struct ics_error *err)
{
    memset(src, 0, sizeof *src);
    src->fd = -1;
    snprintf(src->label, sizeof src->label, "%s",
             label ? label : (strcmp(path, "-") == 0 ? "standard input" : path));
    if (strcmp(path, "-") == 0) {
        src->fd = STDIN_FILENO;
    } else {
        src->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (src->fd < 0)
            return ics_error_set(err, ICS_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
        src->close_fd = 1;
    }
    struct stat st;
    if (fstat(src->fd, &st) == 0 && S_ISDIR(st.st_mode))
        return ics_error_set(err, ICS_ERR_IO, "cannot read '%s': it is a directory", src->label);
    if (fstat(src->fd, &st) == 0 && S_ISREG(st.st_mode)) {
        src->mapped = 1;
        src->len = (size_t)st.st_size;
        if (src->len > 0) {
            void *m = mmap(NULL, src->len, PROT_READ, MAP_PRIVATE, src->fd, 0);
            if (m == MAP_FAILED)
                return ics_error_set(err, ICS_ERR_IO, "cannot map '%s': %s", src->label, strerror(errno));
            madvise(m, src->len, MADV_SEQUENTIAL);
            madvise(m, src->len, MADV_WILLNEED);
            src->map = m;
            src->map_len = src->len;
            src->data = m;
        } else {
            src->data = "";
        }
    }
    return ICS_OK;
}

void icsi_csv_source_close(struct source *src)
{
    if (src->map)
        munmap(src->map, src->map_len);
    if (src->close_fd && src->fd >= 0)
        close(src->fd);
    ics_free(src->buf);
    for (int i = 0; i < src->header.count; i++)
        ics_free(src->header.names[i]);
    ics_free(src->header.names);
    memset(src, 0, sizeof *src);
    src->fd = -1;
}

/* Reads more of a stream into the buffer, keeping bytes from pos on.
 * Returns 0, or an error status. Sets eof at the end of input. */
static int stream_fill(struct source *src, struct ics_error *err)
{
    if (src->pos > 0) {
        memmove(src->buf, src->buf + src->pos, src->buf_len - src->pos);
        src->buf_len -= src->pos;
        src->pos = 0;
    }
    if (src->buf_cap - src->buf_len < STREAM_BLOCK) {
        size_t cap = src->buf_cap ? src->buf_cap * 2 : 4 * STREAM_BLOCK;
        if (cap > MAX_RECORD_BYTES + 4 * STREAM_BLOCK)
            return ics_error_set(err, ICS_ERR_PARSE, "%s: a row is longer than %zu bytes",
                                 src->label, MAX_RECORD_BYTES);
        char *b = ics_realloc(src->buf, cap);
        if (!b)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", src->label);
        src->buf = b;
        src->buf_cap = cap;
    }
    for (;;) {
        ssize_t got = read(src->fd, src->buf + src->buf_len, src->buf_cap - src->buf_len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return ics_error_set(err, ICS_ERR_IO, "cannot read %s: %s", src->label, strerror(errno));
        if (got == 0)
            src->eof = 1;
        src->buf_len += (size_t)got;
        return ICS_OK;
    }
}

int icsi_csv_parse_error(struct ics_error *err, int rc, const char *label, long line)
{
    if (rc == PARSE_IO)
        return err ? err->code : ICS_ERR_IO;
    if (rc == PARSE_NOMEM)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
    if (rc == PARSE_TOO_LONG)
        return ics_error_at(err, ICS_ERR_PARSE, label, line, 0, "row too long");
    return ics_error_at(err, ICS_ERR_PARSE, label, line, 0,
                        "unterminated quoted field (the quote opens on this line)");
}

/* Next record from a stream source: PARSE_ROW (blank lines included, with
 * nfields 0), 0 at the end, or a PARSE_* error (PARSE_IO: err is set). */
int icsi_csv_stream_next(struct source *src, struct splitter *sp, int want, struct ics_csv_row *row,
                       long *newlines, struct ics_error *err)
{
    for (;;) {
        if (src->pos < src->buf_len) {
            const char *next;
            int rc = icsi_csv_parse_record(sp, src->buf + src->pos, src->buf + src->buf_len, src->eof, want,
                                  row, &next, newlines);
            if (rc == PARSE_ROW) {
                src->consumed += (uint64_t)(next - (src->buf + src->pos));
                src->pos = (size_t)(next - src->buf);
                return PARSE_ROW;
            }
            if (rc != PARSE_NEED_MORE)
                return rc;
        } else if (src->eof) {
            return 0;
        }
        if (stream_fill(src, err))
            return PARSE_IO;
    }
}

static char *trimmed_copy(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return ics_strndup(s, n);
}

static int store_header(struct source *src, const struct ics_csv_row *row, struct ics_error *err)
{
    src->header.names = ics_calloc((size_t)row->nfields, sizeof(char *));
    if (!src->header.names)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", src->label);
    for (int i = 0; i < row->nfields; i++) {
        src->header.names[i] = trimmed_copy(row->fields[i].ptr, row->fields[i].len);
        if (!src->header.names[i])
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", src->label);
        src->header.count = i + 1;
    }
    return ICS_OK;
}

/* Reads the header: skips a byte-order mark and leading blank lines. */
int icsi_csv_read_header(struct source *src, struct splitter *sp, struct ics_error *err)
{
    struct ics_csv_row row;
    long newlines = 0;
    long line = 1;
    if (icsi_csv_splitter_reserve(sp, 4096))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", src->label);
    if (src->mapped) {
        const char *p = src->data, *end = src->data + src->len;
        if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;
        for (;;) {
            if (p >= end)
                return ics_error_set(err, ICS_ERR_EMPTY, "%s is empty (no header line)", src->label);
            const char *next;
            int rc = icsi_csv_parse_record(sp, p, end, 1, 4096, &row, &next, &newlines);
            if (rc != PARSE_ROW)
                return icsi_csv_parse_error(err, rc, src->label, line);
            p = next;
            line += newlines;
            if (row.raw_len > 0)
                break;
        }
        src->data_start = (size_t)(p - src->data);
    } else {
        while (src->buf_len < 3 && !src->eof)
            if (stream_fill(src, err))
                return err->code;
        if (src->buf_len >= 3 && memcmp(src->buf, "\xEF\xBB\xBF", 3) == 0) {
            src->pos = 3;
            src->consumed = 3;
        }
        for (;;) {
            int rc = icsi_csv_stream_next(src, sp, 4096, &row, &newlines, err);
            if (rc == 0)
                return ics_error_set(err, ICS_ERR_EMPTY, "%s is empty (no header line)", src->label);
            if (rc != PARSE_ROW)
                return icsi_csv_parse_error(err, rc, src->label, line);
            line += newlines;
            if (row.raw_len > 0)
                break;
        }
    }
    src->data_line = line;
    return store_header(src, &row, err);
}

int ics_csv_header_find(const struct ics_csv_header *h, const char *const *aliases)
{
    for (const char *const *a = aliases; *a; a++)
        for (int i = 0; i < h->count; i++)
            if (strcasecmp(h->names[i], *a) == 0)
                return i;
    return -1;
}

/* ---- the pull reader ----------------------------------------------------- */

struct ics_csv_reader {
    struct source src;
    struct splitter sp;
    size_t pos;          /* mapped: offset of the next record */
    long line;           /* line of the next record */
};

static int reader_start(struct ics_csv_reader *r, struct ics_csv_reader **out, struct ics_error *err)
{
    int rc = icsi_csv_read_header(&r->src, &r->sp, err);
    if (rc) {
        ics_csv_close(r);
        return rc;
    }
    r->pos = r->src.data_start;
    r->line = r->src.data_line;
    *out = r;
    return ICS_OK;
}

int ics_csv_open(const char *path, const char *label, struct ics_csv_reader **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r = ics_calloc(1, sizeof *r);
    if (!r)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory opening %s", path);
    int rc = icsi_csv_source_open(&r->src, path, label, err);
    if (rc) {
        ics_csv_close(r);
        return rc;
    }
    return reader_start(r, out, err);
}

int ics_csv_open_memory(const char *data, size_t len, const char *label, struct ics_csv_reader **out,
                        struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r = ics_calloc(1, sizeof *r);
    if (!r)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory opening %s", label ? label : "data");
    r->src.fd = -1;
    snprintf(r->src.label, sizeof r->src.label, "%s", label ? label : "data");
    r->src.mapped = 1;
    r->src.data = data;
    r->src.len = len;
    return reader_start(r, out, err);
}

const struct ics_csv_header *ics_csv_reader_header(const struct ics_csv_reader *r)
{
    return &r->src.header;
}

const char *ics_csv_reader_label(const struct ics_csv_reader *r)
{
    return r->src.label;
}

int ics_csv_next(struct ics_csv_reader *r, struct ics_csv_row *row, struct ics_error *err)
{
    int want = r->src.header.count > 0 ? r->src.header.count : 1;
    /* Rows may be wider than the header; split what fits in the field array. */
    if (want < 256)
        want = 256;
    if (icsi_csv_splitter_reserve(&r->sp, want))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", r->src.label);
    for (;;) {
        long newlines = 0;
        int rc;
        if (r->src.mapped) {
            if (r->pos >= r->src.len)
                return 0;
            const char *next;
            rc = icsi_csv_parse_record(&r->sp, r->src.data + r->pos, r->src.data + r->src.len, 1, want, row, &next,
                              &newlines);
            if (rc == PARSE_ROW)
                r->pos = (size_t)(next - r->src.data);
        } else {
            rc = icsi_csv_stream_next(&r->src, &r->sp, want, row, &newlines, err);
            if (rc == 0)
                return 0;
        }
        if (rc != PARSE_ROW)
            return icsi_csv_parse_error(err, rc, r->src.label, r->line);
        row->line = r->line;
        row->internal = NULL;
        r->line += newlines;
        if (row->raw_len == 0)
            continue;
        return 1;
    }
}

void ics_csv_close(struct ics_csv_reader *r)
{
    if (!r)
        return;
    icsi_csv_source_close(&r->src);
    icsi_csv_splitter_release(&r->sp);
    ics_free(r);
}
