/* tracepoint:CAT:EVENT. The perf event is opened on CPU 0 for every
 * process, but a BPF program attached to a tracepoint event hangs off the
 * tracepoint itself and runs wherever it fires, on any CPU. */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>

#include "attach/attach.h"
#include "sys/tracefs.h"

/* "syscalls:sys_enter_openat" -> its tracefs id, or -1 after reporting. */
static int event_id(const struct prog_desc *prog, const struct attach_target *t, struct diag *d) {
    char cat[256], err[256];
    const char *colon = strchr(t->target, ':');
    size_t n = colon ? (size_t)(colon - t->target) : 0;
    int id;

    if (!colon || n >= sizeof(cat)) {
        diag_error(d, &prog->loc, E_UNKNOWN_PROBE, "Invalid tracepoint target: %s", t->target);
        return -1;
    }
    if (!tracefs_dir(err, sizeof(err))) {
        diag_error(d, &prog->loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(t), err);
        return -1;
    }
    memcpy(cat, t->target, n);
    cat[n] = '\0';
    id = tracefs_event_id(cat, colon + 1);
    if (id < 0)
        diag_error(d, &prog->loc, E_UNKNOWN_PROBE,
                   "Unable to attach probe: %s: tracepoint not found", rt_target_name(t));
    return id;
}

static int attach_tracepoint(const struct prog_desc *prog, struct attach_target *t,
                             struct diag *d) {
    struct perf_event_attr attr = {
        .type = PERF_TYPE_TRACEPOINT,
        .sample_period = 1,
        .wakeup_events = 1,
    };
    int id = event_id(prog, t, d), fd;

    if (id < 0)
        return -1;
    attr.config = (uint64_t)id;
    fd = rt_perf_event_open(&attr, 0);
    if (fd < 0) {
        diag_error(d, &prog->loc, E_IO, "Unable to attach probe: %s: perf_event_open: %s",
                   rt_target_name(t), strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(prog, t, fd, d);
}

const struct rt_attach_ops rt_attach_tracepoint = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_tracepoint,
};
