/*
 * A table's series computed (ics_spc_run, see ics/spc.h): each series gets
 * its target, its rebase points and ics_spc_compute; the notes say what the
 * user should know about the run.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics/spc.h"
#include "spc_internal.h"

void ics_spc_run_options_init(struct ics_spc_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
    ics_spc_options_init(&opt->spc);
}

void ics_spc_result_free(struct ics_spc_result *res)
{
    if (!res)
        return;
    ics_spc_input_free(res->in);
    ics_free(res->rebase);
    ics_free(res->rebase_used);
    ics_free(res);
}

static int cmp_date32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* The target a series is judged on: the one of its latest row that has one. */
static void series_target(struct icsi_spc_series *s, struct ics_spc_options *so)
{
    int32_t best = INT32_MIN;
    double first = NAN;
    for (size_t k = 0; k < s->n; k++) {
        double tv = s->targets[s->pts[k].tag];
        if (isnan(tv))
            continue;
        if (isnan(first))
            first = tv;
        else if (tv != first)
            s->pub.target_varies = 1;
        if (s->pts[k].date > best) {
            best = s->pts[k].date;
            so->target = tv;
            so->has_target = 1;
        }
    }
}

static int compute_series(struct ics_spc_result *res, struct icsi_spc_series *s, const char *name,
                          struct ics_error *err)
{
    const struct ics_spc_input *in = res->in;
    s->pub.name = name;
    if (s->n == 0) {
        s->pub.skipped = 1;
        return ICS_OK;
    }
    struct ics_spc_options so = res->opt.spc;
    if (in->cols.target)
        series_target(s, &so);
    s->pub.has_target = so.has_target;
    s->pub.target = so.target;
    for (size_t k = 0; k < s->n; k++) {
        int32_t *hit = res->opt.nrebase
                           ? bsearch(&s->pts[k].date, res->rebase, res->opt.nrebase, sizeof *res->rebase, cmp_date32)
                           : NULL;
        if (hit) {
            s->pts[k].rebase = 1;
            res->rebase_used[hit - res->rebase] = 1;
        }
    }
    int rc = ics_spc_compute(s->pts, s->n, &so, &s->pub.summary, err);
    if (rc) {
        char msg[ICS_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        return ics_error_set(err, rc, "%s: series '%s': %s", in->label, name, msg);
    }
    s->pub.points = s->pts;
    s->pub.n = s->n;
    return ICS_OK;
}

int ics_spc_run(struct ics_spc_input *in, const struct ics_spc_run_options *opt, struct ics_spc_result **out,
                struct ics_error *err)
{
    *out = NULL;
    struct ics_spc_result *res = ics_calloc(1, sizeof *res);
    if (!res) {
        ics_spc_input_free(in);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    res->in = in;
    res->opt = *opt;
    size_t nr = opt->nrebase;
    if (nr) {
        res->rebase = ics_malloc(nr * sizeof *res->rebase);
        res->rebase_used = ics_calloc(nr, 1);
        if (!res->rebase || !res->rebase_used) {
            ics_spc_result_free(res);
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        }
        memcpy(res->rebase, opt->rebase, nr * sizeof *res->rebase);
        qsort(res->rebase, nr, sizeof *res->rebase, cmp_date32);
    }
    res->opt.rebase = res->rebase;

    struct ics_spc_totals *t = &res->totals;
    t->rows = in->rows;
    t->series = in->series.count;
    for (size_t i = 0; i < t->series; i++) {
        struct icsi_spc_series *s = icsi_spc_series_at(in, i);
        int rc = compute_series(res, s, in->series.keys[i].s, err);
        if (rc) {
            ics_spc_result_free(res);
            return rc;
        }
        t->charted += !s->pub.skipped;
        t->rows_missing += s->pub.missing;
    }
    for (size_t k = 0; k < nr; k++)
        t->rebase_unused += !res->rebase_used[k];
    *out = res;
    return ICS_OK;
}

const struct ics_spc_totals *ics_spc_result_totals(const struct ics_spc_result *res)
{
    return &res->totals;
}

const struct ics_spc_series *ics_spc_result_series(const struct ics_spc_result *res, size_t i)
{
    return i < res->totals.series ? &icsi_spc_series_at(res->in, i)->pub : NULL;
}

const struct ics_spc_table_options *ics_spc_result_table(const struct ics_spc_result *res)
{
    return &res->in->cols;
}

const struct ics_spc_run_options *ics_spc_result_options(const struct ics_spc_result *res)
{
    return &res->opt;
}

const char *ics_spc_result_label(const struct ics_spc_result *res)
{
    return res->in->label;
}

/* ---- notes -------------------------------------------------------------- */

struct notes {
    void (*note)(void *ctx, const char *text);
    void *ctx;
    char buf[1024];
};

static void say(struct notes *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct notes *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->buf, sizeof n->buf, fmt, ap);
    va_end(ap);
    n->note(n->ctx, n->buf);
}

static void series_notes(struct notes *nt, const struct ics_spc_series *s, const struct ics_spc_options *opt)
{
    const struct ics_spc_summary *m = &s->summary;
    if (s->skipped) {
        say(nt, "series '%s': no row has a value (%zu missing): left out", s->name, s->missing);
        return;
    }
    if (s->missing)
        say(nt, "series '%s': %zu row%s with no value left out (first at line %ld)", s->name, s->missing,
            s->missing == 1 ? "" : "s", s->first_missing_line);
    if (m->notes & ICS_SPC_NOTE_SINGLE_POINT)
        say(nt, "series '%s': a segment has a single point: no moving range, limits empty", s->name);
    if (m->notes & ICS_SPC_NOTE_NO_VARIATION)
        say(nt, "series '%s': no variation (all values of a segment equal): %s", s->name,
            opt->screen_outliers ? "limits empty" : "limits equal the mean");
    if (m->notes & ICS_SPC_NOTE_ZERO_MR)
        say(nt,
            "series '%s': after screening the average moving range is 0: limits equal the mean, "
            "so every point off the mean is outside them (as the R package)",
            s->name);
    if (m->short_segments)
        say(nt, "series '%s': %d segment%s of fewer than %d points: trial limits", s->name, m->short_segments,
            m->short_segments == 1 ? "" : "s", opt->short_threshold);
    if (s->target_varies)
        say(nt, "series '%s': the target varies; the latest one (%.15g) is judged", s->name, s->target);
}

void ics_spc_result_notes(const struct ics_spc_result *res, void (*note)(void *ctx, const char *text), void *ctx)
{
    struct notes nt = {.note = note, .ctx = ctx};
    for (size_t i = 0; i < res->totals.series; i++)
        series_notes(&nt, ics_spc_result_series(res, i), &res->opt.spc);
    for (size_t k = 0; k < res->opt.nrebase; k++)
        if (!res->rebase_used[k]) {
            char d[16];
            ics_date_format(res->rebase[k], d);
            say(&nt, "rebase date %s is not a date of any series: ignored", d);
        }
}
