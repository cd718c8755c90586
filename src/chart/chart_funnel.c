/* A funnel plot as SVG (see ics/chart.h). */
#include <math.h>
#include <string.h>

#include "ics/core.h"
#include "ics/chart.h"
#include "svg_internal.h"

#define W 900
#define H 520
#define LEFT 80.0
#define RIGHT 720.0
#define TOP 70.0
#define BOTTOM 440.0

#define C_POINT "#a6a6a6"
#define C_OUT "#490092"
#define C_TARGET "#000000"
#define C_L95 "#00b0f0"
#define C_L998 "#e46c0a"
#define C_AXIS "#595959"
#define C_GRID "#e6e6e6"
#define C_TEXT "#231f20"

struct frame {
    double x0, x1, y0, y1;
};

static double fx(const struct frame *f, double v)
{
    return LEFT + (v - f->x0) / (f->x1 - f->x0) * (RIGHT - LEFT);
}

static double fy(const struct frame *f, double v)
{
    return BOTTOM - (v - f->y0) / (f->y1 - f->y0) * (BOTTOM - TOP);
}

/* One limit curve, clipped to the plot by the clipPath; points with a
 * non-finite value break the line. */
static void curve(FILE *out, const struct frame *f, const double *xs, const double *lim, size_t m, int k,
                  const char *colour, const char *dash)
{
    int open = 0;
    for (size_t i = 0; i < m; i++) {
        double v = lim[i * 4 + k];
        if (!isfinite(v)) {
            if (open)
                fputs("\"/>\n", out);
            open = 0;
            continue;
        }
        /* keep coordinates bounded; the clip path hides what is outside */
        double y = fy(f, v);
        if (y < -1000)
            y = -1000;
        if (y > H + 1000)
            y = H + 1000;
        if (!open) {
            fprintf(out, "<polyline clip-path=\"url(#plot)\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s%s%s points=\"",
                    colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
            open = 1;
        } else {
            fputc(' ', out);
        }
        icsi_svg_num(out, fx(f, xs[i]));
        fputc(',', out);
        icsi_svg_num(out, y);
    }
    if (open)
        fputs("\"/>\n", out);
}

/* Ranges as the package: x from 0 to the largest denominator; y from 0.7 and
 * 1.3 times the target or 0.9 / 1.1 times the extreme values. */
static void funnel_frame(const struct ics_svg_funnel_chart *c, struct frame *f, double *xstep, int *xdec,
                         double *ystep, int *ydec)
{
    const struct ics_funnel_group *g = c->groups;
    const struct ics_funnel_options *opt = c->opt;
    double mult = opt->multiplier;
    double maxx = 0, vmin = INFINITY, vmax = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        if (!g[i].valid)
            continue;
        if (g[i].denominator > maxx)
            maxx = g[i].denominator;
        if (g[i].value < vmin)
            vmin = g[i].value;
        if (g[i].value > vmax)
            vmax = g[i].value;
    }
    double t = c->res->target * mult;
    double ylo = fmin(0.7 * t, 0.9 * vmin), yhi = fmax(1.3 * t, 1.1 * vmax);
    if (opt->type == ICS_FUNNEL_PROPORTION) {
        if (ylo < 0)
            ylo = 0;
        if (yhi > mult)
            yhi = mult;
    }
    double xlo = 0, xhi = maxx > 0 ? maxx * 1.05 : 1;
    *xstep = icsi_svg_nice_axis(&xlo, &xhi, 6, xdec);
    *ystep = icsi_svg_nice_axis(&ylo, &yhi, 6, ydec);
    f->x0 = xlo;
    f->x1 = xhi;
    f->y0 = ylo;
    f->y1 = yhi;
}

/* Title, subtitle, grid, both axes and their labels. */
static void funnel_axes(FILE *out, const struct ics_svg_funnel_chart *c, const struct frame *f, double xstep,
                        int xdec, double ystep, int ydec)
{
    const struct ics_funnel_options *opt = c->opt;
    char buf[256];
    icsi_svg_begin(out, W, H, c->title ? c->title : "Funnel plot");
    fputs("<defs><clipPath id=\"plot\"><rect x=\"80.0\" y=\"70.0\" width=\"640.0\" height=\"370.0\"/></clipPath></defs>\n",
          out);
    icsi_svg_text(out, LEFT, 30, "start", 18, "bold", C_TEXT, c->title ? c->title : "Funnel plot");
    const char *kind = opt->type == ICS_FUNNEL_PROPORTION ? "proportion"
                       : opt->type == ICS_FUNNEL_RATIO    ? "ratio of counts"
                       : opt->sr_method == ICS_FUNNEL_SHMI ? "standardised ratio (SHMI method)"
                                                           : "standardised ratio (CQC method)";
    snprintf(buf, sizeof buf, "%s; %s limits", kind, c->res->adjusted ? "overdispersion-adjusted" : "unadjusted");
    icsi_svg_text(out, LEFT, 52, "start", 12, NULL, C_AXIS, buf);

    for (int k = 0;; k++) {
        double v = f->y0 + k * ystep;
        if (v > f->y1 + ystep * 1e-9)
            break;
        double y = fy(f, v);
        icsi_svg_line(out, LEFT, y, RIGHT, y, C_GRID, 1, NULL);
        icsi_svg_format_tick(v, ydec, buf, sizeof buf);
        icsi_svg_text(out, LEFT - 8, y + 4, "end", 11, NULL, C_AXIS, buf);
    }
    for (int k = 0;; k++) {
        double v = f->x0 + k * xstep;
        if (v > f->x1 + xstep * 1e-9)
            break;
        double x = fx(f, v);
        icsi_svg_line(out, x, BOTTOM, x, BOTTOM + 5, C_AXIS, 1, NULL);
        icsi_svg_format_tick(v, xdec, buf, sizeof buf);
        icsi_svg_text(out, x, BOTTOM + 20, "middle", 11, NULL, C_AXIS, buf);
    }
    icsi_svg_line(out, LEFT, BOTTOM, RIGHT, BOTTOM, C_AXIS, 1, NULL);
    icsi_svg_line(out, LEFT, TOP, LEFT, BOTTOM, C_AXIS, 1, NULL);
    icsi_svg_text(out, (LEFT + RIGHT) / 2, BOTTOM + 42, "middle", 12, NULL, C_AXIS,
                  c->x_label ? c->x_label : "denominator");
    fputs("<text x=\"20\" y=\"255.0\" text-anchor=\"middle\" font-size=\"12\" fill=\"" C_AXIS
          "\" transform=\"rotate(-90 20 255.0)\">",
          out);
    icsi_svg_text_escaped(out, c->y_label ? c->y_label : "value");
    fputs("</text>\n", out);
}

/* The groups as points; outliers at the chosen level coloured and named. */
static void funnel_points(FILE *out, const struct ics_svg_funnel_chart *c, const struct frame *f)
{
    const struct ics_funnel_group *g = c->groups;
    for (size_t i = 0; i < c->n; i++) {
        if (!g[i].valid)
            continue;
        int outl = c->opt->limit == 95 ? g[i].outlier95 : g[i].outlier998;
        char v[40];
        ics_format_double(g[i].value, v, sizeof v);
        fputs("<circle clip-path=\"url(#plot)\" cx=\"", out);
        icsi_svg_num(out, fx(f, g[i].denominator));
        fputs("\" cy=\"", out);
        icsi_svg_num(out, fy(f, g[i].value));
        fprintf(out, "\" r=\"4.0\" fill=\"%s\"><title>", outl ? C_OUT : C_POINT);
        icsi_svg_text_escaped(out, g[i].name);
        fprintf(out, ": %s%s</title></circle>\n", v, outl ? " (outlier)" : "");
        if (outl) {
            fputs("<text clip-path=\"url(#plot)\" x=\"", out);
            icsi_svg_num(out, fx(f, g[i].denominator) + 6);
            fputs("\" y=\"", out);
            icsi_svg_num(out, fy(f, g[i].value) - 6);
            fputs("\" font-size=\"10\" fill=\"" C_OUT "\">", out);
            icsi_svg_text_escaped(out, g[i].name);
            fputs("</text>\n", out);
        }
    }
}

static void funnel_legend(FILE *out, const struct ics_svg_funnel_chart *c)
{
    const struct ics_funnel_summary *res = c->res;
    char buf[256];
    double x0 = 740, ly = TOP + 4;
    icsi_svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Limits");
    ly += 18;
    icsi_svg_line(out, x0, ly - 4, x0 + 22, ly - 4, C_L95, 1.5, "6,4");
    icsi_svg_text(out, x0 + 28, ly, "start", 11, NULL, C_TEXT, "95%");
    ly += 16;
    icsi_svg_line(out, x0, ly - 4, x0 + 22, ly - 4, C_L998, 1.5, NULL);
    icsi_svg_text(out, x0 + 28, ly, "start", 11, NULL, C_TEXT, "99.8%");
    ly += 16;
    icsi_svg_line(out, x0, ly - 4, x0 + 22, ly - 4, C_TARGET, 1.5, NULL);
    icsi_svg_text(out, x0 + 28, ly, "start", 11, NULL, C_TEXT, "centre line");
    ly += 24;
    icsi_svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Groups");
    ly += 18;
    icsi_svg_circle(out, x0 + 5, ly - 4, 4, C_POINT);
    icsi_svg_text(out, x0 + 14, ly, "start", 11, NULL, C_TEXT, "within limits");
    ly += 16;
    icsi_svg_circle(out, x0 + 5, ly - 4, 4, C_OUT);
    snprintf(buf, sizeof buf, "outlier (%s)", c->opt->limit == 95 ? "95%" : "99.8%");
    icsi_svg_text(out, x0 + 14, ly, "start", 11, NULL, C_TEXT, buf);
    ly += 24;
    if (isfinite(res->phi)) {
        snprintf(buf, sizeof buf, "phi %.4g", res->phi);
        icsi_svg_text(out, x0, ly, "start", 11, NULL, C_TEXT, buf);
        ly += 16;
    }
    if (isfinite(res->tau2)) {
        snprintf(buf, sizeof buf, "tau2 %.4g", res->tau2);
        icsi_svg_text(out, x0, ly, "start", 11, NULL, C_TEXT, buf);
    }
}

int ics_svg_funnel(FILE *out, const struct ics_svg_funnel_chart *c)
{
    size_t m = 0;
    double *xs = ics_funnel_grid(c->opt, c->groups, c->n, &m);
    double *lim = xs ? ics_malloc(m * 4 * sizeof *lim) : NULL;
    if (!xs || !lim) {
        ics_free(xs);
        ics_free(lim);
        return ICS_ERR_NOMEM;
    }
    ics_funnel_limits(c->opt, c->res, c->res->adjusted, xs, m, lim);

    struct frame f;
    double xstep, ystep;
    int xdec, ydec;
    funnel_frame(c, &f, &xstep, &xdec, &ystep, &ydec);
    funnel_axes(out, c, &f, xstep, xdec, ystep, ydec);
    double t = c->res->target * c->opt->multiplier;
    icsi_svg_line(out, LEFT, fy(&f, t), RIGHT, fy(&f, t), C_TARGET, 1.5, NULL);
    curve(out, &f, xs, lim, m, 0, C_L95, "6,4");
    curve(out, &f, xs, lim, m, 1, C_L95, "6,4");
    curve(out, &f, xs, lim, m, 2, C_L998, NULL);
    curve(out, &f, xs, lim, m, 3, C_L998, NULL);
    funnel_points(out, c, &f);
    funnel_legend(out, c);
    icsi_svg_end(out);
    ics_free(xs);
    ics_free(lim);
    return 0;
}

int ics_svg_funnel_result(FILE *out, const struct ics_funnel_result *res)
{
    const struct ics_funnel_options *opt = ics_funnel_result_options(res);
    const struct ics_funnel_table_options *cols = ics_funnel_result_table(res);
    char title[512], ylab[128], mnum[40];
    const char *kind = opt->type == ICS_FUNNEL_SR           ? "standardised ratio"
                       : opt->type == ICS_FUNNEL_PROPORTION ? "proportion"
                                                            : "ratio";
    ics_format_double(opt->multiplier, mnum, sizeof mnum);
    if (opt->multiplier != 1)
        snprintf(ylab, sizeof ylab, "%s (x %s)", kind, mnum);
    else
        snprintf(ylab, sizeof ylab, "%s", kind);
    snprintf(title, sizeof title, "%s / %s by %s", cols->numerator, cols->denominator, cols->group);
    struct ics_svg_funnel_chart chart = {
        .title = title,
        .x_label = cols->denominator,
        .y_label = ylab,
        .opt = opt,
        .res = ics_funnel_result_summary(res),
    };
    chart.groups = ics_funnel_result_groups(res, &chart.n);
    return ics_svg_funnel(out, &chart);
}
