/*
 * The generator's random numbers: SplitMix64 (Steele, Lea and Flood 2014, as
 * published by Vigna; the step is core's ics_splitmix64_next), integer-only
 * bounded draws and cumulative-weight lookup. Internal to src/synth/ and its
 * unit tests.
 *
 * Why SplitMix64: its state is a plain counter, so row k of a stream can start
 * at state base + k * SYNTH_ROW_STRIDE * golden without running rows 0..k-1;
 * each row then owns SYNTH_ROW_STRIDE consecutive outputs. That keeps spell k
 * independent of the row count (a 5-row run is a prefix of a 1,000-row run)
 * and would let threads generate disjoint ranges. It passes BigCrush.
 */
#ifndef ICS_SYNTH_RNG_H
#define ICS_SYNTH_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "ics/core.h"
#include "tables.h"

/* Outputs reserved per row; the model draws fewer than SYNTH_ROW_STRIDE - 1
 * (the last slot is the free-text note of --messy). */
#define SYNTH_ROW_STRIDE 64

struct synth_rng {
    uint64_t state;
};

/* The next output: core's SplitMix64 step (ics/core.h). */
static inline uint64_t synth_next(struct synth_rng *r)
{
    return ics_splitmix64_next(&r->state);
}

/* Each 64-bit output serves two independent 32-bit uniforms (its halves):
 * the model pairs its draws so a spell costs about nine outputs. */
static inline uint32_t synth_hi(uint64_t x)
{
    return (uint32_t)(x >> 32);
}

static inline uint32_t synth_lo(uint64_t x)
{
    return (uint32_t)x;
}

/* Uniform in [0, n) from a 32-bit uniform x, for 1 <= n <= 2^32: x scaled by
 * n (Lemire's multiply-shift without the rejection step; the bias is below
 * n / 2^32, far under anything the model can show, and it keeps every row's
 * draw count fixed). */
static inline uint32_t synth_scale(uint32_t x, uint64_t n)
{
    return (uint32_t)(((uint64_t)x * n) >> 32);
}

/* Uniform in [0, n) from the next output's high half. */
static inline uint32_t synth_below(struct synth_rng *r, uint64_t n)
{
    return synth_scale(synth_hi(synth_next(r)), n);
}

/* The rng of row `index` of the stream whose base state is `base`. */
static inline void synth_row_rng(struct synth_rng *r, uint64_t base, uint64_t index)
{
    r->state = base + index * (SYNTH_ROW_STRIDE * ICS_SPLITMIX64_GAMMA);
}

/* First k in [0, n) with t[k].cum > u (binary search; t[].cum ascending,
 * u < t[n-1].cum). */
static inline size_t synth_pick(const struct synth_weighted *t, size_t n, uint32_t u)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].cum > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Draws from a cumulative table. */
static inline size_t synth_draw(struct synth_rng *r, const struct synth_weighted *t, size_t n)
{
    return synth_pick(t, n, synth_below(r, t[n - 1].cum));
}

/*
 * A cumulative table with a guide (Chen and Asau's index table): guide[j] is
 * the answer for the smallest draw x whose top bits are j, so a draw starts
 * its search there and moves forward a step or two instead of bisecting a
 * table of thousands of rows (bisection mispredicted branches cost most of the
 * generator's time). The result is exactly synth_pick's for the same x.
 */
struct synth_sampler {
    const struct synth_weighted *t;
    uint32_t n;
    uint32_t shift;              /* 32 - log2(guide entries), at most 31 */
    const uint16_t *guide;       /* 2^(32 - shift) entries, caller-owned */
};

/* Guide entries needed for n rows: a power of two >= n, at least 2. */
static inline size_t synth_guide_size(size_t n)
{
    size_t g = 2;
    while (g < n)
        g <<= 1;
    return g;
}

/* Fills `guide` (synth_guide_size(n) entries, n <= 65536) and the sampler. */
static inline void synth_sampler_init(struct synth_sampler *s, const struct synth_weighted *t, size_t n,
                                      uint16_t *guide)
{
    size_t g = synth_guide_size(n);
    uint32_t shift = 32;
    for (size_t k = g; k > 1; k >>= 1)
        shift--;
    uint64_t total = t[n - 1].cum;
    for (size_t j = 0; j < g; j++) {
        uint64_t x = (uint64_t)j << shift;
        guide[j] = (uint16_t)synth_pick(t, n, (uint32_t)((x * total) >> 32));
    }
    s->t = t;
    s->n = (uint32_t)n;
    s->shift = shift;
    s->guide = guide;
}

/* Index of the row drawn for the 32-bit uniform x: synth_pick of x scaled to
 * the table's total. */
static inline size_t synth_sample_x(const struct synth_sampler *s, uint32_t x)
{
    uint32_t u = (uint32_t)(((uint64_t)x * s->t[s->n - 1].cum) >> 32);
    size_t k = s->guide[x >> s->shift];
    while (s->t[k].cum <= u)
        k++;
    return k;
}

static inline size_t synth_sample(struct synth_rng *r, const struct synth_sampler *s)
{
    return synth_sample_x(s, (uint32_t)(synth_next(r) >> 32));
}

/* A quantile from a 257-point Q16 table, linearly interpolated at the 32-bit
 * uniform u: its top 8 bits choose the interval, the next 16 the position. */
static inline uint32_t synth_shape(const uint32_t q[257], uint32_t u)
{
    uint32_t k = u >> 24;
    uint64_t frac = (u >> 8) & 0xFFFF;
    return q[k] + (uint32_t)(((uint64_t)(q[k + 1] - q[k]) * frac) >> 16);
}

#endif
