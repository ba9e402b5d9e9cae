/* A USDT probe whose name holds double quotes ("probe1", quotes included),
 * which a script can only name quoted with escapes. */
#include <sys/sdt.h>

int main(void) {
    volatile int a = 7;
    DTRACE_PROBE1(test, "probe1", a);
    return 0;
}
