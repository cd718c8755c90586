/* Parsing of fractions and numbers, number formats and the summary line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmark_internal.h"

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Digits with an optional decimal point: value = *num / *den exactly. */
static int parse_decimal(const char *s, size_t len, int64_t *num, int64_t *den, const char **why)
{
    int64_t n = 0, d = 1;
    int digits = 0, point = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' && !point) {
            point = 1;
            continue;
        }
        if (s[i] < '0' || s[i] > '9') {
            *why = s[i] == '-' ? "must not be negative" : "not a number or a fraction like 1/3";
            return -1;
        }
        if (++digits > 15) {
            *why = "too many digits (at most 15)";
            return -1;
        }
        n = n * 10 + (s[i] - '0');
        if (point)
            d *= 10;
    }
    if (digits == 0) {
        *why = "not a number or a fraction like 1/3";
        return -1;
    }
    *num = n;
    *den = d;
    return 0;
}

int ics_fraction_parse(const char *text, struct ics_fraction *out, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!text) {
        *why = "missing";
        return -1;
    }
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    while (len && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    int64_t num, den;
    const char *slash = memchr(text, '/', len);
    if (slash) {
        int64_t n1, d1, n2, d2;
        if (parse_decimal(text, (size_t)(slash - text), &n1, &d1, why) ||
            parse_decimal(slash + 1, len - (size_t)(slash - text) - 1, &n2, &d2, why))
            return -1;
        if (d1 != 1 || d2 != 1) {
            *why = "a fraction takes whole numbers (1/3)";
            return -1;
        }
        num = n1;
        den = n2;
    } else if (len && text[len - 1] == '%') {
        if (parse_decimal(text, len - 1, &num, &den, why))
            return -1;
        if (den > INT64_MAX / 100) {
            *why = "too many digits (at most 15)";
            return -1;
        }
        den *= 100;
    } else if (parse_decimal(text, len, &num, &den, why)) {
        return -1;
    }
    if (den == 0) {
        *why = "division by zero";
        return -1;
    }
    int64_t g = gcd64(num, den);
    if (g > 1) {
        num /= g;
        den /= g;
    }
    if (num == 0)
        den = 1;
    out->num = num;
    out->den = den;
    return 0;
}

int bm_parse_double(const char *s, size_t len, double *out)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len > 64)
        return -1;
    /* Plain decimal only: strtod alone would also take "nan", "inf" and hex. */
    size_t i = 0;
    int digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    /* Thousands separators as spreadsheets write them ("1,234,567"): only in
     * groups of exactly three digits after one to three leading digits. */
    int commas = 0;
    size_t lead = 0;
    while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == ',')) {
        if (s[i] == ',') {
            if ((commas == 0 && (lead == 0 || lead > 3)) || (commas > 0 && lead != 3))
                return -1;
            commas++;
            lead = 0;
        } else {
            lead++;
            digits++;
        }
        i++;
    }
    if (commas && lead != 3)
        return -1;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (!digits)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        int ed = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (!ed)
            return -1;
    }
    if (i != len)
        return -1;
    char buf[72];
    size_t k = 0;
    for (size_t j = 0; j < len; j++)
        if (s[j] != ',')
            buf[k++] = s[j];
    buf[k] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int ics_benchmark_format_number(double v, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    if (isnan(v) || isinf(v)) {
        buf[0] = '\0';
        return 0;
    }
    /* Six decimals, and at least six significant digits below 1 (rates per head). */
    int decimals = 6;
    double a = fabs(v);
    if (a > 0 && a < 1) {
        int lz = (int)floor(-log10(a));
        decimals = lz > 14 ? 20 : 6 + lz;
    }
    int n = snprintf(buf, size, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= size)
        return n;
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + n;
        while (end > dot + 1 && end[-1] == '0')
            end--;
        if (end == dot + 1)
            end = dot;
        *end = '\0';
        n = (int)(end - buf);
    }
    if (strcmp(buf, "-0") == 0) {
        buf[0] = '0';
        buf[1] = '\0';
        n = 1;
    }
    return n;
}

int ics_benchmark_format_grouped(long double v, int decimals, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    if (isnan(v) || isinf(v)) {
        buf[0] = '\0';
        return 0;
    }
    long double scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    /* Round half away from zero (printf would round half to even). */
    long double r = roundl(fabsl(v) * scale);
    int negative = v < 0 && r > 0;
    if (r >= 1e18L)
        return snprintf(buf, size, "%.*Lf", decimals, v);
    unsigned long long whole = (unsigned long long)(r / scale);
    unsigned long long frac = (unsigned long long)(r - (long double)whole * scale);
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%llu", whole);
    char tmp[64];
    size_t k = 0;
    if (negative)
        tmp[k++] = '-';
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            tmp[k++] = ',';
        tmp[k++] = digits[i];
    }
    tmp[k] = '\0';
    if (decimals > 0)
        return snprintf(buf, size, "%s.%0*llu", tmp, decimals, frac);
    return snprintf(buf, size, "%s", tmp);
}

static void format_pounds(long double pounds, char *buf, size_t size)
{
    char n[40];
    if (fabsl(pounds) >= 1e6L) {
        ics_benchmark_format_grouped(pounds / 1e6L, 1, n, sizeof n);
        snprintf(buf, size, "\xc2\xa3%sm", n);
    } else {
        ics_benchmark_format_grouped(pounds, 0, n, sizeof n);
        snprintf(buf, size, "\xc2\xa3%s", n);
    }
}

int ics_benchmark_summary_line(const struct ics_benchmark *b, const char *close_gap_text, char *buf,
                               size_t size)
{
    const struct ics_benchmark_info *info = &b->info;
    char frac[64], target[96], days[64], beds[64], open[160], money[96];
    if (info->with_target == 0)
        return snprintf(buf, size, "No code has a target (see the notes): there is no gap to close");
    if (b->opt.close_gap.num == b->opt.close_gap.den)
        snprintf(frac, sizeof frac, "Closing the gap");
    else if (close_gap_text && *close_gap_text)
        snprintf(frac, sizeof frac, "Closing %s of the gap", close_gap_text);
    else
        snprintf(frac, sizeof frac, "Closing %lld/%lld of the gap", (long long)b->opt.close_gap.num,
                 (long long)b->opt.close_gap.den);
    switch (b->opt.target) {
    case ICS_TARGET_TOP_QUARTILE:
        snprintf(target, sizeof target, "the top quartile");
        break;
    case ICS_TARGET_TOP_QUARTILE_MEAN:
        snprintf(target, sizeof target, "the top-quartile mean");
        break;
    case ICS_TARGET_MEDIAN:
        snprintf(target, sizeof target, "the median");
        break;
    case ICS_TARGET_BEST5OF10:
        snprintf(target, sizeof target, "the best 5 of 10 peers");
        break;
    case ICS_TARGET_VALUE: {
        char v[64];
        ics_benchmark_format_number(b->opt.target_value, v, sizeof v);
        snprintf(target, sizeof target, "the target of %s", v);
        break;
    }
    }
    long double opp = info->opportunity;
    long double nbeds = info->days > 0 ? opp / (long double)info->days : 0;
    ics_benchmark_format_grouped(opp, fabsl(opp) >= 100 ? 0 : 1, days, sizeof days);
    ics_benchmark_format_grouped(nbeds, fabsl(nbeds) >= 100 ? 0 : 1, beds, sizeof beds);
    open[0] = '\0';
    if (b->opt.occupancy.num > 0) {
        long double o = nbeds * (long double)b->opt.occupancy.den / (long double)b->opt.occupancy.num;
        char ob[64], pct[64];
        ics_benchmark_format_grouped(o, fabsl(o) >= 100 ? 0 : 1, ob, sizeof ob);
        ics_benchmark_format_number(100.0 * (double)b->opt.occupancy.num / (double)b->opt.occupancy.den, pct,
                                    sizeof pct);
        snprintf(open, sizeof open, " (%s beds to open at %s%% occupancy)", ob, pct);
    }
    if (isnan(info->pounds)) {
        snprintf(money, sizeof money, "; no cost per bed day (give --cost-per-day)");
    } else {
        char p[64];
        format_pounds(info->pounds, p, sizeof p);
        snprintf(money, sizeof money, ", %s", p);
    }
    return snprintf(buf, size, "%s to %s releases %s bed days = %s beds%s%s", frac, target, days, beds, open,
                    money);
}
