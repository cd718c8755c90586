/* ics user add and ics token add: the identities of a shared ledger (docs/commands/user.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_ledger.h"
#include "ics/ledger.h"

#define USER_CMD "user"
#define TOKEN_CMD "token"

/* The password is the first line of standard input (a terminal or a pipe), never an argument. */
static int read_password(char *buf, size_t size)
{
    if (!fgets(buf, (int)size, stdin))
        return cli_usage_error(USER_CMD, "no password on standard input (or --no-password for a token-only user)");
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (n == size - 1)
        return cli_usage_error(USER_CMD, "the password is longer than %zu characters", size - 2);
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return ICS_OK;
}

static int use_token(const char *command, const char *token)
{
    if (token && setenv("ICS_TOKEN", token, 1) != 0)
        return cli_usage_error(command, "cannot keep the token");
    return ICS_OK;
}

static const struct cli_option user_add_options[] = {
    LEDGER_OPT_DB,
    {"name", CLI_KEY('n'), "NAME", "the user's name (letters, digits, . _ - @)"},
    {"org", CLI_KEY('o'), "CODE", "the organisation the user acts for"},
    {"role", CLI_KEY('r'), "ROLE", "finance, analyst, system, referee or admin"},
    {"no-password", CLI_KEY('P'), NULL, "no password: the user signs in only with tokens"},
    {"allow-unknown-org", CLI_KEY('u'), NULL, "accept an organisation code not in the reference data"},
    {"token", CLI_KEY('t'), "TOKEN", "an admin's API token (default $ICS_TOKEN; not for the first user)"},
    LEDGER_OPT_END,
};

static int run_user_add(const struct cli_command *self, int argc, char **argv)
{
    const char *db = LEDGER_DEFAULT_DB, *name = NULL, *org = NULL, *role_text = NULL, *token = NULL;
    int no_password = 0, allow_unknown = 0;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", parser.arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('n'): name = parser.arg; break;
        case CLI_KEY('o'): org = parser.arg; break;
        case CLI_KEY('r'): role_text = parser.arg; break;
        case CLI_KEY('P'): no_password = 1; break;
        case CLI_KEY('u'): allow_unknown = 1; break;
        case CLI_KEY('t'): token = parser.arg; break;
        case CLI_HELP: return cli_help(self);
        default: return cli_usage_error(USER_CMD, "bad option for user add");
        }
    }
    if (optind < argc)
        return cli_usage_error(USER_CMD, "user add takes no file arguments");
    if (!name || !org || !role_text)
        return cli_usage_error(USER_CMD, "user add needs --name, --org and --role");
    int role = ics_ledger_role_parse(role_text);
    if (role < 0)
        return cli_usage_error(USER_CMD, "unknown role '%s' (finance, analyst, system, referee or admin)", role_text);
    char password[1024] = "";
    if (!no_password && read_password(password, sizeof password))
        return ICS_ERR_USAGE;
    int rc = use_token(USER_CMD, token);
    struct ics_ledger *l = NULL;
    /* The first admin is made with the owner's access on PostgreSQL. */
    if (!rc)
        rc = ledger_cli_open(db, ICS_LEDGER_AS_OWNER, &l);
    if (!rc) {
        struct ics_error err;
        ics_error_clear(&err);
        rc = ics_ledger_user_add(l, name, org, role, no_password ? NULL : password, allow_unknown, &err);
        if (rc)
            cli_fail(USER_CMD, &err);
        else
            printf("user %s added: %s, %s\n", name, ics_ledger_identity(l) ? "by an admin" : "the first admin",
                   ics_ledger_role_name(role));
    }
    ics_ledger_close(l);
    memset(password, 0, sizeof password);
    return rc;
}

static const struct cli_option token_add_options[] = {
    LEDGER_OPT_DB,
    {"user", CLI_KEY('n'), "NAME", "whose token"},
    {"token", CLI_KEY('t'), "TOKEN", "your API token (default $ICS_TOKEN; not for the first token)"},
    LEDGER_OPT_END,
};

static int run_token_add(const struct cli_command *self, int argc, char **argv)
{
    const char *db = LEDGER_DEFAULT_DB, *user = NULL, *token = NULL;
    struct cli_parser parser;
    cli_parser_init(&parser, self, 0);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        switch (c) {
        case CLI_KEY('d'):
            if (ledger_cli_path_arg("--db", parser.arg, &db))
                return ICS_ERR_USAGE;
            break;
        case CLI_KEY('n'): user = parser.arg; break;
        case CLI_KEY('t'): token = parser.arg; break;
        case CLI_HELP: return cli_help(self);
        default: return cli_usage_error(TOKEN_CMD, "bad option for token add");
        }
    }
    if (optind < argc)
        return cli_usage_error(TOKEN_CMD, "token add takes no file arguments");
    if (!user)
        return cli_usage_error(TOKEN_CMD, "token add needs --user");
    int rc = use_token(TOKEN_CMD, token);
    struct ics_ledger *l = NULL;
    if (!rc)
        rc = ledger_cli_open(db, 0, &l);
    if (!rc) {
        struct ics_error err;
        ics_error_clear(&err);
        char made[ICS_LEDGER_TOKEN_MAX];
        rc = ics_ledger_token_add(l, user, made, &err);
        if (rc) {
            cli_fail(TOKEN_CMD, &err);
        } else {
            /* The only time the token is shown: stdout carries it alone, for a script to keep. */
            printf("%s\n", made);
            fprintf(stderr, "ics token: a token for %s; it is shown once and stored only as its SHA-256\n", user);
        }
        memset(made, 0, sizeof made);
    }
    ics_ledger_close(l);
    return rc;
}

static const struct cli_command user_add = {
    .name = "add",
    .summary = "add a user (the password is read from standard input)",
    .synopsis = "ics user add --name NAME --org CODE --role ROLE [--no-password] [--allow-unknown-org]\n"
                "             [--token TOKEN] [--db FILE|URL]   < password",
    .options = user_add_options,
    .run = run_user_add,
    .path = "user add",
};

static const struct cli_command token_add = {
    .name = "add",
    .summary = "make an API token for a user (printed once)",
    .synopsis = "ics token add --user NAME [--token TOKEN] [--db FILE|URL]",
    .options = token_add_options,
    .run = run_token_add,
    .path = "token add",
};

static const struct cli_command *const user_subcommands[] = {&user_add, NULL};
static const struct cli_command *const token_subcommands[] = {&token_add, NULL};
static const struct cli_option group_options[] = {LEDGER_OPT_END};

static int run_group(const struct cli_command *self, int argc, char **argv)
{
    struct cli_parser parser;
    cli_parser_init(&parser, self, 1);
    int c;
    while ((c = cli_next_option(&parser, argc, argv)) != -1) {
        if (c == CLI_HELP)
            return cli_help(self);
        return cli_usage_error(self->name, "bad option for %s", self->name);
    }
    if (optind >= argc)
        return cli_usage_error(self->name, "which subcommand? (add)");
    return cli_run_subcommand(self, argc - optind, argv + optind);
}

const struct cli_command cli_cmd_user = {
    .name = "user",
    .summary = "the users of a shared ledger: who acts for which organisation, in which role",
    .synopsis = "ics user add --name NAME --org CODE --role ROLE [options]",
    .options = group_options,
    .run = run_group,
    .subcommands = user_subcommands,
    .notes = "See docs/commands/user.md.\n",
};

const struct cli_command cli_cmd_token = {
    .name = "token",
    .summary = "API tokens of a shared ledger's users",
    .synopsis = "ics token add --user NAME [options]",
    .options = group_options,
    .run = run_group,
    .subcommands = token_subcommands,
    .notes = "See docs/commands/user.md.\n",
};
