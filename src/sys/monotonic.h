/* Seconds on the monotonic clock, for intervals measured in user space
 * (the symbol re-reads, the grace after Ctrl-C). */
#ifndef TRAWK_SYS_MONOTONIC_H
#define TRAWK_SYS_MONOTONIC_H

#include <time.h>

static inline double sys_monotonic_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
