/*
 * ics spc: reads a table of series, computes an XmR chart per series
 * (ics_spc_compute), writes per-point rows, an optional per-series summary
 * and optional SVG charts. Behaviour is documented in docs/commands/spc.md.
 *
 * Every series is computed before anything is written, so a bad series (a
 * duplicate date) fails the run without leaving half an output.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "ics/csv.h"
#include "ics/core.h"
#include "ics/spc.h"
#include "ics/chart.h"

#define CMD "spc"

struct series {
    char *name;
    struct ics_spc_point *pts;   /* tag = insertion index */
    long *lines;                 /* by tag */
    double *targets;             /* by tag; NAN when the row has none */
    size_t n, cap;
    size_t missing;
    long first_missing_line;
    struct ics_spc_summary sum;
    int has_target;
    double target;
    int target_varies;
    int skipped;                 /* every row had a missing value: no chart */
};

struct table {
    struct series *s;
    size_t n, cap;
    size_t *slots;               /* open addressing: index + 1, 0 = empty */
    size_t nslots;
    struct ics_arena arena;
};

static uint64_t hash_bytes(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int table_grow_slots(struct table *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 64;
    size_t *slots = ics_calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = (size_t)hash_bytes(t->s[i].name, strlen(t->s[i].name)) & (ns - 1);
        while (slots[h])
            h = (h + 1) & (ns - 1);
        slots[h] = i + 1;
    }
    ics_free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return 0;
}

/* Finds or adds the series named p[0..len). NULL when out of memory. */
static struct series *table_get(struct table *t, const char *p, size_t len)
{
    if ((t->n + 1) * 2 > t->nslots && table_grow_slots(t))
        return NULL;
    size_t h = (size_t)hash_bytes(p, len) & (t->nslots - 1);
    while (t->slots[h]) {
        struct series *s = &t->s[t->slots[h] - 1];
        if (strlen(s->name) == len && memcmp(s->name, p, len) == 0)
            return s;
        h = (h + 1) & (t->nslots - 1);
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 16;
        struct series *ns = ics_realloc(t->s, nc * sizeof *ns);
        if (!ns)
            return NULL;
        t->s = ns;
        t->cap = nc;
    }
    struct series *s = &t->s[t->n];
    memset(s, 0, sizeof *s);
    s->name = ics_arena_strndup(&t->arena, p, len);
    if (!s->name)
        return NULL;
    t->slots[h] = ++t->n;
    return s;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        ics_free(t->s[i].pts);
        ics_free(t->s[i].lines);
        ics_free(t->s[i].targets);
    }
    ics_free(t->s);
    ics_free(t->slots);
    ics_arena_release(&t->arena);
}

static int series_push(struct series *s, int32_t date, double value, long line, double target)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        struct ics_spc_point *np = ics_realloc(s->pts, nc * sizeof *np);
        if (!np)
            return -1;
        s->pts = np;
        long *nl = ics_realloc(s->lines, nc * sizeof *nl);
        if (!nl)
            return -1;
        s->lines = nl;
        double *nt = ics_realloc(s->targets, nc * sizeof *nt);
        if (!nt)
            return -1;
        s->targets = nt;
        s->cap = nc;
    }
    struct ics_spc_point *p = &s->pts[s->n];
    memset(p, 0, sizeof *p);
    p->date = date;
    p->value = value;
    p->tag = s->n;
    s->lines[s->n] = line;
    s->targets[s->n] = target;
    s->n++;
    return 0;
}

/* Trims blanks around a field. */
static void trim_field(const char **p, size_t *len)
{
    while (*len && (**p == ' ' || **p == '\t')) {
        (*p)++;
        (*len)--;
    }
    while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t' || (*p)[*len - 1] == '\r'))
        (*len)--;
}

/* Empty and the usual spreadsheet and database spellings of "no value". */
static int is_missing(const char *p, size_t len)
{
    static const char *const words[] = {"NA", "N/A", "NULL", "NaN", "-", NULL};
    if (len == 0)
        return 1;
    for (const char *const *w = words; *w; w++)
        if (strlen(*w) == len && strncasecmp(*w, p, len) == 0)
            return 1;
    return 0;
}

/* Parses a whole field as a finite decimal. */
static int parse_number(const char *p, size_t len, double *out)
{
    char buf[128];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int cmp_date32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static void put_double(FILE *f, double v)
{
    char buf[40];
    if (ics_format_double(v, buf, sizeof buf) > 0)
        fputs(buf, f);
}

/* A file name from a series name: letters, digits, '.', '-', '_' kept, the
 * rest '_'; a leading dot is replaced too so nothing hides. */
static void safe_name(const char *name, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < size; p++) {
        unsigned char c = (unsigned char)*p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || (c == '.' && k > 0);
        out[k++] = ok ? (char)c : '_';
    }
    if (k == 0)
        out[k++] = '_';
    out[k] = '\0';
}

static void write_csv_points(FILE *f, const struct table *t)
{
    fputs("series,date,value,segment,mean,lpl,upl,lower_2sigma,upper_2sigma,rule,point_type\n", f);
    for (size_t i = 0; i < t->n; i++) {
        const struct series *s = &t->s[i];
        for (size_t k = 0; k < s->n; k++) {
            const struct ics_spc_point *p = &s->pts[k];
            char d[16];
            ics_date_format(p->date, d);
            ics_csv_write_field(f, s->name, strlen(s->name));
            fprintf(f, ",%s,", d);
            put_double(f, p->value);
            fprintf(f, ",%d,", p->segment);
            put_double(f, p->mean);
            fputc(',', f);
            put_double(f, p->lpl);
            fputc(',', f);
            put_double(f, p->upl);
            fputc(',', f);
            put_double(f, p->lower_2sigma);
            fputc(',', f);
            put_double(f, p->upper_2sigma);
            fprintf(f, ",%s,%s\n", ics_spc_rule_name(p->rule), ics_spc_point_type_name(p->point_type));
        }
    }
}

static void write_csv_summary(FILE *f, const struct table *t)
{
    fputs("series,n,mean,lpl,upl,variation_icon,assurance_icon,short_warning\n", f);
    for (size_t i = 0; i < t->n; i++) {
        const struct series *s = &t->s[i];
        if (s->skipped)
            continue;
        ics_csv_write_field(f, s->name, strlen(s->name));
        fprintf(f, ",%zu,", s->sum.n);
        put_double(f, s->sum.mean);
        fputc(',', f);
        put_double(f, s->sum.lpl);
        fputc(',', f);
        put_double(f, s->sum.upl);
        fprintf(f, ",%s,%s,%s\n", ics_spc_variation_name(s->sum.variation),
                ics_spc_assurance_name(s->sum.assurance), s->sum.short_warning ? "true" : "false");
    }
}

static void json_summary_fields(struct ics_json *j, const struct series *s)
{
    ics_json_kv_string(j, "series", s->name);
    ics_json_kv_int(j, "n", (int64_t)s->sum.n);
    ics_json_kv_int(j, "points", (int64_t)s->sum.points);
    ics_json_kv_int(j, "segments", s->sum.segments);
    ics_json_kv_double(j, "mean", s->sum.mean);
    ics_json_kv_double(j, "lpl", s->sum.lpl);
    ics_json_kv_double(j, "upl", s->sum.upl);
    ics_json_kv_string(j, "variation_icon", ics_spc_variation_name(s->sum.variation));
    if (s->sum.assurance)
        ics_json_kv_string(j, "assurance_icon", ics_spc_assurance_name(s->sum.assurance));
    else
        ics_json_kv_null(j, "assurance_icon");
    if (s->has_target)
        ics_json_kv_double(j, "target", s->target);
    else
        ics_json_kv_null(j, "target");
    ics_json_kv_bool(j, "short_warning", s->sum.short_warning);
}

static int write_json(FILE *f, const struct table *t, const char *value_col, int with_points)
{
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "value", value_col);
    ics_json_key(&j, "series");
    ics_json_array_begin(&j);
    for (size_t i = 0; i < t->n; i++) {
        const struct series *s = &t->s[i];
        if (s->skipped)
            continue;
        ics_json_object_begin(&j);
        json_summary_fields(&j, s);
        if (with_points) {
            ics_json_key(&j, "data");
            ics_json_array_begin(&j);
            for (size_t k = 0; k < s->n; k++) {
                const struct ics_spc_point *p = &s->pts[k];
                char d[16];
                ics_date_format(p->date, d);
                ics_json_object_begin(&j);
                ics_json_kv_string(&j, "date", d);
                ics_json_kv_double(&j, "value", p->value);
                ics_json_kv_int(&j, "segment", p->segment);
                ics_json_kv_double(&j, "mean", p->mean);
                ics_json_kv_double(&j, "lpl", p->lpl);
                ics_json_kv_double(&j, "upl", p->upl);
                ics_json_kv_double(&j, "lower_2sigma", p->lower_2sigma);
                ics_json_kv_double(&j, "upper_2sigma", p->upper_2sigma);
                if (p->rule)
                    ics_json_kv_string(&j, "rule", ics_spc_rule_name(p->rule));
                else
                    ics_json_kv_null(&j, "rule");
                ics_json_kv_string(&j, "point_type", ics_spc_point_type_name(p->point_type));
                ics_json_object_end(&j);
            }
            ics_json_array_end(&j);
        }
        ics_json_object_end(&j);
    }
    ics_json_array_end(&j);
    ics_json_object_end(&j);
    return ics_json_finish(&j);
}

static int write_file(const char *path, int json, const struct table *t, const char *value_col, int points,
                      struct ics_error *err)
{
    FILE *f = cli_open_output(path, err);
    if (!f)
        return err->code;
    int rc = 0;
    if (json) {
        if (write_json(f, t, value_col, points))
            rc = ics_error_set(err, ICS_ERR_INTERNAL, "JSON writer misused");
    } else if (points) {
        write_csv_points(f, t);
    } else {
        write_csv_summary(f, t);
    }
    int crc = cli_close_output(f, path, rc ? NULL : err);
    return rc ? rc : crc;
}

static void note_series(const struct series *s, const struct ics_spc_options *opt)
{
    const struct ics_spc_summary *m = &s->sum;
    if (s->skipped) {
        fprintf(stderr, "ics spc: series '%s': no row has a value (%zu missing): left out\n", s->name, s->missing);
        return;
    }
    if (s->missing)
        fprintf(stderr, "ics spc: series '%s': %zu row%s with no value left out (first at line %ld)\n", s->name,
                s->missing, s->missing == 1 ? "" : "s", s->first_missing_line);
    if (m->notes & ICS_SPC_NOTE_SINGLE_POINT)
        fprintf(stderr, "ics spc: series '%s': a segment has a single point: no moving range, limits empty\n",
                s->name);
    if (m->notes & ICS_SPC_NOTE_NO_VARIATION)
        fprintf(stderr, "ics spc: series '%s': no variation (all values of a segment equal): %s\n", s->name,
                opt->screen_outliers ? "limits empty" : "limits equal the mean");
    if (m->notes & ICS_SPC_NOTE_ZERO_MR)
        fprintf(stderr,
                "ics spc: series '%s': after screening the average moving range is 0: limits equal the mean, "
                "so every point off the mean is outside them (as the R package)\n",
                s->name);
    if (m->short_segments)
        fprintf(stderr, "ics spc: series '%s': %d segment%s of fewer than %d points: trial limits\n", s->name,
                m->short_segments, m->short_segments == 1 ? "" : "s", opt->short_threshold);
    if (s->target_varies)
        fprintf(stderr, "ics spc: series '%s': the target varies; the latest one (%.15g) is judged\n", s->name,
                s->target);
}

static int cmd_spc(int argc, char **argv)
{
    static const struct option options[] = {
        {"value", required_argument, NULL, 'v'},
        {"date", required_argument, NULL, 'd'},
        {"series", required_argument, NULL, 's'},
        {"improvement", required_argument, NULL, 'i'},
        {"target", required_argument, NULL, 't'},
        {"target-col", required_argument, NULL, 'T'},
        {"rebase", required_argument, NULL, 'r'},
        {"fix-after", required_argument, NULL, 'x'},
        {"screen-outliers", required_argument, NULL, 'S'},
        {"two-in-three", required_argument, NULL, '2'},
        {"svg", required_argument, NULL, 'g'},
        {"summary", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ics_spc_options opt;
    ics_spc_options_init(&opt);
    const char *value_col = NULL, *date_col = NULL, *series_col = NULL, *target_col = NULL;
    const char *rebase_arg = NULL, *svg_dir = NULL, *summary_path = NULL, *out_path = NULL;
    int json = 0, quiet = 0;

    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:hq", options, NULL)) != -1) {
        switch (c) {
        case 'v': value_col = optarg; break;
        case 'd': date_col = optarg; break;
        case 's': series_col = optarg; break;
        case 'i':
            if (strcmp(optarg, "increase") == 0)
                opt.direction = ICS_SPC_INCREASE;
            else if (strcmp(optarg, "decrease") == 0)
                opt.direction = ICS_SPC_DECREASE;
            else if (strcmp(optarg, "neutral") == 0)
                opt.direction = ICS_SPC_NEUTRAL;
            else
                return cli_usage_error(CMD, "--improvement '%s': expected increase, decrease or neutral", optarg);
            break;
        case 't':
            if (cli_parse_double(optarg, -1e300, 1e300, &opt.target))
                return cli_usage_error(CMD, "--target '%s' is not a number", optarg);
            opt.has_target = 1;
            break;
        case 'T': target_col = optarg; break;
        case 'r': rebase_arg = optarg; break;
        case 'x': {
            long v;
            if (cli_parse_long(optarg, 12, 1000000000L, &v))
                return cli_usage_error(CMD, "--fix-after '%s': expected a whole number of at least 12", optarg);
            opt.fix_after = (int)v;
            break;
        }
        case 'S':
            if (strcmp(optarg, "on") == 0)
                opt.screen_outliers = 1;
            else if (strcmp(optarg, "off") == 0)
                opt.screen_outliers = 0;
            else
                return cli_usage_error(CMD, "--screen-outliers '%s': expected on or off", optarg);
            break;
        case '2':
            if (strcmp(optarg, "band") == 0)
                opt.two_in_three = ICS_SPC_2IN3_BAND;
            else if (strcmp(optarg, "mdc2023") == 0)
                opt.two_in_three = ICS_SPC_2IN3_MDC2023;
            else
                return cli_usage_error(CMD, "--two-in-three '%s': expected band or mdc2023", optarg);
            break;
        case 'g': svg_dir = optarg; break;
        case 'm': summary_path = optarg; break;
        case 'F':
            if (cli_parse_format(CMD, optarg, &json))
                return ICS_ERR_USAGE;
            break;
        case 'o': out_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': return cli_help(&cli_cmd_spc);
        default: return cli_usage_error(CMD, "unknown option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(CMD, optind >= argc ? "no series file given" : "more than one series file given");
    if (!value_col)
        return cli_usage_error(CMD, "--value COL is required");
    if (opt.has_target && target_col)
        return cli_usage_error(CMD, "--target and --target-col cannot be used together");
    const char *path = argv[optind];

    /* rebase dates */
    int32_t *rebase = NULL;
    size_t nrebase = 0;
    int *rebase_used = NULL;
    if (rebase_arg) {
        size_t cap = 1;
        for (const char *p = rebase_arg; *p; p++)
            cap += *p == ',';
        rebase = ics_malloc(cap * sizeof *rebase);
        rebase_used = ics_calloc(cap, sizeof *rebase_used);
        if (!rebase || !rebase_used) {
            ics_free(rebase);
            ics_free(rebase_used);
            fprintf(stderr, "ics spc: out of memory\n");
            return ICS_ERR_NOMEM;
        }
        const char *p = rebase_arg;
        for (;;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            trim_field(&p, &len);
            if (len) {
                if (ics_date_parse(p, len, &rebase[nrebase])) {
                    int rc = cli_usage_error(CMD, "--rebase: '%.*s' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
                                             (int)len, p);
                    ics_free(rebase);
                    ics_free(rebase_used);
                    return rc;
                }
                nrebase++;
            }
            if (!e)
                break;
            p = e + 1;
        }
        qsort(rebase, nrebase, sizeof *rebase, cmp_date32);
    }

    struct ics_error err = {0};
    struct table t;
    memset(&t, 0, sizeof t);
    ics_arena_init(&t.arena, 1 << 16);
    struct ics_csv_reader *r = NULL;
    int rc = ics_csv_open(path, NULL, &r, &err);
    if (rc)
        goto done;
    const char *label = ics_csv_reader_label(r);
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    const char *value_names[] = {value_col, NULL};
    int vi = ics_csv_header_find(h, value_names);
    const char *date_names_default[] = {"date", "period_start", "period", "week_start", "month", NULL};
    const char *date_names_given[] = {date_col, NULL};
    int di = ics_csv_header_find(h, date_col ? date_names_given : date_names_default);
    int si = -1, ti = -1;
    if (series_col) {
        const char *n[] = {series_col, NULL};
        si = ics_csv_header_find(h, n);
    }
    if (target_col) {
        const char *n[] = {target_col, NULL};
        ti = ics_csv_header_find(h, n);
    }
    if (vi < 0 || di < 0 || (series_col && si < 0) || (target_col && ti < 0)) {
        const char *missing = vi < 0 ? value_col
                              : di < 0 ? (date_col ? date_col : "date (or period_start; give --date COL)")
                              : (series_col && si < 0) ? series_col
                                                       : target_col;
        rc = ics_error_set(&err, ICS_ERR_MISSING_COLUMN, "%s: no column '%s' in the header", label, missing);
        goto done;
    }

    struct ics_csv_row row;
    size_t rows = 0;
    for (;;) {
        int got = ics_csv_next(r, &row, &err);
        if (got < 0 || got > 1) {
            rc = got;
            goto done;
        }
        if (got == 0)
            break;
        rows++;
        int need = vi > di ? vi : di;
        if (si > need)
            need = si;
        if (ti > need)
            need = ti;
        if (row.nfields <= need) {
            rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, row.nfields + 1,
                              "row has %d fields, the header names more", row.nfields);
            goto done;
        }
        const char *sp = value_col;
        size_t slen = strlen(value_col);
        if (si >= 0) {
            sp = row.fields[si].ptr;
            slen = row.fields[si].len;
            trim_field(&sp, &slen);
        }
        const char *dp = row.fields[di].ptr;
        size_t dlen = row.fields[di].len;
        trim_field(&dp, &dlen);
        int32_t date;
        if (ics_date_parse(dp, dlen, &date)) {
            rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, di + 1, "bad date '%.*s'", (int)dlen, dp);
            goto done;
        }
        struct series *s = table_get(&t, sp, slen);
        if (!s) {
            rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
            goto done;
        }
        const char *vp = row.fields[vi].ptr;
        size_t vlen = row.fields[vi].len;
        trim_field(&vp, &vlen);
        double value;
        if (is_missing(vp, vlen)) {
            if (!s->missing++)
                s->first_missing_line = row.line;
            continue;
        }
        if (parse_number(vp, vlen, &value)) {
            rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, vi + 1, "'%.*s' is not a number", (int)vlen,
                              vp);
            goto done;
        }
        double target = NAN;
        if (ti >= 0) {
            const char *tp = row.fields[ti].ptr;
            size_t tlen = row.fields[ti].len;
            trim_field(&tp, &tlen);
            if (!is_missing(tp, tlen) && parse_number(tp, tlen, &target)) {
                rc = ics_error_at(&err, ICS_ERR_PARSE, label, row.line, ti + 1, "target '%.*s' is not a number",
                                  (int)tlen, tp);
                goto done;
            }
        }
        if (series_push(s, date, value, row.line, target)) {
            rc = ics_error_set(&err, ICS_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    if (rows == 0) {
        rc = ics_error_set(&err, ICS_ERR_EMPTY, "%s: no data rows", label);
        goto done;
    }

    /* compute every series */
    for (size_t i = 0; i < t.n; i++) {
        struct series *s = &t.s[i];
        if (s->n == 0) {
            s->skipped = 1;
            continue;
        }
        struct ics_spc_options so = opt;
        if (ti >= 0) {
            int32_t best = INT32_MIN;
            double first = NAN;
            for (size_t k = 0; k < s->n; k++) {
                double tv = s->targets[s->pts[k].tag];
                if (isnan(tv))
                    continue;
                if (isnan(first))
                    first = tv;
                else if (tv != first)
                    s->target_varies = 1;
                if (s->pts[k].date > best) {
                    best = s->pts[k].date;
                    so.target = tv;
                    so.has_target = 1;
                }
            }
        }
        s->has_target = so.has_target;
        s->target = so.target;
        for (size_t k = 0; k < s->n; k++) {
            int32_t *hit = nrebase ? bsearch(&s->pts[k].date, rebase, nrebase, sizeof *rebase, cmp_date32) : NULL;
            if (hit) {
                s->pts[k].rebase = 1;
                rebase_used[hit - rebase] = 1;
            }
        }
        rc = ics_spc_compute(s->pts, s->n, &so, &s->sum, &err);
        if (rc) {
            char msg[ICS_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg, "%s", err.message);
            rc = ics_error_set(&err, rc, "%s: series '%s': %s", label, s->name, msg);
            goto done;
        }
    }

    /* write */
    rc = write_file(out_path, json, &t, value_col, 1, &err);
    if (rc)
        goto done;
    if (summary_path && (rc = write_file(summary_path, json, &t, value_col, 0, &err)))
        goto done;
    if (svg_dir) {
        if (mkdir(svg_dir, 0777) && errno != EEXIST) {
            rc = ics_error_set(&err, ICS_ERR_IO, "cannot create directory '%s': %s", svg_dir, strerror(errno));
            goto done;
        }
        for (size_t i = 0; i < t.n; i++) {
            struct series *s = &t.s[i];
            if (s->skipped)
                continue;
            char base[200], file[4096];
            safe_name(s->name, base, sizeof base);
            /* two names that clean up alike must not overwrite each other */
            for (size_t k = 0; k < i; k++) {
                char other[200];
                safe_name(t.s[k].name, other, sizeof other);
                if (strcmp(other, base) == 0) {
                    size_t bl = strlen(base);
                    snprintf(base + bl, sizeof base - bl, "_%zu", i + 1);
                    break;
                }
            }
            snprintf(file, sizeof file, "%s/%s.svg", svg_dir, base);
            FILE *f = fopen(file, "w");
            if (!f) {
                rc = ics_error_set(&err, ICS_ERR_IO, "cannot write '%s': %s", file, strerror(errno));
                goto done;
            }
            struct ics_svg_spc_chart chart = {
                .title = s->name,
                .y_label = value_col,
                .points = s->pts,
                .n = s->n,
                .summary = &s->sum,
                .direction = opt.direction,
                .has_target = s->has_target,
                .target = s->target,
            };
            ics_svg_spc(f, &chart);
            if (ferror(f) | fclose(f)) {
                rc = ics_error_set(&err, ICS_ERR_IO, "error writing '%s'", file);
                goto done;
            }
        }
    }

    if (!quiet) {
        for (size_t i = 0; i < t.n; i++)
            note_series(&t.s[i], &opt);
        for (size_t k = 0; k < nrebase; k++)
            if (!rebase_used[k]) {
                char d[16];
                ics_date_format(rebase[k], d);
                fprintf(stderr, "ics spc: rebase date %s is not a date of any series: ignored\n", d);
            }
        if (svg_dir)
            fprintf(stderr, "ics spc: %zu chart%s written to %s/\n", t.n, t.n == 1 ? "" : "s", svg_dir);
    }
    rc = ICS_OK;
done:
    if (rc)
        cli_fail(CMD, &err);
    if (r)
        ics_csv_close(r);
    table_free(&t);
    ics_free(rebase);
    ics_free(rebase_used);
    return rc;
}

static int run_spc(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return cmd_spc(argc, argv);
}

const struct cli_command cli_cmd_spc = {
    .name = "spc",
    .summary = "SPC (XmR) charts with the Making Data Count rules",
    .synopsis = "ics spc SERIES.csv --value COL [--date COL] [--series COL]\n               [--improvement increase|decrease|neutral] [--target X | --target-col COL]\n               [--rebase DATE,...] [--fix-after N] [--screen-outliers on|off]\n               [--two-in-three band|mdc2023] [--svg DIR] [--summary FILE]\n               [--format csv|json] [-o FILE] [--quiet]",
    .run = run_spc,
    .notes = "See docs/commands/spc.md.\n",
};
