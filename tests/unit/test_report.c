/*
 * The report layer: NHS disclosure control (docs/disclosure.md) on tables
 * built by hand. Every expected cell is worked out in the comments from the
 * rule (1-7 -> "*", else nearest 5, 0 stays 0; rates from rounded parts;
 * means and record sums withheld when their base count is 1-7; national rows
 * untouched), not copied from the program's output.
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "ics/core.h"
#include "ics/report.h"

/* ---- the rule for one count ------------------------------------------------ */

static void test_count_rule(void)
{
    CHECK_INT(ics_disclosure_count(0), 0);                 /* 0 stays 0: nobody to identify */
    for (int64_t n = 1; n <= 7; n++)
        CHECK_INT(ics_disclosure_count(n), -1);            /* 1-7 suppressed */
    CHECK_INT(ics_disclosure_count(8), 10);                /* 8 = 5 + 3: remainder 3 rounds up */
    CHECK_INT(ics_disclosure_count(9), 10);                /* remainder 4: up */
    CHECK_INT(ics_disclosure_count(10), 10);               /* a multiple of 5 stays */
    CHECK_INT(ics_disclosure_count(11), 10);               /* remainder 1: down */
    CHECK_INT(ics_disclosure_count(12), 10);               /* remainder 2: down (2 < 3 away from 15) */
    CHECK_INT(ics_disclosure_count(13), 15);               /* remainder 3: up (2 < 3 away from 10) */
    CHECK_INT(ics_disclosure_count(14), 15);
    CHECK_INT(ics_disclosure_count(15), 15);
    CHECK_INT(ics_disclosure_count(1002), 1000);           /* domain.md 7.1's example */
    CHECK_INT(ics_disclosure_count(1003), 1005);
    /* INT64_MAX = 9223372036854775807 = 5 x 1844674407370955161 + 2: down, and
     * no overflow on the way. INT64_MAX - 3 = ...804, remainder 4: up to ...805. */
    CHECK_INT(ics_disclosure_count(INT64_MAX), INT64_C(9223372036854775805));
    CHECK_INT(ics_disclosure_count(INT64_MAX - 3), INT64_C(9223372036854775805));
    /* Not a count: withheld rather than guessed at. */
    CHECK_INT(ics_disclosure_count(-1), -1);
    CHECK_INT(ics_disclosure_count(-12), -1);
    CHECK_INT(ics_disclosure_count(INT64_MIN), -1);
}

/* An exact half cannot occur: an integer n with n mod 5 = k is k above the
 * multiple below and 5 - k under the one above, and k = 5 - k would need
 * k = 2.5. So the nearest multiple is always unique and at most 2 away:
 * k = 0, 1, 2 rounds down, k = 3, 4 rounds up. */
static void test_count_rule_has_no_ties(void)
{
    int bad = 0;
    for (int64_t n = 8; n <= 100000; n++) {
        int64_t r = ics_disclosure_count(n);
        int64_t d = r > n ? r - n : n - r;
        if (r % 5 != 0 || d > 2 || (n % 5 == 2 && r > n) || (n % 5 == 3 && r < n))
            bad++;
    }
    CHECK_INT(bad, 0);
}

/* ---- a table worked by hand ------------------------------------------------- */

enum { LEVEL, CODE, SPELLS, LS21, BED_DAYS, MEAN_LOS, PCT_21, NCOLS };

static const struct ics_column beds_like_columns[NCOLS] = {
    {.name = "level", .kind = ICS_COL_TEXT},
    {.name = "code", .kind = ICS_COL_TEXT},
    {.name = "spells", .kind = ICS_COL_COUNT},
    {.name = "long_stay_21_spells", .kind = ICS_COL_COUNT},
    {.name = "bed_days", .kind = ICS_COL_MEASURE, .base = "spells"},
    {.name = "mean_los", .kind = ICS_COL_MEAN, .base = "spells", .decimals = 1},
    {.name = "pct_21", .kind = ICS_COL_RATE, .numerator = "long_stay_21_spells", .denominator = "spells",
     .multiplier = 100, .decimals = 1},
};

static const struct ics_table_schema beds_like_schema = {
    "beds-like", beds_like_columns, NCOLS, "level", "nation", NULL, NULL,
};

/* Input: mean_los = bed_days / spells to 1 decimal, pct_21 = 100 x long-stay
 * spells / spells to 1 decimal, each worked out from the row's own counts. The
 * icb row Q01 is the sum of P03, P04 and P05; the total row sums the nine
 * providers P00..P13. */
#define NROWS 12
static const char *const input[NROWS][NCOLS] = {
    /* level      code   spells long21 bed_days mean_los pct_21 */
    {"provider", "P00", "0", "0", "0", "", "0.0"},                /* a tool that writes 0/0 as 0.0 */
    {"provider", "P01", "1", "1", "25", "25.0", "100.0"},         /* 25/1; 1/1 */
    {"provider", "P03", "3", "1", "18", "6.0", "33.3"},           /* 18/3; 1/3 = 33.33 */
    {"provider", "P04", "4", "2", "30", "7.5", "50.0"},           /* 30/4; 2/4 */
    {"provider", "P05", "5", "0", "20", "4.0", "0.0"},            /* 20/5; 0/5 */
    {"provider", "P07", "7", "2", "40", "5.7", "28.6"},           /* 40/7 = 5.714; 2/7 = 28.571 */
    {"provider", "P08", "8", "3", "52", "6.5", "37.5"},           /* 52/8; 3/8 */
    {"provider", "P12", "12", "8", "96", "8.0", "66.7"},          /* 96/12; 8/12 = 66.667 */
    {"provider", "P13", "13", "12", "143", "11.0", "92.3"},       /* 143/13; 12/13 = 92.308 */
    /* 3+4+5 = 12 spells; 1+2+0 = 3 long stays; 18+30+20 = 68 bed days;
     * 68/12 = 5.667; 3/12 = 25.0 */
    {"icb", "Q01", "12", "3", "68", "5.7", "25.0"},
    /* spells 0+1+3+4+5+7+8+12+13 = 53; long stays 0+1+1+2+0+2+3+8+12 = 29;
     * bed days 0+25+18+30+20+40+52+96+143 = 424; 424/53 = 8 exactly;
     * 29/53 = 54.717 */
    {"total", "", "53", "29", "424", "8.0", "54.7"},
    /* a national row with small numbers, to show that it is left alone */
    {"nation", "E92000001", "3", "1", "9", "3.0", "33.3"},
};

static const char *const expected[NROWS][NCOLS] = {
    /* spells 0 -> 0; long stays 0 -> 0; bed days' base is 0, not 1-7: kept;
     * the empty mean stays empty; the rate's rounded denominator is 0: empty */
    {"provider", "P00", "0", "0", "0", "", ""},
    /* 1 and 1 -> *; base 1 -> bed days and mean *; both parts * -> * */
    {"provider", "P01", "*", "*", "*", "*", "*"},
    /* 3, 1 -> *; base 3 -> *; parts * -> * */
    {"provider", "P03", "*", "*", "*", "*", "*"},
    /* 4, 2 -> * */
    {"provider", "P04", "*", "*", "*", "*", "*"},
    /* 5 -> *; 0 -> 0; base 5 -> *; the denominator is suppressed, the
     * numerator (0) is not: the rate is * */
    {"provider", "P05", "*", "0", "*", "*", "*"},
    /* 7 (the largest suppressed) -> *, 2 -> * */
    {"provider", "P07", "*", "*", "*", "*", "*"},
    /* 8 -> 10 (8 mod 5 = 3: up); 3 -> *; base 8 is not 1-7, so bed days 52
     * and mean 6.5 stay; the numerator is suppressed: the rate is * */
    {"provider", "P08", "10", "*", "52", "6.5", "*"},
    /* 12 -> 10 (12 mod 5 = 2: down); 8 -> 10; base 12: kept;
     * rate from the rounded parts: 100 x 10/10 = 100.0 (it was 66.7) */
    {"provider", "P12", "10", "10", "96", "8.0", "100.0"},
    /* 13 -> 15 (13 mod 5 = 3: up); 12 -> 10; 100 x 10/15 = 66.666... -> 66.7 */
    {"provider", "P13", "15", "10", "143", "11.0", "66.7"},
    /* a total of suppressed parts: 12 -> 10 while 3, 4, 5 are all *; its 3
     * long stays -> *; base 12: 68 and 5.7 stay; numerator *: rate * */
    {"icb", "Q01", "10", "*", "68", "5.7", "*"},
    /* the total from unrounded values, then rounded: 53 -> 55 (mod 3: up),
     * 29 -> 30 (mod 4: up), not the sum of the rounded cells (0+10+10+15 =
     * 35 for spells); 424 and 8.0 stay; 100 x 30/55 = 54.5454... -> 54.5 */
    {"total", "", "55", "30", "424", "8.0", "54.5"},
    /* national: no disclosure control at all */
    {"nation", "E92000001", "3", "1", "9", "3.0", "33.3"},
};

static const char *const header[NCOLS] = {
    "level", "code", "spells", "long_stay_21_spells", "bed_days", "mean_los", "pct_21",
};

/* A table as ics_table_read_csv would make it, with its cells copied into
 * `cells` (NROWS x NCOLS) so the call can replace them. A small arena block
 * makes every new cell its own allocation, for the out-of-memory test. */
struct hand_table {
    struct ics_table t;
    const struct ics_column *col[NCOLS];
    const char *cells[NROWS * NCOLS];
};

static void hand_table_init(struct hand_table *h, const struct ics_table_schema *schema,
                            const char *const (*rows)[NCOLS], size_t nrows)
{
    memset(h, 0, sizeof *h);
    h->t.schema = schema;
    h->t.ncols = NCOLS;
    h->t.nrows = nrows;
    h->t.header = (const char **)header;
    for (size_t c = 0; c < NCOLS; c++)
        h->col[c] = &schema->columns[c];
    h->t.col = h->col;
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < NCOLS; c++)
            h->cells[r * NCOLS + c] = rows[r][c];
    h->t.cells = h->cells;
    ics_arena_init(&h->t.arena, 16);
}

static int cells_are(const struct hand_table *h, const char *const (*want)[NCOLS], size_t nrows)
{
    int same = 1;
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < NCOLS; c++)
            if (strcmp(h->cells[r * NCOLS + c], want[r][c]) != 0) {
                fprintf(stderr, "  row %zu (%s) column %s: \"%s\", expected \"%s\"\n", r + 1, want[r][1],
                        header[c], h->cells[r * NCOLS + c], want[r][c]);
                same = 0;
            }
    return same;
}

static void test_table_by_hand(void)
{
    struct hand_table h;
    struct ics_error err = {0};
    hand_table_init(&h, &beds_like_schema, input, NROWS);
    CHECK_INT(ics_disclosure_apply(&h.t, &err), ICS_OK);
    CHECK_INT(h.t.disclosure, 1);
    CHECK(cells_are(&h, expected, NROWS));
    /* A controlled table controlled again is unchanged: rounded counts are
     * multiples of 5 that round to themselves, and nothing withheld returns. */
    CHECK_INT(ics_disclosure_apply(&h.t, &err), ICS_OK);
    CHECK(cells_are(&h, expected, NROWS));
    ics_arena_release(&h.t.arena);
}

/* Without a national column in the schema every row is sub-national, the
 * "nation" row included. */
static void test_no_national_column(void)
{
    static const struct ics_table_schema no_nation = {"no-nation", beds_like_columns, NCOLS, NULL, NULL, NULL, NULL};
    static const char *const want[1][NCOLS] = {
        /* 3, 1 -> *; base 3 -> *; parts * -> * */
        {"nation", "E92000001", "*", "*", "*", "*", "*"},
    };
    struct hand_table h;
    struct ics_error err = {0};
    hand_table_init(&h, &no_nation, &input[NROWS - 1], 1);
    CHECK_INT(ics_disclosure_apply(&h.t, &err), ICS_OK);
    CHECK(cells_are(&h, want, 1));
    ics_arena_release(&h.t.arena);
}

/* A cell that must be a number and is not stops the call with the column and
 * the row (rows count from 1 after the header), and leaves the table as it was. */
static void test_not_a_number(void)
{
    static const struct {
        size_t row, col;
        const char *text, *message;
    } cases[] = {
        {2, SPELLS, "abc", "disclosure control: column 'spells' row 3: 'abc' is not a count"},
        {2, SPELLS, "12.5", "disclosure control: column 'spells' row 3: '12.5' is not a count"},
        {0, LS21, "-2",
         "disclosure control: column 'long_stay_21_spells' row 1: '-2' is not a count (counts cannot be negative)"},
        {7, BED_DAYS, "lots", "disclosure control: column 'bed_days' row 8: 'lots' is not a number"},
        {8, PCT_21, "12%", "disclosure control: column 'pct_21' row 9: '12%' is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hand_table h;
        struct ics_error err = {0};
        hand_table_init(&h, &beds_like_schema, input, NROWS);
        h.cells[cases[i].row * NCOLS + cases[i].col] = cases[i].text;
        CHECK_INT(ics_disclosure_apply(&h.t, &err), ICS_ERR_PARSE);
        CHECK_INT(err.code, ICS_ERR_PARSE);
        CHECK_STR(err.message, cases[i].message);
        CHECK_INT(h.t.disclosure, 0);
        /* untouched: the bad cell and every other */
        CHECK_STR(h.cells[cases[i].row * NCOLS + cases[i].col], cases[i].text);
        CHECK_STR(h.cells[7 * NCOLS + SPELLS], "12");
        ics_arena_release(&h.t.arena);
    }
    /* "*" (already withheld) and "" (no value) are not errors; a national row
     * is not read at all. */
    struct hand_table h;
    struct ics_error err = {0};
    hand_table_init(&h, &beds_like_schema, input, NROWS);
    h.cells[1 * NCOLS + SPELLS] = "*";
    h.cells[7 * NCOLS + LS21] = "";
    h.cells[11 * NCOLS + SPELLS] = "n/a";
    CHECK_INT(ics_disclosure_apply(&h.t, &err), ICS_OK);
    CHECK_STR(h.cells[1 * NCOLS + SPELLS], "*");
    CHECK_STR(h.cells[1 * NCOLS + BED_DAYS], "*");  /* an unknown base cannot be shown to be 8+ */
    CHECK_STR(h.cells[1 * NCOLS + MEAN_LOS], "*");
    CHECK_STR(h.cells[7 * NCOLS + LS21], "");
    CHECK_STR(h.cells[7 * NCOLS + PCT_21], "");     /* numerator empty (P12): nothing to compute from */
    CHECK_STR(h.cells[11 * NCOLS + SPELLS], "n/a");
    ics_arena_release(&h.t.arena);
}

/* A rate, mean or sum whose base or part the table lacks cannot be checked. */
static void test_missing_part(void)
{
    static const struct ics_column columns[NCOLS] = {
        {.name = "level", .kind = ICS_COL_TEXT},
        {.name = "code", .kind = ICS_COL_TEXT},
        {.name = "spells", .kind = ICS_COL_COUNT},
        {.name = "long_stay_21_spells", .kind = ICS_COL_COUNT},
        {.name = "bed_days", .kind = ICS_COL_MEASURE, .base = "episodes"},
        {.name = "mean_los", .kind = ICS_COL_MEAN, .base = "spells"},
        {.name = "pct_21", .kind = ICS_COL_RATE, .numerator = "long_stay_21_spells", .denominator = "spells",
         .multiplier = 100},
    };
    static const struct ics_table_schema schema = {"missing", columns, NCOLS, "level", "nation", NULL, NULL};
    struct hand_table h;
    struct ics_error err = {0};
    hand_table_init(&h, &schema, input, NROWS);
    CHECK_INT(ics_disclosure_apply(&h.t, &err), ICS_ERR_MISSING_COLUMN);
    CHECK_STR(err.message, "disclosure control: column 'bed_days' needs its base column 'episodes', "
                           "which the table lacks");
    CHECK_INT(h.t.disclosure, 0);
    CHECK_STR(h.cells[SPELLS], "0");
    CHECK_STR(h.cells[2 * NCOLS + SPELLS], "3");
    ics_arena_release(&h.t.arena);
}

/* A rate made from a MEASURE (a sum over records, not rounded) and a COUNT,
 * per 1,000, written to the 6 decimals its input had. */
static void test_rate_of_a_measure(void)
{
    enum { R_LEVEL, R_SPELLS, R_EXCESS, R_PER_1000, R_NCOLS };
    static const char *const rheader[R_NCOLS] = {"level", "spells", "excess_bed_days", "excess_per_1000"};
    static const struct ics_column columns[R_NCOLS] = {
        {.name = "level", .kind = ICS_COL_TEXT},
        {.name = "spells", .kind = ICS_COL_COUNT},
        {.name = "excess_bed_days", .kind = ICS_COL_MEASURE, .base = "spells"},
        {.name = "excess_per_1000", .kind = ICS_COL_RATE, .numerator = "excess_bed_days",
         .denominator = "spells", .multiplier = 1000, .decimals = 1},
    };
    static const struct ics_table_schema schema = {"rates", columns, R_NCOLS, "level", "nation", NULL, NULL};
    static const char *const in[][R_NCOLS] = {
        {"provider", "12", "100", "8333.333333"},      /* 1000 x 100/12 */
        {"provider", "7", "50", "7142.857143"},        /* 1000 x 50/7 */
        {"provider", "13", "7.5", "576.923077"},       /* 1000 x 7.5/13: a sum with decimals */
        {"provider", "1003", "2000", "1994.017946"},   /* 1000 x 2000/1003 */
        {"provider", "20", "30", "*"},                 /* withheld already, for whatever reason */
        {"provider", "20", "30", "1500"},              /* 1000 x 30/20, written with no decimals */
    };
    static const char *const want[][R_NCOLS] = {
        {"provider", "10", "100", "10000.000000"},     /* 12 -> 10; 1000 x 100/10 */
        {"provider", "*", "*", "*"},                   /* 7 -> *; base 7 -> *; parts * */
        {"provider", "15", "7.5", "500.000000"},       /* 13 -> 15; 1000 x 7.5/15 */
        /* 1003 -> 1005 (mod 3: up); 2,000,000/1005 = 1990.0497512437... */
        {"provider", "1005", "2000", "1990.049751"},
        {"provider", "20", "30", "*"},                 /* never brought back */
        {"provider", "20", "30", "1500"},              /* 20 stays 20; 1000 x 30/20 = 1500, 0 decimals */
    };
    enum { N = sizeof in / sizeof in[0] };
    const struct ics_column *col[R_NCOLS];
    const char *cells[N * R_NCOLS];
    for (size_t c = 0; c < R_NCOLS; c++)
        col[c] = &columns[c];
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < R_NCOLS; c++)
            cells[r * R_NCOLS + c] = in[r][c];
    struct ics_table t = {.schema = &schema, .ncols = R_NCOLS, .nrows = N, .header = (const char **)rheader,
                          .col = col, .cells = cells};
    ics_arena_init(&t.arena, 0);
    struct ics_error err = {0};
    CHECK_INT(ics_disclosure_apply(&t, &err), ICS_OK);
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < R_NCOLS; c++)
            CHECK_STR(cells[r * R_NCOLS + c], want[r][c]);
    ics_arena_release(&t.arena);
}

/* Every allocation the call makes, failed in turn: an error and an untouched
 * table each time (ASan's leak check covers the rest), then the right answer. */
static void test_out_of_memory(void)
{
    int reached_success = 0, failures_met = 0;
    for (long n = 0; n < 1000 && !reached_success; n++) {
        struct hand_table h;
        struct ics_error err = {0};
        hand_table_init(&h, &beds_like_schema, input, NROWS);
        ics_alloc_fail_after(n);
        int rc = ics_disclosure_apply(&h.t, &err);
        int failure_met = ics_alloc_fail_pending() == -1;
        ics_alloc_fail_after(-1);
        if (rc == ICS_OK) {
            reached_success = 1;
            CHECK(cells_are(&h, expected, NROWS));
        } else {
            CHECK_INT(rc, ICS_ERR_NOMEM);
            CHECK(failure_met);
            failures_met++;
            CHECK_INT(h.t.disclosure, 0);
            CHECK(cells_are(&h, input, NROWS));
        }
        ics_arena_release(&h.t.arena);
    }
    CHECK(reached_success);
    /* the plan, the copy of the cells, and one string per rounded count or rate */
    CHECK(failures_met > 2);
}

int main(void)
{
    RUN(test_count_rule);
    RUN(test_count_rule_has_no_ties);
    RUN(test_table_by_hand);
    RUN(test_no_national_column);
    RUN(test_not_a_number);
    RUN(test_missing_part);
    RUN(test_rate_of_a_measure);
    RUN(test_out_of_memory);
    return TEST_SUMMARY("report");
}
