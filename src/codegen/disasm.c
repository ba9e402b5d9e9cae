#include "codegen/disasm.h"

#include <stdint.h>

static const char *alu_sym(int op, int off) {
    switch (op) {
    case BPF_ADD:
        return "+=";
    case BPF_SUB:
        return "-=";
    case BPF_MUL:
        return "*=";
    case BPF_DIV:
        return off ? "s/=" : "/=";
    case BPF_MOD:
        return off ? "s%=" : "%=";
    case BPF_OR:
        return "|=";
    case BPF_AND:
        return "&=";
    case BPF_LSH:
        return "<<=";
    case BPF_RSH:
        return ">>=";
    case BPF_XOR:
        return "^=";
    case BPF_ARSH:
        return "s>>=";
    default:
        return "?=";
    }
}

static const char *jmp_sym(int op) {
    switch (op) {
    case BPF_JEQ:
        return "==";
    case BPF_JNE:
        return "!=";
    case BPF_JGT:
        return ">";
    case BPF_JGE:
        return ">=";
    case BPF_JLT:
        return "<";
    case BPF_JLE:
        return "<=";
    case BPF_JSGT:
        return "s>";
    case BPF_JSGE:
        return "s>=";
    case BPF_JSLT:
        return "s<";
    case BPF_JSLE:
        return "s<=";
    case BPF_JSET:
        return "&";
    default:
        return "?";
    }
}

static const char *size_name(int sz) {
    return sz == BPF_B ? "u8" : sz == BPF_H ? "u16" : sz == BPF_W ? "u32" : "u64";
}

static int alu(const struct bpf_insn *in, char *buf, size_t size) {
    int is64 = BPF_CLASS(in->code) == BPF_ALU64;
    char r = is64 ? 'r' : 'w';
    int op = BPF_OP(in->code);
    if (op == BPF_NEG)
        return snprintf(buf, size, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg), 1;
    if (op == BPF_END)
        return snprintf(buf, size, "r%d = be%d r%d", in->dst_reg, in->imm, in->dst_reg), 1;
    if (op == BPF_MOV) {
        if (BPF_SRC(in->code) == BPF_X)
            snprintf(buf, size, "%c%d = %c%d", r, in->dst_reg, r, in->src_reg);
        else
            snprintf(buf, size, "%c%d = %d", r, in->dst_reg, in->imm);
        return 1;
    }
    if (BPF_SRC(in->code) == BPF_X)
        snprintf(buf, size, "%c%d %s %c%d", r, in->dst_reg, alu_sym(op, in->off), r, in->src_reg);
    else
        snprintf(buf, size, "%c%d %s %d", r, in->dst_reg, alu_sym(op, in->off), in->imm);
    return 1;
}

static int jmp(const struct bpf_insn *in, char *buf, size_t size) {
    int op = BPF_OP(in->code);
    char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';
    if (op == BPF_CALL && in->src_reg == BPF_PSEUDO_CALL)
        return snprintf(buf, size, "call pc%+d", in->imm), 1;
    if (op == BPF_CALL)
        return snprintf(buf, size, "call %d", in->imm), 1;
    if (op == BPF_EXIT)
        return snprintf(buf, size, "exit"), 1;
    if (op == BPF_JA)
        return snprintf(buf, size, "goto pc%+d", in->off), 1;
    if (BPF_SRC(in->code) == BPF_X)
        snprintf(buf, size, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg, jmp_sym(op), r,
                 in->src_reg, in->off);
    else
        snprintf(buf, size, "if %c%d %s %d goto pc%+d", r, in->dst_reg, jmp_sym(op), in->imm,
                 in->off);
    return 1;
}

int disasm_insn(const struct bpf_insn *in, char *buf, size_t size) {
    int cls = BPF_CLASS(in->code), sz = BPF_SIZE(in->code);
    switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
        return alu(in, buf, size);
    case BPF_JMP:
    case BPF_JMP32:
        return jmp(in, buf, size);
    case BPF_LD:
        if (in->src_reg == BPF_PSEUDO_MAP_FD)
            snprintf(buf, size, "r%d = map[%d]", in->dst_reg, in->imm);
        else if (in->src_reg == BPF_PSEUDO_FUNC)
            snprintf(buf, size, "r%d = func pc%+d", in->dst_reg, in->imm);
        else if (in->src_reg == BPF_PSEUDO_MAP_VALUE)
            snprintf(buf, size, "r%d = &map[%d][%d]", in->dst_reg, in->imm, in[1].imm);
        else
            snprintf(
                buf, size, "r%d = %lld", in->dst_reg,
                (long long)((uint64_t)(uint32_t)in->imm | (uint64_t)(uint32_t)in[1].imm << 32));
        return 2;
    case BPF_LDX:
        snprintf(buf, size, "r%d = *(%s%s *)(r%d %+d)", in->dst_reg,
                 BPF_MODE(in->code) == 0x80 ? "s" : "", size_name(sz), in->src_reg, in->off);
        return 1;
    case BPF_ST:
        snprintf(buf, size, "*(%s *)(r%d %+d) = %d", size_name(sz), in->dst_reg, in->off, in->imm);
        return 1;
    case BPF_STX:
        if (BPF_MODE(in->code) == BPF_ATOMIC && in->imm == BPF_XCHG)
            snprintf(buf, size, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", in->src_reg,
                     sz == BPF_DW ? "64" : "", size_name(sz), in->dst_reg, in->off, in->src_reg);
        else if (BPF_MODE(in->code) == BPF_ATOMIC)
            snprintf(buf, size, "lock *(%s *)(r%d %+d) += r%d", size_name(sz), in->dst_reg, in->off,
                     in->src_reg);
        else
            snprintf(buf, size, "*(%s *)(r%d %+d) = r%d", size_name(sz), in->dst_reg, in->off,
                     in->src_reg);
        return 1;
    default:
        snprintf(buf, size, "(unknown %#x)", in->code);
        return 1;
    }
}

void disasm_prog(const struct prog_desc *p, FILE *out) {
    fprintf(out, "%s:\n", p->name);
    char buf[128];
    for (int i = 0; i < p->ninsns;) {
        int n = disasm_insn(&p->insns[i], buf, sizeof(buf));
        fprintf(out, "%4d: %-40s ; line %d\n", i, buf, p->insn_loc ? p->insn_loc[i].first_line : 0);
        i += n;
    }
}

void disasm_manifest(const struct manifest *m, FILE *out) {
    for (int i = 0; i < m->nprogs; i++)
        disasm_prog(&m->progs[i], out);
}
