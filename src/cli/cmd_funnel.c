/*
 * ics funnel: reads a table of groups, sums rows by group and writes funnel
 * limits, z-scores and outlier flags per group (ics_funnel_compute), an
 * optional key,value summary and an optional SVG chart. Behaviour is
 * documented in docs/commands/funnel.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ics/csv.h"
#include "ics/funnel.h"
#include "ics/core.h"
#include "ics/chart.h"

#define CMD "funnel"

static void trim_field(const char **p, size_t *len)
{
    while (*len && (**p == ' ' || **p == '\t')) {
        (*p)++;
        (*len)--;
    }
    while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t' || (*p)[*len - 1] == '\r'))
        (*len)--;
}

static int parse_number(const char *p, size_t len, double *out)
{
    char buf[128];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static void put_double(FILE *f, double v)
{
    char buf[40];
    if (ics_format_double(v, buf, sizeof buf) > 0)
        fputs(buf, f);
}

static const char *type_name(int type)
{
    return type == ICS_FUNNEL_PROPORTION ? "proportion" : type == ICS_FUNNEL_RATIO ? "ratio" : "sr";
}

static const char *method_name(int m)
{
    return m == ICS_FUNNEL_CQC ? "cqc" : m == ICS_FUNNEL_CQC_CORRECTED ? "cqc-corrected" : "shmi";
}

static void write_csv(FILE *f, const struct ics_funnel_group *g, size_t n, const struct ics_funnel_options *opt)
{
    fputs("group,numerator,denominator,value,z,trimmed,lcl95,ucl95,lcl998,ucl998,outlier95,outlier998,"
          "unadj_lcl95,unadj_ucl95,unadj_lcl998,unadj_ucl998,outlier\n",
          f);
    for (size_t i = 0; i < n; i++) {
        const struct ics_funnel_group *x = &g[i];
        ics_csv_write_field(f, x->name, strlen(x->name));
        fputc(',', f);
        put_double(f, x->numerator);
        fputc(',', f);
        put_double(f, x->denominator);
        if (!x->valid) {
            fputs(",,,,,,,,,,,,,,\n", f);
            continue;
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
}

static void write_csv_summary(FILE *f, const struct ics_funnel_result *res)
{
    fputs("key,value\nphi,", f);
    put_double(f, res->phi);
    fputs("\ntau2,", f);
    put_double(f, res->tau2);
    fprintf(f, "\ngroups,%zu\ngroups_used_for_phi,%zu\nadjusted,%s\ntarget,", res->groups,
            res->groups_used_for_phi, res->adjusted ? "true" : "false");
    put_double(f, res->target);
    fputc('\n', f);
}

static void json_summary(struct ics_json *j, const struct ics_funnel_result *res, const struct ics_funnel_options *opt)
{
    ics_json_kv_string(j, "type", type_name(opt->type));
    if (opt->type == ICS_FUNNEL_SR)
        ics_json_kv_string(j, "sr_method", method_name(opt->sr_method));
    ics_json_kv_string(j, "limit", opt->limit == 95 ? "95" : "99.8");
    ics_json_kv_double(j, "phi", res->phi);
    ics_json_kv_double(j, "tau2", res->tau2);
    ics_json_kv_int(j, "groups", (int64_t)res->groups);
    ics_json_kv_int(j, "groups_used_for_phi", (int64_t)res->groups_used_for_phi);
    ics_json_kv_bool(j, "adjusted", res->adjusted);
    ics_json_kv_double(j, "target", res->target);
}

static int write_json(FILE *f, const struct ics_funnel_group *g, size_t n, const struct ics_funnel_result *res,
                      const struct ics_funnel_options *opt, int with_rows)
{
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    json_summary(&j, res, opt);
    if (with_rows) {
        ics_json_key(&j, "data");
        ics_json_array_begin(&j);
        for (size_t i = 0; i < n; i++) {
            const struct ics_funnel_group *x = &g[i];
            ics_json_object_begin(&j);
            ics_json_kv_string(&j, "group", x->name);
            ics_json_kv_double(&j, "numerator", x->numerator);
            ics_json_kv_double(&j, "denominator", x->denominator);
            ics_json_kv_double(&j, "value", x->value);
            ics_json_kv_double(&j, "z", x->z);
            if (x->valid)
                ics_json_kv_bool(&j, "trimmed", x->trimmed);
            else
                ics_json_kv_null(&j, "trimmed");
            ics_json_kv_double(&j, "lcl95", x->lcl95);
            ics_json_kv_double(&j, "ucl95", x->ucl95);
            ics_json_kv_double(&j, "lcl998", x->lcl998);
            ics_json_kv_double(&j, "ucl998", x->ucl998);
            if (x->valid) {
                ics_json_kv_bool(&j, "outlier95", x->outlier95);
                ics_json_kv_bool(&j, "outlier998", x->outlier998);
            } else {
                ics_json_kv_null(&j, "outlier95");
                ics_json_kv_null(&j, "outlier998");
            }
            ics_json_kv_double(&j, "unadj_lcl95", x->unadj_lcl95);
            ics_json_kv_double(&j, "unadj_ucl95", x->unadj_ucl95);
            ics_json_kv_double(&j, "unadj_lcl998", x->unadj_lcl998);
            ics_json_kv_double(&j, "unadj_ucl998", x->unadj_ucl998);
            if (x->valid)
                ics_json_kv_bool(&j, "outlier", opt->limit == 95 ? x->outlier95 : x->outlier998);
            else
                ics_json_kv_null(&j, "outlier");
            ics_json_object_end(&j);
        }
        ics_json_array_end(&j);
    }
    ics_json_object_end(&j);
    return ics_json_finish(&j);
}

static int cmd_funnel(int argc, char **argv)
{
    static const struct option options[] = {
        {"group", required_argument, NULL, 'g'},
        {"numerator", required_argument, NULL, 'n'},
        {"denominator", required_argument, NULL, 'd'},
        {"type", required_argument, NULL, 't'},
        {"sr-method", required_argument, NULL, 'm'},
        {"overdispersion", required_argument, NULL, 'O'},
        {"trim", required_argument, NULL, 'T'},
        {"limit", required_argument, NULL, 'l'},
        {"multiplier", required_argument, NULL, 'M'},
        {"no-shmi-rounding", no_argument, NULL, 'R'},
        {"exact-z", no_argument, NULL, 'z'},
        {"svg", required_argument, NULL, 'G'},
        {"summary", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ics_funnel_options opt;
    ics_funnel_options_init(&opt);
    const char *group_col = NULL, *num_col = NULL, *den_col = NULL, *svg_path = NULL, *summary_path = NULL,
               *out_path = NULL;
    int json = 0, quiet = 0, have_type = 0;

    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:hq", options, NULL)) != -1) {
        switch (c) {
        case 'g': group_col = optarg; break;
        case 'n': num_col = optarg; break;
        case 'd': den_col = optarg; break;
        case 't':
            have_type = 1;
            if (strcmp(optarg, "sr") == 0)
                opt.type = ICS_FUNNEL_SR;
            else if (strcmp(optarg, "proportion") == 0)
                opt.type = ICS_FUNNEL_PROPORTION;
            else if (strcmp(optarg, "ratio") == 0)
                opt.type = ICS_FUNNEL_RATIO;
            else
                return cli_usage_error(CMD, "--type '%s': expected sr, proportion or ratio", optarg);
            break;
        case 'm':
            if (strcmp(optarg, "shmi") == 0)
                opt.sr_method = ICS_FUNNEL_SHMI;
            else if (strcmp(optarg, "cqc") == 0)
                opt.sr_method = ICS_FUNNEL_CQC;
            else if (strcmp(optarg, "cqc-corrected") == 0)
                opt.sr_method = ICS_FUNNEL_CQC_CORRECTED;
            else
                return cli_usage_error(CMD, "--sr-method '%s': expected shmi, cqc or cqc-corrected", optarg);
            break;
        case 'O':
            if (strcmp(optarg, "auto") == 0)
                opt.overdispersion = ICS_FUNNEL_OD_AUTO;
            else if (strcmp(optarg, "on") == 0)
                opt.overdispersion = ICS_FUNNEL_OD_ON;
            else if (strcmp(optarg, "off") == 0)
                opt.overdispersion = ICS_FUNNEL_OD_OFF;
            else
                return cli_usage_error(CMD, "--overdispersion '%s': expected auto, on or off", optarg);
            break;
        case 'T':
            if (cli_parse_double(optarg, 0, 0.5, &opt.trim) || !(opt.trim > 0 && opt.trim < 0.5))
                return cli_usage_error(CMD, "--trim '%s': expected a fraction above 0 and below 0.5", optarg);
            break;
        case 'l':
            if (strcmp(optarg, "95") == 0)
                opt.limit = 95;
            else if (strcmp(optarg, "99.8") == 0 || strcmp(optarg, "99") == 0)
                opt.limit = 998;
            else
                return cli_usage_error(CMD, "--limit '%s': expected 95 or 99.8", optarg);
            break;
        case 'M':
            if (cli_parse_double(optarg, 0, 1e12, &opt.multiplier) || !(opt.multiplier > 0))
                return cli_usage_error(CMD, "--multiplier '%s': expected a positive number", optarg);
            break;
        case 'R': opt.shmi_rounding = 0; break;
        case 'z': opt.exact_z = 1; break;
        case 'G': svg_path = optarg; break;
        case 's': summary_path = optarg; break;
        case 'F':
            if (cli_parse_format(CMD, optarg, &json))
                return ICS_ERR_USAGE;
            break;
        case 'o': out_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': return cli_help(&cli_cmd_funnel);
        default: return cli_usage_error(CMD, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(CMD, optind >= argc ? "no data file given" : "more than one data file given");
    if (!group_col || !num_col || !den_col)
        return cli_usage_error(CMD, "--group, --numerator and --denominator are required");
    if (!have_type)
        return cli_usage_error(CMD, "--type sr|proportion|ratio is required");
    const char *path = argv[optind];

    struct ics_error err = {0};
    struct ics_arena arena;
    ics_arena_init(&arena, 1 << 16);
    struct ics_funnel_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    struct ics_funnel_group *groups = NULL;
    size_t ngroups = 0;
    struct ics_csv_reader *r = NULL;
    int rc = ics_csv_open(path, NULL, &r, &err);
    if (rc)
        goto done;
    const char *label = ics_csv_reader_label(r);
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    const char *gn[] = {group_col, NULL}, *nn[] = {num_col, NULL}, *dn[] = {den_col, NULL};
    int gi = ics_csv_header_find(h, gn), ni = ics_csv_header_find(h, nn), di = ics_csv_header_find(h, dn);
    if (gi < 0 || ni < 0 || di < 0) {
        rc = ics_error_set(&err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", label,
                           gi < 0 ? group_col : ni < 0 ? num_col : den_col);
        goto done;
    }
    int need = gi > ni ? gi : ni;
    if (di > need)
        need = di;
    struct ics_csv_row row;
    for (;;) {
        int got = ics_csv_next(r, &row, &err);
        if (got < 0 || got > 1) {
            rc = got;
            goto done;
        }
        if (got == 0)
            break;
        if (row.nfields <= need) {
            rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, row.nfields + 1,
                              "row has %d fields, the header names more", row.nfields);
            goto done;
        }
        if (nrows == cap) {
            size_t nc = cap ? cap * 2 : 256;
            struct ics_funnel_row *nr = ics_realloc(rows, nc * sizeof *nr);
            if (!nr) {
                rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
                goto done;
            }
            rows = nr;
            cap = nc;
        }
        struct ics_funnel_row *x = &rows[nrows];
        const char *gp = row.fields[gi].ptr;
        size_t glen = row.fields[gi].len;
        trim_field(&gp, &glen);
        x->group = ics_arena_strndup(&arena, gp, glen);
        if (!x->group) {
            rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
            goto done;
        }
        int cols[2] = {ni, di};
        double *dst[2] = {&x->numerator, &x->denominator};
        for (int k = 0; k < 2; k++) {
            const char *p = row.fields[cols[k]].ptr;
            size_t len = row.fields[cols[k]].len;
            trim_field(&p, &len);
            if (parse_number(p, len, dst[k])) {
                rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, cols[k] + 1, "%s '%.*s' is not a number",
                                  k ? "denominator" : "numerator", (int)len, p);
                goto done;
            }
            if (*dst[k] < 0) {
                rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, cols[k] + 1, "negative %s '%.*s'",
                                  k ? "denominator" : "numerator", (int)len, p);
                goto done;
            }
        }
        nrows++;
    }
    if (nrows == 0) {
        rc = ics_error_set(&err, ICS_ERR_EMPTY, "%s: no data rows", label);
        goto done;
    }
    if ((rc = ics_funnel_aggregate(rows, nrows, &groups, &ngroups, &err)))
        goto done;
    struct ics_funnel_result res;
    if ((rc = ics_funnel_compute(groups, ngroups, &opt, &res, &err))) {
        char msg[ICS_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err.message);
        rc = ics_error_set(&err, rc, "%s: %s", label, msg);
        goto done;
    }

    FILE *f = cli_open_output(out_path, &err);
    if (!f) {
        rc = err.code;
        goto done;
    }
    if (json) {
        if (write_json(f, groups, ngroups, &res, &opt, 1))
            rc = ics_error_set(&err, ICS_ERR_INTERNAL, "JSON writer misused");
    } else {
        write_csv(f, groups, ngroups, &opt);
    }
    int crc = cli_close_output(f, out_path, rc ? NULL : &err);
    if (!rc)
        rc = crc;
    if (rc)
        goto done;
    if (summary_path) {
        f = cli_open_output(summary_path, &err);
        if (!f) {
            rc = err.code;
            goto done;
        }
        if (json) {
            if (write_json(f, groups, ngroups, &res, &opt, 0))
                rc = ics_error_set(&err, ICS_ERR_INTERNAL, "JSON writer misused");
        } else {
            write_csv_summary(f, &res);
        }
        crc = cli_close_output(f, summary_path, rc ? NULL : &err);
        if (!rc)
            rc = crc;
        if (rc)
            goto done;
    }
    if (svg_path) {
        f = fopen(svg_path, "w");
        if (!f) {
            rc = ics_error_set(&err, ICS_ERR_IO, "cannot write '%s': %s", svg_path, strerror(errno));
            goto done;
        }
        char title[512], ylab[128], mnum[40];
        const char *kind = opt.type == ICS_FUNNEL_SR ? "standardised ratio"
                           : opt.type == ICS_FUNNEL_PROPORTION ? "proportion" : "ratio";
        ics_format_double(opt.multiplier, mnum, sizeof mnum);
        if (opt.multiplier != 1)
            snprintf(ylab, sizeof ylab, "%s (x %s)", kind, mnum);
        else
            snprintf(ylab, sizeof ylab, "%s", kind);
        snprintf(title, sizeof title, "%s / %s by %s", num_col, den_col, group_col);
        struct ics_svg_funnel_chart chart = {
            .title = title,
            .x_label = den_col,
            .y_label = ylab,
            .groups = groups,
            .n = ngroups,
            .opt = &opt,
            .res = &res,
        };
        int src = ics_svg_funnel(f, &chart);
        if ((ferror(f) | fclose(f)) || src) {
            rc = ics_error_set(&err, src ? src : ICS_ERR_IO, "error writing '%s'", svg_path);
            goto done;
        }
    }

    if (!quiet) {
        size_t outliers = 0;
        for (size_t i = 0; i < ngroups; i++)
            if (groups[i].valid && (opt.limit == 95 ? groups[i].outlier95 : groups[i].outlier998))
                outliers++;
        char phi[40];
        if (!ics_format_double(res.phi, phi, sizeof phi))
            snprintf(phi, sizeof phi, "undefined");
        fprintf(stderr, "ics funnel: %zu group%s from %zu row%s, %zu used for phi; phi %s; %s limits judge; "
                "%zu outlier%s at %s%%\n",
                ngroups, ngroups == 1 ? "" : "s", nrows, nrows == 1 ? "" : "s", res.groups_used_for_phi, phi,
                res.adjusted ? "overdispersion-adjusted" : "unadjusted", outliers, outliers == 1 ? "" : "s",
                opt.limit == 95 ? "95" : "99.8");
        if (res.no_overdispersion)
            fprintf(stderr, "ics funnel: phi <= 1, no overdispersion: unadjusted limits judge (as the R package)\n");
        if (res.undefined_od)
            fprintf(stderr, "ics funnel: overdispersion cannot be estimated (%s): unadjusted limits judge\n",
                    res.valid_groups < 2 ? "a single group" : "an infinite z-score, e.g. zero observed under SHMI");
        if (res.valid_groups < res.groups)
            fprintf(stderr, "ics funnel: %zu group%s with a zero denominator: listed with empty values and limits\n",
                    res.groups - res.valid_groups, res.groups - res.valid_groups == 1 ? "" : "s");
    }
    rc = ICS_OK;
done:
    if (rc)
        cli_fail(CMD, &err);
    if (r)
        ics_csv_close(r);
    ics_free(rows);
    ics_free(groups);
    ics_arena_release(&arena);
    return rc;
}

static int run_funnel(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return cmd_funnel(argc, argv);
}

const struct cli_command cli_cmd_funnel = {
    .name = "funnel",
    .summary = "funnel plot limits with overdispersion",
    .synopsis = "ics funnel DATA.csv --group COL --numerator COL --denominator COL --type sr|proportion|ratio\n                  [--sr-method shmi|cqc|cqc-corrected] [--overdispersion auto|on|off] [--trim F]\n                  [--limit 95|99.8] [--multiplier N] [--no-shmi-rounding] [--exact-z]\n                  [--svg FILE] [--summary FILE] [--format csv|json] [-o FILE] [--quiet]",
    .run = run_funnel,
    .notes = "See docs/commands/funnel.md.\n",
};
