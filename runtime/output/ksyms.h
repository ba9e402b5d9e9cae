/* The kernel's symbols as one sorted table read from /proc/kallsyms: a
 * single read, names left in place in that buffer, addresses sorted once.
 * bcc's table costs a string and a vector slot per symbol, which made
 * loading it most of the time of printing kernel stacks at exit. Lookups
 * follow bcc's rules (text symbols only; an address belongs to the symbol
 * at or below it), so names do not change. */
#ifndef TRAWK_OUT_KSYMS_H
#define TRAWK_OUT_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct out_ksym {
    uint64_t addr;
    uint32_t name; /* offset of the NUL-terminated name in the text */
    uint32_t line; /* position in the file: the order of symbols at one address */
};

struct out_ksyms {
    char *text; /* the file, its separators turned into NULs */
    struct out_ksym *v;
    size_t n;
};

/* Parses kallsyms text (taken over: freed by out_ksyms_free). Returns 0,
 * or -1 when no symbol has an address (not root: kallsyms shows zeros). */
int out_ksyms_parse(struct out_ksyms *k, char *text, size_t len);

/* Reads and parses path (NULL: /proc/kallsyms). Returns 0 or -1. */
int out_ksyms_load(struct out_ksyms *k, const char *path);

/* The symbol holding addr and addr's offset in it; NULL when addr is below
 * every symbol. */
const char *out_ksyms_lookup(const struct out_ksyms *k, uint64_t addr, uint64_t *offset);

void out_ksyms_free(struct out_ksyms *k);

#endif
