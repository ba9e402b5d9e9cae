/* config max_bpf_progs, counted as bpftrace counts: one program for each
 * match of an attach point it expands (a wildcard that no multi link
 * serves, or any attach point of a block that reads args or probe per
 * target). trawk often makes one program of those, but a script that
 * bpftrace refuses for this limit is refused here too, and one it runs,
 * runs. */
#include <stdlib.h>

#include "sema/sema_impl.h"

void sema_note_expansion(struct sema *s, const struct loc *loc, const char *attach_point,
                         const struct provider *prov, int unit, int n) {
    struct sema_expansion *e = realloc(s->expansions, sizeof(*e) * (size_t)(s->nexpansions + 1));
    if (!e)
        abort();
    s->expansions = e;
    e[s->nexpansions++] = (struct sema_expansion){
        .loc = *loc,
        .unit = unit,
        .n = n,
        .expands = provider_expands_to_programs(attach_point, prov),
    };
}

void sema_check_prog_limit(struct sema *s) {
    int count = 0, limit = s->out->max_bpf_progs;
    for (int i = 0; i < s->nexpansions; i++) {
        const struct sema_expansion *e = &s->expansions[i];
        if (!e->expands && !s->out->units[e->unit].per_target)
            continue;
        count += e->n;
        if (count <= limit)
            continue;
        diag_error(s->d, &e->loc, E_UNSUPPORTED,
                   "Your program is trying to generate more than %d BPF programs, which exceeds "
                   "the current limit of %d",
                   count, limit);
        fputs("HINT: You can increase the limit through the BPFTRACE_MAX_BPF_PROGS environment "
              "variable.\n",
              s->d->out);
        break;
    }
    free(s->expansions);
    s->expansions = NULL;
    s->nexpansions = 0;
}
