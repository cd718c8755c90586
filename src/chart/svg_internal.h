/*
 * SVG drawing primitives shared by the chart writers (internal). Every
 * number goes through icsi_svg_num so output is byte-identical and never shows
 * "-0.0" or "nan".
 */
#ifndef ICS_SVG_INTERNAL_H
#define ICS_SVG_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

/* Writes v with one decimal ("12.5"); non-finite as 0. */
void icsi_svg_num(FILE *out, double v);
/* Writes text with &, <, >, " and ' escaped. */
void icsi_svg_text_escaped(FILE *out, const char *s);

void icsi_svg_begin(FILE *out, int width, int height, const char *title);
void icsi_svg_end(FILE *out);
void icsi_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *stroke, double width,
              const char *dash);
void icsi_svg_circle(FILE *out, double cx, double cy, double r, const char *fill);
/* anchor: "start", "middle" or "end"; weight: NULL or "bold". */
void icsi_svg_text(FILE *out, double x, double y, const char *anchor, int size, const char *weight,
              const char *fill, const char *text);

/* "Nice" axis: from [lo, hi] picks a step of 1, 2 or 5 x 10^k giving about
 * `target` intervals, widens lo/hi to multiples of it, and returns the step
 * and the number of decimals its labels need. */
double icsi_svg_nice_axis(double *lo, double *hi, int target, int *decimals);
/* A tick label with `decimals` places ("-0" never appears). */
void icsi_svg_format_tick(double v, int decimals, char *buf, size_t size);

#endif
