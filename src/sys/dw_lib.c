/* dlopen of libdw (see dw_lib.h). */
#include "sys/dw_lib.h"

#include <dlfcn.h>
#include <stdio.h>

static struct dw_lib lib;
static int state; /* 0 not tried, 1 loaded, -1 missing */

static int load(void) {
    void *h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return -1;
    int missing = 0;
#define DW_LIB_SYM(name) missing |= !(*(void **)&lib.name = dlsym(h, #name));
    DW_LIB_FUNCS(DW_LIB_SYM)
#undef DW_LIB_SYM
    if (missing) {
        dlclose(h);
        return -1;
    }
    lib.callbacks.find_elf = lib.dwfl_linux_proc_find_elf;
    lib.callbacks.find_debuginfo = lib.dwfl_standard_find_debuginfo;
    return 0;
}

const struct dw_lib *dw_lib_get(const char *who) {
    if (state == 0) {
        state = load() == 0 ? 1 : -1;
        if (state < 0)
            fprintf(stderr, "WARNING: %s: cannot load libdw.so.1 (elfutils): %s\n", who,
                    dlerror() ? dlerror() : "missing symbols");
    }
    return state > 0 ? &lib : NULL;
}
