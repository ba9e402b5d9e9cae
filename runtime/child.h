/* -c CMD: the traced command, started stopped at its first instruction
 * (just after execve, through ptrace) so that probes are attached before
 * it runs, then released. As bpftrace, the command is split on spaces and
 * run without a shell. */
#ifndef TRAWK_RT_CHILD_H
#define TRAWK_RT_CHILD_H

struct rt_child;

/* Starts cmd stopped. Returns NULL after printing bpftrace's error. */
struct rt_child *rt_child_start(const char *cmd);
int rt_child_pid(const struct rt_child *c);
/* Lets the command run. Returns 0, -1 when it cannot be resumed. */
int rt_child_release(struct rt_child *c);
/* Ends the command if it still runs (SIGTERM, then SIGKILL), reaps it and
 * frees c. NULL is accepted. */
void rt_child_finish(struct rt_child *c);

/* A pidfd for pid that becomes readable when it exits, or -1 after
 * printing bpftrace's error (-p with a PID that does not exist). */
int rt_pidfd_open(int pid);

#endif
