/* write_user(dst, src, len): bpf_probe_write_user() of len bytes of src's
 * value into user memory at dst (--unsafe). */
#include "codegen/cg.h"

void cg_write_user(struct cg *cg, struct node *call) {
    struct node *dst = call->a, *src = dst->next, *len = src->next;
    /* room for the value, and for a literal len past it (read as zeros) */
    int size = (int)src->ty->size;
    if (len->kind == N_INT && len->num <= 4096 && (int)len->num > size)
        size = (int)len->num;
    size = (size + 7) & ~7;
    int mark = cg_frame_mark(cg);
    int off = cg_frame_alloc(cg, size);
    cg_zero(cg, off, size);
    cg_store_value(cg, src, src->ty, off);
    struct val d = cg_int(cg, dst), n = cg_int(cg, len);
    cg_val_to(cg, &d, R1);
    cg_val_to(cg, &n, R3);
    cg_val_free(cg, &d);
    cg_val_free(cg, &n);
    /* the verifier wants 1..size bytes: at most the slot, nothing for 0 */
    int skip = emit_label(&cg->e), in_range = emit_label(&cg->e);
    emit(&cg->e, MOV32_REG(R3, R3)); /* the u32 the helper takes */
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R3, 0, 0), skip);
    emit_jump(&cg->e, JMP_IMM(BPF_JLE, R3, size, 0), in_range);
    emit(&cg->e, MOV64_IMM(R3, size));
    emit_place(&cg->e, in_range);
    cg_stack_ptr(cg, R2, off);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_probe_write_user));
    cg_helper_check(cg, BPF_FUNC_probe_write_user);
    emit_place(&cg->e, skip);
    cg_frame_release(cg, mark);
}
