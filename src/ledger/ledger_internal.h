/* Internal to src/ledger/: the handle, reference tables and shared helpers. */
#ifndef ICS_LEDGER_INTERNAL_H
#define ICS_LEDGER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ics/core.h"
#include "ics/ledger.h"
#include "ics/store.h"

struct ics_ledger {
    struct ics_store *store;
    int schema_version;      /* as opened (a read-only open may be older than this build) */
    int has_identity;
    struct ics_ledger_identity identity;
};


/* An audit entry's event (src/ledger/events.c): the rows its action wrote. */
struct ledger_event {
    struct json_t *rows;     /* a jansson array */
    int failed;
};
void icsi_event_init(struct ledger_event *ev);
void icsi_event_free(struct ledger_event *ev);
/* Adds the rows of a projected table matching `where` (with ? params, NULL-ended), as they are now. */
int icsi_event_capture(struct ics_ledger *l, struct ledger_event *ev, const char *table, const char *where,
                       const char *const *params, struct ics_error *err);
/* The digest of a statement's lines (events.c): the writer gives it each line it
 * stores, in id order, as the nine columns id, submission_id, line_no,
 * counterparty, kind, invoice_ref, invoice_date, amount, note (text NULL: SQL
 * NULL; integers by value), and gets what verify recomputes from the table. */
struct icsi_line_digest;
struct icsi_line_digest *icsi_line_digest_new(void);   /* NULL: out of memory */
void icsi_line_digest_text(struct icsi_line_digest *d, const char *text, size_t len);
void icsi_line_digest_int(struct icsi_line_digest *d, int64_t v);
/* The SHA-256 as hex; frees d. */
void icsi_line_digest_final(struct icsi_line_digest *d, char hex[65]);
void icsi_line_digest_free(struct icsi_line_digest *d);
/* Adds lines first .. first + count - 1 with their digest (icsi_line_digest_final). */
int icsi_event_lines(struct ledger_event *ev, int64_t first, int64_t count, const char hex[65], struct ics_error *err);
/* The event as compact JSON (malloc'd: free with free()), or NULL out of memory. */
char *icsi_event_text(const struct ledger_event *ev);
/* Replays the log and compares the state tables (fills check->state_*). */
int icsi_ledger_state_verify(struct ics_ledger *l, struct ics_ledger_audit_check *check, struct ics_error *err);

/* Tells the store who acts, for PostgreSQL's row-level security: the
 * identity's organisation and scope; with no identity, everything while the
 * ledger has no users or no token yet (nobody could be identified), nothing
 * otherwise. */
int icsi_ledger_set_tenant(struct ics_ledger *l, struct ics_error *err);

/* The organisation whose view the acting identity has (its code), or NULL
 * when it sees the whole system (no identity on a ledger without users, or
 * the system role). Every listing keeps only what this organisation is party
 * to, on both backends: on PostgreSQL row-level security holds the same
 * line, so a bug in one is caught by the other. */
const char *icsi_ledger_viewer(const struct ics_ledger *l);

/* What an action needs (icsi_ledger_authorize). */
enum ledger_action {
    LEDGER_READ,             /* any listing, match, board, audit, check */
    LEDGER_SUBMIT,           /* a statement for as_org */
    LEDGER_DISPUTE,          /* open, offer, escalate, close as as_org */
    LEDGER_DETERMINE,        /* as as_org, of a dispute whose referee is `referee` */
    LEDGER_ADMIN,            /* deadlines, users */
    LEDGER_VERIFY,           /* replaying the whole audit log: the system role */
};
/* The one place where who may do what is decided: ICS_OK, or
 * ICS_ERR_CONFLICT naming the rule. Without users in the store, all is
 * allowed; with users, an identity is needed. */
int icsi_ledger_authorize(struct ics_ledger *l, enum ledger_action action, const char *as_org, const char *referee,
                          struct ics_error *err);

/* The classes the period's exercise agrees (ICS_LEDGER_CLASSES_*), or 0
 * when the period has no exercise (src/ledger/exercise.c). */
int icsi_ledger_exercise_classes(struct ics_ledger *l, const char *period, int *classes, struct ics_error *err);

/* A 256-bit random secret: prefix and 43 base64url characters (out: ICS_LEDGER_TOKEN_MAX bytes). */
void icsi_ledger_random_secret(const char *prefix, char *out);

/* Organisation codes shipped with the project (sorted by code, strcmp order). */
struct ledger_org_ref {
    const char *code;
    const char *type;   /* trust, icb, sub_icb, ccg, stp, local_authority */
    const char *name;
};
extern const struct ledger_org_ref icsi_ledger_org_refs[];
extern const size_t icsi_ledger_org_ref_count;

/* England and Wales bank holidays, days since 1970-01-01, ascending. */
extern const int32_t icsi_ledger_bank_holidays[];
extern const size_t icsi_ledger_bank_holiday_count;
extern const int icsi_ledger_bank_holiday_first_year;
extern const int icsi_ledger_bank_holiday_last_year;

/* Today's date in local time: what an as-of date of ICS_DATE_NONE means. */
int32_t icsi_ledger_today(void);
/* The Europe/London date of a UTC time "YYYY-MM-DDTHH:MM:SSZ" (ICS_DATE_NONE
 * if it cannot be read), and the UTC time at which London's `day` ends, in
 * the same form (buf >= 21 bytes): as-of dates are London dates. */
int32_t icsi_ledger_london_date(const char *utc);
void icsi_ledger_london_day_end(int32_t day, char *buf, size_t size);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (buf >= 21 bytes). */
void icsi_ledger_now(char *buf, size_t size);
/* Copies an organisation code trimmed and upper-cased into out (ICS_LEDGER_CODE_MAX).
 * Returns 0, or -1 if empty or too long. */
int icsi_ledger_code_normalise(const char *s, size_t len, char *out);
/* 1 if the text is a well-formed period. */
int icsi_ledger_period_valid(const char *period);

/* Reserves `count` ids of table (its id_counter row) and gives the first in *id; call inside a
 * write transaction (count 0 reads the next id without taking it). */
int icsi_ledger_next_id(struct ics_ledger *l, const char *table, int64_t count, int64_t *id, struct ics_error *err);
/* Appends an audit entry, chained to the last one; call inside the write
 * transaction of the change it records. at NULL: now. */
int icsi_ledger_audit_append(struct ics_ledger *l, const char *at, const char *actor, const char *action,
                        const char *subject, const char *detail, const struct ledger_event *event,
                        struct ics_error *err);
/* Hex SHA-256 (65 bytes with the NUL). */
void icsi_ledger_sha256_hex(const unsigned char digest[32], char *hex);
/* An audit entry's chain hash (SHA-256 over the previous hash and the entry's
 * fields, each length-prefixed), as 64 hex digits and a NUL into hex. */
void icsi_ledger_audit_hash(int64_t seq, const char *at, const char *actor, const char *action, const char *subject,
                       const char *detail, const char *user, const char *event, const char *prev_hash, char *hex);

/* Runs a statement that returns at most one integer; *found says whether a
 * row came back (may be NULL). Parameters: text values, NULL-terminated. */
int icsi_ledger_query_int(struct ics_ledger *l, const char *sql, const char *const *params, int64_t *value,
                     int *found, struct ics_error *err);

/* Pence arithmetic that cannot wrap: each returns 0 with the result in *out,
 * or 1 when the true result does not fit in int64 (then *out is not to be
 * used). Every sum of money in the ledger goes through these. */
static inline int icsi_pence_add(int64_t a, int64_t b, int64_t *out)
{
    return __builtin_add_overflow(a, b, out);
}

static inline int icsi_pence_sub(int64_t a, int64_t b, int64_t *out)
{
    return __builtin_sub_overflow(a, b, out);
}

/* |v|; INT64_MIN has no positive counterpart. */
static inline int icsi_pence_abs(int64_t v, int64_t *out)
{
    if (v == INT64_MIN)
        return 1;
    *out = v < 0 ? -v : v;
    return 0;
}

/* The message ending for a sum that does not fit: "passes 92233720368547758.07,
 * the largest amount ics can hold" (buf >= 80 bytes); returns buf. */
const char *icsi_ledger_too_large(char *buf, size_t size);

/* Pounds with two decimals: writes into buf (>= 24 bytes) and returns it. */
const char *icsi_ledger_money(int64_t pence, char *buf);

#endif
