/* A funnel plot as SVG (see ics/chart.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ics/core.h"
#include "ics/chart.h"
#include "svg_internal.h"

#define W ICSI_CHART_WIDTH
#define PLOT_H 260.0

#define C_POINT "#a6a6a6"
#define C_OUT "#490092"
#define C_CENTRE "#000000"
#define C_L95 "#00b0f0"
#define C_L998 "#e46c0a"
#define C_AXIS "#595959"
#define C_TEXT "#231f20"

#define DASH_95 "6,4"

struct frame {
    double x0, x1, y0, y1, xstep, ystep;
    double left, right, top, bottom;
};

static double fx(const struct frame *f, double v)
{
    return f->left + (v - f->x0) / (f->x1 - f->x0) * (f->right - f->left);
}

static double fy(const struct frame *f, double v)
{
    return f->bottom - (v - f->y0) / (f->y1 - f->y0) * (f->bottom - f->top);
}

static int outlier(const struct ics_svg_funnel_chart *c, const struct ics_funnel_group *g)
{
    return c->opt->limit == 95 ? g->outlier95 : g->outlier998;
}

/* The plotting grid with the right end of the x axis added, and the limits
 * over it; NULL when out of memory. */
static double *grid_limits(const struct ics_svg_funnel_chart *c, double x1, size_t *m, double **lim)
{
    size_t n = 0;
    double *grid = ics_funnel_grid(c->opt, c->groups, c->n, &n);
    if (!grid)
        return NULL;
    double *xs = ics_malloc((n + 1) * sizeof *xs);
    *lim = ics_malloc((n + 1) * 4 * sizeof **lim);
    if (!xs || !*lim) {
        ics_free(grid);
        ics_free(xs);
        ics_free(*lim);
        *lim = NULL;
        return NULL;
    }
    memcpy(xs, grid, n * sizeof *xs);
    ics_free(grid);
    if (n == 0 || x1 > xs[n - 1])
        xs[n++] = x1;
    ics_funnel_limits(c->opt, c->res, c->res->adjusted, xs, n, *lim);
    *m = n;
    return xs;
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

/* x from 0 to past the largest denominator; y over every point, the centre
 * line and the four limits at each group's denominator and at the right end
 * (the funnel only narrows to the right, so that is all of it from the
 * smallest group on), within 0..100% for proportions. */
static void frame_ranges(const struct ics_svg_funnel_chart *c, const double *xs, const double *lim, size_t m,
                         struct frame *f)
{
    const struct ics_funnel_group *g = c->groups;
    double mult = c->opt->multiplier;
    double t = c->res->target * mult;
    double lo = t, hi = t;
    for (size_t i = 0; i < c->n; i++)
        if (g[i].valid)
            widen(&lo, &hi, g[i].value);
    for (size_t j = 0; j < m; j++) {
        int at_group = j + 1 == m;
        for (size_t i = 0; i < c->n && !at_group; i++)
            at_group = g[i].valid && g[i].denominator == xs[j];
        if (at_group)
            for (int k = 0; k < 4; k++)
                widen(&lo, &hi, lim[j * 4 + k]);
    }
    if (lo < 0)
        lo = 0;
    if (c->opt->type == ICS_FUNNEL_PROPORTION && hi > mult)
        hi = mult;
    int dec;
    f->ystep = icsi_svg_nice_axis(&lo, &hi, 5, &dec);
    if (lo < 0)
        lo = 0;
    if (c->opt->type == ICS_FUNNEL_PROPORTION && hi > mult)
        hi = mult;
    f->y0 = lo;
    f->y1 = hi;
}

static void x_range(const struct ics_svg_funnel_chart *c, struct frame *f)
{
    double maxx = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->groups[i].valid && c->groups[i].denominator > maxx)
            maxx = c->groups[i].denominator;
    double lo = 0, hi = maxx > 0 ? maxx * 1.05 : 1;
    int dec;
    f->xstep = icsi_svg_nice_axis(&lo, &hi, 5, &dec);
    f->x0 = 0;
    f->x1 = hi;
}

/* The part of limit curve k inside the y range: where it leaves (at the
 * left, where the funnel widens) the line stops at the plot's edge, at the
 * crossing point, so that no vertex lies outside the plot. */
/* Before the next point of a limit curve: opens a polyline, or separates the point from the last. */
static void limit_point(FILE *out, int *open, const char *colour, const char *dash)
{
    if (*open) {
        fputc(' ', out);
        return;
    }
    fprintf(out, "<polyline class=\"limit\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"", colour);
    if (dash)
        fprintf(out, " stroke-dasharray=\"%s\"", dash);
    fputs(" points=\"", out);
    *open = 1;
}

static void curve(FILE *out, const struct frame *f, const double *xs, const double *lim, size_t m, int k,
                  const char *colour, const char *dash)
{
    int open = 0;
    double pxv = 0, pv = NAN;
    for (size_t i = 0; i < m; i++) {
        double x = xs[i], v = lim[i * 4 + k];
        if (x < f->x0 || x > f->x1 || !isfinite(v)) {
            if (open)
                fputs("\"/>\n", out);
            open = 0;
            pv = NAN;
            continue;
        }
        int in = v >= f->y0 && v <= f->y1;
        int was = isfinite(pv) && pv >= f->y0 && pv <= f->y1;
        double cross[2][2];
        int nc = 0;
        if (isfinite(pv) && in != was) {
            double bound = (in ? pv : v) > f->y1 ? f->y1 : f->y0;
            double tt = (bound - pv) / (v - pv);
            cross[nc][0] = pxv + tt * (x - pxv);
            cross[nc][1] = bound;
            nc++;
        } else if (isfinite(pv) && !in && !was && (pv - f->y1) * (v - f->y1) < 0 && (pv - f->y0) * (v - f->y0) < 0) {
            /* straight through the band between two grid points */
            double b1 = pv > v ? f->y1 : f->y0, b2 = pv > v ? f->y0 : f->y1;
            cross[0][0] = pxv + (b1 - pv) / (v - pv) * (x - pxv);
            cross[0][1] = b1;
            cross[1][0] = pxv + (b2 - pv) / (v - pv) * (x - pxv);
            cross[1][1] = b2;
            nc = 2;
        }
        for (int j = 0; j < nc; j++) {
            limit_point(out, &open, colour, dash);
            icsi_svg_num(out, fx(f, cross[j][0]));
            fputc(',', out);
            icsi_svg_num(out, fy(f, cross[j][1]));
            if (nc == 2 && j == 1) {
                fputs("\"/>\n", out);
                open = 0;
            }
        }
        if (in) {
            limit_point(out, &open, colour, dash);
            icsi_svg_num(out, fx(f, x));
            fputc(',', out);
            icsi_svg_num(out, fy(f, v));
        } else if (open) {
            fputs("\"/>\n", out);
            open = 0;
        }
        pxv = x;
        pv = v;
    }
    if (open)
        fputs("\"/>\n", out);
}


/* Labels at the right end of the centre line and of each limit inside the plot. */
static size_t right_labels(const struct ics_svg_funnel_chart *c, const struct frame *f, const double *lim,
                           size_t m, struct icsi_right_label *rl)
{
    size_t n = 0;
    double t = c->res->target * c->opt->multiplier;
    char num[48];
    icsi_svg_format_value(t, f->ystep, num, sizeof num);
    snprintf(rl[n].text, sizeof rl[n].text, "Centre %s", num);
    rl[n].y = fy(f, t) + 4;
    rl[n++].colour = C_CENTRE;
    static const char *const names[4] = {"95%", "95%", "99.8%", "99.8%"};
    for (int k = 0; k < 4; k++) {
        double v = lim[(m - 1) * 4 + k];
        if (!isfinite(v) || v < f->y0 || v > f->y1)
            continue;
        snprintf(rl[n].text, sizeof rl[n].text, "%s", names[k]);
        rl[n].y = fy(f, v) + 4;
        rl[n++].colour = k < 2 ? "#0072a3" : "#b35208";   /* darker, for text on white */
    }
    return n;
}


static const char *level_words(const struct ics_svg_funnel_chart *c)
{
    return c->opt->limit == 95 ? "95%" : "99.8%";
}

static void overdispersion_words(const struct ics_svg_funnel_chart *c, char *buf, size_t size)
{
    const struct ics_funnel_summary *r = c->res;
    char phi[48] = "", tau[48] = "";
    if (isfinite(r->phi))
        icsi_svg_format_value(r->phi, 0, phi, sizeof phi);
    if (isfinite(r->tau2))
        icsi_svg_format_value(r->tau2, 0, tau, sizeof tau);
    if (r->adjusted)
        snprintf(buf, size, "Limits widened for overdispersion (phi %s, tau\xc2\xb2 %s).", phi, tau);
    else if (r->undefined_od)
        snprintf(buf, size, "Limits not adjusted: overdispersion cannot be estimated.");
    else if (*phi)
        snprintf(buf, size, "Limits not adjusted for overdispersion (phi %s).", phi);
    else
        snprintf(buf, size, "Limits not adjusted for overdispersion.");
}

static double legend(FILE *out, const struct ics_svg_funnel_chart *c, double y)
{
    char within[64], above[64], below[64], od[200];
    snprintf(within, sizeof within, "Within the %s limits", level_words(c));
    snprintf(above, sizeof above, "Above the %s limit", level_words(c));
    snprintf(below, sizeof below, "Below the %s limit", level_words(c));
    overdispersion_words(c, od, sizeof od);
    struct icsi_legend_item it[] = {
        {ICSI_LEGEND_MARKER, ICSI_MARK_CIRCLE, C_POINT, NULL, 0, within},
        {ICSI_LEGEND_MARKER, ICSI_MARK_TRIANGLE_UP, C_OUT, NULL, 0, above},
        {ICSI_LEGEND_MARKER, ICSI_MARK_TRIANGLE_DOWN, C_OUT, NULL, 0, below},
        {ICSI_LEGEND_LINE, 0, C_CENTRE, NULL, 2, "Centre line"},
        {ICSI_LEGEND_LINE, 0, C_L95, DASH_95, 1.5, "95% limits"},
        {ICSI_LEGEND_LINE, 0, C_L998, NULL, 1.5, "99.8% limits"},
        {ICSI_LEGEND_TEXT, 0, NULL, NULL, 0, od},
    };
    return icsi_svg_legend(out, ICSI_MARGIN, W - ICSI_MARGIN, y, it, sizeof it / sizeof it[0]);
}

static void default_subtitle(const struct ics_svg_funnel_chart *c, char *buf, size_t size)
{
    const struct ics_funnel_options *opt = c->opt;
    const char *kind = opt->type == ICS_FUNNEL_PROPORTION ? "Proportion"
                       : opt->type == ICS_FUNNEL_RATIO    ? "Ratio of counts"
                       : opt->sr_method == ICS_FUNNEL_SHMI ? "Standardised ratio (SHMI method)"
                                                           : "Standardised ratio (CQC method)";
    snprintf(buf, size, "%s, %zu groups; %s 95%% and 99.8%% limits", kind, c->res->valid_groups,
             c->res->adjusted ? "overdispersion-adjusted" : "unadjusted");
}

static void description(const struct ics_svg_funnel_chart *c, const char *title, const struct frame *f, char *buf,
                        size_t size)
{
    char t[48], names[400] = "";
    icsi_svg_format_value(c->res->target * c->opt->multiplier, f->ystep, t, sizeof t);
    size_t k = 0, outs = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->groups[i].valid || !outlier(c, &c->groups[i]))
            continue;
        outs++;
        if (k + 1 < sizeof names)
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", outs > 1 ? ", " : ": ", c->groups[i].name);
    }
    /* the axis labels sit inside a sentence: lower case first letters (not of "SR") */
    char y[160], x[160];
    snprintf(y, sizeof y, "%s", c->y_label ? c->y_label : "value");
    snprintf(x, sizeof x, "%s", c->x_label ? c->x_label : "denominator");
    if (y[0] >= 'A' && y[0] <= 'Z' && y[1] >= 'a' && y[1] <= 'z')
        y[0] = (char)(y[0] - 'A' + 'a');
    if (x[0] >= 'A' && x[0] <= 'Z' && x[1] >= 'a' && x[1] <= 'z')
        x[0] = (char)(x[0] - 'A' + 'a');
    snprintf(buf, size, "Funnel plot of %s: %zu groups, %s against %s, centre line %s, 95%% and 99.8%% limits; "
             "%zu %s outside the %s limits%s.",
             title, c->res->valid_groups, y, x, t, outs, outs == 1 ? "group" : "groups", level_words(c), names);
}

static void points(FILE *out, const struct ics_svg_funnel_chart *c, const struct frame *f)
{
    const struct ics_funnel_group *g = c->groups;
    for (size_t i = 0; i < c->n; i++) {
        if (!g[i].valid)
            continue;
        int o = outlier(c, &g[i]);
        int high = g[i].value > c->res->target * c->opt->multiplier;
        char v[48], d[48], tip[300];
        icsi_svg_format_value(g[i].value, f->ystep, v, sizeof v);
        icsi_svg_format_value(g[i].denominator, 0, d, sizeof d);
        snprintf(tip, sizeof tip, "%s: %s (%s %s)%s", g[i].name, v, c->x_label ? c->x_label : "denominator", d,
                 o ? (high ? ", above the limit" : ", below the limit") : "");
        double x = fx(f, g[i].denominator), y = fy(f, g[i].value);
        icsi_svg_marker(out, o ? (high ? ICSI_MARK_TRIANGLE_UP : ICSI_MARK_TRIANGLE_DOWN) : ICSI_MARK_CIRCLE, x, y,
                        o ? 4.2 : 3.6, o ? C_OUT : C_POINT, tip);
    }
}

/* Outliers are named beside their points, on the side with room. */
/* Where a name has gone: later names move up or down out of its way. */
struct placed {
    double x0, x1, y;
};

static int clashes(const struct placed *p, size_t n, double x0, double x1, double y)
{
    for (size_t k = 0; k < n; k++)
        if (x0 < p[k].x1 + 4 && p[k].x0 < x1 + 4 && y > p[k].y - 12 && y < p[k].y + 12)
            return 1;
    return 0;
}

static void outlier_names(FILE *out, const struct ics_svg_funnel_chart *c, const struct frame *f)
{
    const struct ics_funnel_group *g = c->groups;
    struct placed done[64];
    size_t ndone = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!g[i].valid || !outlier(c, &g[i]))
            continue;
        double x = fx(f, g[i].denominator), y = fy(f, g[i].value);
        double w = icsi_svg_text_width(g[i].name, 11, 0);
        double room_right = f->right - (x + 7), room_left = (x - 7) - f->left;
        int left = w > room_right && (w <= room_left || room_left > room_right);
        double ty = y + 4;
        if (ty < f->top + 10)
            ty = f->top + 10;
        if (ty > f->bottom - 3)
            ty = f->bottom - 3;
        /* A name longer than the room on either side is cut, with an ellipsis, rather than run off the chart. */
        char name[256];
        snprintf(name, sizeof name, "%s", g[i].name);
        double room = left ? room_left : room_right;
        size_t len = strlen(name);
        while (len > 1 && icsi_svg_text_width(name, 11, 0) > room) {
            do
                len--;
            while (len > 1 && ((unsigned char)name[len] & 0xC0) == 0x80);   /* whole UTF-8 characters */
            while (len > 1 && name[len - 1] == ' ')
                len--;
            snprintf(name + len, sizeof name - len, "\xE2\x80\xA6");
        }
        double tx = left ? x - 7 : x + 7, tw = icsi_svg_text_width(name, 11, 0);
        double x0 = left ? tx - tw : tx, x1 = left ? tx : tx + tw;
        /* Nearest free line, alternating below and above; a name with no room is left to the point's tooltip
         * and the chart's description, which name every outlier. */
        int found = 0;
        for (int step = 0; step < 7 && !found; step++) {
            double dy = (step + 1) / 2 * 12.0 * (step % 2 ? 1 : -1);
            double y_try = ty + dy;
            if (y_try < f->top + 10 || y_try > f->bottom - 3 || clashes(done, ndone, x0, x1, y_try))
                continue;
            ty = y_try;
            found = 1;
        }
        if (!found || ndone == sizeof done / sizeof done[0])
            continue;
        done[ndone++] = (struct placed){x0, x1, ty};
        icsi_svg_text(out, tx, ty, left ? "end" : "start", 11, NULL, C_OUT, name);
    }
}

int ics_svg_funnel(FILE *out, const struct ics_svg_funnel_chart *c)
{
    struct frame f;
    memset(&f, 0, sizeof f);
    x_range(c, &f);
    size_t m = 0;
    double *lim = NULL;
    double *xs = grid_limits(c, f.x1, &m, &lim);
    if (!xs)
        return ICS_ERR_NOMEM;
    frame_ranges(c, xs, lim, m, &f);

    const char *title = c->title && *c->title ? c->title : "Funnel plot";
    char subtitle[300];
    if (c->subtitle)
        snprintf(subtitle, sizeof subtitle, "%s", c->subtitle);
    else
        default_subtitle(c, subtitle, sizeof subtitle);
    double head = icsi_svg_header(NULL, title, subtitle, 0);
    f.top = head + 34;   /* room for the y axis label above the plot */
    f.bottom = f.top + PLOT_H;
    f.left = ICSI_MARGIN + icsi_svg_y_ticks_width(f.y0, f.y1, f.ystep) + 6;
    struct icsi_right_label rl[5];
    f.right = W - ICSI_MARGIN;   /* provisional: labels are placed from the y scale only */
    size_t nr = right_labels(c, &f, lim, m, rl);
    double rw = 0;
    for (size_t k = 0; k < nr; k++) {
        double w = icsi_svg_text_width(rl[k].text, 11, 0);
        if (w > rw)
            rw = w;
    }
    f.right = W - ICSI_MARGIN - rw - 6;
    icsi_svg_spread_labels(rl, nr, f.bottom);

    double legend_top = f.bottom + 16 + 18 + 22;
    int height = (int)ceil(legend(NULL, c, legend_top) + 12);
    char desc[1024];
    description(c, title, &f, desc, sizeof desc);

    icsi_svg_begin(out, W, height, title, desc);
    icsi_svg_header(out, title, subtitle, 0);
    fputs("<rect class=\"plot\" x=\"", out);
    icsi_svg_num(out, f.left);
    fputs("\" y=\"", out);
    icsi_svg_num(out, f.top);
    fputs("\" width=\"", out);
    icsi_svg_num(out, f.right - f.left);
    fputs("\" height=\"", out);
    icsi_svg_num(out, f.bottom - f.top);
    fputs("\" fill=\"none\"/>\n", out);
    icsi_svg_y_axis(out, f.y0, f.y1, f.ystep, f.left, f.right, f.top, f.bottom);
    char buf[64];
    int xdec = icsi_svg_step_decimals(f.xstep);
    for (int k = 0;; k++) {
        double v = f.x0 + k * f.xstep;
        if (v > f.x1 + f.xstep * 1e-9 || k > 100)
            break;
        double x = fx(&f, v);
        icsi_svg_line(out, x, f.bottom, x, f.bottom + 4, C_AXIS, 1, NULL, NULL);
        icsi_svg_format_fixed(v, xdec, buf, sizeof buf);
        icsi_svg_text(out, x, f.bottom + 16, "middle", 11, NULL, C_AXIS, buf);
    }
    icsi_svg_line(out, f.left, f.bottom, f.right, f.bottom, C_AXIS, 1, NULL, NULL);
    icsi_svg_text(out, (f.left + f.right) / 2, f.bottom + 34, "middle", 12, NULL, C_AXIS,
                  c->x_label ? c->x_label : "denominator");
    icsi_svg_text(out, ICSI_MARGIN, f.top - 10, "start", 12, NULL, C_AXIS, c->y_label ? c->y_label : "value");

    fputs("<g class=\"data\">\n", out);
    double t = c->res->target * c->opt->multiplier;
    icsi_svg_line(out, f.left, fy(&f, t), f.right, fy(&f, t), C_CENTRE, 2, NULL, "centre");
    curve(out, &f, xs, lim, m, 0, C_L95, DASH_95);
    curve(out, &f, xs, lim, m, 1, C_L95, DASH_95);
    curve(out, &f, xs, lim, m, 2, C_L998, NULL);
    curve(out, &f, xs, lim, m, 3, C_L998, NULL);
    points(out, c, &f);
    fputs("</g>\n", out);
    outlier_names(out, c, &f);
    for (size_t k = 0; k < nr; k++)
        icsi_svg_text(out, f.right + 6, rl[k].y, "start", 11, NULL, rl[k].colour, rl[k].text);
    legend(out, c, legend_top);
    icsi_svg_end(out);
    ics_free(xs);
    ics_free(lim);
    return 0;
}

/* A column name in words, lower case as it sits inside a phrase. */
static void column_words(const char *col, char *buf, size_t size)
{
    snprintf(buf, size, "%s", col ? col : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

int ics_svg_funnel_result_titled(FILE *out, const struct ics_funnel_result *res, const struct ics_svg_titles *titles)
{
    const struct ics_funnel_options *opt = ics_funnel_result_options(res);
    const struct ics_funnel_table_options *cols = ics_funnel_result_table(res);
    char title[600], ylab[128], mnum[48], num[160], den[160], grp[160];
    const char *kind = opt->type == ICS_FUNNEL_SR           ? "Standardised ratio"
                       : opt->type == ICS_FUNNEL_PROPORTION ? "Proportion"
                                                            : "Ratio";
    icsi_svg_format_value(opt->multiplier, 0, mnum, sizeof mnum);
    if (opt->type == ICS_FUNNEL_PROPORTION && opt->multiplier == 100)
        snprintf(ylab, sizeof ylab, "%s (%%)", kind);
    else if (opt->multiplier != 1)
        snprintf(ylab, sizeof ylab, "%s (\xc3\x97 %s)", kind, mnum);
    else
        snprintf(ylab, sizeof ylab, "%s", kind);
    column_words(cols->numerator, num, sizeof num);
    column_words(cols->denominator, den, sizeof den);
    column_words(cols->group, grp, sizeof grp);
    if (titles && titles->title && *titles->title)
        snprintf(title, sizeof title, "%s", titles->title);
    else {
        snprintf(title, sizeof title, "%s / %s by %s", num, den, grp);
        if (title[0] >= 'a' && title[0] <= 'z')
            title[0] = (char)(title[0] - 'a' + 'A');
    }
    char xlab[160];
    icsi_chart_measure_words(cols->denominator, xlab, sizeof xlab);
    struct ics_svg_funnel_chart chart = {
        .title = title,
        .subtitle = titles && titles->subtitle && *titles->subtitle ? titles->subtitle : NULL,
        .x_label = xlab,
        .y_label = ylab,
        .opt = opt,
        .res = ics_funnel_result_summary(res),
    };
    chart.groups = ics_funnel_result_groups(res, &chart.n);
    return ics_svg_funnel(out, &chart);
}

int ics_svg_funnel_result(FILE *out, const struct ics_funnel_result *res)
{
    return ics_svg_funnel_result_titled(out, res, NULL);
}
