/* ics beds output: the result as CSV or JSON. */
#include <string.h>

#include "beds_internal.h"

/* ---- output ---------------------------------------------------------------- */

#define RATIO_DECIMALS 6

static void write_measures_csv(FILE *f, const struct ics_beds_measures *m, int32_t days)
{
    char cost[32], a[64], b[64], c[64];
    ics_pence_format(m->excess_cost_pence, cost);
    int32_t d = days > 0 ? days : 1;
    ics_ratio_format(m->occupied_bed_days, d, RATIO_DECIMALS, a, sizeof a);
    ics_ratio_format(m->long_stay_21_bed_days, d, RATIO_DECIMALS, b, sizeof b);
    ics_ratio_format(m->excess_bed_days, d, RATIO_DECIMALS, c, sizeof c);
    fprintf(f, "%lld,%lld,%lld,%s,%lld,%lld,%lld,%lld,%lld,%s,%s,%s", (long long)m->spells,
            (long long)m->bed_days, (long long)m->excess_bed_days, cost, (long long)m->long_stay_7_spells,
            (long long)m->long_stay_21_spells, (long long)m->occupied_bed_days, (long long)m->long_stay_7_bed_days,
            (long long)m->long_stay_21_bed_days, a, b, c);
}

static const char MEASURE_COLUMNS[] =
    "spells,bed_days,excess_bed_days,excess_cost,long_stay_7_spells,long_stay_21_spells,"
    "occupied_bed_days,long_stay_7_bed_days,long_stay_21_bed_days,avg_occupied_beds,"
    "avg_long_stay_21_beds,excess_beds";

static void write_row_csv(FILE *f, const struct ics_beds_result *r, const char *level, const struct ics_beds_row *row)
{
    char from[11], to[11];
    fputs(level, f);
    fputc(',', f);
    ics_csv_write_field(f, row->code, strlen(row->code));
    if (r->s.series) {
        int32_t end = row->period_start;
        /* the last day of the period inside [from, to] */
        int32_t first = row->period_start < r->s.from ? r->s.from : row->period_start;
        end = first + row->period_days - 1;
        ics_date_format(row->period_start, from);
        ics_date_format(end, to);
        fprintf(f, ",%s,%s,%d,", from, to, row->period_days);
        ics_csv_write_field(f, row->name, strlen(row->name));
        fputc(',', f);
        write_measures_csv(f, &row->m, row->period_days);
        fputc('\n', f);
        return;
    }
    fputc(',', f);
    ics_csv_write_field(f, row->name, strlen(row->name));
    fputc(',', f);
    write_measures_csv(f, &row->m, r->s.days);
    ics_date_format(r->s.from, from);
    ics_date_format(r->s.to, to);
    fprintf(f, ",%s,%s,%d\n", from, to, r->s.days);
}

int ics_beds_write_csv(const struct ics_beds_result *r, FILE *f, struct ics_error *err)
{
    const char *level = ics_beds_level_name(r->s.level);
    if (r->s.series)
        fprintf(f, "level,code,period_start,period_end,days,name,%s\n", MEASURE_COLUMNS);
    else
        fprintf(f, "level,code,name,%s,period_from,period_to,days\n", MEASURE_COLUMNS);
    for (size_t i = 0; i < r->s.rows; i++)
        write_row_csv(f, r, level, &r->rows[i]);
    if (r->s.series) {
        for (size_t p = 0; p < r->s.periods; p++)
            write_row_csv(f, r, "total", &r->rows[r->s.rows + p]);
    } else {
        write_row_csv(f, r, "total", &r->total);
    }
    if (ferror(f))
        return ics_error_set(err, ICS_ERR_IO, "error writing the result");
    return ICS_OK;
}

static void json_number_text(struct ics_json *j, const char *key, const char *text)
{
    ics_json_key(j, key);
    ics_json_raw_number(j, text);
}

static void write_row_json(struct ics_json *j, const struct ics_beds_result *r, const char *level,
                           const struct ics_beds_row *row)
{
    char buf[64];
    int32_t days = r->s.series ? row->period_days : r->s.days;
    ics_json_object_begin(j);
    ics_json_kv_string(j, "level", level);
    ics_json_kv_string(j, "code", row->code);
    if (r->s.series) {
        int32_t first = row->period_start < r->s.from ? r->s.from : row->period_start;
        ics_date_format(row->period_start, buf);
        ics_json_kv_string(j, "period_start", buf);
        ics_date_format(first + row->period_days - 1, buf);
        ics_json_kv_string(j, "period_end", buf);
        ics_json_kv_int(j, "days", row->period_days);
    }
    ics_json_kv_string(j, "name", row->name);
    const struct ics_beds_measures *m = &row->m;
    ics_json_kv_int(j, "spells", m->spells);
    ics_json_kv_int(j, "bed_days", m->bed_days);
    ics_json_kv_int(j, "excess_bed_days", m->excess_bed_days);
    ics_pence_format(m->excess_cost_pence, buf);
    json_number_text(j, "excess_cost", buf);
    ics_json_kv_int(j, "long_stay_7_spells", m->long_stay_7_spells);
    ics_json_kv_int(j, "long_stay_21_spells", m->long_stay_21_spells);
    ics_json_kv_int(j, "occupied_bed_days", m->occupied_bed_days);
    ics_json_kv_int(j, "long_stay_7_bed_days", m->long_stay_7_bed_days);
    ics_json_kv_int(j, "long_stay_21_bed_days", m->long_stay_21_bed_days);
    int32_t d = days > 0 ? days : 1;
    ics_ratio_format(m->occupied_bed_days, d, RATIO_DECIMALS, buf, sizeof buf);
    json_number_text(j, "avg_occupied_beds", buf);
    ics_ratio_format(m->long_stay_21_bed_days, d, RATIO_DECIMALS, buf, sizeof buf);
    json_number_text(j, "avg_long_stay_21_beds", buf);
    ics_ratio_format(m->excess_bed_days, d, RATIO_DECIMALS, buf, sizeof buf);
    json_number_text(j, "excess_beds", buf);
    if (!r->s.series) {
        ics_date_format(r->s.from, buf);
        ics_json_kv_string(j, "period_from", buf);
        ics_date_format(r->s.to, buf);
        ics_json_kv_string(j, "period_to", buf);
        ics_json_kv_int(j, "days", r->s.days);
    }
    ics_json_object_end(j);
}

int ics_beds_write_json(const struct ics_beds_result *r, FILE *f, struct ics_error *err)
{
    struct ics_json j;
    char buf[16];
    const char *level = ics_beds_level_name(r->s.level);
    ics_json_init(&j, f, 1);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "level", level);
    ics_date_format(r->s.from, buf);
    ics_json_kv_string(&j, "period_from", buf);
    ics_date_format(r->s.to, buf);
    ics_json_kv_string(&j, "period_to", buf);
    ics_json_kv_int(&j, "days", r->s.days);
    ics_json_kv_int(&j, "read", (int64_t)r->s.read);
    ics_json_kv_int(&j, "used", (int64_t)r->s.used);
    ics_json_kv_int(&j, "rejected", (int64_t)r->s.rejected);
    ics_json_kv_int(&j, "not_priced", (int64_t)r->s.no_trimpoint);
    if (r->s.episodes) {   /* read, used and rejected above count episodes */
        ics_json_kv_string(&j, "input", "episodes");
        ics_json_kv_int(&j, "spells_built", (int64_t)r->s.spells_built);
    }
    if (r->s.cips) {
        ics_json_kv_int(&j, "cips", (int64_t)r->s.cips_built);
        ics_json_kv_int(&j, "cips_joined", (int64_t)r->s.cips_joined);
    }
    if (r->s.regular_attenders)
        ics_json_kv_int(&j, "regular_attenders", (int64_t)r->s.regular_attenders);
    if (r->s.day_cases_with_stay)
        ics_json_kv_int(&j, "day_cases_with_stay", (int64_t)r->s.day_cases_with_stay);
    ics_json_kv_bool(&j, "trimpoints_derived", r->s.trimpoints_derived);
    ics_json_key(&j, "rows");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < r->s.rows; i++)
        write_row_json(&j, r, level, &r->rows[i]);
    if (!r->s.series) {
        write_row_json(&j, r, "total", &r->total);
    } else {
        for (size_t p = 0; p < r->s.periods; p++)
            write_row_json(&j, r, "total", &r->rows[r->s.rows + p]);
    }
    ics_json_array_end(&j);
    ics_json_key(&j, "total");
    write_row_json(&j, r, "total", &r->total);
    ics_json_key(&j, "quality");
    icsi_beds_quality_json(r, &j);
    ics_json_object_end(&j);
    if (ics_json_finish(&j) || ferror(f))
        return ics_error_set(err, ICS_ERR_IO, "error writing the result");
    return ICS_OK;
}
