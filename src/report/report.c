/* ics report: a board pack from a SPEC (docs/commands/report.md). Each
 * section is a capability's library call (beds, benchmark, spc, funnel,
 * ledger), its table read back with the table's schema, put through
 * disclosure control, and shown; the charts are the chart module's SVG,
 * inline. The page references nothing outside itself. */
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ics/beds.h"
#include "ics/benchmark.h"
#include "ics/chart.h"
#include "ics/csv.h"
#include "ics/funnel.h"
#include "ics/ledger.h"
#include "ics/refdata.h"
#include "ics/spc.h"
#include "report_internal.h"

#define INTERNAL_USE "Internal use - not for publication: NHS disclosure control has not been applied."
#define MAX_TABLES 8
#define MAX_INPUTS 4

void ics_report_options_init(struct ics_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->disclosure = 1;
    opt->version = "";
}

struct input {
    const char *role;
    const char *path;
    char sha256[65];
    long long bytes;
};

/* One run of the pack. */
struct pack {
    const struct report_spec *spec;
    const struct ics_report_options *opt;
    FILE *html;
    struct ics_table *tables[MAX_TABLES];   /* for the workbook, in section order */
    size_t ntables;
    struct ics_xlsx_chart charts[MAX_TABLES];
    size_t ncharts;
    struct input inputs[MAX_INPUTS];
    size_t ninputs;
    char provider_csv[SPEC_PATH_MAX];        /* the unrounded provider table, for the opportunity */
    struct ics_beds_summary provider_summary;
    size_t trimpoint_hrgs;
    int have_provider;
    char opportunity[1024];                  /* the sentence, for the methods too */
    char quality[2048];                      /* the data-quality flags of the system's trusts, one a line */
    size_t quality_flags;
};

static void check_words(int check, char *buf, size_t size)
{
    static const char *const words[ICS_BEDS_Q_CHECKS] = {
        "mean length of stay", "median length of stay", "share of spells of 21+ days", "share of day cases",
        "share of spells still open", "episodes per spell", "share of rows rejected",
        "share of stays that disagree with SPELDUR",
    };
    double low, high;
    ics_beds_quality_range(check, &low, &high);
    snprintf(buf, size, "%s outside its plausible range", check >= 0 && check < ICS_BEDS_Q_CHECKS ? words[check] : "?");
}

/* The plausibility checks of ics beds (docs/commands/beds.md) that the system's trusts fail, for the methods. */
static void note_quality(struct pack *p, const struct ics_beds_result *res)
{
    p->quality[0] = '\0';
    p->quality_flags = 0;
    size_t at = 0;
    for (size_t i = 0; i < ics_beds_result_quality_count(res); i++) {
        const struct ics_beds_quality_row *q = ics_beds_result_quality(res, i);
        if (!q->flags || (p->spec->providers[0] && !icsi_report_listed(p->spec->providers, q->code)))
            continue;
        for (int check = 0; check < ICS_BEDS_Q_CHECKS; check++) {
            if (!(q->flags & (1u << check)))
                continue;
            char what[256];
            if (p->opt->disclosure)   /* the figure may rest on 1 to 7 spells: name the check, not its value */
                check_words(check, what, sizeof what);
            else
                ics_beds_quality_describe(res, q, check, what, sizeof what);
            p->quality_flags++;
            if (at + 1 < sizeof p->quality)
                at += (size_t)snprintf(p->quality + at, sizeof p->quality - at, "%s%s: %s", at ? "\n" : "",
                                       q->name && *q->name ? q->name : *q->code ? q->code : "rows with no provider",
                                       what);
            if (at >= sizeof p->quality)
                at = sizeof p->quality - 1;
        }
    }
}

/* ---- inputs and temporary files ------------------------------------------------ */

static int sha256_file(const char *path, char hex[65], long long *bytes, struct ics_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ics_error_set(err, ICS_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[1 << 16];
    size_t n;
    *bytes = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        crypto_hash_sha256_update(&h, buf, n);
        *bytes += (long long)n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return ics_error_set(err, ICS_ERR_IO, "cannot read '%s'", path);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(hex, 65, digest, sizeof digest);
    return ICS_OK;
}

static int add_input(struct pack *p, const char *role, const char *path, struct ics_error *err)
{
    for (size_t i = 0; i < p->ninputs; i++)
        if (strcmp(p->inputs[i].path, path) == 0)
            return ICS_OK;
    if (p->ninputs == MAX_INPUTS)
        return ics_error_set(err, ICS_ERR_INTERNAL, "too many inputs");
    struct input *in = &p->inputs[p->ninputs];
    in->role = role;
    in->path = path;
    int rc = sha256_file(path, in->sha256, &in->bytes, err);
    if (!rc)
        p->ninputs++;
    return rc;
}

/* A temporary file for a capability that reads its table from a path. */
static FILE *temp_csv(char *path, size_t size, struct ics_error *err)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, size, "%s/ics-report-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        ics_error_set(err, ICS_ERR_IO, "cannot make a temporary file in %s", dir && *dir ? dir : "/tmp");
        path[0] = '\0';
    }
    return f;
}

static int close_temp(FILE *f, const char *path, struct ics_error *err)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? ics_error_set(err, ICS_ERR_IO, "cannot write the temporary file %s", path) : ICS_OK;
}

static int keep_table(struct pack *p, struct ics_table *t)
{
    if (p->ntables == MAX_TABLES) {
        ics_table_free(t);
        return -1;
    }
    p->tables[p->ntables++] = t;
    return 0;
}

static int control(struct pack *p, struct ics_table *t, struct ics_error *err)
{
    return p->opt->disclosure ? ics_disclosure_apply(t, err) : ICS_OK;
}

/* ---- the writers the sections use ------------------------------------------------ */

static int write_beds(const void *r, FILE *out, struct ics_error *err)
{
    return ics_beds_write_csv(r, out, err);
}

static int write_spc_points(const void *r, FILE *out, struct ics_error *err)
{
    return ics_spc_write_csv(r, out, err);
}

static int write_funnel(const void *r, FILE *out, struct ics_error *err)
{
    return ics_funnel_write_csv(r, out, err);
}

static int write_board(const void *r, FILE *out, struct ics_error *err)
{
    (void)err;
    return ics_ledger_report_write(r, out, 0, 0);
}

/* ---- sections ---------------------------------------------------------------------- */

static void section_begin(struct pack *p, const char *id, const char *heading)
{
    /* A chart's section is kept on one printed page. */
    int chart = strcmp(id, "spc") == 0 || strcmp(id, "funnel") == 0;
    fprintf(p->html, "<section id=\"%s\"%s>\n<h2>", id, chart ? " class=\"chart\"" : "");
    icsi_html_text(p->html, heading);
    fputs("</h2>\n", p->html);
}

static void section_end(struct pack *p)
{
    fputs("</section>\n", p->html);
}

static void paragraph(struct pack *p, const char *cls, const char *text)
{
    fprintf(p->html, cls ? "<p class=\"%s\">" : "<p>", cls);
    icsi_html_text(p->html, text);
    fputs("</p>\n", p->html);
}

static void beds_options(const struct pack *p, struct ics_beds_options *o, int level)
{
    ics_beds_options_init(o);
    o->level = level;
    o->threads = p->opt->threads;
    if (p->spec->has_rate) {
        o->has_flat_rate = 1;
        o->flat_rate_pence = p->spec->rate_pence;
    }
}

static const char *const beds_shown[] = {
    "name", "spells", "bed_days", "excess_bed_days", "excess_cost", "long_stay_21_spells", "avg_occupied_beds",
    "avg_long_stay_21_beds", NULL,
};
static const char *const provider_labels[] = {
    "Trust", "Spells", "Bed days", "Excess bed days", "Excess bed day cost", "Spells of 21+ days",
    "Occupied beds (average)", "Beds of 21+ day patients (average)",
};
static const char *const place_labels[] = {
    "Place (local authority of residence)", "Spells", "Bed days", "Excess bed days", "Excess bed day cost",
    "Spells of 21+ days", "Occupied beds (average)", "Beds of 21+ day patients (average)",
};

/* ---- the system's rows and their total ------------------------------------------- */

/* Whether a row of a beds table is the system's: its trusts, or its places
 * (listed, or in its ICB); with no list, every row. */
struct system_filter {
    const char *list;
    const char *icb;
    const struct ics_geography *geo;
};

static int in_system(const struct system_filter *f, const char *code)
{
    if (f->list && *f->list)
        return icsi_report_listed(f->list, code);
    if (f->icb && *f->icb && f->geo) {
        const struct ics_geography_area *a = ics_geography_la(f->geo, code, strlen(code));
        return a && strcmp(a->icb_code, f->icb) == 0;
    }
    return 1;
}

static double cell_number(const struct ics_table *t, size_t r, int c)
{
    double v = 0;
    const char *why;
    const char *s = t->cells[r * t->ncols + (size_t)c];
    if (c < 0 || ics_parse_double(s, strlen(s), &v, &why))
        return 0;
    return v;
}

/* Average beds are a period's bed days over its days: recomputed for a total, not summed from rounded rows. */
static const char *average_of(const char *column)
{
    if (strcmp(column, "avg_occupied_beds") == 0)
        return "occupied_bed_days";
    if (strcmp(column, "avg_long_stay_21_beds") == 0)
        return "long_stay_21_bed_days";
    if (strcmp(column, "excess_beds") == 0)
        return "excess_bed_days";
    return NULL;
}

static int cmp_spells_desc(const void *pa, const void *pb, void *ctx)
{
    const struct ics_table *t = ctx;
    int c = ics_table_column(t, "spells");
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    double x = cell_number(t, a, c), y = cell_number(t, b, c);
    if (x != y)
        return x > y ? -1 : 1;
    return a < b ? -1 : a > b;   /* ties in the table's (code) order */
}

/* Keeps the system's rows of a beds table, largest first, and a total of
 * them made from their unrounded values (disclosure control comes after). */
static int system_rows(struct ics_table *t, const struct system_filter *f, struct ics_error *err)
{
    int level = ics_table_column(t, "level"), code = ics_table_column(t, "code");
    int days = ics_table_column(t, "days");
    if (level < 0 || code < 0)
        return ics_error_set(err, ICS_ERR_INTERNAL, "the beds table has no level or code column");
    size_t *keep = ics_malloc((t->nrows + 1) * sizeof *keep);
    const char **cells = ics_malloc((t->nrows + 1) * t->ncols * sizeof *cells);
    if (!keep || !cells) {
        ics_free(keep);
        ics_free(cells);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    size_t n = 0, total_row = t->nrows;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *lv = t->cells[r * t->ncols + (size_t)level];
        if (strcmp(lv, "total") == 0)
            total_row = r;
        else if (in_system(f, t->cells[r * t->ncols + (size_t)code]))
            keep[n++] = r;
    }
    if (n == 0 && ((f->list && *f->list) || (f->icb && *f->icb))) {
        ics_free(keep);
        ics_free(cells);
        return ics_error_set(err, ICS_ERR_EMPTY, "no %s in the extract is in the system (%s)",
                             f->list && *f->list ? "code" : "local authority",
                             f->list && *f->list ? f->list : f->icb);
    }
    qsort_r(keep, n, sizeof *keep, cmp_spells_desc, t);
    for (size_t i = 0; i < n; i++)
        memcpy(cells + i * t->ncols, t->cells + keep[i] * t->ncols, t->ncols * sizeof *cells);
    /* The total: text and dates from the file's total row, sums of the kept rows' counts and measures. */
    const char **total = cells + n * t->ncols;
    int rc = ICS_OK;
    for (size_t c = 0; c < t->ncols && !rc; c++) {
        const struct ics_column *col = t->col[c];
        total[c] = total_row < t->nrows ? t->cells[total_row * t->ncols + c] : "";
        if (col->kind != ICS_COL_COUNT && col->kind != ICS_COL_MEASURE)
            continue;
        char buf[64];
        const char *avg = average_of(t->header[c]);
        if (avg) {
            int from = ics_table_column(t, avg);
            double sum = 0;
            for (size_t i = 0; i < n; i++)
                sum += cell_number(t, keep[i], from);
            double d = days >= 0 && total_row < t->nrows ? cell_number(t, total_row, days) : 0;
            snprintf(buf, sizeof buf, "%.6f", d > 0 ? sum / d : 0);
        } else if (col->money) {
            int64_t pence = 0, v;
            const char *why;
            for (size_t i = 0; i < n; i++) {
                const char *cell = t->cells[keep[i] * t->ncols + c];
                if (*cell && ics_pence_parse(cell, strlen(cell), &v, &why) == 0)
                    pence += v;
            }
            ics_pence_format(pence, buf);
        } else {
            long long sum = 0;
            for (size_t i = 0; i < n; i++)
                sum += (long long)cell_number(t, keep[i], (int)c);
            snprintf(buf, sizeof buf, "%lld", sum);
        }
        total[c] = ics_arena_strndup(&t->arena, buf, strlen(buf));
        if (!total[c])
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    total[level] = "total";
    total[code] = "total";
    ics_free(keep);
    if (rc) {
        ics_free(cells);
        return rc;
    }
    ics_free(t->cells);
    t->cells = cells;
    t->nrows = n + 1;
    return ICS_OK;
}

static int run_beds_table(struct pack *p, int level, const char *name, struct ics_beds_result **res,
                          struct ics_table **t, struct ics_error *err)
{
    struct ics_beds_options o;
    beds_options(p, &o, level);
    int rc = ics_beds_run(p->spec->spells, &o, res, err);
    if (!rc)
        rc = ics_table_from_writer(*res, write_beds, ics_table_schema_find("beds"), name, t, err);
    return rc;
}

/* The name column is empty for a code without a name: show the code. */
static void names_or_codes(struct ics_table *t)
{
    int name = ics_table_column(t, "name"), code = ics_table_column(t, "code");
    if (name < 0 || code < 0)
        return;
    for (size_t r = 0; r < t->nrows; r++) {
        const char **cell = &t->cells[r * t->ncols + (size_t)name];
        const char *c = t->cells[r * t->ncols + (size_t)code];
        if (!**cell)
            *cell = strcmp(c, "total") == 0 ? "Total" : c;
    }
}

/* A beds table of the system, controlled (unless turned off), named, shown, and kept for the workbook;
 * rc is the status of making it (the table is freed on any failure). */
static int show_beds_table(struct pack *p, struct ics_table *t, int rc, const char *id, const char *heading,
                           const char *text, const char *const *labels, struct ics_error *err)
{
    if (!rc)
        rc = control(p, t, err);
    if (rc) {
        ics_table_free(t);
        return rc;
    }
    names_or_codes(t);
    section_begin(p, id, heading);
    paragraph(p, NULL, text);
    /* Without a price the cost column would be a row of £0: left out, and the methods say why. */
    const char *shown[16], *names[16];
    size_t n = 0;
    for (size_t k = 0; beds_shown[k] && n < 15; k++) {
        if (!p->spec->has_rate && strcmp(beds_shown[k], "excess_cost") == 0)
            continue;
        shown[n] = beds_shown[k];
        names[n++] = labels[k];
    }
    shown[n] = NULL;
    icsi_html_table(p->html, t, shown, names, NULL);
    section_end(p);
    return keep_table(p, t) ? ics_error_set(err, ICS_ERR_INTERNAL, "too many tables") : ICS_OK;
}

static int section_beds_by_provider(struct pack *p, struct ics_error *err)
{
    struct ics_beds_result *res = NULL;
    struct ics_table *t = NULL;
    int rc = run_beds_table(p, ICS_BEDS_PROVIDER, "beds by provider", &res, &t, err);
    if (!rc) {
        p->provider_summary = *ics_beds_result_summary(res);
        p->trimpoint_hrgs = ics_trimpoints_count(ics_beds_result_trimpoints(res));
        p->have_provider = 1;
        note_quality(p, res);
    }
    if (!rc && !p->provider_csv[0]) {   /* unrounded, for the benchmark */
        FILE *f = temp_csv(p->provider_csv, sizeof p->provider_csv, err);
        rc = f ? ics_beds_write_csv(res, f, err) : err->code;
        if (f) {
            int crc = close_temp(f, p->provider_csv, err);
            rc = rc ? rc : crc;
        }
    }
    ics_beds_result_free(res);
    struct system_filter trusts = {p->spec->providers, NULL, NULL};
    if (!rc)
        rc = system_rows(t, &trusts, err);
    return show_beds_table(p, t, rc, "beds-by-provider", "Bed days and long stays by provider",
                           "Spells discharged in the period, their bed days and excess bed days beyond the trim "
                           "point of their HRG, and the beds occupied on an average night, by the trust that "
                           "provided the care.",
                           provider_labels, err);
}

/* A local authority's name from the built-in geography where the table has none. */
static void place_names(struct ics_table *t, const struct ics_geography *geo)
{
    int name = ics_table_column(t, "name"), code = ics_table_column(t, "code");
    if (name < 0 || code < 0)
        return;
    for (size_t r = 0; r < t->nrows; r++) {
        const char **cell = &t->cells[r * t->ncols + (size_t)name];
        const char *c = t->cells[r * t->ncols + (size_t)code];
        const struct ics_geography_area *a = **cell ? NULL : ics_geography_la(geo, c, strlen(c));
        if (a && a->la_name[0])
            *cell = a->la_name;   /* static built-in data, outlives the table */
    }
}

static int section_beds_by_place(struct pack *p, struct ics_error *err)
{
    struct ics_beds_result *res = NULL;
    struct ics_table *t = NULL;
    int rc = run_beds_table(p, ICS_BEDS_RESIDENCE, "beds by place", &res, &t, err);
    ics_beds_result_free(res);
    struct ics_geography *geo = NULL;
    if (!rc)
        rc = ics_geography_default(&geo, err);
    struct system_filter places = {p->spec->places, p->spec->icb, geo};
    if (!rc)
        rc = system_rows(t, &places, err);
    if (!rc)
        place_names(t, geo);
    ics_geography_free(geo);
    return show_beds_table(p, t, rc, "beds-by-place", "Bed days and long stays by place of residence",
                           "The same measures by the local authority the patient lives in, wherever they were "
                           "treated.",
                           place_labels, err);
}

static int ensure_provider_csv(struct pack *p, struct ics_error *err)
{
    if (p->provider_csv[0])
        return ICS_OK;
    struct ics_beds_result *res = NULL;
    struct ics_beds_options o;
    beds_options(p, &o, ICS_BEDS_PROVIDER);
    int rc = ics_beds_run(p->spec->spells, &o, &res, err);
    FILE *f = rc ? NULL : temp_csv(p->provider_csv, sizeof p->provider_csv, err);
    if (!rc && !f)
        rc = err->code;
    if (!rc) {
        p->provider_summary = *ics_beds_result_summary(res);
        p->trimpoint_hrgs = ics_trimpoints_count(ics_beds_result_trimpoints(res));
        p->have_provider = 1;
        note_quality(p, res);
        rc = ics_beds_write_csv(res, f, err);
    }
    if (f) {
        int crc = close_temp(f, p->provider_csv, err);
        rc = rc ? rc : crc;
    }
    ics_beds_result_free(res);
    return rc;
}

/* "a third", "a quarter", "half", or the fraction as written. */
static const char *fraction_words(const char *text)
{
    static const struct { const char *text, *words; } known[] = {
        {"1/3", "a third"}, {"1/4", "a quarter"}, {"1/2", "half"}, {"1", "all"}, {"2/3", "two thirds"},
        {"0.25", "a quarter"}, {"25%", "a quarter"}, {"0.5", "half"}, {"50%", "half"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].text, text) == 0)
            return known[i].words;
    return text;
}

static void grouped_number(double v, int decimals, char *buf, size_t size)
{
    char cell[64];
    snprintf(cell, sizeof cell, "%.*f", decimals, v);
    const struct ics_column col = {.name = "", .kind = ICS_COL_NUMBER, .decimals = decimals};
    icsi_html_cell_text(cell, &col, buf, size);
}

/* The system's share of the opportunity: its trusts' gaps to the top quartile of every trust in the file. */
static int opportunity_words(struct pack *p, const struct ics_benchmark *b, struct ics_error *err)
{
    (void)err;
    const struct ics_benchmark_info *info = ics_benchmark_info(b);
    double bed_days = 0, to_open = 0, spells = 0;
    int64_t pence = 0;
    size_t trusts = 0, priced = 0;
    for (size_t i = 0; i < ics_benchmark_count(b); i++) {
        const struct ics_benchmark_row *r = ics_benchmark_row(b, i);
        if (p->spec->providers[0] && !icsi_report_listed(p->spec->providers, r->code))
            continue;
        trusts++;
        if (isnan(r->opportunity))
            continue;
        bed_days += r->opportunity;
        spells += isnan(r->denominator) ? 0 : r->denominator;
        to_open += isnan(r->opportunity_beds_to_open) ? 0 : r->opportunity_beds_to_open;
        if (r->has_pounds && !__builtin_add_overflow(pence, r->opportunity_pence, &pence))
            priced++;
    }
    double beds = info->days > 0 ? bed_days / (double)info->days : 0;
    char beds_text[64], days_text[64], pounds_text[64];
    grouped_number(beds, beds < 100 ? 1 : 0, beds_text, sizeof beds_text);
    grouped_number(bed_days, 0, days_text, sizeof days_text);
    ics_pounds_human(pence, pounds_text, sizeof pounds_text);
    const char *who = p->spec->providers[0] ? "the system's trusts" : "every trust";
    char open_text[160] = "";
    if (p->spec->occupancy[0]) {
        char n[64];
        grouped_number(to_open, to_open < 100 ? 1 : 0, n, sizeof n);
        struct ics_fraction occ;
        const char *why;
        char pct[32];
        if (ics_fraction_parse(p->spec->occupancy, &occ, &why) == 0 && occ.den > 0)
            grouped_number(100.0 * (double)occ.num / (double)occ.den, 0, pct, sizeof pct);
        else
            snprintf(pct, sizeof pct, "%s", p->spec->occupancy);
        snprintf(open_text, sizeof open_text, " (%s beds to open at %s%% occupancy)", n, pct);
    }
    if (p->opt->disclosure && spells >= 1 && spells < 8)
        snprintf(p->opportunity, sizeof p->opportunity,
                 "The opportunity is not shown: %s had fewer than 8 spells (NHS disclosure control).", who);
    else
        snprintf(p->opportunity, sizeof p->opportunity,
                 "Closing %s of the gap to the top quartile releases %s beds%s and %s%s: %s excess bed day%s "
                 "across %s (%zu), against the top quartile of the %zu trusts benchmarked.",
                 fraction_words(p->spec->close_gap), beds_text, open_text, priced ? pounds_text : "an unknown sum",
                 info->days == 365 || info->days == 366 ? " a year" : " over the period", days_text,
                 strcmp(days_text, "1") == 0 ? "" : "s", who, trusts, info->benchmarked);
    section_begin(p, "opportunity", "The gap to the top quartile");
    paragraph(p, "lead", p->opportunity);
    char text[600];
    snprintf(text, sizeof text,
             "As the 2018 speech put it, with this system's own numbers. Each trust's rate is its excess bed days per "
             "1,000 spells; the top quartile is the rate that a quarter of the %zu trusts in the file do better "
             "than (lower is better); a trust's gap is the excess bed days it would not have at that rate, and a "
             "bed is %ld nights of them (the period's days). Money is each trust's own cost per excess bed day.",
             info->benchmarked, info->days);
    paragraph(p, NULL, text);
    section_end(p);
    return ICS_OK;
}

/* The 2018 speech's sentence with the system's own numbers: "closing a third
 * of the gap to the top quartile releases N beds and £M". */
static int section_opportunity(struct pack *p, struct ics_error *err)
{
    int rc = ensure_provider_csv(p, err);
    if (rc)
        return rc;
    struct ics_benchmark_options o;
    ics_benchmark_options_init(&o);
    const char *why = NULL;
    if (ics_fraction_parse(p->spec->close_gap, &o.close_gap, &why))
        return ics_error_set(err, ICS_ERR_PARSE, "close_gap '%s': %s", p->spec->close_gap, why);
    if (p->spec->occupancy[0] && ics_fraction_parse(p->spec->occupancy, &o.occupancy, &why))
        return ics_error_set(err, ICS_ERR_PARSE, "occupancy '%s': %s", p->spec->occupancy, why);
    o.denominator = ICS_DEN_COLUMN;
    struct ics_benchmark *b = NULL;
    rc = ics_benchmark_new(&o, &b, err);
    if (!rc)
        rc = ics_benchmark_read_table(b, p->provider_csv, "the provider table", "excess_bed_days/spells", err);
    if (!rc)
        rc = ics_benchmark_run(b, err);
    if (!rc)
        rc = opportunity_words(p, b, err);
    ics_benchmark_free(b);
    return rc;
}

#define SPC_HEADING "Is the number of long-stay patients changing?"
#define FUNNEL_HEADING "Which trusts differ from the rest?"

/* A chart's section that says why its chart is not there; removes the chart's temporary input. */
static int not_shown(struct pack *p, const char *id, const char *heading, const char *path, const char *why)
{
    section_begin(p, id, heading);
    paragraph(p, NULL, why);
    section_end(p);
    if (path[0])
        unlink(path);
    return ICS_OK;
}

/* The Making Data Count icons in words, for the sentence under the heading. */
static const char *variation_words(int icon)
{
    const char *name = ics_spc_variation_name(icon);
    if (strncmp(name, "improvement", 11) == 0)
        return "special cause variation, an improvement";
    if (strncmp(name, "concern", 7) == 0)
        return "special cause variation, a concern";
    if (strncmp(name, "neutral", 7) == 0)
        return "special cause variation, neither better nor worse";
    return "common cause variation only, no significant change";
}

static const char *assurance_words(int icon)
{
    switch (icon) {
    case ICS_SPC_ASSURANCE_PASS: return "the target is consistently met";
    case ICS_SPC_ASSURANCE_FAIL: return "the target is consistently missed";
    case ICS_SPC_ASSURANCE_NONE: return "no target set, so no assurance icon";
    default: return "the target is met some weeks and missed others";
    }
}

/* SPC of the beds occupied by 21+ day patients, week by week, for the whole file. */
static int section_spc(struct pack *p, struct ics_error *err)
{
    struct ics_beds_options o;
    beds_options(p, &o, ICS_BEDS_PROVIDER);
    o.series = ICS_SERIES_WEEK;
    struct ics_beds_result *res = NULL;
    int rc = ics_beds_run(p->spec->spells, &o, &res, err);
    char path[SPEC_PATH_MAX] = "";
    FILE *f = rc ? NULL : temp_csv(path, sizeof path, err);
    if (!rc && !f)
        rc = err->code;
    size_t weeks = 0, small_weeks = 0;
    if (!rc) {
        /* Whole weeks only (the period's first and last are partial), summed over the system's trusts. */
        fputs("week,Beds occupied by patients in hospital 21+ days\n", f);
        const struct ics_beds_summary *s = ics_beds_result_summary(res);
        for (size_t k = 0; k < s->periods; k++) {
            const struct ics_beds_row *week = ics_beds_result_period_total(res, k);
            if (week->period_days != 7)
                continue;
            int64_t nights = 0;
            for (size_t i = 0; i < s->rows; i++) {
                const struct ics_beds_row *row = ics_beds_result_row(res, i);
                if (row->period_start == week->period_start &&
                    (!p->spec->providers[0] || icsi_report_listed(p->spec->providers, row->code)))
                    nights += row->m.long_stay_21_bed_days;
            }
            double beds = (double)nights / 7.0;
            /* A week's average beds is at most the patients in them: below 8 it may rest on 1 to 7. */
            small_weeks += beds < 8;
            char day[11];
            ics_date_format(week->period_start, day);
            fprintf(f, "%s,%.6f\n", day, beds);
            weeks++;
        }
        rc = close_temp(f, path, err);
    } else if (f) {
        fclose(f);
    }
    ics_beds_result_free(res);
    struct ics_spc_result *spc = NULL;
    if (!rc && (weeks < 2 || (p->opt->disclosure && small_weeks))) {
        return not_shown(p, "spc", SPC_HEADING, path,
                         weeks < 2 ? "Not shown: the extract has fewer than two whole weeks."
                                   : "Not shown: in some weeks the system had fewer than 8 beds of patients in "
                                     "hospital 21+ days, and a week's figure could rest on 1 to 7 patients "
                                     "(NHS disclosure control).");
    }
    if (!rc) {
        struct ics_spc_table_options cols;
        ics_spc_table_options_init(&cols);
        cols.value = "Beds occupied by patients in hospital 21+ days";
        cols.date = "week";
        struct ics_spc_input *in = NULL;
        rc = ics_spc_read_table(path, &cols, &in, err);
        struct ics_spc_run_options ro;
        ics_spc_run_options_init(&ro);
        ro.spc.direction = ICS_SPC_DECREASE;
        if (!rc)
            rc = ics_spc_run(in, &ro, &spc, err);
    }
    if (path[0])
        unlink(path);
    struct ics_table *t = NULL;
    if (!rc)
        rc = ics_table_from_writer(spc, write_spc_points, ics_table_schema_find("spc-points"), "spc 21+ day beds",
                                   &t, err);
    if (!rc) {
        section_begin(p, "spc", SPC_HEADING);
        const struct ics_spc_series *s = ics_spc_result_series(spc, 0);
        char text[1024];
        snprintf(text, sizeof text,
                 "Average beds occupied each night by patients who had been in hospital 21 days or more, week by "
                 "week (%zu whole weeks), at %s, as a Making Data Count XmR chart: a fall is an improvement. "
                 "Latest point: %s; %s. An extract of the year's discharges undercounts long stays in its "
                 "first and last weeks (patients admitted before it began, or not discharged by its end, are "
                 "missing): read the ends of the chart with that in mind.",
                 s->n, p->spec->providers[0] ? "the system's trusts" : "every trust in the extract",
                 variation_words(s->summary.variation), assurance_words(s->summary.assurance));
        paragraph(p, NULL, text);
        fputs("<figure>\n", p->html);
        struct ics_svg_titles titles = {"Beds occupied by patients in hospital 21+ days", NULL};
        int drawn = ics_svg_spc_series_titled(p->html, spc, 0, &titles);
        fputs("<figcaption>Weekly average of beds occupied by patients in hospital 21+ days, with the mean and "
              "process limits.</figcaption>\n</figure>\n", p->html);
        section_end(p);
        if (keep_table(p, t)) {
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "too many tables");
        } else {
            static const char *const ys[] = {"value", "mean", "lpl", "upl", NULL};
            p->charts[p->ncharts++] = (struct ics_xlsx_chart){p->ntables - 1, ICS_XLSX_LINE,
                                                              "Beds of 21+ day patients, weekly", "date", ys};
        }
        if (!rc && drawn)
            rc = ics_error_set(err, drawn, "out of memory drawing the SPC chart");
    } else {
        ics_table_free(t);
    }
    ics_spc_result_free(spc);
    return rc;
}

/* A funnel plot of the share of spells that were 21+ days, by provider; from
 * the published (controlled) counts when disclosure control is on. */
static int section_funnel(struct pack *p, struct ics_error *err)
{
    struct ics_beds_result *res = NULL;
    struct ics_table *t = NULL;
    int rc = run_beds_table(p, ICS_BEDS_PROVIDER, "funnel input", &res, &t, err);
    ics_beds_result_free(res);
    if (!rc)
        rc = control(p, t, err);
    char path[SPEC_PATH_MAX] = "";
    FILE *f = rc ? NULL : temp_csv(path, sizeof path, err);
    if (!rc && !f)
        rc = err->code;
    size_t left_out = 0, used = 0;
    if (!rc) {
        names_or_codes(t);
        int level = ics_table_column(t, "level"), name = ics_table_column(t, "name"),
            num = ics_table_column(t, "long_stay_21_spells"), den = ics_table_column(t, "spells");
        fputs("provider,spells of 21+ days,spells\n", f);
        for (size_t r = 0; r < t->nrows; r++) {
            const char *const *row = &t->cells[r * t->ncols];
            if (strcmp(row[level], "provider") != 0)
                continue;
            if (strcmp(row[num], ICS_SUPPRESSED) == 0 || strcmp(row[den], ICS_SUPPRESSED) == 0 ||
                strcmp(row[den], "0") == 0) {
                left_out++;
                continue;
            }
            ics_csv_write_field(f, row[name], strlen(row[name]));
            fprintf(f, ",%s,%s\n", row[num], row[den]);
            used++;
        }
        rc = close_temp(f, path, err);
    } else if (f) {
        fclose(f);
    }
    ics_table_free(t);
    t = NULL;
    struct ics_funnel_result *fr = NULL;
    if (!rc && used < 2) {
        return not_shown(p, "funnel", FUNNEL_HEADING, path,
                         "Not shown: a funnel plot needs at least two trusts whose counts can be shown.");
    }
    if (!rc) {
        struct ics_funnel_table_options cols;
        ics_funnel_table_options_init(&cols);
        cols.group = "provider";
        cols.numerator = "spells of 21+ days";
        cols.denominator = "spells";
        struct ics_funnel_options fo;
        ics_funnel_options_init(&fo);
        fo.type = ICS_FUNNEL_PROPORTION;
        fo.multiplier = 100;
        struct ics_funnel_input *in = NULL;
        rc = ics_funnel_read_table(path, &cols, &in, err);
        if (!rc)
            rc = ics_funnel_run(in, &fo, &fr, err);
    }
    if (path[0])
        unlink(path);
    if (!rc)
        rc = ics_table_from_writer(fr, write_funnel, ics_table_schema_find("funnel"), "funnel 21+ day share", &t,
                                   err);
    if (!rc) {
        section_begin(p, "funnel", FUNNEL_HEADING);
        char text[512];
        snprintf(text, sizeof text,
                 "The share of each trust's spells that lasted 21 days or more, against its number of spells, "
                 "with 95%% and 99.8%% control limits around the overall share. A trust outside the limits "
                 "differs by more than chance.%s",
                 left_out ? " Trusts whose counts are withheld by disclosure control are left out." : "");
        paragraph(p, NULL, text);
        fputs("<figure>\n", p->html);
        struct ics_svg_titles titles = {"Share of spells that lasted 21 days or more, by trust", NULL};
        int drawn = ics_svg_funnel_result_titled(p->html, fr, &titles);
        if (drawn)
            rc = ics_error_set(err, drawn, "out of memory drawing the funnel plot");
        fputs("<figcaption>Funnel plot: share of spells of 21+ days by trust (%).</figcaption>\n</figure>\n",
              p->html);
        section_end(p);
        if (!rc && keep_table(p, t)) {
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "too many tables");
        } else if (rc) {
            ics_table_free(t);
        } else {
            static const char *const ys[] = {"value", "lcl95", "ucl95", "lcl998", "ucl998", NULL};
            p->charts[p->ncharts++] = (struct ics_xlsx_chart){p->ntables - 1, ICS_XLSX_SCATTER,
                                                              "Share of spells of 21+ days by trust (%)",
                                                              "denominator", ys};
        }
    } else {
        ics_table_free(t);
    }
    ics_funnel_result_free(fr);
    return rc;
}

/* "Name (CODE)" for the organisations of the board, from the ledger's reference data. */
static int org_names(struct ics_table *t, struct ics_error *err)
{
    static const char *const columns[] = {"org_a", "org_b"};
    for (size_t k = 0; k < 2; k++) {
        int c = ics_table_column(t, columns[k]);
        for (size_t r = 0; c >= 0 && r < t->nrows; r++) {
            const char **cell = &t->cells[r * t->ncols + (size_t)c];
            const char *type, *name, *code;
            for (size_t i = 0, n = ics_ledger_org_count(); i < n; i++) {
                code = ics_ledger_org_code(i, &type, &name);
                if (!code || strcmp(code, *cell) != 0 || !name || !*name)
                    continue;
                char buf[300];
                snprintf(buf, sizeof buf, "%s (%s)", name, code);
                *cell = ics_arena_strndup(&t->arena, buf, strlen(buf));
                if (!*cell)
                    return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                break;
            }
        }
    }
    return ICS_OK;
}

/* Keeps the board's pairs in which either organisation is the system's. */
static void board_of_system(struct ics_table *t, const char *orgs)
{
    int a = ics_table_column(t, "org_a"), b = ics_table_column(t, "org_b");
    if (a < 0 || b < 0)
        return;
    size_t kept = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char **row = &t->cells[r * t->ncols];
        if (!icsi_report_listed(orgs, row[a]) && !icsi_report_listed(orgs, row[b]))
            continue;
        memmove(&t->cells[kept * t->ncols], row, t->ncols * sizeof *row);
        kept++;
    }
    t->nrows = kept;
}

static int section_ledger(struct pack *p, struct ics_error *err)
{
    int rc = add_input(p, "ledger", p->spec->ledger, err);
    if (rc)
        return rc;
    struct ics_ledger *l = NULL;
    rc = ics_ledger_open(p->spec->ledger, ICS_LEDGER_READ_ONLY, &l, err);   /* a board pack only reads */
    struct ics_ledger_report_options o;
    ics_ledger_report_options_init(&o);
    o.period = p->spec->ledger_period;
    o.as_of = p->spec->ledger_as_of;
    struct ics_ledger_report *r = NULL;
    if (!rc)
        rc = ics_ledger_report(l, &o, &r, err);
    struct ics_table *t = NULL;
    if (!rc)
        rc = ics_table_from_writer(r, write_board, ics_table_schema_find("ledger-board"), "squabble board", &t,
                                   err);
    ics_ledger_report_free(r);
    ics_ledger_close(l);
    if (!rc && p->spec->ledger_orgs[0])
        board_of_system(t, p->spec->ledger_orgs);
    if (!rc)
        rc = org_names(t, err);
    if (rc) {
        ics_table_free(t);
        return rc;
    }
    section_begin(p, "ledger", "Money between organisations: the squabble board");
    char text[256];
    snprintf(text, sizeof text, "Agreement of balances for %s: each pair of %s, ranked by the value they have "
                                "still to agree.%s", p->spec->ledger_period,
             p->spec->ledger_orgs[0] ? "organisations with one of the system's on either side"
                                     : "organisations in the ledger",
             t->nrows ? "" : " No pair has anything to agree.");
    paragraph(p, NULL, text);
    static const char *const shown[] = {"rank", "org_a", "org_b", "unresolved", "to_agree", "open_disputes",
                                        "overdue_disputes", "disputed_value", "oldest_open_days", "explanations", NULL};
    static const char *const labels[] = {"Rank", "Organisation", "and organisation", "Unresolved", "Items to agree",
                                         "Open disputes", "Overdue disputes", "Disputed", "Oldest open item (days)",
                                         "Each side's explanation"};
    icsi_html_table(p->html, t, shown, labels, NULL);
    section_end(p);
    return keep_table(p, t) ? ics_error_set(err, ICS_ERR_INTERNAL, "too many tables") : ICS_OK;
}

/* ---- methods and sources ------------------------------------------------------------ */

static const char *grouped_count(uint64_t n, char *buf, size_t size)
{
    char cell[32];
    snprintf(cell, sizeof cell, "%llu", (unsigned long long)n);
    const struct ics_column col = {.name = "", .kind = ICS_COL_INTEGER};
    icsi_html_cell_text(cell, &col, buf, size);
    return buf;
}

static void term(FILE *f, const char *dt, const char *dd)
{
    fputs("<dt>", f);
    icsi_html_text(f, dt);
    fputs("</dt><dd>", f);
    icsi_html_text(f, dd);
    fputs("</dd>\n", f);
}

static void section_methods(struct pack *p)
{
    FILE *f = p->html;
    char text[1024], a[11], b[11];
    section_begin(p, "methods", "Methods and sources");
    fputs("<dl>\n", f);
    if (p->have_provider) {
        const struct ics_beds_summary *s = &p->provider_summary;
        ics_date_format(s->from, a);
        ics_date_format(s->to, b);
        snprintf(text, sizeof text, "%s to %s (%d days)%s", a, b, s->days,
                 s->period_from_data ? ", the financial year of the latest discharge" : "");
        term(f, "Period", text);
        char n1[32], n2[32], n3[32];
        snprintf(text, sizeof text, "%s %s read, %s used, %s rejected%s", grouped_count(s->read, n1, sizeof n1),
                 s->episodes ? "episodes" : "spells", grouped_count(s->used, n2, sizeof n2),
                 grouped_count(s->rejected, n3, sizeof n3), s->episodes ? " (grouped into provider spells)" : "");
        term(f, "Rows", text);
        snprintf(text, sizeof text, "%s, %s HRGs",
                 s->trimpoints_derived ? "derived from the data (upper quartile + 1.5 x the interquartile range "
                                         "of length of stay, per HRG and admission class)"
                                       : "given",
                 grouped_count(p->trimpoint_hrgs, n1, sizeof n1));
        term(f, "Trim points", text);
        if (s->no_trimpoint) {
            snprintf(text, sizeof text, "%s spells discharged in the period have no HRG or no trim point for "
                     "theirs: they have no excess bed days and no excess cost",
                     grouped_count(s->no_trimpoint, n1, sizeof n1));
            term(f, "Not priced", text);
        }
        if (s->open_spells) {
            snprintf(text, sizeof text, "%s spells with no discharge date count as still in hospital (occupied "
                     "beds to the period's end)", grouped_count(s->open_spells, n1, sizeof n1));
            term(f, "Open spells", text);
        }
        fputs("<dt>Data quality</dt><dd>", f);
        if (!p->quality_flags) {
            icsi_html_text(f, "every trust shown is within the plausible ranges of ics beds' data-quality checks");
        } else {
            snprintf(text, sizeof text, "%zu check%s outside the plausible ranges (ics docs/commands/beds.md); read the "
                     "figures above with them in mind:", p->quality_flags, p->quality_flags == 1 ? "" : "s");
            icsi_html_text(f, text);
            fputs("<ul>", f);
            for (const char *line = p->quality; *line;) {
                const char *end = strchr(line, '\n');
                size_t n = end ? (size_t)(end - line) : strlen(line);
                char one[400];
                snprintf(one, sizeof one, "%.*s", (int)n, line);
                fputs("<li>", f);
                icsi_html_text(f, one);
                fputs("</li>", f);
                line += n + (end ? 1 : 0);
            }
            fputs("</ul>", f);
        }
        fputs("</dd>\n", f);
    }
    if (p->spec->has_rate) {
        char pounds[24];
        ics_pence_format(p->spec->rate_pence, pounds);
        snprintf(text, sizeof text, "£%s for every excess bed day", pounds);
        term(f, "Excess bed day price", text);
    } else {
        term(f, "Excess bed day price", "none given (the SPEC's rate): costs are not shown");
    }
    term(f, "Gap closed", p->spec->close_gap);
    if (p->spec->occupancy[0])
        term(f, "Occupancy of beds to open", p->spec->occupancy);
    term(f, "Populations", "none used: rates are per 1,000 spells");
    term(f, "Definitions", "Bed days are nights in hospital (discharge date minus admission date); a long stay is "
                           "7 or 21 days and more; occupied beds count the nights of the period each patient was "
                           "in, over its days; excess bed days are the nights beyond the HRG's trim point. "
                           "ics docs/definitions.md has the rules and their sources.");
    term(f, "Disclosure control",
         p->opt->disclosure ? "NHS Digital's HES rule: counts of spells below national level of 1 to 7 are shown as "
                              "*, others rounded to the nearest 5; measures from 1 to 7 spells are *; totals are "
                              "rounded from unrounded values (ics docs/disclosure.md)"
                            : "not applied: internal use, not for publication");
    snprintf(text, sizeof text, "ics %s", p->opt->version && *p->opt->version ? p->opt->version : "(unknown)");
    term(f, "Made by", text);
    fputs("</dl>\n<h3>Input files</h3>\n<table>\n<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">File"
          "</th><th scope=\"col\" class=\"num\">Bytes</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < p->ninputs; i++) {
        const struct input *in = &p->inputs[i];
        const char *base = strrchr(in->path, '/');
        fputs("<tr><th scope=\"row\">", f);
        icsi_html_text(f, in->role);
        fputs("</th><td>", f);
        icsi_html_text(f, base ? base + 1 : in->path);
        char bytes[32];
        fprintf(f, "</td><td class=\"num\">%s</td><td><code>%s</code></td></tr>\n",
                grouped_count((uint64_t)in->bytes, bytes, sizeof bytes), in->sha256);
    }
    fputs("</tbody>\n</table>\n", f);
    section_end(p);
}

/* ---- the run -------------------------------------------------------------------------- */

int ics_report_run(const char *spec_path, const struct ics_report_options *opt, FILE *html, struct ics_error *err)
{
    struct report_spec *spec = ics_calloc(1, sizeof *spec);
    struct pack *p = ics_calloc(1, sizeof *p);
    int rc = ICS_OK;
    if (!spec || !p) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (sodium_init() < 0) {
        rc = ics_error_set(err, ICS_ERR_INTERNAL, "libsodium did not start");
        goto out;
    }
    if ((rc = icsi_report_spec_read(spec_path, spec, err)))
        goto out;
    p->spec = spec;
    p->opt = opt;
    p->html = html;
    if ((rc = add_input(p, "report spec", spec_path, err)) || (rc = add_input(p, "spells", spec->spells, err)))
        goto out;
    icsi_html_begin(html, spec->title, spec->subtitle, opt->disclosure ? NULL : INTERNAL_USE);
    for (int i = 0; i < spec->nsections && !rc; i++) {
        switch (spec->sections[i]) {
        case SECTION_BEDS_BY_PROVIDER: rc = section_beds_by_provider(p, err); break;
        case SECTION_BEDS_BY_PLACE: rc = section_beds_by_place(p, err); break;
        case SECTION_OPPORTUNITY: rc = section_opportunity(p, err); break;
        case SECTION_SPC: rc = section_spc(p, err); break;
        case SECTION_FUNNEL: rc = section_funnel(p, err); break;
        case SECTION_LEDGER: rc = section_ledger(p, err); break;
        }
        if (rc && err) {   /* say which section failed */
            char why[ICS_ERROR_MESSAGE_MAX];
            snprintf(why, sizeof why, "%s", err->message);
            ics_error_set(err, rc, "section %s: %s", icsi_report_section_name(spec->sections[i]), why);
        }
    }
    if (!rc && !p->have_provider)
        rc = ensure_provider_csv(p, err);
    if (!rc) {
        section_methods(p);
        icsi_html_end(html);
        if (ferror(html))
            rc = ics_error_set(err, ICS_ERR_IO, "cannot write the report");
    }
    if (!rc && opt->xlsx)
        rc = ics_xlsx_write_charts(opt->xlsx, (const struct ics_table *const *)p->tables, p->ntables, p->charts,
                                   p->ncharts, opt->disclosure ? NULL : "internal use - not for publication", err);
out:
    if (p) {
        if (p->provider_csv[0])
            unlink(p->provider_csv);
        for (size_t i = 0; i < p->ntables; i++)
            ics_table_free(p->tables[i]);
    }
    ics_free(p);
    ics_free(spec);
    return rc;
}
