/* ics_beds_run: the options, one or two passes over the spells, the result. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* ---- options and the result ------------------------------------------------ */

void ics_beds_options_init(struct ics_beds_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->level = ICS_BEDS_PROVIDER;
    opt->from = opt->to = ICS_DATE_NONE;
    opt->series = ICS_SERIES_NONE;
}

const struct ics_beds_summary *ics_beds_result_summary(const struct ics_beds_result *r)
{
    return &r->s;
}

const struct ics_beds_row *ics_beds_result_row(const struct ics_beds_result *r, size_t i)
{
    return i < r->s.rows ? &r->rows[i] : NULL;
}

const struct ics_beds_row *ics_beds_result_total(const struct ics_beds_result *r)
{
    return &r->total;
}

const struct ics_beds_row *ics_beds_result_period_total(const struct ics_beds_result *r, size_t p)
{
    return p < r->s.periods ? &r->rows[r->s.rows + p] : NULL;
}

const struct ics_trimpoints *ics_beds_result_trimpoints(const struct ics_beds_result *r)
{
    return r->trimpoints;
}

void ics_beds_result_free(struct ics_beds_result *r)
{
    if (!r)
        return;
    ics_trimpoints_free(r->owned_trimpoints);
    ics_arena_release(&r->arena);
    ics_free(r);
}

/* ---- the run --------------------------------------------------------------- */

/* One run's working state, from the options to the result. */
struct run {
    const char *path;
    const char *label;                 /* the input's name in messages */
    const struct ics_beds_options *opt;
    struct ics_beds_result *res;
    struct config cfg;
    int threads;
    struct worker *workers;
    void **contexts;
    struct ics_csv_scan *scan;
    struct ics_csv_scan_options so;
    struct ics_csv_scan_result sr;     /* the scan of the CSV: the only one, or the first of two passes */
    int two_passes;
};

static const char *temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

/* A worker that ran out of memory stopped the scan: that, not the stop, is the error. */
static int worker_failure(const struct run *r, int rc, struct ics_error *err)
{
    for (int i = 0; i < r->threads; i++)
        if (r->workers[i].failed)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory reading %s", r->path);
    return rc;
}

static int check_options(const struct ics_beds_options *opt, struct ics_error *err)
{
    if (opt->level < ICS_BEDS_PROVIDER || opt->level > ICS_BEDS_NATION)
        return ics_error_set(err, ICS_ERR_USAGE, "unknown level");
    if ((opt->from == ICS_DATE_NONE) != (opt->to == ICS_DATE_NONE))
        return ics_error_set(err, ICS_ERR_USAGE, "the period needs both its first and its last day");
    if (opt->from != ICS_DATE_NONE && opt->from > opt->to)
        return ics_error_set(err, ICS_ERR_USAGE, "the period's first day is after its last");
    if (opt->input < ICS_BEDS_INPUT_AUTO || opt->input > ICS_BEDS_INPUT_EPISODES)
        return ics_error_set(err, ICS_ERR_USAGE, "unknown input kind");
    if (opt->level >= ICS_BEDS_ICB && !opt->geography)
        return ics_error_set(err, ICS_ERR_USAGE, "the %s level needs a geography lookup",
                             ics_beds_level_name(opt->level));
    return ICS_OK;
}

/* The result, the configuration, the workers and (two passes) their spill files. */
static int run_start(struct run *r, struct ics_error *err)
{
    const struct ics_beds_options *opt = r->opt;
    r->res = ics_calloc(1, sizeof *r->res);
    if (!r->res)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    ics_arena_init(&r->res->arena, 64 * 1024);
    r->res->s.level = opt->level;
    r->res->s.series = opt->series;

    struct config *cfg = &r->cfg;
    cfg->strict = opt->strict;
    cfg->by_residence = opt->level != ICS_BEDS_PROVIDER;
    cfg->period_known = opt->from != ICS_DATE_NONE;
    cfg->from = opt->from;
    cfg->to = opt->to;
    cfg->need_histograms = opt->trimpoints == NULL;
    cfg->has_flat_rate = opt->has_flat_rate;
    cfg->flat_rate = opt->flat_rate_pence;

    int threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    r->workers = ics_calloc((size_t)threads, sizeof *r->workers);
    r->contexts = ics_calloc((size_t)threads, sizeof *r->contexts);
    if (!r->workers || !r->contexts)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    r->threads = threads;
    for (int i = 0; i < threads; i++) {
        icsi_beds_worker_init(&r->workers[i], cfg);
        r->workers[i].index = i;
        r->contexts[i] = &r->workers[i];
    }
    r->two_passes = !cfg->period_known || cfg->need_histograms;
    if (!r->two_passes)
        return ICS_OK;
    for (int i = 0; i < threads; i++) {
        struct spill *sp = &r->workers[i].spill;
        sp->buf = ics_malloc(SPILL_BUFFER);
        if (!sp->buf)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        sp->file = ics_tempfile(err);
        if (!sp->file)
            return err ? err->code : ICS_ERR_IO;
        sp->fd = fileno(sp->file);   /* read and written with read(2)/write(2) only */
    }
    return ICS_OK;
}

/* Episode partitions: enough that one holds at most about 8 MB of a file's
 * episodes (a record is about the size of its CSV row or less): few enough
 * that the scan's per-partition buffers stay in cache, small enough to sort
 * in cache (measured at 20 million episodes: 2 MB and 32 MB partitions were
 * both slower); 16 to 4,096, a power of two. A pipe's size is not known: it
 * is taken as 2 GB. */
static unsigned partitions_for(const char *path)
{
    struct stat st;
    int known = strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    uint64_t bytes = known ? (uint64_t)st.st_size : (uint64_t)2 << 30;
    unsigned parts = 16;
    while (parts < 4096 && (uint64_t)parts * (8u << 20) < bytes)
        parts *= 2;
    return parts;
}

/* Opens the input and finds the columns by header name. */
static int find_columns(struct run *r, struct ics_error *err)
{
    int rc = ics_csv_scan_open(r->path, r->label, &r->scan, err);
    if (rc)
        return rc;
    const struct ics_csv_header *h = ics_csv_scan_header(r->scan);
    struct config *cfg = &r->cfg;
    for (int k = 0; k < NCOLS; k++) {
        const char *const *aliases = icsi_beds_column_aliases[k];
        cfg->col[k] = ics_csv_header_find(h, aliases);
        int required = k != COL_LA || cfg->by_residence;
        if (cfg->col[k] < 0 && required)
            return ics_error_at(err, ICS_ERR_MISSING_COLUMN, r->label, 1, 0,
                                "missing column '%s' (also accepted: %s%s%s)", aliases[0], aliases[1],
                                aliases[2] ? ", " : "", aliases[2] ? aliases[2] : "");
        if (cfg->col[k] < 0)
            cfg->col[k] = cfg->col[COL_PROVIDER];   /* unused: the residence is not read at provider level */
        cfg->col_name[k] = h->names[cfg->col[k]];
        if (cfg->col[k] + 1 > cfg->want)
            cfg->want = cfg->col[k] + 1;
    }
    for (int k = 0; k < NOPT; k++) {
        cfg->opt_col[k] = ics_csv_header_find(h, icsi_beds_optional_aliases[k]);
        if (cfg->opt_col[k] + 1 > cfg->want)
            cfg->want = cfg->opt_col[k] + 1;
    }
    cfg->episodes = r->opt->input == ICS_BEDS_INPUT_EPISODES ||
                    (r->opt->input == ICS_BEDS_INPUT_AUTO && cfg->opt_col[OPT_ORDER] >= 0);
    cfg->cips = r->opt->cips;
    cfg->grouped = cfg->episodes || cfg->cips;
    if (cfg->cips && cfg->opt_col[OPT_PATIENT] < 0) {
        const char *const *a = icsi_beds_optional_aliases[OPT_PATIENT];
        return ics_error_at(err, ICS_ERR_MISSING_COLUMN, r->label, 1, 0,
                            "continuous inpatient spells join one patient's spells: missing column '%s' "
                            "(also accepted: %s, %s, %s)", a[0], a[1], a[2], a[3]);
    }
    if (cfg->episodes && cfg->opt_col[OPT_SPELL_ID] < 0 && cfg->opt_col[OPT_PATIENT] < 0) {
        const char *const *a = icsi_beds_optional_aliases[OPT_PATIENT];
        return ics_error_at(err, ICS_ERR_MISSING_COLUMN, r->label, 1, 0,
                            "episodes need a patient id to be grouped into spells: missing column '%s' "
                            "(also accepted: %s, %s, %s; or a SUS spell id, SUSSPELLID)", a[0], a[1], a[2], a[3]);
    }
    r->res->s.episodes = cfg->episodes;
    r->res->s.cips = cfg->cips;
    if (cfg->grouped) {
        cfg->partitions = partitions_for(r->path);
        for (int i = 0; i < r->threads; i++)
            if ((rc = icsi_beds_episodes_open(&r->workers[i], err)))
                return rc;
    }
    r->so = (struct ics_csv_scan_options){
        .threads = r->threads, .want_fields = cfg->want, .reset = icsi_beds_worker_reset, .workers = r->contexts,
        .progress = r->opt->progress, .progress_ctx = r->opt->progress_ctx,
        .rejects = r->opt->rejects, .rejects_name = r->opt->rejects_name,
    };
    return ICS_OK;
}

/* The one reading of the CSV: rows to spell_row (spells), or episodes to the
 * spill and then grouped into spells, which go where cfg->pass says. */
static int read_rows(struct run *r, ics_csv_row_fn spell_row, struct ics_error *err)
{
    r->so.row = r->cfg.grouped ? icsi_beds_episode_row : spell_row;
    int rc = worker_failure(r, ics_csv_scan_run(r->scan, &r->so, &r->sr, err), err);
    if (!rc && r->cfg.grouped)
        rc = worker_failure(r, icsi_beds_group_episodes(r->workers, r->threads, err), err);
    return rc;
}

/* The first of two passes: reads the CSV, spills every valid spell, and finds
 * the period and (when derived) the trim points. */
static int first_pass(struct run *r, struct ics_error *err)
{
    struct config *cfg = &r->cfg;
    struct ics_beds_result *res = r->res;
    cfg->pass = 1;
    int rc = read_rows(r, icsi_beds_first_pass_row, err);
    if (rc)
        return rc;
    int32_t max_disc = INT32_MIN, max_adm = INT32_MIN;
    for (int i = 0; i < r->threads; i++) {
        if (r->workers[i].max_discharge > max_disc)
            max_disc = r->workers[i].max_discharge;
        if (r->workers[i].max_admission > max_adm)
            max_adm = r->workers[i].max_admission;
    }
    int32_t bucket = 0;
    if (!cfg->period_known) {
        /* The financial year of the latest discharge; with only open
         * spells, of the latest admission. */
        int32_t anchor = max_disc != INT32_MIN ? max_disc : max_adm;
        if (anchor == INT32_MIN)
            anchor = 0;   /* no valid row at all: every row is rejected below */
        ics_financial_year(anchor, &cfg->from, &cfg->to);
        bucket = cfg->from;
        res->s.period_from_data = 1;
    }
    if (cfg->need_histograms) {
        rc = icsi_beds_derive_trimpoints(r->workers, r->threads, bucket, &res->owned_trimpoints, err);
        if (rc)
            return rc;
        res->s.trimpoints_derived = 1;
    }
    res->s.passes = 2;
    return ICS_OK;
}

/* The trim points and rates the counting uses, and the period it counts in. */
static int choose_trimpoints(struct run *r, struct ics_error *err)
{
    const struct ics_beds_options *opt = r->opt;
    struct ics_beds_result *res = r->res;
    struct config *cfg = &r->cfg;
    if (!opt->trimpoints && !res->owned_trimpoints) {
        res->owned_trimpoints = icsi_beds_trimpoints_new();   /* one pass: given period, rates only */
        if (!res->owned_trimpoints)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    if (opt->rates_path) {
        int rc = ics_trimpoints_load_rates(opt->trimpoints ? opt->trimpoints : res->owned_trimpoints,
                                           opt->rates_path, err);
        if (rc)
            return rc;
    }
    cfg->trim = opt->trimpoints ? opt->trimpoints : res->owned_trimpoints;
    res->trimpoints = cfg->trim;
    res->s.from = cfg->from;
    res->s.to = cfg->to;
    res->s.days = cfg->to - cfg->from + 1;
    cfg->series = opt->series;
    cfg->series_days = res->s.days;
    cfg->pass = 2;
    return ICS_OK;
}

/* The counting pass: the spill replayed, one thread per worker, or the one
 * reading of the CSV. */
static int count_pass(struct run *r, struct ics_error *err)
{
    if (!r->two_passes) {
        r->res->s.passes = 1;
        return read_rows(r, icsi_beds_count_row, err);
    }
    pthread_t tids[64];
    int started[64] = {0};
    for (int i = 1; i < r->threads; i++)
        started[i] = pthread_create(&tids[i], NULL, icsi_beds_replay_spill, &r->workers[i]) == 0;
    icsi_beds_replay_spill(&r->workers[0]);
    for (int i = 1; i < r->threads; i++) {
        if (started[i])
            pthread_join(tids[i], NULL);
        else
            icsi_beds_replay_spill(&r->workers[i]);
    }
    for (int i = 0; i < r->threads; i++)
        if (r->workers[i].spill.write_failed)
            return ics_error_set(err, ICS_ERR_IO, "cannot write or read the temporary spill file in %s",
                                 temp_dir());
    return worker_failure(r, ICS_OK, err);
}

/* The accounting of every row: read = used + rejected. */
static int add_up(struct run *r, struct ics_error *err)
{
    struct ics_beds_summary *s = &r->res->s;
    s->read = r->sr.rows;
    s->rejected = r->sr.rejected;
    s->threads = r->sr.threads_used;
    if (r->sr.rows == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s has a header but no data rows", r->label);
    for (int i = 0; i < r->threads; i++) {
        const struct worker *w = &r->workers[i];
        s->used += w->used;
        s->open_spells += w->open;
        s->outside_period += w->outside;
        s->discharged_in_period += w->in_period;
        s->no_trimpoint += w->no_trim;
        s->excess_without_rate += w->no_rate;
        s->spells_built += w->spells_built;
        s->regular_attenders += w->regular_attenders;
        s->day_cases_with_stay += w->day_cases_with_stay;
        s->cips_built += w->cips_built;
        s->cips_joined += w->cips_joined;
    }
    if (s->used == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "%s: no row used: all %llu rows were rejected", r->label,
                             (unsigned long long)s->read);
    if (s->used + s->rejected != s->read)
        return ics_error_set(err, ICS_ERR_INTERNAL, "rows do not add up: read %llu, used %llu, rejected %llu",
                             (unsigned long long)s->read, (unsigned long long)s->used,
                             (unsigned long long)s->rejected);
    return ICS_OK;
}

static void run_end(struct run *r)
{
    if (r->workers)
        for (int i = 0; i < r->threads; i++) {
            icsi_beds_worker_release(&r->workers[i]);
            icsi_beds_spill_close(&r->workers[i].spill);
            icsi_beds_episodes_close(&r->workers[i]);
        }
    ics_free(r->workers);
    ics_free(r->contexts);
    ics_csv_scan_close(r->scan);
}

int ics_beds_run(const char *path, const struct ics_beds_options *opt, struct ics_beds_result **out,
                 struct ics_error *err)
{
    *out = NULL;
    int rc = check_options(opt, err);
    if (rc)
        return rc;
    struct run r = {.path = path, .label = strcmp(path, "-") == 0 ? "standard input" : path, .opt = opt};
    rc = run_start(&r, err);
    if (!rc)
        rc = find_columns(&r, err);
    if (!rc && r.two_passes)
        rc = first_pass(&r, err);
    if (!rc)
        rc = choose_trimpoints(&r, err);
    if (!rc)
        rc = count_pass(&r, err);
    if (!rc)
        rc = add_up(&r, err);
    if (!rc)
        rc = icsi_beds_build_rows(r.res, opt, &r.cfg, r.workers, r.threads, err);
    if (!rc) {
        r.res->quality_has_class = r.cfg.opt_col[OPT_CLASS] >= 0;
        rc = icsi_beds_quality_build(r.res, r.workers, r.threads, err);
    }
    run_end(&r);
    if (rc) {
        ics_beds_result_free(r.res);
        return rc;
    }
    *out = r.res;
    return ICS_OK;
}
