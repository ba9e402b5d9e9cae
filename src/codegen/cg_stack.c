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

/* The stack trace map for stacks of type t, added on first use. */
static int stack_map(struct cg *cg, const struct type *t) {
    char name[32];
    snprintf(name, sizeof(name), ".%cstack_%u", t->stack_user ? 'u' : 'k', t->stack_limit);
    for (int i = 0; i < cg->m->nmaps; i++)
        if (strcmp(cg->m->maps[i].name, name) == 0)
            return i;
    uint32_t depth = t->stack_limit ? t->stack_limit : 1, cap = max_depth();
    if (depth > cap)
        depth = cap;
    return cg_add_map(cg, name, BPF_MAP_TYPE_STACK_TRACE, 4, depth * 8,
                      cg_max_keys(cg) > STACK_MAP_ENTRIES ? cg_max_keys(cg) : STACK_MAP_ENTRIES);
}

/* The first ustack or usym of each process goes to user space as an event, so that
 * its symbols are read while it runs: a process that exits before the maps
 * are printed keeps the names of its frames.
 *   if (bpf_map_update_elem(&.ustack_pids, &pid, &pid, BPF_NOEXIST) == 0)
 *       output({EV_USTACK, stack}) */
static void announce_pid(struct cg *cg, const struct type *t, int off) {
    int pids = -1, id;
    for (int i = 0; i < cg->m->nmaps && pids < 0; i++)
        if (strcmp(cg->m->maps[i].name, ".ustack_pids") == 0)
            pids = i;
    if (pids < 0)
        pids = cg_add_map(cg, ".ustack_pids", BPF_MAP_TYPE_HASH, 8, 8, cg_max_keys(cg));
    struct event_desc *ev = pids < 0 ? NULL : cg_event_add(cg, EV_USTACK, &id);
    struct event_arg *arg = ev ? calloc(1, sizeof(*arg)) : NULL;
    if (!arg) {
        cg->failed = true;
        return;
    }
    *arg = (struct event_arg){.ty = t, .offset = sizeof(struct event_header)};
    ev->args = arg;
    ev->nargs = 1;
    ev->size = sizeof(struct event_header) + t->size;
    int seen = emit_label(&cg->e);
    emit_ld_map(&cg->e, R1, pids);
    cg_stack_ptr(cg, R2, off + 8);
    emit(&cg->e, MOV64_REG(R3, R2));
    emit(&cg->e, MOV64_IMM(R4, BPF_NOEXIST));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_update_elem));
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, 0, 0), seen);
    int mark = cg_frame_mark(cg);
    int rec = cg_frame_alloc(cg, (int)ev->size);
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec, id));
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec + 4, 0));
    cg_copy_stack(cg, rec + 8, off, (int)t->size);
    cg_ringbuf_output(cg, rec, (int)ev->size);
    cg_frame_release(cg, mark);
    emit_place(&cg->e, seen);
}

/* *(s64 *)(fp + off) = bpf_get_stackid(ctx, map, user ? BPF_F_USER_STACK : 0) */
static void store_stack_id(struct cg *cg, struct node *call, const struct type *t, int off) {
    int map = stack_map(cg, t);
    if (map < 0) {
        cg_error(cg, &call->loc, E_LIMIT, "cannot create the stack trace map");
        return;
    }
    cg_ctx(cg, R1);
    emit_ld_map(&cg->e, R2, map);
    emit(&cg->e, MOV64_IMM(R3, t->stack_user ? BPF_F_USER_STACK : 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_stackid));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off));
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
