/* rt_run: the life of a traced program, in bpftrace's order:
 *   load maps and programs; run BEGIN; attach the rest ("Attached N probes");
 *   stream events until exit(), a signal, or (with only BEGIN/END) until the
 *   buffer is empty; detach (at an exit() record, in its handler); run END;
 *   drain; print "\n\n" and the maps.
 * Every exit path detaches and closes everything it opened. */
#include <bpf/libbpf.h>
#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "attach/attach.h"
#include "child.h"
#include "output/output.h"
#include "output/stack.h"
#include "notify.h"
#include "prom_server.h"
#include "rt_internal.h"
#include "runtime.h"

/* bpftrace polls with the same timeout; it bounds how late "Lost N events"
 * and a signal arriving between polls are noticed. */
#define POLL_TIMEOUT_MS 100

struct session {
    struct manifest *m;
    struct rt_state st;
    const struct rt_opts *opts;
    struct diag *d;
    struct rt_events *ev;
    struct out_sink out;          /* the program's output, in the format of -f */
    int pidfd;                    /* of opts->pid, -1 for none */
    int nattached;                /* targets attached to kernel events, not BEGIN/END */
    int nfired;                   /* BEGIN and END programs */
    int nkept;                    /* targets --probe-filter kept */
    int nidle[RT_PHASE_TEST + 1]; /* targets of each phase that this mode does not run */
    bool sigpipe;                 /* the output's reader went away: end as bpftrace does */
};

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap) {
    (void)level, (void)fmt, (void)ap;
    return 0;
}

/* Runs every BEGIN (or END) program, in manifest order. */
static int run_phase(struct session *s, enum rt_phase phase) {
    for (int i = 0; i < s->st.ntargets; i++) {
        struct rt_target *rt = &s->st.targets[i];
        const struct rt_attach_ops *ops = rt_attach_ops(rt->t->kind);

        if (ops && ops->phase == phase && ops->fire(rt, s->d) < 0)
            return -1;
    }
    return 0;
}

/* --probe-filter keeps the probes whose name it matches, and always BEGIN,
 * END and self:signal, as bpftrace's does. */
static bool filtered_out(const struct session *s, const struct rt_target *rt,
                         const struct rt_attach_ops *ops) {
    if (!s->opts->probe_filter || ops->phase == RT_PHASE_BEFORE || ops->phase == RT_PHASE_AFTER ||
        ops->phase == RT_PHASE_SIGNAL)
        return false;
    return regexec(s->opts->probe_filter, rt_target_name(rt), 0, NULL, 0) != 0;
}

/* Whether the mode runs blocks of this phase at all. */
static bool phase_in_mode(enum rt_mode mode, enum rt_phase phase) {
    switch (phase) {
    case RT_PHASE_BENCH:
        return mode == RT_MODE_BENCH;
    case RT_PHASE_TEST:
        return mode == RT_MODE_TEST;
    case RT_PHASE_ATTACH:
    case RT_PHASE_SIGNAL:
        return mode == RT_MODE_RUN;
    default:
        return true;
    }
}

static int attach_one(struct session *s, struct rt_target *rt) {
    const struct rt_attach_ops *ops = rt_attach_ops(rt->t->kind);

    if (!ops) {
        diag_error(s->d, &rt->prog->desc->loc, E_UNSUPPORTED,
                   "Unable to attach probe: %s: unsupported probe type", rt_target_name(rt));
        return -1;
    }
    if (filtered_out(s, rt, ops))
        return 0;
    s->nkept++;
    if (!phase_in_mode(s->opts->mode, ops->phase)) {
        s->nidle[ops->phase]++;
        return 0;
    }
    if (ops->phase != RT_PHASE_ATTACH) {
        /* self:signal blocks count as attached: tracing goes on for them */
        if (ops->phase == RT_PHASE_SIGNAL)
            s->nattached++;
        else
            s->nfired++;
        return 0;
    }
    int errors = s->d->nerrors;
    s->d->missing = s->m->missing_probes;
    int rc = ops->attach(rt, s->d);
    s->d->missing = DIAG_MISSING_ERROR;
    if (rc < 0)
        return s->d->nerrors == errors ? 0 : -1; /* skipped as missing_probes says */
    if (rt->t->spec.location == 0)
        s->nattached += rt->prog->desc->nblocks > 1 ? rt->prog->desc->nblocks : 1;
    if (s->opts->verbose)
        fprintf(stderr, "Attached %s (program fd %d, link fd %d)\n", rt_target_name(rt),
                rt->prog->fd, rt_target_last_link(rt));
    return 0;
}

static bool attaches_reversed(const struct rt_target *rt) {
    const struct rt_attach_ops *ops = rt_attach_ops(rt->t->kind);
    return ops && ops->reverse;
}

/* Attaches so that blocks on the same event run in the order they were
 * written, as bpftrace does: most kinds in source order, then the kinds
 * whose kernel hooks run newest first, in reverse. */
static int attach_all(struct session *s) {
    int n = s->st.ntargets;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < n; k++) {
            struct rt_target *rt = &s->st.targets[pass ? n - 1 - k : k];
            if (attaches_reversed(rt) != (pass == 1))
                continue;
            if (rt_stop_requested() || attach_one(s, rt) < 0)
                return -1;
        }
    if (s->nkept == 0) {
        if (!s->opts->quiet)
            fprintf(s->opts->out, "No probes to attach\n");
        return -1;
    }
    if (s->opts->mode == RT_MODE_RUN && s->nattached + s->nfired == 0) {
        diag_plain_error(
            s->d, E_UNKNOWN_PROBE, "%s",
            s->nidle[RT_PHASE_TEST]    ? "No probes attached; use --test to run test probes."
            : s->nidle[RT_PHASE_BENCH] ? "No probes attached; use --bench to run benchmark probes."
                                       : "Attachment failed for all probes.");
        return -1;
    }
    return 0;
}

static void announce(const struct session *s) {
    int n = s->nattached + s->nfired;

    if (!s->opts->quiet)
        s->out.ops->attached_probes(&s->out, n);
    char state[64];
    snprintf(state, sizeof(state), "READY=1\nSTATUS=Tracing with %d probe%s", n, n == 1 ? "" : "s");
    rt_notify(state);
    /* bpftrace's test harness waits for this line before triggering events. */
    if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {
        fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stdout);
        fflush(stdout);
    }
}

/* Whether the process of -p or -c has exited. */
static bool traced_exited(const struct session *s) {
    struct pollfd p = {.fd = s->pidfd, .events = POLLIN};
    return s->pidfd >= 0 && poll(&p, 1, 0) == 1;
}

/* Streams events until exit(), a signal, the traced process's end, or, when nothing is attached
 * (BEGIN/END only), until BEGIN's output has been read. */
static void event_loop(struct session *s) {
    int code;

    while (!rt_stop_requested()) {
        int n = rt_events_poll(s->ev, s->nattached || s->pidfd >= 0 ? POLL_TIMEOUT_MS : 0);

        rt_events_check_lost(s->ev);
        out_stack_syms_settle();
        if (rt_sigusr1_take() && run_phase(s, RT_PHASE_SIGNAL) < 0)
            return;
        if (rt_events_exit_requested(s->ev, &code))
            return;
        if (n == 0 && s->nattached == 0 && s->pidfd < 0)
            return;
        if (traced_exited(s)) {
            rt_events_drain(s->ev);
            return;
        }
        if (n < 0 && n != -EINTR) {
            diag_plain_error(s->d, E_IO, "Reading events failed: %s", strerror(-n));
            return;
        }
    }
}

static void detach_at_exit(void *ctx) {
    rt_detach_all(&((struct session *)ctx)->st);
}

/* After the loop: detach first so nothing new arrives, then END, then the maps. */
static int finish(struct session *s) {
    int code = 0;

    rt_notify("STOPPING=1\nSTATUS=Stopping");
    rt_detach_all(&s->st);
    /* Nobody reads the output: bpftrace dies of SIGPIPE there, before END
     * and the maps; trawk does once everything is detached. */
    if (rt_events_reader_gone(s->ev)) {
        s->sigpipe = true;
        return 0;
    }
    /* Records that raced with exit() are dropped, as in bpftrace; after a
     * signal, what was already sent is still shown, for a while (events.c:
     * past STOP_GRACE the rest are dropped and reported as lost). */
    rt_events_drain(s->ev);
    rt_events_set_discard(s->ev, false);
    if (run_phase(s, RT_PHASE_AFTER) < 0)
        return 1;
    rt_events_drain(s->ev);
    rt_events_check_lost(s->ev);
    /* Repeated at the end so that it is not lost among the program's output. */
    if (rt_events_lost_total(s->ev) > 0 && !s->d->no_warnings)
        fprintf(stderr, "WARNING: Total lost event count: %llu\n",
                (unsigned long long)rt_events_lost_total(s->ev));
    rt_prom_lock();
    if (s->opts->mode == RT_MODE_RUN)
        out_dump_maps(&s->out, s->m, &s->opts->dump, s->m->print_maps_on_exit);
    else /* bench and test runs end with the blank lines but no maps, as bpftrace's */
        s->out.ops->end(&s->out);
    rt_prom_unlock();
    fflush(s->opts->out);
    /* exit() in END also counts; a signal alone exits with 0. */
    return rt_events_exit_requested(s->ev, &code) ? code : 0;
}

/* --mode bench/test: BEGIN (its output dropped, as bpftrace's), the
 * blocks one after the other, then END and the maps as after tracing. */
static int run_blocks(struct session *s) {
    enum rt_phase phase = s->opts->mode == RT_MODE_BENCH ? RT_PHASE_BENCH : RT_PHASE_TEST;
    int rc, code;

    rt_events_set_discard(s->ev, true);
    if (run_phase(s, RT_PHASE_BEFORE) < 0)
        return 1;
    rt_events_drain(s->ev);
    rt_events_clear_exit(s->ev);
    rc = rt_bench_run(&s->st, phase, s->ev, s->opts->out, s->d);
    if (rc < 0)
        return 1;
    if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {
        fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stdout);
        fflush(stdout);
    }
    code = finish(s);
    return rc ? rc : code;
}

static int run_loaded(struct session *s) {
    if (rt_events_open(s->m, &s->out,
                       (int)rt_buffer_pages(s->m->perf_rb_pages, s->m->streams, true), &s->ev,
                       s->d) < 0)
        return 1;
    if (s->opts->mode != RT_MODE_RUN) {
        if (attach_all(s) < 0)
            return 1;
        return s->opts->dry_run ? 0 : run_blocks(s);
    }
    if (!s->opts->dry_run && run_phase(s, RT_PHASE_BEFORE) < 0)
        return 1;
    if (attach_all(s) < 0)
        return 1;
    if (s->opts->dry_run)
        return 0;
    if (s->opts->prometheus && rt_prom_start(s->opts->prometheus, s->m, s->d) < 0)
        return 1;
    announce(s);
    if (s->opts->child && rt_child_release(s->opts->child) < 0) {
        diag_plain_error(s->d, E_IO, "Failed to start the child: %s", strerror(errno));
        return 1;
    }
    rt_events_on_exit(s->ev, detach_at_exit, s);
    event_loop(s);
    if (s->d->nerrors)
        return 1;
    return finish(s);
}

int rt_run(struct manifest *m, const struct rt_opts *opts, struct diag *d) {
    struct session s = {.m = m,
                        .opts = opts,
                        .d = d,
                        .pidfd = -1,
                        .out = out_sink_make(opts->out, opts->format, opts->buffered)};
    /* libbpf's default printer (stderr) stays for -v; passing NULL would silence it. */
    bool quiet_libbpf = !opts->verbose && !opts->libbpf_log;
    libbpf_print_fn_t old_print = quiet_libbpf ? libbpf_set_print(silent_print) : NULL;
    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
    struct rt_sigsave sigs;
    int rc = 1;

    s.out.diag = d;
    if (rt_dw_setup(m, opts, d) < 0)
        return 1;

    /* Older kernels charge BPF memory to RLIMIT_MEMLOCK; current ones to the
     * memory cgroup, and raising the limit may be refused: not an error. */
    setrlimit(RLIMIT_MEMLOCK, &unlimited);
    rt_fd_guard_low();
    if (rt_state_init(&s.st, m) < 0) {
        diag_plain_error(d, E_IO, "Out of memory");
        goto out;
    }
    s.st.verifier_out = opts->verifier_log ? stdout : NULL; /* bpftrace's stdout, not -o's */
    rt_size_ringbuf(m);
    rt_signals_install(&sigs);
    /* a process that is gone already ends the run once BEGIN has run */
    if (opts->pid > 0)
        s.pidfd = (int)syscall(SYS_pidfd_open, opts->pid, 0);
    out_stack_syms_configure(m);
    out_stack_syms_exe(m);
    if (rt_load_maps(m, d) == 0 && rt_load_progs(&s.st, opts->verbose, d) == 0)
        rc = run_loaded(&s);
    rt_prom_stop();
    rt_detach_all(&s.st);
    rt_events_close(s.ev);
    if (s.pidfd >= 0)
        close(s.pidfd);
    out_stack_syms_free();
    rt_unload(&s.st);
    rt_state_free(&s.st);
    rt_signals_restore(&sigs);
    rt_fd_guard_release();
out:
    if (quiet_libbpf)
        libbpf_set_print(old_print);
    if (s.sigpipe)
        rt_die_of_sigpipe();
    return rc;
}
