/*
 * ics benchmark: quartiles among peers, the gap to a target (the top quartile,
 * the top-quartile mean, the median, the best 5 of 10 peers or a fixed value)
 * and the bed days, beds and pounds released by closing a fraction of it.
 * docs/commands/benchmark.md is the user manual; this header is the contract.
 *
 * Use:
 *   ics_benchmark_new(&options, &b, err)
 *   ics_benchmark_read_table(b, "beds.csv", NULL, "excess_bed_days/spells", err)
 *       (or ics_benchmark_add for each code)
 *   optional: population, peers, groups, areas (ICB/region of each code)
 *   ics_benchmark_run(b, err)
 *   read rows, the total, roll-ups, notes and the summary line; ics_benchmark_free(b).
 *
 * The benchmark object owns every string and row it hands out; they stay valid
 * until ics_benchmark_free. Inputs passed in are copied. Missing values in the
 * results are NAN (doubles) or 0 (band, rank).
 *
 * Arithmetic: rates are NUM x scale / DEN in double (one rounding, so equal
 * ratios give equal rates and tie). Quantiles are R type 7. The gap in
 * numerator units is computed as |NUM - target x DEN / scale| in long double,
 * and the fraction closed is kept as an exact ratio p/q that is applied after
 * summing, so that totals such as 1/3 of 1,095,000 bed days come out exactly.
 * Money is int64 pence (core.h): each figure of pounds is rounded half away
 * from zero to the penny from its exact value, once, so a total is the
 * rounded sum of the codes' exact pounds, not the sum of their rounded pence.
 *
 * Beds and pounds are worked out only when the numerator is bed days (see
 * ics_benchmark_bed_days); otherwise the opportunity is in the numerator's
 * own units and the beds and pounds are unknown.
 */
#ifndef ICS_BENCHMARK_H
#define ICS_BENCHMARK_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#include "ics/core.h"

/* An exact, reduced, positive ratio num/den. */
struct ics_fraction {
    int64_t num;
    int64_t den;
};

/*
 * Parses "1/3", "0.92", "92%", "1" or "2/3" into a reduced fraction. Returns 0,
 * or -1 with a static reason in *why. Negative values, zero denominators and
 * more than 15 digits are refused.
 */
int ics_fraction_parse(const char *text, struct ics_fraction *out, const char **why);

enum ics_benchmark_better {
    ICS_BETTER_LOWER = 0,
    ICS_BETTER_HIGHER = 1
};

enum ics_benchmark_target {
    ICS_TARGET_TOP_QUARTILE = 0,   /* the quartile boundary on the better side */
    ICS_TARGET_TOP_QUARTILE_MEAN,  /* mean of the rates at or better than it */
    ICS_TARGET_MEDIAN,
    ICS_TARGET_BEST5OF10,          /* mean of the best 5 of the code's own peers */
    ICS_TARGET_VALUE               /* options.target_value */
};

/* Where the denominator of each rate comes from. */
enum ics_benchmark_denominator {
    ICS_DEN_NONE = 0,        /* the rate is the numerator itself (x scale) */
    ICS_DEN_COLUMN,          /* a column of the table */
    ICS_DEN_POPULATION       /* a population list (file or embedded) */
};

/* Whether the numerator counts bed days, and so can be turned into beds and pounds. */
enum ics_benchmark_bed_days {
    ICS_BED_DAYS_AUTO = 0,   /* from its column's name: see ics_benchmark_bed_days */
    ICS_BED_DAYS_YES,
    ICS_BED_DAYS_NO
};

/* How codes are grouped for quartiles, bands, ranks and group targets. */
enum ics_benchmark_within {
    ICS_WITHIN_ALL = 0,      /* one group, "all" */
    ICS_WITHIN_FILE,         /* code,group rows (ics_benchmark_set_group) */
    ICS_WITHIN_ICB,          /* the ICB of each code (ics_benchmark_set_area) */
    ICS_WITHIN_REGION        /* the region of each code */
};

struct ics_benchmark_options {
    enum ics_benchmark_denominator denominator;
    double scale;                   /* > 0; 0 = default: 1000 with a denominator, 1 without */
    enum ics_benchmark_better better;
    enum ics_benchmark_target target;
    double target_value;            /* for ICS_TARGET_VALUE */
    enum ics_benchmark_within within;
    struct ics_fraction close_gap;  /* 0/0 = default 1 */
    long days;                      /* > 0, or 0 = the table's days column, else 365 */
    struct ics_fraction occupancy;  /* 0/0 = none (beds to open left empty) */
    int has_cost_per_day;           /* 1: cost_per_day_pence prices every code; 0: the table's costs */
    int64_t cost_per_day_pence;     /* >= 0 */
    /* Days, occupancy and a cost per day convert bed days: with a numerator
     * that is not bed days, any of them set makes ics_benchmark_run fail. */
    enum ics_benchmark_bed_days bed_days;
};

/* Fills the defaults above (lower is better, top quartile, close all of the
 * gap, days from the table, each code's own cost); a zeroed struct means the same. */
void ics_benchmark_options_init(struct ics_benchmark_options *opt);

struct ics_benchmark;

int ics_benchmark_new(const struct ics_benchmark_options *opt, struct ics_benchmark **out,
                      struct ics_error *err);
void ics_benchmark_free(struct ics_benchmark *b);

/* ---- input ------------------------------------------------------------- */

/* One code of the table. Strings are copied; numbers NAN when missing. */
struct ics_benchmark_input {
    const char *code;
    const char *name;             /* may be NULL or empty */
    long line;                    /* line in the table, for messages (0 if none) */
    double numerator;             /* NAN: missing or not a number (say why in problem) */
    double denominator;           /* ICS_DEN_COLUMN only; NAN when missing */
    int has_cost;                 /* excess_cost and excess_bed_days were read */
    int64_t excess_cost_pence;
    double excess_bed_days;
    const char *problem;          /* why the row cannot be used, or NULL */
};

/* Adds a code. Duplicate codes are found by ics_benchmark_run. */
int ics_benchmark_add(struct ics_benchmark *b, const struct ics_benchmark_input *in,
                      struct ics_error *err);

/*
 * Reads a table with a `code` column (path "-" = standard input; label names it
 * in messages, NULL = the path). `metric` is "NUM" or "NUM/DEN": column names
 * (case-insensitive); a metric that is itself a column name is taken whole, so
 * a column called "a/b" still works. With a DEN the options' denominator
 * becomes ICS_DEN_COLUMN; with a population denominator asked for as well,
 * ics_benchmark_run fails (ICS_ERR_USAGE). Also read when present: `name`,
 * `excess_cost` with `excess_bed_days` (each code's cost per bed day) and
 * `days` (the period length). Rows whose code or level is `total` are
 * skipped. A metric column with no numeric value at all fails with
 * ICS_ERR_PARSE; single bad values make that code a reported exclusion.
 */
int ics_benchmark_read_table(struct ics_benchmark *b, const char *path, const char *label,
                             const char *metric, struct ics_error *err);

/*
 * What the table read found, so that a caller can check its own settings
 * against the table before ics_benchmark_run and word the problem in its own
 * terms (the library's messages never name a command-line option). Before a
 * table is read: label "table", columns "", the rest 0.
 */
struct ics_benchmark_table {
    const char *label;            /* the table's name in messages */
    const char *numerator;        /* the metric's columns as the header spells them; "" none */
    const char *denominator;
    int days_state;               /* 0 no days column value, 1 one value, 2 values differ */
    long days, days_line;         /* the first value and its line */
    long other_days, other_days_line;   /* with days_state 2: the first different one */
};
const struct ics_benchmark_table *ics_benchmark_table(const struct ics_benchmark *b);

/*
 * Whether the numerator is treated as bed days (1) or not (0): options.bed_days
 * when YES or NO; with AUTO, when the numerator's column name ends in
 * "bed_days" (case-insensitive: excess_bed_days, occupied_bed_days,
 * long_stay_21_bed_days), and for codes given by ics_benchmark_add without a
 * table, whose input carries excess bed days and their cost. Valid as soon as
 * the table is read, so a caller can check its settings against it.
 */
int ics_benchmark_bed_days(const struct ics_benchmark *b);
/* The AUTO rule for one column name: 1 when it ends in "bed_days", any case. */
int ics_benchmark_bed_days_name(const char *column);

/* True once the table read had excess_cost and excess_bed_days columns. */
int ics_benchmark_table_has_cost(const struct ics_benchmark *b);

/* Population for ICS_DEN_POPULATION: one entry per code (a later entry for the
 * same code is an error at run time). */
int ics_benchmark_add_population(struct ics_benchmark *b, const char *code, double population,
                                 long line, struct ics_error *err);
/* Reads `code,population` (also la_code / ltla21_code..., total_population). */
int ics_benchmark_read_population(struct ics_benchmark *b, const char *path,
                                  struct ics_error *err);
/* Uses an embedded ONS table: "ons" (= the latest), "ons-mid2020", "ons-mid2019".
 * Fails with ICS_ERR_NOT_FOUND for other names. */
int ics_benchmark_use_population(struct ics_benchmark *b, const char *name,
                                 struct ics_error *err);
/* The embedded tables, for help texts and docs: name and description; NULL past the end. */
const char *ics_benchmark_population_name(size_t i, const char **description);
/* Population of a code in an embedded table; returns 0 and sets *out, or -1. */
int ics_benchmark_population_lookup(const char *table, const char *code, int64_t *out);

/* Peers for ICS_TARGET_BEST5OF10 (`code,peer` rows). */
int ics_benchmark_add_peer(struct ics_benchmark *b, const char *code, const char *peer,
                           long line, struct ics_error *err);
int ics_benchmark_read_peers(struct ics_benchmark *b, const char *path, struct ics_error *err);

/* Peer groups for ICS_WITHIN_FILE (`code,group` rows). */
int ics_benchmark_set_group(struct ics_benchmark *b, const char *code, const char *group,
                            long line, struct ics_error *err);
int ics_benchmark_read_groups(struct ics_benchmark *b, const char *path, struct ics_error *err);

/*
 * The ICB and region a code belongs to (from a geography lookup), used for
 * ICS_WITHIN_ICB and ICS_WITHIN_REGION and for ICB and region totals. Any name may be NULL;
 * icb_code may be NULL for a code that only has a region (an ICB-level table).
 */
int ics_benchmark_set_area(struct ics_benchmark *b, const char *code, const char *icb_code,
                           const char *icb_name, const char *region_code,
                           const char *region_name, struct ics_error *err);

/*
 * Looks up every code added so far in a geography (include/ics/refdata.h) and
 * calls ics_benchmark_set_area for those found: a local authority gets its ICB
 * and region, an ICB code its region. With a population denominator, an ICB,
 * region or England code missing from the population list gets the sum of its
 * local authorities' populations (each authority counted in the one ICB the
 * geography gives it). Call after the table and the population are in.
 * *matched (may be NULL) is the number of codes found in the geography.
 */
struct ics_geography;
int ics_benchmark_use_geography(struct ics_benchmark *b, const struct ics_geography *g,
                                size_t *matched, struct ics_error *err);

/* Codes added so far (for a caller that looks up each code's area). */
size_t ics_benchmark_input_count(const struct ics_benchmark *b);
const char *ics_benchmark_input_code(const struct ics_benchmark *b, size_t i);

/* ---- run and results --------------------------------------------------- */

/* Computes everything. Fails on duplicate codes, on settings that cannot work
 * (best5of10 without peers, groups from a file without rows, a denominator
 * column and a population both, days that differ between rows when
 * options.days is 0) or when no code at all can be benchmarked. Per-code
 * problems become notes, not failures. */
int ics_benchmark_run(struct ics_benchmark *b, struct ics_error *err);

struct ics_benchmark_row {
    const char *code;
    const char *name;        /* "" when none */
    const char *group;       /* "" when the code is in no group */
    long line;
    double numerator;
    double denominator;      /* NAN without a denominator */
    double rate;             /* NAN when the code is excluded */
    int band;                /* 1 (best) .. 4; 0 when the group has no quartiles */
    int rank;                /* 1 = best within the group; ties share the better rank */
    double target;
    double gap;              /* >= 0, in rate units */
    double opportunity;      /* fraction x gap x DEN / scale, numerator units */
    double opportunity_beds; /* opportunity / days; NAN when not bed days */
    double opportunity_beds_to_open;  /* beds / occupancy; NAN without occupancy */
    int has_pounds;                   /* 0 when no cost is known, or not bed days */
    int64_t opportunity_pence;        /* opportunity x cost per bed day; 0 when !has_pounds */
    /* opportunity_pence / 100 for arithmetic (NAN when !has_pounds); writers
     * print the pence, so that money is written from integers. */
    double opportunity_pounds;
    const char *problem;     /* why the code was not (fully) benchmarked, or NULL */
};

size_t ics_benchmark_count(const struct ics_benchmark *b);
/* Rows in table order. */
const struct ics_benchmark_row *ics_benchmark_row(const struct ics_benchmark *b, size_t i);
/* The `total` row: sums of numerator and denominator over benchmarked codes,
 * their overall rate, and the summed opportunity; band, rank, target, gap NAN/0. */
const struct ics_benchmark_row *ics_benchmark_total(const struct ics_benchmark *b);

/* Totals per peer group (ICS_WITHIN_FILE), per ICB and per region. */
struct ics_benchmark_rollup {
    const char *level;       /* "group", "icb" or "region" */
    const char *code;
    const char *name;        /* "" when unknown */
    size_t codes;            /* member codes with an opportunity figure */
    size_t contributing;     /* of which with a positive opportunity */
    double opportunity;      /* sum of the members' positive opportunities */
    double opportunity_beds;
    double opportunity_beds_to_open;
    int has_pounds;          /* as in struct ics_benchmark_row */
    int64_t opportunity_pence;
    double opportunity_pounds;
};
size_t ics_benchmark_rollup_count(const struct ics_benchmark *b);
const struct ics_benchmark_rollup *ics_benchmark_rollup(const struct ics_benchmark *b, size_t i);

/* Messages about codes and inputs that were excluded or adjusted, in order. */
size_t ics_benchmark_note_count(const struct ics_benchmark *b);
const char *ics_benchmark_note(const struct ics_benchmark *b, size_t i);

/* Where the period length came from. */
enum ics_benchmark_days_from {
    ICS_DAYS_FROM_OPTIONS = 0,   /* options.days */
    ICS_DAYS_FROM_TABLE,         /* the table's days column, the same on every row */
    ICS_DAYS_DEFAULT             /* 365 */
};

/* How pounds were computed. */
enum ics_benchmark_cost_from {
    ICS_COST_NONE = 0,           /* no cost columns and no options.cost_per_day_pence */
    ICS_COST_FROM_OPTIONS,       /* options.cost_per_day_pence for every code */
    ICS_COST_FROM_TABLE,         /* each code's own excess_cost / excess_bed_days */
    ICS_COST_UNPRICED,           /* cost columns, but excess_cost 0 wherever there are excess bed days */
    ICS_COST_NOT_BED_DAYS        /* the numerator is not bed days: nothing to price */
};

/* What was used, for the summary and JSON. A front end words days_from and
 * cost_from in its own terms (the command names its options). */
struct ics_benchmark_info {
    const char *numerator;       /* column names ("" when not from a table) */
    const char *denominator;     /* column, "population" or "" */
    int bed_days;                /* ics_benchmark_bed_days */
    /* The numerator in words: its column name with '_' as spaces
     * ("long stay 21 spells"); "bed days" or "units of the numerator" without one. */
    const char *numerator_words;
    /*
     * The rate's unit in words, from NUM x scale / DEN:
     *   DEN a column:      "excess bed days per 1,000 spells"; with scale 1
     *                      "per spell" (a final 's' of the column's name dropped)
     *   DEN population:    "excess bed days per 1,000 population"; scale 1 "per head"
     *   no DEN:            "excess bed days" (scale 1) or "excess bed days x 1,000"
     * The scale is written grouped when whole, else as the CSV writes numbers.
     */
    const char *rate_unit;
    double scale;
    long days;
    enum ics_benchmark_days_from days_from;
    enum ics_benchmark_cost_from cost_from;
    size_t codes;                /* rows read (excluding total) */
    size_t benchmarked;          /* with a rate */
    size_t with_target;          /* with a target and an opportunity */
    size_t contributing;         /* of which with a positive opportunity */
    size_t excluded;             /* codes with a problem */
    size_t groups;
    long double gap_days;        /* sum of gap x DEN / scale over codes (the whole gap) */
    long double opportunity;     /* fraction of it */
    int has_pounds;              /* 0 when no cost, not bed days, or beyond int64 pence */
    int64_t pence;               /* the pounds of the whole opportunity */
};
const struct ics_benchmark_info *ics_benchmark_info(const struct ics_benchmark *b);

/*
 * The summary line, like the seed: "Closing 1/3 of the gap to the top quartile
 * releases 365,000 bed days = 1,000 beds, £70.0m" (pounds in millions to one
 * decimal from £1m, else to the pound, grouped: "£13,688"). close_gap_text is
 * the fraction as the user wrote it (NULL: from the ratio). Without a cost per
 * bed day the line ends "; no cost per bed day", for the caller to add how to
 * give one (or "; pounds too large to hold in pence" past int64 pence). When
 * the numerator is not bed days the line names it and stops:
 * "... releases 1,234 long stay 21 spells". Returns the length of the whole line, as snprintf does; when that is
 * `size` or more nothing is cut: buf holds "" (if size > 0) and the caller asks
 * again with return + 1 bytes (buf may be NULL when size is 0).
 */
int ics_benchmark_summary_line(const struct ics_benchmark *b, const char *close_gap_text,
                               char *buf, size_t size);

/*
 * Number formats used in outputs. Each writes the whole number or nothing: it
 * returns the length, or -1 with buf "" (if size > 0) when buf is too small;
 * ICS_BENCHMARK_NUMBER_MAX bytes hold any finite value (a long double's
 * integer digits, sign, point and decimals), so with such a buffer neither
 * fails. NAN and infinities are written "" (length 0).
 * ics_benchmark_format_number: rounded to 6 decimals (below 1: to 6 significant
 * digits), trailing zeros trimmed ("365000", "333.333333", "0.5", "0.00123457";
 * 1e63 is its 64 digits).
 * ics_benchmark_format_grouped: rounded half away from zero to `decimals`
 * (0 to 9; -1 otherwise), thousands separated below 1e18 ("365,000").
 */
#define ICS_BENCHMARK_NUMBER_MAX (LDBL_MAX_10_EXP + 32)
int ics_benchmark_format_number(double v, char *buf, size_t size);
int ics_benchmark_format_grouped(long double v, int decimals, char *buf, size_t size);

#endif
