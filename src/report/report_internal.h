/* ics report's private parts (not API):
 *   report_spec.c   the SPEC file: keys, sections, paths relative to it
 *   report_html.c   HTML: escaping, numbers for people, tables, the page's frame and print CSS
 *   report.c        the sections, each from a capability's library call
 */
#ifndef ICS_REPORT_INTERNAL_H
#define ICS_REPORT_INTERNAL_H

#include <stdio.h>

#include "ics/report.h"

enum {
    SECTION_BEDS_BY_PROVIDER,
    SECTION_BEDS_BY_PLACE,
    SECTION_OPPORTUNITY,
    SECTION_SPC,
    SECTION_FUNNEL,
    SECTION_LEDGER,
    SECTION_KINDS
};

#define SPEC_MAX_SECTIONS 16
#define SPEC_PATH_MAX 4096

struct report_spec {
    char title[256], subtitle[256];
    char spells[SPEC_PATH_MAX];            /* resolved against the SPEC's folder */
    char ledger[SPEC_PATH_MAX];            /* "" when none */
    char ledger_period[32];
    int32_t ledger_as_of;                  /* ICS_DATE_NONE: today */
    int has_rate;
    int64_t rate_pence;                    /* price of an excess bed day */
    char close_gap[32];                    /* as written ("1/3") */
    char occupancy[32];                    /* "" when none */
    int sections[SPEC_MAX_SECTIONS];
    int nsections;
    /* The system: its trusts (provider codes) and its places (local authorities
     * of residence, or an ICB's); empty: every code in the file. */
    char providers[4096];
    char places[4096];
    char icb[16];
    char ledger_orgs[4096];                /* the system's organisations on the squabble board; "": all */
};

/* Whether `code` is in a comma- or space-separated list. */
int icsi_report_listed(const char *list, const char *code);

/* Section names as a SPEC writes them ("beds-by-provider", ...). */
const char *icsi_report_section_name(int section);
int icsi_report_spec_read(const char *path, struct report_spec *spec, struct ics_error *err);

/* ---- HTML ------------------------------------------------------------------ */

void icsi_html_text(FILE *f, const char *s);   /* escaped for text and attribute values */
/* A table cell's text for people: thousands separators, the column's decimals, £ for money, "*" kept. */
void icsi_html_cell_text(const char *cell, const struct ics_column *col, char *buf, size_t size);
/* A table with the columns named (in that order, with their labels); rows for which `keep` is 0 are left out. */
void icsi_html_table(FILE *f, const struct ics_table *t, const char *const *columns, const char *const *labels,
                     const char *caption);
void icsi_html_begin(FILE *f, const char *title, const char *subtitle, const char *note);
void icsi_html_end(FILE *f);

#endif
