/*
 * Geography handles and lookups over sorted arrays.
 *
 * The built-in geography points straight at the generated tables (one small
 * allocation for the handle). A loaded one (load.c) owns its arrays and an
 * arena of strings; both shapes are read by the same lookups. Lookups run
 * after aggregation on a few hundred codes, so binary search is plenty.
 */
#include <string.h>

#include "geography.h"

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Compares a stored (upper-case, NUL-terminated) code with a key of len bytes,
 * ignoring the key's letter case. */
static int code_cmp(const char *stored, const char *key, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int s = (unsigned char)stored[i], k = upper((unsigned char)key[i]);
        if (s == 0)
            return -1;                 /* stored is a prefix of key */
        if (s != k)
            return s < k ? -1 : 1;
    }
    return stored[len] ? 1 : 0;
}

long icsi_refdata_find(const void *base, size_t n, size_t size, const char *key, size_t len)
{
    if (!key)
        return -1;
    while (len && (*key == ' ' || *key == '\t')) {
        key++;
        len--;
    }
    while (len && (key[len - 1] == ' ' || key[len - 1] == '\t'))
        len--;
    if (len == 0)
        return -1;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *code = *(const char *const *)((const char *)base + mid * size);
        int c = code_cmp(code, key, len);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int ics_geography_default(struct ics_geography **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_geography *g = ics_calloc(1, sizeof *g);
    if (!g)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory for the built-in geography");
    g->areas = icsi_refdata_areas;
    g->area_count = icsi_refdata_area_count;
    g->icbs = icsi_refdata_icbs;
    g->icb_count = icsi_refdata_icb_count;
    g->regions = icsi_refdata_regions;
    g->region_count = icsi_refdata_region_count;
    g->effective_date = icsi_refdata_effective_date;
    g->source = "built-in ONS July 2022 lookup";
    *out = g;
    return ICS_OK;
}

void ics_geography_free(struct ics_geography *g)
{
    if (!g)
        return;
    if (g->owned) {
        ics_free(g->owned_areas);
        ics_free(g->owned_icbs);
        ics_free(g->owned_regions);
        ics_arena_release(&g->arena);
    }
    ics_free(g);
}

/* Longest chain in the data is three (2016 Taunton Deane -> 2019 Somerset
 * West and Taunton -> 2023 Somerset); the cap only guards against a cycle. */
#define MAX_CHANGE_HOPS 8

const struct ics_geography_area *ics_geography_la(const struct ics_geography *g,
                                                  const char *code, size_t len)
{
    if (!g || !code)
        return NULL;
    for (int hop = 0; hop <= MAX_CHANGE_HOPS; hop++) {
        long i = icsi_refdata_find(g->areas, g->area_count, sizeof g->areas[0], code, len);
        if (i >= 0)
            return &g->areas[i];
        long c = icsi_refdata_find(icsi_refdata_la_changes, icsi_refdata_la_change_count,
                                  sizeof icsi_refdata_la_changes[0], code, len);
        if (c < 0)
            return NULL;
        code = icsi_refdata_la_changes[c].name;
        len = strlen(code);
    }
    return NULL;
}

const char *ics_geography_icb_name(const struct ics_geography *g, const char *code, size_t len)
{
    if (!g)
        return NULL;
    long i = icsi_refdata_find(g->icbs, g->icb_count, sizeof g->icbs[0], code, len);
    return i < 0 ? NULL : g->icbs[i].name;
}

const char *ics_geography_region_name(const struct ics_geography *g, const char *code, size_t len)
{
    if (!g)
        return NULL;
    long i = icsi_refdata_find(g->regions, g->region_count, sizeof g->regions[0], code, len);
    return i < 0 ? NULL : g->regions[i].name;
}

size_t ics_geography_count(const struct ics_geography *g)
{
    return g ? g->area_count : 0;
}

const struct ics_geography_area *ics_geography_at(const struct ics_geography *g, size_t i)
{
    return g && i < g->area_count ? &g->areas[i] : NULL;
}

const char *ics_geography_effective_date(const struct ics_geography *g)
{
    return g ? g->effective_date : NULL;
}

const char *ics_geography_source(const struct ics_geography *g)
{
    return g ? g->source : NULL;
}

int ics_gss_nation(const char *code, size_t len, const char **nation_code, const char **nation_name)
{
    static const struct { char letter; const char *code, *name; } nations[] = {
        {'E', "E92000001", "England"},
        {'W', "W92000004", "Wales"},
        {'S', "S92000003", "Scotland"},
        {'N', "N92000002", "Northern Ireland"},
    };
    if (!code)
        return -1;
    while (len && (*code == ' ' || *code == '\t')) {
        code++;
        len--;
    }
    while (len && (code[len - 1] == ' ' || code[len - 1] == '\t'))
        len--;
    /* A GSS code is a letter and eight digits. */
    if (len != 9)
        return -1;
    for (size_t i = 1; i < len; i++)
        if (code[i] < '0' || code[i] > '9')
            return -1;
    for (size_t i = 0; i < sizeof nations / sizeof nations[0]; i++) {
        if (upper((unsigned char)code[0]) == nations[i].letter) {
            if (nation_code)
                *nation_code = nations[i].code;
            if (nation_name)
                *nation_name = nations[i].name;
            return 0;
        }
    }
    return -1;
}

const char *ics_provider_name(const char *code, size_t len)
{
    long i = icsi_refdata_find(icsi_refdata_providers, icsi_refdata_provider_count,
                              sizeof icsi_refdata_providers[0], code, len);
    return i < 0 ? NULL : icsi_refdata_providers[i].name;
}
