/* Maps that fill up: an update of a full hash map fails with -E2BIG and
 * bpftrace warns "Map full; can't update element" at the update. trawk
 * sends the warning once per call site, so that a full map in a hot probe
 * costs one flag test per failed update, not an event each time:
 *
 *   r0 = bpf_map_update_elem(...);
 *   r0 = (s64)(s32)r0;               // an int before 6.4 (cg_helper_result_sext)
 *   if (r0 s>= 0) goto ok;
 *   r1 = &.warned[site];             // direct value access, a u32 per event id
 *   r2 = 1; r2 = xchg(r1, r2);       // atomic: one CPU wins
 *   if (r2 != 0) goto ok;
 *   record = { EV_HELPER_ERROR site, 0, (s64)r0 };
 *   ringbuf_output(record);
 * ok:
 */
#include <linux/bpf.h>

#include "cg.h"

#define XCHG32(d, s, o) INSN(BPF_STX | BPF_ATOMIC | BPF_W, d, s, o, BPF_XCHG)

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
    int ok = emit_label(&cg->e);
    cg_helper_result_sext(cg);
    emit_jump(&cg->e, JMP_IMM(BPF_JSGE, R0, 0, 0), ok);
    emit(&cg->e, INSN(BPF_LD | BPF_DW | BPF_IMM, R1, BPF_PSEUDO_MAP_VALUE, 0, map));
    emit(&cg->e, INSN(0, 0, 0, 0, id * 4)); /* the offset in the value */
    emit(&cg->e, MOV64_IMM(R2, 1));
    emit(&cg->e, XCHG32(R1, R2, 0));
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R2, 0, 0), ok);
    cg_helper_send(cg, id);
    emit_place(&cg->e, ok);
}
