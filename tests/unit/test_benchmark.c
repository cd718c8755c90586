/*
 * Unit tests of benchmarking: quantiles, bands, ranks, targets, gaps and the
 * opportunity, against values worked out by hand (each test says how).
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "harness.h"
#include "ics/benchmark.h"
#include "ics/refdata.h"

struct code_in {
    const char *code;
    double num;
    double den;          /* NAN: no denominator column */
};

/* Builds a benchmark from codes; returns NULL (after a failed check) on error. */
static struct ics_benchmark *make(const struct ics_benchmark_options *opt, const struct code_in *codes, size_t n)
{
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    if (ics_benchmark_new(opt, &b, &err) != ICS_OK) {
        fprintf(stderr, "new: %s\n", err.message);
        CHECK(0);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        struct ics_benchmark_input in;
        memset(&in, 0, sizeof in);
        in.code = codes[i].code;
        in.name = "";
        in.line = (long)i + 2;
        in.numerator = codes[i].num;
        in.denominator = codes[i].den;
        CHECK_INT(ics_benchmark_add(b, &in, &err), ICS_OK);
    }
    return b;
}

static int run(struct ics_benchmark *b)
{
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_benchmark_run(b, &err);
    if (rc)
        fprintf(stderr, "run: %s\n", err.message);
    return rc;
}

static const struct ics_benchmark_row *row_of(const struct ics_benchmark *b, const char *code)
{
    for (size_t i = 0; i < ics_benchmark_count(b); i++)
        if (strcmp(ics_benchmark_row(b, i)->code, code) == 0)
            return ics_benchmark_row(b, i);
    return NULL;
}

/* ---- fractions and formats ------------------------------------------------ */

static void test_fraction_parse(void)
{
    struct ics_fraction f;
    const char *why = NULL;
    CHECK_INT(ics_fraction_parse("1/3", &f, &why), 0);
    CHECK_INT(f.num, 1);
    CHECK_INT(f.den, 3);
    CHECK_INT(ics_fraction_parse("2/6", &f, &why), 0);   /* reduced */
    CHECK_INT(f.num, 1);
    CHECK_INT(f.den, 3);
    CHECK_INT(ics_fraction_parse("0.92", &f, &why), 0);  /* 92/100 = 23/25 */
    CHECK_INT(f.num, 23);
    CHECK_INT(f.den, 25);
    CHECK_INT(ics_fraction_parse("92%", &f, &why), 0);
    CHECK_INT(f.num, 23);
    CHECK_INT(f.den, 25);
    CHECK_INT(ics_fraction_parse(" 1 ", &f, &why), 0);
    CHECK_INT(f.num, 1);
    CHECK_INT(f.den, 1);
    CHECK_INT(ics_fraction_parse("0.5", &f, &why), 0);
    CHECK_INT(f.num, 1);
    CHECK_INT(f.den, 2);
    CHECK_INT(ics_fraction_parse("abc", &f, &why), -1);
    CHECK_INT(ics_fraction_parse("-1/3", &f, &why), -1);
    CHECK_INT(ics_fraction_parse("1/0", &f, &why), -1);
    CHECK_INT(ics_fraction_parse("1.5/3", &f, &why), -1);
    CHECK_INT(ics_fraction_parse("", &f, &why), -1);
    CHECK_INT(ics_fraction_parse("1/", &f, &why), -1);
}

static void test_formats(void)
{
    char buf[64];
    ics_benchmark_format_number(365000, buf, sizeof buf);
    CHECK_STR(buf, "365000");
    ics_benchmark_format_number(1000.0 / 3, buf, sizeof buf);
    CHECK_STR(buf, "333.333333");
    ics_benchmark_format_number(0.5, buf, sizeof buf);
    CHECK_STR(buf, "0.5");
    ics_benchmark_format_number(0.0012345678, buf, sizeof buf);
    CHECK_STR(buf, "0.00123457");
    ics_benchmark_format_number(-0.0000000001, buf, sizeof buf);
    CHECK_STR(buf, "-0.0000000001");
    ics_benchmark_format_number(-1e-12 * 0, buf, sizeof buf);
    CHECK_STR(buf, "0");
    ics_benchmark_format_number(NAN, buf, sizeof buf);
    CHECK_STR(buf, "");
    ics_benchmark_format_number(2.5, buf, sizeof buf);
    CHECK_STR(buf, "2.5");
    ics_benchmark_format_grouped(365000.0000001L, 0, buf, sizeof buf);
    CHECK_STR(buf, "365,000");
    ics_benchmark_format_grouped(1234567.25L, 1, buf, sizeof buf);
    CHECK_STR(buf, "1,234,567.3");
    ics_benchmark_format_grouped(2.5L, 0, buf, sizeof buf);   /* half away from zero */
    CHECK_STR(buf, "3");
    ics_benchmark_format_grouped(-1500.0L, 0, buf, sizeof buf);
    CHECK_STR(buf, "-1,500");
    ics_benchmark_format_grouped(999.0L, 0, buf, sizeof buf);
    CHECK_STR(buf, "999");
}

/* Any finite value is written whole (the fault: from 1e63 up, figures were cut
 * to the 63 characters of a 64-byte buffer without an error). The expected
 * digits are the exact decimal values of the doubles, from Python's
 * decimal.Decimal(float) (an independent method): 1e63 is the double
 * 1000000000000000057857959942726969827393378689175040438172647424 (64 digits). */
static const char e63[] = "1000000000000000057857959942726969827393378689175040438172647424";
static const char e300[] =
    "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864"
    "0437044438328838781769425232353604305756447921847867069828483872009265758037378302337947880900593689"
    "5323497079994508111903896764088007465274278014249457925878882005684283811566947219638686545940054016"
    "0";

static void test_formats_whole(void)
{
    char buf[ICS_BENCHMARK_NUMBER_MAX];
    CHECK_INT(ics_benchmark_format_number(1e63, buf, sizeof buf), 64);
    CHECK_STR(buf, e63);
    CHECK_INT(ics_benchmark_format_number(1e300, buf, sizeof buf), 301);
    CHECK_STR(buf, e300);
    CHECK_INT(strlen(e300), 301);
    char neg[sizeof e300 + 1] = "-";
    memcpy(neg + 1, e300, sizeof e300);
    CHECK_INT(ics_benchmark_format_number(-1e300, buf, sizeof buf), 302);
    CHECK_STR(buf, neg);
    /* The largest double: 309 digits (Python: len(str(int(sys.float_info.max)))), ending ...858368. */
    CHECK_INT(ics_benchmark_format_number(DBL_MAX, buf, sizeof buf), 309);
    CHECK(strncmp(buf, "179769313486231570814527423731704356798070", 42) == 0 &&
          strcmp(buf + 303, "858368") == 0);
    /* Grouped: from 1e18 up the digits are written plain, whole (the long double of
     * the double 1e300 is that double exactly). */
    CHECK_INT(ics_benchmark_format_grouped((long double)1e300, 0, buf, sizeof buf), 301);
    CHECK_STR(buf, e300);
    CHECK_INT(ics_benchmark_format_grouped((long double)1e63, 1, buf, sizeof buf), 66);
    CHECK(strncmp(buf, e63, 64) == 0 && strcmp(buf + 64, ".0") == 0);
    /* A buffer too small for the figure: an error and "", never a cut figure. */
    char small[64];
    memset(small, 'x', sizeof small);
    CHECK_INT(ics_benchmark_format_number(1e63, small, sizeof small), -1);
    CHECK_STR(small, "");
    CHECK_INT(ics_benchmark_format_number(1e62, small, sizeof small), 63);   /* 63 digits + NUL fit */
    memset(small, 'x', sizeof small);
    CHECK_INT(ics_benchmark_format_grouped((long double)1e63, 0, small, sizeof small), -1);
    CHECK_STR(small, "");
    CHECK_INT(ics_benchmark_format_grouped(1234567.0L, 0, small, 9), -1);   /* "1,234,567" is 9 */
    CHECK_STR(small, "");
    CHECK_INT(ics_benchmark_format_grouped(1234567.0L, 0, small, 10), 9);
    CHECK_STR(small, "1,234,567");
    CHECK_INT(ics_benchmark_format_number(2.5, small, 3), -1);   /* "2.5" needs 4 bytes */
    CHECK_INT(ics_benchmark_format_number(2.5, small, 4), 3);
    CHECK_INT(ics_benchmark_format_grouped(1.0L, 10, small, sizeof small), -1);   /* decimals 0 to 9 */
}

/* ---- quartiles, bands, ranks ---------------------------------------------- */

/* Rates 10, 20, 30, 40 (no denominator, scale 1). Type 7 with n = 4:
 * Q1: h = 3 x 0.25 = 0.75 -> 10 + 0.75 x 10 = 17.5; Q2: h = 1.5 -> 25;
 * Q3: h = 2.25 -> 30 + 0.25 x 10 = 32.5. */
static const struct code_in four[] = {
    {"A", 10, NAN}, {"B", 20, NAN}, {"C", 30, NAN}, {"D", 40, NAN},
};

static void test_four_codes_lower(void)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, four, 4);
    if (!b)
        return;
    CHECK_INT(run(b), ICS_OK);
    const char *codes[] = {"A", "B", "C", "D"};
    int bands[] = {1, 2, 3, 4};
    double gaps[] = {0, 2.5, 12.5, 22.5};
    for (int i = 0; i < 4; i++) {
        const struct ics_benchmark_row *r = row_of(b, codes[i]);
        CHECK(r != NULL);
        if (!r)
            continue;
        CHECK_NEAR(r->rate, 10.0 * (i + 1), 1e-12);
        CHECK_INT(r->band, bands[i]);
        CHECK_INT(r->rank, i + 1);
        CHECK_NEAR(r->target, 17.5, 1e-12);
        CHECK_NEAR(r->gap, gaps[i], 1e-12);
        CHECK_NEAR(r->opportunity, gaps[i], 1e-12);    /* fraction 1, DEN 1, scale 1 */
        CHECK(isnan(r->denominator));
        CHECK(r->problem == NULL);
    }
    const struct ics_benchmark_row *t = ics_benchmark_total(b);
    CHECK_NEAR(t->opportunity, 37.5, 1e-12);
    CHECK_NEAR(t->numerator, 100, 1e-12);
    CHECK(isnan(t->rate));
    CHECK_NEAR(t->opportunity_beds, 37.5 / 365, 1e-12);
    CHECK(!t->has_pounds);                             /* no cost known */
    CHECK(isnan(t->opportunity_beds_to_open));
    CHECK_STR(row_of(b, "A")->group, "all");
    ics_benchmark_free(b);
}

static void test_four_codes_higher(void)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.better = ICS_BETTER_HIGHER;
    struct ics_benchmark *b = make(&opt, four, 4);
    if (!b)
        return;
    CHECK_INT(run(b), ICS_OK);
    /* Target Q3 = 32.5; D (40) best. Bands: 40 >= 32.5 -> 1, 30 >= 25 -> 2,
     * 20 >= 17.5 -> 3, 10 -> 4. Gaps 22.5, 12.5, 2.5, 0. */
    const char *codes[] = {"A", "B", "C", "D"};
    int bands[] = {4, 3, 2, 1};
    int ranks[] = {4, 3, 2, 1};
    double gaps[] = {22.5, 12.5, 2.5, 0};
    for (int i = 0; i < 4; i++) {
        const struct ics_benchmark_row *r = row_of(b, codes[i]);
        CHECK_INT(r->band, bands[i]);
        CHECK_INT(r->rank, ranks[i]);
        CHECK_NEAR(r->target, 32.5, 1e-12);
        CHECK_NEAR(r->gap, gaps[i], 1e-12);
        CHECK_NEAR(r->opportunity, gaps[i], 1e-12);
    }
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 37.5, 1e-12);
    ics_benchmark_free(b);
}

static void test_other_targets(void)
{
    struct ics_benchmark_options opt;
    struct ics_benchmark *b;
    /* median 25: gaps 0, 0, 5, 15 = 20 */
    ics_benchmark_options_init(&opt);
    opt.target = ICS_TARGET_MEDIAN;
    b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(row_of(b, "C")->gap, 5, 1e-12);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 20, 1e-12);
    ics_benchmark_free(b);
    /* top-quartile mean, lower: rates <= 17.5 are {10}; gaps 0, 10, 20, 30 = 60 */
    ics_benchmark_options_init(&opt);
    opt.target = ICS_TARGET_TOP_QUARTILE_MEAN;
    b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(row_of(b, "B")->target, 10, 1e-12);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 60, 1e-12);
    ics_benchmark_free(b);
    /* top-quartile mean, higher: rates >= 32.5 are {40}; gaps 30, 20, 10, 0 = 60 */
    opt.better = ICS_BETTER_HIGHER;
    b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(row_of(b, "A")->target, 40, 1e-12);
    CHECK_NEAR(row_of(b, "A")->gap, 30, 1e-12);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 60, 1e-12);
    ics_benchmark_free(b);
    /* a fixed value 25, lower: gaps 0, 0, 5, 15; median higher: 25 -> 15, 5, 0, 0 */
    ics_benchmark_options_init(&opt);
    opt.target = ICS_TARGET_VALUE;
    opt.target_value = 25;
    b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 20, 1e-12);
    CHECK_NEAR(row_of(b, "D")->target, 25, 1e-12);
    ics_benchmark_free(b);
    ics_benchmark_options_init(&opt);
    opt.target = ICS_TARGET_MEDIAN;
    opt.better = ICS_BETTER_HIGHER;
    b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(row_of(b, "A")->gap, 15, 1e-12);
    CHECK_NEAR(row_of(b, "C")->gap, 0, 1e-12);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 20, 1e-12);
    ics_benchmark_free(b);
}

static void test_ties(void)
{
    /* 5, 7, 7, 9: Q1 = 5 + 0.75 x 2 = 6.5, Q2 = 7, Q3 = 7 + 0.25 x 2 = 7.5.
     * Lower: ranks 1, 2, 2, 4; 7 sits on the median: band 2, the better one. */
    static const struct code_in codes[] = {{"P", 5, NAN}, {"Q", 7, NAN}, {"R", 7, NAN}, {"S", 9, NAN}};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, codes, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(row_of(b, "P")->rank, 1);
    CHECK_INT(row_of(b, "Q")->rank, 2);
    CHECK_INT(row_of(b, "R")->rank, 2);
    CHECK_INT(row_of(b, "S")->rank, 4);
    CHECK_INT(row_of(b, "P")->band, 1);
    CHECK_INT(row_of(b, "Q")->band, 2);
    CHECK_INT(row_of(b, "R")->band, 2);
    CHECK_INT(row_of(b, "S")->band, 4);
    CHECK_NEAR(row_of(b, "Q")->gap, 0.5, 1e-12);
    ics_benchmark_free(b);
    /* Higher: 9 first; the two 7s share rank 2; 5 is 4th. 7 >= Q2 = 7: band 2. */
    opt.better = ICS_BETTER_HIGHER;
    b = make(&opt, codes, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(row_of(b, "S")->rank, 1);
    CHECK_INT(row_of(b, "Q")->rank, 2);
    CHECK_INT(row_of(b, "R")->rank, 2);
    CHECK_INT(row_of(b, "P")->rank, 4);
    CHECK_INT(row_of(b, "Q")->band, 2);
    CHECK_INT(row_of(b, "S")->band, 1);
    CHECK_INT(row_of(b, "P")->band, 4);
    CHECK_NEAR(row_of(b, "Q")->gap, 0.5, 1e-12);   /* 7.5 - 7 */
    ics_benchmark_free(b);
}

static void test_boundaries(void)
{
    /* 1..5: Q1 = 2, Q2 = 3, Q3 = 4 exactly (h = 1, 2, 3). On a boundary, the better band. */
    static const struct code_in codes[] = {{"a", 1, NAN}, {"b", 2, NAN}, {"c", 3, NAN}, {"d", 4, NAN}, {"e", 5, NAN}};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, codes, 5);
    CHECK_INT(run(b), ICS_OK);
    int lower[] = {1, 1, 2, 3, 4};
    for (int i = 0; i < 5; i++)
        CHECK_INT(ics_benchmark_row(b, (size_t)i)->band, lower[i]);
    CHECK_NEAR(ics_benchmark_row(b, 1)->gap, 0, 0);   /* on the target: no gap */
    ics_benchmark_free(b);
    opt.better = ICS_BETTER_HIGHER;
    b = make(&opt, codes, 5);
    CHECK_INT(run(b), ICS_OK);
    int higher[] = {4, 3, 2, 1, 1};
    for (int i = 0; i < 5; i++)
        CHECK_INT(ics_benchmark_row(b, (size_t)i)->band, higher[i]);
    ics_benchmark_free(b);
}

static void test_all_equal(void)
{
    static const struct code_in codes[] = {{"a", 3, NAN}, {"b", 3, NAN}, {"c", 3, NAN}, {"d", 3, NAN}, {"e", 3, NAN}};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, codes, 5);
    CHECK_INT(run(b), ICS_OK);
    for (size_t i = 0; i < 5; i++) {
        CHECK_INT(ics_benchmark_row(b, i)->band, 1);
        CHECK_INT(ics_benchmark_row(b, i)->rank, 1);
        CHECK_NEAR(ics_benchmark_row(b, i)->gap, 0, 0);
    }
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 0, 0);
    ics_benchmark_free(b);
}

/* ---- denominators, scale, fraction ---------------------------------------- */

/* Rates per 1,000: A 30/1000 -> 30, B 50/2000 -> 25, C 120/3000 -> 40,
 * D 10/500 -> 20, E 90/1500 -> 60. Sorted 20, 25, 30, 40, 60: Q1 = 25.
 * Gap days = NUM - 25 x DEN / 1000: A 30 - 25 = 5, C 120 - 75 = 45,
 * E 90 - 37.5 = 52.5; total 102.5. A third: 34.1666... */
static const struct code_in five[] = {
    {"A", 30, 1000}, {"B", 50, 2000}, {"C", 120, 3000}, {"D", 10, 500}, {"E", 90, 1500},
};

static void test_denominators_and_fraction(void)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.denominator = ICS_DEN_COLUMN;
    opt.close_gap.num = 1;
    opt.close_gap.den = 3;
    opt.days = 365;
    opt.occupancy.num = 23;     /* 92% */
    opt.occupancy.den = 25;
    opt.has_cost_per_day = 1;
    opt.cost_per_day_pence = 30000;   /* £300 a bed day */
    struct ics_benchmark *b = make(&opt, five, 5);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(row_of(b, "C")->rate, 40, 1e-12);
    CHECK_NEAR(row_of(b, "C")->gap, 15, 1e-12);
    CHECK_NEAR(row_of(b, "C")->opportunity, 15, 1e-12);      /* 45 / 3 */
    CHECK_NEAR(row_of(b, "E")->opportunity, 17.5, 1e-12);    /* 52.5 / 3 */
    CHECK_NEAR(row_of(b, "A")->opportunity, 5.0 / 3, 1e-12);
    CHECK_NEAR(row_of(b, "B")->opportunity, 0, 0);
    CHECK_INT(row_of(b, "D")->band, 1);
    CHECK_INT(row_of(b, "B")->band, 1);
    CHECK_INT(row_of(b, "A")->band, 2);
    CHECK_INT(row_of(b, "C")->band, 3);
    CHECK_INT(row_of(b, "E")->band, 4);
    CHECK_NEAR(row_of(b, "E")->opportunity_beds, 17.5 / 365, 1e-12);
    CHECK_NEAR(row_of(b, "E")->opportunity_beds_to_open, 17.5 / 365 / 0.92, 1e-12);
    CHECK(row_of(b, "E")->has_pounds);
    CHECK_INT(row_of(b, "E")->opportunity_pence, 525000);     /* 17.5 x £300 = £5,250.00 */
    const struct ics_benchmark_row *t = ics_benchmark_total(b);
    CHECK_NEAR(t->numerator, 300, 0);
    CHECK_NEAR(t->denominator, 8000, 0);
    CHECK_NEAR(t->rate, 37.5, 1e-12);          /* 300 x 1000 / 8000 */
    CHECK_NEAR(t->opportunity, 102.5 / 3, 1e-12);
    CHECK_INT(t->opportunity_pence, 1025000);     /* 102.5 / 3 x £300 = £10,250.00 exactly */
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    CHECK(info->gap_days == 102.5L);
    CHECK_INT(info->benchmarked, 5);
    CHECK_INT(info->excluded, 0);
    ics_benchmark_free(b);
}

static void test_bad_denominators(void)
{
    /* Z has zero, N negative, M missing: excluded and noted; the other five as before. */
    struct code_in codes[8];
    memcpy(codes, five, sizeof five);
    codes[5] = (struct code_in){"Z", 4, 0};
    codes[6] = (struct code_in){"N", 4, -10};
    codes[7] = (struct code_in){"M", 4, NAN};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.denominator = ICS_DEN_COLUMN;
    struct ics_benchmark *b = make(&opt, codes, 8);
    CHECK_INT(run(b), ICS_OK);
    CHECK(isnan(row_of(b, "Z")->rate));
    CHECK(row_of(b, "Z")->problem && strstr(row_of(b, "Z")->problem, "zero denominator"));
    CHECK(row_of(b, "N")->problem && strstr(row_of(b, "N")->problem, "negative denominator"));
    CHECK(row_of(b, "M")->problem && strstr(row_of(b, "M")->problem, "missing denominator"));
    CHECK_INT(row_of(b, "Z")->band, 0);
    CHECK_INT(ics_benchmark_info(b)->excluded, 3);
    CHECK_INT(ics_benchmark_info(b)->benchmarked, 5);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 102.5, 1e-12);
    CHECK_INT(ics_benchmark_note_count(b), 3);
    CHECK(strstr(ics_benchmark_note(b, 0), "code 'Z'") != NULL);
    ics_benchmark_free(b);
}

static void test_duplicate_code(void)
{
    static const struct code_in codes[] = {{"A", 1, NAN}, {"B", 2, NAN}, {"A", 3, NAN}};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, codes, 3);
    struct ics_error err;
    CHECK_INT(ics_benchmark_run(b, &err), ICS_ERR_PARSE);
    CHECK(strstr(err.message, "'A' appears twice") != NULL);
    ics_benchmark_free(b);
}

static void test_small_group(void)
{
    /* Three codes: no quartiles. With the top quartile nothing has a target;
     * with a fixed value, targets and gaps but no bands. */
    static const struct code_in codes[] = {{"A", 1, NAN}, {"B", 2, NAN}, {"C", 3, NAN}};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, codes, 3);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(row_of(b, "C")->band, 0);
    CHECK_INT(row_of(b, "C")->rank, 3);
    CHECK(isnan(row_of(b, "C")->target));
    CHECK(row_of(b, "C")->problem != NULL);
    CHECK(strstr(ics_benchmark_note(b, 0), "fewer than 4") != NULL);
    CHECK(isnan(ics_benchmark_total(b)->opportunity));   /* nothing measured: unknown, not 0 */
    ics_benchmark_free(b);
    opt.target = ICS_TARGET_VALUE;
    opt.target_value = 1.5;
    b = make(&opt, codes, 3);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(row_of(b, "C")->band, 0);
    CHECK_NEAR(row_of(b, "C")->gap, 1.5, 1e-12);
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 2, 1e-12);   /* 0.5 + 1.5 */
    ics_benchmark_free(b);
}

static void test_groups_file(void)
{
    /* G1: A..D = 10, 20, 30, 40 (Q1 17.5); G2: E, F, G (3 codes, no quartiles). */
    static const struct code_in codes[] = {
        {"A", 10, NAN}, {"B", 20, NAN}, {"C", 30, NAN}, {"D", 40, NAN}, {"E", 1, NAN}, {"F", 2, NAN}, {"G", 3, NAN},
        {"H", 5, NAN},
    };
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.within = ICS_WITHIN_FILE;
    struct ics_benchmark *b = make(&opt, codes, 8);
    struct ics_error err;
    const char *g[] = {"G1", "G1", "G1", "G1", "G2", "G2", "G2"};
    for (int i = 0; i < 7; i++)
        CHECK_INT(ics_benchmark_set_group(b, codes[i].code, g[i], i + 2, &err), ICS_OK);
    CHECK_INT(run(b), ICS_OK);
    CHECK_STR(row_of(b, "A")->group, "G1");
    CHECK_NEAR(row_of(b, "D")->gap, 22.5, 1e-12);
    CHECK_INT(row_of(b, "E")->band, 0);
    CHECK_INT(row_of(b, "E")->rank, 1);
    CHECK(row_of(b, "H")->problem && strstr(row_of(b, "H")->problem, "not in the groups file"));
    CHECK_STR(row_of(b, "H")->group, "");
    CHECK(isnan(row_of(b, "H")->rate));
    CHECK_NEAR(ics_benchmark_total(b)->opportunity, 37.5, 1e-12);
    /* one roll-up per group with a target: G1 only */
    CHECK_INT(ics_benchmark_rollup_count(b), 1);
    CHECK_STR(ics_benchmark_rollup(b, 0)->level, "group");
    CHECK_STR(ics_benchmark_rollup(b, 0)->code, "G1");
    CHECK_INT(ics_benchmark_rollup(b, 0)->codes, 4);
    CHECK_INT(ics_benchmark_rollup(b, 0)->contributing, 3);
    CHECK_NEAR(ics_benchmark_rollup(b, 0)->opportunity, 37.5, 1e-12);
    ics_benchmark_free(b);
}

static void test_best5of10(void)
{
    /* X and its 10 peers P1..P10 with rates 1..10. Lower: best five 1..5, mean 3;
     * X = 8: gap 5. Higher: best five 6..10, mean 8; X = 8: gap 0; Y = 4: gap 4. */
    struct code_in codes[12];
    char names[10][16];
    for (int i = 0; i < 10; i++) {
        snprintf(names[i], sizeof names[i], "P%d", i + 1);
        codes[i] = (struct code_in){names[i], i + 1, NAN};
    }
    codes[10] = (struct code_in){"X", 8, NAN};
    codes[11] = (struct code_in){"Y", 4, NAN};
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.target = ICS_TARGET_BEST5OF10;
    struct ics_error err;
    for (int dir = 0; dir < 2; dir++) {
        opt.better = dir ? ICS_BETTER_HIGHER : ICS_BETTER_LOWER;
        struct ics_benchmark *b = make(&opt, codes, 12);
        for (int i = 0; i < 10; i++) {
            CHECK_INT(ics_benchmark_add_peer(b, "X", names[i], i + 2, &err), ICS_OK);
            CHECK_INT(ics_benchmark_add_peer(b, "Y", names[i], i + 12, &err), ICS_OK);
        }
        CHECK_INT(ics_benchmark_add_peer(b, "Y", "NOPE", 30, &err), ICS_OK);   /* unknown: noted */
        CHECK_INT(ics_benchmark_add_peer(b, "P1", "P2", 31, &err), ICS_OK);    /* only 1 peer */
        CHECK_INT(run(b), ICS_OK);
        if (!dir) {
            CHECK_NEAR(row_of(b, "X")->target, 3, 1e-12);
            CHECK_NEAR(row_of(b, "X")->gap, 5, 1e-12);
            CHECK_NEAR(row_of(b, "Y")->gap, 1, 1e-12);
            CHECK_NEAR(ics_benchmark_total(b)->opportunity, 6, 1e-12);
        } else {
            CHECK_NEAR(row_of(b, "X")->target, 8, 1e-12);
            CHECK_NEAR(row_of(b, "X")->gap, 0, 0);
            CHECK_NEAR(row_of(b, "Y")->gap, 4, 1e-12);
            CHECK_NEAR(ics_benchmark_total(b)->opportunity, 4, 1e-12);
        }
        CHECK(row_of(b, "P1")->problem && strstr(row_of(b, "P1")->problem, "only 1 of its 1 peers"));
        CHECK(row_of(b, "P3")->problem && strstr(row_of(b, "P3")->problem, "no peers"));
        int unknown = 0;
        for (size_t i = 0; i < ics_benchmark_note_count(b); i++)
            unknown += strstr(ics_benchmark_note(b, i), "peer 'NOPE' of 'Y' is not in the table") != NULL;
        CHECK_INT(unknown, 1);
        ics_benchmark_free(b);
    }
    /* Without peers: a usage error. */
    opt.better = ICS_BETTER_LOWER;
    struct ics_benchmark *b = make(&opt, codes, 12);
    CHECK_INT(ics_benchmark_run(b, &err), ICS_ERR_USAGE);
    ics_benchmark_free(b);
}

/* ---- the seed -------------------------------------------------------------- */

/*
 * Eight areas of 1,000,000 spells each, excess bed days a (rate = a / 1,000 per
 * 1,000 spells) and excess cost a x c:
 *   a: 130k 190k 190k 290k 340k 410k 465k 540k   (sum 2,555,000 = 7,000 beds x 365)
 *   c: 397  400  391  220  210  200  180  180    pounds a day (cost sum £600.0m)
 * Q1 (n = 8, h = 1.75) = 190 + 0.75 x 0 = 190, so the gaps are a - 190k:
 * 100k + 150k + 220k + 275k + 350k = 1,095,000 bed days = 3,000 beds.
 * A third: 365,000 bed days = 1,000 beds. Pounds: (100k x 220 + 150k x 210 +
 * 220k x 200 + 275k x 180 + 350k x 180) / 3 = 210,000,000 / 3 = £70,000,000,
 * i.e. £191.78 a bed day against the average £600m / 2,555,000 = £234.83.
 */
static const double seed_a[8] = {130000, 190000, 190000, 290000, 340000, 410000, 465000, 540000};
static const int64_t seed_c[8] = {397, 400, 391, 220, 210, 200, 180, 180};

static void test_seed_arithmetic(void)
{
    /* The headline figures on their own. */
    CHECK_INT(7000 * 365, 2555000);
    char buf[64];
    ics_ratio_format(60000000000LL, 2555000, 2, buf, sizeof buf);   /* £600m in pence / bed days */
    CHECK_STR(buf, "23483.37");                                      /* pence: £234.83 */
    CHECK_INT(3000 * 365 / 3, 365000);
    CHECK_INT(365000 / 365, 1000);
    ics_ratio_format(7000000000LL, 365000, 0, buf, sizeof buf);      /* £70m in pence / bed days */
    CHECK_STR(buf, "19178");                                         /* £191.78 */

    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.denominator = ICS_DEN_COLUMN;
    opt.close_gap.num = 1;
    opt.close_gap.den = 3;
    opt.days = 365;
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    CHECK_INT(ics_benchmark_new(&opt, &b, &err), ICS_OK);
    /* pretend the table had cost columns */
    int64_t cost_total = 0;
    for (int i = 0; i < 8; i++) {
        char code[16];
        snprintf(code, sizeof code, "E0%d", i + 1);
        struct ics_benchmark_input in;
        memset(&in, 0, sizeof in);
        in.code = code;
        in.line = i + 2;
        in.numerator = seed_a[i];
        in.denominator = 1000000;
        in.has_cost = 1;
        in.excess_bed_days = seed_a[i];
        in.excess_cost_pence = (int64_t)seed_a[i] * seed_c[i] * 100;
        cost_total += in.excess_cost_pence;
        CHECK_INT(ics_benchmark_add(b, &in, &err), ICS_OK);
    }
    CHECK_INT(cost_total, 60000000000LL);        /* £600m */
    CHECK_INT(run(b), ICS_OK);
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    CHECK(info->gap_days == 1095000.0L);
    CHECK(info->opportunity == 365000.0L);          /* exactly: 1 x 1,095,000 / 3 */
    CHECK(info->has_pounds);
    CHECK_INT(info->pence, 7000000000LL);           /* £70,000,000.00 */
    const struct ics_benchmark_row *t = ics_benchmark_total(b);
    CHECK(t->opportunity == 365000.0);
    CHECK(t->opportunity_beds == 1000.0);
    CHECK_INT(t->opportunity_pence, 7000000000LL);
    CHECK(t->numerator / 365 == 7000.0);
    CHECK_NEAR(row_of(b, "E04")->target, 190, 0);
    /* 100,000 / 3 x £220 = £7,333,333.333...: 733,333,333 pence */
    CHECK_INT(row_of(b, "E04")->opportunity_pence, 733333333LL);
    char line[256];
    ics_benchmark_summary_line(b, "1/3", line, sizeof line);
    CHECK_STR(line, "Closing 1/3 of the gap to the top quartile releases 365,000 bed days = 1,000 beds, \xc2\xa3" "70.0m");
    ics_benchmark_free(b);
}

/* Many thirds: summing per-code thirds in double drifts; the total does not. */
static void test_no_float_drift(void)
{
    /* 4 low codes at rate 0 and 999 codes at rate 1 (no denominator): Q1 = 1? No:
     * 1003 codes, h = 1002 x 0.25 = 250.5, so Q1 is between order statistics 250
     * and 251, both 1 when only 4 codes are 0. Use 300 zeros instead: sorted
     * positions 0..299 are 0, so Q1 = 0 and each of the 703 ones has a gap of 1. */
    struct code_in *codes = calloc(1003, sizeof *codes);
    char (*names)[16] = calloc(1003, sizeof *names);
    if (!codes || !names) {
        free(codes);
        free(names);
        CHECK(0);
        return;
    }
    for (int i = 0; i < 1003; i++) {
        snprintf(names[i], 16, "C%04d", i);
        codes[i] = (struct code_in){names[i], i < 300 ? 0 : 1, NAN};
    }
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.close_gap.num = 1;
    opt.close_gap.den = 3;
    opt.has_cost_per_day = 1;
    opt.cost_per_day_pence = 30;   /* £0.30 */
    struct ics_benchmark *b = make(&opt, codes, 1003);
    CHECK_INT(run(b), ICS_OK);
    double naive = 0;
    for (size_t i = 0; i < ics_benchmark_count(b); i++)
        naive += ics_benchmark_row(b, i)->opportunity;
    CHECK_NEAR(naive, 703.0 / 3, 1e-9);    /* the naive sum may drift in the last bits; ours must not */
    CHECK(ics_benchmark_info(b)->opportunity == 703.0L / 3);
    CHECK(ics_benchmark_total(b)->opportunity == (double)(703.0L / 3));
    CHECK_INT(ics_benchmark_info(b)->pence, 7030);   /* 703 / 3 x 30p = £70.30 */
    CHECK_INT(ics_benchmark_total(b)->opportunity_pence, 7030);
    ics_benchmark_free(b);
    free(codes);
    free(names);
}

/* ---- areas and populations -------------------------------------------------- */

static void test_areas_rollup(void)
{
    /* Four LAs: two in ICB I1, two in I2, all in region R. Rates 10..40 as in
     * `four`: gaps 0, 2.5, 12.5, 22.5. I1 = {A, B}: 2.5; I2 = {C, D}: 35. */
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    struct ics_benchmark *b = make(&opt, four, 4);
    struct ics_error err;
    CHECK_INT(ics_benchmark_set_area(b, "A", "I1", "One", "R", "Region", &err), ICS_OK);
    CHECK_INT(ics_benchmark_set_area(b, "B", "I1", "One", "R", "Region", &err), ICS_OK);
    CHECK_INT(ics_benchmark_set_area(b, "C", "I2", "Two", "R", "Region", &err), ICS_OK);
    CHECK_INT(ics_benchmark_set_area(b, "D", "I2", "Two", "R", "Region", &err), ICS_OK);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(ics_benchmark_rollup_count(b), 3);
    const struct ics_benchmark_rollup *r = ics_benchmark_rollup(b, 0);
    CHECK_STR(r->level, "icb");
    CHECK_STR(r->code, "I1");
    CHECK_STR(r->name, "One");
    CHECK_NEAR(r->opportunity, 2.5, 1e-12);
    CHECK_INT(r->codes, 2);
    CHECK_INT(r->contributing, 1);
    r = ics_benchmark_rollup(b, 1);
    CHECK_STR(r->code, "I2");
    CHECK_NEAR(r->opportunity, 35, 1e-12);
    r = ics_benchmark_rollup(b, 2);
    CHECK_STR(r->level, "region");
    CHECK_NEAR(r->opportunity, 37.5, 1e-12);
    CHECK_INT(r->codes, 4);
    ics_benchmark_free(b);
}

static void test_embedded_population(void)
{
    int64_t p = 0;
    /* Hartlepool, mid-2020: 93,836 (data/population/ons_mid2020_lad2021.csv line 2,
     * from shared/data/population/demographr_population20_ltla21.csv). */
    CHECK_INT(ics_benchmark_population_lookup("ons", "E06000001", &p), 0);
    CHECK_INT(p, 93836);
    CHECK_INT(ics_benchmark_population_lookup("ons-mid2019", "E06000047", &p), 0);
    CHECK_INT(p, 530094);   /* County Durham, mid-2019 */
    CHECK_INT(ics_benchmark_population_lookup("ons", "E99999999", &p), -1);
    CHECK_INT(ics_benchmark_population_lookup("nope", "E06000001", &p), -1);
    const char *desc = NULL;
    CHECK_STR(ics_benchmark_population_name(0, &desc), "ons-mid2020");
    CHECK(ics_benchmark_population_name(9, NULL) == NULL);
}

static void test_geography_population(void)
{
    /* Halton E06000006 is in Cheshire and Merseyside ICB E54000008 (the geography
     * helper's test); the ICB's population is the sum of its LAs in the table. */
    struct ics_geography *g = NULL;
    struct ics_error err;
    if (ics_geography_default(&g, &err) != ICS_OK) {
        CHECK(0);
        return;
    }
    long double want = 0;
    for (size_t i = 0; i < ics_geography_count(g); i++) {
        const struct ics_geography_area *a = ics_geography_at(g, i);
        int64_t p;
        if (strcmp(a->icb_code, "E54000008") == 0 && ics_benchmark_population_lookup("ons", a->la_code, &p) == 0)
            want += (long double)p;
    }
    CHECK(want > 2000000);   /* Cheshire and Merseyside: about 2.6 million */
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.denominator = ICS_DEN_POPULATION;
    static const struct code_in codes[] = {{"E06000006", 10, NAN}, {"E54000008", 100, NAN}, {"RXX", 1, NAN}};
    struct ics_benchmark *b = make(&opt, codes, 3);
    CHECK_INT(ics_benchmark_use_population(b, "ons", &err), ICS_OK);
    size_t matched = 0;
    CHECK_INT(ics_benchmark_use_geography(b, g, &matched, &err), ICS_OK);
    CHECK_INT(matched, 2);
    CHECK_INT(run(b), ICS_OK);
    CHECK_NEAR(row_of(b, "E06000006")->denominator, 129759, 0);   /* Halton mid-2020 */
    CHECK_NEAR(row_of(b, "E54000008")->denominator, (double)want, 0);
    CHECK(row_of(b, "RXX")->problem && strstr(row_of(b, "RXX")->problem, "no population"));
    ics_benchmark_free(b);
    ics_geography_free(g);
}

/* ---- reading a table ----------------------------------------------------------- */

static const char table_text[] =
    "level,code,name,excess_bed_days,spells,excess_cost,days\n"
    "provider,A,\"Alpha, one\",\"1,000\",20000,250000.00,365\n"
    "provider,B,Bravo,1600,40000,\"384,000.00\",365\n"
    "provider,C,Charlie,900,10000,270000,365\n"
    "provider,D,Delta,3000,50000,600000.00,365\n"
    "provider,E,Echo,x,25000,650000.00,365\n"
    "provider,F,Foxtrot,2100,0,462000.00,365\n"
    "total,total,Total,8600,145000,2616000.00,365\n";

static int write_temp(char *path, const char *text)
{
    memcpy(path, "/tmp/ics_test_benchmark_XXXXXX", sizeof "/tmp/ics_test_benchmark_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    return ok ? 0 : -1;
}

static int read_and_run(const char *path, struct ics_benchmark **out)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.close_gap.num = 1;
    opt.close_gap.den = 2;
    struct ics_error err;
    struct ics_benchmark *b = NULL;
    int rc = ics_benchmark_new(&opt, &b, &err);
    if (rc == ICS_OK)
        rc = ics_benchmark_read_table(b, path, "t.csv", "excess_bed_days/spells", &err);
    if (rc == ICS_OK)
        rc = ics_benchmark_run(b, &err);
    if (rc == ICS_OK && out) {
        *out = b;
        return rc;
    }
    ics_benchmark_free(b);
    return rc;
}

static void test_read_table(void)
{
    /* A..D are the worked example's RAA..RAD (rates 50, 40, 90, 60), "1,000" read with its
     * thousands separator; E's numerator is text, F's denominator zero: both excluded.
     * Four rates 40, 50, 60, 90: Q1 = 40 + 0.75 x 10 = 47.5. Gaps: A 2.5 x 20 = 50,
     * C 42.5 x 10 = 425, D 12.5 x 50 = 625; 1,100 in all, half 550. Pounds at each code's own
     * cost: 25 x 250 + 212.5 x 300 + 312.5 x 200 = 6,250 + 63,750 + 62,500 = 132,500. */
    char path[64];
    if (write_temp(path, table_text) != 0) {
        CHECK(0);
        return;
    }
    struct ics_benchmark *b = NULL;
    CHECK_INT(read_and_run(path, &b), ICS_OK);
    if (b) {
        CHECK_INT(ics_benchmark_count(b), 6);   /* the total row is skipped */
        CHECK_STR(row_of(b, "A")->name, "Alpha, one");
        CHECK_NEAR(row_of(b, "A")->numerator, 1000, 0);
        CHECK_NEAR(row_of(b, "A")->target, 47.5, 1e-12);
        CHECK(isnan(row_of(b, "E")->rate));
        CHECK(strstr(row_of(b, "E")->problem, "'x'") != NULL);
        CHECK(strstr(row_of(b, "F")->problem, "zero denominator") != NULL);
        CHECK_NEAR(ics_benchmark_total(b)->opportunity, 550, 1e-12);
        CHECK_INT(ics_benchmark_total(b)->opportunity_pence, 13250000);   /* £132,500.00 */
        CHECK_INT(ics_benchmark_info(b)->days, 365);
        CHECK_INT(ics_benchmark_info(b)->days_from, ICS_DAYS_FROM_TABLE);
        CHECK_INT(ics_benchmark_info(b)->cost_from, ICS_COST_FROM_TABLE);
        CHECK_INT(ics_benchmark_info(b)->contributing, 3);   /* A, C and D have a gap */
        const struct ics_benchmark_table *t = ics_benchmark_table(b);
        CHECK_STR(t->label, "t.csv");
        CHECK_STR(t->numerator, "excess_bed_days");
        CHECK_STR(t->denominator, "spells");
        CHECK_INT(t->days_state, 1);
        CHECK_INT(t->days, 365);
        CHECK_INT(t->days_line, 2);
        ics_benchmark_free(b);
    }
    /* Every allocation failing in turn: NOMEM, never a crash or a leak. */
    int ok = 0;
    for (long n = 0; n < 5000 && !ok; n++) {
        ics_alloc_fail_after(n);
        int rc = read_and_run(path, NULL);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK_INT(rc, ICS_ERR_NOMEM);
    }
    CHECK(ok);
    unlink(path);
}

/* ---- messages, long fields, the table's facts -------------------------------------- */

/* The library never names a command-line option ("--days"): the command words
 * those problems itself. Each setting problem is met here and its message checked. */
static int fails_without_option_names(struct ics_benchmark *b, const char *path, const char *metric,
                                      int expect, const char *expect_text)
{
    struct ics_error err;
    ics_error_clear(&err);
    int rc = path ? ics_benchmark_read_table(b, path, "t.csv", metric, &err) : ICS_OK;
    if (rc == ICS_OK)
        rc = ics_benchmark_run(b, &err);
    int ok = rc == expect && !strstr(err.message, "--") && strstr(err.message, expect_text) != NULL;
    if (!ok)
        fprintf(stderr, "rc %d (expected %d): %s\n", rc, expect, err.message);
    ics_benchmark_free(b);
    return ok;
}

static struct ics_benchmark *new_with_bed_days(enum ics_benchmark_denominator den, enum ics_benchmark_within within,
                                               enum ics_benchmark_target target, enum ics_benchmark_bed_days bed_days)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.bed_days = bed_days;
    opt.denominator = den;
    opt.within = within;
    opt.target = target;
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    CHECK_INT(ics_benchmark_new(&opt, &b, &err), ICS_OK);
    return b;
}

static struct ics_benchmark *new_with(enum ics_benchmark_denominator den, enum ics_benchmark_within within,
                                      enum ics_benchmark_target target)
{
    return new_with_bed_days(den, within, target, ICS_BED_DAYS_AUTO);
}

/* The four codes 10, 20, 30, 40 (scale 1) with a grouping and a target. */
static struct ics_benchmark *make_four(enum ics_benchmark_within within, enum ics_benchmark_target target)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.within = within;
    opt.target = target;
    return make(&opt, four, 4);
}

static void test_messages_name_no_option(void)
{
    char path[64];
    if (write_temp(path, "code,ebd,spells,days\nA,1,10,365\nB,2,10,365\nC,3,10,181\nD,4,10,365\n") != 0) {
        CHECK(0);
        return;
    }
    const enum ics_benchmark_target tq = ICS_TARGET_TOP_QUARTILE;
    CHECK(fails_without_option_names(new_with(ICS_DEN_NONE, ICS_WITHIN_ALL, tq), path, "", ICS_ERR_USAGE,
                                     "no metric given"));
    CHECK(fails_without_option_names(new_with(ICS_DEN_NONE, ICS_WITHIN_ALL, tq), path, "ebd/", ICS_ERR_USAGE,
                                     "metric 'ebd/': expected NUM or NUM/DEN"));
    /* days 365, 365, 181: refused at run time unless options.days is given (days count only for
     * bed days, and the column 'ebd' is bed days only when said so) */
    CHECK(fails_without_option_names(new_with_bed_days(ICS_DEN_NONE, ICS_WITHIN_ALL, tq, ICS_BED_DAYS_YES), path,
                                     "ebd", ICS_ERR_USAGE,
                                     "t.csv: the days column differs between rows (365 on line 2, 181 on line 4)"));
    struct ics_benchmark *b = new_with(ICS_DEN_POPULATION, ICS_WITHIN_ALL, tq);
    struct ics_error err;
    CHECK_INT(ics_benchmark_read_table(b, path, "t.csv", "ebd/spells", &err), ICS_OK);
    const struct ics_benchmark_table *t = ics_benchmark_table(b);
    CHECK_STR(t->denominator, "spells");
    CHECK_INT(t->days_state, 2);
    CHECK_INT(t->days, 365);
    CHECK_INT(t->days_line, 2);
    CHECK_INT(t->other_days, 181);
    CHECK_INT(t->other_days_line, 4);
    CHECK_INT(ics_benchmark_add_population(b, "A", 100, 0, &err), ICS_OK);
    CHECK(fails_without_option_names(b, NULL, NULL, ICS_ERR_USAGE,
                                     "the metric has a denominator column ('spells')"));
    CHECK(fails_without_option_names(make_four(ICS_WITHIN_FILE, tq), NULL, NULL, ICS_ERR_USAGE,
                                     "the groups list has no rows"));
    CHECK(fails_without_option_names(make_four(ICS_WITHIN_ICB, tq), NULL, NULL, ICS_ERR_USAGE,
                                     "peer groups by ICB need a geography"));
    CHECK(fails_without_option_names(make_four(ICS_WITHIN_ALL, ICS_TARGET_BEST5OF10), NULL, NULL,
                                     ICS_ERR_USAGE, "the best 5 of 10 target needs peers"));
    unlink(path);

    /* No cost: the summary ends "; no cost per bed day" for the caller to say how to give one.
     * Four codes 10, 20, 30, 40 (scale 1): Q1 17.5, gaps 2.5 + 12.5 + 22.5 = 37.5; beds 37.5 / 365 = 0.1. */
    b = make_four(ICS_WITHIN_ALL, tq);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(ics_benchmark_info(b)->cost_from, ICS_COST_NONE);
    CHECK_INT(ics_benchmark_info(b)->days_from, ICS_DAYS_DEFAULT);
    const char *want = "Closing the gap to the top quartile releases 37.5 bed days = 0.1 beds; no cost per bed day";
    char line[256];
    CHECK_INT(ics_benchmark_summary_line(b, NULL, NULL, 0), strlen(want));
    CHECK_INT(ics_benchmark_summary_line(b, NULL, line, sizeof line), strlen(want));
    CHECK_STR(line, want);
    memset(line, 'x', sizeof line);
    CHECK_INT(ics_benchmark_summary_line(b, NULL, line, strlen(want)), strlen(want));   /* no room for NUL */
    CHECK_STR(line, "");
    for (size_t i = 0; i < ics_benchmark_note_count(b); i++)
        CHECK(!strstr(ics_benchmark_note(b, i), "--"));
    ics_benchmark_free(b);
}

/* Fields are kept whole: a 300-character code (it was cut to 255), a problem
 * naming a 300-character column, and a number written with 75 characters
 * (the core grammar reads any length; the old reader refused over 64). */
static void test_long_fields(void)
{
    char code[301], column[301], number[80], text[1400];
    memset(code, 'K', 300);
    code[300] = '\0';
    memset(column, 'c', 300);
    column[300] = '\0';
    /* 1000 followed by a point and 70 zeros: 75 characters */
    memcpy(number, "1000.", 5);
    memset(number + 5, '0', 70);
    number[75] = '\0';
    snprintf(text, sizeof text, "code,%s\n%s,%s\nB,2\nC,3\nD,4\nE,x\n", column, code, number);
    char path[64];
    if (write_temp(path, text) != 0) {
        CHECK(0);
        return;
    }
    struct ics_benchmark *b = new_with(ICS_DEN_NONE, ICS_WITHIN_ALL, ICS_TARGET_TOP_QUARTILE);
    struct ics_error err;
    CHECK_INT(ics_benchmark_read_table(b, path, "t.csv", column, &err), ICS_OK);
    CHECK_INT(ics_benchmark_run(b, &err), ICS_OK);
    CHECK_INT(ics_benchmark_count(b), 5);
    CHECK_STR(ics_benchmark_row(b, 0)->code, code);
    CHECK_NEAR(ics_benchmark_row(b, 0)->numerator, 1000, 0);
    char problem[400];
    snprintf(problem, sizeof problem, "numerator 'x' in column '%s' is not a number", column);
    CHECK_STR(ics_benchmark_row(b, 4)->problem, problem);
    ics_benchmark_free(b);
    unlink(path);
}

/* ---- two runs at once ------------------------------------------------------------ */

/* A benchmark of n codes in a shuffled order, best 5 of each code's 10 next
 * codes, run and reduced to what a caller reads. The results of one run on
 * its own and of two different runs on two threads at once must be the same:
 * nothing the run uses is shared (sorting once went through a file-static
 * pointer to the items being sorted). */
struct run_result {
    size_t n;
    uint64_t seed;
    int rc;
    int *rank, *band;
    double *target, *opportunity;
    size_t notes;
    double total;
};

static void run_shuffled(struct run_result *r)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.target = ICS_TARGET_BEST5OF10;
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    r->rc = ics_benchmark_new(&opt, &b, &err);
    size_t *order = malloc(r->n * sizeof *order);
    for (size_t i = 0; i < r->n; i++)
        order[i] = i;
    uint64_t state = r->seed;
    for (size_t i = r->n - 1; i > 0; i--) {   /* Fisher-Yates */
        size_t j = (size_t)(ics_splitmix64_next(&state) % (i + 1));
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    char code[32], peer[32];
    for (size_t i = 0; i < r->n && r->rc == ICS_OK; i++) {
        size_t c = order[i];
        snprintf(code, sizeof code, "C%06zu", c);
        struct ics_benchmark_input in;
        memset(&in, 0, sizeof in);
        in.code = code;
        in.line = (long)i + 2;
        in.numerator = (double)(ics_splitmix64_mix(r->seed ^ c) % 1000);
        in.denominator = NAN;
        r->rc = ics_benchmark_add(b, &in, &err);
        for (size_t k = 1; k <= 10 && r->rc == ICS_OK; k++) {
            snprintf(peer, sizeof peer, "C%06zu", (c + k) % r->n);
            r->rc = ics_benchmark_add_peer(b, code, peer, (long)(i * 10 + k), &err);
        }
    }
    free(order);
    if (r->rc == ICS_OK)
        r->rc = ics_benchmark_run(b, &err);
    if (r->rc == ICS_OK) {
        r->rank = malloc(r->n * sizeof *r->rank);
        r->band = malloc(r->n * sizeof *r->band);
        r->target = malloc(r->n * sizeof *r->target);
        r->opportunity = malloc(r->n * sizeof *r->opportunity);
        for (size_t i = 0; i < r->n; i++) {
            const struct ics_benchmark_row *row = ics_benchmark_row(b, i);
            r->rank[i] = row->rank;
            r->band[i] = row->band;
            r->target[i] = row->target;
            r->opportunity[i] = row->opportunity;
        }
        r->notes = ics_benchmark_note_count(b);
        r->total = ics_benchmark_total(b)->opportunity;
    }
    ics_benchmark_free(b);
}

static void *run_thread(void *arg)
{
    run_shuffled(arg);
    return NULL;
}

static int same_result(const struct run_result *x, const struct run_result *y)
{
    if (x->rc != ICS_OK || y->rc != ICS_OK || x->n != y->n || x->notes != y->notes || x->total != y->total)
        return 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->rank[i] != y->rank[i] || x->band[i] != y->band[i] || x->target[i] != y->target[i] ||
            x->opportunity[i] != y->opportunity[i])
            return 0;
    return 1;
}

static void free_result(struct run_result *r)
{
    free(r->rank);
    free(r->band);
    free(r->target);
    free(r->opportunity);
    r->rank = r->band = NULL;
    r->target = r->opportunity = NULL;
}

static void test_concurrent_runs(void)
{
    struct run_result alone[2] = {{.n = 3000, .seed = 1}, {.n = 3000, .seed = 2}};
    for (int k = 0; k < 2; k++) {
        run_shuffled(&alone[k]);
        CHECK_INT(alone[k].rc, ICS_OK);
        CHECK_INT(alone[k].notes, 0);   /* every code has its 10 peers, all with a rate */
    }
    /* The two data sets differ (same size, so that the two threads reach their
     * sorts together), so a mix-up would show: with the old file-static sort
     * pointer this failed in about one round in five. */
    CHECK(alone[0].total != alone[1].total);
    for (int round = 0; round < 16; round++) {
        struct run_result both[2] = {{.n = 3000, .seed = 1}, {.n = 3000, .seed = 2}};
        pthread_t th[2];
        int started[2];
        for (int k = 0; k < 2; k++)
            started[k] = pthread_create(&th[k], NULL, run_thread, &both[k]) == 0;
        for (int k = 0; k < 2; k++) {
            CHECK(started[k]);
            if (started[k])
                pthread_join(th[k], NULL);
            CHECK(same_result(&both[k], &alone[k]));
            free_result(&both[k]);
        }
    }
    free_result(&alone[0]);
    free_result(&alone[1]);
}

/* ---- allocation failures ---------------------------------------------------- */

static int full_run(void)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.within = ICS_WITHIN_FILE;
    opt.target = ICS_TARGET_BEST5OF10;
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    int rc = ics_benchmark_new(&opt, &b, &err);
    if (rc)
        return rc;
    char code[16], peer[16];
    for (int i = 0; i < 12 && rc == ICS_OK; i++) {
        snprintf(code, sizeof code, "K%d", i);
        struct ics_benchmark_input in;
        memset(&in, 0, sizeof in);
        in.code = code;
        in.name = "n";
        in.numerator = i;
        in.denominator = NAN;
        rc = ics_benchmark_add(b, &in, &err);
        if (rc == ICS_OK)
            rc = ics_benchmark_set_group(b, code, i < 6 ? "g1" : "g2", i, &err);
        if (rc == ICS_OK)
            rc = ics_benchmark_set_area(b, code, i % 2 ? "I1" : "I2", "icb", "R", "region", &err);
        for (int k = 0; k < 12 && rc == ICS_OK; k++) {
            snprintf(peer, sizeof peer, "K%d", k);
            if (k != i)
                rc = ics_benchmark_add_peer(b, code, peer, k, &err);
        }
    }
    if (rc == ICS_OK)
        rc = ics_benchmark_run(b, &err);
    char line[256];
    if (rc == ICS_OK)
        ics_benchmark_summary_line(b, NULL, line, sizeof line);
    ics_benchmark_free(b);
    return rc;
}

static void test_allocation_failures(void)
{
    CHECK_INT(full_run(), ICS_OK);
    int ok = 0;
    for (long n = 0; n < 5000 && !ok; n++) {
        ics_alloc_fail_after(n);
        int rc = full_run();
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK_INT(rc, ICS_ERR_NOMEM);
    }
    CHECK(ok);
}

/* ---- pence, bed days and units ------------------------------------------------ */

/* The four codes 10, 20, 30, 40 (scale 1, lower better): Q1 = 17.5, gaps 0, 2.5, 12.5 and
 * 22.5 bed days, 37.5 in all (0.1 beds over 365 days), priced at one cost per day. */
static struct ics_benchmark *four_at_cost(int64_t pence_per_day)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.has_cost_per_day = 1;
    opt.cost_per_day_pence = pence_per_day;
    struct ics_benchmark *b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    return b;
}

static void check_summary_pounds(int64_t pence_per_day, const char *pounds)
{
    struct ics_benchmark *b = four_at_cost(pence_per_day);
    char line[256], want[256];
    snprintf(want, sizeof want, "Closing the gap to the top quartile releases 37.5 bed days = 0.1 beds, %s", pounds);
    ics_benchmark_summary_line(b, NULL, line, sizeof line);
    CHECK_STR(line, want);
    ics_benchmark_free(b);
}

static void test_pence_rounding(void)
{
    /* At 1p a bed day each figure is rounded half away from zero from its exact value, once:
     * B 2.5p -> 3p, C 12.5p -> 13p, D 22.5p -> 23p, and the total 37.5p -> 38p (not 3 + 13 + 23). */
    struct ics_benchmark *b = four_at_cost(1);
    CHECK(row_of(b, "A")->has_pounds);
    CHECK_INT(row_of(b, "A")->opportunity_pence, 0);
    CHECK_INT(row_of(b, "B")->opportunity_pence, 3);
    CHECK_INT(row_of(b, "C")->opportunity_pence, 13);
    CHECK_INT(row_of(b, "D")->opportunity_pence, 23);
    CHECK(ics_benchmark_total(b)->has_pounds);
    CHECK_INT(ics_benchmark_total(b)->opportunity_pence, 38);
    CHECK_INT(ics_benchmark_info(b)->pence, 38);
    CHECK(row_of(b, "B")->opportunity_pounds == 0.03);    /* the pence as a number, for arithmetic */
    CHECK(ics_benchmark_total(b)->opportunity_pounds == 0.38);
    ics_benchmark_free(b);
    /* The summary: to the pound and grouped below £1m, millions from what rounds to £1,000,000.
     * 37.5 x 1p = 38p -> "£0"; 37.5 x £365.04 = £13,689.00; 37.5 x £26,666.65 = £999,999.375
     * -> £999,999.38 -> "£999,999"; 37.5 x £26,666.66 = £999,999.75 -> "£1.0m". */
    /* Pence beyond int64 are left unknown, with a note, never wrapped: at INT64_MAX / 10 pence a day
     * (922,337,203,685,477,580p) B's 2.5 days fit (2,305,843,009,213,693,950p) and C's 12.5 do not. */
    b = four_at_cost(INT64_MAX / 10);
    CHECK(row_of(b, "B")->has_pounds);
    CHECK_INT(row_of(b, "B")->opportunity_pence, 2305843009213693950LL);
    CHECK(!row_of(b, "C")->has_pounds);
    CHECK(isnan(row_of(b, "C")->opportunity_pounds));
    CHECK(!ics_benchmark_total(b)->has_pounds);
    int noted = 0;
    for (size_t i = 0; i < ics_benchmark_note_count(b); i++)
        noted += strstr(ics_benchmark_note(b, i), "too large to hold in pence") != NULL;
    CHECK_INT(noted, 1);
    char line[256];
    ics_benchmark_summary_line(b, NULL, line, sizeof line);
    CHECK_STR(line, "Closing the gap to the top quartile releases 37.5 bed days = 0.1 beds; pounds too large to hold "
                    "in pence");
    ics_benchmark_free(b);
    check_summary_pounds(1, "\xc2\xa3" "0");
    check_summary_pounds(36504, "\xc2\xa3" "13,689");
    check_summary_pounds(2666665, "\xc2\xa3" "999,999");
    check_summary_pounds(2666666, "\xc2\xa3" "1.0m");
}

static void test_bed_days_names(void)
{
    CHECK_INT(ics_benchmark_bed_days_name("excess_bed_days"), 1);
    CHECK_INT(ics_benchmark_bed_days_name("bed_days"), 1);
    CHECK_INT(ics_benchmark_bed_days_name("Occupied_Bed_Days"), 1);
    CHECK_INT(ics_benchmark_bed_days_name("long_stay_21_bed_days"), 1);
    CHECK_INT(ics_benchmark_bed_days_name("long_stay_21_spells"), 0);
    CHECK_INT(ics_benchmark_bed_days_name("ebd"), 0);
    CHECK_INT(ics_benchmark_bed_days_name("bed_days_lost"), 0);
    CHECK_INT(ics_benchmark_bed_days_name("days"), 0);
    CHECK_INT(ics_benchmark_bed_days_name(""), 0);
}

/* Four codes of 1,000 spells with 10, 20, 30 and 40 long stays (rates per 1,000 the same):
 * gaps 0, 2.5, 12.5, 22.5 = 37.5 long stays. Each code's excess days cost £100 each. */
static const char long_stays_text[] =
    "code,long_stay_21_spells,spells,excess_cost,excess_bed_days\n"
    "A,10,1000,100.00,1\nB,20,1000,100.00,1\nC,30,1000,100.00,1\nD,40,1000,100.00,1\n";

static struct ics_benchmark *read_long_stays(const char *path, enum ics_benchmark_bed_days bed_days,
                                             int with_occupancy, int *rc)
{
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.bed_days = bed_days;
    if (with_occupancy) {
        opt.occupancy.num = 23;
        opt.occupancy.den = 25;
    }
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    *rc = ics_benchmark_new(&opt, &b, &err);
    if (*rc == ICS_OK)
        *rc = ics_benchmark_read_table(b, path, "t.csv", "long_stay_21_spells/spells", &err);
    if (*rc == ICS_OK)
        *rc = ics_benchmark_run(b, &err);
    if (*rc == ICS_ERR_USAGE) {
        /* the library words it without the command's option names */
        CHECK(!strstr(err.message, "--"));
        CHECK_STR(err.message, "t.csv: an occupancy was given, but the numerator 'long_stay_21_spells' is not bed "
                               "days, so it has no beds or pounds");
    }
    return b;
}

static void test_bed_days_rule(void)
{
    char path[64];
    if (write_temp(path, long_stays_text) != 0) {
        CHECK(0);
        return;
    }
    int rc;
    struct ics_benchmark *b = read_long_stays(path, ICS_BED_DAYS_AUTO, 0, &rc);
    CHECK_INT(rc, ICS_OK);
    if (b && rc == ICS_OK) {
        const struct ics_benchmark_info *info = ics_benchmark_info(b);
        CHECK_INT(ics_benchmark_bed_days(b), 0);
        CHECK_INT(info->bed_days, 0);
        CHECK_INT(info->cost_from, ICS_COST_NOT_BED_DAYS);
        CHECK_STR(info->numerator_words, "long stay 21 spells");
        CHECK_STR(info->rate_unit, "long stay 21 spells per 1,000 spells");
        CHECK_NEAR(row_of(b, "D")->opportunity, 22.5, 1e-12);
        CHECK(isnan(row_of(b, "D")->opportunity_beds));
        CHECK(!row_of(b, "D")->has_pounds);
        CHECK(!row_of(b, "A")->has_pounds);          /* no gap, and still nothing to price */
        CHECK(isnan(ics_benchmark_total(b)->opportunity_beds));
        CHECK(!ics_benchmark_total(b)->has_pounds);
        CHECK(isnan(ics_benchmark_total(b)->opportunity_pounds));
        CHECK(isnan(row_of(b, "A")->opportunity_pounds));
        CHECK(!info->has_pounds);
        char line[256];
        ics_benchmark_summary_line(b, NULL, line, sizeof line);
        CHECK_STR(line, "Closing the gap to the top quartile releases 37.5 long stay 21 spells");
    }
    ics_benchmark_free(b);

    /* Said to be bed days: 37.5 / 365 = 0.1 beds, at the table's £100 a day £3,750.00. */
    b = read_long_stays(path, ICS_BED_DAYS_YES, 0, &rc);
    CHECK_INT(rc, ICS_OK);
    if (b && rc == ICS_OK) {
        CHECK_INT(ics_benchmark_info(b)->bed_days, 1);
        CHECK_INT(ics_benchmark_info(b)->cost_from, ICS_COST_FROM_TABLE);
        CHECK_NEAR(ics_benchmark_total(b)->opportunity_beds, 37.5 / 365, 1e-12);
        CHECK_INT(ics_benchmark_total(b)->opportunity_pence, 375000);
        CHECK_INT(row_of(b, "D")->opportunity_pence, 225000);
        char line[256];
        ics_benchmark_summary_line(b, NULL, line, sizeof line);
        CHECK_STR(line, "Closing the gap to the top quartile releases 37.5 bed days = 0.1 beds, \xc2\xa3" "3,750");
    }
    ics_benchmark_free(b);

    /* An occupancy (as days or a cost per day would) converts bed days: refused for long stays. */
    b = read_long_stays(path, ICS_BED_DAYS_AUTO, 1, &rc);
    CHECK_INT(rc, ICS_ERR_USAGE);
    ics_benchmark_free(b);
    b = read_long_stays(path, ICS_BED_DAYS_YES, 1, &rc);
    CHECK_INT(rc, ICS_OK);
    ics_benchmark_free(b);
    unlink(path);

    /* Bed days said not to be: no beds. Codes added without a table are bed days. */
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.bed_days = ICS_BED_DAYS_NO;
    b = make(&opt, four, 4);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(ics_benchmark_info(b)->bed_days, 0);
    CHECK(isnan(ics_benchmark_total(b)->opportunity_beds));
    CHECK_STR(ics_benchmark_info(b)->numerator_words, "units of the numerator");
    ics_benchmark_free(b);
    b = make_four(ICS_WITHIN_ALL, ICS_TARGET_TOP_QUARTILE);
    CHECK_INT(run(b), ICS_OK);
    CHECK_INT(ics_benchmark_info(b)->bed_days, 1);
    CHECK_STR(ics_benchmark_info(b)->rate_unit, "bed days");
    ics_benchmark_free(b);
}

/* The rate's unit for each kind of denominator and scale. */
static void check_unit(const char *table, const char *metric, enum ics_benchmark_denominator den, double scale,
                       const char *want)
{
    char path[64];
    if (write_temp(path, table) != 0) {
        CHECK(0);
        return;
    }
    struct ics_benchmark_options opt;
    ics_benchmark_options_init(&opt);
    opt.denominator = den;
    opt.scale = scale;
    struct ics_benchmark *b = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_benchmark_new(&opt, &b, &err);
    if (rc == ICS_OK)
        rc = ics_benchmark_read_table(b, path, "t.csv", metric, &err);
    for (int i = 0; rc == ICS_OK && den == ICS_DEN_POPULATION && i < 4; i++)
        rc = ics_benchmark_add_population(b, (const char[][2]){"A", "B", "C", "D"}[i], 1000, i + 2, &err);
    if (rc == ICS_OK)
        rc = ics_benchmark_run(b, &err);
    CHECK_INT(rc, ICS_OK);
    if (rc == ICS_OK)
        CHECK_STR(ics_benchmark_info(b)->rate_unit, want);
    else
        fprintf(stderr, "%s\n", err.message);
    ics_benchmark_free(b);
    unlink(path);
}

static void test_rate_units(void)
{
    const char *t = "code,excess_bed_days,spells\nA,10,1000\nB,20,1000\nC,30,1000\nD,40,1000\n";
    check_unit(t, "excess_bed_days/spells", ICS_DEN_COLUMN, 0, "excess bed days per 1,000 spells");
    check_unit(t, "excess_bed_days/spells", ICS_DEN_COLUMN, 1, "excess bed days per spell");
    check_unit(t, "excess_bed_days/spells", ICS_DEN_COLUMN, 100, "excess bed days per 100 spells");
    check_unit(t, "excess_bed_days/spells", ICS_DEN_COLUMN, 100000, "excess bed days per 100,000 spells");
    check_unit(t, "excess_bed_days/spells", ICS_DEN_COLUMN, 0.5, "excess bed days per 0.5 spells");
    check_unit(t, "excess_bed_days", ICS_DEN_POPULATION, 0, "excess bed days per 1,000 population");
    check_unit(t, "excess_bed_days", ICS_DEN_POPULATION, 1, "excess bed days per head");
    check_unit(t, "excess_bed_days", ICS_DEN_NONE, 0, "excess bed days");
    check_unit(t, "excess_bed_days", ICS_DEN_NONE, 100, "excess bed days x 100");
    check_unit(t, "spells/excess_bed_days", ICS_DEN_COLUMN, 1, "spells per excess bed day");
}

int main(void)
{
    RUN(test_fraction_parse);
    RUN(test_formats);
    RUN(test_formats_whole);
    RUN(test_four_codes_lower);
    RUN(test_four_codes_higher);
    RUN(test_other_targets);
    RUN(test_ties);
    RUN(test_boundaries);
    RUN(test_all_equal);
    RUN(test_denominators_and_fraction);
    RUN(test_bad_denominators);
    RUN(test_duplicate_code);
    RUN(test_small_group);
    RUN(test_groups_file);
    RUN(test_best5of10);
    RUN(test_seed_arithmetic);
    RUN(test_no_float_drift);
    RUN(test_areas_rollup);
    RUN(test_embedded_population);
    RUN(test_geography_population);
    RUN(test_read_table);
    RUN(test_messages_name_no_option);
    RUN(test_long_fields);
    RUN(test_concurrent_runs);
    RUN(test_pence_rounding);
    RUN(test_bed_days_names);
    RUN(test_bed_days_rule);
    RUN(test_rate_units);
    RUN(test_allocation_failures);
    return TEST_SUMMARY("benchmark");
}
