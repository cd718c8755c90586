/*
 * The PostgreSQL backend of the storage interface (include/ics/store.h),
 * through libpq. This is the only file that includes libpq-fe.h.
 *
 * Statements are sent with PQexecParams: `?` numbered $1, $2 ..., every
 * value as text and typed by the server from where it stands, every result
 * read whole, so two statements can be stepped in turn as SQLite allows.
 * Writers are serialised by a transaction-scoped advisory lock, which makes
 * the callers' "MAX(id) + 1 inside a write transaction" as safe as it is
 * under SQLite's write lock.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* pg_advisory_xact_lock's key for ledger writers: "icsledgr" as a number. */
#define WRITER_LOCK_KEY "7593736187218175858"

/* COPY data is handed to libpq in pieces of about this size. */
#define COPY_CHUNK (256 * 1024)

struct pg_store {
    struct ics_store base;   /* first: a struct ics_store * points here */
    PGconn *conn;
    /* The tenant every transaction is given (ics_store_set_tenant). */
    int tenant_set;
    char org[64], scope[16];
    unsigned long prepared;  /* prepared statements made so far, for their names */
};

struct pg_stmt {
    struct ics_stmt base;
    char *sql;               /* with $1, $2 ... */
    int nparams;
    char **values;           /* owned copies; NULL is SQL NULL */
    int bad_bind;            /* the first parameter whose bind failed (0: none) */
    const char *bad_reason;
    PGresult *res;           /* NULL until the statement runs */
    int row, rows;           /* the current row (-1 before the first step) */
    int runs;                /* times run so far: the second run prepares it (server side) */
    char name[32];           /* its prepared statement's name, once prepared */
};

static const struct store_ops pg_ops;

static struct pg_store *pg(struct ics_store *s)
{
    return (struct pg_store *)s;
}

static struct pg_stmt *pg_stmt(struct ics_stmt *st)
{
    return (struct pg_stmt *)st;
}

/* ---- errors ------------------------------------------------------------------ */

/* SQLSTATE to status: a broken constraint or a refused permission (a
 * row-level security policy included) is a conflict; out of memory is NOMEM. */
static int status_of_sqlstate(const char *state)
{
    if (!state)
        return ICS_ERR_STORE;
    if (strncmp(state, "23", 2) == 0 || strcmp(state, "42501") == 0 || strcmp(state, "40001") == 0 ||
        strcmp(state, "40P01") == 0)
        return ICS_ERR_CONFLICT;
    if (strcmp(state, "53200") == 0)
        return ICS_ERR_NOMEM;
    return ICS_ERR_STORE;
}

/* libpq's message without its "ERROR:  " prefix and trailing newline. */
static void trimmed(const char *msg, char *out, size_t size)
{
    if (!msg || !*msg)
        msg = "unknown error";
    if (strncmp(msg, "ERROR:  ", 8) == 0)
        msg += 8;
    snprintf(out, size, "%s", msg);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    for (char *p = out; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

static int result_error(struct pg_store *s, const PGresult *res, const char *what, struct ics_error *err)
{
    char msg[600];
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    trimmed(primary ? primary : PQerrorMessage(s->conn), msg, sizeof msg);
    int code = res ? status_of_sqlstate(PQresultErrorField(res, PG_DIAG_SQLSTATE)) : ICS_ERR_STORE;
    return ics_error_set(err, code, "%s: %s: %s", s->base.name, what, msg);
}

/* Runs sql (one or more statements, no parameters) and checks that it did not fail. */
static int exec_sql(struct pg_store *s, const char *sql, struct ics_error *err)
{
    PGresult *res = PQexec(s->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = ICS_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = result_error(s, res, "running a statement", err);
    PQclear(res);
    return rc;
}

/* set_config(..., true): the tenant lasts until the end of this transaction. */
static int apply_tenant(struct pg_store *s, struct ics_error *err)
{
    if (!s->tenant_set)
        return ICS_OK;
    const char *values[2] = {s->org, s->scope};
    PGresult *res = PQexecParams(s->conn, "SELECT set_config('ics.org', $1, true), set_config('ics.scope', $2, true)",
                                 2, NULL, values, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? ICS_OK : result_error(s, res, "setting the tenant", err);
    PQclear(res);
    return rc;
}

/* A statement about to run outside a transaction while a tenant is set gets
 * a transaction of its own, so that the tenant applies to it (*wrapped = 1). */
static int wrap_begin(struct pg_store *s, int *wrapped, struct ics_error *err)
{
    *wrapped = 0;
    if (!s->tenant_set || PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        return ICS_OK;
    int rc = exec_sql(s, "BEGIN", err);
    if (!rc)
        rc = apply_tenant(s, err);
    if (rc) {
        PQclear(PQexec(s->conn, "ROLLBACK"));
        return rc;
    }
    *wrapped = 1;
    return ICS_OK;
}

static int wrap_end(struct pg_store *s, int wrapped, int rc, struct ics_error *err)
{
    if (!wrapped)
        return rc;
    if (rc) {
        PQclear(PQexec(s->conn, "ROLLBACK"));
        return rc;
    }
    return exec_sql(s, "COMMIT", err);
}

/* libpq prints notices to stderr by default; library code never prints. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* ---- the URL messages show ------------------------------------------------------ */

/* The URL with the password of its user information and any password=
 * parameter replaced by "...". */
static void redact_url(const char *url, char *out, size_t size)
{
    char buf[512];
    size_t o = 0;
    const char *scheme_end = strstr(url, "://");
    const char *auth = scheme_end ? scheme_end + 3 : url;
    size_t auth_len = strcspn(auth, "/?");
    const char *at = NULL, *colon = NULL;
    for (const char *p = auth; p < auth + auth_len; p++)
        if (*p == '@')
            at = p;
    if (at)
        colon = memchr(auth, ':', (size_t)(at - auth));
    for (const char *p = url; *p && o + 4 < sizeof buf; p++) {
        if (colon && p == colon) {
            memcpy(buf + o, ":...", 4);
            o += 4;
            p = at - 1;
            continue;
        }
        if (p > auth && strncmp(p, "password=", 9) == 0 && (p[-1] == '?' || p[-1] == '&') &&
            o + 12 < sizeof buf) {
            memcpy(buf + o, "password=...", 12);
            o += 12;
            p += 8 + strcspn(p + 9, "&");
            continue;
        }
        buf[o++] = *p;
    }
    buf[o] = '\0';
    snprintf(out, size, "%s", buf);
}

/* ---- opening ---------------------------------------------------------------------- */

static int table_exists(struct ics_store *base, const char *name, int *exists, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    const char *values[1] = {name};
    PGresult *res = PQexecParams(s->conn,
                                 "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
                                 " AND tablename = $1", 1, NULL, values, NULL, NULL, 0);
    int rc = ICS_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = result_error(s, res, "reading the schema", err);
    else
        *exists = PQntuples(res) > 0;
    PQclear(res);
    return rc;
}

static int check_schema(struct pg_store *s, int flags, struct ics_error *err)
{
    int version = 0;
    int rc = ics_store_schema_version(&s->base, &version, err);
    if (rc)
        return rc;
    int latest = ics_store_latest_version();
    if (version > latest)
        return ics_error_set(err, ICS_ERR_STORE, "%s: schema version %d is newer than this ics (%d)", s->base.name,
                             version, latest);
    if (version == latest)
        return ICS_OK;
    if ((flags & ICS_STORE_MIGRATE) && !(flags & ICS_STORE_READ_ONLY)) {
        struct ics_error merr;
        rc = ics_store_migrate(&s->base, NULL, NULL, &merr);
        if (!rc)
            return ICS_OK;
        if (rc != ICS_ERR_CONFLICT) {
            *err = merr;
            return rc;
        }
        /* 42501: this role may not change the schema. */
        return ics_error_set(err, ICS_ERR_STORE,
                             "%s: schema version %d, this ics needs %d, and this role may not migrate it (%s): run "
                             "'ics ledger init' with the database owner's URL",
                             s->base.name, version, latest, merr.message);
    }
    if (flags & ICS_STORE_READ_ONLY) {
        if (version >= icsi_store_oldest_readable_version())
            return ICS_OK;
        return ics_error_set(err, ICS_ERR_STORE,
                             "%s: schema version %d, this ics needs %d; it is open read-only: run 'ics ledger init' "
                             "with the database owner's URL",
                             s->base.name, version, icsi_store_oldest_readable_version());
    }
    if (flags & ICS_STORE_CREATE)
        return ICS_OK;
    return ics_error_set(err, ICS_ERR_STORE, "%s: schema version %d, this ics needs %d (run 'ics ledger init')",
                         s->base.name, version, latest);
}

/* The runtime role must be one row-level security binds: not a superuser, no
 * BYPASSRLS, and owning none of the schema's tables (an owner is bound only
 * by FORCE, and could switch it off). */
static int check_runtime_role(struct pg_store *s, struct ics_error *err)
{
    PGresult *res = PQexec(s->conn, "SELECT current_user, r.rolsuper, r.rolbypassrls,"
                                    " (SELECT count(*) FROM pg_catalog.pg_tables t WHERE t.tableowner = current_user"
                                    "  AND t.schemaname = current_schema())"
                                    " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user");
    int rc = ICS_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        rc = result_error(s, res, "reading this role", err);
    } else {
        const char *who = PQgetvalue(res, 0, 0);
        int super = strcmp(PQgetvalue(res, 0, 1), "t") == 0, bypass = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
        long owns = strtol(PQgetvalue(res, 0, 3), NULL, 10);
        if (super || bypass || owns > 0)
            rc = ics_error_set(err, ICS_ERR_CONFLICT,
                               "%s: ics will not run as role %s, which %s: connect as the runtime role that 'ics "
                               "ledger init --app-role' granted (it owns nothing and row-level security binds it)",
                               s->base.name, who,
                               super ? "is a superuser" : bypass ? "bypasses row-level security" : "owns the tables");
    }
    PQclear(res);
    return rc;
}

int icsi_store_pg_open(const char *url, int flags, struct ics_store **out, struct ics_error *err)
{
    struct pg_store *s = ics_calloc(1, sizeof *s);
    if (!s)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    s->base.ops = &pg_ops;
    redact_url(url, s->base.name, sizeof s->base.name);
    s->conn = PQconnectdb(url);
    int rc = ICS_OK;
    if (!s->conn) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    } else if (PQstatus(s->conn) != CONNECTION_OK) {
        char msg[600];
        trimmed(PQerrorMessage(s->conn), msg, sizeof msg);
        if (strstr(msg, "does not exist") && strstr(msg, "database"))
            rc = ics_error_set(err, ICS_ERR_NOT_FOUND,
                               "%s: no such database (%s): its owner creates it (createdb), then runs 'ics ledger "
                               "init --db URL'",
                               s->base.name, msg);
        else
            rc = ics_error_set(err, ICS_ERR_STORE, "%s: cannot connect: %s", s->base.name, msg);
    }
    if (!rc) {
        PQsetNoticeProcessor(s->conn, ignore_notice, NULL);
        if (PQsetClientEncoding(s->conn, "UTF8") != 0)
            rc = ics_error_set(err, ICS_ERR_STORE, "%s: cannot use UTF-8", s->base.name);
    }
    if (!rc)
        rc = exec_sql(s, "SET TIME ZONE 'UTC'; SET lock_timeout = '60s'; SET client_min_messages = warning", err);
    if (!rc && !(flags & ICS_STORE_AS_OWNER))
        rc = check_runtime_role(s, err);
    if (!rc && (flags & ICS_STORE_READ_ONLY))
        rc = exec_sql(s, "SET default_transaction_read_only = on", err);
    if (!rc)
        rc = check_schema(s, flags, err);
    if (rc) {
        PQfinish(s->conn);
        ics_free(s);
        return rc;
    }
    *out = &s->base;
    return ICS_OK;
}

static void pg_close(struct ics_store *base)
{
    struct pg_store *s = pg(base);
    PQfinish(s->conn);
    ics_free(s);
}

static const char *pg_describe(struct ics_store *base, char *buf, size_t size)
{
    const char *v = PQparameterStatus(pg(base)->conn, "server_version");
    snprintf(buf, size, "postgresql %s", v ? v : "?");
    return buf;
}

static void pg_set_busy_timeout(struct ics_store *base, int ms)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SET lock_timeout = %d", ms < 0 ? 0 : ms);
    struct ics_error ignored;
    exec_sql(pg(base), sql, &ignored);
}

static int begin_with_tenant(struct pg_store *s, const char *begin, const char *then, struct ics_error *err)
{
    int rc = exec_sql(s, begin, err);
    if (!rc)
        rc = apply_tenant(s, err);
    if (!rc && then)
        rc = exec_sql(s, then, err);
    if (rc)
        PQclear(PQexec(s->conn, "ROLLBACK"));
    return rc;
}

static int pg_begin_write(struct ics_store *base, struct ics_error *err)
{
    return begin_with_tenant(pg(base), "BEGIN", "SELECT pg_advisory_xact_lock(" WRITER_LOCK_KEY ")", err);
}

static int pg_begin_read(struct ics_store *base, struct ics_error *err)
{
    return begin_with_tenant(pg(base), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, err);
}

/* COMMIT of a transaction that has failed succeeds as a ROLLBACK: that is an error here. */
static int pg_commit(struct ics_store *base, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    PGresult *res = PQexec(s->conn, "COMMIT");
    int rc = ICS_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = result_error(s, res, "commit", err);
    else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        rc = ics_error_set(err, ICS_ERR_STORE, "%s: commit: the transaction had failed and was rolled back",
                           s->base.name);
    PQclear(res);
    return rc;
}

static void pg_rollback(struct ics_store *base)
{
    struct pg_store *s = pg(base);
    if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        PQclear(PQexec(s->conn, "ROLLBACK"));
}

static int pg_exec(struct ics_store *base, const char *sql, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    int wrapped;
    int rc = wrap_begin(s, &wrapped, err);
    if (rc)
        return rc;
    return wrap_end(s, wrapped, exec_sql(s, sql, err), err);
}

static int pg_set_tenant(struct ics_store *base, const char *org, const char *scope, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    if ((org && strlen(org) >= sizeof s->org) || (scope && strlen(scope) >= sizeof s->scope))
        return ics_error_set(err, ICS_ERR_INTERNAL, "tenant name too long");
    snprintf(s->org, sizeof s->org, "%s", org ? org : "");
    snprintf(s->scope, sizeof s->scope, "%s", scope ? scope : "");
    s->tenant_set = 1;
    return ICS_OK;
}

/* Reads every table of the schema once: PostgreSQL checks each page it reads
 * (where the cluster has data checksums) and keeps constraints itself. */
static int pg_check(struct ics_store *base, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    PGresult *res = PQexec(s->conn, "SELECT quote_ident(tablename) FROM pg_catalog.pg_tables"
                                    " WHERE schemaname = current_schema() ORDER BY tablename");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = result_error(s, res, "check", err);
        PQclear(res);
        return rc;
    }
    int rc = ICS_OK;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", PQgetvalue(res, i, 0));
        rc = exec_sql(s, sql, err);
    }
    PQclear(res);
    return rc;
}

static int pg_create_migration_table(struct ics_store *base, struct ics_error *err)
{
    return exec_sql(pg(base), "CREATE TABLE IF NOT EXISTS schema_migration ("
                              " version BIGINT PRIMARY KEY, description TEXT NOT NULL,"
                              " applied_at TEXT NOT NULL)", err);
}

static int is_word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The dialect step: a portable CREATE TABLE's INTEGER columns are 64-bit,
 * BIGINT here. */
static int pg_migration_statement(struct ics_store *base, const char *sql, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    if (strncmp(sql, "CREATE TABLE", 12) != 0)
        return exec_sql(s, sql, err);
    size_t n = strlen(sql);
    char *out = ics_malloc(2 * n + 1);
    if (!out)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    size_t o = 0;
    int quote = 0;
    for (size_t i = 0; i < n; i++) {
        if (sql[i] == '\'')
            quote = !quote;
        if (!quote && strncmp(sql + i, "INTEGER", 7) == 0 && (i == 0 || !is_word_char(sql[i - 1])) &&
            !is_word_char(sql[i + 7])) {
            memcpy(out + o, "BIGINT", 6);
            o += 6;
            i += 6;
            continue;
        }
        out[o++] = sql[i];
    }
    out[o] = '\0';
    int rc = exec_sql(s, out, err);
    ics_free(out);
    return rc;
}

/* The runtime role gets USAGE on the schema and, table by table, what
 * icsi_store_grants lists; nothing else (it owns nothing, creates nothing). */
static int pg_grant_runtime(struct ics_store *base, const char *role, struct ics_error *err)
{
    struct pg_store *s = pg(base);
    const char *values[1] = {role};
    PGresult *res = PQexecParams(s->conn, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", 1, NULL, values,
                                 NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? ICS_OK : result_error(s, res, "reading the roles", err);
    if (!rc && PQntuples(res) == 0)
        rc = ics_error_set(err, ICS_ERR_NOT_FOUND,
                           "%s: role %s does not exist: create the runtime role first (CREATE ROLE %s LOGIN "
                           "NOSUPERUSER NOBYPASSRLS PASSWORD ...)",
                           s->base.name, role, role);
    PQclear(res);
    if (rc)
        return rc;
    char *quoted = PQescapeIdentifier(s->conn, role, strlen(role));
    if (!quoted)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    char sql[512];
    res = PQexec(s->conn, "SELECT quote_ident(current_schema())");
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        rc = result_error(s, res, "reading the schema", err);
    else
        snprintf(sql, sizeof sql, "GRANT USAGE ON SCHEMA %s TO %s", PQgetvalue(res, 0, 0), quoted);
    PQclear(res);
    if (!rc)
        rc = exec_sql(s, sql, err);
    for (const struct store_grant *g = icsi_store_grants; !rc && g->table; g++) {
        snprintf(sql, sizeof sql, "REVOKE ALL ON %s FROM %s; GRANT %s ON %s TO %s", g->table, quoted, g->privileges,
                 g->table, quoted);
        rc = exec_sql(s, sql, err);
    }
    PQfreemem(quoted);
    return rc;
}

/* ---- statements -------------------------------------------------------------------- */

/* `?` outside quotes becomes $1, $2 ...; *count gets how many. */
static char *number_parameters(const char *sql, int *count)
{
    size_t n = strlen(sql), marks = 0;
    for (size_t i = 0; i < n; i++)
        marks += sql[i] == '?';
    char *out = ics_malloc(n + marks * 6 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int k = 0;
    char quote = 0;
    for (size_t i = 0; i < n; i++) {
        char c = sql[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?') {
            o += (size_t)snprintf(out + o, 8, "$%d", ++k);
            continue;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    *count = k;
    return out;
}

static int pg_prepare(struct ics_store *base, const char *sql, struct ics_stmt **out, struct ics_error *err)
{
    struct pg_stmt *st = ics_calloc(1, sizeof *st);
    if (!st)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    st->base.store = base;
    st->row = -1;
    st->sql = number_parameters(sql, &st->nparams);
    if (st->sql && st->nparams > 0)
        st->values = ics_calloc((size_t)st->nparams, sizeof *st->values);
    if (!st->sql || (st->nparams > 0 && !st->values)) {
        ics_free(st->sql);
        ics_free(st);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    *out = &st->base;
    return ICS_OK;
}

static int bind_failed(struct pg_stmt *st, int index, const char *reason)
{
    if (!st->bad_bind) {
        st->bad_bind = index > 0 ? index : -1;
        st->bad_reason = reason;
    }
    return ICS_ERR_STORE;
}

/* Puts text (len bytes, copied) as parameter index. */
static int set_value(struct pg_stmt *st, int index, const char *text, size_t len)
{
    if (index < 1 || index > st->nparams)
        return bind_failed(st, index, "column index out of range");
    char *copy = NULL;
    if (text) {
        if (memchr(text, '\0', len))
            return bind_failed(st, index, "text holds a NUL byte, which PostgreSQL cannot store");
        copy = ics_malloc(len + 1);
        if (!copy)
            return bind_failed(st, index, "out of memory");
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    ics_free(st->values[index - 1]);
    st->values[index - 1] = copy;
    return ICS_OK;
}

static int pg_bind_int64(struct ics_stmt *base, int index, int64_t value)
{
    char text[24];
    int n = snprintf(text, sizeof text, "%lld", (long long)value);
    return set_value(pg_stmt(base), index, text, (size_t)n);
}

static int pg_bind_text(struct ics_stmt *base, int index, const char *text, size_t len, int copy)
{
    (void)copy;   /* libpq needs NUL-terminated values: always a copy */
    return set_value(pg_stmt(base), index, text, len);
}

static int pg_bind_null(struct ics_stmt *base, int index)
{
    return set_value(pg_stmt(base), index, NULL, 0);
}

static int pg_step(struct ics_stmt *base, struct ics_error *err)
{
    struct pg_stmt *st = pg_stmt(base);
    struct pg_store *s = pg(base->store);
    if (st->bad_bind) {
        int index = st->bad_bind;
        const char *reason = st->bad_reason;
        st->bad_bind = 0;
        st->bad_reason = NULL;
        return ics_error_set(err, ICS_ERR_STORE, "%s: binding parameter %d of a statement: %s", s->base.name, index,
                             reason);
    }
    if (!st->res) {
        int wrapped;
        int rc = wrap_begin(s, &wrapped, err);
        if (rc)
            return rc;
        /* A statement run again (a loop's query) is prepared once, so the server
         * parses and plans it once; a statement run once costs no extra round trip. */
        if (st->runs == 1 && !st->name[0] && PQtransactionStatus(s->conn) != PQTRANS_INERROR) {
            char name[32];
            snprintf(name, sizeof name, "ics_%lu", ++s->prepared);
            PGresult *pr = PQprepare(s->conn, name, st->sql, st->nparams, NULL);
            if (PQresultStatus(pr) == PGRES_COMMAND_OK)
                memcpy(st->name, name, sizeof name);
            PQclear(pr);
        }
        st->runs++;
        if (st->name[0])
            st->res = PQexecPrepared(s->conn, st->name, st->nparams, (const char *const *)st->values, NULL, NULL, 0);
        else
            st->res = PQexecParams(s->conn, st->sql, st->nparams, NULL, (const char *const *)st->values, NULL, NULL,
                                   0);
        ExecStatusType status = PQresultStatus(st->res);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            rc = result_error(s, st->res, "running a statement", err);
            PQclear(st->res);
            st->res = NULL;
        }
        rc = wrap_end(s, wrapped, rc, err);
        if (rc) {
            PQclear(st->res);
            st->res = NULL;
            return rc;
        }
        st->rows = status == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
        st->row = -1;
    }
    if (st->row + 1 < st->rows) {
        st->row++;
        return 1;
    }
    st->row = st->rows;
    return 0;
}

static int64_t pg_column_int64(struct ics_stmt *base, int col)
{
    struct pg_stmt *st = pg_stmt(base);
    if (!st->res || st->row < 0 || st->row >= st->rows || col >= PQnfields(st->res) ||
        PQgetisnull(st->res, st->row, col))
        return 0;
    /* A number as PostgreSQL prints it: an integer, or a numeric (a sum) with no fraction. */
    return (int64_t)strtoll(PQgetvalue(st->res, st->row, col), NULL, 10);
}

static const char *pg_column_text(struct ics_stmt *base, int col, size_t *len)
{
    struct pg_stmt *st = pg_stmt(base);
    if (!st->res || st->row < 0 || st->row >= st->rows || col >= PQnfields(st->res) ||
        PQgetisnull(st->res, st->row, col)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)PQgetlength(st->res, st->row, col);
    return PQgetvalue(st->res, st->row, col);
}

static int pg_column_is_null(struct ics_stmt *base, int col)
{
    struct pg_stmt *st = pg_stmt(base);
    return !st->res || st->row < 0 || st->row >= st->rows || col >= PQnfields(st->res) ||
           PQgetisnull(st->res, st->row, col);
}

/* Known once the statement has run (results are read whole). */
static int pg_column_count(struct ics_stmt *base)
{
    struct pg_stmt *st = pg_stmt(base);
    return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(struct ics_stmt *base, int col)
{
    struct pg_stmt *st = pg_stmt(base);
    return st->res && col < PQnfields(st->res) ? PQfname(st->res, col) : NULL;
}

static void pg_reset(struct ics_stmt *base)
{
    struct pg_stmt *st = pg_stmt(base);
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->rows = 0;
}

static void pg_clear_bindings(struct ics_stmt *base)
{
    struct pg_stmt *st = pg_stmt(base);
    for (int i = 0; i < st->nparams; i++) {
        ics_free(st->values[i]);
        st->values[i] = NULL;
    }
    st->bad_bind = 0;
    st->bad_reason = NULL;
}

static void pg_finalize(struct ics_stmt *base)
{
    struct pg_stmt *st = pg_stmt(base);
    pg_reset(base);
    if (st->name[0]) {
        /* DEALLOCATE fails harmlessly inside a failed transaction; the name is never reused. */
        struct pg_store *s = pg(base->store);
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        if (PQtransactionStatus(s->conn) != PQTRANS_INERROR)
            PQclear(PQexec(s->conn, sql));
    }
    pg_clear_bindings(base);
    ics_free(st->values);
    ics_free(st->sql);
    ics_free(st);
}

/* ---- bulk loads ------------------------------------------------------------------------
 *
 * A table without row-level security: COPY straight into it. A table with it
 * (COPY FROM is refused there): each column as one binary array parameter of
 * an INSERT .. SELECT unnest($1), unnest($2) ..., prepared once per load and
 * sent a chunk of rows at a time. A chunk is sent without waiting for its
 * result, which is read just before the next is sent: the server inserts one
 * chunk while this side builds the next. Every row goes through the table's
 * policies, constraints and triggers as any INSERT's do. */

/* Built-in type OIDs (pg_type.dat; fixed since PostgreSQL 8). */
#define OID_INT8 20
#define OID_TEXT 25
#define OID_TEXT_ARRAY 1009
#define OID_INT8_ARRAY 1016

/* A binary array's header: dimensions, flags (has NULLs), element type, length, lower bound. */
#define ARRAY_HEAD 20

/* A chunk is sent once it has this many rows or bytes. */
#define CHUNK_ROWS 16384
#define CHUNK_BYTES (8u << 20)

struct pg_column {
    char *buf;               /* ARRAY_HEAD bytes of header, then the elements (int32 length, bytes) */
    size_t len, cap;
    int int8;                /* elements are int8 (the column is bigint); otherwise text */
    int has_null;
};

struct pg_bulk {
    /* COPY */
    char *buf;
    size_t len, cap;
    int copying;             /* COPY FROM STDIN is open */
    /* arrays */
    struct pg_column *cols;  /* NULL: this load is a COPY */
    size_t chunk_bytes;
    long chunk_rows;
    long pending_rows;       /* rows of the chunk sent and not yet answered (0: none) */
    int pending;
    char name[32];           /* the prepared INSERT */
};

static void put_be32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

/* The decimal digits of v into out (at least 21 bytes, not terminated): their count. */
static size_t decimal(int64_t v, char *out)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[24];
    size_t n = 0, k = 0;
    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    return k;
}

static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64 * 1024;
    while (c < need)
        c *= 2;
    char *b = ics_realloc(*buf, c);
    if (!b)
        return -1;
    *buf = b;
    *cap = c;
    return 0;
}

static int copy_flush(struct pg_store *s, struct pg_bulk *pb, struct ics_error *err)
{
    if (pb->len == 0)
        return ICS_OK;
    if (PQputCopyData(s->conn, pb->buf, (int)pb->len) != 1)
        return ics_error_set(err, ICS_ERR_STORE, "%s: bulk load: %s", s->base.name, PQerrorMessage(s->conn));
    pb->len = 0;
    return ICS_OK;
}

static int copy_reserve(struct pg_bulk *pb, size_t more)
{
    return grow(&pb->buf, &pb->cap, pb->len + more);
}

/* The next column name of a column list ("id, name, amount") into name; NULL at its end. */
static const char *next_column(const char *p, char *name, size_t size)
{
    while (*p == ' ' || *p == ',')
        p++;
    if (!*p)
        return NULL;
    size_t n = strcspn(p, ", ");
    snprintf(name, size, "%.*s", (int)n, p);
    return p + n;
}

/* Reads whether table has row-level security (*rls) and, for a load with it,
 * the type of each column: bigint columns are sent as int8 elements, the
 * others as text, cast to the column's type unless that is text (cast gets
 * the SQL, "unnest($k::text[])::type" or "unnest($k::int8[])"). */
static int table_shape(struct pg_store *s, struct ics_bulk *b, int *rls, struct pg_column *cols, char *select,
                       size_t size, struct ics_error *err)
{
    const char *values[1] = {b->table};
    PGresult *res = PQexecParams(s->conn,
                                 "SELECT c.relrowsecurity, a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod)"
                                 " FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
                                 " AND a.attnum > 0 AND NOT a.attisdropped WHERE c.oid = to_regclass($1)",
                                 1, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = result_error(s, res, "bulk load", err);
        PQclear(res);
        return rc;
    }
    int rows = PQntuples(res), rc = ICS_OK;
    *rls = rows > 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    if (rows == 0)
        rc = ics_error_set(err, ICS_ERR_STORE, "%s: bulk load: no table %s", s->base.name, b->table);
    size_t o = 0;
    const char *p = b->columns;
    char name[128];
    for (int c = 0; !rc && *rls && c < b->ncols; c++) {
        p = p ? next_column(p, name, sizeof name) : NULL;
        int found = -1;
        for (int r = 0; p && r < rows && found < 0; r++)
            if (!PQgetisnull(res, r, 1) && strcmp(PQgetvalue(res, r, 1), name) == 0)
                found = r;
        if (found < 0) {
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: no column %s", b->table, p ? name : "?");
            break;
        }
        long type = strtol(PQgetvalue(res, found, 2), NULL, 10);
        cols[c].int8 = type == OID_INT8;
        int n;
        if (cols[c].int8 || type == OID_TEXT)
            n = snprintf(select + o, size - o, "%sunnest($%d::%s[])", c ? ", " : "", c + 1, cols[c].int8 ? "int8" : "text");
        else
            n = snprintf(select + o, size - o, "%sCAST(unnest($%d::text[]) AS %s)", c ? ", " : "", c + 1,
                         PQgetvalue(res, found, 3));
        if (n < 0 || (size_t)n >= size - o)
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: too many columns", b->table);
        else
            o += (size_t)n;
    }
    PQclear(res);
    return rc;
}

static void free_bulk(struct ics_bulk *b, struct pg_bulk *pb)
{
    if (pb->cols)
        for (int c = 0; c < b->ncols; c++)
            ics_free(pb->cols[c].buf);
    ics_free(pb->cols);
    ics_free(pb->buf);
    ics_free(pb);
}

static int pg_bulk_start(struct ics_bulk *b, struct ics_error *err)
{
    struct pg_store *s = pg(b->store);
    struct pg_bulk *pb = ics_calloc(1, sizeof *pb);
    struct pg_column *cols = ics_calloc((size_t)b->ncols, sizeof *cols);
    size_t size = strlen(b->table) + strlen(b->columns) + (size_t)b->ncols * 96 + 64;
    char *sql = ics_malloc(size);
    int rc = pb && cols && sql ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rls = 0;
    if (!rc) {
        size_t head = (size_t)snprintf(sql, size, "INSERT INTO %s (%s) SELECT ", b->table, b->columns);
        rc = table_shape(s, b, &rls, cols, sql + head, size - head, err);
    }
    if (!rc && rls) {
        pb->cols = cols;
        cols = NULL;
        for (int c = 0; !rc && c < b->ncols; c++) {
            if (grow(&pb->cols[c].buf, &pb->cols[c].cap, ARRAY_HEAD))
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            pb->cols[c].len = ARRAY_HEAD;
        }
        Oid types[256];
        if (!rc && b->ncols > (int)(sizeof types / sizeof types[0]))
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: too many columns", b->table);
        for (int c = 0; !rc && c < b->ncols; c++)
            types[c] = pb->cols[c].int8 ? OID_INT8_ARRAY : OID_TEXT_ARRAY;
        if (!rc) {
            snprintf(pb->name, sizeof pb->name, "ics_%lu", ++s->prepared);
            PGresult *res = PQprepare(s->conn, pb->name, sql, b->ncols, types);
            if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                rc = result_error(s, res, "bulk load", err);
                pb->name[0] = '\0';
            }
            PQclear(res);
        }
    } else if (!rc) {
        snprintf(sql, size, "COPY %s (%s) FROM STDIN", b->table, b->columns);
        PGresult *res = PQexec(s->conn, sql);
        if (PQresultStatus(res) != PGRES_COPY_IN)
            rc = result_error(s, res, "bulk load", err);
        else
            pb->copying = 1;
        PQclear(res);
    }
    ics_free(sql);
    ics_free(cols);
    if (rc) {
        if (pb)
            free_bulk(b, pb);
        return rc;
    }
    b->backend = pb;
    return ICS_OK;
}

/* One value in COPY's text format: \N for NULL; backslash, tab, newline and
 * carriage return escaped. */
static int copy_value(struct pg_bulk *pb, const struct ics_bulk *b, const struct store_value *v)
{
    if (v->is_null) {
        if (copy_reserve(pb, 2))
            return -1;
        memcpy(pb->buf + pb->len, "\\N", 2);
        pb->len += 2;
        return 0;
    }
    if (!v->is_text) {
        if (copy_reserve(pb, 24))
            return -1;
        pb->len += decimal(v->number, pb->buf + pb->len);
        return 0;
    }
    if (copy_reserve(pb, 2 * v->len))
        return -1;
    const char *t = icsi_store_bulk_text(b, v);
    char *o = pb->buf + pb->len;
    for (size_t i = 0; i < v->len; i++) {
        char c = t[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            *o++ = '\\';
            *o++ = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
        } else {
            *o++ = c;
        }
    }
    pb->len = (size_t)(o - pb->buf);
    return 0;
}

/* One value as an array element: its length (-1: NULL), then int8 big-endian or the text's bytes. */
static int array_value(struct pg_column *col, const struct ics_bulk *b, const struct store_value *v)
{
    size_t more = 4 + (v->is_text ? v->len : 24);
    if (grow(&col->buf, &col->cap, col->len + more))
        return ICS_ERR_NOMEM;
    char *o = col->buf + col->len;
    if (v->is_null) {
        put_be32(o, 0xFFFFFFFFu);
        col->len += 4;
        col->has_null = 1;
        return ICS_OK;
    }
    if (col->int8) {
        if (v->is_text)
            return ICS_ERR_INTERNAL;
        uint64_t u = (uint64_t)v->number;
        put_be32(o, 8);
        put_be32(o + 4, (uint32_t)(u >> 32));
        put_be32(o + 8, (uint32_t)u);
        col->len += 12;
        return ICS_OK;
    }
    size_t n;
    if (v->is_text) {
        n = v->len;
        memcpy(o + 4, icsi_store_bulk_text(b, v), n);
    } else {
        n = decimal(v->number, o + 4);
    }
    put_be32(o, (uint32_t)n);
    col->len += 4 + n;
    return ICS_OK;
}

/* Reads the answer to the chunk in flight, if any: it must have inserted every row sent. */
static int chunk_wait(struct pg_store *s, struct pg_bulk *pb, struct ics_error *err)
{
    if (!pb->pending)
        return ICS_OK;
    pb->pending = 0;
    int rc = ICS_OK;
    PGresult *res;
    while ((res = PQgetResult(s->conn)) != NULL) {
        if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = result_error(s, res, "bulk load", err);
        else if (!rc && strtol(PQcmdTuples(res), NULL, 10) != pb->pending_rows)
            rc = ics_error_set(err, ICS_ERR_STORE, "%s: bulk load: %ld rows sent, %s inserted", s->base.name,
                               pb->pending_rows, PQcmdTuples(res));
        PQclear(res);
    }
    return rc;
}

/* Sends the rows gathered as one INSERT, after reading the answer to the one before. */
static int chunk_send(struct ics_bulk *b, struct pg_bulk *pb, struct ics_error *err)
{
    struct pg_store *s = pg(b->store);
    int rc = chunk_wait(s, pb, err);
    if (rc || pb->chunk_rows == 0)
        return rc;
    const char *values[256];
    int lengths[256], formats[256];
    for (int c = 0; c < b->ncols; c++) {
        struct pg_column *col = &pb->cols[c];
        if (col->len > 0x7FFFFFFFu)
            return ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: a chunk too large", b->table);
        put_be32(col->buf, 1);
        put_be32(col->buf + 4, (uint32_t)col->has_null);
        put_be32(col->buf + 8, col->int8 ? OID_INT8 : OID_TEXT);
        put_be32(col->buf + 12, (uint32_t)pb->chunk_rows);
        put_be32(col->buf + 16, 1);
        values[c] = col->buf;
        lengths[c] = (int)col->len;
        formats[c] = 1;
    }
    if (!PQsendQueryPrepared(s->conn, pb->name, b->ncols, values, lengths, formats, 0))
        return ics_error_set(err, ICS_ERR_STORE, "%s: bulk load: %s", s->base.name, PQerrorMessage(s->conn));
    /* libpq has copied the parameters: the buffers start the next chunk. */
    pb->pending = 1;
    pb->pending_rows = pb->chunk_rows;
    for (int c = 0; c < b->ncols; c++) {
        pb->cols[c].len = ARRAY_HEAD;
        pb->cols[c].has_null = 0;
    }
    pb->chunk_rows = 0;
    pb->chunk_bytes = 0;
    return ICS_OK;
}

static int pg_bulk_write(struct ics_bulk *b, struct ics_error *err)
{
    struct pg_bulk *pb = b->backend;
    if (pb->cols) {
        for (int r = 0; r < b->rows; r++) {
            for (int c = 0; c < b->ncols; c++) {
                struct pg_column *col = &pb->cols[c];
                size_t before = col->len;
                int rc = array_value(col, b, &b->values[(size_t)r * (size_t)b->ncols + (size_t)c]);
                if (rc == ICS_ERR_NOMEM)
                    return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                if (rc)
                    return ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: text for integer column %d",
                                         b->table, c + 1);
                pb->chunk_bytes += col->len - before;
            }
            pb->chunk_rows++;
        }
        return pb->chunk_rows >= CHUNK_ROWS || pb->chunk_bytes >= CHUNK_BYTES ? chunk_send(b, pb, err) : ICS_OK;
    }
    for (int r = 0; r < b->rows; r++) {
        for (int c = 0; c < b->ncols; c++) {
            if (copy_value(pb, b, &b->values[(size_t)r * (size_t)b->ncols + (size_t)c]) || copy_reserve(pb, 1))
                return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            pb->buf[pb->len++] = c + 1 < b->ncols ? '\t' : '\n';
        }
    }
    return pb->len >= COPY_CHUNK ? copy_flush(pg(b->store), pb, err) : ICS_OK;
}

/* Ends the COPY (abandoning it unless ok) and reads its results. */
static int copy_end(struct pg_store *s, struct pg_bulk *pb, int ok, struct ics_error *err)
{
    int rc = ok ? copy_flush(s, pb, err) : ICS_OK;
    if (PQputCopyEnd(s->conn, ok && !rc ? NULL : "abandoned") != 1 && !rc)
        rc = ics_error_set(err, ICS_ERR_STORE, "%s: bulk load: %s", s->base.name, PQerrorMessage(s->conn));
    pb->copying = 0;
    PGresult *res;
    while ((res = PQgetResult(s->conn)) != NULL) {
        if (!rc && ok && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = result_error(s, res, "bulk load", err);
        PQclear(res);
    }
    return rc;
}

static int pg_bulk_finish(struct ics_bulk *b, int ok, struct ics_error *err)
{
    struct pg_store *s = pg(b->store);
    struct pg_bulk *pb = b->backend;
    int rc = ICS_OK;
    if (pb->copying) {
        rc = copy_end(s, pb, ok, err);
    } else if (pb->cols) {
        if (ok)
            rc = chunk_send(b, pb, err);
        /* Abandoned, or failed: the answer in flight is read all the same (the caller rolls back). */
        struct ics_error ignored;
        int last = chunk_wait(s, pb, rc || !ok ? &ignored : err);
        if (!rc && ok)
            rc = last;
        if (pb->name[0] && PQtransactionStatus(s->conn) == PQTRANS_INTRANS) {
            char sql[48];
            snprintf(sql, sizeof sql, "DEALLOCATE %s", pb->name);
            PQclear(PQexec(s->conn, sql));
        }
    }
    free_bulk(b, pb);
    b->backend = NULL;
    return rc;
}

static const struct store_ops pg_ops = {
    .dialect = STORE_POSTGRES,
    .close = pg_close,
    .describe = pg_describe,
    .set_busy_timeout = pg_set_busy_timeout,
    .begin_write = pg_begin_write,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .exec = pg_exec,
    .check = pg_check,
    .table_exists = table_exists,
    .create_migration_table = pg_create_migration_table,
    .migration_statement = pg_migration_statement,
    .set_tenant = pg_set_tenant,
    .grant_runtime = pg_grant_runtime,
    .prepare = pg_prepare,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_is_null = pg_column_is_null,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .reset = pg_reset,
    .clear_bindings = pg_clear_bindings,
    .finalize = pg_finalize,
    .bulk_start = pg_bulk_start,
    .bulk_write = pg_bulk_write,
    .bulk_finish = pg_bulk_finish,
};
