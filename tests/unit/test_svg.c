/*
 * SVG primitives and charts: fixed coordinates (no "-0.0", no "nan"), numbers
 * for people (thousands separators, decimals from the data, never
 * e-notation), calendar date ticks, XML escaping, nice axes, titles from
 * reference data, and charts that are byte-identical on repeat and well
 * formed (every element closed). The full charts are golden files in
 * tests/cli/spc/svg_chart.* and tests/cli/funnel/svg_chart.*, checked by eye;
 * tests/cli/spc/chart_fits_every_point.sh and
 * tests/cli/funnel/chart_keeps_limits_in_view.sh check their geometry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ics/chart.h"
#include "chart/svg_internal.h"

/* Captures what a writer prints into a malloc'd string. */
static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f, arg);
    fclose(f);
    return buf;
}

static void num_writer(FILE *f, const void *arg)
{
    const double *v = arg;
    icsi_svg_num(f, *v);
}

static void test_num(void)
{
    const double in[6] = {-0.04, 12.25, -3.96, NAN, 1e6, 0.05};
    const char *out[6] = {"0.0", "12.3", "-4.0", "0.0", "1000000.0", "0.1"};
    for (int i = 0; i < 6; i++) {
        char *s = capture(num_writer, &in[i]);
        CHECK_STR(s, out[i]);
        free(s);
    }
}

static void text_writer(FILE *f, const void *arg)
{
    icsi_svg_text_escaped(f, arg);
}

static void test_escape(void)
{
    char *s = capture(text_writer, "A&B <c> \"d\" 'e'\x01");
    CHECK_STR(s, "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos; ");
    free(s);
}

static void test_nice_axis(void)
{
    double lo = 3.2, hi = 47.9;
    int dec;
    double step = icsi_svg_nice_axis(&lo, &hi, 6, &dec);
    CHECK_NEAR(step, 10, 0);
    CHECK_NEAR(lo, 0, 0);
    CHECK_NEAR(hi, 50, 0);
    CHECK_INT(dec, 0);
    lo = 0.11;
    hi = 0.19;
    step = icsi_svg_nice_axis(&lo, &hi, 6, &dec);
    CHECK_NEAR(step, 0.02, 1e-15);
    CHECK_INT(dec, 2);
    lo = hi = 5;   /* a flat series still gets an axis */
    icsi_svg_nice_axis(&lo, &hi, 6, &dec);
    CHECK(lo < 5 && hi > 5);
    char b[32];
    icsi_svg_format_fixed(-0.0001, 2, b, sizeof b);
    CHECK_STR(b, "0.00");
    /* the demo's weekly beds (2 to 12.3): steps of 2 (7 intervals) rather than of 5 (3) */
    lo = 1;
    hi = 12.3;
    step = icsi_svg_nice_axis(&lo, &hi, 5, &dec);
    CHECK_NEAR(step, 2, 0);
    CHECK_NEAR(lo, 0, 0);
    CHECK_NEAR(hi, 14, 0);
    /* England's 21+ day beds, 14,557 to 18,674: thousands */
    lo = 14557;
    hi = 18674;
    step = icsi_svg_nice_axis(&lo, &hi, 5, &dec);
    CHECK_NEAR(step, 1000, 0);
    CHECK_NEAR(lo, 14000, 0);
    CHECK_NEAR(hi, 19000, 0);
}

static void test_format_numbers(void)
{
    /* the one rule: three significant figures, whole numbers from 100 up, separators, no trailing zeros */
    const double in[] = {17970.4, 1234567, 5.8214, -0.5, 0, 0.15312, 9.025350103966817, 2.6175070114177976,
                         17972.75420168067, 1e20, 0.000000123, -0.0001, 99.96};
    const char *want[] = {"17,970", "1,234,567", "5.82", "-0.5", "0", "0.153", "9.03", "2.62",
                          "17,973", "100,000,000,000,000,000,000", "0.000000123", "-0.0001", "100"};
    char b[64];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        icsi_svg_format_value(in[i], 0, b, sizeof b);
        CHECK_STR(b, want[i]);
    }
    /* never fewer decimals than the axis step: 1,000.3 on an axis of 0.1 steps, not 1,000 */
    icsi_svg_format_value(1000.34, 0.1, b, sizeof b);
    CHECK_STR(b, "1,000.3");
    icsi_svg_format_value(17276.59, 1000, b, sizeof b);
    CHECK_STR(b, "17,277");
    icsi_svg_format_value(NAN, 0, b, sizeof b);
    CHECK_STR(b, "");
    /* fixed decimals, for axis ticks */
    icsi_svg_format_fixed(-1234.5, 1, b, sizeof b);
    CHECK_STR(b, "-1,234.5");
    icsi_svg_format_fixed(999999.6, 0, b, sizeof b);
    CHECK_STR(b, "1,000,000");
    icsi_svg_format_fixed(-0.4, 0, b, sizeof b);
    CHECK_STR(b, "0");
    icsi_svg_format_fixed(100, 0, b, sizeof b);
    CHECK_STR(b, "100");
    icsi_svg_format_fixed(123456, 2, b, sizeof b);
    CHECK_STR(b, "123,456.00");
    CHECK_INT(icsi_svg_step_decimals(0.25), 2);
    CHECK_INT(icsi_svg_step_decimals(2), 0);
    CHECK_INT(icsi_svg_step_decimals(0.1), 1);
}

/* The ticks' dates as "YYYY-MM-DD,..." */
static void ticks_text(const struct icsi_date_ticks *t, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n && k + 12 < size; i++) {
        if (i)
            buf[k++] = ',';
        ics_date_format(t->date[i], buf + k);
        k += 10;
    }
    buf[k] = '\0';
}

static void test_date_ticks(void)
{
    struct icsi_date_ticks t;
    char b[1024], l[32];
    /* 10 days: every day */
    icsi_svg_date_ticks(ics_date_from_ymd(2024, 4, 1), ics_date_from_ymd(2024, 4, 11), 12, &t);
    CHECK_INT(t.unit, ICSI_DAYS);
    ticks_text(&t, b, sizeof b);
    CHECK_STR(b, "2024-04-01,2024-04-02,2024-04-03,2024-04-04,2024-04-05,2024-04-06,2024-04-07,2024-04-08,"
                 "2024-04-09,2024-04-10,2024-04-11");
    icsi_svg_date_label(t.date[1], t.unit, l, sizeof l);
    CHECK_STR(l, "2 Apr");
    /* 8 weeks from a Wednesday: the Mondays (1 April 2024 was a Monday) */
    icsi_svg_date_ticks(ics_date_from_ymd(2024, 4, 3), ics_date_from_ymd(2024, 5, 29), 10, &t);
    CHECK_INT(t.unit, ICSI_WEEKS);
    ticks_text(&t, b, sizeof b);
    CHECK_STR(b, "2024-04-08,2024-04-15,2024-04-22,2024-04-29,2024-05-06,2024-05-13,2024-05-20,2024-05-27");
    /* a financial year: 12 months are too many for 8 ticks, so quarters from January */
    icsi_svg_date_ticks(ics_date_from_ymd(2023, 4, 1), ics_date_from_ymd(2024, 3, 31), 8, &t);
    CHECK_INT(t.unit, ICSI_MONTHS);
    CHECK_INT(t.every, 3);
    ticks_text(&t, b, sizeof b);
    CHECK_STR(b, "2023-04-01,2023-07-01,2023-10-01,2024-01-01");
    icsi_svg_date_label(t.date[0], t.unit, l, sizeof l);
    CHECK_STR(l, "Apr");
    /* the same year with room for 12: every month */
    icsi_svg_date_ticks(ics_date_from_ymd(2023, 4, 1), ics_date_from_ymd(2024, 3, 31), 12, &t);
    CHECK_INT(t.every, 1);
    CHECK_INT(t.n, 12);
    /* five years: 1 January of each year (half years would be 10 ticks) */
    icsi_svg_date_ticks(ics_date_from_ymd(2019, 4, 1), ics_date_from_ymd(2024, 3, 31), 8, &t);
    CHECK_INT(t.unit, ICSI_YEARS);
    ticks_text(&t, b, sizeof b);
    CHECK_STR(b, "2020-01-01,2021-01-01,2022-01-01,2023-01-01,2024-01-01");
    icsi_svg_date_label(t.date[0], t.unit, l, sizeof l);
    CHECK_STR(l, "2020");
    /* thirty years in 4 ticks: every 10 years, on the decades */
    icsi_svg_date_ticks(ics_date_from_ymd(1995, 6, 1), ics_date_from_ymd(2025, 6, 1), 4, &t);
    ticks_text(&t, b, sizeof b);
    CHECK_STR(b, "2000-01-01,2010-01-01,2020-01-01");
    /* three days that hold no Monday with room for 2: the ends */
    icsi_svg_date_ticks(ics_date_from_ymd(2024, 4, 2), ics_date_from_ymd(2024, 4, 4), 2, &t);
    ticks_text(&t, b, sizeof b);
    CHECK_STR(b, "2024-04-02,2024-04-04");
    icsi_svg_date_long(ics_date_from_ymd(2018, 3, 4), l, sizeof l);
    CHECK_STR(l, "4 Mar 2018");
}

static void test_text(void)
{
    /* Helvetica widths x 1.15: "Mean" is 833+556+556+556 = 2501/1000 em */
    CHECK_NEAR(icsi_svg_text_width("Mean", 10, 0), 2.501 * 10 * 1.15, 1e-9);
    char lines[2][64];
    int n = icsi_svg_wrap("Barking, Havering and Redbridge University Hospitals NHS Trust", 300, 16, 1, lines[0],
                          64, 2);
    CHECK_INT(n, 2);
    CHECK(icsi_svg_text_width(lines[0], 16, 1) <= 300);
    CHECK(icsi_svg_text_width(lines[1], 16, 1) <= 300);
    CHECK(strncmp(lines[0], "Barking, Havering", 17) == 0);
    /* too long for two lines: the second ends "..." */
    n = icsi_svg_wrap("one two three four five six seven eight nine ten eleven twelve", 120, 12, 0, lines[0], 64,
                      2);
    CHECK_INT(n, 2);
    CHECK(strstr(lines[1], "...") != NULL);
    CHECK_INT(icsi_svg_wrap("", 100, 12, 0, lines[0], 64, 2), 0);
}

static void test_names(void)
{
    char b[256];
    icsi_chart_measure_words("avg_long_stay_21_beds", b, sizeof b);
    CHECK_STR(b, "Average beds occupied by patients in hospital 21 days or more");
    icsi_chart_measure_words("delayed_transfers", b, sizeof b);
    CHECK_STR(b, "Delayed transfers");
    CHECK_INT(icsi_chart_org_name("RR8", b, sizeof b), 0);
    CHECK_STR(b, "Leeds Teaching Hospitals NHS Trust");
    CHECK_INT(icsi_chart_org_name("E92000001", b, sizeof b), 0);
    CHECK_STR(b, "England");
    CHECK_INT(icsi_chart_org_name("E06000001", b, sizeof b), 0);
    CHECK_STR(b, "Hartlepool");
    CHECK_INT(icsi_chart_org_name("E54000050", b, sizeof b), 0);
    CHECK_STR(b, "NHS North East and North Cumbria Integrated Care Board");
    CHECK_INT(icsi_chart_org_name("E40000012", b, sizeof b), 0);
    CHECK_STR(b, "North East and Yorkshire");
    CHECK_INT(icsi_chart_org_name("-", b, sizeof b), 0);
    CHECK_STR(b, "");
    CHECK_INT(icsi_chart_org_name("E06000028", b, sizeof b), 0);   /* an old code: its successor is another area */
    CHECK_STR(b, "");
    /* looking an ONS code up allocates: a failure is reported, not a wrong name */
    ics_alloc_fail_after(0);
    CHECK_INT(icsi_chart_org_name("E54000050", b, sizeof b), ICS_ERR_NOMEM);
    ics_alloc_fail_after(-1);
}

static void spc_writer(FILE *f, const void *arg)
{
    ics_svg_spc(f, arg);
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void test_spc_chart(void)
{
    const double y[16] = {5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 12};
    struct ics_spc_point p[16];
    memset(p, 0, sizeof p);
    for (int i = 0; i < 16; i++) {
        p[i].date = ics_date_from_ymd(2024, 4, 1) + 7 * i;
        p[i].value = y[i];
    }
    p[8].rebase = 1;
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    o.has_target = 1;
    o.target = 4;
    struct ics_spc_summary s;
    struct ics_error err = {0};
    CHECK_INT(ics_spc_compute(p, 16, &o, &s, &err), 0);
    o.has_target = 0;
    struct ics_svg_spc_chart c = {.title = "R0A <&>", .y_label = "beds", .points = p, .n = 16, .summary = &s,
                                  .direction = ICS_SPC_INCREASE, .has_target = 1, .target = 4};
    char *a = capture(spc_writer, &c);
    char *b = capture(spc_writer, &c);
    CHECK_STR(a, b);                                 /* byte-identical */
    CHECK(strncmp(a, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    CHECK(strstr(a, "viewBox=\"0 0 600 ") != NULL);
    CHECK(strstr(a, "</svg>\n") != NULL);
    CHECK(strstr(a, "R0A &lt;&amp;&gt;") != NULL);  /* the title is escaped */
    /* <title> and <desc> come first, for screen readers */
    const char *t = strstr(a, ">\n<title>R0A &lt;&amp;&gt;</title>\n<desc>XmR chart of beds for R0A");
    CHECK(t != NULL && strchr(a, '>') == t);
    CHECK(strstr(a, "latest value 12 on 15 Jul 2024") != NULL);
    /* every point has a marker with a tooltip; the last (12, beyond the UPL) is an improvement: a blue diamond */
    CHECK_INT(count(a, "</title></circle>") + count(a, "</title></polygon>") + count(a, "</title></rect>"), 16);
    CHECK_INT(count(a, "fill=\"#00b0f0\" stroke=\"#ffffff\" stroke-width=\"0.8\"><title>15 Jul 2024: 12 ("), 1);
    CHECK(strstr(a, "<title>15 Jul 2024: 12 (special cause improvement: outside the process limits)</title></polygon>"));
    CHECK_INT(count(a, ">rebase</text>"), 1);
    /* the icons, each with its words, from the summary's fields */
    CHECK_INT(s.variation, ICS_SPC_ICON_IMPROVEMENT_HIGH);
    CHECK(strstr(a, "<g class=\"variation-icon\"><title>Special cause variation, improvement: higher values</title>"));
    CHECK(strstr(a, ">H</text>") != NULL);
    CHECK_INT(s.assurance, ICS_SPC_ASSURANCE_INCONSISTENT);
    CHECK(strstr(a, "<g class=\"assurance-icon\"><title>Assurance: hit and miss") != NULL);
    CHECK(strstr(a, ">?</text>") != NULL);
    CHECK(strstr(a, ">Variation icon: Special cause variation, improvement: higher values.</text>") != NULL);
    CHECK(strstr(a, "1 Apr 2024") != NULL);
    CHECK(strstr(a, "nan") == NULL && strstr(a, "-0.0\"") == NULL);
    CHECK_INT(count(a, "<text"), count(a, "</text>"));
    CHECK_INT(count(a, "<g"), count(a, "</g>"));
    /* no font below 11 px at the 600 px width */
    for (const char *q = a; (q = strstr(q, "font-size=\"")); q += 11) {
        double size = strtod(q + 11, NULL);
        CHECK(size >= 11);
    }
    free(a);
    free(b);
    /* a series of one point has no limits, and is still a chart */
    struct ics_spc_point one = {.date = ics_date_from_ymd(2024, 4, 1), .value = 17970.4};
    struct ics_spc_summary s1;
    CHECK_INT(ics_spc_compute(&one, 1, &o, &s1, &err), 0);
    struct ics_svg_spc_chart c1 = {.title = "One", .y_label = "beds", .points = &one, .n = 1, .summary = &s1,
                                   .direction = ICS_SPC_INCREASE};
    a = capture(spc_writer, &c1);
    CHECK(strstr(a, "No process limits for the latest") != NULL);
    CHECK(strstr(a, ">Mean 17,970</text>") != NULL);
    CHECK(strstr(a, "nan") == NULL);
    free(a);
}

static void funnel_writer(FILE *f, const void *arg)
{
    ics_svg_funnel(f, arg);
}

static void test_funnel_chart(void)
{
    const struct ics_funnel_row rows[4] = {{"a", 30, 20}, {"b", 10, 15}, {"c", 60, 40}, {"d", 3, 12}};
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    struct ics_funnel_group *g = NULL;
    size_t ng;
    struct ics_funnel_summary res;
    struct ics_error err = {0};
    CHECK_INT(ics_funnel_aggregate(rows, 4, &g, &ng, &err), 0);
    CHECK_INT(ics_funnel_compute(g, ng, &o, &res, &err), 0);
    struct ics_svg_funnel_chart c = {.title = "t", .x_label = "expected", .y_label = "SR", .groups = g, .n = ng,
                                     .opt = &o, .res = &res};
    char *a = capture(funnel_writer, &c);
    char *b = capture(funnel_writer, &c);
    CHECK_STR(a, b);
    CHECK(count(a, "<polyline class=\"limit\"") >= 4);   /* two 95% and two 99.8% curves */
    CHECK_INT(count(a, "</title></circle>") + count(a, "</title></polygon>"), 4);
    CHECK(strstr(a, "nan") == NULL && strstr(a, "inf") == NULL);
    CHECK(strstr(a, "<desc>Funnel plot of t: 4 groups, SR against expected") != NULL);
    free(a);
    /* a failed allocation is an error, and leaks nothing */
    for (long k = 0; k < 3; k++) {
        ics_alloc_fail_after(k);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CHECK_INT(ics_svg_funnel(f, &c), ICS_ERR_NOMEM);
        fclose(f);
        free(buf);
    }
    ics_alloc_fail_after(-1);
    a = capture(funnel_writer, &c);
    free(a);
    free(b);
    ics_free(g);
}


static void test_spc_file_names(void)
{
    /* Series names as file names: letters, digits, '.', '-', '_' kept, the rest (and a leading
     * dot) '_'; a name that cleans up like an earlier one gets "_N", N its series number. */
    char path[] = "/tmp/ics_test_svg_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("ward,date,beds\na/b,2024-01-01,1\na_b,2024-01-01,2\n.x,2024-01-01,3\n,2024-01-01,4\n"
          "R-1.b,2024-01-01,5\nQ,2024-01-01,NA\n",
          f);
    fclose(f);
    struct ics_spc_table_options cols;
    ics_spc_table_options_init(&cols);
    cols.value = "beds";
    cols.series = "ward";
    struct ics_spc_run_options ro;
    ics_spc_run_options_init(&ro);
    struct ics_error err = {0};
    struct ics_spc_input *in = NULL;
    struct ics_spc_result *res = NULL;
    CHECK_INT(ics_spc_read_table(path, &cols, &in, &err), 0);
    CHECK_INT(ics_spc_run(in, &ro, &res, &err), 0);
    unlink(path);
    if (!res)
        return;
    const char *want[5] = {"a_b.svg", "a_b_2.svg", "_x.svg", "_.svg", "R-1.b.svg"};
    for (size_t i = 0; i < 5; i++) {
        char name[256];
        ics_svg_spc_file_name(res, i, name, sizeof name);
        CHECK_STR(name, want[i]);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ics_svg_spc_series(m, res, 1);
    fclose(m);
    CHECK(strstr(buf, "<title>a_b</title>") != NULL);
    CHECK(strstr(buf, ">Beds: 1 Jan 2024</text>") != NULL);
    free(buf);
    ics_spc_result_free(res);
}

static void test_funnel_result_chart(void)
{
    /* The chart of a run is titled after its columns; the y label names the multiplier. */
    char path[] = "/tmp/ics_test_svg_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("trust,deaths,expected\na,30,20\nb,10,15\nc,60,40\nd,3,12\n", f);
    fclose(f);
    struct ics_funnel_table_options cols = {.group = "trust", .numerator = "deaths", .denominator = "expected"};
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.multiplier = 100;
    struct ics_error err = {0};
    struct ics_funnel_input *in = NULL;
    struct ics_funnel_result *res = NULL;
    CHECK_INT(ics_funnel_read_table(path, &cols, &in, &err), 0);
    CHECK_INT(ics_funnel_run(in, &o, &res, &err), 0);
    unlink(path);
    if (!res)
        return;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK_INT(ics_svg_funnel_result(m, res), 0);
    fclose(m);
    CHECK(strstr(buf, "<title>Deaths / expected by trust</title>") != NULL);
    CHECK(strstr(buf, ">Standardised ratio (\xc3\x97 100)</text>") != NULL);
    CHECK(strstr(buf, ">Expected</text>") != NULL);
    free(buf);
    /* titles given replace the defaults */
    struct ics_svg_titles titles = {"Deaths in hospital", "Per 100 expected, 2023-24"};
    buf = NULL;
    m = open_memstream(&buf, &len);
    CHECK_INT(ics_svg_funnel_result_titled(m, res, &titles), 0);
    fclose(m);
    CHECK(strstr(buf, "<title>Deaths in hospital</title>") != NULL);
    CHECK(strstr(buf, ">Per 100 expected, 2023-24</text>") != NULL);
    free(buf);
    ics_funnel_result_free(res);
}

static void test_spc_titles(void)
{
    /* Default titles are names: a trust's from its ODS code, the measure for "-" (a sitrep's England
     * row); {name}, {series} and {measure} are filled into titles given. */
    char path[] = "/tmp/ics_test_svg_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("code,week,avg_long_stay_21_beds\nRR8,2024-01-01,5\nRR8,2024-01-08,6\n-,2024-01-01,50\n-,2024-01-08,52\n"
          "E54000050,2024-01-01,9\nE54000050,2024-01-08,8\n",
          f);
    fclose(f);
    struct ics_spc_table_options cols;
    ics_spc_table_options_init(&cols);
    cols.value = "avg_long_stay_21_beds";
    cols.date = "week";
    cols.series = "code";
    struct ics_spc_run_options ro;
    ics_spc_run_options_init(&ro);
    struct ics_error err = {0};
    struct ics_spc_input *in = NULL;
    struct ics_spc_result *res = NULL;
    CHECK_INT(ics_spc_read_table(path, &cols, &in, &err), 0);
    CHECK_INT(ics_spc_run(in, &ro, &res, &err), 0);
    unlink(path);
    if (!res)
        return;
    const char *want[3] = {"<title>Leeds Teaching Hospitals NHS Trust</title>",
                           "<title>Average beds occupied by patients in hospital 21 days or more</title>",
                           "<title>NHS North East and North Cumbria Integrated Care Board</title>"};
    /* (the subtitle wraps after "1 Jan 2024") */
    const char *sub[3] = {">Average beds occupied by patients in hospital 21 days or more: weekly, 1 Jan 2024</text>",
                          ">XmR chart, weekly, 1 Jan 2024 to 8 Jan 2024</text>", NULL};
    for (size_t i = 0; i < 3; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        CHECK_INT(ics_svg_spc_series(m, res, i), 0);
        fclose(m);
        CHECK(strstr(buf, want[i]) != NULL);
        if (sub[i])
            CHECK(strstr(buf, sub[i]) != NULL);
        free(buf);
    }
    struct ics_svg_titles titles = {"{name} ({series})", "{measure}, winter"};
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK_INT(ics_svg_spc_series_titled(m, res, 0, &titles), 0);
    fclose(m);
    CHECK(strstr(buf, "<title>Leeds Teaching Hospitals NHS Trust (RR8)</title>") != NULL);
    CHECK(strstr(buf, ">Average beds occupied by patients in hospital 21 days or more, winter</text>") != NULL);
    free(buf);
    /* the ICB's name needs the geography: out of memory is an error */
    buf = NULL;
    m = open_memstream(&buf, &len);
    ics_alloc_fail_after(0);
    CHECK_INT(ics_svg_spc_series(m, res, 2), ICS_ERR_NOMEM);
    ics_alloc_fail_after(-1);
    fclose(m);
    free(buf);
    ics_spc_result_free(res);
}

int main(void)
{
    RUN(test_num);
    RUN(test_escape);
    RUN(test_nice_axis);
    RUN(test_spc_chart);
    RUN(test_funnel_chart);
    RUN(test_spc_file_names);
    RUN(test_funnel_result_chart);
    RUN(test_format_numbers);
    RUN(test_date_ticks);
    RUN(test_text);
    RUN(test_names);
    RUN(test_spc_titles);
    return TEST_SUMMARY("svg");
}
