/*
 * ics report: board-ready outputs over the tables the capabilities write.
 *
 * The capabilities (beds, benchmark, spc, funnel, ledger) write their tables
 * as CSV. This layer sits above them (docs/architecture.md): it reads such a
 * table back with a schema that says what each column means, and from that
 * writes an XLSX workbook, applies NHS disclosure control, formats numbers
 * for people, and builds the HTML report. A capability never calls it.
 *
 * Ownership: a struct ics_table owns its cells (an arena); the schema it
 * points to is the caller's and must outlive it (the built-in schemas are
 * static). Nothing here prints or exits.
 */
#ifndef ICS_REPORT_H
#define ICS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ics/core.h"

/* ---- tables and what their columns mean ------------------------------------ */

enum ics_column_kind {
    ICS_COL_TEXT,      /* codes, names, words: kept as they are */
    ICS_COL_DATE,      /* YYYY-MM-DD */
    ICS_COL_INTEGER,   /* a whole number that is not about individuals (days, ranks, organisations) */
    ICS_COL_NUMBER,    /* a real number not about individuals (limits, targets, beds from a sitrep) */
    ICS_COL_POUNDS,    /* money: pounds with two decimals ("145359.77") */
    ICS_COL_COUNT,     /* a count of patients, spells or episodes (disclosure control rounds it) */
    ICS_COL_MEASURE,   /* a sum over the row's records (bed days, beds, excess cost): `base` names the
                          count of those records */
    ICS_COL_RATE,      /* numerator / denominator x multiplier, both columns of the table */
    ICS_COL_MEAN,      /* a mean or median of `base` records */
    ICS_COL_KINDS
};

struct ics_column {
    const char *name;          /* the CSV header name */
    int kind;                  /* enum ics_column_kind */
    const char *base;          /* MEASURE, MEAN: the COUNT column of the records it is made from */
    const char *numerator;     /* RATE */
    const char *denominator;   /* RATE */
    double multiplier;         /* RATE: 1, 100 (a percentage), 1000 (per 1,000) ... */
    int decimals;              /* NUMBER, RATE, MEAN, MEASURE: decimals when formatted for people */
    int money;                 /* pounds (POUNDS always; a MEASURE such as excess cost): a £ format */
    const char *label;         /* for people: "Excess bed days per 1,000 spells", "Cost (£)" */
};

struct ics_table_schema {
    const char *name;                 /* the table's name: a sheet, a section ("beds by provider") */
    const struct ics_column *columns;
    size_t ncolumns;
    /* A column whose value marks a national row (not rounded by disclosure
     * control), and that value: "level" = "nation". NULL: no row is national. */
    const char *national_column, *national_value;
    /* A column whose value marks the total row ("level" = "total"), or NULL. When one part of a total has a
     * measure withheld, the part with the next smallest count is withheld too (secondary suppression), so
     * that the total less the parts shown does not give the withheld one away (docs/disclosure.md). */
    const char *total_column, *total_value;
};

/* The built-in schema of a table ics writes, by name ("beds", "benchmark",
 * "spc-points", "spc-summary", "funnel", "funnel-summary", ...); NULL when
 * there is none. A column of a table that its schema does not name is TEXT. */
const struct ics_table_schema *ics_table_schema_find(const char *name);

/* A table of text cells, as read from CSV. cells[r * ncols + c]; a cell is
 * never NULL ("" when empty). */
struct ics_table {
    const struct ics_table_schema *schema;
    const char *name;             /* the table's own name (an XLSX sheet, unique in a workbook); NULL: the schema's */
    size_t ncols, nrows;
    const char **header;          /* ncols names */
    const struct ics_column **col;/* ncols: each column's meaning (a TEXT column when the schema lacks it) */
    const char **cells;
    int disclosure;               /* 1: disclosure control has been applied */
    struct ics_arena arena;
};

/* Reads a CSV file (or "-") into a table; every header name is looked up in
 * the schema (which may be NULL: every column TEXT). */
int ics_table_read_csv(const char *path, const struct ics_table_schema *schema, struct ics_table **out,
                       struct ics_error *err);
/* As ics_table_read_csv, over CSV bytes in memory (copied into the table); `label` names them in messages. */
int ics_table_read_memory(const char *data, size_t len, const char *label, const struct ics_table_schema *schema,
                          struct ics_table **out, struct ics_error *err);
/* A table from a capability's CSV writer (ics_beds_write_csv, ...): `write` prints `result` as CSV into
 * memory and the text is read back with `schema`; the table is named `name` (NULL: the schema's). */
typedef int (*ics_table_writer)(const void *result, FILE *out, struct ics_error *err);
int ics_table_from_writer(const void *result, ics_table_writer write, const struct ics_table_schema *schema,
                          const char *name, struct ics_table **out, struct ics_error *err);
void ics_table_free(struct ics_table *t);
/* The column named `name`, or -1. */
int ics_table_column(const struct ics_table *t, const char *name);

/* ---- NHS disclosure control (docs/disclosure.md) ---------------------------- */

/* The suppression marker. */
#define ICS_SUPPRESSED "*"

/* Applies the NHS Digital HES rule to every row that is not national: a COUNT
 * of 1-7 becomes "*", any other is rounded to the nearest 5 (0 stays 0); a
 * RATE is recomputed from its rounded numerator and denominator, "*" when
 * either is; a MEAN or MEASURE whose base count is 1-7 is "*". Returns ICS_OK
 * or an error (a cell that is not a number where one is needed). */
int ics_disclosure_apply(struct ics_table *t, struct ics_error *err);

/* Whether disclosure control can change anything in the table: it has a column that is a count of patients
 * or is made from one (COUNT, MEASURE, MEAN, RATE). */
int ics_disclosure_applies(const struct ics_table *t);

/* One count under the rule: -1 for suppressed, else the published value. */
int64_t ics_disclosure_count(int64_t n);

/* ---- XLSX ---------------------------------------------------------------- */

/* Writes tables as one workbook, a sheet per table (named after the schema,
 * or "Sheet N"): numbers as numbers, dates as dates, pounds in a £ format,
 * "*" as text, a frozen header row; constant-memory mode. `note` (may be
 * NULL) goes in the first row above the header ("internal use - not for
 * publication"). */
int ics_xlsx_write(const char *path, const struct ics_table *const *tables, size_t n, const char *note,
                   struct ics_error *err);

/* A native chart on a table's sheet: `y_columns` (NULL-terminated) against `x_column`, as lines
 * (a time series: x as categories) or as a scatter of markers (a funnel: x as numbers). */
enum { ICS_XLSX_LINE, ICS_XLSX_SCATTER };
struct ics_xlsx_chart {
    size_t table;              /* index into the tables */
    int type;                  /* ICS_XLSX_LINE or ICS_XLSX_SCATTER */
    const char *title;
    const char *x_column;
    const char *const *y_columns;
};
/* As ics_xlsx_write, with charts placed to the right of their tables. */
int ics_xlsx_write_charts(const char *path, const struct ics_table *const *tables, size_t n,
                          const struct ics_xlsx_chart *charts, size_t ncharts, const char *note,
                          struct ics_error *err);

/* ---- the HTML report (docs/commands/report.md) ------------------------------ */

struct ics_report_options {
    int disclosure;            /* 1 (default): NHS disclosure control; 0: none, and the page says
                                  "internal use - not for publication" */
    const char *xlsx;          /* also write the report's tables as a workbook; NULL: none */
    const char *version;       /* the ics version, for the methods section */
    int threads;               /* for ics beds; 0: the cores */
};
void ics_report_options_init(struct ics_report_options *opt);

/* Runs the pack a SPEC file names (its inputs relative to the SPEC's folder)
 * and writes one self-contained HTML page to `html`: bed days and long stays
 * by provider and by place, the top-quartile opportunity, SPC of 21+ day beds,
 * a funnel plot, the squabble board when a ledger is named, and methods and
 * sources with the SHA-256 of every input. */
int ics_report_run(const char *spec_path, const struct ics_report_options *opt, FILE *html, struct ics_error *err);

#endif
