/*
 * The SPC rule functions on plain vectors, one per rule, mirroring the
 * package's internal functions so that the package's own unit tests can be
 * restated here (tests/unit/test_spc.c). Internal to the library.
 *
 * Vectors are one segment in date order. `rtm` is relative_to_mean (-1, 0,
 * +1); `close` is 1 for a point in the rule's 2-sigma set; outputs are
 * written to `out` (n entries).
 */
#ifndef ICS_SPC_INTERNAL_H
#define ICS_SPC_INTERNAL_H

#include <stddef.h>

/* ptd_seven_point_one_side_mean: +-1 at a point ending a run of 7 equal
 * non-zero rtm values (the point and the 6 before it), else 0. */
void ics_spc_shift_ends(const signed char *rtm, size_t n, signed char *out);
/* ptd_part_of_seven_trend: 1 when this point or one of the next 6 ends a
 * run (non-zero marker), else 0. */
void ics_spc_part_of_run(const signed char *ends, size_t n, signed char *out);
/* ptd_seven_point_trend: +1 / -1 at a point ending 6 strictly positive /
 * negative successive differences, else 0. */
void ics_spc_trend_ends(const double *y, size_t n, signed char *out);
/* ptd_two_in_three: 1 when the point lies in some window of 3 consecutive
 * points with at least 2 `close` points and all 3 rtm equal and non-zero. */
void ics_spc_two_in_three(const signed char *close, const signed char *rtm, size_t n,
                          signed char *out);
/* ptd_part_of_two_in_three: out = in_window && close. */
void ics_spc_part_of_two_in_three(const signed char *in_window, const signed char *close,
                                  size_t n, signed char *out);

/* ptd_calculate_assurance_type on the last row's limits: enum
 * ics_spc_assurance_icon (NONE for a neutral direction). */
int ics_spc_assurance(int direction, double target, double lpl, double upl);

#endif
