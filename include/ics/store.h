/*
 * ics store: the storage interface behind the ledger.
 *
 * One interface, several backends: today SQLite (src/store/sqlite.c, the only
 * file that includes sqlite3.h); a PostgreSQL backend (libpq) can implement the
 * same calls later. Callers write portable SQL:
 *   - parameters are written `?` (the PostgreSQL backend rewrites them to $1, $2 ...);
 *   - column types are INTEGER (64-bit: BIGINT in PostgreSQL) and TEXT only;
 *   - no rowid, no AUTOINCREMENT: callers assign ids themselves inside a write
 *     transaction (SELECT COALESCE(MAX(id), 0) + 1), which is safe because write
 *     transactions are serialised;
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
 */
#ifndef ICS_STORE_H
#define ICS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ics/core.h"

struct ics_store;
struct ics_stmt;

/* ics_store_open flags */
#define ICS_STORE_CREATE 1       /* create the database file if missing */
#define ICS_STORE_MIGRATE 2      /* apply pending migrations on open */
#define ICS_STORE_READ_ONLY 4    /* never write (SQLITE_OPEN_READONLY); see below */

/*
 * Opens the store at `path` (a file name for SQLite). Without ICS_STORE_CREATE a
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
int ics_store_open(const char *path, int flags, struct ics_store **out, struct ics_error *err);
void ics_store_close(struct ics_store *s);

/* Applies pending migrations. *from and *to (either may be NULL) receive the
 * schema version before and after. */
int ics_store_migrate(struct ics_store *s, int *from, int *to, struct ics_error *err);
/* The schema version this build expects (the number of migrations). */
int ics_store_latest_version(void);
int ics_store_schema_version(struct ics_store *s, int *version, struct ics_error *err);
/* Writes "sqlite 3.40.1" and the like, with a NUL, into buf; returns buf. */
const char *ics_store_backend(char *buf, size_t size);

/* Sets the busy timeout in milliseconds (default 60000). */
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

/* Checks the database file for corruption; ICS_OK or ICS_ERR_STORE with the first problem. */
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
/* Makes the statement ready to run again; bindings are kept. */
void ics_stmt_reset(struct ics_stmt *st);
void ics_stmt_clear_bindings(struct ics_stmt *st);
void ics_stmt_finalize(struct ics_stmt *st);

#endif
