/* Counting this process's open file descriptors: the runtime tests check
 * that every run closes what it opened (no leaked probes or maps). */
#ifndef TRAWK_TEST_FDS_H
#define TRAWK_TEST_FDS_H

#include <dirent.h>

static inline int count_fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;

    while (dir && readdir(dir))
        n++;
    if (dir)
        closedir(dir);
    return n;
}

#endif
