/*
 * SPC: the public test values of NHSRplotthedots (docs/spc-funnel.md section
 * 3: the package's unit tests, snapshots and vignettes), the rule functions
 * exactly as the package's tests call them, edge cases, and the numerical
 * helpers against values printed by R 4.2 (qnorm, round, mean); and the
 * table-level calls (ics_spc_read_table, ics_spc_run, the writers, the notes)
 * on small tables worked by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spc/spc_internal.h"
#include "ics/stats.h"
#include "harness.h"
#include "ics/spc.h"

/* Builds points on consecutive days from 2020-01-02 (as the package's tests:
 * as.Date("2020-01-01") + 1:n). */
static struct ics_spc_point *make(const double *y, size_t n)
{
    struct ics_spc_point *p = calloc(n, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        p[i].date = ics_date_from_ymd(2020, 1, 2) + (int32_t)i;
        p[i].value = y[i];
        p[i].tag = i;
    }
    return p;
}

static int run(struct ics_spc_point *p, size_t n, const struct ics_spc_options *o, struct ics_spc_summary *s)
{
    struct ics_error err = {0};
    return ics_spc_compute(p, n, o, s, &err);
}

/* set.seed(123); rnorm(20) as R prints it with %.17g */
static const double RNORM20[20] = {
    -0.5604756465522126, -0.23017748948327996, 1.558708314149124, 0.070508391424576003,
    0.12928773516094624, 1.715064986883281, 0.4609162059892023, -1.265061234606534,
    -0.68685285189352607, -0.44566197009995806, 1.2240817974394615, 0.35981382705736381,
    0.40077145059405217, 0.11068271594511971, -0.55584113475407493, 1.7869131368030782,
    0.49785047822923939, -1.9666171566296382, 0.70135590156368555, -0.47279140772793404};

static void test_snapshot_rnorm20(void)
{
    /* tests/testthat/_snaps/ptd_spc_standard.md: mean 0.1416238, LPL -3.01138, UPL 3.294627 */
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(RNORM20, 20);
    CHECK_INT(run(p, 20, &o, &s), 0);
    CHECK_NEAR(p[0].mean, 0.1416238, 5e-7);
    CHECK_NEAR(p[0].lpl, -3.01138, 5e-6);
    CHECK_NEAR(p[0].upl, 3.294627, 5e-7);
    double r1l = p[0].lpl, r1u = p[0].upl;
    free(p);

    /* y[15] = 10: screened 0.6694159 / -2.383666 / 3.722497 */
    double y[20];
    memcpy(y, RNORM20, sizeof y);
    y[14] = 10;
    p = make(y, 20);
    CHECK_INT(run(p, 20, &o, &s), 0);
    CHECK_NEAR(p[0].mean, 0.6694159, 5e-7);
    CHECK_NEAR(p[0].lpl, -2.383666, 5e-7);
    CHECK_NEAR(p[0].upl, 3.722497, 5e-7);
    double r2l = p[0].lpl, r2u = p[0].upl;
    free(p);

    /* unscreened: -4.596625 / 5.935457, wider than screened */
    o.screen_outliers = 0;
    p = make(y, 20);
    CHECK_INT(run(p, 20, &o, &s), 0);
    CHECK_NEAR(p[0].lpl, -4.596625, 5e-7);
    CHECK_NEAR(p[0].upl, 5.935457, 5e-7);
    CHECK(p[0].upl - p[0].lpl > r2u - r2l);
    CHECK(r1l != r2l && r1l != p[0].lpl && r2l != p[0].lpl);
    CHECK(r1u != r2u && r1u != p[0].upl && r2u != p[0].upl);
    free(p);
}

static void test_vignette_deviations(void)
{
    /* vignettes/deviations.Rmd. By hand: mean 35/18; the 17 moving ranges are
     * fifteen 1s, an 8 and a 9 (sum 32); 3.267 * 32/17 = 6.15 screens out the
     * 8 and 9, leaving mR-bar 1: limits 35/18 -/+ 2.66. Unscreened: 35/18 -/+
     * 2.66 * 32/17. */
    const double y[18] = {1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1};
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(y, 18);
    CHECK_INT(run(p, 18, &o, &s), 0);
    CHECK_NEAR(p[0].mean, 35.0 / 18, 1e-15);
    CHECK_NEAR(p[0].lpl, 35.0 / 18 - 2.66, 1e-14);
    CHECK_NEAR(p[0].upl, 35.0 / 18 + 2.66, 1e-14);
    CHECK_NEAR(p[0].lpl, -0.715556, 1e-6);    /* the vignette's rounding */
    CHECK_NEAR(p[0].upl, 4.604444, 1e-6);
    CHECK_NEAR(p[0].upper_2sigma, 35.0 / 18 + 2 * 2.66 / 3, 1e-14);
    CHECK_INT(p[4].rule, ICS_SPC_RULE_OUTSIDE_LIMITS);
    CHECK_INT(p[4].point_type, ICS_SPC_IMPROVEMENT);
    free(p);
    o.screen_outliers = 0;
    p = make(y, 18);
    CHECK_INT(run(p, 18, &o, &s), 0);
    CHECK_NEAR(p[0].lpl, 35.0 / 18 - 2.66 * 32 / 17, 1e-14);
    CHECK_NEAR(p[0].lpl, -3.062614, 1e-6);
    CHECK_NEAR(p[0].upl, 6.951503, 1e-6);
    CHECK_INT(p[4].rule, ICS_SPC_RULE_OUTSIDE_LIMITS);   /* 10 > 6.95 */
    free(p);
}

/* test-ptd_calculate_point_type.R, restated on our vectors */
static void test_rule_shift(void)
{
    signed char out[16];
    const signed char six[6] = {1, 1, 1, 1, 1, 1};
    icsi_spc_shift_ends(six, 6, out);
    for (int i = 0; i < 6; i++)
        CHECK_INT(out[i], 0);
    const signed char a[7] = {1, 1, 1, 1, 1, 1, -1};
    icsi_spc_shift_ends(a, 7, out);
    for (int i = 0; i < 7; i++)
        CHECK_INT(out[i], 0);
    const signed char b[9] = {1, 1, 1, 1, 1, 1, 1, 1, -1};
    const signed char eb[9] = {0, 0, 0, 0, 0, 0, 1, 1, 0};
    icsi_spc_shift_ends(b, 9, out);
    for (int i = 0; i < 9; i++)
        CHECK_INT(out[i], eb[i]);
    const signed char c[9] = {-1, -1, -1, -1, -1, -1, -1, -1, 1};
    icsi_spc_shift_ends(c, 9, out);
    for (int i = 0; i < 9; i++)
        CHECK_INT(out[i], eb[i]);
    const signed char d[10] = {-1, 1, 1, 1, 1, 1, 1, 1, 1, -1};
    const signed char ed[10] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 0};
    icsi_spc_shift_ends(d, 10, out);
    for (int i = 0; i < 10; i++)
        CHECK_INT(out[i], ed[i]);
    /* a point exactly on the mean breaks a run */
    const signed char e[8] = {1, 1, 1, 0, 1, 1, 1, 1};
    icsi_spc_shift_ends(e, 8, out);
    for (int i = 0; i < 8; i++)
        CHECK_INT(out[i], 0);
}

static void test_rule_part_of_run(void)
{
    signed char out[16];
    const signed char zeros[6] = {0};
    icsi_spc_part_of_run(zeros, 6, out);
    for (int i = 0; i < 6; i++)
        CHECK_INT(out[i], 0);
    /* a marker at point 7 flags points 1..7; at 8 flags 2..8 */
    const signed char m[9] = {0, 0, 0, 0, 0, 0, 1, 0, 0};
    icsi_spc_part_of_run(m, 9, out);
    for (int i = 0; i < 9; i++)
        CHECK_INT(out[i], i < 7);
    const signed char m2[9] = {0, 0, 0, 0, 0, 0, 0, -1, 0};
    icsi_spc_part_of_run(m2, 9, out);
    for (int i = 0; i < 9; i++)
        CHECK_INT(out[i], i >= 1 && i < 8);
}

static void test_rule_trend(void)
{
    signed char out[16];
    const double a[6] = {1, 2, 3, 4, 5, 6};
    icsi_spc_trend_ends(a, 6, out);
    for (int i = 0; i < 6; i++)
        CHECK_INT(out[i], 0);
    const double b[7] = {1, 2, 3, 3, 4, 5, 6};   /* c(1:3, 3:6): a tie breaks it */
    icsi_spc_trend_ends(b, 7, out);
    for (int i = 0; i < 7; i++)
        CHECK_INT(out[i], 0);
    const double c[7] = {1, 2, 3, 4, 5, 6, 7};
    icsi_spc_trend_ends(c, 7, out);
    for (int i = 0; i < 7; i++)
        CHECK_INT(out[i], i == 6 ? 1 : 0);
    const double d[9] = {2, 1, 2, 3, 4, 5, 6, 7, 3};
    icsi_spc_trend_ends(d, 9, out);
    for (int i = 0; i < 9; i++)
        CHECK_INT(out[i], i == 7 ? 1 : 0);
    const double e[7] = {7, 6, 5, 4, 3, 2, 1};
    icsi_spc_trend_ends(e, 7, out);
    for (int i = 0; i < 7; i++)
        CHECK_INT(out[i], i == 6 ? -1 : 0);
    const double f[9] = {2, 7, 6, 5, 4, 3, 2, 1, 3};
    icsi_spc_trend_ends(f, 9, out);
    for (int i = 0; i < 9; i++)
        CHECK_INT(out[i], i == 7 ? -1 : 0);
}

static void test_rule_two_in_three(void)
{
    signed char out[16], part[16];
    const signed char same3[3] = {1, 1, 1}, opp3[3] = {1, -1, 1};
    const signed char cases[3][3] = {{1, 0, 1}, {0, 1, 1}, {1, 1, 0}};
    for (int k = 0; k < 3; k++) {
        icsi_spc_two_in_three(cases[k], same3, 3, out);
        for (int i = 0; i < 3; i++)
            CHECK_INT(out[i], 1);
        /* only the close points of a window are flagged */
        icsi_spc_part_of_two_in_three(out, cases[k], 3, part);
        for (int i = 0; i < 3; i++)
            CHECK_INT(part[i], cases[k][i]);
        /* bug #143: points on opposite sides of the mean never qualify */
        icsi_spc_two_in_three(cases[k], opp3, 3, out);
        for (int i = 0; i < 3; i++)
            CHECK_INT(out[i], 0);
    }
    const signed char zero3[3] = {0};
    icsi_spc_two_in_three(zero3, same3, 3, out);
    for (int i = 0; i < 3; i++)
        CHECK_INT(out[i], 0);
    const signed char same7[7] = {1, 1, 1, 1, 1, 1, 1};
    const signed char g[7] = {0, 0, 1, 0, 1, 0, 0};
    icsi_spc_two_in_three(g, same7, 7, out);
    const signed char eg[7] = {0, 0, 1, 1, 1, 0, 0};
    for (int i = 0; i < 7; i++)
        CHECK_INT(out[i], eg[i]);
    icsi_spc_part_of_two_in_three(out, g, 7, part);
    for (int i = 0; i < 7; i++)
        CHECK_INT(part[i], g[i]);
    const signed char h[7] = {0, 0, 1, 1, 0, 0, 0};
    const signed char eh[7] = {0, 1, 1, 1, 1, 0, 0};
    icsi_spc_two_in_three(h, same7, 7, out);
    for (int i = 0; i < 7; i++)
        CHECK_INT(out[i], eh[i]);
    const signed char hv[4] = {1, 0, 0, 1};
    icsi_spc_two_in_three(hv, same7, 4, out);
    icsi_spc_part_of_two_in_three(out, hv, 4, part);
    for (int i = 0; i < 4; i++)
        CHECK_INT(part[i], 0);
    const signed char iv[5] = {1, 0, 0, 1, 1};
    const signed char ei[5] = {0, 0, 0, 1, 1};
    icsi_spc_two_in_three(iv, same7, 5, out);
    icsi_spc_part_of_two_in_three(out, iv, 5, part);
    for (int i = 0; i < 5; i++)
        CHECK_INT(part[i], ei[i]);
}

static void test_opposite_side_two_in_three(void)
{
    /* test-ptd_spc.R: alternating +-1 for 16 points, points 15 and 16 set to
     * 5.5 and -5.5: both beyond 2 sigma but on opposite sides, so neither is
     * special cause. By hand: mean 0, all ranges 2 except 6.5 and 11 (13
     * ranges of 2 sum 26, +6.5 +11 = 43.5 over 15 = 2.9; screening at 9.47
     * drops the 11: mR-bar 32.5/14 = 2.3214), limits +-6.175, 2-sigma +-4.117. */
    double y[16];
    for (int i = 0; i < 16; i++)
        y[i] = i % 2 ? -1 : 1;
    y[14] = 5.5;
    y[15] = -5.5;
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(y, 16);
    CHECK_INT(run(p, 16, &o, &s), 0);
    CHECK_NEAR(p[0].upl, 2.66 * 32.5 / 14, 1e-12);
    CHECK(p[14].value > p[14].upper_2sigma && p[14].value < p[14].upl);
    CHECK_INT(p[14].point_type, ICS_SPC_COMMON_CAUSE);
    CHECK_INT(p[15].point_type, ICS_SPC_COMMON_CAUSE);
    free(p);
}

static void test_rebase_groups(void)
{
    /* rebase flags 0 x10, 1, 0 x9 give groups 0 x10, 1 x10 (we number from 1) */
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(RNORM20, 20);
    p[10].rebase = 1;
    CHECK_INT(run(p, 20, &o, &s), 0);
    for (int i = 0; i < 20; i++)
        CHECK_INT(p[i].segment, i < 10 ? 1 : 2);
    CHECK_INT(s.segments, 2);
    CHECK_INT(s.n, 10);
    /* each segment has its own mean: by hand, the first ten values average */
    double m1 = 0;
    for (int i = 0; i < 10; i++)
        m1 += RNORM20[i];
    CHECK_NEAR(p[0].mean, m1 / 10, 1e-15);
    CHECK(p[0].mean != p[10].mean);
    CHECK_NEAR(s.mean, p[19].mean, 0);
    CHECK_INT(s.short_warning, 1);   /* 10 < 13: trial limits */
    free(p);
}

static void test_fix_after(void)
{
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(RNORM20, 20);
    CHECK_INT(run(p, 20, &o, &s), 0);
    double l0 = p[0].lpl, u0 = p[0].upl;
    free(p);
    o.fix_after = 12;
    p = make(RNORM20, 20);
    CHECK_INT(run(p, 20, &o, &s), 0);
    CHECK(p[0].lpl != l0 && p[0].upl != u0);
    double m = 0;
    for (int i = 0; i < 12; i++)
        m += RNORM20[i];
    CHECK_NEAR(p[19].mean, m / 12, 1e-15);   /* later points judged on fixed limits */
    free(p);
}

static void test_assurance(void)
{
    /* test-ptd_calculate_assurance_type.R: (LPL, UPL, target) */
    CHECK_INT(icsi_spc_assurance(ICS_SPC_INCREASE, 4, 1, 3), ICS_SPC_ASSURANCE_FAIL);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_INCREASE, 4, 5, 7), ICS_SPC_ASSURANCE_PASS);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_INCREASE, 4, 1, 5), ICS_SPC_ASSURANCE_INCONSISTENT);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_DECREASE, 4, 1, 3), ICS_SPC_ASSURANCE_PASS);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_DECREASE, 4, 5, 7), ICS_SPC_ASSURANCE_FAIL);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_DECREASE, 4, 1, 5), ICS_SPC_ASSURANCE_INCONSISTENT);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_NEUTRAL, 4, 1, 3), ICS_SPC_ASSURANCE_NONE);
    /* a target exactly on a limit is inconsistent; no limits: inconsistent */
    CHECK_INT(icsi_spc_assurance(ICS_SPC_INCREASE, 3, 1, 3), ICS_SPC_ASSURANCE_INCONSISTENT);
    CHECK_INT(icsi_spc_assurance(ICS_SPC_INCREASE, 3, NAN, NAN), ICS_SPC_ASSURANCE_INCONSISTENT);
    CHECK_STR(ics_spc_assurance_name(ICS_SPC_ASSURANCE_PASS), "consistent_pass");
    CHECK_STR(ics_spc_assurance_name(ICS_SPC_ASSURANCE_NONE), "");

    /* rebase: the last segment's limits decide (bug #172). Segment 1 is 0..9
     * around 100, segment 2 around 10: target 50 is above segment 2's UPL. */
    double y[26];
    for (int i = 0; i < 26; i++)
        y[i] = (i < 13 ? 100 : 10) + (i % 2);
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    o.has_target = 1;
    o.target = 50;
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(y, 26);
    p[13].rebase = 1;
    CHECK_INT(run(p, 26, &o, &s), 0);
    CHECK_INT(s.assurance, ICS_SPC_ASSURANCE_FAIL);
    free(p);
}

static void test_short_groups(void)
{
    /* test-ptd_add_short_group_warnings.R with threshold 12: 11 points warn,
     * 12 do not; the default threshold is 13 */
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    o.short_threshold = 12;
    struct ics_spc_point *p = make(RNORM20, 11);
    CHECK_INT(run(p, 11, &o, &s), 0);
    CHECK_INT(s.short_warning, 1);
    free(p);
    p = make(RNORM20, 12);
    CHECK_INT(run(p, 12, &o, &s), 0);
    CHECK_INT(s.short_warning, 0);
    free(p);
    ics_spc_options_init(&o);
    p = make(RNORM20, 12);
    CHECK_INT(run(p, 12, &o, &s), 0);
    CHECK_INT(s.short_warning, 1);
    CHECK_INT(s.short_segments, 1);
    free(p);
    p = make(RNORM20, 13);
    CHECK_INT(run(p, 13, &o, &s), 0);
    CHECK_INT(s.short_warning, 0);
    free(p);
}

static void test_edge_cases(void)
{
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    /* one point: no range, no limits, common cause */
    const double one[1] = {5};
    struct ics_spc_point *p = make(one, 1);
    CHECK_INT(run(p, 1, &o, &s), 0);
    CHECK(isnan(p[0].lpl) && isnan(p[0].upl));
    CHECK_NEAR(p[0].mean, 5, 0);
    CHECK_INT(p[0].point_type, ICS_SPC_COMMON_CAUSE);
    CHECK(s.notes & ICS_SPC_NOTE_SINGLE_POINT);
    free(p);

    /* all equal: screening keeps no range (mR < 0), limits NAN; a run of
     * equal values is on the mean, so no shift either */
    double eq[15];
    for (int i = 0; i < 15; i++)
        eq[i] = 3;
    p = make(eq, 15);
    CHECK_INT(run(p, 15, &o, &s), 0);
    CHECK(isnan(p[0].upl));
    CHECK(s.notes & ICS_SPC_NOTE_NO_VARIATION);
    for (int i = 0; i < 15; i++)
        CHECK_INT(p[i].point_type, ICS_SPC_COMMON_CAUSE);
    free(p);
    o.screen_outliers = 0;
    p = make(eq, 15);
    CHECK_INT(run(p, 15, &o, &s), 0);
    CHECK_NEAR(p[0].upl, 3, 0);
    CHECK_NEAR(p[0].lpl, 3, 0);
    CHECK_INT(p[0].point_type, ICS_SPC_COMMON_CAUSE);   /* strict comparisons */
    free(p);

    /* 5 x14 then 6: the one non-zero range is screened out, mR-bar 0, so
     * every point is outside: 14 concern points below, one improvement above */
    ics_spc_options_init(&o);
    double st[15];
    for (int i = 0; i < 15; i++)
        st[i] = i < 14 ? 5 : 6;
    p = make(st, 15);
    CHECK_INT(run(p, 15, &o, &s), 0);
    CHECK(s.notes & ICS_SPC_NOTE_ZERO_MR);
    for (int i = 0; i < 14; i++) {
        CHECK_INT(p[i].rule, ICS_SPC_RULE_OUTSIDE_LIMITS);
        CHECK_INT(p[i].point_type, ICS_SPC_CONCERN);
    }
    CHECK_INT(p[14].point_type, ICS_SPC_IMPROVEMENT);
    CHECK_INT(s.variation, ICS_SPC_ICON_IMPROVEMENT_HIGH);
    free(p);

    /* unsorted input is sorted; a duplicate date fails */
    const double u[3] = {1, 2, 3};
    p = make(u, 3);
    p[0].date += 10;
    CHECK_INT(run(p, 3, &o, &s), 0);
    CHECK_NEAR(p[2].value, 1, 0);
    free(p);
    p = make(u, 3);
    p[1].date = p[0].date;
    struct ics_error err = {0};
    CHECK_INT(ics_spc_compute(p, 3, &o, &s, &err), ICS_ERR_PARSE);
    CHECK(strstr(err.message, "duplicate date 2020-01-02") != NULL);
    free(p);
    CHECK_INT(ics_spc_compute(NULL, 0, &o, &s, &err), ICS_ERR_EMPTY);
}

static void test_point_types_and_icons(void)
{
    /* a rising trend of 7 after a flat start: improvement when higher is
     * better, concern when lower is better, neutral high otherwise */
    const double y[14] = {5, 6, 5, 6, 5, 6, 5, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7};
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(y, 14);
    CHECK_INT(run(p, 14, &o, &s), 0);
    for (int i = 6; i < 14; i++)
        CHECK_INT(p[i].rule, ICS_SPC_RULE_TREND);
    CHECK_INT(p[5].rule, ICS_SPC_RULE_NONE);
    CHECK_INT(p[13].point_type, ICS_SPC_IMPROVEMENT);
    CHECK_INT(s.variation, ICS_SPC_ICON_IMPROVEMENT_HIGH);
    CHECK_STR(ics_spc_variation_name(s.variation), "improvement_high");
    free(p);
    o.direction = ICS_SPC_DECREASE;
    p = make(y, 14);
    CHECK_INT(run(p, 14, &o, &s), 0);
    CHECK_INT(p[13].point_type, ICS_SPC_CONCERN);
    CHECK_STR(ics_spc_variation_name(s.variation), "concern_high");
    free(p);
    o.direction = ICS_SPC_NEUTRAL;
    p = make(y, 14);
    CHECK_INT(run(p, 14, &o, &s), 0);
    CHECK_STR(ics_spc_point_type_name(p[13].point_type), "special_cause_neutral_high");
    CHECK_STR(ics_spc_variation_name(s.variation), "neutral_high");
    free(p);
    CHECK_STR(ics_spc_rule_name(ICS_SPC_RULE_NONE), "");
    CHECK_STR(ics_spc_rule_name(ICS_SPC_RULE_TWO_IN_THREE), "two_in_three");
}

static void test_two_in_three_mdc2023(void)
{
    /* 40 points alternating -0.5, 0.5, with y[20] = 4 and y[21] = 2.3. By
     * hand: mean 0.1575; the ranges are 36 ones, 3.5, 1.7 and 2.8, mean
     * 1.1282 (none screened), so UPL 3.1585 and the upper 2-sigma line 2.1582:
     * y[20] is beyond 3 sigma, y[21] between 2 and 3 sigma, y[19] = 0.5 above
     * the mean. The package (band) counts only y[21] as "close": no rule for
     * it. MDC Nov 2023 counts both, so window 19..21 qualifies and y[21]
     * (beyond 2 sigma) is flagged, y[19] (not beyond 2 sigma) is not. */
    double y[40];
    for (int i = 0; i < 40; i++)
        y[i] = i % 2 ? 0.5 : -0.5;
    y[20] = 4;
    y[21] = 2.3;
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(y, 40);
    CHECK_INT(run(p, 40, &o, &s), 0);
    CHECK_NEAR(p[0].mean, 0.1575, 1e-15);
    CHECK_NEAR(p[0].upl, 0.1575 + 2.66 * 44.0 / 39, 1e-14);
    CHECK(p[21].value > p[21].upper_2sigma && p[21].value < p[21].upl);
    CHECK_INT(p[20].rule, ICS_SPC_RULE_OUTSIDE_LIMITS);
    CHECK_INT(p[21].rule, ICS_SPC_RULE_NONE);
    free(p);
    o.two_in_three = ICS_SPC_2IN3_MDC2023;
    p = make(y, 40);
    CHECK_INT(run(p, 40, &o, &s), 0);
    CHECK_INT(p[20].rule, ICS_SPC_RULE_OUTSIDE_LIMITS);
    CHECK_INT(p[21].rule, ICS_SPC_RULE_TWO_IN_THREE);
    CHECK_INT(p[21].point_type, ICS_SPC_IMPROVEMENT);
    CHECK_INT(p[19].rule, ICS_SPC_RULE_NONE);
    CHECK_INT(p[22].rule, ICS_SPC_RULE_NONE);
    free(p);
}

static void test_trend_label_tie(void)
{
    /* Package quirk kept: a trend point whose next point is also in a trend
     * takes the sign of the step to its right, and a zero step reads as
     * "Decreasing". Here an increasing trend ends at index 6 and a second
     * increasing trend starts at index 7 with an equal value: index 6 takes
     * the zero step and is labelled decreasing. */
    const double y[14] = {1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13};
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    o.screen_outliers = 0;
    struct ics_spc_summary s;
    struct ics_spc_point *p = make(y, 14);
    CHECK_INT(run(p, 14, &o, &s), 0);
    CHECK_INT(p[5].rule, ICS_SPC_RULE_TREND);
    CHECK_INT(p[5].side, 1);
    CHECK_INT(p[6].rule, ICS_SPC_RULE_TREND);
    CHECK_INT(p[6].side, -1);
    CHECK_INT(p[6].point_type, ICS_SPC_CONCERN);
    CHECK_INT(p[7].side, 1);
    free(p);
}

static void test_r_numerics(void)
{
    /* values printed by R 4.2.2 with %.17g */
    CHECK_NEAR(ics_qnorm(0.975), 1.9599639845400536, 1e-16);
    CHECK_NEAR(ics_qnorm(0.999), 3.0902323061678132, 1e-16);
    CHECK_NEAR(ics_qnorm(0.3), -0.52440051270804067, 1e-16);
    CHECK_NEAR(ics_qnorm(1e-10), -6.3613409024040557, 1e-15);
    CHECK_NEAR(ics_qnorm(1e-300), -37.047096299361201, 1e-15);
    CHECK_NEAR(ics_qnorm(0.025), -1.9599639845400538, 1e-16);
    CHECK(ics_qnorm(0.5) == 0);
    CHECK(isinf(ics_qnorm(0)) && ics_qnorm(0) < 0);
    CHECK(isnan(ics_qnorm(1.5)));
    /* R >= 4.0.0 round(x, 2): the nearer representable neighbour */
    CHECK(ics_r_round(2.675, 2) == 2.67);
    CHECK(ics_r_round(0.125, 2) == 0.12);
    CHECK(ics_r_round(0.135, 2) == 0.14);
    CHECK(ics_r_round(1.005, 2) == 1);
    CHECK(ics_r_round(12.345, 2) == 12.35);
    CHECK(ics_r_round(0.285, 2) == 0.28);
    CHECK(ics_r_round(1e-20, 2) == 0);
    CHECK(ics_r_round(123456.785, 2) == 123456.79);
    CHECK(ics_r_round(-2.675, 2) == -2.67);
    /* qchisq(0.025, df, lower.tail = FALSE) and qchisq(0.999, df) */
    CHECK_NEAR(ics_qchisq(0.025, 30, 0), 46.979242243671159, 1e-13);
    CHECK_NEAR(ics_qchisq(0.025, 3.3, 0), 9.9009854606579246, 1e-13);
    CHECK_NEAR(ics_qchisq(0.025, 1000, 0), 1089.5309127749135, 1e-13);
    CHECK_NEAR(ics_qchisq(0.999, 60, 1), 99.607233069849372, 1e-13);
    CHECK_NEAR(ics_qchisq(0.999, 3.3, 1), 16.9466494039611, 1e-13);
    /* mean: long double with a correction pass; exact on these */
    const double m[3] = {0.1, 0.2, 0.3};
    CHECK(ics_r_mean(m, 3) == 0.2);
    CHECK(isnan(ics_r_mean(m, 0)));
    /* seq(3, 10, length.out = 1000): ends exact, step (10-3)/999 */
    double sq[1000];
    ics_r_seq(3, 10, 1000, sq);
    CHECK(sq[0] == 3 && sq[999] == 10);
    CHECK(sq[1] == 3 + 1 * (7.0 / 999));
}

static void test_allocation_failures(void)
{
    /* every allocation failing in turn: ICS_ERR_NOMEM, nothing leaked (ASan) */
    struct ics_spc_options o;
    ics_spc_options_init(&o);
    struct ics_spc_summary s;
    int ok = 0;
    for (long k = 0; k < 20 && !ok; k++) {
        struct ics_spc_point *p = make(RNORM20, 20);
        struct ics_error err = {0};
        ics_alloc_fail_after(k);
        int rc = ics_spc_compute(p, 20, &o, &s, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK_INT(rc, ICS_ERR_NOMEM);
        free(p);
    }
    CHECK(ok);
}


/* ---- the table-level calls ----------------------------------------------- */

/* Writes text to a new file under /tmp; path receives its name (unlink it). */
static void write_temp(char *path, size_t size, const char *text)
{
    snprintf(path, size, "/tmp/ics_test_spc_XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* What a writer wrote, NUL-terminated, in buf. */
static void written(int (*writer)(const struct ics_spc_result *, FILE *, struct ics_error *),
                    const struct ics_spc_result *res, char *buf, size_t size)
{
    struct ics_error err = {0};
    FILE *f = ics_tempfile(&err);
    CHECK_INT(writer(res, f, &err), ICS_OK);
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void collect(void *ctx, const char *text)
{
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 4096 - n, "%s\n", text);
}

/* Rows in file order (line 1 the header): B line 2 ("1,234" is 1234), A lines 3-6 out of date
 * order with per-row targets (NA on line 4; 12 and 10 differ, the latest row with one, 2024-01-03,
 * says 10), A line 6 and C line 7 without a value. A sorted: 1, 3, 5: mean 3, moving ranges 2 and 2
 * (mR-bar 2, none screened), UPL 3 + 2.66 x 2 = 8.32 < target 10, higher is better:
 * consistent_fail. B is a single point (limits empty), C is left out. The rebase date 2023-06-01
 * is on no point. */
static const char TABLE[] = "series,date,value,target\n"
                            "B,2024-01-01,\"1,234\",\n"
                            "A,2024-01-03,5,10\n"
                            "A,2024-01-01,1,NA\n"
                            "A,2024-01-02,3,12\n"
                            "A,2024-01-04,NA,\n"
                            "C,2024-01-01,,\n";

static void test_table(void)
{
    char path[64];
    write_temp(path, sizeof path, TABLE);
    struct ics_spc_table_options cols;
    ics_spc_table_options_init(&cols);
    cols.value = "value";
    cols.series = "series";
    cols.target = "target";
    struct ics_spc_run_options ro;
    ics_spc_run_options_init(&ro);
    CHECK_INT(ro.spc.direction, ICS_SPC_INCREASE);
    CHECK_INT(ro.spc.short_threshold, 13);
    const int32_t rebase[1] = {ics_date_from_ymd(2023, 6, 1)};
    ro.rebase = rebase;
    ro.nrebase = 1;
    struct ics_error err = {0};
    struct ics_spc_input *in = NULL;
    struct ics_spc_result *res = NULL;
    CHECK_INT(ics_spc_read_table(path, &cols, &in, &err), ICS_OK);
    CHECK_INT(ics_spc_run(in, &ro, &res, &err), ICS_OK);
    unlink(path);
    if (!res)
        return;
    const struct ics_spc_totals *t = ics_spc_result_totals(res);
    CHECK_INT(t->rows, 6);
    CHECK_INT(t->series, 3);
    CHECK_INT(t->charted, 2);
    CHECK_INT(t->rows_missing, 2);
    CHECK_INT(t->rebase_unused, 1);
    const struct ics_spc_series *b = ics_spc_result_series(res, 0), *a = ics_spc_result_series(res, 1),
                                *c = ics_spc_result_series(res, 2);
    CHECK(ics_spc_result_series(res, 3) == NULL);
    CHECK_STR(b->name, "B");
    CHECK_STR(a->name, "A");
    CHECK_STR(c->name, "C");
    CHECK_INT(b->n, 1);
    CHECK(b->points[0].value == 1234);
    CHECK_INT(a->n, 3);
    CHECK(a->points[0].value == 1 && a->points[1].value == 3 && a->points[2].value == 5);
    CHECK(a->summary.mean == 3);
    CHECK_NEAR(a->summary.upl, 8.32, 1e-12);
    CHECK(a->has_target && a->target == 10 && a->target_varies);
    CHECK_INT(a->summary.assurance, ICS_SPC_ASSURANCE_FAIL);
    CHECK_INT(a->missing, 1);
    CHECK_INT(a->first_missing_line, 6);
    CHECK(c->skipped && c->n == 0 && c->missing == 1);
    CHECK_STR(ics_spc_result_table(res)->value, "value");
    CHECK_STR(ics_spc_result_table(res)->date, "date");

    char notes[4096] = "";
    ics_spc_result_notes(res, collect, notes);
    CHECK_STR(notes, "series 'B': a segment has a single point: no moving range, limits empty\n"
                     "series 'B': 1 segment of fewer than 13 points: trial limits\n"
                     "series 'A': 1 row with no value left out (first at line 6)\n"
                     "series 'A': 1 segment of fewer than 13 points: trial limits\n"
                     "series 'A': the target varies; the latest one (10) is judged\n"
                     "series 'C': no row has a value (1 missing): left out\n"
                     "rebase date 2023-06-01 is not a date of any series: ignored\n");

    char buf[8192];
    written(ics_spc_write_csv, res, buf, sizeof buf);
    CHECK(starts_with(buf, "series,date,value,segment,mean,lpl,upl,lower_2sigma,upper_2sigma,rule,point_type\n"
                           "B,2024-01-01,1234,1,1234,,,,,,common_cause\nA,2024-01-01,1,1,3,"));
    written(ics_spc_write_summary_csv, res, buf, sizeof buf);
    CHECK(starts_with(buf, "series,n,mean,lpl,upl,variation_icon,assurance_icon,short_warning\n"
                           "B,1,1234,,,common_cause,,true\nA,3,3,"));
    CHECK(strstr(buf, "\nC,") == NULL);
    written(ics_spc_write_summary_json, res, buf, sizeof buf);
    CHECK(strstr(buf, "{\"value\":\"value\",\"series\":[{\"series\":\"B\",\"n\":1,\"points\":1,\"segments\":1,"
                      "\"mean\":1234,\"lpl\":null,\"upl\":null,") == buf);
    CHECK(strstr(buf, "\"data\"") == NULL);
    written(ics_spc_write_json, res, buf, sizeof buf);
    CHECK(strstr(buf, "\"data\":[{\"date\":\"2024-01-01\",\"value\":1234,\"segment\":1,\"mean\":1234,") != NULL);
    ics_spc_result_free(res);
}

/* Reads one table and returns the status; the message in msg. */
static int read_fails(const char *text, const struct ics_spc_table_options *cols, char *msg, size_t size)
{
    char path[64];
    write_temp(path, sizeof path, text);
    struct ics_error err = {0};
    struct ics_spc_input *in = NULL;
    int rc = ics_spc_read_table(path, cols, &in, &err);
    if (!rc) {
        struct ics_spc_result *res = NULL;
        struct ics_spc_run_options ro;
        ics_spc_run_options_init(&ro);
        rc = ics_spc_run(in, &ro, &res, &err);
        ics_spc_result_free(res);
    }
    unlink(path);
    /* the message without the temporary file's name */
    const char *m = strncmp(err.message, path, strlen(path)) == 0 ? err.message + strlen(path) : err.message;
    snprintf(msg, size, "%s", m);
    return rc;
}

static void test_table_errors(void)
{
    struct ics_spc_table_options cols;
    ics_spc_table_options_init(&cols);
    cols.value = "value";
    char msg[ICS_ERROR_MESSAGE_MAX];
    /* the one number grammar: hex, infinities and misplaced commas are not numbers */
    CHECK_INT(read_fails("date,value\n2024-01-01,1\n2024-01-02,0x1p3\n", &cols, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":3:2: '0x1p3' is not a number");
    CHECK_INT(read_fails("date,value\n2024-01-01,-inf\n", &cols, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:2: '-inf' is not a number");
    CHECK_INT(read_fails("date,value\n2024-01-01,\"12,34\"\n", &cols, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_INT(read_fails("date,value\n2024-01-01, 1e999 \n", &cols, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:2: '1e999' is not a number");
    /* "NaN" is one of the spellings of a missing value, not a number */
    CHECK_INT(read_fails("date,value\n2024-01-01,NaN\n2024-01-02,2\n", &cols, msg, sizeof msg), ICS_OK);
    CHECK_INT(read_fails("day,value\n2024-01-01,1\n", &cols, msg, sizeof msg), ICS_ERR_MISSING_COLUMN);
    CHECK_STR(msg, ": no date column in the header (looked for date, period_start, period, week_start and month)");
    CHECK(strstr(msg, "--") == NULL);   /* library messages name no command-line flag */
    CHECK_INT(read_fails("date,value\n", &cols, msg, sizeof msg), ICS_ERR_EMPTY);
    CHECK_INT(read_fails("date,value\n2024-01-02,1\n02/01/2024,2\n", &cols, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ": series 'value': duplicate date 2024-01-02");
    cols.target = "goal";
    CHECK_INT(read_fails("date,value,goal\n2024-01-01,1,0x10\n", &cols, msg, sizeof msg), ICS_ERR_PARSE);
    CHECK_STR(msg, ":2:3: target '0x10' is not a number");
    cols.target = "aim";
    CHECK_INT(read_fails("date,value,goal\n2024-01-01,1,2\n", &cols, msg, sizeof msg), ICS_ERR_MISSING_COLUMN);
    CHECK_STR(msg, ": no column 'aim' in the header");
    cols.value = NULL;
    CHECK_INT(read_fails("date,value\n2024-01-01,1\n", &cols, msg, sizeof msg), ICS_ERR_USAGE);
}

static void test_table_allocation_failures(void)
{
    /* read, run and write with every allocation failing in turn: ICS_ERR_NOMEM, nothing leaked */
    char path[64];
    write_temp(path, sizeof path, TABLE);
    struct ics_spc_table_options cols;
    ics_spc_table_options_init(&cols);
    cols.value = "value";
    cols.series = "series";
    cols.target = "target";
    struct ics_spc_run_options ro;
    ics_spc_run_options_init(&ro);
    const int32_t rebase[2] = {ics_date_from_ymd(2024, 1, 3), ics_date_from_ymd(2023, 6, 1)};
    ro.rebase = rebase;
    ro.nrebase = 2;
    struct ics_error err = {0};
    FILE *sink = ics_tempfile(&err);
    int ok = 0;
    for (long k = 0; k < 200 && !ok; k++) {
        struct ics_spc_input *in = NULL;
        struct ics_spc_result *res = NULL;
        ics_alloc_fail_after(k);
        int rc = ics_spc_read_table(path, &cols, &in, &err);
        if (!rc)
            rc = ics_spc_run(in, &ro, &res, &err);
        if (!rc)
            rc = ics_spc_write_json(res, sink, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK)
            ok = 1;
        else
            CHECK_INT(rc, ICS_ERR_NOMEM);
        ics_spc_result_free(res);
    }
    CHECK(ok);
    fclose(sink);
    unlink(path);
}

int main(void)
{
    RUN(test_snapshot_rnorm20);
    RUN(test_vignette_deviations);
    RUN(test_rule_shift);
    RUN(test_rule_part_of_run);
    RUN(test_rule_trend);
    RUN(test_rule_two_in_three);
    RUN(test_opposite_side_two_in_three);
    RUN(test_rebase_groups);
    RUN(test_fix_after);
    RUN(test_assurance);
    RUN(test_short_groups);
    RUN(test_edge_cases);
    RUN(test_point_types_and_icons);
    RUN(test_two_in_three_mdc2023);
    RUN(test_trend_label_tie);
    RUN(test_r_numerics);
    RUN(test_allocation_failures);
    RUN(test_table);
    RUN(test_table_errors);
    RUN(test_table_allocation_failures);
    return TEST_SUMMARY("spc");
}
