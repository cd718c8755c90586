/* Internal to src/ledger/: reference tables and shared helpers. */
#ifndef ICS_LEDGER_INTERNAL_H
#define ICS_LEDGER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Organisation codes shipped with the project (sorted by code, strcmp order). */
struct ledger_org_ref {
    const char *code;
    const char *type;   /* trust, icb, sub_icb, ccg, stp, local_authority */
    const char *name;
};
extern const struct ledger_org_ref ledger_org_refs[];
extern const size_t ledger_org_ref_count;

/* England and Wales bank holidays, days since 1970-01-01, ascending. */
extern const int32_t ledger_bank_holidays[];
extern const size_t ledger_bank_holiday_count;
extern const int ledger_bank_holiday_first_year;
extern const int ledger_bank_holiday_last_year;

#endif
