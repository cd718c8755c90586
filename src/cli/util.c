#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_fail(const char *command, const struct ics_error *err)
{
    fprintf(stderr, "ics %s: %s\n", command, err->message[0] ? err->message : ics_status_name(err->code));
    return err->code ? err->code : ICS_ERR_FAILED;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    fprintf(stderr, "ics %s: ", command);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'ics %s --help')\n", command);
    return ICS_ERR_USAGE;
}

int cli_help(const char *command)
{
    const struct cli_command *c = cli_find(command);
    if (!c)
        return ICS_ERR_USAGE;
    printf("ics %s — %s\n%s", c->name, c->summary, c->usage);
    return 0;
}

FILE *cli_open_output(const char *path, struct ics_error *err)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f)
        ics_error_set(err, ICS_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    return f;
}

int cli_close_output(FILE *f, const char *path, struct ics_error *err)
{
    int bad = ferror(f);
    if (f == stdout)
        bad |= fflush(f) != 0;
    else
        bad |= fclose(f) != 0;
    if (bad)
        return ics_error_set(err, ICS_ERR_IO, "error writing '%s'", path && strcmp(path, "-") ? path : "standard output");
    return ICS_OK;
}

int cli_parse_format(const char *command, const char *text, int *json)
{
    if (strcmp(text, "csv") == 0)
        *json = 0;
    else if (strcmp(text, "json") == 0)
        *json = 1;
    else
        return cli_usage_error(command, "--format '%s': expected csv or json", text);
    return 0;
}

int cli_parse_long(const char *text, long min, long max, long *out)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_double(const char *text, double min, double max, double *out)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || *end || !isfinite(v) || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p)
{
    p->started = now_seconds();
    p->last_drawn = 0;
    p->enabled = isatty(STDERR_FILENO);
    p->drawn = 0;
}

void cli_progress_update(void *ctx, uint64_t bytes_done, uint64_t bytes_total, uint64_t rows_done)
{
    struct cli_progress *p = ctx;
    if (!p || !p->enabled)
        return;
    double t = now_seconds();
    double elapsed = t - p->started;
    /* Stay silent on short jobs; redraw at most five times a second. */
    if (elapsed < 1.0 || t - p->last_drawn < 0.2)
        return;
    p->last_drawn = t;
    p->drawn = 1;
    double mb = (double)bytes_done / 1e6;
    if (bytes_total)
        fprintf(stderr, "\r%5.1f%%  %.0f rows/s  %.0f MB/s  ",
                100.0 * (double)bytes_done / (double)bytes_total, (double)rows_done / elapsed, mb / elapsed);
    else
        fprintf(stderr, "\r%.0f MB  %.0f rows/s  %.0f MB/s  ", mb, (double)rows_done / elapsed, mb / elapsed);
    fflush(stderr);
}

void cli_progress_finish(struct cli_progress *p)
{
    if (p->drawn) {
        fprintf(stderr, "\r%60s\r", "");
        fflush(stderr);
    }
}
