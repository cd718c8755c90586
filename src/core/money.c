#include "ics/core.h"

#include <stdio.h>
#include <string.h>

int ics_pence_parse(const char *s, size_t len, int64_t *out, const char **why)
{
    size_t i = 0;
    int negative = 0;
    const char *reason = NULL;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        negative = s[i] == '-';
        i++;
    }
    /* "£" is two bytes in UTF-8. */
    if (len - i >= 2 && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA3)
        i += 2;
    int64_t pounds = 0;
    int int_digits = 0;
    for (; i < len && s[i] != '.'; i++) {
        if (s[i] == ',' && int_digits > 0)
            continue;
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) {
            reason = "not a number";
            goto fail;
        }
        if (pounds > (INT64_MAX / 100 - 9) / 10) {
            reason = "amount too large";
            goto fail;
        }
        pounds = pounds * 10 + d;
        int_digits++;
    }
    int64_t fraction = 0;
    int frac_digits = 0;
    if (i < len) {
        i++; /* the point */
        for (; i < len; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (d > 9) {
                reason = "not a number";
                goto fail;
            }
            if (++frac_digits > 2) {
                reason = "more than two decimal places";
                goto fail;
            }
            fraction = fraction * 10 + d;
        }
        if (frac_digits == 1)
            fraction *= 10;
    }
    if (int_digits == 0 && frac_digits == 0) {
        reason = "not a number";
        goto fail;
    }
    int64_t v = pounds * 100 + fraction;
    *out = negative ? -v : v;
    return 0;
fail:
    if (why)
        *why = reason;
    return -1;
}

int ics_pence_format(int64_t pence, char *buf)
{
    /* Work in unsigned magnitude so INT64_MIN formats too. */
    uint64_t mag = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    return snprintf(buf, 24, "%s%llu.%02llu", pence < 0 ? "-" : "",
                   (unsigned long long)(mag / 100), (unsigned long long)(mag % 100));
}

int ics_ratio_format(int64_t num, int64_t den, int decimals, char *buf, size_t size)
{
    /* Exact: scale with 128-bit integers, then round half away from zero. */
    __int128 n = num;
    int negative = n < 0;
    if (negative)
        n = -n;
    __int128 scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    __int128 q = (n * scale * 2 + den) / (2 * (__int128)den);
    unsigned long long whole = (unsigned long long)(q / scale);
    unsigned long long frac = (unsigned long long)(q % scale);
    if (q == 0)
        negative = 0;
    if (decimals == 0)
        return snprintf(buf, size, "%s%llu", negative ? "-" : "", whole);
    return snprintf(buf, size, "%s%llu.%0*llu", negative ? "-" : "", whole, decimals, frac);
}

int ics_pounds_human(int64_t pence, char *buf, size_t size)
{
    /* Unsigned magnitude, so INT64_MIN rounds and formats too. */
    uint64_t mag = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    uint64_t pounds = mag / 100 + (mag % 100 >= 50);
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)pounds);
    char text[ICS_POUNDS_HUMAN_MAX];
    size_t k = 0;
    if (pence < 0 && pounds > 0)
        text[k++] = '-';
    text[k++] = (char)0xC2;
    text[k++] = (char)0xA3;
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            text[k++] = ',';
        text[k++] = digits[i];
    }
    text[k] = '\0';
    if (k >= size) {
        if (size > 0)
            buf[0] = '\0';
        return -1;
    }
    memcpy(buf, text, k + 1);
    return (int)k;
}
