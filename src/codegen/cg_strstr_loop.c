/* strstr over long strings (a str() of 1024 bytes): a loop over the
 * haystack index rather than one copy of the needle comparison per index,
 * which would not fit a program. Each read's offset is checked against the
 * haystack's capacity first so the verifier sees it in bounds. */
#include "codegen/cg.h"

void cg_strstr_loop(struct cg *cg, int ho, int hcap, int no, int ncap, int reg, int found,
                    int missing) {
    int loop = emit_label(&cg->e), next = emit_label(&cg->e);
    emit(&cg->e, MOV64_IMM(reg, 0));
    emit_place(&cg->e, loop);
    emit_jump(&cg->e, JMP_IMM(BPF_JGE, reg, hcap, 0), missing);
    for (int j = 0; j < ncap; j++) {
        /* each test jumps to go on and falls through to leave: the
         * verifier walks the leaving path first, so few states wait */
        int nonul = emit_label(&cg->e), inside = emit_label(&cg->e), same = emit_label(&cg->e);
        emit(&cg->e, LDX_MEM(BPF_B, R2, cg->fp, no + j));
        emit_jump(&cg->e, JMP_IMM(BPF_JNE, R2, 0, 0), nonul);
        emit_jump(&cg->e, JA(0), found);
        emit_place(&cg->e, nonul);
        emit(&cg->e, MOV64_REG(R3, reg));
        if (j)
            emit(&cg->e, ALU64_IMM(BPF_ADD, R3, j));
        emit_jump(&cg->e, JMP_IMM(BPF_JLT, R3, hcap, 0), inside);
        emit_jump(&cg->e, JA(0), next); /* the haystack ended */
        emit_place(&cg->e, inside);
        emit(&cg->e, MOV64_REG(R4, cg->fp));
        emit(&cg->e, ALU64_IMM(BPF_ADD, R4, ho));
        emit(&cg->e, ALU64_REG(BPF_ADD, R4, R3));
        emit(&cg->e, LDX_MEM(BPF_B, R4, R4, 0));
        emit_jump(&cg->e, JMP_REG(BPF_JEQ, R4, R2, 0), same);
        emit_jump(&cg->e, JA(0), next);
        emit_place(&cg->e, same);
    }
    emit_jump(&cg->e, JA(0), found);
    emit_place(&cg->e, next);
    /* no match at reg: a NUL there ends the haystack */
    emit(&cg->e, MOV64_REG(R4, cg->fp));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R4, ho));
    emit(&cg->e, ALU64_REG(BPF_ADD, R4, reg));
    emit(&cg->e, LDX_MEM(BPF_B, R4, R4, 0));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R4, 0, 0), missing);
    emit(&cg->e, ALU64_IMM(BPF_ADD, reg, 1));
    emit_jump(&cg->e, JA(0), loop);
}
