/*
 * Numerical helpers for SPC and funnel limits. See ics/stats.h for contracts.
 * The R-compatible functions copy R's order of operations on purpose: a
 * point that sits exactly on a mean in R must sit exactly on it here too.
 */
#include "ics/stats.h"

#include <float.h>
#include <math.h>

double ics_r_mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    s /= (long double)n;
    if (isfinite((double)s)) {
        long double t = 0.0L;
        for (size_t i = 0; i < n; i++)
            t += (x[i] - s);
        s += t / (long double)n;
    }
    return (double)s;
}

double ics_r_sum(const double *x, size_t n)
{
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return (double)s;
}

double ics_r_round(double x, int digits)
{
    if (!isfinite(x) || x == 0.0)
        return x;
    if (digits <= 0) /* not needed by ics; R's round half even at 0 digits */
        return nearbyint(x);
    double sgn = 1.0;
    if (x < 0.0) {
        sgn = -1.0;
        x = -x;
    }
    /* More digits asked than a double holds: x is already as round as it gets. */
    if ((double)digits + (logb(x) + 0.5) * 0.301029995663981195 > DBL_DIG)
        return sgn * x;
    double pow10 = 1.0;
    for (int i = 0; i < digits; i++)
        pow10 *= 10.0;
    double x10 = pow10 * x;
    double i10 = floor(x10);
    double xd = i10 / pow10;
    double xu = ceil(x10) / pow10;
    double du = xu - x, dd = x - xd;
    return sgn * ((du < dd || (du == dd && fmod(i10, 2.0) == 1.0)) ? xu : xd);
}

void ics_r_seq(double from, double to, size_t n, double *out)
{
    if (n == 0)
        return;
    if (from == to) {
        for (size_t i = 0; i < n; i++)
            out[i] = from;
        return;
    }
    out[0] = from;
    if (n == 1)
        return;
    double by = (to - from) / (double)(n - 1);
    for (size_t i = 1; i + 1 < n; i++)
        out[i] = from + (double)i * by;
    out[n - 1] = to;
}

double ics_qnorm(double p)
{
    if (isnan(p) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    double q = p - 0.5, r, val;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        val = q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                        67265.770927008700853) * r + 45921.953931549871457) * r +
                      13731.693765509461125) * r + 1971.5909503065514427) * r +
                    133.14166789178437745) * r + 3.387132872796366608) /
              (((((((r * 5226.495278852545925 + 28729.085735721942674) * r +
                    39307.89580009271061) * r + 21213.794301586595867) * r +
                  5394.1960214247511077) * r + 687.1870074920579083) * r +
                42.313330701600911252) * r + 1.0);
        return val;
    }
    r = q < 0 ? p : 1.0 - p;
    r = sqrt(-log(r));
    if (r <= 5.0) {
        r -= 1.6;
        val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                    0.24178072517745061177) * r + 1.27045825245236838258) * r +
                  3.64784832476320460504) * r + 5.7694972214606914055) * r +
                4.6303378461565452959) * r + 1.42343711074968357734) /
              (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                    0.0151986665636164571966) * r + 0.14810397642748007459) * r +
                  0.68976733498510000455) * r + 1.6763848301838038494) * r +
                2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                    0.0012426609473880784386) * r + 0.026532189526576123093) * r +
                  0.29656057182850489123) * r + 1.7848265399172913358) * r +
                5.4637849111641143699) * r + 6.6579046435011037772) /
              (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                    1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
                  0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                0.59983220655588793769) * r + 1.0);
    }
    return q < 0.0 ? -val : val;
}

/* Both tails of the regularised incomplete gamma function. The smaller tail
 * is computed directly (series for P below a+1, continued fraction for Q
 * above), so it keeps full relative precision; the other is 1 minus it. */
static void gamma_pq(double x, double a, double *P, double *Q)
{
    if (x <= 0.0) {
        *P = 0.0;
        *Q = 1.0;
        return;
    }
    if (isinf(x)) {
        *P = 1.0;
        *Q = 0.0;
        return;
    }
    double lpre = a * log(x) - x - lgamma(a);
    if (x < a + 1.0) {
        double ap = a, del = 1.0 / a, sum = del;
        for (long n = 0; n < 50000000L; n++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * (DBL_EPSILON / 4))
                break;
        }
        *P = sum * exp(lpre);
        if (*P > 1.0)
            *P = 1.0;
        *Q = 1.0 - *P;
    } else {
        /* Modified Lentz for Q(a,x) = e^-x x^a / Gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- ...)) */
        double b = x + 1.0 - a, c = 1.0 / DBL_MIN, d = 1.0 / b, h = d;
        for (long i = 1; i < 50000000L; i++) {
            double an = -(double)i * ((double)i - a);
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < DBL_MIN)
                d = DBL_MIN;
            c = b + an / c;
            if (fabs(c) < DBL_MIN)
                c = DBL_MIN;
            d = 1.0 / d;
            double del = d * c;
            h *= del;
            if (fabs(del - 1.0) < DBL_EPSILON / 4)
                break;
        }
        *Q = exp(lpre) * h;
        if (*Q > 1.0)
            *Q = 1.0;
        *P = 1.0 - *Q;
    }
}

double ics_pgamma(double x, double a)
{
    if (isnan(x) || isnan(a) || a <= 0.0)
        return NAN;
    double P, Q;
    gamma_pq(x, a, &P, &Q);
    return P;
}

double ics_pgamma_upper(double x, double a)
{
    if (isnan(x) || isnan(a) || a <= 0.0)
        return NAN;
    double P, Q;
    gamma_pq(x, a, &P, &Q);
    return Q;
}

double ics_qgamma(double p, double a, int lower_tail)
{
    if (isnan(p) || isnan(a) || a <= 0.0 || p < 0.0 || p > 1.0)
        return NAN;
    double plow = lower_tail ? p : 1.0 - p;
    if (lower_tail ? p == 0.0 : p == 1.0)
        return 0.0;
    if (lower_tail ? p == 1.0 : p == 0.0)
        return INFINITY;
    /* Solve in whichever tail the target is smaller, for precision. */
    int use_lower = lower_tail ? (p <= 0.5) : (p > 0.5);
    double target = use_lower ? (lower_tail ? p : 1.0 - p) : (lower_tail ? 1.0 - p : p);
    double lg = lgamma(a);

    /* Start: Wilson-Hilferty, or the small-x form P ~ x^a / Gamma(a+1). */
    double z = ics_qnorm(plow);
    double c = 1.0 / (9.0 * a);
    double w = 1.0 - c + z * sqrt(c);
    double x = a * w * w * w;
    if (!(x > 0.0) || a < 1.0) {
        double xs = exp((log(plow) + lgamma(a + 1.0)) / a);
        if (!(x > 0.0) || xs < x)
            x = xs;
    }
    if (!(x > 0.0) || !isfinite(x))
        x = a;

    /* Bracket [lo, hi]: P(lo) <= plow <= P(hi). */
    double lo = 0.0, hi = x;
    for (int i = 0; i < 2000; i++) {
        double P, Q;
        gamma_pq(hi, a, &P, &Q);
        int below = use_lower ? (P < target) : (Q > target);
        if (!below)
            break;
        lo = hi;
        hi *= 2.0;
    }
    for (int it = 0; it < 400; it++) {
        double P, Q;
        gamma_pq(x, a, &P, &Q);
        double f = use_lower ? P - target : target - Q; /* increasing in x */
        if (f == 0.0)
            return x;
        if (f < 0.0)
            lo = x;
        else
            hi = x;
        double dens = exp((a - 1.0) * log(x) - x - lg);
        double nx = (dens > 0.0 && isfinite(dens)) ? x - f / dens : NAN;
        if (!(nx > lo && nx < hi))
            nx = 0.5 * (lo + hi);
        if (fabs(nx - x) <= 2.0 * DBL_EPSILON * x) {
            x = nx;
            break;
        }
        if (hi - lo <= 2.0 * DBL_EPSILON * hi) {
            x = nx;
            break;
        }
        x = nx;
    }
    return x;
}

double ics_qchisq(double p, double df, int lower_tail)
{
    return 2.0 * ics_qgamma(p, df / 2.0, lower_tail);
}
