/* Internals shared by src/benchmark/benchmark*.c. Not part of the public API. */
#ifndef ICS_BENCHMARK_INTERNAL_H
#define ICS_BENCHMARK_INTERNAL_H

#include "ics/benchmark.h"

/* A (code, text, value) row of a side file: population, peers or groups. */
struct bm_pair {
    const char *code;
    const char *text;     /* peer or group */
    double value;         /* population */
    long line;
};

struct bm_area {
    const char *code;
    const char *icb_code, *icb_name;
    const char *region_code, *region_name;
};

/* One code of the table with its working values. */
struct bm_item {
    struct ics_benchmark_row row;   /* the public result; strings in the arena */
    int has_cost;
    int64_t cost_pence;
    double ebd;
    long double gap_days;           /* gap x DEN / scale: the whole gap, numerator units */
    long double cost_per_unit;      /* pence per numerator unit; NAN when unknown */
    int has_target;
    const struct bm_area *area;
};

#define BM_MAX_ITEMS 10000000u      /* growable arrays are capped (STYLE.md) */

struct ics_benchmark {
    struct ics_benchmark_options opt;
    struct ics_arena arena;
    int ran;

    const char *label;              /* table name for messages */
    const char *num_column, *den_column;
    int table_has_cost;
    int table_unpriced;             /* cost columns, but no code priced */
    int days_state;                 /* 0 no days column, 1 one value, 2 values differ */
    long table_days, other_days, table_days_line, other_days_line;

    struct bm_item *items;
    size_t n, cap;

    struct bm_pair *pops;
    size_t npops, cappops;
    const char *pops_label;
    struct bm_pair *peers;
    size_t npeers, cappeers;
    const char *peers_label;
    struct bm_pair *groups;
    size_t ngroups, capgroups;
    const char *groups_label;
    struct bm_area *areas;
    size_t nareas, capareas;

    char **notes;
    size_t nnotes, capnotes;

    struct ics_benchmark_row total;
    struct ics_benchmark_rollup *rollups;
    size_t nrollups;
    struct ics_benchmark_info info;
};

/* Grows *ptr (elements of `elem` bytes) to hold at least `need`. 0 or -1. */
int bm_grow(void **ptr, size_t *cap, size_t need, size_t elem);
/* Arena copy of a string (NULL stays NULL unless empty_for_null). */
const char *bm_strdup(struct ics_benchmark *b, const char *s);
/* Appends a formatted note. Returns ICS_OK or ICS_ERR_NOMEM (err filled). */
int bm_note(struct ics_benchmark *b, struct ics_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parses a plain decimal number ("12", "-3.5", "1e3", "1,234.5" with
 * thousands separators in threes); no hex, inf or nan. 0 or -1. */
int bm_parse_double(const char *s, size_t len, double *out);

#endif
