/* ics synth: write a realistic synthetic year of English spells. */
#include <getopt.h>
#include <limits.h>
#include <string.h>

#include "cli.h"
#include "ics/ledger.h"
#include "ics/synth.h"

/* ics synth --ledger DIR: a synthetic Agreement of Balances period (issue 5). */
static int synth_ledger(const struct ics_synth_ledger_options *o, int quiet)
{
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_synth_ledger_result r;
    int rc = ics_synth_ledger(o, &r, &err);
    if (rc)
        return cli_fail("synth", &err);
    if (!quiet)
        fprintf(stderr, "ics synth: %d organisations, %lld invoice lines, %d disputes in %s "
                        "(one submission file per organisation, manifest.csv, disputes.csv)\n",
                r.orgs, (long long)r.lines, r.disputes, o->dir);
    return 0;
}

static int cmd_synth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"spells", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"year", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        {"messy", no_argument, NULL, 'm'},
        {"trimpoints-out", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},
        {"ledger", required_argument, NULL, 'L'},
        {"orgs", required_argument, NULL, 'O'},
        {"lines", required_argument, NULL, 'N'},
        {"period", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ics_synth_options opt;
    ics_synth_options_init(&opt);
    const char *output = NULL, *trimpoints_out = NULL;
    int have_spells = 0, quiet = 0;
    long v;
    struct ics_synth_ledger_options ledger = {.orgs = 300, .lines = 5000000, .period = "2022-23-M12"};

    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            /* 10^12 rows is about 70 TB of CSV: far past any real use. */
            if (cli_parse_long(optarg, 0, 1000000000000L, &v))
                return cli_usage_error("synth", "--spells must be a whole number from 0 to 10^12, not '%s'",
                                       optarg);
            opt.spells = (uint64_t)v;
            have_spells = 1;
            break;
        case 's':
            if (cli_parse_long(optarg, 0, LONG_MAX, &v))
                return cli_usage_error("synth", "--seed must be a whole number from 0, not '%s'", optarg);
            opt.seed = (uint64_t)v;
            break;
        case 'y':
            if (cli_parse_long(optarg, ICS_SYNTH_MIN_YEAR, ICS_SYNTH_MAX_YEAR, &v))
                return cli_usage_error("synth", "--year must be a year from %d to %d (2018 = 2018-19), not '%s'",
                                       ICS_SYNTH_MIN_YEAR, ICS_SYNTH_MAX_YEAR, optarg);
            opt.fy_start_year = (int)v;
            break;
        case 'o':
            output = optarg;
            break;
        case 'm':
            opt.messy = 1;
            break;
        case 't':
            trimpoints_out = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'L':
            ledger.dir = optarg;
            break;
        case 'O':
            if (cli_parse_long(optarg, 2, 100000, &v))
                return cli_usage_error("synth", "--orgs must be a whole number from 2, not '%s'", optarg);
            ledger.orgs = (int)v;
            break;
        case 'N':
            if (cli_parse_long(optarg, 1, 1000000000000L, &v))
                return cli_usage_error("synth", "--lines must be a whole number from 1, not '%s'", optarg);
            ledger.lines = v;
            break;
        case 'P':
            ledger.period = optarg;
            break;
        case 'h':
            return cli_help(&cli_cmd_synth);
        case ':':
            return cli_usage_error("synth", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("synth", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
    if (ledger.dir) {
        if (have_spells || trimpoints_out || output || opt.messy)
            return cli_usage_error("synth", "--ledger DIR writes a ledger period; it takes --orgs, --lines, "
                                            "--period and --seed, not the spell options");
        ledger.seed = opt.seed;
        return synth_ledger(&ledger, quiet);
    }
    if (!have_spells && !trimpoints_out)
        return cli_usage_error("synth", "--spells N is required");
    if (trimpoints_out && output && strcmp(trimpoints_out, output) == 0)
        return cli_usage_error("synth", "--trimpoints-out and -o must be different files");
    if (trimpoints_out && have_spells && strcmp(trimpoints_out, "-") == 0 && (!output || strcmp(output, "-") == 0))
        return cli_usage_error("synth", "--trimpoints-out and the spells cannot both go to standard output");

    struct ics_error err;
    ics_error_clear(&err);
    if (trimpoints_out) {
        FILE *f = cli_open_output(trimpoints_out, &err);
        if (!f)
            return cli_fail("synth", &err);
        int rc = ics_synth_write_trimpoints(f, &err);
        int crc = cli_close_output(f, trimpoints_out, rc ? NULL : &err);
        if (rc || crc)
            return cli_fail("synth", &err);
    }
    if (!have_spells)
        return 0;

    FILE *out = cli_open_output(output, &err);
    if (!out)
        return cli_fail("synth", &err);
    struct cli_progress progress;
    cli_progress_init(&progress);
    if (!quiet) {
        opt.progress = cli_progress_update;
        opt.progress_ctx = &progress;
    }
    int rc = ics_synth_spells(&opt, out, &err);
    cli_progress_finish(&progress);
    int crc = cli_close_output(out, output, rc ? NULL : &err);
    if (rc || crc)
        return cli_fail("synth", &err);
    return 0;
}

static int run_synth(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return cmd_synth(argc, argv);
}

const struct cli_command cli_cmd_synth = {
    .name = "synth",
    .summary = "write a realistic synthetic year of English spells",
    .synopsis = "ics synth --spells N [--seed S] [--year YYYY] [--messy] [-o FILE]\n                 [--trimpoints-out FILE] [--quiet]\nics synth --ledger DIR [--orgs N] [--lines N] [--period 2022-23-M12] [--seed S]",
    .run = run_synth,
    .notes = "See docs/commands/synth.md.\n",
};
