/*
 * Rejected rows. Those of part 0 (and of a stream) go straight to the rejects
 * file; those of later parts are spooled to a temporary file in a binary
 * layout and copied out in order with absolute line numbers once every
 * earlier part's line count is known, so memory stays constant however many
 * rows are rejected.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csv_internal.h"

void icsi_csv_write_reject(FILE *f, long line, const char *reason, const char *raw, size_t raw_len)
{
    fprintf(f, "%ld,", line);
    ics_csv_write_field(f, reason, strlen(reason));
    fputc(',', f);
    ics_csv_write_field(f, raw, raw_len);
    fputc('\n', f);
}

void ics_csv_reject(struct ics_csv_row *row, int column, const char *fmt, ...)
{
    struct part *pt = row->internal;
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (!pt)
        return;
    pt->rejected++;
    if (!pt->have_first) {
        pt->have_first = 1;
        pt->first_line = pt->cur_line;
        pt->first_column = column;
        snprintf(pt->first_reason, sizeof pt->first_reason, "%s", reason);
    }
    FILE *rejects = pt->scan->opt->rejects;
    if (!rejects)
        return;
    if (pt->direct) {
        icsi_csv_write_reject(rejects, pt->line_base + pt->cur_line, reason, row->raw, row->raw_len);
        return;
    }
    if (!pt->spool) {
        if (pt->spool_failed)
            return;
        pt->spool = ics_tempfile(&pt->spool_err);
        if (!pt->spool) {
            pt->spool_failed = 1;   /* counted; the scan fails with spool_err when it is done */
            return;
        }
    }
    int64_t line = pt->cur_line;
    uint32_t rlen = (uint32_t)strlen(reason);
    uint64_t raw_len = row->raw_len;
    fwrite(&line, sizeof line, 1, pt->spool);
    fwrite(&rlen, sizeof rlen, 1, pt->spool);
    fwrite(&raw_len, sizeof raw_len, 1, pt->spool);
    fwrite(reason, 1, rlen, pt->spool);
    fwrite(row->raw, 1, row->raw_len, pt->spool);
}

int icsi_csv_copy_spool(struct part *pt, FILE *out, long base, struct ics_error *err)
{
    const char *label = pt->scan->src.label;
    if (pt->spool_failed)
        return ics_error_set(err, pt->spool_err.code ? pt->spool_err.code : ICS_ERR_IO,
                             "cannot keep the rejected rows of %s: %s", label, pt->spool_err.message);
    if (!pt->spool)
        return ICS_OK;
    int rc = ICS_OK;
    if (fflush(pt->spool) != 0 || ferror(pt->spool)) {
        rc = ics_error_set(err, ICS_ERR_IO, "cannot write the temporary file of rejected rows of %s: %s", label,
                           strerror(errno ? errno : EIO));
        goto out;
    }
    rewind(pt->spool);
    char *buf = NULL;
    size_t cap = 0;
    for (;;) {
        int64_t line;
        uint32_t rlen;
        uint64_t raw_len;
        if (fread(&line, sizeof line, 1, pt->spool) != 1)
            break;
        if (fread(&rlen, sizeof rlen, 1, pt->spool) != 1 || fread(&raw_len, sizeof raw_len, 1, pt->spool) != 1) {
            rc = ics_error_set(err, ICS_ERR_IO, "rejects spool of %s is damaged", label);
            break;
        }
        size_t need = (size_t)rlen + 1 + (size_t)raw_len;
        if (need > cap) {
            char *b = ics_realloc(buf, need);
            if (!b) {
                rc = ics_error_set(err, ICS_ERR_NOMEM, "out of memory writing rejects");
                break;
            }
            buf = b;
            cap = need;
        }
        if (fread(buf, 1, rlen, pt->spool) != rlen ||
            fread(buf + rlen + 1, 1, (size_t)raw_len, pt->spool) != raw_len) {
            rc = ics_error_set(err, ICS_ERR_IO, "rejects spool of %s is damaged", label);
            break;
        }
        buf[rlen] = '\0';
        icsi_csv_write_reject(out, base + (long)line, buf, buf + rlen + 1, (size_t)raw_len);
    }
    if (!rc && ferror(pt->spool))
        rc = ics_error_set(err, ICS_ERR_IO, "cannot read the temporary file of rejected rows of %s", label);
    ics_free(buf);
out:
    fclose(pt->spool);
    pt->spool = NULL;
    return rc;
}

int icsi_csv_rejects_flush(const struct ics_csv_scan_options *opt, struct ics_error *err)
{
    errno = 0;
    int bad = fflush(opt->rejects) != 0;
    int e = errno;
    if (!bad && !ferror(opt->rejects))
        return ICS_OK;
    const char *why = strerror(e ? e : EIO);
    if (opt->rejects_name)
        return ics_error_set(err, ICS_ERR_IO, "cannot write the rejects file '%s': %s", opt->rejects_name, why);
    return ics_error_set(err, ICS_ERR_IO, "cannot write the rejects file: %s", why);
}

void ics_csv_write_field(FILE *f, const char *s, size_t len)
{
    int quote = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\n' || c == '\r') {
            quote = 1;
            break;
        }
    }
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}
