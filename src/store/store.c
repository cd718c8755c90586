/*
 * The storage interface (include/ics/store.h): picks the backend from the
 * name (a postgresql:// URL or a file path), hands each call on to it, and
 * holds what every backend shares: the migration runner and the bulk
 * loader's row buffer.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"

int ics_store_is_url(const char *name)
{
    return name && (strncmp(name, "postgresql://", 13) == 0 || strncmp(name, "postgres://", 11) == 0);
}

int ics_store_open(const char *name, int flags, struct ics_store **out, struct ics_error *err)
{
    *out = NULL;
    if (!name || !*name)
        return ics_error_set(err, ICS_ERR_USAGE, "no database named");
    if ((flags & ICS_STORE_READ_ONLY) && (flags & ICS_STORE_CREATE))
        return ics_error_set(err, ICS_ERR_INTERNAL, "a store opened read-only cannot be created");
    if (ics_store_is_url(name))
        return icsi_store_pg_open(name, flags, out, err);
    return icsi_store_sqlite_open(name, flags, out, err);
}

void ics_store_close(struct ics_store *s)
{
    if (s)
        s->ops->close(s);
}

const char *ics_store_name(const struct ics_store *s)
{
    return s->name;
}

const char *ics_store_backend(struct ics_store *s, char *buf, size_t size)
{
    if (!s)
        return icsi_store_sqlite_version(buf, size);
    return s->ops->describe(s, buf, size);
}

int ics_store_is_postgres(const struct ics_store *s)
{
    return s->ops->dialect == STORE_POSTGRES;
}

void ics_store_set_busy_timeout(struct ics_store *s, int ms)
{
    s->ops->set_busy_timeout(s, ms);
}

int ics_store_begin_write(struct ics_store *s, struct ics_error *err)
{
    return s->ops->begin_write(s, err);
}

int ics_store_begin_read(struct ics_store *s, struct ics_error *err)
{
    return s->ops->begin_read(s, err);
}

int ics_store_commit(struct ics_store *s, struct ics_error *err)
{
    return s->ops->commit(s, err);
}

void ics_store_rollback(struct ics_store *s)
{
    s->ops->rollback(s);
}

int ics_store_exec(struct ics_store *s, const char *sql, struct ics_error *err)
{
    return s->ops->exec(s, sql, err);
}

int ics_store_check(struct ics_store *s, struct ics_error *err)
{
    return s->ops->check(s, err);
}

int ics_store_prepare(struct ics_store *s, const char *sql, struct ics_stmt **out, struct ics_error *err)
{
    *out = NULL;
    return s->ops->prepare(s, sql, out, err);
}

int ics_stmt_bind_int64(struct ics_stmt *st, int index, int64_t value)
{
    return st->store->ops->bind_int64(st, index, value);
}

int ics_stmt_bind_text(struct ics_stmt *st, int index, const char *text, size_t len)
{
    if (!text)
        return ics_stmt_bind_null(st, index);
    return st->store->ops->bind_text(st, index, text, len, 1);
}

int ics_stmt_bind_text_ref(struct ics_stmt *st, int index, const char *text, size_t len)
{
    if (!text)
        return ics_stmt_bind_null(st, index);
    return st->store->ops->bind_text(st, index, text, len, 0);
}

int ics_stmt_bind_str(struct ics_stmt *st, int index, const char *text)
{
    return text ? ics_stmt_bind_text(st, index, text, strlen(text)) : ics_stmt_bind_null(st, index);
}

int ics_stmt_bind_null(struct ics_stmt *st, int index)
{
    return st->store->ops->bind_null(st, index);
}

int ics_stmt_step(struct ics_stmt *st, struct ics_error *err)
{
    return st->store->ops->step(st, err);
}

int64_t ics_stmt_column_int64(struct ics_stmt *st, int col)
{
    return st->store->ops->column_int64(st, col);
}

const char *ics_stmt_column_text(struct ics_stmt *st, int col, size_t *len)
{
    return st->store->ops->column_text(st, col, len);
}

int ics_stmt_column_is_null(struct ics_stmt *st, int col)
{
    return st->store->ops->column_is_null(st, col);
}

int ics_stmt_column_count(struct ics_stmt *st)
{
    return st->store->ops->column_count(st);
}

const char *ics_stmt_column_name(struct ics_stmt *st, int col)
{
    return st->store->ops->column_name(st, col);
}

void ics_stmt_reset(struct ics_stmt *st)
{
    st->store->ops->reset(st);
}

void ics_stmt_clear_bindings(struct ics_stmt *st)
{
    st->store->ops->clear_bindings(st);
}

void ics_stmt_finalize(struct ics_stmt *st)
{
    if (st)
        st->store->ops->finalize(st);
}

/* ---- migrations ------------------------------------------------------------ */

int ics_store_latest_version(void)
{
    return icsi_store_migrations[icsi_store_migration_count - 1].version;
}

int icsi_store_oldest_readable_version(void)
{
    int v = 0;
    for (int m = 0; m < icsi_store_migration_count; m++)
        if (!icsi_store_migrations[m].readers_may_skip)
            v = icsi_store_migrations[m].version;
    return v;
}

int ics_store_schema_version(struct ics_store *s, int *version, struct ics_error *err)
{
    int exists = 0, rc = s->ops->table_exists(s, "schema_migration", &exists, err);
    if (rc)
        return rc;
    *version = 0;
    if (!exists)
        return ICS_OK;
    struct ics_stmt *st;
    rc = ics_store_prepare(s, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", &st, err);
    if (rc)
        return rc;
    rc = ics_stmt_step(st, err);
    if (rc == 1) {
        *version = (int)ics_stmt_column_int64(st, 0);
        rc = ICS_OK;
    } else if (rc == 0) {
        rc = ics_error_set(err, ICS_ERR_STORE, "%s: reading the schema version: no row", s->name);
    }
    ics_stmt_finalize(st);
    return rc;
}

static void utc_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int record_migration(struct ics_store *s, const struct store_migration *mig, struct ics_error *err)
{
    char at[32];
    utc_now(at, sizeof at);
    struct ics_stmt *ins;
    int rc = ics_store_prepare(s, "INSERT INTO schema_migration (version, description, applied_at) VALUES (?, ?, ?)",
                               &ins, err);
    if (rc)
        return rc;
    ics_stmt_bind_int64(ins, 1, mig->version);
    ics_stmt_bind_str(ins, 2, mig->description);
    ics_stmt_bind_str(ins, 3, at);
    int step = ics_stmt_step(ins, err);
    ics_stmt_finalize(ins);
    return step == 0 ? ICS_OK : step;
}

int ics_store_migrate(struct ics_store *s, int *from, int *to, struct ics_error *err)
{
    int rc = ics_store_begin_write(s, err);
    if (rc)
        return rc;
    int version = 0;
    rc = s->ops->create_migration_table(s, err);
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
        return ics_error_set(err, ICS_ERR_STORE, "%s: schema version %d is newer than this ics (%d)", s->name,
                             version, ics_store_latest_version());
    for (int m = 0; m < icsi_store_migration_count; m++) {
        const struct store_migration *mig = &icsi_store_migrations[m];
        if (mig->version <= version)
            continue;
        /* Each migration in its own transaction; the version is read again
         * inside it, in case another process migrated meanwhile. */
        rc = ics_store_begin_write(s, err);
        if (rc)
            return rc;
        int now_version;
        rc = ics_store_schema_version(s, &now_version, err);
        if (!rc && now_version < mig->version) {
            for (const struct store_statement *st = mig->statements; !rc && st->sql; st++)
                if (st->dialect == STORE_ANY || st->dialect == s->ops->dialect)
                    rc = s->ops->migration_statement(s, st->sql, err);
            if (!rc)
                rc = record_migration(s, mig, err);
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

int ics_store_set_tenant(struct ics_store *s, const char *org, const char *scope, struct ics_error *err)
{
    return s->ops->set_tenant(s, org, scope, err);
}

int ics_store_grant_runtime(struct ics_store *s, const char *role, struct ics_error *err)
{
    return s->ops->grant_runtime(s, role, err);
}

/* ---- bulk loads --------------------------------------------------------------- */

int ics_store_bulk_begin(struct ics_store *s, const char *table, const char *columns, int ncols,
                         struct ics_bulk **out, struct ics_error *err)
{
    *out = NULL;
    if (ncols <= 0 || strlen(table) >= sizeof((struct ics_bulk *)0)->table ||
        strlen(columns) >= sizeof((struct ics_bulk *)0)->columns)
        return ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: bad table or columns", table);
    struct ics_bulk *b = ics_calloc(1, sizeof *b);
    if (!b)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    b->store = s;
    b->ncols = ncols;
    snprintf(b->table, sizeof b->table, "%s", table);
    snprintf(b->columns, sizeof b->columns, "%s", columns);
    b->values = ics_calloc((size_t)ncols * STORE_BULK_ROWS, sizeof *b->values);
    b->text_cap = 4096;
    b->text = ics_malloc(b->text_cap);
    int rc = b->values && b->text ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = s->ops->bulk_start(b, err);
    if (rc) {
        ics_free(b->values);
        ics_free(b->text);
        ics_free(b);
        return rc;
    }
    *out = b;
    return ICS_OK;
}

static struct store_value *next_value(struct ics_bulk *b)
{
    if (b->col >= b->ncols) {
        b->failed = ICS_ERR_INTERNAL;
        return NULL;
    }
    struct store_value *v = &b->values[(size_t)b->rows * (size_t)b->ncols + (size_t)b->col++];
    memset(v, 0, sizeof *v);
    return v;
}

void ics_bulk_int64(struct ics_bulk *b, int64_t value)
{
    struct store_value *v = next_value(b);
    if (v)
        v->number = value;
}

void ics_bulk_text(struct ics_bulk *b, const char *text, size_t len)
{
    struct store_value *v = next_value(b);
    if (!v)
        return;
    if (!text) {
        v->is_null = 1;
        return;
    }
    v->is_text = 1;
    if (b->text_len + len + 1 > b->text_cap) {
        size_t cap = b->text_cap;
        while (b->text_len + len + 1 > cap)
            cap *= 2;
        char *t = ics_realloc(b->text, cap);
        if (!t) {
            b->failed = ICS_ERR_NOMEM;
            v->is_text = 0;
            v->is_null = 1;
            return;
        }
        b->text = t;
        b->text_cap = cap;
    }
    memcpy(b->text + b->text_len, text, len);
    b->text[b->text_len + len] = '\0';
    v->offset = b->text_len;
    v->len = len;
    b->text_len += len + 1;
}

void ics_bulk_null(struct ics_bulk *b)
{
    ics_bulk_text(b, NULL, 0);
}

static int bulk_flush(struct ics_bulk *b, struct ics_error *err)
{
    if (b->rows == 0)
        return ICS_OK;
    int rc = b->store->ops->bulk_write(b, err);
    b->rows = 0;
    b->text_len = 0;
    return rc;
}

int ics_bulk_end_row(struct ics_bulk *b, struct ics_error *err)
{
    if (b->failed == ICS_ERR_NOMEM)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (b->failed || b->col != b->ncols)
        return ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: a row of %d values where %d are needed",
                             b->table, b->col, b->ncols);
    b->col = 0;
    b->rows++;
    return b->rows == STORE_BULK_ROWS ? bulk_flush(b, err) : ICS_OK;
}

int ics_bulk_finish(struct ics_bulk *b, int ok, struct ics_error *err)
{
    if (!b)
        return ICS_OK;
    int rc = ICS_OK;
    if (ok && b->col != 0)
        rc = ics_error_set(err, ICS_ERR_INTERNAL, "bulk load into %s: a row left unfinished", b->table);
    if (ok && !rc)
        rc = bulk_flush(b, err);
    struct ics_error ignored;
    int finish = b->store->ops->bulk_finish(b, ok && !rc, rc || !ok ? &ignored : err);
    if (!rc && ok)
        rc = finish;
    ics_free(b->values);
    ics_free(b->text);
    ics_free(b);
    return rc;
}
