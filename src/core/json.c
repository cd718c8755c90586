#include "ics/core.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ics_format_double(double v, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    if (!isfinite(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (v == 0) /* also folds -0 into 0: a signed zero means nothing to a reader */
        v = 0;
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, v);
        if (n < 0 || (size_t)n >= size) {
            buf[0] = '\0';
            return 0;
        }
        if (strtod(buf, NULL) == v)
            break;
    }
    return n;
}

void ics_json_init(struct ics_json *j, FILE *out, int pretty)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->pretty = pretty;
}

static void newline_indent(struct ics_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Called before any value: writes the separating comma and checks that a
 * value may stand here (top level once, in an array, or after a key). */
static int before_value(struct ics_json *j)
{
    if (j->error)
        return -1;
    if (j->depth == 0) {
        return 0;
    }
    int top = j->depth - 1;
    if (j->kind[top] == 'o') {
        if (!j->after_key) {
            j->error = 1;
            return -1;
        }
        j->after_key = 0;
        return 0;
    }
    if (j->count[top])
        fputc(',', j->out);
    j->count[top] = 1;
    newline_indent(j);
    return 0;
}

static void write_escaped(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20) {
                fprintf(out, "\\u%04x", c);
            } else if (c < 0x80) {
                fputc(c, out);
            } else {
                /* Valid UTF-8 as it stands; each invalid sequence as U+FFFD,
                 * so the document is always valid UTF-8 (RFC 8259 8.1). */
                int n = ics_utf8_char(s + i, len - i);
                if (n > 0)
                    fwrite(s + i, 1, (size_t)n, out);
                else
                    fputs("\xEF\xBF\xBD", out);
                i += (size_t)(n > 0 ? n : -n) - 1;
            }
        }
    }
    fputc('"', out);
}

static void open_container(struct ics_json *j, char kind)
{
    if (before_value(j) != 0)
        return;
    if (j->depth >= ICS_JSON_MAX_DEPTH) {
        j->error = 1;
        return;
    }
    fputc(kind == 'o' ? '{' : '[', j->out);
    j->kind[j->depth] = (unsigned char)kind;
    j->count[j->depth] = 0;
    j->depth++;
}

static void close_container(struct ics_json *j, char kind)
{
    if (j->error)
        return;
    if (j->depth == 0 || j->kind[j->depth - 1] != (unsigned char)kind || j->after_key) {
        j->error = 1;
        return;
    }
    int had = j->count[j->depth - 1];
    j->depth--;
    if (had)
        newline_indent(j);
    fputc(kind == 'o' ? '}' : ']', j->out);
}

void ics_json_object_begin(struct ics_json *j) { open_container(j, 'o'); }
void ics_json_object_end(struct ics_json *j) { close_container(j, 'o'); }
void ics_json_array_begin(struct ics_json *j) { open_container(j, 'a'); }
void ics_json_array_end(struct ics_json *j) { close_container(j, 'a'); }

void ics_json_key(struct ics_json *j, const char *key)
{
    if (j->error)
        return;
    if (j->depth == 0 || j->kind[j->depth - 1] != 'o' || j->after_key) {
        j->error = 1;
        return;
    }
    int top = j->depth - 1;
    if (j->count[top])
        fputc(',', j->out);
    j->count[top] = 1;
    newline_indent(j);
    write_escaped(j->out, key, strlen(key));
    fputs(j->pretty ? ": " : ":", j->out);
    j->after_key = 1;
}

void ics_json_string_n(struct ics_json *j, const char *s, size_t len)
{
    if (before_value(j) == 0)
        write_escaped(j->out, s, len);
}

void ics_json_string(struct ics_json *j, const char *s)
{
    if (!s) {
        ics_json_null(j);
        return;
    }
    ics_json_string_n(j, s, strlen(s));
}

void ics_json_int(struct ics_json *j, int64_t v)
{
    if (before_value(j) == 0)
        fprintf(j->out, "%" PRId64, v);
}

void ics_json_raw_number(struct ics_json *j, const char *text)
{
    if (before_value(j) == 0)
        fputs(text, j->out);
}

void ics_json_double(struct ics_json *j, double v)
{
    if (before_value(j) != 0)
        return;
    char buf[40];
    if (ics_format_double(v, buf, sizeof buf) > 0)
        fputs(buf, j->out);
    else
        fputs("null", j->out);
}

void ics_json_double_fixed(struct ics_json *j, double v, int decimals)
{
    if (before_value(j) != 0)
        return;
    if (!isfinite(v)) {
        fputs("null", j->out);
        return;
    }
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    /* "-0.00" would read as a negative amount that is not there */
    int zero = 1;
    for (const char *p = buf; *p; p++)
        if (*p >= '1' && *p <= '9')
            zero = 0;
    fputs(zero && buf[0] == '-' ? buf + 1 : buf, j->out);
}

void ics_json_bool(struct ics_json *j, int v)
{
    if (before_value(j) == 0)
        fputs(v ? "true" : "false", j->out);
}

void ics_json_null(struct ics_json *j)
{
    if (before_value(j) == 0)
        fputs("null", j->out);
}

void ics_json_kv_string(struct ics_json *j, const char *key, const char *s)
{
    ics_json_key(j, key);
    ics_json_string(j, s);
}

void ics_json_kv_int(struct ics_json *j, const char *key, int64_t v)
{
    ics_json_key(j, key);
    ics_json_int(j, v);
}

void ics_json_kv_double(struct ics_json *j, const char *key, double v)
{
    ics_json_key(j, key);
    ics_json_double(j, v);
}

void ics_json_kv_bool(struct ics_json *j, const char *key, int v)
{
    ics_json_key(j, key);
    ics_json_bool(j, v);
}

void ics_json_kv_null(struct ics_json *j, const char *key)
{
    ics_json_key(j, key);
    ics_json_null(j);
}

int ics_json_finish(struct ics_json *j)
{
    if (j->error || j->depth != 0 || j->after_key)
        return -1;
    fputc('\n', j->out);
    return 0;
}
