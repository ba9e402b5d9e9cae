/* uaddr("sym") in a PIE executable or a shared library: the symbol's ELF
 * address plus where the file is mapped in the current process, as
 * bpftrace finds it: the first VMA (lowest address) whose file has the
 * probed file's inode, walked with the task_vma open-coded iterator
 * (kernel 6.7+). Before 6.7 (Debian 12's 6.1), where bpftrace leaves the
 * ELF address, bpf_find_vma (5.17+) finds the VMA of the probed
 * instruction instead, whose file offset gives the load bias; elsewhere
 * the ELF address stays. */
#include <bpf/btf.h>
#include <string.h>

#include "codegen/cg.h"
#include "providers/arch.h"
#include "providers/provider.h"
#include "sys/elfsyms.h"
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

struct vma_fields {
    int vm_file, vm_start, vm_pgoff, f_inode, i_ino;
};

static bool vma_fields_known(struct vma_fields *f) {
    f->vm_file = struct_member("vm_area_struct", "vm_file");
    f->vm_start = struct_member("vm_area_struct", "vm_start");
    f->vm_pgoff = struct_member("vm_area_struct", "vm_pgoff");
    f->f_inode = struct_member("file", "f_inode");
    f->i_ino = struct_member("inode", "i_ino");
    return f->vm_file >= 0 && f->vm_start >= 0 && f->vm_pgoff >= 0 && f->f_inode >= 0 &&
           f->i_ino >= 0;
}

/* Goes to miss unless the VMA in register vma maps the file with inode
 * ino (t1 and t2 are clobbered):
 *   if (!vma->vm_file || vma->vm_file->f_inode->i_ino != ino) goto miss */
static void vma_file_check(struct cg *cg, const struct vma_fields *f, int vma, int t1, int t2,
                           int64_t ino, int miss) {
    emit(&cg->e, LDX_MEM(BPF_DW, t1, vma, f->vm_file));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, t1, 0, 0), miss);
    emit(&cg->e, LDX_MEM(BPF_DW, t1, t1, f->f_inode));
    emit(&cg->e, LDX_MEM(BPF_DW, t1, t1, f->i_ino));
    emit_ld_imm64(&cg->e, t2, ino);
    emit_jump(&cg->e, JMP_REG(BPF_JNE, t1, t2, 0), miss);
}

struct vma_walk {
    int it_new, it_next, it_destroy; /* kfunc BTF ids */
    struct vma_fields f;
};

static bool vma_walk_known(struct vma_walk *w) {
    w->it_new = kbtf_id("bpf_iter_task_vma_new", BTF_KIND_FUNC);
    w->it_next = kbtf_id("bpf_iter_task_vma_next", BTF_KIND_FUNC);
    w->it_destroy = kbtf_id("bpf_iter_task_vma_destroy", BTF_KIND_FUNC);
    return w->it_new > 0 && w->it_next > 0 && w->it_destroy > 0 && vma_fields_known(&w->f);
}

static void iter_arg(struct cg *cg, int slot) {
    emit(&cg->e, MOV64_REG(R1, cg->sp));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R1, slot));
}

/* bpf_find_vma's callback (task r1, vma r2, ctx r3): when the VMA maps the
 * file with inode ino, *(u64 *)ctx = where its file offset 0 would be,
 *   vma->vm_start - (vma->vm_pgoff << 12) */
static void vma_base_callback(struct cg *cg, int64_t ino) {
    struct vma_fields f;
    int out = emit_label(&cg->e);
    if (vma_fields_known(&f)) {
        vma_file_check(cg, &f, R2, R4, R5, ino, out);
        emit(&cg->e, LDX_MEM(BPF_DW, R4, R2, f.vm_start));
        emit(&cg->e, LDX_MEM(BPF_DW, R5, R2, f.vm_pgoff));
        emit(&cg->e, ALU64_IMM(BPF_LSH, R5, 12));
        emit(&cg->e, ALU64_REG(BPF_SUB, R4, R5));
        emit(&cg->e, STX_MEM(BPF_DW, R3, R4, 0));
    }
    emit_place(&cg->e, out);
    emit(&cg->e, MOV64_IMM(R0, 0));
    emit(&cg->e, EXIT_INSN());
}

/* The load bias from the VMA holding the probed instruction (pt_regs->ip,
 * in uprobes and USDT probes the probed address; in a uretprobe the
 * return address, found only when the caller is in the same file), into
 * reg, 0 when none matched:
 *   base = 0; bpf_find_vma(current, ip, callback, &base, 0);
 *   if (base) reg = base - (text p_vaddr - p_offset) */
static void bias_from_probed_vma(struct cg *cg, struct node *call, int reg) {
    struct vma_fields f;
    int64_t delta;
    /* the file sema looked the symbol up in: the first target's */
    const struct attach_target *t = cg->unit->ntargets > 0 ? &cg->unit->targets[0] : NULL;
    if (kbtf_id("bpf_find_vma", BTF_KIND_FUNC) <= 0 || !vma_fields_known(&f) || !t ||
        !t->spec.path || elfsyms_exec_delta(t->spec.path, &delta) < 0)
        return;
    int mark = cg_frame_mark(cg);
    int slot = cg_stack_alloc(cg, 8), cb = emit_label(&cg->e), none = emit_label(&cg->e);
    emit(&cg->e, ST_MEM(BPF_DW, cg->sp, slot, 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_current_task_btf));
    emit(&cg->e, MOV64_REG(R1, R0));
    cg_ctx(cg, R2);
    emit(&cg->e, LDX_MEM(BPF_DW, R2, R2, arch_reg_offset(arch_current(), "ip")));
    emit_ld_func(&cg->e, R3, cb);
    emit(&cg->e, MOV64_REG(R4, cg->sp));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R4, slot));
    emit(&cg->e, MOV64_IMM(R5, 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_find_vma));
    emit(&cg->e, LDX_MEM(BPF_DW, reg, cg->sp, slot));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, reg, 0, 0), none);
    emit_ld_imm64(&cg->e, R1, delta);
    emit(&cg->e, ALU64_REG(BPF_SUB, reg, R1));
    emit_place(&cg->e, none);
    cg_frame_release(cg, mark);
    cg_queue_callback(cg, cb, vma_base_callback, call->aux);
}

struct val cg_uaddr(struct cg *cg, struct node *call) {
    int reg = cg_reg_alloc(cg, &call->loc);
    struct vma_walk w;
    emit(&cg->e, MOV64_IMM(reg, 0));
    if (!vma_walk_known(&w)) {
        bias_from_probed_vma(cg, call, reg);
    } else {
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
        vma_file_check(cg, &w.f, R0, R1, R2, call->aux, loop);
        emit(&cg->e, LDX_MEM(BPF_DW, reg, R0, w.f.vm_start));
        emit_place(&cg->e, done);
        iter_arg(cg, slot);
        emit(&cg->e, CALL_KFUNC(w.it_destroy));
        cg_frame_release(cg, mark);
    }
    emit_ld_imm64(&cg->e, R1, (int64_t)call->num);
    emit(&cg->e, ALU64_REG(BPF_ADD, reg, R1));
    return (struct val){.kind = V_REG, .reg = reg};
}
