/* ics ledger match, report, disputes, audit and submissions: the sub-commands that read the ledger
 * and write a table (docs/commands/ledger.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_ledger.h"
#include "ics/csv.h"
#include "ics/ledger.h"

#define CMD LEDGER_CMD
#define DEFAULT_DB LEDGER_DEFAULT_DB

#define OPT_DB LEDGER_OPT_DB
#define OPT_PERIOD {"period", CLI_KEY('p'), "PERIOD", "the period, YYYY-YY-Mnn (e.g. 2018-19-M12)"}
#define OPT_FORMAT {"format", CLI_KEY('f'), "csv|json", "output format (default csv)"}
#define OPT_OUTPUT {"output", 'o', "FILE", "write to FILE (default standard output)"}
#define OPT_THRESHOLDS {"thresholds", CLI_KEY('t'), "FILE", "statement and agreement thresholds (default built in)"}
#define OPT_END LEDGER_OPT_END

static int parse_date(const char *text, int32_t *out)
{
    return ics_date_parse(text, strlen(text), out);
}

/* Opens FILE (or standard output), writes through fn, closes; fn returns ICS_OK or ICS_ERR_IO. */
static int write_output(const char *path, int (*fn)(const void *obj, FILE *out, int json, int view), const void *obj,
                        int json, int view, struct ics_error *err)
{
    FILE *out = cli_open_output(path, err);
    if (!out)
        return err->code;
    int rc = fn(obj, out, json, view);
    int rc2 = cli_close_output(out, path, err);
    if (rc)
        return ics_error_set(err, rc, "error writing the output");
    return rc2;
}

/* ---- match and report --------------------------------------------------------- */

static const struct cli_option match_options[] = {
    OPT_DB,
    OPT_PERIOD,
    {"as-of", CLI_KEY('a'), "DATE", "with the disputes as they stood at the end of DATE (default: as they are now)"},
    OPT_THRESHOLDS,
    OPT_FORMAT,
    OPT_OUTPUT,
    CLI_TABLE_OPTIONS,
    OPT_END,
};

static const struct cli_option report_options[] = {
    OPT_DB,
    OPT_PERIOD,
    {"org", CLI_KEY('O'), "CODE", "only this organisation's pairs and row"},
    {"as-of", CLI_KEY('a'), "DATE", "the board as it stood at the end of DATE: disputes, ages, overdue (default today)"},
    {"view", CLI_KEY('v'), "pairs|orgs", "one row per pair (default) or per organisation"},
    OPT_THRESHOLDS,
    OPT_FORMAT,
    OPT_OUTPUT,
    CLI_TABLE_OPTIONS,
    OPT_END,
};

static const struct cli_option tracker_options[] = {
    OPT_DB,
    OPT_PERIOD,
    {"as-of", CLI_KEY('a'), "DATE", "as it stood at the end of DATE: who had submitted, who was late (default today)"},
    {"view", CLI_KEY('V'), "organisations|statements", "one row per organisation (default) or per statement required"},
    OPT_THRESHOLDS,
    OPT_FORMAT,
    OPT_OUTPUT,
    CLI_TABLE_OPTIONS,
    OPT_END,
};

/* What match, report and tracker read: the common options, parsed by one function. */
struct board_args {
    const char *db, *period, *org, *thresholds, *output;
    int32_t as_of;
    int json, by_org;
    struct cli_table_output table;   /* --xlsx, --disclosure-control */
};

/* The same, through the table outputs (--xlsx, --disclosure-control) under `schema`. */
struct board_table {
    int (*fn)(const void *obj, FILE *out, int json, int view);
    const void *obj;
    int view;
};

static int board_csv(const void *p, FILE *out, struct ics_error *err)
{
    const struct board_table *b = p;
    int rc = b->fn(b->obj, out, 0, b->view);
    return rc ? ics_error_set(err, rc, "error writing the output") : ICS_OK;
}

static int board_json(const void *p, FILE *out, struct ics_error *err)
{
    const struct board_table *b = p;
    int rc = b->fn(b->obj, out, 1, b->view);
    return rc ? ics_error_set(err, rc, "error writing the output") : ICS_OK;
}

static int write_table_output(const struct cli_table_output *table, const char *output, int json, const char *schema,
                              int (*fn)(const void *obj, FILE *out, int json, int view), const void *obj, int view,
                              struct ics_error *err)
{
    if (!cli_table_wanted(table))
        return write_output(output, fn, obj, json, view, err);
    FILE *out = cli_open_output(output, err);
    if (!out)
        return err->code;
    struct board_table b = {fn, obj, view};
    int rc = cli_table_emit(table, schema, &b, board_csv, json ? board_json : NULL, out, err);
    int rc2 = cli_close_output(out, output, rc ? NULL : err);
    return rc ? rc : rc2;
}

static int write_board_output(const struct board_args *a, const char *schema,
                              int (*fn)(const void *obj, FILE *out, int json, int view), const void *obj, int view,
                              struct ics_error *err)
{
    return write_table_output(&a->table, a->output, a->json, schema, fn, obj, view, err);
}

static int parse_board_option(int c, const char *arg, struct board_args *a)
{
    switch (c) {
    case CLI_KEY('d'): return ledger_cli_path_arg("--db", arg, &a->db);
    case CLI_KEY('p'): a->period = arg; return 0;
    case CLI_KEY('O'): a->org = arg; return 0;
    case CLI_KEY('a'):
        if (parse_date(arg, &a->as_of))
            return cli_usage_error(CMD, "bad --as-of date '%s'", arg);
        return 0;
    case CLI_KEY('v'):
        if (strcmp(arg, "pairs") != 0 && strcmp(arg, "orgs") != 0)
            return cli_usage_error(CMD, "bad --view '%s' (pairs or orgs)", arg);
        a->by_org = strcmp(arg, "orgs") == 0;
        return 0;
    case CLI_KEY('V'):
        if (strcmp(arg, "organisations") != 0 && strcmp(arg, "statements") != 0)
            return cli_usage_error(CMD, "bad --view '%s' (organisations or statements)", arg);
        a->by_org = strcmp(arg, "statements") == 0;
        return 0;
    case CLI_KEY('t'): return ledger_cli_path_arg("--thresholds", arg, &a->thresholds);
    case CLI_KEY('f'): return cli_parse_format(CMD, arg, &a->json);
    case 'o': return ledger_cli_path_arg("-o", arg, &a->output);
    default: {
        int status;
        return cli_table_option(&a->table, CMD, c, arg, &status) ? status : ICS_ERR_INTERNAL;
    }
    }
}

/* Parses match's or report's options and checks the period; 1 after --help. */
static int parse_board(const struct cli_command *self, int argc, char **argv, struct board_args *a)
{
    memset(a, 0, sizeof *a);
    a->db = DEFAULT_DB;
    a->as_of = ICS_DATE_NONE;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c, rc;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP) {
            cli_help(self);
            return 1;
        }
        if (c == CLI_BAD)
            return ledger_cli_bad_option(self);
        if ((rc = parse_board_option(c, parser.arg, a)))
            return rc;
    }
    if (optind < argc)
        return cli_usage_error(CMD, "%s takes no file arguments", self->name);
    if (!a->period || ics_ledger_period_parse(a->period, NULL, NULL, NULL) != 0)
        return cli_usage_error(CMD, "%s needs --period YYYY-YY-Mnn", self->name);
    return cli_table_check(&a->table, CMD, a->json);
}

/* The thresholds file (if any) and the ledger. */
static int open_board(const struct board_args *a, struct ics_ledger_thresholds **t, struct ics_ledger **l)
{
    *t = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    if (a->thresholds && ics_ledger_thresholds_load(a->thresholds, t, &err))
        return cli_fail(CMD, &err);
    int rc = ledger_cli_open(a->db, ICS_LEDGER_READ_ONLY, l);
    if (rc) {
        ics_ledger_thresholds_free(*t);
        *t = NULL;
    }
    return rc;
}

/* What match, report and tracker each build from the ledger, write and free; one runner does the rest. */
struct board_job {
    int (*build)(struct ics_ledger *l, const struct board_args *a, const struct ics_ledger_thresholds *t, void **obj,
                 struct ics_error *err);
    int (*write)(const void *obj, FILE *out, int json, int view);
    void (*release)(void *obj);
    const char *schema, *view_schema;   /* the table schemas of view 0 and view 1 */
};

static int run_board(const struct cli_command *self, int argc, char **argv, const struct board_job *job)
{
    struct board_args a;
    int rc = parse_board(self, argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    struct ics_ledger_thresholds *t;
    struct ics_ledger *l;
    if ((rc = open_board(&a, &t, &l)))
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    void *obj = NULL;
    rc = job->build(l, &a, t, &obj, &err);
    if (!rc)
        rc = write_board_output(&a, a.by_org ? job->view_schema : job->schema, job->write, obj, a.by_org, &err);
    job->release(obj);
    ics_ledger_thresholds_free(t);
    ics_ledger_close(l);
    return rc ? cli_fail(CMD, &err) : 0;
}

static int build_match(struct ics_ledger *l, const struct board_args *a, const struct ics_ledger_thresholds *t,
                       void **obj, struct ics_error *err)
{
    struct ics_ledger_match *m = NULL;
    int rc = ics_ledger_match_at(l, a->period, t, a->as_of, &m, err);
    *obj = m;
    return rc;
}

static int write_match(const void *m, FILE *out, int json, int view)
{
    (void)view;
    return ics_ledger_match_write(m, out, json);
}

static void free_match(void *m)
{
    ics_ledger_match_free(m);
}

static int build_report(struct ics_ledger *l, const struct board_args *a, const struct ics_ledger_thresholds *t,
                        void **obj, struct ics_error *err)
{
    struct ics_ledger_report_options o;
    ics_ledger_report_options_init(&o);
    o.period = a->period;
    o.org = a->org;
    o.as_of = a->as_of == ICS_DATE_NONE ? ledger_cli_today() : a->as_of;
    o.thresholds = t;
    struct ics_ledger_report *r = NULL;
    int rc = ics_ledger_report(l, &o, &r, err);
    *obj = r;
    return rc;
}

static int write_report(const void *r, FILE *out, int json, int by_org)
{
    return ics_ledger_report_write(r, out, json, by_org);
}

static void free_report(void *r)
{
    ics_ledger_report_free(r);
}

static int build_tracker(struct ics_ledger *l, const struct board_args *a, const struct ics_ledger_thresholds *t,
                         void **obj, struct ics_error *err)
{
    int32_t as_of = a->as_of == ICS_DATE_NONE ? ledger_cli_today() : a->as_of;
    struct ics_ledger_tracker *tr = NULL;
    int rc = ics_ledger_tracker(l, a->period, t, as_of, &tr, err);
    *obj = tr;
    return rc;
}

static int write_tracker(const void *t, FILE *out, int json, int view)
{
    return ics_ledger_tracker_write(t, out, json, view);
}

static void free_tracker(void *t)
{
    ics_ledger_tracker_free(t);
}

static int run_match(const struct cli_command *self, int argc, char **argv)
{
    static const struct board_job job = {build_match, write_match, free_match, "ledger-match", "ledger-match"};
    return run_board(self, argc, argv, &job);
}

static int run_report(const struct cli_command *self, int argc, char **argv)
{
    static const struct board_job job = {build_report, write_report, free_report, "ledger-board", "ledger-orgs"};
    return run_board(self, argc, argv, &job);
}

static int run_tracker(const struct cli_command *self, int argc, char **argv)
{
    static const struct board_job job = {build_tracker, write_tracker, free_tracker, "ledger-tracker",
                                         "ledger-tracker-statements"};
    return run_board(self, argc, argv, &job);
}

/* ---- disputes ------------------------------------------------------------------- */

static const struct cli_option disputes_options[] = {
    OPT_DB,
    {"org", CLI_KEY('O'), "CODE", "disputes where this organisation is a party"},
    {"status", CLI_KEY('s'), "STATUS", "open, overdue or a stage name"},
    {"older-than", CLI_KEY('y'), "DAYS", "opened more than DAYS calendar days before the as-of date"},
    {"as-of", CLI_KEY('a'), "DATE", "the disputes as they stood at the end of DATE, ages and overdue flags then (default today)"},
    {"id", CLI_KEY('i'), "N", "only dispute N"},
    OPT_FORMAT,
    OPT_OUTPUT,
    CLI_TABLE_OPTIONS,
    OPT_END,
};

static int parse_disputes_option(int c, const char *arg, struct ics_ledger_dispute_filter *f, const char **db,
                                 const char **output, int *json, struct cli_table_output *table)
{
    long v;
    switch (c) {
    case CLI_KEY('d'): return ledger_cli_path_arg("--db", arg, db);
    case CLI_KEY('O'): f->org = arg; return 0;
    case CLI_KEY('s'): f->status = arg; return 0;
    case CLI_KEY('y'):
        if (cli_parse_long(arg, 0, 100000, &v))
            return cli_usage_error(CMD, "bad --older-than '%s' (days)", arg);
        f->older_than = (int)v;
        return 0;
    case CLI_KEY('a'):
        if (parse_date(arg, &f->as_of))
            return cli_usage_error(CMD, "bad --as-of date '%s'", arg);
        return 0;
    case CLI_KEY('i'):
        if (cli_parse_long(arg, 1, 1000000000L, &v))
            return cli_usage_error(CMD, "bad --id '%s'", arg);
        f->id = v;
        return 0;
    case CLI_KEY('f'): return cli_parse_format(CMD, arg, json);
    case 'o': return ledger_cli_path_arg("-o", arg, output);
    default: {
        int status;
        return cli_table_option(table, CMD, c, arg, &status) ? status : ICS_ERR_INTERNAL;
    }
    }
}

static int write_disputes(const void *d, FILE *out, int json, int view)
{
    (void)view;
    return ics_ledger_disputes_write(d, out, json);
}

static int run_disputes(const struct cli_command *self, int argc, char **argv)
{
    struct ics_ledger_dispute_filter f;
    ics_ledger_dispute_filter_init(&f);
    f.as_of = ledger_cli_today();
    const char *output = NULL, *db = DEFAULT_DB;
    int json = 0, c, rc;
    struct cli_table_output table = {0};
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP)
            return cli_help(self);
        if (c == CLI_BAD)
            return ledger_cli_bad_option(self);
        if ((rc = parse_disputes_option(c, parser.arg, &f, &db, &output, &json, &table)))
            return rc;
    }
    if (optind < argc)
        return cli_usage_error(CMD, "disputes takes no file arguments");
    if ((rc = cli_table_check(&table, CMD, json)))
        return rc;
    struct ics_ledger *l;
    if ((rc = ledger_cli_open(db, ICS_LEDGER_READ_ONLY, &l)))
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_disputes *d = NULL;
    rc = ics_ledger_disputes_list(l, &f, &d, &err);
    if (!rc)
        rc = write_table_output(&table, output, json, "ledger-disputes", write_disputes, d, 0, &err);
    ics_ledger_disputes_free(d);
    ics_ledger_close(l);
    return rc ? cli_fail(CMD, &err) : 0;
}

/* ---- audit ----------------------------------------------------------------------- */

static const struct cli_option audit_options[] = {
    OPT_DB,
    {"verify", CLI_KEY('v'), NULL, "recompute the hash chain, replay the state from it and compare the tables"},
    {"head", CLI_KEY('H'), NULL, "print only the chain's head hash (to keep outside the database)"},
    {"expect-head", CLI_KEY('E'), "HASH", "with --verify: fail unless the head is HASH (a truncated or rewritten log)"},
    OPT_OUTPUT,
    CLI_TABLE_OPTIONS,
    OPT_END,
};

static void csv_text(FILE *f, const char *s)
{
    ics_csv_write_field(f, s ? s : "", s ? strlen(s) : 0);
}

static int print_entry(void *ctx, const struct ics_ledger_audit_entry *e)
{
    FILE *f = ctx;
    fprintf(f, "%lld,", (long long)e->seq);
    csv_text(f, e->at);
    fputc(',', f);
    csv_text(f, e->actor);
    fputc(',', f);
    csv_text(f, e->action);
    fputc(',', f);
    csv_text(f, e->subject);
    fputc(',', f);
    csv_text(f, e->detail);
    fprintf(f, ",%s,", e->hash ? e->hash : "");
    csv_text(f, e->user);
    fputc('\n', f);
    return 0;
}

/* head_only: print the head hash alone. expect: the head kept from before, or NULL. */
static int verify_audit(struct ics_ledger *l, int head_only, const char *expect)
{
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_ledger_audit_check check;
    int rc = ics_ledger_audit_verify(l, &check, &err);
    if (rc == ICS_ERR_FAILED && check.first_bad) {
        printf("audit log altered: first bad entry %lld: %s\n", (long long)check.first_bad, check.reason);
        return ICS_ERR_FAILED;
    }
    if (rc == ICS_ERR_FAILED) {
        printf("ledger state altered: %s\n", check.state_diff);
        return ICS_ERR_FAILED;
    }
    if (rc)
        return cli_fail(CMD, &err);
    if (expect && strcmp(expect, check.head) != 0) {
        printf("audit log head is %s, expected %s: the log has changed since (new entries, or truncated or rewritten)\n",
               check.head[0] ? check.head : "(empty)", expect);
        return ICS_ERR_FAILED;
    }
    if (head_only) {
        printf("%s\n", check.head);
        return 0;
    }
    printf("audit log intact: %lld entries, head %s; ", (long long)check.entries, check.head[0] ? check.head : "(empty)");
    if (check.state_checked)
        printf("every state table is as the log has it\n");
    else
        printf("state not proven: %lld entries are from before the log carried it\n", (long long)check.legacy_entries);
    return 0;
}

/* The ledger whose log is written (a struct, as the table writer is handed a const pointer). */
struct audit_of {
    struct ics_ledger *l;
};

static int write_audit_csv(const void *p, FILE *out, struct ics_error *err)
{
    fputs("seq,at,actor,action,subject,detail,hash,user\n", out);
    return ics_ledger_audit_each(((const struct audit_of *)p)->l, print_entry, out, err);
}

static int run_audit(const struct cli_command *self, int argc, char **argv)
{
    const char *output = NULL, *db = DEFAULT_DB;
    int verify = 0, head = 0, c;
    const char *expect = NULL;
    struct cli_table_output table = {0};
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", parser.arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('v'): verify = 1; break;
        case CLI_KEY('H'): head = 1; break;
        case CLI_KEY('E'): expect = parser.arg; break;
        case 'o':
            if (ledger_cli_path_arg("-o", parser.arg, &output))
                return ICS_ERR_USAGE;
            break;
        case CLI_HELP: return cli_help(self);
        default: {
            int status;
            if (cli_table_option(&table, CMD, c, parser.arg, &status)) {
                if (status)
                    return status;
                break;
            }
            return ledger_cli_bad_option(self);
        }
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "audit takes no file arguments");
    if (expect && !verify)
        return cli_usage_error(CMD, "--expect-head goes with --verify");
    struct ics_ledger *l;
    int rc = ledger_cli_open(db, ICS_LEDGER_READ_ONLY, &l);
    if (rc)
        return rc;
    if (verify || head) {
        rc = verify_audit(l, head, expect);
        ics_ledger_close(l);
        return rc;
    }
    struct ics_error err;
    ics_error_clear(&err);
    FILE *out = cli_open_output(output, &err);
    if (!out) {
        ics_ledger_close(l);
        return cli_fail(CMD, &err);
    }
    struct audit_of what = {l};
    rc = cli_table_emit(&table, "ledger-audit", &what, write_audit_csv, NULL, out, &err);
    int rc2 = cli_close_output(out, output, rc ? NULL : &err);
    ics_ledger_close(l);
    if (!rc)
        rc = rc2;
    return rc ? cli_fail(CMD, &err) : 0;
}

/* ---- submissions and check --------------------------------------------------------- */

static const struct cli_option submissions_options[] = {
    OPT_DB,
    {"period", CLI_KEY('p'), "PERIOD", "only this period"},
    {"org", CLI_KEY('O'), "CODE", "only this organisation"},
    {"current", CLI_KEY('c'), NULL, "only current versions"},
    OPT_OUTPUT,
    CLI_TABLE_OPTIONS,
    OPT_END,
};

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

/* What `submissions` lists, for the table writer. */
struct listing {
    struct ics_ledger *l;
    const char *period, *org;
    int current;
};

static int write_submissions_csv(const void *p, FILE *out, struct ics_error *err)
{
    const struct listing *w = p;
    fputs("org,period,version,current,submitted_at,submitted_by,file,lines,receivable,payable,income,expenditure,"
          "sha256\n", out);
    return ics_ledger_submissions_each(w->l, w->period, w->org, w->current, print_submission, out, err);
}

static int run_submissions(const struct cli_command *self, int argc, char **argv)
{
    const char *period = NULL, *org = NULL, *output = NULL, *db = DEFAULT_DB;
    int current = 0, c;
    struct cli_table_output table = {0};
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", parser.arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('p'): period = parser.arg; break;
        case CLI_KEY('O'): org = parser.arg; break;
        case CLI_KEY('c'): current = 1; break;
        case 'o':
            if (ledger_cli_path_arg("-o", parser.arg, &output))
                return ICS_ERR_USAGE;
            break;
        case CLI_HELP: return cli_help(self);
        default: {
            int status;
            if (cli_table_option(&table, CMD, c, parser.arg, &status)) {
                if (status)
                    return status;
                break;
            }
            return ledger_cli_bad_option(self);
        }
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "submissions takes no file arguments");
    struct ics_ledger *l;
    int rc = ledger_cli_open(db, ICS_LEDGER_READ_ONLY, &l);
    if (rc)
        return rc;
    struct ics_error err;
    ics_error_clear(&err);
    FILE *out = cli_open_output(output, &err);
    if (!out) {
        ics_ledger_close(l);
        return cli_fail(CMD, &err);
    }
    struct listing what = {l, period, org, current};
    rc = cli_table_emit(&table, "ledger-submissions", &what, write_submissions_csv, NULL, out, &err);
    int rc2 = cli_close_output(out, output, rc ? NULL : &err);
    ics_ledger_close(l);
    if (!rc)
        rc = rc2;
    return rc ? cli_fail(CMD, &err) : 0;
}

/* ---- the sub-commands ---------------------------------------------------------------- */

const struct cli_command cli_cmd_ledger_match = LEDGER_SUB(
    "match", "compare both sides of every balance of a period",
    "ics ledger match --period PERIOD [--as-of DATE] [--thresholds FILE] [--format csv|json] [-o FILE] [--db FILE]",
    match_options, run_match);
const struct cli_command cli_cmd_ledger_tracker = LEDGER_SUB(
    "tracker", "an exercise's tracker: who has submitted, who is late, which statements are required",
    "ics ledger tracker --period PERIOD [--as-of DATE] [--view organisations|statements]\n"
    "                   [--thresholds FILE] [--format csv|json] [-o FILE] [--db FILE]",
    tracker_options, run_tracker);
const struct cli_command cli_cmd_ledger_disputes = LEDGER_SUB(
    "disputes", "list disputes with their stage, deadline and offers",
    "ics ledger disputes [--org CODE] [--status open|overdue|STAGE] [--older-than DAYS] [--as-of DATE]\n"
    "                    [--id N] [--format csv|json] [-o FILE] [--db FILE]",
    disputes_options, run_disputes);
const struct cli_command cli_cmd_ledger_report = LEDGER_SUB(
    "report", "the squabble board: what each pair and organisation must still agree",
    "ics ledger report --period PERIOD [--org CODE] [--as-of DATE] [--view pairs|orgs]\n"
    "                  [--thresholds FILE] [--format csv|json] [-o FILE] [--db FILE]",
    report_options, run_report);
const struct cli_command cli_cmd_ledger_audit = LEDGER_SUB(
    "audit", "the hash-chained audit log, or a check of it",
    "ics ledger audit [--verify [--expect-head HASH]] [--head] [-o FILE] [--db FILE]", audit_options, run_audit);
const struct cli_command cli_cmd_ledger_submissions = LEDGER_SUB(
    "submissions", "every stored submission and version with its totals",
    "ics ledger submissions [--period PERIOD] [--org CODE] [--current] [-o FILE] [--db FILE]",
    submissions_options, run_submissions);
