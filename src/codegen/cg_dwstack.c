/* dw_ustack: what user space needs to unwind a stack built without frame
 * pointers with the process's DWARF CFI (runtime/dwunwind.c), written into
 * an event record (layout in types.h, TYPE_DW_STACK_*). A copy of 8 KiB
 * cannot be a map key or a variable: only printf and print take it. */
#include "codegen/cg.h"
#include "providers/arch.h"

/* The copy ends at the first chunk that is not mapped: the stack's top. */
#define DW_CHUNK 512

/* The user registers of the current task, whatever the probe's context:
 *   regs = bpf_task_pt_regs(bpf_get_current_task_btf());
 *   rec->ip = regs->ip; rec->sp = regs->sp; rec->bp = regs->bp; */
static void store_regs(struct cg *cg, int off) {
    const struct arch *arch = arch_current();
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_task_btf));
    emit(&cg->e, MOV64_REG(R1, R0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_task_pt_regs));
    const uint16_t regs[] = {arch->ip_offset, arch->sp_offset, arch->fp_offset};
    for (int i = 0; i < 3; i++) {
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, regs[i]));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, off + 8 + 8 * i));
    }
}

/* for (i = 0; i < BYTES / CHUNK; i++) {
 *     if (bpf_probe_read_user(rec->stack + i * CHUNK, CHUNK, rec->sp + i * CHUNK))
 *         break;
 *     rec->len = (i + 1) * CHUNK;
 * } */
static void copy_stack(struct cg *cg, int off) {
    int done = emit_label(&cg->e);
    emit(&cg->e, ST_MEM(BPF_DW, cg->fp, off + 32, 0));
    for (int i = 0; i < TYPE_DW_STACK_BYTES / DW_CHUNK; i++) {
        cg_stack_ptr(cg, R1, off + TYPE_DW_STACK_HEADER + i * DW_CHUNK);
        emit(&cg->e, MOV64_IMM(R2, DW_CHUNK));
        emit(&cg->e, LDX_MEM(BPF_DW, R3, cg->fp, off + 16));
        emit(&cg->e, ALU64_IMM(BPF_ADD, R3, i * DW_CHUNK));
        emit(&cg->e, CALL_HELPER(BPF_FUNC_probe_read_user));
        emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, 0, 0), done);
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, off + 32, (i + 1) * DW_CHUNK));
    }
    emit_place(&cg->e, done);
}

void cg_dw_stack_store(struct cg *cg, struct node *call, int off) {
    if (cg->zero_fill) { /* not an event record */
        cg_error(cg, &call->loc, E_UNSUPPORTED,
                 "dw_ustack() is only supported as an argument of printf() or print() in trawk");
        return;
    }
    /* rec->pid = bpf_get_current_pid_tgid() >> 32 */
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_pid_tgid));
    emit(&cg->e, ALU64_IMM(BPF_RSH, R0, 32));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off));
    store_regs(cg, off);
    copy_stack(cg, off);
}
