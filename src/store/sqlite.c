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

#include "ics/store.h"
#include "migrations.h"

struct ics_store {
    sqlite3 *db;
    char path[512];
};

struct ics_stmt {
    struct ics_store *store;
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

static int db_error(struct ics_store *s, struct ics_error *err, int rc, const char *what)
{
    int code = status_of(rc);
    return ics_error_set(err, code, "%s: %s: %s", s->path, what,
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

const char *ics_store_backend(char *buf, size_t size)
{
    snprintf(buf, size, "sqlite %s", sqlite3_libversion());
    return buf;
}

int ics_store_latest_version(void)
{
    return icsi_store_migrations[icsi_store_migration_count - 1].version;
}

void ics_store_set_busy_timeout(struct ics_store *s, int ms)
{
    sqlite3_busy_timeout(s->db, ms);
}

int ics_store_exec(struct ics_store *s, const char *sql, struct ics_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int code = status_of(rc);
        ics_error_set(err, code, "%s: %s", s->path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return code;
    }
    return ICS_OK;
}

static int table_exists(struct ics_store *s, const char *name, int *exists, struct ics_error *err)
{
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

int ics_store_schema_version(struct ics_store *s, int *version, struct ics_error *err)
{
    int exists = 0, rc = table_exists(s, "schema_migration", &exists, err);
    if (rc)
        return rc;
    *version = 0;
    if (!exists)
        return ICS_OK;
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(s->db, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_error(s, err, rc, "reading the schema version");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_error(s, err, rc, "reading the schema version");
    return ICS_OK;
}

/* The dialect step: plain CREATE TABLE becomes STRICT, so SQLite checks types
 * the way PostgreSQL would. */
static int run_migration_statement(struct ics_store *s, const char *sql, struct ics_error *err)
{
    if (strncmp(sql, "CREATE TABLE", 12) != 0)
        return ics_store_exec(s, sql, err);
    size_t n = strlen(sql);
    char *strict = ics_malloc(n + 8);
    if (!strict)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    memcpy(strict, sql, n);
    memcpy(strict + n, " STRICT", 8);
    int rc = ics_store_exec(s, strict, err);
    ics_free(strict);
    return rc;
}

static void utc_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ics_store_migrate(struct ics_store *s, int *from, int *to, struct ics_error *err)
{
    int rc = ics_store_begin_write(s, err);
    if (rc)
        return rc;
    int version = 0;
    rc = ics_store_exec(s, "CREATE TABLE IF NOT EXISTS schema_migration ("
                           " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                           " applied_at TEXT NOT NULL) STRICT", err);
    if (!rc)
        rc = ics_store_schema_version(s, &version, err);
    if (!rc)
        rc = ics_store_commit(s, err);
    if (rc) {
        ics_store_rollback(s);
        return rc;
    }
    if (from)
        *from = version;
    if (version > ics_store_latest_version())
        return ics_error_set(err, ICS_ERR_STORE, "%s: schema version %d is newer than this ics (%d)",
                             s->path, version, ics_store_latest_version());
    for (int m = 0; m < icsi_store_migration_count; m++) {
        const struct store_migration *mig = &icsi_store_migrations[m];
        if (mig->version <= version)
            continue;
        /* Each migration in its own transaction; re-check the version inside
         * it, in case another process migrated meanwhile. */
        rc = ics_store_begin_write(s, err);
        if (rc)
            return rc;
        int now_version;
        rc = ics_store_schema_version(s, &now_version, err);
        if (!rc && now_version < mig->version) {
            for (const struct store_statement *st = mig->statements; !rc && st->sql; st++)
                if (st->dialect == STORE_ANY || st->dialect == STORE_SQLITE)
                    rc = run_migration_statement(s, st->sql, err);
            if (!rc) {
                char at[32];
                utc_now(at, sizeof at);
                struct ics_stmt *ins;
                rc = ics_store_prepare(s, "INSERT INTO schema_migration (version, description, applied_at)"
                                          " VALUES (?, ?, ?)", &ins, err);
                if (!rc) {
                    ics_stmt_bind_int64(ins, 1, mig->version);
                    ics_stmt_bind_str(ins, 2, mig->description);
                    ics_stmt_bind_str(ins, 3, at);
                    int step = ics_stmt_step(ins, err);
                    rc = step == 0 ? ICS_OK : step;
                    ics_stmt_finalize(ins);
                }
            }
        }
        if (!rc)
            rc = ics_store_commit(s, err);
        if (rc) {
            ics_store_rollback(s);
            return rc;
        }
        version = mig->version;
    }
    if (to)
        *to = version;
    return ICS_OK;
}

static int open_failed(const char *path, int flags, sqlite3 *db, int rc, struct ics_error *err)
{
    if (!(flags & ICS_STORE_CREATE) && (rc & 0xff) == SQLITE_CANTOPEN)
        return ics_error_set(err, ICS_ERR_NOT_FOUND, "%s: no ledger database here (run 'ics ledger init --db %s')",
                             path, path);
    return ics_error_set(err, status_of(rc) == ICS_ERR_NOMEM ? ICS_ERR_NOMEM : ICS_ERR_STORE, "%s: cannot open: %s",
                         path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int open_read_write(struct ics_store *s, const char *path, int flags, struct ics_error *err)
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
        status = ics_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                                   " PRAGMA cache_size = -8192", err);
    int version = 0;
    if (!status && (flags & ICS_STORE_MIGRATE))
        status = ics_store_migrate(s, NULL, &version, err);
    else if (!status) {
        status = ics_store_schema_version(s, &version, err);
        if (!status && version != ics_store_latest_version() && !(flags & ICS_STORE_CREATE))
            status = ics_error_set(err, ICS_ERR_STORE,
                                   "%s: schema version %d, this ics needs %d (run 'ics ledger init --db %s')",
                                   path, version, ics_store_latest_version(), path);
    }
    return status;
}

/* Paths a read-only open handles (it builds the -wal, -shm and URI names). */
#define READ_ONLY_PATH_MAX 4096

/* The oldest schema a read-only open can read: the latest migration that
 * readers may not skip. */
static int oldest_readable_version(void)
{
    int v = 0;
    for (int m = 0; m < icsi_store_migration_count; m++)
        if (!icsi_store_migrations[m].readers_may_skip)
            v = icsi_store_migrations[m].version;
    return v;
}

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
static int open_read_only(struct ics_store *s, const char *path, struct ics_error *err)
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
    int status = ics_store_exec(s, "PRAGMA cache_size = -8192", err);
    int version = 0;
    if (!status)
        status = ics_store_schema_version(s, &version, err);
    if (!status && version > ics_store_latest_version())
        status = ics_error_set(err, ICS_ERR_STORE, "%s: schema version %d is newer than this ics (%d)", path,
                               version, ics_store_latest_version());
    else if (!status && version < oldest_readable_version())
        status = ics_error_set(err, ICS_ERR_STORE,
                               "%s: schema version %d, this ics needs %d; it is open read-only, so someone who may "
                               "write it must run 'ics ledger init --db %s'",
                               path, version, oldest_readable_version(), path);
    return status;
}

int ics_store_open(const char *path, int flags, struct ics_store **out, struct ics_error *err)
{
    *out = NULL;
    if ((flags & ICS_STORE_READ_ONLY) && (flags & ICS_STORE_CREATE))
        return ics_error_set(err, ICS_ERR_INTERNAL, "a store opened read-only cannot be created");
    int rc = store_initialize(err);
    if (rc)
        return rc;
    struct ics_store *s = ics_calloc(1, sizeof *s);
    if (!s)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
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
            status = ics_store_exec(s, "PRAGMA query_only = ON", err);
    }
    if (status) {
        sqlite3_close(s->db);
        ics_free(s);
        return status;
    }
    *out = s;
    return ICS_OK;
}

void ics_store_close(struct ics_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    ics_free(s);
}

int ics_store_begin_write(struct ics_store *s, struct ics_error *err)
{
    return ics_store_exec(s, "BEGIN IMMEDIATE", err);
}

int ics_store_begin_read(struct ics_store *s, struct ics_error *err)
{
    return ics_store_exec(s, "BEGIN", err);
}

int ics_store_commit(struct ics_store *s, struct ics_error *err)
{
    return ics_store_exec(s, "COMMIT", err);
}

void ics_store_rollback(struct ics_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int ics_store_check(struct ics_store *s, struct ics_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_error(s, err, rc, "integrity check");
    int status = ICS_OK;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        if (!r || strcmp(r, "ok") != 0)
            status = ics_error_set(err, ICS_ERR_STORE, "%s: integrity check: %s", s->path, r ? r : "?");
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
                                   s->path, (const char *)sqlite3_column_text(st, 0));
        else if (rc != SQLITE_DONE)
            status = db_error(s, err, rc, "foreign key check");
        sqlite3_finalize(st);
    }
    return status;
}

int ics_store_prepare(struct ics_store *s, const char *sql, struct ics_stmt **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_stmt *st = ics_malloc(sizeof *st);
    if (!st)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    st->store = s;
    st->bad_bind = st->bad_bind_rc = 0;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st->st, NULL);
    if (rc != SQLITE_OK) {
        ics_free(st);
        return db_error(s, err, rc, "preparing a statement");
    }
    *out = st;
    return ICS_OK;
}

/* Every bind goes through here: a failure is kept (the first one) and the
 * next ics_stmt_step reports it as an error with a message, so a caller binds
 * a row's values and checks the step, and no failed bind goes unseen. */
static int bind_result(struct ics_stmt *st, int index, int rc)
{
    if (rc == SQLITE_OK)
        return ICS_OK;
    if (!st->bad_bind) {
        st->bad_bind = index > 0 ? index : -1;
        st->bad_bind_rc = rc;
    }
    return ICS_ERR_STORE;
}

int ics_stmt_bind_int64(struct ics_stmt *st, int index, int64_t value)
{
    return bind_result(st, index, sqlite3_bind_int64(st->st, index, value));
}

int ics_stmt_bind_text(struct ics_stmt *st, int index, const char *text, size_t len)
{
    if (!text)
        return ics_stmt_bind_null(st, index);
    return bind_result(st, index, sqlite3_bind_text64(st->st, index, text, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int ics_stmt_bind_text_ref(struct ics_stmt *st, int index, const char *text, size_t len)
{
    if (!text)
        return ics_stmt_bind_null(st, index);
    return bind_result(st, index, sqlite3_bind_text64(st->st, index, text, len, SQLITE_STATIC, SQLITE_UTF8));
}

int ics_stmt_bind_str(struct ics_stmt *st, int index, const char *text)
{
    return text ? ics_stmt_bind_text(st, index, text, strlen(text)) : ics_stmt_bind_null(st, index);
}

int ics_stmt_bind_null(struct ics_stmt *st, int index)
{
    return bind_result(st, index, sqlite3_bind_null(st->st, index));
}

int ics_stmt_step(struct ics_stmt *st, struct ics_error *err)
{
    if (st->bad_bind) {
        /* Not run: one of its values is missing. Cleared, so the statement
         * can be bound afresh and run again. */
        int index = st->bad_bind, rc = st->bad_bind_rc;
        st->bad_bind = st->bad_bind_rc = 0;
        return ics_error_set(err, ICS_ERR_STORE, "%s: binding parameter %d of a statement: %s", st->store->path,
                             index, sqlite3_errstr(rc));
    }
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return db_error(st->store, err, rc, "running a statement");
}

int64_t ics_stmt_column_int64(struct ics_stmt *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

const char *ics_stmt_column_text(struct ics_stmt *st, int col, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(st->st, col);
    if (len)
        *len = t ? (size_t)sqlite3_column_bytes(st->st, col) : 0;
    return t;
}

int ics_stmt_column_is_null(struct ics_stmt *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void ics_stmt_reset(struct ics_stmt *st)
{
    sqlite3_reset(st->st);
}

void ics_stmt_clear_bindings(struct ics_stmt *st)
{
    sqlite3_clear_bindings(st->st);
    st->bad_bind = st->bad_bind_rc = 0;
}

void ics_stmt_finalize(struct ics_stmt *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->st);
    ics_free(st);
}
