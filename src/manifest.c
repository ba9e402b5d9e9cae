/* Freeing and copying what the compiler hands to the runtime. */
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

static void spec_free(struct target_spec *s) {
    free(s->category);
    free(s->event);
    free(s->path);
    free(s->symbol);
    free(s->args);
}

void attach_target_free(struct attach_target *t) {
    spec_free(&t->spec);
    free(t->name);
    *t = (struct attach_target){0};
}

/* strdup that keeps NULL and reports failure through *ok. */
static char *dup_or_null(const char *s, bool *ok) {
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *ok = false;
    return d;
}

int attach_target_copy(struct attach_target *dst, const struct attach_target *src) {
    bool ok = true;
    *dst = *src;
    dst->name = dup_or_null(src->name, &ok);
    dst->spec.category = dup_or_null(src->spec.category, &ok);
    dst->spec.event = dup_or_null(src->spec.event, &ok);
    dst->spec.path = dup_or_null(src->spec.path, &ok);
    dst->spec.symbol = dup_or_null(src->spec.symbol, &ok);
    dst->spec.args = dup_or_null(src->spec.args, &ok);
    if (ok)
        return 0;
    attach_target_free(dst);
    return -1;
}

static void free_targets(struct attach_target *t, int n) {
    for (int i = 0; i < n; i++)
        attach_target_free(&t[i]);
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
        free(m->progs[i].attrs.attach_btf_module);
        free_targets(m->progs[i].targets, m->progs[i].ntargets);
    }
    free(m->progs);
    for (int i = 0; i < m->nevents; i++) {
        free(m->events[i].fmt);
        free(m->events[i].diag_fmt);
        free(m->events[i].args);
    }
    free(m->events);
    for (int i = 0; i < m->nprobe_names; i++)
        free(m->probe_names[i]);
    free(m->probe_names);
    free(m->str_trailer);
    type_arena_free(m->types);
    *m = (struct manifest){0};
}
