/*
 * Funnel plot limits following FunnelPlotR 0.6.0 (R/funnel_plot.R,
 * R/od_adjustment.R, R/calculate_limits.R, R/build_limits_lookup.R,
 * R/outliers_func.R). Expressions keep R's order of operations, so limits
 * agree with the package to the last bits or nearly so (the exact Poisson
 * limits go through our own chi-square quantile, within about 1e-12).
 */
#include "ics/funnel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "funnel_internal.h"
#include "ics/stats.h"

/* The package's literal normal quantiles (qnorm(0.975), qnorm(0.999) to 7 figures). */
#define Z95_PACKAGE 1.959964
#define Z998_PACKAGE 3.090232

void ics_funnel_options_init(struct ics_funnel_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->type = ICS_FUNNEL_SR;
    opt->sr_method = ICS_FUNNEL_SHMI;
    opt->overdispersion = ICS_FUNNEL_OD_AUTO;
    opt->trim = 0.1;
    opt->multiplier = 1;
    opt->limit = 998;
    opt->shmi_rounding = 1;
    opt->exact_z = 0;
}

/* ---- aggregation -------------------------------------------------------- */

struct row_ref {
    const char *group;
    size_t index;
};

static int cmp_row_ref(const void *a, const void *b)
{
    const struct row_ref *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    if (c)
        return c;
    /* keep row order within a group: sums then add in file order, as R */
    return x->index < y->index ? -1 : x->index > y->index;
}

int ics_funnel_aggregate(const struct ics_funnel_row *rows, size_t nrows,
                         struct ics_funnel_group **out, size_t *ngroups, struct ics_error *err)
{
    *out = NULL;
    *ngroups = 0;
    if (nrows == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "no rows");
    for (size_t i = 0; i < nrows; i++) {
        const struct ics_funnel_row *r = &rows[i];
        if (!isfinite(r->numerator) || !isfinite(r->denominator))
            return ics_error_set(err, ICS_ERR_PARSE, "group '%s': numerator and denominator must be finite numbers",
                                 r->group);
        if (r->numerator < 0 || r->denominator < 0)
            return ics_error_set(err, ICS_ERR_PARSE, "group '%s': negative %s", r->group,
                                 r->numerator < 0 ? "numerator" : "denominator");
    }
    struct row_ref *idx = ics_malloc(nrows * sizeof *idx);
    struct ics_funnel_group *g = ics_calloc(nrows, sizeof *g);
    if (!idx || !g) {
        ics_free(idx);
        ics_free(g);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < nrows; i++) {
        idx[i].group = rows[i].group;
        idx[i].index = i;
    }
    qsort(idx, nrows, sizeof *idx, cmp_row_ref);
    size_t ng = 0;
    for (size_t a = 0; a < nrows;) {
        size_t b = a;
        long double sn = 0, sd = 0;
        while (b < nrows && strcmp(idx[b].group, idx[a].group) == 0) {
            sn += rows[idx[b].index].numerator;
            sd += rows[idx[b].index].denominator;
            b++;
        }
        g[ng].name = idx[a].group;
        g[ng].numerator = (double)sn;
        g[ng].denominator = (double)sd;
        g[ng].rows = b - a;
        ng++;
        a = b;
    }
    ics_free(idx);
    *out = g;
    *ngroups = ng;
    return ICS_OK;
}

/* ---- pieces shared with the tests (funnel_internal.h) -------------------- */

int icsi_funnel_outlier(double value, double lcl, double ucl)
{
    return (value <= ucl && value >= lcl) ? 0 : 1;
}

double icsi_funnel_poisson_limit(double x, double p_upper, int upper)
{
    /* Lower: qchisq(1 - a, 2x, lower.tail = FALSE) / 2 / x; upper:
     * qchisq(a, 2(x + 1), lower.tail = FALSE) / 2 / x. Here p_upper is the
     * upper-tail probability handed to qchisq, as in the package. */
    if (upper)
        return (ics_qchisq(p_upper, 2 * (x + 1), 0) / 2) / x;
    return (ics_qchisq(p_upper, 2 * x, 0) / 2) / x;
}

/* ---- z-scores, trimming, phi, tau² ------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Standard error of the transformed value, as transformed_zscore() sets `s`. */
static double group_s(const struct ics_funnel_options *opt, double num, double den)
{
    switch (opt->type) {
    case ICS_FUNNEL_SR:
        if (opt->sr_method == ICS_FUNNEL_SHMI)
            return 1 / (sqrt(den));
        return 1 / (2 * sqrt(den));
    case ICS_FUNNEL_PROPORTION:
        return 1 / (2 * sqrt(den));
    default: {
        double a = num + 0.5, b = den + 0.5;
        return sqrt((num / (a * a)) + (den / (b * b)));
    }
    }
}

static int is_shmi(const struct ics_funnel_options *opt)
{
    return opt->type == ICS_FUNNEL_SR && opt->sr_method == ICS_FUNNEL_SHMI;
}

/* Values and validity per group, and the target (res->target). Returns the
 * number of valid groups in *nvalid and the target on the transformed scale. */
static int prepare_groups(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                          struct ics_funnel_summary *res, size_t *nvalid_out, double *target_t,
                          struct ics_error *err)
{
    int shmi = is_shmi(opt);
    double mult = opt->multiplier;
    long double sum_num = 0, sum_den = 0;
    size_t nvalid = 0;
    for (size_t i = 0; i < n; i++) {
        struct ics_funnel_group *g = &groups[i];
        /* The package takes the ratio before rounding E (aggregate_func
         * runs first), so values and outlier tests use the unrounded E. */
        double rr = g->denominator > 0 ? g->numerator / g->denominator : NAN;
        if (shmi && opt->shmi_rounding)
            g->denominator = ics_r_round(g->denominator, 2);
        g->valid = g->denominator > 0;
        g->value = g->valid ? rr * mult : NAN;
        g->z = NAN;
        g->lcl95 = g->ucl95 = g->lcl998 = g->ucl998 = NAN;
        g->unadj_lcl95 = g->unadj_ucl95 = g->unadj_lcl998 = g->unadj_ucl998 = NAN;
        g->adj_lcl95 = g->adj_ucl95 = g->adj_lcl998 = g->adj_ucl998 = NAN;
        g->trimmed = g->used_for_phi = g->outlier95 = g->outlier998 = 0;
        if (!g->valid)
            continue;
        if (opt->type == ICS_FUNNEL_PROPORTION && g->numerator > g->denominator)
            return ics_error_set(err, ICS_ERR_PARSE,
                                 "group '%s': numerator %.17g exceeds denominator %.17g, not a proportion",
                                 g->name, g->numerator, g->denominator);
        sum_num += g->numerator;
        sum_den += g->denominator;
        nvalid++;
    }
    res->valid_groups = nvalid;
    *nvalid_out = nvalid;
    if (nvalid == 0)
        return ics_error_set(err, ICS_ERR_EMPTY, "no group has a positive denominator");

    res->target = opt->type == ICS_FUNNEL_SR ? 1 : (double)sum_num / (double)sum_den;
    if (opt->type == ICS_FUNNEL_SR)
        *target_t = shmi ? 0 : 1;
    else if (opt->type == ICS_FUNNEL_PROPORTION)
        *target_t = asin(sqrt((double)sum_num / (double)sum_den));
    else
        *target_t = log((double)sum_num / (double)sum_den);
    return ICS_OK;
}

/* Unadjusted z-scores (Uzscore). */
static void z_scores(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                     double target_t)
{
    int shmi = is_shmi(opt);
    for (size_t i = 0; i < n; i++) {
        struct ics_funnel_group *g = &groups[i];
        if (!g->valid)
            continue;
        double O = g->numerator, E = g->denominator;
        double s = group_s(opt, O, E);
        double Y;
        if (shmi) {
            g->z = sqrt(E) * log(O / E);
            continue;
        }
        if (opt->type == ICS_FUNNEL_SR)
            Y = sqrt(O / E);
        else if (opt->type == ICS_FUNNEL_PROPORTION)
            Y = asin(sqrt(O / E));
        else
            Y = log((O + 0.5) / (E + 0.5));
        g->z = (Y - target_t) / s;
    }
}

/* Trimming: marks trimmed groups and writes the (winsorised) z-scores and
 * weights 1/s² of the groups used for phi to wz[] and ww[]; returns how many.
 * zs[] holds the nvalid z-scores, sorted. */
static size_t trim_groups(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                          const double *zs, size_t nvalid, double *wz, double *ww)
{
    size_t nused = 0;
    if (is_shmi(opt)) {
        /* NHS Digital truncation: rank (ties averaged), sp = floor(rank k / (N+1)),
         * keep 0 < sp < k - 1. */
        double kk = 1 / opt->trim;
        double maxk = kk - 1, mink = (kk / kk) - 1;
        for (size_t i = 0; i < n; i++) {
            struct ics_funnel_group *g = &groups[i];
            if (!g->valid)
                continue;
            size_t less = 0, equal = 0;
            for (size_t j = 0; j < nvalid; j++) {
                if (zs[j] < g->z)
                    less++;
                else if (zs[j] == g->z)
                    equal++;
            }
            double rank = (double)less + ((double)equal + 1) / 2;   /* average rank */
            double sp = floor(rank * kk / (double)(nvalid + 1));
            g->trimmed = !(sp > mink && sp < maxk);
            if (!g->trimmed) {
                g->used_for_phi = 1;
                wz[nused] = g->z;
                double s = group_s(opt, g->numerator, g->denominator);
                ww[nused] = 1 / (s * s);
                nused++;
            }
        }
        return nused;
    }
    double lz = ics_r_quantile7(zs, nvalid, opt->trim);
    double uz = ics_r_quantile7(zs, nvalid, 1 - opt->trim);
    for (size_t i = 0; i < n; i++) {
        struct ics_funnel_group *g = &groups[i];
        if (!g->valid)
            continue;
        g->trimmed = !(g->z > lz && g->z < uz);
        g->used_for_phi = 1;
        wz[nused] = g->z < lz ? lz : g->z > uz ? uz : g->z;
        double s = group_s(opt, g->numerator, g->denominator);
        ww[nused] = 1 / (s * s);
        nused++;
    }
    return nused;
}

/* phi and tau² from the trimmed z-scores and weights (both arrays are
 * overwritten); NAN where undefined. */
static void phi_tau2(double *wz, double *ww, size_t nused, double *phi_out, double *tau2_out)
{
    double phi = NAN, tau2 = NAN;
    if (nused > 0) {
        for (size_t i = 0; i < nused; i++)
            wz[i] = wz[i] * wz[i];
        double dn = (double)nused;
        phi = (1 / dn) * ics_r_sum(wz, nused);
        /* One group: the between-group variance has a zero denominator
         * (sum w - sum w^2 / sum w), which rounding may turn into a tiny
         * number and a huge tau2; it is undefined either way. */
        if (isfinite(phi) && nused >= 2) {
            if ((dn * phi) < (dn - 1)) {
                tau2 = 0;
            } else {
                double sw = ics_r_sum(ww, nused);
                for (size_t i = 0; i < nused; i++)
                    ww[i] = ww[i] * ww[i];
                double sw2 = ics_r_sum(ww, nused);
                double t = ((dn * phi) - (dn - 1)) / (sw - (sw2 / sw));
                tau2 = isnan(t) ? NAN : (t > 0 ? t : 0);
            }
        }
    }
    *phi_out = phi;
    *tau2_out = tau2;
}

/* z-scores, trimming, phi and tau², and which limits judge. */
static int overdispersion(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                          size_t nvalid, struct ics_funnel_summary *res, struct ics_error *err)
{
    double *zs = ics_malloc(nvalid * sizeof *zs);
    double *wz = ics_malloc(nvalid * sizeof *wz);
    double *ww = ics_malloc(nvalid * sizeof *ww);
    if (!zs || !wz || !ww) {
        ics_free(zs);
        ics_free(wz);
        ics_free(ww);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (groups[i].valid)
            zs[k++] = groups[i].z;
    qsort(zs, nvalid, sizeof *zs, cmp_double);
    size_t nused = trim_groups(groups, n, opt, zs, nvalid, wz, ww);
    res->groups_used_for_phi = nused;
    double phi, tau2;
    phi_tau2(wz, ww, nused, &phi, &tau2);
    ics_free(zs);
    ics_free(wz);
    ics_free(ww);
    res->phi = isfinite(phi) ? phi : NAN;
    res->tau2 = isfinite(tau2) ? tau2 : NAN;

    /* Which limits judge. One group (no between-group variance can be
     * estimated) or an infinite z leave tau² undefined: unadjusted limits. */
    res->undefined_od = !isfinite(phi) || !isfinite(tau2);
    if (opt->overdispersion == ICS_FUNNEL_OD_OFF || res->undefined_od)
        res->adjusted = 0;
    else if (opt->overdispersion == ICS_FUNNEL_OD_ON)
        res->adjusted = 1;
    else {
        res->adjusted = phi > 1;
        res->no_overdispersion = !(phi > 1);
    }
    return ICS_OK;
}

/* Copies the limits at the group's denominator (u unadjusted, a adjusted) into g and judges it. */
static void judge_group(struct ics_funnel_group *g, const struct ics_funnel_summary *res, const double *u,
                        const double *a)
{
    g->unadj_lcl95 = u[0];
    g->unadj_ucl95 = u[1];
    g->unadj_lcl998 = u[2];
    g->unadj_ucl998 = u[3];
    if (!res->undefined_od) {
        g->adj_lcl95 = a[0];
        g->adj_ucl95 = a[1];
        g->adj_lcl998 = a[2];
        g->adj_ucl998 = a[3];
    }
    if (res->adjusted) {
        g->lcl95 = g->adj_lcl95;
        g->ucl95 = g->adj_ucl95;
        g->lcl998 = g->adj_lcl998;
        g->ucl998 = g->adj_ucl998;
    } else {
        g->lcl95 = g->unadj_lcl95;
        g->ucl95 = g->unadj_ucl95;
        g->lcl998 = g->unadj_lcl998;
        g->ucl998 = g->unadj_ucl998;
    }
    g->outlier95 = icsi_funnel_outlier(g->value, g->lcl95, g->ucl95);
    g->outlier998 = icsi_funnel_outlier(g->value, g->lcl998, g->ucl998);
}

/* Limits at each group's own denominator; proportions need the grid for
 * the package's monotonicity fix, so they are evaluated on the whole grid. */
static int group_limits(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                        size_t nvalid, const struct ics_funnel_summary *res, struct ics_error *err)
{
    size_t m = 0;
    double *grid = NULL;
    if (opt->type == ICS_FUNNEL_PROPORTION) {
        grid = ics_funnel_grid(opt, groups, n, &m);
    } else {
        /* other types have no grid effect: evaluate at the denominators only */
        grid = ics_malloc(nvalid * sizeof *grid);
        if (grid) {
            for (size_t i = 0; i < n; i++)
                if (groups[i].valid)
                    grid[m++] = groups[i].denominator;
            qsort(grid, m, sizeof *grid, cmp_double);
        }
    }
    double *lim_u = grid ? ics_malloc(m * 4 * sizeof *lim_u) : NULL;
    double *lim_a = grid ? ics_malloc(m * 4 * sizeof *lim_a) : NULL;
    if (!grid || !lim_u || !lim_a) {
        ics_free(grid);
        ics_free(lim_u);
        ics_free(lim_a);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    ics_funnel_limits(opt, res, 0, grid, m, lim_u);
    if (!res->undefined_od)
        ics_funnel_limits(opt, res, 1, grid, m, lim_a);
    for (size_t i = 0; i < n; i++) {
        struct ics_funnel_group *g = &groups[i];
        if (!g->valid)
            continue;
        /* binary search: the denominator is on the grid exactly */
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (grid[mid] < g->denominator)
                lo = mid + 1;
            else
                hi = mid;
        }
        judge_group(g, res, &lim_u[lo * 4], &lim_a[lo * 4]);
    }
    ics_free(grid);
    ics_free(lim_u);
    ics_free(lim_a);
    return ICS_OK;
}

int ics_funnel_compute(struct ics_funnel_group *groups, size_t n, const struct ics_funnel_options *opt,
                       struct ics_funnel_summary *res, struct ics_error *err)
{
    memset(res, 0, sizeof *res);
    res->phi = res->tau2 = res->target = NAN;
    res->groups = n;
    for (size_t i = 0; i < n; i++)
        res->rows += groups[i].rows;
    size_t nvalid = 0;
    double target_t = 0;
    int rc = prepare_groups(groups, n, opt, res, &nvalid, &target_t, err);
    if (rc)
        return rc;
    z_scores(groups, n, opt, target_t);
    if ((rc = overdispersion(groups, n, opt, nvalid, res, err)))
        return rc;
    if ((rc = group_limits(groups, n, opt, nvalid, res, err)))
        return rc;
    for (size_t i = 0; i < n; i++)
        if (groups[i].valid && (opt->limit == 95 ? groups[i].outlier95 : groups[i].outlier998))
            res->outliers++;
    return ICS_OK;
}

/* ---- limits -------------------------------------------------------------- */

void ics_funnel_limits(const struct ics_funnel_options *opt, const struct ics_funnel_summary *res,
                       int adjusted, const double *xs, size_t m, double *out)
{
    double z95 = opt->exact_z ? ics_qnorm(0.975) : Z95_PACKAGE;
    double z998 = opt->exact_z ? ics_qnorm(0.999) : Z998_PACKAGE;
    double mult = opt->multiplier;
    double target = res->target;
    double tau2 = adjusted ? res->tau2 : 0;
    if (!isfinite(tau2))
        tau2 = 0;
    const double zz[4] = {-z95, z95, -z998, z998};

    for (size_t i = 0; i < m; i++) {
        double x = xs[i];
        double *o = &out[i * 4];
        if (opt->type == ICS_FUNNEL_SR && !adjusted) {
            /* exact Poisson limits on the expected count */
            o[0] = mult * target * (ics_qchisq(0.975, 2 * x, 0) / 2) / x;
            o[1] = mult * target * (ics_qchisq(0.025, 2 * (x + 1), 0) / 2) / x;
            o[2] = mult * target * (ics_qchisq(0.999, 2 * x, 0) / 2) / x;
            o[3] = mult * target * (ics_qchisq(0.001, 2 * (x + 1), 0) / 2) / x;
            continue;
        }
        for (int k = 0; k < 4; k++) {
            double z = zz[k];
            double sgn = z < 0 ? -1 : 1;
            double za = fabs(z);
            double v;
            if (opt->type == ICS_FUNNEL_SR && opt->sr_method == ICS_FUNNEL_SHMI) {
                v = mult * (exp(z * sqrt((1 / x) + tau2)));
            } else if (opt->type == ICS_FUNNEL_SR) {
                double s = 1 / (2 * sqrt(x));
                double half = 1 + sgn * (za * sqrt((s * s + tau2)));
                if (opt->sr_method == ICS_FUNNEL_CQC_CORRECTED) {
                    /* back on the ratio scale; below 0 the root has no meaning */
                    half = half < 0 ? 0 : half;
                    v = mult * (half * half);
                } else {
                    v = mult * half;
                }
            } else if (opt->type == ICS_FUNNEL_RATIO) {
                double s = 1 / (2 * sqrt(x));
                v = mult * (exp(log(target) + sgn * (za * sqrt(s * s + tau2))));
            } else {
                double s = 1 / (2 * sqrt(x));
                double t = sin(asin(sqrt(target)) + sgn * za * sqrt((s * s) + tau2));
                v = mult * (t * t);
                if (sgn < 0 && v < 0)
                    v = 0;
                if (sgn > 0 && v > 1 * mult)
                    v = 1 * mult;
            }
            o[k] = v;
        }
    }
    if (opt->type == ICS_FUNNEL_PROPORTION && m > 1) {
        /* One pass, comparing with the next grid point's value before any
         * change (R's vectorised ifelse): a lower limit above the next one
         * becomes 0, an upper limit below the next one becomes 1. */
        for (size_t i = 0; i + 1 < m; i++) {
            double *o = &out[i * 4];
            const double *nx = &out[(i + 1) * 4];
            o[0] = o[0] > nx[0] ? 0 : o[0];
            o[1] = o[1] < nx[1] ? 1 * mult : o[1];
            o[2] = o[2] > nx[2] ? 0 : o[2];
            o[3] = o[3] < nx[3] ? 1 * mult : o[3];
        }
    }
}

double *ics_funnel_grid(const struct ics_funnel_options *opt, const struct ics_funnel_group *groups,
                        size_t n, size_t *m)
{
    *m = 0;
    double maxd = 0;
    size_t nvalid = 0;
    for (size_t i = 0; i < n; i++)
        if (groups[i].valid) {
            if (groups[i].denominator > maxd)
                maxd = groups[i].denominator;
            nvalid++;
        }
    size_t cap = 1000 + nvalid;
    double *g = ics_malloc(cap * sizeof *g);
    if (!g)
        return NULL;
    double from = opt->type == ICS_FUNNEL_SR ? 1.1 : 3;
    ics_r_seq(from, ceil(maxd), 1000, g);
    size_t k = 1000;
    for (size_t i = 0; i < n; i++)
        if (groups[i].valid)
            g[k++] = groups[i].denominator;
    qsort(g, k, sizeof *g, cmp_double);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || g[i] != g[u - 1])
            g[u++] = g[i];
    *m = u;
    return g;
}

const char *ics_funnel_type_name(int type)
{
    return type == ICS_FUNNEL_PROPORTION ? "proportion" : type == ICS_FUNNEL_RATIO ? "ratio" : "sr";
}

const char *ics_funnel_sr_method_name(int m)
{
    return m == ICS_FUNNEL_CQC ? "cqc" : m == ICS_FUNNEL_CQC_CORRECTED ? "cqc-corrected" : "shmi";
}
