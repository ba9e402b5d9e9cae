#include "profile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "msort.h"
#include "str_hash.h"

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort(); /* printing cannot recover from running out of memory */
    return q;
}

void out_profiles_init(struct out_profiles *p) {
    memset(p, 0, sizeof(*p));
}

void out_profiles_free(struct out_profiles *p) {
    for (uint32_t i = 0; i < p->nframes; i++)
        free(p->frames[i].name);
    free(p->frames);
    free(p->slots);
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < p->v[i].n; j++)
            free(p->v[i].v[j].frames);
        free(p->v[i].v);
        free(p->v[i].name);
    }
    free(p->v);
    out_profiles_init(p);
}

/* FNV-1a over the name, with the kind mixed in. */
static uint32_t frame_hash(const char *name, enum out_frame_kind kind) {
    return str_hash_seeded(STR_HASH_SEED ^ (uint32_t)kind, name);
}

static void rehash(struct out_profiles *p) {
    free(p->slots);
    p->nslots = p->nslots ? p->nslots * 2 : 256;
    p->slots = calloc(p->nslots, sizeof(*p->slots));
    if (!p->slots)
        abort();
    for (uint32_t i = 0; i < p->nframes; i++) {
        uint32_t h = frame_hash(p->frames[i].name, p->frames[i].kind) & (p->nslots - 1);
        while (p->slots[h])
            h = (h + 1) & (p->nslots - 1);
        p->slots[h] = i + 1;
    }
}

uint32_t out_prof_frame(struct out_profiles *p, const char *name, enum out_frame_kind kind) {
    if (2 * (p->nframes + 1) > p->nslots)
        rehash(p);
    uint32_t h = frame_hash(name, kind) & (p->nslots - 1);
    for (; p->slots[h]; h = (h + 1) & (p->nslots - 1)) {
        const struct out_frame *f = &p->frames[p->slots[h] - 1];
        if (f->kind == kind && strcmp(f->name, name) == 0)
            return p->slots[h] - 1;
    }
    if (p->nframes == p->cap_frames) {
        p->cap_frames = p->cap_frames ? p->cap_frames * 2 : 256;
        p->frames = xrealloc(p->frames, p->cap_frames * sizeof(*p->frames));
    }
    char *copy = strdup(name);
    if (!copy)
        abort();
    p->frames[p->nframes] = (struct out_frame){.name = copy, .kind = kind};
    p->slots[h] = ++p->nframes;
    return p->nframes - 1;
}

struct out_profile *out_prof_add(struct out_profiles *p, const char *name) {
    p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
    struct out_profile *pr = &p->v[p->n++];
    memset(pr, 0, sizeof(*pr));
    pr->name = strdup(name);
    if (!pr->name)
        abort();
    return pr;
}

void out_prof_sample(struct out_profile *pr, const uint32_t *frames, uint32_t n, uint64_t count) {
    if (pr->n == pr->cap) {
        pr->cap = pr->cap ? pr->cap * 2 : 64;
        pr->v = xrealloc(pr->v, pr->cap * sizeof(*pr->v));
    }
    struct out_sample *smp = &pr->v[pr->n++];
    smp->frames = xrealloc(NULL, n * sizeof(*frames));
    if (n)
        memcpy(smp->frames, frames, n * sizeof(*frames));
    smp->nframes = n;
    smp->count = count;
    pr->total += count;
}

static int cmp_sample(const void *a, const void *b, const void *ctx) {
    const struct out_profiles *p = ctx;
    const struct out_sample *x = a, *y = b;
    for (uint32_t i = 0; i < x->nframes && i < y->nframes; i++) {
        if (x->frames[i] == y->frames[i])
            continue;
        int c = strcmp(p->frames[x->frames[i]].name, p->frames[y->frames[i]].name);
        if (c)
            return c;
        return (int)p->frames[x->frames[i]].kind - (int)p->frames[y->frames[i]].kind;
    }
    return (x->nframes > y->nframes) - (x->nframes < y->nframes);
}

static bool same_stack(const struct out_sample *x, const struct out_sample *y) {
    return x->nframes == y->nframes &&
           memcmp(x->frames, y->frames, x->nframes * sizeof(*x->frames)) == 0;
}

void out_prof_finish(const struct out_profiles *p, struct out_profile *pr) {
    out_msort(pr->v, pr->n, sizeof(*pr->v), cmp_sample, p);
    size_t out = 0;
    for (size_t i = 0; i < pr->n; i++) {
        if (out && same_stack(&pr->v[out - 1], &pr->v[i])) {
            pr->v[out - 1].count += pr->v[i].count;
            free(pr->v[i].frames);
            continue;
        }
        pr->v[out++] = pr->v[i];
    }
    pr->n = out;
}
