#include "cli/cli.h"

int cmd_funnel(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("funnel", "not implemented yet");
}
