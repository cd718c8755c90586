/*
 * ics ledger submit: one organisation's statement for a period.
 *
 * The whole file is read and checked before anything is written, so a file
 * with any bad row imports nothing and every bad row is listed. Good lines are
 * sorted by (counterparty, kind, invoice_ref) and written with consecutive ids
 * in one transaction, so each (counterparty, kind) group is an id range that
 * matching reads in order (see migrations.c). A SHA-256 of the sorted content
 * tells an identical resubmission (same lines, any order) from a correction.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics/csv.h"
#include "ledger_internal.h"

#define MAX_LINES 100000000L        /* a cap on one file, far above any real statement */

struct sub_line {
    char cp[ICS_LEDGER_CODE_MAX];
    const char *ref;                /* NULL: a total-only line */
    const char *note;               /* NULL: none */
    int64_t amount;
    long line_no;
    int32_t date;                   /* ICS_DATE_NONE: none */
    int kind;
};

struct problem {
    long line;
    int column;
    const char *reason;
};

struct submit_state {
    struct ics_arena arena;
    struct sub_line *lines;
    size_t n, cap;
    struct problem *problems;
    size_t np, pcap;
    int nomem;
    int ref_column;                 /* 1-based field number of invoice_ref */
    int amount_column;              /* 1-based field number of amount */
    int64_t totals[4];              /* per enum ics_ledger_kind, summed by check_totals */
    const char *period;
    int classes;                    /* what the period's exercise agrees (ICS_LEDGER_CLASSES_*); 0: any */
};

static void add_problem(struct submit_state *s, long line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_problem(struct submit_state *s, long line, int column, const char *fmt, ...)
{
    if (s->np == s->pcap) {
        size_t cap = s->pcap ? s->pcap * 2 : 64;
        struct problem *p = ics_realloc(s->problems, cap * sizeof *p);
        if (!p) {
            s->nomem = 1;
            return;
        }
        s->problems = p;
        s->pcap = cap;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *r = ics_arena_strndup(&s->arena, buf, strlen(buf));
    if (!r) {
        s->nomem = 1;
        return;
    }
    s->problems[s->np++] = (struct problem){line, column, r};
}

static int problem_cmp(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->column > y->column) - (x->column < y->column);
}

/* Sort order of stored lines: counterparty, kind, then ref with total-only
 * lines first. Matching relies on exactly this order (strcmp on refs). */
static int line_cmp(const void *a, const void *b)
{
    const struct sub_line *x = a, *y = b;
    int c = strcmp(x->cp, y->cp);
    if (c)
        return c;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    if (!x->ref || !y->ref) {
        if (x->ref || y->ref)
            return x->ref ? 1 : -1;
        return (x->line_no > y->line_no) - (x->line_no < y->line_no);
    }
    c = strcmp(x->ref, y->ref);
    if (c)
        return c;
    return (x->line_no > y->line_no) - (x->line_no < y->line_no);
}

static void trim(const char **p, size_t *len)
{
    const char *s = *p;
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    *p = s;
    *len = n;
}

static int parse_kind(const char *s, size_t len)
{
    for (int k = 0; k < 4; k++) {
        const char *name = ics_ledger_kind_name(k);
        if (strlen(name) == len && strncasecmp(name, s, len) == 0)
            return k;
    }
    return -1;
}

/* Shows at most 40 bytes of a bad value in a message. */
#define SHOW(len) ((int)((len) > 40 ? 40 : (len)))

enum { COL_CP, COL_KIND, COL_REF, COL_DATE, COL_AMOUNT, COL_NOTE, NCOLS };

static int read_file(struct submit_state *s, const char *path, const char *label, const char *org,
                     int allow_unknown, struct ics_error *err)
{
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, label, &r, err);
    if (rc)
        return rc;
    static const char *const aliases[NCOLS][4] = {
        {"counterparty", "counterparty_code", NULL},
        {"kind", NULL},
        {"invoice_ref", "invoice", "ref", NULL},
        {"invoice_date", "date", NULL},
        {"amount", NULL},
        {"note", "notes", NULL},
    };
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    int col[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        col[c] = ics_csv_header_find(h, aliases[c]);
        if (col[c] < 0 && c != COL_NOTE) {
            ics_error_at(err, ICS_ERR_MISSING_COLUMN, ics_csv_reader_label(r), 1, 0,
                         "missing column '%s' (the header needs counterparty,kind,invoice_ref,invoice_date,amount)",
                         aliases[c][0]);
            ics_csv_close(r);
            return ICS_ERR_MISSING_COLUMN;
        }
    }
    s->ref_column = col[COL_REF] + 1;
    s->amount_column = col[COL_AMOUNT] + 1;
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        if (s->n == s->cap) {
            if (s->cap >= (size_t)MAX_LINES) {
                rc = ics_error_set(err, ICS_ERR_PARSE, "%s: more than %ld lines", label, MAX_LINES);
                break;
            }
            size_t cap = s->cap ? s->cap * 2 : 1024;
            struct sub_line *p = ics_realloc(s->lines, cap * sizeof *p);
            if (!p) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
                break;
            }
            s->lines = p;
            s->cap = cap;
        }
        struct sub_line *ln = &s->lines[s->n];
        memset(ln, 0, sizeof *ln);
        ln->line_no = row.line;
        ln->date = ICS_DATE_NONE;
        int bad = 0;
        const char *f[NCOLS];
        size_t fl[NCOLS];
        for (int c = 0; c < NCOLS; c++) {
            if (col[c] >= 0 && col[c] < row.nfields) {
                f[c] = row.fields[col[c]].ptr;
                fl[c] = row.fields[col[c]].len;
                trim(&f[c], &fl[c]);
            } else {
                f[c] = NULL;
                fl[c] = 0;
            }
        }
        /* counterparty */
        if (!f[COL_CP] || fl[COL_CP] == 0) {
            add_problem(s, row.line, col[COL_CP] + 1, "missing counterparty");
            bad = 1;
        } else if (icsi_ledger_code_normalise(f[COL_CP], fl[COL_CP], ln->cp) != 0) {
            add_problem(s, row.line, col[COL_CP] + 1, "bad organisation code '%.*s'", SHOW(fl[COL_CP]),
                        f[COL_CP]);
            bad = 1;
        } else if (strcmp(ln->cp, org) == 0) {
            add_problem(s, row.line, col[COL_CP] + 1, "own organisation code '%s' as counterparty", ln->cp);
            bad = 1;
        } else if (!allow_unknown && !ics_ledger_org_type(ln->cp)) {
            add_problem(s, row.line, col[COL_CP] + 1, "unknown organisation code '%s'", ln->cp);
            bad = 1;
        }
        /* kind */
        ln->kind = f[COL_KIND] ? parse_kind(f[COL_KIND], fl[COL_KIND]) : -1;
        if (ln->kind < 0) {
            add_problem(s, row.line, col[COL_KIND] + 1,
                        "bad kind '%.*s' (receivable, payable, income or expenditure)",
                        SHOW(fl[COL_KIND]), f[COL_KIND] ? f[COL_KIND] : "");
            bad = 1;
        } else if (s->classes) {
            int cls = ln->kind == ICS_LEDGER_RECEIVABLE || ln->kind == ICS_LEDGER_PAYABLE ? ICS_LEDGER_RP : ICS_LEDGER_IE;
            if (!(s->classes & (1 << cls))) {
                add_problem(s, row.line, col[COL_KIND] + 1, "kind %s: the %s exercise agrees receivables and payables "
                            "only", ics_ledger_kind_name(ln->kind), s->period);
                bad = 1;
            }
        }
        /* invoice_ref: empty means a total-only line */
        if (f[COL_REF] && fl[COL_REF]) {
            if (memchr(f[COL_REF], '\0', fl[COL_REF])) {
                add_problem(s, row.line, col[COL_REF] + 1, "invoice_ref holds a NUL byte");
                bad = 1;
            } else if (!(ln->ref = ics_arena_strndup(&s->arena, f[COL_REF], fl[COL_REF]))) {
                s->nomem = 1;
            }
        }
        /* invoice_date: optional, but a given date must be a real one */
        if (f[COL_DATE] && fl[COL_DATE] && ics_date_parse(f[COL_DATE], fl[COL_DATE], &ln->date) != 0) {
            add_problem(s, row.line, col[COL_DATE] + 1, "bad date '%.*s'", SHOW(fl[COL_DATE]), f[COL_DATE]);
            ln->date = ICS_DATE_NONE;
            bad = 1;
        }
        /* amount */
        const char *why = "missing amount";
        if (!f[COL_AMOUNT] || fl[COL_AMOUNT] == 0 ||
            ics_pence_parse(f[COL_AMOUNT], fl[COL_AMOUNT], &ln->amount, &why) != 0) {
            add_problem(s, row.line, col[COL_AMOUNT] + 1, "bad amount '%.*s': %s", SHOW(fl[COL_AMOUNT]),
                        f[COL_AMOUNT] ? f[COL_AMOUNT] : "", why);
            bad = 1;
        } else if (ln->amount > ICS_LEDGER_LINE_MAX_PENCE || ln->amount < -ICS_LEDGER_LINE_MAX_PENCE) {
            add_problem(s, row.line, col[COL_AMOUNT] + 1,
                        "bad amount '%.*s': over the limit of 1000000000000.00 a line", SHOW(fl[COL_AMOUNT]),
                        f[COL_AMOUNT]);
            bad = 1;
        }
        if (f[COL_NOTE] && fl[COL_NOTE] && !(ln->note = ics_arena_strndup(&s->arena, f[COL_NOTE], fl[COL_NOTE])))
            s->nomem = 1;
        if (s->nomem) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
            break;
        }
        if (!bad)
            s->n++;
    }
    ics_csv_close(r);
    if (rc == 0 && s->nomem)
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
    return rc < 0 ? ICS_ERR_INTERNAL : rc;
}

/* After sorting, equal (counterparty, kind, ref) are adjacent. The later
 * line (in file order) is the duplicate. */
static void find_duplicates(struct submit_state *s)
{
    for (size_t i = 1; i < s->n; i++) {
        struct sub_line *a = &s->lines[i - 1], *b = &s->lines[i];
        if (!a->ref || !b->ref || a->kind != b->kind || strcmp(a->cp, b->cp) || strcmp(a->ref, b->ref))
            continue;
        /* Report each later copy against the first one of the run. */
        size_t first = i - 1;
        while (first > 0 && s->lines[first - 1].ref && s->lines[first - 1].kind == b->kind &&
               strcmp(s->lines[first - 1].cp, b->cp) == 0 && strcmp(s->lines[first - 1].ref, b->ref) == 0)
            first--;
        add_problem(s, b->line_no, s->ref_column, "duplicate invoice_ref '%.*s' for counterparty %s and kind %s (first on line %ld)",
                    SHOW(strlen(b->ref)), b->ref, b->cp, ics_ledger_kind_name(b->kind), s->lines[first].line_no);
    }
}

/* Sums the sorted lines per (counterparty, kind) group, as they will be
 * stored, and per kind, with checked additions: the line that takes a total
 * past int64 is a bad row (once per group and per kind), so no wrapped total
 * is ever stored or shown. Per-line limits make this need tens of thousands of
 * lines at the limit, but the limit alone does not bound a sum. */
static void check_totals(struct submit_state *s)
{
    int kind_overflowed[4] = {0};
    int64_t group_total = 0;
    int group_overflowed = 0;
    char why[96];
    icsi_ledger_too_large(why, sizeof why);
    for (size_t i = 0; i < s->n; i++) {
        const struct sub_line *ln = &s->lines[i];
        if (i == 0 || ln->kind != s->lines[i - 1].kind || strcmp(ln->cp, s->lines[i - 1].cp) != 0) {
            group_total = 0;
            group_overflowed = 0;
        }
        int group_bad = !group_overflowed && icsi_pence_add(group_total, ln->amount, &group_total);
        int kind_bad = !kind_overflowed[ln->kind] && icsi_pence_add(s->totals[ln->kind], ln->amount,
                                                                     &s->totals[ln->kind]);
        const char *kname = ics_ledger_kind_name(ln->kind);
        if (group_bad)
            add_problem(s, ln->line_no, s->amount_column, "the %s total with %s %s", kname, ln->cp, why);
        else if (kind_bad)
            add_problem(s, ln->line_no, s->amount_column, "the statement's %s total %s", kname, why);
        group_overflowed |= group_bad;
        kind_overflowed[ln->kind] |= kind_bad;
    }
}

/* Appends bytes to the hash through a buffer, so the hash sees large updates. */
struct hasher {
    crypto_hash_sha256_state h;
    unsigned char buf[1 << 14];
    size_t len;
};

static void hasher_put(struct hasher *x, const void *p, size_t n)
{
    if (x->len + n > sizeof x->buf) {
        crypto_hash_sha256_update(&x->h, x->buf, x->len);
        x->len = 0;
    }
    if (n > sizeof x->buf) {
        crypto_hash_sha256_update(&x->h, p, n);
        return;
    }
    memcpy(x->buf + x->len, p, n);
    x->len += n;
}

/* SHA-256 of the sorted content in a fixed binary layout: code with its NUL,
 * kind, date, amount, then ref and note each preceded by its length (+1, 0 for
 * none), so the encoding is unambiguous whatever the text holds. */
static void content_hash(const struct submit_state *s, char *hex)
{
    struct hasher *x = ics_malloc(sizeof *x);
    if (x)
        x->len = 0;
    crypto_hash_sha256_state small;
    crypto_hash_sha256_state *h = x ? &x->h : &small;
    crypto_hash_sha256_init(h);
    for (size_t i = 0; i < s->n; i++) {
        const struct sub_line *ln = &s->lines[i];
        unsigned char rec[ICS_LEDGER_CODE_MAX + 1 + 4 + 8 + 8];
        size_t k = strlen(ln->cp) + 1;
        memcpy(rec, ln->cp, k);
        rec[k++] = (unsigned char)ln->kind;
        memcpy(rec + k, &ln->date, 4);
        k += 4;
        memcpy(rec + k, &ln->amount, 8);
        k += 8;
        uint32_t lens[2] = {ln->ref ? (uint32_t)strlen(ln->ref) + 1 : 0, ln->note ? (uint32_t)strlen(ln->note) + 1 : 0};
        memcpy(rec + k, lens, 8);
        k += 8;
        if (x) {
            hasher_put(x, rec, k);
            if (ln->ref)
                hasher_put(x, ln->ref, lens[0] - 1);
            if (ln->note)
                hasher_put(x, ln->note, lens[1] - 1);
        } else {
            /* Out of memory for the buffer: hash directly (slower, same result). */
            crypto_hash_sha256_update(h, rec, k);
            if (ln->ref)
                crypto_hash_sha256_update(h, (const unsigned char *)ln->ref, lens[0] - 1);
            if (ln->note)
                crypto_hash_sha256_update(h, (const unsigned char *)ln->note, lens[1] - 1);
        }
    }
    if (x && x->len)
        crypto_hash_sha256_update(h, x->buf, x->len);
    unsigned char d[32];
    crypto_hash_sha256_final(h, d);
    icsi_ledger_sha256_hex(d, hex);
    ics_free(x);
}

/* Dates repeat a great deal in a statement: format each one once. */
struct date_cache {
    int32_t day[256];
    char text[256][11];
};

static const char *date_text(struct date_cache *c, int32_t day)
{
    unsigned slot = (unsigned)day & 255u;
    if (c->day[slot] != day) {
        char buf[16];
        ics_date_format(day, buf);
        memcpy(c->text[slot], buf, 11);
        c->day[slot] = day;
    }
    return c->text[slot];
}

struct group {
    const char *cp;
    int kind;
    int64_t first, last, lines, refs, total;
};

/* What one submission is written as: who, for which period, from which file. */
struct submission_write {
    const char *org;                /* normalised code */
    const char *period;
    const char *label;              /* the file name stored and shown */
    const char *actor;
    const char *at;                 /* UTC timestamp */
    char hash[65];                  /* content_hash of the sorted lines */
    const struct ics_ledger_submit_options *opt;   /* progress callback */
    int64_t read_version;           /* the current version when the file began to be read (0: none) */
};

/* The current version of (org, period), if any: its id (0: none), version and hash. */
struct current_version {
    int64_t id, version;
    char hash[65];
};

static int find_current(struct ics_ledger *l, const struct submission_write *w, struct current_version *cur,
                        struct ics_error *err)
{
    memset(cur, 0, sizeof *cur);
    struct ics_stmt *q;
    int rc = ics_store_prepare(l->store, "SELECT id, version, file_sha256 FROM submission"
                                         " WHERE org = ? AND period = ? AND is_current = 1", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_str(q, 1, w->org);
    ics_stmt_bind_str(q, 2, w->period);
    rc = ics_stmt_step(q, err);
    if (rc == 1) {
        cur->id = ics_stmt_column_int64(q, 0);
        cur->version = ics_stmt_column_int64(q, 1);
        const char *hh = ics_stmt_column_text(q, 2, NULL);
        snprintf(cur->hash, sizeof cur->hash, "%s", hh ? hh : "");
        rc = ICS_OK;
    }
    ics_stmt_finalize(q);
    return rc;
}

/* The submission row, current, as version `version`; the old current one
 * (if any) stops being current. */
static int insert_submission(struct ics_ledger *l, const struct submission_write *w, const struct submit_state *s,
                             int64_t old_id, int64_t sub_id, int64_t version, struct ics_error *err)
{
    int rc;
    if (old_id) {
        char idtext[24];
        snprintf(idtext, sizeof idtext, "%lld", (long long)old_id);
        const char *p1[] = {idtext, NULL};
        int64_t dummy;
        rc = icsi_ledger_query_int(l, "UPDATE submission SET is_current = 0 WHERE id = CAST(? AS INTEGER)", p1,
                                   &dummy, NULL, err);
        if (rc)
            return rc;
    }
    struct ics_stmt *q;
    rc = ics_store_prepare(l->store, "INSERT INTO submission (id, org, period, version, is_current, file_name,"
                                     " file_sha256, line_count, submitted_at, submitted_by)"
                                     " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)", &q, err);
    if (rc)
        return rc;
    ics_stmt_bind_int64(q, 1, sub_id);
    ics_stmt_bind_str(q, 2, w->org);
    ics_stmt_bind_str(q, 3, w->period);
    ics_stmt_bind_int64(q, 4, version);
    ics_stmt_bind_str(q, 5, w->label);
    ics_stmt_bind_str(q, 6, w->hash);
    ics_stmt_bind_int64(q, 7, (int64_t)s->n);
    ics_stmt_bind_str(q, 8, w->at);
    ics_stmt_bind_str(q, 9, w->actor);
    rc = ics_stmt_step(q, err);
    ics_stmt_finalize(q);
    return rc;
}

/* One line_group row per (counterparty, kind) run of the sorted lines, whose
 * ids start at line_id, as one bulk load. check_totals has found that every
 * total fits. */
static int write_groups(struct ics_store *st, const struct submit_state *s, const char *org, int64_t sub_id,
                        int64_t line_id, struct ics_error *err)
{
    struct ics_bulk *bulk;
    int rc = ics_store_bulk_begin(st, "line_group", "submission_id, counterparty, kind, first_line, last_line, lines,"
                                  " ref_lines, total, org", 9, &bulk, err);
    if (rc)
        return rc;
    struct group g = {0};
    int64_t id = line_id;
    for (size_t i = 0; i <= s->n; i++, id++) {
        const struct sub_line *ln = i < s->n ? &s->lines[i] : NULL;
        if (g.cp && (!ln || ln->kind != g.kind || strcmp(ln->cp, g.cp) != 0)) {
            const char *kind = ics_ledger_kind_name(g.kind);
            ics_bulk_int64(bulk, sub_id);
            ics_bulk_text(bulk, g.cp, strlen(g.cp));
            ics_bulk_text(bulk, kind, strlen(kind));
            ics_bulk_int64(bulk, g.first);
            ics_bulk_int64(bulk, g.last);
            ics_bulk_int64(bulk, g.lines);
            ics_bulk_int64(bulk, g.refs);
            ics_bulk_int64(bulk, g.total);
            ics_bulk_text(bulk, org, strlen(org));
            rc = ics_bulk_end_row(bulk, err);
            if (rc)
                break;
            g.cp = NULL;
        }
        if (!ln)
            break;
        if (!g.cp)
            g = (struct group){.cp = ln->cp, .kind = ln->kind, .first = id};
        g.last = id;
        g.lines++;
        g.refs += ln->ref != NULL;
        if (icsi_pence_add(g.total, ln->amount, &g.total)) {
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "a group total passed the checks and then overflowed");
            break;
        }
    }
    int finish = ics_bulk_finish(bulk, !rc, err);
    return rc ? rc : finish;
}

/* The lines, ids from line_id, as one bulk load; progress every 16,384 lines.
 * hex gets the digest of exactly what was written (icsi_line_digest), the one
 * verify recomputes from the table: computed here, not read back. */
static int write_lines(struct ics_store *st, const struct submit_state *s, int64_t sub_id, int64_t line_id,
                       const struct ics_ledger_submit_options *opt, char hex[65], struct ics_error *err)
{
    struct ics_bulk *bulk = NULL;
    struct date_cache *dc = ics_malloc(sizeof *dc);
    struct icsi_line_digest *d = icsi_line_digest_new();
    int rc = dc && d ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = ics_store_bulk_begin(st, "line",
                                  "id, submission_id, line_no, counterparty, kind, invoice_ref, invoice_date, amount, note",
                                  9, &bulk, err);
    if (rc) {
        ics_free(dc);
        icsi_line_digest_free(d);
        return rc;
    }
    for (int k = 0; k < 256; k++)
        dc->day[k] = ICS_DATE_NONE;
    for (size_t i = 0; !rc && i < s->n; i++) {
        const struct sub_line *ln = &s->lines[i];
        const char *kind = ics_ledger_kind_name(ln->kind);
        const char *date = ln->date != ICS_DATE_NONE ? date_text(dc, ln->date) : NULL;
        size_t cp_len = strlen(ln->cp), kind_len = strlen(kind), ref_len = ln->ref ? strlen(ln->ref) : 0,
               note_len = ln->note ? strlen(ln->note) : 0;
        ics_bulk_int64(bulk, line_id + (int64_t)i);
        ics_bulk_int64(bulk, sub_id);
        ics_bulk_int64(bulk, ln->line_no);
        ics_bulk_text(bulk, ln->cp, cp_len);
        ics_bulk_text(bulk, kind, kind_len);
        ics_bulk_text(bulk, ln->ref, ref_len);
        ics_bulk_text(bulk, date, 10);
        ics_bulk_int64(bulk, ln->amount);
        ics_bulk_text(bulk, ln->note, note_len);
        rc = ics_bulk_end_row(bulk, err);
        icsi_line_digest_int(d, line_id + (int64_t)i);
        icsi_line_digest_int(d, sub_id);
        icsi_line_digest_int(d, ln->line_no);
        icsi_line_digest_text(d, ln->cp, cp_len);
        icsi_line_digest_text(d, kind, kind_len);
        icsi_line_digest_text(d, ln->ref, ref_len);
        icsi_line_digest_text(d, date, 10);
        icsi_line_digest_int(d, ln->amount);
        icsi_line_digest_text(d, ln->note, note_len);
        if (opt->progress && !rc && (i + 1) % 16384 == 0)
            opt->progress(opt->progress_ctx, i + 1, s->n, i + 1);
    }
    int finish = ics_bulk_finish(bulk, !rc, err);
    ics_free(dc);
    icsi_line_digest_final(d, hex);
    return rc ? rc : finish;
}

/* The audit entry of a submission or resubmission. */
static int audit_submission(struct ics_ledger *l, const struct submission_write *w, const struct submit_state *s,
                            int64_t sub_id, int64_t line_id, const char *lines_hex, int64_t version, int replaces,
                            const struct ics_ledger_submit_result *res, struct ics_error *err)
{
    char subject[64], detail[512], m[4][24];
    snprintf(subject, sizeof subject, "submission %s %s v%lld", w->org, w->period, (long long)version);
    snprintf(detail, sizeof detail,
             "id=%lld file=%s lines=%zu sha256=%s receivable=%s payable=%s income=%s expenditure=%s%s",
             (long long)sub_id, w->label, s->n, w->hash, icsi_ledger_money(res->totals[0], m[0]),
             icsi_ledger_money(res->totals[1], m[1]), icsi_ledger_money(res->totals[2], m[2]),
             icsi_ledger_money(res->totals[3], m[3]), replaces ? " replaces an earlier version" : "");
    /* The organisation's statements for the period (the one replaced is no
     * longer current), the new one's groups, and a digest of its lines. */
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)sub_id);
    const char *who[] = {w->org, w->period, NULL}, *which[] = {idtext, NULL};
    struct ledger_event ev;
    icsi_event_init(&ev);
    int rc = icsi_event_capture(l, &ev, "submission", "org = ? AND period = ?", who, err);
    if (!rc)
        rc = icsi_event_capture(l, &ev, "line_group", "submission_id = CAST(? AS INTEGER)", which, err);
    if (!rc && s->n)
        rc = icsi_event_lines(&ev, line_id, (int64_t)s->n, lines_hex, err);
    if (!rc)
        rc = icsi_ledger_audit_append(l, w->at, w->actor, replaces ? "resubmit" : "submit", subject, detail, &ev, err);
    icsi_event_free(&ev);
    return rc;
}

/* Writes the checked, sorted lines as the new current version in one
 * transaction, or nothing when they equal the current version. */
static int write_submission(struct ics_ledger *l, const struct submit_state *s, const struct submission_write *w,
                            struct ics_ledger_submit_result *res, struct ics_error *err)
{
    struct ics_store *st = l->store;
    int rc = ics_store_begin_write(st, err);
    if (rc)
        return rc;
    struct current_version cur;
    rc = find_current(l, w, &cur, err);
    if (rc)
        goto fail;
    if (cur.id && strcmp(cur.hash, w->hash) == 0) {
        ics_store_rollback(st);
        res->submission_id = cur.id;
        res->version = (int)cur.version;
        res->unchanged = 1;
        return ICS_OK;
    }
    if (cur.version != w->read_version) {
        ics_store_rollback(st);
        char was[48] = "there was none";
        if (w->read_version)
            snprintf(was, sizeof was, "it was version %lld", (long long)w->read_version);
        return ics_error_set(err, ICS_ERR_CONFLICT,
                             "%s's %s statement became version %lld while this file was being read (%s): nothing "
                             "was stored; submit again if this file should replace it",
                             w->org, w->period, (long long)cur.version, was);
    }
    int64_t max_version = 0, sub_id, line_id;
    const char *p2[] = {w->org, w->period, NULL};
    rc = icsi_ledger_query_int(l, "SELECT COALESCE(MAX(version), 0) FROM submission WHERE org = ? AND period = ?",
                               p2, &max_version, NULL, err);
    if (!rc)
        rc = icsi_ledger_next_id(l, "submission", 1, &sub_id, err);
    if (!rc)
        rc = icsi_ledger_next_id(l, "line", (int64_t)s->n, &line_id, err);
    if (!rc)
        rc = insert_submission(l, w, s, cur.id, sub_id, max_version + 1, err);
    if (rc)
        goto fail;
    /* Groups and totals first (cheap), then the lines in batches. */
    if (w->opt->progress)
        w->opt->progress(w->opt->progress_ctx, 0, s->n, 0);
    char lines_hex[65];
    rc = write_groups(st, s, w->org, sub_id, line_id, err);
    if (!rc)
        rc = write_lines(st, s, sub_id, line_id, w->opt, lines_hex, err);
    if (rc)
        goto fail;
    memcpy(res->totals, s->totals, sizeof res->totals);
    if (w->opt->progress)
        w->opt->progress(w->opt->progress_ctx, s->n, s->n, s->n);
    rc = audit_submission(l, w, s, sub_id, line_id, lines_hex, max_version + 1, cur.id != 0, res, err);
    if (!rc)
        rc = ics_store_commit(st, err);
    if (rc)
        goto fail;
    res->submission_id = sub_id;
    res->version = (int)(max_version + 1);
    return ICS_OK;
fail:
    ics_store_rollback(st);
    memset(res->totals, 0, sizeof res->totals);
    return rc;
}

int ics_ledger_submit(struct ics_ledger *l, const char *path, const struct ics_ledger_submit_options *opt,
                      struct ics_ledger_submit_result *res, struct ics_error *err)
{
    memset(res, 0, sizeof *res);
    char org[ICS_LEDGER_CODE_MAX];
    if (!opt->org || icsi_ledger_code_normalise(opt->org, strlen(opt->org), org) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad organisation code '%s'", opt->org ? opt->org : "");
    /* Who may submit is decided first: a refusal says nothing of the file or the codes. */
    int auth = icsi_ledger_authorize(l, LEDGER_SUBMIT, org, NULL, err);
    if (auth)
        return auth;
    if (!opt->allow_unknown_org && !ics_ledger_org_type(org))
        return ics_error_set(err, ICS_ERR_USAGE,
                             "unknown organisation code '%s' (not in the reference data; --allow-unknown-org accepts it)",
                             org);
    if (!opt->period || !icsi_ledger_period_valid(opt->period))
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s' (expected YYYY-YY-Mnn, e.g. 2018-19-M12)",
                             opt->period ? opt->period : "");
    /* On a shared ledger when a statement came in decides who is late: ics's clock, not the caller's. */
    if (opt->at && l->has_identity)
        return ics_error_set(err, ICS_ERR_CONFLICT, "on a ledger with users a statement is received when ics stores "
                             "it: no other time of receipt may be given");
    memcpy(res->org, org, sizeof res->org);
    const char *label = opt->label ? opt->label : path;
    char at[32];
    if (opt->at)
        snprintf(at, sizeof at, "%s", opt->at);
    else
        icsi_ledger_now(at, sizeof at);

    struct submit_state s = {.period = opt->period};
    ics_arena_init(&s.arena, 1 << 16);
    /* The version this statement would replace, as it stands before the file is read: a writer
     * that commits another version meanwhile makes this one a conflict, not a silent replacement. */
    struct current_version before;
    struct submission_write probe = {.org = org, .period = opt->period};
    int rc = find_current(l, &probe, &before, err);
    if (!rc)
        rc = icsi_ledger_exercise_classes(l, opt->period, &s.classes, err);
    if (!rc)
        rc = read_file(&s, path, label, org, opt->allow_unknown_org, err);
    if (!rc) {
        if (s.n)
            qsort(s.lines, s.n, sizeof *s.lines, line_cmp);
        find_duplicates(&s);
        check_totals(&s);
        if (s.nomem)
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory checking %s", label);
    }
    if (!rc && s.np) {
        qsort(s.problems, s.np, sizeof *s.problems, problem_cmp);
        /* A row can have several problems but counts once. */
        long rows = 0;
        for (size_t i = 0; i < s.np; i++) {
            if (i == 0 || s.problems[i].line != s.problems[i - 1].line)
                rows++;
            if (opt->problem)
                opt->problem(opt->problem_ctx, label, s.problems[i].line, s.problems[i].column,
                             s.problems[i].reason);
        }
        res->problems = rows;
        rc = ics_error_set(err, ICS_ERR_PARSE, "%s: %ld bad row%s; nothing imported", label, rows,
                           rows == 1 ? "" : "s");
    }
    /* A header alone is far more often a failed export than a statement:
     * taken as a new version it would silently drop the organisation's
     * previous figures from the match. It is one only when the caller says so. */
    if (!rc && s.n == 0) {
        res->no_lines = 1;
        if (!opt->allow_empty)
            rc = ics_error_set(err, ICS_ERR_PARSE, "%s: the statement has no lines (a header only); nothing imported",
                               label);
    }
    if (!rc) {
        struct submission_write w = {
            .org = org, .period = opt->period, .label = label, .actor = opt->actor ? opt->actor : org, .at = at,
            .opt = opt, .read_version = before.version,
        };
        content_hash(&s, w.hash);
        res->lines = (int64_t)s.n;
        rc = write_submission(l, &s, &w, res, err);
        /* Identical content has the stored totals: the file's. */
        if (!rc && res->unchanged)
            memcpy(res->totals, s.totals, sizeof res->totals);
    }
    ics_free(s.lines);
    ics_free(s.problems);
    ics_arena_release(&s.arena);
    return rc;
}
