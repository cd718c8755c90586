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
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "beds_internal.h"

/* ---- one spell ------------------------------------------------------------- */

const char *const *const icsi_beds_column_aliases[NCOLS] = {
    (const char *const[]){"provider_code", "PROCODE3", "PROCODE", "provider", NULL},
    (const char *const[]){"patient_la", "RESLADST_ONS", "RESLADST", "la_code", NULL},
    (const char *const[]){"admission_date", "ADMIDATE", NULL},
    (const char *const[]){"discharge_date", "DISDATE", NULL},
    (const char *const[]){"admission_method", "ADMIMETH", NULL},
    (const char *const[]){"hrg", "SUSHRG", "HRG40", "hrg_code", NULL},
};

const char *const *const icsi_beds_optional_aliases[NOPT] = {
    (const char *const[]){"patient_class", "CLASSPAT", NULL},
    (const char *const[]){"patient_id", "TOKEN_PERSON_ID", "PSEUDO_HESID", "HESID", NULL},
    (const char *const[]){"provider_spell_number", "PROVSPNOPS", NULL},
    (const char *const[]){"sus_spell_id", "SUSSPELLID", NULL},
    (const char *const[]){"episode_order", "EPIORDER", "episode_number", NULL},
    (const char *const[]){"episode_start", "EPISTART", NULL},
    (const char *const[]){"episode_end", "EPIEND", NULL},
    (const char *const[]){"episode_id", "EPIKEY", NULL},
    (const char *const[]){"speldur", "SPELDUR", "length_of_stay", NULL},
    (const char *const[]){"admission_source", "ADMISORC", NULL},
    (const char *const[]){"discharge_destination", "DISDEST", NULL},
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

static inline void field(const struct ics_csv_row *row, int col, const char **out, size_t *out_len)
{
    const char *s = row->fields[col].ptr;
    size_t n = row->fields[col].len;
    if (n > 0 && ((unsigned char)s[0] <= ' ' || (unsigned char)s[n - 1] <= ' '))
        ics_text_trim(&s, &n);
    *out = s;
    *out_len = n;
}

/* Longest input text quoted in a reason (ics_text_printable cuts it with "..."). */
#define QUOTE_MAX 128

/* Rejects a row, quoting the bad value (control bytes and invalid UTF-8
 * escaped): "<what> '<value>'<after>". Off the per-row path. */
static __attribute__((noinline, cold)) void reject_value(struct ics_csv_row *row, int col, const char *what,
                                                          const char *s, size_t n, const char *after)
{
    char q[QUOTE_MAX];
    ics_csv_reject(row, col + 1, "%s '%s'%s", what, ics_text_printable(s, n, q, sizeof q), after);
}

/* A field that holds a NUL byte would be cut short as a code (R\0A would
 * count as R): the row is rejected, naming the column. Returns -1 when a
 * field the run reads holds one. */
static __attribute__((noinline, cold)) int reject_nul(const struct config *c, struct ics_csv_row *row, int reject)
{
    for (int k = 0; k < NCOLS; k++) {
        if (k == COL_LA && !c->by_residence)
            continue;
        const struct ics_csv_field *f = &row->fields[c->col[k]];
        if (!memchr(f->ptr, '\0', f->len))
            continue;
        if (reject) {
            char q[QUOTE_MAX];
            const char *name = c->col_name[k] ? c->col_name[k] : icsi_beds_column_aliases[k][0];
            ics_csv_reject(row, c->col[k] + 1, "column '%s' holds a NUL byte",
                           ics_text_printable(name, strlen(name), q, sizeof q));
        }
        return -1;
    }
    return 0;
}

/* HES's "not known" dates, which ics_date_parse does not read (no year
 * before 1900 is a real admission): 1800-01-01 is null, 1801-01-01 invalid
 * (ISO or UK form). Returns HES_NULL_DATE, HES_INVALID_DATE or 0. */
int32_t icsi_beds_hes_unknown_date(const char *s, size_t n)
{
    if (n >= 10 && (n == 10 || s[10] == 'T' || s[10] == ' ')) {
        if (memcmp(s, "1800-01-01", 10) == 0)
            return HES_NULL_DATE;
        if (memcmp(s, "1801-01-01", 10) == 0)
            return HES_INVALID_DATE;
    }
    if (n == 10 && memcmp(s, "01/01/180", 9) == 0 && (s[9] == '0' || s[9] == '1'))
        return s[9] == '0' ? HES_NULL_DATE : HES_INVALID_DATE;
    return 0;
}

/* A date field: 0 with *out set (ICS_DATE_NONE when empty or HES's null),
 * -1 when impossible, -2 when HES's invalid date. */
static inline int read_date(struct ics_date_cache *dates, const char *s, size_t n, int32_t *out)
{
    if (n == 0) {
        *out = ICS_DATE_NONE;
        return 0;
    }
    if (__builtin_expect(ics_date_parse_cached(dates, s, n, out) == 0, 1))
        return 0;
    int32_t hes = icsi_beds_hes_unknown_date(s, n);
    *out = ICS_DATE_NONE;
    return hes == HES_NULL_DATE ? 0 : hes == HES_INVALID_DATE ? -2 : -1;
}

/* A two-digit code (ADMISORC, DISDEST) as a number; CODE_NONE when absent. */
static uint8_t small_code(const struct ics_csv_row *row, int col)
{
    if (col < 0 || col >= row->nfields)
        return CODE_NONE;
    const char *s = row->fields[col].ptr;
    size_t n = row->fields[col].len;
    ics_text_trim(&s, &n);
    int64_t v;
    return n && n <= 2 && ics_parse_int64(s, n, 0, 99, &v, NULL) == 0 ? (uint8_t)v : CODE_NONE;
}

/* CLASSPAT (patient_class): regular day and night attenders (3, 4) and day
 * cases (2) are told apart; anything else, empty included, is an ordinary stay. */
static int patient_class(const char *s, size_t n)
{
    if (n != 1)
        return CLASS_OTHER;
    return s[0] == '2' ? CLASS_DAY_CASE : s[0] == '3' || s[0] == '4' ? CLASS_REGULAR : CLASS_OTHER;
}

/* Validates a row into a spell, or rejects it (counted against its provider
 * by reason) and returns -1. HES's 1800-01-01 is "not known" (an admission
 * date missing, a discharge date not yet there); 1801-01-01 is "invalid". */
int icsi_beds_read_spell(struct worker *w, struct ics_csv_row *row, struct spell *sp)
{
    const struct config *c = w->cfg;
    struct ics_date_cache *dates = &w->dates;
    if (row->nfields < c->want) {
        ics_csv_reject(row, row->nfields + 1, "row has %d fields, expected at least %d", row->nfields, c->want);
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_FIELDS);
        return -1;
    }
    if (__builtin_expect(row->has_nul, 0) && reject_nul(c, row, 1)) {
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_NUL);
        return -1;
    }
    const char *s;
    size_t n;
    int col = c->col[COL_PROVIDER];
    field(row, col, &s, &n);
    if (n == 0) {
        ics_csv_reject(row, col + 1, "missing provider code");
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_PROVIDER);
        return -1;
    }
    sp->key = sp->provider = s;
    sp->key_len = sp->provider_len = n;
    if (c->by_residence) {
        field(row, c->col[COL_LA], &sp->key, &sp->key_len);
    }
    col = c->col[COL_ADMISSION];
    field(row, col, &s, &n);
    int bad = read_date(dates, s, n, &sp->admitted);
    if (bad || sp->admitted == ICS_DATE_NONE) {
        if (bad == -1)
            reject_value(row, col, "impossible admission date", s, n, "");
        else if (bad == -2)
            ics_csv_reject(row, col + 1, "invalid admission date (1801-01-01, HES's code for invalid)");
        else
            ics_csv_reject(row, col + 1, n == 0 ? "missing admission date"
                                                : "missing admission date (1800-01-01, HES's code for null)");
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_ADMISSION);
        return -1;
    }
    col = c->col[COL_DISCHARGE];
    field(row, col, &s, &n);
    bad = read_date(dates, s, n, &sp->discharged);   /* none (or HES's null): still in hospital */
    if (bad) {
        if (bad == -2)
            ics_csv_reject(row, col + 1, "invalid discharge date (1801-01-01, HES's code for invalid)");
        else
            reject_value(row, col, "impossible discharge date", s, n, "");
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_DISCHARGE);
        return -1;
    }
    if (sp->discharged != ICS_DATE_NONE && sp->discharged < sp->admitted) {
        reject_value(row, col, "discharge date", s, n, " is before the admission date");
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_ORDER);
        return -1;
    }
    col = c->col[COL_METHOD];
    field(row, col, &s, &n);
    sp->cls = admission_class(s, n);
    sp->transfer_method = n == 2 && ((s[0] == '2' && (s[1] == 'B' || s[1] == 'b')) || (s[0] == '8' && s[1] == '1'));
    sp->ae_method = n == 2 && s[0] == '2' && s[1] == '1';
    if (sp->cls < 0) {
        reject_value(row, col, "unknown admission method", s, n, "");
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_METHOD);
        return -1;
    }
    field(row, c->col[COL_HRG], &sp->hrg, &sp->hrg_len);
    sp->patient_class = CLASS_OTHER;
    if (c->opt_col[OPT_CLASS] >= 0) {
        field(row, c->opt_col[OPT_CLASS], &s, &n);
        sp->patient_class = patient_class(s, n);
    }
    sp->start = sp->admitted;
    sp->roles = ROLE_ALL;
    sp->indexed = 0;
    sp->source = sp->destination = CODE_NONE;
    if (__builtin_expect(c->cips, 0)) {
        sp->source = small_code(row, c->opt_col[OPT_SOURCE]);
        sp->destination = small_code(row, c->opt_col[OPT_DESTINATION]);
    }
    sp->speldur = INT32_MIN;
    if (c->opt_col[OPT_SPELDUR] >= 0) {
        /* Whole days, 0 to 999,999; anything else is no SPELDUR (not a reject: the measures do not use it). */
        field(row, c->opt_col[OPT_SPELDUR], &s, &n);
        int32_t v = 0;
        size_t i = 0;
        while (i < n && i < 6 && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (s[i++] - '0');
        if (n > 0 && i == n)
            sp->speldur = v;
    }
    return 0;
}

/* ---- per-thread state ------------------------------------------------------ */

void icsi_beds_worker_init(struct worker *w, const struct config *cfg)
{
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->spill.fd = -1;
    ics_strmap_init(&w->groups, sizeof(struct group));
    w->hist_bucket = INT32_MIN;
    ics_strmap_init(&w->hrgs, sizeof(uint32_t));
    ics_strmap_init(&w->providers, sizeof(struct quality_acc));
    w->max_discharge = w->max_admission = INT32_MIN;
    w->fy_first = 1;
    w->fy_last = 0;   /* empty: the first discharge computes its year */
}

void icsi_beds_worker_release(struct worker *w)
{
    for (uint32_t i = 0; i < w->groups.count; i++)
        ics_free(((struct group *)ics_strmap_value(&w->groups, i))->daily);
    for (uint32_t i = 0; i < 2 * w->hist_cap; i++)
        ics_free(w->tails[i].counts);
    for (uint32_t i = 0; i < w->providers.count; i++)
        ics_free(((struct quality_acc *)ics_strmap_value(&w->providers, i))->los.counts);
    ics_strmap_release(&w->groups);
    ics_strmap_release(&w->hrgs);
    ics_strmap_release(&w->providers);
    ics_free(w->dense);
    ics_free(w->tails);
    w->dense = NULL;
    w->tails = NULL;
    w->hist_cap = 0;
}

/* Throws away what a worker has seen (the CSV scan redoing its part); the
 * spill file is kept and emptied. */
void icsi_beds_worker_reset(void *p)
{
    struct worker *w = p;
    const struct config *cfg = w->cfg;
    struct spill spill = w->spill;
    struct episode_spill *episodes = w->episodes;
    int index = w->index;
    icsi_beds_worker_release(w);
    icsi_beds_worker_init(w, cfg);
    w->spill = spill;
    w->index = index;
    w->episodes = episodes;
    icsi_beds_episodes_reset(w);
    if (w->spill.fd >= 0) {
        w->spill.len = 0;
        w->spill.records = 0;
        if (ftruncate(w->spill.fd, 0))
            w->spill.write_failed = 1;
    }
}

/* Whole-buffer positional I/O for the spill files (a short write or read, or
 * the end of the file before n bytes, is -1). */
int icsi_beds_write_at(int fd, const void *p, size_t n, uint64_t offset)
{
    const unsigned char *b = p;
    while (n > 0) {
        ssize_t put = pwrite(fd, b, n, (off_t)offset);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return -1;
        b += put;
        n -= (size_t)put;
        offset += (uint64_t)put;
    }
    return 0;
}

int icsi_beds_read_at(int fd, void *p, size_t n, uint64_t offset)
{
    unsigned char *b = p;
    while (n > 0) {
        ssize_t got = pread(fd, b, n, (off_t)offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        b += got;
        n -= (size_t)got;
        offset += (uint64_t)got;
    }
    return 0;
}

static int spill_flush(struct spill *sp)
{
    /* The buffer holds the last len bytes of the records put so far. */
    uint64_t offset = sp->records * sizeof(struct spill_record) - sp->len;
    if (sp->len && icsi_beds_write_at(sp->fd, sp->buf, sp->len, offset))
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

void icsi_beds_spill_close(struct spill *sp)
{
    if (sp->file)
        fclose(sp->file);
    ics_free(sp->buf);
    sp->file = NULL;
    sp->fd = -1;
    sp->buf = NULL;
}

int icsi_beds_histogram_add(struct histogram *h, int32_t los)
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

static int spill_spell(struct worker *w, const struct spell *sp, uint32_t pi, uint32_t *hrg_out)
{
    uint32_t gi = sp->group, hi = sp->hrg_index;
    if (!sp->indexed && (icsi_beds_group_index(w, sp->key, sp->key_len, &gi) ||
                         (sp->hrg_len && icsi_beds_hrg_index(w, sp->hrg, sp->hrg_len, &hi)))) {
        w->failed = 1;
        return 1;
    }
    *hrg_out = hi;
    uint32_t day_case = sp->patient_class == CLASS_DAY_CASE;
    struct spill_record r = {gi, pi,
                             ((sp->hrg_len ? hi + 1 : 0) << 5) | (uint32_t)sp->roles << 2 | day_case << 1 |
                                 (uint32_t)sp->cls,
                             sp->admitted, sp->discharged, sp->start};
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

/* Regular day and night attenders are not spells for bed days, excess and
 * long stays: counted apart (returns 1, the spell is not counted). A day
 * case with a stay is a data-quality note, counted as it stands. */
static int classify(struct worker *w, const struct spell *sp, uint32_t pi)
{
    if (sp->patient_class == CLASS_REGULAR) {
        w->regular_attenders++;
        icsi_beds_quality(w, pi)->regular++;
        return 1;
    }
    if (sp->discharged != ICS_DATE_NONE && sp->discharged > sp->admitted)
        w->day_cases_with_stay++;
    return 0;
}

/* The first pass of two over valid spells: spills the spell, and finds the
 * period and the trim points' histograms. */
static int first_pass_spell(struct worker *w, const struct spell *sp_in, uint32_t pi)
{
    const struct config *c = w->cfg;
    const struct spell sp = *sp_in;
    uint32_t hi;
    if (spill_spell(w, &sp, pi, &hi))
        return 1;
    if (sp.admitted > w->max_admission)
        w->max_admission = sp.admitted;
    if (sp.discharged == ICS_DATE_NONE)
        return 0;
    if (sp.discharged > w->max_discharge)
        w->max_discharge = sp.discharged;
    if (!c->need_histograms || sp.hrg_len == 0 || !(sp.roles & ROLE_EXCESS))
        return 0;   /* trim points come from provider spells only */
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
    if (icsi_beds_histogram_add(&w->tails[at], los - DENSE_LOS)) {
        w->failed = 1;
        return 1;
    }
    return 0;
}

/* A used row's accounting: the count, its provider's data quality, the
 * supplied SPELDUR against the dates. Non-zero: out of memory. */
static __attribute__((noinline, cold)) void check_speldur(struct quality_acc *q, const struct spell *sp)
{
    if (sp->speldur == INT32_MIN || sp->discharged == ICS_DATE_NONE)
        return;
    q->speldur_checked++;
    q->speldur_disagree += sp->speldur != sp->discharged - sp->admitted;
}

static inline int spell_row_used(struct worker *w, const struct spell *sp, uint32_t *pi)
{
    w->used++;
    if (icsi_beds_provider_index(w, sp->provider, sp->provider_len, pi)) {
        w->failed = 1;
        return 1;
    }
    struct quality_acc *q = icsi_beds_quality(w, *pi);
    q->rows++;
    if (__builtin_expect(sp->speldur != INT32_MIN, 0))
        check_speldur(q, sp);
    return 0;
}

/* What a row function does with a row: count its spell, skip it (rejected,
 * or a regular attendance, counted apart), or stop the scan (--strict, out of
 * memory). `cache` is the HRG cache the spell is about to be looked up in. */
enum { ROW_COUNT, ROW_SKIP, ROW_STOP };

static inline int row_spell(struct worker *w, struct ics_csv_row *row, const struct lookaside *cache,
                            struct spell *sp, uint32_t *pi)
{
    prefetch_hrg_slot(cache, w->cfg, row);
    if (icsi_beds_read_spell(w, row, sp))
        return w->cfg->strict ? ROW_STOP : ROW_SKIP;
    if (spell_row_used(w, sp, pi))
        return ROW_STOP;
    if (__builtin_expect(sp->patient_class != CLASS_OTHER, 0) && classify(w, sp, *pi))
        return ROW_SKIP;
    return ROW_COUNT;
}

/* The first pass: the period and the trim points' histograms; it is the only
 * reading of the CSV (the spill feeds the second), so it rejects bad rows. */
int icsi_beds_first_pass_row(void *p, struct ics_csv_row *row)
{
    struct worker *w = p;
    struct spell sp;
    uint32_t pi;
    int go = row_spell(w, row, w->hrg_cache, &sp, &pi);
    return go == ROW_COUNT ? first_pass_spell(w, &sp, pi) : go == ROW_STOP;
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

int icsi_beds_group_index(struct worker *w, const char *key, size_t len, uint32_t *gi)
{
    return cached_index(&w->groups, w->group_cache, GROUP_CACHE, key, len, gi);
}

static int spell_measures(struct worker *w, struct group *g, struct quality_acc *q, const struct counted *k)
{
    const struct config *c = w->cfg;
    int64_t los = k->discharged - k->start;
    q->spells++;
    q->bed_days += (uint64_t)los;
    q->long_21 += los >= 21;
    q->day_cases += k->day_case;
    if (__builtin_expect((uint64_t)los < q->los.len, 1)) {
        q->los.counts[los]++;
        q->los.n++;
    } else if (icsi_beds_histogram_add(&q->los, (int32_t)los)) {
        w->failed = 1;
        return 1;
    }
    g->m.spells++;
    g->m.bed_days += los;
    g->m.long_stay_7_spells += los >= 7;
    g->m.long_stay_21_spells += los >= 21;
    if (g->daily) {
        int64_t *d = g->daily;
        size_t stride = (size_t)c->series_days + 1, at = (size_t)(k->discharged - c->from);
        d[D_SPELLS * stride + at] += 1;
        d[D_BED_DAYS * stride + at] += los;
        d[D_LS7_SPELLS * stride + at] += los >= 7;
        d[D_LS21_SPELLS * stride + at] += los >= 21;
    }
    return 0;
}

/* Excess bed days of one provider spell discharged in the period (always
 * per provider spell: trim points are set per provider spell). */
static void excess_measures(struct worker *w, struct group *g, const struct trim *t, const struct counted *k)
{
    const struct config *c = w->cfg;
    int64_t los = k->discharged - k->admitted, excess = 0, cost = 0;
    if (t && t->has[k->cls]) {
        excess = max64(0, los - t->days[k->cls]);
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
    g->m.excess_bed_days += excess;
    g->m.excess_cost_pence += cost;
    if (g->daily) {
        size_t stride = (size_t)c->series_days + 1, at = (size_t)(k->discharged - c->from);
        g->daily[D_EXCESS * stride + at] += excess;
        g->daily[D_COST * stride + at] += cost;
    }
}

/* Adds one counted record to its group (t: its HRG's trim points, or NULL).
 * A plain spell has every role; with continuous inpatient spells, each
 * provider spell brings its excess and its nights (long-stay nights counted
 * from the CIPS's start) and the CIPS brings the spell measures once. */
static int count_spell(struct worker *w, uint32_t gi, uint32_t pi, const struct trim *t, const struct counted *k)
{
    const struct config *c = w->cfg;
    struct group *g = ics_strmap_value(&w->groups, gi);
    struct quality_acc *q = icsi_beds_quality(w, pi);
    if (c->series && !g->daily) {
        g->daily = ics_calloc((size_t)D_COUNT * (size_t)(c->series_days + 1), sizeof(int64_t));
        if (!g->daily) {
            w->failed = 1;
            return 1;
        }
    }
    int64_t from = c->from, to = c->to;
    int in_period = k->discharged != ICS_DATE_NONE && k->discharged >= from && k->discharged <= to;
    if (k->roles & ROLE_SPELL) {
        if (k->discharged == ICS_DATE_NONE) {
            w->open++;
            q->open++;
        } else if (in_period) {
            w->in_period++;
            if (spell_measures(w, g, q, k))
                return 1;
        } else {
            /* Touches the period only through its nights, or not at all. */
            int64_t last = min64(to, (int64_t)k->discharged - 1);
            w->outside += last < max64(k->start, from);
        }
    }
    if ((k->roles & ROLE_EXCESS) && in_period)
        excess_measures(w, g, t, k);
    if (!(k->roles & ROLE_NIGHTS))
        return 0;
    /* Occupancy: night d is occupied when admission <= d < discharge. */
    int64_t last_night = k->discharged == ICS_DATE_NONE ? to : min64(to, (int64_t)k->discharged - 1);
    int64_t lo = max64(k->admitted, from), lo7 = max64((int64_t)k->start + 7, lo),
            lo21 = max64((int64_t)k->start + 21, lo);
    if (last_night >= lo) {
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
    return 0;
}

static int count_one(struct worker *w, const struct spell *sp, uint32_t pi)
{
    uint32_t gi = sp->group;
    if (!sp->indexed && icsi_beds_group_index(w, sp->key, sp->key_len, &gi)) {
        w->failed = 1;
        return 1;
    }
    struct counted k = {sp->admitted, sp->discharged, sp->start, (uint8_t)sp->cls,
                        sp->patient_class == CLASS_DAY_CASE, (uint8_t)sp->roles};
    return count_spell(w, gi, pi, find_trim(w, sp->hrg, sp->hrg_len), &k);
}

/* The one-pass row function: period and trim points are known. */
int icsi_beds_count_row(void *p, struct ics_csv_row *row)
{
    struct worker *w = p;
    struct spell sp;
    uint32_t pi;
    int go = row_spell(w, row, w->trim_cache, &sp, &pi);
    return go == ROW_COUNT ? count_one(w, &sp, pi) : go == ROW_STOP;
}

int icsi_beds_take_cips(struct worker *w, const struct spell *cips)
{
    uint32_t pi = cips->provider_index;
    if (!cips->indexed && icsi_beds_provider_index(w, cips->provider, cips->provider_len, &pi)) {
        w->failed = 1;
        return 1;
    }
    return w->cfg->pass == 1 ? first_pass_spell(w, cips, pi) : count_one(w, cips, pi);
}

int icsi_beds_take_spell(struct worker *w, const struct spell *sp, uint32_t episodes)
{
    uint32_t pi = sp->provider_index;
    if (!sp->indexed && icsi_beds_provider_index(w, sp->provider, sp->provider_len, &pi)) {
        w->failed = 1;
        return 1;
    }
    struct quality_acc *q = icsi_beds_quality(w, pi);
    w->spells_built++;
    q->spells_built++;
    q->episodes += episodes;
    check_speldur(q, sp);
    if (sp->patient_class != CLASS_OTHER && classify(w, sp, pi))
        return 0;
    return w->cfg->pass == 1 ? first_pass_spell(w, sp, pi) : count_one(w, sp, pi);
}

int icsi_beds_hrg_index(struct worker *w, const char *hrg, size_t len, uint32_t *index)
{
    return cached_index(&w->hrgs, w->hrg_cache, TRIM_CACHE, hrg, len, index);
}

/* Replays a worker's spill: the second pass without the CSV. */
void *icsi_beds_replay_spill(void *p)
{
    struct worker *w = p;
    const struct ics_strmap *trims = &w->cfg->trim->map;
    /* each of this worker's HRGs looked up once */
    const struct trim **by_hrg = ics_calloc(w->hrgs.count ? w->hrgs.count : 1, sizeof *by_hrg);
    if (!by_hrg || spill_flush(&w->spill)) {
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
        size_t bytes = want * sizeof(struct spill_record);
        if (icsi_beds_read_at(w->spill.fd, w->spill.buf, bytes,
                              (w->spill.records - left) * sizeof(struct spill_record))) {
            w->spill.write_failed = 1;
            break;
        }
        const struct spill_record *r = (const struct spill_record *)(const void *)w->spill.buf;
        for (size_t i = 0; i < want; i++) {
            uint32_t h = r[i].hrg_cls >> 5;
            const struct trim *t = h ? by_hrg[h - 1] : NULL;
            struct counted k = {r[i].admitted, r[i].discharged, r[i].start, (uint8_t)(r[i].hrg_cls & 1),
                                (uint8_t)(r[i].hrg_cls >> 1 & 1), (uint8_t)(r[i].hrg_cls >> 2 & 7)};
            if (count_spell(w, r[i].group, r[i].provider, t, &k))
                break;
        }
        left -= want;
    }
    ics_free(by_hrg);
    return NULL;
}
