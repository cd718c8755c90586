/*
 * Unit tests of the store: opening, migrations, STRICT tables and foreign
 * keys, a failed bind, and allocation failures reaching inside SQLite (its
 * allocator is ics_malloc) through a whole small ledger run. Expected values
 * are worked by hand in the comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ics/ledger.h"
#include "ics/store.h"

static char tmpdir[64];

static void write_file(const char *name, const char *text, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void remove_db(const char *p)
{
    char x[200];
    unlink(p);
    snprintf(x, sizeof x, "%s-wal", p);
    unlink(x);
    snprintf(x, sizeof x, "%s-shm", p);
    unlink(x);
}

/* Three receivables of RJ1 from RVR: 1500 + 700 + 300 = 2,500.00. */
static const char *rj1_file =
    "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
    "RVR,receivable,G-100,2018-12-01,1500.00,\n"
    "RVR,receivable,G-101,2019-01-01,700.00,\n"
    "RVR,receivable,G-102,2019-02-01,300.00,\n";

/* Out of memory in ics or inside SQLite: an error, never a crash or a leak. */
static int nomem_or_store(int rc)
{
    return rc == ICS_ERR_NOMEM || rc == ICS_ERR_STORE;
}

static void test_store(void)
{
    struct ics_store *s;
    struct ics_error err;
    char path[160];
    snprintf(path, sizeof path, "%s/missing.db", tmpdir);
    CHECK_INT(ics_store_open(path, 0, &s, &err), ICS_ERR_NOT_FOUND);
    struct ics_ledger *l;
    CHECK_INT(ics_ledger_open(path, 0, &l, &err), ICS_ERR_NOT_FOUND);
    CHECK_INT(access(path, F_OK), -1);   /* not created */
    /* A file that is not a database. */
    char junk[160];
    write_file("junk.db", "this is not a database, just some text that is long enough to fill a header...........",
               junk, sizeof junk);
    CHECK(ics_ledger_open(junk, 0, &l, &err) != ICS_OK);
    /* Migrations: a new store is at the latest version; reopening changes nothing. */
    CHECK_INT(ics_store_open(path, ICS_STORE_CREATE, &s, &err), ICS_OK);
    int v = -1;
    CHECK_INT(ics_store_schema_version(s, &v, &err), ICS_OK);
    CHECK_INT(v, 0);
    int from = -1, to = -1;
    CHECK_INT(ics_store_migrate(s, &from, &to, &err), ICS_OK);
    CHECK_INT(from, 0);
    CHECK_INT(to, ics_store_latest_version());
    CHECK_INT(ics_store_migrate(s, &from, &to, &err), ICS_OK);
    CHECK_INT(from, to);
    /* STRICT tables refuse text in an INTEGER column, as PostgreSQL would. */
    CHECK_INT(ics_store_exec(s, "INSERT INTO stage_deadline (stage, working_days) VALUES ('x', 'ten')", &err),
              ICS_ERR_CONFLICT);   /* SQLITE_CONSTRAINT_DATATYPE */
    CHECK_INT(ics_store_exec(s, "INSERT INTO stage_deadline (stage, working_days) VALUES ('x', 0)", &err),
              ICS_ERR_CONFLICT);   /* CHECK (working_days > 0) */
    /* Foreign keys are on. */
    CHECK_INT(ics_store_exec(s, "INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount)"
                                " VALUES (1, 42, 2, 'A', 'income', 5)", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_check(s, &err), ICS_OK);
    /* A failed bind (parameter 3 of a statement with 2) is not lost: the step
     * refuses to run and says which parameter; afterwards the statement runs. */
    struct ics_stmt *st;
    CHECK_INT(ics_store_prepare(s, "INSERT INTO stage_deadline (stage, working_days) VALUES (?, ?)", &st, &err),
              ICS_OK);
    CHECK_INT(ics_stmt_bind_str(st, 1, "x"), ICS_OK);
    CHECK_INT(ics_stmt_bind_int64(st, 3, 10), ICS_ERR_STORE);
    CHECK_INT(ics_stmt_bind_int64(st, 2, 12), ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), ICS_ERR_STORE);
    CHECK(strstr(err.message, "binding parameter 3") != NULL);
    CHECK_INT(ics_stmt_step(st, &err), 0);
    ics_stmt_finalize(st);
    int64_t days = 0;
    CHECK_INT(ics_store_prepare(s, "SELECT COUNT(*) FROM stage_deadline WHERE stage = 'x' AND working_days = 12", &st, &err),
              ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), 1);
    days = ics_stmt_column_int64(st, 0);
    CHECK_INT(days, 1);
    ics_stmt_finalize(st);
    /* A newer schema than this build is refused. */
    CHECK_INT(ics_store_exec(s, "INSERT INTO schema_migration VALUES (999, 'future', 'now')", &err), ICS_OK);
    ics_store_close(s);
    CHECK_INT(ics_store_open(path, ICS_STORE_MIGRATE, &s, &err), ICS_ERR_STORE);
    remove_db(path);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[8192];
    size_t n;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
}

static int64_t count_rows(struct ics_store *s, const char *sql)
{
    struct ics_error err;
    struct ics_stmt *st;
    int64_t n = -1;
    if (ics_store_prepare(s, sql, &st, &err) != ICS_OK)
        return -1;
    if (ics_stmt_step(st, &err) == 1)
        n = ics_stmt_column_int64(st, 0);
    ics_stmt_finalize(st);
    return n;
}

/* A schema-1 store, as an older ics left it: without line_by_submission. */
static void make_version_1(const char *path)
{
    struct ics_store *s;
    struct ics_error err;
    remove_db(path);
    CHECK_INT(ics_store_open(path, ICS_STORE_CREATE | ICS_STORE_MIGRATE, &s, &err), ICS_OK);
    /* Undo migrations 10 (sessions), 9 (exercises) (11 drops nothing on SQLite), 6 (adjustments), 5 (events), 4 (tenants), 3 (identities) and 2 (the index), newest first. */
    CHECK_INT(ics_store_exec(s, "DROP TABLE login_failure; DROP TABLE app_session; DROP TABLE explanation; DROP TABLE exercise_org; DROP TABLE exercise_deadline; DROP TABLE exercise;"
                                " DROP TABLE adjustment; DROP TABLE id_counter; DROP TABLE audit_head; ALTER TABLE line_group DROP COLUMN org;"
                                " DROP TABLE api_token; DROP TABLE app_user; DROP TABLE organisation;"
                                " ALTER TABLE audit DROP COLUMN acting_user; ALTER TABLE audit DROP COLUMN event; DROP INDEX line_by_submission;"
                                " DELETE FROM schema_migration WHERE version >= 2", &err),
              ICS_OK);
    ics_store_close(s);
}

/* Migrations 2 (the index of lines by submission) and 3 (identities) reach an existing store
 * on open, and a read-only open by a user who may write brings it up to date
 * too, then refuses writes. */
static void test_upgrade(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/v1.db", tmpdir);
    make_version_1(path);
    struct ics_store *s;
    struct ics_error err;
    CHECK_INT(ics_store_open(path, 0, &s, &err), ICS_ERR_STORE);   /* behind, and not asked to migrate */
    CHECK(strstr(err.message, "schema version 1, this ics needs 11") != NULL);
    CHECK_INT(ics_store_open(path, ICS_STORE_READ_ONLY | ICS_STORE_CREATE, &s, &err), ICS_ERR_INTERNAL);
    CHECK_INT(ics_store_open(path, ICS_STORE_READ_ONLY | ICS_STORE_MIGRATE, &s, &err), ICS_OK);
    int v = 0;
    CHECK_INT(ics_store_schema_version(s, &v, &err), ICS_OK);
    CHECK_INT(v, 11);
    CHECK_INT(count_rows(s, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'line_by_submission'"),
              1);
    CHECK_INT(ics_store_exec(s, "INSERT INTO stage_deadline (stage, working_days) VALUES ('y', 3)", &err),
              ICS_ERR_STORE);
    ics_store_close(s);
    make_version_1(path);
    struct ics_ledger *l;
    CHECK_INT(ics_ledger_open(path, 0, &l, &err), ICS_OK);   /* what submit and dispute do */
    CHECK_INT(ics_store_schema_version(ics_ledger_store(l), &v, &err), ICS_OK);
    CHECK_INT(v, 11);
    ics_ledger_close(l);
    remove_db(path);
}

/* In a child that has become user nobody: opens `path` read-only and exits 0
 * when the status is `want` and, on success, table stage_deadline has
 * `rows` rows and a write is refused (1 otherwise, 2 if it could not drop
 * privileges). With `message`, the error must contain it. */
static int as_reader(const char *path, int want, int64_t rows, const char *message)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        struct ics_store *s = NULL;
        struct ics_error err;
        ics_error_clear(&err);
        int rc = ics_store_open(path, ICS_STORE_READ_ONLY | ICS_STORE_MIGRATE, &s, &err);
        int ok = rc == want && (!message || strstr(err.message, message));
        if (!rc) {
            ok = ok && count_rows(s, "SELECT COUNT(*) FROM stage_deadline") == rows;
            ok = ok && ics_store_exec(s, "DELETE FROM stage_deadline", &err) == ICS_ERR_STORE;
            ics_store_close(s);
        }
        if (!ok)
            fprintf(stderr, "reader: status %d (wanted %d): %s\n", rc, want, err.message);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* A user who may read the database but not write it, in a directory it may
 * not write: (a) a cleanly closed database (no -wal, no -shm) is read as
 * immutable, even at schema 1 (migration 2 is an index readers may skip),
 * and nothing is created beside it; (b) a copy taken while a writer had it
 * open, -wal and -shm included, is read through them and shows the commit
 * still in the log; (c) the same without the -shm cannot be read. Needs root
 * to become nobody; skipped otherwise. */
static void test_read_only_user(void)
{
    if (getuid() != 0) {
        fprintf(stderr, "test_read_only_user: not root, skipped\n");
        return;
    }
    char dir[160], path[200], x[220], y[220];
    snprintf(dir, sizeof dir, "%s/ro", tmpdir);
    CHECK_INT(mkdir(dir, 0755), 0);
    CHECK_INT(chmod(tmpdir, 0755), 0);
    snprintf(path, sizeof path, "%s/a.db", dir);
    make_version_1(path);
    CHECK_INT(chmod(path, 0444), 0);
    CHECK_INT(chmod(dir, 0555), 0);
    CHECK_INT(as_reader(path, ICS_OK, 4, NULL), 0);   /* the 4 stage deadlines of migration 1 */
    snprintf(x, sizeof x, "%s-shm", path);
    CHECK_INT(access(x, F_OK), -1);
    snprintf(x, sizeof x, "%s-wal", path);
    CHECK_INT(access(x, F_OK), -1);
    /* A writer holds b.db open with a fifth deadline committed to the log. */
    CHECK_INT(chmod(dir, 0755), 0);
    char live[200];
    snprintf(live, sizeof live, "%s/live.db", tmpdir);
    remove_db(live);
    struct ics_store *w;
    struct ics_error err;
    CHECK_INT(ics_store_open(live, ICS_STORE_CREATE | ICS_STORE_MIGRATE, &w, &err), ICS_OK);
    CHECK_INT(ics_store_exec(w, "INSERT INTO stage_deadline (stage, working_days) VALUES ('x', 5)", &err), ICS_OK);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(x, sizeof x, "%s%s", live, suffix[i]);
        snprintf(y, sizeof y, "%s/b.db%s", dir, suffix[i]);
        copy_file(x, y);
        CHECK_INT(chmod(y, 0444), 0);
        if (i < 2) {   /* c.db: the database and its log, without the -shm */
            snprintf(y, sizeof y, "%s/c.db%s", dir, suffix[i]);
            copy_file(x, y);
            CHECK_INT(chmod(y, 0444), 0);
        }
    }
    ics_store_close(w);
    remove_db(live);
    CHECK_INT(chmod(dir, 0555), 0);
    snprintf(path, sizeof path, "%s/b.db", dir);
    CHECK_INT(as_reader(path, ICS_OK, 5, NULL), 0);
    snprintf(path, sizeof path, "%s/c.db", dir);
    CHECK_INT(as_reader(path, ICS_ERR_STORE, 0, "write-ahead log"), 0);
    CHECK_INT(chmod(dir, 0755), 0);
}

/* The Nth allocation fails, for N = 0, 1, 2 ... through a whole small run:
 * create the store (SQLite's own start-up, the migrations), submit a file,
 * match. Each run either succeeds or fails with ICS_ERR_NOMEM or
 * ICS_ERR_STORE; ASan's leak checker sees any leak at exit. Some failures are
 * survived (SQLite runs without its lookaside buffer; the submission hash
 * without its buffer), so a success only ends the loop when the armed failure
 * was never reached. */
static void test_alloc_failures_whole_run(void)
{
    char csv[160], db[160];
    write_file("whole.csv", rj1_file, csv, sizeof csv);
    /* Four thousand small databases: in memory-backed /dev/shm where there is one, for speed. */
    if (access("/dev/shm", W_OK) == 0)
        snprintf(db, sizeof db, "/dev/shm/ics_test_ledger_%ld.db", (long)getpid());
    else
        snprintf(db, sizeof db, "%s/whole.db", tmpdir);
    int done = 0, failures = 0, survived = 0, bad = 0;
    for (long n = 0; n < 100000 && !done; n++) {
        remove_db(db);
        struct ics_error err;
        ics_error_clear(&err);
        struct ics_ledger *l = NULL;
        struct ics_ledger_match *m = NULL;
        struct ics_ledger_submit_options o;
        ics_ledger_submit_options_init(&o);
        o.org = "RJ1";
        o.period = "2018-19-M12";
        o.at = "2019-04-05T10:00:00Z";
        struct ics_ledger_submit_result res;
        ics_alloc_fail_after(n);
        int rc = ics_ledger_open(db, 1, &l, &err);
        if (!rc)
            rc = ics_ledger_submit(l, csv, &o, &res, &err);
        if (!rc)
            rc = ics_ledger_match(l, "2018-19-M12", NULL, &m, &err);
        int reached = ics_alloc_fail_pending() < 0;
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK) {
            CHECK_INT(res.lines, 3);
            CHECK_INT(ics_ledger_match_count(m), 1);   /* RJ1 -> RVR rp; RVR has not submitted */
            survived += reached;
            done = !reached;
        } else if (nomem_or_store(rc)) {
            failures++;
        } else if (bad++ < 5) {
            fprintf(stderr, "allocation %ld failed: status %d: %s\n", n, rc, err.message);
        }
        ics_ledger_match_free(m);
        ics_ledger_close(l);
    }
    remove_db(db);
    CHECK(done);
    CHECK_INT(bad, 0);
    /* SQLite's allocations are counted: opening and migrating alone take dozens. */
    CHECK(failures > 50);
    if (getenv("ICS_TEST_VERBOSE"))
        fprintf(stderr, "whole run: %d failed, %d survived\n", failures, survived);
}

/* ---- PostgreSQL ------------------------------------------------------------ */

/* The owner's URL of the test cluster with its database replaced by `db`. */
static void pg_url(const char *owner_url, const char *db, char *out, size_t size)
{
    const char *slash = strrchr(owner_url, '/');
    snprintf(out, size, "%.*s/%s", (int)(slash - owner_url), owner_url, db);
}

static int64_t query_int(struct ics_store *s, const char *sql)
{
    struct ics_stmt *st;
    struct ics_error err;
    int64_t v = -1;
    if (ics_store_prepare(s, sql, &st, &err) != ICS_OK)
        return -2;
    if (ics_stmt_step(st, &err) == 1)
        v = ics_stmt_column_int64(st, 0);
    ics_stmt_finalize(st);
    return v;
}

static void test_postgres(void)
{
    const char *owner = getenv("ICS_PG_OWNER_URL");
    CHECK(owner && *owner);   /* tests/run.sh starts the cluster; without it this half cannot run */
    if (!owner || !*owner)
        return;
    struct ics_store *s, *admin;
    struct ics_error err;
    char url[600], sql[200];
    /* A database that does not exist: not found, and the message never shows the password. */
    pg_url(owner, "no_such_database", url, sizeof url);
    CHECK_INT(ics_store_open(url, ICS_STORE_MIGRATE, &s, &err), ICS_ERR_NOT_FOUND);
    const char *pw = strchr(owner + strlen("postgresql://"), ':') + 1;
    char secret[64];
    snprintf(secret, sizeof secret, "%.*s", (int)(strchr(pw, '@') - pw), pw);
    CHECK(strlen(secret) == 32 && strstr(err.message, secret) == NULL);
    CHECK(strstr(err.message, "postgresql://ics_owner:...@127.0.0.1:") != NULL);

    CHECK_INT(ics_store_open(owner, ICS_STORE_CREATE | ICS_STORE_AS_OWNER, &admin, &err), ICS_OK);
    snprintf(sql, sizeof sql, "CREATE DATABASE unit_store_%d TEMPLATE template0", (int)getpid());
    CHECK_INT(ics_store_exec(admin, sql, &err), ICS_OK);
    snprintf(sql, sizeof sql, "unit_store_%d", (int)getpid());
    pg_url(owner, sql, url, sizeof url);
    /* Migrations: a new store is at the latest version, and INTEGER is 64-bit. */
    /* The owner is refused unless it says it is the owner (migrations, the first admin). */
    CHECK_INT(ics_store_open(url, ICS_STORE_MIGRATE | ICS_STORE_AS_OWNER, &s, &err), ICS_OK);
    CHECK(ics_store_is_postgres(s));
    CHECK_INT(ics_store_set_tenant(s, NULL, "all", &err), ICS_OK);
    struct ics_store *refused = NULL;
    CHECK_INT(ics_store_open(url, 0, &refused, &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "owns the tables") != NULL);
    int v = -1;
    CHECK_INT(ics_store_schema_version(s, &v, &err), ICS_OK);
    CHECK_INT(v, ics_store_latest_version());
    char backend[80];
    CHECK(strncmp(ics_store_backend(s, backend, sizeof backend), "postgresql 15.", 14) == 0);
    CHECK_INT(ics_store_exec(s, "INSERT INTO submission VALUES (1, 'RJ1', '2018-19-M12', 1, 1, 'f', 'h',"
                                " 2, 'now', 'me')", &err), ICS_OK);
    /* 2^62 pence fits in BIGINT; in PostgreSQL's INTEGER it would not. */
    CHECK_INT(ics_store_exec(s, "INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount)"
                                " VALUES (1, 1, 2, 'A', 'income', 4611686018427387904)", &err), ICS_OK);
    CHECK(query_int(s, "SELECT amount FROM line WHERE id = 1") == INT64_C(4611686018427387904));
    /* Constraints, foreign keys and the CHECKs are conflicts, as on SQLite. */
    CHECK_INT(ics_store_exec(s, "INSERT INTO stage_deadline (stage, working_days) VALUES ('x', 0)", &err),
              ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(s, "INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount)"
                                " VALUES (2, 42, 2, 'A', 'income', 5)", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(s, "INSERT INTO audit VALUES (1, 'now', 'me', 'a', 's', 'd', 'p', 'h')", &err), ICS_OK);
    CHECK_INT(ics_store_exec(s, "UPDATE audit SET detail = 'x'", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(s, "DELETE FROM audit", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(s, "TRUNCATE audit", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_check(s, &err), ICS_OK);
    /* A failed bind is reported by the step, as on SQLite; ? inside quotes is not a parameter. */
    struct ics_stmt *st;
    CHECK_INT(ics_store_prepare(s, "INSERT INTO stage_deadline (stage, working_days) VALUES (? || '?', ?)", &st, &err),
              ICS_OK);
    CHECK_INT(ics_stmt_bind_str(st, 1, "x"), ICS_OK);
    CHECK_INT(ics_stmt_bind_int64(st, 3, 10), ICS_ERR_STORE);
    CHECK_INT(ics_stmt_bind_int64(st, 2, 12), ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), ICS_ERR_STORE);
    CHECK(strstr(err.message, "binding parameter 3") != NULL);
    CHECK_INT(ics_stmt_step(st, &err), 0);
    ics_stmt_finalize(st);
    CHECK(query_int(s, "SELECT working_days FROM stage_deadline WHERE stage = 'x?'") == 12);
    /* Two statements stepped in turn, as the match does. */
    struct ics_stmt *a, *b;
    CHECK_INT(ics_store_prepare(s, "SELECT stage FROM stage_deadline ORDER BY stage", &a, &err), ICS_OK);
    CHECK_INT(ics_store_prepare(s, "SELECT working_days FROM stage_deadline WHERE stage = ?", &b, &err), ICS_OK);
    int64_t total = 0;
    while (ics_stmt_step(a, &err) == 1) {
        ics_stmt_bind_str(b, 1, ics_stmt_column_text(a, 0, NULL));
        if (ics_stmt_step(b, &err) == 1)
            total += ics_stmt_column_int64(b, 0);
        ics_stmt_reset(b);
    }
    ics_stmt_finalize(a);
    ics_stmt_finalize(b);
    CHECK(total == 15 + 10 + 20 + 20 + 12);   /* the four stages of migration 1, and 'x?' */
    /* A bulk load: text with a tab, a newline, a backslash and \N survives COPY's
     * escaping; NULL stays NULL; 70 rows cross two batches of 32. */
    CHECK_INT(ics_store_begin_write(s, &err), ICS_OK);
    struct ics_bulk *bulk;
    CHECK_INT(ics_store_bulk_begin(s, "line", "id, submission_id, line_no, counterparty, kind, invoice_ref, amount, note",
                                   8, &bulk, &err), ICS_OK);
    static const char odd[] = "a\tb\nc\\d \\N e\r";
    int rc = ICS_OK;
    for (int i = 0; i < 70 && !rc; i++) {
        ics_bulk_int64(bulk, 100 + i);
        ics_bulk_int64(bulk, 1);
        ics_bulk_int64(bulk, i + 2);
        ics_bulk_text(bulk, "RVR", 3);
        ics_bulk_text(bulk, "receivable", 10);
        if (i % 2)
            ics_bulk_null(bulk);
        else
            ics_bulk_text(bulk, odd, sizeof odd - 1);
        ics_bulk_int64(bulk, -i);
        ics_bulk_text(bulk, "\\N", 2);
        rc = ics_bulk_end_row(bulk, &err);
    }
    CHECK_INT(rc, ICS_OK);
    CHECK_INT(ics_bulk_finish(bulk, 1, &err), ICS_OK);
    CHECK_INT(ics_store_commit(s, &err), ICS_OK);
    CHECK(query_int(s, "SELECT COUNT(*) FROM line WHERE id >= 100") == 70);
    CHECK(query_int(s, "SELECT SUM(amount) FROM line WHERE id >= 100") == -(69 * 70 / 2));   /* 0 + -1 ... + -69 */
    CHECK(query_int(s, "SELECT COUNT(*) FROM line WHERE id >= 100 AND invoice_ref IS NULL") == 35);
    CHECK(query_int(s, "SELECT COUNT(*) FROM line WHERE invoice_ref = 'a' || chr(9) || 'b' || chr(10) || 'c'"
                       " || chr(92) || 'd ' || chr(92) || 'N e' || chr(13)") == 35);
    CHECK(query_int(s, "SELECT COUNT(*) FROM line WHERE note = chr(92) || 'N'") == 70);
    /* A bulk load that breaks a constraint fails at the end and leaves nothing. */
    CHECK_INT(ics_store_begin_write(s, &err), ICS_OK);
    CHECK_INT(ics_store_bulk_begin(s, "line", "id, submission_id, line_no, counterparty, kind, amount", 6, &bulk, &err),
              ICS_OK);
    for (int i = 0; i < 3; i++) {
        ics_bulk_int64(bulk, 200 + i);
        ics_bulk_int64(bulk, 1);
        ics_bulk_int64(bulk, 2);
        ics_bulk_text(bulk, "RVR", 3);
        ics_bulk_text(bulk, i == 2 ? "gift" : "income", i == 2 ? 4 : 6);
        ics_bulk_int64(bulk, 1);
        CHECK_INT(ics_bulk_end_row(bulk, &err), ICS_OK);
    }
    CHECK_INT(ics_bulk_finish(bulk, 1, &err), ICS_ERR_CONFLICT);
    /* COMMIT of the failed transaction is an error, not a silent rollback. */
    CHECK_INT(ics_store_commit(s, &err), ICS_ERR_STORE);
    CHECK(strstr(err.message, "rolled back") != NULL);
    ics_store_rollback(s);
    CHECK(query_int(s, "SELECT COUNT(*) FROM line WHERE id >= 200") == 0);
    /* A table without row-level security is loaded by COPY: the same escaping, and NULL stays NULL. */
    CHECK_INT(ics_store_begin_write(s, &err), ICS_OK);
    CHECK_INT(ics_store_bulk_begin(s, "stage_deadline", "stage, working_days", 2, &bulk, &err), ICS_OK);
    for (int i = 0; i < 40; i++) {
        char stage[16];
        int n = snprintf(stage, sizeof stage, "copy %d", i);
        if (i == 7)
            ics_bulk_text(bulk, odd, sizeof odd - 1);
        else
            ics_bulk_text(bulk, stage, (size_t)n);
        ics_bulk_int64(bulk, 100 + i);
        CHECK_INT(ics_bulk_end_row(bulk, &err), ICS_OK);
    }
    CHECK_INT(ics_bulk_finish(bulk, 1, &err), ICS_OK);
    CHECK_INT(ics_store_commit(s, &err), ICS_OK);
    CHECK(query_int(s, "SELECT COUNT(*) FROM stage_deadline WHERE working_days >= 100") == 40);
    CHECK(query_int(s, "SELECT working_days FROM stage_deadline WHERE stage = 'a' || chr(9) || 'b' || chr(10) || 'c'"
                       " || chr(92) || 'd ' || chr(92) || 'N e' || chr(13)") == 107);
    CHECK_INT(ics_store_exec(s, "DELETE FROM stage_deadline WHERE working_days >= 100", &err), ICS_OK);
    /* Writers queue: a second write transaction waits for the first, here
     * until the lock timeout (100 ms), and fails rather than run alongside. */
    struct ics_store *other;
    CHECK_INT(ics_store_open(url, ICS_STORE_AS_OWNER, &other, &err), ICS_OK);
    ics_store_set_busy_timeout(other, 100);
    CHECK_INT(ics_store_begin_write(s, &err), ICS_OK);
    CHECK(ics_store_begin_write(other, &err) != ICS_OK);
    ics_store_rollback(other);
    ics_store_rollback(s);
    CHECK_INT(ics_store_begin_write(other, &err), ICS_OK);
    ics_store_rollback(other);
    ics_store_close(other);
    /* Read-only: every transaction refuses writes. */
    CHECK_INT(ics_store_open(url, ICS_STORE_READ_ONLY | ICS_STORE_AS_OWNER, &other, &err), ICS_OK);
    CHECK_INT(ics_store_set_tenant(other, NULL, "all", &err), ICS_OK);
    CHECK(ics_store_exec(other, "UPDATE stage_deadline SET working_days = 3", &err) != ICS_OK);
    CHECK(query_int(other, "SELECT COUNT(*) FROM line") == 71);
    ics_store_close(other);
    /* A newer schema than this build is refused. */
    CHECK_INT(ics_store_exec(s, "INSERT INTO schema_migration VALUES (999, 'future', 'now')", &err), ICS_OK);
    ics_store_close(s);
    CHECK_INT(ics_store_open(url, ICS_STORE_MIGRATE | ICS_STORE_AS_OWNER, &s, &err), ICS_ERR_STORE);
    CHECK(strstr(err.message, "newer") != NULL);
    snprintf(sql, sizeof sql, "DROP DATABASE unit_store_%d WITH (FORCE)", (int)getpid());
    CHECK_INT(ics_store_exec(admin, sql, &err), ICS_OK);
    ics_store_close(admin);
}

/* Row-level security, as the runtime role ics_app (no superuser, no BYPASSRLS,
 * owns nothing). A small system: RJ1's statement has lines to RVR and QKK,
 * RVR's has a line to RJ1; one dispute RJ1/RVR with referee Y56; an audit entry
 * by each. Who sees what, worked from the policies of migration 4:
 *   nobody (no tenant):  nothing in any tenant table;
 *   every identified tenant: both statement headers (the tracker shows who submitted);
 *   RJ1: lines 3 (its 2, RVR's 1 naming RJ1), groups 3, disputes 1, audit 1 (its own entry);
 *   QKK: lines 1, groups 1, disputes 0, audit 0;
 *   Y56 (referee): disputes 1, no lines;
 *   system: everything (2, 3, 3, 1, 2) and may write as no organisation. */
static void test_postgres_isolation(void)
{
    const char *owner = getenv("ICS_PG_OWNER_URL"), *app = getenv("ICS_PG_APP_URL");
    CHECK(owner && *owner && app && *app);
    if (!owner || !*owner || !app || !*app)
        return;
    struct ics_store *admin, *s, *a;
    struct ics_error err;
    char name[64], sql[200], url[600], app_url[600];
    CHECK_INT(ics_store_open(owner, ICS_STORE_CREATE | ICS_STORE_AS_OWNER, &admin, &err), ICS_OK);
    snprintf(name, sizeof name, "unit_iso_%d", (int)getpid());
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0", name);
    CHECK_INT(ics_store_exec(admin, sql, &err), ICS_OK);
    pg_url(owner, name, url, sizeof url);
    pg_url(app, name, app_url, sizeof app_url);
    CHECK_INT(ics_store_open(url, ICS_STORE_MIGRATE | ICS_STORE_AS_OWNER, &s, &err), ICS_OK);
    CHECK_INT(ics_store_grant_runtime(s, "ics_app", &err), ICS_OK);
    CHECK_INT(ics_store_set_tenant(s, NULL, "all", &err), ICS_OK);
    CHECK_INT(ics_store_exec(s,
                             "INSERT INTO submission VALUES (1, 'RJ1', '2018-19-M12', 1, 1, 'a', 'h', 2, 't', 'RJ1'),"
                             " (2, 'RVR', '2018-19-M12', 1, 1, 'b', 'h', 1, 't', 'RVR');"
                             "INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount) VALUES"
                             " (1, 1, 2, 'QKK', 'receivable', 100), (2, 1, 3, 'RVR', 'receivable', 200),"
                             " (3, 2, 2, 'RJ1', 'payable', 200);"
                             "INSERT INTO line_group (submission_id, counterparty, kind, first_line, last_line, lines,"
                             " ref_lines, total, org) VALUES (1, 'QKK', 'receivable', 1, 1, 1, 0, 100, 'RJ1'),"
                             " (1, 'RVR', 'receivable', 2, 2, 1, 0, 200, 'RJ1'), (2, 'RJ1', 'payable', 3, 3, 1, 0, 200, 'RVR');"
                             "INSERT INTO dispute (id, period, supplier, purchaser, kind, amount, description, raised_by,"
                             " referee, stage, opened_on, stage_started_on) VALUES (1, '2018-19-M12', 'RJ1', 'RVR', 'rp',"
                             " 5, 'd', 'RJ1', 'Y56', 'local_negotiation', '2019-04-01', '2019-04-01');"
                             "INSERT INTO audit VALUES (1, 't', 'RJ1', 'submit', 's', 'd', 'p', 'h1', NULL),"
                             " (2, 't', 'RVR', 'submit', 's', 'd', 'h1', 'h2', NULL);"
                             "INSERT INTO exercise VALUES ('2018-19-M12', 'rp,ie', '2019-03-01');"
                             "INSERT INTO explanation VALUES (1, '2018-19-M12', 'RJ1', 'RVR', 'rp', 'RJ1', 'vat', NULL,"
                             " '2019-04-01')", &err), ICS_OK);
    ics_store_close(s);
    /* The runtime role: refused as owner? no, it owns nothing; it opens. */
    CHECK_INT(ics_store_open(app_url, 0, &a, &err), ICS_OK);
    static const char *const tables[] = {"submission", "line", "line_group", "dispute", "audit", "explanation",
                                         "exercise"};
    enum { TABLES = sizeof tables / sizeof tables[0] };
    struct {
        const char *org, *scope;
        int64_t want[TABLES];
    } cases[] = {
        {NULL, NULL, {0, 0, 0, 0, 0, 0, 0}},
        {"RJ1", "org", {2, 3, 3, 1, 1, 1, 1}},
        {"QKK", "org", {2, 1, 1, 0, 0, 0, 1}},
        {"Y56", "org", {2, 0, 0, 1, 0, 0, 1}},
        {NULL, "system", {2, 3, 3, 1, 2, 1, 1}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        CHECK_INT(ics_store_set_tenant(a, cases[c].org, cases[c].scope, &err), ICS_OK);
        for (int t = 0; t < (int)TABLES; t++) {
            snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[t]);
            int64_t got = query_int(a, sql);
            if (got != cases[c].want[t])
                fprintf(stderr, "tenant %s/%s, table %s: %lld rows, expected %lld\n", cases[c].org ? cases[c].org : "-",
                        cases[c].scope ? cases[c].scope : "-", tables[t], (long long)got, (long long)cases[c].want[t]);
            CHECK(got == cases[c].want[t]);
        }
    }
    /* Cross-organisation writes: refused by WITH CHECK, or invisible to UPDATE. */
    CHECK_INT(ics_store_set_tenant(a, "RJ1", "org", &err), ICS_OK);
    CHECK_INT(ics_store_exec(a, "INSERT INTO submission VALUES (3, 'RVR', '2018-19-M11', 1, 1, 'x', 'h', 0, 't', 'RJ1')",
                             &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "row-level security") != NULL);
    CHECK_INT(ics_store_exec(a, "INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount)"
                                " VALUES (9, 2, 9, 'QKK', 'payable', 1)", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(a, "INSERT INTO audit VALUES (3, 't', 'RVR', 'x', 's', 'd', 'h2', 'h3', NULL)", &err),
              ICS_ERR_CONFLICT);
    /* An explanation only from one's own side; an exercise only from an admin. */
    CHECK_INT(ics_store_exec(a, "INSERT INTO explanation VALUES (2, '2018-19-M12', 'RJ1', 'RVR', 'rp', 'RVR', 'vat',"
                                " NULL, '2019-04-02')", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(a, "INSERT INTO exercise VALUES ('2018-19-M09', 'rp,ie', '2019-03-01')", &err),
              ICS_ERR_CONFLICT);
    /* RJ1 sees RVR's statement header but may not change it. */
    CHECK_INT(ics_store_exec(a, "UPDATE submission SET is_current = 0 WHERE org = 'RVR'", &err), ICS_ERR_CONFLICT);
    /* A row RJ1 cannot see is not there to update: RVR's line to QKK? there is none; QKK's view of line 2. */
    CHECK_INT(ics_store_set_tenant(a, "QKK", "org", &err), ICS_OK);
    CHECK(query_int(a, "SELECT COUNT(*) FROM line WHERE id = 2") == 0);
    CHECK_INT(ics_store_set_tenant(a, "RJ1", "org", &err), ICS_OK);
    /* Handing RJ1's dispute to QKK leaves a row RJ1 is no party to: refused. */
    CHECK_INT(ics_store_exec(a, "UPDATE dispute SET supplier = 'QKK'", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_set_tenant(a, NULL, "system", &err), ICS_OK);
    CHECK(query_int(a, "SELECT COUNT(*) FROM submission WHERE is_current = 1") == 2);   /* RVR's untouched */
    CHECK_INT(ics_store_exec(a, "INSERT INTO audit VALUES (3, 't', 'QWE', 'x', 's', 'd', 'h2', 'h3', NULL)", &err),
              ICS_ERR_CONFLICT);   /* the system scope reads all and writes as no one */
    /* A line must name a submission that exists, whoever writes it (scope 'all' included), by INSERT or by
     * bulk load (an INSERT of arrays, the lines' policy checked for every row); and outside scope 'all',
     * one of the acting organisation's. A bulk load that is allowed goes in whole. */
    CHECK_INT(ics_store_set_tenant(a, NULL, "all", &err), ICS_OK);
    CHECK_INT(ics_store_exec(a, "INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount)"
                                " VALUES (9, 77, 9, 'QKK', 'payable', 1)", &err), ICS_ERR_CONFLICT);
    static const struct {
        const char *org, *scope;
        int64_t submission;
        int want;
    } loads[] = {
        {NULL, "all", 77, ICS_ERR_CONFLICT},
        {"RJ1", "org", 2, ICS_ERR_CONFLICT},
        {"RJ1", "org", 77, ICS_ERR_CONFLICT},
        {"RJ1", "org", 1, ICS_OK},
        {NULL, "all", 2, ICS_OK},
    };
    for (size_t c = 0; c < sizeof loads / sizeof loads[0]; c++) {
        CHECK_INT(ics_store_set_tenant(a, loads[c].org, loads[c].scope, &err), ICS_OK);
        CHECK_INT(ics_store_begin_write(a, &err), ICS_OK);
        struct ics_bulk *bulk;
        CHECK_INT(ics_store_bulk_begin(a, "line", "id, submission_id, line_no, counterparty, kind, amount", 6, &bulk,
                                       &err), ICS_OK);
        int rc = ICS_OK;
        for (int i = 0; i < 40000 && !rc; i++) {   /* more than one chunk of the bulk load */
            ics_bulk_int64(bulk, 1000 + i);
            ics_bulk_int64(bulk, i == 39000 ? loads[c].submission : 1);   /* one row in the last chunk */
            ics_bulk_int64(bulk, i + 2);
            ics_bulk_text(bulk, "QKK", 3);
            ics_bulk_text(bulk, "payable", 7);
            ics_bulk_int64(bulk, i);
            rc = ics_bulk_end_row(bulk, &err);
        }
        CHECK_INT(rc, ICS_OK);
        CHECK_INT(ics_bulk_finish(bulk, 1, &err), loads[c].want);
        if (loads[c].want == ICS_OK)
            CHECK(query_int(a, "SELECT COUNT(*) FROM line WHERE id >= 1000") == 40000);
        ics_store_rollback(a);
    }
    CHECK_INT(ics_store_set_tenant(a, NULL, "system", &err), ICS_OK);
    CHECK(query_int(a, "SELECT COUNT(*) FROM line") == 3);
    /* No UPDATE of the audit log, no DELETE anywhere, no DDL: privileges, not policies. */
    CHECK_INT(ics_store_exec(a, "DELETE FROM line", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(a, "ALTER TABLE line DISABLE ROW LEVEL SECURITY", &err), ICS_ERR_CONFLICT);
    /* The meta-test: every table with an organisation column has row-level
     * security enabled and forced, and a policy; and these are the tables. */
    CHECK(query_int(a, "SELECT COUNT(DISTINCT c.relname) FROM pg_catalog.pg_class c"
                       " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()"
                       " JOIN pg_catalog.pg_attribute at ON at.attrelid = c.oid AND at.attnum > 0"
                       " WHERE c.relkind = 'r' AND at.attname IN ('org', 'counterparty', 'supplier', 'purchaser',"
                       " 'actor', 'referee', 'raised_by')"
                       " AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity"
                       "  OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid))") == 0);
    struct ics_stmt *st;
    CHECK_INT(ics_store_prepare(a, "SELECT string_agg(DISTINCT c.relname, ' ' ORDER BY c.relname) FROM pg_catalog.pg_class c"
                                   " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()"
                                   " JOIN pg_catalog.pg_attribute at ON at.attrelid = c.oid AND at.attnum > 0"
                                   " WHERE c.relkind = 'r' AND at.attname IN ('org', 'counterparty', 'supplier',"
                                   " 'purchaser', 'actor', 'referee', 'raised_by')", &st, &err), ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), 1);
    CHECK_STR(ics_stmt_column_text(st, 0, NULL), "adjustment app_user audit dispute dispute_event exercise_org explanation line line_group submission");
    ics_stmt_finalize(st);
    ics_store_close(a);
    /* The runtime role's backend ends a moment after its connection closes, and
     * the owner may not terminate it (FORCE): wait for it. */
    snprintf(sql, sizeof sql, "DROP DATABASE %s", name);
    int dropped = ICS_ERR_STORE;
    for (int tries = 0; tries < 100 && dropped; tries++) {
        dropped = ics_store_exec(admin, sql, &err);
        if (dropped)
            usleep(50 * 1000);
    }
    if (dropped)
        fprintf(stderr, "%s\n", err.message);
    CHECK_INT(dropped, ICS_OK);
    ics_store_close(admin);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ics_test_store_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_store);
    RUN(test_upgrade);
    RUN(test_read_only_user);
    RUN(test_alloc_failures_whole_run);
    RUN(test_postgres);
    RUN(test_postgres_isolation);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return TEST_SUMMARY("store");
}
