/* ics_beds_run: the options, one or two passes over the spells, the result. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beds_internal.h"

/* ---- levels ---------------------------------------------------------------- */

static const char *const level_names[] = {"provider", "residence", "icb", "region", "nation"};

int ics_beds_level_parse(const char *text)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(text, level_names[i]) == 0)
            return i;
    return -1;
}

const char *ics_beds_level_name(int level)
{
    return level >= 0 && level < 5 ? level_names[level] : "?";
}

/* ---- the run --------------------------------------------------------------- */

static const char *temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

/* An unlinked temporary file, gone when closed. */
static int open_temp(int *fd_out, struct ics_error *err)
{
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/ics-spill-XXXXXX", temp_dir());
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return ics_error_set(err, ICS_ERR_IO, "cannot create a temporary file in %s: %s", temp_dir(),
                             strerror(errno));
    unlink(tmpl);
    *fd_out = fd;
    return ICS_OK;
}

/* A worker that ran out of memory stopped the scan: that, not the stop, is the error. */
static int worker_failure(const struct worker *workers, int n, int rc, const char *path, struct ics_error *err)
{
    for (int i = 0; i < n; i++)
        if (workers[i].failed)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", path);
    return rc;
}

int ics_beds_run(const char *path, const struct ics_beds_options *opt, struct ics_beds_result **out,
                 struct ics_error *err)
{
    *out = NULL;
    if (opt->level < ICS_BEDS_PROVIDER || opt->level > ICS_BEDS_NATION)
        return ics_error_set(err, ICS_ERR_USAGE, "unknown level");
    if ((opt->from == ICS_DATE_NONE) != (opt->to == ICS_DATE_NONE))
        return ics_error_set(err, ICS_ERR_USAGE, "--from and --to go together");
    if (opt->from != ICS_DATE_NONE && opt->from > opt->to)
        return ics_error_set(err, ICS_ERR_USAGE, "--from is after --to");
    if (opt->level >= ICS_BEDS_ICB && !opt->geography)
        return ics_error_set(err, ICS_ERR_USAGE, "the %s level needs a geography lookup",
                             ics_beds_level_name(opt->level));

    struct ics_beds_result *res = ics_calloc(1, sizeof *res);
    if (!res)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    ics_arena_init(&res->arena, 64 * 1024);
    res->level = opt->level;
    res->series = opt->series;

    struct config cfg = {0};
    cfg.strict = opt->strict;
    cfg.by_residence = opt->level != ICS_BEDS_PROVIDER;
    cfg.period_known = opt->from != ICS_DATE_NONE;
    cfg.from = opt->from;
    cfg.to = opt->to;
    cfg.need_histograms = opt->trimpoints == NULL;
    cfg.has_flat_rate = opt->has_flat_rate;
    cfg.flat_rate = opt->flat_rate_pence;

    int threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    struct worker *workers = ics_calloc((size_t)threads, sizeof *workers);
    void **contexts = ics_calloc((size_t)threads, sizeof *contexts);
    struct ics_csv_scan *scan = NULL;
    int rc = ICS_OK;
    if (!workers || !contexts) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < threads; i++) {
        icsi_beds_worker_init(&workers[i], &cfg);
        contexts[i] = &workers[i];
    }

    int two_passes = !cfg.period_known || cfg.need_histograms;
    if (two_passes) {
        for (int i = 0; i < threads; i++) {
            workers[i].spill.buf = ics_malloc(SPILL_BUFFER);
            if (!workers[i].spill.buf) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                goto fail;
            }
            rc = open_temp(&workers[i].spill.fd, err);
            if (rc)
                goto fail;
        }
    }
    rc = ics_csv_scan_open(path, strcmp(path, "-") == 0 ? "standard input" : path, &scan, err);
    if (rc)
        goto fail;
    const struct ics_csv_header *h = ics_csv_scan_header(scan);
    for (int k = 0; k < NCOLS; k++) {
        cfg.col[k] = ics_csv_header_find(h, icsi_beds_column_aliases[k]);
        int required = k != COL_LA || cfg.by_residence;
        if (cfg.col[k] < 0 && required) {
            rc = ics_error_at(err, ICS_ERR_MISSING_COLUMN, strcmp(path, "-") == 0 ? "standard input" : path, 1, 0,
                              "missing column '%s' (also accepted: %s%s%s)", icsi_beds_column_aliases[k][0],
                              icsi_beds_column_aliases[k][1], icsi_beds_column_aliases[k][2] ? ", " : "",
                              icsi_beds_column_aliases[k][2] ? icsi_beds_column_aliases[k][2] : "");
            goto fail;
        }
        if (cfg.col[k] < 0)
            cfg.col[k] = cfg.col[COL_PROVIDER];   /* unused: the residence is not read at provider level */
        if (cfg.col[k] + 1 > cfg.want)
            cfg.want = cfg.col[k] + 1;
    }

    struct ics_csv_scan_result sr;
    struct ics_csv_scan_options so = {
        .threads = threads, .want_fields = cfg.want, .reset = icsi_beds_worker_reset, .workers = contexts,
        .progress = opt->progress, .progress_ctx = opt->progress_ctx,
    };
    res->passes = 1;
    if (two_passes) {
        cfg.pass = 1;
        so.row = icsi_beds_first_pass_row;
        so.rejects = opt->rejects;
        rc = ics_csv_scan_run(scan, &so, &sr, err);
        rc = worker_failure(workers, threads, rc, path, err);
        if (rc)
            goto fail;
        int32_t max_disc = INT32_MIN, max_adm = INT32_MIN;
        for (int i = 0; i < threads; i++) {
            if (workers[i].max_discharge > max_disc)
                max_disc = workers[i].max_discharge;
            if (workers[i].max_admission > max_adm)
                max_adm = workers[i].max_admission;
        }
        int32_t bucket = 0;
        if (!cfg.period_known) {
            /* The financial year of the latest discharge; with only open
             * spells, of the latest admission. */
            int32_t anchor = max_disc != INT32_MIN ? max_disc : max_adm;
            if (anchor == INT32_MIN)
                anchor = 0;   /* no valid row at all: every row is rejected below */
            ics_financial_year(anchor, &cfg.from, &cfg.to);
            bucket = cfg.from;
            res->period_from_data = 1;
        }
        if (cfg.need_histograms) {
            rc = icsi_beds_derive_trimpoints(workers, threads, bucket, &res->owned_trimpoints, err);
            if (rc)
                goto fail;
            res->trimpoints_derived = 1;
        }
        res->passes = 2;
    }
    if (!opt->trimpoints && !res->owned_trimpoints) {
        res->owned_trimpoints = icsi_beds_trimpoints_new();   /* one pass: given period, rates only */
        if (!res->owned_trimpoints) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            goto fail;
        }
    }
    if (opt->rates_path) {
        rc = ics_trimpoints_load_rates(opt->trimpoints ? opt->trimpoints : res->owned_trimpoints, opt->rates_path, err);
        if (rc)
            goto fail;
    }
    cfg.trim = opt->trimpoints ? opt->trimpoints : res->owned_trimpoints;
    res->trimpoints = cfg.trim;
    res->from = cfg.from;
    res->to = cfg.to;
    res->days = cfg.to - cfg.from + 1;
    cfg.series = opt->series;
    cfg.series_days = res->days;
    cfg.pass = 2;
    if (two_passes) {
        /* the second pass replays the spill, one thread per worker */
        pthread_t tids[64];
        int started[64] = {0};
        for (int i = 1; i < threads; i++)
            started[i] = pthread_create(&tids[i], NULL, icsi_beds_replay_spill, &workers[i]) == 0;
        icsi_beds_replay_spill(&workers[0]);
        for (int i = 1; i < threads; i++) {
            if (started[i])
                pthread_join(tids[i], NULL);
            else
                icsi_beds_replay_spill(&workers[i]);
        }
        for (int i = 0; i < threads && !rc; i++)
            if (workers[i].spill.write_failed)
                rc = ics_error_set(err, ICS_ERR_IO, "cannot write or read the temporary spill file in %s",
                                   temp_dir());
        if (!rc)
            rc = worker_failure(workers, threads, rc, path, err);
        if (rc)
            goto fail;
    } else {
        so.row = icsi_beds_count_row;
        so.rejects = opt->rejects;
        rc = ics_csv_scan_run(scan, &so, &sr, err);
        rc = worker_failure(workers, threads, rc, path, err);
        if (rc)
            goto fail;
    }
    /* sr is the scan of the CSV: the only one, or the first pass before the replay */
    res->read = sr.rows;
    res->rejected = sr.rejected;
    res->threads = sr.threads_used;
    if (sr.rows == 0) {
        rc = ics_error_set(err, ICS_ERR_EMPTY, "%s has a header but no data rows",
                           strcmp(path, "-") == 0 ? "standard input" : path);
        goto fail;
    }
    for (int i = 0; i < threads; i++) {
        res->used += workers[i].used;
        res->open_spells += workers[i].open;
        res->outside_period += workers[i].outside;
        res->discharged_in_period += workers[i].in_period;
        res->no_trimpoint += workers[i].no_trim;
        res->excess_without_rate += workers[i].no_rate;
    }
    if (res->used + res->rejected != res->read) {
        rc = ics_error_set(err, ICS_ERR_INTERNAL, "rows do not add up: read %llu, used %llu, rejected %llu",
                           (unsigned long long)res->read, (unsigned long long)res->used,
                           (unsigned long long)res->rejected);
        goto fail;
    }
    rc = icsi_beds_build_rows(res, opt, &cfg, workers, threads, err);
    if (rc)
        goto fail;
    for (int i = 0; i < threads; i++) {
        icsi_beds_worker_release(&workers[i]);
        icsi_beds_spill_close(&workers[i].spill);
    }
    ics_free(workers);
    ics_free(contexts);
    ics_csv_scan_close(scan);
    *out = res;
    return ICS_OK;

fail:
    if (workers)
        for (int i = 0; i < threads; i++) {
            icsi_beds_worker_release(&workers[i]);
            icsi_beds_spill_close(&workers[i].spill);
        }
    ics_free(workers);
    ics_free(contexts);
    ics_csv_scan_close(scan);
    ics_beds_result_free(res);
    return rc;
}

void ics_beds_result_free(struct ics_beds_result *r)
{
    if (!r)
        return;
    ics_trimpoints_free(r->owned_trimpoints);
    ics_arena_release(&r->arena);
    ics_free(r);
}
