/*
 * ics store: the storage interface behind the ledger.
 *
 * One interface, two backends: SQLite (src/store/sqlite.c, the only file that
 * includes sqlite3.h) for a file path, and PostgreSQL (src/store/postgres.c,
 * the only file that includes libpq-fe.h) for a postgresql:// URL. Callers
 * write portable SQL:
 *   - parameters are written `?` (the PostgreSQL backend numbers them $1, $2 ...)
 *     and are sent as text, so PostgreSQL takes each one's type from where it
 *     stands (a column it is compared with or stored in; CAST(? AS INTEGER)
 *     where nothing says);
 *   - column types are INTEGER (64-bit: the PostgreSQL backend creates BIGINT)
 *     and TEXT only;
 *   - no rowid, no AUTOINCREMENT: callers assign ids themselves inside a write
 *     transaction (SELECT COALESCE(MAX(id), 0) + 1), which is safe because write
 *     transactions are serialised (SQLite's write lock; on PostgreSQL a
 *     transaction-scoped advisory lock taken by ics_store_begin_write);
 *   - CREATE TABLE statements in the migrations are plain; the SQLite backend
 *     makes every table STRICT.
 * Schema migrations are versioned and live in src/store/migrations.c; each one
 * runs in its own transaction and is recorded in table schema_migration.
 *
 * Ownership: ics_store_open returns a handle the caller frees with
 * ics_store_close. A statement belongs to its store and must be finalised
 * (ics_stmt_finalize) before the store is closed. Text returned by
 * ics_stmt_column_text is owned by the statement and valid until the next
 * step, reset or finalize. A handle is used by one thread at a time.
 *
 * SQLite allocates through ics_malloc/ics_realloc/ics_free (installed once,
 * process-wide, before SQLite is first initialised), so ics_alloc_fail_after
 * reaches its allocations; out of memory inside SQLite is ICS_ERR_NOMEM.
 * libpq allocates with malloc; ics's own buffers around it use ics_malloc.
 */
#ifndef ICS_STORE_H
#define ICS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ics/core.h"

struct ics_store;
struct ics_stmt;
struct ics_bulk;

/* ics_store_open flags */
#define ICS_STORE_CREATE 1       /* create the database file if missing */
#define ICS_STORE_MIGRATE 2      /* apply pending migrations on open */
#define ICS_STORE_READ_ONLY 4    /* never write (SQLITE_OPEN_READONLY); see below */
#define ICS_STORE_AS_OWNER 8     /* PostgreSQL: this connection may be the tables' owner (migrations, the first admin) */

/*
 * Opens the store `path` names: a postgresql:// (or postgres://) URL, in
 * libpq's URI syntax, is a PostgreSQL database; anything else is a SQLite file.
 *
 * SQLite: without ICS_STORE_CREATE a
 * missing file fails with ICS_ERR_NOT_FOUND. The SQLite backend sets WAL
 * journalling, foreign keys on, synchronous=NORMAL (durable across a killed
 * process; a power cut may lose the last commit) and a busy timeout so that
 * concurrent writers wait for each other instead of failing.
 * Without ICS_STORE_MIGRATE, a store whose schema is older than this build's
 * fails with ICS_ERR_STORE ("run ics ledger init"); a newer one always fails.
 */
/*
 * ICS_STORE_READ_ONLY never writes, and reads a database this user may read
 * but not write, or one in a read-only directory. Where the user may write the
 * file and its directory, the connection is read-write with SQLite's
 * query_only on (writes fail; ICS_STORE_MIGRATE still migrates first; the -wal
 * and -shm files are removed at close as usual). Otherwise the file is opened
 * with SQLITE_OPEN_READONLY and migrations never run. A WAL database is read
 * through its wal-index (FILE-shm), which SQLite creates, with an empty
 * FILE-wal, unless they exist (sqlite.org/wal.html, "Read-Only Databases"):
 *   - FILE-shm exists: it is used, even where it cannot be written;
 *   - otherwise, with no FILE-wal holding commits, the file alone is the whole
 *     database and is opened as immutable (a -shm left behind by a reader
 *     would belong to the reader, and writers could not use it); a writer
 *     starting during the read is not seen;
 *   - a FILE-wal with commits but no FILE-shm fails with ICS_ERR_STORE
 *     (someone who may write the database must open it first).
 * Read-only, a schema older than this build is still read when every missing
 * migration is one readers may skip (an index). ICS_STORE_CREATE does not
 * combine with it.
 */
/*
 * PostgreSQL: the database must exist (ICS_STORE_CREATE does not create one;
 * a missing database is ICS_ERR_NOT_FOUND). Every session runs with UTF-8,
 * UTC and a lock timeout (ics_store_set_busy_timeout). ICS_STORE_READ_ONLY
 * makes every transaction read-only. Migrations create tables, so they need
 * the owner's role (ics ledger init with the owner's URL); a role that may not
 * create them gets ICS_ERR_STORE naming the owner's step, never a half-applied
 * migration. Messages name the URL without its password. Without
 * ICS_STORE_AS_OWNER, a connection whose role owns a table of the schema, is
 * a superuser or has BYPASSRLS is refused (ICS_ERR_CONFLICT): the runtime
 * role must be one that row-level security binds.
 */
int ics_store_open(const char *path, int flags, struct ics_store **out, struct ics_error *err);
void ics_store_close(struct ics_store *s);

/* PostgreSQL: gives the runtime role `role` (which owns nothing) the privileges
 * ics needs on each table and no more: no DELETE anywhere, no UPDATE of the
 * audit log. Run by the owner after migrating. SQLite: nothing to do. */
int ics_store_grant_runtime(struct ics_store *s, const char *role, struct ics_error *err);

/*
 * The tenant of the transactions to come (PostgreSQL's row-level security,
 * docs/security.md): `org` (NULL: none) and `scope` ("all", "system", "admin",
 * "org"; NULL: none, which sees nothing). Set in every transaction with
 * set_config('ics.org', ..., true) and set_config('ics.scope', ..., true), so
 * it never outlives the transaction; a statement run outside a transaction is
 * wrapped in one. SQLite has no row-level security: nothing happens.
 */
int ics_store_set_tenant(struct ics_store *s, const char *org, const char *scope, struct ics_error *err);

/* 1 when name is a URL the PostgreSQL backend takes. */
int ics_store_is_url(const char *name);
/* The name messages use: the file path, or the URL with any password removed. */
const char *ics_store_name(const struct ics_store *s);
/* 1 for a PostgreSQL store. */
int ics_store_is_postgres(const struct ics_store *s);

/* Applies pending migrations. *from and *to (either may be NULL) receive the
 * schema version before and after. */
int ics_store_migrate(struct ics_store *s, int *from, int *to, struct ics_error *err);
/* The schema version this build expects (the number of migrations). */
int ics_store_latest_version(void);
int ics_store_schema_version(struct ics_store *s, int *version, struct ics_error *err);
/* Writes "sqlite 3.40.1", "postgresql 15.8" and the like, with a NUL, into buf;
 * returns buf. With s NULL: the SQLite library this build uses. */
const char *ics_store_backend(struct ics_store *s, char *buf, size_t size);

/* Sets how long a statement waits for another writer's lock, in milliseconds
 * (default 60000; SQLite's busy timeout, PostgreSQL's lock_timeout). */
void ics_store_set_busy_timeout(struct ics_store *s, int ms);

/*
 * Transactions. ics_store_begin_write takes the write lock at once (so two
 * writers queue rather than deadlock); ics_store_begin_read gives a consistent
 * snapshot for a series of reads. Transactions do not nest.
 */
int ics_store_begin_write(struct ics_store *s, struct ics_error *err);
int ics_store_begin_read(struct ics_store *s, struct ics_error *err);
int ics_store_commit(struct ics_store *s, struct ics_error *err);
/* Never fails in a way the caller can act on; safe to call when no transaction is open. */
void ics_store_rollback(struct ics_store *s);

/* Runs one or more statements that return no rows. */
int ics_store_exec(struct ics_store *s, const char *sql, struct ics_error *err);

/* Checks the database for corruption; ICS_OK or ICS_ERR_STORE with the first
 * problem. SQLite: integrity_check and foreign_key_check. PostgreSQL keeps its
 * constraints itself and checks its pages as it reads them (data checksums where
 * the cluster has them); the check reads every table once. */
int ics_store_check(struct ics_store *s, struct ics_error *err);

/* ---- statements ------------------------------------------------------- */

int ics_store_prepare(struct ics_store *s, const char *sql, struct ics_stmt **out,
                      struct ics_error *err);
/* Parameters are numbered from 1. Text is copied. Return ICS_OK or ICS_ERR_STORE.
 * A failed bind is also remembered by the statement: the next ics_stmt_step
 * does not run it but fails with ICS_ERR_STORE and a message naming the
 * parameter (and forgets the failure). So a caller may bind a row's values
 * and check only the step; no failed bind goes unseen. */
int ics_stmt_bind_int64(struct ics_stmt *st, int index, int64_t value);
int ics_stmt_bind_text(struct ics_stmt *st, int index, const char *text, size_t len);
/* As ics_stmt_bind_text, without the copy: the text must stay unchanged until
 * the statement is next stepped to completion, reset or finalised (bulk inserts). */
int ics_stmt_bind_text_ref(struct ics_stmt *st, int index, const char *text, size_t len);
/* NUL-terminated text; NULL binds SQL NULL. */
int ics_stmt_bind_str(struct ics_stmt *st, int index, const char *text);
int ics_stmt_bind_null(struct ics_stmt *st, int index);
/* Returns 1 when a row is ready, 0 when the statement is done, or an error status
 * (ICS_ERR_STORE; ICS_ERR_CONFLICT when a constraint failed). */
int ics_stmt_step(struct ics_stmt *st, struct ics_error *err);
/* Columns are numbered from 0. */
int64_t ics_stmt_column_int64(struct ics_stmt *st, int col);
/* NULL for SQL NULL; *len (may be NULL) gets the byte length. */
const char *ics_stmt_column_text(struct ics_stmt *st, int col, size_t *len);
int ics_stmt_column_is_null(struct ics_stmt *st, int col);
/* The number of result columns, and a column's name (owned by the statement;
 * PostgreSQL knows them only once the statement has been stepped). */
int ics_stmt_column_count(struct ics_stmt *st);
const char *ics_stmt_column_name(struct ics_stmt *st, int col);
/* Makes the statement ready to run again; bindings are kept. */
void ics_stmt_reset(struct ics_stmt *st);
void ics_stmt_clear_bindings(struct ics_stmt *st);
void ics_stmt_finalize(struct ics_stmt *st);

/* ---- bulk loads ---------------------------------------------------------
 *
 * Many rows into one table, inside a write transaction, as fast as the backend
 * allows: SQLite, multi-row INSERTs; PostgreSQL, COPY into a table without
 * row-level security, and into one with it (COPY FROM is refused there) an
 * INSERT .. SELECT unnest(...) of each column as a binary array, a chunk of
 * rows at a time, each chunk sent while the one before is written. Every row
 * goes through the table's policies, constraints and triggers. A bulk load is
 * the only thing its store does until ics_bulk_finish. The columns are bigint
 * or text on PostgreSQL (others are sent as text and cast).
 * `columns` is the column list ("id, name, amount"),
 * ncols how many. A row is its ncols values in order, then ics_bulk_end_row;
 * values are copied. Constraint failures may surface only at ics_bulk_finish.
 */
int ics_store_bulk_begin(struct ics_store *s, const char *table, const char *columns, int ncols,
                         struct ics_bulk **out, struct ics_error *err);
void ics_bulk_int64(struct ics_bulk *b, int64_t value);
/* text NULL: SQL NULL. */
void ics_bulk_text(struct ics_bulk *b, const char *text, size_t len);
void ics_bulk_null(struct ics_bulk *b);
int ics_bulk_end_row(struct ics_bulk *b, struct ics_error *err);
/* ok 1: writes what is left and ends the load; ok 0: abandons it (the caller
 * rolls back). Frees b either way; NULL is ignored. */
int ics_bulk_finish(struct ics_bulk *b, int ok, struct ics_error *err);

#endif
