/*
 * The schema, as an ordered list of migrations. Never edit a migration that
 * has shipped: add a new one. Types are INTEGER and TEXT only, and ids are
 * assigned by the caller, so the same text runs on SQLite (where the backend
 * makes each table STRICT) and on PostgreSQL (INTEGER read as BIGINT).
 * Money is INTEGER pence; dates are TEXT 'YYYY-MM-DD'; times are TEXT
 * 'YYYY-MM-DDTHH:MM:SSZ' (UTC).
 */
#include <stddef.h>

#include "migrations.h"

static const struct store_statement v1[] = {
    /* One organisation's statement for a period; a corrected file is a new
     * version and the previous one stays, no longer current. */
    {STORE_ANY,
     "CREATE TABLE submission ("
     " id INTEGER PRIMARY KEY,"
     " org TEXT NOT NULL,"
     " period TEXT NOT NULL,"
     " version INTEGER NOT NULL,"
     " is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),"
     " file_name TEXT NOT NULL,"
     " file_sha256 TEXT NOT NULL,"
     " line_count INTEGER NOT NULL,"
     " submitted_at TEXT NOT NULL,"
     " submitted_by TEXT NOT NULL,"
     " UNIQUE (org, period, version))"},
    {STORE_ANY, "CREATE INDEX submission_by_period ON submission (period, is_current, org)"},
    /* Lines are stored sorted by (counterparty, kind, invoice_ref) within a
     * submission with consecutive ids, so each (counterparty, kind) group is
     * an id range (line_group) that matching reads in order without an index. */
    {STORE_ANY,
     "CREATE TABLE line ("
     " id INTEGER PRIMARY KEY,"
     " submission_id INTEGER NOT NULL REFERENCES submission (id),"
     " line_no INTEGER NOT NULL,"
     " counterparty TEXT NOT NULL,"
     /* OR, not IN: SQLite builds a temporary b-tree per row for an IN list in a CHECK. */
     " kind TEXT NOT NULL CHECK (kind = 'receivable' OR kind = 'payable' OR kind = 'income'"
     "   OR kind = 'expenditure'),"
     " invoice_ref TEXT,"
     " invoice_date TEXT,"
     " amount INTEGER NOT NULL,"
     " note TEXT)"},
    {STORE_ANY,
     "CREATE TABLE line_group ("
     " submission_id INTEGER NOT NULL REFERENCES submission (id),"
     " counterparty TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " first_line INTEGER NOT NULL,"
     " last_line INTEGER NOT NULL,"
     " lines INTEGER NOT NULL,"
     " ref_lines INTEGER NOT NULL,"
     " total INTEGER NOT NULL,"
     " PRIMARY KEY (submission_id, counterparty, kind))"},
    {STORE_ANY,
     "CREATE TABLE dispute ("
     " id INTEGER PRIMARY KEY,"
     " period TEXT NOT NULL,"
     " supplier TEXT NOT NULL,"
     " purchaser TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('rp', 'ie')),"
     " amount INTEGER NOT NULL,"
     " description TEXT NOT NULL,"
     " raised_by TEXT NOT NULL,"
     " referee TEXT,"
     " stage TEXT NOT NULL CHECK (stage IN ('local_negotiation', 'executive_escalation',"
     "   'mediation', 'determination', 'closed')),"
     " opened_on TEXT NOT NULL,"
     " stage_started_on TEXT NOT NULL,"
     " deadline_on TEXT,"
     " outcome TEXT CHECK (outcome IN ('determined', 'agreed', 'withdrawn')),"
     " awarded_to TEXT,"
     " settled_amount INTEGER,"
     " closed_on TEXT)"},
    {STORE_ANY, "CREATE INDEX dispute_by_parties ON dispute (supplier, purchaser, kind)"},
    {STORE_ANY,
     "CREATE TABLE dispute_invoice ("
     " dispute_id INTEGER NOT NULL REFERENCES dispute (id),"
     " invoice_ref TEXT NOT NULL,"
     " PRIMARY KEY (dispute_id, invoice_ref))"},
    /* Every action on a dispute, offers included: who, when, from which stage. */
    {STORE_ANY,
     "CREATE TABLE dispute_event ("
     " dispute_id INTEGER NOT NULL REFERENCES dispute (id),"
     " seq INTEGER NOT NULL,"
     " action TEXT NOT NULL,"
     " actor TEXT NOT NULL,"
     " on_date TEXT NOT NULL,"
     " stage TEXT NOT NULL,"
     " amount INTEGER,"
     " note TEXT,"
     " PRIMARY KEY (dispute_id, seq))"},
    /* Working days allowed in each stage before a dispute is overdue. */
    {STORE_ANY,
     "CREATE TABLE stage_deadline ("
     " stage TEXT PRIMARY KEY,"
     " working_days INTEGER NOT NULL CHECK (working_days > 0))"},
    {STORE_ANY,
     "INSERT INTO stage_deadline (stage, working_days) VALUES"
     " ('local_negotiation', 15), ('executive_escalation', 10), ('mediation', 20), ('determination', 20)"},
    /* The audit log: append-only, each entry chained to the one before by
     * SHA-256 (computed by the ledger, not the database). */
    {STORE_ANY,
     "CREATE TABLE audit ("
     " seq INTEGER PRIMARY KEY,"
     " at TEXT NOT NULL,"
     " actor TEXT NOT NULL,"
     " action TEXT NOT NULL,"
     " subject TEXT NOT NULL,"
     " detail TEXT NOT NULL,"
     " prev_hash TEXT NOT NULL,"
     " hash TEXT NOT NULL)"},
    {STORE_SQLITE,
     "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
     " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"},
    {STORE_SQLITE,
     "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
     " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"},
    /* PostgreSQL: the runtime role has no UPDATE or DELETE on audit (icsi_store_grants);
     * the trigger stops the owner too, TRUNCATE included. */
    {STORE_POSTGRES,
     "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
     " $$BEGIN RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';"
     " END$$"},
    {STORE_POSTGRES,
     "CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit"
     " FOR EACH ROW EXECUTE FUNCTION audit_append_only()"},
    {STORE_POSTGRES,
     "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
     " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"},
    {STORE_ANY, NULL},
};

/* The statement listing (ics ledger submissions) totals each submission's
 * lines; without this index that was a scan of the whole line table per
 * submission and kind. Lines are written with ascending ids and submission
 * ids, so the index grows at its end and costs little on import. */
static const struct store_statement v2[] = {
    {STORE_ANY, "CREATE INDEX line_by_submission ON line (submission_id)"},
    {STORE_ANY, NULL},
};

/* Identities: the organisations that act in this store, their users (one
 * organisation and one role each) and the users' API tokens, kept as SHA-256
 * of the token; and who acted, for every audit entry from now on. A reader
 * that cannot migrate reads an older store as one without users. */
static const struct store_statement v3[] = {
    {STORE_ANY,
     "CREATE TABLE organisation ("
     " code TEXT PRIMARY KEY,"
     " name TEXT NOT NULL,"
     " added_at TEXT NOT NULL)"},
    {STORE_ANY,
     "CREATE TABLE app_user ("
     " id INTEGER PRIMARY KEY,"
     " name TEXT NOT NULL UNIQUE,"
     " org TEXT NOT NULL REFERENCES organisation (code),"
     " role TEXT NOT NULL CHECK (role = 'finance' OR role = 'analyst' OR role = 'system' OR role = 'referee'"
     "   OR role = 'admin'),"
     " password_hash TEXT,"
     " created_at TEXT NOT NULL,"
     " created_by TEXT NOT NULL,"
     " disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)))"},
    {STORE_ANY,
     "CREATE TABLE api_token ("
     " id INTEGER PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES app_user (id),"
     " token_sha256 TEXT NOT NULL UNIQUE,"
     " created_at TEXT NOT NULL,"
     " revoked_at TEXT)"},
    {STORE_ANY, "ALTER TABLE audit ADD COLUMN acting_user TEXT"},
    {STORE_ANY, NULL},
};

/* Tenant isolation. Each line group says whose statement it belongs to (so a
 * counterparty's view of it needs no look-up); the audit chain's head has its
 * own row, so an organisation appends to the chain without reading other
 * organisations' entries. On PostgreSQL, row-level security, ENABLE and FORCE,
 * on every table with an organisation column, keyed on the acting
 * organisation and scope that the store sets in each transaction with
 * set_config(..., true) (docs/security.md):
 *   ics.scope 'all'    a ledger without users or tokens yet: everything;
 *             'system' reads the whole system; writes as no organisation;
 *             'admin'  manages users; otherwise as 'org';
 *             'org'    its own lines and groups and those naming it, the
 *                      disputes it is party or referee to, its audit entries;
 *                      and every statement's header (who submitted, when:
 *                      the exercise's tracker shows everyone), never its lines;
 *   unset              nothing. */
static const struct store_statement v4[] = {
    /* Ids come from counters: under row-level security MAX(id) sees only
     * the rows of the acting organisation. */
    {STORE_ANY, "CREATE TABLE id_counter (name TEXT PRIMARY KEY, next_id INTEGER NOT NULL)"},
    {STORE_ANY,
     "INSERT INTO id_counter (name, next_id)"
     " SELECT 'submission', COALESCE(MAX(id), 0) + 1 FROM submission"
     " UNION ALL SELECT 'line', COALESCE(MAX(id), 0) + 1 FROM line"
     " UNION ALL SELECT 'dispute', COALESCE(MAX(id), 0) + 1 FROM dispute"
     " UNION ALL SELECT 'app_user', COALESCE(MAX(id), 0) + 1 FROM app_user"
     " UNION ALL SELECT 'api_token', COALESCE(MAX(id), 0) + 1 FROM api_token"},
    {STORE_ANY, "ALTER TABLE line_group ADD COLUMN org TEXT"},
    {STORE_ANY, "UPDATE line_group SET org = (SELECT s.org FROM submission s WHERE s.id = line_group.submission_id)"},
    {STORE_ANY,
     "CREATE TABLE audit_head ("
     " id INTEGER PRIMARY KEY CHECK (id = 1),"
     " seq INTEGER NOT NULL,"
     " hash TEXT NOT NULL)"},
    {STORE_ANY,
     "INSERT INTO audit_head (id, seq, hash) SELECT 1, COALESCE(MAX(seq), 0),"
     " COALESCE((SELECT a.hash FROM audit a ORDER BY a.seq DESC LIMIT 1),"
     " '0000000000000000000000000000000000000000000000000000000000000000') FROM audit"},
    {STORE_POSTGRES,
     "CREATE FUNCTION ics_org() RETURNS text LANGUAGE sql STABLE"
     " AS $$ SELECT NULLIF(current_setting('ics.org', true), '') $$"},
    {STORE_POSTGRES,
     "CREATE FUNCTION ics_scope() RETURNS text LANGUAGE sql STABLE"
     " AS $$ SELECT NULLIF(current_setting('ics.scope', true), '') $$"},
    {STORE_POSTGRES,
     "ALTER TABLE submission ENABLE ROW LEVEL SECURITY; ALTER TABLE submission FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON submission"
     " USING (ics_scope() IS NOT NULL)"
     " WITH CHECK (ics_scope() = 'all' OR org = ics_org())"},
    {STORE_POSTGRES,
     "ALTER TABLE line_group ENABLE ROW LEVEL SECURITY; ALTER TABLE line_group FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON line_group"
     " USING (ics_scope() IN ('all', 'system') OR org = ics_org() OR counterparty = ics_org())"
     " WITH CHECK (ics_scope() = 'all' OR org = ics_org())"},
    {STORE_POSTGRES,
     "ALTER TABLE line ENABLE ROW LEVEL SECURITY; ALTER TABLE line FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON line"
     " USING (ics_scope() IN ('all', 'system') OR counterparty = ics_org()"
     "   OR submission_id IN (SELECT s.id FROM submission s WHERE s.org = ics_org()))"
     " WITH CHECK (ics_scope() = 'all' OR submission_id IN (SELECT s.id FROM submission s WHERE s.org = ics_org()))"},
    {STORE_POSTGRES,
     "ALTER TABLE dispute ENABLE ROW LEVEL SECURITY; ALTER TABLE dispute FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON dispute"
     " USING (ics_scope() IN ('all', 'system') OR supplier = ics_org() OR purchaser = ics_org()"
     "   OR referee = ics_org())"
     " WITH CHECK (ics_scope() = 'all' OR supplier = ics_org() OR purchaser = ics_org() OR referee = ics_org())"},
    {STORE_POSTGRES,
     "ALTER TABLE dispute_invoice ENABLE ROW LEVEL SECURITY; ALTER TABLE dispute_invoice FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON dispute_invoice USING (dispute_id IN (SELECT d.id FROM dispute d))"
     " WITH CHECK (dispute_id IN (SELECT d.id FROM dispute d))"},
    {STORE_POSTGRES,
     "ALTER TABLE dispute_event ENABLE ROW LEVEL SECURITY; ALTER TABLE dispute_event FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON dispute_event USING (dispute_id IN (SELECT d.id FROM dispute d))"
     " WITH CHECK (dispute_id IN (SELECT d.id FROM dispute d) AND (ics_scope() = 'all' OR actor = ics_org()))"},
    {STORE_POSTGRES,
     "ALTER TABLE audit ENABLE ROW LEVEL SECURITY; ALTER TABLE audit FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON audit USING (ics_scope() IN ('all', 'system') OR actor = ics_org())"
     " WITH CHECK (ics_scope() = 'all' OR actor = ics_org())"},
    /* Users are read before anyone is known (a token names its user), so
     * every session may read them; only an admin (or the first one) adds. */
    {STORE_POSTGRES,
     "ALTER TABLE app_user ENABLE ROW LEVEL SECURITY; ALTER TABLE app_user FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON app_user USING (true) WITH CHECK (ics_scope() IN ('all', 'admin'))"},
    {STORE_ANY, NULL},
};

/* The state as a projection of the log: each audit entry from now on carries
 * the rows its action wrote, as JSON (src/ledger/events.c), inside its hash. */
static const struct store_statement v5[] = {
    {STORE_ANY, "ALTER TABLE audit ADD COLUMN event TEXT"},
    {STORE_ANY, NULL},
};

/* A settlement posts an adjustment: a pendulum determination, or a dispute
 * closed as agreed at an amount, clears the disputed part of the pair's
 * difference without a resubmission (docs/commands/ledger.md, "match"). */
static const struct store_statement v6[] = {
    {STORE_ANY,
     "CREATE TABLE adjustment ("
     " dispute_id INTEGER PRIMARY KEY REFERENCES dispute (id),"
     " period TEXT NOT NULL,"
     " supplier TEXT NOT NULL,"
     " purchaser TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind = 'rp' OR kind = 'ie'),"
     " cleared INTEGER NOT NULL CHECK (cleared > 0),"
     " settled INTEGER NOT NULL,"
     " reason TEXT NOT NULL CHECK (reason = 'determined' OR reason = 'agreed'),"
     " on_date TEXT NOT NULL)"},
    {STORE_ANY, "CREATE INDEX adjustment_by_period ON adjustment (period)"},
    {STORE_POSTGRES,
     "ALTER TABLE adjustment ENABLE ROW LEVEL SECURITY; ALTER TABLE adjustment FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON adjustment USING (dispute_id IN (SELECT d.id FROM dispute d))"
     " WITH CHECK (dispute_id IN (SELECT d.id FROM dispute d))"},
    {STORE_ANY, NULL},
};

/* PostgreSQL checks a foreign key with one query per inserted row (a row
 * trigger): on a national year's 5 million lines that was about 40% of the
 * submit time. The reference from line to submission is checked instead once
 * per statement (a COPY, an INSERT .. SELECT) against the statement's new rows,
 * and from the other side a submission that still has lines cannot be deleted,
 * renumbered or truncated, so the guarantee is the foreign key's. SQLite's
 * foreign key check is an index probe and stays. */
static const struct store_statement v7[] = {
    {STORE_POSTGRES, "ALTER TABLE line DROP CONSTRAINT line_submission_id_fkey"},
    {STORE_POSTGRES,
     "CREATE FUNCTION line_submission_check() RETURNS trigger LANGUAGE plpgsql AS"
     " $$BEGIN"
     " IF EXISTS (SELECT 1 FROM new_lines n WHERE NOT EXISTS (SELECT 1 FROM submission s WHERE s.id = n.submission_id))"
     " THEN RAISE EXCEPTION 'a line names a submission that does not exist' USING ERRCODE = 'foreign_key_violation';"
     " END IF; RETURN NULL; END$$"},
    {STORE_POSTGRES,
     "CREATE TRIGGER line_submission_exists AFTER INSERT ON line REFERENCING NEW TABLE AS new_lines"
     " FOR EACH STATEMENT EXECUTE FUNCTION line_submission_check()"},
    {STORE_POSTGRES,
     "CREATE TRIGGER line_submission_exists_upd AFTER UPDATE ON line REFERENCING NEW TABLE AS new_lines"
     " FOR EACH STATEMENT EXECUTE FUNCTION line_submission_check()"},
    {STORE_POSTGRES,
     "CREATE FUNCTION submission_keep_lines() RETURNS trigger LANGUAGE plpgsql AS"
     " $$BEGIN"
     " IF TG_OP = 'TRUNCATE' THEN"
     "   IF EXISTS (SELECT 1 FROM line) THEN"
     "     RAISE EXCEPTION 'submissions still have lines' USING ERRCODE = 'foreign_key_violation'; END IF;"
     "   RETURN NULL;"
     " END IF;"
     " IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND EXISTS (SELECT 1 FROM line l WHERE l.submission_id = OLD.id) THEN"
     "   RAISE EXCEPTION 'submission % still has lines', OLD.id USING ERRCODE = 'foreign_key_violation';"
     " END IF;"
     " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END$$"},
    {STORE_POSTGRES,
     "CREATE TRIGGER submission_keep_lines BEFORE DELETE OR UPDATE OF id ON submission"
     " FOR EACH ROW EXECUTE FUNCTION submission_keep_lines()"},
    {STORE_POSTGRES,
     "CREATE TRIGGER submission_keep_lines_truncate BEFORE TRUNCATE ON submission"
     " FOR EACH STATEMENT EXECUTE FUNCTION submission_keep_lines()"},
    {STORE_ANY, NULL},
};

/* The hot tables' policies with the tenant read once per query, not per row:
 * a scalar subquery of a stable function is an initplan (about a second off
 * the national match). Same rules as migration 4. */
static const struct store_statement v8[] = {
    {STORE_POSTGRES,
     "ALTER POLICY tenant ON line"
     " USING ((SELECT ics_scope()) IN ('all', 'system') OR counterparty = (SELECT ics_org())"
     "   OR submission_id IN (SELECT s.id FROM submission s WHERE s.org = (SELECT ics_org())))"
     " WITH CHECK ((SELECT ics_scope()) = 'all'"
     "   OR submission_id IN (SELECT s.id FROM submission s WHERE s.org = (SELECT ics_org())))"},
    {STORE_POSTGRES,
     "ALTER POLICY tenant ON line_group"
     " USING ((SELECT ics_scope()) IN ('all', 'system') OR org = (SELECT ics_org())"
     "   OR counterparty = (SELECT ics_org()))"
     " WITH CHECK ((SELECT ics_scope()) = 'all' OR org = (SELECT ics_org()))"},
    {STORE_ANY, NULL},
};

/* The AoB exercise as DHSC runs it (docs/commands/ledger.md, "exercise"):
 * each period's exercise with the kinds it agrees (month 6 receivables and
 * payables only, months 9 and 12 both) and its milestones' dates as data, the
 * organisations that must take part, and each side's explanation of a
 * mismatch. Explanations are never changed: a newer one replaces an older one
 * from the same side, so the match as at a date shows the one then given. */
static const struct store_statement v9[] = {
    {STORE_ANY,
     "CREATE TABLE exercise ("
     " period TEXT PRIMARY KEY,"
     " kinds TEXT NOT NULL CHECK (kinds = 'rp' OR kinds = 'rp,ie'),"
     " opened_on TEXT NOT NULL)"},
    {STORE_ANY,
     "CREATE TABLE exercise_deadline ("
     " period TEXT NOT NULL REFERENCES exercise (period),"
     " milestone TEXT NOT NULL CHECK (milestone = 'invoices' OR milestone = 'payments' OR milestone = 'statements'"
     "   OR milestone = 'submissions' OR milestone = 'agreement'),"
     " due_on TEXT NOT NULL,"
     " PRIMARY KEY (period, milestone))"},
    {STORE_ANY,
     "CREATE TABLE exercise_org ("
     " period TEXT NOT NULL REFERENCES exercise (period),"
     " org TEXT NOT NULL,"
     " PRIMARY KEY (period, org))"},
    {STORE_ANY,
     "CREATE TABLE explanation ("
     " id INTEGER PRIMARY KEY,"
     " period TEXT NOT NULL,"
     " supplier TEXT NOT NULL,"
     " purchaser TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind = 'rp' OR kind = 'ie'),"
     " org TEXT NOT NULL CHECK (org = supplier OR org = purchaser),"
     " reason TEXT NOT NULL CHECK (reason = 'timing_difference' OR reason = 'disputed'"
     "   OR reason = 'accrual_not_invoiced' OR reason = 'cut_off' OR reason = 'vat' OR reason = 'other'),"
     " note TEXT,"
     " given_on TEXT NOT NULL,"
     " CHECK (reason <> 'other' OR note IS NOT NULL))"},
    {STORE_ANY, "CREATE INDEX explanation_by_period ON explanation (period, supplier, purchaser, kind, org, given_on)"},
    {STORE_ANY, "INSERT INTO id_counter (name, next_id) VALUES ('explanation', 1)"},
    /* Everyone taking part reads the exercise; only an admin (or a store
     * without users) changes it. */
    {STORE_POSTGRES,
     "ALTER TABLE exercise ENABLE ROW LEVEL SECURITY; ALTER TABLE exercise FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON exercise USING ((SELECT ics_scope()) IS NOT NULL)"
     " WITH CHECK ((SELECT ics_scope()) IN ('all', 'admin'))"},
    {STORE_POSTGRES,
     "ALTER TABLE exercise_deadline ENABLE ROW LEVEL SECURITY; ALTER TABLE exercise_deadline FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON exercise_deadline USING ((SELECT ics_scope()) IS NOT NULL)"
     " WITH CHECK ((SELECT ics_scope()) IN ('all', 'admin'))"},
    {STORE_POSTGRES,
     "ALTER TABLE exercise_org ENABLE ROW LEVEL SECURITY; ALTER TABLE exercise_org FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON exercise_org USING ((SELECT ics_scope()) IS NOT NULL)"
     " WITH CHECK ((SELECT ics_scope()) IN ('all', 'admin'))"},
    /* An explanation is seen by both sides of its pair, written by one. */
    {STORE_POSTGRES,
     "ALTER TABLE explanation ENABLE ROW LEVEL SECURITY; ALTER TABLE explanation FORCE ROW LEVEL SECURITY;"
     " CREATE POLICY tenant ON explanation"
     " USING ((SELECT ics_scope()) IN ('all', 'system') OR supplier = (SELECT ics_org())"
     "   OR purchaser = (SELECT ics_org()))"
     " WITH CHECK ((SELECT ics_scope()) = 'all' OR org = (SELECT ics_org()))"},
    {STORE_ANY, NULL},
};

/* Signing in to ics serve: sessions (ids and CSRF tokens stored only as
 * SHA-256) and the failed sign-ins that throttle guessing, per user and per
 * address. Both live in the store so that every ics serve process over it
 * sees the same (docs/security.md). Not projected from the audit log: they
 * are not the ledger's state. */
static const struct store_statement v10[] = {
    {STORE_ANY,
     "CREATE TABLE app_session ("
     " id_sha256 TEXT PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES app_user (id),"
     " csrf_sha256 TEXT NOT NULL,"
     " started_at INTEGER NOT NULL,"
     " seen_at INTEGER NOT NULL,"
     " ended_at INTEGER)"},
    {STORE_ANY,
     "CREATE TABLE login_failure ("
     " key TEXT PRIMARY KEY,"
     " window_start INTEGER NOT NULL,"
     " failures INTEGER NOT NULL)"},
    {STORE_ANY, NULL},
};

/* Schema 7's statement trigger kept every new line in a transition table to
 * check its submission: about a fifth of the cost of inserting a line. The
 * lines' WITH CHECK policy now checks it instead, for every writer it binds
 * (the runtime role, and the owner under FORCE): a line's submission must be
 * one that exists (and, outside scope 'all', one of the acting organisation's,
 * as before), which the planner evaluates as one hashed set per statement.
 * The trigger on UPDATE stays (the runtime role cannot update lines). */
static const struct store_statement v11[] = {
    {STORE_POSTGRES,
     "ALTER POLICY tenant ON line"
     " WITH CHECK (submission_id IN (SELECT s.id FROM submission s"
     "   WHERE (SELECT ics_scope()) = 'all' OR s.org = (SELECT ics_org())))"},
    {STORE_POSTGRES, "DROP TRIGGER line_submission_exists ON line"},
    /* And the index of lines by submission, another fifth: the listing finds a
     * statement's lines by its groups' id range instead (src/ledger/history.c).
     * SQLite keeps it (cheap there, and its foreign key checks a deleted submission through it). */
    {STORE_POSTGRES, "DROP INDEX line_by_submission"},
    {STORE_ANY, NULL},
};

const struct store_migration icsi_store_migrations[] = {
    {1, "ledger: submissions, lines, disputes, audit log", v1, 0},
    {2, "ledger: index of lines by submission", v2, 1},
    {3, "identities: organisations, users, roles, API tokens; the acting user of each audit entry", v3, 1},
    {4, "tenant isolation: each line group's organisation, the audit chain's head, row-level security", v4, 1},
    {5, "the audit log carries each action's rows: the state is its projection", v5, 1},
    {6, "settlements post adjustments that clear the disputed part of a difference", v6, 1},
    {7, "PostgreSQL: each line's submission checked once per statement instead of once per line", v7, 1},
    {8, "PostgreSQL: the lines' policies read the tenant once per query", v8, 1},
    {9, "the AoB exercise: periods' exercises and deadlines, who takes part, mismatch explanations", v9, 1},
    {10, "ics serve: sessions and failed sign-ins", v10, 1},
    {11, "PostgreSQL: a line's submission checked by the lines' policy, not a statement trigger; no index of lines by submission", v11, 1},
};
const int icsi_store_migration_count = (int)(sizeof icsi_store_migrations / sizeof icsi_store_migrations[0]);

/* The runtime role never deletes, never changes the audit log or the schema. */
const struct store_grant icsi_store_grants[] = {
    {"schema_migration", "SELECT"},
    {"submission", "SELECT, INSERT, UPDATE"},
    {"line", "SELECT, INSERT"},
    {"line_group", "SELECT, INSERT"},
    {"dispute", "SELECT, INSERT, UPDATE"},
    {"dispute_invoice", "SELECT, INSERT"},
    {"dispute_event", "SELECT, INSERT"},
    {"stage_deadline", "SELECT, UPDATE"},
    {"audit", "SELECT, INSERT"},
    {"organisation", "SELECT, INSERT"},
    {"app_user", "SELECT, INSERT, UPDATE"},
    {"api_token", "SELECT, INSERT, UPDATE"},
    {"audit_head", "SELECT, UPDATE"},
    {"id_counter", "SELECT, UPDATE"},
    {"adjustment", "SELECT, INSERT"},
    {"exercise", "SELECT, INSERT, UPDATE"},
    {"exercise_deadline", "SELECT, INSERT, UPDATE"},
    {"exercise_org", "SELECT, INSERT"},
    {"explanation", "SELECT, INSERT"},
    {"app_session", "SELECT, INSERT, UPDATE"},
    {"login_failure", "SELECT, INSERT, UPDATE"},
    {NULL, NULL},
};
