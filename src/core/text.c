/* The one text and number grammar of every reader (see core.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ics/core.h"

void ics_text_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

int ics_utf8_char(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80)
        return 1;
    int need;                       /* continuation bytes after the lead byte */
    unsigned lo = 0x80, hi = 0xBF;  /* the range allowed for the first of them */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;              /* below: overlong */
        else if (c == 0xED)
            hi = 0x9F;              /* above: surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;              /* below: overlong */
        else if (c == 0xF4)
            hi = 0x8F;              /* above: past U+10FFFF */
    } else {
        return -1;                  /* a stray continuation byte, C0, C1 or F5..FF */
    }
    for (int i = 1; i <= need; i++) {
        if ((size_t)i >= len || u[i] < lo || u[i] > hi)
            return -i;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* How one character of printable text is written: *bytes of input, escaped or not. */
static size_t printable_char(const char *s, size_t len, size_t *bytes, int *escape)
{
    int n = ics_utf8_char(s, len);
    unsigned char c = (unsigned char)s[0];
    *bytes = (size_t)(n < 0 ? -n : n);
    *escape = n < 0 || c < 0x20 || c == 0x7F || (n == 2 && c == 0xC2 && (unsigned char)s[1] < 0xA0);
    return *escape ? 4 * *bytes : *bytes;
}

const char *ics_text_printable(const char *s, size_t len, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    if (size < 4) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    size_t bytes, total = 0;
    int escape;
    for (size_t i = 0; i < len; i += bytes)
        total += printable_char(s + i, len - i, &bytes, &escape);
    int cut = total > size - 1;
    size_t limit = cut ? size - 4 : size - 1, k = 0;
    for (size_t i = 0; i < len; i += bytes) {
        size_t out = printable_char(s + i, len - i, &bytes, &escape);
        if (k + out > limit)
            break;
        for (size_t b = 0; b < bytes; b++) {
            unsigned char x = (unsigned char)s[i + b];
            if (escape) {
                buf[k++] = '\\';
                buf[k++] = 'x';
                buf[k++] = hex[x >> 4];
                buf[k++] = hex[x & 15];
            } else {
                buf[k++] = (char)x;
            }
        }
    }
    if (cut) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

static int fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* Checks the grammar; on success *mantissa_end is where decimals/exponent may start. Copies the
 * number without its commas into buf (NUL-terminated). Longer numbers than buf are refused with a
 * reason, never cut: 320 characters hold every double in plain decimal notation. */
static int scan_number(const char *s, size_t len, int integer_only, char *buf, size_t size, const char **why)
{
    ics_text_trim(&s, &len);
    if (len == 0)
        return fail(why, "empty");
    size_t i = 0, k = 0;
    int digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    /* Thousands separators as spreadsheets write them: only in groups of exactly three digits
     * after one to three leading digits. */
    int commas = 0;
    size_t run = 0;
    while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == ',')) {
        if (s[i] == ',') {
            if ((commas == 0 && (run == 0 || run > 3)) || (commas > 0 && run != 3))
                return fail(why, "misplaced thousands separator");
            commas++;
            run = 0;
        } else {
            run++;
            digits++;
        }
        i++;
    }
    if (commas && run != 3)
        return fail(why, "misplaced thousands separator");
    if (!integer_only && i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (!digits)
        return fail(why, "not a number");
    if (!integer_only && i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        int exponent_digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            exponent_digits++;
        }
        if (!exponent_digits)
            return fail(why, "not a number");
    }
    if (i != len)
        return fail(why, integer_only ? "not a whole number" : "not a number");
    for (size_t j = 0; j < len; j++) {
        if (s[j] == ',')
            continue;
        if (k + 1 >= size)
            return fail(why, "number too long");
        buf[k++] = s[j];
    }
    buf[k] = '\0';
    return 0;
}

int ics_parse_double(const char *s, size_t len, double *out, const char **why)
{
    char buf[352];
    if (scan_number(s, len, 0, buf, sizeof buf, why) != 0)
        return -1;
    errno = 0;
    double v = strtod(buf, NULL);
    if (!isfinite(v) || (errno == ERANGE && v != 0))
        return fail(why, "number out of range");
    *out = v;
    return 0;
}

int ics_parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out, const char **why)
{
    char buf[352];
    if (scan_number(s, len, 1, buf, sizeof buf, why) != 0)
        return -1;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return fail(why, "number out of range");
    *out = (int64_t)v;
    return 0;
}
