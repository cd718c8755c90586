/*
 * The CSV reader. One record parser serves the pull reader and the scan.
 *
 * Fast path: find the line end with memchr, check the line for a quote with
 * memchr, and if there is none split it on commas in place (fields point into
 * the mapping, nothing is copied). Slow path, only for lines with a quote: a
 * small RFC 4180 state machine that may run over several physical lines and
 * unescapes quoted fields into a scratch buffer.
 *
 * The scan splits a memory-mapped file into one part per thread at line
 * boundaries. A line boundary is not always a record boundary (a quoted field
 * may hold a newline), so each part is parsed speculatively and checked
 * afterwards: part k is right exactly when part k-1 ended where part k began.
 * A part that started inside a quoted field is thrown away (the caller's reset
 * function) and parsed again from the true boundary. This costs nothing on
 * ordinary files, unlike a pre-pass counting quotes.
 *
 * Line numbers in a part are counted from the part's start and made absolute
 * after all parts are done, when the line count of every earlier part is
 * known. Rejected rows of part 0 go straight to the rejects file; those of
 * later parts are spooled to a temporary file in a binary layout and copied
 * out in order with absolute line numbers, so memory stays constant however
 * many rows are rejected.
 */
#include "ics/csv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_RECORD_BYTES ((size_t)256 << 20)   /* one row may not exceed this */
#define STREAM_BLOCK ((size_t)1 << 20)
#define PROGRESS_EVERY 16384                    /* rows between progress updates */
#define MAX_THREADS 64
#define RELEASE_EVERY ((ptrdiff_t)8 << 20)         /* bytes between madvise calls */
#define PAGE_GUESS ((uintptr_t)4096)               /* madvise needs page-aligned starts */

/* ---- record splitting ---------------------------------------------------- */

struct splitter {
    struct ics_csv_field *fields;
    int cap;
    size_t *offsets;          /* slow path: field starts in scratch */
    char *scratch;
    size_t scratch_len, scratch_cap;
};

enum parse_result {
    PARSE_ROW = 1,
    PARSE_NEED_MORE = 0,
    PARSE_UNTERMINATED = -1,
    PARSE_NOMEM = -2,
    PARSE_TOO_LONG = -3,
    PARSE_IO = -4            /* reading failed; the error is already set */
};

static int splitter_reserve(struct splitter *sp, int want)
{
    if (want <= sp->cap)
        return 0;
    int cap = sp->cap ? sp->cap : 16;
    while (cap < want)
        cap *= 2;
    struct ics_csv_field *f = ics_realloc(sp->fields, (size_t)cap * sizeof *f);
    if (!f)
        return -1;
    sp->fields = f;
    size_t *o = ics_realloc(sp->offsets, (size_t)cap * sizeof *o);
    if (!o)
        return -1;
    sp->offsets = o;
    sp->cap = cap;
    return 0;
}

static void splitter_release(struct splitter *sp)
{
    ics_free(sp->fields);
    ics_free(sp->offsets);
    ics_free(sp->scratch);
    memset(sp, 0, sizeof *sp);
}

static int scratch_put(struct splitter *sp, const char *s, size_t n)
{
    if (sp->scratch_len + n > sp->scratch_cap) {
        size_t cap = sp->scratch_cap ? sp->scratch_cap : 256;
        while (cap < sp->scratch_len + n)
            cap *= 2;
        char *b = ics_realloc(sp->scratch, cap);
        if (!b)
            return -1;
        sp->scratch = b;
        sp->scratch_cap = cap;
    }
    memcpy(sp->scratch + sp->scratch_len, s, n);
    sp->scratch_len += n;
    return 0;
}

/*
 * The slow path: a record with at least one quote on its first line.
 * Splits up to `want` fields (all fields are still walked, to find the end).
 */
static int parse_quoted(struct splitter *sp, const char *p, const char *end, int at_eof, int want,
                        struct ics_csv_row *row, const char **next, long *newlines)
{
    const char *s = p;
    long nl = 0;
    int n = 0;
    sp->scratch_len = 0;
    for (;;) {
        /* One field starts at s. */
        size_t start = sp->scratch_len;
        int store = n < want;
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                const char *q = memchr(s, '"', (size_t)(end - s));
                if (!q) {
                    if (!at_eof)
                        return PARSE_NEED_MORE;
                    return PARSE_UNTERMINATED;
                }
                for (const char *c = s; c < q; c++)
                    nl += *c == '\n';
                if (store && scratch_put(sp, s, (size_t)(q - s)))
                    return PARSE_NOMEM;
                if (q + 1 < end && q[1] == '"') {
                    if (store && scratch_put(sp, "\"", 1))
                        return PARSE_NOMEM;
                    s = q + 2;
                    continue;
                }
                if (q + 1 >= end && !at_eof)
                    return PARSE_NEED_MORE;   /* cannot tell "" from " yet */
                s = q + 1;
                break;
            }
            /* Text after the closing quote, up to the separator, is kept as it
             * stands (lenient, as most spreadsheet exports expect). */
        }
        const char *t = s;
        while (t < end && *t != ',' && *t != '\n')
            t++;
        if (t >= end && !at_eof)
            return PARSE_NEED_MORE;
        const char *text_end = t;
        if (t < end && *t == '\n' && text_end > s && text_end[-1] == '\r')
            text_end--;
        else if (t >= end && text_end > s && text_end[-1] == '\r')
            text_end--;
        if (store) {
            if (scratch_put(sp, s, (size_t)(text_end - s)))
                return PARSE_NOMEM;
            sp->offsets[n] = start;
            sp->fields[n].len = (uint32_t)(sp->scratch_len - start);
        }
        n++;
        if (t < end && *t == ',') {
            s = t + 1;
            continue;
        }
        /* End of record: a newline or the end of the input. */
        const char *raw_end = text_end;
        if (t < end) {
            nl++;
            *next = t + 1;
        } else {
            *next = end;
        }
        int stored = n < want ? n : want;
        for (int i = 0; i < stored; i++)
            sp->fields[i].ptr = sp->scratch + sp->offsets[i];
        row->fields = sp->fields;
        row->nfields = stored;
        row->raw = p;
        row->raw_len = (size_t)(raw_end - p);
        *newlines = nl;
        return PARSE_ROW;
    }
}

#if defined(__SSE2__)
/*
 * The fast path with SSE2: one pass classifies 32 bytes at a time into
 * commas, line ends and quotes, and fields are cut at the comma bits. Returns
 * 1 with the row split, 0 when the line holds a quote (the caller takes the
 * slow path), or -1 when fewer than 32 bytes remain before the line end is
 * found (the caller takes the scalar path; never reads past `end`).
 */
static int split_sse2(struct splitter *sp, const char *p, const char *end, int want, struct ics_csv_row *row,
                      const char **next, long *newlines)
{
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    struct ics_csv_field *f = sp->fields;
    const char *s = p, *field_start = p;
    int n = 0;
    while (end - s >= 32) {
        /* 32 bytes a step: two 16-byte compares folded into 32-bit masks */
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
        uint32_t mc = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, comma)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, comma)) << 16;
        uint32_t mn = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, lf)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, lf)) << 16;
        uint32_t mq = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, quote)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, quote)) << 16;
        uint32_t before = mn ? (mn & (0u - mn)) - 1 : 0xFFFFFFFFu;   /* bits before the line end */
        if (mq & before)
            return 0;
        uint32_t commas = mc & before;
        while (commas && n < want) {
            const char *c = s + __builtin_ctz(commas);
            f[n].ptr = field_start;
            f[n].len = (uint32_t)(c - field_start);
            n++;
            field_start = c + 1;
            commas &= commas - 1;
        }
        if (mn) {
            const char *nl = s + __builtin_ctz(mn);
            size_t content_len = (size_t)(nl - p);
            if (content_len > 0 && p[content_len - 1] == '\r')
                content_len--;
            const char *content_end = p + content_len;
            if (content_len == 0) {
                n = 0;
            } else if (n < want) {
                /* the last field runs to the line end (less a CR) */
                f[n].ptr = field_start;
                f[n].len = field_start <= content_end ? (uint32_t)(content_end - field_start) : 0;
                n++;
            }
            row->fields = f;
            row->nfields = n;
            row->raw = p;
            row->raw_len = content_len;
            *next = nl + 1;
            *newlines = 1;
            return 1;
        }
        s += 32;
    }
    return -1;
}
#endif

/*
 * Parses one record at p (p < end). Returns PARSE_ROW with *next after the
 * record's line end and *newlines the line ends consumed, PARSE_NEED_MORE when
 * the record may go on past `end` and more input can come, or an error.
 * A blank line gives a row with nfields 0 and raw_len 0.
 */
static int parse_record(struct splitter *sp, const char *p, const char *end, int at_eof, int want,
                        struct ics_csv_row *row, const char **next, long *newlines)
{
#if defined(__SSE2__)
    int fast = split_sse2(sp, p, end, want, row, next, newlines);
    if (fast > 0)
        return PARSE_ROW;
    if (fast == 0)
        return parse_quoted(sp, p, end, at_eof, want, row, next, newlines);
#endif
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl && !at_eof)
        return PARSE_NEED_MORE;
    size_t content_len = (size_t)((nl ? nl : end) - p);
    if (content_len > 0 && p[content_len - 1] == '\r')
        content_len--;
    const char *content_end = p + content_len;
    if (memchr(p, '"', content_len))
        return parse_quoted(sp, p, end, at_eof, want, row, next, newlines);

    int n = 0;
    if (content_end > p) {
        struct ics_csv_field *f = sp->fields;
        const char *s = p;
        while (n < want) {
            const char *c = s;
            while (c < content_end && *c != ',')
                c++;
            f[n].ptr = s;
            f[n].len = (uint32_t)(c - s);
            n++;
            if (c == content_end)
                break;
            s = c + 1;
            if (s == content_end && n < want) {
                /* A trailing comma ends with an empty field. */
                f[n].ptr = s;
                f[n].len = 0;
                n++;
                break;
            }
        }
    }
    row->fields = sp->fields;
    row->nfields = n;
    row->raw = p;
    row->raw_len = content_len;
    *next = nl ? nl + 1 : end;
    *newlines = nl ? 1 : 0;
    return PARSE_ROW;
}

/* ---- input sources ------------------------------------------------------- */

struct source {
    char label[256];
    int fd;
    int mapped;              /* data/len is the whole input */
    const char *data;
    size_t len;
    void *map;               /* owned mapping, if any */
    size_t map_len;
    /* streaming (pipe) state */
    char *buf;
    size_t buf_len, buf_cap, pos;
    int eof;
    uint64_t consumed;       /* bytes of the stream parsed so far */
    int close_fd;
    size_t data_start;       /* offset of the first data row (mapped) */
    long data_line;          /* physical line of the first byte after the header */
    struct ics_csv_header header;
};

static int source_open(struct source *src, const char *path, const char *label, struct ics_error *err)
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

static void source_close(struct source *src)
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

static int parse_error(struct ics_error *err, int rc, const char *label, long line)
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
static int stream_next(struct source *src, struct splitter *sp, int want, struct ics_csv_row *row,
                       long *newlines, struct ics_error *err)
{
    for (;;) {
        if (src->pos < src->buf_len) {
            const char *next;
            int rc = parse_record(sp, src->buf + src->pos, src->buf + src->buf_len, src->eof, want,
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
static int read_header(struct source *src, struct splitter *sp, struct ics_error *err)
{
    struct ics_csv_row row;
    long newlines = 0;
    long line = 1;
    if (splitter_reserve(sp, 4096))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", src->label);
    if (src->mapped) {
        const char *p = src->data, *end = src->data + src->len;
        if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;
        for (;;) {
            if (p >= end)
                return ics_error_set(err, ICS_ERR_EMPTY, "%s is empty (no header line)", src->label);
            const char *next;
            int rc = parse_record(sp, p, end, 1, 4096, &row, &next, &newlines);
            if (rc != PARSE_ROW)
                return parse_error(err, rc, src->label, line);
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
            int rc = stream_next(src, sp, 4096, &row, &newlines, err);
            if (rc == 0)
                return ics_error_set(err, ICS_ERR_EMPTY, "%s is empty (no header line)", src->label);
            if (rc != PARSE_ROW)
                return parse_error(err, rc, src->label, line);
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
    int rc = read_header(&r->src, &r->sp, err);
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
    int rc = source_open(&r->src, path, label, err);
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
    if (splitter_reserve(&r->sp, want))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", r->src.label);
    for (;;) {
        long newlines = 0;
        int rc;
        if (r->src.mapped) {
            if (r->pos >= r->src.len)
                return 0;
            const char *next;
            rc = parse_record(&r->sp, r->src.data + r->pos, r->src.data + r->src.len, 1, want, row, &next,
                              &newlines);
            if (rc == PARSE_ROW)
                r->pos = (size_t)(next - r->src.data);
        } else {
            rc = stream_next(&r->src, &r->sp, want, row, &newlines, err);
            if (rc == 0)
                return 0;
        }
        if (rc != PARSE_ROW)
            return parse_error(err, rc, r->src.label, r->line);
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
    source_close(&r->src);
    splitter_release(&r->sp);
    ics_free(r);
}

/* ---- the scan ------------------------------------------------------------ */

/* One part of the input, parsed by one worker. */
struct part {
    char separation[128];        /* parts are neighbours in an array, each written by its own thread */
    struct ics_csv_scan *scan;
    int index;
    void *worker;
    const char *start, *end;     /* nominal: records that start in [start, end) */
    const char *parsed_end;      /* where the last record of this part ended */
    long lines;                  /* line ends consumed */
    uint64_t rows, rejected;
    int stopped;                 /* the row function asked to stop */
    int abandoned;               /* stopped because an earlier part stopped */
    int fatal;                   /* parse error status (PARSE_*) */
    long fatal_line;             /* local line of the fatal error */
    /* the first rejected row, for --strict messages */
    int have_first;
    long first_line;
    int first_column;
    char first_reason[512];
    /* rejects: part 0 writes through; later parts spool */
    FILE *spool;
    long line_base;              /* absolute line of `start`, when known (part 0) */
    int direct;                  /* write rejects straight to the file */
    long cur_line;               /* local line of the row being processed */
    struct splitter sp;
    _Atomic uint64_t progress_bytes;
    _Atomic uint64_t progress_rows;
};

struct ics_csv_scan {
    struct source src;
    struct splitter header_sp;
    int runs;
    const struct ics_csv_scan_options *opt;
    _Atomic int stop_before;     /* parts with a higher index may stop */
    struct part parts[MAX_THREADS];
    int nparts;
};

static void write_reject(FILE *f, long line, const char *reason, const char *raw, size_t raw_len)
{
    fprintf(f, "%ld,", line);
    ics_csv_write_field(f, reason, strlen(reason));
    fputc(',', f);
    ics_csv_write_field(f, raw, raw_len);
    fputc('\n', f);
}

void ics_csv_reject(struct ics_csv_row *row, int column, const char *fmt, ...)
{
    struct part *pt = row->internal;
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (!pt)
        return;
    pt->rejected++;
    if (!pt->have_first) {
        pt->have_first = 1;
        pt->first_line = pt->cur_line;
        pt->first_column = column;
        snprintf(pt->first_reason, sizeof pt->first_reason, "%s", reason);
    }
    FILE *rejects = pt->scan->opt->rejects;
    if (!rejects)
        return;
    if (pt->direct) {
        write_reject(rejects, pt->line_base + pt->cur_line, reason, row->raw, row->raw_len);
        return;
    }
    if (!pt->spool) {
        pt->spool = tmpfile();
        if (!pt->spool)
            return;   /* counted; the scan reports the spool failure at the end */
    }
    int64_t line = pt->cur_line;
    uint32_t rlen = (uint32_t)strlen(reason);
    uint64_t raw_len = row->raw_len;
    fwrite(&line, sizeof line, 1, pt->spool);
    fwrite(&rlen, sizeof rlen, 1, pt->spool);
    fwrite(&raw_len, sizeof raw_len, 1, pt->spool);
    fwrite(reason, 1, rlen, pt->spool);
    fwrite(row->raw, 1, row->raw_len, pt->spool);
}

/* Parses the records that start in [from, pt->end) of a mapped input. */
static void part_parse(struct part *pt, const char *from)
{
    struct ics_csv_scan *scan = pt->scan;
    const struct ics_csv_scan_options *opt = scan->opt;
    const char *p = from, *end = scan->src.data + scan->src.len;
    struct ics_csv_row row;
    long line = 0;
    uint64_t since_progress = 0;
    const char *released = from;
    while (p < pt->end) {
        const char *next;
        long newlines;
        int rc = parse_record(&pt->sp, p, end, 1, opt->want_fields, &row, &next, &newlines);
        if (rc != PARSE_ROW) {
            pt->fatal = rc;
            pt->fatal_line = line;
            int expected = atomic_load(&scan->stop_before);
            while (pt->index < expected &&
                   !atomic_compare_exchange_weak(&scan->stop_before, &expected, pt->index))
                ;
            break;
        }
        if (row.raw_len > 0) {
            row.line = line;
            row.internal = pt;
            pt->cur_line = line;
            pt->rows++;
            if (opt->row(pt->worker, &row)) {
                pt->stopped = 1;
                int expected = atomic_load(&scan->stop_before);
                while (pt->index < expected &&
                       !atomic_compare_exchange_weak(&scan->stop_before, &expected, pt->index))
                    ;
                p = next;
                line += newlines;
                break;
            }
        }
        p = next;
        line += newlines;
        if (++since_progress == PROGRESS_EVERY) {
            since_progress = 0;
            /* Hand consumed pages of the mapping back, so resident memory stays
             * flat however large the file (the page cache keeps them; a part
             * that reads past its end simply faults them in again). */
            if (scan->src.map && p - released > (ptrdiff_t)RELEASE_EVERY) {
                uintptr_t upto = (uintptr_t)p & ~(uintptr_t)(PAGE_GUESS - 1);
                uintptr_t start = ((uintptr_t)released + PAGE_GUESS - 1) & ~(uintptr_t)(PAGE_GUESS - 1);
                if (upto > start)
                    madvise((void *)start, upto - start, MADV_DONTNEED);
                released = (const char *)upto;
            }
            atomic_store(&pt->progress_bytes, (uint64_t)(p - from));
            atomic_store(&pt->progress_rows, pt->rows);
            if (atomic_load(&scan->stop_before) < pt->index) {
                pt->abandoned = 1;
                break;
            }
            if (pt->index == 0 && opt->progress) {
                uint64_t done = 0, rows = 0;
                for (int i = 0; i < scan->nparts; i++) {
                    done += atomic_load(&scan->parts[i].progress_bytes);
                    rows += atomic_load(&scan->parts[i].progress_rows);
                }
                opt->progress(opt->progress_ctx, done, scan->src.len, rows);
            }
        }
    }
    if (scan->src.map) {
        uintptr_t upto = (uintptr_t)p & ~(uintptr_t)(PAGE_GUESS - 1);
        uintptr_t start = ((uintptr_t)released + PAGE_GUESS - 1) & ~(uintptr_t)(PAGE_GUESS - 1);
        if (upto > start)
            madvise((void *)start, upto - start, MADV_DONTNEED);
    }
    pt->parsed_end = p;
    pt->lines = line;
    atomic_store(&pt->progress_bytes, (uint64_t)(p - from));
}

static void *part_thread(void *arg)
{
    struct part *pt = arg;
    part_parse(pt, pt->start);
    return NULL;
}

static void part_reset(struct part *pt)
{
    if (pt->scan->opt->reset)
        pt->scan->opt->reset(pt->worker);
    pt->rows = pt->rejected = 0;
    pt->stopped = pt->abandoned = 0;
    pt->fatal = 0;
    pt->have_first = 0;
    if (pt->spool) {
        fclose(pt->spool);
        pt->spool = NULL;
    }
}

int ics_csv_scan_open(const char *path, const char *label, struct ics_csv_scan **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_scan *s = ics_calloc(1, sizeof *s);
    if (!s)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory opening %s", path);
    int rc = source_open(&s->src, path, label, err);
    if (!rc)
        rc = read_header(&s->src, &s->header_sp, err);
    if (rc) {
        ics_csv_scan_close(s);
        return rc;
    }
    *out = s;
    return ICS_OK;
}

const struct ics_csv_header *ics_csv_scan_header(const struct ics_csv_scan *s)
{
    return &s->src.header;
}

int ics_csv_scan_rewindable(const struct ics_csv_scan *s)
{
    return s->src.mapped;
}

void ics_csv_scan_close(struct ics_csv_scan *s)
{
    if (!s)
        return;
    source_close(&s->src);
    splitter_release(&s->header_sp);
    for (int i = 0; i < MAX_THREADS; i++) {
        splitter_release(&s->parts[i].sp);
        if (s->parts[i].spool)
            fclose(s->parts[i].spool);
    }
    ics_free(s);
}

/* Streams standard input through one worker. */
static int scan_stream(struct ics_csv_scan *s, const struct ics_csv_scan_options *opt,
                       struct ics_csv_scan_result *result, struct ics_error *err)
{
    struct part *pt = &s->parts[0];
    memset(pt, 0, sizeof *pt);
    pt->scan = s;
    pt->worker = opt->workers[0];
    pt->direct = 1;
    pt->line_base = s->src.data_line;
    if (splitter_reserve(&pt->sp, opt->want_fields))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", s->src.label);
    long line = 0;
    uint64_t since = 0;
    struct ics_csv_row row;
    for (;;) {
        long newlines = 0;
        int rc = stream_next(&s->src, &pt->sp, opt->want_fields, &row, &newlines, err);
        if (rc == 0)
            break;
        if (rc != PARSE_ROW)
            return parse_error(err, rc, s->src.label, s->src.data_line + line);
        if (row.raw_len > 0) {
            row.line = s->src.data_line + line;
            row.internal = pt;
            pt->cur_line = line;
            pt->rows++;
            if (opt->row(pt->worker, &row)) {
                pt->stopped = 1;
                break;
            }
        }
        line += newlines;
        if (++since == PROGRESS_EVERY && opt->progress) {
            since = 0;
            opt->progress(opt->progress_ctx, s->src.consumed, 0, pt->rows);
        }
    }
    result->rows = pt->rows;
    result->rejected = pt->rejected;
    result->bytes = s->src.consumed;
    result->threads_used = 1;
    if (pt->stopped && pt->have_first)
        return ics_error_at(err, ICS_ERR_PARSE, s->src.label, s->src.data_line + pt->first_line,
                            pt->first_column, "%s", pt->first_reason);
    if (pt->stopped)
        return ics_error_set(err, ICS_ERR_FAILED, "%s: the scan was stopped", s->src.label);
    return ICS_OK;
}

static int copy_spool(struct part *pt, FILE *out, long base, struct ics_error *err, const char *label)
{
    if (!pt->spool)
        return ICS_OK;
    rewind(pt->spool);
    char *buf = NULL;
    size_t cap = 0;
    int rc = ICS_OK;
    for (;;) {
        int64_t line;
        uint32_t rlen;
        uint64_t raw_len;
        if (fread(&line, sizeof line, 1, pt->spool) != 1)
            break;
        if (fread(&rlen, sizeof rlen, 1, pt->spool) != 1 || fread(&raw_len, sizeof raw_len, 1, pt->spool) != 1) {
            rc = ics_error_set(err, ICS_ERR_IO, "rejects spool of %s is damaged", label);
            break;
        }
        size_t need = (size_t)rlen + 1 + (size_t)raw_len;
        if (need > cap) {
            char *b = ics_realloc(buf, need);
            if (!b) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory writing rejects");
                break;
            }
            buf = b;
            cap = need;
        }
        if (fread(buf, 1, rlen, pt->spool) != rlen ||
            fread(buf + rlen + 1, 1, (size_t)raw_len, pt->spool) != raw_len) {
            rc = ics_error_set(err, ICS_ERR_IO, "rejects spool of %s is damaged", label);
            break;
        }
        buf[rlen] = '\0';
        write_reject(out, base + (long)line, buf, buf + rlen + 1, (size_t)raw_len);
    }
    ics_free(buf);
    fclose(pt->spool);
    pt->spool = NULL;
    return rc;
}

int ics_csv_scan_run(struct ics_csv_scan *s, const struct ics_csv_scan_options *opt,
                     struct ics_csv_scan_result *result, struct ics_error *err)
{
    memset(result, 0, sizeof *result);
    if (!opt->row || !opt->workers || opt->threads < 1 || opt->want_fields < 1)
        return ics_error_set(err, ICS_ERR_INTERNAL, "scan options incomplete");
    s->opt = opt;
    if (opt->rejects)
        fputs("line,reason,raw\n", opt->rejects);
    if (!s->src.mapped) {
        if (s->runs++ > 0)
            return ics_error_set(err, ICS_ERR_INTERNAL, "%s cannot be read twice", s->src.label);
        return scan_stream(s, opt, result, err);
    }
    s->runs++;

    /* Split the data into parts at line ends; small inputs get one part. */
    const char *data = s->src.data + s->src.data_start;
    const char *end = s->src.data + s->src.len;
    size_t len = (size_t)(end - data);
    int n = opt->threads > MAX_THREADS ? MAX_THREADS : opt->threads;
    if (len < ((size_t)4 << 20))
        n = 1;
    const char *starts[MAX_THREADS + 1];
    starts[0] = data;
    for (int k = 1; k < n; k++) {
        const char *b = data + len / (size_t)n * (size_t)k;
        if (b < starts[k - 1])
            b = starts[k - 1];
        const char *nl = memchr(b, '\n', (size_t)(end - b));
        starts[k] = nl ? nl + 1 : end;
    }
    starts[n] = end;
    s->nparts = n;
    atomic_store(&s->stop_before, INT_MAX);
    for (int k = 0; k < n; k++) {
        struct part *pt = &s->parts[k];
        struct splitter keep = pt->sp;
        memset(pt, 0, sizeof *pt);
        pt->sp = keep;
        pt->scan = s;
        pt->index = k;
        pt->worker = opt->workers[k];
        pt->start = starts[k];
        pt->end = starts[k + 1];
        pt->direct = k == 0;
        pt->line_base = s->src.data_line;
        if (splitter_reserve(&pt->sp, opt->want_fields))
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", s->src.label);
    }

    pthread_t threads[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int k = 1; k < n; k++) {
        if (pthread_create(&threads[k], NULL, part_thread, &s->parts[k]) == 0)
            started[k] = 1;
    }
    part_parse(&s->parts[0], s->parts[0].start);
    for (int k = 1; k < n; k++) {
        if (started[k])
            pthread_join(threads[k], NULL);
        else
            part_parse(&s->parts[k], s->parts[k].start);   /* no thread: do it here */
    }

    /* Check each part began on a record boundary; redo the ones that did not
     * (or that gave up because an earlier part stopped first). A stop seen so
     * far may have come from a part that is about to be redone. */
    atomic_store(&s->stop_before, INT_MAX);
    long base = s->src.data_line;
    int rc = ICS_OK;
    for (int k = 0; k < n; k++) {
        struct part *pt = &s->parts[k];
        if (k > 0) {
            const char *truth = s->parts[k - 1].parsed_end;
            if (truth != pt->start || pt->abandoned) {
                part_reset(pt);
                pt->start = truth;
                if (truth >= pt->end) {
                    pt->parsed_end = truth;
                    pt->lines = 0;
                } else {
                    part_parse(pt, truth);
                }
            }
        }
        pt->line_base = base;
        if (pt->fatal) {
            rc = parse_error(err, pt->fatal, s->src.label, base + pt->fatal_line);
            break;
        }
        result->rows += pt->rows;
        result->rejected += pt->rejected;
        if (opt->rejects && k > 0) {
            int crc = copy_spool(pt, opt->rejects, base, err, s->src.label);
            if (crc) {
                rc = crc;
                break;
            }
        }
        if (pt->stopped) {
            if (pt->have_first)
                rc = ics_error_at(err, ICS_ERR_PARSE, s->src.label, base + pt->first_line, pt->first_column,
                                  "%s", pt->first_reason);
            else
                rc = ics_error_set(err, ICS_ERR_FAILED, "%s: the scan was stopped", s->src.label);
            break;
        }
        base += pt->lines;
    }
    result->bytes = s->src.len;
    result->threads_used = n;
    if (!rc && opt->rejects && ferror(opt->rejects))
        rc = ics_error_set(err, ICS_ERR_IO, "error writing the rejects file");
    return rc;
}

void ics_csv_write_field(FILE *f, const char *s, size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\n' || c == '\r') {
            quote = 1;
            break;
        }
    }
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}
