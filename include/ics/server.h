/*
 * ics server: the system's shared web service over one store (docs/api.md,
 * docs/security.md). A JSON API under /api/v1 for scripts (Authorization:
 * Bearer TOKEN) and the dashboard (a session cookie and a CSRF token), every
 * answer computed by the same library calls the CLI makes. Stateless: all
 * state lives in the store, so several servers over one PostgreSQL database
 * serve the same users; sessions and tokens are kept in memory for at most
 * ICS_SERVER_CACHE_S seconds.
 *
 * Ownership: ics_server_start returns a running server (its own threads);
 * ics_server_stop stops it, waiting for requests in progress, and frees it.
 * The library never prints: the access log goes to the FILE the caller gives.
 */
#ifndef ICS_SERVER_H
#define ICS_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

#define ICS_SERVER_CACHE_S 5

struct ics_server_options {
    const char *db;             /* the store: a SQLite file or a postgresql:// URL (required) */
    const char *address;        /* an IPv4 address to listen on (default 127.0.0.1) */
    int port;                   /* 0: a free port, see ics_server_port (default 8080) */
    const char *tls_cert, *tls_key;   /* PEM files for HTTPS; both or neither */
    size_t body_max;            /* the largest request body in bytes (default 64 MiB); larger gets 413 */
    unsigned timeout_s;         /* a connection idle this long is closed (default 30) */
    unsigned threads;           /* worker threads (default 2) */
    const char *web_root;       /* the dashboard's built files (build/web/root); NULL: the API alone */
    FILE *access_log;           /* one JSON line per request (NULL: none) */
    /* Seconds since the epoch (NULL: the system clock): tests move time. */
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
};
void ics_server_options_init(struct ics_server_options *o);

struct ics_server;
int ics_server_start(const struct ics_server_options *o, struct ics_server **out, struct ics_error *err);
/* The port it listens on (the one chosen when options asked for 0). */
int ics_server_port(const struct ics_server *s);
void ics_server_stop(struct ics_server *s);

#endif
