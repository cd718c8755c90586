/* Trim point tables: reading the two layouts, rates, writing, and deriving them from the data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beds_internal.h"
#include "ics/stats.h"

#define MIN_SPELLS_FOR_TRIMPOINT 10

/* ---- trim points ----------------------------------------------------------- */

struct ics_trimpoints *icsi_beds_trimpoints_new(void)
{
    struct ics_trimpoints *t = ics_calloc(1, sizeof *t);
    if (t)
        ics_strmap_init(&t->map, sizeof(struct trim));
    return t;
}

void ics_trimpoints_free(struct ics_trimpoints *t)
{
    if (!t)
        return;
    ics_strmap_release(&t->map);
    ics_free(t);
}

size_t ics_trimpoints_count(const struct ics_trimpoints *t)
{
    return t ? t->map.count : 0;
}

/* Parses a whole number of days in core's number grammar (ics_parse_int64);
 * empty or "-" means none. Returns 1 (value), 0 (none) or -1 (bad). */
#define MAX_TRIMPOINT_DAYS 1000000
static int parse_days(const char *s, size_t n, int32_t *out)
{
    ics_text_trim(&s, &n);
    if (n == 0 || (n == 1 && s[0] == '-'))
        return 0;
    int64_t v;
    if (ics_parse_int64(s, n, 0, MAX_TRIMPOINT_DAYS, &v, NULL))
        return -1;
    *out = (int32_t)v;
    return 1;
}

int ics_trimpoints_load(const char *path, struct ics_trimpoints **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        return rc;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    static const char *const hrg_names[] = {"hrg", "sushrg", "hrg_code", NULL};
    static const char *const el_names[] = {"elective_trimpoint_days", "elective", "elective_trimpoint", NULL};
    static const char *const ne_names[] = {"non_elective_trimpoint_days", "emergency", "non_elective",
                                           "nonelective", "non_elective_trimpoint", NULL};
    static const char *const rate_names[] = {"excess_bed_day_rate", "rate", "per_day_long_stay_payment", NULL};
    int c_hrg = ics_csv_header_find(h, hrg_names);
    int c_el = ics_csv_header_find(h, el_names);
    int c_ne = ics_csv_header_find(h, ne_names);
    int c_rate = ics_csv_header_find(h, rate_names);
    const char *label = ics_csv_reader_label(r);
    if (c_hrg < 0 || c_el < 0 || c_ne < 0) {
        rc = ics_error_at(err, ICS_ERR_MISSING_COLUMN, label, 1, 0, "missing column '%s' (trim points need hrg, "
                          "elective_trimpoint_days and non_elective_trimpoint_days, or sushrg, elective, emergency)",
                          c_hrg < 0 ? "hrg" : c_el < 0 ? "elective_trimpoint_days" : "non_elective_trimpoint_days");
        ics_csv_close(r);
        return rc;
    }
    /* The Strategy Unit's sushrg,elective,emergency file writes 0 for "no trim
     * point"; in ics's own layout (what --trimpoints-out writes) 0 is 0 days. */
    int zero_is_none = strcasecmp(h->names[c_el], "elective") == 0 || strcasecmp(h->names[c_ne], "emergency") == 0;
    struct ics_trimpoints *t = icsi_beds_trimpoints_new();
    if (!t) {
        ics_csv_close(r);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
    }
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        int need = (c_rate > c_ne ? c_rate : c_ne);
        need = need > c_el ? need : c_el;
        need = need > c_hrg ? need : c_hrg;
        if (row.nfields <= need && !(c_rate == need && row.nfields == need)) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, row.nfields + 1, "row has %d fields", row.nfields);
            break;
        }
        const char *hs = row.fields[c_hrg].ptr;
        size_t hn = row.fields[c_hrg].len;
        ics_text_trim(&hs, &hn);
        if (hn == 0 || memchr(hs, '\0', hn)) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_hrg + 1,
                              hn ? "HRG code holds a NUL byte" : "empty HRG code");
            break;
        }
        struct trim v = {0};
        int cols[2] = {c_el, c_ne};
        for (int k = 0; k < 2; k++) {
            int got = parse_days(row.fields[cols[k]].ptr, row.fields[cols[k]].len, &v.days[k]);
            if (got < 0) {
                char q[128];
                rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, cols[k] + 1, "bad trim point '%s'",
                                  ics_text_printable(row.fields[cols[k]].ptr, row.fields[cols[k]].len, q, sizeof q));
                break;
            }
            v.has[k] = got == 1 && !(zero_is_none && v.days[k] == 0);
        }
        if (rc == ICS_ERR_PARSE)
            break;
        if (c_rate >= 0 && c_rate < row.nfields) {
            const char *rs = row.fields[c_rate].ptr;
            size_t rn = row.fields[c_rate].len;
            ics_text_trim(&rs, &rn);
            if (rn > 0) {
                const char *why = NULL;
                if (ics_pence_parse(rs, rn, &v.rate_pence, &why) || v.rate_pence < 0) {
                    char q[128];
                    rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_rate + 1, "bad rate '%s': %s",
                                      ics_text_printable(rs, rn, q, sizeof q), why ? why : "negative");
                    break;
                }
                v.has_rate = 1;
                t->any_rate = 1;
            }
        }
        struct trim *slot = ics_strmap_upsert(&t->map, hs, hn, NULL);
        if (!slot) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
            break;
        }
        *slot = v;
    }
    ics_csv_close(r);
    if (rc < 0 || rc > 1 || (rc != 0 && rc != 1)) {
        ics_trimpoints_free(t);
        return rc;
    }
    *out = t;
    return ICS_OK;
}

int ics_trimpoints_load_rates(struct ics_trimpoints *t, const char *path, struct ics_error *err)
{
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        return rc;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    static const char *const hrg_names[] = {"hrg", "sushrg", "hrg_code", NULL};
    static const char *const rate_names[] = {"rate", "excess_bed_day_rate", "per_day_long_stay_payment", NULL};
    int c_hrg = ics_csv_header_find(h, hrg_names);
    int c_rate = ics_csv_header_find(h, rate_names);
    const char *label = ics_csv_reader_label(r);
    if (c_hrg < 0 || c_rate < 0) {
        rc = ics_error_at(err, ICS_ERR_MISSING_COLUMN, label, 1, 0, "missing column '%s' (rates need hrg,rate)",
                          c_hrg < 0 ? "hrg" : "rate");
        ics_csv_close(r);
        return rc;
    }
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        if (row.nfields <= c_hrg || row.nfields <= c_rate) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, row.nfields + 1, "row has %d fields", row.nfields);
            break;
        }
        const char *hs = row.fields[c_hrg].ptr, *rs = row.fields[c_rate].ptr;
        size_t hn = row.fields[c_hrg].len, rn = row.fields[c_rate].len;
        ics_text_trim(&hs, &hn);
        ics_text_trim(&rs, &rn);
        if (memchr(hs, '\0', hn)) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_hrg + 1, "HRG code holds a NUL byte");
            break;
        }
        int64_t pence;
        const char *why = NULL;
        if (ics_pence_parse(rs, rn, &pence, &why) || pence < 0) {
            char q[128];
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_rate + 1, "bad rate '%s': %s",
                              ics_text_printable(rs, rn, q, sizeof q), why ? why : "negative");
            break;
        }
        struct trim *slot = ics_strmap_upsert(&t->map, hs, hn, NULL);
        if (!slot) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
            break;
        }
        slot->rate_pence = pence;
        slot->has_rate = 1;
        t->any_rate = 1;
    }
    ics_csv_close(r);
    return rc == 0 ? ICS_OK : rc;
}

static int compare_keys(const void *a, const void *b, void *map)
{
    const struct ics_strmap *m = map;
    const struct ics_strmap_key *ka = &m->keys[*(const uint32_t *)a];
    const struct ics_strmap_key *kb = &m->keys[*(const uint32_t *)b];
    size_t n = ka->len < kb->len ? ka->len : kb->len;
    int c = memcmp(ka->s, kb->s, n);
    return c ? c : (ka->len > kb->len) - (ka->len < kb->len);
}

/* Entry indexes of a map in key order; caller frees. */
uint32_t *icsi_beds_sorted_entries(const struct ics_strmap *m)
{
    uint32_t *idx = ics_malloc((m->count ? m->count : 1) * sizeof *idx);
    if (!idx)
        return NULL;
    for (uint32_t i = 0; i < m->count; i++)
        idx[i] = i;
    qsort_r(idx, m->count, sizeof *idx, compare_keys, (void *)m);
    return idx;
}

int ics_trimpoints_write(const struct ics_trimpoints *t, FILE *out, struct ics_error *err)
{
    uint32_t *idx = icsi_beds_sorted_entries(&t->map);
    if (!idx)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory writing trim points");
    fprintf(out, "hrg,elective_trimpoint_days,non_elective_trimpoint_days%s\n",
            t->any_rate ? ",excess_bed_day_rate" : "");
    for (uint32_t i = 0; i < t->map.count; i++) {
        const struct ics_strmap_key *k = &t->map.keys[idx[i]];
        const struct trim *v = ics_strmap_value(&t->map, idx[i]);
        ics_csv_write_field(out, k->s, k->len);
        for (int c = 0; c < 2; c++) {
            if (v->has[c])
                fprintf(out, ",%d", v->days[c]);
            else
                fputs(",", out);
        }
        if (t->any_rate) {
            char buf[32] = "";
            if (v->has_rate)
                ics_pence_format(v->rate_pence, buf);
            fprintf(out, ",%s", buf);
        }
        fputc('\n', out);
    }
    ics_free(idx);
    if (ferror(out))
        return ics_error_set(err, ICS_ERR_IO, "error writing trim points");
    return ICS_OK;
}

/* ---- derived trim points --------------------------------------------------- */

/* The k-th smallest value (0-based) of a histogram (an ics_quantile_type7_by accessor). */
static double order_statistic(const void *ctx, size_t k)
{
    const struct histogram *h = ctx;
    uint64_t seen = 0;
    for (uint32_t v = 0; v < h->len; v++) {
        seen += h->counts[v];
        if (seen > k)
            return v;
    }
    return h->len ? h->len - 1 : 0;
}

/* R type 7 quantile of the stays a histogram counts (stats' one formula). */
static double histogram_quantile(const struct histogram *h, double p)
{
    return ics_quantile_type7_by((size_t)h->n, p, order_statistic, h);
}

int icsi_beds_derive_trimpoints(struct worker *workers, int n, int32_t bucket, struct ics_trimpoints **out,
                             struct ics_error *err)
{
    struct ics_trimpoints *t = icsi_beds_trimpoints_new();
    struct ics_strmap merged[2];   /* by class: HRG -> the histogram of every stay */
    ics_strmap_init(&merged[0], sizeof(struct histogram));
    ics_strmap_init(&merged[1], sizeof(struct histogram));
    int rc = ICS_OK;
    if (!t) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory deriving trim points");
        goto out;
    }
    for (int i = 0; i < n && !rc; i++) {
        struct worker *w = &workers[i];
        hist_settle(w);
        if (w->hist_bucket != bucket)
            continue;
        for (uint32_t at = 0; at < 2 * w->hrgs.count && at < 2 * w->hist_cap && !rc; at++) {
            const uint32_t *dense = w->dense + (size_t)at * DENSE_LOS;
            const struct histogram *tail = &w->tails[at];
            uint64_t seen = tail->n;
            for (int v = 0; v < DENSE_LOS; v++)
                seen += dense[v];
            if (seen == 0)
                continue;
            const struct ics_strmap_key *hrg = &w->hrgs.keys[at / 2];
            struct histogram *dst = ics_strmap_upsert(&merged[at % 2], hrg->s, hrg->len, NULL);
            uint32_t len = DENSE_LOS + tail->len;
            if (dst && dst->len < len) {
                uint32_t *c = ics_realloc(dst->counts, len * sizeof *c);
                if (c) {
                    memset(c + dst->len, 0, (len - dst->len) * sizeof *c);
                    dst->counts = c;
                    dst->len = len;
                }
            }
            if (!dst || dst->len < len) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory deriving trim points");
                break;
            }
            for (int v = 0; v < DENSE_LOS; v++)
                dst->counts[v] += dense[v];
            for (uint32_t v = 0; v < tail->len; v++)
                dst->counts[DENSE_LOS + v] += tail->counts[v];
            dst->n += seen;
        }
    }
    for (int cls = 0; cls < 2 && !rc; cls++) {
        for (uint32_t e = 0; e < merged[cls].count && !rc; e++) {
            const struct ics_strmap_key *k = &merged[cls].keys[e];
            const struct histogram *h = ics_strmap_value(&merged[cls], e);
            struct trim *v = ics_strmap_upsert(&t->map, k->s, k->len, NULL);
            if (!v) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory deriving trim points");
                break;
            }
            if (h->n < MIN_SPELLS_FOR_TRIMPOINT)
                continue;
            double q1 = histogram_quantile(h, 0.25), q3 = histogram_quantile(h, 0.75);
            v->days[cls] = (int32_t)ceil(q3 + 1.5 * (q3 - q1));
            v->has[cls] = 1;
        }
    }
out:
    for (int cls = 0; cls < 2; cls++) {
        for (uint32_t e = 0; e < merged[cls].count; e++)
            ics_free(((struct histogram *)ics_strmap_value(&merged[cls], e))->counts);
        ics_strmap_release(&merged[cls]);
    }
    if (rc) {
        ics_trimpoints_free(t);
        return rc;
    }
    *out = t;
    return ICS_OK;
}
