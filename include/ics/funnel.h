/*
 * ics funnel: Spiegelhalter funnel plot limits with overdispersion, as
 * implemented by the R package FunnelPlotR 0.6.0 (the public, testable
 * reference; docs/commands/funnel.md lists every choice and where options
 * differ on purpose).
 *
 * Two levels:
 *  - ics_funnel_aggregate sums input rows by group (the package sums rows
 *    with the same group first), then ics_funnel_compute fills in per group
 *    the z-score, trimming, both sets of 95% and 99.8% limits at the group's
 *    own denominator, and the outlier flags, and per run phi and tau²
 *    (struct ics_funnel_summary).
 *  - A whole table, as `ics funnel` does it: ics_funnel_read_table reads a
 *    CSV, ics_funnel_run aggregates and computes it into an opaque result,
 *    ics_funnel_write_* write it, ics_funnel_result_notes says what the user
 *    should know. (ics/chart.h draws a result as SVG.)
 *
 * Ownership: for ics_funnel_aggregate, rows and their group strings belong
 * to the caller and must outlive the groups made from them (groups point at
 * the same strings); the groups array is the caller's to ics_free. An input
 * from ics_funnel_read_table is the caller's until ics_funnel_run consumes
 * it; a result is the caller's (ics_funnel_result_free) and every pointer
 * read from it stays valid until then. Nothing is printed.
 */
#ifndef ICS_FUNNEL_H
#define ICS_FUNNEL_H

#include <stddef.h>
#include <stdio.h>

#include "ics/core.h"

enum ics_funnel_type {
    ICS_FUNNEL_SR = 0,          /* indirectly standardised ratio O/E ("SR") */
    ICS_FUNNEL_PROPORTION = 1,  /* k/n ("PR") */
    ICS_FUNNEL_RATIO = 2        /* ratio of counts ("RC") */
};

enum ics_funnel_sr_method {
    ICS_FUNNEL_SHMI = 0,          /* log scale, NHS Digital truncation, E rounded to 2 dp */
    ICS_FUNNEL_CQC = 1,           /* square-root scale, winsorised; limits as the package */
    ICS_FUNNEL_CQC_CORRECTED = 2  /* as CQC, adjusted limits squared back to the ratio
                                     scale (the package's open issue #33) */
};

enum ics_funnel_overdispersion {
    ICS_FUNNEL_OD_AUTO = 0,  /* adjusted limits judge unless phi <= 1 (the package) */
    ICS_FUNNEL_OD_ON = 1,    /* adjusted limits always judge (tau² may be 0) */
    ICS_FUNNEL_OD_OFF = 2    /* unadjusted limits judge */
};

struct ics_funnel_options {
    int type;                /* enum ics_funnel_type */
    int sr_method;           /* enum ics_funnel_sr_method (SR only) */
    int overdispersion;      /* enum ics_funnel_overdispersion */
    double trim;             /* winsorisation / truncation fraction per tail, default 0.1 */
    double multiplier;       /* scales values and limits, default 1 (e.g. 100) */
    int limit;               /* 95 or 998: the level of the `outlier` flag; default 998 */
    int shmi_rounding;       /* SHMI: round summed expected counts to 2 dp; default 1 */
    int exact_z;             /* 0 (default): the package's 1.959964 and 3.090232;
                                1: qnorm(0.975) and qnorm(0.999) to full precision */
};

void ics_funnel_options_init(struct ics_funnel_options *opt);

/* One input row. */
struct ics_funnel_row {
    const char *group;       /* NUL-terminated; not copied */
    double numerator;
    double denominator;
};

/* One group after aggregation; outputs are NAN / 0 where undefined. */
struct ics_funnel_group {
    const char *name;        /* points at a row's string */
    double numerator, denominator;   /* sums (SHMI: denominator rounded to 2 dp) */
    size_t rows;
    /* out */
    int valid;               /* 0: denominator <= 0, so no ratio: excluded from
                                phi and tau², every output below NAN/0 */
    double value;            /* numerator / denominator * multiplier (SHMI: the
                                denominator before rounding, as the package) */
    double z;                /* unadjusted z-score (may be -inf: SHMI with O = 0) */
    int trimmed;             /* winsorised (z not strictly inside the quantiles) or
                                truncated (SHMI) */
    int used_for_phi;        /* counted in phi (all valid groups, except SHMI-truncated) */
    double lcl95, ucl95, lcl998, ucl998;         /* the limits that judged outliers */
    double unadj_lcl95, unadj_ucl95, unadj_lcl998, unadj_ucl998;
    double adj_lcl95, adj_ucl95, adj_lcl998, adj_ucl998;   /* with tau² */
    int outlier95, outlier998;   /* strictly outside the judging limits */
};

/* Per run. */
struct ics_funnel_summary {
    double target;           /* centre line (ratio scale, before the multiplier) */
    double phi;              /* overdispersion factor; NAN when not finite */
    double tau2;             /* between-group variance; NAN when undefined */
    size_t groups;           /* all groups */
    size_t valid_groups;
    size_t groups_used_for_phi;
    int adjusted;            /* 1: the adjusted limits judged outliers */
    int no_overdispersion;   /* auto: phi <= 1, so unadjusted limits judged */
    int undefined_od;        /* phi or tau² undefined (one group, or an infinite z):
                                unadjusted limits judged */
    size_t rows;             /* input rows summed into the groups */
    size_t outliers;         /* valid groups outside the judging limits at opt->limit */
};

/*
 * Sums rows by group (long double sums in row order, as R's sum), sorted by
 * group name (byte order). Negative or non-finite numbers fail with
 * ICS_ERR_PARSE naming the group. *out is allocated (ics_free it).
 */
int ics_funnel_aggregate(const struct ics_funnel_row *rows, size_t nrows,
                         struct ics_funnel_group **out, size_t *ngroups, struct ics_error *err);

/*
 * Computes everything for groups[0..n). For proportions a numerator above its
 * denominator fails with ICS_ERR_PARSE. No valid group: ICS_ERR_EMPTY.
 */
int ics_funnel_compute(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                       struct ics_funnel_summary *res, struct ics_error *err);

/*
 * Limits for drawing: at m denominators xs[] (ascending, > 0) writes out[i*4 +
 * {0,1,2,3}] = lcl95, ucl95, lcl998, ucl998 (multiplier applied), adjusted
 * (with res->tau2) or not. Proportions get the package's clipping and one-pass
 * monotonicity fix over this grid.
 */
void ics_funnel_limits(const struct ics_funnel_options *opt, const struct ics_funnel_summary *res,
                       int adjusted, const double *xs, size_t m, double *out);

/*
 * The package's plotting grid: seq(1.1 (SR) or 3, ceiling(max denominator),
 * length.out = 1000) merged with the groups' denominators, sorted, unique.
 * Returns an ics_malloc'd array and its length in *m, or NULL.
 */
double *ics_funnel_grid(const struct ics_funnel_options *opt, const struct ics_funnel_group *groups,
                        size_t n, size_t *m);

/* ---- a table of groups -------------------------------------------------- */

/* The columns of an input table, by header name (all three required). */
struct ics_funnel_table_options {
    const char *group;
    const char *numerator;
    const char *denominator;
};
void ics_funnel_table_options_init(struct ics_funnel_table_options *opt);

/* The rows of a table, read and not yet summed (opaque). */
struct ics_funnel_input;

/*
 * Reads the CSV at `path` ("-" for standard input). Fields are trimmed of
 * spaces and tabs; numerator and denominator must be numbers of the one
 * grammar (ics_parse_double: "1,234" yes, "0x1p3", "inf", "nan" no) and not
 * negative, else ICS_ERR_PARSE with file:line:column. A named column that is
 * not in the header: ICS_ERR_MISSING_COLUMN; no data rows: ICS_ERR_EMPTY.
 */
int ics_funnel_read_table(const char *path, const struct ics_funnel_table_options *opt,
                          struct ics_funnel_input **out, struct ics_error *err);
void ics_funnel_input_free(struct ics_funnel_input *in);

struct ics_funnel_result;

/*
 * Sums the rows of `in` by group and computes them (ics_funnel_aggregate,
 * ics_funnel_compute); consumes `in` (freed here on failure, by
 * ics_funnel_result_free after success). Errors of the computation name the
 * input: "FILE: group 'X': numerator 5 exceeds denominator 4, ...".
 */
int ics_funnel_run(struct ics_funnel_input *in, const struct ics_funnel_options *opt,
                   struct ics_funnel_result **out, struct ics_error *err);
void ics_funnel_result_free(struct ics_funnel_result *res);

const struct ics_funnel_summary *ics_funnel_result_summary(const struct ics_funnel_result *res);
/* The groups, sorted by name; *n is set to their number. */
const struct ics_funnel_group *ics_funnel_result_groups(const struct ics_funnel_result *res, size_t *n);
const struct ics_funnel_options *ics_funnel_result_options(const struct ics_funnel_result *res);
/* The columns read and the input's label. */
const struct ics_funnel_table_options *ics_funnel_result_table(const struct ics_funnel_result *res);
const char *ics_funnel_result_label(const struct ics_funnel_result *res);

/*
 * What the user should know, one message per call of note(ctx, text): the
 * groups, rows and outliers, and why unadjusted limits judge or a group has
 * no values. Each text is a sentence without a newline, valid during the
 * call only.
 */
void ics_funnel_result_notes(const struct ics_funnel_result *res, void (*note)(void *ctx, const char *text),
                             void *ctx);

/*
 * Writers (docs/commands/funnel.md "Output"): the groups as CSV (group,
 * numerator, denominator, value, z, trimmed, the judging limits and flags,
 * the unadjusted limits, outlier) or JSON (the summary and the groups under
 * "data"); the summary as CSV key,value rows or JSON (without "data"). They
 * return 0 or ICS_ERR_INTERNAL; write errors show in ferror(out), for the
 * caller to report (ics_output_commit).
 */
int ics_funnel_write_csv(const struct ics_funnel_result *res, FILE *out, struct ics_error *err);
int ics_funnel_write_json(const struct ics_funnel_result *res, FILE *out, struct ics_error *err);
int ics_funnel_write_summary_csv(const struct ics_funnel_result *res, FILE *out, struct ics_error *err);
int ics_funnel_write_summary_json(const struct ics_funnel_result *res, FILE *out, struct ics_error *err);

/* "sr", "proportion", "ratio"; "shmi", "cqc", "cqc-corrected" (as the options are spelt). */
const char *ics_funnel_type_name(int type);
const char *ics_funnel_sr_method_name(int method);

#endif
