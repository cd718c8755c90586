/* Unit tests of ics synth: the PRNG, integer sampling, the embedded tables,
 * determinism, field validity, the messy layout and allocation failures. */
#include <stdlib.h>

#include "harness.h"
#include "ics/core.h"
#include "ics/csv.h"
#include "ics/synth.h"
#include "synth/rng.h"
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
    CHECK_INT(icsi_synth_shape_non_elective[128], 9410);   /* 0.5^2.8 * 65536 = 9410.1 */
    CHECK_INT(icsi_synth_shape_elective[128], 5793);       /* 0.5^3.5 * 65536 = 5792.6 */
    CHECK_INT(icsi_synth_shape_tail[128], 22649);          /* -0.5 ln(1 - 511/1024) * 65536 = 22649.1 */
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
    RUN(test_spells_valid);
    RUN(test_determinism);
    RUN(test_prefix_and_repeat);
    RUN(test_messy_same_values);
    RUN(test_errors);
    RUN(test_allocation_failures);
    RUN(test_trimpoints_out);
    RUN(test_synth_ledger);
    return TEST_SUMMARY("synth");
}
