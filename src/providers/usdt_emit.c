/* USDT argN in BPF: each operand of the program's location becomes loads
 * from the pt_regs context, a bpf_probe_read_user for memory operands,
 * and the extension its size and sign ask for. */
#include "codegen/cg.h"
#include "codegen/insn.h"
#include "providers/usdt_args.h"

/* reg = the pt_regs slot at off (ctx in reg already when ctx_loaded). */
static void load_slot(struct cg *cg, int reg, int off) {
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, off));
}

static const struct type *arg_type(const struct usdt_arg *a) {
    static const struct type *const sign[] = {NULL, &type_s8, &type_s16, NULL,     &type_s32,
                                              NULL, NULL,     NULL,      &type_s64};
    static const struct type *const unsign[] = {NULL, &type_u8, &type_u16, NULL,     &type_u32,
                                                NULL, NULL,     NULL,      &type_u64};
    return a->is_signed ? sign[a->size] : unsign[a->size];
}

/* reg = *(base + index * scale + disp), size bytes of user memory. */
static void load_memory(struct cg *cg, const struct usdt_arg *a, int reg) {
    if (a->reg >= 0)
        load_slot(cg, reg, a->reg);
    else
        emit(&cg->e, MOV64_IMM(reg, 0));
    if (a->index >= 0) {
        load_slot(cg, R3, a->index);
        if (a->scale > 1)
            emit(&cg->e, ALU64_IMM(BPF_MUL, R3, a->scale));
        emit(&cg->e, ALU64_REG(BPF_ADD, reg, R3));
    }
    if (a->value == (int32_t)a->value) {
        if (a->value)
            emit(&cg->e, ALU64_IMM(BPF_ADD, reg, (int32_t)a->value));
    } else {
        emit_ld_imm64(&cg->e, R3, a->value);
        emit(&cg->e, ALU64_REG(BPF_ADD, reg, R3));
    }
    /* bpf_probe_read_user(fp + slot, size, addr) zeroes the slot on a fault */
    int mark = cg_frame_mark(cg);
    int slot = cg_frame_alloc(cg, 8);
    emit(&cg->e, MOV64_REG(R3, reg));
    cg_stack_ptr(cg, R1, slot);
    emit(&cg->e, MOV64_IMM(R2, a->size));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_probe_read_user));
    cg_load(cg, reg, cg->fp, slot, arg_type(a));
    cg_frame_release(cg, mark);
}

void usdt_emit_argn(struct cg *cg, int n, int reg) {
    struct usdt_arg args[USDT_MAX_ARGS];
    char err[256];
    const struct attach_target *t = cg->target;
    int nargs = t && t->spec.args
                    ? usdt_args_parse(t->spec.args, args, USDT_MAX_ARGS, err, sizeof(err))
                    : 0;
    if (nargs < 0) {
        cg_error(cg, &cg->e.loc, E_UNSUPPORTED, "%s: %s", t->name, err);
        return;
    }
    if (n >= nargs) {
        emit(&cg->e, MOV64_IMM(reg, 0));
        return;
    }
    const struct usdt_arg *a = &args[n];
    switch (a->kind) {
    case USDT_ARG_CONST: /* "4@$-1" is 4294967295: constants have their size too */
        emit_ld_imm64(&cg->e, reg, usdt_arg_const(a));
        break;
    case USDT_ARG_REG:
        load_slot(cg, reg, a->reg);
        if (a->shift)
            emit(&cg->e, ALU64_IMM(BPF_RSH, reg, a->shift));
        cg_extend(cg, reg, arg_type(a));
        break;
    case USDT_ARG_MEM:
        load_memory(cg, a, reg);
        break;
    }
}
