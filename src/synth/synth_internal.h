/*
 * What the files of src/synth/ share: the generator's state, the spell model's
 * pieces the episode layer reuses, and the double-buffered output writer.
 * Private to src/synth/ (and its unit tests).
 */
#ifndef ICS_SYNTH_INTERNAL_H
#define ICS_SYNTH_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ics/synth.h"
#include "rng.h"
#include "tables.h"

#define LOS_CAP 1095            /* longest stay written: 3 years */
#define OUT_BUFFER (1u << 20)
#define PROGRESS_ROWS (1u << 20)

enum group { G_ADULT, G_CHILD, G_NEONATE, G_MATERNITY };

/* The HRG popularity tables, one per patient group and class. */
enum { H_ADULT_ELECTIVE, H_ADULT_NON_ELECTIVE, H_CHILD, H_NEONATE, H_MATERNITY, H_COUNT };

/* A trust that treats patients of a local authority, and how many: its beds
 * times the LA's share of its patients (ppm / 100). */
struct synth_la_trust {
    uint32_t trust;
    uint32_t weight;
};

struct ics_synth {
    uint64_t base;               /* stream state before row 0 */
    int32_t first, last;         /* the financial year, inclusive */
    int ndays;
    /* Discharge-day weights, [0] non-elective, [1] elective: (day offset, cum). */
    struct synth_weighted day_table[2][366];
    struct synth_sampler day[2];
    struct synth_sampler hrg[H_COUNT];
    struct synth_sampler trust;
    struct synth_sampler *catchment;   /* one per trust */
    uint16_t *guides;                  /* every sampler's guide */
    /* Episodes: round keys of the EPIKEY and PROVSPNOPS permutations, the
     * patient id stream and the salt of the row order (all from the seed). */
    uint64_t epikey_key[4], spell_key[4];
    uint64_t patient_base, order_salt;
    /* The trusts serving each LA: la_trusts[la_start[la] .. la_start[la + 1]). */
    uint32_t *la_start;
    struct synth_la_trust *la_trusts;
};

/* ics_synth_spell, also saying which HRG table (H_*) and patient group
 * (enum group) the spell was drawn from, and the trust's index. */
struct icsi_synth_drawn {
    int table;
    int group;
    size_t trust;
    int la;                      /* index into icsi_synth_la_codes; -1: unknown residence */
};
void icsi_synth_spell_drawn(const struct ics_synth *g, uint64_t index, struct ics_synth_spell *s,
                            struct icsi_synth_drawn *how);

/* The spell model's draws (docs/commands/synth.md): length of stay of a
 * closed spell with trim point t, and the discharge destination. Each uses a
 * fixed number of outputs of r. */
int icsi_synth_closed_los(struct synth_rng *r, int elective, int group, uint32_t t, uint32_t factor);

/* The factor on long stays of a spell at trust ti by a resident of LA la (-1:
 * unknown residence), per mille: the trust's times the place's. */
static inline uint32_t icsi_synth_stay_factor(size_t ti, int la)
{
    uint64_t f = icsi_synth_trusts[ti].stay_factor;
    if (la >= 0)
        f = f * icsi_synth_la_factor[la] / 1000;
    return (uint32_t)f;
}
int icsi_synth_destination(struct synth_rng *r, int group, int elective, int age, int los);

/*
 * Output is double-buffered: the generator fills one buffer while a writer
 * thread hands the other to fwrite, so the kernel's copy into the page cache
 * (about as long as generating on a slow disk) overlaps generation instead of
 * adding to it. Without a thread (creation failed) writes are synchronous.
 */
struct synth_writer {
    FILE *out;
    const char *what;            /* named in write errors: "spells" */
    char *buf[2];
    int cur;                     /* the buffer being filled */
    size_t used;                 /* bytes in buf[cur] */
    uint64_t bytes;              /* bytes handed to the writer so far */
    int32_t dates_first;         /* day of dates[0] */
    char (*dates)[10];           /* formatted dates, LOS_CAP + year days; not owned */
    /* The writer thread's job, under mu. */
    pthread_t thread;
    int threaded;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const char *job;
    size_t job_len;
    int busy, stop, failed, failed_errno;
};

/* Allocates the two buffers (ICS_ERR_NOMEM); out and dates are the caller's.
 * Release with icsi_synth_writer_release even when this fails. */
int icsi_synth_writer_init(struct synth_writer *w, FILE *out, const char *what, struct ics_error *err);
/* Starts the writer thread (best effort: writes stay synchronous without one). */
void icsi_synth_writer_start(struct synth_writer *w);
/* Hands the filled buffer to the writer and switches to the other one. */
int icsi_synth_writer_flush(struct synth_writer *w, struct ics_error *err);
/* Flushes, waits for the last write, ends the thread and fflushes `out`. */
int icsi_synth_writer_finish(struct synth_writer *w, struct ics_error *err);
/* Ends the thread if still running (after an error) and frees the buffers. */
void icsi_synth_writer_release(struct synth_writer *w);

static inline char *synth_put_uint(char *p, uint64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < min_digits)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static inline char *synth_put_date(const struct synth_writer *w, char *p, int32_t day)
{
    memcpy(p, w->dates[day - w->dates_first], 10);
    return p + 10;
}

static inline char *synth_put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

#endif
