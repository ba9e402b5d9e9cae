#include "syms.h"

#include "rt_internal.h"

#include <bcc/bcc_syms.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

struct rt_syms {
    void *cache;
    int pid;
};

/* config cpp_demangle and lazy_symbolication (bpftrace's defaults) */
static bool demangle = true;
static struct bcc_symbol_option options = {
    .use_debug_file = 1,
    .check_debug_file_crc = 1,
    .lazy_symbolize = 1,
    .use_symbol_type = BCC_SYM_ALL_TYPES,
};

void rt_syms_configure(bool cpp_demangle, bool lazy) {
    demangle = cpp_demangle;
    options.lazy_symbolize = lazy;
}

static int resolve(struct rt_syms *s, uint64_t addr, struct bcc_symbol *sym) {
    int rc = demangle ? bcc_symcache_resolve(s->cache, addr, sym)
                      : bcc_symcache_resolve_no_demangle(s->cache, addr, sym);
    if (rc != 0 || !sym->name) {
        bcc_symbol_free_demangle_name(sym);
        return -1;
    }
    return 0;
}

struct rt_syms *rt_syms_open(int pid) {
    /* A process that is gone has nothing to scan (and bcc's scan of one
     * that goes mid-way closes a descriptor it does not own). */
    if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
        return NULL;
    struct rt_syms *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->pid = pid;
    s->cache = bcc_symcache_new(pid, &options);
    rt_fd_guard_refill();
    if (!s->cache) {
        free(s);
        return NULL;
    }
    return s;
}

int rt_syms_resolve(struct rt_syms *s, uint64_t addr, char *buf, size_t size) {
    struct bcc_symbol sym = {0};
    if (resolve(s, addr, &sym) != 0)
        return -1;
    const char *name = sym.demangle_name ? sym.demangle_name : sym.name;
    if (sym.offset)
        snprintf(buf, size, "%s+0x%llx", name, (unsigned long long)sym.offset);
    else
        snprintf(buf, size, "%s", name);
    bcc_symbol_free_demangle_name(&sym);
    return 0;
}

int rt_syms_lookup(struct rt_syms *s, uint64_t addr, struct rt_sym *out) {
    struct bcc_symbol sym = {0};
    if (resolve(s, addr, &sym) != 0)
        return -1;
    snprintf(out->name, sizeof(out->name), "%s", sym.demangle_name ? sym.demangle_name : sym.name);
    out->offset = sym.offset;
    out->module = sym.module;
    bcc_symbol_free_demangle_name(&sym);
    return 0;
}

void rt_syms_close(struct rt_syms *s) {
    if (!s)
        return;
    bcc_free_symcache(s->cache, s->pid);
    free(s);
}
