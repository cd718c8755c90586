/* Reading the table and the side files (population, peers, groups) with the CSV pull reader. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "benchmark_internal.h"
#include "ics/csv.h"

/* A field as a NUL-terminated, trimmed string in a reusable buffer. */
struct bm_text {
    char *buf;
    size_t cap;
};

static const char *field_text(struct bm_text *t, const struct ics_csv_row *row, int idx)
{
    const char *p = "";
    size_t len = 0;
    if (idx >= 0 && idx < row->nfields) {
        p = row->fields[idx].ptr;
        len = row->fields[idx].len;
    }
    while (len && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
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
    memcpy(t->buf, p, len);
    t->buf[len] = '\0';
    return t->buf;
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
    char bad_text[64];
};

static void note_bad(struct column_check *c, long line, const char *text)
{
    if (c->bad++ == 0) {
        c->bad_line = line;
        snprintf(c->bad_text, sizeof c->bad_text, "%s", text);
    }
}

int ics_benchmark_read_table(struct ics_benchmark *b, const char *path, const char *label,
                             const char *metric, struct ics_error *err)
{
    if (!metric || !*metric)
        return ics_error_set(err, ICS_ERR_USAGE, "no metric given (--metric NUM[/DEN])");
    struct ics_csv_reader *r = NULL;
    int rc = ics_csv_open(path, label, &r, err);
    if (rc)
        return rc;
    struct bm_text t = {NULL, 0};
    char *numname = NULL, *denname = NULL;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    b->label = bm_strdup(b, ics_csv_reader_label(r));
    if (!b->label) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }

    /* The metric: a column named exactly so, else NUM/DEN split at the last '/'. */
    const char *slash = strrchr(metric, '/');
    int whole = find1(h, metric) >= 0 || !slash;
    if (whole) {
        numname = ics_strndup(metric, strlen(metric));
    } else {
        numname = ics_strndup(metric, (size_t)(slash - metric));
        denname = ics_strndup(slash + 1, strlen(slash + 1));
    }
    if (!numname || (!whole && !denname)) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!whole && (!*denname || !*numname)) {
        rc = ics_error_set(err, ICS_ERR_USAGE, "--metric '%s': expected NUM or NUM/DEN", metric);
        goto out;
    }
    if (denname && b->opt.denominator == ICS_DEN_POPULATION) {
        rc = ics_error_set(err, ICS_ERR_USAGE,
                           "--metric '%s' has a denominator and --population was given: use one or the other",
                           metric);
        goto out;
    }
    if (b->opt.denominator != ICS_DEN_POPULATION)
        b->opt.denominator = denname ? ICS_DEN_COLUMN : ICS_DEN_NONE;

    static const char *const code_aliases[] = {"code", NULL};
    int ci = ics_csv_header_find(h, code_aliases);
    if (ci < 0) {
        rc = missing_column(r, "code", "code", err);
        goto out;
    }
    struct column_check num = {numname, find1(h, numname), 0, 0, 0, ""};
    struct column_check den = {denname, denname ? find1(h, denname) : -1, 0, 0, 0, ""};
    if (num.index < 0) {
        rc = missing_column(r, "numerator", numname, err);
        goto out;
    }
    if (denname && den.index < 0) {
        rc = missing_column(r, "denominator", denname, err);
        goto out;
    }
    b->num_column = bm_strdup(b, h->names[num.index]);
    b->den_column = denname ? bm_strdup(b, h->names[den.index]) : "";
    if (!b->num_column || !b->den_column) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    int name_i = find1(h, "name");
    int level_i = find1(h, "level");
    int cost_i = find1(h, "excess_cost");
    int ebd_i = find1(h, "excess_bed_days");
    int days_i = find1(h, "days");
    b->table_has_cost = cost_i >= 0 && ebd_i >= 0;

    struct ics_csv_row row;
    long rows = 0;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        const char *s = field_text(&t, &row, level_i);
        if (!s)
            goto nomem;
        if (level_i >= 0 && strcasecmp(s, "total") == 0)
            continue;
        s = field_text(&t, &row, ci);
        if (!s)
            goto nomem;
        if (strcasecmp(s, "total") == 0)
            continue;
        rows++;
        char code[256];
        snprintf(code, sizeof code, "%s", s);
        char problem_text[256];
        const char *problem = NULL;
        struct ics_benchmark_input in;
        memset(&in, 0, sizeof in);
        in.line = row.line;
        in.numerator = NAN;
        in.denominator = NAN;

        s = field_text(&t, &row, num.index);
        if (!s)
            goto nomem;
        double v;
        if (!*s) {
            snprintf(problem_text, sizeof problem_text, "no value in the numerator column '%s'", num.name);
            problem = problem_text;
        } else if (bm_parse_double(s, strlen(s), &v) != 0) {
            snprintf(problem_text, sizeof problem_text, "numerator '%.40s' in column '%s' is not a number", s,
                     num.name);
            problem = problem_text;
            note_bad(&num, row.line, s);
        } else {
            in.numerator = v;
            num.good++;
        }
        if (denname) {
            s = field_text(&t, &row, den.index);
            if (!s)
                goto nomem;
            if (!*s) {
                if (!problem) {
                    snprintf(problem_text, sizeof problem_text, "missing denominator (column '%s' is empty)",
                             den.name);
                    problem = problem_text;
                }
            } else if (bm_parse_double(s, strlen(s), &v) != 0) {
                if (!problem) {
                    snprintf(problem_text, sizeof problem_text,
                             "denominator '%.40s' in column '%s' is not a number", s, den.name);
                    problem = problem_text;
                }
                note_bad(&den, row.line, s);
            } else {
                in.denominator = v;
                den.good++;
            }
        }
        if (b->table_has_cost) {
            int64_t pence;
            double ebd;
            s = field_text(&t, &row, cost_i);
            if (!s)
                goto nomem;
            int ok = *s && ics_pence_parse(s, strlen(s), &pence, NULL) == 0;
            s = field_text(&t, &row, ebd_i);
            if (!s)
                goto nomem;
            ok = ok && *s && bm_parse_double(s, strlen(s), &ebd) == 0;
            if (ok) {
                in.has_cost = 1;
                in.excess_cost_pence = pence;
                in.excess_bed_days = ebd;
            }
        }
        if (days_i >= 0) {
            s = field_text(&t, &row, days_i);
            if (!s)
                goto nomem;
            double d;
            if (*s && bm_parse_double(s, strlen(s), &d) == 0 && d >= 1 && d <= 1e7 && d == floor(d)) {
                long dl = (long)d;
                if (b->days_state == 0) {
                    b->days_state = 1;
                    b->table_days = dl;
                    b->table_days_line = row.line;
                } else if (b->days_state == 1 && dl != b->table_days) {
                    b->days_state = 2;
                    b->other_days = dl;
                    b->other_days_line = row.line;
                }
            }
        }
        s = field_text(&t, &row, name_i);
        if (!s)
            goto nomem;
        in.code = code;
        in.name = s;
        in.problem = problem;
        if ((rc = ics_benchmark_add(b, &in, err)))
            goto out;
    }
    if (rc < 0 || rc > 1)
        goto out;
    rc = ICS_OK;
    if (rows == 0) {
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s: no rows to benchmark", b->label);
        goto out;
    }
    /* A column where nothing is a number is the wrong column, not a set of bad rows. */
    if (num.good == 0 && num.bad > 0) {
        rc = ics_error_at(err, ICS_ERR_PARSE, b->label, num.bad_line, num.index + 1,
                          "column '%s' is not numeric ('%s')", num.name, num.bad_text);
        goto out;
    }
    if (denname && den.good == 0 && den.bad > 0) {
        rc = ics_error_at(err, ICS_ERR_PARSE, b->label, den.bad_line, den.index + 1,
                          "column '%s' is not numeric ('%s')", den.name, den.bad_text);
        goto out;
    }
    goto out;
nomem:
    rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
out:
    ics_free(t.buf);
    ics_free(numname);
    ics_free(denname);
    ics_csv_close(r);
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
    const char *label = bm_strdup(b, ics_csv_reader_label(r));
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
            if (bm_parse_double(val, strlen(val), &v) != 0) {
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
