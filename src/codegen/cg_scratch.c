/* Frames too big for the 512-byte stack.
 *
 * Up to CG_SCRATCH_SIZE bytes the frame lives in .scratch, a per-CPU array.
 * Entry 0 is shared by every program that cannot nest: tracepoint and perf
 * event programs never nest on a CPU (the kernel's bpf_prog_active guard),
 * and BEGIN/END run alone. A program whose provider says it may nest
 * (fentry/fexit, raw tracepoints: guarded per program only) gets an entry
 * of its own.
 *
 * A bigger frame (a loop over a map of long strings) passes the kernel's
 * limit on per-CPU values: it lives in a plain array with an entry per
 * possible CPU (max_entries 0, filled in at load), found by the CPU number.
 * Programs that cannot nest share .scratch_big; one that may nest has a
 * map of its own.
 *
 * r9 points just past the frame (CG_BIG_FRAME_BIAS bytes before its end for
 * a big frame), so slots keep their offsets from the frame pointer and the
 * rest of the generator does not know the difference. */
#include <stdio.h>

#include "codegen/cg.h"
#include "codegen/insn.h"

/* The manifest index of the map holding this program's frame, and in
 * *key the entry (for .scratch). */
static int frame_map(struct cg *cg, bool big, int *key) {
    bool nests = cg->unit->prov->may_nest;
    *key = 0;
    if (big) {
        if (!nests && cg->scratch_big_map >= 0)
            return cg->scratch_big_map;
        char name[32];
        snprintf(name, sizeof(name), ".scratch_big%d", nests ? ++cg->nested_frames : 0);
        int map = cg_add_map(cg, name, BPF_MAP_TYPE_ARRAY, 4, 8, 0);
        if (!nests)
            cg->scratch_big_map = map;
        return map;
    }
    if (cg->scratch_map < 0)
        cg->scratch_map = cg_add_map(cg, ".scratch", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
    if (cg->scratch_map < 0)
        return -1;
    *key = nests ? ++cg->nested_frames : 0;
    struct map_desc *md = &cg->m->maps[cg->scratch_map];
    if (md->max_entries < (uint32_t)*key + 1)
        md->max_entries = (uint32_t)*key + 1;
    return cg->scratch_map;
}

int cg_scratch_prologue(struct cg *cg, bool big) {
    int key;
    int map = frame_map(cg, big, &key);
    if (map < 0) {
        cg->failed = true;
        return 0;
    }
    cg->frame_map = map;
    cg->scratch_key = key;           /* a chain's later programs look it up again */
    emit(&cg->e, MOV64_REG(R6, R1)); /* the lookup clobbers the context in r1 */
    if (big) {
        emit(&cg->e, CALL_HELPER(BPF_FUNC_get_smp_processor_id));
        emit(&cg->e, STX_MEM(BPF_W, R10, R0, -4));
    } else {
        emit(&cg->e, ST_MEM(BPF_W, R10, -4, key));
    }
    emit_ld_map(&cg->e, R1, map);
    emit(&cg->e, MOV64_REG(R2, R10));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R2, -4));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_lookup_elem));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), cg->exit_label);
    emit(&cg->e, MOV64_REG(R9, R0));
    /* the frame's size is known once the body is generated: patched then */
    emit(&cg->e, ALU64_IMM(BPF_ADD, R9, 0));
    int add = cg->e.n - 1;
    emit(&cg->e, STX_MEM(BPF_DW, R10, R9, CG_SCRATCH_SPILL)); /* for loop callbacks */
    return add;
}

void cg_scratch_size(struct cg *cg, int add_insn) {
    int frame = (cg->frame_max + 7) & ~7;
    if (cg->e.failed)
        return;
    struct map_desc *md = &cg->m->maps[cg->frame_map];
    cg->e.insns[add_insn].imm = frame - cg->frame_bias;
    if (md->value_size < (uint32_t)frame)
        md->value_size = (uint32_t)frame;
}
