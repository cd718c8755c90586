/*
 * Unit tests of the ledger: periods, working days, organisation codes,
 * thresholds, submissions (all or nothing, versions), matching, disputes,
 * the audit chain and allocation failures (the store itself, and a whole run
 * failing inside SQLite, are in test_store.c). Expected values are worked by
 * hand in the comments; none is copied from the program's output.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ics/ledger.h"
#include "ics/store.h"
#include "ledger/ledger_internal.h"

static char tmpdir[64];
static char dbpath[600];
static int dbcount;
/* The PostgreSQL run: the owner's URL of the test cluster (tests/run.sh), and
 * whether the tests now run there (each fresh ledger a new database). */
static const char *pg_owner_url;
static int on_postgres;

static int32_t D(const char *iso)
{
    int32_t d = 0;
    ics_date_parse(iso, strlen(iso), &d);
    return d;
}

static void write_file(const char *name, const char *text, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* A new, empty PostgreSQL database of the test cluster; its URL in dbpath. */
static int new_pg_database(void)
{
    struct ics_store *s;
    struct ics_error err;
    ics_error_clear(&err);
    if (ics_store_open(pg_owner_url, ICS_STORE_CREATE | ICS_STORE_AS_OWNER, &s, &err) != ICS_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return -1;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE unit_ledger_%d_%d TEMPLATE template0", (int)getpid(), ++dbcount);
    int rc = ics_store_exec(s, sql, &err);
    ics_store_close(s);
    if (rc) {
        fprintf(stderr, "create: %s\n", err.message);
        return -1;
    }
    const char *slash = strrchr(pg_owner_url, '/');
    snprintf(dbpath, sizeof dbpath, "%.*s/unit_ledger_%d_%d", (int)(slash - pg_owner_url), pg_owner_url, (int)getpid(),
             dbcount);
    return 0;
}

/* Lets the test edit the audit log as someone with the database in hand could. */
static int unguard_audit(struct ics_store *s, struct ics_error *err)
{
    if (ics_store_is_postgres(s))
        return ics_store_exec(s, "ALTER TABLE audit DISABLE TRIGGER USER", err);
    return ics_store_exec(s, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete", err);
}

/* A fresh database per test. */
static struct ics_ledger *fresh(void)
{
    if (on_postgres) {
        if (new_pg_database() != 0)
            return NULL;
    } else {
        snprintf(dbpath, sizeof dbpath, "%s/t%d.db", tmpdir, ++dbcount);
    }
    struct ics_ledger *l = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    if (ics_ledger_open(dbpath, 1, &l, &err) != ICS_OK)
        fprintf(stderr, "open: %s\n", err.message);
    return l;
}

/* ---- periods and calendar ------------------------------------------------- */

static void test_periods(void)
{
    int32_t a, b, y;
    CHECK_INT(ics_ledger_period_parse("2018-19-M12", &a, &b, &y), 0);
    CHECK_INT(a, D("2019-03-01"));
    CHECK_INT(b, D("2019-03-31"));
    CHECK_INT(y, D("2018-04-01"));
    CHECK_INT(ics_ledger_period_parse("2018-19-M01", &a, &b, &y), 0);
    CHECK_INT(a, D("2018-04-01"));
    CHECK_INT(b, D("2018-04-30"));
    CHECK_INT(ics_ledger_period_parse("2018-19-M09", &a, &b, NULL), 0);
    CHECK_INT(a, D("2018-12-01"));
    CHECK_INT(b, D("2018-12-31"));
    CHECK_INT(ics_ledger_period_parse("2019-20-M11", &a, &b, NULL), 0);   /* February 2020: leap */
    CHECK_INT(b, D("2020-02-29"));
    CHECK_INT(ics_ledger_period_parse("1999-00-M10", &a, NULL, NULL), 0); /* century wrap */
    CHECK_INT(a, D("2000-01-01"));
    CHECK_INT(ics_ledger_period_parse("2018-20-M12", NULL, NULL, NULL), -1);
    CHECK_INT(ics_ledger_period_parse("2018-19-M13", NULL, NULL, NULL), -1);
    CHECK_INT(ics_ledger_period_parse("2018-19-M00", NULL, NULL, NULL), -1);
    CHECK_INT(ics_ledger_period_parse("2018-19-12", NULL, NULL, NULL), -1);
    CHECK_INT(ics_ledger_period_parse("2018-19-M1", NULL, NULL, NULL), -1);
    CHECK_INT(ics_ledger_period_parse("", NULL, NULL, NULL), -1);
}

static void test_working_days(void)
{
    CHECK(!ics_ledger_is_working_day(D("2019-04-06")));   /* Saturday */
    CHECK(!ics_ledger_is_working_day(D("2019-04-19")));   /* Good Friday */
    CHECK(!ics_ledger_is_working_day(D("2019-04-22")));   /* Easter Monday */
    CHECK(ics_ledger_is_working_day(D("2019-04-23")));
    CHECK(!ics_ledger_is_working_day(D("2022-09-19")));   /* State Funeral */
    CHECK(!ics_ledger_is_working_day(D("2020-12-28")));   /* substitute Boxing Day */
    CHECK(ics_ledger_is_working_day(D("2020-05-04")));    /* early May moved to the 8th that year */
    CHECK(!ics_ledger_is_working_day(D("2020-05-08")));
    /* 2019-04-01 (Mon) + 15: 2-5 Apr (4), 8-12 (9), 15-18 (13), 19 and 22 are holidays, 23 (14), 24 (15). */
    CHECK_INT(ics_ledger_add_working_days(D("2019-04-01"), 15), D("2019-04-24"));
    /* Thu 24 Dec 2020 + 1: 25 Christmas, 26-27 weekend, 28 substitute -> Tue 29. */
    CHECK_INT(ics_ledger_add_working_days(D("2020-12-24"), 1), D("2020-12-29"));
    CHECK_INT(ics_ledger_add_working_days(D("2022-09-16"), 1), D("2022-09-20"));
    CHECK_INT(ics_ledger_add_working_days(D("2023-05-05"), 1), D("2023-05-09"));   /* coronation Monday */
    CHECK_INT(ics_ledger_add_working_days(D("2019-04-01"), 0), D("2019-04-01"));
    /* (24 Apr, 1 May 2019]: 25, 26, 29, 30 Apr, 1 May. */
    CHECK_INT(ics_ledger_working_days_between(D("2019-04-24"), D("2019-05-01")), 5);
    CHECK_INT(ics_ledger_working_days_between(D("2019-05-01"), D("2019-04-24")), 0);
}

static void test_orgs(void)
{
    CHECK_STR(ics_ledger_org_type("R0A"), "trust");
    CHECK_STR(ics_ledger_org_type("RVR"), "trust");
    CHECK_STR(ics_ledger_org_type("QYG"), "icb");
    CHECK_STR(ics_ledger_org_type("E06000001"), "local_authority");
    CHECK_STR(ics_ledger_org_type("E10000002"), "local_authority");   /* a county (upper tier) */
    CHECK(ics_ledger_org_type("ZZZ") == NULL);
    CHECK(ics_ledger_org_type("r0a") == NULL);    /* the table is upper case; callers normalise */
    /* data/organisations/nhs_orgs.csv has 951 rows. */
    CHECK_INT(ics_ledger_org_count(), 951);
    const char *prev = "";
    for (size_t i = 0; i < ics_ledger_org_count(); i++) {
        const char *c = ics_ledger_org_code(i, NULL, NULL);
        CHECK(strcmp(prev, c) < 0);
        prev = c;
    }
}

static void test_thresholds(void)
{
    int64_t s, a;
    ics_ledger_thresholds_get(NULL, "2022-23-M12", ICS_LEDGER_RP, &s, &a);
    CHECK_INT(s, 250000);
    CHECK_INT(a, 30000000);
    ics_ledger_thresholds_get(NULL, "2022-23-M12", ICS_LEDGER_IE, &s, &a);
    CHECK_INT(s, 200000000);
    CHECK_INT(a, 300000000);
    char path[160];
    write_file("thr.csv", "period,kind,statement_threshold,agreement_threshold\n"
                          "*,rp,100,1000\n2018-19,rp,200,2000\n2018-19-M12,rp,300,3000.50\n2018-19,ie,5,6\n",
               path, sizeof path);
    struct ics_ledger_thresholds *t;
    struct ics_error err;
    CHECK_INT(ics_ledger_thresholds_load(path, &t, &err), ICS_OK);
    ics_ledger_thresholds_get(t, "2018-19-M12", ICS_LEDGER_RP, &s, &a);
    CHECK_INT(s, 30000);
    CHECK_INT(a, 300050);
    ics_ledger_thresholds_get(t, "2018-19-M06", ICS_LEDGER_RP, &s, &a);
    CHECK_INT(s, 20000);
    CHECK_INT(a, 200000);
    ics_ledger_thresholds_get(t, "2019-20-M12", ICS_LEDGER_RP, &s, &a);
    CHECK_INT(s, 10000);
    CHECK_INT(a, 100000);
    ics_ledger_thresholds_get(t, "2019-20-M12", ICS_LEDGER_IE, &s, &a);
    CHECK_INT(s, 200000000);
    ics_ledger_thresholds_get(t, "2018-19-M01", ICS_LEDGER_IE, &s, &a);
    CHECK_INT(s, 500);
    CHECK_INT(a, 600);
    ics_ledger_thresholds_free(t);
    write_file("thr2.csv", "period,kind,statement_threshold,agreement_threshold\n2018-19-M12,xx,1,2\n", path, sizeof path);
    CHECK_INT(ics_ledger_thresholds_load(path, &t, &err), ICS_ERR_PARSE);
    CHECK_INT(err.line, 2);
    write_file("thr3.csv", "period,kind,statement_threshold,agreement_threshold\n2018-19-M12,rp,1.234,2\n", path, sizeof path);
    CHECK_INT(ics_ledger_thresholds_load(path, &t, &err), ICS_ERR_PARSE);
    write_file("thr4.csv", "period,kind,statement\n", path, sizeof path);
    CHECK_INT(ics_ledger_thresholds_load(path, &t, &err), ICS_ERR_MISSING_COLUMN);
}

/* ---- submissions ---------------------------------------------------------- */

struct problems {
    int n;
    long line[32];
    int column[32];
    char reason[32][160];
};

static void collect(void *ctx, const char *file, long line, int column, const char *reason)
{
    (void)file;
    struct problems *p = ctx;
    if (p->n < 32) {
        p->line[p->n] = line;
        p->column[p->n] = column;
        snprintf(p->reason[p->n], sizeof p->reason[0], "%s", reason);
    }
    p->n++;
}

static int submit(struct ics_ledger *l, const char *org, const char *period, const char *name, const char *text,
                  struct ics_ledger_submit_result *res, struct problems *pr, struct ics_error *err)
{
    char path[160];
    write_file(name, text, path, sizeof path);
    struct ics_ledger_submit_options o;
    ics_ledger_submit_options_init(&o);
    o.org = org;
    o.period = period;
    o.label = name;
    o.at = "2019-04-05T10:00:00Z";
    o.problem = collect;
    o.problem_ctx = pr;
    ics_error_clear(err);
    return ics_ledger_submit(l, path, &o, res, err);
}

static void test_submit_rejects(void)
{
    struct ics_ledger *l = fresh();
    struct ics_ledger_submit_result res;
    struct problems pr = {0};
    struct ics_error err;
    /* The header is line 1. Lines 2, 8, 9 and 12 are good (line 8's unquoted comma leaves
     * an amount of £1 and "000.00" as the note); lines 3-7 have the problem named in their
     * note, line 10 two of them; line 11 repeats line 9's ref for the same counterparty and
     * kind; line 12 has the same ref for another kind, which is allowed. */
    const char *text =
        "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
        "QKK,receivable,A1,2019-01-10,100.00,good\n"
        "RVR,receivable,A2,2019-01-10,100.00,own code\n"
        "ZZZ9,receivable,A3,2019-01-10,100.00,unknown code\n"
        "QKK,receivables,A4,2019-01-10,100.00,bad kind\n"
        "QKK,receivable,A5,2019-01-10,100.001,three decimals\n"
        "QKK,receivable,A6,2019-02-30,100.00,bad date\n"
        "QKK,receivable,A7,2019-01-10,£1,000.00,unquoted comma: the note column holds 000.00\n"
        "RJ1,payable,B1,2019-01-10,5.00,good\n"
        "QKK,expense,A9,31/13/2019,1,two problems\n"
        "RJ1,payable,B1,2019-02-10,6.00,duplicate of line 9\n"
        "RJ1,receivable,B1,2019-02-10,6.00,same ref other kind: fine\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "bad.csv", text, &res, &pr, &err), ICS_ERR_PARSE);
    CHECK_INT(pr.n, 8);
    CHECK_INT(res.problems, 7);   /* rows 3, 4, 5, 6, 7, 10, 11 */
    CHECK_INT(pr.line[0], 3);
    CHECK_INT(pr.column[0], 1);
    CHECK_STR(pr.reason[0], "own organisation code 'RVR' as counterparty");
    CHECK_INT(pr.line[1], 4);
    CHECK_STR(pr.reason[1], "unknown organisation code 'ZZZ9'");
    CHECK_INT(pr.line[2], 5);
    CHECK_INT(pr.column[2], 2);
    CHECK_STR(pr.reason[2], "bad kind 'receivables' (receivable, payable, income or expenditure)");
    CHECK_INT(pr.line[3], 6);
    CHECK_INT(pr.column[3], 5);
    CHECK_STR(pr.reason[3], "bad amount '100.001': more than two decimal places");
    CHECK_INT(pr.line[4], 7);
    CHECK_INT(pr.column[4], 4);
    CHECK_STR(pr.reason[4], "bad date '2019-02-30'");
    CHECK_INT(pr.line[5], 10);
    CHECK_INT(pr.column[5], 2);
    CHECK_INT(pr.line[6], 10);
    CHECK_INT(pr.column[6], 4);
    CHECK_STR(pr.reason[6], "bad date '31/13/2019'");
    CHECK_INT(pr.line[7], 11);
    CHECK_INT(pr.column[7], 3);
    CHECK_STR(pr.reason[7], "duplicate invoice_ref 'B1' for counterparty RJ1 and kind payable (first on line 9)");
    struct ics_ledger_check c;
    CHECK_INT(ics_ledger_check(l, &c, &err), ICS_OK);
    CHECK_INT(c.submissions, 0);
    CHECK_INT(c.lines, 0);
    CHECK_INT(c.audit_entries, 0);
    /* Missing column. */
    pr.n = 0;
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "nocol.csv", "counterparty,kind,invoice_ref,amount\n", &res, &pr, &err),
              ICS_ERR_MISSING_COLUMN);
    /* Bad org and period are refused before reading. */
    CHECK_INT(submit(l, "ZZZ9", "2018-19-M12", "x.csv", "counterparty,kind,invoice_ref,invoice_date,amount\n", &res,
                     &pr, &err), ICS_ERR_USAGE);
    CHECK_INT(submit(l, "RVR", "2018-19", "x.csv", "counterparty,kind,invoice_ref,invoice_date,amount\n", &res, &pr,
                     &err), ICS_ERR_USAGE);
    ics_ledger_close(l);
}

static int64_t total_of(const struct ics_ledger_submission *s, int kind)
{
    return s->totals[kind];
}

struct sub_list {
    int n;
    struct ics_ledger_submission s[8];
};

static int keep_sub(void *ctx, const struct ics_ledger_submission *s)
{
    struct sub_list *l = ctx;
    if (l->n < 8)
        l->s[l->n] = *s;
    l->n++;
    return 0;
}

static void test_submit_versions(void)
{
    struct ics_ledger *l = fresh();
    struct ics_ledger_submit_result res;
    struct problems pr = {0};
    struct ics_error err;
    const char *v1 = "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
                     "QKK,receivable,A1,2019-01-10,100.00,\n"
                     "QKK,receivable,A2,10/02/2019,-20.50,credit\n"
                     "qkk ,income,,,1000,lower case and a space\n"
                     "RJ1,payable,B1,2019-03-01,\"1,234.56\",quoted thousands\n";
    CHECK_INT(submit(l, "rvr", "2018-19-M12", "v1.csv", v1, &res, &pr, &err), ICS_OK);
    CHECK_INT(res.version, 1);
    CHECK_INT(res.unchanged, 0);
    CHECK_INT(res.lines, 4);
    CHECK_INT(res.totals[ICS_LEDGER_RECEIVABLE], 10000 - 2050);
    CHECK_INT(res.totals[ICS_LEDGER_INCOME], 100000);
    CHECK_INT(res.totals[ICS_LEDGER_PAYABLE], 123456);
    CHECK_INT(res.totals[ICS_LEDGER_EXPENDITURE], 0);
    /* The same lines in another order: identical, nothing written. */
    const char *v1b = "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
                      "RJ1,payable,B1,2019-03-01,1234.56,quoted thousands\n"
                      "QKK,income,,,1000.00,lower case and a space\n"
                      "QKK,receivable,A2,2019-02-10,-20.5,credit\n"
                      "QKK,receivable,A1,2019-01-10,100,\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "v1b.csv", v1b, &res, &pr, &err), ICS_OK);
    CHECK_INT(res.unchanged, 1);
    CHECK_INT(res.version, 1);
    /* A corrected file becomes version 2; version 1 stays in history. */
    const char *v2 = "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
                     "QKK,receivable,A1,2019-01-10,100.00,\n"
                     "QKK,receivable,A2,2019-02-10,-20.50,credit\n"
                     "QKK,receivable,A3,2019-03-10,75.25,new\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "v2.csv", v2, &res, &pr, &err), ICS_OK);
    CHECK_INT(res.version, 2);
    CHECK_INT(res.unchanged, 0);
    /* The same content as version 1 again is a change from version 2: version 3. */
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "v1.csv", v1, &res, &pr, &err), ICS_OK);
    CHECK_INT(res.version, 3);
    /* Another period is independent. */
    CHECK_INT(submit(l, "RVR", "2018-19-M09", "v2.csv", v2, &res, &pr, &err), ICS_OK);
    CHECK_INT(res.version, 1);
    struct sub_list all = {0}, cur = {0};
    CHECK_INT(ics_ledger_submissions_each(l, "2018-19-M12", NULL, 0, keep_sub, &all, &err), ICS_OK);
    CHECK_INT(all.n, 3);
    CHECK_INT(all.s[0].version, 1);
    CHECK_INT(all.s[0].current, 0);
    CHECK_INT(all.s[1].current, 0);
    CHECK_INT(all.s[2].current, 1);
    /* Totals from the stored lines equal the file's sums: v2 receivable 100 - 20.50 + 75.25. */
    CHECK_INT(total_of(&all.s[1], ICS_LEDGER_RECEIVABLE), 15475);
    CHECK_INT(total_of(&all.s[2], ICS_LEDGER_PAYABLE), 123456);
    CHECK_INT(ics_ledger_submissions_each(l, NULL, "RVR", 1, keep_sub, &cur, &err), ICS_OK);
    CHECK_INT(cur.n, 2);
    struct ics_ledger_check c;
    CHECK_INT(ics_ledger_check(l, &c, &err), ICS_OK);
    CHECK_INT(c.submissions, 4);
    CHECK_INT(c.current_submissions, 2);
    CHECK_INT(c.lines, 4 + 3 + 4 + 3);
    CHECK_INT(c.audit_entries, 4);
    ics_ledger_close(l);
}

/* ---- money that cannot wrap ------------------------------------------------ */

/* A line may hold 1,000,000,000,000.00 pounds either way (10^14 pence); a
 * penny more is a bad row. Two lines of 90,000,000,000,000,000.00 (9 * 10^18
 * pence each, a sum past INT64_MAX that used to be stored wrapped) are two
 * bad rows and store nothing. */
static void test_money_limits(void)
{
    struct ics_ledger *l = fresh();
    struct ics_ledger_submit_result res;
    struct problems pr = {0};
    struct ics_error err;
    const char *wrap = "counterparty,kind,invoice_ref,invoice_date,amount\n"
                       "QKK,receivable,A1,,90000000000000000.00\n"
                       "QKK,receivable,A2,,90000000000000000.00\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "wrap.csv", wrap, &res, &pr, &err), ICS_ERR_PARSE);
    CHECK_INT(pr.n, 2);
    CHECK_INT(pr.line[0], 2);
    CHECK_INT(pr.column[0], 5);
    CHECK_STR(pr.reason[0], "bad amount '90000000000000000.00': over the limit of 1000000000000.00 a line");
    CHECK_INT(pr.line[1], 3);
    CHECK_INT(res.totals[ICS_LEDGER_RECEIVABLE], 0);
    struct ics_ledger_check c;
    CHECK_INT(ics_ledger_check(l, &c, &err), ICS_OK);
    CHECK_INT(c.submissions, 0);
    CHECK_INT(c.lines, 0);
    /* At the limit both ways: stored, totals 10^14 - 10^14 = 0 and -10^14. */
    pr.n = 0;
    const char *cap = "counterparty,kind,invoice_ref,invoice_date,amount\n"
                      "QKK,receivable,A1,,1000000000000.00\n"
                      "QKK,receivable,A2,,-1000000000000.00\n"
                      "QKK,payable,B1,,-1000000000000.00\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "cap.csv", cap, &res, &pr, &err), ICS_OK);
    CHECK_INT(res.totals[ICS_LEDGER_RECEIVABLE], 0);
    CHECK_INT(res.totals[ICS_LEDGER_PAYABLE], -ICS_LEDGER_LINE_MAX_PENCE);
    /* One penny over, either way. */
    const char *over = "counterparty,kind,invoice_ref,invoice_date,amount\n"
                       "QKK,receivable,A1,,1000000000000.01\n"
                       "QKK,receivable,A2,,-1000000000000.01\n"
                       "QKK,receivable,A3,,1.00\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M11", "over.csv", over, &res, &pr, &err), ICS_ERR_PARSE);
    CHECK_INT(pr.n, 2);
    CHECK_INT(res.problems, 2);
    CHECK_INT(pr.line[1], 3);
    CHECK_STR(pr.reason[1], "bad amount '-1000000000000.01': over the limit of 1000000000000.00 a line");
    ics_ledger_close(l);
}

/* Totals past int64 in a database written before the limit (or by another
 * program): the match and the board fail with an error naming the figure, and
 * never print a wrapped number. The rows are written straight into the store. */
static void test_match_overflow(void)
{
    struct ics_ledger *l = fresh();
    struct ics_error err;
    struct ics_store *st = ics_ledger_store(l);
    /* RVR says QKK owes it INT64_MAX pence; QKK says it owes RVR -1: the
     * mismatch INT64_MAX - (-1) does not fit. */
    CHECK_INT(ics_store_exec(st,
                             "INSERT INTO submission VALUES (1, 'RVR', '2018-19-M12', 1, 1, 'a.csv', 'x', 0, 't', 'RVR');"
                             "INSERT INTO submission VALUES (2, 'QKK', '2018-19-M12', 1, 1, 'b.csv', 'y', 0, 't', 'QKK');"
                             "INSERT INTO line_group VALUES (1, 'QKK', 'receivable', 1, 0, 0, 0, 9223372036854775807, 'RVR');"
                             "INSERT INTO line_group VALUES (2, 'RVR', 'payable', 1, 0, 0, 0, -1, 'QKK')", &err), ICS_OK);
    struct ics_ledger_match *m = NULL;
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_ERR_PARSE);
    CHECK(m == NULL);
    CHECK_STR(err.message, "supplier RVR, purchaser QKK, rp: the mismatch passes 92233720368547758.07, the largest "
                           "amount ics can hold");
    /* INT64_MIN alone: the mismatch fits, its size (the balance) does not. */
    CHECK_INT(ics_store_exec(st, "UPDATE line_group SET total = -9223372036854775807 - 1 WHERE submission_id = 1;"
                                 "DELETE FROM line_group WHERE submission_id = 2", &err), ICS_OK);
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_ERR_PARSE);
    CHECK(strstr(err.message, "the balance passes") != NULL);
    /* Two open disputes of 5 * 10^18 pence each between RVR and QKK: each
     * fits, the pair's disputed value (10^19) does not. */
    CHECK_INT(ics_store_exec(st, "UPDATE line_group SET total = 100 WHERE submission_id = 1", &err), ICS_OK);
    struct ics_ledger_dispute_spec spec = {.period = "2018-19-M12", .supplier = "RVR", .purchaser = "QKK",
                                           .cls = ICS_LEDGER_RP, .amount = INT64_C(5000000000000000000)};
    struct ics_ledger_action act = {.actor = "QKK", .on = D("2019-04-01")};
    int64_t id;
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id, &err), ICS_OK);
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id, &err), ICS_OK);
    struct ics_ledger_report_options o;
    ics_ledger_report_options_init(&o);
    o.period = "2018-19-M12";
    o.as_of = D("2019-04-30");
    struct ics_ledger_report *r = NULL;
    CHECK_INT(ics_ledger_report(l, &o, &r, &err), ICS_ERR_PARSE);
    CHECK(r == NULL);
    CHECK_STR(err.message, "QKK and RVR: the disputed value passes 92233720368547758.07, the largest amount ics can hold");
    ics_ledger_close(l);
}

/* A header alone is refused, and stores nothing, unless the organisation says
 * it has nothing to report; then it is an empty current version and the
 * organisation's earlier lines leave the match (QKK's side stands alone). */
static void test_empty_statement(void)
{
    struct ics_ledger *l = fresh();
    struct ics_ledger_submit_result res;
    struct problems pr = {0};
    struct ics_error err;
    const char *header = "counterparty,kind,invoice_ref,invoice_date,amount\n";
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "rvr.csv",
                     "counterparty,kind,invoice_ref,invoice_date,amount\nQKK,receivable,A1,,150000\n", &res, &pr, &err),
              ICS_OK);
    CHECK_INT(submit(l, "QKK", "2018-19-M12", "qkk.csv",
                     "counterparty,kind,invoice_ref,invoice_date,amount\nRVR,payable,A1,,150000\n", &res, &pr, &err),
              ICS_OK);
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "empty.csv", header, &res, &pr, &err), ICS_ERR_PARSE);
    CHECK_INT(res.no_lines, 1);
    CHECK_INT(res.problems, 0);
    CHECK_STR(err.message, "empty.csv: the statement has no lines (a header only); nothing imported");
    struct ics_ledger_check c;
    CHECK_INT(ics_ledger_check(l, &c, &err), ICS_OK);
    CHECK_INT(c.submissions, 2);
    struct ics_ledger_match *m;
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_row(m, 0)->status, ICS_LEDGER_AGREED);
    ics_ledger_match_free(m);
    /* As an empty statement: version 2, no lines. */
    char path[160];
    write_file("empty.csv", header, path, sizeof path);
    struct ics_ledger_submit_options o;
    ics_ledger_submit_options_init(&o);
    CHECK_INT(o.allow_empty, 0);
    o.org = "RVR";
    o.period = "2018-19-M12";
    o.at = "2019-04-05T10:00:00Z";
    o.allow_empty = 1;
    CHECK_INT(ics_ledger_submit(l, path, &o, &res, &err), ICS_OK);
    CHECK_INT(res.version, 2);
    CHECK_INT(res.lines, 0);
    CHECK_INT(res.no_lines, 1);
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_count(m), 1);
    const struct ics_ledger_comparison *cmp = ics_ledger_match_row(m, 0);
    CHECK_INT(cmp->supplier_reported, 0);
    CHECK_INT(cmp->supplier_total, 0);
    CHECK_INT(cmp->purchaser_total, 15000000);
    CHECK_INT(cmp->mismatch, -15000000);
    CHECK_INT(cmp->status, ICS_LEDGER_BELOW_THRESHOLD);   /* 150,000 is not over 300,000 */
    ics_ledger_match_free(m);
    struct sub_list all = {0};
    CHECK_INT(ics_ledger_submissions_each(l, NULL, "RVR", 1, keep_sub, &all, &err), ICS_OK);
    CHECK_INT(all.n, 1);
    CHECK_INT(all.s[0].lines, 0);
    CHECK_INT(all.s[0].totals[ICS_LEDGER_RECEIVABLE], 0);
    /* The same empty file again: identical to version 2, nothing written. */
    CHECK_INT(ics_ledger_submit(l, path, &o, &res, &err), ICS_OK);
    CHECK_INT(res.unchanged, 1);
    ics_ledger_close(l);
}

/* ---- matching ------------------------------------------------------------- */

static const char *rvr_file =
    "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
    "QKK,receivable,R-001,2019-01-15,120000.00,\n"
    "QKK,receivable,R-002,2019-02-15,80000.00,\n"
    "QKK,receivable,R-003,2019-03-28,250000.00,timing\n"
    "QKK,receivable,CN-004,2019-03-01,-5000.00,credit note\n"
    "QKK,income,,,3500000.00,\n"
    "RJ1,payable,G-100,2018-12-01,1500.00,\n"
    "RJ1,payable,G-101,2019-01-01,700.00,\n"
    "E09000008,receivable,,,2000.00,\n";
static const char *qkk_file =
    "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
    "RVR,payable,R-001,2019-01-15,120000.00,\n"
    "RVR,payable,R-002,2019-02-15,75000.00,\n"
    "RVR,payable,CN-004,2019-03-01,-5000.00,\n"
    "RVR,payable,R-999,2018-03-20,1000.00,prior year\n"
    "RVR,expenditure,,,3500000.00,\n";
static const char *rj1_file =
    "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
    "RVR,receivable,G-100,2018-12-01,1500.00,\n"
    "RVR,receivable,G-101,2019-01-01,700.00,\n"
    "RVR,receivable,G-102,2019-02-01,300.00,\n";

static struct ics_ledger *small_system(void)
{
    struct ics_ledger *l = fresh();
    struct ics_ledger_submit_result res;
    struct problems pr = {0};
    struct ics_error err;
    CHECK_INT(submit(l, "RVR", "2018-19-M12", "rvr.csv", rvr_file, &res, &pr, &err), ICS_OK);
    CHECK_INT(submit(l, "QKK", "2018-19-M12", "qkk.csv", qkk_file, &res, &pr, &err), ICS_OK);
    CHECK_INT(submit(l, "RJ1", "2018-19-M12", "rj1.csv", rj1_file, &res, &pr, &err), ICS_OK);
    return l;
}

static void test_match(void)
{
    struct ics_ledger *l = small_system();
    struct ics_error err;
    struct ics_ledger_match *m;
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_count(m), 4);
    /* Sorted by supplier, purchaser, kind (ie before rp). */
    const struct ics_ledger_comparison *c = ics_ledger_match_row(m, 0);
    CHECK_STR(c->supplier, "RJ1");
    CHECK_STR(c->purchaser, "RVR");
    CHECK_INT(c->cls, ICS_LEDGER_RP);
    CHECK_INT(c->supplier_total, 250000);      /* 1500 + 700 + 300 */
    CHECK_INT(c->purchaser_total, 220000);     /* 1500 + 700 */
    CHECK_INT(c->mismatch, 30000);
    CHECK_INT(c->status, ICS_LEDGER_BELOW_THRESHOLD);
    CHECK_INT(c->statement_required, 0);       /* 2,500.00 is not over £2,500 */
    CHECK_INT(c->paired, 1);
    CHECK_INT(c->matched, 2);
    CHECK_INT(c->only_supplier, 1);
    CHECK_INT(c->only_purchaser, 0);
    CHECK_INT(c->amount_differs, 0);
    c = ics_ledger_match_row(m, 1);
    CHECK_STR(c->supplier, "RVR");
    CHECK_STR(c->purchaser, "E09000008");
    CHECK_INT(c->supplier_total, 200000);
    CHECK_INT(c->purchaser_total, 0);
    CHECK_INT(c->purchaser_reported, 0);
    CHECK_INT(c->paired, 0);
    CHECK_INT(c->status, ICS_LEDGER_BELOW_THRESHOLD);
    c = ics_ledger_match_row(m, 2);
    CHECK_STR(c->purchaser, "QKK");
    CHECK_INT(c->cls, ICS_LEDGER_IE);
    CHECK_INT(c->mismatch, 0);
    CHECK_INT(c->status, ICS_LEDGER_AGREED);
    CHECK_INT(c->statement_required, 1);       /* 3.5m over 2m */
    c = ics_ledger_match_row(m, 3);
    CHECK_INT(c->cls, ICS_LEDGER_RP);
    CHECK_INT(c->supplier_total, 44500000);    /* 120000 + 80000 + 250000 - 5000 */
    CHECK_INT(c->purchaser_total, 19100000);   /* 120000 + 75000 - 5000 + 1000 */
    CHECK_INT(c->mismatch, 25400000);
    CHECK_INT(c->status, ICS_LEDGER_MISMATCH); /* 445,000 over 300,000 */
    CHECK_INT(c->matched, 2);                  /* R-001, CN-004 */
    CHECK_INT(c->amount_differs, 1);           /* */
    CHECK_INT(c->only_supplier, 1);            /* */
    CHECK_INT(c->only_purchaser, 1);           /* */
    CHECK_INT(c->oldest_unagreed, D("2018-03-20"));
    CHECK_INT(c->prior_year_invoices, 1);
    CHECK_INT(c->prior_year_value, 100000);
    ics_ledger_match_free(m);
    /* An agreement threshold of 500,000 makes the rp mismatch below threshold. */
    char path[160];
    write_file("thr5.csv", "period,kind,statement_threshold,agreement_threshold\n*,rp,2499.99,500000\n", path,
               sizeof path);
    struct ics_ledger_thresholds *t;
    CHECK_INT(ics_ledger_thresholds_load(path, &t, &err), ICS_OK);
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", t, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_row(m, 3)->status, ICS_LEDGER_BELOW_THRESHOLD);
    CHECK_INT(ics_ledger_match_row(m, 0)->statement_required, 1);   /* 2,500.00 over 2,499.99 */
    ics_ledger_match_free(m);
    ics_ledger_thresholds_free(t);
    /* An open dispute covers the rp comparison; closing it uncovers it. */
    struct ics_ledger_dispute_spec spec = {.period = "2018-19-M12", .supplier = "RVR", .purchaser = "QKK",
                                           .cls = ICS_LEDGER_RP, .amount = 500000};
    struct ics_ledger_action act = {.actor = "QKK", .on = D("2019-04-01")};
    int64_t id = 0;
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id, &err), ICS_OK);
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_row(m, 3)->status, ICS_LEDGER_DISPUTED);
    CHECK_INT(ics_ledger_match_row(m, 3)->dispute_id, id);
    CHECK_INT(ics_ledger_match_row(m, 2)->status, ICS_LEDGER_AGREED);   /* ie is not disputed */
    ics_ledger_match_free(m);
    /* A dispute raised for a later period does not cover this one. */
    CHECK_INT(ics_ledger_match(l, "2018-19-M11", NULL, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_count(m), 0);
    ics_ledger_match_free(m);
    CHECK_INT(ics_ledger_dispute_close(l, id, "withdrawn", NULL, &act, &err), ICS_OK);
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_OK);
    CHECK_INT(ics_ledger_match_row(m, 3)->status, ICS_LEDGER_MISMATCH);
    ics_ledger_match_free(m);
    CHECK_INT(ics_ledger_match(l, "2018-19-M13", NULL, &m, &err), ICS_ERR_USAGE);
    ics_ledger_close(l);
}

/* ---- disputes ------------------------------------------------------------- */

static void test_disputes(void)
{
    struct ics_ledger *l = fresh();
    struct ics_error err;
    struct ics_ledger_dispute_spec spec = {.period = "2018-19-M12", .supplier = "RVR", .purchaser = "QKK",
                                           .cls = ICS_LEDGER_RP, .amount = 500000, .description = "R-002"};
    const char *inv[] = {"R-002", "R-003", "R-002"};
    spec.invoices = inv;
    spec.invoice_count = 3;
    struct ics_ledger_action act = {.actor = "RJ1", .on = D("2019-04-01")};
    int64_t id = 0;
    /* A third party cannot open it. */
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id, &err), ICS_ERR_CONFLICT);
    act.actor = "QKK";
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id, &err), ICS_OK);
    CHECK_INT(id, 1);
    struct ics_ledger_dispute_filter f;
    ics_ledger_dispute_filter_init(&f);
    CHECK_INT(f.older_than, -1);              /* no age limit */
    CHECK_INT(f.as_of, ICS_DATE_NONE);        /* today */
    f.as_of = D("2019-04-24");
    f.id = id;
    struct ics_ledger_disputes *d;
    CHECK_INT(ics_ledger_disputes_list(l, &f, &d, &err), ICS_OK);
    CHECK_INT(ics_ledger_disputes_count(d), 1);
    const struct ics_ledger_dispute *x = ics_ledger_disputes_row(d, 0);
    CHECK_INT(x->stage, ICS_LEDGER_LOCAL_NEGOTIATION);
    CHECK_INT(x->deadline_on, D("2019-04-24"));   /* 15 working days, over Easter */
    CHECK_INT(x->overdue, 0);                       /* due that day: not yet overdue */
    CHECK_STR(x->invoices, "R-002 R-003");
    CHECK_STR(x->raised_by, "QKK");
    CHECK_INT(x->age_days, 23);
    ics_ledger_disputes_free(d);
    f.as_of = D("2019-04-25");
    CHECK_INT(ics_ledger_disputes_list(l, &f, &d, &err), ICS_OK);
    CHECK_INT(ics_ledger_disputes_row(d, 0)->overdue, 1);
    CHECK_INT(ics_ledger_disputes_row(d, 0)->working_days_overdue, 1);
    ics_ledger_disputes_free(d);

    /* Third parties cannot act; stages cannot be skipped. */
    act.actor = "RJ1";
    CHECK_INT(ics_ledger_dispute_offer(l, id, 100000, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_escalate(l, id, -1, NULL, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_close(l, id, "agreed", NULL, &act, &err), ICS_ERR_CONFLICT);
    act.actor = "RVR";
    CHECK_INT(ics_ledger_dispute_escalate(l, id, ICS_LEDGER_MEDIATION, NULL, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_escalate(l, id, ICS_LEDGER_DETERMINATION, NULL, &act, &err), ICS_ERR_CONFLICT);
    act.on = D("2019-03-31");   /* before the dispute began */
    CHECK_INT(ics_ledger_dispute_offer(l, id, 1, &act, &err), ICS_ERR_CONFLICT);
    act.on = D("2019-04-10");
    CHECK_INT(ics_ledger_dispute_escalate(l, id, ICS_LEDGER_EXECUTIVE_ESCALATION, NULL, &act, &err), ICS_OK);
    f.as_of = D("2019-04-26");
    CHECK_INT(ics_ledger_disputes_list(l, &f, &d, &err), ICS_OK);
    x = ics_ledger_disputes_row(d, 0);
    CHECK_INT(x->stage, ICS_LEDGER_EXECUTIVE_ESCALATION);
    /* 10 working days after 10 Apr: 11, 12, 15-18 (6), Easter, 23-26 (10). */
    CHECK_INT(x->deadline_on, D("2019-04-26"));
    CHECK_INT(x->overdue, 0);
    ics_ledger_disputes_free(d);
    act.actor = "QKK";
    act.on = D("2019-04-29");
    CHECK_INT(ics_ledger_dispute_escalate(l, id, -1, NULL, &act, &err), ICS_OK);
    f.as_of = D("2019-05-30");
    CHECK_INT(ics_ledger_disputes_list(l, &f, &d, &err), ICS_OK);
    x = ics_ledger_disputes_row(d, 0);
    CHECK_INT(x->stage, ICS_LEDGER_MEDIATION);
    /* 20 working days after 29 Apr: 30 Apr-3 May (4), 6 May holiday, 7-10 (8), 13-17 (13),
     * 20-24 (18), 27 May holiday, 28 (19), 29 (20). */
    CHECK_INT(x->deadline_on, D("2019-05-29"));
    CHECK_INT(x->overdue, 1);
    CHECK_INT(x->working_days_overdue, 1);
    ics_ledger_disputes_free(d);
    /* Determination needs a referee who is not a party, and an offer from each party. */
    CHECK_INT(ics_ledger_dispute_escalate(l, id, -1, NULL, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_escalate(l, id, -1, "RVR", &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_escalate(l, id, -1, "X24", &act, &err), ICS_ERR_CONFLICT);   /* no offers yet */
    CHECK_INT(ics_ledger_dispute_offer(l, id, 100000, &act, &err), ICS_OK);                  /* QKK: 1,000 */
    act.actor = "RVR";
    CHECK_INT(ics_ledger_dispute_offer(l, id, 450000, &act, &err), ICS_OK);
    CHECK_INT(ics_ledger_dispute_offer(l, id, 400000, &act, &err), ICS_OK);                  /* final: 4,000 */
    act.actor = "QKK";
    CHECK_INT(ics_ledger_dispute_escalate(l, id, ICS_LEDGER_DETERMINATION, "x24", &act, &err), ICS_OK);
    /* At determination: no more offers, and only the referee decides. */
    CHECK_INT(ics_ledger_dispute_offer(l, id, 200000, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_determine(l, id, "QKK", NULL, &act, &err), ICS_ERR_CONFLICT);
    act.actor = "X24";
    CHECK_INT(ics_ledger_dispute_offer(l, id, 200000, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_escalate(l, id, -1, NULL, &act, &err), ICS_ERR_CONFLICT);
    int64_t split = 250000;
    CHECK_INT(ics_ledger_dispute_determine(l, id, NULL, &split, &act, &err), ICS_ERR_CONFLICT);    /* no splitting */
    CHECK_INT(ics_ledger_dispute_determine(l, id, "RVR", &split, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_determine(l, id, "RJ1", NULL, &act, &err), ICS_ERR_CONFLICT);     /* not a party */
    CHECK_INT(ics_ledger_dispute_determine(l, id, "RVR", NULL, &act, &err), ICS_OK);
    f.as_of = D("2019-06-30");
    CHECK_INT(ics_ledger_disputes_list(l, &f, &d, &err), ICS_OK);
    x = ics_ledger_disputes_row(d, 0);
    CHECK_INT(x->stage, ICS_LEDGER_CLOSED);
    CHECK_STR(x->outcome, "determined");
    CHECK_STR(x->awarded_to, "RVR");
    CHECK_INT(x->settled_amount, 400000);   /* RVR's final offer, whole */
    CHECK_INT(x->supplier_offer, 400000);
    CHECK_INT(x->purchaser_offer, 100000);
    CHECK_INT(x->overdue, 0);
    CHECK_INT(x->closed_on, D("2019-04-29"));
    CHECK_INT(x->age_days, 28);
    ics_ledger_disputes_free(d);
    /* Closed: nothing more. */
    act.actor = "RVR";
    CHECK_INT(ics_ledger_dispute_offer(l, id, 1, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_close(l, id, "agreed", NULL, &act, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_dispute_escalate(l, 99, -1, NULL, &act, &err), ICS_ERR_NOT_FOUND);

    /* A second dispute settled by agreement; the determination amount can also name the offer. */
    int64_t id2;
    act.on = D("2019-05-01");
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id2, &err), ICS_OK);
    CHECK_INT(id2, 2);
    int64_t settled = 123456;
    CHECK_INT(ics_ledger_dispute_close(l, id2, "settled", &settled, &act, &err), ICS_ERR_USAGE);
    CHECK_INT(ics_ledger_dispute_close(l, id2, "agreed", &settled, &act, &err), ICS_OK);
    /* Filters: by org, by status, by age. */
    struct ics_ledger_dispute_filter g;
    ics_ledger_dispute_filter_init(&g);
    g.as_of = D("2019-06-30");
    g.status = "closed";
    CHECK_INT(ics_ledger_disputes_list(l, &g, &d, &err), ICS_OK);
    CHECK_INT(ics_ledger_disputes_count(d), 2);
    ics_ledger_disputes_free(d);
    g.status = "open";
    CHECK_INT(ics_ledger_disputes_list(l, &g, &d, &err), ICS_OK);
    CHECK_INT(ics_ledger_disputes_count(d), 0);
    ics_ledger_disputes_free(d);
    g.status = NULL;
    g.org = "rj1";
    CHECK_INT(ics_ledger_disputes_list(l, &g, &d, &err), ICS_OK);
    CHECK_INT(ics_ledger_disputes_count(d), 0);
    ics_ledger_disputes_free(d);
    g.org = "QKK";
    g.older_than = 27;   /* ages 28 and 0 */
    CHECK_INT(ics_ledger_disputes_list(l, &g, &d, &err), ICS_OK);
    CHECK_INT(ics_ledger_disputes_count(d), 1);
    ics_ledger_disputes_free(d);
    g.status = "negotiating";
    CHECK_INT(ics_ledger_disputes_list(l, &g, &d, &err), ICS_ERR_USAGE);
    /* Deadlines are configurable per stage. */
    struct ics_ledger_action admin = {.actor = "admin", .on = D("2019-05-01")};
    CHECK_INT(ics_ledger_set_stage_deadline(l, ICS_LEDGER_LOCAL_NEGOTIATION, 5, &admin, &err), ICS_OK);
    CHECK_INT(ics_ledger_set_stage_deadline(l, ICS_LEDGER_CLOSED, 5, &admin, &err), ICS_ERR_USAGE);
    int64_t id3;
    act.on = D("2019-05-01");
    CHECK_INT(ics_ledger_dispute_open(l, &spec, &act, &id3, &err), ICS_OK);
    struct ics_ledger_dispute_filter h;
    ics_ledger_dispute_filter_init(&h);
    h.as_of = D("2019-05-09");
    h.id = id3;
    CHECK_INT(ics_ledger_disputes_list(l, &h, &d, &err), ICS_OK);
    /* 5 working days after Wed 1 May 2019: 2, 3, (6 May holiday), 7, 8, 9. */
    CHECK_INT(ics_ledger_disputes_row(d, 0)->deadline_on, D("2019-05-09"));
    ics_ledger_disputes_free(d);
    /* Each action is in the audit log: 1 open + 3 escalations + 3 offers + 1 determination,
     * 1 open + 1 close, 1 deadline change, 1 open. */
    struct ics_ledger_audit_check ac;
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_OK);
    CHECK_INT(ac.entries, 12);
    ics_ledger_close(l);
}

/* ---- audit ------------------------------------------------------------------ */

/* Builds the UPDATE that rewrites entry `seq`'s detail with a correct new hash. */
struct rewrite {
    int64_t seq;
    char sql[512];
};

static int rewrite_entry(void *ctx, const struct ics_ledger_audit_entry *e)
{
    struct rewrite *r = ctx;
    if (e->seq != r->seq)
        return 0;
    char hash[65];
    icsi_ledger_audit_hash(e->seq, e->at, e->actor, e->action, e->subject, "forged", e->user, e->event, e->prev_hash, hash);
    snprintf(r->sql, sizeof r->sql, "UPDATE audit SET detail = 'forged', hash = '%s' WHERE seq = %lld", hash,
             (long long)e->seq);
    return 1;
}

static void test_audit_tamper(void)
{
    struct ics_ledger *l = small_system();
    struct ics_error err;
    struct ics_ledger_audit_check ac;
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_OK);
    CHECK_INT(ac.entries, 3);
    CHECK_INT(ac.first_bad, 0);
    CHECK_INT((int)strlen(ac.head), 64);
    struct ics_store *s = ics_ledger_store(l);
    /* The database refuses changes to the log... */
    CHECK_INT(ics_store_exec(s, "UPDATE audit SET detail = 'x' WHERE seq = 2", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_store_exec(s, "DELETE FROM audit WHERE seq = 3", &err), ICS_ERR_CONFLICT);
    /* ...and someone who gets round that is caught by the chain. */
    CHECK_INT(unguard_audit(s, &err), ICS_OK);
    CHECK_INT(ics_store_exec(s, "UPDATE audit SET detail = replace(detail, 'lines=5', 'lines=4') WHERE seq = 2", &err),
              ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_FAILED);
    CHECK_INT(ac.first_bad, 2);
    CHECK_INT(ac.entries, 2);
    struct ics_ledger_check c;
    CHECK_INT(ics_ledger_check(l, &c, &err), ICS_ERR_FAILED);
    ics_ledger_close(l);

    l = small_system();
    s = ics_ledger_store(l);
    CHECK_INT(unguard_audit(s, &err), ICS_OK);
    CHECK_INT(ics_store_exec(s, "DELETE FROM audit WHERE seq = 2", &err), ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_FAILED);
    CHECK_INT(ac.first_bad, 2);   /* missing */
    ics_ledger_close(l);

    l = small_system();
    s = ics_ledger_store(l);
    /* Rewriting an entry together with its own hash breaks the link to the next one. */
    CHECK_INT(unguard_audit(s, &err), ICS_OK);
    CHECK_INT(ics_store_exec(s, "UPDATE audit SET hash = 'ab' || substr(hash, 3) WHERE seq = 1", &err), ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_FAILED);
    CHECK_INT(ac.first_bad, 1);
    ics_ledger_close(l);

    /* Rewriting an entry and recomputing its hash properly leaves it
     * self-consistent; the next entry's link names it as the altered one. */
    l = small_system();
    s = ics_ledger_store(l);
    struct rewrite r = {.seq = 2};
    CHECK_INT(ics_ledger_audit_each(l, rewrite_entry, &r, &err), ICS_OK);
    CHECK_INT(unguard_audit(s, &err), ICS_OK);
    CHECK_INT(ics_store_exec(s, r.sql, &err), ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_FAILED);
    CHECK_INT(ac.first_bad, 2);
    CHECK(strstr(ac.reason, "hash recomputed") != NULL);
    ics_ledger_close(l);
}

/* The board's options: the defaults are every organisation, as of today,
 * the default thresholds; only the period must be given. */
static void test_report_options(void)
{
    struct ics_ledger_report_options o;
    memset(&o, 0x5a, sizeof o);
    ics_ledger_report_options_init(&o);
    CHECK(o.period == NULL && o.org == NULL && o.thresholds == NULL);
    CHECK_INT(o.as_of, ICS_DATE_NONE);
    struct ics_ledger *l = small_system();
    struct ics_error err;
    struct ics_ledger_report *r = NULL;
    o.period = "2018-19-M12";
    CHECK_INT(ics_ledger_report(l, &o, &r, &err), ICS_OK);
    FILE *f = tmpfile();
    CHECK_INT(ics_ledger_report_write(r, f, 1, 0), ICS_OK);
    /* As of today: the JSON names today's date. */
    char today[16], text[4096] = "";
    ics_date_format(icsi_ledger_today(), today);
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    char want[40];
    snprintf(want, sizeof want, "\"as_of\": \"%s\"", today);
    CHECK(strstr(text, want) != NULL);
    fclose(f);
    ics_ledger_report_free(r);
    ics_ledger_close(l);
}

/* ---- allocation failures ----------------------------------------------------- */

/* Out of memory in ics or inside SQLite (whose allocations go through
 * ics_malloc, so the hook reaches them): an error, never a crash or a leak. */
static int nomem_or_store(int rc)
{
    return rc == ICS_ERR_NOMEM || rc == ICS_ERR_STORE;
}

static void test_alloc_failures(void)
{
    struct ics_ledger *l = small_system();
    struct ics_error err;
    char path[160];
    write_file("alloc.csv", rj1_file, path, sizeof path);
    int failures = 0, ok = 0;
    for (long n = 0; n < 20000 && !ok; n++) {
        struct ics_ledger_match *m = NULL;
        ics_alloc_fail_after(n);
        int rc = ics_ledger_match(l, "2018-19-M12", NULL, &m, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK) {
            ok = 1;
            CHECK_INT(ics_ledger_match_count(m), 4);
        } else {
            CHECK(nomem_or_store(rc));
            failures++;
        }
        ics_ledger_match_free(m);
    }
    CHECK(ok);
    CHECK(failures > 0);
    ok = 0;
    for (long n = 0; n < 20000 && !ok; n++) {
        struct ics_ledger_submit_options o;
        ics_ledger_submit_options_init(&o);
        o.org = "RJ1";
        o.period = "2018-19-M11";
        o.at = "2019-04-05T10:00:00Z";
        struct ics_ledger_submit_result res;
        ics_alloc_fail_after(n);
        int rc = ics_ledger_submit(l, path, &o, &res, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK(nomem_or_store(rc));
    }
    CHECK(ok);
    /* Whatever failed left nothing behind: one more submission in all. */
    struct ics_ledger_check c;
    CHECK_INT(ics_ledger_check(l, &c, &err), ICS_OK);
    CHECK_INT(c.submissions, 4);
    ics_ledger_close(l);
}

/* ---- identities ------------------------------------------------------------ */

/* The rules of icsi_ledger_authorize, and passwords and tokens, by hand: see
 * docs/commands/user.md. */
static void test_identities(void)
{
    struct ics_ledger *l = fresh();
    struct ics_error err;
    int has = -1;
    CHECK_INT(ics_ledger_has_users(l, &has, &err), ICS_OK);
    CHECK_INT(has, 0);
    CHECK(ics_ledger_identity(l) == NULL);
    /* The first user must be an admin; bad names, codes and passwords are usage errors. */
    CHECK_INT(ics_ledger_user_add(l, "rj1", "RJ1", ICS_LEDGER_ROLE_FINANCE, NULL, 0, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_user_add(l, "bad name", "QWE", ICS_LEDGER_ROLE_ADMIN, NULL, 0, &err), ICS_ERR_USAGE);
    CHECK_INT(ics_ledger_user_add(l, "a", "ZZZZZ", ICS_LEDGER_ROLE_ADMIN, NULL, 0, &err), ICS_ERR_USAGE);
    CHECK_INT(ics_ledger_user_add(l, "a", "QWE", ICS_LEDGER_ROLE_ADMIN, "elevenchars", 0, &err), ICS_ERR_USAGE);
    CHECK_INT(ics_ledger_user_add(l, "a", "qwe", ICS_LEDGER_ROLE_ADMIN, "twelve chars", 0, &err), ICS_OK);
    CHECK_INT(ics_ledger_has_users(l, &has, &err), ICS_OK);
    CHECK_INT(has, 1);
    /* Without an identity nothing more is allowed, reads included. */
    struct ics_ledger_match *m = NULL;
    CHECK_INT(ics_ledger_match(l, "2018-19-M12", NULL, &m, &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "API token") != NULL);
    /* Passwords: right, wrong, unknown user (the same message for both). */
    struct ics_ledger_identity who;
    CHECK_INT(ics_ledger_password_check(l, "a", "twelve chars", &who, &err), ICS_OK);
    CHECK_STR(who.org, "QWE");
    CHECK_INT(who.role, ICS_LEDGER_ROLE_ADMIN);
    CHECK_INT(ics_ledger_password_check(l, "a", "twelve chars!", &who, &err), ICS_ERR_CONFLICT);
    char wrong[ICS_ERROR_MESSAGE_MAX];
    snprintf(wrong, sizeof wrong, "%s", err.message);
    CHECK_INT(ics_ledger_password_check(l, "nobody", "twelve chars", &who, &err), ICS_ERR_CONFLICT);
    CHECK_STR(err.message, wrong);
    /* Tokens: the first without an identity, then only with one. */
    char t1[ICS_LEDGER_TOKEN_MAX], t2[ICS_LEDGER_TOKEN_MAX];
    CHECK_INT(ics_ledger_token_add(l, "a", t1, &err), ICS_OK);
    CHECK_INT((int)strlen(t1), 47);
    CHECK(strncmp(t1, "ics_", 4) == 0);
    CHECK_INT(ics_ledger_token_add(l, "a", t2, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_act_with_token(l, "ics_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "AAAA") == NULL);
    CHECK_INT(ics_ledger_act_with_token(l, "not a token", &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_act_with_token(l, t1, &err), ICS_OK);
    CHECK_STR(ics_ledger_identity(l)->user, "a");
    /* The token is stored only as its SHA-256. */
    struct ics_stmt *st;
    CHECK_INT(ics_store_prepare(ics_ledger_store(l), "SELECT token_sha256 FROM api_token", &st, &err), ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), 1);
    unsigned char digest[32];
    char hex[65];
    crypto_hash_sha256(digest, (const unsigned char *)t1, strlen(t1));
    icsi_ledger_sha256_hex(digest, hex);
    CHECK_STR(ics_stmt_column_text(st, 0, NULL), hex);
    ics_stmt_finalize(st);
    /* The admin adds RJ1's finance user and a system reader, with a token each. */
    CHECK_INT(ics_ledger_user_add(l, "rj1", "RJ1", ICS_LEDGER_ROLE_FINANCE, NULL, 0, &err), ICS_OK);
    CHECK_INT(ics_ledger_user_add(l, "rj1", "RJ1", ICS_LEDGER_ROLE_FINANCE, NULL, 0, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_token_add(l, "rj1", t2, &err), ICS_OK);
    char t3[ICS_LEDGER_TOKEN_MAX];
    CHECK_INT(ics_ledger_user_add(l, "sys", "QWE", ICS_LEDGER_ROLE_SYSTEM, NULL, 0, &err), ICS_OK);
    CHECK_INT(ics_ledger_token_add(l, "sys", t3, &err), ICS_OK);
    /* The admin may not submit (finance only), nor act as another organisation. */
    char csv[160];
    write_file("rj1_identities.csv", "counterparty,kind,invoice_ref,invoice_date,amount,note\n"
                                     "RVR,receivable,G-1,2019-01-01,100.00,\n", csv, sizeof csv);
    struct ics_ledger_submit_options o;
    ics_ledger_submit_options_init(&o);
    o.org = "RJ1";
    o.period = "2018-19-M12";
    struct ics_ledger_submit_result res;
    CHECK_INT(ics_ledger_submit(l, csv, &o, &res, &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "finance role") != NULL);
    CHECK_INT(ics_ledger_act_with_token(l, t2, &err), ICS_OK);
    CHECK_INT(ics_ledger_submit(l, csv, &o, &res, &err), ICS_OK);
    o.org = "RVR";
    CHECK_INT(ics_ledger_submit(l, csv, &o, &res, &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "may act only as RJ1, not as RVR") != NULL);
    /* A finance user adds no users and makes tokens only for itself. */
    CHECK_INT(ics_ledger_user_add(l, "x", "RJ1", ICS_LEDGER_ROLE_FINANCE, NULL, 0, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_token_add(l, "a", t1, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_token_add(l, "rj1", t1, &err), ICS_OK);
    /* Replaying the whole log is the system role's; the submission's entry
     * names the user, and the chain verifies. */
    struct ics_ledger_audit_check ac;
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_CONFLICT);
    CHECK(strstr(err.message, "system role") != NULL);
    CHECK_INT(ics_ledger_act_with_token(l, t3, &err), ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_OK);
    /* user a, token a, user rj1, token rj1, user sys, token sys, submission, token rj1 */
    CHECK_INT(ac.entries, 8);
    CHECK_INT(ics_store_prepare(ics_ledger_store(l), "SELECT actor, acting_user FROM audit WHERE action = 'submit'",
                                &st, &err), ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), 1);
    CHECK_STR(ics_stmt_column_text(st, 0, NULL), "RJ1");
    CHECK_STR(ics_stmt_column_text(st, 1, NULL), "rj1");
    ics_stmt_finalize(st);
    ics_ledger_close(l);
}

/* The state is proven from the log: a direct edit of any state table, behind
 * the ledger's back, is named by the verification (the chain itself stays
 * intact), and entries removed from the end are caught by the head row. */
static void expect_state_diff(const char *sql, const char *want)
{
    struct ics_ledger *l = small_system();
    struct ics_error err;
    struct ics_ledger_audit_check ac;
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_OK);
    CHECK_INT(ac.state_checked, 1);
    CHECK_INT(unguard_audit(ics_ledger_store(l), &err), ICS_OK);
    CHECK_INT(ics_store_exec(ics_ledger_store(l), sql, &err), ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_FAILED);
    CHECK_INT(ac.first_bad, 0);   /* the chain is intact; the state is not */
    if (!strstr(ac.state_diff, want))
        fprintf(stderr, "after %s: '%s', wanted '%s'\n", sql, ac.state_diff, want);
    CHECK(strstr(ac.state_diff, want) != NULL);
    ics_ledger_close(l);
}

static void test_state_from_log(void)
{
    /* small_system: RVR (submission 1, lines 1-8), QKK (2, lines 9-13), RJ1 (3, lines 14-16). */
    expect_state_diff("UPDATE submission SET is_current = 0 WHERE id = 2",
                      "submission row (2): column is_current is '0' in the table, '1' in the log");
    expect_state_diff("UPDATE line SET amount = amount + 1 WHERE id = 5", "table line rows 1 to 8");
    expect_state_diff("DELETE FROM line_group WHERE submission_id = 2",
                      "line_group row (2,RVR,expenditure), in the audit log, is missing from the table");
    expect_state_diff("INSERT INTO submission VALUES (9, 'RJZ', '2018-19-M12', 1, 1, 'f', 'h', 0, 't', 'RJZ')",
                      "submission row (9) is not in the audit log");
    expect_state_diff("UPDATE stage_deadline SET working_days = 99 WHERE stage = 'mediation'",
                      "stage_deadline row (mediation): column working_days is '99' in the table, '20' in the log");
    expect_state_diff("INSERT INTO line (id, submission_id, line_no, counterparty, kind, amount)"
                      " VALUES (99, 3, 9, 'RVR', 'receivable', 1)",
                      "table line has 17 rows, the audit log accounts for 16");
    /* Removing the last entry leaves an intact, shorter chain: the head row says so. */
    struct ics_ledger *l = small_system();
    struct ics_error err;
    struct ics_ledger_audit_check ac;
    CHECK_INT(unguard_audit(ics_ledger_store(l), &err), ICS_OK);
    CHECK_INT(ics_store_exec(ics_ledger_store(l), "DELETE FROM audit WHERE seq = 3", &err), ICS_OK);
    CHECK_INT(ics_ledger_audit_verify(l, &ac, &err), ICS_ERR_FAILED);
    CHECK_INT(ac.first_bad, 3);
    CHECK(strstr(ac.reason, "ends at entry 2 but its head row records entry 3") != NULL);
    ics_ledger_close(l);
}

/* The tests that store: run on SQLite, then on PostgreSQL. */
/* Sessions of the web service at times the test chooses: idle and absolute
 * timeouts, sign-out, ids stored only hashed; sign-in throttling per key. */
static void test_sessions(void)
{
    struct ics_ledger *l = fresh();
    struct ics_error err;
    CHECK_INT(ics_ledger_user_add(l, "a", "QWE", ICS_LEDGER_ROLE_ADMIN, "twelve chars", 0, &err), ICS_OK);
    struct ics_ledger_identity who, got;
    CHECK_INT(ics_ledger_password_check(l, "a", "twelve chars", &who, &err), ICS_OK);
    char sid[ICS_LEDGER_TOKEN_MAX], csrf[ICS_LEDGER_TOKEN_MAX], csrf_hex[65], hex[65];
    const int64_t t0 = 1700000000;
    CHECK_INT(ics_ledger_session_start(l, &who, t0, sid, csrf, &err), ICS_OK);
    CHECK_INT((int)strlen(sid), 45);
    CHECK_INT((int)strlen(csrf), 45);
    CHECK_INT(ics_ledger_session_find(l, sid, t0 + 10, &got, csrf_hex, &err), ICS_OK);
    CHECK_STR(got.user, "a");
    ics_ledger_secret_digest(csrf, hex);
    CHECK_STR(csrf_hex, hex);
    /* Stored as SHA-256 only: neither the id nor the token is in the table. */
    ics_ledger_secret_digest(sid, hex);
    struct ics_stmt *st;
    CHECK_INT(ics_store_prepare(ics_ledger_store(l), "SELECT id_sha256, csrf_sha256 FROM app_session", &st, &err),
              ICS_OK);
    CHECK_INT(ics_stmt_step(st, &err), 1);
    CHECK_STR(ics_stmt_column_text(st, 0, NULL), hex);
    CHECK(strcmp(ics_stmt_column_text(st, 1, NULL), csrf) != 0);
    ics_stmt_finalize(st);
    /* Used at 29 minutes, again 29 minutes later: alive; then 31 minutes idle: ended. */
    CHECK_INT(ics_ledger_session_find(l, sid, t0 + 29 * 60, &got, csrf_hex, &err), ICS_OK);
    CHECK_INT(ics_ledger_session_find(l, sid, t0 + 58 * 60, &got, csrf_hex, &err), ICS_OK);
    CHECK_INT(ics_ledger_session_find(l, sid, t0 + 89 * 60 + 1, &got, csrf_hex, &err), ICS_ERR_CONFLICT);
    /* Used every 20 minutes it still ends at 12 hours. */
    CHECK_INT(ics_ledger_session_start(l, &who, t0, sid, csrf, &err), ICS_OK);
    int64_t t = t0;
    for (; t <= t0 + 12 * 3600; t += 20 * 60)
        CHECK_INT(ics_ledger_session_find(l, sid, t, &got, csrf_hex, &err), ICS_OK);
    CHECK_INT(ics_ledger_session_find(l, sid, t0 + 12 * 3600 + 60, &got, csrf_hex, &err), ICS_ERR_CONFLICT);
    /* Sign-out ends it; an id that was never given, or not an id, is refused alike. */
    CHECK_INT(ics_ledger_session_start(l, &who, t0, sid, csrf, &err), ICS_OK);
    CHECK_INT(ics_ledger_session_end(l, sid, t0 + 5, &err), ICS_OK);
    CHECK_INT(ics_ledger_session_find(l, sid, t0 + 6, &got, csrf_hex, &err), ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_session_find(l, "s_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", t0, &got, csrf_hex, &err),
              ICS_ERR_CONFLICT);
    CHECK_INT(ics_ledger_session_find(l, "' OR 1=1 --", t0, &got, csrf_hex, &err), ICS_ERR_CONFLICT);
    /* Throttling: 10 failures in the window block the key for the rest of it; a success clears it. */
    int wait = -1;
    for (int i = 0; i < 9; i++)
        CHECK_INT(ics_ledger_login_record(l, "user:a", 1, t0 + i, &err), ICS_OK);
    CHECK_INT(ics_ledger_login_allowed(l, "user:a", t0 + 10, &wait, &err), ICS_OK);
    CHECK_INT(wait, 0);
    CHECK_INT(ics_ledger_login_record(l, "user:a", 1, t0 + 10, &err), ICS_OK);
    CHECK_INT(ics_ledger_login_allowed(l, "user:a", t0 + 100, &wait, &err), ICS_OK);
    CHECK_INT(wait, 15 * 60 - 100);
    CHECK_INT(ics_ledger_login_allowed(l, "addr:127.0.0.1", t0 + 100, &wait, &err), ICS_OK);
    CHECK_INT(wait, 0);
    CHECK_INT(ics_ledger_login_allowed(l, "user:a", t0 + 15 * 60, &wait, &err), ICS_OK);
    CHECK_INT(wait, 0);
    /* A failure after the window starts a new count of one. */
    CHECK_INT(ics_ledger_login_record(l, "user:a", 1, t0 + 15 * 60, &err), ICS_OK);
    CHECK_INT(ics_ledger_login_allowed(l, "user:a", t0 + 15 * 60 + 1, &wait, &err), ICS_OK);
    CHECK_INT(wait, 0);
    for (int i = 0; i < 9; i++)
        CHECK_INT(ics_ledger_login_record(l, "user:a", 1, t0 + 15 * 60 + 2, &err), ICS_OK);
    CHECK_INT(ics_ledger_login_allowed(l, "user:a", t0 + 15 * 60 + 3, &wait, &err), ICS_OK);
    CHECK(wait > 0);
    CHECK_INT(ics_ledger_login_record(l, "user:a", 0, t0 + 15 * 60 + 4, &err), ICS_OK);
    CHECK_INT(ics_ledger_login_allowed(l, "user:a", t0 + 15 * 60 + 5, &wait, &err), ICS_OK);
    CHECK_INT(wait, 0);
    ics_ledger_close(l);
}

static void run_storage_tests(void)
{
    RUN(test_submit_rejects);
    RUN(test_submit_versions);
    RUN(test_money_limits);
    RUN(test_empty_statement);
    RUN(test_match_overflow);
    RUN(test_match);
    RUN(test_disputes);
    RUN(test_report_options);
    RUN(test_audit_tamper);
    RUN(test_identities);
    RUN(test_sessions);
    RUN(test_state_from_log);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ics_test_ledger_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_periods);
    RUN(test_working_days);
    RUN(test_orgs);
    RUN(test_thresholds);
    run_storage_tests();
    RUN(test_alloc_failures);
    /* Everything that stores, once more on PostgreSQL (allocation failures
     * reach inside SQLite only: libpq allocates with malloc). */
    pg_owner_url = getenv("ICS_PG_OWNER_URL");
    if (pg_owner_url && *pg_owner_url) {
        on_postgres = 1;
        run_storage_tests();
        on_postgres = 0;
        struct ics_store *s;
        struct ics_error err;
        if (ics_store_open(pg_owner_url, ICS_STORE_CREATE | ICS_STORE_AS_OWNER, &s, &err) == ICS_OK) {
            for (int i = 1; i <= dbcount; i++) {
                char sql[128];
                snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS unit_ledger_%d_%d WITH (FORCE)", (int)getpid(), i);
                ics_store_exec(s, sql, &err);
            }
            ics_store_close(s);
        }
    } else {
        fprintf(stderr, "ICS_PG_OWNER_URL is not set: the PostgreSQL half was not run (tests/run.sh sets it)\n");
        CHECK(0);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return TEST_SUMMARY("ledger");
}
