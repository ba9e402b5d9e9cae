/* Stack slots. Slots are 8-byte aligned and handed out like a stack:
 * statements release what their temporaries took. */
#include "codegen/cg.h"

int cg_frame_alloc(struct cg *cg, int size)
{
    int aligned = (size + 7) & ~7;
    cg->frame_top += aligned;
    if (cg->frame_top > cg->frame_max)
        cg->frame_max = cg->frame_top;
    if (cg->frame_top > CG_STACK_SIZE && !cg->failed)
        cg_error(cg, &cg->unit->probe->loc, E_LIMIT,
                 "BPF stack limit of %d bytes exceeded (%d bytes needed)", CG_STACK_SIZE,
                 cg->frame_top);
    return -cg->frame_top;
}

int cg_frame_mark(struct cg *cg)
{
    return cg->frame_top;
}

void cg_frame_release(struct cg *cg, int mark)
{
    cg->frame_top = mark;
}

void cg_zero(struct cg *cg, int off, int size)
{
    int i = 0;
    for (; i + 8 <= size; i += 8)
        emit(&cg->e, ST_MEM(BPF_DW, R10, off + i, 0));
    for (; i + 4 <= size; i += 4)
        emit(&cg->e, ST_MEM(BPF_W, R10, off + i, 0));
    for (; i < size; i++)
        emit(&cg->e, ST_MEM(BPF_B, R10, off + i, 0));
}
