#include "ics/core.h"

#include <string.h>

struct ics_arena_block {
    struct ics_arena_block *next;
    size_t used;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void ics_arena_init(struct ics_arena *arena, size_t block_size)
{
    arena->head = NULL;
    arena->block_size = block_size ? block_size : 64 * 1024;
    arena->total = 0;
}

void *ics_arena_alloc(struct ics_arena *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct ics_arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t want = size > arena->block_size ? size : arena->block_size;
        b = ics_malloc(sizeof *b + want);
        if (!b)
            return NULL;
        b->size = want;
        b->used = 0;
        b->next = arena->head;
        arena->head = b;
        arena->total += sizeof *b + want;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

char *ics_arena_strndup(struct ics_arena *arena, const char *s, size_t n)
{
    char *copy = ics_arena_alloc(arena, n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

void ics_arena_release(struct ics_arena *arena)
{
    struct ics_arena_block *b = arena->head;
    while (b) {
        struct ics_arena_block *next = b->next;
        ics_free(b);
        b = next;
    }
    arena->head = NULL;
    arena->total = 0;
}
