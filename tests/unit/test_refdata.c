/*
 * Reference data: the built-in geography, user geography files, code changes,
 * trust names.
 *
 * Expected values were read by hand from the public sources in the shared
 * data folder, not from ics:
 *  - ons-geography/geographr_lookup_lsoa11_sicbl22_icb22_ltla22.csv (LA -> ICB,
 *    LSOA counts per LA and ICB; per-ICB totals recounted with awk, below);
 *  - ons-geography/ons_nhser19_names_codes_apr2019.csv and the ODS 2021 trust
 *    list (ICB Q code -> Y region -> E40) for regions;
 *  - ons-geography/geographr_lookup_ltla_ltla.csv for code changes;
 *  - the nhs-trusts CSVs for trust names.
 * Runs from the repository root (tests/run.sh does).
 */
#include <string.h>

#include "harness.h"
#include "ics/refdata.h"

#define DATA "tests/data/"

static const struct ics_geography_area *la(const struct ics_geography *g, const char *code)
{
    return ics_geography_la(g, code, strlen(code));
}

static void check_area(const struct ics_geography_area *a, const char *la_code, const char *la_name,
                       const char *icb_code, const char *icb_name, const char *region_code,
                       const char *region_name)
{
    CHECK(a != NULL);
    if (!a)
        return;
    CHECK_STR(a->la_code, la_code);
    CHECK_STR(a->la_name, la_name);
    CHECK_STR(a->icb_code, icb_code);
    CHECK_STR(a->icb_name, icb_name);
    CHECK_STR(a->region_code, region_code);
    CHECK_STR(a->region_name, region_name);
    CHECK_STR(a->nation_code, "E92000001");
    CHECK_STR(a->nation_name, "England");
}

static void test_default_known_areas(void)
{
    struct ics_geography *g = NULL;
    struct ics_error err;
    CHECK_INT(ics_geography_default(&g, &err), ICS_OK);
    if (!g)
        return;
    /* Halton: all its LSOAs in Cheshire and Merseyside (QYG); QYG trusts are
     * in Y62 = E40000010 North West. */
    check_area(la(g, "E06000006"), "E06000006", "Halton", "E54000008",
               "NHS Cheshire and Merseyside Integrated Care Board", "E40000010", "North West");
    /* East Suffolk straddles: 73 LSOAs in E54000022, 73 in E54000023; the tie
     * goes to the lowest code. */
    check_area(la(g, "E07000244"), "E07000244", "East Suffolk", "E54000022",
               "NHS Norfolk and Waveney Integrated Care Board", "E40000007", "East of England");
    /* Buckinghamshire: 315 LSOAs in BOB (E54000044), 4 in BLMK (E54000024). */
    check_area(la(g, "E06000060"), "E06000060", "Buckinghamshire", "E54000044",
               "NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board",
               "E40000005", "South East");
    /* Copeland: 43 in North East and North Cumbria, 6 in Lancashire and South
     * Cumbria; NENC's trusts are in Y63 North East and Yorkshire. */
    check_area(la(g, "E07000029"), "E07000029", "Copeland", "E54000050",
               "NHS North East and North Cumbria Integrated Care Board", "E40000012",
               "North East and Yorkshire");
    /* Surrey Heath: 47 in Frimley, 8 in Surrey Heartlands. */
    check_area(la(g, "E07000214"), "E07000214", "Surrey Heath", "E54000034", "NHS Frimley Integrated Care Board",
               "E40000005", "South East");
    /* A name with a comma, as ONS writes it. */
    check_area(la(g, "E06000023"), "E06000023", "Bristol, City of", "E54000039",
               "NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board", "E40000006",
               "South West");
    check_area(la(g, "E09000001"), "E09000001", "City of London", "E54000029",
               "NHS North East London Integrated Care Board", "E40000003", "London");
    /* Case and surrounding spaces are ignored; the length bounds the code. */
    check_area(ics_geography_la(g, " e06000006 ", 11), "E06000006", "Halton", "E54000008",
               "NHS Cheshire and Merseyside Integrated Care Board", "E40000010", "North West");
    check_area(ics_geography_la(g, "E06000006XYZ", 9), "E06000006", "Halton", "E54000008",
               "NHS Cheshire and Merseyside Integrated Care Board", "E40000010", "North West");
    CHECK(la(g, "E0600000") == NULL);
    CHECK(la(g, "E060000066") == NULL);
    CHECK(la(g, "") == NULL);
    CHECK(la(g, "W06000001") == NULL);   /* Isle of Anglesey: not England */
    CHECK(la(g, "E54000008") == NULL);   /* an ICB is not a local authority */
    CHECK_STR(ics_geography_effective_date(g), "2022-07-01");
    CHECK_STR(ics_geography_source(g), "built-in ONS July 2022 lookup");
    ics_geography_free(g);
}

static void test_default_code_changes(void)
{
    struct ics_geography *g = NULL;
    struct ics_error err;
    CHECK_INT(ics_geography_default(&g, &err), ICS_OK);
    if (!g)
        return;
    /* Wycombe (2016-2019) became Buckinghamshire in April 2020. */
    const struct ics_geography_area *a = la(g, "E07000007");
    CHECK(a != NULL);
    if (a) {
        CHECK_STR(a->la_code, "E06000060");
        CHECK_STR(a->icb_code, "E54000044");
    }
    /* Suffolk Coastal and Waveney (to 2018) became East Suffolk in 2019. */
    a = la(g, "E07000206");
    CHECK(a && strcmp(a->la_code, "E07000244") == 0);
    /* Northampton (to 2020) became West Northamptonshire in 2021. */
    a = la(g, "E07000154");
    CHECK(a && strcmp(a->la_code, "E06000062") == 0 && strcmp(a->icb_code, "E54000059") == 0);
    /* Bournemouth (to 2018) -> BCP E06000058, Dorset ICB, South West. */
    a = la(g, "E06000028");
    CHECK(a && strcmp(a->la_code, "E06000058") == 0 && strcmp(a->icb_code, "E54000041") == 0 &&
          strcmp(a->region_name, "South West") == 0);
    /* Taunton Deane (to 2018) -> Somerset West and Taunton (2019-2022); the
     * default holds the 2022 district so the chain stops there. */
    a = la(g, "E07000190");
    CHECK(a && strcmp(a->la_code, "E07000246") == 0 && strcmp(a->icb_code, "E54000038") == 0);
    /* St Albans' pre-2018 code (not in the geographr history; ONS CHD). */
    a = la(g, "E07000100");
    CHECK(a && strcmp(a->la_code, "E07000240") == 0 && strcmp(a->la_name, "St Albans") == 0);
    /* 2023 unitaries are held directly: Somerset = its four 2022 districts, all
     * in Somerset ICB; North Yorkshire: 341 of 373 LSOAs in Humber and North
     * Yorkshire; Westmorland and Furness: 108 of 144 in Lancashire and South
     * Cumbria (North West). */
    check_area(la(g, "E06000066"), "E06000066", "Somerset", "E54000038", "NHS Somerset Integrated Care Board",
               "E40000006", "South West");
    check_area(la(g, "E06000065"), "E06000065", "North Yorkshire", "E54000051",
               "NHS Humber and North Yorkshire Integrated Care Board", "E40000012", "North East and Yorkshire");
    check_area(la(g, "E06000064"), "E06000064", "Westmorland and Furness", "E54000048",
               "NHS Lancashire and South Cumbria Integrated Care Board", "E40000010", "North West");
    ics_geography_free(g);
}

static void test_default_tables(void)
{
    struct ics_geography *g = NULL;
    struct ics_error err;
    CHECK_INT(ics_geography_default(&g, &err), ICS_OK);
    if (!g)
        return;
    /* 309 districts of 2022 and the four 2023 unitaries. */
    CHECK_INT(ics_geography_count(g), 313);
    CHECK(ics_geography_at(g, 313) == NULL);
    /* Local authorities per ICB, recounted from the LSOA file with awk (most
     * LSOAs, ties to the lowest code):
     *   awk -F, '{la=$NF; match($0,/,E54[0-9]+,/); c[la","substr($0,RSTART+1,9)]++} ...'
     * Surrey Heartlands 10, Frimley 6, Norfolk and Waveney 8, Suffolk and NE
     * Essex 6, Somerset 4 (+ the 2023 Somerset unitary = 5). */
    size_t surrey = 0, frimley = 0, norfolk = 0, suffolk = 0, somerset = 0, london = 0;
    for (size_t i = 0; i < ics_geography_count(g); i++) {
        const struct ics_geography_area *a = ics_geography_at(g, i);
        if (i > 0)
            CHECK(strcmp(ics_geography_at(g, i - 1)->la_code, a->la_code) < 0);
        CHECK_STR(ics_geography_icb_name(g, a->icb_code, strlen(a->icb_code)), a->icb_name);
        CHECK_STR(ics_geography_region_name(g, a->region_code, strlen(a->region_code)), a->region_name);
        CHECK(la(g, a->la_code) == a);
        surrey += strcmp(a->icb_code, "E54000052") == 0;
        frimley += strcmp(a->icb_code, "E54000034") == 0;
        norfolk += strcmp(a->icb_code, "E54000022") == 0;
        suffolk += strcmp(a->icb_code, "E54000023") == 0;
        somerset += strcmp(a->icb_code, "E54000038") == 0;
        london += strncmp(a->la_code, "E09", 3) == 0 && strcmp(a->region_code, "E40000003") == 0;
    }
    CHECK_INT(surrey, 10);
    CHECK_INT(frimley, 6);
    CHECK_INT(norfolk, 8);
    CHECK_INT(suffolk, 6);
    CHECK_INT(somerset, 5);
    CHECK_INT(london, 33);   /* every London borough (E09) in NHS London */
    CHECK_STR(ics_geography_icb_name(g, "E54000057", 9), "NHS Greater Manchester Integrated Care Board");
    CHECK(ics_geography_icb_name(g, "E54000007", 9) == NULL);   /* the 2021 STP code, not an ICB22 */
    CHECK_STR(ics_geography_region_name(g, "E40000011", 9), "Midlands");
    CHECK(ics_geography_region_name(g, "E12000008", 9) == NULL); /* ONS region, not NHS */
    ics_geography_free(g);
}

static void test_gss_nation(void)
{
    const char *code = NULL, *name = NULL;
    CHECK_INT(ics_gss_nation("E06000006", 9, &code, &name), 0);
    CHECK_STR(code, "E92000001");
    CHECK_STR(name, "England");
    CHECK_INT(ics_gss_nation("W06000001", 9, &code, &name), 0);
    CHECK_STR(code, "W92000004");
    CHECK_STR(name, "Wales");
    CHECK_INT(ics_gss_nation(" s12000033", 10, &code, &name), 0);
    CHECK_STR(name, "Scotland");
    CHECK_INT(ics_gss_nation("N09000001", 9, &code, &name), 0);
    CHECK_STR(code, "N92000002");
    code = name = "untouched";
    CHECK_INT(ics_gss_nation("X99999999", 9, &code, &name), -1);
    CHECK_INT(ics_gss_nation("E0600000", 8, &code, &name), -1);
    CHECK_INT(ics_gss_nation("E0600000A", 9, &code, &name), -1);
    CHECK_INT(ics_gss_nation("", 0, &code, &name), -1);
    CHECK_STR(code, "untouched");
}

static void test_provider_names(void)
{
    CHECK_STR(ics_provider_name("R0A", 3), "Manchester University NHS Foundation Trust");
    /* 2022 proper-case name with "And"/"Of" lowered. */
    CHECK_STR(ics_provider_name("RJE", 3), "University Hospitals of North Midlands NHS Trust");
    CHECK_STR(ics_provider_name("RJ1", 3), "Guy's and St Thomas' NHS Foundation Trust");
    CHECK_STR(ics_provider_name("RCX", 3), "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust");
    CHECK_STR(ics_provider_name("RTD", 3), "The Newcastle upon Tyne Hospitals NHS Foundation Trust");
    /* Merged into RH5 Somerset in April 2020: name from the ODS 2021 capitals. */
    CHECK_STR(ics_provider_name("RBA", 3), "Taunton and Somerset NHS Foundation Trust");
    CHECK_STR(ics_provider_name("rxh ", 4), "Brighton and Sussex University Hospitals NHS Trust");
    /* Only in the 2017/18 Health Foundation list. */
    CHECK_STR(ics_provider_name("RR1", 3), "Heart of England NHS Foundation Trust");
    CHECK_STR(ics_provider_name("RGQ", 3), "Ipswich Hospital NHS Trust");
    CHECK(ics_provider_name("ZZZ", 3) == NULL);
    CHECK(ics_provider_name("R0", 2) == NULL);
    CHECK(ics_provider_name("", 0) == NULL);
    CHECK(ics_provider_name(NULL, 0) == NULL);
}

static void test_load_lsoa_style(void)
{
    struct ics_geography *g = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_geography_load(DATA "geography_lsoa_style.csv", &g, &err);
    CHECK_INT(rc, ICS_OK);
    if (rc) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK_INT(ics_geography_count(g), 5);
    /* Two rows (one lower case, spaced), named once. LAD23CD is read, not LAD22CD. */
    check_area(la(g, "E06000006"), "E06000006", "Halton", "E54000008",
               "NHS Cheshire and Merseyside Integrated Care Board", "E40000010", "North West");
    /* Two rows in E54000023, one in E54000022; ICB name from the built-in data. */
    check_area(la(g, "E07000244"), "E07000244", "East Suffolk", "E54000023",
               "NHS Suffolk and North East Essex Integrated Care Board", "E40000007", "East of England");
    /* A new ICB code (a merger) with its name from the file. */
    check_area(la(g, "E06000066"), "E06000066", "Somerset", "E54000999", "Test Merged ICB", "E40000006",
               "South West");
    /* One row each in E54000048 and E54000050: tie to the lowest code. */
    check_area(la(g, "E07000029"), "E07000029", "Copeland", "E54000048",
               "NHS Lancashire and South Cumbria Integrated Care Board", "E40000010", "North West");
    /* Region name from the built-in data. */
    check_area(la(g, "E06000065"), "E06000065", "North Yorkshire", "E54000051",
               "NHS Humber and North Yorkshire Integrated Care Board", "E40000012", "North East and Yorkshire");
    /* Old codes follow the changes to a code this file holds: Taunton Deane
     * -> Somerset West and Taunton (not held) -> Somerset 2023. */
    const struct ics_geography_area *a = la(g, "E07000190");
    CHECK(a && strcmp(a->la_code, "E06000066") == 0 && strcmp(a->icb_code, "E54000999") == 0);
    a = la(g, "E07000187");   /* Mendip 2022 -> Somerset 2023 */
    CHECK(a && strcmp(a->la_code, "E06000066") == 0);
    CHECK(la(g, "E09000001") == NULL);   /* not in this file */
    CHECK(la(g, "E07000026") == NULL);   /* Allerdale -> Cumberland, not in this file */
    CHECK_STR(ics_geography_icb_name(g, "E54000022", 9), "NHS Norfolk and Waveney Integrated Care Board");
    CHECK_STR(ics_geography_icb_name(g, "E54000999", 9), "Test Merged ICB");
    CHECK(ics_geography_icb_name(g, "E54000057", 9) == NULL);
    CHECK(ics_geography_region_name(g, "E40000003", 9) == NULL);
    CHECK(ics_geography_effective_date(g) == NULL);
    CHECK_STR(ics_geography_source(g), DATA "geography_lsoa_style.csv");
    ics_geography_free(g);
}

static void test_load_dated(void)
{
    struct ics_geography *g = NULL;
    struct ics_error err;
    CHECK_INT(ics_geography_load(DATA "geography_dated.csv", &g, &err), ICS_OK);
    if (!g)
        return;
    CHECK_STR(ics_geography_effective_date(g), "2026-04-01");   /* UK and ISO forms agree */
    /* No names in the file: all from the built-in data. */
    check_area(la(g, "E09000001"), "E09000001", "City of London", "E54000029",
               "NHS North East London Integrated Care Board", "E40000003", "London");
    ics_geography_free(g);
}

static void check_error(const char *file, int want_code, const char *want_text)
{
    struct ics_geography *g = (struct ics_geography *)&g;   /* must be reset to NULL */
    struct ics_error err;
    ics_error_clear(&err);
    int rc = ics_geography_load(file, &g, &err);
    CHECK_INT(rc, want_code);
    CHECK_INT(err.code, want_code);
    CHECK(g == NULL);
    if (!strstr(err.message, want_text)) {
        CHECK(!"error message");
        fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", err.message, want_text);
    }
}

static void test_load_errors(void)
{
    check_error(DATA "geography_missing_icb.csv", ICS_ERR_MISSING_COLUMN,
                DATA "geography_missing_icb.csv: missing column 'icb_code'");
    check_error(DATA "geography_header_only.csv", ICS_ERR_EMPTY, "no data rows");
    check_error(DATA "geography_bad.csv", ICS_ERR_PARSE, DATA "geography_bad.csv:3:2: empty icb_code");
    check_error(DATA "geography_two_regions.csv", ICS_ERR_PARSE,
                DATA "geography_two_regions.csv:4:3: ICB E54000008 is in region E40000009 here but in "
                "E40000010 on line 2");
    check_error(DATA "geography_date_differs.csv", ICS_ERR_PARSE,
                ":3:4: effective_date 2026-05-01 differs from 2026-04-01 on line 2");
    check_error(DATA "no_such_geography.csv", ICS_ERR_IO, "no_such_geography.csv");
}

/* The shipped CSV read by the loader must give exactly the built-in table:
 * checks tables.c is in step with data/geography/ (and the loader on 313 real
 * rows). */
static void test_shipped_csv_equals_builtin(void)
{
    struct ics_geography *d = NULL, *f = NULL;
    struct ics_error err;
    CHECK_INT(ics_geography_default(&d, &err), ICS_OK);
    int rc = ics_geography_load("data/geography/la_icb_region.csv", &f, &err);
    CHECK_INT(rc, ICS_OK);
    if (d && f) {
        CHECK_INT(ics_geography_count(f), ics_geography_count(d));
        for (size_t i = 0; i < ics_geography_count(d) && i < ics_geography_count(f); i++) {
            const struct ics_geography_area *a = ics_geography_at(d, i), *b = ics_geography_at(f, i);
            CHECK_STR(b->la_code, a->la_code);
            CHECK_STR(b->la_name, a->la_name);
            CHECK_STR(b->icb_code, a->icb_code);
            CHECK_STR(b->icb_name, a->icb_name);
            CHECK_STR(b->region_code, a->region_code);
            CHECK_STR(b->region_name, a->region_name);
        }
    }
    ics_geography_free(d);
    ics_geography_free(f);
}

/* Every allocation in turn fails: the load reports ICS_ERR_NOMEM and frees
 * everything (ASan checks the leaks), and then succeeds once none fails. */
static void test_load_allocation_failures(void)
{
    int succeeded = 0;
    for (long n = 0; n < 10000 && !succeeded; n++) {
        struct ics_geography *g = NULL;
        struct ics_error err;
        ics_error_clear(&err);
        ics_alloc_fail_after(n);
        int rc = ics_geography_load(DATA "geography_lsoa_style.csv", &g, &err);
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK) {
            succeeded = 1;
            CHECK_INT(ics_geography_count(g), 5);
        } else {
            CHECK_INT(rc, ICS_ERR_NOMEM);
            CHECK(g == NULL);
        }
        ics_geography_free(g);
    }
    CHECK(succeeded);
    struct ics_geography *g = NULL;
    struct ics_error err;
    ics_alloc_fail_after(0);
    CHECK_INT(ics_geography_default(&g, &err), ICS_ERR_NOMEM);
    ics_alloc_fail_after(-1);
    CHECK(g == NULL);
}

int main(void)
{
    RUN(test_default_known_areas);
    RUN(test_default_code_changes);
    RUN(test_default_tables);
    RUN(test_gss_nation);
    RUN(test_provider_names);
    RUN(test_load_lsoa_style);
    RUN(test_load_dated);
    RUN(test_load_errors);
    RUN(test_shipped_csv_equals_builtin);
    RUN(test_load_allocation_failures);
    return TEST_SUMMARY("refdata");
}
