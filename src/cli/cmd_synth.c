/* ics synth: write a realistic synthetic year of English spells, or a synthetic ledger period. */
#include <limits.h>
#include <string.h>

#include "cli.h"
#include "ics/synth.h"

static const struct cli_option synth_options[] = {
    {"spells", CLI_KEY('n'), "N", "spells (rows) to write, 0 to 10^12"},
    {"seed", CLI_KEY('s'), "S", "any whole number from 0 (default 1)"},
    {"year", CLI_KEY('y'), "YYYY", "the financial year starting 1 April YYYY (default 2018 = 2018-19)"},
    {"messy", CLI_KEY('m'), NULL, "write the spells the way raw extracts look"},
    {"output", 'o', "FILE", "write the spells to FILE (default standard output)"},
    {"trimpoints-out", CLI_KEY('t'), "FILE", "write the trim points the model uses"},
    {"episodes", CLI_KEY('e'), NULL, "write the spells as HES APC consultant episodes"},
    {"episode-dates", CLI_KEY('d'), "MODE", "with --episodes: last (default) or repeated: discharge on every episode"},
    {"true-spells", CLI_KEY('T'), "FILE", "with --episodes: also write the provider spells the episodes came from"},
    {"quiet", CLI_KEY('q'), NULL, "no progress or summary on stderr"},
    {"ledger", CLI_KEY('L'), "DIR", "write a synthetic ledger period to DIR instead of spells"},
    {"orgs", CLI_KEY('O'), "N", "with --ledger: organisations, 3 to 700 (default 300)"},
    {"lines", CLI_KEY('N'), "N", "with --ledger: invoice lines in all the files, about (default 5000000)"},
    {"period", CLI_KEY('P'), "PERIOD", "with --ledger: the period, YYYY-YY-Mnn (default 2022-23-M12)"},
    {NULL, 0, NULL, NULL},
};

static int run_synth(const struct cli_command *self, int argc, char **argv);

const struct cli_command cli_cmd_synth = {
    .name = "synth",
    .summary = "write a realistic synthetic year of English spells",
    .synopsis = "ics synth --spells N [--seed S] [--year YYYY] [--messy] [-o FILE]\n"
                "          [--trimpoints-out FILE] [--quiet]\n"
                "ics synth --spells N --episodes [--episode-dates last|repeated] [--true-spells FILE]\n"
                "          [--seed S] [--year YYYY] [-o FILE] [--quiet]\n"
                "ics synth --ledger DIR [--orgs N] [--lines N] [--period 2022-23-M12] [--seed S] [--quiet]",
    .options = synth_options,
    .run = run_synth,
    .notes = "A FILE or DIR may not start with \"--\" (--ledger --quiet is a mistake, not a directory).\n"
             "See docs/commands/synth.md.\n",
};

/* The options given, before they are checked against each other. */
struct synth_args {
    struct ics_synth_options spells;
    struct ics_synth_ledger_options ledger;
    const char *output, *trimpoints_out, *true_spells;
    int have_spells, quiet, episodes, have_episode_dates;
};

/* Files and directories: an argument that looks like an option is a usage
 * error, so `--ledger --quiet` cannot make a directory named --quiet. */
static int path_arg(const char *option, const char *arg, const char **out)
{
    if (strncmp(arg, "--", 2) == 0)
        return cli_usage_error("synth", "%s needs a file or directory, not the option '%s'", option, arg);
    *out = arg;
    return 0;
}

/* getopt (opterr off) found an unknown option or one without its value. */
static int bad_option(int argc, char **argv)
{
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
    for (const struct cli_option *o = synth_options; o->name; o++)
        if (optopt && o->key == optopt && o->arg)
            return cli_usage_error("synth", "option '%s' needs a value", arg);
    return cli_usage_error("synth", "unknown option '%s'", arg);
}

static int parse_option(int c, const char *arg, struct synth_args *a)
{
    long v;
    switch (c) {
    case CLI_KEY('n'):
        /* 10^12 rows is about 70 TB of CSV: far past any real use. */
        if (cli_parse_long(arg, 0, 1000000000000L, &v))
            return cli_usage_error("synth", "--spells must be a whole number from 0 to 10^12, not '%s'", arg);
        a->spells.spells = (uint64_t)v;
        a->have_spells = 1;
        return 0;
    case CLI_KEY('s'):
        if (cli_parse_long(arg, 0, LONG_MAX, &v))
            return cli_usage_error("synth", "--seed must be a whole number from 0, not '%s'", arg);
        a->spells.seed = (uint64_t)v;
        return 0;
    case CLI_KEY('y'):
        if (cli_parse_long(arg, ICS_SYNTH_MIN_YEAR, ICS_SYNTH_MAX_YEAR, &v))
            return cli_usage_error("synth", "--year must be a year from %d to %d (2018 = 2018-19), not '%s'",
                                   ICS_SYNTH_MIN_YEAR, ICS_SYNTH_MAX_YEAR, arg);
        a->spells.fy_start_year = (int)v;
        return 0;
    case 'o': return path_arg("-o", arg, &a->output);
    case CLI_KEY('m'): a->spells.messy = 1; return 0;
    case CLI_KEY('t'): return path_arg("--trimpoints-out", arg, &a->trimpoints_out);
    case CLI_KEY('q'): a->quiet = 1; return 0;
    case CLI_KEY('e'): a->episodes = 1; return 0;
    case CLI_KEY('d'):
        if (strcmp(arg, "last") == 0)
            a->spells.episode_dates = ICS_SYNTH_EPISODE_DATES_LAST;
        else if (strcmp(arg, "repeated") == 0)
            a->spells.episode_dates = ICS_SYNTH_EPISODE_DATES_REPEATED;
        else
            return cli_usage_error("synth", "--episode-dates must be last or repeated, not '%s'", arg);
        a->have_episode_dates = 1;
        return 0;
    case CLI_KEY('T'): return path_arg("--true-spells", arg, &a->true_spells);
    case CLI_KEY('L'): return path_arg("--ledger", arg, &a->ledger.dir);
    case CLI_KEY('O'):
        if (cli_parse_long(arg, 2, 100000, &v))
            return cli_usage_error("synth", "--orgs must be a whole number from 2, not '%s'", arg);
        a->ledger.orgs = (int)v;
        return 0;
    case CLI_KEY('N'):
        if (cli_parse_long(arg, 1, 1000000000000L, &v))
            return cli_usage_error("synth", "--lines must be a whole number from 1, not '%s'", arg);
        a->ledger.lines = v;
        return 0;
    case CLI_KEY('P'): a->ledger.period = arg; return 0;
    default: return ICS_ERR_INTERNAL;   /* not in the table */
    }
}

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

/* ics synth --spells N --episodes: the spells as HES APC episodes (issue 10 item 7). */
static int synth_episodes(const struct synth_args *a, const struct ics_synth_options *opt, FILE *out,
                          struct cli_progress *progress)
{
    struct ics_error err;
    ics_error_clear(&err);
    FILE *truth = NULL;
    if (a->true_spells && !(truth = cli_open_output(a->true_spells, &err))) {
        cli_close_output(out, a->output, NULL);
        return cli_fail("synth", &err);
    }
    struct ics_synth_episodes_result r;
    int rc = ics_synth_episodes(opt, out, truth, &r, &err);
    cli_progress_finish(progress);
    int crc = cli_close_output(out, a->output, rc ? NULL : &err);
    if (truth && cli_close_output(truth, a->true_spells, rc || crc ? NULL : &err))
        crc = 1;
    if (rc || crc)
        return cli_fail("synth", &err);
    if (!a->quiet)
        fprintf(stderr, "ics synth: %llu provider spells written as %llu episodes%s%s\n",
                (unsigned long long)r.spells, (unsigned long long)r.episodes,
                truth ? ", the true spells to " : "", truth ? (strcmp(a->true_spells, "-") ? a->true_spells
                                                                                    : "standard output") : "");
    return 0;
}

static int synth_spells(const struct synth_args *a)
{
    struct ics_error err;
    ics_error_clear(&err);
    if (a->trimpoints_out) {
        FILE *f = cli_open_output(a->trimpoints_out, &err);
        if (!f)
            return cli_fail("synth", &err);
        int rc = ics_synth_write_trimpoints(f, &err);
        int crc = cli_close_output(f, a->trimpoints_out, rc ? NULL : &err);
        if (rc || crc)
            return cli_fail("synth", &err);
    }
    if (!a->have_spells)
        return 0;
    FILE *out = cli_open_output(a->output, &err);
    if (!out)
        return cli_fail("synth", &err);
    struct ics_synth_options opt = a->spells;
    struct cli_progress progress;
    cli_progress_init(&progress);
    if (!a->quiet) {
        opt.progress = cli_progress_update;
        opt.progress_ctx = &progress;
    }
    if (a->episodes)
        return synth_episodes(a, &opt, out, &progress);
    int rc = ics_synth_spells(&opt, out, &err);
    cli_progress_finish(&progress);
    int crc = cli_close_output(out, a->output, rc ? NULL : &err);
    if (rc || crc)
        return cli_fail("synth", &err);
    return 0;
}

static int run_synth(const struct cli_command *self, int argc, char **argv)
{
    struct synth_args a = {0};
    ics_synth_options_init(&a.spells);
    ics_synth_ledger_options_init(&a.ledger);

    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    opterr = 0;   /* the messages below say what was wrong, in one line */
    int c, rc;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP)
            return cli_help(self);
        if (c == CLI_BAD)
            return bad_option(argc, argv);
        if ((rc = parse_option(c, parser.arg, &a)))
            return rc;
    }
    if (optind < argc)
        return cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
    if (a.ledger.dir) {
        if (a.have_spells || a.trimpoints_out || a.output || a.spells.messy || a.episodes || a.true_spells ||
            a.have_episode_dates)
            return cli_usage_error("synth", "--ledger DIR writes a ledger period; it takes --orgs, --lines, "
                                            "--period and --seed, not the spell options");
        a.ledger.seed = a.spells.seed;
        return synth_ledger(&a.ledger, a.quiet);
    }
    if ((a.true_spells || a.have_episode_dates) && !a.episodes)
        return cli_usage_error("synth", "%s needs --episodes", a.true_spells ? "--true-spells" : "--episode-dates");
    if (a.episodes && !a.have_spells)
        return cli_usage_error("synth", "--episodes needs --spells N");
    if (!a.have_spells && !a.trimpoints_out)
        return cli_usage_error("synth", "--spells N is required");
    if (a.episodes && a.spells.messy)
        return cli_usage_error("synth", "--episodes and --messy cannot be used together");
    if (a.episodes && a.spells.spells > ICS_SYNTH_MAX_EPISODE_SPELLS)
        return cli_usage_error("synth", "with --episodes, --spells must be at most 10^11 (EPIKEY has 12 digits)");
    if (a.true_spells) {
        const char *o = a.output ? a.output : "-";
        if (strcmp(a.true_spells, "-") == 0 && strcmp(o, "-") == 0)
            return cli_usage_error("synth", "--true-spells and the episodes cannot both go to standard output");
        if (strcmp(a.true_spells, o) == 0)
            return cli_usage_error("synth", "--true-spells and the episodes (-o) must be different files");
        if (a.trimpoints_out && strcmp(a.true_spells, a.trimpoints_out) == 0)
            return cli_usage_error("synth", "--true-spells and --trimpoints-out must be different files");
    }
    if (a.trimpoints_out && a.output && strcmp(a.trimpoints_out, a.output) == 0)
        return cli_usage_error("synth", "--trimpoints-out and -o must be different files");
    if (a.trimpoints_out && a.have_spells && strcmp(a.trimpoints_out, "-") == 0 &&
        (!a.output || strcmp(a.output, "-") == 0))
        return cli_usage_error("synth", "--trimpoints-out and the spells cannot both go to standard output");
    return synth_spells(&a);
}
