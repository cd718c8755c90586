/*
 * ics synth: the spell model and the streaming writer.
 *
 * Each spell is drawn from its own slice of a SplitMix64 stream (rng.h), with
 * integer arithmetic only, so output is the same on every machine and spell k
 * does not depend on how many spells are written. Memory is constant: a date
 * table, two discharge-day tables and one output buffer.
 *
 * The model (docs/commands/synth.md says why each number is what it is):
 *   admission method  HES ADMIMETH mix, 58% elective (11, 12, 13)
 *   patient group     adult / child (0-18, paediatric HRGs) / neonate
 *                     (ADMIMETH 82, 83, 2C) / maternity (31, 32, NZ HRGs)
 *   hrg               group's popularity table (tables.c), 1% left empty
 *   length of stay    day-case and same-day shares falling with the trim
 *                     point, a skewed shape up to the trim point (compact for
 *                     planned stays), and a tail past it whose chance is the
 *                     trust's stay factor times the place's (tables.c)
 *   discharge date    inside the year, weekday and month weights by class;
 *                     admission = discharge - LOS (may fall before the year)
 *   open spells       0.4%: admitted inside the year, still in at its end
 *   provider, LA      trust by bed count; LA by the trust's catchment, 0.5%
 *                     unknown
 *   age, sex          by group, older for longer stays
 *   destination       19 mostly; deaths, transfers, care homes by age and LOS
 */
#include <errno.h>
#include <string.h>

#include "synth_internal.h"

enum method_kind { K_NORMAL, K_MATERNITY, K_NEONATE };

/* HES ADMIMETH, weights per 10,000 spells. Elective 58%: 11 waiting list,
 * 12 booked, 13 planned. Non-elective: 21 via A&E, 22 GP, 23 bed bureau,
 * 24 consultant clinic, 25 mental health crisis team, 28 other, 2A A&E of
 * another provider, 2B transfer from another provider, 2C baby born at home,
 * 2D other emergency; maternity 31 ante-partum, 32 post-partum; other
 * 81 transfer (non-emergency), 82 baby born in this provider, 83 baby born
 * outside it, 84 admissions panel of a high security psychiatric hospital,
 * 89 high security hospital waiting list. */
static const struct {
    char code[3];
    uint16_t cum;
    uint8_t elective;
    uint8_t kind;
} methods[] = {
    {"11", 4700, 1, K_NORMAL}, {"12", 5550, 1, K_NORMAL}, {"13", 5800, 1, K_NORMAL},
    {"21", 8100, 0, K_NORMAL}, {"22", 8540, 0, K_NORMAL}, {"23", 8560, 0, K_NORMAL},
    {"24", 8710, 0, K_NORMAL}, {"25", 8725, 0, K_NORMAL}, {"28", 8875, 0, K_NORMAL},
    {"2A", 8890, 0, K_NORMAL}, {"2B", 8945, 0, K_NORMAL}, {"2C", 8950, 0, K_NEONATE},
    {"2D", 9000, 0, K_NORMAL}, {"31", 9450, 0, K_MATERNITY}, {"32", 9510, 0, K_MATERNITY},
    {"81", 9870, 0, K_NORMAL}, {"82", 9970, 0, K_NEONATE}, {"83", 9985, 0, K_NEONATE},
    {"84", 9993, 0, K_NORMAL}, {"89", 10000, 0, K_NORMAL},
};
#define METHOD_COUNT (sizeof methods / sizeof methods[0])

/* Per mille of spells that are children (paediatric HRGs), by class. */
#define CHILD_ELECTIVE 60
#define CHILD_NON_ELECTIVE 150
#define OPEN_PER_10000 40       /* still in hospital at the end of the year */
#define NO_HRG_PER_1000 10      /* ungrouped: empty hrg */
#define NO_LA_PER_1000 5        /* unknown residence: empty patient_la */
/* Length of stay (docs/commands/synth.md, "Calibration"): day cases per
 * mille, elective by trim point and non-elective by group; runs past the
 * trim point per 10,000 overnight stays before the provider and place
 * factors, and at most TAIL_MAX. */
#define DAY_CASE_T5 740
#define DAY_CASE_T15 650
#define DAY_CASE_T40 400
#define DAY_CASE_LONG 100
#define SAME_DAY_T5 700
#define SAME_DAY_T15 600
#define SAME_DAY_T40 200
#define SAME_DAY_LONG 50
#define DAY_CASE_CHILD 400
#define ELECTIVE_SPAN 200
#define TAIL_ELECTIVE 100
#define TAIL_NON_ELECTIVE 480
#define TAIL_CHILD 300
#define TAIL_MAX 3000

/* Days since admission of spells still open at the end of the year: the
 * census of a ward at midnight, about 45% stranded (7+), 17% 21+. */
static const struct span { uint16_t lo, hi, cum; } open_elapsed[] = {
    {0, 0, 120}, {1, 1, 220}, {2, 2, 310}, {3, 3, 390}, {4, 4, 450}, {5, 5, 500},
    {6, 6, 550}, {7, 13, 730}, {14, 20, 830}, {21, 41, 920}, {42, 90, 975},
    {91, 180, 995}, {181, 364, 1000},
};

/* Maternity stays (days): no trim point, short and tight. */
static const struct span maternity_los[] = {
    {0, 0, 250}, {1, 1, 600}, {2, 2, 800}, {3, 3, 900}, {4, 4, 950}, {5, 5, 970},
    {6, 7, 990}, {8, 14, 998}, {15, 30, 1000},
};

/* Age bands: per table, cumulative weights per 1,000 over the bands. */
static const struct { uint8_t lo, hi; } adult_bands[9] = {
    {19, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 74}, {75, 84}, {85, 94}, {95, 105},
};
static const uint16_t adult_age[4][9] = {
    /* elective, LOS < 7 */        {50, 140, 250, 400, 590, 800, 950, 997, 1000},
    /* non-elective, LOS < 7 */    {90, 210, 310, 430, 560, 700, 850, 985, 1000},
    /* any, LOS 7-20 */            {30, 80, 130, 210, 320, 480, 730, 970, 1000},
    /* any, LOS 21+ */             {20, 50, 90, 150, 250, 420, 690, 960, 1000},
};
static const struct { uint8_t lo, hi; } child_bands[5] = {{0, 0}, {1, 4}, {5, 9}, {10, 14}, {15, 18}};
static const uint16_t child_age[5] = {300, 550, 700, 850, 1000};
static const struct { uint8_t lo, hi; } maternity_bands[6] = {
    {16, 19}, {20, 24}, {25, 29}, {30, 34}, {35, 39}, {40, 45},
};
static const uint16_t maternity_age[6] = {40, 180, 450, 760, 950, 1000};

/* ------------------------------------------------------------------------ */

void ics_synth_options_init(struct ics_synth_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
    opt->fy_start_year = ICS_SYNTH_DEFAULT_YEAR;
}

/* Discharges by weekday and month. Electives are discharged on weekdays (a
 * day case goes home the day it comes in); non-elective discharges peak on
 * Friday and dip at weekends; winter carries more emergency activity and
 * August and Christmas less planned work. Christmas Day, Boxing Day and New
 * Year's Day count as Sundays. */
static void build_day_tables(struct ics_synth *g)
{
    static const uint16_t wd[2][7] = {
        {100, 100, 100, 102, 112, 72, 62},   /* non-elective */
        {100, 100, 100, 100, 100, 12, 6},    /* elective */
    };
    static const uint16_t month[2][12] = {
        /* Jan..Dec */
        {104, 98, 103, 98, 99, 97, 99, 97, 97, 100, 100, 101},
        {98, 100, 104, 95, 100, 100, 102, 92, 100, 104, 104, 86},
    };
    for (int c = 0; c < 2; c++) {
        uint32_t cum = 0;
        for (int i = 0; i < g->ndays; i++) {
            int32_t day = g->first + i;
            int y, m, d;
            ics_date_to_ymd(day, &y, &m, &d);
            int w = ics_date_weekday(day);   /* 0 Monday .. 6 Sunday */
            if ((m == 12 && (d == 25 || d == 26)) || (m == 1 && d == 1))
                w = 6;
            cum += (uint32_t)wd[c][w] * month[c][m - 1];
            g->day_table[c][i].index = (uint32_t)i;
            g->day_table[c][i].cum = cum;
        }
    }
}

/* The catchments inverted: for each LA, the trusts whose patients live there,
 * in trust order, each weighted by its beds times the LA's share of its
 * patients. The episodes' transfers go to one of them. */
static void build_la_trusts(struct ics_synth *g)
{
    for (size_t i = 0; i < icsi_synth_catchment_count; i++)
        g->la_start[icsi_synth_catchment[i].index + 1]++;
    for (size_t la = 0; la < icsi_synth_la_count; la++)
        g->la_start[la + 1] += g->la_start[la];
    for (size_t i = 0; i < icsi_synth_trust_count; i++) {
        const struct synth_trust *tr = &icsi_synth_trusts[i];
        uint32_t prev = 0;
        for (uint32_t c = 0; c < tr->catchment_count; c++) {
            const struct synth_weighted *row = &icsi_synth_catchment[tr->catchment_start + c];
            struct synth_la_trust *t = &g->la_trusts[g->la_start[row->index]++];   /* the cursor moves on */
            t->trust = (uint32_t)i;
            t->weight = (uint32_t)((uint64_t)(row->cum - prev) / 100 * tr->beds);
            prev = row->cum;
        }
    }
    for (size_t la = icsi_synth_la_count; la > 0; la--)   /* each cursor stopped at the next LA's start */
        g->la_start[la] = g->la_start[la - 1];
    g->la_start[0] = 0;
}

struct ics_synth *ics_synth_new(uint64_t seed, int fy_start_year, struct ics_error *err)
{
    if (fy_start_year < ICS_SYNTH_MIN_YEAR || fy_start_year > ICS_SYNTH_MAX_YEAR) {
        ics_error_set(err, ICS_ERR_USAGE, "year %d is out of range (%d to %d)", fy_start_year,
                      ICS_SYNTH_MIN_YEAR, ICS_SYNTH_MAX_YEAR);
        return NULL;
    }
    struct ics_synth *g = ics_calloc(1, sizeof *g);
    if (g)
        g->catchment = ics_calloc(icsi_synth_trust_count, sizeof *g->catchment);
    const struct { const struct synth_weighted *t; size_t n; } hrg[H_COUNT] = {
        {icsi_synth_hrg_adult_elective, icsi_synth_hrg_adult_elective_count},
        {icsi_synth_hrg_adult_non_elective, icsi_synth_hrg_adult_non_elective_count},
        {icsi_synth_hrg_child, icsi_synth_hrg_child_count},
        {icsi_synth_hrg_neonate, icsi_synth_hrg_neonate_count},
        {icsi_synth_hrg_maternity, icsi_synth_hrg_maternity_count},
    };
    size_t pool = 2 * synth_guide_size(366) + synth_guide_size(icsi_synth_trust_count);
    for (int k = 0; k < H_COUNT; k++)
        pool += synth_guide_size(hrg[k].n);
    for (size_t i = 0; i < icsi_synth_trust_count; i++)
        pool += synth_guide_size(icsi_synth_trusts[i].catchment_count);
    if (g && g->catchment)
        g->guides = ics_malloc(pool * sizeof *g->guides);
    if (g && g->guides)
        g->la_start = ics_calloc(icsi_synth_la_count + 1, sizeof *g->la_start);
    if (g && g->la_start)
        g->la_trusts = ics_malloc(icsi_synth_catchment_count * sizeof *g->la_trusts);
    if (!g || !g->la_trusts) {
        ics_synth_free(g);
        ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* Mixing the seed spreads nearby seeds (1, 2, 3) far apart in the stream. */
    g->base = ics_splitmix64_mix(seed ^ UINT64_C(0x6A09E667F3BCC909));
    uint64_t keys = g->base ^ UINT64_C(0xBB67AE8584CAA73B);   /* the episodes' own stream */
    for (int i = 0; i < 4; i++) {
        g->epikey_key[i] = ics_splitmix64_next(&keys);
        g->spell_key[i] = ics_splitmix64_next(&keys);
    }
    g->patient_base = ics_splitmix64_next(&keys);
    g->order_salt = ics_splitmix64_next(&keys);
    g->first = ics_date_from_ymd(fy_start_year, 4, 1);
    g->last = ics_date_from_ymd(fy_start_year + 1, 3, 31);
    g->ndays = (int)(g->last - g->first + 1);
    build_day_tables(g);

    uint16_t *guide = g->guides;
    for (int c = 0; c < 2; c++) {
        synth_sampler_init(&g->day[c], g->day_table[c], (size_t)g->ndays, guide);
        guide += synth_guide_size((size_t)g->ndays);
    }
    for (int k = 0; k < H_COUNT; k++) {
        synth_sampler_init(&g->hrg[k], hrg[k].t, hrg[k].n, guide);
        guide += synth_guide_size(hrg[k].n);
    }
    synth_sampler_init(&g->trust, icsi_synth_trust_weights, icsi_synth_trust_count, guide);
    guide += synth_guide_size(icsi_synth_trust_count);
    for (size_t i = 0; i < icsi_synth_trust_count; i++) {
        const struct synth_trust *tr = &icsi_synth_trusts[i];
        synth_sampler_init(&g->catchment[i], &icsi_synth_catchment[tr->catchment_start], tr->catchment_count, guide);
        guide += synth_guide_size(tr->catchment_count);
    }
    build_la_trusts(g);
    return g;
}

void ics_synth_free(struct ics_synth *g)
{
    if (!g)
        return;
    ics_free(g->la_trusts);
    ics_free(g->la_start);
    ics_free(g->guides);
    ics_free(g->catchment);
    ics_free(g);
}

/* A value from a span table: one output, its high half picks the span, its
 * low half the value inside it. */
static int span_draw(struct synth_rng *r, const struct span *t, size_t n)
{
    uint64_t x = synth_next(r);
    uint32_t u = synth_scale(synth_hi(x), t[n - 1].cum);
    size_t k = 0;
    while (t[k].cum <= u)
        k++;
    return t[k].lo + (int)synth_scale(synth_lo(x), (uint64_t)(t[k].hi - t[k].lo) + 1);
}

static size_t band_of(const uint16_t *cum, size_t n, uint32_t x)
{
    uint32_t u = synth_scale(x, cum[n - 1]);
    size_t k = 0;
    while (cum[k] <= u)
        k++;
    return k;
}

/* Length of stay of a closed spell with trim point t (days); factor (per
 * mille, about 1000 on average) is the provider's and the place's factor on
 * long stays (tables.c). */
int icsi_synth_closed_los(struct synth_rng *r, int elective, int grp, uint32_t t, uint32_t factor)
{
    if (grp == G_MATERNITY || t == 0)
        return span_draw(r, maternity_los, sizeof maternity_los / sizeof maternity_los[0]);
    /* Day cases (per mille): most planned work on short-trim HRGs is day
     * surgery, complex groups rarely are; same-day emergency care likewise
     * treats the simple conditions and rarely the complex ones. */
    uint32_t day_case;
    if (elective)
        day_case = t <= 5 ? DAY_CASE_T5 : t <= 15 ? DAY_CASE_T15 : t <= 40 ? DAY_CASE_T40 : DAY_CASE_LONG;
    else
        day_case = grp != G_ADULT ? (grp == G_CHILD ? DAY_CASE_CHILD : 300)
                   : t <= 5 ? SAME_DAY_T5 : t <= 15 ? SAME_DAY_T15 : t <= 40 ? SAME_DAY_T40 : SAME_DAY_LONG;
    uint64_t x = synth_next(r);
    if (synth_scale(synth_hi(x), 1000) < day_case)
        return 0;
    /* Of overnight stays, this many per 10,000 run past the trim point, times
     * the provider's and place's factor. */
    uint64_t tail = elective ? TAIL_ELECTIVE : grp == G_ADULT ? TAIL_NON_ELECTIVE : TAIL_CHILD;
    tail = tail * factor / 1000;
    if (tail > TAIL_MAX)
        tail = TAIL_MAX;
    int past = synth_scale(synth_lo(x), 10000) < tail;
    uint64_t y = synth_next(r);
    uint32_t round = synth_lo(y) & 0xFFFF;    /* stochastic rounding */
    uint64_t los;
    if (past) {
        uint64_t h = synth_shape(icsi_synth_shape_tail, synth_hi(y));
        los = t + 1 + (((uint64_t)t * h + round) >> 16);
    } else {
        /* Planned stays are compact: they spread over the first ELECTIVE_SPAN
         * per mille of the range only (most planned overnight stays are a night
         * or two, whatever the HRG's trim point). */
        uint64_t span = elective ? (uint64_t)(t - 1) * ELECTIVE_SPAN / 1000 : (uint64_t)(t - 1);
        uint64_t f = synth_shape(elective ? icsi_synth_shape_elective : icsi_synth_shape_non_elective, synth_hi(y));
        los = 1 + ((span * f + round) >> 16);
    }
    return los > LOS_CAP ? LOS_CAP : (int)los;
}

static int draw_age(struct synth_rng *r, enum group grp, int elective, int los)
{
    if (grp == G_NEONATE)
        return 0;
    uint64_t x = synth_next(r);
    size_t k;
    int lo, hi;
    if (grp == G_CHILD) {
        k = band_of(child_age, 5, synth_hi(x));
        lo = child_bands[k].lo;
        hi = child_bands[k].hi;
    } else if (grp == G_MATERNITY) {
        k = band_of(maternity_age, 6, synth_hi(x));
        lo = maternity_bands[k].lo;
        hi = maternity_bands[k].hi;
    } else {
        int table = los >= 21 ? 3 : los >= 7 ? 2 : elective ? 0 : 1;
        k = band_of(adult_age[table], 9, synth_hi(x));
        lo = adult_bands[k].lo;
        hi = adult_bands[k].hi;
    }
    return lo + (int)synth_scale(synth_lo(x), (uint64_t)(hi - lo) + 1);
}

/* HES DISDEST of a closed spell. Chances per 10,000: death rises with age
 * and is rare for day cases and planned care; long stays of older people end
 * in care homes (54 NHS-run, 65 local authority residential, 85 independent)
 * or transfers (51 another NHS hospital, 53 NHS mental health provider,
 * 87 independent hospital, 88 hospice); 29 is a temporary address. */
int icsi_synth_destination(struct synth_rng *r, int grp, int elective, int age, int los)
{
    uint32_t died, care, transfer;
    if (grp == G_MATERNITY || grp == G_NEONATE) {
        died = 2;
        care = 0;
        transfer = 60;
    } else if (grp == G_CHILD) {
        died = 5;
        care = 0;
        transfer = los >= 7 ? 300 : 60;
    } else {
        died = age < 45 ? 30 : age < 65 ? 180 : age < 75 ? 420 : age < 85 ? 700 : 1200;
        if (elective)
            died /= 20;
        if (los == 0)
            died /= 4;
        else if (los >= 21)
            died = died * 3 / 2;
        care = age < 75 ? (los >= 7 ? 150 : 10) : los >= 21 ? 2000 : los >= 7 ? 1200 : 100;
        transfer = los >= 7 ? 450 : 150;
    }
    uint64_t x = synth_next(r);
    uint32_t u = synth_scale(synth_hi(x), 10000);
    uint32_t v = synth_scale(synth_lo(x), 1000);
    if (u < died)
        return 79;
    u -= died;
    if (u < care)
        return v < 450 ? 54 : v < 800 ? 65 : 85;
    u -= care;
    if (u < transfer)
        return v < 800 ? 51 : v < 880 ? 53 : v < 950 ? 87 : 88;
    u -= transfer;
    if (u < 40)
        return 29;
    return 19;
}

void icsi_synth_spell_drawn(const struct ics_synth *g, uint64_t index, struct ics_synth_spell *s,
                            struct icsi_synth_drawn *how)
{
    struct synth_rng r;
    synth_row_rng(&r, g->base, index);
    memset(s, 0, sizeof *s);
    s->number = index + 1;

    uint64_t x = synth_next(&r);
    int open = synth_scale(synth_hi(x), 10000) < OPEN_PER_10000;
    uint32_t u = synth_scale(synth_lo(x), 10000);
    size_t m = 0;
    while (methods[m].cum <= u)
        m++;
    memcpy(s->admission_method, methods[m].code, 3);
    int elective = methods[m].elective;

    x = synth_next(&r);
    enum group grp = G_ADULT;
    if (methods[m].kind == K_MATERNITY)
        grp = G_MATERNITY;
    else if (methods[m].kind == K_NEONATE)
        grp = G_NEONATE;
    else if (synth_scale(synth_hi(x), 1000) < (elective ? CHILD_ELECTIVE : CHILD_NON_ELECTIVE))
        grp = G_CHILD;
    int no_hrg = synth_scale(synth_lo(x), 1000) < NO_HRG_PER_1000;

    int table;
    switch (grp) {
    case G_CHILD: table = H_CHILD; break;
    case G_NEONATE: table = H_NEONATE; break;
    case G_MATERNITY: table = H_MATERNITY; break;
    case G_ADULT:
    default: table = elective ? H_ADULT_ELECTIVE : H_ADULT_NON_ELECTIVE; break;
    }
    x = synth_next(&r);
    const struct synth_sampler *hs = &g->hrg[table];
    const struct synth_hrg *h = &icsi_synth_hrgs[hs->t[synth_sample_x(hs, synth_hi(x))].index];
    int no_la = synth_scale(synth_lo(x), 1000) < NO_LA_PER_1000;
    /* The model's non-elective trim point is the file's elective one (the
     * file's emergency column is not credible; docs/commands/synth.md). */
    uint32_t t = h->trimpoint;
    if (no_hrg) {
        s->hrg = "";
        s->trimpoint = 0;
    } else {
        s->hrg = h->code;
        s->trimpoint = (int)t;
    }

    x = synth_next(&r);
    size_t ti = synth_sample_x(&g->trust, synth_lo(x));
    uint32_t day = synth_sample_x(&g->day[elective], synth_hi(x));
    how->table = table;
    how->group = grp;
    how->trust = ti;
    const struct synth_trust *tr = &icsi_synth_trusts[ti];
    s->provider_code = tr->code;
    uint64_t y = synth_next(&r);
    how->la = -1;
    if (no_la) {
        s->patient_la = "";
    } else {
        const struct synth_sampler *cs = &g->catchment[ti];
        how->la = (int)cs->t[synth_sample_x(cs, synth_hi(y))].index;
        s->patient_la = icsi_synth_la_codes[how->la];
    }

    int los;
    if (open) {
        los = span_draw(&r, open_elapsed, sizeof open_elapsed / sizeof open_elapsed[0]);
        s->admission_date = g->last - los;
        s->discharge_date = ICS_DATE_NONE;
    } else {
        los = icsi_synth_closed_los(&r, elective, grp, t, icsi_synth_stay_factor(ti, how->la));
        s->discharge_date = g->first + (int32_t)day;
        s->admission_date = s->discharge_date - los;
    }
    if (grp == G_MATERNITY || h->code[0] == 'M')
        s->sex = 2;                 /* obstetrics, female reproductive system */
    else
        s->sex = synth_scale(synth_lo(y), 1000) < (grp == G_ADULT ? 470u : 530u) ? 1 : 2;

    s->age = draw_age(&r, grp, elective, los);
    s->discharge_destination = open ? 0 : icsi_synth_destination(&r, grp, elective, s->age, los);
}

void ics_synth_spell(const struct ics_synth *g, uint64_t index, struct ics_synth_spell *s)
{
    struct icsi_synth_drawn how;
    icsi_synth_spell_drawn(g, index, s, &how);
}

/* ------------------------------------------------------------------------ */
/* The writer. */

/* Free text of the messy layout, already CSV-encoded; cumulative per 1,000. */
static const struct { const char *text; uint16_t cum; } notes[] = {
    {"", 703},
    {"\"Transferred from ward 7, bay 2\"", 740},
    {"\"Patient said \"\"no\"\" to hospital transport\"", 777},
    {"Awaiting package of care", 814},
    {"\"\"\"TTO\"\" ready, awaiting pharmacy\"", 851},
    {"\"Discharge delayed: family, \"\"care home\"\" choice\"", 888},
    {"Seen by Dr O'Brien; plan home", 925},
    {"\"Fall at home, query #NOF\"", 962},
    {"Caf\xc3\xa9 review \xe2\x80\x93 OK", 999},
    {"\"Line one\r\nline two\"", 1000},
};

/* Spell ids are consecutive, so the writer keeps the last one as text and
 * adds one in place: no division per row. */
struct counter {
    char digits[24];
    int len;
};

static void counter_set(struct counter *c, uint64_t v)
{
    char *end = synth_put_uint(c->digits, v, 10);
    c->len = (int)(end - c->digits);
}

static void counter_next(struct counter *c)
{
    int i = c->len - 1;
    while (i >= 0 && c->digits[i] == '9')
        c->digits[i--] = '0';
    if (i >= 0) {
        c->digits[i]++;
    } else {
        memmove(c->digits + 1, c->digits, (size_t)c->len);
        c->digits[0] = '1';
        c->len++;
    }
}

static void format_uk(int32_t day, char *out)
{
    char iso[11];
    ics_date_format(day, iso);
    memcpy(out, iso + 8, 2);
    out[2] = '/';
    memcpy(out + 3, iso + 5, 2);
    out[5] = '/';
    memcpy(out + 6, iso, 4);
}

int ics_synth_spells(const struct ics_synth_options *opt, FILE *out, struct ics_error *err)
{
    struct ics_synth *g = ics_synth_new(opt->seed, opt->fy_start_year, err);
    if (!g)
        return err ? err->code : ICS_ERR_FAILED;
    struct synth_writer w;
    int rc = icsi_synth_writer_init(&w, out, "spells", err);
    size_t ndates = (size_t)LOS_CAP + (size_t)g->ndays;
    w.dates = ics_malloc(ndates * sizeof *w.dates);
    if (rc || !w.dates) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    w.dates_first = g->first - LOS_CAP;
    for (size_t i = 0; i < ndates; i++) {
        char iso[11];
        if (opt->messy) {
            format_uk(w.dates_first + (int32_t)i, w.dates[i]);
        } else {
            ics_date_format(w.dates_first + (int32_t)i, iso);
            memcpy(w.dates[i], iso, 10);
        }
    }

    const char *eol = opt->messy ? "\r\n" : "\n";
    char *p = w.buf[0];
    if (opt->messy)
        p = synth_put_str(p, "\xEF\xBB\xBF" "EPIKEY,PROCODE3,RESLADST_ONS,ADMIDATE,DISDATE,ADMIMETH,NOTES,"
                             "SUSHRG,STARTAGE,SEX,DISDEST");
    else
        p = synth_put_str(p, "spell_id,provider_code,patient_la,admission_date,discharge_date,"
                             "admission_method,hrg,age,sex,discharge_destination");
    p = synth_put_str(p, eol);
    w.used = (size_t)(p - w.buf[0]);
    /* A short run is not worth a thread. */
    if (opt->spells > 100000)
        icsi_synth_writer_start(&w);

    struct counter id;
    counter_set(&id, 0);
    for (uint64_t i = 0; i < opt->spells; i++) {
        /* A row is at most ~160 bytes (the longest note); keep room for two. */
        if (OUT_BUFFER - w.used < 512 && (rc = icsi_synth_writer_flush(&w, err)) != ICS_OK)
            goto out;
        struct ics_synth_spell s;
        ics_synth_spell(g, i, &s);
        p = w.buf[w.cur] + w.used;
        counter_next(&id);
        memcpy(p, id.digits, (size_t)id.len);
        p += id.len;
        *p++ = ',';
        memcpy(p, s.provider_code, 3);      /* ODS trust codes: 3 characters */
        p += 3;
        *p++ = ',';
        if (s.patient_la[0]) {
            memcpy(p, s.patient_la, 9);     /* ONS codes: 9 characters */
            p += 9;
        }
        *p++ = ',';
        p = synth_put_date(&w, p, s.admission_date);
        *p++ = ',';
        if (s.discharge_date != ICS_DATE_NONE)
            p = synth_put_date(&w, p, s.discharge_date);
        *p++ = ',';
        *p++ = s.admission_method[0];
        *p++ = s.admission_method[1];
        *p++ = ',';
        if (opt->messy) {
            /* The note uses the row's reserved last slot, so the spell's
             * values are the same as in the canonical layout. */
            struct synth_rng r;
            synth_row_rng(&r, g->base, i);
            r.state += (SYNTH_ROW_STRIDE - 2) * ICS_SPLITMIX64_GAMMA;
            uint32_t u = synth_below(&r, 1000);
            size_t k = 0;
            while (notes[k].cum <= u)
                k++;
            p = synth_put_str(p, notes[k].text);
            *p++ = ',';
        }
        if (s.hrg[0]) {
            memcpy(p, s.hrg, 5);            /* HRG4+ codes: 5 characters */
            p += 5;
        }
        *p++ = ',';
        if (s.age >= 100)
            *p++ = '1';
        if (s.age >= 10)
            *p++ = (char)('0' + s.age / 10 % 10);
        *p++ = (char)('0' + s.age % 10);
        *p++ = ',';
        *p++ = (char)('0' + s.sex);
        *p++ = ',';
        if (s.discharge_destination) {      /* DISDEST codes: 2 digits */
            *p++ = (char)('0' + s.discharge_destination / 10);
            *p++ = (char)('0' + s.discharge_destination % 10);
        }
        if (opt->messy)
            *p++ = '\r';
        *p++ = '\n';
        w.used = (size_t)(p - w.buf[w.cur]);
        if (opt->progress && ((i + 1) & (PROGRESS_ROWS - 1)) == 0)
            opt->progress(opt->progress_ctx, w.bytes + w.used, 0, i + 1);
    }
    if ((rc = icsi_synth_writer_finish(&w, err)) != ICS_OK)
        goto out;
    if (opt->progress)
        opt->progress(opt->progress_ctx, w.bytes, 0, opt->spells);
out:
    icsi_synth_writer_release(&w);
    ics_free(w.dates);
    ics_synth_free(g);
    return rc;
}
