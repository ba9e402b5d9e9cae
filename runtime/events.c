/* The event stream: records from the programs, dispatched to the output
 * module, except exit() which ends the run. Records come through a BPF ring
 * buffer, or a perf buffer on kernels without one. Also watches the count
 * of records the programs could not send. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output/output.h"
#include "prom_server.h"
#include "rt_internal.h"
#include "sys/monotonic.h"

struct rt_events {
    const struct manifest *m;
    const struct out_sink *out;
    struct ring_buffer *rb;
    struct perf_buffer *pb;
    struct rt_pcap *pcap; /* skboutput()'s packets, NULL without */
    uint64_t perf_lost;   /* samples the kernel dropped from the perf buffer */
    int lost_fd;          /* -1 when the manifest has no lost counter */
    uint64_t lost_seen;
    bool out_is_pipe; /* a pipe or socket: its reader may go away */
    bool reader_gone; /* ... and it has */
    bool discard;
    bool lost_frozen; /* after exit(): records lost while detaching raced with it */
    bool exit_seen;
    void (*on_exit)(void *ctx); /* see rt_events_on_exit */
    void *on_exit_ctx;
    bool stop_seen;   /* rt_events_set_discard called: the stop check is off */
    double stop_at;   /* when a stop signal was first seen among records, 0: not yet */
    uint64_t dropped; /* records dropped STOP_GRACE after that, reported as lost */
    int exit_code;
};

/* After Ctrl-C, records are still handled for this long; the rest are
 * dropped and counted as lost: programs that send faster than their
 * records are handled (a system() per sched_switch) would never let the
 * reader stop, and bpftrace drops them too. */
#define STOP_GRACE 0.5

static void handle_exit(struct rt_events *ev, const struct event_desc *e, const uint8_t *rec,
                        size_t size) {
    int64_t code = 0;

    if (e->nargs > 0 && e->args[0].offset + sizeof(code) <= size)
        memcpy(&code, rec + e->args[0].offset, sizeof(code));
    ev->exit_seen = true;
    ev->exit_code = (int)code;
    if (ev->on_exit)
        ev->on_exit(ev->on_exit_ctx);
    /* Whatever follows exit() in the buffer belongs to a run that is over,
     * and so do records lost while the probes are detached (a fast probe
     * with big records fills the buffer meanwhile). */
    ev->discard = true;
    rt_events_check_lost(ev);
    ev->lost_frozen = true;
}

static int on_record(void *ctx, void *data, size_t size) {
    struct rt_events *ev = ctx;
    struct event_header h;
    const struct event_desc *e;

    if (ev->discard || size < sizeof(h))
        return 0;
    bool stopping = !ev->stop_seen && rt_stop_requested();
    if (stopping && ev->stop_at > 0 && sys_monotonic_seconds() - ev->stop_at > STOP_GRACE) {
        ev->dropped++;
        return 0;
    }
    memcpy(&h, data, sizeof(h));
    if (h.event_id >= (uint32_t)ev->m->nevents) {
        fprintf(stderr, "WARNING: dropped an event with unknown id %u\n", h.event_id);
        return 0;
    }
    e = &ev->m->events[h.event_id];
    if (e->kind == EV_EXIT)
        handle_exit(ev, e, data, size);
    else {
        rt_prom_lock();
        out_event(ev->out, ev->m, data, (uint32_t)size);
        rt_prom_unlock();
    }
    /* The first record handled after a stop signal ends the poll, so that
     * the event loop sees the signal even if records never stop coming;
     * the rest are handled (or dropped) by the drain before END. */
    if (stopping && ev->stop_at == 0) {
        ev->stop_at = sys_monotonic_seconds();
        return -EINTR;
    }
    /* 0 even after exit(): a non-zero return would leave the rest of the
     * batch in the buffer, to be printed after END. */
    return 0;
}

static bool output_is_pipe(FILE *out) {
    struct stat st;
    return fstat(fileno(out), &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Whether out is a pipe or socket whose reader has gone (trawk ... | head):
 * poll reports an error on such a write end, whatever stdio buffered. */
static bool output_reader_gone(FILE *out) {
    struct pollfd p = {.fd = fileno(out), .events = 0};
    return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static void on_perf_sample(void *ctx, int cpu, void *data, __u32 size) {
    (void)cpu;
    on_record(ctx, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 count) {
    (void)cpu;
    ((struct rt_events *)ctx)->perf_lost += count;
}

static int open_reader(struct rt_events *ev, const struct map_desc *md, int pages) {
    if (md->bpf_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
        size_t n = 1;
        while ((int)n < pages)
            n <<= 1; /* a power of two */
        ev->pb = perf_buffer__new(md->fd, n, on_perf_sample, on_perf_lost, ev, NULL);
        return ev->pb ? 0 : -1;
    }
    ev->rb = ring_buffer__new(md->fd, on_record, ev, NULL);
    return ev->rb ? 0 : -1;
}

int rt_events_open(const struct manifest *m, const struct out_sink *out, int pages,
                   struct rt_events **evp, struct diag *d) {
    struct rt_events *ev;

    *evp = NULL;
    if (m->ringbuf_map < 0)
        return 0;
    ev = calloc(1, sizeof(*ev));
    if (!ev) {
        diag_plain_error(d, E_IO, "Out of memory");
        return -1;
    }
    ev->m = m;
    ev->out = out;
    ev->out_is_pipe = output_is_pipe(out->f);
    ev->lost_fd = m->lost_map >= 0 && m->lost_map < m->nmaps ? m->maps[m->lost_map].fd : -1;
    if (open_reader(ev, &m->maps[m->ringbuf_map], pages) < 0) {
        diag_plain_error(d, E_IO, "Failed to open the event buffer: %s", strerror(errno));
        free(ev);
        return -1;
    }
    if (rt_pcap_open(m, &ev->pcap, d) < 0) {
        rt_events_close(ev);
        return -1;
    }
    *evp = ev;
    return 0;
}

void rt_events_close(struct rt_events *ev) {
    if (!ev)
        return;
    ring_buffer__free(ev->rb);
    perf_buffer__free(ev->pb);
    rt_pcap_close(ev->pcap);
    free(ev);
}

int rt_events_poll(struct rt_events *ev, int timeout_ms) {
    int n;

    if (!ev) {
        /* No ring buffer: just wait, so that a signal still ends the wait. */
        n = poll(NULL, 0, timeout_ms);
        return n < 0 ? -errno : 0;
    }
    n = ev->pb ? perf_buffer__poll(ev->pb, timeout_ms) : ring_buffer__poll(ev->rb, timeout_ms);
    rt_pcap_consume(ev->pcap); /* packets wait at most one poll */
    if (n > 0 && !ev->out->buffered)
        fflush(ev->out->f);
    if (n > 0 && ev->out_is_pipe && output_reader_gone(ev->out->f)) {
        ev->reader_gone = true;
        rt_request_stop(); /* nobody reads the output any more */
    }
    return n;
}

void rt_events_drain(struct rt_events *ev) {
    if (!ev)
        return;
    rt_pcap_consume(ev->pcap);
    if (ev->pb)
        perf_buffer__consume(ev->pb);
    else
        for (int n = 1; n > 0 || n == -EINTR;) /* -EINTR: the stop, once (on_record) */
            n = ring_buffer__consume(ev->rb);
    fflush(ev->out->f);
}

void rt_events_set_discard(struct rt_events *ev, bool discard) {
    if (ev)
        ev->discard = discard, ev->stop_seen = true; /* END's records are all shown */
}

const struct out_sink *rt_events_swap_out(struct rt_events *ev, const struct out_sink *out) {
    const struct out_sink *old = ev ? ev->out : NULL;
    if (ev)
        ev->out = out;
    return old;
}

void rt_events_clear_exit(struct rt_events *ev) {
    if (ev)
        ev->exit_seen = false, ev->exit_code = 0, ev->discard = false, ev->lost_frozen = false;
}

void rt_events_on_exit(struct rt_events *ev, void (*fn)(void *ctx), void *ctx) {
    if (ev)
        ev->on_exit = fn, ev->on_exit_ctx = ctx;
}

bool rt_events_exit_requested(const struct rt_events *ev, int *code) {
    if (!ev || !ev->exit_seen)
        return false;
    *code = ev->exit_code;
    return true;
}

/* A one-entry array whose u64 the programs add to atomically. */
static uint64_t read_lost(int fd) {
    uint64_t total = 0;
    uint32_t key = 0;

    if (bpf_map_lookup_elem(fd, &key, &total) != 0)
        return 0;
    return total;
}

bool rt_events_reader_gone(const struct rt_events *ev) {
    return ev && ev->reader_gone;
}

uint64_t rt_events_lost_total(const struct rt_events *ev) {
    return ev ? ev->lost_seen : 0;
}

void rt_events_check_lost(struct rt_events *ev) {
    uint64_t lost;

    if (!ev || ev->lost_frozen)
        return;
    lost = (ev->lost_fd >= 0 ? read_lost(ev->lost_fd) : 0) + ev->perf_lost + ev->dropped;
    if (lost > ev->lost_seen) {
        ev->out->ops->lost_events(ev->out, lost - ev->lost_seen);
        ev->lost_seen = lost;
    }
}
