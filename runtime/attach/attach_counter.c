/* software, hardware and watchpoint probes: a perf counter per online CPU
 * (in the process of -p/-c when there is one) or, for a watchpoint in a
 * process, one breakpoint per thread that new threads inherit. The program
 * runs every spec.sample_period events (every hit for a watchpoint). */
#include <dirent.h>
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "sys/cpus.h"
#include "sys/features.h"

static void fill_attr(const struct target_spec *spec, struct perf_event_attr *attr) {
    memset(attr, 0, sizeof(*attr));
    attr->type = spec->perf_type;
    attr->sample_period = spec->sample_period ? spec->sample_period : 1;
    if (spec->perf_type == PERF_TYPE_BREAKPOINT) {
        attr->bp_type = (uint32_t)spec->perf_config;
        attr->bp_addr = spec->address;
        attr->bp_len = spec->length;
        attr->inherit = 1; /* threads created after attaching */
    } else {
        attr->config = spec->perf_config;
    }
}

/* The error for a perf event the kernel refused, naming what it lacks. */
static void report_open(struct rt_target *rt, int pid, int cpu, int err, struct diag *d) {
    const struct loc *loc = &rt->prog->desc->loc;
    uint32_t type = rt->t->spec.perf_type;

    if (type == PERF_TYPE_HARDWARE && !features_has(FEAT_HW_EVENTS))
        diag_error(d, loc, E_UNSUPPORTED,
                   "Unable to attach probe: %s: this machine has no hardware perf events "
                   "(no CPU performance monitoring unit)",
                   rt_target_name(rt));
    else if (type == PERF_TYPE_BREAKPOINT && !features_has(FEAT_BREAKPOINT))
        diag_error(d, loc, E_UNSUPPORTED,
                   "Unable to attach probe: %s: this machine has no working hardware breakpoints "
                   "for watchpoints (no breakpoint PMU, or debug registers that never fire)",
                   rt_target_name(rt));
    else if (type == PERF_TYPE_BREAKPOINT && err == ENOSPC)
        diag_error(d, loc, E_IO, "Unable to attach probe: %s: No more HW registers left",
                   rt_target_name(rt));
    else if (pid > 0)
        diag_error(d, loc, E_IO, "Unable to attach probe: %s: perf_event_open on thread %d: %s",
                   rt_target_name(rt), pid, strerror(err));
    else
        diag_error(d, loc, E_IO, "Unable to attach probe: %s: perf_event_open on CPU %d: %s",
                   rt_target_name(rt), cpu, strerror(err));
}

static int open_one(struct rt_target *rt, struct perf_event_attr *attr, int pid, int cpu,
                    struct diag *d) {
    int fd = rt_perf_event_open_pid(attr, pid, cpu);
    if (fd < 0) {
        report_open(rt, pid, cpu, errno, d);
        return -1;
    }
    return rt_attach_perf_fd(rt, fd, d);
}

/* A watchpoint in a process: one event per existing thread. Threads that
 * exit meanwhile are skipped; none at all is an error. */
static int attach_threads(struct rt_target *rt, struct perf_event_attr *attr, struct diag *d) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/task", rt->t->spec.pid);
    DIR *dir = opendir(path);
    struct dirent *e;
    int attached = 0, err = 0, first_tid = rt->t->spec.pid;

    while (dir && (e = readdir(dir))) {
        int tid = atoi(e->d_name);
        if (tid <= 0)
            continue;
        int fd = rt_perf_event_open_pid(attr, tid, -1);
        if (fd < 0) {
            err = errno, first_tid = tid;
            continue;
        }
        if (rt_attach_perf_fd(rt, fd, d) < 0) {
            closedir(dir);
            return -1;
        }
        attached++;
    }
    if (dir)
        closedir(dir);
    if (attached)
        return 0;
    report_open(rt, first_tid, -1, dir ? err : errno, d);
    return -1;
}

static int attach_counter(struct rt_target *rt, struct diag *d) {
    const struct target_spec *spec = &rt->t->spec;
    struct perf_event_attr attr;
    bool *online;
    int ncpus, err = 0;

    fill_attr(spec, &attr);
    /* a watchpoint that could never fire is refused, not left waiting */
    if (spec->perf_type == PERF_TYPE_BREAKPOINT && !features_has(FEAT_BREAKPOINT)) {
        report_open(rt, spec->pid, -1, ENODEV, d);
        return -1;
    }
    if (spec->perf_type == PERF_TYPE_BREAKPOINT && spec->pid > 0)
        err = attach_threads(rt, &attr, d);
    else if ((ncpus = cpus_online(&online)) < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO,
                   "Unable to attach probe: %s: cannot read the online CPUs", rt_target_name(rt));
        return -1;
    } else {
        for (int cpu = 0; cpu < ncpus && !err; cpu++)
            if (online[cpu])
                err = open_one(rt, &attr, spec->pid > 0 ? spec->pid : -1, cpu, d);
        free(online);
    }
    if (err)
        rt_detach_target(rt);
    return err;
}

const struct rt_attach_ops rt_attach_counter = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_counter,
};
