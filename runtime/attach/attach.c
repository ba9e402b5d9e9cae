/* The table of probe kinds and the bookkeeping shared by every kind. */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach/attach.h"

static const struct rt_attach_ops *const ops_table[PK__COUNT] = {
    [PK_BEGIN] = &rt_attach_begin,           [PK_END] = &rt_attach_end,
    [PK_TRACEPOINT] = &rt_attach_tracepoint, [PK_INTERVAL] = &rt_attach_interval,
    [PK_PROFILE] = &rt_attach_profile,
};

const struct rt_attach_ops *rt_attach_ops(enum probe_kind kind) {
    if ((int)kind < 0 || kind >= PK__COUNT)
        return NULL;
    return ops_table[kind];
}

int rt_target_own_fd(struct attach_target *t, int fd) {
    int *fds = realloc(t->perf_fds, sizeof(*fds) * (t->perf_fds_n + 1));

    if (!fds) {
        close(fd);
        return -1;
    }
    fds[t->perf_fds_n++] = fd;
    t->perf_fds = fds;
    return 0;
}

int rt_target_own_link(struct attach_target *t, int fd) {
    int *fds = realloc(t->link_fds, sizeof(*fds) * (t->nlink_fds + 1));

    if (!fds) {
        close(fd);
        return -1;
    }
    fds[t->nlink_fds++] = fd;
    t->link_fds = fds;
    t->link_fd = fd;
    return 0;
}

void rt_close_links(struct attach_target *t) {
    while (t->nlink_fds > 0)
        close(t->link_fds[--t->nlink_fds]);
    free(t->link_fds);
    t->link_fds = NULL;
    t->link_fd = -1;
}

void rt_detach_target(struct attach_target *t) {
    rt_close_links(t);
    while (t->perf_fds_n > 0)
        close(t->perf_fds[--t->perf_fds_n]);
    free(t->perf_fds);
    t->perf_fds = NULL;
    t->link_fd = -1;
}

int rt_perf_event_open(struct perf_event_attr *attr, int cpu) {
    attr->size = sizeof(*attr);
    return (int)syscall(__NR_perf_event_open, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Kernels before 5.15 cannot link a program to a perf event; there the
 * ioctl attaches it for as long as the perf event fd stays open. */
static int attach_by_ioctl(const struct prog_desc *prog, int perf_fd) {
    if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog->fd) < 0)
        return -1;
    return ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0);
}

int rt_attach_perf_fd(const struct prog_desc *prog, struct attach_target *t, int perf_fd,
                      struct diag *d) {
    LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = t->cookie);
    int link, err;

    if (rt_target_own_fd(t, perf_fd) < 0)
        goto fail_errno;
    link = bpf_link_create(prog->fd, perf_fd, BPF_PERF_EVENT, &opts);
    if (link >= 0) {
        if (rt_target_own_link(t, link) < 0)
            goto fail_errno;
        return 0;
    }
    err = errno;
    /* Whatever the reason, the ioctl is worth a try; its error would only
     * hide the link's, which is the one that matters on current kernels. */
    if (attach_by_ioctl(prog, perf_fd) == 0)
        return 0;
    errno = err;
fail_errno:
    diag_error(d, &prog->loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(t),
               strerror(errno));
    return -1;
}
