#include "ics/core.h"

#include <string.h>

/* Days from civil, after Howard Hinnant's public-domain algorithm: exact for
 * the proleptic Gregorian calendar, no tables, no locale, no time zone. */
int32_t ics_date_from_ymd(int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void ics_date_to_ymd(int32_t days, int *year, int *month, int *day)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = (int)m;
    *day = (int)d;
}

int ics_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static inline int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && ics_is_leap_year(year) ? 29 : days[month - 1];
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9)
            return -1;
        v = v * 10 + (int)d;
    }
    *out = v;
    return 0;
}

static inline int valid(int y, int m, int d)
{
    /* Years outside 1900..2999 are keying errors or HES null markers
     * (1800-01-01, 1801-01-01), not dates. */
    return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Two ASCII digits, or -1. */
static inline int two_digits(const char *s)
{
    unsigned a = (unsigned)(s[0] - '0'), b = (unsigned)(s[1] - '0');
    return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}

int ics_date_parse(const char *s, size_t len, int32_t *out)
{
    int y, m, d;
    /* The common case first: exactly YYYY-MM-DD, parsed without loops. */
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        int hi = two_digits(s), lo = two_digits(s + 2);
        m = two_digits(s + 5);
        d = two_digits(s + 8);
        if (hi < 0 || lo < 0 || m < 0 || d < 0)
            return -1;
        y = hi * 100 + lo;
        if (!valid(y, m, d))
            return -1;
        *out = ics_date_from_ymd(y, m, d);
        return 0;
    }
    if (len >= 10 && s[4] == '-' && s[7] == '-') {
        if (len > 10 && s[10] != 'T' && s[10] != ' ')
            return -1;
        if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
            return -1;
    } else {
        /* UK day/month/year, one or two digit day and month. */
        size_t i = 0, start = 0;
        int parts[3];
        for (int k = 0; k < 3; k++) {
            start = i;
            while (i < len && s[i] != '/')
                i++;
            size_t n = i - start;
            if (n == 0 || (k < 2 && n > 2) || (k == 2 && n != 4))
                return -1;
            if (digits(s + start, n, &parts[k]))
                return -1;
            if (k < 2) {
                if (i >= len)
                    return -1;
                i++;
            }
        }
        if (i != len)
            return -1;
        d = parts[0];
        m = parts[1];
        y = parts[2];
    }
    if (!valid(y, m, d))
        return -1;
    *out = ics_date_from_ymd(y, m, d);
    return 0;
}

void ics_date_format(int32_t days, char *buf)
{
    int y, m, d;
    ics_date_to_ymd(days, &y, &m, &d);
    buf[0] = (char)('0' + y / 1000 % 10);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

void ics_financial_year(int32_t day, int32_t *first, int32_t *last)
{
    int y, m, d;
    ics_date_to_ymd(day, &y, &m, &d);
    int start_year = m >= 4 ? y : y - 1;
    *first = ics_date_from_ymd(start_year, 4, 1);
    *last = ics_date_from_ymd(start_year + 1, 3, 31);
}

int32_t ics_week_start(int32_t day)
{
    /* 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays. */
    int32_t dow = (int32_t)(((int64_t)day + 3) % 7);
    if (dow < 0)
        dow += 7;
    return day - dow;
}

int32_t ics_month_start(int32_t day)
{
    int y, m, d;
    ics_date_to_ymd(day, &y, &m, &d);
    return ics_date_from_ymd(y, m, 1);
}

int ics_date_parse_cached(struct ics_date_cache *cache, const char *s, size_t len, int32_t *out)
{
    if (len != 10)
        return ics_date_parse(s, len, out);
    /* "YYYY-MM-" as one little-endian word: byte i is s[i]. The two dashes
     * are checked with one mask and replaced by '0', then all eight bytes are
     * checked for digits at once (a byte is a digit when neither b - '0' nor
     * b + 0x46 sets its top bit; a borrow or carry only ever reaches bytes
     * above one that already failed). */
    uint64_t w;
    memcpy(&w, s, sizeof w);
    const uint64_t dash_bytes = 0xFF0000FF00000000ULL, dashes = 0x2D00002D00000000ULL;
    if ((w & dash_bytes) != dashes)
        return ics_date_parse(s, len, out);
    uint64_t x = (w & ~dash_bytes) | 0x3000003000000000ULL;
    uint64_t v = x - 0x3030303030303030ULL;
    if (((x + 0x4646464646464646ULL) | v) & 0x8080808080808080ULL)
        return -1;
    int d = two_digits(s + 8);
    if (d < 1)
        return -1;
    int y = (int)(v & 0xFF) * 1000 + (int)(v >> 8 & 0xFF) * 100 + (int)(v >> 16 & 0xFF) * 10 + (int)(v >> 24 & 0xFF);
    int m = (int)(v >> 40 & 0xFF) * 10 + (int)(v >> 48 & 0xFF);
    if (m < 1 || m > 12)
        return -1;
    /* Indexed by the month number itself: any 64 consecutive months share no slot. */
    uint64_t key = (uint64_t)(y * 12 + m);
    unsigned slot = (unsigned)(key & 63);
    if (cache->key[slot] != key + 1) {      /* + 1: a zeroed cache holds nothing */
        if (!valid(y, m, 1))
            return -1;
        cache->key[slot] = key + 1;
        cache->month_start[slot] = ics_date_from_ymd(y, m, 1);
        cache->month_days[slot] = (uint8_t)days_in_month(y, m);
    }
    if (d > cache->month_days[slot])
        return -1;
    *out = cache->month_start[slot] + d - 1;
    return 0;
}

int ics_date_weekday(int32_t day)
{
    int32_t dow = (int32_t)(((int64_t)day + 3) % 7);
    return dow < 0 ? dow + 7 : dow;
}
