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

#include <stddef.h>
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

/* What the rows of the input are. Episode input (HES APC, SUS APCE) is grouped
 * into provider spells first (docs/definitions.md, "Episodes and provider spells"). */
enum ics_beds_input {
    ICS_BEDS_INPUT_AUTO,        /* episodes when the header has an episode order column (EPIORDER) */
    ICS_BEDS_INPUT_SPELLS,
    ICS_BEDS_INPUT_EPISODES
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

/*
 * The options of a run. Start from ics_beds_options_init, which sets the
 * defaults (provider level, the period from the data, derived trim points, no
 * series, every core); a zeroed struct is not a valid set of options (its
 * period would be the single day 1970-01-01).
 */
struct ics_beds_options {
    int level;                             /* enum ics_beds_level; default provider */
    int input;                             /* enum ics_beds_input; default auto */
    int cips;                              /* join provider spells into continuous inpatient spells (needs a patient id) */
    int32_t from, to;                      /* ICS_DATE_NONE (default): the financial year of the latest discharge */
    struct ics_trimpoints *trimpoints;     /* NULL (default): derive from the data (the result then owns them) */
    const char *rates_path;                /* hrg,rate file; overrides the trim point file's rates */
    int64_t flat_rate_pence;               /* used when has_flat_rate; overrides every other rate */
    int has_flat_rate;
    const struct ics_geography *geography; /* for names and the icb/region/nation roll-ups; may be NULL */
    int series;                            /* enum ics_beds_series; default none */
    int strict;                            /* stop at the first bad row */
    int threads;                           /* 0 (default): the number of cores */
    FILE *rejects;                         /* rejected rows as line,reason,raw; may be NULL. Every write
                                              is checked: a failed one fails the run (ICS_ERR_IO) */
    const char *rejects_name;              /* how messages name the rejects file (NULL: "the rejects file") */
    ics_progress_fn progress;
    void *progress_ctx;
};

void ics_beds_options_init(struct ics_beds_options *opt);

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

/* What a run did: the period, the shape of the result, and the accounting of
 * every row read (read = used + rejected). */
struct ics_beds_summary {
    int level;                      /* enum ics_beds_level */
    int series;                     /* enum ics_beds_series */
    int32_t from, to;               /* the period used */
    int32_t days;                   /* to - from + 1 */
    int period_from_data;           /* the period was chosen from the data */
    size_t rows;                    /* output rows, the total rows not counted (series: codes x periods) */
    size_t periods;                 /* series: periods per code; 0 without a series */
    int episodes;                   /* the rows were episodes (read, used, rejected count episodes) */
    uint64_t read, used, rejected;
    uint64_t spells_built;          /* episodes: provider spells they made (regular attenders included) */
    uint64_t regular_attenders;     /* CLASSPAT 3 or 4: not spells for bed days, excess or long stays */
    uint64_t day_cases_with_stay;   /* CLASSPAT 2 with a length of stay above 0 (counted; a data-quality note) */
    int cips;                       /* spell measures count continuous inpatient spells */
    uint64_t cips_built;            /* CIPS: every chain, one provider spell or more */
    uint64_t cips_joined;           /* of them, joining two or more provider spells */
    uint64_t discharged_in_period;  /* spells counted in the spell measures */
    uint64_t open_spells;           /* no discharge date */
    uint64_t outside_period;        /* valid rows that touch no night and no discharge in the period */
    uint64_t no_trimpoint;          /* discharged in the period, empty HRG or no trim point: not priced */
    uint64_t excess_without_rate;   /* spells with excess days but no rate: cost counted as 0 */
    uint64_t unmapped_residence;    /* icb/region/nation: residence not in the geography */
    int trimpoints_derived;
    int passes;
    int threads;
};

/* The result of a run: opaque, read through the accessors below, freed with
 * ics_beds_result_free. Every pointer they return lives as long as the result. */
struct ics_beds_result;

/*
 * Data quality per provider, always computed (docs/commands/beds.md, "Data
 * quality"): the figures that show an extract is not what it seems, each with
 * a plausibility range. A provider outside a range has the check's bit set in
 * `flags`; ics_beds_quality_describe says why in words.
 */
enum ics_beds_reject_reason {
    ICS_BEDS_REJECT_FIELDS,            /* too few fields */
    ICS_BEDS_REJECT_NUL,               /* a NUL byte in a column read */
    ICS_BEDS_REJECT_PROVIDER,          /* no provider code */
    ICS_BEDS_REJECT_ADMISSION,         /* admission date missing, impossible or HES's invalid */
    ICS_BEDS_REJECT_DISCHARGE,         /* discharge date impossible or HES's invalid */
    ICS_BEDS_REJECT_ORDER,             /* discharge before admission */
    ICS_BEDS_REJECT_METHOD,            /* unknown admission method */
    ICS_BEDS_REJECT_PATIENT,           /* episodes: no patient (or SUS spell) id */
    ICS_BEDS_REJECT_REASONS
};
const char *ics_beds_reject_reason_name(int reason);   /* "too_few_fields", ... */

enum ics_beds_quality_check {
    ICS_BEDS_Q_MEAN_LOS,               /* mean length of stay, days */
    ICS_BEDS_Q_MEDIAN_LOS,
    ICS_BEDS_Q_LONG_21,                /* share of spells of 21+ days */
    ICS_BEDS_Q_DAY_CASES,              /* share of day cases (CLASSPAT 2), where the file has CLASSPAT */
    ICS_BEDS_Q_OPEN,                   /* share of spells still open */
    ICS_BEDS_Q_EPISODES_PER_SPELL,     /* episode input only */
    ICS_BEDS_Q_REJECTED,               /* share of the provider's rows rejected */
    ICS_BEDS_Q_SPELDUR,                /* share of spells whose LOS disagrees with a supplied SPELDUR */
    ICS_BEDS_Q_CHECKS
};
const char *ics_beds_quality_check_name(int check);   /* "mean_los", ... */
/* The plausible range of a check (a share as a fraction). */
void ics_beds_quality_range(int check, double *low, double *high);
/* Checks on lengths of stay and shares of spells need this many spells
 * discharged in the period; the rejected-rows check this many rows. */
#define ICS_BEDS_QUALITY_MIN_SPELLS 30

struct ics_beds_quality_row {
    const char *code;                  /* provider; "" for rows with no provider code */
    const char *name;
    uint64_t rows;                     /* rows read for this provider (used + rejected) */
    uint64_t rejected;
    uint64_t rejected_by[ICS_BEDS_REJECT_REASONS];
    uint64_t spells;                   /* discharged in the period (regular attenders not included) */
    uint64_t bed_days;                 /* their length of stay summed */
    double median_los;
    uint64_t long_21;                  /* of them, 21+ days */
    uint64_t day_cases;                /* of them, CLASSPAT 2 */
    uint64_t open;                     /* spells with no discharge date */
    uint64_t regular_attenders;
    uint64_t episodes, spells_built;   /* episode input */
    uint64_t speldur_checked, speldur_disagree;
    unsigned flags;                    /* bit (1u << check) set: outside the range */
};
size_t ics_beds_result_quality_count(const struct ics_beds_result *r);
const struct ics_beds_quality_row *ics_beds_result_quality(const struct ics_beds_result *r, size_t i);
/* The check's figure for a row (days, or a share as a fraction); -1 when it
 * cannot be computed (no spells, no CLASSPAT, spell input for episodes...). */
double ics_beds_quality_value(const struct ics_beds_result *r, const struct ics_beds_quality_row *q, int check);
/* "mean length of stay 119.2 days, plausible 1.0 to 15.0" into buf. */
void ics_beds_quality_describe(const struct ics_beds_result *r, const struct ics_beds_quality_row *q, int check,
                               char *buf, size_t size);
/* The table as CSV (one row per provider, sorted by code) or JSON (an array). */
int ics_beds_write_quality_csv(const struct ics_beds_result *r, FILE *out, struct ics_error *err);
int ics_beds_write_quality_json(const struct ics_beds_result *r, FILE *out, struct ics_error *err);

/* Fails with ICS_ERR_EMPTY, and no result, when no row is used: a file of
 * only a header, or of rows that were all rejected (the rejects file, if
 * given, still gets them). */
int ics_beds_run(const char *path, const struct ics_beds_options *opt, struct ics_beds_result **out,
                 struct ics_error *err);
void ics_beds_result_free(struct ics_beds_result *r);

const struct ics_beds_summary *ics_beds_result_summary(const struct ics_beds_result *r);
/* Output row i (i < summary->rows), sorted by code (and period start); NULL past the end. */
const struct ics_beds_row *ics_beds_result_row(const struct ics_beds_result *r, size_t i);
/* The total over every code and the whole period. */
const struct ics_beds_row *ics_beds_result_total(const struct ics_beds_result *r);
/* Series: the total row of period p (p < summary->periods); NULL otherwise. */
const struct ics_beds_row *ics_beds_result_period_total(const struct ics_beds_result *r, size_t p);
/* The trim points used (derived ones are owned by the result). */
const struct ics_trimpoints *ics_beds_result_trimpoints(const struct ics_beds_result *r);

/* Output: CSV columns level,code,name, the measures, period_from,period_to,days
 * (series: level,code,period_start,...), then one total row; JSON the same fields.
 * A failed write is ICS_ERR_IO. */
int ics_beds_write_csv(const struct ics_beds_result *r, FILE *out, struct ics_error *err);
int ics_beds_write_json(const struct ics_beds_result *r, FILE *out, struct ics_error *err);

#endif
