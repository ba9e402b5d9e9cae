/* The kernel functions a probe may attach to: tracefs's
 * available_filter_functions, or /proc/kallsyms's text symbols where that
 * file cannot be read (bpftrace's sources too). Read once per process. */
#ifndef TRAWK_KFUNCS_H
#define TRAWK_KFUNCS_H

#include <stdbool.h>

struct kfunc {
    char *name;
    char *module; /* "vmlinux" for the kernel's own */
};

/* Every function, sorted by name then module. *from_filter tells whether
 * the list is the traceable one (available_filter_functions) rather than
 * every symbol. Returns the count, 0 when neither file can be read. */
int kfuncs_list(const struct kfunc **out, bool *from_filter);

/* Functions that ftrace lists but that hang or crash the kernel when traced
 * (the idle loop, RCU, the XDP dispatcher; the kernel's own kprobe_multi
 * tests avoid them): never matched by a wildcard or listed. */
bool kfuncs_unsafe(const char *name);

/* --traceable-functions FILE: the list to read instead of tracefs's. */
void kfuncs_set_file(const char *path);
/* The traceable-function file that could not be read (kallsyms stood in
 * for tracefs's; nothing for one given by the user, *given), with the
 * errno in *err; NULL when it was read. */
const char *kfuncs_unread_file(bool *given, int *err);
/* Whether name (in module, or any module when NULL) is in the list. */
bool kfuncs_has(const char *module, const char *name);

#endif
