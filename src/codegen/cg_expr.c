/* Integer and boolean expressions. Values are 64-bit in registers;
 * constants are folded and stay immediates as long as possible. */
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_typed.h"

static const char DIV_ZERO_WARNING[] = "Divide or modulo by 0 detected. This can lead to "
                                       "unexpected results. 1 is being used as the result.";

static bool is_signed(const struct type *t) {
    return t && t->kind == T_INT && t->is_signed;
}

static bool is_u64(const struct type *t) {
    return t && (t->kind == T_INT || t->kind == T_PROBE) && !t->is_signed && t->size >= 8;
}

static bool is_compare(enum op op) {
    return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE;
}

void cg_extend(struct cg *cg, int reg, const struct type *ty) {
    if (!ty || ty->size >= 8 || (ty->kind != T_INT && ty->kind != T_BOOL))
        return;
    int bits = (int)ty->size * 8;
    if (ty->kind == T_INT && ty->is_signed) {
        emit(&cg->e, ALU64_IMM(BPF_LSH, reg, 64 - bits));
        emit(&cg->e, ALU64_IMM(BPF_ARSH, reg, 64 - bits));
    } else if (bits == 32) {
        emit(&cg->e, MOV32_REG(reg, reg));
    } else {
        emit(&cg->e, ALU64_IMM(BPF_AND, reg, (int32_t)((1u << bits) - 1)));
    }
}

/* Evaluates two constants as the program would: 64-bit wrapping
 * arithmetic, unsigned division, remainder and right shift, and BPF's
 * rules for x / 0. */
static int64_t fold(enum op op, int64_t a, int64_t b) {
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case OP_ADD:
        return (int64_t)(ua + ub);
    case OP_SUB:
        return (int64_t)(ua - ub);
    case OP_MUL:
        return (int64_t)(ua * ub);
    case OP_DIV:
        return b ? (int64_t)(ua / ub) : 0;
    case OP_MOD:
        return b ? (int64_t)(ua % ub) : a;
    case OP_BAND:
        return a & b;
    case OP_BOR:
        return a | b;
    case OP_BXOR:
        return a ^ b;
    case OP_SHL:
        return (int64_t)(ua << (ub & 63));
    case OP_SHR:
        return (int64_t)(ua >> (ub & 63));
    default:
        return 0;
    }
}

int cg_alu_op(enum op op, bool sign, int *off) {
    *off = 0;
    switch (op) {
    case OP_ADD:
        return BPF_ADD;
    case OP_SUB:
        return BPF_SUB;
    case OP_MUL:
        return BPF_MUL;
    /* as bpftrace: division, remainder and right shift are unsigned
     * whatever the operands' signs (it warns about signed operands) */
    case OP_DIV:
        return BPF_DIV;
    case OP_MOD:
        return BPF_MOD;
    case OP_BAND:
        return BPF_AND;
    case OP_BOR:
        return BPF_OR;
    case OP_BXOR:
        return BPF_XOR;
    case OP_SHL:
        return BPF_LSH;
    case OP_SHR:
        return BPF_RSH;
    default:
        return BPF_ADD;
    }
}

/* One sign case of signed_divmod: dst OP= src, negating src before and
 * dst after as asked, then on to done (unless done < 0). */
static void divmod_case(struct cg *cg, int op, int dst, int src, bool neg_src, bool neg_dst,
                        int done) {
    if (neg_src)
        emit(&cg->e, NEG64(src));
    emit(&cg->e, ALU64_REG(op, dst, src));
    if (neg_dst)
        emit(&cg->e, NEG64(dst));
    if (done >= 0)
        emit_jump(&cg->e, JA(0), done);
}

/* Divides magnitudes and restores the sign: a quotient is negative when
 * the operands' signs differ, a remainder takes the dividend's sign. The
 * negation of INT64_MIN is 2^63 as an unsigned magnitude, as needed. */
static void signed_divmod(struct cg *cg, int op, int dst, int src) {
    int dst_neg = emit_label(&cg->e), done = emit_label(&cg->e);
    int src_neg = emit_label(&cg->e), both_neg = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JSLT, dst, 0, 0), dst_neg);
    emit_jump(&cg->e, JMP_IMM(BPF_JSLT, src, 0, 0), src_neg);
    divmod_case(cg, op, dst, src, false, false, done);
    emit_place(&cg->e, src_neg);
    divmod_case(cg, op, dst, src, true, op == BPF_DIV, done);
    emit_place(&cg->e, dst_neg);
    emit(&cg->e, NEG64(dst));
    emit_jump(&cg->e, JMP_IMM(BPF_JSLT, src, 0, 0), both_neg);
    divmod_case(cg, op, dst, src, false, true, done);
    emit_place(&cg->e, both_neg);
    divmod_case(cg, op, dst, src, true, op == BPF_MOD, -1);
    emit_place(&cg->e, done);
}

void cg_alu_reg(struct cg *cg, int op, int off, int dst, int src) {
    if (off && (op == BPF_DIV || op == BPF_MOD))
        signed_divmod(cg, op, dst, src);
    else
        emit(&cg->e, ALU64_REG(op, dst, src));
}

static bool commutes(enum op op) {
    return op == OP_ADD || op == OP_MUL || op == OP_BAND || op == OP_BOR || op == OP_BXOR;
}

static int free_regs(const struct cg *cg) {
    int n = 0;
    for (int r = CG_POOL_FIRST; r <= cg->pool_last; r++)
        n += !cg->reg_busy[r];
    return n;
}

/* Evaluates both operands of a binary operator. When registers run short,
 * the left value waits in a frame slot while the right one is computed. */
static void operands(struct cg *cg, struct node *n, struct val *l, struct val *r) {
    *l = cg_int(cg, n->a);
    bool simple = n->b->kind == N_INT || n->b->kind == N_BOOL;
    if (l->kind != V_REG || simple || free_regs(cg) >= 2) {
        *r = cg_int(cg, n->b);
        return;
    }
    int slot = cg_frame_alloc(cg, 8);
    emit(&cg->e, STX_MEM(BPF_DW, cg->fp, l->reg, slot));
    cg_val_free(cg, l);
    *r = cg_int(cg, n->b);
    l->kind = V_REG;
    l->reg = cg_reg_alloc(cg, &n->a->loc);
    emit(&cg->e, LDX_MEM(BPF_DW, l->reg, cg->fp, slot));
}

static struct val arith(struct cg *cg, struct node *n) {
    bool sign = is_signed(n->ty);
    struct val l, r;
    operands(cg, n, &l, &r);
    bool by_zero = r.kind == V_IMM && r.imm == 0 && (n->op == OP_DIV || n->op == OP_MOD);
    if (l.kind == V_IMM && r.kind == V_IMM && !by_zero) /* by zero: warns below */
        return (struct val){.kind = V_IMM, .imm = fold(n->op, l.imm, r.imm)};
    if (l.kind == V_IMM && commutes(n->op)) {
        struct val t = l;
        l = r;
        r = t;
    }
    int dst = cg_val_reg(cg, &l, &n->loc);
    int off, op = cg_alu_op(n->op, sign, &off);
    if (r.kind == V_IMM && (n->op == OP_SHL || n->op == OP_SHR))
        r.imm &= 63; /* the verifier refuses constant shifts out of range */
    if (r.kind == V_IMM && r.imm == 0 && (n->op == OP_DIV || n->op == OP_MOD)) {
        /* a literal zero divisor (the verifier refuses one): bpftrace's
         * warning and 1, as for a divisor that is zero at run time */
        cg_runtime_warning(cg, &n->loc, DIV_ZERO_WARNING);
        emit(&cg->e, MOV64_IMM(dst, 1));
        return l;
    }
    if (r.kind == V_IMM && r.imm >= INT32_MIN && r.imm <= INT32_MAX && !off) {
        emit(&cg->e, ALU64_IMM(op, dst, (int32_t)r.imm));
    } else {
        int src = cg_val_reg(cg, &r, &n->loc);
        int done = emit_label(&cg->e), divide = emit_label(&cg->e);
        bool checked = n->op == OP_DIV || n->op == OP_MOD;
        if (checked) {
            /* as bpftrace: a zero divisor warns and gives 1 */
            emit_jump(&cg->e, JMP_IMM(BPF_JNE, src, 0, 0), divide);
            cg_runtime_warning(cg, &n->loc, DIV_ZERO_WARNING);
            emit(&cg->e, MOV64_IMM(dst, 1));
            emit_jump(&cg->e, JA(0), done);
        }
        emit_place(&cg->e, divide);
        cg_alu_reg(cg, op, off, dst, src);
        emit_place(&cg->e, done);
    }
    cg_val_free(cg, &r);
    return l;
}

/* The BPF jump that is taken when "a op b" holds. */
static int jump_op(enum op op, bool sign) {
    switch (op) {
    case OP_EQ:
        return BPF_JEQ;
    case OP_NE:
        return BPF_JNE;
    case OP_LT:
        return sign ? BPF_JSLT : BPF_JLT;
    case OP_LE:
        return sign ? BPF_JSLE : BPF_JLE;
    case OP_GT:
        return sign ? BPF_JSGT : BPF_JGT;
    default:
        return sign ? BPF_JSGE : BPF_JGE;
    }
}

static enum op negate(enum op op) {
    switch (op) {
    case OP_EQ:
        return OP_NE;
    case OP_NE:
        return OP_EQ;
    case OP_LT:
        return OP_GE;
    case OP_LE:
        return OP_GT;
    case OP_GT:
        return OP_LE;
    default:
        return OP_LT;
    }
}

static enum op mirror(enum op op) {
    switch (op) {
    case OP_LT:
        return OP_GT;
    case OP_LE:
        return OP_GE;
    case OP_GT:
        return OP_LT;
    case OP_GE:
        return OP_LE;
    default:
        return op;
    }
}

static bool fold_compare(enum op op, int64_t a, int64_t b, bool sign) {
    if (!sign) {
        uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
        return op == OP_EQ   ? ua == ub
               : op == OP_NE ? ua != ub
               : op == OP_LT ? ua < ub
               : op == OP_LE ? ua <= ub
               : op == OP_GT ? ua > ub
                             : ua >= ub;
    }
    return op == OP_EQ   ? a == b
           : op == OP_NE ? a != b
           : op == OP_LT ? a < b
           : op == OP_LE ? a <= b
           : op == OP_GT ? a > b
                         : a >= b;
}

static void branch(struct cg *cg, struct node *n, int label, bool when);

/* probe == "name": the probe builtin is the index of the probe's name, so
 * the literal becomes the index of the target that bears it (none: never equal). */
static void probe_name_branch(struct cg *cg, struct node *n, bool jump_if_equal, int label) {
    struct node *probe = n->a->kind == N_STRING ? n->b : n->a;
    struct node *lit = n->a->kind == N_STRING ? n->a : n->b;
    const struct sema_unit *u = cg->unit;
    int64_t id = -1;
    for (int i = 0; i < u->ntargets; i++)
        if (u->targets[i].name && strcmp(u->targets[i].name, lit->str) == 0)
            id = (int64_t)u->targets[i].cookie;
    if (id < 0) {
        if (!jump_if_equal)
            emit_jump(&cg->e, JA(0), label);
        return;
    }
    struct val v = cg_int(cg, probe);
    if (v.kind == V_IMM) {
        if ((v.imm == id) == jump_if_equal)
            emit_jump(&cg->e, JA(0), label);
        return;
    }
    emit_jump(&cg->e, JMP_IMM(jump_if_equal ? BPF_JEQ : BPF_JNE, v.reg, (int32_t)id, 0), label);
    cg_val_free(cg, &v);
}

/* Jumps to label when "a op b" equals `when`. */
static void compare_branch(struct cg *cg, struct node *n, int label, bool when) {
    enum op op = when ? n->op : negate(n->op);
    if (n->a->ty && (n->a->ty->kind == T_STRING || n->a->ty->kind == T_ARRAY ||
                     n->a->ty->kind == T_STACK || n->a->ty->kind == T_BUF)) {
        cg_str_cond(cg, n->a, n->b, op == OP_EQ, label);
        return;
    }
    if ((n->a->ty && n->a->ty->kind == T_PROBE) != (n->b->ty && n->b->ty->kind == T_PROBE)) {
        probe_name_branch(cg, n, op == OP_EQ, label);
        return;
    }
    /* C's conversions: only a 64-bit unsigned operand makes the comparison
     * unsigned; bools and narrower unsigned values promote to int64 */
    bool sign = n->cmp_sign ? n->cmp_sign == 2 : !is_u64(n->a->ty) && !is_u64(n->b->ty);
    struct val l, r;
    operands(cg, n, &l, &r);
    if (l.kind == V_IMM && r.kind == V_IMM) {
        if (fold_compare(op, l.imm, r.imm, sign))
            emit_jump(&cg->e, JA(0), label);
        return;
    }
    if (l.kind == V_IMM) {
        struct val t = l;
        l = r;
        r = t;
        op = mirror(op);
    }
    int a = cg_val_reg(cg, &l, &n->loc);
    if (r.kind == V_IMM && r.imm >= INT32_MIN && r.imm <= INT32_MAX) {
        emit_jump(&cg->e, JMP_IMM(jump_op(op, sign), a, (int32_t)r.imm, 0), label);
    } else {
        int b = cg_val_reg(cg, &r, &n->loc);
        emit_jump(&cg->e, JMP_REG(jump_op(op, sign), a, b, 0), label);
    }
    cg_val_free(cg, &l);
    cg_val_free(cg, &r);
}

/* Jumps to label when the truth of n equals `when`, else falls through. */
static void branch(struct cg *cg, struct node *n, int label, bool when) {
    if (n->kind == N_UNOP && n->op == OP_NOT) {
        branch(cg, n->a, label, !when);
        return;
    }
    if (n->kind == N_BINOP && (n->op == OP_LAND || n->op == OP_LOR)) {
        /* a && b jumps on false as soon as a is false; on true only when both are */
        bool short_on = (n->op == OP_LOR);
        if (when == short_on) {
            branch(cg, n->a, label, when);
            branch(cg, n->b, label, when);
        } else {
            int skip = emit_label(&cg->e);
            branch(cg, n->a, skip, !when);
            branch(cg, n->b, label, when);
            emit_place(&cg->e, skip);
        }
        return;
    }
    if (n->kind == N_BINOP && is_compare(n->op)) {
        compare_branch(cg, n, label, when);
        return;
    }
    struct val v = cg_int(cg, n);
    if (v.kind == V_IMM) {
        if ((v.imm != 0) == when)
            emit_jump(&cg->e, JA(0), label);
        return;
    }
    emit_jump(&cg->e, JMP_IMM(when ? BPF_JNE : BPF_JEQ, v.reg, 0, 0), label);
    cg_val_free(cg, &v);
}

void cg_cond(struct cg *cg, struct node *n, int false_label) {
    branch(cg, n, false_label, false);
}

/* 0 or 1 in a register, for conditions used as values. The register is
 * taken after the condition's code, which then has the whole pool. */
static struct val materialize_bool(struct cg *cg, struct node *n) {
    int other = emit_label(&cg->e), done = emit_label(&cg->e);
    branch(cg, n, other, false);
    int reg = cg_reg_alloc(cg, &n->loc);
    emit(&cg->e, MOV64_IMM(reg, 1));
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, other);
    emit(&cg->e, MOV64_IMM(reg, 0));
    emit_place(&cg->e, done);
    return (struct val){.kind = V_REG, .reg = reg};
}

static struct val unop(struct cg *cg, struct node *n) {
    if (n->op == OP_NOT)
        return materialize_bool(cg, n);
    if (n->op == OP_DEREF || n->op == OP_ADDROF)
        return cg_typed_int(cg, n);
    struct val v = cg_int(cg, n->a);
    if (v.kind == V_IMM) {
        v.imm = n->op == OP_NEG ? (int64_t)(0 - (uint64_t)v.imm) : ~v.imm;
        return v;
    }
    if (n->op == OP_NEG)
        emit(&cg->e, NEG64(v.reg));
    else
        emit(&cg->e, ALU64_IMM(BPF_XOR, v.reg, -1));
    return v;
}

/* Both arms end in one register. It is only live after the "then" arm, so
 * the "else" arm may use it as a temporary. */
static struct val ternary(struct cg *cg, struct node *n) {
    int other = emit_label(&cg->e), done = emit_label(&cg->e);
    struct val t;
    if (n->b) {
        cg_cond(cg, n->a, other);
        t = cg_int(cg, n->b);
    } else {
        /* a ?: c keeps a when it is non-zero */
        t = cg_int(cg, n->a);
    }
    int reg = cg_val_reg(cg, &t, &n->loc);
    if (!n->b)
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, reg, 0, 0), other);
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, other);
    cg_reg_free(cg, reg);
    struct val f = cg_int(cg, n->c);
    cg_val_to(cg, &f, reg);
    if (!(f.kind == V_REG && f.reg == reg))
        cg_val_free(cg, &f);
    cg->reg_busy[reg] = true;
    emit_place(&cg->e, done);
    return (struct val){.kind = V_REG, .reg = reg};
}

static struct val var_read(struct cg *cg, struct node *n) {
    int slot = cg->var_slot[n->sym];
    int reg = cg_reg_alloc(cg, &n->loc);
    if (!slot) {
        emit(&cg->e, MOV64_IMM(reg, 0));
        return (struct val){.kind = V_REG, .reg = reg};
    }
    cg_load(cg, reg, cg_var_base(cg, n->sym), slot, cg->unit->vars[n->sym].ty);
    return (struct val){.kind = V_REG, .reg = reg};
}

/* $x++ and friends on scratch variables. */
static struct val var_incdec(struct cg *cg, struct node *n) {
    struct node *var = n->a;
    int slot = cg->var_slot[var->sym], base = cg_var_base(cg, var->sym);
    int reg = cg_reg_alloc(cg, &n->loc);
    int delta = (n->op == OP_PRE_INC || n->op == OP_POST_INC) ? 1 : -1;
    delta *= cg_ptr_step(cg, cg->unit->vars[var->sym].ty);
    bool post = (n->op == OP_POST_INC || n->op == OP_POST_DEC);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, base, slot));
    emit(&cg->e, ALU64_IMM(BPF_ADD, reg, delta));
    emit(&cg->e, STX_MEM(BPF_DW, base, reg, slot));
    if (post)
        emit(&cg->e, ALU64_IMM(BPF_ADD, reg, -delta));
    return (struct val){.kind = V_REG, .reg = reg};
}

/* (uint32)a of an array of integers: its bytes as one integer. */
static struct val array_as_int(struct cg *cg, struct node *n) {
    if (cg_is_typed_ref(n->b))
        return cg_typed_int_as(cg, n->b, n->ty);
    int mark = cg_frame_mark(cg);
    int slot = cg_mem_value(cg, n->b);
    int reg = cg_reg_alloc(cg, &n->loc);
    cg_load(cg, reg, cg->fp, slot, n->ty);
    cg_frame_release(cg, mark);
    return (struct val){.kind = V_REG, .reg = reg};
}

static struct val cast(struct cg *cg, struct node *n) {
    if (n->b->ty && n->b->ty->kind == T_ARRAY)
        return array_as_int(cg, n);
    struct val v = cg_int(cg, n->b);
    const struct type *t = n->ty;
    if (v.kind == V_IMM) {
        if (t->size < 8) {
            int bits = (int)t->size * 8;
            uint64_t mask = (1ull << bits) - 1, u = (uint64_t)v.imm & mask;
            if (t->is_signed && (u >> (bits - 1)))
                u |= ~mask;
            v.imm = (int64_t)u;
        }
        return v;
    }
    cg_extend(cg, v.reg, t);
    return v;
}

/* Reads a tuple element: the tuple is built in memory, the element loaded. */
static struct val tuple_field(struct cg *cg, struct node *n) {
    int mark = cg_frame_mark(cg);
    int base = cg_mem_value(cg, n->a);
    const struct type_field *f = &n->a->ty->fields[n->sym];
    int reg = cg_reg_alloc(cg, &n->loc);
    cg_load(cg, reg, cg->fp, base + (int)f->offset, f->ty);
    cg_frame_release(cg, mark);
    return (struct val){.kind = V_REG, .reg = reg};
}

static struct val int_value(struct cg *cg, struct node *n);

/* Instructions carry the location of the expression they implement. */
struct val cg_int(struct cg *cg, struct node *n) {
    struct loc outer = cg->e.loc;
    cg->e.loc = n->loc;
    struct val v = int_value(cg, n);
    cg->e.loc = outer;
    return v;
}

static struct val int_value(struct cg *cg, struct node *n) {
    switch (n->kind) {
    case N_INT:
    case N_BOOL:
        return (struct val){.kind = V_IMM, .imm = (int64_t)n->num};
    case N_IDENT:
        return cg_builtin_int(cg, n);
    case N_VAR:
        return var_read(cg, n);
    case N_MAP:
        return cg_map_read_int(cg, n);
    case N_CALL:
        return cg_call_int(cg, n);
    case N_BINOP:
        if (is_compare(n->op) || n->op == OP_LAND || n->op == OP_LOR)
            return materialize_bool(cg, n);
        return arith(cg, n);
    case N_UNOP:
        return unop(cg, n);
    case N_TERNARY:
        return ternary(cg, n);
    case N_BLOCK_EXPR:
        cg_block(cg, n);
        return cg_int(cg, n->b);
    case N_CAST:
        return cast(cg, n);
    case N_FIELD:
        if (n->a->ty && n->a->ty->kind == T_TUPLE)
            return tuple_field(cg, n);
        return cg_typed_int(cg, n);
    case N_INDEX:
        if (n->a->ty && n->a->ty->kind == T_TUPLE)
            return tuple_field(cg, n);
        return cg_typed_int(cg, n);
    case N_INCDEC:
        if (n->a->kind == N_VAR)
            return var_incdec(cg, n);
        {
            struct val out;
            cg_map_incdec(cg, n, &out);
            return out;
        }
    default:
        cg_error(cg, &n->loc, E_UNSUPPORTED, "this expression is not supported yet");
        return (struct val){.kind = V_IMM};
    }
}
