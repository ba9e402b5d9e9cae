/* Private interfaces between the runtime's files: loading, the event
 * stream, signals. Nothing outside runtime/ includes this. */
#ifndef TRAWK_RT_INTERNAL_H
#define TRAWK_RT_INTERNAL_H

#include <linux/bpf.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "manifest.h"

/* ---- state.c: what the runtime opened, kept beside the manifest ----
 * The manifest stays as the compiler made it, except for the map fds
 * (map_desc.fd), which the output printers read. */

struct rt_prog {
    const struct prog_desc *desc;
    int fd; /* -1 until loaded */
};

/* The kernel objects joining one program to one attach target. */
struct rt_target {
    const struct attach_target *t;
    const struct rt_prog *prog;
    int *perf_fds; /* perf events opened for t (one per CPU for profile) */
    int nperf_fds;
    int *link_fds; /* BPF links joining the program to them */
    int nlink_fds;
};

struct rt_state {
    struct manifest *m;
    struct rt_prog *progs;     /* parallel to m->progs */
    struct rt_target *targets; /* every target of every program, in manifest order */
    int ntargets;
    FILE *verifier_out; /* -d verifier: every program's whole verifier log goes here */
};

/* Placeholders on the low descriptor numbers while tracing (fd_guard.c
 * says why): taken before anything is loaded, put back after each scan of
 * a process's symbols, released at the end. */
void rt_fd_guard_low(void);
void rt_fd_guard_refill(void);
void rt_fd_guard_release(void);

/* Sets st up for m with nothing open: every fd -1, m's map fds included.
 * Returns 0, -1 when out of memory. */
int rt_state_init(struct rt_state *st, struct manifest *m);
/* Frees st's arrays; whatever they hold must be closed already
 * (rt_detach_all, rt_unload). */
void rt_state_free(struct rt_state *st);

/* ---- load.c / load_prog.c ---- */

/* Creates every map of m, setting map_desc.fd. Returns 0, or -1 after
 * reporting the error (maps created so far stay open for rt_unload). */
int rt_load_maps(struct manifest *m, struct diag *d);
/* Loads every program (maps must exist), setting its rt_prog.fd. A rejected
 * program is reported with the verifier's reason, mapped to the script line
 * when the log names an instruction; verbose adds the whole log. */
int rt_load_progs(struct rt_state *st, bool verbose, struct diag *d);
/* Closes every program and map fd and resets them to -1. */
void rt_unload(struct rt_state *st);
/* Loads p without a word: its fd, or -1 (the caller loads it again to
 * explain), also for a program whose attributes name objects to open. */
int rt_load_quiet(const struct manifest *m, const struct prog_desc *p);
/* load_pool.c: loads what it can of st's programs on several CPUs at
 * once, setting their fds; the others stay -1. */
void rt_load_pool(struct rt_state *st);

/* ---- load_attrs.c ---- */

/* What a program's load attributes name, open for the load; -1 when unused. */
struct rt_load_fds {
    int btf_obj_fd; /* attach_btf_module's BTF */
    int prog_fd;    /* attach_prog_id's program */
};

/* Opens the objects p->attrs names. Returns 0, or -1 after reporting what
 * is missing (nothing stays open). */
int rt_load_fds_open(const struct prog_desc *p, struct rt_load_fds *fds, struct diag *d);
void rt_load_fds_close(struct rt_load_fds *fds);
/* The BTF of the kernel image ("vmlinux") or of a loaded module, by name.
 * Returns an fd, or -1 with errno set (ENOENT when none has that name). */
int rt_kernel_btf_fd(const char *name);

/* The expected attach type a program is loaded with: a's, except that a
 * kprobe program meant for a kprobe_multi link is loaded as a plain one
 * where the kernel has no such link (it then goes on perf events, where
 * the multi-link flavours of its helpers would read the wrong context). */
enum bpf_attach_type rt_load_attach_type(const struct prog_attrs *a);
/* Whether the kernel makes kprobe_multi links (asked once). */
bool rt_kprobe_multi(void);

/* ---- verifier_log.c ---- */

/* The instruction index the verifier stopped at: the last "N: (xx) ..." line
 * of the log, or -1. */
int rt_log_failed_insn(const char *log);
/* The last non-empty line of the log (the verifier's reason), copied into buf. */
const char *rt_log_last_line(const char *log, char *buf, int size);
/* Whether the verifier refused a helper the program type may not call
 * there; its name ("bpf_d_path") goes in buf. */
bool rt_log_refused_helper(const char *log, char *buf, int size);
/* Writes the last nlines lines of log to f. */
void rt_log_print_tail(FILE *f, const char *log, int nlines);

/* ---- pcap.c: skboutput()'s packets ---- */
struct rt_pcap;
/* Creates the pcap files and opens the reader when m has skboutput()
 * calls (*out stays NULL otherwise). Returns -1 after reporting. */
int rt_pcap_open(const struct manifest *m, struct rt_pcap **out, struct diag *d);
/* Writes the packets that arrived, without waiting. */
void rt_pcap_consume(struct rt_pcap *pc);
void rt_pcap_close(struct rt_pcap *pc);

/* ---- events.c ---- */

/* func_info.c: BTF function information, needed by programs with callbacks. */
struct rt_func_info {
    struct bpf_func_info *info; /* sorted by instruction; NULL without callbacks */
    int n;
    int btf_fd; /* -1 without callbacks */
};
/* Returns 0 (fi->info stays NULL when the program has no callback) or -1. */
int rt_func_info_build(const struct bpf_insn *insns, int n, struct rt_func_info *fi);
void rt_func_info_free(struct rt_func_info *fi);

struct rt_events;
struct out_sink;

/* Opens the event reader when m has an event buffer (NULL otherwise: no
 * events, and every other call below accepts NULL); pages sizes a perf
 * buffer (0: the default). Returns -1 on failure. */
/* buffer_pages.c: the event buffer's pages in all (per_cpu: for each CPU's
 * perf buffer) for the script's perf_rb_pages (0: by available memory when
 * the programs stream records, else a small buffer) */
uint32_t rt_buffer_pages(uint32_t configured, bool streams, bool per_cpu);
/* Sets the size of m's ring buffer, if it has one, from rt_buffer_pages. */
void rt_size_ringbuf(struct manifest *m);

int rt_events_open(const struct manifest *m, const struct out_sink *out, int pages,
                   struct rt_events **evp, struct diag *d);
void rt_events_close(struct rt_events *ev);
/* Waits up to timeout_ms and dispatches what arrived. Returns the number of
 * records handled, 0 on timeout, or a negative errno (-EINTR on a signal). */
int rt_events_poll(struct rt_events *ev, int timeout_ms);
/* Dispatches whatever is in the ring buffer without waiting. */
void rt_events_drain(struct rt_events *ev);
/* After exit(): records are read but dropped, as bpftrace drops what
 * arrives between exit() and detaching. Once called, a stop signal no
 * longer makes the reader drop records by itself (events.c). */
void rt_events_set_discard(struct rt_events *ev, bool discard);
/* Sends the output to out from now on; returns the previous sink (bench
 * and test runs capture or drop what each block prints). */
struct out_sink;
const struct out_sink *rt_events_swap_out(struct rt_events *ev, const struct out_sink *out);
/* Forgets an exit() seen, for the next test block. */
void rt_events_clear_exit(struct rt_events *ev);
/* Called from the exit() record's handler, before the rest of its batch:
 * the probes stop there, as bpftrace detaches in its handler, so that a
 * fast probe does not run again (and undo the clear() before its exit())
 * while the batch and the loop finish. */
void rt_events_on_exit(struct rt_events *ev, void (*fn)(void *ctx), void *ctx);
/* True once an exit() record was seen; *code gets its argument. */
bool rt_events_exit_requested(const struct rt_events *ev, int *code);
/* Reports lost events (the sink's lost_events) when the lost counter grew since the last call. */
void rt_events_check_lost(struct rt_events *ev);
/* Every lost record reported so far. */
uint64_t rt_events_lost_total(const struct rt_events *ev);
/* Whether the output is a pipe or socket whose reader went away. */
bool rt_events_reader_gone(const struct rt_events *ev);

/* ---- signals.c ---- */

/* Installs SIGINT/SIGTERM handlers (with SA_RESTART: epoll_wait returns
 * EINTR all the same) and clears the flag; save keeps the handlers to restore. */
struct rt_sigsave {
    struct sigaction sigint, sigterm, sigpipe, sigusr1;
};
void rt_signals_install(struct rt_sigsave *save);
void rt_signals_restore(const struct rt_sigsave *save);
bool rt_stop_requested(void);
/* Ends the event loop as a signal would (the output's reader went away). */
void rt_request_stop(void);
/* Whether SIGUSR1 arrived since the last call (self:signal probes run then). */
bool rt_sigusr1_take(void);
/* Ends the process by SIGPIPE's default action (exit status 141 in a shell). */
void rt_die_of_sigpipe(void);

/* dw_setup.c: the processes dw_ustack unwinds; -1 (reported) when the
 * program uses it and none was named. */
struct rt_opts;
int rt_dw_setup(const struct manifest *m, const struct rt_opts *opts, struct diag *d);

#endif
