/* SVG primitives: fixed-format coordinates, escaped text, markers (see svg_internal.h). */
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

void icsi_svg_begin(FILE *out, int width, int height, const char *title, const char *desc)
{
    /* role="img" with <title> and <desc> as the first children is what screen
     * readers announce; no ids, so that several charts can sit in one HTML page */
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "role=\"img\" style=\"max-width:100%%;height:auto\" font-family=\"Arial, Helvetica, sans-serif\">\n",
            width, height, width, height);
    fputs("<title>", out);
    icsi_svg_text_escaped(out, title ? title : "");
    fputs("</title>\n<desc>", out);
    icsi_svg_text_escaped(out, desc ? desc : "");
    fputs("</desc>\n", out);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
}

void icsi_svg_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void icsi_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *stroke, double width,
                   const char *dash, const char *cls)
{
    fputs("<line", out);
    if (cls)
        fprintf(out, " class=\"%s\"", cls);
    fputs(" x1=\"", out);
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

static void vertex(FILE *out, double x, double y, int first)
{
    if (!first)
        fputc(' ', out);
    icsi_svg_num(out, x);
    fputc(',', out);
    icsi_svg_num(out, y);
}

static void tooltip_close(FILE *out, const char *element, const char *tooltip)
{
    if (!tooltip) {
        fputs("/>\n", out);
        return;
    }
    fputs("><title>", out);
    icsi_svg_text_escaped(out, tooltip);
    fprintf(out, "</title></%s>\n", element);
}

void icsi_svg_marker(FILE *out, int marker, double x, double y, double r, const char *fill, const char *tooltip)
{
    /* a thin white edge keeps neighbouring markers apart where they overlap */
    const char *edge = " stroke=\"#ffffff\" stroke-width=\"0.8\"";
    switch (marker) {
    case ICSI_MARK_DIAMOND:
    case ICSI_MARK_TRIANGLE_UP:
    case ICSI_MARK_TRIANGLE_DOWN: {
        double s = r * 1.3;   /* the same visual weight as a circle of radius r */
        fputs("<polygon points=\"", out);
        if (marker == ICSI_MARK_DIAMOND) {
            vertex(out, x, y - s, 1);
            vertex(out, x + s, y, 0);
            vertex(out, x, y + s, 0);
            vertex(out, x - s, y, 0);
        } else {
            double d = marker == ICSI_MARK_TRIANGLE_UP ? 1 : -1;
            vertex(out, x, y - d * s, 1);
            vertex(out, x + s * 0.95, y + d * s * 0.7, 0);
            vertex(out, x - s * 0.95, y + d * s * 0.7, 0);
        }
        fprintf(out, "\" fill=\"%s\"%s", fill, edge);
        tooltip_close(out, "polygon", tooltip);
        return;
    }
    case ICSI_MARK_SQUARE: {
        double s = r * 0.9;
        fputs("<rect x=\"", out);
        icsi_svg_num(out, x - s);
        fputs("\" y=\"", out);
        icsi_svg_num(out, y - s);
        fputs("\" width=\"", out);
        icsi_svg_num(out, 2 * s);
        fputs("\" height=\"", out);
        icsi_svg_num(out, 2 * s);
        fprintf(out, "\" fill=\"%s\"%s", fill, edge);
        tooltip_close(out, "rect", tooltip);
        return;
    }
    default:
        fputs("<circle cx=\"", out);
        icsi_svg_num(out, x);
        fputs("\" cy=\"", out);
        icsi_svg_num(out, y);
        fputs("\" r=\"", out);
        icsi_svg_num(out, r);
        fprintf(out, "\" fill=\"%s\"%s", fill, edge);
        tooltip_close(out, "circle", tooltip);
    }
}

static int by_y(const void *a, const void *b)
{
    double x = ((const struct icsi_right_label *)a)->y, y = ((const struct icsi_right_label *)b)->y;
    return (x > y) - (x < y);
}

void icsi_svg_spread_labels(struct icsi_right_label *rl, size_t n, double bottom)
{
    qsort(rl, n, sizeof rl[0], by_y);
    const double gap = 13;
    for (size_t k = 1; k < n; k++)
        if (rl[k].y < rl[k - 1].y + gap)
            rl[k].y = rl[k - 1].y + gap;
    if (n && rl[n - 1].y > bottom + 4) {
        rl[n - 1].y = bottom + 4;
        for (size_t k = n - 1; k-- > 0;)
            if (rl[k].y > rl[k + 1].y - gap)
                rl[k].y = rl[k + 1].y - gap;
    }
}
