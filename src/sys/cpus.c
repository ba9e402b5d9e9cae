#include "sys/cpus.h"

#include <stdio.h>
#include <stdlib.h>

int cpus_parse_list(const char *text) {
    int max = -1;
    const char *p = text;
    while (*p && *p != '\n') {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p)
            return -1;
        if (*end == '-') {
            p = end + 1;
            hi = strtol(p, &end, 10);
            if (end == p || hi < lo)
                return -1;
        }
        if (hi > max)
            max = (int)hi;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',' && *end != '\n')
            return -1;
    }
    return max + 1 > 0 ? max + 1 : -1;
}

int cpus_possible(void) {
    char buf[256] = {0};
    FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    int cpus = cpus_parse_list(buf);
    return cpus > 0 ? cpus : 1;
}
