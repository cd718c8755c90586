/*
 * ics spc: the command layer over ics_spc_read_table, ics_spc_run and the
 * writers (docs/commands/spc.md). Every output (-o, --summary, each chart
 * of --svg) goes to a temporary file and all are committed together once
 * everything has been written, so a failure leaves none of them behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ics/chart.h"
#include "ics/core.h"
#include "ics/spc.h"

#define CMD "spc"

static const struct cli_option spc_options[] = {
    {"value", CLI_KEY('v'), "COL", "the measure (required)"},
    {"date", CLI_KEY('d'), "COL", "the date of each point (default: date, period_start, period, week_start or month)"},
    {"series", CLI_KEY('s'), "COL", "one chart per distinct value (default: one series named after --value)"},
    {"improvement", CLI_KEY('i'), "DIR", "increase (default), decrease or neutral: which way is better"},
    {"target", CLI_KEY('t'), "X", "one target for every series"},
    {"target-col", CLI_KEY('T'), "COL", "a per-row target; each series is judged on its latest one"},
    {"rebase", CLI_KEY('r'), "DATE,...", "a new segment starts at each of these dates"},
    {"fix-after", CLI_KEY('x'), "N", "limits from the first N points of each segment (N >= 12)"},
    {"screen-outliers", CLI_KEY('S'), "on|off", "drop moving ranges >= 3.267 mR-bar first (default on)"},
    {"two-in-three", CLI_KEY('2'), "band|mdc2023", "the two-in-three rule's variant (default band)"},
    {"svg", CLI_KEY('g'), "DIR", "one SVG chart per series, DIR/<series>.svg"},
    {"title", CLI_KEY('H'), "TEXT", "each chart's title; {name}, {series} and {measure} are filled in (default {name})"},
    {"subtitle", CLI_KEY('U'), "TEXT", "each chart's subtitle, as --title (default: the measure and the period)"},
    {"summary", CLI_KEY('m'), "FILE", "one row per series: limits and icons"},
    {"format", CLI_KEY('F'), "csv|json", "output and summary format (default csv)"},
    {"output", 'o', "FILE", "write the points to FILE (default standard output)"},
    {"quiet", 'q', NULL, "no messages on stderr"},
    CLI_TABLE_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static int run_spc(const struct cli_command *self, int argc, char **argv);

const struct cli_command cli_cmd_spc = {
    .name = "spc",
    .summary = "SPC (XmR) charts with the Making Data Count rules",
    .synopsis = "ics spc SERIES.csv --value COL [--date COL] [--series COL]\n"
                "        [--improvement increase|decrease|neutral] [--target X | --target-col COL]\n"
                "        [--rebase DATE,...] [--fix-after N] [--screen-outliers on|off]\n"
                "        [--two-in-three band|mdc2023] [--svg DIR [--title TEXT] [--subtitle TEXT]]\n"
                "        [--summary FILE] [--format csv|json] [-o FILE] [--quiet]",
    .options = spc_options,
    .run = run_spc,
    .notes = "SERIES.csv may be - for standard input. See docs/commands/spc.md.\n",
};

struct spc_args {
    struct ics_spc_table_options cols;
    struct ics_spc_run_options run;
    const char *rebase, *svg_dir, *summary_path, *out_path, *path;
    struct ics_svg_titles titles;
    struct cli_table_output table;   /* --xlsx, --disclosure-control */
    int json, quiet;
};

/* One option that takes a word from a list; returns 0 or prints a usage error. */
static int parse_word(const char *option, const char *arg, const char *const *words, const int *values,
                      const char *expected, int *out)
{
    for (int k = 0; words[k]; k++)
        if (strcmp(arg, words[k]) == 0) {
            *out = values[k];
            return 0;
        }
    return cli_usage_error(CMD, "--%s '%s': expected %s", option, arg, expected);
}

/* One option into *a; returns 0, or the status to exit with. */
static int take_option(const struct cli_command *self, int c, const char *arg, struct spc_args *a)
{
    static const char *const directions[] = {"increase", "decrease", "neutral", NULL};
    static const int direction_values[] = {ICS_SPC_INCREASE, ICS_SPC_DECREASE, ICS_SPC_NEUTRAL};
    static const char *const on_off[] = {"on", "off", NULL};
    static const int on_off_values[] = {1, 0};
    static const char *const rules[] = {"band", "mdc2023", NULL};
    static const int rule_values[] = {ICS_SPC_2IN3_BAND, ICS_SPC_2IN3_MDC2023};
    struct ics_spc_options *opt = &a->run.spc;
    switch (c) {
    case CLI_KEY('v'): a->cols.value = arg; return 0;
    case CLI_KEY('d'): a->cols.date = arg; return 0;
    case CLI_KEY('s'): a->cols.series = arg; return 0;
    case CLI_KEY('i'):
        return parse_word("improvement", arg, directions, direction_values, "increase, decrease or neutral",
                          &opt->direction);
    case CLI_KEY('t'):
        if (cli_parse_double(arg, -1e300, 1e300, &opt->target))
            return cli_usage_error(CMD, "--target '%s' is not a number", arg);
        opt->has_target = 1;
        return 0;
    case CLI_KEY('T'): a->cols.target = arg; return 0;
    case CLI_KEY('r'): a->rebase = arg; return 0;
    case CLI_KEY('x'): {
        long v;
        if (cli_parse_long(arg, 12, 1000000000L, &v))
            return cli_usage_error(CMD, "--fix-after '%s': expected a whole number of at least 12", arg);
        opt->fix_after = (int)v;
        return 0;
    }
    case CLI_KEY('S'): return parse_word("screen-outliers", arg, on_off, on_off_values, "on or off", &opt->screen_outliers);
    case CLI_KEY('2'): return parse_word("two-in-three", arg, rules, rule_values, "band or mdc2023", &opt->two_in_three);
    case CLI_KEY('g'): a->svg_dir = arg; return 0;
    case CLI_KEY('H'): a->titles.title = arg; return 0;
    case CLI_KEY('U'): a->titles.subtitle = arg; return 0;
    case CLI_KEY('m'): a->summary_path = arg; return 0;
    case CLI_KEY('F'): return cli_parse_format(CMD, arg, &a->json) ? ICS_ERR_USAGE : 0;
    case 'o': a->out_path = arg; return 0;
    case 'q': a->quiet = 1; return 0;
    case CLI_HELP: cli_help(self); return -1;
    default: {
        int status;
        if (cli_table_option(&a->table, CMD, c, arg, &status))
            return status;
        return cli_usage_error(CMD, "unknown option");
    }
    }
}

/* Returns 0 with *a filled in, -1 after --help, or the status to exit with. */
static int parse_args(const struct cli_command *self, int argc, char **argv, struct spc_args *a)
{
    memset(a, 0, sizeof *a);
    ics_spc_table_options_init(&a->cols);
    ics_spc_run_options_init(&a->run);
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c, rc;
    while ((c = cli_next_option(&parser, argc, argv)) != -1)
        if ((rc = take_option(self, c, parser.arg, a)))
            return rc;
    if (optind + 1 != argc)
        return cli_usage_error(CMD, optind >= argc ? "no series file given" : "more than one series file given");
    if (!a->cols.value)
        return cli_usage_error(CMD, "--value COL is required");
    if (a->run.spc.has_target && a->cols.target)
        return cli_usage_error(CMD, "--target and --target-col cannot be used together");
    if ((a->titles.title || a->titles.subtitle) && !a->svg_dir)
        return cli_usage_error(CMD, "--title and --subtitle need --svg DIR");
    a->path = argv[optind];
    return 0;
}

/* --rebase DATE,...: blanks around a date and empty items are ignored. */
static int parse_rebase(const char *arg, int32_t **dates, size_t *n)
{
    size_t cap = 1;
    for (const char *p = arg; *p; p++)
        cap += *p == ',';
    *n = 0;
    *dates = ics_malloc(cap * sizeof **dates);
    if (!*dates) {
        fprintf(stderr, "ics spc: out of memory\n");
        return ICS_ERR_NOMEM;
    }
    for (const char *p = arg;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *d = p;
        ics_text_trim(&d, &len);
        if (len) {
            if (ics_date_parse(d, len, &(*dates)[*n]))
                return cli_usage_error(CMD, "--rebase: '%.*s' is not a date (YYYY-MM-DD or DD/MM/YYYY)", (int)len, d);
            (*n)++;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* Every output of a run, each written whole or not at all. */
struct outputs {
    struct ics_output out, summary;
    struct ics_output *charts;   /* one per series (unused for skipped series) */
    size_t ncharts;
    int made_dir;                /* the --svg directory was created by this run */
};

static int write_charts(const struct ics_spc_result *res, const char *dir, const struct ics_svg_titles *titles,
                        struct outputs *o, struct ics_error *err)
{
    if (mkdir(dir, 0777) == 0)
        o->made_dir = 1;
    else if (errno != EEXIST)
        return ics_error_set(err, ICS_ERR_IO, "cannot create directory '%s': %s", dir, strerror(errno));
    size_t n = ics_spc_result_totals(res)->series;
    o->charts = ics_calloc(n ? n : 1, sizeof *o->charts);
    if (!o->charts)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    o->ncharts = n;
    for (size_t i = 0; i < n; i++) {
        if (ics_spc_result_series(res, i)->skipped)
            continue;
        char name[256], file[4096];
        ics_svg_spc_file_name(res, i, name, sizeof name);
        snprintf(file, sizeof file, "%s/%s", dir, name);
        int rc = ics_output_open(&o->charts[i], file, err);
        if (rc)
            return rc;
        if ((rc = ics_svg_spc_series_titled(o->charts[i].f, res, i, titles)))
            return ics_error_set(err, rc, "out of memory");
    }
    return ICS_OK;
}

/* Every output, charts first and standard output (if it is one) last. NULL when out of memory. */
static struct ics_output **all_outputs(struct outputs *o, size_t *n)
{
    struct ics_output **all = ics_calloc(o->ncharts + 2, sizeof *all);
    if (!all)
        return NULL;
    for (size_t i = 0; i < o->ncharts; i++)
        all[i] = &o->charts[i];
    all[o->ncharts] = &o->summary;
    all[o->ncharts + 1] = &o->out;
    *n = o->ncharts + 2;
    return all;
}

static int commit_all(struct outputs *o, struct ics_error *err)
{
    size_t n = 0;
    struct ics_output **all = all_outputs(o, &n);
    if (!all)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = ics_outputs_commit(all, n, err);
    ics_free(all);
    return rc;
}

static void abort_all(struct outputs *o, const char *dir)
{
    for (size_t i = 0; i < o->ncharts; i++)
        ics_output_abort(&o->charts[i]);
    ics_output_abort(&o->summary);
    ics_output_abort(&o->out);
    if (o->made_dir)
        rmdir(dir);
}

static int write_points(const void *r, FILE *f, struct ics_error *err)
{
    return ics_spc_write_csv(r, f, err);
}

static int write_summary(const void *r, FILE *f, struct ics_error *err)
{
    return ics_spc_write_summary_csv(r, f, err);
}

/* --xlsx: the points and the summary, a sheet each. */
static int write_workbook(const void *res, const struct spc_args *a, struct ics_error *err)
{
    const struct cli_sheet sheets[] = {
        {"spc-points", "spc points", write_points, res},
        {"spc-summary", "spc summary", write_summary, res},
    };
    return cli_table_workbook(&a->table, sheets, 2, err);
}

static int write_outputs(const struct ics_spc_result *res, const struct spc_args *a, struct ics_error *err)
{
    struct outputs o;
    memset(&o, 0, sizeof o);
    int rc = ics_output_open(&o.out, a->out_path, err);
    if (!rc && a->summary_path)
        rc = ics_output_open(&o.summary, a->summary_path, err);
    if (!rc && a->svg_dir)
        rc = write_charts(res, a->svg_dir, &a->titles, &o, err);
    /* the points before the summary, as both may be standard output */
    if (!rc)
        rc = a->json ? ics_spc_write_json(res, o.out.f, err) : ics_spc_write_csv(res, o.out.f, err);
    if (!rc && a->summary_path)
        rc = a->json ? ics_spc_write_summary_json(res, o.summary.f, err)
                     : ics_spc_write_summary_csv(res, o.summary.f, err);
    if (!rc)
        rc = write_workbook(res, a, err);
    if (!rc)
        rc = commit_all(&o, err);
    if (rc)
        abort_all(&o, a->svg_dir);
    ics_free(o.charts);
    return rc;
}

static void print_note(void *ctx, const char *text)
{
    (void)ctx;
    fprintf(stderr, "ics spc: %s\n", text);
}

static int run_spc(const struct cli_command *self, int argc, char **argv)
{
    struct spc_args a;
    int rc = parse_args(self, argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    int32_t *rebase = NULL;
    if (a.rebase && (rc = parse_rebase(a.rebase, &rebase, &a.run.nrebase))) {
        ics_free(rebase);
        return rc;
    }
    a.run.rebase = rebase;

    struct ics_error err = {0};
    struct ics_spc_input *in = NULL;
    struct ics_spc_result *res = NULL;
    rc = ics_spc_read_table(a.path, &a.cols, &in, &err);
    if (!rc)
        rc = ics_spc_run(in, &a.run, &res, &err);   /* consumes in */
    if (!rc)
        rc = write_outputs(res, &a, &err);
    if (!rc && !a.quiet) {
        ics_spc_result_notes(res, print_note, NULL);
        if (a.svg_dir) {
            /* the number of series, as always (skipped ones have no chart) */
            size_t n = ics_spc_result_totals(res)->series;
            fprintf(stderr, "ics spc: %zu chart%s written to %s/\n", n, n == 1 ? "" : "s", a.svg_dir);
        }
    }
    if (rc)
        cli_fail(CMD, &err);
    ics_spc_result_free(res);
    ics_free(rebase);
    return rc;
}
