/* uaddr("sym") in a PIE executable or a shared library: the symbol's ELF
 * address plus where the file is mapped in the current process, as
 * bpftrace finds it: the first VMA (lowest address) whose file has the
 * probed file's inode, walked with the task_vma open-coded iterator
 * (kernel 6.7+). Without those kfuncs the ELF address stays, as there. */
#include <bpf/btf.h>
#include <string.h>

#include "codegen/cg.h"
#include "sys/kbtf.h"

#ifndef BPF_PSEUDO_KFUNC_CALL
#define BPF_PSEUDO_KFUNC_CALL 2
#endif
#define CALL_KFUNC(id) INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, id)

/* The byte offset of member name in struct id (anonymous members searched),
 * -1 when absent. */
static int member_off(const struct btf *btf, int id, const char *name) {
    const struct btf_type *t = btf__type_by_id(btf, (unsigned)btf__resolve_type(btf, id));
    if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
        return -1;
    const struct btf_member *m = btf_members(t);
    for (int i = 0; i < btf_vlen(t); i++, m++) {
        int bit = (int)btf_member_bit_offset(t, (unsigned)i);
        if (m->name_off == 0) {
            int inner = member_off(btf, (int)m->type, name);
            if (inner >= 0)
                return bit / 8 + inner;
        } else if (strcmp(btf__name_by_offset(btf, m->name_off), name) == 0) {
            return bit / 8;
        }
    }
    return -1;
}

static int struct_member(const char *tag, const char *name) {
    const struct btf *btf = kbtf_vmlinux();
    int id = kbtf_id(tag, BTF_KIND_STRUCT);
    return btf && id > 0 ? member_off(btf, id, name) : -1;
}

struct vma_walk {
    int it_new, it_next, it_destroy; /* kfunc BTF ids */
    int vm_file, vm_start, f_inode, i_ino;
};

static bool vma_walk_known(struct vma_walk *w) {
    w->it_new = kbtf_id("bpf_iter_task_vma_new", BTF_KIND_FUNC);
    w->it_next = kbtf_id("bpf_iter_task_vma_next", BTF_KIND_FUNC);
    w->it_destroy = kbtf_id("bpf_iter_task_vma_destroy", BTF_KIND_FUNC);
    w->vm_file = struct_member("vm_area_struct", "vm_file");
    w->vm_start = struct_member("vm_area_struct", "vm_start");
    w->f_inode = struct_member("file", "f_inode");
    w->i_ino = struct_member("inode", "i_ino");
    return w->it_new > 0 && w->it_next > 0 && w->it_destroy > 0 && w->vm_file >= 0 &&
           w->vm_start >= 0 && w->f_inode >= 0 && w->i_ino >= 0;
}

static void iter_arg(struct cg *cg, int slot) {
    emit(&cg->e, MOV64_REG(R1, cg->sp));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R1, slot));
}

struct val cg_uaddr(struct cg *cg, struct node *call) {
    int reg = cg_reg_alloc(cg, &call->loc);
    struct vma_walk w;
    emit(&cg->e, MOV64_IMM(reg, 0));
    if (vma_walk_known(&w)) {
        /* bpf_iter_task_vma_new(&it, bpf_get_current_task_btf(), 0);
         * while ((vma = next(&it)))
         *     if (vma->vm_file && vma->vm_file->f_inode->i_ino == ino)
         *         { reg = vma->vm_start; break; }
         * destroy(&it); */
        int mark = cg_frame_mark(cg);
        int slot = cg_stack_alloc(cg, 8);
        int loop = emit_label(&cg->e), done = emit_label(&cg->e);
        emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_task_btf));
        emit(&cg->e, MOV64_REG(R2, R0));
        iter_arg(cg, slot);
        emit(&cg->e, MOV64_IMM(R3, 0));
        emit(&cg->e, CALL_KFUNC(w.it_new));
        emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, 0, 0), done);
        emit_place(&cg->e, loop);
        iter_arg(cg, slot);
        emit(&cg->e, CALL_KFUNC(w.it_next));
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), done);
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, w.vm_file));
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), loop);
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R1, w.f_inode));
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R1, w.i_ino));
        emit_ld_imm64(&cg->e, R2, call->aux);
        emit_jump(&cg->e, JMP_REG(BPF_JNE, R1, R2, 0), loop);
        emit(&cg->e, LDX_MEM(BPF_DW, reg, R0, w.vm_start));
        emit_place(&cg->e, done);
        iter_arg(cg, slot);
        emit(&cg->e, CALL_KFUNC(w.it_destroy));
        cg_frame_release(cg, mark);
    }
    emit_ld_imm64(&cg->e, R1, (int64_t)call->num);
    emit(&cg->e, ALU64_REG(BPF_ADD, reg, R1));
    return (struct val){.kind = V_REG, .reg = reg};
}
