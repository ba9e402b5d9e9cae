/* CPU lists as the kernel writes them ("0-3,8-11"): the possible CPUs size
 * per-CPU map values, the online ones get perf events. */
#ifndef TRAWK_CPUS_H
#define TRAWK_CPUS_H

#include <stdbool.h>

/* Parses a CPU list; returns the highest CPU + 1, or -1. When mask is not
 * NULL, sets mask[c] for every listed CPU c below size. */
int cpus_parse_list(const char *text, bool *mask, int size);
/* From /sys/devices/system/cpu/possible; 1 when it cannot be read. */
int cpus_possible(void);
/* From /sys/devices/system/cpu/online: *mask gets a malloc'd array, true for
 * each online CPU, of the returned length; -1 when it cannot be read. */
int cpus_online(bool **mask);

#endif
