/*
 * Funnel limits: the public test values of FunnelPlotR 0.6.0
 * (docs/spc-funnel.md section 3), cases worked by hand, and values printed by
 * R 4.2.2 running the package's own functions (R/od_adjustment.R,
 * R/calculate_limits.R, R/build_limits_lookup.R, R/outliers_func.R) on small
 * tables, to 1e-9 relative; and the table-level calls (ics_funnel_read_table,
 * ics_funnel_run, the writers, the notes) on small tables worked by hand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "funnel/funnel_internal.h"
#include "ics/stats.h"
#include "harness.h"
#include "ics/funnel.h"

static int compute(const struct ics_funnel_row *rows, size_t n, const struct ics_funnel_options *opt,
                   struct ics_funnel_group **g, size_t *ng, struct ics_funnel_summary *res)
{
    struct ics_error err = {0};
    int rc = ics_funnel_aggregate(rows, n, g, ng, &err);
    if (rc)
        return rc;
    return ics_funnel_compute(*g, *ng, opt, res, &err);
}

static void test_poisson_limits(void)
{
    /* tests/testthat/test-poisson_limits.R, x = 15, 20, 30 */
    const double x[3] = {15, 20, 30};
    const double ll95[3] = {0.5596924, 0.6108260, 0.6746958}, ul95[3] = {1.649348, 1.544419, 1.427562};
    const double ll998[3] = {0.3862650, 0.4479107, 0.5289724}, ul998[3] = {2.082907, 1.902094, 1.702771};
    for (int i = 0; i < 3; i++) {
        CHECK_NEAR(icsi_funnel_poisson_limit(x[i], 0.975, 0), ll95[i], 1e-7);
        CHECK_NEAR(icsi_funnel_poisson_limit(x[i], 0.025, 1), ul95[i], 1e-6);
        CHECK_NEAR(icsi_funnel_poisson_limit(x[i], 0.999, 0), ll998[i], 1e-7);
        CHECK_NEAR(icsi_funnel_poisson_limit(x[i], 0.001, 1), ul998[i], 1e-6);
    }
    /* full precision from R: qchisq(0.975, 30, lower.tail = FALSE) / 2 / 15 */
    CHECK_NEAR(icsi_funnel_poisson_limit(15, 0.975, 0), 0.5596924089, 1e-9);
}

static const struct ics_funnel_row CM[6] = {
    {"a", 100, 108}, {"b", 150, 112}, {"c", 180, 165}, {"d", 80, 95}, {"e", 120, 100}, {"f", 225, 220}};

static void test_classes_methods_phi(void)
{
    /* tests/testthat/test-classes_methods.R: SR-SHMI defaults, phi 2.948033;
     * tau2 0.01947753 from the installed package; no outlier at 99.8% */
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    struct ics_funnel_group *g = NULL;
    size_t ng = 0;
    struct ics_funnel_summary res;
    CHECK_INT(compute(CM, 6, &o, &g, &ng, &res), 0);
    CHECK_INT(ng, 6);
    CHECK_NEAR(res.phi, 2.948033, 5e-7);
    CHECK_NEAR(res.tau2, 0.01947753, 5e-9);
    /* full precision from R */
    CHECK_NEAR(res.phi, 2.9480331751023581, 1e-12);
    CHECK_NEAR(res.tau2, 0.019477530578021571, 1e-12);
    CHECK_INT(res.adjusted, 1);
    CHECK_INT(res.groups_used_for_phi, 6);   /* N = 6 <= 8: SHMI truncates nothing */
    for (size_t i = 0; i < ng; i++) {
        CHECK_INT(g[i].outlier998, 0);
        CHECK_INT(g[i].trimmed, 0);
    }
    /* group b by hand: z = sqrt(112) log(150/112); adjusted 95% upper limit
     * exp(1.959964 sqrt(1/112 + tau2)) */
    CHECK_STR(g[1].name, "b");
    CHECK_NEAR(g[1].z, sqrt(112.0) * log(150.0 / 112), 1e-15);
    CHECK_NEAR(g[1].ucl95, exp(1.959964 * sqrt(1.0 / 112 + res.tau2)), 1e-15);
    CHECK_NEAR(g[1].lcl95, 0.71868330350795739, 1e-12);
    /* unadjusted are exact Poisson: R's value for a (E = 108) */
    CHECK_NEAR(g[0].unadj_lcl95, 0.82031938248873815, 1e-11);
    CHECK_NEAR(g[0].unadj_ucl998, 1.3345397706520661, 1e-11);
    ics_free(g);
}

static void test_aggregate(void)
{
    /* tests/testthat/test-aggregate_fun.R */
    const struct ics_funnel_row rows[6] = {{"a", 100, 102}, {"a", 150, 135}, {"a", 180, 165},
                                           {"b", 89, 95},   {"b", 120, 100}, {"c", 225, 220}};
    struct ics_funnel_group *g = NULL;
    size_t ng = 0;
    struct ics_error err = {0};
    CHECK_INT(ics_funnel_aggregate(rows, 6, &g, &ng, &err), 0);
    CHECK_INT(ng, 3);
    CHECK_NEAR(g[0].numerator / g[0].denominator, 1.069652, 5e-7);
    CHECK_NEAR(g[1].numerator / g[1].denominator, 1.071795, 5e-7);
    CHECK_NEAR(g[2].numerator / g[2].denominator, 1.022727, 5e-7);
    CHECK_INT(g[0].rows, 3);
    CHECK_NEAR(g[0].numerator, 430, 0);
    ics_free(g);
    /* sorted by name, whatever the input order */
    const struct ics_funnel_row rows2[3] = {{"z", 1, 2}, {"b", 1, 2}, {"z", 3, 4}};
    CHECK_INT(ics_funnel_aggregate(rows2, 3, &g, &ng, &err), 0);
    CHECK_INT(ng, 2);
    CHECK_STR(g[0].name, "b");
    CHECK_NEAR(g[1].denominator, 6, 0);
    ics_free(g);
    const struct ics_funnel_row neg[1] = {{"x", -1, 2}};
    CHECK_INT(ics_funnel_aggregate(neg, 1, &g, &ng, &err), ICS_ERR_PARSE);
}

static void test_outliers_func(void)
{
    /* tests/testthat/test-outliers_func.R */
    const double rr[10] = {1, 0.95, 1.05, 0.8, 1.2, 0.6, 1.4, 0.4, 1.6, 0};
    const int a[10] = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1};  /* 95 unadjusted: 0.9..1.1 */
    const int b[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};  /* 95 adjusted: 0.79..1.21 */
    const int c[10] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};  /* 99 unadjusted: 0.59..1.41 */
    const int d[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};  /* 99 adjusted: 0.38..1.62 */
    for (int i = 0; i < 10; i++) {
        CHECK_INT(icsi_funnel_outlier(rr[i], 0.9, 1.1), a[i]);
        CHECK_INT(icsi_funnel_outlier(rr[i], 0.79, 1.21), b[i]);
        CHECK_INT(icsi_funnel_outlier(rr[i], 0.59, 1.41), c[i]);
        CHECK_INT(icsi_funnel_outlier(rr[i], 0.38, 1.62), d[i]);
        CHECK_INT(icsi_funnel_outlier(rr[i] * 100, 0.9, 1.1), 1);   /* multiplier 100 */
    }
    CHECK_INT(icsi_funnel_outlier(1.1, 0.9, 1.1), 0);   /* boundaries inclusive */
    CHECK_INT(icsi_funnel_outlier(1, NAN, NAN), 1);
}

static void test_quantile_type7(void)
{
    /* R: quantile(c(1,2,3,4,10), c(0.1, 0.9)) = 1.4, 7.6 */
    const double x[5] = {1, 2, 3, 4, 10};
    CHECK_NEAR(ics_r_quantile7(x, 5, 0.1), 1.4, 1e-15);
    CHECK_NEAR(ics_r_quantile7(x, 5, 0.9), 7.6, 1e-15);
    CHECK_NEAR(ics_r_quantile7(x, 5, 0.25), 2, 0);
    CHECK_NEAR(ics_r_quantile7(x, 1, 0.9), 1, 0);
}

static void test_truncation_counts(void)
{
    /* SHMI truncation at 10%: N <= 8 keeps all, N = 9 drops only the top,
     * N >= 10 drops at least one at each end (docs/spc-funnel.md 2.4) */
    struct ics_funnel_row rows[12];
    char names[12][4];
    for (int i = 0; i < 12; i++) {
        names[i][0] = 'a' + (char)i;
        names[i][1] = '\0';
        rows[i].group = names[i];
        rows[i].numerator = 50 + 7 * i;      /* z increases with i */
        rows[i].denominator = 80;
    }
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    int sizes[3] = {8, 9, 10};
    for (int k = 0; k < 3; k++) {
        struct ics_funnel_group *g = NULL;
        size_t ng = 0;
        struct ics_funnel_summary res;
        CHECK_INT(compute(rows, (size_t)sizes[k], &o, &g, &ng, &res), 0);
        int first = g[0].trimmed, last = g[ng - 1].trimmed;
        size_t kept = res.groups_used_for_phi;
        if (sizes[k] == 8) {
            CHECK_INT(kept, 8);
        } else if (sizes[k] == 9) {
            CHECK_INT(kept, 8);
            CHECK_INT(first, 0);
            CHECK_INT(last, 1);
        } else {
            CHECK_INT(kept, 8);
            CHECK_INT(first, 1);
            CHECK_INT(last, 1);
        }
        ics_free(g);
    }
}

static void test_proportion_against_r(void)
{
    const struct ics_funnel_row rows[7] = {{"a", 12, 40}, {"b", 30, 100}, {"c", 45, 120}, {"d", 8, 50},
                                           {"e", 60, 150}, {"f", 22, 70}, {"g", 5, 9}};
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.type = ICS_FUNNEL_PROPORTION;
    struct ics_funnel_group *g = NULL;
    size_t ng = 0;
    struct ics_funnel_summary res;
    CHECK_INT(compute(rows, 7, &o, &g, &ng, &res), 0);
    CHECK_NEAR(res.target, 182.0 / 539, 1e-15);
    CHECK_NEAR(res.phi, 1.1987726721090459, 1e-12);
    CHECK_NEAR(res.tau2, 0.0013739333289283602, 1e-12);
    CHECK_INT(res.adjusted, 1);
    CHECK_NEAR(g[3].z, -2.9493013629597646, 1e-12);
    CHECK_INT(g[3].trimmed, 1);   /* winsorised: the lowest z */
    CHECK_INT(g[4].trimmed, 1);   /* the highest */
    CHECK_INT(g[0].trimmed, 0);
    CHECK_NEAR(g[3].lcl95, 0.1999510846986543, 1e-12);
    CHECK_NEAR(g[3].ucl998, 0.58102154479272494, 1e-12);
    CHECK_NEAR(g[6].lcl998, 0.0085211509667800413, 1e-9);
    CHECK_INT(g[3].outlier95, 1);
    CHECK_INT(g[3].outlier998, 0);
    for (size_t i = 0; i < ng; i++) {
        CHECK(g[i].lcl998 >= 0 && g[i].ucl998 <= 1);   /* PR limits inside [0, 1] */
        CHECK(g[i].unadj_lcl95 > g[i].adj_lcl95);       /* adjusted limits are wider */
    }
    ics_free(g);
    /* more events than trials is not a proportion */
    const struct ics_funnel_row bad[2] = {{"a", 5, 4}, {"b", 1, 4}};
    struct ics_error err = {0};
    CHECK_INT(ics_funnel_aggregate(bad, 2, &g, &ng, &err), 0);
    CHECK_INT(ics_funnel_compute(g, ng, &o, &res, &err), ICS_ERR_PARSE);
    ics_free(g);
}

static void test_ratio_against_r(void)
{
    const struct ics_funnel_row rows[6] = {{"a", 30, 100}, {"b", 80, 120}, {"c", 15, 90},
                                           {"d", 60, 200}, {"e", 44, 110}, {"f", 100, 180}};
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.type = ICS_FUNNEL_RATIO;
    o.limit = 95;
    struct ics_funnel_group *g = NULL;
    size_t ng = 0;
    struct ics_funnel_summary res;
    CHECK_INT(compute(rows, 6, &o, &g, &ng, &res), 0);
    CHECK_NEAR(res.phi, 4.7108500354623439, 1e-12);
    CHECK_NEAR(res.tau2, 0.12666400606485456, 1e-12);
    CHECK_NEAR(g[1].z, 3.3794986347737872, 1e-12);
    CHECK_NEAR(g[2].lcl95, 0.20317041004349873, 1e-12);
    CHECK_NEAR(g[2].ucl998, 1.2501334101398283, 1e-12);
    CHECK_INT(g[2].outlier95, 1);
    CHECK_INT(g[2].outlier998, 0);
    ics_free(g);
}

static void test_cqc(void)
{
    /* SR-CQC with multiplier 100: limits straddle 100 (test-funnel_plot.R);
     * values from R */
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.sr_method = ICS_FUNNEL_CQC;
    o.multiplier = 100;
    struct ics_funnel_group *g = NULL;
    size_t ng = 0;
    struct ics_funnel_summary res;
    CHECK_INT(compute(CM, 6, &o, &g, &ng, &res), 0);
    CHECK_NEAR(res.phi, 2.3271782575941184, 1e-12);
    CHECK_NEAR(res.tau2, 0.0034397801541862717, 1e-12);
    CHECK_NEAR(g[1].value, 15000.0 / 112, 1e-15);
    CHECK_NEAR(g[1].lcl95, 85.239085724150613, 1e-12);
    CHECK_INT(g[1].outlier998, 1);
    for (size_t i = 0; i < ng; i++)
        CHECK(g[i].lcl998 < 100 && g[i].ucl998 > 100);
    double tau2 = res.tau2, l95 = g[1].lcl95;
    ics_free(g);
    /* corrected back-transform: the same root-scale limits, squared */
    o.sr_method = ICS_FUNNEL_CQC_CORRECTED;
    CHECK_INT(compute(CM, 6, &o, &g, &ng, &res), 0);
    double half = 1 - 1.959964 * sqrt(1.0 / (4 * 112) + tau2);
    CHECK_NEAR(g[1].lcl95, 100 * half * half, 1e-12);
    CHECK_NEAR(100 - l95, 1.959964 * sqrt(1.0 / (4 * 112) + tau2) * 100, 1e-12);
    ics_free(g);
}

static void test_edge_groups(void)
{
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    struct ics_funnel_group *g = NULL;
    size_t ng = 0;
    struct ics_funnel_summary res;
    /* one group: phi exists, tau2 cannot be estimated: unadjusted judge */
    const struct ics_funnel_row one[1] = {{"a", 30, 20}};
    CHECK_INT(compute(one, 1, &o, &g, &ng, &res), 0);
    CHECK_INT(res.undefined_od, 1);
    CHECK_INT(res.adjusted, 0);
    CHECK(isnan(res.tau2));
    CHECK_NEAR(g[0].lcl95, g[0].unadj_lcl95, 0);
    ics_free(g);
    /* a zero denominator: listed, excluded from phi, no limits */
    const struct ics_funnel_row zero[3] = {{"a", 30, 20}, {"b", 0, 0}, {"c", 10, 12}};
    CHECK_INT(compute(zero, 3, &o, &g, &ng, &res), 0);
    CHECK_INT(g[1].valid, 0);
    CHECK(isnan(g[1].lcl95) && isnan(g[1].value));
    CHECK_INT(res.valid_groups, 2);
    CHECK_INT(res.groups, 3);
    ics_free(g);
    /* phi <= 1 under auto: unadjusted, and said so */
    const struct ics_funnel_row calm[4] = {{"a", 100, 100}, {"b", 101, 100}, {"c", 99, 100}, {"d", 100, 101}};
    CHECK_INT(compute(calm, 4, &o, &g, &ng, &res), 0);
    CHECK(res.phi <= 1);
    CHECK_INT(res.no_overdispersion, 1);
    CHECK_INT(res.adjusted, 0);
    ics_free(g);
    o.overdispersion = ICS_FUNNEL_OD_ON;
    CHECK_INT(compute(calm, 4, &o, &g, &ng, &res), 0);
    CHECK_INT(res.adjusted, 1);
    CHECK_NEAR(res.tau2, 0, 0);
    CHECK_NEAR(g[0].lcl95, exp(-1.959964 * sqrt(1.0 / 100)), 1e-15);
    ics_free(g);
    /* exact z: qnorm(0.975) in place of 1.959964 */
    o.exact_z = 1;
    CHECK_INT(compute(calm, 4, &o, &g, &ng, &res), 0);
    CHECK_NEAR(g[0].lcl95, exp(-1.9599639845400536 * sqrt(1.0 / 100)), 1e-15);
    ics_free(g);
}

static void test_pr_monotonic_edge(void)
{
    /* docs/spc-funnel.md 2.6: at n = 1 with target 0.326 the 95% upper limit
     * stays 0.99971 though the angle has passed pi/2 (the next grid point's
     * limit is lower, so the monotonicity fix leaves it) */
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.type = ICS_FUNNEL_PROPORTION;
    struct ics_funnel_summary res;
    memset(&res, 0, sizeof res);
    res.target = 0.326;
    const double xs[2] = {1, 3};
    double out[8];
    ics_funnel_limits(&o, &res, 0, xs, 2, out);
    CHECK_NEAR(out[1], 0.99971, 1e-5);   /* the doc gives 5 figures */
    double t = sin(asin(sqrt(0.326)) + 1.959964 * 0.5);
    CHECK_NEAR(out[1], t * t, 1e-15);
    /* a lower limit above the next one becomes 0 */
    res.target = 0.9;
    ics_funnel_limits(&o, &res, 0, xs, 2, out);
    double lo1 = sin(asin(sqrt(0.9)) - 1.959964 * 0.5);
    double lo3 = sin(asin(sqrt(0.9)) - 1.959964 / (2 * sqrt(3.0)));
    if (lo1 * lo1 > lo3 * lo3)
        CHECK_NEAR(out[0], 0, 0);
    else
        CHECK_NEAR(out[0], lo1 * lo1, 1e-15);
}

static void test_allocation_failures(void)
{
    /* every allocation failing in turn: ICS_ERR_NOMEM, nothing leaked (ASan) */
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.type = ICS_FUNNEL_PROPORTION;
    const struct ics_funnel_row rows[3] = {{"a", 3, 10}, {"b", 5, 12}, {"c", 1, 9}};
    int ok = 0;
    for (long k = 0; k < 30 && !ok; k++) {
        struct ics_funnel_group *g = NULL;
        size_t ng = 0;
        struct ics_funnel_summary res;
        ics_alloc_fail_after(k);
        int rc = compute(rows, 3, &o, &g, &ng, &res);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK_INT(rc, ICS_ERR_NOMEM);
        ics_free(g);
    }
    CHECK(ok);
}


/* ---- the table-level calls ----------------------------------------------- */

static void write_temp(char *path, size_t size, const char *text)
{
    snprintf(path, size, "/tmp/ics_test_funnel_XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static void written(int (*writer)(const struct ics_funnel_result *, FILE *, struct ics_error *),
                    const struct ics_funnel_result *res, char *buf, size_t size)
{
    struct ics_error err = {0};
    FILE *f = ics_tempfile(&err);
    CHECK_INT(writer(res, f, &err), ICS_OK);
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void collect(void *ctx, const char *text)
{
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 4096 - n, "%s\n", text);
}

/* Ratios of counts: A is two rows, "1,000" + 200 = 1200 over 500 + "1,000" = 1500 (value 0.8);
 * B 300/300 = 1; Z has a zero denominator (listed, no value). Target 1500/1800. */
static const char TABLE[] = "icb,this_year,last_year\n"
                            "A,\"1,000\",500\n"
                            "B, 300 ,300\n"
                            "Z,4,0\n"
                            "A,200,\"1,000\"\n";

static void test_table(void)
{
    char path[64];
    write_temp(path, sizeof path, TABLE);
    struct ics_funnel_table_options cols;
    ics_funnel_table_options_init(&cols);
    cols.group = "icb";
    cols.numerator = "this_year";
    cols.denominator = "last_year";
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.type = ICS_FUNNEL_RATIO;
    struct ics_error err = {0};
    struct ics_funnel_input *in = NULL;
    struct ics_funnel_result *res = NULL;
    CHECK_INT(ics_funnel_read_table(path, &cols, &in, &err), ICS_OK);
    CHECK_INT(ics_funnel_run(in, &o, &res, &err), ICS_OK);
    unlink(path);
    if (!res)
        return;
    size_t n = 0;
    const struct ics_funnel_group *g = ics_funnel_result_groups(res, &n);
    CHECK_INT(n, 3);
    CHECK_STR(g[0].name, "A");
    CHECK(g[0].numerator == 1200 && g[0].denominator == 1500 && g[0].rows == 2);
    CHECK(g[0].value == 1200.0 / 1500.0);
    CHECK(g[1].numerator == 300 && g[1].denominator == 300 && g[1].value == 1);
    CHECK(!g[2].valid);
    const struct ics_funnel_summary *s = ics_funnel_result_summary(res);
    CHECK_INT(s->rows, 4);
    CHECK_INT(s->groups, 3);
    CHECK_INT(s->valid_groups, 2);
    CHECK(s->target == 1500.0 / 1800.0);
    size_t outliers = 0;
    for (size_t i = 0; i < n; i++)
        outliers += g[i].valid && g[i].outlier998;
    CHECK_INT(s->outliers, outliers);
    CHECK_STR(ics_funnel_result_table(res)->denominator, "last_year");

    char notes[4096] = "";
    ics_funnel_result_notes(res, collect, notes);
    CHECK(strncmp(notes, "3 groups from 4 rows, 2 used for phi; phi ", 42) == 0);
    CHECK(strstr(notes, "\n1 group with a zero denominator: listed with empty values and limits\n") != NULL);

    char buf[8192];
    written(ics_funnel_write_csv, res, buf, sizeof buf);
    CHECK(strncmp(buf, "group,numerator,denominator,value,z,", 36) == 0);
    CHECK(strstr(buf, "\nA,1200,1500,0.8,") != NULL);
    CHECK(strstr(buf, "\nZ,4,0,,,,,,,,,,,,,,\n") != NULL);
    written(ics_funnel_write_summary_csv, res, buf, sizeof buf);
    CHECK(strncmp(buf, "key,value\nphi,", 14) == 0);
    CHECK(strstr(buf, "\ngroups,3\ngroups_used_for_phi,2\n") != NULL);
    written(ics_funnel_write_summary_json, res, buf, sizeof buf);
    CHECK(strncmp(buf, "{\"type\":\"ratio\",\"limit\":\"99.8\",\"phi\":", 37) == 0);
    CHECK(strstr(buf, "\"data\"") == NULL);
    written(ics_funnel_write_json, res, buf, sizeof buf);
    CHECK(strstr(buf, "\"data\":[{\"group\":\"A\",\"numerator\":1200,\"denominator\":1500,\"value\":0.8,") != NULL);
    ics_funnel_result_free(res);
}

static int read_fails(const char *text, const struct ics_funnel_options *o, char *msg, size_t size)
{
    char path[64];
    write_temp(path, sizeof path, text);
    struct ics_funnel_table_options cols;
    ics_funnel_table_options_init(&cols);
    cols.group = "g";
    cols.numerator = "o";
    cols.denominator = "e";
    struct ics_error err = {0};
    struct ics_funnel_input *in = NULL;
    int rc = ics_funnel_read_table(path, &cols, &in, &err);
    if (!rc) {
        struct ics_funnel_result *res = NULL;
        rc = ics_funnel_run(in, o, &res, &err);
        ics_funnel_result_free(res);
    }
    unlink(path);
    const char *m = strncmp(err.message, path, strlen(path)) == 0 ? err.message + strlen(path) : err.message;
    snprintf(msg, size, "%s", m);
    return rc;
}

static void test_table_errors(void)
{
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    char msg[ICS_ERROR_MESSAGE_MAX];
    /* the one number grammar: hex, infinities and NaN are not numbers; "1,234" is */
    CHECK_INT(read_fails("g,o,e\nA,0x1p3,10\n", &o, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:2: numerator '0x1p3' is not a number");
    CHECK_INT(read_fails("g,o,e\nA,3,inf\n", &o, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:3: denominator 'inf' is not a number");
    CHECK_INT(read_fails("g,o,e\nA,nan,4\n", &o, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:2: numerator 'nan' is not a number");
    CHECK_INT(read_fails("g,o,e\nA,\"1,234\",\"2,000.5\"\n", &o, msg, sizeof msg), ICS_OK);
    CHECK_INT(read_fails("g,o,e\nA,-2,4\n", &o, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:2: negative numerator '-2'");
    CHECK_INT(read_fails("g,o\nA,2\n", &o, msg, sizeof msg), ICS_ERR_MISSING_COLUMN);
    CHECK_STR(msg, ": no column 'e' in the header");
    CHECK_INT(read_fails("g,o,e\n", &o, msg, sizeof msg), ICS_ERR_EMPTY);
    CHECK_INT(read_fails("g,o,e\nA,1,0\n", &o, msg, sizeof msg), ICS_ERR_EMPTY);
    CHECK_STR(msg, ": no group has a positive denominator");
    o.type = ICS_FUNNEL_PROPORTION;
    CHECK_INT(read_fails("g,o,e\nA,5,4\n", &o, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ": group 'A': numerator 5 exceeds denominator 4, not a proportion");
}

static void test_table_allocation_failures(void)
{
    char path[64];
    write_temp(path, sizeof path, TABLE);
    struct ics_funnel_table_options cols;
    ics_funnel_table_options_init(&cols);
    cols.group = "icb";
    cols.numerator = "this_year";
    cols.denominator = "last_year";
    struct ics_funnel_options o;
    ics_funnel_options_init(&o);
    o.type = ICS_FUNNEL_PROPORTION;
    struct ics_error err = {0};
    FILE *sink = ics_tempfile(&err);
    int ok = 0;
    for (long k = 0; k < 100 && !ok; k++) {
        struct ics_funnel_input *in = NULL;
        struct ics_funnel_result *res = NULL;
        ics_alloc_fail_after(k);
        int rc = ics_funnel_read_table(path, &cols, &in, &err);
        if (!rc)
            rc = ics_funnel_run(in, &o, &res, &err);
        if (!rc)
            rc = ics_funnel_write_json(res, sink, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK_INT(rc, ICS_ERR_NOMEM);
        ics_funnel_result_free(res);
    }
    CHECK(ok);
    fclose(sink);
    unlink(path);
}

int main(void)
{
    RUN(test_poisson_limits);
    RUN(test_classes_methods_phi);
    RUN(test_aggregate);
    RUN(test_outliers_func);
    RUN(test_quantile_type7);
    RUN(test_truncation_counts);
    RUN(test_proportion_against_r);
    RUN(test_ratio_against_r);
    RUN(test_cqc);
    RUN(test_edge_groups);
    RUN(test_pr_monotonic_edge);
    RUN(test_allocation_failures);
    RUN(test_table);
    RUN(test_table_errors);
    RUN(test_table_allocation_failures);
    return TEST_SUMMARY("funnel");
}
