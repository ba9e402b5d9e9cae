/* The runtime half of each probe type, one file per type behind a table
 * indexed by enum probe_kind (the compile half is src/providers/). Nothing
 * else in the runtime switches on the probe kind.
 *
 * Every fd an attachment owns (perf events, BPF links) is recorded in its
 * struct rt_target (rt_internal.h), so that one function can close them all
 * whatever the kind. The attach functions read the target's parsed
 * target_spec; they never parse text. */
#ifndef TRAWK_RT_ATTACH_H
#define TRAWK_RT_ATTACH_H

#include <stdbool.h>

#include "diag.h"
#include "manifest.h"
#include "rt_internal.h"

/* When a probe's program runs relative to attaching the others. */
enum rt_phase {
    RT_PHASE_BEFORE, /* BEGIN: run once before anything is attached */
    RT_PHASE_ATTACH, /* attached until exit() or a signal */
    RT_PHASE_AFTER,  /* END: run once after everything is detached */
    RT_PHASE_SIGNAL, /* self:signal: run each time trawk gets the signal */
    RT_PHASE_BENCH,  /* bench: run repeatedly and timed in --mode bench only */
    RT_PHASE_TEST,   /* test: run once each in --mode test only */
};

struct rt_attach_ops {
    enum rt_phase phase;
    /* RT_PHASE_ATTACH: attaches rt->prog to rt->t. Returns 0, or -1 after
     * reporting the error and closing whatever it opened. */
    int (*attach)(struct rt_target *rt, struct diag *d);
    /* RT_PHASE_BEFORE/AFTER/SIGNAL: runs rt->prog once. */
    int (*fire)(struct rt_target *rt, struct diag *d);
    /* The kernel runs the programs on one uprobe newest first: these kinds
     * attach last to first so that blocks still run in source order. */
    bool reverse;
};

static inline const char *rt_target_name(const struct rt_target *rt) {
    return rt->t->name ? rt->t->name : "?";
}

/* The ops of a probe kind, NULL for a kind the runtime cannot handle. */
const struct rt_attach_ops *rt_attach_ops(enum probe_kind kind);

extern const struct rt_attach_ops rt_attach_begin;
extern const struct rt_attach_ops rt_attach_end;
extern const struct rt_attach_ops rt_attach_tracepoint;
extern const struct rt_attach_ops rt_attach_cpu_clock;
extern const struct rt_attach_ops rt_attach_uprobe;
extern const struct rt_attach_ops rt_attach_usdt;
extern const struct rt_attach_ops rt_attach_counter;
extern const struct rt_attach_ops rt_attach_self;
extern const struct rt_attach_ops rt_attach_bench;
extern const struct rt_attach_ops rt_attach_test;
extern const struct rt_attach_ops rt_attach_iter;
extern const struct rt_attach_ops rt_attach_kprobe;
extern const struct rt_attach_ops rt_attach_btf_tracing;

/* Records a perf event fd as owned by rt (closed by rt_detach_target).
 * Closes fd and returns -1 when out of memory. */
int rt_target_own_fd(struct rt_target *rt, int fd);
/* Records a BPF link as owned by rt; closing it stops the program at once. */
int rt_target_own_link(struct rt_target *rt, int fd);
/* The newest link of rt, -1 without one (for -v). */
int rt_target_last_link(const struct rt_target *rt);
void rt_close_links(struct rt_target *rt);
/* Closes every fd rt owns: links before their perf events. */
void rt_detach_target(struct rt_target *rt);
/* Detaches every target: links first, so no program runs any more, then the
 * perf events (see teardown.c for why that may finish in the background). */
void rt_detach_all(struct rt_state *st);

/* Opens a perf event for all processes on one CPU. Returns the fd or -1
 * with errno set. */
/* A number from sysfs file name of the PMU pmu ("uprobe", "kprobe"): the
 * text after prefix ("config:" in format/retprobe). -1 when it cannot be
 * read. */
long rt_pmu_value(const char *pmu, const char *name, const char *prefix);

struct perf_event_attr;
int rt_perf_event_open(struct perf_event_attr *attr, int cpu);
/* The same for one process or thread (pid > 0) on one CPU (-1: any). */
int rt_perf_event_open_pid(struct perf_event_attr *attr, int pid, int cpu);
/* Makes rt's program run on the perf event perf_fd with the target's
 * cookie, through a BPF link, or through the older ioctl when links to perf
 * events are missing (the cookie is then unavailable). Records what it
 * opens in rt. */
int rt_attach_perf_fd(struct rt_target *rt, int perf_fd, struct diag *d);

/* --mode bench / --mode test (attach_bench.c): runs every target of phase
 * (RT_PHASE_BENCH or RT_PHASE_TEST) in source order through
 * BPF_PROG_TEST_RUN and prints bpftrace's benchmark table or test report on
 * out. Returns 0, 1 when a test failed, -1 after reporting an error. */
struct rt_events;
int rt_bench_run(struct rt_state *st, enum rt_phase phase, struct rt_events *ev, FILE *out,
                 struct diag *d);

#endif
