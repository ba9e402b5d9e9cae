/* buf(p, n): the length as a u32, then the bytes, zeros after them (a
 * buffer in a map key hashes as bytes). */
#include "codegen/cg.h"
#include "codegen/cg_typed.h"

int cg_read_helper(const struct type *t) {
    if (!t || !t->is_ptr)
        return BPF_FUNC_probe_read; /* x86-64 picks the address space itself */
    return t->addr == AS_USER ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
}

/* Reads len (at most n) bytes from the pointer arg to fp + off + 4. */
static void read_memory(struct cg *cg, struct node *arg, struct node *lenarg, int off, int n) {
    struct val p = cg_int(cg, arg);
    int preg = cg_val_reg(cg, &p, &arg->loc);
    struct val len = {.kind = V_IMM, .imm = n};
    if (lenarg) {
        len = cg_int(cg, lenarg);
        if (len.kind == V_IMM && (len.imm > n || len.imm < 0))
            len.imm = n;
    }
    if (len.kind == V_REG) { /* the verifier must see the length fits */
        int ok = emit_label(&cg->e);
        emit_jump(&cg->e, JMP_IMM(BPF_JLE, len.reg, n, 0), ok);
        emit(&cg->e, MOV64_IMM(len.reg, n));
        emit_place(&cg->e, ok);
        emit(&cg->e, STX_MEM(BPF_W, cg->fp, len.reg, off));
    } else {
        emit(&cg->e, ST_MEM(BPF_W, cg->fp, off, (int32_t)len.imm));
    }
    if (len.kind == V_REG || len.imm > 0) {
        cg_val_to(cg, &len, R2);
        emit(&cg->e, MOV64_REG(R3, preg));
        cg_stack_ptr(cg, R1, off + 4);
        emit(&cg->e, CALL_HELPER(cg_read_helper(arg->ty)));
    }
    cg_val_free(cg, &len);
    cg_val_free(cg, &p);
}

/* An array in kernel or user memory, read as raw bytes (a char array's
 * string reading would stop at a NUL). */
static void read_array(struct cg *cg, struct node *arg, int off, int have) {
    struct mref r;
    cg_mref(cg, arg, &r);
    if (r.space != MS_KERNEL && r.space != MS_USER) {
        int tmp = cg_frame_alloc(cg, (int)arg->ty->size);
        cg_mref_copy(cg, &r, arg->ty, tmp, (int)arg->ty->size);
        cg_copy_stack(cg, off + 4, tmp, have);
        cg_mref_release(cg, &r);
        return;
    }
    int helper = r.space == MS_USER ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
    struct val a = cg_mref_address(cg, &r, &arg->loc);
    emit(&cg->e, MOV64_REG(R3, a.reg));
    emit(&cg->e, MOV64_IMM(R2, have));
    cg_stack_ptr(cg, R1, off + 4);
    emit(&cg->e, CALL_HELPER(helper));
    cg_val_free(cg, &a);
    cg_mref_release(cg, &r);
}

void cg_buf_store(struct cg *cg, struct node *call, int off, int size) {
    struct node *arg = call->a;
    int n = (int)call->ty->size - 4;
    cg_zero(cg, off, size);
    if (arg->ty->kind != T_STRING && arg->ty->kind != T_ARRAY) {
        read_memory(cg, arg, arg->next, off, n);
        return;
    }
    /* bytes already in a value: the length is a constant */
    int have = (int)arg->ty->size < n ? (int)arg->ty->size : n;
    if (cg_is_typed_ref(arg)) {
        read_array(cg, arg, off, have);
    } else {
        cg_copy_stack(cg, off + 4, cg_mem_value(cg, arg), have);
    }
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, off, n));
}
