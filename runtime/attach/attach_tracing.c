/* rawtracepoint and fentry/fexit: the program names its attach point (the
 * BTF id it was loaded with), so attaching is one call that returns a link. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

#include "attach/attach.h"

static int attach_btf(struct rt_target *rt, struct diag *d) {
    int link = bpf_raw_tracepoint_open(NULL, rt->prog->fd);
    if (link >= 0 && rt_target_own_link(rt, link) == 0)
        return 0;
    diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(rt),
               strerror(errno));
    return -1;
}

const struct rt_attach_ops rt_attach_btf_tracing = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_btf,
};
