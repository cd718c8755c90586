/*
 * ics ledger: agreement of balances (AoB) between NHS organisations, their
 * mismatches and disputes, kept in one shared, auditable store.
 *
 * Model (docs/commands/ledger.md has the full rules):
 *  - a submission is one organisation's statement for a period ("2018-19-M12"):
 *    lines of counterparty, kind (receivable, payable, income, expenditure),
 *    optional invoice ref and date, amount in pence. All or nothing; a changed
 *    file for the same org and period becomes a new current version;
 *  - matching compares, for each supplier S and purchaser P, S's receivables
 *    from P with P's payables to S ("rp") and S's income from P with P's
 *    expenditure with S ("ie"), in totals and invoice by invoice;
 *  - a dispute moves local_negotiation -> executive_escalation -> mediation ->
 *    determination -> closed, one stage at a time, with working-day deadlines;
 *  - every change appends to a SHA-256 hash-chained audit log.
 *
 * Money is int64 pence, dates int32 days since 1970-01-01 (core.h). Library
 * calls return a status and fill struct ics_error; nothing here prints except
 * the *_write functions, which write to the FILE the caller passes.
 *
 * Ownership: ics_ledger_open returns a handle freed by ics_ledger_close.
 * Result objects (match, disputes, report) are owned by the caller and freed
 * with their *_free function; pointers into them live as long as they do.
 */
#ifndef ICS_LEDGER_H
#define ICS_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

struct ics_store;
struct ics_ledger;

#define ICS_LEDGER_CODE_MAX 16      /* organisation codes are 1..15 bytes */
#define ICS_LEDGER_PERIOD_LEN 11    /* "2018-19-M12" */
#define ICS_LEDGER_NOTE_MAX 501     /* an explanation's note is at most 500 bytes */

/* ---- opening ---------------------------------------------------------- */

/* ics_ledger_open flags. */
#define ICS_LEDGER_CREATE 1     /* create the file if missing (ics ledger init) */
#define ICS_LEDGER_READ_ONLY 2  /* never write: for reading a database this user may not write */
#define ICS_LEDGER_AS_OWNER 4   /* PostgreSQL: may connect as the tables' owner (init, the first admin); CREATE implies it */

/* Opens the ledger in the database at `path`. flags 0: the file must exist and
 * pending migrations are applied; ICS_LEDGER_CREATE: create the file and apply
 * every migration. ICS_LEDGER_READ_ONLY (not with CREATE): open the file
 * read-only, as ICS_STORE_READ_ONLY in ics/store.h says (a read-only
 * directory works; migrations run only where this user may write); every call
 * that writes then fails with ICS_ERR_STORE. */
int ics_ledger_open(const char *path, int flags, struct ics_ledger **out, struct ics_error *err);
void ics_ledger_close(struct ics_ledger *l);
/* The underlying store (borrowed; for tests and checks). */
struct ics_store *ics_ledger_store(struct ics_ledger *l);

/* ---- identities (src/ledger/identity.c) ----------------------------------
 *
 * A store may hold users: each belongs to one organisation and has one role.
 * Once it has any, every action on the ledger needs an identity, given by an
 * API token (ics_ledger_act_with_token), and is checked against it in one
 * place (icsi_ledger_authorize, docs/security.md): an organisation acts only
 * as itself; submitting and dispute actions are `finance`; a determination is
 * the `referee` the dispute names; setting deadlines and managing users is
 * `admin`; any role reads. A store without users (a single analyst's file)
 * acts as today: whoever may write the file acts as any organisation.
 * Tokens are 256-bit random, shown once, stored as SHA-256; passwords are
 * Argon2id (libsodium crypto_pwhash_str, its INTERACTIVE limits: 64 MiB, 2
 * passes, above OWASP's minimum of 19 MiB and 2).
 */
enum ics_ledger_role {
    ICS_LEDGER_ROLE_FINANCE,
    ICS_LEDGER_ROLE_ANALYST,
    ICS_LEDGER_ROLE_SYSTEM,
    ICS_LEDGER_ROLE_REFEREE,
    ICS_LEDGER_ROLE_ADMIN,
};
const char *ics_ledger_role_name(int role);
int ics_ledger_role_parse(const char *text);   /* -1 if unknown */

#define ICS_LEDGER_USER_MAX 64          /* user names are 1..63 bytes */
#define ICS_LEDGER_TOKEN_MAX 64         /* "ics_" and 43 base64url characters, with the NUL */
#define ICS_LEDGER_PASSWORD_MIN 12

struct ics_ledger_identity {
    int64_t user_id;
    char user[ICS_LEDGER_USER_MAX];
    char org[ICS_LEDGER_CODE_MAX];
    int role;
};

/* *has = 1 when the store has at least one user. */
int ics_ledger_has_users(struct ics_ledger *l, int *has, struct ics_error *err);
/* Adds a user (name: letters, digits, . _ - @; org: a known code, or any code
 * with allow_unknown_org; password NULL for a user who only uses tokens, else
 * at least ICS_LEDGER_PASSWORD_MIN bytes). The first user of a store must be
 * an admin and needs no identity; after that, only an admin adds users. */
int ics_ledger_user_add(struct ics_ledger *l, const char *name, const char *org, int role, const char *password,
                        int allow_unknown_org, struct ics_error *err);
/* A new API token for `user`, written to token (ICS_LEDGER_TOKEN_MAX bytes)
 * and never stored: only its SHA-256 is. An admin makes tokens for anyone, a
 * user for themselves; with no token in the store yet, the first one is made
 * without an identity (bootstrapping the first admin). */
int ics_ledger_token_add(struct ics_ledger *l, const char *user, char *token, struct ics_error *err);
/* Acts as the user whose token this is, from now on (ICS_ERR_CONFLICT for an
 * unknown, revoked or disabled one; the message never repeats the token). */
int ics_ledger_act_with_token(struct ics_ledger *l, const char *token, struct ics_error *err);
/* Checks a user's password (ICS_ERR_CONFLICT when wrong or unknown, after the
 * same work either way); on success fills *who. */
int ics_ledger_password_check(struct ics_ledger *l, const char *user, const char *password,
                              struct ics_ledger_identity *who, struct ics_error *err);
/* Who acts: NULL when no identity was given. */
const struct ics_ledger_identity *ics_ledger_identity(const struct ics_ledger *l);

/* Acts as `who` from now on (NULL: as no one), without a look-up: for a
 * server that has already checked a session or token and keeps the answer
 * for a few seconds (docs/security.md). */
int ics_ledger_act_as(struct ics_ledger *l, const struct ics_ledger_identity *who, struct ics_error *err);

/* Sessions of the web service: a 256-bit random id and CSRF token, each
 * returned once (ICS_LEDGER_TOKEN_MAX bytes) and stored only as SHA-256. A
 * session ends after ICS_LEDGER_SESSION_IDLE_S without use, after
 * ICS_LEDGER_SESSION_MAX_S in all, or when ended. `now` is seconds since the
 * epoch (the caller's clock, so tests can move it). */
#define ICS_LEDGER_SESSION_IDLE_S (30 * 60)
#define ICS_LEDGER_SESSION_MAX_S (12 * 60 * 60)
int ics_ledger_session_start(struct ics_ledger *l, const struct ics_ledger_identity *who, int64_t now, char *sid,
                             char *csrf, struct ics_error *err);
/* The live session's user into *who and its CSRF token's SHA-256 (65 bytes)
 * into csrf_sha256; records its use at most once a minute. ICS_ERR_CONFLICT
 * when unknown, ended or timed out. */
int ics_ledger_session_find(struct ics_ledger *l, const char *sid, int64_t now, struct ics_ledger_identity *who,
                            char *csrf_sha256, struct ics_error *err);
int ics_ledger_session_end(struct ics_ledger *l, const char *sid, int64_t now, struct ics_error *err);
/* SHA-256 of a session id, token or CSRF token as 64 hex digits (hex: 65 bytes). */
void ics_ledger_secret_digest(const char *secret, char *hex);

/* Sign-in throttling, per key ("user:NAME", "addr:IP"): after
 * ICS_LEDGER_LOGIN_FAILURES failures within ICS_LEDGER_LOGIN_WINDOW_S the key
 * is refused until the window ends (*retry_after seconds, 0 when allowed). */
#define ICS_LEDGER_LOGIN_FAILURES 10
#define ICS_LEDGER_LOGIN_WINDOW_S (15 * 60)
int ics_ledger_login_allowed(struct ics_ledger *l, const char *key, int64_t now, int *retry_after,
                             struct ics_error *err);
int ics_ledger_login_record(struct ics_ledger *l, const char *key, int failed, int64_t now, struct ics_error *err);

/* ---- periods, organisations, calendar ---------------------------------- */

/*
 * Periods are "YYYY-YY-Mnn": the financial year (April to March, the second
 * year written as its last two digits) and the month of that year, M01 =
 * April ... M12 = March. Returns 0 and fills the first and last day of the
 * month and the first day of the financial year, or -1. Any output may be NULL.
 */
int ics_ledger_period_parse(const char *text, int32_t *month_first, int32_t *month_last,
                            int32_t *year_first);

/* Whether a code is in the organisation reference data shipped with ics
 * (data/organisations/nhs_orgs.csv: NHS trusts, ICBs, sub-ICB locations, CCGs,
 * local authorities). Returns the type ("trust", "icb", ...) or NULL. */
const char *ics_ledger_org_type(const char *code);
/* The organisation's name in the reference data, or NULL. */
const char *ics_ledger_org_name(const char *code);
/* Number of organisations in the reference data, and the i-th (sorted). */
size_t ics_ledger_org_count(void);
const char *ics_ledger_org_code(size_t i, const char **type, const char **name);

/* Working days: Monday to Friday except England and Wales bank holidays
 * (2016-2030 shipped; outside those years only weekends are skipped). */
int ics_ledger_is_working_day(int32_t day);
/* The n-th working day after `day` (day itself not counted); n >= 0. */
int32_t ics_ledger_add_working_days(int32_t day, int n);
/* Working days in (from, to]: 0 when to <= from. */
int ics_ledger_working_days_between(int32_t from, int32_t to);

/* ---- submissions ------------------------------------------------------- */

/*
 * The largest amount one statement line may hold, either way: £1,000,000,000,000
 * (10^14 pence), far beyond any NHS organisation's annual turnover. A line over
 * it is a bad row. Totals are checked as they are summed: 92,233 lines at the
 * cap still sum inside int64 (the 92,234th passes INT64_MAX, 92,233,720,368,547,758.07
 * pounds); any total, mismatch or sum that would pass it is an error, never a
 * wrapped number.
 */
#define ICS_LEDGER_LINE_MAX_PENCE INT64_C(100000000000000)

enum ics_ledger_kind {
    ICS_LEDGER_RECEIVABLE = 0,
    ICS_LEDGER_PAYABLE = 1,
    ICS_LEDGER_INCOME = 2,
    ICS_LEDGER_EXPENDITURE = 3
};
const char *ics_ledger_kind_name(int kind);

/* Called once per problem found in a submission, in file order (line, then
 * column). `column` is the 1-based field number, 0 for the whole row. */
typedef void (*ics_ledger_problem_fn)(void *ctx, const char *file, long line, int column,
                                      const char *reason);

struct ics_ledger_submit_options {
    const char *org;            /* the submitting organisation (required; NULL fails) */
    const char *period;         /* required; NULL fails */
    const char *label;          /* file name used in messages and history (NULL: the path) */
    const char *actor;          /* who submitted (NULL: org) */
    const char *at;             /* UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" (NULL: now) */
    int allow_unknown_org;      /* accept codes not in the reference data */
    /* Accept a statement with no lines (a header only): the organisation has
     * nothing to report for the period, and an empty current version says so.
     * Without it such a file fails with ICS_ERR_PARSE and nothing is written. */
    int allow_empty;
    ics_ledger_problem_fn problem;
    void *problem_ctx;
    /* While lines are written (inside the transaction): called with
     * (0, lines, 0) as writing starts, then (done, lines, done) every 16,384
     * lines and at the end. May be NULL. */
    ics_progress_fn progress;
    void *progress_ctx;
};

/* Defaults: no org or period (both must be set), the path as label, the org
 * as actor, now as the time, known organisations only, no empty statement,
 * no callbacks. */
void ics_ledger_submit_options_init(struct ics_ledger_submit_options *opt);

struct ics_ledger_submit_result {
    char org[ICS_LEDGER_CODE_MAX];  /* the organisation code as stored (upper case) */
    int64_t submission_id;      /* the current submission after the call */
    int version;                /* its version number (1, 2, ...) */
    int unchanged;              /* 1: identical to the current version; nothing written */
    int64_t lines;
    int64_t totals[4];          /* pence per enum ics_ledger_kind */
    long problems;              /* bad rows found (then nothing is written) */
    int no_lines;               /* 1: the file had no lines (refused unless allow_empty) */
};

/*
 * Imports one organisation's statement. The CSV needs the columns
 * counterparty, kind, invoice_ref, invoice_date, amount (note optional). Every
 * bad row is reported through opt->problem; if there is any, nothing is written
 * and the call fails with ICS_ERR_PARSE. A line over ICS_LEDGER_LINE_MAX_PENCE,
 * or one that takes a total (per counterparty and kind, or per kind) past
 * int64, is a bad row. A file that is not CSV past some point (a quote never
 * closed), or that has no lines without allow_empty, fails with ICS_ERR_PARSE
 * too, its reason in err only. Content identical to the current
 * version (the same lines in any order) writes nothing and sets unchanged.
 * The import is one transaction: killed at any point, the store is as before.
 */
int ics_ledger_submit(struct ics_ledger *l, const char *path, const struct ics_ledger_submit_options *opt,
                      struct ics_ledger_submit_result *result, struct ics_error *err);

/* One stored submission (any version), totals summed from its stored lines. */
struct ics_ledger_submission {
    int64_t id;
    char org[ICS_LEDGER_CODE_MAX];
    char period[ICS_LEDGER_PERIOD_LEN + 1];
    int version;
    int current;
    char submitted_at[24];
    char submitted_by[ICS_LEDGER_CODE_MAX * 4];
    char file[256];
    char sha256[65];
    int64_t lines;
    int64_t totals[4];          /* pence per enum ics_ledger_kind */
};
/* Calls fn for each submission ordered by period, org, version; period and org
 * may be NULL (all); current_only limits to current versions. */
typedef int (*ics_ledger_submission_fn)(void *ctx, const struct ics_ledger_submission *s);
int ics_ledger_submissions_each(struct ics_ledger *l, const char *period, const char *org, int current_only,
                                ics_ledger_submission_fn fn, void *ctx, struct ics_error *err);

/* A health check of the whole store: file integrity and foreign keys, every
 * line group's totals against its lines, and the audit chain. */
struct ics_ledger_check {
    int64_t submissions, current_submissions, lines, disputes, audit_entries;
    char audit_head[65];
};
/* ICS_OK when all is well; ICS_ERR_STORE (file) or ICS_ERR_FAILED (groups,
 * audit) with the first problem in err otherwise. Counts are filled either way
 * as far as they were read. */
int ics_ledger_check(struct ics_ledger *l, struct ics_ledger_check *check, struct ics_error *err);

/* ---- thresholds -------------------------------------------------------- */

enum ics_ledger_class { ICS_LEDGER_RP = 0, ICS_LEDGER_IE = 1 };
const char *ics_ledger_class_name(int cls);   /* "rp", "ie" */
int ics_ledger_class_parse(const char *text); /* -1 if neither */

struct ics_ledger_thresholds;
/*
 * Loads thresholds from CSV `period,kind,statement_threshold,agreement_threshold`
 * (pounds). period is a full period, a financial year ("2018-19") or "*";
 * kind is rp or ie. The most specific row wins; anything not covered uses the
 * 2022-23 month-12 values: rp £2,500 / £300,000, ie £2,000,000 / £3,000,000.
 */
int ics_ledger_thresholds_load(const char *path, struct ics_ledger_thresholds **out, struct ics_error *err);
void ics_ledger_thresholds_free(struct ics_ledger_thresholds *t);
/* t may be NULL (the defaults). */
void ics_ledger_thresholds_get(const struct ics_ledger_thresholds *t, const char *period, int cls,
                               int64_t *statement, int64_t *agreement);

/* ---- matching ---------------------------------------------------------- */

enum ics_ledger_status {
    ICS_LEDGER_AGREED = 0,          /* no difference */
    ICS_LEDGER_BELOW_THRESHOLD = 1, /* a difference on a balance at or under the agreement threshold */
    ICS_LEDGER_MISMATCH = 2,        /* a difference that must be agreed */
    ICS_LEDGER_DISPUTED = 3         /* a difference an open dispute covers */
};
const char *ics_ledger_status_name(int status);

struct ics_ledger_comparison {
    char supplier[ICS_LEDGER_CODE_MAX];
    char purchaser[ICS_LEDGER_CODE_MAX];
    int cls;                        /* enum ics_ledger_class */
    int64_t supplier_total;         /* receivables (rp) or income (ie) reported by the supplier */
    int64_t purchaser_total;        /* payables (rp) or expenditure (ie) reported by the purchaser */
    int64_t mismatch;               /* supplier_total - purchaser_total */
    int64_t adjustment;             /* the part of the mismatch settlements have cleared (same sign) */
    int64_t adjusted_mismatch;      /* mismatch - adjustment: what is left to agree; the status follows it */
    int status;                     /* enum ics_ledger_status */
    int statement_required;         /* balance over the statement threshold */
    int agreement_required;         /* balance over the agreement threshold */
    int supplier_reported, purchaser_reported;  /* 1 if that side has any line */
    int paired;                     /* 1 if both sides gave invoice refs (counts below are set) */
    int64_t matched, amount_differs, only_supplier, only_purchaser;
    int64_t dispute_id;             /* an open dispute covering it, or 0 */
    /* Unagreed invoices (unpaired or differing), for the squabble board. */
    int32_t oldest_unagreed;        /* earliest invoice date among them, ICS_DATE_NONE if none */
    int64_t prior_year_invoices;    /* of them, dated before the period's financial year */
    int64_t prior_year_value;       /* their value in pence (the difference, for differing ones) */
    /* Each side's explanation of the difference (ics_ledger_explain) as at the
     * match's date: reason ICS_LEDGER_REASON_NONE and note "" when none. */
    int supplier_reason, purchaser_reason;
    char supplier_note[ICS_LEDGER_NOTE_MAX], purchaser_note[ICS_LEDGER_NOTE_MAX];
};

struct ics_ledger_match;
/* Matches the current submissions of `period`. thresholds may be NULL. Rows are
 * ordered by supplier, purchaser, class name ("ie" before "rp"). */
/* The match with the disputes as they stood at the end of day as_of
 * (ICS_DATE_NONE: as they are now): a dispute opened later is not there, one
 * closed later is open. Statements are the current versions. */
int ics_ledger_match_at(struct ics_ledger *l, const char *period, const struct ics_ledger_thresholds *thresholds,
                        int32_t as_of, struct ics_ledger_match **out, struct ics_error *err);
int ics_ledger_match(struct ics_ledger *l, const char *period, const struct ics_ledger_thresholds *thresholds,
                     struct ics_ledger_match **out, struct ics_error *err);
size_t ics_ledger_match_count(const struct ics_ledger_match *m);
const struct ics_ledger_comparison *ics_ledger_match_row(const struct ics_ledger_match *m, size_t i);
const char *ics_ledger_match_period(const struct ics_ledger_match *m);
void ics_ledger_match_free(struct ics_ledger_match *m);
/* CSV (json = 0) or JSON. Returns ICS_OK or ICS_ERR_IO. */
int ics_ledger_match_write(const struct ics_ledger_match *m, FILE *out, int json);

/* ---- disputes ---------------------------------------------------------- */

enum ics_ledger_stage {
    ICS_LEDGER_LOCAL_NEGOTIATION = 0,
    ICS_LEDGER_EXECUTIVE_ESCALATION = 1,
    ICS_LEDGER_MEDIATION = 2,
    ICS_LEDGER_DETERMINATION = 3,
    ICS_LEDGER_CLOSED = 4
};
const char *ics_ledger_stage_name(int stage);
int ics_ledger_stage_parse(const char *text);   /* -1 if not a stage */

struct ics_ledger_dispute_spec {
    const char *period;         /* the period the disputed balance belongs to */
    const char *supplier, *purchaser;
    int cls;                    /* enum ics_ledger_class */
    int64_t amount;             /* pence, > 0 */
    const char *description;    /* may be NULL */
    const char *const *invoices;/* invoice refs in dispute (may be NULL) */
    size_t invoice_count;
    const char *referee;        /* may be NULL; needed before determination */
};

/* Every dispute action names who acted (a party; the referee for a
 * determination), the date it took effect and the audit timestamp (NULL: now). */
struct ics_ledger_action {
    const char *actor;
    int32_t on;
    const char *at;
    const char *note;           /* may be NULL */
};

int ics_ledger_dispute_open(struct ics_ledger *l, const struct ics_ledger_dispute_spec *spec,
                            const struct ics_ledger_action *act, int64_t *id, struct ics_error *err);
/* A party's offer: the amount it would settle at. Its latest offer is its final one. */
int ics_ledger_dispute_offer(struct ics_ledger *l, int64_t id, int64_t amount,
                             const struct ics_ledger_action *act, struct ics_error *err);
/* Moves to the next stage. to_stage < 0 means the next one; any other stage
 * fails (no skipping). Entering determination needs a referee (this one, or
 * named before) and a final offer from each party. */
int ics_ledger_dispute_escalate(struct ics_ledger *l, int64_t id, int to_stage, const char *referee,
                                const struct ics_ledger_action *act, struct ics_error *err);
/* The referee's pendulum determination: `party`'s final offer is awarded
 * whole and the dispute closes. If amount is not NULL it must equal that
 * party's final offer (a split is refused). */
int ics_ledger_dispute_determine(struct ics_ledger *l, int64_t id, const char *party, const int64_t *amount,
                                 const struct ics_ledger_action *act, struct ics_error *err);
/* A party closes the dispute: outcome "agreed" (amount = the settled sum, may
 * be NULL) or "withdrawn". */
int ics_ledger_dispute_close(struct ics_ledger *l, int64_t id, const char *outcome, const int64_t *amount,
                             const struct ics_ledger_action *act, struct ics_error *err);
/* Sets the working days allowed in a stage (not closed) for stages entered from now on. */
int ics_ledger_set_stage_deadline(struct ics_ledger *l, int stage, int working_days,
                                  const struct ics_ledger_action *act, struct ics_error *err);

struct ics_ledger_dispute {
    int64_t id;
    char period[ICS_LEDGER_PERIOD_LEN + 1];
    char supplier[ICS_LEDGER_CODE_MAX], purchaser[ICS_LEDGER_CODE_MAX];
    char raised_by[ICS_LEDGER_CODE_MAX], referee[ICS_LEDGER_CODE_MAX];  /* "" if none */
    int cls;
    int64_t amount;
    char *description;
    char *invoices;             /* refs separated by ' ', "" if none */
    int stage;
    int32_t opened_on, stage_started_on, deadline_on;  /* deadline ICS_DATE_NONE when closed */
    int32_t closed_on;          /* ICS_DATE_NONE while open */
    char outcome[16];           /* "", determined, agreed, withdrawn */
    char awarded_to[ICS_LEDGER_CODE_MAX];
    int has_settled;
    int64_t settled_amount;
    int has_supplier_offer, has_purchaser_offer;
    int64_t supplier_offer, purchaser_offer;   /* final (latest) offers */
    /* As of the date the list was made for: */
    int overdue;                /* open and past its stage deadline */
    int working_days_overdue;
    int age_days;               /* calendar days since opened (to closing, if closed) */
};

struct ics_ledger_dispute_filter {
    const char *org;            /* a party (NULL: all) */
    const char *status;         /* a stage name, "open", "overdue" or NULL */
    int older_than;             /* age_days > this; < 0: no limit */
    int32_t as_of;              /* the date for overdue and age; ICS_DATE_NONE: today (local time) */
    int64_t id;                 /* only this dispute; 0: all */
};
/* Defaults: every dispute of every party, no age limit, as of today. */
void ics_ledger_dispute_filter_init(struct ics_ledger_dispute_filter *filter);

struct ics_ledger_disputes;
int ics_ledger_disputes_list(struct ics_ledger *l, const struct ics_ledger_dispute_filter *filter,
                             struct ics_ledger_disputes **out, struct ics_error *err);
size_t ics_ledger_disputes_count(const struct ics_ledger_disputes *d);
const struct ics_ledger_dispute *ics_ledger_disputes_row(const struct ics_ledger_disputes *d, size_t i);
void ics_ledger_disputes_free(struct ics_ledger_disputes *d);
int ics_ledger_disputes_write(const struct ics_ledger_disputes *d, FILE *out, int json);

/* A dispute's history, oldest first: each action with who took it, the date
 * it took effect, the stage it left the dispute at, and its amount (an offer,
 * an award, a settled sum) and note. Only a dispute the caller may see (a
 * party, its referee, the system role) has any: another's is ICS_ERR_NOT_FOUND,
 * "no such dispute", as if it were not there. Strings are valid during fn. */
struct ics_ledger_dispute_event {
    int seq;
    const char *action;         /* open, offer, escalate, determine, close */
    const char *actor;
    int32_t on;
    const char *stage;
    int has_amount;
    int64_t amount;
    const char *note;           /* "" when none */
};
typedef int (*ics_ledger_dispute_event_fn)(void *ctx, const struct ics_ledger_dispute_event *e);
int ics_ledger_dispute_events(struct ics_ledger *l, int64_t id, ics_ledger_dispute_event_fn fn, void *ctx,
                              struct ics_error *err);

/* What the caller may do to a dispute now, by the same rules the actions
 * check (icsi_ledger_authorize for who, the stage for when): a bit per action. */
enum {
    ICS_LEDGER_MAY_OFFER = 1,
    ICS_LEDGER_MAY_ESCALATE = 2,
    ICS_LEDGER_MAY_CLOSE = 4,
    ICS_LEDGER_MAY_DETERMINE = 8,
};
unsigned ics_ledger_dispute_may(struct ics_ledger *l, const struct ics_ledger_dispute *x);
/* One dispute as a JSON object: the fields of ics_ledger_disputes_write, its
 * "events" and what the caller "may" do (names of the actions above). */
int ics_ledger_dispute_detail_write(struct ics_ledger *l, const struct ics_ledger_dispute *x, FILE *out,
                                    struct ics_error *err);

/* ---- the AoB exercise (src/ledger/exercise.c) ---------------------------
 *
 * An exercise is a period's round of agreement as DHSC runs it: month 6
 * agrees receivables and payables only, months 9 and 12 income and
 * expenditure too (docs/commands/ledger.md, "exercise", maps each term to the
 * guidance). Its milestones' dates are data an admin sets and changes; a
 * statement for an exercise's period with a kind the exercise does not agree
 * is refused, line by line. Periods without an exercise take any kind, as
 * before, and have no tracker.
 */
enum ics_ledger_milestone {
    ICS_LEDGER_DUE_INVOICES = 0,     /* last day to send the period's invoices */
    ICS_LEDGER_DUE_PAYMENTS = 1,     /* last day to despatch payments to NHS bodies */
    ICS_LEDGER_DUE_STATEMENTS = 2,   /* receivable organisations send their statements */
    ICS_LEDGER_DUE_SUBMISSIONS = 3,  /* every organisation's statement is in ics */
    ICS_LEDGER_DUE_AGREEMENT = 4,    /* mismatches agreed or explained */
    ICS_LEDGER_MILESTONES = 5
};
const char *ics_ledger_milestone_name(int milestone);   /* "invoices", ... */
int ics_ledger_milestone_parse(const char *text);       /* -1 if not one */

/* Which classes an exercise agrees: bits (1 << ICS_LEDGER_RP) and (1 << ICS_LEDGER_IE). */
#define ICS_LEDGER_CLASSES_RP (1 << ICS_LEDGER_RP)
#define ICS_LEDGER_CLASSES_ALL ((1 << ICS_LEDGER_RP) | (1 << ICS_LEDGER_IE))

struct ics_ledger_exercise_spec {
    const char *period;
    int classes;                /* 0: by the month (M06 rp only; M09, M12 both; other months must say) */
    int32_t due[ICS_LEDGER_MILESTONES];   /* ICS_DATE_NONE: the default (open) or unchanged (update) */
    const char *const *orgs;    /* organisations that must take part (may be NULL) */
    size_t org_count;
};
/* Defaults: no period, classes by the month, every date by default, no organisations. */
void ics_ledger_exercise_spec_init(struct ics_ledger_exercise_spec *spec);
/* The default milestones of a period's exercise (docs/commands/ledger.md): the
 * 2022-23 month 12 timetable's, counted in working days from the month's last
 * day (invoices 6 before, payments 5 before, statements 2 before), and, where
 * the timetable was not published, submissions 4 and agreement 10 working days
 * after it. Returns -1 for a bad period. */
int ics_ledger_exercise_default_dates(const char *period, int32_t due[ICS_LEDGER_MILESTONES]);
/* Opens the period's exercise (an admin; ICS_ERR_CONFLICT if it is open
 * already). act->actor names who acted, act->on is the day it opened. */
int ics_ledger_exercise_open(struct ics_ledger *l, const struct ics_ledger_exercise_spec *spec,
                             const struct ics_ledger_action *act, struct ics_error *err);
/* Moves the dates given (others unchanged) and adds the organisations given;
 * the classes cannot change (spec->classes must be 0 or the same). */
int ics_ledger_exercise_update(struct ics_ledger *l, const struct ics_ledger_exercise_spec *spec,
                               const struct ics_ledger_action *act, struct ics_error *err);

struct ics_ledger_exercise {
    char period[ICS_LEDGER_PERIOD_LEN + 1];
    int classes;
    int32_t opened_on;
    int32_t due[ICS_LEDGER_MILESTONES];
    char *orgs;                 /* the organisations registered, space-separated and sorted ("" if none) */
};
struct ics_ledger_exercises;
/* Every exercise (period NULL) or the one of period, ordered by period. */
int ics_ledger_exercises_list(struct ics_ledger *l, const char *period, struct ics_ledger_exercises **out,
                              struct ics_error *err);
size_t ics_ledger_exercises_count(const struct ics_ledger_exercises *x);
const struct ics_ledger_exercise *ics_ledger_exercises_row(const struct ics_ledger_exercises *x, size_t i);
void ics_ledger_exercises_free(struct ics_ledger_exercises *x);
int ics_ledger_exercises_write(const struct ics_ledger_exercises *x, FILE *out, int json);

/* Why a difference is there, as one side explains it (the guidance names
 * the causes; its classification codes were not published, so these are
 * ics's, docs/commands/ledger.md "explain"). */
enum ics_ledger_reason {
    ICS_LEDGER_REASON_NONE = -1,
    ICS_LEDGER_REASON_TIMING = 0,        /* timing_difference: in transit, invoiced or paid near the cut-off */
    ICS_LEDGER_REASON_DISPUTED = 1,      /* disputed: one side does not accept the amount */
    ICS_LEDGER_REASON_ACCRUAL = 2,       /* accrual_not_invoiced: accrued by one side, no invoice yet */
    ICS_LEDGER_REASON_CUT_OFF = 3,       /* cut_off: recorded in different periods */
    ICS_LEDGER_REASON_VAT = 4,           /* vat: one side gross, the other net of VAT */
    ICS_LEDGER_REASON_OTHER = 5          /* other: the note says what */
};
const char *ics_ledger_reason_name(int reason);
int ics_ledger_reason_parse(const char *text);   /* -1 if not one */

struct ics_ledger_explanation_spec {
    const char *period, *supplier, *purchaser;
    int cls;                    /* enum ics_ledger_class */
    int reason;                 /* enum ics_ledger_reason, not NONE */
    const char *note;           /* required for other; at most ICS_LEDGER_NOTE_MAX - 1 bytes */
};
/* act->actor is the side explaining (the supplier or the purchaser, a
 * finance user of it on a store with users); act->on the day it is given.
 * It replaces that side's earlier explanation of the pair from that day. */
int ics_ledger_explain(struct ics_ledger *l, const struct ics_ledger_explanation_spec *spec,
                       const struct ics_ledger_action *act, struct ics_error *err);

/* The tracker: who has submitted for an exercise and who is late, and which
 * statements are required between whom. Organisations expected are those
 * registered for the exercise, those that submitted, and NHS bodies another
 * organisation's statement names with a balance over the statement threshold
 * (a local authority is outside the DHSC boundary and is not chased). */
enum ics_ledger_tracker_status {
    ICS_LEDGER_SUBMITTED = 0,        /* in by the submissions deadline */
    ICS_LEDGER_SUBMITTED_LATE = 1,   /* in, after it */
    ICS_LEDGER_AWAITED = 2,          /* not in; the deadline has not passed */
    ICS_LEDGER_LATE = 3              /* not in, and the deadline has passed */
};
const char *ics_ledger_tracker_status_name(int status);

struct ics_ledger_tracker_org {
    char org[ICS_LEDGER_CODE_MAX];
    const char *name;           /* from the reference data, "" if not there */
    int registered;             /* 1 if registered for the exercise */
    char named_by[ICS_LEDGER_CODE_MAX];   /* the first organisation whose statement names it, "" if none */
    int status;                 /* enum ics_ledger_tracker_status */
    int32_t first_submitted_on; /* the London date of its first version, ICS_DATE_NONE if none */
    int version;                /* the version current at as_of, 0 if none */
    int32_t submitted_on;       /* that version's London date */
    int64_t lines;
    int working_days_late;      /* after the deadline: to its first version, or to as_of while not in */
    int statements_required;    /* comparisons where it is the supplier and a statement is required */
    int statements_awaited;     /* comparisons over the statement threshold it has not reported */
    int unexplained;            /* mismatches (no open dispute) it has given no explanation of */
};

struct ics_ledger_tracker_statement {
    char supplier[ICS_LEDGER_CODE_MAX], purchaser[ICS_LEDGER_CODE_MAX];
    int cls;
    int64_t supplier_total, purchaser_total;
    int supplier_reported, purchaser_reported;
    int agreement_required;
    int status;                 /* the comparison's enum ics_ledger_status */
};

struct ics_ledger_tracker;
/* The tracker of period's exercise as at the end of as_of (ICS_DATE_NONE:
 * today): versions submitted by then, explanations given by then.
 * ICS_ERR_USAGE if the period has no exercise. */
int ics_ledger_tracker(struct ics_ledger *l, const char *period, const struct ics_ledger_thresholds *thresholds,
                       int32_t as_of, struct ics_ledger_tracker **out, struct ics_error *err);
const struct ics_ledger_exercise *ics_ledger_tracker_exercise(const struct ics_ledger_tracker *t);
int32_t ics_ledger_tracker_as_of(const struct ics_ledger_tracker *t);
size_t ics_ledger_tracker_org_count(const struct ics_ledger_tracker *t);
const struct ics_ledger_tracker_org *ics_ledger_tracker_org_row(const struct ics_ledger_tracker *t, size_t i);
size_t ics_ledger_tracker_statement_count(const struct ics_ledger_tracker *t);
const struct ics_ledger_tracker_statement *ics_ledger_tracker_statement_row(const struct ics_ledger_tracker *t,
                                                                             size_t i);
void ics_ledger_tracker_free(struct ics_ledger_tracker *t);
/* view 0: the organisations; 1: the statements required. JSON holds both and the milestones. */
int ics_ledger_tracker_write(const struct ics_ledger_tracker *t, FILE *out, int json, int view);

/* ---- the squabble board ------------------------------------------------ */

struct ics_ledger_report_options {
    const char *period;         /* required */
    const char *org;            /* only pairs and the organisation row of this org (NULL: all) */
    int32_t as_of;              /* the date ages and overdue flags are measured at; ICS_DATE_NONE: today (local time) */
    const struct ics_ledger_thresholds *thresholds;   /* NULL: the defaults */
};
/* Defaults: no period (it must be set), every organisation, as of today,
 * the default thresholds. */
void ics_ledger_report_options_init(struct ics_ledger_report_options *opt);
struct ics_ledger_report;
int ics_ledger_report(struct ics_ledger *l, const struct ics_ledger_report_options *opt,
                      struct ics_ledger_report **out, struct ics_error *err);
void ics_ledger_report_free(struct ics_ledger_report *r);
/* by_org = 0: the pairs, ranked; 1: one row per organisation. JSON holds both. */
int ics_ledger_report_write(const struct ics_ledger_report *r, FILE *out, int json, int by_org);

/* ---- audit ------------------------------------------------------------- */

struct ics_ledger_audit_entry {
    int64_t seq;
    const char *at, *actor, *action, *subject, *detail, *prev_hash, *hash;
    const char *user;           /* the acting user (a store with users); NULL before identities or without them */
    const char *event;          /* the rows the action wrote, as JSON; NULL before schema 5 */
};
typedef int (*ics_ledger_audit_fn)(void *ctx, const struct ics_ledger_audit_entry *e);
/* Calls fn for each entry in order (stops early if fn returns non-zero). */
int ics_ledger_audit_each(struct ics_ledger *l, ics_ledger_audit_fn fn, void *ctx, struct ics_error *err);

struct ics_ledger_audit_check {
    int64_t entries;
    int64_t first_bad;          /* seq of the first altered, missing or out-of-chain entry; 0 if none */
    char reason[160];
    char head[65];              /* hash of the last entry ("" when empty): keep it elsewhere to detect a rewrite of the whole chain */
    /* The state replayed from the log and compared with the tables: */
    int state_checked;          /* 0 when entries from before schema 5 (legacy_entries) leave it unproven */
    int64_t legacy_entries;
    char state_diff[512];       /* the first row that differs, "" when none */
};
/* Recomputes the chain. ICS_OK when intact; ICS_ERR_FAILED with check->first_bad set otherwise. */
int ics_ledger_audit_verify(struct ics_ledger *l, struct ics_ledger_audit_check *check, struct ics_error *err);

#endif
