/* Spins in user space through functions with known names, for the profile
 * and flame graph tests: "busyloop SECONDS [jit COMM]". main calls
 * flame_outer, which calls flame_inner (most of the time) and flame_side.
 * With "jit" it runs a loop from an anonymous executable mapping instead,
 * named only by the perf map /tmp/perf-PID.map that it writes, as JIT
 * runtimes do (and removes at exit); then it takes the name COMM, so that a
 * test selects it only once the map exists. Built with -fno-omit-frame-pointer; its comm is its
 * file name, so each test builds its own copy. SECONDS is multiplied by the
 * runner's TRAWK_TIMEOUT_SCALE: under the VM's emulation the loader alone
 * takes seconds, and the tests end on samples of the loop, not on time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) void flame_inner(void) {
    for (int i = 0; i < 3000000; i++)
        sink += (unsigned long)i;
}

__attribute__((noinline)) void flame_side(void) {
    for (int i = 0; i < 1000000; i++)
        sink ^= (unsigned long)i;
}

__attribute__((noinline)) void flame_outer(void) {
    flame_inner();
    flame_side();
}

/* x86-64: mov rax, rdi; 1: dec rax; jnz 1b; ret */
static const unsigned char jit_code[] = {0x48, 0x89, 0xf8, 0x48, 0xff, 0xc8, 0x75, 0xfb, 0xc3};

static char perf_map[64];

static void remove_perf_map(void) {
    unlink(perf_map);
}

typedef void (*jit_fn)(long);

static jit_fn make_jit(void) {
    void *p =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    memcpy(p, jit_code, sizeof(jit_code));
    snprintf(perf_map, sizeof(perf_map), "/tmp/perf-%d.map", (int)getpid());
    FILE *f = fopen(perf_map, "w");
    if (!f)
        return NULL;
    fprintf(f, "%lx %zx trawk_jit_spin\n", (unsigned long)p, sizeof(jit_code));
    fclose(f);
    atexit(remove_perf_map);
    return (jit_fn)p;
}

int main(int argc, char **argv) {
    const char *scale = getenv("TRAWK_TIMEOUT_SCALE");
    double end = now() + (argc > 1 ? atof(argv[1]) : 1) * (scale ? atof(scale) : 1);
    jit_fn jit = argc > 2 && strcmp(argv[2], "jit") == 0 ? make_jit() : NULL;
    if (argc > 2 && (!jit || argc < 4 || prctl(PR_SET_NAME, argv[3]) != 0))
        return 1;
    while (now() < end) {
        if (jit)
            jit(20000000);
        else
            flame_outer();
    }
    return 0;
}
