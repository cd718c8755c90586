/* ics ledger exercise open|set|list and ics ledger explain (docs/commands/ledger.md, "The AoB exercise"). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_ledger.h"
#include "ics/ledger.h"

#define CMD LEDGER_CMD
#define MAX_ORGS 1000

#define OPT_BY(WHO) {"by", CLI_KEY('b'), "WHO", WHO}
#define OPT_DATE(WHAT) {"date", CLI_KEY('D'), "DATE", WHAT}
#define OPT_MILESTONES \
    {"invoices", CLI_KEY('1'), "DATE", "last day to send the period's invoices"}, \
    {"payments", CLI_KEY('2'), "DATE", "last day to despatch payments to NHS bodies"}, \
    {"statements", CLI_KEY('3'), "DATE", "the day receivable organisations send their statements"}, \
    {"submissions", CLI_KEY('4'), "DATE", "the day every statement is due in ics (late after it)"}, \
    {"agreement", CLI_KEY('5'), "DATE", "the day mismatches are to be agreed or explained"}

static const struct cli_option open_options[] = {
    {"kinds", CLI_KEY('k'), "rp|all", "what it agrees (default: month 6 rp only, months 9 and 12 all)"},
    OPT_MILESTONES,
    {"orgs", CLI_KEY('O'), "A,B,...", "organisations that must take part (repeatable)"},
    OPT_BY("who opens it (an admin's organisation)"),
    OPT_DATE("the day it opens (default today)"),
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static const struct cli_option set_options[] = {
    OPT_MILESTONES,
    {"orgs", CLI_KEY('O'), "A,B,...", "add organisations that must take part (repeatable)"},
    OPT_BY("who changes it (an admin's organisation)"),
    OPT_DATE("the day of the change (default today)"),
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static const struct cli_option list_options[] = {
    {"format", CLI_KEY('f'), "csv|json", "output format (default csv)"},
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

struct exercise_args {
    struct ics_ledger_exercise_spec spec;
    struct ics_ledger_action act;
    const char **orgs;              /* MAX_ORGS slots, owned */
    const char *db;
    int json;
};

static int parse_exercise_option(int c, const char *arg, const struct cli_command *self, struct exercise_args *a,
                                 char **keep, size_t *nkeep)
{
    switch (c) {
    case CLI_KEY('d'): return ledger_cli_path_arg("--db", arg, &a->db);
    case CLI_KEY('k'):
        if (strcmp(arg, "rp") == 0)
            a->spec.classes = ICS_LEDGER_CLASSES_RP;
        else if (strcmp(arg, "all") == 0)
            a->spec.classes = ICS_LEDGER_CLASSES_ALL;
        else
            return cli_usage_error(CMD, "bad --kinds '%s' (rp or all)", arg);
        return 0;
    case CLI_KEY('1'): case CLI_KEY('2'): case CLI_KEY('3'): case CLI_KEY('4'): case CLI_KEY('5'): {
        int m = c - CLI_KEY('1');
        if (ics_date_parse(arg, strlen(arg), &a->spec.due[m]))
            return cli_usage_error(CMD, "bad --%s date '%s'", ics_ledger_milestone_name(m), arg);
        return 0;
    }
    case CLI_KEY('O'): {
        if (*nkeep == MAX_ORGS)
            return cli_usage_error(CMD, "too many --orgs options");
        char *copy = ics_malloc(strlen(arg) + 1);
        if (!copy)
            return cli_usage_error(CMD, "out of memory");
        memcpy(copy, arg, strlen(arg) + 1);
        keep[(*nkeep)++] = copy;
        for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            if (a->spec.org_count == MAX_ORGS)
                return cli_usage_error(CMD, "too many organisations (at most %d)", MAX_ORGS);
            a->orgs[a->spec.org_count++] = t;
        }
        return 0;
    }
    case CLI_KEY('b'): a->act.actor = arg; return 0;
    case CLI_KEY('D'):
        if (ics_date_parse(arg, strlen(arg), &a->act.on))
            return cli_usage_error(CMD, "bad --date '%s'", arg);
        return 0;
    case CLI_KEY('f'): return cli_parse_format(CMD, arg, &a->json);
    case CLI_HELP: cli_help(self); return 1;
    default: return ledger_cli_bad_option(self);
    }
}

static void free_kept(char **keep, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ics_free(keep[i]);
    ics_free(keep);
}

static int run_exercise_action(const struct cli_command *self, int argc, char **argv)
{
    struct exercise_args a;
    memset(&a, 0, sizeof a);
    ics_ledger_exercise_spec_init(&a.spec);
    a.act.on = ledger_cli_today();
    a.db = LEDGER_DEFAULT_DB;
    a.orgs = ics_calloc(MAX_ORGS, sizeof *a.orgs);
    char **keep = ics_calloc(MAX_ORGS, sizeof *keep);
    size_t nkeep = 0;
    if (!a.orgs || !keep) {
        ics_free(a.orgs);
        ics_free(keep);
        return cli_usage_error(CMD, "out of memory");
    }
    a.spec.orgs = a.orgs;
    int list = strcmp(self->name, "list") == 0;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c, rc = 0;
    while (!rc && (c = cli_next_option(&parser, argc, argv)) != -1)
        rc = parse_exercise_option(c, parser.arg, self, &a, keep, &nkeep);
    if (!rc) {
        if (list && optind + 1 < argc)
            rc = cli_usage_error(CMD, "exercise list takes at most one period");
        else if (list && optind < argc)
            a.spec.period = argv[optind];
        else if (!list && optind + 1 != argc)
            rc = cli_usage_error(CMD, "exercise %s needs the period (YYYY-YY-Mnn)", self->name);
        else if (!list)
            a.spec.period = argv[optind];
    }
    if (!rc && !list && !a.act.actor)
        rc = cli_usage_error(CMD, "exercise %s must name who acted (--by CODE)", self->name);
    struct ics_ledger *l = NULL;
    if (!rc)
        rc = ledger_cli_open(a.db, list ? ICS_LEDGER_READ_ONLY : 0, &l);
    if (!rc) {
        struct ics_error err;
        ics_error_clear(&err);
        if (list) {
            struct ics_ledger_exercises *x = NULL;
            rc = ics_ledger_exercises_list(l, a.spec.period, &x, &err);
            if (!rc && ics_ledger_exercises_write(x, stdout, a.json) != ICS_OK)
                rc = ics_error_set(&err, ICS_ERR_IO, "error writing the output");
            ics_ledger_exercises_free(x);
        } else if (strcmp(self->name, "open") == 0) {
            rc = ics_ledger_exercise_open(l, &a.spec, &a.act, &err);
            if (!rc)
                printf("exercise %s opened\n", a.spec.period);
        } else {
            rc = ics_ledger_exercise_update(l, &a.spec, &a.act, &err);
            if (!rc)
                printf("exercise %s changed\n", a.spec.period);
        }
        if (rc)
            rc = cli_fail(CMD, &err);
        ics_ledger_close(l);
    }
    ics_free(a.orgs);
    free_kept(keep, nkeep);
    return rc == 1 ? 0 : rc;
}

#define EXERCISE_ACTION(NAME, SUMMARY, SYNOPSIS, OPTIONS) \
    {.name = NAME, .summary = SUMMARY, .synopsis = SYNOPSIS, .options = OPTIONS, .run = run_exercise_action, \
     .path = "ledger exercise " NAME}

static const struct cli_command exercise_open = EXERCISE_ACTION(
    "open", "open a period's AoB exercise with its deadlines",
    "ics ledger exercise open PERIOD --by WHO [--kinds rp|all] [--invoices D] [--payments D] [--statements D]\n"
    "                         [--submissions D] [--agreement D] [--orgs A,B,...] [--date D] [--db FILE]",
    open_options);
static const struct cli_command exercise_set = EXERCISE_ACTION(
    "set", "move an exercise's deadlines, add organisations to it",
    "ics ledger exercise set PERIOD --by WHO [--invoices D] [--payments D] [--statements D] [--submissions D]\n"
    "                        [--agreement D] [--orgs A,B,...] [--date D] [--db FILE]",
    set_options);
static const struct cli_command exercise_list = EXERCISE_ACTION(
    "list", "the exercises, their kinds, deadlines and organisations",
    "ics ledger exercise list [PERIOD] [--format csv|json] [--db FILE]", list_options);

static const struct cli_command *const exercise_actions[] = {&exercise_open, &exercise_set, &exercise_list, NULL};

static const struct cli_option exercise_options[] = {LEDGER_OPT_DB, LEDGER_OPT_END};

static int run_exercise(const struct cli_command *self, int argc, char **argv)
{
    return ledger_cli_run_group(self, argc, argv, "exercise needs an action: open, set or list");
}

const struct cli_command cli_cmd_ledger_exercise = {
    .name = "exercise",
    .summary = "the AoB exercise of a period: kinds, deadlines, who takes part",
    .synopsis = "ics ledger exercise [--db FILE] ACTION [options]",
    .options = exercise_options,
    .run = run_exercise,
    .subcommands = exercise_actions,
    .notes = "Deadlines not given take the defaults of docs/commands/ledger.md (the 2022-23 month 12 timetable's\n"
             "working-day offsets). Opening and changing an exercise is an admin's, on a ledger with users.\n",
    .path = "ledger exercise",
};

/* ---- explain ------------------------------------------------------------------------ */

static const struct cli_option explain_options[] = {
    {"period", CLI_KEY('p'), "PERIOD", "the period of the difference"},
    {"supplier", CLI_KEY('S'), "CODE", "the supplier (receivable organisation) of the pair"},
    {"purchaser", CLI_KEY('P'), "CODE", "the purchaser (payable organisation) of the pair"},
    {"kind", CLI_KEY('k'), "rp|ie", "receivables and payables (default) or income and expenditure"},
    {"reason", CLI_KEY('r'), "REASON", "timing_difference, disputed, accrual_not_invoiced, cut_off, vat or other"},
    {"note", CLI_KEY('n'), "TEXT", "what it is (needed with other; one line, at most 500 bytes)"},
    OPT_BY("the side explaining (the supplier or the purchaser)"),
    OPT_DATE("the day it is given (default today)"),
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static int run_explain(const struct cli_command *self, int argc, char **argv)
{
    struct ics_ledger_explanation_spec spec = {.cls = ICS_LEDGER_RP, .reason = ICS_LEDGER_REASON_NONE};
    struct ics_ledger_action act = {.on = ledger_cli_today()};
    const char *db = LEDGER_DEFAULT_DB;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        const char *arg = parser.arg;
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('p'): spec.period = arg; break;
        case CLI_KEY('S'): spec.supplier = arg; break;
        case CLI_KEY('P'): spec.purchaser = arg; break;
        case CLI_KEY('k'):
            if ((spec.cls = ics_ledger_class_parse(arg)) < 0)
                return cli_usage_error(CMD, "bad --kind '%s' (rp or ie)", arg);
            break;
        case CLI_KEY('r'):
            if ((spec.reason = ics_ledger_reason_parse(arg)) < 0)
                return cli_usage_error(CMD, "bad --reason '%s' (timing_difference, disputed, accrual_not_invoiced, "
                                       "cut_off, vat or other)", arg);
            break;
        case CLI_KEY('n'): spec.note = arg; break;
        case CLI_KEY('b'): act.actor = arg; break;
        case CLI_KEY('D'):
            if (ics_date_parse(arg, strlen(arg), &act.on))
                return cli_usage_error(CMD, "bad --date '%s'", arg);
            break;
        case CLI_HELP: return cli_help(self);
        default: return ledger_cli_bad_option(self);
        }
    }
    if (optind != argc)
        return cli_usage_error(CMD, "explain takes no operands");
    if (!spec.period || !spec.supplier || !spec.purchaser || spec.reason == ICS_LEDGER_REASON_NONE || !act.actor)
        return cli_usage_error(CMD, "explain needs --period, --supplier, --purchaser, --reason and --by");
    struct ics_ledger *l;
    int rc = ledger_cli_open(db, 0, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    rc = ics_ledger_explain(l, &spec, &act, &err);
    ics_ledger_close(l);
    if (rc)
        return cli_fail(CMD, &err);
    printf("explanation recorded\n");
    return 0;
}

const struct cli_command cli_cmd_ledger_explain = LEDGER_SUB(
    "explain", "one side's reason for a pair's difference, shown in match and on the board",
    "ics ledger explain --period PERIOD --supplier A --purchaser B --reason REASON --by WHO [--kind rp|ie]\n"
    "                   [--note TEXT] [--date D] [--db FILE]",
    explain_options, run_explain);
