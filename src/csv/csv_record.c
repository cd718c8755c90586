/*
 * The CSV reader. One record parser serves the pull reader and the scan.
 *
 * Fast path: find the line end with memchr, check the line for a quote with
 * memchr, and if there is none split it on commas in place (fields point into
 * the mapping, nothing is copied). Slow path, only for lines with a quote (or
 * a NUL byte, which it notes in row->has_nul): a small RFC 4180 state machine
 * that may run over several physical lines and unescapes quoted fields into a
 * scratch buffer.
 *
 * The scan splits a memory-mapped file into one part per thread at line
 * boundaries. A line boundary is not always a record boundary (a quoted field
 * may hold a newline), so each part is parsed speculatively and checked
 * afterwards: part k is right exactly when part k-1 ended where part k began.
 * A part that started inside a quoted field is thrown away (the caller's reset
 * function) and parsed again from the true boundary. This costs nothing on
 * ordinary files, unlike a pre-pass counting quotes.
 *
 * Line numbers in a part are counted from the part's start and made absolute
 * after all parts are done, when the line count of every earlier part is
 * known. Rejected rows of part 0 go straight to the rejects file; those of
 * later parts are spooled to a temporary file in a binary layout and copied
 * out in order with absolute line numbers, so memory stays constant however
 * many rows are rejected.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv_internal.h"

/* ---- record splitting ---------------------------------------------------- */

int icsi_csv_splitter_reserve(struct splitter *sp, int want)
{
    if (want <= sp->cap)
        return 0;
    int cap = sp->cap ? sp->cap : 16;
    while (cap < want)
        cap *= 2;
    struct ics_csv_field *f = ics_realloc(sp->fields, (size_t)cap * sizeof *f);
    if (!f)
        return -1;
    sp->fields = f;
    size_t *o = ics_realloc(sp->offsets, (size_t)cap * sizeof *o);
    if (!o)
        return -1;
    sp->offsets = o;
    sp->cap = cap;
    return 0;
}

void icsi_csv_splitter_release(struct splitter *sp)
{
    ics_free(sp->fields);
    ics_free(sp->offsets);
    ics_free(sp->scratch);
    memset(sp, 0, sizeof *sp);
}

static int scratch_put(struct splitter *sp, const char *s, size_t n)
{
    /* Nothing to add (an empty quoted field ""): the scratch buffer may not
     * exist yet, and memcpy to a null pointer is undefined even for 0 bytes. */
    if (n == 0)
        return 0;
    if (sp->scratch_len + n > sp->scratch_cap) {
        size_t cap = sp->scratch_cap ? sp->scratch_cap : 256;
        while (cap < sp->scratch_len + n)
            cap *= 2;
        char *b = ics_realloc(sp->scratch, cap);
        if (!b)
            return -1;
        sp->scratch = b;
        sp->scratch_cap = cap;
    }
    memcpy(sp->scratch + sp->scratch_len, s, n);
    sp->scratch_len += n;
    return 0;
}

/*
 * The slow path: a record with at least one quote on its first line.
 * Splits up to `want` fields (all fields are still walked, to find the end).
 */
static int parse_quoted(struct splitter *sp, const char *p, const char *end, int at_eof, int want,
                        struct ics_csv_row *row, const char **next, long *newlines)
{
    const char *s = p;
    long nl = 0;
    int n = 0;
    sp->scratch_len = 0;
    for (;;) {
        /* One field starts at s. */
        size_t start = sp->scratch_len;
        int store = n < want;
        if (s < end && *s == '"') {
            s++;
            for (;;) {
                const char *q = memchr(s, '"', (size_t)(end - s));
                if (!q) {
                    if (!at_eof)
                        return PARSE_NEED_MORE;
                    return PARSE_UNTERMINATED;
                }
                for (const char *c = s; c < q; c++)
                    nl += *c == '\n';
                if (store && scratch_put(sp, s, (size_t)(q - s)))
                    return PARSE_NOMEM;
                if (q + 1 < end && q[1] == '"') {
                    if (store && scratch_put(sp, "\"", 1))
                        return PARSE_NOMEM;
                    s = q + 2;
                    continue;
                }
                if (q + 1 >= end && !at_eof)
                    return PARSE_NEED_MORE;   /* cannot tell "" from " yet */
                s = q + 1;
                break;
            }
            /* Text after the closing quote, up to the separator, is kept as it
             * stands (lenient, as most spreadsheet exports expect). */
        }
        const char *t = s;
        while (t < end && *t != ',' && *t != '\n')
            t++;
        if (t >= end && !at_eof)
            return PARSE_NEED_MORE;
        const char *text_end = t;
        if (t < end && *t == '\n' && text_end > s && text_end[-1] == '\r')
            text_end--;
        else if (t >= end && text_end > s && text_end[-1] == '\r')
            text_end--;
        if (store) {
            if (scratch_put(sp, s, (size_t)(text_end - s)))
                return PARSE_NOMEM;
            sp->offsets[n] = start;
            sp->fields[n].len = (uint32_t)(sp->scratch_len - start);
        }
        n++;
        if (t < end && *t == ',') {
            s = t + 1;
            continue;
        }
        /* End of record: a newline or the end of the input. */
        const char *raw_end = text_end;
        if (t < end) {
            nl++;
            *next = t + 1;
        } else {
            *next = end;
        }
        int stored = n < want ? n : want;
        for (int i = 0; i < stored; i++)
            sp->fields[i].ptr = sp->scratch ? sp->scratch + sp->offsets[i] : p;   /* every field empty: no scratch */
        row->fields = sp->fields;
        row->nfields = stored;
        row->raw = p;
        row->raw_len = (size_t)(raw_end - p);
        row->has_nul = memchr(p, '\0', row->raw_len) != NULL;
        *newlines = nl;
        return PARSE_ROW;
    }
}

#if defined(__SSE2__)
/*
 * The fast path with SSE2: one pass classifies 32 bytes at a time into
 * commas, line ends and quotes (or NULs), and fields are cut at the comma
 * bits. Returns 1 with the row split, 0 when the line holds a quote or a NUL
 * (the caller takes the slow path), or -1 when fewer than 32 bytes remain before the line end is
 * found (the caller takes the scalar path; never reads past `end`).
 */
static int split_sse2(struct splitter *sp, const char *p, const char *end, int want, struct ics_csv_row *row,
                      const char **next, long *newlines)
{
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    const __m128i nul = _mm_setzero_si128();
    struct ics_csv_field *f = sp->fields;
    const char *s = p, *field_start = p;
    int n = 0;
    while (end - s >= 32) {
        /* 32 bytes a step: two 16-byte compares folded into 32-bit masks */
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
        uint32_t mc = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, comma)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, comma)) << 16;
        uint32_t mn = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, lf)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, lf)) << 16;
        /* a quote or a NUL byte: the slow path (which notes the NUL) */
        uint32_t mq = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v0, quote), _mm_cmpeq_epi8(v0, nul))) |
                      (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v1, quote), _mm_cmpeq_epi8(v1, nul)))
                          << 16;
        uint32_t before = mn ? (mn & (0u - mn)) - 1 : 0xFFFFFFFFu;   /* bits before the line end */
        if (mq & before)
            return 0;
        uint32_t commas = mc & before;
        while (commas && n < want) {
            const char *c = s + __builtin_ctz(commas);
            f[n].ptr = field_start;
            f[n].len = (uint32_t)(c - field_start);
            n++;
            field_start = c + 1;
            commas &= commas - 1;
        }
        if (mn) {
            const char *nl = s + __builtin_ctz(mn);
            size_t content_len = (size_t)(nl - p);
            if (content_len > 0 && p[content_len - 1] == '\r')
                content_len--;
            const char *content_end = p + content_len;
            if (content_len == 0) {
                n = 0;
            } else if (n < want) {
                /* the last field runs to the line end (less a CR) */
                f[n].ptr = field_start;
                f[n].len = field_start <= content_end ? (uint32_t)(content_end - field_start) : 0;
                n++;
            }
            row->fields = f;
            row->nfields = n;
            row->raw = p;
            row->raw_len = content_len;
            row->has_nul = 0;
            *next = nl + 1;
            *newlines = 1;
            return 1;
        }
        s += 32;
    }
    return -1;
}
#endif

/*
 * Parses one record at p (p < end). Returns PARSE_ROW with *next after the
 * record's line end and *newlines the line ends consumed, PARSE_NEED_MORE when
 * the record may go on past `end` and more input can come, or an error.
 * A blank line gives a row with nfields 0 and raw_len 0.
 */
int icsi_csv_parse_record(struct splitter *sp, const char *p, const char *end, int at_eof, int want,
                        struct ics_csv_row *row, const char **next, long *newlines)
{
#if defined(__SSE2__)
    int fast = split_sse2(sp, p, end, want, row, next, newlines);
    if (fast > 0)
        return PARSE_ROW;
    if (fast == 0)
        return parse_quoted(sp, p, end, at_eof, want, row, next, newlines);
#endif
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl && !at_eof)
        return PARSE_NEED_MORE;
    size_t content_len = (size_t)((nl ? nl : end) - p);
    if (content_len > 0 && p[content_len - 1] == '\r')
        content_len--;
    const char *content_end = p + content_len;
    if (memchr(p, '"', content_len) || memchr(p, '\0', content_len))
        return parse_quoted(sp, p, end, at_eof, want, row, next, newlines);

    int n = 0;
    if (content_end > p) {
        struct ics_csv_field *f = sp->fields;
        const char *s = p;
        while (n < want) {
            const char *c = s;
            while (c < content_end && *c != ',')
                c++;
            f[n].ptr = s;
            f[n].len = (uint32_t)(c - s);
            n++;
            if (c == content_end)
                break;
            s = c + 1;
            if (s == content_end && n < want) {
                /* A trailing comma ends with an empty field. */
                f[n].ptr = s;
                f[n].len = 0;
                n++;
                break;
            }
        }
    }
    row->fields = sp->fields;
    row->nfields = n;
    row->raw = p;
    row->raw_len = content_len;
    row->has_nul = 0;
    *next = nl ? nl + 1 : end;
    *newlines = nl ? 1 : 0;
    return PARSE_ROW;
}
