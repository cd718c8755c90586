/*
 * A synthetic national Agreement of Balances period for benchmarks and demos
 * (ics_synth_ledger in ics/synth.h).
 *
 * Organisations are real codes from the reference data (ICBs, trusts, local
 * authorities), so the files pass the organisation check. Trading
 * relationships follow the shape of the NHS: every trust supplies a few ICBs
 * (commissioning: many invoices and year-to-date income/expenditure), other
 * trusts (recharges) and local authorities; local authorities supply trusts;
 * ICBs supply local authorities (pooled budgets). Per invoice:
 *   90%   both sides record it alike;
 *    3%   timing: raised in the last week of the period, not yet on the
 *         purchaser's ledger (only on the supplier's side);
 *    1%   only on the purchaser's side (an accrual the supplier never raised);
 *    2%   the sides disagree on the amount;
 *    2%   credit notes (negative on both sides);
 *    2%   last year's invoices, still unpaid and unagreed (supplier only).
 * One relationship in ten has the purchaser report a total-only line instead
 * of invoices. Integer arithmetic throughout; SplitMix64 for randomness.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ics/ledger.h"
#include "ics/synth.h"

/* The generator's state: core's SplitMix64 (ics/core.h). */
struct rng {
    uint64_t s;
};

/* Uniform in [0, n) (n > 0); the bias of a 64-bit modulo is negligible here. */
static uint64_t below(struct rng *r, uint64_t n)
{
    return ics_splitmix64_next(&r->s) % n;
}

struct org {
    const char *code;
    FILE *f;
    int64_t lines;
    char *buf;
};

struct rel {
    int s, p;           /* indexes into orgs */
    int weight;         /* share of invoices */
    int ie;             /* has income/expenditure lines */
};

static int rel_cmp(const void *a, const void *b)
{
    const struct rel *x = a, *y = b;
    if (x->s != y->s)
        return x->s - y->s;
    return x->p - y->p;
}

#define SYNTH_LEDGER_MAX_LINES INT64_C(1000000000)

static int64_t amount_pence(struct rng *r)
{
    static const int64_t scale[] = {100, 1000, 10000, 100000};
    return (int64_t)(1 + below(r, 999)) * scale[below(r, 4)] + (int64_t)below(r, 100);
}

static void line(struct org *o, const char *cp, const char *kind, const char *ref, int32_t date, int64_t pence,
                 const char *note)
{
    char d[16] = "", m[24];
    if (date != ICS_DATE_NONE)
        ics_date_format(date, d);
    ics_pence_format(pence, m);
    fprintf(o->f, "%s,%s,%s,%s,%s,%s\n", cp, kind, ref ? ref : "", d, m, note ? note : "");
    o->lines++;
}

static int pick_orgs(int want, struct rng *r, struct org **out, int *n_icb, int *n_trust, int *n_la)
{
    size_t total = ics_ledger_org_count();
    const char **icb = ics_malloc(total * sizeof *icb), **trust = ics_malloc(total * sizeof *trust),
               **la = ics_malloc(total * sizeof *la);
    struct org *orgs = ics_calloc((size_t)want, sizeof *orgs);
    if (!icb || !trust || !la || !orgs) {
        ics_free(icb);
        ics_free(trust);
        ics_free(la);
        ics_free(orgs);
        return -1;
    }
    size_t ni = 0, nt = 0, nl = 0;
    for (size_t i = 0; i < total; i++) {
        const char *type, *code = ics_ledger_org_code(i, &type, NULL);
        /* Former (merged) trusts are in the list for old statements; skip them. */
        const char *name;
        ics_ledger_org_code(i, NULL, &name);
        if (strcmp(type, "icb") == 0)
            icb[ni++] = code;
        else if (strcmp(type, "trust") == 0 && strncmp(name, "former trust", 12) != 0)
            trust[nt++] = code;
        else if (strcmp(type, "local_authority") == 0 && code[0] == 'E' && (code[2] == '6' || code[2] == '8' || code[2] == '9' || code[2] == '1'))
            la[nl++] = code;   /* unitary, metropolitan, London boroughs and counties: the ones that commission care */
    }
    /* Shuffle each list (Fisher-Yates) so a seed picks a different sample. */
    const char **lists[3] = {icb, trust, la};
    size_t sizes[3] = {ni, nt, nl};
    for (int k = 0; k < 3; k++)
        for (size_t i = sizes[k]; i > 1; i--) {
            size_t j = (size_t)below(r, i);
            const char *t = lists[k][i - 1];
            lists[k][i - 1] = lists[k][j];
            lists[k][j] = t;
        }
    int wi = want / 7, wl = want / 5;
    if (wi < 1)
        wi = 1;
    if ((size_t)wi > ni)
        wi = (int)ni;
    if ((size_t)wl > nl)
        wl = (int)nl;
    int wt = want - wi - wl;
    if ((size_t)wt > nt) {
        wt = (int)nt;
        wl = want - wi - wt;
        if ((size_t)wl > nl)
            wl = (int)nl;
    }
    int n = 0;
    for (int i = 0; i < wi; i++)
        orgs[n++].code = icb[i];
    for (int i = 0; i < wt; i++)
        orgs[n++].code = trust[i];
    for (int i = 0; i < wl; i++)
        orgs[n++].code = la[i];
    ics_free(icb);
    ics_free(trust);
    ics_free(la);
    *out = orgs;
    *n_icb = wi;
    *n_trust = wt;
    *n_la = wl;
    return n;
}

void ics_synth_ledger_options_init(struct ics_synth_ledger_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->period = "2022-23-M12";
    opt->orgs = 300;
    opt->lines = 5000000;
}

/* One run: the organisations picked, their trading relationships, the rng. */
struct gen {
    struct rng r;
    struct org *orgs;
    int n, ni, nt, nl;          /* orgs: [0, ni) ICBs, [ni, ni + nt) trusts, the rest LAs */
    struct rel *rels;
    size_t nrel, relcap;
};

static int add_rel(struct gen *g, int s, int p, int weight, int ie)
{
    if (g->nrel == g->relcap) {
        size_t cap = g->relcap ? g->relcap * 2 : 1024;
        struct rel *np = ics_realloc(g->rels, cap * sizeof *np);
        if (!np)
            return -1;
        g->rels = np;
        g->relcap = cap;
    }
    g->rels[g->nrel++] = (struct rel){s, p, weight, ie};
    return 0;
}

/* Who trades with whom, one relationship per ordered pair (invoice refs must
 * be unique in a pair); returns the sum of the weights, or -1 out of memory. */
static int64_t build_relationships(struct gen *g)
{
    int ni = g->ni, nt = g->nt, nl = g->nl, n = g->n, bad = 0;
    for (int t = ni; t < ni + nt; t++) {
        for (int k = 0; k < 3 && k < ni; k++)
            bad |= add_rel(g, t, (int)((t + k * 7) % ni), k == 0 ? 40 : 10, 1);
        for (int k = 1; k <= 8 && nt > 1; k++) {
            int other = ni + (int)((t - ni + k * 13) % nt);
            if (other != t)
                bad |= add_rel(g, t, other, 3, k <= 2);
        }
        for (int k = 0; k < 2 && nl > 0; k++)
            bad |= add_rel(g, t, ni + nt + (int)((t + k * 5) % nl), 2, 0);
    }
    for (int a = ni + nt; a < n; a++)
        for (int k = 0; k < 2 && nt > 0; k++)
            bad |= add_rel(g, a, ni + (int)((a + k * 11) % nt), 2, 0);
    for (int c = 0; c < ni; c++)
        for (int k = 0; k < 3 && nl > 0; k++)
            bad |= add_rel(g, c, ni + nt + (int)((c * 3 + k) % nl), 2, 1);
    if (bad)
        return -1;
    qsort(g->rels, g->nrel, sizeof *g->rels, rel_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < g->nrel; i++) {
        if (kept && g->rels[kept - 1].s == g->rels[i].s && g->rels[kept - 1].p == g->rels[i].p) {
            g->rels[kept - 1].weight += g->rels[i].weight;
            g->rels[kept - 1].ie |= g->rels[i].ie;
        } else {
            g->rels[kept++] = g->rels[i];
        }
    }
    g->nrel = kept;
    int64_t wsum = 0;
    for (size_t i = 0; i < g->nrel; i++)
        wsum += g->rels[i].weight;
    return wsum;
}

/* Each organisation's submission file, with its header. */
static int open_org_files(const char *dir, struct org *orgs, int n, struct ics_error *err)
{
    char path[4096];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, orgs[i].code);
        orgs[i].f = fopen(path, "w");
        if (!orgs[i].f)
            return ics_error_set(err, ICS_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        orgs[i].buf = ics_malloc(1 << 16);
        if (orgs[i].buf)
            setvbuf(orgs[i].f, orgs[i].buf, _IOFBF, 1 << 16);
        fputs("counterparty,kind,invoice_ref,invoice_date,amount,note\n", orgs[i].f);
    }
    return ICS_OK;
}

/* The period a relationship's invoices fall in. */
struct period_days {
    int32_t last, year_first, span;
};

/* The money here cannot overflow, so it is plain int64 arithmetic: an invoice
 * is under 10^8 pence (amount_pence: at most 999 * 100000 + 99 + 100000), a
 * relationship has at most 535 million of them (lines * 107 / 200 with lines
 * capped at SYNTH_LEDGER_MAX_LINES), so purchaser_sum and differ_sum stay under
 * 5.4 * 10^16; a monthly income line is weight * 10^8 at most, weights being
 * small sums of 40, 10 and 2. Every line is far under the ledger's per-line
 * limit (ICS_LEDGER_LINE_MAX_PENCE), as a generated statement must import. */
_Static_assert(SYNTH_LEDGER_MAX_LINES * 107 / 200 < INT64_MAX / 200000000, "synthetic sums fit in int64");

/* One relationship's invoices (both sides), its year-to-date income and
 * expenditure, and perhaps a dispute line in df. */
static void write_relationship(struct gen *g, const struct rel *rl, int64_t count, const struct period_days *pd,
                               FILE *df, int disputes_wanted, struct ics_synth_ledger_result *res)
{
    struct rng r = g->r;
    int32_t last = pd->last, year_first = pd->year_first, span = pd->span;
    struct org *S = &g->orgs[rl->s], *P = &g->orgs[rl->p];
    int total_only = below(&r, 10) == 0;
    int64_t purchaser_sum = 0, differ_sum = 0;
    char ref[48];
    for (int64_t k = 0; k < count; k++) {
        uint64_t roll = below(&r, 100);
        int64_t amt = amount_pence(&r);
        int32_t date = year_first + (int32_t)below(&r, (uint64_t)span);
        int s_has = 1, p_has = 1;
        int64_t p_amt = amt;
        const char *note = NULL;
        snprintf(ref, sizeof ref, "INV%s%s-%06lld", S->code, P->code, (long long)k);
        if (roll < 3) {                 /* timing difference */
            date = last - (int32_t)below(&r, 7);
            p_has = 0;
            note = "raised in the last week";
        } else if (roll < 4) {          /* purchaser's accrual */
            s_has = 0;
            note = "accrued";
        } else if (roll < 6) {          /* amounts differ */
            p_amt = amt - amt / (int64_t)(2 + below(&r, 8));
            differ_sum += amt - p_amt;
        } else if (roll < 8) {          /* credit note */
            amt = -amt / 4 - 1;
            p_amt = amt;
            snprintf(ref, sizeof ref, "CN%s%s-%06lld", S->code, P->code, (long long)k);
            note = "credit note";
        } else if (roll < 10) {         /* last year's, still unagreed */
            date = year_first - 1 - (int32_t)below(&r, 300);
            p_has = 0;
            note = "prior year";
        }
        if (s_has)
            line(S, P->code, "receivable", ref, date, amt, note);
        if (p_has) {
            if (total_only)
                purchaser_sum += p_amt;
            else
                line(P, S->code, "payable", ref, date, p_amt, note);
        }
    }
    if (total_only)
        line(P, S->code, "payable", NULL, ICS_DATE_NONE, purchaser_sum, "balance per ledger");
    if (rl->ie) {
        /* Year-to-date income and expenditure as twelve monthly total-only lines. */
        int differs = below(&r, 20) == 0;
        for (int mth = 0; mth < 12; mth++) {
            int64_t v = (int64_t)(rl->weight) * (int64_t)(100000 + below(&r, 900000)) * 100;
            line(S, P->code, "income", NULL, ICS_DATE_NONE, v, NULL);
            line(P, S->code, "expenditure", NULL, ICS_DATE_NONE, differs && mth == 11 ? v - v / 10 : v, NULL);
        }
    }
    if (differ_sum > 0 && res->disputes < disputes_wanted && below(&r, 4) == 0) {
        char m[24];
        ics_pence_format(differ_sum, m);
        fprintf(df, "%s,%s,rp,%s,%s\n", S->code, P->code, m, below(&r, 2) ? S->code : P->code);
        res->disputes++;
    }
    g->r = r;
}

/* DIR/manifest.csv: org,file,lines. */
static int write_manifest(const char *dir, const struct org *orgs, int n, struct ics_synth_ledger_result *res,
                          struct ics_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.csv", dir);
    FILE *mf = fopen(path, "w");
    if (!mf)
        return ics_error_set(err, ICS_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    fputs("org,file,lines\n", mf);
    for (int i = 0; i < n; i++) {
        fprintf(mf, "%s,%s.csv,%lld\n", orgs[i].code, orgs[i].code, (long long)orgs[i].lines);
        res->lines += orgs[i].lines;
    }
    if (fclose(mf) != 0)
        return ics_error_set(err, ICS_ERR_IO, "error writing manifest.csv");
    return ICS_OK;
}

int ics_synth_ledger(const struct ics_synth_ledger_options *opt, struct ics_synth_ledger_result *res,
                     struct ics_error *err)
{
    memset(res, 0, sizeof *res);
    const char *period = opt->period ? opt->period : "2022-23-M12";
    int32_t first, last, year_first;
    if (ics_ledger_period_parse(period, &first, &last, &year_first) != 0)
        return ics_error_set(err, ICS_ERR_USAGE, "bad period '%s'", period);
    int want = opt->orgs > 0 ? opt->orgs : 300;
    int64_t lines = opt->lines > 0 ? opt->lines : 5000000;
    if (want < 3 || want > 700)
        return ics_error_set(err, ICS_ERR_USAGE, "organisations must be 3 to 700");
    /* Bounds every sum below (see write_relationship) far inside int64. */
    if (lines > SYNTH_LEDGER_MAX_LINES)
        return ics_error_set(err, ICS_ERR_USAGE, "at most %lld lines", (long long)SYNTH_LEDGER_MAX_LINES);
    if (!opt->dir)
        return ics_error_set(err, ICS_ERR_USAGE, "no output directory");
    if (mkdir(opt->dir, 0777) != 0 && errno != EEXIST)
        return ics_error_set(err, ICS_ERR_IO, "cannot create '%s': %s", opt->dir, strerror(errno));
    struct gen g = {.r = {opt->seed * ICS_SPLITMIX64_GAMMA + 12345}};
    g.n = pick_orgs(want, &g.r, &g.orgs, &g.ni, &g.nt, &g.nl);
    if (g.n < 0)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = open_org_files(opt->dir, g.orgs, g.n, err);
    int64_t wsum = rc ? 0 : build_relationships(&g);
    if (!rc && wsum < 0)
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (rc)
        goto done;
    /* An invoice is about 1.87 lines (one per side, less the one-sided ones
     * and those summed into total-only balances), so this lands near `lines`. */
    int64_t invoices = lines * 107 / 200;
    int disputes_wanted = opt->disputes > 0 ? opt->disputes : g.n / 10;
    char path[4096];
    snprintf(path, sizeof path, "%s/disputes.csv", opt->dir);
    FILE *df = fopen(path, "w");
    if (!df) {
        rc = ics_error_set(err, ICS_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        goto done;
    }
    fputs("supplier,purchaser,kind,amount,raised_by\n", df);
    struct period_days pd = {last, year_first, last - year_first + 1};
    for (size_t i = 0; i < g.nrel; i++) {
        int64_t count = invoices * g.rels[i].weight / wsum;
        write_relationship(&g, &g.rels[i], count < 1 ? 1 : count, &pd, df, disputes_wanted, res);
    }
    if (fclose(df) != 0)
        rc = ics_error_set(err, ICS_ERR_IO, "error writing disputes.csv");
    int mrc = write_manifest(opt->dir, g.orgs, g.n, res, err);
    if (mrc) {
        rc = mrc;
        goto done;
    }
    res->orgs = g.n;
done:
    for (int i = 0; i < g.n; i++) {
        if (g.orgs[i].f && fclose(g.orgs[i].f) != 0 && !rc)
            rc = ics_error_set(err, ICS_ERR_IO, "error writing %s.csv", g.orgs[i].code);
        ics_free(g.orgs[i].buf);
    }
    ics_free(g.orgs);
    ics_free(g.rels);
    return rc;
}
