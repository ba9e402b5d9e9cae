/* Unwinding the user stacks dw_ustack copies (src/codegen/cg_dwstack.c)
 * with the DWARF CFI of the process's modules, read through libdw from
 * /proc/PID/maps and the files mapped there. */
#ifndef TRAWK_DWUNWIND_H
#define TRAWK_DWUNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A dw_ustack value: the user registers at the probe and the stack
 * copied from sp up. */
struct rt_dw_stack {
    int pid;
    uint64_t ip, sp, bp;
    const uint8_t *stack;
    size_t len;
};

/* The processes whose unwind data is read (-p, -c, --dwarf-pid); the
 * others' stacks are not unwound, as in bpftrace. */
void rt_dw_set_pids(const int *pids, int n);
bool rt_dw_pid_known(int pid);

/* Writes at most max frames, innermost first, into ips (the callers'
 * return addresses - 1); returns how many.
 * The walk ends where the CFI says the return address is undefined
 * (_start), or where it has no rule or the copy no word. */
int rt_dw_unwind(const struct rt_dw_stack *in, uint64_t *ips, int max);

/* Forgets every process's modules and the pid set. */
void rt_dw_free(void);

#endif
