#include "cli/cli.h"

int cmd_beds(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("beds", "not implemented yet");
}
