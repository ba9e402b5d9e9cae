/* The runtime's own records of what it opened for a manifest: program fds,
 * and per attach target the perf events and links. */
#include <stdlib.h>

#include "rt_internal.h"

int rt_state_init(struct rt_state *st, struct manifest *m) {
    *st = (struct rt_state){.m = m};
    for (int i = 0; i < m->nmaps; i++)
        m->maps[i].fd = -1;
    for (int i = 0; i < m->nprogs; i++)
        st->ntargets += m->progs[i].ntargets;
    st->progs = calloc((size_t)m->nprogs + 1, sizeof(*st->progs));
    st->targets = calloc((size_t)st->ntargets + 1, sizeof(*st->targets));
    if (!st->progs || !st->targets) {
        rt_state_free(st);
        return -1;
    }
    struct rt_target *rt = st->targets;
    for (int i = 0; i < m->nprogs; i++) {
        st->progs[i] = (struct rt_prog){.desc = &m->progs[i], .fd = -1};
        for (int j = 0; j < m->progs[i].ntargets; j++)
            *rt++ = (struct rt_target){.t = &m->progs[i].targets[j], .prog = &st->progs[i]};
    }
    return 0;
}

void rt_state_free(struct rt_state *st) {
    for (int i = 0; st->targets && i < st->ntargets; i++) {
        free(st->targets[i].perf_fds);
        free(st->targets[i].link_fds);
    }
    free(st->targets);
    free(st->progs);
    *st = (struct rt_state){0};
}
