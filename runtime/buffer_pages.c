/* How many pages the event buffer gets, as bpftrace decides it: what the
 * script's perf_rb_pages or BPFTRACE_PERF_RB_PAGES asks for, else about
 * 16 MiB (less when little memory is available), so a burst of events is
 * queued rather than lost. */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <unistd.h>

#include "rt_internal.h"

/* bpftrace's bounds for the default, in KiB */
#define DEFAULT_CEILING_KB 16544
#define DEFAULT_FLOOR_KB 256

static long mem_available_kb(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* The power of two nearest n (the lower one on a tie). */
static uint64_t nearest_power_of_two(uint64_t n) {
    uint64_t low = 1;
    while (low <= n / 2)
        low <<= 1;
    return n - low <= low * 2 - n ? low : low * 2;
}

/* A program that sends no records at an event's rate (exit(), BEGIN's
 * printf, map-full warnings) needs no more than bpftrace's floor. */
#define QUIET_KB DEFAULT_FLOOR_KB

uint32_t rt_buffer_pages(uint32_t configured, bool streams, bool per_cpu) {
    int ncpus = libbpf_num_possible_cpus();
    uint64_t cpus = ncpus > 0 ? (uint64_t)ncpus : 1;
    if (configured) {
        if (!per_cpu) /* at least a page per CPU */
            return configured < cpus ? (uint32_t)cpus : configured;
        return (uint32_t)nearest_power_of_two((configured + cpus - 1) / cpus);
    }
    long avail = streams ? mem_available_kb() : QUIET_KB;
    uint64_t kb = avail < 0 || avail > DEFAULT_CEILING_KB ? DEFAULT_CEILING_KB : (uint64_t)avail;
    uint64_t bytes = (kb < DEFAULT_FLOOR_KB ? DEFAULT_FLOOR_KB : kb) * 1024;
    if (per_cpu)
        bytes /= cpus;
    uint64_t pages = bytes / (uint64_t)sysconf(_SC_PAGESIZE);
    return (uint32_t)nearest_power_of_two(pages ? pages : 1);
}

/* A ring buffer is a power of two number of pages. */
static uint32_t ringbuf_bytes(int pages) {
    uint32_t bytes = (uint32_t)sysconf(_SC_PAGESIZE);
    while (pages > 1 && bytes < (1u << 30)) {
        bytes <<= 1;
        pages = (pages + 1) / 2;
    }
    return bytes;
}

void rt_size_ringbuf(struct manifest *m) {
    if (m->ringbuf_map >= 0 && m->maps[m->ringbuf_map].bpf_type == BPF_MAP_TYPE_RINGBUF)
        m->maps[m->ringbuf_map].max_entries =
            ringbuf_bytes((int)rt_buffer_pages(m->perf_rb_pages, m->streams, false));
}
