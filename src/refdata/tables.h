/*
 * The built-in reference tables, generated into tables.c by
 * tools/gen/refdata.py from data/geography/ CSVs and
 * data/organisations/providers.csv. Private to src/refdata/.
 *
 * Invariants the generator checks: every array is sorted by its first member
 * (code) in strcmp order, with no repeats; codes are upper case.
 */
#ifndef ICS_REFDATA_TABLES_H
#define ICS_REFDATA_TABLES_H

#include <stddef.h>

#include "ics/refdata.h"

/* A code and a name, or (for la_changes) an old code and its successor. The
 * code must stay the first member: lookups search any array of structs that
 * starts with a code. */
struct ics_refdata_name {
    const char *code;
    const char *name;
};

extern const char icsi_refdata_effective_date[];
extern const char icsi_refdata_nation_code[];
extern const char icsi_refdata_nation_name[];

extern const struct ics_refdata_name icsi_refdata_regions[];
extern const size_t icsi_refdata_region_count;
extern const struct ics_refdata_name icsi_refdata_icbs[];
extern const size_t icsi_refdata_icb_count;
extern const struct ics_geography_area icsi_refdata_areas[];
extern const size_t icsi_refdata_area_count;
extern const struct ics_refdata_name icsi_refdata_la_changes[];
extern const size_t icsi_refdata_la_change_count;
extern const struct ics_refdata_name icsi_refdata_providers[];
extern const size_t icsi_refdata_provider_count;

/* Index of the element whose leading code equals key (case-insensitive, key
 * trimmed of spaces), or -1. `base` is an array of n structs of `size` bytes,
 * each starting with a `const char *` code, sorted by code. */
long icsi_refdata_find(const void *base, size_t n, size_t size, const char *key, size_t len);

#endif
