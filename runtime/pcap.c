/* skboutput(): packets from the .skb perf event array written to pcap
 * files (the classic format libpcap writes: raw IP link type, microsecond
 * timestamps), one file per name the script gives, created at start as
 * bpftrace does. No libpcap: the format is two fixed headers. */
#include <bpf/libbpf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_internal.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_SNAPLEN 65535u
#define LINKTYPE_RAW 101u /* what libpcap writes for DLT_RAW */
#define PCAP_PAGES 64     /* per CPU */

struct pcap_file_header {
    uint32_t magic;
    uint16_t version_major, version_minor;
    int32_t thiszone;
    uint32_t sigfigs, snaplen, linktype;
};

struct pcap_record_header {
    uint32_t ts_sec, ts_usec, caplen, len;
};

struct rt_pcap {
    const struct manifest *m;
    struct perf_buffer *pb;
    FILE **files;     /* per event id: the file of an EV_SKBOUTPUT, else NULL */
    uint64_t boot_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME when the run started */
};

static uint64_t clock_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_packet(void *ctx, int cpu, void *data, __u32 size) {
    struct rt_pcap *pc = ctx;
    struct event_header h;
    uint64_t ns;
    (void)cpu;
    if (size < sizeof(h) + sizeof(ns))
        return;
    memcpy(&h, data, sizeof(h));
    if (h.event_id >= (uint32_t)pc->m->nevents || !pc->files[h.event_id])
        return;
    memcpy(&ns, (const uint8_t *)data + sizeof(h), sizeof(ns));
    uint32_t skip = (uint32_t)(sizeof(h) + sizeof(ns)) + pc->m->events[h.event_id].skb_offset;
    if (skip >= size)
        return; /* nothing past the offset, as bpftrace */
    ns += pc->boot_ns;
    struct pcap_record_header r = {.ts_sec = (uint32_t)(ns / 1000000000u),
                                   .ts_usec = (uint32_t)(ns % 1000000000u / 1000u),
                                   .caplen = size - skip,
                                   .len = size - skip};
    fwrite(&r, sizeof(r), 1, pc->files[h.event_id]);
    fwrite((const uint8_t *)data + skip, 1, size - skip, pc->files[h.event_id]);
}

/* The file already opened under the same name, else a new one with the
 * file header. */
static FILE *open_pcap(struct rt_pcap *pc, int id) {
    const char *name = pc->m->events[id].fmt;
    for (int i = 0; i < id; i++)
        if (pc->files[i] && strcmp(pc->m->events[i].fmt, name) == 0)
            return pc->files[i];
    FILE *f = fopen(name, "wb");
    struct pcap_file_header h = {.magic = PCAP_MAGIC,
                                 .version_major = 2,
                                 .version_minor = 4,
                                 .snaplen = PCAP_SNAPLEN,
                                 .linktype = LINKTYPE_RAW};
    if (f && fwrite(&h, sizeof(h), 1, f) != 1) {
        fclose(f);
        return NULL;
    }
    return f;
}

static int skb_map_fd(const struct manifest *m) {
    for (int i = 0; i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, SKB_MAP) == 0)
            return m->maps[i].fd;
    return -1;
}

int rt_pcap_open(const struct manifest *m, struct rt_pcap **out, struct diag *d) {
    *out = NULL;
    int fd = skb_map_fd(m);
    if (fd < 0)
        return 0;
    struct rt_pcap *pc = calloc(1, sizeof(*pc));
    if (pc)
        pc->files = calloc((size_t)m->nevents + 1, sizeof(*pc->files));
    if (!pc || !pc->files) {
        free(pc);
        diag_plain_error(d, E_IO, "Out of memory");
        return -1;
    }
    pc->m = m;
    pc->boot_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    bool ok = true;
    for (int i = 0; i < m->nevents; i++)
        if (m->events[i].kind == EV_SKBOUTPUT && !(pc->files[i] = open_pcap(pc, i)))
            ok = false;
    if (!ok) {
        rt_pcap_close(pc);
        diag_plain_error(d, E_IO, "Failed to create pcap file(s)");
        return -1;
    }
    pc->pb = perf_buffer__new(fd, PCAP_PAGES, on_packet, NULL, pc, NULL);
    if (!pc->pb) {
        rt_pcap_close(pc);
        diag_plain_error(d, E_IO, "Failed to open perf buffer");
        return -1;
    }
    *out = pc;
    return 0;
}

void rt_pcap_consume(struct rt_pcap *pc) {
    if (pc && pc->pb)
        perf_buffer__consume(pc->pb);
}

void rt_pcap_close(struct rt_pcap *pc) {
    if (!pc)
        return;
    rt_pcap_consume(pc);
    perf_buffer__free(pc->pb);
    for (int i = 0; i < pc->m->nevents; i++) {
        bool shared = false;
        for (int j = 0; j < i && !shared; j++)
            shared = pc->files[j] == pc->files[i];
        if (pc->files[i] && !shared)
            fclose(pc->files[i]);
    }
    free(pc->files);
    free(pc);
}
