/* The streaming JSON writer: structure, escaping, numbers, misuse. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ics/core.h"

static char *buf;
static size_t len;

static FILE *open_buf(void)
{
    buf = NULL;
    len = 0;
    return open_memstream(&buf, &len);
}

static void test_document(void)
{
    FILE *f = open_buf();
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    ics_json_kv_string(&j, "name", "a \"q\" \\ \n\t\x01");
    ics_json_kv_int(&j, "n", -9007199254740993LL);
    ics_json_kv_double(&j, "x", 0.1);
    ics_json_kv_double(&j, "third", 1.0 / 3);
    ics_json_kv_double(&j, "nan", NAN);
    ics_json_kv_double(&j, "negzero", -0.0);
    ics_json_key(&j, "fixed");
    ics_json_double_fixed(&j, -0.001, 2);
    ics_json_kv_bool(&j, "t", 1);
    ics_json_kv_null(&j, "z");
    ics_json_key(&j, "list");
    ics_json_array_begin(&j);
    ics_json_int(&j, 1);
    ics_json_array_begin(&j);
    ics_json_array_end(&j);
    ics_json_object_begin(&j);
    ics_json_object_end(&j);
    ics_json_array_end(&j);
    ics_json_object_end(&j);
    CHECK_INT(ics_json_finish(&j), 0);
    fclose(f);
    CHECK_STR(buf, "{\"name\":\"a \\\"q\\\" \\\\ \\n\\t\\u0001\",\"n\":-9007199254740993,\"x\":0.1,"
                   "\"third\":0.3333333333333333,\"nan\":null,\"negzero\":0,\"fixed\":0.00,\"t\":true,"
                   "\"z\":null,\"list\":[1,[],{}]}\n");
    free(buf);
}

static void test_pretty(void)
{
    FILE *f = open_buf();
    struct ics_json j;
    ics_json_init(&j, f, 1);
    ics_json_object_begin(&j);
    ics_json_key(&j, "a");
    ics_json_array_begin(&j);
    ics_json_int(&j, 1);
    ics_json_int(&j, 2);
    ics_json_array_end(&j);
    ics_json_object_end(&j);
    CHECK_INT(ics_json_finish(&j), 0);
    fclose(f);
    CHECK_STR(buf, "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
    free(buf);
}

static void test_misuse(void)
{
    FILE *f = open_buf();
    struct ics_json j;
    ics_json_init(&j, f, 0);
    ics_json_object_begin(&j);
    ics_json_int(&j, 1);          /* a value where a key is due */
    CHECK_INT(ics_json_finish(&j), -1);
    ics_json_init(&j, f, 0);
    ics_json_array_begin(&j);
    ics_json_object_end(&j);      /* wrong close */
    CHECK_INT(ics_json_finish(&j), -1);
    ics_json_init(&j, f, 0);
    ics_json_array_begin(&j);     /* left open */
    CHECK_INT(ics_json_finish(&j), -1);
    fclose(f);
    free(buf);
}

static void test_format_double(void)
{
    char b[40];
    CHECK_INT(ics_format_double(0.1, b, sizeof b), 3);
    CHECK_STR(b, "0.1");
    ics_format_double(2.0 / 3, b, sizeof b);
    CHECK_STR(b, "0.6666666666666666");
    CHECK(strtod(b, NULL) == 2.0 / 3);
    ics_format_double(1e21, b, sizeof b);
    CHECK_STR(b, "1e+21");
    ics_format_double(-1.5e-7, b, sizeof b);
    CHECK_STR(b, "-1.5e-07");
    CHECK_INT(ics_format_double(INFINITY, b, sizeof b), 0);
    CHECK_STR(b, "");
    ics_format_double(0.30000000000000004, b, sizeof b);
    CHECK_STR(b, "0.30000000000000004");
}

int main(void)
{
    RUN(test_document);
    RUN(test_pretty);
    RUN(test_misuse);
    RUN(test_format_double);
    return TEST_SUMMARY("json");
}
