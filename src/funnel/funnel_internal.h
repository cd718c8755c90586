/*
 * Pieces of the funnel computation exposed for unit tests (internal to the
 * library), each the counterpart of a FunnelPlotR expression.
 */
#ifndef ICS_FUNNEL_INTERNAL_H
#define ICS_FUNNEL_INTERNAL_H

#include <stddef.h>

/* R's quantile(x, p, type = 7) on sorted[0..n): index = 1 + (n-1)p, and
 * (1-h) x[lo] + h x[hi] when x[hi] != x[lo] (R's own formula, so that a
 * z-score equal to a quantile compares as in R). */
double ics_funnel_r_quantile7(const double *sorted, size_t n, double p);
/* outliers_func(): 0 when lcl <= value <= ucl (value already multiplied),
 * else 1; NAN limits give 1. */
int ics_funnel_outlier(double value, double lcl, double ucl);
/* Exact Poisson funnel limit at expected count x, target 1, multiplier 1:
 * lower = qchisq(p_upper, 2x, lower.tail = FALSE) / 2 / x,
 * upper = qchisq(p_upper, 2(x+1), lower.tail = FALSE) / 2 / x
 * (lower 95%: p_upper 0.975; upper 95%: 0.025; 99.8%: 0.999 / 0.001). */
double ics_funnel_poisson_limit(double x, double p_upper, int upper);

#endif
