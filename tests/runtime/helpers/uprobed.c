/* Functions with known arguments and return values for the uprobe tests.
 * Run as: uprobed [DELAY_S [COUNT [LINGER_S]]]: sleeps DELAY_S (default 0)
 * so that a tracer can attach by PID, calls each function COUNT times
 * (default 1), then lives LINGER_S more (for symbols read while it runs). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Data symbols of known sizes and values, for uaddr(). */
__attribute__((used)) unsigned short up_global16 = 0x1234;
__attribute__((used)) unsigned long up_global64 = 0x1122334455667788UL;

/* noinline and used: each stays a real call with its own symbol */
__attribute__((noinline, used)) int up_add(int a, int b) {
    return a + b;
}

__attribute__((noinline, used)) long up_mul3(long a, long b, long c) {
    return a * b * c;
}

__attribute__((noinline, used)) size_t up_strlen(const char *s) {
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

__attribute__((noinline, used)) int up_six(int a, int b, int c, int d, int e, int f) {
    return a + b + c + d + e + f;
}

int main(int argc, char **argv) {
    double delay = argc > 1 ? atof(argv[1]) : 0;
    int count = argc > 2 ? atoi(argv[2]) : 1;
    long sum = 0;
    /* on the stack, so that its page is present when the probe reads it */
    char msg[] = "hello uprobe";
    if (delay > 0)
        usleep((useconds_t)(delay * 1e6));
    for (int i = 0; i < count; i++) {
        sum += up_add(3, 4);
        sum += up_mul3(2, 3, 7);
        sum += (long)up_strlen(msg);
        sum += up_six(1, 2, 3, 4, 5, 6);
        sum += getpid() > 0;
    }
    printf("%ld\n", sum);
    fflush(stdout);
    if (argc > 3)
        usleep((useconds_t)(atof(argv[3]) * 1e6));
    return 0;
}
