/* ics beds: the command layer over ics_beds_run. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ics/beds.h"
#include "ics/refdata.h"

/* A rejected row shown on stderr is cut to this many bytes as shown (escapes
 * of control bytes and invalid UTF-8 included), ending in "..." when cut. */
#define SHOWN_REJECT_BYTES 200
#define SHOWN_REJECTS 3

static int parse_date_option(const char *name, const char *text, int32_t *out)
{
    if (ics_date_parse(text, strlen(text), out))
        return cli_usage_error("beds", "%s '%s' is not a date (YYYY-MM-DD or DD/MM/YYYY)", name, text);
    return 0;
}

/* Reads one record of the rejects file (a quoted newline stays inside it),
 * keeping its first `size` bytes in buf. Returns the record's length, or -1
 * at the end. */
static long read_record(FILE *f, char *buf, size_t size, size_t *kept)
{
    int c, quoted = 0;
    long n = 0;
    *kept = 0;
    while ((c = getc(f)) != EOF) {
        if (c == '"')
            quoted = !quoted;
        else if (c == '\n' && !quoted)
            return n;
        if (*kept < size)
            buf[(*kept)++] = (char)c;
        n++;
    }
    return n ? n : -1;
}

/* Shows up to `limit` rejected rows from the spooled rejects on stderr, each
 * once, made printable and cut to SHOWN_REJECT_BYTES. */
static void show_rejects(FILE *spool, int limit)
{
    char record[SHOWN_REJECT_BYTES + 1], shown[SHOWN_REJECT_BYTES + 1];
    size_t kept;
    rewind(spool);
    if (read_record(spool, record, sizeof record, &kept) < 0)   /* header */
        return;
    for (int i = 0; i < limit && read_record(spool, record, sizeof record, &kept) >= 0; i++) {
        if (kept && record[kept - 1] == '\r')
            kept--;
        /* kept holds one byte more than can be shown: a longer record is cut */
        fprintf(stderr, "  rejected line %s\n", ics_text_printable(record, kept, shown, sizeof shown));
    }
}

static const struct cli_option beds_options[] = {
    {"trimpoints", CLI_KEY('T'), "FILE", "trim points: hrg, elective and non-elective days (default: derived from the data)"},
    {"trimpoints-out", CLI_KEY('W'), "FILE", "write the trim points used"},
    {"rate", CLI_KEY('r'), "POUNDS", "price every excess bed day at this rate"},
    {"rates", CLI_KEY('R'), "FILE", "per-HRG excess bed day rates: hrg, rate (pounds)"},
    {"from", CLI_KEY('f'), "DATE", "first day of the period (with --to; default the financial year of the latest discharge)"},
    {"to", CLI_KEY('t'), "DATE", "last day of the period"},
    {"by", CLI_KEY('b'), "LEVEL", "provider, residence, icb, region or nation (default provider)"},
    {"geography", CLI_KEY('g'), "FILE", "local authority to ICB and region lookup (default built in)"},
    {"series", CLI_KEY('s'), "STEP", "day, week or month rows instead of totals"},
    {"rejects", CLI_KEY('x'), "FILE", "write every rejected row with its line and reason"},
    {"strict", CLI_KEY('S'), NULL, "stop at the first bad row"},
    {"format", CLI_KEY('F'), "csv|json", "output format (default csv)"},
    {"output", 'o', "FILE", "write the result to FILE (default standard output)"},
    {"quality", CLI_KEY('Q'), "FILE", "write the data-quality table per provider (CSV, or JSON for a .json name)"},
    {"strict-quality", CLI_KEY('K'), NULL, "fail (exit 1) when a provider is outside a plausible range"},
    {"cips", CLI_KEY('C'), NULL, "join provider spells into continuous inpatient spells (transfers) for LOS and long stays"},
    {"episodes", CLI_KEY('E'), NULL, "the rows are episodes: group them into provider spells (default: when there is an EPIORDER column)"},
    {"spells", CLI_KEY('P'), NULL, "the rows are spells, even with an episode order column"},
    {"threads", 'j', "N", "worker threads, 1 to 64 (default: the cores)"},
    {"quiet", 'q', NULL, "no summary or progress on stderr"},
    CLI_TABLE_OPTIONS,
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

/* What the command line asked for. */
struct beds_args {
    struct ics_beds_options opt;
    const char *spells, *trim_path, *trim_out, *geo_path, *rejects_path, *out_path;
    int json, quiet;
    struct cli_table_output table;   /* --xlsx, --disclosure-control */
    int episodes_and_spells;
    const char *quality_path;
    int strict_quality;
};

#define ARGS_HELP (-1)   /* parse_args: --help was shown */

static int parse_option(int c, const char *arg, struct beds_args *a)
{
    struct ics_beds_options *opt = &a->opt;
    long threads;
    switch (c) {
    case CLI_KEY('T'): a->trim_path = arg; break;
    case CLI_KEY('W'): a->trim_out = arg; break;
    case CLI_KEY('r'): {
        const char *why = NULL;
        if (ics_pence_parse(arg, strlen(arg), &opt->flat_rate_pence, &why) || opt->flat_rate_pence < 0)
            return cli_usage_error("beds", "--rate '%s' is not an amount in pounds (%s)", arg, why ? why : "negative");
        opt->has_flat_rate = 1;
        break;
    }
    case CLI_KEY('R'): opt->rates_path = arg; break;
    case CLI_KEY('f'): return parse_date_option("--from", arg, &opt->from) ? ICS_ERR_USAGE : ICS_OK;
    case CLI_KEY('t'): return parse_date_option("--to", arg, &opt->to) ? ICS_ERR_USAGE : ICS_OK;
    case CLI_KEY('b'):
        opt->level = ics_beds_level_parse(arg);
        if (opt->level < 0)
            return cli_usage_error("beds", "--by '%s': expected provider, residence, icb, region or nation", arg);
        break;
    case CLI_KEY('g'): a->geo_path = arg; break;
    case CLI_KEY('s'):
        if (strcmp(arg, "day") == 0)
            opt->series = ICS_SERIES_DAY;
        else if (strcmp(arg, "week") == 0)
            opt->series = ICS_SERIES_WEEK;
        else if (strcmp(arg, "month") == 0)
            opt->series = ICS_SERIES_MONTH;
        else
            return cli_usage_error("beds", "--series '%s': expected day, week or month", arg);
        break;
    case CLI_KEY('x'): a->rejects_path = arg; break;
    case CLI_KEY('S'): opt->strict = 1; break;
    case CLI_KEY('Q'): a->quality_path = arg; break;
    case CLI_KEY('C'): opt->cips = 1; break;
    case CLI_KEY('K'): a->strict_quality = 1; break;
    case CLI_KEY('E'):
    case CLI_KEY('P'): {
        int input = c == CLI_KEY('E') ? ICS_BEDS_INPUT_EPISODES : ICS_BEDS_INPUT_SPELLS;
        a->episodes_and_spells |= opt->input != ICS_BEDS_INPUT_AUTO && opt->input != input;
        opt->input = input;
        break;
    }
    case CLI_KEY('F'): return cli_parse_format("beds", arg, &a->json) ? ICS_ERR_USAGE : ICS_OK;
    case 'o': a->out_path = arg; break;
    case 'j':
        if (cli_parse_long(arg, 1, 64, &threads))
            return cli_usage_error("beds", "--threads '%s': expected a whole number from 1 to 64", arg);
        opt->threads = (int)threads;
        break;
    case 'q': a->quiet = 1; break;
    default: {
        int status;
        if (cli_table_option(&a->table, "beds", c, arg, &status))
            return status;
        return cli_usage_error("beds", "unknown option");
    }
    }
    return ICS_OK;
}

static int parse_args(const struct cli_command *self, int argc, char **argv, struct beds_args *a)
{
    memset(a, 0, sizeof *a);
    ics_beds_options_init(&a->opt);
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP) {
            cli_help(self);
            return ARGS_HELP;
        }
        int rc = parse_option(c, parser.arg, a);
        if (rc)
            return rc;
    }
    if (optind + 1 != argc)
        return cli_usage_error("beds", optind >= argc ? "no spells file given" : "more than one spells file given");
    a->spells = argv[optind];
    const struct ics_beds_options *opt = &a->opt;
    if ((opt->from == ICS_DATE_NONE) != (opt->to == ICS_DATE_NONE))
        return cli_usage_error("beds", "--from and --to go together");
    if (opt->from != ICS_DATE_NONE && opt->from > opt->to)
        return cli_usage_error("beds", "--from is after --to");
    if (a->episodes_and_spells)
        return cli_usage_error("beds", "--episodes and --spells cannot be used together");
    if (opt->has_flat_rate && opt->rates_path)
        return cli_usage_error("beds", "--rate and --rates cannot be used together");
    return cli_table_check(&a->table, "beds", a->json);
}

/* The rejects file, or (when a summary is shown) a temporary spool to show a
 * few rejected rows from; with --quiet and no --rejects, none. */
static int open_rejects(struct beds_args *a, FILE **rejects, struct ics_error *err)
{
    *rejects = NULL;
    if (a->rejects_path) {
        *rejects = fopen(a->rejects_path, "w");
        if (!*rejects)
            return ics_error_set(err, ICS_ERR_IO, "cannot write '%s': %s", a->rejects_path, strerror(errno));
        a->opt.rejects_name = a->rejects_path;
    } else if (!a->quiet) {
        *rejects = ics_tempfile(err);
        if (!*rejects)
            return err->code;
    }
    a->opt.rejects = *rejects;
    return ICS_OK;
}

/* Closes the rejects file, checking the last of its writes. */
static int close_rejects(FILE *rejects, const char *path, int rc, struct ics_error *err)
{
    int bad = ferror(rejects);
    bad |= fclose(rejects) != 0;
    if (bad && !rc)
        return ics_error_set(err, ICS_ERR_IO, "cannot write the rejects file '%s': %s", path, strerror(errno ? errno : EIO));
    return rc;
}

static int write_csv(const void *res, FILE *out, struct ics_error *err)
{
    return ics_beds_write_csv(res, out, err);
}

static int write_json(const void *res, FILE *out, struct ics_error *err)
{
    return ics_beds_write_json(res, out, err);
}

static int write_outputs(const struct beds_args *a, const struct ics_beds_result *res, struct ics_error *err)
{
    FILE *out = cli_open_output(a->out_path, err);
    if (!out)
        return err->code;
    int rc = cli_table_emit(&a->table, "beds", res, write_csv, a->json ? write_json : NULL, out, err);
    int crc = cli_close_output(out, a->out_path, rc ? NULL : err);
    if (rc || crc)
        return rc ? rc : crc;
    if (a->quality_path) {
        size_t n = strlen(a->quality_path);
        int json = n >= 5 && strcmp(a->quality_path + n - 5, ".json") == 0;
        FILE *qf = cli_open_output(a->quality_path, err);
        if (!qf)
            return err->code;
        rc = json ? ics_beds_write_quality_json(res, qf, err) : ics_beds_write_quality_csv(res, qf, err);
        crc = cli_close_output(qf, a->quality_path, rc ? NULL : err);
        if (rc || crc)
            return rc ? rc : crc;
    }
    if (!a->trim_out)
        return ICS_OK;
    FILE *tf = fopen(a->trim_out, "w");
    if (!tf)
        return ics_error_set(err, ICS_ERR_IO, "cannot write '%s'", a->trim_out);
    rc = ics_trimpoints_write(ics_beds_result_trimpoints(res), tf, err);
    if (fclose(tf) && !rc)
        rc = ics_error_set(err, ICS_ERR_IO, "error writing '%s'", a->trim_out);
    return rc;
}

static void print_summary(const struct beds_args *a, const struct ics_beds_result *res,
                          const struct ics_geography *geo, FILE *rejects)
{
    const struct ics_beds_summary *s = ics_beds_result_summary(res);
    const struct ics_beds_row *total = ics_beds_result_total(res);
    char from[11], to[11], cost[ICS_POUNDS_HUMAN_MAX];
    ics_date_format(s->from, from);
    ics_date_format(s->to, to);
    ics_pounds_human(total->m.excess_cost_pence, cost, sizeof cost);
    fprintf(stderr, "ics beds: read %llu, used %llu, rejected %llu%s\n", (unsigned long long)s->read,
            (unsigned long long)s->used, (unsigned long long)s->rejected, s->episodes ? " episodes" : "");
    if (s->episodes)
        fprintf(stderr, "  episode-level input%s: %llu episodes grouped into %llu provider spells\n",
                a->opt.input == ICS_BEDS_INPUT_EPISODES ? " (--episodes)" : " (the file has an episode order column)",
                (unsigned long long)s->used, (unsigned long long)s->spells_built);
    if (s->cips)
        fprintf(stderr, "  %llu provider spells joined into %llu continuous inpatient spells (%llu of them joining "
                        "two or more): LOS and long stays count whole CIPS\n",
                (unsigned long long)s->spells_built, (unsigned long long)s->cips_built,
                (unsigned long long)s->cips_joined);
    if (s->regular_attenders)
        fprintf(stderr, "  %llu regular day or night attendances (CLASSPAT 3, 4): not counted as spells\n",
                (unsigned long long)s->regular_attenders);
    if (s->day_cases_with_stay)
        fprintf(stderr, "  %llu day cases (CLASSPAT 2) have a length of stay above 0: counted as they stand\n",
                (unsigned long long)s->day_cases_with_stay);
    fprintf(stderr, "  period %s to %s (%d days%s), by %s, %zu %s\n", from, to, s->days,
            s->period_from_data ? ", the financial year of the latest discharge" : "",
            ics_beds_level_name(s->level), s->rows, s->series ? "rows" : "codes");
    fprintf(stderr, "  %llu spells discharged in the period, %llu still in hospital, %llu outside the period\n",
            (unsigned long long)s->discharged_in_period, (unsigned long long)s->open_spells,
            (unsigned long long)s->outside_period);
    fprintf(stderr, "  excess bed days %lld, cost %s; trim points %s (%zu HRGs)\n",
            (long long)total->m.excess_bed_days, cost,
            s->trimpoints_derived ? "derived from the data" : a->trim_path,
            ics_trimpoints_count(ics_beds_result_trimpoints(res)));
    if (s->no_trimpoint)
        fprintf(stderr, "  %llu spells have an empty HRG or no trim point: counted, not priced\n",
                (unsigned long long)s->no_trimpoint);
    if (s->excess_without_rate)
        fprintf(stderr, "  %llu spells have excess bed days but no rate: cost 0 (give --rate or --rates)\n",
                (unsigned long long)s->excess_without_rate);
    if (s->unmapped_residence)
        fprintf(stderr, "  %llu spells have a residence outside the geography (%s): shown as 'unknown'\n",
                (unsigned long long)s->unmapped_residence, ics_geography_source(geo));
    if (s->rejected) {
        if (a->rejects_path) {
            fprintf(stderr, "  rejected rows written to %s\n", a->rejects_path);
        } else if (rejects) {
            show_rejects(rejects, SHOWN_REJECTS);
            fprintf(stderr, "  (--rejects FILE writes all %llu)\n", (unsigned long long)s->rejected);
        }
    }
    if (a->out_path)
        fprintf(stderr, "  result written to %s\n", a->out_path);
}

static size_t quality_flagged(const struct ics_beds_result *res)
{
    size_t flagged = 0, n = ics_beds_result_quality_count(res);
    for (size_t i = 0; i < n; i++)
        flagged += ics_beds_result_quality(res, i)->flags != 0;
    return flagged;
}

/* One warning line per provider (and the total) and check outside its plausible range. */
static void warn_quality(const struct ics_beds_result *res)
{
    size_t n = ics_beds_result_quality_count(res);
    for (size_t i = 0; i < n; i++) {
        const struct ics_beds_quality_row *q = ics_beds_result_quality(res, i);
        if (!q->flags)
            continue;
        for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++) {
            if (!(q->flags & (1u << c)))
                continue;
            char why[160], code[64];
            ics_beds_quality_describe(res, q, c, why, sizeof why);
            fprintf(stderr, "ics beds: warning: %s%s%s%s: %s\n", q->code[0] ? ics_text_printable(q->code, strlen(q->code), code, sizeof code) : "(no provider code)",
                    q->name[0] ? " (" : "", q->name, q->name[0] ? ")" : "", why);
        }
    }
}

static int run_beds(const struct cli_command *self, int argc, char **argv)
{
    struct beds_args a;
    int rc = parse_args(self, argc, argv, &a);
    if (rc)
        return rc == ARGS_HELP ? ICS_OK : rc;

    struct ics_error err = {0};
    struct ics_trimpoints *trim = NULL;
    struct ics_geography *geo = NULL;
    struct ics_beds_result *res = NULL;
    FILE *rejects = NULL;
    if (a.trim_path && (rc = ics_trimpoints_load(a.trim_path, &trim, &err)))
        goto out;
    a.opt.trimpoints = trim;
    rc = a.geo_path ? ics_geography_load(a.geo_path, &geo, &err) : ics_geography_default(&geo, &err);
    if (rc)
        goto out;
    a.opt.geography = geo;
    rc = open_rejects(&a, &rejects, &err);
    if (rc)
        goto out;

    struct cli_progress progress;
    cli_progress_init(&progress);
    if (a.quiet)
        progress.enabled = 0;
    a.opt.progress = cli_progress_update;
    a.opt.progress_ctx = &progress;
    rc = ics_beds_run(a.spells, &a.opt, &res, &err);
    cli_progress_finish(&progress);
    size_t flagged = 0;
    if (!rc) {
        flagged = quality_flagged(res);
        if (flagged && a.strict_quality)
            rc = ics_error_set(&err, ICS_ERR_FAILED,
                               "%zu of %zu data-quality rows outside a plausible range: no result written "
                               "(--strict-quality)", flagged, ics_beds_result_quality_count(res));
        else
            rc = write_outputs(&a, res, &err);
    }
    if (a.rejects_path) {   /* closed (and checked) before the summary says it was written */
        rc = close_rejects(rejects, a.rejects_path, rc, &err);
        rejects = NULL;
    }
    if (res && (!rc || flagged) && !a.quiet) {   /* a strict-quality failure is explained */
        print_summary(&a, res, geo, rejects);
        warn_quality(res);
    }
out:
    if (rejects)
        fclose(rejects);
    if (rc)
        cli_fail("beds", &err);
    ics_beds_result_free(res);
    ics_geography_free(geo);
    ics_trimpoints_free(trim);
    return rc;
}
