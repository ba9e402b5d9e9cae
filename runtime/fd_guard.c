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

void rt_fd_guard_release(void) {
    for (int fd = 3; fd < GUARD_END; fd++)
        if (placeholder[fd]) {
            close(fd);
            placeholder[fd] = false;
        }
}
