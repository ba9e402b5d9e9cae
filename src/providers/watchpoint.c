/* watchpoint:ADDR:LEN:MODE: a breakpoint-PMU event on an address, in the
 * threads of -p/-c or, without them, on every CPU (a kernel address). */
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"

/* The HW_BREAKPOINT_* bits of a mode such as "rw"; 0 when invalid. */
static uint64_t parse_mode(const char *mode) {
    uint64_t bits = 0;
    if (!*mode || strlen(mode) > 3)
        return 0;
    for (const char *c = mode; *c; c++) {
        uint64_t b = *c == 'r'   ? HW_BREAKPOINT_R
                     : *c == 'w' ? HW_BREAKPOINT_W
                     : *c == 'x' ? HW_BREAKPOINT_X
                                 : 0;
        if (!b || (bits & b))
            return 0;
        bits |= b;
    }
    return bits;
}

static int expand_watchpoint(const char *spec, const struct loc *loc, struct diag *d,
                             struct attach_target **targets, int *ntargets) {
    int parts = provider_count_parts(spec);
    if (parts != 3) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "watchpoint probe type requires 3 arguments, found %d",
                   parts);
        return -1;
    }
    const char *c1 = strchr(spec, ':'), *c2 = strchr(c1 + 1, ':');
    char addr_text[64], len_text[32], why[128];
    snprintf(addr_text, sizeof(addr_text), "%.*s", (int)(c1 - spec), spec);
    snprintf(len_text, sizeof(len_text), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
    uint64_t addr, len;
    if (provider_parse_uint(addr_text, &addr, why, sizeof(why)) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid function/address argument: %s", why);
        return -1;
    }
    if (provider_parse_uint(len_text, &len, why, sizeof(why)) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid length argument: %s", why);
        return -1;
    }
    if (len != 1 && len != 2 && len != 4 && len != 8) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "watchpoint length must be one of (1,2,4,8)");
        return -1;
    }
    uint64_t mode = parse_mode(c2 + 1);
    if (!mode) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "watchpoint mode must be combination of (r,w,x)");
        return -1;
    }
    char rest[128];
    snprintf(rest, sizeof(rest), "0x%llx:%llu:%s", (unsigned long long)addr,
             (unsigned long long)len, c2 + 1);
    struct attach_target *t =
        provider_add_target(targets, ntargets, PK_WATCHPOINT, "watchpoint", rest);
    if (!t)
        return -1;
    t->spec.address = addr;
    /* an execute breakpoint covers one instruction: the kernel wants sizeof(long) */
    t->spec.length = (mode & HW_BREAKPOINT_X) ? sizeof(long) : len;
    t->spec.perf_type = PERF_TYPE_BREAKPOINT;
    t->spec.perf_config = mode;
    t->spec.pid = provider_pid();
    t->spec.every_cpu = true;
    return 1;
}

const struct provider provider_watchpoint = {
    .name = "watchpoint",
    .aliases = {"w", NULL},
    .kind = PK_WATCHPOINT,
    .prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .expand = expand_watchpoint,
    .list_target = provider_list_nothing,
};
