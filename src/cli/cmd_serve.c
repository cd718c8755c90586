/* ics serve: the shared web service over a ledger store (docs/commands/serve.md, docs/api.md). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_ledger.h"
#include "ics/server.h"

#define SERVE_CMD "serve"

static const struct cli_option serve_options[] = {
    LEDGER_OPT_DB,
    {"listen", CLI_KEY('l'), "ADDRESS:PORT", "where to listen (default 127.0.0.1:8080; port 0 picks a free one)"},
    {"tls-cert", CLI_KEY('c'), "FILE", "serve HTTPS with this PEM certificate (with --tls-key)"},
    {"tls-key", CLI_KEY('k'), "FILE", "the certificate's PEM private key"},
    {"threads", CLI_KEY('T'), "N", "worker threads (default 2)"},
    {"max-body", CLI_KEY('b'), "MB", "the largest request body in megabytes (default 64)"},
    {"timeout", CLI_KEY('i'), "SECONDS", "close a connection idle this long (default 30)"},
    {"web", CLI_KEY('w'), "DIR", "the dashboard's built files (default: web/root beside the ics binary, or "
                                 "PREFIX/share/ics/web; - for the API alone)"},
    {"access-log", CLI_KEY('a'), "FILE", "one JSON line per request (default standard error; - for none)"},
    LEDGER_OPT_END,
};

static int parse_listen(const char *arg, char *address, size_t size, int *port)
{
    const char *colon = strrchr(arg, ':');
    long p;
    if (!colon || (size_t)(colon - arg) >= size || cli_parse_long(colon + 1, 0, 65535, &p) != 0)
        return -1;
    snprintf(address, size, "%.*s", (int)(colon - arg), arg);
    *port = (int)p;
    return 0;
}

/* The dashboard built beside this binary (build/web/root beside build/ics) or installed with it
 * (PREFIX/share/ics/web beside PREFIX/bin/ics); NULL when neither is there. */
static const char *default_web_root(char *buf, size_t size)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    const char *tries[] = {"/web/root/index.html", "/../share/ics/web/index.html"};
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        snprintf(buf, size, "%s%s", exe, tries[i]);
        if (access(buf, R_OK) == 0) {
            *strrchr(buf, '/') = '\0';
            return buf;
        }
    }
    return NULL;
}

static int run_serve(const struct cli_command *self, int argc, char **argv)
{
    struct ics_server_options o;
    ics_server_options_init(&o);
    o.db = LEDGER_DEFAULT_DB;
    const char *log_path = NULL, *web = NULL;
    char web_buf[4200];
    char address[64] = "127.0.0.1";
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    long v;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        const char *arg = parser.arg;
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", arg, &o.db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('l'):
            if (parse_listen(arg, address, sizeof address, &o.port))
                return cli_usage_error(SERVE_CMD, "bad --listen '%s' (ADDRESS:PORT, e.g. 127.0.0.1:8080)", arg);
            break;
        case CLI_KEY('c'): o.tls_cert = arg; break;
        case CLI_KEY('k'): o.tls_key = arg; break;
        case CLI_KEY('T'):
            if (cli_parse_long(arg, 1, 64, &v))
                return cli_usage_error(SERVE_CMD, "bad --threads '%s' (1 to 64)", arg);
            o.threads = (unsigned)v;
            break;
        case CLI_KEY('b'):
            if (cli_parse_long(arg, 1, 4096, &v))
                return cli_usage_error(SERVE_CMD, "bad --max-body '%s' (1 to 4096 MB)", arg);
            o.body_max = (size_t)v << 20;
            break;
        case CLI_KEY('i'):
            if (cli_parse_long(arg, 1, 3600, &v))
                return cli_usage_error(SERVE_CMD, "bad --timeout '%s' (1 to 3600 seconds)", arg);
            o.timeout_s = (unsigned)v;
            break;
        case CLI_KEY('a'): log_path = arg; break;
        case CLI_KEY('w'): web = arg; break;
        case CLI_HELP: return cli_help(self);
        default: return cli_usage_error(SERVE_CMD, "bad option (try 'ics serve --help')");
        }
    }
    if (optind != argc)
        return cli_usage_error(SERVE_CMD, "serve takes no operands");
    o.address = address;
    o.web_root = !web ? default_web_root(web_buf, sizeof web_buf) : strcmp(web, "-") == 0 ? NULL : web;
    FILE *log = stderr;
    if (log_path && strcmp(log_path, "-") == 0)
        log = NULL;
    else if (log_path && !(log = fopen(log_path, "a")))
        return cli_usage_error(SERVE_CMD, "%s: cannot be opened for the access log", log_path);
    o.access_log = log;
    /* SIGTERM and SIGINT are waited for, not handled: blocked before the server's threads start. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct ics_error err;
    ics_error_clear(&err);
    struct ics_server *s;
    int rc = ics_server_start(&o, &s, &err);
    if (rc) {
        if (log && log != stderr)
            fclose(log);
        return cli_fail(SERVE_CMD, &err);
    }
    printf("ics serve: listening on %s://%s:%d/ (%s; the API under /api/v1); stop with Ctrl-C or SIGTERM\n",
           o.tls_cert ? "https" : "http", address, ics_server_port(s),
           o.web_root ? "the dashboard at /" : "no dashboard");
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    ics_server_stop(s);
    fprintf(stderr, "ics serve: stopped (%s)\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    if (log && log != stderr)
        fclose(log);
    return 0;
}

const struct cli_command cli_cmd_serve = {
    .name = "serve",
    .summary = "the system's shared web service: the dashboard, sign-in, the JSON API",
    .synopsis = "ics serve [--db FILE|URL] [--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE] [--threads N]\n"
                "          [--max-body MB] [--timeout SECONDS] [--web DIR] [--access-log FILE|-]",
    .options = serve_options,
    .run = run_serve,
    .notes = "See docs/commands/serve.md and docs/api.md.\n",
};
