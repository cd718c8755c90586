/*
 * ics SVG charts: hand-written, self-contained SVG (no scripts, no external
 * fonts or images). Output is byte-identical for the same input: coordinates
 * are printed with fixed decimals, nothing depends on the locale, the clock
 * or the environment, so charts can be checked against golden files.
 *
 * Colours follow NHSRplotthedots' ptd_spc_colours() (the NHS "Making Data
 * Count" palette): improvement blue #00b0f0, concern orange #e46c0a, neutral
 * purple #490092, common cause grey #a6a6a6, mean black, target red #de1b1b.
 *
 * Ownership: the caller owns the FILE and every array passed in; nothing is
 * kept after the call. Write errors show up in ferror(out).
 */
#ifndef ICS_CHART_H
#define ICS_CHART_H

#include <stddef.h>
#include <stdio.h>

#include "ics/funnel.h"
#include "ics/spc.h"

struct ics_svg_spc_chart {
    const char *title;                    /* series name */
    const char *y_label;                  /* the measure (value column) */
    const struct ics_spc_point *points;   /* computed, date order */
    size_t n;
    const struct ics_spc_summary *summary;
    int direction;                        /* enum ics_spc_direction (legend wording) */
    int has_target;
    double target;
};

/* One XmR chart: points coloured by type, the value line, mean and process
 * limits per segment (a gap and a dashed rule at each rebase), the target,
 * axis labels with dates, a legend and the icon names. */
void ics_svg_spc(FILE *out, const struct ics_svg_spc_chart *chart);

/* The chart of series i of an SPC run (ics/spc.h): ics_svg_spc titled with the
 * series name, the value column as the measure, the run's direction and the
 * series' target. */
void ics_svg_spc_series(FILE *out, const struct ics_spc_result *res, size_t i);
/* The file name the chart of series i goes to, "NAME.svg": the series name
 * with letters, digits, '.', '-' and '_' kept and the rest (and a leading
 * dot) made '_'; when an earlier series cleans up to the same name, "_N" is
 * added (N the series number, from 1), so two charts never share a file. */
void ics_svg_spc_file_name(const struct ics_spc_result *res, size_t i, char *buf, size_t size);

struct ics_svg_funnel_chart {
    const char *title;
    const char *x_label;                  /* e.g. "expected deaths" */
    const char *y_label;                  /* e.g. "standardised ratio" */
    const struct ics_funnel_group *groups;
    size_t n;
    const struct ics_funnel_options *opt;
    const struct ics_funnel_summary *res;
};

/* A funnel plot: the centre line, the 95% and 99.8% limits that judged
 * outliers drawn over the package's grid, groups as points, outliers at the
 * chosen level coloured and labelled. Returns 0, or ICS_ERR_NOMEM. */
int ics_svg_funnel(FILE *out, const struct ics_svg_funnel_chart *chart);

/* The funnel plot of a run (ics/funnel.h), titled "NUMERATOR / DENOMINATOR by
 * GROUP" after the columns, the denominator column across and the kind of
 * value (with its multiplier) up. Returns 0, or ICS_ERR_NOMEM. */
int ics_svg_funnel_result(FILE *out, const struct ics_funnel_result *res);

#endif
