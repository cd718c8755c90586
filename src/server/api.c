/*
 * The /api/v1 endpoints (docs/api.md): each reads its parameters, calls the
 * library as the CLI does, and writes the library's own JSON. Who may see
 * and do what is decided by the ledger (icsi_ledger_authorize and its
 * viewer filter, with row-level security under it on PostgreSQL); the routes
 * add only whether a caller must be signed in.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ics/store.h"
#include "server_internal.h"

/* ---- parameters ---------------------------------------------------------------------- */

/* ?period=, required; on failure the answer is already made. */
static const char *need_period(struct call *c)
{
    const char *p = icsi_server_query(c, "period");
    if (!p || ics_ledger_period_parse(p, NULL, NULL, NULL) != 0) {
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "period=YYYY-YY-Mnn is needed (e.g. 2023-24-M12)");
        return NULL;
    }
    return p;
}

/* ?as_of=YYYY-MM-DD into *day (ICS_DATE_NONE when absent); 0, or -1 with the answer made. */
static int as_of_param(struct call *c, int32_t *day)
{
    *day = ICS_DATE_NONE;
    const char *v = icsi_server_query(c, "as_of");
    if (!v)
        return 0;
    if (ics_date_parse(v, strlen(v), day) != 0) {
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "as_of must be a date (YYYY-MM-DD)");
        return -1;
    }
    return 0;
}

static int32_t today(struct call *c)
{
    time_t t = (time_t)icsi_server_now(c->s);
    struct tm tm;
    localtime_r(&t, &tm);
    return ics_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The request body as a JSON object; NULL with the answer made (400 with line and column). */
static json_t *json_body(struct call *c)
{
    json_error_t e;
    json_t *v = json_loadb(c->body, c->body_len, 0, &e);
    if (!v) {
        char msg[256];
        snprintf(msg, sizeof msg, "the body is not JSON: line %d, column %d: %s", e.line, e.column, e.text);
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, msg);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "the body must be a JSON object");
        return NULL;
    }
    return v;
}

static void identity_json(struct ics_json *j, const struct ics_ledger_identity *who)
{
    ics_json_kv_string(j, "user", who->user);
    ics_json_kv_string(j, "org", who->org);
    const char *name = ics_ledger_org_name(who->org);
    if (name)
        ics_json_kv_string(j, "org_name", name);
    else
        ics_json_kv_null(j, "org_name");
    ics_json_kv_string(j, "role", ics_ledger_role_name(who->role));
}

/* ---- signing in ---------------------------------------------------------------------- */

static void get_health(struct call *c)
{
    char backend[128];
    int version = 0;
    struct ics_error err;
    struct ics_store *st = ics_ledger_store(c->l);
    if (ics_store_schema_version(st, &version, &err) != ICS_OK) {
        icsi_server_fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the store does not answer");
        return;
    }
    ics_store_backend(st, backend, sizeof backend);
    struct ics_json j;
    ics_json_init(&j, icsi_server_body(c), 0);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "status", "ok");
    ics_json_kv_string(&j, "store", ics_store_is_postgres(st) ? "postgresql" : "sqlite");
    ics_json_kv_int(&j, "schema", version);
    ics_json_object_end(&j);
    ics_json_finish(&j);
}

/* Refused when either the user or the address has failed too often lately. */
static int throttled(struct call *c, const char *user_key, const char *addr_key)
{
    struct ics_error err;
    int64_t now = icsi_server_now(c->s);
    int wait_user = 0, wait_addr = 0;
    if (ics_ledger_login_allowed(c->l, user_key, now, &wait_user, &err) != ICS_OK ||
        ics_ledger_login_allowed(c->l, addr_key, now, &wait_addr, &err) != ICS_OK) {
        icsi_server_fail_error(c, &err);
        return 1;
    }
    int wait = wait_user > wait_addr ? wait_user : wait_addr;
    if (!wait)
        return 0;
    c->retry_after = wait;
    icsi_server_fail(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many failed sign-ins: try again later");
    return 1;
}

static void post_login(struct call *c)
{
    json_t *body = json_body(c);
    if (!body)
        return;
    const char *user = json_string_value(json_object_get(body, "user"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (!user || !password || strlen(user) >= ICS_LEDGER_USER_MAX) {
        json_decref(body);
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "the body needs \"user\" and \"password\"");
        return;
    }
    char addr[64], user_key[ICS_LEDGER_USER_MAX + 8], addr_key[72];
    icsi_server_client_address(c, addr, sizeof addr);
    snprintf(user_key, sizeof user_key, "user:%s", user);
    snprintf(addr_key, sizeof addr_key, "addr:%s", addr);
    if (throttled(c, user_key, addr_key)) {
        json_decref(body);
        return;
    }
    struct ics_error err;
    struct ics_ledger_identity who;
    int64_t now = icsi_server_now(c->s);
    int rc = ics_ledger_password_check(c->l, user, password, &who, &err);
    json_decref(body);
    if (rc == ICS_ERR_CONFLICT) {
        struct ics_error ignored;
        ics_ledger_login_record(c->l, user_key, 1, now, &ignored);
        ics_ledger_login_record(c->l, addr_key, 1, now, &ignored);
        icsi_server_fail(c, MHD_HTTP_UNAUTHORIZED, "unknown user or wrong password");
        return;
    }
    char sid[ICS_LEDGER_TOKEN_MAX], csrf[ICS_LEDGER_TOKEN_MAX];
    if (!rc)
        rc = ics_ledger_login_record(c->l, user_key, 0, now, &err);
    /* A new session at every sign-in: an id given before it (fixation) is never taken over. */
    if (!rc)
        rc = ics_ledger_session_start(c->l, &who, now, sid, csrf, &err);
    if (rc) {
        icsi_server_fail_error(c, &err);
        return;
    }
    snprintf(c->set_cookie, sizeof c->set_cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
             ICSI_SESSION_COOKIE, sid, ICS_LEDGER_SESSION_MAX_S, c->s->cert_pem ? "; Secure" : "");
    struct ics_json j;
    ics_json_init(&j, icsi_server_body(c), 0);
    ics_json_object_begin(&j);
    identity_json(&j, &who);
    ics_json_kv_string(&j, "csrf_token", csrf);
    ics_json_object_end(&j);
    ics_json_finish(&j);
    memset(sid, 0, sizeof sid);
    memset(csrf, 0, sizeof csrf);
}

static void post_logout(struct call *c)
{
    if (c->session) {
        struct ics_error err;
        if (ics_ledger_session_end(c->l, c->session, icsi_server_now(c->s), &err) != ICS_OK) {
            icsi_server_fail_error(c, &err);
            return;
        }
        icsi_server_forget(c->s, c->session);
    }
    snprintf(c->set_cookie, sizeof c->set_cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             ICSI_SESSION_COOKIE, c->s->cert_pem ? "; Secure" : "");
    struct ics_json j;
    ics_json_init(&j, icsi_server_body(c), 0);
    ics_json_object_begin(&j);
    ics_json_kv_bool(&j, "signed_out", 1);
    ics_json_object_end(&j);
    ics_json_finish(&j);
}

static void get_me(struct call *c)
{
    struct ics_json j;
    ics_json_init(&j, icsi_server_body(c), 0);
    ics_json_object_begin(&j);
    identity_json(&j, &c->who);
    ics_json_kv_string(&j, "signed_in_by", c->by_token ? "token" : "session");
    ics_json_object_end(&j);
    ics_json_finish(&j);
}

/* ---- the ledger ------------------------------------------------------------------------ */

static void get_match(struct call *c)
{
    const char *period = need_period(c);
    int32_t as_of;
    if (!period || as_of_param(c, &as_of))
        return;
    struct ics_error err;
    struct ics_ledger_match *m = NULL;
    if (ics_ledger_match_at(c->l, period, NULL, as_of, &m, &err) != ICS_OK) {
        icsi_server_fail_error(c, &err);
        return;
    }
    if (ics_ledger_match_write(m, icsi_server_body(c), 1) != ICS_OK)
        icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the answer could not be written");
    ics_ledger_match_free(m);
}

static void get_board(struct call *c)
{
    const char *period = need_period(c);
    int32_t as_of;
    if (!period || as_of_param(c, &as_of))
        return;
    struct ics_ledger_report_options o;
    ics_ledger_report_options_init(&o);
    o.period = period;
    o.org = icsi_server_query(c, "org");
    o.as_of = as_of == ICS_DATE_NONE ? today(c) : as_of;
    struct ics_error err;
    struct ics_ledger_report *r = NULL;
    if (ics_ledger_report(c->l, &o, &r, &err) != ICS_OK) {
        icsi_server_fail_error(c, &err);
        return;
    }
    if (ics_ledger_report_write(r, icsi_server_body(c), 1, 0) != ICS_OK)
        icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the answer could not be written");
    ics_ledger_report_free(r);
}

static void get_exercise(struct call *c)
{
    const char *period = need_period(c);
    int32_t as_of;
    if (!period || as_of_param(c, &as_of))
        return;
    struct ics_error err;
    struct ics_ledger_tracker *t = NULL;
    if (ics_ledger_tracker(c->l, period, NULL, as_of == ICS_DATE_NONE ? today(c) : as_of, &t, &err) != ICS_OK) {
        icsi_server_fail_error(c, &err);
        return;
    }
    if (ics_ledger_tracker_write(t, icsi_server_body(c), 1, 0) != ICS_OK)
        icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the answer could not be written");
    ics_ledger_tracker_free(t);
}

static void get_disputes(struct call *c)
{
    struct ics_ledger_dispute_filter f;
    ics_ledger_dispute_filter_init(&f);
    f.org = icsi_server_query(c, "org");
    f.status = icsi_server_query(c, "status");
    int32_t as_of;
    if (as_of_param(c, &as_of))
        return;
    f.as_of = as_of == ICS_DATE_NONE ? today(c) : as_of;
    struct ics_error err;
    struct ics_ledger_disputes *d = NULL;
    if (ics_ledger_disputes_list(c->l, &f, &d, &err) != ICS_OK) {
        icsi_server_fail_error(c, &err);
        return;
    }
    if (ics_ledger_disputes_write(d, icsi_server_body(c), 1) != ICS_OK)
        icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the answer could not be written");
    ics_ledger_disputes_free(d);
}

/* Dispute ID as the caller may see it today; NULL with the answer made (404 to one not party to it). */
static struct ics_ledger_disputes *visible_dispute(struct call *c, int64_t id)
{
    struct ics_ledger_dispute_filter f;
    ics_ledger_dispute_filter_init(&f);
    f.id = id;
    f.as_of = today(c);
    struct ics_error err;
    struct ics_ledger_disputes *d = NULL;
    if (ics_ledger_disputes_list(c->l, &f, &d, &err) != ICS_OK) {
        icsi_server_fail_error(c, &err);
        return NULL;
    }
    if (ics_ledger_disputes_count(d) == 0) {
        icsi_server_fail(c, MHD_HTTP_NOT_FOUND, "no such dispute");
        ics_ledger_disputes_free(d);
        return NULL;
    }
    return d;
}

/* One dispute with its history and the actions the caller may take (the dashboard's dispute page). */
static void get_dispute(struct call *c)
{
    int64_t id;
    const char *why;
    if (ics_parse_int64(c->id, strlen(c->id), 1, INT64_MAX, &id, &why) != 0) {
        icsi_server_fail(c, MHD_HTTP_NOT_FOUND, "no such dispute");
        return;
    }
    struct ics_ledger_disputes *d = visible_dispute(c, id);
    struct ics_error err;
    if (d && ics_ledger_dispute_detail_write(c->l, ics_ledger_disputes_row(d, 0), icsi_server_body(c), &err) != ICS_OK)
        icsi_server_fail_error(c, &err);
    ics_ledger_disputes_free(d);
}

/* Names for organisation codes (?codes=A,B,C), from ics's reference data: {"A": "name" or null}. */
static void get_organisations(struct call *c)
{
    const char *codes = icsi_server_query(c, "codes");
    if (!codes) {
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "codes=A,B,C is needed");
        return;
    }
    struct ics_json j;
    ics_json_init(&j, icsi_server_body(c), 1);
    ics_json_object_begin(&j);
    size_t n = 0;
    for (const char *p = codes; *p && n < 500; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char code[ICS_LEDGER_CODE_MAX];
        int ok = len > 0 && len < sizeof code;
        for (size_t i = 0; ok && i < len; i++) {
            char ch = p[i];
            ok = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
            code[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
        }
        if (ok) {
            code[len] = '\0';
            const char *name = ics_ledger_org_name(code);
            if (name)
                ics_json_kv_string(&j, code, name);
            else
                ics_json_kv_null(&j, code);
        }
        p += len + (comma ? 1 : 0);
    }
    ics_json_object_end(&j);
    ics_json_finish(&j);
}

/* The periods the caller can look at: those with an exercise or a statement it may see, newest first. */
struct periods {
    char (*list)[ICS_LEDGER_PERIOD_LEN + 1];
    size_t n, cap;
    int failed;
};

static int add_period(struct periods *p, const char *period)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->list[i], period) == 0)
            return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        void *m = ics_realloc(p->list, cap * sizeof p->list[0]);
        if (!m) {
            p->failed = 1;
            return 1;
        }
        p->list = m;
        p->cap = cap;
    }
    snprintf(p->list[p->n++], sizeof p->list[0], "%s", period);
    return 0;
}

static int period_of_submission(void *ctx, const struct ics_ledger_submission *sub)
{
    return add_period(ctx, sub->period);
}

static int newest_first(const void *a, const void *b)
{
    return strcmp((const char *)b, (const char *)a);
}

static void get_periods(struct call *c)
{
    struct periods p = {0};
    struct ics_error err;
    struct ics_ledger_exercises *x = NULL;
    int rc = ics_ledger_exercises_list(c->l, NULL, &x, &err);
    for (size_t i = 0; !rc && i < ics_ledger_exercises_count(x); i++)
        if (add_period(&p, ics_ledger_exercises_row(x, i)->period))
            rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
    ics_ledger_exercises_free(x);
    if (!rc)
        rc = ics_ledger_submissions_each(c->l, NULL, NULL, 1, period_of_submission, &p, &err);
    if (!rc && p.failed)
        rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
    if (rc) {
        icsi_server_fail_error(c, &err);
    } else {
        if (p.n)   /* (qsort of a null list is undefined, even of none) */
            qsort(p.list, p.n, sizeof p.list[0], newest_first);
        struct ics_json j;
        ics_json_init(&j, icsi_server_body(c), 1);
        ics_json_object_begin(&j);
        ics_json_key(&j, "periods");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < p.n; i++)
            ics_json_string(&j, p.list[i]);
        ics_json_array_end(&j);
        ics_json_object_end(&j);
        ics_json_finish(&j);
    }
    ics_free(p.list);
}

/* Each bad row of a statement, for the answer. */
struct problems {
    json_t *list;
};

static void collect_problem(void *ctx, const char *file, long line, int column, const char *reason)
{
    (void)file;
    struct problems *p = ctx;
    json_array_append_new(p->list, json_pack("{s:I, s:i, s:s}", "line", (json_int_t)line, "column", column,
                                             "reason", reason));
}

static void post_statement(struct call *c)
{
    const char *period = need_period(c);
    if (!period)
        return;
    struct ics_error err;
    /* The library reads a file: the body goes to an unlinked temporary one, named through /proc. */
    FILE *tmp = ics_tempfile(&err);
    if (!tmp) {
        icsi_server_fail_error(c, &err);
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(tmp));
    if (fwrite(c->body, 1, c->body_len, tmp) != c->body_len || fflush(tmp) != 0) {
        fclose(tmp);
        icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the statement could not be kept for reading");
        return;
    }
    struct problems probs = {json_array()};
    struct ics_ledger_submit_options o;
    ics_ledger_submit_options_init(&o);
    o.org = c->who.org;
    o.period = period;
    o.label = "statement";
    o.allow_empty = icsi_server_query(c, "empty") != NULL;
    o.problem = collect_problem;
    o.problem_ctx = &probs;
    struct ics_ledger_submit_result res;
    int rc = ics_ledger_submit(c->l, path, &o, &res, &err);
    fclose(tmp);
    if (rc == ICS_ERR_PARSE && probs.list && json_array_size(probs.list)) {
        c->status = MHD_HTTP_BAD_REQUEST;
        json_t *answer = json_pack("{s:{s:i, s:s, s:O}}", "error", "status", MHD_HTTP_BAD_REQUEST, "message",
                                   err.message, "problems", probs.list);
        char *text = answer ? json_dumps(answer, JSON_COMPACT) : NULL;
        FILE *f = icsi_server_body(c);
        if (text && f)
            fprintf(f, "%s\n", text);
        free(text);
        json_decref(answer);
    } else if (rc) {
        icsi_server_fail_error(c, &err);
    } else {
        c->status = res.unchanged ? MHD_HTTP_OK : MHD_HTTP_CREATED;
        char m[24];
        struct ics_json j;
        ics_json_init(&j, icsi_server_body(c), 0);
        ics_json_object_begin(&j);
        ics_json_kv_string(&j, "org", res.org);
        ics_json_kv_string(&j, "period", period);
        ics_json_kv_int(&j, "version", res.version);
        ics_json_kv_bool(&j, "unchanged", res.unchanged);
        ics_json_kv_int(&j, "lines", res.lines);
        ics_json_key(&j, "totals");
        ics_json_object_begin(&j);
        for (int k = 0; k < 4; k++) {
            ics_json_key(&j, ics_ledger_kind_name(k));
            ics_pence_format(res.totals[k], m);
            ics_json_raw_number(&j, m);
        }
        ics_json_object_end(&j);
        ics_json_object_end(&j);
        ics_json_finish(&j);
    }
    json_decref(probs.list);
}

/* Money in a request: a string of pounds ("1234.56") or a whole number of pounds; never a
 * fractional JSON number, which would pass through a double. 0, or -1 with the answer made. */
static int money_field(struct call *c, json_t *body, const char *name, int required, int64_t *pence, int *given)
{
    json_t *v = json_object_get(body, name);
    *given = v != NULL && !json_is_null(v);
    char msg[160];
    if (!*given) {
        if (!required)
            return 0;
        snprintf(msg, sizeof msg, "\"%s\" is needed (pounds, as a string such as \"1234.56\")", name);
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, msg);
        return -1;
    }
    const char *why = NULL;
    if (json_is_integer(v)) {
        json_int_t pounds = json_integer_value(v);
        if (pounds > INT64_MAX / 100 || pounds < -(INT64_MAX / 100)) {
            icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "an amount is too large");
            return -1;
        }
        *pence = (int64_t)pounds * 100;
        return 0;
    }
    if (json_is_string(v) && ics_pence_parse(json_string_value(v), json_string_length(v), pence, &why) == 0)
        return 0;
    snprintf(msg, sizeof msg, "\"%s\" must be pounds as a string such as \"1234.56\"%s%s", name, why ? ": " : "",
             why ? why : "");
    icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, msg);
    return -1;
}

/* The action's day ("date", default today) and note. 0, or -1 with the answer made. */
static int action_fields(struct call *c, json_t *body, struct ics_ledger_action *act)
{
    memset(act, 0, sizeof *act);
    act->actor = c->who.org;
    act->on = today(c);
    act->note = json_string_value(json_object_get(body, "note"));
    const char *d = json_string_value(json_object_get(body, "date"));
    if (d && ics_date_parse(d, strlen(d), &act->on) != 0) {
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "\"date\" must be a date (YYYY-MM-DD)");
        return -1;
    }
    return 0;
}

/* The dispute as it now stands. */
static void answer_dispute(struct call *c, int64_t id)
{
    struct ics_ledger_disputes *d = visible_dispute(c, id);
    if (d && ics_ledger_disputes_write(d, icsi_server_body(c), 1) != ICS_OK)
        icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the answer could not be written");
    ics_ledger_disputes_free(d);
}

static void post_dispute(struct call *c)
{
    json_t *body = json_body(c);
    if (!body)
        return;
    struct ics_ledger_dispute_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.period = json_string_value(json_object_get(body, "period"));
    spec.supplier = json_string_value(json_object_get(body, "supplier"));
    spec.purchaser = json_string_value(json_object_get(body, "purchaser"));
    spec.description = json_string_value(json_object_get(body, "description"));
    spec.referee = json_string_value(json_object_get(body, "referee"));
    const char *kind = json_string_value(json_object_get(body, "kind"));
    spec.cls = kind ? ics_ledger_class_parse(kind) : ICS_LEDGER_RP;
    json_t *inv = json_object_get(body, "invoices");
    const char *refs[1000];
    int given = 0, ok = 1;
    if (inv && (!json_is_array(inv) || json_array_size(inv) > 1000))
        ok = 0;
    for (size_t i = 0; ok && inv && i < json_array_size(inv); i++)
        ok = (refs[spec.invoice_count++] = json_string_value(json_array_get(inv, i))) != NULL;
    spec.invoices = refs;
    struct ics_ledger_action act;
    if (!ok || spec.cls < 0 || !spec.period || !spec.supplier || !spec.purchaser) {
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "a dispute needs \"period\", \"supplier\", \"purchaser\", "
                         "\"amount\"; \"kind\" is rp or ie; \"invoices\" is a list of refs");
    } else if (money_field(c, body, "amount", 1, &spec.amount, &given) == 0 && action_fields(c, body, &act) == 0) {
        struct ics_error err;
        int64_t id = 0;
        if (ics_ledger_dispute_open(c->l, &spec, &act, &id, &err) != ICS_OK) {
            icsi_server_fail_error(c, &err);
        } else {
            c->status = MHD_HTTP_CREATED;
            answer_dispute(c, id);
        }
    }
    json_decref(body);
}

/* POST /ledger/disputes/{id}/offer|escalate|determine|close */
static void dispute_action(struct call *c, const char *action)
{
    char *end = NULL;
    long long id = strtoll(c->id, &end, 10);
    if (!end || *end || id <= 0) {
        icsi_server_fail(c, MHD_HTTP_NOT_FOUND, "no such dispute");
        return;
    }
    json_t *body = json_body(c);
    if (!body)
        return;
    struct ics_ledger_action act;
    int64_t amount = 0;
    int has_amount = 0;
    struct ics_error err;
    int rc = -1;
    if (action_fields(c, body, &act) == 0 &&
        money_field(c, body, "amount", strcmp(action, "offer") == 0, &amount, &has_amount) == 0) {
        if (strcmp(action, "offer") == 0) {
            rc = ics_ledger_dispute_offer(c->l, id, amount, &act, &err);
        } else if (strcmp(action, "escalate") == 0) {
            const char *to = json_string_value(json_object_get(body, "to"));
            int stage = to ? ics_ledger_stage_parse(to) : -1;
            if (to && stage < 0) {
                icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "\"to\" must be a stage name");
                json_decref(body);
                return;
            }
            rc = ics_ledger_dispute_escalate(c->l, id, stage, json_string_value(json_object_get(body, "referee")),
                                             &act, &err);
        } else if (strcmp(action, "determine") == 0) {
            rc = ics_ledger_dispute_determine(c->l, id, json_string_value(json_object_get(body, "award_to")),
                                              has_amount ? &amount : NULL, &act, &err);
        } else {
            const char *outcome = json_string_value(json_object_get(body, "outcome"));
            if (!outcome) {
                icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "\"outcome\" is needed: agreed or withdrawn");
                json_decref(body);
                return;
            }
            rc = ics_ledger_dispute_close(c->l, id, outcome, has_amount ? &amount : NULL, &act, &err);
        }
        if (rc)
            icsi_server_fail_error(c, &err);
        else
            answer_dispute(c, id);
    }
    json_decref(body);
}

static void post_offer(struct call *c)
{
    dispute_action(c, "offer");
}

static void post_escalate(struct call *c)
{
    dispute_action(c, "escalate");
}

static void post_determine(struct call *c)
{
    dispute_action(c, "determine");
}

static void post_close(struct call *c)
{
    dispute_action(c, "close");
}

/* POST /ledger/mismatches/{id}/explanation: the id is the comparison's, PERIOD.SUPPLIER.PURCHASER.KIND. */
static void post_explanation(struct call *c)
{
    char period[ICS_LEDGER_PERIOD_LEN + 1] = "", supplier[ICS_LEDGER_CODE_MAX] = "", purchaser[ICS_LEDGER_CODE_MAX] = "";
    char kind[4] = "";
    char *parts[4] = {period, supplier, purchaser, kind};
    size_t sizes[4] = {sizeof period, sizeof supplier, sizeof purchaser, sizeof kind};
    const char *p = c->id;
    int ok = 1;
    for (int i = 0; i < 4 && ok; i++) {
        const char *dot = i < 3 ? strchr(p, '.') : p + strlen(p);
        ok = dot && (size_t)(dot - p) < sizes[i] && dot > p;
        if (ok) {
            snprintf(parts[i], sizes[i], "%.*s", (int)(dot - p), p);
            p = *dot ? dot + 1 : dot;
        }
    }
    if (!ok) {
        icsi_server_fail(c, MHD_HTTP_NOT_FOUND, "no such mismatch (its id is PERIOD.SUPPLIER.PURCHASER.KIND)");
        return;
    }
    json_t *body = json_body(c);
    if (!body)
        return;
    struct ics_ledger_explanation_spec spec = {.period = period, .supplier = supplier, .purchaser = purchaser,
                                               .cls = ics_ledger_class_parse(kind)};
    spec.reason = ics_ledger_reason_parse(json_string_value(json_object_get(body, "reason")));
    spec.note = json_string_value(json_object_get(body, "note"));
    struct ics_ledger_action act;
    if (spec.cls < 0) {
        icsi_server_fail(c, MHD_HTTP_NOT_FOUND, "no such mismatch (its kind is rp or ie)");
    } else if (spec.reason < 0) {
        icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, "\"reason\" must be timing_difference, disputed, "
                         "accrual_not_invoiced, cut_off, vat or other");
    } else if (action_fields(c, body, &act) == 0) {
        struct ics_error err;
        if (ics_ledger_explain(c->l, &spec, &act, &err) != ICS_OK) {
            icsi_server_fail_error(c, &err);
        } else {
            c->status = MHD_HTTP_CREATED;
            struct ics_json j;
            ics_json_init(&j, icsi_server_body(c), 0);
            ics_json_object_begin(&j);
            ics_json_kv_string(&j, "mismatch", c->id);
            ics_json_kv_string(&j, "org", c->who.org);
            ics_json_kv_string(&j, "reason", ics_ledger_reason_name(spec.reason));
            if (spec.note)
                ics_json_kv_string(&j, "note", spec.note);
            else
                ics_json_kv_null(&j, "note");
            ics_json_object_end(&j);
            ics_json_finish(&j);
        }
    }
    json_decref(body);
}

/* ---- the routes --------------------------------------------------------------------------- */

static const struct icsi_route routes[] = {
    {"GET", "/api/v1/health", ICSI_PUBLIC, 0, get_health},
    {"POST", "/api/v1/login", ICSI_PUBLIC, 0, post_login},
    {"POST", "/api/v1/logout", ICSI_SIGNED_IN, 1, post_logout},
    {"GET", "/api/v1/me", ICSI_SIGNED_IN, 0, get_me},
    {"GET", "/api/v1/ledger/match", ICSI_SIGNED_IN, 0, get_match},
    {"GET", "/api/v1/ledger/board", ICSI_SIGNED_IN, 0, get_board},
    {"GET", "/api/v1/ledger/exercise", ICSI_SIGNED_IN, 0, get_exercise},
    {"GET", "/api/v1/ledger/periods", ICSI_SIGNED_IN, 0, get_periods},
    {"GET", "/api/v1/organisations", ICSI_SIGNED_IN, 0, get_organisations},
    {"GET", "/api/v1/ledger/disputes", ICSI_SIGNED_IN, 0, get_disputes},
    {"GET", "/api/v1/ledger/disputes/{id}", ICSI_SIGNED_IN, 0, get_dispute},
    {"POST", "/api/v1/ledger/statements", ICSI_SIGNED_IN, 1, post_statement},
    {"POST", "/api/v1/ledger/disputes", ICSI_SIGNED_IN, 1, post_dispute},
    {"POST", "/api/v1/ledger/disputes/{id}/offer", ICSI_SIGNED_IN, 1, post_offer},
    {"POST", "/api/v1/ledger/disputes/{id}/escalate", ICSI_SIGNED_IN, 1, post_escalate},
    {"POST", "/api/v1/ledger/disputes/{id}/determine", ICSI_SIGNED_IN, 1, post_determine},
    {"POST", "/api/v1/ledger/disputes/{id}/close", ICSI_SIGNED_IN, 1, post_close},
    {"POST", "/api/v1/ledger/mismatches/{id}/explanation", ICSI_SIGNED_IN, 1, post_explanation},
};
#define ROUTES (sizeof routes / sizeof routes[0])

/* Whether path fits pattern, a "{id}" segment taking any one segment of 1 to 63 URL-safe characters. */
static int path_fits(const char *pattern, const char *path, char *id)
{
    while (*pattern && *path) {
        if (strncmp(pattern, "{id}", 4) == 0) {
            size_t n = 0;
            while (path[n] && path[n] != '/') {
                char ch = path[n];
                if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '-' ||
                      ch == '.' || ch == '_'))
                    return 0;
                n++;
            }
            if (n == 0 || n >= 64)
                return 0;
            if (id)
                snprintf(id, 64, "%.*s", (int)n, path);
            pattern += 4;
            path += n;
            continue;
        }
        if (*pattern++ != *path++)
            return 0;
    }
    return *pattern == '\0' && *path == '\0';
}

const struct icsi_route *icsi_server_route(const char *method, const char *path, char *id)
{
    for (size_t i = 0; i < ROUTES; i++)
        if (strcmp(routes[i].method, method) == 0 && path_fits(routes[i].path, path, id))
            return &routes[i];
    return NULL;
}

int icsi_server_path_known(const char *path)
{
    for (size_t i = 0; i < ROUTES; i++)
        if (path_fits(routes[i].path, path, NULL))
            return 1;
    return 0;
}
