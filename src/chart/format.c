/* Numbers and dates for people, and the axes they sit on (see svg_internal.h). */
#include "svg_internal.h"

#include <math.h>
#include <string.h>

#include "ics/core.h"

/* ---- numbers -------------------------------------------------------------- */

void icsi_svg_format_fixed(double v, int decimals, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    if (!isfinite(v))
        return;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 10)
        decimals = 10;
    /* %f never writes an exponent; a number beyond 1e21 is nothing a chart shows */
    char raw[64];
    if (fabs(v) >= 1e21)
        v = v < 0 ? -1e21 : 1e21;
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    const char *p = raw;
    int neg = *p == '-';
    if (neg)
        p++;
    /* "-0.00" is zero: no sign */
    if (neg && strspn(p, "0.") == strlen(p))
        neg = 0;
    size_t intlen = strcspn(p, ".");
    size_t k = 0;
    if (neg && k + 1 < size)
        buf[k++] = '-';
    for (size_t i = 0; i < intlen && k + 1 < size; i++) {
        buf[k++] = p[i];
        size_t left = intlen - i - 1;
        if (left && left % 3 == 0 && k + 1 < size)
            buf[k++] = ',';
    }
    for (const char *q = p + intlen; *q && k + 1 < size; q++)
        buf[k++] = *q;
    buf[k] = '\0';
}

int icsi_svg_step_decimals(double step)
{
    if (!(step > 0) || !isfinite(step))
        return 0;
    for (int d = 0; d < 10; d++) {
        double s = step * pow(10, d);
        if (fabs(s - round(s)) < 1e-6 * s)
            return d;
    }
    return 10;
}

void icsi_svg_format_value(double v, double step, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    if (!isfinite(v))
        return;
    int d = 0;
    if (v != 0) {
        d = 2 - (int)floor(log10(fabs(v)));
        if (d < 0)
            d = 0;
    }
    if (step > 0) {
        int s = icsi_svg_step_decimals(step);
        if (s > d)
            d = s;
    }
    icsi_svg_format_fixed(v, d, buf, size);
    if (strchr(buf, '.')) {
        size_t n = strlen(buf);
        while (n && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n && buf[n - 1] == '.')
            buf[--n] = '\0';
        if (strcmp(buf, "-0") == 0)
            snprintf(buf, size, "0");
    }
}

double icsi_svg_nice_axis(double *lo, double *hi, int target, int *decimals)
{
    double a = *lo, b = *hi;
    if (!isfinite(a) || !isfinite(b)) {
        a = 0;
        b = 1;
    }
    if (b < a) {
        double t = a;
        a = b;
        b = t;
    }
    if (b - a < 1e-12 * (fabs(a) + fabs(b)) || b == a) {
        double pad = a == 0 ? 1 : fabs(a) * 0.1;
        a -= pad;
        b += pad;
    }
    /* of the 1, 2, 5 x 10^k steps, the one whose widened axis has the number
     * of intervals nearest the target (ties: more intervals, finer labels) */
    int want = target > 0 ? target : 5;
    double raw = (b - a) / want;
    double mag = pow(10, floor(log10(raw)) - 1);
    double step = 0, best = INFINITY;
    static const double mant[] = {1, 2, 5};
    for (int e = 0; e < 3; e++, mag *= 10)
        for (int k = 0; k < 3; k++) {
            double s = mant[k] * mag;
            double n = ceil(b / s - 1e-9) - floor(a / s + 1e-9);
            double dist = fabs(n - want);
            if (dist < best) {
                best = dist;
                step = s;
            }
        }
    /* a hair of tolerance, so that 0.30000000000000004 does not add a step */
    *lo = floor(a / step + 1e-9) * step;
    *hi = ceil(b / step - 1e-9) * step;
    *decimals = icsi_svg_step_decimals(step);
    return step;
}

/* ---- dates ---------------------------------------------------------------- */

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The calendar steps, finest first. Weeks start on Mondays (NHS weekly
 * returns do); fortnights count from the Monday 5 January 1970, so the same
 * Mondays are ticked whatever the data. */
static const struct {
    int unit, every;
} steps[] = {
    {ICSI_DAYS, 1},   {ICSI_WEEKS, 1},  {ICSI_WEEKS, 2},  {ICSI_MONTHS, 1}, {ICSI_MONTHS, 3},
    {ICSI_MONTHS, 6}, {ICSI_YEARS, 1},  {ICSI_YEARS, 2},  {ICSI_YEARS, 5},  {ICSI_YEARS, 10},
    {ICSI_YEARS, 20}, {ICSI_YEARS, 50}, {ICSI_YEARS, 100}, {ICSI_YEARS, 1000},
};

size_t icsi_svg_date_steps(void)
{
    return sizeof steps / sizeof steps[0];
}

static int add(struct icsi_date_ticks *t, int32_t d)
{
    if (t->n == ICSI_MAX_DATE_TICKS)
        return -1;
    t->date[t->n++] = d;
    return 0;
}

int icsi_svg_date_ticks_step(int32_t d0, int32_t d1, size_t k, struct icsi_date_ticks *out)
{
    memset(out, 0, sizeof *out);
    if (k >= icsi_svg_date_steps())
        k = icsi_svg_date_steps() - 1;
    out->unit = steps[k].unit;
    out->every = steps[k].every;
    if (d1 < d0)
        return 0;
    int every = steps[k].every;
    switch (steps[k].unit) {
    case ICSI_DAYS:
        if ((int64_t)d1 - d0 + 1 > ICSI_MAX_DATE_TICKS)
            return -1;
        for (int32_t d = d0; d <= d1; d++)
            add(out, d);
        return 0;
    case ICSI_WEEKS: {
        int32_t d = ics_week_start(d0);
        if (d < d0)
            d += 7;
        const int32_t epoch_monday = 4;   /* 1970-01-05 */
        while (every > 1 && (((d - epoch_monday) / 7) % every) != 0)
            d += 7;
        for (; d <= d1; d += 7 * every)
            if (add(out, d))
                goto too_many;
        return 0;
    }
    case ICSI_MONTHS: {
        int y, m, day;
        ics_date_to_ymd(d0, &y, &m, &day);
        if (day != 1 && ++m > 12) {
            m = 1;
            y++;
        }
        while ((m - 1) % every != 0)
            if (++m > 12) {
                m = 1;
                y++;
            }
        for (int32_t d = ics_date_from_ymd(y, m, 1); d <= d1; d = ics_date_from_ymd(y, m, 1)) {
            if (add(out, d))
                goto too_many;
            m += every;
            while (m > 12) {
                m -= 12;
                y++;
            }
        }
        return 0;
    }
    default: {
        int y, m, day;
        ics_date_to_ymd(d0, &y, &m, &day);
        if (m != 1 || day != 1)
            y++;
        /* floor to a multiple of `every`, the way 2020, 2025, 2030 line up */
        int r = ((y % every) + every) % every;
        if (r)
            y += every - r;
        for (int32_t d = ics_date_from_ymd(y, 1, 1); d <= d1; y += every, d = ics_date_from_ymd(y, 1, 1))
            if (add(out, d))
                goto too_many;
        return 0;
    }
    }
too_many:
    out->n = 0;
    return -1;
}

void icsi_svg_date_ticks(int32_t d0, int32_t d1, size_t max_ticks, struct icsi_date_ticks *out)
{
    size_t n = icsi_svg_date_steps();
    for (size_t k = 0; k < n; k++)
        if (icsi_svg_date_ticks_step(d0, d1, k, out) == 0 && out->n > 0 && out->n <= max_ticks)
            return;
    /* nothing fits (a few days that hold no Monday, say): the first and last day */
    memset(out, 0, sizeof *out);
    out->unit = ICSI_DAYS;
    out->every = 1;
    if (d1 < d0)
        return;
    add(out, d0);
    if (d1 != d0 && max_ticks > 1)
        add(out, d1);
}

void icsi_svg_date_label(int32_t d, int unit, char *buf, size_t size)
{
    int y, m, day;
    ics_date_to_ymd(d, &y, &m, &day);
    switch (unit) {
    case ICSI_DAYS:
    case ICSI_WEEKS: snprintf(buf, size, "%d %s", day, month_abbr[m - 1]); break;
    case ICSI_MONTHS: snprintf(buf, size, "%s", month_abbr[m - 1]); break;
    default: snprintf(buf, size, "%d", y);
    }
}

void icsi_svg_date_long(int32_t d, char *buf, size_t size)
{
    int y, m, day;
    ics_date_to_ymd(d, &y, &m, &day);
    snprintf(buf, size, "%d %s %d", day, month_abbr[m - 1], y);
}
