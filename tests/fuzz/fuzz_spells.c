/*
 * The spells reader and the bed-day measures (ics beds), spells or episodes,
 * with or without continuous inpatient spells: any file must run without a
 * memory fault or a leak, every row must be counted as used or rejected, and
 * one thread and two must give the same figures.
 */
#include "fuzz_input.h"

#include <ics/beds.h>

#include <string.h>

struct run {
    int rc;
    struct ics_beds_summary summary;
    struct ics_beds_measures total;
};

static void run_beds(const char *path, int level, int cips, int threads, FILE *rejects, struct run *out)
{
    struct ics_beds_options opt;
    ics_beds_options_init(&opt);
    opt.level = level;
    opt.cips = cips;
    opt.threads = threads;
    opt.rejects = rejects;
    struct ics_beds_result *res = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    memset(out, 0, sizeof *out);
    out->rc = ics_beds_run(path, &opt, &res, &err);
    if (out->rc != ICS_OK) {
        FUZZ_ASSERT(res == NULL);
        FUZZ_ASSERT(err.message[0] != '\0');
        return;
    }
    const struct ics_beds_summary *s = ics_beds_result_summary(res);
    out->summary = *s;
    FUZZ_ASSERT(s->read == s->used + s->rejected);
    const struct ics_beds_row *total = ics_beds_result_total(res);
    FUZZ_ASSERT(total != NULL);
    out->total = total->m;
    FUZZ_ASSERT(total->m.bed_days >= 0 && total->m.excess_bed_days >= 0);
    FUZZ_ASSERT(total->m.long_stay_21_spells <= total->m.long_stay_7_spells);
    FUZZ_ASSERT(total->m.long_stay_7_spells <= total->m.spells);
    for (size_t i = 0; i < s->rows; i++)
        FUZZ_ASSERT(ics_beds_result_row(res, i) != NULL);
    FUZZ_ASSERT(ics_beds_result_row(res, s->rows) == NULL);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        FUZZ_ASSERT(ics_beds_write_csv(res, sink, &err) == ICS_OK);
        FUZZ_ASSERT(ics_beds_write_json(res, sink, &err) == ICS_OK);
        fclose(sink);
    }
    ics_beds_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    FILE *f = fuzz_input_file(data, size, path, sizeof path);
    if (!f)
        return 0;
    /* The first byte picks the level and continuous inpatient spells, so those code paths are reached too. */
    int level = size > 0 && (data[0] & 1) ? ICS_BEDS_RESIDENCE : ICS_BEDS_PROVIDER;
    int cips = size > 0 && (data[0] & 2);
    FILE *rejects = fopen("/dev/null", "w");
    struct run one, two;
    run_beds(path, level, cips, 1, rejects, &one);
    run_beds(path, level, cips, 2, NULL, &two);
    if (rejects)
        fclose(rejects);
    fclose(f);

    FUZZ_ASSERT(one.rc == two.rc);
    if (one.rc == ICS_OK) {
        FUZZ_ASSERT(one.summary.read == two.summary.read);
        FUZZ_ASSERT(one.summary.rejected == two.summary.rejected);
        FUZZ_ASSERT(one.summary.rows == two.summary.rows);
        FUZZ_ASSERT(one.summary.spells_built == two.summary.spells_built);
        FUZZ_ASSERT(one.summary.cips_built == two.summary.cips_built);
        FUZZ_ASSERT(memcmp(&one.total, &two.total, sizeof one.total) == 0);
    }
    return 0;
}
