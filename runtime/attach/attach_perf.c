/* interval and profile: a software cpu-clock perf event that fires every
 * period or at a frequency; interval on one CPU, profile on every online CPU. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"

/* "s:N", "ms:N", "us:N", "ns:N" set a period in ns, "hz:N" a frequency; a
 * bare "N" is nanoseconds. Returns -1 for anything else. */
static int parse_rate(const char *target, struct perf_event_attr *attr) {
    static const struct {
        const char *unit;
        uint64_t ns;
    } units[] = {{"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull}, {"ns", 1ull}};
    const char *colon = strchr(target, ':');
    const char *num = colon ? colon + 1 : target;
    size_t ulen = colon ? (size_t)(colon - target) : 0;
    char *end;
    unsigned long long n;

    errno = 0;
    n = strtoull(num, &end, 10);
    if (errno || end == num || *end || n == 0)
        return -1;
    if (ulen == 2 && strncmp(target, "hz", 2) == 0) {
        attr->freq = 1;
        attr->sample_freq = n;
        return 0;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!colon ||
            (strlen(units[i].unit) == ulen && strncmp(target, units[i].unit, ulen) == 0)) {
            attr->sample_period = n * (colon ? units[i].ns : 1);
            return 0;
        }
    return -1;
}

/* Parses /sys/devices/system/cpu/online ("0-3,6") into a mask of *n CPUs. */
static int read_online_cpus(bool **mask, int *n) {
    FILE *f = fopen("/sys/devices/system/cpu/online", "re");
    char buf[4096];
    int max = 0;

    *mask = NULL;
    if (!f)
        return -1;
    if (!fgets(buf, sizeof(buf), f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    for (char *p = buf; *p && *p != '\n';) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;

        if (end == p || lo < 0)
            goto bad;
        if (*end == '-')
            hi = strtol(end + 1, &end, 10);
        if (hi < lo || hi > 65535)
            goto bad;
        if (hi + 1 > max) {
            bool *grown = realloc(*mask, (size_t)(hi + 1) * sizeof(bool));

            if (!grown)
                goto bad;
            memset(grown + max, 0, (size_t)(hi + 1 - max) * sizeof(bool));
            *mask = grown;
            max = (int)hi + 1;
        }
        for (long c = lo; c <= hi; c++)
            (*mask)[c] = true;
        p = *end == ',' ? end + 1 : end;
    }
    *n = max;
    return max > 0 ? 0 : -1;
bad:
    free(*mask);
    *mask = NULL;
    return -1;
}

static int attach_on_cpu(const struct prog_desc *prog, struct attach_target *t,
                         struct perf_event_attr *attr, int cpu, struct diag *d) {
    int fd = rt_perf_event_open(attr, cpu);

    if (fd < 0) {
        diag_error(d, &prog->loc, E_IO, "Unable to attach probe: %s: perf_event_open on CPU %d: %s",
                   rt_target_name(t), cpu, strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(prog, t, fd, d);
}

static int attach_rate(const struct prog_desc *prog, struct attach_target *t, bool all_cpus,
                       struct diag *d) {
    struct perf_event_attr attr = {
        .type = PERF_TYPE_SOFTWARE,
        .config = PERF_COUNT_SW_CPU_CLOCK,
    };
    bool *online = NULL;
    int ncpus, err = 0;

    if (parse_rate(t->target, &attr) < 0) {
        diag_error(d, &prog->loc, E_UNKNOWN_PROBE, "Unable to attach probe: %s: invalid rate '%s'",
                   rt_target_name(t), t->target);
        return -1;
    }
    if (read_online_cpus(&online, &ncpus) < 0) {
        diag_error(d, &prog->loc, E_IO, "Unable to attach probe: %s: cannot read the online CPUs",
                   rt_target_name(t));
        return -1;
    }
    for (int cpu = 0; cpu < ncpus && !err; cpu++) {
        if (!online[cpu])
            continue;
        err = attach_on_cpu(prog, t, &attr, cpu, d);
        if (!all_cpus)
            break;
    }
    free(online);
    if (err)
        rt_detach_target(t);
    return err;
}

static int attach_interval(const struct prog_desc *prog, struct attach_target *t, struct diag *d) {
    return attach_rate(prog, t, false, d);
}

static int attach_profile(const struct prog_desc *prog, struct attach_target *t, struct diag *d) {
    return attach_rate(prog, t, true, d);
}

const struct rt_attach_ops rt_attach_interval = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_interval,
};

const struct rt_attach_ops rt_attach_profile = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_profile,
};
