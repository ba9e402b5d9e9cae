#include "manifest.h"

#include <stdlib.h>

static void free_targets(struct attach_target *t, int n) {
    for (int i = 0; i < n; i++) {
        free(t[i].target);
        free(t[i].name);
        free(t[i].perf_fds);
        free(t[i].link_fds);
    }
    free(t);
}

void manifest_free(struct manifest *m) {
    for (int i = 0; i < m->nmaps; i++)
        free(m->maps[i].name);
    free(m->maps);
    for (int i = 0; i < m->nprogs; i++) {
        free(m->progs[i].name);
        free(m->progs[i].insns);
        free(m->progs[i].insn_loc);
        free_targets(m->progs[i].targets, m->progs[i].ntargets);
    }
    free(m->progs);
    for (int i = 0; i < m->nevents; i++) {
        free(m->events[i].fmt);
        free(m->events[i].args);
    }
    free(m->events);
    for (int i = 0; i < m->nprobe_names; i++)
        free(m->probe_names[i]);
    free(m->probe_names);
    type_arena_free(m->types);
    *m = (struct manifest){0};
}
