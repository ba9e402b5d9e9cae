/* rawtracepoint and fentry/fexit: the program names its attach point
 * (the raw tracepoint by name, fentry/fexit through the BTF id it was
 * loaded with), so attaching is one call that returns a link. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

#include "attach/attach.h"

static int own_or_report(struct rt_target *rt, int link, struct diag *d) {
    if (link >= 0 && rt_target_own_link(rt, link) == 0)
        return 0;
    diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(rt),
               strerror(errno));
    return -1;
}

static int attach_rawtracepoint(struct rt_target *rt, struct diag *d) {
    return own_or_report(rt, bpf_raw_tracepoint_open(rt->t->spec.event, rt->prog->fd), d);
}

static int attach_fentry(struct rt_target *rt, struct diag *d) {
    return own_or_report(rt, bpf_raw_tracepoint_open(NULL, rt->prog->fd), d);
}

const struct rt_attach_ops rt_attach_rawtracepoint = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_rawtracepoint,
};

const struct rt_attach_ops rt_attach_fentry = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_fentry,
};
