/*
 * Sessions of the web service and the throttling of sign-ins
 * (docs/security.md, "ics serve"). Ids and CSRF tokens are 256-bit random,
 * given to the caller once and stored only as SHA-256, so a copy of the
 * database signs no one in. Both tables are in the store, so every ics serve
 * process over it agrees on who is signed in and who is being throttled.
 */
#include <string.h>

#include "ledger_internal.h"

static int need_schema(struct ics_ledger *l, struct ics_error *err)
{
    if (l->schema_version < 10)
        return ics_error_set(err, ICS_ERR_STORE, "this ledger's schema (%d) has no sessions: open it once to bring "
                             "it up to date", l->schema_version);
    return ICS_OK;
}

/* Runs one statement of text and integer parameters ('t' or 'i' per parameter in kinds). */
static int exec_params(struct ics_ledger *l, const char *sql, const char *kinds, const char *const *texts,
                       const int64_t *ints, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, sql, &st, err);
    if (rc)
        return rc;
    for (int i = 0, t = 0, n = 0; kinds[i]; i++) {
        if (kinds[i] == 't')
            ics_stmt_bind_str(st, i + 1, texts[t++]);
        else
            ics_stmt_bind_int64(st, i + 1, ints[n++]);
    }
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc == 0 || rc == 1 ? ICS_OK : rc;
}

/* One statement in its own write transaction. */
static int exec_write(struct ics_ledger *l, const char *sql, const char *kinds, const char *const *texts,
                      const int64_t *ints, struct ics_error *err)
{
    int rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    rc = exec_params(l, sql, kinds, texts, ints, err);
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    return rc;
}

int ics_ledger_session_start(struct ics_ledger *l, const struct ics_ledger_identity *who, int64_t now, char *sid,
                             char *csrf, struct ics_error *err)
{
    sid[0] = csrf[0] = '\0';
    int rc = need_schema(l, err);
    if (rc)
        return rc;
    char sid_hex[65], csrf_hex[65];
    icsi_ledger_random_secret("s_", sid);
    icsi_ledger_random_secret("c_", csrf);
    ics_ledger_secret_digest(sid, sid_hex);
    ics_ledger_secret_digest(csrf, csrf_hex);
    const char *texts[] = {sid_hex, csrf_hex};
    const int64_t ints[] = {who->user_id, now, now};
    rc = exec_write(l, "INSERT INTO app_session (id_sha256, user_id, csrf_sha256, started_at, seen_at)"
                       " VALUES (?, ?, ?, ?, ?)", "titii", texts, ints, err);
    if (rc) {
        memset(sid, 0, ICS_LEDGER_TOKEN_MAX);
        memset(csrf, 0, ICS_LEDGER_TOKEN_MAX);
    }
    return rc;
}

int ics_ledger_session_find(struct ics_ledger *l, const char *sid, int64_t now, struct ics_ledger_identity *who,
                            char *csrf_sha256, struct ics_error *err)
{
    int rc = need_schema(l, err);
    if (rc)
        return rc;
    if (!sid || strncmp(sid, "s_", 2) != 0 || strlen(sid) != 2 + 43)
        return ics_error_set(err, ICS_ERR_CONFLICT, "not signed in");
    char hex[65];
    ics_ledger_secret_digest(sid, hex);
    struct ics_stmt *st;
    rc = ics_store_prepare(l->store, "SELECT u.id, u.name, u.org, u.role, u.disabled, s.csrf_sha256, s.started_at,"
                                     " s.seen_at, s.ended_at FROM app_session s JOIN app_user u ON u.id = s.user_id"
                                     " WHERE s.id_sha256 = ?", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, hex);
    rc = ics_stmt_step(st, err);
    int live = 0;
    int64_t seen = 0;
    if (rc == 1) {
        memset(who, 0, sizeof *who);
        who->user_id = ics_stmt_column_int64(st, 0);
        const char *name = ics_stmt_column_text(st, 1, NULL), *org = ics_stmt_column_text(st, 2, NULL);
        const char *csrf = ics_stmt_column_text(st, 5, NULL);
        snprintf(who->user, sizeof who->user, "%s", name ? name : "");
        snprintf(who->org, sizeof who->org, "%s", org ? org : "");
        who->role = ics_ledger_role_parse(ics_stmt_column_text(st, 3, NULL));
        snprintf(csrf_sha256, 65, "%s", csrf ? csrf : "");
        int64_t started = ics_stmt_column_int64(st, 6);
        seen = ics_stmt_column_int64(st, 7);
        int ended = ics_stmt_column_text(st, 8, NULL) != NULL;
        live = !ended && ics_stmt_column_int64(st, 4) == 0 && who->role >= 0 &&
               now - seen <= ICS_LEDGER_SESSION_IDLE_S && now - started <= ICS_LEDGER_SESSION_MAX_S;
        rc = ICS_OK;
    }
    ics_stmt_finalize(st);
    if (rc)
        return rc < 0 || rc > 1 ? rc : ICS_OK;
    if (!live)
        return ics_error_set(err, ICS_ERR_CONFLICT, "not signed in, or the session has ended");
    /* Its use, at most once a minute: an idle timeout needs no finer grain. */
    if (now - seen >= 60) {
        const char *texts[] = {hex};
        const int64_t ints[] = {now};
        rc = exec_write(l, "UPDATE app_session SET seen_at = ? WHERE id_sha256 = ?", "it", texts, ints, err);
    }
    return rc;
}

int ics_ledger_session_end(struct ics_ledger *l, const char *sid, int64_t now, struct ics_error *err)
{
    int rc = need_schema(l, err);
    if (rc)
        return rc;
    char hex[65];
    ics_ledger_secret_digest(sid ? sid : "", hex);
    const char *texts[] = {hex};
    const int64_t ints[] = {now};
    return exec_write(l, "UPDATE app_session SET ended_at = ? WHERE id_sha256 = ? AND ended_at IS NULL", "it", texts,
                      ints, err);
}

int ics_ledger_login_allowed(struct ics_ledger *l, const char *key, int64_t now, int *retry_after,
                             struct ics_error *err)
{
    *retry_after = 0;
    int rc = need_schema(l, err);
    if (rc)
        return rc;
    struct ics_stmt *st;
    rc = ics_store_prepare(l->store, "SELECT window_start, failures FROM login_failure WHERE key = ?", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, key);
    rc = ics_stmt_step(st, err);
    if (rc == 1) {
        int64_t start = ics_stmt_column_int64(st, 0), failures = ics_stmt_column_int64(st, 1);
        if (failures >= ICS_LEDGER_LOGIN_FAILURES && now - start < ICS_LEDGER_LOGIN_WINDOW_S)
            *retry_after = (int)(ICS_LEDGER_LOGIN_WINDOW_S - (now - start));
        rc = ICS_OK;
    }
    ics_stmt_finalize(st);
    return rc;
}

int ics_ledger_login_record(struct ics_ledger *l, const char *key, int failed, int64_t now, struct ics_error *err)
{
    int rc = need_schema(l, err);
    if (!rc)
        rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    struct ics_stmt *st;
    int found = 0;
    int64_t start = 0;
    rc = ics_store_prepare(l->store, "SELECT window_start FROM login_failure WHERE key = ?", &st, err);
    if (!rc) {
        ics_stmt_bind_str(st, 1, key);
        rc = ics_stmt_step(st, err);
        found = rc == 1;
        if (found)
            start = ics_stmt_column_int64(st, 0);
        rc = rc == 0 || rc == 1 ? ICS_OK : rc;
        ics_stmt_finalize(st);
    }
    const char *texts[] = {key};
    if (!rc && !found && failed) {
        const int64_t ints[] = {now};
        rc = exec_params(l, "INSERT INTO login_failure (key, window_start, failures) VALUES (?, ?, 1)", "ti", texts,
                         ints, err);
    } else if (!rc && found && (!failed || now - start >= ICS_LEDGER_LOGIN_WINDOW_S)) {
        /* A success clears the count; a failure after the window opens a new one. */
        const int64_t ints[] = {now, failed ? 1 : 0};
        rc = exec_params(l, "UPDATE login_failure SET window_start = ?, failures = ? WHERE key = ?", "iit", texts,
                         ints, err);
    } else if (!rc && found) {
        rc = exec_params(l, "UPDATE login_failure SET failures = failures + 1 WHERE key = ?", "t", texts, NULL, err);
    }
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    return rc;
}
