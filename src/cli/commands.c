/* ics: the command. One table drives dispatch and help; each entry lives in its cmd_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const struct cli_command *const cli_commands[] = {
    &cli_cmd_beds, &cli_cmd_synth, &cli_cmd_benchmark, &cli_cmd_spc, &cli_cmd_funnel, &cli_cmd_ledger, &cli_cmd_user, &cli_cmd_token,
    &cli_cmd_serve, &cli_cmd_report, NULL,
};

static void print_overview(FILE *out)
{
    fprintf(out, "ics %s — the integrated care system toolkit\n\nusage: ics COMMAND [ARGS]\n\ncommands:\n",
            ICS_VERSION);
    for (const struct cli_command *const *c = cli_commands; *c; c++)
        fprintf(out, "  %-10s %s\n", (*c)->name, (*c)->summary);
    fprintf(out, "\n'ics COMMAND --help' or 'ics help COMMAND' shows a command's options.\n");
}

/* `ics help ledger dispute open`: the same text as `ics ledger dispute open --help`. */
static int help(int argc, char **argv)
{
    const struct cli_command *const *table = cli_commands;
    const struct cli_command *c = NULL;
    for (int i = 0; i < argc; i++) {
        const struct cli_command *next = cli_find(table, argv[i]);
        if (!next) {
            fprintf(stderr, "ics help: unknown command '%s' (try 'ics --help')\n", argv[i]);
            return ICS_ERR_USAGE;
        }
        c = next;
        table = c->subcommands;
    }
    if (!c) {
        print_overview(stdout);
        return 0;
    }
    return cli_help(c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return ICS_ERR_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0)
        return help(argc - 2, argv + 2);
    if (strcmp(name, "--version") == 0) {
        printf("ics %s\n", ICS_VERSION);
        return 0;
    }
    const struct cli_command *c = cli_find(cli_commands, name);
    if (!c) {
        fprintf(stderr, "ics: unknown command '%s' (try 'ics --help')\n", name);
        return ICS_ERR_USAGE;
    }
    return c->run(c, argc - 1, argv + 1);
}
