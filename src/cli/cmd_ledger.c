/* ics ledger: agreement of balances, mismatches and disputes (docs/commands/ledger.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_ledger.h"
#include "ics/csv.h"
#include "ics/ledger.h"
#include "ics/store.h"
#include "ics/synth.h"

#define CMD LEDGER_CMD
#define DEFAULT_DB LEDGER_DEFAULT_DB

/* Options several sub-commands share, one wording each. */
#define OPT_DB LEDGER_OPT_DB
#define OPT_PERIOD {"period", CLI_KEY('p'), "PERIOD", "the period, YYYY-YY-Mnn (e.g. 2018-19-M12)"}
#define OPT_END LEDGER_OPT_END

const char *ledger_cli_default_db(void)
{
    const char *env = getenv("ICS_DB");
    return env && *env ? env : "ics.db";
}

int32_t ledger_cli_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return ics_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int ledger_cli_path_arg(const char *option, const char *arg, const char **out)
{
    if (strncmp(arg, "--", 2) == 0)
        return cli_usage_error(CMD, "%s needs a file or directory, not the option '%s'", option, arg);
    *out = arg;
    return 0;
}

int ledger_cli_bad_option(const struct cli_command *self)
{
    return cli_usage_error(CMD, "bad option for %s", self->path ? self->path + strlen(CMD) + 1 : self->name);
}

int ledger_cli_open(const char *db, int flags, struct ics_ledger **l)
{
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_ledger_open(db, flags, l, &err);
    if (rc)
        return cli_fail(CMD, &err);
    const char *token = getenv("ICS_TOKEN");
    if (token && *token && (rc = ics_ledger_act_with_token(*l, token, &err)) != ICS_OK) {
        ics_ledger_close(*l);
        *l = NULL;
        return cli_fail(CMD, &err);
    }
    return ICS_OK;
}

/* --token TOKEN (or --token=TOKEN) anywhere on an ics ledger command line is taken out before the
 * options are parsed and becomes ICS_TOKEN, which ledger_cli_open reads: one way in for every
 * sub-command. Prefer the variable: a command line is visible to other users of the machine. */
static int take_token(int *argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        const char *value = NULL;
        if (strcmp(argv[i], "--token") == 0) {
            if (i + 1 >= *argc)
                return cli_usage_error(CMD, "--token needs a token");
            value = argv[++i];
        } else if (strncmp(argv[i], "--token=", 8) == 0) {
            value = argv[i] + 8;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (setenv("ICS_TOKEN", value, 1) != 0)
            return cli_usage_error(CMD, "cannot keep the token");
    }
    *argc = out;
    argv[out] = NULL;
    return ICS_OK;
}

/* ---- the groups: ledger and ledger dispute ------------------------------------ */

/* The group's own options stop at the first operand, the sub-command's name; a --db given here is
 * handed on as the sub-command's first option, so a --db after the sub-command still wins. */
int ledger_cli_run_group(const struct cli_command *self, int argc, char **argv, const char *which)
{
    const char *db = NULL;
    if (take_token(&argc, argv))
        return ICS_ERR_USAGE;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 1);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP)
            return cli_help(self);
        if (c == CLI_KEY('t'))
            continue;   /* taken out above; listed for --help */
        if (c != CLI_KEY('d'))
            return cli_usage_error(CMD, "bad option for %s", self->name);
        if (ledger_cli_path_arg("--db", parser.arg, &db))
            return ICS_ERR_USAGE;
    }
    argc -= optind;
    argv += optind;
    if (argc < 1)
        return cli_usage_error(CMD, "%s", which);
    const struct cli_command *sub = cli_find(self->subcommands, argv[0]);
    int takes_db = 0;
    for (const struct cli_option *o = sub ? sub->options : NULL; o && o->name; o++)
        takes_db |= strcmp(o->name, "db") == 0;
    if (!db || !takes_db)
        return cli_run_subcommand(self, argc, argv);
    char **with_db = ics_calloc((size_t)argc + 3, sizeof *with_db);
    if (!with_db)
        return cli_fail(CMD, &(struct ics_error){.code = ICS_ERR_NOMEM, .message = "out of memory"});
    with_db[0] = argv[0];
    with_db[1] = (char *)"--db";
    with_db[2] = (char *)db;
    memcpy(with_db + 3, argv + 1, (size_t)(argc - 1) * sizeof *argv);
    int rc = cli_run_subcommand(self, argc + 2, with_db);
    ics_free(with_db);
    return rc;
}

/* ---- init ------------------------------------------------------------------- */

#define MAX_DEADLINES 8

static const struct cli_option init_options[] = {
    OPT_DB,
    {"app-role", CLI_KEY('r'), "ROLE", "PostgreSQL: the runtime role to grant what ics needs (default ics_app)"},
    {"deadline", CLI_KEY('l'), "STAGE=DAYS", "working days allowed in a stage (repeatable)"},
    {"by", CLI_KEY('b'), "WHO", "who set the deadlines, for the audit log (default admin)"},
    OPT_END,
};

/* --deadline STAGE=DAYS: stage (not closed) and days 1 to 1000. */
static int parse_deadline(const char *text, int *stage, int *days)
{
    char name[64];
    const char *eq = strchr(text, '=');
    long d;
    if (!eq || (size_t)(eq - text) >= sizeof name)
        return cli_usage_error(CMD, "bad --deadline '%s' (STAGE=DAYS)", text);
    snprintf(name, sizeof name, "%.*s", (int)(eq - text), text);
    *stage = ics_ledger_stage_parse(name);
    if (*stage < 0 || *stage == ICS_LEDGER_CLOSED || cli_parse_long(eq + 1, 1, 1000, &d) != 0)
        return cli_usage_error(CMD, "bad --deadline '%s' (STAGE=DAYS, days 1 to 1000)", text);
    *days = (int)d;
    return 0;
}

static int run_init(const struct cli_command *self, int argc, char **argv)
{
    const char *deadlines[MAX_DEADLINES];
    int nd = 0;
    const char *by = "admin", *db = DEFAULT_DB, *app_role = "ics_app";
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", parser.arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('l'):
            if (nd == MAX_DEADLINES)
                return cli_usage_error(CMD, "too many --deadline options");
            deadlines[nd++] = parser.arg;
            break;
        case CLI_KEY('b'): by = parser.arg; break;
        case CLI_KEY('r'): app_role = parser.arg; break;
        case CLI_HELP: return cli_help(self);
        default: return ledger_cli_bad_option(self);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "init takes no file arguments");
    struct ics_ledger *l;
    int rc = ledger_cli_open(db, ICS_LEDGER_CREATE, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    if (ics_store_grant_runtime(ics_ledger_store(l), app_role, &err))
        rc = cli_fail(CMD, &err);
    for (int i = 0; i < nd && !rc; i++) {
        int stage = -1, days = 0;
        if ((rc = parse_deadline(deadlines[i], &stage, &days)))
            break;
        struct ics_ledger_action act = {.actor = by, .on = ledger_cli_today()};
        if (ics_ledger_set_stage_deadline(l, stage, days, &act, &err))
            rc = cli_fail(CMD, &err);
    }
    if (!rc) {
        int version = 0;
        ics_store_schema_version(ics_ledger_store(l), &version, &err);
        char backend[64];
        printf("ledger ready: %s (schema version %d, %s)\n", ics_store_name(ics_ledger_store(l)), version,
               ics_store_backend(ics_ledger_store(l), backend, sizeof backend));
    }
    ics_ledger_close(l);
    return rc;
}

/* ---- submit ----------------------------------------------------------------- */

static const struct cli_option submit_options[] = {
    OPT_DB,
    {"org", CLI_KEY('O'), "CODE", "the submitting organisation (with FILE.csv)"},
    OPT_PERIOD,
    {"manifest", CLI_KEY('m'), "FILE", "submit every file a manifest lists (org,file), one transaction each"},
    {"allow-unknown-org", CLI_KEY('u'), NULL, "accept organisation codes not in the reference data"},
    {"empty", CLI_KEY('e'), NULL, "the organisation has nothing to report: accept a header-only FILE.csv"},
    {"by", CLI_KEY('b'), "WHO", "who submitted (default the organisation)"},
    {"received", CLI_KEY('r'), "DATE", "the day it was received, for returns loaded later (not on a ledger with users)"},
    {"progress", CLI_KEY('P'), NULL, "a line on stderr every 16,384 lines written"},
    {"quiet", CLI_KEY('q'), NULL, "no summary or progress"},
    OPT_END,
};

static void print_problem(void *ctx, const char *file, long line, int column, const char *reason)
{
    (void)ctx;
    fprintf(stderr, "%s:%ld:%d: %s\n", file, line, column, reason);
}

static void print_submitted(const struct ics_ledger_submit_options *o, const struct ics_ledger_submit_result *res)
{
    char m[4][24];
    for (int k = 0; k < 4; k++)
        ics_pence_format(res->totals[k], m[k]);
    if (res->unchanged)
        printf("unchanged: identical to version %d of %s for %s; nothing written\n", res->version, o->period, res->org);
    else
        printf("submitted %s %s version %d: %lld lines; receivable %s, payable %s, income %s, expenditure %s\n",
               res->org, o->period, res->version, (long long)res->lines, m[0], m[1], m[2], m[3]);
}

/* One manifest row's org and path (relative paths are from the manifest's folder). */
static void manifest_entry(const struct ics_csv_row *row, int co, int cf, const char *dir, char *org, size_t org_size,
                           char *path, size_t path_size)
{
    const struct ics_csv_field *fo = &row->fields[co], *ff = &row->fields[cf];
    snprintf(org, org_size, "%.*s", (int)(fo->len < 63 ? fo->len : 63), fo->ptr);
    if (ff->len && ff->ptr[0] == '/')
        snprintf(path, path_size, "%.*s", (int)(ff->len < 4096 ? ff->len : 4096), ff->ptr);
    else
        snprintf(path, path_size, "%s/%.*s", dir, (int)(ff->len < 4096 ? ff->len : 4096), ff->ptr);
}

/* A manifest lists org,file; each file is submitted in its own transaction, so
 * one bad file does not stop the others. Returns the first failure's status. */
static int submit_manifest(struct ics_ledger *l, const char *manifest, struct ics_ledger_submit_options *o, int quiet)
{
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_csv_reader *r;
    if (ics_csv_open(manifest, NULL, &r, &err))
        return cli_fail(CMD, &err);
    static const char *const org_names[] = {"org", NULL}, *const file_names[] = {"file", NULL};
    int co = ics_csv_header_find(ics_csv_reader_header(r), org_names);
    int cf = ics_csv_header_find(ics_csv_reader_header(r), file_names);
    if (co < 0 || cf < 0) {
        ics_csv_close(r);
        ics_error_set(&err, ICS_ERR_MISSING_COLUMN, "%s: the manifest needs columns org and file", manifest);
        return cli_fail(CMD, &err);
    }
    char dir[4096];
    const char *slash = strrchr(manifest, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - manifest) : 1, slash ? manifest : ".");
    int first_rc = 0, rc;
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, &err)) == 1) {
        if (row.nfields <= co || row.nfields <= cf)
            continue;
        char org[64], path[8192];
        manifest_entry(&row, co, cf, dir, org, sizeof org, path, sizeof path);
        o->org = org;
        o->label = path;
        struct ics_error e2;
        ics_error_clear(&e2);
        struct ics_ledger_submit_result res;
        int s = ics_ledger_submit(l, path, o, &res, &e2);
        if (s) {
            cli_fail(CMD, &e2);
            if (!first_rc)
                first_rc = s;
        } else if (!quiet) {
            print_submitted(o, &res);
        }
    }
    ics_csv_close(r);
    if (rc < 0 || rc > 1) {
        cli_fail(CMD, &err);
        if (!first_rc)
            first_rc = rc;
    }
    return first_rc;
}

/* --progress: a line per 16,384 lines written, on stderr, whatever stderr is
 * (for logs of long imports; the crash test uses it to kill mid-write). */
static void progress_lines(void *ctx, uint64_t done, uint64_t total, uint64_t rows)
{
    (void)rows;
    fprintf(stderr, "ics ledger: %s: written %llu of %llu lines\n", (const char *)ctx, (unsigned long long)done,
            (unsigned long long)total);
    fflush(stderr);
}

static int run_submit(const struct cli_command *self, int argc, char **argv)
{
    struct ics_ledger_submit_options o;
    ics_ledger_submit_options_init(&o);
    o.problem = print_problem;
    const char *manifest = NULL, *db = DEFAULT_DB;
    char received[32];
    int quiet = 0, c;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        const char *arg = parser.arg;
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('O'): o.org = arg; break;
        case CLI_KEY('p'): o.period = arg; break;
        case CLI_KEY('u'): o.allow_unknown_org = 1; break;
        case CLI_KEY('e'): o.allow_empty = 1; break;
        case CLI_KEY('b'): o.actor = arg; break;
        case CLI_KEY('r'): {
            int32_t day;
            char text[16];
            if (ics_date_parse(arg, strlen(arg), &day))
                return cli_usage_error(CMD, "bad --received date '%s'", arg);
            /* Noon UTC is the same day in London, summer or winter. */
            ics_date_format(day, text);
            snprintf(received, sizeof received, "%sT12:00:00Z", text);
            o.at = received;
            break;
        }
        case CLI_KEY('q'): quiet = 1; break;
        case CLI_KEY('m'):
            if (ledger_cli_path_arg("--manifest", arg, &manifest))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('P'): o.progress = progress_lines; break;
        case CLI_HELP: return cli_help(self);
        default: return ledger_cli_bad_option(self);
        }
    }
    if (manifest ? optind != argc || o.org : optind + 1 != argc)
        return cli_usage_error(CMD, "submit needs one FILE.csv with --org, or --manifest FILE without them");
    if (!manifest && !o.org)
        return cli_usage_error(CMD, "submit needs --org");
    /* One organisation says it has nothing to report, not every file of a manifest. */
    if (manifest && o.allow_empty)
        return cli_usage_error(CMD, "--empty goes with one FILE.csv and --org, not --manifest");
    if (!o.period || ics_ledger_period_parse(o.period, NULL, NULL, NULL) != 0)
        return cli_usage_error(CMD, "submit needs --period YYYY-YY-Mnn (e.g. 2018-19-M12)");
    struct ics_ledger *l;
    int rc = ledger_cli_open(db, 0, &l);
    if (rc)
        return rc;
    if (manifest) {
        rc = submit_manifest(l, manifest, &o, quiet);
        ics_ledger_close(l);
        return rc;
    }
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_submit_result res;
    struct cli_progress bar;
    cli_progress_init(&bar);
    if (o.progress) {
        o.progress_ctx = (void *)argv[optind];
    } else if (!quiet) {
        o.progress = cli_progress_update;
        o.progress_ctx = &bar;
    }
    rc = ics_ledger_submit(l, argv[optind], &o, &res, &err);
    if (o.progress == cli_progress_update)
        cli_progress_finish(&bar);
    ics_ledger_close(l);
    if (rc) {
        cli_fail(CMD, &err);
        if (res.no_lines && !res.problems)
            fprintf(stderr, "ics " CMD ": if %s really has nothing to report for %s, submit it with --empty\n",
                    res.org, o.period);
        return rc;
    }
    if (!quiet)
        print_submitted(&o, &res);
    return 0;
}

static const struct cli_option check_options[] = {OPT_DB, OPT_END};

static int run_check(const struct cli_command *self, int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    int c;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", parser.arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_HELP: return cli_help(self);
        default: return ledger_cli_bad_option(self);
        }
    }
    struct ics_ledger *l;
    int rc = ledger_cli_open(db, ICS_LEDGER_READ_ONLY, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_check chk;
    rc = ics_ledger_check(l, &chk, &err);
    ics_ledger_close(l);
    if (rc)
        return cli_fail(CMD, &err);
    printf("ok: %lld submissions (%lld current), %lld lines, %lld disputes, %lld audit entries, audit head %s\n",
           (long long)chk.submissions, (long long)chk.current_submissions, (long long)chk.lines,
           (long long)chk.disputes, (long long)chk.audit_entries, chk.audit_head[0] ? chk.audit_head : "(empty)");
    return 0;
}

/* ---- synth ------------------------------------------------------------------------ */

static const struct cli_option synth_options[] = {
    {"dir", CLI_KEY('o'), "DIR", "the directory to write (created if missing)"},
    {"orgs", CLI_KEY('n'), "N", "organisations, 3 to 700 (default 300)"},
    {"lines", CLI_KEY('l'), "N", "invoice lines in all the files, about (default 5000000)"},
    {"seed", CLI_KEY('s'), "S", "random seed (default 0)"},
    {"period", CLI_KEY('p'), "PERIOD", "the period, YYYY-YY-Mnn (default 2022-23-M12)"},
    {"disputes", CLI_KEY('D'), "N", "disputes to list in disputes.csv (default a tenth of the organisations)"},
    OPT_END,
};

static int parse_synth_option(int c, const char *arg, struct ics_synth_ledger_options *o)
{
    long v;
    switch (c) {
    case CLI_KEY('o'): return ledger_cli_path_arg("--dir", arg, &o->dir);
    case CLI_KEY('n'):
        if (cli_parse_long(arg, 3, 700, &v))
            return cli_usage_error(CMD, "bad --orgs '%s' (3 to 700)", arg);
        o->orgs = (int)v;
        return 0;
    case CLI_KEY('l'):
        if (cli_parse_long(arg, 10, 1000000000L, &v))
            return cli_usage_error(CMD, "bad --lines '%s'", arg);
        o->lines = v;
        return 0;
    case CLI_KEY('s'):
        if (cli_parse_long(arg, 0, 2147483647L, &v))
            return cli_usage_error(CMD, "bad --seed '%s'", arg);
        o->seed = (uint64_t)v;
        return 0;
    case CLI_KEY('p'): o->period = arg; return 0;
    case CLI_KEY('D'):
        if (cli_parse_long(arg, 0, 100000, &v))
            return cli_usage_error(CMD, "bad --disputes '%s'", arg);
        o->disputes = (int)v;
        return 0;
    default: return ICS_ERR_INTERNAL;
    }
}

static int run_synth(const struct cli_command *self, int argc, char **argv)
{
    struct ics_synth_ledger_options o;
    ics_synth_ledger_options_init(&o);
    o.seed = 0;
    int c, rc;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP)
            return cli_help(self);
        if (c == CLI_BAD)
            return ledger_cli_bad_option(self);
        if ((rc = parse_synth_option(c, parser.arg, &o)))
            return rc;
    }
    if (!o.dir || optind < argc)
        return cli_usage_error(CMD, "synth needs --dir DIR");
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_synth_ledger_result res;
    if (ics_synth_ledger(&o, &res, &err))
        return cli_fail(CMD, &err);
    printf("wrote %d submissions (%lld lines) and %d disputes to %s\n", res.orgs, (long long)res.lines,
           res.disputes, o.dir);
    return 0;
}

/* ---- the command table ------------------------------------------------------------ */

static const struct cli_command ledger_init = LEDGER_SUB(
    "init", "create the database or bring its schema up to date",
    "ics ledger init [--db FILE|URL] [--app-role ROLE] [--deadline STAGE=DAYS]... [--by WHO]", init_options, run_init);
static const struct cli_command ledger_submit = LEDGER_SUB(
    "submit", "import one organisation's statement for a period",
    "ics ledger submit FILE.csv --org CODE --period PERIOD [--allow-unknown-org] [--empty] [--by WHO]\n"
    "                  [--received DATE] [--progress] [--quiet] [--db FILE]\n"
    "ics ledger submit --manifest FILE --period PERIOD [--allow-unknown-org] [--by WHO] [--received DATE]\n"
    "                  [--quiet] [--db FILE]",
    submit_options, run_submit);
static const struct cli_command ledger_check = LEDGER_SUB(
    "check", "file integrity, line groups against lines, the audit chain",
    "ics ledger check [--db FILE]", check_options, run_check);
static const struct cli_command ledger_synth = LEDGER_SUB(
    "synth", "write a synthetic national period of submission files",
    "ics ledger synth --dir DIR [--orgs N] [--lines N] [--seed S] [--period PERIOD] [--disputes N]",
    synth_options, run_synth);

static const struct cli_command *const ledger_subcommands[] = {
    &ledger_init, &cli_cmd_ledger_exercise, &ledger_submit, &cli_cmd_ledger_tracker, &cli_cmd_ledger_match,
    &cli_cmd_ledger_explain, &cli_cmd_ledger_dispute, &cli_cmd_ledger_disputes, &cli_cmd_ledger_report,
    &cli_cmd_ledger_audit, &cli_cmd_ledger_submissions, &ledger_check, &ledger_synth, NULL,
};

static const struct cli_option ledger_options[] = {
    OPT_DB,
    {"token", CLI_KEY('t'), "TOKEN", "act with this API token (a ledger with users; default $ICS_TOKEN)"},
    OPT_END,
};

static int run_ledger(const struct cli_command *self, int argc, char **argv)
{
    return ledger_cli_run_group(self, argc, argv,
                                "which subcommand? (init, exercise, submit, tracker, match, explain, dispute, "
                                "disputes, report, audit, submissions, check, synth)");
}

const struct cli_command cli_cmd_ledger = {
    .name = "ledger",
    .summary = "agreement of balances, mismatches and disputes",
    .synopsis = "ics ledger [--db FILE] COMMAND [options]   (the database defaults to ics.db)",
    .options = ledger_options,
    .run = run_ledger,
    .subcommands = ledger_subcommands,
    .notes = "--db may come before the command or among its options; --token anywhere. Money is in pounds with at most two\n"
             "decimals; dates are YYYY-MM-DD or DD/MM/YYYY. A FILE or DIR may not start with \"--\".\n"
             "See docs/commands/ledger.md.\n",
};
