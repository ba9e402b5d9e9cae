/* Printing dw_ustack values: the record's registers and stack copy (see
 * TYPE_DW_STACK_* in types.h) unwound by runtime/dwunwind.c, then printed
 * as ustack prints its frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwunwind.h"
#include "stack.h"

static const char no_dwarf[] = "No DWARF unwind data available for this process. Use -p or "
                               "--dwarf-pid to specify target PIDs.";

static int resolve_user(void *ctx, uint64_t addr, struct rt_sym *sym) {
    return out_sym_lookup(*(const int *)ctx, addr, sym);
}

void out_fmt_dw_stack(struct out_str *s, const struct type *t, const void *p) {
    const uint8_t *b = p;
    uint64_t head[5]; /* pid, ip, sp, bp, bytes copied */
    memcpy(head, b, sizeof(head));
    struct rt_dw_stack in = {.pid = (int)head[0],
                             .ip = head[1],
                             .sp = head[2],
                             .bp = head[3],
                             .stack = b + TYPE_DW_STACK_HEADER,
                             .len = head[4] < TYPE_DW_STACK_BYTES ? head[4] : TYPE_DW_STACK_BYTES};
    int n = 0;
    uint64_t *ips = calloc(t->stack_limit + 1u, sizeof(*ips));
    if (!ips)
        abort();
    if (rt_dw_pid_known(in.pid))
        n = rt_dw_unwind(&in, ips, t->stack_limit);
    else
        fprintf(stderr, "WARNING: %s\n", no_dwarf);
    bool raw = t->stack_mode == STACK_RAW || t->stack_mode == STACK_BUILD_ID;
    out_stack_text(s, t->stack_mode, true, ips, n, raw ? NULL : resolve_user, &in.pid);
    free(ips);
}
