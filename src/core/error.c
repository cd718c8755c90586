#include "ics/core.h"

#include <stdio.h>
#include <string.h>

const char *ics_status_name(int status)
{
    switch (status) {
    case ICS_OK: return "ok";
    case ICS_ERR_FAILED: return "failed";
    case ICS_ERR_USAGE: return "usage";
    case ICS_ERR_IO: return "io";
    case ICS_ERR_PARSE: return "parse";
    case ICS_ERR_MISSING_COLUMN: return "missing column";
    case ICS_ERR_EMPTY: return "empty input";
    case ICS_ERR_NOMEM: return "out of memory";
    case ICS_ERR_STORE: return "store";
    case ICS_ERR_CONFLICT: return "conflict";
    case ICS_ERR_NOT_FOUND: return "not found";
    case ICS_ERR_INTERNAL: return "internal";
    default: return "unknown";
    }
}

void ics_error_clear(struct ics_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int ics_error_set(struct ics_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    ics_error_clear(err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int ics_error_at(struct ics_error *err, int code, const char *file, long line,
                 long column, const char *fmt, ...)
{
    if (!err)
        return code;
    ics_error_clear(err);
    err->code = code;
    err->line = line;
    err->column = column;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    int n;
    if (line > 0 && column > 0)
        n = snprintf(err->message, sizeof err->message, "%s:%ld:%ld: ", err->file, line, column);
    else if (line > 0)
        n = snprintf(err->message, sizeof err->message, "%s:%ld: ", err->file, line);
    else
        n = snprintf(err->message, sizeof err->message, "%s: ", err->file);
    if (n < 0 || (size_t)n >= sizeof err->message)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
    va_end(ap);
    return code;
}
