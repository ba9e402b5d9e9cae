/* percpu_kaddr(): the per-CPU variable's BTF id in an ld_imm64 the kernel
 * resolves (BPF_PSEUDO_BTF_ID; imm of the second half 0: vmlinux), then
 * bpf_this_cpu_ptr(var) or bpf_per_cpu_ptr(var, cpu), NULL past the CPUs. */
#include "codegen/cg.h"

struct val cg_percpu_kaddr(struct cg *cg, struct node *call) {
    struct node *cpu = call->a->next;
    int helper = cpu ? BPF_FUNC_per_cpu_ptr : BPF_FUNC_this_cpu_ptr;
    if (cpu) {
        struct val v = cg_int(cg, cpu);
        cg_val_to(cg, &v, R2);
        cg_val_free(cg, &v);
    }
    emit(&cg->e, LD_IMM64_LO(R1, BPF_PSEUDO_BTF_ID, call->aux));
    emit(&cg->e, LD_IMM64_HI(0));
    emit(&cg->e, CALL_HELPER(helper));
    int reg = cg_reg_alloc(cg, &call->loc);
    emit(&cg->e, MOV64_REG(reg, R0));
    return (struct val){.kind = V_REG, .reg = reg};
}
