/* The kernel objects a program's load attributes name: a kernel module's
 * BTF and a BPF program to attach to. The compiler knows only their names
 * and ids, so they are opened here, just for the load. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"
#include "sys/features.h"
#include "sys/uprobe_multi.h"

/* Whether fd is the BTF of the kernel (vmlinux or a module) called name. */
static bool is_kernel_btf(int fd, const char *name) {
    char have[64] = "";
    struct bpf_btf_info info = {.name = (uint64_t)(uintptr_t)have, .name_len = sizeof(have)};
    uint32_t len = sizeof(info);

    return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.kernel_btf &&
           strcmp(have, name) == 0;
}

int rt_kernel_btf_fd(const char *name) {
    uint32_t id = 0;

    while (bpf_btf_get_next_id(id, &id) == 0) {
        int fd = bpf_btf_get_fd_by_id(id);

        if (fd < 0)
            continue; /* unloaded meanwhile */
        if (is_kernel_btf(fd, name))
            return fd;
        close(fd);
    }
    errno = ENOENT;
    return -1;
}

enum bpf_attach_type rt_load_attach_type(const struct prog_attrs *a) {
    if (a->expected_attach_type == BPF_TRACE_KPROBE_MULTI && !rt_kprobe_multi())
        return 0;
    /* a perf event takes no program loaded for uprobe_multi links */
    if (a->expected_attach_type == (enum bpf_attach_type)UPROBE_MULTI_ATTACH_TYPE &&
        !features_has(FEAT_UPROBE_MULTI))
        return 0;
    return a->expected_attach_type;
}

int rt_load_fds_open(const struct prog_desc *p, struct rt_load_fds *fds, struct diag *d) {
    const struct prog_attrs *a = &p->attrs;

    *fds = (struct rt_load_fds){.btf_obj_fd = -1, .prog_fd = -1};
    if (a->attach_btf_module) {
        fds->btf_obj_fd = rt_kernel_btf_fd(a->attach_btf_module);
        if (fds->btf_obj_fd < 0) {
            diag_error(d, &p->loc, E_IO, "Error loading BPF program for %s: no BTF for module %s",
                       p->name, a->attach_btf_module);
            return -1;
        }
    }
    if (a->attach_prog_id) {
        fds->prog_fd = bpf_prog_get_fd_by_id(a->attach_prog_id);
        if (fds->prog_fd < 0) {
            diag_error(d, &p->loc, E_IO, "Error loading BPF program for %s: BPF program %u: %s",
                       p->name, a->attach_prog_id, strerror(errno));
            rt_load_fds_close(fds);
            return -1;
        }
    }
    return 0;
}

void rt_load_fds_close(struct rt_load_fds *fds) {
    if (fds->btf_obj_fd >= 0)
        close(fds->btf_obj_fd);
    if (fds->prog_fd >= 0)
        close(fds->prog_fd);
    fds->btf_obj_fd = fds->prog_fd = -1;
}
