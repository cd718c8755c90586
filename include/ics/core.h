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
#include <stdio.h>

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
/* Test hook: how many allocations are left before the armed failure (-1: none
 * armed, or it has happened), so a test can tell a run that met its failure
 * and recovered from one that never reached it. */
long ics_alloc_fail_pending(void);

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
/* Day of the week: 0 Monday .. 6 Sunday (1970-01-01 was a Thursday). */
int ics_date_weekday(int32_t day);

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
 * Pounds for people to read (summaries on standard error, the demo), not for
 * tables: rounded half away from zero to the whole pound, thousands grouped
 * with commas, "-" before the "£" of a negative amount: 123456789 pence is
 * "£1,234,568", -150 "-£2". Amounts below 50p either way are "£0" (never
 * "-£0"): the exact figure belongs in a table, with ics_pence_format. "£" is
 * the two UTF-8 bytes C2 A3. Writes the whole text or nothing: returns its
 * length in bytes, or -1 with buf "" (when size > 0) if it does not fit.
 * ICS_POUNDS_HUMAN_MAX bytes hold any int64 ("-£92,233,720,368,547,758").
 */
#define ICS_POUNDS_HUMAN_MAX 32
int ics_pounds_human(int64_t pence, char *buf, size_t size);

/*
 * Exact decimal output of a ratio of integers, rounded half away from zero:
 * writes num/den with `decimals` places. den must be > 0. Returns the length.
 */
int ics_ratio_format(int64_t num, int64_t den, int decimals, char *buf, size_t size);


/*
 * The text and number grammar every reader uses, so a value means the same in
 * every command's input.
 *
 * ics_text_trim: drops ASCII spaces and tabs at both ends of [*s, *s + *len).
 *
 * ics_parse_double: a plain decimal number, the way spreadsheets and extracts
 * write them: surrounding spaces or tabs; an optional sign; digits, with
 * thousands commas allowed only in groups of exactly three after one to three
 * leading digits ("1,234,567"); an optional '.' and decimals; an optional
 * exponent ("1.5e3"). At least one digit. No hex, "inf" or "nan"; a result
 * that overflows a double is an error, not infinity. Any length is read
 * whole (never cut short). Returns 0, or -1 with a short reason in *why
 * (static text; why may be NULL).
 *
 * ics_parse_int64: the same grammar without decimals or exponent, in [min, max].
 */
void ics_text_trim(const char **s, size_t *len);
int ics_parse_double(const char *s, size_t len, double *out, const char **why);
int ics_parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out, const char **why);

/*
 * UTF-8 and text shown to people.
 *
 * ics_utf8_char: the character at s (len > 0). Returns n > 0 when s starts
 * with a valid UTF-8 character of n bytes (ASCII included); otherwise -n, where
 * n >= 1 is the length of the invalid sequence there (its "maximal subpart",
 * as Unicode recommends and Python's errors="replace" does: a lead byte and
 * the continuation bytes that were still possible, or one stray byte). So
 * overlong forms (C0 AF), surrogates (ED A0 80), values above U+10FFFF, stray
 * continuation bytes and sequences cut short are all invalid.
 *
 * ics_text_printable: input text made safe to quote in a message or show on
 * a terminal. Control bytes (below 0x20 and DEL), C1 controls (U+0080 to
 * U+009F) and invalid UTF-8 are written as \xHH per byte; valid UTF-8 is
 * kept. Writes a NUL-terminated string into buf (size >= 4); if the whole text
 * does not fit, it is cut at a character and ends in "...", within size - 1
 * bytes. Returns buf.
 */
int ics_utf8_char(const char *s, size_t len);
const char *ics_text_printable(const char *s, size_t len, char *buf, size_t size);

/*
 * Temporary files. ics_tempfile opens a new, already unlinked file for
 * reading and writing in $TMPDIR (else /tmp); NULL with err set when it
 * cannot (the caller must treat that as an error, never skip the data).
 * The caller owns the FILE and closes it.
 */
FILE *ics_tempfile(struct ics_error *err);

/*
 * An output written whole or not at all: ics_output_open writes to a
 * temporary file beside `path` (or to stdout when path is NULL or "-");
 * ics_output_commit flushes, checks every write, closes and renames it over
 * `path`; ics_output_abort closes and removes it, leaving any earlier file at
 * `path` untouched. Exactly one of commit or abort must be called after a
 * successful open; both are safe on a zeroed struct. `f` is where to write.
 * A `path` that exists and is not a regular file or directory (/dev/null, a
 * named pipe) is written directly: there is nothing to replace or undo.
 */
struct ics_output {
    FILE *f;
    char *path;         /* owned copy; NULL for stdout */
    char *temp_path;    /* owned; NULL for stdout */
};
int ics_output_open(struct ics_output *o, const char *path, struct ics_error *err);
int ics_output_commit(struct ics_output *o, struct ics_error *err);
void ics_output_abort(struct ics_output *o);
/* Several outputs of one run as one: flushes every one first (so a full disk
 * shows before anything is renamed), then commits them in order (put standard
 * output last); on failure aborts them all and returns the error. NULL
 * entries and unopened (zeroed) outputs are skipped. */
int ics_outputs_commit(struct ics_output *const *outputs, size_t n, struct ics_error *err);
void ics_outputs_abort(struct ics_output *const *outputs, size_t n);

/* SplitMix64 (Steele, Lea, Flood 2014): the one pseudo-random step every
 * generator and test uses; deterministic on every machine. */
#define ICS_SPLITMIX64_GAMMA UINT64_C(0x9E3779B97F4A7C15)
static inline uint64_t ics_splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static inline uint64_t ics_splitmix64_next(uint64_t *state)
{
    *state += ICS_SPLITMIX64_GAMMA;
    return ics_splitmix64_mix(*state);
}

/* Progress: the library reports bytes and rows done (total 0 when unknown, as
 * on a pipe); the CLI decides whether and how to draw. Called from one thread
 * at a time, at most a few times a second. */
typedef void (*ics_progress_fn)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                                uint64_t rows_done);


/*
 * ics JSON writer: a small streaming writer for command output. It writes as
 * it goes (no tree in memory), so a large result costs no more memory than a
 * small one. It keeps a stack of open containers to place commas, and refuses
 * misuse (a value where a key is due, a close with nothing open) by setting
 * its error flag rather than writing broken JSON.
 *
 * Numbers: integers exactly; doubles as the shortest of %.15g/%.16g/%.17g
 * that reads back to the same double (so no precision is lost and 0.1 prints
 * as 0.1), or with a fixed number of decimals; NaN and infinities are written
 * as null, never as a number. Strings are UTF-8 passed through, with '"',
 * '\\' and control characters escaped; the output is always valid UTF-8:
 * each invalid byte sequence in a string (a stray continuation byte, an
 * overlong form, a surrogate, a sequence cut short; see ics_utf8_char) is
 * written as U+FFFD, the replacement character.
 *
 * Ownership: the caller owns the FILE and the struct; nothing is allocated.
 * Output does not depend on the locale (the C library's "C" numeric locale
 * is assumed, as ics never calls setlocale).
 */
#define ICS_JSON_MAX_DEPTH 32

struct ics_json {
    FILE *out;
    int depth;                  /* open containers */
    int pretty;                 /* 1: newline and two-space indent per level */
    int error;                  /* set on misuse; the output is then invalid */
    unsigned char kind[ICS_JSON_MAX_DEPTH];   /* 'o' object, 'a' array */
    unsigned char count[ICS_JSON_MAX_DEPTH];  /* 0 until the first member */
    int after_key;              /* a key was written; its value is due */
};

void ics_json_init(struct ics_json *j, FILE *out, int pretty);

void ics_json_object_begin(struct ics_json *j);
void ics_json_object_end(struct ics_json *j);
void ics_json_array_begin(struct ics_json *j);
void ics_json_array_end(struct ics_json *j);
/* Writes a member name inside an object; the next call writes its value. */
void ics_json_key(struct ics_json *j, const char *key);

void ics_json_string(struct ics_json *j, const char *s);
void ics_json_string_n(struct ics_json *j, const char *s, size_t len);
void ics_json_int(struct ics_json *j, int64_t v);
/* A number already formatted exactly by the caller (pence as "12.50", an
 * exact ratio from ics_ratio_format); written as it stands. */
void ics_json_raw_number(struct ics_json *j, const char *text);
/* Shortest round-trip form; null when not finite. */
void ics_json_double(struct ics_json *j, double v);
/* Fixed decimals ("%.*f"); null when not finite. */
void ics_json_double_fixed(struct ics_json *j, double v, int decimals);
void ics_json_bool(struct ics_json *j, int v);
void ics_json_null(struct ics_json *j);

/* Shorthands for "key": value inside an object. */
void ics_json_kv_string(struct ics_json *j, const char *key, const char *s);
void ics_json_kv_int(struct ics_json *j, const char *key, int64_t v);
void ics_json_kv_double(struct ics_json *j, const char *key, double v);
void ics_json_kv_bool(struct ics_json *j, const char *key, int v);
void ics_json_kv_null(struct ics_json *j, const char *key);

/* Ends the document (a newline after the last top-level value). Returns 0,
 * or -1 if the writer was misused or containers are still open. */
int ics_json_finish(struct ics_json *j);

/*
 * The shortest of %.15g, %.16g and %.17g that reads back as `v`, written with
 * a NUL into buf (at least 32 bytes). Returns the length, or 0 (and an empty
 * string) when v is not finite. "-0" is written as "0". Shared with the CSV
 * and SVG writers so every output prints a double the same way.
 */
int ics_format_double(double v, char *buf, size_t size);


/*
 * A string-keyed hash map with fixed-size values, for the few hundred to few
 * hundred thousand codes a run meets (providers, local authorities, HRGs).
 * Keys are copied into the map's arena; values live in one array, so a value
 * pointer is valid only until the next insertion.
 */
struct ics_strmap_key {
    const char *s;
    uint32_t len;
    uint64_t prefix;      /* the first 8 bytes, zero-padded (ics_strmap_prefix) */
    uint64_t hash;
};

struct ics_strmap {
    uint32_t *slots;            /* 0 = empty, else entry index + 1 */
    uint32_t mask;
    uint32_t count, cap;
    size_t value_size;
    struct ics_strmap_key *keys;
    unsigned char *values;
    struct ics_arena arena;
};

void ics_strmap_init(struct ics_strmap *m, size_t value_size);
void ics_strmap_release(struct ics_strmap *m);
uint64_t ics_strmap_hash(const char *s, size_t len);
/* The value for key, inserting a zeroed one when absent; NULL when out of memory. */
void *ics_strmap_upsert(struct ics_strmap *m, const char *key, size_t len, uint32_t *index);
/* The value for key, or NULL. */
void *ics_strmap_get(const struct ics_strmap *m, const char *key, size_t len);
/* The first (up to) 8 bytes of a key as a word, zero-padded; never reads past s + len. */
static inline uint64_t ics_strmap_prefix(const char *s, size_t len)
{
    uint64_t v = 0;
    if (len >= 8) {
        __builtin_memcpy(&v, s, 8);
        return v;
    }
    /* No loop (this is on the per-row path for every code): two overlapping
     * loads that together cover the key exactly; the bytes they share are the
     * same, so OR-ing them is exact (little-endian hosts; others loop). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len >= 4) {
        uint32_t lo, hi;
        __builtin_memcpy(&lo, s, 4);
        __builtin_memcpy(&hi, s + len - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (len - 4));
    }
    if (len > 0)
        v = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << (8 * (len / 2)) |
            (uint64_t)(unsigned char)s[len - 1] << (8 * (len - 1));
#else
    for (size_t i = 0; i < len; i++)
        v |= (uint64_t)(unsigned char)s[i] << (8 * i);
#endif
    return v;
}

/* True when entry `index` has exactly this key. */
static inline int ics_strmap_key_is(const struct ics_strmap *m, uint32_t index, const char *key, size_t len)
{
    const struct ics_strmap_key *k = &m->keys[index];
    if (k->len != len || k->prefix != ics_strmap_prefix(key, len))
        return 0;
    return len <= 8 || __builtin_memcmp(k->s, key, len) == 0;
}

static inline void *ics_strmap_value(const struct ics_strmap *m, uint32_t index)
{
    return m->values + (size_t)index * m->value_size;
}

#endif
