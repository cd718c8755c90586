#include "harness.h"
#include "ics/core.h"
#include "ics/stats.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_dates_round_trip(void)
{
    CHECK_INT(ics_date_from_ymd(1970, 1, 1), 0);
    CHECK_INT(ics_date_from_ymd(2000, 3, 1), 11017);   /* 30 years incl. 7 leap days + Jan, Feb 2000 */
    CHECK_INT(ics_date_from_ymd(2018, 4, 1), 17622);
    for (int32_t d = -800000; d < 400000; d += 37) {
        int y, m, dd;
        ics_date_to_ymd(d, &y, &m, &dd);
        CHECK_INT(ics_date_from_ymd(y, m, dd), d);
    }
}

static void test_date_parse(void)
{
    int32_t d = 0;
    CHECK_INT(ics_date_parse("2018-04-01", 10, &d), 0);
    CHECK_INT(d, 17622);
    CHECK_INT(ics_date_parse("01/04/2018", 10, &d), 0);
    CHECK_INT(d, 17622);
    CHECK_INT(ics_date_parse("1/4/2018", 8, &d), 0);
    CHECK_INT(d, 17622);
    CHECK_INT(ics_date_parse("2018-04-01 13:45:00", 19, &d), 0);
    CHECK_INT(d, 17622);
    CHECK_INT(ics_date_parse("2020-02-29", 10, &d), 0);
    CHECK_INT(ics_date_parse("2019-02-29", 10, &d), -1);
    CHECK_INT(ics_date_parse("1900-02-29", 10, &d), -1);
    CHECK_INT(ics_date_parse("2000-02-29", 10, &d), 0);
    CHECK_INT(ics_date_parse("2018-13-01", 10, &d), -1);
    CHECK_INT(ics_date_parse("2018-04-31", 10, &d), -1);
    CHECK_INT(ics_date_parse("31/04/2018", 10, &d), -1);
    CHECK_INT(ics_date_parse("2018-4-1", 8, &d), -1);
    CHECK_INT(ics_date_parse("", 0, &d), -1);
    CHECK_INT(ics_date_parse("2018-04-01x", 11, &d), -1);
    CHECK_INT(ics_date_parse("01/04/18", 8, &d), -1);
    CHECK_INT(ics_date_parse("0000-01-01", 10, &d), -1);
    char buf[11];
    ics_date_format(17622, buf);
    CHECK_STR(buf, "2018-04-01");
}

static void test_calendar_periods(void)
{
    int32_t first, last;
    ics_financial_year(ics_date_from_ymd(2019, 3, 31), &first, &last);
    CHECK_INT(first, ics_date_from_ymd(2018, 4, 1));
    CHECK_INT(last, ics_date_from_ymd(2019, 3, 31));
    ics_financial_year(ics_date_from_ymd(2019, 4, 1), &first, &last);
    CHECK_INT(first, ics_date_from_ymd(2019, 4, 1));
    CHECK_INT(last - first + 1, 366);   /* 2019-20 holds 29 February 2020 */
    /* 2018-04-01 was a Sunday; its week starts Monday 26 March. */
    CHECK_INT(ics_week_start(ics_date_from_ymd(2018, 4, 1)), ics_date_from_ymd(2018, 3, 26));
    CHECK_INT(ics_week_start(ics_date_from_ymd(2018, 4, 2)), ics_date_from_ymd(2018, 4, 2));
    CHECK_INT(ics_week_start(ics_date_from_ymd(1969, 12, 31)), ics_date_from_ymd(1969, 12, 29));
    CHECK_INT(ics_month_start(ics_date_from_ymd(2018, 2, 28)), ics_date_from_ymd(2018, 2, 1));
}

static void test_pence(void)
{
    int64_t p = 0;
    const char *why = NULL;
    CHECK_INT(ics_pence_parse("234.83", 6, &p, &why), 0);
    CHECK_INT(p, 23483);
    CHECK_INT(ics_pence_parse("-0.5", 4, &p, &why), 0);
    CHECK_INT(p, -50);
    CHECK_INT(ics_pence_parse("1,234", 5, &p, &why), 0);
    CHECK_INT(p, 123400);
    CHECK_INT(ics_pence_parse("\xc2\xa3" "70", 4, &p, &why), 0);
    CHECK_INT(p, 7000);
    CHECK_INT(ics_pence_parse(".07", 3, &p, &why), 0);
    CHECK_INT(p, 7);
    CHECK_INT(ics_pence_parse("1.005", 5, &p, &why), -1);
    CHECK_STR(why, "more than two decimal places");
    CHECK_INT(ics_pence_parse("12a", 3, &p, &why), -1);
    CHECK_INT(ics_pence_parse("", 0, &p, &why), -1);
    CHECK_INT(ics_pence_parse("-", 1, &p, &why), -1);
    char buf[32];
    ics_pence_format(-5, buf);
    CHECK_STR(buf, "-0.05");
    ics_pence_format(60000000000, buf);
    CHECK_STR(buf, "600000000.00");
    ics_pence_format(INT64_MIN, buf);
    CHECK_STR(buf, "-92233720368547758.08");
}

/* Pounds for people: to the pound, half away from zero, grouped; worked by hand. */
static void test_pounds_human(void)
{
    char buf[ICS_POUNDS_HUMAN_MAX];
    const char *pound = "\xc2\xa3";
    char want[64];
    CHECK_INT(ics_pounds_human(0, buf, sizeof buf), 3);             /* "£" is 2 bytes */
    CHECK_STR(buf, "\xc2\xa3" "0");
    ics_pounds_human(49, buf, sizeof buf);                          /* 49p rounds down */
    CHECK_STR(buf, "\xc2\xa3" "0");
    ics_pounds_human(50, buf, sizeof buf);                          /* 50p: half away from zero */
    CHECK_STR(buf, "\xc2\xa3" "1");
    ics_pounds_human(-49, buf, sizeof buf);                         /* never "-£0" */
    CHECK_STR(buf, "\xc2\xa3" "0");
    ics_pounds_human(-50, buf, sizeof buf);
    CHECK_STR(buf, "-\xc2\xa3" "1");
    ics_pounds_human(99949, buf, sizeof buf);                       /* £999.49 */
    CHECK_STR(buf, "\xc2\xa3" "999");
    ics_pounds_human(99999, buf, sizeof buf);                       /* £999.99 */
    CHECK_STR(buf, "\xc2\xa3" "1,000");
    ics_pounds_human(100000, buf, sizeof buf);                      /* £1,000.00 */
    CHECK_STR(buf, "\xc2\xa3" "1,000");
    ics_pounds_human(2027193458, buf, sizeof buf);                  /* £20,271,934.58 */
    CHECK_STR(buf, "\xc2\xa3" "20,271,935");
    ics_pounds_human(-2027193458, buf, sizeof buf);
    CHECK_STR(buf, "-\xc2\xa3" "20,271,935");
    /* INT64_MAX pence = £92,233,720,368,547,758.07; INT64_MIN = -£...758.08: both round down. */
    snprintf(want, sizeof want, "%s92,233,720,368,547,758", pound);
    CHECK_INT(ics_pounds_human(INT64_MAX, buf, sizeof buf), (long long)strlen(want));
    CHECK_STR(buf, want);
    snprintf(want, sizeof want, "-%s92,233,720,368,547,758", pound);
    CHECK_INT(ics_pounds_human(INT64_MIN, buf, sizeof buf), (long long)strlen(want));
    CHECK_STR(buf, want);
    CHECK(strlen(want) < ICS_POUNDS_HUMAN_MAX);
    /* The whole text or nothing: "£1,000" is 7 bytes and needs 8 with its NUL. */
    CHECK_INT(ics_pounds_human(100000, buf, 8), 7);
    memset(buf, 'x', sizeof buf);
    CHECK_INT(ics_pounds_human(100000, buf, 7), -1);
    CHECK_STR(buf, "");
    buf[0] = 'x';
    CHECK_INT(ics_pounds_human(100000, buf, 0), -1);
    CHECK(buf[0] == 'x');
}

static void test_ratio_format(void)
{
    char buf[64];
    ics_ratio_format(1, 3, 6, buf, sizeof buf);
    CHECK_STR(buf, "0.333333");
    ics_ratio_format(2, 3, 2, buf, sizeof buf);
    CHECK_STR(buf, "0.67");
    ics_ratio_format(5, 2, 0, buf, sizeof buf);
    CHECK_STR(buf, "3");
    ics_ratio_format(-5, 2, 0, buf, sizeof buf);
    CHECK_STR(buf, "-3");
    ics_ratio_format(365000, 365, 2, buf, sizeof buf);
    CHECK_STR(buf, "1000.00");
    ics_ratio_format(-1, 1000, 2, buf, sizeof buf);
    CHECK_STR(buf, "0.00");
}

static void test_arena_and_alloc_hook(void)
{
    struct ics_arena a;
    ics_arena_init(&a, 64);
    char *s = ics_arena_strndup(&a, "provider", 4);
    CHECK_STR(s, "prov");
    void *big = ics_arena_alloc(&a, 1000);
    CHECK(big != NULL);
    CHECK(((uintptr_t)big & 15) == 0);
    ics_alloc_fail_after(0);
    CHECK(ics_arena_alloc(&a, 5000) == NULL);
    CHECK(ics_arena_alloc(&a, 5000) != NULL);  /* only one allocation fails */
    ics_alloc_fail_after(-1);
    ics_arena_release(&a);
}

static void test_error_format(void)
{
    struct ics_error err;
    int rc = ics_error_at(&err, ICS_ERR_PARSE, "spells.csv", 1203, 7, "bad date '%s'", "2024-13-01");
    CHECK_INT(rc, ICS_ERR_PARSE);
    CHECK_STR(err.message, "spells.csv:1203:7: bad date '2024-13-01'");
    CHECK_INT(err.line, 1203);
    CHECK_INT(err.column, 7);
}

static void test_quantile_type7(void)
{
    /* R: quantile(c(1, 2, 4, 10), c(0.25, 0.5, 0.75), type = 7) = 1.75, 3, 5.5 */
    double x[] = {1, 2, 4, 10};
    CHECK_NEAR(ics_quantile_type7(x, 4, 0.25), 1.75, 1e-12);
    CHECK_NEAR(ics_quantile_type7(x, 4, 0.5), 3.0, 1e-12);
    CHECK_NEAR(ics_quantile_type7(x, 4, 0.75), 5.5, 1e-12);
    CHECK_NEAR(ics_quantile_type7(x, 4, 1.0), 10.0, 1e-12);
    CHECK_NEAR(ics_quantile_type7(x, 4, 0.0), 1.0, 1e-12);
    double one[] = {7};
    CHECK_NEAR(ics_quantile_type7(one, 1, 0.75), 7.0, 1e-12);
}

/* The cached parser agrees with the plain one on every day of 1899-2101 and on bad days. */
static void test_date_cache_agrees(void)
{
    struct ics_date_cache cache;
    memset(&cache, 0, sizeof cache);
    int disagree = 0;
    for (int32_t day = ics_date_from_ymd(1899, 1, 1); day <= ics_date_from_ymd(2101, 12, 31); day += 1) {
        char buf[11];
        ics_date_format(day, buf);
        int32_t a = 0, b = 0;
        int ra = ics_date_parse(buf, 10, &a), rb = ics_date_parse_cached(&cache, buf, 10, &b);
        disagree += ra != rb || (ra == 0 && a != b);
    }
    static const char *bad[] = {"2019-02-29", "2020-02-30", "2018-04-31", "2018-04-00", "2018-13-01", "2018-04-3x"};
    for (int k = 0; k < 2; k++)   /* twice: once filling the cache, once hitting it */
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            int32_t v;
            disagree += ics_date_parse_cached(&cache, bad[i], 10, &v) != -1;
        }
    /* Every byte value at every position of a few dates (the word-at-a-time
     * digit check must refuse exactly what the plain parser refuses). */
    static const char *seeds[] = {"2018-04-01", "2019-12-31", "2020-02-29", "1999-09-09"};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
        for (int pos = 0; pos < 10; pos++)
            for (int byte = 0; byte < 256; byte++) {
                char buf[10];
                memcpy(buf, seeds[i], 10);
                buf[pos] = (char)byte;
                int32_t a = 0, b = 0;
                int ra = ics_date_parse(buf, 10, &a), rb = ics_date_parse_cached(&cache, buf, 10, &b);
                disagree += ra != rb || (ra == 0 && a != b);
            }
    int32_t v;
    CHECK_INT(ics_date_parse_cached(&cache, "2020-02-29", 10, &v), 0);
    CHECK_INT(v, ics_date_from_ymd(2020, 2, 29));
    CHECK_INT(ics_date_parse_cached(&cache, "29/02/2020", 10, &v), 0);
    CHECK_INT(v, ics_date_from_ymd(2020, 2, 29));
    CHECK_INT(disagree, 0);
}

/* The loop-free key prefix equals the plain definition (byte i at bits 8i,
 * zero-padded) for every length, and never reads past the key: each key sits
 * at the very end of an allocation, so ASan catches an over-read. */
static void test_strmap_prefix(void)
{
    const char text[] = "RXA7Q\x80\xffz9";
    int wrong = 0;
    for (size_t len = 0; len <= 9; len++) {
        char *key = malloc(len ? len : 1);
        memcpy(key, text, len);
        uint64_t want = 0;
        for (size_t i = 0; i < len && i < 8; i++)
            want |= (uint64_t)(unsigned char)key[i] << (8 * i);
        wrong += ics_strmap_prefix(key, len) != want;
        free(key);
    }
    CHECK_INT(wrong, 0);
}


/* The one number grammar: what spreadsheets write is read; what strtod alone would also take is not. */
static void test_number_grammar(void)
{
    double v = 0;
    const char *why = NULL;
    struct { const char *text; double value; } good[] = {
        {"12", 12}, {" -3.5\t", -3.5}, {"+0.25", 0.25}, {"1,234", 1234}, {"1,234,567.5", 1234567.5},
        {"1e3", 1000}, {"2.5E-1", 0.25}, {".5", 0.5}, {"7.", 7}, {"999,999", 999999},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        v = -1;
        CHECK_INT(ics_parse_double(good[i].text, strlen(good[i].text), &v, &why), 0);
        CHECK(v == good[i].value);
    }
    const char *bad[] = {"", " ", "0x1p3", "inf", "nan", "1,23", "12,3456", "1234,567", ",123", "1e", "1.2.3",
                         "--1", "1e999", "12abc", "+", "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(ics_parse_double(bad[i], strlen(bad[i]), &v, &why), -1);
    CHECK_INT(ics_parse_double("1e999", 5, &v, &why), -1);
    CHECK_STR(why, "number out of range");
    /* Long numbers are read whole or refused, never cut: 1 followed by 70 zeros is 1e70. */
    char big[128];
    big[0] = '1';
    memset(big + 1, '0', 70);
    CHECK_INT(ics_parse_double(big, 71, &v, &why), 0);
    CHECK(v == 1e70);
    char huge[400];
    memset(huge, '9', sizeof huge);
    CHECK_INT(ics_parse_double(huge, sizeof huge, &v, &why), -1);
    CHECK_STR(why, "number too long");
    int64_t n = 0;
    CHECK_INT(ics_parse_int64(" 1,000 ", 7, 0, 5000, &n, &why), 0);
    CHECK_INT(n, 1000);
    CHECK_INT(ics_parse_int64("1.5", 3, 0, 5000, &n, &why), -1);
    CHECK_INT(ics_parse_int64("5001", 4, 0, 5000, &n, &why), -1);
    CHECK_INT(ics_parse_int64("9223372036854775808", 19, INT64_MIN, INT64_MAX, &n, &why), -1);
    const char *t = "  a b\t";
    size_t len = strlen(t);
    ics_text_trim(&t, &len);
    CHECK_INT(len, 3);
    CHECK(strncmp(t, "a b", 3) == 0);
    CHECK_INT(ics_date_weekday(0), 3);           /* 1970-01-01, a Thursday */
    CHECK_INT(ics_date_weekday(-1), 2);
    CHECK_INT(ics_date_weekday(ics_date_from_ymd(2024, 2, 26)), 0);   /* a Monday */
}

/* An output lands whole on commit and leaves the old file alone on abort. */
static void test_output_whole_or_not_at_all(void)
{
    char dir[] = "/tmp/ics_test_output.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    struct ics_error err;
    struct ics_output o;
    CHECK_INT(ics_output_open(&o, path, &err), ICS_OK);
    fputs("first\n", o.f);
    CHECK(access(path, F_OK) != 0);          /* nothing at the target until commit */
    CHECK_INT(ics_output_commit(&o, &err), ICS_OK);
    CHECK_INT(ics_output_open(&o, path, &err), ICS_OK);
    fputs("second\n", o.f);
    ics_output_abort(&o);
    FILE *f = fopen(path, "r");
    char line[32] = "";
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "first\n");
    if (f)
        fclose(f);
    CHECK_INT(ics_output_open(&o, "/nonexistent-dir/x.csv", &err), ICS_ERR_IO);
    ics_output_abort(&o);
    CHECK_INT(ics_output_open(&o, NULL, &err), ICS_OK);
    CHECK(o.f == stdout);
    unlink(path);
    rmdir(dir);
    FILE *t = ics_tempfile(&err);
    CHECK(t != NULL);
    if (t) {
        CHECK(fputs("x", t) >= 0);
        fclose(t);
    }
    setenv("TMPDIR", "/nonexistent-dir", 1);
    CHECK(ics_tempfile(&err) == NULL);
    CHECK_INT(err.code, ICS_ERR_IO);
    unsetenv("TMPDIR");
}

int main(void)
{
    RUN(test_date_cache_agrees);
    RUN(test_strmap_prefix);
    RUN(test_quantile_type7);
    RUN(test_dates_round_trip);
    RUN(test_date_parse);
    RUN(test_calendar_periods);
    RUN(test_pence);
    RUN(test_pounds_human);
    RUN(test_ratio_format);
    RUN(test_arena_and_alloc_hook);
    RUN(test_error_format);
    RUN(test_number_grammar);
    RUN(test_output_whole_or_not_at_all);
    return TEST_SUMMARY("core");
}
