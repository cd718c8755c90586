/* Unit tests of ics synth: the PRNG, integer sampling, the embedded tables,
 * determinism, field validity, the messy layout and allocation failures. */
#include <stdlib.h>

#include "harness.h"
#include "ics/core.h"
#include "ics/csv.h"
#include "ics/synth.h"
#include "synth/rng.h"
#include "synth/synth_internal.h"
#include "synth/tables.h"

/* SplitMix64 reference outputs for state 1234567 (Vigna's splitmix64.c; the
 * same vector is used by other implementations' tests, and was re-derived
 * here with a five-line Python transcription of the published algorithm). */
static void test_splitmix_known_answers(void)
{
    struct synth_rng r = {1234567};
    CHECK(synth_next(&r) == UINT64_C(6457827717110365317));
    CHECK(synth_next(&r) == UINT64_C(3203168211198807973));
    CHECK(synth_next(&r) == UINT64_C(9817491932198370423));
    CHECK(synth_next(&r) == UINT64_C(4593380528125082431));
    CHECK(synth_next(&r) == UINT64_C(16408922859458223821));
}

/* Row k starts 64 outputs after row k-1: the rows tile one stream. */
static void test_row_streams(void)
{
    struct synth_rng a, b;
    synth_row_rng(&a, 99, 0);
    for (int i = 0; i < SYNTH_ROW_STRIDE; i++)
        synth_next(&a);
    synth_row_rng(&b, 99, 1);
    CHECK(a.state == b.state);
    synth_row_rng(&a, 99, 1000000);
    synth_row_rng(&b, 99, 999999);
    for (int i = 0; i < SYNTH_ROW_STRIDE; i++)
        synth_next(&b);
    CHECK(a.state == b.state);
}

static void test_scale(void)
{
    CHECK_INT(synth_scale(0, 10), 0);
    CHECK_INT(synth_scale(UINT32_MAX, 10), 9);
    CHECK_INT(synth_scale(UINT32_MAX, 1), 0);
    CHECK_INT(synth_scale(UINT32_C(0x80000000), 10), 5);
    CHECK_INT(synth_scale(UINT32_MAX, UINT64_C(1) << 32), UINT32_MAX);
    /* Over x = ceil(i 2^32 / 1000), i = 0..999, every value of [0, 10) gets
     * exactly 100 of the 1,000 points: the map is exact up to the step. */
    int counts[10] = {0};
    for (uint64_t i = 0; i < 1000; i++)
        counts[synth_scale((uint32_t)(((i << 32) + 999) / 1000), 10)]++;
    for (int k = 0; k < 10; k++)
        CHECK_INT(counts[k], 100);
    CHECK_INT(synth_hi(UINT64_C(0x0123456789ABCDEF)), 0x01234567);
    CHECK_INT(synth_lo(UINT64_C(0x0123456789ABCDEF)), 0x89ABCDEF);
}

static void test_pick(void)
{
    /* weights 1, 2, 3: u 0 -> row 0, 1-2 -> row 1, 3-5 -> row 2 */
    const struct synth_weighted t[] = {{0, 1}, {1, 3}, {2, 6}};
    const int want[6] = {0, 1, 1, 2, 2, 2};
    for (uint32_t u = 0; u < 6; u++)
        CHECK_INT(synth_pick(t, 3, u), want[u]);
    /* a zero weight (cum unchanged) is never drawn */
    const struct synth_weighted z[] = {{0, 1}, {1, 1}, {2, 4}, {3, 4}};
    CHECK_INT(synth_pick(z, 4, 0), 0);
    for (uint32_t u = 1; u < 4; u++)
        CHECK_INT(synth_pick(z, 4, u), 2);
    const struct synth_weighted one[] = {{7, 5}};
    CHECK_INT(synth_pick(one, 1, 4), 0);
}

/* The guide table must give exactly the binary search's answer. */
static void check_sampler_matches(const struct synth_weighted *t, size_t n)
{
    uint16_t *guide = calloc(synth_guide_size(n), sizeof *guide);
    struct synth_sampler s;
    synth_sampler_init(&s, t, n, guide);
    struct synth_rng r = {n};
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint32_t x = (uint32_t)(synth_next(&r) >> 32);
        if (i < 4)
            x = i == 0 ? 0 : i == 1 ? UINT32_MAX : i == 2 ? 1u << 31 : (1u << 31) - 1;
        if (synth_sample_x(&s, x) != synth_pick(t, n, synth_scale(x, t[n - 1].cum)))
            bad++;
    }
    CHECK_INT(bad, 0);
    free(guide);
}

static void test_sampler(void)
{
    check_sampler_matches(icsi_synth_hrg_adult_non_elective, icsi_synth_hrg_adult_non_elective_count);
    check_sampler_matches(icsi_synth_hrg_adult_elective, icsi_synth_hrg_adult_elective_count);
    check_sampler_matches(icsi_synth_hrg_maternity, icsi_synth_hrg_maternity_count);
    check_sampler_matches(icsi_synth_trust_weights, icsi_synth_trust_count);
    for (size_t i = 0; i < icsi_synth_trust_count; i += 17)
        check_sampler_matches(&icsi_synth_catchment[icsi_synth_trusts[i].catchment_start],
                              icsi_synth_trusts[i].catchment_count);
    const struct synth_weighted z[] = {{0, 0}, {1, 0}, {2, 5}, {3, 5}, {4, 9}};
    check_sampler_matches(z, 5);
    const struct synth_weighted one[] = {{0, 1}};
    check_sampler_matches(one, 1);
    CHECK_INT(synth_guide_size(1), 2);
    CHECK_INT(synth_guide_size(2), 2);
    CHECK_INT(synth_guide_size(3), 4);
    CHECK_INT(synth_guide_size(2090), 4096);
}

/* Weights 1:2:3:4 drawn 400,000 times: each share within 0.5 points of
 * 10/20/30/40% (the standard error is under 0.08 points). */
static void test_sampling_frequencies(void)
{
    const struct synth_weighted t[] = {{0, 1}, {1, 3}, {2, 6}, {3, 10}};
    uint16_t guide[4];
    struct synth_sampler s;
    synth_sampler_init(&s, t, 4, guide);
    struct synth_rng r = {42};
    long counts[4] = {0};
    for (int i = 0; i < 400000; i++)
        counts[synth_sample(&r, &s)]++;
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(counts[k] / 4000.0, 10.0 * (k + 1), 0.05);
}

static void test_shape(void)
{
    uint32_t q[257];
    for (int k = 0; k <= 256; k++)
        q[k] = (uint32_t)k * 256;   /* linear: the quantile of u is u / 2^16 */
    CHECK_INT(synth_shape(q, 0), 0);
    CHECK_INT(synth_shape(q, 0x01000000), 256);
    CHECK_INT(synth_shape(q, 0x12345678), 0x1234);
    CHECK_INT(synth_shape(q, UINT32_MAX), 65535);
    /* the generated tables: monotone, u^A from 0 to 1 (Q16) */
    for (int k = 0; k < 256; k++) {
        CHECK(icsi_synth_shape_elective[k] <= icsi_synth_shape_elective[k + 1]);
        CHECK(icsi_synth_shape_non_elective[k] <= icsi_synth_shape_non_elective[k + 1]);
        CHECK(icsi_synth_shape_tail[k] <= icsi_synth_shape_tail[k + 1]);
    }
    CHECK_INT(icsi_synth_shape_elective[0], 0);
    CHECK_INT(icsi_synth_shape_elective[256], 65536);
    CHECK_INT(icsi_synth_shape_non_elective[128], 13308);  /* 0.5^2.3 * 65536 = 13307.9 */
    CHECK_INT(icsi_synth_shape_elective[128], 11585);      /* 0.5^2.5 * 65536 = 11585.2 */
    CHECK_INT(icsi_synth_shape_tail[128], 22649);          /* -0.5 ln(1 - 511/1024) * 65536 = 22649.1 */
}

/* The provider and place factors on long stays (tools/gen/synth_tables.py):
 * lognormal quantiles with mean 1 (per mille), sigma 0.30 for trusts and 0.62
 * for places, so the unweighted mean is about 1000 and the spread is that of
 * the quantiles (i + 0.5) / n: for 309 places the smallest is the 0.16th
 * centile, exp(0.62 x -2.94 - 0.62^2 / 2) = 0.133, the largest
 * exp(0.62 x 2.94 - 0.192) = 5.11; for 121 trusts exp(0.30 x -2.64 - 0.045) =
 * 0.43 and exp(0.30 x 2.64 - 0.045) = 2.11. */
static void test_stay_factors(void)
{
    uint64_t sum = 0;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (size_t i = 0; i < icsi_synth_la_count; i++) {
        uint32_t f = icsi_synth_la_factor[i];
        sum += f;
        lo = f < lo ? f : lo;
        hi = f > hi ? f : hi;
    }
    CHECK(sum / icsi_synth_la_count >= 980 && sum / icsi_synth_la_count <= 1010);
    CHECK(lo >= 125 && lo <= 145);
    CHECK(hi >= 4950 && hi <= 5200);
    sum = 0;
    lo = UINT32_MAX;
    hi = 0;
    for (size_t i = 0; i < icsi_synth_trust_count; i++) {
        uint32_t f = icsi_synth_trusts[i].stay_factor;
        sum += f;
        lo = f < lo ? f : lo;
        hi = f > hi ? f : hi;
    }
    CHECK(sum / icsi_synth_trust_count >= 990 && sum / icsi_synth_trust_count <= 1010);
    CHECK(lo >= 420 && lo <= 445);
    CHECK(hi >= 2080 && hi <= 2140);
    /* a spell's factor is the trust's times the place's; unknown residence: the trust's */
    CHECK_INT(icsi_synth_stay_factor(0, -1), icsi_synth_trusts[0].stay_factor);
    CHECK_INT(icsi_synth_stay_factor(0, 0),
              (uint64_t)icsi_synth_trusts[0].stay_factor * icsi_synth_la_factor[0] / 1000);
}

static const struct synth_hrg *find_hrg(const char *code)
{
    for (size_t i = 0; i < icsi_synth_hrg_count; i++)
        if (strcmp(icsi_synth_hrgs[i].code, code) == 0)
            return &icsi_synth_hrgs[i];
    return NULL;
}

static const struct synth_trust *find_trust(const char *code)
{
    for (size_t i = 0; i < icsi_synth_trust_count; i++)
        if (strcmp(icsi_synth_trusts[i].code, code) == 0)
            return &icsi_synth_trusts[i];
    return NULL;
}

/* Values checked against the shared source files by hand. */
static void test_tables(void)
{
    CHECK_INT(icsi_synth_hrg_count, 2312 + 34);    /* 2,312 trim point rows + 34 NZ codes */
    CHECK_INT(icsi_synth_la_count, 309);
    const struct synth_hrg *h = find_hrg("AA22C");
    CHECK(h && h->trimpoint == 90);            /* nhp_hrg_trimpoints.csv: AA22C,90,257 */
    h = find_hrg("LA97B");
    CHECK(h && h->trimpoint == 5);             /* LA97B,5,- : the elective value is kept */
    h = find_hrg("NZ30C");
    CHECK(h && h->trimpoint == 0);
    CHECK(find_hrg("FD10M") != NULL);
    /* KH03 Q3 2019-20: RRK 2,568 G&A + 176 day beds; R0D = Poole (RD3 512 + 94)
     * + Bournemouth (RDZ 567 + 145), merged October 2020. */
    const struct synth_trust *t = find_trust("RRK");
    CHECK(t && t->beds == 2744);
    CHECK_STR(t ? t->name : NULL, "University Hospitals Birmingham NHS Foundation Trust");
    t = find_trust("R0D");
    CHECK(t && t->beds == 1318);
    CHECK(find_trust("RP4") == NULL);          /* Great Ormond Street: specialist, left out */
    CHECK(find_trust("RBZ") == NULL);          /* closed (merged into RH8) */
    /* Isle of Wight's patients all live on the island (E06000046). */
    t = find_trust("R1F");
    CHECK(t && t->catchment_count == 1);
    if (t)
        CHECK_STR(icsi_synth_la_codes[icsi_synth_catchment[t->catchment_start].index], "E06000046");
    int bad = 0;
    for (size_t i = 0; i < icsi_synth_la_count; i++) {
        const char *c = icsi_synth_la_codes[i];
        if (strlen(c) != 9 || c[0] != 'E' || c[1] != '0' || c[2] < '6' || c[2] > '9')
            bad++;
        if (i && strcmp(icsi_synth_la_codes[i - 1], c) >= 0)
            bad++;
    }
    for (size_t i = 0; i < icsi_synth_trust_count; i++) {
        if (strlen(icsi_synth_trusts[i].code) != 3 || icsi_synth_trusts[i].catchment_count == 0)
            bad++;
        uint32_t total = icsi_synth_catchment[icsi_synth_trusts[i].catchment_start + icsi_synth_trusts[i].catchment_count - 1].cum;
        if (total < 950000 || total > 1000100)   /* shares under 0.02% dropped */
            bad++;
    }
    for (size_t i = 0; i < icsi_synth_hrg_count; i++)
        if (strlen(icsi_synth_hrgs[i].code) != 5)
            bad++;
    CHECK_INT(bad, 0);
    CHECK_INT(ics_synth_trust_count(), icsi_synth_trust_count);
    struct ics_synth_trust_info info = ics_synth_trust(0);
    CHECK_STR(info.code, icsi_synth_trusts[0].code);
    CHECK(ics_synth_trust(icsi_synth_trust_count).code == NULL);
    struct ics_synth_hrg_info hi = ics_synth_hrg(0);
    CHECK_STR(hi.code, "AA22C");   /* the first code of the source file, sorted */
    CHECK(ics_synth_hrg(icsi_synth_hrg_count).code == NULL);
}

static int valid_method(const char *m)
{
    static const char *const ok[] = {"11", "12", "13", "21", "22", "23", "24", "25", "28", "2A", "2B",
                                     "2C", "2D", "31", "32", "81", "82", "83", "84", "89", NULL};
    for (int i = 0; ok[i]; i++)
        if (strcmp(m, ok[i]) == 0)
            return 1;
    return 0;
}

static int valid_destination(int d)
{
    static const int ok[] = {19, 29, 51, 53, 54, 65, 79, 85, 87, 88};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (d == ok[i])
            return 1;
    return 0;
}

static int in_catchment(const char *provider, const char *la)
{
    const struct synth_trust *t = find_trust(provider);
    if (!t)
        return 0;
    for (uint32_t k = 0; k < t->catchment_count; k++)
        if (strcmp(icsi_synth_la_codes[icsi_synth_catchment[t->catchment_start + k].index], la) == 0)
            return 1;
    return 0;
}

static void test_spells_valid(void)
{
    struct ics_error err;
    struct ics_synth *g = ics_synth_new(5, 2019, &err);   /* 2019-20 holds 29 February */
    CHECK(g != NULL);
    if (!g)
        return;
    int32_t first = ics_date_from_ymd(2019, 4, 1), last = ics_date_from_ymd(2020, 3, 31);
    int bad_dates = 0, bad_codes = 0, bad_people = 0, open = 0, leap_day = 0, maternity_male = 0;
    for (uint64_t i = 0; i < 20000; i++) {
        struct ics_synth_spell s;
        ics_synth_spell(g, i, &s);
        if (s.number != i + 1)
            bad_codes++;
        if (s.discharge_date == ICS_DATE_NONE) {
            open++;
            if (s.admission_date < first || s.admission_date > last || s.discharge_destination != 0)
                bad_dates++;
        } else {
            if (s.discharge_date < first || s.discharge_date > last || s.admission_date > s.discharge_date ||
                s.discharge_date - s.admission_date > 1095)
                bad_dates++;
            if (!valid_destination(s.discharge_destination))
                bad_codes++;
            if (s.discharge_date == ics_date_from_ymd(2020, 2, 29))
                leap_day++;
        }
        if (!valid_method(s.admission_method) || strlen(s.provider_code) != 3)
            bad_codes++;
        if (s.patient_la[0] && !in_catchment(s.provider_code, s.patient_la))
            bad_codes++;
        if (s.hrg[0]) {
            const struct synth_hrg *h = find_hrg(s.hrg);
            if (!h || (int)h->trimpoint != s.trimpoint)
                bad_codes++;
        } else if (s.trimpoint != 0) {
            bad_codes++;
        }
        if (s.age < 0 || s.age > 105 || (s.sex != 1 && s.sex != 2))
            bad_people++;
        if ((s.admission_method[0] == '3' || strncmp(s.hrg, "NZ", 2) == 0) && s.sex != 2)
            maternity_male++;
        if (strncmp(s.hrg, "P", 1) == 0 && s.age > 18)
            bad_people++;
    }
    CHECK_INT(bad_dates, 0);
    CHECK_INT(bad_codes, 0);
    CHECK_INT(bad_people, 0);
    CHECK_INT(maternity_male, 0);
    CHECK(open >= 40 && open <= 130);       /* 0.4% of 20,000 = 80 */
    CHECK(leap_day > 10);                   /* about 20,000 / 366 * 0.9 */
    ics_synth_free(g);
}

static void test_determinism(void)
{
    struct ics_error err;
    struct ics_synth *a = ics_synth_new(7, 2018, &err);
    struct ics_synth *b = ics_synth_new(7, 2018, &err);
    struct ics_synth *c = ics_synth_new(8, 2018, &err);
    CHECK(a && b && c);
    if (!a || !b || !c)
        return;
    int same_seed_differs = 0, other_seed_same = 0;
    for (uint64_t i = 0; i < 2000; i++) {
        struct ics_synth_spell x, y, z;
        ics_synth_spell(a, i, &x);
        ics_synth_spell(b, i, &y);
        ics_synth_spell(c, i, &z);
        if (memcmp(&x, &y, sizeof x) != 0)
            same_seed_differs++;
        if (x.admission_date == z.admission_date && strcmp(x.hrg, z.hrg) == 0 &&
            strcmp(x.provider_code, z.provider_code) == 0 && x.age == z.age)
            other_seed_same++;
    }
    CHECK_INT(same_seed_differs, 0);
    CHECK(other_seed_same < 5);
    ics_synth_free(a);
    ics_synth_free(b);
    ics_synth_free(c);
}

static char *run_synth(uint64_t spells, uint64_t seed, int messy, size_t *len, int *rc)
{
    struct ics_synth_options opt;
    ics_synth_options_init(&opt);
    opt.spells = spells;
    opt.seed = seed;
    opt.messy = messy;
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct ics_error err;
    ics_error_clear(&err);
    *rc = ics_synth_spells(&opt, f, &err);
    fclose(f);
    return buf;
}

/* A short run is a prefix of a long one (the long one goes through the
 * writer thread), and two runs are byte-identical. */
static void test_prefix_and_repeat(void)
{
    size_t n1, n2, n3;
    int rc1, rc2, rc3;
    char *small = run_synth(300, 3, 0, &n1, &rc1);
    char *big = run_synth(150000, 3, 0, &n2, &rc2);
    char *again = run_synth(150000, 3, 0, &n3, &rc3);
    CHECK_INT(rc1, ICS_OK);
    CHECK_INT(rc2, ICS_OK);
    CHECK_INT(rc3, ICS_OK);
    CHECK(n1 < n2);
    CHECK(n1 < n2 && memcmp(small, big, n1) == 0);
    CHECK(n2 == n3 && memcmp(big, again, n2) == 0);
    /* 150,001 lines */
    size_t lines = 0;
    for (size_t i = 0; i < n2; i++)
        lines += big[i] == '\n';
    CHECK_INT(lines, 150001);
    const char *head = "spell_id,provider_code,patient_la,admission_date,discharge_date,"
                       "admission_method,hrg,age,sex,discharge_destination\n0000000001,";
    CHECK(strncmp(big, head, strlen(head)) == 0);
    free(small);
    free(big);
    free(again);
}

static int field_eq(const struct ics_csv_field *f, const struct ics_csv_field *g)
{
    return f->len == g->len && memcmp(f->ptr, g->ptr, f->len) == 0;
}

/* The messy layout holds the same values: read both with the project's CSV
 * reader and compare field by field (dates through ics_date_parse). */
static void test_messy_same_values(void)
{
    size_t nc, nm;
    int rcc, rcm;
    char *canon = run_synth(3000, 11, 0, &nc, &rcc);
    char *messy = run_synth(3000, 11, 1, &nm, &rcm);
    CHECK_INT(rcc, ICS_OK);
    CHECK_INT(rcm, ICS_OK);
    CHECK(nm > 3 && memcmp(messy, "\xEF\xBB\xBF" "EPIKEY,", 10) == 0);
    struct ics_csv_reader *rc = NULL, *rm = NULL;
    struct ics_error err;
    CHECK_INT(ics_csv_open_memory(canon, nc, "canon", &rc, &err), ICS_OK);
    CHECK_INT(ics_csv_open_memory(messy, nm, "messy", &rm, &err), ICS_OK);
    if (!rc || !rm) {
        ics_csv_close(rc);
        ics_csv_close(rm);
        free(canon);
        free(messy);
        return;
    }
    static const char *const names[10][2] = {
        {"spell_id", "EPIKEY"}, {"provider_code", "PROCODE3"}, {"patient_la", "RESLADST_ONS"},
        {"admission_date", "ADMIDATE"}, {"discharge_date", "DISDATE"}, {"admission_method", "ADMIMETH"},
        {"hrg", "SUSHRG"}, {"age", "STARTAGE"}, {"sex", "SEX"}, {"discharge_destination", "DISDEST"},
    };
    int ci[10], mi[10];
    for (int k = 0; k < 10; k++) {
        const char *a[2] = {names[k][0], NULL}, *b[2] = {names[k][1], NULL};
        ci[k] = ics_csv_header_find(ics_csv_reader_header(rc), a);
        mi[k] = ics_csv_header_find(ics_csv_reader_header(rm), b);
        CHECK_INT(ci[k], k);
        CHECK(mi[k] >= 0);
    }
    const char *notes_name[2] = {"NOTES", NULL};
    int ni = ics_csv_header_find(ics_csv_reader_header(rm), notes_name);
    CHECK_INT(ni, 6);
    int rows = 0, differ = 0, quoted_comma = 0, quoted_quote = 0;
    struct ics_csv_row a, b;
    for (;;) {
        int ra = ics_csv_next(rc, &a, &err);
        int rb = ics_csv_next(rm, &b, &err);
        CHECK_INT(ra, rb);
        if (ra != 1 || rb != 1)
            break;
        rows++;
        if (a.nfields != 10 || b.nfields != 11) {
            differ++;
            continue;
        }
        for (int k = 0; k < 10; k++) {
            const struct ics_csv_field *fa = &a.fields[ci[k]], *fb = &b.fields[mi[k]];
            if (k == 3 || (k == 4 && fa->len)) {
                int32_t da, db;
                if (ics_date_parse(fa->ptr, fa->len, &da) || ics_date_parse(fb->ptr, fb->len, &db) ||
                    da != db || fb->len != 10 || fb->ptr[2] != '/')
                    differ++;
            } else if (!field_eq(fa, fb)) {
                differ++;
            }
        }
        const struct ics_csv_field *note = &b.fields[ni];
        if (memchr(note->ptr, ',', note->len))
            quoted_comma++;
        if (memchr(note->ptr, '"', note->len))
            quoted_quote++;
    }
    CHECK_INT(rows, 3000);
    CHECK_INT(differ, 0);
    CHECK(quoted_comma > 100);   /* about 4 notes in 30 hold a comma */
    CHECK(quoted_quote > 100);
    ics_csv_close(rc);
    ics_csv_close(rm);
    free(canon);
    free(messy);
}

static void test_errors(void)
{
    struct ics_error err;
    ics_error_clear(&err);
    CHECK(ics_synth_new(1, 1800, &err) == NULL);
    CHECK_INT(err.code, ICS_ERR_USAGE);
    CHECK(strstr(err.message, "1800") != NULL);
    struct ics_synth_options opt;
    ics_synth_options_init(&opt);
    CHECK_INT(opt.seed, 1);
    CHECK_INT(opt.fy_start_year, 2018);
    opt.fy_start_year = 99999;
    CHECK_INT(ics_synth_spells(&opt, stdout, &err), ICS_ERR_USAGE);
}

/* Every allocation failing in turn: a clean ICS_ERR_NOMEM, nothing leaked. */
static void test_allocation_failures(void)
{
    int nomem = 0, ok_at = -1;
    for (int n = 0; n < 20 && ok_at < 0; n++) {
        ics_alloc_fail_after(n);
        size_t len;
        int rc;
        char *out = run_synth(10, 1, 0, &len, &rc);
        ics_alloc_fail_after(-1);
        if (rc == ICS_ERR_NOMEM)
            nomem++;
        else if (rc == ICS_OK)
            ok_at = n;
        free(out);
    }
    CHECK(nomem >= 5);
    CHECK_INT(ok_at, nomem);
}

static void test_trimpoints_out(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct ics_error err;
    CHECK_INT(ics_synth_write_trimpoints(f, &err), ICS_OK);
    fclose(f);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    CHECK_INT(lines, 1 + 2312);   /* header + every HRG with a trim point */
    CHECK(strncmp(buf, "hrg,elective_trimpoint_days,non_elective_trimpoint_days\nAA22C,90,90\n", 68) == 0);
    CHECK(strstr(buf, "\nAA22C,90,90\n") != NULL);
    CHECK(strstr(buf, "\nNZ") == NULL);
    free(buf);
}

/* Reads a whole small file into a malloc'd string (NULL if missing). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, len = 0, n;
    char chunk[8192];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[len] = '\0';
    return buf;
}

static long count_lines(const char *text)
{
    long n = 0;
    for (; text && *text; text++)
        n += *text == '\n';
    return n;
}

/* A synthetic ledger period from the defaults: the manifest lists every
 * organisation's file with its line count (counted here from the files), the
 * counts add up to the result, and a second run with the seed is identical. */
static void test_synth_ledger(void)
{
    struct ics_synth_ledger_options o;
    memset(&o, 0x5a, sizeof o);
    ics_synth_ledger_options_init(&o);
    CHECK(o.dir == NULL);
    CHECK_STR(o.period, "2022-23-M12");
    CHECK_INT(o.orgs, 300);
    CHECK_INT(o.lines, 5000000);
    CHECK_INT(o.seed, 0);
    CHECK_INT(o.disputes, 0);
    struct ics_error err;
    struct ics_synth_ledger_result res;
    CHECK_INT(ics_synth_ledger(&o, &res, &err), ICS_ERR_USAGE);   /* no directory */
    char dir[2][64];
    char *manifest[2] = {NULL, NULL};
    for (int run = 0; run < 2; run++) {
        snprintf(dir[run], sizeof dir[run], "/tmp/ics_test_synth_XXXXXX");
        CHECK(mkdtemp(dir[run]) != NULL);
        o.dir = dir[run];
        o.orgs = 10;
        o.lines = 3000;
        o.seed = 7;
        CHECK_INT(ics_synth_ledger(&o, &res, &err), ICS_OK);
        CHECK_INT(res.orgs, 10);
        char path[256];
        snprintf(path, sizeof path, "%s/manifest.csv", dir[run]);
        manifest[run] = slurp(path);
        CHECK(manifest[run] != NULL);
        CHECK_INT(count_lines(manifest[run]), 1 + 10);
        long sum = 0;
        const char *p = manifest[run] ? strchr(manifest[run], '\n') : NULL;
        while (p && p[1]) {
            char org[32], file[64];
            long lines;
            CHECK_INT(sscanf(p + 1, "%31[^,],%63[^,],%ld", org, file, &lines), 3);
            snprintf(path, sizeof path, "%s/%s", dir[run], file);
            char *text = slurp(path);
            CHECK_INT(count_lines(text) - 1, lines);   /* less the header */
            free(text);
            sum += lines;
            p = strchr(p + 1, '\n');
        }
        CHECK_INT(sum, res.lines);
        CHECK(res.lines > 1500 && res.lines < 4500);   /* "about" the lines asked for */
    }
    CHECK(manifest[0] && manifest[1] && strcmp(manifest[0], manifest[1]) == 0);
    free(manifest[0]);
    free(manifest[1]);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir[0], dir[1]);
    CHECK_INT(system(cmd), 0);
}

/* The catchments inverted for the transfers: every (trust, LA) row of the
 * catchment table once, under its LA, weighted by beds x share / 100. */
static void test_la_trusts(void)
{
    struct ics_error err;
    struct ics_synth *g = ics_synth_new(1, 2018, &err);
    CHECK(g != NULL);
    if (!g)
        return;
    size_t total = 0;
    int bad = 0, wight = 0;
    for (size_t la = 0; la < icsi_synth_la_count; la++) {
        for (uint32_t i = g->la_start[la]; i < g->la_start[la + 1]; i++) {
            const struct synth_la_trust *t = &g->la_trusts[i];
            if (!in_catchment(icsi_synth_trusts[t->trust].code, icsi_synth_la_codes[la]) || t->weight == 0)
                bad++;
            if (strcmp(icsi_synth_la_codes[la], "E06000046") == 0 && strcmp(icsi_synth_trusts[t->trust].code, "R1F") == 0) {
                /* Isle of Wight: all of R1F's patients live there (one catchment row). */
                const struct synth_trust *r1f = find_trust("R1F");
                uint32_t share = icsi_synth_catchment[r1f->catchment_start].cum;
                wight = t->weight == share / 100 * r1f->beds;
            }
        }
        total += g->la_start[la + 1] - g->la_start[la];
    }
    CHECK_INT(total, icsi_synth_catchment_count);
    CHECK_INT(bad, 0);
    CHECK_INT(wight, 1);
    ics_synth_free(g);
}

/* ---- episodes ------------------------------------------------------------ */

struct text {
    char *buf;
    size_t len;
};

static int run_episodes(uint64_t spells, uint64_t seed, int dates, struct text *ep, struct text *truth)
{
    struct ics_synth_options opt;
    ics_synth_options_init(&opt);
    opt.spells = spells;
    opt.seed = seed;
    opt.episode_dates = dates;
    ep->buf = truth->buf = NULL;
    FILE *f = open_memstream(&ep->buf, &ep->len);
    FILE *t = open_memstream(&truth->buf, &truth->len);
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_synth_episodes(&opt, f, t, NULL, &err);
    fclose(f);
    fclose(t);
    return rc;
}

/* A CSV file without quotes split in place: rows of `nf` fields. */
struct table {
    char *text;
    size_t rows, nf;
    char **f;                    /* rows * nf field pointers, header excluded */
    char *header;
};

static int table_split(struct table *t, char *text, size_t nf)
{
    t->text = text;
    t->nf = nf;
    t->rows = 0;
    for (char *p = text; *p; p++)
        t->rows += *p == '\n';
    t->rows -= 1;
    t->f = malloc((t->rows + 1) * nf * sizeof *t->f);
    char *p = text;
    t->header = p;
    p = strchr(p, '\n');
    *p++ = '\0';
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t k = 0; k < nf; k++) {
            t->f[r * nf + k] = p;
            while (*p != ',' && *p != '\n')
                p++;
            int end = *p == '\n';
            *p++ = '\0';
            if (end != (k == nf - 1))
                return -1;       /* wrong number of fields */
        }
    }
    return 0;
}

enum { E_EPIKEY, E_HESID, E_PROCODE, E_PROVSPNO, E_EPIORDER, E_ADMIDATE, E_EPISTART, E_EPIEND, E_DISDATE,
       E_ADMIMETH, E_ADMISORC, E_DISDEST, E_DISMETH, E_CLASSPAT, E_RESLA, E_AGE, E_SEX, E_HRG, E_SPELDUR, E_NF };
enum { T_ID, T_PATIENT, T_PROVIDER, T_LA, T_ADM, T_DIS, T_METHOD, T_SOURCE, T_DEST, T_CLASS, T_HRG, T_AGE, T_SEX,
       T_SPELDUR, T_CIPS, T_NF };

static const struct table *sort_table;   /* for qsort's comparator */

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Episodes in spell-key order: PSEUDO_HESID, PROCODE3, ADMIDATE, PROVSPNOPS, then EPIORDER. */
static int episode_key_cmp(const void *a, const void *b)
{
    char *const *x = &sort_table->f[*(const size_t *)a * E_NF];
    char *const *y = &sort_table->f[*(const size_t *)b * E_NF];
    static const int keys[] = {E_HESID, E_PROCODE, E_ADMIDATE, E_PROVSPNO, E_EPIORDER};
    for (int i = 0; i < 5; i++) {
        int c = strcmp(x[keys[i]], y[keys[i]]);
        if (c)
            return c;
    }
    return 0;
}

static int32_t iso_day(const char *s)
{
    int32_t d;
    return ics_date_parse(s, strlen(s), &d) == ICS_OK ? d : ICS_DATE_NONE;
}

/* What a reader derives from a provider spell's episodes. */
struct derived {
    const char *hesid, *procode, *admidate, *provspno;
    const char *la, *method, *source, *age, *sex, *cls;   /* first episode */
    const char *disdate, *disdest, *speldur;              /* last episode */
    const char *hrg;                                      /* last non-empty SUSHRG */
    const char *cips;                                     /* by the 2014 rule, computed here */
};

static int derived_cmp(const void *a, const void *b)
{
    const struct derived *x = a, *y = b;
    int c = strcmp(x->hesid, y->hesid);
    if (!c)
        c = strcmp(x->admidate, y->admidate);
    if (!c)
        c = strcmp(x->procode, y->procode);
    if (!c)
        c = strcmp(x->provspno, y->provspno);
    return c;
}

static int atoi_ok(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/*
 * The rules of docs/commands/synth.md ("Episodes") checked on 20,000 spells
 * from the text alone: the episodes are grouped into provider spells by
 * PSEUDO_HESID + PROCODE3 + ADMIDATE + PROVSPNOPS, each group's episodes are
 * checked, the spell a reader would derive (first episode, last episode, the
 * last non-empty SUSHRG) is compared with the true spells file, and the
 * continuous inpatient spells are computed here by the 2014 rule
 * (shared/docs/domain.md 2.2b) and compared with cips_id.
 */
static void check_episode_rules(int dates)
{
    struct text ep, tr;
    CHECK_INT(run_episodes(20000, 17, dates, &ep, &tr), ICS_OK);
    struct table e, t;
    CHECK_INT(table_split(&e, ep.buf, E_NF), 0);
    CHECK_INT(table_split(&t, tr.buf, T_NF), 0);
    CHECK_STR(e.header, "EPIKEY,PSEUDO_HESID,PROCODE3,PROVSPNOPS,EPIORDER,ADMIDATE,EPISTART,EPIEND,DISDATE,"
                        "ADMIMETH,ADMISORC,DISDEST,DISMETH,CLASSPAT,RESLADST_ONS,STARTAGE,SEX,SUSHRG,SPELDUR");
    CHECK_STR(t.header, "spell_id,patient_id,provider_code,patient_la,admission_date,discharge_date,"
                        "admission_method,admission_source,discharge_destination,patient_class,hrg,age,sex,"
                        "speldur,cips_id");
    CHECK_INT(t.rows, 20000);
    /* About 1.22 episodes a spell: the episode mix by LOS (docs/commands/synth.md,
     * "Episodes") gives 1.035, 1.245, 1.537, 2.03 and 2.61 episodes for stays of
     * 0, 1-2, 3-6, 7-20 and 21+ days; over the LOS mix of 1,000,000 true spells
     * that is 1.2229 (computed from the true spells file, not the episodes). */
    CHECK(e.rows > 20000 * 118 / 100 && e.rows < 20000 * 127 / 100);

    size_t *order = malloc(e.rows * sizeof *order);
    for (size_t i = 0; i < e.rows; i++)
        order[i] = i;
    sort_table = &e;
    qsort(order, e.rows, sizeof *order, episode_key_cmp);
    struct derived *spells = calloc(e.rows, sizeof *spells);
    size_t nspells = 0;
    int bad_order = 0, bad_start = 0, bad_chain = 0, bad_end = 0, bad_disdate = 0, bad_dest = 0, bad_dismeth = 0,
        bad_speldur = 0, bad_regular = 0, rejects = 0;
    int out_of_order = 0, null_dates = 0, regular = 0, multi = 0, hrg_earlier = 0, later_differs = 0;
    for (size_t i = 0; i < e.rows;) {
        size_t j = i;
        while (j < e.rows && strcmp(e.f[order[j] * E_NF + E_HESID], e.f[order[i] * E_NF + E_HESID]) == 0 &&
               strcmp(e.f[order[j] * E_NF + E_PROCODE], e.f[order[i] * E_NF + E_PROCODE]) == 0 &&
               strcmp(e.f[order[j] * E_NF + E_ADMIDATE], e.f[order[i] * E_NF + E_ADMIDATE]) == 0 &&
               strcmp(e.f[order[j] * E_NF + E_PROVSPNO], e.f[order[i] * E_NF + E_PROVSPNO]) == 0)
            j++;
        size_t n = j - i;
        char **first = &e.f[order[i] * E_NF], **last = &e.f[order[j - 1] * E_NF];
        int open = strcmp(last[E_DISDATE], "") == 0 || strcmp(last[E_DISDATE], "1800-01-01") == 0;
        if (n > 1)
            multi++;
        const char *hrg = "";
        for (size_t k = 0; k < n; k++) {
            char **x = &e.f[order[i + k] * E_NF];
            char want[3];
            snprintf(want, sizeof want, "%02d", (int)(k + 1));
            if (strcmp(x[E_EPIORDER], want) != 0)
                bad_order++;
            if (k && order[i + k] < order[i + k - 1])
                out_of_order += k == 1;
            int is_last = k == n - 1;
            if (k == 0 && strcmp(x[E_EPISTART], x[E_ADMIDATE]) != 0)
                bad_start++;
            if (!is_last && (strcmp(x[E_EPIEND], e.f[order[i + k + 1] * E_NF + E_EPISTART]) != 0 ||
                             iso_day(x[E_EPIEND]) < iso_day(x[E_EPISTART])))
                bad_chain++;
            if (is_last && open && x[E_EPIEND][0] && strcmp(x[E_EPIEND], "1800-01-01") != 0)
                bad_end++;
            if (is_last && !open && strcmp(x[E_EPIEND], x[E_DISDATE]) != 0)
                bad_end++;
            const char *want_dis = dates == ICS_SYNTH_EPISODE_DATES_REPEATED || is_last ? last[E_DISDATE] : "";
            if (strcmp(x[E_DISDATE], want_dis) != 0)
                bad_disdate++;
            int discharge_here = !open && (is_last || dates == ICS_SYNTH_EPISODE_DATES_REPEATED);
            if (discharge_here == (strcmp(x[E_DISDEST], "98") == 0))
                bad_dest++;
            if (discharge_here != (x[E_DISMETH][0] != '\0'))
                bad_dismeth++;
            if ((x[E_SPELDUR][0] != '\0') != (is_last && !open))
                bad_speldur++;
            for (int c = 0; c < E_NF; c++)
                if (strcmp(x[c], "1801-01-01") == 0)
                    rejects++;
            if (strcmp(x[E_EPIEND], "1800-01-01") == 0 || strcmp(x[E_DISDATE], "1800-01-01") == 0)
                null_dates += is_last;
            if (x[E_HRG][0])
                hrg = x[E_HRG];
            if (k && (strcmp(x[E_AGE], first[E_AGE]) || strcmp(x[E_ADMIMETH], first[E_ADMIMETH]) ||
                      strcmp(x[E_ADMISORC], first[E_ADMISORC])))
                later_differs++;
        }
        if (n > 1 && !last[E_HRG][0] && hrg[0])
            hrg_earlier++;
        if (strcmp(first[E_CLASSPAT], "3") == 0 || strcmp(first[E_CLASSPAT], "4") == 0) {
            regular++;
            if (n != 1 || strcmp(first[E_ADMIDATE], last[E_DISDATE]) != 0)
                bad_regular++;
        }
        struct derived *d = &spells[nspells++];
        d->hesid = first[E_HESID];
        d->procode = first[E_PROCODE];
        d->admidate = first[E_ADMIDATE];
        d->provspno = first[E_PROVSPNO];
        d->la = first[E_RESLA];
        d->method = first[E_ADMIMETH];
        d->source = first[E_ADMISORC];
        d->age = first[E_AGE];
        d->sex = first[E_SEX];
        d->cls = first[E_CLASSPAT];
        d->disdate = open ? "" : last[E_DISDATE];
        d->disdest = open ? "" : last[E_DISDEST];
        d->speldur = last[E_SPELDUR];
        d->hrg = hrg;
        i = j;
    }
    CHECK_INT(bad_order, 0);
    CHECK_INT(bad_start, 0);
    CHECK_INT(bad_chain, 0);
    CHECK_INT(bad_end, 0);
    CHECK_INT(bad_disdate, 0);
    CHECK_INT(bad_dest, 0);
    CHECK_INT(bad_dismeth, 0);
    CHECK_INT(bad_speldur, 0);
    CHECK_INT(bad_regular, 0);
    CHECK_INT(rejects, 0);
    CHECK_INT(nspells, 20000);
    CHECK(out_of_order > multi / 4);    /* about 6 in 10 multi-episode spells */
    CHECK(null_dates > 10);            /* half of 0.4% of 20,000 */
    CHECK(regular > 100);              /* about 1% */
    CHECK(hrg_earlier > 50);           /* 4% of about 4,700 */
    CHECK(later_differs > 200);

    /* Continuous inpatient spells, in each patient's admission order. */
    qsort(spells, nspells, sizeof *spells, derived_cmp);
    static const char *const dest_transfer[] = {"49", "50", "51", "52", "53", "84", NULL};
    static const char *const source_transfer[] = {"49", "50", "51", "52", "53", "87", NULL};
    static const char *const method_transfer[] = {"2B", "81", NULL};
    int joins = 0, near_misses = 0, same_day = 0;
    for (size_t i = 0; i < nspells; i++) {
        struct derived *d = &spells[i];
        d->cips = d->provspno;
        if (i == 0 || strcmp(d->hesid, spells[i - 1].hesid) != 0)
            continue;
        const struct derived *p = &spells[i - 1];
        same_day += strcmp(p->admidate, d->admidate) == 0;
        int ok = 0;
        if (p->disdate[0]) {
            int32_t gap = iso_day(d->admidate) - iso_day(p->disdate);
            int transfer = in_list(p->disdest, dest_transfer) || in_list(d->source, source_transfer) ||
                           in_list(d->method, method_transfer);
            int exclude = strcmp(p->disdest, "19") == 0 && strcmp(d->source, "51") == 0 &&
                          strcmp(d->method, "21") == 0;
            int reg = p->cls[0] == '3' || p->cls[0] == '4' || d->cls[0] == '3' || d->cls[0] == '4';
            ok = gap >= 0 && gap <= 2 && transfer && !exclude && !reg;
        }
        if (ok) {
            d->cips = p->cips;
            joins++;
        } else {
            near_misses++;
        }
    }
    CHECK_INT(same_day, 0);
    CHECK(joins > 40);                 /* about 0.6% of 20,000 */
    CHECK(near_misses > 20);

    /* The true spells: one per provider spell, every field as derived. */
    int missing = 0, differ = 0, cips_differ = 0, cips_shared = 0;
    for (size_t r = 0; r < t.rows; r++) {
        char **x = &t.f[r * T_NF];
        struct derived key = {.hesid = x[T_PATIENT], .procode = x[T_PROVIDER], .admidate = x[T_ADM],
                              .provspno = x[T_ID]};
        const struct derived *d = bsearch(&key, spells, nspells, sizeof *spells, derived_cmp);
        if (!d) {
            missing++;
            continue;
        }
        const char *pairs[][2] = {
            {x[T_LA], d->la}, {x[T_DIS], d->disdate}, {x[T_METHOD], d->method}, {x[T_SOURCE], d->source},
            {x[T_DEST], d->disdest}, {x[T_CLASS], d->cls}, {x[T_HRG], d->hrg}, {x[T_AGE], d->age},
            {x[T_SEX], d->sex}, {x[T_SPELDUR], d->speldur},
        };
        for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
            if (strcmp(pairs[k][0], pairs[k][1]) != 0)
                differ++;
        if (strcmp(x[T_CIPS], d->cips) != 0)
            cips_differ++;
        cips_shared += strcmp(x[T_CIPS], x[T_ID]) != 0;
    }
    CHECK_INT(missing, 0);
    CHECK_INT(differ, 0);
    CHECK_INT(cips_differ, 0);
    CHECK_INT(cips_shared, joins);

    /* EPIKEY: 12 digits, unique. */
    int bad_keys = 0;
    char **keys = malloc(e.rows * sizeof *keys);
    for (size_t r = 0; r < e.rows; r++) {
        keys[r] = e.f[r * E_NF + E_EPIKEY];
        if (strlen(keys[r]) != 12 || strspn(keys[r], "0123456789") != 12)
            bad_keys++;
    }
    qsort(keys, e.rows, sizeof *keys, str_ptr_cmp);
    for (size_t r = 1; r < e.rows; r++)
        bad_keys += strcmp(keys[r - 1], keys[r]) == 0;
    CHECK_INT(bad_keys, 0);
    free(keys);
    free(spells);
    free(order);
    free(e.f);
    free(t.f);
    free(ep.buf);
    free(tr.buf);
}

static void test_episode_rules_last(void)
{
    check_episode_rules(ICS_SYNTH_EPISODE_DATES_LAST);
}

static void test_episode_rules_repeated(void)
{
    check_episode_rules(ICS_SYNTH_EPISODE_DATES_REPEATED);
}

/* The provider spell numbers (PROVSPNOPS, the true spells' spell_id) of a
 * true spells text, sorted, for lookups. */
static char **spell_ids(struct table *t, size_t *n)
{
    char **ids = malloc((t->rows + 1) * sizeof *ids);
    for (size_t r = 0; r < t->rows; r++)
        ids[r] = t->f[r * T_NF + T_ID];
    qsort(ids, t->rows, sizeof *ids, str_ptr_cmp);
    *n = t->rows;
    return ids;
}

/* A run of `small` spells is the run of `big` spells with the rows of spells
 * small + 1 .. big deleted (blocks make a byte prefix impossible: a block's
 * rows are written in hash order once it is complete); its true spells are a
 * byte prefix. */
static void check_subsequence(uint64_t small, uint64_t big, uint64_t seed)
{
    struct text se, st, be, bt;
    CHECK_INT(run_episodes(small, seed, 0, &se, &st), ICS_OK);
    CHECK_INT(run_episodes(big, seed, 0, &be, &bt), ICS_OK);
    CHECK(st.len < bt.len && memcmp(st.buf, bt.buf, st.len) == 0);
    struct table t;
    CHECK_INT(table_split(&t, st.buf, T_NF), 0);
    size_t nids;
    char **ids = spell_ids(&t, &nids);
    /* Keep the big run's rows whose PROVSPNOPS (4th field) is a small-run spell. */
    char *kept = malloc(be.len + 1);
    size_t klen = 0;
    const char *p = be.buf, *end = be.buf + be.len;
    int header = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(nl - p) + 1;
        int keep = header;
        if (!header) {
            const char *f = p;
            for (int c = 0; c < 3; c++)
                f = memchr(f, ',', len) + 1;
            char id[13];
            memcpy(id, f, 12);
            id[12] = '\0';
            const char *key = id;
            keep = bsearch(&key, ids, nids, sizeof *ids, str_ptr_cmp) != NULL;
        }
        if (keep) {
            memcpy(kept + klen, p, len);
            klen += len;
        }
        header = 0;
        p = nl + 1;
    }
    CHECK_INT(klen, se.len);
    CHECK(klen == se.len && memcmp(kept, se.buf, klen) == 0);
    /* and the rows are not simply in spell order */
    CHECK(se.len > 0 && memcmp(se.buf, be.buf, se.len) != 0);
    free(kept);
    free(ids);
    free(t.f);
    free(se.buf);
    free(st.buf);
    free(be.buf);
    free(bt.buf);
}

static void test_episodes_determinism(void)
{
    struct text a, at, b, bt;
    CHECK_INT(run_episodes(9000, 4, 0, &a, &at), ICS_OK);
    CHECK_INT(run_episodes(9000, 4, 0, &b, &bt), ICS_OK);
    CHECK(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
    CHECK(at.len == bt.len && memcmp(at.buf, bt.buf, at.len) == 0);
    free(b.buf);
    free(bt.buf);
    CHECK_INT(run_episodes(9000, 5, 0, &b, &bt), ICS_OK);   /* another seed */
    CHECK(b.len > 300 && a.len > 300 && memcmp(b.buf + 200, a.buf + 200, 100) != 0);
    free(a.buf);
    free(at.buf);
    free(b.buf);
    free(bt.buf);
    check_subsequence(100, 1000, 3);
    check_subsequence(4097, 9000, 3);     /* past a block boundary (4,096 spells) */
    check_subsequence(9000, 110000, 3);   /* the long run goes through the writer threads */
}

/* ics_synth_provider_spell(k), called for k alone, is what the writer wrote
 * for spell k; a spell outside a pair is ics_synth_spell(k) itself, and the
 * first spell of a pair differs from it only in its destination. */
static void test_provider_spell_api(void)
{
    struct text ep, tr;
    CHECK_INT(run_episodes(3000, 21, 0, &ep, &tr), ICS_OK);
    struct table t;
    CHECK_INT(table_split(&t, tr.buf, T_NF), 0);
    struct ics_error err;
    struct ics_synth *g = ics_synth_new(21, 2018, &err);
    CHECK(g != NULL);
    int differ = 0, plain_differ = 0, pairs = 0, episodes = 0, moved = 0, local = 0, aged = 0;
    for (uint64_t k = 3000; g && k-- > 0;) {   /* backwards: no spell sees its neighbour first */
        struct ics_synth_provider_spell ps;
        ics_synth_provider_spell(g, k, &ps);
        char **x = &t.f[k * T_NF];
        char id[13], day[11];
        snprintf(id, sizeof id, "%012llu", (unsigned long long)ps.provspno);
        differ += strcmp(x[T_ID], id) != 0 || strcmp(x[T_PATIENT], ps.patient_id) != 0 ||
                  strcmp(x[T_PROVIDER], ps.spell.provider_code) != 0 || strcmp(x[T_HRG], ps.spell.hrg) != 0 ||
                  strcmp(x[T_LA], ps.spell.patient_la) != 0 || strcmp(x[T_METHOD], ps.spell.admission_method);
        ics_date_format(ps.spell.admission_date, day);
        differ += strcmp(x[T_ADM], day) != 0;
        differ += atoi_ok(x[T_AGE]) != ps.spell.age || atoi_ok(x[T_CLASS]) != ps.patient_class ||
                  atoi_ok(x[T_SOURCE]) != ps.admission_source;
        differ += ps.spell.number != k + 1 || ps.episodes < 1 || ps.episodes > ICS_SYNTH_MAX_EPISODES;
        differ += ps.episode[0].start != ps.spell.admission_date ||
                  ps.episode[ps.episodes - 1].end != ps.spell.discharge_date;
        episodes += ps.episodes;
        struct ics_synth_spell s;
        ics_synth_spell(g, k, &s);
        if (ps.link_prev) {
            pairs++;
            struct ics_synth_provider_spell f;
            ics_synth_provider_spell(g, k - 1, &f);
            /* a transfer goes to another trust serving the patient's LA */
            if (ps.link_prev != ICS_SYNTH_LINK_READMISSION && ps.spell.patient_la[0]) {
                moved++;
                local += strcmp(f.spell.provider_code, ps.spell.provider_code) != 0 &&
                         in_catchment(ps.spell.provider_code, ps.spell.patient_la);
            } else if (ps.link_prev == ICS_SYNTH_LINK_READMISSION) {
                differ += strcmp(f.spell.provider_code, ps.spell.provider_code) != 0;
            }
            differ += (k & 1) == 0 || f.link_next != ps.link_prev || strcmp(f.patient_id, ps.patient_id) != 0 ||
                      ps.patient != k - 1 || ps.spell.admission_date < f.spell.discharge_date ||
                      strcmp(f.spell.patient_la, ps.spell.patient_la) != 0;
            /* One patient: STARTAGE never goes down across the two spells' episodes (in date order,
             * the second spell's after the first's), and goes up at most once a year. */
            int32_t day0 = f.spell.admission_date;
            int prev_age = f.spell.age;
            for (int i = 0; i < f.episodes + ps.episodes; i++) {
                const struct ics_synth_episode *ee = i < f.episodes ? &f.episode[i] : &ps.episode[i - f.episodes];
                differ += ee->age < prev_age || ee->age > f.spell.age + 1 + (ee->start - day0) / 365;
                prev_age = ee->age;
            }
            aged += ps.spell.age > f.spell.age;
        } else {
            int dest = s.discharge_destination;
            if (ps.link_next)
                s.discharge_destination = ps.spell.discharge_destination;
            plain_differ += memcmp(&s, &ps.spell, sizeof s) != 0;
            s.discharge_destination = dest;
        }
    }
    CHECK_INT(differ, 0);
    CHECK_INT(plain_differ, 0);
    CHECK(pairs > 5);                        /* about 0.9% of 3,000 are second spells */
    CHECK(local >= moved * 9 / 10 && moved > 3);
    CHECK(aged <= pairs / 4);
    size_t lines = 0;
    for (size_t i = 0; i < ep.len; i++)
        lines += ep.buf[i] == '\n';
    CHECK_INT(lines, 1 + (size_t)episodes);
    ics_synth_free(g);
    free(t.f);
    free(ep.buf);
    free(tr.buf);
}

static void test_episodes_errors(void)
{
    struct ics_synth_options opt;
    ics_synth_options_init(&opt);
    CHECK_INT(opt.episode_dates, ICS_SYNTH_EPISODE_DATES_LAST);
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_synth_episodes_result r = {7, 7};
    opt.messy = 1;
    CHECK_INT(ics_synth_episodes(&opt, stdout, NULL, &r, &err), ICS_ERR_USAGE);
    CHECK_INT(r.spells, 0);
    opt.messy = 0;
    opt.spells = ICS_SYNTH_MAX_EPISODE_SPELLS + 1;
    CHECK_INT(ics_synth_episodes(&opt, stdout, NULL, &r, &err), ICS_ERR_USAGE);
    opt.spells = 5;
    opt.episode_dates = 2;
    CHECK_INT(ics_synth_episodes(&opt, stdout, NULL, &r, &err), ICS_ERR_USAGE);
    opt.episode_dates = ICS_SYNTH_EPISODE_DATES_LAST;
    opt.fy_start_year = 1800;
    CHECK_INT(ics_synth_episodes(&opt, stdout, NULL, &r, &err), ICS_ERR_USAGE);
    /* No true spells file: the episodes alone, and the counts. */
    opt.fy_start_year = 2018;
    opt.spells = 40;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(ics_synth_episodes(&opt, f, NULL, &r, &err), ICS_OK);
    fclose(f);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    CHECK_INT(r.spells, 40);
    CHECK_INT(lines, 1 + r.episodes);
    CHECK(r.episodes >= 40 && r.episodes < 80);
    free(buf);
}

/* Every allocation failing in turn: a clean ICS_ERR_NOMEM, nothing leaked. */
static void test_episodes_allocation_failures(void)
{
    int nomem = 0, ok_at = -1;
    for (int n = 0; n < 30 && ok_at < 0; n++) {
        ics_alloc_fail_after(n);
        struct text ep, tr;
        int rc = run_episodes(10, 1, 0, &ep, &tr);
        ics_alloc_fail_after(-1);
        if (rc == ICS_ERR_NOMEM)
            nomem++;
        else if (rc == ICS_OK)
            ok_at = n;
        free(ep.buf);
        free(tr.buf);
    }
    CHECK(nomem >= 8);
    CHECK_INT(ok_at, nomem);
}

int main(void)
{
    RUN(test_splitmix_known_answers);
    RUN(test_row_streams);
    RUN(test_scale);
    RUN(test_pick);
    RUN(test_sampler);
    RUN(test_sampling_frequencies);
    RUN(test_shape);
    RUN(test_tables);
    RUN(test_stay_factors);
    RUN(test_spells_valid);
    RUN(test_determinism);
    RUN(test_prefix_and_repeat);
    RUN(test_messy_same_values);
    RUN(test_errors);
    RUN(test_allocation_failures);
    RUN(test_trimpoints_out);
    RUN(test_synth_ledger);
    RUN(test_la_trusts);
    RUN(test_episode_rules_last);
    RUN(test_episode_rules_repeated);
    RUN(test_episodes_determinism);
    RUN(test_provider_spell_api);
    RUN(test_episodes_errors);
    RUN(test_episodes_allocation_failures);
    return TEST_SUMMARY("synth");
}
