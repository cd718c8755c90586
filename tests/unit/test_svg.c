/*
 * SVG primitives and charts: fixed number formatting (no "-0.0", no "nan"),
 * XML escaping, nice axes, and charts that are byte-identical on repeat and
 * well formed (every element closed). The full charts are golden files in
 * tests/cli/spc/svg_chart.* and funnel_svg.*, checked by eye.
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
    icsi_svg_format_tick(-0.0001, 2, b, sizeof b);
    CHECK_STR(b, "0.00");
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
    struct ics_spc_summary s;
    struct ics_error err = {0};
    CHECK_INT(ics_spc_compute(p, 16, &o, &s, &err), 0);
    struct ics_svg_spc_chart c = {.title = "R0A <&>", .y_label = "beds", .points = p, .n = 16, .summary = &s,
                                  .direction = ICS_SPC_INCREASE, .has_target = 1, .target = 4};
    char *a = capture(spc_writer, &c);
    char *b = capture(spc_writer, &c);
    CHECK_STR(a, b);                                 /* byte-identical */
    CHECK(strncmp(a, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    CHECK(strstr(a, "</svg>\n") != NULL);
    CHECK(strstr(a, "R0A &lt;&amp;&gt;") != NULL);  /* the title is escaped */
    CHECK(strstr(a, "<title>R0A &lt;&amp;&gt;</title>") != NULL);
    CHECK_INT(count(a, "<circle"), 16 + 3);          /* the points and 3 legend dots */
    CHECK_INT(count(a, "</title></circle>"), 16);
    CHECK_INT(count(a, ">rebase</text>"), 1);
    CHECK_INT(count(a, "#00b0f0\"><title>"), 1);   /* the last point: improvement (12 > UPL) */
    CHECK(strstr(a, "2024-04-01") != NULL);
    CHECK(strstr(a, "nan") == NULL && strstr(a, "-0.0\"") == NULL);
    CHECK_INT(count(a, "<text"), count(a, "</text>"));
    free(a);
    free(b);
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
    CHECK_INT(count(a, "<polyline"), 4);   /* two 95% and two 99.8% curves */
    CHECK_INT(count(a, "</title></circle>"), 4);
    CHECK(strstr(a, "nan") == NULL && strstr(a, "inf") == NULL);
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
    CHECK(strstr(buf, "beds: XmR chart, mean and process limits") != NULL);
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
    CHECK(strstr(buf, "<title>deaths / expected by trust</title>") != NULL);
    CHECK(strstr(buf, ">standardised ratio (x 100)</text>") != NULL);
    CHECK(strstr(buf, ">expected</text>") != NULL);
    free(buf);
    ics_funnel_result_free(res);
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
    return TEST_SUMMARY("svg");
}
