/* tracepoint:CAT:EVENT. The perf event is opened on CPU 0 for every
 * process, but a BPF program attached to a tracepoint event hangs off the
 * tracepoint itself and runs wherever it fires, on any CPU. */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>

#include "attach/attach.h"
#include "sys/tracefs.h"

/* The tracefs id of the target's category:event, or -1 after reporting. */
static int event_id(const struct rt_target *rt, struct diag *d) {
    const struct target_spec *spec = &rt->t->spec;
    const struct loc *loc = &rt->prog->desc->loc;
    char err[256];
    int id;

    if (!spec->category || !spec->event) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Unable to attach probe: %s: no tracepoint named",
                   rt_target_name(rt));
        return -1;
    }
    if (!tracefs_dir(err, sizeof(err))) {
        diag_error(d, loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(rt), err);
        return -1;
    }
    errno = 0;
    id = tracefs_event_id(spec->category, spec->event);
    /* out of descriptors (a low RLIMIT_NOFILE) is not a missing tracepoint */
    if (id < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM))
        diag_error(d, loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(rt),
                   strerror(errno));
    else if (id < 0)
        diag_error(d, loc, E_UNKNOWN_PROBE, "Unable to attach probe: %s: tracepoint not found",
                   rt_target_name(rt));
    return id;
}

static int attach_tracepoint(struct rt_target *rt, struct diag *d) {
    struct perf_event_attr attr = {
        .type = PERF_TYPE_TRACEPOINT,
        .sample_period = 1,
        .wakeup_events = 1,
    };
    int id = event_id(rt, d), fd;

    if (id < 0)
        return -1;
    attr.config = (uint64_t)id;
    fd = rt_perf_event_open(&attr, 0);
    if (fd < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: perf_event_open: %s",
                   rt_target_name(rt), strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(rt, fd, d);
}

const struct rt_attach_ops rt_attach_tracepoint = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_tracepoint,
};
