#include "ics/core.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The test hook counter: negative means never fail. Atomic because the CSV
 * reader allocates from worker threads. */
static atomic_long fail_countdown = -1;

void ics_alloc_fail_after(long n)
{
    atomic_store(&fail_countdown, n);
}

long ics_alloc_fail_pending(void)
{
    return atomic_load(&fail_countdown);
}

static int should_fail(void)
{
    long left = atomic_load(&fail_countdown);
    while (left >= 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &left, left - 1))
            return left == 0;
    }
    return 0;
}

void *ics_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *ics_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *ics_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void ics_free(void *ptr)
{
    free(ptr);
}

char *ics_strndup(const char *s, size_t n)
{
    char *copy = ics_malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}
