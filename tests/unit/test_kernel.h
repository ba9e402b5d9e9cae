/* What the kernel-facing unit tests share: skipping (with the reason
 * printed) where this machine lacks a facility, and counting this process's
 * open file descriptors to check that every run closes what it opened. */
#ifndef TRAWK_TEST_KERNEL_H
#define TRAWK_TEST_KERNEL_H

#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "sys/tracefs.h"

static inline int count_fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;

    while (dir && readdir(dir))
        n++;
    if (dir)
        closedir(dir);
    return n;
}

/* Skips the current test unless BPF maps can be created here. */
static inline void require_bpf(void) {
    if (geteuid() != 0) {
        print_message("skipped: needs root\n");
        skip();
    }
    int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "probe", 4, 8, 1, NULL);
    if (fd < 0) {
        print_message("skipped: bpf() unavailable: %s\n", strerror(errno));
        skip();
    }
    close(fd);
}

/* Whether tracefs is there (mounting it if needed); prints why not. */
static inline bool have_tracefs(void) {
    char err[300];
    if (tracefs_dir(err, sizeof(err)))
        return true;
    print_message("skipped: %s\n", err);
    return false;
}

#endif
