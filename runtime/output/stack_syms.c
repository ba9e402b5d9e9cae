/* The symbol tables behind stack printing. They belong to the process
 * (like /proc/kallsyms, which they read), so they are kept here for the
 * whole run rather than threaded through every printer. */
#include <stdlib.h>

#include "stack.h"

struct pid_syms {
    int pid;
    struct rt_syms *syms; /* NULL: tried and failed, not tried again */
};

static struct rt_syms *kernel_syms;
static bool kernel_tried;
static struct pid_syms *procs;
static int nprocs, cap_procs;

static struct rt_syms *process_syms(int pid) {
    for (int i = 0; i < nprocs; i++)
        if (procs[i].pid == pid)
            return procs[i].syms;
    if (nprocs == cap_procs) {
        int cap = cap_procs ? cap_procs * 2 : 16;
        struct pid_syms *p = realloc(procs, (size_t)cap * sizeof(*p));
        if (!p)
            return NULL;
        procs = p;
        cap_procs = cap;
    }
    procs[nprocs] = (struct pid_syms){.pid = pid, .syms = rt_syms_open(pid)};
    return procs[nprocs++].syms;
}

struct rt_syms *out_stack_syms(int pid) {
    if (pid > 0)
        return process_syms(pid);
    if (!kernel_tried) {
        kernel_syms = rt_syms_open(-1);
        kernel_tried = true;
    }
    return kernel_syms;
}

void out_stack_syms_free(void) {
    for (int i = 0; i < nprocs; i++)
        rt_syms_close(procs[i].syms);
    free(procs);
    procs = NULL;
    nprocs = cap_procs = 0;
    rt_syms_close(kernel_syms);
    kernel_syms = NULL;
    kernel_tried = false;
}
