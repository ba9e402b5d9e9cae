/* USDT probes for the runtime tests (tests/runtime/cases/usdt.test), built
 * with -O0 and -O2 so that sdt.h's operands take different forms: stack
 * memory at -O0, registers and constants at -O2, indexed memory for an
 * array element. tt:twice has two locations; tt:guarded (usdt_sem.c, built
 * with this file) has a semaphore. Usage: usdt_prog [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

void usdt_guarded(int round);

static const char *const words[] = {"zero", "one", "two"};

__attribute__((noinline)) static void plain(int round, long big, const char *word) {
    signed char small = (signed char)-round;
    unsigned short wide = (unsigned short)(60000 + round);
    if (!word[0]) /* touch the string: BPF cannot fault its page in */
        return;
    DTRACE_PROBE6(tt, plain, round, big, word, small, wide, -5);
}

__attribute__((noinline)) static void indexed(long *values, volatile int i) {
    DTRACE_PROBE2(tt, indexed, values[i], i);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    long values[4] = {10, 20, 30, 40};
    for (int r = 1; r <= rounds; r++) {
        plain(r, 1L << (32 + r), words[r % 3]);
        indexed(values, r % 4);
        usdt_guarded(r);
        DTRACE_PROBE1(tt, twice, 1);
        DTRACE_PROBE1(tt, twice, 2);
    }
    fflush(stdout);
    return 0;
}
