/* NHS disclosure control of a table before it is published: the NHS Digital
 * HES and ECDS rule from September 2018 (docs/disclosure.md, shared/docs/
 * domain.md section 7). */
#include <math.h>
#include <string.h>

#include "ics/report.h"

/* The rule's threshold: 1 to 7 records are too few to show. */
#define SMALLEST_SHOWN 8
#define ROUNDING_BASE 5
/* Beyond this many decimals a cell's digits are noise of its writer, and the
 * exact path (ics_ratio_format scales by 10^decimals in 128 bits) would
 * overflow; a wider cell is written with this many. */
#define MAX_DECIMALS 12
#define NUMBER_TEXT_MAX 64

int64_t ics_disclosure_count(int64_t n)
{
    /* A negative value is not a count; withholding it is the safe answer for
     * a caller that did not check (ics_disclosure_apply rejects it first). */
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    if (n < SMALLEST_SHOWN)
        return -1;
    /* Nearest multiple of 5 without computing n + 2 (which overflows at
     * INT64_MAX): a remainder of 0, 1 or 2 is nearer the multiple below, 3 or
     * 4 the one above. Five is odd, so an integer is never exactly halfway and
     * no tie rule is needed. The multiple above is at most INT64_MAX - 2. */
    int64_t below = n - n % ROUNDING_BASE;
    return n % ROUNDING_BASE <= ROUNDING_BASE / 2 ? below : below + ROUNDING_BASE;
}

/* ---- cells --------------------------------------------------------------------- */

enum cell_state {
    CELL_EMPTY,        /* no value: stays empty */
    CELL_SUPPRESSED,   /* "*": withheld, already or now */
    CELL_VALUE
};

/* A number from a cell, kept as an integer where the text is one so that a
 * rate of integers is formatted exactly. */
struct cell_number {
    int state;
    int whole;           /* 1: `integer` holds the value exactly */
    int64_t integer;
    double value;
    int decimals;        /* digits after the point in the cell's text */
};

static int is_suppressed_text(const char *s, size_t len)
{
    return len == 1 && s[0] == ICS_SUPPRESSED[0];
}

static const char *cell_at(const struct ics_table *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

static int not_a(struct ics_error *err, const struct ics_table *t, size_t row, size_t col, const char *what)
{
    char shown[80];
    const char *s = cell_at(t, row, col);
    /* Rows count from 1 after the header, as a person reading the table would. */
    return ics_error_set(err, ICS_ERR_PARSE, "disclosure control: column '%s' row %zu: '%s' is not %s",
                         t->header[col], row + 1, ics_text_printable(s, strlen(s), shown, sizeof shown), what);
}

/* A cell's trimmed text; 1 (with out->state set) when it is empty or already withheld, so has no number. */
static int no_number(const struct ics_table *t, size_t row, size_t col, struct cell_number *out, const char **s,
                     size_t *len)
{
    *s = cell_at(t, row, col);
    *len = strlen(*s);
    ics_text_trim(s, len);
    memset(out, 0, sizeof *out);
    if (*len == 0) {
        out->state = CELL_EMPTY;
        return 1;
    }
    if (is_suppressed_text(*s, *len)) {
        out->state = CELL_SUPPRESSED;
        return 1;
    }
    return 0;
}

static int read_count(const struct ics_table *t, size_t row, size_t col, struct cell_number *out,
                      struct ics_error *err)
{
    const char *s;
    size_t len;
    if (no_number(t, row, col, out, &s, &len))
        return ICS_OK;
    if (ics_parse_int64(s, len, INT64_MIN, INT64_MAX, &out->integer, NULL) != 0)
        return not_a(err, t, row, col, "a count");
    /* Counts of people and records cannot be negative: such a cell is a
     * broken input, and guessing what it meant could publish a small number. */
    if (out->integer < 0)
        return not_a(err, t, row, col, "a count (counts cannot be negative)");
    out->state = CELL_VALUE;
    out->whole = 1;
    out->value = (double)out->integer;
    return ICS_OK;
}

static int count_decimals(const char *s, size_t len)
{
    const char *point = memchr(s, '.', len);
    if (!point)
        return 0;
    int decimals = 0;
    for (const char *p = point + 1; p < s + len && *p >= '0' && *p <= '9'; p++)
        decimals++;
    return decimals;
}

static int read_number(const struct ics_table *t, size_t row, size_t col, struct cell_number *out,
                       struct ics_error *err)
{
    const char *s;
    size_t len;
    if (no_number(t, row, col, out, &s, &len))
        return ICS_OK;
    if (ics_parse_double(s, len, &out->value, NULL) != 0)
        return not_a(err, t, row, col, "a number");
    out->state = CELL_VALUE;
    out->decimals = count_decimals(s, len);
    out->whole = ics_parse_int64(s, len, INT64_MIN + 1, INT64_MAX, &out->integer, NULL) == 0;
    return ICS_OK;
}

/* ---- what each column depends on ------------------------------------------------ */

struct column_plan {
    int kind;
    int base;                  /* MEAN, MEASURE: the column of its record count */
    int numerator, denominator; /* RATE */
    double multiplier;
};

static int find_column(const struct ics_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->header[c] && strcmp(t->header[c], name) == 0)
            return (int)c;
    return -1;
}

static int column_kind(const struct ics_table *t, size_t c)
{
    return t->col && t->col[c] ? t->col[c]->kind : ICS_COL_TEXT;
}

/* A column another one is made from must be in the table: without it the
 * dependent cannot be checked, and publishing it unchecked could show a
 * small number. */
static int resolve(const struct ics_table *t, size_t c, const char *role, const char *name, int *out,
                   struct ics_error *err)
{
    if (!name)
        return ics_error_set(err, ICS_ERR_INTERNAL, "disclosure control: column '%s' has no %s column",
                             t->header[c], role);
    *out = find_column(t, name);
    if (*out < 0)
        return ics_error_set(err, ICS_ERR_MISSING_COLUMN,
                             "disclosure control: column '%s' needs its %s column '%s', which the table lacks",
                             t->header[c], role, name);
    return ICS_OK;
}

/* A rate is recomputed from its parts' published values, so each part must be
 * a kind whose published value is defined without another rate. */
static int check_rate_part(const struct ics_table *t, size_t c, int part, struct ics_error *err)
{
    switch (column_kind(t, (size_t)part)) {
    case ICS_COL_COUNT: case ICS_COL_MEASURE: case ICS_COL_INTEGER: case ICS_COL_NUMBER: case ICS_COL_POUNDS:
        return ICS_OK;
    default:
        return ics_error_set(err, ICS_ERR_INTERNAL,
                             "disclosure control: rate column '%s' is made from '%s', which is not a count "
                             "or a number", t->header[c], t->header[part]);
    }
}

static int plan_columns(const struct ics_table *t, struct column_plan *plan, struct ics_error *err)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const struct ics_column *meaning = t->col ? t->col[c] : NULL;
        struct column_plan *p = &plan[c];
        p->kind = column_kind(t, c);
        p->base = p->numerator = p->denominator = -1;
        int rc = ICS_OK;
        if (p->kind == ICS_COL_MEAN || p->kind == ICS_COL_MEASURE) {
            rc = resolve(t, c, "base", meaning->base, &p->base, err);
        } else if (p->kind == ICS_COL_RATE) {
            rc = resolve(t, c, "numerator", meaning->numerator, &p->numerator, err);
            if (!rc)
                rc = resolve(t, c, "denominator", meaning->denominator, &p->denominator, err);
            if (!rc)
                rc = check_rate_part(t, c, p->numerator, err);
            if (!rc)
                rc = check_rate_part(t, c, p->denominator, err);
            /* A schema that leaves the multiplier out means a plain ratio. */
            p->multiplier = meaning->multiplier == 0 ? 1 : meaning->multiplier;
            if (!rc && !isfinite(p->multiplier))
                rc = ics_error_set(err, ICS_ERR_INTERNAL, "disclosure control: rate column '%s' has no finite "
                                   "multiplier", t->header[c]);
        }
        if (rc)
            return rc;
    }
    return ICS_OK;
}

/* ---- the rule, cell by cell ------------------------------------------------------ */

/* True when a MEAN or MEASURE must be withheld: it comes from 1 to 7
 * records, or from an unknown number of them (a base that is empty or
 * already withheld), which cannot be shown to be 8 or more. The base is
 * judged before rounding: 8 records round to 10, but 6 would too. */
static int withheld_by_base(const struct ics_table *t, size_t row, int base, int *withheld, struct ics_error *err)
{
    struct cell_number n;
    int rc = read_count(t, row, (size_t)base, &n, err);
    if (rc)
        return rc;
    *withheld = n.state != CELL_VALUE || (n.integer >= 1 && n.integer < SMALLEST_SHOWN);
    return ICS_OK;
}

static int base_is_zero(const struct ics_table *t, size_t row, int base)
{
    struct cell_number n;
    return read_count(t, row, (size_t)base, &n, NULL) == ICS_OK && n.state == CELL_VALUE && n.integer == 0;
}

/* The value a cell will publish, as a number to compute a rate with. */
static int published_value(const struct ics_table *t, const struct column_plan *plan, size_t row, int col,
                           struct cell_number *out, struct ics_error *err)
{
    const struct column_plan *p = &plan[col];
    if (p->kind == ICS_COL_COUNT) {
        int rc = read_count(t, row, (size_t)col, out, err);
        if (rc || out->state != CELL_VALUE)
            return rc;
        int64_t shown = ics_disclosure_count(out->integer);
        if (shown < 0) {
            out->state = CELL_SUPPRESSED;
        } else {
            out->integer = shown;
            out->value = (double)shown;
        }
        return ICS_OK;
    }
    int rc = read_number(t, row, (size_t)col, out, err);
    if (rc || out->state != CELL_VALUE || p->kind != ICS_COL_MEASURE)
        return rc;
    int withheld;
    rc = withheld_by_base(t, row, p->base, &withheld, err);
    if (!rc && withheld)
        out->state = CELL_SUPPRESSED;
    return rc;
}

static int integer_multiplier(double m, int64_t *out)
{
    if (m != floor(m) || fabs(m) > 1e15)
        return 0;
    *out = (int64_t)m;
    return 1;
}

/* numerator / denominator x multiplier with `decimals` places: exactly from
 * integers (rounded half away from zero, as every capability writes its
 * ratios), else in doubles. */
static void format_rate(const struct cell_number *num, const struct cell_number *den, double multiplier,
                        int decimals, char *buf, size_t size)
{
    int64_t m, scaled, numerator = num->integer, denominator = den->integer;
    if (num->whole && den->whole && integer_multiplier(multiplier, &m) &&
        !__builtin_mul_overflow(numerator, m, &scaled)) {
        if (denominator < 0) {
            /* ics_ratio_format wants a positive denominator; INT64_MIN was never parsed. */
            scaled = -scaled;
            denominator = -denominator;
        }
        ics_ratio_format(scaled, denominator, decimals, buf, size);
        return;
    }
    double rate = num->value * multiplier / den->value;
    /* Parts near DBL_MAX can overflow; "inf" is no figure to publish. */
    if (!isfinite(rate)) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%.*f", decimals, rate);
}

static int rate_cell(const struct ics_table *t, const struct column_plan *plan, size_t row, size_t col,
                     struct ics_arena *arena, const char **out, struct ics_error *err)
{
    const struct column_plan *p = &plan[col];
    struct cell_number own, num, den;
    int rc = read_number(t, row, col, &own, err);
    if (!rc)
        rc = published_value(t, plan, row, p->numerator, &num, err);
    if (!rc)
        rc = published_value(t, plan, row, p->denominator, &den, err);
    if (rc)
        return rc;
    /* A cell with nothing in it publishes nothing; one already withheld is
     * never brought back, whatever the reason it was withheld for. */
    if (own.state != CELL_VALUE) {
        *out = own.state == CELL_EMPTY ? "" : ICS_SUPPRESSED;
        return ICS_OK;
    }
    if (num.state == CELL_SUPPRESSED || den.state == CELL_SUPPRESSED) {
        *out = ICS_SUPPRESSED;
        return ICS_OK;
    }
    if (num.state == CELL_EMPTY || den.state == CELL_EMPTY || den.value == 0) {
        *out = "";
        return ICS_OK;
    }
    char buf[NUMBER_TEXT_MAX * 8];
    int decimals = own.decimals > MAX_DECIMALS ? MAX_DECIMALS : own.decimals;
    format_rate(&num, &den, p->multiplier, decimals, buf, sizeof buf);
    *out = ics_arena_strndup(arena, buf, strlen(buf));
    return *out ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
}

/* One cell of a sub-national row as it will be published; *out may point at
 * the original text, a string literal, or a new string in the arena. */
static int control_cell(const struct ics_table *t, const struct column_plan *plan, size_t row, size_t col,
                        struct ics_arena *arena, const char **out, struct ics_error *err)
{
    const struct column_plan *p = &plan[col];
    struct cell_number n;
    int rc, withheld;
    *out = cell_at(t, row, col);
    switch (p->kind) {
    case ICS_COL_COUNT: {
        rc = read_count(t, row, col, &n, err);
        if (rc || n.state != CELL_VALUE) {
            if (!rc && n.state == CELL_EMPTY)
                *out = "";
            return rc;
        }
        int64_t shown = ics_disclosure_count(n.integer);
        if (shown < 0) {
            *out = ICS_SUPPRESSED;
            return ICS_OK;
        }
        char buf[NUMBER_TEXT_MAX];
        int len = snprintf(buf, sizeof buf, "%lld", (long long)shown);
        *out = ics_arena_strndup(arena, buf, (size_t)len);
        return *out ? ICS_OK : ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    case ICS_COL_MEAN:
    case ICS_COL_MEASURE:
        rc = read_number(t, row, col, &n, err);
        if (!rc)
            rc = withheld_by_base(t, row, p->base, &withheld, err);
        if (rc || n.state == CELL_EMPTY)
            return rc;
        /* A sum made from records its count does not show (a long-stay patient still in hospital, with no
         * long stay discharged yet) is as revealing as one made from 1 to 7 of them. */
        if (withheld || (p->kind == ICS_COL_MEASURE && n.state == CELL_VALUE && n.value != 0 &&
                         base_is_zero(t, row, p->base)))
            *out = ICS_SUPPRESSED;
        return ICS_OK;
    case ICS_COL_RATE:
        return rate_cell(t, plan, row, col, arena, out, err);
    default:
        /* Text, dates and numbers not about individuals are published as they are. */
        return ICS_OK;
    }
}

static int is_national(const struct ics_table *t, int national_col, size_t row)
{
    return national_col >= 0 && strcmp(cell_at(t, row, (size_t)national_col), t->schema->national_value) == 0;
}

static int is_total(const struct ics_table *t, int total_col, size_t row)
{
    return total_col >= 0 && strcmp(cell_at(t, row, (size_t)total_col), t->schema->total_value) == 0;
}

/*
 * Secondary suppression (ours; the NHS rule needs none for counts, which are rounded, but measures are
 * shown exactly): for each count that measures are based on, when exactly one part of the total has its
 * measures withheld, the shown part with the smallest count has them withheld too. The total less the
 * parts shown then gives only the two together. With no part to pair it with, the total's are withheld.
 */
static int complement(const struct ics_table *t, const struct column_plan *plan, int national_col,
                      const char **cells, struct ics_error *err)
{
    int total_col = t->schema && t->schema->total_column && t->schema->total_value
                        ? find_column(t, t->schema->total_column) : -1;
    if (total_col < 0)
        return ICS_OK;
    for (size_t base = 0; base < t->ncols; base++) {
        int measured = 0;
        for (size_t c = 0; c < t->ncols; c++)
            measured |= (plan[c].kind == ICS_COL_MEASURE || plan[c].kind == ICS_COL_MEAN) && plan[c].base == (int)base;
        if (!measured)
            continue;
        size_t withheld = 0, total_row = t->nrows, smallest_row = t->nrows;
        int64_t smallest = INT64_MAX;
        for (size_t r = 0; r < t->nrows; r++) {
            if (is_national(t, national_col, r))
                continue;
            if (is_total(t, total_col, r)) {
                total_row = r;
                continue;
            }
            int part_withheld = 0;
            for (size_t c = 0; c < t->ncols; c++)
                if (plan[c].base == (int)base && (plan[c].kind == ICS_COL_MEASURE || plan[c].kind == ICS_COL_MEAN) &&
                    strcmp(cells[r * t->ncols + c], ICS_SUPPRESSED) == 0 &&
                    strcmp(cell_at(t, r, c), ICS_SUPPRESSED) != 0)
                    part_withheld = 1;
            struct cell_number n;
            int rc = read_count(t, r, base, &n, err);
            if (rc)
                return rc;
            if (part_withheld)
                withheld++;
            else if (n.state == CELL_VALUE && n.integer > 0 && n.integer < smallest) {
                smallest = n.integer;
                smallest_row = r;
            }
        }
        if (withheld != 1 || total_row == t->nrows)
            continue;
        size_t target = smallest_row < t->nrows ? smallest_row : total_row;
        for (size_t c = 0; c < t->ncols; c++)
            if (plan[c].base == (int)base && (plan[c].kind == ICS_COL_MEASURE || plan[c].kind == ICS_COL_MEAN) &&
                *cells[target * t->ncols + c])
                cells[target * t->ncols + c] = ICS_SUPPRESSED;
    }
    return ICS_OK;
}

int ics_disclosure_apply(struct ics_table *t, struct ics_error *err)
{
    if (t->ncols == 0 || t->nrows == 0) {
        t->disclosure = 1;
        return ICS_OK;
    }
    /* A table without the national column has no row that can be shown to
     * be national, so every row is controlled. */
    int national_col = -1;
    if (t->schema && t->schema->national_column && t->schema->national_value)
        national_col = find_column(t, t->schema->national_column);

    struct column_plan *plan = ics_calloc(t->ncols, sizeof *plan);
    /* The new cells go to a copy and replace the table's only when every cell
     * is done, so a failure leaves the table exactly as it was; and each cell
     * is computed from the original values (a mean's base before rounding). */
    const char **cells = ics_malloc(t->nrows * t->ncols * sizeof *cells);
    int rc = ICS_OK;
    if (!plan || !cells) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = plan_columns(t, plan, err);
    if (rc)
        goto out;
    memcpy(cells, t->cells, t->nrows * t->ncols * sizeof *cells);
    for (size_t r = 0; r < t->nrows; r++) {
        if (is_national(t, national_col, r))
            continue;
        for (size_t c = 0; c < t->ncols; c++) {
            rc = control_cell(t, plan, r, c, &t->arena, &cells[r * t->ncols + c], err);
            if (rc)
                goto out;
        }
    }
    rc = complement(t, plan, national_col, cells, err);
    if (rc)
        goto out;
    memcpy(t->cells, cells, t->nrows * t->ncols * sizeof *cells);
    t->disclosure = 1;
out:
    ics_free(cells);
    ics_free(plan);
    return rc;
}

int ics_disclosure_applies(const struct ics_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        int kind = column_kind(t, c);
        if (kind == ICS_COL_COUNT || kind == ICS_COL_MEASURE || kind == ICS_COL_MEAN || kind == ICS_COL_RATE)
            return 1;
    }
    return 0;
}
