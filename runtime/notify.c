/* sd_notify through libsystemd, loaded on demand: only a run under a service
 * manager (NOTIFY_SOCKET set) pays for loading libsystemd and the half-dozen
 * libraries it needs, not every trawk start. */
#include "notify.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*sd_notify_fn)(int unset_environment, const char *state);

static sd_notify_fn load_sd_notify(void) {
    static sd_notify_fn fn;
    static int tried;
    if (tried)
        return fn;
    tried = 1;
    void *lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib)
        fn = (sd_notify_fn)(void (*)(void))dlsym(lib, "sd_notify");
    if (!fn)
        fprintf(stderr,
                "WARNING: NOTIFY_SOCKET is set but libsystemd.so.0 cannot be loaded (%s): "
                "the service manager will not be told that tracing started\n",
                dlerror());
    return fn;
}

void rt_notify(const char *state) {
    if (!getenv("NOTIFY_SOCKET"))
        return;
    sd_notify_fn fn = load_sd_notify();
    if (fn && fn(0, state) < 0)
        fprintf(stderr, "WARNING: sd_notify failed\n");
}
