/*
 * ics SPC: XmR charts with the NHS England "Making Data Count" rules, as
 * implemented by the R package NHSRplotthedots 0.2.2 (the public, testable
 * reference; docs/commands/spc.md lists every choice and where options differ).
 *
 * Two levels:
 *  - ics_spc_compute computes one series: the caller passes its points (date,
 *    value, and whether the point starts a new segment); the library sorts
 *    them by date, splits them into segments at rebase points, and fills in
 *    per point the mean, process limits, 2-sigma lines, the rule that fired
 *    and the point type, and per series the variation and assurance icons.
 *  - A whole table, as `ics spc` does it: ics_spc_read_table reads a CSV of
 *    one or more series, ics_spc_run computes every series into an opaque
 *    result, ics_spc_write_* write it, ics_spc_result_notes says what the
 *    user should know. (ics/chart.h draws a result's series as SVG.)
 *
 * Ownership: ics_spc_compute's caller owns the points array (it is sorted
 * and filled in place) and the summary; it allocates only scratch memory,
 * freed before it returns. ics_spc_read_table's input is the caller's until
 * ics_spc_run consumes it; the result is the caller's (ics_spc_result_free)
 * and every pointer read from it stays valid until then. Nothing is printed.
 */
#ifndef ICS_SPC_H
#define ICS_SPC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

enum ics_spc_direction {
    ICS_SPC_DECREASE = -1,   /* lower is better */
    ICS_SPC_NEUTRAL = 0,     /* neither direction is better */
    ICS_SPC_INCREASE = 1     /* higher is better (the package default) */
};

/* Two-in-three rule variants. */
enum ics_spc_two_in_three {
    ICS_SPC_2IN3_BAND = 0,   /* package 0.2.2: only points between 2 and 3 sigma count */
    ICS_SPC_2IN3_MDC2023 = 1 /* MDC, Nov 2023: any point beyond 2 sigma counts */
};

struct ics_spc_options {
    int direction;           /* enum ics_spc_direction; default increase */
    int screen_outliers;     /* 1 (default, package): drop moving ranges >= 3.267 mR-bar;
                                0: no screening (the MDC Excel tools) */
    int two_in_three;        /* enum ics_spc_two_in_three; default band */
    int fix_after;           /* 0: limits from all points of a segment; N >= 2: from
                                the first N points of each segment */
    int has_target;
    double target;           /* one number per series, judged against the last limits */
    int short_threshold;     /* segments with fewer points are "trial limits"; default 13 */
};

void ics_spc_options_init(struct ics_spc_options *opt);

/* The rule that decided a point's type, highest precedence first. */
enum ics_spc_rule {
    ICS_SPC_RULE_NONE = 0,
    ICS_SPC_RULE_OUTSIDE_LIMITS = 1,   /* strictly beyond a process limit */
    ICS_SPC_RULE_TREND = 2,            /* part of 7 points strictly rising or falling */
    ICS_SPC_RULE_TWO_IN_THREE = 3,     /* 2 of 3 beyond 2 sigma, same side of the mean */
    ICS_SPC_RULE_SHIFT = 4             /* part of 7 points on one side of the mean */
};

enum ics_spc_point_type {
    ICS_SPC_COMMON_CAUSE = 0,
    ICS_SPC_IMPROVEMENT = 1,
    ICS_SPC_CONCERN = 2,
    ICS_SPC_NEUTRAL_HIGH = 3,
    ICS_SPC_NEUTRAL_LOW = 4
};

enum ics_spc_variation_icon {
    ICS_SPC_ICON_COMMON_CAUSE = 0,
    ICS_SPC_ICON_IMPROVEMENT_HIGH,
    ICS_SPC_ICON_IMPROVEMENT_LOW,
    ICS_SPC_ICON_CONCERN_HIGH,
    ICS_SPC_ICON_CONCERN_LOW,
    ICS_SPC_ICON_NEUTRAL_HIGH,
    ICS_SPC_ICON_NEUTRAL_LOW
};

enum ics_spc_assurance_icon {
    ICS_SPC_ASSURANCE_NONE = 0,        /* no target, or neutral direction */
    ICS_SPC_ASSURANCE_PASS,            /* consistent_pass */
    ICS_SPC_ASSURANCE_FAIL,            /* consistent_fail */
    ICS_SPC_ASSURANCE_INCONSISTENT
};

struct ics_spc_point {
    /* in */
    int32_t date;            /* days since 1970-01-01; unique within a series */
    double value;            /* finite */
    int rebase;              /* non-zero: this point starts a new segment */
    size_t tag;              /* caller's, carried through the sort (e.g. a row number) */
    /* out */
    int segment;             /* 1-based segment number */
    double mean;             /* centre line of the segment */
    double lpl, upl;         /* process limits, mean -/+ 2.66 mR-bar; NAN when undefined */
    double lower_2sigma, upper_2sigma;   /* mean -/+ (2*2.66/3) mR-bar; NAN when undefined */
    int rule;                /* enum ics_spc_rule */
    int side;                /* +1 above / increasing, -1 below / decreasing, 0 no rule */
    int point_type;          /* enum ics_spc_point_type */
};

/* Notes about a segment's limits (bit flags in the summary). */
enum ics_spc_note {
    ICS_SPC_NOTE_SINGLE_POINT = 1,   /* a segment of one point: no moving range, no limits */
    ICS_SPC_NOTE_NO_VARIATION = 2,   /* every moving range is 0 (all values equal): with
                                        screening no range survives and limits are empty;
                                        without, the limits equal the mean */
    ICS_SPC_NOTE_ZERO_MR = 4,        /* screening left only zero ranges: the limits equal
                                        the mean and every other point is outside them */
    ICS_SPC_NOTE_SHORT = 8           /* some segment has fewer than short_threshold points */
};

struct ics_spc_summary {
    size_t points;           /* points in the series */
    int segments;
    size_t n;                /* points in the latest segment */
    double mean, lpl, upl;   /* of the latest segment (NAN when undefined) */
    int variation;           /* enum ics_spc_variation_icon, from the latest point */
    int assurance;           /* enum ics_spc_assurance_icon, from the latest limits */
    int short_warning;       /* the latest segment has fewer than short_threshold points */
    int notes;               /* enum ics_spc_note bits, over all segments */
    int short_segments;      /* how many segments are short */
};

/*
 * Computes one series in place. Sorts `points` by date; a repeated date fails
 * with ICS_ERR_PARSE ("duplicate date YYYY-MM-DD"); n == 0 fails with
 * ICS_ERR_EMPTY; a non-finite value fails with ICS_ERR_PARSE. Out of memory:
 * ICS_ERR_NOMEM. On success fills every point's outputs and *summary.
 */
int ics_spc_compute(struct ics_spc_point *points, size_t n, const struct ics_spc_options *opt,
                    struct ics_spc_summary *summary, struct ics_error *err);

/* Names as written in output: "outside_limits", "trend", "two_in_three",
 * "shift", "" for none; "common_cause", "special_cause_improvement", ... ;
 * "improvement_high", ..., "common_cause"; "consistent_pass", "consistent_fail",
 * "inconsistent", "" for none. */
const char *ics_spc_rule_name(int rule);
const char *ics_spc_point_type_name(int type);
const char *ics_spc_variation_name(int icon);
const char *ics_spc_assurance_name(int icon);

/* ---- a table of series -------------------------------------------------- */

/* The columns of an input table, by header name. */
struct ics_spc_table_options {
    const char *value;       /* the measure (required) */
    const char *date;        /* NULL: the first of date, period_start, period, week_start, month */
    const char *series;      /* one series per distinct value; NULL: the whole table is one
                                series named after the value column */
    const char *target;      /* per-row targets; NULL: none */
};
void ics_spc_table_options_init(struct ics_spc_table_options *opt);

/* The series of a table, read and not yet computed (opaque). */
struct ics_spc_input;

/*
 * Reads the CSV at `path` ("-" for standard input). Fields are trimmed of
 * spaces and tabs. A row's date must parse (ics_date_parse); a value that is
 * empty, NA, N/A, NULL, NaN or "-" (any case) is missing: the row is left out
 * and counted for its series; any other value and any target must be a
 * number of the one grammar (ics_parse_double: "1,234" yes, "0x1p3", "inf"
 * no), else ICS_ERR_PARSE with file:line:column. A named column that is not
 * in the header: ICS_ERR_MISSING_COLUMN; no data rows: ICS_ERR_EMPTY.
 * Series keep the order in which they first appear. *out is the caller's.
 */
int ics_spc_read_table(const char *path, const struct ics_spc_table_options *opt, struct ics_spc_input **out,
                       struct ics_error *err);
void ics_spc_input_free(struct ics_spc_input *in);

/* How a table's series are computed. */
struct ics_spc_run_options {
    struct ics_spc_options spc;   /* for every series; spc.has_target / spc.target apply to a
                                     series with no per-row target */
    const int32_t *rebase;        /* dates that start a new segment, in every series that has a
                                     point on one; any order; copied */
    size_t nrebase;
};
void ics_spc_run_options_init(struct ics_spc_run_options *opt);

/* One series of a result. A series whose every row lacked a value is
 * `skipped`: no points, no summary, no chart. */
struct ics_spc_series {
    const char *name;
    const struct ics_spc_point *points;   /* computed, in date order */
    size_t n;
    struct ics_spc_summary summary;
    int skipped;
    size_t missing;                       /* rows without a value, left out */
    long first_missing_line;              /* of the first of them */
    int has_target;
    double target;                        /* the one judged: the latest row's that has one,
                                             else the options' */
    int target_varies;                    /* the per-row targets differ */
};

/* Counts over a whole run. */
struct ics_spc_totals {
    size_t rows;             /* data rows read */
    size_t series;           /* all series, skipped ones included */
    size_t charted;          /* series not skipped */
    size_t rows_missing;     /* rows left out for want of a value */
    size_t rebase_unused;    /* rebase dates on no point of any series */
};

struct ics_spc_result;

/*
 * Computes every series of `in`, which it consumes (freed here on failure,
 * by ics_spc_result_free after success). A series that fails (a duplicate
 * date) fails the run: "FILE: series 'X': duplicate date YYYY-MM-DD".
 */
int ics_spc_run(struct ics_spc_input *in, const struct ics_spc_run_options *opt, struct ics_spc_result **out,
                struct ics_error *err);
void ics_spc_result_free(struct ics_spc_result *res);

const struct ics_spc_totals *ics_spc_result_totals(const struct ics_spc_result *res);
/* Series i, 0 <= i < totals->series, in order of first appearance. */
const struct ics_spc_series *ics_spc_result_series(const struct ics_spc_result *res, size_t i);
/* The columns read (date: the one found), the options used and the input's label. */
const struct ics_spc_table_options *ics_spc_result_table(const struct ics_spc_result *res);
const struct ics_spc_run_options *ics_spc_result_options(const struct ics_spc_result *res);
const char *ics_spc_result_label(const struct ics_spc_result *res);

/*
 * What the user should know, one message per call of note(ctx, text): rows
 * left out, series left out, single-point segments, no variation, a zero
 * average moving range, trial limits, a varying target, rebase dates on no
 * point. Each text is a sentence without a newline ("series 'RXA': 2 segments
 * of fewer than 13 points: trial limits"), valid during the call only.
 */
void ics_spc_result_notes(const struct ics_spc_result *res, void (*note)(void *ctx, const char *text),
                          void *ctx);

/*
 * Writers (docs/commands/spc.md "Output"). Points as CSV
 * (series,date,value,segment,mean,lpl,upl,lower_2sigma,upper_2sigma,rule,point_type)
 * or JSON (per series its summary and its points under "data"); the summary,
 * one row per series that is not skipped, as CSV
 * (series,n,mean,lpl,upl,variation_icon,assurance_icon,short_warning) or JSON
 * (the JSON output without "data"). They return 0 or ICS_ERR_INTERNAL; write
 * errors show in ferror(out), for the caller to report (ics_output_commit).
 */
int ics_spc_write_csv(const struct ics_spc_result *res, FILE *out, struct ics_error *err);
int ics_spc_write_json(const struct ics_spc_result *res, FILE *out, struct ics_error *err);
int ics_spc_write_summary_csv(const struct ics_spc_result *res, FILE *out, struct ics_error *err);
int ics_spc_write_summary_json(const struct ics_spc_result *res, FILE *out, struct ics_error *err);

#endif
