/*
 * XmR charts with the Making Data Count rules, following NHSRplotthedots
 * 0.2.2 step by step (R/ptd_spc_standard.R, R/ptd_calculate_point_type.R,
 * R/ptd_calculate_assurance_type.R, ptd_get_icons() in R/geom_ptd_icon.R).
 * Everything is computed per segment; runs and trends never cross a rebase.
 *
 * Arithmetic follows R's order of operations (ics_r_mean, 3.267 * amr,
 * mean - 2.66 * amr, 2 * (2.66 / 3)) so that ties with a limit or the mean
 * resolve exactly as in the package.
 */
#include "ics/spc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spc_internal.h"
#include "ics/stats.h"

/* The package's literal constants (3/1.128 rounded; D4 for n = 2). */
#define SPC_LIMIT 2.66
#define SPC_SCREEN 3.267
#define SPC_RUN 7

void ics_spc_options_init(struct ics_spc_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->direction = ICS_SPC_INCREASE;
    opt->screen_outliers = 1;
    opt->two_in_three = ICS_SPC_2IN3_BAND;
    opt->fix_after = 0;
    opt->short_threshold = 13;
}

/* ---- the rule functions (one segment, date order) --------------------- */

void icsi_spc_shift_ends(const signed char *rtm, size_t n, signed char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        if (i + 1 < SPC_RUN || rtm[i] == 0)
            continue;
        int same = 1;
        for (size_t k = 1; k < SPC_RUN; k++)
            if (rtm[i - k] != rtm[i]) {
                same = 0;
                break;
            }
        /* The package returns 1 (not the side) for a run end. */
        out[i] = (signed char)same;
    }
}

void icsi_spc_part_of_run(const signed char *ends, size_t n, signed char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        for (size_t k = 0; k < SPC_RUN && i + k < n; k++)
            if (ends[i + k] == 1 || ends[i + k] == -1) {
                out[i] = 1;
                break;
            }
    }
}

void icsi_spc_trend_ends(const double *y, size_t n, signed char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        if (i + 1 < SPC_RUN)
            continue;
        int up = 1, down = 1;
        for (size_t k = 0; k + 1 < SPC_RUN; k++) {
            double d = y[i - k] - y[i - k - 1];
            if (!(d > 0))
                up = 0;
            if (!(d < 0))
                down = 0;
        }
        out[i] = (signed char)(up ? 1 : down ? -1 : 0);
    }
}

void icsi_spc_two_in_three(const signed char *close, const signed char *rtm, size_t n,
                          signed char *out)
{
    memset(out, 0, n);
    if (n < 3)
        return;
    for (size_t w = 0; w + 3 <= n; w++) {
        int c = close[w] + close[w + 1] + close[w + 2];
        int s = rtm[w] + rtm[w + 1] + rtm[w + 2];
        if (c >= 2 && (s == 3 || s == -3)) {
            out[w] = out[w + 1] = out[w + 2] = 1;
        }
    }
}

void icsi_spc_part_of_two_in_three(const signed char *in_window, const signed char *close,
                                  size_t n, signed char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (signed char)(in_window[i] == 1 && close[i] == 1);
}

/* ---- names -------------------------------------------------------------- */

const char *ics_spc_rule_name(int rule)
{
    switch (rule) {
    case ICS_SPC_RULE_OUTSIDE_LIMITS: return "outside_limits";
    case ICS_SPC_RULE_TREND: return "trend";
    case ICS_SPC_RULE_TWO_IN_THREE: return "two_in_three";
    case ICS_SPC_RULE_SHIFT: return "shift";
    default: return "";
    }
}

const char *ics_spc_point_type_name(int type)
{
    switch (type) {
    case ICS_SPC_IMPROVEMENT: return "special_cause_improvement";
    case ICS_SPC_CONCERN: return "special_cause_concern";
    case ICS_SPC_NEUTRAL_HIGH: return "special_cause_neutral_high";
    case ICS_SPC_NEUTRAL_LOW: return "special_cause_neutral_low";
    default: return "common_cause";
    }
}

const char *ics_spc_variation_name(int icon)
{
    switch (icon) {
    case ICS_SPC_ICON_IMPROVEMENT_HIGH: return "improvement_high";
    case ICS_SPC_ICON_IMPROVEMENT_LOW: return "improvement_low";
    case ICS_SPC_ICON_CONCERN_HIGH: return "concern_high";
    case ICS_SPC_ICON_CONCERN_LOW: return "concern_low";
    case ICS_SPC_ICON_NEUTRAL_HIGH: return "neutral_high";
    case ICS_SPC_ICON_NEUTRAL_LOW: return "neutral_low";
    default: return "common_cause";
    }
}

const char *ics_spc_assurance_name(int icon)
{
    switch (icon) {
    case ICS_SPC_ASSURANCE_PASS: return "consistent_pass";
    case ICS_SPC_ASSURANCE_FAIL: return "consistent_fail";
    case ICS_SPC_ASSURANCE_INCONSISTENT: return "inconsistent";
    default: return "";
    }
}

/* ---- computation -------------------------------------------------------- */

static int cmp_date(const void *a, const void *b)
{
    const struct ics_spc_point *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    /* equal dates are an error reported after the sort; keep the order defined */
    return x->tag < y->tag ? -1 : x->tag > y->tag;
}

static int sign_of(double d)
{
    return d > 0 ? 1 : d < 0 ? -1 : 0;
}

struct scratch {
    double *y, *mr;
    signed char *rtm, *close, *outside, *ends, *part_trend, *win, *part_two, *part_shift;
};

/* Limits, flags, rules and types for points[0..m). Returns note bits. */
static int compute_segment(struct ics_spc_point *p, size_t m, int segment,
                           const struct ics_spc_options *opt, struct scratch *s)
{
    int notes = 0;
    size_t k = m;
    if (opt->fix_after > 0 && (size_t)opt->fix_after < m)
        k = (size_t)opt->fix_after;
    for (size_t i = 0; i < m; i++)
        s->y[i] = p[i].value;

    double mean = ics_r_mean(s->y, k);
    size_t nmr = 0, nonzero = 0;
    for (size_t i = 1; i < k; i++) {
        s->mr[nmr] = fabs(s->y[i] - s->y[i - 1]);
        if (s->mr[nmr] != 0)
            nonzero++;
        nmr++;
    }
    double amr = ics_r_mean(s->mr, nmr);   /* NAN when there is no range */
    if (nmr == 0)
        notes |= ICS_SPC_NOTE_SINGLE_POINT;
    else if (nonzero == 0)
        notes |= ICS_SPC_NOTE_NO_VARIATION;
    if (opt->screen_outliers && nmr > 0) {
        double cut = SPC_SCREEN * amr;
        size_t kept = 0;
        for (size_t i = 0; i < nmr; i++)
            if (s->mr[i] < cut)      /* strict, as the package */
                s->mr[kept++] = s->mr[i];
        amr = ics_r_mean(s->mr, kept);
        if (kept > 0 && amr == 0 && nonzero > 0)
            notes |= ICS_SPC_NOTE_ZERO_MR;
    }
    double lpl = mean - (SPC_LIMIT * amr);
    double upl = mean + (SPC_LIMIT * amr);
    double close_mult = 2 * (SPC_LIMIT / 3);
    double nlpl = mean - (close_mult * amr);
    double nupl = mean + (close_mult * amr);

    for (size_t i = 0; i < m; i++) {
        double y = s->y[i];
        p[i].segment = segment;
        p[i].mean = mean;
        p[i].lpl = lpl;
        p[i].upl = upl;
        p[i].lower_2sigma = nlpl;
        p[i].upper_2sigma = nupl;
        /* NAN limits make every comparison false, as NA flags are in R. */
        int outside = y > upl || y < lpl;
        int beyond2 = y < nlpl || y > nupl;
        s->outside[i] = (signed char)outside;
        s->rtm[i] = (signed char)sign_of(y - mean);
        if (opt->two_in_three == ICS_SPC_2IN3_MDC2023)
            s->close[i] = (signed char)beyond2;
        else
            s->close[i] = (signed char)(!outside && beyond2);
    }

    icsi_spc_trend_ends(s->y, m, s->ends);
    icsi_spc_part_of_run(s->ends, m, s->part_trend);
    icsi_spc_two_in_three(s->close, s->rtm, m, s->win);
    icsi_spc_part_of_two_in_three(s->win, s->close, m, s->part_two);
    icsi_spc_shift_ends(s->rtm, m, s->ends);
    icsi_spc_part_of_run(s->ends, m, s->part_shift);

    for (size_t i = 0; i < m; i++) {
        int rule = ICS_SPC_RULE_NONE, side = 0;
        if (s->outside[i]) {
            rule = ICS_SPC_RULE_OUTSIDE_LIMITS;
            side = s->rtm[i] == 1 ? 1 : -1;
        } else if (s->part_trend[i]) {
            /* The package labels a trend point by the step to its right when
             * the next point is in a trend too, else by the step from its left;
             * a zero step reads as "Decreasing". */
            int sdy;
            if (i + 1 < m && s->part_trend[i + 1])
                sdy = sign_of(s->y[i + 1] - s->y[i]);
            else
                sdy = i == 0 ? 0 : sign_of(s->y[i] - s->y[i - 1]);
            rule = ICS_SPC_RULE_TREND;
            side = sdy == 1 ? 1 : -1;
        } else if (s->part_two[i]) {
            rule = ICS_SPC_RULE_TWO_IN_THREE;
            side = s->rtm[i] > 0 ? 1 : -1;
        } else if (s->part_shift[i]) {
            rule = ICS_SPC_RULE_SHIFT;
            side = s->rtm[i] > 0 ? 1 : -1;
        }
        p[i].rule = rule;
        p[i].side = side;
        int type = ICS_SPC_COMMON_CAUSE;
        if (side != 0) {
            if (opt->direction == ICS_SPC_NEUTRAL)
                type = side > 0 ? ICS_SPC_NEUTRAL_HIGH : ICS_SPC_NEUTRAL_LOW;
            else
                type = side * opt->direction > 0 ? ICS_SPC_IMPROVEMENT : ICS_SPC_CONCERN;
        }
        p[i].point_type = type;
    }
    return notes;
}

static int variation_icon(int type, int direction)
{
    switch (type) {
    case ICS_SPC_NEUTRAL_HIGH: return ICS_SPC_ICON_NEUTRAL_HIGH;
    case ICS_SPC_NEUTRAL_LOW: return ICS_SPC_ICON_NEUTRAL_LOW;
    case ICS_SPC_IMPROVEMENT:
        return direction == ICS_SPC_INCREASE ? ICS_SPC_ICON_IMPROVEMENT_HIGH : ICS_SPC_ICON_IMPROVEMENT_LOW;
    case ICS_SPC_CONCERN:
        return direction == ICS_SPC_INCREASE ? ICS_SPC_ICON_CONCERN_LOW : ICS_SPC_ICON_CONCERN_HIGH;
    default: return ICS_SPC_ICON_COMMON_CAUSE;
    }
}

int icsi_spc_assurance(int direction, double target, double lpl, double upl)
{
    if (direction == ICS_SPC_NEUTRAL)
        return ICS_SPC_ASSURANCE_NONE;
    int inc = direction == ICS_SPC_INCREASE;
    /* Strict comparisons; NAN limits compare false both ways, giving
     * "inconsistent" as the package's case_when does with NA. */
    if (target > upl)
        return inc ? ICS_SPC_ASSURANCE_FAIL : ICS_SPC_ASSURANCE_PASS;
    if (target < lpl)
        return inc ? ICS_SPC_ASSURANCE_PASS : ICS_SPC_ASSURANCE_FAIL;
    return ICS_SPC_ASSURANCE_INCONSISTENT;
}

int ics_spc_compute(struct ics_spc_point *points, size_t n, const struct ics_spc_options *opt,
                    struct ics_spc_summary *summary, struct ics_error *err)
{
    memset(summary, 0, sizeof *summary);
    summary->mean = summary->lpl = summary->upl = NAN;
    if (n == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "no points");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(points[i].value))
            return ics_error_set(err, ICS_ERR_PARSE, "value is not a finite number");
    qsort(points, n, sizeof *points, cmp_date);
    for (size_t i = 1; i < n; i++)
        if (points[i].date == points[i - 1].date) {
            char d[16];
            ics_date_format(points[i].date, d);
            return ics_error_set(err, ICS_ERR_PARSE, "duplicate date %s", d);
        }

    struct scratch s;
    memset(&s, 0, sizeof s);
    s.y = ics_malloc(n * sizeof *s.y);
    s.mr = ics_malloc(n * sizeof *s.mr);
    signed char *flags = ics_malloc(n * 9);
    if (!s.y || !s.mr || !flags) {
        ics_free(s.y);
        ics_free(s.mr);
        ics_free(flags);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    s.rtm = flags;
    s.close = flags + n;
    s.outside = flags + 2 * n;
    s.ends = flags + 3 * n;
    s.part_trend = flags + 4 * n;
    s.win = flags + 5 * n;
    s.part_two = flags + 6 * n;
    s.part_shift = flags + 7 * n;

    int threshold = opt->short_threshold > 0 ? opt->short_threshold : 13;
    int segment = 0;
    size_t start = 0;
    while (start < n) {
        size_t end = start + 1;
        while (end < n && !points[end].rebase)
            end++;
        segment++;
        size_t m = end - start;
        summary->notes |= compute_segment(points + start, m, segment, opt, &s);
        if (m < (size_t)threshold) {
            summary->notes |= ICS_SPC_NOTE_SHORT;
            summary->short_segments++;
        }
        summary->n = m;
        start = end;
    }
    ics_free(s.y);
    ics_free(s.mr);
    ics_free(flags);

    const struct ics_spc_point *last = &points[n - 1];
    summary->points = n;
    summary->segments = segment;
    summary->mean = last->mean;
    summary->lpl = last->lpl;
    summary->upl = last->upl;
    summary->short_warning = summary->n < (size_t)threshold;
    summary->variation = variation_icon(last->point_type, opt->direction);
    summary->assurance = opt->has_target
                             ? icsi_spc_assurance(opt->direction, opt->target, last->lpl, last->upl)
                             : ICS_SPC_ASSURANCE_NONE;
    return ICS_OK;
}
