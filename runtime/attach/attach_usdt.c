/* usdt: each location is a uprobe at its file offset (the uprobe PMU of
 * perf_event_open), whose reference counter is the probe's semaphore: the
 * kernel increments it in every process mapping the file while the event
 * exists, so code guarded by the semaphore runs only while traced. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include "attach/attach.h"

/* The kernel's PERF_UPROBE_REF_CTR_OFFSET_SHIFT (kernel/events/core.c):
 * the reference counter's offset rides in the upper half of config. */
#define UPROBE_REF_CTR_SHIFT 32

/* The dynamic PMU type of uprobes, -1 when the kernel has none. */
static int uprobe_pmu_type(void) {
    FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "r");
    int type = -1;
    if (f) {
        if (fscanf(f, "%d", &type) != 1)
            type = -1;
        fclose(f);
    }
    return type;
}

static int attach_usdt(struct rt_target *rt, struct diag *d) {
    const struct target_spec *spec = &rt->t->spec;
    int type = uprobe_pmu_type();
    if (type < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO,
                   "Unable to attach probe: %s: the kernel has no uprobe PMU", rt_target_name(rt));
        return -1;
    }
    struct perf_event_attr attr = {
        .type = (uint32_t)type,
        .config = spec->ref_ctr_offset << UPROBE_REF_CTR_SHIFT,
        .config1 = (uint64_t)(uintptr_t)spec->path,
        .config2 = spec->offset,
        .sample_period = 1,
        .wakeup_events = 1,
    };
    /* for every process: on CPU 0, though the program runs wherever the probe fires */
    int fd = rt_perf_event_open(&attr, 0);
    if (fd < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: perf_event_open: %s",
                   rt_target_name(rt), strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(rt, fd, d);
}

const struct rt_attach_ops rt_attach_usdt = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_usdt,
};
