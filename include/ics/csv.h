/*
 * ics CSV reader: RFC 4180 (quoted fields, "" escapes, commas and newlines
 * inside quotes, CRLF or LF, a UTF-8 byte-order mark), columns found by header
 * name, errors with file, line and column (column = 1-based field number).
 *
 * Two ways to read:
 *  - the pull reader (ics_csv_open / ics_csv_next): one row at a time, for
 *    reference files, tables and submissions;
 *  - the scan (ics_csv_scan): the hot path for large files. It memory-maps the
 *    file, splits it at line boundaries across threads, and calls a row
 *    function per thread with that thread's own context, so aggregates need no
 *    locks; the caller merges the per-thread contexts afterwards.
 * Both read standard input when the path is "-" (no mmap, one thread), and
 * keep memory constant as the file grows.
 *
 * Blank lines are skipped (they are not rows). Line numbers are physical lines:
 * the header is line 1, and a row with a quoted newline starts on its first line.
 */
#ifndef ICS_CSV_H
#define ICS_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

/* One field: bytes without the surrounding quotes and with "" made ", not
 * NUL-terminated. Valid until the next row (or the end of the row function). */
struct ics_csv_field {
    const char *ptr;
    uint32_t len;
};

struct ics_csv_row {
    const struct ics_csv_field *fields;
    int nfields;        /* fields split; fewer than asked means the row was short */
    long line;          /* physical line where the row starts (see scan note) */
    const char *raw;    /* the row's bytes as in the file, without the line end */
    size_t raw_len;
    int has_nul;        /* some byte of the row is NUL: a field holding one is cut
                           short by any C string, so readers should reject it */
    void *internal;     /* the reader's; used by ics_csv_reject */
};

/* ---- header and columns ------------------------------------------------ */

struct ics_csv_header {
    int count;
    char **names;       /* trimmed names as in the file */
};

/*
 * Finds a column by name, case-insensitively, trying each alias in order:
 * `aliases` is a NULL-terminated list ("spell_id", "EPIKEY", "SUSSPELLID", NULL).
 * Returns the 0-based index or -1.
 */
int ics_csv_header_find(const struct ics_csv_header *h, const char *const *aliases);

/* ---- the pull reader --------------------------------------------------- */

struct ics_csv_reader;

/* Opens a file ("-" = standard input) and reads its header. `label` is the
 * name used in messages (NULL: the path). Fails with ICS_ERR_IO, or
 * ICS_ERR_EMPTY when there is no header line. */
int ics_csv_open(const char *path, const char *label, struct ics_csv_reader **out,
                 struct ics_error *err);
/* As ics_csv_open, over bytes in memory (not copied; must outlive the reader). */
int ics_csv_open_memory(const char *data, size_t len, const char *label,
                        struct ics_csv_reader **out, struct ics_error *err);
const struct ics_csv_header *ics_csv_reader_header(const struct ics_csv_reader *r);
const char *ics_csv_reader_label(const struct ics_csv_reader *r);
/* Reads the next row, splitting its fields up to the header's width or 256,
 * whichever is more (a wider row's nfields stops there: fields past every
 * column are never read). Returns 1 with *row set, 0 at the end, or an error
 * status (unterminated quote: ICS_ERR_PARSE). */
int ics_csv_next(struct ics_csv_reader *r, struct ics_csv_row *row, struct ics_error *err);
void ics_csv_close(struct ics_csv_reader *r);

/* ---- the scan ---------------------------------------------------------- */

/*
 * Called for each row, on the thread that owns `worker` (one of the contexts
 * the caller passed in). Return 0 to go on, non-zero to stop the scan (for
 * --strict, after ics_csv_reject). Only fields 0 .. want_fields-1 are split.
 */
typedef int (*ics_csv_row_fn)(void *worker, struct ics_csv_row *row);
/* Called when the scan must throw away what a worker has seen and redo its
 * part (rare: a quoted newline across a thread boundary). Reset to empty. */
typedef void (*ics_csv_reset_fn)(void *worker);

struct ics_csv_scan_options {
    int threads;             /* workers wanted; 0 = the number of cores; 1 for a pipe */
    int want_fields;         /* split fields 0 .. want_fields-1 of each row */
    ics_csv_row_fn row;
    ics_csv_reset_fn reset;
    void **workers;          /* `threads` caller-owned contexts */
    ics_progress_fn progress;
    void *progress_ctx;
    FILE *rejects;           /* if set, rejected rows are written here as
                                line,reason,raw (header included), in file order;
                                the scan fails (ICS_ERR_IO) if a write to it fails */
    const char *rejects_name;/* how messages name the rejects file (NULL: "the rejects file") */
};

struct ics_csv_scan_result {
    uint64_t rows;           /* data rows seen (used + rejected) */
    uint64_t rejected;
    uint64_t bytes;
    int threads_used;
};

/*
 * Records that `row` is rejected: `column` is the 1-based field number (0 if
 * none) and the reason is formatted. The scan counts it and writes it to the
 * rejects file with its true line number once the scan is done.
 */
void ics_csv_reject(struct ics_csv_row *row, int column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct ics_csv_scan;

/* Opens a file ("-" = standard input) and reads its header (see ics_csv_open). */
int ics_csv_scan_open(const char *path, const char *label, struct ics_csv_scan **out,
                      struct ics_error *err);
const struct ics_csv_header *ics_csv_scan_header(const struct ics_csv_scan *s);
/* Runs the scan. Can be run again (a second pass) on a file, not on a pipe.
 * If a row function stopped the scan, fails with ICS_ERR_PARSE and the first
 * rejected row in file order as "file:line:column: reason". */
int ics_csv_scan_run(struct ics_csv_scan *s, const struct ics_csv_scan_options *opt,
                     struct ics_csv_scan_result *result, struct ics_error *err);
/* True when the input can be read twice (a regular file). */
int ics_csv_scan_rewindable(const struct ics_csv_scan *s);
void ics_csv_scan_close(struct ics_csv_scan *s);

/* Writes one CSV field, quoting it when it holds a comma, quote or line end. */
void ics_csv_write_field(FILE *f, const char *s, size_t len);

#endif
