/* Kernel function lists: available_filter_functions, else kallsyms. */
#include "sys/kfuncs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/tracefs.h"

static struct kfunc *funcs;
static int nfuncs = -1, cap;
static bool filtered;
static const char *user_file; /* --traceable-functions */
static char unread[512];      /* the list file that could not be read */
static int unread_errno;

bool kfuncs_unsafe(const char *name) {
    static const char *const exact[] = {"arch_cpu_idle", "default_idle", "bpf_dispatcher_xdp_func"};
    static const char *const prefix[] = {"rcu_", "__ftrace_invalid_address__"};
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strcmp(name, exact[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
        if (strncmp(name, prefix[i], strlen(prefix[i])) == 0)
            return true;
    return false;
}

/* Grows by doubling: the lists hold some 100,000 functions. */
static void add(const char *name, const char *module) {
    if (nfuncs == cap) {
        int want = cap ? cap * 2 : 4096;
        struct kfunc *g = realloc(funcs, sizeof(*g) * (size_t)want);
        if (!g)
            return;
        funcs = g, cap = want;
    }
    funcs[nfuncs++] = (struct kfunc){strdup(name), strdup(module)};
}

/* "NAME" or "NAME [MODULE]" (available_filter_functions), "ADDR T NAME
 * [MODULE]" (kallsyms, text symbols only). */
static void read_list(FILE *f, bool kallsyms) {
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char name[256], module[128] = "vmlinux", type = 'T';
        int n = kallsyms ? sscanf(line, "%*s %c %255s [%127[^]]]", &type, name, module)
                         : sscanf(line, "%255s [%127[^]]]", name, module);
        if (n < (kallsyms ? 2 : 1) || (type != 't' && type != 'T'))
            continue;
        /* kallsyms also has the padding before functions and their cold
         * parts, which ftrace does not list */
        if (kallsyms && (strncmp(name, "__pfx_", 6) == 0 || strstr(name, ".cold")))
            continue;
        if (kfuncs_unsafe(name))
            continue;
        add(name, module);
    }
}

static int cmp(const void *a, const void *b) {
    const struct kfunc *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->module, y->module);
}

void kfuncs_set_file(const char *path) {
    user_file = path;
}

const char *kfuncs_unread_file(bool *given, int *err) {
    const struct kfunc *f;
    kfuncs_list(&f, NULL);
    *given = user_file != NULL;
    *err = unread_errno;
    return unread[0] ? unread : NULL;
}

static void load(void) {
    char err[256], path[512];
    const char *dir = user_file ? NULL : tracefs_dir(err, sizeof(err));
    nfuncs = 0;
    snprintf(path, sizeof(path), "%s", user_file ? user_file : "");
    if (dir)
        snprintf(path, sizeof(path), "%s/available_filter_functions", dir);
    else if (!user_file) /* where bpftrace looks */
        snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/available_filter_functions");
    FILE *f = fopen(path, "re");
    filtered = f != NULL;
    if (!f) {
        unread_errno = errno;
        snprintf(unread, sizeof(unread), "%s", path);
    }
    if (!f && !user_file)
        f = fopen("/proc/kallsyms", "re");
    if (!f)
        return;
    read_list(f, !filtered);
    fclose(f);
    if (nfuncs > 1)
        qsort(funcs, (size_t)nfuncs, sizeof(*funcs), cmp);
}

int kfuncs_list(const struct kfunc **out, bool *from_filter) {
    if (nfuncs < 0)
        load();
    *out = funcs;
    if (from_filter)
        *from_filter = filtered;
    return nfuncs;
}

bool kfuncs_has(const char *module, const char *name) {
    const struct kfunc *f;
    int lo = 0, hi = kfuncs_list(&f, NULL);
    while (lo < hi) { /* the first entry named name */
        int mid = (lo + hi) / 2;
        if (strcmp(f[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < nfuncs && strcmp(f[i].name, name) == 0; i++)
        if (!module || strcmp(f[i].module, module) == 0)
            return true;
    return false;
}
