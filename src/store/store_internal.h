/*
 * Internal to src/store/: what a backend implements. include/ics/store.h's
 * calls (src/store/store.c) check their arguments once and hand on to the
 * backend through its table of operations; the schema migrations and the
 * bulk loader's row buffer are shared by every backend, in store.c.
 *
 * A backend's handle and statement structs start with the base struct below,
 * so a pointer to one is a pointer to its base (C11 6.7.2.1p15).
 */
#ifndef ICS_STORE_INTERNAL_H
#define ICS_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ics/store.h"
#include "migrations.h"

struct store_ops;

struct ics_store {
    const struct store_ops *ops;
    /* What messages call the store: the file's path, or the URL without its password. */
    char name[512];
};

struct ics_stmt {
    struct ics_store *store;
};

/* A bulk load buffers up to STORE_BULK_ROWS rows (their text in one growing
 * block) before the backend writes them. */
#define STORE_BULK_ROWS 32

struct store_value {
    int is_null, is_text;
    int64_t number;
    size_t offset, len;      /* text: a span of the bulk's text block */
};

struct ics_bulk {
    struct ics_store *store;
    char table[64];
    char columns[512];
    int ncols;
    int col;                 /* values given in the row being built */
    int rows;                /* complete rows buffered */
    struct store_value *values;   /* STORE_BULK_ROWS * ncols */
    char *text;
    size_t text_len, text_cap;
    int failed;              /* a value could not be buffered (out of memory) */
    void *backend;           /* the backend's state for this load */
};

struct store_ops {
    enum store_dialect dialect;
    void (*close)(struct ics_store *s);
    const char *(*describe)(struct ics_store *s, char *buf, size_t size);
    void (*set_busy_timeout)(struct ics_store *s, int ms);
    int (*begin_write)(struct ics_store *s, struct ics_error *err);
    int (*begin_read)(struct ics_store *s, struct ics_error *err);
    int (*commit)(struct ics_store *s, struct ics_error *err);
    void (*rollback)(struct ics_store *s);
    int (*exec)(struct ics_store *s, const char *sql, struct ics_error *err);
    int (*check)(struct ics_store *s, struct ics_error *err);
    int (*table_exists)(struct ics_store *s, const char *name, int *exists, struct ics_error *err);
    /* Creates schema_migration if it is missing. */
    int (*create_migration_table)(struct ics_store *s, struct ics_error *err);
    /* Runs one statement of a migration, in the backend's dialect. */
    int (*migration_statement)(struct ics_store *s, const char *sql, struct ics_error *err);
    int (*set_tenant)(struct ics_store *s, const char *org, const char *scope, struct ics_error *err);
    /* Gives the runtime role the privileges of icsi_store_grants. */
    int (*grant_runtime)(struct ics_store *s, const char *role, struct ics_error *err);
    int (*prepare)(struct ics_store *s, const char *sql, struct ics_stmt **out, struct ics_error *err);
    int (*bind_int64)(struct ics_stmt *st, int index, int64_t value);
    int (*bind_text)(struct ics_stmt *st, int index, const char *text, size_t len, int copy);
    int (*bind_null)(struct ics_stmt *st, int index);
    int (*step)(struct ics_stmt *st, struct ics_error *err);
    int64_t (*column_int64)(struct ics_stmt *st, int col);
    const char *(*column_text)(struct ics_stmt *st, int col, size_t *len);
    int (*column_is_null)(struct ics_stmt *st, int col);
    int (*column_count)(struct ics_stmt *st);
    const char *(*column_name)(struct ics_stmt *st, int col);
    void (*reset)(struct ics_stmt *st);
    void (*clear_bindings)(struct ics_stmt *st);
    void (*finalize)(struct ics_stmt *st);
    /* Bulk loads: start (b->backend may be set), write b->rows buffered rows,
     * finish (ok = 0: abandon; always frees b->backend). */
    int (*bulk_start)(struct ics_bulk *b, struct ics_error *err);
    int (*bulk_write)(struct ics_bulk *b, struct ics_error *err);
    int (*bulk_finish)(struct ics_bulk *b, int ok, struct ics_error *err);
};

/* The backends' opens: path is the file or the URL; flags as ics_store_open. */
int icsi_store_sqlite_open(const char *path, int flags, struct ics_store **out, struct ics_error *err);
int icsi_store_pg_open(const char *url, int flags, struct ics_store **out, struct ics_error *err);
const char *icsi_store_sqlite_version(char *buf, size_t size);

/* The oldest schema version a reader that cannot migrate can still read. */
int icsi_store_oldest_readable_version(void);

/* A buffered value's text (valid until the next bulk row is added). */
static inline const char *icsi_store_bulk_text(const struct ics_bulk *b, const struct store_value *v)
{
    return b->text + v->offset;
}

#endif
