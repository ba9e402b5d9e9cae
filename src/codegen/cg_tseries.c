/* tseries(v, interval, num[, fn]): the map key is the user key and the
 * slot (time / interval) % num; each slot holds a struct agg_tseries per
 * CPU, reset when a later interval reuses it:
 *
 *   now = ktime_get_tai_ns();  epoch = now / interval;  key.slot = epoch % num;
 *   s = lookup(key) ? *lookup(key) : (struct agg_tseries){.epoch = epoch};
 *   if (fn && s.epoch != epoch) s.value = s.meta = 0;
 *   combine(&s, v);  s.epoch = epoch;  update(key, &s);
 */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_map.h"

/* BPFTRACE_DUMMY_TS_MAP=@m (bpftrace's tseries tests): the time is the
 * value of the unsigned scalar @m instead of the clock. */
static int dummy_clock_map(struct cg *cg) {
    const char *name = getenv("BPFTRACE_DUMMY_TS_MAP");
    for (int i = 0; name && i < cg->sema->nmaps; i++) {
        const struct sema_map *sm = &cg->sema->maps[i];
        if (strcmp(sm->name, name) == 0 && !sm->key_ty && sm->val_ty && sm->val_ty->kind == T_INT &&
            !sm->val_ty->is_signed)
            return i;
    }
    return -1;
}

/* Stores the time in ns at fp + off. */
static void now_to(struct cg *cg, int off, const struct loc *loc) {
    int dummy = dummy_clock_map(cg);
    if (dummy < 0) {
        emit(&cg->e, CALL_HELPER(BPF_FUNC_ktime_get_tai_ns));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R0, off));
        return;
    }
    struct sema_map *sm = &cg->sema->maps[dummy];
    struct node m = {.kind = N_MAP, .str = sm->name, .sym = dummy, .ty = sm->val_ty, .loc = *loc};
    struct val v = cg_map_read_int(cg, &m);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, v.reg, off));
    cg_val_free(cg, &v);
}

/* min/max: the first value of an interval, or a better one, replaces it. */
static void extreme(struct cg *cg, int slot, int vreg, bool is_min, bool sign) {
    int store = emit_label(&cg->e), done = emit_label(&cg->e);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, slot + 8));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), store);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, slot));
    int keep = is_min ? (sign ? BPF_JSGE : BPF_JGE) : (sign ? BPF_JSLE : BPF_JLE);
    emit_jump(&cg->e, JMP_REG(keep, vreg, R1, 0), done);
    emit_place(&cg->e, store);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, vreg, slot));
    emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot + 8, 1));
    emit_place(&cg->e, done);
}

static void add_to(struct cg *cg, int off, int reg) {
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, off));
    emit(&cg->e, ALU64_REG(BPF_ADD, R1, reg));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, off));
}

static void combine(struct cg *cg, const struct map_desc *md, int slot, int vreg, int now) {
    switch (md->ts_fn) {
    case TSERIES_LAST:
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, vreg, slot));
        emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, now));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, slot + 8));
        break;
    case TSERIES_AVG:
        emit(&cg->e, MOV64_IMM(R2, 1));
        add_to(cg, slot + 8, R2);
        add_to(cg, slot, vreg);
        break;
    case TSERIES_SUM:
        add_to(cg, slot, vreg);
        break;
    default:
        extreme(cg, slot, vreg, md->ts_fn == TSERIES_MIN, md->ts_signed);
        break;
    }
}

void cg_tseries_update(struct cg *cg, struct node *map, struct node *call) {
    const struct map_desc *md = cg_map(cg, map);
    int idx = cg_map_index(cg, map);
    int key = cg_map_key(cg, map, 8);
    struct val v = cg_int(cg, call->a);
    cg_val_reg(cg, &v, &call->a->loc);
    int now = cg_frame_alloc(cg, 8), epoch = cg_frame_alloc(cg, 8);
    int slot = cg_frame_alloc(cg, (int)sizeof(struct agg_tseries));
    now_to(cg, now, &call->loc);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, now));
    emit_ld_imm64(&cg->e, R2, (int64_t)md->ts_interval_ns);
    emit(&cg->e, ALU64_REG(BPF_DIV, R1, R2));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, epoch));
    emit_ld_imm64(&cg->e, R2, (int64_t)md->ts_num);
    emit(&cg->e, ALU64_REG(BPF_MOD, R1, R2));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, key + cg_map_user_key_size(md)));
    /* the slot's current value, or a fresh one */
    int fresh = emit_label(&cg->e), update = emit_label(&cg->e);
    emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot, 0));
    emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot + 8, 0));
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, epoch));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, slot + 16));
    cg_call_lookup(cg, idx, key);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), fresh);
    for (int i = 0; i < 24; i += 8) {
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, i));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, slot + i));
    }
    if (md->ts_fn != TSERIES_LAST) { /* an older interval's slot starts again */
        emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, slot + 16));
        emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->fp, epoch));
        emit_jump(&cg->e, JMP_REG(BPF_JEQ, R1, R2, 0), update);
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot, 0));
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot + 8, 0));
    }
    emit_place(&cg->e, fresh);
    emit_place(&cg->e, update);
    combine(cg, md, slot, v.reg, now);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, epoch));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, slot + 16));
    cg_call_update(cg, idx, key, slot);
    cg_val_free(cg, &v);
}
