/* One XmR chart as SVG (see ics/chart.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ics/core.h"
#include "ics/chart.h"
#include "svg_internal.h"

#define W ICSI_CHART_WIDTH
#define PLOT_H 240.0
#define ICON_R 20.0

#define C_COMMON "#a6a6a6"
#define C_IMPROVE "#00b0f0"
#define C_CONCERN "#e46c0a"
#define C_NEUTRAL "#490092"
#define C_MEAN "#000000"
#define C_LIMIT "#8c8c8c"
#define C_TARGET "#de1b1b"
#define C_AXIS "#595959"
#define C_TEXT "#231f20"

/* Lines differ by dash as well as colour. */
#define DASH_LIMIT "6,4"
#define DASH_TARGET "10,3,2,3"
#define DASH_REBASE "2,3"

static const char *type_colour(int type)
{
    switch (type) {
    case ICS_SPC_IMPROVEMENT: return C_IMPROVE;
    case ICS_SPC_CONCERN: return C_CONCERN;
    case ICS_SPC_NEUTRAL_HIGH:
    case ICS_SPC_NEUTRAL_LOW: return C_NEUTRAL;
    default: return C_COMMON;
    }
}

static int type_marker(int type)
{
    switch (type) {
    case ICS_SPC_IMPROVEMENT: return ICSI_MARK_DIAMOND;
    case ICS_SPC_CONCERN: return ICSI_MARK_SQUARE;
    case ICS_SPC_NEUTRAL_HIGH: return ICSI_MARK_TRIANGLE_UP;
    case ICS_SPC_NEUTRAL_LOW: return ICSI_MARK_TRIANGLE_DOWN;
    default: return ICSI_MARK_CIRCLE;
    }
}

static const char *type_words(int type)
{
    switch (type) {
    case ICS_SPC_IMPROVEMENT: return "special cause improvement";
    case ICS_SPC_CONCERN: return "special cause concern";
    case ICS_SPC_NEUTRAL_HIGH: return "special cause, higher";
    case ICS_SPC_NEUTRAL_LOW: return "special cause, lower";
    default: return "common cause";
    }
}

static const char *rule_words(int rule)
{
    switch (rule) {
    case ICS_SPC_RULE_OUTSIDE_LIMITS: return "outside the process limits";
    case ICS_SPC_RULE_TREND: return "part of 7 points rising or falling";
    case ICS_SPC_RULE_TWO_IN_THREE: return "2 of 3 points beyond 2 sigma";
    case ICS_SPC_RULE_SHIFT: return "part of 7 points on one side of the mean";
    default: return "";
    }
}

/* "daily", "weekly", ... from the usual gap between points; "" when irregular. */
static const char *cadence(const struct ics_spc_point *p, size_t n)
{
    if (n < 2)
        return "";
    int counts[5] = {0};
    for (size_t i = 1; i < n; i++) {
        int32_t g = p[i].date - p[i - 1].date;
        int k = g == 1 ? 0 : g == 7 ? 1 : (g >= 28 && g <= 31) ? 2 : (g >= 89 && g <= 92) ? 3
                                             : (g == 365 || g == 366) ? 4 : -1;
        if (k >= 0)
            counts[k]++;
    }
    static const char *const words[5] = {"daily", "weekly", "monthly", "quarterly", "yearly"};
    for (int k = 0; k < 5; k++)
        if (2 * (size_t)counts[k] >= n - 1)
            return words[k];
    return "";
}

struct layout {
    double top, bottom, left, right;
    double y0, y1, step;
    int32_t d0, d1;
    double r;                       /* marker radius */
    struct icsi_date_ticks ticks;
    int year_line;                  /* day, week and month ticks carry the year on a second line */
    const char *title;
    double reserve;                 /* px kept free for the icons, right of the title */
    char subtitle[512];
    char period[128];
};

static double px(const struct layout *l, int32_t d)
{
    double span = (double)(l->d1 - l->d0);
    double pad = 10;
    if (span <= 0)
        return (l->left + l->right) / 2;
    return l->left + pad + (double)(d - l->d0) / span * (l->right - l->left - 2 * pad);
}

static double py(const struct layout *l, double v)
{
    return l->bottom - (v - l->y0) / (l->y1 - l->y0) * (l->bottom - l->top);
}

static void widen(double *lo, double *hi, double v)
{
    if (!isfinite(v))
        return;
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

/* The y range: every point, every segment's mean and limits, the target. */
static void y_range(const struct ics_svg_spc_chart *c, struct layout *l)
{
    const struct ics_spc_point *p = c->points;
    double lo = p[0].value, hi = p[0].value;
    for (size_t i = 0; i < c->n; i++) {
        widen(&lo, &hi, p[i].value);
        widen(&lo, &hi, p[i].mean);
        widen(&lo, &hi, p[i].lpl);
        widen(&lo, &hi, p[i].upl);
    }
    if (c->has_target)
        widen(&lo, &hi, c->target);
    int dec;
    l->step = icsi_svg_nice_axis(&lo, &hi, 5, &dec);
    l->y0 = lo;
    l->y1 = hi;
}

/* The labels on the right: the latest segment's limits and mean, and the target. */
static size_t right_labels(const struct ics_svg_spc_chart *c, const struct layout *l, struct icsi_right_label *out)
{
    const struct ics_spc_point *last = &c->points[c->n - 1];
    const char *names[4] = {"UPL", "Mean", "LPL", "Target"};
    double vals[4] = {last->upl, last->mean, last->lpl, c->has_target ? c->target : NAN};
    const char *cols[4] = {C_AXIS, C_MEAN, C_AXIS, C_TARGET};
    size_t n = 0;
    for (int k = 0; k < 4; k++) {
        if (!isfinite(vals[k]))
            continue;
        char num[48];
        icsi_svg_format_value(vals[k], l->step, num, sizeof num);
        snprintf(out[n].text, sizeof out[n].text, "%s %s", names[k], num);
        out[n].v = vals[k];
        out[n].colour = cols[k];
        n++;
    }
    return n;
}

/* Ticks at the finest calendar step whose labels do not touch. */
static void choose_ticks(struct layout *l)
{
    size_t steps = icsi_svg_date_steps();
    for (size_t k = 0; k < steps; k++) {
        struct icsi_date_ticks t;
        if (icsi_svg_date_ticks_step(l->d0, l->d1, k, &t) != 0 || t.n == 0)
            continue;
        double widest = 0;
        for (size_t i = 0; i < t.n; i++) {
            char b[32];
            icsi_svg_date_label(t.date[i], t.unit, b, sizeof b);
            double w = icsi_svg_text_width(b, 11, 0);
            if (w > widest)
                widest = w;
        }
        int fits = 1;
        for (size_t i = 1; i < t.n && fits; i++)
            if (px(l, t.date[i]) - px(l, t.date[i - 1]) < widest + 10)
                fits = 0;
        if (fits) {
            l->ticks = t;
            return;
        }
    }
    /* a span of centuries: the first and last day */
    icsi_svg_date_ticks(l->d0, l->d1, 2, &l->ticks);
}

static void layout_chart(const struct ics_svg_spc_chart *c, struct layout *l)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    l->d0 = p[0].date;
    l->d1 = p[n - 1].date;
    y_range(c, l);

    char a[24], b[24];
    icsi_svg_date_long(l->d0, a, sizeof a);
    icsi_svg_date_long(l->d1, b, sizeof b);
    const char *how = cadence(p, n);
    if (n == 1)
        snprintf(l->period, sizeof l->period, "%s", a);
    else
        snprintf(l->period, sizeof l->period, "%s%s%s to %s", how, *how ? ", " : "", a, b);

    const char *measure = c->y_label && *c->y_label ? c->y_label : "Value";
    l->title = c->title && *c->title ? c->title : measure;
    if (c->subtitle)
        snprintf(l->subtitle, sizeof l->subtitle, "%s", c->subtitle);
    else if (strcmp(l->title, measure) == 0)
        snprintf(l->subtitle, sizeof l->subtitle, "XmR chart, %s", l->period);
    else
        snprintf(l->subtitle, sizeof l->subtitle, "%s: %s", measure, l->period);

    int icons = c->summary ? 1 + (c->summary->assurance != ICS_SPC_ASSURANCE_NONE) : 0;
    l->reserve = icons ? icons * 2 * ICON_R + (icons - 1) * 8 + 24 : 0;
    double head = icsi_svg_header(NULL, l->title, l->subtitle, l->reserve);
    double icons_bottom = icons ? 8 + 2 * ICON_R : 0;
    l->top = (head > icons_bottom ? head : icons_bottom) + 22;
    l->bottom = l->top + PLOT_H;

    l->left = ICSI_MARGIN + icsi_svg_y_ticks_width(l->y0, l->y1, l->step) + 6;
    struct icsi_right_label rl[4];
    size_t nr = right_labels(c, l, rl);
    double rw = 0;
    for (size_t k = 0; k < nr; k++) {
        double w = icsi_svg_text_width(rl[k].text, 11, 0);
        if (w > rw)
            rw = w;
    }
    l->right = W - ICSI_MARGIN - rw - 6;

    /* markers shrink when points crowd, so neighbours stay apart */
    double spacing = n > 1 ? (l->right - l->left - 20) / (double)(n - 1) : 20;
    l->r = spacing * 0.45;
    if (l->r > 3.8)
        l->r = 3.8;
    if (l->r < 2.4)
        l->r = 2.4;

    choose_ticks(l);
    l->year_line = l->ticks.unit != ICSI_YEARS;
}

static void x_axis(FILE *out, const struct layout *l)
{
    int last_year = 0;
    for (size_t i = 0; i < l->ticks.n; i++) {
        int32_t d = l->ticks.date[i];
        double x = px(l, d);
        char b[32];
        icsi_svg_line(out, x, l->bottom, x, l->bottom + 4, C_AXIS, 1, NULL, NULL);
        icsi_svg_date_label(d, l->ticks.unit, b, sizeof b);
        icsi_svg_text(out, x, l->bottom + 16, "middle", 11, NULL, C_AXIS, b);
        if (l->year_line) {
            int y, m, day;
            ics_date_to_ymd(d, &y, &m, &day);
            if (y != last_year) {
                snprintf(b, sizeof b, "%d", y);
                icsi_svg_text(out, x, l->bottom + 29, "middle", 11, NULL, C_AXIS, b);
                last_year = y;
            }
        }
    }
}

/* Per segment its mean and limits, a dotted rule at each rebase. */
static void segments(FILE *out, const struct ics_svg_spc_chart *c, const struct layout *l)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    size_t s = 0;
    double last_label = -1e9;
    while (s < n) {
        size_t e = s + 1;
        while (e < n && p[e].segment == p[s].segment)
            e++;
        double x1 = px(l, p[s].date), x2 = px(l, p[e - 1].date);
        if (x2 - x1 < 6) {
            x1 -= 3;
            x2 += 3;
        }
        if (s > 0) {
            double xr = (px(l, p[s - 1].date) + px(l, p[s].date)) / 2;
            icsi_svg_line(out, xr, l->top, xr, l->bottom, C_AXIS, 1, DASH_REBASE, "rebase");
            if (xr - last_label > 44) {
                icsi_svg_text(out, xr, l->top - 4, "middle", 11, NULL, C_AXIS, "rebase");
                last_label = xr;
            }
        }
        if (isfinite(p[s].mean))
            icsi_svg_line(out, x1, py(l, p[s].mean), x2, py(l, p[s].mean), C_MEAN, 1.5, NULL, "mean");
        if (isfinite(p[s].upl))
            icsi_svg_line(out, x1, py(l, p[s].upl), x2, py(l, p[s].upl), C_LIMIT, 1.5, DASH_LIMIT, "limit");
        if (isfinite(p[s].lpl))
            icsi_svg_line(out, x1, py(l, p[s].lpl), x2, py(l, p[s].lpl), C_LIMIT, 1.5, DASH_LIMIT, "limit");
        s = e;
    }
    if (c->has_target) {
        double y = py(l, c->target);
        icsi_svg_line(out, l->left, y, l->right, y, C_TARGET, 1.5, DASH_TARGET, "target");
    }
}

/* The latest limits, mean and target labelled at the right, pushed apart where they would touch. */
static void right_side(FILE *out, const struct ics_svg_spc_chart *c, const struct layout *l)
{
    struct icsi_right_label rl[4];
    size_t n = right_labels(c, l, rl);
    for (size_t k = 0; k < n; k++)
        rl[k].y = py(l, rl[k].v) + 4;
    icsi_svg_spread_labels(rl, n, l->bottom);
    for (size_t k = 0; k < n; k++)
        icsi_svg_text(out, l->right + 6, rl[k].y, "start", 11, NULL, rl[k].colour, rl[k].text);
}

/* The value line and the points, by type in colour and shape, each with a tooltip. */
static void values(FILE *out, const struct ics_svg_spc_chart *c, const struct layout *l)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    fputs("<polyline class=\"value\" fill=\"none\" stroke=\"" C_COMMON "\" stroke-width=\"1.5\" points=\"", out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(' ', out);
        icsi_svg_num(out, px(l, p[i].date));
        fputc(',', out);
        icsi_svg_num(out, py(l, p[i].value));
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < n; i++) {
        char d[24], v[48], tip[160];
        icsi_svg_date_long(p[i].date, d, sizeof d);
        icsi_svg_format_value(p[i].value, l->step, v, sizeof v);
        if (p[i].rule)
            snprintf(tip, sizeof tip, "%s: %s (%s: %s)", d, v, type_words(p[i].point_type), rule_words(p[i].rule));
        else
            snprintf(tip, sizeof tip, "%s: %s", d, v);
        icsi_svg_marker(out, type_marker(p[i].point_type), px(l, p[i].date), py(l, p[i].value), l->r,
                        type_colour(p[i].point_type), tip);
    }
}

static const char *direction_words(int direction)
{
    return direction == ICS_SPC_DECREASE   ? "Lower values are better."
           : direction == ICS_SPC_INCREASE ? "Higher values are better."
                                           : "Neither direction is better.";
}

/* The assurance sentence: the icon's words, or why there is none. */
static const char *assurance_text(const struct ics_svg_spc_chart *c)
{
    if (c->summary->assurance != ICS_SPC_ASSURANCE_NONE)
        return icsi_svg_assurance_words(c->summary->assurance);
    return c->has_target ? "No assurance icon: neither direction is better" : "No assurance icon: no target";
}

/* The legend below the plot; written when out is not NULL; returns the last baseline. */
static double legend(FILE *out, const struct ics_svg_spc_chart *c, double y)
{
    struct icsi_legend_item it[16];
    size_t n = 0;
    char variation[200], assurance[200], notes[200];
    it[n++] = (struct icsi_legend_item){ICSI_LEGEND_MARKER, ICSI_MARK_CIRCLE, C_COMMON, NULL, 0, "Common cause"};
    if (c->direction == ICS_SPC_NEUTRAL) {
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_MARKER, ICSI_MARK_TRIANGLE_UP, C_NEUTRAL, NULL, 0,
                                            "Special cause, higher"};
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_MARKER, ICSI_MARK_TRIANGLE_DOWN, C_NEUTRAL, NULL, 0,
                                            "Special cause, lower"};
    } else {
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_MARKER, ICSI_MARK_DIAMOND, C_IMPROVE, NULL, 0,
                                            "Special cause improvement"};
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_MARKER, ICSI_MARK_SQUARE, C_CONCERN, NULL, 0,
                                            "Special cause concern"};
    }
    it[n++] = (struct icsi_legend_item){ICSI_LEGEND_LINE, 0, C_MEAN, NULL, 1.5, "Mean"};
    it[n++] = (struct icsi_legend_item){ICSI_LEGEND_LINE, 0, C_LIMIT, DASH_LIMIT, 1.5, "Process limits (UPL, LPL)"};
    if (c->has_target)
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_LINE, 0, C_TARGET, DASH_TARGET, 1.5, "Target"};
    if (c->summary && c->summary->segments > 1)
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_LINE, 0, C_AXIS, DASH_REBASE, 1, "Rebase: new limits"};
    if (c->summary) {
        snprintf(variation, sizeof variation, "Variation icon: %s.", icsi_svg_variation_words(c->summary->variation));
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_TEXT, 0, NULL, NULL, 0, variation};
        snprintf(assurance, sizeof assurance, "%s.", assurance_text(c));
        it[n++] = (struct icsi_legend_item){ICSI_LEGEND_TEXT, 0, NULL, NULL, 0, assurance};
    }
    size_t k = 0;
    k += (size_t)snprintf(notes + k, sizeof notes - k, "%s", direction_words(c->direction));
    int limits = isfinite(c->points[c->n - 1].upl);
    if (c->summary && c->summary->short_warning && limits && k < sizeof notes)
        k += (size_t)snprintf(notes + k, sizeof notes - k, " Trial limits: only %zu points in the latest segment.",
                              c->summary->n);
    if (!limits && k < sizeof notes)
        snprintf(notes + k, sizeof notes - k, " No process limits for the latest segment.");
    it[n++] = (struct icsi_legend_item){ICSI_LEGEND_TEXT, 0, NULL, NULL, 0, notes};
    return icsi_svg_legend(out, ICSI_MARGIN, W - ICSI_MARGIN, y, it, n);
}

/* One sentence for screen readers: what, when, the latest value, the icons. */
static void description(const struct ics_svg_spc_chart *c, const struct layout *l, char *buf, size_t size)
{
    const struct ics_spc_point *last = &c->points[c->n - 1];
    char v[48], d[24], mean[48], lpl[48], upl[48], limits[200] = "";
    icsi_svg_format_value(last->value, l->step, v, sizeof v);
    icsi_svg_date_long(last->date, d, sizeof d);
    icsi_svg_format_value(last->mean, l->step, mean, sizeof mean);
    if (isfinite(last->lpl) && isfinite(last->upl)) {
        icsi_svg_format_value(last->lpl, l->step, lpl, sizeof lpl);
        icsi_svg_format_value(last->upl, l->step, upl, sizeof upl);
        snprintf(limits, sizeof limits, ", process limits %s to %s", lpl, upl);
    }
    const char *measure = c->y_label && *c->y_label ? c->y_label : "value";
    snprintf(buf, size, "XmR chart of %s%s%s, %s: latest value %s on %s; mean %s%s; %s; %s.", measure,
             strcmp(l->title, measure) ? " for " : "", strcmp(l->title, measure) ? l->title : "", l->period, v,
             d, mean, limits, c->summary ? icsi_svg_variation_words(c->summary->variation) : "no icons",
             c->summary ? assurance_text(c) : "");
}

void ics_svg_spc(FILE *out, const struct ics_svg_spc_chart *c)
{
    if (c->n == 0) {
        const char *t = c->title ? c->title : "SPC chart";
        icsi_svg_begin(out, W, 80, t, "An SPC chart with no points.");
        icsi_svg_header(out, t, "No points to chart", 0);
        icsi_svg_end(out);
        return;
    }
    struct layout l;
    memset(&l, 0, sizeof l);
    layout_chart(c, &l);
    double axis_bottom = l.bottom + (l.year_line ? 29 : 16);
    double legend_top = axis_bottom + 22;
    int height = (int)ceil(legend(NULL, c, legend_top) + 12);

    char desc[1024];
    description(c, &l, desc, sizeof desc);
    icsi_svg_begin(out, W, height, l.title, desc);
    icsi_svg_header(out, l.title, l.subtitle, l.reserve);
    if (c->summary) {
        double cy = 8 + ICON_R, cx = W - ICSI_MARGIN - ICON_R;
        if (c->summary->assurance != ICS_SPC_ASSURANCE_NONE) {
            icsi_svg_assurance_icon(out, c->summary->assurance, cx, cy, ICON_R);
            cx -= 2 * ICON_R + 8;
        }
        icsi_svg_variation_icon(out, c->summary->variation, cx, cy, ICON_R);
    }

    fputs("<rect class=\"plot\" x=\"", out);
    icsi_svg_num(out, l.left);
    fputs("\" y=\"", out);
    icsi_svg_num(out, l.top);
    fputs("\" width=\"", out);
    icsi_svg_num(out, l.right - l.left);
    fputs("\" height=\"", out);
    icsi_svg_num(out, l.bottom - l.top);
    fputs("\" fill=\"none\"/>\n", out);
    icsi_svg_y_axis(out, l.y0, l.y1, l.step, l.left, l.right, l.top, l.bottom);
    icsi_svg_line(out, l.left, l.bottom, l.right, l.bottom, C_AXIS, 1, NULL, NULL);
    x_axis(out, &l);
    fputs("<g class=\"data\">\n", out);
    segments(out, c, &l);
    values(out, c, &l);
    fputs("</g>\n", out);
    right_side(out, c, &l);
    legend(out, c, legend_top);
    icsi_svg_end(out);
}

/* ---- a series of a run ---------------------------------------------------- */

/* Copies template into buf with {name}, {series} and {measure} replaced. */
static void expand(const char *template, const char *name, const char *series, const char *measure, char *buf,
                   size_t size)
{
    size_t k = 0;
    for (const char *p = template; *p && k + 1 < size;) {
        const char *with = NULL;
        size_t skip = 0;
        if (strncmp(p, "{name}", 6) == 0)
            with = name, skip = 6;
        else if (strncmp(p, "{series}", 8) == 0)
            with = series, skip = 8;
        else if (strncmp(p, "{measure}", 9) == 0)
            with = measure, skip = 9;
        if (with) {
            size_t wl = strlen(with);
            if (wl > size - 1 - k)
                wl = size - 1 - k;
            memcpy(buf + k, with, wl);
            k += wl;
            p += skip;
        } else {
            buf[k++] = *p++;
        }
    }
    buf[k] = '\0';
}

int ics_svg_spc_series_titled(FILE *out, const struct ics_spc_result *res, size_t i,
                              const struct ics_svg_titles *titles)
{
    const struct ics_spc_series *s = ics_spc_result_series(res, i);
    const char *column = ics_spc_result_table(res)->value;
    char measure[256], org[256], title[512], subtitle[512];
    icsi_chart_measure_words(column, measure, sizeof measure);
    int rc = icsi_chart_org_name(s->name, org, sizeof org);
    if (rc)
        return rc;
    /* "-" is how a sitrep writes its England row, and a table without a series
     * column is one series named after the value column: neither is a name */
    int generic = !s->name || !*s->name || strcmp(s->name, "-") == 0 || strcmp(s->name, column) == 0;
    const char *name = *org ? org : generic ? measure : s->name;
    if (titles && titles->title && *titles->title)
        expand(titles->title, name, s->name ? s->name : "", measure, title, sizeof title);
    else
        snprintf(title, sizeof title, "%s", name);
    int own_subtitle = titles && titles->subtitle && *titles->subtitle;
    if (own_subtitle)
        expand(titles->subtitle, name, s->name ? s->name : "", measure, subtitle, sizeof subtitle);
    struct ics_svg_spc_chart chart = {
        .title = title,
        .subtitle = own_subtitle ? subtitle : NULL,
        .y_label = measure,
        .points = s->points,
        .n = s->n,
        .summary = &s->summary,
        .direction = ics_spc_result_options(res)->spc.direction,
        .has_target = s->has_target,
        .target = s->target,
    };
    ics_svg_spc(out, &chart);
    return ICS_OK;
}

int ics_svg_spc_series(FILE *out, const struct ics_spc_result *res, size_t i)
{
    return ics_svg_spc_series_titled(out, res, i, NULL);
}

/* A file name from a series name: letters, digits, '.', '-', '_' kept, the
 * rest '_'; a leading dot is replaced too so nothing hides. */
static void safe_name(const char *name, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < size; p++) {
        unsigned char ch = (unsigned char)*p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                 ch == '_' || (ch == '.' && k > 0);
        out[k++] = ok ? (char)ch : '_';
    }
    if (k == 0)
        out[k++] = '_';
    out[k] = '\0';
}

void ics_svg_spc_file_name(const struct ics_spc_result *res, size_t i, char *buf, size_t size)
{
    char base[200];
    safe_name(ics_spc_result_series(res, i)->name, base, sizeof base);
    /* two names that clean up alike must not overwrite each other */
    for (size_t k = 0; k < i; k++) {
        char other[200];
        safe_name(ics_spc_result_series(res, k)->name, other, sizeof other);
        if (strcmp(other, base) == 0) {
            size_t bl = strlen(base);
            snprintf(base + bl, sizeof base - bl, "_%zu", i + 1);
            break;
        }
    }
    snprintf(buf, size, "%s.svg", base);
}
