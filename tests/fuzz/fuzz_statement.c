/*
 * Statement import (ics ledger submit): any file must either be stored whole or
 * rejected with its problems reported, never half-written, and the same file
 * submitted again must be recognised as unchanged. No line is over the limit
 * and no stored total is a wrapped one; a file with no lines is refused unless
 * submitted as empty, and then stored as an empty version.
 */
#include "fuzz_input.h"

#include <ics/ledger.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void count_problem(void *ctx, const char *file, long line, int column, const char *reason)
{
    long *problems = ctx;
    FUZZ_ASSERT(file != NULL && reason != NULL && reason[0] != '\0');
    FUZZ_ASSERT(line >= 0 && column >= 0);
    (*problems)++;
}

static int submit(struct ics_ledger *l, const char *path, int allow_empty, long *problems,
                  struct ics_ledger_submit_result *res, char *message, size_t message_size)
{
    struct ics_ledger_submit_options opt;
    ics_ledger_submit_options_init(&opt);
    opt.org = "RXX";
    opt.period = "2018-19-M12";
    opt.label = "statement.csv";
    opt.at = "2019-04-15T09:00:00Z";
    opt.allow_unknown_org = 1;
    opt.allow_empty = allow_empty;
    opt.problem = count_problem;
    opt.problem_ctx = problems;
    struct ics_error err;
    ics_error_clear(&err);
    memset(res, 0, sizeof *res);
    int rc = ics_ledger_submit(l, path, &opt, res, &err);
    if (rc != ICS_OK)
        FUZZ_ASSERT(err.message[0] != '\0');
    snprintf(message, message_size, "%s", err.message);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    FILE *f = fuzz_input_file(data, size, path, sizeof path);
    if (!f)
        return 0;
    /* A real file in a fresh directory: the store journals in WAL mode, which
     * an in-memory database cannot. */
    const char *tmp = getenv("TMPDIR");
    char dir[512], db[600];
    snprintf(dir, sizeof dir, "%s/ics-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fclose(f);
        return 0;
    }
    snprintf(db, sizeof db, "%s/ledger.db", dir);
    struct ics_ledger *l = NULL;
    struct ics_error err;
    ics_error_clear(&err);
    FUZZ_ASSERT(ics_ledger_open(db, 1, &l, &err) == ICS_OK);
    long problems = 0;
    struct ics_ledger_submit_result first, again;
    char first_error[ICS_ERROR_MESSAGE_MAX];
    int rc = submit(l, path, 0, &problems, &first, first_error, sizeof first_error);
    /* Bad rows come through the callback; a file that stops being CSV, or has
     * no lines, only through err. */
    if (rc == ICS_ERR_PARSE)
        FUZZ_ASSERT(problems > 0 || strstr(first_error, "quoted field") != NULL ||
                    (first.no_lines && strstr(first_error, "no lines") != NULL));
    int empty_stored = 0;
    if (rc == ICS_ERR_PARSE && problems == 0 && first.no_lines) {
        /* The same file as an empty statement: stored, with no lines. */
        FUZZ_ASSERT(submit(l, path, 1, &problems, &first, first_error, sizeof first_error) == ICS_OK);
        FUZZ_ASSERT(first.version == 1 && first.lines == 0 && !first.unchanged);
        empty_stored = 1;
    }
    if (rc == ICS_OK || empty_stored) {
        FUZZ_ASSERT(problems == 0 && first.version == 1 && !first.unchanged);
        FUZZ_ASSERT(empty_stored ? first.lines == 0 : first.lines > 0);
        /* Each total is a sum of lines within the limit, so bounded by their
         * number times it (a product that fits for up to 92,233 lines). */
        for (int k = 0; k < 4 && first.lines <= 92233; k++) {
            int64_t bound = first.lines * ICS_LEDGER_LINE_MAX_PENCE;
            FUZZ_ASSERT(first.totals[k] <= bound && first.totals[k] >= -bound);
        }
        char again_error[ICS_ERROR_MESSAGE_MAX];
        FUZZ_ASSERT(submit(l, path, empty_stored, &problems, &again, again_error, sizeof again_error) == ICS_OK);
        FUZZ_ASSERT(again.unchanged && again.version == 1 && again.lines == first.lines);
    }
    /* Whatever happened, the store must still be whole. */
    struct ics_ledger_check check;
    FUZZ_ASSERT(ics_ledger_check(l, &check, &err) == ICS_OK);
    FUZZ_ASSERT(check.submissions == (rc == ICS_OK || empty_stored ? 1 : 0));
    ics_ledger_close(l);
    fclose(f);
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++) {
        char file[640];
        snprintf(file, sizeof file, "%s%s", db, suffixes[k]);
        unlink(file);
    }
    FUZZ_ASSERT(rmdir(dir) == 0);
    return 0;
}
