/*
 * The value grammar every reader shares: dates, pence, decimals, integers and
 * ledger periods. Any text must parse or fail cleanly, and whatever parses
 * must survive its own formatting: format(parse(x)) parses back to the same value.
 */
#include "fuzz_input.h"

#include <ics/ledger.h>

#include <string.h>

static void dates(const char *s, size_t len)
{
    int32_t day, cached;
    struct ics_date_cache cache;
    memset(&cache, 0, sizeof cache);
    int rc = ics_date_parse(s, len, &day);
    /* Twice through the cache: the second call is answered from it. */
    FUZZ_ASSERT(ics_date_parse_cached(&cache, s, len, &cached) == rc);
    FUZZ_ASSERT(ics_date_parse_cached(&cache, s, len, &cached) == rc);
    if (rc != 0)
        return;
    FUZZ_ASSERT(cached == day);
    char text[16];
    ics_date_format(day, text);
    int32_t back;
    FUZZ_ASSERT(ics_date_parse(text, strlen(text), &back) == 0 && back == day);
    int y, m, d;
    ics_date_to_ymd(day, &y, &m, &d);
    FUZZ_ASSERT(ics_date_from_ymd(y, m, d) == day);
    FUZZ_ASSERT(ics_date_weekday(day) >= 0 && ics_date_weekday(day) <= 6);
    int32_t first, last;
    ics_financial_year(day, &first, &last);
    FUZZ_ASSERT(first <= day && day <= last && last - first >= 364 && last - first <= 365);
}

static void money(const char *s, size_t len)
{
    int64_t pence;
    const char *why = NULL;
    if (ics_pence_parse(s, len, &pence, &why) != 0) {
        FUZZ_ASSERT(why != NULL);
        return;
    }
    char text[32];
    int n = ics_pence_format(pence, text);
    FUZZ_ASSERT(n > 0 && (size_t)n == strlen(text));
    int64_t back;
    FUZZ_ASSERT(ics_pence_parse(text, (size_t)n, &back, &why) == 0 && back == pence);
}

static void numbers(const char *s, size_t len)
{
    double v;
    const char *why = NULL;
    if (ics_parse_double(s, len, &v, &why) == 0) {
        char text[64];
        FUZZ_ASSERT(ics_format_double(v, text, sizeof text) > 0);
    } else {
        FUZZ_ASSERT(why != NULL);
    }
    int64_t i;
    why = NULL;
    if (ics_parse_int64(s, len, -1000000, 1000000, &i, &why) == 0)
        FUZZ_ASSERT(i >= -1000000 && i <= 1000000);
    else
        FUZZ_ASSERT(why != NULL);
}

static void period(const char *s, size_t len)
{
    char text[32];
    if (len >= sizeof text)
        return;
    memcpy(text, s, len);
    text[len] = '\0';
    int32_t first, last, year;
    if (ics_ledger_period_parse(text, &first, &last, &year) == 0)
        FUZZ_ASSERT(year <= first && first <= last && last - first <= 30 && first - year <= 335);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes, so a read past the value is caught. */
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    if (size)
        memcpy(s, data, size);
    dates(s, size);
    money(s, size);
    numbers(s, size);
    period(s, size);
    const char *trimmed = s;
    size_t trimmed_len = size;
    ics_text_trim(&trimmed, &trimmed_len);
    FUZZ_ASSERT(trimmed >= s && trimmed + trimmed_len <= s + size);
    free(s);
    return 0;
}
