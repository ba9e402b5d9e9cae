/* Folded stacks, the text flamegraph.pl and speedscope read: one line per
 * stack, frames root first joined by ';', a space, the count. */
#include <inttypes.h>

#include "profile.h"

/* A ';' or a line break inside a name would split the frame or the line. */
static void put_frame(struct out_str *s, const char *name) {
    for (const char *c = name; *c; c++)
        out_str_putc(s, *c == ';' ? ':' : *c == '\n' ? ' ' : *c);
}

void out_folded_write(struct out_str *s, const struct out_profiles *p) {
    for (size_t i = 0; i < p->n; i++) {
        const struct out_profile *pr = &p->v[i];
        for (size_t j = 0; j < pr->n; j++) {
            const struct out_sample *smp = &pr->v[j];
            if (p->n > 1)
                put_frame(s, pr->name);
            for (uint32_t k = 0; k < smp->nframes; k++) {
                if (k || p->n > 1)
                    out_str_putc(s, ';');
                put_frame(s, p->frames[smp->frames[k]].name);
            }
            out_str_fmt(s, " %" PRIu64 "\n", smp->count);
        }
    }
}
