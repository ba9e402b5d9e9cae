/* Builtin variables (pid, comm, nsecs, probe, curtask, argN, retval ...);
 * args and its fields are typed memory (cg_typed.c). */
#include <string.h>

#include "codegen/cg.h"
#include "providers/arch.h"
#include "providers/provider.h"
#include "sys/ktask.h"

void cg_ctx(struct cg *cg, int reg) {
    emit(&cg->e, LDX_MEM(BPF_DW, reg, cg->sp, cg->ctx_slot));
}

/* Calls a helper without arguments and keeps r0 in a pool register. */
static int call0(struct cg *cg, int helper, const struct loc *loc) {
    emit(&cg->e, CALL_HELPER(helper));
    int reg = cg_reg_alloc(cg, loc);
    emit(&cg->e, MOV64_REG(reg, R0));
    return reg;
}

static struct val in_reg(int reg) {
    return (struct val){.kind = V_REG, .reg = reg};
}

/* elapsed = now - the start time the runtime stored in .state */
static struct val elapsed(struct cg *cg, const struct loc *loc) {
    int reg = call0(cg, BPF_FUNC_ktime_get_ns, loc);
    emit(&cg->e, INSN(BPF_LD | BPF_DW | BPF_IMM, R1, BPF_PSEUDO_MAP_VALUE, 0, cg->state_map));
    emit(&cg->e, LD_IMM64_HI(0));
    emit(&cg->e, LDX_MEM(BPF_DW, R1, R1, 0));
    emit(&cg->e, ALU64_REG(BPF_SUB, reg, R1));
    return in_reg(reg);
}

static struct val probe_id(struct cg *cg, const struct loc *loc) {
    if (cg->target)
        return (struct val){.kind = V_IMM, .imm = (int64_t)cg->target->cookie};
    /* several targets share this program: the attach cookie tells them apart */
    cg_ctx(cg, R1);
    return in_reg(call0(cg, BPF_FUNC_get_attach_cookie, loc));
}

/* (ctx->cs & 3) == 3: the probe interrupted user code */
static struct val usermode(struct cg *cg, const struct loc *loc) {
    int reg = cg_reg_alloc(cg, loc);
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, arch_reg_offset(arch_current(), "cs")));
    emit(&cg->e, ALU64_IMM(BPF_AND, reg, 3));
    int done = emit_label(&cg->e);
    emit(&cg->e, ALU64_IMM(BPF_XOR, reg, 3)); /* 0 when user mode */
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, reg, 0, 0), done);
    emit(&cg->e, MOV64_IMM(reg, 1));
    emit_place(&cg->e, done);
    emit(&cg->e, ALU64_IMM(BPF_XOR, reg, 1));
    return in_reg(reg);
}

static bool pid_from_task(struct cg *cg, struct node *n, int *reg);

struct val cg_builtin_int(struct cg *cg, struct node *n) {
    int reg;
    struct val v;
    if ((n->sym == B_PID || n->sym == B_TID) && cg_pidns_value(cg, n, &v))
        return v;
    if ((n->sym == B_PID || n->sym == B_TID) && pid_from_task(cg, n, &reg))
        return in_reg(reg);
    switch ((enum builtin)n->sym) {
    case B_PID:
        reg = call0(cg, BPF_FUNC_get_current_pid_tgid, &n->loc);
        emit(&cg->e, ALU64_IMM(BPF_RSH, reg, 32));
        return in_reg(reg);
    case B_TID:
    case B_UID:
        emit(&cg->e, CALL_HELPER(n->sym == B_TID ? BPF_FUNC_get_current_pid_tgid
                                                 : BPF_FUNC_get_current_uid_gid));
        reg = cg_reg_alloc(cg, &n->loc);
        emit(&cg->e, MOV32_REG(reg, R0)); /* the lower half */
        return in_reg(reg);
    case B_GID:
        reg = call0(cg, BPF_FUNC_get_current_uid_gid, &n->loc);
        emit(&cg->e, ALU64_IMM(BPF_RSH, reg, 32));
        return in_reg(reg);
    case B_CPU:
        return in_reg(call0(cg, BPF_FUNC_get_smp_processor_id, &n->loc));
    case B_NSECS: /* bpftrace's nsecs counts from boot, suspend included */
        return in_reg(call0(cg, BPF_FUNC_ktime_get_boot_ns, &n->loc));
    case B_ELAPSED:
        return elapsed(cg, &n->loc);
    case B_PROBE:
        return probe_id(cg, &n->loc);
    case B_CURTASK:
        return in_reg(call0(cg, BPF_FUNC_get_current_task, &n->loc));
    case B_RAND:
        return in_reg(call0(cg, BPF_FUNC_get_prandom_u32, &n->loc));
    case B_JIFFIES:
        return in_reg(call0(cg, BPF_FUNC_jiffies64, &n->loc));
    case B_NUMAID:
        return in_reg(call0(cg, BPF_FUNC_get_numa_node_id, &n->loc));
    case B_CGROUP:
        return in_reg(call0(cg, BPF_FUNC_get_current_cgroup_id, &n->loc));
    case B_USERNAME:
        reg = call0(cg, BPF_FUNC_get_current_uid_gid, &n->loc);
        emit(&cg->e, MOV32_REG(reg, reg)); /* the uid half */
        return in_reg(reg);
    case B_CTX:
        reg = cg_reg_alloc(cg, &n->loc);
        cg_ctx(cg, reg);
        return in_reg(reg);
    case B_USERMODE:
        return usermode(cg, &n->loc);
    case B_RETVAL:
        reg = cg_reg_alloc(cg, &n->loc);
        cg->unit->prov->emit_retval(cg, reg);
        return in_reg(reg);
    case B_FUNC_IP:
        reg = cg_reg_alloc(cg, &n->loc);
        cg->unit->prov->emit_func_ip(cg, reg);
        return in_reg(reg);
    default:
        if (n->sym >= B_ARG0 && cg->unit->prov->emit_argn) {
            reg = cg_reg_alloc(cg, &n->loc);
            cg->unit->prov->emit_argn(cg, n->sym - B_ARG0, reg);
            return in_reg(reg);
        }
        cg_error(cg, &n->loc, E_UNSUPPORTED, "builtin %s is not supported here", n->str);
        return (struct val){.kind = V_IMM};
    }
}

/* probe as a string: the name of the program's one target, zero-padded. */
static void probe_name(struct cg *cg, struct node *n, int off, int size) {
    if (!cg->target) {
        cg_error(cg, &n->loc, E_UNSUPPORTED, "probe is not a string here");
        return;
    }
    const char *name = cg->target->name;
    int len = (int)strlen(name), i = 0;
    for (; i + 4 <= size; i += 4) {
        uint32_t word = 0;
        int part = len - i < 4 ? len - i : 4;
        if (part > 0)
            memcpy(&word, name + i, (size_t)part);
        emit(&cg->e, ST_MEM(BPF_W, cg->fp, off + i, (int32_t)word));
    }
    for (; i < size; i++)
        emit(&cg->e, ST_MEM(BPF_B, cg->fp, off + i, i < len ? name[i] : 0));
}

/* The program types that may call bpf_get_current_task_btf. */
static bool has_task_btf(enum bpf_prog_type t) {
    return t == BPF_PROG_TYPE_TRACEPOINT || t == BPF_PROG_TYPE_KPROBE ||
           t == BPF_PROG_TYPE_PERF_EVENT || t == BPF_PROG_TYPE_RAW_TRACEPOINT ||
           t == BPF_PROG_TYPE_TRACING;
}

/* Whether in may change r0: a call, an exit, an atomic (cmpxchg writes
 * r0) or any other write to r0. */
static bool changes_r0(const struct bpf_insn *in) {
    int cls = BPF_CLASS(in->code);
    if (cls == BPF_JMP || cls == BPF_JMP32)
        return BPF_OP(in->code) == BPF_CALL || BPF_OP(in->code) == BPF_EXIT;
    if (cls == BPF_STX)
        return BPF_MODE(in->code) == BPF_ATOMIC;
    return cls != BPF_ST && in->dst_reg == R0;
}

void cg_current_task(struct cg *cg) {
    struct emit *e = &cg->e;
    int mark = cg->task_r0 - 1;
    bool same = mark > 0 && mark <= e->n && e->n - mark <= 16 && e->last_place < mark;
    for (int i = mark; same && i < e->n; i++)
        same = !changes_r0(&e->insns[i]);
    if (same)
        return;
    emit(e, CALL_HELPER(BPF_FUNC_get_current_task_btf));
    cg->task_r0 = e->n + 1;
}

/* pid and tid as a load from current's task_struct, where the kernel's
 * BTF gives the offsets: the same values as bpf_get_current_pid_tgid's
 * halves, and the task pointer serves a comm next to them as well. */
static bool pid_from_task(struct cg *cg, struct node *n, int *reg) {
    int at;
    if (!cg->task_comm || !has_task_btf(cg->unit->prov->prog_type) ||
        (at = ktask_pid_offset(n->sym == B_PID)) < 0)
        return false;
    cg_current_task(cg);
    *reg = cg_reg_alloc(cg, &n->loc);
    emit(&cg->e, LDX_MEM(BPF_W, *reg, R0, at));
    return true;
}

/* comm as two loads from current's task_struct: bpf_get_current_comm
 * copies with strscpy_pad and a memset, a fifth of a map count's cost per
 * event. The kernel pads the name itself since 6.2 (ktask.h). */
static bool comm_from_task(struct cg *cg, int off, int size) {
    int at;
    if (!cg->task_comm || size < 16 || (off & 7) || !has_task_btf(cg->unit->prov->prog_type) ||
        (at = ktask_comm_offset()) < 0)
        return false;
    cg_current_task(cg);
    for (int i = 0; i < 16; i += 8) {
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, at + i));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, off + i));
    }
    if (size > 16)
        cg_zero(cg, off + 16, size - 16);
    return true;
}

void cg_builtin_mem(struct cg *cg, struct node *n, int off, int size) {
    if (n->sym == B_PROBE) {
        probe_name(cg, n, off, size);
        return;
    }
    if (n->sym != B_COMM) {
        cg_error(cg, &n->loc, E_UNSUPPORTED, "builtin %s is not supported here", n->str);
        return;
    }
    if (comm_from_task(cg, off, size))
        return;
    int len = size < 16 ? size : 16;
    /* kernels before 6.2 copy the name without padding it: the bytes after
     * its NUL would stay as they were and split one map key into many */
    if (cg->zero_fill)
        cg_zero(cg, off, len);
    cg_stack_ptr(cg, R1, off);
    emit(&cg->e, MOV64_IMM(R2, len));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_comm));
    if (size > len)
        cg_zero(cg, off + len, size - len);
}
