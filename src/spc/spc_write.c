/* Writing an SPC result: points and summary as CSV or JSON (see ics/spc.h). */
#include <string.h>

#include "ics/csv.h"
#include "ics/spc.h"

static void put_double(FILE *f, double v)
{
    char buf[40];
    if (ics_format_double(v, buf, sizeof buf) > 0)
        fputs(buf, f);
}

int ics_spc_write_csv(const struct ics_spc_result *res, FILE *f, struct ics_error *err)
{
    (void)err;
    fputs("series,date,value,segment,mean,lpl,upl,lower_2sigma,upper_2sigma,rule,point_type\n", f);
    const struct ics_spc_totals *t = ics_spc_result_totals(res);
    for (size_t i = 0; i < t->series; i++) {
        const struct ics_spc_series *s = ics_spc_result_series(res, i);
        for (size_t k = 0; k < s->n; k++) {
            const struct ics_spc_point *p = &s->points[k];
            char d[16];
            ics_date_format(p->date, d);
            ics_csv_write_field(f, s->name, strlen(s->name));
            fprintf(f, ",%s,", d);
            put_double(f, p->value);
            fprintf(f, ",%d,", p->segment);
            put_double(f, p->mean);
            fputc(',', f);
            put_double(f, p->lpl);
            fputc(',', f);
            put_double(f, p->upl);
            fputc(',', f);
            put_double(f, p->lower_2sigma);
            fputc(',', f);
            put_double(f, p->upper_2sigma);
            fprintf(f, ",%s,%s\n", ics_spc_rule_name(p->rule), ics_spc_point_type_name(p->point_type));
        }
    }
    return ICS_OK;
}

int ics_spc_write_summary_csv(const struct ics_spc_result *res, FILE *f, struct ics_error *err)
{
    (void)err;
    fputs("series,n,mean,lpl,upl,variation_icon,assurance_icon,short_warning\n", f);
    const struct ics_spc_totals *t = ics_spc_result_totals(res);
    for (size_t i = 0; i < t->series; i++) {
        const struct ics_spc_series *s = ics_spc_result_series(res, i);
        if (s->skipped)
            continue;
        ics_csv_write_field(f, s->name, strlen(s->name));
        fprintf(f, ",%zu,", s->summary.n);
        put_double(f, s->summary.mean);
        fputc(',', f);
        put_double(f, s->summary.lpl);
        fputc(',', f);
        put_double(f, s->summary.upl);
        fprintf(f, ",%s,%s,%s\n", ics_spc_variation_name(s->summary.variation),
                ics_spc_assurance_name(s->summary.assurance), s->summary.short_warning ? "true" : "false");
    }
    return ICS_OK;
}

static void json_summary_fields(struct ics_json *j, const struct ics_spc_series *s)
{
    ics_json_kv_string(j, "series", s->name);
    ics_json_kv_int(j, "n", (int64_t)s->summary.n);
    ics_json_kv_int(j, "points", (int64_t)s->summary.points);
    ics_json_kv_int(j, "segments", s->summary.segments);
    ics_json_kv_double(j, "mean", s->summary.mean);
    ics_json_kv_double(j, "lpl", s->summary.lpl);
    ics_json_kv_double(j, "upl", s->summary.upl);
    ics_json_kv_string(j, "variation_icon", ics_spc_variation_name(s->summary.variation));
    if (s->summary.assurance)
        ics_json_kv_string(j, "assurance_icon", ics_spc_assurance_name(s->summary.assurance));
    else
        ics_json_kv_null(j, "assurance_icon");
    if (s->has_target)
        ics_json_kv_double(j, "target", s->target);
    else
        ics_json_kv_null(j, "target");
    ics_json_kv_bool(j, "short_warning", s->summary.short_warning);
}

static void json_points(struct ics_json *j, const struct ics_spc_series *s)
{
    ics_json_key(j, "data");
    ics_json_array_begin(j);
    for (size_t k = 0; k < s->n; k++) {
        const struct ics_spc_point *p = &s->points[k];
        char d[16];
        ics_date_format(p->date, d);
        ics_json_object_begin(j);
        ics_json_kv_string(j, "date", d);
        ics_json_kv_double(j, "value", p->value);
        ics_json_kv_int(j, "segment", p->segment);
        ics_json_kv_double(j, "mean", p->mean);
        ics_json_kv_double(j, "lpl", p->lpl);
        ics_json_kv_double(j, "upl", p->upl);
        ics_json_kv_double(j, "lower_2sigma", p->lower_2sigma);
        ics_json_kv_double(j, "upper_2sigma", p->upper_2sigma);
        if (p->rule)
            ics_json_kv_string(j, "rule", ics_spc_rule_name(p->rule));
        else
            ics_json_kv_null(j, "rule");
        ics_json_kv_string(j, "point_type", ics_spc_point_type_name(p->point_type));
        ics_json_object_end(j);
    }
    ics_json_array_end(j);
}

static int write_json(const struct ics_spc_result *res, FILE *f, int with_points, struct ics_error *err)
{
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "value", ics_spc_result_table(res)->value);
    ics_json_key(&j, "series");
    ics_json_array_begin(&j);
    const struct ics_spc_totals *t = ics_spc_result_totals(res);
    for (size_t i = 0; i < t->series; i++) {
        const struct ics_spc_series *s = ics_spc_result_series(res, i);
        if (s->skipped)
            continue;
        ics_json_object_begin(&j);
        json_summary_fields(&j, s);
        if (with_points)
            json_points(&j, s);
        ics_json_object_end(&j);
    }
    ics_json_array_end(&j);
    ics_json_object_end(&j);
    if (ics_json_finish(&j))
        return ics_error_set(err, ICS_ERR_INTERNAL, "JSON writer misused");
    return ICS_OK;
}

int ics_spc_write_json(const struct ics_spc_result *res, FILE *f, struct ics_error *err)
{
    return write_json(res, f, 1, err);
}

int ics_spc_write_summary_json(const struct ics_spc_result *res, FILE *f, struct ics_error *err)
{
    return write_json(res, f, 0, err);
}
