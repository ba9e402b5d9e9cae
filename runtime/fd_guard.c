/* Low descriptor numbers held by placeholders while tracing. bcc's
 * symbolizer, when the process it scans exits during the scan, closes a
 * descriptor it does not own (an uninitialized one in its module
 * bookkeeping: in practice a small number such as 3). Seen here: the ring
 * buffer's epoll fd or a map's fd closed under trawk, ending the run with
 * EBADF. Placeholders on the low numbers take such closes instead, and are
 * put back after every scan. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "rt_internal.h"

#define GUARD_END 32 /* placeholders on [3, GUARD_END) where free */

static bool placeholder[GUARD_END];

static int open_null(void) {
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void rt_fd_guard_low(void) {
    for (;;) {
        int fd = open_null();
        if (fd < 0)
            return;
        if (fd >= GUARD_END) {
            close(fd);
            return;
        }
        placeholder[fd] = true;
    }
}

void rt_fd_guard_refill(void) {
    for (int fd = 3; fd < GUARD_END; fd++) {
        if (!placeholder[fd] || fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int n = open_null();
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

/* The uninitialized descriptor can also be 1 (seen: the scan of a process
 * started just after attaching, whose perf map does not exist): trawk's
 * own output goes through copies of stdout and stderr on high numbers,
 * so a close of 1 or 2 cannot end it. */
#define STD_COPY_MIN 100

static FILE *copy_stream(FILE *f, const char *mode, int buffering) {
    fflush(f);
    int fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, STD_COPY_MIN);
    FILE *copy = fd >= 0 ? fdopen(fd, mode) : NULL;
    if (!copy) {
        if (fd >= 0)
            close(fd);
        return f;
    }
    setvbuf(copy, NULL, buffering, BUFSIZ);
    return copy;
}

void rt_fd_guard_std(void) {
    stdout = copy_stream(stdout, "w", _IOLBF);
    stderr = copy_stream(stderr, "w", _IONBF);
}

void rt_fd_guard_release(void) {
    for (int fd = 3; fd < GUARD_END; fd++)
        if (placeholder[fd]) {
            close(fd);
            placeholder[fd] = false;
        }
}
