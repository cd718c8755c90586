/* Tables as an XLSX workbook through libxlsxwriter (see ics/report.h). The
 * workbook is written to a temporary name beside the target and renamed
 * when it is complete, so a failed run leaves no half-written file. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "ics/report.h"

/* Excel's serial day number of 1970-01-01, ics's day 0 (days since 1899-12-30). */
#define EXCEL_DAY_OF_1970 25569.0

struct formats {
    lxw_format *header, *note, *date, *pounds, *integer, *decimal[7];
};

static void make_formats(lxw_workbook *wb, struct formats *f)
{
    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    f->note = workbook_add_format(wb);
    format_set_bold(f->note);
    format_set_font_color(f->note, LXW_COLOR_RED);
    f->date = workbook_add_format(wb);
    format_set_num_format(f->date, "yyyy-mm-dd");
    f->pounds = workbook_add_format(wb);
    format_set_num_format(f->pounds, "£#,##0.00");
    f->integer = workbook_add_format(wb);
    format_set_num_format(f->integer, "#,##0");
    static const char *const decimals[7] = {"#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000",
                                            "#,##0.00000", "#,##0.000000"};
    for (int d = 0; d < 7; d++) {
        f->decimal[d] = workbook_add_format(wb);
        format_set_num_format(f->decimal[d], decimals[d]);
    }
}

/* The display format of a numeric column (the stored value is the CSV's, in full). */
static lxw_format *number_format(const struct formats *f, const struct ics_column *col)
{
    if (col->money || col->kind == ICS_COL_POUNDS)
        return f->pounds;
    if (col->kind == ICS_COL_INTEGER || col->kind == ICS_COL_COUNT)
        return f->integer;
    int d = col->decimals < 0 ? 0 : col->decimals > 6 ? 6 : col->decimals;
    return f->decimal[d];
}

/* A sheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the workbook. */
static void sheet_name(const struct ics_table *t, size_t index, char *buf, size_t size)
{
    const char *base = t->name ? t->name : t->schema ? t->schema->name : NULL;
    char raw[32];
    if (base)
        snprintf(raw, sizeof raw, "%s", base);
    else
        snprintf(raw, sizeof raw, "Sheet %zu", index + 1);
    for (char *p = raw; *p; p++)
        if (strchr("[]:*?/\\", *p))
            *p = '_';
    if (t->name || index == 0)
        snprintf(buf, size, "%s", raw);
    else
        snprintf(buf, size, "%.24s (%u)", raw, (unsigned)((index + 1) % 10000));   /* no two sheets share a name */
}

static int is_numeric_kind(int kind)
{
    return kind != ICS_COL_TEXT && kind != ICS_COL_DATE;
}

/* One cell by its column's meaning: numbers as numbers, dates as dates, "*" and anything unreadable as text. */
static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *text,
                            const struct ics_column *col, const struct formats *f)
{
    size_t len = strlen(text);
    if (len == 0)
        return LXW_NO_ERROR;
    if (col->kind == ICS_COL_DATE) {
        int32_t day;
        if (ics_date_parse(text, len, &day) == 0)
            return worksheet_write_number(ws, r, c, (double)day + EXCEL_DAY_OF_1970, f->date);
    } else if (is_numeric_kind(col->kind)) {
        double v;
        const char *why;
        if (ics_parse_double(text, len, &v, &why) == 0)
            return worksheet_write_number(ws, r, c, v, number_format(f, col));
    }
    return worksheet_write_string(ws, r, c, text, NULL);
}

/* A line chart of a sheet's columns, beside the table. */
static lxw_error add_chart(lxw_workbook *wb, lxw_worksheet *ws, const char *sheet, const struct ics_table *t,
                           lxw_row_t header_row, const struct ics_xlsx_chart *c)
{
    int x = ics_table_column(t, c->x_column);
    if (x < 0 || t->nrows == 0)
        return LXW_NO_ERROR;
    lxw_chart *chart = workbook_add_chart(wb, c->type == ICS_XLSX_SCATTER ? LXW_CHART_SCATTER : LXW_CHART_LINE);
    if (!chart)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_row_t first = header_row + 1, last = header_row + (lxw_row_t)t->nrows;
    for (size_t k = 0; c->y_columns[k]; k++) {
        int y = ics_table_column(t, c->y_columns[k]);
        if (y < 0)
            continue;
        lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
        if (!s)
            return LXW_ERROR_MEMORY_MALLOC_FAILED;
        chart_series_set_categories(s, sheet, first, (lxw_col_t)x, last, (lxw_col_t)x);
        chart_series_set_values(s, sheet, first, (lxw_col_t)y, last, (lxw_col_t)y);
        chart_series_set_name_range(s, sheet, header_row, (lxw_col_t)y);
    }
    if (c->title)
        chart_title_set_name(chart, c->title);
    chart_axis_set_name(chart->x_axis, c->x_column);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options place = {.x_scale = 2.0, .y_scale = 1.5};
    return worksheet_insert_chart_opt(ws, header_row, (lxw_col_t)(t->ncols + 1), chart, &place);
}

static lxw_error write_sheet(lxw_workbook *wb, const struct ics_table *t, size_t index, const char *note,
                             const struct formats *f, const struct ics_xlsx_chart *charts, size_t ncharts)
{
    char name[64];
    sheet_name(t, index, name, sizeof name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_row_t row = 0;
    lxw_error e = LXW_NO_ERROR;
    if (note) {
        e = worksheet_write_string(ws, row++, 0, note, f->note);
        if (e)
            return e;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->col[c]->kind == ICS_COL_TEXT ? 18 : 14, NULL);
        if ((e = worksheet_write_string(ws, row, (lxw_col_t)c, t->header[c], f->header)))
            return e;
    }
    lxw_row_t header_row = row++;
    worksheet_freeze_panes(ws, row, 0);
    for (size_t k = 0; k < ncharts; k++)
        if (charts[k].table == index && (e = add_chart(wb, ws, name, t, header_row, &charts[k])))
            return e;
    for (size_t r = 0; r < t->nrows; r++, row++)
        for (size_t c = 0; c < t->ncols; c++)
            if ((e = write_cell(ws, row, (lxw_col_t)c, t->cells[r * t->ncols + c], t->col[c], f)))
                return e;
    return LXW_NO_ERROR;
}

int ics_xlsx_write(const char *path, const struct ics_table *const *tables, size_t n, const char *note,
                   struct ics_error *err)
{
    return ics_xlsx_write_charts(path, tables, n, NULL, 0, note, err);
}

int ics_xlsx_write_charts(const char *path, const struct ics_table *const *tables, size_t n,
                          const struct ics_xlsx_chart *charts, size_t ncharts, const char *note,
                          struct ics_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return ics_error_set(err, ICS_ERR_USAGE, "%s: path too long", path);
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(tmp, &options);
    if (!wb)
        return ics_error_set(err, ICS_ERR_IO, "cannot create %s", path);
    struct formats f;
    make_formats(wb, &f);
    lxw_error e = LXW_NO_ERROR;
    for (size_t i = 0; i < n && !e; i++)
        e = write_sheet(wb, tables[i], i, note, &f, charts, ncharts);
    lxw_error closed = workbook_close(wb);   /* frees the workbook whatever happened */
    if (!e)
        e = closed;
    if (e) {
        unlink(tmp);
        return ics_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? ICS_ERR_NOMEM : ICS_ERR_IO,
                             "cannot write %s: %s", path, lxw_strerror(e));
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return ics_error_set(err, ICS_ERR_IO, "cannot write %s", path);
    }
    return ICS_OK;
}
