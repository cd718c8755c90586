#include "ics/core.h"

#include <string.h>

void ics_strmap_init(struct ics_strmap *m, size_t value_size)
{
    memset(m, 0, sizeof *m);
    m->value_size = value_size;
    ics_arena_init(&m->arena, 16 * 1024);
}

void ics_strmap_release(struct ics_strmap *m)
{
    ics_free(m->slots);
    ics_free(m->keys);
    ics_free(m->values);
    ics_arena_release(&m->arena);
    size_t vs = m->value_size;
    memset(m, 0, sizeof *m);
    m->value_size = vs;
}

static uint64_t hash_words(uint64_t prefix, const char *s, size_t len)
{
    /* Codes are short (3 to 9 bytes): hash them as words with a
     * multiply-xorshift mix, not byte by byte. */
    uint64_t h = prefix * 0x9E3779B97F4A7C15ULL ^ (uint64_t)len;
    for (size_t i = 8; i < len; i += 8) {
        h ^= ics_strmap_prefix(s + i, len - i);
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    h ^= h >> 32;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 29;
    return h;
}

uint64_t ics_strmap_hash(const char *s, size_t len)
{
    return hash_words(ics_strmap_prefix(s, len), s, len);
}

static uint32_t find_slot(const struct ics_strmap *m, const char *key, size_t len, uint64_t prefix, uint64_t hash)
{
    uint32_t i = (uint32_t)hash & m->mask;
    for (;;) {
        uint32_t e = m->slots[i];
        if (e == 0)
            return i;
        const struct ics_strmap_key *k = &m->keys[e - 1];
        if (k->hash == hash && k->len == len && k->prefix == prefix &&
            (len <= 8 || memcmp(k->s, key, len) == 0))
            return i;
        i = (i + 1) & m->mask;
    }
}

static int grow(struct ics_strmap *m)
{
    uint32_t nslots = m->mask ? (m->mask + 1) * 2 : 64;
    uint32_t *slots = ics_calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    uint32_t cap = nslots / 2;
    struct ics_strmap_key *keys = ics_realloc(m->keys, cap * sizeof *keys);
    if (!keys) {
        ics_free(slots);
        return -1;
    }
    m->keys = keys;
    unsigned char *values = ics_realloc(m->values, cap * m->value_size);
    if (!values) {
        ics_free(slots);
        return -1;
    }
    m->values = values;
    ics_free(m->slots);
    m->slots = slots;
    m->mask = nslots - 1;
    m->cap = cap;
    for (uint32_t e = 0; e < m->count; e++) {
        uint32_t i = (uint32_t)m->keys[e].hash & m->mask;
        while (m->slots[i])
            i = (i + 1) & m->mask;
        m->slots[i] = e + 1;
    }
    return 0;
}

void *ics_strmap_upsert(struct ics_strmap *m, const char *key, size_t len, uint32_t *index)
{
    uint64_t prefix = ics_strmap_prefix(key, len);
    uint64_t hash = hash_words(prefix, key, len);
    if (m->slots) {
        uint32_t i = find_slot(m, key, len, prefix, hash);
        if (m->slots[i]) {
            if (index)
                *index = m->slots[i] - 1;
            return ics_strmap_value(m, m->slots[i] - 1);
        }
    }
    if (m->count >= m->cap && grow(m))
        return NULL;
    char *copy = ics_arena_strndup(&m->arena, key, len);
    if (!copy)
        return NULL;
    uint32_t i = find_slot(m, key, len, prefix, hash);
    uint32_t e = m->count++;
    m->keys[e] = (struct ics_strmap_key){copy, (uint32_t)len, prefix, hash};
    memset(ics_strmap_value(m, e), 0, m->value_size);
    m->slots[i] = e + 1;
    if (index)
        *index = e;
    return ics_strmap_value(m, e);
}

void *ics_strmap_get(const struct ics_strmap *m, const char *key, size_t len)
{
    if (!m->slots)
        return NULL;
    uint64_t prefix = ics_strmap_prefix(key, len);
    uint32_t i = find_slot(m, key, len, prefix, hash_words(prefix, key, len));
    return m->slots[i] ? ics_strmap_value(m, m->slots[i] - 1) : NULL;
}
