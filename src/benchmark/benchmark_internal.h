/*
 * Internals shared by the files of src/benchmark/. Not part of the public API.
 *
 *   benchmark.c         life cycle, inputs, populations, result accessors
 *   benchmark_run.c     ics_benchmark_run: rates, costs, gaps, totals, notes, roll-ups
 *   benchmark_groups.c  peer groups, quartiles, bands, ranks, group and best-5-of-10 targets
 *   benchmark_io.c      reading the table and the side files
 *   benchmark_geo.c     areas and populations from a geography
 *   benchmark_format.c  fractions, number formats and the summary line
 *
 * Every symbol shared between these files starts icsi_bm_; nothing here is
 * writable static state, so two benchmarks may run on two threads at once.
 */
#ifndef ICS_BENCHMARK_INTERNAL_H
#define ICS_BENCHMARK_INTERNAL_H

#include <stdarg.h>

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
    /* Pence per numerator unit as a ratio, cost / days, so that pounds are
     * gap x cost / days: one division, and a half penny stays a half penny. */
    int has_unit_cost;
    long double unit_cost_pence, unit_cost_days;
    int has_target;
    const struct bm_area *area;
};

#define BM_MAX_ITEMS 10000000u      /* growable arrays are capped (STYLE.md) */

struct ics_benchmark {
    struct ics_benchmark_options opt;
    struct ics_arena arena;
    int ran;

    struct ics_benchmark_table table;   /* what the table read found (label, columns, days) */
    int table_has_cost;             /* cost columns, or costs given code by code */
    int table_unpriced;             /* cost columns, but no code priced */

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

/* A peer group during a run: its members and their rates. */
struct bm_group {
    const char *name;
    size_t *members;      /* item indices with a rate */
    size_t n;
    double *sorted;       /* member rates ascending */
    int has_quartiles;
    double q1, q2, q3;
    double target;        /* group target (quartile kinds), NAN if none */
};

/* The items sorted by code (then table order), for lookups during a run. The
 * array carries its own items, so sorting needs no shared state. */
struct bm_index {
    struct bm_item **by_code;
    size_t n;
};

/* ---- benchmark.c: helpers ------------------------------------------------ */

/* Grows *ptr (elements of `elem` bytes) to hold at least `need`. 0 or -1. */
int icsi_bm_grow(void **ptr, size_t *cap, size_t need, size_t elem);
/* Arena copy of a string (NULL becomes ""); NULL when out of memory. */
const char *icsi_bm_strdup(struct ics_benchmark *b, const char *s);
/* The whole formatted text in the arena (never cut); NULL when out of memory. */
const char *icsi_bm_vformat(struct ics_benchmark *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends a formatted note. Returns ICS_OK or ICS_ERR_NOMEM (err filled). */
int icsi_bm_note(struct ics_benchmark *b, struct ics_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Marks an item as excluded (or partly so) with a reason, once. ICS_OK or ICS_ERR_NOMEM. */
int icsi_bm_problem(struct ics_benchmark *b, struct bm_item *it, struct ics_error *err,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int icsi_bm_nomem(struct ics_error *err);

/* ---- benchmark_format.c ------------------------------------------------- */

/* info.numerator_words and info.rate_unit (in the arena), once the scale and
 * bed_days are known. ICS_OK or ICS_ERR_NOMEM. */
int icsi_bm_units(struct ics_benchmark *b, struct ics_error *err);

/* ---- benchmark_run.c: lookups ------------------------------------------- */

/* The item with this code, or NULL. */
struct bm_item *icsi_bm_find(const struct bm_index *ix, const char *code);
/* The first of a run of pairs with this code (pairs sorted by code, then line), or NULL. */
const struct bm_pair *icsi_bm_pair_first(const struct bm_pair *arr, size_t n, const char *code);
/* Sorts pairs by code, then line. */
void icsi_bm_sort_pairs(struct bm_pair *arr, size_t n);
/* Ascending doubles. */
void icsi_bm_sort_doubles(double *v, size_t n);

/* ---- benchmark_groups.c ------------------------------------------------- */

/* Sorted, unique group names with their members (items with a rate); the
 * caller frees them with icsi_bm_free_groups, also after a failure. */
int icsi_bm_build_groups(struct ics_benchmark *b, struct bm_group **out, size_t *nout,
                         struct ics_error *err);
void icsi_bm_free_groups(struct bm_group *groups, size_t ng);
/* Quartiles, bands, ranks and the group's target. */
int icsi_bm_score_groups(struct ics_benchmark *b, struct bm_group *groups, size_t ng,
                         struct ics_error *err);
/* best5of10: the mean of the best 5 rates among each code's own peers. */
int icsi_bm_peer_targets(struct ics_benchmark *b, const struct bm_index *ix, struct ics_error *err);

#endif
