/*
 * ics beds: the bed-day engine. Definitions and their reasons are in
 * docs/definitions.md; this file follows them exactly.
 *
 * Every measure is additive over spells, so each thread keeps its own sums per
 * code and the threads' sums are added at the end; the roll-ups to ICB, region
 * and nation add local authority sums the same way. Nothing is kept per spell,
 * so memory does not grow with the file.
 *
 * Occupancy needs no per-day loop: the nights a spell spends in hospital
 * inside [from, to] are an intersection of two ranges. In series mode the same
 * ranges go into difference arrays per code (+1 on the first night, -1 after
 * the last), so a day-by-day year costs one addition per spell and range.
 *
 * Passes: when the period or the trim points must come from the data, a first
 * pass finds the latest discharge date and, per financial year of discharge,
 * HRG and class, a histogram of length of stay; the second pass counts. With
 * --from/--to and --trimpoints there is one pass.
 */
#include "ics/beds.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ics/core.h"
#include "ics/stats.h"
#include "ics/csv.h"
#include "ics/refdata.h"

#define MIN_SPELLS_FOR_TRIMPOINT 10

/* ---- trim points ----------------------------------------------------------- */

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

static struct ics_trimpoints *trimpoints_new(void)
{
    struct ics_trimpoints *t = ics_calloc(1, sizeof *t);
    if (t)
        ics_strmap_init(&t->map, sizeof(struct trim));
    return t;
}

void ics_trimpoints_free(struct ics_trimpoints *t)
{
    if (!t)
        return;
    ics_strmap_release(&t->map);
    ics_free(t);
}

size_t ics_trimpoints_count(const struct ics_trimpoints *t)
{
    return t ? t->map.count : 0;
}

static void trim_field(const char **s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Parses a whole number of days; empty or "-" means none. Returns 1 (value),
 * 0 (none) or -1 (bad). */
static int parse_days(const char *s, size_t n, int32_t *out)
{
    trim_field(&s, &n);
    if (n == 0 || (n == 1 && s[0] == '-'))
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]) || v > 100000)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = (int32_t)v;
    return 1;
}

int ics_trimpoints_load(const char *path, struct ics_trimpoints **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        return rc;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    static const char *const hrg_names[] = {"hrg", "sushrg", "hrg_code", NULL};
    static const char *const el_names[] = {"elective_trimpoint_days", "elective", "elective_trimpoint", NULL};
    static const char *const ne_names[] = {"non_elective_trimpoint_days", "emergency", "non_elective",
                                           "nonelective", "non_elective_trimpoint", NULL};
    static const char *const rate_names[] = {"excess_bed_day_rate", "rate", "per_day_long_stay_payment", NULL};
    int c_hrg = ics_csv_header_find(h, hrg_names);
    int c_el = ics_csv_header_find(h, el_names);
    int c_ne = ics_csv_header_find(h, ne_names);
    int c_rate = ics_csv_header_find(h, rate_names);
    const char *label = ics_csv_reader_label(r);
    if (c_hrg < 0 || c_el < 0 || c_ne < 0) {
        rc = ics_error_at(err, ICS_ERR_MISSING_COLUMN, label, 1, 0, "missing column '%s' (trim points need hrg, "
                          "elective_trimpoint_days and non_elective_trimpoint_days, or sushrg, elective, emergency)",
                          c_hrg < 0 ? "hrg" : c_el < 0 ? "elective_trimpoint_days" : "non_elective_trimpoint_days");
        ics_csv_close(r);
        return rc;
    }
    /* The Strategy Unit's sushrg,elective,emergency file writes 0 for "no trim
     * point"; in ics's own layout (what --trimpoints-out writes) 0 is 0 days. */
    int zero_is_none = strcasecmp(h->names[c_el], "elective") == 0 || strcasecmp(h->names[c_ne], "emergency") == 0;
    struct ics_trimpoints *t = trimpoints_new();
    if (!t) {
        ics_csv_close(r);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
    }
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        int need = (c_rate > c_ne ? c_rate : c_ne);
        need = need > c_el ? need : c_el;
        need = need > c_hrg ? need : c_hrg;
        if (row.nfields <= need && !(c_rate == need && row.nfields == need)) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, row.nfields + 1, "row has %d fields", row.nfields);
            break;
        }
        const char *hs = row.fields[c_hrg].ptr;
        size_t hn = row.fields[c_hrg].len;
        trim_field(&hs, &hn);
        if (hn == 0) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_hrg + 1, "empty HRG code");
            break;
        }
        struct trim v = {0};
        int cols[2] = {c_el, c_ne};
        for (int k = 0; k < 2; k++) {
            int got = parse_days(row.fields[cols[k]].ptr, row.fields[cols[k]].len, &v.days[k]);
            if (got < 0) {
                rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, cols[k] + 1, "bad trim point '%.*s'",
                                  (int)row.fields[cols[k]].len, row.fields[cols[k]].ptr);
                break;
            }
            v.has[k] = got == 1 && !(zero_is_none && v.days[k] == 0);
        }
        if (rc == ICS_ERR_PARSE)
            break;
        if (c_rate >= 0 && c_rate < row.nfields) {
            const char *rs = row.fields[c_rate].ptr;
            size_t rn = row.fields[c_rate].len;
            trim_field(&rs, &rn);
            if (rn > 0) {
                const char *why = NULL;
                if (ics_pence_parse(rs, rn, &v.rate_pence, &why) || v.rate_pence < 0) {
                    rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_rate + 1, "bad rate '%.*s': %s",
                                      (int)rn, rs, why ? why : "negative");
                    break;
                }
                v.has_rate = 1;
                t->any_rate = 1;
            }
        }
        struct trim *slot = ics_strmap_upsert(&t->map, hs, hn, NULL);
        if (!slot) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
            break;
        }
        *slot = v;
    }
    ics_csv_close(r);
    if (rc < 0 || rc > 1 || (rc != 0 && rc != 1)) {
        ics_trimpoints_free(t);
        return rc;
    }
    *out = t;
    return ICS_OK;
}

int ics_trimpoints_load_rates(struct ics_trimpoints *t, const char *path, struct ics_error *err)
{
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        return rc;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    static const char *const hrg_names[] = {"hrg", "sushrg", "hrg_code", NULL};
    static const char *const rate_names[] = {"rate", "excess_bed_day_rate", "per_day_long_stay_payment", NULL};
    int c_hrg = ics_csv_header_find(h, hrg_names);
    int c_rate = ics_csv_header_find(h, rate_names);
    const char *label = ics_csv_reader_label(r);
    if (c_hrg < 0 || c_rate < 0) {
        rc = ics_error_at(err, ICS_ERR_MISSING_COLUMN, label, 1, 0, "missing column '%s' (rates need hrg,rate)",
                          c_hrg < 0 ? "hrg" : "rate");
        ics_csv_close(r);
        return rc;
    }
    struct ics_csv_row row;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        if (row.nfields <= c_hrg || row.nfields <= c_rate) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, row.nfields + 1, "row has %d fields", row.nfields);
            break;
        }
        const char *hs = row.fields[c_hrg].ptr, *rs = row.fields[c_rate].ptr;
        size_t hn = row.fields[c_hrg].len, rn = row.fields[c_rate].len;
        trim_field(&hs, &hn);
        trim_field(&rs, &rn);
        int64_t pence;
        const char *why = NULL;
        if (ics_pence_parse(rs, rn, &pence, &why) || pence < 0) {
            rc = ics_error_at(err, ICS_ERR_PARSE, label, row.line, c_rate + 1, "bad rate '%.*s': %s", (int)rn, rs,
                              why ? why : "negative");
            break;
        }
        struct trim *slot = ics_strmap_upsert(&t->map, hs, hn, NULL);
        if (!slot) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", label);
            break;
        }
        slot->rate_pence = pence;
        slot->has_rate = 1;
        t->any_rate = 1;
    }
    ics_csv_close(r);
    return rc == 0 ? ICS_OK : rc;
}

static int compare_keys(const void *a, const void *b, void *map)
{
    const struct ics_strmap *m = map;
    const struct ics_strmap_key *ka = &m->keys[*(const uint32_t *)a];
    const struct ics_strmap_key *kb = &m->keys[*(const uint32_t *)b];
    size_t n = ka->len < kb->len ? ka->len : kb->len;
    int c = memcmp(ka->s, kb->s, n);
    return c ? c : (ka->len > kb->len) - (ka->len < kb->len);
}

/* Entry indexes of a map in key order; caller frees. */
static uint32_t *sorted_entries(const struct ics_strmap *m)
{
    uint32_t *idx = ics_malloc((m->count ? m->count : 1) * sizeof *idx);
    if (!idx)
        return NULL;
    for (uint32_t i = 0; i < m->count; i++)
        idx[i] = i;
    qsort_r(idx, m->count, sizeof *idx, compare_keys, (void *)m);
    return idx;
}

int ics_trimpoints_write(const struct ics_trimpoints *t, FILE *out, struct ics_error *err)
{
    uint32_t *idx = sorted_entries(&t->map);
    if (!idx)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory writing trim points");
    fprintf(out, "hrg,elective_trimpoint_days,non_elective_trimpoint_days%s\n",
            t->any_rate ? ",excess_bed_day_rate" : "");
    for (uint32_t i = 0; i < t->map.count; i++) {
        const struct ics_strmap_key *k = &t->map.keys[idx[i]];
        const struct trim *v = ics_strmap_value(&t->map, idx[i]);
        ics_csv_write_field(out, k->s, k->len);
        for (int c = 0; c < 2; c++) {
            if (v->has[c])
                fprintf(out, ",%d", v->days[c]);
            else
                fputs(",", out);
        }
        if (t->any_rate) {
            char buf[32] = "";
            if (v->has_rate)
                ics_pence_format(v->rate_pence, buf);
            fprintf(out, ",%s", buf);
        }
        fputc('\n', out);
    }
    ics_free(idx);
    if (ferror(out))
        return ics_error_set(err, ICS_ERR_IO, "error writing trim points");
    return ICS_OK;
}

/* ---- levels ---------------------------------------------------------------- */

static const char *const level_names[] = {"provider", "residence", "icb", "region", "nation"};

int ics_beds_level_parse(const char *text)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(text, level_names[i]) == 0)
            return i;
    return -1;
}

const char *ics_beds_level_name(int level)
{
    return level >= 0 && level < 5 ? level_names[level] : "?";
}

/* ---- one spell ------------------------------------------------------------- */

enum { COL_PROVIDER, COL_LA, COL_ADMISSION, COL_DISCHARGE, COL_METHOD, COL_HRG, NCOLS };

static const char *const *const column_aliases[NCOLS] = {
    (const char *const[]){"provider_code", "PROCODE3", "PROCODE", "provider", NULL},
    (const char *const[]){"patient_la", "RESLADST_ONS", "RESLADST", "la_code", NULL},
    (const char *const[]){"admission_date", "ADMIDATE", NULL},
    (const char *const[]){"discharge_date", "DISDATE", NULL},
    (const char *const[]){"admission_method", "ADMIMETH", NULL},
    (const char *const[]){"hrg", "SUSHRG", "HRG40", "hrg_code", NULL},
};

struct spell {
    const char *key;          /* grouping code: provider or residence */
    size_t key_len;
    const char *hrg;
    size_t hrg_len;
    int32_t admitted, discharged;   /* discharged == ICS_DATE_NONE: still in hospital */
    int cls;                  /* 0 elective, 1 non-elective */
};

/* HES ADMIMETH codes accepted (issue 2; HES data dictionary). */
static int admission_class(const char *s, size_t n)
{
    if (n != 2)
        return -1;
    char a = s[0], b = (char)toupper((unsigned char)s[1]);
    switch (a) {
    case '1':
        return b >= '1' && b <= '3' ? 0 : -1;
    case '2':
        return (b >= '1' && b <= '5') || b == '8' || (b >= 'A' && b <= 'D') ? 1 : -1;
    case '3':
        return b == '1' || b == '2' ? 1 : -1;
    case '8':
        return (b >= '1' && b <= '4') || b == '9' ? 1 : -1;
    case '9':
        return b == '8' || b == '9' ? 1 : -1;
    default:
        return -1;
    }
}

struct config {
    int col[NCOLS];
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

static inline void field(const struct ics_csv_row *row, int col, const char **out, size_t *out_len)
{
    const char *s = row->fields[col].ptr;
    size_t n = row->fields[col].len;
    if (n > 0 && ((unsigned char)s[0] <= ' ' || (unsigned char)s[n - 1] <= ' '))
        trim_field(&s, &n);
    *out = s;
    *out_len = n;
}

/* Validates a row into a spell. On a bad row, rejects it (when `reject`) and
 * returns -1. */
static int read_spell(const struct config *c, struct ics_date_cache *dates, struct ics_csv_row *row,
                      struct spell *sp, int reject)
{
    if (row->nfields < c->want) {
        if (reject)
            ics_csv_reject(row, row->nfields + 1, "row has %d fields, expected at least %d", row->nfields, c->want);
        return -1;
    }
    const char *s;
    size_t n;
    int col = c->col[COL_PROVIDER];
    field(row, col, &s, &n);
    if (n == 0) {
        if (reject)
            ics_csv_reject(row, col + 1, "missing provider code");
        return -1;
    }
    sp->key = s;
    sp->key_len = n;
    if (c->by_residence) {
        field(row, c->col[COL_LA], &sp->key, &sp->key_len);
    }
    col = c->col[COL_ADMISSION];
    field(row, col, &s, &n);
    if (n == 0 || ics_date_parse_cached(dates, s, n, &sp->admitted)) {
        if (reject) {
            if (n == 0)
                ics_csv_reject(row, col + 1, "missing admission date");
            else
                ics_csv_reject(row, col + 1, "impossible admission date '%.*s'", (int)n, s);
        }
        return -1;
    }
    col = c->col[COL_DISCHARGE];
    field(row, col, &s, &n);
    if (n == 0) {
        sp->discharged = ICS_DATE_NONE;
    } else if (ics_date_parse_cached(dates, s, n, &sp->discharged)) {
        if (reject)
            ics_csv_reject(row, col + 1, "impossible discharge date '%.*s'", (int)n, s);
        return -1;
    } else if (sp->discharged < sp->admitted) {
        if (reject)
            ics_csv_reject(row, col + 1, "discharge date '%.*s' is before the admission date", (int)n, s);
        return -1;
    }
    col = c->col[COL_METHOD];
    field(row, col, &s, &n);
    sp->cls = admission_class(s, n);
    if (sp->cls < 0) {
        if (reject)
            ics_csv_reject(row, col + 1, "unknown admission method '%.*s'", (int)n, s);
        return -1;
    }
    field(row, c->col[COL_HRG], &sp->hrg, &sp->hrg_len);
    return 0;
}

/* ---- per-thread state ------------------------------------------------------ */

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
    uint32_t hrg_cls;          /* (HRG index + 1) << 1 | class; HRG index + 1 = 0: no HRG */
    int32_t admitted;
    int32_t discharged;        /* ICS_DATE_NONE: still in hospital */
};

#define SPILL_BUFFER (1 << 20)

struct spill {
    int fd;                    /* -1: not spilling */
    unsigned char *buf;
    size_t len;
    uint64_t records;
    int write_failed;
};

struct worker {
    /* Workers sit side by side in one array and each is written by its own
     * thread on every row: this gap keeps a worker's hot fields off the cache
     * lines of its neighbour's tail (false sharing cost a third of a pass). */
    char separation[128];
    const struct config *cfg;
    struct ics_strmap groups;       /* code -> struct group */
    int32_t max_discharge, max_admission;
    uint64_t used, open, outside, in_period, no_trim, no_rate;
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
    struct ics_date_cache dates;
    struct spill spill;             /* kept across worker_reset */
};

static void worker_init(struct worker *w, const struct config *cfg)
{
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->spill.fd = -1;
    ics_strmap_init(&w->groups, sizeof(struct group));
    w->hist_bucket = INT32_MIN;
    ics_strmap_init(&w->hrgs, sizeof(uint32_t));
    w->max_discharge = w->max_admission = INT32_MIN;
    w->fy_first = 1;
    w->fy_last = 0;   /* empty: the first discharge computes its year */
}

static void worker_release(struct worker *w)
{
    for (uint32_t i = 0; i < w->groups.count; i++)
        ics_free(((struct group *)ics_strmap_value(&w->groups, i))->daily);
    for (uint32_t i = 0; i < 2 * w->hist_cap; i++)
        ics_free(w->tails[i].counts);
    ics_strmap_release(&w->groups);
    ics_strmap_release(&w->hrgs);
    ics_free(w->dense);
    ics_free(w->tails);
    w->dense = NULL;
    w->tails = NULL;
    w->hist_cap = 0;
}

/* Throws away what a worker has seen (the CSV scan redoing its part); the
 * spill file is kept and emptied. */
static void worker_reset(void *p)
{
    struct worker *w = p;
    const struct config *cfg = w->cfg;
    struct spill spill = w->spill;
    worker_release(w);
    worker_init(w, cfg);
    w->spill = spill;
    if (w->spill.fd >= 0) {
        w->spill.len = 0;
        w->spill.records = 0;
        if (ftruncate(w->spill.fd, 0) || lseek(w->spill.fd, 0, SEEK_SET) < 0)
            w->spill.write_failed = 1;
    }
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return -1;
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

static int spill_flush(struct spill *sp)
{
    if (sp->len && write_all(sp->fd, sp->buf, sp->len))
        sp->write_failed = 1;
    sp->len = 0;
    return sp->write_failed ? -1 : 0;
}

static int spill_put(struct spill *sp, const struct spill_record *r)
{
    if (sp->len + sizeof *r > SPILL_BUFFER && spill_flush(sp))
        return -1;
    memcpy(sp->buf + sp->len, r, sizeof *r);
    sp->len += sizeof *r;
    sp->records++;
    return 0;
}

static void spill_close(struct spill *sp)
{
    if (sp->fd >= 0)
        close(sp->fd);
    ics_free(sp->buf);
    sp->fd = -1;
    sp->buf = NULL;
}

static int histogram_add(struct histogram *h, int32_t los)
{
    if ((uint32_t)los >= h->len) {
        uint32_t len = h->len ? h->len : 64;
        while (len <= (uint32_t)los)
            len *= 2;
        uint32_t *c = ics_realloc(h->counts, len * sizeof *c);
        if (!c)
            return -1;
        memset(c + h->len, 0, (len - h->len) * sizeof *c);
        h->counts = c;
        h->len = len;
    }
    h->counts[los]++;
    h->n++;
    return 0;
}

/* Adds the one count that first_pass_row left pending. */
static inline void hist_settle(struct worker *w)
{
    if (w->dense_pending) {
        (*w->dense_pending)++;
        w->dense_pending = NULL;
    }
}

/* Makes room for HRG index hi in the histogram arrays (zeroed). */
static int hist_reserve(struct worker *w, uint32_t hi)
{
    if (hi < w->hist_cap)
        return 0;
    hist_settle(w);
    uint32_t cap = w->hist_cap ? w->hist_cap * 2 : 1024;
    while (cap <= hi)
        cap *= 2;
    uint32_t *dense = ics_realloc(w->dense, (size_t)cap * 2 * DENSE_LOS * sizeof *dense);
    if (!dense)
        return -1;
    w->dense = dense;
    struct histogram *tails = ics_realloc(w->tails, (size_t)cap * 2 * sizeof *tails);
    if (!tails)
        return -1;
    w->tails = tails;
    memset(dense + (size_t)w->hist_cap * 2 * DENSE_LOS, 0, (size_t)(cap - w->hist_cap) * 2 * DENSE_LOS * sizeof *dense);
    memset(tails + (size_t)w->hist_cap * 2, 0, (size_t)(cap - w->hist_cap) * 2 * sizeof *tails);
    w->hist_cap = cap;
    return 0;
}

/* A newer period bucket: what was counted for the older one can never be used. */
static void hist_restart(struct worker *w, int32_t bucket)
{
    w->dense_pending = NULL;
    if (w->hist_cap) {
        memset(w->dense, 0, (size_t)w->hist_cap * 2 * DENSE_LOS * sizeof *w->dense);
        for (uint32_t i = 0; i < 2 * w->hist_cap; i++) {
            if (w->tails[i].len)
                memset(w->tails[i].counts, 0, w->tails[i].len * sizeof *w->tails[i].counts);
            w->tails[i].n = 0;
        }
    }
    w->hist_bucket = bucket;
}

static int group_index(struct worker *w, const char *key, size_t len, uint32_t *gi);
static int hrg_index(struct worker *w, const char *hrg, size_t len, uint32_t *index);

static int spill_spell(struct worker *w, const struct spell *sp, uint32_t *hrg_out)
{
    uint32_t gi, hi = 0;
    if (group_index(w, sp->key, sp->key_len, &gi) || (sp->hrg_len && hrg_index(w, sp->hrg, sp->hrg_len, &hi))) {
        w->failed = 1;
        return 1;
    }
    *hrg_out = hi;
    struct spill_record r = {gi, ((sp->hrg_len ? hi + 1 : 0) << 1) | (uint32_t)sp->cls, sp->admitted, sp->discharged};
    if (spill_put(&w->spill, &r))
        return 1;
    return 0;
}

/* Starts loading the cache slot that the row's HRG will be looked up in, so
 * that the likely cache miss overlaps the parsing of the row's dates. */
static inline void prefetch_hrg_slot(const struct lookaside *cache, const struct config *c,
                                     const struct ics_csv_row *row)
{
    int col = c->col[COL_HRG];
    if (col < row->nfields && row->fields[col].len <= 8) {
        uint32_t len = row->fields[col].len;
        __builtin_prefetch(&cache[lookaside_slot(ics_strmap_prefix(row->fields[col].ptr, len), len, TRIM_CACHE)]);
    }
}

/* The first pass: the period and the trim points' histograms; it is the only
 * reading of the CSV (the spill feeds the second), so it rejects bad rows. */
static int first_pass_row(void *p, struct ics_csv_row *row)
{
    struct worker *w = p;
    const struct config *c = w->cfg;
    struct spell sp;
    prefetch_hrg_slot(w->hrg_cache, c, row);
    if (read_spell(c, &w->dates, row, &sp, 1))
        return c->strict;
    w->used++;
    uint32_t hi;
    if (spill_spell(w, &sp, &hi))
        return 1;
    if (sp.admitted > w->max_admission)
        w->max_admission = sp.admitted;
    if (sp.discharged == ICS_DATE_NONE)
        return 0;
    if (sp.discharged > w->max_discharge)
        w->max_discharge = sp.discharged;
    if (!c->need_histograms || sp.hrg_len == 0)
        return 0;
    int32_t bucket;
    if (c->period_known) {
        if (sp.discharged < c->from || sp.discharged > c->to)
            return 0;
        bucket = 0;
    } else {
        if (sp.discharged < w->fy_first || sp.discharged > w->fy_last)
            ics_financial_year(sp.discharged, &w->fy_first, &w->fy_last);
        bucket = w->fy_first;
    }
    if (bucket < w->hist_bucket)
        return 0;
    if (bucket > w->hist_bucket)
        hist_restart(w, bucket);
    if (hist_reserve(w, hi)) {
        w->failed = 1;
        return 1;
    }
    int32_t los = sp.discharged - sp.admitted;
    size_t at = (size_t)hi * 2 + (size_t)sp.cls;
    if (los < DENSE_LOS) {
        /* The counter is likely not in cache (rows come in no order of HRG):
         * ask for it now and add to it during the next row. */
        uint32_t *counter = &w->dense[at * DENSE_LOS + (size_t)los];
        __builtin_prefetch(counter, 1);
        hist_settle(w);
        w->dense_pending = counter;
        return 0;
    }
    if (histogram_add(&w->tails[at], los - DENSE_LOS)) {
        w->failed = 1;
        return 1;
    }
    return 0;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Adds +1 to diff[lo] and -1 to diff[hi + 1] for the nights lo..hi (offsets). */
static void diff_range(int64_t *diff, int64_t lo, int64_t hi)
{
    if (lo > hi)
        return;
    diff[lo] += 1;
    diff[hi + 1] -= 1;
}

static const struct trim *find_trim(struct worker *w, const char *hrg, size_t len)
{
    const struct ics_strmap *map = &w->cfg->trim->map;
    if (len == 0)
        return NULL;
    if (len > 8)
        return ics_strmap_get(map, hrg, len);
    uint64_t word = ics_strmap_prefix(hrg, len);
    struct lookaside *slot = &w->trim_cache[lookaside_slot(word, (uint32_t)len, TRIM_CACHE)];
    if (slot->len != len || slot->word != word) {
        const struct trim *t = ics_strmap_get(map, hrg, len);
        /* the map is read-only during the pass, so an index stays valid */
        uint32_t value = t ? (uint32_t)(((const unsigned char *)t - map->values) / map->value_size) + 1 : 0;
        *slot = (struct lookaside){word, (uint32_t)len, value};
    }
    return slot->value ? ics_strmap_value(map, slot->value - 1) : NULL;
}

/* The index of a code's group, creating it; -1 when out of memory. */
static int group_index(struct worker *w, const char *key, size_t len, uint32_t *gi)
{
    struct lookaside *slot = NULL;
    uint64_t word = 0;
    if (len > 0 && len <= 8) {
        word = ics_strmap_prefix(key, len);
        slot = &w->group_cache[lookaside_slot(word, (uint32_t)len, GROUP_CACHE)];
        if (slot->len == len && slot->word == word) {
            *gi = slot->value;
            return 0;
        }
    }
    if (!ics_strmap_upsert(&w->groups, key, len, gi))
        return -1;
    if (slot)
        *slot = (struct lookaside){word, (uint32_t)len, *gi};
    return 0;
}

/* Adds one valid spell to its group (t: its HRG's trim points, or NULL). */
static int count_spell(struct worker *w, uint32_t gi, const struct trim *t, int cls, int32_t admitted,
                       int32_t discharged)
{
    const struct config *c = w->cfg;
    struct group *g = ics_strmap_value(&w->groups, gi);
    if (c->series && !g->daily) {
        g->daily = ics_calloc((size_t)D_COUNT * (size_t)(c->series_days + 1), sizeof(int64_t));
        if (!g->daily) {
            w->failed = 1;
            return 1;
        }
    }
    struct spell sp = {.admitted = admitted, .discharged = discharged, .cls = cls};

    int touched = 0;
    int64_t from = c->from, to = c->to, adm = sp.admitted;
    /* Spell measures: spells discharged in the period. */
    if (sp.discharged == ICS_DATE_NONE) {
        w->open++;
    } else if (sp.discharged >= c->from && sp.discharged <= c->to) {
        touched = 1;
        w->in_period++;
        int64_t los = sp.discharged - sp.admitted;
        int64_t excess = 0, cost = 0;
        if (t && t->has[sp.cls]) {
            excess = max64(0, los - t->days[sp.cls]);
            if (excess > 0) {
                if (c->has_flat_rate)
                    cost = excess * c->flat_rate;
                else if (t->has_rate)
                    cost = excess * t->rate_pence;
                else
                    w->no_rate++;
            }
        } else {
            w->no_trim++;
        }
        g->m.spells++;
        g->m.bed_days += los;
        g->m.excess_bed_days += excess;
        g->m.excess_cost_pence += cost;
        g->m.long_stay_7_spells += los >= 7;
        g->m.long_stay_21_spells += los >= 21;
        if (g->daily) {
            int64_t *d = g->daily;
            size_t stride = (size_t)c->series_days + 1, at = (size_t)(sp.discharged - c->from);
            d[D_SPELLS * stride + at] += 1;
            d[D_BED_DAYS * stride + at] += los;
            d[D_EXCESS * stride + at] += excess;
            d[D_COST * stride + at] += cost;
            d[D_LS7_SPELLS * stride + at] += los >= 7;
            d[D_LS21_SPELLS * stride + at] += los >= 21;
        }
    }
    /* Occupancy: night d is occupied when admission <= d < discharge. */
    int64_t last_night = sp.discharged == ICS_DATE_NONE ? to : min64(to, (int64_t)sp.discharged - 1);
    int64_t lo = max64(adm, from), lo7 = max64(adm + 7, from), lo21 = max64(adm + 21, from);
    if (last_night >= lo) {
        touched = 1;
        g->m.occupied_bed_days += last_night - lo + 1;
        g->m.long_stay_7_bed_days += max64(0, last_night - lo7 + 1);
        g->m.long_stay_21_bed_days += max64(0, last_night - lo21 + 1);
        if (g->daily) {
            size_t stride = (size_t)c->series_days + 1;
            diff_range(g->daily + D_OCC * stride, lo - from, last_night - from);
            diff_range(g->daily + D_OCC7 * stride, lo7 - from, last_night - from);
            diff_range(g->daily + D_OCC21 * stride, lo21 - from, last_night - from);
        }
    }
    if (!touched)
        w->outside++;
    return 0;
}

/* The one-pass row function: period and trim points are known. */
static int count_row(void *p, struct ics_csv_row *row)
{
    struct worker *w = p;
    const struct config *c = w->cfg;
    struct spell sp;
    prefetch_hrg_slot(w->trim_cache, c, row);
    if (read_spell(c, &w->dates, row, &sp, 1))
        return c->strict;
    w->used++;
    uint32_t gi;
    if (group_index(w, sp.key, sp.key_len, &gi)) {
        w->failed = 1;
        return 1;
    }
    return count_spell(w, gi, find_trim(w, sp.hrg, sp.hrg_len), sp.cls, sp.admitted, sp.discharged);
}

/* The index of an HRG in this worker's spill records, creating it. */
static int hrg_index(struct worker *w, const char *hrg, size_t len, uint32_t *index)
{
    struct lookaside *slot = NULL;
    uint64_t word = 0;
    if (len <= 8) {
        word = ics_strmap_prefix(hrg, len);
        slot = &w->hrg_cache[lookaside_slot(word, (uint32_t)len, TRIM_CACHE)];
        if (slot->len == len && slot->word == word) {
            *index = slot->value;
            return 0;
        }
    }
    if (!ics_strmap_upsert(&w->hrgs, hrg, len, index))
        return -1;
    if (slot)
        *slot = (struct lookaside){word, (uint32_t)len, *index};
    return 0;
}

/* Replays a worker's spill: the second pass without the CSV. */
static void *replay_spill(void *p)
{
    struct worker *w = p;
    const struct ics_strmap *trims = &w->cfg->trim->map;
    /* each of this worker's HRGs looked up once */
    const struct trim **by_hrg = ics_calloc(w->hrgs.count ? w->hrgs.count : 1, sizeof *by_hrg);
    if (!by_hrg || spill_flush(&w->spill) || lseek(w->spill.fd, 0, SEEK_SET) < 0) {
        ics_free(by_hrg);
        w->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < w->hrgs.count; i++)
        by_hrg[i] = ics_strmap_get(trims, w->hrgs.keys[i].s, w->hrgs.keys[i].len);
    uint64_t left = w->spill.records;
    while (left > 0 && !w->failed) {
        size_t want = SPILL_BUFFER / sizeof(struct spill_record);
        if (want > left)
            want = (size_t)left;
        size_t bytes = want * sizeof(struct spill_record), got = 0;
        while (got < bytes) {
            ssize_t n = read(w->spill.fd, w->spill.buf + got, bytes - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (got != bytes) {
            w->spill.write_failed = 1;
            break;
        }
        const struct spill_record *r = (const struct spill_record *)(const void *)w->spill.buf;
        for (size_t i = 0; i < want; i++) {
            uint32_t h = r[i].hrg_cls >> 1;
            const struct trim *t = h ? by_hrg[h - 1] : NULL;
            if (count_spell(w, r[i].group, t, (int)(r[i].hrg_cls & 1), r[i].admitted, r[i].discharged))
                break;
        }
        left -= want;
    }
    ics_free(by_hrg);
    return NULL;
}

/* ---- derived trim points --------------------------------------------------- */

/* The k-th smallest value (0-based) of a histogram. */
static double order_statistic(const struct histogram *h, uint64_t k)
{
    uint64_t seen = 0;
    for (uint32_t v = 0; v < h->len; v++) {
        seen += h->counts[v];
        if (seen > k)
            return v;
    }
    return h->len ? h->len - 1 : 0;
}

/* R type 7 quantile from a histogram (see ics_quantile_type7). */
static double histogram_quantile(const struct histogram *h, double p)
{
    double pos = (double)(h->n - 1) * p;
    uint64_t lo = (uint64_t)floor(pos);
    double frac = pos - (double)lo;
    double a = order_statistic(h, lo);
    double b = lo + 1 < h->n ? order_statistic(h, lo + 1) : a;
    return a + frac * (b - a);
}

static int derive_trimpoints(struct worker *workers, int n, int32_t bucket, struct ics_trimpoints **out,
                             struct ics_error *err)
{
    struct ics_trimpoints *t = trimpoints_new();
    struct ics_strmap merged[2];   /* by class: HRG -> the histogram of every stay */
    ics_strmap_init(&merged[0], sizeof(struct histogram));
    ics_strmap_init(&merged[1], sizeof(struct histogram));
    int rc = ICS_OK;
    if (!t) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory deriving trim points");
        goto out;
    }
    for (int i = 0; i < n && !rc; i++) {
        struct worker *w = &workers[i];
        hist_settle(w);
        if (w->hist_bucket != bucket)
            continue;
        for (uint32_t at = 0; at < 2 * w->hrgs.count && at < 2 * w->hist_cap && !rc; at++) {
            const uint32_t *dense = w->dense + (size_t)at * DENSE_LOS;
            const struct histogram *tail = &w->tails[at];
            uint64_t seen = tail->n;
            for (int v = 0; v < DENSE_LOS; v++)
                seen += dense[v];
            if (seen == 0)
                continue;
            const struct ics_strmap_key *hrg = &w->hrgs.keys[at / 2];
            struct histogram *dst = ics_strmap_upsert(&merged[at % 2], hrg->s, hrg->len, NULL);
            uint32_t len = DENSE_LOS + tail->len;
            if (dst && dst->len < len) {
                uint32_t *c = ics_realloc(dst->counts, len * sizeof *c);
                if (c) {
                    memset(c + dst->len, 0, (len - dst->len) * sizeof *c);
                    dst->counts = c;
                    dst->len = len;
                }
            }
            if (!dst || dst->len < len) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory deriving trim points");
                break;
            }
            for (int v = 0; v < DENSE_LOS; v++)
                dst->counts[v] += dense[v];
            for (uint32_t v = 0; v < tail->len; v++)
                dst->counts[DENSE_LOS + v] += tail->counts[v];
            dst->n += seen;
        }
    }
    for (int cls = 0; cls < 2 && !rc; cls++) {
        for (uint32_t e = 0; e < merged[cls].count && !rc; e++) {
            const struct ics_strmap_key *k = &merged[cls].keys[e];
            const struct histogram *h = ics_strmap_value(&merged[cls], e);
            struct trim *v = ics_strmap_upsert(&t->map, k->s, k->len, NULL);
            if (!v) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory deriving trim points");
                break;
            }
            if (h->n < MIN_SPELLS_FOR_TRIMPOINT)
                continue;
            double q1 = histogram_quantile(h, 0.25), q3 = histogram_quantile(h, 0.75);
            v->days[cls] = (int32_t)ceil(q3 + 1.5 * (q3 - q1));
            v->has[cls] = 1;
        }
    }
out:
    for (int cls = 0; cls < 2; cls++) {
        for (uint32_t e = 0; e < merged[cls].count; e++)
            ics_free(((struct histogram *)ics_strmap_value(&merged[cls], e))->counts);
        ics_strmap_release(&merged[cls]);
    }
    if (rc) {
        ics_trimpoints_free(t);
        return rc;
    }
    *out = t;
    return ICS_OK;
}

/* ---- the run --------------------------------------------------------------- */

static void add_measures(struct ics_beds_measures *a, const struct ics_beds_measures *b)
{
    a->spells += b->spells;
    a->bed_days += b->bed_days;
    a->excess_bed_days += b->excess_bed_days;
    a->excess_cost_pence += b->excess_cost_pence;
    a->long_stay_7_spells += b->long_stay_7_spells;
    a->long_stay_21_spells += b->long_stay_21_spells;
    a->occupied_bed_days += b->occupied_bed_days;
    a->long_stay_7_bed_days += b->long_stay_7_bed_days;
    a->long_stay_21_bed_days += b->long_stay_21_bed_days;
}

/* Sums of the output level, keyed by output code. */
struct out_group {
    struct ics_beds_measures m;
    int64_t *daily;
    const char *name;
};

static int add_group(struct ics_strmap *out, const char *code, size_t len, const char *name,
                     const struct group *g, size_t daily_len)
{
    struct out_group *o = ics_strmap_upsert(out, code, len, NULL);
    if (!o)
        return -1;
    add_measures(&o->m, &g->m);
    if (!o->name)
        o->name = name;
    if (g->daily) {
        if (!o->daily) {
            o->daily = ics_calloc(daily_len, sizeof(int64_t));
            if (!o->daily)
                return -1;
        }
        for (size_t i = 0; i < daily_len; i++)
            o->daily[i] += g->daily[i];
    }
    return 0;
}

static const char *UNKNOWN_CODE = "unknown";

/* Maps a worker's code to the output level's code and name. */
static const char *output_code(const struct ics_beds_options *opt, const char *code, size_t len, size_t *out_len,
                               const char **name, int *unmapped)
{
    *unmapped = 0;
    *name = "";
    if (len == 0) {
        *out_len = strlen(UNKNOWN_CODE);
        *name = opt->level == ICS_BEDS_PROVIDER ? "Unknown provider" : "Unknown residence";
        if (opt->level != ICS_BEDS_PROVIDER && opt->level != ICS_BEDS_RESIDENCE)
            *unmapped = 1;
        return UNKNOWN_CODE;
    }
    if (opt->level == ICS_BEDS_PROVIDER) {
        const char *n = ics_provider_name(code, len);
        *name = n ? n : "";
        *out_len = len;
        return code;
    }
    const struct ics_geography_area *a = opt->geography ? ics_geography_la(opt->geography, code, len) : NULL;
    if (opt->level == ICS_BEDS_RESIDENCE) {
        /* An older code rolls into its successor's row (e.g. 2019
         * Buckinghamshire districts into Buckinghamshire). */
        if (!a) {
            *out_len = len;
            return code;
        }
        *name = a->la_name ? a->la_name : "";
        *out_len = strlen(a->la_code);
        return a->la_code;
    }
    const char *nation_code, *nation_name;
    if (!a && opt->level == ICS_BEDS_NATION && ics_gss_nation(code, len, &nation_code, &nation_name) == 0) {
        *name = nation_name;
        *out_len = strlen(nation_code);
        return nation_code;
    }
    if (!a) {
        *unmapped = 1;
        *out_len = strlen(UNKNOWN_CODE);
        *name = "Unknown or unmapped residence";
        return UNKNOWN_CODE;
    }
    const char *c;
    if (opt->level == ICS_BEDS_ICB) {
        c = a->icb_code;
        *name = a->icb_name ? a->icb_name : "";
    } else if (opt->level == ICS_BEDS_REGION) {
        c = a->region_code;
        *name = a->region_name ? a->region_name : "";
    } else {
        c = a->nation_code;
        *name = a->nation_name ? a->nation_name : "";
    }
    *out_len = strlen(c);
    return c;
}

static int32_t series_start(int series, int32_t day)
{
    if (series == ICS_SERIES_WEEK)
        return ics_week_start(day);
    if (series == ICS_SERIES_MONTH)
        return ics_month_start(day);
    return day;
}

/* Builds the output rows from the merged groups. */
static int build_rows(struct ics_beds_result *res, const struct ics_beds_options *opt, const struct config *cfg,
                      struct worker *workers, int n, struct ics_error *err)
{
    struct ics_strmap out;
    ics_strmap_init(&out, sizeof(struct out_group));
    size_t stride = (size_t)cfg->series_days + 1;
    size_t daily_len = cfg->series ? (size_t)D_COUNT * stride : 0;
    int rc = ICS_OK;
    for (int i = 0; i < n && !rc; i++) {
        for (uint32_t e = 0; e < workers[i].groups.count; e++) {
            const struct ics_strmap_key *k = &workers[i].groups.keys[e];
            const struct group *g = ics_strmap_value(&workers[i].groups, e);
            size_t olen;
            const char *name;
            int unmapped;
            const char *code = output_code(opt, k->s, k->len, &olen, &name, &unmapped);
            if (unmapped)
                res->unmapped_residence += (uint64_t)(g->m.spells);
            if (add_group(&out, code, olen, name, g, daily_len)) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
                break;
            }
        }
    }
    uint32_t *idx = rc ? NULL : sorted_entries(&out);
    if (!rc && !idx)
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
    if (rc)
        goto done;

    memset(&res->total, 0, sizeof res->total);
    res->total.code = "total";
    res->total.name = "Total";
    for (uint32_t i = 0; i < out.count; i++)
        add_measures(&res->total.m, &((struct out_group *)ics_strmap_value(&out, i))->m);

    if (!cfg->series) {
        res->rows = ics_arena_alloc(&res->arena, (out.count ? out.count : 1) * sizeof *res->rows);
        if (!res->rows) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
            goto done;
        }
        for (uint32_t i = 0; i < out.count; i++) {
            const struct ics_strmap_key *k = &out.keys[idx[i]];
            const struct out_group *o = ics_strmap_value(&out, idx[i]);
            struct ics_beds_row *r = &res->rows[i];
            r->code = ics_arena_strndup(&res->arena, k->s, k->len);
            r->name = ics_arena_strndup(&res->arena, o->name ? o->name : "", o->name ? strlen(o->name) : 0);
            if (!r->code || !r->name) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
                goto done;
            }
            r->period_start = res->from;
            r->period_days = res->days;
            r->m = o->m;
        }
        res->count = out.count;
        goto done;
    }

    /* Series: one row per code and period, and a total row per period. */
    size_t periods = 0;
    for (int32_t d = res->from; d <= res->to;) {
        int32_t start = series_start(cfg->series, d), next;
        if (cfg->series == ICS_SERIES_WEEK)
            next = start + 7;
        else if (cfg->series == ICS_SERIES_MONTH) {
            int y, m, dd;
            ics_date_to_ymd(start, &y, &m, &dd);
            next = m == 12 ? ics_date_from_ymd(y + 1, 1, 1) : ics_date_from_ymd(y, m + 1, 1);
        } else
            next = start + 1;
        periods++;
        d = next;
    }
    size_t total_rows = (size_t)(out.count + 1) * periods;
    res->rows = ics_arena_alloc(&res->arena, total_rows * sizeof *res->rows);
    int64_t *running = ics_calloc(3, sizeof(int64_t));
    if (!res->rows || !running) {
        ics_free(running);
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
        goto done;
    }
    size_t row_i = 0;
    for (uint32_t gi = 0; gi <= out.count; gi++) {
        /* gi == out.count: the total over all codes */
        const struct out_group *o = gi < out.count ? ics_strmap_value(&out, idx[gi]) : NULL;
        const char *code = "total", *name = "Total";
        if (o) {
            const struct ics_strmap_key *k = &out.keys[idx[gi]];
            code = ics_arena_strndup(&res->arena, k->s, k->len);
            name = ics_arena_strndup(&res->arena, o->name ? o->name : "", o->name ? strlen(o->name) : 0);
            if (!code || !name) {
                ics_free(running);
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory building the result");
                goto done;
            }
        }
        memset(running, 0, 3 * sizeof(int64_t));
        int32_t d = res->from;
        while (d <= res->to) {
            struct ics_beds_row *r = &res->rows[row_i++];
            memset(r, 0, sizeof *r);
            r->code = code;
            r->name = name;
            r->period_start = series_start(cfg->series, d);
            int32_t first = d;
            for (; d <= res->to && series_start(cfg->series, d) == r->period_start; d++) {
                size_t at = (size_t)(d - res->from);
                for (uint32_t src = (o ? gi : 0); src < (o ? gi + 1 : out.count); src++) {
                    const struct out_group *s = ics_strmap_value(&out, idx[src]);
                    if (!s->daily)
                        continue;
                    const int64_t *dd = s->daily;
                    r->m.spells += dd[D_SPELLS * stride + at];
                    r->m.bed_days += dd[D_BED_DAYS * stride + at];
                    r->m.excess_bed_days += dd[D_EXCESS * stride + at];
                    r->m.excess_cost_pence += dd[D_COST * stride + at];
                    r->m.long_stay_7_spells += dd[D_LS7_SPELLS * stride + at];
                    r->m.long_stay_21_spells += dd[D_LS21_SPELLS * stride + at];
                    if (!o) {
                        /* totals: occupancy accumulated per source below */
                    }
                }
                if (o) {
                    const int64_t *dd = o->daily;
                    if (dd) {
                        running[0] += dd[D_OCC * stride + at];
                        running[1] += dd[D_OCC7 * stride + at];
                        running[2] += dd[D_OCC21 * stride + at];
                    }
                    r->m.occupied_bed_days += running[0];
                    r->m.long_stay_7_bed_days += running[1];
                    r->m.long_stay_21_bed_days += running[2];
                }
            }
            r->period_days = d - first;
        }
    }
    ics_free(running);
    /* Total rows' occupancy: the sum of the codes' rows of the same period. */
    for (size_t p = 0; p < periods; p++) {
        struct ics_beds_row *t = &res->rows[(size_t)out.count * periods + p];
        for (uint32_t gi = 0; gi < out.count; gi++) {
            const struct ics_beds_row *r = &res->rows[(size_t)gi * periods + p];
            t->m.occupied_bed_days += r->m.occupied_bed_days;
            t->m.long_stay_7_bed_days += r->m.long_stay_7_bed_days;
            t->m.long_stay_21_bed_days += r->m.long_stay_21_bed_days;
        }
    }
    res->count = total_rows - periods;   /* the total rows follow the code rows */
    res->periods = periods;
done:
    ics_free(idx);
    for (uint32_t e = 0; e < out.count; e++)
        ics_free(((struct out_group *)ics_strmap_value(&out, e))->daily);
    ics_strmap_release(&out);
    return rc;
}

static const char *temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

/* An unlinked temporary file, gone when closed. */
static int open_temp(int *fd_out, struct ics_error *err)
{
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/ics-spill-XXXXXX", temp_dir());
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return ics_error_set(err, ICS_ERR_IO, "cannot create a temporary file in %s: %s", temp_dir(),
                             strerror(errno));
    unlink(tmpl);
    *fd_out = fd;
    return ICS_OK;
}

/* A worker that ran out of memory stopped the scan: that, not the stop, is the error. */
static int worker_failure(const struct worker *workers, int n, int rc, const char *path, struct ics_error *err)
{
    for (int i = 0; i < n; i++)
        if (workers[i].failed)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", path);
    return rc;
}

int ics_beds_run(const char *path, const struct ics_beds_options *opt, struct ics_beds_result **out,
                 struct ics_error *err)
{
    *out = NULL;
    if (opt->level < ICS_BEDS_PROVIDER || opt->level > ICS_BEDS_NATION)
        return ics_error_set(err, ICS_ERR_USAGE, "unknown level");
    if ((opt->from == ICS_DATE_NONE) != (opt->to == ICS_DATE_NONE))
        return ics_error_set(err, ICS_ERR_USAGE, "--from and --to go together");
    if (opt->from != ICS_DATE_NONE && opt->from > opt->to)
        return ics_error_set(err, ICS_ERR_USAGE, "--from is after --to");
    if (opt->level >= ICS_BEDS_ICB && !opt->geography)
        return ics_error_set(err, ICS_ERR_USAGE, "the %s level needs a geography lookup",
                             ics_beds_level_name(opt->level));

    struct ics_beds_result *res = ics_calloc(1, sizeof *res);
    if (!res)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    ics_arena_init(&res->arena, 64 * 1024);
    res->level = opt->level;
    res->series = opt->series;

    struct config cfg = {0};
    cfg.strict = opt->strict;
    cfg.by_residence = opt->level != ICS_BEDS_PROVIDER;
    cfg.period_known = opt->from != ICS_DATE_NONE;
    cfg.from = opt->from;
    cfg.to = opt->to;
    cfg.need_histograms = opt->trimpoints == NULL;
    cfg.has_flat_rate = opt->has_flat_rate;
    cfg.flat_rate = opt->flat_rate_pence;

    int threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    struct worker *workers = ics_calloc((size_t)threads, sizeof *workers);
    void **contexts = ics_calloc((size_t)threads, sizeof *contexts);
    struct ics_csv_scan *scan = NULL;
    int rc = ICS_OK;
    if (!workers || !contexts) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < threads; i++) {
        worker_init(&workers[i], &cfg);
        contexts[i] = &workers[i];
    }

    int two_passes = !cfg.period_known || cfg.need_histograms;
    if (two_passes) {
        for (int i = 0; i < threads; i++) {
            workers[i].spill.buf = ics_malloc(SPILL_BUFFER);
            if (!workers[i].spill.buf) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                goto fail;
            }
            rc = open_temp(&workers[i].spill.fd, err);
            if (rc)
                goto fail;
        }
    }
    rc = ics_csv_scan_open(path, strcmp(path, "-") == 0 ? "standard input" : path, &scan, err);
    if (rc)
        goto fail;
    const struct ics_csv_header *h = ics_csv_scan_header(scan);
    for (int k = 0; k < NCOLS; k++) {
        cfg.col[k] = ics_csv_header_find(h, column_aliases[k]);
        int required = k != COL_LA || cfg.by_residence;
        if (cfg.col[k] < 0 && required) {
            rc = ics_error_at(err, ICS_ERR_MISSING_COLUMN, strcmp(path, "-") == 0 ? "standard input" : path, 1, 0,
                              "missing column '%s' (also accepted: %s%s%s)", column_aliases[k][0],
                              column_aliases[k][1], column_aliases[k][2] ? ", " : "",
                              column_aliases[k][2] ? column_aliases[k][2] : "");
            goto fail;
        }
        if (cfg.col[k] < 0)
            cfg.col[k] = cfg.col[COL_PROVIDER];   /* unused: the residence is not read at provider level */
        if (cfg.col[k] + 1 > cfg.want)
            cfg.want = cfg.col[k] + 1;
    }

    struct ics_csv_scan_result sr;
    struct ics_csv_scan_options so = {
        .threads = threads, .want_fields = cfg.want, .reset = worker_reset, .workers = contexts,
        .progress = opt->progress, .progress_ctx = opt->progress_ctx,
    };
    res->passes = 1;
    if (two_passes) {
        cfg.pass = 1;
        so.row = first_pass_row;
        so.rejects = opt->rejects;
        rc = ics_csv_scan_run(scan, &so, &sr, err);
        rc = worker_failure(workers, threads, rc, path, err);
        if (rc)
            goto fail;
        int32_t max_disc = INT32_MIN, max_adm = INT32_MIN;
        for (int i = 0; i < threads; i++) {
            if (workers[i].max_discharge > max_disc)
                max_disc = workers[i].max_discharge;
            if (workers[i].max_admission > max_adm)
                max_adm = workers[i].max_admission;
        }
        int32_t bucket = 0;
        if (!cfg.period_known) {
            /* The financial year of the latest discharge; with only open
             * spells, of the latest admission. */
            int32_t anchor = max_disc != INT32_MIN ? max_disc : max_adm;
            if (anchor == INT32_MIN)
                anchor = 0;   /* no valid row at all: every row is rejected below */
            ics_financial_year(anchor, &cfg.from, &cfg.to);
            bucket = cfg.from;
            res->period_from_data = 1;
        }
        if (cfg.need_histograms) {
            rc = derive_trimpoints(workers, threads, bucket, &res->owned_trimpoints, err);
            if (rc)
                goto fail;
            res->trimpoints_derived = 1;
        }
        res->passes = 2;
    }
    if (!opt->trimpoints && !res->owned_trimpoints) {
        res->owned_trimpoints = trimpoints_new();   /* one pass: given period, rates only */
        if (!res->owned_trimpoints) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            goto fail;
        }
    }
    if (opt->rates_path) {
        rc = ics_trimpoints_load_rates(opt->trimpoints ? opt->trimpoints : res->owned_trimpoints, opt->rates_path, err);
        if (rc)
            goto fail;
    }
    cfg.trim = opt->trimpoints ? opt->trimpoints : res->owned_trimpoints;
    res->trimpoints = cfg.trim;
    res->from = cfg.from;
    res->to = cfg.to;
    res->days = cfg.to - cfg.from + 1;
    cfg.series = opt->series;
    cfg.series_days = res->days;
    cfg.pass = 2;
    if (two_passes) {
        /* the second pass replays the spill, one thread per worker */
        pthread_t tids[64];
        int started[64] = {0};
        for (int i = 1; i < threads; i++)
            started[i] = pthread_create(&tids[i], NULL, replay_spill, &workers[i]) == 0;
        replay_spill(&workers[0]);
        for (int i = 1; i < threads; i++) {
            if (started[i])
                pthread_join(tids[i], NULL);
            else
                replay_spill(&workers[i]);
        }
        for (int i = 0; i < threads && !rc; i++)
            if (workers[i].spill.write_failed)
                rc = ics_error_set(err, ICS_ERR_IO, "cannot write or read the temporary spill file in %s",
                                   temp_dir());
        if (!rc)
            rc = worker_failure(workers, threads, rc, path, err);
        if (rc)
            goto fail;
    } else {
        so.row = count_row;
        so.rejects = opt->rejects;
        rc = ics_csv_scan_run(scan, &so, &sr, err);
        rc = worker_failure(workers, threads, rc, path, err);
        if (rc)
            goto fail;
    }
    /* sr is the scan of the CSV: the only one, or the first pass before the replay */
    res->read = sr.rows;
    res->rejected = sr.rejected;
    res->threads = sr.threads_used;
    if (sr.rows == 0) {
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s has a header but no data rows",
                           strcmp(path, "-") == 0 ? "standard input" : path);
        goto fail;
    }
    for (int i = 0; i < threads; i++) {
        res->used += workers[i].used;
        res->open_spells += workers[i].open;
        res->outside_period += workers[i].outside;
        res->discharged_in_period += workers[i].in_period;
        res->no_trimpoint += workers[i].no_trim;
        res->excess_without_rate += workers[i].no_rate;
    }
    if (res->used + res->rejected != res->read) {
        rc = ics_error_set(err, ICS_ERR_INTERNAL, "rows do not add up: read %llu, used %llu, rejected %llu",
                           (unsigned long long)res->read, (unsigned long long)res->used,
                           (unsigned long long)res->rejected);
        goto fail;
    }
    rc = build_rows(res, opt, &cfg, workers, threads, err);
    if (rc)
        goto fail;
    for (int i = 0; i < threads; i++) {
        worker_release(&workers[i]);
        spill_close(&workers[i].spill);
    }
    ics_free(workers);
    ics_free(contexts);
    ics_csv_scan_close(scan);
    *out = res;
    return ICS_OK;

fail:
    if (workers)
        for (int i = 0; i < threads; i++) {
            worker_release(&workers[i]);
            spill_close(&workers[i].spill);
        }
    ics_free(workers);
    ics_free(contexts);
    ics_csv_scan_close(scan);
    ics_beds_result_free(res);
    return rc;
}

void ics_beds_result_free(struct ics_beds_result *r)
{
    if (!r)
        return;
    ics_trimpoints_free(r->owned_trimpoints);
    ics_arena_release(&r->arena);
    ics_free(r);
}

/* ---- output ---------------------------------------------------------------- */

#define RATIO_DECIMALS 6

static void write_measures_csv(FILE *f, const struct ics_beds_measures *m, int32_t days)
{
    char cost[32], a[64], b[64], c[64];
    ics_pence_format(m->excess_cost_pence, cost);
    int32_t d = days > 0 ? days : 1;
    ics_ratio_format(m->occupied_bed_days, d, RATIO_DECIMALS, a, sizeof a);
    ics_ratio_format(m->long_stay_21_bed_days, d, RATIO_DECIMALS, b, sizeof b);
    ics_ratio_format(m->excess_bed_days, d, RATIO_DECIMALS, c, sizeof c);
    fprintf(f, "%lld,%lld,%lld,%s,%lld,%lld,%lld,%lld,%lld,%s,%s,%s", (long long)m->spells,
            (long long)m->bed_days, (long long)m->excess_bed_days, cost, (long long)m->long_stay_7_spells,
            (long long)m->long_stay_21_spells, (long long)m->occupied_bed_days, (long long)m->long_stay_7_bed_days,
            (long long)m->long_stay_21_bed_days, a, b, c);
}

static const char MEASURE_COLUMNS[] =
    "spells,bed_days,excess_bed_days,excess_cost,long_stay_7_spells,long_stay_21_spells,"
    "occupied_bed_days,long_stay_7_bed_days,long_stay_21_bed_days,avg_occupied_beds,"
    "avg_long_stay_21_beds,excess_beds";

static void write_row_csv(FILE *f, const struct ics_beds_result *r, const char *level, const struct ics_beds_row *row)
{
    char from[11], to[11];
    fputs(level, f);
    fputc(',', f);
    ics_csv_write_field(f, row->code, strlen(row->code));
    if (r->series) {
        int32_t end = row->period_start;
        /* the last day of the period inside [from, to] */
        int32_t first = row->period_start < r->from ? r->from : row->period_start;
        end = first + row->period_days - 1;
        ics_date_format(row->period_start, from);
        ics_date_format(end, to);
        fprintf(f, ",%s,%s,%d,", from, to, row->period_days);
        ics_csv_write_field(f, row->name, strlen(row->name));
        fputc(',', f);
        write_measures_csv(f, &row->m, row->period_days);
        fputc('\n', f);
        return;
    }
    fputc(',', f);
    ics_csv_write_field(f, row->name, strlen(row->name));
    fputc(',', f);
    write_measures_csv(f, &row->m, r->days);
    ics_date_format(r->from, from);
    ics_date_format(r->to, to);
    fprintf(f, ",%s,%s,%d\n", from, to, r->days);
}

int ics_beds_write_csv(const struct ics_beds_result *r, FILE *f, struct ics_error *err)
{
    const char *level = ics_beds_level_name(r->level);
    if (r->series)
        fprintf(f, "level,code,period_start,period_end,days,name,%s\n", MEASURE_COLUMNS);
    else
        fprintf(f, "level,code,name,%s,period_from,period_to,days\n", MEASURE_COLUMNS);
    for (size_t i = 0; i < r->count; i++)
        write_row_csv(f, r, level, &r->rows[i]);
    if (r->series) {
        for (size_t p = 0; p < r->periods; p++)
            write_row_csv(f, r, "total", &r->rows[r->count + p]);
    } else {
        write_row_csv(f, r, "total", &r->total);
    }
    if (ferror(f))
        return ics_error_set(err, ICS_ERR_IO, "error writing the result");
    return ICS_OK;
}

static void json_number_text(struct ics_json *j, const char *key, const char *text)
{
    ics_json_key(j, key);
    ics_json_raw_number(j, text);
}

static void write_row_json(struct ics_json *j, const struct ics_beds_result *r, const char *level,
                           const struct ics_beds_row *row)
{
    char buf[64];
    int32_t days = r->series ? row->period_days : r->days;
    ics_json_object_begin(j);
    ics_json_kv_string(j, "level", level);
    ics_json_kv_string(j, "code", row->code);
    if (r->series) {
        int32_t first = row->period_start < r->from ? r->from : row->period_start;
        ics_date_format(row->period_start, buf);
        ics_json_kv_string(j, "period_start", buf);
        ics_date_format(first + row->period_days - 1, buf);
        ics_json_kv_string(j, "period_end", buf);
        ics_json_kv_int(j, "days", row->period_days);
    }
    ics_json_kv_string(j, "name", row->name);
    const struct ics_beds_measures *m = &row->m;
    ics_json_kv_int(j, "spells", m->spells);
    ics_json_kv_int(j, "bed_days", m->bed_days);
    ics_json_kv_int(j, "excess_bed_days", m->excess_bed_days);
    ics_pence_format(m->excess_cost_pence, buf);
    json_number_text(j, "excess_cost", buf);
    ics_json_kv_int(j, "long_stay_7_spells", m->long_stay_7_spells);
    ics_json_kv_int(j, "long_stay_21_spells", m->long_stay_21_spells);
    ics_json_kv_int(j, "occupied_bed_days", m->occupied_bed_days);
    ics_json_kv_int(j, "long_stay_7_bed_days", m->long_stay_7_bed_days);
    ics_json_kv_int(j, "long_stay_21_bed_days", m->long_stay_21_bed_days);
    int32_t d = days > 0 ? days : 1;
    ics_ratio_format(m->occupied_bed_days, d, RATIO_DECIMALS, buf, sizeof buf);
    json_number_text(j, "avg_occupied_beds", buf);
    ics_ratio_format(m->long_stay_21_bed_days, d, RATIO_DECIMALS, buf, sizeof buf);
    json_number_text(j, "avg_long_stay_21_beds", buf);
    ics_ratio_format(m->excess_bed_days, d, RATIO_DECIMALS, buf, sizeof buf);
    json_number_text(j, "excess_beds", buf);
    if (!r->series) {
        ics_date_format(r->from, buf);
        ics_json_kv_string(j, "period_from", buf);
        ics_date_format(r->to, buf);
        ics_json_kv_string(j, "period_to", buf);
        ics_json_kv_int(j, "days", r->days);
    }
    ics_json_object_end(j);
}

int ics_beds_write_json(const struct ics_beds_result *r, FILE *f, struct ics_error *err)
{
    struct ics_json j;
    char buf[16];
    const char *level = ics_beds_level_name(r->level);
    ics_json_init(&j, f, 1);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "level", level);
    ics_date_format(r->from, buf);
    ics_json_kv_string(&j, "period_from", buf);
    ics_date_format(r->to, buf);
    ics_json_kv_string(&j, "period_to", buf);
    ics_json_kv_int(&j, "days", r->days);
    ics_json_kv_int(&j, "read", (int64_t)r->read);
    ics_json_kv_int(&j, "used", (int64_t)r->used);
    ics_json_kv_int(&j, "rejected", (int64_t)r->rejected);
    ics_json_kv_int(&j, "not_priced", (int64_t)r->no_trimpoint);
    ics_json_kv_bool(&j, "trimpoints_derived", r->trimpoints_derived);
    ics_json_key(&j, "rows");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < r->count; i++)
        write_row_json(&j, r, level, &r->rows[i]);
    if (!r->series) {
        write_row_json(&j, r, "total", &r->total);
    } else {
        for (size_t p = 0; p < r->periods; p++)
            write_row_json(&j, r, "total", &r->rows[r->count + p]);
    }
    ics_json_array_end(&j);
    ics_json_key(&j, "total");
    write_row_json(&j, r, "total", &r->total);
    ics_json_object_end(&j);
    if (ics_json_finish(&j) || ferror(f))
        return ics_error_set(err, ICS_ERR_IO, "error writing the result");
    return ICS_OK;
}
