/* Functions that read the probe's context: reg(). */
#include "codegen/cg.h"

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

struct val cg_ctxfunc_int(struct cg *cg, struct node *call) {
    switch ((enum func)call->sym) {
    case F_REG:
        return reg_read(cg, call);
    default:
        cg_error(cg, &call->loc, E_UNSUPPORTED, "%s() has no value here", call->str);
        return (struct val){.kind = V_IMM};
    }
}
