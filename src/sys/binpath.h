/* Where a uprobe or USDT target lives, resolved as bpftrace resolves it:
 * "libNAME" through the process's mappings (with a PID) or the dynamic
 * loader's cache, a bare name through PATH, and with a PID in another mount
 * namespace, through /proc/PID/root. */
#ifndef TRAWK_BINPATH_H
#define TRAWK_BINPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Resolves target into out. pid 0: no process. Returns 0, or -1 when no
 * ELF file of that name exists. */
int binpath_resolve(const char *target, int pid, char *out, size_t outlen);
/* Every file target names: "*" is each file pid maps (pid required), a
 * glob the ELF files it matches, anything else binpath_resolve's answer.
 * Returns how many were put in the malloc'd array *paths (each malloc'd;
 * free with binpath_free), 0 when none, -1 when out of memory. */
int binpath_expand(const char *target, int pid, char ***paths);
void binpath_free(char **paths, int n);
/* The files mapped by pid, in the order of /proc/PID/maps, each once:
 * same return and ownership as binpath_expand. */
int binpath_mapped(int pid, char ***paths);

/* "c" -> "/lib/x86_64-linux-gnu/libc.so.6": the library libNAME mapped by
 * pid (when pid != 0) or listed in /etc/ld.so.cache. Returns 0 or -1. */
int binpath_which_so(const char *name, int pid, char *out, size_t outlen);
/* The executable of pid, through /proc/PID/exe. Returns 0 or -1. */
int binpath_pid_exe(int pid, char *out, size_t outlen);

#endif
