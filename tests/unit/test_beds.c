/*
 * ics beds against an independent oracle: random spells are written to a
 * file, and the expected measures are computed here by walking every night of
 * every spell one by one (no interval arithmetic), then compared with the
 * library's results with one and two threads, per provider and per day.
 */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "ics/beds.h"
#include "ics/refdata.h"
#include "ics/stats.h"

#define NPROV 5
#define TRIM_EL 4
#define TRIM_NE 9
#define RATE_PENCE 12345

struct oracle {
    long long spells, bed_days, excess, cost, ls7, ls21, occ, occ7, occ21;
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33) % n;
}

static const int32_t FROM = 17622;   /* 2018-04-01 */
static const int32_t TO = 17986;     /* 2019-03-31 */

static void oracle_add(struct oracle *o, int32_t adm, int32_t dis, int open, int elective, int has_trim,
                       long long *daily_occ21)
{
    if (!open && dis >= FROM && dis <= TO) {
        long long los = dis - adm;
        o->spells++;
        o->bed_days += los;
        o->ls7 += los >= 7;
        o->ls21 += los >= 21;
        if (has_trim) {
            long long trim = elective ? TRIM_EL : TRIM_NE;
            long long ex = los > trim ? los - trim : 0;
            o->excess += ex;
            o->cost += ex * RATE_PENCE;
        }
    }
    int32_t end = open ? TO + 1 : dis;
    for (int32_t d = adm; d < end; d++) {
        if (d < FROM || d > TO)
            continue;
        o->occ++;
        o->occ7 += d - adm >= 7;
        o->occ21 += d - adm >= 21;
        if (daily_occ21 && d - adm >= 21)
            daily_occ21[d - FROM]++;
    }
}

static void test_against_oracle(void)
{
    char path[] = "/tmp/ics_test_beds_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    char trim_path[] = "/tmp/ics_test_trim_XXXXXX";
    int tfd = mkstemp(trim_path);
    FILE *tf = fdopen(tfd, "w");
    fprintf(tf, "hrg,elective_trimpoint_days,non_elective_trimpoint_days,excess_bed_day_rate\nH1,%d,%d,123.45\n",
            TRIM_EL, TRIM_NE);
    fclose(tf);

    struct oracle expect[NPROV] = {{0}}, total = {0};
    static long long daily_occ21[400];
    memset(daily_occ21, 0, sizeof daily_occ21);
    fputs("provider_code,admission_date,discharge_date,admission_method,hrg,patient_la\n", f);
    const int n = 60000;   /* over 4 MB, so two threads really split it */
    for (int i = 0; i < n; i++) {
        int p = (int)rnd(NPROV);
        int32_t adm = FROM - 60 + (int32_t)rnd(450);
        int32_t los = rnd(10) < 7 ? (int32_t)rnd(6) : (int32_t)rnd(80);
        int open = rnd(100) < 3;
        int elective = rnd(2);
        int has_trim = rnd(10) != 0;
        char a[11], d[11] = "";
        ics_date_format(adm, a);
        if (!open)
            ics_date_format(adm + los, d);
        fprintf(f, "R%02d,%s,%s,%s,%s,E06000001\n", p, a, d, elective ? "11" : "21", has_trim ? "H1" : "H2");
        oracle_add(&expect[p], adm, adm + los, open, elective, has_trim, daily_occ21);
        oracle_add(&total, adm, adm + los, open, elective, has_trim, NULL);
    }
    /* pad the file past the scan's 4 MB threshold for splitting */
    for (int i = 0; i < 120000; i++)
        fprintf(f, "R%02d,2010-01-01,2010-01-02,11,H1,E06000001\n", (int)rnd(NPROV));
    fclose(f);

    struct ics_error err;
    struct ics_trimpoints *trim;
    CHECK_INT(ics_trimpoints_load(trim_path, &trim, &err), ICS_OK);
    for (int threads = 1; threads <= 2; threads++) {
        struct ics_beds_options opt;
        ics_beds_options_init(&opt);
        opt.level = ICS_BEDS_PROVIDER;
        opt.from = FROM;
        opt.to = TO;
        opt.trimpoints = trim;
        opt.threads = threads;
        struct ics_beds_result *r;
        CHECK_INT(ics_beds_run(path, &opt, &r, &err), ICS_OK);
        if (!r)
            continue;
        CHECK_INT(ics_beds_result_summary(r)->threads, threads);
        CHECK_INT(ics_beds_result_summary(r)->read, n + 120000);
        CHECK_INT(ics_beds_result_summary(r)->rejected, 0);
        CHECK_INT(ics_beds_result_summary(r)->rows, NPROV);
        for (size_t i = 0; i < ics_beds_result_summary(r)->rows && i < NPROV; i++) {
            const struct ics_beds_measures *m = &ics_beds_result_row(r, i)->m;
            const struct oracle *o = &expect[i];
            char code[8];
            snprintf(code, sizeof code, "R%02zu", i);
            CHECK_STR(ics_beds_result_row(r, i)->code, code);
            CHECK_INT(m->spells, o->spells);
            CHECK_INT(m->bed_days, o->bed_days);
            CHECK_INT(m->excess_bed_days, o->excess);
            CHECK_INT(m->excess_cost_pence, o->cost);
            CHECK_INT(m->long_stay_7_spells, o->ls7);
            CHECK_INT(m->long_stay_21_spells, o->ls21);
            CHECK_INT(m->occupied_bed_days, o->occ);
            CHECK_INT(m->long_stay_7_bed_days, o->occ7);
            CHECK_INT(m->long_stay_21_bed_days, o->occ21);
        }
        CHECK_INT(ics_beds_result_total(r)->m.occupied_bed_days, total.occ);
        CHECK_INT(ics_beds_result_total(r)->m.excess_cost_pence, total.cost);
        ics_beds_result_free(r);
    }

    /* A run that derives its trim points (two passes: spilled and replayed) gives
     * exactly what one pass gives with the trim points it derived. */
    {
        struct ics_beds_options d;
        ics_beds_options_init(&d);
        d.level = ICS_BEDS_PROVIDER;
        d.from = FROM;   /* trim points still come from the data: two passes, spilled */
        d.to = TO;
        d.threads = 2;
        d.has_flat_rate = 1;
        d.flat_rate_pence = 10001;
        struct ics_beds_result *dr = NULL, *or = NULL;
        CHECK_INT(ics_beds_run(path, &d, &dr, &err), ICS_OK);
        if (dr) {
            CHECK(ics_beds_result_summary(dr)->trimpoints_derived);
            CHECK_INT(ics_beds_result_summary(dr)->passes, 2);
            char tp[] = "/tmp/ics_test_tpout_XXXXXX";
            int tpfd = mkstemp(tp);
            FILE *tpf = fdopen(tpfd, "w");
            CHECK_INT(ics_trimpoints_write(ics_beds_result_trimpoints(dr), tpf, &err), ICS_OK);
            fclose(tpf);
            struct ics_trimpoints *derived;
            CHECK_INT(ics_trimpoints_load(tp, &derived, &err), ICS_OK);
            struct ics_beds_options o = d;
            o.from = ics_beds_result_summary(dr)->from;
            o.to = ics_beds_result_summary(dr)->to;
            o.trimpoints = derived;
            o.threads = 1;
            CHECK_INT(ics_beds_run(path, &o, &or, &err), ICS_OK);
            if (or) {
                CHECK_INT(ics_beds_result_summary(or)->passes, 1);
                CHECK_INT(ics_beds_result_summary(or)->rows, ics_beds_result_summary(dr)->rows);
                CHECK_INT(memcmp(&ics_beds_result_total(or)->m, &ics_beds_result_total(dr)->m, sizeof ics_beds_result_total(or)->m), 0);
                for (size_t i = 0; i < ics_beds_result_summary(or)->rows && i < ics_beds_result_summary(dr)->rows; i++)
                    CHECK_INT(memcmp(&ics_beds_result_row(or, i)->m, &ics_beds_result_row(dr, i)->m, sizeof ics_beds_result_row(or, i)->m), 0);
                CHECK(ics_beds_result_total(dr)->m.excess_bed_days > 0);
            }
            ics_beds_result_free(or);
            ics_trimpoints_free(derived);
            unlink(tp);
        }
        ics_beds_result_free(dr);
    }

    /* Day series: the total rows' 21+ bed days equal the oracle night by night. */
    struct ics_beds_options opt;
    ics_beds_options_init(&opt);
    opt.level = ICS_BEDS_PROVIDER;
    opt.from = FROM;
    opt.to = TO;
    opt.trimpoints = trim;
    opt.series = ICS_SERIES_DAY;
    opt.threads = 2;
    struct ics_beds_result *r;
    CHECK_INT(ics_beds_run(path, &opt, &r, &err), ICS_OK);
    if (r) {
        CHECK_INT(ics_beds_result_summary(r)->periods, TO - FROM + 1);
        CHECK_INT(ics_beds_result_summary(r)->rows, (size_t)NPROV * ics_beds_result_summary(r)->periods);
        int mismatches = 0;
        for (size_t p = 0; p < ics_beds_result_summary(r)->periods; p++) {
            const struct ics_beds_row *t = ics_beds_result_period_total(r, p);
            mismatches += t->m.long_stay_21_bed_days != daily_occ21[p] || t->period_start != FROM + (int32_t)p;
        }
        CHECK_INT(mismatches, 0);
        ics_beds_result_free(r);
    }
    /* Week series: periods start on Mondays; 2018-04-01 is a Sunday, so the first week
     * (from Monday 26 March) holds one day of the period. */
    opt.series = ICS_SERIES_WEEK;
    CHECK_INT(ics_beds_run(path, &opt, &r, &err), ICS_OK);
    if (r) {
        CHECK_INT(ics_beds_result_summary(r)->periods, 53);
        CHECK_INT(ics_beds_result_row(r, 0)->period_start, FROM - 6);
        CHECK_INT(ics_beds_result_row(r, 0)->period_days, 1);
        long long sum = 0;
        for (size_t p = 0; p < ics_beds_result_summary(r)->periods; p++)
            sum += ics_beds_result_period_total(r, p)->m.occupied_bed_days;
        CHECK_INT(sum, total.occ);
        ics_beds_result_free(r);
    }
    ics_trimpoints_free(trim);
    unlink(path);
    unlink(trim_path);
}

static void test_trimpoint_layouts_and_rates(void)
{
    char path[] = "/tmp/ics_test_tp_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    /* the shared/data hrg-trimpoints-costs layout, with its '-' and 0 placeholders */
    fputs("sushrg,elective,emergency\nAA22C,90,257\nZZ01Z,-,0\n", f);
    fclose(f);
    struct ics_trimpoints *t;
    struct ics_error err;
    CHECK_INT(ics_trimpoints_load(path, &t, &err), ICS_OK);
    CHECK_INT(ics_trimpoints_count(t), 2);
    char rates[] = "/tmp/ics_test_rates_XXXXXX";
    fd = mkstemp(rates);
    f = fdopen(fd, "w");
    fputs("hrg,rate\nAA22C,310.5\n", f);
    fclose(f);
    CHECK_INT(ics_trimpoints_load_rates(t, rates, &err), ICS_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK_INT(ics_trimpoints_write(t, m, &err), ICS_OK);
    fclose(m);
    CHECK_STR(buf, "hrg,elective_trimpoint_days,non_elective_trimpoint_days,excess_bed_day_rate\n"
                   "AA22C,90,257,310.50\nZZ01Z,,,\n");
    free(buf);
    ics_trimpoints_free(t);
    f = fopen(rates, "w");
    fputs("hrg,rate\nAA22C,1.234\n", f);
    fclose(f);
    CHECK_INT(ics_trimpoints_load(path, &t, &err), ICS_OK);
    CHECK_INT(ics_trimpoints_load_rates(t, rates, &err), ICS_ERR_PARSE);
    CHECK(strstr(err.message, ":2:2: bad rate '1.234': more than two decimal places") != NULL);
    ics_trimpoints_free(t);
    unlink(path);
    unlink(rates);
}

/* Every allocation failing in turn: an error or a right answer, never a crash or leak. */
static void test_allocation_failures(void)
{
    char path[] = "/tmp/ics_test_bedsoom_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("provider_code,admission_date,discharge_date,admission_method,hrg\n"
          "RAA,2018-05-01,2018-05-20,21,X\nRBB,2018-05-01,,11,X\nRAA,2018-06-01,2018-06-02,99,Y\n", f);
    fclose(f);
    int ok = 0, failed = 0;
    for (long k = 0; k < 200; k++) {
        struct ics_beds_options opt;
        ics_beds_options_init(&opt);
        opt.level = ICS_BEDS_PROVIDER;
        opt.threads = 1;
        opt.series = k % 2 ? ICS_SERIES_WEEK : ICS_SERIES_NONE;
        struct ics_beds_result *r = NULL;
        struct ics_error err;
        ics_alloc_fail_after(k);
        int rc = ics_beds_run(path, &opt, &r, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK) {
            ok++;
            CHECK_INT(ics_beds_result_total(r)->m.bed_days, 19 + 1);
            ics_beds_result_free(r);
        } else {
            failed++;
            CHECK_INT(rc, ICS_ERR_NOMEM);
        }
    }
    CHECK(ok > 0 && failed > 0);
    unlink(path);
}

/* Derived trim points use only the spells discharged in the chosen period: long
 * stays discharged a year earlier must not move them. X01's ten 2018-19 spells have
 * LOS 1 1 2 2 3 3 4 5 8 40 (trim 9, as in tests/cli/beds/derived_trimpoints.sh); forty 2017-18
 * spells of LOS 100 would raise Q3 far above that if they were counted. */
static void test_derived_trim_uses_the_period(void)
{
    char path[] = "/tmp/ics_test_fy_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("provider_code,admission_date,discharge_date,admission_method,hrg\n", f);
    int los[] = {1, 1, 2, 2, 3, 3, 4, 5, 8, 40};
    for (int i = 0; i < 10; i++) {
        char a[11], d[11];
        int32_t adm = ics_date_from_ymd(2018, 12, 1);
        ics_date_format(adm, a);
        ics_date_format(adm + los[i], d);
        fprintf(f, "RCC,%s,%s,11,X01\n", a, d);
    }
    for (int i = 0; i < 40; i++)
        fputs("RCC,2017-01-01,2017-04-11,12,X01\n", f);
    fclose(f);
    for (int threads = 1; threads <= 2; threads++) {
        struct ics_beds_options opt;
        ics_beds_options_init(&opt);
        opt.level = ICS_BEDS_PROVIDER;
        opt.threads = threads;
        struct ics_beds_result *r;
        struct ics_error err;
        CHECK_INT(ics_beds_run(path, &opt, &r, &err), ICS_OK);
        if (!r)
            continue;
        CHECK_INT(ics_beds_result_summary(r)->from, ics_date_from_ymd(2018, 4, 1));
        CHECK_INT(ics_beds_result_total(r)->m.spells, 10);
        CHECK_INT(ics_beds_result_total(r)->m.excess_bed_days, 31);
        CHECK_INT(ics_beds_result_summary(r)->outside_period, 40);
        CHECK(ics_beds_result_summary(r)->trimpoints_derived);
        ics_beds_result_free(r);
    }
    unlink(path);
}

/* A derived trim point of 0 days (ten same-day spells) written by --trimpoints-out
 * reads back as 0 days, not as "none": the one LOS-3 spell then has 3 excess days. */
static void test_zero_trimpoint_round_trip(void)
{
    char path[] = "/tmp/ics_test_zero_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("provider_code,admission_date,discharge_date,admission_method,hrg\n", f);
    for (int i = 0; i < 12; i++)
        fputs("RAA,2018-06-01,2018-06-01,11,Z00\n", f);
    fputs("RAA,2018-06-01,2018-06-04,11,Z00\n", f);
    fclose(f);
    struct ics_beds_options opt;
    ics_beds_options_init(&opt);
    opt.level = ICS_BEDS_PROVIDER;
    struct ics_beds_result *r = NULL;
    struct ics_error err;
    CHECK_INT(ics_beds_run(path, &opt, &r, &err), ICS_OK);
    if (!r)
        return;
    /* 13 spells: Q1 = Q3 = 0, so trim = ceil(0 + 0) = 0 and LOS 3 has 3 excess days */
    CHECK_INT(ics_beds_result_total(r)->m.excess_bed_days, 3);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK_INT(ics_trimpoints_write(ics_beds_result_trimpoints(r), m, &err), ICS_OK);
    fclose(m);
    CHECK_STR(buf, "hrg,elective_trimpoint_days,non_elective_trimpoint_days\nZ00,0,\n");
    char tp[] = "/tmp/ics_test_zerotp_XXXXXX";
    int tfd = mkstemp(tp);
    FILE *tf = fdopen(tfd, "w");
    fputs(buf, tf);
    fclose(tf);
    free(buf);
    struct ics_trimpoints *t;
    CHECK_INT(ics_trimpoints_load(tp, &t, &err), ICS_OK);
    struct ics_beds_options again = opt;
    again.trimpoints = t;
    struct ics_beds_result *r2 = NULL;
    CHECK_INT(ics_beds_run(path, &again, &r2, &err), ICS_OK);
    if (r2)
        CHECK_INT(ics_beds_result_total(r2)->m.excess_bed_days, 3);
    ics_beds_result_free(r2);
    ics_beds_result_free(r);
    ics_trimpoints_free(t);
    unlink(tp);
    unlink(path);
}

/* ics_beds_options_init: the defaults a caller starts from, not a zeroed struct
 * (whose period would be the one day 1970-01-01). */
static void test_options_init(void)
{
    struct ics_beds_options opt;
    memset(&opt, 0x5A, sizeof opt);
    ics_beds_options_init(&opt);
    CHECK_INT(opt.level, ICS_BEDS_PROVIDER);
    CHECK_INT(opt.from, ICS_DATE_NONE);
    CHECK_INT(opt.to, ICS_DATE_NONE);
    CHECK_INT(opt.series, ICS_SERIES_NONE);
    CHECK(opt.trimpoints == NULL && opt.rates_path == NULL && opt.geography == NULL);
    CHECK(opt.rejects == NULL && opt.rejects_name == NULL && opt.progress == NULL);
    CHECK_INT(opt.threads, 0);
    CHECK_INT(opt.strict, 0);
    CHECK_INT(opt.has_flat_rate, 0);
}

static double at_sorted(const void *ctx, size_t k)
{
    return ((const double *)ctx)[k];
}

/* The histogram quantile of derived trim points goes through stats'
 * ics_quantile_type7_by, which must give ics_quantile_type7's bits. */
static void test_quantile_by_accessor(void)
{
    static const double x[] = {1, 1, 2, 2, 3, 3, 4, 5, 8, 40, 41, 77};
    static const double ps[] = {0, 0.1, 0.25, 1.0 / 3, 0.5, 0.75, 0.9, 1};
    for (size_t n = 1; n <= sizeof x / sizeof x[0]; n++)
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
            double a = ics_quantile_type7(x, n, ps[i]), b = ics_quantile_type7_by(n, ps[i], at_sorted, x);
            CHECK(memcmp(&a, &b, sizeof a) == 0);
        }
    /* by hand: LOS 1 1 2 2 3 3 4 5 8 40: Q1 at h = 2.25 -> 2, Q3 at h = 6.75 -> 4 + 0.75 = 4.75 */
    CHECK(ics_quantile_type7_by(10, 0.25, at_sorted, x) == 2.0);
    CHECK(ics_quantile_type7_by(10, 0.75, at_sorted, x) == 4.75);
}

int main(void)
{
    RUN(test_options_init);
    RUN(test_quantile_by_accessor);
    RUN(test_zero_trimpoint_round_trip);
    RUN(test_derived_trim_uses_the_period);
    RUN(test_against_oracle);
    RUN(test_trimpoint_layouts_and_rates);
    RUN(test_allocation_failures);
    return TEST_SUMMARY("beds");
}
