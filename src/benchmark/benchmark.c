/*
 * Benchmarking: the benchmark object, its inputs and its results. The run
 * itself is in benchmark_run.c and benchmark_groups.c; see
 * include/ics/benchmark.h for the contract and docs/commands/benchmark.md for
 * the definitions.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "benchmark_internal.h"
#include "ics/refdata.h"

/* ---- small helpers ------------------------------------------------------ */

int icsi_bm_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    if (need > BM_MAX_ITEMS)
        return -1;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    if (c > BM_MAX_ITEMS)
        c = BM_MAX_ITEMS;
    void *p = ics_realloc(*ptr, c * elem);
    if (!p)
        return -1;
    *ptr = p;
    *cap = c;
    return 0;
}

const char *icsi_bm_strdup(struct ics_benchmark *b, const char *s)
{
    if (!s)
        s = "";
    return ics_arena_strndup(&b->arena, s, strlen(s));
}

const char *icsi_bm_vformat(struct ics_benchmark *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n < 0 ? NULL : ics_arena_alloc(&b->arena, (size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

int icsi_bm_nomem(struct ics_error *err)
{
    return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
}

int icsi_bm_note(struct ics_benchmark *b, struct ics_error *err, const char *fmt, ...)
{
    if (icsi_bm_grow((void **)&b->notes, &b->capnotes, b->nnotes + 1, sizeof *b->notes) != 0)
        return icsi_bm_nomem(err);
    va_list ap;
    va_start(ap, fmt);
    const char *copy = icsi_bm_vformat(b, fmt, ap);
    va_end(ap);
    if (!copy)
        return icsi_bm_nomem(err);
    b->notes[b->nnotes++] = (char *)copy;
    return ICS_OK;
}

int icsi_bm_problem(struct ics_benchmark *b, struct bm_item *it, struct ics_error *err, const char *fmt, ...)
{
    if (it->row.problem)
        return ICS_OK;
    va_list ap;
    va_start(ap, fmt);
    it->row.problem = icsi_bm_vformat(b, fmt, ap);
    va_end(ap);
    if (!it->row.problem)
        return icsi_bm_nomem(err);
    return ICS_OK;
}

/* ---- life cycle ---------------------------------------------------------- */

void ics_benchmark_options_init(struct ics_benchmark_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->denominator = ICS_DEN_NONE;
    opt->better = ICS_BETTER_LOWER;
    opt->target = ICS_TARGET_TOP_QUARTILE;
    opt->within = ICS_WITHIN_ALL;
    opt->close_gap.num = 1;
    opt->close_gap.den = 1;
    opt->has_cost_per_day = 0;
    opt->cost_per_day_pence = 0;
}

int ics_benchmark_new(const struct ics_benchmark_options *opt, struct ics_benchmark **out,
                      struct ics_error *err)
{
    *out = NULL;
    struct ics_benchmark_options o = *opt;
    if (o.close_gap.num == 0 && o.close_gap.den == 0) {
        o.close_gap.num = 1;
        o.close_gap.den = 1;
    }
    if (o.close_gap.num <= 0 || o.close_gap.den <= 0 || o.close_gap.num > o.close_gap.den)
        return ics_error_set(err, ICS_ERR_USAGE, "the fraction of the gap to close must be above 0 and at most 1");
    if (o.occupancy.num != 0 || o.occupancy.den != 0) {
        if (o.occupancy.num <= 0 || o.occupancy.den <= 0 || o.occupancy.num > o.occupancy.den)
            return ics_error_set(err, ICS_ERR_USAGE, "occupancy must be above 0 and at most 1");
    }
    if (!(o.scale >= 0) || !isfinite(o.scale))
        return ics_error_set(err, ICS_ERR_USAGE, "scale must be a positive number");
    if (o.days < 0)
        return ics_error_set(err, ICS_ERR_USAGE, "days must be a positive whole number");
    if (o.target == ICS_TARGET_VALUE && !isfinite(o.target_value))
        return ics_error_set(err, ICS_ERR_USAGE, "the target value must be a number");
    if (o.bed_days != ICS_BED_DAYS_AUTO && o.bed_days != ICS_BED_DAYS_YES && o.bed_days != ICS_BED_DAYS_NO)
        return ics_error_set(err, ICS_ERR_USAGE, "bed days must be auto, yes or no");
    if (o.has_cost_per_day && o.cost_per_day_pence < 0)
        return ics_error_set(err, ICS_ERR_USAGE, "the cost per day must not be negative");
    struct ics_benchmark *b = ics_calloc(1, sizeof *b);
    if (!b)
        return icsi_bm_nomem(err);
    b->opt = o;
    ics_arena_init(&b->arena, 16384);
    b->table.label = "table";
    b->table.numerator = "";
    b->table.denominator = "";
    *out = b;
    return ICS_OK;
}

void ics_benchmark_free(struct ics_benchmark *b)
{
    if (!b)
        return;
    ics_free(b->items);
    ics_free(b->pops);
    ics_free(b->peers);
    ics_free(b->groups);
    ics_free(b->areas);
    ics_free(b->notes);
    ics_free(b->rollups);
    ics_arena_release(&b->arena);
    ics_free(b);
}

/* ---- inputs -------------------------------------------------------------- */

int ics_benchmark_add(struct ics_benchmark *b, const struct ics_benchmark_input *in,
                      struct ics_error *err)
{
    if (b->ran)
        return ics_error_set(err, ICS_ERR_CONFLICT, "benchmark already run");
    if (icsi_bm_grow((void **)&b->items, &b->cap, b->n + 1, sizeof *b->items) != 0)
        return b->n + 1 > BM_MAX_ITEMS
            ? ics_error_set(err, ICS_ERR_PARSE, "too many codes (at most %u)", BM_MAX_ITEMS)
            : icsi_bm_nomem(err);
    struct bm_item *it = &b->items[b->n];
    memset(it, 0, sizeof *it);
    it->row.code = icsi_bm_strdup(b, in->code);
    it->row.name = icsi_bm_strdup(b, in->name);
    it->row.group = "";
    it->row.problem = in->problem ? icsi_bm_strdup(b, in->problem) : NULL;
    if (!it->row.code || !it->row.name || (in->problem && !it->row.problem))
        return icsi_bm_nomem(err);
    it->row.line = in->line;
    it->row.numerator = in->numerator;
    it->row.denominator = in->denominator;
    it->has_cost = in->has_cost;
    if (in->has_cost)
        b->table_has_cost = 1;   /* costs given code by code count as a cost column */
    it->cost_pence = in->excess_cost_pence;
    it->ebd = in->excess_bed_days;
    b->n++;
    return ICS_OK;
}

size_t ics_benchmark_input_count(const struct ics_benchmark *b)
{
    return b->n;
}

const char *ics_benchmark_input_code(const struct ics_benchmark *b, size_t i)
{
    return i < b->n ? b->items[i].row.code : NULL;
}

static int add_pair(struct ics_benchmark *b, struct bm_pair **arr, size_t *n, size_t *cap,
                    const char *code, const char *text, double value, long line,
                    struct ics_error *err)
{
    if (b->ran)
        return ics_error_set(err, ICS_ERR_CONFLICT, "benchmark already run");
    if (icsi_bm_grow((void **)arr, cap, *n + 1, sizeof **arr) != 0)
        return icsi_bm_nomem(err);
    struct bm_pair *p = &(*arr)[*n];
    p->code = icsi_bm_strdup(b, code);
    p->text = text ? icsi_bm_strdup(b, text) : NULL;
    if (!p->code || (text && !p->text))
        return icsi_bm_nomem(err);
    p->value = value;
    p->line = line;
    (*n)++;
    return ICS_OK;
}

int ics_benchmark_add_population(struct ics_benchmark *b, const char *code, double population,
                                 long line, struct ics_error *err)
{
    return add_pair(b, &b->pops, &b->npops, &b->cappops, code, NULL, population, line, err);
}

int ics_benchmark_add_peer(struct ics_benchmark *b, const char *code, const char *peer,
                           long line, struct ics_error *err)
{
    return add_pair(b, &b->peers, &b->npeers, &b->cappeers, code, peer, 0, line, err);
}

int ics_benchmark_set_group(struct ics_benchmark *b, const char *code, const char *group,
                            long line, struct ics_error *err)
{
    return add_pair(b, &b->groups, &b->ngroups, &b->capgroups, code, group, 0, line, err);
}

int ics_benchmark_set_area(struct ics_benchmark *b, const char *code, const char *icb_code,
                           const char *icb_name, const char *region_code,
                           const char *region_name, struct ics_error *err)
{
    if (b->ran)
        return ics_error_set(err, ICS_ERR_CONFLICT, "benchmark already run");
    if (icsi_bm_grow((void **)&b->areas, &b->capareas, b->nareas + 1, sizeof *b->areas) != 0)
        return icsi_bm_nomem(err);
    struct bm_area *a = &b->areas[b->nareas];
    a->code = icsi_bm_strdup(b, code);
    a->icb_code = icb_code && *icb_code ? icsi_bm_strdup(b, icb_code) : NULL;
    a->icb_name = icsi_bm_strdup(b, icb_name);
    a->region_code = region_code && *region_code ? icsi_bm_strdup(b, region_code) : NULL;
    a->region_name = icsi_bm_strdup(b, region_name);
    if (!a->code || !a->icb_name || !a->region_name || (icb_code && *icb_code && !a->icb_code) ||
        (region_code && *region_code && !a->region_code))
        return icsi_bm_nomem(err);
    b->nareas++;
    return ICS_OK;
}

int ics_benchmark_use_population(struct ics_benchmark *b, const char *name, struct ics_error *err)
{
    const struct ics_population_table *t = NULL;
    if (strcmp(name, "ons") == 0)
        t = &ics_refdata_population_tables()[0];
    else
        for (const struct ics_population_table *p = ics_refdata_population_tables(); p->name; p++)
            if (strcmp(p->name, name) == 0)
                t = p;
    if (!t)
        return ics_error_set(err, ICS_ERR_NOT_FOUND, "no embedded population table '%s'", name);
    b->npops = 0;
    for (size_t i = 0; i < t->count; i++) {
        int rc = ics_benchmark_add_population(b, t->entries[i].code, (double)t->entries[i].population, 0, err);
        if (rc)
            return rc;
    }
    b->pops_label = t->name;
    return ICS_OK;
}

const char *ics_benchmark_population_name(size_t i, const char **description)
{
    size_t n = 0;
    while (ics_refdata_population_tables()[n].name)
        n++;
    if (i >= n)
        return NULL;
    if (description)
        *description = ics_refdata_population_tables()[i].description;
    return ics_refdata_population_tables()[i].name;
}

static int entry_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct ics_population_entry *)elem)->code);
}

int ics_benchmark_population_lookup(const char *table, const char *code, int64_t *out)
{
    for (const struct ics_population_table *p = ics_refdata_population_tables(); p->name; p++) {
        if (strcmp(p->name, table) != 0 && !(strcmp(table, "ons") == 0 && p == ics_refdata_population_tables()))
            continue;
        const struct ics_population_entry *e = bsearch(code, p->entries, p->count, sizeof *e, entry_cmp);
        if (!e)
            return -1;
        *out = e->population;
        return 0;
    }
    return -1;
}

/* ---- results ------------------------------------------------------------- */

size_t ics_benchmark_count(const struct ics_benchmark *b)
{
    return b->n;
}

const struct ics_benchmark_row *ics_benchmark_row(const struct ics_benchmark *b, size_t i)
{
    return i < b->n ? &b->items[i].row : NULL;
}

const struct ics_benchmark_row *ics_benchmark_total(const struct ics_benchmark *b)
{
    return b->ran ? &b->total : NULL;
}

size_t ics_benchmark_rollup_count(const struct ics_benchmark *b)
{
    return b->nrollups;
}

const struct ics_benchmark_rollup *ics_benchmark_rollup(const struct ics_benchmark *b, size_t i)
{
    return i < b->nrollups ? &b->rollups[i] : NULL;
}

size_t ics_benchmark_note_count(const struct ics_benchmark *b)
{
    return b->nnotes;
}

const char *ics_benchmark_note(const struct ics_benchmark *b, size_t i)
{
    return i < b->nnotes ? b->notes[i] : NULL;
}

const struct ics_benchmark_info *ics_benchmark_info(const struct ics_benchmark *b)
{
    return &b->info;
}

int ics_benchmark_bed_days(const struct ics_benchmark *b)
{
    if (b->opt.bed_days != ICS_BED_DAYS_AUTO)
        return b->opt.bed_days == ICS_BED_DAYS_YES;
    /* Codes added one by one carry excess bed days and their cost: the input is bed days. */
    return !b->table.numerator[0] || ics_benchmark_bed_days_name(b->table.numerator);
}

int ics_benchmark_bed_days_name(const char *column)
{
    static const char suffix[] = "bed_days";
    size_t n = strlen(column), k = sizeof suffix - 1;
    return n >= k && strcasecmp(column + n - k, suffix) == 0;
}

int ics_benchmark_table_has_cost(const struct ics_benchmark *b)
{
    return b->table_has_cost;
}

const struct ics_benchmark_table *ics_benchmark_table(const struct ics_benchmark *b)
{
    return &b->table;
}
