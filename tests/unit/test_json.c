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

/* Invalid UTF-8 in a string: each invalid sequence becomes U+FFFD (EF BF BD),
 * one per "maximal subpart". Expected by hand from the UTF-8 table (RFC 3629)
 * and checked against Python's bytes.decode("utf-8", "replace"). */
static void test_invalid_utf8_replaced(void)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"\xC0\xAF", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},                      /* overlong '/' : C0 never leads */
        {"\xE0\x80\xAF", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},      /* overlong: E0 needs A0..BF next */
        {"a\xE2\x82" "b", 4, "\"a\xEF\xBF\xBD" "b\""},                        /* truncated, then ASCII */
        {"x\xE2\x82", 3, "\"x\xEF\xBF\xBD\""},                                /* truncated at the end */
        {"\xED\xA0\x80", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},      /* surrogate U+D800 */
        {"\x80", 1, "\"\xEF\xBF\xBD\""},                                      /* stray continuation */
        {"\xBF\xBF", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},                      /* two stray */
        {"\xF4\x90\x80\x80", 4, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},   /* above U+10FFFF */
        {"\xF0\x9F\x98", 3, "\"\xEF\xBF\xBD\""},                              /* 4-byte cut short */
        {"\xC2\xA3\xE2\x82\xAC\xF0\x9F\x98\x80", 9, "\"\xC2\xA3\xE2\x82\xAC\xF0\x9F\x98\x80\""},   /* valid: kept */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = open_buf();
        struct ics_json j;
        ics_json_init(&j, f, 0);
        ics_json_string_n(&j, cases[i].in, cases[i].len);
        CHECK_INT(ics_json_finish(&j), 0);
        fclose(f);
        size_t n = strlen(cases[i].out);
        CHECK(len == n + 1 && memcmp(buf, cases[i].out, n) == 0);
        if (len != n + 1 || memcmp(buf, cases[i].out, n) != 0)
            fprintf(stderr, "  case %zu\n", i);
        free(buf);
    }
    /* ics_utf8_char: lengths of valid characters, minus the length of invalid runs */
    CHECK_INT(ics_utf8_char("A", 1), 1);
    CHECK_INT(ics_utf8_char("\xC2\xA3", 2), 2);
    CHECK_INT(ics_utf8_char("\xE2\x82\xAC", 3), 3);
    CHECK_INT(ics_utf8_char("\xF0\x9F\x98\x80", 4), 4);
    CHECK_INT(ics_utf8_char("\xE2\x82\xAC", 2), -2);   /* cut short by len */
    CHECK_INT(ics_utf8_char("\xED\xA0\x80", 3), -1);
    CHECK_INT(ics_utf8_char("\xC0\xAF", 2), -1);
}

/* Text quoted in messages: control bytes, C1 controls and invalid UTF-8 as
 * \xHH, valid UTF-8 kept, and a text too long for the buffer cut with "...". */
static void test_printable_text(void)
{
    char b[64];
    CHECK_STR(ics_text_printable("R\x01" "A\x7F", 4, b, sizeof b), "R\\x01A\\x7f");
    CHECK_STR(ics_text_printable("a\0b", 3, b, sizeof b), "a\\x00b");
    CHECK_STR(ics_text_printable("\xC2\xA3" "5 \xC2\x9B" "x", 7, b, sizeof b), "\xC2\xA3" "5 \\xc2\\x9bx");
    CHECK_STR(ics_text_printable("\xFF\xE2\x82", 3, b, sizeof b), "\\xff\\xe2\\x82");
    /* 10 bytes into 8 (7 shown): 4 bytes and "..." */
    CHECK_STR(ics_text_printable("abcdefghij", 10, b, 8), "abcd...");
    /* exactly fits: no cut */
    CHECK_STR(ics_text_printable("abcdefg", 7, b, 8), "abcdefg");
    /* an escape is never split: "ab" + \x01 (4) would need 6 + "..." */
    CHECK_STR(ics_text_printable("ab\x01" "cdefgh", 9, b, 8), "ab...");
    /* a multi-byte character is never split */
    CHECK_STR(ics_text_printable("abc\xE2\x82\xAC" "defg", 10, b, 8), "abc...");
}

int main(void)
{
    RUN(test_document);
    RUN(test_pretty);
    RUN(test_misuse);
    RUN(test_format_double);
    RUN(test_invalid_utf8_replaced);
    RUN(test_printable_text);
    return TEST_SUMMARY("json");
}
