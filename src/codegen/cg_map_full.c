/* Maps that fill up: an update of a full hash map fails with -E2BIG and
 * bpftrace warns "Map full; can't update element" at the update. trawk
 * sends the warning once per call site, so that a full map in a hot probe
 * costs one flag test per failed update, not an event each time. The
 * update site keeps one compare on its hot path; the rest is one
 * subprogram per program, after the program and its callbacks:
 *
 *   r0 = bpf_map_update_elem(...);
 *   if (w0 s>= 0) goto ok;           // the low half: an int before 6.4
 *   r1 = r0; r2 = site; [r3 = ctx]   // ctx for bpf_perf_event_output
 *   call map_full;                   // r6-r9 survive, as across a helper
 * ok:
 *
 *   map_full: r6 = (s64)(s32)r1; r7 = r2;
 *             r1 = &.warned[0] + site * 4;  // direct value access, a u32 per event id
 *             r2 = 1; r2 = xchg(r1, r2);    // atomic: one CPU wins
 *             if (r2 == 0) ringbuf_output({ EV_HELPER_ERROR site, 0, r6 });
 *             r0 = 0; exit
 *
 * The verifier checks a static subprogram at each call with the caller's
 * registers, so the site number is a known constant there. */
#include <linux/bpf.h>

#include "cg.h"

#define XCHG32(d, s, o) INSN(BPF_STX | BPF_ATOMIC | BPF_W, d, s, o, BPF_XCHG)

/* The subprogram's stack: the record, then the saved context. */
#define REC_OFF (-24)
#define CTX_OFF (-8)

/* The flag map, grown to hold a flag for event id. -1 when out of memory. */
static int flag_map(struct cg *cg, int id) {
    if (cg->warned_map < 0)
        cg->warned_map = cg_add_map(cg, ".warned", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
    if (cg->warned_map < 0)
        return -1;
    struct map_desc *md = &cg->m->maps[cg->warned_map];
    uint32_t need = ((uint32_t)id + 1) * 4;
    if (md->value_size < need)
        md->value_size = (need + 7) & ~7u;
    return cg->warned_map;
}

/* Whether an update of the map can fail for want of room: LRU maps evict
 * instead, and a scalar's one key always fits. */
static bool may_fill(const struct map_desc *md) {
    return md->bpf_type != BPF_MAP_TYPE_LRU_HASH && md->bpf_type != BPF_MAP_TYPE_LRU_PERCPU_HASH &&
           md->bpf_type != BPF_MAP_TYPE_ARRAY && md->bpf_type != BPF_MAP_TYPE_PERCPU_ARRAY &&
           !md->is_scalar;
}

void cg_map_full_check(struct cg *cg, int user_map) {
    if (cg->no_warnings || !may_fill(&cg->m->maps[user_map]))
        return;
    int id = cg_helper_event(cg, BPF_FUNC_map_update_elem, &cg->e.loc);
    int map = id < 0 ? -1 : flag_map(cg, id);
    if (map < 0) {
        if (id >= 0)
            cg_error(cg, &cg->e.loc, E_LIMIT, "out of memory");
        return;
    }
    if (cg->map_full_sub < 0)
        cg->map_full_sub = emit_label(&cg->e);
    int ok = emit_label(&cg->e);
    emit_jump(&cg->e, JMP32_IMM(BPF_JSGE, R0, 0, 0), ok);
    emit(&cg->e, MOV64_REG(R1, R0));
    emit(&cg->e, MOV64_IMM(R2, id));
    if (cg->perf_buffer)
        cg_ctx(cg, R3);
    emit_call_local(&cg->e, cg->map_full_sub);
    emit_place(&cg->e, ok);
}

void cg_map_full_emit(struct cg *cg) {
    if (cg->map_full_sub < 0)
        return;
    /* the subprogram's own frame on its own r10 */
    int fp = cg->fp, sp = cg->sp, ctx_slot = cg->ctx_slot;
    cg->fp = cg->sp = R10;
    cg->ctx_slot = CTX_OFF;
    int out = emit_label(&cg->e);
    emit_place(&cg->e, cg->map_full_sub);
    emit(&cg->e, MOV64_REG(R6, R1));
    emit(&cg->e, ALU64_IMM(BPF_LSH, R6, 32));
    emit(&cg->e, ALU64_IMM(BPF_ARSH, R6, 32));
    emit(&cg->e, MOV64_REG(R7, R2));
    if (cg->perf_buffer)
        emit(&cg->e, STX_MEM(BPF_DW, R10, R3, CTX_OFF));
    emit(&cg->e, INSN(BPF_LD | BPF_DW | BPF_IMM, R1, BPF_PSEUDO_MAP_VALUE, 0, cg->warned_map));
    emit(&cg->e, LD_IMM64_HI(0));
    emit(&cg->e, MOV64_REG(R2, R7));
    emit(&cg->e, ALU64_IMM(BPF_LSH, R2, 2));
    emit(&cg->e, ALU64_REG(BPF_ADD, R1, R2));
    emit(&cg->e, MOV64_IMM(R2, 1));
    emit(&cg->e, XCHG32(R1, R2, 0));
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R2, 0, 0), out);
    emit(&cg->e, STX_MEM(BPF_W, R10, R7, REC_OFF));
    emit(&cg->e, ST_MEM(BPF_W, R10, REC_OFF + 4, 0));
    emit(&cg->e, STX_MEM(BPF_DW, R10, R6, REC_OFF + 8));
    cg_ringbuf_output(cg, REC_OFF, (int)sizeof(struct event_header) + 8);
    emit_place(&cg->e, out);
    emit(&cg->e, MOV64_IMM(R0, 0));
    emit(&cg->e, EXIT_INSN());
    cg->fp = fp;
    cg->sp = sp;
    cg->ctx_slot = ctx_slot;
}
