/* ics ledger: agreement of balances, mismatches and disputes (docs/commands/ledger.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ics/csv.h"
#include "ics/ledger.h"
#include "ics/synth.h"
#include "ics/store.h"

#define CMD "ledger"

static const char *usage_text =
    "usage: ics ledger SUBCOMMAND [--db FILE] ...   (the database defaults to ics.db)\n"
    "  init      [--deadline STAGE=DAYS]... [--by WHO]\n"
    "  submit    FILE.csv --org CODE --period YYYY-YY-Mnn [--allow-unknown-org] [--by WHO] [--progress]\n"
    "  submit    --manifest FILE --period P ...   (FILE lists org,file; one transaction per file)\n"
    "  match     --period P [--thresholds FILE] [--format csv|json] [-o FILE]\n"
    "  dispute   open --period P --supplier A --purchaser B --amount X [--kind rp|ie]\n"
    "                 [--invoice REF]... [--referee R] [--description TEXT] --by WHO [--date D]\n"
    "  dispute   offer ID --amount X --by WHO [--date D] [--note TEXT]\n"
    "  dispute   escalate ID --by WHO [--to STAGE] [--referee R] [--date D] [--note TEXT]\n"
    "  dispute   determine ID --by REFEREE --award-to PARTY [--amount X] [--date D] [--note TEXT]\n"
    "  dispute   close ID --by WHO --outcome agreed|withdrawn [--amount X] [--date D] [--note TEXT]\n"
    "  disputes  [--org CODE] [--status open|overdue|STAGE] [--older-than DAYS] [--as-of D] [--id N]\n"
    "            [--format csv|json] [-o FILE]\n"
    "  report    --period P [--org CODE] [--as-of D] [--view pairs|orgs] [--thresholds FILE]\n"
    "            [--format csv|json] [-o FILE]\n"
    "  audit     [--verify] [-o FILE]\n"
    "  submissions [--period P] [--org CODE] [--current] [-o FILE]\n"
    "  check     (file integrity, line groups against lines, the audit chain)\n"
    "  synth     --dir DIR [--orgs N] [--lines N] [--seed S] [--period P] [--disputes N]\n"
    "Money is in pounds with at most two decimals; dates are YYYY-MM-DD or DD/MM/YYYY.\n"
    "See docs/commands/ledger.md.\n";

static int32_t today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return ics_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int parse_date(const char *text, int32_t *out)
{
    return ics_date_parse(text, strlen(text), out);
}

static int parse_money(const char *text, int64_t *out)
{
    const char *why;
    return ics_pence_parse(text, strlen(text), out, &why);
}


static int open_ledger(const char *db, int create, struct ics_ledger **l)
{
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_ledger_open(db, create, l, &err);
    if (rc)
        return cli_fail(CMD, &err);
    return ICS_OK;
}

/* ---- init --------------------------------------------------------------- */

static int run_init(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"deadline", required_argument, NULL, 'D'},
        {"by", required_argument, NULL, 'b'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *deadlines[8];
    int nd = 0;
    const char *by = "admin";
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'D':
            if (nd == 8)
                return cli_usage_error(CMD, "too many --deadline options");
            deadlines[nd++] = optarg;
            break;
        case 'b': by = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for init");
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "init takes no file arguments");
    struct ics_ledger *l;
    int rc = open_ledger(db, 1, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    for (int i = 0; i < nd && !rc; i++) {
        char stage[64];
        const char *eq = strchr(deadlines[i], '=');
        long days;
        if (!eq || (size_t)(eq - deadlines[i]) >= sizeof stage) {
            rc = cli_usage_error(CMD, "bad --deadline '%s' (STAGE=DAYS)", deadlines[i]);
            break;
        }
        snprintf(stage, sizeof stage, "%.*s", (int)(eq - deadlines[i]), deadlines[i]);
        int s = ics_ledger_stage_parse(stage);
        if (s < 0 || s == 4 || cli_parse_long(eq + 1, 1, 1000, &days) != 0) {
            rc = cli_usage_error(CMD, "bad --deadline '%s' (STAGE=DAYS, days 1 to 1000)", deadlines[i]);
            break;
        }
        struct ics_ledger_action act = {.actor = by, .on = today()};
        if (ics_ledger_set_stage_deadline(l, s, (int)days, &act, &err))
            rc = cli_fail(CMD, &err);
    }
    if (!rc) {
        int version = 0;
        ics_store_schema_version(ics_ledger_store(l), &version, &err);
        printf("ledger ready: %s (schema version %d, %s)\n", db, version, ics_store_backend());
    }
    ics_ledger_close(l);
    return rc;
}

/* ---- submit ------------------------------------------------------------- */

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

/* A manifest lists org,file (paths relative to the manifest's folder); each
 * file is submitted in its own transaction, so one bad file does not stop the
 * others. Returns the first failure's status. */
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
    long done = 0;
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, &err)) == 1) {
        if (row.nfields <= co || row.nfields <= cf)
            continue;
        char org[64], path[8192];
        const struct ics_csv_field *fo = &row.fields[co], *ff = &row.fields[cf];
        snprintf(org, sizeof org, "%.*s", (int)(fo->len < 63 ? fo->len : 63), fo->ptr);
        if (ff->len && ff->ptr[0] == '/')
            snprintf(path, sizeof path, "%.*s", (int)(ff->len < 4096 ? ff->len : 4096), ff->ptr);
        else
            snprintf(path, sizeof path, "%s/%.*s", dir, (int)(ff->len < 4096 ? ff->len : 4096), ff->ptr);
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
        } else {
            done++;
            if (!quiet)
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

static int run_submit(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"org", required_argument, NULL, 'O'},
        {"period", required_argument, NULL, 'p'}, {"allow-unknown-org", no_argument, NULL, 'u'},
        {"by", required_argument, NULL, 'b'}, {"quiet", no_argument, NULL, 'q'},
        {"manifest", required_argument, NULL, 'm'}, {"progress", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct ics_ledger_submit_options o = {.problem = print_problem};
    const char *manifest = NULL;
    int quiet = 0, c;
    struct cli_progress bar;
    cli_progress_init(&bar);
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'O': o.org = optarg; break;
        case 'p': o.period = optarg; break;
        case 'u': o.allow_unknown_org = 1; break;
        case 'b': o.actor = optarg; break;
        case 'q': quiet = 1; break;
        case 'm': manifest = optarg; break;
        case 'P': o.progress = progress_lines; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for submit");
        }
    }
    if (manifest ? optind != argc || o.org : optind + 1 != argc)
        return cli_usage_error(CMD, "submit needs one FILE.csv with --org, or --manifest FILE without them");
    if (!manifest && !o.org)
        return cli_usage_error(CMD, "submit needs --org");
    if (!o.period || ics_ledger_period_parse(o.period, NULL, NULL, NULL) != 0)
        return cli_usage_error(CMD, "submit needs --period YYYY-YY-Mnn (e.g. 2018-19-M12)");
    struct ics_ledger *l;
    int rc = open_ledger(db, 0, &l);
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
    if (rc)
        return cli_fail(CMD, &err);
    if (!quiet)
        print_submitted(&o, &res);
    return 0;
}

/* ---- match and report ----------------------------------------------------- */

static int load_thresholds(const char *path, struct ics_ledger_thresholds **t)
{
    *t = NULL;
    if (!path)
        return 0;
    struct ics_error err;
    ics_error_clear(&err);
    if (ics_ledger_thresholds_load(path, t, &err))
        return cli_fail(CMD, &err);
    return 0;
}

static int run_match(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"period", required_argument, NULL, 'p'},
        {"thresholds", required_argument, NULL, 't'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *period = NULL, *thresholds = NULL, *output = NULL;
    int json = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': period = optarg; break;
        case 't': thresholds = optarg; break;
        case 'f':
            if (cli_parse_format(CMD, optarg, &json))
                return ICS_ERR_USAGE;
            break;
        case 'o': output = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for match");
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "match takes no file arguments");
    if (!period || ics_ledger_period_parse(period, NULL, NULL, NULL) != 0)
        return cli_usage_error(CMD, "match needs --period YYYY-YY-Mnn");
    struct ics_ledger_thresholds *t;
    int rc = load_thresholds(thresholds, &t);
    if (rc)
        return rc;
    struct ics_ledger *l;
    rc = open_ledger(db, 0, &l);
    if (rc) {
        ics_ledger_thresholds_free(t);
        return rc;
    }
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_match *m = NULL;
    rc = ics_ledger_match(l, period, t, &m, &err);
    FILE *out = NULL;
    if (!rc && !(out = cli_open_output(output, &err)))
        rc = err.code;
    if (!rc) {
        rc = ics_ledger_match_write(m, out, json);
        int rc2 = cli_close_output(out, output, &err);
        if (rc)
            ics_error_set(&err, rc, "error writing the output");
        else
            rc = rc2;
    }
    ics_ledger_match_free(m);
    ics_ledger_thresholds_free(t);
    ics_ledger_close(l);
    return rc ? cli_fail(CMD, &err) : 0;
}

static int run_report(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"period", required_argument, NULL, 'p'},
        {"org", required_argument, NULL, 'O'}, {"as-of", required_argument, NULL, 'a'},
        {"view", required_argument, NULL, 'v'}, {"thresholds", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct ics_ledger_report_options o = {.as_of = today()};
    const char *thresholds = NULL, *output = NULL;
    int json = 0, by_org = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': o.period = optarg; break;
        case 'O': o.org = optarg; break;
        case 'a':
            if (parse_date(optarg, &o.as_of))
                return cli_usage_error(CMD, "bad --as-of date '%s'", optarg);
            break;
        case 'v':
            if (strcmp(optarg, "pairs") == 0)
                by_org = 0;
            else if (strcmp(optarg, "orgs") == 0)
                by_org = 1;
            else
                return cli_usage_error(CMD, "bad --view '%s' (pairs or orgs)", optarg);
            break;
        case 't': thresholds = optarg; break;
        case 'f':
            if (cli_parse_format(CMD, optarg, &json))
                return ICS_ERR_USAGE;
            break;
        case 'o': output = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for report");
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "report takes no file arguments");
    if (!o.period || ics_ledger_period_parse(o.period, NULL, NULL, NULL) != 0)
        return cli_usage_error(CMD, "report needs --period YYYY-YY-Mnn");
    struct ics_ledger_thresholds *t;
    int rc = load_thresholds(thresholds, &t);
    if (rc)
        return rc;
    o.thresholds = t;
    struct ics_ledger *l;
    rc = open_ledger(db, 0, &l);
    if (rc) {
        ics_ledger_thresholds_free(t);
        return rc;
    }
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_report *r = NULL;
    rc = ics_ledger_report(l, &o, &r, &err);
    FILE *out = NULL;
    if (!rc && !(out = cli_open_output(output, &err)))
        rc = err.code;
    if (!rc) {
        rc = ics_ledger_report_write(r, out, json, by_org);
        int rc2 = cli_close_output(out, output, &err);
        if (rc)
            ics_error_set(&err, rc, "error writing the output");
        else
            rc = rc2;
    }
    ics_ledger_report_free(r);
    ics_ledger_thresholds_free(t);
    ics_ledger_close(l);
    return rc ? cli_fail(CMD, &err) : 0;
}

/* ---- disputes --------------------------------------------------------------- */

#define MAX_INVOICES 1000

static int run_dispute(int argc, char **argv, const char *db)
{
    if (argc < 2)
        return cli_usage_error(CMD, "dispute needs an action: open, offer, escalate, determine or close");
    const char *action = argv[1];
    if (strcmp(action, "open") && strcmp(action, "offer") && strcmp(action, "escalate") &&
        strcmp(action, "determine") && strcmp(action, "close"))
        return cli_usage_error(CMD, "unknown dispute action '%s' (open, offer, escalate, determine or close)", action);
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"period", required_argument, NULL, 'p'},
        {"supplier", required_argument, NULL, 'S'}, {"purchaser", required_argument, NULL, 'P'},
        {"kind", required_argument, NULL, 'k'}, {"amount", required_argument, NULL, 'a'},
        {"invoice", required_argument, NULL, 'i'}, {"referee", required_argument, NULL, 'r'},
        {"description", required_argument, NULL, 'D'}, {"by", required_argument, NULL, 'b'},
        {"date", required_argument, NULL, 't'}, {"note", required_argument, NULL, 'n'},
        {"to", required_argument, NULL, 'T'}, {"award-to", required_argument, NULL, 'w'},
        {"outcome", required_argument, NULL, 'u'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct ics_ledger_dispute_spec spec = {.cls = ICS_LEDGER_RP};
    struct ics_ledger_action act = {.on = today()};
    const char **invoices = ics_calloc(MAX_INVOICES, sizeof *invoices);
    if (!invoices)
        return ICS_ERR_NOMEM;
    const char *to = NULL, *award_to = NULL, *outcome = NULL;
    int64_t amount = 0;
    int has_amount = 0, c, rc = 0;
    optind = 0;
    /* Skip the action word: getopt starts at argv[1] as if it were the command name. */
    while (!rc && (c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': spec.period = optarg; break;
        case 'S': spec.supplier = optarg; break;
        case 'P': spec.purchaser = optarg; break;
        case 'k':
            spec.cls = ics_ledger_class_parse(optarg);
            if (spec.cls < 0)
                rc = cli_usage_error(CMD, "bad --kind '%s' (rp or ie)", optarg);
            break;
        case 'a':
            if (parse_money(optarg, &amount))
                rc = cli_usage_error(CMD, "bad --amount '%s' (pounds, at most two decimals)", optarg);
            has_amount = 1;
            break;
        case 'i':
            if (spec.invoice_count == MAX_INVOICES)
                rc = cli_usage_error(CMD, "too many --invoice options");
            else
                invoices[spec.invoice_count++] = optarg;
            break;
        case 'r': spec.referee = optarg; break;
        case 'D': spec.description = optarg; break;
        case 'b': act.actor = optarg; break;
        case 't':
            if (parse_date(optarg, &act.on))
                rc = cli_usage_error(CMD, "bad --date '%s'", optarg);
            break;
        case 'n': act.note = optarg; break;
        case 'T': to = optarg; break;
        case 'w': award_to = optarg; break;
        case 'u': outcome = optarg; break;
        case 'h': fputs(usage_text, stdout); ics_free(invoices); return 0;
        default: rc = cli_usage_error(CMD, "bad option for dispute %s", action);
        }
    }
    spec.invoices = invoices;
    int pos = optind + 1;   /* first operand in argv */
    int64_t id = 0;
    if (!rc && strcmp(action, "open") != 0) {
        long v;
        if (pos + 1 != argc || cli_parse_long(argv[pos], 1, 1000000000L, &v) != 0)
            rc = cli_usage_error(CMD, "dispute %s needs the dispute number", action);
        id = v;
    } else if (!rc && pos != argc) {
        rc = cli_usage_error(CMD, "dispute open takes no operands");
    }
    if (!rc && !act.actor)
        rc = cli_usage_error(CMD, "every dispute action must name who acted (--by CODE)");
    int stage_to = -1;
    if (!rc && to && (stage_to = ics_ledger_stage_parse(to)) < 0)
        rc = cli_usage_error(CMD, "bad --to '%s' (a stage name)", to);
    if (rc) {
        ics_free(invoices);
        return rc;
    }
    struct ics_ledger *l;
    rc = open_ledger(db, 0, &l);
    if (rc) {
        ics_free(invoices);
        return rc;
    }
    struct ics_error err;
    ics_error_clear(&err);
    if (strcmp(action, "open") == 0) {
        if (!has_amount || !spec.period || !spec.supplier || !spec.purchaser) {
            rc = cli_usage_error(CMD, "dispute open needs --period, --supplier, --purchaser and --amount");
        } else {
            spec.amount = amount;
            int64_t new_id;
            if ((rc = ics_ledger_dispute_open(l, &spec, &act, &new_id, &err)))
                rc = cli_fail(CMD, &err);
            else
                printf("dispute %lld opened\n", (long long)new_id);
        }
    } else if (strcmp(action, "offer") == 0) {
        if (!has_amount)
            rc = cli_usage_error(CMD, "dispute offer needs --amount");
        else if ((rc = ics_ledger_dispute_offer(l, id, amount, &act, &err)))
            rc = cli_fail(CMD, &err);
        else
            printf("dispute %lld: offer recorded\n", (long long)id);
    } else if (strcmp(action, "escalate") == 0) {
        if ((rc = ics_ledger_dispute_escalate(l, id, stage_to, spec.referee, &act, &err)))
            rc = cli_fail(CMD, &err);
        else
            printf("dispute %lld escalated\n", (long long)id);
    } else if (strcmp(action, "determine") == 0) {
        if (!award_to && !has_amount)
            rc = cli_usage_error(CMD, "dispute determine needs --award-to PARTY (or --amount equal to a final offer)");
        else if ((rc = ics_ledger_dispute_determine(l, id, award_to, has_amount ? &amount : NULL, &act, &err)))
            rc = cli_fail(CMD, &err);
        else
            printf("dispute %lld determined\n", (long long)id);
    } else if (strcmp(action, "close") == 0) {
        if (!outcome)
            rc = cli_usage_error(CMD, "dispute close needs --outcome agreed|withdrawn");
        else if ((rc = ics_ledger_dispute_close(l, id, outcome, has_amount ? &amount : NULL, &act, &err)))
            rc = cli_fail(CMD, &err);
        else
            printf("dispute %lld closed\n", (long long)id);
    } else {
        rc = cli_usage_error(CMD, "unknown dispute action '%s' (open, offer, escalate, determine, close)", action);
    }
    ics_ledger_close(l);
    ics_free(invoices);
    return rc;
}

static int run_disputes(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"org", required_argument, NULL, 'O'},
        {"status", required_argument, NULL, 's'}, {"older-than", required_argument, NULL, 'y'},
        {"as-of", required_argument, NULL, 'a'}, {"id", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct ics_ledger_dispute_filter f = {.older_than = -1, .as_of = today()};
    const char *output = NULL;
    int json = 0, c;
    long v;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'O': f.org = optarg; break;
        case 's': f.status = optarg; break;
        case 'y':
            if (cli_parse_long(optarg, 0, 100000, &v))
                return cli_usage_error(CMD, "bad --older-than '%s' (days)", optarg);
            f.older_than = (int)v;
            break;
        case 'a':
            if (parse_date(optarg, &f.as_of))
                return cli_usage_error(CMD, "bad --as-of date '%s'", optarg);
            break;
        case 'i':
            if (cli_parse_long(optarg, 1, 1000000000L, &v))
                return cli_usage_error(CMD, "bad --id '%s'", optarg);
            f.id = v;
            break;
        case 'f':
            if (cli_parse_format(CMD, optarg, &json))
                return ICS_ERR_USAGE;
            break;
        case 'o': output = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for disputes");
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "disputes takes no file arguments");
    struct ics_ledger *l;
    int rc = open_ledger(db, 0, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_disputes *d = NULL;
    rc = ics_ledger_disputes_list(l, &f, &d, &err);
    FILE *out = NULL;
    if (!rc && !(out = cli_open_output(output, &err)))
        rc = err.code;
    if (!rc) {
        rc = ics_ledger_disputes_write(d, out, json);
        int rc2 = cli_close_output(out, output, &err);
        if (rc)
            ics_error_set(&err, rc, "error writing the output");
        else
            rc = rc2;
    }
    ics_ledger_disputes_free(d);
    ics_ledger_close(l);
    return rc ? cli_fail(CMD, &err) : 0;
}

/* ---- audit ------------------------------------------------------------------ */

struct audit_out {
    FILE *f;
    int json;
    int first;
};

static void csv_text(FILE *f, const char *s)
{
    ics_csv_write_field(f, s ? s : "", s ? strlen(s) : 0);
}

static int print_entry(void *ctx, const struct ics_ledger_audit_entry *e)
{
    struct audit_out *o = ctx;
    fprintf(o->f, "%lld,", (long long)e->seq);
    csv_text(o->f, e->at);
    fputc(',', o->f);
    csv_text(o->f, e->actor);
    fputc(',', o->f);
    csv_text(o->f, e->action);
    fputc(',', o->f);
    csv_text(o->f, e->subject);
    fputc(',', o->f);
    csv_text(o->f, e->detail);
    fprintf(o->f, ",%s\n", e->hash ? e->hash : "");
    return 0;
}

static int run_audit(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"verify", no_argument, NULL, 'v'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *output = NULL;
    int verify = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'v': verify = 1; break;
        case 'o': output = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for audit");
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "audit takes no file arguments");
    struct ics_ledger *l;
    int rc = open_ledger(db, 0, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    if (verify) {
        struct ics_ledger_audit_check check;
        rc = ics_ledger_audit_verify(l, &check, &err);
        ics_ledger_close(l);
        if (rc == ICS_ERR_FAILED) {
            printf("audit log altered: first bad entry %lld: %s\n", (long long)check.first_bad, check.reason);
            return ICS_ERR_FAILED;
        }
        if (rc)
            return cli_fail(CMD, &err);
        printf("audit log intact: %lld entries, head %s\n", (long long)check.entries,
               check.head[0] ? check.head : "(empty)");
        return 0;
    }
    FILE *out = cli_open_output(output, &err);
    if (!out) {
        ics_ledger_close(l);
        return cli_fail(CMD, &err);
    }
    fputs("seq,at,actor,action,subject,detail,hash\n", out);
    struct audit_out ao = {.f = out};
    rc = ics_ledger_audit_each(l, print_entry, &ao, &err);
    int rc2 = cli_close_output(out, output, &err);
    ics_ledger_close(l);
    if (!rc)
        rc = rc2;
    return rc ? cli_fail(CMD, &err) : 0;
}

/* ---- submissions and check ------------------------------------------------------ */

static int print_submission(void *ctx, const struct ics_ledger_submission *s)
{
    FILE *f = ctx;
    char m[4][24];
    for (int k = 0; k < 4; k++)
        ics_pence_format(s->totals[k], m[k]);
    fprintf(f, "%s,%s,%d,%s,%s,%s,", s->org, s->period, s->version, s->current ? "yes" : "no", s->submitted_at,
            s->submitted_by);
    csv_text(f, s->file);
    fprintf(f, ",%lld,%s,%s,%s,%s,%s\n", (long long)s->lines, m[0], m[1], m[2], m[3], s->sha256);
    return 0;
}

static int run_submissions(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"period", required_argument, NULL, 'p'},
        {"org", required_argument, NULL, 'O'}, {"current", no_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *period = NULL, *org = NULL, *output = NULL;
    int current = 0, c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': period = optarg; break;
        case 'O': org = optarg; break;
        case 'c': current = 1; break;
        case 'o': output = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for submissions");
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "submissions takes no file arguments");
    struct ics_ledger *l;
    int rc = open_ledger(db, 0, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    FILE *out = cli_open_output(output, &err);
    if (!out) {
        ics_ledger_close(l);
        return cli_fail(CMD, &err);
    }
    fputs("org,period,version,current,submitted_at,submitted_by,file,lines,receivable,payable,income,expenditure,"
          "sha256\n", out);
    rc = ics_ledger_submissions_each(l, period, org, current, print_submission, out, &err);
    int rc2 = cli_close_output(out, output, &err);
    ics_ledger_close(l);
    if (!rc)
        rc = rc2;
    return rc ? cli_fail(CMD, &err) : 0;
}

static int run_check(int argc, char **argv, const char *db)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for check");
        }
    }
    struct ics_ledger *l;
    int rc = open_ledger(db, 0, &l);
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

/* ---- synth -------------------------------------------------------------------- */

static int run_synth(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'o'}, {"orgs", required_argument, NULL, 'n'},
        {"lines", required_argument, NULL, 'l'}, {"seed", required_argument, NULL, 's'},
        {"period", required_argument, NULL, 'p'}, {"disputes", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct ics_synth_ledger_options o = {0};
    long v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o.dir = optarg; break;
        case 'n':
            if (cli_parse_long(optarg, 3, 700, &v))
                return cli_usage_error(CMD, "bad --orgs '%s' (3 to 700)", optarg);
            o.orgs = (int)v;
            break;
        case 'l':
            if (cli_parse_long(optarg, 10, 1000000000L, &v))
                return cli_usage_error(CMD, "bad --lines '%s'", optarg);
            o.lines = v;
            break;
        case 's':
            if (cli_parse_long(optarg, 0, 2147483647L, &v))
                return cli_usage_error(CMD, "bad --seed '%s'", optarg);
            o.seed = (uint64_t)v;
            break;
        case 'p': o.period = optarg; break;
        case 'D':
            if (cli_parse_long(optarg, 0, 100000, &v))
                return cli_usage_error(CMD, "bad --disputes '%s'", optarg);
            o.disputes = (int)v;
            break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return cli_usage_error(CMD, "bad option for synth");
        }
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

static int cmd_ledger(int argc, char **argv)
{
    const char *db = "ics.db";
    /* Allow "ics ledger --db FILE SUBCOMMAND ..." as well as --db after the subcommand. */
    while (argc > 2 && strcmp(argv[1], "--db") == 0) {
        db = argv[2];
        argv[2] = argv[0];
        argv += 2;
        argc -= 2;
    }
    if (argc > 1 && strncmp(argv[1], "--db=", 5) == 0) {
        db = argv[1] + 5;
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    if (argc < 2)
        return cli_usage_error(CMD, "which subcommand? (init, submit, match, dispute, disputes, report, audit, submissions, check, synth)");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    /* Each subcommand parses argv[1..] with argv[1] (its name) in the command's place. */
    argc--;
    argv++;
    if (strcmp(sub, "init") == 0)
        return run_init(argc, argv, db);
    if (strcmp(sub, "submit") == 0)
        return run_submit(argc, argv, db);
    if (strcmp(sub, "match") == 0)
        return run_match(argc, argv, db);
    if (strcmp(sub, "dispute") == 0)
        return run_dispute(argc, argv, db);
    if (strcmp(sub, "disputes") == 0)
        return run_disputes(argc, argv, db);
    if (strcmp(sub, "report") == 0)
        return run_report(argc, argv, db);
    if (strcmp(sub, "audit") == 0)
        return run_audit(argc, argv, db);
    if (strcmp(sub, "synth") == 0)
        return run_synth(argc, argv);
    if (strcmp(sub, "submissions") == 0)
        return run_submissions(argc, argv, db);
    if (strcmp(sub, "check") == 0)
        return run_check(argc, argv, db);
    return cli_usage_error(CMD, "unknown subcommand '%s'", sub);
}

static int run_ledger(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return cmd_ledger(argc, argv);
}

const struct cli_command cli_cmd_ledger = {
    .name = "ledger",
    .summary = "agreement of balances, mismatches and disputes",
    .synopsis = "ics ledger init|submit|match|dispute|disputes|report|audit|submissions|check|synth ...",
    .run = run_ledger,
    .notes = "See docs/commands/ledger.md.\n",
};
