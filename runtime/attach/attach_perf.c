/* interval and profile: a software cpu-clock perf event that fires every
 * period or at a frequency, on the first online CPU or on every one. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "sys/cpus.h"

static int attach_on_cpu(struct rt_target *rt, struct perf_event_attr *attr, int cpu,
                         struct diag *d) {
    int fd = rt_perf_event_open(attr, cpu);

    if (fd < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO,
                   "Unable to attach probe: %s: perf_event_open on CPU %d: %s", rt_target_name(rt),
                   cpu, strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(rt, fd, d);
}

static int attach_cpu_clock(struct rt_target *rt, struct diag *d) {
    const struct target_spec *spec = &rt->t->spec;
    struct perf_event_attr attr = {
        .type = PERF_TYPE_SOFTWARE,
        .config = PERF_COUNT_SW_CPU_CLOCK,
        .freq = spec->freq_hz != 0,
    };
    bool *online;
    int ncpus, err = 0;

    if (spec->freq_hz)
        attr.sample_freq = spec->freq_hz;
    else
        attr.sample_period = spec->period_ns;
    if (attr.sample_period == 0 && attr.sample_freq == 0) {
        diag_error(d, &rt->prog->desc->loc, E_UNKNOWN_PROBE,
                   "Unable to attach probe: %s: no period or frequency", rt_target_name(rt));
        return -1;
    }
    ncpus = cpus_online(&online);
    if (ncpus < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO,
                   "Unable to attach probe: %s: cannot read the online CPUs", rt_target_name(rt));
        return -1;
    }
    for (int cpu = 0; cpu < ncpus && !err; cpu++) {
        if (!online[cpu])
            continue;
        err = attach_on_cpu(rt, &attr, cpu, d);
        if (!spec->every_cpu)
            break;
    }
    free(online);
    if (err)
        rt_detach_target(rt);
    return err;
}

const struct rt_attach_ops rt_attach_cpu_clock = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_cpu_clock,
};
