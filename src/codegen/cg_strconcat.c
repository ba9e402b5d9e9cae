/* str_concat(a, b): a copied into the NUL-padded result by
 * bpf_probe_read_kernel_str, whose length tells where b goes; b appended
 * byte by byte, an index register bounded before each store keeping every
 * write inside the result. a's length is one unknown value to the verifier,
 * not one path per length, so two long strings still verify. */
#include "codegen/cg.h"

/* Appends the string at src (cap bytes) at dst + the register len, keeping
 * the last byte NUL. */
static void append(struct cg *cg, int dst, int size, int src, int cap, int len) {
    int end = emit_label(&cg->e);
    for (int i = 0; i < cap; i++) {
        emit(&cg->e, LDX_MEM(BPF_B, R1, cg->fp, src + i));
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), end);
        emit_jump(&cg->e, JMP_IMM(BPF_JGE, len, size - 1, 0), end);
        emit(&cg->e, MOV64_REG(R2, cg->fp));
        emit(&cg->e, ALU64_IMM(BPF_ADD, R2, dst));
        emit(&cg->e, ALU64_REG(BPF_ADD, R2, len));
        emit(&cg->e, STX_MEM(BPF_B, R2, R1, 0));
        emit(&cg->e, ALU64_IMM(BPF_ADD, len, 1));
    }
    emit_place(&cg->e, end);
}

void cg_str_concat(struct cg *cg, struct node *call, int off, int size) {
    struct node *a = call->a, *b = a->next;
    int mark = cg_frame_mark(cg);
    int ao = cg_string_in_frame(cg, a);
    int bo = cg_string_in_frame(cg, b);
    cg_zero(cg, off, size);
    cg_stack_ptr(cg, R1, off);
    emit(&cg->e, MOV64_IMM(R2, (int)a->ty->size < size ? (int)a->ty->size : size));
    cg_stack_ptr(cg, R3, ao);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_probe_read_kernel_str));
    /* the length without the NUL, clamped for the verifier */
    int len = cg_reg_alloc(cg, &call->loc);
    int low = emit_label(&cg->e), high = emit_label(&cg->e);
    emit(&cg->e, MOV64_REG(len, R0));
    emit(&cg->e, ALU64_IMM(BPF_ADD, len, -1));
    emit_jump(&cg->e, JMP_IMM(BPF_JSGE, len, 0, 0), low);
    emit(&cg->e, MOV64_IMM(len, 0));
    emit_place(&cg->e, low);
    emit_jump(&cg->e, JMP_IMM(BPF_JSLE, len, size - 1, 0), high);
    emit(&cg->e, MOV64_IMM(len, size - 1));
    emit_place(&cg->e, high);
    append(cg, off, size, bo, (int)b->ty->size, len);
    cg_reg_free(cg, len);
    cg_frame_release(cg, mark);
}
