/* kstack and ustack: bpf_get_stackid into a stack trace map per kind and
 * limit (".kstack_127", ".ustack_5"), whose id is the value; ustack adds
 * the pid, since user addresses mean something only in their process.
 * The printer (runtime/output/stack.c) finds the map by the same name.
 * ksym and usym keep the address itself (usym with the pid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

/* The kernel's default kernel.perf_event_max_stack: a stack trace map
 * deeper than the sysctl cannot be created. */
#define STACK_DEPTH_DEFAULT 127
/* Stacks whose hash lands in a bucket another stack holds are lost
 * (bpf_get_stackid fails with EEXIST; BPF_F_REUSE_STACKID would instead
 * hand out ids of stacks overwritten later), so the map is roomier than a
 * script's maps: 32K entries, or max_map_keys when that is more. bpftrace
 * used 128K when it took stack ids, but the kernel allocates every entry
 * up front (130 MB for 127 frames) and that takes a third of a second. */
#define STACK_MAP_ENTRIES (32u << 10)

static uint32_t max_depth(void) {
    unsigned v = STACK_DEPTH_DEFAULT;
    FILE *f = fopen("/proc/sys/kernel/perf_event_max_stack", "r");
    if (f) {
        if (fscanf(f, "%u", &v) != 1 || v == 0)
            v = STACK_DEPTH_DEFAULT;
        fclose(f);
    }
    return v;
}

/* build_id stacks hold struct bpf_stack_build_id frames: a map of their own. */
static void stack_map_name(const struct type *t, char *name, size_t size) {
    snprintf(name, size, ".%cstack%s_%u", t->stack_user ? 'u' : 'k',
             t->stack_mode == STACK_BUILD_ID ? "_bid" : "", t->stack_limit);
}

static int map_find(const struct cg *cg, const char *name) {
    for (int i = 0; i < cg->m->nmaps; i++)
        if (strcmp(cg->m->maps[i].name, name) == 0)
            return i;
    return -1;
}

/* The EV_USTACK event announcing values of type t, -1 when absent. */
static int announce_event(const struct cg *cg, const struct type *t) {
    for (int i = 0; i < cg->m->nevents; i++)
        if (cg->m->events[i].kind == EV_USTACK && type_equal(cg->m->events[i].args[0].ty, t))
            return i;
    return -1;
}

static int add_announce_event(struct cg *cg, const struct type *t) {
    int id;
    if (announce_event(cg, t) >= 0)
        return 0;
    struct event_desc *ev = cg_event_new(cg, EV_USTACK, &id);
    struct event_arg *arg = ev ? calloc(1, sizeof(*arg)) : NULL;
    if (!arg)
        return -1;
    *arg = (struct event_arg){.ty = t, .offset = sizeof(struct event_header)};
    ev->args = arg;
    ev->nargs = 1;
    ev->size = sizeof(struct event_header) + t->size;
    return 0;
}

/* The maps (and event) a call needs, added unless an earlier call added them. */
static int add_maps(struct cg *cg, const struct node *call) {
    const struct type *t = call->ty;
    bool user = t->kind == T_USYM || (t->kind == T_STACK && t->stack_user);
    if (user && map_find(cg, ".ustack_pids") < 0 &&
        cg_add_map(cg, ".ustack_pids", BPF_MAP_TYPE_HASH, 8, 8, cg_max_keys(cg)) < 0)
        return -1;
    if (user && add_announce_event(cg, t) < 0)
        return -1;
    if (t->kind != T_STACK)
        return 0;
    char name[32];
    stack_map_name(t, name, sizeof(name));
    if (map_find(cg, name) >= 0)
        return 0;
    uint32_t depth = t->stack_limit ? t->stack_limit : 1, cap = max_depth();
    if (depth > cap)
        depth = cap;
    uint32_t entries = cg_max_keys(cg) > STACK_MAP_ENTRIES ? cg_max_keys(cg) : STACK_MAP_ENTRIES;
    bool bid = t->stack_mode == STACK_BUILD_ID;
    uint32_t frame = bid ? sizeof(struct bpf_stack_build_id) : 8;
    int map = cg_add_map(cg, name, BPF_MAP_TYPE_STACK_TRACE, 4, depth * frame, entries);
    if (map >= 0 && bid)
        cg->m->maps[map].map_flags = BPF_F_STACK_BUILD_ID;
    return map < 0 ? -1 : 0;
}

static int maps_under(struct cg *cg, const struct node *n) {
    for (; n; n = n->next) {
        if (n->kind == N_CALL && n->sym == F_LEN && n->a->ty && n->a->ty->kind == T_STACK)
            cg->stack_depth = true;
        bool ours =
            n->kind == N_CALL && n->ty &&
            (n->sym == F_KSTACK || n->sym == F_USTACK || n->sym == F_KSYM || n->sym == F_USYM) &&
            !n->ty->stack_dwarf; /* dw_ustack needs no map, see cg_dwstack.c */
        if ((ours && add_maps(cg, n) < 0) || maps_under(cg, n->a) < 0 || maps_under(cg, n->b) < 0 ||
            maps_under(cg, n->c) < 0 || maps_under(cg, n->d) < 0)
            return -1;
    }
    return 0;
}

/* Maps and events are added before any program is generated: the generator
 * keeps pointers into the manifest's arrays while it works. */
int cg_stack_maps(struct cg *cg) {
    const struct node *last = NULL;
    for (int u = 0; u < cg->sema->nunits; u++) {
        /* the probe's own parts: its next is the following probe */
        const struct node *p = cg->sema->units[u].probe;
        if (p == last)
            continue;
        last = p;
        if (maps_under(cg, p->a) < 0 || maps_under(cg, p->b) < 0 || maps_under(cg, p->c) < 0 ||
            maps_under(cg, p->d) < 0)
            return -1;
    }
    return 0;
}

/* The first ustack or usym of each process goes to user space as an event, so that
 * its symbols are read while it runs: a process that exits before the maps
 * are printed keeps the names of its frames.
 *   if (bpf_map_update_elem(&.ustack_pids, &pid, &pid, BPF_NOEXIST) == 0)
 *       output({EV_USTACK, stack}) */
static void announce_pid(struct cg *cg, const struct type *t, int off) {
    int pids = map_find(cg, ".ustack_pids"), id = announce_event(cg, t);
    if (pids < 0 || id < 0) {
        cg_error(cg, &cg->e.loc, E_LIMIT, "no .ustack_pids map for this value");
        return;
    }
    uint32_t size = cg->m->events[id].size;
    int seen = emit_label(&cg->e);
    emit_ld_map(&cg->e, R1, pids);
    cg_stack_ptr(cg, R2, off + 8);
    emit(&cg->e, MOV64_REG(R3, R2));
    emit(&cg->e, MOV64_IMM(R4, BPF_NOEXIST));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_update_elem));
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, 0, 0), seen);
    int mark = cg_frame_mark(cg);
    int rec = cg_frame_alloc(cg, (int)size);
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec, id));
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec + 4, 0));
    cg_copy_stack(cg, rec + 8, off, (int)t->size);
    cg_ringbuf_output(cg, rec, (int)size);
    cg_frame_release(cg, mark);
    emit_place(&cg->e, seen);
}

/* The frame count for len(), in bits 32-47 of the value (ids are u32, so
 * keys and printing see the same stacks); R0 holds the id. The kernel
 * truncates both walks to the map's depth.
 *   if (id >= 0 && (n = bpf_get_stack(ctx, buf, map depth, flags)) > 0)
 *       *(u64 *)(fp + off) |= (u64)(n / frame size) << 32 */
static void store_depth(struct cg *cg, const struct type *t, int map, int off) {
    bool bid = t->stack_mode == STACK_BUILD_ID;
    uint32_t size = cg->m->maps[map].value_size;
    int skip = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JSLT, R0, 0, 0), skip);
    int mark = cg_frame_mark(cg);
    int buf = cg_frame_alloc(cg, (int)size);
    cg_ctx(cg, R1);
    cg_stack_ptr(cg, R2, buf);
    emit(&cg->e, MOV64_IMM(R3, (int32_t)size));
    emit(&cg->e,
         MOV64_IMM(R4, (t->stack_user ? BPF_F_USER_STACK : 0) | (bid ? BPF_F_USER_BUILD_ID : 0)));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_stack));
    emit_jump(&cg->e, JMP_IMM(BPF_JSLE, R0, 0, 0), skip);
    emit(&cg->e, ALU64_IMM(BPF_RSH, R0, bid ? 5 : 3)); /* 32- or 8-byte frames */
    emit(&cg->e, ALU64_IMM(BPF_LSH, R0, 32));
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, off));
    emit(&cg->e, ALU64_REG(BPF_OR, R1, R0));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, off));
    cg_frame_release(cg, mark);
    emit_place(&cg->e, skip);
}

/* *(s64 *)(fp + off) = bpf_get_stackid(ctx, map, user ? BPF_F_USER_STACK : 0) */
static void store_stack_id(struct cg *cg, struct node *call, const struct type *t, int off) {
    char name[32];
    stack_map_name(t, name, sizeof(name));
    int map = map_find(cg, name);
    if (map < 0) {
        cg_error(cg, &call->loc, E_LIMIT, "no stack trace map for this stack");
        return;
    }
    cg_ctx(cg, R1);
    emit_ld_map(&cg->e, R2, map);
    emit(&cg->e, MOV64_IMM(R3, t->stack_user ? BPF_F_USER_STACK : 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_stackid));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off));
    if (cg->stack_depth)
        store_depth(cg, t, map, off);
}

/* len(stack): 0 for a stack the kernel did not take (a negative id).
 *   n = *(s64 *)(fp + off); if (n < 0) n = 0; n >>= 32 */
struct val cg_stack_len(struct cg *cg, struct node *stack) {
    int mark = cg_frame_mark(cg);
    int off = cg_mem_value(cg, stack);
    int reg = cg_reg_alloc(cg, &stack->loc);
    int taken = emit_label(&cg->e);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, cg->fp, off));
    emit_jump(&cg->e, JMP_IMM(BPF_JSGE, reg, 0, 0), taken);
    emit(&cg->e, MOV64_IMM(reg, 0));
    emit_place(&cg->e, taken);
    emit(&cg->e, ALU64_IMM(BPF_RSH, reg, 32));
    cg_frame_release(cg, mark);
    return (struct val){.kind = V_REG, .reg = reg};
}

/* ksym(addr), usym(addr): *(u64 *)(fp + off) = addr */
static void store_addr(struct cg *cg, struct node *call, int off) {
    struct val v = cg_int(cg, call->a);
    int reg = cg_val_reg(cg, &v, &call->a->loc);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, reg, off));
    cg_val_free(cg, &v);
}

void cg_stack_store(struct cg *cg, struct node *call, int off, int size) {
    const struct type *t = call->ty;
    if (size < (int)t->size) {
        cg_error(cg, &call->loc, E_LIMIT, "no room for this value");
        return;
    }
    if (t->kind == T_STACK && t->stack_dwarf) {
        cg_dw_stack_store(cg, call, off);
        return;
    }
    if (t->kind == T_STACK)
        store_stack_id(cg, call, t, off);
    else
        store_addr(cg, call, off);
    if (t->stack_user || t->kind == T_USYM) {
        /* *(u64 *)(fp + off + 8) = bpf_get_current_pid_tgid() >> 32 */
        emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
        emit(&cg->e, ALU64_IMM(BPF_RSH, R0, 32));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off + 8));
        announce_pid(cg, t, off);
    }
    if (size > (int)t->size)
        cg_zero(cg, off + (int)t->size, size - (int)t->size);
}
