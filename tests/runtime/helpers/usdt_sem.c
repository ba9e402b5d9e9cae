/* tt:guarded, a USDT probe with a semaphore (its own file: sdt.h gives
 * every probe of a file a semaphore or none). The kernel raises the
 * semaphore while a tracer attaches the probe. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <sys/sdt.h>

unsigned short tt_guarded_semaphore __attribute__((unused, section(".probes")));

void usdt_guarded(int round);

void usdt_guarded(int round) {
    if (tt_guarded_semaphore) {
        printf("guarded enabled\n");
        DTRACE_PROBE1(tt, guarded, round);
    }
}
