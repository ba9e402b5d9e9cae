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
    [PK_BEGIN] = &rt_attach_begin,
    [PK_END] = &rt_attach_end,
    [PK_TRACEPOINT] = &rt_attach_tracepoint,
    [PK_INTERVAL] = &rt_attach_cpu_clock,
    [PK_PROFILE] = &rt_attach_cpu_clock,
    [PK_UPROBE] = &rt_attach_uprobe,
    [PK_URETPROBE] = &rt_attach_uprobe,
    [PK_USDT] = &rt_attach_usdt,
    [PK_SOFTWARE] = &rt_attach_counter,
    [PK_HARDWARE] = &rt_attach_counter,
    [PK_WATCHPOINT] = &rt_attach_counter,
    [PK_SELF] = &rt_attach_self,
    [PK_BENCH] = &rt_attach_bench,
    [PK_TEST] = &rt_attach_test,
    [PK_ITER] = &rt_attach_iter,
    [PK_RAWTRACEPOINT] = &rt_attach_btf_tracing,
    [PK_KPROBE] = &rt_attach_kprobe,
    [PK_KRETPROBE] = &rt_attach_kprobe,
    [PK_FENTRY] = &rt_attach_btf_tracing,
    [PK_FEXIT] = &rt_attach_btf_tracing,
};

const struct rt_attach_ops *rt_attach_ops(enum probe_kind kind) {
    if ((int)kind < 0 || kind >= PK__COUNT)
        return NULL;
    return ops_table[kind];
}

/* Appends fd to a growing array; closes it when out of memory. */
static int own(int **fds, int *n, int fd) {
    int *grown = realloc(*fds, sizeof(*grown) * (size_t)(*n + 1));

    if (!grown) {
        close(fd);
        return -1;
    }
    grown[(*n)++] = fd;
    *fds = grown;
    return 0;
}

/* Closes the fds newest first and empties the array. */
static void close_all(int **fds, int *n) {
    while (*n > 0)
        close((*fds)[--*n]);
    free(*fds);
    *fds = NULL;
}

int rt_target_own_fd(struct rt_target *rt, int fd) {
    return own(&rt->perf_fds, &rt->nperf_fds, fd);
}

int rt_target_own_link(struct rt_target *rt, int fd) {
    return own(&rt->link_fds, &rt->nlink_fds, fd);
}

int rt_target_last_link(const struct rt_target *rt) {
    return rt->nlink_fds > 0 ? rt->link_fds[rt->nlink_fds - 1] : -1;
}

void rt_close_links(struct rt_target *rt) {
    close_all(&rt->link_fds, &rt->nlink_fds);
}

void rt_detach_target(struct rt_target *rt) {
    rt_close_links(rt);
    close_all(&rt->perf_fds, &rt->nperf_fds);
}

int rt_perf_event_open(struct perf_event_attr *attr, int cpu) {
    return rt_perf_event_open_pid(attr, -1, cpu);
}

int rt_perf_event_open_pid(struct perf_event_attr *attr, int pid, int cpu) {
    attr->size = sizeof(*attr);
    return (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Kernels before 5.15 cannot link a program to a perf event; there the
 * ioctl attaches it for as long as the perf event fd stays open. */
static int attach_by_ioctl(int prog_fd, int perf_fd) {
    if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0)
        return -1;
    return ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0);
}

int rt_attach_perf_fd(struct rt_target *rt, int perf_fd, struct diag *d) {
    LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = rt->t->cookie);
    int link, err;

    if (rt_target_own_fd(rt, perf_fd) < 0)
        goto fail_errno;
    link = bpf_link_create(rt->prog->fd, perf_fd, BPF_PERF_EVENT, &opts);
    if (link >= 0) {
        if (rt_target_own_link(rt, link) < 0)
            goto fail_errno;
        return 0;
    }
    err = errno;
    /* Whatever the reason, the ioctl is worth a try; its error would only
     * hide the link's, which is the one that matters on current kernels. */
    if (attach_by_ioctl(rt->prog->fd, perf_fd) == 0)
        return 0;
    errno = err;
fail_errno:
    diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(rt),
               strerror(errno));
    return -1;
}
