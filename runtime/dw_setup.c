/* dw_ustack reads the unwind data of the processes named on the command
 * line (-p, -c, --dwarf-pid), as bpftrace does; a program that uses it
 * without one is refused before anything is loaded. */
#include "dwunwind.h"
#include "rt_internal.h"
#include "runtime.h"

static bool uses_dw_ustack(const struct manifest *m) {
    for (int e = 0; e < m->nevents; e++)
        for (int a = 0; a < m->events[e].nargs; a++) {
            const struct type *t = m->events[e].args[a].ty;
            if (t && t->kind == T_STACK && t->stack_dwarf)
                return true;
        }
    return false;
}

int rt_dw_setup(const struct manifest *m, const struct rt_opts *opts, struct diag *d) {
    if (!uses_dw_ustack(m))
        return 0;
    int pids[RT_MAX_DWARF_PIDS + 1], n = 0;
    if (opts->pid > 0)
        pids[n++] = opts->pid;
    for (int i = 0; i < opts->ndwarf_pids && i < RT_MAX_DWARF_PIDS; i++)
        pids[n++] = opts->dwarf_pids[i];
    if (n == 0) {
        diag_plain_error(d, E_CONTEXT,
                         "dw_ustack requires a target process. Use -p, -c, or --dwarf-pid to "
                         "specify one.");
        return -1;
    }
    rt_dw_set_pids(pids, n);
    return 0;
}
