/*
 * Reading a table of groups for a funnel plot and running it
 * (ics_funnel_read_table, ics_funnel_run, see ics/funnel.h): columns by
 * header name, the one number grammar, and the notes for the user.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ics/csv.h"
#include "ics/funnel.h"
#include "funnel_internal.h"

void ics_funnel_table_options_init(struct ics_funnel_table_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

void ics_funnel_input_free(struct ics_funnel_input *in)
{
    if (!in)
        return;
    ics_free(in->rows);
    ics_arena_release(&in->arena);
    ics_free(in);
}

static char *copy_name(struct ics_funnel_input *in, const char *s)
{
    return ics_arena_strndup(&in->arena, s, strlen(s));
}

/* Column indexes: group, numerator, denominator; returns the highest. */
static int find_columns(struct ics_funnel_input *in, const struct ics_csv_header *h,
                        const struct ics_funnel_table_options *opt, int col[3], struct ics_error *err)
{
    const char *names[3] = {opt->group, opt->numerator, opt->denominator};
    for (int k = 0; k < 3; k++) {
        const char *aliases[] = {names[k], NULL};
        col[k] = ics_csv_header_find(h, aliases);
        if (col[k] < 0)
            return ics_error_set(err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", in->label,
                                 names[k]);
    }
    in->cols.group = copy_name(in, opt->group);
    in->cols.numerator = copy_name(in, opt->numerator);
    in->cols.denominator = copy_name(in, opt->denominator);
    if (!in->cols.group || !in->cols.numerator || !in->cols.denominator)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    return ICS_OK;
}

static int read_row(struct ics_funnel_input *in, const int col[3], int need, const struct ics_csv_row *row,
                    struct ics_error *err)
{
    if (row->nfields <= need)
        return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, row->nfields + 1,
                            "row has %d fields, the header names more", row->nfields);
    if (in->n == in->cap) {
        size_t nc = in->cap ? in->cap * 2 : 256;
        struct ics_funnel_row *nr = ics_realloc(in->rows, nc * sizeof *nr);
        if (!nr)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        in->rows = nr;
        in->cap = nc;
    }
    struct ics_funnel_row *x = &in->rows[in->n];
    const char *gp = row->fields[col[0]].ptr;
    size_t glen = row->fields[col[0]].len;
    ics_text_trim(&gp, &glen);
    x->group = ics_arena_strndup(&in->arena, gp, glen);
    if (!x->group)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    double *dst[2] = {&x->numerator, &x->denominator};
    for (int k = 0; k < 2; k++) {
        int c = col[k + 1];
        const char *p = row->fields[c].ptr;
        size_t len = row->fields[c].len;
        ics_text_trim(&p, &len);
        const char *what = k ? "denominator" : "numerator";
        if (ics_parse_double(p, len, dst[k], NULL))
            return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, c + 1, "%s '%.*s' is not a number", what,
                                (int)len, p);
        if (*dst[k] < 0)
            return ics_error_at(err, ICS_ERR_PARSE, in->label, row->line, c + 1, "negative %s '%.*s'", what,
                                (int)len, p);
    }
    in->n++;
    return ICS_OK;
}

int ics_funnel_read_table(const char *path, const struct ics_funnel_table_options *opt,
                          struct ics_funnel_input **out, struct ics_error *err)
{
    *out = NULL;
    if (!opt->group || !opt->numerator || !opt->denominator)
        return ics_error_set(err, ICS_ERR_USAGE, "the group, numerator and denominator columns must be named");
    struct ics_funnel_input *in = ics_calloc(1, sizeof *in);
    if (!in)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    ics_arena_init(&in->arena, 1 << 16);
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
    int col[3] = {-1, -1, -1};
    if ((rc = find_columns(in, ics_csv_reader_header(r), opt, col, err)))
        goto fail;
    int need = col[0] > col[1] ? col[0] : col[1];
    if (col[2] > need)
        need = col[2];
    struct ics_csv_row row;
    for (;;) {
        int got = ics_csv_next(r, &row, err);
        if (got == 0)
            break;
        if (got != 1) {
            rc = got;
            goto fail;
        }
        if ((rc = read_row(in, col, need, &row, err)))
            goto fail;
    }
    if (in->n == 0) {
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s: no data rows", in->label);
        goto fail;
    }
    ics_csv_close(r);
    *out = in;
    return ICS_OK;
fail:
    if (r)
        ics_csv_close(r);
    ics_funnel_input_free(in);
    return rc;
}

/* ---- the run ------------------------------------------------------------ */

void ics_funnel_result_free(struct ics_funnel_result *res)
{
    if (!res)
        return;
    ics_free(res->groups);
    ics_funnel_input_free(res->in);
    ics_free(res);
}

int ics_funnel_run(struct ics_funnel_input *in, const struct ics_funnel_options *opt,
                   struct ics_funnel_result **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_funnel_result *res = ics_calloc(1, sizeof *res);
    if (!res) {
        ics_funnel_input_free(in);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    res->in = in;
    res->opt = *opt;
    int rc = ics_funnel_aggregate(in->rows, in->n, &res->groups, &res->ngroups, err);
    if (!rc && (rc = ics_funnel_compute(res->groups, res->ngroups, &res->opt, &res->sum, err))) {
        char msg[ICS_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        ics_error_set(err, rc, "%s: %s", in->label, msg);
    }
    if (rc) {
        ics_funnel_result_free(res);
        return rc;
    }
    *out = res;
    return ICS_OK;
}

const struct ics_funnel_summary *ics_funnel_result_summary(const struct ics_funnel_result *res)
{
    return &res->sum;
}

const struct ics_funnel_group *ics_funnel_result_groups(const struct ics_funnel_result *res, size_t *n)
{
    *n = res->ngroups;
    return res->groups;
}

const struct ics_funnel_options *ics_funnel_result_options(const struct ics_funnel_result *res)
{
    return &res->opt;
}

const struct ics_funnel_table_options *ics_funnel_result_table(const struct ics_funnel_result *res)
{
    return &res->in->cols;
}

const char *ics_funnel_result_label(const struct ics_funnel_result *res)
{
    return res->in->label;
}

/* ---- notes -------------------------------------------------------------- */

static void say(void (*note)(void *, const char *), void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(void (*note)(void *, const char *), void *ctx, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    note(ctx, buf);
}

void ics_funnel_result_notes(const struct ics_funnel_result *res, void (*note)(void *ctx, const char *text),
                             void *ctx)
{
    const struct ics_funnel_summary *s = &res->sum;
    const char *level = res->opt.limit == 95 ? "95" : "99.8";
    char phi[40];
    if (!ics_format_double(s->phi, phi, sizeof phi))
        snprintf(phi, sizeof phi, "undefined");
    say(note, ctx, "%zu group%s from %zu row%s, %zu used for phi; phi %s; %s limits judge; %zu outlier%s at %s%%",
        s->groups, s->groups == 1 ? "" : "s", s->rows, s->rows == 1 ? "" : "s", s->groups_used_for_phi, phi,
        s->adjusted ? "overdispersion-adjusted" : "unadjusted", s->outliers, s->outliers == 1 ? "" : "s", level);
    if (s->no_overdispersion)
        say(note, ctx, "phi <= 1, no overdispersion: unadjusted limits judge (as the R package)");
    if (s->undefined_od)
        say(note, ctx, "overdispersion cannot be estimated (%s): unadjusted limits judge",
            s->valid_groups < 2 ? "a single group" : "an infinite z-score, e.g. zero observed under SHMI");
    if (s->valid_groups < s->groups)
        say(note, ctx, "%zu group%s with a zero denominator: listed with empty values and limits",
            s->groups - s->valid_groups, s->groups - s->valid_groups == 1 ? "" : "s");
}
