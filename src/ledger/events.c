/*
 * The state as a projection of the audit log. Every action appends, with its
 * audit entry, the rows it wrote (their images after the action, as JSON with
 * every value as text), and for a statement's lines a SHA-256 of them; the
 * entry's chain hash covers this event. Verifying replays the events in
 * order over the schema's seed rows and compares what results with the state
 * tables, so a direct edit of any of them is named (docs/commands/ledger.md,
 * "audit").
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_internal.h"

/* The projected tables, in the order differences are reported, with their keys. */
static const struct projected {
    const char *table;
    const char *key;         /* the ORDER BY and identity of a row */
    int since;               /* the schema version that made the table */
} projected[] = {
    {"organisation", "code", 3},
    {"app_user", "id", 3},
    {"api_token", "id", 3},
    {"stage_deadline", "stage", 0},
    {"submission", "id", 0},
    {"line_group", "submission_id, counterparty, kind", 0},
    {"dispute", "id", 0},
    {"dispute_invoice", "dispute_id, invoice_ref", 0},
    {"dispute_event", "dispute_id, seq", 0},
    {"adjustment", "dispute_id", 6},
    {"exercise", "period", 9},
    {"exercise_deadline", "period, milestone", 9},
    {"exercise_org", "period, org", 9},
    {"explanation", "id", 9},
};
#define PROJECTED (sizeof projected / sizeof projected[0])

/* A secret's hash is not copied into the log (which the system role reads). */
static int skipped_column(const char *table, const char *column)
{
    return strcmp(table, "app_user") == 0 && strcmp(column, "password_hash") == 0;
}

void icsi_event_init(struct ledger_event *ev)
{
    ev->rows = json_array();
    ev->failed = ev->rows == NULL;
}

void icsi_event_free(struct ledger_event *ev)
{
    json_decref(ev->rows);
    ev->rows = NULL;
}

/* The current row of st as {"column": "text" or null, ...}. */
static json_t *row_object(struct ics_stmt *st, const char *table)
{
    json_t *row = json_object();
    if (!row)
        return NULL;
    int n = ics_stmt_column_count(st);
    for (int c = 0; c < n; c++) {
        const char *name = ics_stmt_column_name(st, c);
        if (!name || skipped_column(table, name))
            continue;
        size_t len = 0;
        const char *text = ics_stmt_column_text(st, c, &len);
        json_t *v = text ? json_stringn(text, len) : json_null();
        if (!v || json_object_set_new(row, name, v) != 0) {
            json_decref(row);
            return NULL;
        }
    }
    return row;
}

static const struct projected *find_projected(const char *table)
{
    for (size_t i = 0; i < PROJECTED; i++)
        if (strcmp(projected[i].table, table) == 0)
            return &projected[i];
    return NULL;
}

/* SELECT * FROM table [WHERE where] ORDER BY its key. Every column is read as
 * text (CAST on both backends gives the same digits). */
static int select_rows(struct ics_ledger *l, const struct projected *p, const char *where, const char *const *params,
                       struct ics_stmt **out, struct ics_error *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT * FROM %s%s%s ORDER BY %s", p->table, where ? " WHERE " : "", where ? where : "",
             p->key);
    int rc = ics_store_prepare(l->store, sql, out, err);
    if (rc)
        return rc;
    for (int i = 0; params && params[i]; i++)
        ics_stmt_bind_str(*out, i + 1, params[i]);
    return ICS_OK;
}

int icsi_event_capture(struct ics_ledger *l, struct ledger_event *ev, const char *table, const char *where,
                       const char *const *params, struct ics_error *err)
{
    const struct projected *p = find_projected(table);
    if (!p)
        return ics_error_set(err, ICS_ERR_INTERNAL, "table %s is not projected from the log", table);
    struct ics_stmt *st;
    int rc = select_rows(l, p, where, params, &st, err);
    if (rc)
        return rc;
    while ((rc = ics_stmt_step(st, err)) == 1) {
        json_t *row = row_object(st, table);
        json_t *item = row ? json_pack("{s:s, s:o}", "t", table, "r", row) : NULL;
        if (!item || json_array_append_new(ev->rows, item) != 0) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            break;
        }
    }
    ics_stmt_finalize(st);
    return rc == 0 ? ICS_OK : rc;
}

/* The digest of a statement's lines: each field as "<length>:<bytes>\n" and
 * NULL as "-\n", so no two different sets of lines digest alike. The writer
 * feeds it the lines it stores, from memory; verify feeds it the rows it reads
 * back, every value as the store gives it as text (an integer as its decimal
 * digits), so the two meet on the same bytes. Buffered: the hash sees large
 * updates. */
struct icsi_line_digest {
    crypto_hash_sha256_state h;
    size_t len;
    unsigned char buf[16384];
};

struct icsi_line_digest *icsi_line_digest_new(void)
{
    struct icsi_line_digest *d = ics_malloc(sizeof *d);
    if (d) {
        crypto_hash_sha256_init(&d->h);
        d->len = 0;
    }
    return d;
}

static void digest_put(struct icsi_line_digest *d, const void *p, size_t n)
{
    if (d->len + n > sizeof d->buf) {
        crypto_hash_sha256_update(&d->h, d->buf, d->len);
        d->len = 0;
        if (n > sizeof d->buf) {
            crypto_hash_sha256_update(&d->h, p, n);
            return;
        }
    }
    memcpy(d->buf + d->len, p, n);
    d->len += n;
}

/* The decimal digits of v into out (at least 21 bytes, not terminated): their count. */
static size_t decimal(uint64_t v, int negative, char *out)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t k = 0;
    if (negative)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    return k;
}

void icsi_line_digest_text(struct icsi_line_digest *d, const char *text, size_t len)
{
    if (!text) {
        digest_put(d, "-\n", 2);
        return;
    }
    char head[24];
    size_t k = decimal(len, 0, head);
    head[k++] = ':';
    digest_put(d, head, k);
    if (len)
        digest_put(d, text, len);
    digest_put(d, "\n", 1);
}

void icsi_line_digest_int(struct icsi_line_digest *d, int64_t v)
{
    char text[24];
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    icsi_line_digest_text(d, text, decimal(mag, v < 0, text));
}

void icsi_line_digest_final(struct icsi_line_digest *d, char hex[65])
{
    if (d->len)
        crypto_hash_sha256_update(&d->h, d->buf, d->len);
    unsigned char digest[32];
    crypto_hash_sha256_final(&d->h, digest);
    icsi_ledger_sha256_hex(digest, hex);
    ics_free(d);
}

void icsi_line_digest_free(struct icsi_line_digest *d)
{
    ics_free(d);
}

/* SHA-256 of the stored lines first .. first + count - 1 (by id), and how many there are. */
static int digest_lines(struct ics_ledger *l, int64_t first, int64_t count, char hex[65], int64_t *found,
                        struct ics_error *err)
{
    *found = 0;
    struct icsi_line_digest *d = icsi_line_digest_new();
    if (!d)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, "SELECT id, submission_id, line_no, counterparty, kind, invoice_ref,"
                                         " invoice_date, amount, note FROM line WHERE id >= ? AND id < ? ORDER BY id",
                               &st, err);
    if (rc) {
        icsi_line_digest_free(d);
        return rc;
    }
    ics_stmt_bind_int64(st, 1, first);
    ics_stmt_bind_int64(st, 2, first + count);
    while ((rc = ics_stmt_step(st, err)) == 1) {
        for (int c = 0; c < 9; c++) {
            size_t len = 0;
            const char *text = ics_stmt_column_text(st, c, &len);
            icsi_line_digest_text(d, text, len);
        }
        (*found)++;
    }
    ics_stmt_finalize(st);
    if (rc) {
        icsi_line_digest_free(d);
        return rc;
    }
    icsi_line_digest_final(d, hex);
    return ICS_OK;
}

int icsi_event_lines(struct ledger_event *ev, int64_t first, int64_t count, const char hex[65], struct ics_error *err)
{
    json_t *item = json_pack("{s:s, s:I, s:I, s:s}", "t", "line", "first", (json_int_t)first, "count",
                             (json_int_t)count, "sha256", hex);
    if (!item || json_array_append_new(ev->rows, item) != 0)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    return ICS_OK;
}

char *icsi_event_text(const struct ledger_event *ev)
{
    if (ev->failed || !ev->rows)
        return NULL;
    return json_dumps(ev->rows, JSON_COMPACT | JSON_SORT_KEYS);
}

/* ---- replay ------------------------------------------------------------------------ */

/* The key of a row in the replayed state: its table and key columns. */
static int row_key(const struct projected *p, json_t *row, char *key, size_t size)
{
    int n = snprintf(key, size, "%s", p->table);
    char cols[128];
    snprintf(cols, sizeof cols, "%s", p->key);
    for (char *save = NULL, *c = strtok_r(cols, ", ", &save); c; c = strtok_r(NULL, ", ", &save)) {
        json_t *v = json_object_get(row, c);
        const char *text = json_is_string(v) ? json_string_value(v) : "";
        n += snprintf(key + n, size > (size_t)n ? size - (size_t)n : 0, "\x1f%s", text);
    }
    return n < (int)size ? 0 : -1;
}

/* What migration 1 seeds: the genesis of the replayed state. */
static int seed(json_t *state)
{
    static const struct {
        const char *stage, *days;
    } deadlines[] = {{"local_negotiation", "15"}, {"executive_escalation", "10"}, {"mediation", "20"},
                     {"determination", "20"}};
    for (size_t i = 0; i < 4; i++) {
        char key[96];
        snprintf(key, sizeof key, "stage_deadline\x1f%s", deadlines[i].stage);
        json_t *row = json_pack("{s:s, s:s}", "stage", deadlines[i].stage, "working_days", deadlines[i].days);
        if (!row || json_object_set_new(state, key, row) != 0)
            return -1;
    }
    return 0;
}

struct replay {
    json_t *state;           /* key -> row */
    json_t *lines;           /* array of {first, count, sha256} */
    int64_t legacy;          /* entries with no event */
    int64_t events;
    int64_t bad_seq;         /* an event that could not be read */
};

static int replay_entry(void *vctx, const struct ics_ledger_audit_entry *e)
{
    struct replay *r = vctx;
    if (!e->event) {
        r->legacy++;
        return 0;
    }
    r->events++;
    json_t *rows = json_loads(e->event, 0, NULL);
    if (!json_is_array(rows)) {
        json_decref(rows);
        r->bad_seq = e->seq;
        return 1;
    }
    size_t i;
    json_t *item;
    json_array_foreach(rows, i, item) {
        const char *t = json_string_value(json_object_get(item, "t"));
        if (t && strcmp(t, "line") == 0) {
            json_array_append(r->lines, item);
            continue;
        }
        const struct projected *p = t ? find_projected(t) : NULL;
        json_t *row = json_object_get(item, "r");
        char key[512];
        if (!p || !json_is_object(row) || row_key(p, row, key, sizeof key) != 0) {
            r->bad_seq = e->seq;
            break;
        }
        json_object_set(r->state, key, row);
    }
    json_decref(rows);
    return r->bad_seq ? 1 : 0;
}

/* The first column where a and b differ (NULL when equal), its two values in out. */
static const char *first_difference(json_t *table_row, json_t *log_row, char *out, size_t size)
{
    const char *name;
    json_t *v;
    json_object_foreach(table_row, name, v) {
        json_t *w = json_object_get(log_row, name);
        if (!json_equal(v, w)) {
            snprintf(out, size, "column %s is %s%s%s in the table, %s%s%s in the log", name, json_is_string(v) ? "'" : "",
                     json_is_string(v) ? json_string_value(v) : "NULL", json_is_string(v) ? "'" : "",
                     json_is_string(w) ? "'" : "", json_is_string(w) ? json_string_value(w) : w ? "NULL" : "absent",
                     json_is_string(w) ? "'" : "");
            return name;
        }
    }
    json_object_foreach(log_row, name, v) {
        if (!json_object_get(table_row, name)) {
            snprintf(out, size, "column %s is in the log, not in the table", name);
            return name;
        }
    }
    return NULL;
}

/* Describes a key ("table\x1fv1\x1fv2") as "table row (v1, v2)". */
static void describe_key(const char *key, char *out, size_t size)
{
    const char *sep = strchr(key, '\x1f');
    int n = snprintf(out, size, "%.*s row (", sep ? (int)(sep - key) : (int)strlen(key), key);
    for (const char *p = sep ? sep + 1 : ""; *p && n + 2 < (int)size; p++)
        out[n++] = *p == '\x1f' ? ',' : *p;
    if (n + 2 <= (int)size) {
        out[n++] = ')';
        out[n] = '\0';
    }
}

static int compare_tables(struct ics_ledger *l, struct replay *r, char *diff, size_t size, struct ics_error *err)
{
    json_t *seen = json_object();
    if (!seen)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = ICS_OK;
    for (size_t t = 0; t < PROJECTED && !rc && !diff[0]; t++) {
        if (l->schema_version < projected[t].since)
            continue;
        struct ics_stmt *st;
        rc = select_rows(l, &projected[t], NULL, NULL, &st, err);
        if (rc)
            break;
        while (!diff[0] && (rc = ics_stmt_step(st, err)) == 1) {
            json_t *row = row_object(st, projected[t].table);
            char key[512], where[600];
            if (!row || row_key(&projected[t], row, key, sizeof key) != 0) {
                json_decref(row);
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
            json_t *logged = json_object_get(r->state, key);
            describe_key(key, where, sizeof where);
            char what[400];
            if (!logged)
                snprintf(diff, size, "%.300s is not in the audit log (added behind the ledger's back)", where);
            else if (first_difference(row, logged, what, sizeof what))
                snprintf(diff, size, "%.200s: %.280s", where, what);
            json_object_set_new(seen, key, json_true());
            json_decref(row);
        }
        ics_stmt_finalize(st);
        rc = rc == 1 ? ICS_OK : rc;
    }
    if (!rc && !diff[0]) {
        const char *key;
        json_t *v;
        json_object_foreach(r->state, key, v) {
            if (!json_object_get(seen, key)) {
                char where[600];
                describe_key(key, where, sizeof where);
                snprintf(diff, size, "%.300s, in the audit log, is missing from the table", where);
                break;
            }
        }
    }
    json_decref(seen);
    return rc;
}

static int compare_lines(struct ics_ledger *l, struct replay *r, char *diff, size_t size, struct ics_error *err)
{
    int64_t accounted = 0;
    size_t i;
    json_t *item;
    json_array_foreach(r->lines, i, item) {
        int64_t first = (int64_t)json_integer_value(json_object_get(item, "first"));
        int64_t count = (int64_t)json_integer_value(json_object_get(item, "count"));
        const char *want = json_string_value(json_object_get(item, "sha256"));
        char hex[65];
        int64_t found;
        int rc = digest_lines(l, first, count, hex, &found, err);
        if (rc)
            return rc;
        if (found != count || !want || strcmp(want, hex) != 0) {
            snprintf(diff, size, "table line rows %lld to %lld (%lld of them now) differ from the audit log's digest of "
                     "the %lld it wrote", (long long)first, (long long)(first + count - 1), (long long)found,
                     (long long)count);
            return ICS_OK;
        }
        accounted += count;
    }
    int64_t total = 0;
    int rc = icsi_ledger_query_int(l, "SELECT COUNT(*) FROM line", NULL, &total, NULL, err);
    if (!rc && total != accounted)
        snprintf(diff, size, "table line has %lld rows, the audit log accounts for %lld", (long long)total,
                 (long long)accounted);
    return rc;
}

int icsi_ledger_state_verify(struct ics_ledger *l, struct ics_ledger_audit_check *check, struct ics_error *err)
{
    struct replay r = {.state = json_object(), .lines = json_array()};
    int rc = r.state && r.lines && seed(r.state) == 0 ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = ics_ledger_audit_each(l, replay_entry, &r, err);
    if (!rc && r.bad_seq)
        snprintf(check->state_diff, sizeof check->state_diff, "entry %lld's event cannot be read",
                 (long long)r.bad_seq);
    check->legacy_entries = r.legacy;
    /* Entries from before the log carried the state (schema 5) prove nothing of it. */
    if (!rc && !check->state_diff[0] && r.legacy == 0) {
        check->state_checked = 1;
        rc = compare_tables(l, &r, check->state_diff, sizeof check->state_diff, err);
        if (!rc && !check->state_diff[0])
            rc = compare_lines(l, &r, check->state_diff, sizeof check->state_diff, err);
    }
    json_decref(r.state);
    json_decref(r.lines);
    return rc;
}
