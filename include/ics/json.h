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
 * '\\' and control characters escaped.
 *
 * Ownership: the caller owns the FILE and the struct; nothing is allocated.
 * Output does not depend on the locale (the C library's "C" numeric locale
 * is assumed, as ics never calls setlocale).
 */
#ifndef ICS_JSON_H
#define ICS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

#endif
