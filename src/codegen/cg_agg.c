/* Aggregations: @m[k] = count(), sum(v), min(v), max(v), avg(v), stats(v),
 * hist(v), lhist(v, min, max, step). Values are per-CPU, so plain loads and
 * stores suffice; user space adds the CPUs up when it reads them. */
#include "codegen/cg.h"
#include "codegen/cg_fuse.h"
#include "codegen/cg_map.h"
#include "sys/cpus.h"

bool cg_agg_call(const struct node *call) {
    switch ((enum func)call->sym) {
    case F_COUNT:
    case F_SUM:
    case F_AVG:
    case F_MIN:
    case F_MAX:
    case F_STATS:
    case F_HIST:
    case F_LHIST:
    case F_TSERIES:
        return true;
    default:
        return false;
    }
}

/* Adds addend to the u64 at ptr + off (ptr non-NULL). */
static void add_at(struct cg *cg, int ptr, int off, const struct val *addend) {
    emit(&cg->e, LDX_MEM(BPF_DW, R1, ptr, off));
    if (addend->kind == V_IMM)
        emit(&cg->e, ALU64_IMM(BPF_ADD, R1, (int32_t)addend->imm));
    else
        emit(&cg->e, ALU64_REG(BPF_ADD, R1, addend->reg));
    emit(&cg->e, STX_MEM(BPF_DW, ptr, R1, off));
}

/* min and max at ptr + off: {value, is_set}; keeps the old value by
 * jumping to done, else stores v (in vreg) and falls through. */
static void keep_extreme(struct cg *cg, int ptr, int off, int vreg, bool is_min, bool sign,
                         int done) {
    int store = emit_label(&cg->e);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, ptr, off + 8));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), store);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, ptr, off));
    int keep = is_min ? (sign ? BPF_JSGE : BPF_JGE) : (sign ? BPF_JSLE : BPF_JLE);
    emit_jump(&cg->e, JMP_REG(keep, vreg, R1, 0), done);
    emit_place(&cg->e, store);
    emit(&cg->e, STX_MEM(BPF_DW, ptr, vreg, off));
    emit(&cg->e, ST_MEM(BPF_DW, ptr, off + 8, 1));
}

void cg_agg_in_place(struct cg *cg, const struct node *call, bool sign, int ptr, int off,
                     const struct val *v, int done) {
    struct val one = {.kind = V_IMM, .imm = 1};
    switch ((enum func)call->sym) {
    case F_MIN:
    case F_MAX:
        keep_extreme(cg, ptr, off, v->reg, call->sym == F_MIN, sign, done);
        break;
    case F_AVG:
    case F_STATS:
        add_at(cg, ptr, off, v);
        add_at(cg, ptr, off + 8, &one);
        break;
    default:
        add_at(cg, ptr, off, v);
        break;
    }
}

/* Stores the first value of a new key: [v, second] laid out as u64s. */
static void insert_new(struct cg *cg, int map, int key, const struct val *v, int64_t second,
                       bool has_second) {
    int slot = cg_frame_alloc(cg, has_second ? 16 : 8);
    if (v->kind == V_IMM)
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot, (int32_t)v->imm));
    else
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, v->reg, slot));
    if (has_second)
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, slot + 8, (int32_t)second));
    cg_call_update(cg, map, key, slot);
}

/* count, sum, hist, lhist: value += addend, or insert addend. */
static void increment(struct cg *cg, int map, int key, const struct val *addend) {
    int missing = emit_label(&cg->e), done = emit_label(&cg->e);
    cg_call_lookup(cg, map, key);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), missing);
    add_at(cg, R0, 0, addend);
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, missing);
    insert_new(cg, map, key, addend, 0, false);
    emit_place(&cg->e, done);
}

/* A bucket of an array (md->bucket_array): the index is in range, the
 * entry always there; the NULL check is the verifier's. */
static void increment_bucket(struct cg *cg, int map, int key) {
    int done = emit_label(&cg->e);
    cg_call_lookup(cg, map, key);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), done);
    struct val one = {.kind = V_IMM, .imm = 1};
    add_at(cg, R0, 0, &one);
    emit_place(&cg->e, done);
}

/* avg and stats keep {total, count}. */
static void average(struct cg *cg, int map, int key, const struct val *v) {
    int missing = emit_label(&cg->e), done = emit_label(&cg->e);
    struct val one = {.kind = V_IMM, .imm = 1};
    cg_call_lookup(cg, map, key);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), missing);
    add_at(cg, R0, 0, v);
    add_at(cg, R0, 8, &one);
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, missing);
    insert_new(cg, map, key, v, 1, true);
    emit_place(&cg->e, done);
}

/* min and max keep {value, is_set}. The value is computed after the
 * lookup, as bpftrace does, with the lookup's result kept in a pool
 * register: nsecs read before the lookup cost some 25-50 ns more per
 * event here (the clock read then waits for the lookup's loads?
 * measured, not explained). */
static void extreme(struct cg *cg, int map, int key, struct node *arg, bool is_min, bool sign) {
    int missing = emit_label(&cg->e), done = emit_label(&cg->e);
    cg_call_lookup(cg, map, key);
    int ptr = cg_reg_alloc(cg, &arg->loc);
    emit(&cg->e, MOV64_REG(ptr, R0));
    struct val v = cg_int(cg, arg);
    int vreg = cg_val_reg(cg, &v, &arg->loc);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, ptr, 0, 0), missing);
    keep_extreme(cg, ptr, 0, vreg, is_min, sign, done);
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, missing);
    insert_new(cg, map, key, &v, 1, true);
    emit_place(&cg->e, done);
    cg_val_free(cg, &v);
    cg_reg_free(cg, ptr);
}

/* The log2 bucket of v with 2^bits sub-buckets per power of two, stored at
 * r10 + off; runtime/output/hist.h defines the same numbering:
 *   v < 0: 0;  v < N: 1 + v;  else with l = floor(log2(v)) - bits and
 *   x = (v >> l) & (N - 1): ((l + 1) << bits) + x + 1 */
static void log2_bucket(struct cg *cg, int vreg, int off, int bits) {
    static const int shifts[] = {32, 16, 8, 4, 2, 1};
    int nsub = 1 << bits;
    int neg = emit_label(&cg->e), small = emit_label(&cg->e), store = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JSLT, vreg, 0, 0), neg);
    emit_jump(&cg->e, JMP_IMM(BPF_JLT, vreg, nsub, 0), small);
    emit(&cg->e, MOV64_REG(R1, vreg));
    emit(&cg->e, MOV64_IMM(R2, 0));
    for (int i = 0; i < 6; i++) {
        /* if (v >> s) { v >>= s; log += s; } */
        emit(&cg->e, MOV64_REG(R3, R1));
        emit(&cg->e, ALU64_IMM(BPF_RSH, R3, shifts[i]));
        emit(&cg->e, JMP_IMM(BPF_JEQ, R3, 0, 2));
        emit(&cg->e, MOV64_REG(R1, R3));
        emit(&cg->e, ALU64_IMM(BPF_ADD, R2, shifts[i]));
    }
    if (bits) {
        emit(&cg->e, ALU64_IMM(BPF_SUB, R2, bits));
        emit(&cg->e, MOV64_REG(R3, vreg));
        emit(&cg->e, ALU64_REG(BPF_RSH, R3, R2));
        emit(&cg->e, ALU64_IMM(BPF_AND, R3, nsub - 1));
    }
    emit(&cg->e, ALU64_IMM(BPF_ADD, R2, 1));
    if (bits) {
        emit(&cg->e, ALU64_IMM(BPF_LSH, R2, bits));
        emit(&cg->e, ALU64_REG(BPF_ADD, R2, R3));
    }
    emit(&cg->e, ALU64_IMM(BPF_ADD, R2, 1));
    emit_jump(&cg->e, JA(0), store);
    emit_place(&cg->e, neg);
    emit(&cg->e, MOV64_IMM(R2, 0));
    emit_jump(&cg->e, JA(0), store);
    emit_place(&cg->e, small);
    emit(&cg->e, MOV64_REG(R2, vreg));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R2, 1));
    emit_place(&cg->e, store);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R2, off));
}

/* The linear bucket: 0 below min, n + 1 at or above max, else 1 + (v - min) / step. */
static void linear_bucket(struct cg *cg, int vreg, int off, const struct map_desc *md) {
    int64_t nbuckets = (md->lhist_max - md->lhist_min) / md->lhist_step;
    int under = emit_label(&cg->e), over = emit_label(&cg->e), store = emit_label(&cg->e);
    emit_ld_imm64(&cg->e, R1, md->lhist_min);
    emit_jump(&cg->e, JMP_REG(BPF_JSLT, vreg, R1, 0), under);
    emit_ld_imm64(&cg->e, R1, md->lhist_max);
    emit_jump(&cg->e, JMP_REG(BPF_JSGE, vreg, R1, 0), over);
    emit(&cg->e, MOV64_REG(R2, vreg));
    emit_ld_imm64(&cg->e, R1, md->lhist_min);
    emit(&cg->e, ALU64_REG(BPF_SUB, R2, R1));
    emit_ld_imm64(&cg->e, R1, md->lhist_step);
    emit(&cg->e, ALU64_REG(BPF_DIV, R2, R1));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R2, 1));
    emit_jump(&cg->e, JA(0), store);
    emit_place(&cg->e, under);
    emit(&cg->e, MOV64_IMM(R2, 0));
    emit_jump(&cg->e, JA(0), store);
    emit_place(&cg->e, over);
    emit_ld_imm64(&cg->e, R2, nbuckets + 1);
    emit_place(&cg->e, store);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R2, off));
}

struct val cg_agg_arg(struct cg *cg, struct node *call) {
    struct val v = {.kind = V_IMM, .imm = 1};
    if (call->a) {
        v = cg_int(cg, call->a);
        if (call->sym != F_SUM || v.imm < INT32_MIN || v.imm > INT32_MAX || v.kind == V_REG)
            cg_val_reg(cg, &v, &call->a->loc);
    }
    return v;
}

void cg_agg_update(struct cg *cg, struct node *map, struct node *call) {
    if (cg_fuse_update(cg, map, call))
        return;
    const struct map_desc *md = cg_map(cg, map);
    int idx = cg_map_index(cg, map);
    enum func f = (enum func)call->sym;
    if (f == F_TSERIES) {
        cg_tseries_update(cg, map, call);
        return;
    }
    bool bucketed = (f == F_HIST || f == F_LHIST);
    int key = cg_map_key(cg, map, bucketed ? 8 : 0);
    if (f == F_MIN || f == F_MAX) {
        extreme(cg, idx, key, call->a, f == F_MIN, md->val_ty->agg_signed);
        return;
    }
    struct val v = cg_agg_arg(cg, call);
    struct val one = {.kind = V_IMM, .imm = 1};
    int bucket = key + cg_map_user_key_size(md);
    switch (f) {
    case F_COUNT:
    case F_SUM:
        increment(cg, idx, key, &v);
        break;
    case F_HIST:
    case F_LHIST:
        if (f == F_HIST)
            log2_bucket(cg, v.reg, bucket, md->hist_bits);
        else
            linear_bucket(cg, v.reg, bucket, md);
        if (md->bucket_array)
            increment_bucket(cg, idx, key);
        else
            increment(cg, idx, key, &one);
        break;
    default:
        average(cg, idx, key, &v);
        break;
    }
    cg_val_free(cg, &v);
}

/* Reading an aggregation in the program sums its per-CPU values, as
 * bpftrace does:
 *   for (cpu = 0; cpu < ncpus; cpu++)
 *       if ((v = bpf_map_lookup_percpu_elem(map, key, cpu))) acc = combine(acc, v);
 * count and sum add; avg adds totals and counts, then divides; min and max
 * keep the extreme of the CPUs that saw a value (cnt is "found"). */
static void fold_cpu_value(struct cg *cg, enum agg_kind agg, bool sign, int acc, int cnt,
                           int next) {
    if (agg == AGG_MIN || agg == AGG_MAX) {
        int take = emit_label(&cg->e);
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, 8));
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), next);
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, 0));
        emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->fp, cnt));
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R2, 0, 0), take);
        emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->fp, acc));
        int keep = agg == AGG_MIN ? (sign ? BPF_JSGE : BPF_JGE) : (sign ? BPF_JSLE : BPF_JLE);
        emit_jump(&cg->e, JMP_REG(keep, R1, R2, 0), next);
        emit_place(&cg->e, take);
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, acc));
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, cnt, 1));
        return;
    }
    emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, 0));
    emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->fp, acc));
    emit(&cg->e, ALU64_REG(BPF_ADD, R2, R1));
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R2, acc));
    if (agg == AGG_AVG || agg == AGG_STATS) {
        emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, 8));
        emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->fp, cnt));
        emit(&cg->e, ALU64_REG(BPF_ADD, R2, R1));
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R2, cnt));
    }
}

struct val cg_agg_read(struct cg *cg, struct node *map) {
    int mark = cg_frame_mark(cg);
    int key = cg_map_key(cg, map, 0);
    struct val v = cg_agg_combine(cg, cg_map_index(cg, map), key, &map->loc);
    cg_frame_release(cg, mark);
    return v;
}

struct val cg_agg_combine(struct cg *cg, int map, int key, const struct loc *loc) {
    const struct map_desc *md = &cg->m->maps[map];
    enum agg_kind agg = md->val_ty->agg;
    bool sign = md->val_ty->agg_signed;
    int mark = cg_frame_mark(cg);
    /* the counter on the real stack, where the verifier sees the loop end */
    int cpu = cg_stack_alloc(cg, 8), acc = cg_frame_alloc(cg, 8), cnt = cg_frame_alloc(cg, 8);
    emit(&cg->e, ST_MEM(BPF_DW, cg->sp, cpu, 0));
    emit(&cg->e, ST_MEM(BPF_DW, cg->fp, acc, 0));
    emit(&cg->e, ST_MEM(BPF_DW, cg->fp, cnt, 0));
    int top = emit_label(&cg->e), next = emit_label(&cg->e), done = emit_label(&cg->e);
    emit_place(&cg->e, top);
    emit(&cg->e, LDX_MEM(BPF_DW, R3, cg->sp, cpu));
    emit_jump(&cg->e, JMP_IMM(BPF_JGE, R3, cpus_possible(), 0), done);
    emit_ld_map(&cg->e, R1, map);
    cg_stack_ptr(cg, R2, key);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_lookup_percpu_elem));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), next);
    fold_cpu_value(cg, agg, sign, acc, cnt, next);
    emit_place(&cg->e, next);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->sp, cpu));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R1, 1));
    emit(&cg->e, STX_MEM(BPF_DW, cg->sp, R1, cpu));
    emit_jump(&cg->e, JA(0), top);
    emit_place(&cg->e, done);
    int reg = cg_reg_alloc(cg, loc);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, cg->fp, acc));
    if (agg == AGG_AVG || agg == AGG_STATS) {
        /* BPF division by zero yields zero, as an empty average should */
        emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->fp, cnt));
        cg_alu_reg(cg, BPF_DIV, sign, reg, R1);
    }
    cg_frame_release(cg, mark);
    return (struct val){.kind = V_REG, .reg = reg};
}
