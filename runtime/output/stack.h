/* kstack and ustack values as text, the way bpftrace prints them: a
 * newline, then one line per frame, innermost first:
 *
 *   mode       kernel frame                     user frame
 *   bpftrace   "        sym+off"                "        sym+off"
 *   perf       "\taddr sym+off"                 "\taddr sym+off (module)"
 *   raw        "addr"                           "addr"
 *
 * offsets in decimal, addresses in hex; an address without a symbol is
 * "0xaddr" (perf, user: "0xaddr ([unknown])"). */
#ifndef TRAWK_OUT_STACK_H
#define TRAWK_OUT_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"
#include "strbuf.h"
#include "syms.h"

/* Resolves addr for the printer; returns -1 when addr has no symbol. */
typedef int (*out_sym_fn)(void *ctx, uint64_t addr, struct rt_sym *sym);

/* The text of the n frames of ips. Pure: symbols come from fn. */
void out_stack_text(struct out_str *s, enum stack_mode mode, bool user, const uint64_t *ips, int n,
                    out_sym_fn fn, void *ctx);

/* A T_STACK value at p: its frames are read from the stack trace map the
 * code generator named after t (".kstack_127"), symbols from the kernel or
 * from the process the value names. */
void out_fmt_stack(struct out_str *s, const struct manifest *m, const struct type *t,
                   const void *p);

/* The frames of the T_STACK value p, innermost first, in a new array
 * *ips (freed by the caller); *pid is the process whose symbols name them,
 * -1 for the kernel. Returns how many there are. */
int out_stack_frames(const struct manifest *m, const struct type *t, const void *p, uint64_t **ips,
                     int *pid);

/* stack_dwarf.c: a dw_ustack value, unwound with the process's CFI. */
void out_fmt_dw_stack(struct out_str *s, const struct type *t, const void *p);

/* ksym/usym values: the symbol's name without offset, or "0xaddr". */
void out_fmt_sym(struct out_str *s, const struct manifest *m, const struct type *t, const void *p);

/* The first ustack or usym p of a process (EV_USTACK): opens the process's
 * symbols and reads those of its addresses, while it still runs. */
void out_stack_seen(const struct manifest *m, const struct type *t, const void *p);

/* stack_syms.c: symbol tables, opened on first use and kept: the kernel's,
 * and one per process, so that a process's stacks keep their names after
 * it exits once one of them was printed. */
/* Resolves addr in the process pid (pid <= 0: the kernel, from one sorted
 * table of /proc/kallsyms, see ksyms.h). Returns -1 when it has no symbol. */
int out_sym_lookup(int pid, uint64_t addr, struct rt_sym *sym);
/* Reads the symbols of the executable m's uprobes and USDT probes name,
 * when they name one, to name the frames of processes that are gone (NULL:
 * forget it); only a non-PIE one is used, its addresses are fixed. */
void out_stack_syms_exe(const struct manifest *m);
/* The script's symbolization config: cpp_demangle, lazy_symbolication,
 * cache_user_symbols. */
void out_stack_syms_configure(const struct manifest *m);
/* Compares the modules of processes whose tables were opened moments ago
 * with those they run now, and reads the tables again where they differ
 * (called from the event loop). */
void out_stack_syms_settle(void);
/* Closes every table (at exit). */
void out_stack_syms_free(void);

#endif
