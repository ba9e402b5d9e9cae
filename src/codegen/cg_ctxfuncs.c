/* Functions that read the probe's context: reg(), path(), socket_cookie()
 * and skboutput(). The last three hand a kernel pointer to a helper that
 * wants a BTF pointer, so their argument must reach it as the verifier
 * typed it: loaded from the context (or through such pointers), never
 * read with bpf_probe_read. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_typed.h"

static struct val in_reg(int reg) {
    return (struct val){.kind = V_REG, .reg = reg};
}

/* reg("name"): the register's slot in the context's struct pt_regs. */
static struct val reg_read(struct cg *cg, struct node *call) {
    int reg = cg_reg_alloc(cg, &call->loc);
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, (int16_t)call->aux));
    return in_reg(reg);
}

/* A pointer argument, or the address of a struct value (path(f->f_path)). */
static struct val kernel_pointer(struct cg *cg, struct node *arg) {
    if (arg->ty->kind != T_RECORD)
        return cg_int(cg, arg);
    int mark = cg_frame_mark(cg);
    struct mref r;
    cg_mref(cg, arg, &r);
    struct val v = cg_mref_address(cg, &r, &arg->loc);
    cg_mref_release(cg, &r);
    cg_frame_release(cg, mark);
    return v;
}

/* r0 = bpf_get_socket_cookie(sk) */
static struct val socket_cookie(struct cg *cg, struct node *call) {
    struct val sk = kernel_pointer(cg, call->a);
    cg_val_to(cg, &sk, R1);
    cg_val_free(cg, &sk);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_socket_cookie));
    int reg = cg_reg_alloc(cg, &call->loc);
    emit(&cg->e, MOV64_REG(reg, R0));
    return in_reg(reg);
}

/* The perf event array skboutput() writes to (one for every call), which
 * cg_ctx_maps made before generation: adding a map moves the others. */
static int skb_map(struct cg *cg) {
    for (int i = 0; i < cg->m->nmaps; i++)
        if (strcmp(cg->m->maps[i].name, SKB_MAP) == 0)
            return i;
    return -1;
}

static bool calls_skboutput(const struct node *n) {
    for (; n; n = n->next)
        if ((n->kind == N_CALL && n->sym == F_SKBOUTPUT) || calls_skboutput(n->a) ||
            calls_skboutput(n->b) || calls_skboutput(n->c) || calls_skboutput(n->d))
            return true;
    return false;
}

int cg_ctx_maps(struct cg *cg) {
    for (int u = 0; u < cg->sema->nunits; u++) {
        /* the probe's own parts: its next is the following probe */
        const struct node *p = cg->sema->units[u].probe;
        bool calls = calls_skboutput(p->b) || calls_skboutput(p->c) || calls_skboutput(p->d);
        if (calls && skb_map(cg) < 0)
            /* one slot per CPU, from the runtime (max_entries 0) */
            return cg_add_map(cg, SKB_MAP, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0) < 0 ? -1 : 0;
    }
    return 0;
}

/* skboutput(file, skb, len, off):
 *   rec = { id, 0, bpf_ktime_get_boot_ns() };
 *   r0 = bpf_skb_output(skb, &.skb, (len << 32) | BPF_F_CURRENT_CPU, &rec, 16);
 * the kernel appends len bytes of the packet to rec. */
static struct val skboutput(struct cg *cg, struct node *call) {
    struct node *file = call->a, *skb = file->next, *len = skb->next;
    int id, map = skb_map(cg);
    struct event_desc *ev = cg_event_new(cg, EV_SKBOUTPUT, &id);
    if (!ev || map < 0) {
        cg_error(cg, &call->loc, E_LIMIT, "no " SKB_MAP " map for skboutput()");
        return (struct val){.kind = V_IMM};
    }
    ev->fmt = strdup(file->str);
    ev->skb_offset = (uint32_t)call->aux;
    ev->size = sizeof(struct event_header) + 8;
    int mark = cg_frame_mark(cg);
    int rec = cg_frame_alloc(cg, (int)ev->size);
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec, id));
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec + 4, 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_ktime_get_boot_ns));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, rec + 8));
    struct val p = kernel_pointer(cg, skb);
    int preg = cg_val_reg(cg, &p, &skb->loc);
    struct val n = cg_int(cg, len);
    cg_val_to(cg, &n, R3);
    cg_val_free(cg, &n);
    emit(&cg->e, ALU64_IMM(BPF_LSH, R3, 32));
    emit(&cg->e, LD_IMM64_LO(R5, 0, 0xffffffffULL)); /* BPF_F_CURRENT_CPU */
    emit(&cg->e, LD_IMM64_HI(0xffffffffULL));
    emit(&cg->e, ALU64_REG(BPF_OR, R3, R5));
    emit(&cg->e, MOV64_REG(R1, preg));
    cg_reg_free(cg, preg);
    emit_ld_map(&cg->e, R2, map);
    cg_stack_ptr(cg, R4, rec);
    emit(&cg->e, MOV64_IMM(R5, (int32_t)sizeof(struct event_header) + 8));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_skb_output));
    cg_frame_release(cg, mark);
    int reg = cg_reg_alloc(cg, &call->loc);
    emit(&cg->e, MOV32_REG(reg, R0)); /* a uint32, as in bpftrace */
    return in_reg(reg);
}

void cg_path_store(struct cg *cg, struct node *call, int off, int size) {
    int n = (int)call->aux < size ? (int)call->aux : size;
    cg_zero(cg, off, size);
    struct val p = kernel_pointer(cg, call->a);
    cg_val_to(cg, &p, R1);
    cg_val_free(cg, &p);
    cg_stack_ptr(cg, R2, off);
    emit(&cg->e, MOV64_IMM(R3, n));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_d_path));
    cg_helper_check(cg, BPF_FUNC_d_path);
}

/* signal(), signal_thread(): bpf_send_signal(_thread)(sig) */
void cg_signal(struct cg *cg, struct node *call) {
    int helper = call->sym == F_SIGNAL_THREAD ? BPF_FUNC_send_signal_thread : BPF_FUNC_send_signal;
    struct val sig = cg_int(cg, call->a);
    cg_val_to(cg, &sig, R1);
    cg_val_free(cg, &sig);
    emit(&cg->e, CALL_HELPER(helper));
    cg_helper_check(cg, helper);
}

/* override(rc): bpf_override_return(ctx, rc), in a kprobe */
void cg_override(struct cg *cg, struct node *call) {
    struct val rc = cg_int(cg, call->a);
    cg_val_to(cg, &rc, R2);
    cg_val_free(cg, &rc);
    cg_ctx(cg, R1);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_override_return));
}

struct val cg_ctxfunc_int(struct cg *cg, struct node *call) {
    switch ((enum func)call->sym) {
    case F_REG:
        return reg_read(cg, call);
    case F_SOCKET_COOKIE:
        return socket_cookie(cg, call);
    case F_SKBOUTPUT:
        return skboutput(cg, call);
    default:
        cg_error(cg, &call->loc, E_UNSUPPORTED, "%s() has no value here", call->str);
        return (struct val){.kind = V_IMM};
    }
}
