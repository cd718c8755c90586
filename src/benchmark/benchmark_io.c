/* Reading the table and the side files (population, peers, groups) with the CSV pull reader. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "benchmark_internal.h"
#include "ics/csv.h"

/* A NUL-terminated string in a reusable buffer that grows to fit. */
struct bm_text {
    char *buf;
    size_t cap;
};

static char *text_room(struct bm_text *t, size_t len)
{
    if (len + 1 > t->cap) {
        size_t c = t->cap ? t->cap : 64;
        while (c < len + 1)
            c *= 2;
        char *nb = ics_realloc(t->buf, c);
        if (!nb)
            return NULL;
        t->buf = nb;
        t->cap = c;
    }
    return t->buf;
}

/* A field, trimmed as every reader trims (ics_text_trim), in t; NULL when out
 * of memory. A carriage return left at the end of a field (a CR before a
 * delimiter: the reader drops only the CR of a CRLF line end) goes too. */
static const char *field_text(struct bm_text *t, const struct ics_csv_row *row, int idx)
{
    const char *p = "";
    size_t len = 0;
    if (idx >= 0 && idx < row->nfields) {
        p = row->fields[idx].ptr;
        len = row->fields[idx].len;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    ics_text_trim(&p, &len);
    char *s = text_room(t, len);
    if (!s)
        return NULL;
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

/* The whole formatted text in t (never cut); NULL when out of memory. */
static const char *text_format(struct bm_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *text_format(struct bm_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : text_room(t, (size_t)n);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static int is_number(const char *s, double *out)
{
    return ics_parse_double(s, strlen(s), out, NULL) == 0;
}

static int missing_column(const struct ics_csv_reader *r, const char *what, const char *name,
                          struct ics_error *err)
{
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    char cols[512];
    size_t k = 0;
    cols[0] = '\0';
    for (int i = 0; i < h->count && k + 4 < sizeof cols; i++) {
        int n = snprintf(cols + k, sizeof cols - k, "%s%s", i ? ", " : "", h->names[i]);
        if (n < 0 || (size_t)n >= sizeof cols - k) {
            k = sizeof cols - 1;
            break;
        }
        k += (size_t)n;
    }
    return ics_error_set(err, ICS_ERR_MISSING_COLUMN, "%s: no %s column '%s' (columns: %s)",
                         ics_csv_reader_label(r), what, name, cols);
}

static int find1(const struct ics_csv_header *h, const char *name)
{
    const char *aliases[2] = {name, NULL};
    return ics_csv_header_find(h, aliases);
}

/* Keeps the first bad value of a column, to name it if no value at all is numeric. */
struct column_check {
    const char *name;
    int index;
    long good, bad;
    long bad_line;
    const char *bad_text;   /* in the benchmark's arena */
};

static int note_bad(struct ics_benchmark *b, struct column_check *c, long line, const char *text)
{
    if (c->bad++ == 0) {
        c->bad_line = line;
        c->bad_text = icsi_bm_strdup(b, text);
        if (!c->bad_text)
            return -1;
    }
    return 0;
}

/* The table being read: its columns and the buffers a row is read into. */
struct table_reader {
    struct ics_benchmark *b;
    struct ics_csv_reader *r;
    char *numname, *denname;      /* owned */
    struct column_check num, den;
    int code_i, name_i, level_i, cost_i, ebd_i, days_i;
    struct bm_text code, name, field, problem;
    long rows;
};

static void reader_release(struct table_reader *tr)
{
    ics_free(tr->code.buf);
    ics_free(tr->name.buf);
    ics_free(tr->field.buf);
    ics_free(tr->problem.buf);
    ics_free(tr->numname);
    ics_free(tr->denname);
    ics_csv_close(tr->r);
}

/* The metric: a column named exactly so, else NUM/DEN split at the last '/'. */
static int split_metric(struct table_reader *tr, const char *metric, struct ics_error *err)
{
    const struct ics_csv_header *h = ics_csv_reader_header(tr->r);
    const char *slash = strrchr(metric, '/');
    int whole = find1(h, metric) >= 0 || !slash;
    if (whole) {
        tr->numname = ics_strndup(metric, strlen(metric));
    } else {
        tr->numname = ics_strndup(metric, (size_t)(slash - metric));
        tr->denname = ics_strndup(slash + 1, strlen(slash + 1));
    }
    if (!tr->numname || (!whole && !tr->denname))
        return icsi_bm_nomem(err);
    if (!whole && (!*tr->denname || !*tr->numname))
        return ics_error_set(err, ICS_ERR_USAGE, "metric '%s': expected NUM or NUM/DEN", metric);
    return ICS_OK;
}

/* Finds the columns the table is read by; records them in b->table. */
static int find_columns(struct table_reader *tr, struct ics_error *err)
{
    struct ics_benchmark *b = tr->b;
    const struct ics_csv_header *h = ics_csv_reader_header(tr->r);
    if (b->opt.denominator != ICS_DEN_POPULATION)
        b->opt.denominator = tr->denname ? ICS_DEN_COLUMN : ICS_DEN_NONE;
    static const char *const code_aliases[] = {"code", NULL};
    tr->code_i = ics_csv_header_find(h, code_aliases);
    if (tr->code_i < 0)
        return missing_column(tr->r, "code", "code", err);
    tr->num = (struct column_check){tr->numname, find1(h, tr->numname), 0, 0, 0, ""};
    tr->den = (struct column_check){tr->denname, tr->denname ? find1(h, tr->denname) : -1, 0, 0, 0, ""};
    if (tr->num.index < 0)
        return missing_column(tr->r, "numerator", tr->numname, err);
    if (tr->denname && tr->den.index < 0)
        return missing_column(tr->r, "denominator", tr->denname, err);
    b->table.numerator = icsi_bm_strdup(b, h->names[tr->num.index]);
    b->table.denominator = tr->denname ? icsi_bm_strdup(b, h->names[tr->den.index]) : "";
    if (!b->table.numerator || !b->table.denominator)
        return icsi_bm_nomem(err);
    tr->name_i = find1(h, "name");
    tr->level_i = find1(h, "level");
    tr->cost_i = find1(h, "excess_cost");
    tr->ebd_i = find1(h, "excess_bed_days");
    tr->days_i = find1(h, "days");
    b->table_has_cost = tr->cost_i >= 0 && tr->ebd_i >= 0;
    return ICS_OK;
}

/* A metric value: *out, or a problem (the first one a row has) and a bad value counted. */
static int read_value(struct table_reader *tr, const struct ics_csv_row *row, struct column_check *c,
                      const char *role, double *out, const char **problem, struct ics_error *err)
{
    const char *s = field_text(&tr->field, row, c->index);
    if (!s)
        return icsi_bm_nomem(err);
    double v;
    if (!*s) {
        if (!*problem)
            *problem = c == &tr->num
                ? text_format(&tr->problem, "no value in the numerator column '%s'", c->name)
                : text_format(&tr->problem, "missing denominator (column '%s' is empty)", c->name);
    } else if (!is_number(s, &v)) {
        if (!*problem)
            *problem = text_format(&tr->problem, "%s '%.40s' in column '%s' is not a number", role, s, c->name);
        if (note_bad(tr->b, c, row->line, s))
            return icsi_bm_nomem(err);
    } else {
        *out = v;
        c->good++;
        return ICS_OK;
    }
    return *problem ? ICS_OK : icsi_bm_nomem(err);
}

/* The cost columns of a row, when both are there and read. */
static int read_cost(struct table_reader *tr, const struct ics_csv_row *row, struct ics_benchmark_input *in,
                     struct ics_error *err)
{
    int64_t pence;
    double ebd;
    const char *s = field_text(&tr->field, row, tr->cost_i);
    if (!s)
        return icsi_bm_nomem(err);
    int ok = *s && ics_pence_parse(s, strlen(s), &pence, NULL) == 0;
    s = field_text(&tr->field, row, tr->ebd_i);
    if (!s)
        return icsi_bm_nomem(err);
    if (ok && *s && is_number(s, &ebd)) {
        in->has_cost = 1;
        in->excess_cost_pence = pence;
        in->excess_bed_days = ebd;
    }
    return ICS_OK;
}

/* The days column: the first value, and the first that differs from it. */
static int read_days(struct table_reader *tr, const struct ics_csv_row *row, struct ics_error *err)
{
    struct ics_benchmark_table *t = &tr->b->table;
    const char *s = field_text(&tr->field, row, tr->days_i);
    if (!s)
        return icsi_bm_nomem(err);
    double d;
    if (!*s || !is_number(s, &d) || !(d >= 1 && d <= 1e7 && d == floor(d)))
        return ICS_OK;
    long dl = (long)d;
    if (t->days_state == 0) {
        t->days_state = 1;
        t->days = dl;
        t->days_line = row->line;
    } else if (t->days_state == 1 && dl != t->days) {
        t->days_state = 2;
        t->other_days = dl;
        t->other_days_line = row->line;
    }
    return ICS_OK;
}

/* One row of the table: skipped when it is a total, else added as a code. */
static int read_row(struct table_reader *tr, const struct ics_csv_row *row, struct ics_error *err)
{
    int rc;
    const char *s = field_text(&tr->field, row, tr->level_i);
    if (!s)
        return icsi_bm_nomem(err);
    if (tr->level_i >= 0 && strcasecmp(s, "total") == 0)
        return ICS_OK;
    const char *code = field_text(&tr->code, row, tr->code_i);
    if (!code)
        return icsi_bm_nomem(err);
    if (strcasecmp(code, "total") == 0)
        return ICS_OK;
    tr->rows++;
    struct ics_benchmark_input in;
    memset(&in, 0, sizeof in);
    in.line = row->line;
    in.numerator = NAN;
    in.denominator = NAN;
    const char *problem = NULL;
    if ((rc = read_value(tr, row, &tr->num, "numerator", &in.numerator, &problem, err)))
        return rc;
    if (tr->denname && (rc = read_value(tr, row, &tr->den, "denominator", &in.denominator, &problem, err)))
        return rc;
    if (tr->b->table_has_cost && (rc = read_cost(tr, row, &in, err)))
        return rc;
    if (tr->days_i >= 0 && (rc = read_days(tr, row, err)))
        return rc;
    in.code = code;
    in.name = field_text(&tr->name, row, tr->name_i);
    if (!in.name)
        return icsi_bm_nomem(err);
    in.problem = problem;
    return ics_benchmark_add(tr->b, &in, err);
}

/* A column where nothing is a number is the wrong column, not a set of bad rows. */
static int check_numeric(const struct ics_benchmark *b, const struct column_check *c, struct ics_error *err)
{
    if (c->name && c->good == 0 && c->bad > 0)
        return ics_error_at(err, ICS_ERR_PARSE, b->table.label, c->bad_line, c->index + 1,
                            "column '%s' is not numeric ('%s')", c->name, c->bad_text);
    return ICS_OK;
}

int ics_benchmark_read_table(struct ics_benchmark *b, const char *path, const char *label,
                             const char *metric, struct ics_error *err)
{
    if (!metric || !*metric)
        return ics_error_set(err, ICS_ERR_USAGE, "no metric given (NUM or NUM/DEN)");
    struct table_reader tr;
    memset(&tr, 0, sizeof tr);
    tr.b = b;
    int rc = ics_csv_open(path, label, &tr.r, err);
    if (rc)
        return rc;
    b->table.label = icsi_bm_strdup(b, ics_csv_reader_label(tr.r));
    if (!b->table.label) {
        b->table.label = "table";
        rc = icsi_bm_nomem(err);
        goto out;
    }
    if ((rc = split_metric(&tr, metric, err)) || (rc = find_columns(&tr, err)))
        goto out;
    struct ics_csv_row row;
    while ((rc = ics_csv_next(tr.r, &row, err)) == 1)
        if ((rc = read_row(&tr, &row, err)))
            goto out;
    if (rc < 0 || rc > 1)
        goto out;
    rc = ICS_OK;
    if (tr.rows == 0)
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s: no rows to benchmark", b->table.label);
    else if (!(rc = check_numeric(b, &tr.num, err)))
        rc = check_numeric(b, &tr.den, err);
out:
    reader_release(&tr);
    return rc;
}

/* Reads a two-column side file: code and a second column (text or number). */
static int read_side(struct ics_benchmark *b, const char *path, const char *what,
                     const char *const *code_aliases, const char *const *value_aliases, int numeric,
                     const char **label_out, struct ics_error *err)
{
    struct ics_csv_reader *r = NULL;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        return rc;
    struct bm_text t1 = {NULL, 0}, t2 = {NULL, 0};
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    const char *label = icsi_bm_strdup(b, ics_csv_reader_label(r));
    if (!label) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    *label_out = label;
    int ci = ics_csv_header_find(h, code_aliases);
    int vi = ics_csv_header_find(h, value_aliases);
    if (ci < 0) {
        rc = missing_column(r, "code", code_aliases[0], err);
        goto out;
    }
    if (vi < 0) {
        rc = missing_column(r, what, value_aliases[0], err);
        goto out;
    }
    struct ics_csv_row row;
    long rows = 0;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        const char *code = field_text(&t1, &row, ci);
        const char *val = field_text(&t2, &row, vi);
        if (!code || !val) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            goto out;
        }
        rows++;
        if (!*code) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, ci + 1, "empty code");
            goto out;
        }
        if (!*val) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, vi + 1, "empty %s for code '%s'", what, code);
            goto out;
        }
        if (numeric) {
            double v;
            if (!is_number(val, &v)) {
                rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, vi + 1, "%s '%s' is not a number", what, val);
                goto out;
            }
            rc = ics_benchmark_add_population(b, code, v, row.line, err);
        } else if (value_aliases[0][0] == 'p') {
            rc = ics_benchmark_add_peer(b, code, val, row.line, err);
        } else {
            rc = ics_benchmark_set_group(b, code, val, row.line, err);
        }
        if (rc)
            goto out;
    }
    if (rc < 0 || rc > 1)
        goto out;
    rc = ICS_OK;
    if (rows == 0)
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s: no rows", label);
out:
    ics_free(t1.buf);
    ics_free(t2.buf);
    ics_csv_close(r);
    return rc;
}

int ics_benchmark_read_population(struct ics_benchmark *b, const char *path, struct ics_error *err)
{
    static const char *const code_aliases[] = {"code", "la_code", "lad_code", "area_code", "ltla22_code",
                                               "ltla21_code", "ltla19_code", "LAD22CD", "LAD21CD", NULL};
    static const char *const pop_aliases[] = {"population", "total_population", "pop", NULL};
    b->npops = 0;
    return read_side(b, path, "population", code_aliases, pop_aliases, 1, &b->pops_label, err);
}

int ics_benchmark_read_peers(struct ics_benchmark *b, const char *path, struct ics_error *err)
{
    static const char *const code_aliases[] = {"code", NULL};
    static const char *const peer_aliases[] = {"peer", "peer_code", NULL};
    return read_side(b, path, "peer", code_aliases, peer_aliases, 0, &b->peers_label, err);
}

int ics_benchmark_read_groups(struct ics_benchmark *b, const char *path, struct ics_error *err)
{
    static const char *const code_aliases[] = {"code", NULL};
    static const char *const group_aliases[] = {"group", "peer_group", "cluster", NULL};
    return read_side(b, path, "group", code_aliases, group_aliases, 0, &b->groups_label, err);
}
