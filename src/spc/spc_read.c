/*
 * Reading a table of series for SPC (ics_spc_read_table, see ics/spc.h):
 * columns by header name, the one number grammar, rows grouped into series
 * by the core string map, rows without a value left out and counted.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "ics/csv.h"
#include "ics/spc.h"
#include "spc_internal.h"

void ics_spc_table_options_init(struct ics_spc_table_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

void ics_spc_input_free(struct ics_spc_input *in)
{
    if (!in)
        return;
    for (uint32_t i = 0; i < in->series.count; i++) {
        struct icsi_spc_series *s = icsi_spc_series_at(in, i);
        ics_free(s->pts);
        ics_free(s->targets);
    }
    ics_strmap_release(&in->series);
    ics_arena_release(&in->arena);
    ics_free(in);
}

/* Empty and the usual spreadsheet and database spellings of "no value". */
static int is_missing(const char *p, size_t len)
{
    static const char *const words[] = {"NA", "N/A", "NULL", "NaN", "-", NULL};
    if (len == 0)
        return 1;
    for (const char *const *w = words; *w; w++)
        if (strlen(*w) == len && strncasecmp(*w, p, len) == 0)
            return 1;
    return 0;
}

static int series_push(struct icsi_spc_series *s, int32_t date, double value, double target)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        struct ics_spc_point *np = ics_realloc(s->pts, nc * sizeof *np);
        if (!np)
            return -1;
        s->pts = np;
        double *nt = ics_realloc(s->targets, nc * sizeof *nt);
        if (!nt)
            return -1;
        s->targets = nt;
        s->cap = nc;
    }
    struct ics_spc_point *p = &s->pts[s->n];
    memset(p, 0, sizeof *p);
    p->date = date;
    p->value = value;
    p->tag = s->n;
    s->targets[s->n] = target;
    s->n++;
    return 0;
}

/* Column indexes of one table; -1 where not asked for. */
struct columns {
    int value, date, series, target;
    int need;   /* the highest index: a row must have more fields */
};

static char *copy_name(struct ics_spc_input *in, const char *s)
{
    return s ? ics_arena_strndup(&in->arena, s, strlen(s)) : NULL;
}

/* Finds the columns and keeps copies of their names in the input. */
static int find_columns(struct ics_spc_input *in, const struct ics_csv_header *h,
                        const struct ics_spc_table_options *opt, struct columns *c, struct ics_error *err)
{
    static const char *const date_names[] = {"date", "period_start", "period", "week_start", "month", NULL};
    const char *value_names[] = {opt->value, NULL};
    const char *date_given[] = {opt->date, NULL};
    const char *series_names[] = {opt->series, NULL};
    const char *target_names[] = {opt->target, NULL};
    c->value = ics_csv_header_find(h, value_names);
    c->date = ics_csv_header_find(h, opt->date ? date_given : date_names);
    c->series = opt->series ? ics_csv_header_find(h, series_names) : -1;
    c->target = opt->target ? ics_csv_header_find(h, target_names) : -1;
    if (c->value < 0)
        return ics_error_set(err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", in->label, opt->value);
    if (c->date < 0 && opt->date)
        return ics_error_set(err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", in->label, opt->date);
    if (c->date < 0)
        return ics_error_set(err, ICS_ERR_MISSING_COLUMN,
                             "%s: no date column in the header (looked for date, period_start, period, week_start "
                             "and month)",
                             in->label);
    if (opt->series && c->series < 0)
        return ics_error_set(err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", in->label,
                             opt->series);
    if (opt->target && c->target < 0)
        return ics_error_set(err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", in->label,
                             opt->target);
    c->need = c->value > c->date ? c->value : c->date;
    if (c->series > c->need)
        c->need = c->series;
    if (c->target > c->need)
        c->need = c->target;
    in->cols.value = copy_name(in, opt->value);
    in->cols.date = copy_name(in, h->names[c->date]);
    in->cols.series = copy_name(in, opt->series);
    in->cols.target = copy_name(in, opt->target);
    if (!in->cols.value || !in->cols.date || (opt->series && !in->cols.series) || (opt->target && !in->cols.target))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    return ICS_OK;
}

static void field(const struct ics_csv_row *row, int i, const char **p, size_t *len)
{
    *p = row->fields[i].ptr;
    *len = row->fields[i].len;
    ics_text_trim(p, len);
}

/* One data row into its series. */
static int read_row(struct ics_spc_input *in, const struct columns *c, const struct ics_csv_row *row,
                    struct ics_error *err)
{
    if (row->nfields <= c->need)
        return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, row->nfields + 1,
                            "row has %d fields, the header names more", row->nfields);
    const char *sp = in->cols.value;
    size_t slen = strlen(sp);
    if (c->series >= 0)
        field(row, c->series, &sp, &slen);
    const char *dp, *vp;
    size_t dlen, vlen;
    field(row, c->date, &dp, &dlen);
    int32_t date;
    if (ics_date_parse(dp, dlen, &date))
        return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, c->date + 1, "bad date '%.*s'", (int)dlen,
                            dp);
    struct icsi_spc_series *s = ics_strmap_upsert(&in->series, sp, slen, NULL);
    if (!s)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    field(row, c->value, &vp, &vlen);
    if (is_missing(vp, vlen)) {
        if (!s->pub.missing++)
            s->pub.first_missing_line = row->line;
        return ICS_OK;
    }
    double value;
    if (ics_parse_double(vp, vlen, &value, NULL))
        return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, c->value + 1, "'%.*s' is not a number",
                            (int)vlen, vp);
    double target = NAN;
    if (c->target >= 0) {
        const char *tp;
        size_t tlen;
        field(row, c->target, &tp, &tlen);
        if (!is_missing(tp, tlen) && ics_parse_double(tp, tlen, &target, NULL))
            return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, c->target + 1,
                                "target '%.*s' is not a number", (int)tlen, tp);
    }
    if (series_push(s, date, value, target))
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    return ICS_OK;
}

int ics_spc_read_table(const char *path, const struct ics_spc_table_options *opt, struct ics_spc_input **out,
                       struct ics_error *err)
{
    *out = NULL;
    if (!opt->value)
        return ics_error_set(err, ICS_ERR_USAGE, "no value column named");
    struct ics_spc_input *in = ics_calloc(1, sizeof *in);
    if (!in)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    ics_strmap_init(&in->series, sizeof(struct icsi_spc_series));
    ics_arena_init(&in->arena, 4096);
    struct ics_csv_reader *r = NULL;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        goto fail;
    const char *label = ics_csv_reader_label(r);
    in->label = ics_arena_strndup(&in->arena, label, strlen(label));
    if (!in->label) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    struct columns c = {-1, -1, -1, -1, 0};
    if ((rc = find_columns(in, ics_csv_reader_header(r), opt, &c, err)))
        goto fail;
    struct ics_csv_row row;
    for (;;) {
        int got = ics_csv_next(r, &row, err);
        if (got == 0)
            break;
        if (got != 1) {
            rc = got;
            goto fail;
        }
        in->rows++;
        if ((rc = read_row(in, &c, &row, err)))
            goto fail;
    }
    if (in->rows == 0) {
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s: no data rows", in->label);
        goto fail;
    }
    ics_csv_close(r);
    *out = in;
    return ICS_OK;
fail:
    if (r)
        ics_csv_close(r);
    ics_spc_input_free(in);
    return rc;
}
