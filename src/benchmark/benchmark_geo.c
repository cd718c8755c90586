/* Glue between benchmarking and the reference geography: areas for peer groups
 * by ICB or region and for ICB and region totals, and populations of ICBs and
 * regions. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "benchmark_internal.h"
#include "ics/refdata.h"

static int pop_cmp(const void *a, const void *b)
{
    return strcmp(((const struct bm_pair *)a)->code, ((const struct bm_pair *)b)->code);
}

static int pop_key_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct bm_pair *)elem)->code);
}

/* Which field of an area a code matches: 1 ICB, 2 region, 3 nation. */
static int area_level(const struct ics_geography *g, const char *code)
{
    size_t len = strlen(code);
    if (ics_geography_icb_name(g, code, len))
        return 1;
    if (ics_geography_region_name(g, code, len))
        return 2;
    if (strcasecmp(code, "E92000001") == 0)
        return 3;
    return 0;
}

static int in_area(const struct ics_geography_area *a, int level, const char *code)
{
    if (level == 1)
        return strcasecmp(a->icb_code, code) == 0;
    if (level == 2)
        return strcasecmp(a->region_code, code) == 0;
    return 1;
}

int ics_benchmark_use_geography(struct ics_benchmark *b, const struct ics_geography *g,
                                size_t *matched, struct ics_error *err)
{
    int rc;
    size_t found = 0, unknown = 0, summed = 0;
    const char *first_unknown = NULL;
    size_t nla = ics_geography_count(g);
    for (size_t i = 0; i < b->n; i++) {
        const char *code = b->items[i].row.code;
        if (!code[0])
            continue;
        const struct ics_geography_area *a = ics_geography_la(g, code, strlen(code));
        if (a) {
            if ((rc = ics_benchmark_set_area(b, code, a->icb_code, a->icb_name, a->region_code, a->region_name, err)))
                return rc;
            found++;
            continue;
        }
        int level = area_level(g, code);
        if (level == 1) {
            /* An ICB-level table: the region is that of any of its authorities. */
            for (size_t k = 0; k < nla; k++) {
                const struct ics_geography_area *x = ics_geography_at(g, k);
                if (in_area(x, 1, code)) {
                    if ((rc = ics_benchmark_set_area(b, code, NULL, NULL, x->region_code, x->region_name, err)))
                        return rc;
                    break;
                }
            }
            found++;
        } else if (level > 1) {
            found++;
        } else {
            if (!unknown++)
                first_unknown = code;
        }
    }
    if (found && unknown) {
        if ((rc = icsi_bm_note(b, err, "%zu code%s (first '%s') %s not in the geography (%s), so in no ICB or "
                               "region total", unknown, unknown == 1 ? "" : "s", first_unknown,
                               unknown == 1 ? "is" : "are", ics_geography_source(g))))
            return rc;
    }
    if (matched)
        *matched = found;

    /* Populations of ICBs, regions and England as sums of their authorities. */
    if (b->opt.denominator != ICS_DEN_POPULATION || b->npops == 0)
        return ICS_OK;
    qsort(b->pops, b->npops, sizeof *b->pops, pop_cmp);
    size_t n0 = b->npops;
    for (size_t i = 0; i < b->n; i++) {
        const char *code = b->items[i].row.code;
        if (!code[0] || bsearch(code, b->pops, n0, sizeof *b->pops, pop_key_cmp))
            continue;
        int level = area_level(g, code);
        if (!level)
            continue;
        long double sum = 0;
        size_t members = 0, missing = 0;
        for (size_t k = 0; k < nla; k++) {
            const struct ics_geography_area *x = ics_geography_at(g, k);
            if (!in_area(x, level, code))
                continue;
            members++;
            const struct bm_pair *p = bsearch(x->la_code, b->pops, n0, sizeof *b->pops, pop_key_cmp);
            if (p)
                sum += p->value;
            else
                missing++;
        }
        if (members == missing)
            continue;   /* none known: the code gets "no population" at run time */
        if (missing) {
            /* The built-in geography holds both the 2022 districts and the 2023
             * unitaries that replaced some of them; a population list has one or
             * the other, so authorities it lacks are skipped, and said so. */
            const char *example = NULL;
            for (size_t k = 0; k < nla && !example; k++) {
                const struct ics_geography_area *x = ics_geography_at(g, k);
                if (in_area(x, level, code) && !bsearch(x->la_code, b->pops, n0, sizeof *b->pops, pop_key_cmp))
                    example = x->la_code;
            }
            if ((rc = icsi_bm_note(b, err, "population of '%s': %zu of its %zu local authorities (%s%s) %s not in "
                                   "%s; the sum of the other %zu is used", code, missing, members,
                                   missing == 1 ? "" : "first ", example, missing == 1 ? "is" : "are",
                                   b->pops_label ? b->pops_label : "the population list", members - missing)))
                return rc;
        }
        if ((rc = ics_benchmark_add_population(b, code, (double)sum, 0, err)))
            return rc;
        summed++;
    }
    if (summed && (rc = icsi_bm_note(b, err, "the population of %zu ICB, region or England code%s is the sum of %s "
                                     "local authorities in %s (each authority in the one ICB the geography gives it)",
                                     summed, summed == 1 ? "" : "s", summed == 1 ? "its" : "their",
                                     b->pops_label ? b->pops_label : "the population list")))
        return rc;
    return ICS_OK;
}
