/*
 * ics stats: quantiles and the R-exact numerics shared by SPC and funnel plots.
 * Where a reference package computes a quantity in R, these reproduce R's own arithmetic so that results agree to
 * the last bits, not just to a tolerance: a point exactly on a mean or limit
 * must fall on the same side as in R.
 */
#ifndef ICS_STATS_H
#define ICS_STATS_H

#include <stddef.h>

/*
 * Quantile by linear interpolation between order statistics: R's type 7,
 * Excel's PERCENTILE.INC. `sorted` holds n >= 1 values in ascending order;
 * p in [0, 1]. h = (n - 1) p; result = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 */
double ics_quantile_type7(const double *sorted, size_t n, double p);
/* R's quantile(x, p, type = 7) with R's own arithmetic (src/library/stats/R/quantile.R):
 * index = 1 + (n - 1) p, lo = floor(index), hi = ceil(index), h = index - lo; the result
 * is (1 - h) x[lo] + h x[hi] when index > lo and x[hi] != x[lo], else x[lo] (1-based), so
 * a value equal to a quantile in R is equal here too. The same number as
 * ics_quantile_type7 up to the last bits. `sorted` ascending; NAN when n == 0. */
double ics_r_quantile7(const double *sorted, size_t n, double p);
/* The same quantile over n >= 1 ordered values reached through at(ctx, k),
 * the k-th smallest (0-based), for values kept another way than a sorted
 * array (beds keeps lengths of stay as a histogram of counts). Same formula
 * and same bits as ics_quantile_type7 on the same values; NAN when n == 0. */
double ics_quantile_type7_by(size_t n, double p, double (*at)(const void *ctx, size_t k), const void *ctx);

/* R's mean(): long double sum, divided, then one correction pass of the
 * residuals (src/main/summary.c). NAN when n == 0. */
double ics_r_mean(const double *x, size_t n);
/* R's sum() of doubles: accumulated in long double. */
double ics_r_sum(const double *x, size_t n);
/* R (>= 4.0.0) round(x, digits) for digits >= 1: of the two neighbours
 * floor(x*10^d)/10^d and ceil(x*10^d)/10^d, the one nearer to x, the even
 * one on a tie (src/nmath/fround.c). */
double ics_r_round(double x, int digits);
/* R's seq(from, to, length.out = n) for a double length (n >= 3):
 * from, from + i*((to-from)/(n-1)) for i = 1..n-2, to. */
void ics_r_seq(double from, double to, size_t n, double *out);

/* Standard normal quantile, Wichura's AS 241 (PPND16), as R's qnorm:
 * about 1e-16 relative accuracy. p in (0,1); -inf / +inf at 0 / 1; NAN outside. */
double ics_qnorm(double p);
/* Regularised incomplete gamma P(a, x) (lower) for a > 0, x >= 0: series
 * below a+1, Lentz continued fraction above; about 1e-14 relative. */
double ics_pgamma(double x, double a);
/* Upper tail Q(a, x) = 1 - P(a, x), computed directly (no cancellation). */
double ics_pgamma_upper(double x, double a);
/* Gamma quantile (shape a > 0, scale 1): the x with P(a, x) = p (lower_tail
 * non-zero) or Q(a, x) = p (lower_tail 0), found by safeguarded Newton steps
 * to full double precision. 0 and inf at the ends; NAN for bad arguments. */
double ics_qgamma(double p, double a, int lower_tail);
/* Chi-square quantile with df > 0 degrees of freedom (need not be whole):
 * 2 * qgamma(p, df / 2), as R's qchisq(p, df, lower.tail). */
double ics_qchisq(double p, double df, int lower_tail);

#endif
