/* Calls getppid() through functions with known names, for the ustack and
 * kstack tests: "stackcall [SECONDS [LINGER]]" calls once, or keeps calling
 * for SECONDS (times the runner's TRAWK_TIMEOUT_SCALE: slower machines get
 * the same number of calls), then sleeps LINGER seconds before it exits. Built with
 * -fno-omit-frame-pointer so the kernel can walk its stack.
 * Its comm is its file name, so each test builds its own copy. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) int stack_leaf(void) {
    return getppid();
}

__attribute__((noinline)) int stack_middle(void) {
    return stack_leaf() + 1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    const char *scale = getenv("TRAWK_TIMEOUT_SCALE");
    double end = now() + (argc > 1 ? atof(argv[1]) : 0) * (scale ? atof(scale) : 1);
    int sum = 0;
    do
        sum += stack_middle();
    while (now() < end);
    if (argc > 2)
        usleep((useconds_t)(atof(argv[2]) * 1e6));
    return sum == 0;
}
