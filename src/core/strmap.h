/*
 * A string-keyed hash map with fixed-size values, for the few hundred to few
 * hundred thousand codes a run meets (providers, local authorities, HRGs).
 * Keys are copied into the map's arena; values live in one array, so a value
 * pointer is valid only until the next insertion. Internal to the library.
 */
#ifndef ICS_STRMAP_H
#define ICS_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ics/core.h"

struct ics_strmap_key {
    const char *s;
    uint32_t len;
    uint64_t prefix;      /* the first 8 bytes, zero-padded (ics_strmap_prefix) */
    uint64_t hash;
};

struct ics_strmap {
    uint32_t *slots;            /* 0 = empty, else entry index + 1 */
    uint32_t mask;
    uint32_t count, cap;
    size_t value_size;
    struct ics_strmap_key *keys;
    unsigned char *values;
    struct ics_arena arena;
};

void ics_strmap_init(struct ics_strmap *m, size_t value_size);
void ics_strmap_release(struct ics_strmap *m);
uint64_t ics_strmap_hash(const char *s, size_t len);
/* The value for key, inserting a zeroed one when absent; NULL when out of memory. */
void *ics_strmap_upsert(struct ics_strmap *m, const char *key, size_t len, uint32_t *index);
/* The value for key, or NULL. */
void *ics_strmap_get(const struct ics_strmap *m, const char *key, size_t len);
/* The first (up to) 8 bytes of a key as a word, zero-padded; never reads past s + len. */
static inline uint64_t ics_strmap_prefix(const char *s, size_t len)
{
    uint64_t v = 0;
    if (len >= 8) {
        __builtin_memcpy(&v, s, 8);
        return v;
    }
    /* No loop (this is on the per-row path for every code): two overlapping
     * loads that together cover the key exactly; the bytes they share are the
     * same, so OR-ing them is exact (little-endian hosts; others loop). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len >= 4) {
        uint32_t lo, hi;
        __builtin_memcpy(&lo, s, 4);
        __builtin_memcpy(&hi, s + len - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (len - 4));
    }
    if (len > 0)
        v = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << (8 * (len / 2)) |
            (uint64_t)(unsigned char)s[len - 1] << (8 * (len - 1));
#else
    for (size_t i = 0; i < len; i++)
        v |= (uint64_t)(unsigned char)s[i] << (8 * i);
#endif
    return v;
}

/* True when entry `index` has exactly this key. */
static inline int ics_strmap_key_is(const struct ics_strmap *m, uint32_t index, const char *key, size_t len)
{
    const struct ics_strmap_key *k = &m->keys[index];
    if (k->len != len || k->prefix != ics_strmap_prefix(key, len))
        return 0;
    return len <= 8 || __builtin_memcmp(k->s, key, len) == 0;
}

static inline void *ics_strmap_value(const struct ics_strmap *m, uint32_t index)
{
    return m->values + (size_t)index * m->value_size;
}

#endif
