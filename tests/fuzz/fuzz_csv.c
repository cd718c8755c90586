/*
 * The CSV reader: any bytes must read without a memory fault, and the three
 * ways of reading the same bytes (the pull reader, the scan on one thread, the
 * scan on two) must agree on whether the file reads and on every row's fields.
 */
#include "fuzz_input.h"

#include <ics/csv.h>

#include <string.h>

enum { FIELDS_COMPARED = 8 };
/* The pull reader splits at most this many fields of a row wider than its header (csv.h). */
enum { PULL_MIN_FIELDS = 256 };

struct tally {
    int width;         /* fields compared at most: what the pull reader splits */
    uint64_t rows;
    uint64_t digest;   /* order-independent: the scan's workers see rows in any order */
};

static uint64_t row_digest(const struct ics_csv_row *row, int width)
{
    /* Not the line: a scan worker numbers lines within its part of the file (the
     * true number is put on rejects afterwards), so only the pull reader's is absolute. */
    int split = row->nfields < width ? row->nfields : width;
    uint64_t h = ics_splitmix64_mix((uint64_t)split);
    int n = row->nfields < FIELDS_COMPARED ? row->nfields : FIELDS_COMPARED;
    for (int i = 0; i < n; i++) {
        const struct ics_csv_field *f = &row->fields[i];
        FUZZ_ASSERT(f->len == 0 || f->ptr != NULL);
        uint64_t fh = 1469598103934665603u;
        for (uint32_t k = 0; k < f->len; k++)
            fh = (fh ^ (unsigned char)f->ptr[k]) * 1099511628211u;
        h = ics_splitmix64_mix(h ^ fh ^ (uint64_t)i);
    }
    return h;
}

static int count_row(void *worker, struct ics_csv_row *row)
{
    struct tally *t = worker;
    t->rows++;
    t->digest += row_digest(row, t->width);
    return 0;
}

static void reset_tally(void *worker)
{
    struct tally *t = worker;
    t->rows = 0;
    t->digest = 0;
}

static int read_pull(const uint8_t *data, size_t size, struct tally *t)
{
    struct ics_error err;
    struct ics_csv_reader *r = NULL;
    ics_error_clear(&err);
    int rc = ics_csv_open_memory((const char *)data, size, "fuzz.csv", &r, &err);
    if (rc != ICS_OK)
        return rc;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    t->width = h->count > PULL_MIN_FIELDS ? h->count : PULL_MIN_FIELDS;
    for (int i = 0; i < h->count; i++)
        FUZZ_ASSERT(h->names[i] != NULL);
    static const char *const aliases[] = { "provider", "PROCODE3", NULL };
    (void)ics_csv_header_find(h, aliases);
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, &err)) == 1)
        count_row(t, &row);
    ics_csv_close(r);
    return rc;
}

static int read_scan(const char *path, int threads, int width, struct tally *t, uint64_t *rows_seen)
{
    struct ics_error err;
    struct ics_csv_scan *s = NULL;
    ics_error_clear(&err);
    int rc = ics_csv_scan_open(path, "fuzz.csv", &s, &err);
    if (rc != ICS_OK)
        return rc;
    struct tally workers[2] = { { width, 0, 0 }, { width, 0, 0 } };
    void *ctx[2] = { &workers[0], &workers[1] };
    struct ics_csv_scan_options opt;
    memset(&opt, 0, sizeof opt);
    opt.threads = threads;
    opt.want_fields = 1000;
    opt.row = count_row;
    opt.reset = reset_tally;
    opt.workers = ctx;
    struct ics_csv_scan_result res;
    memset(&res, 0, sizeof res);
    rc = ics_csv_scan_run(s, &opt, &res, &err);
    ics_csv_scan_close(s);
    for (int i = 0; i < threads; i++) {
        t->rows += workers[i].rows;
        t->digest += workers[i].digest;
    }
    *rows_seen = res.rows;
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tally pull = { PULL_MIN_FIELDS, 0, 0 }, one = { 0, 0, 0 }, two = { 0, 0, 0 };
    int pull_rc = read_pull(data, size, &pull);

    char path[64];
    FILE *f = fuzz_input_file(data, size, path, sizeof path);
    if (!f)
        return 0;
    uint64_t seen_one = 0, seen_two = 0;
    int one_rc = read_scan(path, 1, pull.width, &one, &seen_one);
    int two_rc = read_scan(path, 2, pull.width, &two, &seen_two);
    fclose(f);

    FUZZ_ASSERT(one_rc == two_rc);
    FUZZ_ASSERT((pull_rc == 0) == (one_rc == ICS_OK));
    if (one_rc == ICS_OK) {
        FUZZ_ASSERT(one.rows == seen_one && two.rows == seen_two);
        FUZZ_ASSERT(pull.rows == one.rows && one.rows == two.rows);
        FUZZ_ASSERT(pull.digest == one.digest && one.digest == two.digest);
    }
    return 0;
}
