/* The geography handle, shared by geography.c (lookups, built-in data) and
 * load.c (user files). Private to src/refdata/. */
#ifndef ICS_REFDATA_GEOGRAPHY_H
#define ICS_REFDATA_GEOGRAPHY_H

#include "tables.h"

/*
 * Invariants: areas sorted by la_code, icbs and regions by code (strcmp order,
 * upper-case codes, no repeats); every area's icb_code is in icbs and its
 * region_code in regions, and its name pointers are those entries' names.
 */
struct ics_geography {
    const struct ics_geography_area *areas;
    size_t area_count;
    const struct ics_refdata_name *icbs;
    size_t icb_count;
    const struct ics_refdata_name *regions;
    size_t region_count;
    const char *effective_date;   /* NULL when unknown */
    const char *source;

    /* A loaded geography owns these (the pointers above alias them); the
     * built-in one points at static tables and owns nothing but itself. */
    int owned;
    struct ics_geography_area *owned_areas;
    struct ics_refdata_name *owned_icbs;
    struct ics_refdata_name *owned_regions;
    struct ics_arena arena;
};

#endif
