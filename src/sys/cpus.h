/* The number of possible CPUs, as the kernel sizes per-CPU map values. */
#ifndef TRAWK_CPUS_H
#define TRAWK_CPUS_H

/* Parses a CPU list such as "0-3,8-11"; returns the highest CPU + 1, or -1. */
int cpus_parse_list(const char *text);
/* From /sys/devices/system/cpu/possible; 1 when it cannot be read. */
int cpus_possible(void);

#endif
