/* trawk -l [GLOB]: the probes trawk can attach to, one per line. */
#ifndef TRAWK_LIST_H
#define TRAWK_LIST_H

#include <stdio.h>

/* Prints every probe matching glob ("provider:rest", fnmatch * and ?) the
 * way bpftrace -l does, sorted and without repeats, e.g.
 * "tracepoint:syscalls:sys_enter_openat"; "a,b" lists both and a pattern
 * without ':' matches the probes of every type after their type. A
 * NULL or empty glob lists all tracepoints (bpftrace does not list begin,
 * end, interval or profile then). Returns 0, or -1 after printing an error
 * to stderr when tracefs is unavailable. */
int list_probes(const char *glob, FILE *out);

/* "struct NAME" or "union NAME" (list_types.c). */
#include <stdbool.h>
bool list_is_type_pattern(const char *glob);
/* Prints that kernel type's definition from BTF; nothing when unknown. */
int list_type(const char *glob, FILE *out);

#endif
