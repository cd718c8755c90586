#include "cli/cli.h"

int cmd_benchmark(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("benchmark", "not implemented yet");
}
