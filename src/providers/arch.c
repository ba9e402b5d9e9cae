/* The build's architecture table and the pt_regs accessors providers share. */
#include "providers/arch.h"

#include <string.h>

#include "codegen/cg.h"

const struct arch *arch_current(void) {
#if defined(__x86_64__)
    return &arch_x86_64;
#else
#error "trawk knows the pt_regs layout of x86_64 only: add this architecture's table"
#endif
}

int arch_reg_offset(const struct arch *a, const char *name) {
    for (const struct arch_reg *r = a->regs; r->name; r++)
        if (strcmp(r->name, name) == 0)
            return r->offset;
    return -1;
}

int arch_user_reg_offset(const struct arch *a, const char *name) {
    for (const struct arch_alias *al = a->aliases; al && al->name; al++)
        if (strcmp(al->name, name) == 0)
            return al->reg ? arch_reg_offset(a, al->reg) : -1;
    return arch_reg_offset(a, name);
}

/* Arguments past the registers live on the stack: the provider refuses
 * them through max_argn, so n is always a register here. */
void arch_emit_pt_regs_arg(struct cg *cg, int n, int reg) {
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, arch_current()->arg_offset[n]));
}

/* The probed function's address, which the kernel keeps for kprobes,
 * fentry/fexit and uprobe_multi (pt_regs->ip is elsewhere by then). */
void provider_emit_func_ip(struct cg *cg, int reg) {
    cg_ctx(cg, R1);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_func_ip));
    emit(&cg->e, MOV64_REG(reg, R0));
}

void arch_emit_pt_regs_retval(struct cg *cg, int reg) {
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, arch_current()->ret_offset));
}
