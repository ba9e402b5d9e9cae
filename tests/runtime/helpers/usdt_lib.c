/* A shared library with a USDT probe (ttlib:fire), for the runtime tests:
 * probes in libraries sit at file offsets of the library. */
#include <sys/sdt.h>

int usdt_lib_fire(int value);

int usdt_lib_fire(int value) {
    DTRACE_PROBE2(ttlib, fire, value, value * 2);
    return value;
}
