/* One XmR chart as SVG (see ics/chart.h). */
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
    icsi_svg_text(out, RIGHT + 6, y + 4, "start", 11, NULL, colour, text);
}

/* The frame from the points, the limits and the target: dates across, a nice axis up. */
static double spc_frame(const struct ics_svg_spc_chart *c, struct frame *f, int *decimals)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    f->d0 = p[0].date;
    f->d1 = p[n - 1].date;
    double lo = p[0].value, hi = p[0].value;
    for (size_t i = 0; i < n; i++) {
        widen(&lo, &hi, p[i].value);
        widen(&lo, &hi, p[i].lpl);
        widen(&lo, &hi, p[i].upl);
    }
    if (c->has_target)
        widen(&lo, &hi, c->target);
    double step = icsi_svg_nice_axis(&lo, &hi, 6, decimals);
    f->y0 = lo;
    f->y1 = hi;
    return step;
}

/* Grid, y axis with its label, x axis with at most 7 dates spread over the points. */
static void spc_axes(FILE *out, const struct ics_svg_spc_chart *c, const struct frame *f, double step,
                     int decimals)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    char buf[256];
    for (int k = 0;; k++) {
        double v = f->y0 + k * step;
        if (v > f->y1 + step * 1e-9)
            break;
        double y = py(f, v);
        icsi_svg_line(out, LEFT, y, RIGHT, y, C_GRID, 1, NULL);
        icsi_svg_format_tick(v, decimals, buf, sizeof buf);
        icsi_svg_text(out, LEFT - 8, y + 4, "end", 11, NULL, C_AXIS, buf);
    }
    icsi_svg_line(out, LEFT, BOTTOM, RIGHT, BOTTOM, C_AXIS, 1, NULL);
    icsi_svg_line(out, LEFT, TOP, LEFT, BOTTOM, C_AXIS, 1, NULL);
    fputs("<text x=\"20\" y=\"", out);
    icsi_svg_num(out, (TOP + BOTTOM) / 2);
    fputs("\" text-anchor=\"middle\" font-size=\"12\" fill=\"" C_AXIS "\" transform=\"rotate(-90 20 ", out);
    icsi_svg_num(out, (TOP + BOTTOM) / 2);
    fputs(")\">", out);
    icsi_svg_text_escaped(out, c->y_label ? c->y_label : "value");
    fputs("</text>\n", out);

    size_t labels = n < 7 ? n : 7;
    size_t last_idx = (size_t)-1;
    for (size_t k = 0; k < labels; k++) {
        size_t i = labels == 1 ? 0 : (size_t)llround((double)k * (double)(n - 1) / (double)(labels - 1));
        if (i == last_idx)
            continue;
        last_idx = i;
        double x = px(f, p[i].date);
        icsi_svg_line(out, x, BOTTOM, x, BOTTOM + 5, C_AXIS, 1, NULL);
        char d[16];
        ics_date_format(p[i].date, d);
        icsi_svg_text(out, x, BOTTOM + 20, "middle", 11, NULL, C_AXIS, d);
    }
    icsi_svg_text(out, (LEFT + RIGHT) / 2, BOTTOM + 42, "middle", 12, NULL, C_AXIS, "date");
}

/* Per segment its mean and limits, a dashed rule at each rebase; the latest
 * limits and the target labelled on the right. */
static void spc_segments(FILE *out, const struct ics_svg_spc_chart *c, const struct frame *f)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    size_t s = 0;
    while (s < n) {
        size_t e = s + 1;
        while (e < n && p[e].segment == p[s].segment)
            e++;
        double x1 = px(f, p[s].date), x2 = px(f, p[e - 1].date);
        if (x2 - x1 < 6) {
            x1 -= 3;
            x2 += 3;
        }
        if (s > 0) {
            double xr = (px(f, p[s - 1].date) + px(f, p[s].date)) / 2;
            icsi_svg_line(out, xr, TOP, xr, BOTTOM, C_AXIS, 1, "2,3");
            icsi_svg_text(out, xr + 3, TOP + 10, "start", 10, NULL, C_AXIS, "rebase");
        }
        if (isfinite(p[s].mean))
            icsi_svg_line(out, x1, py(f, p[s].mean), x2, py(f, p[s].mean), C_MEAN, 1.5, NULL);
        if (isfinite(p[s].upl))
            icsi_svg_line(out, x1, py(f, p[s].upl), x2, py(f, p[s].upl), C_LIMIT, 1.5, "6,4");
        if (isfinite(p[s].lpl))
            icsi_svg_line(out, x1, py(f, p[s].lpl), x2, py(f, p[s].lpl), C_LIMIT, 1.5, "6,4");
        s = e;
    }
    const struct ics_spc_point *lastp = &p[n - 1];
    if (isfinite(lastp->upl))
        right_label(out, py(f, lastp->upl), "UPL", lastp->upl, C_AXIS);
    if (isfinite(lastp->mean))
        right_label(out, py(f, lastp->mean), "mean", lastp->mean, C_MEAN);
    if (isfinite(lastp->lpl))
        right_label(out, py(f, lastp->lpl), "LPL", lastp->lpl, C_AXIS);
    if (c->has_target) {
        double y = py(f, c->target);
        icsi_svg_line(out, LEFT, y, RIGHT, y, C_TARGET, 1.5, "2,2");
        right_label(out, y - 12, "target", c->target, C_TARGET);
    }
}

/* The value line and the points, coloured by type, each with a tooltip. */
static void spc_values(FILE *out, const struct ics_svg_spc_chart *c, const struct frame *f)
{
    const struct ics_spc_point *p = c->points;
    size_t n = c->n;
    fputs("<polyline fill=\"none\" stroke=\"" C_COMMON "\" stroke-width=\"1.5\" points=\"", out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(' ', out);
        icsi_svg_num(out, px(f, p[i].date));
        fputc(',', out);
        icsi_svg_num(out, py(f, p[i].value));
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < n; i++) {
        char d[16], v[40];
        ics_date_format(p[i].date, d);
        ics_format_double(p[i].value, v, sizeof v);
        fputs("<circle cx=\"", out);
        icsi_svg_num(out, px(f, p[i].date));
        fputs("\" cy=\"", out);
        icsi_svg_num(out, py(f, p[i].value));
        fprintf(out, "\" r=\"4.0\" fill=\"%s\"><title>%s: %s", type_colour(p[i].point_type), d, v);
        if (p[i].rule)
            fprintf(out, " (%s, %s)", type_words(p[i].point_type), ics_spc_rule_name(p[i].rule));
        fputs("</title></circle>\n", out);
    }
}

/* The legend, and the icons by name. */
static void spc_legend(FILE *out, const struct ics_svg_spc_chart *c)
{
    const struct ics_spc_point *lastp = &c->points[c->n - 1];
    char buf[256];
    double ly = TOP + 4;
    double x0 = 810;
    int neutral = c->direction == ICS_SPC_NEUTRAL;
    const char *names[3] = {neutral ? "special cause" : "improvement", neutral ? NULL : "concern", "common cause"};
    const char *cols[3] = {neutral ? C_NEUTRAL : C_IMPROVE, C_CONCERN, C_COMMON};
    icsi_svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Points");
    ly += 18;
    for (int k = 0; k < 3; k++) {
        if (!names[k])
            continue;
        icsi_svg_circle(out, x0 + 5, ly - 4, 4, cols[k]);
        icsi_svg_text(out, x0 + 14, ly, "start", 11, NULL, C_TEXT, names[k]);
        ly += 16;
    }
    if (!c->summary)
        return;
    ly += 12;
    icsi_svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Variation");
    ly += 16;
    words(ics_spc_variation_name(c->summary->variation), buf, sizeof buf);
    icsi_svg_text(out, x0, ly, "start", 11, NULL, type_colour(lastp->point_type), buf);
    ly += 24;
    icsi_svg_text(out, x0, ly, "start", 12, "bold", C_TEXT, "Assurance");
    ly += 16;
    if (c->summary->assurance)
        words(ics_spc_assurance_name(c->summary->assurance), buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%s", c->has_target ? "none (neutral)" : "no target");
    icsi_svg_text(out, x0, ly, "start", 11, NULL, C_TEXT, buf);
    if (c->summary->short_warning) {
        ly += 24;
        snprintf(buf, sizeof buf, "trial limits: %zu points", c->summary->n);
        icsi_svg_text(out, x0, ly, "start", 11, NULL, C_CONCERN, buf);
    }
    if (!isfinite(lastp->upl)) {
        ly += 18;
        icsi_svg_text(out, x0, ly, "start", 11, NULL, C_CONCERN, "no limits");
    }
}

void ics_svg_spc(FILE *out, const struct ics_svg_spc_chart *c)
{
    char buf[256];
    icsi_svg_begin(out, W, H, c->title ? c->title : "SPC chart");
    icsi_svg_text(out, LEFT, 30, "start", 18, "bold", C_TEXT, c->title ? c->title : "");
    snprintf(buf, sizeof buf, "%s: XmR chart, mean and process limits", c->y_label ? c->y_label : "value");
    icsi_svg_text(out, LEFT, 52, "start", 12, NULL, C_AXIS, buf);
    if (c->n == 0) {
        icsi_svg_end(out);
        return;
    }
    struct frame f;
    int decimals;
    double step = spc_frame(c, &f, &decimals);
    spc_axes(out, c, &f, step, decimals);
    spc_segments(out, c, &f);
    spc_values(out, c, &f);
    spc_legend(out, c);
    icsi_svg_end(out);
}

/* ---- a series of a run ---------------------------------------------------- */

void ics_svg_spc_series(FILE *out, const struct ics_spc_result *res, size_t i)
{
    const struct ics_spc_series *s = ics_spc_result_series(res, i);
    struct ics_svg_spc_chart chart = {
        .title = s->name,
        .y_label = ics_spc_result_table(res)->value,
        .points = s->points,
        .n = s->n,
        .summary = &s->summary,
        .direction = ics_spc_result_options(res)->spc.direction,
        .has_target = s->has_target,
        .target = s->target,
    };
    ics_svg_spc(out, &chart);
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
