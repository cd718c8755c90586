/*
 * Disputes between two organisations over an amount (optionally invoices):
 * local_negotiation -> executive_escalation -> mediation -> determination ->
 * closed, one stage at a time. Only the two parties act, except the named
 * referee, who alone determines. A determination is a pendulum decision: one
 * party's final (latest) offer, whole. Each stage has a deadline in working
 * days (table stage_deadline) fixed when the stage is entered.
 * Every action is a dispute_event row and an audit entry, in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics/core.h"
#include "ledger_internal.h"

struct ics_ledger_disputes {
    struct ics_ledger_dispute *rows;
    size_t n, cap;
};

static void free_rows(struct ics_ledger_disputes *d)
{
    for (size_t i = 0; i < d->n; i++) {
        ics_free(d->rows[i].description);
        ics_free(d->rows[i].invoices);
    }
    ics_free(d->rows);
    d->rows = NULL;
    d->n = d->cap = 0;
}

static int32_t column_date(struct ics_stmt *st, int col)
{
    size_t len;
    const char *t = ics_stmt_column_text(st, col, &len);
    int32_t d;
    if (!t || ics_date_parse(t, len, &d) != 0)
        return ICS_DATE_NONE;
    return d;
}

static void column_copy(struct ics_stmt *st, int col, char *out, size_t size)
{
    const char *t = ics_stmt_column_text(st, col, NULL);
    snprintf(out, size, "%s", t ? t : "");
}

static char *column_dup(struct ics_stmt *st, int col)
{
    size_t len;
    const char *t = ics_stmt_column_text(st, col, &len);
    return ics_strndup(t ? t : "", t ? len : 0);
}

static int load_invoices(struct ics_ledger *l, struct ics_ledger_dispute *d, struct ics_error *err)
{
    struct ics_stmt *q;
    int rc = ics_store_prepare(l->store, "SELECT invoice_ref FROM dispute_invoice WHERE dispute_id = ?"
                                         " ORDER BY invoice_ref", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_int64(q, 1, d->id);
    size_t len = 0, cap = 64;
    char *s = ics_malloc(cap);
    if (!s) {
        ics_stmt_finalize(q);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    s[0] = '\0';
    while ((rc = ics_stmt_step(q, err)) == 1) {
        size_t n;
        const char *ref = ics_stmt_column_text(q, 0, &n);
        if (!ref)
            continue;
        if (len + n + 2 > cap) {
            while (len + n + 2 > cap)
                cap *= 2;
            char *p = ics_realloc(s, cap);
            if (!p) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
            s = p;
        }
        if (len)
            s[len++] = ' ';
        memcpy(s + len, ref, n);
        len += n;
        s[len] = '\0';
    }
    ics_stmt_finalize(q);
    if (rc) {
        ics_free(s);
        return rc;
    }
    d->invoices = s;
    return ICS_OK;
}

/* Reads disputes (all, or one id, or one org's) with their final offers; no
 * transaction handling here, the caller has one open. */
static int fetch(struct ics_ledger *l, int64_t id, const char *org, struct ics_ledger_disputes *out,
                 struct ics_error *err)
{
    struct ics_stmt *q;
    int rc = ics_store_prepare(
        l->store,
        "SELECT d.id, d.period, d.supplier, d.purchaser, d.kind, d.amount, d.description, d.raised_by,"
        " d.referee, d.stage, d.opened_on, d.stage_started_on, d.deadline_on, d.outcome, d.awarded_to,"
        " d.settled_amount, d.closed_on,"
        " (SELECT e.amount FROM dispute_event e WHERE e.dispute_id = d.id AND e.action = 'offer'"
        "   AND e.actor = d.supplier ORDER BY e.seq DESC LIMIT 1),"
        " (SELECT e.amount FROM dispute_event e WHERE e.dispute_id = d.id AND e.action = 'offer'"
        "   AND e.actor = d.purchaser ORDER BY e.seq DESC LIMIT 1)"
        " FROM dispute d WHERE (? = 0 OR d.id = ?) AND (? = '' OR d.supplier = ? OR d.purchaser = ?)"
        " ORDER BY d.id", &q, err);
    if (rc)
        return rc;
    const char *o = org ? org : "";
    ics_stmt_bind_int64(q, 1, id);
    ics_stmt_bind_int64(q, 2, id);
    ics_stmt_bind_str(q, 3, o);
    ics_stmt_bind_str(q, 4, o);
    ics_stmt_bind_str(q, 5, o);
    while ((rc = ics_stmt_step(q, err)) == 1) {
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            struct ics_ledger_dispute *p = ics_realloc(out->rows, cap * sizeof *p);
            if (!p) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
            out->rows = p;
            out->cap = cap;
        }
        struct ics_ledger_dispute *d = &out->rows[out->n];
        memset(d, 0, sizeof *d);
        d->id = ics_stmt_column_int64(q, 0);
        column_copy(q, 1, d->period, sizeof d->period);
        column_copy(q, 2, d->supplier, sizeof d->supplier);
        column_copy(q, 3, d->purchaser, sizeof d->purchaser);
        d->cls = ics_ledger_class_parse(ics_stmt_column_text(q, 4, NULL));
        d->amount = ics_stmt_column_int64(q, 5);
        d->description = column_dup(q, 6);
        column_copy(q, 7, d->raised_by, sizeof d->raised_by);
        column_copy(q, 8, d->referee, sizeof d->referee);
        d->stage = ics_ledger_stage_parse(ics_stmt_column_text(q, 9, NULL));
        d->opened_on = column_date(q, 10);
        d->stage_started_on = column_date(q, 11);
        d->deadline_on = column_date(q, 12);
        column_copy(q, 13, d->outcome, sizeof d->outcome);
        column_copy(q, 14, d->awarded_to, sizeof d->awarded_to);
        d->has_settled = !ics_stmt_column_is_null(q, 15);
        d->settled_amount = ics_stmt_column_int64(q, 15);
        d->closed_on = column_date(q, 16);
        d->has_supplier_offer = !ics_stmt_column_is_null(q, 17);
        d->supplier_offer = ics_stmt_column_int64(q, 17);
        d->has_purchaser_offer = !ics_stmt_column_is_null(q, 18);
        d->purchaser_offer = ics_stmt_column_int64(q, 18);
        out->n++;
        if (!d->description) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            break;
        }
    }
    ics_stmt_finalize(q);
    for (size_t i = 0; !rc && i < out->n; i++)
        rc = load_invoices(l, &out->rows[i], err);
    return rc;
}

static int stage_days(struct ics_ledger *l, int stage, int64_t *days, struct ics_error *err)
{
    const char *p[] = {ics_ledger_stage_name(stage), NULL};
    int found;
    int rc = icsi_ledger_query_int(l, "SELECT working_days FROM stage_deadline WHERE stage = ?", p, days, &found, err);
    if (!rc && !found)
        rc = ics_error_set(err, ICS_ERR_INTERNAL, "no deadline for stage %s", p[0]);
    return rc;
}

static int add_event(struct ics_ledger *l, int64_t id, const char *action, const char *actor, int32_t on,
                     int stage, const int64_t *amount, const char *note, struct ics_error *err)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *p[] = {idtext, NULL};
    int64_t seq;
    int rc = icsi_ledger_query_int(l, "SELECT COALESCE(MAX(seq), 0) + 1 FROM dispute_event"
                                 " WHERE dispute_id = CAST(? AS INTEGER)", p, &seq, NULL, err);
    if (rc)
        return rc;
    struct ics_stmt *st;
    rc = ics_store_prepare(l->store, "INSERT INTO dispute_event (dispute_id, seq, action, actor, on_date, stage,"
                                     " amount, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc)
        return rc;
    char date[16];
    ics_date_format(on, date);
    ics_stmt_bind_int64(st, 1, id);
    ics_stmt_bind_int64(st, 2, seq);
    ics_stmt_bind_str(st, 3, action);
    ics_stmt_bind_str(st, 4, actor);
    ics_stmt_bind_str(st, 5, date);
    ics_stmt_bind_str(st, 6, ics_ledger_stage_name(stage));
    if (amount)
        ics_stmt_bind_int64(st, 7, *amount);
    else
        ics_stmt_bind_null(st, 7);
    ics_stmt_bind_str(st, 8, note);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc;
}

static int audit_action(struct ics_ledger *l, const struct ics_ledger_action *act, const char *actor,
                        const char *action, int64_t id, struct ics_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int audit_action(struct ics_ledger *l, const struct ics_ledger_action *act, const char *actor,
                        const char *action, int64_t id, struct ics_error *err, const char *fmt, ...)
{
    char subject[48], detail[1024], date[16];
    snprintf(subject, sizeof subject, "dispute %lld", (long long)id);
    ics_date_format(act->on, date);
    int k = snprintf(detail, sizeof detail, "on=%s ", date);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail + k, sizeof detail - (size_t)k, fmt, ap);
    va_end(ap);
    if (act->note && *act->note) {
        size_t used = strlen(detail);
        snprintf(detail + used, sizeof detail - used, " note=%s", act->note);
    }
    /* The dispute's rows as they now are: the event the state is replayed from. */
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    const char *p[] = {idtext, NULL};
    struct ledger_event ev;
    icsi_event_init(&ev);
    int rc = icsi_event_capture(l, &ev, "dispute", "id = CAST(? AS INTEGER)", p, err);
    if (!rc)
        rc = icsi_event_capture(l, &ev, "dispute_invoice", "dispute_id = CAST(? AS INTEGER)", p, err);
    if (!rc)
        rc = icsi_event_capture(l, &ev, "dispute_event", "dispute_id = CAST(? AS INTEGER)", p, err);
    if (!rc)
        rc = icsi_event_capture(l, &ev, "adjustment", "dispute_id = CAST(? AS INTEGER)", p, err);
    if (!rc)
        rc = icsi_ledger_audit_append(l, act->at, actor, action, subject, detail, &ev, err);
    icsi_event_free(&ev);
    return rc;
}

/* Normalises the actor and checks the date, then whether the identity acting
 * may act as that organisation (LEDGER_DETERMINE is checked once the dispute
 * and its referee are known); the error says what is wrong. */
static int check_action(struct ics_ledger *l, const struct ics_ledger_action *act, enum ledger_action kind,
                        char *actor, struct ics_error *err)
{
    if (!act || !act->actor || icsi_ledger_code_normalise(act->actor, strlen(act->actor), actor) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "every action must name who acted (--by CODE)");
    if (act->on == ICS_DATE_NONE)
        return ics_error_set(err, ICS_ERR_USAGE, "no date for the action");
    return kind == LEDGER_DETERMINE ? ICS_OK : icsi_ledger_authorize(l, kind, actor, NULL, err);
}

/* A settlement's adjustment: it clears the disputed amount of the pair's
 * difference; `settled` is what the purchaser owes of it (the award, or the
 * agreed sum). */
static int post_adjustment(struct ics_ledger *l, const struct ics_ledger_dispute *x, int64_t settled,
                           const char *reason, int32_t on, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, "INSERT INTO adjustment (dispute_id, period, supplier, purchaser, kind, cleared,"
                                         " settled, reason, on_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc)
        return rc;
    char day[16];
    ics_date_format(on, day);
    ics_stmt_bind_int64(st, 1, x->id);
    ics_stmt_bind_str(st, 2, x->period);
    ics_stmt_bind_str(st, 3, x->supplier);
    ics_stmt_bind_str(st, 4, x->purchaser);
    ics_stmt_bind_str(st, 5, ics_ledger_class_name(x->cls));
    ics_stmt_bind_int64(st, 6, x->amount);
    ics_stmt_bind_int64(st, 7, settled);
    ics_stmt_bind_str(st, 8, reason);
    ics_stmt_bind_str(st, 9, day);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc == 0 ? ICS_OK : rc;
}

/* Opens a write transaction and loads dispute `id`; on failure nothing is left open. */
static int begin_on(struct ics_ledger *l, int64_t id, struct ics_ledger_disputes *d, const char *actor,
                    const struct ics_ledger_action *act, struct ics_error *err)
{
    int rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    rc = fetch(l, id, NULL, d, err);
    if (!rc && d->n == 0)
        rc = ics_error_set(err, ICS_ERR_NOT_FOUND, "no dispute %lld", (long long)id);
    if (!rc) {
        const struct ics_ledger_dispute *x = &d->rows[0];
        if (x->stage == ICS_LEDGER_CLOSED)
            rc = ics_error_set(err, ICS_ERR_CONFLICT, "dispute %lld is closed", (long long)id);
        else if (act->on < x->stage_started_on) {
            char a[16], b[16];
            ics_date_format(act->on, a);
            ics_date_format(x->stage_started_on, b);
            rc = ics_error_set(err, ICS_ERR_CONFLICT, "dispute %lld: the action date %s is before its current stage began (%s)",
                               (long long)id, a, b);
        }
    }
    (void)actor;
    if (rc) {
        ics_store_rollback(l->store);
        free_rows(d);
    }
    return rc;
}

static int finish(struct ics_ledger *l, struct ics_ledger_disputes *d, int rc, struct ics_error *err)
{
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    free_rows(d);
    return rc;
}

static int is_party(const struct ics_ledger_dispute *d, const char *code)
{
    return strcmp(d->supplier, code) == 0 || strcmp(d->purchaser, code) == 0;
}

static int not_a_party(struct ics_ledger *l, const struct ics_ledger_dispute *d, const char *actor,
                       struct ics_error *err)
{
    /* To an identified organisation that is neither party nor referee the dispute does not exist: the
     * answer row-level security gives on PostgreSQL, and it tells no one what others dispute. */
    const char *viewer = icsi_ledger_viewer(l);
    if (viewer && !is_party(d, viewer) && strcmp(d->referee, viewer) != 0)
        return ics_error_set(err, ICS_ERR_NOT_FOUND, "no dispute %lld", (long long)d->id);
    return ics_error_set(err, ICS_ERR_CONFLICT, "%s is not a party to dispute %lld (only %s and %s may act on it)",
                         actor, (long long)d->id, d->supplier, d->purchaser);
}

int ics_ledger_dispute_open(struct ics_ledger *l, const struct ics_ledger_dispute_spec *spec,
                            const struct ics_ledger_action *act, int64_t *id, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX], supplier[ICS_LEDGER_CODE_MAX], purchaser[ICS_LEDGER_CODE_MAX];
    char referee[ICS_LEDGER_CODE_MAX] = "";
    int rc = check_action(l, act, LEDGER_DISPUTE, actor, err);
    if (rc)
        return rc;
    if (!spec->period || !icsi_ledger_period_valid(spec->period))
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s' (expected YYYY-YY-Mnn, e.g. 2018-19-M12)",
                             spec->period ? spec->period : "");
    if (!spec->supplier || icsi_ledger_code_normalise(spec->supplier, strlen(spec->supplier), supplier) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad supplier code '%s'", spec->supplier ? spec->supplier : "");
    if (!spec->purchaser || icsi_ledger_code_normalise(spec->purchaser, strlen(spec->purchaser), purchaser) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad purchaser code '%s'", spec->purchaser ? spec->purchaser : "");
    if (strcmp(supplier, purchaser) == 0)
        return ics_error_set(err, ICS_ERR_USAGE, "a dispute needs two different organisations");
    if (spec->cls != ICS_LEDGER_RP && spec->cls != ICS_LEDGER_IE)
        return ics_error_set(err, ICS_ERR_USAGE, "bad kind (rp or ie)");
    if (spec->amount <= 0)
        return ics_error_set(err, ICS_ERR_USAGE, "the disputed amount must be more than zero");
    if (spec->referee && *spec->referee) {
        if (icsi_ledger_code_normalise(spec->referee, strlen(spec->referee), referee) != 0)
            return ics_error_set(err, ICS_ERR_USAGE, "bad referee code '%s'", spec->referee);
        if (strcmp(referee, supplier) == 0 || strcmp(referee, purchaser) == 0)
            return ics_error_set(err, ICS_ERR_CONFLICT, "the referee cannot be a party to the dispute");
    }
    if (strcmp(actor, supplier) != 0 && strcmp(actor, purchaser) != 0)
        return ics_error_set(err, ICS_ERR_CONFLICT, "%s is not a party: only %s or %s may open this dispute", actor,
                             supplier, purchaser);
    for (size_t i = 0; i < spec->invoice_count; i++)
        if (!spec->invoices[i] || !*spec->invoices[i] || strchr(spec->invoices[i], ' '))
            return ics_error_set(err, ICS_ERR_USAGE, "bad invoice ref '%s' (empty or with a space)",
                                 spec->invoices[i] ? spec->invoices[i] : "");

    rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    int64_t new_id = 0, days = 0;
    struct ics_stmt *st = NULL;
    rc = icsi_ledger_next_id(l, "dispute", 1, &new_id, err);
    if (!rc)
        rc = stage_days(l, ICS_LEDGER_LOCAL_NEGOTIATION, &days, err);
    if (!rc)
        rc = ics_store_prepare(l->store,
                               "INSERT INTO dispute (id, period, supplier, purchaser, kind, amount, description,"
                               " raised_by, referee, stage, opened_on, stage_started_on, deadline_on)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'local_negotiation', ?, ?, ?)", &st, err);
    if (!rc) {
        char on[16], deadline[16];
        ics_date_format(act->on, on);
        ics_date_format(ics_ledger_add_working_days(act->on, (int)days), deadline);
        ics_stmt_bind_int64(st, 1, new_id);
        ics_stmt_bind_str(st, 2, spec->period);
        ics_stmt_bind_str(st, 3, supplier);
        ics_stmt_bind_str(st, 4, purchaser);
        ics_stmt_bind_str(st, 5, ics_ledger_class_name(spec->cls));
        ics_stmt_bind_int64(st, 6, spec->amount);
        ics_stmt_bind_str(st, 7, spec->description ? spec->description : "");
        ics_stmt_bind_str(st, 8, actor);
        ics_stmt_bind_str(st, 9, referee[0] ? referee : NULL);
        ics_stmt_bind_str(st, 10, on);
        ics_stmt_bind_str(st, 11, on);
        ics_stmt_bind_str(st, 12, deadline);
        rc = ics_stmt_step(st, err);
        ics_stmt_finalize(st);
        st = NULL;
    }
    if (!rc && spec->invoice_count) {
        rc = ics_store_prepare(l->store, "INSERT INTO dispute_invoice (dispute_id, invoice_ref) VALUES (?, ?)"
                                         " ON CONFLICT DO NOTHING", &st, err);
        for (size_t i = 0; !rc && i < spec->invoice_count; i++) {
            ics_stmt_bind_int64(st, 1, new_id);
            ics_stmt_bind_str(st, 2, spec->invoices[i]);
            rc = ics_stmt_step(st, err);
            ics_stmt_reset(st);
        }
        ics_stmt_finalize(st);
    }
    if (!rc)
        rc = add_event(l, new_id, "open", actor, act->on, ICS_LEDGER_LOCAL_NEGOTIATION, &spec->amount, act->note, err);
    if (!rc) {
        char m[24];
        rc = audit_action(l, act, actor, "dispute_open", new_id, err, "period=%s supplier=%s purchaser=%s kind=%s amount=%s%s%s",
                          spec->period, supplier, purchaser, ics_ledger_class_name(spec->cls),
                          icsi_ledger_money(spec->amount, m), referee[0] ? " referee=" : "", referee);
    }
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc) {
        ics_store_rollback(l->store);
        return rc;
    }
    if (id)
        *id = new_id;
    return ICS_OK;
}

int ics_ledger_dispute_offer(struct ics_ledger *l, int64_t id, int64_t amount, const struct ics_ledger_action *act,
                             struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX];
    int rc = check_action(l, act, LEDGER_DISPUTE, actor, err);
    if (rc)
        return rc;
    if (amount < 0)
        return ics_error_set(err, ICS_ERR_USAGE, "an offer cannot be negative");
    struct ics_ledger_disputes d = {0};
    rc = begin_on(l, id, &d, actor, act, err);
    if (rc)
        return rc;
    const struct ics_ledger_dispute *x = &d.rows[0];
    if (!is_party(x, actor))
        rc = not_a_party(l, x, actor, err);
    else if (x->stage == ICS_LEDGER_DETERMINATION)
        rc = ics_error_set(err, ICS_ERR_CONFLICT,
                           "dispute %lld is at determination: offers are closed and the referee decides between the final offers",
                           (long long)id);
    if (!rc)
        rc = add_event(l, id, "offer", actor, act->on, x->stage, &amount, act->note, err);
    if (!rc) {
        char m[24];
        rc = audit_action(l, act, actor, "dispute_offer", id, err, "stage=%s amount=%s", ics_ledger_stage_name(x->stage),
                          icsi_ledger_money(amount, m));
    }
    return finish(l, &d, rc, err);
}

static int update_dispute(struct ics_ledger *l, const char *sql, int64_t id, const char *const *texts, int ntexts,
                          const int64_t *amount, struct ics_error *err)
{
    struct ics_stmt *st;
    int rc = ics_store_prepare(l->store, sql, &st, err);
    if (rc)
        return rc;
    int k = 1;
    for (int i = 0; i < ntexts; i++)
        ics_stmt_bind_str(st, k++, texts[i]);
    if (amount)
        ics_stmt_bind_int64(st, k++, *amount);
    ics_stmt_bind_int64(st, k, id);
    rc = ics_stmt_step(st, err);
    ics_stmt_finalize(st);
    return rc;
}

int ics_ledger_dispute_escalate(struct ics_ledger *l, int64_t id, int to_stage, const char *referee_in,
                                const struct ics_ledger_action *act, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX], referee[ICS_LEDGER_CODE_MAX] = "";
    int rc = check_action(l, act, LEDGER_DISPUTE, actor, err);
    if (rc)
        return rc;
    if (referee_in && *referee_in && icsi_ledger_code_normalise(referee_in, strlen(referee_in), referee) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad referee code '%s'", referee_in);
    struct ics_ledger_disputes d = {0};
    rc = begin_on(l, id, &d, actor, act, err);
    if (rc)
        return rc;
    const struct ics_ledger_dispute *x = &d.rows[0];
    int next = x->stage + 1;
    if (!referee[0])
        snprintf(referee, sizeof referee, "%s", x->referee);
    if (!is_party(x, actor))
        rc = not_a_party(l, x, actor, err);
    else if (x->stage == ICS_LEDGER_DETERMINATION)
        rc = ics_error_set(err, ICS_ERR_CONFLICT,
                           "dispute %lld is already at determination: the referee determines it (or the parties close it)",
                           (long long)id);
    else if (to_stage >= 0 && to_stage != next)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "dispute %lld cannot move from %s to %s: the next stage is %s (no stage may be skipped)",
                           (long long)id, ics_ledger_stage_name(x->stage), ics_ledger_stage_name(to_stage),
                           ics_ledger_stage_name(next));
    else if (referee[0] && is_party(x, referee))
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "the referee cannot be a party to the dispute");
    else if (next == ICS_LEDGER_DETERMINATION && !referee[0])
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "dispute %lld needs a referee before determination (--referee CODE)",
                           (long long)id);
    else if (next == ICS_LEDGER_DETERMINATION && (!x->has_supplier_offer || !x->has_purchaser_offer))
        rc = ics_error_set(err, ICS_ERR_CONFLICT,
                           "dispute %lld cannot go to determination until both parties have made an offer (missing: %s)",
                           (long long)id, !x->has_supplier_offer ? x->supplier : x->purchaser);
    int64_t days = 0;
    if (!rc)
        rc = stage_days(l, next, &days, err);
    if (!rc) {
        char on[16], deadline[16];
        ics_date_format(act->on, on);
        ics_date_format(ics_ledger_add_working_days(act->on, (int)days), deadline);
        const char *t[] = {ics_ledger_stage_name(next), on, deadline, referee[0] ? referee : NULL};
        rc = update_dispute(l, "UPDATE dispute SET stage = ?, stage_started_on = ?, deadline_on = ?, referee = ?"
                               " WHERE id = ?", id, t, 4, NULL, err);
        if (!rc)
            rc = add_event(l, id, "escalate", actor, act->on, next, NULL, act->note, err);
        if (!rc) {
            rc = audit_action(l, act, actor, "dispute_escalate", id, err, "from=%s to=%s deadline=%s%s%s",
                              ics_ledger_stage_name(x->stage), ics_ledger_stage_name(next), deadline,
                              referee[0] ? " referee=" : "", referee);
        }
    }
    return finish(l, &d, rc, err);
}

int ics_ledger_dispute_determine(struct ics_ledger *l, int64_t id, const char *party_in, const int64_t *amount,
                                 const struct ics_ledger_action *act, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX], party[ICS_LEDGER_CODE_MAX] = "";
    int rc = check_action(l, act, LEDGER_DETERMINE, actor, err);
    if (rc)
        return rc;
    if (party_in && *party_in && icsi_ledger_code_normalise(party_in, strlen(party_in), party) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad party code '%s'", party_in);
    if (!party[0] && !amount)
        return ics_error_set(err, ICS_ERR_USAGE, "a determination names the party whose final offer is awarded");
    /* The role first, as for every other action: a refusal that depends on no dispute. */
    if (l->has_identity && l->identity.role != ICS_LEDGER_ROLE_REFEREE)
        return icsi_ledger_authorize(l, LEDGER_DETERMINE, actor, NULL, err);
    struct ics_ledger_disputes d = {0};
    rc = begin_on(l, id, &d, actor, act, err);
    if (rc)
        return rc;
    const struct ics_ledger_dispute *x = &d.rows[0];
    char ms[24], mp[24], ma[24];
    const char *viewer = icsi_ledger_viewer(l);
    if (viewer && !is_party(x, viewer) && strcmp(x->referee, viewer) != 0)
        rc = not_a_party(l, x, actor, err);
    else if (x->stage != ICS_LEDGER_DETERMINATION)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "dispute %lld is at %s: only a dispute at determination can be determined",
                           (long long)id, ics_ledger_stage_name(x->stage));
    else if (strcmp(actor, x->referee) != 0)
        rc = ics_error_set(err, ICS_ERR_CONFLICT, "only the referee (%s) may determine dispute %lld, not %s",
                           x->referee, (long long)id, actor);
    else
        rc = icsi_ledger_authorize(l, LEDGER_DETERMINE, actor, x->referee, err);
    if (!rc && !party[0]) {
        /* Only an amount: it must be one party's offer exactly. */
        if (x->supplier_offer == *amount)
            snprintf(party, sizeof party, "%s", x->supplier);
        else if (x->purchaser_offer == *amount)
            snprintf(party, sizeof party, "%s", x->purchaser);
    }
    int64_t award = 0;
    if (!rc) {
        if (!party[0] || !is_party(x, party)) {
            if (party[0])
                rc = ics_error_set(err, ICS_ERR_CONFLICT, "%s is not a party to dispute %lld", party, (long long)id);
            else
                rc = ics_error_set(err, ICS_ERR_CONFLICT,
                                   "a determination awards one party's final offer whole (pendulum): %s is neither %s's offer (%s) nor %s's (%s)",
                                   icsi_ledger_money(*amount, ma), x->supplier, icsi_ledger_money(x->supplier_offer, ms),
                                   x->purchaser, icsi_ledger_money(x->purchaser_offer, mp));
        } else {
            int sup = strcmp(party, x->supplier) == 0;
            award = sup ? x->supplier_offer : x->purchaser_offer;
            if (amount && *amount != award)
                rc = ics_error_set(err, ICS_ERR_CONFLICT,
                                   "a determination awards one party's final offer whole (pendulum): %s's offer is %s, not %s",
                                   party, icsi_ledger_money(award, ms), icsi_ledger_money(*amount, ma));
        }
    }
    if (!rc) {
        char on[16];
        ics_date_format(act->on, on);
        const char *t[] = {on, party};
        rc = update_dispute(l, "UPDATE dispute SET stage = 'closed', deadline_on = NULL, closed_on = ?,"
                               " outcome = 'determined', awarded_to = ?, settled_amount = ? WHERE id = ?",
                            id, t, 2, &award, err);
        if (!rc)
            rc = add_event(l, id, "determine", actor, act->on, ICS_LEDGER_CLOSED, &award, act->note, err);
        if (!rc)
            rc = post_adjustment(l, x, award, "determined", act->on, err);
        if (!rc) {
            rc = audit_action(l, act, actor, "dispute_determine", id, err, "awarded_to=%s amount=%s supplier_offer=%s purchaser_offer=%s",
                              party, icsi_ledger_money(award, ma), icsi_ledger_money(x->supplier_offer, ms),
                              icsi_ledger_money(x->purchaser_offer, mp));
        }
    }
    return finish(l, &d, rc, err);
}

int ics_ledger_dispute_close(struct ics_ledger *l, int64_t id, const char *outcome, const int64_t *amount,
                             const struct ics_ledger_action *act, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX];
    int rc = check_action(l, act, LEDGER_DISPUTE, actor, err);
    if (rc)
        return rc;
    if (!outcome || (strcmp(outcome, "agreed") != 0 && strcmp(outcome, "withdrawn") != 0))
        return ics_error_set(err, ICS_ERR_USAGE, "a dispute closes as agreed or withdrawn");
    if (amount && strcmp(outcome, "withdrawn") == 0)
        return ics_error_set(err, ICS_ERR_USAGE, "a withdrawn dispute has no settled amount");
    struct ics_ledger_disputes d = {0};
    rc = begin_on(l, id, &d, actor, act, err);
    if (rc)
        return rc;
    const struct ics_ledger_dispute *x = &d.rows[0];
    if (!is_party(x, actor))
        rc = not_a_party(l, x, actor, err);
    if (!rc) {
        char on[16];
        ics_date_format(act->on, on);
        const char *t[] = {on, outcome};
        rc = update_dispute(l, amount ? "UPDATE dispute SET stage = 'closed', deadline_on = NULL, closed_on = ?,"
                                        " outcome = ?, settled_amount = ? WHERE id = ?"
                                      : "UPDATE dispute SET stage = 'closed', deadline_on = NULL, closed_on = ?,"
                                        " outcome = ? WHERE id = ?",
                            id, t, 2, amount, err);
        if (!rc)
            rc = add_event(l, id, "close", actor, act->on, ICS_LEDGER_CLOSED, amount, act->note, err);
        /* Agreed at a sum: settled without a resubmission. Withdrawn, or agreed
         * without a sum: the statements must show the outcome. */
        if (!rc && amount && strcmp(outcome, "agreed") == 0)
            rc = post_adjustment(l, x, *amount, "agreed", act->on, err);
        if (!rc) {
            char m[24] = "";
            if (amount)
                icsi_ledger_money(*amount, m);
            rc = audit_action(l, act, actor, "dispute_close", id, err, "from=%s outcome=%s%s%s",
                              ics_ledger_stage_name(x->stage), outcome, amount ? " amount=" : "", m);
        }
    }
    return finish(l, &d, rc, err);
}

int ics_ledger_set_stage_deadline(struct ics_ledger *l, int stage, int working_days,
                                  const struct ics_ledger_action *act, struct ics_error *err)
{
    char actor[ICS_LEDGER_CODE_MAX];
    if (!act || !act->actor || !*act->actor)
        return ics_error_set(err, ICS_ERR_USAGE, "every change must name who made it (--by)");
    snprintf(actor, sizeof actor, "%s", act->actor);
    if (stage < 0 || stage >= ICS_LEDGER_CLOSED)
        return ics_error_set(err, ICS_ERR_USAGE, "no deadline applies to that stage");
    if (working_days < 1 || working_days > 1000)
        return ics_error_set(err, ICS_ERR_USAGE, "working days must be 1 to 1000");
    int rc = icsi_ledger_authorize(l, LEDGER_ADMIN, NULL, NULL, err);
    if (!rc)
        rc = ics_store_begin_write(l->store, err);
    if (rc)
        return rc;
    struct ics_stmt *st;
    rc = ics_store_prepare(l->store, "UPDATE stage_deadline SET working_days = ? WHERE stage = ?", &st, err);
    if (!rc) {
        ics_stmt_bind_int64(st, 1, working_days);
        ics_stmt_bind_str(st, 2, ics_ledger_stage_name(stage));
        rc = ics_stmt_step(st, err);
        ics_stmt_finalize(st);
    }
    if (!rc) {
        char detail[96];
        snprintf(detail, sizeof detail, "stage=%s working_days=%d", ics_ledger_stage_name(stage), working_days);
        const char *p[] = {ics_ledger_stage_name(stage), NULL};
        struct ledger_event ev;
        icsi_event_init(&ev);
        rc = icsi_event_capture(l, &ev, "stage_deadline", "stage = ?", p, err);
        if (!rc)
            rc = icsi_ledger_audit_append(l, act->at, actor, "set_deadline", "stage_deadline", detail, &ev, err);
        icsi_event_free(&ev);
    }
    if (!rc)
        rc = ics_store_commit(l->store, err);
    if (rc)
        ics_store_rollback(l->store);
    return rc;
}

/* ---- listing ------------------------------------------------------------------ */

/* The dispute as it stood at the end of `day`, from its events (each action's
 * date, stage entered and amount; audit --verify proves them against the log):
 * *existed = 0 if it was opened later. The referee and description are as now. */
static int rewind_dispute(struct ics_ledger *l, struct ics_ledger_dispute *x, int32_t day, int *existed,
                          struct ics_error *err)
{
    struct ics_stmt *q;
    int rc = ics_store_prepare(l->store, "SELECT action, actor, on_date, stage, amount FROM dispute_event"
                                         " WHERE dispute_id = ? ORDER BY seq", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_int64(q, 1, x->id);
    int later = 0, stage = -1;
    int32_t started = ICS_DATE_NONE, closed = ICS_DATE_NONE;
    int has_s = 0, has_p = 0;
    int64_t offer_s = 0, offer_p = 0;
    *existed = 0;
    while ((rc = ics_stmt_step(q, err)) == 1) {
        int32_t on = column_date(q, 2);
        if (on == ICS_DATE_NONE || on > day) {
            later = 1;
            continue;
        }
        const char *action = ics_stmt_column_text(q, 0, NULL), *actor = ics_stmt_column_text(q, 1, NULL);
        int entered = ics_ledger_stage_parse(ics_stmt_column_text(q, 3, NULL));
        if (!action || !actor)
            continue;
        if (strcmp(action, "open") == 0) {
            *existed = 1;
            stage = ICS_LEDGER_LOCAL_NEGOTIATION;
            started = on;
        } else if (strcmp(action, "offer") == 0) {
            if (strcmp(actor, x->supplier) == 0) {
                has_s = 1;
                offer_s = ics_stmt_column_int64(q, 4);
            } else if (strcmp(actor, x->purchaser) == 0) {
                has_p = 1;
                offer_p = ics_stmt_column_int64(q, 4);
            }
        } else if (strcmp(action, "escalate") == 0) {
            stage = entered;
            started = on;
        } else if (strcmp(action, "determine") == 0 || strcmp(action, "close") == 0) {
            stage = ICS_LEDGER_CLOSED;
            closed = on;
        }
    }
    ics_stmt_finalize(q);
    if (rc || !later || !*existed)
        return rc;   /* nothing happened after the day: the row is as it stood */
    x->has_supplier_offer = has_s;
    x->supplier_offer = offer_s;
    x->has_purchaser_offer = has_p;
    x->purchaser_offer = offer_p;
    if (stage != ICS_LEDGER_CLOSED) {
        x->outcome[0] = x->awarded_to[0] = '\0';
        x->has_settled = 0;
        x->settled_amount = 0;
        x->closed_on = ICS_DATE_NONE;
        int64_t days = 0;
        rc = stage_days(l, stage, &days, err);
        x->deadline_on = rc ? ICS_DATE_NONE : ics_ledger_add_working_days(started, (int)days);
    } else {
        x->closed_on = closed;
    }
    x->stage = stage;
    x->stage_started_on = started;
    return rc;
}

static void as_of(struct ics_ledger_dispute *d, int32_t day)
{
    int32_t end = d->stage == ICS_LEDGER_CLOSED && d->closed_on != ICS_DATE_NONE ? d->closed_on : day;
    d->age_days = d->opened_on != ICS_DATE_NONE && end > d->opened_on ? (int)(end - d->opened_on) : 0;
    d->overdue = d->stage != ICS_LEDGER_CLOSED && d->deadline_on != ICS_DATE_NONE && day > d->deadline_on;
    d->working_days_overdue = d->overdue ? ics_ledger_working_days_between(d->deadline_on, day) : 0;
}

int ics_ledger_disputes_list(struct ics_ledger *l, const struct ics_ledger_dispute_filter *f,
                             struct ics_ledger_disputes **out, struct ics_error *err)
{
    *out = NULL;
    char org[ICS_LEDGER_CODE_MAX] = "";
    int auth = icsi_ledger_authorize(l, LEDGER_READ, NULL, NULL, err);
    if (auth)
        return auth;
    if (f->org && *f->org && icsi_ledger_code_normalise(f->org, strlen(f->org), org) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad organisation code '%s'", f->org);
    int want_stage = -1;
    if (f->status && strcmp(f->status, "open") != 0 && strcmp(f->status, "overdue") != 0) {
        want_stage = ics_ledger_stage_parse(f->status);
        if (want_stage < 0)
            return ics_error_set(err, ICS_ERR_USAGE,
                                 "bad status '%s' (open, overdue, local_negotiation, executive_escalation, mediation, determination or closed)",
                                 f->status);
    }
    struct ics_ledger_disputes *d = ics_calloc(1, sizeof *d);
    if (!d)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = ics_store_begin_read(l->store, err);
    if (!rc)
        rc = fetch(l, f->id, org, d, err);
    /* As at a date: each dispute as it stood at the end of it; one opened later is not there. */
    if (!rc && f->as_of != ICS_DATE_NONE) {
        size_t kept = 0;
        for (size_t i = 0; i < d->n; i++) {
            int existed = 1;
            if (!rc)
                rc = rewind_dispute(l, &d->rows[i], f->as_of, &existed, err);
            if (existed || rc) {
                d->rows[kept++] = d->rows[i];
            } else {
                ics_free(d->rows[i].description);
                ics_free(d->rows[i].invoices);
            }
        }
        d->n = kept;
    }
    ics_store_rollback(l->store);
    if (rc) {
        ics_ledger_disputes_free(d);
        return rc;
    }
    size_t kept = 0;
    int32_t day = f->as_of == ICS_DATE_NONE ? icsi_ledger_today() : f->as_of;
    for (size_t i = 0; i < d->n; i++) {
        struct ics_ledger_dispute *x = &d->rows[i];
        as_of(x, day);
        const char *viewer = icsi_ledger_viewer(l);
        int keep = !viewer || strcmp(x->supplier, viewer) == 0 || strcmp(x->purchaser, viewer) == 0 ||
                   strcmp(x->referee, viewer) == 0;
        if (want_stage >= 0 && x->stage != want_stage)
            keep = 0;
        if (f->status && strcmp(f->status, "open") == 0 && x->stage == ICS_LEDGER_CLOSED)
            keep = 0;
        if (f->status && strcmp(f->status, "overdue") == 0 && !x->overdue)
            keep = 0;
        if (f->older_than >= 0 && x->age_days <= f->older_than)
            keep = 0;
        if (keep) {
            d->rows[kept++] = *x;
        } else {
            ics_free(x->description);
            ics_free(x->invoices);
        }
    }
    d->n = kept;
    *out = d;
    return ICS_OK;
}

size_t ics_ledger_disputes_count(const struct ics_ledger_disputes *d)
{
    return d->n;
}

const struct ics_ledger_dispute *ics_ledger_disputes_row(const struct ics_ledger_disputes *d, size_t i)
{
    return i < d->n ? &d->rows[i] : NULL;
}

void ics_ledger_disputes_free(struct ics_ledger_disputes *d)
{
    if (!d)
        return;
    free_rows(d);
    ics_free(d);
}

/* ---- a dispute's page: its history and what the caller may do -------------------------------- */

int ics_ledger_dispute_events(struct ics_ledger *l, int64_t id, ics_ledger_dispute_event_fn fn, void *ctx,
                              struct ics_error *err)
{
    struct ics_ledger_dispute_filter f;
    ics_ledger_dispute_filter_init(&f);
    f.id = id;
    struct ics_ledger_disputes *d = NULL;
    int rc = ics_ledger_disputes_list(l, &f, &d, err);   /* the caller's view: another's dispute is not there */
    if (rc)
        return rc;
    size_t seen = ics_ledger_disputes_count(d);
    ics_ledger_disputes_free(d);
    if (seen == 0)
        return ics_error_set(err, ICS_ERR_NOT_FOUND, "no dispute %lld", (long long)id);
    rc = ics_store_begin_read(l->store, err);
    if (rc)
        return rc;
    struct ics_stmt *q;
    rc = ics_store_prepare(l->store, "SELECT seq, action, actor, on_date, stage, amount, note FROM dispute_event"
                                     " WHERE dispute_id = ? ORDER BY seq", &q, err);
    if (!rc) {
        ics_stmt_bind_int64(q, 1, id);
        while ((rc = ics_stmt_step(q, err)) == 1) {
            struct ics_ledger_dispute_event e = {0};
            e.seq = (int)ics_stmt_column_int64(q, 0);
            e.action = ics_stmt_column_text(q, 1, NULL);
            e.actor = ics_stmt_column_text(q, 2, NULL);
            const char *on = ics_stmt_column_text(q, 3, NULL);
            e.stage = ics_stmt_column_text(q, 4, NULL);
            e.has_amount = !ics_stmt_column_is_null(q, 5);
            e.amount = e.has_amount ? ics_stmt_column_int64(q, 5) : 0;
            e.note = ics_stmt_column_text(q, 6, NULL);
            if (!e.note)
                e.note = "";
            if (!e.action || !e.actor || !e.stage || !on || ics_date_parse(on, strlen(on), &e.on) != 0) {
                rc = ics_error_set(err, ICS_ERR_STORE, "dispute %lld: event %d is not whole", (long long)id, e.seq);
                break;
            }
            if (fn(ctx, &e)) {
                rc = 0;
                break;
            }
        }
        ics_stmt_finalize(q);
    }
    ics_store_rollback(l->store);
    return rc;
}

unsigned ics_ledger_dispute_may(struct ics_ledger *l, const struct ics_ledger_dispute *x)
{
    if (x->stage == ICS_LEDGER_CLOSED)
        return 0;
    struct ics_error ignored;
    const struct ics_ledger_identity *who = ics_ledger_identity(l);
    unsigned may = 0;
    /* Without an identity (a store without users) either party may act; with one, only its own organisation. */
    const char *party = who ? (is_party(x, who->org) ? who->org : NULL) : x->supplier;
    if (party && icsi_ledger_authorize(l, LEDGER_DISPUTE, party, NULL, &ignored) == ICS_OK) {
        may |= ICS_LEDGER_MAY_CLOSE;
        if (x->stage != ICS_LEDGER_DETERMINATION) {
            may |= ICS_LEDGER_MAY_OFFER;
            /* Into determination only with both final offers (the referee may be named then). */
            if (x->stage + 1 != ICS_LEDGER_DETERMINATION || (x->has_supplier_offer && x->has_purchaser_offer))
                may |= ICS_LEDGER_MAY_ESCALATE;
        }
    }
    if (x->stage == ICS_LEDGER_DETERMINATION && x->referee[0] &&
        icsi_ledger_authorize(l, LEDGER_DETERMINE, who ? who->org : x->referee, x->referee, &ignored) == ICS_OK)
        may |= ICS_LEDGER_MAY_DETERMINE;
    return may;
}
