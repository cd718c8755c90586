#include "ics/stats.h"

#include <math.h>

double ics_quantile_type7(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    double frac = h - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
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
