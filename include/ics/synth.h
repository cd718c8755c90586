/*
 * ics synth: a deterministic, realistic synthetic year of English hospital
 * spells, at any size, in constant memory.
 *
 * Every value comes from embedded public reference tables (real acute trust
 * ODS codes with their OHID catchment local authorities, real HRG4+ codes with
 * their tariff trim points; see data/synth/SOURCE.md) and a fixed integer
 * model (docs/commands/synth.md). Spell k of a stream depends only on the seed,
 * the year and k, never on how many spells are written, so the first 5 rows of
 * a 1,000-row run equal a 5-row run, and output is byte-identical on every
 * machine (own PRNG, integer arithmetic only).
 *
 * Ownership: all strings returned here point into static tables owned by the
 * library; callers never free them. A struct ics_synth is owned by the caller
 * of ics_synth_new and released with ics_synth_free.
 */
#ifndef ICS_SYNTH_H
#define ICS_SYNTH_H

#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

#define ICS_SYNTH_DEFAULT_YEAR 2018   /* financial year 2018-19 */
#define ICS_SYNTH_MIN_YEAR 1950   /* admissions reach 3 years back; ics reads years 1900-2999 */
#define ICS_SYNTH_MAX_YEAR 2900

struct ics_synth_options {
    uint64_t spells;         /* rows to write */
    uint64_t seed;
    int fy_start_year;       /* the financial year that starts on 1 April of this year */
    int messy;               /* 1: write the spells the way raw extracts look (below) */
    ics_progress_fn progress;/* may be NULL; called every 2^20 rows and at the end */
    void *progress_ctx;
    int episode_dates;       /* ics_synth_episodes only: enum ics_synth_episode_dates */
};

/* Defaults: 0 spells, seed 1, financial year 2018-19, canonical layout,
 * episode dates on the last episode (ICS_SYNTH_EPISODE_DATES_LAST). */
void ics_synth_options_init(struct ics_synth_options *opt);

/*
 * Writes a header and opt->spells rows to `out` (which the caller owns and
 * closes). Canonical layout:
 *   spell_id,provider_code,patient_la,admission_date,discharge_date,
 *   admission_method,hrg,age,sex,discharge_destination
 * ISO dates, LF line ends; an empty discharge_date is a spell still open at the
 * end of the year (its discharge_destination is empty too); an empty
 * patient_la or hrg is unknown.
 * Messy layout (opt->messy): the same values under HES names
 *   EPIKEY,PROCODE3,RESLADST_ONS,ADMIDATE,DISDATE,ADMIMETH,NOTES,SUSHRG,
 *   STARTAGE,SEX,DISDEST
 * with dates DD/MM/YYYY, CRLF line ends, a UTF-8 byte-order mark and a
 * free-text NOTES column holding quoted commas, doubled quotes and, rarely, a
 * line break inside quotes.
 * Returns ICS_OK, ICS_ERR_USAGE (year out of range), ICS_ERR_NOMEM or
 * ICS_ERR_IO (a write failed; rows before it may have been written).
 */
int ics_synth_spells(const struct ics_synth_options *opt, FILE *out, struct ics_error *err);

/* One spell, as the generator makes it. */
struct ics_synth_spell {
    uint64_t number;             /* 1-based row number; spell_id is it zero-padded to 10 digits */
    const char *provider_code;   /* ODS trust code, 3 characters */
    const char *patient_la;      /* 2022 English LAD code, or "" (unknown) */
    int32_t admission_date;      /* days since 1970-01-01 */
    int32_t discharge_date;      /* ICS_DATE_NONE when still in hospital */
    char admission_method[3];    /* HES ADMIMETH, e.g. "11", "21", "2A" */
    const char *hrg;             /* HRG4+ code, or "" (ungrouped) */
    int trimpoint;               /* the HRG's trim point for the spell's class; 0 = none or no HRG */
    int age;                     /* 0..105 */
    int sex;                     /* HES SEX: 1 male, 2 female */
    int discharge_destination;   /* HES DISDEST, e.g. 19; 0 when still in hospital */
};

/* A generator for one seed and year: precomputed date tables, nothing more.
 * Returns NULL on a bad year or out of memory, with err filled. */
struct ics_synth *ics_synth_new(uint64_t seed, int fy_start_year, struct ics_error *err);
void ics_synth_free(struct ics_synth *g);
/* Spell number index + 1 of the stream (index from 0): the row that
 * ics_synth_spells writes at that position with the same seed and year. */
void ics_synth_spell(const struct ics_synth *g, uint64_t index, struct ics_synth_spell *out);

/* ---- consultant episodes: the same spells in the HES APC layout ---------- */

/*
 * A provider spell (admission to discharge at one provider) is written as its
 * 1..ICS_SYNTH_MAX_EPISODES finished consultant episodes, in the layout of an
 * HES APC extract (docs/commands/synth.md, "Episodes", gives every rule and
 * the reason for it):
 *   EPIKEY,PSEUDO_HESID,PROCODE3,PROVSPNOPS,EPIORDER,ADMIDATE,EPISTART,EPIEND,
 *   DISDATE,ADMIMETH,ADMISORC,DISDEST,DISMETH,CLASSPAT,RESLADST_ONS,STARTAGE,
 *   SEX,SUSHRG,SPELDUR
 * ISO dates, LF line ends. The rows are not in spell order: spells are taken
 * in blocks of ICS_SYNTH_EPISODE_BLOCK, each episode row may move up to
 * ICS_SYNTH_EPISODE_SHIFT spells later (so into the next block), and each
 * block is written in the order of a hash of its rows' EPIKEYs (ties, which
 * are rare, in spell order).
 *
 * Provider spell k (index from 0) depends only on the seed, the year and k.
 * It is ics_synth_spell(k) with episodes added, except for pairs (k, k + 1),
 * k even: a share of the non-elective spells of patients 65 and over are
 * followed by a second provider spell of the same patient (a transfer to
 * another provider, joined into one continuous inpatient spell by the NHS
 * Digital 2014 rule, or a near miss that the rule does not join); spell k + 1
 * is then drawn for that patient instead, and spell k's discharge
 * destination is set to fit. Because of the blocks, a run of n spells is not
 * a byte prefix of a longer run; it is the longer run's rows with the rows of
 * spells n + 1 and later deleted (the true spells file is a prefix).
 */
#define ICS_SYNTH_MAX_EPISODES 6
#define ICS_SYNTH_MAX_EPISODE_SPELLS UINT64_C(100000000000)   /* 10^11: EPIKEY has 12 digits */
#define ICS_SYNTH_EPISODE_BLOCK 4096
#define ICS_SYNTH_EPISODE_SHIFT 32

enum ics_synth_episode_dates {
    ICS_SYNTH_EPISODE_DATES_LAST = 0,      /* HES: DISDATE, DISMETH, real DISDEST on the last episode only */
    ICS_SYNTH_EPISODE_DATES_REPEATED = 1,  /* the spell's DISDATE, DISDEST, DISMETH on every episode */
};

/* How provider spell k and k + 1 (same patient) are linked; k even. */
enum ics_synth_link {
    ICS_SYNTH_LINK_NONE = 0,
    ICS_SYNTH_LINK_TRANSFER,        /* DISDEST 49-53, then ADMISORC 51, ADMIMETH 81/2B, 0-2 days: joined */
    ICS_SYNTH_LINK_DESTINATION,     /* DISDEST 49-53, then ADMIMETH 21/22 from home, 0-2 days: joined */
    ICS_SYNTH_LINK_ADMISSION,       /* DISDEST 19, then ADMIMETH 81/2B, 0-2 days: joined */
    ICS_SYNTH_LINK_GAP,             /* as TRANSFER but 3-5 days later: not joined */
    ICS_SYNTH_LINK_HOME_THEN_AE,    /* DISDEST 19, then ADMISORC 51 with ADMIMETH 21, 0-2 days: not joined */
    ICS_SYNTH_LINK_READMISSION,     /* DISDEST 19, then A&E at the same provider from home, 0-2 days: not joined */
};

struct ics_synth_episode {
    uint64_t epikey;             /* EPIKEY, below 10^12, unique in the stream */
    int32_t start, end;          /* EPISTART, EPIEND; end ICS_DATE_NONE: not finished (open spell) */
    char admission_method[3];    /* ADMIMETH as written on this episode */
    int admission_source;        /* ADMISORC */
    const char *patient_la;      /* RESLADST_ONS, or "" */
    int age;                     /* STARTAGE */
    int sex;                     /* SEX: 1, 2, or 9 (not specified) */
    const char *hrg;             /* SUSHRG, or "" */
};

struct ics_synth_provider_spell {
    /* The spell as the true spells file gives it: admission method, LA, age
     * and sex of the first episode, the destination of the last, the HRG
     * that is the last non-empty SUSHRG. number = index + 1. */
    struct ics_synth_spell spell;
    uint64_t patient;            /* index of the patient's first provider spell */
    char patient_id[33];         /* PSEUDO_HESID: 32 hex digits, one per patient */
    uint64_t provspno;           /* PROVSPNOPS, below 10^12, unique per spell */
    int admission_source;        /* ADMISORC of the first episode */
    int discharge_method;        /* DISMETH: 1, 2, 4 (died); 0 when still in hospital */
    int patient_class;           /* CLASSPAT: 1 ordinary, 2 day case, 3 day, 4 night attender */
    int speldur;                 /* SPELDUR as written (a few deliberately wrong); -1 when open */
    uint64_t cips;               /* index of the first provider spell of its continuous inpatient spell */
    int link_next;               /* enum ics_synth_link with spell index + 1 */
    int link_prev;               /* enum ics_synth_link with spell index - 1 */
    int null_dates;              /* open spell: its missing dates are written 1800-01-01, not empty */
    int episodes;                /* 1..ICS_SYNTH_MAX_EPISODES */
    struct ics_synth_episode episode[ICS_SYNTH_MAX_EPISODES];
};

/* Provider spell `index` of the stream, with its episodes in EPIORDER. */
void ics_synth_provider_spell(const struct ics_synth *g, uint64_t index, struct ics_synth_provider_spell *out);

struct ics_synth_episodes_result {
    uint64_t spells;             /* provider spells written (opt->spells) */
    uint64_t episodes;           /* episode rows written */
};

/*
 * Writes opt->spells provider spells as episodes to `out`, and, when
 * true_spells is not NULL, the same provider spells, one a row in spell
 * order, to true_spells:
 *   spell_id,patient_id,provider_code,patient_la,admission_date,
 *   discharge_date,admission_method,admission_source,discharge_destination,
 *   patient_class,hrg,age,sex,speldur,cips_id
 * (spell_id is PROVSPNOPS; cips_id the spell_id of the first provider spell of
 * the continuous inpatient spell). Both files are the caller's to close.
 * opt->messy must be 0; opt->spells at most ICS_SYNTH_MAX_EPISODE_SPELLS.
 * result may be NULL. Returns ICS_OK, ICS_ERR_USAGE, ICS_ERR_NOMEM or
 * ICS_ERR_IO (rows before the failure may have been written).
 */
int ics_synth_episodes(const struct ics_synth_options *opt, FILE *out, FILE *true_spells,
                       struct ics_synth_episodes_result *result, struct ics_error *err);

/* The embedded reference tables. */
struct ics_synth_trust_info {
    const char *code;            /* ODS code of the 2022 trust */
    const char *name;
    unsigned beds;               /* KH03 Q3 2019-20 G&A overnight + day beds (size weight) */
};
size_t ics_synth_trust_count(void);
/* i < ics_synth_trust_count(); trusts are in code order. */
struct ics_synth_trust_info ics_synth_trust(size_t i);

struct ics_synth_hrg_info {
    const char *code;                /* HRG4+ code */
    int elective_trimpoint;          /* days; 0 = none (obstetric NZ codes) */
    int non_elective_trimpoint;      /* days; the model's choice, see docs/commands/synth.md */
};
size_t ics_synth_hrg_count(void);
/* i < ics_synth_hrg_count(); HRGs are in code order. */
struct ics_synth_hrg_info ics_synth_hrg(size_t i);

/*
 * Writes the trim points the generator models, as
 * `hrg,elective_trimpoint_days,non_elective_trimpoint_days` (HRGs without a
 * trim point are left out), the layout `ics beds --trimpoints` reads.
 */
int ics_synth_write_trimpoints(FILE *out, struct ics_error *err);

/* ---- a synthetic national Agreement of Balances period ------------------ */

struct ics_synth_ledger_options {
    const char *dir;            /* output directory (created if missing); required */
    const char *period;         /* default "2022-23-M12" (NULL too) */
    int orgs;                   /* organisations, 3 to 700; default 300 (0 too) */
    int64_t lines;              /* invoice lines in all files together, about; default 5,000,000 (0 too) */
    uint64_t seed;              /* default 0 */
    int disputes;               /* disputes to write to disputes.csv; 0 (the default): orgs / 10 */
};
/* Sets the defaults above; dir stays NULL and must be set. */
void ics_synth_ledger_options_init(struct ics_synth_ledger_options *opt);
struct ics_synth_ledger_result {
    int orgs;
    int64_t lines;              /* lines written */
    int disputes;
};
/*
 * Writes a synthetic AoB period: DIR/<ORG>.csv per organisation (a submission
 * file), DIR/manifest.csv (org,file,lines) and DIR/disputes.csv
 * (supplier,purchaser,kind,amount,raised_by). Invoices mostly agree; some are
 * missing on the purchaser side (timing: raised in the last days of the
 * period), some differ in amount, some are credit notes, and some balances
 * are given as total-only lines. Deterministic for a seed.
 */
int ics_synth_ledger(const struct ics_synth_ledger_options *opt, struct ics_synth_ledger_result *result,
                     struct ics_error *err);

#endif
