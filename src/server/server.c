/*
 * The HTTP server: libmicrohttpd's daemon with a pool of worker threads, a
 * pool of store handles (one per concurrent request, opened on demand), who
 * is calling (a session cookie or a bearer token, kept for a few seconds),
 * and the dispatch of /api/v1 routes to src/server/api.c. Only this folder
 * includes microhttpd.h.
 *
 * The handler follows libmicrohttpd's two-call idiom: the first call for a
 * request only allocates its state, the body arrives in the calls after, and
 * the answer is queued on the last; queueing on the first call would make
 * libmicrohttpd close every keep-alive connection.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "server_internal.h"

void ics_server_options_init(struct ics_server_options *o)
{
    memset(o, 0, sizeof *o);
    o->address = "127.0.0.1";
    o->port = 8080;
    o->body_max = (size_t)64 << 20;
    o->timeout_s = 30;
    o->threads = 2;
}

int64_t icsi_server_now(const struct ics_server *s)
{
    return s->o.clock ? s->o.clock(s->o.clock_ctx) : (int64_t)time(NULL);
}

/* ---- the pool of store handles ----------------------------------------------------- */

static int take_ledger(struct ics_server *s, struct ics_ledger **out, struct ics_error *err)
{
    pthread_mutex_lock(&s->lock);
    struct ics_ledger *l = s->nfree ? s->free_ledgers[--s->nfree] : NULL;
    pthread_mutex_unlock(&s->lock);
    if (l) {
        *out = l;
        return ICS_OK;
    }
    return ics_ledger_open(s->db, 0, out, err);
}

static void give_ledger(struct ics_server *s, struct ics_ledger *l)
{
    struct ics_error ignored;
    /* The next request starts as no one. */
    if (ics_ledger_act_as(l, NULL, &ignored) != ICS_OK) {
        ics_ledger_close(l);
        return;
    }
    pthread_mutex_lock(&s->lock);
    if (s->nfree < ICSI_SERVER_POOL_MAX) {
        s->free_ledgers[s->nfree++] = l;
        l = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    if (l)
        ics_ledger_close(l);
}

/* ---- who is calling, kept for a few seconds ---------------------------------------- */

static struct cache_entry *cache_slot(struct ics_server *s, const char *hex)
{
    unsigned h = 0;
    for (int i = 0; i < 8; i++)
        h = h * 16 + (unsigned)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
    return &s->cache[h % ICSI_SERVER_CACHE_SLOTS];
}

static int cache_get(struct ics_server *s, const char *hex, int64_t now, struct ics_ledger_identity *who,
                     char *csrf)
{
    pthread_mutex_lock(&s->lock);
    struct cache_entry *e = cache_slot(s, hex);
    int hit = e->until > now && strcmp(e->key, hex) == 0;
    if (hit) {
        *who = e->who;
        memcpy(csrf, e->csrf, sizeof e->csrf);
    }
    pthread_mutex_unlock(&s->lock);
    return hit;
}

static void cache_put(struct ics_server *s, const char *hex, int64_t now, const struct ics_ledger_identity *who,
                      const char *csrf)
{
    pthread_mutex_lock(&s->lock);
    struct cache_entry *e = cache_slot(s, hex);
    memcpy(e->key, hex, sizeof e->key);
    e->who = *who;
    snprintf(e->csrf, sizeof e->csrf, "%s", csrf ? csrf : "");
    e->until = now + ICS_SERVER_CACHE_S;
    pthread_mutex_unlock(&s->lock);
}

void icsi_server_forget(struct ics_server *s, const char *secret)
{
    char hex[65];
    ics_ledger_secret_digest(secret, hex);
    pthread_mutex_lock(&s->lock);
    struct cache_entry *e = cache_slot(s, hex);
    if (strcmp(e->key, hex) == 0)
        e->until = 0;
    pthread_mutex_unlock(&s->lock);
}

/* Fills c->who from the bearer token or the session cookie; 0 when no one is signed in. */
static int identify(struct call *c)
{
    struct ics_error err;
    int64_t now = icsi_server_now(c->s);
    const char *auth = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, ICSI_SESSION_COOKIE);
    char hex[65];
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *token = auth + 7;
        ics_ledger_secret_digest(token, hex);
        if (!cache_get(c->s, hex, now, &c->who, c->csrf_sha256)) {
            if (ics_ledger_act_with_token(c->l, token, &err) != ICS_OK)
                return 0;
            c->who = *ics_ledger_identity(c->l);
            cache_put(c->s, hex, now, &c->who, "");
        }
        c->by_token = 1;
        return 1;
    }
    if (cookie && *cookie) {
        ics_ledger_secret_digest(cookie, hex);
        if (!cache_get(c->s, hex, now, &c->who, c->csrf_sha256)) {
            if (ics_ledger_session_find(c->l, cookie, now, &c->who, c->csrf_sha256, &err) != ICS_OK)
                return 0;
            cache_put(c->s, hex, now, &c->who, c->csrf_sha256);
        }
        c->session = cookie;
        return 1;
    }
    return 0;
}

/* A state-changing request signed in by cookie carries the session's CSRF token. */
static int csrf_ok(struct call *c)
{
    if (c->by_token)
        return 1;
    const char *token = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, ICSI_CSRF_HEADER);
    if (!token)
        return 0;
    char hex[65];
    ics_ledger_secret_digest(token, hex);
    return c->csrf_sha256[0] && strcmp(hex, c->csrf_sha256) == 0;
}

/* ---- answers ----------------------------------------------------------------------- */

FILE *icsi_server_body(struct call *c)
{
    if (!c->out_file) {
        c->out_file = open_memstream(&c->out, &c->out_len);
        c->content_type = "application/json";
    }
    return c->out_file;
}

int icsi_server_fail(struct call *c, int status, const char *message)
{
    if (c->out_file) {
        fclose(c->out_file);
        c->out_file = NULL;
        free(c->out);
        c->out = NULL;
        c->out_len = 0;
    }
    c->status = status;
    FILE *f = icsi_server_body(c);
    if (!f)
        return status;
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    ics_json_key(&j, "error");
    ics_json_object_begin(&j);
    ics_json_kv_int(&j, "status", status);
    ics_json_kv_string(&j, "message", message);
    ics_json_object_end(&j);
    ics_json_object_end(&j);
    ics_json_finish(&j);
    return status;
}

/* A message from the store names it (a file, a URL) and may quote the database's own words. */
static int from_store(const struct call *c, const char *message)
{
    return strncmp(message, "postgresql://", 13) == 0 || strncmp(message, "postgres://", 11) == 0 ||
           strstr(message, c->s->db) != NULL || strstr(message, "running a statement") != NULL;
}

int icsi_server_fail_error(struct call *c, const struct ics_error *err)
{
    if (from_store(c, err->message))
        return icsi_server_fail(c, err->code == ICS_ERR_CONFLICT ? MHD_HTTP_FORBIDDEN : MHD_HTTP_INTERNAL_SERVER_ERROR,
                                err->code == ICS_ERR_CONFLICT ? "the store refused that change"
                                                              : "the server could not do that; it is logged");
    switch (err->code) {
    case ICS_ERR_USAGE:
    case ICS_ERR_PARSE:
    case ICS_ERR_EMPTY:
    case ICS_ERR_MISSING_COLUMN:
        return icsi_server_fail(c, MHD_HTTP_BAD_REQUEST, err->message);
    case ICS_ERR_CONFLICT:
        return icsi_server_fail(c, MHD_HTTP_FORBIDDEN, err->message);
    case ICS_ERR_NOT_FOUND:
        return icsi_server_fail(c, MHD_HTTP_NOT_FOUND, err->message);
    default:
        /* Database, I/O and internal messages can name tables, files or SQL: never shown. */
        return icsi_server_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the server could not do that; it is logged");
    }
}

const char *icsi_server_query(struct call *c, const char *name)
{
    return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

void icsi_server_client_address(struct call *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, buf,
                  (socklen_t)size);
}

static void log_request(struct call *c, double ms)
{
    FILE *f = c->s->o.access_log;
    if (!f)
        return;
    char at[32], addr[64];
    time_t t = (time_t)icsi_server_now(c->s);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    icsi_server_client_address(c, addr, sizeof addr);
    pthread_mutex_lock(&c->s->lock);
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "at", at);
    ics_json_kv_string(&j, "client", addr);
    ics_json_kv_string(&j, "method", c->method);
    ics_json_kv_string(&j, "path", c->path);
    ics_json_kv_int(&j, "status", c->status);
    ics_json_kv_int(&j, "bytes", (int64_t)c->out_len);
    ics_json_key(&j, "ms");
    ics_json_double_fixed(&j, ms, 2);
    if (c->signed_in)
        ics_json_kv_string(&j, "user", c->who.user);
    else
        ics_json_kv_null(&j, "user");
    ics_json_object_end(&j);
    ics_json_finish(&j);
    fflush(f);
    pthread_mutex_unlock(&c->s->lock);
}

static enum MHD_Result send_answer(struct call *c)
{
    if (c->out_file) {
        fclose(c->out_file);
        c->out_file = NULL;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(c->out_len, c->out ? c->out : (void *)"",
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (c->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, c->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (c->set_cookie[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, c->set_cookie);
    if (c->retry_after > 0) {
        char v[24];
        snprintf(v, sizeof v, "%d", c->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    enum MHD_Result ok = MHD_queue_response(c->conn, (unsigned)c->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- one request --------------------------------------------------------------------- */

struct request {
    char *body;
    size_t len, cap;
    int too_large;
    struct timespec started;
};

static void run_route(struct call *c)
{
    const struct icsi_route *route = icsi_server_route(c->method, c->path, c->id);
    if (!route) {
        icsi_server_fail(c, icsi_server_path_known(c->path) ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND,
                         icsi_server_path_known(c->path) ? "that method is not allowed here" : "no such endpoint");
        return;
    }
    struct ics_error err;
    ics_error_clear(&err);
    if (take_ledger(c->s, &c->l, &err) != ICS_OK) {
        icsi_server_fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the store cannot be reached");
        return;
    }
    c->signed_in = identify(c);
    if (route->who != ICSI_PUBLIC && !c->signed_in)
        icsi_server_fail(c, MHD_HTTP_UNAUTHORIZED, "sign in first (POST /api/v1/login), or send a bearer token");
    else if (route->changes && c->signed_in && !csrf_ok(c))
        icsi_server_fail(c, MHD_HTTP_FORBIDDEN, "a signed-in browser request that changes anything needs the "
                         "X-CSRF-Token header its sign-in gave");
    else if (c->signed_in && ics_ledger_act_as(c->l, &c->who, &err) != ICS_OK)
        icsi_server_fail_error(c, &err);
    else {
        c->status = MHD_HTTP_OK;
        route->fn(c);
    }
    give_ledger(c->s, c->l);
    c->l = NULL;
}

/* The dashboard's pages and their files: GET and HEAD, from the table read at start. The pages
 * may load only this server's own scripts, styles and images (no CDN, no inline script), and may
 * not be framed. */
#define DASHBOARD_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
                      "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " \
                      "form-action 'self'; frame-ancestors 'none'"

static enum MHD_Result send_static(struct call *c)
{
    const char *body, *type, *etag;
    size_t len;
    int get = strcmp(c->method, "GET") == 0 || strcmp(c->method, "HEAD") == 0;
    if (!get || icsi_static_find(c->s->web, c->path, &body, &len, &type, &etag) != 0) {
        if (!c->s->web)
            icsi_server_fail(c, MHD_HTTP_NOT_FOUND, "this server has no dashboard (the API is under /api/v1)");
        else
            icsi_server_fail(c, get ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED,
                             get ? "no such page" : "that method is not allowed here");
        return send_answer(c);
    }
    const char *seen = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    int fresh = seen && strcmp(seen, etag) == 0;
    c->status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
    struct MHD_Response *r = MHD_create_response_from_buffer(fresh ? 0 : len, fresh ? (void *)"" : (void *)body,
                                                             MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    /* Pages are checked each time (they are small and change with a release); the rest for an hour. */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            strncmp(type, "text/html", 9) == 0 ? "no-cache" : "public, max-age=3600");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy", DASHBOARD_CSP);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    enum MHD_Result ok = MHD_queue_response(c->conn, (unsigned)c->status, r);
    MHD_destroy_response(r);
    return ok;
}

static int is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    (void)version;
    struct ics_server *s = cls;
    struct request *req = *state;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &req->started);
        *state = req;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->too_large || req->len + n > s->o.body_max) {
            req->too_large = 1;
            return MHD_YES;
        }
        if (req->len + n + 1 > req->cap) {
            size_t cap = req->cap ? req->cap : 4096;
            while (cap < req->len + n + 1)
                cap *= 2;
            char *b = realloc(req->body, cap);
            if (!b) {
                req->too_large = 1;
                return MHD_YES;
            }
            req->body = b;
            req->cap = cap;
        }
        memcpy(req->body + req->len, upload_data, n);
        req->len += n;
        req->body[req->len] = '\0';
        return MHD_YES;
    }
    struct call c = {.s = s, .conn = conn, .method = method, .path = url, .body = req->body ? req->body : "",
                     .body_len = req->len};
    if (req->too_large) {
        char msg[96];
        snprintf(msg, sizeof msg, "the request body is over the %zu bytes this server accepts", s->o.body_max);
        icsi_server_fail(&c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
    } else if (is_api(url)) {
        run_route(&c);
    }
    enum MHD_Result ok = is_api(url) || req->too_large ? send_answer(&c) : send_static(&c);
    struct timespec done;
    clock_gettime(CLOCK_MONOTONIC, &done);
    log_request(&c, (double)(done.tv_sec - req->started.tv_sec) * 1e3 +
                        (double)(done.tv_nsec - req->started.tv_nsec) / 1e6);
    free(c.out);
    return ok;
}

static void completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    struct request *req = *state;
    if (req) {
        free(req->body);
        free(req);
    }
    *state = NULL;
}

/* ---- starting and stopping ------------------------------------------------------------- */

static char *read_file_text(const char *path, struct ics_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ics_error_set(err, ICS_ERR_IO, "%s: cannot be read", path);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *t = ics_realloc(text, cap);
            if (!t) {
                ics_free(text);
                fclose(f);
                ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                return NULL;
            }
            text = t;
        }
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    if (!text) {
        ics_error_set(err, ICS_ERR_IO, "%s: is empty", path);
        return NULL;
    }
    text[len] = '\0';
    return text;
}

int ics_server_start(const struct ics_server_options *o, struct ics_server **out, struct ics_error *err)
{
    *out = NULL;
    if (!o->db || !*o->db)
        return ics_error_set(err, ICS_ERR_USAGE, "the server needs a store (a SQLite file or a postgresql:// URL)");
    if (!o->tls_cert != !o->tls_key)
        return ics_error_set(err, ICS_ERR_USAGE, "HTTPS needs both a certificate and its key");
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->address ? o->address : "127.0.0.1", &addr.sin_addr) != 1)
        return ics_error_set(err, ICS_ERR_USAGE, "bad address to listen on '%s' (an IPv4 address)",
                             o->address ? o->address : "");
    if (o->port < 0 || o->port > 65535)
        return ics_error_set(err, ICS_ERR_USAGE, "bad port %d", o->port);
    struct ics_server *s = ics_calloc(1, sizeof *s);
    if (!s)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    s->o = *o;
    s->db = ics_strndup(o->db, strlen(o->db));
    pthread_mutex_init(&s->lock, NULL);
    int rc = s->db ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    /* Open the store once now: a bad URL or an old schema fails here, not at the first request. */
    struct ics_ledger *first = NULL;
    if (!rc)
        rc = ics_ledger_open(s->db, 0, &first, err);
    if (!rc)
        give_ledger(s, first);
    if (!rc && o->web_root)
        rc = icsi_static_load(o->web_root, &s->web, err);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    if (!rc && o->tls_cert) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
            rc = ics_error_set(err, ICS_ERR_USAGE, "this libmicrohttpd was built without TLS: serve plain HTTP "
                               "behind a reverse proxy (docs/api.md)");
        else if (!(s->cert_pem = read_file_text(o->tls_cert, err)) || !(s->key_pem = read_file_text(o->tls_key, err)))
            rc = err->code;
        flags |= MHD_USE_TLS;
    }
    if (!rc) {
        s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
                                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 2),
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->timeout_s ? o->timeout_s : 30),
                                     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
                                     MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                                     s->cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->cert_pem,
                                     MHD_OPTION_HTTPS_MEM_KEY, s->key_pem, MHD_OPTION_END);
        if (!s->daemon)
            rc = ics_error_set(err, ICS_ERR_IO, "cannot listen on %s:%d (in use, or not allowed)",
                               o->address ? o->address : "127.0.0.1", o->port);
    }
    if (!rc) {
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
        s->port = di ? di->port : o->port;
    }
    if (rc) {
        ics_server_stop(s);
        return rc;
    }
    *out = s;
    return ICS_OK;
}

int ics_server_port(const struct ics_server *s)
{
    return s->port;
}

void ics_server_stop(struct ics_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    for (size_t i = 0; i < s->nfree; i++)
        ics_ledger_close(s->free_ledgers[i]);
    pthread_mutex_destroy(&s->lock);
    icsi_static_free(s->web);
    ics_free(s->db);
    ics_free(s->cert_pem);
    ics_free(s->key_pem);
    ics_free(s);
}
