/* Internal to src/server/: the server handle, one call in progress, the routes. */
#ifndef ICS_SERVER_INTERNAL_H
#define ICS_SERVER_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"
#include "ics/ledger.h"
#include "ics/server.h"

#define ICSI_SERVER_POOL_MAX 64
#define ICSI_SERVER_CACHE_SLOTS 1024
#define ICSI_SESSION_COOKIE "ics_session"
#define ICSI_CSRF_HEADER "X-CSRF-Token"

/* A session or token recently checked: its SHA-256, who, until when. */
struct cache_entry {
    char key[65];
    struct ics_ledger_identity who;
    char csrf[65];
    int64_t until;
};

struct ics_server {
    struct ics_server_options o;
    char *db;
    char *cert_pem, *key_pem;
    struct MHD_Daemon *daemon;
    int port;
    pthread_mutex_t lock;           /* the handle pool, the cache, the access log */
    struct ics_ledger *free_ledgers[ICSI_SERVER_POOL_MAX];
    size_t nfree;
    struct cache_entry cache[ICSI_SERVER_CACHE_SLOTS];
    struct icsi_static *web;        /* the dashboard's files; NULL: the API alone */
};

/* One request being answered. */
struct call {
    struct ics_server *s;
    struct MHD_Connection *conn;
    const char *method, *path;
    const char *body;               /* NUL-terminated; body_len bytes */
    size_t body_len;
    struct ics_ledger *l;           /* acting as `who` when signed_in */
    int signed_in, by_token;
    const char *session;            /* the session cookie, when signed in by it */
    struct ics_ledger_identity who;
    char csrf_sha256[65];
    int status;
    FILE *out_file;                 /* the body being written (open_memstream) */
    char *out;
    size_t out_len;
    const char *content_type;
    char set_cookie[256];
    int retry_after;
    char id[64];                    /* the {id} segment of the path, when the route has one */
};

enum icsi_who { ICSI_PUBLIC, ICSI_SIGNED_IN };

struct icsi_route {
    const char *method, *path;
    enum icsi_who who;
    int changes;                    /* 1: needs the CSRF token when signed in by cookie */
    void (*fn)(struct call *c);
};
/* The route for method and path, or NULL, with an {id} segment copied into id (64 bytes);
 * whether any route has the path. */
const struct icsi_route *icsi_server_route(const char *method, const char *path, char *id);
int icsi_server_path_known(const char *path);

int64_t icsi_server_now(const struct ics_server *s);
/* The answer's body (JSON unless content_type is changed); NULL out of memory. */
FILE *icsi_server_body(struct call *c);
/* Replaces the answer with {"error": {"status", "message"}}; returns status. */
int icsi_server_fail(struct call *c, int status, const char *message);
/* The same for a library error: its status mapped to HTTP, store and internal messages hidden. */
int icsi_server_fail_error(struct call *c, const struct ics_error *err);
const char *icsi_server_query(struct call *c, const char *name);
void icsi_server_client_address(struct call *c, char *buf, size_t size);
/* Drops a session or token from the cache (at sign-out). */
void icsi_server_forget(struct ics_server *s, const char *secret);

/* The dashboard's files, read once at start (static.c): answered by exact name only. */
struct icsi_static;
int icsi_static_load(const char *root, struct icsi_static **out, struct ics_error *err);
void icsi_static_free(struct icsi_static *st);
size_t icsi_static_count(const struct icsi_static *st);
/* 0 and the file for a request path ("/" is index.html, "/board" board.html); -1 when there is none. */
int icsi_static_find(const struct icsi_static *st, const char *url, const char **body, size_t *len,
                     const char **type, const char **etag);

#endif
