/*
 * ics reference data: the geography that rolls a patient's residence up from
 * local authority to integrated care board (ICB), NHS England region and
 * nation, and the names of NHS trusts.
 *
 * Codes are ONS GSS codes: local authority districts E06/E07/E08/E09, ICBs
 * E54, NHS England regions E40, England E92000001. Provider codes are ODS
 * codes (3 characters for trusts).
 *
 * The default geography is built in (generated from the CSVs in data/geography/;
 * docs/geography.md says how): the ONS July 2022 lookup,
 * effective 2022-07-01, plus the four 2023 unitary authorities. A user can
 * load a newer lookup from a CSV file instead (ICBs merge from April 2026).
 * Nothing in the logic names a particular area: it is all data.
 *
 * Lookups are read-only and safe to call from several threads at once.
 */
#ifndef ICS_REFDATA_H
#define ICS_REFDATA_H

#include <stddef.h>

#include "ics/core.h"

/*
 * One local authority and the areas it rolls up to. Every pointer is owned by
 * the geography it came from and stays valid until ics_geography_free. Codes
 * are never empty; a name is "" when neither the file nor the built-in data
 * knows it.
 */
struct ics_geography_area {
    const char *la_code;
    const char *la_name;
    const char *icb_code;
    const char *icb_name;
    const char *region_code;      /* NHS England region, E40 */
    const char *region_name;
    const char *nation_code;      /* E92000001 */
    const char *nation_name;      /* England */
};

struct ics_geography;

/* The built-in geography. On success *out is a new handle the caller frees
 * with ics_geography_free. Fails only with ICS_ERR_NOMEM. */
int ics_geography_default(struct ics_geography **out, struct ics_error *err);

/*
 * Loads a geography from a CSV file ("-" = standard input) with a header.
 * Columns are found by name, case-insensitively:
 *   required  la_code (or LAD22CD, LAD23CD, ..., ltla22_code, lad_code)
 *             icb_code (or ICB22CD, ICB23CD, ..., icb22_code)
 *             region_code (or NHSER22CD, NHSER23CD, ..., nhser_code)
 *   optional  la_name, icb_name, region_name (same families: LAD22NM, ...)
 *             effective_date (ISO or DD/MM/YYYY; every non-empty value equal)
 * Other columns are ignored. The file may hold one row per local authority or
 * one row per smaller area (an LSOA-level lookup): an authority whose rows
 * name more than one ICB goes to the ICB named on most of its rows, ties to
 * the lowest ICB code (the rule the built-in data uses). Each ICB must lie in
 * one region. Missing names are taken from the built-in data where the code
 * is known there. The nation is England for every row.
 * On success *out is a new handle the caller frees. Errors: ICS_ERR_IO,
 * ICS_ERR_MISSING_COLUMN (the message names the column), ICS_ERR_EMPTY (no
 * data rows), ICS_ERR_PARSE ("file:line:column: reason": an empty required
 * code, a bad effective date, an ICB in two regions), ICS_ERR_NOMEM.
 */
int ics_geography_load(const char *path, struct ics_geography **out, struct ics_error *err);

/* Frees a geography and everything its lookups returned. NULL is allowed. */
void ics_geography_free(struct ics_geography *g);

/*
 * The local authority with this code (not NUL-terminated; surrounding spaces
 * and letter case ignored). A code the geography does not hold is followed
 * through the built-in table of code changes (data/geography/la_code_changes.csv:
 * 2016-2021 codes to their 2022 successor, 2022 districts to the 2023
 * unitary that absorbed them) until a held code is found, so the returned
 * area's la_code may differ from the one asked for. NULL when not found
 * (including every non-English code).
 */
const struct ics_geography_area *ics_geography_la(const struct ics_geography *g,
                                                  const char *code, size_t len);

/* Name of an ICB / NHS region held by the geography; NULL if not held. */
const char *ics_geography_icb_name(const struct ics_geography *g, const char *code, size_t len);
const char *ics_geography_region_name(const struct ics_geography *g, const char *code, size_t len);

/* Number of local authorities, and the i-th in code order (i < count). */
size_t ics_geography_count(const struct ics_geography *g);
const struct ics_geography_area *ics_geography_at(const struct ics_geography *g, size_t i);

/* "YYYY-MM-DD" from which the lookup applies: "2022-07-01" for the built-in
 * data; a loaded file's effective_date column, or NULL if it has none. */
const char *ics_geography_effective_date(const struct ics_geography *g);

/* Where the geography came from, for report footers: "built-in ONS July 2022
 * lookup" or the path as given to ics_geography_load. */
const char *ics_geography_source(const struct ics_geography *g);

/*
 * The UK nation of any GSS code, from its first letter (E England, W Wales,
 * S Scotland, N Northern Ireland): sets the nation's code (E92000001,
 * W92000004, S92000003, N92000002) and name. Returns 0, or -1 for anything
 * else (then the outputs are untouched). For residents outside England.
 */
int ics_gss_nation(const char *code, size_t len, const char **nation_code, const char **nation_name);

/*
 * Name of an NHS trust from its ODS code (case and surrounding spaces
 * ignored), from the built-in list (data/organisations/providers.csv), which
 * keeps trusts that have since merged or closed under their last name. NULL
 * if unknown. The string is static.
 */
const char *ics_provider_name(const char *code, size_t len);

/*
 * Embedded population tables (generated from data/population by tools/gen).
 * ics_refdata_population_tables() returns the array, ended by an entry with a
 * NULL name; the first is the newest ("ons" names it). Static, never freed.
 */
struct ics_population_entry {
    const char *code;
    int64_t population;
};
struct ics_population_table {
    const char *name;
    const char *description;
    const struct ics_population_entry *entries;   /* sorted by code */
    size_t count;
};
const struct ics_population_table *ics_refdata_population_tables(void);

#endif
