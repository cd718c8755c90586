/* ics beds: the command layer over ics_beds_run. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ics/beds.h"
#include "ics/refdata.h"

static int parse_date_option(const char *name, const char *text, int32_t *out)
{
    if (ics_date_parse(text, strlen(text), out))
        return cli_usage_error("beds", "%s '%s' is not a date (YYYY-MM-DD or DD/MM/YYYY)", name, text);
    return 0;
}

/* Shows up to `limit` rejected rows from the spooled rejects on stderr. */
static void show_rejects(FILE *spool, int limit)
{
    rewind(spool);
    char line[512];
    int shown = 0;
    if (!fgets(line, sizeof line, spool))   /* header */
        return;
    while (shown < limit && fgets(line, sizeof line, spool)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        fprintf(stderr, "  rejected line %s\n", line);
        shown++;
    }
}

static const struct cli_option beds_options[] = {
    {"trimpoints", CLI_KEY('T'), "FILE", "trim points: hrg, elective and non-elective days (default: derived from the data)"},
    {"trimpoints-out", CLI_KEY('W'), "FILE", "write the trim points used"},
    {"rate", CLI_KEY('r'), "POUNDS", "price every excess bed day at this rate"},
    {"rates", CLI_KEY('R'), "FILE", "per-HRG excess bed day rates: hrg, elective and non-elective pounds"},
    {"from", CLI_KEY('f'), "DATE", "first day of the period (with --to; default the financial year of the latest discharge)"},
    {"to", CLI_KEY('t'), "DATE", "last day of the period"},
    {"by", CLI_KEY('b'), "LEVEL", "provider, residence, icb, region or nation (default provider)"},
    {"geography", CLI_KEY('g'), "FILE", "local authority to ICB and region lookup (default built in)"},
    {"series", CLI_KEY('s'), "STEP", "day, week or month rows instead of totals"},
    {"rejects", CLI_KEY('x'), "FILE", "write every rejected row with its line and reason"},
    {"strict", CLI_KEY('S'), NULL, "stop at the first bad row"},
    {"format", CLI_KEY('F'), "csv|json", "output format (default csv)"},
    {"output", 'o', "FILE", "write the result to FILE (default standard output)"},
    {"threads", 'j', "N", "worker threads, 1 to 64 (default: the cores)"},
    {"quiet", 'q', NULL, "no summary or progress on stderr"},
    {NULL, 0, NULL, NULL},
};

static int run_beds(const struct cli_command *self, int argc, char **argv);

const struct cli_command cli_cmd_beds = {
    .name = "beds",
    .summary = "bed days, excess bed days and long stays from spells",
    .synopsis = "ics beds SPELLS.csv [options]",
    .options = beds_options,
    .run = run_beds,
    .notes = "SPELLS.csv may be - for standard input. See docs/commands/beds.md.\n",
};

static int run_beds(const struct cli_command *self, int argc, char **argv)
{
    struct ics_beds_options opt = {0};
    opt.from = opt.to = ICS_DATE_NONE;
    opt.level = ICS_BEDS_PROVIDER;
    const char *trim_path = NULL, *trim_out = NULL, *geo_path = NULL, *rejects_path = NULL, *out_path = NULL;
    int json = 0, quiet = 0;
    long threads = 0;

    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        const char *arg = parser.arg;
        switch (c) {
        case CLI_KEY('T'): trim_path = arg; break;
        case CLI_KEY('W'): trim_out = arg; break;
        case CLI_KEY('r'): {
            const char *why = NULL;
            if (ics_pence_parse(arg, strlen(arg), &opt.flat_rate_pence, &why) || opt.flat_rate_pence < 0)
                return cli_usage_error("beds", "--rate '%s' is not an amount in pounds (%s)", arg,
                                       why ? why : "negative");
            opt.has_flat_rate = 1;
            break;
        }
        case CLI_KEY('R'): opt.rates_path = arg; break;
        case CLI_KEY('f'):
            if (parse_date_option("--from", arg, &opt.from))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('t'):
            if (parse_date_option("--to", arg, &opt.to))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('b'):
            opt.level = ics_beds_level_parse(arg);
            if (opt.level < 0)
                return cli_usage_error("beds", "--by '%s': expected provider, residence, icb, region or nation", arg);
            break;
        case CLI_KEY('g'): geo_path = arg; break;
        case CLI_KEY('s'):
            if (strcmp(arg, "day") == 0)
                opt.series = ICS_SERIES_DAY;
            else if (strcmp(arg, "week") == 0)
                opt.series = ICS_SERIES_WEEK;
            else if (strcmp(arg, "month") == 0)
                opt.series = ICS_SERIES_MONTH;
            else
                return cli_usage_error("beds", "--series '%s': expected day, week or month", arg);
            break;
        case CLI_KEY('x'): rejects_path = arg; break;
        case CLI_KEY('S'): opt.strict = 1; break;
        case CLI_KEY('F'):
            if (cli_parse_format("beds", arg, &json))
                return ICS_ERR_USAGE;
            break;
        case 'o': out_path = arg; break;
        case 'j':
            if (cli_parse_long(arg, 1, 64, &threads))
                return cli_usage_error("beds", "--threads '%s': expected a whole number from 1 to 64", arg);
            break;
        case 'q': quiet = 1; break;
        case CLI_HELP: return cli_help(self);
        default: return cli_usage_error("beds", "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("beds", optind >= argc ? "no spells file given" : "more than one spells file given");
    const char *spells = argv[optind];
    if ((opt.from == ICS_DATE_NONE) != (opt.to == ICS_DATE_NONE))
        return cli_usage_error("beds", "--from and --to go together");
    if (opt.from != ICS_DATE_NONE && opt.from > opt.to)
        return cli_usage_error("beds", "--from is after --to");
    if (opt.has_flat_rate && opt.rates_path)
        return cli_usage_error("beds", "--rate and --rates cannot be used together");
    opt.threads = (int)threads;

    struct ics_error err = {0};
    struct ics_trimpoints *trim = NULL;
    struct ics_geography *geo = NULL;
    struct ics_beds_result *res = NULL;
    FILE *rejects = NULL, *out = NULL;
    int rc;
    if (trim_path && (rc = ics_trimpoints_load(trim_path, &trim, &err)))
        goto fail;
    opt.trimpoints = trim;
    if (geo_path)
        rc = ics_geography_load(geo_path, &geo, &err);
    else
        rc = ics_geography_default(&geo, &err);
    if (rc)
        goto fail;
    opt.geography = geo;
    if (rejects_path) {
        rejects = fopen(rejects_path, "w");
        if (!rejects) {
            rc = ics_error_set(&err, ICS_ERR_IO, "cannot write '%s'", rejects_path);
            goto fail;
        }
    } else {
        rejects = tmpfile();   /* to show a few on stderr */
    }
    opt.rejects = rejects;

    struct cli_progress progress;
    cli_progress_init(&progress);
    if (quiet)
        progress.enabled = 0;
    opt.progress = cli_progress_update;
    opt.progress_ctx = &progress;
    rc = ics_beds_run(spells, &opt, &res, &err);
    cli_progress_finish(&progress);
    if (rc)
        goto fail;

    out = cli_open_output(out_path, &err);
    if (!out) {
        rc = err.code;
        goto fail;
    }
    rc = json ? ics_beds_write_json(res, out, &err) : ics_beds_write_csv(res, out, &err);
    int crc = cli_close_output(out, out_path, rc ? NULL : &err);
    if (!rc)
        rc = crc;
    if (rc)
        goto fail;
    if (trim_out) {
        FILE *tf = fopen(trim_out, "w");
        if (!tf) {
            rc = ics_error_set(&err, ICS_ERR_IO, "cannot write '%s'", trim_out);
            goto fail;
        }
        rc = ics_trimpoints_write(res->trimpoints, tf, &err);
        if (fclose(tf) && !rc)
            rc = ics_error_set(&err, ICS_ERR_IO, "error writing '%s'", trim_out);
        if (rc)
            goto fail;
    }

    if (!quiet) {
        char from[11], to[11], cost[32];
        ics_date_format(res->from, from);
        ics_date_format(res->to, to);
        ics_pence_format(res->total.m.excess_cost_pence, cost);
        fprintf(stderr, "ics beds: read %llu, used %llu, rejected %llu\n", (unsigned long long)res->read,
                (unsigned long long)res->used, (unsigned long long)res->rejected);
        fprintf(stderr, "  period %s to %s (%d days%s), by %s, %zu %s\n", from, to, res->days,
                res->period_from_data ? ", the financial year of the latest discharge" : "",
                ics_beds_level_name(res->level), res->count, res->series ? "rows" : "codes");
        fprintf(stderr, "  %llu spells discharged in the period, %llu still in hospital, %llu outside the period\n",
                (unsigned long long)res->discharged_in_period, (unsigned long long)res->open_spells,
                (unsigned long long)res->outside_period);
        fprintf(stderr, "  excess bed days %lld, cost £%s; trim points %s (%zu HRGs)\n",
                (long long)res->total.m.excess_bed_days, cost,
                res->trimpoints_derived ? "derived from the data" : trim_path, ics_trimpoints_count(res->trimpoints));
        if (res->no_trimpoint)
            fprintf(stderr, "  %llu spells have an empty HRG or no trim point: counted, not priced\n",
                    (unsigned long long)res->no_trimpoint);
        if (res->excess_without_rate)
            fprintf(stderr, "  %llu spells have excess bed days but no rate: cost 0 (give --rate or --rates)\n",
                    (unsigned long long)res->excess_without_rate);
        if (res->unmapped_residence)
            fprintf(stderr, "  %llu spells have a residence outside the geography (%s): shown as 'unknown'\n",
                    (unsigned long long)res->unmapped_residence, ics_geography_source(geo));
        if (res->rejected) {
            if (rejects_path) {
                fprintf(stderr, "  rejected rows written to %s\n", rejects_path);
            } else if (rejects) {
                show_rejects(rejects, 3);
                fprintf(stderr, "  (--rejects FILE writes all %llu)\n", (unsigned long long)res->rejected);
            }
        }
        if (out_path)
            fprintf(stderr, "  result written to %s\n", out_path);
    }
    rc = ICS_OK;
fail:
    if (rc)
        cli_fail("beds", &err);
    if (rejects)
        fclose(rejects);
    ics_beds_result_free(res);
    ics_geography_free(geo);
    ics_trimpoints_free(trim);
    return rc;
}
