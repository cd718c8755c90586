/*
 * Loading a user-supplied geography (--geography FILE).
 *
 * The file is read whole into a list of rows, then sorted three ways: by ICB
 * (to check each ICB lies in one region and take its name), by region (names)
 * and by local authority (to pick each authority's ICB). Ties are broken by
 * line number so the result never depends on qsort's order. Accepting many
 * rows per authority lets users drop in an ONS LSOA-level lookup unchanged;
 * the majority rule is the one the built-in data was made with.
 */
#include <stdlib.h>
#include <string.h>

#include "ics/csv.h"
#include "geography.h"

/* Growable buffers carry a maximum: far above the ~190,000 output areas of
 * England, the finest lookup anyone would feed in. */
#define MAX_ROWS 4000000u

struct column_spec {
    const char *canonical;        /* named in messages */
    const char *exact[4];         /* NULL-terminated, case-insensitive */
    const char *pattern[5];       /* '#' matches one digit, e.g. "LAD##CD" */
};

enum { COL_LA, COL_LA_NAME, COL_ICB, COL_ICB_NAME, COL_REGION, COL_REGION_NAME, COL_DATE, NCOLS };

static const struct column_spec columns[NCOLS] = {
    [COL_LA] = {"la_code", {"la_code", "lad_code", "ltla_code", NULL},
                {"LAD##CD", "LTLA##CD", "lad##_code", "ltla##_code", NULL}},
    [COL_LA_NAME] = {"la_name", {"la_name", "lad_name", "ltla_name", NULL},
                     {"LAD##NM", "LTLA##NM", "lad##_name", "ltla##_name", NULL}},
    [COL_ICB] = {"icb_code", {"icb_code", NULL}, {"ICB##CD", "icb##_code", NULL}},
    [COL_ICB_NAME] = {"icb_name", {"icb_name", NULL}, {"ICB##NM", "icb##_name", NULL}},
    [COL_REGION] = {"region_code", {"region_code", "nhser_code", "nhs_region_code", NULL},
                    {"NHSER##CD", "nhser##_code", "nhs_region##_ons_code", NULL}},
    [COL_REGION_NAME] = {"region_name", {"region_name", "nhser_name", "nhs_region_name", NULL},
                         {"NHSER##NM", "nhser##_name", "nhs_region##_name", NULL}},
    [COL_DATE] = {"effective_date", {"effective_date", NULL}, {NULL}},
};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Matches a header name against a pattern; returns the number the '#'s
 * matched (the vintage year), or -1. */
static int pattern_match(const char *name, const char *pattern)
{
    int number = 0;
    for (; *pattern; pattern++, name++) {
        if (*pattern == '#') {
            if (*name < '0' || *name > '9')
                return -1;
            number = number * 10 + (*name - '0');
        } else if (lower((unsigned char)*name) != lower((unsigned char)*pattern)) {
            return -1;
        }
    }
    return *name ? -1 : number;
}

/* An exact name wins; otherwise the newest vintage among pattern matches
 * (a file with LAD22CD and LAD23CD is read by LAD23CD). -1 if none. */
static int find_column(const struct ics_csv_header *h, const struct column_spec *spec)
{
    int at = ics_csv_header_find(h, spec->exact);
    if (at >= 0)
        return at;
    int best_year = -1;
    for (int i = 0; i < h->count; i++)
        for (const char *const *p = spec->pattern; *p; p++) {
            int year = pattern_match(h->names[i], *p);
            if (year > best_year) {
                best_year = year;
                at = i;
            }
        }
    return at;
}

struct row {
    const char *la, *la_name, *icb, *icb_name, *region, *region_name;
    long line;
};

struct loader {
    const char *label;
    int col[NCOLS];
    struct row *rows;
    size_t count, cap;
    struct ics_geography *g;
};

/* Copies a field into the arena, trimmed of spaces; codes go upper case so
 * that the strcmp order the lookups rely on is the case-insensitive one. */
static const char *keep(struct ics_arena *a, const struct ics_csv_row *row, int col, int is_code)
{
    if (col < 0 || col >= row->nfields)
        return "";
    const char *s = row->fields[col].ptr;
    size_t n = row->fields[col].len;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return "";
    char *copy = ics_arena_strndup(a, s, n);
    if (copy && is_code)
        for (char *c = copy; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
    return copy;
}

static int read_rows(struct loader *ld, struct ics_csv_reader *r, struct ics_error *err)
{
    struct ics_arena *a = &ld->g->arena;
    const char *date = NULL;
    long date_line = 0;
    struct ics_csv_row row;
    int rc;
    while ((rc = ics_csv_next(r, &row, err)) == 1) {
        if (ld->count == ld->cap) {
            if (ld->cap >= MAX_ROWS)
                return ics_error_at(err, ICS_ERR_PARSE, ld->label, row.line, 0,
                                    "more than %u rows in a geography file", MAX_ROWS);
            size_t cap = ld->cap ? ld->cap * 2 : 512;
            if (cap > MAX_ROWS)
                cap = MAX_ROWS;
            struct row *grown = ics_realloc(ld->rows, cap * sizeof *grown);
            if (!grown)
                return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", ld->label);
            ld->rows = grown;
            ld->cap = cap;
        }
        struct row *x = &ld->rows[ld->count];
        x->line = row.line;
        x->la = keep(a, &row, ld->col[COL_LA], 1);
        x->la_name = keep(a, &row, ld->col[COL_LA_NAME], 0);
        x->icb = keep(a, &row, ld->col[COL_ICB], 1);
        x->icb_name = keep(a, &row, ld->col[COL_ICB_NAME], 0);
        x->region = keep(a, &row, ld->col[COL_REGION], 1);
        x->region_name = keep(a, &row, ld->col[COL_REGION_NAME], 0);
        const char *d = keep(a, &row, ld->col[COL_DATE], 0);
        if (!x->la || !x->la_name || !x->icb || !x->icb_name || !x->region || !x->region_name || !d)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", ld->label);
        static const int required[] = {COL_LA, COL_ICB, COL_REGION};
        const char *values[] = {x->la, x->icb, x->region};
        for (int i = 0; i < 3; i++)
            if (!*values[i])
                return ics_error_at(err, ICS_ERR_PARSE, ld->label, row.line, ld->col[required[i]] + 1,
                                    "empty %s", columns[required[i]].canonical);
        if (*d) {
            int32_t day;
            if (ics_date_parse(d, strlen(d), &day) != 0)
                return ics_error_at(err, ICS_ERR_PARSE, ld->label, row.line, ld->col[COL_DATE] + 1,
                                    "bad effective_date '%s'", d);
            char iso[11];
            ics_date_format(day, iso);
            if (!date) {
                date = ics_arena_strndup(a, iso, 10);
                if (!date)
                    return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", ld->label);
                date_line = row.line;
            } else if (strcmp(date, iso) != 0) {
                return ics_error_at(err, ICS_ERR_PARSE, ld->label, row.line, ld->col[COL_DATE] + 1,
                                    "effective_date %s differs from %s on line %ld", iso, date, date_line);
            }
        }
        ld->count++;
    }
    if (rc != 0)
        return rc;
    if (ld->count == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s has no data rows", ld->label);
    ld->g->effective_date = date;
    return ICS_OK;
}

static int by_icb(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int c = strcmp(a->icb, b->icb);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_region(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int c = strcmp(a->region, b->region);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_la(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int c = strcmp(a->la, b->la);
    if (!c)
        c = strcmp(a->icb, b->icb);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* Name from the built-in table for a code, or "" (names are optional). */
static const char *builtin_name(const struct ics_refdata_name *t, size_t n, const char *code)
{
    long i = icsi_refdata_find(t, n, sizeof t[0], code, strlen(code));
    return i < 0 ? "" : t[i].name;
}

/* Rows sorted by ICB: one entry per ICB with its first non-empty name, and
 * every row of an ICB in the same region. */
static int build_icbs(struct loader *ld, struct ics_error *err)
{
    qsort(ld->rows, ld->count, sizeof ld->rows[0], by_icb);
    struct ics_refdata_name *t = ics_calloc(ld->count, sizeof *t);   /* count bounds the ICBs */
    if (!t)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", ld->label);
    ld->g->owned_icbs = t;
    size_t n = 0;
    for (size_t i = 0; i < ld->count; ) {
        size_t j = i;
        const char *name = "";
        for (; j < ld->count && strcmp(ld->rows[j].icb, ld->rows[i].icb) == 0; j++) {
            if (strcmp(ld->rows[j].region, ld->rows[i].region) != 0)
                return ics_error_at(err, ICS_ERR_PARSE, ld->label, ld->rows[j].line, ld->col[COL_REGION] + 1,
                                    "ICB %s is in region %s here but in %s on line %ld", ld->rows[j].icb,
                                    ld->rows[j].region, ld->rows[i].region, ld->rows[i].line);
            if (!*name)
                name = ld->rows[j].icb_name;
        }
        t[n].code = ld->rows[i].icb;
        t[n].name = *name ? name : builtin_name(icsi_refdata_icbs, icsi_refdata_icb_count, t[n].code);
        n++;
        i = j;
    }
    ld->g->icbs = t;
    ld->g->icb_count = n;
    return ICS_OK;
}

static int build_regions(struct loader *ld, struct ics_error *err)
{
    qsort(ld->rows, ld->count, sizeof ld->rows[0], by_region);
    struct ics_refdata_name *t = ics_calloc(ld->count, sizeof *t);
    if (!t)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", ld->label);
    ld->g->owned_regions = t;
    size_t n = 0;
    for (size_t i = 0; i < ld->count; ) {
        size_t j = i;
        const char *name = "";
        for (; j < ld->count && strcmp(ld->rows[j].region, ld->rows[i].region) == 0; j++)
            if (!*name)
                name = ld->rows[j].region_name;
        t[n].code = ld->rows[i].region;
        t[n].name = *name ? name : builtin_name(icsi_refdata_regions, icsi_refdata_region_count, t[n].code);
        n++;
        i = j;
    }
    ld->g->regions = t;
    ld->g->region_count = n;
    return ICS_OK;
}

static const char *name_in(const struct ics_refdata_name *t, size_t n, const char *code)
{
    long i = icsi_refdata_find(t, n, sizeof t[0], code, strlen(code));
    return i < 0 ? "" : t[i].name;   /* always found: the tables came from these rows */
}

/* Rows sorted by (LA, ICB, line): the ICB with the most rows wins; on a tie
 * the first in code order (the lowest code) stays. The name is the first
 * non-empty one in file order. */
static int build_areas(struct loader *ld, struct ics_error *err)
{
    struct ics_geography *g = ld->g;
    qsort(ld->rows, ld->count, sizeof ld->rows[0], by_la);
    struct ics_geography_area *t = ics_calloc(ld->count, sizeof *t);
    if (!t)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", ld->label);
    g->owned_areas = t;
    size_t n = 0;
    for (size_t i = 0; i < ld->count; ) {
        const struct row *best = NULL, *named = NULL;
        size_t best_rows = 0, j = i;
        while (j < ld->count && strcmp(ld->rows[j].la, ld->rows[i].la) == 0) {
            size_t k = j;
            for (; k < ld->count && strcmp(ld->rows[k].la, ld->rows[i].la) == 0 &&
                   strcmp(ld->rows[k].icb, ld->rows[j].icb) == 0; k++)
                if (*ld->rows[k].la_name && (!named || ld->rows[k].line < named->line))
                    named = &ld->rows[k];
            if (k - j > best_rows) {
                best_rows = k - j;
                best = &ld->rows[j];
            }
            j = k;
        }
        struct ics_geography_area *x = &t[n++];
        x->la_code = best->la;
        if (named) {
            x->la_name = named->la_name;
        } else {
            long b = icsi_refdata_find(icsi_refdata_areas, icsi_refdata_area_count, sizeof icsi_refdata_areas[0],
                                      best->la, strlen(best->la));
            x->la_name = b < 0 ? "" : icsi_refdata_areas[b].la_name;
        }
        x->icb_code = best->icb;
        x->icb_name = name_in(g->icbs, g->icb_count, best->icb);
        x->region_code = best->region;
        x->region_name = name_in(g->regions, g->region_count, best->region);
        x->nation_code = icsi_refdata_nation_code;
        x->nation_name = icsi_refdata_nation_name;
        i = j;
    }
    g->areas = t;
    g->area_count = n;
    return ICS_OK;
}

int ics_geography_load(const char *path, struct ics_geography **out, struct ics_error *err)
{
    *out = NULL;
    struct loader ld = {0};
    struct ics_csv_reader *r = NULL;
    int rc = ICS_OK;
    ld.g = ics_calloc(1, sizeof *ld.g);
    if (!ld.g)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory opening %s", path);
    ld.g->owned = 1;
    ics_arena_init(&ld.g->arena, 64 * 1024);
    ld.g->source = ics_arena_strndup(&ld.g->arena, path, strlen(path));
    if (!ld.g->source) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory opening %s", path);
        goto out;
    }
    rc = ics_csv_open(path, NULL, &r, err);
    if (rc)
        goto out;
    ld.label = ics_csv_reader_label(r);
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    for (int c = 0; c < NCOLS; c++)
        ld.col[c] = find_column(h, &columns[c]);
    static const int required[] = {COL_LA, COL_ICB, COL_REGION};
    for (int i = 0; i < 3; i++) {
        const struct column_spec *s = &columns[required[i]];
        if (ld.col[required[i]] < 0) {
            rc = ics_error_set(err, ICS_ERR_MISSING_COLUMN,
                               "%s: missing column '%s' (also accepted: %s, %s; ## is a year such as 22)",
                               ld.label, s->canonical, s->pattern[0], s->pattern[1]);
            goto out;
        }
    }
    rc = read_rows(&ld, r, err);
    if (!rc)
        rc = build_icbs(&ld, err);
    if (!rc)
        rc = build_regions(&ld, err);
    if (!rc)
        rc = build_areas(&ld, err);
out:
    ics_csv_close(r);
    ics_free(ld.rows);
    if (rc) {
        ics_geography_free(ld.g);
        return rc;
    }
    *out = ld.g;
    return ICS_OK;
}
