/*
 * Fractions, number formats and the summary line. Numbers are written whole
 * or not at all: a figure that does not fit the caller's buffer is an error
 * (-1 and ""), never a prefix of the figure.
 */
#include <math.h>
#include <stdarg.h>
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
    ics_text_trim(&text, &len);
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


/* ---- number formats ----------------------------------------------------------- */

/* "" and -1: the figure does not fit. */
static int too_small(char *buf, size_t size)
{
    if (size > 0)
        buf[0] = '\0';
    return -1;
}

int ics_benchmark_format_number(double v, char *buf, size_t size)
{
    if (size == 0)
        return -1;
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
    /* A double has at most 309 integer digits: with a sign, the point and 6
     * decimals 317 characters; below 1, "-0." and 20 decimals. */
    char tmp[352];
    int n = snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return too_small(buf, size);   /* not reached: tmp holds every double */
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *end = tmp + n;
        while (end > dot + 1 && end[-1] == '0')
            end--;
        if (end == dot + 1)
            end = dot;
        *end = '\0';
        n = (int)(end - tmp);
    }
    if (strcmp(tmp, "-0") == 0) {
        tmp[0] = '0';
        tmp[1] = '\0';
        n = 1;
    }
    if ((size_t)n >= size)
        return too_small(buf, size);
    memcpy(buf, tmp, (size_t)n + 1);
    return n;
}

int ics_benchmark_format_grouped(long double v, int decimals, char *buf, size_t size)
{
    if (size == 0 || decimals < 0 || decimals > 9)
        return too_small(buf, size);
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
    int n;
    if (r >= 1e18L) {
        n = snprintf(buf, size, "%.*Lf", decimals, v);
    } else {
        unsigned long long whole = (unsigned long long)(r / scale);
        unsigned long long frac = (unsigned long long)(r - (long double)whole * scale);
        char digits[32];
        int nd = snprintf(digits, sizeof digits, "%llu", whole);
        char tmp[64];   /* below 1e18: at most 18 digits, 5 separators and a sign */
        size_t k = 0;
        if (negative)
            tmp[k++] = '-';
        for (int i = 0; i < nd; i++) {
            if (i > 0 && (nd - i) % 3 == 0)
                tmp[k++] = ',';
            tmp[k++] = digits[i];
        }
        tmp[k] = '\0';
        n = decimals > 0 ? snprintf(buf, size, "%s.%0*llu", tmp, decimals, frac) : snprintf(buf, size, "%s", tmp);
    }
    if (n < 0 || (size_t)n >= size)
        return too_small(buf, size);
    return n;
}

/* ---- the summary line ------------------------------------------------------------ */

/* A line built piece by piece into the caller's buffer; len counts the whole
 * line even when the buffer is too small for it. */
struct line {
    char *buf;
    size_t size, len;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
    size_t room = l->len < l->size ? l->size - l->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? l->buf + l->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n;
}

/* A figure of the summary: whole numbers from 100 up, else one decimal. */
static void put_grouped(struct line *l, long double v)
{
    char num[ICS_BENCHMARK_NUMBER_MAX];
    ics_benchmark_format_grouped(v, fabsl(v) >= 100 ? 0 : 1, num, sizeof num);
    put(l, "%s", num);
}

/* Millions to one decimal from the amount that rounds to £1,000,000, like the
 * seed's "£70m"; below, to the pound and grouped. */
static void put_pounds(struct line *l, int64_t pence)
{
    if (fabsl((long double)pence) >= 99999950.0L) {
        char num[ICS_BENCHMARK_NUMBER_MAX];
        ics_benchmark_format_grouped((long double)pence / 1e8L, 1, num, sizeof num);
        put(l, "\xc2\xa3%sm", num);
    } else {
        char num[ICS_POUNDS_HUMAN_MAX];
        ics_pounds_human(pence, num, sizeof num);
        put(l, "%s", num);
    }
}

static void put_target(struct line *l, const struct ics_benchmark_options *o)
{
    switch (o->target) {
    case ICS_TARGET_TOP_QUARTILE:
        put(l, "the top quartile");
        break;
    case ICS_TARGET_TOP_QUARTILE_MEAN:
        put(l, "the top-quartile mean");
        break;
    case ICS_TARGET_MEDIAN:
        put(l, "the median");
        break;
    case ICS_TARGET_BEST5OF10:
        put(l, "the best 5 of 10 peers");
        break;
    case ICS_TARGET_VALUE: {
        char v[ICS_BENCHMARK_NUMBER_MAX];
        ics_benchmark_format_number(o->target_value, v, sizeof v);
        put(l, "the target of %s", v);
        break;
    }
    }
}

int ics_benchmark_summary_line(const struct ics_benchmark *b, const char *close_gap_text, char *buf,
                               size_t size)
{
    const struct ics_benchmark_info *info = &b->info;
    const struct ics_benchmark_options *o = &b->opt;
    struct line l = {buf, buf ? size : 0, 0};
    if (info->with_target == 0) {
        put(&l, "No code has a target (see the notes): there is no gap to close");
    } else {
        if (o->close_gap.num == o->close_gap.den)
            put(&l, "Closing the gap");
        else if (close_gap_text && *close_gap_text)
            put(&l, "Closing %s of the gap", close_gap_text);
        else
            put(&l, "Closing %lld/%lld of the gap", (long long)o->close_gap.num, (long long)o->close_gap.den);
        put(&l, " to ");
        put_target(&l, o);
        long double opp = info->opportunity;
        long double nbeds = info->days > 0 ? opp / (long double)info->days : 0;
        put(&l, " releases ");
        put_grouped(&l, opp);
        if (!info->bed_days) {
            put(&l, " %s", info->numerator_words);
            goto done;
        }
        put(&l, " bed days = ");
        put_grouped(&l, nbeds);
        put(&l, " beds");
        if (o->occupancy.num > 0) {
            char pct[ICS_BENCHMARK_NUMBER_MAX];
            put(&l, " (");
            put_grouped(&l, nbeds * (long double)o->occupancy.den / (long double)o->occupancy.num);
            ics_benchmark_format_number(100.0 * (double)o->occupancy.num / (double)o->occupancy.den, pct, sizeof pct);
            put(&l, " beds to open at %s%% occupancy)", pct);
        }
        int priced = info->cost_from == ICS_COST_FROM_OPTIONS || info->cost_from == ICS_COST_FROM_TABLE;
        if (!info->has_pounds && priced) {
            put(&l, "; pounds too large to hold in pence");   /* see the notes */
        } else if (!info->has_pounds) {
            put(&l, "; no cost per bed day");
        } else {
            put(&l, ", ");
            put_pounds(&l, info->pence);
        }
    }
done:
    if (l.len >= l.size && l.size > 0)
        buf[0] = '\0';
    return (int)l.len;
}

/* ---- units in words ------------------------------------------------------------ */

static const char *format_in_arena(struct ics_benchmark *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *format_in_arena(struct ics_benchmark *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = icsi_bm_vformat(b, fmt, ap);
    va_end(ap);
    return s;
}

/* A column's name in words: '_' as spaces; singular drops a final 's' ("spells"
 * -> "spell", not "class" -> "clas") for "per spell". NULL when out of memory. */
static const char *words_of(struct ics_benchmark *b, const char *column, int singular)
{
    size_t n = strlen(column);
    if (singular && n > 1 && column[n - 1] == 's' && column[n - 2] != 's')
        n--;
    char *w = ics_arena_alloc(&b->arena, n + 1);
    if (!w)
        return NULL;
    for (size_t i = 0; i < n; i++)
        w[i] = column[i] == '_' ? ' ' : column[i];
    w[n] = '\0';
    return w;
}

int icsi_bm_units(struct ics_benchmark *b, struct ics_error *err)
{
    struct ics_benchmark_info *info = &b->info;
    const char *num = b->table.numerator[0] ? words_of(b, b->table.numerator, 0)
                    : info->bed_days ? "bed days" : "units of the numerator";
    if (!num)
        return icsi_bm_nomem(err);
    info->numerator_words = num;
    char scale[ICS_BENCHMARK_NUMBER_MAX];
    if (info->scale == floor(info->scale) && info->scale < 1e15)
        ics_benchmark_format_grouped((long double)info->scale, 0, scale, sizeof scale);
    else
        ics_benchmark_format_number(info->scale, scale, sizeof scale);
    int per_one = info->scale == 1;
    const char *unit = NULL;
    switch (b->opt.denominator) {
    case ICS_DEN_COLUMN: {
        const char *den = b->table.denominator[0] ? words_of(b, b->table.denominator, per_one)
                                                  : "units of the denominator";
        if (!den)
            return icsi_bm_nomem(err);
        unit = per_one ? format_in_arena(b, "%s per %s", num, den)
                       : format_in_arena(b, "%s per %s %s", num, scale, den);
        break;
    }
    case ICS_DEN_POPULATION:
        unit = per_one ? format_in_arena(b, "%s per head", num)
                       : format_in_arena(b, "%s per %s population", num, scale);
        break;
    case ICS_DEN_NONE:
        unit = per_one ? num : format_in_arena(b, "%s x %s", num, scale);
        break;
    }
    if (!unit)
        return icsi_bm_nomem(err);
    info->rate_unit = unit;
    return ICS_OK;
}
