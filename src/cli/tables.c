/* Table outputs shared by the table commands: the XLSX workbook and NHS
 * disclosure control (docs/disclosure.md), both over the CSV the command
 * wrote, read back as a table with the command's schema (ics/report.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ics/csv.h"
#include "ics/report.h"

#define INTERNAL_USE "internal use - not for publication"

int cli_table_option(struct cli_table_output *t, const char *command, int key, const char *arg, int *status)
{
    *status = 0;
    switch (key) {
    case CLI_TABLE_XLSX: t->xlsx = arg; return 1;
    case CLI_TABLE_CONTROL:
    case CLI_TABLE_NO_CONTROL: {
        int want = key == CLI_TABLE_CONTROL ? CLI_CONTROL_ON : CLI_CONTROL_OFF;
        if (t->control != CLI_CONTROL_UNSET && t->control != want)
            *status = cli_usage_error(command, "--disclosure-control and --no-disclosure-control together");
        t->control = want;
        return 1;
    }
    default: return 0;
    }
}

int cli_table_wanted(const struct cli_table_output *t)
{
    return t->xlsx || t->control == CLI_CONTROL_ON;
}

int cli_table_check(const struct cli_table_output *t, const char *command, int json)
{
    if (json && t->control == CLI_CONTROL_ON)
        return cli_usage_error(command, "--disclosure-control applies to CSV and XLSX output, not JSON");
    return 0;
}

static void write_csv(FILE *out, const struct ics_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', out);
        ics_csv_write_field(out, t->header[c], strlen(t->header[c]));
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            if (c)
                fputc(',', out);
            ics_csv_write_field(out, cell, strlen(cell));
        }
        fputc('\n', out);
    }
}

/* A table read back from the command's CSV to its outputs: controlled when asked, to `out` (NULL: the
 * command wrote JSON there) and to the workbook. */
/* Said once per table, so that nobody takes an unchanged table for a controlled one. */
static void say_nothing_to_control(const struct ics_table *table)
{
    fprintf(stderr, "ics: --disclosure-control: the %s table has no counts of patients or figures made from them; "
            "it is written as it is\n", table->name ? table->name : table->schema ? table->schema->name : "output");
}

static int write_table(const struct cli_table_output *t, struct ics_table *table, FILE *out, struct ics_error *err)
{
    if (t->control == CLI_CONTROL_ON && !ics_disclosure_applies(table))
        say_nothing_to_control(table);
    int rc = t->control == CLI_CONTROL_ON ? ics_disclosure_apply(table, err) : ICS_OK;
    if (!rc && out)
        write_csv(out, table);
    if (!rc && t->xlsx) {
        const struct ics_table *one = table;
        rc = ics_xlsx_write(t->xlsx, &one, 1, t->control == CLI_CONTROL_OFF ? INTERNAL_USE : NULL, err);
    }
    return rc;
}

int cli_table_workbook(const struct cli_table_output *t, const struct cli_sheet *sheets, size_t n,
                       struct ics_error *err)
{
    if (!t->xlsx)
        return ICS_OK;
    struct ics_table *tables[8] = {NULL};
    int rc = n > 8 ? ics_error_set(err, ICS_ERR_INTERNAL, "too many sheets") : ICS_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = ics_table_from_writer(sheets[i].result, sheets[i].csv, ics_table_schema_find(sheets[i].schema),
                                   sheets[i].name, &tables[i], err);
        if (!rc && t->control == CLI_CONTROL_ON) {
            if (!ics_disclosure_applies(tables[i]))
                say_nothing_to_control(tables[i]);
            rc = ics_disclosure_apply(tables[i], err);
        }
    }
    if (!rc)
        rc = ics_xlsx_write(t->xlsx, (const struct ics_table *const *)tables, n,
                            t->control == CLI_CONTROL_OFF ? INTERNAL_USE : NULL, err);
    for (size_t i = 0; i < n && i < 8; i++)
        ics_table_free(tables[i]);
    return rc;
}

int cli_table_emit(const struct cli_table_output *t, const char *schema, const void *result, cli_result_writer csv,
                   cli_result_writer json, FILE *out, struct ics_error *err)
{
    if (!cli_table_wanted(t))
        return json ? json(result, out, err) : csv(result, out, err);
    if (json) {
        int rc = json(result, out, err);
        if (rc)
            return rc;
    }
    struct ics_table *table;
    int rc = ics_table_from_writer(result, csv, ics_table_schema_find(schema), NULL, &table, err);
    if (!rc)
        rc = write_table(t, table, json ? NULL : out, err);
    ics_table_free(table);
    return rc;
}
