/* The command layer: the command table, option helpers, output and progress. */
#ifndef ICS_CLI_H
#define ICS_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

/*
 * The command table. Every command and sub-command (ledger submit, ledger
 * dispute open) is a struct cli_command; its option table is the one source of
 * its parser, its --help text (the same as `ics help CMD ...`) and what
 * tools/check/options.py compares with docs/commands/CMD.md.
 */
struct cli_option {
    const char *name;      /* long name without "--" */
    int key;               /* what cli_next_option returns: the short letter, or CLI_KEY(n) */
    const char *arg;       /* metavariable shown in --help ("FILE"); NULL for a flag */
    const char *help;      /* one line */
};
#define CLI_KEY(n) (256 + (n))   /* option keys with no short letter */
#define CLI_HELP 1               /* cli_next_option: --help or -h was given */
#define CLI_BAD '?'              /* cli_next_option: getopt has printed what was wrong */

struct cli_command {
    const char *name;
    const char *summary;                       /* one line, for the list of commands */
    const char *synopsis;                      /* usage lines after "usage: ", '\n' between */
    const struct cli_option *options;          /* ends with {NULL}; --help is always there */
    int (*run)(const struct cli_command *self, int argc, char **argv);   /* argv[0] is the name */
    const struct cli_command *const *subcommands;   /* NULL-terminated, or NULL */
    const char *notes;                         /* shown after the options; may be NULL */
    const char *path;                          /* "ledger dispute open": for help and messages */
};

/* One per command, each defined in its src/cli/cmd_<name>.c. */
extern const struct cli_command cli_cmd_beds, cli_cmd_synth, cli_cmd_benchmark, cli_cmd_spc, cli_cmd_funnel,
    cli_cmd_ledger, cli_cmd_user, cli_cmd_token, cli_cmd_serve, cli_cmd_report;
/* The version every command reports (ics --version, the report's methods). */
#define ICS_VERSION "0.1.0"

/* The top-level commands (src/cli/commands.c), NULL-terminated. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_find(const struct cli_command *const *table, const char *name);

/* Option parsing over a command's table (getopt_long underneath; options may
 * follow operands unless the command stops at its first operand, as a
 * command with sub-commands does). */
struct cli_parser {
    const struct cli_command *cmd;
    struct option longopts[64];
    char shortopts[160];
    const char *arg;       /* the argument of the option just returned */
};
/* Returns the next option's key, CLI_HELP, CLI_BAD, or -1 after the last; then
 * optind is the first operand. */
void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd, int stop_at_operand);
int cli_next_option(struct cli_parser *p, int argc, char **argv);

/* Prints the help of a command (--help and `ics help`) to stdout; returns 0. */
int cli_help(const struct cli_command *cmd);
/* Runs the sub-command argv[0] of cmd (argv[0] NULL, "--help", or unknown: help or a usage error). */
int cli_run_subcommand(const struct cli_command *cmd, int argc, char **argv);

/* Prints "ics CMD: message" to stderr and returns the status to exit with. */
int cli_fail(const char *command, const struct ics_error *err);
/* Prints "ics CMD: <formatted>" and a usage hint; returns ICS_ERR_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

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

/* ---- table outputs: --xlsx and disclosure control (src/cli/tables.c) ---- */

/* The options every table command takes, to put in its option table. */
#define CLI_TABLE_XLSX CLI_KEY(1001)
#define CLI_TABLE_CONTROL CLI_KEY(1002)
#define CLI_TABLE_NO_CONTROL CLI_KEY(1003)
#define CLI_TABLE_OPTIONS                                                                                   \
    {"xlsx", CLI_TABLE_XLSX, "FILE", "also write the table as an XLSX workbook"},                           \
    {"disclosure-control", CLI_TABLE_CONTROL, NULL,                                                         \
     "NHS disclosure control on patient counts (docs/disclosure.md)"},                                      \
    {"no-disclosure-control", CLI_TABLE_NO_CONTROL, NULL,                                                   \
     "none, and the XLSX marked \"internal use - not for publication\""}

enum { CLI_CONTROL_UNSET, CLI_CONTROL_ON, CLI_CONTROL_OFF };

struct cli_table_output {
    const char *xlsx;   /* --xlsx FILE, or NULL */
    int control;        /* CLI_CONTROL_* */
};

/* Takes one of CLI_TABLE_OPTIONS: 1 when `key` was one (0 or a usage error in *status), else 0. */
int cli_table_option(struct cli_table_output *t, const char *command, int key, const char *arg, int *status);
/* Whether the command must hand its CSV to cli_table_emit (rather than write it straight out). */
int cli_table_wanted(const struct cli_table_output *t);
/* Checks the options against the output format: disclosure control is for CSV and XLSX. */
int cli_table_check(const struct cli_table_output *t, const char *command, int json);
/* A command's result to `out` and the table outputs: `csv` writes it as CSV, `json` (NULL when the output
 * is CSV) as JSON. Without --xlsx or --disclosure-control this is just the one writer. */
typedef int (*cli_result_writer)(const void *result, FILE *out, struct ics_error *err);
/* One sheet of a command's workbook: a table the command writes as CSV. */
struct cli_sheet {
    const char *schema, *name;
    cli_result_writer csv;
    const void *result;
};
/* --xlsx for a command with several tables (points and summary): one sheet each, controlled when asked. */
int cli_table_workbook(const struct cli_table_output *t, const struct cli_sheet *sheets, size_t n,
                       struct ics_error *err);
int cli_table_emit(const struct cli_table_output *t, const char *schema, const void *result, cli_result_writer csv,
                   cli_result_writer json, FILE *out, struct ics_error *err);

#endif
