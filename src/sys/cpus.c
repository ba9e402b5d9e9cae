/* The kernel's CPU list files, parsed in one place for the compiler and
 * the runtime. */
#include "sys/cpus.h"

#include <stdio.h>
#include <stdlib.h>

/* Bounds what a corrupt list could make the callers allocate. */
#define CPUS_MAX 65536

int cpus_parse_list(const char *text, bool *mask, int size) {
    int max = -1;
    const char *p = text;
    while (*p && *p != '\n') {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p || lo < 0)
            return -1;
        if (*end == '-') {
            p = end + 1;
            hi = strtol(p, &end, 10);
            if (end == p || hi < lo)
                return -1;
        }
        if (hi >= CPUS_MAX)
            return -1;
        if (hi > max)
            max = (int)hi;
        for (long c = lo; mask && c <= hi && c < size; c++)
            mask[c] = true;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',' && *end != '\n')
            return -1;
    }
    return max + 1 > 0 ? max + 1 : -1;
}

/* Reads a small sysfs file into buf; false when it cannot. */
static bool read_list(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
    return true;
}

int cpus_possible(void) {
    char buf[4096];
    int cpus = read_list("/sys/devices/system/cpu/possible", buf, sizeof(buf))
                   ? cpus_parse_list(buf, NULL, 0)
                   : -1;
    return cpus > 0 ? cpus : 1;
}

int cpus_online(bool **mask) {
    char buf[4096];
    *mask = NULL;
    if (!read_list("/sys/devices/system/cpu/online", buf, sizeof(buf)))
        return -1;
    int n = cpus_parse_list(buf, NULL, 0);
    if (n <= 0 || !(*mask = calloc((size_t)n, sizeof(bool))))
        return -1;
    cpus_parse_list(buf, *mask, n);
    return n;
}
