/*
 * ics funnel: Spiegelhalter funnel plot limits with overdispersion, as
 * implemented by the R package FunnelPlotR 0.6.0 (the public, testable
 * reference; docs/commands/funnel.md lists every choice and where options
 * differ on purpose).
 *
 * Use: ics_funnel_aggregate sums input rows by group (the package sums rows
 * with the same group first), then ics_funnel_compute fills in per group the
 * z-score, trimming, both sets of 95% and 99.8% limits at the group's own
 * denominator, and the outlier flags, and per run phi and tau².
 *
 * Ownership: rows and their group strings belong to the caller and must
 * outlive the groups made from them (groups point at the same strings). The
 * groups array from ics_funnel_aggregate is the caller's to ics_free.
 */
#ifndef ICS_FUNNEL_H
#define ICS_FUNNEL_H

#include <stddef.h>

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

struct ics_funnel_result {
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
                       struct ics_funnel_result *res, struct ics_error *err);

/*
 * Limits for drawing: at m denominators xs[] (ascending, > 0) writes out[i*4 +
 * {0,1,2,3}] = lcl95, ucl95, lcl998, ucl998 (multiplier applied), adjusted
 * (with res->tau2) or not. Proportions get the package's clipping and one-pass
 * monotonicity fix over this grid.
 */
void ics_funnel_limits(const struct ics_funnel_options *opt, const struct ics_funnel_result *res,
                       int adjusted, const double *xs, size_t m, double *out);

/*
 * The package's plotting grid: seq(1.1 (SR) or 3, ceiling(max denominator),
 * length.out = 1000) merged with the groups' denominators, sorted, unique.
 * Returns an ics_malloc'd array and its length in *m, or NULL.
 */
double *ics_funnel_grid(const struct ics_funnel_options *opt, const struct ics_funnel_group *groups,
                        size_t n, size_t *m);

#endif
