/*
 * ics core: status codes, error reports, allocation, arenas, dates and money.
 *
 * Every library call returns an int status (ICS_OK or one of enum ics_status) and,
 * on failure, fills a caller-owned struct ics_error. The library never prints,
 * exits or aborts. The CLI maps statuses one-to-one to process exit statuses.
 */
#ifndef ICS_CORE_H
#define ICS_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/* Stable status codes; they double as the command's exit statuses. */
enum ics_status {
    ICS_OK = 0,
    ICS_ERR_FAILED = 1,        /* generic failure (a check found a problem) */
    ICS_ERR_USAGE = 2,         /* bad command line, option out of range */
    ICS_ERR_IO = 3,            /* file cannot be opened, read or written */
    ICS_ERR_PARSE = 4,         /* bad input data (with --strict: the first bad row) */
    ICS_ERR_MISSING_COLUMN = 5,/* a required column is not in the header */
    ICS_ERR_EMPTY = 6,         /* input has no header or no data rows */
    ICS_ERR_NOMEM = 7,         /* an allocation failed */
    ICS_ERR_STORE = 8,         /* database error */
    ICS_ERR_CONFLICT = 9,      /* a rule forbids the action (state, permission) */
    ICS_ERR_NOT_FOUND = 10,    /* a named thing does not exist */
    ICS_ERR_INTERNAL = 11      /* a bug: an invariant did not hold */
};

/* Returns a short lowercase name for a status ("parse", "io", ...). */
const char *ics_status_name(int status);

#define ICS_ERROR_MESSAGE_MAX 1024

/*
 * A failure report. `message` is complete and ready to show, in the form
 * "file:line:column: what went wrong" where a place is known. `file`, `line`
 * and `column` repeat the place for programs (line and column 0 when unknown).
 */
struct ics_error {
    int code;
    long line;
    long column;
    char file[256];
    char message[ICS_ERROR_MESSAGE_MAX];
};

void ics_error_clear(struct ics_error *err);
/* Sets code and message; returns code so callers can `return ics_error_set(...)`.
 * err may be NULL. */
int ics_error_set(struct ics_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As ics_error_set, prefixing the message with "file:line:column: ". */
int ics_error_at(struct ics_error *err, int code, const char *file, long line,
                 long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Allocation. All library allocations go through these so that tests can make
 * the Nth allocation fail. That counter is the library's one piece of global
 * mutable state (atomic; see docs/architecture.md). They return NULL on failure.
 */
void *ics_malloc(size_t size);
void *ics_calloc(size_t count, size_t size);
void *ics_realloc(void *ptr, size_t size);
void ics_free(void *ptr);
char *ics_strndup(const char *s, size_t n);
/* Test hook: the allocation after `n` more succeed fails (n < 0 disables). */
void ics_alloc_fail_after(long n);

/*
 * Arena: many small allocations freed together. Owns its blocks; release frees
 * everything allocated from it. Allocations are 16-byte aligned.
 */
struct ics_arena {
    struct ics_arena_block *head;
    size_t block_size;
    size_t total;      /* bytes obtained from the allocator */
};
void ics_arena_init(struct ics_arena *arena, size_t block_size);
void *ics_arena_alloc(struct ics_arena *arena, size_t size);   /* NULL on failure */
char *ics_arena_strndup(struct ics_arena *arena, const char *s, size_t n);
void ics_arena_release(struct ics_arena *arena);

/*
 * Dates are int32 days since 1970-01-01 (proleptic Gregorian).
 */
#define ICS_DATE_NONE INT32_MIN
int32_t ics_date_from_ymd(int year, int month, int day);   /* no validation */
void ics_date_to_ymd(int32_t days, int *year, int *month, int *day);
/* Parses "YYYY-MM-DD" or UK "DD/MM/YYYY" (also "D/M/YYYY"); an ISO date may be
 * followed by 'T' or ' ' and a time, which is ignored. Returns 0 and sets *out,
 * or -1 if the text is not a real calendar date. */
int ics_date_parse(const char *s, size_t len, int32_t *out);
/*
 * A small cache for parsing many ISO dates: a row's dates mostly fall in a few
 * dozen months, so the month's first day and length are looked up by the
 * "YYYY-MM" text instead of recomputed. Zero-initialise it; one per thread.
 * Same results as ics_date_parse.
 */
struct ics_date_cache {
    uint64_t key[64];
    int32_t month_start[64];
    uint8_t month_days[64];
};
int ics_date_parse_cached(struct ics_date_cache *cache, const char *s, size_t len, int32_t *out);
/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void ics_date_format(int32_t days, char *buf);
/* Financial year (April to March) holding a date: first and last day. */
void ics_financial_year(int32_t day, int32_t *first, int32_t *last);
/* Monday on or before the day (ISO week start). */
int32_t ics_week_start(int32_t day);
int32_t ics_month_start(int32_t day);
int ics_is_leap_year(int year);

/*
 * Money is int64 pence. Parsing accepts an optional sign, an optional '£',
 * digits with optional thousands commas, and at most two decimals.
 * Returns 0, or -1 with a reason in *why (static text).
 */
int ics_pence_parse(const char *s, size_t len, int64_t *out, const char **why);
/* Writes pounds with exactly two decimals ("-1234.05") and a NUL; buf >= 24 bytes.
 * Returns the length. */
int ics_pence_format(int64_t pence, char *buf);

/*
 * Exact decimal output of a ratio of integers, rounded half away from zero:
 * writes num/den with `decimals` places. den must be > 0. Returns the length.
 */
int ics_ratio_format(int64_t num, int64_t den, int decimals, char *buf, size_t size);

/*
 * Quantile by linear interpolation between order statistics: R's type 7,
 * Excel's PERCENTILE.INC. `sorted` holds n >= 1 values in ascending order;
 * p in [0, 1]. h = (n - 1) p; result = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 */
double ics_quantile_type7(const double *sorted, size_t n, double p);

/* Progress: the library reports bytes and rows done (total 0 when unknown, as
 * on a pipe); the CLI decides whether and how to draw. Called from one thread
 * at a time, at most a few times a second. */
typedef void (*ics_progress_fn)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                                uint64_t rows_done);

#endif
