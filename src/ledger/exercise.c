/*
 * The AoB exercise as DHSC runs it: each period's exercise with the kinds it
 * agrees and its milestones' dates (data an admin changes), the
 * organisations that must take part, each side's explanation of a mismatch,
 * and the tracker of who has submitted and who is late
 * (docs/commands/ledger.md, "exercise", "explain", "tracker").
 */
#include <stdlib.h>
#include <string.h>

#include "ics/csv.h"
#include "ledger_internal.h"

static const char *const milestone_names[ICS_LEDGER_MILESTONES] = {
    "invoices", "payments", "statements", "submissions", "agreement",
};

const char *ics_ledger_milestone_name(int milestone)
{
    return milestone >= 0 && milestone < ICS_LEDGER_MILESTONES ? milestone_names[milestone] : "?";
}

int ics_ledger_milestone_parse(const char *text)
{
    for (int i = 0; text && i < ICS_LEDGER_MILESTONES; i++)
        if (strcmp(text, milestone_names[i]) == 0)
            return i;
    return -1;
}

static const char *const reason_names[] = {
    "timing_difference", "disputed", "accrual_not_invoiced", "cut_off", "vat", "other",
};
#define REASONS ((int)(sizeof reason_names / sizeof reason_names[0]))

const char *ics_ledger_reason_name(int reason)
{
    return reason >= 0 && reason < REASONS ? reason_names[reason] : "";
}

int ics_ledger_reason_parse(const char *text)
{
    for (int i = 0; text && i < REASONS; i++)
        if (strcmp(text, reason_names[i]) == 0)
            return i;
    return -1;
}

const char *ics_ledger_tracker_status_name(int status)
{
    static const char *const names[] = {"submitted", "submitted_late", "awaited", "late"};
    return status >= 0 && status < 4 ? names[status] : "?";
}

static const char *classes_text(int classes)
{
    return classes == ICS_LEDGER_CLASSES_RP ? "rp" : "rp,ie";
}

void ics_ledger_exercise_spec_init(struct ics_ledger_exercise_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    for (int i = 0; i < ICS_LEDGER_MILESTONES; i++)
        spec->due[i] = ICS_DATE_NONE;
}

/* The working day n working days before (n < 0) or after (n > 0) `day`. */
static int32_t working_days_from(int32_t day, int n)
{
    if (n >= 0)
        return ics_ledger_add_working_days(day, n);
    for (int k = 0; k < -n;) {
        day--;
        k += ics_ledger_is_working_day(day);
    }
    return day;
}

int ics_ledger_exercise_default_dates(const char *period, int32_t due[ICS_LEDGER_MILESTONES])
{
    int32_t last;
    if (!period || ics_ledger_period_parse(period, NULL, &last, NULL) != 0)
        return -1;
    /* 2022-23 month 12: invoices by 23 March, payments by 24 March,
     * statements on 29 March (31 March a Friday): 6, 5 and 2 working days
     * before the month's last day. The rest was not published (domain.md 1.3). */
    static const int offsets[ICS_LEDGER_MILESTONES] = {-6, -5, -2, 4, 10};
    for (int i = 0; i < ICS_LEDGER_MILESTONES; i++)
        due[i] = working_days_from(last, offsets[i]);
    return 0;
}

/* The month of a well-formed period (1 = April ... 12 = March). */
static int period_month(const char *period)
{
    return (period[9] - '0') * 10 + (period[10] - '0');
}

int icsi_ledger_exercise_classes(struct ics_ledger *l, const char *period, int *classes, struct ics_error *err)
{
    *classes = 0;
    if (l->schema_version < 9)
        return ICS_OK;
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, "SELECT kinds FROM exercise WHERE period = ?", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, period);
    rc = ics_stmt_step(st, err);
    if (rc == 1) {
        const char *k = ics_stmt_column_text(st, 0, NULL);
        *classes = k && strcmp(k, "rp") == 0 ? ICS_LEDGER_CLASSES_RP : ICS_LEDGER_CLASSES_ALL;
        rc = ICS_OK;
    }
    ics_stmt_finalize(st);
    return rc;
}

/* ---- opening and changing an exercise ------------------------------------------ */

static int check_admin_action(struct ics_ledger *l, const struct ics_ledger_action *act, char *actor,
                              struct ics_error *err)
{
    if (!act || !act->actor || icsi_ledger_code_normalise(act->actor, strlen(act->actor), actor) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "every change must name who made it (--by CODE)");
    if (act->on == ICS_DATE_NONE)
        return ics_error_set(err, ICS_ERR_USAGE, "no date for the change");
    if (l->schema_version < 9)
        return ics_error_set(err, ICS_ERR_STORE, "this ledger's schema (%d) has no exercises: open it once to "
                             "bring it up to date", l->schema_version);
    return icsi_ledger_authorize(l, LEDGER_ADMIN, NULL, NULL, err);
}

/* The organisations of spec, normalised, into codes (spec->org_count entries). */
static int normalise_orgs(const struct ics_ledger_exercise_spec *spec, char (*codes)[ICS_LEDGER_CODE_MAX],
                          struct ics_error *err)
{
    for (size_t i = 0; i < spec->org_count; i++) {
        const char *o = spec->orgs[i];
        if (!o || icsi_ledger_code_normalise(o, strlen(o), codes[i]) != 0)
            return ics_error_set(err, ICS_ERR_USAGE, "bad organisation code '%s'", o ? o : "");
        if (!ics_ledger_org_type(codes[i]))
            return ics_error_set(err, ICS_ERR_USAGE, "unknown organisation code '%s' (not in the reference data)",
                                 codes[i]);
    }
    return ICS_OK;
}

static int exec_bound(struct ics_ledger *l, const char *sql, const char *const *params, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, sql, &st, err);
    if (rc)
        return rc;
    for (int i = 0; params[i]; i++)
        ics_stmt_bind_str(st, i + 1, params[i]);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc < 0 ? rc : rc > 1 ? rc : ICS_OK;
}

/* Writes the dates given (all of them when opening) and the organisations, and the audit entry. */
static int write_exercise(struct ics_ledger *l, const char *period, const int32_t due[ICS_LEDGER_MILESTONES],
                          char (*codes)[ICS_LEDGER_CODE_MAX], size_t ncodes, const char *actor,
                          const struct ics_ledger_action *act, const char *action, char *detail, size_t dsize,
                          struct ics_error *err)
{
    const char *p1[] = {period, NULL};
    size_t dl = strlen(detail);
    int rc = ICS_OK;
    for (int i = 0; i < ICS_LEDGER_MILESTONES && !rc; i++) {
        if (due[i] == ICS_DATE_NONE)
            continue;
        char day[16];
        ics_date_format(due[i], day);
        const char *p[] = {period, milestone_names[i], day, NULL};
        rc = exec_bound(l, "INSERT INTO exercise_deadline (period, milestone, due_on) VALUES (?, ?, ?)"
                           " ON CONFLICT (period, milestone) DO UPDATE SET due_on = excluded.due_on", p, err);
        dl += (size_t)snprintf(detail + dl, dl < dsize ? dsize - dl : 0, " %s=%s", milestone_names[i], day);
    }
    for (size_t i = 0; i < ncodes && !rc; i++) {
        const char *p[] = {period, codes[i], NULL};
        rc = exec_bound(l, "INSERT INTO exercise_org (period, org) VALUES (?, ?) ON CONFLICT DO NOTHING", p, err);
        dl += (size_t)snprintf(detail + dl, dl < dsize ? dsize - dl : 0, "%s%s", i ? "," : " orgs=", codes[i]);
    }
    if (rc)
        return rc;
    struct ledger_event ev;
    icsi_event_init(&ev);
    rc = icsi_event_capture(l, &ev, "exercise", "period = ?", p1, err);
    if (!rc)
        rc = icsi_event_capture(l, &ev, "exercise_deadline", "period = ?", p1, err);
    if (!rc)
        rc = icsi_event_capture(l, &ev, "exercise_org", "period = ?", p1, err);
    if (!rc)
        rc = icsi_ledger_audit_append(l, act->at, actor, action, period, detail, &ev, err);
    icsi_event_free(&ev);
    return rc;
}

/* The classes a new exercise of spec agrees, or -1 with err set. */
static int opening_classes(const struct ics_ledger_exercise_spec *spec, struct ics_error *err)
{
    int month = period_month(spec->period), classes = spec->classes;
    if (classes == 0) {
        if (month == 6)
            return ICS_LEDGER_CLASSES_RP;
        if (month == 9 || month == 12)
            return ICS_LEDGER_CLASSES_ALL;
        ics_error_set(err, ICS_ERR_USAGE, "DHSC runs the exercise at months 6, 9 and 12: for month %d say which "
                      "kinds it agrees (--kinds rp or all)", month);
        return -1;
    }
    if (classes != ICS_LEDGER_CLASSES_RP && classes != ICS_LEDGER_CLASSES_ALL) {
        ics_error_set(err, ICS_ERR_USAGE, "an exercise agrees receivables and payables, and may add income and "
                      "expenditure (rp or all)");
        return -1;
    }
    return classes;
}

/* Opens (opening = 1) or changes the exercise of spec, in one write transaction. */
static int change_exercise(struct ics_ledger *l, const struct ics_ledger_exercise_spec *spec,
                           const struct ics_ledger_action *act, int opening, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX];
    int rc = check_admin_action(l, act, actor, err);
    if (rc)
        return rc;
    if (!spec->period || !icsi_ledger_period_valid(spec->period))
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s' (expected YYYY-YY-Mnn, e.g. 2023-24-M06)",
                             spec->period ? spec->period : "");
    int32_t due[ICS_LEDGER_MILESTONES];
    int classes = 0, any = spec->org_count > 0;
    if (opening) {
        if ((classes = opening_classes(spec, err)) < 0)
            return err->code;
        ics_ledger_exercise_default_dates(spec->period, due);
    }
    for (int i = 0; i < ICS_LEDGER_MILESTONES; i++) {
        if (spec->due[i] != ICS_DATE_NONE || !opening)
            due[i] = spec->due[i];
        any |= spec->due[i] != ICS_DATE_NONE;
    }
    if (!opening && !any)
        return ics_error_set(err, ICS_ERR_USAGE, "nothing to change: give a date or organisations");
    char (*codes)[ICS_LEDGER_CODE_MAX] = ics_calloc(spec->org_count + 1, sizeof *codes);
    if (!codes)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    rc = normalise_orgs(spec, codes, err);
    if (!rc)
        rc = ics_store_begin_write(l->store, err);
    if (rc) {
        ics_free(codes);
        return rc;
    }
    int existing = 0;
    rc = icsi_ledger_exercise_classes(l, spec->period, &existing, err);
    char detail[1024] = "";
    if (!rc && opening && existing)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "the %s exercise is open already (ics ledger exercise set changes "
                           "its dates)", spec->period);
    if (!rc && !opening && !existing)
        rc = ics_error_set(err, ICS_ERR_USAGE, "no exercise for %s (ics ledger exercise open makes one)", spec->period);
    if (!rc && !opening && spec->classes && spec->classes != existing)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "the %s exercise agrees %s: the kinds of an open exercise do not "
                           "change", spec->period, classes_text(existing));
    if (!rc && opening) {
        char on[16];
        ics_date_format(act->on, on);
        const char *p[] = {spec->period, classes_text(classes), on, NULL};
        rc = exec_bound(l, "INSERT INTO exercise (period, kinds, opened_on) VALUES (?, ?, ?)", p, err);
        snprintf(detail, sizeof detail, "kinds=%s", classes_text(classes));
    }
    if (!rc)
        rc = write_exercise(l, spec->period, due, codes, spec->org_count, actor, act,
                            opening ? "open_exercise" : "update_exercise", detail, sizeof detail, err);
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    ics_free(codes);
    return rc;
}

int ics_ledger_exercise_open(struct ics_ledger *l, const struct ics_ledger_exercise_spec *spec,
                             const struct ics_ledger_action *act, struct ics_error *err)
{
    return change_exercise(l, spec, act, 1, err);
}

int ics_ledger_exercise_update(struct ics_ledger *l, const struct ics_ledger_exercise_spec *spec,
                               const struct ics_ledger_action *act, struct ics_error *err)
{
    return change_exercise(l, spec, act, 0, err);
}

/* ---- listing exercises ------------------------------------------------------------ */

struct ics_ledger_exercises {
    struct ics_ledger_exercise *rows;
    size_t n;
};

size_t ics_ledger_exercises_count(const struct ics_ledger_exercises *x)
{
    return x->n;
}

const struct ics_ledger_exercise *ics_ledger_exercises_row(const struct ics_ledger_exercises *x, size_t i)
{
    return i < x->n ? &x->rows[i] : NULL;
}

void ics_ledger_exercises_free(struct ics_ledger_exercises *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        ics_free(x->rows[i].orgs);
    ics_free(x->rows);
    ics_free(x);
}

static struct ics_ledger_exercise *find_exercise(struct ics_ledger_exercises *x, const char *period)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->rows[i].period, period) == 0)
            return &x->rows[i];
    return NULL;
}

static int append_org(char **list, const char *org)
{
    size_t have = *list ? strlen(*list) : 0, add = strlen(org);
    char *s = ics_realloc(*list, have + add + 2);
    if (!s)
        return -1;
    if (have)
        s[have++] = ' ';
    memcpy(s + have, org, add + 1);
    *list = s;
    return 0;
}

/* SELECT what FROM table [WHERE period = ?] ORDER BY order: every period, or the one given. */
static int select_for_period(struct ics_ledger *l, const char *what, const char *table, const char *order,
                             const char *period, struct ics_stmt **st, struct ics_error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s%s ORDER BY %s", what, table, period ? " WHERE period = ?" : "", order);
    int rc = ics_store_prepare(l->store, sql, st, err);
    if (!rc && period)
        ics_stmt_bind_str(*st, 1, period);
    return rc;
}

static int read_exercises(struct ics_ledger *l, const char *period, struct ics_ledger_exercises *x,
                          struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = select_for_period(l, "period, kinds, opened_on", "exercise", "period", period, &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = ics_stmt_step(st, err)) == 1) {
        if (x->n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            struct ics_ledger_exercise *v = ics_realloc(x->rows, ncap * sizeof *v);
            if (!v) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
            x->rows = v;
            cap = ncap;
        }
        struct ics_ledger_exercise *e = &x->rows[x->n++];
        memset(e, 0, sizeof *e);
        const char *p = ics_stmt_column_text(st, 0, NULL), *k = ics_stmt_column_text(st, 1, NULL);
        const char *on = ics_stmt_column_text(st, 2, NULL);
        snprintf(e->period, sizeof e->period, "%s", p ? p : "");
        e->classes = k && strcmp(k, "rp") == 0 ? ICS_LEDGER_CLASSES_RP : ICS_LEDGER_CLASSES_ALL;
        e->opened_on = ICS_DATE_NONE;
        if (on)
            ics_date_parse(on, strlen(on), &e->opened_on);
        for (int i = 0; i < ICS_LEDGER_MILESTONES; i++)
            e->due[i] = ICS_DATE_NONE;
    }
    ics_stmt_finalize(st);
    if (rc < 0 || rc > 1)
        return rc;
    rc = select_for_period(l, "period, milestone, due_on", "exercise_deadline", "period", period, &st, err);
    if (rc)
        return rc;
    while ((rc = ics_stmt_step(st, err)) == 1) {
        const char *p = ics_stmt_column_text(st, 0, NULL), *d = ics_stmt_column_text(st, 2, NULL);
        struct ics_ledger_exercise *e = p ? find_exercise(x, p) : NULL;
        int m = ics_ledger_milestone_parse(ics_stmt_column_text(st, 1, NULL));
        if (e && m >= 0 && d)
            ics_date_parse(d, strlen(d), &e->due[m]);
    }
    ics_stmt_finalize(st);
    if (rc < 0 || rc > 1)
        return rc;
    rc = select_for_period(l, "period, org", "exercise_org", "period, org", period, &st, err);
    if (rc)
        return rc;
    while ((rc = ics_stmt_step(st, err)) == 1) {
        const char *p = ics_stmt_column_text(st, 0, NULL), *o = ics_stmt_column_text(st, 1, NULL);
        struct ics_ledger_exercise *e = p ? find_exercise(x, p) : NULL;
        if (e && o && append_org(&e->orgs, o) != 0) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            break;
        }
    }
    ics_stmt_finalize(st);
    if (rc < 0 || rc > 1)
        return rc;
    for (size_t i = 0; i < x->n; i++)
        if (!x->rows[i].orgs && !(x->rows[i].orgs = ics_calloc(1, 1)))
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    return ICS_OK;
}

int ics_ledger_exercises_list(struct ics_ledger *l, const char *period, struct ics_ledger_exercises **out,
                              struct ics_error *err)
{
    *out = NULL;
    int rc = icsi_ledger_authorize(l, LEDGER_READ, NULL, NULL, err);
    if (rc)
        return rc;
    struct ics_ledger_exercises *x = ics_calloc(1, sizeof *x);
    if (!x)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (l->schema_version >= 9) {
        rc = ics_store_begin_read(l->store, err);
        if (!rc) {
            rc = read_exercises(l, period, x, err);
            ics_store_rollback(l->store);
        }
    }
    if (rc) {
        ics_ledger_exercises_free(x);
        return rc;
    }
    *out = x;
    return ICS_OK;
}

static void write_dates_json(struct ics_json *j, const int32_t due[ICS_LEDGER_MILESTONES])
{
    char day[16];
    ics_json_key(j, "deadlines");
    ics_json_object_begin(j);
    for (int i = 0; i < ICS_LEDGER_MILESTONES; i++) {
        if (due[i] == ICS_DATE_NONE) {
            ics_json_kv_null(j, milestone_names[i]);
            continue;
        }
        ics_date_format(due[i], day);
        ics_json_kv_string(j, milestone_names[i], day);
    }
    ics_json_object_end(j);
}

static void write_exercise_json(struct ics_json *j, const struct ics_ledger_exercise *e)
{
    char day[16];
    ics_json_object_begin(j);
    ics_json_kv_string(j, "period", e->period);
    ics_json_kv_string(j, "kinds", classes_text(e->classes));
    ics_date_format(e->opened_on, day);
    ics_json_kv_string(j, "opened_on", day);
    write_dates_json(j, e->due);
    ics_json_key(j, "organisations");
    ics_json_array_begin(j);
    for (const char *p = e->orgs; p && *p;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        ics_json_string_n(j, p, len);
        p += len + (sp ? 1 : 0);
    }
    ics_json_array_end(j);
    ics_json_object_end(j);
}

int ics_ledger_exercises_write(const struct ics_ledger_exercises *x, FILE *out, int json)
{
    if (json) {
        struct ics_json j;
        ics_json_init(&j, out, 1);
        ics_json_object_begin(&j);
        ics_json_key(&j, "exercises");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < x->n; i++)
            write_exercise_json(&j, &x->rows[i]);
        ics_json_array_end(&j);
        ics_json_object_end(&j);
        if (ics_json_finish(&j) != 0)
            return ICS_ERR_INTERNAL;
        return ferror(out) ? ICS_ERR_IO : ICS_OK;
    }
    fputs("period,kinds,opened_on,invoices_due,payments_due,statements_due,submissions_due,agreement_due,"
          "organisations\n", out);
    for (size_t i = 0; i < x->n; i++) {
        const struct ics_ledger_exercise *e = &x->rows[i];
        char day[16];
        ics_date_format(e->opened_on, day);
        fprintf(out, "%s,", e->period);
        ics_csv_write_field(out, classes_text(e->classes), strlen(classes_text(e->classes)));
        fprintf(out, ",%s", day);
        for (int m = 0; m < ICS_LEDGER_MILESTONES; m++) {
            day[0] = '\0';
            if (e->due[m] != ICS_DATE_NONE)
                ics_date_format(e->due[m], day);
            fprintf(out, ",%s", day);
        }
        fprintf(out, ",%s\n", e->orgs);
    }
    return ferror(out) ? ICS_ERR_IO : ICS_OK;
}

/* ---- explanations ------------------------------------------------------------------ */

int ics_ledger_explain(struct ics_ledger *l, const struct ics_ledger_explanation_spec *spec,
                       const struct ics_ledger_action *act, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX], supplier[ICS_LEDGER_CODE_MAX], purchaser[ICS_LEDGER_CODE_MAX];
    if (!act || !act->actor || icsi_ledger_code_normalise(act->actor, strlen(act->actor), actor) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "an explanation must name the side giving it (--by CODE)");
    if (act->on == ICS_DATE_NONE)
        return ics_error_set(err, ICS_ERR_USAGE, "no date for the explanation");
    if (!spec->period || !icsi_ledger_period_valid(spec->period))
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s' (expected YYYY-YY-Mnn, e.g. 2023-24-M12)",
                             spec->period ? spec->period : "");
    if (!spec->supplier || icsi_ledger_code_normalise(spec->supplier, strlen(spec->supplier), supplier) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad supplier code '%s'", spec->supplier ? spec->supplier : "");
    if (!spec->purchaser || icsi_ledger_code_normalise(spec->purchaser, strlen(spec->purchaser), purchaser) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad purchaser code '%s'", spec->purchaser ? spec->purchaser : "");
    if (spec->cls != ICS_LEDGER_RP && spec->cls != ICS_LEDGER_IE)
        return ics_error_set(err, ICS_ERR_USAGE, "bad kind (rp or ie)");
    if (spec->reason < 0 || spec->reason >= REASONS)
        return ics_error_set(err, ICS_ERR_USAGE, "bad reason (timing_difference, disputed, accrual_not_invoiced, "
                             "cut_off, vat or other)");
    const char *note = spec->note && *spec->note ? spec->note : NULL;
    if (spec->reason == ICS_LEDGER_REASON_OTHER && !note)
        return ics_error_set(err, ICS_ERR_USAGE, "a reason of other needs a note saying what it is (--note)");
    if (note && strlen(note) >= ICS_LEDGER_NOTE_MAX)
        return ics_error_set(err, ICS_ERR_USAGE, "the note is %zu bytes: at most %d", strlen(note),
                             ICS_LEDGER_NOTE_MAX - 1);
    for (const char *c = note; c && *c; c++)
        if ((unsigned char)*c < 0x20)
            return ics_error_set(err, ICS_ERR_USAGE, "the note holds a control character (a note is one line)");
    if (strcmp(actor, supplier) != 0 && strcmp(actor, purchaser) != 0)
        return ics_error_set(err, ICS_ERR_CONFLICT, "%s is not a side of this pair: only %s or %s may explain its "
                             "difference", actor, supplier, purchaser);
    if (l->schema_version < 9)
        return ics_error_set(err, ICS_ERR_STORE, "this ledger's schema (%d) has no explanations: open it once to "
                             "bring it up to date", l->schema_version);
    int rc = icsi_ledger_authorize(l, LEDGER_DISPUTE, actor, NULL, err);
    if (!rc)
        rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    int64_t id = 0;
    rc = icsi_ledger_next_id(l, "explanation", 1, &id, err);
    struct ics_stmt *st = NULL;
    if (!rc)
        rc = ics_store_prepare(l->store, "INSERT INTO explanation (id, period, supplier, purchaser, kind, org, reason,"
                                         " note, given_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    char on[16];
    ics_date_format(act->on, on);
    if (!rc) {
        ics_stmt_bind_int64(st, 1, id);
        ics_stmt_bind_str(st, 2, spec->period);
        ics_stmt_bind_str(st, 3, supplier);
        ics_stmt_bind_str(st, 4, purchaser);
        ics_stmt_bind_str(st, 5, ics_ledger_class_name(spec->cls));
        ics_stmt_bind_str(st, 6, actor);
        ics_stmt_bind_str(st, 7, reason_names[spec->reason]);
        ics_stmt_bind_str(st, 8, note);
        ics_stmt_bind_str(st, 9, on);
        rc = ics_stmt_step(st, err);
        ics_stmt_finalize(st);
        rc = rc == 0 || rc == 1 ? ICS_OK : rc;
    }
    if (!rc) {
        char ids[24], subject[96], detail[96];
        snprintf(ids, sizeof ids, "%lld", (long long)id);
        snprintf(subject, sizeof subject, "%s %s>%s %s", spec->period, supplier, purchaser,
                 ics_ledger_class_name(spec->cls));
        snprintf(detail, sizeof detail, "reason=%s on=%s", reason_names[spec->reason], on);
        const char *p[] = {ids, NULL};
        struct ledger_event ev;
        icsi_event_init(&ev);
        rc = icsi_event_capture(l, &ev, "explanation", "id = ?", p, err);
        if (!rc)
            rc = icsi_ledger_audit_append(l, act->at, actor, "explain", subject, detail, &ev, err);
        icsi_event_free(&ev);
    }
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    return rc;
}

/* ---- the tracker ------------------------------------------------------------------- */

struct ics_ledger_tracker {
    struct ics_ledger_exercise exercise;
    int32_t as_of;
    struct ics_ledger_tracker_org *orgs;
    size_t norgs, cap;
    struct ics_ledger_tracker_statement *statements;
    size_t nstatements;
};

const struct ics_ledger_exercise *ics_ledger_tracker_exercise(const struct ics_ledger_tracker *t)
{
    return &t->exercise;
}

int32_t ics_ledger_tracker_as_of(const struct ics_ledger_tracker *t)
{
    return t->as_of;
}

size_t ics_ledger_tracker_org_count(const struct ics_ledger_tracker *t)
{
    return t->norgs;
}

const struct ics_ledger_tracker_org *ics_ledger_tracker_org_row(const struct ics_ledger_tracker *t, size_t i)
{
    return i < t->norgs ? &t->orgs[i] : NULL;
}

size_t ics_ledger_tracker_statement_count(const struct ics_ledger_tracker *t)
{
    return t->nstatements;
}

const struct ics_ledger_tracker_statement *ics_ledger_tracker_statement_row(const struct ics_ledger_tracker *t,
                                                                             size_t i)
{
    return i < t->nstatements ? &t->statements[i] : NULL;
}

void ics_ledger_tracker_free(struct ics_ledger_tracker *t)
{
    if (!t)
        return;
    ics_free(t->exercise.orgs);
    ics_free(t->orgs);
    ics_free(t->statements);
    ics_free(t);
}

/* The organisation's row, added (in no order yet) when missing; NULL out of memory. */
static struct ics_ledger_tracker_org *tracker_org(struct ics_ledger_tracker *t, const char *org)
{
    for (size_t i = 0; i < t->norgs; i++)
        if (strcmp(t->orgs[i].org, org) == 0)
            return &t->orgs[i];
    if (t->norgs == t->cap) {
        size_t ncap = t->cap ? 2 * t->cap : 16;
        struct ics_ledger_tracker_org *v = ics_realloc(t->orgs, ncap * sizeof *v);
        if (!v)
            return NULL;
        t->orgs = v;
        t->cap = ncap;
    }
    struct ics_ledger_tracker_org *o = &t->orgs[t->norgs++];
    memset(o, 0, sizeof *o);
    snprintf(o->org, sizeof o->org, "%s", org);
    const char *name = ics_ledger_org_name(org);
    o->name = name ? name : "";
    o->first_submitted_on = o->submitted_on = ICS_DATE_NONE;
    o->lines = -1;
    return o;
}

static int tracker_org_cmp(const void *x, const void *y)
{
    return strcmp(((const struct ics_ledger_tracker_org *)x)->org, ((const struct ics_ledger_tracker_org *)y)->org);
}

/* Each organisation's versions submitted by the end of as_of. */
static int read_submissions(struct ics_ledger *l, struct ics_ledger_tracker *t, const char *viewer,
                            struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, "SELECT org, version, submitted_at, line_count FROM submission"
                                         " WHERE period = ? ORDER BY org, version", &st, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(st, 1, t->exercise.period);
    while ((rc = ics_stmt_step(st, err)) == 1) {
        const char *org = ics_stmt_column_text(st, 0, NULL);
        int32_t on = icsi_ledger_london_date(ics_stmt_column_text(st, 2, NULL));
        if (!org || on == ICS_DATE_NONE || on > t->as_of)
            continue;
        struct ics_ledger_tracker_org *o = tracker_org(t, org);
        if (!o) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            break;
        }
        if (o->first_submitted_on == ICS_DATE_NONE)
            o->first_submitted_on = on;
        o->version = (int)ics_stmt_column_int64(st, 1);
        o->submitted_on = on;
        /* How much another organisation reported stays with its pairs. */
        if (!viewer || strcmp(viewer, org) == 0)
            o->lines = ics_stmt_column_int64(st, 3);
    }
    ics_stmt_finalize(st);
    return rc < 0 || rc > 1 ? rc : ICS_OK;
}

static int tracker_must_agree(const struct ics_ledger_comparison *c)
{
    return c->status == ICS_LEDGER_MISMATCH || c->status == ICS_LEDGER_DISPUTED;
}

/* Organisations another statement names over the statement threshold, and
 * what each must still do; the statements required. */
static int add_from_match(struct ics_ledger_tracker *t, const struct ics_ledger_match *m, struct ics_error *err)
{
    size_t n = ics_ledger_match_count(m);
    t->statements = ics_calloc(n + 1, sizeof *t->statements);
    if (!t->statements)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct ics_ledger_comparison *c = ics_ledger_match_row(m, i);
        if (!c->statement_required && !tracker_must_agree(c))
            continue;
        for (int side = 0; side < 2; side++) {
            const char *org = side ? c->purchaser : c->supplier, *other = side ? c->supplier : c->purchaser;
            int reported = side ? c->purchaser_reported : c->supplier_reported;
            const char *type = ics_ledger_org_type(org);
            int known = 0;
            for (size_t k = 0; k < t->norgs && !known; k++)
                known = strcmp(t->orgs[k].org, org) == 0;
            /* Local authorities are outside the DHSC boundary: their side is not chased. */
            if (!known && (!c->statement_required || (type && strcmp(type, "local_authority") == 0)))
                continue;
            struct ics_ledger_tracker_org *o = tracker_org(t, org);
            if (!o)
                return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            if (!o->named_by[0] && !o->registered && o->version == 0)
                snprintf(o->named_by, sizeof o->named_by, "%s", other);
            if (c->statement_required) {
                o->statements_required += side == 0;
                o->statements_awaited += !reported;
            }
            /* An open dispute explains a difference: only a plain mismatch waits for a reason. */
            if (c->status == ICS_LEDGER_MISMATCH &&
                (side ? c->purchaser_reason : c->supplier_reason) == ICS_LEDGER_REASON_NONE)
                o->unexplained++;
        }
        if (!c->statement_required)
            continue;
        struct ics_ledger_tracker_statement *s = &t->statements[t->nstatements++];
        snprintf(s->supplier, sizeof s->supplier, "%s", c->supplier);
        snprintf(s->purchaser, sizeof s->purchaser, "%s", c->purchaser);
        s->cls = c->cls;
        s->supplier_total = c->supplier_total;
        s->purchaser_total = c->purchaser_total;
        s->supplier_reported = c->supplier_reported;
        s->purchaser_reported = c->purchaser_reported;
        s->agreement_required = c->agreement_required;
        s->status = c->status;
    }
    return ICS_OK;
}

int ics_ledger_tracker(struct ics_ledger *l, const char *period, const struct ics_ledger_thresholds *thresholds,
                       int32_t as_of, struct ics_ledger_tracker **out, struct ics_error *err)
{
    *out = NULL;
    if (!period || !icsi_ledger_period_valid(period))
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s' (expected YYYY-YY-Mnn, e.g. 2023-24-M12)",
                             period ? period : "");
    struct ics_ledger_exercises *x = NULL;
    int rc = ics_ledger_exercises_list(l, period, &x, err);
    if (rc)
        return rc;
    if (ics_ledger_exercises_count(x) == 0) {
        ics_ledger_exercises_free(x);
        return ics_error_set(err, ICS_ERR_USAGE, "no exercise for %s (ics ledger exercise open makes one)", period);
    }
    struct ics_ledger_tracker *t = ics_calloc(1, sizeof *t);
    if (!t) {
        ics_ledger_exercises_free(x);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    /* The exercise's row moves into the tracker with its list of organisations. */
    t->exercise = x->rows[0];
    x->rows[0].orgs = NULL;
    ics_ledger_exercises_free(x);
    t->as_of = as_of == ICS_DATE_NONE ? icsi_ledger_today() : as_of;

    for (const char *p = t->exercise.orgs; *p && !rc;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        char code[ICS_LEDGER_CODE_MAX];
        snprintf(code, sizeof code, "%.*s", (int)len, p);
        struct ics_ledger_tracker_org *o = tracker_org(t, code);
        if (!o)
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        else
            o->registered = 1;
        p += len + (sp ? 1 : 0);
    }
    if (!rc)
        rc = ics_store_begin_read(l->store, err);
    if (!rc) {
        rc = read_submissions(l, t, icsi_ledger_viewer(l), err);
        ics_store_rollback(l->store);
    }
    struct ics_ledger_match *m = NULL;
    if (!rc)
        rc = ics_ledger_match_at(l, period, thresholds, as_of, &m, err);
    if (!rc)
        rc = add_from_match(t, m, err);
    ics_ledger_match_free(m);
    if (rc) {
        ics_ledger_tracker_free(t);
        return rc;
    }
    int32_t due = t->exercise.due[ICS_LEDGER_DUE_SUBMISSIONS];
    for (size_t i = 0; i < t->norgs; i++) {
        struct ics_ledger_tracker_org *o = &t->orgs[i];
        if (o->first_submitted_on != ICS_DATE_NONE) {
            int late = due != ICS_DATE_NONE && o->first_submitted_on > due;
            o->status = late ? ICS_LEDGER_SUBMITTED_LATE : ICS_LEDGER_SUBMITTED;
            o->working_days_late = late ? ics_ledger_working_days_between(due, o->first_submitted_on) : 0;
        } else {
            int late = due != ICS_DATE_NONE && t->as_of > due;
            o->status = late ? ICS_LEDGER_LATE : ICS_LEDGER_AWAITED;
            o->working_days_late = late ? ics_ledger_working_days_between(due, t->as_of) : 0;
        }
    }
    if (t->norgs)
        qsort(t->orgs, t->norgs, sizeof *t->orgs, tracker_org_cmp);
    *out = t;
    return ICS_OK;
}

static void write_date_csv(FILE *out, int32_t day)
{
    char text[16] = "";
    if (day != ICS_DATE_NONE)
        ics_date_format(day, text);
    fprintf(out, ",%s", text);
}

static void write_date_json(struct ics_json *j, const char *key, int32_t day)
{
    char text[16];
    if (day == ICS_DATE_NONE) {
        ics_json_kv_null(j, key);
        return;
    }
    ics_date_format(day, text);
    ics_json_kv_string(j, key, text);
}

static void write_org_json(struct ics_json *j, const struct ics_ledger_tracker_org *o)
{
    ics_json_object_begin(j);
    ics_json_kv_string(j, "org", o->org);
    ics_json_kv_string(j, "name", o->name);
    ics_json_kv_bool(j, "registered", o->registered);
    if (o->named_by[0])
        ics_json_kv_string(j, "named_by", o->named_by);
    else
        ics_json_kv_null(j, "named_by");
    ics_json_kv_string(j, "status", ics_ledger_tracker_status_name(o->status));
    write_date_json(j, "first_submitted_on", o->first_submitted_on);
    if (o->version)
        ics_json_kv_int(j, "version", o->version);
    else
        ics_json_kv_null(j, "version");
    write_date_json(j, "submitted_on", o->submitted_on);
    if (o->lines >= 0)
        ics_json_kv_int(j, "lines", o->lines);
    else
        ics_json_kv_null(j, "lines");
    ics_json_kv_int(j, "working_days_late", o->working_days_late);
    ics_json_kv_int(j, "statements_required", o->statements_required);
    ics_json_kv_int(j, "statements_awaited", o->statements_awaited);
    ics_json_kv_int(j, "unexplained", o->unexplained);
    ics_json_object_end(j);
}

static const char *awaiting(const struct ics_ledger_tracker_statement *s)
{
    if (s->supplier_reported && s->purchaser_reported)
        return "";
    if (s->supplier_reported)
        return "purchaser";
    return s->purchaser_reported ? "supplier" : "both";
}

static void write_statement_json(struct ics_json *j, const struct ics_ledger_tracker_statement *s)
{
    char a[24], b[24];
    ics_json_object_begin(j);
    ics_json_kv_string(j, "supplier", s->supplier);
    ics_json_kv_string(j, "purchaser", s->purchaser);
    ics_json_kv_string(j, "kind", ics_ledger_class_name(s->cls));
    ics_json_key(j, "supplier_total");
    ics_json_raw_number(j, icsi_ledger_money(s->supplier_total, a));
    ics_json_key(j, "purchaser_total");
    ics_json_raw_number(j, icsi_ledger_money(s->purchaser_total, b));
    ics_json_kv_bool(j, "supplier_reported", s->supplier_reported);
    ics_json_kv_bool(j, "purchaser_reported", s->purchaser_reported);
    if (*awaiting(s))
        ics_json_kv_string(j, "awaiting", awaiting(s));
    else
        ics_json_kv_null(j, "awaiting");
    ics_json_kv_bool(j, "agreement_required", s->agreement_required);
    ics_json_kv_string(j, "status", ics_ledger_status_name(s->status));
    ics_json_object_end(j);
}

int ics_ledger_tracker_write(const struct ics_ledger_tracker *t, FILE *out, int json, int view)
{
    const char *period = t->exercise.period;
    if (json) {
        struct ics_json j;
        ics_json_init(&j, out, 1);
        ics_json_object_begin(&j);
        ics_json_kv_string(&j, "period", period);
        ics_json_kv_string(&j, "kinds", classes_text(t->exercise.classes));
        write_date_json(&j, "as_of", t->as_of);
        write_dates_json(&j, t->exercise.due);
        ics_json_key(&j, "organisations");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < t->norgs; i++)
            write_org_json(&j, &t->orgs[i]);
        ics_json_array_end(&j);
        ics_json_key(&j, "statements");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < t->nstatements; i++)
            write_statement_json(&j, &t->statements[i]);
        ics_json_array_end(&j);
        ics_json_object_end(&j);
        if (ics_json_finish(&j) != 0)
            return ICS_ERR_INTERNAL;
        return ferror(out) ? ICS_ERR_IO : ICS_OK;
    }
    if (view == 1) {
        fputs("period,supplier,purchaser,kind,supplier_total,purchaser_total,supplier_reported,purchaser_reported,"
              "awaiting,agreement_required,status\n", out);
        for (size_t i = 0; i < t->nstatements; i++) {
            const struct ics_ledger_tracker_statement *s = &t->statements[i];
            char a[24], b[24];
            fprintf(out, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", period, s->supplier, s->purchaser,
                    ics_ledger_class_name(s->cls), icsi_ledger_money(s->supplier_total, a),
                    icsi_ledger_money(s->purchaser_total, b), s->supplier_reported ? "yes" : "no",
                    s->purchaser_reported ? "yes" : "no", awaiting(s), s->agreement_required ? "yes" : "no",
                    ics_ledger_status_name(s->status));
        }
        return ferror(out) ? ICS_ERR_IO : ICS_OK;
    }
    fputs("period,org,name,registered,named_by,status,first_submitted_on,version,submitted_on,lines,"
          "working_days_late,statements_required,statements_awaited,unexplained\n", out);
    for (size_t i = 0; i < t->norgs; i++) {
        const struct ics_ledger_tracker_org *o = &t->orgs[i];
        fprintf(out, "%s,%s,", period, o->org);
        ics_csv_write_field(out, o->name, strlen(o->name));
        fprintf(out, ",%s,%s,%s", o->registered ? "yes" : "no", o->named_by, ics_ledger_tracker_status_name(o->status));
        write_date_csv(out, o->first_submitted_on);
        if (o->version)
            fprintf(out, ",%d", o->version);
        else
            fputs(",", out);
        write_date_csv(out, o->submitted_on);
        if (o->lines >= 0)
            fprintf(out, ",%lld", (long long)o->lines);
        else
            fputs(",", out);
        fprintf(out, ",%d,%d,%d,%d\n", o->working_days_late, o->statements_required, o->statements_awaited,
                o->unexplained);
    }
    return ferror(out) ? ICS_ERR_IO : ICS_OK;
}
