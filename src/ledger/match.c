/*
 * Matching: for every supplier S and purchaser P that either side reported,
 * S's receivables from P against P's payables to S (rp) and S's income from P
 * against P's expenditure with S (ie); totals from line_group, invoice-level
 * pairing by a merge of the two sides' id ranges (each stored sorted by ref).
 * Memory is one small record per comparison; lines are streamed.
 */
#include <stdlib.h>
#include <string.h>

#include "ics/csv.h"
#include "ics/core.h"
#include "ledger_internal.h"

/* ---- thresholds ------------------------------------------------------------- */

struct threshold_row {
    char period[ICS_LEDGER_PERIOD_LEN + 1];   /* full period, "YYYY-YY" or "*" */
    int cls;
    int64_t statement, agreement;
};

struct ics_ledger_thresholds {
    struct threshold_row *rows;
    size_t n;
};

/* 2022-23 month 12 (domain.md 1.2). */
static const int64_t default_statement[2] = {250000, 200000000};
static const int64_t default_agreement[2] = {30000000, 300000000};

void ics_ledger_thresholds_get(const struct ics_ledger_thresholds *t, const char *period, int cls,
                               int64_t *statement, int64_t *agreement)
{
    *statement = default_statement[cls];
    *agreement = default_agreement[cls];
    int best = 0;   /* 1: "*", 2: financial year, 3: the period */
    for (size_t i = 0; t && i < t->n; i++) {
        const struct threshold_row *r = &t->rows[i];
        if (r->cls != cls)
            continue;
        int score = 0;
        if (strcmp(r->period, "*") == 0)
            score = 1;
        else if (strlen(r->period) == 7 && period && strncmp(r->period, period, 7) == 0)
            score = 2;
        else if (period && strcmp(r->period, period) == 0)
            score = 3;
        if (score > best) {
            best = score;
            *statement = r->statement;
            *agreement = r->agreement;
        }
    }
}

void ics_ledger_thresholds_free(struct ics_ledger_thresholds *t)
{
    if (!t)
        return;
    ics_free(t->rows);
    ics_free(t);
}

int ics_ledger_thresholds_load(const char *path, struct ics_ledger_thresholds **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        return rc;
    static const char *const names[4][3] = {{"period", NULL}, {"kind", "class", NULL},
                                            {"statement_threshold", "statement", NULL},
                                            {"agreement_threshold", "agreement", NULL}};
    int col[4];
    for (int c = 0; c < 4; c++) {
        col[c] = ics_csv_header_find(ics_csv_reader_header(r), names[c]);
        if (col[c] < 0) {
            ics_error_at(err, ICS_ERR_MISSING_COLUMN, ics_csv_reader_label(r), 1, 0, "missing column '%s'",
                         names[c][0]);
            ics_csv_close(r);
            return ICS_ERR_MISSING_COLUMN;
        }
    }
    struct ics_ledger_thresholds *t = ics_calloc(1, sizeof *t);
    size_t cap = 0;
    if (!t) {
        ics_csv_close(r);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        rc = ICS_OK;
        if (t->n == cap) {
            if (cap >= 100000) {
                rc = ics_error_set(err, ICS_ERR_PARSE, "%s: too many threshold rows", path);
                break;
            }
            cap = cap ? cap * 2 : 16;
            struct threshold_row *p = ics_realloc(t->rows, cap * sizeof *p);
            if (!p) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
            t->rows = p;
        }
        struct threshold_row *tr = &t->rows[t->n];
        const struct ics_csv_field *f[4];
        int shortrow = 0;
        for (int c = 0; c < 4; c++) {
            if (col[c] >= row.nfields)
                shortrow = 1;
            else
                f[c] = &row.fields[col[c]];
        }
        if (shortrow) {
            rc = ics_error_at(err, ICS_ERR_PARSE, path, row.line, 0, "short row");
            break;
        }
        char buf[16];
        snprintf(buf, sizeof buf, "%.*s", (int)(f[1]->len < 15 ? f[1]->len : 15), f[1]->ptr);
        tr->cls = ics_ledger_class_parse(buf);
        snprintf(tr->period, sizeof tr->period, "%.*s", (int)(f[0]->len < 12 ? f[0]->len : 12), f[0]->ptr);
        int period_ok = strcmp(tr->period, "*") == 0 || icsi_ledger_period_valid(tr->period);
        if (!period_ok && strlen(tr->period) == 7) {
            char probe[24];
            snprintf(probe, sizeof probe, "%.7s-M01", tr->period);
            period_ok = icsi_ledger_period_valid(probe);
        }
        const char *why = "not a number";
        if (!period_ok || f[0]->len > 11)
            rc = ics_error_at(err, ICS_ERR_PARSE, path, row.line, col[0] + 1,
                              "bad period '%.*s' (a period, a financial year such as 2022-23, or *)",
                              (int)(f[0]->len > 20 ? 20 : f[0]->len), f[0]->ptr);
        else if (tr->cls < 0)
            rc = ics_error_at(err, ICS_ERR_PARSE, path, row.line, col[1] + 1, "bad kind '%s' (rp or ie)", buf);
        else if (ics_pence_parse(f[2]->ptr, f[2]->len, &tr->statement, &why) || tr->statement < 0)
            rc = ics_error_at(err, ICS_ERR_PARSE, path, row.line, col[2] + 1, "bad statement threshold: %s", why);
        else if (ics_pence_parse(f[3]->ptr, f[3]->len, &tr->agreement, &why) || tr->agreement < 0)
            rc = ics_error_at(err, ICS_ERR_PARSE, path, row.line, col[3] + 1, "bad agreement threshold: %s", why);
        if (rc)
            break;
        t->n++;
    }
    ics_csv_close(r);
    if (rc) {
        ics_ledger_thresholds_free(t);
        return rc;
    }
    *out = t;
    return ICS_OK;
}

/* ---- the match ----------------------------------------------------------------- */

struct ics_ledger_match {
    char period[ICS_LEDGER_PERIOD_LEN + 1];
    struct ics_ledger_comparison *rows;
    size_t n;
};

struct side {
    char supplier[ICS_LEDGER_CODE_MAX], purchaser[ICS_LEDGER_CODE_MAX];
    int cls, is_purchaser;
    int64_t first, last, lines, refs, total;
};

/* Classes sort by name: "ie" before "rp". */
static int class_order(int cls)
{
    return cls == ICS_LEDGER_IE ? 0 : 1;
}

static int side_cmp(const void *a, const void *b)
{
    const struct side *x = a, *y = b;
    int c = strcmp(x->supplier, y->supplier);
    if (!c)
        c = strcmp(x->purchaser, y->purchaser);
    if (!c)
        c = class_order(x->cls) - class_order(y->cls);
    if (!c)
        c = x->is_purchaser - y->is_purchaser;
    return c;
}

static int comparison_key_cmp(const char *supplier, const char *purchaser, int cls,
                              const struct ics_ledger_comparison *c)
{
    int r = strcmp(supplier, c->supplier);
    if (!r)
        r = strcmp(purchaser, c->purchaser);
    if (!r)
        r = class_order(cls) - class_order(c->cls);
    return r;
}

static struct ics_ledger_comparison *find_comparison(struct ics_ledger_match *m, const char *supplier,
                                                     const char *purchaser, int cls)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = comparison_key_cmp(supplier, purchaser, cls, &m->rows[mid]);
        if (c == 0)
            return &m->rows[mid];
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

struct cursor {
    struct ics_stmt *st;
    int has;
    const char *ref;
    int64_t amount;
    int32_t date;
    char prev[256];     /* previous ref (prefix), to check the stored order */
};

static int cursor_next(struct cursor *c, struct ics_error *err)
{
    int rc = ics_stmt_step(c->st, err);
    if (rc == 0) {
        c->has = 0;
        return ICS_OK;
    }
    if (rc != 1)
        return rc;
    c->has = 1;
    c->ref = ics_stmt_column_text(c->st, 0, NULL);
    c->amount = ics_stmt_column_int64(c->st, 1);
    size_t dl;
    const char *d = ics_stmt_column_text(c->st, 2, &dl);
    if (!d || ics_date_parse(d, dl, &c->date) != 0)
        c->date = ICS_DATE_NONE;
    if (!c->ref)
        c->ref = "";
    if (strncmp(c->prev, c->ref, sizeof c->prev - 1) > 0)
        return ics_error_set(err, ICS_ERR_INTERNAL, "stored lines are not in invoice_ref order");
    snprintf(c->prev, sizeof c->prev, "%s", c->ref);
    return ICS_OK;
}

static int min_date(int32_t a, int32_t b)
{
    if (a == ICS_DATE_NONE)
        return b;
    if (b == ICS_DATE_NONE)
        return a;
    return a < b ? a : b;
}

/* A comparison's figure that does not fit in int64: an error naming it. */
static int too_large(struct ics_error *err, const struct ics_ledger_comparison *c, const char *what)
{
    char why[96];
    return ics_error_set(err, ICS_ERR_PARSE, "supplier %s, purchaser %s, %s: %s %s", c->supplier, c->purchaser,
                         ics_ledger_class_name(c->cls), what, icsi_ledger_too_large(why, sizeof why));
}

/* Counts an unagreed invoice (value: its amount, or the two sides' difference). */
static int unagreed(struct ics_ledger_comparison *c, int32_t date, int64_t value, int32_t year_first,
                    struct ics_error *err)
{
    if (date == ICS_DATE_NONE)
        return ICS_OK;
    if (c->oldest_unagreed == ICS_DATE_NONE || date < c->oldest_unagreed)
        c->oldest_unagreed = date;
    if (date < year_first) {
        int64_t size;
        c->prior_year_invoices++;
        if (icsi_pence_abs(value, &size) || icsi_pence_add(c->prior_year_value, size, &c->prior_year_value))
            return too_large(err, c, "the value of prior-year invoices");
    }
    return ICS_OK;
}

/* An invoice the two sides value differently: the difference, unagreed. */
static int amounts_differ(struct ics_ledger_comparison *c, const struct cursor *a, const struct cursor *b,
                          int32_t year_first, struct ics_error *err)
{
    int64_t diff;
    c->amount_differs++;
    if (icsi_pence_sub(a->amount, b->amount, &diff))
        return too_large(err, c, "the difference on an invoice");
    return unagreed(c, min_date(a->date, b->date), diff, year_first, err);
}

/* Pairs two id ranges by invoice ref (both ascending, total-only lines skipped). */
static int pair_invoices(struct ics_stmt *qs, struct ics_stmt *qp, const struct side *s, const struct side *p,
                         struct ics_ledger_comparison *c, int32_t year_first, struct ics_error *err)
{
    struct cursor a = {.st = qs}, b = {.st = qp};
    ics_stmt_reset(qs);
    ics_stmt_reset(qp);
    ics_stmt_bind_int64(qs, 1, s->first);
    ics_stmt_bind_int64(qs, 2, s->last);
    ics_stmt_bind_int64(qp, 1, p->first);
    ics_stmt_bind_int64(qp, 2, p->last);
    int rc = cursor_next(&a, err);
    if (!rc)
        rc = cursor_next(&b, err);
    while (!rc && (a.has || b.has)) {
        int cmp = !a.has ? 1 : !b.has ? -1 : strcmp(a.ref, b.ref);
        if (cmp == 0) {
            if (a.amount == b.amount)
                c->matched++;
            else
                rc = amounts_differ(c, &a, &b, year_first, err);
            if (!rc)
                rc = cursor_next(&a, err);
            if (!rc)
                rc = cursor_next(&b, err);
        } else if (cmp < 0) {
            c->only_supplier++;
            rc = unagreed(c, a.date, a.amount, year_first, err);
            if (!rc)
                rc = cursor_next(&a, err);
        } else {
            c->only_purchaser++;
            rc = unagreed(c, b.date, b.amount, year_first, err);
            if (!rc)
                rc = cursor_next(&b, err);
        }
    }
    ics_stmt_reset(qs);
    ics_stmt_reset(qp);
    return rc;
}

/* A side's dated invoices when there is nothing to pair them with (the other
 * side gave no refs, or no statement) and the totals differ: none of them is
 * agreed, so each counts as unagreed for the board. */
static int unpaired_invoices(struct ics_stmt *q, const struct side *side, struct ics_ledger_comparison *c,
                             int32_t year_first, struct ics_error *err)
{
    struct cursor a = {.st = q};
    ics_stmt_reset(q);
    ics_stmt_bind_int64(q, 1, side->first);
    ics_stmt_bind_int64(q, 2, side->last);
    int rc = cursor_next(&a, err);
    while (!rc && a.has) {
        rc = unagreed(c, a.date, a.amount, year_first, err);
        if (!rc)
            rc = cursor_next(&a, err);
    }
    ics_stmt_reset(q);
    return rc;
}

/* Each side's line groups from the current statements, or (as_of) from the
 * versions that were current at the end of that London day. */
static int load_sides(struct ics_ledger *l, const char *period, int32_t as_of, struct side **out, size_t *count,
                      struct ics_error *err)
{
    struct ics_stmt *q;
    int rc = ics_store_prepare(l->store,
                               as_of == ICS_DATE_NONE
                                   ? "SELECT s.org, g.counterparty, g.kind, g.first_line, g.last_line, g.lines,"
                                     " g.ref_lines, g.total FROM submission s JOIN line_group g ON g.submission_id = s.id"
                                     " WHERE s.period = ? AND s.is_current = 1"
                                   : "SELECT s.org, g.counterparty, g.kind, g.first_line, g.last_line, g.lines,"
                                     " g.ref_lines, g.total FROM submission s JOIN line_group g ON g.submission_id = s.id"
                                     " WHERE s.period = ? AND s.version = (SELECT MAX(s2.version) FROM submission s2"
                                     "  WHERE s2.org = s.org AND s2.period = s.period AND s2.submitted_at < ?)",
                               &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(q, 1, period);
    if (as_of != ICS_DATE_NONE) {
        char end[32];
        icsi_ledger_london_day_end(as_of, end, sizeof end);
        ics_stmt_bind_str(q, 2, end);
    }
    struct side *v = NULL;
    size_t n = 0, cap = 0;
    while ((rc = ics_stmt_step(q, err)) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            struct side *p = ics_realloc(v, cap * sizeof *p);
            if (!p) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
            v = p;
        }
        struct side *sd = &v[n];
        memset(sd, 0, sizeof *sd);
        const char *org = ics_stmt_column_text(q, 0, NULL), *cp = ics_stmt_column_text(q, 1, NULL);
        const char *kind = ics_stmt_column_text(q, 2, NULL);
        int k = -1;
        for (int i = 0; i < 4 && kind; i++)
            if (strcmp(kind, ics_ledger_kind_name(i)) == 0)
                k = i;
        if (!org || !cp || k < 0 || strlen(org) >= ICS_LEDGER_CODE_MAX || strlen(cp) >= ICS_LEDGER_CODE_MAX) {
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "bad line group in the store");
            break;
        }
        sd->cls = k == ICS_LEDGER_RECEIVABLE || k == ICS_LEDGER_PAYABLE ? ICS_LEDGER_RP : ICS_LEDGER_IE;
        sd->is_purchaser = k == ICS_LEDGER_PAYABLE || k == ICS_LEDGER_EXPENDITURE;
        snprintf(sd->supplier, sizeof sd->supplier, "%s", sd->is_purchaser ? cp : org);
        snprintf(sd->purchaser, sizeof sd->purchaser, "%s", sd->is_purchaser ? org : cp);
        sd->first = ics_stmt_column_int64(q, 3);
        sd->last = ics_stmt_column_int64(q, 4);
        sd->lines = ics_stmt_column_int64(q, 5);
        sd->refs = ics_stmt_column_int64(q, 6);
        sd->total = ics_stmt_column_int64(q, 7);
        n++;
    }
    ics_stmt_finalize(q);
    if (rc) {
        ics_free(v);
        return rc;
    }
    if (n)
        qsort(v, n, sizeof *v, side_cmp);
    *out = v;
    *count = n;
    return ICS_OK;
}

/* Marks comparisons covered by an open dispute raised for this period or an earlier one. */
/* Settlements (determinations, agreed closes) clear the disputed part of a
 * pair's difference, towards zero and never past it; as_of: only those made
 * by the end of that day. */
static int apply_adjustments(struct ics_ledger *l, struct ics_ledger_match *m, int32_t as_of, struct ics_error *err)
{
    for (size_t i = 0; i < m->n; i++)
        m->rows[i].adjusted_mismatch = m->rows[i].mismatch;
    if (l->schema_version < 6)
        return ICS_OK;
    struct ics_stmt *q;
    int rc = ics_store_prepare(l->store, "SELECT supplier, purchaser, kind, cleared, on_date FROM adjustment"
                                         " WHERE period = ? ORDER BY dispute_id", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(q, 1, m->period);
    char day[16] = "";
    if (as_of != ICS_DATE_NONE)
        ics_date_format(as_of, day);
    while ((rc = ics_stmt_step(q, err)) == 1) {
        const char *s = ics_stmt_column_text(q, 0, NULL), *p = ics_stmt_column_text(q, 1, NULL);
        const char *on = ics_stmt_column_text(q, 4, NULL);
        int cls = ics_ledger_class_parse(ics_stmt_column_text(q, 2, NULL));
        if (!s || !p || cls < 0 || (day[0] && on && strcmp(on, day) > 0))
            continue;
        struct ics_ledger_comparison *c = find_comparison(m, s, p, cls);
        if (!c)
            continue;
        int64_t cleared = ics_stmt_column_int64(q, 3), left = c->adjusted_mismatch;
        if (left > 0)
            c->adjusted_mismatch = left > cleared ? left - cleared : 0;
        else if (left < 0)
            c->adjusted_mismatch = -left > cleared ? left + cleared : 0;
        c->adjustment = c->mismatch - c->adjusted_mismatch;
    }
    ics_stmt_finalize(q);
    return rc;
}

/* Each side's latest explanation of each comparison given by the end of
 * as_of (ICS_DATE_NONE: any); explanations of pairs with no comparison are
 * not shown. */
static int apply_explanations(struct ics_ledger *l, struct ics_ledger_match *m, int32_t as_of, struct ics_error *err)
{
    for (size_t i = 0; i < m->n; i++) {
        m->rows[i].supplier_reason = ICS_LEDGER_REASON_NONE;
        m->rows[i].purchaser_reason = ICS_LEDGER_REASON_NONE;
    }
    if (l->schema_version < 9)
        return ICS_OK;
    struct ics_stmt *q;
    /* In id order, so the last one read of a side is the one that stands. */
    int rc = ics_store_prepare(l->store, "SELECT supplier, purchaser, kind, org, reason, note, given_on FROM explanation"
                                         " WHERE period = ? ORDER BY id", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(q, 1, m->period);
    char day[16] = "";
    if (as_of != ICS_DATE_NONE)
        ics_date_format(as_of, day);
    while ((rc = ics_stmt_step(q, err)) == 1) {
        const char *s = ics_stmt_column_text(q, 0, NULL), *p = ics_stmt_column_text(q, 1, NULL);
        const char *org = ics_stmt_column_text(q, 3, NULL), *note = ics_stmt_column_text(q, 5, NULL);
        const char *on = ics_stmt_column_text(q, 6, NULL);
        int cls = ics_ledger_class_parse(ics_stmt_column_text(q, 2, NULL));
        int reason = ics_ledger_reason_parse(ics_stmt_column_text(q, 4, NULL));
        if (!s || !p || !org || cls < 0 || reason < 0 || (day[0] && on && strcmp(on, day) > 0))
            continue;
        struct ics_ledger_comparison *c = find_comparison(m, s, p, cls);
        if (!c)
            continue;
        int is_supplier = strcmp(org, s) == 0;
        char *to = is_supplier ? c->supplier_note : c->purchaser_note;
        *(is_supplier ? &c->supplier_reason : &c->purchaser_reason) = reason;
        snprintf(to, ICS_LEDGER_NOTE_MAX, "%s", note ? note : "");
    }
    ics_stmt_finalize(q);
    return rc;
}

/* open: the disputes open at an as-of date (read before the match's
 * transaction), or NULL for those open now. */
static int apply_disputes(struct ics_ledger *l, struct ics_ledger_match *m, const struct ics_ledger_disputes *open,
                          struct ics_error *err)
{
    if (open) {
        for (size_t i = 0; i < ics_ledger_disputes_count(open); i++) {
            const struct ics_ledger_dispute *x = ics_ledger_disputes_row(open, i);
            if (strcmp(x->period, m->period) > 0 || x->stage == ICS_LEDGER_CLOSED)
                continue;
            struct ics_ledger_comparison *c = find_comparison(m, x->supplier, x->purchaser, x->cls);
            if (c && !c->dispute_id)
                c->dispute_id = x->id;
        }
        return ICS_OK;
    }
    struct ics_stmt *q;
    int rc = ics_store_prepare(l->store,
                               "SELECT id, supplier, purchaser, kind FROM dispute"
                               " WHERE stage <> 'closed' AND period <= ? ORDER BY id", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(q, 1, m->period);
    while ((rc = ics_stmt_step(q, err)) == 1) {
        const char *s = ics_stmt_column_text(q, 1, NULL), *p = ics_stmt_column_text(q, 2, NULL);
        int cls = ics_ledger_class_parse(ics_stmt_column_text(q, 3, NULL));
        if (!s || !p || cls < 0)
            continue;
        struct ics_ledger_comparison *c = find_comparison(m, s, p, cls);
        if (c && !c->dispute_id)
            c->dispute_id = ics_stmt_column_int64(q, 0);
    }
    ics_stmt_finalize(q);
    return rc;
}

int ics_ledger_match(struct ics_ledger *l, const char *period, const struct ics_ledger_thresholds *thresholds,
                     struct ics_ledger_match **out, struct ics_error *err)
{
    return ics_ledger_match_at(l, period, thresholds, ICS_DATE_NONE, out, err);
}

int ics_ledger_match_at(struct ics_ledger *l, const char *period, const struct ics_ledger_thresholds *thresholds,
                         int32_t as_of, struct ics_ledger_match **out, struct ics_error *err)
{
    *out = NULL;
    int32_t year_first;
    int auth = icsi_ledger_authorize(l, LEDGER_READ, NULL, NULL, err);
    if (auth)
        return auth;
    if (!period || ics_ledger_period_parse(period, NULL, NULL, &year_first) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s' (expected YYYY-YY-Mnn, e.g. 2018-19-M12)",
                             period ? period : "");
    struct ics_ledger_match *m = ics_calloc(1, sizeof *m);
    if (!m)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    snprintf(m->period, sizeof m->period, "%s", period);
    struct side *sides = NULL;
    size_t nsides = 0;
    struct ics_stmt *qs = NULL, *qp = NULL;
    struct ics_ledger_disputes *open = NULL;
    int rc = ICS_OK;
    if (as_of != ICS_DATE_NONE) {
        struct ics_ledger_dispute_filter f;
        ics_ledger_dispute_filter_init(&f);
        f.status = "open";
        f.as_of = as_of;
        rc = ics_ledger_disputes_list(l, &f, &open, err);
    }
    if (!rc)
        rc = ics_store_begin_read(l->store, err);
    if (rc)
        goto done;
    rc = load_sides(l, period, as_of, &sides, &nsides, err);
    if (rc)
        goto done;
    const char *range_sql = "SELECT invoice_ref, amount, invoice_date FROM line"
                            " WHERE id BETWEEN ? AND ? AND invoice_ref IS NOT NULL ORDER BY id";
    rc = ics_store_prepare(l->store, range_sql, &qs, err);
    if (!rc)
        rc = ics_store_prepare(l->store, range_sql, &qp, err);
    if (rc)
        goto done;
    m->rows = ics_calloc(nsides ? nsides : 1, sizeof *m->rows);
    if (!m->rows) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nsides;) {
        const struct side *s = NULL, *p = NULL;
        size_t j = i;
        while (j < nsides && strcmp(sides[j].supplier, sides[i].supplier) == 0 &&
               strcmp(sides[j].purchaser, sides[i].purchaser) == 0 && sides[j].cls == sides[i].cls) {
            if (sides[j].is_purchaser)
                p = &sides[j];
            else
                s = &sides[j];
            j++;
        }
        struct ics_ledger_comparison *c = &m->rows[m->n++];
        snprintf(c->supplier, sizeof c->supplier, "%s", sides[i].supplier);
        snprintf(c->purchaser, sizeof c->purchaser, "%s", sides[i].purchaser);
        c->cls = sides[i].cls;
        c->oldest_unagreed = ICS_DATE_NONE;
        c->supplier_reported = s != NULL;
        c->purchaser_reported = p != NULL;
        c->supplier_total = s ? s->total : 0;
        c->purchaser_total = p ? p->total : 0;
        if (icsi_pence_sub(c->supplier_total, c->purchaser_total, &c->mismatch)) {
            rc = too_large(err, c, "the mismatch");
            goto done;
        }
        if (s && p && s->refs > 0 && p->refs > 0) {
            c->paired = 1;
            rc = pair_invoices(qs, qp, s, p, c, year_first, err);
            if (rc)
                goto done;
        } else if (c->mismatch != 0) {
            if (s && s->refs > 0)
                rc = unpaired_invoices(qs, s, c, year_first, err);
            if (!rc && p && p->refs > 0)
                rc = unpaired_invoices(qp, p, c, year_first, err);
            if (rc)
                goto done;
        }
        i = j;
    }
    rc = apply_disputes(l, m, open, err);
    if (!rc)
        rc = apply_adjustments(l, m, as_of, err);
    if (!rc)
        rc = apply_explanations(l, m, as_of, err);
    if (rc)
        goto done;
    const char *viewer = icsi_ledger_viewer(l);
    if (viewer) {
        size_t kept = 0;
        for (size_t i = 0; i < m->n; i++)
            if (strcmp(m->rows[i].supplier, viewer) == 0 || strcmp(m->rows[i].purchaser, viewer) == 0)
                m->rows[kept++] = m->rows[i];
        m->n = kept;
    }
    for (size_t i = 0; i < m->n; i++) {
        struct ics_ledger_comparison *c = &m->rows[i];
        int64_t stmt, agree;
        ics_ledger_thresholds_get(thresholds, period, c->cls, &stmt, &agree);
        int64_t a, b;
        if (icsi_pence_abs(c->supplier_total, &a) || icsi_pence_abs(c->purchaser_total, &b)) {
            rc = too_large(err, c, "the balance");
            goto done;
        }
        int64_t balance = a > b ? a : b;
        c->statement_required = balance > stmt;
        c->agreement_required = balance > agree;
        /* What is left after settlements decides: a determined pair is agreed. */
        if (c->adjusted_mismatch == 0)
            c->status = ICS_LEDGER_AGREED;
        else if (c->dispute_id)
            c->status = ICS_LEDGER_DISPUTED;
        else if (!c->agreement_required)
            c->status = ICS_LEDGER_BELOW_THRESHOLD;
        else
            c->status = ICS_LEDGER_MISMATCH;
        if (c->adjusted_mismatch == 0)
            c->dispute_id = 0;
    }
done:
    ics_ledger_disputes_free(open);
    ics_stmt_finalize(qs);
    ics_stmt_finalize(qp);
    ics_store_rollback(l->store);
    ics_free(sides);
    if (rc) {
        ics_ledger_match_free(m);
        return rc;
    }
    *out = m;
    return ICS_OK;
}

size_t ics_ledger_match_count(const struct ics_ledger_match *m)
{
    return m->n;
}

const struct ics_ledger_comparison *ics_ledger_match_row(const struct ics_ledger_match *m, size_t i)
{
    return i < m->n ? &m->rows[i] : NULL;
}

const char *ics_ledger_match_period(const struct ics_ledger_match *m)
{
    return m->period;
}

void ics_ledger_match_free(struct ics_ledger_match *m)
{
    if (!m)
        return;
    ics_free(m->rows);
    ics_free(m);
}

static void write_explanation_json(struct ics_json *j, const char *key, int reason, const char *note)
{
    ics_json_key(j, key);
    if (reason == ICS_LEDGER_REASON_NONE) {
        ics_json_null(j);
        return;
    }
    ics_json_object_begin(j);
    ics_json_kv_string(j, "reason", ics_ledger_reason_name(reason));
    if (*note)
        ics_json_kv_string(j, "note", note);
    else
        ics_json_kv_null(j, "note");
    ics_json_object_end(j);
}

/* Two fields: the reason and the note, empty when none. */
static void write_explanation_csv(FILE *out, int reason, const char *note)
{
    if (reason != ICS_LEDGER_REASON_NONE)
        fputs(ics_ledger_reason_name(reason), out);
    fputc(',', out);
    ics_csv_write_field(out, note, strlen(note));
}

int ics_ledger_match_write(const struct ics_ledger_match *m, FILE *out, int json)
{
    char a[24], b[24], d[24];
    if (json) {
        struct ics_json j;
        ics_json_init(&j, out, 1);
        ics_json_object_begin(&j);
        ics_json_kv_string(&j, "period", m->period);
        ics_json_key(&j, "comparisons");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < m->n; i++) {
            const struct ics_ledger_comparison *c = &m->rows[i];
            ics_json_object_begin(&j);
            char id[ICS_LEDGER_PERIOD_LEN + 2 * ICS_LEDGER_CODE_MAX + 8];
            snprintf(id, sizeof id, "%s.%s.%s.%s", m->period, c->supplier, c->purchaser, ics_ledger_class_name(c->cls));
            ics_json_kv_string(&j, "id", id);
            ics_json_kv_string(&j, "period", m->period);
            ics_json_kv_string(&j, "supplier", c->supplier);
            ics_json_kv_string(&j, "purchaser", c->purchaser);
            ics_json_kv_string(&j, "kind", ics_ledger_class_name(c->cls));
            ics_json_key(&j, "supplier_total");
            ics_json_raw_number(&j, icsi_ledger_money(c->supplier_total, a));
            ics_json_key(&j, "purchaser_total");
            ics_json_raw_number(&j, icsi_ledger_money(c->purchaser_total, b));
            ics_json_key(&j, "mismatch");
            ics_json_raw_number(&j, icsi_ledger_money(c->mismatch, d));
            ics_json_key(&j, "adjustment");
            ics_json_raw_number(&j, icsi_ledger_money(c->adjustment, d));
            ics_json_key(&j, "adjusted_mismatch");
            ics_json_raw_number(&j, icsi_ledger_money(c->adjusted_mismatch, d));
            ics_json_kv_string(&j, "status", ics_ledger_status_name(c->status));
            ics_json_kv_bool(&j, "statement_required", c->statement_required);
            ics_json_kv_bool(&j, "agreement_required", c->agreement_required);
            ics_json_kv_bool(&j, "supplier_reported", c->supplier_reported);
            ics_json_kv_bool(&j, "purchaser_reported", c->purchaser_reported);
            ics_json_kv_bool(&j, "invoice_pairing", c->paired);
            ics_json_kv_int(&j, "matched", c->matched);
            ics_json_kv_int(&j, "amount_differs", c->amount_differs);
            ics_json_kv_int(&j, "only_supplier", c->only_supplier);
            ics_json_kv_int(&j, "only_purchaser", c->only_purchaser);
            if (c->dispute_id)
                ics_json_kv_int(&j, "dispute", c->dispute_id);
            else
                ics_json_kv_null(&j, "dispute");
            write_explanation_json(&j, "supplier_explanation", c->supplier_reason, c->supplier_note);
            write_explanation_json(&j, "purchaser_explanation", c->purchaser_reason, c->purchaser_note);
            ics_json_object_end(&j);
        }
        ics_json_array_end(&j);
        ics_json_object_end(&j);
        if (ics_json_finish(&j) != 0)
            return ICS_ERR_INTERNAL;
    } else {
        fputs("period,supplier,purchaser,kind,supplier_total,purchaser_total,mismatch,status,statement_required,"
              "matched,amount_differs,only_supplier,only_purchaser,adjustment,adjusted_mismatch,supplier_reason,supplier_note,"
              "purchaser_reason,purchaser_note\n", out);
        for (size_t i = 0; i < m->n; i++) {
            const struct ics_ledger_comparison *c = &m->rows[i];
            fprintf(out, "%s,", m->period);
            ics_csv_write_field(out, c->supplier, strlen(c->supplier));
            fputc(',', out);
            ics_csv_write_field(out, c->purchaser, strlen(c->purchaser));
            char e[24], f[24];
            fprintf(out, ",%s,%s,%s,%s,%s,%s,%lld,%lld,%lld,%lld,%s,%s,", ics_ledger_class_name(c->cls),
                    icsi_ledger_money(c->supplier_total, a), icsi_ledger_money(c->purchaser_total, b),
                    icsi_ledger_money(c->mismatch, d), ics_ledger_status_name(c->status),
                    c->statement_required ? "yes" : "no", (long long)c->matched, (long long)c->amount_differs,
                    (long long)c->only_supplier, (long long)c->only_purchaser, icsi_ledger_money(c->adjustment, e),
                    icsi_ledger_money(c->adjusted_mismatch, f));
            write_explanation_csv(out, c->supplier_reason, c->supplier_note);
            fputc(',', out);
            write_explanation_csv(out, c->purchaser_reason, c->purchaser_note);
            fputc('\n', out);
        }
    }
    return ferror(out) ? ICS_ERR_IO : ICS_OK;
}
