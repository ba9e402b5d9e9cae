/* Fused maps in the program (which ones: fuse_plan.c). The first member's
 * statement finds or inserts the fused value and keeps its address on the
 * real stack; every member then updates its own slice:
 *
 *   first:  p = lookup(fused, key);
 *           if (!p) { err = update(fused, key, zeroes); [full check]; p = lookup(fused, key); }
 *           *(sp + ptr_slot) = p;  [*(sp + err_slot) = err on the insert's path]
 *   each:   p = *(sp + ptr_slot);
 *           if (p) slice(p + off) += v ...   // as its own map's value would be
 *           else [full check of err]         // later members: warned at their own site
 *
 * A map-full warning is sent once per member's site, as when each member
 * inserted its own key; the members' set flags (min, max) stay in their
 * slices. */
#include <stdio.h>

#include "codegen/cg_fuse.h"
#include "codegen/cg_map.h"

int cg_fuse_layout(struct cg *cg) {
    struct cg_fuse *f = cg->fuse;
    for (int g = 0; f && g < f->ngroups; g++) {
        uint32_t size = 0;
        int first = -1;
        for (int i = 0; i < cg->sema->nmaps; i++) {
            if (f->group[i] != g)
                continue;
            first = first < 0 ? i : first;
            f->off[i] = size;
            size += (cg->m->maps[cg->map_index[i]].value_size + 7) & ~7u;
        }
        /* a power of two within a cache line: per-CPU values of a
         * preallocated map lie size apart, and 24 would split some */
        while (size < 64 && (size & (size - 1)))
            size += 8;
        struct map_desc like = cg->m->maps[cg->map_index[first]];
        char name[32];
        snprintf(name, sizeof(name), ".fused%d", g);
        int idx = cg_add_map(cg, name, like.bpf_type, like.key_size, size, like.max_entries);
        if (idx < 0)
            return -1;
        f->groups[g].map = idx;
        for (int i = 0; i < cg->sema->nmaps; i++) {
            if (f->group[i] != g)
                continue;
            struct map_desc *md = &cg->m->maps[cg->map_index[i]];
            md->fused = true;
            md->fuse = idx;
            md->fuse_off = f->off[i];
            md->fuse_size = size;
        }
    }
    return 0;
}

void cg_fuse_block(struct cg *cg, const struct node *probe) {
    for (int g = 0; cg->fuse && g < cg->fuse->ngroups; g++) {
        struct cg_fuse_group *grp = &cg->fuse->groups[g];
        if (grp->probe != probe)
            continue;
        grp->ptr_slot = cg_stack_alloc(cg, 8);
        grp->err_slot = cg_stack_alloc(cg, 8);
    }
}

/* The first member: the fused value's address in r0 and its slot. */
static void open_value(struct cg *cg, const struct cg_fuse_group *grp, struct node *map) {
    int have = emit_label(&cg->e);
    int mark = cg_frame_mark(cg);
    int key = cg_map_key(cg, map, 0);
    cg_call_lookup(cg, grp->map, key);
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, 0, 0), have);
    int size = (int)cg->m->maps[grp->map].value_size;
    int val = cg_frame_alloc(cg, size);
    cg_zero(cg, val, size);
    cg_call_update_raw(cg, grp->map, key, val);
    emit(&cg->e, STX_MEM(BPF_DW, cg->sp, R0, grp->err_slot));
    cg_map_full_check(cg, grp->map);
    cg_call_lookup(cg, grp->map, key);
    emit_place(&cg->e, have);
    emit(&cg->e, STX_MEM(BPF_DW, cg->sp, R0, grp->ptr_slot));
    cg_frame_release(cg, mark);
}

bool cg_fuse_update(struct cg *cg, struct node *map, struct node *call) {
    int g = cg->fuse ? cg->fuse->group[map->sym] : -1;
    if (g < 0)
        return false;
    const struct cg_fuse_group *grp = &cg->fuse->groups[g];
    bool first = grp->first->a == map;
    /* registers held as the member's own map would hold them: min and max
     * evaluate their value after the lookup (cg_agg.c), the others before */
    bool value_first = !first || (call->sym != F_MIN && call->sym != F_MAX);
    struct val v = {.kind = V_IMM, .imm = 0};
    if (value_first)
        v = cg_agg_arg(cg, call);
    if (first)
        open_value(cg, grp, map);
    int ptr = cg_reg_alloc(cg, &map->loc);
    if (first)
        emit(&cg->e, MOV64_REG(ptr, R0));
    else
        emit(&cg->e, LDX_MEM(BPF_DW, ptr, cg->sp, grp->ptr_slot));
    if (!value_first)
        v = cg_agg_arg(cg, call);
    int missing = emit_label(&cg->e), done = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, ptr, 0, 0), first ? done : missing);
    cg_agg_in_place(cg, call, cg_map(cg, map)->val_ty->agg_signed, ptr,
                    (int)cg->fuse->off[map->sym], &v, done);
    if (!first) {
        emit_jump(&cg->e, JA(0), done);
        emit_place(&cg->e, missing);
        /* the insert failed: warn at this member's site too */
        emit(&cg->e, LDX_MEM(BPF_DW, R0, cg->sp, grp->err_slot));
        cg_map_full_check(cg, grp->map);
    }
    emit_place(&cg->e, done);
    cg_val_free(cg, &v);
    cg_reg_free(cg, ptr);
    return true;
}
