/*
 * The ledger handle, names of kinds/classes/stages, periods, organisation
 * codes, the working-day calendar and the hash-chained audit log.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_internal.h"

/* ---- handle ------------------------------------------------------------- */

int ics_ledger_open(const char *path, int flags, struct ics_ledger **out, struct ics_error *err)
{
    *out = NULL;
    if ((flags & ICS_LEDGER_READ_ONLY) && (flags & ICS_LEDGER_CREATE))
        return ics_error_set(err, ICS_ERR_USAGE, "a ledger cannot be created read-only");
    if (sodium_init() < 0)
        return ics_error_set(err, ICS_ERR_INTERNAL, "libsodium failed to initialise");
    struct ics_ledger *l = ics_calloc(1, sizeof *l);
    if (!l)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int store_flags = ICS_STORE_MIGRATE | (flags & ICS_LEDGER_CREATE ? ICS_STORE_CREATE | ICS_STORE_AS_OWNER : 0) |
                      (flags & ICS_LEDGER_AS_OWNER ? ICS_STORE_AS_OWNER : 0) |
                      (flags & ICS_LEDGER_READ_ONLY ? ICS_STORE_READ_ONLY : 0);
    int rc = ics_store_open(path, store_flags, &l->store, err);
    if (!rc)
        rc = ics_store_schema_version(l->store, &l->schema_version, err);
    if (!rc)
        rc = icsi_ledger_set_tenant(l, err);
    if (rc) {
        ics_store_close(l->store);
        ics_free(l);
        return rc;
    }
    *out = l;
    return ICS_OK;
}

void ics_ledger_close(struct ics_ledger *l)
{
    if (!l)
        return;
    ics_store_close(l->store);
    ics_free(l);
}

struct ics_store *ics_ledger_store(struct ics_ledger *l)
{
    return l->store;
}

/* ---- options ------------------------------------------------------------- */

void ics_ledger_submit_options_init(struct ics_ledger_submit_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

void ics_ledger_report_options_init(struct ics_ledger_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->as_of = ICS_DATE_NONE;
}

void ics_ledger_dispute_filter_init(struct ics_ledger_dispute_filter *filter)
{
    memset(filter, 0, sizeof *filter);
    filter->older_than = -1;
    filter->as_of = ICS_DATE_NONE;
}

/* ---- names ---------------------------------------------------------------- */

static const char *const kind_names[] = {"receivable", "payable", "income", "expenditure"};
static const char *const class_names[] = {"rp", "ie"};
static const char *const status_names[] = {"agreed", "below_threshold", "mismatch", "disputed"};
static const char *const stage_names[] = {"local_negotiation", "executive_escalation", "mediation",
                                          "determination", "closed"};

const char *ics_ledger_kind_name(int kind)
{
    return kind >= 0 && kind < 4 ? kind_names[kind] : "?";
}

const char *ics_ledger_class_name(int cls)
{
    return cls >= 0 && cls < 2 ? class_names[cls] : "?";
}

int ics_ledger_class_parse(const char *text)
{
    for (int i = 0; i < 2; i++)
        if (text && strcasecmp(text, class_names[i]) == 0)
            return i;
    return -1;
}

const char *ics_ledger_status_name(int status)
{
    return status >= 0 && status < 4 ? status_names[status] : "?";
}

const char *ics_ledger_stage_name(int stage)
{
    return stage >= 0 && stage < 5 ? stage_names[stage] : "?";
}

int ics_ledger_stage_parse(const char *text)
{
    for (int i = 0; i < 5; i++)
        if (text && strcmp(text, stage_names[i]) == 0)
            return i;
    return -1;
}

/* ---- periods -------------------------------------------------------------- */

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int ics_ledger_period_parse(const char *text, int32_t *month_first, int32_t *month_last, int32_t *year_first)
{
    if (!text || strlen(text) != ICS_LEDGER_PERIOD_LEN || text[4] != '-' || text[7] != '-' || text[8] != 'M')
        return -1;
    int year = digits(text, 4), next = digits(text + 5, 2), month = digits(text + 9, 2);
    if (year < 1900 || next != (year + 1) % 100 || month < 1 || month > 12)
        return -1;
    int cal_month = (month + 2) % 12 + 1;          /* M01 = April ... M12 = March */
    int cal_year = month <= 9 ? year : year + 1;
    int32_t first = ics_date_from_ymd(cal_year, cal_month, 1);
    int32_t last = (cal_month == 12 ? ics_date_from_ymd(cal_year + 1, 1, 1)
                                    : ics_date_from_ymd(cal_year, cal_month + 1, 1)) - 1;
    if (month_first)
        *month_first = first;
    if (month_last)
        *month_last = last;
    if (year_first)
        *year_first = ics_date_from_ymd(year, 4, 1);
    return 0;
}

int icsi_ledger_period_valid(const char *period)
{
    return ics_ledger_period_parse(period, NULL, NULL, NULL) == 0;
}

/* ---- organisations ------------------------------------------------------ */

int icsi_ledger_code_normalise(const char *s, size_t len, char *out)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0 || len >= ICS_LEDGER_CODE_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* Codes are letters and digits; anything else would make a bad key. */
        if (!isalnum(c))
            return -1;
        out[i] = (char)toupper(c);
    }
    out[len] = '\0';
    return 0;
}

static const struct ledger_org_ref *org_ref(const char *code)
{
    size_t lo = 0, hi = icsi_ledger_org_ref_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(icsi_ledger_org_refs[mid].code, code);
        if (c == 0)
            return &icsi_ledger_org_refs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *ics_ledger_org_type(const char *code)
{
    const struct ledger_org_ref *r = org_ref(code);
    return r ? r->type : NULL;
}

const char *ics_ledger_org_name(const char *code)
{
    const struct ledger_org_ref *r = org_ref(code);
    return r ? r->name : NULL;
}

size_t ics_ledger_org_count(void)
{
    return icsi_ledger_org_ref_count;
}

const char *ics_ledger_org_code(size_t i, const char **type, const char **name)
{
    if (i >= icsi_ledger_org_ref_count)
        return NULL;
    if (type)
        *type = icsi_ledger_org_refs[i].type;
    if (name)
        *name = icsi_ledger_org_refs[i].name;
    return icsi_ledger_org_refs[i].code;
}

/* ---- calendar ------------------------------------------------------------- */

static int is_bank_holiday(int32_t day)
{
    size_t lo = 0, hi = icsi_ledger_bank_holiday_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (icsi_ledger_bank_holidays[mid] == day)
            return 1;
        if (icsi_ledger_bank_holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int ics_ledger_is_working_day(int32_t day)
{
    return ics_date_weekday(day) < 5 && !is_bank_holiday(day);   /* 0 Monday .. 4 Friday */
}

int32_t ics_ledger_add_working_days(int32_t day, int n)
{
    while (n > 0) {
        day++;
        if (ics_ledger_is_working_day(day))
            n--;
    }
    return day;
}

int ics_ledger_working_days_between(int32_t from, int32_t to)
{
    int n = 0;
    for (int32_t d = from + 1; d <= to; d++)
        n += ics_ledger_is_working_day(d);
    return n;
}

/* ---- helpers --------------------------------------------------------------- */

int32_t icsi_ledger_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return ics_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Whether the UTC hour `hour` of `day` is in British Summer Time: from 01:00
 * UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
static int british_summer_time(int32_t day, int hour)
{
    int y, m, d;
    ics_date_to_ymd(day, &y, &m, &d);
    /* 1970-01-01 was a Thursday: (day + 4) % 7 is 0 on Sundays. */
    int32_t march31 = ics_date_from_ymd(y, 3, 31), october31 = ics_date_from_ymd(y, 10, 31);
    int32_t from = march31 - ((march31 + 4) % 7), to = october31 - ((october31 + 4) % 7);
    int64_t hours = (int64_t)day * 24 + hour;
    return hours >= (int64_t)from * 24 + 1 && hours < (int64_t)to * 24 + 1;
}

int32_t icsi_ledger_london_date(const char *utc)
{
    int32_t day;
    if (!utc || strlen(utc) < 13 || ics_date_parse(utc, 10, &day) != 0 || utc[11] < '0' || utc[11] > '9' ||
        utc[12] < '0' || utc[12] > '9')
        return ICS_DATE_NONE;
    int hour = (utc[11] - '0') * 10 + (utc[12] - '0');
    return hour == 23 && british_summer_time(day, hour) ? day + 1 : day;
}

void icsi_ledger_london_day_end(int32_t day, char *buf, size_t size)
{
    char text[16];
    if (british_summer_time(day, 23)) {
        ics_date_format(day, text);
        snprintf(buf, size, "%sT23:00:00Z", text);
    } else {
        ics_date_format(day + 1, text);
        snprintf(buf, size, "%sT00:00:00Z", text);
    }
}

void icsi_ledger_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void icsi_ledger_sha256_hex(const unsigned char digest[32], char *hex)
{
    static const char xd[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = xd[digest[i] >> 4];
        hex[2 * i + 1] = xd[digest[i] & 15];
    }
    hex[64] = '\0';
}

const char *icsi_ledger_money(int64_t pence, char *buf)
{
    ics_pence_format(pence, buf);
    return buf;
}

const char *icsi_ledger_too_large(char *buf, size_t size)
{
    char max[24];
    ics_pence_format(INT64_MAX, max);
    snprintf(buf, size, "passes %s, the largest amount ics can hold", max);
    return buf;
}

int icsi_ledger_query_int(struct ics_ledger *l, const char *sql, const char *const *params, int64_t *value,
                     int *found, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, sql, &st, err);
    if (rc)
        return rc;
    for (int i = 0; params && params[i]; i++)
        ics_stmt_bind_str(st, i + 1, params[i]);
    rc = ics_stmt_step(st, err);
    if (found)
        *found = rc == 1;
    if (rc == 1) {
        *value = ics_stmt_column_int64(st, 0);
        rc = ICS_OK;
    }
    ics_stmt_finalize(st);
    return rc;
}

int icsi_ledger_next_id(struct ics_ledger *l, const char *table, int64_t count, int64_t *id, struct ics_error *err)
{
    const char *p[] = {table, NULL};
    int found = 0;
    int rc = icsi_ledger_query_int(l, "SELECT next_id FROM id_counter WHERE name = ?", p, id, &found, err);
    if (!rc && !found)
        rc = ics_error_set(err, ICS_ERR_STORE, "no id counter for table %s", table);
    if (rc || count == 0)
        return rc;
    struct ics_stmt *st;
    rc = ics_store_prepare(l->store, "UPDATE id_counter SET next_id = ? WHERE name = ?", &st, err);
    if (rc)
        return rc;
    int64_t next;
    if (icsi_pence_add(*id, count, &next)) {
        ics_stmt_finalize(st);
        return ics_error_set(err, ICS_ERR_INTERNAL, "ids of %s ran out", table);
    }
    ics_stmt_bind_int64(st, 1, next);
    ics_stmt_bind_str(st, 2, table);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc == 0 ? ICS_OK : rc;
}

/* ---- audit log -------------------------------------------------------------- */

/* Each field enters the hash as "<length>:<bytes>\n", so no choice of field
 * contents can make two different entries hash the same way. */
static void hash_field(crypto_hash_sha256_state *h, const char *s)
{
    char len[24];
    size_t n = s ? strlen(s) : 0;
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
    if (n)
        crypto_hash_sha256_update(h, (const unsigned char *)s, n);
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

void icsi_ledger_audit_hash(int64_t seq, const char *at, const char *actor, const char *action, const char *subject,
                       const char *detail, const char *user, const char *event, const char *prev_hash, char *hex)
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    char seqtext[24];
    snprintf(seqtext, sizeof seqtext, "%lld", (long long)seq);
    hash_field(&h, prev_hash);
    hash_field(&h, seqtext);
    hash_field(&h, at);
    hash_field(&h, actor);
    hash_field(&h, action);
    hash_field(&h, subject);
    hash_field(&h, detail);
    /* Entries made before identities (and in stores without users) have no
     * user and hash as they always did. */
    if (user)
        hash_field(&h, user);
    /* The event after a marker, so that an entry without a user but with an
     * event cannot hash like one whose user is the event's text. */
    if (event) {
        hash_field(&h, "event");
        hash_field(&h, event);
    }
    unsigned char digest[32];
    crypto_hash_sha256_final(&h, digest);
    icsi_ledger_sha256_hex(digest, hex);
}

static const char genesis_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

int icsi_ledger_audit_append(struct ics_ledger *l, const char *at, const char *actor, const char *action,
                        const char *subject, const char *detail, const struct ledger_event *event,
                        struct ics_error *err)
{
    char now[32];
    if (!at) {
        icsi_ledger_now(now, sizeof now);
        at = now;
    }
    struct ics_stmt *st;
    /* The chain's head has its own row (schema 4): under row-level security
     * an organisation cannot read the entries of others, only extend the chain. */
    int rc = ics_store_prepare(l->store, "SELECT seq, hash FROM audit_head WHERE id = 1", &st, err);
    if (rc)
        return rc;
    int64_t seq = 1;
    char prev[65];
    memcpy(prev, genesis_hash, sizeof prev);
    rc = ics_stmt_step(st, err);
    if (rc == 1) {
        seq = ics_stmt_column_int64(st, 0) + 1;
        const char *h = ics_stmt_column_text(st, 1, NULL);
        snprintf(prev, sizeof prev, "%s", h ? h : "");
        rc = ICS_OK;
    } else if (rc == 0) {
        rc = ics_error_set(err, ICS_ERR_STORE, "the audit log has lost its head row (table audit_head)");
    }
    ics_stmt_finalize(st);
    if (rc)
        return rc;
    char hash[65];
    const char *user = l->has_identity ? l->identity.user : NULL;
    char *event_text = NULL;
    if (event && !(event_text = icsi_event_text(event)))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    icsi_ledger_audit_hash(seq, at, actor, action, subject, detail, user, event_text, prev, hash);
    rc = ics_store_prepare(l->store,
                           "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash, acting_user,"
                           " event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc) {
        free(event_text);
        return rc;
    }
    ics_stmt_bind_int64(st, 1, seq);
    ics_stmt_bind_str(st, 2, at);
    ics_stmt_bind_str(st, 3, actor);
    ics_stmt_bind_str(st, 4, action);
    ics_stmt_bind_str(st, 5, subject);
    ics_stmt_bind_str(st, 6, detail);
    ics_stmt_bind_str(st, 7, prev);
    ics_stmt_bind_str(st, 8, hash);
    ics_stmt_bind_str(st, 9, user);
    ics_stmt_bind_str(st, 10, event_text);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    free(event_text);
    if (rc)
        return rc;
    rc = ics_store_prepare(l->store, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_int64(st, 1, seq);
    ics_stmt_bind_str(st, 2, hash);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc == 0 ? ICS_OK : rc;
}

int ics_ledger_audit_each(struct ics_ledger *l, ics_ledger_audit_fn fn, void *ctx, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = icsi_ledger_authorize(l, LEDGER_READ, NULL, NULL, err);
    if (rc)
        return rc;
    rc = ics_store_prepare(l->store,
                           l->schema_version >= 5
                               ? "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, acting_user, event"
                                 " FROM audit ORDER BY seq"
                           : l->schema_version >= 3
                               ? "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, acting_user, NULL"
                                 " FROM audit ORDER BY seq"
                               : "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, NULL, NULL"
                                 " FROM audit ORDER BY seq",
                           &st, err);
    if (rc)
        return rc;
    const char *viewer = icsi_ledger_viewer(l);
    while ((rc = ics_stmt_step(st, err)) == 1) {
        if (viewer && strcmp(ics_stmt_column_text(st, 2, NULL), viewer) != 0)
            continue;   /* an organisation reads its own entries */
        struct ics_ledger_audit_entry e = {
            .seq = ics_stmt_column_int64(st, 0),
            .at = ics_stmt_column_text(st, 1, NULL),
            .actor = ics_stmt_column_text(st, 2, NULL),
            .action = ics_stmt_column_text(st, 3, NULL),
            .subject = ics_stmt_column_text(st, 4, NULL),
            .detail = ics_stmt_column_text(st, 5, NULL),
            .prev_hash = ics_stmt_column_text(st, 6, NULL),
            .hash = ics_stmt_column_text(st, 7, NULL),
            .user = ics_stmt_column_text(st, 8, NULL),
            .event = ics_stmt_column_text(st, 9, NULL),
        };
        if (fn(ctx, &e))
            break;
    }
    ics_stmt_finalize(st);
    return rc == 1 || rc == 0 ? ICS_OK : rc;
}

struct verify_ctx {
    struct ics_ledger_audit_check *check;
    int64_t expect_seq;
    char prev[65];
};

static int verify_one(void *vctx, const struct ics_ledger_audit_entry *e)
{
    struct verify_ctx *v = vctx;
    struct ics_ledger_audit_check *c = v->check;
    c->entries++;
    if (e->seq != v->expect_seq) {
        c->first_bad = v->expect_seq;
        snprintf(c->reason, sizeof c->reason, "entry %lld is missing (next is %lld)",
                 (long long)v->expect_seq, (long long)e->seq);
        return 1;
    }
    char hash[65];
    icsi_ledger_audit_hash(e->seq, e->at, e->actor, e->action, e->subject, e->detail, e->user, e->event,
                           e->prev_hash ? e->prev_hash : "", hash);
    if (!e->prev_hash || strcmp(e->prev_hash, v->prev) != 0) {
        if (e->seq > 1 && e->hash && strcmp(hash, e->hash) == 0) {
            /* This entry is intact, link included, so the one before it was
             * rewritten and given a fresh hash: that one is the altered entry. */
            c->first_bad = e->seq - 1;
            snprintf(c->reason, sizeof c->reason,
                     "entry %lld was altered and its hash recomputed (entry %lld recorded another; or both "
                     "were rewritten)",
                     (long long)(e->seq - 1), (long long)e->seq);
        } else {
            c->first_bad = e->seq;
            snprintf(c->reason, sizeof c->reason, "entry %lld does not follow from the entry before it",
                     (long long)e->seq);
        }
        return 1;
    }
    if (!e->hash || strcmp(hash, e->hash) != 0) {
        c->first_bad = e->seq;
        snprintf(c->reason, sizeof c->reason, "entry %lld was altered (its hash does not match its contents)",
                 (long long)e->seq);
        return 1;
    }
    memcpy(v->prev, hash, sizeof v->prev);
    memcpy(c->head, hash, sizeof c->head);
    v->expect_seq++;
    return 0;
}

/* The head row (schema 4) against the last entry: entries removed from the end
 * of the log leave a chain that is intact but shorter than its head says. */
static int check_head(struct ics_ledger *l, struct ics_ledger_audit_check *c, struct ics_error *err)
{
    if (l->schema_version < 4)
        return ICS_OK;
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, "SELECT seq, hash FROM audit_head WHERE id = 1", &st, err);
    if (rc)
        return rc;
    rc = ics_stmt_step(st, err);
    if (rc == 1) {
        int64_t seq = ics_stmt_column_int64(st, 0);
        const char *hash = ics_stmt_column_text(st, 1, NULL);
        if (seq != c->entries || (seq > 0 && (!hash || strcmp(hash, c->head) != 0))) {
            c->first_bad = c->entries + 1;
            snprintf(c->reason, sizeof c->reason,
                     "the log ends at entry %lld but its head row records entry %lld: entries were removed or the "
                     "head rewritten", (long long)c->entries, (long long)seq);
        }
        rc = ICS_OK;
    } else if (rc == 0) {
        rc = ics_error_set(err, ICS_ERR_STORE, "the audit log has lost its head row (table audit_head)");
    }
    ics_stmt_finalize(st);
    return rc;
}

int ics_ledger_audit_verify(struct ics_ledger *l, struct ics_ledger_audit_check *check, struct ics_error *err)
{
    memset(check, 0, sizeof *check);
    struct verify_ctx v = {.check = check, .expect_seq = 1};
    memcpy(v.prev, genesis_hash, sizeof v.prev);
    int rc = icsi_ledger_authorize(l, LEDGER_VERIFY, NULL, NULL, err);
    if (!rc)
        rc = ics_store_begin_read(l->store, err);
    if (rc)
        return rc;
    rc = ics_ledger_audit_each(l, verify_one, &v, err);
    if (!rc && !check->first_bad)
        rc = check_head(l, check, err);
    if (!rc && !check->first_bad)
        rc = icsi_ledger_state_verify(l, check, err);
    ics_store_rollback(l->store);
    if (rc)
        return rc;
    if (check->first_bad)
        return ics_error_set(err, ICS_ERR_FAILED, "audit log: %s", check->reason);
    if (check->state_diff[0])
        return ics_error_set(err, ICS_ERR_FAILED, "state: %s", check->state_diff);
    return ICS_OK;
}
