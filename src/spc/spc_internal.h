/*
 * Internal to src/spc/: the SPC rule functions on plain vectors, one per rule,
 * mirroring the package's internal functions so that the package's own unit
 * tests can be restated here (tests/unit/test_spc.c), and the structures
 * behind the opaque input and result handles.
 *
 * Rule vectors are one segment in date order. `rtm` is relative_to_mean (-1,
 * 0, +1); `close` is 1 for a point in the rule's 2-sigma set; outputs are
 * written to `out` (n entries).
 */
#ifndef ICS_SPC_INTERNAL_H
#define ICS_SPC_INTERNAL_H

#include <stddef.h>

#include "ics/core.h"
#include "ics/spc.h"

/* ptd_seven_point_one_side_mean: +-1 at a point ending a run of 7 equal
 * non-zero rtm values (the point and the 6 before it), else 0. */
void icsi_spc_shift_ends(const signed char *rtm, size_t n, signed char *out);
/* ptd_part_of_seven_trend: 1 when this point or one of the next 6 ends a
 * run (non-zero marker), else 0. */
void icsi_spc_part_of_run(const signed char *ends, size_t n, signed char *out);
/* ptd_seven_point_trend: +1 / -1 at a point ending 6 strictly positive /
 * negative successive differences, else 0. */
void icsi_spc_trend_ends(const double *y, size_t n, signed char *out);
/* ptd_two_in_three: 1 when the point lies in some window of 3 consecutive
 * points with at least 2 `close` points and all 3 rtm equal and non-zero. */
void icsi_spc_two_in_three(const signed char *close, const signed char *rtm, size_t n, signed char *out);
/* ptd_part_of_two_in_three: out = in_window && close. */
void icsi_spc_part_of_two_in_three(const signed char *in_window, const signed char *close, size_t n,
                                   signed char *out);

/* ptd_calculate_assurance_type on the last row's limits: enum
 * ics_spc_assurance_icon (NONE for a neutral direction). */
int icsi_spc_assurance(int direction, double target, double lpl, double upl);

/* One series as read: its points grow while the table is read; `pub` is
 * filled in by the run and is what ics_spc_result_series returns. */
struct icsi_spc_series {
    struct ics_spc_series pub;
    struct ics_spc_point *pts;   /* tag = the point's row order within the series */
    double *targets;             /* by tag; NAN when the row has none */
    size_t n, cap;
};

/* The series live in the map's value array (entry i = series i, in order of
 * first appearance; its key, NUL-terminated, is the name). */
struct ics_spc_input {
    struct ics_strmap series;    /* name -> struct icsi_spc_series */
    struct ics_spc_table_options cols;   /* names copied into the arena; date is the one found */
    char *label;                 /* the reader's label for messages */
    size_t rows;
    struct ics_arena arena;
};

struct ics_spc_result {
    struct ics_spc_input *in;    /* owned; its series are computed in place */
    struct ics_spc_run_options opt;   /* opt.rebase points at `rebase` */
    int32_t *rebase;             /* sorted */
    unsigned char *rebase_used;
    struct ics_spc_totals totals;
};

static inline struct icsi_spc_series *icsi_spc_series_at(const struct ics_spc_input *in, size_t i)
{
    return (struct icsi_spc_series *)ics_strmap_value(&in->series, (uint32_t)i);
}

#endif
