/*
 * Identities: users, roles and API tokens in the store, and the one place
 * where who may do what on the ledger is decided (icsi_ledger_authorize).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ledger_internal.h"

static const char *const role_names[] = {"finance", "analyst", "system", "referee", "admin"};

const char *ics_ledger_role_name(int role)
{
    return role >= 0 && role < 5 ? role_names[role] : "?";
}

int ics_ledger_role_parse(const char *text)
{
    for (int i = 0; i < 5; i++)
        if (text && strcmp(text, role_names[i]) == 0)
            return i;
    return -1;
}

const struct ics_ledger_identity *ics_ledger_identity(const struct ics_ledger *l)
{
    return l->has_identity ? &l->identity : NULL;
}

/* *has = 1 when the query (SELECT 1 ... LIMIT 1) finds a row; 0 on a store from
 * before identities (a read-only open of an older schema). */
static int any_row(struct ics_ledger *l, const char *sql, int *has, struct ics_error *err)
{
    *has = 0;
    if (l->schema_version < 3)
        return ICS_OK;
    int64_t one = 0;
    return icsi_ledger_query_int(l, sql, NULL, &one, has, err);
}

int ics_ledger_has_users(struct ics_ledger *l, int *has, struct ics_error *err)
{
    return any_row(l, "SELECT 1 FROM app_user LIMIT 1", has, err);
}

static const char *scope_of(int role)
{
    switch (role) {
    case ICS_LEDGER_ROLE_SYSTEM: return "system";
    case ICS_LEDGER_ROLE_ADMIN: return "admin";
    default: return "org";
    }
}

int icsi_ledger_set_tenant(struct ics_ledger *l, struct ics_error *err)
{
    if (l->has_identity)
        return ics_store_set_tenant(l->store, l->identity.org, scope_of(l->identity.role), err);
    int users = 0, tokens = 0;
    int rc = ics_ledger_has_users(l, &users, err);
    if (!rc && users)
        rc = any_row(l, "SELECT 1 FROM api_token LIMIT 1", &tokens, err);
    if (rc)
        return rc;
    return ics_store_set_tenant(l->store, NULL, users && tokens ? NULL : "all", err);
}

const char *icsi_ledger_viewer(const struct ics_ledger *l)
{
    return l->has_identity && l->identity.role != ICS_LEDGER_ROLE_SYSTEM ? l->identity.org : NULL;
}

/* ---- who may do what ------------------------------------------------------------ */

int icsi_ledger_authorize(struct ics_ledger *l, enum ledger_action action, const char *as_org, const char *referee,
                          struct ics_error *err)
{
    if (!l->has_identity) {
        int has = 0;
        int rc = ics_ledger_has_users(l, &has, err);
        if (rc)
            return rc;
        if (!has)
            return ICS_OK;
        return ics_error_set(err, ICS_ERR_CONFLICT,
                             "this ledger has users: act with an API token (ics token add makes one)");
    }
    const struct ics_ledger_identity *who = &l->identity;
    const char *role = ics_ledger_role_name(who->role);
    switch (action) {
    case LEDGER_READ:
        return ICS_OK;
    case LEDGER_VERIFY:
        if (who->role == ICS_LEDGER_ROLE_SYSTEM)
            return ICS_OK;
        return ics_error_set(err, ICS_ERR_CONFLICT, "%s (%s, %s) may not verify the whole audit log: it needs the "
                             "system role", who->user, who->org, role);
    case LEDGER_ADMIN:
        if (who->role == ICS_LEDGER_ROLE_ADMIN)
            return ICS_OK;
        return ics_error_set(err, ICS_ERR_CONFLICT, "%s (%s, %s) may not do this: it needs the admin role", who->user,
                             who->org, role);
    case LEDGER_SUBMIT:
    case LEDGER_DISPUTE:
        if (who->role != ICS_LEDGER_ROLE_FINANCE)
            return ics_error_set(err, ICS_ERR_CONFLICT, "%s (%s, %s) may not %s: it needs the finance role",
                                 who->user, who->org, role,
                                 action == LEDGER_SUBMIT ? "submit statements" : "act in disputes");
        break;
    case LEDGER_DETERMINE:
        if (who->role != ICS_LEDGER_ROLE_REFEREE)
            return ics_error_set(err, ICS_ERR_CONFLICT, "%s (%s, %s) may not determine disputes: it needs the "
                                 "referee role", who->user, who->org, role);
        if (!referee || strcmp(referee, who->org) != 0)
            return ics_error_set(err, ICS_ERR_CONFLICT, "%s (%s) is not this dispute's referee (%s)", who->user,
                                 who->org, referee && *referee ? referee : "none named");
        break;
    }
    if (!as_org || strcmp(as_org, who->org) != 0)
        return ics_error_set(err, ICS_ERR_CONFLICT, "%s belongs to %s and may act only as %s, not as %s", who->user,
                             who->org, who->org, as_org ? as_org : "?");
    return ICS_OK;
}

/* ---- users ------------------------------------------------------------------------ */

static int valid_user_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= ICS_LEDGER_USER_MAX)
        return 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '@'))
            return 0;
    }
    return 1;
}

static const char *actor_name(const struct ics_ledger *l)
{
    return l->has_identity ? l->identity.user : "owner";
}

static int add_organisation(struct ics_ledger *l, const char *org, const char *at, struct ics_error *err)
{
    const char *p[] = {org, NULL};
    int64_t one;
    int found = 0;
    int rc = icsi_ledger_query_int(l, "SELECT 1 FROM organisation WHERE code = ?", p, &one, &found, err);
    if (rc || found)
        return rc;
    const char *name = ics_ledger_org_name(org);
    struct ics_stmt *st;
    rc = ics_store_prepare(l->store, "INSERT INTO organisation (code, name, added_at) VALUES (?, ?, ?)", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, org);
    ics_stmt_bind_str(st, 2, name ? name : org);
    ics_stmt_bind_str(st, 3, at);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc == 0 ? ICS_OK : rc;
}

int ics_ledger_user_add(struct ics_ledger *l, const char *name, const char *org_in, int role, const char *password,
                        int allow_unknown_org, struct ics_error *err)
{
    char org[ICS_LEDGER_CODE_MAX];
    if (!name || !valid_user_name(name))
        return ics_error_set(err, ICS_ERR_USAGE, "bad user name '%s' (1 to %d letters, digits, '.', '_', '-', '@')",
                             name ? name : "", ICS_LEDGER_USER_MAX - 1);
    if (!org_in || icsi_ledger_code_normalise(org_in, strlen(org_in), org) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad organisation code '%s'", org_in ? org_in : "");
    if (!allow_unknown_org && !ics_ledger_org_type(org))
        return ics_error_set(err, ICS_ERR_USAGE, "unknown organisation code %s", org);
    if (role < 0 || role > ICS_LEDGER_ROLE_ADMIN)
        return ics_error_set(err, ICS_ERR_USAGE, "unknown role");
    if (password && strlen(password) < ICS_LEDGER_PASSWORD_MIN)
        return ics_error_set(err, ICS_ERR_USAGE, "the password is shorter than %d characters", ICS_LEDGER_PASSWORD_MIN);
    char hash[crypto_pwhash_STRBYTES];
    /* Hashed before the write transaction: Argon2id takes a while by design. */
    if (password && crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory hashing the password");
    int rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    int has = 0;
    rc = ics_ledger_has_users(l, &has, err);
    if (!rc && !has && role != ICS_LEDGER_ROLE_ADMIN)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "the first user of a ledger must be an admin (--role admin)");
    if (!rc && has)
        rc = icsi_ledger_authorize(l, LEDGER_ADMIN, NULL, NULL, err);
    const char *p[] = {name, NULL};
    int64_t one;
    int found = 0;
    if (!rc)
        rc = icsi_ledger_query_int(l, "SELECT 1 FROM app_user WHERE name = ?", p, &one, &found, err);
    if (!rc && found)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "user %s already exists", name);
    char at[32];
    icsi_ledger_now(at, sizeof at);
    if (!rc)
        rc = add_organisation(l, org, at, err);
    int64_t id = 0;
    if (!rc)
        rc = icsi_ledger_next_id(l, "app_user", 1, &id, err);
    if (!rc) {
        struct ics_stmt *st;
        rc = ics_store_prepare(l->store, "INSERT INTO app_user (id, name, org, role, password_hash, created_at,"
                                         " created_by, disabled) VALUES (?, ?, ?, ?, ?, ?, ?, 0)", &st, err);
        if (!rc) {
            ics_stmt_bind_int64(st, 1, id);
            ics_stmt_bind_str(st, 2, name);
            ics_stmt_bind_str(st, 3, org);
            ics_stmt_bind_str(st, 4, ics_ledger_role_name(role));
            ics_stmt_bind_str(st, 5, password ? hash : NULL);
            ics_stmt_bind_str(st, 6, at);
            ics_stmt_bind_str(st, 7, actor_name(l));
            rc = ics_stmt_step(st, err);
            ics_stmt_finalize(st);
        }
    }
    if (!rc) {
        char subject[96], detail[160];
        snprintf(subject, sizeof subject, "user %s", name);
        snprintf(detail, sizeof detail, "org=%s role=%s password=%s", org, ics_ledger_role_name(role),
                 password ? "set" : "none");
        const char *code[] = {org, NULL}, *who[] = {name, NULL};
        struct ledger_event ev;
        icsi_event_init(&ev);
        rc = icsi_event_capture(l, &ev, "organisation", "code = ?", code, err);
        if (!rc)
            rc = icsi_event_capture(l, &ev, "app_user", "name = ?", who, err);
        if (!rc)
            rc = icsi_ledger_audit_append(l, NULL, l->has_identity ? l->identity.org : "owner", "user_add", subject,
                                          detail, &ev, err);
        icsi_event_free(&ev);
    }
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

/* ---- tokens ----------------------------------------------------------------------- */

static void token_digest(const char *token, char hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    icsi_ledger_sha256_hex(digest, hex);
}

void ics_ledger_secret_digest(const char *secret, char *hex)
{
    token_digest(secret, hex);
}

void icsi_ledger_random_secret(const char *prefix, char *out)
{
    unsigned char raw[32];
    size_t n = strlen(prefix);
    randombytes_buf(raw, sizeof raw);
    memcpy(out, prefix, n);
    sodium_bin2base64(out + n, ICS_LEDGER_TOKEN_MAX - n, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

int ics_ledger_act_as(struct ics_ledger *l, const struct ics_ledger_identity *who, struct ics_error *err)
{
    l->has_identity = who != NULL;
    if (who)
        l->identity = *who;
    return icsi_ledger_set_tenant(l, err);
}

/* Reads one user by a query whose parameters are params: id, name, org, role, disabled. */
static int load_user(struct ics_ledger *l, const char *sql, const char *param, struct ics_ledger_identity *who,
                     int *found, int *disabled, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, sql, &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, param);
    rc = ics_stmt_step(st, err);
    *found = rc == 1;
    if (rc == 1) {
        memset(who, 0, sizeof *who);
        who->user_id = ics_stmt_column_int64(st, 0);
        const char *name = ics_stmt_column_text(st, 1, NULL), *org = ics_stmt_column_text(st, 2, NULL);
        snprintf(who->user, sizeof who->user, "%s", name ? name : "");
        snprintf(who->org, sizeof who->org, "%s", org ? org : "");
        who->role = ics_ledger_role_parse(ics_stmt_column_text(st, 3, NULL));
        *disabled = (int)ics_stmt_column_int64(st, 4);
        rc = ICS_OK;
    }
    ics_stmt_finalize(st);
    return rc;
}

int ics_ledger_token_add(struct ics_ledger *l, const char *user, char *token, struct ics_error *err)
{
    token[0] = '\0';
    int rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    struct ics_ledger_identity who;
    int found = 0, disabled = 0;
    rc = load_user(l, "SELECT id, name, org, role, disabled FROM app_user WHERE name = ?", user, &who, &found,
                   &disabled, err);
    if (!rc && !found)
        rc = ics_error_set(err, ICS_ERR_NOT_FOUND, "no user %s", user);
    if (!rc && disabled)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "user %s is disabled", user);
    int64_t tokens = 0;
    if (!rc)
        rc = icsi_ledger_query_int(l, "SELECT COUNT(*) FROM api_token", NULL, &tokens, NULL, err);
    if (!rc && !l->has_identity && tokens > 0)
        rc = ics_error_set(err, ICS_ERR_CONFLICT,
                           "this ledger has users: act with an API token (only the first token is made without one)");
    if (!rc && l->has_identity && l->identity.role != ICS_LEDGER_ROLE_ADMIN && l->identity.user_id != who.user_id)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "%s may make tokens only for themselves (an admin makes them for "
                           "anyone)", l->identity.user);
    char hex[65];
    if (!rc) {
        icsi_ledger_random_secret("ics_", token);
        token_digest(token, hex);
    }
    int64_t id = 0;
    if (!rc)
        rc = icsi_ledger_next_id(l, "api_token", 1, &id, err);
    char at[32];
    icsi_ledger_now(at, sizeof at);
    if (!rc) {
        struct ics_stmt *st;
        rc = ics_store_prepare(l->store, "INSERT INTO api_token (id, user_id, token_sha256, created_at)"
                                         " VALUES (?, ?, ?, ?)", &st, err);
        if (!rc) {
            ics_stmt_bind_int64(st, 1, id);
            ics_stmt_bind_int64(st, 2, who.user_id);
            ics_stmt_bind_str(st, 3, hex);
            ics_stmt_bind_str(st, 4, at);
            rc = ics_stmt_step(st, err);
            ics_stmt_finalize(st);
        }
    }
    if (!rc) {
        char subject[96], detail[64];
        snprintf(subject, sizeof subject, "user %s", who.user);
        snprintf(detail, sizeof detail, "token=%lld", (long long)id);
        char idtext[24];
        snprintf(idtext, sizeof idtext, "%lld", (long long)id);
        const char *which[] = {idtext, NULL};
        struct ledger_event ev;
        icsi_event_init(&ev);
        rc = icsi_event_capture(l, &ev, "api_token", "id = CAST(? AS INTEGER)", which, err);
        if (!rc)
            rc = icsi_ledger_audit_append(l, NULL, l->has_identity ? l->identity.org : "owner", "token_add", subject,
                                          detail, &ev, err);
        icsi_event_free(&ev);
    }
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc) {
        ics_store_rollback(l->store);
        sodium_memzero(token, ICS_LEDGER_TOKEN_MAX);
        token[0] = '\0';
    }
    return rc;
}

int ics_ledger_act_with_token(struct ics_ledger *l, const char *token, struct ics_error *err)
{
    l->has_identity = 0;
    if (!token || strncmp(token, "ics_", 4) != 0 || strlen(token) != 4 + 43)
        return ics_error_set(err, ICS_ERR_CONFLICT, "that is not an ics API token");
    char hex[65];
    token_digest(token, hex);
    struct ics_ledger_identity who;
    int found = 0, disabled = 0;
    int rc = load_user(l,
                       "SELECT u.id, u.name, u.org, u.role, u.disabled FROM api_token t"
                       " JOIN app_user u ON u.id = t.user_id WHERE t.token_sha256 = ? AND t.revoked_at IS NULL",
                       hex, &who, &found, &disabled, err);
    if (rc)
        return rc;
    if (!found || disabled || who.role < 0) {
        struct ics_error ignored;
        icsi_ledger_set_tenant(l, &ignored);   /* back to no one */
        return ics_error_set(err, ICS_ERR_CONFLICT, "the API token is unknown, revoked, or its user disabled");
    }
    l->identity = who;
    l->has_identity = 1;
    return icsi_ledger_set_tenant(l, err);
}

int ics_ledger_password_check(struct ics_ledger *l, const char *user, const char *password,
                              struct ics_ledger_identity *who, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, "SELECT id, name, org, role, disabled, password_hash FROM app_user"
                                         " WHERE name = ?", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, user);
    rc = ics_stmt_step(st, err);
    char hash[crypto_pwhash_STRBYTES] = "";
    int disabled = 1;
    struct ics_ledger_identity found = {0};
    if (rc == 1) {
        found.user_id = ics_stmt_column_int64(st, 0);
        snprintf(found.user, sizeof found.user, "%s", ics_stmt_column_text(st, 1, NULL));
        snprintf(found.org, sizeof found.org, "%s", ics_stmt_column_text(st, 2, NULL));
        found.role = ics_ledger_role_parse(ics_stmt_column_text(st, 3, NULL));
        disabled = (int)ics_stmt_column_int64(st, 4);
        const char *h = ics_stmt_column_text(st, 5, NULL);
        snprintf(hash, sizeof hash, "%s", h ? h : "");
        rc = ICS_OK;
    }
    ics_stmt_finalize(st);
    if (rc < 0 || rc > 1)
        return rc;
    /* The same work for an unknown user as for a wrong password. */
    static const char dummy[] =
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5f1mvOZbUsJPyG8Rn0Vb3dq3u+7ghb0uLj6fRFbq2pE";
    int ok = crypto_pwhash_str_verify(hash[0] ? hash : dummy, password, strlen(password)) == 0;
    if (!ok || !hash[0] || disabled || found.role < 0)
        return ics_error_set(err, ICS_ERR_CONFLICT, "unknown user or wrong password");
    *who = found;
    return ICS_OK;
}
