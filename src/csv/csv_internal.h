/*
 * The CSV reader's private parts, shared by its files (not part of the API):
 *   csv_record.c   splitting one record (the SSE2 fast path and the quoted slow path)
 *   csv_reader.c   input sources (mapped file or stream), the header, the pull reader
 *   csv_scan.c     the multi-threaded scan over a mapped file, and over a stream
 *   csv_rejects.c  rejected rows: spooling, the rejects file, CSV field output
 * How the parts fit together is told in csv_record.c and csv_scan.c.
 */
#ifndef ICS_CSV_INTERNAL_H
#define ICS_CSV_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/csv.h"

#define MAX_RECORD_BYTES ((size_t)256 << 20)   /* one row may not exceed this */
#define STREAM_BLOCK ((size_t)1 << 20)
#define PROGRESS_EVERY 16384                    /* rows between progress updates */
#define MAX_THREADS 64
#define RELEASE_EVERY ((ptrdiff_t)8 << 20)         /* bytes between madvise calls */
#define PAGE_GUESS ((uintptr_t)4096)               /* madvise needs page-aligned starts */

/* ---- record splitting (csv_record.c) -------------------------------------- */

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

int icsi_csv_splitter_reserve(struct splitter *sp, int want);
void icsi_csv_splitter_release(struct splitter *sp);
/*
 * Parses one record at p (p < end). Returns PARSE_ROW with *next after the
 * record's line end and *newlines the line ends consumed, PARSE_NEED_MORE when
 * the record may go on past `end` and more input can come, or an error.
 * A blank line gives a row with nfields 0 and raw_len 0.
 */
int icsi_csv_parse_record(struct splitter *sp, const char *p, const char *end, int at_eof, int want,
                          struct ics_csv_row *row, const char **next, long *newlines);

/* ---- input sources (csv_reader.c) ----------------------------------------- */

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

int icsi_csv_source_open(struct source *src, const char *path, const char *label, struct ics_error *err);
void icsi_csv_source_close(struct source *src);
/* Next record from a stream source: PARSE_ROW (blank lines included, with
 * nfields 0), 0 at the end, or a PARSE_* error (PARSE_IO: err is set). */
int icsi_csv_stream_next(struct source *src, struct splitter *sp, int want, struct ics_csv_row *row,
                         long *newlines, struct ics_error *err);
/* Reads the header: skips a byte-order mark and leading blank lines. */
int icsi_csv_read_header(struct source *src, struct splitter *sp, struct ics_error *err);
/* The error for a PARSE_* status at a line. */
int icsi_csv_parse_error(struct ics_error *err, int rc, const char *label, long line);

/* ---- the scan (csv_scan.c) ------------------------------------------------ */

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
    int spool_failed;            /* the spool could not be made: spool_err says why */
    struct ics_error spool_err;
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

/* ---- rejects (csv_rejects.c) ---------------------------------------------- */

/* Writes one line,reason,raw row of the rejects file. */
void icsi_csv_write_reject(FILE *f, long line, const char *reason, const char *raw, size_t raw_len);
/* Copies a later part's spooled rejects to the rejects file with absolute line
 * numbers (base + local line), then closes the spool. A spool that could not
 * be made or written is an error (its rows would be lost). */
int icsi_csv_copy_spool(struct part *pt, FILE *out, long base, struct ics_error *err);
/* Flushes the rejects file and checks that every write to it succeeded;
 * ICS_ERR_IO naming the file (opt->rejects_name) when one failed. err may be NULL. */
int icsi_csv_rejects_flush(const struct ics_csv_scan_options *opt, struct ics_error *err);

#endif
