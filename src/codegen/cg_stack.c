/* kstack and ustack: bpf_get_stackid into a stack trace map per kind and
 * limit (".kstack_127", ".ustack_5"), whose id is the value; ustack adds
 * the pid, since user addresses mean something only in their process.
 * The printer (runtime/output/stack.c) finds the map by the same name. */
#include <stdio.h>
#include <string.h>

#include "codegen/cg.h"

/* The kernel's default kernel.perf_event_max_stack: a stack trace map
 * deeper than the sysctl cannot be created. */
#define STACK_DEPTH_DEFAULT 127

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
    return cg_add_map(cg, name, BPF_MAP_TYPE_STACK_TRACE, 4, depth * 8, cg_max_keys(cg));
}

void cg_stack_store(struct cg *cg, struct node *call, int off, int size) {
    const struct type *t = call->ty;
    int map = stack_map(cg, t);
    if (map < 0 || size < (int)t->size) {
        cg_error(cg, &call->loc, E_LIMIT, "cannot store this stack");
        return;
    }
    /* *(s64 *)(fp + off) = bpf_get_stackid(ctx, map, user ? BPF_F_USER_STACK : 0) */
    cg_ctx(cg, R1);
    emit_ld_map(&cg->e, R2, map);
    emit(&cg->e, MOV64_IMM(R3, t->stack_user ? BPF_F_USER_STACK : 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_stackid));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off));
    if (t->stack_user) {
        /* *(u64 *)(fp + off + 8) = bpf_get_current_pid_tgid() >> 32 */
        emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
        emit(&cg->e, ALU64_IMM(BPF_RSH, R0, 32));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off + 8));
    }
    if (size > (int)t->size)
        cg_zero(cg, off + (int)t->size, size - (int)t->size);
}
