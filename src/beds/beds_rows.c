/* The output rows: the threads' sums merged per output code (roll-ups), sorted, and series. */
#include <string.h>

#include "beds_internal.h"
#include "ics/refdata.h"

/* ---- the run --------------------------------------------------------------- */

static void add_measures(struct ics_beds_measures *a, const struct ics_beds_measures *b)
{
    a->spells += b->spells;
    a->bed_days += b->bed_days;
    a->excess_bed_days += b->excess_bed_days;
    a->excess_cost_pence += b->excess_cost_pence;
    a->long_stay_7_spells += b->long_stay_7_spells;
    a->long_stay_21_spells += b->long_stay_21_spells;
    a->occupied_bed_days += b->occupied_bed_days;
    a->long_stay_7_bed_days += b->long_stay_7_bed_days;
    a->long_stay_21_bed_days += b->long_stay_21_bed_days;
}

/* Sums of the output level, keyed by output code. */
struct out_group {
    struct ics_beds_measures m;
    int64_t *daily;
    const char *name;
};

static int add_group(struct ics_strmap *out, const char *code, size_t len, const char *name,
                     const struct group *g, size_t daily_len)
{
    struct out_group *o = ics_strmap_upsert(out, code, len, NULL);
    if (!o)
        return -1;
    add_measures(&o->m, &g->m);
    if (!o->name)
        o->name = name;
    if (g->daily) {
        if (!o->daily) {
            o->daily = ics_calloc(daily_len, sizeof(int64_t));
            if (!o->daily)
                return -1;
        }
        for (size_t i = 0; i < daily_len; i++)
            o->daily[i] += g->daily[i];
    }
    return 0;
}

static const char *UNKNOWN_CODE = "unknown";

/* Maps a worker's code to the output level's code and name. */
static const char *output_code(const struct ics_beds_options *opt, const char *code, size_t len, size_t *out_len,
                               const char **name, int *unmapped)
{
    *unmapped = 0;
    *name = "";
    if (len == 0) {
        *out_len = strlen(UNKNOWN_CODE);
        *name = opt->level == ICS_BEDS_PROVIDER ? "Unknown provider" : "Unknown residence";
        if (opt->level != ICS_BEDS_PROVIDER && opt->level != ICS_BEDS_RESIDENCE)
            *unmapped = 1;
        return UNKNOWN_CODE;
    }
    if (opt->level == ICS_BEDS_PROVIDER) {
        const char *n = ics_provider_name(code, len);
        *name = n ? n : "";
        *out_len = len;
        return code;
    }
    const struct ics_geography_area *a = opt->geography ? ics_geography_la(opt->geography, code, len) : NULL;
    if (opt->level == ICS_BEDS_RESIDENCE) {
        /* An older code rolls into its successor's row (e.g. 2019
         * Buckinghamshire districts into Buckinghamshire). */
        if (!a) {
            *out_len = len;
            return code;
        }
        *name = a->la_name ? a->la_name : "";
        *out_len = strlen(a->la_code);
        return a->la_code;
    }
    const char *nation_code, *nation_name;
    if (!a && opt->level == ICS_BEDS_NATION && ics_gss_nation(code, len, &nation_code, &nation_name) == 0) {
        *name = nation_name;
        *out_len = strlen(nation_code);
        return nation_code;
    }
    if (!a) {
        *unmapped = 1;
        *out_len = strlen(UNKNOWN_CODE);
        *name = "Unknown or unmapped residence";
        return UNKNOWN_CODE;
    }
    const char *c;
    if (opt->level == ICS_BEDS_ICB) {
        c = a->icb_code;
        *name = a->icb_name ? a->icb_name : "";
    } else if (opt->level == ICS_BEDS_REGION) {
        c = a->region_code;
        *name = a->region_name ? a->region_name : "";
    } else {
        c = a->nation_code;
        *name = a->nation_name ? a->nation_name : "";
    }
    *out_len = strlen(c);
    return c;
}

static int32_t series_start(int series, int32_t day)
{
    if (series == ICS_SERIES_WEEK)
        return ics_week_start(day);
    if (series == ICS_SERIES_MONTH)
        return ics_month_start(day);
    return day;
}

static int no_memory(struct ics_error *err)
{
    return ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
}

/* The output level's sums: every worker's groups added up per output code. */
static int merge_groups(struct ics_beds_result *res, const struct ics_beds_options *opt, struct ics_strmap *out,
                        const struct worker *workers, int n, size_t daily_len, struct ics_error *err)
{
    for (int i = 0; i < n; i++) {
        for (uint32_t e = 0; e < workers[i].groups.count; e++) {
            const struct ics_strmap_key *k = &workers[i].groups.keys[e];
            const struct group *g = ics_strmap_value(&workers[i].groups, e);
            size_t olen;
            const char *name;
            int unmapped;
            const char *code = output_code(opt, k->s, k->len, &olen, &name, &unmapped);
            if (unmapped)
                res->s.unmapped_residence += (uint64_t)(g->m.spells);
            if (add_group(out, code, olen, name, g, daily_len))
                return no_memory(err);
        }
    }
    return ICS_OK;
}

/* Copies an output code and its name into the result's arena. */
static int copy_names(struct ics_beds_result *res, const struct ics_strmap_key *k, const struct out_group *o,
                      const char **code, const char **name)
{
    *code = ics_arena_strndup(&res->arena, k->s, k->len);
    *name = ics_arena_strndup(&res->arena, o->name ? o->name : "", o->name ? strlen(o->name) : 0);
    return *code && *name ? 0 : -1;
}

/* Without a series: one row per code over the whole period. */
static int period_rows(struct ics_beds_result *res, const struct ics_strmap *out, const uint32_t *idx,
                       struct ics_error *err)
{
    res->rows = ics_arena_alloc(&res->arena, (out->count ? out->count : 1) * sizeof *res->rows);
    if (!res->rows)
        return no_memory(err);
    for (uint32_t i = 0; i < out->count; i++) {
        const struct out_group *o = ics_strmap_value(out, idx[i]);
        struct ics_beds_row *r = &res->rows[i];
        if (copy_names(res, &out->keys[idx[i]], o, &r->code, &r->name))
            return no_memory(err);
        r->period_start = res->s.from;
        r->period_days = res->s.days;
        r->m = o->m;
    }
    res->s.rows = out->count;
    return ICS_OK;
}

/* The first day of the next period after the one starting on `start`. */
static int32_t next_period(int series, int32_t start)
{
    if (series == ICS_SERIES_WEEK)
        return start + 7;
    if (series == ICS_SERIES_MONTH) {
        int y, m, dd;
        ics_date_to_ymd(start, &y, &m, &dd);
        return m == 12 ? ics_date_from_ymd(y + 1, 1, 1) : ics_date_from_ymd(y, m + 1, 1);
    }
    return start + 1;
}

static size_t count_periods(int series, int32_t from, int32_t to)
{
    size_t periods = 0;
    for (int32_t d = from; d <= to; d = next_period(series, series_start(series, d)))
        periods++;
    return periods;
}

/*
 * The series rows of code gi (gi == out->count: the total over every code),
 * from row *row_i on. Spell measures add up the daily sums of the period's
 * days; a code's occupancy is the running sum of its difference arrays (the
 * total rows' occupancy is added up from the codes' rows afterwards).
 */
static void series_rows(struct ics_beds_result *res, const struct config *cfg, const struct ics_strmap *out,
                        const uint32_t *idx, uint32_t gi, const char *code, const char *name, size_t *row_i)
{
    size_t stride = (size_t)cfg->series_days + 1;
    const struct out_group *o = gi < out->count ? ics_strmap_value(out, idx[gi]) : NULL;
    uint32_t src_from = o ? gi : 0, src_to = o ? gi + 1 : out->count;
    int64_t running[3] = {0, 0, 0};
    int32_t d = res->s.from;
    while (d <= res->s.to) {
        struct ics_beds_row *r = &res->rows[(*row_i)++];
        memset(r, 0, sizeof *r);
        r->code = code;
        r->name = name;
        r->period_start = series_start(cfg->series, d);
        int32_t first = d;
        for (; d <= res->s.to && series_start(cfg->series, d) == r->period_start; d++) {
            size_t at = (size_t)(d - res->s.from);
            for (uint32_t src = src_from; src < src_to; src++) {
                const struct out_group *s = ics_strmap_value(out, idx[src]);
                if (!s->daily)
                    continue;
                const int64_t *dd = s->daily;
                r->m.spells += dd[D_SPELLS * stride + at];
                r->m.bed_days += dd[D_BED_DAYS * stride + at];
                r->m.excess_bed_days += dd[D_EXCESS * stride + at];
                r->m.excess_cost_pence += dd[D_COST * stride + at];
                r->m.long_stay_7_spells += dd[D_LS7_SPELLS * stride + at];
                r->m.long_stay_21_spells += dd[D_LS21_SPELLS * stride + at];
            }
            if (o) {
                const int64_t *dd = o->daily;
                if (dd) {
                    running[0] += dd[D_OCC * stride + at];
                    running[1] += dd[D_OCC7 * stride + at];
                    running[2] += dd[D_OCC21 * stride + at];
                }
                r->m.occupied_bed_days += running[0];
                r->m.long_stay_7_bed_days += running[1];
                r->m.long_stay_21_bed_days += running[2];
            }
        }
        r->period_days = d - first;
    }
}

/* With a series: one row per code and period, then a total row per period. */
static int periods_rows(struct ics_beds_result *res, const struct config *cfg, const struct ics_strmap *out,
                        const uint32_t *idx, struct ics_error *err)
{
    size_t periods = count_periods(cfg->series, res->s.from, res->s.to);
    size_t total_rows = (size_t)(out->count + 1) * periods;
    res->rows = ics_arena_alloc(&res->arena, total_rows * sizeof *res->rows);
    if (!res->rows)
        return no_memory(err);
    size_t row_i = 0;
    for (uint32_t gi = 0; gi <= out->count; gi++) {
        const char *code = "total", *name = "Total";
        if (gi < out->count && copy_names(res, &out->keys[idx[gi]], ics_strmap_value(out, idx[gi]), &code, &name))
            return no_memory(err);
        series_rows(res, cfg, out, idx, gi, code, name, &row_i);
    }
    /* Total rows' occupancy: the sum of the codes' rows of the same period. */
    for (size_t p = 0; p < periods; p++) {
        struct ics_beds_row *t = &res->rows[(size_t)out->count * periods + p];
        for (uint32_t gi = 0; gi < out->count; gi++) {
            const struct ics_beds_row *r = &res->rows[(size_t)gi * periods + p];
            t->m.occupied_bed_days += r->m.occupied_bed_days;
            t->m.long_stay_7_bed_days += r->m.long_stay_7_bed_days;
            t->m.long_stay_21_bed_days += r->m.long_stay_21_bed_days;
        }
    }
    res->s.rows = total_rows - periods;   /* the total rows follow the code rows */
    res->s.periods = periods;
    return ICS_OK;
}

int icsi_beds_build_rows(struct ics_beds_result *res, const struct ics_beds_options *opt, const struct config *cfg,
                         struct worker *workers, int n, struct ics_error *err)
{
    struct ics_strmap out;
    ics_strmap_init(&out, sizeof(struct out_group));
    size_t daily_len = cfg->series ? (size_t)D_COUNT * ((size_t)cfg->series_days + 1) : 0;
    uint32_t *idx = NULL;
    int rc = merge_groups(res, opt, &out, workers, n, daily_len, err);
    if (!rc) {
        idx = icsi_beds_sorted_entries(&out);
        if (!idx)
            rc = no_memory(err);
    }
    if (!rc) {
        memset(&res->total, 0, sizeof res->total);
        res->total.code = "total";
        res->total.name = "Total";
        for (uint32_t i = 0; i < out.count; i++)
            add_measures(&res->total.m, &((struct out_group *)ics_strmap_value(&out, i))->m);
        rc = cfg->series ? periods_rows(res, cfg, &out, idx, err) : period_rows(res, &out, idx, err);
    }
    ics_free(idx);
    for (uint32_t e = 0; e < out.count; e++)
        ics_free(((struct out_group *)ics_strmap_value(&out, e))->daily);
    ics_strmap_release(&out);
    return rc;
}
