/* Type-7 quantiles: the spreadsheet form and R's own arithmetic (see ics/stats.h). */
#include "ics/stats.h"

#include <math.h>

static double array_at(const void *ctx, size_t k)
{
    return ((const double *)ctx)[k];
}

/* One formula for both forms: a sorted array is the accessor over itself. */
double ics_quantile_type7(const double *sorted, size_t n, double p)
{
    return ics_quantile_type7_by(n, p, array_at, sorted);
}

double ics_r_quantile7(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double index = 1 + (double)(n - 1) * p;   /* R: 1 + max(n - 1, 0) * probs */
    double lo = floor(index), hi = ceil(index);
    double qs = sorted[(size_t)lo - 1];
    double xh = sorted[(size_t)hi - 1];
    if (index > lo && xh != qs) {
        double h = index - lo;
        qs = (1 - h) * qs + h * xh;
    }
    return qs;
}

double ics_quantile_type7_by(size_t n, double p, double (*at)(const void *ctx, size_t k), const void *ctx)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return at(ctx, n - 1);
    double frac = h - (double)lo;
    double a = at(ctx, lo);
    return a + frac * (at(ctx, lo + 1) - a);
}
