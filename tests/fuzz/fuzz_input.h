/*
 * What the fuzz targets share: the input as a file (the readers under test take
 * a path, as the CLI gives them), and a failed invariant as a crash that
 * libFuzzer and the corpus replay both report.
 */
#ifndef ICS_FUZZ_INPUT_H
#define ICS_FUZZ_INPUT_H

#include <ics/core.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The bytes in an unlinked temporary file; *path names it through /proc/self/fd
 * so the reader opens it as it would any file. NULL if the file cannot be made. */
static inline FILE *fuzz_input_file(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    struct ics_error err;
    ics_error_clear(&err);
    FILE *f = ics_tempfile(&err);
    if (!f)
        return NULL;
    if ((size && fwrite(data, 1, size, f) != size) || fflush(f) != 0) {
        fclose(f);
        return NULL;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fileno(f));
    return f;
}

#define FUZZ_ASSERT(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
        abort(); \
    } } while (0)

#endif
