/* SVG primitives: fixed-format numbers and escaped text (see svg_internal.h). */
#include "svg_internal.h"

#include <math.h>
#include <string.h>

void icsi_svg_num(FILE *out, double v)
{
    if (!isfinite(v))
        v = 0;
    /* round to one decimal first so that -0.04 prints as 0.0, not -0.0 */
    double r = round(v * 10) / 10;
    if (r == 0)
        r = 0;
    fprintf(out, "%.1f", r);
}

void icsi_svg_text_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* control characters are not allowed in XML 1.0 */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                fputc(' ', out);
            else
                fputc(*s, out);
        }
    }
}

void icsi_svg_begin(FILE *out, int width, int height, const char *title)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"Arial, Helvetica, sans-serif\">\n",
            width, height, width, height);
    fputs("<title>", out);
    icsi_svg_text_escaped(out, title);
    fputs("</title>\n", out);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
}

void icsi_svg_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void icsi_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *stroke, double width,
              const char *dash)
{
    fputs("<line x1=\"", out);
    icsi_svg_num(out, x1);
    fputs("\" y1=\"", out);
    icsi_svg_num(out, y1);
    fputs("\" x2=\"", out);
    icsi_svg_num(out, x2);
    fputs("\" y2=\"", out);
    icsi_svg_num(out, y2);
    fprintf(out, "\" stroke=\"%s\" stroke-width=\"", stroke);
    icsi_svg_num(out, width);
    fputc('"', out);
    if (dash)
        fprintf(out, " stroke-dasharray=\"%s\"", dash);
    fputs("/>\n", out);
}

void icsi_svg_circle(FILE *out, double cx, double cy, double r, const char *fill)
{
    fputs("<circle cx=\"", out);
    icsi_svg_num(out, cx);
    fputs("\" cy=\"", out);
    icsi_svg_num(out, cy);
    fputs("\" r=\"", out);
    icsi_svg_num(out, r);
    fprintf(out, "\" fill=\"%s\"/>\n", fill);
}

void icsi_svg_text(FILE *out, double x, double y, const char *anchor, int size, const char *weight,
              const char *fill, const char *text)
{
    fputs("<text x=\"", out);
    icsi_svg_num(out, x);
    fputs("\" y=\"", out);
    icsi_svg_num(out, y);
    fprintf(out, "\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\"", anchor, size, fill);
    if (weight)
        fprintf(out, " font-weight=\"%s\"", weight);
    fputc('>', out);
    icsi_svg_text_escaped(out, text);
    fputs("</text>\n", out);
}

double icsi_svg_nice_axis(double *lo, double *hi, int target, int *decimals)
{
    double a = *lo, b = *hi;
    if (!isfinite(a) || !isfinite(b)) {
        a = 0;
        b = 1;
    }
    if (b < a) {
        double t = a;
        a = b;
        b = t;
    }
    if (b - a < 1e-12 * (fabs(a) + fabs(b)) || b == a) {
        double pad = a == 0 ? 1 : fabs(a) * 0.1;
        a -= pad;
        b += pad;
    }
    double raw = (b - a) / (target > 0 ? target : 5);
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    *lo = floor(a / step) * step;
    *hi = ceil(b / step) * step;
    int d = (int)-floor(log10(step) + 1e-9);
    *decimals = d > 0 ? d : 0;
    return step;
}

void icsi_svg_format_tick(double v, int decimals, char *buf, size_t size)
{
    double scale = pow(10, decimals);
    double r = round(v * scale) / scale;
    if (r == 0)
        r = 0;
    snprintf(buf, size, "%.*f", decimals, r);
}
