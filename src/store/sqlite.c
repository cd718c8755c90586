/*
 * The SQLite backend of the storage interface (include/ics/store.h). This is
 * the only file that includes sqlite3.h.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_internal.h"

struct sqlite_store {
    struct ics_store base;   /* first: a struct ics_store * points here */
    sqlite3 *db;
    /* The full-batch multi-row INSERT of the bulk load in progress. */
    sqlite3_stmt *bulk_full;
};

struct sqlite_stmt {
    struct ics_stmt base;
    sqlite3_stmt *st;
    /* The first bind that failed since the statement last ran (0: none) and
     * SQLite's code for it: ics_stmt_step reports it instead of running. */
    int bad_bind;
    int bad_bind_rc;
};

/* A failed constraint is a conflict, a failed allocation out of memory,
 * anything else a store error. */
static int status_of(int rc)
{
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return ICS_ERR_CONFLICT;
    return (rc & 0xff) == SQLITE_NOMEM ? ICS_ERR_NOMEM : ICS_ERR_STORE;
}

static const struct store_ops sqlite_ops;

static struct sqlite_store *lite(struct ics_store *s)
{
    return (struct sqlite_store *)s;
}

static struct sqlite_stmt *lite_stmt(struct ics_stmt *st)
{
    return (struct sqlite_stmt *)st;
}

static int db_error(struct sqlite_store *s, struct ics_error *err, int rc, const char *what)
{
    int code = status_of(rc);
    return ics_error_set(err, code, "%s: %s: %s", s->base.name, what,
                         s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

/* ---- SQLite's allocator --------------------------------------------------
 *
 * SQLite allocates through ics_malloc/ics_realloc/ics_free, so the
 * allocation-failure hook (ics_alloc_fail_after) reaches inside SQLite too and
 * the tests can fail every allocation of an import in turn. SQLite needs the
 * size of each block (xSize), so every block carries it in a header; the
 * header is 16 bytes, so blocks keep malloc's 16-byte alignment.
 *
 * sqlite3_config is process-wide and must come before sqlite3_initialize:
 * this is the one global of the library (docs/architecture.md), set once
 * under pthread_once. If the program has already initialised SQLite itself
 * (another library), sqlite3_config refuses and SQLite keeps its own
 * allocator, which is harmless.
 */
#define STORE_HEADER 16
_Static_assert(STORE_HEADER >= sizeof(size_t) && STORE_HEADER % alignof(max_align_t) == 0,
               "the size header keeps blocks aligned");

static void *store_malloc(int n)
{
    if (n <= 0)
        return NULL;
    unsigned char *p = ics_malloc((size_t)n + STORE_HEADER);
    if (!p)
        return NULL;
    size_t size = (size_t)n;
    memcpy(p, &size, sizeof size);
    return p + STORE_HEADER;
}

static void store_free(void *p)
{
    if (p)
        ics_free((unsigned char *)p - STORE_HEADER);
}

static void *store_realloc(void *p, int n)
{
    if (!p)
        return store_malloc(n);
    if (n <= 0)
        return NULL;   /* SQLite never asks for this */
    unsigned char *q = ics_realloc((unsigned char *)p - STORE_HEADER, (size_t)n + STORE_HEADER);
    if (!q)
        return NULL;
    size_t size = (size_t)n;
    memcpy(q, &size, sizeof size);
    return q + STORE_HEADER;
}

static int store_size(void *p)
{
    if (!p)
        return 0;
    size_t size;
    memcpy(&size, (unsigned char *)p - STORE_HEADER, sizeof size);
    return (int)size;
}

static int store_roundup(int n)
{
    return (n + 7) & ~7;
}

static int store_alloc_init(void *app)
{
    (void)app;
    return SQLITE_OK;
}

static void store_alloc_shutdown(void *app)
{
    (void)app;
}

static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void store_configure(void)
{
    static const sqlite3_mem_methods methods = {
        store_malloc, store_free, store_realloc, store_size, store_roundup,
        store_alloc_init, store_alloc_shutdown, NULL,
    };
    /* No memory statistics: they take a global mutex on every allocation. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}

/* Installs the allocator (once) and initialises SQLite (retried until it
 * succeeds: it can fail for want of memory). */
static int store_initialize(struct ics_error *err)
{
    pthread_once(&store_once, store_configure);
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK)
        return ics_error_set(err, status_of(rc), "cannot initialise sqlite: %s", sqlite3_errstr(rc));
    return ICS_OK;
}

const char *icsi_store_sqlite_version(char *buf, size_t size)
{
    snprintf(buf, size, "sqlite %s", sqlite3_libversion());
    return buf;
}

static const char *lite_describe(struct ics_store *s, char *buf, size_t size)
{
    (void)s;
    return icsi_store_sqlite_version(buf, size);
}

static void lite_set_busy_timeout(struct ics_store *s, int ms)
{
    sqlite3_busy_timeout(lite(s)->db, ms);
}

static int exec_sql(struct sqlite_store *s, const char *sql, struct ics_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int code = status_of(rc);
        ics_error_set(err, code, "%s: %s", s->base.name, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return code;
    }
    return ICS_OK;
}

static int lite_exec(struct ics_store *s, const char *sql, struct ics_error *err)
{
    return exec_sql(lite(s), sql, err);
}

static int lite_table_exists(struct ics_store *base, const char *name, int *exists, struct ics_error *err)
{
    struct sqlite_store *s = lite(base);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_error(s, err, rc, "reading the schema");
    rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return db_error(s, err, rc, "reading the schema");
    }
    rc = sqlite3_step(st);
    *exists = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(s, err, rc, "reading the schema");
    return ICS_OK;
}

/* The dialect step: plain CREATE TABLE becomes STRICT, so SQLite checks types
 * the way PostgreSQL would. */
static int lite_migration_statement(struct ics_store *base, const char *sql, struct ics_error *err)
{
    struct sqlite_store *s = lite(base);
    if (strncmp(sql, "CREATE TABLE", 12) != 0)
        return exec_sql(s, sql, err);
    size_t n = strlen(sql);
    char *strict = ics_malloc(n + 8);
    if (!strict)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    memcpy(strict, sql, n);
    memcpy(strict + n, " STRICT", 8);
    int rc = exec_sql(s, strict, err);
    ics_free(strict);
    return rc;
}

static int lite_create_migration_table(struct ics_store *s, struct ics_error *err)
{
    return exec_sql(lite(s), "CREATE TABLE IF NOT EXISTS schema_migration ("
                             " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                             " applied_at TEXT NOT NULL) STRICT", err);
}

static int open_failed(const char *path, int flags, sqlite3 *db, int rc, struct ics_error *err)
{
    if (!(flags & ICS_STORE_CREATE) && (rc & 0xff) == SQLITE_CANTOPEN)
        return ics_error_set(err, ICS_ERR_NOT_FOUND, "%s: no ledger database here (run 'ics ledger init --db %s')",
                             path, path);
    return ics_error_set(err, status_of(rc) == ICS_ERR_NOMEM ? ICS_ERR_NOMEM : ICS_ERR_STORE, "%s: cannot open: %s",
                         path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int open_read_write(struct sqlite_store *s, const char *path, int flags, struct ics_error *err)
{
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (flags & ICS_STORE_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
    if (rc != SQLITE_OK)
        return open_failed(path, flags, s->db, rc, err);
    sqlite3_extended_result_codes(s->db, 1);
    /* (Checkpointing at close is kept: skipping it let the WAL grow across
     * processes and made a run of 300 submissions five times slower.) */
    sqlite3_busy_timeout(s->db, 60000);
    /* journal_mode returns a row; "wal" confirms it took. */
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *mode = (const char *)sqlite3_column_text(st, 0);
            rc = mode && strcmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_ERROR;
        }
        sqlite3_finalize(st);
    }
    int status = ICS_OK;
    if (rc != SQLITE_OK)
        status = ics_error_set(err, ICS_ERR_STORE, "%s: cannot use WAL journalling: %s", path,
                               sqlite3_errmsg(s->db));
    if (!status)
        status = exec_sql(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8192",
                          err);
    int version = 0;
    if (!status && (flags & ICS_STORE_MIGRATE))
        status = ics_store_migrate(&s->base, NULL, &version, err);
    else if (!status) {
        status = ics_store_schema_version(&s->base, &version, err);
        if (!status && version != ics_store_latest_version() && !(flags & ICS_STORE_CREATE))
            status = ics_error_set(err, ICS_ERR_STORE,
                                   "%s: schema version %d, this ics needs %d (run 'ics ledger init --db %s')",
                                   path, version, ics_store_latest_version(), path);
    }
    return status;
}

/* Paths a read-only open handles (it builds the -wal, -shm and URI names). */
#define READ_ONLY_PATH_MAX 4096

static int file_exists(const char *path, off_t *size)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 0;
    if (size)
        *size = sb.st_size;
    return 1;
}

/* Whether this user may write the database file and the directory holding it
 * (where SQLite creates the -wal and -shm files). */
static int may_write_file_and_folder(const char *path)
{
    char folder[READ_ONLY_PATH_MAX];
    if (snprintf(folder, sizeof folder, "%s", path) >= (int)sizeof folder)
        return 0;
    char *slash = strrchr(folder, '/');
    if (!slash)
        snprintf(folder, sizeof folder, ".");
    else if (slash == folder)
        folder[1] = '\0';
    else
        *slash = '\0';
    return access(path, W_OK) == 0 && access(folder, W_OK | X_OK) == 0;
}

/* "file:" and the path with the characters a URI gives meaning to escaped,
 * then the query: SQLite reads ?mode=ro and ?immutable=1 only from a URI. */
static int read_only_uri(const char *path, const char *query, char *uri, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    const char *head = path[0] == '/' ? "file://" : "file:";
    for (const char *h = head; *h && n < size; h++)
        uri[n++] = *h;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 || *p >= 0x7f) {
            if (n + 3 >= size)
                return -1;
            uri[n++] = '%';
            uri[n++] = hex[*p >> 4];
            uri[n++] = hex[*p & 15];
        } else {
            if (n + 1 >= size)
                return -1;
            uri[n++] = (char)*p;
        }
    }
    int k = snprintf(uri + n, size - n, "?%s", query);
    return k < 0 || (size_t)k >= size - n ? -1 : 0;
}

/* For a user who may not write the file or its directory (ics/store.h). */
static int open_read_only(struct sqlite_store *s, const char *path, struct ics_error *err)
{
    off_t wal_size = 0;
    char wal[READ_ONLY_PATH_MAX + 8], shm[READ_ONLY_PATH_MAX + 8];
    if (strlen(path) >= READ_ONLY_PATH_MAX)
        return ics_error_set(err, ICS_ERR_USAGE, "%.64s...: database path too long", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    if (!file_exists(path, NULL))
        return ics_error_set(err, ICS_ERR_NOT_FOUND, "%s: no ledger database here (run 'ics ledger init --db %s')",
                             path, path);
    const char *query = "mode=ro";
    if (!file_exists(shm, NULL)) {
        /* SQLite would create a -shm owned by this reader (which writers
         * could not use), or fail where it cannot. With no log holding
         * commits, the file alone is the whole database: read it as immutable. */
        if (file_exists(wal, &wal_size) && wal_size > 0)
            return ics_error_set(err, ICS_ERR_STORE,
                                 "%s: its write-ahead log (%s) holds commits, and reading it needs %s, which this "
                                 "user cannot create: someone who may write the database must open it first",
                                 path, wal, shm);
        query = "immutable=1";
    }
    char uri[3 * READ_ONLY_PATH_MAX + 32];
    if (read_only_uri(path, query, uri, sizeof uri) != 0)
        return ics_error_set(err, ICS_ERR_STORE, "%s: path too long", path);
    int rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return open_failed(path, 0, s->db, rc, err);
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 60000);
    int status = exec_sql(s, "PRAGMA cache_size = -8192", err);
    int version = 0;
    if (!status)
        status = ics_store_schema_version(&s->base, &version, err);
    if (!status && version > ics_store_latest_version())
        status = ics_error_set(err, ICS_ERR_STORE, "%s: schema version %d is newer than this ics (%d)", path,
                               version, ics_store_latest_version());
    else if (!status && version < icsi_store_oldest_readable_version())
        status = ics_error_set(err, ICS_ERR_STORE,
                               "%s: schema version %d, this ics needs %d; it is open read-only, so someone who may "
                               "write it must run 'ics ledger init --db %s'",
                               path, version, icsi_store_oldest_readable_version(), path);
    return status;
}

int icsi_store_sqlite_open(const char *path, int flags, struct ics_store **out, struct ics_error *err)
{
    int rc = store_initialize(err);
    if (rc)
        return rc;
    struct sqlite_store *s = ics_calloc(1, sizeof *s);
    if (!s)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    s->base.ops = &sqlite_ops;
    snprintf(s->base.name, sizeof s->base.name, "%s", path);
    int status;
    if ((flags & ICS_STORE_READ_ONLY) && !may_write_file_and_folder(path)) {
        status = open_read_only(s, path, err);
    } else {
        status = open_read_write(s, path, flags & ~ICS_STORE_READ_ONLY, err);
        /* A user who may write gets a read-write connection that refuses
         * writes: it checkpoints and removes the -wal and -shm files when it
         * closes, as every other command does, where a SQLITE_OPEN_READONLY
         * connection would leave them behind. */
        if (!status && (flags & ICS_STORE_READ_ONLY))
            status = exec_sql(s, "PRAGMA query_only = ON", err);
    }
    if (status) {
        sqlite3_close(s->db);
        ics_free(s);
        return status;
    }
    *out = &s->base;
    return ICS_OK;
}

static void lite_close(struct ics_store *base)
{
    struct sqlite_store *s = lite(base);
    sqlite3_finalize(s->bulk_full);
    sqlite3_close(s->db);
    ics_free(s);
}

static int lite_begin_write(struct ics_store *s, struct ics_error *err)
{
    return exec_sql(lite(s), "BEGIN IMMEDIATE", err);
}

static int lite_begin_read(struct ics_store *s, struct ics_error *err)
{
    return exec_sql(lite(s), "BEGIN", err);
}

static int lite_commit(struct ics_store *s, struct ics_error *err)
{
    return exec_sql(lite(s), "COMMIT", err);
}

static void lite_rollback(struct ics_store *base)
{
    struct sqlite_store *s = lite(base);
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int lite_check(struct ics_store *base, struct ics_error *err)
{
    struct sqlite_store *s = lite(base);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_error(s, err, rc, "integrity check");
    int status = ICS_OK;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        if (!r || strcmp(r, "ok") != 0)
            status = ics_error_set(err, ICS_ERR_STORE, "%s: integrity check: %s", s->base.name, r ? r : "?");
    } else {
        status = db_error(s, err, rc, "integrity check");
    }
    sqlite3_finalize(st);
    if (!status) {
        rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL);
        if (rc != SQLITE_OK)
            return db_error(s, err, rc, "foreign key check");
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            status = ics_error_set(err, ICS_ERR_STORE, "%s: foreign key check: a row of %s has no parent",
                                   s->base.name, (const char *)sqlite3_column_text(st, 0));
        else if (rc != SQLITE_DONE)
            status = db_error(s, err, rc, "foreign key check");
        sqlite3_finalize(st);
    }
    return status;
}

/* No row-level security in SQLite: the ledger's own checks are the only ones. */
static int lite_set_tenant(struct ics_store *s, const char *org, const char *scope, struct ics_error *err)
{
    (void)s;
    (void)org;
    (void)scope;
    (void)err;
    return ICS_OK;
}

/* A SQLite file has no roles: who may use it is who may read and write the file. */
static int lite_grant_runtime(struct ics_store *s, const char *role, struct ics_error *err)
{
    (void)s;
    (void)role;
    (void)err;
    return ICS_OK;
}

static int lite_prepare(struct ics_store *base, const char *sql, struct ics_stmt **out, struct ics_error *err)
{
    struct sqlite_store *s = lite(base);
    struct sqlite_stmt *st = ics_malloc(sizeof *st);
    if (!st)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    st->base.store = base;
    st->bad_bind = st->bad_bind_rc = 0;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st->st, NULL);
    if (rc != SQLITE_OK) {
        ics_free(st);
        return db_error(s, err, rc, "preparing a statement");
    }
    *out = &st->base;
    return ICS_OK;
}

/* Every bind goes through here: a failure is kept (the first one) and the
 * next ics_stmt_step reports it as an error with a message, so a caller binds
 * a row's values and checks the step, and no failed bind goes unseen. */
static int bind_result(struct sqlite_stmt *st, int index, int rc)
{
    if (rc == SQLITE_OK)
        return ICS_OK;
    if (!st->bad_bind) {
        st->bad_bind = index > 0 ? index : -1;
        st->bad_bind_rc = rc;
    }
    return ICS_ERR_STORE;
}

static int lite_bind_int64(struct ics_stmt *base, int index, int64_t value)
{
    struct sqlite_stmt *st = lite_stmt(base);
    return bind_result(st, index, sqlite3_bind_int64(st->st, index, value));
}

static int lite_bind_text(struct ics_stmt *base, int index, const char *text, size_t len, int copy)
{
    struct sqlite_stmt *st = lite_stmt(base);
    return bind_result(st, index, sqlite3_bind_text64(st->st, index, text, len, copy ? SQLITE_TRANSIENT : SQLITE_STATIC,
                                                      SQLITE_UTF8));
}

static int lite_bind_null(struct ics_stmt *base, int index)
{
    struct sqlite_stmt *st = lite_stmt(base);
    return bind_result(st, index, sqlite3_bind_null(st->st, index));
}

static int lite_step(struct ics_stmt *base, struct ics_error *err)
{
    struct sqlite_stmt *st = lite_stmt(base);
    if (st->bad_bind) {
        /* Not run: one of its values is missing. Cleared, so the statement
         * can be bound afresh and run again. */
        int index = st->bad_bind, rc = st->bad_bind_rc;
        st->bad_bind = st->bad_bind_rc = 0;
        return ics_error_set(err, ICS_ERR_STORE, "%s: binding parameter %d of a statement: %s", base->store->name,
                             index, sqlite3_errstr(rc));
    }
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return db_error(lite(base->store), err, rc, "running a statement");
}

static int64_t lite_column_int64(struct ics_stmt *base, int col)
{
    return sqlite3_column_int64(lite_stmt(base)->st, col);
}

static const char *lite_column_text(struct ics_stmt *base, int col, size_t *len)
{
    struct sqlite_stmt *st = lite_stmt(base);
    const char *t = (const char *)sqlite3_column_text(st->st, col);
    if (len)
        *len = t ? (size_t)sqlite3_column_bytes(st->st, col) : 0;
    return t;
}

static int lite_column_is_null(struct ics_stmt *base, int col)
{
    return sqlite3_column_type(lite_stmt(base)->st, col) == SQLITE_NULL;
}

static int lite_column_count(struct ics_stmt *base)
{
    return sqlite3_column_count(lite_stmt(base)->st);
}

static const char *lite_column_name(struct ics_stmt *base, int col)
{
    return sqlite3_column_name(lite_stmt(base)->st, col);
}

static void lite_reset(struct ics_stmt *base)
{
    sqlite3_reset(lite_stmt(base)->st);
}

static void lite_clear_bindings(struct ics_stmt *base)
{
    struct sqlite_stmt *st = lite_stmt(base);
    sqlite3_clear_bindings(st->st);
    st->bad_bind = st->bad_bind_rc = 0;
}

static void lite_finalize(struct ics_stmt *base)
{
    struct sqlite_stmt *st = lite_stmt(base);
    sqlite3_finalize(st->st);
    ics_free(st);
}

/* ---- bulk loads: multi-row INSERTs ------------------------------------------
 * A full batch of STORE_BULK_ROWS rows is one statement, prepared once per
 * load (fewer steps, binds and resets than a row at a time); the last, short
 * batch gets a statement of its own size. Values are bound without a copy:
 * they stay in the bulk's buffer until the step. */

static char *insert_sql(const struct ics_bulk *b, int rows)
{
    size_t row_len = 2 + (size_t)b->ncols * 3, len = 64 + strlen(b->table) + strlen(b->columns) + (size_t)rows * row_len;
    char *sql = ics_malloc(len);
    if (!sql)
        return NULL;
    int n = snprintf(sql, len, "INSERT INTO %s (%s) VALUES ", b->table, b->columns);
    char *p = sql + n;
    for (int r = 0; r < rows; r++) {
        if (r)
            *p++ = ',';
        *p++ = '(';
        for (int c = 0; c < b->ncols; c++) {
            if (c)
                *p++ = ',';
            *p++ = '?';
        }
        *p++ = ')';
    }
    *p = '\0';
    return sql;
}

static int prepare_insert(struct sqlite_store *s, const struct ics_bulk *b, int rows, sqlite3_stmt **out,
                          struct ics_error *err)
{
    char *sql = insert_sql(b, rows);
    if (!sql)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);
    ics_free(sql);
    return rc == SQLITE_OK ? ICS_OK : db_error(s, err, rc, "preparing a bulk insert");
}

static int lite_bulk_start(struct ics_bulk *b, struct ics_error *err)
{
    struct sqlite_store *s = lite(b->store);
    sqlite3_finalize(s->bulk_full);
    s->bulk_full = NULL;
    return prepare_insert(s, b, STORE_BULK_ROWS, &s->bulk_full, err);
}

static int lite_bulk_write(struct ics_bulk *b, struct ics_error *err)
{
    struct sqlite_store *s = lite(b->store);
    sqlite3_stmt *st = s->bulk_full, *own = NULL;
    if (b->rows != STORE_BULK_ROWS) {
        int rc = prepare_insert(s, b, b->rows, &own, err);
        if (rc)
            return rc;
        st = own;
    }
    int rc = SQLITE_OK;
    int n = b->rows * b->ncols;
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        const struct store_value *v = &b->values[i];
        if (v->is_null)
            rc = sqlite3_bind_null(st, i + 1);
        else if (v->is_text)
            rc = sqlite3_bind_text64(st, i + 1, icsi_store_bulk_text(b, v), v->len, SQLITE_STATIC, SQLITE_UTF8);
        else
            rc = sqlite3_bind_int64(st, i + 1, v->number);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    int status = rc == SQLITE_OK ? ICS_OK : db_error(s, err, rc, "bulk insert");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_finalize(own);
    return status;
}

static int lite_bulk_finish(struct ics_bulk *b, int ok, struct ics_error *err)
{
    (void)ok;
    (void)err;
    struct sqlite_store *s = lite(b->store);
    sqlite3_finalize(s->bulk_full);
    s->bulk_full = NULL;
    return ICS_OK;
}

static const struct store_ops sqlite_ops = {
    .dialect = STORE_SQLITE,
    .close = lite_close,
    .describe = lite_describe,
    .set_busy_timeout = lite_set_busy_timeout,
    .begin_write = lite_begin_write,
    .begin_read = lite_begin_read,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .exec = lite_exec,
    .check = lite_check,
    .table_exists = lite_table_exists,
    .create_migration_table = lite_create_migration_table,
    .migration_statement = lite_migration_statement,
    .set_tenant = lite_set_tenant,
    .grant_runtime = lite_grant_runtime,
    .prepare = lite_prepare,
    .bind_int64 = lite_bind_int64,
    .bind_text = lite_bind_text,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .column_int64 = lite_column_int64,
    .column_text = lite_column_text,
    .column_is_null = lite_column_is_null,
    .column_count = lite_column_count,
    .column_name = lite_column_name,
    .reset = lite_reset,
    .clear_bindings = lite_clear_bindings,
    .finalize = lite_finalize,
    .bulk_start = lite_bulk_start,
    .bulk_write = lite_bulk_write,
    .bulk_finish = lite_bulk_finish,
};
