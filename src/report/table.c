/* Tables read back from the capabilities' CSV, and the built-in schemas that
 * say what each of their columns means (see ics/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics/csv.h"
#include "ics/report.h"

/* ---- the built-in schemas ---------------------------------------------------- */

#define TEXT(n) {.name = n, .kind = ICS_COL_TEXT}
#define DATE(n) {.name = n, .kind = ICS_COL_DATE}
#define INTEGER(n, l) {.name = n, .kind = ICS_COL_INTEGER, .label = l}
#define NUMBER(n, d, l) {.name = n, .kind = ICS_COL_NUMBER, .decimals = d, .label = l}
#define POUNDS(n, l) {.name = n, .kind = ICS_COL_POUNDS, .decimals = 2, .money = 1, .label = l}
#define COUNT(n, l) {.name = n, .kind = ICS_COL_COUNT, .label = l}
#define MEASURE(n, b, d, l) {.name = n, .kind = ICS_COL_MEASURE, .base = b, .decimals = d, .label = l}
#define MEAN(n, b, d, l) {.name = n, .kind = ICS_COL_MEAN, .base = b, .decimals = d, .label = l}

/* ics beds (docs/commands/beds.md): every measure is a sum over the row's
 * spells, so each is withheld with them when they are few. Excess cost is
 * money, but money made from patient records: a MEASURE, shown in pounds. */
static const struct ics_column beds_columns[] = {
    TEXT("level"), TEXT("code"), TEXT("name"), DATE("period_start"), DATE("period_end"),
    INTEGER("days", "Days"),
    COUNT("spells", "Spells"),
    MEASURE("bed_days", "spells", 0, "Bed days"),
    MEASURE("excess_bed_days", "spells", 0, "Excess bed days"),
    {.name = "excess_cost", .kind = ICS_COL_MEASURE, .base = "spells", .decimals = 2,
     .money = 1, .label = "Excess bed day cost (£)"},
    COUNT("long_stay_7_spells", "Spells of 7+ days"),
    COUNT("long_stay_21_spells", "Spells of 21+ days"),
    MEASURE("occupied_bed_days", "spells", 0, "Occupied bed days"),
    /* Long-stay bed days are the long-stay patients' own: they follow those counts, not all spells. */
    MEASURE("long_stay_7_bed_days", "long_stay_7_spells", 0, "Bed days of 7+ day patients"),
    MEASURE("long_stay_21_bed_days", "long_stay_21_spells", 0, "Bed days of 21+ day patients"),
    MEASURE("avg_occupied_beds", "spells", 1, "Average occupied beds"),
    MEASURE("avg_long_stay_21_beds", "long_stay_21_spells", 1, "Average beds of 21+ day patients"),
    MEASURE("excess_beds", "spells", 1, "Excess beds"),
    DATE("period_from"), DATE("period_to"),
};

/* ics benchmark: its numerator and denominator are whatever the user chose
 * (often a count of spells and a population), so only the money is typed. */
static const struct ics_column benchmark_columns[] = {
    TEXT("code"), TEXT("name"), TEXT("group"),
    NUMBER("numerator", 0, "Numerator"), NUMBER("denominator", 0, "Denominator"),
    NUMBER("rate", 2, "Rate"), INTEGER("band", "Quartile"), INTEGER("rank", "Rank"),
    NUMBER("target", 2, "Top-quartile rate"), NUMBER("gap", 2, "Gap to the top quartile"),
    NUMBER("opportunity", 0, "Opportunity"), NUMBER("opportunity_beds", 1, "Beds released"),
    NUMBER("opportunity_beds_to_open", 1, "Beds released at the occupancy given"),
    POUNDS("opportunity_pounds", "Money released (£)"),
};

static const struct ics_column spc_points_columns[] = {
    TEXT("series"), DATE("date"), NUMBER("value", 2, "Value"), INTEGER("segment", "Segment"),
    NUMBER("mean", 2, "Mean"), NUMBER("lpl", 2, "Lower process limit"), NUMBER("upl", 2, "Upper process limit"),
    NUMBER("lower_2sigma", 2, "Lower 2-sigma"), NUMBER("upper_2sigma", 2, "Upper 2-sigma"),
    TEXT("rule"), TEXT("point_type"),
};

static const struct ics_column spc_summary_columns[] = {
    TEXT("series"), INTEGER("n", "Points"), NUMBER("mean", 2, "Mean"), NUMBER("lpl", 2, "Lower process limit"),
    NUMBER("upl", 2, "Upper process limit"), TEXT("variation_icon"), TEXT("assurance_icon"), TEXT("short_warning"),
};

static const struct ics_column funnel_columns[] = {
    TEXT("group"), NUMBER("numerator", 0, "Numerator"), NUMBER("denominator", 0, "Denominator"),
    NUMBER("value", 3, "Value"), NUMBER("z", 2, "z"), INTEGER("trimmed", "Trimmed"),
    NUMBER("lcl95", 3, "95% lower limit"), NUMBER("ucl95", 3, "95% upper limit"),
    NUMBER("lcl998", 3, "99.8% lower limit"), NUMBER("ucl998", 3, "99.8% upper limit"),
    INTEGER("outlier95", "Outlier at 95%"), INTEGER("outlier998", "Outlier at 99.8%"),
    NUMBER("unadj_lcl95", 3, "95% lower limit, unadjusted"), NUMBER("unadj_ucl95", 3, "95% upper limit, unadjusted"),
    NUMBER("unadj_lcl998", 3, "99.8% lower limit, unadjusted"),
    NUMBER("unadj_ucl998", 3, "99.8% upper limit, unadjusted"), INTEGER("outlier", "Outlier"),
};

static const struct ics_column funnel_summary_columns[] = {
    TEXT("key"), NUMBER("value", 3, "Value"),
};

static const struct ics_column trimpoints_columns[] = {
    TEXT("hrg"), INTEGER("elective_trimpoint_days", "Elective trim point (days)"),
    INTEGER("non_elective_trimpoint_days", "Non-elective trim point (days)"),
};

/* ics ledger report (the squabble board): money between organisations, not about patients. */
static const struct ics_column ledger_board_columns[] = {
    INTEGER("rank", "Rank"), TEXT("period"), TEXT("org_a"), TEXT("org_b"),
    POUNDS("unresolved", "Unresolved (£)"), INTEGER("to_agree", "Items to agree"),
    POUNDS("below_threshold", "Below threshold (£)"), INTEGER("open_disputes", "Open disputes"),
    INTEGER("overdue_disputes", "Overdue disputes"), POUNDS("disputed_value", "Disputed (£)"),
    DATE("oldest_open_item"), INTEGER("oldest_open_days", "Oldest open item (days)"),
    INTEGER("prior_year_invoices", "Prior-year invoices"), POUNDS("prior_year_value", "Prior-year value (£)"),
    TEXT("explanations"),
};

static const struct ics_column ledger_orgs_columns[] = {
    TEXT("period"), TEXT("org"), INTEGER("must_agree", "Items to agree"),
    POUNDS("must_agree_value", "Value to agree (£)"), TEXT("counterparties"),
    INTEGER("statements_required", "Statements required"), INTEGER("open_disputes", "Open disputes"),
    INTEGER("overdue_disputes", "Overdue disputes"), INTEGER("unexplained", "Mismatches unexplained"),
};

static const struct ics_column ledger_match_columns[] = {
    TEXT("period"), TEXT("supplier"), TEXT("purchaser"), TEXT("kind"),
    POUNDS("supplier_total", "Supplier's total (£)"), POUNDS("purchaser_total", "Purchaser's total (£)"),
    POUNDS("mismatch", "Mismatch (£)"), TEXT("status"), TEXT("statement_required"), INTEGER("matched", "Matched"),
    INTEGER("amount_differs", "Amount differs"), INTEGER("only_supplier", "Supplier only"),
    INTEGER("only_purchaser", "Purchaser only"), POUNDS("adjustment", "Settled (£)"),
    POUNDS("adjusted_mismatch", "Left to agree (£)"), TEXT("supplier_reason"), TEXT("supplier_note"),
    TEXT("purchaser_reason"), TEXT("purchaser_note"),
};

static const struct ics_column ledger_tracker_columns[] = {
    TEXT("period"), TEXT("org"), TEXT("name"), TEXT("registered"), TEXT("named_by"), TEXT("status"),
    DATE("first_submitted_on"), INTEGER("version", "Version"), DATE("submitted_on"), INTEGER("lines", "Lines"),
    INTEGER("working_days_late", "Working days late"), INTEGER("statements_required", "Statements required"),
    INTEGER("statements_awaited", "Statements awaited"), INTEGER("unexplained", "Mismatches unexplained"),
};

static const struct ics_column ledger_tracker_statements_columns[] = {
    TEXT("period"), TEXT("supplier"), TEXT("purchaser"), TEXT("kind"),
    POUNDS("supplier_total", "Supplier's total (£)"), POUNDS("purchaser_total", "Purchaser's total (£)"),
    TEXT("supplier_reported"), TEXT("purchaser_reported"), TEXT("awaiting"), TEXT("agreement_required"),
    TEXT("status"),
};

static const struct ics_column ledger_disputes_columns[] = {
    INTEGER("id", "Dispute"), TEXT("period"), TEXT("supplier"), TEXT("purchaser"), TEXT("kind"),
    POUNDS("amount", "Amount (£)"), TEXT("stage"), TEXT("raised_by"), TEXT("referee"), DATE("opened_on"),
    DATE("stage_started_on"), DATE("deadline_on"), TEXT("overdue"),
    INTEGER("working_days_overdue", "Working days overdue"), INTEGER("age_days", "Age (days)"),
    POUNDS("supplier_offer", "Supplier's offer (£)"), POUNDS("purchaser_offer", "Purchaser's offer (£)"),
    TEXT("outcome"), TEXT("awarded_to"), POUNDS("settled_amount", "Settled (£)"), DATE("closed_on"),
    TEXT("invoices"), TEXT("description"),
};

static const struct ics_column ledger_submissions_columns[] = {
    TEXT("org"), TEXT("period"), INTEGER("version", "Version"), TEXT("current"), TEXT("submitted_at"),
    TEXT("submitted_by"), TEXT("file"), INTEGER("lines", "Lines"), POUNDS("receivable", "Receivables (£)"),
    POUNDS("payable", "Payables (£)"), POUNDS("income", "Income (£)"), POUNDS("expenditure", "Expenditure (£)"),
    TEXT("sha256"),
};

static const struct ics_column ledger_audit_columns[] = {
    INTEGER("seq", "Entry"), TEXT("at"), TEXT("actor"), TEXT("action"), TEXT("subject"), TEXT("detail"),
    TEXT("hash"), TEXT("user"),
};

#define SCHEMA(n, cols, nc, nv) {n, cols, sizeof cols / sizeof cols[0], nc, nv, NULL, NULL}

static const struct ics_table_schema schemas[] = {
    {"beds", beds_columns, sizeof beds_columns / sizeof beds_columns[0], "level", "nation", "level", "total"},
    SCHEMA("benchmark", benchmark_columns, NULL, NULL),
    SCHEMA("spc-points", spc_points_columns, NULL, NULL),
    SCHEMA("spc-summary", spc_summary_columns, NULL, NULL),
    SCHEMA("funnel", funnel_columns, NULL, NULL),
    SCHEMA("funnel-summary", funnel_summary_columns, NULL, NULL),
    SCHEMA("trimpoints", trimpoints_columns, NULL, NULL),
    SCHEMA("ledger-board", ledger_board_columns, NULL, NULL),
    SCHEMA("ledger-orgs", ledger_orgs_columns, NULL, NULL),
    SCHEMA("ledger-match", ledger_match_columns, NULL, NULL),
    SCHEMA("ledger-tracker", ledger_tracker_columns, NULL, NULL),
    SCHEMA("ledger-tracker-statements", ledger_tracker_statements_columns, NULL, NULL),
    SCHEMA("ledger-disputes", ledger_disputes_columns, NULL, NULL),
    SCHEMA("ledger-submissions", ledger_submissions_columns, NULL, NULL),
    SCHEMA("ledger-audit", ledger_audit_columns, NULL, NULL),
};

const struct ics_table_schema *ics_table_schema_find(const char *name)
{
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
        if (strcmp(schemas[i].name, name) == 0)
            return &schemas[i];
    return NULL;
}

/* ---- reading ----------------------------------------------------------------- */

/* A column the schema does not name is text: shown, never changed. */
static const struct ics_column plain_text = {.name = "", .kind = ICS_COL_TEXT};

static const struct ics_column *meaning(const struct ics_table_schema *schema, const char *name)
{
    if (schema)
        for (size_t i = 0; i < schema->ncolumns; i++)
            if (strcmp(schema->columns[i].name, name) == 0)
                return &schema->columns[i];
    return &plain_text;
}

int ics_table_column(const struct ics_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->header[c], name) == 0)
            return (int)c;
    return -1;
}

void ics_table_free(struct ics_table *t)
{
    if (!t)
        return;
    ics_free(t->cells);
    ics_arena_release(&t->arena);
    ics_free(t);
}

/* Appends one row's cells (short rows padded with ""). */
static int add_row(struct ics_table *t, const struct ics_csv_row *row, size_t *cap)
{
    if (t->nrows == *cap) {
        size_t rows = *cap ? *cap * 2 : 64;
        const char **cells = ics_realloc(t->cells, rows * t->ncols * sizeof *cells);
        if (!cells)
            return -1;
        t->cells = cells;
        *cap = rows;
    }
    const char **out = t->cells + t->nrows * t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        const struct ics_csv_field *f = (int)c < row->nfields ? &row->fields[c] : NULL;
        out[c] = f ? ics_arena_strndup(&t->arena, f->ptr, f->len) : "";
        if (!out[c])
            return -1;
    }
    t->nrows++;
    return 0;
}

static int read_table(struct ics_csv_reader *r, const struct ics_table_schema *schema, struct ics_table **out,
                      struct ics_error *err);

int ics_table_read_csv(const char *path, const struct ics_table_schema *schema, struct ics_table **out,
                       struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r;
    int rc = ics_csv_open(path, NULL, &r, err);
    return rc ? rc : read_table(r, schema, out, err);
}

int ics_table_read_memory(const char *data, size_t len, const char *label, const struct ics_table_schema *schema,
                          struct ics_table **out, struct ics_error *err)
{
    *out = NULL;
    struct ics_csv_reader *r;
    int rc = ics_csv_open_memory(data, len, label, &r, err);
    return rc ? rc : read_table(r, schema, out, err);
}

/* Reads every row of r into a new table and closes r. */
static int read_table(struct ics_csv_reader *r, const struct ics_table_schema *schema, struct ics_table **out,
                      struct ics_error *err)
{
    int rc = ICS_OK;
    struct ics_table *t = ics_calloc(1, sizeof *t);
    if (!t) {
        ics_csv_close(r);
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    }
    ics_arena_init(&t->arena, 64 * 1024);
    t->schema = schema;
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    t->ncols = (size_t)h->count;
    t->header = ics_arena_alloc(&t->arena, t->ncols * sizeof *t->header + 1);
    t->col = ics_arena_alloc(&t->arena, t->ncols * sizeof *t->col + 1);
    if (!t->header || !t->col) {
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        t->header[c] = ics_arena_strndup(&t->arena, h->names[c], strlen(h->names[c]));
        if (!t->header[c]) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            goto out;
        }
        t->col[c] = meaning(schema, t->header[c]);
    }
    size_t cap = 0;
    struct ics_csv_row row;
    int got;
    while ((got = ics_csv_next(r, &row, err)) == 1)
        if (add_row(t, &row, &cap)) {
            rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
            goto out;
        }
    if (got < 0 || got > 1)
        rc = got;
out:
    ics_csv_close(r);
    if (rc) {
        ics_table_free(t);
        return rc;
    }
    *out = t;
    return ICS_OK;
}

int ics_table_from_writer(const void *result, ics_table_writer write, const struct ics_table_schema *schema,
                          const char *name, struct ics_table **out, struct ics_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    int rc = write(result, mem, err);
    if (fclose(mem) != 0 && !rc)
        rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = ics_table_read_memory(buf, len, name ? name : "the table", schema, out, err);
    free(buf);   /* open_memstream's buffer comes from malloc */
    if (!rc)
        (*out)->name = name;
    return rc;
}
