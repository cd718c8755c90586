/* ics benchmark: the command layer over ics_benchmark_*: options, the calls, the outputs and the
 * summary. See docs/commands/benchmark.md. */
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

static const struct cli_option benchmark_options[] = {
    {"metric", CLI_KEY('m'), "NUM[/DEN]", "the rate: a numerator column, or numerator/denominator columns (required)"},
    {"scale", CLI_KEY('s'), "N", "rate per N (default 1,000 with a denominator, 1 without)"},
    {"population", CLI_KEY('p'), "FILE|ons", "the denominator is each code's population: a code,population file or a "
                                             "built-in ONS table (ons, ons-mid2020, ons-mid2019)"},
    {"better", CLI_KEY('b'), "lower|higher", "which way is better (default lower)"},
    {"target", CLI_KEY('t'), "TARGET", "top-quartile (default), top-quartile-mean, median, best5of10 or a number"},
    {"peers", CLI_KEY('P'), "FILE", "code,peer rows: each code's peers for --target best5of10"},
    {"within", CLI_KEY('w'), "GROUPS", "peer groups: all (default), icb, region, or a FILE of code,group rows"},
    {"geography", CLI_KEY('g'), "FILE", "local authority to ICB and region lookup (default built in)"},
    {"bed-days", CLI_KEY('B'), "yes|no", "whether the numerator is bed days, to turn into beds and pounds (default: "
                                         "yes when its column name ends in bed_days)"},
    {"close-gap", CLI_KEY('c'), "FRACTION", "the part of the gap to close: 1/3, 0.25 or 25% (default 1, all of it)"},
    {"days", CLI_KEY('d'), "N", "days in the period, for beds (default the table's days column, else 365)"},
    {"occupancy", CLI_KEY('O'), "FRACTION", "occupancy of the beds to open: 0.92 or 92% (default none)"},
    {"cost-per-day", CLI_KEY('C'), "POUNDS", "price every bed day at this cost (default each code's own "
                                             "excess_cost / excess_bed_days)"},
    {"format", CLI_KEY('F'), "csv|json", "output format (default csv)"},
    {"output", 'o', "FILE", "write the result to FILE (default standard output)"},
    {"totals", CLI_KEY('T'), "FILE", "write the totals by group, ICB and region to FILE as CSV"},
    {"quiet", 'q', NULL, "no summary on stderr"},
    CLI_TABLE_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static int run_benchmark(const struct cli_command *self, int argc, char **argv);

const struct cli_command cli_cmd_benchmark = {
    .name = "benchmark",
    .summary = "gap to the top quartile and the opportunity of closing it",
    .synopsis = "ics benchmark TABLE.csv --metric NUM[/DEN] [options]",
    .options = benchmark_options,
    .run = run_benchmark,
    .notes = "TABLE.csv may be - for standard input. See docs/commands/benchmark.md.\n",
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
    struct cli_table_output table_out;   /* --xlsx, --disclosure-control */
    int quiet;
    int population_embedded;
    struct ics_benchmark_options opt;
};

/* ---- options ------------------------------------------------------------------- */

static int is_embedded_population(const char *name)
{
    if (strcmp(name, "ons") == 0)
        return 1;
    for (size_t i = 0; ics_benchmark_population_name(i, NULL); i++)
        if (strcmp(ics_benchmark_population_name(i, NULL), name) == 0)
            return 1;
    return 0;
}

/* getopt's '?' (its own message silenced): a known option without its value, or an unknown one. */
static int bad_option(char **argv)
{
    const char *given = argv[optind - 1];
    for (const struct cli_option *o = benchmark_options; o->name; o++)
        if (optopt && o->key == optopt && o->arg)
            return cli_usage_error(CMD, "%s needs a value", given);
    return cli_usage_error(CMD, "unknown option '%s'", given);
}

static int parse_target(const char *arg, struct ics_benchmark_options *o)
{
    if (strcmp(arg, "top-quartile") == 0)
        o->target = ICS_TARGET_TOP_QUARTILE;
    else if (strcmp(arg, "top-quartile-mean") == 0)
        o->target = ICS_TARGET_TOP_QUARTILE_MEAN;
    else if (strcmp(arg, "median") == 0)
        o->target = ICS_TARGET_MEDIAN;
    else if (strcmp(arg, "best5of10") == 0)
        o->target = ICS_TARGET_BEST5OF10;
    else if (cli_parse_double(arg, -1e300, 1e300, &o->target_value) == 0)
        o->target = ICS_TARGET_VALUE;
    else
        return cli_usage_error(CMD, "--target '%s': expected top-quartile, top-quartile-mean, median, "
                               "best5of10 or a number", arg);
    return ICS_OK;
}

static void parse_within(const char *arg, struct args *a)
{
    if (strcmp(arg, "icb") == 0) {
        a->opt.within = ICS_WITHIN_ICB;
    } else if (strcmp(arg, "region") == 0) {
        a->opt.within = ICS_WITHIN_REGION;
    } else if (strcmp(arg, "all") == 0) {
        a->opt.within = ICS_WITHIN_ALL;
    } else {
        a->opt.within = ICS_WITHIN_FILE;
        a->within_file = arg;
    }
}

/* A fraction above 0 and at most 1 (--close-gap, --occupancy). */
static int parse_share(const char *name, const char *arg, const char *hint, struct ics_fraction *out)
{
    const char *why = NULL;
    if (ics_fraction_parse(arg, out, &why) != 0)
        return cli_usage_error(CMD, "%s '%s': %s", name, arg, why);
    if (out->num == 0 || out->num > out->den)
        return cli_usage_error(CMD, "%s '%s': must be above 0 and at most 1%s", name, arg, hint);
    return ICS_OK;
}

static int parse_option(int c, const char *arg, struct args *a)
{
    switch (c) {
    case CLI_KEY('m'): a->metric = arg; break;
    case CLI_KEY('s'):
        if (cli_parse_double(arg, 1e-300, 1e300, &a->opt.scale) != 0)
            return cli_usage_error(CMD, "--scale '%s': expected a positive number", arg);
        break;
    case CLI_KEY('p'):
        a->population = arg;
        a->population_embedded = is_embedded_population(arg);
        a->opt.denominator = ICS_DEN_POPULATION;
        break;
    case CLI_KEY('b'):
        if (strcmp(arg, "lower") == 0)
            a->opt.better = ICS_BETTER_LOWER;
        else if (strcmp(arg, "higher") == 0)
            a->opt.better = ICS_BETTER_HIGHER;
        else
            return cli_usage_error(CMD, "--better '%s': expected lower or higher", arg);
        break;
    case CLI_KEY('t'): return parse_target(arg, &a->opt);
    case CLI_KEY('B'):
        if (strcmp(arg, "yes") == 0)
            a->opt.bed_days = ICS_BED_DAYS_YES;
        else if (strcmp(arg, "no") == 0)
            a->opt.bed_days = ICS_BED_DAYS_NO;
        else
            return cli_usage_error(CMD, "--bed-days '%s': expected yes or no", arg);
        break;
    case CLI_KEY('P'): a->peers = arg; break;
    case CLI_KEY('w'): parse_within(arg, a); break;
    case CLI_KEY('g'): a->geography = arg; break;
    case CLI_KEY('c'):
        a->close_gap_text = arg;
        return parse_share("--close-gap", arg, "", &a->opt.close_gap);
    case CLI_KEY('d'):
        if (cli_parse_long(arg, 1, 100000, &a->opt.days) != 0)
            return cli_usage_error(CMD, "--days '%s': expected a whole number of days from 1", arg);
        break;
    case CLI_KEY('O'): return parse_share("--occupancy", arg, " (0.92 or 92%)", &a->opt.occupancy);
    case CLI_KEY('C'): {
        const char *why = NULL;
        if (ics_pence_parse(arg, strlen(arg), &a->opt.cost_per_day_pence, &why) != 0)
            return cli_usage_error(CMD, "--cost-per-day '%s': %s", arg, why);
        if (a->opt.cost_per_day_pence < 0)
            return cli_usage_error(CMD, "--cost-per-day '%s': must not be negative", arg);
        a->opt.has_cost_per_day = 1;
        break;
    }
    case CLI_KEY('F'): return cli_parse_format(CMD, arg, &a->json) ? ICS_ERR_USAGE : ICS_OK;
    case 'o': a->output = arg; break;
    case CLI_KEY('T'): a->totals = arg; break;
    case 'q': a->quiet = 1; break;
    default: {
        int status;
        cli_table_option(&a->table_out, CMD, c, arg, &status);
        return status;
    }
    }
    return ICS_OK;
}

/* Returns ICS_OK, a usage status (the message printed), or CLI_HELP. */
static int parse_args(const struct cli_command *self, int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    ics_benchmark_options_init(&a->opt);
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int saved_opterr = opterr, rc = ICS_OK, c;
    opterr = 0;   /* bad_option says what was wrong, naming the argument as given */
    while (rc == ICS_OK && (c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP)
            rc = CLI_HELP;
        else if (c == CLI_BAD)
            rc = bad_option(argv);
        else
            rc = parse_option(c, parser.arg, a);
    }
    opterr = saved_opterr;
    if (rc)
        return rc;
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
    return cli_table_check(&a->table_out, CMD, a->json);
}

/* ---- the options named in what the library reports --------------------------------- */

static const char *days_words(const struct ics_benchmark_info *info)
{
    switch (info->days_from) {
    case ICS_DAYS_FROM_OPTIONS: return "--days";
    case ICS_DAYS_FROM_TABLE: return "the table's days column";
    case ICS_DAYS_DEFAULT: return "default 365";
    }
    return "";
}

static const char *cost_words(const struct args *a, const struct ics_benchmark_info *info, char *buf, size_t size)
{
    switch (info->cost_from) {
    case ICS_COST_FROM_OPTIONS: {
        char p[32];
        ics_pence_format(a->opt.cost_per_day_pence, p);
        snprintf(buf, size, "--cost-per-day: \xc2\xa3%s per bed day for every code", p);
        return buf;
    }
    case ICS_COST_UNPRICED:
        return "none: excess_cost is 0 for every code with excess bed days (not priced); give --cost-per-day";
    case ICS_COST_FROM_TABLE:
        return "each code's own cost per bed day (excess_cost / excess_bed_days)";
    case ICS_COST_NONE:
        return "none: the table has no excess_cost column and no --cost-per-day was given";
    case ICS_COST_NOT_BED_DAYS:
        return "none: the numerator is not bed days";
    }
    return "";
}

/* The summary line, with how to give a cost when there is none; NULL when out of memory. */
static char *summary_text(const struct args *a, const struct ics_benchmark *b)
{
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    int unpriced = info->cost_from == ICS_COST_NONE || info->cost_from == ICS_COST_UNPRICED;
    const char *hint = info->with_target && unpriced ? " (give --cost-per-day)" : "";
    int n = ics_benchmark_summary_line(b, a->close_gap_text, NULL, 0);
    size_t size = (size_t)n + strlen(hint) + 1;
    char *s = n < 0 ? NULL : ics_malloc(size);
    if (!s)
        return NULL;
    ics_benchmark_summary_line(b, a->close_gap_text, s, size);
    memcpy(s + n, hint, strlen(hint) + 1);
    return s;
}

/* Settings the table contradicts, said in terms of the options (the library would refuse them too). */
static int check_metric(const struct args *a, const struct ics_benchmark *b, struct ics_error *err)
{
    if (a->population && ics_benchmark_table(b)->denominator[0])
        return ics_error_set(err, ICS_ERR_USAGE,
                             "--metric '%s' has a denominator and --population was given: use one or the other",
                             a->metric);
    return ICS_OK;
}

/* --days, --occupancy and --cost-per-day convert bed days; with another numerator they would mean
 * nothing, so they are refused with the way out. */
static int check_bed_days(const struct args *a, const struct ics_benchmark *b, struct ics_error *err)
{
    if (ics_benchmark_bed_days(b))
        return ICS_OK;
    const char *given = a->opt.days > 0 ? "--days" : a->opt.occupancy.num ? "--occupancy"
                      : a->opt.has_cost_per_day ? "--cost-per-day" : NULL;
    if (!given)
        return ICS_OK;
    const char *numerator = ics_benchmark_table(b)->numerator;
    if (a->opt.bed_days == ICS_BED_DAYS_NO)
        return ics_error_set(err, ICS_ERR_USAGE,
                             "%s converts bed days to beds and pounds, and --bed-days no says the numerator '%s' "
                             "is not bed days", given, numerator);
    return ics_error_set(err, ICS_ERR_USAGE,
                         "%s converts bed days to beds and pounds, and the numerator '%s' is not bed days (its name "
                         "does not end in bed_days); give --bed-days yes if it counts bed days", given, numerator);
}

static int check_days(const struct args *a, const struct ics_benchmark *b, struct ics_error *err)
{
    const struct ics_benchmark_table *t = ics_benchmark_table(b);
    if (a->opt.days == 0 && t->days_state == 2 && ics_benchmark_bed_days(b))
        return ics_error_set(err, ICS_ERR_USAGE,
                             "%s: the days column differs between rows (%ld on line %ld, %ld on line %ld); "
                             "give --days", t->label, t->days, t->days_line, t->other_days, t->other_days_line);
    return ICS_OK;
}

/* ---- output ---------------------------------------------------------------- */
static const char *const columns =
    "code,name,group,numerator,denominator,rate,band,rank,target,gap,opportunity,opportunity_beds,"
    "opportunity_beds_to_open,opportunity_pounds";

static void csv_number(FILE *f, double v)
{
    char buf[ICS_BENCHMARK_NUMBER_MAX];
    ics_benchmark_format_number(v, buf, sizeof buf);
    fputs(buf, f);
}

/* Pounds and pence, "13688.44", from integer pence; empty when unknown. */
static void csv_pence(FILE *f, int known, int64_t pence)
{
    char buf[24];
    if (!known)
        return;
    ics_pence_format(pence, buf);
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
    const double b[] = {r->target, r->gap, r->opportunity, r->opportunity_beds, r->opportunity_beds_to_open};
    for (int i = 0; i < 5; i++) {
        fputc(',', f);
        csv_number(f, b[i]);
    }
    fputc(',', f);
    csv_pence(f, r->has_pounds, r->opportunity_pence);
    fputc('\n', f);
}

static void json_number(struct ics_json *j, const char *key, double v)
{
    char buf[ICS_BENCHMARK_NUMBER_MAX];
    ics_json_key(j, key);
    if (isnan(v) || isinf(v)) {
        ics_json_null(j);
        return;
    }
    ics_benchmark_format_number(v, buf, sizeof buf);
    ics_json_raw_number(j, buf);
}

static void json_pence(struct ics_json *j, const char *key, int known, int64_t pence)
{
    char buf[24];
    ics_json_key(j, key);
    if (!known) {
        ics_json_null(j);
        return;
    }
    ics_pence_format(pence, buf);
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
    json_pence(j, "opportunity_pounds", r->has_pounds, r->opportunity_pence);
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
    json_pence(j, "opportunity_pounds", u->has_pounds, u->opportunity_pence);
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
    char buf[ICS_BENCHMARK_NUMBER_MAX];
    struct ics_json j;
    ics_json_init(&j, f, 1);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "numerator", info->numerator);
    if (info->denominator[0])
        ics_json_kv_string(&j, "denominator", info->denominator);
    else
        ics_json_kv_null(&j, "denominator");
    json_number(&j, "scale", info->scale);
    ics_json_kv_string(&j, "rate_unit", info->rate_unit);
    ics_json_kv_bool(&j, "bed_days", info->bed_days);
    ics_json_kv_string(&j, "numerator_unit", info->bed_days ? "bed days" : info->numerator_words);
    ics_json_kv_string(&j, "better", a->opt.better == ICS_BETTER_LOWER ? "lower" : "higher");
    ics_json_kv_string(&j, "target", target_name(&a->opt, buf, sizeof buf));
    ics_json_kv_string(&j, "within", within_name(a));
    snprintf(buf, sizeof buf, "%lld/%lld", (long long)a->opt.close_gap.num, (long long)a->opt.close_gap.den);
    ics_json_kv_string(&j, "close_gap", buf);
    if (info->bed_days) {
        ics_json_kv_int(&j, "days", info->days);
        ics_json_kv_string(&j, "days_source", days_words(info));
    } else {
        ics_json_kv_null(&j, "days");
        ics_json_kv_string(&j, "days_source", "none: the numerator is not bed days");
    }
    if (a->opt.occupancy.num)
        json_number(&j, "occupancy", (double)a->opt.occupancy.num / (double)a->opt.occupancy.den);
    else
        ics_json_kv_null(&j, "occupancy");
    ics_json_kv_string(&j, "cost", cost_words(a, info, buf, sizeof buf));
    ics_json_kv_int(&j, "codes", (int64_t)info->codes);
    ics_json_kv_int(&j, "benchmarked", (int64_t)info->benchmarked);
    ics_json_kv_int(&j, "excluded", (int64_t)info->excluded);
    json_number(&j, "whole_gap", (double)info->gap_days);
    json_number(&j, "gap_bed_days", info->bed_days ? (double)info->gap_days : NAN);
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
        const double v[] = {u->opportunity, u->opportunity_beds, u->opportunity_beds_to_open};
        for (int k = 0; k < 3; k++) {
            fputc(',', f);
            csv_number(f, v[k]);
        }
        fputc(',', f);
        csv_pence(f, u->has_pounds, u->opportunity_pence);
        fputc('\n', f);
    }
    const struct ics_benchmark_row *t = ics_benchmark_total(b);
    fputs("total,total,Total,", f);
    fprintf(f, "%zu,%zu", ics_benchmark_info(b)->with_target, ics_benchmark_info(b)->contributing);
    const double v[] = {t->opportunity, t->opportunity_beds, t->opportunity_beds_to_open};
    for (int k = 0; k < 3; k++) {
        fputc(',', f);
        csv_number(f, v[k]);
    }
    fputc(',', f);
    csv_pence(f, t->has_pounds, t->opportunity_pence);
    fputc('\n', f);
    return cli_close_output(f, path, err);
}

/* A figure of the summary on stderr: whole numbers from 100 up, else one decimal. */
static void put_figure(long double v)
{
    char buf[ICS_BENCHMARK_NUMBER_MAX];
    ics_benchmark_format_grouped(v, fabsl(v) >= 100 ? 0 : 1, buf, sizeof buf);
    fputs(buf, stderr);
}

/* The notes (the first MAX_NOTES_SHOWN) and the counts, naming every excluded code. */
static void print_counts(const struct ics_benchmark *b)
{
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    size_t nn = ics_benchmark_note_count(b);
    for (size_t i = 0; i < nn && i < MAX_NOTES_SHOWN; i++)
        fprintf(stderr, "ics benchmark: note: %s\n", ics_benchmark_note(b, i));
    if (nn > MAX_NOTES_SHOWN)
        fprintf(stderr, "ics benchmark: note: ... and %zu more notes (all of them are in --format json)\n",
                nn - MAX_NOTES_SHOWN);
    fprintf(stderr, "ics benchmark: %zu codes: %zu benchmarked, %zu with a target, %zu excluded or without a "
            "target%s", info->codes, info->benchmarked, info->with_target, info->excluded,
            info->excluded ? ":" : "\n");
    if (!info->excluded)
        return;
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

/* The rate, the target, and where days and pounds came from. */
static void print_method(const struct args *a, const struct ics_benchmark *b)
{
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    char scale[ICS_BENCHMARK_NUMBER_MAX], t[ICS_BENCHMARK_NUMBER_MAX], cost[128];
    ics_benchmark_format_grouped((long double)info->scale, info->scale == floor(info->scale) ? 0 : 6, scale,
                                 sizeof scale);
    const char *better = a->opt.better == ICS_BETTER_LOWER ? "lower" : "higher";
    if (info->denominator[0])
        fprintf(stderr, "ics benchmark: rate = %s / %s x %s (%s), %s is better; target %s within %s (%zu group%s)\n",
                info->numerator, info->denominator, scale, info->rate_unit, better, target_name(&a->opt, t, sizeof t),
                within_name(a), info->groups, info->groups == 1 ? "" : "s");
    else
        fprintf(stderr, "ics benchmark: rate = %s%s%s (%s), %s is better; target %s within %s (%zu group%s)\n",
                info->numerator, info->scale == 1 ? "" : " x ", info->scale == 1 ? "" : scale, info->rate_unit,
                better, target_name(&a->opt, t, sizeof t), within_name(a), info->groups,
                info->groups == 1 ? "" : "s");
    if (!info->bed_days) {
        fprintf(stderr, "ics benchmark: the numerator '%s' is not bed days (%s): no beds or pounds\n", info->numerator,
                a->opt.bed_days == ICS_BED_DAYS_NO ? "--bed-days no"
                                                    : "its name does not end in bed_days; --bed-days yes if it is");
        return;
    }
    fprintf(stderr, "ics benchmark: beds = bed days / %ld (%s); pounds: %s\n", info->days, days_words(info),
            cost_words(a, info, cost, sizeof cost));
    if (a->opt.bed_days == ICS_BED_DAYS_YES && info->numerator[0] && !ics_benchmark_bed_days_name(info->numerator))
        fprintf(stderr, "ics benchmark: note: the numerator '%s' is treated as bed days (--bed-days yes)\n",
                info->numerator);
}

/* The whole gap and the roll-ups (listed when there are at most 12). */
static void print_gaps(const struct ics_benchmark *b)
{
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    if (info->with_target) {
        fputs("ics benchmark: the whole gap is ", stderr);
        put_figure(info->gap_days);
        if (info->bed_days) {
            fputs(" bed days = ", stderr);
            put_figure(info->gap_days / (long double)info->days);
            fputs(" beds\n", stderr);
        } else {
            fprintf(stderr, " %s\n", info->numerator_words);
        }
    }
    size_t nr = ics_benchmark_rollup_count(b);
    if (nr > 12) {
        fprintf(stderr, "ics benchmark: %zu totals by group, ICB and region (--totals FILE or --format json)\n", nr);
        return;
    }
    for (size_t i = 0; i < nr; i++) {
        const struct ics_benchmark_rollup *u = ics_benchmark_rollup(b, i);
        fprintf(stderr, "ics benchmark: %s %s%s%s%s: ", u->level, u->code, u->name[0] ? " (" : "", u->name,
                u->name[0] ? ")" : "");
        put_figure((long double)u->opportunity);
        if (info->bed_days) {
            fputs(" bed days = ", stderr);
            put_figure((long double)u->opportunity_beds);
            fputs(" beds\n", stderr);
        } else {
            fprintf(stderr, " %s\n", info->numerator_words);
        }
    }
}

static void print_summary(const struct args *a, const struct ics_benchmark *b, const char *summary)
{
    print_counts(b);
    print_method(a, b);
    print_gaps(b);
    fprintf(stderr, "%s\n", summary);
}

/* ---- the command ------------------------------------------------------------- */

/* The table, the population, the geography and the side files, checked and run. */
static int load_and_run(const struct args *a, struct ics_benchmark *b, struct ics_geography **g,
                        struct ics_error *err)
{
    int rc;
    if ((rc = ics_benchmark_read_table(b, a->table, NULL, a->metric, err)) || (rc = check_metric(a, b, err)) ||
        (rc = check_bed_days(a, b, err)))
        return rc;
    if (a->population) {
        rc = a->population_embedded ? ics_benchmark_use_population(b, a->population, err)
                                    : ics_benchmark_read_population(b, a->population, err);
        if (rc)
            return rc;
    }
    rc = a->geography ? ics_geography_load(a->geography, g, err) : ics_geography_default(g, err);
    if (rc)
        return rc;
    size_t matched = 0;
    if ((rc = ics_benchmark_use_geography(b, *g, &matched, err)))
        return rc;
    if ((a->opt.within == ICS_WITHIN_ICB || a->opt.within == ICS_WITHIN_REGION) && matched == 0)
        return ics_error_set(err, ICS_ERR_USAGE,
                             "--within %s: no code in %s is a local authority or ICB of the geography (%s); "
                             "for provider tables give --within FILE (code,group rows)",
                             within_name(a), a->table, ics_geography_source(*g));
    if (a->peers && (rc = ics_benchmark_read_peers(b, a->peers, err)))
        return rc;
    if (a->within_file && (rc = ics_benchmark_read_groups(b, a->within_file, err)))
        return rc;
    if ((rc = check_days(a, b, err)))
        return rc;
    return ics_benchmark_run(b, err);
}

/* What the writers below are given (cli_table_emit's result). */
struct written {
    const struct args *a;
    const struct ics_benchmark *b;
    const char *summary;
};

static int write_csv(const void *p, FILE *out, struct ics_error *err)
{
    (void)err;
    const struct ics_benchmark *b = ((const struct written *)p)->b;
    fprintf(out, "%s\n", columns);
    for (size_t i = 0; i < ics_benchmark_count(b); i++)
        csv_row(out, ics_benchmark_row(b, i));
    csv_row(out, ics_benchmark_total(b));
    return ICS_OK;
}

static int write_json_result(const void *p, FILE *out, struct ics_error *err)
{
    (void)err;
    const struct written *w = p;
    write_json(out, w->a, w->b, w->summary);
    return ICS_OK;
}

static int write_result(const struct args *a, const struct ics_benchmark *b, const char *summary,
                        struct ics_error *err)
{
    FILE *out = cli_open_output(a->output, err);
    if (!out)
        return err->code;
    struct written w = {a, b, summary};
    int rc = cli_table_emit(&a->table_out, "benchmark", &w, write_csv, a->json ? write_json_result : NULL, out, err);
    int crc = cli_close_output(out, a->output, rc ? NULL : err);
    return rc ? rc : crc;
}

static int run_benchmark(const struct cli_command *self, int argc, char **argv)
{
    struct args a;
    int rc = parse_args(self, argc, argv, &a);
    if (rc == CLI_HELP)
        return cli_help(self);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_benchmark *b = NULL;
    struct ics_geography *g = NULL;
    char *summary = NULL;
    if ((rc = ics_benchmark_new(&a.opt, &b, &err)) || (rc = load_and_run(&a, b, &g, &err)))
        goto out;
    summary = summary_text(&a, b);
    if (!summary) {
        rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = write_result(&a, b, summary, &err)))
        goto out;
    if (a.totals && (rc = write_totals(a.totals, b, &err)))
        goto out;
    if (!a.quiet)
        print_summary(&a, b, summary);
out:
    ics_free(summary);
    ics_geography_free(g);
    ics_benchmark_free(b);
    return rc ? cli_fail(CMD, &err) : 0;
}
