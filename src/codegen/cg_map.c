/* Map access: keys, reads, assignments, increments and deletes. The
 * aggregations (count, sum, hist ...) live in cg_agg.c. */
#include "codegen/cg.h"
#include "codegen/cg_typed.h"
#include "codegen/cg_map.h"

const struct map_desc *cg_map(struct cg *cg, const struct node *map) {
    return &cg->m->maps[cg->map_index[map->sym]];
}

int cg_map_index(struct cg *cg, const struct node *map) {
    return cg->map_index[map->sym];
}

/* reg = the address of a packed scalar's flag (+ 8: its value). */
static void ld_packed(struct cg *cg, int reg, const struct map_desc *md, int plus) {
    emit(&cg->e, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_VALUE, 0, md->pack));
    emit(&cg->e, INSN(0, 0, 0, 0, (int32_t)md->pack_off + plus)); /* the offset in the value */
}

static bool is_percpu(enum bpf_map_type t) {
    return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
           t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* What a lookup returns for a packed scalar: its value, which reads 0
 * until set, as a missing key would. */
void cg_call_lookup(struct cg *cg, int map, int key_off) {
    const struct map_desc *md = &cg->m->maps[map];
    if (md->packed) {
        ld_packed(cg, R0, md, 8);
        return;
    }
    if (cg->unit->prov->runs_once && is_percpu(md->bpf_type)) {
        /* The verifier inlines map_lookup_elem by patching the program,
         * which costs a copy of the whole program per lookup: a long BEGIN
         * block took seconds to load. The same slot through a helper call:
         * this CPU's, which an update of a new key writes (an aggregation
         * such as tseries reads back what it wrote). */
        emit(&cg->e, CALL_HELPER(BPF_FUNC_get_smp_processor_id));
        emit(&cg->e, MOV64_REG(R3, R0));
        emit_ld_map(&cg->e, R1, map);
        cg_stack_ptr(cg, R2, key_off);
        emit(&cg->e, CALL_HELPER(BPF_FUNC_map_lookup_percpu_elem));
        return;
    }
    emit_ld_map(&cg->e, R1, map);
    cg_stack_ptr(cg, R2, key_off);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_lookup_elem));
}

void cg_call_update(struct cg *cg, int map, int key_off, int val_off) {
    const struct map_desc *md = &cg->m->maps[map];
    if (md->packed) {
        /* the value, then the flag that makes it print */
        ld_packed(cg, R0, md, 0);
        for (int i = 0; i < (int)md->value_size;) {
            int w = cg_access_width(val_off + i, 8 + i, (int)md->value_size - i);
            emit(&cg->e, LDX_MEM(cg_size_code(w), R1, cg->fp, val_off + i));
            emit(&cg->e, STX_MEM(cg_size_code(w), R0, R1, 8 + i));
            i += w;
        }
        emit(&cg->e, ST_MEM(BPF_DW, R0, 0, 1));
        emit(&cg->e, MOV64_IMM(R0, 0));
        return;
    }
    cg_call_update_raw(cg, map, key_off, val_off);
    cg_map_full_check(cg, map);
}

void cg_call_update_raw(struct cg *cg, int map, int key_off, int val_off) {
    emit_ld_map(&cg->e, R1, map);
    cg_stack_ptr(cg, R2, key_off);
    cg_stack_ptr(cg, R3, val_off);
    emit(&cg->e, MOV64_IMM(R4, BPF_ANY));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_update_elem));
}

int cg_map_user_key_size(const struct map_desc *md) {
    if (md->bucket_array)
        return 0;
    return (int)md->key_size - (type_agg_bucketed(md->val_ty) ? 8 : 0);
}

int cg_map_key(struct cg *cg, struct node *map, int extra) {
    const struct map_desc *md = cg_map(cg, map);
    int user = cg_map_user_key_size(md);
    int off = cg_frame_alloc(cg, user + extra);
    if (md->is_scalar || !md->key_ty) {
        cg_zero(cg, off, user);
        return off;
    }
    const struct type *kt = md->key_ty;
    bool outer = cg->zero_fill;
    cg->zero_fill = true;
    if (kt->kind == T_TUPLE && map->a && map->a->next) {
        /* @m[a, b] is @m[(a, b)] */
        struct node tuple = {.kind = N_TUPLE, .loc = map->loc, .a = map->a, .ty = kt};
        cg_store_value(cg, &tuple, kt, off);
    } else {
        cg_store_value(cg, map->a, kt, off);
    }
    if ((int)kt->size < user)
        cg_zero(cg, off + (int)kt->size, user - (int)kt->size);
    cg->zero_fill = outer;
    return off;
}

struct val cg_map_read_int(struct cg *cg, struct node *map) {
    const struct map_desc *md = cg_map(cg, map);
    if (md->val_ty->kind == T_AGG)
        return cg_agg_read(cg, map);
    int mark = cg_frame_mark(cg);
    int key = cg_map_key(cg, map, 0);
    cg_call_lookup(cg, cg_map_index(cg, map), key);
    cg_helper_check_lookup(cg, &map->loc);
    int reg = cg_reg_alloc(cg, &map->loc);
    int missing = emit_label(&cg->e);
    emit(&cg->e, MOV64_IMM(reg, 0));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), missing);
    cg_load(cg, reg, R0, 0, md->val_ty);
    emit_place(&cg->e, missing);
    cg_frame_release(cg, mark);
    return (struct val){.kind = V_REG, .reg = reg};
}

/* Copies size bytes from the map value at r0 to the stack. */
static void copy_from_r0(struct cg *cg, int off, int size) {
    for (int i = 0; i < size;) {
        int w = cg_access_width(off + i, i, size - i);
        emit(&cg->e, LDX_MEM(cg_size_code(w), R1, R0, i));
        emit(&cg->e, STX_MEM(cg_size_code(w), cg->fp, R1, off + i));
        i += w;
    }
}

void cg_map_read_mem(struct cg *cg, struct node *map, int off, int size) {
    const struct map_desc *md = cg_map(cg, map);
    int mark = cg_frame_mark(cg);
    int key = cg_map_key(cg, map, 0);
    cg_call_lookup(cg, cg_map_index(cg, map), key);
    cg_frame_release(cg, mark);
    int missing = emit_label(&cg->e), done = emit_label(&cg->e);
    int n = (int)md->value_size < size ? (int)md->value_size : size;
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), missing);
    copy_from_r0(cg, off, n);
    if (size > n)
        cg_zero(cg, off + n, size - n);
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, missing);
    cg_zero(cg, off, size);
    emit_place(&cg->e, done);
}

/* @m[k] = v for plain (non-aggregation) values. */
static void assign_plain(struct cg *cg, struct node *assign) {
    struct node *map = assign->a;
    const struct map_desc *md = cg_map(cg, map);
    int key = cg_map_key(cg, map, 0);
    int val = cg_frame_alloc(cg, (int)md->value_size);
    cg_store_value(cg, assign->b, md->val_ty, val);
    cg_call_update(cg, cg_map_index(cg, map), key, val);
}

/* @m[k] OP= v: missing keys count as 0, as in bpftrace. */
static void assign_compound(struct cg *cg, struct node *map, enum op op, struct val v,
                            struct val *out) {
    int key = cg_map_key(cg, map, 0);
    int step = cg_ptr_step(cg, cg_map(cg, map)->val_ty);
    bool scaled = v.kind == V_IMM;
    if (scaled)
        v.imm *= step;
    int vreg = cg_val_reg(cg, &v, &map->loc);
    if (!scaled && step != 1)
        emit(&cg->e, ALU64_IMM(BPF_MUL, vreg, step));
    int val = cg_frame_alloc(cg, 8);
    cg_call_lookup(cg, cg_map_index(cg, map), key);
    int missing = emit_label(&cg->e);
    emit(&cg->e, MOV64_IMM(R1, 0));
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), missing);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, R0, 0));
    emit_place(&cg->e, missing);
    if (out) {
        /* the old value, for post-increment */
        out->kind = V_REG;
        out->reg = cg_reg_alloc(cg, &map->loc);
        emit(&cg->e, MOV64_REG(out->reg, R1));
    }
    int off, alu = cg_alu_op(op, cg_map(cg, map)->val_ty->is_signed, &off);
    cg_alu_reg(cg, alu, off, R1, vreg);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, R1, val));
    cg_val_free(cg, &v);
    cg_call_update(cg, cg_map_index(cg, map), key, val);
}

void cg_map_assign(struct cg *cg, struct node *assign) {
    int mark = cg_frame_mark(cg);
    struct node *v = assign->b;
    if (v->kind == N_CALL && cg_agg_call(v)) {
        /* a full map is reported at the aggregation, as bpftrace does */
        struct loc outer = cg->e.loc;
        cg->e.loc = v->loc;
        cg_agg_update(cg, assign->a, v);
        cg->e.loc = outer;
    } else if (assign->op == OP_ASSIGN || assign->op == OP_NONE)
        assign_plain(cg, assign);
    else
        assign_compound(cg, assign->a, assign->op, cg_int(cg, v), NULL);
    cg_frame_release(cg, mark);
}

void cg_map_incdec(struct cg *cg, struct node *n, struct val *out) {
    int mark = cg_frame_mark(cg);
    bool inc = n->op == OP_PRE_INC || n->op == OP_POST_INC;
    bool post = n->op == OP_POST_INC || n->op == OP_POST_DEC;
    struct val one = {.kind = V_IMM, .imm = 1};
    assign_compound(cg, n->a, inc ? OP_ADD : OP_SUB, one, out);
    if (!post)
        emit(&cg->e, ALU64_IMM(BPF_ADD, out->reg,
                               (inc ? 1 : -1) * cg_ptr_step(cg, cg_map(cg, n->a)->val_ty)));
    cg_frame_release(cg, mark);
}

void cg_map_delete(struct cg *cg, struct node *map) {
    const struct map_desc *md = cg_map(cg, map);
    if (md->packed) {
        /* unset, and 0 when read again */
        ld_packed(cg, R1, md, 0);
        for (int i = 0; i < 8 + (int)md->value_size; i += 8)
            emit(&cg->e, ST_MEM(BPF_DW, R1, i, 0));
        return;
    }
    int mark = cg_frame_mark(cg);
    int key = cg_map_key(cg, map, 0);
    emit_ld_map(&cg->e, R1, cg_map_index(cg, map));
    cg_stack_ptr(cg, R2, key);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_map_delete_elem));
    cg_frame_release(cg, mark);
}
