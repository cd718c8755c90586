/* The SPEC file of ics report (docs/commands/report.md): `key = value` lines,
 * '#' comments, paths relative to the SPEC's own folder so that a pack and
 * its inputs can be moved together and rerun every month. */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static const char *const section_names[SECTION_KINDS] = {
    "beds-by-provider", "beds-by-place", "opportunity", "spc", "funnel", "ledger",
};

const char *icsi_report_section_name(int section)
{
    return section >= 0 && section < SECTION_KINDS ? section_names[section] : "?";
}

int icsi_report_listed(const char *list, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = list; *p;) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        if ((size_t)(p - start) == n && n > 0 && memcmp(start, code, n) == 0)
            return 1;
    }
    return 0;
}

static int copy_value(char *dst, size_t size, const char *value, size_t len)
{
    if (len >= size)
        return -1;
    memcpy(dst, value, len);
    dst[len] = '\0';
    return 0;
}

/* A path in the SPEC, relative to the SPEC's folder unless absolute. */
static int resolve_path(const char *spec_path, const char *value, size_t len, char *out, size_t size)
{
    const char *slash = strrchr(spec_path, '/');
    if (value[0] == '/' || !slash)
        return copy_value(out, size, value, len);
    size_t dir = (size_t)(slash - spec_path) + 1;
    if (dir + len >= size)
        return -1;
    memcpy(out, spec_path, dir);
    memcpy(out + dir, value, len);
    out[dir + len] = '\0';
    return 0;
}

static int parse_sections(struct report_spec *spec, const char *value, size_t len, const char *path, long line,
                          struct ics_error *err)
{
    spec->nsections = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (value[i] == ',' || value[i] == ' ' || value[i] == '\t'))
            i++;
        size_t start = i;
        while (i < len && value[i] != ',' && value[i] != ' ' && value[i] != '\t')
            i++;
        if (i == start)
            break;
        int found = -1;
        for (int k = 0; k < SECTION_KINDS; k++)
            if (strlen(section_names[k]) == i - start && memcmp(section_names[k], value + start, i - start) == 0)
                found = k;
        if (found < 0)
            return ics_error_at(err, ICS_ERR_PARSE, path, line, 0,
                                "unknown section '%.*s' (sections: beds-by-provider, beds-by-place, opportunity, "
                                "spc, funnel, ledger)", (int)(i - start), value + start);
        for (int k = 0; k < spec->nsections; k++)
            if (spec->sections[k] == found)
                return ics_error_at(err, ICS_ERR_PARSE, path, line, 0, "section '%s' is named twice",
                                    section_names[found]);
        if (spec->nsections == SPEC_MAX_SECTIONS)
            return ics_error_at(err, ICS_ERR_PARSE, path, line, 0, "more than %d sections", SPEC_MAX_SECTIONS);
        spec->sections[spec->nsections++] = found;
    }
    return ICS_OK;
}

static int take(struct report_spec *spec, const char *path, long line, const char *key, size_t klen,
                const char *value, size_t vlen, struct ics_error *err)
{
#define KEY(k) (klen == sizeof k - 1 && memcmp(key, k, klen) == 0)
    int bad = 0;
    if (KEY("title"))
        bad = copy_value(spec->title, sizeof spec->title, value, vlen);
    else if (KEY("subtitle"))
        bad = copy_value(spec->subtitle, sizeof spec->subtitle, value, vlen);
    else if (KEY("spells"))
        bad = resolve_path(path, value, vlen, spec->spells, sizeof spec->spells);
    else if (KEY("ledger"))
        bad = resolve_path(path, value, vlen, spec->ledger, sizeof spec->ledger);
    else if (KEY("ledger_period"))
        bad = copy_value(spec->ledger_period, sizeof spec->ledger_period, value, vlen);
    else if (KEY("ledger_as_of")) {
        if (ics_date_parse(value, vlen, &spec->ledger_as_of))
            return ics_error_at(err, ICS_ERR_PARSE, path, line, 0, "ledger_as_of '%.*s' is not a date",
                                (int)vlen, value);
    } else if (KEY("rate")) {
        const char *why;
        if (ics_pence_parse(value, vlen, &spec->rate_pence, &why) || spec->rate_pence < 0)
            return ics_error_at(err, ICS_ERR_PARSE, path, line, 0, "rate '%.*s': %s", (int)vlen, value,
                                spec->rate_pence < 0 ? "must not be negative" : why);
        spec->has_rate = 1;
    } else if (KEY("close_gap"))
        bad = copy_value(spec->close_gap, sizeof spec->close_gap, value, vlen);
    else if (KEY("occupancy"))
        bad = copy_value(spec->occupancy, sizeof spec->occupancy, value, vlen);
    else if (KEY("providers"))
        bad = copy_value(spec->providers, sizeof spec->providers, value, vlen);
    else if (KEY("places"))
        bad = copy_value(spec->places, sizeof spec->places, value, vlen);
    else if (KEY("icb"))
        bad = copy_value(spec->icb, sizeof spec->icb, value, vlen);
    else if (KEY("ledger_orgs"))
        bad = copy_value(spec->ledger_orgs, sizeof spec->ledger_orgs, value, vlen);
    else if (KEY("sections"))
        return parse_sections(spec, value, vlen, path, line, err);
    else
        return ics_error_at(err, ICS_ERR_PARSE, path, line, 1,
                            "unknown key '%.*s' (keys: title, subtitle, spells, providers, places, icb, rate, "
                            "close_gap, occupancy, ledger, ledger_period, ledger_as_of, ledger_orgs, sections)", (int)klen, key);
#undef KEY
    if (bad)
        return ics_error_at(err, ICS_ERR_PARSE, path, line, 0, "value of '%.*s' is too long", (int)klen, key);
    return ICS_OK;
}

int icsi_report_spec_read(const char *path, struct report_spec *spec, struct ics_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->ledger_as_of = ICS_DATE_NONE;
    snprintf(spec->close_gap, sizeof spec->close_gap, "1/3");
    FILE *f = fopen(path, "r");
    if (!f)
        return ics_error_set(err, ICS_ERR_IO, "cannot read '%s'", path);
    char buf[8192];
    long line = 0;
    int rc = ICS_OK, have_sections = 0;
    while (!rc && fgets(buf, sizeof buf, f)) {
        line++;
        size_t len = strlen(buf);
        if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
            rc = ics_error_at(err, ICS_ERR_PARSE, path, line, 0, "line too long");
            break;
        }
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            len--;
        const char *s = buf;
        ics_text_trim(&s, &len);
        if (len == 0 || s[0] == '#')
            continue;
        const char *eq = memchr(s, '=', len);
        if (!eq) {
            rc = ics_error_at(err, ICS_ERR_PARSE, path, line, 1, "expected 'key = value'");
            break;
        }
        const char *key = s, *value = eq + 1;
        size_t klen = (size_t)(eq - s), vlen = len - klen - 1;
        ics_text_trim(&key, &klen);
        ics_text_trim(&value, &vlen);
        if (klen == 8 && memcmp(key, "sections", 8) == 0)
            have_sections = 1;
        rc = take(spec, path, line, key, klen, value, vlen, err);
    }
    if (!rc && ferror(f))
        rc = ics_error_set(err, ICS_ERR_IO, "cannot read '%s'", path);
    fclose(f);
    if (rc)
        return rc;
    if (!spec->spells[0])
        return ics_error_at(err, ICS_ERR_PARSE, path, 0, 0, "no 'spells = FILE': the report needs a spells or "
                            "episodes extract");
    if (!have_sections) {   /* the whole pack, the ledger when one is named */
        for (int k = 0; k < SECTION_KINDS; k++)
            if (k != SECTION_LEDGER || spec->ledger[0])
                spec->sections[spec->nsections++] = k;
    }
    for (int i = 0; i < spec->nsections; i++)
        if (spec->sections[i] == SECTION_LEDGER && (!spec->ledger[0] || !spec->ledger_period[0]))
            return ics_error_at(err, ICS_ERR_PARSE, path, 0, 0,
                                "the ledger section needs 'ledger = FILE' and 'ledger_period = YYYY-YY-MNN'");
    if (!spec->title[0])
        snprintf(spec->title, sizeof spec->title, "Bed days and long stays");
    return ICS_OK;
}
