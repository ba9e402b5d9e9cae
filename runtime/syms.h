/* Address to symbol names through bcc's symbolizer (bcc_syms), linked from
 * bcc's static archive so that no LLVM library is loaded. The stacks and
 * ksym()/usym() work builds on this. */
#ifndef TRAWK_SYMS_H
#define TRAWK_SYMS_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

struct rt_syms;

/* For tables opened from now on: C++ names demangled, symbols read lazily. */
void rt_syms_configure(bool cpp_demangle, bool lazy);

/* Symbols of a process (pid > 0) or of the kernel (pid -1). */
struct rt_syms *rt_syms_open(int pid);
/* Writes "name" or "name+0xoff" into buf; returns -1 when addr is unknown. */
int rt_syms_resolve(struct rt_syms *s, uint64_t addr, char *buf, size_t size);
void rt_syms_close(struct rt_syms *s);

/* One resolved address, for printers that lay out the pieces themselves. */
struct rt_sym {
    char name[1024];    /* demangled when it can be */
    uint64_t offset;    /* from the symbol's start */
    const char *module; /* the binary or library holding it; owned by the cache */
};

/* Fills sym; returns -1 when addr is unknown. */
int rt_syms_lookup(struct rt_syms *s, uint64_t addr, struct rt_sym *sym);

#endif
