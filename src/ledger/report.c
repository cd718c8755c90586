/*
 * The squabble board: the period's comparisons and open disputes rolled up
 * per pair of organisations (ranked by unresolved value) and per organisation
 * (what it must still agree).
 *
 * Definitions (docs/commands/ledger.md):
 *  - unresolved: the sum of |mismatch| over the pair's comparisons that must
 *    be agreed (status mismatch or disputed);
 *  - below_threshold: the sum of |mismatch| over differences under the
 *    agreement threshold;
 *  - open disputes: not closed, raised for this period or an earlier one;
 *  - oldest open item: the earliest of the unagreed invoices' dates (in
 *    comparisons not agreed) and the open disputes' opening dates;
 *  - prior-year invoices: unagreed invoices dated before the period's
 *    financial year.
 */
#include <stdlib.h>
#include <string.h>

#include "ics/core.h"
#include "ics/csv.h"
#include "ledger_internal.h"

struct pair_row {
    char a[ICS_LEDGER_CODE_MAX], b[ICS_LEDGER_CODE_MAX];
    int64_t unresolved, below_threshold, disputed_value, prior_year_value;
    int64_t to_agree, open_disputes, overdue_disputes, prior_year_invoices;
    int32_t oldest;
    int rank;
    char *explanations;         /* "rp RVR timing_difference: note; ..." (malloc'd, NULL if none) */
};

struct org_row {
    char org[ICS_LEDGER_CODE_MAX];
    int64_t must_agree, must_agree_value, statements_required, open_disputes, overdue_disputes;
    int64_t unexplained;        /* differences it must agree that it has not explained */
    char *counterparties;       /* space-separated, sorted */
};

struct ics_ledger_report {
    char period[ICS_LEDGER_PERIOD_LEN + 1];
    int32_t as_of;
    struct pair_row *pairs;
    size_t npairs;
    struct org_row *orgs;
    size_t norgs;
};

static int pair_cmp(const void *x, const void *y)
{
    const struct pair_row *p = x, *q = y;
    int c = strcmp(p->a, q->a);
    return c ? c : strcmp(p->b, q->b);
}

static int org_cmp(const void *x, const void *y)
{
    return strcmp(((const struct org_row *)x)->org, ((const struct org_row *)y)->org);
}

static void pair_key(const char *x, const char *y, struct pair_row *k)
{
    memset(k, 0, sizeof *k);
    if (strcmp(x, y) <= 0) {
        snprintf(k->a, sizeof k->a, "%s", x);
        snprintf(k->b, sizeof k->b, "%s", y);
    } else {
        snprintf(k->a, sizeof k->a, "%s", y);
        snprintf(k->b, sizeof k->b, "%s", x);
    }
}

static struct pair_row *find_pair(struct ics_ledger_report *r, const char *x, const char *y)
{
    struct pair_row k;
    pair_key(x, y, &k);
    return bsearch(&k, r->pairs, r->npairs, sizeof k, pair_cmp);
}

static struct org_row *find_org(struct ics_ledger_report *r, const char *code)
{
    struct org_row k;
    memset(&k, 0, sizeof k);
    snprintf(k.org, sizeof k.org, "%s", code);
    return bsearch(&k, r->orgs, r->norgs, sizeof k, org_cmp);
}

static void older(int32_t *oldest, int32_t d)
{
    if (d != ICS_DATE_NONE && (*oldest == ICS_DATE_NONE || d < *oldest))
        *oldest = d;
}

static int rank_cmp(const void *x, const void *y)
{
    const struct pair_row *p = x, *q = y;
    if (p->unresolved != q->unresolved)
        return p->unresolved > q->unresolved ? -1 : 1;
    if (p->disputed_value != q->disputed_value)
        return p->disputed_value > q->disputed_value ? -1 : 1;
    /* Older first; no open item sorts last. */
    if (p->oldest != q->oldest) {
        if (p->oldest == ICS_DATE_NONE)
            return 1;
        if (q->oldest == ICS_DATE_NONE)
            return -1;
        return p->oldest < q->oldest ? -1 : 1;
    }
    if (p->below_threshold != q->below_threshold)
        return p->below_threshold > q->below_threshold ? -1 : 1;
    return pair_cmp(p, q);
}

static int must_agree(const struct ics_ledger_comparison *c)
{
    return c->status == ICS_LEDGER_MISMATCH || c->status == ICS_LEDGER_DISPUTED;
}

struct link {
    const char *org, *other;
};

static int link_cmp(const void *x, const void *y)
{
    const struct link *p = x, *q = y;
    int c = strcmp(p->org, q->org);
    return c ? c : strcmp(p->other, q->other);
}

/* Fills each organisation's sorted, space-separated list of the counterparties
 * it must still agree with. */
static int build_counterparties(struct ics_ledger_report *r, const struct ics_ledger_match *m)
{
    size_t nm = ics_ledger_match_count(m), n = 0;
    struct link *links = ics_malloc((2 * nm + 1) * sizeof *links);
    if (!links)
        return -1;
    for (size_t i = 0; i < nm; i++) {
        const struct ics_ledger_comparison *c = ics_ledger_match_row(m, i);
        if (!must_agree(c))
            continue;
        links[n++] = (struct link){c->supplier, c->purchaser};
        links[n++] = (struct link){c->purchaser, c->supplier};
    }
    qsort(links, n, sizeof *links, link_cmp);
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i, len = 0;
        while (j < n && strcmp(links[j].org, links[i].org) == 0)
            len += strlen(links[j++].other) + 1;
        struct org_row *o = find_org(r, links[i].org);
        char *s = ics_malloc(len + 1);
        if (!s) {
            rc = -1;
            break;
        }
        size_t pos = 0;
        for (size_t k = i; k < j; k++) {
            if (k > i && strcmp(links[k].other, links[k - 1].other) == 0)
                continue;
            if (pos)
                s[pos++] = ' ';
            size_t l = strlen(links[k].other);
            memcpy(s + pos, links[k].other, l);
            pos += l;
        }
        s[pos] = '\0';
        if (o)
            o->counterparties = s;
        else
            ics_free(s);
        i = j;
    }
    ics_free(links);
    return rc;
}

void ics_ledger_report_free(struct ics_ledger_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->norgs; i++)
        ics_free(r->orgs[i].counterparties);
    for (size_t i = 0; i < r->npairs; i++)
        ics_free(r->pairs[i].explanations);
    ics_free(r->orgs);
    ics_free(r->pairs);
    ics_free(r);
}

/* The rows: every pair and organisation that has a comparison or an open
 * dispute (of this period or earlier), sorted, each once. */
static void add_keys(struct ics_ledger_report *r, const struct ics_ledger_match *m, const struct ics_ledger_disputes *d,
                     const char *period)
{
    size_t nm = ics_ledger_match_count(m), nd = ics_ledger_disputes_count(d);
    for (size_t i = 0; i < nm + nd; i++) {
        const char *x, *y;
        if (i < nm) {
            x = ics_ledger_match_row(m, i)->supplier;
            y = ics_ledger_match_row(m, i)->purchaser;
        } else {
            const struct ics_ledger_dispute *dd = ics_ledger_disputes_row(d, i - nm);
            if (strcmp(dd->period, period) > 0)
                continue;
            x = dd->supplier;
            y = dd->purchaser;
        }
        pair_key(x, y, &r->pairs[r->npairs]);
        r->pairs[r->npairs++].oldest = ICS_DATE_NONE;
        snprintf(r->orgs[r->norgs].org, sizeof r->orgs[0].org, "%s", x);
        r->norgs++;
        snprintf(r->orgs[r->norgs].org, sizeof r->orgs[0].org, "%s", y);
        r->norgs++;
    }
    qsort(r->pairs, r->npairs, sizeof *r->pairs, pair_cmp);
    size_t k = 0;
    for (size_t i = 0; i < r->npairs; i++)
        if (k == 0 || pair_cmp(&r->pairs[k - 1], &r->pairs[i]) != 0)
            r->pairs[k++] = r->pairs[i];
    r->npairs = k;
    qsort(r->orgs, r->norgs, sizeof *r->orgs, org_cmp);
    k = 0;
    for (size_t i = 0; i < r->norgs; i++)
        if (k == 0 || org_cmp(&r->orgs[k - 1], &r->orgs[i]) != 0)
            r->orgs[k++] = r->orgs[i];
    r->norgs = k;
}

/* A pair's or organisation's sum that does not fit in int64. */
static int too_large(struct ics_error *err, const char *who, const char *what)
{
    char why[96];
    return ics_error_set(err, ICS_ERR_PARSE, "%s: %s %s", who, what, icsi_ledger_too_large(why, sizeof why));
}

/* Appends "KIND ORG reason[: note]" to the pair's explanations. */
static int add_explanation(struct pair_row *p, int cls, const char *org, int reason, const char *note)
{
    if (reason == ICS_LEDGER_REASON_NONE)
        return 0;
    size_t have = p->explanations ? strlen(p->explanations) : 0;
    size_t need = have + strlen(org) + strlen(note) + 48;
    char *s = ics_realloc(p->explanations, need);
    if (!s)
        return -1;
    snprintf(s + have, need - have, "%s%s %s %s%s%s", have ? "; " : "", ics_ledger_class_name(cls), org,
             ics_ledger_reason_name(reason), *note ? ": " : "", note);
    p->explanations = s;
    return 0;
}

/* Each comparison's and open dispute's figures into its pair and organisations. */
static int add_sums(struct ics_ledger_report *r, const struct ics_ledger_match *m, const struct ics_ledger_disputes *d,
                    const char *period, struct ics_error *err)
{
    size_t nm = ics_ledger_match_count(m), nd = ics_ledger_disputes_count(d);
    for (size_t i = 0; i < nm; i++) {
        const struct ics_ledger_comparison *c = ics_ledger_match_row(m, i);
        struct pair_row *p = find_pair(r, c->supplier, c->purchaser);
        char who[2 * ICS_LEDGER_CODE_MAX + 8];
        snprintf(who, sizeof who, "%s and %s", p->a, p->b);
        int64_t diff;
        if (icsi_pence_abs(c->adjusted_mismatch, &diff))
            return too_large(err, who, "a mismatch");
        if (must_agree(c)) {
            if (icsi_pence_add(p->unresolved, diff, &p->unresolved))
                return too_large(err, who, "the unresolved value");
            p->to_agree++;
        } else if (c->status == ICS_LEDGER_BELOW_THRESHOLD) {
            if (icsi_pence_add(p->below_threshold, diff, &p->below_threshold))
                return too_large(err, who, "the below-threshold value");
        }
        if (c->status != ICS_LEDGER_AGREED) {
            older(&p->oldest, c->oldest_unagreed);
            p->prior_year_invoices += c->prior_year_invoices;
            if (icsi_pence_add(p->prior_year_value, c->prior_year_value, &p->prior_year_value))
                return too_large(err, who, "the value of prior-year invoices");
        }
        struct org_row *os = find_org(r, c->supplier), *op = find_org(r, c->purchaser);
        os->statements_required += c->statement_required;
        if (c->status != ICS_LEDGER_AGREED &&
            (add_explanation(p, c->cls, c->supplier, c->supplier_reason, c->supplier_note) ||
             add_explanation(p, c->cls, c->purchaser, c->purchaser_reason, c->purchaser_note)))
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        /* An open dispute explains a difference: only a plain mismatch waits for a reason. */
        if (c->status == ICS_LEDGER_MISMATCH) {
            os->unexplained += c->supplier_reason == ICS_LEDGER_REASON_NONE;
            op->unexplained += c->purchaser_reason == ICS_LEDGER_REASON_NONE;
        }
        if (must_agree(c)) {
            os->must_agree++;
            op->must_agree++;
            if (icsi_pence_add(os->must_agree_value, diff, &os->must_agree_value))
                return too_large(err, os->org, "the value it must agree");
            if (icsi_pence_add(op->must_agree_value, diff, &op->must_agree_value))
                return too_large(err, op->org, "the value it must agree");
        }
    }
    for (size_t i = 0; i < nd; i++) {
        const struct ics_ledger_dispute *dd = ics_ledger_disputes_row(d, i);
        if (strcmp(dd->period, period) > 0)
            continue;
        struct pair_row *p = find_pair(r, dd->supplier, dd->purchaser);
        p->open_disputes++;
        p->overdue_disputes += dd->overdue;
        if (icsi_pence_add(p->disputed_value, dd->amount, &p->disputed_value)) {
            char who[2 * ICS_LEDGER_CODE_MAX + 8];
            snprintf(who, sizeof who, "%s and %s", p->a, p->b);
            return too_large(err, who, "the disputed value");
        }
        older(&p->oldest, dd->opened_on);
        struct org_row *os = find_org(r, dd->supplier), *op = find_org(r, dd->purchaser);
        os->open_disputes++;
        op->open_disputes++;
        os->overdue_disputes += dd->overdue;
        op->overdue_disputes += dd->overdue;
    }
    return ICS_OK;
}

int ics_ledger_report(struct ics_ledger *l, const struct ics_ledger_report_options *opt,
                      struct ics_ledger_report **out, struct ics_error *err)
{
    *out = NULL;
    char only[ICS_LEDGER_CODE_MAX] = "";
    if (opt->org && *opt->org && icsi_ledger_code_normalise(opt->org, strlen(opt->org), only) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad organisation code '%s'", opt->org);
    struct ics_ledger_match *m = NULL;
    struct ics_ledger_disputes *d = NULL;
    int32_t as_of = opt->as_of == ICS_DATE_NONE ? icsi_ledger_today() : opt->as_of;
    /* The board as it stood at the end of as_of: the versions then current, the disputes then open. */
    int rc = ics_ledger_match_at(l, opt->period, opt->thresholds, opt->as_of, &m, err);
    if (rc)
        return rc;
    struct ics_ledger_dispute_filter f;
    ics_ledger_dispute_filter_init(&f);
    f.status = "open";
    f.as_of = as_of;
    rc = ics_ledger_disputes_list(l, &f, &d, err);
    if (rc) {
        ics_ledger_match_free(m);
        return rc;
    }
    struct ics_ledger_report *r = ics_calloc(1, sizeof *r);
    size_t nm = ics_ledger_match_count(m), nd = ics_ledger_disputes_count(d);
    if (r) {
        r->pairs = ics_calloc(nm + nd + 1, sizeof *r->pairs);
        r->orgs = ics_calloc(2 * (nm + nd) + 1, sizeof *r->orgs);
    }
    if (!r || !r->pairs || !r->orgs) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto done;
    }
    snprintf(r->period, sizeof r->period, "%s", opt->period);
    r->as_of = as_of;

    add_keys(r, m, d, opt->period);
    rc = add_sums(r, m, d, opt->period, err);
    if (rc)
        goto done;
    if (build_counterparties(r, m)) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* Keep pairs with something to resolve (and of the org asked for). */
    size_t k = 0;
    for (size_t i = 0; i < r->npairs; i++) {
        struct pair_row *p = &r->pairs[i];
        int keep = p->unresolved || p->below_threshold || p->open_disputes || p->to_agree;
        if (only[0] && strcmp(p->a, only) != 0 && strcmp(p->b, only) != 0)
            keep = 0;
        if (keep)
            r->pairs[k++] = *p;
        else
            ics_free(p->explanations);
    }
    r->npairs = k;
    qsort(r->pairs, r->npairs, sizeof *r->pairs, rank_cmp);
    for (size_t i = 0; i < r->npairs; i++)
        r->pairs[i].rank = (int)i + 1;
    if (only[0]) {
        k = 0;
        for (size_t i = 0; i < r->norgs; i++) {
            if (strcmp(r->orgs[i].org, only) == 0)
                r->orgs[k++] = r->orgs[i];
            else
                ics_free(r->orgs[i].counterparties);
        }
        r->norgs = k;
        if (k == 0) {
            memset(&r->orgs[0], 0, sizeof r->orgs[0]);
            snprintf(r->orgs[0].org, sizeof r->orgs[0].org, "%s", only);
            r->norgs = 1;
        }
    }
done:
    ics_ledger_match_free(m);
    ics_ledger_disputes_free(d);
    if (rc) {
        ics_ledger_report_free(r);
        return rc;
    }
    *out = r;
    return ICS_OK;
}

static void write_pair_json(struct ics_json *j, const struct ics_ledger_report *r, const struct pair_row *p)
{
    char m[24], date[16];
    ics_json_object_begin(j);
    ics_json_kv_int(j, "rank", p->rank);
    ics_json_kv_string(j, "org_a", p->a);
    ics_json_kv_string(j, "org_b", p->b);
    ics_json_key(j, "unresolved");
    ics_json_raw_number(j, icsi_ledger_money(p->unresolved, m));
    ics_json_kv_int(j, "to_agree", p->to_agree);
    ics_json_key(j, "below_threshold");
    ics_json_raw_number(j, icsi_ledger_money(p->below_threshold, m));
    ics_json_kv_int(j, "open_disputes", p->open_disputes);
    ics_json_kv_int(j, "overdue_disputes", p->overdue_disputes);
    ics_json_key(j, "disputed_value");
    ics_json_raw_number(j, icsi_ledger_money(p->disputed_value, m));
    if (p->oldest != ICS_DATE_NONE) {
        ics_date_format(p->oldest, date);
        ics_json_kv_string(j, "oldest_open_item", date);
        ics_json_kv_int(j, "oldest_open_days", r->as_of - p->oldest);
    } else {
        ics_json_kv_null(j, "oldest_open_item");
        ics_json_kv_null(j, "oldest_open_days");
    }
    ics_json_kv_int(j, "prior_year_invoices", p->prior_year_invoices);
    ics_json_key(j, "prior_year_value");
    ics_json_raw_number(j, icsi_ledger_money(p->prior_year_value, m));
    if (p->explanations)
        ics_json_kv_string(j, "explanations", p->explanations);
    else
        ics_json_kv_null(j, "explanations");
    ics_json_object_end(j);
}

int ics_ledger_report_write(const struct ics_ledger_report *r, FILE *out, int json, int by_org)
{
    char m1[24], m2[24], m3[24], m4[24], date[16], asof[16];
    ics_date_format(r->as_of, asof);
    if (json) {
        struct ics_json j;
        ics_json_init(&j, out, 1);
        ics_json_object_begin(&j);
        ics_json_kv_string(&j, "period", r->period);
        ics_json_kv_string(&j, "as_of", asof);
        ics_json_key(&j, "pairs");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < r->npairs; i++)
            write_pair_json(&j, r, &r->pairs[i]);
        ics_json_array_end(&j);
        ics_json_key(&j, "organisations");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < r->norgs; i++) {
            const struct org_row *o = &r->orgs[i];
            ics_json_object_begin(&j);
            ics_json_kv_string(&j, "org", o->org);
            ics_json_kv_int(&j, "must_agree", o->must_agree);
            ics_json_key(&j, "must_agree_value");
            ics_json_raw_number(&j, icsi_ledger_money(o->must_agree_value, m1));
            ics_json_key(&j, "counterparties");
            ics_json_array_begin(&j);
            for (const char *p = o->counterparties; p && *p;) {
                const char *e = strchr(p, ' ');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                ics_json_string_n(&j, p, len);
                p += len + (e ? 1 : 0);
            }
            ics_json_array_end(&j);
            ics_json_kv_int(&j, "statements_required", o->statements_required);
            ics_json_kv_int(&j, "open_disputes", o->open_disputes);
            ics_json_kv_int(&j, "overdue_disputes", o->overdue_disputes);
            ics_json_kv_int(&j, "unexplained", o->unexplained);
            ics_json_object_end(&j);
        }
        ics_json_array_end(&j);
        ics_json_object_end(&j);
        if (ics_json_finish(&j) != 0)
            return ICS_ERR_INTERNAL;
        return ferror(out) ? ICS_ERR_IO : ICS_OK;
    }
    if (by_org) {
        fputs("period,org,must_agree,must_agree_value,counterparties,statements_required,open_disputes,"
              "overdue_disputes,unexplained\n", out);
        for (size_t i = 0; i < r->norgs; i++) {
            const struct org_row *o = &r->orgs[i];
            fprintf(out, "%s,%s,%lld,%s,%s,%lld,%lld,%lld,%lld\n", r->period, o->org, (long long)o->must_agree,
                    icsi_ledger_money(o->must_agree_value, m1), o->counterparties ? o->counterparties : "",
                    (long long)o->statements_required, (long long)o->open_disputes, (long long)o->overdue_disputes,
                    (long long)o->unexplained);
        }
    } else {
        fputs("rank,period,org_a,org_b,unresolved,to_agree,below_threshold,open_disputes,overdue_disputes,"
              "disputed_value,oldest_open_item,oldest_open_days,prior_year_invoices,prior_year_value,explanations\n", out);
        for (size_t i = 0; i < r->npairs; i++) {
            const struct pair_row *p = &r->pairs[i];
            char days[24] = "";
            date[0] = '\0';
            if (p->oldest != ICS_DATE_NONE) {
                ics_date_format(p->oldest, date);
                snprintf(days, sizeof days, "%ld", (long)(r->as_of - p->oldest));
            }
            fprintf(out, "%d,%s,%s,%s,%s,%lld,%s,%lld,%lld,%s,%s,%s,%lld,%s,", p->rank, r->period, p->a, p->b,
                    icsi_ledger_money(p->unresolved, m1), (long long)p->to_agree, icsi_ledger_money(p->below_threshold, m2),
                    (long long)p->open_disputes, (long long)p->overdue_disputes, icsi_ledger_money(p->disputed_value, m3),
                    date, days, (long long)p->prior_year_invoices, icsi_ledger_money(p->prior_year_value, m4));
            const char *ex = p->explanations ? p->explanations : "";
            ics_csv_write_field(out, ex, strlen(ex));
            fputc('\n', out);
        }
    }
    return ferror(out) ? ICS_ERR_IO : ICS_OK;
}
