/* The symbol tables behind stack printing. They belong to the process
 * (like /proc/kallsyms, which they read), so they are kept here for the
 * whole run rather than threaded through every printer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "stack.h"

struct pid_syms {
    int pid;
    struct rt_syms *syms; /* NULL: tried and failed, not tried again */
};

static struct out_ksyms ksyms; /* the kernel's, for stacks and ksym */
static int ksyms_state;        /* 0 not read, 1 read, -1 unreadable */
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

int out_sym_lookup(int pid, uint64_t addr, struct rt_sym *sym) {
    if (pid > 0) {
        struct rt_syms *syms = process_syms(pid);
        return syms ? rt_syms_lookup(syms, addr, sym) : -1;
    }
    if (ksyms_state == 0)
        ksyms_state = out_ksyms_load(&ksyms, NULL) == 0 ? 1 : -1;
    const char *name = ksyms_state > 0 ? out_ksyms_lookup(&ksyms, addr, &sym->offset) : NULL;
    if (!name)
        return -1;
    size_t len = strnlen(name, sizeof(sym->name) - 1);
    memcpy(sym->name, name, len);
    sym->name[len] = 0;
    sym->module = NULL;
    return 0;
}

void out_stack_syms_free(void) {
    for (int i = 0; i < nprocs; i++)
        rt_syms_close(procs[i].syms);
    free(procs);
    procs = NULL;
    nprocs = cap_procs = 0;
    out_ksyms_free(&ksyms);
    ksyms_state = 0;
}
