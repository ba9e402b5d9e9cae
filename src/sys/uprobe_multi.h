/* The kernel's uprobe_multi link (Linux 6.6+), which Debian 12's uapi and
 * libbpf 1.1 headers predate: the attach type and the layout of
 * bpf(BPF_LINK_CREATE)'s attributes for it, as include/uapi/linux/bpf.h
 * defines them. */
#ifndef TRAWK_UPROBE_MULTI_H
#define TRAWK_UPROBE_MULTI_H

#include <stdint.h>

/* enum bpf_attach_type: BPF_TRACE_UPROBE_MULTI */
#define UPROBE_MULTI_ATTACH_TYPE 48
/* uprobe_multi.flags: uretprobes */
#define UPROBE_MULTI_RETURN 1u

struct uprobe_multi_link_attr {
    uint32_t prog_fd;
    uint32_t target_fd;
    uint32_t attach_type;
    uint32_t flags;
    /* uprobe_multi, at the start of the link_create union */
    uint64_t path __attribute__((aligned(8)));
    uint64_t offsets;
    uint64_t ref_ctr_offsets;
    uint64_t cookies;
    uint32_t cnt;
    uint32_t multi_flags;
    uint32_t pid;
    uint32_t pad[5]; /* the rest of union bpf_attr's link_create, zero */
};

#endif
