/* Layout shared by the charts: header, legend, y axis (see svg_internal.h). */
#include "svg_internal.h"

#include <math.h>
#include <string.h>

#define C_AXIS "#595959"
#define C_GRID "#e6e6e6"
#define C_TEXT "#231f20"

#define LINE_CHARS 256

double icsi_svg_header(FILE *out, const char *title, const char *subtitle, double reserve)
{
    char lines[2][LINE_CHARS];
    double width = ICSI_CHART_WIDTH - 2 * ICSI_MARGIN - reserve;
    double y = 8;
    int n = icsi_svg_wrap(title ? title : "", width, 16, 1, lines[0], LINE_CHARS, 2);
    for (int k = 0; k < n; k++) {
        y += k ? 19 : 18;
        if (out)
            icsi_svg_text(out, ICSI_MARGIN, y, "start", 16, "bold", C_TEXT, lines[k]);
    }
    n = icsi_svg_wrap(subtitle ? subtitle : "", width, 12, 0, lines[0], LINE_CHARS, 2);
    for (int k = 0; k < n; k++) {
        y += k ? 15 : 18;
        if (out)
            icsi_svg_text(out, ICSI_MARGIN, y, "start", 12, NULL, C_AXIS, lines[k]);
    }
    return y;
}

static double item_width(const struct icsi_legend_item *it)
{
    double key = it->kind == ICSI_LEGEND_LINE ? 28 : 14;
    return key + icsi_svg_text_width(it->text, 11, 0);
}

static void item_draw(FILE *out, const struct icsi_legend_item *it, double x, double y)
{
    if (it->kind == ICSI_LEGEND_LINE) {
        icsi_svg_line(out, x, y - 4, x + 22, y - 4, it->colour, it->line_width > 0 ? it->line_width : 1.5,
                      it->dash, NULL);
        icsi_svg_text(out, x + 28, y, "start", 11, NULL, C_TEXT, it->text);
    } else {
        icsi_svg_marker(out, it->marker, x + 5, y - 4, 3.6, it->colour, NULL);
        icsi_svg_text(out, x + 14, y, "start", 11, NULL, C_TEXT, it->text);
    }
}

double icsi_svg_legend(FILE *out, double x0, double x1, double y, const struct icsi_legend_item *items, size_t n)
{
    const double gap = 16, row = 16;
    double x = x0;
    int row_used = 0;
    for (size_t i = 0; i < n; i++) {
        const struct icsi_legend_item *it = &items[i];
        if (it->kind == ICSI_LEGEND_TEXT) {
            char lines[3][LINE_CHARS];
            int k = icsi_svg_wrap(it->text, x1 - x0, 11, 0, lines[0], LINE_CHARS, 3);
            for (int j = 0; j < k; j++) {
                if (row_used || j)
                    y += j ? 14 : row;
                if (out)
                    icsi_svg_text(out, x0, y, "start", 11, NULL, C_TEXT, lines[j]);
                row_used = 1;
            }
            x = x1;   /* whatever follows starts a new row */
            continue;
        }
        double w = item_width(it);
        if (row_used && x + w > x1) {
            y += row;
            x = x0;
        }
        if (out)
            item_draw(out, it, x, y);
        x += w + gap;
        row_used = 1;
    }
    return y;
}

double icsi_svg_y_ticks_width(double y0, double y1, double step)
{
    char buf[64];
    double w = 0;
    int dec = icsi_svg_step_decimals(step);
    for (int k = 0;; k++) {
        double v = y0 + k * step;
        if (v > y1 + step * 1e-9 || k > 100)
            break;
        icsi_svg_format_fixed(v, dec, buf, sizeof buf);
        double t = icsi_svg_text_width(buf, 11, 0);
        if (t > w)
            w = t;
    }
    return w;
}

void icsi_svg_y_axis(FILE *out, double y0, double y1, double step, double left, double right, double top,
                     double bottom)
{
    char buf[64];
    int dec = icsi_svg_step_decimals(step);
    for (int k = 0;; k++) {
        double v = y0 + k * step;
        if (v > y1 + step * 1e-9 || k > 100)
            break;
        double y = bottom - (v - y0) / (y1 - y0) * (bottom - top);
        icsi_svg_line(out, left, y, right, y, C_GRID, 1, NULL, NULL);
        icsi_svg_format_fixed(v, dec, buf, sizeof buf);
        icsi_svg_text(out, left - 6, y + 4, "end", 11, NULL, C_AXIS, buf);
    }
}
