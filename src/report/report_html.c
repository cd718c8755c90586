/* The HTML of ics report: one self-contained page. No script, no font, no
 * image, no link leaves the file (NHS networks often block them); the CSS
 * is inline and follows the NHS.UK palette with system fonts, and its print
 * rules give a clean A4 PDF from a browser's print. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

void icsi_html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* "1234567.891" with 2 decimals -> "1,234,567.89". */
static void grouped(double v, int decimals, char *buf, size_t size)
{
    char plain[64];
    snprintf(plain, sizeof plain, "%.*f", decimals, v);
    if (strcmp(plain, "-0") == 0 || strncmp(plain, "-0.", 3) == 0) {
        int zero = 1;
        for (const char *p = plain + 1; *p; p++)
            zero &= *p == '0' || *p == '.';
        if (zero)
            memmove(plain, plain + 1, strlen(plain));   /* no "-0.0" in a board paper */
    }
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *point = strchr(digits, '.');
    size_t whole = point ? (size_t)(point - digits) : strlen(digits);
    size_t at = 0;
    if (plain[0] == '-' && at + 1 < size)
        buf[at++] = '-';
    for (size_t i = 0; i < whole && at + 1 < size; i++) {
        if (i > 0 && (whole - i) % 3 == 0 && at + 1 < size)
            buf[at++] = ',';
        if (at + 1 < size)
            buf[at++] = digits[i];
    }
    for (const char *p = point; p && *p && at + 1 < size; p++)
        buf[at++] = *p;
    buf[at] = '\0';
}

void icsi_html_cell_text(const char *cell, const struct ics_column *col, char *buf, size_t size)
{
    double v;
    const char *why;
    int numeric = col->kind != ICS_COL_TEXT && col->kind != ICS_COL_DATE;
    if (!numeric || !*cell || strcmp(cell, ICS_SUPPRESSED) == 0 ||
        ics_parse_double(cell, strlen(cell), &v, &why) != 0) {
        snprintf(buf, size, "%s", cell);
        return;
    }
    int decimals = col->kind == ICS_COL_INTEGER || col->kind == ICS_COL_COUNT ? 0 : col->decimals;
    if (col->money || col->kind == ICS_COL_POUNDS) {
        /* Money for people: to the pound (the CSV and XLSX keep the pence). */
        char g[64];
        grouped(fabs(v), 0, g, sizeof g);
        snprintf(buf, size, "%s£%s", v < 0 && strcmp(g, "0") != 0 ? "-" : "", g);
        return;
    }
    grouped(v, decimals, buf, size);
}

void icsi_html_table(FILE *f, const struct ics_table *t, const char *const *columns, const char *const *labels,
                     const char *caption)
{
    int idx[64];
    const char *label[64];
    size_t n = 0;
    for (size_t k = 0; columns[k] && n < 64; k++) {
        int c = ics_table_column(t, columns[k]);
        if (c >= 0) {
            label[n] = labels ? labels[k] : NULL;
            idx[n++] = c;
        }
    }
    fputs("<table>\n", f);
    if (caption) {
        fputs("<caption>", f);
        icsi_html_text(f, caption);
        fputs("</caption>\n", f);
    }
    fputs("<thead><tr>", f);
    for (size_t k = 0; k < n; k++) {
        const struct ics_column *col = t->col[idx[k]];
        int numeric = col->kind != ICS_COL_TEXT && col->kind != ICS_COL_DATE;
        fprintf(f, "<th scope=\"col\"%s>", numeric ? " class=\"num\"" : "");
        icsi_html_text(f, label[k] ? label[k] : col->label ? col->label : t->header[idx[k]]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        const char *first = t->cells[r * t->ncols];
        int total = strcmp(first, "total") == 0;
        fputs(total ? "<tr class=\"total\">" : "<tr>", f);
        for (size_t k = 0; k < n; k++) {
            const struct ics_column *col = t->col[idx[k]];
            int numeric = col->kind != ICS_COL_TEXT && col->kind != ICS_COL_DATE;
            char text[128];
            icsi_html_cell_text(t->cells[r * t->ncols + (size_t)idx[k]], col, text, sizeof text);
            fputs(k == 0 ? "<th scope=\"row\">" : numeric ? "<td class=\"num\">" : "<td>", f);
            icsi_html_text(f, text);
            fputs(k == 0 ? "</th>" : "</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

static const char *const style =
    ":root{--blue:#005eb8;--dark:#003087;--text:#212b32;--grey:#4c6272;--pale:#f0f4f5;--border:#d8dde0;"
    "--warm:#ffb81c}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font-family:Arial,'Helvetica Neue',Helvetica,sans-serif;color:var(--text);background:#fff;"
    "line-height:1.45;font-size:16px}\n"
    "header{background:var(--blue);color:#fff;padding:24px 32px}\n"
    "header h1{margin:0 0 4px;font-size:30px}\n"
    "header p{margin:0;font-size:18px}\n"
    "main{max-width:1100px;margin:0 auto;padding:8px 32px 48px}\n"
    "h2{color:var(--dark);font-size:24px;margin:36px 0 8px;border-bottom:2px solid var(--blue);padding-bottom:4px}\n"
    "h3{font-size:19px;margin:20px 0 6px}\n"
    ".note{background:#fff3cd;border-left:8px solid var(--warm);padding:10px 14px;font-weight:bold}\n"
    ".lead{font-size:20px;background:var(--pale);border-left:8px solid var(--blue);padding:14px 18px}\n"
    "table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14px}\n"
    "caption{text-align:left;font-weight:bold;padding:4px 0;color:var(--grey)}\n"
    "th,td{border-bottom:1px solid var(--border);padding:5px 8px;text-align:left;vertical-align:top}\n"
    "tbody th{font-weight:normal;min-width:14em}\n"
    "thead th{border-bottom:2px solid var(--text);font-size:13px;vertical-align:bottom}\n"
    "thead th.num{white-space:normal}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr.total th,tr.total td{font-weight:bold;border-top:2px solid var(--text)}\n"
    "figure{margin:12px 0 20px}\n"
    "figure svg{width:100%;height:auto;max-width:960px;display:block}\n"
    "figcaption{color:var(--grey);font-size:14px}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}\n"
    "dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}\n"
    "code{font-family:'Courier New',monospace;font-size:13px}\n"
    "@page{size:A4;margin:14mm 12mm}\n"
    "@media print{body{font-size:11pt}header{background:none;color:#000;border-bottom:3pt solid #005eb8;"
    "padding:0 0 6pt}main{max-width:none;padding:0}h2{break-after:avoid;font-size:16pt}"
    "table{font-size:9pt;break-inside:auto}tr{break-inside:avoid}thead{display:table-header-group}"
    "figure{break-inside:avoid}section.chart{break-inside:avoid}.pagebreak{break-before:page}"
    ".lead{font-size:12pt}}\n";

void icsi_html_begin(FILE *f, const char *title, const char *subtitle, const char *note)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    icsi_html_text(f, title);
    fputs("</title>\n<style>\n", f);
    fputs(style, f);
    fputs("</style>\n</head>\n<body>\n<header>\n<h1>", f);
    icsi_html_text(f, title);
    fputs("</h1>\n", f);
    if (subtitle && *subtitle) {
        fputs("<p>", f);
        icsi_html_text(f, subtitle);
        fputs("</p>\n", f);
    }
    fputs("</header>\n<main>\n", f);
    if (note) {
        fputs("<p class=\"note\">", f);
        icsi_html_text(f, note);
        fputs("</p>\n", f);
    }
}

void icsi_html_end(FILE *f)
{
    fputs("</main>\n</body>\n</html>\n", f);
}
