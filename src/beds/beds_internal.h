/*
 * ics beds's private parts, shared by its files (not part of the API):
 *   beds_trimpoints.c  trim point tables: reading, writing, deriving from the data
 *   beds_scan.c        the engine: one spell, the per-thread state, both passes
 *   beds_episodes.c    episode input: episodes partitioned to a spill, grouped into provider spells
 *   beds_rows.c        the output rows from the threads' sums (roll-ups, series)
 *   beds_run.c         ics_beds_run: options, passes, the result
 *   beds_write.c       CSV and JSON output
 */
#ifndef ICS_BEDS_INTERNAL_H
#define ICS_BEDS_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "ics/beds.h"
#include "ics/core.h"
#include "ics/csv.h"

/* ---- trim points (beds_trimpoints.c) ---------------------------------------- */

struct trim {
    int32_t days[2];        /* [0] elective, [1] non-elective */
    unsigned char has[2];
    unsigned char has_rate;
    int64_t rate_pence;
};

struct ics_trimpoints {
    struct ics_strmap map;  /* HRG -> struct trim */
    int any_rate;
};

struct ics_trimpoints *icsi_beds_trimpoints_new(void);
/* Entry indexes of a map in key order; caller frees. */
uint32_t *icsi_beds_sorted_entries(const struct ics_strmap *m);

/* ---- one spell (beds_scan.c) ------------------------------------------------ */

enum { COL_PROVIDER, COL_LA, COL_ADMISSION, COL_DISCHARGE, COL_METHOD, COL_HRG, NCOLS };
/* Accepted header names per column, the first the canonical one (NULL-terminated). */
extern const char *const *const icsi_beds_column_aliases[NCOLS];

/* Columns read when present: the patient classification (both inputs) and,
 * for episodes, what groups them into spells and orders them. */
enum { OPT_CLASS, OPT_PATIENT, OPT_SPELL_NUMBER, OPT_SPELL_ID, OPT_ORDER, OPT_START, OPT_END, OPT_EPIKEY,
       OPT_SPELDUR, OPT_SOURCE, OPT_DESTINATION, NOPT };
extern const char *const *const icsi_beds_optional_aliases[NOPT];

/* HES's "not known" dates (HES data dictionary): null and invalid. */
#define HES_NULL_DATE (-62091)      /* 1800-01-01 */
#define HES_INVALID_DATE (-61726)   /* 1801-01-01 */

int32_t icsi_beds_hes_unknown_date(const char *s, size_t n);

/* CLASSPAT values that matter here (HES data dictionary). */
enum { CLASS_OTHER, CLASS_DAY_CASE, CLASS_REGULAR };

/* One valid spell as the engine counts it. */
struct spell {
    const char *key;          /* grouping code: provider or residence */
    size_t key_len;
    const char *provider;     /* the provider code (the key at provider level) */
    size_t provider_len;
    const char *hrg;
    size_t hrg_len;
    int32_t admitted, discharged;   /* discharged == ICS_DATE_NONE: still in hospital */
    int cls;                  /* 0 elective, 1 non-elective */
    int patient_class;        /* CLASS_* */
    int32_t speldur;          /* a supplied SPELDUR; INT32_MIN when none */
    int32_t start;            /* long stays count from here: the admission, or the CIPS's first admission */
    int roles;                /* ROLE_*: what this spell brings to the counts */
    uint8_t source, destination;   /* ADMISORC, DISDEST as numbers; CODE_NONE when empty or not a number */
    uint8_t transfer_method;  /* ADMIMETH 2B or 81: a transfer from another provider */
    uint8_t ae_method;        /* ADMIMETH 21: an emergency admission through A&E */
    /* Set by the episode grouping, which keeps them per code: the counting
     * worker's group, provider and (hrg_len > 0) HRG indexes, so that a built
     * spell is not looked up by its codes again. */
    uint8_t indexed;
    uint32_t group, provider_index, hrg_index;
};
#define CODE_NONE 255

/* What a counted spell brings: a provider spell everything; with continuous
 * inpatient spells, each provider spell its excess and nights, and the CIPS
 * its spell measures (LOS, long-stay spells) once, at its last provider. */
enum { ROLE_SPELL = 1, ROLE_EXCESS = 2, ROLE_NIGHTS = 4, ROLE_ALL = 7 };

/* One record as the counting pass takes it. */
struct counted {
    int32_t admitted, discharged, start;
    uint8_t cls, day_case, roles;
};

struct config {
    int col[NCOLS];
    const char *col_name[NCOLS];   /* the header's names (the scan's, valid during the run) */
    int opt_col[NOPT];        /* -1: not in the file */
    int episodes;             /* the rows are episodes, grouped into spells before counting */
    int grouped;              /* rows go through the episode spill: episodes, or spells joined into CIPS */
    int cips;                 /* provider spells joined into continuous inpatient spells */
    unsigned partitions;      /* episodes: spill partitions, a power of two */
    int want;
    int pass;                 /* 1: find period / trim points; 2: count */
    int strict;
    int by_residence;
    int need_histograms;
    int period_known;
    int32_t from, to;
    int series;
    int32_t series_days;      /* to - from + 1 when series */
    const struct ics_trimpoints *trim;
    int64_t flat_rate;
    int has_flat_rate;
};

/* ---- per-thread state (beds_scan.c) ------------------------------------------ */

/* Indexes into a code's daily arrays (series mode). */
enum {
    D_SPELLS, D_BED_DAYS, D_EXCESS, D_COST, D_LS7_SPELLS, D_LS21_SPELLS,
    D_OCC, D_OCC7, D_OCC21,     /* difference arrays */
    D_COUNT
};

struct group {
    struct ics_beds_measures m;
    int64_t *daily;           /* series: D_COUNT arrays of series_days + 1 */
};

struct histogram {
    uint32_t *counts;         /* counts[los] */
    uint32_t len;
    uint64_t n;
};

#define GROUP_CACHE 512
#define TRIM_CACHE 4096

struct lookaside {
    uint64_t word;     /* ics_strmap_prefix of the code */
    uint32_t len;      /* 0: empty slot */
    uint32_t value;    /* groups: entry index; trims: entry index + 1, 0 = no such HRG */
};

static inline unsigned lookaside_slot(uint64_t word, uint32_t len, unsigned size)
{
    return (unsigned)(((word ^ len) * 0x9E3779B97F4A7C15ULL) >> 40) & (size - 1);
}

/* A code's entry index in a map, creating it, through a direct-mapped cache
 * of `size` slots for codes of 1 to 8 bytes (the code's bytes as one word
 * decide a hit exactly); -1 when out of memory. */
static inline int cached_index(struct ics_strmap *m, struct lookaside *cache, unsigned size, const char *key,
                               size_t len, uint32_t *index)
{
    struct lookaside *slot = NULL;
    uint64_t word = 0;
    if (len > 0 && len <= 8) {
        word = ics_strmap_prefix(key, len);
        slot = &cache[lookaside_slot(word, (uint32_t)len, size)];
        if (slot->len == len && slot->word == word) {
            *index = slot->value;
            return 0;
        }
    }
    if (!ics_strmap_upsert(m, key, len, index))
        return -1;
    if (slot)
        *slot = (struct lookaside){word, (uint32_t)len, *index};
    return 0;
}

/*
 * Derived trim points need, per HRG and class, the length-of-stay histogram
 * of the spells discharged in the period. The period is the financial year
 * of the latest discharge (or the given one), so a worker keeps only the
 * histograms of the newest year it has seen: an older year can never be the
 * period. Counts of stays under DENSE_LOS days sit in one dense block indexed
 * by the worker's HRG index (most stays, and no pointer to follow per row, so
 * the counters stay in cache); longer stays go to a per-HRG tail.
 */
#define DENSE_LOS 32

/*
 * The spill: when a first pass is needed (period or trim points from the
 * data), that pass is the only one that parses the CSV. Each valid spell goes
 * to its thread's temporary file as a 16-byte record, and the second pass
 * replays the records instead of parsing the text again. Memory stays flat:
 * the records live in the file (and the page cache), not in the process.
 */
struct spill_record {
    uint32_t group;            /* index in the worker's groups */
    uint32_t provider;         /* index in the worker's providers (data quality) */
    uint32_t hrg_cls;          /* (HRG index + 1) << 5 | roles << 2 | day case << 1 | class; HRG index + 1 = 0: no HRG */
    int32_t admitted;
    int32_t discharged;        /* ICS_DATE_NONE: still in hospital */
    int32_t start;             /* long stays counted from (struct spell) */
};

#define SPILL_BUFFER (1 << 20)

struct spill {
    FILE *file;                /* from ics_tempfile; NULL: not spilling */
    int fd;                    /* its descriptor (-1: not spilling), used with read(2) and write(2) only */
    unsigned char *buf;
    size_t len;
    uint64_t records;
    int write_failed;
};

/* Data quality of one provider (beds_quality.c). */
struct quality_acc {
    uint64_t rows, rejected_by[ICS_BEDS_REJECT_REASONS];
    uint64_t spells, bed_days, long_21, day_cases, open, regular;
    uint64_t episodes, spells_built, speldur_checked, speldur_disagree;
    struct histogram los;      /* of the spells discharged in the period */
};

struct worker {
    /* Workers sit side by side in one array and each is written by its own
     * thread on every row: this gap keeps a worker's hot fields off the cache
     * lines of its neighbour's tail (false sharing cost a third of a pass). */
    char separation[128];
    const struct config *cfg;
    int index;                      /* in the run's array of workers */
    struct ics_strmap groups;       /* code -> struct group */
    int32_t max_discharge, max_admission;
    uint64_t used, open, outside, in_period, no_trim, no_rate;
    uint64_t spells_built, regular_attenders, day_cases_with_stay, cips_built, cips_joined;
    int failed;                     /* out of memory */
    /* Direct-mapped caches in front of the maps for codes of up to 8 bytes
     * (providers, HRGs): the code's bytes as one word decide a hit exactly. */
    struct lookaside group_cache[GROUP_CACHE];
    struct lookaside trim_cache[TRIM_CACHE];
    struct lookaside hrg_cache[TRIM_CACHE];
    struct ics_strmap hrgs;         /* pass 1: HRG -> index in the spill records */
    /* pass 1 histograms of hist_bucket (financial year start, 0 for a given period) */
    int32_t hist_bucket;            /* INT32_MIN: none yet */
    uint32_t hist_cap;              /* HRG indexes the two arrays below hold */
    uint32_t *dense;                /* [HRG index][class][stay < DENSE_LOS] */
    uint32_t *dense_pending;        /* the counter the previous row adds 1 to (see first_pass_row) */
    struct histogram *tails;        /* [HRG index][class]: counts[stay - DENSE_LOS] */
    int32_t fy_first, fy_last;      /* the financial year last seen (pass 1) */
    struct ics_strmap providers;    /* provider code -> struct quality_acc */
    struct lookaside provider_cache[GROUP_CACHE];
    struct ics_date_cache dates;
    struct spill spill;             /* kept across worker_reset */
    struct episode_spill *episodes; /* episode input: this worker's partitioned episodes */
};

/* Adds the one count that icsi_beds_first_pass_row left pending. */
static inline void hist_settle(struct worker *w)
{
    if (w->dense_pending) {
        (*w->dense_pending)++;
        w->dense_pending = NULL;
    }
}


/* Validates a row into a spell's fields (for episodes, the episode's); on a
 * bad row rejects it (when `reject`) and returns -1. */
int icsi_beds_read_spell(struct worker *w, struct ics_csv_row *row, struct spell *sp);
/* Counts one valid spell built from `episodes` episodes: in the first of two passes spills it and adds it to
 * the histograms, otherwise adds it to its group. Non-zero stops the run. */
int icsi_beds_take_spell(struct worker *w, const struct spell *sp, uint32_t episodes);
/* A code's index in the worker's groups and in its HRGs (the spill records'), creating it; -1 out of memory. */
int icsi_beds_group_index(struct worker *w, const char *key, size_t len, uint32_t *gi);
int icsi_beds_hrg_index(struct worker *w, const char *hrg, size_t len, uint32_t *index);
/* Counts the spell measures of a continuous inpatient spell (roles ROLE_SPELL). */
int icsi_beds_take_cips(struct worker *w, const struct spell *cips);

/* ---- data quality (beds_quality.c) -------------------------------------------- */

/* The provider's accumulator index in this worker, creating it; -1 out of memory.
 * Inline: it runs on every row. */
static inline int icsi_beds_provider_index(struct worker *w, const char *code, size_t len, uint32_t *pi)
{
    return cached_index(&w->providers, w->provider_cache, GROUP_CACHE, code, len, pi);
}

static inline struct quality_acc *icsi_beds_quality(struct worker *w, uint32_t pi)
{
    return ics_strmap_value(&w->providers, pi);
}
/* Counts a rejected row against its provider (the row's provider field, if any). */
void icsi_beds_quality_reject(struct worker *w, const struct ics_csv_row *row, int reason);
int icsi_beds_histogram_add(struct histogram *h, int32_t los);
/* Merges the workers' accumulators into the result's table and sets the flags. */
int icsi_beds_quality_build(struct ics_beds_result *res, struct worker *workers, int n, struct ics_error *err);
struct ics_json;
void icsi_beds_quality_json(const struct ics_beds_result *r, struct ics_json *j);

/* ---- episodes (beds_episodes.c) ------------------------------------------------ */

struct episode_spill;
/* Makes a worker's episode spill (cfg->partitions partitions); ICS_OK or an error. */
int icsi_beds_episodes_open(struct worker *w, struct ics_error *err);
void icsi_beds_episodes_close(struct worker *w);
/* Throws away what the worker wrote (the scan redoing its part). */
void icsi_beds_episodes_reset(struct worker *w);
/* The scan's row function for episode input. */
int icsi_beds_episode_row(void *p, struct ics_csv_row *row);
/* Groups every worker's episodes into spells and gives each to
 * icsi_beds_take_spell, partitions spread over the workers' threads. */
int icsi_beds_group_episodes(struct worker *workers, int n, struct ics_error *err);

void icsi_beds_worker_init(struct worker *w, const struct config *cfg);
void icsi_beds_worker_release(struct worker *w);
/* Throws away what a worker has seen (the CSV scan redoing its part); the
 * spill file is kept and emptied. An ics_csv_reset_fn. */
void icsi_beds_worker_reset(void *p);
void icsi_beds_spill_close(struct spill *sp);
/* Whole-buffer pwrite/pread (the spill files); 0, or -1 on an error or a short file. */
int icsi_beds_write_at(int fd, const void *p, size_t n, uint64_t offset);
int icsi_beds_read_at(int fd, void *p, size_t n, uint64_t offset);
/* The row functions (ics_csv_row_fn): the first pass of two, and the one pass. */
int icsi_beds_first_pass_row(void *p, struct ics_csv_row *row);
int icsi_beds_count_row(void *p, struct ics_csv_row *row);
/* Replays a worker's spill: the second pass without the CSV (a thread function). */
void *icsi_beds_replay_spill(void *p);

/* Derives trim points from the workers' histograms of period bucket `bucket`. */
int icsi_beds_derive_trimpoints(struct worker *workers, int n, int32_t bucket, struct ics_trimpoints **out,
                                struct ics_error *err);

/* ---- the result (beds_run.c, beds_rows.c) ----------------------------------- */

struct ics_beds_result {
    struct ics_beds_summary s;
    struct ics_beds_row *rows;   /* s.rows code rows, then (series) s.periods total rows */
    struct ics_beds_row total;
    const struct ics_trimpoints *trimpoints;   /* those used (owned by the result when derived) */
    struct ics_trimpoints *owned_trimpoints;
    struct ics_arena arena;      /* the rows' codes and names */
    struct ics_beds_quality_row *quality;   /* sorted by provider code, in the arena */
    size_t nquality;
    int quality_has_class;       /* the input had CLASSPAT: day-case shares mean something */
};

/* Builds the output rows from the merged groups. */
int icsi_beds_build_rows(struct ics_beds_result *res, const struct ics_beds_options *opt, const struct config *cfg,
                         struct worker *workers, int n, struct ics_error *err);

#endif
