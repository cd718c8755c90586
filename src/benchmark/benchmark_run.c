/*
 * ics_benchmark_run: rates from numerators and denominators, costs, gaps and
 * opportunities, the total row, notes and the roll-ups by group, ICB and
 * region. Groups, quartiles and targets are in benchmark_groups.c.
 *
 * Nothing here keeps state outside the benchmark object: sorts that need the
 * items compare pointers into them (struct bm_index), so two benchmarks can
 * run on two threads at once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "benchmark_internal.h"

/* ---- sorting and lookups --------------------------------------------------- */

/* By code, then by place in the table (the items are one array, so pointer
 * order is table order): a repeated code sits right after its first row. */
static int item_code_cmp(const void *a, const void *b)
{
    const struct bm_item *x = *(struct bm_item *const *)a, *y = *(struct bm_item *const *)b;
    int c = strcmp(x->row.code, y->row.code);
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

void icsi_bm_sort_pairs(struct bm_pair *arr, size_t n)
{
    qsort(arr, n, sizeof *arr, pair_cmp);
}

void icsi_bm_sort_doubles(double *v, size_t n)
{
    qsort(v, n, sizeof *v, double_cmp);
}

const struct bm_pair *icsi_bm_pair_first(const struct bm_pair *arr, size_t n, const char *code)
{
    const struct bm_pair *p = bsearch(code, arr, n, sizeof *arr, pair_key_cmp);
    if (!p)
        return NULL;
    while (p > arr && strcmp(p[-1].code, code) == 0)
        p--;
    return p;
}

struct bm_item *icsi_bm_find(const struct bm_index *ix, const char *code)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->by_code[mid]->row.code, code);
        if (c == 0)
            return ix->by_code[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The index of the codes (empty codes left out); duplicate codes make every
 * lookup ambiguous, so they are refused. */
static int index_codes(struct ics_benchmark *b, struct bm_index *ix, struct ics_error *err)
{
    ix->n = 0;
    ix->by_code = ics_malloc((b->n ? b->n : 1) * sizeof *ix->by_code);
    if (!ix->by_code)
        return icsi_bm_nomem(err);
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].row.code[0])
            ix->by_code[ix->n++] = &b->items[i];
    qsort(ix->by_code, ix->n, sizeof *ix->by_code, item_code_cmp);
    for (size_t i = 1; i < ix->n; i++) {
        const struct bm_item *x = ix->by_code[i - 1], *y = ix->by_code[i];
        if (strcmp(x->row.code, y->row.code) == 0)
            return ics_error_set(err, ICS_ERR_PARSE, "%s:%ld: code '%s' appears twice (first on line %ld)",
                                 b->table.label, y->row.line, y->row.code, x->row.line);
    }
    return ICS_OK;
}

/* ---- rates ------------------------------------------------------------------- */

static int check_populations(struct ics_benchmark *b, struct ics_error *err)
{
    if (b->npops == 0)
        return ics_error_set(err, ICS_ERR_USAGE, "a population denominator needs a population file or table");
    qsort(b->pops, b->npops, sizeof *b->pops, pair_cmp);
    for (size_t i = 1; i < b->npops; i++)
        if (strcmp(b->pops[i].code, b->pops[i - 1].code) == 0)
            return ics_error_set(err, ICS_ERR_PARSE, "%s:%ld: code '%s' has a second population (first on line %ld)",
                                 b->pops_label ? b->pops_label : "population", b->pops[i].line,
                                 b->pops[i].code, b->pops[i - 1].line);
    return ICS_OK;
}

/* One code's rate, or a problem saying why it has none. */
static int rate_of(struct ics_benchmark *b, struct bm_item *it, struct ics_error *err)
{
    struct ics_benchmark_row *r = &it->row;
    if (!r->code[0])
        return icsi_bm_problem(b, it, err, "no code");
    /* `ics beds --by residence` puts spells without a residence under "unknown":
     * not an area, so not a peer of the others. */
    if (strcasecmp(r->code, "unknown") == 0)
        return icsi_bm_problem(b, it, err, "an unknown residence is not an area");
    if (isnan(r->numerator))
        return icsi_bm_problem(b, it, err, "no numerator");
    double d = 1;
    if (b->opt.denominator == ICS_DEN_POPULATION) {
        const struct bm_pair *p = bsearch(r->code, b->pops, b->npops, sizeof *b->pops, pair_key_cmp);
        if (!p) {
            r->denominator = NAN;
            return icsi_bm_problem(b, it, err, "no population for this code in %s",
                                   b->pops_label ? b->pops_label : "the population list");
        }
        r->denominator = p->value;
    }
    if (b->opt.denominator != ICS_DEN_NONE) {
        d = r->denominator;
        const char *dn = b->opt.denominator == ICS_DEN_POPULATION ? "population" : b->table.denominator;
        if (isnan(d))
            return icsi_bm_problem(b, it, err, "missing denominator");
        if (d == 0)
            return icsi_bm_problem(b, it, err, "zero denominator (%s = 0)", dn);
        if (d < 0) {
            char dv[ICS_BENCHMARK_NUMBER_MAX];
            ics_benchmark_format_number(d, dv, sizeof dv);
            return icsi_bm_problem(b, it, err, "negative denominator (%s = %s)", dn, dv);
        }
    } else {
        r->denominator = NAN;
    }
    double rate = r->numerator * b->info.scale / d;
    if (!isfinite(rate))
        return icsi_bm_problem(b, it, err, "the rate is too large to compute");
    r->rate = rate;
    return ICS_OK;
}

/* Rates are compared exactly: see the header on why equal ratios are equal doubles. */
static int resolve_denominators(struct ics_benchmark *b, struct ics_error *err)
{
    int rc;
    if (b->opt.denominator == ICS_DEN_POPULATION && (rc = check_populations(b, err)))
        return rc;
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        it->row.rate = NAN;
        if (!it->row.problem && (rc = rate_of(b, it, err)))
            return rc;
    }
    return ICS_OK;
}

/* ---- costs ------------------------------------------------------------------- */

/* A code's own cost per bed day is usable when it has excess bed days and a
 * positive cost: `ics beds` without rates writes 0.00 for every code, and a
 * zero there means "not priced", not "free". */
static int cost_usable(const struct bm_item *it)
{
    return it->has_cost && it->ebd > 0 && it->cost_pence > 0;
}

/* The table's average cost per bed day over the codes priced (pence / days). */
struct avg_cost {
    int known;
    long double pence, days;
};

static void set_unit_cost(struct bm_item *it, int known, long double pence, long double days)
{
    it->has_unit_cost = known;
    it->unit_cost_pence = known ? pence : 0;
    it->unit_cost_days = known ? days : 1;
}

/* Each code's cost per numerator unit as pence / days, so that its pounds are
 * opportunity x pence / days / 100 with pence divided out once, at the end,
 * and a whole-pence cost adds up exactly. Only bed days have a cost. */
static void resolve_costs(struct ics_benchmark *b, struct avg_cost *avg)
{
    avg->known = 0;
    avg->pence = 0;
    avg->days = 1;
    int bed_days = ics_benchmark_bed_days(b);
    if (bed_days && b->opt.has_cost_per_day) {
        for (size_t i = 0; i < b->n; i++)
            set_unit_cost(&b->items[i], 1, (long double)b->opt.cost_per_day_pence, 1);
        return;
    }
    long double cost = 0, days = 0;
    if (bed_days && b->table_has_cost) {
        for (size_t i = 0; i < b->n; i++) {
            const struct bm_item *it = &b->items[i];
            if (cost_usable(it)) {
                cost += (long double)it->cost_pence;
                days += (long double)it->ebd;
            }
        }
        if (days > 0) {
            avg->known = 1;
            avg->pence = cost;
            avg->days = days;
        } else {
            b->table_unpriced = 1;   /* a cost column with nothing priced: as if none */
        }
    }
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        if (bed_days && b->table_has_cost && !b->table_unpriced && cost_usable(it))
            set_unit_cost(it, 1, (long double)it->cost_pence, (long double)it->ebd);
        else
            set_unit_cost(it, avg->known, avg->pence, avg->days);
    }
}

/* True when pounds can be known at all: bed days, and a cost per day or a table that prices something. */
static int costs_known(const struct ics_benchmark *b)
{
    return ics_benchmark_bed_days(b) && (b->opt.has_cost_per_day || (b->table_has_cost && !b->table_unpriced));
}

static double pounds_of(int known, int64_t pence)
{
    return known ? (double)pence / 100 : NAN;
}

/* Pence rounded half away from zero (roundl) from the exact figure; 0 when it
 * does not fit in int64 (above £92 million million), so that it is left unknown. */
static int to_pence(long double exact, int64_t *out)
{
    long double r = roundl(exact);
    *out = 0;
    if (!(r >= -9223372036854775808.0L && r < 9223372036854775808.0L))
        return 0;
    *out = (int64_t)r;
    return 1;
}

static enum ics_benchmark_cost_from cost_from(const struct ics_benchmark *b)
{
    if (!ics_benchmark_bed_days(b))
        return ICS_COST_NOT_BED_DAYS;
    if (b->opt.has_cost_per_day)
        return ICS_COST_FROM_OPTIONS;
    if (b->table_has_cost)
        return b->table_unpriced ? ICS_COST_UNPRICED : ICS_COST_FROM_TABLE;
    return ICS_COST_NONE;
}

static long double apply_fraction(const struct ics_benchmark *b, long double v)
{
    return v * (long double)b->opt.close_gap.num / (long double)b->opt.close_gap.den;
}

static double beds_of(const struct ics_benchmark *b, long double opp)
{
    if (!b->info.bed_days)
        return NAN;
    return (double)(opp / (long double)b->info.days);
}

static double open_beds_of(const struct ics_benchmark *b, long double opp)
{
    if (b->opt.occupancy.num == 0 || !b->info.bed_days)
        return NAN;
    return (double)(opp * (long double)b->opt.occupancy.den /
                    ((long double)b->info.days * (long double)b->opt.occupancy.num));
}

/* ---- roll-ups ------------------------------------------------------------------ */

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

/* One accumulator per (code with a target, level it belongs to); returns how many. */
static size_t rollup_members(const struct ics_benchmark *b, struct rollup_acc *acc)
{
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
            a->pounds_known = it->has_unit_cost;
            a->gap_pounds = a->pounds_known ? a->gap_days * it->unit_cost_pence / it->unit_cost_days : 0;
        }
    }
    return na;
}

/* Sums accumulators of the same level and code (sorted so); returns how many are left. */
static size_t rollup_merge(struct rollup_acc *acc, size_t na)
{
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
    return nu;
}

static int build_rollups(struct ics_benchmark *b, struct ics_error *err)
{
    /* At most three roll-ups per code: group, ICB, region. */
    size_t max = b->n * 3;
    struct rollup_acc *acc = ics_calloc(max ? max : 1, sizeof *acc);
    if (!acc)
        return icsi_bm_nomem(err);
    size_t nu = rollup_merge(acc, rollup_members(b, acc));
    b->rollups = ics_calloc(nu ? nu : 1, sizeof *b->rollups);
    if (!b->rollups) {
        ics_free(acc);
        return icsi_bm_nomem(err);
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
        r->has_pounds = acc[i].pounds_known && costs_known(b) &&
                        to_pence(apply_fraction(b, acc[i].gap_pounds), &r->opportunity_pence);
        r->opportunity_pounds = pounds_of(r->has_pounds, r->opportunity_pence);
    }
    b->nrollups = nu;
    ics_free(acc);
    return ICS_OK;
}

/* ---- settings checked at run time ------------------------------------------------ */

static int resolve_days(struct ics_benchmark *b, struct ics_error *err)
{
    const struct ics_benchmark_table *t = &b->table;
    if (!b->info.bed_days) {
        /* No beds to count, so the period length is not read for anything. */
        b->info.days = 365;
        b->info.days_from = ICS_DAYS_DEFAULT;
    } else if (b->opt.days > 0) {
        b->info.days = b->opt.days;
        b->info.days_from = ICS_DAYS_FROM_OPTIONS;
    } else if (t->days_state == 1) {
        b->info.days = t->days;
        b->info.days_from = ICS_DAYS_FROM_TABLE;
    } else if (t->days_state == 2) {
        return ics_error_set(err, ICS_ERR_USAGE,
                             "%s: the days column differs between rows (%ld on line %ld, %ld on line %ld); "
                             "give the number of days", t->label, t->days, t->days_line, t->other_days,
                             t->other_days_line);
    } else {
        b->info.days = 365;
        b->info.days_from = ICS_DAYS_DEFAULT;
    }
    return ICS_OK;
}

/* Days, occupancy and a cost per day only convert bed days: set with another
 * numerator they would be silently ignored, so they are refused. */
static int check_bed_day_settings(const struct ics_benchmark *b, struct ics_error *err)
{
    const struct ics_benchmark_options *o = &b->opt;
    if (b->info.bed_days || (o->days <= 0 && o->occupancy.num == 0 && !o->has_cost_per_day))
        return ICS_OK;
    const char *what = o->days > 0 ? "a number of days" : o->occupancy.num ? "an occupancy" : "a cost per bed day";
    return ics_error_set(err, ICS_ERR_USAGE,
                         "%s: %s was given, but the numerator '%s' is not bed days, so it has no beds or pounds",
                         b->table.label, what, b->table.numerator);
}

static int check_denominator(const struct ics_benchmark *b, struct ics_error *err)
{
    if (b->opt.denominator == ICS_DEN_POPULATION && b->table.denominator[0])
        return ics_error_set(err, ICS_ERR_USAGE,
                             "%s: the metric has a denominator column ('%s') and the denominator is to be the "
                             "population: use one or the other", b->table.label, b->table.denominator);
    return ICS_OK;
}

/* ---- gaps, totals and notes -------------------------------------------------------- */

struct sums {
    long double num, den, gap, pounds;   /* pounds: in pence, before the fraction */
    int pounds_known;
    int pence_overflow;          /* a figure of pounds too large for int64 pence */
    size_t avg_used;             /* codes priced at the table's average cost */
    const char *avg_example;
};

/* One code's gap and opportunity, given its target (numerator units: see the header). */
static void gap_of(struct ics_benchmark *b, struct bm_item *it, struct sums *s)
{
    struct ics_benchmark_row *r = &it->row;
    double t = r->target;
    long double d = b->opt.denominator != ICS_DEN_NONE ? (long double)r->denominator : 1;
    /* The target in numerator units: gap x DEN / scale = NUM - target x DEN / scale,
     * which keeps the rate's rounding out of the bed days. */
    long double tu = (long double)t * d / (long double)b->info.scale;
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
    r->has_pounds = 0;
    r->opportunity_pence = 0;
    if (gd == 0) {
        /* nothing to price; still empty when no cost is known at all */
        r->has_pounds = costs_known(b);
        r->opportunity_pounds = pounds_of(r->has_pounds, 0);
    } else if (!it->has_unit_cost) {
        s->pounds_known = 0;
    } else {
        /* gap x cost x p / (days x q): one division, then one rounding to the penny */
        long double exact = gd * it->unit_cost_pence * (long double)b->opt.close_gap.num /
                            (it->unit_cost_days * (long double)b->opt.close_gap.den);
        r->has_pounds = to_pence(exact, &r->opportunity_pence);
        if (!r->has_pounds)
            s->pence_overflow = 1;
        s->pounds += gd * it->unit_cost_pence / it->unit_cost_days;
        r->opportunity_pounds = pounds_of(r->has_pounds, r->opportunity_pence);
        if (!b->opt.has_cost_per_day && !cost_usable(it)) {
            s->avg_used++;
            if (!s->avg_example)
                s->avg_example = r->code;
        }
    }
    s->gap += gd;
}

static void total_row(struct ics_benchmark *b, const struct sums *s)
{
    struct ics_benchmark_info *info = &b->info;
    struct ics_benchmark_row *t = &b->total;
    memset(t, 0, sizeof *t);
    t->code = "total";
    t->name = "Total";
    t->group = "";
    t->numerator = (double)s->num;
    t->denominator = b->opt.denominator != ICS_DEN_NONE ? (double)s->den : NAN;
    t->rate = b->opt.denominator != ICS_DEN_NONE && s->den > 0
        ? (double)(s->num * (long double)info->scale / s->den) : NAN;
    t->target = t->gap = NAN;
    t->opportunity = (double)info->opportunity;
    t->opportunity_beds = beds_of(b, info->opportunity);
    t->opportunity_beds_to_open = open_beds_of(b, info->opportunity);
    t->has_pounds = info->has_pounds;
    t->opportunity_pence = info->pence;
    if (info->with_target == 0) {   /* nothing was measured: unknown, not zero */
        t->opportunity = t->opportunity_beds = t->opportunity_beds_to_open = NAN;
        t->has_pounds = 0;
        t->opportunity_pence = 0;
    }
    t->opportunity_pounds = pounds_of(t->has_pounds, t->opportunity_pence);
}

/* Notes: every code with a problem, in table order, then the codes priced at the average. */
static int code_notes(struct ics_benchmark *b, const struct sums *s, const struct avg_cost *avg,
                      struct ics_error *err)
{
    int rc;
    for (size_t i = 0; i < b->n; i++) {
        const struct ics_benchmark_row *r = &b->items[i].row;
        if (!r->problem)
            continue;
        b->info.excluded++;
        const char *what = isnan(r->rate) ? "not benchmarked" : "no target or opportunity";
        const char *open = r->name[0] ? " (" : "", *close = r->name[0] ? ")" : "";
        if (r->line > 0)
            rc = icsi_bm_note(b, err, "%s:%ld: code '%s'%s%s%s: %s; %s", b->table.label, r->line, r->code, open,
                              r->name, close, r->problem, what);
        else
            rc = icsi_bm_note(b, err, "code '%s'%s%s%s: %s; %s", r->code, open, r->name, close, r->problem, what);
        if (rc)
            return rc;
    }
    if (s->pence_overflow &&
        (rc = icsi_bm_note(b, err, "pounds too large to hold in pence (above \xc2\xa3" "92,233,720,368,547,758) "
                           "are left empty")))
        return rc;
    if (s->avg_used) {
        char p[24];
        int64_t avg_pence = 0;
        to_pence(avg->pence / avg->days, &avg_pence);
        ics_pence_format(avg_pence, p);
        size_t n = s->avg_used;
        if ((rc = icsi_bm_note(b, err, "%zu code%s with an opportunity (first '%s') %s no usable excess_cost and "
                               "excess_bed_days; %s pounds use the table's average cost of \xc2\xa3%s per bed day",
                               n, n == 1 ? "" : "s", s->avg_example, n == 1 ? "has" : "have",
                               n == 1 ? "its" : "their", p)))
            return rc;
    }
    return ICS_OK;
}

/* Gaps, opportunities, totals, notes and roll-ups, once every target is known. */
static int finish(struct ics_benchmark *b, size_t ng, const struct avg_cost *avg, struct ics_error *err)
{
    int rc;
    struct ics_benchmark_info *info = &b->info;
    struct sums s = {0, 0, 0, 0, 1, 0, 0, NULL};
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        if (isnan(it->row.rate))
            continue;
        info->benchmarked++;
        s.num += it->row.numerator;
        if (b->opt.denominator != ICS_DEN_NONE)
            s.den += it->row.denominator;
        if (!it->has_target)
            continue;
        info->with_target++;
        gap_of(b, it, &s);
    }
    for (size_t i = 0; i < b->n; i++)
        info->contributing += b->items[i].row.opportunity > 0;
    info->codes = b->n;
    info->groups = ng;
    info->gap_days = s.gap;
    info->opportunity = apply_fraction(b, s.gap);
    info->has_pounds = 0;
    info->pence = 0;
    if (s.pounds_known && costs_known(b)) {
        info->has_pounds = to_pence(apply_fraction(b, s.pounds), &info->pence);
        if (!info->has_pounds)
            s.pence_overflow = 1;
    }
    info->cost_from = cost_from(b);
    total_row(b, &s);
    if ((rc = code_notes(b, &s, avg, err)))
        return rc;
    if (info->benchmarked == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s: no code could be benchmarked (%zu excluded: %s)",
                             b->table.label, info->excluded, b->nnotes ? b->notes[b->nnotes - 1] : "see notes");
    return build_rollups(b, err);
}

/* ---- the run ------------------------------------------------------------------------- */

static int start_run(struct ics_benchmark *b, struct ics_error *err)
{
    struct ics_benchmark_info *info = &b->info;
    info->numerator = b->table.numerator;
    info->denominator = b->opt.denominator == ICS_DEN_POPULATION ? "population" : b->table.denominator;
    info->scale = b->opt.scale > 0 ? b->opt.scale : b->opt.denominator == ICS_DEN_NONE ? 1 : 1000;
    info->bed_days = ics_benchmark_bed_days(b);
    info->has_pounds = 0;
    info->pence = 0;
    for (size_t i = 0; i < b->n; i++) {
        struct ics_benchmark_row *r = &b->items[i].row;
        r->band = 0;
        r->rank = 0;
        r->target = r->gap = r->opportunity = r->opportunity_beds = NAN;
        r->opportunity_beds_to_open = NAN;
        r->has_pounds = 0;
        r->opportunity_pence = 0;
        r->opportunity_pounds = NAN;
    }
    return icsi_bm_units(b, err);
}

int ics_benchmark_run(struct ics_benchmark *b, struct ics_error *err)
{
    int rc;
    if (b->ran)
        return ics_error_set(err, ICS_ERR_CONFLICT, "benchmark already run");
    b->ran = 1;
    if (b->n == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s: no codes to benchmark", b->table.label);
    if ((rc = start_run(b, err)) || (rc = check_bed_day_settings(b, err)) || (rc = check_denominator(b, err)) ||
        (rc = resolve_days(b, err)))
        return rc;
    struct bm_index ix = {NULL, 0};
    struct bm_group *groups = NULL;
    size_t ng = 0;
    if ((rc = index_codes(b, &ix, err)))
        goto out;
    if (b->nareas) {
        qsort(b->areas, b->nareas, sizeof *b->areas, area_cmp);
        for (size_t i = 0; i < b->n; i++)
            b->items[i].area = bsearch(b->items[i].row.code, b->areas, b->nareas, sizeof *b->areas, area_key_cmp);
    }
    if ((rc = resolve_denominators(b, err)) || (rc = icsi_bm_build_groups(b, &groups, &ng, err)) ||
        (rc = icsi_bm_score_groups(b, groups, ng, err)))
        goto out;
    if (b->opt.target == ICS_TARGET_BEST5OF10 && (rc = icsi_bm_peer_targets(b, &ix, err)))
        goto out;
    if (b->opt.target == ICS_TARGET_VALUE)
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(b->items[i].row.rate)) {
                b->items[i].row.target = b->opt.target_value;
                b->items[i].has_target = 1;
            }
    struct avg_cost avg;
    resolve_costs(b, &avg);
    rc = finish(b, ng, &avg, err);
out:
    icsi_bm_free_groups(groups, ng);
    ics_free(ix.by_code);
    return rc;
}
