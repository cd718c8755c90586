#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "ics/csv.h"

static int field_is(const struct ics_csv_row *row, int i, const char *text)
{
    return i < row->nfields && row->fields[i].len == strlen(text) &&
           memcmp(row->fields[i].ptr, text, row->fields[i].len) == 0;
}

static void test_rfc4180_pull(void)
{
    static const char text[] =
        "\xEF\xBB\xBF" "Spell_ID, Provider_Code ,note\r\n"
        "1,RXX,\"a, b\"\r\n"
        "\r\n"
        "2,RYY,\"say \"\"hi\"\"\"\r\n"
        "3,RZZ,\"two\nlines\"\r\n"
        "4,,\r\n"
        "5,RAA,last";
    struct ics_csv_reader *r;
    struct ics_error err;
    CHECK_INT(ics_csv_open_memory(text, sizeof text - 1, "t.csv", &r, &err), ICS_OK);
    const struct ics_csv_header *h = ics_csv_reader_header(r);
    CHECK_INT(h->count, 3);
    CHECK_STR(h->names[0], "Spell_ID");   /* BOM gone */
    CHECK_STR(h->names[1], "Provider_Code");
    const char *provider[] = {"PROCODE3", "provider_code", NULL};
    CHECK_INT(ics_csv_header_find(h, provider), 1);
    const char *missing[] = {"hrg", NULL};
    CHECK_INT(ics_csv_header_find(h, missing), -1);

    struct ics_csv_row row;
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.line, 2);
    CHECK(field_is(&row, 2, "a, b"));
    CHECK_INT(ics_csv_next(r, &row, &err), 1);   /* blank line 3 skipped */
    CHECK_INT(row.line, 4);
    CHECK(field_is(&row, 2, "say \"hi\""));
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.line, 5);
    CHECK(field_is(&row, 2, "two\nlines"));
    CHECK(field_is(&row, 0, "3"));
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.line, 7);                     /* the quoted newline took a line */
    CHECK_INT(row.nfields >= 3, 1);
    CHECK(field_is(&row, 1, ""));
    CHECK(field_is(&row, 2, ""));
    CHECK_INT(row.raw_len, 3);                  /* "4,,\r" less the CR */
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK(field_is(&row, 2, "last"));            /* no final line end */
    CHECK_INT(ics_csv_next(r, &row, &err), 0);
    ics_csv_close(r);
}

static void test_unterminated_quote(void)
{
    static const char text[] = "a,b\n1,2\n3,\"oops\n4,5\n";
    struct ics_csv_reader *r;
    struct ics_error err;
    CHECK_INT(ics_csv_open_memory(text, sizeof text - 1, "u.csv", &r, &err), ICS_OK);
    struct ics_csv_row row;
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(ics_csv_next(r, &row, &err), ICS_ERR_PARSE);
    CHECK_INT(err.line, 3);
    CHECK(strstr(err.message, "u.csv:3") == err.message);
    ics_csv_close(r);
}

static void test_empty_input(void)
{
    struct ics_csv_reader *r;
    struct ics_error err;
    CHECK_INT(ics_csv_open_memory("\n\n", 2, "e.csv", &r, &err), ICS_ERR_EMPTY);
    CHECK(r == NULL);
    CHECK_INT(ics_csv_open("/nonexistent/x.csv", NULL, &r, &err), ICS_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/x.csv") != NULL);
}

static void test_write_field(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ics_csv_write_field(f, "plain", 5);
    fputc('|', f);
    ics_csv_write_field(f, "a,\"b\"", 5);
    fclose(f);
    CHECK_STR(buf, "plain|\"a,\"\"b\"\"\"");
    free(buf);
}

/* ---- scan ---------------------------------------------------------------- */

struct sum_worker {
    long long id_sum;
    long long rows;
    long long text_bytes;
};

static int sum_row(void *w, struct ics_csv_row *row)
{
    struct sum_worker *sw = w;
    long id = 0;
    for (uint32_t i = 0; i < row->fields[0].len; i++)
        id = id * 10 + (row->fields[0].ptr[i] - '0');
    if (id % 1000 == 7) {
        ics_csv_reject(row, 1, "id %ld ends in 007", id);
        return 0;
    }
    sw->id_sum += id;
    sw->rows++;
    if (row->nfields > 1)
        sw->text_bytes += row->fields[1].len;
    return 0;
}

static void sum_reset(void *w)
{
    memset(w, 0, sizeof(struct sum_worker));
}

/*
 * A file of about 8 MB whose middle row holds a quoted field with hundreds of
 * newlines over the halfway point, so the second thread starts inside quotes
 * and must be redone. Expected values are computed while writing the file.
 */
static void test_scan_threads_and_quoted_boundary(void)
{
    char path[] = "/tmp/ics_test_csv_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("id,text\n", f);
    long long expect_sum = 0, expect_rows = 0, expect_rejected = 0, expect_text = 0;
    long line = 2, first_reject_line = 0, last_reject_line = 0;
    const long n = 400000;
    for (long id = 1; id <= n; id++) {
        if (id == n / 2) {
            /* ~600 KB quoted field across the middle of the file */
            fprintf(f, "%ld,\"", id);
            long text = 0;
            for (int k = 0; k < 60000; k++) {
                fputs("x, \"\"y\"\"\n", f);   /* 9 bytes of text per line, 1 newline */
                text += 7;   /* x, "y" and the newline */
            }
            fputs("\"\n", f);
            if (id % 1000 == 7) {
                expect_rejected++;
            } else {
                expect_sum += id;
                expect_rows++;
                expect_text += text;
            }
            line += 60001;
            continue;
        }
        fprintf(f, "%ld,row number %ld\n", id, id);
        if (id % 1000 == 7) {
            expect_rejected++;
            if (!first_reject_line)
                first_reject_line = line;
            last_reject_line = line;
        } else {
            expect_sum += id;
            expect_rows++;
            char tmp[64];
            expect_text += snprintf(tmp, sizeof tmp, "row number %ld", id);
        }
        line++;
    }
    fclose(f);

    for (int threads = 1; threads <= 2; threads++) {
        struct ics_csv_scan *scan;
        struct ics_error err;
        CHECK_INT(ics_csv_scan_open(path, "big.csv", &scan, &err), ICS_OK);
        struct sum_worker w[2] = {{0}};
        void *workers[2] = {&w[0], &w[1]};
        char *rej = NULL;
        size_t rej_len = 0;
        FILE *rf = open_memstream(&rej, &rej_len);
        struct ics_csv_scan_options opt = {
            .threads = threads, .want_fields = 2, .row = sum_row, .reset = sum_reset,
            .workers = workers, .rejects = rf,
        };
        struct ics_csv_scan_result res;
        CHECK_INT(ics_csv_scan_run(scan, &opt, &res, &err), ICS_OK);
        fclose(rf);
        CHECK_INT(res.threads_used, threads);
        CHECK_INT(res.rows, expect_rows + expect_rejected);
        CHECK_INT(res.rejected, expect_rejected);
        CHECK_INT(w[0].id_sum + w[1].id_sum, expect_sum);
        CHECK_INT(w[0].rows + w[1].rows, expect_rows);
        CHECK_INT(w[0].text_bytes + w[1].text_bytes, expect_text);
        if (threads == 2)
            CHECK(w[1].rows > 0);   /* the second thread did real work */
        /* Rejects: header, then rows in file order with absolute lines. */
        char first[128], last[128];
        snprintf(first, sizeof first, "line,reason,raw\n%ld,id 7 ends in 007,\"7,row number 7\"\n",
                 first_reject_line);
        CHECK(rej && strncmp(rej, first, strlen(first)) == 0);
        snprintf(last, sizeof last, "\n%ld,id %ld ends in 007,\"%ld,row", last_reject_line, n - 993, n - 993);
        CHECK(rej && strstr(rej, last) != NULL);
        long count = 0;
        for (size_t i = 0; rej && i < rej_len; i++)
            count += rej[i] == '\n';
        CHECK_INT(count, expect_rejected + 1);
        free(rej);

        /* A second pass over the same mapping gives the same answer. */
        memset(w, 0, sizeof w);
        opt.rejects = NULL;
        CHECK_INT(ics_csv_scan_run(scan, &opt, &res, &err), ICS_OK);
        CHECK_INT(w[0].id_sum + w[1].id_sum, expect_sum);
        ics_csv_scan_close(scan);
    }
    unlink(path);
}

static int stop_at_reject(void *w, struct ics_csv_row *row)
{
    (void)w;
    if (row->fields[0].len == 3 && memcmp(row->fields[0].ptr, "bad", 3) == 0) {
        ics_csv_reject(row, 1, "bad id '%.*s'", (int)row->fields[0].len, row->fields[0].ptr);
        return 1;
    }
    return 0;
}

/* --strict semantics: the first bad row in file order wins, with both threads. */
static void test_scan_stop_first_in_file_order(void)
{
    char path[] = "/tmp/ics_test_csv_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("id,x\n", f);
    const long n = 600000;
    long bad_line_1 = 0;
    for (long i = 1; i <= n; i++) {
        if (i == 450000 || i == 200000) {
            fputs("bad,1\n", f);
            if (i == 200000)
                bad_line_1 = i + 1;
        } else {
            fprintf(f, "%ld,1\n", i);
        }
    }
    fclose(f);
    struct ics_csv_scan *scan;
    struct ics_error err;
    CHECK_INT(ics_csv_scan_open(path, "s.csv", &scan, &err), ICS_OK);
    int dummy[2];
    void *workers[2] = {&dummy[0], &dummy[1]};
    struct ics_csv_scan_options opt = {.threads = 2, .want_fields = 2, .row = stop_at_reject, .workers = workers};
    struct ics_csv_scan_result res;
    CHECK_INT(ics_csv_scan_run(scan, &opt, &res, &err), ICS_ERR_PARSE);
    CHECK_INT(err.line, bad_line_1);
    CHECK_INT(err.column, 1);
    char expect[128];
    snprintf(expect, sizeof expect, "s.csv:%ld:1: bad id 'bad'", bad_line_1);
    CHECK_STR(err.message, expect);
    ics_csv_scan_close(scan);
    unlink(path);
}

/* Standard input goes through read(), in blocks, not mmap. */
static void test_scan_pipe(void)
{
    int fds[2];
    CHECK_INT(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        FILE *w = fdopen(fds[1], "w");
        fputs("\xEF\xBB\xBFid,text\r\n", w);
        for (long i = 1; i <= 300000; i++)
            fprintf(w, i % 5000 == 0 ? "%ld,\"q,\nq\"\r\n" : "%ld,plain\r\n", i);
        fclose(w);
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    struct ics_csv_scan *scan;
    struct ics_error err;
    CHECK_INT(ics_csv_scan_open("-", NULL, &scan, &err), ICS_OK);
    CHECK(!ics_csv_scan_rewindable(scan));
    const char *id[] = {"id", NULL};
    CHECK_INT(ics_csv_header_find(ics_csv_scan_header(scan), id), 0);
    struct sum_worker w = {0};
    void *workers[1] = {&w};
    struct ics_csv_scan_options opt = {.threads = 1, .want_fields = 2, .row = sum_row, .workers = workers};
    struct ics_csv_scan_result res;
    CHECK_INT(ics_csv_scan_run(scan, &opt, &res, &err), ICS_OK);
    long long expect_sum = 0, expect_rows = 0, expect_text = 0;
    for (long i = 1; i <= 300000; i++) {
        if (i % 1000 == 7)
            continue;
        expect_sum += i;
        expect_rows++;
        expect_text += i % 5000 == 0 ? 4 : 5;
    }
    CHECK_INT(w.id_sum, expect_sum);
    CHECK_INT(w.rows, expect_rows);
    CHECK_INT(w.text_bytes, expect_text);
    CHECK_INT(res.rows, 300000);
    ics_csv_scan_close(scan);
    dup2(saved, 0);
    close(saved);
}

static void test_alloc_failures_do_not_crash(void)
{
    static const char text[] = "a,b\n1,\"x\"\"y\"\n2,3\n";
    /* Fail each allocation in turn: every call must return an error or succeed. */
    for (long n = 0; n < 20; n++) {
        ics_alloc_fail_after(n);
        struct ics_csv_reader *r = NULL;
        struct ics_error err;
        int rc = ics_csv_open_memory(text, sizeof text - 1, "a.csv", &r, &err);
        if (rc == ICS_OK) {
            struct ics_csv_row row;
            while ((rc = ics_csv_next(r, &row, &err)) == 1)
                ;
            CHECK(rc == 0 || rc == ICS_ERR_NOMEM);
            ics_csv_close(r);
        } else {
            CHECK_INT(rc, ICS_ERR_NOMEM);
        }
    }
    ics_alloc_fail_after(-1);
}

/* An empty quoted field "" is an empty field with a real pointer (the slow
 * path's scratch buffer may not exist yet: no memcpy to or from NULL). */
static void test_empty_quoted_fields(void)
{
    static const char text[] = "a,b,c\n\"\",\"\",\"\"\nx,\"\",\"y\"\n";
    struct ics_csv_reader *r;
    struct ics_error err;
    CHECK_INT(ics_csv_open_memory(text, sizeof text - 1, "e.csv", &r, &err), ICS_OK);
    struct ics_csv_row row;
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.nfields, 3);
    for (int i = 0; i < row.nfields; i++) {
        CHECK(row.fields[i].ptr != NULL);
        CHECK_INT(row.fields[i].len, 0);
    }
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK(field_is(&row, 0, "x"));
    CHECK(field_is(&row, 1, "") && row.fields[1].ptr != NULL);
    CHECK(field_is(&row, 2, "y"));
    CHECK_INT(ics_csv_next(r, &row, &err), 0);
    ics_csv_close(r);
}

/* A NUL byte anywhere in a row sets has_nul, on the SSE2 path (32 bytes or
 * more before the line end), the scalar path (a short last line) and the
 * quoted path; fields keep every byte (the NUL is not an end). */
static void test_nul_bytes_flagged(void)
{
    static const char text[] = "code,long_enough_column_to_take_the_fast_path\n"
                               "R\0A,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                               "RAA,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                               "\"R\0B\",\"q\"\n"
                               "RCC,y\n"
                               "R\0D,z";
    struct ics_csv_reader *r;
    struct ics_error err;
    CHECK_INT(ics_csv_open_memory(text, sizeof text - 1, "n.csv", &r, &err), ICS_OK);
    struct ics_csv_row row;
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.has_nul, 1);
    CHECK_INT(row.fields[0].len, 3);
    CHECK(memcmp(row.fields[0].ptr, "R\0A", 3) == 0);
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.has_nul, 0);
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.has_nul, 1);
    CHECK(row.fields[0].len == 3 && memcmp(row.fields[0].ptr, "R\0B", 3) == 0);
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.has_nul, 0);
    CHECK_INT(ics_csv_next(r, &row, &err), 1);
    CHECK_INT(row.has_nul, 1);
    CHECK(row.fields[0].len == 3 && memcmp(row.fields[0].ptr, "R\0D", 3) == 0);
    ics_csv_close(r);
}

static int reject_all(void *w, struct ics_csv_row *row)
{
    (void)w;
    if (row->fields[0].len > 0 && row->fields[0].ptr[0] == 'b')
        ics_csv_reject(row, 1, "bad");
    return 0;
}

/* Writes a file of over 4 MB (so two threads split it) with a bad row near
 * each end; returns its path in `path`. */
static void write_two_part_file(char *path)
{
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("id,x\n", f);
    for (long i = 1; i <= 400000; i++)   /* 14 bytes a row: 5.6 MB */
        fputs(i == 10 || i == 399990 ? "bad,123456789\n" : "good,12345678\n", f);
    fclose(f);
}

/* A rejects file that cannot be written fails the scan with ICS_ERR_IO naming
 * it, even when every write was buffered (a full disk: /dev/full). */
static void test_rejects_write_error(void)
{
    static const char text[] = "id,x\nbad,1\ngood,2\n";
    char path[] = "/tmp/ics_test_csvfull_XXXXXX";
    int fd = mkstemp(path);
    CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    close(fd);
    FILE *full = fopen("/dev/full", "w");
    CHECK(full != NULL);
    if (!full)
        return;
    struct ics_csv_scan *scan;
    struct ics_error err;
    CHECK_INT(ics_csv_scan_open(path, "f.csv", &scan, &err), ICS_OK);
    int dummy;
    void *workers[1] = {&dummy};
    struct ics_csv_scan_options opt = {.threads = 1, .want_fields = 1, .row = reject_all, .workers = workers,
                                       .rejects = full, .rejects_name = "/dev/full"};
    struct ics_csv_scan_result res;
    CHECK_INT(ics_csv_scan_run(scan, &opt, &res, &err), ICS_ERR_IO);
    CHECK_STR(err.message, "cannot write the rejects file '/dev/full': No space left on device");
    CHECK_INT(res.rejected, 1);
    ics_csv_scan_close(scan);
    fclose(full);
    unlink(path);
}

/* The second thread's rejects are spooled to a temporary file in $TMPDIR;
 * when it cannot be made the scan fails (never a silent loss of rows); with
 * a working TMPDIR both bad rows reach the rejects file in order. */
static void test_rejects_spool_failure(void)
{
    char path[] = "/tmp/ics_test_csvspool_XXXXXX";
    write_two_part_file(path);
    const char *saved = getenv("TMPDIR");
    char *keep = saved ? strdup(saved) : NULL;
    for (int broken = 0; broken <= 1; broken++) {
        if (broken)
            setenv("TMPDIR", "/nonexistent", 1);
        struct ics_csv_scan *scan;
        struct ics_error err;
        CHECK_INT(ics_csv_scan_open(path, "two.csv", &scan, &err), ICS_OK);
        int dummy[2];
        void *workers[2] = {&dummy[0], &dummy[1]};
        char *rej = NULL;
        size_t rej_len = 0;
        FILE *rf = open_memstream(&rej, &rej_len);
        struct ics_csv_scan_options opt = {.threads = 2, .want_fields = 1, .row = reject_all, .workers = workers,
                                           .rejects = rf};
        struct ics_csv_scan_result res;
        int rc = ics_csv_scan_run(scan, &opt, &res, &err);
        fclose(rf);
        if (broken) {
            CHECK_INT(rc, ICS_ERR_IO);
            CHECK_STR(err.message, "cannot keep the rejected rows of two.csv: cannot create a temporary file in "
                                   "/nonexistent: No such file or directory");
        } else {
            CHECK_INT(rc, ICS_OK);
            CHECK_INT(res.threads_used, 2);
            CHECK_INT(res.rejected, 2);
            /* header line 1, row i on line i + 1 */
            CHECK_STR(rej, "line,reason,raw\n11,bad,\"bad,123456789\"\n399991,bad,\"bad,123456789\"\n");
        }
        free(rej);
        ics_csv_scan_close(scan);
    }
    if (keep) {
        setenv("TMPDIR", keep, 1);
        free(keep);
    } else {
        unsetenv("TMPDIR");
    }
    unlink(path);
}

int main(void)
{
    RUN(test_rfc4180_pull);
    RUN(test_unterminated_quote);
    RUN(test_empty_input);
    RUN(test_write_field);
    RUN(test_scan_threads_and_quoted_boundary);
    RUN(test_scan_stop_first_in_file_order);
    RUN(test_scan_pipe);
    RUN(test_alloc_failures_do_not_crash);
    RUN(test_empty_quoted_fields);
    RUN(test_nul_bytes_flagged);
    RUN(test_rejects_write_error);
    RUN(test_rejects_spool_failure);
    return TEST_SUMMARY("csv");
}
