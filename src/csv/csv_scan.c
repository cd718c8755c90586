/*
 * The scan: a memory-mapped file split into one part per thread at line
 * boundaries, each part parsed speculatively and checked afterwards (see
 * csv_record.c); a stream goes through one worker.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "csv_internal.h"

/* ---- the scan ------------------------------------------------------------ */

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
        int rc = icsi_csv_parse_record(&pt->sp, p, end, 1, opt->want_fields, &row, &next, &newlines);
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
    pt->spool_failed = 0;
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
    int rc = icsi_csv_source_open(&s->src, path, label, err);
    if (!rc)
        rc = icsi_csv_read_header(&s->src, &s->header_sp, err);
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
    icsi_csv_source_close(&s->src);
    icsi_csv_splitter_release(&s->header_sp);
    for (int i = 0; i < MAX_THREADS; i++) {
        icsi_csv_splitter_release(&s->parts[i].sp);
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
    if (icsi_csv_splitter_reserve(&pt->sp, opt->want_fields))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", s->src.label);
    long line = 0;
    uint64_t since = 0;
    struct ics_csv_row row;
    for (;;) {
        long newlines = 0;
        int rc = icsi_csv_stream_next(&s->src, &pt->sp, opt->want_fields, &row, &newlines, err);
        if (rc == 0)
            break;
        if (rc != PARSE_ROW)
            return icsi_csv_parse_error(err, rc, s->src.label, s->src.data_line + line);
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

/* Splits the data into parts at line ends (small inputs get one part) and
 * readies each part; returns the number of parts, or -1 when out of memory. */
static int start_parts(struct ics_csv_scan *s, const struct ics_csv_scan_options *opt)
{
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
        if (icsi_csv_splitter_reserve(&pt->sp, opt->want_fields))
            return -1;
    }
    return n;
}

/* Parses every part, parts 1.. on their own threads. */
static void parse_parts(struct ics_csv_scan *s, int n)
{
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
}

/* Checks each part began on a record boundary and redoes the ones that did
 * not (or that gave up because an earlier part stopped first); then, in file
 * order, makes line numbers absolute, adds up the counts and copies the
 * spooled rejects out. A stop seen so far may have come from a part that is
 * about to be redone. */
static int settle_parts(struct ics_csv_scan *s, int n, struct ics_csv_scan_result *result, struct ics_error *err)
{
    const struct ics_csv_scan_options *opt = s->opt;
    atomic_store(&s->stop_before, INT_MAX);
    long base = s->src.data_line;
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
        if (pt->fatal)
            return icsi_csv_parse_error(err, pt->fatal, s->src.label, base + pt->fatal_line);
        result->rows += pt->rows;
        result->rejected += pt->rejected;
        if (opt->rejects && k > 0) {
            int rc = icsi_csv_copy_spool(pt, opt->rejects, base, err);
            if (rc)
                return rc;
        }
        if (pt->stopped) {
            if (pt->have_first)
                return ics_error_at(err, ICS_ERR_PARSE, s->src.label, base + pt->first_line, pt->first_column,
                                    "%s", pt->first_reason);
            return ics_error_set(err, ICS_ERR_FAILED, "%s: the scan was stopped", s->src.label);
        }
        base += pt->lines;
    }
    return ICS_OK;
}

static int scan_mapped(struct ics_csv_scan *s, const struct ics_csv_scan_options *opt,
                       struct ics_csv_scan_result *result, struct ics_error *err)
{
    int n = start_parts(s, opt);
    if (n < 0)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", s->src.label);
    parse_parts(s, n);
    int rc = settle_parts(s, n, result, err);
    result->bytes = s->src.len;
    result->threads_used = n;
    return rc;
}

int ics_csv_scan_run(struct ics_csv_scan *s, const struct ics_csv_scan_options *opt,
                     struct ics_csv_scan_result *result, struct ics_error *err)
{
    memset(result, 0, sizeof *result);
    if (!opt->row || !opt->workers || opt->threads < 1 || opt->want_fields < 1)
        return ics_error_set(err, ICS_ERR_INTERNAL, "scan options incomplete");
    s->opt = opt;
    if (!s->src.mapped && s->runs > 0)
        return ics_error_set(err, ICS_ERR_INTERNAL, "%s cannot be read twice", s->src.label);
    s->runs++;
    if (opt->rejects)
        fputs("line,reason,raw\n", opt->rejects);
    int rc = s->src.mapped ? scan_mapped(s, opt, result, err) : scan_stream(s, opt, result, err);
    /* Every write of the rejects file is checked, buffered ones included. A
     * stop (--strict) or a parse error is the more useful message. */
    int wrc = opt->rejects ? icsi_csv_rejects_flush(opt, rc ? NULL : err) : ICS_OK;
    return rc ? rc : wrc;
}
