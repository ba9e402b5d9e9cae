/* The two ways to put a BPF program on user code: a perf event of the
 * uprobe PMU per location, or one uprobe_multi link for many. */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach/attach.h"
#include "attach/uprobe.h"
#include "sys/uprobe_multi.h"

long rt_pmu_value(const char *pmu, const char *name, const char *prefix) {
    char path[128], text[64];
    long v = -1;
    snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/%s", pmu, name);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    if (fgets(text, sizeof(text), f) && strncmp(text, prefix, strlen(prefix)) == 0)
        v = strtol(text + strlen(prefix), NULL, 10);
    fclose(f);
    return v;
}

int rt_uprobe_open(const char *path, uint64_t offset, uint64_t ref_ctr_offset, bool ret, int pid) {
    long type = rt_pmu_value("uprobe", "type", "");
    /* format/retprobe reads "config:0", format/ref_ctr_offset "config:32-63" */
    long ret_bit = rt_pmu_value("uprobe", "format/retprobe", "config:");
    long ref_shift = rt_pmu_value("uprobe", "format/ref_ctr_offset", "config:");
    struct perf_event_attr attr = {
        .size = sizeof(attr),
        .sample_period = 1,
        .wakeup_events = 1,
    };
    if (type < 0 || (ret && ret_bit < 0) || (ref_ctr_offset && ref_shift < 0)) {
        errno = ENOTSUP;
        return -1;
    }
    attr.type = (uint32_t)type;
    attr.config1 = (uint64_t)(uintptr_t)path;
    attr.config2 = offset;
    if (ret)
        attr.config |= 1ull << ret_bit;
    if (ref_ctr_offset)
        attr.config |= ref_ctr_offset << ref_shift;
    /* every process: one event on CPU 0 runs the program wherever the
     * probe is hit, as for tracepoints */
    return (int)syscall(__NR_perf_event_open, &attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0, -1,
                        PERF_FLAG_FD_CLOEXEC);
}

int rt_uprobe_multi_link(int prog_fd, const char *path, const uint64_t *offsets,
                         const uint64_t *ref_ctr_offsets, const uint64_t *cookies, uint32_t cnt,
                         bool ret, int pid) {
    struct uprobe_multi_link_attr attr = {
        .prog_fd = (uint32_t)prog_fd,
        .attach_type = UPROBE_MULTI_ATTACH_TYPE,
        .path = (uint64_t)(uintptr_t)path,
        .offsets = (uint64_t)(uintptr_t)offsets,
        .ref_ctr_offsets = (uint64_t)(uintptr_t)ref_ctr_offsets,
        .cookies = (uint64_t)(uintptr_t)cookies,
        .cnt = cnt,
        .multi_flags = ret ? UPROBE_MULTI_RETURN : 0,
        .pid = pid > 0 ? (uint32_t)pid : 0,
    };
    return (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}
