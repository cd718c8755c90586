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

const struct cli_command *cli_find(const struct cli_command *const *table, const char *name)
{
    for (; table && *table; table++)
        if (strcmp((*table)->name, name) == 0)
            return *table;
    return NULL;
}

void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd, int stop_at_operand)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    size_t n = 0, k = 0;
    if (stop_at_operand)
        p->shortopts[k++] = '+';
    p->shortopts[k++] = 'h';
    for (const struct cli_option *o = cmd->options; o && o->name; o++) {
        /* The tables are static and small; a table too big for the parser is a programming error
         * that the options test meets at once. */
        if (n + 2 >= sizeof p->longopts / sizeof p->longopts[0] || k + 3 >= sizeof p->shortopts)
            break;
        p->longopts[n++] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->key};
        if (o->key > 0 && o->key < 128 && o->key != 'h') {
            p->shortopts[k++] = (char)o->key;
            if (o->arg)
                p->shortopts[k++] = ':';
        }
    }
    p->longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    p->longopts[n] = (struct option){NULL, 0, NULL, 0};
    p->shortopts[k] = '\0';
    optind = 0;   /* glibc: 0 also resets getopt's internal state between parses */
}

int cli_next_option(struct cli_parser *p, int argc, char **argv)
{
    int c = getopt_long(argc, argv, p->shortopts, p->longopts, NULL);
    p->arg = optarg;
    if (c == 'h')
        return CLI_HELP;
    if (c == ':')
        return CLI_BAD;
    return c;
}

/* "  --name ARG" or "  -o, --output FILE" */
static int option_label(const struct cli_option *o, char *buf, size_t size)
{
    char letter[8] = "    ";
    if (o->key > 0 && o->key < 128)
        snprintf(letter, sizeof letter, "-%c, ", o->key);
    return snprintf(buf, size, "  %s--%s%s%s", letter, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

int cli_help(const struct cli_command *cmd)
{
    const char *path = cmd->path ? cmd->path : cmd->name;
    printf("ics %s — %s\n", path, cmd->summary);
    const char *s = cmd->synopsis;
    int first = 1;
    while (s && *s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        printf("%s%.*s\n", first ? "usage: " : "       ", (int)len, s);
        first = 0;
        s += len + (e ? 1 : 0);
    }
    if (cmd->subcommands) {
        printf("\ncommands:\n");
        for (const struct cli_command *const *c = cmd->subcommands; *c; c++)
            printf("  %-12s %s\n", (*c)->name, (*c)->summary);
    }
    int width = 0;
    char label[96];
    for (const struct cli_option *o = cmd->options; o && o->name; o++) {
        int n = option_label(o, label, sizeof label);
        if (n > width)
            width = n;
    }
    if (width < 12)
        width = 12;
    printf("\noptions:\n");
    for (const struct cli_option *o = cmd->options; o && o->name; o++) {
        option_label(o, label, sizeof label);
        printf("%-*s  %s\n", width, label, o->help);
    }
    printf("%-*s  %s\n", width, "  -h, --help", "show this help");
    if (cmd->notes)
        printf("\n%s", cmd->notes);
    if (cmd->subcommands)
        printf("\n'ics %s COMMAND --help' shows a command's options.\n", path);
    return 0;
}

int cli_run_subcommand(const struct cli_command *cmd, int argc, char **argv)
{
    const char *path = cmd->path ? cmd->path : cmd->name;
    if (argc < 1 || !argv[0])
        return cli_usage_error(path, "no command given");
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
        if (argc > 1) {
            const struct cli_command *sub = cli_find(cmd->subcommands, argv[1]);
            if (sub)
                return cli_help(sub);
        }
        return cli_help(cmd);
    }
    const struct cli_command *sub = cli_find(cmd->subcommands, argv[0]);
    if (!sub)
        return cli_usage_error(path, "unknown command '%s'", argv[0]);
    return sub->run(sub, argc, argv);
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
