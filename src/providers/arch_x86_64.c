/* x86-64's struct pt_regs (arch/x86/include/asm/ptrace.h): the System V
 * calling convention passes arguments in rdi, rsi, rdx, rcx, r8, r9 and
 * returns in rax. Another architecture is one more file like this one. */
#include "providers/arch.h"

#include <stddef.h>

#define PT(i) ((uint16_t)((i)*8))

static const struct arch_reg x86_64_regs[] = {
    {"r15", PT(0)},      {"r14", PT(1)}, {"r13", PT(2)}, {"r12", PT(3)},    {"bp", PT(4)},
    {"bx", PT(5)},       {"r11", PT(6)}, {"r10", PT(7)}, {"r9", PT(8)},     {"r8", PT(9)},
    {"ax", PT(10)},      {"cx", PT(11)}, {"dx", PT(12)}, {"si", PT(13)},    {"di", PT(14)},
    {"orig_ax", PT(15)}, {"ip", PT(16)}, {"cs", PT(17)}, {"flags", PT(18)}, {"sp", PT(19)},
    {"ss", PT(20)},      {NULL, 0},
};

/* reg() names orig_ax orig_rax, as bpftrace does, and ip pc too. */
static const struct arch_alias x86_64_aliases[] = {
    {"orig_rax", "orig_ax"},
    {"orig_ax", NULL},
    {"pc", "ip"},
    {NULL, NULL},
};

const struct arch arch_x86_64 = {
    .name = "x86_64",
    .nargs = 6,
    .arg_offset = {PT(14), PT(13), PT(12), PT(11), PT(9), PT(8)},
    .ret_offset = PT(10),
    .ip_offset = PT(16),
    .sp_offset = PT(19),
    .fp_offset = PT(4),
    .regs = x86_64_regs,
    .aliases = x86_64_aliases,
};
