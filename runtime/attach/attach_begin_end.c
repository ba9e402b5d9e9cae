/* BEGIN, END and self:signal: nothing is attached; the RAW_TRACEPOINT program runs once
 * through BPF_PROG_TEST_RUN, synchronously, on the calling CPU. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>

#include "attach/attach.h"

static int fire_once(struct rt_target *rt, struct diag *d) {
    /* A raw tracepoint test run needs no context: the program gets an empty
     * argument array, which BEGIN/END code never reads. */
    LIBBPF_OPTS(bpf_test_run_opts, opts);

    if (bpf_prog_test_run_opts(rt->prog->fd, &opts) < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Failed to run %s: %s", rt_target_name(rt),
                   strerror(errno));
        return -1;
    }
    return 0;
}

const struct rt_attach_ops rt_attach_begin = {
    .phase = RT_PHASE_BEFORE,
    .fire = fire_once,
};

const struct rt_attach_ops rt_attach_end = {
    .phase = RT_PHASE_AFTER,
    .fire = fire_once,
};

const struct rt_attach_ops rt_attach_self = {
    .phase = RT_PHASE_SIGNAL,
    .fire = fire_once,
};
