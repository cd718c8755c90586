/* One XmR chart as SVG (see ics/svg.h). */
#include <math.h>
#include <string.h>

#include "ics/core.h"
#include "ics/chart.h"
#include "svg_internal.h"

#define W 960
#define H 480
#define LEFT 80.0
#define RIGHT 700.0
#define TOP 70.0
#define BOTTOM 400.0

#define C_COMMON "#a6a6a6"
#define C_IMPROVE "#00b0f0"
#define C_CONCERN "#e46c0a"
#define C_NEUTRAL "#490092"
#define C_MEAN "#000000"
#define C_LIMIT "#a6a6a6"
#define C_TARGET "#de1b1b"
#define C_AXIS "#595959"
#define C_GRID "#e6e6e6"
#define C_TEXT "#231f20"

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

static const char *type_words(int type)
{
    switch (type) {
    case ICS_SPC_IMPROVEMENT: return "improvement";
    case ICS_SPC_CONCERN: return "concern";
    case ICS_SPC_NEUTRAL_HIGH: return "special cause (high)";
    case ICS_SPC_NEUTRAL_LOW: return "special cause (low)";
    default: return "common cause";
    }
}

static void words(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s", name);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

struct frame {
    int32_t d0, d1;
    double y0, y1;
};

static double px(const struct frame *f, int32_t d)
{
    double span = (double)(f->d1 - f->d0);
    double pad = (RIGHT - LEFT) * 0.02;
    if (span <= 0)
        return (LEFT + RIGHT) / 2;
    return LEFT + pad + (double)(d - f->d0) / span * (RIGHT - LEFT - 2 * pad);
}

static double py(const struct frame *f, double v)
{
    return BOTTOM - (v - f->y0) / (f->y1 - f->y0) * (BOTTOM - TOP);
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

static void right_label(FILE *out, double y, const char *what, double v, const char *colour)
{
    char text[80];
    /* a short form for the label; the exact value is in the CSV */
    snprintf(text, sizeof text, "%s %.4g", what, v);
    svg_text(out, RIGHT + 6, y + 4, "start", 11, NULL, colour, text);
}

void ics_svg_spc(FILE *out, const struct ics_svg_spc_chart *c)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    char buf[256];

    svg_begin(out, W, H, c->title ? c->title : "SPC chart");
    svg_text(out, LEFT, 30, "start", 18, "bold", C_TEXT, c->title ? c->title : "");
    snprintf(buf, sizeof buf, "%s: XmR chart, mean and process limits", c->y_label ? c->y_label : "value");
    svg_text(out, LEFT, 52, "start", 12, NULL, C_AXIS, buf);
    if (n == 0) {
        svg_end(out);
        return;
    }

    struct frame f;
    f.d0 = p[0].date;
    f.d1 = p[n - 1].date;
    double lo = p[0].value, hi = p[0].value;
    for (size_t i = 0; i < n; i++) {
        widen(&lo, &hi, p[i].value);
        widen(&lo, &hi, p[i].lpl);
        widen(&lo, &hi, p[i].upl);
    }
    if (c->has_target)
        widen(&lo, &hi, c->target);
    int decimals;
    double step = svg_nice_axis(&lo, &hi, 6, &decimals);
    f.y0 = lo;
    f.y1 = hi;

    /* grid and y axis */
    for (int k = 0;; k++) {
        double v = lo + k * step;
        if (v > hi + step * 1e-9)
            break;
        double y = py(&f, v);
        svg_line(out, LEFT, y, RIGHT, y, C_GRID, 1, NULL);
        svg_format_tick(v, decimals, buf, sizeof buf);
        svg_text(out, LEFT - 8, y + 4, "end", 11, NULL, C_AXIS, buf);
    }
    svg_line(out, LEFT, BOTTOM, RIGHT, BOTTOM, C_AXIS, 1, NULL);
    svg_line(out, LEFT, TOP, LEFT, BOTTOM, C_AXIS, 1, NULL);
    fputs("<text x=\"20\" y=\"", out);
    svg_num(out, (TOP + BOTTOM) / 2);
    fputs("\" text-anchor=\"middle\" font-size=\"12\" fill=\"" C_AXIS "\" transform=\"rotate(-90 20 ", out);
    svg_num(out, (TOP + BOTTOM) / 2);
    fputs(")\">", out);
    svg_text_escaped(out, c->y_label ? c->y_label : "value");
    fputs("</text>\n", out);

    /* x labels: at most 7 dates, spread over the points */
    size_t labels = n < 7 ? n : 7;
    size_t last_idx = (size_t)-1;
    for (size_t k = 0; k < labels; k++) {
        size_t i = labels == 1 ? 0 : (size_t)llround((double)k * (double)(n - 1) / (double)(labels - 1));
        if (i == last_idx)
            continue;
        last_idx = i;
        double x = px(&f, p[i].date);
        svg_line(out, x, BOTTOM, x, BOTTOM + 5, C_AXIS, 1, NULL);
        char d[16];
        ics_date_format(p[i].date, d);
        svg_text(out, x, BOTTOM + 20, "middle", 11, NULL, C_AXIS, d);
    }
    svg_text(out, (LEFT + RIGHT) / 2, BOTTOM + 42, "middle", 12, NULL, C_AXIS, "date");

    /* segments: mean and limits, a dashed rule at each rebase */
    size_t s = 0;
    while (s < n) {
        size_t e = s + 1;
        while (e < n && p[e].segment == p[s].segment)
            e++;
        double x1 = px(&f, p[s].date), x2 = px(&f, p[e - 1].date);
        if (x2 - x1 < 6) {
            x1 -= 3;
            x2 += 3;
        }
        if (s > 0) {
            double xr = (px(&f, p[s - 1].date) + px(&f, p[s].date)) / 2;
            svg_line(out, xr, TOP, xr, BOTTOM, C_AXIS, 1, "2,3");
            svg_text(out, xr + 3, TOP + 10, "start", 10, NULL, C_AXIS, "rebase");
        }
        if (isfinite(p[s].mean))
            svg_line(out, x1, py(&f, p[s].mean), x2, py(&f, p[s].mean), C_MEAN, 1.5, NULL);
        if (isfinite(p[s].upl))
            svg_line(out, x1, py(&f, p[s].upl), x2, py(&f, p[s].upl), C_LIMIT, 1.5, "6,4");
        if (isfinite(p[s].lpl))
            svg_line(out, x1, py(&f, p[s].lpl), x2, py(&f, p[s].lpl), C_LIMIT, 1.5, "6,4");
        s = e;
    }
    const struct ics_spc_point *lastp = &p[n - 1];
    if (isfinite(lastp->upl))
        right_label(out, py(&f, lastp->upl), "UPL", lastp->upl, C_AXIS);
    if (isfinite(lastp->mean))
        right_label(out, py(&f, lastp->mean), "mean", lastp->mean, C_MEAN);
    if (isfinite(lastp->lpl))
        right_label(out, py(&f, lastp->lpl), "LPL", lastp->lpl, C_AXIS);
    if (c->has_target) {
        double y = py(&f, c->target);
        svg_line(out, LEFT, y, RIGHT, y, C_TARGET, 1.5, "2,2");
        right_label(out, y - 12, "target", c->target, C_TARGET);
    }

    /* the values */
    fputs("<polyline fill=\"none\" stroke=\"" C_COMMON "\" stroke-width=\"1.5\" points=\"", out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(' ', out);
        svg_num(out, px(&f, p[i].date));
        fputc(',', out);
        svg_num(out, py(&f, p[i].value));
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < n; i++) {
        char d[16], v[40];
        ics_date_format(p[i].date, d);
        ics_format_double(p[i].value, v, sizeof v);
        fputs("<circle cx=\"", out);
        svg_num(out, px(&f, p[i].date));
        fputs("\" cy=\"", out);
        svg_num(out, py(&f, p[i].value));
        fprintf(out, "\" r=\"4.0\" fill=\"%s\"><title>%s: %s", type_colour(p[i].point_type), d, v);
        if (p[i].rule)
            fprintf(out, " (%s, %s)", type_words(p[i].point_type), ics_spc_rule_name(p[i].rule));
        fputs("</title></circle>\n", out);
    }

    /* legend and icons */
    double ly = TOP + 4;
    double x0 = 810;
    int neutral = c->direction == ICS_SPC_NEUTRAL;
    const char *names[3] = {neutral ? "special cause" : "improvement", neutral ? NULL : "concern", "common cause"};
    const char *cols[3] = {neutral ? C_NEUTRAL : C_IMPROVE, C_CONCERN, C_COMMON};
    svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Points");
    ly += 18;
    for (int k = 0; k < 3; k++) {
        if (!names[k])
            continue;
        svg_circle(out, x0 + 5, ly - 4, 4, cols[k]);
        svg_text(out, x0 + 14, ly, "start", 11, NULL, C_TEXT, names[k]);
        ly += 16;
    }
    if (c->summary) {
        ly += 12;
        svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Variation");
        ly += 16;
        words(ics_spc_variation_name(c->summary->variation), buf, sizeof buf);
        svg_text(out, x0, ly, "start", 11, NULL, type_colour(lastp->point_type), buf);
        ly += 24;
        svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Assurance");
        ly += 16;
        if (c->summary->assurance)
            words(ics_spc_assurance_name(c->summary->assurance), buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "%s", c->has_target ? "none (neutral)" : "no target");
        svg_text(out, x0, ly, "start", 11, NULL, C_TEXT, buf);
        if (c->summary->short_warning) {
            ly += 24;
            snprintf(buf, sizeof buf, "trial limits: %zu points", c->summary->n);
            svg_text(out, x0, ly, "start", 11, NULL, C_CONCERN, buf);
        }
        if (!isfinite(lastp->upl)) {
            ly += 18;
            svg_text(out, x0, ly, "start", 11, NULL, C_CONCERN, "no limits");
        }
    }
    svg_end(out);
}
