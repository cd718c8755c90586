/*
 * ics beds: length of stay, excess bed days and their cost, long stays and
 * occupied beds, from admitted-patient-care spells, by provider or by place of
 * residence (local authority, ICB, region, nation). Definitions, with their
 * reasons: docs/definitions.md.
 *
 * One call reads a spells file (two passes when trim points or the period must
 * first be found from the data; a pipe is then spooled to a temporary file)
 * and returns a result the caller owns and frees with ics_beds_result_free.
 */
#ifndef ICS_BEDS_H
#define ICS_BEDS_H

#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

struct ics_geography;   /* include/ics/refdata.h */

enum ics_beds_level {
    ICS_BEDS_PROVIDER,
    ICS_BEDS_RESIDENCE,
    ICS_BEDS_ICB,
    ICS_BEDS_REGION,
    ICS_BEDS_NATION
};

/* Parses "provider", "residence", ...; returns -1 if unknown. */
int ics_beds_level_parse(const char *text);
const char *ics_beds_level_name(int level);

enum ics_beds_series {
    ICS_SERIES_NONE,
    ICS_SERIES_DAY,
    ICS_SERIES_WEEK,   /* weeks start on Monday */
    ICS_SERIES_MONTH
};

/* ---- trim points --------------------------------------------------------- */

/* HRG → elective and non-elective trim points (days) and an optional per-day
 * excess bed day rate (pence). */
struct ics_trimpoints;

/* Reads `hrg,elective_trimpoint_days,non_elective_trimpoint_days[,excess_bed_day_rate]`
 * or the `sushrg,elective,emergency` layout. A value of '-' or empty means
 * "no trim point" for that class. */
int ics_trimpoints_load(const char *path, struct ics_trimpoints **out, struct ics_error *err);
/* Reads `hrg,rate` (pounds per excess bed day) into an existing table; HRGs not
 * in it are added with no trim points. */
int ics_trimpoints_load_rates(struct ics_trimpoints *t, const char *path, struct ics_error *err);
/* Writes the table in the first layout above (rates when any are set), sorted by HRG. */
int ics_trimpoints_write(const struct ics_trimpoints *t, FILE *out, struct ics_error *err);
size_t ics_trimpoints_count(const struct ics_trimpoints *t);
void ics_trimpoints_free(struct ics_trimpoints *t);

/* ---- the run ------------------------------------------------------------- */

struct ics_beds_options {
    int level;                             /* enum ics_beds_level */
    int32_t from, to;                      /* ICS_DATE_NONE: the financial year of the latest discharge */
    struct ics_trimpoints *trimpoints;     /* NULL: derive from the data (the result then owns them) */
    const char *rates_path;                /* hrg,rate file; overrides the trim point file's rates */
    int64_t flat_rate_pence;               /* used when has_flat_rate; overrides every other rate */
    int has_flat_rate;
    const struct ics_geography *geography; /* for names and the icb/region/nation roll-ups; may be NULL */
    int series;                            /* enum ics_beds_series */
    int strict;                            /* stop at the first bad row */
    int threads;                           /* 0: the number of cores */
    FILE *rejects;                         /* rejected rows as line,reason,raw; may be NULL */
    ics_progress_fn progress;
    void *progress_ctx;
};

/* The measures of one row of output. Money in pence, days in days. */
struct ics_beds_measures {
    int64_t spells;
    int64_t bed_days;
    int64_t excess_bed_days;
    int64_t excess_cost_pence;
    int64_t long_stay_7_spells;
    int64_t long_stay_21_spells;
    int64_t occupied_bed_days;
    int64_t long_stay_7_bed_days;
    int64_t long_stay_21_bed_days;
};

struct ics_beds_row {
    const char *code;          /* "total" for the total row */
    const char *name;          /* "" when unknown */
    int32_t period_start;      /* series rows: first day of the period */
    int32_t period_days;       /* series rows: days of the period inside [from, to] */
    struct ics_beds_measures m;
};

struct ics_beds_result {
    int level;
    int series;
    int32_t from, to;          /* the period used */
    int32_t days;              /* to - from + 1 */
    int period_from_data;      /* the period was chosen from the data */
    size_t count;
    struct ics_beds_row *rows; /* sorted by code (and period start) */
    size_t periods;            /* series: periods per code; the per-period total
                                  rows follow at rows[count .. count + periods) */
    struct ics_beds_row total;
    /* accounting: read = used + rejected */
    uint64_t read, used, rejected;
    uint64_t discharged_in_period;  /* spells counted in the spell measures */
    uint64_t open_spells;           /* no discharge date */
    uint64_t outside_period;        /* valid rows that touch no night and no discharge in the period */
    uint64_t no_trimpoint;          /* discharged in the period, empty HRG or no trim point: not priced */
    uint64_t excess_without_rate;   /* spells with excess days but no rate: cost counted as 0 */
    uint64_t unmapped_residence;    /* icb/region/nation: residence not in the geography */
    int trimpoints_derived;
    const struct ics_trimpoints *trimpoints;   /* those used (owned by the result when derived) */
    int passes;
    int threads;
    /* private */
    struct ics_trimpoints *owned_trimpoints;
    struct ics_arena arena;
};

int ics_beds_run(const char *path, const struct ics_beds_options *opt, struct ics_beds_result **out,
                 struct ics_error *err);
void ics_beds_result_free(struct ics_beds_result *r);

/* Output: CSV columns level,code,name, the measures, period_from,period_to,days
 * (series: level,code,period_start,...), then one total row; JSON the same fields. */
int ics_beds_write_csv(const struct ics_beds_result *r, FILE *out, struct ics_error *err);
int ics_beds_write_json(const struct ics_beds_result *r, FILE *out, struct ics_error *err);

#endif
