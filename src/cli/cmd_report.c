/*
 * ics report: the command layer over ics_report_run (docs/commands/report.md).
 * The page goes to a temporary file beside its target and is renamed when it
 * is complete (ics_output), so a failed run leaves no half-written report.
 */
#include <string.h>

#include "cli.h"
#include "ics/core.h"
#include "ics/report.h"

#define CMD "report"

static const struct cli_option report_options[] = {
    {"output", 'o', "FILE", "write the HTML report to FILE (default report.html)"},
    {"xlsx", CLI_TABLE_XLSX, "FILE", "also write the report's tables (with native SPC and funnel charts) as an XLSX workbook"},
    {"no-disclosure-control", CLI_TABLE_NO_CONTROL, NULL,
     "no NHS disclosure control; the report says \"internal use - not for publication\""},
    {"threads", 'j', "N", "worker threads for the bed-day sections, 1 to 64 (default: the cores)"},
    {"quiet", 'q', NULL, "no message on stderr"},
    {NULL, 0, NULL, NULL},
};

static int run_report(const struct cli_command *self, int argc, char **argv);

const struct cli_command cli_cmd_report = {
    .name = "report",
    .summary = "a board pack: one self-contained HTML file (and XLSX) from a SPEC",
    .synopsis = "ics report SPEC [-o FILE] [--xlsx FILE] [--no-disclosure-control] [--threads N] [--quiet]",
    .options = report_options,
    .run = run_report,
    .notes = "SPEC names the sections and their inputs. See docs/commands/report.md.\n",
};

static int run_report(const struct cli_command *self, int argc, char **argv)
{
    struct ics_report_options opt;
    ics_report_options_init(&opt);
    opt.version = ICS_VERSION;
    const char *out_path = "report.html";
    int quiet = 0;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    long threads;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_HELP: return cli_help(self);
        case 'o': out_path = parser.arg; break;
        case CLI_TABLE_XLSX: opt.xlsx = parser.arg; break;
        case CLI_TABLE_NO_CONTROL: opt.disclosure = 0; break;
        case 'j':
            if (cli_parse_long(parser.arg, 1, 64, &threads))
                return cli_usage_error(CMD, "--threads '%s': expected a whole number from 1 to 64", parser.arg);
            opt.threads = (int)threads;
            break;
        case 'q': quiet = 1; break;
        default: return cli_usage_error(CMD, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(CMD, optind >= argc ? "no SPEC given" : "one SPEC only");
    const char *spec = argv[optind];
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_output out;
    int rc = ics_output_open(&out, out_path, &err);
    if (rc)
        return cli_fail(CMD, &err);
    rc = ics_report_run(spec, &opt, out.f, &err);
    if (rc) {
        ics_output_abort(&out);
        return cli_fail(CMD, &err);
    }
    if ((rc = ics_output_commit(&out, &err)))
        return cli_fail(CMD, &err);
    if (!quiet) {
        fprintf(stderr, "ics report: %s%s%s%s\n", out_path, opt.xlsx ? " and " : "", opt.xlsx ? opt.xlsx : "",
                opt.disclosure ? " (NHS disclosure control applied)" : " (internal use - not for publication)");
    }
    return ICS_OK;
}
