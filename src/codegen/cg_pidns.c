/* pid and tid as trawk's own PID namespace sees them. When trawk runs in
 * the initial namespace they are the kernel's numbers; inside a container
 * (or `unshare --pid`) bpftrace numbers them as that namespace does:
 *
 *   struct bpf_pidns_info info;   // { u32 pid (the thread), u32 tgid }
 *   bpf_get_ns_current_pid_tgid(dev, ino, &info, sizeof(info));
 *   value = pid ? info.tgid : info.pid;   // 0 for a task outside it
 *
 * pid(init) and tid(init) always give the kernel's numbers. */
#include <sys/stat.h>

#include "codegen/cg.h"

/* The kernel's inode number of the initial PID namespace (proc_ns.h). */
#define PROC_PID_INIT_INO 0xeffffffcU

bool cg_pidns_value(struct cg *cg, const struct node *n, struct val *out) {
    struct stat st;
    if (n->num /* (init) */ || stat("/proc/self/ns/pid", &st) != 0 ||
        st.st_ino == PROC_PID_INIT_INO)
        return false;
    int mark = cg_frame_mark(cg);
    int off = cg_frame_alloc(cg, 8);
    emit_ld_imm64(&cg->e, R1, (int64_t)st.st_dev);
    emit_ld_imm64(&cg->e, R2, (int64_t)st.st_ino);
    cg_stack_ptr(cg, R3, off);
    emit(&cg->e, MOV64_IMM(R4, 8));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_ns_current_pid_tgid));
    int reg = cg_reg_alloc(cg, &n->loc);
    emit(&cg->e, LDX_MEM(BPF_W, reg, cg->fp, off + (n->sym == B_PID ? 4 : 0)));
    cg_frame_release(cg, mark);
    *out = (struct val){.kind = V_REG, .reg = reg};
    return true;
}
