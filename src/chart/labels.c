/* Words for measures and organisations on charts (see svg_internal.h). */
#include "svg_internal.h"

#include <string.h>

#include "ics/core.h"
#include "ics/refdata.h"

/* The measures ics beds writes, as docs/definitions.md defines them; a chart
 * of one of them says what it is rather than showing a column name. */
static const struct {
    const char *column, *words;
} measures[] = {
    {"spells", "Spells"},
    {"bed_days", "Bed days"},
    {"excess_bed_days", "Excess bed days (beyond the trim point)"},
    {"excess_cost", "Cost of excess bed days (£)"},
    {"long_stay_7_spells", "Spells of 7 days or more"},
    {"long_stay_21_spells", "Spells of 21 days or more"},
    {"occupied_bed_days", "Occupied bed days"},
    {"long_stay_7_bed_days", "Bed days occupied by patients in hospital 7 days or more"},
    {"long_stay_21_bed_days", "Bed days occupied by patients in hospital 21 days or more"},
    {"avg_occupied_beds", "Average occupied beds"},
    {"avg_long_stay_21_beds", "Average beds occupied by patients in hospital 21 days or more"},
    {"excess_beds", "Average beds occupied by excess bed days"},
};

void icsi_chart_measure_words(const char *column, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (!column)
        column = "";
    for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
        if (strcmp(column, measures[i].column) == 0) {
            snprintf(buf, size, "%s", measures[i].words);
            return;
        }
    snprintf(buf, size, "%s", column);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

static int same_code(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 'a' + 'A') : *a;
        char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 'a' + 'A') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int icsi_chart_org_name(const char *code, char *buf, size_t size)
{
    if (size == 0)
        return ICS_OK;
    buf[0] = '\0';
    if (!code || !*code)
        return ICS_OK;
    size_t len = strlen(code);
    const char *name = ics_provider_name(code, len);
    if (name) {
        snprintf(buf, size, "%s", name);
        return ICS_OK;
    }
    const char *nation_code = NULL, *nation_name = NULL;
    if (ics_gss_nation(code, len, &nation_code, &nation_name) != 0)
        return ICS_OK;   /* not an ONS code: nothing more to look up */
    if (same_code(code, nation_code)) {
        snprintf(buf, size, "%s", nation_name);
        return ICS_OK;
    }
    struct ics_geography *g = NULL;
    struct ics_error err = {0};
    int rc = ics_geography_default(&g, &err);
    if (rc)
        return rc;
    const char *found = ics_geography_icb_name(g, code, len);
    if (!found)
        found = ics_geography_region_name(g, code, len);
    if (!found) {
        /* an old authority code leads to its successor: a different area, so not its name */
        const struct ics_geography_area *a = ics_geography_la(g, code, len);
        if (a && same_code(a->la_code, code))
            found = a->la_name;
    }
    if (found)
        snprintf(buf, size, "%s", found);
    ics_geography_free(g);
    return ICS_OK;
}
