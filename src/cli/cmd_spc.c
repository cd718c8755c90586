#include "cli/cli.h"

int cmd_spc(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("spc", "not implemented yet");
}
