/* A map keyed by stacks, as a profile: each row becomes a sample whose
 * frames are the key's other elements, then its user stacks, then its
 * kernel stacks, root first. Addresses are named once each: a profile of
 * thousands of stacks shares most of its frames. */
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "rows.h"
#include "stack.h"
#include "value.h"

/* (pid, address) -> frame index, open addressing; pid -1 is the kernel. */
struct addr_slot {
    uint64_t addr;
    int pid;
    uint32_t frame; /* index + 1; 0 = empty */
};

struct fold {
    struct out_profiles *p;
    const struct manifest *m;
    struct addr_slot *slots;
    size_t nslots, used;
    uint32_t *frames; /* the sample being built */
    uint32_t n, cap;
};

static void push(struct fold *f, uint32_t frame) {
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        uint32_t *v = realloc(f->frames, f->cap * sizeof(*v));
        if (!v)
            abort();
        f->frames = v;
    }
    f->frames[f->n++] = frame;
}

static size_t slot_of(const struct fold *f, int pid, uint64_t addr) {
    uint64_t h = (addr ^ ((uint64_t)(uint32_t)pid << 32)) * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 20) & (f->nslots - 1);
    while (f->slots[i].frame && (f->slots[i].addr != addr || f->slots[i].pid != pid))
        i = (i + 1) & (f->nslots - 1);
    return i;
}

static void grow_slots(struct fold *f) {
    struct addr_slot *old = f->slots;
    size_t nold = f->nslots;
    f->nslots = nold ? nold * 2 : 4096;
    f->slots = calloc(f->nslots, sizeof(*f->slots));
    if (!f->slots)
        abort();
    for (size_t i = 0; i < nold; i++)
        if (old[i].frame)
            f->slots[slot_of(f, old[i].pid, old[i].addr)] = old[i];
    free(old);
}

static uint32_t addr_frame(struct fold *f, int pid, uint64_t addr) {
    if (2 * (f->used + 1) > f->nslots)
        grow_slots(f);
    size_t i = slot_of(f, pid, addr);
    if (f->slots[i].frame)
        return f->slots[i].frame - 1;
    struct rt_sym sym;
    const char *name = out_sym_lookup(pid, addr, &sym) == 0 ? sym.name : "[unknown]";
    uint32_t frame = out_prof_frame(f->p, name, pid != -1 ? OUT_FRAME_USER : OUT_FRAME_KERNEL);
    f->slots[i] = (struct addr_slot){.addr = addr, .pid = pid, .frame = frame + 1};
    f->used++;
    return frame;
}

static void push_stack(struct fold *f, const struct type *t, const void *p) {
    uint64_t *ips;
    int pid;
    int n = out_stack_frames(f->m, t, p, &ips, &pid);
    for (int i = n - 1; i >= 0; i--)
        push(f, addr_frame(f, t->stack_user ? pid : -1, ips[i]));
    free(ips);
}

static void push_key(struct fold *f, const struct type *t, const void *p) {
    struct out_str s;
    out_str_init(&s);
    out_fmt_value(&s, f->m, t, p);
    push(f, out_prof_frame(f->p, s.p ? s.p : "", OUT_FRAME_KEY));
    out_str_free(&s);
}

/* The frames of one key: pass 0 the plain elements, 1 user stacks, 2 kernel stacks. */
static void push_elems(struct fold *f, const struct type *t, const uint8_t *key, int pass) {
    int n = t->kind == T_TUPLE ? t->nfields : 1;
    for (int i = 0; i < n; i++) {
        const struct type *et = t->kind == T_TUPLE ? t->fields[i].ty : t;
        const uint8_t *p = t->kind == T_TUPLE ? key + t->fields[i].offset : key;
        int want = et->kind != T_STACK ? 0 : et->stack_user ? 1 : 2;
        if (want != pass)
            continue;
        if (pass == 0)
            push_key(f, et, p);
        else
            push_stack(f, et, p);
    }
}

int out_prof_map_fits(const struct map_desc *d) {
    const struct type *v = d->val_ty;
    if (!v || !d->key_ty || d->is_scalar)
        return 0;
    return (v->kind == T_INT && !v->enum_def && !v->is_ptr) ||
           (v->kind == T_AGG && (v->agg == AGG_COUNT || v->agg == AGG_SUM));
}

static void add_rows(struct fold *f, struct out_profile *pr, const struct map_desc *d,
                     const struct out_rows *r) {
    for (size_t i = 0; i < r->n; i++) {
        if ((int64_t)r->v[i].agg.value <= 0)
            continue; /* a flame graph has no room for negative weights */
        f->n = 0;
        for (int pass = 0; pass < 3; pass++)
            push_elems(f, d->key_ty, r->v[i].key, pass);
        /* kstack is empty in user mode: a line needs a frame to stand on */
        if (f->n == 0)
            push(f, out_prof_frame(f->p, "[no frames]", OUT_FRAME_KEY));
        out_prof_sample(pr, f->frames, f->n, r->v[i].agg.value);
    }
}

int out_prof_from_map(struct out_profiles *p, const struct manifest *m, const struct map_desc *d) {
    if (!out_prof_map_fits(d))
        return 0;
    struct out_entries e;
    int err = out_map_read(d, &e);
    if (err) {
        out_entries_free(&e);
        return err;
    }
    struct out_rows r = {0};
    out_rows_build(d, &e, &r);
    struct fold f = {.p = p, .m = m};
    struct out_profile *pr = out_prof_add(p, d->name);
    add_rows(&f, pr, d, &r);
    out_prof_finish(p, pr);
    free(f.slots);
    free(f.frames);
    out_rows_free(&r);
    out_entries_free(&e);
    return 1;
}
