/* Ctrl-C and SIGTERM end the event loop; SIGUSR1 runs self:signal blocks. The handler only sets a
 * flag; the loop notices it because the blocked epoll_wait returns EINTR (it does whatever
 * SA_RESTART says) or at the next poll timeout. The handlers have SA_RESTART, as bpftrace's: a
 * write to a full output pipe interrupted by Ctrl-C would fail with EINTR, and stdio drops the
 * buffer whose write failed (hundreds of printed lines lost at exit). */
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "rt_internal.h"

/* The only mutable globals of the runtime: a signal handler has nowhere else to write. */
static volatile sig_atomic_t stop_flag, usr1_flag;

static void on_usr1(int sig) {
    (void)sig;
    usr1_flag = 1;
}

static void on_stop_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

void rt_signals_install(struct rt_sigsave *save) {
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    stop_flag = 0;
    sigaction(SIGINT, &sa, &save->sigint);
    sigaction(SIGTERM, &sa, &save->sigterm);
    /* as bpftrace: SIGUSR1 runs the self:signal:SIGUSR1 blocks, never kills */
    sa.sa_handler = on_usr1;
    usr1_flag = 0;
    sigaction(SIGUSR1, &sa, &save->sigusr1);
    /* A closed output pipe (trawk ... | head) must end tracing through the
     * normal exit, which detaches quickly, not kill the process: the kernel
     * would then detach the probes one grace period at a time. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &save->sigpipe);
}

void rt_signals_restore(const struct rt_sigsave *save) {
    sigaction(SIGINT, &save->sigint, NULL);
    sigaction(SIGTERM, &save->sigterm, NULL);
    sigaction(SIGPIPE, &save->sigpipe, NULL);
    sigaction(SIGUSR1, &save->sigusr1, NULL);
}

bool rt_sigusr1_take(void) {
    if (!usr1_flag)
        return false;
    usr1_flag = 0;
    return true;
}

void rt_request_stop(void) {
    stop_flag = 1;
}

bool rt_stop_requested(void) {
    return stop_flag != 0;
}

void rt_die_of_sigpipe(void) {
    struct sigaction now;
    /* a SIGPIPE the caller ignores would not have ended bpftrace either */
    if (sigaction(SIGPIPE, NULL, &now) == 0 && now.sa_handler == SIG_IGN)
        return;
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &pipe, NULL);
    raise(SIGPIPE);
}
