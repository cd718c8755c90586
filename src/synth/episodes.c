/*
 * ics synth --episodes: the synthetic spells as HES APC consultant episodes,
 * with the true provider spells beside them (docs/commands/synth.md,
 * "Episodes", says what each rule is for).
 *
 * Provider spell k is ics_synth_spell(k) plus what episodes need (patient id,
 * provider spell number, admission source, patient class, discharge method,
 * SPELDUR, the episodes), drawn from slots of row k that the spell model does
 * not use, so it depends only on the seed, the year and k:
 *   slots 0-15   the spell model (it draws at most 9)
 *   slots 16-39  this file's draws for the spell and its episodes (at most 22)
 *   slots 40-55  the second provider spell of a linked pair (at most 10)
 *   slots 56-57  whether spell k (k even) is linked to k + 1, and how
 *   slot  62     the free-text note of --messy
 * A pair (k, k + 1) shares one patient; spell k + 1 is drawn from spell k,
 * which is why the odd spells need their even neighbour.
 *
 * Output order: rows go into blocks of ICS_SYNTH_EPISODE_BLOCK spells by
 * position k + d (d < ICS_SYNTH_EPISODE_SHIFT: the low bits of a hash of the
 * EPIKEY), and a block is written sorted by the top 24 bits of that hash once
 * every spell that can reach it has been drawn. Two blocks are held at a time, so memory
 * stays constant; and because a row's block and its place in the block depend
 * on the row alone, a shorter run is a longer run with rows deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "synth_internal.h"

#define SLOT_EPISODES 16
#define SLOT_SECOND 40
#define SLOT_LINK 56
#define KEY_SPACE UINT64_C(1000000000000)   /* EPIKEY and PROVSPNOPS: 12 digits */
#define ROW_MAX 256                          /* an episode row is at most ~160 bytes */

static void slot_rng(const struct ics_synth *g, uint64_t index, int slot, struct synth_rng *r)
{
    synth_row_rng(r, g->base, index);
    r->state += (uint64_t)slot * ICS_SPLITMIX64_GAMMA;
}

/* A permutation of [0, 10^12): a 4-round Feistel network on 40 bits is a
 * permutation of [0, 2^40), and cycle-walking (applying it again while the
 * result is 10^12 or more) restricts it to [0, 10^12). x < 10^12. */
static uint64_t permute12(const uint64_t key[4], uint64_t x)
{
    do {
        uint64_t l = x >> 20, r = x & 0xFFFFF;
        for (int i = 0; i < 4; i++) {
            uint64_t t = l ^ (((r ^ key[i]) * UINT64_C(0x9E3779B97F4A7C15)) >> 44);
            l = r;
            r = t;
        }
        x = (l << 20) | r;
    } while (x >= KEY_SPACE);
    return x;
}

static void put_hex16(char *p, uint64_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = 15; i >= 0; i--, v >>= 4)
        p[i] = hex[v & 15];
}

/* PSEUDO_HESID: the first 16 digits are a bijection of the patient number,
 * so two patients never share an id. */
static void patient_id(const struct ics_synth *g, uint64_t patient, char out[33])
{
    uint64_t a = ics_splitmix64_mix(g->patient_base + patient * ICS_SPLITMIX64_GAMMA);
    put_hex16(out, a);
    put_hex16(out + 16, ics_splitmix64_mix(a ^ g->order_salt));
    out[32] = '\0';
}

/* ---- pairs of provider spells of one patient ------------------------------ */

/* Spell k (even) as drawn, and what it hands spell k + 1. */
struct first {
    struct ics_synth_spell s;
    struct icsi_synth_drawn how;
    int link;
    int gap;                     /* days from k's discharge to k + 1's admission */
};

/* Per 10,000 eligible even spells (non-elective adults 65 and over,
 * discharged at least 5 days before the year ends): about 5% are followed
 * by a transfer that the 2014 rule joins (so 2.5% of all eligible spells
 * begin one), 2.2% by a near miss. */
static const struct { uint16_t cum; uint8_t link; } link_mix[] = {
    {320, ICS_SYNTH_LINK_TRANSFER},  {410, ICS_SYNTH_LINK_DESTINATION},  {500, ICS_SYNTH_LINK_ADMISSION},
    {580, ICS_SYNTH_LINK_GAP},       {660, ICS_SYNTH_LINK_HOME_THEN_AE}, {720, ICS_SYNTH_LINK_READMISSION},
};

static int joined(int link)
{
    return link == ICS_SYNTH_LINK_TRANSFER || link == ICS_SYNTH_LINK_DESTINATION || link == ICS_SYNTH_LINK_ADMISSION;
}

static void first_of(const struct ics_synth *g, uint64_t index, struct first *f)
{
    icsi_synth_spell_drawn(g, index, &f->s, &f->how);
    f->link = ICS_SYNTH_LINK_NONE;
    f->gap = 0;
    const struct ics_synth_spell *s = &f->s;
    if ((index & 1) || f->how.group != G_ADULT || s->admission_method[0] == '1' || s->age < 65 ||
        s->discharge_date == ICS_DATE_NONE || s->discharge_date > g->last - 5)
        return;
    struct synth_rng r;
    slot_rng(g, index, SLOT_LINK, &r);
    uint64_t x = synth_next(&r);
    uint32_t u = synth_scale(synth_hi(x), 10000);
    size_t n = sizeof link_mix / sizeof link_mix[0];
    for (size_t i = 0; i < n && !f->link; i++)
        if (u < link_mix[i].cum)
            f->link = link_mix[i].link;
    if (!f->link)
        return;
    /* Gap: 0 days for most transfers (same-day), some 1 or 2; a near miss
     * by time 3 to 5. Destination: another NHS provider's general ward (51)
     * mostly, its other wards (49, 50, 52, 53) sometimes; home (19) where the
     * link says so. */
    uint32_t v = synth_scale(synth_lo(x), 100);
    if (f->link == ICS_SYNTH_LINK_GAP)
        f->gap = 3 + (int)(v % 3);
    else
        f->gap = v < 70 ? 0 : v < 90 ? 1 : 2;
    /* The rule orders a patient's spells by admission date, and there are no
     * times: after a 0-night stay the second spell starts a day later, so
     * the two are never admitted on the same day. */
    if (f->gap == 0 && s->admission_date == s->discharge_date)
        f->gap = 1;
    if (f->link == ICS_SYNTH_LINK_TRANSFER || f->link == ICS_SYNTH_LINK_DESTINATION ||
        f->link == ICS_SYNTH_LINK_GAP) {
        uint32_t w = synth_below(&r, 100);
        f->s.discharge_destination = w < 90 ? 51 : w < 93 ? 53 : w < 96 ? 50 : w < 98 ? 49 : 52;
    } else {
        f->s.discharge_destination = 19;
    }
}

/* The patient's birthdays, as days after spell `index`'s admission: STARTAGE
 * goes up by one on an episode that starts more than `birthday` days (plus
 * whole years) after admission. The spell's fourth draw of SLOT_EPISODES. */
static int32_t birthday_of(const struct ics_synth *g, uint64_t index)
{
    struct synth_rng r;
    slot_rng(g, index, SLOT_EPISODES + 3, &r);
    return (int32_t)synth_scale(synth_hi(synth_next(&r)), 365);
}

static int years_after(int32_t since, int32_t birthday)
{
    return since > birthday ? 1 + (since - birthday - 1) / 365 : 0;
}

/* The provider a patient moves to: another trust serving the patient's local
 * authority, chosen by the number of its patients who live there; for a
 * patient of unknown residence, or the only trust of an LA, another trust by
 * size. One output: its high half draws, its low half is the fallback. */
static size_t other_trust(const struct ics_synth *g, const struct icsi_synth_drawn *from, uint64_t x)
{
    if (from->la >= 0) {
        const struct synth_la_trust *t = &g->la_trusts[g->la_start[from->la]];
        size_t n = g->la_start[from->la + 1] - g->la_start[from->la];
        uint64_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += t[i].trust == from->trust ? 0 : t[i].weight;
        if (total) {
            uint64_t u = synth_scale(synth_hi(x), total);
            for (size_t i = 0; i < n; i++) {
                uint64_t w = t[i].trust == from->trust ? 0 : t[i].weight;
                if (u < w)
                    return t[i].trust;
                u -= w;
            }
        }
    }
    size_t ti = synth_sample_x(&g->trust, synth_lo(x));
    return ti == from->trust ? (ti + 1) % icsi_synth_trust_count : ti;
}

/* Spell k + 1 of a linked pair: the patient of spell k (same LA, age, sex),
 * admitted gap days after k's discharge, at another provider (the same one
 * for a readmission), with an adult non-elective HRG and stay. */
static void second_of(const struct ics_synth *g, uint64_t index, const struct first *f, struct ics_synth_spell *s,
                      struct icsi_synth_drawn *how, int *source)
{
    struct synth_rng r;
    slot_rng(g, index, SLOT_SECOND, &r);
    memset(s, 0, sizeof *s);
    s->number = index + 1;
    uint64_t x = synth_next(&r);
    int transfer_method = synth_scale(synth_hi(x), 4) == 0;   /* 2B a quarter of the time, else 81 */
    const char *method = transfer_method ? "2B" : "81";
    switch (f->link) {
    case ICS_SYNTH_LINK_TRANSFER:
    case ICS_SYNTH_LINK_GAP:
        *source = 51;
        break;
    case ICS_SYNTH_LINK_DESTINATION:
        method = synth_scale(synth_lo(x), 10) < 8 ? "21" : "22";
        *source = 19;
        break;
    case ICS_SYNTH_LINK_ADMISSION:
        *source = synth_scale(synth_lo(x), 10) < 7 ? 51 : 19;
        break;
    case ICS_SYNTH_LINK_HOME_THEN_AE:
        method = "21";
        *source = 51;
        break;
    default:   /* readmission */
        method = "21";
        *source = 19;
        break;
    }
    memcpy(s->admission_method, method, 3);

    /* The HRG: the first of four draws that fits the patient (no female
     * reproductive system HRG for a man); ungrouped if none does. */
    const struct synth_sampler *hs = &g->hrg[H_ADULT_NON_ELECTIVE];
    const struct synth_hrg *h = NULL, *last = NULL;
    int no_hrg = 0;
    for (int i = 0; i < 4; i++) {
        x = synth_next(&r);
        last = &icsi_synth_hrgs[hs->t[synth_sample_x(hs, synth_hi(x))].index];
        if (i == 0)
            no_hrg = synth_scale(synth_lo(x), 1000) < 10;
        if (!h && !(last->code[0] == 'M' && f->s.sex == 1))
            h = last;
    }
    if (!h) {
        h = last;
        no_hrg = 1;
    }
    uint32_t t = h->trimpoint;
    s->hrg = no_hrg ? "" : h->code;
    s->trimpoint = no_hrg ? 0 : (int)t;
    x = synth_next(&r);
    size_t ti = f->link == ICS_SYNTH_LINK_READMISSION ? f->how.trust : other_trust(g, &f->how, x);
    int los = icsi_synth_closed_los(&r, 0, G_ADULT, t, icsi_synth_stay_factor(ti, f->how.la));
    s->provider_code = icsi_synth_trusts[ti].code;
    how->trust = ti;
    how->la = f->how.la;
    how->group = G_ADULT;
    how->table = H_ADULT_NON_ELECTIVE;

    s->patient_la = f->s.patient_la;
    s->sex = f->s.sex;
    s->admission_date = f->s.discharge_date + f->gap;
    /* Older by a year if a birthday fell since the first admission. */
    s->age = f->s.age + years_after(s->admission_date - f->s.admission_date, birthday_of(g, index - 1));
    if (s->admission_date + los > g->last) {
        s->discharge_date = ICS_DATE_NONE;      /* still there at the end of the year */
        s->discharge_destination = 0;
    } else {
        s->discharge_date = s->admission_date + los;
        s->discharge_destination = icsi_synth_destination(&r, G_ADULT, 0, s->age, los);
    }
}

/* ---- one provider spell and its episodes ---------------------------------- */

/* Episodes per spell by length of stay (the open spell's days so far):
 * cumulative per 1,000 for 1..6 episodes. Most spells have one consultant;
 * the longer the stay, the likelier a move between consultants. */
static const uint16_t episode_mix[5][ICS_SYNTH_MAX_EPISODES] = {
    /* LOS 0 */     {970, 995, 1000, 1000, 1000, 1000},
    /* LOS 1-2 */   {800, 960, 995, 1000, 1000, 1000},
    /* LOS 3-6 */   {600, 890, 975, 998, 1000, 1000},
    /* LOS 7-20 */  {400, 730, 890, 960, 990, 1000},
    /* LOS 21+ */   {250, 550, 760, 880, 950, 1000},
};

static int source_of(const struct ics_synth_spell *s, const struct icsi_synth_drawn *how, uint32_t x)
{
    uint32_t v = synth_scale(x, 1000);
    const char *m = s->admission_method;
    if (strcmp(m, "81") == 0 || strcmp(m, "2B") == 0)
        return v < 950 ? 51 : 87;           /* another NHS provider; rarely an independent one */
    if (strcmp(m, "82") == 0)
        return 79;                          /* born in hospital */
    if (how->group == G_ADULT && m[0] != '1' && s->age >= 75) {
        if (v < 25)
            return 54;                      /* care homes: NHS, local authority, independent */
        if (v < 50)
            return 65;
        if (v < 80)
            return 85;
    }
    return v >= 990 ? 29 : 19;              /* temporary address; usual residence */
}

static void build(const struct ics_synth *g, uint64_t index, const struct first *prev, struct first *self,
                  struct ics_synth_provider_spell *ps)
{
    struct ics_synth_spell *s = &ps->spell;
    struct icsi_synth_drawn how;
    int source = 0, second = 0;
    ps->link_prev = ps->link_next = ICS_SYNTH_LINK_NONE;
    ps->patient = index;
    ps->cips = index;
    if ((index & 1) && prev && prev->link) {
        second_of(g, index, prev, s, &how, &source);
        second = 1;
        ps->link_prev = prev->link;
        ps->patient = index - 1;
        if (joined(prev->link))
            ps->cips = index - 1;
    } else if (!(index & 1)) {
        first_of(g, index, self);
        *s = self->s;
        how = self->how;
        ps->link_next = self->link;
    } else {
        icsi_synth_spell_drawn(g, index, s, &how);
    }
    patient_id(g, ps->patient, ps->patient_id);
    ps->provspno = permute12(g->spell_key, index);

    struct synth_rng r;
    slot_rng(g, index, SLOT_EPISODES, &r);
    int elective = s->admission_method[0] == '1';
    int open = s->discharge_date == ICS_DATE_NONE;
    int32_t end = open ? g->last : s->discharge_date;
    int los = (int)(end - s->admission_date);

    /* Patient class: elective stays of 0 nights are day cases (87%) or, 4.8%
     * of them (about 1% of spells), regular day (3) and night (4) attenders;
     * everything else is ordinary (1). */
    uint64_t x = synth_next(&r);
    ps->patient_class = 1;
    if (!second && !open && elective && los == 0) {
        uint32_t u = synth_scale(synth_hi(x), 10000);
        ps->patient_class = u < 410 ? 3 : u < 480 ? 4 : u < 9200 ? 2 : 1;
    }
    ps->admission_source = second ? source : source_of(s, &how, synth_lo(x));

    /* Discharge method: died 4, self-discharge 2 (1.5%), else clinical
     * advice 1. SPELDUR: the length of stay, wrong by 1-3 days for 0.5%. */
    x = synth_next(&r);
    ps->discharge_method = open ? 0 : s->discharge_destination == 79 ? 4 : synth_scale(synth_hi(x), 1000) < 15 ? 2 : 1;
    ps->speldur = open ? -1 : los;
    uint32_t w = synth_scale(synth_lo(x), 10000);
    if (!open && w < 50) {
        int d = 1 + (int)(w % 3);
        ps->speldur = (w & 8) && los >= d ? los - d : los + d;
    }

    x = synth_next(&r);
    int band = los == 0 ? 0 : los <= 2 ? 1 : los <= 6 ? 2 : los <= 20 ? 3 : 4;
    uint32_t u = synth_scale(synth_hi(x), 1000);
    int n = 1;
    while (n < ICS_SYNTH_MAX_EPISODES && episode_mix[band][n - 1] <= u)
        n++;
    if (ps->patient_class >= 3)
        n = 1;                               /* regular attenders: one episode, always */
    ps->episodes = n;
    ps->null_dates = open && (synth_lo(x) >> 31);
    int last_empty = synth_scale(synth_lo(x) << 1, 10000) < 400;   /* 4% of multi-episode spells */
    x = synth_next(&r);
    int32_t birthday = (int32_t)synth_scale(synth_hi(x), 365);     /* birthday_of(g, index) */
    if (second) {
        /* The same patient's birthdays, counted from this admission. */
        int32_t moved = s->admission_date - prev->s.admission_date;
        birthday = ((birthday_of(g, index - 1) - moved) % 365 + 365) % 365;
    }

    /* EPISTART of each episode after the first: n - 1 days drawn in the stay,
     * sorted; each episode ends the day the next starts. */
    int hold = n - 1;                        /* the episode holding the spell's HRG */
    if (n >= 2 && s->hrg[0] && last_empty)
        hold = n - 2;
    const struct synth_sampler *hs = &g->hrg[how.table];
    const struct synth_sampler *cs = &g->catchment[how.trust];
    int32_t start[ICS_SYNTH_MAX_EPISODES];
    uint32_t vary[ICS_SYNTH_MAX_EPISODES];
    for (int e = 0; e < n; e++) {
        struct ics_synth_episode *ep = &ps->episode[e];
        uint64_t o1 = synth_next(&r), o2 = synth_next(&r), o3 = synth_next(&r);
        start[e] = e == 0 ? 0 : (int32_t)synth_scale(synth_hi(o1), (uint64_t)los + 1);
        vary[e] = e == 0 ? 10000 : synth_scale(synth_lo(o1), 10000);
        if (e < hold && s->hrg[0] && synth_scale(synth_lo(o2), 10) < 6)
            ep->hrg = icsi_synth_hrgs[hs->t[synth_sample_x(hs, synth_hi(o2))].index].code;
        else
            ep->hrg = e == hold ? s->hrg : "";
        ep->patient_la = s->patient_la;
        if (vary[e] >= 500 && vary[e] < 600)
            ep->patient_la = icsi_synth_la_codes[cs->t[synth_sample_x(cs, synth_hi(o3))].index];
    }
    for (int e = 2; e < n; e++)              /* insertion sort of at most 5 */
        for (int j = e; j > 1 && start[j - 1] > start[j]; j--) {
            int32_t t = start[j];
            start[j] = start[j - 1];
            start[j - 1] = t;
        }
    for (int e = 0; e < n; e++) {
        struct ics_synth_episode *ep = &ps->episode[e];
        ep->epikey = permute12(g->epikey_key, index * 8 + (uint64_t)e);
        ep->start = s->admission_date + start[e];
        ep->end = e + 1 < n ? s->admission_date + start[e + 1] : s->discharge_date;
        int32_t since = start[e];
        ep->age = s->age + years_after(since, birthday);
        ep->sex = s->sex;
        memcpy(ep->admission_method, s->admission_method, 3);
        ep->admission_source = ps->admission_source;
        /* Later episodes: now and then a different method (2.5%), source
         * (2.5%), residence (1%, drawn above) or sex not specified (0.5%). */
        uint32_t v = vary[e];
        if (v < 250) {
            const char *alt = elective ? "21" : (strcmp(s->admission_method, "81") == 0 ||
                                                 strcmp(s->admission_method, "2B") == 0) ? "21" : "81";
            memcpy(ep->admission_method, alt, 3);
        } else if (v < 500) {
            ep->admission_source = ps->admission_source == 51 ? 19 : 51;
        } else if (v >= 600 && v < 650) {
            ep->sex = 9;
        }
    }
}

void ics_synth_provider_spell(const struct ics_synth *g, uint64_t index, struct ics_synth_provider_spell *out)
{
    struct first prev, self;
    if (index & 1)
        first_of(g, index - 1, &prev);
    build(g, index, (index & 1) ? &prev : NULL, &self, out);
}

/* ---- the writer ----------------------------------------------------------- */

struct row_ref {
    uint32_t key;                /* order inside the block: the top 32 bits of the row's hash */
    uint32_t off, len;
};

struct block {
    char *text;
    size_t used, cap;
    struct row_ref *rows, *tmp;  /* tmp: the radix sort's other half */
    size_t n, cap_rows;
};

static int block_reserve(struct block *b, struct ics_error *err)
{
    if (b->cap - b->used < ROW_MAX) {
        size_t cap = b->cap ? b->cap * 2 : (size_t)1 << 20;
        char *t = ics_realloc(b->text, cap);
        if (!t)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        b->text = t;
        b->cap = cap;
    }
    if (b->n == b->cap_rows) {
        size_t cap = b->cap_rows ? b->cap_rows * 2 : 8192;
        struct row_ref *r = ics_realloc(b->rows, cap * sizeof *r);
        if (r)
            b->rows = r;
        struct row_ref *t = r ? ics_realloc(b->tmp, cap * sizeof *t) : NULL;
        if (!t)
            return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        b->tmp = t;
        b->cap_rows = cap;
    }
    return ICS_OK;
}

/* Sorts the block's rows by key: a stable LSD radix sort on the top 24 bits
 * (three passes of 8), so rows whose keys share those bits keep the order in
 * which they were drawn (spell order). Either way a row's place depends only
 * on the rows of the block, never on how many spells the run has. */
static void block_sort(struct block *b)
{
    for (int shift = 8; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < b->n; i++)
            count[((b->rows[i].key >> shift) & 0xFF) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < b->n; i++)
            b->tmp[count[(b->rows[i].key >> shift) & 0xFF]++] = b->rows[i];
        struct row_ref *t = b->rows;
        b->rows = b->tmp;
        b->tmp = t;
    }
}

static int block_write(struct block *b, struct synth_writer *w, struct ics_error *err)
{
    block_sort(b);
    for (size_t i = 0; i < b->n; i++) {
        const struct row_ref *r = &b->rows[i];
        int rc;
        if (OUT_BUFFER - w->used < r->len && (rc = icsi_synth_writer_flush(w, err)) != ICS_OK)
            return rc;
        memcpy(w->buf[w->cur] + w->used, b->text + r->off, r->len);
        w->used += r->len;
    }
    b->used = 0;
    b->n = 0;
    return ICS_OK;
}

/* A number below 10^12 as exactly 12 digits, two at a time. */
static char *put_12(char *p, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    for (int i = 10; i >= 0; i -= 2) {
        memcpy(p + i, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    return p + 12;
}

static char *put_2(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_age(char *p, int age)
{
    if (age >= 100)
        *p++ = (char)('0' + age / 100);
    if (age >= 10)
        *p++ = (char)('0' + age / 10 % 10);
    *p++ = (char)('0' + age % 10);
    return p;
}

static char *put_missing(char *p, int null_dates)
{
    if (null_dates) {
        memcpy(p, "1800-01-01", 10);
        p += 10;
    }
    return p;
}

/* One episode row; returns its end. hesid and provspno are the spell's, formatted once. */
static char *put_episode(const struct synth_writer *w, int repeated, const struct ics_synth_provider_spell *ps,
                         int e, const char *provspno, char *p)
{
    const struct ics_synth_spell *s = &ps->spell;
    const struct ics_synth_episode *ep = &ps->episode[e];
    int last = e == ps->episodes - 1;
    int open = s->discharge_date == ICS_DATE_NONE;
    int discharge_here = !open && (last || repeated);
    p = put_12(p, ep->epikey);
    *p++ = ',';
    memcpy(p, ps->patient_id, 32);
    p += 32;
    *p++ = ',';
    memcpy(p, s->provider_code, 3);
    p += 3;
    *p++ = ',';
    memcpy(p, provspno, 12);
    p += 12;
    *p++ = ',';
    p = put_2(p, e + 1);
    *p++ = ',';
    p = synth_put_date(w, p, s->admission_date);
    *p++ = ',';
    p = synth_put_date(w, p, ep->start);
    *p++ = ',';
    if (ep->end != ICS_DATE_NONE)
        p = synth_put_date(w, p, ep->end);
    else
        p = put_missing(p, ps->null_dates);
    *p++ = ',';
    if (discharge_here)
        p = synth_put_date(w, p, s->discharge_date);
    else if (open && (last || repeated))
        p = put_missing(p, ps->null_dates);
    *p++ = ',';
    *p++ = ep->admission_method[0];
    *p++ = ep->admission_method[1];
    *p++ = ',';
    p = put_2(p, ep->admission_source);
    *p++ = ',';
    p = put_2(p, discharge_here ? s->discharge_destination : 98);
    *p++ = ',';
    if (discharge_here)
        *p++ = (char)('0' + ps->discharge_method);
    *p++ = ',';
    *p++ = (char)('0' + ps->patient_class);
    *p++ = ',';
    if (ep->patient_la[0]) {
        memcpy(p, ep->patient_la, 9);
        p += 9;
    }
    *p++ = ',';
    p = put_age(p, ep->age);
    *p++ = ',';
    *p++ = (char)('0' + ep->sex);
    *p++ = ',';
    if (ep->hrg[0]) {
        memcpy(p, ep->hrg, 5);
        p += 5;
    }
    *p++ = ',';
    if (last && ps->speldur >= 0)
        p = synth_put_uint(p, (uint64_t)ps->speldur, 1);
    *p++ = '\n';
    return p;
}

static char *put_true_spell(const struct ics_synth *g, const struct synth_writer *w,
                            const struct ics_synth_provider_spell *ps, const char *provspno, char *p)
{
    const struct ics_synth_spell *s = &ps->spell;
    memcpy(p, provspno, 12);
    p += 12;
    *p++ = ',';
    memcpy(p, ps->patient_id, 32);
    p += 32;
    *p++ = ',';
    memcpy(p, s->provider_code, 3);
    p += 3;
    *p++ = ',';
    if (s->patient_la[0]) {
        memcpy(p, s->patient_la, 9);
        p += 9;
    }
    *p++ = ',';
    p = synth_put_date(w, p, s->admission_date);
    *p++ = ',';
    if (s->discharge_date != ICS_DATE_NONE)
        p = synth_put_date(w, p, s->discharge_date);
    *p++ = ',';
    *p++ = s->admission_method[0];
    *p++ = s->admission_method[1];
    *p++ = ',';
    p = put_2(p, ps->admission_source);
    *p++ = ',';
    if (s->discharge_destination)
        p = put_2(p, s->discharge_destination);
    *p++ = ',';
    *p++ = (char)('0' + ps->patient_class);
    *p++ = ',';
    if (s->hrg[0]) {
        memcpy(p, s->hrg, 5);
        p += 5;
    }
    *p++ = ',';
    p = put_age(p, s->age);
    *p++ = ',';
    *p++ = (char)('0' + s->sex);
    *p++ = ',';
    if (ps->speldur >= 0)
        p = synth_put_uint(p, (uint64_t)ps->speldur, 1);
    *p++ = ',';
    p = put_12(p, ps->cips == ps->spell.number - 1 ? ps->provspno : permute12(g->spell_key, ps->cips));
    *p++ = '\n';
    return p;
}

int ics_synth_episodes(const struct ics_synth_options *opt, FILE *out, FILE *true_spells,
                       struct ics_synth_episodes_result *result, struct ics_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    if (opt->messy)
        return ics_error_set(err, ICS_ERR_USAGE, "episodes have no messy layout");
    if (opt->spells > ICS_SYNTH_MAX_EPISODE_SPELLS)
        return ics_error_set(err, ICS_ERR_USAGE, "at most %llu spells can be written as episodes",
                             (unsigned long long)ICS_SYNTH_MAX_EPISODE_SPELLS);
    if (opt->episode_dates != ICS_SYNTH_EPISODE_DATES_LAST && opt->episode_dates != ICS_SYNTH_EPISODE_DATES_REPEATED)
        return ics_error_set(err, ICS_ERR_USAGE, "unknown episode dates layout %d", opt->episode_dates);
    struct ics_synth *g = ics_synth_new(opt->seed, opt->fy_start_year, err);
    if (!g)
        return err ? err->code : ICS_ERR_FAILED;
    struct synth_writer w, tw;
    struct block blocks[2];
    memset(blocks, 0, sizeof blocks);
    memset(&tw, 0, sizeof tw);
    int rc = icsi_synth_writer_init(&w, out, "episodes", err);
    int trc = true_spells ? icsi_synth_writer_init(&tw, true_spells, "the true spells", err) : ICS_OK;
    size_t ndates = (size_t)LOS_CAP + (size_t)g->ndays;
    w.dates = tw.dates = ics_malloc(ndates * sizeof *w.dates);
    if (rc || trc || !w.dates) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    w.dates_first = tw.dates_first = g->first - LOS_CAP;
    for (size_t i = 0; i < ndates; i++) {
        char iso[11];
        ics_date_format(w.dates_first + (int32_t)i, iso);
        memcpy(w.dates[i], iso, 10);
    }
    w.used = (size_t)(synth_put_str(w.buf[0], "EPIKEY,PSEUDO_HESID,PROCODE3,PROVSPNOPS,EPIORDER,ADMIDATE,EPISTART,"
                                              "EPIEND,DISDATE,ADMIMETH,ADMISORC,DISDEST,DISMETH,CLASSPAT,"
                                              "RESLADST_ONS,STARTAGE,SEX,SUSHRG,SPELDUR\n") - w.buf[0]);
    if (true_spells)
        tw.used = (size_t)(synth_put_str(tw.buf[0], "spell_id,patient_id,provider_code,patient_la,admission_date,"
                                                    "discharge_date,admission_method,admission_source,"
                                                    "discharge_destination,patient_class,hrg,age,sex,speldur,"
                                                    "cips_id\n") - tw.buf[0]);
    if (opt->spells > 100000) {
        icsi_synth_writer_start(&w);
        if (true_spells)
            icsi_synth_writer_start(&tw);
    }

    int repeated = opt->episode_dates == ICS_SYNTH_EPISODE_DATES_REPEATED;
    uint64_t low = 0;                        /* the lowest block not yet written */
    uint64_t episodes = 0;
    struct first pair;                       /* spell k (even), for k + 1 */
    for (uint64_t k = 0; k < opt->spells; k++) {
        if (k / ICS_SYNTH_EPISODE_BLOCK > low) {
            /* Every row that can fall in block `low` has been drawn. */
            if ((rc = block_write(&blocks[low & 1], &w, err)) != ICS_OK)
                goto out;
            low++;
        }
        struct ics_synth_provider_spell ps;
        build(g, k, &pair, &pair, &ps);
        char provspno[12];
        put_12(provspno, ps.provspno);
        for (int e = 0; e < ps.episodes; e++) {
            uint64_t key = ics_splitmix64_mix(ps.episode[e].epikey ^ g->order_salt);
            uint64_t b = (k + (key & (ICS_SYNTH_EPISODE_SHIFT - 1))) / ICS_SYNTH_EPISODE_BLOCK;
            struct block *blk = &blocks[b & 1];
            if ((rc = block_reserve(blk, err)) != ICS_OK)
                goto out;
            char *start = blk->text + blk->used;
            char *end = put_episode(&w, repeated, &ps, e, provspno, start);
            struct row_ref *ref = &blk->rows[blk->n++];
            ref->key = (uint32_t)(key >> 32);
            ref->off = (uint32_t)blk->used;
            ref->len = (uint32_t)(end - start);
            blk->used += ref->len;
        }
        episodes += (uint64_t)ps.episodes;
        if (true_spells) {
            if (OUT_BUFFER - tw.used < ROW_MAX && (rc = icsi_synth_writer_flush(&tw, err)) != ICS_OK)
                goto out;
            char *p = put_true_spell(g, &tw, &ps, provspno, tw.buf[tw.cur] + tw.used);
            tw.used = (size_t)(p - tw.buf[tw.cur]);
        }
        if (opt->progress && ((k + 1) & (PROGRESS_ROWS - 1)) == 0)
            opt->progress(opt->progress_ctx, w.bytes + w.used, 0, k + 1);
    }
    if ((rc = block_write(&blocks[low & 1], &w, err)) != ICS_OK ||
        (rc = block_write(&blocks[(low + 1) & 1], &w, err)) != ICS_OK)
        goto out;
    if ((rc = icsi_synth_writer_finish(&w, err)) != ICS_OK)
        goto out;
    if (true_spells && (rc = icsi_synth_writer_finish(&tw, err)) != ICS_OK)
        goto out;
    if (opt->progress)
        opt->progress(opt->progress_ctx, w.bytes, 0, opt->spells);
    if (result) {
        result->spells = opt->spells;
        result->episodes = episodes;
    }
out:
    icsi_synth_writer_release(&tw);
    icsi_synth_writer_release(&w);
    ics_free(w.dates);
    for (int i = 0; i < 2; i++) {
        ics_free(blocks[i].text);
        ics_free(blocks[i].rows);
        ics_free(blocks[i].tmp);
    }
    ics_synth_free(g);
    return rc;
}
