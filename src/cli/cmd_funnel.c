/*
 * ics funnel: the command layer over ics_funnel_read_table, ics_funnel_run
 * and the writers (docs/commands/funnel.md). Every output (-o, --summary,
 * --svg) goes to a temporary file and all are committed together once
 * everything has been written, so a failure leaves none of them behind.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "ics/chart.h"
#include "ics/core.h"
#include "ics/funnel.h"

#define CMD "funnel"

static const struct cli_option funnel_options[] = {
    {"group", CLI_KEY('g'), "COL", "the group (provider, place); its rows are summed (required)"},
    {"numerator", CLI_KEY('n'), "COL", "observed events (required)"},
    {"denominator", CLI_KEY('d'), "COL", "expected events, the number at risk or the comparison count (required)"},
    {"type", CLI_KEY('t'), "TYPE", "sr, proportion or ratio (required)"},
    {"sr-method", CLI_KEY('m'), "METHOD", "shmi (default), cqc or cqc-corrected"},
    {"overdispersion", CLI_KEY('O'), "auto|on|off", "which limits judge outliers (default auto)"},
    {"trim", CLI_KEY('T'), "F", "winsorisation / truncation fraction per tail, above 0 and below 0.5 (default 0.1)"},
    {"limit", CLI_KEY('l'), "95|99.8", "the level of the outlier column (default 99.8)"},
    {"multiplier", CLI_KEY('M'), "N", "scale values and limits, e.g. 100 (default 1)"},
    {"no-shmi-rounding", CLI_KEY('R'), NULL, "keep expected counts unrounded under SHMI"},
    {"exact-z", CLI_KEY('z'), NULL, "full-precision normal quantiles instead of the package's 1.959964 and 3.090232"},
    {"svg", CLI_KEY('G'), "FILE", "a funnel plot"},
    {"title", CLI_KEY('H'), "TEXT", "the plot's title (default: NUMERATOR / DENOMINATOR by GROUP)"},
    {"subtitle", CLI_KEY('U'), "TEXT", "the plot's subtitle (default: the kind of value, groups and limits)"},
    {"summary", CLI_KEY('s'), "FILE", "key,value rows: phi, tau2, groups, adjusted, target"},
    {"format", CLI_KEY('F'), "csv|json", "output and summary format (default csv)"},
    {"output", 'o', "FILE", "write the groups to FILE (default standard output)"},
    {"quiet", 'q', NULL, "no messages on stderr"},
    CLI_TABLE_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static int run_funnel(const struct cli_command *self, int argc, char **argv);

const struct cli_command cli_cmd_funnel = {
    .name = "funnel",
    .summary = "funnel plot limits with overdispersion",
    .synopsis = "ics funnel DATA.csv --group COL --numerator COL --denominator COL --type sr|proportion|ratio\n"
                "           [--sr-method shmi|cqc|cqc-corrected] [--overdispersion auto|on|off] [--trim F]\n"
                "           [--limit 95|99.8] [--multiplier N] [--no-shmi-rounding] [--exact-z]\n"
                "           [--svg FILE [--title TEXT] [--subtitle TEXT]] [--summary FILE] [--format csv|json]\n"
                "           [-o FILE] [--quiet]",
    .options = funnel_options,
    .run = run_funnel,
    .notes = "DATA.csv may be - for standard input. See docs/commands/funnel.md.\n",
};

struct funnel_args {
    struct ics_funnel_table_options cols;
    struct ics_funnel_options opt;
    const char *svg_path, *summary_path, *out_path, *path;
    struct ics_svg_titles titles;
    struct cli_table_output table;   /* --xlsx, --disclosure-control */
    int json, quiet, have_type;
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

/* One option into *a; returns 0, -1 after --help, or the status to exit with. */
static int take_option(const struct cli_command *self, int c, const char *arg, struct funnel_args *a)
{
    static const char *const types[] = {"sr", "proportion", "ratio", NULL};
    static const int type_values[] = {ICS_FUNNEL_SR, ICS_FUNNEL_PROPORTION, ICS_FUNNEL_RATIO};
    static const char *const methods[] = {"shmi", "cqc", "cqc-corrected", NULL};
    static const int method_values[] = {ICS_FUNNEL_SHMI, ICS_FUNNEL_CQC, ICS_FUNNEL_CQC_CORRECTED};
    static const char *const od[] = {"auto", "on", "off", NULL};
    static const int od_values[] = {ICS_FUNNEL_OD_AUTO, ICS_FUNNEL_OD_ON, ICS_FUNNEL_OD_OFF};
    static const char *const limits[] = {"95", "99.8", "99", NULL};
    static const int limit_values[] = {95, 998, 998};
    struct ics_funnel_options *opt = &a->opt;
    switch (c) {
    case CLI_KEY('g'): a->cols.group = arg; return 0;
    case CLI_KEY('n'): a->cols.numerator = arg; return 0;
    case CLI_KEY('d'): a->cols.denominator = arg; return 0;
    case CLI_KEY('t'):
        a->have_type = 1;
        return parse_word("type", arg, types, type_values, "sr, proportion or ratio", &opt->type);
    case CLI_KEY('m'):
        return parse_word("sr-method", arg, methods, method_values, "shmi, cqc or cqc-corrected", &opt->sr_method);
    case CLI_KEY('O'):
        return parse_word("overdispersion", arg, od, od_values, "auto, on or off", &opt->overdispersion);
    case CLI_KEY('T'):
        if (cli_parse_double(arg, 0, 0.5, &opt->trim) || !(opt->trim > 0 && opt->trim < 0.5))
            return cli_usage_error(CMD, "--trim '%s': expected a fraction above 0 and below 0.5", arg);
        return 0;
    case CLI_KEY('l'): return parse_word("limit", arg, limits, limit_values, "95 or 99.8", &opt->limit);
    case CLI_KEY('M'):
        if (cli_parse_double(arg, 0, 1e12, &opt->multiplier) || !(opt->multiplier > 0))
            return cli_usage_error(CMD, "--multiplier '%s': expected a positive number", arg);
        return 0;
    case CLI_KEY('R'): opt->shmi_rounding = 0; return 0;
    case CLI_KEY('z'): opt->exact_z = 1; return 0;
    case CLI_KEY('G'): a->svg_path = arg; return 0;
    case CLI_KEY('H'): a->titles.title = arg; return 0;
    case CLI_KEY('U'): a->titles.subtitle = arg; return 0;
    case CLI_KEY('s'): a->summary_path = arg; return 0;
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
static int parse_args(const struct cli_command *self, int argc, char **argv, struct funnel_args *a)
{
    memset(a, 0, sizeof *a);
    ics_funnel_table_options_init(&a->cols);
    ics_funnel_options_init(&a->opt);
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c, rc;
    while ((c = cli_next_option(&parser, argc, argv)) != -1)
        if ((rc = take_option(self, c, parser.arg, a)))
            return rc;
    if (optind + 1 != argc)
        return cli_usage_error(CMD, optind >= argc ? "no data file given" : "more than one data file given");
    if (!a->cols.group || !a->cols.numerator || !a->cols.denominator)
        return cli_usage_error(CMD, "--group, --numerator and --denominator are required");
    if (!a->have_type)
        return cli_usage_error(CMD, "--type sr|proportion|ratio is required");
    if ((a->titles.title || a->titles.subtitle) && !a->svg_path)
        return cli_usage_error(CMD, "--title and --subtitle need --svg FILE");
    a->path = argv[optind];
    return 0;
}

static int write_points(const void *r, FILE *f, struct ics_error *err)
{
    return ics_funnel_write_csv(r, f, err);
}

static int write_summary(const void *r, FILE *f, struct ics_error *err)
{
    return ics_funnel_write_summary_csv(r, f, err);
}

/* --xlsx: the groups and the summary, a sheet each. */
static int write_workbook(const void *res, const struct funnel_args *a, struct ics_error *err)
{
    const struct cli_sheet sheets[] = {
        {"funnel", "funnel groups", write_points, res},
        {"funnel-summary", "funnel summary", write_summary, res},
    };
    return cli_table_workbook(&a->table, sheets, 2, err);
}

/* Opens every output, writes them all, then flushes all (a full disk shows
 * before anything is renamed) and commits them, standard output last; on any
 * failure none is left. */
static int write_outputs(const struct ics_funnel_result *res, const struct funnel_args *a, struct ics_error *err)
{
    struct ics_output svg = {0}, summary = {0}, out = {0};
    struct ics_output *all[3] = {&svg, &summary, &out};
    int rc = ics_output_open(&out, a->out_path, err);
    if (!rc && a->summary_path)
        rc = ics_output_open(&summary, a->summary_path, err);
    if (!rc && a->svg_path && !(rc = ics_output_open(&svg, a->svg_path, err)) &&
        (rc = ics_svg_funnel_result_titled(svg.f, res, &a->titles)))
        ics_error_set(err, rc, "out of memory");
    /* the groups before the summary, as both may be standard output */
    if (!rc)
        rc = a->json ? ics_funnel_write_json(res, out.f, err) : ics_funnel_write_csv(res, out.f, err);
    if (!rc && a->summary_path)
        rc = a->json ? ics_funnel_write_summary_json(res, summary.f, err)
                     : ics_funnel_write_summary_csv(res, summary.f, err);
    if (!rc)
        rc = write_workbook(res, a, err);
    if (!rc)
        return ics_outputs_commit(all, 3, err);
    ics_outputs_abort(all, 3);
    return rc;
}

static void print_note(void *ctx, const char *text)
{
    (void)ctx;
    fprintf(stderr, "ics funnel: %s\n", text);
}

static int run_funnel(const struct cli_command *self, int argc, char **argv)
{
    struct funnel_args a;
    int rc = parse_args(self, argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct ics_error err = {0};
    struct ics_funnel_input *in = NULL;
    struct ics_funnel_result *res = NULL;
    rc = ics_funnel_read_table(a.path, &a.cols, &in, &err);
    if (!rc)
        rc = ics_funnel_run(in, &a.opt, &res, &err);   /* consumes in */
    if (!rc)
        rc = write_outputs(res, &a, &err);
    if (!rc && !a.quiet)
        ics_funnel_result_notes(res, print_note, NULL);
    if (rc)
        cli_fail(CMD, &err);
    ics_funnel_result_free(res);
    return rc;
}
