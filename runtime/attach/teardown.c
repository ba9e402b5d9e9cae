/* Detaching everything at exit.
 *
 * The kernel waits for an RCU grace period (tens of milliseconds here) both
 * when a BPF link leaves a perf event and when the last perf event of a
 * tracepoint goes away; for all syscall tracepoints that is half a minute
 * when done one after the other. Links wait outside any lock, so closing
 * them from several threads at once shares the grace periods. Perf events
 * wait under a global mutex; once the links are gone nothing of trawk's runs
 * any more, so when there are many perf events their closing is left to a
 * background process and trawk can print its maps and exit. */
#include <dirent.h>
#include <linux/membarrier.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach/attach.h"

/* Below this many perf events, closing them in place costs little. */
#define CLOSE_INLINE_MAX 8

static int gather_perf_fds(const struct rt_state *st, int **out) {
    int n = 0, cap = 0, *fds = NULL;
    for (int i = 0; i < st->ntargets; i++) {
        const struct rt_target *rt = &st->targets[i];
        for (int k = 0; k < rt->nperf_fds; k++) {
            if (n == cap) {
                int *bigger = realloc(fds, sizeof(*fds) * (size_t)(cap = cap ? cap * 2 : 64));
                if (!bigger)
                    break;
                fds = bigger;
            }
            fds[n++] = rt->perf_fds[k];
        }
    }
    *out = fds;
    return n;
}

static bool listed(int fd, const int *fds, int n) {
    for (int i = 0; i < n; i++)
        if (fds[i] == fd)
            return true;
    return false;
}

/* In the background process: keep only the perf events, then close them. */
static void close_in_background(const int *fds, int n) {
    DIR *dir = opendir("/proc/self/fd");
    if (dir) {
        struct dirent *e;
        int dfd = dirfd(dir);
        while ((e = readdir(dir)))
            if (e->d_name[0] != '.' && atoi(e->d_name) != dfd && !listed(atoi(e->d_name), fds, n))
                close(atoi(e->d_name));
        closedir(dir);
    }
    setsid();
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* Double fork, so the closer is nobody's child to wait for. */
static bool spawn_closer(const int *fds, int n) {
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        if (fork() == 0)
            close_in_background(fds, n);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    return true;
}

#define CLOSER_THREADS 256

struct link_closer {
    pthread_t thread;
    struct rt_state *st;
    int index, nthreads;
};

/* Closes the links of every nthreads-th target, starting at index. */
static void *close_link_share(void *arg) {
    struct link_closer *c = arg;
    for (int i = c->index; i < c->st->ntargets; i += c->nthreads)
        rt_close_links(&c->st->targets[i]);
    return NULL;
}

static void close_all_links(struct rt_state *st) {
    int nthreads = st->ntargets < CLOSER_THREADS ? st->ntargets : CLOSER_THREADS;
    struct link_closer closers[CLOSER_THREADS];
    int started = 0;
    for (int t = 1; t < nthreads; t++) {
        closers[t] = (struct link_closer){.st = st, .index = t, .nthreads = nthreads};
        if (pthread_create(&closers[t].thread, NULL, close_link_share, &closers[t]) != 0)
            break;
        started = t;
    }
    closers[0] = (struct link_closer){.st = st, .index = 0, .nthreads = nthreads ? nthreads : 1};
    close_link_share(&closers[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(closers[t].thread, NULL);
    /* shares whose thread failed to start */
    for (int t = started + 1; t < nthreads; t++) {
        closers[t] = (struct link_closer){.st = st, .index = t, .nthreads = nthreads};
        close_link_share(&closers[t]);
    }
}

/* At most this many uprobe links are closed one after the other. */
#define UPROBE_SERIAL_MAX 8

static bool is_uprobe(const struct rt_target *rt) {
    const struct rt_attach_ops *ops = rt_attach_ops(rt->t->kind);
    return ops == &rt_attach_uprobe || ops == &rt_attach_usdt;
}

/* bpftrace detaches one probe after the other in the order it attached
 * them, uprobes last and in reverse: closing a uretprobe's link waits
 * until the calls it caught return (a script's ur:main), and meanwhile the
 * probes after it still count. Scripts rely on that (bpftrace's
 * intcast."Sum casted retval" counts every call made before main returns),
 * so a few uprobe links close in that order before the rest in parallel. */
static void close_uprobes_in_order(struct rt_state *st) {
    int n = 0;
    for (int i = 0; i < st->ntargets; i++)
        n += is_uprobe(&st->targets[i]) && st->targets[i].nlink_fds > 0;
    if (n == 0 || n > UPROBE_SERIAL_MAX)
        return;
    for (int i = st->ntargets - 1; i >= 0; i--)
        if (is_uprobe(&st->targets[i]) && st->targets[i].nlink_fds > 0)
            rt_close_links(&st->targets[i]);
}

static bool attached_any(const struct rt_state *st) {
    for (int i = 0; i < st->ntargets; i++)
        if (st->targets[i].nlink_fds > 0 || st->targets[i].nperf_fds > 0)
            return true;
    return false;
}

/* A program the kernel started before its link went away may still run
 * (its vCPU paused by the host, say) and send records after the final
 * drain while it counts in a map: a few hundred events neither printed nor
 * counted lost. Programs run under RCU, so once a grace period has passed
 * after detaching (membarrier's global command waits for one) they have
 * all returned. */
static void wait_running_programs(void) {
    syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

/* Stops the perf events at once: closing their links waits for RCU (a
 * thread is started for that), and meanwhile a fast probe would still run,
 * after its exit() and an async clear() were already handled (bpftrace
 * detaches inside its exit handler). */
static void disable_perf_events(const struct rt_state *st) {
    for (int i = 0; i < st->ntargets; i++)
        for (int k = 0; k < st->targets[i].nperf_fds; k++)
            ioctl(st->targets[i].perf_fds[k], PERF_EVENT_IOC_DISABLE, 0);
}

void rt_detach_all(struct rt_state *st) {
    bool wait = attached_any(st);
    disable_perf_events(st);
    close_uprobes_in_order(st);
    close_all_links(st);
    int *fds = NULL;
    int n = gather_perf_fds(st, &fds);
    if (n > CLOSE_INLINE_MAX)
        spawn_closer(fds, n);
    free(fds);
    /* our copies close quickly when the background process holds the events */
    for (int i = 0; i < st->ntargets; i++)
        rt_detach_target(&st->targets[i]);
    if (wait)
        wait_running_programs();
}
