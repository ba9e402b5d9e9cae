/* str_concat(a, b): both strings in the frame, appended byte by byte to a
 * NUL-padded result; an index register bounded before each store keeps
 * every write inside the result. */
#include "codegen/cg.h"

/* Appends the string at src (cap bytes) at dst + *len, keeping one NUL. */
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
    int len = cg_reg_alloc(cg, &call->loc);
    emit(&cg->e, MOV64_IMM(len, 0));
    append(cg, off, size, ao, (int)a->ty->size, len);
    append(cg, off, size, bo, (int)b->ty->size, len);
    cg_reg_free(cg, len);
    cg_frame_release(cg, mark);
}
