/* Functions that read the probe's context: reg(), path() and
 * socket_cookie(). The last two hand a kernel pointer to a helper that
 * wants a BTF pointer, so their argument must reach it as the verifier
 * typed it: loaded from the context (or through such pointers), never
 * read with bpf_probe_read. */
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

struct val cg_ctxfunc_int(struct cg *cg, struct node *call) {
    switch ((enum func)call->sym) {
    case F_REG:
        return reg_read(cg, call);
    case F_SOCKET_COOKIE:
        return socket_cookie(cg, call);
    default:
        cg_error(cg, &call->loc, E_UNSUPPORTED, "%s() has no value here", call->str);
        return (struct val){.kind = V_IMM};
    }
}
