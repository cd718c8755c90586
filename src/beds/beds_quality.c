/*
 * Data quality per provider: the figures that show an extract is not what it
 * seems (docs/commands/beds.md, "Data quality"), each against a plausible
 * range. Workers count into per-provider accumulators as they go; the table
 * is their merge, sorted by provider code.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beds_internal.h"
#include "ics/refdata.h"

static const char *const reason_names[ICS_BEDS_REJECT_REASONS] = {
    "too_few_fields", "nul_byte", "no_provider", "bad_admission_date", "bad_discharge_date",
    "discharge_before_admission", "unknown_admission_method", "no_patient_id",
};

const char *ics_beds_reject_reason_name(int reason)
{
    return reason >= 0 && reason < ICS_BEDS_REJECT_REASONS ? reason_names[reason] : "?";
}

/* The plausible ranges, and why (docs/commands/beds.md has the sources). */
static const struct {
    const char *name;
    const char *words;
    int share;                 /* printed as a percentage */
    double low, high;
} checks[ICS_BEDS_Q_CHECKS] = {
    {"mean_los", "mean length of stay", 0, 0.2, 15.0},
    {"median_los", "median length of stay", 0, 0.0, 7.0},
    {"share_21_plus", "share of spells of 21+ days", 1, 0.0, 0.10},
    {"share_day_cases", "share of day cases (CLASSPAT 2)", 1, 0.05, 0.80},
    {"share_open", "share of spells still open", 1, 0.0, 0.05},
    {"episodes_per_spell", "episodes per spell", 0, 1.0, 2.0},
    {"share_rejected", "share of rows rejected", 1, 0.0, 0.01},
    {"share_speldur_disagree", "share of spells whose dates disagree with SPELDUR", 1, 0.0, 0.02},
};

const char *ics_beds_quality_check_name(int check)
{
    return check >= 0 && check < ICS_BEDS_Q_CHECKS ? checks[check].name : "?";
}

void ics_beds_quality_range(int check, double *low, double *high)
{
    *low = check >= 0 && check < ICS_BEDS_Q_CHECKS ? checks[check].low : 0;
    *high = check >= 0 && check < ICS_BEDS_Q_CHECKS ? checks[check].high : 0;
}

void icsi_beds_quality_reject(struct worker *w, const struct ics_csv_row *row, int reason)
{
    const char *s = "";
    size_t n = 0;
    int col = w->cfg->col[COL_PROVIDER];
    if (col < row->nfields && !memchr(row->fields[col].ptr, '\0', row->fields[col].len)) {
        s = row->fields[col].ptr;
        n = row->fields[col].len;
        ics_text_trim(&s, &n);
    }
    uint32_t pi;
    if (icsi_beds_provider_index(w, s, n, &pi)) {
        w->failed = 1;
        return;
    }
    struct quality_acc *q = icsi_beds_quality(w, pi);
    q->rows++;
    q->rejected_by[reason]++;
}

static int merge_histogram(struct histogram *into, const struct histogram *from)
{
    if (from->len > into->len) {
        uint32_t *c = ics_realloc(into->counts, from->len * sizeof *c);
        if (!c)
            return -1;
        memset(c + into->len, 0, (from->len - into->len) * sizeof *c);
        into->counts = c;
        into->len = from->len;
    }
    for (uint32_t i = 0; i < from->len; i++)
        into->counts[i] += from->counts[i];
    into->n += from->n;
    return 0;
}

/* The median of a histogram: the middle value, or the mean of the two middle ones. */
static double histogram_median(const struct histogram *h)
{
    if (h->n == 0)
        return -1;
    uint64_t lo_rank = (h->n - 1) / 2, hi_rank = h->n / 2, seen = 0;
    int64_t lo = -1, hi = -1;
    for (uint32_t i = 0; i < h->len && hi < 0; i++) {
        seen += h->counts[i];
        if (lo < 0 && seen > lo_rank)
            lo = i;
        if (seen > hi_rank)
            hi = i;
    }
    return (double)(lo + hi) / 2.0;
}

static double share(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : -1;
}

double ics_beds_quality_value(const struct ics_beds_result *r, const struct ics_beds_quality_row *q, int check)
{
    switch (check) {
    case ICS_BEDS_Q_MEAN_LOS: return share(q->bed_days, q->spells);
    case ICS_BEDS_Q_MEDIAN_LOS: return q->spells ? q->median_los : -1;
    case ICS_BEDS_Q_LONG_21: return share(q->long_21, q->spells);
    case ICS_BEDS_Q_DAY_CASES: return r->quality_has_class ? share(q->day_cases, q->spells) : -1;
    case ICS_BEDS_Q_OPEN: return share(q->open, q->spells + q->open);
    case ICS_BEDS_Q_EPISODES_PER_SPELL: return r->s.episodes ? share(q->episodes, q->spells_built) : -1;
    case ICS_BEDS_Q_REJECTED: return share(q->rejected, q->rows);
    case ICS_BEDS_Q_SPELDUR: return share(q->speldur_disagree, q->speldur_checked);
    default: return -1;
    }
}

/* A check is judged only on enough spells (or rows) to mean something. */
static int judged(const struct ics_beds_quality_row *q, int check)
{
    switch (check) {
    case ICS_BEDS_Q_REJECTED: return q->rows >= ICS_BEDS_QUALITY_MIN_SPELLS;
    case ICS_BEDS_Q_OPEN: return q->spells + q->open >= ICS_BEDS_QUALITY_MIN_SPELLS;
    case ICS_BEDS_Q_EPISODES_PER_SPELL: return q->spells_built >= ICS_BEDS_QUALITY_MIN_SPELLS;
    case ICS_BEDS_Q_SPELDUR: return q->speldur_checked >= ICS_BEDS_QUALITY_MIN_SPELLS;
    default: return q->spells >= ICS_BEDS_QUALITY_MIN_SPELLS;
    }
}

void ics_beds_quality_describe(const struct ics_beds_result *r, const struct ics_beds_quality_row *q, int check,
                               char *buf, size_t size)
{
    double v = ics_beds_quality_value(r, q, check);
    if (check < 0 || check >= ICS_BEDS_Q_CHECKS) {
        snprintf(buf, size, "?");
    } else if (checks[check].share) {
        snprintf(buf, size, "%s %.2f%%, plausible %.0f%% to %.0f%%", checks[check].words, v * 100,
                 checks[check].low * 100, checks[check].high * 100);
    } else {
        snprintf(buf, size, "%s %.1f%s, plausible %.1f to %.1f", checks[check].words, v,
                 check == ICS_BEDS_Q_EPISODES_PER_SPELL ? "" : " days", checks[check].low, checks[check].high);
    }
}

static int by_code(const void *a, const void *b)
{
    const struct ics_beds_quality_row *x = a, *y = b;
    return strcmp(x->code, y->code);
}

static void add_acc(struct quality_acc *into, const struct quality_acc *from)
{
    into->rows += from->rows;
    for (int k = 0; k < ICS_BEDS_REJECT_REASONS; k++)
        into->rejected_by[k] += from->rejected_by[k];
    into->spells += from->spells;
    into->bed_days += from->bed_days;
    into->long_21 += from->long_21;
    into->day_cases += from->day_cases;
    into->open += from->open;
    into->regular += from->regular;
    into->episodes += from->episodes;
    into->spells_built += from->spells_built;
    into->speldur_checked += from->speldur_checked;
    into->speldur_disagree += from->speldur_disagree;
}

static void fill_row(struct ics_beds_quality_row *q, const struct quality_acc *a)
{
    q->rows = a->rows;
    for (int r = 0; r < ICS_BEDS_REJECT_REASONS; r++) {
        q->rejected_by[r] = a->rejected_by[r];
        q->rejected += a->rejected_by[r];
    }
    q->spells = a->spells;
    q->bed_days = a->bed_days;
    q->median_los = histogram_median(&a->los);
    q->long_21 = a->long_21;
    q->day_cases = a->day_cases;
    q->open = a->open;
    q->regular_attenders = a->regular;
    q->episodes = a->episodes;
    q->spells_built = a->spells_built;
    q->speldur_checked = a->speldur_checked;
    q->speldur_disagree = a->speldur_disagree;
}

int icsi_beds_quality_build(struct ics_beds_result *res, struct worker *workers, int n, struct ics_error *err)
{
    struct ics_strmap all;
    ics_strmap_init(&all, sizeof(struct quality_acc));
    struct quality_acc total;
    memset(&total, 0, sizeof total);
    int rc = ICS_OK;
    for (int i = 0; i < n && !rc; i++) {
        const struct ics_strmap *m = &workers[i].providers;
        for (uint32_t k = 0; k < m->count && !rc; k++) {
            const struct quality_acc *from = ics_strmap_value(m, k);
            struct quality_acc *into = ics_strmap_upsert(&all, m->keys[k].s, m->keys[k].len, NULL);
            if (!into || merge_histogram(&into->los, &from->los) || merge_histogram(&total.los, &from->los))
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            else {
                add_acc(into, from);
                add_acc(&total, from);
            }
        }
    }
    if (!rc && all.count) {
        res->quality = ics_arena_alloc(&res->arena, (all.count + 1) * sizeof *res->quality);
        if (!res->quality)
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t k = 0; k < all.count && !rc; k++) {
        const struct quality_acc *a = ics_strmap_value(&all, k);
        struct ics_beds_quality_row *q = &res->quality[k];
        memset(q, 0, sizeof *q);
        q->code = ics_arena_strndup(&res->arena, all.keys[k].s, all.keys[k].len);
        const char *name = ics_provider_name(all.keys[k].s, all.keys[k].len);
        q->name = all.keys[k].len == 0 ? "No provider code" : name ? name : "";
        if (!q->code) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            break;
        }
        fill_row(q, a);
        res->nquality++;
    }
    if (!rc && all.count) {
        /* All providers together, last: a whole file that is implausible is flagged even when no
         * single provider has enough spells to be judged. */
        struct ics_beds_quality_row *q = &res->quality[res->nquality];
        memset(q, 0, sizeof *q);
        q->code = "total";
        q->name = "All providers";
        fill_row(q, &total);
    }
    ics_free(total.los.counts);
    int has_total = !rc && all.count > 0;
    for (uint32_t k = 0; k < all.count; k++)
        ics_free(((struct quality_acc *)ics_strmap_value(&all, k))->los.counts);
    ics_strmap_release(&all);
    if (rc)
        return rc;
    qsort(res->quality, res->nquality, sizeof *res->quality, by_code);
    if (has_total)
        res->nquality++;   /* the total row, after the sorted providers */
    for (size_t k = 0; k < res->nquality; k++) {
        struct ics_beds_quality_row *q = &res->quality[k];
        for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++) {
            double v = ics_beds_quality_value(res, q, c);
            if (v >= 0 && judged(q, c) && (v < checks[c].low || v > checks[c].high))
                q->flags |= 1u << c;
        }
    }
    return ICS_OK;
}

size_t ics_beds_result_quality_count(const struct ics_beds_result *r)
{
    return r->nquality;
}

const struct ics_beds_quality_row *ics_beds_result_quality(const struct ics_beds_result *r, size_t i)
{
    return i < r->nquality ? &r->quality[i] : NULL;
}

/* ---- writing ------------------------------------------------------------------ */

/* A figure as printed: days to 2 decimals, shares to 4; empty when it cannot be computed. */
static void figure(const struct ics_beds_result *r, const struct ics_beds_quality_row *q, int check, char *buf,
                   size_t size)
{
    double v = ics_beds_quality_value(r, q, check);
    if (v < 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, checks[check].share ? "%.4f" : "%.2f", v);
}

static void flag_names(unsigned flags, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++)
        if (flags & (1u << c)) {
            int n = snprintf(buf + at, size - at, "%s%s", at ? ";" : "", checks[c].name);
            if (n < 0 || (size_t)n >= size - at)
                break;
            at += (size_t)n;
        }
}

int ics_beds_write_quality_csv(const struct ics_beds_result *r, FILE *out, struct ics_error *err)
{
    fputs("provider,name,rows,rejected", out);
    for (int k = 0; k < ICS_BEDS_REJECT_REASONS; k++)
        fprintf(out, ",rejected_%s", reason_names[k]);
    fputs(",spells,open_spells,regular_attenders,episodes,spells_built,speldur_checked,speldur_disagree", out);
    for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++)
        fprintf(out, ",%s", checks[c].name);
    fputs(",flags\n", out);
    for (size_t i = 0; i < r->nquality; i++) {
        const struct ics_beds_quality_row *q = &r->quality[i];
        ics_csv_write_field(out, q->code, strlen(q->code));
        fputc(',', out);
        ics_csv_write_field(out, q->name, strlen(q->name));
        fprintf(out, ",%llu,%llu", (unsigned long long)q->rows, (unsigned long long)q->rejected);
        for (int k = 0; k < ICS_BEDS_REJECT_REASONS; k++)
            fprintf(out, ",%llu", (unsigned long long)q->rejected_by[k]);
        fprintf(out, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)q->spells,
                (unsigned long long)q->open, (unsigned long long)q->regular_attenders,
                (unsigned long long)q->episodes, (unsigned long long)q->spells_built,
                (unsigned long long)q->speldur_checked, (unsigned long long)q->speldur_disagree);
        for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++) {
            char v[32];
            figure(r, q, c, v, sizeof v);
            fprintf(out, ",%s", v);
        }
        char flags[256];
        flag_names(q->flags, flags, sizeof flags);
        fprintf(out, ",%s\n", flags);
    }
    if (ferror(out))
        return ics_error_set(err, ICS_ERR_IO, "error writing the data-quality table");
    return ICS_OK;
}

/* The table as a JSON array into an open writer (the beds JSON output embeds it). */
void icsi_beds_quality_json(const struct ics_beds_result *r, struct ics_json *j)
{
    ics_json_array_begin(j);
    for (size_t i = 0; i < r->nquality; i++) {
        const struct ics_beds_quality_row *q = &r->quality[i];
        ics_json_object_begin(j);
        ics_json_kv_string(j, "provider", q->code);
        ics_json_kv_string(j, "name", q->name);
        ics_json_kv_int(j, "rows", (int64_t)q->rows);
        ics_json_kv_int(j, "rejected", (int64_t)q->rejected);
        ics_json_key(j, "rejected_by");
        ics_json_object_begin(j);
        for (int k = 0; k < ICS_BEDS_REJECT_REASONS; k++)
            ics_json_kv_int(j, reason_names[k], (int64_t)q->rejected_by[k]);
        ics_json_object_end(j);
        ics_json_kv_int(j, "spells", (int64_t)q->spells);
        ics_json_kv_int(j, "open_spells", (int64_t)q->open);
        ics_json_kv_int(j, "regular_attenders", (int64_t)q->regular_attenders);
        ics_json_kv_int(j, "episodes", (int64_t)q->episodes);
        ics_json_kv_int(j, "spells_built", (int64_t)q->spells_built);
        ics_json_kv_int(j, "speldur_checked", (int64_t)q->speldur_checked);
        ics_json_kv_int(j, "speldur_disagree", (int64_t)q->speldur_disagree);
        for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++) {
            double v = ics_beds_quality_value(r, q, c);
            ics_json_key(j, checks[c].name);
            if (v < 0)
                ics_json_null(j);
            else
                ics_json_double_fixed(j, v, checks[c].share ? 4 : 2);
        }
        ics_json_key(j, "flags");
        ics_json_array_begin(j);
        for (int c = 0; c < ICS_BEDS_Q_CHECKS; c++)
            if (q->flags & (1u << c))
                ics_json_string(j, checks[c].name);
        ics_json_array_end(j);
        ics_json_object_end(j);
    }
    ics_json_array_end(j);
}

int ics_beds_write_quality_json(const struct ics_beds_result *r, FILE *out, struct ics_error *err)
{
    struct ics_json j;
    ics_json_init(&j, out, 1);
    icsi_beds_quality_json(r, &j);
    if (ics_json_finish(&j) || ferror(out))
        return ics_error_set(err, ICS_ERR_IO, "error writing the data-quality table");
    return ICS_OK;
}
