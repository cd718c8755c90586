/*
 * ics SVG charts: hand-written, self-contained SVG (no scripts, no external
 * fonts or images) for an NHS board pack. Output is byte-identical for the
 * same input: coordinates are printed with fixed decimals, nothing depends
 * on the locale, the clock or the environment, so charts can be checked
 * against golden files.
 *
 * Every chart is laid out 600 units wide in a viewBox (fonts 11 px and up
 * when shown or printed 600 px wide, and it scales to its container), starts
 * with <title> (the chart's title) and <desc> (one sentence: what is
 * plotted, the period, the latest value, what the icons mean) for screen
 * readers, and never relies on colour alone: point types differ by shape,
 * lines by dash, and the legend says everything in words. Numbers have
 * thousands separators and never use e-notation; their decimals follow the
 * spread of the data. Axes always take in every point, limit, centre line
 * and target. Every chart of a kind goes through the same code, whatever
 * the level (a place, a system, England).
 *
 * Colours follow NHSRplotthedots' ptd_spc_colours() (the NHS "Making Data
 * Count" palette): improvement blue #00b0f0, concern orange #e46c0a, neutral
 * purple #490092, common cause grey #a6a6a6, mean black, target red #de1b1b.
 *
 * Ownership: the caller owns the FILE and every array and string passed in;
 * nothing is kept after the call. Write errors show up in ferror(out).
 */
#ifndef ICS_CHART_H
#define ICS_CHART_H

#include <stddef.h>
#include <stdio.h>

#include "ics/funnel.h"
#include "ics/spc.h"

/* Titles a caller chooses; NULL or "" keeps the default. */
struct ics_svg_titles {
    const char *title;
    const char *subtitle;
};

struct ics_svg_spc_chart {
    const char *title;                    /* bold at the top and the SVG <title>; NULL: y_label */
    const char *subtitle;                 /* NULL: the measure (unless it is the title), how often
                                             and the period: "Bed days: weekly, 2 Apr 2018 to 25 Mar 2019" */
    const char *y_label;                  /* the measure in words */
    const struct ics_spc_point *points;   /* computed, date order */
    size_t n;
    const struct ics_spc_summary *summary;   /* the icons and their words come from here only */
    int direction;                        /* enum ics_spc_direction (legend wording) */
    int has_target;
    double target;
};

/* One XmR chart: the MDC variation and assurance icons top right, points by
 * type (colour and shape), the value line, mean and process limits per
 * segment (a gap and a dotted rule at each rebase), the target, calendar
 * date ticks, the latest limits labelled on the right and a legend below. */
void ics_svg_spc(FILE *out, const struct ics_svg_spc_chart *chart);

/*
 * The chart of series i of an SPC run (ics/spc.h), with the run's direction
 * and the series' target. Default title: the organisation's or area's name
 * when the series is a code reference data knows (an NHS trust, or an ONS
 * code of England, a region, an ICB, a local authority), else the series
 * itself; a series that is empty, "-", or named after the value column (no
 * series column) is titled with the measure. The measure is the value
 * column in words (a known ics beds column by its definition). In the
 * titles given, "{name}" becomes that default title, "{series}" the series
 * as written and "{measure}" the measure. Returns 0, or ICS_ERR_NOMEM.
 */
int ics_svg_spc_series_titled(FILE *out, const struct ics_spc_result *res, size_t i,
                              const struct ics_svg_titles *titles);
/* ics_svg_spc_series_titled with the default titles. */
int ics_svg_spc_series(FILE *out, const struct ics_spc_result *res, size_t i);
/* The file name the chart of series i goes to, "NAME.svg": the series name
 * with letters, digits, '.', '-' and '_' kept and the rest (and a leading
 * dot) made '_'; when an earlier series cleans up to the same name, "_N" is
 * added (N the series number, from 1), so two charts never share a file. */
void ics_svg_spc_file_name(const struct ics_spc_result *res, size_t i, char *buf, size_t size);

struct ics_svg_funnel_chart {
    const char *title;
    const char *subtitle;                 /* NULL: the kind of limits and the number of groups */
    const char *x_label;                  /* e.g. "expected deaths" */
    const char *y_label;                  /* e.g. "standardised ratio" */
    const struct ics_funnel_group *groups;
    size_t n;
    const struct ics_funnel_options *opt;
    const struct ics_funnel_summary *res;
};

/* A funnel plot: the centre line, the 95% and 99.8% limits that judged
 * outliers, groups as points, outliers at the chosen level marked by shape
 * and colour and named. The y axis takes in every point, the centre line and
 * every limit at each group's denominator and at the right end of the x axis
 * (for proportions within 0 to 100%); the x axis starts at 0 and takes in
 * every denominator. Left of that, where the funnel widens beyond the plot,
 * the curves stop at its edge. Returns 0, or ICS_ERR_NOMEM. */
int ics_svg_funnel(FILE *out, const struct ics_svg_funnel_chart *chart);

/* The funnel plot of a run (ics/funnel.h). Default title "NUMERATOR /
 * DENOMINATOR by GROUP" after the columns (in words), the denominator column
 * across and the kind of value (with its multiplier) up. Returns 0, or
 * ICS_ERR_NOMEM. */
int ics_svg_funnel_result_titled(FILE *out, const struct ics_funnel_result *res,
                                 const struct ics_svg_titles *titles);
int ics_svg_funnel_result(FILE *out, const struct ics_funnel_result *res);

#endif
