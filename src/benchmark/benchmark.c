/*
 * Benchmarking: rates, quartiles, bands, ranks, targets, gaps and the
 * opportunity of closing a fraction of the gap. See include/ics/benchmark.h
 * for the contract and docs/commands/benchmark.md for the definitions.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "benchmark_internal.h"
#include "ics/stats.h"
#include "ics/refdata.h"

/* ---- small helpers ------------------------------------------------------ */

int bm_grow(void **ptr, size_t *cap, size_t need, size_t elem)
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

const char *bm_strdup(struct ics_benchmark *b, const char *s)
{
    if (!s)
        s = "";
    return ics_arena_strndup(&b->arena, s, strlen(s));
}

int bm_note(struct ics_benchmark *b, struct ics_error *err, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (bm_grow((void **)&b->notes, &b->capnotes, b->nnotes + 1, sizeof *b->notes) != 0)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    const char *copy = bm_strdup(b, buf);
    if (!copy)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    b->notes[b->nnotes++] = (char *)copy;
    return ICS_OK;
}

static int nomem(struct ics_error *err)
{
    return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
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
    opt->cost_per_day_pence = -1;
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
    if (o.cost_per_day_pence < -1)
        return ics_error_set(err, ICS_ERR_USAGE, "the cost per day must not be negative");
    struct ics_benchmark *b = ics_calloc(1, sizeof *b);
    if (!b)
        return nomem(err);
    b->opt = o;
    ics_arena_init(&b->arena, 16384);
    b->label = "table";
    b->num_column = "";
    b->den_column = "";
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
    if (bm_grow((void **)&b->items, &b->cap, b->n + 1, sizeof *b->items) != 0)
        return b->n + 1 > BM_MAX_ITEMS
            ? ics_error_set(err, ICS_ERR_PARSE, "too many codes (at most %u)", BM_MAX_ITEMS)
            : nomem(err);
    struct bm_item *it = &b->items[b->n];
    memset(it, 0, sizeof *it);
    it->row.code = bm_strdup(b, in->code);
    it->row.name = bm_strdup(b, in->name);
    it->row.group = "";
    it->row.problem = in->problem ? bm_strdup(b, in->problem) : NULL;
    if (!it->row.code || !it->row.name || (in->problem && !it->row.problem))
        return nomem(err);
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
    if (bm_grow((void **)arr, cap, *n + 1, sizeof **arr) != 0)
        return nomem(err);
    struct bm_pair *p = &(*arr)[*n];
    p->code = bm_strdup(b, code);
    p->text = text ? bm_strdup(b, text) : NULL;
    if (!p->code || (text && !p->text))
        return nomem(err);
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
    if (bm_grow((void **)&b->areas, &b->capareas, b->nareas + 1, sizeof *b->areas) != 0)
        return nomem(err);
    struct bm_area *a = &b->areas[b->nareas];
    a->code = bm_strdup(b, code);
    a->icb_code = icb_code && *icb_code ? bm_strdup(b, icb_code) : NULL;
    a->icb_name = bm_strdup(b, icb_name);
    a->region_code = region_code && *region_code ? bm_strdup(b, region_code) : NULL;
    a->region_name = bm_strdup(b, region_name);
    if (!a->code || !a->icb_name || !a->region_name || (icb_code && *icb_code && !a->icb_code) ||
        (region_code && *region_code && !a->region_code))
        return nomem(err);
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

/* ---- run ----------------------------------------------------------------- */

/* Sorting helpers: qsort has no context argument, so sorts go through arrays of
 * pointers or indices compared by a file-static pointer set just before. */
static const struct bm_item *sort_items;

static int idx_code_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_items[x].row.code, sort_items[y].row.code);
    if (c)
        return c;
    return x < y ? -1 : x > y;
}

static int pair_cmp(const void *a, const void *b)
{
    const struct bm_pair *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Peers: by code, then peer, so a repeated row sits next to its first. */
static int peer_cmp(const void *a, const void *b)
{
    const struct bm_pair *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (!c)
        c = strcmp(x->text, y->text);
    if (c)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int pair_key_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct bm_pair *)elem)->code);
}

static int area_cmp(const void *a, const void *b)
{
    return strcmp(((const struct bm_area *)a)->code, ((const struct bm_area *)b)->code);
}

static int area_key_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct bm_area *)elem)->code);
}

static int double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first of a run of pairs with this code (pairs sorted by code, line). */
static const struct bm_pair *pair_first(const struct bm_pair *arr, size_t n, const char *code)
{
    const struct bm_pair *p = bsearch(code, arr, n, sizeof *arr, pair_key_cmp);
    if (!p)
        return NULL;
    while (p > arr && strcmp(p[-1].code, code) == 0)
        p--;
    return p;
}

/* Finds the item for a code through the sorted index; NULL if none. */
static struct bm_item *find_item(struct ics_benchmark *b, const size_t *by_code, size_t nb,
                                 const char *code)
{
    size_t lo = 0, hi = nb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b->items[by_code[mid]].row.code, code);
        if (c == 0)
            return &b->items[by_code[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *where(const struct ics_benchmark *b, long line, char *buf, size_t size)
{
    if (line > 0)
        snprintf(buf, size, "%s:%ld: ", b->label, line);
    else
        buf[0] = '\0';
    return buf;
}

/* Marks an item as excluded (or partly so) with a reason, once. */
static int problem(struct ics_benchmark *b, struct bm_item *it, struct ics_error *err,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int problem(struct ics_benchmark *b, struct bm_item *it, struct ics_error *err,
                   const char *fmt, ...)
{
    if (it->row.problem)
        return ICS_OK;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    it->row.problem = bm_strdup(b, buf);
    if (!it->row.problem)
        return nomem(err);
    return ICS_OK;
}

struct bm_group {
    const char *name;
    size_t *members;      /* item indices with a rate */
    size_t n;
    double *sorted;       /* member rates ascending */
    int has_quartiles;
    double q1, q2, q3;
    double target;        /* group target (quartile kinds), NAN if none */
};

static int compute_band(const struct ics_benchmark *b, const struct bm_group *g, double r)
{
    /* A rate on a boundary takes the better band. */
    if (b->opt.better == ICS_BETTER_LOWER) {
        if (r <= g->q1)
            return 1;
        if (r <= g->q2)
            return 2;
        if (r <= g->q3)
            return 3;
        return 4;
    }
    if (r >= g->q3)
        return 1;
    if (r >= g->q2)
        return 2;
    if (r >= g->q1)
        return 3;
    return 4;
}

/* Rank 1 = best; equal rates share the better rank (1, 2, 2, 4). */
static int compute_rank(const struct ics_benchmark *b, const struct bm_group *g, double r)
{
    size_t lo = 0, hi = g->n;
    if (b->opt.better == ICS_BETTER_LOWER) {
        /* count of rates strictly below r: lower bound */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (g->sorted[mid] < r)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (int)lo + 1;
    }
    /* count of rates strictly above r: n - upper bound */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->sorted[mid] <= r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int)(g->n - lo) + 1;
}

/* Rates are compared exactly: see the header on why equal ratios are equal doubles. */
static int resolve_denominators(struct ics_benchmark *b, struct ics_error *err)
{
    int rc;
    if (b->opt.denominator == ICS_DEN_POPULATION) {
        if (b->npops == 0)
            return ics_error_set(err, ICS_ERR_USAGE, "a population denominator needs a population file or table");
        qsort(b->pops, b->npops, sizeof *b->pops, pair_cmp);
        for (size_t i = 1; i < b->npops; i++)
            if (strcmp(b->pops[i].code, b->pops[i - 1].code) == 0)
                return ics_error_set(err, ICS_ERR_PARSE, "%s:%ld: code '%s' has a second population (first on line %ld)",
                                     b->pops_label ? b->pops_label : "population", b->pops[i].line,
                                     b->pops[i].code, b->pops[i - 1].line);
    }
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        struct ics_benchmark_row *r = &it->row;
        r->rate = NAN;
        if (r->problem)
            continue;
        if (!r->code[0]) {
            if ((rc = problem(b, it, err, "no code")))
                return rc;
            continue;
        }
        /* `ics beds --by residence` puts spells without a residence under "unknown":
         * not an area, so not a peer of the others. */
        if (strcasecmp(r->code, "unknown") == 0) {
            if ((rc = problem(b, it, err, "an unknown residence is not an area")))
                return rc;
            continue;
        }
        if (isnan(r->numerator)) {
            if ((rc = problem(b, it, err, "no numerator")))
                return rc;
            continue;
        }
        double d = 1;
        if (b->opt.denominator == ICS_DEN_POPULATION) {
            const struct bm_pair *p = bsearch(r->code, b->pops, b->npops, sizeof *b->pops, pair_key_cmp);
            if (!p) {
                r->denominator = NAN;
                if ((rc = problem(b, it, err, "no population for this code in %s",
                                  b->pops_label ? b->pops_label : "the population list")))
                    return rc;
                continue;
            }
            r->denominator = p->value;
        }
        if (b->opt.denominator != ICS_DEN_NONE) {
            d = r->denominator;
            const char *dn = b->opt.denominator == ICS_DEN_POPULATION ? "population" : b->den_column;
            char dv[64];
            ics_benchmark_format_number(d, dv, sizeof dv);
            if (isnan(d))
                rc = problem(b, it, err, "missing denominator");
            else if (d == 0)
                rc = problem(b, it, err, "zero denominator (%s = 0)", dn);
            else if (d < 0)
                rc = problem(b, it, err, "negative denominator (%s = %s)", dn, dv);
            else
                rc = ICS_OK;
            if (rc)
                return rc;
            if (r->problem)
                continue;
        } else {
            r->denominator = NAN;
        }
        double rate = r->numerator * b->info.scale / d;
        if (!isfinite(rate)) {
            if ((rc = problem(b, it, err, "the rate is too large to compute")))
                return rc;
            continue;
        }
        r->rate = rate;
    }
    return ICS_OK;
}

/* Sorted, unique group names with their members. */
static int build_groups(struct ics_benchmark *b, struct bm_group **out, size_t *nout,
                        struct ics_error *err)
{
    int rc;
    *out = NULL;
    *nout = 0;
    if (b->opt.within == ICS_WITHIN_FILE) {
        if (b->ngroups == 0)
            return ics_error_set(err, ICS_ERR_USAGE, "--within FILE: the groups file has no rows");
        qsort(b->groups, b->ngroups, sizeof *b->groups, pair_cmp);
        for (size_t i = 1; i < b->ngroups; i++)
            if (strcmp(b->groups[i].code, b->groups[i - 1].code) == 0 &&
                strcmp(b->groups[i].text, b->groups[i - 1].text) != 0)
                return ics_error_set(err, ICS_ERR_PARSE,
                                     "%s:%ld: code '%s' is in group '%s' and, on line %ld, in group '%s'",
                                     b->groups_label ? b->groups_label : "groups", b->groups[i].line,
                                     b->groups[i].code, b->groups[i].text, b->groups[i - 1].line,
                                     b->groups[i - 1].text);
    }
    if (b->opt.within == ICS_WITHIN_ICB || b->opt.within == ICS_WITHIN_REGION) {
        if (b->nareas == 0)
            return ics_error_set(err, ICS_ERR_USAGE, "--within %s needs a geography: no code is a known area",
                                 b->opt.within == ICS_WITHIN_ICB ? "icb" : "region");
    }
    /* Assign each item its group name. */
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        const char *g = NULL;
        switch (b->opt.within) {
        case ICS_WITHIN_ALL:
            g = "all";
            break;
        case ICS_WITHIN_FILE: {
            const struct bm_pair *p = pair_first(b->groups, b->ngroups, it->row.code);
            if (p)
                g = p->text;
            else if (it->row.code[0] && (rc = problem(b, it, err, "not in the groups file %s",
                                                      b->groups_label ? b->groups_label : "")))
                return rc;
            break;
        }
        case ICS_WITHIN_ICB:
        case ICS_WITHIN_REGION: {
            const struct bm_area *a = it->area;
            const char *code = !a ? NULL : b->opt.within == ICS_WITHIN_ICB ? a->icb_code : a->region_code;
            if (code)
                g = code;
            else if (it->row.code[0] &&
                     (rc = problem(b, it, err, "no %s: not an area the geography knows",
                                   b->opt.within == ICS_WITHIN_ICB ? "ICB" : "region")))
                return rc;
            break;
        }
        }
        if (g) {
            it->row.group = g;
        } else {
            it->row.rate = NAN;   /* ungrouped codes cannot be benchmarked */
        }
    }
    /* Unique names. */
    const char **names = ics_malloc((b->n ? b->n : 1) * sizeof *names);
    if (!names)
        return nomem(err);
    size_t nn = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].row.group[0])
            names[nn++] = b->items[i].row.group;
    qsort(names, nn, sizeof *names, str_ptr_cmp);
    size_t ng = 0;
    for (size_t i = 0; i < nn; i++)
        if (ng == 0 || strcmp(names[ng - 1], names[i]) != 0)
            names[ng++] = names[i];
    struct bm_group *groups = ics_calloc(ng ? ng : 1, sizeof *groups);
    if (!groups) {
        ics_free(names);
        return nomem(err);
    }
    for (size_t g = 0; g < ng; g++) {
        groups[g].name = names[g];
        groups[g].target = NAN;
    }
    ics_free(names);
    *out = groups;
    *nout = ng;
    /* Members (items with a rate), counted then filled. */
    size_t *counts = ics_calloc(ng ? ng : 1, sizeof *counts);
    size_t *gi = ics_malloc((b->n ? b->n : 1) * sizeof *gi);
    if (!counts || !gi) {
        ics_free(counts);
        ics_free(gi);
        return nomem(err);
    }
    for (size_t i = 0; i < b->n; i++) {
        gi[i] = (size_t)-1;
        if (!b->items[i].row.group[0])
            continue;
        size_t lo = 0, hi = ng;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(groups[mid].name, b->items[i].row.group);
            if (c == 0) {
                lo = mid;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        gi[i] = lo;
        if (!isnan(b->items[i].row.rate))
            counts[lo]++;
    }
    rc = ICS_OK;
    for (size_t g = 0; g < ng && rc == ICS_OK; g++) {
        groups[g].members = ics_malloc((counts[g] ? counts[g] : 1) * sizeof(size_t));
        groups[g].sorted = ics_malloc((counts[g] ? counts[g] : 1) * sizeof(double));
        if (!groups[g].members || !groups[g].sorted)
            rc = nomem(err);
    }
    if (rc == ICS_OK) {
        for (size_t i = 0; i < b->n; i++) {
            if (gi[i] == (size_t)-1 || isnan(b->items[i].row.rate))
                continue;
            struct bm_group *g = &groups[gi[i]];
            g->members[g->n] = i;
            g->sorted[g->n] = b->items[i].row.rate;
            g->n++;
        }
    }
    ics_free(counts);
    ics_free(gi);
    return rc;
}

static void free_groups(struct bm_group *groups, size_t ng)
{
    if (!groups)
        return;
    for (size_t g = 0; g < ng; g++) {
        ics_free(groups[g].members);
        ics_free(groups[g].sorted);
    }
    ics_free(groups);
}

/* Quartiles, bands, ranks and the group's target. */
static int score_groups(struct ics_benchmark *b, struct bm_group *groups, size_t ng,
                        struct ics_error *err)
{
    int rc;
    for (size_t gidx = 0; gidx < ng; gidx++) {
        struct bm_group *g = &groups[gidx];
        qsort(g->sorted, g->n, sizeof *g->sorted, double_cmp);
        if (g->n >= 4) {
            g->has_quartiles = 1;
            g->q1 = ics_quantile_type7(g->sorted, g->n, 0.25);
            g->q2 = ics_quantile_type7(g->sorted, g->n, 0.5);
            g->q3 = ics_quantile_type7(g->sorted, g->n, 0.75);
            double boundary = b->opt.better == ICS_BETTER_LOWER ? g->q1 : g->q3;
            switch (b->opt.target) {
            case ICS_TARGET_TOP_QUARTILE:
                g->target = boundary;
                break;
            case ICS_TARGET_MEDIAN:
                g->target = g->q2;
                break;
            case ICS_TARGET_TOP_QUARTILE_MEAN: {
                long double sum = 0;
                size_t k = 0;
                for (size_t i = 0; i < g->n; i++) {
                    double r = g->sorted[i];
                    if (b->opt.better == ICS_BETTER_LOWER ? r <= boundary : r >= boundary) {
                        sum += r;
                        k++;
                    }
                }
                g->target = (double)(sum / (long double)k);   /* k >= 1: the best rate qualifies */
                break;
            }
            default:
                break;
            }
        } else if (g->n > 0 || b->opt.within != ICS_WITHIN_ALL) {
            int group_target = b->opt.target == ICS_TARGET_TOP_QUARTILE ||
                               b->opt.target == ICS_TARGET_TOP_QUARTILE_MEAN ||
                               b->opt.target == ICS_TARGET_MEDIAN;
            if ((rc = bm_note(b, err, "group '%s' has %zu code%s with a rate: fewer than 4, so no quartiles "
                              "(bands%s left empty)", g->name, g->n, g->n == 1 ? "" : "s",
                              group_target ? ", targets and opportunities" : "")))
                return rc;
        }
        for (size_t m = 0; m < g->n; m++) {
            struct bm_item *it = &b->items[g->members[m]];
            it->row.rank = compute_rank(b, g, it->row.rate);
            if (g->has_quartiles)
                it->row.band = compute_band(b, g, it->row.rate);
            int group_target = b->opt.target == ICS_TARGET_TOP_QUARTILE ||
                               b->opt.target == ICS_TARGET_TOP_QUARTILE_MEAN ||
                               b->opt.target == ICS_TARGET_MEDIAN;
            if (group_target) {
                if (g->has_quartiles) {
                    it->row.target = g->target;
                    it->has_target = 1;
                } else if ((rc = problem(b, it, err, "group '%s' has fewer than 4 codes with a rate: no quartiles",
                                         g->name))) {
                    return rc;
                }
            }
        }
    }
    return ICS_OK;
}

/* best5of10: the mean of the best 5 rates among each code's own peers. */
static int peer_targets(struct ics_benchmark *b, const size_t *by_code, size_t nb, struct ics_error *err)
{
    int rc;
    const char *pl = b->peers_label ? b->peers_label : "peers";
    if (b->npeers == 0)
        return ics_error_set(err, ICS_ERR_USAGE, "--target best5of10 needs a peers file (code,peer rows)");
    qsort(b->peers, b->npeers, sizeof *b->peers, peer_cmp);
    /* Check every row of the peers file once, in file order of codes. */
    for (size_t i = 0; i < b->npeers; i++) {
        const struct bm_pair *p = &b->peers[i];
        if (i > 0 && strcmp(p->code, b->peers[i - 1].code) == 0 && strcmp(p->text, b->peers[i - 1].text) == 0) {
            if ((rc = bm_note(b, err, "%s:%ld: peer '%s' of '%s' is listed twice; counted once", pl, p->line,
                              p->text, p->code)))
                return rc;
            continue;
        }
        if (!find_item(b, by_code, nb, p->code)) {
            if (i == 0 || strcmp(p->code, b->peers[i - 1].code) != 0)
                if ((rc = bm_note(b, err, "%s:%ld: code '%s' is not in the table; its peers are ignored", pl,
                                  p->line, p->code)))
                    return rc;
            continue;
        }
        if (strcmp(p->code, p->text) == 0) {
            if ((rc = bm_note(b, err, "%s:%ld: '%s' is listed as its own peer; ignored", pl, p->line, p->code)))
                return rc;
            continue;
        }
        const struct bm_item *peer = find_item(b, by_code, nb, p->text);
        if (!peer) {
            if ((rc = bm_note(b, err, "%s:%ld: peer '%s' of '%s' is not in the table; ignored", pl, p->line,
                              p->text, p->code)))
                return rc;
        } else if (isnan(peer->row.rate)) {
            if ((rc = bm_note(b, err, "%s:%ld: peer '%s' of '%s' has no rate (%s); ignored", pl, p->line,
                              p->text, p->code, peer->row.problem ? peer->row.problem : "excluded")))
                return rc;
        }
    }
    double *rates = ics_malloc((b->npeers ? b->npeers : 1) * sizeof *rates);
    if (!rates)
        return nomem(err);
    rc = ICS_OK;
    for (size_t i = 0; i < b->n && rc == ICS_OK; i++) {
        struct bm_item *it = &b->items[i];
        if (isnan(it->row.rate))
            continue;
        const struct bm_pair *p = pair_first(b->peers, b->npeers, it->row.code);
        size_t listed = 0, k = 0;
        for (; p && p < b->peers + b->npeers && strcmp(p->code, it->row.code) == 0; p++) {
            if (p > b->peers && strcmp(p[-1].code, p->code) == 0 && strcmp(p[-1].text, p->text) == 0)
                continue;   /* duplicate row */
            if (strcmp(p->text, p->code) == 0)
                continue;
            listed++;
            const struct bm_item *peer = find_item(b, by_code, nb, p->text);
            if (peer && !isnan(peer->row.rate))
                rates[k++] = peer->row.rate;
        }
        if (listed == 0) {
            rc = problem(b, it, err, "no peers in %s", pl);
            continue;
        }
        if (k < 5) {
            rc = problem(b, it, err, "only %zu of its %zu peers have a rate (5 needed)", k, listed);
            continue;
        }
        if (listed != 10 && (rc = bm_note(b, err, "%s:%ld: code '%s' has %zu peers, not 10; the best 5 of them are used",
                                          b->label, it->row.line, it->row.code, listed)))
            break;
        qsort(rates, k, sizeof *rates, double_cmp);
        long double sum = 0;
        for (size_t j = 0; j < 5; j++)
            sum += b->opt.better == ICS_BETTER_LOWER ? rates[j] : rates[k - 1 - j];
        it->row.target = (double)(sum / 5);
        it->has_target = 1;
    }
    ics_free(rates);
    return rc;
}

/* A code's own cost per bed day is usable when it has excess bed days and a
 * positive cost: `ics beds` without rates writes 0.00 for every code, and a
 * zero there means "not priced", not "free". */
static int cost_usable(const struct bm_item *it)
{
    return it->has_cost && it->ebd > 0 && it->cost_pence > 0;
}

/* Cost per numerator unit in pence (pounds = opportunity x cost / 100: pence
 * are divided out once, at the end, so a whole-pence cost adds up exactly). */
static int resolve_costs(struct ics_benchmark *b, long double *avg_out, struct ics_error *err)
{
    (void)err;
    *avg_out = NAN;
    if (b->opt.cost_per_day_pence >= 0) {
        for (size_t i = 0; i < b->n; i++)
            b->items[i].cost_per_unit = (long double)b->opt.cost_per_day_pence;
        return ICS_OK;
    }
    long double cost = 0, days = 0;
    if (b->table_has_cost) {
        for (size_t i = 0; i < b->n; i++) {
            const struct bm_item *it = &b->items[i];
            if (cost_usable(it)) {
                cost += (long double)it->cost_pence;
                days += (long double)it->ebd;
            }
        }
        if (days > 0)
            *avg_out = cost / days;
        else
            b->table_unpriced = 1;   /* a cost column with nothing priced: as if none */
    }
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        if (b->table_has_cost && !b->table_unpriced && cost_usable(it))
            it->cost_per_unit = (long double)it->cost_pence / (long double)it->ebd;
        else
            it->cost_per_unit = *avg_out;
    }
    return ICS_OK;
}

static long double apply_fraction(const struct ics_benchmark *b, long double v)
{
    return v * (long double)b->opt.close_gap.num / (long double)b->opt.close_gap.den;
}

static double beds_of(const struct ics_benchmark *b, long double opp)
{
    return (double)(opp / (long double)b->info.days);
}

static double open_beds_of(const struct ics_benchmark *b, long double opp)
{
    if (b->opt.occupancy.num == 0)
        return NAN;
    return (double)(opp * (long double)b->opt.occupancy.den /
                    ((long double)b->info.days * (long double)b->opt.occupancy.num));
}

struct rollup_acc {
    const char *level, *code, *name;
    size_t codes, contributing;
    long double gap_days, gap_pounds;
    int pounds_known;
};

static int rollup_cmp(const void *a, const void *b)
{
    const struct rollup_acc *x = a, *y = b;
    int c = strcmp(x->level, y->level);
    if (c)
        return c;
    return strcmp(x->code, y->code);
}

static int level_rank(const char *level)
{
    return strcmp(level, "group") == 0 ? 0 : strcmp(level, "icb") == 0 ? 1 : 2;
}

static int rollup_order_cmp(const void *a, const void *b)
{
    const struct rollup_acc *x = a, *y = b;
    int c = level_rank(x->level) - level_rank(y->level);
    if (c)
        return c;
    return strcmp(x->code, y->code);
}

static int build_rollups(struct ics_benchmark *b, struct ics_error *err)
{
    /* At most three roll-ups per code: group, ICB, region. */
    size_t max = b->n * 3;
    struct rollup_acc *acc = ics_calloc(max ? max : 1, sizeof *acc);
    if (!acc)
        return nomem(err);
    size_t na = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct bm_item *it = &b->items[i];
        if (!it->has_target)
            continue;
        const char *lv[3] = {NULL, NULL, NULL}, *cd[3] = {NULL, NULL, NULL}, *nm[3] = {"", "", ""};
        if (b->opt.within == ICS_WITHIN_FILE && it->row.group[0]) {
            lv[0] = "group";
            cd[0] = it->row.group;
        }
        if (it->area && it->area->icb_code) {
            lv[1] = "icb";
            cd[1] = it->area->icb_code;
            nm[1] = it->area->icb_name;
        }
        if (it->area && it->area->region_code) {
            lv[2] = "region";
            cd[2] = it->area->region_code;
            nm[2] = it->area->region_name;
        }
        for (int k = 0; k < 3; k++) {
            if (!lv[k])
                continue;
            struct rollup_acc *a = &acc[na++];
            a->level = lv[k];
            a->code = cd[k];
            a->name = nm[k];
            a->codes = 1;
            /* Only positive opportunities count (the RightCare roll-up rule). */
            a->contributing = it->gap_days > 0;
            a->gap_days = it->gap_days > 0 ? it->gap_days : 0;
            a->pounds_known = !isnan(it->cost_per_unit);
            a->gap_pounds = a->pounds_known ? a->gap_days * it->cost_per_unit : 0;
        }
    }
    qsort(acc, na, sizeof *acc, rollup_cmp);
    size_t nu = 0;
    for (size_t i = 0; i < na; i++) {
        if (nu > 0 && strcmp(acc[nu - 1].level, acc[i].level) == 0 && strcmp(acc[nu - 1].code, acc[i].code) == 0) {
            struct rollup_acc *u = &acc[nu - 1];
            u->codes += acc[i].codes;
            u->contributing += acc[i].contributing;
            u->gap_days += acc[i].gap_days;
            /* A member without a cost makes the roll-up's pounds unknown only if it has a gap. */
            if (!acc[i].pounds_known && acc[i].gap_days > 0)
                u->pounds_known = 0;
            u->gap_pounds += acc[i].gap_pounds;
            if (!u->name[0])
                u->name = acc[i].name;
        } else {
            acc[nu] = acc[i];
            if (!acc[nu].pounds_known && acc[nu].gap_days == 0)
                acc[nu].pounds_known = 1;
            nu++;
        }
    }
    qsort(acc, nu, sizeof *acc, rollup_order_cmp);
    b->rollups = ics_calloc(nu ? nu : 1, sizeof *b->rollups);
    if (!b->rollups) {
        ics_free(acc);
        return nomem(err);
    }
    for (size_t i = 0; i < nu; i++) {
        struct ics_benchmark_rollup *r = &b->rollups[i];
        long double opp = apply_fraction(b, acc[i].gap_days);
        r->level = acc[i].level;
        r->code = acc[i].code;
        r->name = acc[i].name ? acc[i].name : "";
        r->codes = acc[i].codes;
        r->contributing = acc[i].contributing;
        r->opportunity = (double)opp;
        r->opportunity_beds = beds_of(b, opp);
        r->opportunity_beds_to_open = open_beds_of(b, opp);
        r->opportunity_pounds = acc[i].pounds_known ? (double)(apply_fraction(b, acc[i].gap_pounds) / 100) : NAN;
    }
    b->nrollups = nu;
    ics_free(acc);
    return ICS_OK;
}

static int resolve_days(struct ics_benchmark *b, struct ics_error *err)
{
    if (b->opt.days > 0) {
        b->info.days = b->opt.days;
        b->info.days_source = "--days";
    } else if (b->days_state == 1) {
        b->info.days = b->table_days;
        b->info.days_source = "the table's days column";
    } else if (b->days_state == 2) {
        return ics_error_set(err, ICS_ERR_USAGE,
                             "%s: the days column differs between rows (%ld on line %ld, %ld on line %ld); "
                             "give --days", b->label, b->table_days, b->table_days_line, b->other_days,
                             b->other_days_line);
    } else {
        b->info.days = 365;
        b->info.days_source = "default 365";
    }
    return ICS_OK;
}

/* Gaps, opportunities, totals, notes and roll-ups, once every target is known. */
static int finish(struct ics_benchmark *b, size_t ng, long double avg_cost, struct ics_error *err)
{
    int rc;
    struct ics_benchmark_info *info = &b->info;
    long double sum_num = 0, sum_den = 0, sum_gap = 0, sum_pounds = 0;
    int pounds_known = 1;
    size_t avg_used = 0;
    const char *avg_example = NULL;
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        struct ics_benchmark_row *r = &it->row;
        if (isnan(r->rate))
            continue;
        info->benchmarked++;
        sum_num += r->numerator;
        if (b->opt.denominator != ICS_DEN_NONE)
            sum_den += r->denominator;
        if (!it->has_target)
            continue;
        info->with_target++;
        double t = r->target;
        long double d = b->opt.denominator != ICS_DEN_NONE ? (long double)r->denominator : 1;
        /* The target in numerator units: gap x DEN / scale = NUM - target x DEN / scale,
         * which keeps the rate's rounding out of the bed days. */
        long double tu = (long double)t * d / (long double)info->scale;
        long double gd = 0;
        r->gap = 0;
        if (b->opt.better == ICS_BETTER_LOWER ? r->rate > t : r->rate < t) {
            r->gap = b->opt.better == ICS_BETTER_LOWER ? r->rate - t : t - r->rate;
            gd = b->opt.better == ICS_BETTER_LOWER ? (long double)r->numerator - tu : tu - (long double)r->numerator;
            if (gd < 0)
                gd = 0;
        }
        it->gap_days = gd;
        long double opp = apply_fraction(b, gd);
        r->opportunity = (double)opp;
        r->opportunity_beds = beds_of(b, opp);
        r->opportunity_beds_to_open = open_beds_of(b, opp);
        if (gd == 0) {
            /* nothing to price; still empty when no cost is known at all */
            r->opportunity_pounds = b->opt.cost_per_day_pence >= 0 || (b->table_has_cost && !b->table_unpriced)
                ? 0 : NAN;
        } else if (isnan(it->cost_per_unit)) {
            pounds_known = 0;
        } else {
            r->opportunity_pounds = (double)(opp * it->cost_per_unit / 100);
            sum_pounds += gd * it->cost_per_unit;
            if (b->opt.cost_per_day_pence < 0 && !(cost_usable(it))) {
                avg_used++;
                if (!avg_example)
                    avg_example = r->code;
            }
        }
        sum_gap += gd;
    }
    info->codes = b->n;
    info->groups = ng;
    info->gap_days = sum_gap;
    info->opportunity = apply_fraction(b, sum_gap);
    info->pounds = pounds_known && (b->opt.cost_per_day_pence >= 0 || (b->table_has_cost && !b->table_unpriced))
        ? apply_fraction(b, sum_pounds) / 100 : (long double)NAN;

    struct ics_benchmark_row *t = &b->total;
    memset(t, 0, sizeof *t);
    t->code = "total";
    t->name = "Total";
    t->group = "";
    t->numerator = (double)sum_num;
    t->denominator = b->opt.denominator != ICS_DEN_NONE ? (double)sum_den : NAN;
    t->rate = b->opt.denominator != ICS_DEN_NONE && sum_den > 0
        ? (double)(sum_num * (long double)info->scale / sum_den) : NAN;
    t->target = t->gap = NAN;
    t->opportunity = (double)info->opportunity;
    t->opportunity_beds = beds_of(b, info->opportunity);
    t->opportunity_beds_to_open = open_beds_of(b, info->opportunity);
    t->opportunity_pounds = (double)info->pounds;
    if (info->with_target == 0)   /* nothing was measured: unknown, not zero */
        t->opportunity = t->opportunity_beds = t->opportunity_beds_to_open = t->opportunity_pounds = NAN;

    /* Cost wording. */
    char buf[256];
    if (b->opt.cost_per_day_pence >= 0) {
        char p[32];
        ics_pence_format(b->opt.cost_per_day_pence, p);
        snprintf(buf, sizeof buf, "--cost-per-day: \xc2\xa3%s per bed day for every code", p);
    } else if (b->table_has_cost && b->table_unpriced) {
        snprintf(buf, sizeof buf, "none: excess_cost is 0 for every code with excess bed days (not priced); "
                 "give --cost-per-day");
    } else if (b->table_has_cost) {
        snprintf(buf, sizeof buf, "each code's own cost per bed day (excess_cost / excess_bed_days)");
    } else {
        snprintf(buf, sizeof buf, "none: the table has no excess_cost column and no --cost-per-day was given");
    }
    info->cost_source = bm_strdup(b, buf);
    if (!info->cost_source)
        return nomem(err);

    /* Notes: every code with a problem, in table order. */
    for (size_t i = 0; i < b->n; i++) {
        const struct ics_benchmark_row *r = &b->items[i].row;
        if (!r->problem)
            continue;
        info->excluded++;
        char at[300];
        where(b, r->line, at, sizeof at);
        if ((rc = bm_note(b, err, "%scode '%s'%s%s%s: %s; %s", at, r->code, r->name[0] ? " (" : "", r->name,
                          r->name[0] ? ")" : "", r->problem,
                          isnan(r->rate) ? "not benchmarked" : "no target or opportunity")))
            return rc;
    }
    if (avg_used) {
        char p[64];
        ics_benchmark_format_number((double)(avg_cost / 100), p, sizeof p);
        if ((rc = bm_note(b, err, "%zu code%s with an opportunity (first '%s') %s no usable excess_cost and "
                          "excess_bed_days; %s pounds use the table's average cost of \xc2\xa3%s per bed day",
                          avg_used, avg_used == 1 ? "" : "s", avg_example, avg_used == 1 ? "has" : "have",
                          avg_used == 1 ? "its" : "their", p)))
            return rc;
    }
    if (info->benchmarked == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s: no code could be benchmarked (%zu excluded: %s)", b->label,
                             info->excluded, b->nnotes ? b->notes[b->nnotes - 1] : "see notes");
    return build_rollups(b, err);
}

int ics_benchmark_run(struct ics_benchmark *b, struct ics_error *err)
{
    int rc;
    if (b->ran)
        return ics_error_set(err, ICS_ERR_CONFLICT, "benchmark already run");
    b->ran = 1;
    if (b->n == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s: no codes to benchmark", b->label);
    struct ics_benchmark_info *info = &b->info;
    info->numerator = b->num_column;
    info->denominator = b->opt.denominator == ICS_DEN_POPULATION ? "population" : b->den_column;
    info->scale = b->opt.scale > 0 ? b->opt.scale : b->opt.denominator == ICS_DEN_NONE ? 1 : 1000;
    info->pounds = NAN;
    if ((rc = resolve_days(b, err)))
        return rc;
    for (size_t i = 0; i < b->n; i++) {
        struct ics_benchmark_row *r = &b->items[i].row;
        r->band = 0;
        r->rank = 0;
        r->target = r->gap = r->opportunity = r->opportunity_beds = NAN;
        r->opportunity_beds_to_open = r->opportunity_pounds = NAN;
    }

    /* Duplicate codes make every lookup ambiguous: refuse them. */
    size_t *by_code = ics_malloc(b->n * sizeof *by_code);
    if (!by_code)
        return nomem(err);
    size_t nb = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].row.code[0])
            by_code[nb++] = i;
    sort_items = b->items;
    qsort(by_code, nb, sizeof *by_code, idx_code_cmp);
    for (size_t i = 1; i < nb; i++) {
        const struct bm_item *x = &b->items[by_code[i - 1]], *y = &b->items[by_code[i]];
        if (strcmp(x->row.code, y->row.code) == 0) {
            ics_free(by_code);
            return ics_error_set(err, ICS_ERR_PARSE, "%s:%ld: code '%s' appears twice (first on line %ld)",
                                 b->label, y->row.line, y->row.code, x->row.line);
        }
    }
    struct bm_group *groups = NULL;
    size_t ng = 0;

    if (b->nareas) {
        qsort(b->areas, b->nareas, sizeof *b->areas, area_cmp);
        for (size_t i = 0; i < b->n; i++)
            b->items[i].area = bsearch(b->items[i].row.code, b->areas, b->nareas, sizeof *b->areas, area_key_cmp);
    }
    if ((rc = resolve_denominators(b, err)))
        goto out;
    if ((rc = build_groups(b, &groups, &ng, err)))
        goto out;
    if ((rc = score_groups(b, groups, ng, err)))
        goto out;
    if (b->opt.target == ICS_TARGET_BEST5OF10 && (rc = peer_targets(b, by_code, nb, err)))
        goto out;
    if (b->opt.target == ICS_TARGET_VALUE)
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(b->items[i].row.rate)) {
                b->items[i].row.target = b->opt.target_value;
                b->items[i].has_target = 1;
            }
    long double avg_cost;
    if ((rc = resolve_costs(b, &avg_cost, err)))
        goto out;
    rc = finish(b, ng, avg_cost, err);
out:
    free_groups(groups, ng);
    ics_free(by_code);
    return rc;
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

int ics_benchmark_table_has_cost(const struct ics_benchmark *b)
{
    return b->table_has_cost;
}
