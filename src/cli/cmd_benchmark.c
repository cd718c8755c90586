/* ics benchmark: the gap to the top quartile and the opportunity of closing it.
 * See docs/commands/benchmark.md. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ics/benchmark.h"
#include "ics/csv.h"
#include "ics/core.h"
#include "ics/refdata.h"

#define CMD "benchmark"
#define MAX_NOTES_SHOWN 20

enum {
    OPT_METRIC = 256, OPT_SCALE, OPT_POPULATION, OPT_BETTER, OPT_TARGET, OPT_PEERS, OPT_WITHIN,
    OPT_GEOGRAPHY, OPT_CLOSE_GAP, OPT_DAYS, OPT_OCCUPANCY, OPT_COST, OPT_FORMAT, OPT_TOTALS
};

static const struct option long_options[] = {
    {"metric", required_argument, NULL, OPT_METRIC},
    {"scale", required_argument, NULL, OPT_SCALE},
    {"population", required_argument, NULL, OPT_POPULATION},
    {"better", required_argument, NULL, OPT_BETTER},
    {"target", required_argument, NULL, OPT_TARGET},
    {"peers", required_argument, NULL, OPT_PEERS},
    {"within", required_argument, NULL, OPT_WITHIN},
    {"geography", required_argument, NULL, OPT_GEOGRAPHY},
    {"close-gap", required_argument, NULL, OPT_CLOSE_GAP},
    {"days", required_argument, NULL, OPT_DAYS},
    {"occupancy", required_argument, NULL, OPT_OCCUPANCY},
    {"cost-per-day", required_argument, NULL, OPT_COST},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"totals", required_argument, NULL, OPT_TOTALS},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct args {
    const char *table;
    const char *metric;
    const char *population;
    const char *peers;
    const char *within_file;
    const char *geography;
    const char *close_gap_text;
    const char *output;
    const char *totals;
    int json;
    int quiet;
    int population_embedded;
    struct ics_benchmark_options opt;
};

static int is_embedded_population(const char *name)
{
    if (strcmp(name, "ons") == 0)
        return 1;
    for (size_t i = 0; ics_benchmark_population_name(i, NULL); i++)
        if (strcmp(ics_benchmark_population_name(i, NULL), name) == 0)
            return 1;
    return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    ics_benchmark_options_init(&a->opt);
    optind = 0;
    opterr = 0;
    int c;
    const char *why = NULL;
    while ((c = getopt_long(argc, argv, ":o:qh", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_METRIC:
            a->metric = optarg;
            break;
        case OPT_SCALE:
            if (cli_parse_double(optarg, 1e-300, 1e300, &a->opt.scale) != 0)
                return cli_usage_error(CMD, "--scale '%s': expected a positive number", optarg);
            break;
        case OPT_POPULATION:
            a->population = optarg;
            a->population_embedded = is_embedded_population(optarg);
            a->opt.denominator = ICS_DEN_POPULATION;
            break;
        case OPT_BETTER:
            if (strcmp(optarg, "lower") == 0)
                a->opt.better = ICS_BETTER_LOWER;
            else if (strcmp(optarg, "higher") == 0)
                a->opt.better = ICS_BETTER_HIGHER;
            else
                return cli_usage_error(CMD, "--better '%s': expected lower or higher", optarg);
            break;
        case OPT_TARGET:
            if (strcmp(optarg, "top-quartile") == 0)
                a->opt.target = ICS_TARGET_TOP_QUARTILE;
            else if (strcmp(optarg, "top-quartile-mean") == 0)
                a->opt.target = ICS_TARGET_TOP_QUARTILE_MEAN;
            else if (strcmp(optarg, "median") == 0)
                a->opt.target = ICS_TARGET_MEDIAN;
            else if (strcmp(optarg, "best5of10") == 0)
                a->opt.target = ICS_TARGET_BEST5OF10;
            else if (cli_parse_double(optarg, -1e300, 1e300, &a->opt.target_value) == 0)
                a->opt.target = ICS_TARGET_VALUE;
            else
                return cli_usage_error(CMD, "--target '%s': expected top-quartile, top-quartile-mean, median, "
                                       "best5of10 or a number", optarg);
            break;
        case OPT_PEERS:
            a->peers = optarg;
            break;
        case OPT_WITHIN:
            if (strcmp(optarg, "icb") == 0)
                a->opt.within = ICS_WITHIN_ICB;
            else if (strcmp(optarg, "region") == 0)
                a->opt.within = ICS_WITHIN_REGION;
            else if (strcmp(optarg, "all") == 0)
                a->opt.within = ICS_WITHIN_ALL;
            else {
                a->opt.within = ICS_WITHIN_FILE;
                a->within_file = optarg;
            }
            break;
        case OPT_GEOGRAPHY:
            a->geography = optarg;
            break;
        case OPT_CLOSE_GAP:
            if (ics_fraction_parse(optarg, &a->opt.close_gap, &why) != 0)
                return cli_usage_error(CMD, "--close-gap '%s': %s", optarg, why);
            if (a->opt.close_gap.num == 0 || a->opt.close_gap.num > a->opt.close_gap.den)
                return cli_usage_error(CMD, "--close-gap '%s': must be above 0 and at most 1", optarg);
            a->close_gap_text = optarg;
            break;
        case OPT_DAYS: {
            long d;
            if (cli_parse_long(optarg, 1, 100000, &d) != 0)
                return cli_usage_error(CMD, "--days '%s': expected a whole number of days from 1", optarg);
            a->opt.days = d;
            break;
        }
        case OPT_OCCUPANCY:
            if (ics_fraction_parse(optarg, &a->opt.occupancy, &why) != 0)
                return cli_usage_error(CMD, "--occupancy '%s': %s", optarg, why);
            if (a->opt.occupancy.num == 0 || a->opt.occupancy.num > a->opt.occupancy.den)
                return cli_usage_error(CMD, "--occupancy '%s': must be above 0 and at most 1 (0.92 or 92%%)",
                                       optarg);
            break;
        case OPT_COST: {
            int64_t p;
            if (ics_pence_parse(optarg, strlen(optarg), &p, &why) != 0)
                return cli_usage_error(CMD, "--cost-per-day '%s': %s", optarg, why);
            if (p < 0)
                return cli_usage_error(CMD, "--cost-per-day '%s': must not be negative", optarg);
            a->opt.cost_per_day_pence = p;
            break;
        }
        case OPT_FORMAT:
            if (cli_parse_format(CMD, optarg, &a->json))
                return ICS_ERR_USAGE;
            break;
        case 'o':
            a->output = optarg;
            break;
        case OPT_TOTALS:
            a->totals = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            return -1;
        case ':':
            return cli_usage_error(CMD, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "no table given");
    if (optind + 1 < argc)
        return cli_usage_error(CMD, "one table only ('%s' is extra)", argv[optind + 1]);
    a->table = argv[optind];
    if (!a->metric)
        return cli_usage_error(CMD, "--metric NUM[/DEN] is required");
    if (a->opt.target == ICS_TARGET_BEST5OF10 && !a->peers)
        return cli_usage_error(CMD, "--target best5of10 needs --peers FILE (code,peer rows)");
    if (a->peers && a->opt.target != ICS_TARGET_BEST5OF10)
        return cli_usage_error(CMD, "--peers is used only with --target best5of10");
    return ICS_OK;
}

/* ---- output ---------------------------------------------------------------- */

static const char *const columns =
    "code,name,group,numerator,denominator,rate,band,rank,target,gap,opportunity,opportunity_beds,"
    "opportunity_beds_to_open,opportunity_pounds";

static void csv_number(FILE *f, double v)
{
    char buf[64];
    ics_benchmark_format_number(v, buf, sizeof buf);
    fputs(buf, f);
}

static void csv_row(FILE *f, const struct ics_benchmark_row *r)
{
    ics_csv_write_field(f, r->code, strlen(r->code));
    fputc(',', f);
    ics_csv_write_field(f, r->name, strlen(r->name));
    fputc(',', f);
    ics_csv_write_field(f, r->group, strlen(r->group));
    const double a[] = {r->numerator, r->denominator, r->rate};
    for (int i = 0; i < 3; i++) {
        fputc(',', f);
        csv_number(f, a[i]);
    }
    fputc(',', f);
    if (r->band)
        fprintf(f, "%d", r->band);
    fputc(',', f);
    if (r->rank)
        fprintf(f, "%d", r->rank);
    const double b[] = {r->target, r->gap, r->opportunity, r->opportunity_beds, r->opportunity_beds_to_open,
                        r->opportunity_pounds};
    for (int i = 0; i < 6; i++) {
        fputc(',', f);
        csv_number(f, b[i]);
    }
    fputc('\n', f);
}

static void json_number(struct ics_json *j, const char *key, double v)
{
    char buf[64];
    ics_json_key(j, key);
    if (isnan(v) || isinf(v)) {
        ics_json_null(j);
        return;
    }
    ics_benchmark_format_number(v, buf, sizeof buf);
    ics_json_raw_number(j, buf);
}

static void json_row(struct ics_json *j, const struct ics_benchmark_row *r)
{
    ics_json_object_begin(j);
    ics_json_kv_string(j, "code", r->code);
    ics_json_kv_string(j, "name", r->name);
    ics_json_kv_string(j, "group", r->group);
    json_number(j, "numerator", r->numerator);
    json_number(j, "denominator", r->denominator);
    json_number(j, "rate", r->rate);
    if (r->band)
        ics_json_kv_int(j, "band", r->band);
    else
        ics_json_kv_null(j, "band");
    if (r->rank)
        ics_json_kv_int(j, "rank", r->rank);
    else
        ics_json_kv_null(j, "rank");
    json_number(j, "target", r->target);
    json_number(j, "gap", r->gap);
    json_number(j, "opportunity", r->opportunity);
    json_number(j, "opportunity_beds", r->opportunity_beds);
    json_number(j, "opportunity_beds_to_open", r->opportunity_beds_to_open);
    json_number(j, "opportunity_pounds", r->opportunity_pounds);
    ics_json_object_end(j);
}

static void json_rollup(struct ics_json *j, const struct ics_benchmark_rollup *u)
{
    ics_json_object_begin(j);
    ics_json_kv_string(j, "level", u->level);
    ics_json_kv_string(j, "code", u->code);
    ics_json_kv_string(j, "name", u->name);
    ics_json_kv_int(j, "codes", (int64_t)u->codes);
    ics_json_kv_int(j, "contributing", (int64_t)u->contributing);
    json_number(j, "opportunity", u->opportunity);
    json_number(j, "opportunity_beds", u->opportunity_beds);
    json_number(j, "opportunity_beds_to_open", u->opportunity_beds_to_open);
    json_number(j, "opportunity_pounds", u->opportunity_pounds);
    ics_json_object_end(j);
}

static const char *target_name(const struct ics_benchmark_options *o, char *buf, size_t size)
{
    switch (o->target) {
    case ICS_TARGET_TOP_QUARTILE: return "top-quartile";
    case ICS_TARGET_TOP_QUARTILE_MEAN: return "top-quartile-mean";
    case ICS_TARGET_MEDIAN: return "median";
    case ICS_TARGET_BEST5OF10: return "best5of10";
    case ICS_TARGET_VALUE:
        ics_benchmark_format_number(o->target_value, buf, size);
        return buf;
    }
    return "";
}

static const char *within_name(const struct args *a)
{
    switch (a->opt.within) {
    case ICS_WITHIN_ALL: return "all";
    case ICS_WITHIN_ICB: return "icb";
    case ICS_WITHIN_REGION: return "region";
    case ICS_WITHIN_FILE: return a->within_file;
    }
    return "";
}

static void write_json(FILE *f, const struct args *a, const struct ics_benchmark *b, const char *summary)
{
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    char buf[64];
    struct ics_json j;
    ics_json_init(&j, f, 1);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "numerator", info->numerator);
    if (info->denominator[0])
        ics_json_kv_string(&j, "denominator", info->denominator);
    else
        ics_json_kv_null(&j, "denominator");
    json_number(&j, "scale", info->scale);
    ics_json_kv_string(&j, "better", a->opt.better == ICS_BETTER_LOWER ? "lower" : "higher");
    ics_json_kv_string(&j, "target", target_name(&a->opt, buf, sizeof buf));
    ics_json_kv_string(&j, "within", within_name(a));
    snprintf(buf, sizeof buf, "%lld/%lld", (long long)a->opt.close_gap.num, (long long)a->opt.close_gap.den);
    ics_json_kv_string(&j, "close_gap", buf);
    ics_json_kv_int(&j, "days", info->days);
    ics_json_kv_string(&j, "days_source", info->days_source);
    if (a->opt.occupancy.num)
        json_number(&j, "occupancy", (double)a->opt.occupancy.num / (double)a->opt.occupancy.den);
    else
        ics_json_kv_null(&j, "occupancy");
    ics_json_kv_string(&j, "cost", info->cost_source);
    ics_json_kv_int(&j, "codes", (int64_t)info->codes);
    ics_json_kv_int(&j, "benchmarked", (int64_t)info->benchmarked);
    ics_json_kv_int(&j, "excluded", (int64_t)info->excluded);
    json_number(&j, "gap_bed_days", (double)info->gap_days);
    ics_json_key(&j, "rows");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < ics_benchmark_count(b); i++)
        json_row(&j, ics_benchmark_row(b, i));
    json_row(&j, ics_benchmark_total(b));
    ics_json_array_end(&j);
    ics_json_key(&j, "total");
    json_row(&j, ics_benchmark_total(b));
    ics_json_key(&j, "totals");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < ics_benchmark_rollup_count(b); i++)
        json_rollup(&j, ics_benchmark_rollup(b, i));
    ics_json_array_end(&j);
    /* Codes excluded or without a target, with the reason (the rows keep exactly the CSV's fields). */
    ics_json_key(&j, "excluded_codes");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < ics_benchmark_count(b); i++) {
        const struct ics_benchmark_row *r = ics_benchmark_row(b, i);
        if (!r->problem)
            continue;
        ics_json_object_begin(&j);
        ics_json_kv_string(&j, "code", r->code);
        ics_json_kv_int(&j, "line", r->line);
        ics_json_kv_string(&j, "reason", r->problem);
        ics_json_kv_bool(&j, "benchmarked", !isnan(r->rate));
        ics_json_object_end(&j);
    }
    ics_json_array_end(&j);
    ics_json_key(&j, "notes");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < ics_benchmark_note_count(b); i++)
        ics_json_string(&j, ics_benchmark_note(b, i));
    ics_json_array_end(&j);
    ics_json_kv_string(&j, "summary", summary);
    ics_json_object_end(&j);
    ics_json_finish(&j);
}

static int write_totals(const char *path, const struct ics_benchmark *b, struct ics_error *err)
{
    FILE *f = cli_open_output(path, err);
    if (!f)
        return err->code;
    fputs("level,code,name,codes,contributing,opportunity,opportunity_beds,opportunity_beds_to_open,"
          "opportunity_pounds\n", f);
    for (size_t i = 0; i < ics_benchmark_rollup_count(b); i++) {
        const struct ics_benchmark_rollup *u = ics_benchmark_rollup(b, i);
        fprintf(f, "%s,", u->level);
        ics_csv_write_field(f, u->code, strlen(u->code));
        fputc(',', f);
        ics_csv_write_field(f, u->name, strlen(u->name));
        fprintf(f, ",%zu,%zu", u->codes, u->contributing);
        const double v[] = {u->opportunity, u->opportunity_beds, u->opportunity_beds_to_open, u->opportunity_pounds};
        for (int k = 0; k < 4; k++) {
            fputc(',', f);
            csv_number(f, v[k]);
        }
        fputc('\n', f);
    }
    const struct ics_benchmark_row *t = ics_benchmark_total(b);
    fputs("total,total,Total,", f);
    fprintf(f, "%zu,", ics_benchmark_info(b)->with_target);
    size_t contributing = 0;
    for (size_t i = 0; i < ics_benchmark_count(b); i++)
        contributing += ics_benchmark_row(b, i)->opportunity > 0;
    fprintf(f, "%zu", contributing);
    const double v[] = {t->opportunity, t->opportunity_beds, t->opportunity_beds_to_open, t->opportunity_pounds};
    for (int k = 0; k < 4; k++) {
        fputc(',', f);
        csv_number(f, v[k]);
    }
    fputc('\n', f);
    return cli_close_output(f, path, err);
}

static void print_summary(const struct args *a, const struct ics_benchmark *b, const char *summary)
{
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    size_t nn = ics_benchmark_note_count(b);
    for (size_t i = 0; i < nn && i < MAX_NOTES_SHOWN; i++)
        fprintf(stderr, "ics benchmark: note: %s\n", ics_benchmark_note(b, i));
    if (nn > MAX_NOTES_SHOWN)
        fprintf(stderr, "ics benchmark: note: ... and %zu more notes (all of them are in --format json)\n",
                nn - MAX_NOTES_SHOWN);
    char scale[64], t[64], gap[64], gap_beds[64];
    ics_benchmark_format_grouped((long double)info->scale, info->scale == floor(info->scale) ? 0 : 6, scale,
                                 sizeof scale);
    fprintf(stderr, "ics benchmark: %zu codes: %zu benchmarked, %zu with a target, %zu excluded or without a "
            "target%s", info->codes, info->benchmarked, info->with_target, info->excluded,
            info->excluded ? ":" : "\n");
    if (info->excluded) {
        /* Named here whatever the notes above showed: the note list is cut
         * at MAX_NOTES_SHOWN, and per-peer notes can fill it. */
        size_t named = 0, excluded = 0;
        for (size_t i = 0; i < ics_benchmark_count(b); i++) {
            const struct ics_benchmark_row *r = ics_benchmark_row(b, i);
            if (!r->problem)
                continue;
            if (named++ < MAX_NOTES_SHOWN)
                fprintf(stderr, *r->code ? " %s" : " ''", r->code);
            excluded++;
        }
        if (excluded > MAX_NOTES_SHOWN)
            fprintf(stderr, " and %zu more", excluded - MAX_NOTES_SHOWN);
        fputs(" (reasons in the notes above and in --format json)\n", stderr);
    }
    if (info->denominator[0])
        fprintf(stderr, "ics benchmark: rate = %s / %s x %s, %s is better; target %s within %s (%zu group%s)\n",
                info->numerator, info->denominator, scale,
                a->opt.better == ICS_BETTER_LOWER ? "lower" : "higher", target_name(&a->opt, t, sizeof t),
                within_name(a), info->groups, info->groups == 1 ? "" : "s");
    else
        fprintf(stderr, "ics benchmark: rate = %s%s%s, %s is better; target %s within %s (%zu group%s)\n",
                info->numerator, info->scale == 1 ? "" : " x ", info->scale == 1 ? "" : scale,
                a->opt.better == ICS_BETTER_LOWER ? "lower" : "higher", target_name(&a->opt, t, sizeof t),
                within_name(a), info->groups, info->groups == 1 ? "" : "s");
    fprintf(stderr, "ics benchmark: beds = bed days / %ld (%s); pounds: %s\n", info->days, info->days_source,
            info->cost_source);
    if (info->numerator[0] && !strstr(info->numerator, "bed_days"))
        fprintf(stderr, "ics benchmark: note: the numerator '%s' is treated as bed days when converting to beds "
                "and pounds\n", info->numerator);
    ics_benchmark_format_grouped(info->gap_days, fabsl(info->gap_days) >= 100 ? 0 : 1, gap, sizeof gap);
    long double gb = info->gap_days / (long double)info->days;
    ics_benchmark_format_grouped(gb, fabsl(gb) >= 100 ? 0 : 1, gap_beds, sizeof gap_beds);
    if (info->with_target)
        fprintf(stderr, "ics benchmark: the whole gap is %s bed days = %s beds\n", gap, gap_beds);
    size_t nr = ics_benchmark_rollup_count(b);
    if (nr > 0 && nr <= 12) {
        for (size_t i = 0; i < nr; i++) {
            const struct ics_benchmark_rollup *u = ics_benchmark_rollup(b, i);
            char o[64], ob[64];
            ics_benchmark_format_grouped((long double)u->opportunity, fabs(u->opportunity) >= 100 ? 0 : 1, o, sizeof o);
            ics_benchmark_format_grouped((long double)u->opportunity_beds, fabs(u->opportunity_beds) >= 100 ? 0 : 1,
                                         ob, sizeof ob);
            fprintf(stderr, "ics benchmark: %s %s%s%s%s: %s bed days = %s beds\n", u->level, u->code,
                    u->name[0] ? " (" : "", u->name, u->name[0] ? ")" : "", o, ob);
        }
    } else if (nr > 12) {
        fprintf(stderr, "ics benchmark: %zu totals by group, ICB and region (--totals FILE or --format json)\n", nr);
    }
    fprintf(stderr, "%s\n", summary);
}

static int cmd_benchmark(int argc, char **argv)
{
    struct args a;
    int rc = parse_args(argc, argv, &a);
    if (rc == -1)
        return cli_help(&cli_cmd_benchmark);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_benchmark *b = NULL;
    struct ics_geography *g = NULL;
    FILE *out = NULL;
    if ((rc = ics_benchmark_new(&a.opt, &b, &err)))
        goto fail;
    if ((rc = ics_benchmark_read_table(b, a.table, NULL, a.metric, &err)))
        goto fail;
    if (a.population) {
        rc = a.population_embedded ? ics_benchmark_use_population(b, a.population, &err)
                                   : ics_benchmark_read_population(b, a.population, &err);
        if (rc)
            goto fail;
    }
    rc = a.geography ? ics_geography_load(a.geography, &g, &err) : ics_geography_default(&g, &err);
    if (rc)
        goto fail;
    size_t matched = 0;
    if ((rc = ics_benchmark_use_geography(b, g, &matched, &err)))
        goto fail;
    if ((a.opt.within == ICS_WITHIN_ICB || a.opt.within == ICS_WITHIN_REGION) && matched == 0) {
        rc = ics_error_set(&err, ICS_ERR_USAGE,
                           "--within %s: no code in %s is a local authority or ICB of the geography (%s); "
                           "for provider tables give --within FILE (code,group rows)",
                           within_name(&a), a.table, ics_geography_source(g));
        goto fail;
    }
    if (a.peers && (rc = ics_benchmark_read_peers(b, a.peers, &err)))
        goto fail;
    if (a.within_file && (rc = ics_benchmark_read_groups(b, a.within_file, &err)))
        goto fail;
    if ((rc = ics_benchmark_run(b, &err)))
        goto fail;

    char summary[512];
    ics_benchmark_summary_line(b, a.close_gap_text, summary, sizeof summary);
    out = cli_open_output(a.output, &err);
    if (!out) {
        rc = err.code;
        goto fail;
    }
    if (a.json) {
        write_json(out, &a, b, summary);
    } else {
        fprintf(out, "%s\n", columns);
        for (size_t i = 0; i < ics_benchmark_count(b); i++)
            csv_row(out, ics_benchmark_row(b, i));
        csv_row(out, ics_benchmark_total(b));
    }
    rc = cli_close_output(out, a.output, &err);
    out = NULL;
    if (rc)
        goto fail;
    if (a.totals && (rc = write_totals(a.totals, b, &err)))
        goto fail;
    if (!a.quiet)
        print_summary(&a, b, summary);
    ics_geography_free(g);
    ics_benchmark_free(b);
    return 0;
fail:
    if (out)
        cli_close_output(out, a.output, &err);
    ics_geography_free(g);
    ics_benchmark_free(b);
    return cli_fail(CMD, &err);
}

static int run_benchmark(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return cmd_benchmark(argc, argv);
}

const struct cli_command cli_cmd_benchmark = {
    .name = "benchmark",
    .summary = "gap to the top quartile and the opportunity of closing it",
    .synopsis = "ics benchmark TABLE.csv --metric NUM[/DEN] [--scale N] [--population FILE|ons]\n       [--better lower|higher] [--target top-quartile|top-quartile-mean|median|best5of10|VALUE]\n       [--peers FILE] [--within icb|region|FILE] [--geography FILE] [--close-gap FRACTION]\n       [--days N] [--occupancy FRACTION] [--cost-per-day POUNDS] [--format csv|json]\n       [-o FILE] [--totals FILE] [--quiet]",
    .run = run_benchmark,
    .notes = "TABLE.csv may be - for standard input. See docs/commands/benchmark.md.\n",
};
