#include "cli/cli.h"

int cmd_ledger(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("ledger", "not implemented yet");
}
