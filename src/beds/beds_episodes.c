/*
 * Episode input: HES APC / SUS APCE rows are consultant episodes, and a
 * provider spell is one or more of them (docs/definitions.md, "Episodes and
 * provider spells"). Extracts come in any order, so grouping is a partitioned
 * spill: the scan validates each episode and writes a fixed-size record to one
 * of cfg->partitions partitions chosen by a hash of the patient, and each
 * partition (every worker's part of it) is then sorted in memory and cut into
 * spells. A patient's episodes all land in one partition, so memory is one
 * partition at a time per thread, whatever the file's size or order.
 *
 * Identity is a 128-bit hash of the patient id (two patients' colliding:
 * about n^2 / 2^129, 1e-24 at 20 million patients) and, within one patient
 * and admission date, a 32-bit hash of provider and provider spell number:
 * two of one patient's spells admitted the same day are merged with a chance
 * of 2^-32 a pair (a national year has perhaps 10^5 such pairs: about one
 * merge in 40,000 years of data), far below any other error in the data.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beds_internal.h"

/* One validated episode: 64 bytes, so that a chunk of 64 is one page of the
 * spill file (whole pages are written and read; the kernel zeroes no partial
 * page) and the spill is as small as the grouping allows. */
struct episode_record {
    uint64_t patient[2];        /* hash of the patient id (or of the SUS spell id, when it defines the spell) */
    uint64_t epikey;            /* EPIKEY as a number when it is one, else its hash */
    uint32_t spell;             /* hash of provider and provider spell number (within one patient and day) */
    int32_t admitted;
    int32_t discharged;         /* ICS_DATE_NONE: none on this episode */
    int32_t speldur;            /* SPELDUR; INT32_MIN when none */
    uint32_t provider, la, hrg; /* code ids in the writing worker's table; hrg 0 = empty, else id + 1 */
    int16_t start, end;         /* EPISTART, EPIEND in days from ADMIDATE; OFFSET_NONE when not known
                                   (sorts first, as SQL's NULL) */
    int16_t order;              /* EPIORDER; OFFSET_NONE when not known */
    uint8_t worker;             /* which worker's table */
    uint8_t cls;                /* 0 elective, 1 non-elective */
    uint8_t patient_class;      /* CLASS_* */
    uint8_t source, destination;
    uint8_t methods;            /* 1: ADMIMETH 2B or 81 (a transfer); 2: ADMIMETH 21 (A&E) */
};
_Static_assert(sizeof(struct episode_record) == 64, "an episode record is 64 bytes");
#define OFFSET_NONE INT16_MIN

/* A date as days from the admission, for ordering within a spell: out of
 * range (a keying error decades away) is held at the end of the range. */
static int16_t day_offset(int32_t day, int32_t admitted)
{
    if (day == INT32_MIN)
        return OFFSET_NONE;
    int64_t d = (int64_t)day - admitted;
    return (int16_t)(d < -32767 ? -32767 : d > 32767 ? 32767 : d);
}

/* Records a partition gathers before they go to the file as one chunk. */
#define CHUNK_RECORDS 64

struct chunk {
    uint64_t offset;            /* in records */
    uint32_t partition;
    uint32_t count;
};

struct episode_spill {
    FILE *file;
    int fd;
    struct episode_record *buffers;   /* partitions x CHUNK_RECORDS */
    uint32_t *filled;                 /* per partition */
    struct chunk *chunks;
    size_t nchunks, chunk_cap;
    size_t *first_chunk;              /* after the scan: chunks sorted by partition, partition p's from here */
    struct chunk *by_partition;
    uint64_t records;                 /* written to the file */
    struct ics_strmap codes;          /* provider, residence and HRG codes -> id */
    struct lookaside code_cache[TRIM_CACHE];   /* in front of codes, for codes of up to 8 bytes */
    uint64_t regular_seq;             /* makes each regular attendance its own spell */
    int write_failed;
};

/* ---- hashing ----------------------------------------------------------------- */

static uint64_t word_at(const char *s, size_t len, size_t i)
{
    uint64_t v = 0;
    size_t n = len - i < 8 ? len - i : 8;
    memcpy(&v, s + i, n);
    return v;
}

/* Two independent 64-bit lanes, each a multiply-xorshift per 8-byte word
 * and a full mix at the end (the keys are short ids: a few words). */
static void hash128(const char *s, size_t len, uint64_t seed, uint64_t out[2])
{
    uint64_t a = seed ^ (uint64_t)len * 0x9E3779B97F4A7C15u, b = ~seed + (uint64_t)len;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t w = word_at(s, len, i);
        a = (a ^ w) * 0xBF58476D1CE4E5B9u;
        a ^= a >> 31;
        b = (b + w) * 0x94D049BB133111EBu;
        b ^= b >> 29;
    }
    out[0] = ics_splitmix64_mix(a);
    out[1] = ics_splitmix64_mix(b ^ 0xD6E8FEB86659FD93u);
}

/* ---- the spill ---------------------------------------------------------------- */

int icsi_beds_episodes_open(struct worker *w, struct ics_error *err)
{
    unsigned parts = w->cfg->partitions;
    struct episode_spill *e = ics_calloc(1, sizeof *e);
    if (!e)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    w->episodes = e;
    e->fd = -1;
    ics_strmap_init(&e->codes, 0);
    e->buffers = ics_malloc((size_t)parts * CHUNK_RECORDS * sizeof *e->buffers);
    e->filled = ics_calloc(parts, sizeof *e->filled);
    if (!e->buffers || !e->filled)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    e->file = ics_tempfile(err);
    if (!e->file)
        return err ? err->code : ICS_ERR_IO;
    e->fd = fileno(e->file);
    return ICS_OK;
}

void icsi_beds_episodes_close(struct worker *w)
{
    struct episode_spill *e = w->episodes;
    if (!e)
        return;
    if (e->file)
        fclose(e->file);
    ics_free(e->buffers);
    ics_free(e->filled);
    ics_free(e->chunks);
    ics_free(e->first_chunk);
    ics_free(e->by_partition);
    ics_strmap_release(&e->codes);
    ics_free(e);
    w->episodes = NULL;
}

/* Throws away what the worker wrote (the scan redoing its part). */
void icsi_beds_episodes_reset(struct worker *w)
{
    struct episode_spill *e = w->episodes;
    if (!e)
        return;
    memset(e->filled, 0, w->cfg->partitions * sizeof *e->filled);
    memset(e->code_cache, 0, sizeof e->code_cache);   /* the codes stay; their ids are still right */
    e->nchunks = 0;
    e->records = 0;
    if (ftruncate(e->fd, 0))
        e->write_failed = 1;
}


static int flush_partition(struct episode_spill *e, uint32_t p)
{
    uint32_t n = e->filled[p];
    if (n == 0)
        return 0;
    if (e->nchunks == e->chunk_cap) {
        size_t cap = e->chunk_cap ? e->chunk_cap * 2 : 1024;
        struct chunk *c = ics_realloc(e->chunks, cap * sizeof *c);
        if (!c)
            return -1;
        e->chunks = c;
        e->chunk_cap = cap;
    }
    if (icsi_beds_write_at(e->fd, e->buffers + (size_t)p * CHUNK_RECORDS, n * sizeof(struct episode_record),
                 e->records * sizeof(struct episode_record))) {
        e->write_failed = 1;
        return -1;
    }
    e->chunks[e->nchunks++] = (struct chunk){e->records, p, n};
    e->records += n;
    e->filled[p] = 0;
    return 0;
}

static int put_record(struct worker *w, const struct episode_record *r)
{
    struct episode_spill *e = w->episodes;
    uint32_t p = (uint32_t)(r->patient[0] >> 32) & (w->cfg->partitions - 1);
    if (e->filled[p] == CHUNK_RECORDS && flush_partition(e, p))
        return -1;
    e->buffers[(size_t)p * CHUNK_RECORDS + e->filled[p]++] = *r;
    return 0;
}

/* ---- reading one episode -------------------------------------------------------- */

static void opt_field(const struct ics_csv_row *row, int col, const char **s, size_t *n)
{
    if (col < 0 || col >= row->nfields) {
        *s = "";
        *n = 0;
        return;
    }
    *s = row->fields[col].ptr;
    *n = row->fields[col].len;
    if (*n > 0 && ((unsigned char)(*s)[0] <= ' ' || (unsigned char)(*s)[*n - 1] <= ' '))
        ics_text_trim(s, n);
}

/* EPIORDER: 1 to 4 digits ("01", "2"); OFFSET_NONE otherwise (HES's 99 is a number like any other). */
static int16_t episode_order(const char *s, size_t n)
{
    if (n == 0 || n > 4)
        return OFFSET_NONE;
    int16_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return OFFSET_NONE;
        v = (int16_t)(v * 10 + (s[i] - '0'));
    }
    return v;
}

/* An optional date: empty and HES's null and invalid dates are "not known". */
static int32_t opt_date(struct worker *w, const struct ics_csv_row *row, int col)
{
    const char *s;
    size_t n;
    int32_t d;
    opt_field(row, col, &s, &n);
    if (n == 0 || ics_date_parse_cached(&w->dates, s, n, &d))
        return INT32_MIN;   /* HES's 1800-01-01 and 1801-01-01 included */
    return d;
}

/* Eight ASCII digits, the first in the low byte, as their number (the
 * multiply-and-add of fast_float's parse_eight_digits); -1 when a byte is not
 * a digit. EPIKEY is parsed on every episode, and digit by digit it was a
 * fifth of the episode's reading. */
static int eight_digits(uint64_t v, uint64_t *out)
{
    const uint64_t high = 0xF0F0F0F0F0F0F0F0u;
    if (((v & high) | ((v + 0x0606060606060606u) & high) >> 4) != 0x3333333333333333u)
        return -1;
    v -= 0x3030303030303030u;
    v = v * 10 + (v >> 8);
    *out = ((v & 0x000000FF000000FFu) * (100 + (UINT64_C(1000000) << 32)) +
            ((v >> 16) & 0x000000FF000000FFu) * (1 + (UINT64_C(10000) << 32))) >> 32;
    return 0;
}

/* EPIKEY as a number when it is 1 to 19 digits, else its hash (top bit set). */
static uint64_t epikey_value(const char *s, size_t n)
{
    uint64_t v = 0, part;
    if (n == 0 || n > 19)
        goto hashed;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, s + i, 8);
        if (eight_digits(word, &part))
            goto hashed;
        v = v * 100000000u + part;
    }
    if (i < n) {   /* the last 1 to 7 digits, after leading '0's */
        size_t r = n - i;
        uint64_t word = 0x3030303030303030u, scale = 1;
        memcpy((char *)&word + (8 - r), s + i, r);
        if (eight_digits(word, &part))
            goto hashed;
        for (size_t k = 0; k < r; k++)
            scale *= 10;
        v = v * scale + part;
    }
#else
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            goto hashed;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
#endif
    return v;
hashed:
    return ics_strmap_hash(s, n) | (1ull << 63);
}

static int code_id(struct episode_spill *e, const char *s, size_t n, uint32_t *id)
{
    return cached_index(&e->codes, e->code_cache, TRIM_CACHE, s, n, id);
}

int icsi_beds_episode_row(void *p, struct ics_csv_row *row)
{
    struct worker *w = p;
    const struct config *c = w->cfg;
    struct episode_spill *e = w->episodes;
    struct spell sp;
    if (icsi_beds_read_spell(w, row, &sp))
        return c->strict;
    const char *s, *provider;
    size_t n, provider_len;
    struct episode_record r;
    memset(&r, 0, sizeof r);
    /* The spell: SUSSPELLID where the file has it, else patient, provider,
     * admission date and provider spell number (NHS Digital's rule). */
    int by_sus_id = c->opt_col[OPT_SPELL_ID] >= 0;
    opt_field(row, by_sus_id ? c->opt_col[OPT_SPELL_ID] : c->opt_col[OPT_PATIENT], &s, &n);
    if (n == 0) {
        ics_csv_reject(row, (by_sus_id ? c->opt_col[OPT_SPELL_ID] : c->opt_col[OPT_PATIENT]) + 1,
                       by_sus_id ? "missing spell id" : "missing patient id");
        icsi_beds_quality_reject(w, row, ICS_BEDS_REJECT_PATIENT);
        return c->strict;
    }
    hash128(s, n, by_sus_id ? 2 : 1, r.patient);
    opt_field(row, c->col[COL_PROVIDER], &provider, &provider_len);
    opt_field(row, c->opt_col[OPT_SPELL_NUMBER], &s, &n);
    r.spell = (uint32_t)(ics_strmap_hash(provider, provider_len) ^
                         ics_splitmix64_mix(ics_strmap_hash(s, n) + 0x9E3779B97F4A7C15u));
    r.admitted = sp.admitted;
    r.discharged = sp.discharged;
    r.start = day_offset(opt_date(w, row, c->opt_col[OPT_START]), sp.admitted);
    r.end = day_offset(opt_date(w, row, c->opt_col[OPT_END]), sp.admitted);
    opt_field(row, c->opt_col[OPT_ORDER], &s, &n);
    r.order = episode_order(s, n);
    opt_field(row, c->opt_col[OPT_EPIKEY], &s, &n);
    r.epikey = epikey_value(s, n);
    r.cls = (uint8_t)sp.cls;
    r.patient_class = (uint8_t)sp.patient_class;
    r.source = sp.source;
    r.destination = sp.destination;
    r.methods = (uint8_t)(sp.transfer_method | sp.ae_method << 1);
    /* Regular day and night attenders are single-episode spells; so is each
     * row of a spells file joined into CIPS. */
    if (sp.patient_class == CLASS_REGULAR || !c->episodes)
        r.spell = (uint32_t)ics_splitmix64_mix((uint64_t)w->index << 48 ^ ++e->regular_seq);
    r.worker = (uint8_t)w->index;
    uint32_t id;
    if (code_id(e, provider, provider_len, &r.provider))
        goto nomem;
    if (c->by_residence) {
        if (code_id(e, sp.key, sp.key_len, &r.la))
            goto nomem;
    }
    if (sp.hrg_len) {
        if (code_id(e, sp.hrg, sp.hrg_len, &id))
            goto nomem;
        r.hrg = id + 1;
    }
    r.speldur = sp.speldur;
    uint32_t pi;
    if (icsi_beds_provider_index(w, provider, provider_len, &pi))
        goto nomem;
    icsi_beds_quality(w, pi)->rows++;
    if (put_record(w, &r))
        goto nomem;
    w->used++;
    return 0;
nomem:
    w->failed = 1;
    return 1;
}

/* ---- grouping --------------------------------------------------------------------- */

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_i32(int32_t a, int32_t b)
{
    return a < b ? -1 : a > b;
}

/* Spell first (patient, admission date, provider and spell number), then the
 * episodes in NHS Digital's order: EPISTART, EPIORDER, EPIEND, EPIKEY. */
static int by_spell_then_order(const void *pa, const void *pb)
{
    const struct episode_record *a = pa, *b = pb;
    int c;
    if ((c = cmp_u64(a->patient[0], b->patient[0])) || (c = cmp_u64(a->patient[1], b->patient[1])) ||
        (c = cmp_i32(a->admitted, b->admitted)) || (c = cmp_u64(a->spell, b->spell)) ||
        (c = cmp_i32(a->start, b->start)) || (c = cmp_i32(a->order, b->order)) || (c = cmp_i32(a->end, b->end)))
        return c;
    return cmp_u64(a->epikey, b->epikey);
}

/* Sorting a partition: a radix sort of (first patient word, index) pairs,
 * then the full comparison within runs of one patient (a few records). It
 * is several times faster than qsort on the records: the pairs are small and
 * the first word is nearly always decisive. */
struct sort_key {
    uint64_t key;
    uint32_t index;
};

/* The low 33 bits of the patient word: within a partition (chosen by bits
 * 32 up) they separate nearly every patient, and the few that share them are
 * put in order by the full comparison afterwards. Three passes of 11 bits. */
#define SORT_BITS 33

/* Returns the sorted array: `a` or `tmp`, whichever the last pass wrote. */
static struct sort_key *radix_sort(struct sort_key *a, struct sort_key *tmp, size_t n)
{
    enum { BITS = 11, BUCKETS = 1 << BITS };
    size_t count[BUCKETS];
    for (int shift = 0; shift < SORT_BITS; shift += BITS) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(a[i].key >> shift) & (BUCKETS - 1)]++;
        if (count[(a[0].key >> shift) & (BUCKETS - 1)] == n)
            continue;   /* every key has this digit: nothing to move */
        size_t at = 0;
        for (int b = 0; b < BUCKETS; b++) {
            size_t c = count[b];
            count[b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].key >> shift) & (BUCKETS - 1)]++] = a[i];
        struct sort_key *swap = a;
        a = tmp;
        tmp = swap;
    }
    return a;
}

static int same_spell(const struct episode_record *a, const struct episode_record *b)
{
    return a->patient[0] == b->patient[0] && a->patient[1] == b->patient[1] && a->admitted == b->admitted &&
           a->spell == b->spell;
}

enum { XLAT_GROUP, XLAT_PROVIDER, XLAT_HRG, XLAT_KINDS };

struct grouper {
    struct worker *workers;    /* all of them: the code tables are read across */
    int n;
    int index;                 /* this thread's worker */
    struct episode_record *buf, *sorted;
    struct sort_key *keys, *keys_tmp;
    size_t cap;
    struct built *spells;      /* one patient's provider spells */
    size_t spells_cap;
    /* Per writing worker, per code id: its index in this worker's groups,
     * providers and HRGs (UINT32_MAX: not looked up yet). */
    uint32_t *indexes[64][XLAT_KINDS];
    int failed;                /* 1 out of memory, 2 the spill could not be read */
};

static const struct ics_strmap_key *code_of(const struct grouper *g, const struct episode_record *r, uint32_t id)
{
    return &g->workers[r->worker].episodes->codes.keys[id];
}

/* One spell from its episodes in order: admission details and residence from
 * the first, the discharge from the last, the HRG the last non-empty one. */
/* A provider spell as built, waiting for its patient's others (CIPS). */
struct built {
    struct spell sp;
    uint32_t episodes;
};

/* Code `id` of the worker that wrote r, as this worker's index of `kind`; -1 out of memory. */
static int code_index(struct grouper *g, struct worker *w, const struct episode_record *r, uint32_t id, int kind,
                      uint32_t *out)
{
    uint32_t *slot = &g->indexes[r->worker][kind][id];
    if (*slot == UINT32_MAX) {
        const struct ics_strmap_key *k = code_of(g, r, id);
        int rc = kind == XLAT_GROUP      ? icsi_beds_group_index(w, k->s, k->len, slot)
                 : kind == XLAT_PROVIDER ? icsi_beds_provider_index(w, k->s, k->len, slot)
                                         : icsi_beds_hrg_index(w, k->s, k->len, slot);
        if (rc) {
            *slot = UINT32_MAX;
            return -1;
        }
    }
    *out = *slot;
    return 0;
}

static int make_spell(struct grouper *g, struct worker *w, const struct episode_record *first, size_t count,
                      struct built *out)
{
    const struct episode_record *last = first + count - 1;
    const struct ics_strmap_key *key = code_of(g, first, w->cfg->by_residence ? first->la : first->provider);
    const struct ics_strmap_key *provider = code_of(g, first, first->provider);
    struct spell sp = {
        .key = key->s, .key_len = key->len, .provider = provider->s, .provider_len = provider->len,
        .hrg = "", .hrg_len = 0, .admitted = first->admitted, .discharged = last->discharged,
        .cls = first->cls, .patient_class = first->patient_class, .speldur = INT32_MIN,
        .start = first->admitted, .roles = ROLE_ALL,
        .source = first->source, .destination = last->destination,
        .transfer_method = first->methods & 1, .ae_method = first->methods >> 1 & 1,
    };
    for (size_t i = count; i-- > 0;)
        if (first[i].speldur != INT32_MIN) {
            sp.speldur = first[i].speldur;
            break;
        }
    sp.indexed = 1;
    if (code_index(g, w, first, w->cfg->by_residence ? first->la : first->provider, XLAT_GROUP, &sp.group) ||
        code_index(g, w, first, first->provider, XLAT_PROVIDER, &sp.provider_index))
        return -1;
    sp.hrg_index = 0;
    for (size_t i = count; i-- > 0;) {
        if (first[i].hrg) {
            const struct ics_strmap_key *h = code_of(g, &first[i], first[i].hrg - 1);
            sp.hrg = h->s;
            sp.hrg_len = h->len;
            if (code_index(g, w, &first[i], first[i].hrg - 1, XLAT_HRG, &sp.hrg_index))
                return -1;
            break;
        }
    }
    out->sp = sp;
    out->episodes = (uint32_t)count;
    return 0;
}

/* ---- continuous inpatient spells ------------------------------------------------- */

static int in_range(uint8_t code, int lo, int hi)
{
    return code != CODE_NONE && code >= lo && code <= hi;
}

/* NHS Digital's 2014 method (domain.md 2.2b): the next provider spell
 * continues the previous when it starts 0 to 2 days after the previous ends
 * and a transfer is shown on either side, except a discharge home followed by
 * an admission through A&E; regular attenders are never joined. */
static int continues(const struct spell *prev, const struct spell *next)
{
    if (prev->patient_class == CLASS_REGULAR || next->patient_class == CLASS_REGULAR)
        return 0;
    if (prev->discharged == ICS_DATE_NONE)
        return 0;
    int32_t gap = next->admitted - prev->discharged;
    if (gap < 0 || gap > 2)
        return 0;
    if (prev->destination == 19 && next->source == 51 && next->ae_method)
        return 0;
    return in_range(prev->destination, 49, 53) || prev->destination == 84 || in_range(next->source, 49, 53) ||
           next->source == 87 || next->transfer_method;
}

static int by_admission(const void *pa, const void *pb)
{
    const struct spell *a = &((const struct built *)pa)->sp, *b = &((const struct built *)pb)->sp;
    if (a->admitted != b->admitted)
        return a->admitted < b->admitted ? -1 : 1;
    /* An open spell (no discharge) last; then by provider, so the order is the data's, not the hash's. */
    uint32_t da = (uint32_t)a->discharged ^ 0x80000000u, db = (uint32_t)b->discharged ^ 0x80000000u;
    if (a->discharged == ICS_DATE_NONE)
        da = UINT32_MAX;
    if (b->discharged == ICS_DATE_NONE)
        db = UINT32_MAX;
    if (da != db)
        return da < db ? -1 : 1;
    size_t n = a->provider_len < b->provider_len ? a->provider_len : b->provider_len;
    int c = memcmp(a->provider, b->provider, n);
    return c ? c : (a->provider_len > b->provider_len) - (a->provider_len < b->provider_len);
}

/* Counts provider spells [0, k) of one chain: alone, a plain spell; joined,
 * each part's excess and nights (long stays from the chain's start) and the
 * CIPS's spell measures once, at the provider the patient left from last. */
static int take_chain(struct worker *w, struct built *chain, size_t k)
{
    w->cips_built++;
    if (k == 1)
        return icsi_beds_take_spell(w, &chain[0].sp, chain[0].episodes);
    w->cips_joined++;
    int32_t start = chain[0].sp.admitted;
    for (size_t i = 0; i < k; i++) {
        struct spell part = chain[i].sp;
        part.roles = ROLE_EXCESS | ROLE_NIGHTS;
        part.start = start;
        if (icsi_beds_take_spell(w, &part, chain[i].episodes))
            return 1;
    }
    struct spell cips = chain[k - 1].sp;
    cips.admitted = cips.start = start;
    cips.roles = ROLE_SPELL;
    if (w->cfg->by_residence) {   /* residence from the first episode of the whole stay */
        cips.key = chain[0].sp.key;
        cips.key_len = chain[0].sp.key_len;
        cips.group = chain[0].sp.group;
    }
    cips.patient_class = chain[0].sp.patient_class;
    return icsi_beds_take_cips(w, &cips);
}

static int take_patient(struct worker *w, struct built *spells, size_t n)
{
    if (!w->cfg->cips) {
        for (size_t i = 0; i < n; i++)
            if (icsi_beds_take_spell(w, &spells[i].sp, spells[i].episodes))
                return 1;
        return 0;
    }
    if (n > 1)
        qsort(spells, n, sizeof *spells, by_admission);
    size_t from = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && continues(&spells[i - 1].sp, &spells[i].sp))
            continue;
        if (take_chain(w, spells + from, i - from))
            return 1;
        from = i;
    }
    return 0;
}


/* Gathers partition p from every worker (file chunks and the unflushed tail). */
static int gather(struct grouper *g, uint32_t p, size_t *count)
{
    size_t need = 0;
    for (int i = 0; i < g->n; i++) {
        const struct episode_spill *e = g->workers[i].episodes;
        need += e->filled[p];
        for (size_t k = e->first_chunk[p]; k < e->first_chunk[p + 1]; k++)
            need += e->by_partition[k].count;
    }
    if (need > g->cap) {
        struct episode_record *b = ics_realloc(g->buf, need * sizeof *b);
        if (b)
            g->buf = b;
        struct episode_record *sorted = b ? ics_realloc(g->sorted, need * sizeof *sorted) : NULL;
        if (sorted)
            g->sorted = sorted;
        struct sort_key *k = sorted ? ics_realloc(g->keys, need * sizeof *k) : NULL;
        if (k)
            g->keys = k;
        struct sort_key *kt = k ? ics_realloc(g->keys_tmp, need * sizeof *kt) : NULL;
        if (!kt) {
            g->failed = 1;
            return -1;
        }
        g->keys_tmp = kt;
        g->cap = need;
    }
    size_t at = 0;
    for (int i = 0; i < g->n; i++) {
        const struct episode_spill *e = g->workers[i].episodes;
        for (size_t k = e->first_chunk[p]; k < e->first_chunk[p + 1]; k++) {
            const struct chunk *c = &e->by_partition[k];
            if (icsi_beds_read_at(e->fd, g->buf + at, c->count * sizeof *g->buf, c->offset * sizeof *g->buf)) {
                g->failed = 2;
                return -1;
            }
            at += c->count;
        }
        if (e->filled[p]) {   /* an empty partition may have no buffer yet */
            memcpy(g->buf + at, e->buffers + (size_t)p * CHUNK_RECORDS, e->filled[p] * sizeof *g->buf);
            at += e->filled[p];
        }
    }
    *count = at;
    return 0;
}

/* Sorts g->buf[0, count) into g->sorted, in by_spell_then_order's order. */
static void sort_partition(struct grouper *g, size_t count)
{
    for (size_t i = 0; i < count; i++)
        g->keys[i] = (struct sort_key){g->buf[i].patient[0] & ((UINT64_C(1) << SORT_BITS) - 1), (uint32_t)i};
    struct sort_key *k = radix_sort(g->keys, g->keys_tmp, count);
    for (size_t i = 0; i < count;) {
        size_t j = i + 1;
        while (j < count && k[j].key == k[i].key)
            j++;
        /* One patient's records (or, rarely, two patients' sharing the sorted bits): insertion sort. */
        for (size_t a = i + 1; a < j; a++) {
            struct sort_key x = k[a];
            size_t b = a;
            while (b > i && by_spell_then_order(&g->buf[k[b - 1].index], &g->buf[x.index]) > 0) {
                k[b] = k[b - 1];
                b--;
            }
            k[b] = x;
        }
        i = j;
    }
    for (size_t i = 0; i < count; i++)
        g->sorted[i] = g->buf[k[i].index];
    struct episode_record *swap = g->buf;
    g->buf = g->sorted;
    g->sorted = swap;
}

static void *group_thread(void *arg)
{
    struct grouper *g = arg;
    struct worker *w = &g->workers[g->index];
    unsigned parts = w->cfg->partitions;
    for (uint32_t p = (uint32_t)g->index; p < parts && !g->failed && !w->failed; p += (uint32_t)g->n) {
        size_t count;
        if (gather(g, p, &count))
            break;
        if (count == 0)
            continue;
        sort_partition(g, count);
        size_t nspells = 0;
        for (size_t i = 0; i < count;) {
            size_t j = i + 1;
            while (j < count && same_spell(&g->buf[i], &g->buf[j]))
                j++;
            if (nspells == g->spells_cap) {
                size_t cap = g->spells_cap ? g->spells_cap * 2 : 64;
                struct built *b = ics_realloc(g->spells, cap * sizeof *b);
                if (!b) {
                    g->failed = 1;
                    return NULL;
                }
                g->spells = b;
                g->spells_cap = cap;
            }
            if (make_spell(g, w, &g->buf[i], j - i, &g->spells[nspells++])) {
                g->failed = 1;
                return NULL;
            }
            /* The patient's last spell: the next record is another patient's. */
            if (j == count || g->buf[j].patient[0] != g->buf[i].patient[0] ||
                g->buf[j].patient[1] != g->buf[i].patient[1]) {
                if (take_patient(w, g->spells, nspells))
                    return NULL;
                nspells = 0;
            }
            i = j;
        }
    }
    return NULL;
}

/* The chunks of each partition together (a counting sort), so that a
 * partition is gathered without looking at the others'. */
static int index_chunks(struct episode_spill *e, unsigned parts)
{
    e->first_chunk = ics_calloc((size_t)parts + 1, sizeof *e->first_chunk);
    e->by_partition = ics_malloc((e->nchunks ? e->nchunks : 1) * sizeof *e->by_partition);
    if (!e->first_chunk || !e->by_partition)
        return -1;
    for (size_t k = 0; k < e->nchunks; k++)
        e->first_chunk[e->chunks[k].partition + 1]++;
    for (unsigned p = 0; p < parts; p++)
        e->first_chunk[p + 1] += e->first_chunk[p];
    size_t *next = ics_malloc(((size_t)parts + 1) * sizeof *next);
    if (!next)
        return -1;
    memcpy(next, e->first_chunk, ((size_t)parts + 1) * sizeof *next);
    for (size_t k = 0; k < e->nchunks; k++)
        e->by_partition[next[e->chunks[k].partition]++] = e->chunks[k];
    ics_free(next);
    return 0;
}

int icsi_beds_group_episodes(struct worker *workers, int n, struct ics_error *err)
{
    for (int i = 0; i < n; i++) {
        struct episode_spill *e = workers[i].episodes;
        if (e->write_failed)
            return ics_error_set(err, ICS_ERR_IO, "cannot write the temporary episode spill file");
        if (index_chunks(e, workers[i].cfg->partitions))
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    struct grouper *g = ics_calloc((size_t)n, sizeof *g);
    if (!g)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    pthread_t tids[64];
    int started[64] = {0};
    int rc = ICS_OK;
    for (int i = 0; i < n && !rc; i++) {
        g[i] = (struct grouper){.workers = workers, .n = n, .index = i};
        for (int s = 0; s < n && !rc; s++) {
            size_t codes = workers[s].episodes->codes.count;
            for (int k = 0; k < XLAT_KINDS && !rc; k++) {
                g[i].indexes[s][k] = ics_malloc((codes ? codes : 1) * sizeof(uint32_t));
                if (!g[i].indexes[s][k])
                    rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
                else
                    memset(g[i].indexes[s][k], 0xFF, codes * sizeof(uint32_t));
            }
        }
    }
    if (rc)
        goto done;
    for (int i = 1; i < n; i++)
        started[i] = pthread_create(&tids[i], NULL, group_thread, &g[i]) == 0;
    group_thread(&g[0]);
    for (int i = 1; i < n; i++) {
        if (started[i])
            pthread_join(tids[i], NULL);
        else
            group_thread(&g[i]);
    }
done:
    for (int i = 0; i < n; i++) {
        for (int s = 0; s < n; s++)
            for (int k = 0; k < XLAT_KINDS; k++)
                ics_free(g[i].indexes[s][k]);
        if (g[i].failed == 2 && !rc)
            rc = ics_error_set(err, ICS_ERR_IO, "cannot read the temporary episode spill file");
        else if ((g[i].failed || workers[i].failed) && !rc)
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory grouping episodes into spells");
        ics_free(g[i].buf);
        ics_free(g[i].sorted);
        ics_free(g[i].keys);
        ics_free(g[i].keys_tmp);
        ics_free(g[i].spells);
    }
    ics_free(g);
    return rc;
}
