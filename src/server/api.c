/*
 * The /api/v1 endpoints (docs/api.md): each reads its parameters, calls the
 * library as the CLI does, and writes the library's own JSON. Who may see
 * and do what is decided by the ledger (icsi_ledger_authorize and its
 * viewer filter, with row-level security under it on PostgreSQL); the routes
 * add only whether a caller must be signed in.
 */
#include <jansson.h>
#include <microhttpd.h>
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

/* ---- the routes --------------------------------------------------------------------------- */

static const struct icsi_route routes[] = {
    {"GET", "/api/v1/health", ICSI_PUBLIC, 0, get_health},
    {"POST", "/api/v1/login", ICSI_PUBLIC, 0, post_login},
    {"POST", "/api/v1/logout", ICSI_SIGNED_IN, 1, post_logout},
    {"GET", "/api/v1/me", ICSI_SIGNED_IN, 0, get_me},
    {"GET", "/api/v1/ledger/match", ICSI_SIGNED_IN, 0, get_match},
    {"GET", "/api/v1/ledger/board", ICSI_SIGNED_IN, 0, get_board},
    {"GET", "/api/v1/ledger/exercise", ICSI_SIGNED_IN, 0, get_exercise},
    {"GET", "/api/v1/ledger/disputes", ICSI_SIGNED_IN, 0, get_disputes},
    {"POST", "/api/v1/ledger/statements", ICSI_SIGNED_IN, 1, post_statement},
};
#define ROUTES (sizeof routes / sizeof routes[0])

const struct icsi_route *icsi_server_route(const char *method, const char *path)
{
    for (size_t i = 0; i < ROUTES; i++)
        if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].path, path) == 0)
            return &routes[i];
    return NULL;
}

int icsi_server_path_known(const char *path)
{
    for (size_t i = 0; i < ROUTES; i++)
        if (strcmp(routes[i].path, path) == 0)
            return 1;
    return 0;
}
