/* The symbol tables behind stack printing. They belong to the process
 * (like /proc/kallsyms, which they read), so they are kept here for the
 * whole run rather than threaded through every printer. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwunwind.h"
#include "ksyms.h"
#include "stack.h"
#include "sys/elfsyms.h"
#include "sys/monotonic.h"

struct pid_syms {
    int pid;
    struct rt_syms *syms; /* NULL: tried and failed */
    uint64_t modules;     /* maps_signature when syms was opened */
    double opened;        /* when syms was opened */
    double checked;       /* when the modules were last compared */
    int settled;          /* checks done after the opening (SETTLE_AFTER) */
};

/* A process's executable files are read when its first stack arrives,
 * which can be before the dynamic loader mapped its libraries (or in the
 * middle of exec), and it may dlopen more later: a miss compares the
 * modules with those the tables were opened with, at most this often
 * (a print of many unnamed frames reads /proc/PID/maps a few times, not
 * once per frame). */
#define MODULES_CHECK_INTERVAL 0.01
/* Seconds after the opening at which the event loop compares the modules
 * again, so that a process which exits soon after its first stack keeps
 * names for the modules it mapped after that stack. */
static const double SETTLE_AFTER[] = {0.05, 0.5};

static bool reread_always;     /* config cache_user_symbols = NONE */
static struct out_ksyms ksyms; /* the kernel's, for stacks and ksym */
static int ksyms_state;        /* 0 not read, 1 read, -1 unreadable */
static struct pid_syms *procs;
static int nprocs, cap_procs;
/* The one non-PIE executable the uprobes name: its symbol table names the
 * frames of a process that is gone (or in another pid namespace), as
 * bpftrace names them from the probe's binary. */
static struct elfsyms exe_syms;
static char *exe_path;

/* The path every uprobe and USDT target shares, NULL when they name
 * several files (a frame could then belong to any of them). */
static const char *single_uprobe_path(const struct manifest *m) {
    const char *path = NULL;
    for (int p = 0; m && p < m->nprogs; p++)
        for (int i = 0; i < m->progs[p].ntargets; i++) {
            const struct attach_target *t = &m->progs[p].targets[i];
            bool user = t->kind == PK_UPROBE || t->kind == PK_URETPROBE || t->kind == PK_USDT;
            if (!user || !t->spec.path)
                continue;
            if (path && strcmp(path, t->spec.path) != 0)
                return NULL;
            path = t->spec.path;
        }
    return path;
}

void out_stack_syms_configure(const struct manifest *m) {
    rt_syms_configure(m->cpp_demangle, m->lazy_symbolication);
    reread_always = m->user_sym_cache == SYM_CACHE_NONE;
}

void out_stack_syms_exe(const struct manifest *m) {
    char err[64];
    const char *path = single_uprobe_path(m);
    free(exe_path);
    exe_path = NULL;
    elfsyms_free(&exe_syms);
    if (!path || elfsyms_read(path, &exe_syms, err, sizeof(err)) < 0)
        return;
    if (!exe_syms.fixed || !(exe_path = strdup(path)))
        elfsyms_free(&exe_syms);
}

/* Whether pid's frames may be named from the executable: it runs that
 * file, or its executable can no longer be read (it exited, or it is an
 * exiting zombie, or it lives in another pid namespace). */
static bool runs_exe_or_gone(int pid) {
    char link[32], exe[PATH_MAX], want[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/%d/exe", pid);
    ssize_t n = readlink(link, exe, sizeof(exe) - 1);
    if (n < 0)
        return true;
    exe[n] = 0;
    return realpath(exe_path, want) && strcmp(want, exe) == 0;
}

static int exe_lookup(int pid, uint64_t addr, struct rt_sym *sym) {
    const struct elfsym *e = exe_path ? elfsyms_at(&exe_syms, addr) : NULL;
    if (!e || !runs_exe_or_gone(pid))
        return -1;
    snprintf(sym->name, sizeof(sym->name), "%s", e->name);
    sym->offset = addr - e->addr;
    sym->module = exe_path;
    return 0;
}

/* A hash of pid's file-backed executable mappings (/proc/PID/maps lines
 * with x and a path), 0 when they cannot be read. Anonymous mappings are
 * left out: a JIT runtime changes those all the time. */
static uint64_t maps_signature(int pid) {
    char path[32], line[PATH_MAX + 128];
    snprintf(path, sizeof(path), "/proc/%d/maps", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    while (fgets(line, sizeof(line), f)) {
        char perms[8];
        if (sscanf(line, "%*s %7s", perms) != 1 || !strchr(perms, 'x') || !strchr(line, '/'))
            continue;
        for (const char *c = line; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ull;
    }
    fclose(f);
    return h;
}

static void open_syms(struct pid_syms *p) {
    p->opened = p->checked = sys_monotonic_seconds();
    p->modules = maps_signature(p->pid);
    p->syms = rt_syms_open(p->pid);
}

/* Reopens p's tables when the process runs other modules
 * now than when they were read. A process that is gone keeps the tables
 * it had, so its frames keep their names. */
static bool modules_changed(struct pid_syms *p, double now) {
    p->checked = now;
    uint64_t modules = maps_signature(p->pid);
    if (modules == 0 || modules == p->modules)
        return false;
    struct rt_syms *fresh = rt_syms_open(p->pid);
    if (!fresh)
        return false;
    rt_syms_close(p->syms);
    p->syms = fresh;
    p->modules = modules;
    return true;
}

static bool reopened(struct pid_syms *p) {
    double now = sys_monotonic_seconds();
    return now - p->checked >= MODULES_CHECK_INTERVAL && modules_changed(p, now);
}

void out_stack_syms_settle(void) {
    double now = -1;
    for (int i = 0; i < nprocs; i++) {
        struct pid_syms *p = &procs[i];
        if (!p->syms || p->settled >= (int)(sizeof(SETTLE_AFTER) / sizeof(SETTLE_AFTER[0])))
            continue;
        if (now < 0)
            now = sys_monotonic_seconds();
        if (now - p->opened >= SETTLE_AFTER[p->settled]) {
            p->settled++;
            modules_changed(p, now);
        }
    }
}

static struct pid_syms *process_syms(int pid) {
    for (int i = 0; i < nprocs; i++)
        if (procs[i].pid == pid) {
            struct rt_syms *fresh = reread_always ? rt_syms_open(pid) : NULL;
            if (fresh) { /* a process that is gone keeps its last tables */
                rt_syms_close(procs[i].syms);
                procs[i].syms = fresh;
            }
            return &procs[i];
        }
    if (nprocs == cap_procs) {
        int cap = cap_procs ? cap_procs * 2 : 16;
        struct pid_syms *p = realloc(procs, (size_t)cap * sizeof(*p));
        if (!p)
            return NULL;
        procs = p;
        cap_procs = cap;
    }
    procs[nprocs] = (struct pid_syms){.pid = pid};
    open_syms(&procs[nprocs]);
    return &procs[nprocs++];
}

int out_sym_lookup(int pid, uint64_t addr, struct rt_sym *sym) {
    if (pid > 0) {
        struct pid_syms *p = process_syms(pid);
        if (p && p->syms && rt_syms_lookup(p->syms, addr, sym) == 0)
            return 0;
        if (p && reopened(p) && rt_syms_lookup(p->syms, addr, sym) == 0)
            return 0;
        return exe_lookup(pid, addr, sym);
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
    rt_dw_free();
    ksyms_state = 0;
    out_stack_syms_exe(NULL);
}
