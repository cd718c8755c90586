/*
 * Submission history and the store health check (ics ledger submissions,
 * ics ledger check). Totals here are summed from the stored lines, not read
 * from line_group, so they check what matching relies on. SQLite's SUM fails
 * with "integer overflow" rather than wrap, so a total that does not fit is
 * an error here too.
 */
#include <stdio.h>
#include <string.h>

#include "ledger_internal.h"

static void copy_text(struct ics_stmt *st, int col, char *out, size_t size)
{
    const char *t = ics_stmt_column_text(st, col, NULL);
    snprintf(out, size, "%s", t ? t : "");
}

int ics_ledger_submissions_each(struct ics_ledger *l, const char *period, const char *org, int current_only,
                                ics_ledger_submission_fn fn, void *ctx, struct ics_error *err)
{
    char code[ICS_LEDGER_CODE_MAX] = "";
    if (org && *org && icsi_ledger_code_normalise(org, strlen(org), code) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad organisation code '%s'", org);
    struct ics_stmt *q;
    int rc = icsi_ledger_authorize(l, LEDGER_READ, NULL, NULL, err);
    if (rc)
        return rc;
    /* An organisation lists its own statements (others' lines it may not all see). */
    const char *viewer = icsi_ledger_viewer(l);
    if (viewer && code[0] && strcmp(code, viewer) != 0)
        return ICS_OK;
    if (viewer)
        snprintf(code, sizeof code, "%s", viewer);
    rc = ics_store_begin_read(l->store, err);
    if (rc)
        return rc;
    rc = ics_store_prepare(
        l->store,
        /* One pass: each chosen submission's lines once (five correlated
         * subqueries per submission used to scan the whole line table five
         * times each), found by the id range its line groups span, which is
         * where matching reads them: a primary-key range on both backends
         * (PostgreSQL has no index of lines by submission since schema 11).
         * A line of the submission outside that range is not counted, so the
         * count differs from line_count and the listing fails, as it does
         * for a missing line. LEFT JOIN keeps an empty statement, whose sums
         * are 0 and count 0. */
        "SELECT s.id, s.org, s.period, s.version, s.is_current, s.submitted_at, s.submitted_by, s.file_name,"
        " s.file_sha256, s.line_count,"
        " SUM(CASE WHEN l.kind = 'receivable' THEN l.amount ELSE 0 END),"
        " SUM(CASE WHEN l.kind = 'payable' THEN l.amount ELSE 0 END),"
        " SUM(CASE WHEN l.kind = 'income' THEN l.amount ELSE 0 END),"
        " SUM(CASE WHEN l.kind = 'expenditure' THEN l.amount ELSE 0 END),"
        " COUNT(l.id)"
        " FROM submission s"
        " LEFT JOIN (SELECT g.submission_id, MIN(g.first_line) AS lo, MAX(g.last_line) AS hi FROM line_group g"
        "   GROUP BY g.submission_id) r ON r.submission_id = s.id"
        " LEFT JOIN line l ON l.id BETWEEN r.lo AND r.hi AND l.submission_id = s.id"
        " WHERE (? = '' OR s.period = ?) AND (? = '' OR s.org = ?) AND (? = 0 OR s.is_current = 1)"
        " GROUP BY s.id ORDER BY s.period, s.org, s.version", &q, err);
    if (rc) {
        ics_store_rollback(l->store);
        return rc;
    }
    const char *p = period ? period : "";
    ics_stmt_bind_str(q, 1, p);
    ics_stmt_bind_str(q, 2, p);
    ics_stmt_bind_str(q, 3, code);
    ics_stmt_bind_str(q, 4, code);
    ics_stmt_bind_int64(q, 5, current_only);
    while ((rc = ics_stmt_step(q, err)) == 1) {
        struct ics_ledger_submission s;
        memset(&s, 0, sizeof s);
        s.id = ics_stmt_column_int64(q, 0);
        copy_text(q, 1, s.org, sizeof s.org);
        copy_text(q, 2, s.period, sizeof s.period);
        s.version = (int)ics_stmt_column_int64(q, 3);
        s.current = (int)ics_stmt_column_int64(q, 4);
        copy_text(q, 5, s.submitted_at, sizeof s.submitted_at);
        copy_text(q, 6, s.submitted_by, sizeof s.submitted_by);
        copy_text(q, 7, s.file, sizeof s.file);
        copy_text(q, 8, s.sha256, sizeof s.sha256);
        s.lines = ics_stmt_column_int64(q, 9);
        for (int k = 0; k < 4; k++)
            s.totals[k] = ics_stmt_column_int64(q, 10 + k);
        if (ics_stmt_column_int64(q, 14) != s.lines) {
            rc = ics_error_set(err, ICS_ERR_FAILED, "submission %lld: %lld lines stored, %lld recorded",
                               (long long)s.id, (long long)ics_stmt_column_int64(q, 14), (long long)s.lines);
            break;
        }
        if (fn(ctx, &s))
            break;
    }
    ics_stmt_finalize(q);
    ics_store_rollback(l->store);
    return rc == 1 || rc == 0 ? ICS_OK : rc;
}

static int count(struct ics_ledger *l, const char *sql, int64_t *out, struct ics_error *err)
{
    return icsi_ledger_query_int(l, sql, NULL, out, NULL, err);
}

int ics_ledger_check(struct ics_ledger *l, struct ics_ledger_check *c, struct ics_error *err)
{
    memset(c, 0, sizeof *c);
    int rc = icsi_ledger_authorize(l, LEDGER_READ, NULL, NULL, err);
    if (!rc)
        rc = ics_store_check(l->store, err);
    if (rc)
        return rc;
    rc = ics_store_begin_read(l->store, err);
    if (rc)
        return rc;
    if (!rc)
        rc = count(l, "SELECT COUNT(*) FROM submission", &c->submissions, err);
    if (!rc)
        rc = count(l, "SELECT COUNT(*) FROM submission WHERE is_current = 1", &c->current_submissions, err);
    if (!rc)
        rc = count(l, "SELECT COUNT(*) FROM line", &c->lines, err);
    if (!rc)
        rc = count(l, "SELECT COUNT(*) FROM dispute", &c->disputes, err);
    int64_t bad = 0;
    /* Every group's range holds exactly its lines, and its totals are theirs. */
    if (!rc)
        rc = count(l,
                   "SELECT COUNT(*) FROM line_group g WHERE g.lines <> (g.last_line - g.first_line + 1)"
                   " OR g.total <> (SELECT COALESCE(SUM(amount), 0) FROM line x WHERE x.id BETWEEN g.first_line AND g.last_line"
                   "   AND x.submission_id = g.submission_id AND x.counterparty = g.counterparty AND x.kind = g.kind)"
                   " OR g.lines <> (SELECT COUNT(*) FROM line x WHERE x.id BETWEEN g.first_line AND g.last_line"
                   "   AND x.submission_id = g.submission_id AND x.counterparty = g.counterparty AND x.kind = g.kind)"
                   " OR g.ref_lines <> (SELECT COUNT(invoice_ref) FROM line x WHERE x.id BETWEEN g.first_line AND g.last_line)",
                   &bad, err);
    if (!rc && bad)
        rc = ics_error_set(err, ICS_ERR_FAILED, "%lld line group%s do not match their lines", (long long)bad,
                           bad == 1 ? "" : "s");
    int64_t orphans = 0;
    if (!rc)
        rc = count(l, "SELECT (SELECT COUNT(*) FROM line) - (SELECT COALESCE(SUM(lines), 0) FROM line_group)", &orphans, err);
    if (!rc && orphans)
        rc = ics_error_set(err, ICS_ERR_FAILED, "%lld lines belong to no group", (long long)orphans);
    int64_t two_current = 0;
    if (!rc)
        rc = count(l, "SELECT COUNT(*) FROM (SELECT org, period FROM submission WHERE is_current = 1"
                      " GROUP BY org, period HAVING COUNT(*) > 1) x", &two_current, err);
    if (!rc && two_current)
        rc = ics_error_set(err, ICS_ERR_FAILED, "%lld organisation-periods have more than one current submission",
                           (long long)two_current);
    ics_store_rollback(l->store);
    if (rc)
        return rc;
    struct ics_ledger_audit_check a;
    rc = ics_ledger_audit_verify(l, &a, err);
    c->audit_entries = a.entries;
    memcpy(c->audit_head, a.head, sizeof c->audit_head);
    return rc;
}
