/* The command layer: the command table, option helpers, output and progress. */
#ifndef ICS_CLI_H
#define ICS_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage;
};

/* One entry per command, defined in src/cli/cmd_<name>.c. */
int cmd_beds(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_benchmark(int argc, char **argv);
int cmd_spc(int argc, char **argv);
int cmd_funnel(int argc, char **argv);
int cmd_ledger(int argc, char **argv);

extern const struct cli_command cli_commands[];
const struct cli_command *cli_find(const char *name);

/* Prints "ics CMD: message" to stderr and returns the status to exit with. */
int cli_fail(const char *command, const struct ics_error *err);
/* Prints "ics CMD: <formatted>" and a usage hint; returns ICS_ERR_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints the usage text of a command to stdout (for --help); returns 0. */
int cli_help(const char *command);

/* Opens -o FILE, or stdout when path is NULL or "-". */
FILE *cli_open_output(const char *path, struct ics_error *err);
/* Closes an output opened by cli_open_output, reporting write errors. */
int cli_close_output(FILE *f, const char *path, struct ics_error *err);

/* Parses --format: "csv" sets *json to 0, "json" to 1; anything else prints a
 * usage error for `command` and returns ICS_ERR_USAGE. */
int cli_parse_format(const char *command, const char *text, int *json);

/* Parses a whole number / decimal in [min, max]; returns 0 or -1. */
int cli_parse_long(const char *text, long min, long max, long *out);
int cli_parse_double(const char *text, double min, double max, double *out);

/* Progress line on stderr: drawn only when stderr is a terminal and the job
 * has run for over a second; cleared at the end. */
struct cli_progress {
    double started;
    double last_drawn;
    int enabled;
    int drawn;
};
void cli_progress_init(struct cli_progress *p);
void cli_progress_update(void *ctx, uint64_t bytes_done, uint64_t bytes_total, uint64_t rows_done);
void cli_progress_finish(struct cli_progress *p);

#endif
