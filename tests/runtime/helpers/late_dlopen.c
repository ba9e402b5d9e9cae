/* A process that loads a library after its first stack was taken:
 * "late_dlopen LIB". main calls early_marker (a uprobe there takes the
 * process's first ustack), waits half a second (times the runner's
 * TRAWK_TIMEOUT_SCALE) so the tracer has read its modules, then dlopens
 * LIB (helpers/late_lib.c) and calls late_lib_entry, which calls back
 * late_marker: the stack there holds frames of a module the process did
 * not have when its symbols were first read, as a plugin or a Python
 * extension module would. Built with -fno-omit-frame-pointer. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile int sink;

__attribute__((noinline)) void early_marker(void) {
    sink++;
}

__attribute__((noinline)) void late_marker(void) {
    sink++;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: late_dlopen LIB\n");
        return 2;
    }
    const char *scale = getenv("TRAWK_TIMEOUT_SCALE");
    double wait = 0.5 * (scale ? atof(scale) : 1.0);
    early_marker();
    struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
    nanosleep(&ts, NULL);
    void *lib = dlopen(argv[1], RTLD_NOW);
    void (*entry)(void (*)(void)) =
        lib ? (void (*)(void (*)(void)))dlsym(lib, "late_lib_entry") : NULL;
    if (!entry) {
        fprintf(stderr, "late_dlopen: %s\n", dlerror());
        return 1;
    }
    entry(late_marker);
    nanosleep(&ts, NULL); /* alive while the tracer prints */
    return 0;
}
