/* ics: the command. One table drives dispatch and help. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define ICS_VERSION "0.1.0"

const struct cli_command cli_commands[] = {
    {"beds", cmd_beds, "bed days, excess bed days and long stays from spells",
     "usage: ics beds SPELLS.csv [--trimpoints FILE] [--trimpoints-out FILE]\n"
     "                [--rate POUNDS | --rates FILE] [--from DATE --to DATE]\n"
     "                [--by provider|residence|icb|region|nation] [--geography FILE]\n"
     "                [--series day|week|month] [--rejects FILE] [--strict]\n"
     "                [--format csv|json] [-o FILE] [--threads N] [--quiet]\n"
     "SPELLS.csv may be - for standard input. See docs/commands/beds.md.\n"},
    {"synth", cmd_synth, "write a realistic synthetic year of English spells",
     "usage: ics synth --spells N [--seed S] [--year YYYY] [--messy] [-o FILE]\n"
     "                 [--trimpoints-out FILE] [--quiet]\n"
     "       ics synth --ledger DIR [--orgs N] [--lines N] [--period 2022-23-M12] [--seed S]\n"
     "See docs/commands/synth.md.\n"},
    {"benchmark", cmd_benchmark, "gap to the top quartile and the opportunity of closing it",
     "usage: ics benchmark TABLE.csv --metric NUM[/DEN] [--scale N] [--population FILE|ons]\n"
     "       [--better lower|higher] [--target top-quartile|top-quartile-mean|median|best5of10|VALUE]\n"
     "       [--peers FILE] [--within icb|region|FILE] [--geography FILE] [--close-gap FRACTION]\n"
     "       [--days N] [--occupancy FRACTION] [--cost-per-day POUNDS] [--format csv|json]\n"
     "       [-o FILE] [--totals FILE] [--quiet]\n"
     "TABLE.csv may be - for standard input. See docs/commands/benchmark.md.\n"},
    {"spc", cmd_spc, "SPC (XmR) charts with the Making Data Count rules",
     "usage: ics spc SERIES.csv --value COL [--date COL] [--series COL]\n"
     "               [--improvement increase|decrease|neutral] [--target X | --target-col COL]\n"
     "               [--rebase DATE,...] [--fix-after N] [--screen-outliers on|off]\n"
     "               [--two-in-three band|mdc2023] [--svg DIR] [--summary FILE]\n"
     "               [--format csv|json] [-o FILE] [--quiet]\n"
     "See docs/commands/spc.md.\n"},
    {"funnel", cmd_funnel, "funnel plot limits with overdispersion",
     "usage: ics funnel DATA.csv --group COL --numerator COL --denominator COL --type sr|proportion|ratio\n"
     "                  [--sr-method shmi|cqc|cqc-corrected] [--overdispersion auto|on|off] [--trim F]\n"
     "                  [--limit 95|99.8] [--multiplier N] [--no-shmi-rounding] [--exact-z]\n"
     "                  [--svg FILE] [--summary FILE] [--format csv|json] [-o FILE] [--quiet]\n"
     "See docs/commands/funnel.md.\n"},
    {"ledger", cmd_ledger, "agreement of balances, mismatches and disputes",
     "usage: ics ledger init|submit|match|dispute|disputes|report|audit|submissions|check|synth ...\n"
     "See docs/commands/ledger.md.\n"},
    {NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void print_overview(FILE *out)
{
    fprintf(out, "ics %s — the integrated care system toolkit\n\nusage: ics COMMAND [ARGS]\n\ncommands:\n",
            ICS_VERSION);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\n'ics COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return ICS_ERR_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2 && cli_find(argv[2]))
            return cli_help(argv[2]);
        print_overview(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0) {
        printf("ics %s\n", ICS_VERSION);
        return 0;
    }
    const struct cli_command *c = cli_find(name);
    if (!c) {
        fprintf(stderr, "ics: unknown command '%s' (try 'ics --help')\n", name);
        return ICS_ERR_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
