/* usdt: each location is a uprobe at its file offset, whose reference
 * counter is the probe's semaphore: the kernel increments it in every
 * process mapping the file while the event exists, so code guarded by the
 * semaphore runs only while traced (bpftrace's --usdt-file-activation comes
 * for free). */
#include <errno.h>
#include <string.h>

#include "attach/attach.h"
#include "attach/uprobe.h"

static int attach_usdt(struct rt_target *rt, struct diag *d) {
    const struct target_spec *spec = &rt->t->spec;
    int fd = rt_uprobe_open(spec->path, spec->offset, spec->ref_ctr_offset, false, spec->pid);
    if (fd < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s",
                   rt_target_name(rt), strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(rt, fd, d);
}

const struct rt_attach_ops rt_attach_usdt = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_usdt,
    .reverse = true,
};
