/* Stack slots. Slots are 8-byte aligned and handed out like a stack:
 * statements release what their temporaries took. */
#include "codegen/cg.h"

int cg_frame_alloc(struct cg *cg, int size) {
    int aligned = (size + 7) & ~7;
    cg->frame_top += aligned;
    /* offset 0 means "no slot" to callers (var_slot): a biased frame skips it */
    if (cg->frame_bias && cg->frame_bias == cg->frame_top)
        cg->frame_top += 8;
    if (cg->frame_top > cg->frame_max)
        cg->frame_max = cg->frame_top;
    /* past the stack the program is generated again with a scratch frame */
    if (cg->frame_top > CG_BIG_FRAME_SIZE && !cg->failed)
        cg_error(cg, &cg->unit->probe->loc, E_LIMIT,
                 "the probe needs %d bytes of scratch memory, more than the %d bytes BPF allows",
                 cg->frame_top, CG_BIG_FRAME_SIZE);
    return cg->frame_bias - cg->frame_top;
}

int cg_var_base(const struct cg *cg, int i) {
    return cg->var_on_stack[i] ? cg->sp : cg->fp;
}

int cg_stack_alloc(struct cg *cg, int size) {
    if (!cg->scratch)
        return cg_frame_alloc(cg, size);
    cg->stack_top += (size + 7) & ~7;
    if (cg->stack_top > cg->stack_max)
        cg->stack_max = cg->stack_top;
    if (cg->stack_top > CG_STACK_SIZE && !cg->failed)
        cg_error(cg, &cg->unit->probe->loc, E_LIMIT,
                 "the probe needs more than %d bytes of BPF stack for its integer variables",
                 CG_STACK_SIZE);
    return -cg->stack_top;
}

void cg_stack_ptr(struct cg *cg, int reg, int off) {
    emit(&cg->e, MOV64_REG(reg, cg->fp));
    emit(&cg->e, ALU64_IMM(BPF_ADD, reg, off));
}

int cg_frame_mark(struct cg *cg) {
    return cg->frame_top;
}

void cg_frame_release(struct cg *cg, int mark) {
    cg->frame_top = mark;
}

/* The widest access (8, 4, 2 or 1 bytes) that keeps every address aligned:
 * the verifier rejects misaligned stack accesses. */
int cg_access_width(int a, int b, int remaining) {
    for (int w = 8; w > 1; w /= 2)
        if (remaining >= w && a % w == 0 && b % w == 0)
            return w;
    return 1;
}

bool cg_valid_width(int width) {
    return width == 1 || width == 2 || width == 4 || width == 8;
}

int cg_size_code(int width) {
    return width == 8 ? BPF_DW : width == 4 ? BPF_W : width == 2 ? BPF_H : BPF_B;
}

void cg_load(struct cg *cg, int reg, int base, int off, const struct type *ty) {
    int size = cg_valid_width((int)ty->size) ? (int)ty->size : 8;
    emit(&cg->e, LDX_MEM(cg_size_code(size), reg, base, off));
    if (size < 8)
        cg_extend(cg, reg, ty);
}

void cg_zero(struct cg *cg, int off, int size) {
    for (int i = 0; i < size;) {
        int w = cg_access_width(off + i, 0, size - i);
        emit(&cg->e, ST_MEM(cg_size_code(w), cg->fp, off + i, 0));
        i += w;
    }
}
