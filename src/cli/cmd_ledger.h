/* Private to src/cli/cmd_ledger*.c: what the ledger sub-commands share. */
#ifndef ICS_CLI_CMD_LEDGER_H
#define ICS_CLI_CMD_LEDGER_H

#include <stdint.h>

#include "cli.h"
#include "ics/ledger.h"

#define LEDGER_CMD "ledger"
/* The database when no --db is given: $ICS_DB where it is set, else ics.db. */
const char *ledger_cli_default_db(void);
#define LEDGER_DEFAULT_DB ledger_cli_default_db()

/* Options several sub-commands share, one wording each. */
#define LEDGER_OPT_DB \
    {"db", CLI_KEY('d'), "FILE|URL", "the ledger: a SQLite file or a postgresql:// URL (default $ICS_DB, else ics.db)"}
#define LEDGER_OPT_END {NULL, 0, NULL, NULL}

/* Today in local time. */
int32_t ledger_cli_today(void);
/* A file or directory argument: one that starts with "--" is a usage error
 * (`-o --format` is a forgotten file name, not a file named --format). */
int ledger_cli_path_arg(const char *option, const char *arg, const char **out);
/* The usage error for an option getopt did not accept (it has said which). */
int ledger_cli_bad_option(const struct cli_command *self);
/* Opens the ledger at db with ics_ledger_open's flags (ICS_LEDGER_READ_ONLY
 * for the sub-commands that only read), printing any failure; returns the status. */
int ledger_cli_open(const char *db, int flags, struct ics_ledger **l);
/* `ics ledger [--db FILE] SUB ...` and `ics ledger dispute [--db FILE] ACTION ...`: parses the
 * group's --db (stopping at the sub-command's name) and runs the sub-command, handing the --db on
 * as its first option; `which` is the message when no sub-command is given. */
int ledger_cli_run_group(const struct cli_command *self, int argc, char **argv, const char *which);

/* A sub-command of ledger. */
#define LEDGER_SUB(NAME, SUMMARY, SYNOPSIS, OPTIONS, RUN) \
    {.name = NAME, .summary = SUMMARY, .synopsis = SYNOPSIS, .options = OPTIONS, .run = RUN, \
     .path = "ledger " NAME}

/* ics ledger dispute (src/cli/cmd_ledger_dispute.c). */
extern const struct cli_command cli_cmd_ledger_dispute;
/* The sub-commands that read the ledger and write a table (src/cli/cmd_ledger_report.c). */
extern const struct cli_command cli_cmd_ledger_match, cli_cmd_ledger_disputes, cli_cmd_ledger_report,
    cli_cmd_ledger_audit, cli_cmd_ledger_submissions, cli_cmd_ledger_tracker;
/* ics ledger exercise and ics ledger explain (src/cli/cmd_ledger_exercise.c). */
extern const struct cli_command cli_cmd_ledger_exercise, cli_cmd_ledger_explain;

#endif
