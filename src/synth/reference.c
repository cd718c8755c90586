/* The embedded reference tables of the spell generator, read through the
 * public API (ics/synth.h), and the trim points it models. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ics/synth.h"
#include "tables.h"

size_t ics_synth_trust_count(void)
{
    return icsi_synth_trust_count;
}

struct ics_synth_trust_info ics_synth_trust(size_t i)
{
    struct ics_synth_trust_info info = {NULL, NULL, 0};
    if (i < icsi_synth_trust_count) {
        info.code = icsi_synth_trusts[i].code;
        info.name = icsi_synth_trusts[i].name;
        info.beds = icsi_synth_trusts[i].beds;
    }
    return info;
}

size_t ics_synth_hrg_count(void)
{
    return icsi_synth_hrg_count;
}

struct ics_synth_hrg_info ics_synth_hrg(size_t i)
{
    struct ics_synth_hrg_info info = {NULL, 0, 0};
    if (i < icsi_synth_hrg_count) {
        info.code = icsi_synth_hrgs[i].code;
        info.elective_trimpoint = (int)icsi_synth_hrgs[i].trimpoint;
        info.non_elective_trimpoint = (int)icsi_synth_hrgs[i].trimpoint;
    }
    return info;
}

int ics_synth_write_trimpoints(FILE *out, struct ics_error *err)
{
    errno = 0;
    fputs("hrg,elective_trimpoint_days,non_elective_trimpoint_days\n", out);
    for (size_t i = 0; i < icsi_synth_hrg_count; i++) {
        struct ics_synth_hrg_info h = ics_synth_hrg(i);
        if (h.elective_trimpoint > 0)
            fprintf(out, "%s,%d,%d\n", h.code, h.elective_trimpoint, h.non_elective_trimpoint);
    }
    if (fflush(out) != 0 || ferror(out))
        return ics_error_set(err, ICS_ERR_IO, "error writing trim points: %s",
                             errno ? strerror(errno) : "write failed");
    return ICS_OK;
}
