/* ics ledger dispute open|offer|escalate|determine|close (docs/commands/ledger.md, Disputes). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_ledger.h"
#include "ics/ledger.h"

#define CMD LEDGER_CMD
#define MAX_INVOICES 1000

#define OPT_BY(WHO) {"by", CLI_KEY('b'), "WHO", WHO}
#define OPT_DATE {"date", CLI_KEY('D'), "DATE", "the day it took effect (default today)"}
#define OPT_NOTE {"note", CLI_KEY('n'), "TEXT", "a note for the record"}

static const struct cli_option open_options[] = {
    {"period", CLI_KEY('p'), "PERIOD", "the period the disputed balance belongs to"},
    {"supplier", CLI_KEY('S'), "CODE", "the supplier of the balance"},
    {"purchaser", CLI_KEY('P'), "CODE", "the purchaser of the balance"},
    {"amount", CLI_KEY('a'), "POUNDS", "the amount in dispute, over 0"},
    {"kind", CLI_KEY('k'), "rp|ie", "receivables and payables (default) or income and expenditure"},
    {"invoice", CLI_KEY('i'), "REF", "an invoice in dispute (repeatable)"},
    {"referee", CLI_KEY('r'), "CODE", "who determines it, if it comes to that (may be named later)"},
    {"description", CLI_KEY('s'), "TEXT", "what the dispute is about"},
    OPT_BY("the party that raises it"),
    OPT_DATE,
    OPT_NOTE,
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static const struct cli_option offer_options[] = {
    {"amount", CLI_KEY('a'), "POUNDS", "the amount the party would settle at"},
    OPT_BY("the party making the offer"),
    OPT_DATE,
    OPT_NOTE,
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static const struct cli_option escalate_options[] = {
    OPT_BY("the party escalating"),
    {"to", CLI_KEY('T'), "STAGE", "the stage to enter: only the next one is allowed (default the next)"},
    {"referee", CLI_KEY('r'), "CODE", "name the referee (needed before determination)"},
    OPT_DATE,
    OPT_NOTE,
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static const struct cli_option determine_options[] = {
    OPT_BY("the referee"),
    {"award-to", CLI_KEY('w'), "PARTY", "the party whose final offer is awarded whole"},
    {"amount", CLI_KEY('a'), "POUNDS", "must equal the awarded party's final offer (or names that party)"},
    OPT_DATE,
    OPT_NOTE,
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

static const struct cli_option close_options[] = {
    OPT_BY("the party closing it"),
    {"outcome", CLI_KEY('u'), "agreed|withdrawn", "how it ended"},
    {"amount", CLI_KEY('a'), "POUNDS", "the settled amount, if agreed"},
    OPT_DATE,
    OPT_NOTE,
    LEDGER_OPT_DB,
    LEDGER_OPT_END,
};

/* Every action's options, parsed by one function (each action's table lets
 * through only its own). */
struct dispute_args {
    struct ics_ledger_dispute_spec spec;
    struct ics_ledger_action act;
    const char **invoices;          /* MAX_INVOICES slots, owned */
    const char *db, *to, *award_to, *outcome;
    int64_t amount;
    int has_amount;
    int64_t id;                     /* the dispute number operand (not for open) */
    int stage_to;                   /* --to parsed; -1: the next stage */
};

static int parse_dispute_option(int c, const char *arg, const struct cli_command *self, struct dispute_args *a)
{
    const char *why;
    switch (c) {
    case CLI_KEY('d'): return ledger_cli_path_arg("--db", arg, &a->db);
    case CLI_KEY('p'): a->spec.period = arg; return 0;
    case CLI_KEY('S'): a->spec.supplier = arg; return 0;
    case CLI_KEY('P'): a->spec.purchaser = arg; return 0;
    case CLI_KEY('k'):
        a->spec.cls = ics_ledger_class_parse(arg);
        return a->spec.cls < 0 ? cli_usage_error(CMD, "bad --kind '%s' (rp or ie)", arg) : 0;
    case CLI_KEY('a'):
        a->has_amount = 1;
        if (ics_pence_parse(arg, strlen(arg), &a->amount, &why))
            return cli_usage_error(CMD, "bad --amount '%s' (pounds, at most two decimals)", arg);
        return 0;
    case CLI_KEY('i'):
        if (a->spec.invoice_count == MAX_INVOICES)
            return cli_usage_error(CMD, "too many --invoice options");
        a->invoices[a->spec.invoice_count++] = arg;
        return 0;
    case CLI_KEY('r'): a->spec.referee = arg; return 0;
    case CLI_KEY('s'): a->spec.description = arg; return 0;
    case CLI_KEY('b'): a->act.actor = arg; return 0;
    case CLI_KEY('D'):
        if (ics_date_parse(arg, strlen(arg), &a->act.on))
            return cli_usage_error(CMD, "bad --date '%s'", arg);
        return 0;
    case CLI_KEY('n'): a->act.note = arg; return 0;
    case CLI_KEY('T'): a->to = arg; return 0;
    case CLI_KEY('w'): a->award_to = arg; return 0;
    case CLI_KEY('u'): a->outcome = arg; return 0;
    case CLI_HELP: cli_help(self); return 1;
    default: return ledger_cli_bad_option(self);
    }
}

/* Parses an action's options and its operand (the dispute number, except for
 * open); the caller frees a->invoices. Returns 0, 1 after --help, or a status. */
static int parse_dispute(const struct cli_command *self, int argc, char **argv, struct dispute_args *a)
{
    memset(a, 0, sizeof *a);
    a->spec.cls = ICS_LEDGER_RP;
    a->act.on = ledger_cli_today();
    a->db = LEDGER_DEFAULT_DB;
    a->stage_to = -1;
    a->invoices = ics_calloc(MAX_INVOICES, sizeof *a->invoices);
    if (!a->invoices)
        return ICS_ERR_NOMEM;
    a->spec.invoices = a->invoices;
    const char *action = self->name;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c, rc;
    while ((c = cli_next_option(&parser, argc, argv)) != -1)
        if ((rc = parse_dispute_option(c, parser.arg, self, a)))
            return rc;
    if (strcmp(action, "open") != 0) {
        long v;
        if (optind + 1 != argc || cli_parse_long(argv[optind], 1, 1000000000L, &v) != 0)
            return cli_usage_error(CMD, "dispute %s needs the dispute number", action);
        a->id = v;
    } else if (optind != argc) {
        return cli_usage_error(CMD, "dispute open takes no operands");
    }
    if (!a->act.actor)
        return cli_usage_error(CMD, "every dispute action must name who acted (--by CODE)");
    if (a->to && (a->stage_to = ics_ledger_stage_parse(a->to)) < 0)
        return cli_usage_error(CMD, "bad --to '%s' (a stage name)", a->to);
    return 0;
}

/* One action on the ledger, after its arguments are known good. */
static int act(const char *action, struct ics_ledger *l, struct dispute_args *a, struct ics_error *err)
{
    const int64_t *amount = a->has_amount ? &a->amount : NULL;
    int rc;
    if (strcmp(action, "open") == 0) {
        if (!a->has_amount || !a->spec.period || !a->spec.supplier || !a->spec.purchaser)
            return cli_usage_error(CMD, "dispute open needs --period, --supplier, --purchaser and --amount");
        a->spec.amount = a->amount;
        int64_t new_id;
        if ((rc = ics_ledger_dispute_open(l, &a->spec, &a->act, &new_id, err)))
            return cli_fail(CMD, err);
        printf("dispute %lld opened\n", (long long)new_id);
    } else if (strcmp(action, "offer") == 0) {
        if (!a->has_amount)
            return cli_usage_error(CMD, "dispute offer needs --amount");
        if ((rc = ics_ledger_dispute_offer(l, a->id, a->amount, &a->act, err)))
            return cli_fail(CMD, err);
        printf("dispute %lld: offer recorded\n", (long long)a->id);
    } else if (strcmp(action, "escalate") == 0) {
        if ((rc = ics_ledger_dispute_escalate(l, a->id, a->stage_to, a->spec.referee, &a->act, err)))
            return cli_fail(CMD, err);
        printf("dispute %lld escalated\n", (long long)a->id);
    } else if (strcmp(action, "determine") == 0) {
        if (!a->award_to && !a->has_amount)
            return cli_usage_error(CMD, "dispute determine needs --award-to PARTY (or --amount equal to a final offer)");
        if ((rc = ics_ledger_dispute_determine(l, a->id, a->award_to, amount, &a->act, err)))
            return cli_fail(CMD, err);
        printf("dispute %lld determined\n", (long long)a->id);
    } else {
        if (!a->outcome)
            return cli_usage_error(CMD, "dispute close needs --outcome agreed|withdrawn");
        if ((rc = ics_ledger_dispute_close(l, a->id, a->outcome, amount, &a->act, err)))
            return cli_fail(CMD, err);
        printf("dispute %lld closed\n", (long long)a->id);
    }
    return 0;
}

static int run_action(const struct cli_command *self, int argc, char **argv)
{
    struct dispute_args a;
    int rc = parse_dispute(self, argc, argv, &a);
    if (rc) {
        ics_free(a.invoices);
        return rc == 1 ? 0 : rc;
    }
    struct ics_ledger *l;
    rc = ledger_cli_open(a.db, 0, &l);
    if (!rc) {
        struct ics_error err;
        ics_error_clear(&err);
        rc = act(self->name, l, &a, &err);
        ics_ledger_close(l);
    }
    ics_free(a.invoices);
    return rc;
}

#define DISPUTE_ACTION(NAME, SUMMARY, SYNOPSIS, OPTIONS) \
    {.name = NAME, .summary = SUMMARY, .synopsis = SYNOPSIS, .options = OPTIONS, .run = run_action, \
     .path = "ledger dispute " NAME}

static const struct cli_command dispute_open = DISPUTE_ACTION(
    "open", "open a dispute over a balance",
    "ics ledger dispute open --period PERIOD --supplier A --purchaser B --amount X --by WHO\n"
    "                        [--kind rp|ie] [--invoice REF]... [--referee R] [--description TEXT]\n"
    "                        [--date D] [--note TEXT] [--db FILE]",
    open_options);
static const struct cli_command dispute_offer = DISPUTE_ACTION(
    "offer", "record a party's offer (its latest is its final offer)",
    "ics ledger dispute offer ID --amount X --by WHO [--date D] [--note TEXT] [--db FILE]", offer_options);
static const struct cli_command dispute_escalate = DISPUTE_ACTION(
    "escalate", "move a dispute to the next stage",
    "ics ledger dispute escalate ID --by WHO [--to STAGE] [--referee R] [--date D] [--note TEXT] [--db FILE]",
    escalate_options);
static const struct cli_command dispute_determine = DISPUTE_ACTION(
    "determine", "the referee's pendulum determination: one final offer, whole",
    "ics ledger dispute determine ID --by REFEREE --award-to PARTY [--amount X] [--date D] [--note TEXT]\n"
    "                             [--db FILE]",
    determine_options);
static const struct cli_command dispute_close = DISPUTE_ACTION(
    "close", "close a dispute as agreed or withdrawn",
    "ics ledger dispute close ID --by WHO --outcome agreed|withdrawn [--amount X] [--date D] [--note TEXT]\n"
    "                         [--db FILE]",
    close_options);

static const struct cli_command *const dispute_actions[] = {
    &dispute_open, &dispute_offer, &dispute_escalate, &dispute_determine, &dispute_close, NULL,
};

static const struct cli_option dispute_options[] = {LEDGER_OPT_DB, LEDGER_OPT_END};

static int run_dispute(const struct cli_command *self, int argc, char **argv)
{
    return ledger_cli_run_group(self, argc, argv, "dispute needs an action: open, offer, escalate, determine or close");
}

const struct cli_command cli_cmd_ledger_dispute = {
    .name = "dispute",
    .summary = "open, negotiate, escalate, determine and close disputes",
    .synopsis = "ics ledger dispute [--db FILE] ACTION [options]",
    .options = dispute_options,
    .run = run_dispute,
    .subcommands = dispute_actions,
    .notes = "Every action names who acted (--by) and when (--date, default today). See docs/commands/ledger.md.\n",
    .path = "ledger dispute",
};
