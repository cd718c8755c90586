/*
 * What the chart writers share (internal): SVG primitives, numbers and dates
 * for people, text measurement, the Making Data Count icons and the words
 * for measures and organisations.
 *
 * Every coordinate goes through icsi_svg_num, so output is byte-identical and
 * never shows "-0.0" or "nan". Nothing here reads the locale or the clock.
 *
 * Layout is done in a 600-unit-wide viewBox, so that a chart printed or shown
 * at 600 px has every font at its nominal size (11 px and up); the SVG also
 * scales to its container.
 */
#ifndef ICS_SVG_INTERNAL_H
#define ICS_SVG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- primitives ----------------------------------------------------------- */

/* Writes v with one decimal ("12.5"); non-finite as 0. */
void icsi_svg_num(FILE *out, double v);
/* Writes text with &, <, >, " and ' escaped (control characters become spaces). */
void icsi_svg_text_escaped(FILE *out, const char *s);

/* The root element, then <title> and <desc> (first, for screen readers), then
 * a white background. The width is scalable: a viewBox, and the nominal size
 * as width/height with max-width:100% so that it shrinks to fit a page. */
void icsi_svg_begin(FILE *out, int width, int height, const char *title, const char *desc);
void icsi_svg_end(FILE *out);
/* dash NULL for a solid line; cls NULL or a class name (tests find elements by it). */
void icsi_svg_line(FILE *out, double x1, double y1, double x2, double y2, const char *stroke, double width,
                   const char *dash, const char *cls);
void icsi_svg_circle(FILE *out, double cx, double cy, double r, const char *fill);
/* anchor: "start", "middle" or "end"; weight: NULL or "bold". */
void icsi_svg_text(FILE *out, double x, double y, const char *anchor, int size, const char *weight,
                   const char *fill, const char *text);

/* Point markers, so that a point's type is told by its shape as well as its
 * colour; `tooltip` (may be NULL) becomes the marker's <title>. */
enum icsi_marker {
    ICSI_MARK_CIRCLE,
    ICSI_MARK_DIAMOND,
    ICSI_MARK_SQUARE,
    ICSI_MARK_TRIANGLE_UP,
    ICSI_MARK_TRIANGLE_DOWN
};
/* A label at the chart's right edge (a limit, the mean, a target), placed at y. */
struct icsi_right_label {
    double v, y;               /* v: the value it labels (SPC); y: where it is drawn */
    const char *colour;
    char text[64];
};
/* Sorts labels by y and pushes them 13 px apart, keeping the lowest at or above bottom + 4. */
void icsi_svg_spread_labels(struct icsi_right_label *rl, size_t n, double bottom);

void icsi_svg_marker(FILE *out, int marker, double x, double y, double r, const char *fill, const char *tooltip);

/* ---- numbers for people --------------------------------------------------- */

/* v with exactly `decimals` places and thousands separators: "17,970",
 * "-0.50"; never "-0", never e-notation; non-finite gives "". decimals is
 * clamped to 0..10. */
void icsi_svg_format_fixed(double v, int decimals, char *buf, size_t size);
/* The decimals the ticks of an axis with this step need (step 2 -> 0,
 * 0.25 -> 2). */
int icsi_svg_step_decimals(double step);
/* The one rule for a number on a chart (a limit label, the legend, a
 * tooltip): three significant figures, but never fewer decimals than the
 * axis step needs (step 0: no such floor), and never a decimal in a number
 * of 100 or more; trailing zeros after the point dropped. 17970.4 ->
 * "17,970", 5.8214 -> "5.82", 0.15312 -> "0.153", -0.5 -> "-0.5", 0 -> "0". */
void icsi_svg_format_value(double v, double step, char *buf, size_t size);

/* "Nice" axis: from [lo, hi] picks a step of 1, 2 or 5 x 10^k giving about
 * `target` intervals, widens lo/hi to multiples of it, and returns the step
 * and the number of decimals its labels need. */
double icsi_svg_nice_axis(double *lo, double *hi, int target, int *decimals);

/* ---- dates ---------------------------------------------------------------- */

enum icsi_date_unit { ICSI_DAYS, ICSI_WEEKS, ICSI_MONTHS, ICSI_YEARS };

#define ICSI_MAX_DATE_TICKS 64

/* Calendar ticks: every `every` days, Mondays, 1sts of months (quarters are
 * every 3 months from January) or 1 Januaries. */
struct icsi_date_ticks {
    int unit;       /* enum icsi_date_unit */
    int every;      /* 1, 2, 3 (quarters), 6, 5, 10 ... */
    size_t n;
    int32_t date[ICSI_MAX_DATE_TICKS];
};

/* The steps tried, finest first; icsi_svg_date_step(k) for k < icsi_svg_date_steps(). */
size_t icsi_svg_date_steps(void);
/* The ticks of step k that fall in [d0, d1]; returns -1 (out->n = 0) when
 * there would be more than ICSI_MAX_DATE_TICKS. */
int icsi_svg_date_ticks_step(int32_t d0, int32_t d1, size_t k, struct icsi_date_ticks *out);
/* The finest step with at most max_ticks ticks in [d0, d1] (at least one
 * tick when d0 <= d1 falls on one; the coarsest step otherwise). */
void icsi_svg_date_ticks(int32_t d0, int32_t d1, size_t max_ticks, struct icsi_date_ticks *out);
/* A tick's label: days and weeks "2 Apr", months "Apr", years "2019"; the charts
 * write the year under the first tick of each year for days, weeks and months,
 * so a month tick reads "Apr 2018" on two lines. */
void icsi_svg_date_label(int32_t d, int unit, char *buf, size_t size);
/* "2 Apr 2018", for sentences. */
void icsi_svg_date_long(int32_t d, char *buf, size_t size);

/* ---- text ----------------------------------------------------------------- */

/* Estimated width in px of `text` at `size` px in Arial/Helvetica (the
 * font's advance widths; bold about 7% wider). Used to keep labels apart and
 * to wrap titles, so it errs wide. */
double icsi_svg_text_width(const char *text, int size, int bold);
/* Splits text into at most max_lines lines of at most `width` px, breaking at
 * spaces; the last line is cut with "..." when the text does not fit.
 * Lines go to lines[k] (each `line_size` bytes). Returns the number of lines
 * (0 for empty text). */
int icsi_svg_wrap(const char *text, double width, int size, int bold, char *lines, size_t line_size,
                  int max_lines);

/* ---- Making Data Count icons ---------------------------------------------- */

/* The icon for a summary's variation_icon (enum ics_spc_variation_icon),
 * centred at (cx, cy), radius r, in the MDC style, as a group whose <title>
 * is icsi_svg_variation_words(icon). */
void icsi_svg_variation_icon(FILE *out, int icon, double cx, double cy, double r);
/* The assurance icon (enum ics_spc_assurance_icon, not NONE). */
void icsi_svg_assurance_icon(FILE *out, int icon, double cx, double cy, double r);
/* Words for the icons: "Special cause concern: higher values" ... */
const char *icsi_svg_variation_words(int icon);
const char *icsi_svg_assurance_words(int icon);

/* ---- words for measures and organisations --------------------------------- */

/* A column name for people: a known ics column's label ("avg_long_stay_21_beds"
 * -> "Average beds occupied by patients in hospital 21 days or more"), else
 * the name with '_' as spaces and its first letter capitalised. */
void icsi_chart_measure_words(const char *column, char *buf, size_t size);
/* The name of the organisation or area `code` from reference data (an NHS
 * trust's ODS code, or an ONS code of England, a region, an ICB or a local
 * authority) into buf, "" when unknown. Returns 0 or ICS_ERR_NOMEM. */
int icsi_chart_org_name(const char *code, char *buf, size_t size);

/* ---- layout shared by the charts ------------------------------------------ */

#define ICSI_CHART_WIDTH 600
#define ICSI_MARGIN 12.0

/* The title (16 px bold, up to 2 lines) and subtitle (12 px, up to 2 lines)
 * from the top left, wrapped to leave `reserve` px free on the right (for
 * the icons). Writes them when out is not NULL; returns the baseline of the
 * last line written. */
double icsi_svg_header(FILE *out, const char *title, const char *subtitle, double reserve);

enum icsi_legend_kind { ICSI_LEGEND_MARKER, ICSI_LEGEND_LINE, ICSI_LEGEND_TEXT };
struct icsi_legend_item {
    int kind;              /* enum icsi_legend_kind */
    int marker;            /* MARKER: enum icsi_marker */
    const char *colour;
    const char *dash;      /* LINE: NULL for solid */
    double line_width;     /* LINE */
    const char *text;
};
/* Legend items flowed left to right from (x0, y) and wrapped before x1;
 * a TEXT item takes whole lines of its own (11 px, wrapped). Writes them
 * when out is not NULL; returns the baseline of the last line. */
double icsi_svg_legend(FILE *out, double x0, double x1, double y, const struct icsi_legend_item *items, size_t n);

/* A y axis from y0 to y1 (nice, step `step`): the widest tick label in px
 * (11 px), and the grid and labels for a plot [left, right] x [top, bottom]. */
double icsi_svg_y_ticks_width(double y0, double y1, double step);
void icsi_svg_y_axis(FILE *out, double y0, double y1, double step, double left, double right, double top,
                     double bottom);

#endif
