/* Where a CPU architecture keeps a probed function's arguments in the
 * kernel's struct pt_regs (kprobe, uprobe and USDT contexts). One table per
 * architecture; the build's own is arch_current(). */
#ifndef TRAWK_ARCH_H
#define TRAWK_ARCH_H

#include <stdint.h>

struct cg;

#define ARCH_MAX_ARGS 8

struct arch_reg {
    const char *name; /* as struct pt_regs spells it */
    uint16_t offset;  /* in struct pt_regs */
};

/* A name reg() knows by another spelling than the kernel's (reg NULL: a
 * kernel name reg() does not accept). */
struct arch_alias {
    const char *name, *reg;
};

struct arch {
    const char *name;                   /* "x86_64" */
    int nargs;                          /* arguments passed in registers */
    uint16_t arg_offset[ARCH_MAX_ARGS]; /* pt_regs offsets of arg0..argN */
    uint16_t ret_offset;                /* the return value */
    uint16_t ip_offset, sp_offset, fp_offset;
    const struct arch_reg *regs;      /* every register, NULL-terminated */
    const struct arch_alias *aliases; /* bpftrace's spellings, NULL-terminated */
};

extern const struct arch arch_x86_64;
const struct arch *arch_current(void);
/* The pt_regs offset of a register as struct pt_regs names it, or -1. */
int arch_reg_offset(const struct arch *a, const char *name);
/* The same for a register as bpftrace's reg() names it, or -1. */
int arch_user_reg_offset(const struct arch *a, const char *name);

/* Code for providers whose context is a struct pt_regs: reg = argN, or the
 * return value, loaded from the context. */
void arch_emit_pt_regs_arg(struct cg *cg, int n, int reg);
void arch_emit_pt_regs_retval(struct cg *cg, int reg);
/* reg = bpf_get_func_ip(ctx): the probed function's address. */
void provider_emit_func_ip(struct cg *cg, int reg);

#endif
