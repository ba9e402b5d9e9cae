/* BPF instruction constructors. The kernel's filter.h is not an installed
 * header, so trawk spells its own; each macro yields one struct bpf_insn
 * (LD_IMM64 yields two, as the ISA requires). */
#ifndef TRAWK_INSN_H
#define TRAWK_INSN_H

#include <linux/bpf.h>

#define INSN(c, d, s, o, i)                                                                        \
    ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

/* dst = dst OP src / dst = dst OP imm, 64 and 32 bit */
#define ALU64_REG(op, d, s) INSN(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define ALU32_REG(op, d, s) INSN(BPF_ALU | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV32_IMM(d, i) INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
/* Sign-extending moves (BPF ISA v4, kernel 6.6+): off = 8, 16 or 32. */
#define MOVSX64_REG(d, s, bits) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, bits, 0)
#define NEG64(d) INSN(BPF_ALU64 | BPF_NEG, d, 0, 0, 0)
/* Byte swap to big endian (the BPF_TO_BE variant of BPF_END). */
#define BSWAP_BE(d, bits) INSN(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, bits)

/* Two-slot 64-bit immediate load. */
#define LD_IMM64_LO(d, src, v) INSN(BPF_LD | BPF_DW | BPF_IMM, d, src, 0, (__s32)(__u32)(__u64)(v))
#define LD_IMM64_HI(v) INSN(0, 0, 0, 0, (__s32)(__u32)((__u64)(v) >> 32))
/* Map reference; the runtime replaces imm (a manifest map index) with the fd. */
#define LD_MAP_IDX_LO(d, idx) INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, idx)

/* Memory: sz is BPF_B, BPF_H, BPF_W or BPF_DW. */
#define LDX_MEM(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX_MEM(sz, d, s, o) INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST_MEM(sz, d, o, i) INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
/* Sign-extending load (ISA v4). */
#define LDX_MEMSX(sz, d, s, o) INSN(BPF_LDX | BPF_MEMSX | (sz), d, s, o, 0)
/* Atomic *(u64 *)(d + o) += s */
#define ATOMIC_ADD64(d, s, o) INSN(BPF_STX | BPF_ATOMIC | BPF_DW, d, s, o, BPF_ADD)

/* Jumps: off counts instructions after the next one. */
#define JMP_REG(op, d, s, o) INSN(BPF_JMP | BPF_OP(op) | BPF_X, d, s, o, 0)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | BPF_OP(op) | BPF_K, d, 0, o, i)
/* The same on the low 32 bits (wN). */
#define JMP32_IMM(op, d, i, o) INSN(BPF_JMP32 | BPF_OP(op) | BPF_K, d, 0, o, i)
#define JA(o) INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL_HELPER(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT_INSN() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif

#endif
