/* cgroupid("PATH"): a cgroup2 directory's id, read when the script is
 * compiled, as bpftrace does: the kernel's file handle of the directory,
 * whose 8 bytes are the id the cgroup builtin gives. The call becomes an
 * integer literal. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "sema/sema_impl.h"

/* 0 and errno set when the path has no 8-byte handle (not a cgroup2 directory). */
static int cgroup_handle(const char *path, uint64_t *id) {
    union {
        struct file_handle fh;
        char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
    } h;
    int mount_id;
    h.fh.handle_bytes = sizeof(uint64_t);
    if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
        return -1;
    memcpy(id, h.fh.f_handle, sizeof(*id));
    return 0;
}

const struct type *sema_check_cgroupid(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *arg = sema_literal_arg(s, call);
    if (!arg || !s->report) /* resolved once, on the reporting walk */
        return &type_u64;
    uint64_t id;
    if (cgroup_handle(arg->str, &id) < 0) {
        sema_error(s, &call->loc, E_ARGS, "Failed to get `cgroupid` for path: \"%s\": %s", arg->str,
                   strerror(errno));
        return &type_u64;
    }
    ast_become_int(call, id);
    return &type_u64;
}
