/* Writing a list of disputes as CSV or JSON (ics_ledger_disputes_write). */
#include <stdio.h>
#include <string.h>

#include "ics/core.h"
#include "ics/csv.h"
#include "ledger_internal.h"

static void date_or_empty(int32_t day, char *buf)
{
    if (day == ICS_DATE_NONE)
        buf[0] = '\0';
    else
        ics_date_format(day, buf);
}

/* A dispute's fields, inside an object the caller has begun. */
static void dispute_fields(struct ics_json *j, const struct ics_ledger_dispute *x)
{
    char m1[24], m2[24], m3[24], m4[24];
    char opened[16], started[16], deadline[16], closed[16];
    date_or_empty(x->opened_on, opened);
    date_or_empty(x->stage_started_on, started);
    date_or_empty(x->deadline_on, deadline);
    date_or_empty(x->closed_on, closed);
    ics_json_kv_int(j, "id", x->id);
    ics_json_kv_string(j, "period", x->period);
    ics_json_kv_string(j, "supplier", x->supplier);
    ics_json_kv_string(j, "purchaser", x->purchaser);
    ics_json_kv_string(j, "kind", ics_ledger_class_name(x->cls));
    ics_json_key(j, "amount");
    ics_json_raw_number(j, icsi_ledger_money(x->amount, m1));
    ics_json_kv_string(j, "stage", ics_ledger_stage_name(x->stage));
    ics_json_kv_string(j, "raised_by", x->raised_by);
    if (x->referee[0])
        ics_json_kv_string(j, "referee", x->referee);
    else
        ics_json_kv_null(j, "referee");
    ics_json_kv_string(j, "opened_on", opened);
    ics_json_kv_string(j, "stage_started_on", started);
    if (deadline[0])
        ics_json_kv_string(j, "deadline_on", deadline);
    else
        ics_json_kv_null(j, "deadline_on");
    ics_json_kv_bool(j, "overdue", x->overdue);
    ics_json_kv_int(j, "working_days_overdue", x->working_days_overdue);
    ics_json_kv_int(j, "age_days", x->age_days);
    ics_json_key(j, "supplier_offer");
    if (x->has_supplier_offer)
        ics_json_raw_number(j, icsi_ledger_money(x->supplier_offer, m2));
    else
        ics_json_null(j);
    ics_json_key(j, "purchaser_offer");
    if (x->has_purchaser_offer)
        ics_json_raw_number(j, icsi_ledger_money(x->purchaser_offer, m3));
    else
        ics_json_null(j);
    if (x->outcome[0])
        ics_json_kv_string(j, "outcome", x->outcome);
    else
        ics_json_kv_null(j, "outcome");
    if (x->awarded_to[0])
        ics_json_kv_string(j, "awarded_to", x->awarded_to);
    else
        ics_json_kv_null(j, "awarded_to");
    ics_json_key(j, "settled_amount");
    if (x->has_settled)
        ics_json_raw_number(j, icsi_ledger_money(x->settled_amount, m4));
    else
        ics_json_null(j);
    if (closed[0])
        ics_json_kv_string(j, "closed_on", closed);
    else
        ics_json_kv_null(j, "closed_on");
    ics_json_kv_string(j, "invoices", x->invoices ? x->invoices : "");
    ics_json_kv_string(j, "description", x->description ? x->description : "");
}

int ics_ledger_disputes_write(const struct ics_ledger_disputes *d, FILE *out, int json)
{
    char m1[24], m2[24], m3[24], m4[24];
    char opened[16], started[16], deadline[16], closed[16];
    if (json) {
        struct ics_json j;
        ics_json_init(&j, out, 1);
        ics_json_array_begin(&j);
        for (size_t i = 0; i < ics_ledger_disputes_count(d); i++) {
            const struct ics_ledger_dispute *x = ics_ledger_disputes_row(d, i);
            ics_json_object_begin(&j);
            dispute_fields(&j, x);
            ics_json_object_end(&j);
        }
        ics_json_array_end(&j);
        if (ics_json_finish(&j) != 0)
            return ICS_ERR_INTERNAL;
        return ferror(out) ? ICS_ERR_IO : ICS_OK;
    }
    fputs("id,period,supplier,purchaser,kind,amount,stage,raised_by,referee,opened_on,stage_started_on,"
          "deadline_on,overdue,working_days_overdue,age_days,supplier_offer,purchaser_offer,outcome,awarded_to,"
          "settled_amount,closed_on,invoices,description\n", out);
    for (size_t i = 0; i < ics_ledger_disputes_count(d); i++) {
        const struct ics_ledger_dispute *x = ics_ledger_disputes_row(d, i);
        date_or_empty(x->opened_on, opened);
        date_or_empty(x->stage_started_on, started);
        date_or_empty(x->deadline_on, deadline);
        date_or_empty(x->closed_on, closed);
        m2[0] = m3[0] = m4[0] = '\0';
        if (x->has_supplier_offer)
            icsi_ledger_money(x->supplier_offer, m2);
        if (x->has_purchaser_offer)
            icsi_ledger_money(x->purchaser_offer, m3);
        if (x->has_settled)
            icsi_ledger_money(x->settled_amount, m4);
        fprintf(out, "%lld,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,", (long long)x->id, x->period,
                x->supplier, x->purchaser, ics_ledger_class_name(x->cls), icsi_ledger_money(x->amount, m1),
                ics_ledger_stage_name(x->stage), x->raised_by, x->referee, opened, started, deadline,
                x->overdue ? "yes" : "no", x->working_days_overdue, x->age_days, m2, m3, x->outcome, x->awarded_to,
                m4, closed);
        ics_csv_write_field(out, x->invoices ? x->invoices : "", x->invoices ? strlen(x->invoices) : 0);
        fputc(',', out);
        ics_csv_write_field(out, x->description ? x->description : "", x->description ? strlen(x->description) : 0);
        fputc('\n', out);
    }
    return ferror(out) ? ICS_ERR_IO : ICS_OK;
}

/* ---- one dispute, for its page ---------------------------------------------------------- */

struct event_writer {
    struct ics_json *j;
};

static int write_event(void *ctx, const struct ics_ledger_dispute_event *e)
{
    struct ics_json *j = ((struct event_writer *)ctx)->j;
    char on[16], m[24];
    ics_date_format(e->on, on);
    ics_json_object_begin(j);
    ics_json_kv_int(j, "seq", e->seq);
    ics_json_kv_string(j, "action", e->action);
    ics_json_kv_string(j, "actor", e->actor);
    ics_json_kv_string(j, "on", on);
    ics_json_kv_string(j, "stage", e->stage);
    ics_json_key(j, "amount");
    if (e->has_amount)
        ics_json_raw_number(j, icsi_ledger_money(e->amount, m));
    else
        ics_json_null(j);
    ics_json_kv_string(j, "note", e->note);
    ics_json_object_end(j);
    return 0;
}

int ics_ledger_dispute_detail_write(struct ics_ledger *l, const struct ics_ledger_dispute *x, FILE *out,
                                    struct ics_error *err)
{
    struct ics_json j;
    ics_json_init(&j, out, 1);
    ics_json_object_begin(&j);
    dispute_fields(&j, x);
    ics_json_key(&j, "events");
    ics_json_array_begin(&j);
    struct event_writer w = {&j};
    int rc = ics_ledger_dispute_events(l, x->id, write_event, &w, err);
    if (rc)
        return rc;
    ics_json_array_end(&j);
    unsigned may = ics_ledger_dispute_may(l, x);
    static const char *const names[] = {"offer", "escalate", "close", "determine"};
    ics_json_key(&j, "may");
    ics_json_array_begin(&j);
    for (unsigned i = 0; i < 4; i++)
        if (may & (1u << i))
            ics_json_string(&j, names[i]);
    ics_json_array_end(&j);
    ics_json_object_end(&j);
    if (ics_json_finish(&j) != 0)
        return ics_error_set(err, ICS_ERR_INTERNAL, "the dispute could not be written");
    return ferror(out) ? ics_error_set(err, ICS_ERR_IO, "the dispute could not be written") : ICS_OK;
}
