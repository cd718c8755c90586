/*
 * Peer groups during a run: which group each code is in, the group's
 * quartiles (R type 7), each code's band and rank, the group targets, and the
 * best-5-of-10 targets from each code's own peers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchmark_internal.h"
#include "ics/stats.h"

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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

static int group_target_kind(const struct ics_benchmark *b)
{
    return b->opt.target == ICS_TARGET_TOP_QUARTILE || b->opt.target == ICS_TARGET_TOP_QUARTILE_MEAN ||
           b->opt.target == ICS_TARGET_MEDIAN;
}

/* ---- membership ------------------------------------------------------------ */

/* The side data a grouping needs, and groups given twice. */
static int check_group_inputs(struct ics_benchmark *b, struct ics_error *err)
{
    if (b->opt.within == ICS_WITHIN_FILE) {
        if (b->ngroups == 0)
            return ics_error_set(err, ICS_ERR_USAGE, "peer groups from a file: the groups list has no rows");
        icsi_bm_sort_pairs(b->groups, b->ngroups);
        for (size_t i = 1; i < b->ngroups; i++)
            if (strcmp(b->groups[i].code, b->groups[i - 1].code) == 0 &&
                strcmp(b->groups[i].text, b->groups[i - 1].text) != 0)
                return ics_error_set(err, ICS_ERR_PARSE,
                                     "%s:%ld: code '%s' is in group '%s' and, on line %ld, in group '%s'",
                                     b->groups_label ? b->groups_label : "groups", b->groups[i].line,
                                     b->groups[i].code, b->groups[i].text, b->groups[i - 1].line,
                                     b->groups[i - 1].text);
    }
    if ((b->opt.within == ICS_WITHIN_ICB || b->opt.within == ICS_WITHIN_REGION) && b->nareas == 0)
        return ics_error_set(err, ICS_ERR_USAGE, "peer groups by %s need a geography: no code is a known area",
                             b->opt.within == ICS_WITHIN_ICB ? "ICB" : "region");
    return ICS_OK;
}

/* Gives each item its group name; ungrouped codes lose their rate. */
static int assign_groups(struct ics_benchmark *b, struct ics_error *err)
{
    int rc;
    for (size_t i = 0; i < b->n; i++) {
        struct bm_item *it = &b->items[i];
        const char *g = NULL;
        switch (b->opt.within) {
        case ICS_WITHIN_ALL:
            g = "all";
            break;
        case ICS_WITHIN_FILE: {
            const struct bm_pair *p = icsi_bm_pair_first(b->groups, b->ngroups, it->row.code);
            if (p)
                g = p->text;
            else if (it->row.code[0] && (rc = icsi_bm_problem(b, it, err, "not in the groups file %s",
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
                     (rc = icsi_bm_problem(b, it, err, "no %s: not an area the geography knows",
                                           b->opt.within == ICS_WITHIN_ICB ? "ICB" : "region")))
                return rc;
            break;
        }
        }
        if (g)
            it->row.group = g;
        else
            it->row.rate = NAN;   /* ungrouped codes cannot be benchmarked */
    }
    return ICS_OK;
}

/* The sorted, unique group names, each with target NAN. */
static int unique_groups(struct ics_benchmark *b, struct bm_group **out, size_t *nout, struct ics_error *err)
{
    const char **names = ics_malloc((b->n ? b->n : 1) * sizeof *names);
    if (!names)
        return icsi_bm_nomem(err);
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
        return icsi_bm_nomem(err);
    }
    for (size_t g = 0; g < ng; g++) {
        groups[g].name = names[g];
        groups[g].target = NAN;
    }
    ics_free(names);
    *out = groups;
    *nout = ng;
    return ICS_OK;
}

static size_t group_of(const struct bm_group *groups, size_t ng, const char *name)
{
    size_t lo = 0, hi = ng;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(groups[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;   /* not reached: every item's group is among the names */
}

/* Members (items with a rate), counted then filled. */
static int fill_members(struct ics_benchmark *b, struct bm_group *groups, size_t ng, struct ics_error *err)
{
    size_t *counts = ics_calloc(ng ? ng : 1, sizeof *counts);
    size_t *gi = ics_malloc((b->n ? b->n : 1) * sizeof *gi);
    if (!counts || !gi) {
        ics_free(counts);
        ics_free(gi);
        return icsi_bm_nomem(err);
    }
    for (size_t i = 0; i < b->n; i++) {
        gi[i] = (size_t)-1;
        if (!b->items[i].row.group[0])
            continue;
        gi[i] = group_of(groups, ng, b->items[i].row.group);
        if (!isnan(b->items[i].row.rate))
            counts[gi[i]]++;
    }
    int rc = ICS_OK;
    for (size_t g = 0; g < ng && rc == ICS_OK; g++) {
        groups[g].members = ics_malloc((counts[g] ? counts[g] : 1) * sizeof(size_t));
        groups[g].sorted = ics_malloc((counts[g] ? counts[g] : 1) * sizeof(double));
        if (!groups[g].members || !groups[g].sorted)
            rc = icsi_bm_nomem(err);
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

int icsi_bm_build_groups(struct ics_benchmark *b, struct bm_group **out, size_t *nout, struct ics_error *err)
{
    int rc;
    *out = NULL;
    *nout = 0;
    if ((rc = check_group_inputs(b, err)) || (rc = assign_groups(b, err)) || (rc = unique_groups(b, out, nout, err)))
        return rc;
    return fill_members(b, *out, *nout, err);
}

void icsi_bm_free_groups(struct bm_group *groups, size_t ng)
{
    if (!groups)
        return;
    for (size_t g = 0; g < ng; g++) {
        ics_free(groups[g].members);
        ics_free(groups[g].sorted);
    }
    ics_free(groups);
}

/* ---- quartiles, bands, ranks ---------------------------------------------- */

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

/* Quartiles of a group of 4 or more rates, and its target when the target is of the quartile kind. */
static void quartiles(const struct ics_benchmark *b, struct bm_group *g)
{
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
}

int icsi_bm_score_groups(struct ics_benchmark *b, struct bm_group *groups, size_t ng, struct ics_error *err)
{
    int rc;
    int group_target = group_target_kind(b);
    for (size_t gidx = 0; gidx < ng; gidx++) {
        struct bm_group *g = &groups[gidx];
        icsi_bm_sort_doubles(g->sorted, g->n);
        if (g->n >= 4) {
            quartiles(b, g);
        } else if (g->n > 0 || b->opt.within != ICS_WITHIN_ALL) {
            if ((rc = icsi_bm_note(b, err, "group '%s' has %zu code%s with a rate: fewer than 4, so no quartiles "
                                   "(bands%s left empty)", g->name, g->n, g->n == 1 ? "" : "s",
                                   group_target ? ", targets and opportunities" : "")))
                return rc;
        }
        for (size_t m = 0; m < g->n; m++) {
            struct bm_item *it = &b->items[g->members[m]];
            it->row.rank = compute_rank(b, g, it->row.rate);
            if (g->has_quartiles)
                it->row.band = compute_band(b, g, it->row.rate);
            if (!group_target)
                continue;
            if (g->has_quartiles) {
                it->row.target = g->target;
                it->has_target = 1;
            } else if ((rc = icsi_bm_problem(b, it, err, "group '%s' has fewer than 4 codes with a rate: no quartiles",
                                             g->name))) {
                return rc;
            }
        }
    }
    return ICS_OK;
}

/* ---- best 5 of 10 peers ------------------------------------------------------ */

/* Checks every row of the peers list once, in code order: notes for repeats,
 * codes not in the table, codes listed as their own peer, unknown peers and
 * peers without a rate. */
static int check_peers(struct ics_benchmark *b, const struct bm_index *ix, const char *pl, struct ics_error *err)
{
    int rc;
    for (size_t i = 0; i < b->npeers; i++) {
        const struct bm_pair *p = &b->peers[i];
        if (i > 0 && strcmp(p->code, b->peers[i - 1].code) == 0 && strcmp(p->text, b->peers[i - 1].text) == 0) {
            if ((rc = icsi_bm_note(b, err, "%s:%ld: peer '%s' of '%s' is listed twice; counted once", pl, p->line,
                                   p->text, p->code)))
                return rc;
            continue;
        }
        if (!icsi_bm_find(ix, p->code)) {
            if (i == 0 || strcmp(p->code, b->peers[i - 1].code) != 0)
                if ((rc = icsi_bm_note(b, err, "%s:%ld: code '%s' is not in the table; its peers are ignored", pl,
                                       p->line, p->code)))
                    return rc;
            continue;
        }
        if (strcmp(p->code, p->text) == 0) {
            if ((rc = icsi_bm_note(b, err, "%s:%ld: '%s' is listed as its own peer; ignored", pl, p->line, p->code)))
                return rc;
            continue;
        }
        const struct bm_item *peer = icsi_bm_find(ix, p->text);
        if (!peer) {
            if ((rc = icsi_bm_note(b, err, "%s:%ld: peer '%s' of '%s' is not in the table; ignored", pl, p->line,
                                   p->text, p->code)))
                return rc;
        } else if (isnan(peer->row.rate)) {
            if ((rc = icsi_bm_note(b, err, "%s:%ld: peer '%s' of '%s' has no rate (%s); ignored", pl, p->line,
                                   p->text, p->code, peer->row.problem ? peer->row.problem : "excluded")))
                return rc;
        }
    }
    return ICS_OK;
}

/* One code's target: the mean of the best 5 rates among its listed peers
 * (rates: scratch room for every peer row). */
static int peer_target(struct ics_benchmark *b, const struct bm_index *ix, struct bm_item *it, double *rates,
                       const char *pl, struct ics_error *err)
{
    int rc;
    const struct bm_pair *p = icsi_bm_pair_first(b->peers, b->npeers, it->row.code);
    size_t listed = 0, k = 0;
    for (; p && p < b->peers + b->npeers && strcmp(p->code, it->row.code) == 0; p++) {
        if (p > b->peers && strcmp(p[-1].code, p->code) == 0 && strcmp(p[-1].text, p->text) == 0)
            continue;   /* duplicate row */
        if (strcmp(p->text, p->code) == 0)
            continue;
        listed++;
        const struct bm_item *peer = icsi_bm_find(ix, p->text);
        if (peer && !isnan(peer->row.rate))
            rates[k++] = peer->row.rate;
    }
    if (listed == 0)
        return icsi_bm_problem(b, it, err, "no peers in %s", pl);
    if (k < 5)
        return icsi_bm_problem(b, it, err, "only %zu of its %zu peers have a rate (5 needed)", k, listed);
    if (listed != 10 && (rc = icsi_bm_note(b, err, "%s:%ld: code '%s' has %zu peers, not 10; the best 5 of them "
                                           "are used", b->table.label, it->row.line, it->row.code, listed)))
        return rc;
    icsi_bm_sort_doubles(rates, k);
    long double sum = 0;
    for (size_t j = 0; j < 5; j++)
        sum += b->opt.better == ICS_BETTER_LOWER ? rates[j] : rates[k - 1 - j];
    it->row.target = (double)(sum / 5);
    it->has_target = 1;
    return ICS_OK;
}

int icsi_bm_peer_targets(struct ics_benchmark *b, const struct bm_index *ix, struct ics_error *err)
{
    int rc;
    const char *pl = b->peers_label ? b->peers_label : "peers";
    if (b->npeers == 0)
        return ics_error_set(err, ICS_ERR_USAGE, "the best 5 of 10 target needs peers (code,peer rows)");
    qsort(b->peers, b->npeers, sizeof *b->peers, peer_cmp);
    if ((rc = check_peers(b, ix, pl, err)))
        return rc;
    double *rates = ics_malloc((b->npeers ? b->npeers : 1) * sizeof *rates);
    if (!rates)
        return icsi_bm_nomem(err);
    rc = ICS_OK;
    for (size_t i = 0; i < b->n && rc == ICS_OK; i++)
        if (!isnan(b->items[i].row.rate))
            rc = peer_target(b, ix, &b->items[i], rates, pl, err);
    ics_free(rates);
    return rc;
}
