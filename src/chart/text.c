/* Text measurement and wrapping for chart layout (see svg_internal.h). */
#include "svg_internal.h"

#include <string.h>

/* Helvetica's advance widths (1/1000 em) for ' ' .. '~', the metrics Arial
 * shares; a renderer substituting another sans-serif comes within a few per
 * cent, and the layout leaves that much room. */
static const unsigned short advance[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, /* ' ' .. '/' */
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556,                               /* 0 .. 9 */
    278, 278, 584, 584, 584, 556, 1015,                                             /* : .. @ */
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,                /* A .. M */
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,                /* N .. Z */
    278, 278, 278, 469, 556, 333,                                                   /* [ .. ` */
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,                /* a .. m */
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,                /* n .. z */
    334, 260, 334, 584,                                                             /* { .. ~ */
};

double icsi_svg_text_width(const char *text, int size, int bold)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 32 && *p < 127)
            w += advance[*p - 32];
        else if ((*p & 0xc0) != 0x80)   /* a UTF-8 lead byte: one character of average width */
            w += 600;
    }
    /* 1.15: DejaVu Sans, which renderers without Arial fall back to, is that much wider */
    return w / 1000.0 * size * 1.15 * (bold ? 1.07 : 1.0);
}

/* Copies up to len bytes of s into a line, ending it with "..." when `cut`. */
static void put_line(char *line, size_t line_size, const char *s, size_t len, int cut)
{
    if (line_size == 0)
        return;
    if (len >= line_size)
        len = line_size - 1;
    memcpy(line, s, len);
    line[len] = '\0';
    if (cut) {
        size_t n = strlen(line);
        while (n && line[n - 1] == ' ')
            line[--n] = '\0';
        if (n + 4 <= line_size)
            memcpy(line + n, "...", 4);
    }
}

static double prefix_width(const char *s, size_t len, int size, int bold)
{
    char tmp[1024];
    if (len >= sizeof tmp)
        len = sizeof tmp - 1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    return icsi_svg_text_width(tmp, size, bold);
}

int icsi_svg_wrap(const char *text, double width, int size, int bold, char *lines, size_t line_size,
                  int max_lines)
{
    const char *p = text;
    double dots = icsi_svg_text_width("...", size, bold);
    int n = 0;
    while (*p == ' ')
        p++;
    while (*p && n < max_lines) {
        size_t total = strlen(p);
        char *line = lines + (size_t)n * line_size;
        if (total < line_size && prefix_width(p, total, size, bold) <= width) {
            put_line(line, line_size, p, total, 0);
            return n + 1;
        }
        int last = n + 1 == max_lines;
        double room = width - (last ? dots : 0);
        /* the longest run of whole words that fits (with "..." on the last line) */
        size_t best = 0;
        for (size_t i = 1; i < total && i < line_size; i++)
            if (p[i] == ' ' && prefix_width(p, i, size, bold) <= room)
                best = i;
        int cut = last;
        if (best == 0) {
            /* one word wider than a line: cut it, never inside a UTF-8 character */
            for (size_t i = 1; i < total && i + 4 < line_size; i++)
                if (((unsigned char)p[i] & 0xc0) != 0x80 && prefix_width(p, i, size, bold) + dots <= width)
                    best = i;
            if (best == 0)
                for (best = 1; best < total && ((unsigned char)p[best] & 0xc0) == 0x80; best++)
                    ;
            cut = 1;
        }
        put_line(line, line_size, p, best, cut);
        n++;
        if (last)
            return n;
        p += best;
        while (*p == ' ')
            p++;
    }
    return n;
}
