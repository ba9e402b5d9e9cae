/* memcmp(left, right, count): both values in the frame, compared as signed
 * bytes (bpftrace's int8 pointers) by a loop unrolled over the smaller
 * value, so every read stays inside it. */
#include "codegen/cg.h"

/* The value of n in the frame, whatever its type; strings NUL-padded. */
static int value_in_frame(struct cg *cg, struct node *n) {
    if (cg_is_mem_type(n->ty))
        return cg_string_in_frame(cg, n);
    int off = cg_frame_alloc(cg, (int)n->ty->size);
    cg_store_value(cg, n, n->ty, off);
    return off;
}

/* reg = (int8)reg */
static void sign_byte(struct cg *cg, int reg) {
    emit(&cg->e, ALU64_IMM(BPF_LSH, reg, 56));
    emit(&cg->e, ALU64_IMM(BPF_ARSH, reg, 56));
}

struct val cg_memcmp(struct cg *cg, struct node *call) {
    struct node *l = call->a, *r = l->next, *count = r->next;
    int mark = cg_frame_mark(cg);
    int lo = value_in_frame(cg, l);
    int ro = value_in_frame(cg, r);
    int n = (int)(l->ty->size < r->ty->size ? l->ty->size : r->ty->size);
    struct val c = cg_int(cg, count);
    if (c.kind == V_IMM && c.imm >= 0 && c.imm < n)
        n = (int)c.imm;
    int creg = c.kind == V_IMM ? -1 : cg_val_reg(cg, &c, &count->loc);
    int reg = cg_reg_alloc(cg, &call->loc);
    int done = emit_label(&cg->e);
    emit(&cg->e, MOV64_IMM(reg, 0));
    for (int i = 0; i < n; i++) {
        if (creg >= 0) /* count is unsigned: stop once i reaches it */
            emit_jump(&cg->e, JMP_IMM(BPF_JLE, creg, i, 0), done);
        int next = emit_label(&cg->e);
        emit(&cg->e, LDX_MEM(BPF_B, R1, cg->fp, lo + i));
        emit(&cg->e, LDX_MEM(BPF_B, R2, cg->fp, ro + i));
        emit_jump(&cg->e, JMP_REG(BPF_JEQ, R1, R2, 0), next);
        sign_byte(cg, R1);
        sign_byte(cg, R2);
        emit(&cg->e, MOV64_REG(reg, R1));
        emit(&cg->e, ALU64_REG(BPF_SUB, reg, R2));
        emit_jump(&cg->e, JA(0), done);
        emit_place(&cg->e, next);
    }
    emit_place(&cg->e, done);
    cg_val_free(cg, &c);
    cg_frame_release(cg, mark);
    return (struct val){.kind = V_REG, .reg = reg};
}
