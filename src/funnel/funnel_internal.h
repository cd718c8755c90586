/*
 * Internal to src/funnel/: pieces of the funnel computation exposed for unit
 * tests, each the counterpart of a FunnelPlotR expression, and the
 * structures behind the opaque input and result handles.
 */
#ifndef ICS_FUNNEL_INTERNAL_H
#define ICS_FUNNEL_INTERNAL_H

#include <stddef.h>

#include "ics/core.h"
#include "ics/funnel.h"

/* outliers_func(): 0 when lcl <= value <= ucl (value already multiplied),
 * else 1; NAN limits give 1. */
int icsi_funnel_outlier(double value, double lcl, double ucl);
/* Exact Poisson funnel limit at expected count x, target 1, multiplier 1:
 * lower = qchisq(p_upper, 2x, lower.tail = FALSE) / 2 / x,
 * upper = qchisq(p_upper, 2(x+1), lower.tail = FALSE) / 2 / x
 * (lower 95%: p_upper 0.975; upper 95%: 0.025; 99.8%: 0.999 / 0.001). */
double icsi_funnel_poisson_limit(double x, double p_upper, int upper);

struct ics_funnel_input {
    struct ics_funnel_row *rows;         /* group strings in the arena */
    size_t n, cap;
    struct ics_funnel_table_options cols;   /* names copied into the arena */
    char *label;                         /* the reader's label for messages */
    struct ics_arena arena;
};

struct ics_funnel_result {
    struct ics_funnel_input *in;         /* owned: the rows the groups point into */
    struct ics_funnel_options opt;
    struct ics_funnel_group *groups;     /* sorted by name */
    size_t ngroups;
    struct ics_funnel_summary sum;
};

#endif
