/* The -c command: fork, ptrace the child to its exec, release it later. */
#include "child.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/binpath.h"

struct rt_child {
    pid_t pid;
    bool running; /* not reaped yet */
    char **argv;
    char *words;
};

/* "a b  c" -> {"a", "b", "c", NULL}: bpftrace splits on single spaces and
 * drops the empty words. */
static char **split_words(char *words) {
    size_t n = 0;
    char **argv = calloc(strlen(words) / 2 + 2, sizeof(*argv));
    for (char *save = NULL, *w = strtok_r(words, " ", &save); argv && w;
         w = strtok_r(NULL, " ", &save))
        argv[n++] = w;
    return argv;
}

/* In the child: stop for the parent, which then follows the exec. */
static void child_main(const char *path, char **argv) {
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 || raise(SIGSTOP) != 0)
        _exit(127);
    execv(path, argv);
    _exit(127);
}

/* Waits until the child stops with status want (a waitpid status >> 8);
 * other signals are passed on. Returns 0, -1 when it exited. */
static int wait_stop(struct rt_child *c, int want) {
    for (;;) {
        int status;
        if (waitpid(c->pid, &status, 0) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            c->running = false;
            return -1;
        }
        if (WIFSTOPPED(status) && status >> 8 == want)
            return 0;
        if (WIFSTOPPED(status))
            ptrace(PTRACE_CONT, c->pid, NULL, (void *)(long)WSTOPSIG(status));
    }
}

static int follow_exec(struct rt_child *c) {
    if (wait_stop(c, SIGSTOP) < 0)
        return -1;
    if (ptrace(PTRACE_SETOPTIONS, c->pid, NULL,
               (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0 ||
        ptrace(PTRACE_CONT, c->pid, NULL, NULL) < 0)
        return -1;
    return wait_stop(c, SIGTRAP | (PTRACE_EVENT_EXEC << 8));
}

struct rt_child *rt_child_start(const char *cmd) {
    struct rt_child *c = calloc(1, sizeof(*c));
    char path[PATH_MAX];
    if (!c || !(c->words = strdup(cmd)) || !(c->argv = split_words(c->words)))
        goto nomem;
    if (!c->argv[0] || binpath_resolve(c->argv[0], 0, path, sizeof(path)) < 0 ||
        access(path, X_OK) != 0) {
        fprintf(stderr,
                "ERROR: Failed to fork child: Path '%s' does not exist or is not executable "
                "(No such file or directory)\n",
                c->argv[0] ? c->argv[0] : "");
        rt_child_finish(c);
        return NULL;
    }
    fflush(NULL);
    c->pid = fork();
    if (c->pid == 0)
        child_main(path, c->argv);
    c->running = c->pid > 0;
    if (c->pid < 0 || follow_exec(c) < 0) {
        fprintf(stderr, "ERROR: Failed to fork child: %s\n",
                c->pid < 0 ? strerror(errno) : "the command did not start");
        rt_child_finish(c);
        return NULL;
    }
    return c;
nomem:
    fprintf(stderr, "ERROR: Failed to fork child: %s\n", strerror(ENOMEM));
    rt_child_finish(c);
    return NULL;
}

int rt_child_pid(const struct rt_child *c) {
    return c->pid;
}

int rt_child_release(struct rt_child *c) {
    return ptrace(PTRACE_DETACH, c->pid, NULL, NULL);
}

void rt_child_finish(struct rt_child *c) {
    if (!c)
        return;
    if (c->running && waitpid(c->pid, NULL, WNOHANG) == 0) {
        kill(c->pid, SIGTERM);
        for (int i = 0; i < 50 && waitpid(c->pid, NULL, WNOHANG) == 0; i++)
            usleep(10000);
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
    }
    free(c->argv);
    free(c->words);
    free(c);
}

int rt_pidfd_open(int pid) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        fprintf(stderr, "ERROR: Failed to attach to pid: Unable to open pidfd (%s)\n",
                strerror(errno));
    return fd;
}
