/* Writing a funnel result: groups and summary as CSV or JSON (see ics/funnel.h). */
#include <string.h>

#include "ics/csv.h"
#include "ics/funnel.h"

static void put_double(FILE *f, double v)
{
    char buf[40];
    if (ics_format_double(v, buf, sizeof buf) > 0)
        fputs(buf, f);
}

static void csv_group(FILE *f, const struct ics_funnel_group *x, const struct ics_funnel_options *opt)
{
    ics_csv_write_field(f, x->name, strlen(x->name));
    fputc(',', f);
    put_double(f, x->numerator);
    fputc(',', f);
    put_double(f, x->denominator);
    if (!x->valid) {
        fputs(",,,,,,,,,,,,,,\n", f);
        return;
    }
    fputc(',', f);
    put_double(f, x->value);
    fputc(',', f);
    put_double(f, x->z);
    fprintf(f, ",%d,", x->trimmed);
    put_double(f, x->lcl95);
    fputc(',', f);
    put_double(f, x->ucl95);
    fputc(',', f);
    put_double(f, x->lcl998);
    fputc(',', f);
    put_double(f, x->ucl998);
    fprintf(f, ",%d,%d,", x->outlier95, x->outlier998);
    put_double(f, x->unadj_lcl95);
    fputc(',', f);
    put_double(f, x->unadj_ucl95);
    fputc(',', f);
    put_double(f, x->unadj_lcl998);
    fputc(',', f);
    put_double(f, x->unadj_ucl998);
    fprintf(f, ",%d\n", opt->limit == 95 ? x->outlier95 : x->outlier998);
}

int ics_funnel_write_csv(const struct ics_funnel_result *res, FILE *f, struct ics_error *err)
{
    (void)err;
    size_t n;
    const struct ics_funnel_group *g = ics_funnel_result_groups(res, &n);
    const struct ics_funnel_options *opt = ics_funnel_result_options(res);
    fputs("group,numerator,denominator,value,z,trimmed,lcl95,ucl95,lcl998,ucl998,outlier95,outlier998,"
          "unadj_lcl95,unadj_ucl95,unadj_lcl998,unadj_ucl998,outlier\n",
          f);
    for (size_t i = 0; i < n; i++)
        csv_group(f, &g[i], opt);
    return ICS_OK;
}

int ics_funnel_write_summary_csv(const struct ics_funnel_result *res, FILE *f, struct ics_error *err)
{
    (void)err;
    const struct ics_funnel_summary *s = ics_funnel_result_summary(res);
    fputs("key,value\nphi,", f);
    put_double(f, s->phi);
    fputs("\ntau2,", f);
    put_double(f, s->tau2);
    fprintf(f, "\ngroups,%zu\ngroups_used_for_phi,%zu\nadjusted,%s\ntarget,", s->groups, s->groups_used_for_phi,
            s->adjusted ? "true" : "false");
    put_double(f, s->target);
    fputc('\n', f);
    return ICS_OK;
}

static void json_summary(struct ics_json *j, const struct ics_funnel_summary *s, const struct ics_funnel_options *opt)
{
    ics_json_kv_string(j, "type", ics_funnel_type_name(opt->type));
    if (opt->type == ICS_FUNNEL_SR)
        ics_json_kv_string(j, "sr_method", ics_funnel_sr_method_name(opt->sr_method));
    ics_json_kv_string(j, "limit", opt->limit == 95 ? "95" : "99.8");
    ics_json_kv_double(j, "phi", s->phi);
    ics_json_kv_double(j, "tau2", s->tau2);
    ics_json_kv_int(j, "groups", (int64_t)s->groups);
    ics_json_kv_int(j, "groups_used_for_phi", (int64_t)s->groups_used_for_phi);
    ics_json_kv_bool(j, "adjusted", s->adjusted);
    ics_json_kv_double(j, "target", s->target);
}

static void json_group(struct ics_json *j, const struct ics_funnel_group *x, const struct ics_funnel_options *opt)
{
    ics_json_object_begin(j);
    ics_json_kv_string(j, "group", x->name);
    ics_json_kv_double(j, "numerator", x->numerator);
    ics_json_kv_double(j, "denominator", x->denominator);
    ics_json_kv_double(j, "value", x->value);
    ics_json_kv_double(j, "z", x->z);
    if (x->valid)
        ics_json_kv_bool(j, "trimmed", x->trimmed);
    else
        ics_json_kv_null(j, "trimmed");
    ics_json_kv_double(j, "lcl95", x->lcl95);
    ics_json_kv_double(j, "ucl95", x->ucl95);
    ics_json_kv_double(j, "lcl998", x->lcl998);
    ics_json_kv_double(j, "ucl998", x->ucl998);
    if (x->valid) {
        ics_json_kv_bool(j, "outlier95", x->outlier95);
        ics_json_kv_bool(j, "outlier998", x->outlier998);
    } else {
        ics_json_kv_null(j, "outlier95");
        ics_json_kv_null(j, "outlier998");
    }
    ics_json_kv_double(j, "unadj_lcl95", x->unadj_lcl95);
    ics_json_kv_double(j, "unadj_ucl95", x->unadj_ucl95);
    ics_json_kv_double(j, "unadj_lcl998", x->unadj_lcl998);
    ics_json_kv_double(j, "unadj_ucl998", x->unadj_ucl998);
    if (x->valid)
        ics_json_kv_bool(j, "outlier", opt->limit == 95 ? x->outlier95 : x->outlier998);
    else
        ics_json_kv_null(j, "outlier");
    ics_json_object_end(j);
}

static int write_json(const struct ics_funnel_result *res, FILE *f, int with_rows, struct ics_error *err)
{
    size_t n;
    const struct ics_funnel_group *g = ics_funnel_result_groups(res, &n);
    const struct ics_funnel_options *opt = ics_funnel_result_options(res);
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    json_summary(&j, ics_funnel_result_summary(res), opt);
    if (with_rows) {
        ics_json_key(&j, "data");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < n; i++)
            json_group(&j, &g[i], opt);
        ics_json_array_end(&j);
    }
    ics_json_object_end(&j);
    if (ics_json_finish(&j))
        return ics_error_set(err, ICS_ERR_INTERNAL, "JSON writer misused");
    return ICS_OK;
}

int ics_funnel_write_json(const struct ics_funnel_result *res, FILE *f, struct ics_error *err)
{
    return write_json(res, f, 1, err);
}

int ics_funnel_write_summary_json(const struct ics_funnel_result *res, FILE *f, struct ics_error *err)
{
    return write_json(res, f, 0, err);
}
