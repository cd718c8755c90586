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
