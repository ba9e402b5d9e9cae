/* iter: nothing stays attached, but for a pinned iterator. After BEGIN the iterator link is created
 * (for the -p process's tasks only, where given), then read to its end,
 * which runs the program once per object; the programs' output comes
 * through the event buffer as for any probe. */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"

static int iter_link(struct rt_target *rt, struct diag *d) {
    union bpf_iter_link_info info;
    LIBBPF_OPTS(bpf_link_create_opts, opts);
    int link;

    memset(&info, 0, sizeof(info));
    if (rt->t->spec.pid > 0) {
        info.task.pid = (uint32_t)rt->t->spec.pid;
        opts.iter_info = &info;
        opts.iter_info_len = sizeof(info);
    }
    link = bpf_link_create(rt->prog->fd, 0, BPF_TRACE_ITER, &opts);
    if (link < 0)
        diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s",
                   rt_target_name(rt), strerror(errno));
    return link;
}

/* iter:NAME:PIN: the link pinned, for others to read (cat PIN runs the
 * program); the pin keeps it once trawk exits. */
static int pin_iter(struct rt_target *rt, int link, struct diag *d) {
    const char *pin = rt->t->spec.path;
    int err = bpf_obj_pin(link, pin);
    if (err < 0)
        diag_error(d, &rt->prog->desc->loc, E_IO, "Failed to pin iter probe link to %s: %s", pin,
                   strerror(errno));
    else
        printf("Program pinned to %s\n", pin);
    close(link);
    return err < 0 ? -1 : 0;
}

static int run_iter(struct rt_target *rt, struct diag *d) {
    char buf[4096];
    ssize_t n;
    int link = iter_link(rt, d), fd, err = 0;

    if (link < 0)
        return -1;
    if (rt->t->spec.path)
        return pin_iter(rt, link, d);
    fd = bpf_iter_create(link);
    if (fd < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Failed to open iter probe link: %s",
                   strerror(errno));
        close(link);
        return -1;
    }
    /* the programs print through the event buffer: the text read is empty
     * unless a program wrote to the seq_file itself */
    while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EAGAIN))
        if (n > 0)
            fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Reading iterator %s failed: %s",
                   rt_target_name(rt), strerror(errno));
        err = -1;
    }
    close(fd);
    close(link);
    return err;
}

const struct rt_attach_ops rt_attach_iter = {
    .phase = RT_PHASE_BEFORE,
    .fire = run_iter,
};
